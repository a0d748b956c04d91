/* test_ros_args.c: the ROS command line (ROS2_WIRE.md §1.3, §7.4): blocks and app arguments,
 * every flag of the table (missing and bad values), remap rules and their precedence, node
 * name/namespace resolution, -p values and params files in command-line order, log levels,
 * limits, and that a failed parse leaves the result empty. */
#include "common/limits.h"
#include "ros/ros_args.h"
#include "ros/ros_names.h"
#include "testing.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__})
#define ARGC(...) ((int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))
#define PARSE(a, e, ...) ros_args_parse((a), ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (e))

static bool is_empty(const ros_args *a) {
  return !a->node_name && !a->node_namespace && !a->remaps && !a->remap_count && !a->params.count &&
         !a->params_files && !a->enclave && !a->has_log_level && !a->logger_levels && !a->app_args &&
         !a->app_arg_count && !a->ros_block_count && !a->log_config_file;
}

static ros_args parse_ok(int argc, const char *const *argv) {
  ros_args a;
  ros_args_init(&a);
  ros_args_error e;
  ros_args_status st = ros_args_parse(&a, argc, argv, &e);
  CHECK_MSG(st == ROS_ARGS_OK, "parse: %s", e.message);
  CHECK_EQ_INT(e.arg_index, -1);
  return a;
}
#define PARSE_OK(...) parse_ok(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

/* Parses and expects failure with code; the message must contain want. */
static void parse_fails(int argc, const char *const *argv, ros_args_status code, const char *want) {
  ros_args a;
  ros_args_init(&a);
  ros_args_error e;
  ros_args_status st = ros_args_parse(&a, argc, argv, &e);
  CHECK_MSG(st == code, "expected %s, got %s: %s", ros_args_status_name(code), ros_args_status_name(st), e.message);
  CHECK_EQ_INT(e.code, code);
  CHECK_CONTAINS(e.message, want);
  CHECK(is_empty(&a));
}
#define PARSE_FAILS(code, want, ...) parse_fails(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (code), (want))

static const char *remap(const ros_args *a, const char *node, const char *ns, ros_name_kind kind, const char *name) {
  static char out[ROS_NAME_BUF_SIZE];
  ros_args_error e;
  ros_args_status st = ros_args_apply_remap(a, node, ns, kind, name, out, sizeof out, &e);
  CHECK_MSG(st == ROS_ARGS_OK, "remap %s: %s", name, e.message);
  return out;
}

static const char *param_str(const ros_param_overrides *l, const char *name) {
  static char buf[128];
  const ros_param_override *o = ros_params_find(l, name);
  if (!o) return "(none)";
  ros_param_value_to_string(&o->value, buf, sizeof buf);
  return buf;
}

TEST(ros_args_strerror_covers_every_status) {
  for (int s = 0; s < ROS_ARGS_STATUS_COUNT; s++) {
    CHECK(strcmp(ros_args_status_name((ros_args_status)s), "ROS_ARGS_ERR_?") != 0);
    CHECK(strcmp(ros_args_strerror((ros_args_status)s), "Unknown error code.") != 0);
  }
  CHECK_EQ_STR(ros_args_status_name((ros_args_status)ROS_ARGS_STATUS_COUNT), "ROS_ARGS_ERR_?");
}

TEST(ros_args_flags_table_is_documented) {
  size_t n = 0;
  const ros_args_flag_info *f = ros_args_flags(&n);
  CHECK_EQ_INT(n, 12);
  for (size_t i = 0; i < n; i++) {
    CHECK(strncmp(f[i].name, "--", 2) == 0);
    CHECK(f[i].help && strlen(f[i].help) > 10 && f[i].help[strlen(f[i].help) - 1] == '.');
    CHECK(!f[i].short_name || (f[i].short_name[0] == '-' && strlen(f[i].short_name) == 2));
  }
  CHECK(ros_args_flags(NULL) == f);
}

/* Every flag that takes a value: missing value, empty value and an over-long value each give
 * the documented error naming the flag. */
TEST(ros_args_parse_every_flag_missing_empty_and_long_value) {
  static const struct {
    const char *name;
    ros_args_status empty_code;
  } expect[] = {
    {"--param", ROS_ARGS_ERR_BAD_PARAM},          {"--remap", ROS_ARGS_ERR_BAD_REMAP},
    {"--params-file", ROS_ARGS_ERR_PARAMS_FILE},  {"--enclave", ROS_ARGS_ERR_BAD_ENCLAVE},
    {"--log-level", ROS_ARGS_ERR_BAD_LOG_LEVEL},  {"--log-config-file", ROS_ARGS_OK},
  };
  size_t n = 0, with_value = 0;
  const ros_args_flag_info *f = ros_args_flags(&n);
  char *longv = malloc(LMS_MAX_ROS_ARG_LEN + 2);
  memset(longv, 'a', LMS_MAX_ROS_ARG_LEN + 1);
  longv[LMS_MAX_ROS_ARG_LEN + 1] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (!f[i].value_hint) continue;
    size_t k = 0;
    while (k < sizeof expect / sizeof *expect && strcmp(expect[k].name, f[i].name) != 0) k++;
    CHECK_MSG(k < sizeof expect / sizeof *expect, "flag %s has no expectation here", f[i].name);
    with_value++;
    const char *spellings[2] = {f[i].name, f[i].short_name};
    for (int s = 0; s < 2 && spellings[s]; s++) {
      char want[200];
      snprintf(want, sizeof want, "'%s' (argv[2]) needs a value: %s %s", spellings[s], spellings[s], f[i].value_hint);
      parse_fails(3, ARGV("prog", "--ros-args", spellings[s]), ROS_ARGS_ERR_MISSING_VALUE, want);
      snprintf(want, sizeof want, "%s '' (argv[3]): ", spellings[s]);
      if (expect[k].empty_code != ROS_ARGS_OK) {
        parse_fails(4, ARGV("prog", "--ros-args", spellings[s], ""), expect[k].empty_code, want);
      } else {
        ros_args a = parse_ok(4, ARGV("prog", "--ros-args", spellings[s], ""));
        ros_args_fini(&a);
      }
      parse_fails(4, ARGV("prog", "--ros-args", spellings[s], longv), ROS_ARGS_ERR_TOO_LARGE, "argv[3] is longer than 65536 bytes");
    }
  }
  CHECK_EQ_INT(with_value, sizeof expect / sizeof *expect);
  free(longv);
}

TEST(ros_args_parse_no_ros_args_keeps_all_app_args) {
  ros_args a = PARSE_OK("prog", "-r", "x:=y", "--foo");
  CHECK_EQ_INT(a.app_arg_count, 4);
  CHECK_EQ_STR(a.app_args[0], "prog");
  CHECK_EQ_STR(a.app_args[1], "-r");
  CHECK_EQ_INT(a.remap_count, 0);
  CHECK_EQ_INT(a.ros_block_count, 0);
  ros_args_fini(&a);
  a = parse_ok(0, NULL);
  CHECK(is_empty(&a));
  ros_args_fini(&a);
}

TEST(ros_args_parse_blocks_and_explicit_end) {
  ros_args a = PARSE_OK("prog", "app1", "--ros-args", "-r", "a:=b", "--", "app2", "--ros-args",
                        "--ros-args", "-p", "x:=1", "--", "--", "app3");
  CHECK_EQ_INT(a.ros_block_count, 2);
  CHECK_EQ_INT(a.app_arg_count, 5);
  CHECK_EQ_STR(a.app_args[1], "app1");
  CHECK_EQ_STR(a.app_args[2], "app2");
  CHECK_EQ_STR(a.app_args[3], "--");
  CHECK_EQ_STR(a.app_args[4], "app3");
  CHECK_EQ_INT(a.remap_count, 1);
  CHECK_EQ_INT(a.params.count, 1);
  ros_args_fini(&a);
  a = PARSE_OK("prog", "--ros-args");
  CHECK_EQ_INT(a.ros_block_count, 1);
  CHECK_EQ_INT(a.app_arg_count, 1);
  ros_args_fini(&a);
}

TEST(ros_args_parse_unknown_flag_names_it) {
  PARSE_FAILS(ROS_ARGS_ERR_UNKNOWN_ARGUMENT, "unknown ROS argument '--foo' (argv[2]) after --ros-args",
              "prog", "--ros-args", "--foo");
  PARSE_FAILS(ROS_ARGS_ERR_UNKNOWN_ARGUMENT, "unknown ROS argument 'chatter:=x' (argv[4])",
              "prog", "--ros-args", "--", "--ros-args", "chatter:=x");
  ros_args a;
  ros_args_init(&a);
  ros_args_error e;
  CHECK_EQ_INT(PARSE(&a, &e, "prog", "--ros-args", "-r", "a:=b", "-x"), ROS_ARGS_ERR_UNKNOWN_ARGUMENT);
  CHECK_EQ_INT(e.arg_index, 4);
  CHECK(is_empty(&a));
}

TEST(ros_args_parse_bad_arguments) {
  ros_args a;
  ros_args_init(&a);
  ros_args_error e;
  CHECK_EQ_INT(ros_args_parse(NULL, 0, NULL, &e), ROS_ARGS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_args_parse(&a, -1, NULL, &e), ROS_ARGS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_args_parse(&a, 1, NULL, &e), ROS_ARGS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_args_parse(&a, 2, ARGV("prog", NULL), &e), ROS_ARGS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_STR(e.message, "argv[1] is NULL");
  CHECK_EQ_INT(ros_args_parse(&a, LMS_MAX_ROS_ARGS + 1, ARGV("prog"), &e), ROS_ARGS_ERR_TOO_LARGE);
  CHECK(is_empty(&a));
}

TEST(ros_args_parse_remap_rules) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "chatter:=talk", "--remap", "talker:/a:=~/b",
                        "-r", "rostopic://t:=u", "-r", "rosservice://s:=v", "-r", "n:rostopic://x:=y");
  CHECK_EQ_INT(a.remap_count, 5);
  CHECK_EQ_INT(a.remaps[0].kind, ROS_REMAP_NAME);
  CHECK(a.remaps[0].node == NULL);
  CHECK_EQ_STR(a.remaps[0].match, "chatter");
  CHECK_EQ_STR(a.remaps[0].replacement, "talk");
  CHECK_EQ_STR(a.remaps[1].node, "talker");
  CHECK_EQ_STR(a.remaps[1].match, "/a");
  CHECK_EQ_STR(a.remaps[1].replacement, "~/b");
  CHECK_EQ_INT(a.remaps[2].kind, ROS_REMAP_TOPIC);
  CHECK_EQ_STR(a.remaps[2].match, "t");
  CHECK_EQ_INT(a.remaps[3].kind, ROS_REMAP_SERVICE);
  CHECK_EQ_INT(a.remaps[4].kind, ROS_REMAP_TOPIC);
  CHECK_EQ_STR(a.remaps[4].node, "n");
  ros_args_fini(&a);
}

TEST(ros_args_parse_remap_node_and_namespace) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "other:__node:=x", "-r", "__node:=renamed",
                        "-r", "__name:=second", "-r", "__ns:=/robot1/", "-r", "__ns:=/later");
  CHECK_EQ_STR(a.node_name, "renamed");
  CHECK_EQ_STR(a.node_namespace, "/robot1");
  CHECK_EQ_INT(a.remaps[0].kind, ROS_REMAP_NODE_NAME);
  CHECK_EQ_STR(a.remaps[0].node, "other");
  CHECK_EQ_INT(a.remaps[2].kind, ROS_REMAP_NODE_NAME);
  CHECK_EQ_INT(a.remaps[3].kind, ROS_REMAP_NAMESPACE);
  CHECK(a.remaps[3].match == NULL);
  ros_args_fini(&a);
}

TEST(ros_args_parse_remap_errors_name_the_rule) {
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "-r 'chatter' (argv[3]): a remap rule has the form [node:]from:=to",
              "prog", "--ros-args", "-r", "chatter");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "--remap 'bad-node:a:=b' (argv[3]): the node prefix is not a node name: node name 'bad-node' is invalid",
              "prog", "--ros-args", "--remap", "bad-node:a:=b");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "-r '__ns:=robot1' (argv[3]): __ns needs an absolute namespace such as /robot1",
              "prog", "--ros-args", "-r", "__ns:=robot1");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "namespace '/a//b' is invalid", "prog", "--ros-args", "-r", "__ns:=/a//b");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "node name '1x' is invalid: it must not start with a digit",
              "prog", "--ros-args", "-r", "__node:=1x");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "the name to match, '/a/*', is invalid: wildcards (* and **) are not supported",
              "prog", "--ros-args", "-r", "/a/*:=b");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "the replacement '\\1' is invalid: back-references (\\1 ... \\9) are not supported",
              "prog", "--ros-args", "-r", "a:=\\1");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "the replacement '' is invalid: the name is empty", "prog", "--ros-args", "-r", "a:=");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "the name to match, 'a//b', is invalid: it has an empty token",
              "prog", "--ros-args", "-r", "a//b:=c");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "the replacement 'b/' is invalid", "prog", "--ros-args", "-r", "a:=b/");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "the name to match, '~', is invalid", "prog", "--ros-args", "-r", "~:=b");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "a token starts with a digit", "prog", "--ros-args", "-r", "a:=/x/9");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "character other than", "prog", "--ros-args", "-r", "a.b:=c");
  /* rcl's lexer has no substitutions in remap rules either. */
  PARSE_FAILS(ROS_ARGS_ERR_BAD_REMAP, "the name to match, '{node}_x', is invalid", "prog", "--ros-args", "-r", "{node}_x:=y");
}

TEST(ros_args_parse_remap_limit) {
  int argc = 2 + 2 * (LMS_MAX_REMAP_RULES + 1);
  const char **argv = malloc((size_t)argc * sizeof *argv);
  argv[0] = "prog";
  argv[1] = "--ros-args";
  for (int i = 2; i < argc; i += 2) {
    argv[i] = "-r";
    argv[i + 1] = "a:=b";
  }
  parse_fails(argc, argv, ROS_ARGS_ERR_TOO_LARGE, "more than 1024 remap rules");
  free(argv);
}

TEST(ros_args_resolve_node_applies_rules) {
  char name[ROS_NAME_BUF_SIZE], ns[ROS_NAME_BUF_SIZE];
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "other:__node:=x", "-r", "talker:__node:=speaker",
                        "-r", "__node:=fallback", "-r", "speaker:__ns:=/only_speaker", "-r", "__ns:=/all");
  CHECK_EQ_INT(ros_args_resolve_node(&a, "talker", "", name, sizeof name, ns, sizeof ns, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(name, "speaker");
  CHECK_EQ_STR(ns, "/only_speaker"); /* the __ns rule is matched against the new name */
  CHECK_EQ_INT(ros_args_resolve_node(&a, "listener", "/x", name, sizeof name, ns, sizeof ns, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(name, "fallback");
  CHECK_EQ_STR(ns, "/all");
  ros_args_fini(&a);
  CHECK_EQ_INT(ros_args_resolve_node(NULL, "n", "robot", name, sizeof name, ns, sizeof ns, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(name, "n");
  CHECK_EQ_STR(ns, "/robot");
  CHECK_EQ_INT(ros_args_resolve_node(NULL, "n", NULL, name, sizeof name, ns, sizeof ns, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(ns, "/");
}

TEST(ros_args_resolve_node_rejects_invalid) {
  char name[8] = "keep", ns[8] = "keep";
  ros_args_error e;
  CHECK_EQ_INT(ros_args_resolve_node(NULL, "bad-name", "/", name, sizeof name, ns, sizeof ns, &e), ROS_ARGS_ERR_BAD_NAME);
  CHECK_CONTAINS(e.message, "node name 'bad-name' is invalid");
  CHECK_EQ_INT(ros_args_resolve_node(NULL, "n", "/a/", name, sizeof name, ns, sizeof ns, &e), ROS_ARGS_ERR_BAD_NAME);
  CHECK_EQ_INT(ros_args_resolve_node(NULL, "n", "/long_namespace", name, sizeof name, ns, sizeof ns, &e), ROS_ARGS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_args_resolve_node(NULL, NULL, "/", name, sizeof name, ns, sizeof ns, &e), ROS_ARGS_ERR_INVALID_ARGUMENT);
  /* As rcl: the given name must be valid even when a rule renames the node. */
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "__node:=fine", "-r", "__ns:=/fine");
  CHECK_EQ_INT(ros_args_resolve_node(&a, "bad-name", "/", name, sizeof name, ns, sizeof ns, &e), ROS_ARGS_ERR_BAD_NAME);
  CHECK_EQ_INT(ros_args_resolve_node(&a, "n", "bad-ns", name, sizeof name, ns, sizeof ns, &e), ROS_ARGS_ERR_BAD_NAME);
  ros_args_fini(&a);
  CHECK_EQ_STR(name, "keep");
  CHECK_EQ_STR(ns, "keep");
}

TEST(ros_args_apply_remap_expands_match_and_replacement) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "chatter:=talk", "-r", "~/state:=/global_state",
                        "-r", "/abs:=rel/name");
  CHECK_EQ_STR(remap(&a, "driver", "/robot1", ROS_NAME_TOPIC, "/robot1/chatter"), "/robot1/talk");
  CHECK_EQ_STR(remap(&a, "driver", "/", ROS_NAME_TOPIC, "/chatter"), "/talk");
  CHECK_EQ_STR(remap(&a, "driver", "/robot2", ROS_NAME_TOPIC, "/chatter"), "/chatter"); /* relative match is /robot2/chatter */
  CHECK_EQ_STR(remap(&a, "driver", "/robot1", ROS_NAME_SERVICE, "/robot1/driver/state"), "/global_state");
  CHECK_EQ_STR(remap(&a, "driver", "/robot1", ROS_NAME_TOPIC, "/abs"), "/robot1/rel/name");
  CHECK_EQ_STR(remap(&a, "driver", "/robot1", ROS_NAME_TOPIC, "/robot1/other"), "/robot1/other");
  ros_args_fini(&a);
  CHECK_EQ_STR(remap(NULL, "n", "/", ROS_NAME_TOPIC, "/x"), "/x");
}

TEST(ros_args_apply_remap_first_match_wins) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "/x:=/first", "-r", "talker:/x:=/node_specific",
                        "-r", "/x:=/second", "-r", "listener:/y:=/listener_y", "-r", "/y:=/global_y");
  CHECK_EQ_STR(remap(&a, "talker", "/", ROS_NAME_TOPIC, "/x"), "/first");
  CHECK_EQ_STR(remap(&a, "listener", "/", ROS_NAME_TOPIC, "/y"), "/listener_y");
  CHECK_EQ_STR(remap(&a, "talker", "/", ROS_NAME_TOPIC, "/y"), "/global_y");
  ros_args_fini(&a);
}

TEST(ros_args_apply_remap_topic_and_service_prefixes) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "rostopic:///n:=/topic_only", "-r", "rosservice:///n:=/service_only",
                        "-r", "/n:=/both");
  CHECK_EQ_STR(remap(&a, "node", "/", ROS_NAME_TOPIC, "/n"), "/topic_only");
  CHECK_EQ_STR(remap(&a, "node", "/", ROS_NAME_SERVICE, "/n"), "/service_only");
  ros_args_fini(&a);
  a = PARSE_OK("prog", "--ros-args", "-r", "rosservice://n:=/service_only", "-r", "n:=/both");
  CHECK_EQ_STR(remap(&a, "node", "/", ROS_NAME_TOPIC, "/n"), "/both");
  ros_args_fini(&a);
}

TEST(ros_args_apply_remap_rejects_invalid) {
  char out[ROS_NAME_BUF_SIZE] = "keep";
  ros_args_error e;
  CHECK_EQ_INT(ros_args_apply_remap(NULL, "n", "/", ROS_NAME_TOPIC, "relative", out, sizeof out, &e), ROS_ARGS_ERR_BAD_NAME);
  CHECK_EQ_STR(e.message, "name 'relative' is invalid: it must start with '/'");
  CHECK_EQ_INT(ros_args_apply_remap(NULL, "n", "ns", ROS_NAME_TOPIC, "/x", out, sizeof out, &e), ROS_ARGS_ERR_BAD_NAME);
  CHECK_EQ_INT(ros_args_apply_remap(NULL, "n", "/", (ros_name_kind)7, "/x", out, sizeof out, &e), ROS_ARGS_ERR_INVALID_ARGUMENT);
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "/x:=a/b");
  char *ns = malloc(246);
  memset(ns, 'n', 245);
  ns[0] = '/';
  ns[245] = '\0';
  CHECK_EQ_INT(ros_args_apply_remap(&a, "n", ns, ROS_NAME_TOPIC, "/x", out, sizeof out, &e), ROS_ARGS_ERR_BAD_NAME);
  CHECK_CONTAINS(e.message, "remap rule /x:=a/b matches '/x' but its replacement is invalid");
  CHECK_EQ_STR(out, "keep");
  free(ns);
  ros_args_fini(&a);
}

TEST(ros_args_parse_param_values) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-p", "i:=3", "-p", "b:=true", "-p", "d:=3.0", "-p", "s:='txt'",
                        "--param", "q:='5'", "-p", "arr:=[1,2]", "-p", "strs:=[a, 'b']", "-p", "e:=[]",
                        "-p", "camera.fps:=30", "-p", "y:=Yes", "-p", "h:=0x10", "-p", "eq:=a:=b");
  ros_param_overrides sel;
  ros_param_overrides_init(&sel);
  CHECK_EQ_INT(ros_args_params_for_node(&a, "/any", &sel, NULL), ROS_ARGS_OK);
  CHECK_EQ_INT(sel.count, 12);
  CHECK_EQ_STR(param_str(&sel, "i"), "3");
  CHECK_EQ_INT(ros_params_find(&sel, "i")->value.type, ROS_PARAM_INTEGER);
  CHECK_EQ_STR(param_str(&sel, "b"), "true");
  CHECK_EQ_STR(param_str(&sel, "d"), "3.0");
  CHECK_EQ_STR(param_str(&sel, "s"), "txt");
  CHECK_EQ_STR(param_str(&sel, "q"), "'5'");
  CHECK_EQ_INT(ros_params_find(&sel, "q")->value.type, ROS_PARAM_STRING);
  CHECK_EQ_STR(param_str(&sel, "arr"), "[1, 2]");
  CHECK_EQ_STR(param_str(&sel, "strs"), "[a, b]");
  CHECK_EQ_STR(param_str(&sel, "e"), "[]");
  CHECK_EQ_STR(param_str(&sel, "camera.fps"), "30");
  CHECK_EQ_STR(param_str(&sel, "y"), "true");
  CHECK_EQ_STR(param_str(&sel, "h"), "16");
  CHECK_EQ_STR(param_str(&sel, "eq"), "'a:=b'");
  CHECK_EQ_STR(sel.items[0].origin, "-p i:=3");
  CHECK_EQ_STR(sel.items[0].node, "/**");
  ros_param_overrides_fini(&sel);
  ros_args_fini(&a);
}

TEST(ros_args_parse_param_node_prefix) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-p", "talker:rate:=5", "-p", "rate:=1");
  CHECK_EQ_STR(a.params.items[0].node, "/talker");
  ros_param_overrides sel;
  ros_param_overrides_init(&sel);
  CHECK_EQ_INT(ros_args_params_for_node(&a, "/talker", &sel, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(param_str(&sel, "rate"), "1"); /* the later, global rule wins */
  ros_param_overrides_fini(&sel);
  ros_args_fini(&a);
  a = PARSE_OK("prog", "--ros-args", "-p", "rate:=1", "-p", "talker:rate:=5");
  CHECK_EQ_INT(ros_args_params_for_node(&a, "/talker", &sel, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(param_str(&sel, "rate"), "5");
  ros_param_overrides_fini(&sel);
  CHECK_EQ_INT(ros_args_params_for_node(&a, "/ns/talker", &sel, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(param_str(&sel, "rate"), "1"); /* "talker:" means /talker only */
  ros_param_overrides_fini(&sel);
  ros_args_fini(&a);
}

TEST(ros_args_parse_param_errors_name_the_rule) {
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "-p 'rate' (argv[3]): a parameter rule has the form [node:]name:=value",
              "prog", "--ros-args", "-p", "rate");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM,
              "-p 'arr:=[1, \"a\"]' (argv[3]): value of 'arr': list 'value' mixes types: item 2 is string but the items before are integer",
              "prog", "--ros-args", "-p", "arr:=[1, \"a\"]");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "--param 'x:=' (argv[3]): value of 'x': the value is empty",
              "prog", "--ros-args", "--param", "x:=");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "value of 'm': a mapping is not a parameter value", "prog", "--ros-args", "-p", "m:={a: 1}");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "parameter name '1a' is invalid", "prog", "--ros-args", "-p", "1a:=2");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "parameter name 'a..b' is invalid", "prog", "--ros-args", "-p", "a..b:=2");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "parameter name 'a b' is invalid", "prog", "--ros-args", "-p", "a b:=2");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "parameter name '' is invalid", "prog", "--ros-args", "-p", "n::=2");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "the node prefix is not a node name: node name '*' is invalid",
              "prog", "--ros-args", "-p", "*:a:=2");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_PARAM, "value of 'x': YAML syntax error", "prog", "--ros-args", "-p", "x:=[1");
}

TEST(ros_args_parse_params_file_and_p_in_command_line_order) {
  char path[4096];
  snprintf(path, sizeof path, "%s", test_fixture("params/cmdline_override.yaml"));
  ros_param_overrides sel;
  ros_param_overrides_init(&sel);
  ros_args a = PARSE_OK("prog", "--ros-args", "-p", "a:=1", "--params-file", path);
  CHECK_EQ_INT(a.params_file_count, 1);
  CHECK_EQ_STR(a.params_files[0], path);
  CHECK_EQ_INT(ros_args_params_for_node(&a, "/talker", &sel, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(param_str(&sel, "a"), "2");
  CHECK_EQ_STR(param_str(&sel, "only_talker"), "1");
  CHECK_EQ_STR(param_str(&sel, "from_file"), "true");
  ros_param_overrides_fini(&sel);
  ros_args_fini(&a);
  a = PARSE_OK("prog", "--ros-args", "--params-file", path, "-p", "a:=3");
  CHECK_EQ_INT(ros_args_params_for_node(&a, "/listener", &sel, NULL), ROS_ARGS_OK);
  CHECK_EQ_STR(param_str(&sel, "a"), "3");
  CHECK_EQ_STR(param_str(&sel, "only_talker"), "(none)");
  CHECK_EQ_INT(sel.count, 2);
  ros_param_overrides_fini(&sel);
  ros_args_fini(&a);
}

TEST(ros_args_parse_params_file_errors) {
  PARSE_FAILS(ROS_ARGS_ERR_PARAMS_FILE, "--params-file '/nonexistent/p.yaml' (argv[3]): /nonexistent/p.yaml: cannot open params file: No such file or directory",
              "prog", "--ros-args", "--params-file", "/nonexistent/p.yaml");
  char path[4096];
  snprintf(path, sizeof path, "%s", test_fixture("params/mixed_list.yaml"));
  PARSE_FAILS(ROS_ARGS_ERR_PARAMS_FILE, "params/mixed_list.yaml:4:14: list 'bad' mixes types",
              "prog", "--ros-args", "-p", "x:=1", "--params-file", path);
}

TEST(ros_args_parse_enclave_and_log_config) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-e", "/first", "--enclave", "/secure/enclave", "--log-config-file", "log.conf");
  CHECK_EQ_STR(a.enclave, "/secure/enclave");
  CHECK_EQ_STR(a.log_config_file, "log.conf");
  ros_args_fini(&a);
  PARSE_FAILS(ROS_ARGS_ERR_BAD_ENCLAVE, "-e 'enclave' (argv[3]): an enclave is an absolute name like a namespace: namespace 'enclave' is invalid: it must start with '/'",
              "prog", "--ros-args", "-e", "enclave");
}

TEST(ros_args_parse_log_levels) {
  ros_args a = PARSE_OK("prog", "--ros-args", "--log-level", "warn", "--log-level", "talker:=DEBUG",
                        "--log-level", "robot1:=error", "--log-level", "Info", "--log-level", "talker:=fatal");
  CHECK(a.has_log_level);
  CHECK_EQ_INT(a.log_level, ROS_LOG_INFO);
  CHECK_EQ_INT(a.logger_level_count, 3);
  CHECK_EQ_STR(a.logger_levels[0].logger, "talker");
  CHECK_EQ_INT(a.logger_levels[0].level, ROS_LOG_DEBUG);
  CHECK_EQ_INT(ros_args_log_level_for(&a, "talker"), ROS_LOG_FATAL);
  CHECK_EQ_INT(ros_args_log_level_for(&a, "robot1.cam.driver"), ROS_LOG_ERROR);
  CHECK_EQ_INT(ros_args_log_level_for(&a, "robot10"), ROS_LOG_INFO);
  CHECK_EQ_INT(ros_args_log_level_for(&a, NULL), ROS_LOG_INFO);
  ros_args_fini(&a);
  a = PARSE_OK("prog");
  CHECK_EQ_INT(ros_args_log_level_for(&a, "x"), ROS_LOG_UNSET);
  ros_args_fini(&a);
  CHECK_EQ_INT(ros_args_log_level_for(NULL, "x"), ROS_LOG_UNSET);
}

TEST(ros_args_parse_log_level_errors) {
  PARSE_FAILS(ROS_ARGS_ERR_BAD_LOG_LEVEL, "--log-level 'verbose' (argv[3]): 'verbose' is not a log level (debug, info, warn, error, fatal or unset)",
              "prog", "--ros-args", "--log-level", "verbose");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_LOG_LEVEL, "--log-level ':=info' (argv[3]): the logger name before ':=' is empty",
              "prog", "--ros-args", "--log-level", ":=info");
  PARSE_FAILS(ROS_ARGS_ERR_BAD_LOG_LEVEL, "'debugx' is not a log level", "prog", "--ros-args", "--log-level", "a:=debugx");
}

TEST(ros_log_severity_names_round_trip) {
  static const ros_log_severity all[] = {ROS_LOG_UNSET, ROS_LOG_DEBUG, ROS_LOG_INFO, ROS_LOG_WARN, ROS_LOG_ERROR, ROS_LOG_FATAL};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
    ros_log_severity s = (ros_log_severity)99;
    CHECK(ros_log_severity_from_string(ros_log_severity_name(all[i]), &s));
    CHECK_EQ_INT(s, all[i]);
  }
  ros_log_severity s = ROS_LOG_INFO;
  CHECK(!ros_log_severity_from_string("warning", &s));
  CHECK(!ros_log_severity_from_string("", &s));
  CHECK(!ros_log_severity_from_string(NULL, &s));
  CHECK_EQ_INT(s, ROS_LOG_INFO);
  CHECK_EQ_STR(ros_log_severity_name((ros_log_severity)15), "?");
}

TEST(ros_args_parse_logging_flags_last_wins) {
  ros_args a = PARSE_OK("prog", "--ros-args", "--disable-rosout-logs", "--disable-stdout-logs",
                        "--disable-external-lib-logs", "--enable-stdout-logs");
  CHECK(a.rosout_logs_disabled);
  CHECK(!a.stdout_logs_disabled);
  CHECK(a.external_lib_logs_disabled);
  ros_args_fini(&a);
  a = PARSE_OK("prog", "--ros-args", "--disable-rosout-logs", "--enable-rosout-logs", "--enable-external-lib-logs");
  CHECK(!a.rosout_logs_disabled);
  CHECK(!a.external_lib_logs_disabled);
  ros_args_fini(&a);
}

TEST(ros_args_parse_failure_keeps_previous_content_intact) {
  ros_args a = PARSE_OK("prog", "--ros-args", "-r", "a:=b");
  ros_args_error e;
  /* A failed parse into a used struct leaves it as it was. */
  CHECK_EQ_INT(PARSE(&a, &e, "prog", "--ros-args", "-r", "x"), ROS_ARGS_ERR_BAD_REMAP);
  CHECK_EQ_INT(a.remap_count, 1);
  CHECK_EQ_STR(a.remaps[0].match, "a");
  ros_args_fini(&a);
  CHECK(is_empty(&a));
  ros_args_fini(NULL);
}
