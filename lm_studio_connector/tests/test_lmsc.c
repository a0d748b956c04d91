/* test_lmsc.c: the lmsc command-line client end to end: this process runs the LM Studio
 * emulator and lm_studio_node (tests/lm_node_fixture.h) and spins the node while the real lmsc
 * executable (LMSC_EXE) runs as a child process on the same DDS domain; each case checks the
 * child's stdout, stderr and exit code, and what the node saw. */
#define _XOPEN_SOURCE 700 /* posix_openpt: a terminal for the child's stderr */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/dynbuf.h"
#include "lm_node_fixture.h"
#include "image/image_base64.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "nodes/lm_node_internal.h" /* lm_images_resolve: does the node hold an image? */
#include "ros/ros_action.h"
#include "ros/ros_action_server.h"
#include "ros/ros_context.h"
#include "ros/ros_topic.h"
#include "testing.h"

#define CHAT_MODEL "llama-3.2-1b-instruct"
#define VISION_MODEL "qwen2-vl-2b-instruct"
#define CHILD_LIMIT_MS 60000
#define OUT_MAX (4u << 20)

typedef struct fx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;          /* NULL: no node in the domain */
  ros_node *cli;
  ros_subscription *goal_status, *responses;
  int n_canceled, n_succeeded;
  char last_response[8192]; /* the "text" of the node's last /lm_text_response */
} fx;

static void on_goal_status(void *user, const void *msg, const ros_message_info *info) {
  (void)info;
  fx *f = user;
  const action_msgs_msg_dds__GoalStatusArray_ *a = msg;
  for (uint32_t i = 0; i < a->status_list._length; i++) {
    int st = a->status_list._buffer[i].status;
    if (st == ROS_GOAL_STATUS_CANCELED) f->n_canceled++;
    if (st == ROS_GOAL_STATUS_SUCCEEDED) f->n_succeeded++;
  }
}

static void on_response_msg(void *user, const void *msg, const ros_message_info *info) {
  (void)info;
  fx *f = user;
  json_t *j = json_loads(((const std_msgs_msg_dds__String_ *)msg)->data, 0, NULL);
  const char *t = json_string_value(json_object_get(j, "text"));
  snprintf(f->last_response, sizeof f->last_response, "%s", t ? t : "");
  json_decref(j);
}

/* url NULL: the emulator's. ns: the node's namespace (NULL = "/"). extra: more "-p" values
 * (NULL-terminated, or NULL). */
static void fx_init_ex(fx *f, const char *url, const char *ns, const char *const *extra) {
  memset(f, 0, sizeof *f);
  f->emu = lms_emu_start(NULL);
  CHECK(f->emu);
  char url_arg[128], dirs_arg[600];
  lm_test_url_param(url_arg, sizeof url_arg, url, lms_emu_port(f->emu));
  snprintf(dirs_arg, sizeof dirs_arg, "image_allowed_dirs:=[%s]", test_fixture("images"));
  const char *params[] = {url_arg, "model_name:=" CHAT_MODEL, "status_period:=0.2", dirs_arg,
                          NULL};
  lm_test_node_start(ns, params, extra, "lmsc_test_watch", &f->args, &f->node, &f->cli);
  ros_error e;
  char topic[256];
  snprintf(topic, sizeof topic, "%s/chat_completion/_action/status", ns ? ns : "");
  CHECK(ros_subscription_create(f->cli, topic, "action_msgs/msg/GoalStatusArray",
                                &ros_qos_action_status, on_goal_status, f, &f->goal_status,
                                &e) == ROS_OK);
  snprintf(topic, sizeof topic, "%s/lm_text_response", ns ? ns : "");
  CHECK(ros_subscription_create(f->cli, topic, "std_msgs/msg/String", NULL, on_response_msg, f,
                                &f->responses, &e) == ROS_OK);
}

static void fx_init(fx *f) { fx_init_ex(f, NULL, NULL, NULL); }

static void fx_fini(fx *f) {
  if (f->node) {
    ros_subscription_destroy(f->goal_status);
    ros_subscription_destroy(f->responses);
    lm_test_node_stop(&f->args, f->node, f->cli);
  }
  lms_emu_stop(f->emu);
}

/* ---- running lmsc ---- */

typedef struct run_opts {
  const char *stdin_text;   /* NULL: nothing (stdin is an empty pipe) */
  /* When stdout first holds trigger_after (> 0) bytes, trigger runs once. */
  size_t trigger_after;
  void (*trigger)(fx *f, pid_t child);
  bool stderr_tty;          /* stderr is a pseudo-terminal (the spinner's condition) */
} run_opts;

static void send_sigint(fx *f, pid_t child) {
  (void)f;
  CHECK(kill(child, SIGINT) == 0);
}

/* The node does not spin in between (this thread is its loop), so it cannot answer the
 * cancel: whether lmsc sees the two signals apart or together, only the second can end it.
 * Nor until lmsc has gone: a loaded lmsc may take the second signal late, and had the node
 * answered the cancel meanwhile, the goal would end CANCELED first. Left waitable (WNOWAIT). */
static void send_sigint_twice(fx *f, pid_t child) {
  (void)f;
  CHECK(kill(child, SIGINT) == 0);
  clock_sleep_ms(200);
  CHECK(kill(child, SIGINT) == 0);
  int64_t end = clock_mono_ms() + 10000;
  siginfo_t si;
  do {
    clock_sleep_ms(10);
    memset(&si, 0, sizeof si);
  } while (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == 0 &&
           clock_mono_ms() < end);
}

static void stop_node(fx *f, pid_t child) {
  (void)child;
  ros_subscription_destroy(f->goal_status);
  ros_subscription_destroy(f->responses);
  lm_test_node_stop(&f->args, f->node, f->cli);
  f->node = NULL;
}

typedef struct lmsc_run {
  int exit_code;            /* 128 + signal when killed by one */
  dynbuf out, err;
} lmsc_run;

static void run_fini(lmsc_run *r) {
  dynbuf_free(&r->out);
  dynbuf_free(&r->err);
}

static void drain(int *fd, dynbuf *b) {
  if (*fd < 0) return;
  char buf[4096];
  for (;;) {
    ssize_t n = read(*fd, buf, sizeof buf);
    if (n > 0) {
      CHECK(dynbuf_append(b, buf, (size_t)n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    close(*fd);
    *fd = -1;
    return;
  }
}

/* Runs lmsc with args (NULL-terminated, without argv[0]) while spinning the node. */
static lmsc_run run_lmsc_ex(fx *f, const char *const *args, run_opts o) {
  lmsc_run r = {0};
  dynbuf_init(&r.out, OUT_MAX);
  dynbuf_init(&r.err, OUT_MAX);
  const char *argv[32] = {"lmsc"};
  int argc = 1;
  for (int i = 0; args[i]; i++) {
    CHECK(argc < 31);
    argv[argc++] = args[i];
  }
  int out[2], err[2], in[2];
  CHECK(pipe(out) == 0 && pipe(err) == 0 && pipe(in) == 0);
  if (o.stderr_tty) {
    /* The terminal's master side takes the place of the stderr pipe's read end. */
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    close(err[0]);
    close(err[1]);
    err[0] = master;
    err[1] = slave;
  }
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int i = 0; i < 2; i++) close(in[i]), close(out[i]), close(err[i]);
    execv(LMSC_EXE, (char *const *)argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (o.stdin_text) CHECK(write(in[1], o.stdin_text, strlen(o.stdin_text)) == (ssize_t)strlen(o.stdin_text));
  close(in[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  int status = 0;
  bool exited = false, triggered = false;
  int64_t end = clock_mono_ms() + CHILD_LIMIT_MS;
  while (!exited && clock_mono_ms() < end) {
    if (f && f->node) {
      lm_node_spin_once(f->node, 5);
    } else {
      struct pollfd p[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
      poll(p, 2, 5);
    }
    drain(&out[0], &r.out);
    drain(&err[0], &r.err);
    if (o.trigger_after && !triggered && r.out.len >= o.trigger_after) {
      o.trigger(f, pid);
      triggered = true;
    }
    exited = waitpid(pid, &status, WNOHANG) == pid;
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    CHECK_MSG(false, "lmsc did not finish within %d ms; stderr: %s", CHILD_LIMIT_MS,
              r.err.data ? r.err.data : "");
  }
  /* What the child wrote last is still in the pipes. */
  while (out[0] >= 0 || err[0] >= 0) {
    struct pollfd p[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
    poll(p, 2, 100);
    drain(&out[0], &r.out);
    drain(&err[0], &r.err);
  }
  if (!r.out.data) CHECK(dynbuf_append_str(&r.out, ""));
  if (!r.err.data) CHECK(dynbuf_append_str(&r.err, ""));
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

static lmsc_run run_lmsc(fx *f, const char *const *args) {
  return run_lmsc_ex(f, args, (run_opts){0});
}

/* A chat that streams for 10 s; trigger runs once its first text is out. */
static lmsc_run run_long_chat(fx *f, void (*trigger)(fx *f, pid_t child)) {
  const char *const args[] = {"chat", "--no-history", "long [[tokens=200 interval_ms=50]]", NULL};
  return run_lmsc_ex(f, args, (run_opts){.trigger_after = 1, .trigger = trigger});
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void expect_exit(const lmsc_run *r, int code) {
  CHECK_MSG(r->exit_code == code, "exit %d (want %d)\nstdout: %s\nstderr: %s", r->exit_code, code,
            r->out.data, r->err.data);
}

static json_t *parse_json(const lmsc_run *r) {
  json_error_t je;
  json_t *j = json_loads(r->out.data, 0, &je);
  CHECK_MSG(j && json_is_object(j), "stdout is not one JSON object (%s): %s", je.text, r->out.data);
  return j;
}

/* ---- chat and complete ---- */

TEST(lmsc_chat_streamed_output_equals_result)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("chat", "--no-history", "tell me [[tokens=40 interval_ms=5 delay_first_ms=300]]"));
  expect_exit(&r, 0);
  lm_test_spin_for(f.node, 300); /* the node's /lm_text_response of that goal */
  CHECK(f.last_response[0]);
  char want[8300];
  snprintf(want, sizeof want, "%s\n", f.last_response);
  CHECK_EQ_STR(r.out.data, want);
  CHECK_CONTAINS(r.out.data, "w40");
  CHECK_EQ_STR(r.err.data, ""); /* no spinner or noise when stderr is not a terminal */
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_chat_no_stream_json_and_stdin)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("chat", "--no-stream", "--no-history", "hello", "robot", "arm"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "You said: hello robot arm\n");
  run_fini(&r);

  r = run_lmsc(&f, ARGS("--json", "chat", "--no-history", "json please"));
  expect_exit(&r, 0);
  json_t *j = parse_json(&r);
  CHECK_EQ_STR(json_string_value(json_object_get(j, "response")), "You said: json please");
  CHECK(json_is_true(json_object_get(j, "success")));
  CHECK_EQ_STR(json_string_value(json_object_get(j, "status")), "SUCCEEDED");
  CHECK_EQ_INT(strlen(json_string_value(json_object_get(j, "goal_id"))), 32);
  json_decref(j);
  run_fini(&r);

  r = run_lmsc_ex(&f, ARGS("chat", "--no-history", "-"), (run_opts){.stdin_text = "from stdin\n"});
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "You said: from stdin\n");
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_chat_history_and_reset)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("chat", "remember me"));
  expect_exit(&r, 0);
  run_fini(&r);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  r = run_lmsc(&f, ARGS("chat", "--no-history", "forget me"));
  expect_exit(&r, 0);
  run_fini(&r);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  r = run_lmsc(&f, ARGS("reset"));
  expect_exit(&r, 0);
  CHECK_CONTAINS(r.out.data, "clear");
  run_fini(&r);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  r = run_lmsc(&f, ARGS("reset", "--json"));
  expect_exit(&r, 0);
  json_t *j = parse_json(&r);
  CHECK(json_is_true(json_object_get(j, "success")));
  CHECK(json_is_string(json_object_get(j, "message")));
  json_decref(j);
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_complete_streams_and_blocks)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("complete", "The robot"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "The robot ...continued\n");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("complete", "--no-stream", "--max-tokens", "2", "--json", "a b c d"));
  expect_exit(&r, 0);
  json_t *j = parse_json(&r);
  CHECK(json_is_true(json_object_get(j, "success")));
  CHECK(json_is_string(json_object_get(j, "response")));
  json_decref(j);
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_chat_ctrl_c_cancels_the_goal)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_long_chat(&f, send_sigint);
  expect_exit(&r, 130);
  CHECK_CONTAINS(r.err.data, "CANCELED");
  /* The node ended the goal CANCELED (its status topic, not lmsc's word for it). */
  int64_t end = clock_mono_ms() + 5000;
  while (f.n_canceled == 0 && clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
  CHECK(f.n_canceled > 0);
  CHECK_EQ_INT(lm_node_active_goals(f.node), 0);
  /* What was printed is the start of the answer, cut short, on a line of its own. */
  CHECK(strncmp(r.out.data, "w1", 2) == 0);
  CHECK(!strstr(r.out.data, "w200"));
  CHECK(r.out.len > 0 && r.out.data[r.out.len - 1] == '\n');
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_spinner_only_on_a_terminal)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc_ex(&f, ARGS("chat", "--no-stream", "--no-history", "slow [[delay_first_ms=800]]"),
                           (run_opts){.stderr_tty = true});
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "You said: slow\n");
  CHECK_CONTAINS(r.err.data, "waiting for the answer");
  CHECK_CONTAINS(r.err.data, "s\r\033[K"); /* elapsed seconds, then erased */
  run_fini(&r);
  /* Piped, the same wait shows nothing. */
  r = run_lmsc(&f, ARGS("chat", "--no-stream", "--no-history", "slow [[delay_first_ms=800]]"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.err.data, "");
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_second_ctrl_c_quits_at_once)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_long_chat(&f, send_sigint_twice);
  expect_exit(&r, 130);
  CHECK_CONTAINS(r.err.data, "quitting without waiting");
  CHECK(!strstr(r.out.data, "w200"));
  run_fini(&r);
  fx_fini(&f);
}

/* ---- failures ---- */

TEST(lmsc_node_leaving_during_a_goal_fails)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_long_chat(&f, stop_node);
  expect_exit(&r, 1);
  /* Either the node's last word (the goal aborted as it shut down) or our noticing it left. */
  CHECK_MSG(strstr(r.err.data, "shutting down") || strstr(r.err.data, "the node left"), "%s",
            r.err.data);
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_server_down_fails_with_the_nodes_message)
{
  fx f;
  fx_init_ex(&f, "http://127.0.0.1:1", NULL, NULL);
  lmsc_run r = run_lmsc(&f, ARGS("chat", "anyone there?"));
  expect_exit(&r, 1);
  CHECK_EQ_STR(r.out.data, "");
  CHECK_CONTAINS(r.err.data, "chat failed (goal ABORTED)");
  CHECK_CONTAINS(r.err.data, "127.0.0.1:1");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("models"));
  expect_exit(&r, 1);
  CHECK_CONTAINS(r.err.data, "list_models failed: ");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("embed", "--json", "text"));
  expect_exit(&r, 1);
  json_t *j = parse_json(&r);
  CHECK(json_is_false(json_object_get(j, "success")));
  CHECK(strlen(json_string_value(json_object_get(j, "error_message"))) > 0);
  json_decref(j);
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_node_not_found_exits_3)
{
  /* Nothing in this test's domain: no node. */
  lmsc_run r = run_lmsc(NULL, ARGS("--timeout", "0.5", "models"));
  expect_exit(&r, 3);
  CHECK_CONTAINS(r.err.data, "node not found");
  CHECK_CONTAINS(r.err.data, "/list_models");
  CHECK_CONTAINS(r.err.data, "ROS_DOMAIN_ID");
  CHECK_CONTAINS(r.err.data, "RMW_IMPLEMENTATION=rmw_cyclonedds_cpp");
  CHECK_EQ_STR(r.out.data, "");
  run_fini(&r);
  r = run_lmsc(NULL, ARGS("chat", "--timeout=0.3", "--node-ns", "/robot9", "hi"));
  expect_exit(&r, 3);
  CHECK_CONTAINS(r.err.data, "/robot9/chat_completion");
  run_fini(&r);
}

TEST(lmsc_usage_errors_exit_2)
{
  const char *const *bad[] = {
      ARGS("bogus"), ARGS("chat", "--frobnicate", "x"), ARGS("models", "--image", "x"),
      ARGS("chat", "--temperature", "3", "x"), ARGS("chat", "--max-tokens", "-1", "x"),
      ARGS("set-model"), ARGS("models", "extra"), ARGS("--timeout"), (const char *const[]){NULL},
      ARGS("chat", "x", "--ros-args", "--no-such-ros-flag"), ARGS("chat"),
      ARGS("chat", "--image", "a", "--node-image", "b", "x"),
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    lmsc_run r = run_lmsc(NULL, bad[i]); /* stdin is empty: "chat" alone has no prompt either */
    expect_exit(&r, 2);
    CHECK_CONTAINS(r.err.data, "lmsc: ");
    CHECK_EQ_STR(r.out.data, "");
    run_fini(&r);
  }
  lmsc_run r = run_lmsc(NULL, ARGS("--help"));
  expect_exit(&r, 0);
  CHECK_CONTAINS(r.out.data, "EXIT STATUS");
  CHECK_CONTAINS(r.out.data, "send-image");
  run_fini(&r);
  r = run_lmsc(NULL, ARGS("embed", "--help"));
  expect_exit(&r, 0);
  CHECK_CONTAINS(r.out.data, "usage: lmsc embed");
  run_fini(&r);
}

/* ---- services ---- */

TEST(lmsc_models_and_embed)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("models"));
  expect_exit(&r, 0);
  CHECK_CONTAINS(r.out.data, CHAT_MODEL "\n");
  CHECK_CONTAINS(r.out.data, VISION_MODEL "\n");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("models", "--json"));
  expect_exit(&r, 0);
  json_t *j = parse_json(&r);
  CHECK(json_is_true(json_object_get(j, "success")));
  CHECK_EQ_INT(json_array_size(json_object_get(j, "models")),
               json_integer_value(json_object_get(j, "count")));
  CHECK(json_array_size(json_object_get(j, "models")) >= 2);
  json_decref(j);
  run_fini(&r);

  r = run_lmsc(&f, ARGS("embed", "hello world"));
  expect_exit(&r, 0);
  json_t *v = json_loads(r.out.data, 0, NULL);
  CHECK_MSG(json_is_array(v), "not a JSON array: %.200s", r.out.data);
  CHECK_EQ_INT(json_array_size(v), 768);
  json_decref(v);
  run_fini(&r);
  r = run_lmsc(&f, ARGS("embed", "--json", "hello world"));
  expect_exit(&r, 0);
  j = parse_json(&r);
  CHECK_EQ_INT(json_integer_value(json_object_get(j, "dimensions")), 768);
  CHECK_EQ_INT(json_array_size(json_object_get(j, "embeddings")), 768);
  json_decref(j);
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_set_model_known_and_unknown)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("set-model", "no-such-model"));
  expect_exit(&r, 1);
  CHECK_CONTAINS(r.err.data, "set_model failed: ");
  CHECK_CONTAINS(r.err.data, "no-such-model");
  CHECK_EQ_STR(r.out.data, "");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("set-model", VISION_MODEL));
  expect_exit(&r, 0);
  CHECK_CONTAINS(r.out.data, VISION_MODEL);
  run_fini(&r);
  r = run_lmsc(&f, ARGS("status", "--json"));
  expect_exit(&r, 0);
  json_t *j = parse_json(&r);
  CHECK_EQ_STR(json_string_value(json_object_get(j, "model")), VISION_MODEL);
  json_decref(j);
  run_fini(&r);
  fx_fini(&f);
}

/* ---- topics ---- */

TEST(lmsc_status_pretty_prints)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("status"));
  expect_exit(&r, 0);
  CHECK_CONTAINS(r.out.data, "{\n  \"");
  json_t *j = json_loads(r.out.data, 0, NULL);
  CHECK(j);
  CHECK_EQ_STR(json_string_value(json_object_get(j, "model")), CHAT_MODEL);
  CHECK(json_is_boolean(json_object_get(j, "connected")));
  json_decref(j);
  run_fini(&r);
  fx_fini(&f);
}

static bool node_holds_image(fx *f, int ms) {
  int64_t end = clock_mono_ms() + ms;
  for (;;) {
    char *uri = NULL, why[512];
    bool held = lm_images_resolve(f->node, "latest", &uri, why, sizeof why);
    free(uri);
    if (held || clock_mono_ms() > end) return held;
    lm_node_spin_once(f->node, 10);
  }
}

/* send-image publishes once, LMSC_SETTLE_MS after it saw the node's subscription, on a
 * best-effort topic: should the node not have discovered lmsc's writer by then (a loaded
 * machine), the image is lost, and nothing on either side can tell (lmsc_session.h). So the
 * test checks that the node holds the image and sends it again if not, at most 3 times. */
static lmsc_run send_image_until_held(fx *f, const char *path) {
  for (int attempt = 1;; attempt++) {
    lmsc_run r = run_lmsc(f, ARGS("send-image", "--json", path));
    expect_exit(&r, 0);
    if (node_holds_image(f, 2000) || attempt == 3) return r;
    run_fini(&r);
  }
}

TEST(lmsc_images_send_latest_and_file)
{
  fx f;
  fx_init(&f);
  lmsc_run r = send_image_until_held(&f, test_fixture("images/progressive.jpg"));
  json_t *j = parse_json(&r);
  CHECK_EQ_STR(json_string_value(json_object_get(j, "format")), "jpeg");
  CHECK_EQ_STR(json_string_value(json_object_get(j, "topic")), "/image_input/compressed");
  json_decref(j);
  run_fini(&r);
  r = run_lmsc(&f, ARGS("chat", "--no-history", "--model", VISION_MODEL, "--image", "latest", "what is it"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "You said: what is it [images: 1]\n");
  run_fini(&r);
  /* A local file goes as a data URI; --node-image lets the node read it (allowed dir). */
  r = run_lmsc(&f, ARGS("chat", "--no-history", "--model", VISION_MODEL, "--image",
                        test_fixture("images/gray2.png"), "and this"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "You said: and this [images: 1]\n");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("chat", "--no-history", "--model", VISION_MODEL, "--node-image",
                        test_fixture("images/gray2.png"), "node reads"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "You said: node reads [images: 1]\n");
  run_fini(&r);
  /* Not an image: refused before anything is sent. */
  r = run_lmsc(&f, ARGS("send-image", test_fixture("images/README.txt")));
  expect_exit(&r, 1);
  CHECK_CONTAINS(r.err.data, "not a JPEG, PNG");
  run_fini(&r);
  fx_fini(&f);
}

TEST(lmsc_node_namespace)
{
  fx f;
  fx_init_ex(&f, NULL, "/robot1", NULL);
  lmsc_run r = run_lmsc(&f, ARGS("--node-ns", "/robot1", "chat", "--no-history", "ns hello"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "You said: ns hello\n");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("models", "--ros-args", "-r", "__ns:=/robot1"));
  expect_exit(&r, 0);
  CHECK_CONTAINS(r.out.data, CHAT_MODEL);
  run_fini(&r);
  /* Looked for in "/": not there, and the message says where it is (a --timeout long enough
   * for discovery to have shown the node's endpoints even on a loaded machine). */
  r = run_lmsc(&f, ARGS("--timeout", "3", "reset"));
  expect_exit(&r, 3);
  CHECK_CONTAINS(r.err.data, "no service /reset_chat");
  CHECK_CONTAINS(r.err.data, "in namespace(s) /robot1: use --node-ns");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("--timeout", "3", "send-image", test_fixture("images/gray2.png")));
  expect_exit(&r, 3);
  CHECK_CONTAINS(r.err.data, "no subscriber of /image_input/compressed");
  CHECK_CONTAINS(r.err.data, "in namespace(s) /robot1: use --node-ns");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("--timeout", "0.5", "chat", "x"));
  expect_exit(&r, 3);
  CHECK_CONTAINS(r.err.data, "no action server for /chat_completion");
  run_fini(&r);
  r = run_lmsc(&f, ARGS("--timeout", "0.5", "status"));
  expect_exit(&r, 3);
  CHECK_CONTAINS(r.err.data, "no publisher of /lm_studio_status");
  run_fini(&r);
  fx_fini(&f);
}

/* ---- what reaches the node ---- */

/* The body of the last chat or completion request the emulator received (caller decrefs). */
static json_t *last_llm_request(fx *f) {
  for (size_t k = lms_emu_request_count(f->emu); k > 0; k--) {
    char *s = lms_emu_request_json(f->emu, k - 1);
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    free(s);
    const char *path = json_string_value(json_object_get(j, "path"));
    if (path && strstr(path, "/completions")) {
      json_t *body = json_incref(json_object_get(j, "body"));
      json_decref(j);
      return body;
    }
    json_decref(j);
  }
  CHECK_MSG(0, "no chat or completion request recorded");
  return NULL;
}

TEST(lmsc_chat_options_and_a_data_uri_reach_the_server)
{
  fx f;
  fx_init(&f);
  size_t len = 0;
  char *png = test_read_file(test_fixture("images/gray2.png"), &len);
  CHECK(png && len > 0);
  char *uri = NULL;
  image_error ie;
  CHECK(image_data_uri_build(png, len, NULL, &uri, NULL, &ie) == IMAGE_OK);
  free(png);
  lmsc_run r = run_lmsc(&f, ARGS("chat", "--no-history", "--model", VISION_MODEL, "--image", uri,
                                 "--temperature", "0.5", "--max-tokens", "3", "--request-timeout",
                                 "20", "look [[tokens=10]]"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "w1 w2 w3\n"); /* the emulator stops at max_tokens */
  run_fini(&r);
  json_t *body = last_llm_request(&f);
  CHECK_EQ_STR(json_string_value(json_object_get(body, "model")), VISION_MODEL);
  CHECK(json_real_value(json_object_get(body, "temperature")) == 0.5);
  CHECK_EQ_INT(json_integer_value(json_object_get(body, "max_tokens")), 3);
  char *text = json_dumps(body, 0);
  CHECK_CONTAINS(text, uri); /* passed on as given */
  free(text);
  json_decref(body);
  free(uri);
  /* A data URI that is not an image is the node's refusal, before any request. */
  size_t before = lms_emu_request_count(f.emu);
  r = run_lmsc(&f, ARGS("chat", "--no-history", "--image", "data:image/png;base64,aGVsbG8=", "x"));
  expect_exit(&r, 1);
  CHECK_CONTAINS(r.err.data, "chat failed (goal ABORTED)");
  CHECK_EQ_STR(r.out.data, "");
  run_fini(&r);
  char *last = lms_emu_request_count(f.emu) > before
                   ? lms_emu_request_json(f.emu, lms_emu_request_count(f.emu) - 1)
                   : NULL;
  CHECK_MSG(!last || !strstr(last, "aGVsbG8="), "the bad image was sent: %s", last);
  free(last);
  fx_fini(&f);
}

TEST(lmsc_rejected_goal_fails_and_says_where_the_reason_is)
{
  fx f;
  const char *extra[] = {"max_concurrent_goals:=1", NULL};
  fx_init_ex(&f, NULL, NULL, extra);
  /* One goal of the test's own holds the only slot. */
  static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
  ros_action_client *ac;
  ros_error e;
  CHECK(ros_action_client_create(f.cli, "/chat_completion", &chat_type, NULL, &ac, &e) == ROS_OK);
  int64_t end = clock_mono_ms() + 10000;
  while (!ros_action_client_is_server_ready(ac) && clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
  lm_studio_interfaces_action_dds__ChatCompletion_Goal_ g = {
      "hold [[tokens=100 interval_ms=50]]", "", "", 0, 0.0f, 0, false, true, false};
  goal_rec held;
  goal_rec_init(&held);
  CHECK(ros_action_client_send_goal(ac, &g, &goal_rec_callbacks, &held, &held.id, &e) == ROS_OK);
  CHECK(lm_test_spin_until(f.node, &held.responded, 10000) && held.accepted);
  lmsc_run r = run_lmsc(&f, ARGS("chat", "--no-history", "one too many"));
  expect_exit(&r, 1);
  CHECK_CONTAINS(r.err.data, "the node rejected the chat goal");
  CHECK_CONTAINS(r.err.data, "max_concurrent_goals");
  CHECK_EQ_STR(r.out.data, "");
  run_fini(&r);
  /* ... and where it said the reason is, it is. */
  r = run_lmsc(&f, ARGS("status", "--json"));
  expect_exit(&r, 0);
  json_t *j = parse_json(&r);
  CHECK_CONTAINS(json_string_value(json_object_get(j, "last_error")), "max_concurrent_goals (1)");
  json_decref(j);
  run_fini(&r);
  CHECK(lm_test_spin_until(f.node, &held.done, 30000));
  CHECK_EQ_INT(held.status, ROS_GOAL_STATUS_SUCCEEDED);
  goal_rec_fini(&held);
  ros_action_client_destroy(ac);
  fx_fini(&f);
}

/* The most significant digits of any number after a ": " in JSON text (leading zeros and
 * exponents not counted). */
static int max_significant_digits(const char *s) {
  int most = 0;
  for (const char *p = s; *p; p++) {
    if (p[0] != ':' || p[1] != ' ') continue;
    const char *q = p + 2 + (p[2] == '-');
    int n = 0;
    bool leading = true;
    for (; isdigit((unsigned char)*q) || *q == '.'; q++) {
      if (*q == '.' || (leading && *q == '0')) continue;
      leading = false;
      n++;
    }
    if (n > most) most = n;
  }
  return most;
}

TEST(lmsc_status_prints_numbers_as_the_node_sent_them)
{
  fx f;
  fx_init(&f);
  lmsc_run r = run_lmsc(&f, ARGS("status"));
  expect_exit(&r, 0);
  /* The node sends 16 digits (microsecond timestamps); 17 would show binary noise such as
   * 0.69590300000000005. */
  CHECK_MSG(max_significant_digits(r.out.data) <= 16, "%s", r.out.data);
  CHECK_CONTAINS(r.out.data, "\"timestamp\": ");
  run_fini(&r);
  fx_fini(&f);
}

/* ---- a server that behaves like the original Python node ---- */

/* A stand-in for the original node's chat_completion, on the test's context, under /orig: as
 * its source does, it streams one token per feedback (partial_response = the token) and
 * succeeds with the whole text, and a goal cancelled mid-stream ends CANCELED with an EMPTY
 * result (where this project's node returns the text so far). */
typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal_msg;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ chat_feedback_msg;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result_msg;

typedef struct orig_server {
  ros_action_server *srv;
  ros_timer *tick;
  ros_action_goal *goal; /* the goal streaming, NULL when none */
  int tokens, sent;
  dynbuf text;
  bool canceled_empty;   /* a goal ended CANCELED with an empty result */
} orig_server;

static ros_goal_decision orig_on_goal(void *user, ros_action_goal *h, const void *goal) {
  orig_server *o = user;
  if (o->goal) return ROS_GOAL_REJECT;
  o->goal = h;
  o->tokens = strstr(((const chat_goal_msg *)goal)->prompt, "long") ? 100000 : 6;
  o->sent = 0;
  dynbuf_reset(&o->text);
  return ROS_GOAL_ACCEPT_AND_EXECUTE;
}

static bool orig_on_cancel(void *user, ros_action_goal *h) {
  (void)user;
  (void)h;
  return true;
}

static void orig_tick(void *user) {
  orig_server *o = user;
  ros_action_goal *h = o->goal;
  if (!h) return;
  ros_error e;
  if (ros_action_goal_is_cancel_requested(h)) {
    CHECK(ros_action_goal_canceled(h, NULL, &e) == ROS_OK); /* NULL: an empty result */
    o->goal = NULL;
    o->canceled_empty = true;
    return;
  }
  if (o->sent == o->tokens) {
    chat_result_msg *r = lm_studio_interfaces_action_dds__ChatCompletion_Result___alloc();
    CHECK(r);
    r->response = strdup(o->text.data);
    r->success = true;
    CHECK(ros_action_goal_succeed(h, r, &e) == ROS_OK);
    o->goal = NULL;
    return;
  }
  char token[24];
  snprintf(token, sizeof token, o->sent ? " t%d" : "t%d", o->sent + 1);
  CHECK(dynbuf_append_str(&o->text, token));
  chat_feedback_msg fb = {token, "streaming", 0.0f};
  CHECK(ros_action_goal_publish_feedback(h, &fb, &e) == ROS_OK);
  o->sent++;
}

static void orig_start(fx *f, orig_server *o) {
  memset(o, 0, sizeof *o);
  dynbuf_init(&o->text, 1u << 20);
  static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
  ros_action_server_callbacks cb = {orig_on_goal, NULL, orig_on_cancel};
  ros_error e;
  CHECK(ros_action_server_create(f->cli, "/orig/chat_completion", &chat_type, &cb, o, NULL,
                                 &o->srv, &e) == ROS_OK);
  o->tick = ros_timer_create(lm_node_context(f->node), 20000000, orig_tick, o);
  CHECK(o->tick);
}

static void orig_stop(orig_server *o) {
  ros_timer_destroy(o->tick);
  ros_action_server_destroy(o->srv);
  dynbuf_free(&o->text);
}

TEST(lmsc_chat_with_an_original_style_server)
{
  fx f;
  fx_init(&f);
  orig_server o;
  orig_start(&f, &o);
  lmsc_run r = run_lmsc(&f, ARGS("--node-ns", "/orig", "chat", "--no-history", "hello"));
  expect_exit(&r, 0);
  CHECK_EQ_STR(r.out.data, "t1 t2 t3 t4 t5 t6\n");
  CHECK_EQ_STR(r.err.data, "");
  run_fini(&r);
  /* Ctrl-C: the goal ends CANCELED with an empty result; what was streamed stays printed, on a
   * line of its own, and nothing is printed twice. */
  r = run_lmsc_ex(&f, ARGS("--node-ns", "/orig", "chat", "--no-history", "long"),
                  (run_opts){.trigger_after = 8, .trigger = send_sigint});
  expect_exit(&r, 130);
  CHECK(o.canceled_empty);
  CHECK_CONTAINS(r.err.data, "CANCELED");
  CHECK(strncmp(r.out.data, "t1 t2 t3", 8) == 0);
  CHECK(r.out.len > 0 && r.out.data[r.out.len - 1] == '\n');
  CHECK_MSG(strstr(r.out.data, "t1 t2") == r.out.data && !strstr(r.out.data + 1, "t1 "),
            "printed twice: %s", r.out.data);
  run_fini(&r);
  orig_stop(&o);
  fx_fini(&f);
}
