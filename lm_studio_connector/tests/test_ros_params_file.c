/* test_ros_params_file.c: the parameter value type and the params YAML reader: rcl's typing,
 * the §7.5 layout with its fixtures (tests/fixtures/params/), wildcard matching, selection in
 * file order, -p values, errors with file:line:column, and all-or-nothing loading. */
#include "common/limits.h"
#include "ros/ros_params_file.h"
#include "testing.h"

#include <math.h>

static ros_param_overrides load_ok(const char *fixture) {
  ros_param_overrides l;
  ros_param_overrides_init(&l);
  ros_params_error e;
  ros_params_status st = ros_params_load_file(test_fixture(fixture), &l, &e);
  CHECK_MSG(st == ROS_PARAMS_OK, "%s: %s", fixture, e.message);
  return l;
}

static ros_params_status load_err(const char *fixture, ros_params_error *e) {
  ros_param_overrides l;
  ros_param_overrides_init(&l);
  ros_params_status st = ros_params_load_file(test_fixture(fixture), &l, e);
  CHECK_EQ_INT(l.count, 0);
  ros_param_overrides_fini(&l);
  return st;
}

static const ros_param_override *find(const ros_param_overrides *l, const char *node, const char *name) {
  for (size_t i = 0; i < l->count; i++)
    if (strcmp(l->items[i].node, node) == 0 && strcmp(l->items[i].name, name) == 0) return &l->items[i];
  test_fail(__FILE__, __LINE__, "no %s %s", node, name);
}

static const char *str(const ros_param_value *v) {
  static char buf[256];
  ros_param_value_to_string(v, buf, sizeof buf);
  return buf;
}

/* Parses a -p style value and returns its printed form ("ERR:<status>" on failure). */
static const char *val(const char *yaml, ros_param_type *type) {
  static char buf[600];
  ros_param_value v;
  ros_param_value_init(&v);
  ros_params_error e;
  ros_params_status st = ros_params_parse_value(yaml, &v, &e);
  if (st != ROS_PARAMS_OK) {
    snprintf(buf, sizeof buf, "ERR:%s: %s", ros_params_status_name(st), e.message);
  } else {
    ros_param_value_to_string(&v, buf, sizeof buf);
    if (type) *type = v.type;
  }
  ros_param_value_fini(&v);
  return buf;
}

TEST(ros_params_strerror_covers_every_status) {
  for (int s = 0; s < ROS_PARAMS_STATUS_COUNT; s++) {
    CHECK(strcmp(ros_params_status_name((ros_params_status)s), "ROS_PARAMS_ERR_?") != 0);
    CHECK(strcmp(ros_params_strerror((ros_params_status)s), "Unknown error code.") != 0);
  }
  CHECK_EQ_STR(ros_params_status_name((ros_params_status)ROS_PARAMS_STATUS_COUNT), "ROS_PARAMS_ERR_?");
  for (int s = 0; s < ROS_PARAM_STATUS_COUNT; s++) {
    CHECK(strcmp(ros_param_status_name((ros_param_status)s), "ROS_PARAM_ERR_?") != 0);
    CHECK(strcmp(ros_param_strerror((ros_param_status)s), "Unknown error code.") != 0);
  }
  CHECK_EQ_STR(ros_param_strerror((ros_param_status)ROS_PARAM_STATUS_COUNT), "Unknown error code.");
}

TEST(ros_param_value_type_names_match_parameter_type) {
  static const char *const names[] = {"not set", "bool", "integer", "double", "string", "byte_array",
                                      "bool_array", "integer_array", "double_array", "string_array"};
  for (int t = 0; t <= ROS_PARAM_STRING_ARRAY; t++) {
    CHECK_EQ_STR(ros_param_type_name((ros_param_type)t), names[t]);
    CHECK(ros_param_type_is_array((ros_param_type)t) == (t >= 5));
  }
  CHECK_EQ_STR(ros_param_type_name((ros_param_type)10), "unknown");
  CHECK_EQ_INT(ROS_PARAM_BYTE_ARRAY, 5);
  CHECK_EQ_INT(ROS_PARAM_STRING_ARRAY, 9);
}

TEST(ros_param_value_copy_equal_fini_every_type) {
  ros_param_value v[10], c;
  for (int i = 0; i < 10; i++) ros_param_value_init(&v[i]);
  ros_param_value_set_bool(&v[1], true);
  ros_param_value_set_integer(&v[2], -5);
  ros_param_value_set_double(&v[3], NAN);
  CHECK_EQ_INT(ros_param_value_set_string(&v[4], "hi"), ROS_PARAM_OK);
  const uint8_t bytes[] = {0, 255};
  const bool bools[] = {true, false};
  const int64_t ints[] = {1, INT64_MIN};
  const double dbls[] = {0.5, -INFINITY};
  const char *const strs[] = {"a", ""};
  CHECK_EQ_INT(ros_param_value_set_byte_array(&v[5], bytes, 2), ROS_PARAM_OK);
  CHECK_EQ_INT(ros_param_value_set_bool_array(&v[6], bools, 2), ROS_PARAM_OK);
  CHECK_EQ_INT(ros_param_value_set_integer_array(&v[7], ints, 2), ROS_PARAM_OK);
  CHECK_EQ_INT(ros_param_value_set_double_array(&v[8], dbls, 2), ROS_PARAM_OK);
  CHECK_EQ_INT(ros_param_value_set_string_array(&v[9], strs, 2), ROS_PARAM_OK);
  for (int i = 0; i < 10; i++) {
    ros_param_value_init(&c);
    CHECK_EQ_INT(ros_param_value_copy(&c, &v[i]), ROS_PARAM_OK);
    CHECK_EQ_INT(c.type, i);
    CHECK(ros_param_value_equal(&c, &v[i]));
    for (int j = 0; j < 10; j++)
      if (j != i) CHECK(!ros_param_value_equal(&c, &v[j]));
    ros_param_value_fini(&c);
    CHECK_EQ_INT(c.type, ROS_PARAM_NOT_SET);
  }
  CHECK(ros_param_value_equal(NULL, NULL));
  CHECK(!ros_param_value_equal(&v[1], NULL));
  for (int i = 0; i < 10; i++) ros_param_value_fini(&v[i]);
  ros_param_value_fini(NULL);
}

TEST(ros_param_value_set_rejects_bad_arguments_and_keeps_value) {
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_integer(&v, 7);
  CHECK_EQ_INT(ros_param_value_set_string(&v, NULL), ROS_PARAM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_param_value_set_integer_array(&v, NULL, 3), ROS_PARAM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_param_value_set_double_array(&v, (const double *)"", LMS_MAX_PARAM_ARRAY + 1), ROS_PARAM_ERR_TOO_LARGE);
  const char *const with_null[] = {"a", NULL};
  CHECK_EQ_INT(ros_param_value_set_string_array(&v, with_null, 2), ROS_PARAM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(v.type, ROS_PARAM_INTEGER);
  CHECK_EQ_INT(v.integer_value, 7);
  CHECK_EQ_INT(ros_param_value_copy(NULL, &v), ROS_PARAM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_param_value_copy(&v, &v), ROS_PARAM_OK);
  ros_param_value_fini(&v);
}

TEST(ros_param_value_from_scalar_follows_rcl) {
  static const struct {
    const char *text;
    bool quoted;
    ros_param_type type;
    const char *printed;
  } cases[] = {
    {"true", false, ROS_PARAM_BOOL, "true"},     {"Yes", false, ROS_PARAM_BOOL, "true"},
    {"ON", false, ROS_PARAM_BOOL, "true"},       {"y", false, ROS_PARAM_BOOL, "true"},
    {"FALSE", false, ROS_PARAM_BOOL, "false"},   {"off", false, ROS_PARAM_BOOL, "false"},
    {"N", false, ROS_PARAM_BOOL, "false"},       {"tRue", false, ROS_PARAM_STRING, "tRue"},
    {"42", false, ROS_PARAM_INTEGER, "42"},      {"-0x10", false, ROS_PARAM_INTEGER, "-16"},
    {"010", false, ROS_PARAM_INTEGER, "8"},      {"+3", false, ROS_PARAM_INTEGER, "3"},
    {"3.0", false, ROS_PARAM_DOUBLE, "3.0"},     {"1e3", false, ROS_PARAM_DOUBLE, "1000.0"},
    {".inf", false, ROS_PARAM_DOUBLE, ".inf"},   {"-.INF", false, ROS_PARAM_DOUBLE, "-.inf"},
    {".NaN", false, ROS_PARAM_DOUBLE, ".nan"},   {"0.1", false, ROS_PARAM_DOUBLE, "0.1"},
    {"1e999", false, ROS_PARAM_STRING, "1e999"}, {"true", true, ROS_PARAM_STRING, "'true'"},
    {"5", true, ROS_PARAM_STRING, "'5'"},        {"", true, ROS_PARAM_STRING, "''"},
    {"null", false, ROS_PARAM_STRING, "'null'"}, {"a b", false, ROS_PARAM_STRING, "'a b'"},
    {"it's", true, ROS_PARAM_STRING, "'it''s'"},  {"a\nb", true, ROS_PARAM_STRING, "\"a\\nb\""},
    {"path/to.x", false, ROS_PARAM_STRING, "path/to.x"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    ros_param_value v;
    ros_param_value_init(&v);
    CHECK_EQ_INT(ros_param_value_from_scalar(cases[i].text, strlen(cases[i].text), cases[i].quoted, &v), ROS_PARAM_OK);
    CHECK_MSG(v.type == cases[i].type, "%s: type %d", cases[i].text, v.type);
    CHECK_EQ_STR(str(&v), cases[i].printed);
    ros_param_value_fini(&v);
  }
}

TEST(ros_param_value_from_scalar_rejects_empty_and_nul) {
  ros_param_value v;
  ros_param_value_init(&v);
  CHECK_EQ_INT(ros_param_value_from_scalar("", 0, false, &v), ROS_PARAM_ERR_EMPTY_VALUE);
  CHECK_EQ_INT(ros_param_value_from_scalar("a\0b", 3, true, &v), ROS_PARAM_ERR_NUL_IN_STRING);
  CHECK_EQ_INT(ros_param_value_from_scalar(NULL, 0, false, &v), ROS_PARAM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(v.type, ROS_PARAM_NOT_SET);
}

TEST(ros_param_value_append_builds_homogeneous_arrays) {
  ros_param_value arr, e;
  ros_param_value_init(&arr);
  ros_param_value_init(&e);
  for (int i = 0; i < 100; i++) {
    ros_param_value_set_integer(&e, i);
    CHECK_EQ_INT(ros_param_value_append(&arr, &e), ROS_PARAM_OK);
  }
  CHECK_EQ_INT(arr.type, ROS_PARAM_INTEGER_ARRAY);
  CHECK_EQ_INT(arr.array_len, 100);
  CHECK_EQ_INT(arr.integer_array[99], 99);
  ros_param_value_set_double(&e, 1.0);
  CHECK_EQ_INT(ros_param_value_append(&arr, &e), ROS_PARAM_ERR_MIXED_TYPES);
  CHECK_EQ_INT(arr.array_len, 100);
  CHECK_EQ_INT(ros_param_value_append(&e, &e), ROS_PARAM_ERR_INVALID_ARGUMENT);
  ros_param_value_fini(&arr);
  /* An empty string array (YAML []) adopts the first element's type. */
  CHECK_EQ_INT(ros_param_value_set_string_array(&arr, NULL, 0), ROS_PARAM_OK);
  CHECK(ros_param_value_is_empty_array(&arr));
  CHECK_EQ_INT(ros_param_value_append(&arr, &e), ROS_PARAM_OK);
  CHECK_EQ_INT(arr.type, ROS_PARAM_DOUBLE_ARRAY);
  CHECK(!ros_param_value_is_empty_array(&arr));
  ros_param_value_fini(&arr);
  ros_param_value_fini(&e);
}

TEST(ros_param_value_append_stops_at_limit) {
  ros_param_value arr, e;
  ros_param_value_init(&arr);
  ros_param_value_init(&e);
  ros_param_value_set_bool(&e, true);
  for (int i = 0; i < LMS_MAX_PARAM_ARRAY; i++) CHECK(ros_param_value_append(&arr, &e) == ROS_PARAM_OK);
  CHECK_EQ_INT(ros_param_value_append(&arr, &e), ROS_PARAM_ERR_TOO_LARGE);
  CHECK_EQ_INT(arr.array_len, LMS_MAX_PARAM_ARRAY);
  ros_param_value_fini(&arr);
}

TEST(ros_param_value_to_string_arrays_and_truncation) {
  ros_param_value v;
  ros_param_value_init(&v);
  const char *const strs[] = {"a", "true", "x y", ""};
  CHECK_EQ_INT(ros_param_value_set_string_array(&v, strs, 4), ROS_PARAM_OK);
  CHECK_EQ_STR(str(&v), "[a, 'true', 'x y', '']");
  const uint8_t bytes[] = {1, 0xab};
  CHECK_EQ_INT(ros_param_value_set_byte_array(&v, bytes, 2), ROS_PARAM_OK);
  CHECK_EQ_STR(str(&v), "[0x01, 0xab]");
  const int64_t ints[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK_EQ_INT(ros_param_value_set_integer_array(&v, ints, 10), ROS_PARAM_OK);
  char small[12];
  CHECK_EQ_INT(ros_param_value_to_string(&v, small, sizeof small), ROS_PARAM_ERR_TOO_LARGE);
  CHECK_EQ_STR(small, "[1, 2, 3...");
  ros_param_value_fini(&v);
  CHECK_EQ_STR(str(&v), "(not set)");
  dynbuf d;
  dynbuf_init(&d, 4);
  CHECK(dynbuf_append_str(&d, "x"));
  ros_param_value_set_integer(&v, 123456);
  CHECK_EQ_INT(ros_param_value_append_yaml(&v, &d), ROS_PARAM_ERR_TOO_LARGE);
  CHECK_EQ_STR(d.data, "x");
  dynbuf_free(&d);
}

TEST(ros_params_parse_value_scalars_and_lists) {
  ros_param_type t = ROS_PARAM_NOT_SET;
  CHECK_EQ_STR(val("true", &t), "true");
  CHECK_EQ_INT(t, ROS_PARAM_BOOL);
  CHECK_EQ_STR(val("3", &t), "3");
  CHECK_EQ_INT(t, ROS_PARAM_INTEGER);
  CHECK_EQ_STR(val("3.0", &t), "3.0");
  CHECK_EQ_INT(t, ROS_PARAM_DOUBLE);
  CHECK_EQ_STR(val("'txt'", &t), "txt");
  CHECK_EQ_INT(t, ROS_PARAM_STRING);
  CHECK_EQ_STR(val("hello world", &t), "'hello world'");
  CHECK_EQ_STR(val("[1,2]", &t), "[1, 2]");
  CHECK_EQ_INT(t, ROS_PARAM_INTEGER_ARRAY);
  CHECK_EQ_STR(val("[true, no]", &t), "[true, false]");
  CHECK_EQ_INT(t, ROS_PARAM_BOOL_ARRAY);
  CHECK_EQ_STR(val("[1.5, .inf]", &t), "[1.5, .inf]");
  CHECK_EQ_STR(val("['a', \"b\", c]", &t), "[a, b, c]");
  CHECK_EQ_INT(t, ROS_PARAM_STRING_ARRAY);
  CHECK_EQ_STR(val("[]", &t), "[]");
  CHECK_EQ_INT(t, ROS_PARAM_STRING_ARRAY);
  CHECK_EQ_STR(val("''", &t), "''");
  CHECK_EQ_STR(val("a:=b", &t), "'a:=b'");
  CHECK_EQ_STR(val("~", &t), "'~'");
}

TEST(ros_params_parse_value_rejects_bad_values) {
  CHECK_EQ_STR(val("[1, 'two']", NULL), "ERR:ROS_PARAMS_ERR_VALUE: list 'value' mixes types: item 2 is string but the items before are integer");
  CHECK_EQ_STR(val("[1, 2.0]", NULL), "ERR:ROS_PARAMS_ERR_VALUE: list 'value' mixes types: item 2 is double but the items before are integer");
  CHECK_EQ_STR(val("", NULL), "ERR:ROS_PARAMS_ERR_VALUE: the value is empty (write '' for an empty string)");
  CHECK_EQ_STR(val("{a: 1}", NULL), "ERR:ROS_PARAMS_ERR_VALUE: a mapping is not a parameter value (use a scalar or a list)");
  CHECK_EQ_STR(val("[[1]]", NULL), "ERR:ROS_PARAMS_ERR_VALUE: list 'value' item 1 is a list; only lists of scalars are supported");
  CHECK_EQ_STR(val("[1, ]x", NULL), "ERR:ROS_PARAMS_ERR_SYNTAX: YAML syntax error: did not find expected <document start>");
  CHECK_EQ_STR(val("a\n---\nb", NULL), "ERR:ROS_PARAMS_ERR_VALUE: more than one YAML document in the value");
  CHECK_EQ_STR(val("[a, ]", NULL), "[a]");
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_integer(&v, 9);
  CHECK_EQ_INT(ros_params_parse_value("[1, x]", &v, NULL), ROS_PARAMS_ERR_VALUE);
  CHECK_EQ_INT(v.integer_value, 9);
  CHECK_EQ_INT(ros_params_parse_value(NULL, &v, NULL), ROS_PARAMS_ERR_INVALID_ARGUMENT);
}

TEST(ros_params_load_file_spec_example) {
  ros_param_overrides l = load_ok("params/spec_example.yaml");
  CHECK_EQ_INT(l.count, 3);
  CHECK_EQ_STR(l.items[0].node, "/**");
  CHECK_EQ_STR(l.items[0].name, "rate");
  CHECK_EQ_INT(l.items[0].value.type, ROS_PARAM_DOUBLE);
  CHECK_EQ_STR(str(&l.items[0].value), "10.0");
  CHECK_CONTAINS(l.items[0].origin, "params/spec_example.yaml:4:11");
  CHECK_EQ_STR(l.items[1].name, "camera.fps");
  CHECK_EQ_INT(l.items[1].value.integer_value, 30);
  CHECK_EQ_STR(l.items[2].node, "/robot1/driver");
  CHECK_EQ_STR(l.items[2].name, "names");
  CHECK_EQ_STR(str(&l.items[2].value), "[a, b]");
  ros_param_overrides_fini(&l);
  ros_param_overrides_fini(NULL);
}

TEST(ros_params_load_file_nested_namespaces_and_bare_name) {
  ros_param_overrides l = load_ok("params/nested_namespaces.yaml");
  CHECK_EQ_INT(l.count, 3);
  CHECK_EQ_INT(find(&l, "/robot1/cam/driver", "exposure")->value.integer_value, 5);
  CHECK_EQ_INT(find(&l, "/robot2/driver", "exposure")->value.integer_value, 6);
  CHECK_EQ_STR(str(&find(&l, "/talker", "period")->value), "0.5");
  ros_param_overrides_fini(&l);
}

TEST(ros_params_load_file_types_as_rcl) {
  ros_param_overrides l = load_ok("params/types.yaml");
  static const struct {
    const char *name;
    ros_param_type type;
    const char *printed;
  } cases[] = {
    {"bools.t1", ROS_PARAM_BOOL, "true"}, {"bools.t2", ROS_PARAM_BOOL, "true"}, {"bools.t3", ROS_PARAM_BOOL, "true"},
    {"bools.t4", ROS_PARAM_BOOL, "true"}, {"bools.t5", ROS_PARAM_BOOL, "true"}, {"bools.t6", ROS_PARAM_BOOL, "true"},
    {"bools.f1", ROS_PARAM_BOOL, "false"}, {"bools.f2", ROS_PARAM_BOOL, "false"}, {"bools.f3", ROS_PARAM_BOOL, "false"},
    {"bools.f4", ROS_PARAM_BOOL, "false"}, {"ints.dec", ROS_PARAM_INTEGER, "42"}, {"ints.neg", ROS_PARAM_INTEGER, "-7"},
    {"ints.hex", ROS_PARAM_INTEGER, "31"}, {"ints.oct", ROS_PARAM_INTEGER, "8"},
    {"ints.big", ROS_PARAM_INTEGER, "9223372036854775807"}, {"doubles.plain", ROS_PARAM_DOUBLE, "1.5"},
    {"doubles.exp", ROS_PARAM_DOUBLE, "1000.0"}, {"doubles.inf", ROS_PARAM_DOUBLE, ".inf"},
    {"doubles.ninf", ROS_PARAM_DOUBLE, "-.inf"}, {"doubles.nan", ROS_PARAM_DOUBLE, ".nan"},
    {"doubles.huge", ROS_PARAM_DOUBLE, "1e+20"}, {"strings.plain", ROS_PARAM_STRING, "'hello world'"},
    {"strings.quoted_bool", ROS_PARAM_STRING, "'true'"}, {"strings.quoted_int", ROS_PARAM_STRING, "'5'"},
    {"strings.empty", ROS_PARAM_STRING, "''"}, {"strings.tilde", ROS_PARAM_STRING, "'~'"},
    {"strings.null_word", ROS_PARAM_STRING, "'null'"}, {"strings.colon", ROS_PARAM_STRING, "'a:b'"},
    {"lists.bools", ROS_PARAM_BOOL_ARRAY, "[true, false, true]"}, {"lists.ints", ROS_PARAM_INTEGER_ARRAY, "[1, 2, 3]"},
    {"lists.doubles", ROS_PARAM_DOUBLE_ARRAY, "[1.0, 2.5]"}, {"lists.strings", ROS_PARAM_STRING_ARRAY, "[a, b, c]"},
    {"lists.empty", ROS_PARAM_STRING_ARRAY, "[]"}, {"lists.block", ROS_PARAM_STRING_ARRAY, "[first, second]"},
  };
  CHECK_EQ_INT(l.count, sizeof cases / sizeof *cases);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const ros_param_override *o = find(&l, "/types", cases[i].name);
    CHECK_MSG(o->value.type == cases[i].type, "%s: type %d", cases[i].name, o->value.type);
    CHECK_EQ_STR(str(&o->value), cases[i].printed);
  }
  CHECK(ros_param_value_is_empty_array(&find(&l, "/types", "lists.empty")->value));
  ros_param_overrides_fini(&l);
}

TEST(ros_params_load_file_errors_name_file_line_column) {
  static const struct {
    const char *file;
    ros_params_status code;
    const char *message;
  } cases[] = {
    {"params/mixed_list.yaml", ROS_PARAMS_ERR_VALUE, "params/mixed_list.yaml:4:14: list 'bad' mixes types: item 2 is string but the items before are integer"},
    {"params/nested_list.yaml", ROS_PARAMS_ERR_VALUE, "params/nested_list.yaml:3:14: list 'matrix' item 1 is a list; only lists of scalars are supported"},
    {"params/syntax_error.yaml", ROS_PARAMS_ERR_SYNTAX, "params/syntax_error.yaml:4:4: YAML syntax error: did not find expected key while parsing a block mapping"},
    {"params/top_scalar.yaml", ROS_PARAMS_ERR_STRUCTURE, "params/top_scalar.yaml:1:1: the top level must be a mapping of node names to their parameters"},
    {"params/no_node.yaml", ROS_PARAMS_ERR_STRUCTURE, "params/no_node.yaml:1:1: ros__parameters has no node name above it"},
    {"params/bad_node.yaml", ROS_PARAMS_ERR_NODE_NAME, "params/bad_node.yaml:2:3: node key '/robot1/1driver' is not a node name or pattern: node name '1driver' is invalid: it must not start with a digit"},
    {"params/empty_value.yaml", ROS_PARAMS_ERR_VALUE, "params/empty_value.yaml:4:13: parameter 'missing' has no value (write '' for an empty string)"},
    {"params/alias.yaml", ROS_PARAMS_ERR_VALUE, "params/alias.yaml:4:8: parameter 'b' uses an alias; aliases are not supported"},
    {"params/params_not_map.yaml", ROS_PARAMS_ERR_STRUCTURE, "params/params_not_map.yaml:2:20: ros__parameters of '/node' must be a mapping of parameter names to values"},
    {"params/node_value.yaml", ROS_PARAMS_ERR_STRUCTURE, "params/node_value.yaml:1:8: '/node' must map to ros__parameters or to further node names"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    ros_params_error e;
    CHECK_MSG(load_err(cases[i].file, &e) == cases[i].code, "%s: %s", cases[i].file, e.message);
    CHECK_EQ_INT(e.code, cases[i].code);
    CHECK_CONTAINS(e.message, cases[i].message);
    CHECK(e.line > 0);
  }
}

TEST(ros_params_load_file_missing_and_empty) {
  ros_params_error e;
  CHECK_EQ_INT(load_err("params/does_not_exist.yaml", &e), ROS_PARAMS_ERR_FILE);
  CHECK_CONTAINS(e.message, "params/does_not_exist.yaml: cannot open params file: No such file or directory");
  CHECK_EQ_INT(load_err("params", &e), ROS_PARAMS_ERR_FILE);
  CHECK_CONTAINS(e.message, "cannot read params file");
  ros_param_overrides l = load_ok("params/empty.yaml");
  CHECK_EQ_INT(l.count, 0);
  CHECK_EQ_INT(ros_params_load_file(NULL, &l, &e), ROS_PARAMS_ERR_INVALID_ARGUMENT);
  ros_param_overrides_fini(&l);
}

TEST(ros_params_load_string_failure_leaves_list_unchanged) {
  ros_param_overrides l = load_ok("params/spec_example.yaml");
  const char *bad = "/a:\n  ros__parameters:\n    x: 1\n    y: [1, true]\n";
  ros_params_error e;
  CHECK_EQ_INT(ros_params_load_string(bad, strlen(bad), "bad.yaml", &l, &e), ROS_PARAMS_ERR_VALUE);
  CHECK_EQ_STR(e.message, "bad.yaml:4:12: list 'y' mixes types: item 2 is bool but the items before are integer");
  CHECK_EQ_INT(l.count, 3);
  CHECK_EQ_STR(l.items[2].name, "names");
  ros_param_overrides_fini(&l);
}

TEST(ros_params_load_string_limits) {
  ros_param_overrides l;
  ros_param_overrides_init(&l);
  ros_params_error e;
  CHECK_EQ_INT(ros_params_load_string("", LMS_MAX_PARAMS_FILE_SIZE + 1, "big", &l, &e), ROS_PARAMS_ERR_TOO_LARGE);
  char deep[512];
  size_t used = (size_t)snprintf(deep, sizeof deep, "/n:\n  ros__parameters:\n    ");
  for (int i = 0; i < 40; i++) used += (size_t)snprintf(deep + used, sizeof deep - used, "{a: ");
  used += (size_t)snprintf(deep + used, sizeof deep - used, "1");
  for (int i = 0; i < 40; i++) used += (size_t)snprintf(deep + used, sizeof deep - used, "}");
  CHECK_EQ_INT(ros_params_load_string(deep, strlen(deep), "deep", &l, &e), ROS_PARAMS_ERR_TOO_LARGE);
  CHECK_CONTAINS(e.message, "nesting deeper than 32 levels");
  CHECK_EQ_INT(ros_params_load_string(NULL, 3, NULL, &l, &e), ROS_PARAMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_load_string(NULL, 0, NULL, &l, &e), ROS_PARAMS_OK);
  CHECK_EQ_INT(l.count, 0);
  ros_param_overrides_fini(&l);
}

TEST(ros_params_load_string_override_count_limit) {
  size_t cap = 40 + (size_t)(LMS_MAX_PARAM_OVERRIDES + 1) * 16;
  char *text = malloc(cap);
  size_t n = (size_t)snprintf(text, cap, "/n:\n  ros__parameters:\n");
  for (int i = 0; i <= LMS_MAX_PARAM_OVERRIDES; i++) n += (size_t)snprintf(text + n, cap - n, "    p%d: 1\n", i);
  ros_param_overrides l;
  ros_param_overrides_init(&l);
  ros_params_error e;
  CHECK_EQ_INT(ros_params_load_string(text, n, "many", &l, &e), ROS_PARAMS_ERR_TOO_LARGE);
  CHECK_CONTAINS(e.message, "more than 16384 parameter overrides");
  CHECK_EQ_INT(l.count, 0);
  ros_param_overrides_fini(&l);
  free(text);
}

TEST(ros_params_node_matches_wildcards) {
  CHECK(ros_params_node_matches("/**", "/a"));
  CHECK(ros_params_node_matches("/**", "/a/b/c"));
  CHECK(ros_params_node_matches("/*", "/a"));
  CHECK(!ros_params_node_matches("/*", "/a/b"));
  CHECK(ros_params_node_matches("/ns/*", "/ns/x"));
  CHECK(!ros_params_node_matches("/ns/*", "/ns"));
  CHECK(!ros_params_node_matches("/ns/*", "/ns/x/y"));
  CHECK(!ros_params_node_matches("/ns/*", "/other/x"));
  CHECK(ros_params_node_matches("/**/driver", "/driver"));
  CHECK(ros_params_node_matches("/**/driver", "/a/b/driver"));
  CHECK(!ros_params_node_matches("/**/driver", "/a/driver2"));
  CHECK(ros_params_node_matches("talker", "/talker"));
  CHECK(!ros_params_node_matches("/talker", "/ns/talker"));
  CHECK(ros_params_node_matches("/robot1/driver", "/robot1/driver"));
  CHECK(!ros_params_node_matches("/robot1/driver", "/robot1/drive"));
  CHECK(!ros_params_node_matches(NULL, "/a"));
}

TEST(ros_params_select_wildcard_then_node_specific) {
  ros_param_overrides all = load_ok("params/wildcards.yaml");
  ros_param_overrides sel;
  ros_param_overrides_init(&sel);
  CHECK_EQ_INT(ros_params_select(&all, "/robot1/driver", false, &sel, NULL), ROS_PARAMS_OK);
  CHECK_EQ_INT(sel.count, 2);
  CHECK_EQ_STR(str(&sel.items[0].value), "under_robot1");
  CHECK_EQ_STR(str(&sel.items[1].value), "any_driver");
  ros_param_overrides_fini(&sel);
  CHECK_EQ_INT(ros_params_select(&all, "/talker", true, &sel, NULL), ROS_PARAMS_OK);
  CHECK_EQ_INT(sel.count, 1);
  CHECK_EQ_STR(str(&sel.items[0].value), "one_token");
  ros_param_overrides_fini(&sel);
  CHECK_EQ_INT(ros_params_select(&all, "/a/b/c", true, &sel, NULL), ROS_PARAMS_OK);
  CHECK_EQ_INT(sel.count, 0);
  ros_param_overrides_fini(&all);
}

TEST(ros_params_select_collapse_keeps_file_order_last_wins) {
  ros_param_overrides all = load_ok("params/precedence.yaml");
  ros_param_overrides sel;
  ros_param_overrides_init(&sel);
  CHECK_EQ_INT(ros_params_select(&all, "/robot1/driver", true, &sel, NULL), ROS_PARAMS_OK);
  CHECK_EQ_INT(sel.count, 4);
  CHECK_EQ_STR(sel.items[0].name, "rate");
  CHECK_EQ_STR(str(&sel.items[0].value), "2");
  CHECK_EQ_STR(sel.items[1].name, "only_driver");
  CHECK_EQ_STR(sel.items[2].name, "nested.deep.value");
  CHECK_EQ_STR(sel.items[3].name, "shared.name");
  CHECK_EQ_STR(str(&sel.items[3].value), "wildcard_again");
  CHECK_EQ_STR(str(&ros_params_find(&sel, "rate")->value), "2");
  CHECK(ros_params_find(&sel, "missing") == NULL);
  ros_param_overrides_fini(&sel);
  CHECK_EQ_INT(ros_params_select(&all, "/other", true, &sel, NULL), ROS_PARAMS_OK);
  CHECK_EQ_INT(sel.count, 2);
  CHECK_EQ_STR(str(&ros_params_find(&sel, "rate")->value), "1");
  ros_param_overrides_fini(&sel);
  CHECK_EQ_INT(ros_params_select(&all, "/other", false, &sel, NULL), ROS_PARAMS_OK);
  CHECK_EQ_INT(sel.count, 3);
  ros_param_overrides_fini(&sel);
  CHECK_EQ_INT(ros_params_select(NULL, "/x", true, &sel, NULL), ROS_PARAMS_ERR_INVALID_ARGUMENT);
  ros_param_overrides_fini(&all);
}

TEST(ros_param_overrides_add_checks_node_and_name) {
  ros_param_overrides l;
  ros_param_overrides_init(&l);
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_integer(&v, 1);
  ros_params_error e;
  CHECK_EQ_INT(ros_param_overrides_add(&l, "talker", "a", &v, NULL, &e), ROS_PARAMS_OK);
  CHECK_EQ_STR(l.items[0].node, "/talker");
  CHECK(l.items[0].origin == NULL);
  CHECK_EQ_INT(ros_param_overrides_add(&l, "/**", "b", &v, "-p b:=1", &e), ROS_PARAMS_OK);
  CHECK_EQ_INT(ros_param_overrides_add(&l, "/ns/*", "c", &v, NULL, &e), ROS_PARAMS_OK);
  CHECK_EQ_INT(ros_param_overrides_add(&l, "/*/x", "d", &v, "o", &e), ROS_PARAMS_ERR_NODE_NAME);
  CHECK_EQ_STR(e.message, "o: node '/*/x' is not a node name or pattern: namespace '/*' is invalid: character '*' at index 1 is not allowed (only A-Z, a-z, 0-9, _ and /)");
  CHECK_EQ_INT(ros_param_overrides_add(&l, "/n", "", &v, NULL, &e), ROS_PARAMS_ERR_PARAM_NAME);
  CHECK_EQ_INT(ros_param_overrides_add(&l, "", "x", &v, NULL, &e), ROS_PARAMS_ERR_NODE_NAME);
  CHECK_EQ_INT(ros_param_overrides_add(NULL, "/n", "x", &v, NULL, &e), ROS_PARAMS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(l.count, 3);
  ros_param_overrides_truncate(&l, 1);
  CHECK_EQ_INT(l.count, 1);
  ros_param_overrides_fini(&l);
}
