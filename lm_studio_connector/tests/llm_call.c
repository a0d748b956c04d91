/* llm_call.c: blocking wrapper over the client's callbacks for tests (see llm_call.h). */
#include "llm_call.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"

static void on_delta(void *user, uint64_t id, const llm_delta *d) {
  llm_call *k = user;
  pthread_mutex_lock(&k->mu);
  bool ok = true;
  switch (d->kind) {
    case LLM_DELTA_CONTENT:
      k->content_deltas++;
      ok = dynbuf_append(&k->content, d->text, d->len);
      break;
    case LLM_DELTA_REASONING:
      k->reasoning_deltas++;
      ok = dynbuf_append(&k->reasoning, d->text, d->len);
      break;
    case LLM_DELTA_TOOL_CALL:
      k->tool_deltas++;
      if (d->text) ok = dynbuf_append(&k->tool_args, d->text, d->len);
      break;
    case LLM_DELTA_FINISH: k->finish_deltas++; break;
    case LLM_DELTA_USAGE: k->usage_deltas++; break;
  }
  bool cancel = k->cancel_after_deltas > 0 && k->content_deltas == k->cancel_after_deltas;
  pthread_cond_broadcast(&k->cv);
  pthread_mutex_unlock(&k->mu);
  if (!ok) abort();
  if (cancel) llm_client_cancel(k->client, id);
}

static void on_done(void *user, uint64_t id, llm_result *r) {
  llm_call *k = user;
  pthread_mutex_lock(&k->mu);
  k->done_count++;
  if (k->done_count == 1) {
    k->result = *r;
    memset(r, 0, sizeof *r); /* moved out */
    k->done_ns = clock_mono_ns();
  }
  k->id = id;
  pthread_cond_broadcast(&k->cv);
  pthread_mutex_unlock(&k->mu);
}

const llm_callbacks llm_call_callbacks = {on_delta, on_done};

void llm_call_init(llm_call *k) {
  memset(k, 0, sizeof *k);
  pthread_mutex_init(&k->mu, NULL);
  pthread_cond_init(&k->cv, NULL);
  dynbuf_init(&k->content, 1u << 30);
  dynbuf_init(&k->reasoning, 1u << 30);
  dynbuf_init(&k->tool_args, 1u << 30);
}

void llm_call_free(llm_call *k) {
  llm_result_clear(&k->result);
  dynbuf_free(&k->content);
  dynbuf_free(&k->reasoning);
  dynbuf_free(&k->tool_args);
  pthread_cond_destroy(&k->cv);
  pthread_mutex_destroy(&k->mu);
}

static bool wait_until(llm_call *k, bool (*ready)(llm_call *, int), int arg, int timeout_ms) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&k->mu);
  int rc = 0;
  while (!ready(k, arg) && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&k->cv, &k->mu, &deadline);
  bool ok = ready(k, arg);
  pthread_mutex_unlock(&k->mu);
  return ok;
}

static bool is_done(llm_call *k, int arg) { (void)arg; return k->done_count > 0; }
static bool has_deltas(llm_call *k, int n) { return k->content_deltas >= n || k->done_count > 0; }

bool llm_call_wait(llm_call *k, int timeout_ms) { return wait_until(k, is_done, 0, timeout_ms); }
bool llm_call_wait_deltas(llm_call *k, int n, int timeout_ms) {
  return wait_until(k, has_deltas, n, timeout_ms);
}
