/* test_ros_params_check.c: the pure rules of the parameter server (ros_params_check.h):
 * names, descriptors, type and range checks with rclcpp's arithmetic, list_parameters'
 * prefix/depth selection and the describe text of a secret. No DDS. */
#include <math.h>
#include <stdint.h>

#include "ros_params_check.h"
#include "ros_params_internal.h"
#include "testing.h"

static ros_param_value int_value(int64_t i) {
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_integer(&v, i);
  return v;
}

static ros_param_value double_value(double d) {
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_double(&v, d);
  return v;
}

TEST(ros_params_name_ok_accepts_dotted_words) {
  CHECK(ros_params_name_ok("rate", NULL, 0));
  CHECK(ros_params_name_ok("camera.fps", NULL, 0));
  CHECK(ros_params_name_ok("a_1.B_2.c3", NULL, 0));
  CHECK(ros_params_name_ok("use_sim_time", NULL, 0));
  CHECK(ros_params_name_ok("qos_overrides./parameter_events.publisher.depth", NULL, 0));
}

TEST(ros_params_name_ok_refuses_bad_names) {
  char r[256];
  CHECK(!ros_params_name_ok(NULL, r, sizeof r));
  CHECK(!ros_params_name_ok("", r, sizeof r));
  CHECK_CONTAINS(r, "empty");
  CHECK(!ros_params_name_ok(".a", r, sizeof r));
  CHECK(!ros_params_name_ok("a.", r, sizeof r));
  CHECK_CONTAINS(r, "ends with a dot");
  CHECK(!ros_params_name_ok("a..b", r, sizeof r));
  CHECK(!ros_params_name_ok("a b", r, sizeof r));
  CHECK(!ros_params_name_ok("a-b", r, sizeof r));
  CHECK_CONTAINS(r, "'a-b'");
  char longname[ROS_PARAMS_NAME_MAX + 2];
  memset(longname, 'x', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  CHECK(!ros_params_name_ok(longname, r, sizeof r));
  longname[ROS_PARAMS_NAME_MAX] = '\0';
  CHECK(ros_params_name_ok(longname, r, sizeof r));
}

TEST(ros_params_descriptor_ok_refuses_inconsistent_descriptors) {
  char r[256];
  ros_param_descriptor d = {0};
  CHECK(ros_params_descriptor_ok("p", &d, ROS_PARAM_INTEGER, r, sizeof r));
  d.integer_range = (ros_param_integer_range){true, 5, 1, 0};
  CHECK(!ros_params_descriptor_ok("p", &d, ROS_PARAM_INTEGER, r, sizeof r));
  CHECK_CONTAINS(r, "above");
  d.integer_range = (ros_param_integer_range){true, 0, 10, 1};
  CHECK(ros_params_descriptor_ok("p", &d, ROS_PARAM_INTEGER_ARRAY, r, sizeof r));
  CHECK(!ros_params_descriptor_ok("p", &d, ROS_PARAM_DOUBLE, r, sizeof r));
  CHECK_CONTAINS(r, "integer range needs type integer");
  d.floating_point_range = (ros_param_floating_point_range){true, 0, 1, 0};
  CHECK(!ros_params_descriptor_ok("p", &d, ROS_PARAM_INTEGER, r, sizeof r));
  CHECK_CONTAINS(r, "not both");
  d.integer_range.set = false;
  CHECK(ros_params_descriptor_ok("p", &d, ROS_PARAM_DOUBLE, r, sizeof r));
  d.floating_point_range.step = -1;
  CHECK(!ros_params_descriptor_ok("p", &d, ROS_PARAM_DOUBLE, r, sizeof r));
  d.floating_point_range = (ros_param_floating_point_range){true, 0, INFINITY, 0};
  CHECK(!ros_params_descriptor_ok("p", &d, ROS_PARAM_DOUBLE, r, sizeof r));
  d.floating_point_range.set = false;
  d.secret = true;
  CHECK(ros_params_descriptor_ok("key", &d, ROS_PARAM_STRING, r, sizeof r));
  CHECK(!ros_params_descriptor_ok("key", &d, ROS_PARAM_INTEGER, r, sizeof r));
  CHECK_CONTAINS(r, "secret");
  d.dynamic_typing = true;
  CHECK(!ros_params_descriptor_ok("key", &d, ROS_PARAM_STRING, r, sizeof r));
  d = (ros_param_descriptor){0};
  d.type = (ros_param_type)42;
  CHECK(!ros_params_descriptor_ok("p", &d, ROS_PARAM_INTEGER, r, sizeof r));
}

TEST(ros_params_int_in_range_follows_rclcpp) {
  ros_param_integer_range r = {true, 0, 10, 3};
  CHECK(ros_params_int_in_range(&r, 0));
  CHECK(ros_params_int_in_range(&r, 3));
  CHECK(ros_params_int_in_range(&r, 9));
  CHECK(ros_params_int_in_range(&r, 10)); /* `to` always passes, even off the step */
  CHECK(!ros_params_int_in_range(&r, 4));
  CHECK(!ros_params_int_in_range(&r, -1));
  CHECK(!ros_params_int_in_range(&r, 11));
  r.step = 0;
  CHECK(ros_params_int_in_range(&r, 7));
  /* The whole int64 span: the difference must not overflow. */
  ros_param_integer_range all = {true, INT64_MIN, INT64_MAX, 2};
  CHECK(ros_params_int_in_range(&all, INT64_MIN + 2));
  CHECK(!ros_params_int_in_range(&all, INT64_MIN + 1));
  CHECK(ros_params_int_in_range(&all, INT64_MAX));
  ros_param_integer_range unset = {false, 0, 0, 0};
  CHECK(ros_params_int_in_range(&unset, 12345));
}

TEST(ros_params_double_in_range_uses_rclcpp_tolerance) {
  ros_param_floating_point_range r = {true, 0.0, 1.0, 0.1};
  CHECK(ros_params_double_in_range(&r, 0.0));
  CHECK(ros_params_double_in_range(&r, 0.1 + 0.2)); /* 0.30000000000000004 */
  CHECK(ros_params_double_in_range(&r, 0.7));
  CHECK(ros_params_double_in_range(&r, 1.0));
  CHECK(ros_params_double_in_range(&r, 1.0 + 1e-17));
  CHECK(!ros_params_double_in_range(&r, 0.35));
  CHECK(!ros_params_double_in_range(&r, 1.1));
  CHECK(!ros_params_double_in_range(&r, -0.1));
  CHECK(!ros_params_double_in_range(&r, NAN));
  r.step = 0;
  CHECK(ros_params_double_in_range(&r, 0.123));
  CHECK(!ros_params_double_in_range(&r, INFINITY));
}

TEST(ros_params_check_type_words_refusals_as_rclcpp) {
  char r[256];
  ros_param_value v = int_value(3);
  CHECK(ros_params_check_type("rate", ROS_PARAM_INTEGER, false, &v, r, sizeof r));
  CHECK(!ros_params_check_type("rate", ROS_PARAM_DOUBLE, false, &v, r, sizeof r));
  CHECK_EQ_STR(r, "Wrong parameter type, parameter {rate} is of type {double}, setting it to "
                  "{integer} is not allowed.");
  CHECK(ros_params_check_type("rate", ROS_PARAM_DOUBLE, true, &v, r, sizeof r));
  ros_param_value unset;
  ros_param_value_init(&unset);
  CHECK(!ros_params_check_type("rate", ROS_PARAM_DOUBLE, false, &unset, r, sizeof r));
  CHECK_CONTAINS(r, "cannot undeclare a statically typed parameter");
  CHECK(ros_params_check_type("rate", ROS_PARAM_NOT_SET, true, &unset, r, sizeof r));
  /* "[]" (an empty STRING_ARRAY) fits any array type, and is retyped. */
  ros_param_value empty;
  ros_param_value_init(&empty);
  CHECK(ros_param_value_set_string_array(&empty, NULL, 0) == ROS_PARAM_OK);
  CHECK(ros_params_check_type("ids", ROS_PARAM_INTEGER_ARRAY, false, &empty, r, sizeof r));
  CHECK(!ros_params_check_type("ids", ROS_PARAM_INTEGER, false, &empty, r, sizeof r));
  CHECK(ros_params_adapt_empty_array(&empty, ROS_PARAM_INTEGER_ARRAY));
  CHECK_EQ_INT(empty.type, ROS_PARAM_INTEGER_ARRAY);
  CHECK_EQ_INT(empty.array_len, 0);
  CHECK(!ros_params_adapt_empty_array(&empty, ROS_PARAM_INTEGER_ARRAY));
  CHECK(!ros_params_adapt_empty_array(&v, ROS_PARAM_INTEGER_ARRAY));
  ros_param_value_fini(&empty);
  v.type = (ros_param_type)77;
  CHECK(!ros_params_check_type("rate", ROS_PARAM_INTEGER, true, &v, r, sizeof r));
}

TEST(ros_params_check_range_quotes_the_range) {
  char r[256];
  ros_param_descriptor d = {0};
  d.integer_range = (ros_param_integer_range){true, 0, 10, 2};
  ros_param_value v = int_value(12);
  CHECK(!ros_params_check_range("depth", &d, &v, r, sizeof r));
  CHECK_EQ_STR(r, "parameter 'depth': 12 is outside the integer range [0, 10]");
  v = int_value(3);
  CHECK(!ros_params_check_range("depth", &d, &v, r, sizeof r));
  CHECK_EQ_STR(r, "parameter 'depth': 3 is not on the integer range [0, 10] with step 2");
  v = int_value(4);
  CHECK(ros_params_check_range("depth", &d, &v, r, sizeof r));
  /* Arrays: each element. */
  ros_param_value arr;
  ros_param_value_init(&arr);
  int64_t elems[] = {0, 2, 11};
  CHECK(ros_param_value_set_integer_array(&arr, elems, 3) == ROS_PARAM_OK);
  CHECK(!ros_params_check_range("depth", &d, &arr, r, sizeof r));
  CHECK_CONTAINS(r, "11 is outside");
  ros_param_value_fini(&arr);
  d.integer_range.set = false;
  d.floating_point_range = (ros_param_floating_point_range){true, 0.0, 2.0, 0.0};
  ros_param_value t = double_value(2.5);
  CHECK(!ros_params_check_range("temperature", &d, &t, r, sizeof r));
  CHECK_EQ_STR(r, "parameter 'temperature': 2.5 is outside the floating-point range [0, 2]");
  /* A range never looks at other types. */
  v = int_value(99);
  CHECK(ros_params_check_range("temperature", &d, &v, r, sizeof r));
}

TEST(ros_params_check_range_hides_secret_values) {
  char r[256];
  ros_param_descriptor d = {0};
  d.secret = true;
  d.integer_range = (ros_param_integer_range){true, 0, 10, 0};
  ros_param_value v = int_value(424242);
  CHECK(!ros_params_check_range("pin", &d, &v, r, sizeof r));
  CHECK(strstr(r, "424242") == NULL);
  CHECK_CONTAINS(r, "value is outside");
}

TEST(ros_params_list_match_follows_prefix_and_depth_rules) {
  const char *none[] = {NULL};
  /* No prefixes: depth 0 lists all, depth d names with fewer than d dots. */
  CHECK(ros_params_list_match("a.b.c", none, 0, 0));
  CHECK(ros_params_list_match("a", none, 0, 1));
  CHECK(!ros_params_list_match("a.b", none, 0, 1));
  CHECK(ros_params_list_match("a.b", none, 0, 2));
  const char *p[] = {"camera"};
  CHECK(ros_params_list_match("camera", p, 1, 0));
  CHECK(ros_params_list_match("camera.fps", p, 1, 0));
  CHECK(ros_params_list_match("camera.a.b.c", p, 1, 0));
  CHECK(!ros_params_list_match("cameras", p, 1, 0));
  CHECK(!ros_params_list_match("cameraX.fps", p, 1, 0));
  CHECK(!ros_params_list_match("rate", p, 1, 0));
  /* Depth counts the dots of what follows "camera.". */
  CHECK(ros_params_list_match("camera.fps", p, 1, 1));
  CHECK(!ros_params_list_match("camera.lens.focal", p, 1, 1));
  CHECK(ros_params_list_match("camera.lens.focal", p, 1, 2));
  CHECK(ros_params_list_match("camera", p, 1, 1)); /* equal to a prefix: always */
  const char *two[] = {"x", "camera.lens"};
  CHECK(ros_params_list_match("camera.lens.focal", two, 2, 1));
  CHECK(ros_params_list_match("x.y", two, 2, 1));
  CHECK(!ros_params_list_match("camera.fps", two, 2, 0));
}

TEST(ros_params_name_prefix_len_is_up_to_last_dot) {
  CHECK_EQ_INT(ros_params_name_prefix_len("rate"), 0);
  CHECK_EQ_INT(ros_params_name_prefix_len("camera.fps"), 6);
  CHECK_EQ_INT(ros_params_name_prefix_len("a.b.c"), 3);
}

TEST(ros_params_constraints_text_notes_secrets) {
  char out[256];
  ros_param_descriptor d = {0};
  CHECK_EQ_INT(ros_params_constraints_text(&d, out, sizeof out), 0);
  CHECK_EQ_STR(out, "");
  d.additional_constraints = "must start with sk-";
  ros_params_constraints_text(&d, out, sizeof out);
  CHECK_EQ_STR(out, "must start with sk-");
  d.secret = true;
  ros_params_constraints_text(&d, out, sizeof out);
  CHECK_EQ_STR(out, "must start with sk-; secret: reads and parameter events show '<hidden>' "
                    "instead of the value");
  char small[8];
  CHECK_EQ_INT(ros_params_constraints_text(&d, small, sizeof small), 7);
  CHECK_EQ_INT(ros_params_constraints_text(&d, NULL, 0), 0);
}

/* ros_params_answer: the services' answers computed apart from DDS, on a store with no node,
 * for requests as a peer may send them (unknown names, NULL strings, any type code). */
TEST(ros_params_answer_received_requests) {
  struct ros_param_server *ps = ros_param_server_new_detached();
  CHECK(ps);
  ros_param_value v;
  ros_param_value_init(&v);
  CHECK(ros_param_value_set_string(&v, "s3cret") == ROS_PARAM_OK);
  ros_param_descriptor secret = {.type = ROS_PARAM_STRING, .secret = true};
  CHECK_EQ_INT(ros_params_declare_on(ps, "api_key", &v, &secret, NULL), ROS_OK);
  ros_param_value_set_integer(&v, 5);
  ros_param_descriptor ranged = {.type = ROS_PARAM_INTEGER, .integer_range = {true, 0, 10, 0}};
  CHECK_EQ_INT(ros_params_declare_on(ps, "limits.count", &v, &ranged, NULL), ROS_OK);
  ros_param_value_fini(&v);
  ros_params_response rs;
  ros_params_scratch sc;

  char *names[] = {"limits.count", "api_key"};
  rcl_interfaces_srv_dds__GetParameters_Request_ get = {0};
  get.names._buffer = names;
  get.names._length = 2;
  ros_params_answer(ps, ROS_PARAMS_SRV_GET, &get, &rs, &sc);
  CHECK_EQ_INT(rs.get.values._length, 2);
  CHECK_EQ_INT(rs.get.values._buffer[0].integer_value, 5);
  CHECK_EQ_STR(rs.get.values._buffer[1].string_value, ROS_PARAM_SECRET_PLACEHOLDER);
  ros_params_scratch_free(&sc);
  char *bad_names[] = {"limits.count", NULL};
  get.names._buffer = bad_names;
  ros_params_answer(ps, ROS_PARAMS_SRV_GET, &get, &rs, &sc); /* a NULL name: undeclared answer */
  CHECK_EQ_INT(rs.get.values._length, 0);
  ros_params_scratch_free(&sc);

  rcl_interfaces_msg_dds__Parameter_ p[3];
  memset(p, 0, sizeof p);
  p[0].name = "limits.count";
  p[0].value.type = ROS_PARAM_INTEGER;
  p[0].value.integer_value = 11; /* out of range */
  p[1].name = "api_key";
  p[1].value.type = 200; /* no such type */
  p[2].name = NULL;
  rcl_interfaces_srv_dds__SetParameters_Request_ set = {0};
  set.parameters._buffer = p;
  set.parameters._length = 3;
  ros_params_answer(ps, ROS_PARAMS_SRV_SET, &set, &rs, &sc);
  CHECK_EQ_INT(rs.set.results._length, 3);
  for (int i = 0; i < 3; i++) CHECK(!rs.set.results._buffer[i].successful && rs.set.results._buffer[i].reason[0]);
  CHECK_CONTAINS(rs.set.results._buffer[0].reason, "limits.count");
  CHECK_CONTAINS(rs.set.results._buffer[2].reason, "no name");
  ros_params_scratch_free(&sc);
  ros_params_answer(ps, ROS_PARAMS_SRV_SET_ATOMIC, &set, &rs, &sc);
  CHECK(!rs.set_atomic.result.successful);
  CHECK(!strstr(rs.set_atomic.result.reason, "s3cret"));
  ros_params_scratch_free(&sc);

  rcl_interfaces_srv_dds__ListParameters_Request_ list = {0};
  ros_params_answer(ps, ROS_PARAMS_SRV_LIST, &list, &rs, &sc);
  CHECK_EQ_INT(rs.list.result.names._length, 2);
  CHECK_EQ_INT(rs.list.result.prefixes._length, 1);
  CHECK_EQ_STR(rs.list.result.prefixes._buffer[0], "limits");
  ros_params_scratch_free(&sc);
  ros_param_server_destroy(ps);
}
