/* test_ros_params_srv.c: the six parameter services and /parameter_events, seen by a
 * ROS-style client (ros_client) on loopback: rclcpp's answers for get/types/describe/list,
 * set_parameters one result per entry, set_parameters_atomically all or nothing, events for
 * declare/set/undeclare, the set callback (one by one vs all at once, refusal with reason),
 * read-only refusal and secrets (never served, never in events). One domain per case. */
#include <stdlib.h>

#include "ros_params_fixture.h"
#include "testing.h"

typedef rcl_interfaces_srv_dds__GetParameters_Request_ get_rq;
typedef rcl_interfaces_srv_dds__GetParameters_Response_ get_rs;

static void get(fx *f, const char *const *names, size_t n, get_rs *rs) {
  get_rq rq;
  memset(&rq, 0, sizeof rq);
  STRSEQ(rq.names, names, n);
  call(f, C_GET, &rq, rs);
}

/* One Parameter entry of a set request (borrowing name and value strings). */
static rcl_interfaces_msg_dds__Parameter_ param_int(const char *name, int64_t i) {
  rcl_interfaces_msg_dds__Parameter_ p;
  memset(&p, 0, sizeof p);
  p.name = (char *)name;
  p.value.type = ROS_PARAM_INTEGER;
  p.value.integer_value = i;
  p.value.string_value = (char *)"";
  return p;
}

static rcl_interfaces_msg_dds__Parameter_ param_str(const char *name, const char *s) {
  rcl_interfaces_msg_dds__Parameter_ p = param_int(name, 0);
  p.value.type = ROS_PARAM_STRING;
  p.value.string_value = (char *)s;
  return p;
}

static rcl_interfaces_msg_dds__Parameter_ param_dbl(const char *name, double d) {
  rcl_interfaces_msg_dds__Parameter_ p = param_int(name, 0);
  p.value.type = ROS_PARAM_DOUBLE;
  p.value.double_value = d;
  return p;
}

#define PSEQ(seq, arr, n) \
  do { (seq)._maximum = (seq)._length = (uint32_t)(n); (seq)._buffer = (arr); (seq)._release = false; } while (0)

TEST(ros_params_get_parameters_answers_as_rclcpp) {
  fx f;
  fx_start(&f, false);
  get_rs rs;
  const char *names[] = {"max_tokens", "temperature", "model", "api_key"};
  get(&f, names, 4, &rs);
  CHECK_EQ_INT(rs.values._length, 4);
  CHECK_EQ_INT(rs.values._buffer[0].type, ROS_PARAM_INTEGER);
  CHECK_EQ_INT(rs.values._buffer[0].integer_value, 256);
  CHECK(rs.values._buffer[1].double_value == 0.7);
  CHECK_EQ_STR(rs.values._buffer[2].string_value, "qwen");
  CHECK_EQ_INT(rs.values._buffer[3].type, ROS_PARAM_STRING);
  CHECK_EQ_STR(rs.values._buffer[3].string_value, ROS_PARAM_SECRET_PLACEHOLDER);
  resp_free(&f, C_GET, &rs);
  /* Any undeclared name: an empty list. */
  const char *some[] = {"model", "nope"};
  get(&f, some, 2, &rs);
  CHECK_EQ_INT(rs.values._length, 0);
  resp_free(&f, C_GET, &rs);
  /* Types: the same rule. */
  rcl_interfaces_srv_dds__GetParameterTypes_Request_ trq;
  rcl_interfaces_srv_dds__GetParameterTypes_Response_ trs;
  memset(&trq, 0, sizeof trq);
  STRSEQ(trq.names, names, 4);
  call(&f, C_TYPES, &trq, &trs);
  CHECK_EQ_INT(trs.types._length, 4);
  CHECK_EQ_INT(trs.types._buffer[1], ROS_PARAM_DOUBLE);
  CHECK_EQ_INT(trs.types._buffer[3], ROS_PARAM_STRING);
  resp_free(&f, C_TYPES, &trs);
  STRSEQ(trq.names, some, 2);
  call(&f, C_TYPES, &trq, &trs);
  CHECK_EQ_INT(trs.types._length, 0);
  resp_free(&f, C_TYPES, &trs);
  fx_fini(&f);
}

TEST(ros_params_describe_parameters_reports_descriptors) {
  fx f;
  fx_start(&f, false);
  rcl_interfaces_srv_dds__DescribeParameters_Request_ rq;
  rcl_interfaces_srv_dds__DescribeParameters_Response_ rs;
  memset(&rq, 0, sizeof rq);
  const char *names[] = {"temperature", "max_tokens", "api_key", "node_version", "camera.fps"};
  STRSEQ(rq.names, names, 5);
  call(&f, C_DESCRIBE, &rq, &rs);
  CHECK_EQ_INT(rs.descriptors._length, 5);
  const rcl_interfaces_msg_dds__ParameterDescriptor_ *d = rs.descriptors._buffer;
  CHECK_EQ_STR(d[0].name, "temperature");
  CHECK_EQ_INT(d[0].type, ROS_PARAM_DOUBLE);
  CHECK_EQ_STR(d[0].description, "sampling temperature");
  CHECK_EQ_INT(d[0].floating_point_range._length, 1);
  CHECK(d[0].floating_point_range._buffer[0].to_value == 2.0);
  CHECK_EQ_INT(d[0].integer_range._length, 0);
  CHECK_EQ_INT(d[1].integer_range._length, 1);
  CHECK_EQ_INT(d[1].integer_range._buffer[0].from_value, 1);
  CHECK_EQ_INT(d[1].integer_range._buffer[0].to_value, 4096);
  CHECK_EQ_INT(d[1].integer_range._buffer[0].step, 1);
  CHECK_CONTAINS(d[2].additional_constraints, "secret");
  CHECK(d[3].read_only && !d[3].dynamic_typing);
  CHECK(d[4].dynamic_typing);
  CHECK_EQ_INT(d[4].type, ROS_PARAM_INTEGER);
  resp_free(&f, C_DESCRIBE, &rs);
  const char *bad[] = {"temperature", "nope"};
  STRSEQ(rq.names, bad, 2);
  call(&f, C_DESCRIBE, &rq, &rs);
  CHECK_EQ_INT(rs.descriptors._length, 0);
  resp_free(&f, C_DESCRIBE, &rs);
  fx_fini(&f);
}

static void list(fx *f, const char *const *prefixes, size_t n, uint64_t depth, char *names, size_t nsize,
                 char *prefs, size_t psize) {
  rcl_interfaces_srv_dds__ListParameters_Request_ rq;
  rcl_interfaces_srv_dds__ListParameters_Response_ rs;
  memset(&rq, 0, sizeof rq);
  STRSEQ(rq.prefixes, prefixes, n);
  rq.depth = depth;
  call(f, C_LIST, &rq, &rs);
  names[0] = prefs[0] = '\0';
  for (uint32_t i = 0; i < rs.result.names._length; i++)
    snprintf(names + strlen(names), nsize - strlen(names), "%s%s", i ? " " : "", rs.result.names._buffer[i]);
  for (uint32_t i = 0; i < rs.result.prefixes._length; i++)
    snprintf(prefs + strlen(prefs), psize - strlen(prefs), "%s%s", i ? " " : "", rs.result.prefixes._buffer[i]);
  resp_free(f, C_LIST, &rs);
}

TEST(ros_params_list_parameters_follows_prefix_and_depth) {
  fx f;
  fx_start(&f, false);
  char names[512], prefs[256];
  list(&f, NULL, 0, 0, names, sizeof names, prefs, sizeof prefs);
  CHECK_EQ_STR(names, "api_key camera.fps camera.lens.focal max_tokens model node_version temperature");
  CHECK_EQ_STR(prefs, "camera camera.lens");
  list(&f, NULL, 0, 1, names, sizeof names, prefs, sizeof prefs);
  CHECK_EQ_STR(names, "api_key max_tokens model node_version temperature");
  CHECK_EQ_STR(prefs, "");
  const char *cam[] = {"camera"};
  list(&f, cam, 1, 0, names, sizeof names, prefs, sizeof prefs);
  CHECK_EQ_STR(names, "camera.fps camera.lens.focal");
  CHECK_EQ_STR(prefs, "camera camera.lens");
  list(&f, cam, 1, 1, names, sizeof names, prefs, sizeof prefs);
  CHECK_EQ_STR(names, "camera.fps");
  const char *two[] = {"model", "camera.lens"};
  list(&f, two, 2, 0, names, sizeof names, prefs, sizeof prefs);
  CHECK_EQ_STR(names, "camera.lens.focal model");
  fx_fini(&f);
}

TEST(ros_params_set_parameters_gives_one_result_per_entry) {
  fx f;
  fx_start(&f, false);
  rcl_interfaces_msg_dds__Parameter_ ps[] = {
      param_int("max_tokens", 512), param_str("nope", "x"), param_str("node_version", "2"),
      param_str("temperature", "hot"), param_dbl("temperature", 9.0), param_str("model", "llama"),
  };
  rcl_interfaces_srv_dds__SetParameters_Request_ rq;
  rcl_interfaces_srv_dds__SetParameters_Response_ rs;
  memset(&rq, 0, sizeof rq);
  PSEQ(rq.parameters, ps, 6);
  call(&f, C_SET, &rq, &rs);
  CHECK_EQ_INT(rs.results._length, 6);
  const rcl_interfaces_msg_dds__SetParametersResult_ *r = rs.results._buffer;
  CHECK(r[0].successful && r[5].successful);
  CHECK(!r[1].successful && !r[2].successful && !r[3].successful && !r[4].successful);
  CHECK_EQ_STR(r[1].reason, "parameter 'nope' cannot be set because it was not declared");
  CHECK_EQ_STR(r[2].reason, "parameter 'node_version' is read-only");
  CHECK_CONTAINS(r[3].reason, "Wrong parameter type, parameter {temperature} is of type {double}");
  CHECK_CONTAINS(r[4].reason, "9 is outside the floating-point range [0, 2]");
  resp_free(&f, C_SET, &rs);
  int64_t mt;
  CHECK_EQ_INT(ros_params_get_int(f.node, "max_tokens", &mt), ROS_OK);
  CHECK_EQ_INT(mt, 512);
  char model[32];
  CHECK_EQ_INT(ros_params_get_string(f.node, "model", model, sizeof model), ROS_OK);
  CHECK_EQ_STR(model, "llama");
  fx_fini(&f);
}

TEST(ros_params_set_atomically_changes_nothing_on_one_bad_value) {
  fx f;
  fx_start(&f, true);
  event_summary ev;
  while (next_event(&f, 200, &ev)) {} /* drain the declare events */
  rcl_interfaces_msg_dds__Parameter_ ps[] = {param_int("max_tokens", 100), param_dbl("temperature", 5.0)};
  rcl_interfaces_srv_dds__SetParametersAtomically_Request_ rq;
  rcl_interfaces_srv_dds__SetParametersAtomically_Response_ rs;
  memset(&rq, 0, sizeof rq);
  PSEQ(rq.parameters, ps, 2);
  call(&f, C_ATOMIC, &rq, &rs);
  CHECK(!rs.result.successful);
  CHECK_CONTAINS(rs.result.reason, "temperature");
  resp_free(&f, C_ATOMIC, &rs);
  int64_t mt;
  CHECK_EQ_INT(ros_params_get_int(f.node, "max_tokens", &mt), ROS_OK);
  CHECK_EQ_INT(mt, 256);
  CHECK(!next_event(&f, 300, &ev));
  /* Both good: one event listing both changes. */
  ps[1] = param_dbl("temperature", 1.5);
  call(&f, C_ATOMIC, &rq, &rs);
  CHECK_MSG(rs.result.successful, "%s", rs.result.reason);
  resp_free(&f, C_ATOMIC, &rs);
  CHECK(next_event(&f, 2000, &ev));
  CHECK_EQ_INT(ev.n_changed, 2);
  CHECK_EQ_STR(ev.node, "/lm_studio_node");
  CHECK_EQ_INT(ros_params_get_int(f.node, "max_tokens", &mt), ROS_OK);
  CHECK_EQ_INT(mt, 100);
  /* An undeclared name refuses the whole request. */
  ps[1] = param_int("nope", 1);
  call(&f, C_ATOMIC, &rq, &rs);
  CHECK(!rs.result.successful);
  CHECK_EQ_STR(rs.result.reason, "parameter 'nope' cannot be set because it was not declared");
  resp_free(&f, C_ATOMIC, &rs);
  fx_fini(&f);
}

TEST(ros_params_events_announce_declare_set_undeclare) {
  const char *argv[] = {"prog"};
  fx f;
  fx_init(&f, 1, argv);
  wait_events_matched(&f);
  ros_error e;
  ros_param_descriptor dy = {.dynamic_typing = true};
  ros_param_value v = int_v(7);
  CHECK(ros_params_declare(f.node, "level", &v, &dy, &e) == ROS_OK);
  event_summary ev;
  CHECK(next_event(&f, 2000, &ev));
  CHECK_EQ_STR(ev.node, "/lm_studio_node");
  CHECK_EQ_INT(ev.n_new, 1);
  CHECK_EQ_INT(ev.n_changed + ev.n_deleted, 0);
  CHECK_EQ_STR(ev.first, "level");
  CHECK_EQ_INT(ev.first_type, ROS_PARAM_INTEGER);
  CHECK_EQ_INT(ev.first_int, 7);
  CHECK(ev.sec > 1600000000);
  v = int_v(8);
  CHECK(ros_params_set(f.node, "level", &v, &e) == ROS_OK);
  CHECK(next_event(&f, 2000, &ev));
  CHECK_EQ_INT(ev.n_changed, 1);
  CHECK_EQ_INT(ev.first_int, 8);
  CHECK(ros_params_undeclare(f.node, "level", &e) == ROS_OK);
  CHECK(next_event(&f, 2000, &ev));
  CHECK_EQ_INT(ev.n_deleted, 1);
  CHECK_EQ_STR(ev.first, "level");
  fx_fini(&f);
}

typedef struct cb_state {
  int calls;
  size_t last_n;
  char seen[256];
} cb_state;

static bool refuse_llama(void *user, const ros_param_change *ch, size_t n, char *reason, size_t size) {
  cb_state *st = user;
  st->calls++;
  st->last_n = n;
  for (size_t i = 0; i < n; i++) {
    snprintf(st->seen + strlen(st->seen), sizeof st->seen - strlen(st->seen), "%s%s", st->seen[0] ? "," : "", ch[i].name);
    if (ch[i].new_value->type == ROS_PARAM_STRING && strcmp(ch[i].new_value->string_value, "llama") == 0) {
      snprintf(reason, size, "model 'llama' is not loaded");
      return false;
    }
  }
  return true;
}

TEST(ros_params_callback_refuses_with_reason) {
  const char *argv[] = {"prog"};
  fx f;
  fx_init(&f, 1, argv);
  declare_common(&f);
  cb_state st = {0};
  CHECK_EQ_INT(ros_params_set_callback(f.node, refuse_llama, &st), ROS_OK);
  fx_clients(&f);
  rcl_interfaces_msg_dds__Parameter_ ps[] = {param_int("max_tokens", 64), param_str("model", "llama")};
  rcl_interfaces_srv_dds__SetParameters_Request_ rq;
  rcl_interfaces_srv_dds__SetParameters_Response_ rs;
  memset(&rq, 0, sizeof rq);
  PSEQ(rq.parameters, ps, 2);
  call(&f, C_SET, &rq, &rs);
  CHECK(rs.results._buffer[0].successful);
  CHECK(!rs.results._buffer[1].successful);
  CHECK_EQ_STR(rs.results._buffer[1].reason, "model 'llama' is not loaded");
  resp_free(&f, C_SET, &rs);
  CHECK_EQ_INT(st.calls, 2); /* one by one */
  CHECK_EQ_INT(st.last_n, 1);
  /* Atomically: one call with both, and nothing applied. */
  rcl_interfaces_srv_dds__SetParametersAtomically_Request_ arq;
  rcl_interfaces_srv_dds__SetParametersAtomically_Response_ ars;
  memset(&arq, 0, sizeof arq);
  ps[0] = param_int("max_tokens", 32);
  PSEQ(arq.parameters, ps, 2);
  call(&f, C_ATOMIC, &arq, &ars);
  CHECK(!ars.result.successful);
  CHECK_EQ_STR(ars.result.reason, "model 'llama' is not loaded");
  resp_free(&f, C_ATOMIC, &ars);
  CHECK_EQ_INT(st.calls, 3);
  CHECK_EQ_INT(st.last_n, 2);
  int64_t mt;
  CHECK_EQ_INT(ros_params_get_int(f.node, "max_tokens", &mt), ROS_OK);
  CHECK_EQ_INT(mt, 64);
  /* Sets from code do not go through the callback. */
  ros_param_value v = str_v("llama");
  CHECK_EQ_INT(ros_params_set(f.node, "model", &v, NULL), ROS_OK);
  ros_param_value_fini(&v);
  CHECK_EQ_INT(st.calls, 3);
  fx_fini(&f);
}

TEST(ros_params_secret_is_never_served_or_published) {
  fx f;
  fx_start(&f, true);
  event_summary ev;
  bool saw_key = false;
  while (next_event(&f, 300, &ev))
    if (strcmp(ev.first, "api_key") == 0) {
      saw_key = true;
      CHECK_EQ_STR(ev.first_string, ROS_PARAM_SECRET_PLACEHOLDER);
    }
  CHECK(saw_key);
  cb_state st = {0};
  CHECK_EQ_INT(ros_params_set_callback(f.node, refuse_llama, &st), ROS_OK);
  /* Setting the placeholder (a dump loaded back) keeps the key and skips the callback. */
  rcl_interfaces_msg_dds__Parameter_ ps[] = {param_str("api_key", ROS_PARAM_SECRET_PLACEHOLDER)};
  rcl_interfaces_srv_dds__SetParameters_Request_ rq;
  rcl_interfaces_srv_dds__SetParameters_Response_ rs;
  memset(&rq, 0, sizeof rq);
  PSEQ(rq.parameters, ps, 1);
  call(&f, C_SET, &rq, &rs);
  CHECK(rs.results._buffer[0].successful);
  resp_free(&f, C_SET, &rs);
  CHECK_EQ_INT(st.calls, 0);
  CHECK(!next_event(&f, 300, &ev));
  char key[64];
  CHECK_EQ_INT(ros_params_get_string(f.node, "api_key", key, sizeof key), ROS_OK);
  CHECK_EQ_STR(key, "sk-very-secret");
  /* A real new key reaches the callback (flagged secret) and the store, not the event. */
  ps[0] = param_str("api_key", "sk-new");
  call(&f, C_SET, &rq, &rs);
  CHECK(rs.results._buffer[0].successful);
  resp_free(&f, C_SET, &rs);
  CHECK_EQ_INT(st.calls, 1);
  CHECK(next_event(&f, 2000, &ev));
  CHECK_EQ_STR(ev.first, "api_key");
  CHECK_EQ_STR(ev.first_string, ROS_PARAM_SECRET_PLACEHOLDER);
  CHECK_EQ_INT(ros_params_get_string(f.node, "api_key", key, sizeof key), ROS_OK);
  CHECK_EQ_STR(key, "sk-new");
  /* A secret keeps its static string type. */
  ps[0] = param_int("api_key", 5);
  call(&f, C_SET, &rq, &rs);
  CHECK(!rs.results._buffer[0].successful);
  resp_free(&f, C_SET, &rs);
  fx_fini(&f);
}

TEST(ros_params_malformed_values_are_refused) {
  fx f;
  fx_start(&f, false);
  rcl_interfaces_msg_dds__Parameter_ ps[] = {param_int("camera.fps", 1)};
  ps[0].value.type = 42;
  rcl_interfaces_srv_dds__SetParameters_Request_ rq;
  rcl_interfaces_srv_dds__SetParameters_Response_ rs;
  memset(&rq, 0, sizeof rq);
  PSEQ(rq.parameters, ps, 1);
  call(&f, C_SET, &rq, &rs);
  CHECK(!rs.results._buffer[0].successful);
  CHECK_CONTAINS(rs.results._buffer[0].reason, "unknown parameter type code 42");
  resp_free(&f, C_SET, &rs);
  /* An empty atomic request is refused, as rclcpp does. */
  rcl_interfaces_srv_dds__SetParametersAtomically_Request_ arq;
  rcl_interfaces_srv_dds__SetParametersAtomically_Response_ ars;
  memset(&arq, 0, sizeof arq);
  call(&f, C_ATOMIC, &arq, &ars);
  CHECK(!ars.result.successful);
  resp_free(&f, C_ATOMIC, &ars);
  fx_fini(&f);
}
