/* bench_llm_client.c: figures for the LM Studio client, each next to a baseline measured in
 * the same run against the same in-process LM Studio emulator on loopback:
 *  - streamed chunks per second decoded into deltas, vs libcurl merely receiving the same
 *    stream into a counter (the cost of transport alone);
 *  - time to first token (submit to first content delta), vs the `curl` command's own
 *    time_starttransfer for the identical request (no process start-up in that figure);
 *  - cancel latency: llm_client_cancel to on_done of an endless stream.
 * Prints "BENCH <figure> | ours | baseline | ratio" lines. Usage: bench_llm_client [tokens] [runs] */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "common/clock.h"
#include "llm/llm_client.h"
#include "lms_emulator.h"

typedef struct probe {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int64_t submit_ns, first_ns, done_ns;
  long deltas;
  bool done;
  llm_status status;
} probe;

static void on_delta(void *user, uint64_t id, const llm_delta *d) {
  probe *p = user;
  if (d->kind != LLM_DELTA_CONTENT) return;
  if (__atomic_fetch_add(&p->deltas, 1, __ATOMIC_ACQ_REL) == 0) p->first_ns = clock_mono_ns();
}

static void on_done(void *user, uint64_t id, llm_result *r) {
  probe *p = user;
  pthread_mutex_lock(&p->mu);
  p->done_ns = clock_mono_ns();
  p->status = r->error.code;
  p->done = true;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

static const llm_callbacks callbacks = {on_delta, on_done};

static void probe_init(probe *p) {
  memset(p, 0, sizeof *p);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
}

static void probe_wait(probe *p) {
  pthread_mutex_lock(&p->mu);
  while (!p->done) pthread_cond_wait(&p->cv, &p->mu);
  pthread_mutex_unlock(&p->mu);
}

static uint64_t run_chat(llm_client *c, probe *p, const char *prompt) {
  probe_init(p);
  llm_message m = {.role = LLM_ROLE_USER, .text = prompt};
  llm_request_opts o = {.stream = true};
  p->submit_ns = clock_mono_ns();
  llm_error e;
  uint64_t id = llm_client_chat(c, &o, &m, 1, &callbacks, p, &e);
  if (!id) {
    fprintf(stderr, "submit failed: %s\n", e.message);
    exit(1);
  }
  return id;
}

/* Baseline receiver: counts SSE events ("\n\n") without decoding anything. */
typedef struct raw_count { long events; char last; } raw_count;
static size_t raw_write(char *data, size_t size, size_t n, void *user) {
  raw_count *rc = user;
  size_t len = size * n;
  for (size_t i = 0; i < len; i++) {
    if (data[i] == '\n' && rc->last == '\n') rc->events++;
    rc->last = data[i];
  }
  return len;
}

static double raw_stream_seconds(const char *url, const char *body, long *events) {
  CURL *h = curl_easy_init();
  struct curl_slist *hs = curl_slist_append(NULL, "Content-Type: application/json");
  raw_count rc = {0};
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, raw_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &rc);
  int64_t t0 = clock_mono_ns();
  curl_easy_perform(h);
  int64_t t1 = clock_mono_ns();
  curl_slist_free_all(hs);
  curl_easy_cleanup(h);
  *events = rc.events;
  return (double)(t1 - t0) / 1e9;
}

/* `curl` CLI time_starttransfer for the same streamed request, in ms. */
static double curl_cli_first_byte_ms(const char *url, const char *body) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "curl -s -N -o /dev/null -w '%%{time_starttransfer}' -H 'Content-Type: application/json' "
           "-d '%s' '%s'", body, url);
  FILE *f = popen(cmd, "r");
  double s = -1;
  if (!f || fscanf(f, "%lf", &s) != 1) s = -1;
  if (f) pclose(f);
  return s * 1000.0;
}

int main(int argc, char **argv) {
  long tokens = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
  int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 200;
  if (tokens < 1 || runs < 1) {
    fprintf(stderr, "usage: bench_llm_client [tokens >= 1] [runs >= 1]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  lms_emu_config ecfg = {0};
  lms_emu *emu = lms_emu_start(&ecfg);
  if (!emu) return 1;
  char base[64], url[128];
  snprintf(base, sizeof base, "http://127.0.0.1:%u", lms_emu_port(emu));
  snprintf(url, sizeof url, "%s/v1/chat/completions", base);
  llm_config cfg = {.base_url = base};
  llm_client *c = llm_client_create(&cfg, NULL);
  llm_client_start(c);

  /* 1. Throughput. */
  char prompt[128], body[512];
  snprintf(prompt, sizeof prompt, "[[tokens=%ld]] go", tokens);
  snprintf(body, sizeof body,
           "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}],\"stream\":true}", prompt);
  long raw_events = 0;
  double raw_s = raw_stream_seconds(url, body, &raw_events);
  probe p;
  run_chat(c, &p, prompt);
  probe_wait(&p);
  double ours_s = (double)(p.done_ns - p.submit_ns) / 1e9;
  if (p.status != LLM_OK || p.deltas != tokens) {
    fprintf(stderr, "throughput run failed: status %s, %ld deltas\n", llm_status_name(p.status),
            p.deltas);
    return 1;
  }
  printf("# %ld streamed chunks; baseline = libcurl receiving the same stream, no decoding\n",
         tokens);
  bench_row("stream chunks decoded per second", (double)tokens / ours_s,
      (double)raw_events / raw_s, "chunks/s");

  /* 2. Time to first token. */
  const char *short_prompt = "time to first token";
  snprintf(body, sizeof body,
           "{\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}],\"stream\":true}", short_prompt);
  double *ours = calloc((size_t)runs, sizeof *ours), *cli = calloc((size_t)runs, sizeof *cli);
  int n_cli = 0;
  for (int i = 0; i < runs; i++) {
    run_chat(c, &p, short_prompt);
    probe_wait(&p);
    ours[i] = (double)(p.first_ns - p.submit_ns) / 1e6;
    double ms = curl_cli_first_byte_ms(url, body);
    if (ms >= 0) cli[n_cli++] = ms;
  }
  printf("# %d runs each; baseline = curl CLI time_starttransfer (first byte) of the same request\n",
         runs);
  if (n_cli == 0) {
    fprintf(stderr, "the curl command is missing: no baseline\n");
    return 1;
  }
  bench_row("time to first token p50", bench_percentile(ours, runs, 0.5), bench_percentile(cli, n_cli, 0.5), "ms");
  bench_row("time to first token p99", bench_percentile(ours, runs, 0.99), bench_percentile(cli, n_cli, 0.99), "ms");

  /* 3. Cancel latency (baseline: a request's normal completion of the same short answer). */
  int cancels = runs < 50 ? runs : 50;
  double *cancel_ms = calloc((size_t)cancels, sizeof *cancel_ms);
  for (int i = 0; i < cancels; i++) {
    uint64_t id = run_chat(c, &p, "[[fault=endless interval_ms=1]] go");
    while (__atomic_load_n(&p.deltas, __ATOMIC_ACQUIRE) < 3) clock_sleep_ms(1);
    int64_t t0 = clock_mono_ns();
    llm_client_cancel(c, id);
    probe_wait(&p);
    cancel_ms[i] = (double)(p.done_ns - t0) / 1e6;
  }
  printf("# %d cancels of endless streams; target < 50 ms\n", cancels);
  bench_row("cancel to on_done p50", bench_percentile(cancel_ms, cancels, 0.5), 50.0, "ms");
  bench_row("cancel to on_done p99", bench_percentile(cancel_ms, cancels, 0.99), 50.0, "ms");

  free(ours);
  free(cli);
  free(cancel_ms);
  llm_client_destroy(c);
  lms_emu_stop(emu);
  curl_global_cleanup();
  return 0;
}
