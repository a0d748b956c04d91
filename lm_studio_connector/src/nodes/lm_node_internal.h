/* lm_node_internal.h: the node object shared by lm_node.c, lm_actions.c, lm_services.c,
 * lm_status.c and lm_response.c. Everything here is touched on the loop thread only. */
#ifndef LM_NODE_INTERNAL_H
#define LM_NODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

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
typedef struct lm_topics lm_topics;

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
  char *unlisted_model;           /* model_name last warned about as not listed, or NULL */

  lm_images *images;              /* image inputs (lm_images.c) */

  lm_node_interface iface;
  lm_topics *topics;              /* topic front-end (lm_topics.c), LM_NODE_TOPICS only */
  size_t topic_running, topic_waiting; /* its requests, for the status */

  uint64_t requests_ended;        /* goals, service calls and topic requests that ended */
  uint64_t trimmed_at;            /* requests ended + results expired at the last trim */
};

/* lm_node.c: gives freed heap memory back to the system once the node is idle after requests
 * ended or finished goals' results expired (called by the status timer). */
void lm_node_release_memory(lm_node *n);
/* lm_node.c: applies max_history_length and max_history_bytes (current values) to the history. */
void lm_node_history_limits(lm_node *n);
/* max_prompt_bytes, checked before any request: text plus, for a chat, the system prompt.
 * Returns false with why (naming the parameter) when it is too large. */
bool lm_prompt_fits(lm_node *n, const char *text, bool with_system_prompt, char *why,
                    size_t size);

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
/* set_model's decision, shared with the topic: given the server's list (or why it could not be
 * had) in r, sets model_name to name when the list has it, or when the server cannot be reached
 * (saying "NOT verified"). Returns whether model_name was set; msg says what happened. */
bool lm_set_model_from_list(lm_node *n, const char *name, const llm_result *r, char *msg,
                            size_t size);
/* reset_chat: clears the history; msg says how many messages went. */
void lm_reset_chat(lm_node *n, char *msg, size_t size);

/* lm_topics.c: the topic front-end (lm_studio_topics_node). */
ros_status lm_topics_create(lm_node *n, ros_error *e);
/* Answers every waiting request with a "shutting down" error, then destroys the inputs. */
void lm_topics_destroy(lm_node *n);
/* An image_file_input message was handled: loaded (why NULL, bytes read) or refused (why).
 * The topics node answers it on /lm_text_response like the original; no-op otherwise. */
void lm_topics_image_file(lm_node *n, const char *path, size_t bytes, const char *why);

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
/* The message as a JSON object to add fields to (NULL when out of memory); publish it with
 * lm_response_publish_object, which takes it (and accepts NULL). */
json_t *lm_response_object(lm_node *n, const char *text, const char *type, const char *model);
void lm_response_publish_object(lm_node *n, json_t *o);

/* Fills out with "what happened" + "what to check" for a failed request to url. */
void lm_describe_error(const llm_error *err, const char *url, const char *model, char *out,
                       size_t size);
/* The same for a request of n, and "the node is shutting down" for LLM_ERR_SHUTDOWN. */
void lm_describe_failure(lm_node *n, const llm_error *err, const char *model, char *out,
                         size_t size);

/* Request options from resolved values: timeout_s bounds a whole answer, or for a stream the
 * wait for the first token and each gap between tokens (a long answer that keeps coming is
 * never cut). model must outlive the options. */
llm_request_opts lm_request_opts(const char *model, int max_tokens, double temperature,
                                 long timeout_s, bool stream);
/* Adds a successful exchange to the history (trimmed to max_history_length). */
void lm_keep_exchange(lm_node *n, const char *prompt, const char *answer);
/* Starts a chat: [system_prompt parameter] + (use_history: the history) + prompt with image
 * (a data URI, or NULL). Returns the request id, or 0 with e saying why. */
uint64_t lm_start_chat(lm_node *n, const llm_request_opts *o, const char *prompt,
                       bool use_history, const char *image, const llm_callbacks *cb, void *user,
                       llm_error *e);

#endif
