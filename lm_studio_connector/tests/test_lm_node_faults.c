/* test_lm_node_faults.c: lm_studio_node end to end against a misbehaving LM Studio server
 * (issue 7, "Faults"): the server process killed mid-stream and restarted, stalls, HTTP errors
 * with and without JSON bodies, endless answers, a 100 MB body, invalid UTF-8, a JSON object in
 * more than a thousand pieces, an unresolvable host and a model that is not loaded. Each fault
 * ends its goal with a clear error within the goal's timeout while a healthy goal on the other
 * action runs at the same time and succeeds. The node and a client node share one context in
 * this process over DDS on loopback; the emulator runs in this process too, except where it is
 * killed (then it is the lms_emulator executable). Faults already covered through the node
 * elsewhere (test_lm_node.c, test_lm_node_more.c) are not repeated here. */
#include <jansson.h>
#include <net/if.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/limits.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"
#include "ros/ros_client.h"
#include "ros/ros_topic.h"
#include "lm_node_fixture.h"
#include "testing.h"

#define WAIT_NS 5000000000LL
#define CHAT_MODEL "llama-3.2-1b-instruct"
#define HEALTHY_PROMPT "healthy [[tokens=20 interval_ms=20]]"
#define HEALTHY_TEXT "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20"

extern char **environ;

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__TextCompletion_Goal_ text_goal;

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
static const ros_action_type text_type = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);

typedef struct fx {
  lms_emu *emu; /* NULL when the server is elsewhere */
  ros_args args;
  lm_node *node;
  ros_node *cli;
  ros_action_client *chat, *text;
  ros_subscription *status;
  int n_status;
  bool connected;       /* what the last /lm_studio_status said */
  char last_status[2048];
} fx;

static void on_status(void *user, const void *msg, const ros_message_info *info) {
  (void)info;
  fx *f = user;
  const char *s = ((const std_msgs_msg_dds__String_ *)msg)->data;
  json_t *j = json_loads(s, 0, NULL);
  CHECK_MSG(j, "status is not JSON: %s", s);
  f->connected = json_is_true(json_object_get(j, "connected"));
  f->n_status++;
  snprintf(f->last_status, sizeof f->last_status, "%s", s);
  json_decref(j);
}

/* url NULL: an emulator in this process. extra: more "-p name:=value" (NULL-terminated). */
static void fx_start(fx *f, const char *url, const char *const *extra) {
  memset(f, 0, sizeof *f);
  char url_arg[512];
  if (!url) {
    f->emu = lms_emu_start(NULL);
    CHECK(f->emu);
    snprintf(url_arg, sizeof url_arg, "lm_studio_url:=http://127.0.0.1:%u", lms_emu_port(f->emu));
  } else {
    snprintf(url_arg, sizeof url_arg, "lm_studio_url:=%s", url);
  }
  const char *params[] = {url_arg, "model_name:=" CHAT_MODEL, "status_period:=0.2", NULL};
  lm_test_node_start(NULL, params, extra, "lm_faults_client", &f->args, &f->node, &f->cli);
  ros_error e;
  CHECK(ros_action_client_create(f->cli, "/chat_completion", &chat_type, NULL, &f->chat, &e) ==
        ROS_OK);
  CHECK(ros_action_client_create(f->cli, "/text_completion", &text_type, NULL, &f->text, &e) ==
        ROS_OK);
  CHECK(ros_subscription_create(f->cli, "/lm_studio_status", "std_msgs/msg/String", NULL,
                                on_status, f, &f->status, &e) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(f->chat, WAIT_NS) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(f->text, WAIT_NS) == ROS_OK);
}

static void fx_stop(fx *f) {
  ros_subscription_destroy(f->status);
  ros_action_client_destroy(f->chat);
  ros_action_client_destroy(f->text);
  lm_test_node_stop(&f->args, f->node, f->cli);
  lms_emu_stop(f->emu);
}

/* Spins until a status received after this call says connected == want and, unless NULL,
 * contains needle. */
static void wait_status(fx *f, bool want, const char *needle, int ms) {
  int seen = f->n_status;
  int64_t end = clock_mono_ms() + ms;
  bool ok = false;
  while (!ok && clock_mono_ms() < end) {
    lm_node_spin_once(f->node, 10);
    ok = f->n_status > seen && f->connected == want && (!needle || strstr(f->last_status, needle));
  }
  CHECK_MSG(ok, "status never said connected=%s%s%s; last: %s", want ? "true" : "false",
            needle ? " with " : "", needle ? needle : "", f->last_status);
}

/* ---- goals ---- */

typedef struct goal_spec {
  bool chat, stream;
  const char *prompt, *model;
  int timeout, max_tokens;
} goal_spec;

static void send_goal(fx *f, goal_rec *r, goal_spec s) {
  goal_rec_init(r);
  dynbuf_init(&r->feedback, 2 * LMS_MAX_ANSWER_TEXT); /* an endless stream's feedback too */
  ros_error e;
  ros_status st;
  if (s.chat) {
    chat_goal g = {(char *)s.prompt, (char *)(s.model ? s.model : ""), "", s.max_tokens, 0.0f,
                   s.timeout, false, s.stream, false};
    st = ros_action_client_send_goal(f->chat, &g, &goal_rec_callbacks, r, &r->id, &e);
  } else {
    text_goal g = {(char *)s.prompt, (char *)(s.model ? s.model : ""), s.max_tokens, 0.0f,
                   s.timeout, s.stream, false};
    st = ros_action_client_send_goal(f->text, &g, &goal_rec_callbacks, r, &r->id, &e);
  }
  CHECK_MSG(st == ROS_OK, "%s", e.message);
}

static void wait_done(fx *f, goal_rec *r, int ms) {
  CHECK_MSG(lm_test_spin_until(f->node, &r->done, ms), "goal did not end within %d ms", ms);
  CHECK_EQ_INT(r->st, ROS_OK);
  CHECK(r->response);
}

static void check_succeeded(const goal_rec *r, const char *want) {
  CHECK_MSG(r->status == ROS_GOAL_STATUS_SUCCEEDED, "status %s: %s",
            ros_goal_status_name(r->status), r->response);
  CHECK(r->success);
  if (want) CHECK_EQ_STR(r->response, want);
}

/* ABORTED, success=false, the node's error form, and every needle (NULL-terminated). */
static void check_aborted(const goal_rec *r, const char *const *needles) {
  CHECK_MSG(r->status == ROS_GOAL_STATUS_ABORTED, "status %s: %s",
            ros_goal_status_name(r->status), r->response);
  CHECK(!r->success);
  CHECK_CONTAINS(r->response, "LM Studio request failed");
  CHECK_CONTAINS(r->response, "Hint:");
  for (int i = 0; needles && needles[i]; i++) CHECK_CONTAINS(r->response, needles[i]);
}

/* Runs the goal `bad` and, on the other action at the same time, a healthy streamed goal.
 * The healthy goal must succeed with its full text; bad's record is left for the caller.
 * Returns how long bad took, in ms. */
static int64_t run_beside_healthy(fx *f, goal_spec bad, goal_rec *r, int wait_ms) {
  goal_rec ok;
  int64_t t0 = clock_mono_ms();
  send_goal(f, r, bad);
  send_goal(f, &ok, (goal_spec){.chat = !bad.chat, .stream = true, .prompt = HEALTHY_PROMPT});
  wait_done(f, r, wait_ms);
  int64_t took = clock_mono_ms() - t0;
  wait_done(f, &ok, 30000);
  check_succeeded(&ok, HEALTHY_TEXT);
  CHECK_EQ_STR(ok.feedback.data, HEALTHY_TEXT);
  goal_rec_fini(&ok);
  CHECK_EQ_INT(lm_node_active_goals(f->node), 0);
  return took;
}

/* ---- the server process, killed and restarted ---- */

/* Starts the lms_emulator executable on port (0: any free port, then *port is set). */
static pid_t spawn_emulator(unsigned short *port) {
  int out[2];
  CHECK(pipe(out) == 0);
  char port_s[16];
  snprintf(port_s, sizeof port_s, "%u", (unsigned)*port);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  char *argv[] = {"lms_emulator", "--port", port_s, "--interval-ms", "0", NULL};
  pid_t pid;
  CHECK(posix_spawn(&pid, LMS_EMULATOR_EXE, &fa, NULL, argv, environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  FILE *in = fdopen(out[0], "r");
  CHECK(in);
  char line[256] = "";
  CHECK_MSG(fgets(line, sizeof line, in), "the emulator printed nothing");
  fclose(in);
  const char *p = strstr(line, "127.0.0.1:");
  CHECK_MSG(p, "unexpected banner: %s", line);
  *port = (unsigned short)strtoul(p + strlen("127.0.0.1:"), NULL, 10);
  CHECK(*port > 0);
  return pid;
}

static void kill_hard(pid_t pid) {
  CHECK(kill(pid, SIGKILL) == 0);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
}

TEST(lm_faults_server_killed_mid_stream_then_restarted)
{
  unsigned short port = 0;
  pid_t server = spawn_emulator(&port);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)port);
  fx f;
  fx_start(&f, url, NULL);
  wait_status(&f, true, NULL, 10000);
  /* kill -9 while a goal streams: the goal ends with a clear error, well before its timeout. */
  goal_rec r;
  send_goal(&f, &r, (goal_spec){.chat = true, .stream = true, .timeout = 60,
                                .prompt = "story [[tokens=100000 interval_ms=20]]"});
  int64_t end = clock_mono_ms() + 10000;
  while (r.n_feedback < 3 && clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
  CHECK_MSG(r.n_feedback >= 3, "%d feedback messages", r.n_feedback);
  int64_t t0 = clock_mono_ms();
  kill_hard(server);
  wait_done(&f, &r, 20000);
  CHECK_MSG(clock_mono_ms() - t0 < 15000, "the goal took %lld ms to notice",
            (long long)(clock_mono_ms() - t0));
  check_aborted(&r, (const char *const[]){"LM Studio is running", NULL});
  CHECK_MSG(strstr(r.response, "LLM_ERR_NETWORK") || strstr(r.response, "LLM_ERR_TRUNCATED"),
            "%s", r.response);
  CHECK(strncmp(r.feedback.data, "w1 w2 w3", 8) == 0); /* the text streamed before the kill */
  goal_rec_fini(&r);
  /* The probes see it: connected=false, and a goal meanwhile says the server is not there. */
  wait_status(&f, false, "LLM_ERR_CONNECT_REFUSED", 10000);
  send_goal(&f, &r, (goal_spec){.chat = false, .prompt = "anyone?"});
  wait_done(&f, &r, 20000);
  check_aborted(&r, (const char *const[]){"LLM_ERR_CONNECT_REFUSED", url, NULL});
  goal_rec_fini(&r);
  /* The server comes back on the same port: the node notices by itself, goals work again. */
  server = spawn_emulator(&port);
  wait_status(&f, true, NULL, 10000);
  send_goal(&f, &r, (goal_spec){.chat = true, .stream = true, .prompt = "back again"});
  wait_done(&f, &r, 20000);
  check_succeeded(&r, "You said: back again");
  goal_rec_fini(&r);
  CHECK_EQ_INT(lm_node_active_goals(f.node), 0);
  fx_stop(&f);
  kill_hard(server);
}

/* ---- stalls ---- */

TEST(lm_faults_stall_before_first_token_and_between_tokens)
{
  fx f;
  fx_start(&f, NULL, NULL);
  /* A stream whose first token never comes within the goal's timeout of 1 s. */
  goal_rec r;
  int64_t took = run_beside_healthy(
      &f, (goal_spec){.chat = true, .stream = true, .timeout = 1,
                      .prompt = "x [[delay_first_ms=60000]]"}, &r, 20000);
  CHECK_MSG(took < 15000, "took %lld ms", (long long)took);
  check_aborted(&r, (const char *const[]){"LLM_ERR_TIMEOUT_FIRST_BYTE", "timeout", NULL});
  CHECK_EQ_INT(r.n_feedback, 0);
  goal_rec_fini(&r);
  /* A stream that stops after three tokens: the text so far came as feedback. */
  took = run_beside_healthy(
      &f, (goal_spec){.chat = false, .stream = true, .timeout = 1,
                      .prompt = "x [[tokens=10 stall_after=3 stall_ms=60000]]"}, &r, 20000);
  CHECK_MSG(took < 15000, "took %lld ms", (long long)took);
  check_aborted(&r, (const char *const[]){"LLM_ERR_TIMEOUT_IDLE", "timeout", NULL});
  CHECK_EQ_STR(r.feedback.data, "w1 w2 w3");
  goal_rec_fini(&r);
  fx_stop(&f);
}

/* ---- HTTP errors ---- */

TEST(lm_faults_http_errors_with_and_without_json_body)
{
  fx f;
  fx_start(&f, NULL, NULL);
  /* 500 with a JSON object and 503 with a string error are in test_lm_node_more.c. */
  const struct {
    int status;
    const char *body;
  } cases[] = {{500, "none"}, {503, "object"}, {503, "none"}, {404, "object"},
               {404, "none"}, {400, "object"}, {400, "none"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char prompt[96], http[16];
    snprintf(prompt, sizeof prompt, "x [[status=%d body=%s]]", cases[i].status, cases[i].body);
    snprintf(http, sizeof http, "HTTP %d", cases[i].status);
    /* With a JSON body its message is quoted; without, the status alone tells what happened. */
    const char *says = strcmp(cases[i].body, "object") == 0 ? "Emulated failure" : NULL;
    goal_rec r;
    run_beside_healthy(&f, (goal_spec){.chat = i % 2 == 0, .stream = i % 3 == 0, .prompt = prompt},
                       &r, 20000);
    check_aborted(&r, (const char *const[]){http, CHAT_MODEL, says, NULL});
    goal_rec_fini(&r);
  }
  fx_stop(&f);
}

/* ---- endless answers ---- */

TEST(lm_faults_endless_answer_ends_at_the_goal_timeout)
{
  fx f;
  fx_start(&f, NULL, NULL);
  /* Not streamed: the answer never comes; the goal's timeout (2 s) bounds the whole request. */
  goal_rec r;
  int64_t took = run_beside_healthy(
      &f, (goal_spec){.chat = true, .timeout = 2, .prompt = "x [[fault=endless]]"}, &r, 20000);
  CHECK_MSG(took >= 1900 && took < 15000, "took %lld ms", (long long)took);
  check_aborted(&r, (const char *const[]){"LLM_ERR_TIMEOUT_TOTAL", NULL});
  goal_rec_fini(&r);
  fx_stop(&f);
}

TEST(lm_faults_endless_stream_ends_at_the_answer_limit)
{
  fx f;
  fx_start(&f, NULL, NULL);
  /* Streamed: tokens keep coming, so silence never times out; the answer's size limit ends it. */
  goal_rec r;
  run_beside_healthy(&f, (goal_spec){.chat = false, .stream = true, .timeout = 5,
                                     .prompt = "x [[fault=endless interval_ms=0]]"},
                     &r, 240000);
  char limit[32];
  snprintf(limit, sizeof limit, "%u", (unsigned)LMS_MAX_ANSWER_TEXT);
  check_aborted(&r, (const char *const[]){"LLM_ERR_TOO_LARGE", limit, NULL});
  CHECK(r.feedback.len > 0 && r.feedback.len <= LMS_MAX_ANSWER_TEXT);
  goal_rec_fini(&r);
  fx_stop(&f);
}

/* ---- a 100 MB body ---- */

/* Peak resident memory of this process in KiB (VmHWM), or -1. */
static long peak_rss_kib(void) {
  FILE *fp = fopen("/proc/self/status", "r");
  if (!fp) return -1;
  char line[256];
  long kib = -1;
  while (fgets(line, sizeof line, fp))
    if (strncmp(line, "VmHWM:", 6) == 0) kib = strtol(line + 6, NULL, 10);
  fclose(fp);
  return kib;
}

/* Valgrind maps its preload libraries into the process. */
static bool under_valgrind(void) {
  FILE *fp = fopen("/proc/self/maps", "r");
  if (!fp) return false;
  char line[512];
  bool found = false;
  while (!found && fgets(line, sizeof line, fp)) found = strstr(line, "vgpreload") != NULL;
  fclose(fp);
  return found;
}

/* Memory checkers keep freed blocks and shadow memory: peak RSS says nothing under them. */
static bool under_memory_checker(void) {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
  return under_valgrind();
}

TEST(lm_faults_100mb_body_refused_within_the_limit)
{
  fx f;
  fx_start(&f, NULL, NULL);
  long before = peak_rss_kib();
  goal_rec r;
  /* 64 MiB go through the node before it stops: allow for valgrind's pace (~1 MiB/s) */
  run_beside_healthy(&f, (goal_spec){.chat = true, .timeout = 240,
                                     .prompt = "x [[fault=huge mb=100]]"}, &r, 250000);
  char limit[32];
  snprintf(limit, sizeof limit, "limit of %u bytes", (unsigned)LMS_MAX_RESPONSE_BODY);
  check_aborted(&r, (const char *const[]){"LLM_ERR_TOO_LARGE", limit, NULL});
  goal_rec_fini(&r);
  /* The node stopped reading at the limit: its peak grew by less than the 100 MiB sent. */
  long grew = peak_rss_kib() - before;
  fprintf(stderr, "peak RSS grew by %ld KiB for a 100 MiB body\n", grew);
  if (!under_memory_checker()) CHECK_MSG(grew < 100 * 1024, "peak RSS grew by %ld KiB", grew);
  fx_stop(&f);
}

/* ---- odd bytes ---- */

TEST(lm_faults_invalid_utf8_answer_arrives_repaired)
{
  fx f;
  fx_start(&f, NULL, NULL);
  for (int stream = 0; stream < 2; stream++) {
    goal_rec r;
    run_beside_healthy(&f, (goal_spec){.chat = true, .stream = stream,
                                       .prompt = "abc [[fault=bad_utf8]]"}, &r, 20000);
    /* Invalid bytes become U+FFFD: the answer arrives, as valid UTF-8 (a ROS string). */
    check_succeeded(&r, NULL);
    CHECK_CONTAINS(r.response, "You said: abc");
    CHECK_CONTAINS(r.response, "\xef\xbf\xbd");
    json_t *s = json_string(r.response);
    CHECK_MSG(s, "not UTF-8: %s", r.response);
    json_decref(s);
    if (stream) CHECK_EQ_STR(r.feedback.data, r.response);
    goal_rec_fini(&r);
  }
  fx_stop(&f);
}

TEST(lm_faults_json_split_over_a_thousand_chunks_succeeds)
{
  fx f;
  fx_start(&f, NULL, NULL);
  /* split=1 sends the body in writes of 1 to 7 bytes, 0.2 ms apart. Not streamed: one JSON
   * object of 1500 tokens (> 8 KB, so > 1000 writes). Streamed: 30 events of ~180 bytes, each
   * object in ~40 pieces, > 1000 writes in all. */
  const int tokens[2] = {1500, 30};
  for (int stream = 0; stream < 2; stream++) {
    char want[16384] = "", prompt[64];
    size_t len = 0;
    for (int i = 1; i <= tokens[stream]; i++)
      len += (size_t)snprintf(want + len, sizeof want - len, i == 1 ? "w%d" : " w%d", i);
    if (!stream) CHECK(len / 7 > 1000);
    snprintf(prompt, sizeof prompt, "x [[tokens=%d split=1]]", tokens[stream]);
    goal_rec r;
    run_beside_healthy(&f, (goal_spec){.chat = stream == 0, .stream = stream, .max_tokens = 2000,
                                       .prompt = prompt}, &r, 60000);
    check_succeeded(&r, want);
    goal_rec_fini(&r);
  }
  fx_stop(&f);
}

/* ---- names that do not resolve ---- */

/* Brings the loopback interface up (a fresh network namespace has it down). */
static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(s >= 0);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, "lo", 3);
  CHECK(ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
  ifr.ifr_flags |= IFF_UP;
  CHECK(ioctl(s, SIOCSIFFLAGS, &ifr) == 0);
  close(s);
}

/* Runs this test case again inside `unshare -rn` (a user and network namespace of its own,
 * only loopback). Returns false when namespaces are not allowed here. */
static bool rerun_without_network(const char *name) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  CHECK(n > 0);
  self[n] = '\0';
  char *argv[] = {"unshare", "-rn", self, (char *)name, NULL};
  CHECK(setenv("LMS_FAULTS_NETNS", "1", 1) == 0);
  pid_t pid;
  int status = 0;
  int rc = posix_spawnp(&pid, "unshare", NULL, NULL, argv, environ);
  unsetenv("LMS_FAULTS_NETNS");
  if (rc != 0) return false;
  CHECK(waitpid(pid, &status, 0) == pid);
  /* unshare itself fails with 1 before running anything when namespaces are refused. */
  if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
    fprintf(stderr, "unshare -rn refused here: running without the namespace\n");
    return false;
  }
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the case failed in its namespace");
  return true;
}

/* DNS failure without a packet leaving this machine, twice over: the host's first label has 64
 * characters, more than DNS allows (63), so the resolver refuses to build a query at all; and
 * where user namespaces are allowed the case runs in a network namespace with only loopback,
 * so no resolver could reach a server even if it tried. Under valgrind the first guard alone
 * holds (a re-run in the namespace would run without valgrind, unchecked). */
TEST(lm_faults_dns_failure_fails_locally)
{
  if (!getenv("LMS_FAULTS_NETNS") && !under_valgrind() &&
      rerun_without_network("lm_faults_dns_failure_fails_locally"))
    return;
  if (getenv("LMS_FAULTS_NETNS")) loopback_up();
  char host[80];
  memset(host, 'x', 64);
  memcpy(host + 64, ".invalid", 9);
  char url[128];
  snprintf(url, sizeof url, "http://%s:1234", host);
  fx f;
  fx_start(&f, url, NULL);
  for (int chat = 0; chat < 2; chat++) {
    goal_rec r;
    send_goal(&f, &r, (goal_spec){.chat = chat, .stream = chat, .prompt = "hello?"});
    wait_done(&f, &r, 30000);
    check_aborted(&r, (const char *const[]){"LLM_ERR_DNS", host, "lm_studio_url", NULL});
    goal_rec_fini(&r);
  }
  wait_status(&f, false, "LLM_ERR_DNS", 10000);
  fx_stop(&f);
}

/* ---- a model that is not loaded ---- */

TEST(lm_faults_model_not_loaded)
{
  fx f;
  fx_start(&f, NULL, NULL);
  /* With JIT loading off, LM Studio refuses: the goal says so and what to do. */
  goal_rec r;
  run_beside_healthy(&f, (goal_spec){.chat = true, .model = "qwen3-8b-big",
                                     .prompt = "x [[jit=off]]"}, &r, 20000);
  check_aborted(&r, (const char *const[]){"LLM_ERR_NO_MODEL_LOADED", "qwen3-8b-big",
                                          "load the model", NULL});
  goal_rec_fini(&r);
  /* With JIT loading (the default) the first goal waits for the load, then succeeds. */
  run_beside_healthy(&f, (goal_spec){.chat = false, .stream = true, .model = "qwen3-8b-big",
                                     .prompt = "loaded now [[jit_ms=1500]]"}, &r, 30000);
  check_succeeded(&r, "loaded now ...continued");
  goal_rec_fini(&r);
  fx_stop(&f);
}

/* ---- a service under faults ---- */

typedef struct embed_rec {
  bool done, success;
  ros_status st;
  uint32_t dimensions;
  char error[1024];
} embed_rec;

static void on_embed(void *user, ros_client *c, const void *response, ros_status st) {
  (void)c;
  embed_rec *r = user;
  const lm_studio_interfaces_srv_dds__GetEmbeddings_Response_ *p = response;
  r->done = true;
  r->st = st;
  if (!p) return;
  r->success = p->success;
  r->dimensions = p->embeddings._length;
  snprintf(r->error, sizeof r->error, "%s", p->error_message ? p->error_message : "");
}

/* get_embeddings (the service every fault above could hit too) answers each fault with
 * success=false and what happened, within the call's timeout, while a streamed goal runs
 * beside it unharmed; then a good call succeeds. */
TEST(lm_faults_get_embeddings_fails_clearly_within_its_timeout)
{
  fx f;
  fx_start(&f, NULL, NULL);
  ros_client *c;
  ros_error e;
  CHECK(ros_client_create(f.cli, "/get_embeddings", "lm_studio_interfaces/srv/GetEmbeddings",
                          NULL, &c, &e) == ROS_OK);
  int64_t end = clock_mono_ms() + 10000;
  while (!ros_client_is_available(c) && clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
  CHECK(ros_client_is_available(c));
  const struct {
    const char *text, *says;
  } cases[] = {
      {"x [[status=500 body=object]]", "HTTP 500"},
      {"x [[status=503 body=none]]", "HTTP 503"},
      {"x [[status=400 body=none]]", "HTTP 400"},
      {"x [[delay_first_ms=60000]]", "LLM_ERR_TIMEOUT"},
      {"x [[fault=close_once]]", NULL}, /* one retry on a fresh connection, then success */
      {"all good", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    goal_rec ok;
    send_goal(&f, &ok, (goal_spec){.chat = true, .stream = true, .prompt = HEALTHY_PROMPT});
    lm_studio_interfaces_srv_dds__GetEmbeddings_Request_ q = {
        .text = (char *)cases[i].text, .model = "", .timeout = 2};
    embed_rec r = {0};
    int64_t t0 = clock_mono_ms();
    CHECK(ros_client_call(c, &q, on_embed, &r, 30000000000LL, NULL, &e) == ROS_OK);
    CHECK_MSG(lm_test_spin_until(f.node, &r.done, 30000), "%s: no answer", cases[i].text);
    int64_t took = clock_mono_ms() - t0;
    CHECK_EQ_INT(r.st, ROS_OK);
    fprintf(stderr, "%s: %s after %lld ms\n", cases[i].text, r.success ? "success" : r.error,
            (long long)took);
    if (cases[i].says) {
      CHECK_MSG(!r.success, "%s succeeded", cases[i].text);
      CHECK_CONTAINS(r.error, cases[i].says);
      CHECK_CONTAINS(r.error, "the server's default model"); /* no model named: not "''" */
      CHECK_EQ_INT(r.dimensions, 0);
      CHECK_MSG(took < 15000, "%s: answered after %lld ms (timeout 2 s)", cases[i].text,
                (long long)took);
    } else {
      CHECK_MSG(r.success, "%s: %s", cases[i].text, r.error);
      CHECK_EQ_INT(r.dimensions, 768);
    }
    wait_done(&f, &ok, 30000);
    check_succeeded(&ok, HEALTHY_TEXT);
    goal_rec_fini(&ok);
  }
  ros_client_destroy(c);
  fx_stop(&f);
}
