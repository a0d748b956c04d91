/* test_lm_node_params.c: the node's parameter table, walked row by row on a real node: every
 * row is declared with its descriptor, documented, refuses wrong types and out-of-range values,
 * honours read-only, and the set callback's extra checks hold. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nodes/lm_node.h"
#include "nodes/lm_params.h"
#include "ros/ros_params.h"
#include "testing.h"

static lm_node *make_node(ros_args *args) {
  const char *argv[] = {"t", "--ros-args", "-p", "lm_studio_url:=http://127.0.0.1:1"};
  ros_args_init(args);
  ros_args_error ae;
  CHECK(ros_args_parse(args, 4, argv, &ae) == ROS_ARGS_OK);
  char err[LM_NODE_ERROR_MAX];
  lm_node_options o = {.args = args};
  lm_node *n = lm_node_create(&o, err, sizeof err);
  CHECK_MSG(n, "%s", err);
  return n;
}

static ros_param_value wrong_type_value(ros_param_type t) {
  ros_param_value v;
  ros_param_value_init(&v);
  if (t == ROS_PARAM_STRING)
    ros_param_value_set_integer(&v, 3);
  else
    CHECK(ros_param_value_set_string(&v, "not a number") == ROS_PARAM_OK);
  return v;
}

TEST(lm_params_table_rows_declared_documented_enforced)
{
  ros_args args;
  lm_node *n = make_node(&args);
  ros_node *rn = lm_node_ros_node(n);
  size_t count;
  const lm_param_spec *t = lm_params_table(&count);
  CHECK(count >= 11);
  for (size_t i = 0; i < count; i++) {
    const lm_param_spec *p = &t[i];
    CHECK_MSG(ros_params_has(rn, p->name), "%s not declared", p->name);
    CHECK_MSG(p->description && strlen(p->description) > 10, "%s undocumented", p->name);
    CHECK(lm_params_find(p->name) == p);
    ros_param_value cur;
    ros_param_value_init(&cur);
    CHECK(ros_params_get(rn, p->name, &cur) == ROS_OK);
    CHECK_MSG(cur.type == p->type, "%s has type %d", p->name, cur.type);
    ros_error e;
    ros_param_value v = wrong_type_value(p->type);
    CHECK_MSG(ros_params_set(rn, p->name, &v, &e) != ROS_OK, "%s took a wrong type", p->name);
    char reason[256];
    CHECK(!lm_params_check(p->name, &v, reason, sizeof reason));
    ros_param_value_fini(&v);
    if (p->read_only) {
      CHECK_MSG(ros_params_set(rn, p->name, &cur, &e) != ROS_OK, "%s is not read-only", p->name);
    } else {
      CHECK_MSG(ros_params_set(rn, p->name, &cur, &e) == ROS_OK, "%s: %s", p->name, e.message);
    }
    if (p->has_range && !p->read_only) {
      ros_param_value x;
      ros_param_value_init(&x);
      double extremes[] = {p->min - 1, p->max + 1, -1e300, 1e300};
      for (int k = 0; k < 4; k++) {
        if (p->type == ROS_PARAM_INTEGER)
          ros_param_value_set_integer(&x, k < 2 ? (int64_t)extremes[k] : k == 2 ? INT64_MIN : INT64_MAX);
        else
          ros_param_value_set_double(&x, extremes[k]);
        CHECK_MSG(ros_params_set(rn, p->name, &x, &e) != ROS_OK, "%s took an out-of-range value", p->name);
      }
      if (p->type == ROS_PARAM_DOUBLE) {
        ros_param_value_set_double(&x, NAN);
        CHECK(ros_params_set(rn, p->name, &x, &e) != ROS_OK);
      }
      if (p->type == ROS_PARAM_INTEGER) ros_param_value_set_integer(&x, (int64_t)p->max);
      else ros_param_value_set_double(&x, p->max);
      CHECK_MSG(ros_params_set(rn, p->name, &x, &e) == ROS_OK, "%s: %s", p->name, e.message);
      CHECK(ros_params_set(rn, p->name, &cur, &e) == ROS_OK);
      ros_param_value_fini(&x);
    }
    ros_param_value_fini(&cur);
  }
  /* The set callback's extra check: an empty model name. */
  ros_param_value v;
  ros_param_value_init(&v);
  CHECK(ros_param_value_set_string(&v, "") == ROS_PARAM_OK);
  char reason[256];
  CHECK(!lm_params_check("model_name", &v, reason, sizeof reason));
  CHECK_CONTAINS(reason, "model_name");
  ros_param_value_fini(&v);
  lm_node_destroy(n);
  ros_args_fini(&args);
}

TEST(lm_params_api_key_from_environment)
{
  setenv("LM_STUDIO_API_KEY", "env-key-123", 1);
  ros_args args;
  lm_node *n = make_node(&args);
  char key[64];
  CHECK(ros_params_get_string(lm_node_ros_node(n), "api_key", key, sizeof key) == ROS_OK);
  CHECK_EQ_STR(key, "env-key-123");
  lm_node_destroy(n);
  ros_args_fini(&args);
  unsetenv("LM_STUDIO_API_KEY");
}

TEST(lm_params_bad_override_fails_create)
{
  const char *argv[] = {"t", "--ros-args", "-p", "temperature:=5.0"};
  ros_args args;
  ros_args_init(&args);
  ros_args_error ae;
  CHECK(ros_args_parse(&args, 4, argv, &ae) == ROS_ARGS_OK);
  char err[LM_NODE_ERROR_MAX];
  lm_node_options o = {.args = &args};
  lm_node *n = lm_node_create(&o, err, sizeof err);
  CHECK(n == NULL);
  CHECK_CONTAINS(err, "temperature");
  ros_args_fini(&args);
}
