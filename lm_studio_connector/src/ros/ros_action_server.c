/* ros_action_server.c: the action server of ros_action_server.h: three ros_services and two
 * ros_publishers around a ros_goal_table (ros_goal_state.c holds every rule; this file does
 * the I/O). Loop thread only. Guarantees, in the order §4.4 wants on the wire:
 *   accept: SendGoal reply, then status (goal EXECUTING or ACCEPTED), then on_accepted;
 *           a reply that waits for the client's reply reader (ros_service) holds the rest
 *           back until it has left, so no feedback or result overtakes it; so does a feedback
 *           writer that has not matched a reader of the client's participant yet (for at most
 *           the start_wait_ns option), so the first feedback is not lost;
 *   end:    status (terminal), then every held GetResult reply;
 *   cancel: status (goals CANCELING), then the CancelGoal reply listing them.
 * The status sample is always the complete list of goals held, since the topic keeps only the
 * last sample for late joiners. Replies to clients that left are dropped by ros_service. */
#include "ros_action_server.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/limits.h"
#include "ros_goal_state.h"
#include "ros_internal.h"
#include "ros_log.h"
#include "ros_names.h"
#include "ros_service.h"
#include "ros_service_internal.h" /* ros_service_matched_handles */
#include "ros_topic.h"

#define DEFAULT_RESULT_TIMEOUT_NS (INT64_C(900) * 1000000000)
#define EXPIRY_PERIOD_MAX_NS INT64_C(1000000000)
#define EXPIRY_PERIOD_MIN_NS INT64_C(10000000)
/* How often a goal's start looks again whether its client is reachable. */
#define START_RETRY_NS ROS_SERVICE_REPLY_RETRY_NS

typedef ros_action_uuid_request uuid_request;
typedef ros_action_send_goal_response send_goal_response;
typedef ros_action_result_head get_result_head;

struct ros_action_goal {
  ros_action_server *server;
  ros_goal_info info;
  void *user;
  void *result; /* owned once the goal ended; NULL = empty */
  ros_request_id waiting[ROS_ACTION_MAX_RESULT_WAITERS];
  size_t n_waiting;
  bool in_on_goal;
  bool start_pending;     /* accepted, not started: see try_start */
  bool reply_waiting;     /* its SendGoal reply (reply_id) still waits in ros_service */
  bool execute_on_start;  /* ROS_GOAL_ACCEPT_AND_EXECUTE */
  dds_guid_t client_pp;   /* the requester's participant */
  int64_t start_deadline_ns; /* a start waits until then for the feedback writer to reach
                                client_pp; 0 when client_pp is unknown: no wait */
  ros_request_id reply_id;
};

struct ros_action_server {
  ros_node *node;
  const ros_action_type *type;
  ros_action_server_callbacks cb;
  void *user;
  int64_t result_timeout_ns;
  int64_t start_wait_ns;
  int service_depth;
  char name[ROS_NAME_BUF_SIZE];
  ros_service *send_goal, *cancel_goal, *get_result;
  ros_publisher *feedback, *status;
  ros_timer *expiry;
  ros_timer *start_retry;  /* exists while goals wait to start */
  ros_goal_table goals;
  size_t *match_buf;   /* cancel matching scratch, goals.max entries */
  void *feedback_msg;  /* X_FeedbackMessage scratch */
  void *result_msg;    /* X_GetResult_Response scratch */
  ros_action_server_stats stats;
};

/* --- output --- */

static void publish_status(ros_action_server *s) {
  action_msgs_msg_dds__GoalStatusArray_ msg;
  ros_error e;
  if (ros_goal_table_status_array(&s->goals, &msg, &e) != ROS_OK ||
      ros_publisher_publish(s->status, &msg, &e) != ROS_OK)
    ROS_WARN(s->node, "action %s: status not published: %s", s->name, e.message);
  ros_goal_status_array_fini(&msg);
}

/* One GetResult reply. The result struct is copied shallowly into the reply: ros_service
 * serialises it now or deep-copies it when the reply has to wait. */
static void send_result(ros_action_server *s, const ros_request_id *rid, ros_goal_status st,
                        const void *result) {
  const ros_action_type *t = s->type;
  memset(s->result_msg, 0, t->get_result_response->m_size);
  ((get_result_head *)s->result_msg)->status = (int8_t)st;
  if (result) memcpy((char *)s->result_msg + t->result_offset, result, t->result_size);
  ros_error e;
  if (ros_service_reply(s->get_result, rid, s->result_msg, &e) == ROS_OK) {
    s->stats.results_sent++;
  } else {
    s->stats.results_dropped++;
    ROS_DEBUG(s->node, "action %s: result not sent: %s", s->name, e.message);
  }
}

static void free_goal(ros_action_server *s, ros_action_goal *g) {
  if (g->result) dds_sample_free(g->result, s->type->result, DDS_FREE_ALL);
  free(g);
}

static void drop_expired(void *ctx, void *data) {
  ros_action_server *s = ctx;
  s->stats.goals_expired++;
  free_goal(s, data);
}

void ros_action_server_expire(ros_action_server *s) {
  if (!s) return;
  if (ros_goal_table_expire(&s->goals, clock_mono_ns(), s->result_timeout_ns, drop_expired, s))
    publish_status(s); /* the goal leaves the list late joiners see */
}

static void expiry_tick(void *user) { ros_action_server_expire(user); }

/* --- SendGoal --- */

static bool refuse(ros_action_server *s, const ros_goal_id *id, const char *why) {
  char hex[33];
  ros_goal_id_to_hex(id, hex);
  s->stats.goals_refused++;
  ROS_WARN(s->node, "action %s: goal %s refused: %s", s->name, hex, why);
  return false;
}

/* Server-side checks before the user is asked (ros_goal_table_admit). */
static bool admissible(ros_action_server *s, const ros_goal_id *id) {
  void *old = NULL;
  ros_error e;
  if (ros_goal_table_admit(&s->goals, id, &old, &e) != ROS_OK) return refuse(s, id, e.message);
  if (old) {
    s->stats.goals_evicted++;
    free_goal(s, old);
  }
  return true;
}

/* The participant of the client that sent request rid (false when its writer is gone). */
static bool client_participant(ros_action_server *s, const ros_request_id *rid, dds_guid_t *out) {
  dds_builtintopic_endpoint_t *ep = dds_get_matched_publication_data(
      ros_service_request_reader(s->send_goal), rid->publication_handle);
  if (!ep) return false;
  *out = ep->participant_key;
  dds_builtintopic_free_endpoint(ep);
  return true;
}

/* Has the feedback writer matched a reader in participant pp? (rmw makes one participant per
 * context, so that is the client's feedback subscription.) Status needs no such check: it is
 * transient-local, a late reader still gets the last sample. */
static bool feedback_reaches(ros_action_server *s, const dds_guid_t *pp) {
  dds_entity_t wr = ros_publisher_writer(s->feedback);
  dds_instance_handle_t *h = NULL;
  int n = ros_service_matched_handles(wr, false, &h);
  bool found = false;
  for (int i = 0; i < n && !found; i++) {
    dds_builtintopic_endpoint_t *ep = dds_get_matched_subscription_data(wr, h[i]);
    found = ep && memcmp(&ep->participant_key, pp, sizeof *pp) == 0;
    if (ep) dds_builtintopic_free_endpoint(ep);
  }
  free(h);
  return found;
}

static void start_goal(ros_action_server *s, ros_action_goal *g);
static void start_retry_tick(void *user);

/* Starts g once the client can hear about it: its reply has left and the feedback writer
 * reaches the client's participant (or start_wait_ns passed: then it runs all the same, so a
 * client without a feedback subscription only waits that long). Returns whether g started
 * (then on_accepted ran, and g may be gone). */
static bool try_start(ros_action_server *s, ros_action_goal *g) {
  if (g->reply_waiting) return false; /* on_goal_reply_left comes back */
  if (clock_mono_ns() < g->start_deadline_ns && !feedback_reaches(s, &g->client_pp)) {
    if (!s->start_retry)
      s->start_retry = ros_timer_create(ros_node_context(s->node), START_RETRY_NS,
                                        start_retry_tick, s);
    if (s->start_retry) return false;
  }
  start_goal(s, g);
  return true;
}

/* Retries waiting starts; goes away once none waits (safe inside its own tick). Goals whose
 * reply still waits are not its business: on_goal_reply_left calls try_start for them. */
static void start_retry_tick(void *user) {
  ros_action_server *s = user;
  bool waiting = false;
  for (size_t i = 0; i < s->goals.count; i++) {
    ros_action_goal *g = s->goals.entries[i].data;
    if (!g->start_pending || g->reply_waiting) continue;
    /* on_accepted may end or expire goals: look again from the start after each start. */
    if (try_start(s, g)) i = (size_t)-1;
    else waiting = true;
  }
  if (!waiting) {
    ros_timer_destroy(s->start_retry);
    s->start_retry = NULL;
  }
}

/* The accepted goal g goes on: EXECUTING if asked, status, then on_accepted. A goal that was
 * canceled or ended while its reply waited keeps that state; one that ended is not announced. */
static void start_goal(ros_action_server *s, ros_action_goal *g) {
  g->start_pending = false;
  ros_goal_entry *en = ros_goal_table_find(&s->goals, &g->info.id);
  if (!en || ros_goal_state_is_terminal(en->status)) return;
  ros_error e;
  if (g->execute_on_start && en->status == ROS_GOAL_STATUS_ACCEPTED &&
      ros_goal_table_apply(&s->goals, &g->info.id, ROS_GOAL_EVENT_EXECUTE, clock_mono_ns(), NULL,
                           &e) != ROS_OK) /* cannot happen: ACCEPTED -> EXECUTING */
    ROS_ERROR(s->node, "action %s: %s", s->name, e.message);
  publish_status(s);
  if (s->cb.on_accepted) s->cb.on_accepted(s->user, g);
}

static void on_send_goal(void *user, ros_service *svc, const void *request,
                         const ros_request_id *rid) {
  ros_action_server *s = user;
  const uuid_request *rq = request;
  ros_goal_id id;
  memcpy(id.uuid, rq->goal_id.uuid, sizeof id.uuid);
  ros_action_server_expire(s);

  ros_goal_decision d = ROS_GOAL_REJECT;
  ros_action_goal *g = NULL;
  if (admissible(s, &id)) {
    g = calloc(1, sizeof *g);
    if (!g) {
      refuse(s, &id, "out of memory");
    } else {
      g->server = s;
      g->info.id = id;
      g->in_on_goal = true;
      if (s->cb.on_goal)
        d = s->cb.on_goal(s->user, g, (const char *)request + s->type->goal_offset);
      g->in_on_goal = false;
      if (d != ROS_GOAL_ACCEPT_AND_EXECUTE && d != ROS_GOAL_ACCEPT_AND_DEFER) {
        d = ROS_GOAL_REJECT;
        s->stats.goals_rejected++;
      }
    }
  }
  send_goal_response rs;
  memset(&rs, 0, sizeof rs);
  ros_error e;
  if (d != ROS_GOAL_REJECT) {
    g->info.stamp_ns = clock_wall_ns();
    if (ros_goal_table_add(&s->goals, &g->info, g, &e) != ROS_OK) {
      refuse(s, &id, e.message);
      d = ROS_GOAL_REJECT;
    } else {
      rs.accepted = true;
      ros_action_time_from_ns(g->info.stamp_ns, &rs.stamp.sec, &rs.stamp.nanosec);
      s->stats.goals_accepted++;
    }
  }
  if (d == ROS_GOAL_REJECT) free(g);
  if (ros_service_reply(svc, rid, &rs, &e) != ROS_OK)
    ROS_DEBUG(s->node, "action %s: goal reply not sent: %s", s->name, e.message);
  if (d == ROS_GOAL_REJECT) return;
  g->execute_on_start = d == ROS_GOAL_ACCEPT_AND_EXECUTE;
  g->start_pending = true;
  g->reply_waiting = ros_service_reply_waiting(svc, rid);
  g->reply_id = *rid;
  /* A client whose writer is gone already cannot be waited for: no deadline to wait until. */
  if (client_participant(s, rid, &g->client_pp))
    g->start_deadline_ns = clock_mono_ns() + s->start_wait_ns;
  (void)try_start(s, g);
}

static bool same_request(const ros_request_id *a, const ros_request_id *b) {
  return a->client_id == b->client_id && a->seq == b->seq &&
         a->publication_handle == b->publication_handle;
}

/* Sent hook of the SendGoal service: a waiting reply left (written, or dropped because the
 * client went or never matched: the goal runs anyway, as it would have had the reply gone
 * out at once, and ends like any other). */
static void on_goal_reply_left(void *user, const ros_request_id *rid, bool sent) {
  ros_action_server *s = user;
  for (size_t i = 0; i < s->goals.count; i++) {
    ros_action_goal *g = s->goals.entries[i].data;
    if (!g->reply_waiting || !same_request(&g->reply_id, rid)) continue; /* waiting => pending */
    if (!sent) ROS_DEBUG(s->node, "action %s: a goal reply was dropped; the goal runs", s->name);
    g->reply_waiting = false;
    (void)try_start(s, g);
    return;
  }
}

/* --- CancelGoal --- */

static void on_cancel_goal(void *user, ros_service *svc, const void *request,
                           const ros_request_id *rid) {
  ros_action_server *s = user;
  const action_msgs_srv_dds__CancelGoal_Request_ *rq = request;
  ros_action_server_expire(s);
  s->stats.cancel_requests++;

  ros_goal_info want;
  memcpy(want.id.uuid, rq->goal_info.goal_id.uuid, sizeof want.id.uuid);
  want.stamp_ns = ros_action_time_to_ns(rq->goal_info.stamp.sec, rq->goal_info.stamp.nanosec);
  size_t n = 0, accepted = 0;
  ros_cancel_code no_match = ros_goal_cancel_match(&s->goals, &want, s->match_buf, &n);

  action_msgs_srv_dds__CancelGoal_Response_ rs;
  memset(&rs, 0, sizeof rs);
  action_msgs_msg_dds__GoalInfo_ *list = n ? calloc(n, sizeof *list) : NULL;
  ros_action_goal **cand = n ? calloc(n, sizeof *cand) : NULL;
  if (n && (!list || !cand)) {
    ROS_ERROR(s->node, "action %s: out of memory answering a cancel request", s->name);
    n = 0; /* answer as if nothing matched rather than not at all */
  }
  /* Handles first: the user's callbacks below must not see indices shift under them. */
  for (size_t i = 0; i < n; i++) cand[i] = s->goals.entries[s->match_buf[i]].data;
  for (size_t i = 0; i < n; i++) {
    ros_action_goal *g = cand[i];
    if (s->cb.on_cancel && !s->cb.on_cancel(s->user, g)) continue;
    /* The user may have ended the goal meanwhile: then the transition is refused. */
    if (ros_goal_table_apply(&s->goals, &g->info.id, ROS_GOAL_EVENT_CANCEL_GOAL, clock_mono_ns(),
                             NULL, NULL) != ROS_OK)
      continue;
    memcpy(list[accepted].goal_id.uuid, g->info.id.uuid, sizeof g->info.id.uuid);
    ros_action_time_from_ns(g->info.stamp_ns, &list[accepted].stamp.sec,
                            &list[accepted].stamp.nanosec);
    accepted++;
  }
  rs.return_code = (int8_t)ros_goal_cancel_code(no_match, n, accepted);
  rs.goals_canceling._buffer = list;
  rs.goals_canceling._length = rs.goals_canceling._maximum = (uint32_t)accepted;
  if (accepted) publish_status(s);
  ros_error e;
  if (ros_service_reply(svc, rid, &rs, &e) != ROS_OK)
    ROS_DEBUG(s->node, "action %s: cancel reply not sent: %s", s->name, e.message);
  free(list);
  free(cand);
}

/* --- GetResult --- */

static void on_get_result(void *user, ros_service *svc, const void *request,
                          const ros_request_id *rid) {
  ros_action_server *s = user;
  const uuid_request *rq = request;
  ros_goal_id id;
  memcpy(id.uuid, rq->goal_id.uuid, sizeof id.uuid);
  ros_action_server_expire(s);
  ros_goal_entry *en = ros_goal_table_find(&s->goals, &id);
  if (!en) { /* never accepted, or forgotten: UNKNOWN with an empty result, at once */
    send_result(s, rid, ROS_GOAL_STATUS_UNKNOWN, NULL);
    return;
  }
  ros_action_goal *g = en->data;
  if (ros_goal_state_is_terminal(en->status)) {
    send_result(s, rid, en->status, g->result);
    return;
  }
  if (g->n_waiting == ROS_ACTION_MAX_RESULT_WAITERS) { /* the oldest asker most likely gave up */
    memmove(&g->waiting[0], &g->waiting[1], (g->n_waiting - 1) * sizeof g->waiting[0]);
    g->n_waiting--;
    s->stats.results_dropped++;
  }
  g->waiting[g->n_waiting++] = *rid;
}

/* --- create / destroy --- */

static ros_status make_service(ros_action_server *s, ros_action_part part, ros_service **out,
                               ros_error *e) {
  char name[ROS_NAME_BUF_SIZE], type[ROS_NAME_BUF_SIZE];
  ros_status st = ros_action_entity_names(s->name, s->type, part, name, type, e);
  if (st != ROS_OK) return st;
  ros_service_fn fn = part == ROS_ACTION_SEND_GOAL ? on_send_goal
                    : part == ROS_ACTION_CANCEL_GOAL ? on_cancel_goal : on_get_result;
  ros_qos q = ros_qos_with_depth(ros_qos_services, s->service_depth);
  return ros_service_create(s->node, name, type, &q, fn, s, out, e);
}

static ros_status make_publisher(ros_action_server *s, ros_action_part part, ros_publisher **out,
                                 ros_error *e) {
  char name[ROS_NAME_BUF_SIZE], type[ROS_NAME_BUF_SIZE];
  ros_status st = ros_action_entity_names(s->name, s->type, part, name, type, e);
  if (st != ROS_OK) return st;
  ros_qos q = part == ROS_ACTION_FEEDBACK ? ros_qos_default : ros_qos_action_status;
  return ros_publisher_create(s->node, name, type, &q, out, e);
}

ros_status ros_action_server_create(ros_node *n, const char *name, const ros_action_type *t,
                                    const ros_action_server_callbacks *cb, void *user,
                                    const ros_action_server_options *o, ros_action_server **out,
                                    ros_error *e) {
  if (!n || !name || !t || !out)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: missing argument", __func__);
  if (!ros_action_type_check(t))
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "%s: \"%s\" does not match the type table",
                         __func__, t->name ? t->name : "(null)");
  ros_action_server *s = calloc(1, sizeof *s);
  if (!s) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  s->node = n;
  s->type = t;
  if (cb) s->cb = *cb;
  s->user = user;
  s->result_timeout_ns = o && o->result_timeout_ns > 0 ? o->result_timeout_ns
                                                      : DEFAULT_RESULT_TIMEOUT_NS;
  s->start_wait_ns = o && o->start_wait_ns > 0 ? o->start_wait_ns : ROS_SERVICE_REPLY_WAIT_NS;
  s->service_depth = o && o->service_depth > 0 ? o->service_depth : ros_qos_services.depth;
  size_t max = o && o->max_goals > 0 && o->max_goals < LMS_MAX_ACTION_GOALS ? o->max_goals
                                                                           : LMS_MAX_ACTION_GOALS;
  ros_status st = ros_node_resolve(n, name, false, s->name, sizeof s->name, e);
  if (st == ROS_OK) st = ros_goal_table_init(&s->goals, max, e);
  if (st == ROS_OK) {
    s->match_buf = calloc(max, sizeof *s->match_buf);
    s->feedback_msg = calloc(1, t->feedback_message->m_size);
    s->result_msg = calloc(1, t->get_result_response->m_size);
    if (!s->match_buf || !s->feedback_msg || !s->result_msg)
      st = ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  }
  /* Same order as rcl_action: the three services, then feedback and status. */
  if (st == ROS_OK) st = make_service(s, ROS_ACTION_SEND_GOAL, &s->send_goal, e);
  if (st == ROS_OK) ros_service_set_sent_hook(s->send_goal, on_goal_reply_left, s);
  if (st == ROS_OK) st = make_service(s, ROS_ACTION_CANCEL_GOAL, &s->cancel_goal, e);
  if (st == ROS_OK) st = make_service(s, ROS_ACTION_GET_RESULT, &s->get_result, e);
  if (st == ROS_OK) st = make_publisher(s, ROS_ACTION_FEEDBACK, &s->feedback, e);
  if (st == ROS_OK) st = make_publisher(s, ROS_ACTION_STATUS, &s->status, e);
  if (st == ROS_OK) {
    int64_t period = s->result_timeout_ns / 4;
    if (period > EXPIRY_PERIOD_MAX_NS) period = EXPIRY_PERIOD_MAX_NS;
    if (period < EXPIRY_PERIOD_MIN_NS) period = EXPIRY_PERIOD_MIN_NS;
    s->expiry = ros_timer_create(ros_node_context(n), period, expiry_tick, s);
    if (!s->expiry) st = ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: timer", __func__);
  }
  if (st != ROS_OK) {
    ros_action_server_destroy(s);
    return st;
  }
  *out = s;
  return ROS_OK;
}

void ros_action_server_destroy(ros_action_server *s) {
  if (!s) return;
  /* Abort what still runs, so that clients waiting for a result hear the end. */
  bool changed = false;
  for (size_t i = 0; i < s->goals.count; i++) {
    ros_goal_entry *en = &s->goals.entries[i];
    if (!ros_goal_state_is_active(en->status)) continue;
    en->status = ROS_GOAL_STATUS_ABORTED; /* allowed from any active state but ACCEPTED: force */
    en->ended_ns = clock_mono_ns();
    changed = true;
  }
  if (changed && s->status) publish_status(s);
  for (size_t i = 0; i < s->goals.count; i++) {
    ros_action_goal *g = s->goals.entries[i].data;
    for (size_t k = 0; s->get_result && k < g->n_waiting; k++)
      send_result(s, &g->waiting[k], s->goals.entries[i].status, g->result);
    free_goal(s, g);
  }
  ros_goal_table_fini(&s->goals);
  ros_timer_destroy(s->expiry);
  ros_timer_destroy(s->start_retry);
  ros_service_destroy(s->send_goal);
  ros_service_destroy(s->cancel_goal);
  ros_service_destroy(s->get_result);
  ros_publisher_destroy(s->feedback);
  ros_publisher_destroy(s->status);
  free(s->match_buf);
  free(s->feedback_msg);
  free(s->result_msg);
  free(s);
}

const char *ros_action_server_name(const ros_action_server *s) { return s ? s->name : NULL; }

size_t ros_action_server_goal_count(const ros_action_server *s) { return s ? s->goals.count : 0; }

size_t ros_action_server_active_count(const ros_action_server *s) {
  return s ? ros_goal_table_active_count(&s->goals) : 0;
}

void ros_action_server_get_stats(const ros_action_server *s, ros_action_server_stats *out) {
  if (s && out) *out = s->stats;
}

size_t ros_action_server_waiting_results(const ros_action_server *s) {
  size_t n = 0;
  for (size_t i = 0; s && i < s->goals.count; i++)
    n += ((const ros_action_goal *)s->goals.entries[i].data)->n_waiting;
  return n;
}

/* --- goal handles --- */

static ros_goal_entry *entry_of(const ros_action_goal *h) {
  return ros_goal_table_find(&h->server->goals, &h->info.id);
}

const ros_goal_id *ros_action_goal_id(const ros_action_goal *h) { return h ? &h->info.id : NULL; }

int64_t ros_action_goal_stamp_ns(const ros_action_goal *h) { return h ? h->info.stamp_ns : 0; }

ros_goal_status ros_action_goal_status(const ros_action_goal *h) {
  ros_goal_entry *en = h && !h->in_on_goal ? entry_of(h) : NULL;
  return en ? en->status : ROS_GOAL_STATUS_UNKNOWN;
}

/* A handle lives only while its goal is active, and only a cancel makes it CANCELING. */
bool ros_action_goal_is_cancel_requested(const ros_action_goal *h) {
  return ros_action_goal_status(h) == ROS_GOAL_STATUS_CANCELING;
}

void ros_action_goal_set_user(ros_action_goal *h, void *user) {
  if (h) h->user = user;
}

void *ros_action_goal_user(const ros_action_goal *h) { return h ? h->user : NULL; }

static ros_status usable(const ros_action_goal *h, const char *what, ros_error *e) {
  if (!h) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: no goal handle", what);
  if (h->in_on_goal)
    return ros_error_set(e, ROS_ERR_STATE, "%s: the goal is not accepted yet (in on_goal)", what);
  return ROS_OK;
}

ros_status ros_action_goal_execute(ros_action_goal *h, ros_error *e) {
  ros_status st = usable(h, __func__, e);
  if (st == ROS_OK)
    st = ros_goal_table_apply(&h->server->goals, &h->info.id, ROS_GOAL_EVENT_EXECUTE,
                              clock_mono_ns(), NULL, e);
  if (st == ROS_OK) publish_status(h->server);
  return st;
}

ros_status ros_action_goal_publish_feedback(ros_action_goal *h, const void *feedback,
                                            ros_error *e) {
  ros_status st = usable(h, __func__, e);
  if (st != ROS_OK) return st;
  if (!feedback) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: no feedback", __func__);
  ros_goal_entry *en = entry_of(h);
  if (!en || !ros_goal_state_is_active(en->status))
    return ros_error_set(e, ROS_ERR_STATE, "%s: goal is %s", __func__,
                         ros_goal_status_name(en ? (int)en->status : 0));
  ros_action_server *s = h->server;
  const ros_action_type *t = s->type;
  memcpy(s->feedback_msg, h->info.id.uuid, sizeof h->info.id.uuid);
  memcpy((char *)s->feedback_msg + t->feedback_offset, feedback, t->feedback_size);
  st = ros_publisher_publish(s->feedback, s->feedback_msg, e);
  memset(s->feedback_msg, 0, t->feedback_message->m_size); /* holds the caller's pointers */
  return st;
}

static ros_status finish(ros_action_goal *h, ros_goal_event ev, void *result, const char *what,
                         ros_error *e) {
  ros_status st = usable(h, what, e);
  if (st != ROS_OK) return st;
  ros_action_server *s = h->server;
  ros_goal_status now;
  st = ros_goal_table_apply(&s->goals, &h->info.id, ev, clock_mono_ns(), &now, e);
  if (st != ROS_OK) return st;
  h->result = result;
  publish_status(s);
  for (size_t k = 0; k < h->n_waiting; k++) send_result(s, &h->waiting[k], now, h->result);
  h->n_waiting = 0;
  return ROS_OK;
}

ros_status ros_action_goal_succeed(ros_action_goal *h, void *result, ros_error *e) {
  return finish(h, ROS_GOAL_EVENT_SUCCEED, result, __func__, e);
}

ros_status ros_action_goal_abort(ros_action_goal *h, void *result, ros_error *e) {
  return finish(h, ROS_GOAL_EVENT_ABORT, result, __func__, e);
}

ros_status ros_action_goal_canceled(ros_action_goal *h, void *result, ros_error *e) {
  return finish(h, ROS_GOAL_EVENT_CANCELED, result, __func__, e);
}
