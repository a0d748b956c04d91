/* ros_goal_state.c: the pure part of ROS 2 actions: goal ids and stamps, the §4.3 state machine,
 * the goal table (acceptance order, duplicates refused, bounded), expiry, the §4.5 cancel
 * matching of rcl_action_process_cancel_request, and the GoalStatusArray sample.
 * No I/O and no clocks: callers pass the time in, so tests drive every rule directly.
 * The table is a plain array: a server holds at most LMS_MAX_ACTION_GOALS goals, and linear
 * scans over that many are cheaper than keeping a hash index in step with removals. */
#include "ros_goal_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_SEC INT64_C(1000000000)

static const char *const status_names[ROS_GOAL_STATUS_COUNT] = {
    "UNKNOWN", "ACCEPTED", "EXECUTING", "CANCELING", "SUCCEEDED", "CANCELED", "ABORTED"};
static const char *const cancel_names[ROS_CANCEL_CODE_COUNT] = {
    "ERROR_NONE", "ERROR_REJECTED", "ERROR_UNKNOWN_GOAL_ID", "ERROR_GOAL_TERMINATED"};
static const char *const event_names[ROS_GOAL_EVENT_COUNT] = {"EXECUTE", "CANCEL_GOAL", "SUCCEED",
                                                              "ABORT", "CANCELED"};

const char *ros_goal_status_name(int status) {
  return status >= 0 && status < ROS_GOAL_STATUS_COUNT ? status_names[status] : "UNKNOWN";
}

const char *ros_cancel_code_name(int code) {
  return code >= 0 && code < ROS_CANCEL_CODE_COUNT ? cancel_names[code] : "ERROR_?";
}

const char *ros_goal_event_name(ros_goal_event ev) {
  return (int)ev >= 0 && (int)ev < ROS_GOAL_EVENT_COUNT ? event_names[ev] : "?";
}

bool ros_goal_id_equal(const ros_goal_id *a, const ros_goal_id *b) {
  return memcmp(a->uuid, b->uuid, sizeof a->uuid) == 0;
}

bool ros_goal_id_is_zero(const ros_goal_id *id) {
  static const ros_goal_id zero;
  return ros_goal_id_equal(id, &zero);
}

void ros_goal_id_to_hex(const ros_goal_id *id, char out[33]) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < sizeof id->uuid; i++) {
    out[2 * i] = hex[id->uuid[i] >> 4];
    out[2 * i + 1] = hex[id->uuid[i] & 15];
  }
  out[32] = '\0';
}

int64_t ros_action_time_to_ns(int32_t sec, uint32_t nanosec) {
  return (int64_t)sec * NS_PER_SEC + (int64_t)nanosec;
}

void ros_action_time_from_ns(int64_t ns, int32_t *sec, uint32_t *nanosec) {
  int64_t s = ns / NS_PER_SEC, r = ns % NS_PER_SEC;
  if (r < 0) { /* floor, so nanosec stays in [0, 1e9) as Time requires */
    s--;
    r += NS_PER_SEC;
  }
  if (s > INT32_MAX) {
    s = INT32_MAX;
    r = NS_PER_SEC - 1;
  } else if (s < INT32_MIN) {
    s = INT32_MIN;
    r = 0;
  }
  *sec = (int32_t)s;
  *nanosec = (uint32_t)r;
}

ros_status ros_action_entity_names(const char *action_name, const ros_action_type *t,
                                   ros_action_part part, char name[ROS_NAME_BUF_SIZE],
                                   char type[ROS_NAME_BUF_SIZE], ros_error *e) {
  ros_names_error ne;
  if (ros_names_action(action_name, part, name, ROS_NAME_BUF_SIZE, &ne) != ROS_NAMES_OK)
    return ros_error_set(e, ROS_ERR_BAD_NAME, "action %s: %s", action_name, ne.message);
  const char *suffix = part == ROS_ACTION_SEND_GOAL    ? "_SendGoal"
                       : part == ROS_ACTION_GET_RESULT ? "_GetResult"
                       : part == ROS_ACTION_FEEDBACK   ? "_FeedbackMessage"
                                                       : NULL;
  int len = suffix ? snprintf(type, ROS_NAME_BUF_SIZE, "%s%s", t->name, suffix)
                   : snprintf(type, ROS_NAME_BUF_SIZE, "%s",
                              part == ROS_ACTION_CANCEL_GOAL ? "action_msgs/srv/CancelGoal"
                                                             : "action_msgs/msg/GoalStatusArray");
  if (len < 0 || len >= ROS_NAME_BUF_SIZE)
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "action %s: type name too long", action_name);
  return ROS_OK;
}

static bool row_is(const char *action, const char *suffix, const dds_topic_descriptor_t *d) {
  char name[256];
  size_t a = strlen(action), s = strlen(suffix);
  if (!d || a + s >= sizeof name) return false;
  memcpy(name, action, a);
  memcpy(name + a, suffix, s + 1);
  const ros_type_info *row = ros_types_find(name);
  return row && row->desc == d;
}

bool ros_action_type_check(const ros_action_type *t) {
  if (!t || !t->name) return false;
  if (!row_is(t->name, "_SendGoal_Request", t->send_goal_request) ||
      !row_is(t->name, "_SendGoal_Response", t->send_goal_response) ||
      !row_is(t->name, "_GetResult_Request", t->get_result_request) ||
      !row_is(t->name, "_GetResult_Response", t->get_result_response) ||
      !row_is(t->name, "_FeedbackMessage", t->feedback_message) ||
      !row_is(t->name, "_Goal", t->goal) || !row_is(t->name, "_Result", t->result) ||
      !row_is(t->name, "_Feedback", t->feedback))
    return false;
  return t->send_goal_request->m_size >= t->goal_offset + t->goal_size &&
         t->goal_offset >= sizeof(ros_action_uuid_request) &&
         t->goal->m_size == t->goal_size && t->result->m_size == t->result_size &&
         t->feedback->m_size == t->feedback_size &&
         t->get_result_response->m_size >= t->result_offset + t->result_size &&
         t->result_offset > offsetof(ros_action_result_head, status) &&
         t->feedback_offset >= sizeof(ros_goal_id) &&
         t->feedback_message->m_size >= t->feedback_offset + t->feedback_size &&
         t->get_result_request->m_size == sizeof(ros_action_uuid_request) &&
         t->send_goal_response->m_size == sizeof(ros_action_send_goal_response);
}

/* --- state machine (§4.3) --- */

ros_goal_status ros_goal_state_next(ros_goal_status s, ros_goal_event ev) {
  switch (s) {
  case ROS_GOAL_STATUS_ACCEPTED:
    if (ev == ROS_GOAL_EVENT_EXECUTE) return ROS_GOAL_STATUS_EXECUTING;
    if (ev == ROS_GOAL_EVENT_CANCEL_GOAL) return ROS_GOAL_STATUS_CANCELING;
    break;
  case ROS_GOAL_STATUS_EXECUTING:
    if (ev == ROS_GOAL_EVENT_CANCEL_GOAL) return ROS_GOAL_STATUS_CANCELING;
    if (ev == ROS_GOAL_EVENT_SUCCEED) return ROS_GOAL_STATUS_SUCCEEDED;
    if (ev == ROS_GOAL_EVENT_ABORT) return ROS_GOAL_STATUS_ABORTED;
    break;
  case ROS_GOAL_STATUS_CANCELING:
    if (ev == ROS_GOAL_EVENT_SUCCEED) return ROS_GOAL_STATUS_SUCCEEDED;
    if (ev == ROS_GOAL_EVENT_ABORT) return ROS_GOAL_STATUS_ABORTED;
    if (ev == ROS_GOAL_EVENT_CANCELED) return ROS_GOAL_STATUS_CANCELED;
    break;
  default: /* UNKNOWN and the terminal states go nowhere */
    break;
  }
  return ROS_GOAL_STATUS_UNKNOWN;
}

bool ros_goal_state_is_active(ros_goal_status s) {
  return s == ROS_GOAL_STATUS_ACCEPTED || s == ROS_GOAL_STATUS_EXECUTING ||
         s == ROS_GOAL_STATUS_CANCELING;
}

bool ros_goal_state_is_cancelable(ros_goal_status s) {
  return s == ROS_GOAL_STATUS_ACCEPTED || s == ROS_GOAL_STATUS_EXECUTING;
}

bool ros_goal_state_is_terminal(ros_goal_status s) {
  return s == ROS_GOAL_STATUS_SUCCEEDED || s == ROS_GOAL_STATUS_CANCELED ||
         s == ROS_GOAL_STATUS_ABORTED;
}

/* --- goal table --- */

ros_status ros_goal_table_init(ros_goal_table *t, size_t max, ros_error *e) {
  if (!t || max == 0)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: table NULL or max 0", __func__);
  t->entries = NULL;
  t->count = 0;
  t->cap = 0;
  t->max = max;
  return ROS_OK;
}

void ros_goal_table_fini(ros_goal_table *t) {
  if (!t) return;
  free(t->entries);
  t->entries = NULL;
  t->count = t->cap = 0;
}

static ptrdiff_t index_of(const ros_goal_table *t, const ros_goal_id *id) {
  for (size_t i = 0; i < t->count; i++)
    if (ros_goal_id_equal(&t->entries[i].info.id, id)) return (ptrdiff_t)i;
  return -1;
}

ros_status ros_goal_table_add(ros_goal_table *t, const ros_goal_info *info, void *data,
                              ros_error *e) {
  char hex[33];
  if (!t || !info) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  if (ros_goal_id_is_zero(&info->id))
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "goal id is all zeros");
  ros_goal_id_to_hex(&info->id, hex);
  if (index_of(t, &info->id) >= 0)
    return ros_error_set(e, ROS_ERR_STATE, "goal %s already exists", hex);
  if (t->count >= t->max)
    return ros_error_set(e, ROS_ERR_LIMIT, "goal %s refused: the server already holds %zu goals "
                         "(the limit)", hex, t->max);
  /* Grow by doubling up to max: memory follows use, never beyond the limit. */
  if (t->count == t->cap) {
    size_t cap = t->cap == 0 ? 16 : t->cap * 2;
    if (cap > t->max) cap = t->max;
    ros_goal_entry *n = realloc(t->entries, cap * sizeof *n);
    if (!n) return ros_error_set(e, ROS_ERR_NO_MEMORY, "goal table of %zu entries", cap);
    t->entries = n;
    t->cap = cap;
  }
  ros_goal_entry *g = &t->entries[t->count++];
  g->info = *info;
  g->status = ROS_GOAL_STATUS_ACCEPTED;
  g->ended_ns = 0;
  g->data = data;
  return ROS_OK;
}

ros_goal_entry *ros_goal_table_find(ros_goal_table *t, const ros_goal_id *id) {
  ptrdiff_t i = t && id ? index_of(t, id) : -1;
  return i < 0 ? NULL : &t->entries[i];
}

ros_status ros_goal_table_apply(ros_goal_table *t, const ros_goal_id *id, ros_goal_event ev,
                                int64_t now_mono_ns, ros_goal_status *out, ros_error *e) {
  char hex[33];
  if (!t || !id) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  ros_goal_id_to_hex(id, hex);
  ros_goal_entry *g = ros_goal_table_find(t, id);
  if (!g) return ros_error_set(e, ROS_ERR_NOT_FOUND, "goal %s is not known", hex);
  ros_goal_status next = ros_goal_state_next(g->status, ev);
  if (next == ROS_GOAL_STATUS_UNKNOWN)
    return ros_error_set(e, ROS_ERR_STATE, "goal %s: %s is not allowed in state %s", hex,
                         ros_goal_event_name(ev), ros_goal_status_name(g->status));
  g->status = next;
  /* 0 means "still active", so a clock reading of exactly 0 is nudged to 1. */
  if (ros_goal_state_is_terminal(next)) g->ended_ns = now_mono_ns != 0 ? now_mono_ns : 1;
  if (out) *out = next;
  return ROS_OK;
}

size_t ros_goal_table_active_count(const ros_goal_table *t) {
  size_t n = 0;
  for (size_t i = 0; t && i < t->count; i++) n += ros_goal_state_is_active(t->entries[i].status);
  return n;
}

static void remove_at(ros_goal_table *t, size_t i) {
  memmove(&t->entries[i], &t->entries[i + 1], (t->count - i - 1) * sizeof *t->entries);
  t->count--;
}

void *ros_goal_table_evict_oldest_terminal(ros_goal_table *t) {
  for (size_t i = 0; t && i < t->count; i++) {
    if (!ros_goal_state_is_terminal(t->entries[i].status)) continue;
    void *data = t->entries[i].data;
    remove_at(t, i);
    return data;
  }
  return NULL;
}

ros_status ros_goal_table_admit(ros_goal_table *t, const ros_goal_id *id, void **evicted, ros_error *e) {
  *evicted = NULL;
  if (ros_goal_id_is_zero(id)) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "the goal id is all zeros");
  if (ros_goal_table_find(t, id)) return ros_error_set(e, ROS_ERR_STATE, "a goal with this id exists");
  if (t->count < t->max) return ROS_OK;
  *evicted = ros_goal_table_evict_oldest_terminal(t);
  if (*evicted) return ROS_OK;
  return ros_error_set(e, ROS_ERR_LIMIT, "the server is running as many goals as it may hold "
                                         "(LMS_MAX_ACTION_GOALS or the max_goals option)");
}

size_t ros_goal_table_expire(ros_goal_table *t, int64_t now_mono_ns, int64_t timeout_ns,
                             void (*drop)(void *ctx, void *data), void *ctx) {
  size_t removed = 0, i = 0;
  while (t && i < t->count) {
    ros_goal_entry *g = &t->entries[i];
    if (ros_goal_state_is_terminal(g->status) && now_mono_ns - g->ended_ns > timeout_ns) {
      void *data = g->data;
      remove_at(t, i);
      removed++;
      if (drop) drop(ctx, data);
    } else {
      i++;
    }
  }
  return removed;
}

/* --- cancel requests (§4.5) --- */

ros_cancel_code ros_goal_cancel_match(const ros_goal_table *t, const ros_goal_info *request,
                                      size_t *out, size_t *n) {
  bool any_id = ros_goal_id_is_zero(&request->id), any_time = request->stamp_ns == 0;
  *n = 0;
  if (!any_id && any_time) { /* one goal: the only case with codes other than NONE */
    ptrdiff_t i = index_of(t, &request->id);
    if (i < 0) return ROS_CANCEL_UNKNOWN_GOAL_ID;
    if (!ros_goal_state_is_cancelable(t->entries[i].status)) return ROS_CANCEL_GOAL_TERMINATED;
    out[(*n)++] = (size_t)i;
    return ROS_CANCEL_NONE;
  }
  for (size_t i = 0; i < t->count; i++) {
    const ros_goal_entry *g = &t->entries[i];
    if (!ros_goal_state_is_cancelable(g->status)) continue;
    bool by_time = !any_time && g->info.stamp_ns <= request->stamp_ns;
    bool by_id = !any_id && ros_goal_id_equal(&g->info.id, &request->id);
    if ((any_id && any_time) || by_time || by_id) out[(*n)++] = i;
  }
  return ROS_CANCEL_NONE;
}

ros_cancel_code ros_goal_cancel_code(ros_cancel_code no_match_code, size_t n_matched,
                                     size_t n_accepted) {
  if (n_matched == 0) return no_match_code;
  return n_accepted == 0 ? ROS_CANCEL_REJECTED : ROS_CANCEL_NONE;
}

/* --- status topic --- */

ros_status ros_goal_table_status_array(const ros_goal_table *t,
                                       action_msgs_msg_dds__GoalStatusArray_ *out, ros_error *e) {
  if (!t || !out) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  action_msgs_msg_dds__GoalStatus_ *buf = NULL;
  if (t->count > 0) {
    buf = calloc(t->count, sizeof *buf);
    if (!buf) return ros_error_set(e, ROS_ERR_NO_MEMORY, "status array of %zu goals", t->count);
  }
  for (size_t i = 0; i < t->count; i++) {
    const ros_goal_entry *g = &t->entries[i];
    memcpy(buf[i].goal_info.goal_id.uuid, g->info.id.uuid, sizeof g->info.id.uuid);
    ros_action_time_from_ns(g->info.stamp_ns, &buf[i].goal_info.stamp.sec,
                            &buf[i].goal_info.stamp.nanosec);
    buf[i].status = (int8_t)g->status;
  }
  out->status_list._maximum = (uint32_t)t->count;
  out->status_list._length = (uint32_t)t->count;
  out->status_list._buffer = buf;
  out->status_list._release = false; /* ours, not Cyclone's: see ros_goal_status_array_fini */
  return ROS_OK;
}

void ros_goal_status_array_fini(action_msgs_msg_dds__GoalStatusArray_ *a) {
  if (!a) return;
  free(a->status_list._buffer);
  a->status_list._buffer = NULL;
  a->status_list._length = a->status_list._maximum = 0;
}
