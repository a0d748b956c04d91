/* ros_peer_action.c: the other process of the action tests (test_ros_action.c); inherits
 * ROS_DOMAIN_ID and CYCLONEDDS_URI, so both meet on loopback only.
 *   server NAME [RESULT_TIMEOUT_MS [MAX_GOALS [SERVICE_DEPTH]]]: serves ChatCompletion, prints
 *     "ready"; "w" on stdin prints "waiting=<held GetResult requests>", "r" releases held
 *     cancels; when stdin closes it destroys the server, prints "stats ..." and exits 0. A goal's
 *     prompt is its script, its model a tag: "feedback N MS [hold-cancel]" (N feedback
 *     "<tag>:<i>" MS apart, then SUCCEEDED; a cancel ends it CANCELED, with hold-cancel only
 *     after an "r", so the goal stays CANCELING until the test has seen that), "reject", "succeed", "abort", "hold" and "defer" (run / stay ACCEPTED
 *     until canceled), "refuse-cancel" (refuses cancels, then SUCCEEDED).
 *   client NAME: sends "feedback 25 20", prints "accepted <hex id>", spins until killed.
 * Any other exit code says what failed (see stderr). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ros_action_client.h"
#include "ros_action_server.h"
#include "ros_service_fixture.h"

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ chat_feedback;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result;
static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);

enum mode { FEEDBACK, HOLD, DEFER, REFUSE_CANCEL };

typedef struct peer_goal {
  struct peer_goal *next;
  ros_action_goal *h;
  ros_timer *timer;
  enum mode mode;
  long n, i, ms;
  bool ending;
  bool hold_cancel;
  char tag[64];
  char prompt[128];
} peer_goal;

static ros_context *g_ctx;
static peer_goal *g_goals; /* scripts still running */
static bool g_release;     /* an "r" came: held cancels may end */

static void forget(peer_goal *pg) {
  for (peer_goal **p = &g_goals; *p; p = &(*p)->next)
    if (*p == pg) {
      *p = pg->next;
      break;
    }
  ros_timer_destroy(pg->timer); /* safe inside its own tick */
  free(pg);
}

static int fail(int code, const char *what) {
  fprintf(stderr, "ros_peer_action: %s\n", what);
  return code;
}

static bool starts(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static chat_result *make_result(const char *text, bool success) {
  chat_result *r = dds_alloc(sizeof *r);
  r->response = dds_string_dup(text);
  r->success = success;
  return r;
}

static void end_goal(peer_goal *pg, ros_goal_status how, const char *text) {
  chat_result *r = make_result(text, how == ROS_GOAL_STATUS_SUCCEEDED);
  ros_status st = how == ROS_GOAL_STATUS_SUCCEEDED ? ros_action_goal_succeed(pg->h, r, NULL)
                : how == ROS_GOAL_STATUS_CANCELED  ? ros_action_goal_canceled(pg->h, r, NULL)
                                                   : ros_action_goal_abort(pg->h, r, NULL);
  if (st != ROS_OK) {
    dds_sample_free(r, &lm_studio_interfaces_action_dds__ChatCompletion_Result__desc, DDS_FREE_ALL);
    fprintf(stderr, "ros_peer_action: ending a goal failed (%d)\n", (int)st);
  }
  forget(pg);
}

static void tick(void *user) {
  peer_goal *pg = user;
  if (ros_action_goal_is_cancel_requested(pg->h) && pg->mode != REFUSE_CANCEL) {
    if (!pg->hold_cancel || g_release) end_goal(pg, ROS_GOAL_STATUS_CANCELED, "canceled");
    return;
  }
  if (pg->mode == REFUSE_CANCEL) {
    if (pg->ending) end_goal(pg, ROS_GOAL_STATUS_SUCCEEDED, "done:refuse-cancel");
    return;
  }
  if (pg->mode != FEEDBACK) return;
  if (pg->i == pg->n) {
    char text[160];
    snprintf(text, sizeof text, "done:%s", pg->prompt);
    end_goal(pg, ROS_GOAL_STATUS_SUCCEEDED, text);
    return;
  }
  char partial[96];
  snprintf(partial, sizeof partial, "%s:%ld", pg->tag, pg->i);
  chat_feedback fb = {partial, "streaming", (float)pg->i / (float)pg->n};
  ros_error e;
  if (ros_action_goal_publish_feedback(pg->h, &fb, &e) != ROS_OK)
    fprintf(stderr, "ros_peer_action: feedback: %s\n", e.message);
  pg->i++;
}

static ros_goal_decision on_goal(void *user, ros_action_goal *h, const void *goal) {
  const chat_goal *g = goal;
  const char *p = g->prompt ? g->prompt : "";
  if (strcmp(p, "reject") == 0) return ROS_GOAL_REJECT;
  peer_goal *pg = calloc(1, sizeof *pg);
  if (!pg) return ROS_GOAL_REJECT;
  pg->h = h;
  snprintf(pg->tag, sizeof pg->tag, "%s", g->model ? g->model : "");
  snprintf(pg->prompt, sizeof pg->prompt, "%s", p);
  pg->mode = HOLD;
  pg->ms = 20;
  if (starts(p, "feedback ")) {
    char *end = NULL;
    pg->mode = FEEDBACK;
    pg->n = strtol(p + 9, &end, 10);
    pg->ms = strtol(end, NULL, 10);
    if (pg->ms <= 0) pg->ms = 10;
    pg->hold_cancel = strstr(p, " hold-cancel") != NULL;
  } else if (strcmp(p, "defer") == 0) {
    pg->mode = DEFER;
  } else if (strcmp(p, "refuse-cancel") == 0) {
    pg->mode = REFUSE_CANCEL;
    pg->ms = 50;
  }
  ros_action_goal_set_user(h, pg);
  pg->next = g_goals;
  g_goals = pg;
  return pg->mode == DEFER ? ROS_GOAL_ACCEPT_AND_DEFER : ROS_GOAL_ACCEPT_AND_EXECUTE;
}

static void on_accepted(void *user, ros_action_goal *h) {
  peer_goal *pg = ros_action_goal_user(h);
  if (strcmp(pg->prompt, "succeed") == 0)
    end_goal(pg, ROS_GOAL_STATUS_SUCCEEDED, "done:succeed");
  else if (strcmp(pg->prompt, "abort") == 0)
    end_goal(pg, ROS_GOAL_STATUS_ABORTED, "aborted");
  else
    pg->timer = ros_timer_create(g_ctx, pg->ms * 1000000, tick, pg);
}

static bool on_cancel(void *user, ros_action_goal *h) {
  peer_goal *pg = ros_action_goal_user(h);
  if (pg->mode == REFUSE_CANCEL) {
    pg->ending = true;
    return false;
  }
  return true;
}

/* True once stdin closes; a 'w' on it asks how many GetResult requests the server holds, an
 * 'r' releases held cancels. */
static bool stdin_closed(ros_action_server *s) {
  struct pollfd p = {.fd = 0, .events = POLLIN};
  if (poll(&p, 1, 0) <= 0) return false;
  char buf[64];
  ssize_t n = read(0, buf, sizeof buf);
  if (n <= 0) return true;
  if (memchr(buf, 'r', (size_t)n)) g_release = true;
  if (memchr(buf, 'w', (size_t)n)) {
    printf("waiting=%zu\n", ros_action_server_waiting_results(s));
    fflush(stdout);
  }
  return false;
}

static int run_server(fixture *f, const char *name, long timeout_ms, long max_goals, long depth) {
  ros_action_server_callbacks cb = {on_goal, on_accepted, on_cancel};
  ros_action_server_options o = {.result_timeout_ns = timeout_ms * 1000000,
                                 .max_goals = (size_t)max_goals,
                                 .service_depth = (int)depth};
  ros_action_server *s = NULL;
  ros_error e;
  if (ros_action_server_create(f->node, name, &chat_type, &cb, NULL, &o, &s, &e) != ROS_OK)
    return fail(10, e.message);
  printf("ready\n");
  fflush(stdout);
  while (!stdin_closed(s) && !ros_context_shutdown_requested(f->ctx))
    (void)ros_context_spin(f->ctx, 10);
  /* Goals still running die with the server (aborted): stop their scripts first. */
  while (g_goals) forget(g_goals);
  ros_action_server_stats st;
  ros_action_server_get_stats(s, &st);
  size_t active = ros_action_server_active_count(s);
  size_t waiting = ros_action_server_waiting_results(s);
  ros_action_server_destroy(s);
  spin_for(f->ctx, 300); /* let the last replies and status reach the test */
  printf("stats accepted=%llu rejected=%llu refused=%llu expired=%llu evicted=%llu "
         "results_sent=%llu results_dropped=%llu active=%zu waiting=%zu\n",
         (unsigned long long)st.goals_accepted, (unsigned long long)st.goals_rejected,
         (unsigned long long)st.goals_refused, (unsigned long long)st.goals_expired,
         (unsigned long long)st.goals_evicted, (unsigned long long)st.results_sent,
         (unsigned long long)st.results_dropped, active, waiting);
  fflush(stdout);
  return 0;
}

static void client_response(void *user, const ros_goal_id *id, bool accepted, int64_t stamp) {
  char hex[33];
  ros_goal_id_to_hex(id, hex);
  printf("%s %s\n", accepted ? "accepted" : "rejected", hex);
  fflush(stdout);
}

static int run_client(fixture *f, const char *name) {
  ros_action_client *c = NULL;
  ros_error e;
  if (ros_action_client_create(f->node, name, &chat_type, NULL, &c, &e) != ROS_OK)
    return fail(20, e.message);
  if (ros_action_client_wait_for_server(c, 10000000000LL) != ROS_OK) return fail(21, "no server");
  chat_goal g;
  memset(&g, 0, sizeof g);
  g.prompt = "feedback 25 20";
  g.model = "vanish";
  ros_action_goal_callbacks cb = {.on_response = client_response};
  if (ros_action_client_send_goal(c, &g, &cb, NULL, NULL, &e) != ROS_OK) return fail(22, e.message);
  for (;;) (void)ros_context_spin(f->ctx, 100); /* until the test kills us */
}

int main(int argc, char **argv) {
  if (argc < 3) return fail(2, "usage: ros_peer_action server|client NAME [...]");
  fixture f;
  ros_error e;
  bool server = strcmp(argv[1], "server") == 0;
  if (!fixture_init(&f, server ? "peer_action_server" : "peer_action_client", &e))
    return fail(3, e.message);
  g_ctx = f.ctx;
  (void)ros_context_install_signal_handlers(f.ctx, NULL);
  int rc;
  if (strcmp(argv[1], "server") == 0)
    rc = run_server(&f, argv[2], argc > 3 ? strtol(argv[3], NULL, 10) : 0,
                    argc > 4 ? strtol(argv[4], NULL, 10) : 0,
                    argc > 5 ? strtol(argv[5], NULL, 10) : 0);
  else if (strcmp(argv[1], "client") == 0)
    rc = run_client(&f, argv[2]);
  else
    rc = fail(2, "unknown mode");
  if (!fixture_fini(&f) && rc == 0) rc = fail(4, "teardown refused");
  return rc;
}
