/* bench_soak.c: the soak run of issue 7 ("Load"). lm_studio_node runs in a child process (this
 * program re-executed with --node) against the LM Studio emulator in this process; this process
 * is the ROS client. While 640x480 rgb8 frames go to /image_input at 30 Hz throughout:
 *  1. sequential goals (chat and text, streamed or not, every 25th cancelled once accepted),
 *     vs the bare action round trip: the same goals to a server in a child process that
 *     succeeds at once (--bare-server);
 *  2. bursts of concurrent goals sent at once (3 s answers, every 10th cancelled once accepted),
 *     vs the same requests sent at once through the LLM client library alone;
 *  3. client processes (--client, the wire-layer action client) SIGKILLed while their goal
 *     streams; the node must finish those goals by itself.
 * Then: every goal reached a terminal state, the node reports no active goal, its resident
 * memory is back within RSS_TOLERANCE of its idle level and its file descriptors are as many as
 * when idle. Prints "BENCH <figure> | ours | baseline | ratio" rows and "# verdict: PASS|FAIL"
 * lines (exit status 0 once the soak ran: scripts/bench.sh runs every benchmark in a row).
 * Scale: SOAK_SCALE (default 1: 10000 sequential goals, 3 bursts of 1000, 20 killed clients;
 * e.g. 0.05 for a quick run). SOAK_HOLD_S=N keeps the node N s at the end, to inspect it
 * (e.g. gdb -p <pid> -batch -ex 'call (void)malloc_stats()'). */
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_node_util.h"
#include "bench_util.h"
#include "common/clock.h"
#include "llm/llm_client.h"
#include "lms_emulator.h"
#include "ros/ros_action_client.h"
#include "ros/ros_action_server.h"
#include "ros/ros_context.h"
#include "ros/ros_qos.h"
#include "ros/ros_topic.h"

#define DOMAIN "212" /* benchmarks use 200..230 */
#define CHAT_MODEL "llama-3.2-1b-instruct"
#define BURSTS 3
#define KILL_AT_ONCE 4
#define FRAME_W 640
#define FRAME_H 480
#define FRAME_PERIOD_NS (1000000000LL / 30)
#define RSS_TOLERANCE 0.10      /* of the idle RSS ... */
#define RSS_SLACK_KIB (4 * 1024) /* ... plus this */

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__TextCompletion_Goal_ text_goal;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result;
static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
static const ros_action_type text_type = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);

/* ---- child processes ---- */

/* --bare-server: an action server that succeeds every goal at once (the baseline). */
static void bare_accepted(void *user, ros_action_goal *h) {
  (void)user;
  chat_result *res = calloc(1, sizeof *res);
  if (res) {
    res->response = strdup("ok");
    res->success = true;
  }
  ros_error e;
  if (ros_action_goal_succeed(h, res, &e) != ROS_OK) {
    if (res) free(res->response);
    free(res);
  }
}

static ros_goal_decision bare_goal(void *user, ros_action_goal *h, const void *goal) {
  (void)user, (void)h, (void)goal;
  return ROS_GOAL_ACCEPT_AND_EXECUTE;
}

static int child_bare_server(void) {
  ros_context *ctx;
  ros_node *n;
  ros_action_server *s;
  ros_error e;
  ros_action_server_callbacks cb = {bare_goal, bare_accepted, NULL};
  ros_action_server_options o = {.service_depth = 100};
  if (ros_context_create(NULL, &ctx, &e) != ROS_OK ||
      ros_node_create(ctx, "bare_server", NULL, NULL, &n, &e) != ROS_OK ||
      ros_action_server_create(n, "/bare_chat", &chat_type, &cb, NULL, &o, &s, &e) != ROS_OK ||
      ros_context_install_signal_handlers(ctx, &e) != ROS_OK) {
    fprintf(stderr, "bare server: %s\n", e.message);
    return 1;
  }
  while (!ros_context_shutdown_requested(ctx)) ros_context_spin(ctx, 100);
  ros_action_server_destroy(s);
  ros_node_destroy(n);
  ros_context_destroy(ctx);
  return 0;
}

/* --client: one streaming goal; prints "streaming" at its first feedback, then waits to be
 * killed (never cancels, never takes its result). */
static void client_feedback(void *user, const ros_goal_id *id, const void *fb) {
  (void)id, (void)fb;
  *(bool *)user = true;
}

static int child_client(void) {
  ros_context *ctx;
  ros_node *n;
  ros_action_client *ac;
  ros_error e;
  if (ros_context_create(NULL, &ctx, &e) != ROS_OK ||
      ros_node_create(ctx, "doomed_client", NULL, NULL, &n, &e) != ROS_OK ||
      ros_action_client_create(n, "/chat_completion", &chat_type, NULL, &ac, &e) != ROS_OK ||
      ros_action_client_wait_for_server(ac, 20000000000LL) != ROS_OK) {
    fprintf(stderr, "client: %s\n", e.message);
    return 1;
  }
  bool streaming = false;
  ros_action_goal_callbacks cb = {NULL, client_feedback, NULL, NULL};
  chat_goal g = {"orphan [[tokens=200 interval_ms=20]]", "", "", 1000, 0.0f, 0, false, true, false};
  if (ros_action_client_send_goal(ac, &g, &cb, &streaming, NULL, &e) != ROS_OK) return 1;
  while (!streaming) ros_context_spin(ctx, 10);
  printf("streaming\n");
  fflush(stdout);
  for (;;) ros_context_spin(ctx, 100);
}

/* ---- the client side of the soak ---- */

typedef struct goal_rec {
  ros_goal_id id;
  bool responded, accepted, done, cancel_when_accepted, cancel_sent;
  ros_goal_status status;
} goal_rec;

typedef struct soak {
  ros_context *ctx;
  ros_action_client *chat, *text, *bare;
  ros_publisher *images;
  sensor_msgs_msg_dds__Image_ frame;
  int64_t next_frame_ns;
  long frames;
  bool frames_on;
  long active_goals; /* from the node's last /lm_studio_status, -1 before one came */
  int n_status;
  /* terminal states of every goal this process sent to the node */
  long sent, succeeded, canceled, aborted, rejected, lost;
} soak;

static void on_status_msg(void *user, const void *msg, const ros_message_info *info) {
  (void)info;
  soak *s = user;
  const char *p = strstr(((const std_msgs_msg_dds__String_ *)msg)->data, "\"active_goals\":");
  if (p) s->active_goals = strtol(p + strlen("\"active_goals\":"), NULL, 10);
  s->n_status++;
}

/* One loop turn; publishes a frame when one is due. */
static void turn(soak *s, int ms) {
  if (s->frames_on && clock_mono_ns() >= s->next_frame_ns) {
    ros_error e;
    if (ros_publisher_publish(s->images, &s->frame, &e) == ROS_OK) s->frames++;
    s->next_frame_ns += FRAME_PERIOD_NS;
    if (s->next_frame_ns < clock_mono_ns()) s->next_frame_ns = clock_mono_ns() + FRAME_PERIOD_NS;
  }
  ros_context_spin(s->ctx, ms);
}

static void g_response(void *user, const ros_goal_id *id, bool accepted, int64_t stamp_ns) {
  (void)id, (void)stamp_ns;
  goal_rec *r = user;
  r->responded = true;
  r->accepted = accepted;
}

static void g_result(void *user, const ros_goal_id *id, ros_status st, ros_goal_status status,
                     const void *result) {
  (void)id, (void)result;
  goal_rec *r = user;
  r->done = true;
  r->status = st == ROS_OK ? status : ROS_GOAL_STATUS_UNKNOWN;
}

static const ros_action_goal_callbacks goal_cb = {g_response, NULL, NULL, g_result};

static void send_goal(soak *s, ros_action_client *ac, goal_rec *r, const char *prompt, bool stream,
                      bool cancel) {
  memset(r, 0, sizeof *r);
  r->cancel_when_accepted = cancel;
  ros_error e;
  ros_status st;
  if (ac == s->text) {
    text_goal g = {(char *)prompt, "", 0, 0.0f, 0, stream, false};
    st = ros_action_client_send_goal(ac, &g, &goal_cb, r, &r->id, &e);
  } else {
    chat_goal g = {(char *)prompt, "", "", 0, 0.0f, 0, false, stream, false};
    st = ros_action_client_send_goal(ac, &g, &goal_cb, r, &r->id, &e);
  }
  if (st != ROS_OK) {
    fprintf(stderr, "send_goal: %s\n", e.message);
    exit(1);
  }
}

/* Cancels goals once accepted; true when every goal of r[0..n) has ended. */
static bool tend(soak *s, ros_action_client *ac, goal_rec *r, int n) {
  bool all = true;
  for (int i = 0; i < n; i++) {
    if (r[i].cancel_when_accepted && r[i].accepted && !r[i].cancel_sent && !r[i].done) {
      ros_error e;
      r[i].cancel_sent = ros_action_client_cancel_goal(ac, &r[i].id, NULL, NULL, &e) == ROS_OK;
    }
    all = all && (r[i].done || (r[i].responded && !r[i].accepted));
  }
  (void)s;
  return all;
}

/* Waits for r[0..n) to end (at most ms), then counts their terminal states into s (when
 * count). Returns false if some goal did not end. */
static bool finish(soak *s, ros_action_client *ac, goal_rec *r, int n, int ms, bool count) {
  int64_t end = clock_mono_ms() + ms;
  bool all;
  while (!(all = tend(s, ac, r, n)) && clock_mono_ms() < end) turn(s, 2);
  if (!count) return all;
  for (int i = 0; i < n; i++) {
    s->sent++;
    if (r[i].responded && !r[i].accepted) s->rejected++;
    else if (!r[i].done) s->lost++;
    else if (r[i].status == ROS_GOAL_STATUS_SUCCEEDED) s->succeeded++;
    else if (r[i].status == ROS_GOAL_STATUS_CANCELED) s->canceled++;
    else if (r[i].status == ROS_GOAL_STATUS_ABORTED) s->aborted++;
    else s->lost++; /* UNKNOWN: no SendGoal reply or no result */
  }
  return all;
}

/* n sequential goals; returns goals per second. node: to the node (mixed), else to bare. */
static double sequential(soak *s, int n, bool node) {
  int64_t t0 = clock_mono_ns();
  for (int i = 0; i < n; i++) {
    goal_rec r;
    bool cancel = node && i % 25 == 24;
    ros_action_client *ac = !node ? s->bare : i % 2 ? s->text : s->chat;
    send_goal(s, ac, &r, cancel ? "seq [[tokens=50 interval_ms=10]]" : "seq [[tokens=5]]",
              i % 3 == 0, cancel);
    finish(s, ac, &r, 1, 30000, node);
  }
  return (double)n * 1e9 / (double)(clock_mono_ns() - t0);
}

/* Burst goal i: 3 s long, so that a whole burst overlaps; even ones streamed (60 chunks 50 ms
 * apart), odd ones not (the answer after 3 s). */
static const char *burst_prompt(int i) {
  return i % 2 == 0 ? "burst [[tokens=60 interval_ms=50]]"
                    : "burst [[tokens=60 delay_first_ms=3000]]";
}

/* One burst of n goals (3 s each) sent at once to the node, every 10th cancelled once
 * accepted. Returns seconds until all ended; *peak: most goals accepted and not ended at once. */
static double burst(soak *s, goal_rec *r, int n, int *peak) {
  int64_t t0 = clock_mono_ns();
  for (int i = 0; i < n; i++)
    send_goal(s, i % 2 ? s->text : s->chat, &r[i], burst_prompt(i), i % 2 == 0, i % 10 == 9);
  int64_t end = clock_mono_ms() + 180000;
  *peak = 0;
  for (;;) {
    bool all = true;
    int running = 0;
    for (int i = 0; i < n; i++) {
      all = tend(s, i % 2 ? s->text : s->chat, &r[i], 1) && all;
      running += r[i].accepted && !r[i].done;
    }
    if (running > *peak) *peak = running;
    if (all || clock_mono_ms() > end) break;
    turn(s, 2);
  }
  double secs = (double)(clock_mono_ns() - t0) / 1e9;
  for (int i = 0; i < n; i++) finish(s, i % 2 ? s->text : s->chat, &r[i], 1, 0, true);
  return secs;
}

/* The baseline of a burst: the same n requests straight to the server through the LLM client
 * library alone (what the node does for each goal, without ROS). Returns seconds. */
static atomic_int llm_left;
static void llm_done(void *user, uint64_t id, llm_result *r) {
  (void)user, (void)id, (void)r;
  atomic_fetch_sub(&llm_left, 1);
}

static double llm_burst(const char *url, int n) {
  llm_config cfg = {.base_url = url};
  llm_client *c = llm_client_create(&cfg, NULL);
  if (!c || llm_client_start(c) != LLM_OK) exit(1);
  static const llm_callbacks cb = {NULL, llm_done};
  int64_t t0 = clock_mono_ns();
  atomic_store(&llm_left, n);
  for (int i = 0; i < n; i++) {
    llm_message m = {.role = LLM_ROLE_USER, .text = burst_prompt(i)};
    llm_request_opts o = {.model = CHAT_MODEL, .stream = i % 2 == 0};
    llm_error e;
    if (!llm_client_chat(c, &o, &m, 1, &cb, NULL, &e)) exit(1);
  }
  while (atomic_load(&llm_left) > 0) clock_sleep_ms(1);
  double secs = (double)(clock_mono_ns() - t0) / 1e9;
  llm_client_destroy(c);
  return secs;
}

/* Spawns `n` --client processes, KILL_AT_ONCE at a time, and SIGKILLs each once its goal
 * streams (its "streaming" line; frames keep going meanwhile). Returns how many streamed. */
static int doomed_clients(soak *s, int n) {
  int streamed = 0;
  for (int done = 0; done < n; done += KILL_AT_ONCE) {
    pid_t pid[KILL_AT_ONCE];
    int out[KILL_AT_ONCE];
    bool seen[KILL_AT_ONCE] = {false};
    int k = n - done < KILL_AT_ONCE ? n - done : KILL_AT_ONCE, waiting = k;
    for (int i = 0; i < k; i++) {
      pid[i] = bench_spawn_self("--client", NULL, &out[i], NULL);
      fcntl(out[i], F_SETFL, O_NONBLOCK); /* polled between turns */
    }
    int64_t end = clock_mono_ms() + 30000;
    while (waiting > 0 && clock_mono_ms() < end) {
      turn(s, 5);
      for (int i = 0; i < k; i++) {
        char buf[64];
        if (seen[i] || read(out[i], buf, sizeof buf) <= 0) continue;
        seen[i] = true; /* the child writes nothing before its "streaming" line */
        streamed++;
        waiting--;
        bench_child_end(pid[i], SIGKILL);
      }
    }
    for (int i = 0; i < k; i++) {
      if (!seen[i]) bench_child_end(pid[i], SIGKILL);
      close(out[i]);
    }
  }
  return streamed;
}

static void spin_ms(soak *s, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (clock_mono_ms() < end) turn(s, 5);
}

/* Waits for a status, received after this call, with active_goals == 0. */
static bool wait_node_idle(soak *s, int ms) {
  int64_t end = clock_mono_ms() + ms;
  int seen = s->n_status;
  while (clock_mono_ms() < end) {
    turn(s, 10);
    if (s->n_status > seen && s->active_goals == 0) return true;
  }
  return false;
}

static double scaled(double full, double scale, double min) {
  double v = full * scale;
  return v < min ? min : v;
}

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "--node") == 0) {
    /* Results expire after 5 s instead of 900, so the end of the run sees the node's idle
     * memory rather than 2 x 1024 results it is still holding for late get_result calls. */
    const char *params[] = {"action_result_timeout:=5.0", NULL};
    return bench_run_node("bench_soak", argv[2], CHAT_MODEL, params);
  }
  if (argc > 1 && strcmp(argv[1], "--bare-server") == 0) return child_bare_server();
  if (argc > 1 && strcmp(argv[1], "--client") == 0) return child_client();
  double scale = getenv("SOAK_SCALE") ? strtod(getenv("SOAK_SCALE"), NULL) : 1.0;
  if (!(scale > 0 && scale <= 10)) {
    fprintf(stderr, "SOAK_SCALE must be in (0, 10]\n");
    return 2;
  }
  int n_seq = (int)scaled(10000, scale, 10), n_conc = (int)scaled(1000, scale, 10);
  int n_kill = (int)scaled(20, scale, 2), n_bare = n_seq < 2000 ? n_seq : 2000;
  bench_node_env(DOMAIN);
  char url[64];
  lms_emu *emu = bench_start_emulator(url, sizeof url);
  if (!emu) return 1;

  soak s;
  memset(&s, 0, sizeof s);
  s.active_goals = -1;
  ros_node *cli;
  ros_subscription *status;
  ros_error e;
  if (ros_context_create(NULL, &s.ctx, &e) != ROS_OK ||
      ros_node_create(s.ctx, "soak_client", NULL, NULL, &cli, &e) != ROS_OK ||
      ros_action_client_create(cli, "/chat_completion", &chat_type, NULL, &s.chat, &e) != ROS_OK ||
      ros_action_client_create(cli, "/text_completion", &text_type, NULL, &s.text, &e) != ROS_OK ||
      ros_action_client_create(cli, "/bare_chat", &chat_type, NULL, &s.bare, &e) != ROS_OK ||
      ros_publisher_create(cli, "/image_input", "sensor_msgs/msg/Image", &ros_qos_sensor_data,
                           &s.images, &e) != ROS_OK ||
      ros_subscription_create(cli, "/lm_studio_status", "std_msgs/msg/String", NULL,
                              on_status_msg, &s, &status, &e) != ROS_OK) {
    fprintf(stderr, "client: %s\n", e.message);
    return 1;
  }
  uint8_t *pixels = malloc((size_t)FRAME_W * FRAME_H * 3);
  if (!pixels) return 1;
  for (size_t i = 0; i < (size_t)FRAME_W * FRAME_H * 3; i++) pixels[i] = (uint8_t)(i * 7);
  s.frame.header.frame_id = (char *)"camera";
  s.frame.height = FRAME_H;
  s.frame.width = FRAME_W;
  s.frame.encoding = (char *)"rgb8";
  s.frame.step = 3 * FRAME_W;
  s.frame.data._buffer = pixels;
  s.frame.data._length = s.frame.data._maximum = (uint32_t)FRAME_W * FRAME_H * 3;

  pid_t node = bench_spawn_self("--node", url, NULL, NULL);
  pid_t bare = bench_spawn_self("--bare-server", NULL, NULL, NULL);
  if (ros_action_client_wait_for_server(s.chat, 20000000000LL) != ROS_OK ||
      ros_action_client_wait_for_server(s.text, 20000000000LL) != ROS_OK ||
      ros_action_client_wait_for_server(s.bare, 20000000000LL) != ROS_OK) {
    fprintf(stderr, "servers not ready within 20 s\n");
    return 1;
  }
  /* Idle: after a small run of each kind of work (first-use allocations: Cyclone's receive
   * buffers for fragmented frames, curl's connections, the latest frame kept), then a quiet
   * spell. The soak must not grow beyond that: growth with the amount of work is a leak. */
  goal_rec warm[20];
  int peak;
  s.frames_on = true;
  s.next_frame_ns = clock_mono_ns();
  sequential(&s, 20, true);
  burst(&s, warm, 20, &peak);
  spin_ms(&s, 1000);
  s.frames_on = false;
  wait_node_idle(&s, 10000);
  spin_ms(&s, 8000); /* the emulator closes idle keep-alive connections after 5 s */
  long rss_idle = bench_proc_status_kib(node, "VmRSS:");
  int fds_idle = bench_proc_fds(node);
  s.frames = 0;
  memset(&s.sent, 0, sizeof s - offsetof(soak, sent)); /* count the soak's goals only */

  s.frames_on = true;
  s.next_frame_ns = clock_mono_ns();
  int64_t soak_t0 = clock_mono_ns();
  double bare_rate = sequential(&s, n_bare, false);
  double seq_rate = sequential(&s, n_seq, true);
  long rss_seq = bench_proc_status_kib(node, "VmRSS:");
  goal_rec *r = calloc((size_t)n_conc, sizeof *r);
  if (!r) return 1;
  double burst_s[BURSTS];
  int burst_peak[BURSTS];
  long rss_burst[BURSTS];
  for (int b = 0; b < BURSTS; b++) {
    burst_s[b] = burst(&s, r, n_conc, &burst_peak[b]);
    rss_burst[b] = bench_proc_status_kib(node, "VmRSS:");
  }
  int streamed = doomed_clients(&s, n_kill);
  double soak_s = (double)(clock_mono_ns() - soak_t0) / 1e9;
  double fps = (double)s.frames / soak_s;
  double llm_burst_s = llm_burst(url, n_conc); /* after the soak: not beside the node's */
  s.frames_on = false;
  bool idle_again = wait_node_idle(&s, 60000);
  spin_ms(&s, 8000); /* the emulator closes idle keep-alive connections after 5 s */
  long rss_after = bench_proc_status_kib(node, "VmRSS:");
  long rss_peak = bench_proc_status_kib(node, "VmHWM:");
  int fds_after = bench_proc_fds(node);

  printf("# soak: %d sequential goals, %d bursts of %d concurrent goals, %d client processes "
         "SIGKILLed mid-goal, %ld frames (640x480 rgb8) at %.1f Hz on /image_input, %.0f s\n",
         n_seq, BURSTS, n_conc, n_kill, s.frames, fps, soak_s);
  printf("# goals to the node: %ld sent: %ld succeeded, %ld canceled, %ld aborted, %ld rejected, "
         "%ld never ended\n", s.sent, s.succeeded, s.canceled, s.aborted, s.rejected, s.lost);
  printf("# sequential baseline: the bare action round trip, a server in a child process that "
         "succeeds each goal at once (%d goals)\n", n_bare);
  bench_row("sequential goals per second", seq_rate, bare_rate, "goals/s");
  printf("# bursts: %d goals of 3 s each (half streamed) sent at once; baseline: the same %d "
         "requests through the LLM client library alone\n", n_conc, n_conc);
  for (int b = 0; b < BURSTS; b++) {
    char fig[96];
    snprintf(fig, sizeof fig, "burst %d: seconds to all ended (peak %d running)", b + 1,
             burst_peak[b]);
    bench_row(fig, burst_s[b], llm_burst_s, "s");
  }
  bench_row("goals ended in a terminal state", (double)(s.sent - s.lost), (double)s.sent, "goals");
  printf("# node RSS (KiB): idle %ld, after the sequential goals %ld, after each burst", rss_idle,
         rss_seq);
  for (int b = 0; b < BURSTS; b++) printf(" %ld", rss_burst[b]);
  printf(", at the end %ld (a plateau after the first burst is the allocator keeping freed "
         "memory; growth with each burst would be a leak)\n", rss_after);
  bench_row("node RSS after the soak vs idle", (double)rss_after, (double)rss_idle, "KiB");
  bench_row("node RSS after the soak vs after burst 1", (double)rss_after, (double)rss_burst[0],
            "KiB");
  bench_row("node peak RSS (VmHWM) vs idle", (double)rss_peak, (double)rss_idle, "KiB");
  bench_row("node open fds after the soak vs idle", fds_after, fds_idle, "fds");

  bool ok = true;
  long rss_limit = rss_idle + (long)(RSS_TOLERANCE * (double)rss_idle) + RSS_SLACK_KIB;
  const struct {
    bool pass;
    const char *what;
  } verdicts[] = {
      {s.lost == 0, "every goal reached a terminal state"},
      {streamed == n_kill, "every killed client's goal was streaming when it was killed"},
      {idle_again, "the node reported active_goals 0 afterwards (killed clients' goals ended)"},
      {rss_after <= rss_limit, "node RSS back within 10% + 4 MiB of idle"},
      {rss_after <= rss_burst[0] + (long)(RSS_TOLERANCE * (double)rss_burst[0]),
       "node RSS after bursts 2-3 and the killed clients within 10% of after burst 1 (no growth)"},
      {fds_after == fds_idle, "node fd count unchanged"},
      {fps > 25.0, "frames kept flowing at ~30 Hz"},
  };
  for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
    printf("# verdict: %s: %s\n", verdicts[i].pass ? "PASS" : "FAIL", verdicts[i].what);
    ok = ok && verdicts[i].pass;
  }
  printf("# (%d of %d killed clients were streaming; RSS limit %ld KiB)\n", streamed, n_kill,
         rss_limit);

  if (getenv("SOAK_HOLD_S")) { /* time to look at the node (gdb, /proc) before it ends */
    printf("# node pid %d held for %s s\n", (int)node, getenv("SOAK_HOLD_S"));
    fflush(stdout);
    spin_ms(&s, 1000 * (int)strtol(getenv("SOAK_HOLD_S"), NULL, 10));
  }
  bench_child_end(node, SIGINT);
  bench_child_end(bare, SIGINT);
  free(r);
  free(pixels);
  ros_subscription_destroy(status);
  ros_publisher_destroy(s.images);
  ros_action_client_destroy(s.chat);
  ros_action_client_destroy(s.text);
  ros_action_client_destroy(s.bare);
  ros_node_destroy(cli);
  ros_context_destroy(s.ctx);
  lms_emu_stop(emu);
  printf("# verdicts: %s\n", ok ? "all PASS" : "some FAIL (above)");
  return 0;
}
