/* test_rosidl_parse.c: the interface-file parser and model of rosidl_gen: every grammar form,
 * rosidl's derived service/action types, and errors that name file:line. */
#include "msg_parse.h"
#include "ros_model.h"
#include "testing.h"

static rg_file parse_ok(const char *text, int nsec) {
  rg_file f;
  rg_error err = {{0}};
  bool ok = rg_parse(text, strlen(text), "t.msg", "pkg", nsec, &f, &err);
  CHECK_MSG(ok, "parse failed: %s", err.msg);
  return f;
}

static void check_field(const rg_field *f, const char *name, rg_prim prim, rg_container c,
                        uint32_t cap, uint32_t sbound, const char *nested) {
  CHECK_EQ_STR(f->name, name);
  CHECK_EQ_INT(f->type.prim, prim);
  CHECK_EQ_INT(f->type.container, c);
  CHECK_EQ_INT(f->type.capacity, cap);
  CHECK_EQ_INT(f->type.string_bound, sbound);
  if (nested) CHECK_EQ_STR(f->type.nested, nested);
  else CHECK(f->type.nested == NULL);
}

TEST(rosidl_parse_msg_all_type_forms) {
  rg_file f = parse_ok("# header comment\n"
                       "bool a\nbyte b\nchar c\nint8 d\nuint8 e\nint16 f\nuint16 g\n"
                       "int32 h\nuint32 i\nint64 j\nuint64 k\nfloat32 l\nfloat64 m\n"
                       "string n   # trailing comment\n"
                       "\tstring<=10 o\n"
                       "int32[3] p\nint32[] q\nint32[<=4] r\n"
                       "string<=5[<=2] s\n"
                       "Other t\nother_pkg/Thing[] u\r\n",
                       1);
  CHECK_EQ_INT(f.nsec, 1);
  CHECK_EQ_INT(f.sec[0].nfields, 21);
  const rg_field *x = f.sec[0].fields;
  check_field(&x[0], "a", RG_BOOL, RG_SINGLE, 0, 0, NULL);
  check_field(&x[2], "c", RG_CHAR, RG_SINGLE, 0, 0, NULL);
  check_field(&x[12], "m", RG_FLOAT64, RG_SINGLE, 0, 0, NULL);
  check_field(&x[13], "n", RG_STRING, RG_SINGLE, 0, 0, NULL);
  check_field(&x[14], "o", RG_STRING, RG_SINGLE, 0, 10, NULL);
  check_field(&x[15], "p", RG_INT32, RG_ARRAY, 3, 0, NULL);
  check_field(&x[16], "q", RG_INT32, RG_SEQ, 0, 0, NULL);
  check_field(&x[17], "r", RG_INT32, RG_BOUNDED_SEQ, 4, 0, NULL);
  check_field(&x[18], "s", RG_STRING, RG_BOUNDED_SEQ, 2, 5, NULL);
  check_field(&x[19], "t", RG_NESTED, RG_SINGLE, 0, 0, "pkg/msg/Other");
  check_field(&x[20], "u", RG_NESTED, RG_SEQ, 0, 0, "other_pkg/msg/Thing");
  rg_file_free(&f);
}

TEST(rosidl_parse_constants_and_defaults) {
  rg_file f = parse_ok("int8 STATUS_UNKNOWN   = 0\nint8 NEG=-128\nuint64 BIG=18446744073709551615\n"
                       "bool FLAG=1\nfloat64 PI=3.14159\nstring GREETING=\"hi \\\"there\\\"\"\n"
                       "string RAW=a=b\n"
                       "bool read_only false\nint32[2] pair [1, -2]\nstring name 'x y'\n"
                       "float32 ratio 0.5\n",
                       1);
  rg_section *s = &f.sec[0];
  CHECK_EQ_INT(s->nconsts, 7);
  CHECK_EQ_STR(s->consts[0].name, "STATUS_UNKNOWN");
  CHECK_EQ_STR(s->consts[0].value, "0");
  CHECK_EQ_STR(s->consts[1].value, "-128");
  CHECK_EQ_STR(s->consts[2].value, "18446744073709551615");
  CHECK_EQ_STR(s->consts[3].value, "true");
  CHECK_EQ_STR(s->consts[5].value, "hi \"there\"");
  CHECK_EQ_STR(s->consts[6].name, "RAW");
  CHECK_EQ_STR(s->consts[6].value, "a=b");
  CHECK_EQ_INT(s->nfields, 4);
  CHECK_EQ_STR(s->fields[0].default_text, "false");
  CHECK_EQ_STR(s->fields[1].default_text, "[1, -2]");
  CHECK_EQ_STR(s->fields[2].default_text, "'x y'");
  rg_file_free(&f);
}

TEST(rosidl_parse_srv_and_action_sections) {
  rg_file f = parse_ok("int64 a\n---\n---\nint32 p\n", 3);
  CHECK_EQ_INT(f.nsec, 3);
  CHECK_EQ_INT(f.sec[0].nfields, 1);
  CHECK_EQ_INT(f.sec[1].nfields, 0);
  CHECK_EQ_STR(f.sec[2].fields[0].name, "p");
  rg_file_free(&f);
  f = parse_ok("---\n", 2);
  CHECK_EQ_INT(f.sec[0].nfields + f.sec[1].nfields, 0);
  rg_file_free(&f);
}

TEST(rosidl_parse_errors_name_file_and_line) {
  static const struct {
    const char *text;
    int nsec;
    const char *want;
  } cases[] = {
      {"int32 a\nint32\n", 1, "t.msg:2: 'int32': expected a type followed by a name"},
      {"int32 a\nfoo b\n", 1, "t.msg:2: unknown type 'foo'"},
      {"time stamp\n", 1, "t.msg:1: 'time' is a ROS 1 type"},
      {"int32[0] a\n", 1, "t.msg:1: array size must be at least 1"},
      {"int32[<=x] a\n", 1, "t.msg:1: sequence bound 'x' is not a decimal number"},
      {"int32[3 a\n", 1, "t.msg:1: bad array type"},
      {"string<5 a\n", 1, "t.msg:1: bad string bound"},
      {"string<=99999999999 a\n", 1, "t.msg:1: string bound '99999999999' is too large"},
      {"int32 Bad\n", 1, "t.msg:1: bad field name 'Bad'"},
      {"int32 a__b\n", 1, "t.msg:1: bad field name"},
      {"int32 a_\n", 1, "t.msg:1: bad field name"},
      {"int32 a\nint64 a\n", 1, "t.msg:2: duplicate field 'a'"},
      {"int8 X=128\n", 1, "t.msg:1: constant value '128' is not a valid int8"},
      {"uint8 X=-1\n", 1, "t.msg:1: constant value '-1' is not a valid uint8"},
      {"int32[2] X=1\n", 1, "t.msg:1: constant 'X' must have a primitive, non-array type"},
      {"int32 lower=1\n", 1, "t.msg:1: bad constant name 'lower'"},
      {"float64 X=abc\n", 1, "t.msg:1: constant value 'abc' is not a valid float64"},
      {"bool X=yes\n", 1, "t.msg:1: constant value 'yes' is not a bool"},
      {"int8 X=\n", 1, "t.msg:1: constant 'X' has no value"},
      {"string<=2 X=abc\n", 1, "t.msg:1: constant value 'abc' is longer than the string bound 2"},
      {"int32 a 1.5\n", 1, "t.msg:1: default '1.5' is not a valid int32"},
      {"int32[2] a [1]\n", 1, "t.msg:1: default has 1 elements but the array has 2"},
      {"int32[<=1] a [1, 2]\n", 1, "t.msg:1: default has 2 elements but the sequence bound is 1"},
      {"int32[] a 1\n", 1, "t.msg:1: default '1' of an array must be written"},
      {"Other a 1\n", 1, "t.msg:1: a field of message type cannot have a default"},
      {"a/b/C x\n", 1, "t.msg:1: bad type 'a/b/C'"},
      {"int32 a\n---\nint32 b\n", 1, "t.msg:2: too many '---' separators (a message has 1 section)"},
      {"int32 a\n", 2, "t.msg:1: expected 2 sections separated by '---', found 1"},
      {"int32 a\n---\n", 3, "t.msg:2: expected 3 sections separated by '---', found 2"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rg_file f;
    rg_error err = {{0}};
    bool ok = rg_parse(cases[i].text, strlen(cases[i].text), "t.msg", "pkg", cases[i].nsec, &f,
                       &err);
    CHECK_MSG(!ok, "case %zu parsed: %s", i, cases[i].text);
    CHECK_MSG(strstr(err.msg, cases[i].want) != NULL, "case %zu: got \"%s\", want \"%s\"", i,
              err.msg, cases[i].want);
    CHECK_EQ_INT(f.nsec, 0);
  }
}

TEST(rosidl_parse_text_is_length_bounded) {
  /* The buffer is not NUL-terminated at len: only the first line may be read. */
  const char text[] = "int32 a\nint32 b";
  rg_file f;
  rg_error err;
  CHECK(rg_parse(text, 8, "t.msg", "pkg", 1, &f, &err));
  CHECK_EQ_INT(f.sec[0].nfields, 1);
  rg_file_free(&f);
}

static void add(rg_model *m, const char *pkg, const char *path, const char *text) {
  rg_error err = {{0}};
  CHECK_MSG(rg_model_add_text(m, pkg, path, text, strlen(text), &err), "%s", err.msg);
}

/* Minimal stand-ins for the packages rosidl's derived types reference. */
static void add_base_types(rg_model *m) {
  add(m, "builtin_interfaces", "Time.msg", "int32 sec\nuint32 nanosec\n");
  add(m, "unique_identifier_msgs", "UUID.msg", "uint8[16] uuid\n");
  add(m, "service_msgs", "ServiceEventInfo.msg",
      "uint8 event_type\nbuiltin_interfaces/Time stamp\nchar[16] client_gid\nint64 sequence_number\n");
}

static const rg_type *find(const rg_model *m, const char *name, rg_role role, size_t nfields) {
  const rg_type *t = rg_model_find(m, name);
  CHECK_MSG(t != NULL, "no type %s", name);
  CHECK_EQ_INT(t->role, role);
  CHECK_EQ_INT(t->body.nfields, nfields);
  return t;
}

TEST(rosidl_model_derives_service_and_action_types) {
  rg_model m;
  rg_error err = {{0}};
  rg_model_init(&m);
  add_base_types(&m);
  add(&m, "demo", "srv/Empty.srv", "---\n");
  add(&m, "demo", "action/Count.action", "int32 to\n---\nint32 total\n---\nint32 at\n");
  CHECK_MSG(rg_model_finish(&m, &err), "%s", err.msg);

  const rg_type *t = find(&m, "demo/srv/Empty_Request", RG_ROLE_REQUEST, 1);
  CHECK_EQ_STR(t->body.fields[0].name, "structure_needs_at_least_one_member");
  CHECK_EQ_INT(t->body.fields[0].type.prim, RG_UINT8);
  t = find(&m, "demo/srv/Empty_Event", RG_ROLE_EVENT, 3);
  check_field(&t->body.fields[0], "info", RG_NESTED, RG_SINGLE, 0, 0,
              "service_msgs/msg/ServiceEventInfo");
  check_field(&t->body.fields[1], "request", RG_NESTED, RG_BOUNDED_SEQ, 1, 0,
              "demo/srv/Empty_Request");
  check_field(&t->body.fields[2], "response", RG_NESTED, RG_BOUNDED_SEQ, 1, 0,
              "demo/srv/Empty_Response");
  t = find(&m, "demo/srv/Empty", RG_ROLE_SERVICE, 3);
  CHECK_EQ_STR(t->body.fields[2].name, "event_message");

  find(&m, "demo/action/Count_Goal", RG_ROLE_MESSAGE, 1);
  t = find(&m, "demo/action/Count_SendGoal_Request", RG_ROLE_REQUEST, 2);
  check_field(&t->body.fields[0], "goal_id", RG_NESTED, RG_SINGLE, 0, 0,
              "unique_identifier_msgs/msg/UUID");
  check_field(&t->body.fields[1], "goal", RG_NESTED, RG_SINGLE, 0, 0, "demo/action/Count_Goal");
  t = find(&m, "demo/action/Count_SendGoal_Response", RG_ROLE_RESPONSE, 2);
  check_field(&t->body.fields[0], "accepted", RG_BOOL, RG_SINGLE, 0, 0, NULL);
  check_field(&t->body.fields[1], "stamp", RG_NESTED, RG_SINGLE, 0, 0, "builtin_interfaces/msg/Time");
  t = find(&m, "demo/action/Count_GetResult_Response", RG_ROLE_RESPONSE, 2);
  check_field(&t->body.fields[0], "status", RG_INT8, RG_SINGLE, 0, 0, NULL);
  find(&m, "demo/action/Count_GetResult_Request", RG_ROLE_REQUEST, 1);
  find(&m, "demo/action/Count_SendGoal_Event", RG_ROLE_EVENT, 3);
  find(&m, "demo/action/Count_GetResult", RG_ROLE_SERVICE, 3);
  t = find(&m, "demo/action/Count_FeedbackMessage", RG_ROLE_MESSAGE, 2);
  check_field(&t->body.fields[1], "feedback", RG_NESTED, RG_SINGLE, 0, 0,
              "demo/action/Count_Feedback");
  t = find(&m, "demo/action/Count", RG_ROLE_ACTION, 6);
  static const char *members[] = {"goal", "result", "feedback", "send_goal_service",
                                  "get_result_service", "feedback_message"};
  for (size_t i = 0; i < 6; i++) CHECK_EQ_STR(t->body.fields[i].name, members[i]);
  CHECK_EQ_STR(t->body.fields[3].type.nested, "demo/action/Count_SendGoal");
  for (size_t i = 1; i < m.ntypes; i++) CHECK(strcmp(m.types[i - 1]->name, m.types[i]->name) < 0);
  rg_model_free(&m);
}

TEST(rosidl_model_rejects_bad_references) {
  static const struct {
    const char *path, *text, *want;
  } cases[] = {
      {"msg/A.msg", "int32 x\nMissing y\n", "msg/A.msg:2: unknown type demo/msg/Missing"},
      {"msg/Loop.msg", "Loop next\n", "msg/Loop.msg: type demo/msg/Loop contains itself"},
      {"msg/lower.msg", "int32 x\n", "msg/lower.msg: file name 'lower' is not a valid type name"},
      {"msg/A.txt", "int32 x\n", "msg/A.txt: not a .msg, .srv or .action file"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rg_model m;
    rg_error err = {{0}};
    rg_model_init(&m);
    bool ok = rg_model_add_text(&m, "demo", cases[i].path, cases[i].text, strlen(cases[i].text),
                                &err) &&
              rg_model_finish(&m, &err);
    CHECK_MSG(!ok, "case %zu accepted", i);
    CHECK_MSG(strstr(err.msg, cases[i].want) != NULL, "case %zu: got \"%s\"", i, err.msg);
    rg_model_free(&m);
  }
  rg_model m;
  rg_error err = {{0}};
  rg_model_init(&m);
  add(&m, "demo", "msg/A.msg", "int32 x\n");
  CHECK(!rg_model_add_text(&m, "demo", "other/A.msg", "int32 y\n", 8, &err));
  CHECK_CONTAINS(err.msg, "type demo/msg/A is defined twice");
  rg_model_free(&m);
}

TEST(rosidl_model_loads_package_directories) {
  rg_model m;
  rg_error err = {{0}};
  rg_model_init(&m);
  CHECK_MSG(rg_model_load_dir(&m, test_fixture("rosidl/kw_msgs/"), &err), "%s", err.msg);
  CHECK_EQ_INT(m.npackages, 1);
  CHECK_EQ_STR(m.packages[0], "kw_msgs");
  CHECK(!rg_model_load_dir(&m, test_fixture("rosidl/kw_msgs"), &err));
  CHECK_CONTAINS(err.msg, "package kw_msgs given twice");
  CHECK_MSG(rg_model_finish(&m, &err), "%s", err.msg);
  CHECK(rg_model_find(&m, "kw_msgs/msg/Keywords") != NULL);
  CHECK(!rg_model_load_dir(&m, test_fixture("rosidl/no_such_pkg"), &err));
  CHECK_CONTAINS(err.msg, "cannot open package directory");
  rg_model_free(&m);
}
