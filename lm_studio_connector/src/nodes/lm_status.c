/* lm_status.c: health. A timer every status_period publishes /lm_studio_status (std_msgs/String
 * JSON: connected, url, model, model_loaded, latency_ms, active_goals, history_length,
 * last_error, timestamp, and what the server's list says of the current model: model_type
 * ("llm", "vlm", "embeddings"), vision, tool_use, model_state, loaded_context_length, each
 * null when the list does not say or has no such model; vision and tool_use are null too when
 * the list gives no type, i.e. a plain OpenAI /v1/models) and starts a probe (the model list,
 * which also says whether the current model is loaded) unless one is in flight;
 * and the original's chat_history_length, available_models (a count) and health_status;
 * /available_models gets the original's {"models": [ids], "count", "current_model"} plus
 * "details" (id, type, state, vision, tool_use, current: whether it is model_name, and
 * loaded_context_length when known) whenever it changes. The topics node
 * adds "queued" (requests waiting) to the status. Every request's outcome updates
 * connected/latency/last_error.
 * The same health goes to /diagnostics with each status message (lm_diagnostics.c).
 * Loop thread only. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "lm_diagnostics.h"
#include "lm_node_internal.h"
#include "lm_params.h"
#include "ros/ros_log.h"

void lm_status_note(lm_node *n, const llm_result *r) {
  llm_status c = r->error.code;
  if (c == LLM_ERR_CANCELLED || c == LLM_ERR_SHUTDOWN) return;
  bool transport = c == LLM_ERR_CONNECT_REFUSED || c == LLM_ERR_DNS || c == LLM_ERR_TLS ||
                   c == LLM_ERR_NETWORK || c == LLM_ERR_TIMEOUT_CONNECT;
  bool was = n->connected, first = !n->probed;
  n->probed = true;
  n->connected = !transport;
  if (c == LLM_OK) {
    n->last_latency_ms = r->latency_ms;
  } else {
    snprintf(n->last_error, sizeof n->last_error, "%s: %s", llm_status_name(c), r->error.message);
  }
  /* Said once per change, and at the first answer: a node started before (or without) its
   * server says so on the console, not only in the status. */
  if ((first || was != n->connected) && n->node) {
    if (n->connected)
      ROS_INFO(n->node, "LM Studio server %s reachable", n->url);
    else
      ROS_WARN(n->node, "LM Studio server %s unreachable (%s); retrying every status_period",
               n->url, n->last_error);
  }
}

/* The original's shape ({"models": [ids], "count", "current_model"}) so its listeners keep
 * working, plus "details": what the server says of each model. */
static void publish_models(lm_node *n, const llm_result *r, const char *current) {
  json_t *ids = json_array(), *arr = json_array();
  for (size_t i = 0; ids && arr && i < r->n_models; i++) {
    const llm_model_info *m = &r->models[i];
    bool is_current = current && strcmp(m->id, current) == 0;
    json_t *o = json_pack("{s:s,s:s?,s:s?,s:b,s:b,s:b}", "id", m->id, "type", m->type, "state",
                          m->state, "vision", m->vision, "tool_use", m->tool_use, "current",
                          is_current);
    if (o && m->loaded_context_length > 0)
      json_object_set_new(o, "loaded_context_length",
                          json_integer((json_int_t)m->loaded_context_length));
    json_array_append_new(arr, o);
    json_array_append_new(ids, json_string(m->id));
  }
  json_t *all = ids && arr ? json_pack("{s:O,s:I,s:s,s:O}", "models", ids, "count",
                                       (json_int_t)r->n_models, "current_model",
                                       current ? current : "", "details", arr)
                           : NULL;
  json_decref(ids);
  json_decref(arr);
  char *s = all ? json_dumps(all, JSON_COMPACT) : NULL;
  json_decref(all);
  if (!s) return;
  if (n->models_json && strcmp(n->models_json, s) == 0) {
    free(s);
    return;
  }
  free(n->models_json);
  n->models_json = s;
  std_msgs_msg_dds__String_ msg = {s};
  ros_error e;
  if (ros_publisher_publish(n->pub_models, &msg, &e) != ROS_OK)
    ROS_DEBUG(n->node, "/available_models not published: %s", e.message);
}

/* Once per model name: a model_name the server does not list (the default "local-model" of
 * a node started without one, a typo) makes LM Studio refuse every request; say so at once,
 * with the names it does list, rather than at the first failed goal. */
static void warn_if_unlisted(lm_node *n, const llm_result *r, const char *model, bool listed) {
  if (listed || (n->unlisted_model && strcmp(n->unlisted_model, model) == 0)) {
    if (listed) {
      free(n->unlisted_model);
      n->unlisted_model = NULL;
    }
    return;
  }
  char names[512] = "";
  size_t used = 0;
  for (size_t i = 0; i < r->n_models && used < sizeof names - 1; i++)
    used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                             r->models[i].id);
  ROS_WARN(n->node, "model_name '%s' is not among the server's models (%s); LM Studio refuses "
           "requests for it: set model_name (-p model_name:=<id>, ros2 param set) or call "
           "set_model", model, names);
  free(n->unlisted_model);
  n->unlisted_model = strdup(model);
}

static void on_probe_done(void *user, uint64_t id, llm_result *r) {
  lm_node *n = user;
  n->probe_id = 0;
  if (r->error.code == LLM_ERR_SHUTDOWN) return;
  lm_status_note(n, r);
  if (r->error.code != LLM_OK) return;
  char *model = lm_params_string(n->node, "model_name");
  n->model_known = false;
  n->model_loaded = false;
  bool listed = false;
  for (size_t i = 0; model && i < r->n_models; i++) {
    if (strcmp(r->models[i].id, model) != 0) continue;
    listed = true;
    n->model_known = r->models[i].state != NULL;
    n->model_loaded = r->models[i].state && strcmp(r->models[i].state, "loaded") == 0;
  }
  if (model && r->n_models > 0) warn_if_unlisted(n, r, model, listed);
  publish_models(n, r, model);
  free(model);
}

static const llm_callbacks probe_callbacks = {NULL, on_probe_done};

void lm_status_probe(lm_node *n) {
  if (n->probe_id || !n->client) return;
  llm_timeouts t = {.total_ms = 5000};
  llm_error e;
  n->probe_id = llm_client_list_models(n->client, &t, &probe_callbacks, n, &e);
  if (!n->probe_id) snprintf(n->last_error, sizeof n->last_error, "probe: %s", e.message);
}

/* Adds what the last model list (list: /available_models parsed, or NULL) said of model
 * (model_type, vision, tool_use, model_state, loaded_context_length; null for what it does not
 * say) to the status object o. */
static void add_model_info(json_t *o, const json_t *list, const char *model) {
  json_t *m = NULL, *v;
  size_t i;
  json_array_foreach(json_object_get(list, "details"), i, v) {
    const char *id = json_string_value(json_object_get(v, "id"));
    if (id && model && strcmp(id, model) == 0) m = v;
  }
  json_t *type = json_object_get(m, "type"), *state = json_object_get(m, "state");
  json_t *ctx = json_object_get(m, "loaded_context_length");
  bool typed = json_is_string(type); /* LM Studio's /api/v0 list: the flags mean something */
  json_object_set_new(o, "model_type", typed ? json_copy(type) : json_null());
  json_t *vision = json_object_get(m, "vision"), *tools = json_object_get(m, "tool_use");
  json_object_set_new(o, "vision", typed && vision ? json_copy(vision) : json_null());
  json_object_set_new(o, "tool_use", typed && tools ? json_copy(tools) : json_null());
  json_object_set_new(o, "model_state", json_is_string(state) ? json_copy(state) : json_null());
  json_object_set_new(o, "loaded_context_length",
                      json_is_integer(ctx) ? json_copy(ctx) : json_null());
}

static void publish_status(lm_node *n) {
  char *model = lm_params_string(n->node, "model_name");
  json_t *o = json_pack("{s:b,s:s,s:s,s:f,s:I,s:I,s:s,s:f}", "connected", n->connected, "url",
                        n->url, "model", model ? model : "", "latency_ms", n->last_latency_ms,
                        "active_goals", (json_int_t)lm_node_active_goals(n), "history_length",
                        (json_int_t)lm_history_messages(&n->history), "last_error",
                        n->last_error, "timestamp", (double)clock_wall_ns() / 1e9);
  json_t *listed = o && n->models_json ? json_loads(n->models_json, 0, NULL) : NULL;
  if (o) add_model_info(o, listed, model);
  free(model);
  if (!o) return;
  json_object_set_new(o, "probed", json_boolean(n->probed));
  /* The original node's keys, for its listeners. */
  json_object_set_new(o, "chat_history_length",
                      json_integer((json_int_t)lm_history_messages(&n->history)));
  json_object_set_new(o, "available_models",
                      json_integer(json_integer_value(json_object_get(listed, "count"))));
  json_object_set_new(o, "health_status", json_boolean(n->connected));
  json_decref(listed);
  if (n->iface == LM_NODE_TOPICS)
    json_object_set_new(o, "queued", json_integer((json_int_t)n->topic_waiting));
  json_object_set_new(o, "model_loaded", n->model_known ? json_boolean(n->model_loaded)
                                                        : json_null());
  /* 16 digits: microsecond timestamps without %.17g's float noise in latency_ms. */
  char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(16));
  json_decref(o);
  if (!s) return;
  std_msgs_msg_dds__String_ msg = {s};
  ros_error e;
  if (ros_publisher_publish(n->pub_status, &msg, &e) != ROS_OK)
    ROS_DEBUG(n->node, "/lm_studio_status not published: %s", e.message);
  free(s);
}

static void on_status_tick(void *user) {
  lm_node *n = user;
  publish_status(n);
  lm_diagnostics_publish(n);
  lm_status_probe(n);
  lm_node_release_memory(n);
}

ros_status lm_status_create(lm_node *n, ros_error *e) {
  ros_status st = ros_publisher_create(n->node, "lm_studio_status", "std_msgs/msg/String", NULL,
                                       &n->pub_status, e);
  ros_qos latched = ros_qos_action_status; /* KEEP_LAST 1, reliable, transient-local */
  if (st == ROS_OK)
    st = ros_publisher_create(n->node, "available_models", "std_msgs/msg/String", &latched,
                              &n->pub_models, e);
  if (st == ROS_OK) st = lm_diagnostics_create(n, e);
  if (st != ROS_OK) return st;
  double period = lm_params_double(n->node, "status_period");
  n->status_timer = ros_timer_create(n->ctx, (int64_t)(period * 1e9), on_status_tick, n);
  if (!n->status_timer) return ros_error_set(e, ROS_ERR_NO_MEMORY, "status timer");
  return ROS_OK;
}

void lm_status_destroy(lm_node *n) {
  ros_timer_destroy(n->status_timer);
  ros_publisher_destroy(n->pub_status);
  ros_publisher_destroy(n->pub_models);
  lm_diagnostics_destroy(n);
  n->status_timer = NULL;
  n->pub_status = n->pub_models = NULL;
  free(n->models_json);
  n->models_json = NULL;
  free(n->unlisted_model);
  n->unlisted_model = NULL;
}
