/* lm_node.h: the ROS 2 face of an LM Studio server, in two front-ends built on one core (client,
 * history, parameters, images, status):
 *  - lm_studio_node (LM_NODE_ACTIONS): the chat_completion and text_completion actions and the
 *    list_models/get_embeddings/set_model/reset_chat services;
 *  - lm_studio_topics_node (LM_NODE_TOPICS): the original's plain-topic interface, chat_input,
 *    completion_input, chat_with_image, get_embeddings, set_model, reset_chat (std_msgs/String),
 *    answered on /lm_text_response (lm_topics.c says how: request ids, queue, streaming).
 * Both have the /lm_text_response, /lm_studio_status, /available_models and /diagnostics
 * topics, the image inputs (image_input, image_input/compressed, image_file_input) and the same
 * parameters. Their default names differ, so both can run side by side in one domain.
 *
 * One thread: everything (DDS callbacks, HTTP callbacks, timers) runs on the thread that calls
 * lm_node_spin_once / lm_node_run. The context's wakeup hook wakes the HTTP poll, so DDS traffic
 * is handled at once. Only lm_node_request_shutdown may be called from any thread (and from a
 * signal handler, through ros_context_request_shutdown).
 * A failed call changes nothing.
 *
 * Decisions (differences from the original Python node are on purpose):
 *  - lm_studio_url, api_key and status_period are read-only: the client and the status timer
 *    are made once; restart the node to change them. api_key also comes from
 *    $LM_STUDIO_API_KEY and is a secret parameter: never shown by `ros2 param`, never logged.
 *  - Goal fields override parameters: empty model, max_tokens <= 0, timeout <= 0 and
 *    temperature <= 0 take the parameter. timeout bounds a whole answer; for stream=true it
 *    bounds the wait for the first token and each gap between tokens.
 *  - Failures end goals ABORTED with success=false and a message (what failed, server, model,
 *    a hint what to check); cancels end them CANCELED with the text so far. Only successful
 *    use_history exchanges enter the history.
 *  - image_data: "" none; "latest" the most recent image of image_input (sensor_msgs/Image),
 *    image_input/compressed or image_file_input (a path); an absolute path under
 *    image_allowed_dirs; or a data:image/...;base64 URI. Encoded/downscaled per jpeg_quality
 *    and max_image_size. An image that cannot be used ABORTs the goal (lm_images.c).
 *  - set_model checks the name against the server's list; when the server cannot be reached it
 *    accepts the name and says "NOT verified". get_embeddings with an empty model lets the
 *    server choose its loaded embedding model (model_name is a chat model).
 *  - The topics node is named lm_studio_topics_node (the original called both nodes
 *    lm_studio_node, so they clashed). Every /lm_text_response message it sends carries a
 *    request_id (arrival order), the input topic, the model used and an error flag; requests
 *    queue in arrival order, chat_input turns one at a time (they share the history), others
 *    concurrently; a full queue answers its oldest waiting request with an error, never drops
 *    it silently; stream=true publishes each delta as "<type>_stream" with request_id and seq
 *    before the whole answer. Text inputs are RELIABLE (what ros2 topic pub and rclpy use;
 *    best-effort text publishers are not heard), images best-effort (lm_topics.c). */
#ifndef LM_NODE_H
#define LM_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "ros/ros_args.h"
#include "ros/ros_context.h"
#include "ros/ros_node.h"

typedef struct lm_node lm_node;

#define LM_NODE_DEFAULT_NAME "lm_studio_node"
#define LM_TOPICS_NODE_DEFAULT_NAME "lm_studio_topics_node"
#define LM_NODE_ERROR_MAX 512
/* Topic requests waiting for their turn before the oldest is refused (lm_topics.c). */
#define LM_TOPICS_DEFAULT_QUEUE 256

typedef enum lm_node_interface {
  LM_NODE_ACTIONS = 0,     /* lm_studio_node: actions and services */
  LM_NODE_TOPICS = 1,      /* lm_studio_topics_node: plain topics */
} lm_node_interface;

typedef struct lm_node_options {
  lm_node_interface iface; /* the front-end; 0 = LM_NODE_ACTIONS */
  const char *name;        /* NULL = LM_NODE_DEFAULT_NAME or LM_TOPICS_NODE_DEFAULT_NAME */
  const char *ns;          /* NULL = "/" */
  const ros_args *args;    /* command line (may be NULL); must outlive the node */
  ros_context *ctx;        /* NULL: the node creates (and later destroys) a context of its own */
} lm_node_options;

/* Creates the node, declares its parameters (overrides from args apply), creates the LM Studio
 * client and every action, service, topic and timer. Does not contact the server before the
 * first spin. Returns the node, or NULL with err (err_size bytes, may be NULL) saying why.
 * Loop thread of ctx. Free with lm_node_destroy. */
lm_node *lm_node_create(const lm_node_options *o, char *err, size_t err_size);
/* Finishes every request (goals ABORTED "node shutting down", pending service calls answered
 * with success=false), then destroys entities, node and (own) context. Accepts NULL. */
void lm_node_destroy(lm_node *n);

/* One loop pass: runs ready ROS callbacks, then waits up to max_ms (less when a timer is due)
 * for HTTP activity or a DDS wakeup and runs the HTTP callbacks. Returns the callbacks run. */
int lm_node_spin_once(lm_node *n, int max_ms);
/* Runs lm_node_spin_once until shutdown is requested on the context. */
void lm_node_run(lm_node *n);
/* Asks lm_node_run to return. Any thread. */
void lm_node_request_shutdown(lm_node *n);
/* An executable's whole life: argv -> ros_args, the node with front-end iface, the loop until
 * SIGINT/SIGTERM. Returns the exit status: 0 then, 1 when the command line or the node cannot
 * be set up. */
int lm_node_main(lm_node_interface iface, int argc, char **argv);

ros_context *lm_node_context(const lm_node *n);
ros_node *lm_node_ros_node(const lm_node *n);
/* Goals currently running (both actions), or topic requests being answered (LM_NODE_TOPICS). */
size_t lm_node_active_goals(const lm_node *n);
/* Topic requests waiting for their turn (LM_NODE_TOPICS; 0 for the actions node). */
size_t lm_node_queued_requests(const lm_node *n);
/* Messages currently in the chat history. */
size_t lm_node_history_messages(lm_node *n);

#endif
