/* lm_node_fixture.c: see lm_node_fixture.h. */
#include "lm_node_fixture.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "testing.h"

#define MAX_PARAMS 24

void lm_test_node_start(const char *ns, const char *const *params, const char *const *extra,
                        const char *client, ros_args *args, lm_node **node, ros_node **cli) {
  lm_node_options o = {.ns = ns};
  lm_test_node_start_opts(&o, params, extra, client, args, node, cli);
}

void lm_test_node_start_opts(const lm_node_options *base, const char *const *params,
                             const char *const *extra, const char *client, ros_args *args,
                             lm_node **node, ros_node **cli) {
  const char *argv[2 + 2 * MAX_PARAMS] = {"test_lm_node", "--ros-args"};
  int argc = 2;
  const char *const *lists[2] = {params, extra};
  for (int l = 0; l < 2; l++)
    for (int i = 0; lists[l] && lists[l][i]; i++) {
      CHECK(argc + 2 <= (int)(sizeof argv / sizeof *argv));
      argv[argc++] = "-p";
      argv[argc++] = lists[l][i];
    }
  ros_args_init(args);
  ros_args_error ae;
  CHECK_MSG(ros_args_parse(args, argc, argv, &ae) == ROS_ARGS_OK, "%s", ae.message);
  char err[LM_NODE_ERROR_MAX];
  lm_node_options o = *base;
  o.args = args;
  *node = lm_node_create(&o, err, sizeof err);
  CHECK_MSG(*node, "%s", err);
  ros_error e;
  CHECK_MSG(ros_node_create(lm_node_context(*node), client, NULL, NULL, cli, &e) == ROS_OK, "%s",
            e.message);
}

void lm_test_url_param(char *buf, size_t size, const char *url, unsigned port) {
  if (url)
    snprintf(buf, size, "lm_studio_url:=%s", url);
  else
    snprintf(buf, size, "lm_studio_url:=http://127.0.0.1:%u", port);
}

void lm_test_node_stop(ros_args *args, lm_node *node, ros_node *cli) {
  CHECK_EQ_INT(ros_node_destroy(cli), ROS_OK);
  lm_node_destroy(node);
  ros_args_fini(args);
}

pid_t lm_test_spawn(const char *exe, const char *const *argv) {
  pid_t parent = getpid();
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    /* A failed CHECK ends the test at once: the node must not outlive it, or it keeps CTest's
     * output pipe open and the run hangs until the timeout. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
    execv(exe, (char *const *)argv);
    _exit(127);
  }
  return pid;
}

void lm_test_interrupt_expect_exit_zero(pid_t pid) {
  CHECK(kill(pid, SIGINT) == 0);
  int status = 0;
  int64_t end = clock_mono_ms() + 10000;
  pid_t w = 0;
  while ((w = waitpid(pid, &status, WNOHANG)) == 0 && clock_mono_ms() < end) clock_sleep_ms(10);
  if (w == 0) {
    kill(pid, SIGKILL);
    (void)waitpid(pid, &status, 0);
  }
  CHECK_MSG(w == pid, "the node did not exit on SIGINT");
  CHECK(WIFEXITED(status));
  CHECK_EQ_INT(WEXITSTATUS(status), 0);
}

bool lm_test_spin_until(lm_node *node, const bool *flag, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (!*flag && clock_mono_ms() < end) lm_node_spin_once(node, 10);
  return *flag;
}

void lm_test_spin_for(lm_node *node, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (clock_mono_ms() < end) lm_node_spin_once(node, 10);
}

void lm_test_wait_publisher_matched(lm_node *node, ros_publisher *p) {
  int64_t end = clock_mono_ms() + 5000;
  while (ros_publisher_subscription_count(p) < 1 && clock_mono_ms() < end)
    lm_node_spin_once(node, 10);
  CHECK_MSG(ros_publisher_subscription_count(p) >= 1, "publisher %s not matched",
            ros_publisher_topic(p));
}

void lm_test_wait_subscription_matched(lm_node *node, ros_subscription *s) {
  int64_t end = clock_mono_ms() + 5000;
  while (ros_subscription_publisher_count(s) < 1 && clock_mono_ms() < end)
    lm_node_spin_once(node, 10);
  CHECK_MSG(ros_subscription_publisher_count(s) >= 1, "subscription %s not matched",
            ros_subscription_topic(s));
}

void goal_rec_init(goal_rec *r) {
  memset(r, 0, sizeof *r);
  dynbuf_init(&r->feedback, 1u << 20);
  r->progress_monotonic_capped = true;
}

void goal_rec_fini(goal_rec *r) {
  free(r->response);
  dynbuf_free(&r->feedback);
}

static void on_response(void *user, const ros_goal_id *id, bool accepted, int64_t stamp_ns) {
  (void)id, (void)stamp_ns;
  goal_rec *r = user;
  r->responded = true;
  r->accepted = accepted;
}

static void on_feedback(void *user, const ros_goal_id *id, const void *feedback) {
  (void)id;
  goal_rec *r = user;
  const lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ *fb = feedback;
  r->n_feedback++;
  CHECK(dynbuf_append_str(&r->feedback, fb->partial_response));
  snprintf(r->last_status, sizeof r->last_status, "%s", fb->status);
  if (fb->progress < r->last_progress || fb->progress > 1.0f) r->progress_monotonic_capped = false;
  r->last_progress = fb->progress;
}

static void on_result(void *user, const ros_goal_id *id, ros_status st, ros_goal_status status,
                      const void *result) {
  (void)id;
  goal_rec *r = user;
  r->done = true;
  r->st = st;
  r->status = status;
  if (result) {
    const lm_studio_interfaces_action_dds__ChatCompletion_Result_ *res = result;
    r->response = strdup(res->response);
    r->success = res->success;
  }
}

const ros_action_goal_callbacks goal_rec_callbacks = {on_response, on_feedback, NULL, on_result};
