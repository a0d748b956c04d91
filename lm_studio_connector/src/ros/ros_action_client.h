/* ros_action_client.h: a ROS 2 action client on a node, as rclpy's ActionClient behaves
 * (ROS2_WIRE.md §4): clients of A/_action/send_goal, cancel_goal and get_result, and
 * subscriptions to A/_action/feedback and A/_action/status with the action QoS, for any action
 * type described by a ros_action_type. Goals get a random UUID v4; GetResult is requested
 * right after acceptance (as `ros2 action send_goal` does); feedback and status are delivered
 * only for this client's goals.
 *
 * Callbacks, per goal sent successfully: on_response once (accepted or not); if rejected,
 * nothing follows. Otherwise on_feedback/on_status any number of times, then on_result exactly
 * once, also when the goal fails locally (st != ROS_OK: request timeout, client destroyed).
 * A failed call never runs a callback and changes nothing.
 * Threads: loop thread only, callbacks included (ros_context.h). Callbacks may send and cancel
 * goals but must not destroy the client. Teardown: destroy the client before its node. */
#ifndef LMS_ROS_ACTION_CLIENT_H
#define LMS_ROS_ACTION_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "ros_action.h"
#include "ros_client.h" /* ROS_CLIENT_CANCELED */
#include "ros_error.h"
#include "ros_node.h"

typedef struct ros_action_client ros_action_client;

/* SendGoal requests in flight at once; further goals wait in the client (a copy of each) and go
 * out as replies come back, so a burst of goals never overflows a server's request reader,
 * which in rcl keeps only 10 (services_default). */
#define ROS_ACTION_CLIENT_MAX_SENDING 8
/* History depth of the client's own readers (service replies, feedback): deeper than rcl's 10
 * so that many goals' results or feedback arriving together are all kept until taken. Depth is
 * not part of QoS matching. */
#define ROS_ACTION_CLIENT_DEPTH LMS_MAX_ACTION_GOALS
/* When the status topic has shown one of our goals finished for this long and its GetResult
 * reply has not come, GetResult is asked again: a request pushed out of a busy depth-10 server
 * reader (as rcl's are) then does not leave the goal waiting forever. */
#define ROS_ACTION_CLIENT_RESULT_RETRY_NS 1000000000LL

typedef struct ros_action_goal_callbacks {
  /* The SendGoal reply (optional). stamp_ns: acceptance time, 0 when rejected. */
  void (*on_response)(void *user, const ros_goal_id *id, bool accepted, int64_t stamp_ns);
  /* feedback: the action's X_Feedback struct, valid during the call (optional). */
  void (*on_feedback)(void *user, const ros_goal_id *id, const void *feedback);
  /* The goal's entry on the status topic changed (optional). Informational: the result may
   * arrive before the terminal status, and then that status is not reported. */
  void (*on_status)(void *user, const ros_goal_id *id, ros_goal_status status);
  /* The end (optional). st == ROS_OK: status and result (X_Result struct, valid during the
   * call) as GetResult returned them. Otherwise status UNKNOWN and result NULL; st is
   * ROS_ERR_TIMEOUT (no SendGoal reply within the request timeout) or ROS_CLIENT_CANCELED
   * (ros_client.h: the client was destroyed). */
  void (*on_result)(void *user, const ros_goal_id *id, ros_status st, ros_goal_status status,
                    const void *result);
} ros_action_goal_callbacks;

/* The CancelGoal reply: st == ROS_OK with return_code (ros_cancel_code) and the goals now
 * canceling; otherwise (timeout, client destroyed) return_code -1 and no list. */
typedef void (*ros_action_cancel_fn)(void *user, ros_status st, int return_code,
                                     const ros_goal_info *canceling, size_t n);

typedef struct ros_action_client_options {
  int64_t request_timeout_ns; /* SendGoal and CancelGoal replies; <= 0: wait forever (rclpy) */
} ros_action_client_options;

/* Creates the client for action name (resolved like a topic) of type t (must outlive the
 * client). o may be NULL. Returns ROS_OK (*out: free with ros_action_client_destroy),
 * ROS_ERR_INVALID_ARGUMENT, ROS_ERR_UNKNOWN_TYPE, ROS_ERR_BAD_NAME, ROS_ERR_NO_MEMORY,
 * ROS_ERR_DDS. */
ros_status ros_action_client_create(ros_node *n, const char *name, const ros_action_type *t,
                                    const ros_action_client_options *o, ros_action_client **out,
                                    ros_error *e) ROS_ACTION_WARN_UNUSED;
/* Ends every goal still tracked with on_result(ROS_CLIENT_CANCELED) and every pending cancel
 * with its callback, then deletes the endpoints. Accepts NULL. Not from inside a callback. */
void ros_action_client_destroy(ros_action_client *c);

/* rcl_action_server_is_available (§4.6): the three services available (§3.4) and the feedback
 * and status readers each matched to at least one writer. NULL gives false. */
bool ros_action_client_is_server_ready(ros_action_client *c);
/* Spins the context until the server is ready or timeout_ns passed (<= 0: check once).
 * ROS_OK, ROS_ERR_TIMEOUT, or ROS_CLIENT_CANCELED when shutdown was requested. Never from a
 * callback. */
ros_status ros_action_client_wait_for_server(ros_action_client *c, int64_t timeout_ns)
    ROS_ACTION_WARN_UNUSED;

/* Sends goal (the action's X_Goal struct, only read during the call) under a fresh random
 * UUID v4, written to *id_out (may be NULL); with ROS_ACTION_CLIENT_MAX_SENDING requests
 * already in flight it is copied and sent later. cb may be NULL (fire and forget); it is copied.
 * The server must be ready (a request sent before it matched is lost, as in rmw). Returns ROS_OK,
 * ROS_ERR_INVALID_ARGUMENT, ROS_ERR_LIMIT (LMS_MAX_ACTION_GOALS goals tracked),
 * ROS_ERR_NO_MEMORY or ROS_ERR_DDS. */
ros_status ros_action_client_send_goal(ros_action_client *c, const void *goal,
                                       const ros_action_goal_callbacks *cb, void *user,
                                       ros_goal_id *id_out, ros_error *e) ROS_ACTION_WARN_UNUSED;
/* The same with a caller-chosen id (tests, replays); ROS_ERR_STATE if this client already
 * tracks that id, ROS_ERR_INVALID_ARGUMENT for the zero id. */
ros_status ros_action_client_send_goal_with_id(ros_action_client *c, const ros_goal_id *id,
                                               const void *goal,
                                               const ros_action_goal_callbacks *cb, void *user,
                                               ros_error *e) ROS_ACTION_WARN_UNUSED;

/* CancelGoal{goal_id=id, stamp=0}: that goal only, as `ros2 action send_goal` does on Ctrl-C.
 * fn may be NULL. Returns ROS_OK, ROS_ERR_INVALID_ARGUMENT, ROS_ERR_NO_MEMORY, ROS_ERR_DDS. */
ros_status ros_action_client_cancel_goal(ros_action_client *c, const ros_goal_id *id,
                                         ros_action_cancel_fn fn, void *user, ros_error *e)
    ROS_ACTION_WARN_UNUSED;
/* Any CancelGoal request (§4.5): zero id and/or zero stamp_ns mean "unset". */
ros_status ros_action_client_cancel(ros_action_client *c, const ros_goal_info *request,
                                    ros_action_cancel_fn fn, void *user, ros_error *e)
    ROS_ACTION_WARN_UNUSED;

/* Goals sent and not yet ended (rejected or result delivered). */
size_t ros_action_client_goal_count(const ros_action_client *c);
const char *ros_action_client_name(const ros_action_client *c); /* resolved action name */

/* A random UUID v4 (getrandom, else /dev/urandom). Returns ROS_OK, ROS_ERR_INVALID_ARGUMENT
 * (out NULL) or ROS_ERR_STATE (no randomness available). Any thread. */
ros_status ros_goal_id_random(ros_goal_id *out, ros_error *e) ROS_ACTION_WARN_UNUSED;

#endif
