/* lm_node_internal.h: the node object shared by lm_node.c, lm_actions.c, lm_services.c,
 * lm_status.c and lm_response.c. Everything here is touched on the loop thread only. */
#ifndef LM_NODE_INTERNAL_H
#define LM_NODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/dynbuf.h"
#include "llm/llm_client.h"
#include "lm_history.h"
#include "lm_node.h"
#include "ros/ros_action_server.h"
#include "ros/ros_service.h"
#include "ros/ros_topic.h"

typedef struct lm_goal lm_goal;
typedef struct lm_call lm_call;
typedef struct lm_images lm_images;

struct lm_node {
  ros_context *ctx;
  bool own_ctx;
  ros_node *node;
  llm_client *client;
  lm_history history;
  char url[512];

  ros_action_server *chat_server, *text_server;
  lm_goal *goals;                 /* running goals, newest first */
  size_t n_goals;
  uint64_t goals_over_limit;      /* rejected by max_concurrent_goals since the last warning */
  int64_t over_limit_warned_ns;   /* when that warning was logged (at most one a second) */

  ros_service *srv_list, *srv_embed, *srv_set_model, *srv_reset;
  lm_call *calls;                 /* service calls waiting for the server */

  ros_publisher *pub_response, *pub_status, *pub_models;
  ros_publisher *pub_diag;          /* /diagnostics (lm_diagnostics.c) */

  /* health (lm_status.c) */
  ros_timer *status_timer;
  uint64_t probe_id;              /* probe in flight, 0 when none */
  bool probed, connected, model_loaded, model_known;
  double last_latency_ms;
  char last_error[LLM_ERROR_MESSAGE_MAX + 64];
  char *models_json;              /* last list published on /available_models */

  lm_images *images;              /* image inputs (lm_images.c) */
};

/* lm_node.c: applies max_history_length and max_history_bytes (current values) to the history. */
void lm_node_history_limits(lm_node *n);

/* lm_actions.c */
ros_status lm_actions_create(lm_node *n, ros_error *e);
void lm_actions_destroy(lm_node *n);

/* lm_images.c: the image_input, image_input/compressed and image_file_input subscriptions. */
ros_status lm_images_create(lm_node *n, ros_error *e);
void lm_images_destroy(lm_node *n);
/* Resolves a chat goal's image_data ("", "latest", an absolute path, a data URI) into a
 * malloc'd data URI in *uri (NULL for ""). Returns false with why (what is wrong, what to do). */
bool lm_images_resolve(lm_node *n, const char *image_data, char **uri, char *why, size_t size);

/* lm_services.c */
ros_status lm_services_create(lm_node *n, ros_error *e);
void lm_services_destroy(lm_node *n);

/* lm_status.c */
ros_status lm_status_create(lm_node *n, ros_error *e);
void lm_status_destroy(lm_node *n);
/* Starts a health probe unless one is in flight. */
void lm_status_probe(lm_node *n);
/* Records the outcome of any request (latency, connected, last error). */
void lm_status_note(lm_node *n, const llm_result *r);

/* lm_response.c: publishes {text, type, model, timestamp, history_length} on /lm_text_response. */
ros_status lm_response_create(lm_node *n, ros_error *e);
void lm_response_destroy(lm_node *n);
void lm_response_publish(lm_node *n, const char *text, const char *type, const char *model);
/* The same JSON as a malloc'd string (caller frees), for tests; NULL when out of memory. */
char *lm_response_json(const char *text, const char *type, const char *model, double timestamp,
                       size_t history_length);

/* Fills out with "what happened" + "what to check" for a failed request to url. */
void lm_describe_error(const llm_error *err, const char *url, const char *model, char *out,
                       size_t size);

#endif
