/* test_ros_goal_state.c: the pure action bookkeeping of ros_goal_state.h without DDS: every
 * transition of the §4.3 state machine (allowed and refused), the goal table (duplicates,
 * limit, eviction, expiry), every row of the §4.5 cancel table, the final return codes, the
 * GoalStatusArray sample, and the ROS_ACTION_TYPE descriptor. */
#include "ros_goal_state.h"

#include "common/limits.h"
#include "testing.h"

#define SEC INT64_C(1000000000)

static ros_goal_id gid(uint8_t n) {
  ros_goal_id id;
  memset(&id, 0, sizeof id);
  id.uuid[0] = n;
  id.uuid[15] = (uint8_t)(0xA0 | n);
  return id;
}

static ros_goal_info ginfo(uint8_t n, int64_t stamp_ns) {
  ros_goal_info i = {gid(n), stamp_ns};
  return i;
}

/* A table of goals 1..n, goal k stamped at k seconds, in the states given. */
static void table_with(ros_goal_table *t, const ros_goal_status *states, size_t n) {
  CHECK_EQ_INT(ros_goal_table_init(t, 64, NULL), ROS_OK);
  for (size_t k = 0; k < n; k++) {
    ros_goal_info info = ginfo((uint8_t)(k + 1), (int64_t)(k + 1) * SEC);
    CHECK_EQ_INT(ros_goal_table_add(t, &info, NULL, NULL), ROS_OK);
    t->entries[k].status = states[k];
  }
}

TEST(ros_goal_state_next_every_transition) {
  enum { U = ROS_GOAL_STATUS_UNKNOWN, A = ROS_GOAL_STATUS_ACCEPTED, X = ROS_GOAL_STATUS_EXECUTING,
         C = ROS_GOAL_STATUS_CANCELING, S = ROS_GOAL_STATUS_SUCCEEDED, D = ROS_GOAL_STATUS_CANCELED,
         B = ROS_GOAL_STATUS_ABORTED };
  /* rows: states UNKNOWN..ABORTED; columns: EXECUTE, CANCEL_GOAL, SUCCEED, ABORT, CANCELED */
  static const int want[ROS_GOAL_STATUS_COUNT][ROS_GOAL_EVENT_COUNT] = {
      {U, U, U, U, U}, /* UNKNOWN goes nowhere */
      {X, C, U, U, U}, /* ACCEPTED */
      {U, C, S, B, U}, /* EXECUTING */
      {U, U, S, B, D}, /* CANCELING */
      {U, U, U, U, U}, /* SUCCEEDED */
      {U, U, U, U, U}, /* CANCELED */
      {U, U, U, U, U}, /* ABORTED */
  };
  for (int s = 0; s < ROS_GOAL_STATUS_COUNT; s++)
    for (int ev = 0; ev < ROS_GOAL_EVENT_COUNT; ev++)
      CHECK_MSG((int)ros_goal_state_next((ros_goal_status)s, (ros_goal_event)ev) == want[s][ev],
                "%s + %s", ros_goal_status_name(s), ros_goal_event_name((ros_goal_event)ev));
  CHECK_EQ_INT(ros_goal_state_next((ros_goal_status)42, ROS_GOAL_EVENT_EXECUTE), U);
  CHECK_EQ_INT(ros_goal_state_next(ROS_GOAL_STATUS_ACCEPTED, (ros_goal_event)42), U);
}

TEST(ros_goal_state_predicates_every_state) {
  /* active, cancelable, terminal for UNKNOWN..ABORTED */
  static const bool want[ROS_GOAL_STATUS_COUNT][3] = {
      {0, 0, 0}, {1, 1, 0}, {1, 1, 0}, {1, 0, 0}, {0, 0, 1}, {0, 0, 1}, {0, 0, 1}};
  for (int s = 0; s < ROS_GOAL_STATUS_COUNT; s++) {
    CHECK_EQ_INT(ros_goal_state_is_active((ros_goal_status)s), want[s][0]);
    CHECK_EQ_INT(ros_goal_state_is_cancelable((ros_goal_status)s), want[s][1]);
    CHECK_EQ_INT(ros_goal_state_is_terminal((ros_goal_status)s), want[s][2]);
  }
}

TEST(ros_goal_state_names_every_value) {
  CHECK_EQ_STR(ros_goal_status_name(ROS_GOAL_STATUS_SUCCEEDED), "SUCCEEDED");
  CHECK_EQ_STR(ros_goal_status_name(ROS_GOAL_STATUS_CANCELING), "CANCELING");
  CHECK_EQ_STR(ros_goal_status_name(-1), "UNKNOWN");
  CHECK_EQ_STR(ros_goal_status_name(7), "UNKNOWN");
  CHECK_EQ_STR(ros_cancel_code_name(ROS_CANCEL_GOAL_TERMINATED), "ERROR_GOAL_TERMINATED");
  CHECK_EQ_STR(ros_cancel_code_name(4), "ERROR_?");
  CHECK_EQ_STR(ros_goal_event_name(ROS_GOAL_EVENT_CANCELED), "CANCELED");
  CHECK_EQ_STR(ros_goal_event_name((ros_goal_event)5), "?");
  /* The codes are the wire values of action_msgs. */
  CHECK_EQ_INT(ROS_GOAL_STATUS_ABORTED, action_msgs__msg__GoalStatus__STATUS_ABORTED);
  CHECK_EQ_INT(ROS_GOAL_STATUS_CANCELING, action_msgs__msg__GoalStatus__STATUS_CANCELING);
  CHECK_EQ_INT(ROS_CANCEL_GOAL_TERMINATED,
               action_msgs__srv__CancelGoal_Response__ERROR_GOAL_TERMINATED);
  CHECK_EQ_INT(ROS_CANCEL_REJECTED, action_msgs__srv__CancelGoal_Response__ERROR_REJECTED);
}

TEST(ros_goal_state_goal_id_helpers) {
  ros_goal_id a = gid(1), b = gid(2), z;
  memset(&z, 0, sizeof z);
  char hex[33];
  ros_goal_id_to_hex(&a, hex);
  CHECK_EQ_STR(hex, "010000000000000000000000000000a1");
  CHECK(ros_goal_id_equal(&a, &a) && !ros_goal_id_equal(&a, &b));
  CHECK(ros_goal_id_is_zero(&z) && !ros_goal_id_is_zero(&a));
}

TEST(ros_goal_state_time_conversion_saturates) {
  int32_t s;
  uint32_t ns;
  ros_action_time_from_ns(INT64_C(1700000000123456789), &s, &ns);
  CHECK(s == 1700000000 && ns == 123456789u);
  CHECK_EQ_INT(ros_action_time_to_ns(s, ns), INT64_C(1700000000123456789));
  ros_action_time_from_ns(-1, &s, &ns); /* floor: -1 s + 999999999 ns */
  CHECK(s == -1 && ns == 999999999u);
  ros_action_time_from_ns(INT64_MAX, &s, &ns);
  CHECK(s == INT32_MAX && ns == 999999999u);
  ros_action_time_from_ns(INT64_MIN, &s, &ns);
  CHECK(s == INT32_MIN && ns == 0);
}

TEST(ros_goal_state_table_add_refuses_zero_duplicate_and_full) {
  ros_goal_table t = {0};
  ros_error e;
  CHECK_EQ_INT(ros_goal_table_init(&t, 0, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_goal_table_init(&t, 2, NULL), ROS_OK);
  ros_goal_info z = {{{0}}, 5};
  CHECK_EQ_INT(ros_goal_table_add(&t, &z, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  ros_goal_info a = ginfo(1, SEC), b = ginfo(2, 2 * SEC), c = ginfo(3, 3 * SEC);
  int da = 1;
  CHECK_EQ_INT(ros_goal_table_add(&t, &a, &da, NULL), ROS_OK);
  ros_goal_info dup = ginfo(1, 9 * SEC);
  CHECK_EQ_INT(ros_goal_table_add(&t, &dup, NULL, &e), ROS_ERR_STATE);
  CHECK_CONTAINS(e.message, "already exists");
  CHECK_EQ_INT(t.count, 1); /* a failed call changes nothing */
  CHECK_EQ_INT(t.entries[0].info.stamp_ns, SEC);
  CHECK_EQ_INT(ros_goal_table_add(&t, &b, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(ros_goal_table_add(&t, &c, NULL, &e), ROS_ERR_LIMIT);
  CHECK_CONTAINS(e.message, "limit");
  CHECK_EQ_INT(t.count, 2);
  ros_goal_entry *g = ros_goal_table_find(&t, &a.id);
  CHECK(g && g->data == &da && g->status == ROS_GOAL_STATUS_ACCEPTED && g->ended_ns == 0);
  CHECK(ros_goal_table_find(&t, &c.id) == NULL);
  CHECK_EQ_INT(ros_goal_table_active_count(&t), 2);
  ros_goal_table_fini(&t);
  ros_goal_table_fini(NULL);
}

TEST(ros_goal_state_table_grows_to_the_limit) {
  ros_goal_table t = {0};
  CHECK_EQ_INT(ros_goal_table_init(&t, LMS_MAX_ACTION_GOALS, NULL), ROS_OK);
  for (unsigned k = 0; k < LMS_MAX_ACTION_GOALS; k++) {
    ros_goal_info info = ginfo(1, (int64_t)k);
    info.id.uuid[1] = (uint8_t)(k >> 8);
    info.id.uuid[2] = (uint8_t)k;
    CHECK_EQ_INT(ros_goal_table_add(&t, &info, NULL, NULL), ROS_OK);
  }
  ros_goal_info extra = ginfo(9, 0);
  CHECK_EQ_INT(ros_goal_table_add(&t, &extra, NULL, NULL), ROS_ERR_LIMIT);
  CHECK(t.cap == LMS_MAX_ACTION_GOALS);
  ros_goal_table_fini(&t);
}

static ros_status apply(ros_goal_table *t, const ros_goal_id *id, ros_goal_event ev, int64_t now,
                        ros_goal_status *out, ros_error *e) {
  return ros_goal_table_apply(t, id, ev, now, out, e);
}

TEST(ros_goal_state_table_apply_transitions) {
  ros_goal_table t = {0};
  ros_error e;
  ros_goal_status st = ROS_GOAL_STATUS_UNKNOWN;
  CHECK_EQ_INT(ros_goal_table_init(&t, 8, NULL), ROS_OK);
  ros_goal_info a = ginfo(1, SEC), b = ginfo(2, SEC);
  CHECK_EQ_INT(ros_goal_table_add(&t, &a, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(apply(&t, &b.id, ROS_GOAL_EVENT_EXECUTE, 10, &st, &e), ROS_ERR_NOT_FOUND);
  CHECK_EQ_INT(apply(&t, &a.id, ROS_GOAL_EVENT_SUCCEED, 10, &st, &e), ROS_ERR_STATE);
  CHECK_CONTAINS(e.message, "SUCCEED is not allowed in state ACCEPTED");
  CHECK_EQ_INT(apply(&t, &a.id, ROS_GOAL_EVENT_EXECUTE, 10, &st, NULL), ROS_OK);
  CHECK_EQ_INT(st, ROS_GOAL_STATUS_EXECUTING);
  CHECK_EQ_INT(apply(&t, &a.id, ROS_GOAL_EVENT_CANCELED, 11, &st, &e), ROS_ERR_STATE);
  CHECK_EQ_INT(t.entries[0].status, ROS_GOAL_STATUS_EXECUTING);
  CHECK_EQ_INT(apply(&t, &a.id, ROS_GOAL_EVENT_CANCEL_GOAL, 12, &st, NULL), ROS_OK);
  CHECK_EQ_INT(t.entries[0].ended_ns, 0);
  CHECK_EQ_INT(apply(&t, &a.id, ROS_GOAL_EVENT_CANCELED, 13, &st, NULL), ROS_OK);
  CHECK(st == ROS_GOAL_STATUS_CANCELED && t.entries[0].ended_ns == 13);
  CHECK_EQ_INT(apply(&t, &a.id, ROS_GOAL_EVENT_ABORT, 14, &st, &e), ROS_ERR_STATE);
  CHECK_EQ_INT(ros_goal_table_active_count(&t), 0);
  /* A terminal time of exactly 0 still reads as "ended". */
  CHECK_EQ_INT(ros_goal_table_add(&t, &b, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(apply(&t, &b.id, ROS_GOAL_EVENT_EXECUTE, 0, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(apply(&t, &b.id, ROS_GOAL_EVENT_ABORT, 0, NULL, NULL), ROS_OK);
  CHECK(t.entries[1].ended_ns != 0);
  ros_goal_table_fini(&t);
}

static void count_drop(void *ctx, void *data) {
  int *n = ctx;
  (*n)++;
  CHECK(data != NULL);
}

TEST(ros_goal_state_table_expire_only_finished_after_timeout) {
  ros_goal_table t = {0};
  static const ros_goal_status st[] = {ROS_GOAL_STATUS_SUCCEEDED, ROS_GOAL_STATUS_EXECUTING,
                                       ROS_GOAL_STATUS_ABORTED, ROS_GOAL_STATUS_CANCELING};
  int tag[4];
  table_with(&t, st, 4);
  for (int k = 0; k < 4; k++) t.entries[k].data = &tag[k];
  t.entries[0].ended_ns = 100 * SEC;
  t.entries[2].ended_ns = 105 * SEC;
  int dropped = 0;
  /* exactly timeout after the end is not yet "more than" the timeout */
  CHECK_EQ_INT(ros_goal_table_expire(&t, 110 * SEC, 10 * SEC, count_drop, &dropped), 0);
  CHECK_EQ_INT(ros_goal_table_expire(&t, 110 * SEC + 1, 10 * SEC, count_drop, &dropped), 1);
  CHECK_EQ_INT(dropped, 1);
  CHECK(t.count == 3 && t.entries[0].data == &tag[1]); /* order kept */
  CHECK_EQ_INT(ros_goal_table_expire(&t, 1000 * SEC, 10 * SEC, count_drop, &dropped), 1);
  CHECK(t.count == 2 && t.entries[0].data == &tag[1] && t.entries[1].data == &tag[3]);
  CHECK_EQ_INT(ros_goal_table_expire(&t, INT64_MAX, 0, NULL, NULL), 0); /* active never expire */
  ros_goal_table_fini(&t);
}

TEST(ros_goal_state_table_evict_oldest_terminal) {
  ros_goal_table t = {0};
  static const ros_goal_status st[] = {ROS_GOAL_STATUS_EXECUTING, ROS_GOAL_STATUS_CANCELED,
                                       ROS_GOAL_STATUS_SUCCEEDED};
  int tag[3];
  table_with(&t, st, 3);
  for (int k = 0; k < 3; k++) t.entries[k].data = &tag[k];
  CHECK(ros_goal_table_evict_oldest_terminal(&t) == &tag[1]);
  CHECK(ros_goal_table_evict_oldest_terminal(&t) == &tag[2]);
  CHECK(ros_goal_table_evict_oldest_terminal(&t) == NULL);
  CHECK(t.count == 1 && t.entries[0].data == &tag[0]);
  ros_goal_table_fini(&t);
}

TEST(ros_goal_state_table_admit_received_ids) {
  ros_goal_table t = {0};
  CHECK_EQ_INT(ros_goal_table_init(&t, 2, NULL), ROS_OK);
  void *old = (void *)&t;
  ros_error e;
  ros_goal_id zero;
  memset(&zero, 0, sizeof zero);
  CHECK_EQ_INT(ros_goal_table_admit(&t, &zero, &old, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK(old == NULL);
  CHECK_CONTAINS(e.message, "all zeros");
  int tag[2];
  for (uint8_t k = 1; k <= 2; k++) {
    ros_goal_id id = gid(k);
    CHECK_EQ_INT(ros_goal_table_admit(&t, &id, &old, NULL), ROS_OK);
    ros_goal_info info = ginfo(k, k * SEC);
    CHECK_EQ_INT(ros_goal_table_add(&t, &info, &tag[k - 1], NULL), ROS_OK);
  }
  ros_goal_id dup = gid(1), fresh = gid(3);
  CHECK_EQ_INT(ros_goal_table_admit(&t, &dup, &old, &e), ROS_ERR_STATE);
  CHECK_CONTAINS(e.message, "exists");
  /* Full of active goals: refused, nothing removed. */
  CHECK_EQ_INT(ros_goal_table_admit(&t, &fresh, &old, &e), ROS_ERR_LIMIT);
  CHECK(old == NULL && t.count == 2);
  /* Full, with a finished goal: that one goes to make room, and its owner gets it back. */
  ros_goal_id second = gid(2);
  CHECK_EQ_INT(ros_goal_table_apply(&t, &second, ROS_GOAL_EVENT_EXECUTE, 0, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(ros_goal_table_apply(&t, &second, ROS_GOAL_EVENT_SUCCEED, 1, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(ros_goal_table_admit(&t, &fresh, &old, NULL), ROS_OK);
  CHECK(old == &tag[1] && t.count == 1);
  ros_goal_table_fini(&t);
}

/* --- §4.5, one case per row; goals 1..6 stamped 1..6 s --- */
static const ros_goal_status six[] = {ROS_GOAL_STATUS_ACCEPTED,  ROS_GOAL_STATUS_EXECUTING,
                                      ROS_GOAL_STATUS_CANCELING, ROS_GOAL_STATUS_SUCCEEDED,
                                      ROS_GOAL_STATUS_EXECUTING, ROS_GOAL_STATUS_ABORTED};

static ros_cancel_code match(const ros_goal_table *t, uint8_t id, int64_t stamp, size_t *out,
                             size_t *n) {
  ros_goal_info req = {{{0}}, stamp};
  if (id) req.id = gid(id);
  return ros_goal_cancel_match(t, &req, out, n);
}

TEST(ros_goal_state_cancel_id_only) {
  ros_goal_table t = {0};
  size_t out[8], n = 99;
  table_with(&t, six, 6);
  CHECK_EQ_INT(match(&t, 2, 0, out, &n), ROS_CANCEL_NONE);
  CHECK(n == 1 && out[0] == 1);
  CHECK_EQ_INT(match(&t, 1, 0, out, &n), ROS_CANCEL_NONE);
  CHECK(n == 1 && out[0] == 0);
  CHECK_EQ_INT(match(&t, 4, 0, out, &n), ROS_CANCEL_GOAL_TERMINATED); /* found, finished */
  CHECK_EQ_INT(n, 0);
  CHECK_EQ_INT(match(&t, 3, 0, out, &n), ROS_CANCEL_GOAL_TERMINATED); /* found, already canceling */
  CHECK_EQ_INT(n, 0);
  CHECK_EQ_INT(match(&t, 9, 0, out, &n), ROS_CANCEL_UNKNOWN_GOAL_ID);
  CHECK_EQ_INT(n, 0);
  ros_goal_table_fini(&t);
}

TEST(ros_goal_state_cancel_all) {
  ros_goal_table t = {0};
  size_t out[8], n = 99;
  table_with(&t, six, 6);
  CHECK_EQ_INT(match(&t, 0, 0, out, &n), ROS_CANCEL_NONE);
  CHECK(n == 3 && out[0] == 0 && out[1] == 1 && out[2] == 4); /* cancelable ones, in order */
  ros_goal_table_fini(&t);
  table_with(&t, six + 2, 2); /* nothing cancelable: NONE with an empty list */
  CHECK_EQ_INT(match(&t, 0, 0, out, &n), ROS_CANCEL_NONE);
  CHECK_EQ_INT(n, 0);
  ros_goal_table_fini(&t);
}

TEST(ros_goal_state_cancel_before_stamp) {
  ros_goal_table t = {0};
  size_t out[8], n = 99;
  table_with(&t, six, 6);
  CHECK_EQ_INT(match(&t, 0, 2 * SEC, out, &n), ROS_CANCEL_NONE); /* stamp <= t, inclusive */
  CHECK(n == 2 && out[0] == 0 && out[1] == 1);
  CHECK_EQ_INT(match(&t, 0, 2 * SEC - 1, out, &n), ROS_CANCEL_NONE);
  CHECK(n == 1 && out[0] == 0);
  CHECK_EQ_INT(match(&t, 0, 100 * SEC, out, &n), ROS_CANCEL_NONE);
  CHECK(n == 3 && out[2] == 4);
  CHECK_EQ_INT(match(&t, 0, 1, out, &n), ROS_CANCEL_NONE); /* before every goal */
  CHECK_EQ_INT(n, 0);
  ros_goal_table_fini(&t);
}

TEST(ros_goal_state_cancel_id_and_stamp) {
  ros_goal_table t = {0};
  size_t out[8], n = 99;
  table_with(&t, six, 6);
  CHECK_EQ_INT(match(&t, 5, 1 * SEC, out, &n), ROS_CANCEL_NONE); /* goal 5 plus stamps <= 1 s */
  CHECK(n == 2 && out[0] == 0 && out[1] == 4);
  CHECK_EQ_INT(match(&t, 1, 2 * SEC, out, &n), ROS_CANCEL_NONE); /* id inside the range: once */
  CHECK(n == 2 && out[0] == 0 && out[1] == 1);
  CHECK_EQ_INT(match(&t, 9, 1 * SEC, out, &n), ROS_CANCEL_NONE); /* unknown id: no special code */
  CHECK(n == 1 && out[0] == 0);
  CHECK_EQ_INT(match(&t, 4, 1, out, &n), ROS_CANCEL_NONE); /* finished id: no special code */
  CHECK_EQ_INT(n, 0);
  ros_goal_table_fini(&t);
}

TEST(ros_goal_state_cancel_code_after_user) {
  CHECK_EQ_INT(ros_goal_cancel_code(ROS_CANCEL_UNKNOWN_GOAL_ID, 0, 0), ROS_CANCEL_UNKNOWN_GOAL_ID);
  CHECK_EQ_INT(ros_goal_cancel_code(ROS_CANCEL_GOAL_TERMINATED, 0, 0), ROS_CANCEL_GOAL_TERMINATED);
  CHECK_EQ_INT(ros_goal_cancel_code(ROS_CANCEL_NONE, 0, 0), ROS_CANCEL_NONE);
  CHECK_EQ_INT(ros_goal_cancel_code(ROS_CANCEL_NONE, 3, 0), ROS_CANCEL_REJECTED);
  CHECK_EQ_INT(ros_goal_cancel_code(ROS_CANCEL_NONE, 3, 1), ROS_CANCEL_NONE);
  CHECK_EQ_INT(ros_goal_cancel_code(ROS_CANCEL_NONE, 1, 1), ROS_CANCEL_NONE);
}

TEST(ros_goal_state_status_array_content) {
  ros_goal_table t = {0};
  action_msgs_msg_dds__GoalStatusArray_ a;
  CHECK_EQ_INT(ros_goal_table_init(&t, 8, NULL), ROS_OK);
  CHECK_EQ_INT(ros_goal_table_status_array(&t, &a, NULL), ROS_OK); /* no goals: empty list */
  CHECK(a.status_list._length == 0 && a.status_list._buffer == NULL);
  ros_goal_status_array_fini(&a);
  ros_goal_info g1 = ginfo(1, INT64_C(1763000000) * SEC + 5), g2 = ginfo(2, 7 * SEC + 999999999);
  CHECK_EQ_INT(ros_goal_table_add(&t, &g1, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(ros_goal_table_add(&t, &g2, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(apply(&t, &g1.id, ROS_GOAL_EVENT_EXECUTE, 1, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(apply(&t, &g1.id, ROS_GOAL_EVENT_SUCCEED, 2, NULL, NULL), ROS_OK);
  CHECK_EQ_INT(ros_goal_table_status_array(&t, &a, NULL), ROS_OK);
  CHECK_EQ_INT(a.status_list._length, 2);
  CHECK(!a.status_list._release);
  const action_msgs_msg_dds__GoalStatus_ *s = a.status_list._buffer;
  CHECK(memcmp(s[0].goal_info.goal_id.uuid, g1.id.uuid, 16) == 0);
  CHECK(s[0].goal_info.stamp.sec == 1763000000 && s[0].goal_info.stamp.nanosec == 5);
  CHECK_EQ_INT(s[0].status, action_msgs__msg__GoalStatus__STATUS_SUCCEEDED);
  CHECK(memcmp(s[1].goal_info.goal_id.uuid, g2.id.uuid, 16) == 0);
  CHECK(s[1].goal_info.stamp.sec == 7 && s[1].goal_info.stamp.nanosec == 999999999u);
  CHECK_EQ_INT(s[1].status, action_msgs__msg__GoalStatus__STATUS_ACCEPTED);
  ros_goal_status_array_fini(&a);
  ros_goal_status_array_fini(NULL);
  CHECK(a.status_list._buffer == NULL);
  ros_goal_table_fini(&t);
}

TEST(ros_goal_state_action_type_descriptor) {
  static const ros_action_type chat = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
  CHECK_EQ_STR(chat.name, "lm_studio_interfaces/action/ChatCompletion");
  CHECK(ros_action_type_check(&chat));
  CHECK_EQ_INT(chat.goal_offset, 32);     /* header 16 + UUID 16 */
  CHECK_EQ_INT(chat.feedback_offset, 16); /* UUID 16 */
  CHECK(chat.result == &lm_studio_interfaces_action_dds__ChatCompletion_Result__desc);
  static const ros_action_type text = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);
  CHECK(ros_action_type_check(&text));
  ros_action_type bad = chat;
  bad.result = text.result; /* a section of another action */
  CHECK(!ros_action_type_check(&bad));
  bad = chat;
  bad.name = "lm_studio_interfaces/action/Nope";
  CHECK(!ros_action_type_check(&bad));
  bad = chat;
  bad.goal_size--;
  CHECK(!ros_action_type_check(&bad));
  CHECK(!ros_action_type_check(NULL));
}
