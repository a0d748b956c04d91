/* lm_diagnostics.c: the health of /lm_studio_status also as diagnostic_msgs/DiagnosticArray on
 * the absolute topic /diagnostics, read by rqt_runtime_monitor and diagnostic aggregators.
 * One DiagnosticStatus, "<node name>: LM Studio connection", hardware_id = the server URL:
 *   OK    connected and the model is loaded;
 *   WARN  connected, but the server does not report the model (unknown) or it is not loaded;
 *   ERROR the server cannot be reached;
 *   STALE no probe has finished yet.
 * values: url, model, connected, model_loaded, latency_ms, active_goals, history_length,
 * last_error, probed. QoS as diagnostic_updater: reliable, volatile (depth 10).
 * Loop thread only. */
#include "lm_diagnostics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "lm_params.h"
#include "ros/ros_log.h"

typedef diagnostic_msgs_msg_dds__KeyValue_ kv_t;

int lm_diagnostics_level(bool probed, bool connected, bool model_known, bool model_loaded,
                         const char *model, char *message, size_t size) {
  const char *m = model ? model : "";
  if (!probed) {
    snprintf(message, size, "Waiting for the first answer from the LM Studio server");
    return LM_DIAG_STALE;
  }
  if (!connected) {
    snprintf(message, size, "LM Studio server unreachable");
    return LM_DIAG_ERROR;
  }
  if (!model_known) {
    snprintf(message, size, "Connected, but the server does not report model '%s'", m);
    return LM_DIAG_WARN;
  }
  if (!model_loaded) {
    snprintf(message, size, "Connected, but model '%s' is not loaded", m);
    return LM_DIAG_WARN;
  }
  snprintf(message, size, "Connected, model '%s' loaded", m);
  return LM_DIAG_OK;
}

ros_status lm_diagnostics_create(lm_node *n, ros_error *e) {
  return ros_publisher_create(n->node, "/diagnostics", "diagnostic_msgs/msg/DiagnosticArray",
                              &ros_qos_default, &n->pub_diag, e);
}

void lm_diagnostics_destroy(lm_node *n) {
  ros_publisher_destroy(n->pub_diag);
  n->pub_diag = NULL;
}

void lm_diagnostics_publish(lm_node *n) {
  if (!n->pub_diag) return;
  char *model = lm_params_string(n->node, "model_name");
  char name[300], message[600], latency[32], goals[32], history[32];
  snprintf(name, sizeof name, "%s: LM Studio connection", ros_node_name(n->node));
  int level = lm_diagnostics_level(n->probed, n->connected, n->model_known, n->model_loaded,
                                   model, message, sizeof message);
  snprintf(latency, sizeof latency, "%.3f", n->last_latency_ms);
  snprintf(goals, sizeof goals, "%zu", lm_node_active_goals(n));
  snprintf(history, sizeof history, "%zu", lm_history_messages(&n->history));
  char k_url[] = "url", k_model[] = "model", k_conn[] = "connected", k_loaded[] = "model_loaded",
       k_lat[] = "latency_ms", k_goals[] = "active_goals", k_hist[] = "history_length",
       k_err[] = "last_error", k_probed[] = "probed";
  char v_true[] = "true", v_false[] = "false", v_unknown[] = "unknown", v_empty[] = "";
  kv_t values[] = {
      {k_url, n->url},
      {k_model, model ? model : v_empty},
      {k_conn, n->connected ? v_true : v_false},
      {k_loaded, !n->model_known ? v_unknown : n->model_loaded ? v_true : v_false},
      {k_lat, latency},
      {k_goals, goals},
      {k_hist, history},
      {k_err, n->last_error},
      {k_probed, n->probed ? v_true : v_false},
  };
  diagnostic_msgs_msg_dds__DiagnosticStatus_ status = {
      .level = (uint8_t)level, .name = name, .message = message, .hardware_id = n->url};
  status.values._length = status.values._maximum = (uint32_t)(sizeof values / sizeof values[0]);
  status.values._buffer = values;
  int64_t now = clock_wall_ns();
  diagnostic_msgs_msg_dds__DiagnosticArray_ msg = {0};
  msg.header.stamp.sec = (int32_t)(now / 1000000000);
  msg.header.stamp.nanosec = (uint32_t)(now % 1000000000);
  msg.header.frame_id = v_empty;
  msg.status._length = msg.status._maximum = 1;
  msg.status._buffer = &status;
  ros_error e;
  if (ros_publisher_publish(n->pub_diag, &msg, &e) != ROS_OK)
    ROS_DEBUG(n->node, "/diagnostics not published: %s", e.message);
  free(model);
}
