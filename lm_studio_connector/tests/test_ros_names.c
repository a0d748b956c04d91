/* test_ros_names.c: every name rule of ROS2_WIRE.md §1 and §4.1, valid and invalid, with the
 * exact messages; a failed call must leave the output buffer untouched. */
#include "ros/ros_names.h"
#include "testing.h"

static char *repeat(char c, size_t n) {
  char *s = malloc(n + 1);
  memset(s, c, n);
  s[n] = '\0';
  return s;
}

TEST(ros_names_strerror_covers_every_status) {
  for (int s = 0; s < ROS_NAMES_STATUS_COUNT; s++) {
    CHECK(strcmp(ros_names_status_name((ros_names_status)s), "ROS_NAMES_ERR_?") != 0);
    CHECK(strcmp(ros_names_strerror((ros_names_status)s), "Unknown error code.") != 0);
  }
  CHECK_EQ_STR(ros_names_status_name((ros_names_status)ROS_NAMES_STATUS_COUNT), "ROS_NAMES_ERR_?");
  CHECK_EQ_STR(ros_names_strerror((ros_names_status)-1), "Unknown error code.");
}

TEST(ros_names_validate_node_name_accepts_valid) {
  ros_names_error e;
  CHECK_EQ_INT(ros_names_validate_node_name("talker", &e), ROS_NAMES_OK);
  CHECK_EQ_STR(e.message, "");
  CHECK_EQ_INT(ros_names_validate_node_name("_ros2cli_123", NULL), ROS_NAMES_OK);
  char *max = repeat('a', ROS_NODE_NAME_MAX);
  CHECK_EQ_INT(ros_names_validate_node_name(max, &e), ROS_NAMES_OK);
  free(max);
}

TEST(ros_names_validate_node_name_rejects_bad_character) {
  ros_names_error e;
  CHECK_EQ_INT(ros_names_validate_node_name("my-node", &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_EQ_INT(e.code, ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_EQ_INT(e.index, 2);
  CHECK_EQ_STR(e.message, "node name 'my-node' is invalid: character '-' at index 2 is not allowed "
                          "(only A-Z, a-z, 0-9 and _)");
  CHECK_EQ_INT(ros_names_validate_node_name("a/b", &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_EQ_INT(ros_names_validate_node_name("a\nb", &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_EQ_STR(e.message, "node name 'a\\x0ab' is invalid: character 0x0a at index 1 is not allowed "
                          "(only A-Z, a-z, 0-9 and _)");
}

TEST(ros_names_validate_node_name_rejects_empty_digit_long_null) {
  ros_names_error e;
  CHECK_EQ_INT(ros_names_validate_node_name("", &e), ROS_NAMES_ERR_EMPTY);
  CHECK_EQ_STR(e.message, "node name '' is invalid: it is empty");
  CHECK_EQ_INT(ros_names_validate_node_name("9lives", &e), ROS_NAMES_ERR_STARTS_WITH_DIGIT);
  CHECK_EQ_STR(e.message, "node name '9lives' is invalid: it must not start with a digit");
  char *longer = repeat('a', ROS_NODE_NAME_MAX + 1);
  CHECK_EQ_INT(ros_names_validate_node_name(longer, &e), ROS_NAMES_ERR_TOO_LONG);
  CHECK_CONTAINS(e.message, "256 characters, the maximum is 255");
  CHECK_CONTAINS(e.message, "...'");  /* the quoted name is clipped */
  free(longer);
  CHECK_EQ_INT(ros_names_validate_node_name(NULL, &e), ROS_NAMES_ERR_INVALID_ARGUMENT);
  CHECK_EQ_STR(e.message, "node name: NULL");
}

TEST(ros_names_validate_namespace_accepts_valid) {
  CHECK_EQ_INT(ros_names_validate_namespace("/", NULL), ROS_NAMES_OK);
  CHECK_EQ_INT(ros_names_validate_namespace("/robot1/cam", NULL), ROS_NAMES_OK);
  CHECK_EQ_INT(ros_names_validate_namespace("/_hidden/a_1", NULL), ROS_NAMES_OK);
  char *ns = repeat('a', ROS_NAMESPACE_MAX);
  ns[0] = '/';
  CHECK_EQ_INT(ros_names_validate_namespace(ns, NULL), ROS_NAMES_OK);
  free(ns);
}

TEST(ros_names_validate_namespace_rejects_each_rule) {
  ros_names_error e;
  CHECK_EQ_INT(ros_names_validate_namespace("", &e), ROS_NAMES_ERR_EMPTY);
  CHECK_EQ_INT(ros_names_validate_namespace("robot1", &e), ROS_NAMES_ERR_NOT_ABSOLUTE);
  CHECK_EQ_STR(e.message, "namespace 'robot1' is invalid: it must start with '/'");
  CHECK_EQ_INT(ros_names_validate_namespace("/robot1/", &e), ROS_NAMES_ERR_TRAILING_SLASH);
  CHECK_EQ_STR(e.message, "namespace '/robot1/' is invalid: it must not end with '/'");
  CHECK_EQ_INT(ros_names_validate_namespace("/a//b", &e), ROS_NAMES_ERR_DOUBLE_SLASH);
  CHECK_EQ_INT(e.index, 3); /* the second slash, as rmw reports it */
  CHECK_EQ_STR(e.message, "namespace '/a//b' is invalid: it contains '//' at index 2");
  CHECK_EQ_INT(ros_names_validate_namespace("/a/1b", &e), ROS_NAMES_ERR_STARTS_WITH_DIGIT);
  CHECK_EQ_STR(e.message, "namespace '/a/1b' is invalid: the token at index 3 starts with a digit");
  CHECK_EQ_INT(ros_names_validate_namespace("/a-b", &e), ROS_NAMES_ERR_BAD_CHARACTER);
  char *ns = repeat('a', ROS_NAMESPACE_MAX + 1);
  ns[0] = '/';
  CHECK_EQ_INT(ros_names_validate_namespace(ns, &e), ROS_NAMES_ERR_TOO_LONG);
  CHECK_CONTAINS(e.message, "246 characters, the maximum is 245");
  free(ns);
  CHECK_EQ_INT(ros_names_validate_namespace(NULL, &e), ROS_NAMES_ERR_INVALID_ARGUMENT);
}

TEST(ros_names_normalize_namespace_makes_absolute) {
  char out[ROS_NAME_BUF_SIZE];
  CHECK_EQ_INT(ros_names_normalize_namespace("", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "/");
  CHECK_EQ_INT(ros_names_normalize_namespace(NULL, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "/");
  CHECK_EQ_INT(ros_names_normalize_namespace("foo", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "/foo");
  CHECK_EQ_INT(ros_names_normalize_namespace("foo/bar", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "/foo/bar");
  CHECK_EQ_INT(ros_names_normalize_namespace("/x", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "/x");
}

TEST(ros_names_normalize_namespace_failure_leaves_output) {
  ros_names_error e;
  char out[8] = "keep";
  CHECK_EQ_INT(ros_names_normalize_namespace("foo/", out, sizeof out, &e), ROS_NAMES_ERR_TRAILING_SLASH);
  CHECK_EQ_STR(e.message, "namespace '/foo/' is invalid: it must not end with '/'");
  CHECK_EQ_STR(out, "keep");
  CHECK_EQ_INT(ros_names_normalize_namespace("/abcdefgh", out, sizeof out, &e), ROS_NAMES_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ_STR(out, "keep");
  CHECK_EQ_INT(ros_names_normalize_namespace("/a", NULL, 4, &e), ROS_NAMES_ERR_INVALID_ARGUMENT);
}

TEST(ros_names_validate_full_name_rules) {
  ros_names_error e;
  CHECK_EQ_INT(ros_names_validate_full_name("/chatter", &e), ROS_NAMES_OK);
  CHECK_EQ_INT(ros_names_validate_full_name("/fib/_action/feedback", &e), ROS_NAMES_OK);
  CHECK_EQ_INT(ros_names_validate_full_name("/", &e), ROS_NAMES_ERR_TRAILING_SLASH);
  CHECK_EQ_INT(ros_names_validate_full_name("chatter", &e), ROS_NAMES_ERR_NOT_ABSOLUTE);
  CHECK_EQ_STR(e.message, "name 'chatter' is invalid: it must start with '/'");
  CHECK_EQ_INT(ros_names_validate_full_name("/a b", &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_EQ_STR(e.message, "name '/a b' is invalid: character 0x20 at index 2 is not allowed (only A-Z, a-z, 0-9, _ and /)");
  CHECK_EQ_INT(ros_names_validate_full_name("/~/x", &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_EQ_INT(ros_names_validate_full_name("/a//b", &e), ROS_NAMES_ERR_DOUBLE_SLASH);
  CHECK_EQ_INT(ros_names_validate_full_name("/2d", &e), ROS_NAMES_ERR_STARTS_WITH_DIGIT);
  char *n = repeat('a', ROS_TOPIC_NAME_MAX);
  n[0] = '/';
  CHECK_EQ_INT(ros_names_validate_full_name(n, &e), ROS_NAMES_OK);
  free(n);
  n = repeat('a', ROS_TOPIC_NAME_MAX + 1);
  n[0] = '/';
  CHECK_EQ_INT(ros_names_validate_full_name(n, &e), ROS_NAMES_ERR_TOO_LONG);
  CHECK_CONTAINS(e.message, "248 characters, the maximum is 247");
  free(n);
}

TEST(ros_names_fqn_root_and_nested) {
  char out[ROS_NAME_BUF_SIZE];
  CHECK_EQ_INT(ros_names_fqn("talker", "/", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "/talker");
  CHECK_EQ_INT(ros_names_fqn("driver", "/robot1/cam", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "/robot1/cam/driver");
}

TEST(ros_names_fqn_rejects_invalid_and_small_buffer) {
  ros_names_error e;
  char out[8] = "keep";
  CHECK_EQ_INT(ros_names_fqn("bad name", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_CONTAINS(e.message, "node name 'bad name'");
  CHECK_EQ_INT(ros_names_fqn("n", "ns", out, sizeof out, &e), ROS_NAMES_ERR_NOT_ABSOLUTE);
  CHECK_EQ_INT(ros_names_fqn("driver", "/robot1", out, sizeof out, &e), ROS_NAMES_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ_STR(e.message, "result '/robot1/driver' is invalid: 15 bytes needed, the buffer has 8");
  CHECK_EQ_STR(out, "keep");
}

TEST(ros_names_logger_name_dots_the_namespace) {
  char out[ROS_NAME_BUF_SIZE];
  CHECK_EQ_INT(ros_names_logger_name("driver", "/robot1/cam", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "robot1.cam.driver");
  CHECK_EQ_INT(ros_names_logger_name("driver", "/", out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "driver");
  CHECK_EQ_INT(ros_names_logger_name("driver", "/robot1/", out, sizeof out, NULL), ROS_NAMES_ERR_TRAILING_SLASH);
}

static const char *expand(const char *name, const char *node, const char *ns) {
  static char out[ROS_NAME_BUF_SIZE];
  ros_names_error e;
  ros_names_status st = ros_names_expand(name, node, ns, out, sizeof out, &e);
  CHECK_MSG(st == ROS_NAMES_OK, "expand(%s): %s", name, e.message);
  return out;
}

TEST(ros_names_expand_absolute_and_relative) {
  CHECK_EQ_STR(expand("/abs/name", "driver", "/robot1"), "/abs/name");
  CHECK_EQ_STR(expand("chatter", "talker", "/"), "/chatter");
  CHECK_EQ_STR(expand("rel/name", "driver", "/robot1"), "/robot1/rel/name");
}

TEST(ros_names_expand_private_name) {
  CHECK_EQ_STR(expand("~", "driver", "/robot1/cam"), "/robot1/cam/driver");
  CHECK_EQ_STR(expand("~/get_parameters", "driver", "/robot1/cam"), "/robot1/cam/driver/get_parameters");
  CHECK_EQ_STR(expand("~/x", "driver", "/"), "/driver/x");
  CHECK_EQ_STR(expand("~", "talker", "/"), "/talker");
}

TEST(ros_names_expand_substitutions) {
  CHECK_EQ_STR(expand("{node}/status", "driver", "/robot1"), "/robot1/driver/status");
  CHECK_EQ_STR(expand("/{node}", "driver", "/robot1"), "/driver");
  CHECK_EQ_STR(expand("{ns}/x", "driver", "/robot1"), "/robot1/x");
  CHECK_EQ_STR(expand("{namespace}/x/{node}", "driver", "/a/b"), "/a/b/x/driver");
  CHECK_EQ_STR(expand("~/{node}_state", "driver", "/robot1"), "/robot1/driver/driver_state");
  CHECK_EQ_STR(expand("pre_{node}", "driver", "/"), "/pre_driver");
}

TEST(ros_names_expand_substitution_errors) {
  ros_names_error e;
  char out[ROS_NAME_BUF_SIZE] = "keep";
  CHECK_EQ_INT(ros_names_expand("{foo}/x", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_UNKNOWN_SUBSTITUTION);
  CHECK_EQ_STR(e.message, "name '{foo}/x' is invalid: unknown substitution '{foo}' (known: {node}, {ns}, {namespace})");
  CHECK_EQ_INT(ros_names_expand("{node", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_SUBSTITUTION);
  CHECK_EQ_STR(e.message, "name '{node' is invalid: '{' at index 0 is never closed");
  CHECK_EQ_INT(ros_names_expand("a/{}", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_SUBSTITUTION);
  CHECK_CONTAINS(e.message, "empty substitution '{}' at index 2");
  CHECK_EQ_INT(ros_names_expand("a}", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_SUBSTITUTION);
  CHECK_EQ_INT(ros_names_expand("{a{b}}", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_SUBSTITUTION);
  CHECK_EQ_INT(ros_names_expand("{a-b}", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_SUBSTITUTION);
  CHECK_EQ_STR(out, "keep");
}

TEST(ros_names_expand_rejects_bad_input) {
  ros_names_error e;
  char out[ROS_NAME_BUF_SIZE] = "keep";
  CHECK_EQ_INT(ros_names_expand("~foo", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_MISPLACED_TILDE);
  CHECK_EQ_STR(e.message, "name '~foo' is invalid: '~' must be followed by '/'");
  CHECK_EQ_INT(ros_names_expand("a/~", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_MISPLACED_TILDE);
  CHECK_EQ_INT(ros_names_expand("chatter/", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_TRAILING_SLASH);
  CHECK_EQ_INT(ros_names_expand("", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_EMPTY);
  CHECK_EQ_INT(ros_names_expand("1abc", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_STARTS_WITH_DIGIT);
  CHECK_EQ_INT(ros_names_expand("a.b", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_EQ_INT(ros_names_expand("x", "bad-node", "/", out, sizeof out, &e), ROS_NAMES_ERR_BAD_CHARACTER);
  CHECK_CONTAINS(e.message, "node name 'bad-node'");
  CHECK_EQ_INT(ros_names_expand("x", "n", "rel", out, sizeof out, &e), ROS_NAMES_ERR_NOT_ABSOLUTE);
  CHECK_CONTAINS(e.message, "namespace 'rel'");
  CHECK_EQ_INT(ros_names_expand(NULL, "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_INVALID_ARGUMENT);
  CHECK_EQ_STR(out, "keep");
}

TEST(ros_names_expand_validates_result) {
  ros_names_error e;
  char out[ROS_NAME_BUF_SIZE] = "keep";
  /* As rcl: {ns} of the root namespace followed by '/' gives "//x", which is invalid. */
  CHECK_EQ_INT(ros_names_expand("{ns}/x", "n", "/", out, sizeof out, &e), ROS_NAMES_ERR_DOUBLE_SLASH);
  CHECK_EQ_STR(e.message, "name '{ns}/x' expanded to '//x' is invalid: it contains '//' at index 0");
  char *ns = repeat('a', 200);
  ns[0] = '/';
  char *name = repeat('b', 60);
  CHECK_EQ_INT(ros_names_expand(name, "n", ns, out, sizeof out, &e), ROS_NAMES_ERR_TOO_LONG);
  CHECK_CONTAINS(e.message, "261 characters, the maximum is 247");
  CHECK_EQ_INT(ros_names_expand("~/{node}/{node}/{node}", ns + 1, ns, out, sizeof out, &e), ROS_NAMES_ERR_TOO_LONG);
  CHECK_CONTAINS(e.message, "once expanded it is longer than 247 characters");
  CHECK_EQ_STR(out, "keep");
  free(ns);
  free(name);
}

TEST(ros_names_is_hidden_any_token) {
  CHECK(ros_names_is_hidden("/_internal"));
  CHECK(ros_names_is_hidden("/fib/_action/feedback"));
  CHECK(ros_names_is_hidden("_ros2cli_123"));
  CHECK(!ros_names_is_hidden("/chatter"));
  CHECK(!ros_names_is_hidden("/a_b/c_"));
  CHECK(!ros_names_is_hidden("talker"));
  CHECK(!ros_names_is_hidden(NULL));
}

TEST(ros_names_to_dds_mangles_each_kind) {
  char out[ROS_NAME_BUF_SIZE];
  CHECK_EQ_INT(ros_names_to_dds("/chatter", ROS_DDS_TOPIC, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "rt/chatter");
  CHECK_EQ_INT(ros_names_to_dds("/add_two_ints", ROS_DDS_REQUEST, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "rq/add_two_intsRequest");
  CHECK_EQ_INT(ros_names_to_dds("/add_two_ints", ROS_DDS_REPLY, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "rr/add_two_intsReply");
  CHECK_EQ_INT(ros_names_to_dds("/robot1/driver/get_parameters", ROS_DDS_REQUEST, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_STR(out, "rq/robot1/driver/get_parametersRequest");
  char *n = repeat('a', ROS_TOPIC_NAME_MAX);
  n[0] = '/';
  CHECK_EQ_INT(ros_names_to_dds(n, ROS_DDS_REQUEST, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_INT(strlen(out), 256);
  free(n);
}

TEST(ros_names_to_dds_rejects_invalid) {
  ros_names_error e;
  char out[16] = "keep";
  CHECK_EQ_INT(ros_names_to_dds("chatter", ROS_DDS_TOPIC, out, sizeof out, &e), ROS_NAMES_ERR_NOT_ABSOLUTE);
  CHECK_EQ_INT(ros_names_to_dds("/chatter", (ros_dds_kind)9, out, sizeof out, &e), ROS_NAMES_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_names_to_dds("/a_long_service", ROS_DDS_REQUEST, out, sizeof out, &e), ROS_NAMES_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ_STR(out, "keep");
}

TEST(ros_names_from_dds_demangles_each_kind) {
  char out[ROS_NAME_BUF_SIZE];
  ros_dds_kind k = 0;
  CHECK_EQ_INT(ros_names_from_dds("rt/chatter", &k, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_INT(k, ROS_DDS_TOPIC);
  CHECK_EQ_STR(out, "/chatter");
  CHECK_EQ_INT(ros_names_from_dds("rq/fibonacci/_action/send_goalRequest", &k, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_INT(k, ROS_DDS_REQUEST);
  CHECK_EQ_STR(out, "/fibonacci/_action/send_goal");
  CHECK_EQ_INT(ros_names_from_dds("rr/add_two_intsReply", &k, out, sizeof out, NULL), ROS_NAMES_OK);
  CHECK_EQ_INT(k, ROS_DDS_REPLY);
  CHECK_EQ_STR(out, "/add_two_ints");
}

TEST(ros_names_from_dds_rejects_other_topics) {
  ros_names_error e;
  char out[ROS_NAME_BUF_SIZE] = "keep";
  ros_dds_kind k = 0;
  CHECK_EQ_INT(ros_names_from_dds("ros_discovery_info", &k, out, sizeof out, &e), ROS_NAMES_ERR_NOT_ROS_TOPIC);
  CHECK_EQ_STR(e.message, "DDS topic name 'ros_discovery_info' is invalid: it is not of the form rt/NAME, "
                          "rq/NAMERequest or rr/NAMEReply");
  CHECK_EQ_INT(ros_names_from_dds("rq/no_suffix", &k, out, sizeof out, &e), ROS_NAMES_ERR_NOT_ROS_TOPIC);
  CHECK_EQ_INT(ros_names_from_dds("rtchatter", &k, out, sizeof out, &e), ROS_NAMES_ERR_NOT_ROS_TOPIC);
  CHECK_EQ_INT(ros_names_from_dds("rt/", &k, out, sizeof out, &e), ROS_NAMES_ERR_NOT_ROS_TOPIC);
  CHECK_EQ_INT(ros_names_from_dds("rr/Reply", &k, out, sizeof out, &e), ROS_NAMES_ERR_NOT_ROS_TOPIC);
  CHECK_EQ_INT(ros_names_from_dds(NULL, &k, out, sizeof out, &e), ROS_NAMES_ERR_INVALID_ARGUMENT);
  CHECK_EQ_STR(out, "keep");
  CHECK_EQ_INT(k, 0);
}

TEST(ros_names_action_sub_names) {
  static const struct {
    ros_action_part part;
    const char *name;
    bool service;
  } cases[] = {
    {ROS_ACTION_SEND_GOAL, "/fibonacci/_action/send_goal", true},
    {ROS_ACTION_CANCEL_GOAL, "/fibonacci/_action/cancel_goal", true},
    {ROS_ACTION_GET_RESULT, "/fibonacci/_action/get_result", true},
    {ROS_ACTION_FEEDBACK, "/fibonacci/_action/feedback", false},
    {ROS_ACTION_STATUS, "/fibonacci/_action/status", false},
  };
  char out[ROS_NAME_BUF_SIZE];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    CHECK_EQ_INT(ros_names_action("/fibonacci", cases[i].part, out, sizeof out, NULL), ROS_NAMES_OK);
    CHECK_EQ_STR(out, cases[i].name);
    CHECK(ros_names_action_part_is_service(cases[i].part) == cases[i].service);
    CHECK(ros_names_is_hidden(out));
  }
  CHECK(!ros_names_action_part_is_service((ros_action_part)0));
}

TEST(ros_names_action_rejects_invalid) {
  ros_names_error e;
  char out[ROS_NAME_BUF_SIZE] = "keep";
  CHECK_EQ_INT(ros_names_action("fibonacci", ROS_ACTION_STATUS, out, sizeof out, &e), ROS_NAMES_ERR_NOT_ABSOLUTE);
  CHECK_EQ_INT(ros_names_action("/fibonacci", (ros_action_part)6, out, sizeof out, &e), ROS_NAMES_ERR_INVALID_ARGUMENT);
  char *n = repeat('a', 235);
  n[0] = '/';
  CHECK_EQ_INT(ros_names_action(n, ROS_ACTION_GET_RESULT, out, sizeof out, &e), ROS_NAMES_ERR_TOO_LONG);
  CHECK_CONTAINS(e.message, "action entity name '/aaa");
  CHECK_EQ_STR(out, "keep");
  free(n);
}
