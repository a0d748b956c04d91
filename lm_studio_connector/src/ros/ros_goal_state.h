/* ros_goal_state.h: the bookkeeping of an action server without any I/O (ROS2_WIRE.md §4.3-4.5):
 * the goal state machine, the table of goals an action server holds (in acceptance order, with
 * duplicate and size checks), expiry of finished goals, cancel-request matching, and the
 * GoalStatusArray the status topic carries. Pure functions over caller-owned data, so every rule
 * is unit-tested apart from DDS. Not thread-safe: one table belongs to one thread. */
#ifndef LMS_ROS_GOAL_STATE_H
#define LMS_ROS_GOAL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ros_action.h"
#include "ros_error.h"

/* What makes a goal move (rcl_action's goal events). */
typedef enum ros_goal_event {
  ROS_GOAL_EVENT_EXECUTE = 0,     /* ACCEPTED -> EXECUTING */
  ROS_GOAL_EVENT_CANCEL_GOAL = 1, /* ACCEPTED/EXECUTING -> CANCELING */
  ROS_GOAL_EVENT_SUCCEED = 2,     /* EXECUTING/CANCELING -> SUCCEEDED */
  ROS_GOAL_EVENT_ABORT = 3,       /* EXECUTING/CANCELING -> ABORTED */
  ROS_GOAL_EVENT_CANCELED = 4,    /* CANCELING -> CANCELED */
} ros_goal_event;
#define ROS_GOAL_EVENT_COUNT 5

/* The state after ev, or ROS_GOAL_STATUS_UNKNOWN when §4.3 does not allow ev in state s. */
ros_goal_status ros_goal_state_next(ros_goal_status s, ros_goal_event ev);
bool ros_goal_state_is_active(ros_goal_status s);     /* ACCEPTED, EXECUTING, CANCELING */
bool ros_goal_state_is_cancelable(ros_goal_status s); /* ACCEPTED, EXECUTING */
bool ros_goal_state_is_terminal(ros_goal_status s);   /* SUCCEEDED, CANCELED, ABORTED */
const char *ros_goal_event_name(ros_goal_event ev);   /* "EXECUTE"...; "?" if out of range */

/* One goal as the server knows it. */
typedef struct ros_goal_entry {
  ros_goal_info info;     /* id and acceptance stamp (system clock) */
  ros_goal_status status;
  int64_t ended_ns;       /* monotonic time it became terminal; 0 while active */
  void *data;             /* the owner's per-goal record */
} ros_goal_entry;

/* Goals in acceptance order, at most max of them. Zero-initialise, then ros_goal_table_init. */
typedef struct ros_goal_table {
  ros_goal_entry *entries;
  size_t count;
  size_t cap;             /* entries allocated */
  size_t max;
} ros_goal_table;

/* max >= 1 (callers take it from LMS_MAX_ACTION_GOALS or lower). Allocates nothing yet. */
ros_status ros_goal_table_init(ros_goal_table *t, size_t max, ros_error *e) ROS_ACTION_WARN_UNUSED;
void ros_goal_table_fini(ros_goal_table *t); /* frees the entries, not their data; accepts NULL */

/* Appends an ACCEPTED goal. Returns ROS_OK, ROS_ERR_INVALID_ARGUMENT (zero id),
 * ROS_ERR_STATE (the id is already in the table), ROS_ERR_LIMIT (max goals held) or
 * ROS_ERR_NO_MEMORY. A failed call changes nothing. */
ros_status ros_goal_table_add(ros_goal_table *t, const ros_goal_info *info, void *data,
                              ros_error *e) ROS_ACTION_WARN_UNUSED;
/* The entry with this id, or NULL. Valid until the table next gains or loses an entry. */
ros_goal_entry *ros_goal_table_find(ros_goal_table *t, const ros_goal_id *id);
/* Applies ev to the goal: ROS_OK (*out gets the new state, ended_ns is set when it becomes
 * terminal), ROS_ERR_NOT_FOUND, or ROS_ERR_STATE (transition refused; nothing changes). */
ros_status ros_goal_table_apply(ros_goal_table *t, const ros_goal_id *id, ros_goal_event ev,
                                int64_t now_mono_ns, ros_goal_status *out, ros_error *e)
    ROS_ACTION_WARN_UNUSED;
size_t ros_goal_table_active_count(const ros_goal_table *t);

/* Removes the oldest terminal goal to make room and returns its data (NULL if every goal is
 * still active: nothing removed). */
void *ros_goal_table_evict_oldest_terminal(ros_goal_table *t);
/* The server's checks on a received goal id before its owner is asked: ROS_OK (may be added),
 * ROS_ERR_INVALID_ARGUMENT (zero id), ROS_ERR_STATE (id already held) or ROS_ERR_LIMIT (full of
 * active goals). When full it makes room by removing the oldest terminal goal, whose data goes
 * to *evicted for the caller to free (NULL otherwise): its result goes early rather than
 * refusing new work. */
ros_status ros_goal_table_admit(ros_goal_table *t, const ros_goal_id *id, void **evicted,
                                ros_error *e) ROS_ACTION_WARN_UNUSED;
/* Removes every terminal goal that ended more than timeout_ns before now_mono_ns, calling
 * drop(ctx, data) for each after its removal. Returns how many went. Active goals never expire. */
size_t ros_goal_table_expire(ros_goal_table *t, int64_t now_mono_ns, int64_t timeout_ns,
                             void (*drop)(void *ctx, void *data), void *ctx);

/* Cancel matching (§4.5, rcl_action_process_cancel_request). Writes to out the indices of the
 * cancelable goals the request selects, in table order, and to *n how many (out has room for
 * t->count). Returns the return_code the reply carries if the user then accepts at least one:
 * ROS_CANCEL_NONE; or, when nothing is selected, the code for an empty reply: NONE,
 * UNKNOWN_GOAL_ID (id alone, not known) or GOAL_TERMINATED (id alone, known, not cancelable). */
ros_cancel_code ros_goal_cancel_match(const ros_goal_table *t, const ros_goal_info *request,
                                      size_t *out, size_t *n);
/* The final return_code once the user answered: no match -> no_match_code; matches but none
 * accepted -> REJECTED (as rclcpp); otherwise NONE. */
ros_cancel_code ros_goal_cancel_code(ros_cancel_code no_match_code, size_t n_matched,
                                     size_t n_accepted);

/* The status topic's sample: one GoalStatus per goal held, in acceptance order. status_list's
 * buffer comes from malloc (not Cyclone): free it with ros_goal_status_array_fini only. */
ros_status ros_goal_table_status_array(const ros_goal_table *t,
                                       action_msgs_msg_dds__GoalStatusArray_ *out, ros_error *e)
    ROS_ACTION_WARN_UNUSED;
void ros_goal_status_array_fini(action_msgs_msg_dds__GoalStatusArray_ *a); /* accepts NULL */

#endif
