/* lm_history.c: the conversation kept for use_history (see lm_history.h). Exchanges are added
 * whole, after the answer succeeded, so a failed or cancelled turn leaves no trace; trimming
 * drops whole exchanges from the oldest end. */
#include "lm_history.h"

#include <stdlib.h>
#include <string.h>

void lm_history_init(lm_history *h, size_t max_messages, size_t max_bytes) {
  memset(h, 0, sizeof *h);
  pthread_mutex_init(&h->mu, NULL);
  h->max_messages = max_messages;
  h->max_bytes = max_bytes;
}

static void free_exchange(lm_exchange *x) {
  free(x->user);
  free(x->assistant);
}

static size_t exchange_bytes(const lm_exchange *x) { return strlen(x->user) + strlen(x->assistant); }

void lm_history_fini(lm_history *h) {
  lm_history_clear(h);
  free(h->items);
  pthread_mutex_destroy(&h->mu);
}

/* Caller holds mu. */
static void trim(lm_history *h) {
  size_t drop = 0, bytes = h->bytes;
  while (drop < h->count &&
         ((h->count - drop) * 2 > h->max_messages || (h->max_bytes && bytes > h->max_bytes))) {
    bytes -= exchange_bytes(&h->items[drop]);
    free_exchange(&h->items[drop]);
    drop++;
  }
  if (!drop) return;
  memmove(h->items, h->items + drop, (h->count - drop) * sizeof *h->items);
  h->count -= drop;
  h->bytes = bytes;
}

void lm_history_set_limits(lm_history *h, size_t max_messages, size_t max_bytes) {
  pthread_mutex_lock(&h->mu);
  h->max_messages = max_messages;
  h->max_bytes = max_bytes;
  trim(h);
  pthread_mutex_unlock(&h->mu);
}

bool lm_history_add(lm_history *h, const char *user, const char *assistant) {
  lm_exchange x = {strdup(user ? user : ""), strdup(assistant ? assistant : "")};
  if (!x.user || !x.assistant) {
    free_exchange(&x);
    return false;
  }
  pthread_mutex_lock(&h->mu);
  bool ok = true;
  if (h->count == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 8;
    lm_exchange *items = realloc(h->items, cap * sizeof *items);
    if (!items) ok = false;
    else {
      h->items = items;
      h->cap = cap;
    }
  }
  if (ok) {
    h->items[h->count++] = x;
    h->bytes += exchange_bytes(&x);
    trim(h);
  } else {
    free_exchange(&x);
  }
  pthread_mutex_unlock(&h->mu);
  return ok;
}

void lm_history_clear(lm_history *h) {
  pthread_mutex_lock(&h->mu);
  for (size_t i = 0; i < h->count; i++) free_exchange(&h->items[i]);
  h->count = 0;
  h->bytes = 0;
  pthread_mutex_unlock(&h->mu);
}

size_t lm_history_messages(lm_history *h) {
  pthread_mutex_lock(&h->mu);
  size_t n = h->count * 2;
  pthread_mutex_unlock(&h->mu);
  return n;
}

static const char *keep(lm_chat_messages *m, const char *s) {
  char *c = strdup(s ? s : "");
  if (c) m->owned[m->n_owned++] = c;
  return c;
}

bool lm_history_build_chat(lm_history *h, const char *system_prompt, bool use_history,
                           const char *prompt, const char *const *image_urls, size_t n_images,
                           lm_chat_messages *out) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&h->mu);
  size_t past = use_history ? h->count : 0;
  bool has_system = system_prompt && system_prompt[0];
  size_t total = past * 2 + 1 + (has_system ? 1 : 0);
  out->msgs = calloc(total, sizeof *out->msgs);
  out->owned = calloc(total, sizeof *out->owned);
  bool ok = out->msgs && out->owned;
  size_t k = 0;
  if (ok && has_system) {
    out->msgs[k] = (llm_message){.role = LLM_ROLE_SYSTEM, .text = keep(out, system_prompt)};
    ok = out->msgs[k++].text != NULL;
  }
  for (size_t i = 0; ok && i < past; i++) {
    out->msgs[k] = (llm_message){.role = LLM_ROLE_USER, .text = keep(out, h->items[i].user)};
    ok = out->msgs[k++].text != NULL;
    out->msgs[k] = (llm_message){.role = LLM_ROLE_ASSISTANT, .text = keep(out, h->items[i].assistant)};
    ok = ok && out->msgs[k++].text != NULL;
  }
  pthread_mutex_unlock(&h->mu);
  if (ok) {
    out->msgs[k] = (llm_message){.role = LLM_ROLE_USER, .text = keep(out, prompt),
                                 .image_urls = image_urls, .n_images = n_images};
    ok = out->msgs[k++].text != NULL;
  }
  out->n = k;
  if (!ok) lm_history_free_messages(out);
  return ok;
}

void lm_history_free_messages(lm_chat_messages *m) {
  for (size_t i = 0; i < m->n_owned; i++) free(m->owned[i]);
  free(m->owned);
  free(m->msgs);
  memset(m, 0, sizeof *m);
}
