/* ros_action_client.c: the action client of ros_action_client.h: three ros_clients and two
 * ros_subscriptions, the list of this client's goals that routes replies, feedback and status
 * to the right callbacks, and the queue of goals waiting for a free SendGoal slot.
 * Loop thread only. Every tracked goal is either queued (ended by destroy) or has exactly one
 * service call in flight (SendGoal, then GetResult) whose callback ends it; so ros_client's
 * "every call completes exactly once, also on destroy" gives on_result's "exactly once". */
#include "ros_action_client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/limits.h"
#include "ros_goal_state.h" /* ros_goal_state_is_terminal */
#include "ros_names.h"
#include "ros_service_internal.h" /* ros_sample_dup: goals that wait */
#include "ros_topic.h"

#define WAIT_POLL_MS 10

typedef ros_action_uuid_request uuid_request;
typedef ros_action_send_goal_response send_goal_response;
typedef ros_action_result_head get_result_head;

typedef struct cgoal {
  struct cgoal *next;   /* all goals of the client */
  struct cgoal *qnext;  /* goals waiting to be sent, oldest first */
  void *queued;         /* their X_Goal copy (dds_alloc'd), NULL once sent */
  ros_action_client *c;
  ros_goal_id id;
  ros_action_goal_callbacks cb;
  void *user;
  ros_goal_status status; /* last seen on the status topic */
  bool accepted;
  bool retrying;          /* its GetResult call was cancelled to be sent again */
  int64_t result_seq;     /* of the GetResult call in flight */
  int64_t terminal_ns;    /* when the status topic first showed it finished; 0: not yet */
} cgoal;

typedef struct pending_cancel {
  ros_action_cancel_fn fn;
  void *user;
} pending_cancel;

struct ros_action_client {
  ros_node *node;
  const ros_action_type *type;
  int64_t timeout_ns;
  char name[ROS_NAME_BUF_SIZE];
  ros_client *send_goal, *cancel_goal, *get_result;
  ros_subscription *feedback, *status;
  cgoal *goals;
  size_t n_goals;
  cgoal *queue_head, **queue_tail;
  int n_sending; /* SendGoal calls in flight */
  ros_timer *retry;
  bool destroying;
  void *request; /* X_SendGoal_Request scratch */
};

ros_status ros_goal_id_random(ros_goal_id *out, ros_error *e) {
  if (!out) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  size_t got = 0;
  while (got < sizeof out->uuid) {
    ssize_t r = getrandom(out->uuid + got, sizeof out->uuid - got, 0);
    if (r > 0) got += (size_t)r;
    else if (r < 0 && errno != EINTR) break;
  }
  if (got < sizeof out->uuid) { /* old kernel: the device does the same */
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && read(fd, out->uuid, sizeof out->uuid) == (ssize_t)sizeof out->uuid)
      got = sizeof out->uuid;
    if (fd >= 0) close(fd);
    if (got < sizeof out->uuid)
      return ros_error_set(e, ROS_ERR_STATE, "%s: no random source", __func__);
  }
  out->uuid[6] = (uint8_t)((out->uuid[6] & 0x0f) | 0x40); /* version 4 */
  out->uuid[8] = (uint8_t)((out->uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  return ROS_OK;
}

static cgoal *find_goal(ros_action_client *c, const uint8_t uuid[16]) {
  for (cgoal *g = c->goals; g; g = g->next)
    if (memcmp(g->id.uuid, uuid, sizeof g->id.uuid) == 0) return g;
  return NULL;
}

static void unlink_goal(ros_action_client *c, cgoal *g) {
  for (cgoal **p = &c->goals; *p; p = &(*p)->next) {
    if (*p != g) continue;
    *p = g->next;
    c->n_goals--;
    return;
  }
}

/* Forgets g, then tells the user: the callback may send a new goal with the same id. */
static void end_goal(cgoal *g, ros_status st, ros_goal_status status, const void *result) {
  unlink_goal(g->c, g);
  if (g->queued) dds_sample_free(g->queued, g->c->type->goal, DDS_FREE_ALL);
  if (g->cb.on_result) g->cb.on_result(g->user, &g->id, st, status, result);
  free(g);
}

static void on_goal_reply(void *user, ros_client *cl, const void *response, ros_status st);

/* Writes g's SendGoal request (goal: its X_Goal struct, only read). */
static ros_status send_request(ros_action_client *c, cgoal *g, const void *goal, ros_error *e) {
  const ros_action_type *t = c->type;
  uuid_request *rq = c->request;
  memcpy(rq->goal_id.uuid, g->id.uuid, sizeof g->id.uuid);
  memcpy((char *)c->request + t->goal_offset, goal, t->goal_size);
  ros_status st = ros_client_call(c->send_goal, c->request, on_goal_reply, g, c->timeout_ns,
                                  NULL, e);
  memset(c->request, 0, t->send_goal_request->m_size); /* held the caller's pointers */
  if (st == ROS_OK) c->n_sending++;
  return st;
}

/* Sends waiting goals while slots are free. A goal whose request fails ends here. */
static void pump(ros_action_client *c) {
  while (!c->destroying && c->queue_head && c->n_sending < ROS_ACTION_CLIENT_MAX_SENDING) {
    cgoal *g = c->queue_head;
    c->queue_head = g->qnext;
    if (!c->queue_head) c->queue_tail = &c->queue_head;
    ros_error e;
    ros_status st = send_request(c, g, g->queued, &e);
    dds_sample_free(g->queued, c->type->goal, DDS_FREE_ALL);
    g->queued = NULL;
    if (st != ROS_OK) end_goal(g, st, ROS_GOAL_STATUS_UNKNOWN, NULL);
  }
}

static void on_result_reply(void *user, ros_client *cl, const void *response, ros_status st);

/* As rclpy: ask for the result at once; the server holds the request until the end. */
static void request_result(cgoal *g) {
  uuid_request rq;
  memset(&rq, 0, sizeof rq);
  memcpy(rq.goal_id.uuid, g->id.uuid, sizeof g->id.uuid);
  ros_error e;
  ros_status st = ros_client_call(g->c->get_result, &rq, on_result_reply, g, 0, &g->result_seq, &e);
  if (st != ROS_OK) end_goal(g, st, ROS_GOAL_STATUS_UNKNOWN, NULL);
}

static void on_result_reply(void *user, ros_client *cl, const void *response, ros_status st) {
  cgoal *g = user;
  if (!response && g->retrying && !g->c->destroying) { /* cancelled by retry_tick: ask again */
    g->retrying = false;
    request_result(g);
    return;
  }
  if (!response) {
    end_goal(g, st, ROS_GOAL_STATUS_UNKNOWN, NULL);
    return;
  }
  const get_result_head *h = response;
  end_goal(g, ROS_OK, (ros_goal_status)h->status,
           (const char *)response + g->c->type->result_offset);
}

static void on_goal_reply(void *user, ros_client *cl, const void *response, ros_status st) {
  cgoal *g = user;
  ros_action_client *c = g->c;
  c->n_sending--;
  pump(c);
  if (!response) {
    end_goal(g, st, ROS_GOAL_STATUS_UNKNOWN, NULL);
    return;
  }
  const send_goal_response *r = response;
  bool accepted = r->accepted;
  int64_t stamp = ros_action_time_to_ns(r->stamp.sec, r->stamp.nanosec);
  if (g->cb.on_response) g->cb.on_response(g->user, &g->id, accepted, accepted ? stamp : 0);
  if (!accepted) {
    unlink_goal(c, g);
    free(g);
    return;
  }
  g->accepted = true;
  request_result(g);
}

static void retry_tick(void *user) {
  ros_action_client *c = user;
  int64_t now = clock_mono_ns();
  for (cgoal *g = c->goals; g; g = g->next) {
    if (!g->accepted || g->retrying || !g->terminal_ns ||
        now - g->terminal_ns < ROS_ACTION_CLIENT_RESULT_RETRY_NS)
      continue;
    g->terminal_ns = now; /* once per period, should the new request be lost too */
    if (ros_client_cancel_call(c->get_result, g->result_seq) == ROS_OK) g->retrying = true;
  }
}

static void on_feedback_msg(void *user, const void *msg, const ros_message_info *info) {
  ros_action_client *c = user;
  cgoal *g = find_goal(c, msg); /* X_FeedbackMessage starts with the goal id */
  if (g && g->cb.on_feedback)
    g->cb.on_feedback(g->user, &g->id, (const char *)msg + c->type->feedback_offset);
}

static void on_status_msg(void *user, const void *msg, const ros_message_info *info) {
  ros_action_client *c = user;
  const action_msgs_msg_dds__GoalStatusArray_ *a = msg;
  for (uint32_t i = 0; i < a->status_list._length; i++) {
    const action_msgs_msg_dds__GoalStatus_ *s = &a->status_list._buffer[i];
    /* Looked up afresh each time: a callback may have sent or ended goals meanwhile. */
    cgoal *g = find_goal(c, s->goal_info.goal_id.uuid);
    if (!g || (int)g->status == s->status) continue;
    g->status = (ros_goal_status)s->status;
    if (ros_goal_state_is_terminal(g->status) && !g->terminal_ns) g->terminal_ns = clock_mono_ns();
    if (g->cb.on_status) g->cb.on_status(g->user, &g->id, g->status);
  }
}

ros_status ros_action_client_send_goal_with_id(ros_action_client *c, const ros_goal_id *id,
                                               const void *goal,
                                               const ros_action_goal_callbacks *cb, void *user,
                                               ros_error *e) {
  if (!c || !id || !goal)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: missing argument", __func__);
  char hex[33];
  ros_goal_id_to_hex(id, hex);
  if (ros_goal_id_is_zero(id))
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: the goal id is all zeros", __func__);
  if (find_goal(c, id->uuid))
    return ros_error_set(e, ROS_ERR_STATE, "%s: goal %s is already in flight", __func__, hex);
  if (c->n_goals >= LMS_MAX_ACTION_GOALS)
    return ros_error_set(e, ROS_ERR_LIMIT, "%s: %d goals in flight (LMS_MAX_ACTION_GOALS)",
                         __func__, (int)LMS_MAX_ACTION_GOALS);
  cgoal *g = calloc(1, sizeof *g);
  if (!g) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  g->c = c;
  g->id = *id;
  if (cb) g->cb = *cb;
  g->user = user;
  if (c->n_sending < ROS_ACTION_CLIENT_MAX_SENDING) {
    ros_status st = send_request(c, g, goal, e);
    if (st != ROS_OK) {
      free(g);
      return st;
    }
  } else { /* wait for a slot, with a copy: the caller's goal is only valid now */
    if (!(g->queued = ros_sample_dup(c->type->goal, goal))) {
      free(g);
      return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
    }
    *c->queue_tail = g;
    c->queue_tail = &g->qnext;
  }
  g->next = c->goals;
  c->goals = g;
  c->n_goals++;
  return ROS_OK;
}

ros_status ros_action_client_send_goal(ros_action_client *c, const void *goal,
                                       const ros_action_goal_callbacks *cb, void *user,
                                       ros_goal_id *id_out, ros_error *e) {
  ros_goal_id id;
  ros_status st = ros_goal_id_random(&id, e);
  if (st == ROS_OK) st = ros_action_client_send_goal_with_id(c, &id, goal, cb, user, e);
  if (st == ROS_OK && id_out) *id_out = id;
  return st;
}

static void on_cancel_reply(void *user, ros_client *cl, const void *response, ros_status st) {
  pending_cancel *pc = user;
  const action_msgs_srv_dds__CancelGoal_Response_ *r = response;
  if (!r) {
    if (pc->fn) pc->fn(pc->user, st, -1, NULL, 0);
    free(pc);
    return;
  }
  size_t n = r->goals_canceling._length;
  ros_goal_info *list = n ? calloc(n, sizeof *list) : NULL;
  if (n && !list) n = 0; /* out of memory: the code still tells the outcome */
  for (size_t i = 0; i < n; i++) {
    const action_msgs_msg_dds__GoalInfo_ *gi = &r->goals_canceling._buffer[i];
    memcpy(list[i].id.uuid, gi->goal_id.uuid, sizeof list[i].id.uuid);
    list[i].stamp_ns = ros_action_time_to_ns(gi->stamp.sec, gi->stamp.nanosec);
  }
  if (pc->fn) pc->fn(pc->user, ROS_OK, r->return_code, list, n);
  free(list);
  free(pc);
}

ros_status ros_action_client_cancel(ros_action_client *c, const ros_goal_info *request,
                                    ros_action_cancel_fn fn, void *user, ros_error *e) {
  if (!c || !request)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: missing argument", __func__);
  pending_cancel *pc = calloc(1, sizeof *pc);
  if (!pc) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  pc->fn = fn;
  pc->user = user;
  action_msgs_srv_dds__CancelGoal_Request_ rq;
  memset(&rq, 0, sizeof rq);
  memcpy(rq.goal_info.goal_id.uuid, request->id.uuid, sizeof request->id.uuid);
  ros_action_time_from_ns(request->stamp_ns, &rq.goal_info.stamp.sec,
                          &rq.goal_info.stamp.nanosec);
  ros_status st = ros_client_call(c->cancel_goal, &rq, on_cancel_reply, pc, c->timeout_ns, NULL, e);
  if (st != ROS_OK) free(pc);
  return st;
}

ros_status ros_action_client_cancel_goal(ros_action_client *c, const ros_goal_id *id,
                                         ros_action_cancel_fn fn, void *user, ros_error *e) {
  if (!id) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: no goal id", __func__);
  ros_goal_info rq = {*id, 0};
  return ros_action_client_cancel(c, &rq, fn, user, e);
}

bool ros_action_client_is_server_ready(ros_action_client *c) {
  return c && ros_client_is_available(c->send_goal) && ros_client_is_available(c->cancel_goal) &&
         ros_client_is_available(c->get_result) &&
         ros_subscription_publisher_count(c->feedback) >= 1 &&
         ros_subscription_publisher_count(c->status) >= 1;
}

ros_status ros_action_client_wait_for_server(ros_action_client *c, int64_t timeout_ns) {
  if (!c) return ROS_ERR_INVALID_ARGUMENT;
  ros_context *ctx = ros_node_context(c->node);
  int64_t deadline = clock_mono_ns() + (timeout_ns > 0 ? timeout_ns : 0);
  for (;;) {
    if (ros_action_client_is_server_ready(c)) return ROS_OK;
    if (ros_context_shutdown_requested(ctx)) return ROS_CLIENT_CANCELED;
    int64_t left_ms = (deadline - clock_mono_ns()) / 1000000;
    if (left_ms <= 0) return ROS_ERR_TIMEOUT;
    /* Matching changes run no callback of ours: poll while spinning the rest. */
    ros_context_spin(ctx, (int)(left_ms < WAIT_POLL_MS ? left_ms : WAIT_POLL_MS));
  }
}

/* --- create / destroy --- */

static ros_status make_client(ros_action_client *c, ros_action_part part, ros_client **out,
                              ros_error *e) {
  char name[ROS_NAME_BUF_SIZE], type[ROS_NAME_BUF_SIZE];
  ros_status st = ros_action_entity_names(c->name, c->type, part, name, type, e);
  if (st != ROS_OK) return st;
  ros_qos q = ros_qos_with_depth(ros_qos_services, ROS_ACTION_CLIENT_DEPTH);
  return ros_client_create(c->node, name, type, &q, out, e);
}

static ros_status make_subscription(ros_action_client *c, ros_action_part part,
                                    ros_subscription **out, ros_error *e) {
  char name[ROS_NAME_BUF_SIZE], type[ROS_NAME_BUF_SIZE];
  ros_status st = ros_action_entity_names(c->name, c->type, part, name, type, e);
  if (st != ROS_OK) return st;
  bool fb = part == ROS_ACTION_FEEDBACK;
  /* Feedback: the writer's profile, but deeper, so bursts of many goals' feedback all land. */
  ros_qos q = fb ? ros_qos_with_depth(ros_qos_default, ROS_ACTION_CLIENT_DEPTH)
                 : ros_qos_action_status;
  return ros_subscription_create(c->node, name, type, &q, fb ? on_feedback_msg : on_status_msg,
                                 c, out, e);
}

ros_status ros_action_client_create(ros_node *n, const char *name, const ros_action_type *t,
                                    const ros_action_client_options *o, ros_action_client **out,
                                    ros_error *e) {
  if (!n || !name || !t || !out)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: missing argument", __func__);
  if (!ros_action_type_check(t) || !ros_sample_copy_supported(t->goal))
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "%s: \"%s\" does not match the type table",
                         __func__, t->name ? t->name : "(null)");
  ros_action_client *c = calloc(1, sizeof *c);
  if (!c) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  c->node = n;
  c->type = t;
  c->timeout_ns = o && o->request_timeout_ns > 0 ? o->request_timeout_ns : 0;
  c->queue_tail = &c->queue_head;
  ros_status st = ros_node_resolve(n, name, false, c->name, sizeof c->name, e);
  if (st == ROS_OK && !(c->request = calloc(1, t->send_goal_request->m_size)))
    st = ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  if (st == ROS_OK) st = make_client(c, ROS_ACTION_SEND_GOAL, &c->send_goal, e);
  if (st == ROS_OK) st = make_client(c, ROS_ACTION_CANCEL_GOAL, &c->cancel_goal, e);
  if (st == ROS_OK) st = make_client(c, ROS_ACTION_GET_RESULT, &c->get_result, e);
  if (st == ROS_OK) st = make_subscription(c, ROS_ACTION_FEEDBACK, &c->feedback, e);
  if (st == ROS_OK) st = make_subscription(c, ROS_ACTION_STATUS, &c->status, e);
  if (st == ROS_OK && !(c->retry = ros_timer_create(ros_node_context(n),
                                                     ROS_ACTION_CLIENT_RESULT_RETRY_NS / 4,
                                                     retry_tick, c)))
    st = ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: timer", __func__);
  if (st != ROS_OK) {
    ros_action_client_destroy(c);
    return st;
  }
  *out = c;
  return ROS_OK;
}

void ros_action_client_destroy(ros_action_client *c) {
  if (!c) return;
  c->destroying = true; /* nothing new is sent from here on */
  ros_timer_destroy(c->retry);
  while (c->queue_head) {
    cgoal *g = c->queue_head;
    c->queue_head = g->qnext;
    end_goal(g, ROS_CLIENT_CANCELED, ROS_GOAL_STATUS_UNKNOWN, NULL);
  }
  /* Each destroy completes its pending calls with ROS_CLIENT_CANCELED, which ends their goals
   * through the callbacks above; SendGoal first, so no GetResult is started meanwhile. */
  ros_client_destroy(c->send_goal);
  c->send_goal = NULL;
  ros_client_destroy(c->get_result);
  c->get_result = NULL;
  ros_client_destroy(c->cancel_goal);
  c->cancel_goal = NULL;
  ros_subscription_destroy(c->feedback);
  ros_subscription_destroy(c->status);
  while (c->goals) { /* none expected: every goal had a call in flight */
    cgoal *g = c->goals;
    c->goals = g->next;
    free(g);
  }
  free(c->request);
  free(c);
}

size_t ros_action_client_goal_count(const ros_action_client *c) { return c ? c->n_goals : 0; }

const char *ros_action_client_name(const ros_action_client *c) { return c ? c->name : NULL; }
