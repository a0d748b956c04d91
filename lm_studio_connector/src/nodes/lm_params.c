/* lm_params.c: the node's parameters, one table (see lm_params.h). Declaration turns each row
 * into a descriptor; the set callback adds the checks a descriptor cannot express. Goals and
 * service calls read the current values when they start, so a runtime change takes effect for
 * the next one. lm_studio_url and api_key are read-only: the LLM client is made once, at start,
 * and a changed server under running goals would be a surprise; restart the node to change them.
 * status_period is read-only too (the timer is made once). */
#include "lm_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "lm_node.h"
#include "ros/ros_params.h"

#define S(name, def, desc, ro, secret, rt) \
  {name, ROS_PARAM_STRING, false, 0, 0, def, desc, false, 0, 0, ro, secret, rt}
#define I(name, def, desc, lo, hi, rt) \
  {name, ROS_PARAM_INTEGER, false, def, 0, NULL, desc, true, lo, hi, false, false, rt}
#define D(name, def, desc, lo, hi, ro, rt) \
  {name, ROS_PARAM_DOUBLE, false, 0, def, NULL, desc, true, lo, hi, ro, false, rt}
#define B(name, def, desc, rt) \
  {name, ROS_PARAM_BOOL, def, 0, 0, NULL, desc, false, 0, 0, false, false, rt}

static const lm_param_spec table[] = {
    S("lm_studio_url", "http://localhost:1234",
      "LM Studio server base URL (read-only: restart the node to change it)", true, false, false),
    S("api_key", "",
      "API key sent as a Bearer token; default from $LM_STUDIO_API_KEY; never shown or logged "
      "(read-only)", true, true, false),
    S("model_name", "local-model", "Model used when a goal names none (set_model changes it)",
      false, false, true),
    I("max_tokens", 500, "Maximum tokens per answer when a goal gives <= 0", 1, 1000000, true),
    D("temperature", 0.7, "Sampling temperature when a goal gives <= 0", 0.0, 2.0, false, true),
    I("timeout", 30, "Whole-request time limit in seconds when a goal gives <= 0", 1, 86400, true),
    B("stream", false,
      "Stream answers from the server (topic interface; actions follow their goal's stream)",
      true),
    I("max_history_length", 10, "Chat history messages kept for use_history (user + assistant)",
      0, 100000, true),
    S("system_prompt", "", "System prompt leading every chat (empty: none)", false, false, true),
    D("status_period", 2.0, "Seconds between /lm_studio_status messages and health probes "
      "(read-only)", 0.1, 3600.0, true, false),
    D("feedback_max_rate", 0.0,
      "Most streaming feedback messages per second per goal (0: one per content delta)", 0.0,
      10000.0, false, true),
    {"image_allowed_dirs", ROS_PARAM_STRING_ARRAY, false, 0, 0, NULL,
     "Directories image file paths (goal image_data, image_file_input) may be loaded from "
     "(empty: file paths are refused)", false, 0, 0, false, false, true},
    I("jpeg_quality", 85, "JPEG quality 1..100 for images the node (re-)encodes", 1, 100, true),
    I("max_image_size", 2048, "Longest side in pixels of an image sent to the server (larger "
      "ones are downscaled; 0: never downscale)", 0, LMS_MAX_IMAGE_SIDE, true),
    D("image_max_age", 0.0, "Seconds after which the latest received image is too old for "
      "image_data 'latest' (0: no limit)", 0.0, 1e9, false, true),
    I("max_image_bytes", LMS_MAX_IMAGE_FILE_SIZE, "Largest image file, compressed image "
      "message or image_data data URI content used, in bytes", 1, LMS_MAX_IMAGE_FILE_SIZE, true),
    I("max_prompt_bytes", 1 << 20, "Largest prompt plus system prompt of one goal (or text of one "
      "get_embeddings call), in bytes; larger ones fail saying so", 1, LMS_MAX_PROMPT_BYTES, true),
    I("max_concurrent_goals", LMS_MAX_ACTION_GOALS, "Most chat and text completion goals running at once, "
      "both actions together (more are rejected when they arrive)", 1, LMS_MAX_CONCURRENT_GOALS, true),
    I("max_history_bytes", 4 << 20, "Most bytes of chat history text kept for use_history (the oldest "
      "exchanges go first)", 1, LMS_MAX_HISTORY_BYTES, true),
    D("action_result_timeout", 900.0, "Seconds a finished goal keeps its result for late "
      "get_result calls, as rclcpp/rclpy's result_timeout (read-only)", 1.0, 86400.0, true,
      false),
    I("max_queued_requests", LM_TOPICS_DEFAULT_QUEUE, "Topic interface: most requests waiting "
      "for their turn; one more makes the oldest waiting one answer with an error",
      1, LMS_MAX_QUEUED_REQUESTS, true),
};

const lm_param_spec *lm_params_table(size_t *count) {
  if (count) *count = sizeof table / sizeof table[0];
  return table;
}

const lm_param_spec *lm_params_find(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].name, name) == 0) return &table[i];
  return NULL;
}

bool lm_params_check(const char *name, const ros_param_value *v, char *reason, size_t size) {
  const lm_param_spec *p = lm_params_find(name);
  if (!p) return true; /* not ours */
  if (!v || v->type != p->type) {
    snprintf(reason, size, "%s must be a %s", name, ros_param_type_name(p->type));
    return false;
  }
  if (strcmp(name, "model_name") == 0 && (!v->string_value || !v->string_value[0])) {
    snprintf(reason, size, "model_name must not be empty");
    return false;
  }
  if (strcmp(name, "temperature") == 0 && !(v->double_value >= 0.0 && v->double_value <= 2.0)) {
    snprintf(reason, size, "temperature must be within 0..2");
    return false;
  }
  return true;
}

static bool on_set(void *user, const ros_param_change *changes, size_t n, char *reason,
                   size_t reason_size) {
  for (size_t i = 0; i < n; i++)
    if (!lm_params_check(changes[i].name, changes[i].new_value, reason, reason_size)) return false;
  return true;
}

ros_status lm_params_declare_all(ros_node *n, ros_error *e) {
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    const lm_param_spec *p = &table[i];
    ros_param_value v;
    ros_param_value_init(&v);
    ros_param_descriptor d = {.type = p->type, .description = p->description,
                              .read_only = p->read_only, .secret = p->secret};
    switch (p->type) {
    case ROS_PARAM_BOOL: ros_param_value_set_bool(&v, p->def_bool); break;
    case ROS_PARAM_INTEGER:
      ros_param_value_set_integer(&v, p->def_int);
      d.integer_range = (ros_param_integer_range){true, (int64_t)p->min, (int64_t)p->max, 0};
      break;
    case ROS_PARAM_DOUBLE:
      ros_param_value_set_double(&v, p->def_double);
      d.floating_point_range = (ros_param_floating_point_range){true, p->min, p->max, 0};
      break;
    case ROS_PARAM_STRING_ARRAY:
      if (ros_param_value_set_string_array(&v, NULL, 0) != ROS_PARAM_OK)
        return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", p->name);
      break;
    default: {
      const char *def = p->def_string;
      const char *env = p->secret ? getenv("LM_STUDIO_API_KEY") : NULL;
      if (env && env[0]) def = env;
      if (ros_param_value_set_string(&v, def) != ROS_PARAM_OK)
        return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", p->name);
    }
    }
    ros_status st = ros_params_declare(n, p->name, &v, &d, e);
    ros_param_value_fini(&v);
    if (st != ROS_OK) return st;
  }
  return ros_params_set_callback(n, on_set, NULL);
}

int64_t lm_params_int(ros_node *n, const char *name) {
  int64_t v = 0;
  const lm_param_spec *p = lm_params_find(name);
  if (ros_params_get_int(n, name, &v) != ROS_OK && p) v = p->def_int;
  return v;
}

double lm_params_double(ros_node *n, const char *name) {
  double v = 0;
  const lm_param_spec *p = lm_params_find(name);
  if (ros_params_get_double(n, name, &v) != ROS_OK && p) v = p->def_double;
  return v;
}

bool lm_params_bool(ros_node *n, const char *name) {
  bool v = false;
  const lm_param_spec *p = lm_params_find(name);
  if (ros_params_get_bool(n, name, &v) != ROS_OK && p) v = p->def_bool;
  return v;
}

char *lm_params_string(ros_node *n, const char *name) {
  ros_param_value v;
  ros_param_value_init(&v);
  char *s = NULL;
  if (ros_params_get(n, name, &v) == ROS_OK && v.type == ROS_PARAM_STRING) {
    s = v.string_value;
    v.string_value = NULL;
    v.type = ROS_PARAM_NOT_SET;
  }
  ros_param_value_fini(&v);
  if (!s) {
    const lm_param_spec *p = lm_params_find(name);
    s = strdup(p && p->def_string ? p->def_string : "");
  }
  return s;
}
