/* bench_lm_node.c: figures for lm_studio_node (issue #4), each next to a baseline measured in
 * the same run. The node runs in a child process (this program re-executed with --node), the
 * LM Studio emulator and the ROS action client in this process, all on loopback:
 *  1. added time to first feedback: send_goal to the first feedback of a streaming chat goal,
 *     vs the LLM client library alone: submit to the first content delta of the same request;
 *  2. feedback messages per second for 1 goal and for 64 concurrent goals of [[tokens=N]]
 *     streams, vs content deltas per second the LLM client alone receives for the same streams;
 *  3. resident memory of the node idle and with 64 endless streams open, vs a process that only
 *     created a ROS context;
 *  4. process start (spawn) to the action server usable (ros_action_client_is_server_ready in
 *     this process), vs spawn to a bare Cyclone participant created in the child.
 * Prints "BENCH <figure> | ours | baseline | ratio" lines.
 * Usage: bench_lm_node [goals=200] [tokens_one=20000] [tokens_each=2000] */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dds/dds.h>

#include "bench_node_util.h"
#include "bench_util.h"
#include "common/clock.h"
#include "llm/llm_client.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"

#define DOMAIN "210" /* benchmarks use 200..230; 221..225 are bench_ros_wire's */
#define CHAT_MODEL "llama-3.2-1b-instruct"
#define N_CONC 64
#define START_RUNS 5

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);

/* ---- child modes ---- */

static int child_node(const char *url) { return bench_run_node("bench_lm_node", url, CHAT_MODEL, NULL); }

/* Prints the monotonic time (ns) when the participant exists, then its own creation time. */
static int child_bare_participant(void) {
  int64_t t0 = clock_mono_ns();
  dds_entity_t pp = dds_create_participant(DDS_DOMAIN_DEFAULT, NULL, NULL);
  int64_t t1 = clock_mono_ns();
  if (pp < 0) return 1;
  printf("%lld %lld\n", (long long)t1, (long long)(t1 - t0));
  fflush(stdout);
  dds_delete(pp);
  return 0;
}

static int child_bare_context(void) {
  ros_context *ctx;
  ros_error e;
  if (ros_context_create(NULL, &ctx, &e) != ROS_OK) return 1;
  printf("ready\n");
  fflush(stdout);
  char buf[8];
  while (read(0, buf, sizeof buf) > 0) {
  } /* until the parent closes the pipe */
  ros_context_destroy(ctx);
  return 0;
}

/* ---- spawning ---- */

typedef struct child {
  pid_t pid;
  FILE *out;  /* its stdout (NULL when not piped) */
  int in_fd;  /* its stdin (-1 when not piped) */
} child;

static child spawn_self(const char *mode, const char *arg, bool pipes) {
  child c = {0, NULL, -1};
  int out_fd;
  c.pid = bench_spawn_self(mode, arg, pipes ? &out_fd : NULL, pipes ? &c.in_fd : NULL);
  if (pipes) c.out = fdopen(out_fd, "r");
  return c;
}

static void child_end(child *c, int sig) {
  if (c->in_fd >= 0) close(c->in_fd);
  bench_child_end(c->pid, sig);
  if (c->out) fclose(c->out);
  c->out = NULL;
  c->in_fd = -1;
}

/* ---- goals through the node ---- */

/* max_tokens <= 0: the node's parameter (500). */
static void send_chat(ros_action_client *ac, bench_goal *r, const char *prompt, int max_tokens) {
  memset(r, 0, sizeof *r);
  chat_goal g = {(char *)prompt, (char *)"", (char *)"", max_tokens, 0.0f, 0, false, true, false};
  ros_error e;
  r->sent_ns = clock_mono_ns();
  if (ros_action_client_send_goal(ac, &g, &bench_goal_callbacks, r, NULL, &e) != ROS_OK) {
    fprintf(stderr, "send_goal: %s\n", e.message);
    exit(1);
  }
}

static bool all_done(bench_goal *r, int n) {
  for (int i = 0; i < n; i++)
    if (!r[i].done) return false;
  return true;
}

static void spin_until_done(ros_context *ctx, bench_goal *r, int n, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (!all_done(r, n) && clock_mono_ms() < end) ros_context_spin(ctx, 5);
  if (!all_done(r, n)) {
    fprintf(stderr, "goals did not end within %d ms\n", ms);
    exit(1);
  }
}

/* ---- the LLM client alone ---- */

typedef struct probe {
  pthread_mutex_t *mu;
  pthread_cond_t *cv;
  int64_t submit_ns, first_ns, done_ns;
  long deltas;
  bool done;
  int *left;
} probe;

static void p_delta(void *user, uint64_t id, const llm_delta *d) {
  probe *p = user;
  if (d->kind != LLM_DELTA_CONTENT) return;
  if (p->deltas++ == 0) p->first_ns = clock_mono_ns();
}

static void p_done(void *user, uint64_t id, llm_result *r) {
  probe *p = user;
  pthread_mutex_lock(p->mu);
  p->done_ns = clock_mono_ns();
  p->done = true;
  (*p->left)--;
  pthread_cond_broadcast(p->cv);
  pthread_mutex_unlock(p->mu);
}

static const llm_callbacks p_cb = {p_delta, p_done};
static pthread_mutex_t p_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t p_cv = PTHREAD_COND_INITIALIZER;

/* Runs n identical streams at once; fills p[0..n). */
static void llm_streams(llm_client *c, const char *prompt, int max_tokens, probe *p, int n) {
  int left = n;
  llm_message m = {.role = LLM_ROLE_USER, .text = prompt};
  llm_request_opts o = {.model = CHAT_MODEL, .max_tokens = max_tokens, .stream = true};
  for (int i = 0; i < n; i++) {
    memset(&p[i], 0, sizeof p[i]);
    p[i].mu = &p_mu;
    p[i].cv = &p_cv;
    p[i].left = &left;
    p[i].submit_ns = clock_mono_ns();
    llm_error e;
    if (!llm_client_chat(c, &o, &m, 1, &p_cb, &p[i], &e)) {
      fprintf(stderr, "llm submit: %s\n", e.message);
      exit(1);
    }
  }
  pthread_mutex_lock(&p_mu);
  while (left > 0) pthread_cond_wait(&p_cv, &p_mu);
  pthread_mutex_unlock(&p_mu);
}

/* ---- main ---- */

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--node") == 0 && argc > 2) return child_node(argv[2]);
  if (argc > 1 && strcmp(argv[1], "--bare-participant") == 0) return child_bare_participant();
  if (argc > 1 && strcmp(argv[1], "--bare-context") == 0) return child_bare_context();
  int goals = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
  long tokens_one = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
  long tokens_each = argc > 3 ? strtol(argv[3], NULL, 10) : 2000;
  if (goals < 1 || tokens_one < 1 || tokens_each < 1) {
    fprintf(stderr, "usage: bench_lm_node [goals] [tokens_one] [tokens_each]\n");
    return 2;
  }
  bench_node_env(DOMAIN);
  char url[64];
  lms_emu *emu = bench_start_emulator(url, sizeof url);
  if (!emu) return 1;
  llm_config cfg = {.base_url = url};
  llm_client *lc = llm_client_create(&cfg, NULL);
  llm_client_start(lc);

  /* 4. Start-up: baseline first (the child's participant), then the node, START_RUNS each. */
  double bare_ms[START_RUNS], bare_own_ms[START_RUNS], ready_ms[START_RUNS];
  for (int i = 0; i < START_RUNS; i++) {
    int64_t t0 = clock_mono_ns();
    child c = spawn_self("--bare-participant", NULL, true);
    long long t1 = 0, own = 0;
    if (fscanf(c.out, "%lld %lld", &t1, &own) != 2) {
      fprintf(stderr, "bare participant child failed\n");
      return 1;
    }
    child_end(&c, 0);
    bare_ms[i] = (double)(t1 - t0) / 1e6;
    bare_own_ms[i] = (double)own / 1e6;
  }
  ros_context *ctx;
  ros_node *cli;
  ros_action_client *ac;
  ros_error e;
  if (ros_context_create(NULL, &ctx, &e) != ROS_OK ||
      ros_node_create(ctx, "bench_client", NULL, NULL, &cli, &e) != ROS_OK ||
      ros_action_client_create(cli, "/chat_completion", &chat_type, NULL, &ac, &e) != ROS_OK) {
    fprintf(stderr, "client: %s\n", e.message);
    return 1;
  }
  child node = {0, NULL, -1};
  for (int i = 0; i < START_RUNS; i++) {
    if (i > 0) { /* the previous node's entities gone from discovery: not ready for 500 ms */
      int64_t end = clock_mono_ms() + 10000, since = clock_mono_ms();
      while (clock_mono_ms() < end && clock_mono_ms() - since < 500) {
        if (ros_action_client_is_server_ready(ac)) since = clock_mono_ms();
        ros_context_spin(ctx, 5);
      }
    }
    int64_t t0 = clock_mono_ns();
    node = spawn_self("--node", url, false);
    int64_t end = clock_mono_ms() + 10000;
    while (!ros_action_client_is_server_ready(ac) && clock_mono_ms() < end) ros_context_spin(ctx, 1);
    if (!ros_action_client_is_server_ready(ac)) {
      fprintf(stderr, "node not ready within 10 s\n");
      return 1;
    }
    ready_ms[i] = (double)(clock_mono_ns() - t0) / 1e6;
    if (i < START_RUNS - 1) child_end(&node, SIGINT);
  }
  printf("# %d spawns each; ours = spawn to is_server_ready seen here; baseline = spawn to a bare "
         "participant created in the child (its dds_create_participant alone: p50 %.1f ms)\n",
         START_RUNS, bench_percentile(bare_own_ms, START_RUNS, 0.5));
  bench_row("start to action server ready p50", bench_percentile(ready_ms, START_RUNS, 0.5),
            bench_percentile(bare_ms, START_RUNS, 0.5), "ms");
  bench_row("start to action server ready max", bench_percentile(ready_ms, START_RUNS, 1.0),
            bench_percentile(bare_ms, START_RUNS, 1.0), "ms");

  /* 3a. Idle memory (after a status period and a probe), vs a process with only a context. */
  int64_t settle = clock_mono_ms() + 1500;
  while (clock_mono_ms() < settle) ros_context_spin(ctx, 10);
  long node_idle = bench_proc_status_kib(node.pid, "VmRSS:");
  child bare = spawn_self("--bare-context", NULL, true);
  char line[32];
  if (!fgets(line, sizeof line, bare.out)) {
    fprintf(stderr, "bare context child failed\n");
    return 1;
  }
  clock_sleep_ms(1500);
  long bare_rss = bench_proc_status_kib(bare.pid, "VmRSS:");
  child_end(&bare, 0);

  /* 1. Time to first feedback, interleaved with the client-alone baseline. */
  double *ours = calloc((size_t)goals, sizeof *ours), *base = calloc((size_t)goals, sizeof *base);
  const char *prompt = "time to first feedback";
  for (int i = 0; i < goals; i++) {
    bench_goal r;
    send_chat(ac, &r, prompt, 500);
    spin_until_done(ctx, &r, 1, 10000);
    if (r.status != ROS_GOAL_STATUS_SUCCEEDED || r.feedback < 1) {
      fprintf(stderr, "goal %d: status %d, %ld feedback\n", i, (int)r.status, r.feedback);
      return 1;
    }
    ours[i] = (double)(r.first_fb_ns - r.sent_ns) / 1e6;
    probe p;
    llm_streams(lc, prompt, 500, &p, 1);
    base[i] = (double)(p.first_ns - p.submit_ns) / 1e6;
  }
  printf("# %d streaming goals, one at a time; baseline = the LLM client alone, submit to first "
         "content delta of the same request\n", goals);
  bench_row("time to first feedback p50", bench_percentile(ours, goals, 0.5),
            bench_percentile(base, goals, 0.5), "ms");
  bench_row("time to first feedback p99", bench_percentile(ours, goals, 0.99),
            bench_percentile(base, goals, 0.99), "ms");

  /* 2. Feedback messages per second: 1 goal, then N_CONC goals at once. */
  char big[128];
  snprintf(big, sizeof big, "[[tokens=%ld]] go", tokens_one);
  bench_goal r1;
  send_chat(ac, &r1, big, (int)tokens_one);
  spin_until_done(ctx, &r1, 1, 120000);
  probe p1;
  llm_streams(lc, big, (int)tokens_one, &p1, 1);
  printf("# 1 goal of %ld chunks: %ld feedback messages received, %ld deltas by the client alone; "
         "ours = feedback / (send_goal to result), baseline = deltas / (submit to done)\n",
         tokens_one, r1.feedback, p1.deltas);
  bench_row("feedback per second, 1 goal", (double)r1.feedback * 1e9 / (double)(r1.done_ns - r1.sent_ns),
            (double)p1.deltas * 1e9 / (double)(p1.done_ns - p1.submit_ns), "msg/s");

  snprintf(big, sizeof big, "[[tokens=%ld]] go", tokens_each);
  bench_goal rc[N_CONC];
  int64_t t0 = clock_mono_ns();
  for (int i = 0; i < N_CONC; i++) send_chat(ac, &rc[i], big, (int)tokens_each);
  spin_until_done(ctx, rc, N_CONC, 300000);
  int64_t t1 = 0;
  long fb_total = 0;
  int ok = 0;
  for (int i = 0; i < N_CONC; i++) {
    fb_total += rc[i].feedback;
    if (rc[i].done_ns > t1) t1 = rc[i].done_ns;
    ok += rc[i].status == ROS_GOAL_STATUS_SUCCEEDED;
  }
  probe pc[N_CONC];
  int64_t b0 = clock_mono_ns();
  llm_streams(lc, big, (int)tokens_each, pc, N_CONC);
  int64_t b1 = 0;
  long d_total = 0;
  for (int i = 0; i < N_CONC; i++) {
    d_total += pc[i].deltas;
    if (pc[i].done_ns > b1) b1 = pc[i].done_ns;
  }
  printf("# %d goals of %ld chunks at once (%d succeeded): %ld feedback received of %ld deltas "
         "(client alone); rates over first send to last result\n",
         N_CONC, tokens_each, ok, fb_total, d_total);
  bench_row("feedback per second, 64 goals", (double)fb_total * 1e9 / (double)(t1 - t0),
            (double)d_total * 1e9 / (double)(b1 - b0), "msg/s");

  /* 3b. Memory with N_CONC endless streams open. */
  bench_goal re[N_CONC];
  for (int i = 0; i < N_CONC; i++) send_chat(ac, &re[i], "[[fault=endless interval_ms=50]] go", 1000000);
  int64_t end = clock_mono_ms() + 10000;
  int flowing = 0;
  while (clock_mono_ms() < end) {
    flowing = 0;
    for (int i = 0; i < N_CONC; i++) flowing += re[i].feedback > 0;
    if (flowing == N_CONC) break;
    ros_context_spin(ctx, 5);
  }
  settle = clock_mono_ms() + 1000;
  while (clock_mono_ms() < settle) ros_context_spin(ctx, 5);
  long node_busy = bench_proc_status_kib(node.pid, "VmRSS:");
  printf("# RSS of the node process; baseline = a process that only created a ROS context "
         "(%d of %d endless streams flowing at the busy sample)\n", flowing, N_CONC);
  bench_row("node RSS idle", (double)node_idle, (double)bare_rss, "KiB");
  bench_row("node RSS with 64 streams open", (double)node_busy, (double)bare_rss, "KiB");
  ros_goal_info all = {0};
  if (ros_action_client_cancel(ac, &all, NULL, NULL, &e) == ROS_OK) {
    end = clock_mono_ms() + 5000;
    while (!all_done(re, N_CONC) && clock_mono_ms() < end) ros_context_spin(ctx, 5);
  }

  child_end(&node, SIGINT);
  free(ours);
  free(base);
  ros_action_client_destroy(ac);
  ros_node_destroy(cli);
  ros_context_destroy(ctx);
  llm_client_destroy(lc);
  lms_emu_stop(emu);
  return 0;
}
