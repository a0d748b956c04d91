/* llm_client.c: the client's loop, queue and public API (see llm_client.h).
 * One loop thread owns the curl multi handle and every active transfer. Other threads only
 * touch the submit queue and the cancel flags, under `mu`, then wake the loop with
 * curl_multi_wakeup. Finished transfers are reaped after curl_multi_perform returns, never
 * inside a curl callback; callbacks run with no lock held, so they may submit or cancel. */
#include "llm_client.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "llm_request.h"
#include "llm_transfer.h"

struct llm_client {
  llm_config cfg;            /* strings below are the client's copies */
  char *base_url, *api_key, *ca_file;
  char *shown_url; /* base_url with any user:password@ replaced by ***@, for messages */
  CURLM *multi;

  pthread_mutex_t mu;        /* guards queued, active (membership), next_id */
  llm_transfer *queued;      /* submitted, not yet added to multi (FIFO via tail) */
  llm_transfer **queued_tail;
  llm_transfer *active;      /* in the multi handle */
  uint64_t next_id;
  atomic_uint pending;

  pthread_t thread;
  bool thread_running;
  atomic_bool stop;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

size_t llm_url_redact(const char *url, char *out, size_t size) {
  if (!out || size == 0) return 0;
  if (!url) url = "";
  const char *sep = strstr(url, "://");
  const char *auth = sep ? sep + 3 : url;
  size_t auth_len = strcspn(auth, "/?#");
  const char *at = NULL;
  for (const char *p = auth; p < auth + auth_len; p++)
    if (*p == '@') at = p; /* the last '@' ends the userinfo (a password may hold '@') */
  int k = at ? snprintf(out, size, "%.*s***%s", (int)(auth - url), url, at)
             : snprintf(out, size, "%s", url);
  return k < 0 ? 0 : (size_t)k < size ? (size_t)k : size - 1;
}

/* "localhost:1234/v1/" -> "http://localhost:1234". Error texts quote the URL redacted. */
static char *normalize_base_url(const char *raw_url, llm_error *e) {
  char url[512];
  llm_url_redact(raw_url, url, sizeof url);
  if (!raw_url || !raw_url[0]) {
    llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "the server URL is empty");
    return NULL;
  }
  bool has_scheme = strncmp(raw_url, "http://", 7) == 0 || strncmp(raw_url, "https://", 8) == 0;
  if (!has_scheme && strstr(raw_url, "://")) {
    llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "unsupported URL scheme in \"%s\" (use http or https)",
                  url);
    return NULL;
  }
  size_t n = strlen(raw_url) + 8;
  char *s = malloc(n);
  if (!s) {
    llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  snprintf(s, n, "%s%s", has_scheme ? "" : "http://", raw_url);
  size_t host = (size_t)(strstr(s, "://") - s) + 3;
  size_t len = strlen(s);
  for (;;) { /* strip trailing slashes and "/v1", never into the scheme */
    while (len > host && s[len - 1] == '/') s[--len] = '\0';
    if (len >= host + 3 && strcmp(s + len - 3, "/v1") == 0) {
      len -= 3;
      s[len] = '\0';
      continue;
    }
    break;
  }
  if (len == host || s[host] == '/') {
    llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "the server URL \"%s\" has no host", url);
    free(s);
    return NULL;
  }
  return s;
}

static char *dup_or_null(const char *s) { return s && s[0] ? strdup(s) : NULL; }

llm_client *llm_client_create(const llm_config *cfg, llm_error *e) {
  if (!cfg) {
    llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "no configuration");
    return NULL;
  }
  pthread_once(&curl_once, curl_init_once);
  llm_client *c = calloc(1, sizeof *c);
  if (!c) {
    llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  c->base_url = normalize_base_url(cfg->base_url, e);
  if (!c->base_url) {
    free(c);
    return NULL;
  }
  size_t shown = strlen(c->base_url) + 4;
  if ((c->shown_url = malloc(shown)) != NULL) llm_url_redact(c->base_url, c->shown_url, shown);
  c->api_key = dup_or_null(cfg->api_key);
  c->ca_file = dup_or_null(cfg->ca_file);
  c->cfg = *cfg;
  c->cfg.base_url = c->base_url;
  c->cfg.api_key = c->api_key;
  c->cfg.ca_file = c->ca_file;
  c->multi = curl_multi_init();
  if (!c->multi) {
    llm_error_set(e, LLM_ERR_NO_MEMORY, "cannot create the HTTP multi handle");
    llm_client_destroy(c);
    return NULL;
  }
  pthread_mutex_init(&c->mu, NULL);
  c->queued_tail = &c->queued;
  c->next_id = 1;
  atomic_init(&c->pending, 0);
  atomic_init(&c->stop, false);
  return c;
}

static void finish(llm_client *c, llm_transfer *t, llm_result *r) {
  atomic_fetch_sub(&c->pending, 1); /* before on_done: whoever it wakes sees the count */
  t->cb.on_done(t->user, t->id, r);
  llm_result_clear(r);
  llm_transfer_destroy(t);
}

/* Ends a transfer that never reached (or was taken out of) the multi handle. */
static void finish_with(llm_client *c, llm_transfer *t, llm_status why, const char *message) {
  llm_transfer_set_abort(t, why, message);
  llm_result r = {0};
  llm_transfer_result(t, CURLE_OK, &r);
  finish(c, t, &r);
}

static void unlink_active(llm_client *c, llm_transfer *t) {
  pthread_mutex_lock(&c->mu);
  for (llm_transfer **p = &c->active; *p; p = &(*p)->next) {
    if (*p == t) {
      *p = t->next;
      break;
    }
  }
  t->next = NULL;
  pthread_mutex_unlock(&c->mu);
}

void llm_client_destroy(llm_client *c) {
  if (!c) return;
  if (c->thread_running) {
    atomic_store(&c->stop, true);
    curl_multi_wakeup(c->multi);
    pthread_join(c->thread, NULL);
    c->thread_running = false;
  }
  if (c->multi) {
    /* Finish what is left, on this thread: the loop no longer runs. */
    for (;;) {
      pthread_mutex_lock(&c->mu);
      llm_transfer *t = c->active ? c->active : c->queued;
      bool from_active = c->active != NULL;
      if (t) {
        if (from_active) c->active = t->next;
        else if (!(c->queued = t->next)) c->queued_tail = &c->queued;
        t->next = NULL;
      }
      pthread_mutex_unlock(&c->mu);
      if (!t) break;
      if (from_active) curl_multi_remove_handle(c->multi, t->easy);
      finish_with(c, t, LLM_ERR_SHUTDOWN, "the LLM client shut down before the request finished");
    }
    curl_multi_cleanup(c->multi);
    pthread_mutex_destroy(&c->mu);
  }
  if (c->api_key) memset(c->api_key, 0, strlen(c->api_key));
  free(c->api_key);
  free(c->ca_file);
  free(c->base_url);
  free(c->shown_url);
  free(c);
}

/* Moves queued transfers into the multi handle; runs on the loop thread. */
static void admit_queued(llm_client *c) {
  pthread_mutex_lock(&c->mu);
  llm_transfer *list = c->queued;
  c->queued = NULL;
  c->queued_tail = &c->queued;
  pthread_mutex_unlock(&c->mu);
  while (list) {
    llm_transfer *t = list;
    list = t->next;
    t->next = NULL;
    if (atomic_load(&t->cancel_requested)) {
      finish_with(c, t, LLM_ERR_CANCELLED, "the request was cancelled before it was sent");
      continue;
    }
    t->attempts++;
    t->attempt_ns = clock_mono_ns();
    if (curl_multi_add_handle(c->multi, t->easy) != CURLM_OK) {
      finish_with(c, t, LLM_ERR_NO_MEMORY, "cannot start the HTTP transfer");
      continue;
    }
    pthread_mutex_lock(&c->mu);
    t->next = c->active;
    c->active = t;
    pthread_mutex_unlock(&c->mu);
  }
}

static void requeue(llm_client *c, llm_transfer *t) {
  pthread_mutex_lock(&c->mu);
  t->next = NULL;
  *c->queued_tail = t;
  c->queued_tail = &t->next;
  pthread_mutex_unlock(&c->mu);
}

/* A transfer left the multi handle with curl code rc: retry, fall back, or finish it. */
static void complete(llm_client *c, llm_transfer *t, CURLcode rc) {
  curl_multi_remove_handle(c->multi, t->easy);
  unlink_active(c, t);
  if (llm_transfer_should_retry(t, rc)) {
    llm_transfer_rearm(t, c->base_url, NULL);
    requeue(c, t);
    return;
  }
  llm_result r = {0};
  llm_transfer_result(t, rc, &r);
  if (llm_transfer_should_fallback(t, &r)) {
    llm_result_clear(&r);
    t->models_fallback = true;
    t->attempts = 0;
    llm_transfer_rearm(t, c->base_url, "/v1/models");
    requeue(c, t);
    return;
  }
  finish(c, t, &r);
}

/* Stops transfers that were cancelled or ran past a deadline; returns the next deadline. */
static int64_t sweep_active(llm_client *c) {
  int64_t now = clock_mono_ns(), next = INT64_MAX;
  for (;;) {
    llm_transfer *victim = NULL;
    pthread_mutex_lock(&c->mu);
    for (llm_transfer *t = c->active; t; t = t->next) {
      if (atomic_load(&t->cancel_requested)) {
        llm_transfer_set_abort(t, LLM_ERR_CANCELLED, "the request was cancelled");
        victim = t;
        break;
      }
      if (llm_transfer_expired(t, now)) {
        victim = t;
        break;
      }
    }
    if (!victim) {
      for (llm_transfer *t = c->active; t; t = t->next) {
        int64_t d = llm_transfer_next_deadline(t);
        if (d < next) next = d;
      }
    }
    pthread_mutex_unlock(&c->mu);
    if (!victim) return next;
    curl_multi_remove_handle(c->multi, victim->easy);
    unlink_active(c, victim);
    llm_result r = {0};
    llm_transfer_result(victim, CURLE_OK, &r);
    finish(c, victim, &r);
  }
}

static void run_due_work(llm_client *c) {
  admit_queued(c);
  int running = 0;
  curl_multi_perform(c->multi, &running);
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(c->multi, &left))) {
    if (m->msg != CURLMSG_DONE) continue;
    char *priv = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
    llm_transfer *t = (llm_transfer *)priv;
    CURLcode rc = m->data.result; /* m dies at remove_handle */
    complete(c, t, rc);
  }
}

llm_status llm_client_poll(llm_client *c, int timeout_ms) {
  if (!c) return LLM_ERR_INVALID_ARGUMENT;
  run_due_work(c);
  int64_t next = sweep_active(c);
  int wait = timeout_ms < 0 ? 0 : timeout_ms;
  if (next != INT64_MAX) {
    int64_t until = (next - clock_mono_ns()) / 1000000 + 1;
    if (until < wait) wait = until < 0 ? 0 : (int)until;
  }
  pthread_mutex_lock(&c->mu);
  bool have_queued = c->queued != NULL;
  pthread_mutex_unlock(&c->mu);
  if (!have_queued && wait > 0) curl_multi_poll(c->multi, NULL, 0, wait, NULL);
  run_due_work(c);
  sweep_active(c);
  return LLM_OK;
}

void llm_client_wakeup(llm_client *c) {
  if (c) curl_multi_wakeup(c->multi);
}

static void *loop_main(void *arg) {
  llm_client *c = arg;
  while (!atomic_load(&c->stop)) llm_client_poll(c, 1000);
  return NULL;
}

llm_status llm_client_start(llm_client *c) {
  if (!c || c->thread_running) return LLM_ERR_INVALID_ARGUMENT;
  if (pthread_create(&c->thread, NULL, loop_main, c) != 0) return LLM_ERR_NO_MEMORY;
  c->thread_running = true;
  return LLM_OK;
}

static uint64_t submit(llm_client *c, const char *path, llm_op op, char *body, size_t body_len,
                       bool stream, const llm_timeouts *limits, const llm_callbacks *cb,
                       void *user, llm_error *e) {
  llm_transfer *t = llm_transfer_create(&c->cfg, c->base_url, path, op, body, body_len, stream,
                                        limits, cb, user, e);
  if (!t) {
    free(body);
    return 0;
  }
  atomic_fetch_add(&c->pending, 1);
  pthread_mutex_lock(&c->mu);
  t->id = c->next_id++;
  uint64_t id = t->id;
  *c->queued_tail = t;
  c->queued_tail = &t->next;
  pthread_mutex_unlock(&c->mu);
  curl_multi_wakeup(c->multi);
  return id;
}

static bool check_common(llm_client *c, const llm_callbacks *cb, llm_error *e) {
  if (c && cb && cb->on_done) return true;
  llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "a client and an on_done callback are required");
  return false;
}

uint64_t llm_client_chat(llm_client *c, const llm_request_opts *o, const llm_message *msgs,
                         size_t n_msgs, const llm_callbacks *cb, void *user, llm_error *e) {
  if (!check_common(c, cb, e)) return 0;
  size_t len = 0;
  char *body = llm_request_chat(o, msgs, n_msgs, &len, e);
  if (!body) return 0;
  return submit(c, "/v1/chat/completions", LLM_OP_CHAT, body, len, o->stream, &o->timeouts, cb,
                user, e);
}

uint64_t llm_client_complete(llm_client *c, const llm_request_opts *o, const char *prompt,
                             const llm_callbacks *cb, void *user, llm_error *e) {
  if (!check_common(c, cb, e)) return 0;
  size_t len = 0;
  char *body = llm_request_completion(o, prompt, &len, e);
  if (!body) return 0;
  return submit(c, "/v1/completions", LLM_OP_COMPLETION, body, len, o->stream, &o->timeouts, cb,
                user, e);
}

uint64_t llm_client_embed(llm_client *c, const char *model, const char *const *texts,
                          size_t n_texts, const llm_timeouts *t, const llm_callbacks *cb,
                          void *user, llm_error *e) {
  if (!check_common(c, cb, e)) return 0;
  size_t len = 0;
  char *body = llm_request_embeddings(model, texts, n_texts, &len, e);
  if (!body) return 0;
  return submit(c, "/v1/embeddings", LLM_OP_EMBEDDINGS, body, len, false, t, cb, user, e);
}

uint64_t llm_client_list_models(llm_client *c, const llm_timeouts *t, const llm_callbacks *cb,
                                void *user, llm_error *e) {
  if (!check_common(c, cb, e)) return 0;
  return submit(c, "/api/v0/models", LLM_OP_MODELS, NULL, 0, false, t, cb, user, e);
}

uint64_t llm_client_probe(llm_client *c, const llm_timeouts *t, const llm_callbacks *cb,
                          void *user, llm_error *e) {
  if (!check_common(c, cb, e)) return 0;
  return submit(c, "/v1/models", LLM_OP_PROBE, NULL, 0, false, t, cb, user, e);
}

bool llm_client_cancel(llm_client *c, uint64_t id) {
  if (!c || id == 0) return false;
  bool found = false;
  pthread_mutex_lock(&c->mu);
  for (int pass = 0; pass < 2 && !found; pass++) {
    for (llm_transfer *t = pass ? c->queued : c->active; t; t = t->next) {
      if (t->id == id) {
        found = !atomic_exchange(&t->cancel_requested, true);
        break;
      }
    }
  }
  pthread_mutex_unlock(&c->mu);
  if (found) curl_multi_wakeup(c->multi);
  return found;
}

unsigned llm_client_pending(llm_client *c) { return c ? atomic_load(&c->pending) : 0; }

const char *llm_client_base_url(const llm_client *c) {
  return c ? c->shown_url ? c->shown_url : "(out of memory)" : NULL;
}
