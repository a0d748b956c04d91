/* ros_action_server.h: a ROS 2 action server on a node, as rcl_action + rclpy/rclcpp make one
 * (ROS2_WIRE.md §4): services A/_action/send_goal, cancel_goal, get_result and topics
 * A/_action/feedback (KEEP_LAST 10, reliable, volatile) and A/_action/status (KEEP_LAST 1,
 * reliable, transient-local), for any action type described by a ros_action_type.
 *
 * Execution is the user's and asynchronous: on_goal accepts or rejects, then the user works
 * (from on_accepted, a timer, an HTTP callback...) and ends the goal with succeed, abort or
 * canceled. The server answers GetResult requests for running goals when they end, publishes
 * the full status list after every change, and forgets finished goals result_timeout after
 * they *ended* (rcl counts from acceptance, which drops the result of a goal that ran longer
 * than the timeout the moment it finishes; counting from the end keeps every result available
 * for the full timeout, which also meets §4.4's "at least 10 s after termination").
 *
 * Threads: everything, callbacks included, runs on the loop thread (ros_context.h).
 * A failed call changes nothing. Goal handles belong to the server: a handle is valid from
 * on_goal until the call that ends the goal (succeed/abort/canceled) returns ROS_OK, or until
 * on_goal rejects it, or until the server is destroyed.
 * Teardown: end or abandon your executions, then ros_action_server_destroy (goals still
 * active are aborted with an empty result and waiting GetResult requests answered), then the
 * node. */
#ifndef LMS_ROS_ACTION_SERVER_H
#define LMS_ROS_ACTION_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "ros_action.h"
#include "ros_error.h"
#include "ros_node.h"

typedef struct ros_action_server ros_action_server;
typedef struct ros_action_goal ros_action_goal;

/* What on_goal decides (the values of rclcpp's GoalResponse). */
typedef enum ros_goal_decision {
  ROS_GOAL_REJECT = 1,             /* reply accepted=false, zero stamp; the handle dies */
  ROS_GOAL_ACCEPT_AND_EXECUTE = 2, /* reply accepted, goal EXECUTING, status published */
  ROS_GOAL_ACCEPT_AND_DEFER = 3,   /* reply accepted, goal stays ACCEPTED until
                                      ros_action_goal_execute (or a cancel) */
} ros_goal_decision;

typedef struct ros_action_server_callbacks {
  /* A new goal (NULL: reject all). goal is the action's X_Goal struct, valid during the call only.
   * Only id/status/set_user/user may be used on h here; anything else gives ROS_ERR_STATE. */
  ros_goal_decision (*on_goal)(void *user, ros_action_goal *h, const void *goal);
  /* After an accepted goal's reply and first status went out (optional): start work here.
   * Runs once the client can hear the goal (see start_wait_ns), so possibly in a later loop
   * pass than on_goal; a goal cancelled meanwhile arrives CANCELING. */
  void (*on_accepted)(void *user, ros_action_goal *h);
  /* A client asks to cancel h, which is ACCEPTED or EXECUTING (optional: NULL accepts all).
   * Return true to accept: h becomes CANCELING; end it later with ros_action_goal_canceled
   * (or succeed/abort). Do not end h from inside this callback. */
  bool (*on_cancel)(void *user, ros_action_goal *h);
} ros_action_server_callbacks;

typedef struct ros_action_server_options {
  int64_t result_timeout_ns; /* how long a finished goal keeps its result; <= 0: 900 s (rclpy) */
  size_t max_goals;          /* goals held at once; 0 or more than LMS_MAX_ACTION_GOALS: that */
  /* History depth of the three services' endpoints; <= 0: 10, rcl's services_default. A deeper
   * request reader keeps bursts from many clients at once (§3.6 allows it; depth is not part of
   * QoS matching, only SEDP shows it). */
  int service_depth;
  /* How long an accepted goal may wait, before it starts (status EXECUTING, on_accepted), for
   * its client to be able to hear it: goal reply written, feedback writer matched to a reader
   * of the client's participant. <= 0: 1 s (ROS_SERVICE_REPLY_WAIT_NS); after that it starts
   * anyway. */
  int64_t start_wait_ns;
} ros_action_server_options;

/* Counters since creation (tests, diagnostics). */
typedef struct ros_action_server_stats {
  uint64_t goals_accepted;
  uint64_t goals_rejected;      /* by on_goal */
  uint64_t goals_refused;       /* by the server: duplicate id, zero id, limit reached */
  uint64_t goals_expired;       /* finished goals forgotten after result_timeout */
  uint64_t goals_evicted;       /* finished goals forgotten early to make room */
  uint64_t results_sent;        /* GetResult replies written or queued */
  uint64_t results_dropped;     /* GetResult replies not sent (client gone, queue full...) */
  uint64_t cancel_requests;
} ros_action_server_stats;

/* Waiting GetResult requests kept per goal; beyond it the oldest one is dropped unanswered. */
#define ROS_ACTION_MAX_RESULT_WAITERS 16

/* Creates the server for action name (resolved like a topic: relative, ~, -r rules; then the
 * /_action/... parts are appended) of type t (ROS_ACTION_TYPE; must outlive the server).
 * cb is copied; cb NULL or cb->on_goal NULL rejects every goal (a server that is only seen).
 * user goes to every callback. o may be NULL.
 * Returns ROS_OK (*out: free with ros_action_server_destroy), ROS_ERR_INVALID_ARGUMENT,
 * ROS_ERR_UNKNOWN_TYPE (t does not match the type table), ROS_ERR_BAD_NAME,
 * ROS_ERR_NO_MEMORY or ROS_ERR_DDS. */
ros_status ros_action_server_create(ros_node *n, const char *name, const ros_action_type *t,
                                    const ros_action_server_callbacks *cb, void *user,
                                    const ros_action_server_options *o, ros_action_server **out,
                                    ros_error *e) ROS_ACTION_WARN_UNUSED;
/* Aborts active goals (status published, waiting GetResult requests answered with ABORTED and
 * an empty result), frees every goal and deletes the endpoints. Accepts NULL. Not from inside
 * one of the server's callbacks. */
void ros_action_server_destroy(ros_action_server *s);

const char *ros_action_server_name(const ros_action_server *s); /* resolved, "/chat_completion" */
size_t ros_action_server_goal_count(const ros_action_server *s);   /* held, finished included */
size_t ros_action_server_active_count(const ros_action_server *s);
void ros_action_server_get_stats(const ros_action_server *s, ros_action_server_stats *out);
/* GetResult requests held until their goals end. */
size_t ros_action_server_waiting_results(const ros_action_server *s);
/* Forgets finished goals whose time is up (a timer does this too, at least once a second). */
void ros_action_server_expire(ros_action_server *s);

/* --- goal handles --- */

const ros_goal_id *ros_action_goal_id(const ros_action_goal *h);
int64_t ros_action_goal_stamp_ns(const ros_action_goal *h); /* acceptance time; 0 in on_goal */
/* UNKNOWN during on_goal, then ACCEPTED...ABORTED. */
ros_goal_status ros_action_goal_status(const ros_action_goal *h);
bool ros_action_goal_is_cancel_requested(const ros_action_goal *h);
void ros_action_goal_set_user(ros_action_goal *h, void *user);
void *ros_action_goal_user(const ros_action_goal *h);

/* ACCEPTED -> EXECUTING for a deferred goal; status published.
 * Returns ROS_OK, ROS_ERR_INVALID_ARGUMENT or ROS_ERR_STATE. */
ros_status ros_action_goal_execute(ros_action_goal *h, ros_error *e) ROS_ACTION_WARN_UNUSED;
/* Publishes X_FeedbackMessage{id, *feedback} (feedback: the action's X_Feedback struct,
 * only read). Allowed while the goal is active. ROS_OK, INVALID_ARGUMENT, STATE or DDS. */
ros_status ros_action_goal_publish_feedback(ros_action_goal *h, const void *feedback,
                                            ros_error *e) ROS_ACTION_WARN_UNUSED;
/* End the goal: SUCCEEDED (from EXECUTING or CANCELING), ABORTED (same) or CANCELED (from
 * CANCELING). result is the action's X_Result struct, allocated with malloc/dds_alloc like its
 * strings and sequences; on ROS_OK the server owns it (frees it with dds_sample_free
 * DDS_FREE_ALL when the goal expires), on failure the caller still does. NULL = an empty
 * result. Publishes status, then answers waiting GetResult requests. After ROS_OK h is gone.
 * Returns ROS_OK, ROS_ERR_INVALID_ARGUMENT or ROS_ERR_STATE (transition not allowed). */
ros_status ros_action_goal_succeed(ros_action_goal *h, void *result, ros_error *e)
    ROS_ACTION_WARN_UNUSED;
ros_status ros_action_goal_abort(ros_action_goal *h, void *result, ros_error *e)
    ROS_ACTION_WARN_UNUSED;
ros_status ros_action_goal_canceled(ros_action_goal *h, void *result, ros_error *e)
    ROS_ACTION_WARN_UNUSED;

#endif
