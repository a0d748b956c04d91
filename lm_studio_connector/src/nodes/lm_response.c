/* lm_response.c: /lm_text_response, the original node's topic of finished exchanges: a
 * std_msgs/String with {"text", "type" ("chat_action", "chat_action_stream", "completion_action", ...), "model", "timestamp"
 * (seconds since the epoch), "history_length" (messages)}; the topics node adds its fields
 * (lm_topics.c) to the same object. Loop thread. */
#include <jansson.h>
#include <stdlib.h>

#include "common/clock.h"
#include "lm_node_internal.h"
#include "ros/ros_log.h"

#define LM_RESPONSE_TOPICS_DEPTH 1000

json_t *lm_response_object(lm_node *n, const char *text, const char *type, const char *model) {
  return json_pack("{s:s,s:s,s:s,s:f,s:I}", "text", text ? text : "", "type", type, "model",
                   model ? model : "", "timestamp", (double)clock_wall_ns() / 1e9,
                   "history_length", (json_int_t)lm_history_messages(&n->history));
}

void lm_response_publish_object(lm_node *n, json_t *o) {
  char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (!s) {
    ROS_WARN(n->node, "/lm_text_response: out of memory, message not published");
    return;
  }
  std_msgs_msg_dds__String_ msg = {s};
  ros_error e;
  if (ros_publisher_publish(n->pub_response, &msg, &e) != ROS_OK)
    ROS_DEBUG(n->node, "/lm_text_response not published: %s", e.message);
  free(s);
}

void lm_response_publish(lm_node *n, const char *text, const char *type, const char *model) {
  lm_response_publish_object(n, lm_response_object(n, text, type, model));
}

ros_status lm_response_create(lm_node *n, ros_error *e) {
  /* The topics node answers bursts (and every stream delta) here: a deep reliable history lets a
   * listener that lags behind still get every message retransmitted. */
  ros_qos deep = ros_qos_with_depth(ros_qos_default, LM_RESPONSE_TOPICS_DEPTH);
  return ros_publisher_create(n->node, "lm_text_response", "std_msgs/msg/String",
                              n->iface == LM_NODE_TOPICS ? &deep : NULL, &n->pub_response, e);
}

void lm_response_destroy(lm_node *n) {
  ros_publisher_destroy(n->pub_response);
  n->pub_response = NULL;
}
