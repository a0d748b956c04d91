/* ros_action_fixture.h: what the action tests (test_ros_action.c) share: the peer process
 * (ros_peer_action: spawn, read its lines while spinning, stop it and collect its exit code),
 * a recorder of everything an action client reports for one goal, cancel replies, a fixture with
 * a peer server and a ready client, raw GetResult calls and late status readers, and raw
 * Cyclone endpoints that play a bare server. */
#ifndef LMS_ROS_ACTION_FIXTURE_H
#define LMS_ROS_ACTION_FIXTURE_H

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ros_action_client.h"
#include "ros_action_server.h"
#include "ros_service_fixture.h"
#include "ros_topic.h"
#include "testing.h"

extern char **environ;

#define NAME "/chat"
#define WAIT_MS 10000
typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ chat_feedback;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result;
static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);

/* ---- the peer process ---- */

typedef struct peer {
  pid_t pid;
  int in_fd, out_fd;
  char buf[4096];
  size_t len;
} peer;

static inline void peer_start(peer *p, const char *mode, const char *name, const char *a3,
                              const char *a4, const char *a5) {
  int in[2], out[2];
  CHECK(pipe(in) == 0 && pipe(out) == 0);
  for (int i = 0; i < 2; i++) /* only the dup2'd ends reach the peer */
    CHECK(fcntl(in[i], F_SETFD, FD_CLOEXEC) == 0 && fcntl(out[i], F_SETFD, FD_CLOEXEC) == 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  if (!a4 && a5) a4 = "0"; /* the arguments are positional */
  if (!a3 && a4) a3 = "0";
  char *argv[] = {(char *)LMS_PEER_ACTION_EXE, (char *)mode, (char *)name, (char *)a3,
                  (char *)a4, (char *)a5, NULL};
  CHECK(posix_spawn(&p->pid, LMS_PEER_ACTION_EXE, &fa, NULL, argv, environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  p->in_fd = in[1];
  p->out_fd = out[0];
  p->len = 0;
}

/* Next line from the peer (without '\n'), spinning ctx meanwhile; false on timeout or EOF. */
static inline bool peer_line(peer *p, ros_context *ctx, char *line, size_t size, int64_t ms) {
  int64_t end = clock_mono_ms() + ms;
  for (;;) {
    char *nl = memchr(p->buf, '\n', p->len);
    if (nl) {
      size_t n = (size_t)(nl - p->buf);
      snprintf(line, size, "%.*s", (int)n, p->buf);
      memmove(p->buf, nl + 1, p->len - n - 1);
      p->len -= n + 1;
      return true;
    }
    if (clock_mono_ms() > end || p->len == sizeof p->buf) return false;
    struct pollfd pf = {.fd = p->out_fd, .events = POLLIN};
    if (poll(&pf, 1, 5) > 0) {
      ssize_t r = read(p->out_fd, p->buf + p->len, sizeof p->buf - p->len);
      if (r <= 0) return false;
      p->len += (size_t)r;
    }
    if (ctx) (void)ros_context_spin(ctx, 0);
  }
}

/* Closes the peer's stdin (a server then shuts down), keeps its last line (the stats) and
 * returns its exit code. */
static inline int peer_stop(peer *p, ros_context *ctx, char *last, size_t size) {
  close(p->in_fd);
  char line[512];
  if (last) last[0] = '\0';
  while (peer_line(p, ctx, line, sizeof line, WAIT_MS))
    if (last) snprintf(last, size, "%s", line);
  close(p->out_fd);
  int status = 0;
  CHECK(waitpid(p->pid, &status, 0) == p->pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static inline void start_server(peer *p, fixture *f, const char *timeout_ms,
                                const char *max_goals, const char *depth) {
  char line[256];
  peer_start(p, "server", NAME, timeout_ms, max_goals, depth);
  CHECK_MSG(peer_line(p, f->ctx, line, sizeof line, WAIT_MS), "peer server did not start");
  CHECK_EQ_STR(line, "ready");
}

/* ---- what a client saw of one goal ---- */

typedef struct rec {
  const char *tag;
  ros_goal_id id;
  int responses, feedbacks, results, statuses;
  bool accepted, feedback_ok;
  int64_t stamp;
  ros_goal_status status_seen[32];
  ros_status result_st;
  ros_goal_status result_status;
  char text[160];
} rec;

static inline void r_response(void *u, const ros_goal_id *id, bool accepted, int64_t stamp) {
  rec *r = u;
  r->responses++;
  r->accepted = accepted;
  r->stamp = stamp;
  r->id = *id;
}

static inline void r_feedback(void *u, const ros_goal_id *id, const void *fb) {
  rec *r = u;
  const chat_feedback *f = fb;
  char want[96];
  snprintf(want, sizeof want, "%s:%d", r->tag ? r->tag : "", r->feedbacks);
  if (r->feedbacks == 0) r->feedback_ok = true;
  r->feedback_ok = r->feedback_ok && f->partial_response && strcmp(f->partial_response, want) == 0;
  r->feedbacks++;
}

static inline void r_status(void *u, const ros_goal_id *id, ros_goal_status s) {
  rec *r = u;
  if (r->statuses < 32) r->status_seen[r->statuses] = s;
  r->statuses++;
}

static inline void r_result(void *u, const ros_goal_id *id, ros_status st, ros_goal_status s,
                            const void *result) {
  rec *r = u;
  const chat_result *res = result;
  r->results++;
  r->result_st = st;
  r->result_status = s;
  snprintf(r->text, sizeof r->text, "%s", res && res->response ? res->response : "(none)");
}

static const ros_action_goal_callbacks rec_cb = {r_response, r_feedback, r_status, r_result};

static inline bool rec_responded(void *u) { return ((rec *)u)->responses > 0; }
static inline bool rec_done(void *u) { return ((rec *)u)->results > 0; }
static inline bool rec_has_feedback(void *u) { return ((rec *)u)->feedbacks >= 2; }

static inline void send_goal(ros_action_client *c, rec *r, const char *prompt,
                             const char *tag) {
  chat_goal g;
  memset(&g, 0, sizeof g);
  g.prompt = (char *)prompt;
  g.model = (char *)tag;
  g.image_data = "";
  r->tag = tag;
  ros_error e;
  CHECK_MSG(ros_action_client_send_goal(c, &g, &rec_cb, r, &r->id, &e) == ROS_OK, "%s", e.message);
}

typedef struct cancel_rec {
  int calls;
  ros_status st;
  int code;
  size_t n;
  ros_goal_info list[8];
} cancel_rec;

static inline void on_cancel_reply(void *u, ros_status st, int code, const ros_goal_info *l,
                                   size_t n) {
  cancel_rec *c = u;
  c->calls++;
  c->st = st;
  c->code = code;
  c->n = n;
  for (size_t i = 0; i < n && i < 8; i++) c->list[i] = l[i];
}
static inline bool cancel_done(void *u) { return ((cancel_rec *)u)->calls > 0; }

                               /* A fixture, a peer server and a ready client. */
                               typedef struct setup {
  fixture f;
  peer p;
  ros_action_client *c;
} setup;

static inline void setup_start(setup *s, const char *timeout_ms, const char *max_goals,
                               const char *depth) {
  ros_error e;
  CHECK_MSG(fixture_init(&s->f, "test_action", &e), "%s", e.message);
  start_server(&s->p, &s->f, timeout_ms, max_goals, depth);
  CHECK_EQ_INT(ros_action_client_create(s->f.node, NAME, &chat_type, NULL, &s->c, &e), ROS_OK);
  CHECK_EQ_INT(ros_action_client_wait_for_server(s->c, WAIT_MS * INT64_C(1000000)), ROS_OK);
}

/* Stops the peer (its stats line goes to stats) and tears down; the peer must exit 0. */
static inline void setup_stop(setup *s, char *stats, size_t size) {
  ros_action_client_destroy(s->c);
  CHECK_EQ_INT(peer_stop(&s->p, s->f.ctx, stats, size), 0);
  CHECK(fixture_fini(&s->f));
}

static inline void run_goal(setup *s, rec *r, const char *prompt, const char *tag) {
  send_goal(s->c, r, prompt, tag);
  CHECK_MSG(spin_until(s->f.ctx, rec_done, r, WAIT_MS), "no result for \"%s\"", prompt);
}

static inline void cancel_and_wait(setup *s, const ros_goal_info *rq, cancel_rec *cr) {
  ros_error e;
  memset(cr, 0, sizeof *cr);
  CHECK_MSG(ros_action_client_cancel(s->c, rq, on_cancel_reply, cr, &e) == ROS_OK, "%s", e.message);
  CHECK(spin_until(s->f.ctx, cancel_done, cr, WAIT_MS));
  CHECK_EQ_INT(cr->calls, 1);
  CHECK_EQ_INT(cr->st, ROS_OK);
}

/* What `ros2 action send_goal` requires on Ctrl-C: NONE and exactly its own goal listed. */
static inline void check_cancel_one(setup *s, const rec *r) {
  cancel_rec cr;
  ros_goal_info rq = {r->id, 0};
  cancel_and_wait(s, &rq, &cr);
  CHECK_EQ_INT(cr.code, ROS_CANCEL_NONE);
  CHECK_EQ_INT(cr.n, 1);
  CHECK(ros_goal_id_equal(&cr.list[0].id, &r->id) && cr.list[0].stamp_ns == r->stamp);
}

typedef struct status_seen {
  int samples;
  ros_goal_id id;
  int status; /* of id in the last sample; -1 when absent */
} status_seen;

static inline void on_status_sample(void *u, const void *msg, const ros_message_info *info) {
  status_seen *s = u;
  const action_msgs_msg_dds__GoalStatusArray_ *a = msg;
  s->samples++;
  s->status = -1;
  for (uint32_t i = 0; i < a->status_list._length; i++)
    if (memcmp(a->status_list._buffer[i].goal_info.goal_id.uuid, s->id.uuid, 16) == 0)
      s->status = a->status_list._buffer[i].status;
}
static inline bool has_status_sample(void *u) { return ((status_seen *)u)->samples > 0; }

/* A reader that joins now: transient-local hands it the last status sample. */
static inline void late_status(setup *s, const ros_goal_id *id, status_seen *seen) {
  memset(seen, 0, sizeof *seen);
  seen->id = *id;
  ros_subscription *sub = NULL;
  CHECK_EQ_INT(ros_subscription_create(s->f.node, NAME "/_action/status",
                                       "action_msgs/msg/GoalStatusArray", &ros_qos_action_status,
                                       on_status_sample, seen, &sub, NULL), ROS_OK);
  CHECK(spin_until(s->f.ctx, has_status_sample, seen, WAIT_MS));
  spin_for(s->f.ctx, 50);
  CHECK_EQ_INT(seen->samples, 1); /* keep-last 1: only the latest */
  ros_subscription_destroy(sub);
}

/* A plain service client of the action's GetResult, ready to call. */
static inline ros_client *get_result_client(setup *s) {
  ros_client *gc = NULL;
  CHECK_EQ_INT(ros_client_create(s->f.node, NAME "/_action/get_result",
                                 "lm_studio_interfaces/action/ChatCompletion_GetResult", NULL,
                                 &gc, NULL), ROS_OK);
  CHECK_EQ_INT(ros_client_wait_for_service(gc, WAIT_MS * INT64_C(1000000)), ROS_OK);
  return gc;
}

/* One GetResult call: the status, and the result's text in text. */
static inline int8_t get_result(ros_client *gc, const ros_goal_id *id, char *text, size_t size) {
  lm_studio_interfaces_action_dds__ChatCompletion_GetResult_Request_ rq;
  lm_studio_interfaces_action_dds__ChatCompletion_GetResult_Response_ rs;
  memset(&rq, 0, sizeof rq);
  memcpy(rq.goal_id.uuid, id->uuid, 16);
  ros_error e;
  ros_status st = ros_client_call_sync(gc, &rq, &rs, WAIT_MS * INT64_C(1000000), &e);
  CHECK_MSG(st == ROS_OK, "%s", e.message);
  snprintf(text, size, "%s", rs.result.response ? rs.result.response : "(null)");
  int8_t status = rs.status;
  dds_sample_free(&rs, chat_type.get_result_response, DDS_FREE_CONTENTS);
  return status;
}

/* ---- a bare action server made of raw Cyclone endpoints ---- */

typedef struct uuid_head {
  uint64_t hdr_guid;
  int64_t hdr_seq;
  ros_goal_id id;
} uuid_head;

static inline dds_entity_t raw(dds_entity_t pp, const char *topic,
                               const dds_topic_descriptor_t *d, bool reader, const ros_qos *q) {
  dds_entity_t t = dds_create_topic(pp, d, topic, NULL, NULL);
  dds_qos_t *dq = ros_qos_to_dds(q, NULL); /* no serviceid: rmw's legacy availability rule */
  dds_entity_t ent = reader ? dds_create_reader(pp, t, dq, NULL)
                            : dds_create_writer(pp, t, dq, NULL);
  dds_delete_qos(dq);
  CHECK(t > 0 && ent > 0);
  return ent;
}

/* Header and goal id of the next request on rd (SendGoal and GetResult both start so). */
static inline bool take_request(dds_entity_t rd, ros_context *ctx, uuid_head *out,
                                int64_t ms) {
  int64_t end = clock_mono_ms() + ms;
  while (clock_mono_ms() < end) {
    void *sample[1] = {NULL};
    dds_sample_info_t si;
    if (dds_take(rd, sample, &si, 1, 1) == 1) {
      if (si.valid_data) memcpy(out, sample[0], sizeof *out);
      dds_return_loan(rd, sample, 1);
      if (si.valid_data) return true;
    }
    (void)ros_context_spin(ctx, 5);
  }
  return false;
}

#endif
