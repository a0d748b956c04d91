/* test_params_file.c: config/params.yaml (installed with the nodes, used by the launch files)
 * read with the node's own params-file reader must hold exactly the parameters of
 * lm_params_table(), each with the table's type and default, so the file never drifts from the
 * code. Secret parameters are the exception: they must NOT be set (a value in the file would
 * override the environment default and put a secret in a file) but must be documented in a
 * comment. */
#include <stdio.h>
#include <string.h>

#include "nodes/lm_params.h"
#include "ros/ros_params_file.h"
#include "testing.h"

/* The table's default as a parameter value. */
static void default_value(const lm_param_spec *p, ros_param_value *v) {
  switch (p->type) {
  case ROS_PARAM_BOOL: ros_param_value_set_bool(v, p->def_bool); break;
  case ROS_PARAM_INTEGER: ros_param_value_set_integer(v, p->def_int); break;
  case ROS_PARAM_DOUBLE: ros_param_value_set_double(v, p->def_double); break;
  case ROS_PARAM_STRING_ARRAY: CHECK(ros_param_value_set_string_array(v, NULL, 0) == ROS_PARAM_OK); break;
  default: CHECK(ros_param_value_set_string(v, p->def_string) == ROS_PARAM_OK); break;
  }
}

/* Compares the overrides that apply to node fqn with the table; fails naming every parameter
 * that is missing, extra, of another type or with another value. */
static void check_file_for_node(const ros_param_overrides *all, const char *fqn, const char *text) {
  ros_param_overrides mine;
  ros_param_overrides_init(&mine);
  ros_params_error err;
  CHECK_MSG(ros_params_select(all, fqn, true, &mine, &err) == ROS_PARAMS_OK, "%s", err.message);
  char problems[4096] = "";
  size_t used = 0;
#define PROBLEM(...)                                                                      \
  do {                                                                                    \
    if (used < sizeof problems)                                                           \
      used += (size_t)snprintf(problems + used, sizeof problems - used, __VA_ARGS__);     \
  } while (0)
  size_t n;
  const lm_param_spec *table = lm_params_table(&n);
  for (size_t i = 0; i < n; i++) {
    const lm_param_spec *p = &table[i];
    const ros_param_override *o = ros_params_find(&mine, p->name);
    if (p->secret) {
      char comment[128];
      snprintf(comment, sizeof comment, "# %s:", p->name);
      if (o) PROBLEM("\n  %s is secret: document it in a comment, do not set it", p->name);
      else if (!strstr(text, comment)) PROBLEM("\n  %s (secret) is not documented ('%s')", p->name, comment);
      continue;
    }
    if (!o) {
      PROBLEM("\n  missing from params.yaml: %s (%s)", p->name, ros_param_type_name(p->type));
      continue;
    }
    ros_param_value want;
    ros_param_value_init(&want);
    default_value(p, &want);
    if (!ros_param_value_equal(&o->value, &want)) {
      char got_s[128], want_s[128];
      ros_param_value_to_string(&o->value, got_s, sizeof got_s);
      ros_param_value_to_string(&want, want_s, sizeof want_s);
      PROBLEM("\n  %s: params.yaml has %s (%s), the table's default is %s (%s)", p->name, got_s,
              ros_param_type_name(o->value.type), want_s, ros_param_type_name(want.type));
    }
    ros_param_value_fini(&want);
  }
  for (size_t i = 0; i < mine.count; i++)
    if (!lm_params_find(mine.items[i].name))
      PROBLEM("\n  extra in params.yaml (not in lm_params_table): %s", mine.items[i].name);
#undef PROBLEM
  ros_param_overrides_fini(&mine);
  CHECK_MSG(problems[0] == '\0', "config/params.yaml and lm_params_table() differ for %s:%s", fqn,
            problems);
}

TEST(install_params_file_matches_table)
{
  size_t len;
  char *text = test_read_file(LMS_PARAMS_YAML, &len);
  ros_param_overrides all;
  ros_param_overrides_init(&all);
  ros_params_error err;
  CHECK_MSG(ros_params_load_file(LMS_PARAMS_YAML, &all, &err) == ROS_PARAMS_OK, "%s", err.message);
  /* The file applies to both nodes, in any namespace. */
  check_file_for_node(&all, "/lm_studio_node", text);
  check_file_for_node(&all, "/lm_studio_topics_node", text);
  check_file_for_node(&all, "/robot1/lm_studio_node", text);
  ros_param_overrides_fini(&all);
  free(text);
}
