/* lm_topics.c: the topic front-end of lm_studio_topics_node, for people who drive the LLM with
 * plain topics (ros2 topic pub, scripts, other RMWs). Owns the text input subscriptions and the
 * request queue; the images come from lm_images.c, the answers go out through lm_response.c,
 * requests through the same client, history and error texts as the actions. Loop thread only.
 *
 * Inputs (std_msgs/String, relative names):
 *   chat_input        a chat turn continuing the history (system_prompt + history + the turn)
 *   completion_input  a text completion
 *   chat_with_image   a question about the latest image (image_input, image_input/compressed or
 *                     image_file_input), resolved when the question arrives; like the original
 *                     it neither reads nor extends the history (images are not replayed)
 *   get_embeddings    embeddings of the text (the server picks its embedding model)
 *   set_model         checked against the server's list like the set_model service
 *   reset_chat        clears the history (the message text is ignored)
 *
 * Answers on /lm_text_response: the original's JSON {text, type, model, timestamp,
 * history_length} plus request_id (1, 2, ... in arrival order over all inputs), input (the
 * topic it answers) and error (bool). type is chat, completion, chat_with_image, embeddings
 * (with "embedding": [...] and "dimensions"), system (set_model, reset_chat, image_file_input
 * loaded) or error (with error: true and a message saying what failed and what to check).
 * model is the model that answered (the server's word, else the one asked for).
 * stream=true (read per request): every content delta is first published as
 * "<type>_stream" with the same request_id and seq 0, 1, ...; the final message carries
 * stream_chunks, the number of deltas, and its text equals their concatenation.
 *
 * Ordering (requests can arrive faster than the server answers): one FIFO of waiting requests,
 * started strictly in arrival order (the order the node takes messages; DDS gives messages on
 * two topics no order between them), each as soon as what it depends on allows: chat_input and
 * reset_chat wait for the chat turn in flight (they share the history, so turns run one at a
 * time and answer in order); completion, chat_with_image and embeddings run up to
 * LM_TOPICS_MAX_PARALLEL at once; set_model waits for nothing but holds back later requests
 * until the model is decided. A failed turn leaves no trace in the history. The queue holds
 * max_queued_requests (parameter) waiting requests; when one more arrives, the oldest waiting
 * one is answered with an error (never dropped silently).
 *
 * QoS: text inputs are RELIABLE, KEEP_LAST LM_TOPICS_INPUT_DEPTH: a reliable reader is what
 * makes a burst from `ros2 topic pub` / rclpy (reliable writers) arrive whole, and the deep
 * history holds the burst until the loop takes it. A best-effort text publisher is not matched
 * (ros2 topic info -v shows the incompatibility). Images stay best-effort (lm_images.c): camera
 * drivers publish with sensor-data QoS, and a best-effort reader hears reliable ones too.
 * /lm_text_response gets a deep reliable writer history for the same bursts (lm_response.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm_node_internal.h"
#include "lm_params.h"
#include "ros/ros_log.h"

#define T_STR "std_msgs/msg/String"
#define LM_TOPICS_MAX_PARALLEL 4     /* independent requests in flight at once */
#define LM_TOPICS_INPUT_DEPTH 1000   /* reader history of each text input */

typedef enum req_kind {
  REQ_CHAT,
  REQ_COMPLETION,
  REQ_CHAT_IMAGE,
  REQ_EMBED,
  REQ_SET_MODEL,
  REQ_RESET,
  REQ_KINDS
} req_kind;

/* Input topic and answer type of each kind. */
static const struct {
  const char *topic, *type;
} kinds[REQ_KINDS] = {
    [REQ_CHAT] = {"chat_input", "chat"},
    [REQ_COMPLETION] = {"completion_input", "completion"},
    [REQ_CHAT_IMAGE] = {"chat_with_image", "chat_with_image"},
    [REQ_EMBED] = {"get_embeddings", "embeddings"},
    [REQ_SET_MODEL] = {"set_model", "system"},
    [REQ_RESET] = {"reset_chat", "system"},
};

typedef struct topic_req topic_req;
struct topic_req {
  lm_topics *t;
  req_kind kind;
  uint64_t id;          /* request_id */
  char *input;          /* the message text */
  char *image;          /* chat_with_image: the image as a data URI */
  char *model;          /* the model asked for, once started */
  bool stream;
  long chunks;          /* stream deltas published */
  topic_req *next;
};

typedef struct topic_input {
  lm_topics *t;
  req_kind kind;
  ros_subscription *sub;
} topic_input;

struct lm_topics {
  lm_node *n;
  topic_input inputs[REQ_KINDS];
  topic_req *head, *tail;  /* waiting, arrival order */
  uint64_t next_id;
  bool chat_running;       /* a chat_input turn is in flight */
  bool model_pending;      /* a set_model is in flight */
  size_t parallel;         /* independent requests in flight */
  bool closing;            /* the client is going away: start nothing more */
  bool pumping;            /* pump() is running */
};

static void req_free(topic_req *r) {
  if (!r) return;
  free(r->input);
  free(r->image);
  free(r->model);
  free(r);
}

/* The answer to r with its request_id, input and error flag; NULL when out of memory. */
static json_t *answer(const topic_req *r, const char *text, const char *type, const char *model) {
  lm_node *n = r->t->n;
  json_t *o = lm_response_object(n, text, type, model);
  if (!o) return NULL;
  json_object_set_new(o, "request_id", json_integer((json_int_t)r->id));
  json_object_set_new(o, "input", json_string(kinds[r->kind].topic));
  json_object_set_new(o, "error", json_boolean(strcmp(type, "error") == 0));
  return o;
}

/* Publishes an answer to r; stream_chunks tells a stream's listener how many deltas it had. */
static void publish_text(const topic_req *r, const char *text, const char *type,
                         const char *model) {
  json_t *o = answer(r, text, type, model);
  if (o && r->stream) json_object_set_new(o, "stream_chunks", json_integer(r->chunks));
  lm_response_publish_object(r->t->n, o);
}

static void publish_error(const topic_req *r, const char *msg) {
  ROS_WARN(r->t->n->node, "%s request %llu failed: %s", kinds[r->kind].topic,
           (unsigned long long)r->id, msg);
  publish_text(r, msg, "error", r->model);
}

static void pump(lm_topics *t);

/* Releases what r held while in flight, then frees it and starts what can start. */
static void finish(topic_req *r) {
  lm_topics *t = r->t;
  lm_node *n = t->n;
  switch (r->kind) {
  case REQ_CHAT: t->chat_running = false; break;
  case REQ_SET_MODEL: t->model_pending = false; break;
  case REQ_RESET: break;
  default: t->parallel--; break;
  }
  n->topic_running--;
  n->requests_ended++;
  req_free(r);
  pump(t);
}

static void on_delta(void *user, uint64_t id, const llm_delta *d) {
  topic_req *r = user;
  if (d->kind != LLM_DELTA_CONTENT || !d->len || !r->stream) return;
  char type[40];
  snprintf(type, sizeof type, "%s_stream", kinds[r->kind].type);
  json_t *o = answer(r, d->text, type, r->model);
  if (o) json_object_set_new(o, "seq", json_integer(r->chunks));
  r->chunks++;
  lm_response_publish_object(r->t->n, o);
}

static void done_embed(topic_req *r, const llm_result *res) {
  if (res->n_embeddings == 0 || res->dimensions == 0) {
    publish_error(r, "the server returned no embedding");
    return;
  }
  json_t *o = answer(r, r->input, "embeddings", res->model ? res->model : "");
  json_t *vec = json_array();
  for (size_t i = 0; vec && i < res->dimensions; i++)
    json_array_append_new(vec, json_real(res->embeddings[i]));
  if (o && vec) {
    json_object_set_new(o, "embedding", vec);
    json_object_set_new(o, "dimensions", json_integer((json_int_t)res->dimensions));
    lm_response_publish_object(r->t->n, o);
  } else {
    json_decref(vec);
    json_decref(o);
    publish_error(r, "out of memory building the embeddings message");
  }
}

static void on_done(void *user, uint64_t id, llm_result *res) {
  topic_req *r = user;
  lm_topics *t = r->t;
  lm_node *n = t->n;
  lm_status_note(n, res);
  if (res->error.code == LLM_ERR_SHUTDOWN) t->closing = true;
  const char *model = res->model ? res->model : r->model;
  char msg[LLM_ERROR_MESSAGE_MAX + 1024];
  if (r->kind == REQ_SET_MODEL) {
    if (lm_set_model_from_list(n, r->input, res, msg, sizeof msg)) {
      free(r->model);
      r->model = strdup(r->input);
      publish_text(r, msg, "system", r->input);
      lm_status_probe(n); /* /available_models marks the new current model */
    } else {
      publish_error(r, msg);
    }
  } else if (res->error.code != LLM_OK) {
    lm_describe_failure(n, &res->error, r->model, msg, sizeof msg);
    publish_error(r, msg);
  } else if (r->kind == REQ_EMBED) {
    done_embed(r, res);
  } else {
    if (r->kind == REQ_CHAT) lm_keep_exchange(n, r->input, res->text);
    publish_text(r, res->text, kinds[r->kind].type, model);
  }
  finish(r);
}

static const llm_callbacks req_callbacks = {on_delta, on_done};

/* Whether the head of the queue may start now (see the header comment). */
static bool can_start(const lm_topics *t, const topic_req *r) {
  if (t->model_pending) return false;
  switch (r->kind) {
  case REQ_CHAT:
  case REQ_RESET: return !t->chat_running;
  case REQ_SET_MODEL: return true;
  default: return t->parallel < LM_TOPICS_MAX_PARALLEL;
  }
}

/* Starts r (taken off the queue). It ends through on_done, or here when it cannot start. */
static void start(topic_req *r) {
  lm_topics *t = r->t;
  lm_node *n = t->n;
  char *model = lm_params_string(n->node, "model_name"); /* now: after any set_model before r */
  if (model) {
    free(r->model);
    r->model = model;
  }
  n->topic_running++;
  switch (r->kind) {
  case REQ_CHAT: t->chat_running = true; break;
  case REQ_SET_MODEL: t->model_pending = true; break;
  case REQ_RESET: break;
  default: t->parallel++; break;
  }
  if (r->kind == REQ_RESET) {
    char msg[128];
    lm_reset_chat(n, msg, sizeof msg);
    ROS_INFO(n->node, "%s", msg);
    publish_text(r, msg, "system", r->model);
    finish(r);
    return;
  }
  char why[256];
  if (r->kind != REQ_SET_MODEL &&
      !lm_prompt_fits(n, r->input, r->kind == REQ_CHAT || r->kind == REQ_CHAT_IMAGE, why,
                      sizeof why)) {
    publish_error(r, why);
    finish(r);
    return;
  }
  long timeout_s = (long)lm_params_int(n->node, "timeout");
  llm_error e;
  uint64_t id = 0;
  if (r->kind == REQ_SET_MODEL) {
    llm_timeouts to = {.total_ms = timeout_s * 1000};
    id = llm_client_list_models(n->client, &to, &req_callbacks, r, &e);
  } else if (r->kind == REQ_EMBED) {
    /* model_name is a chat model: the server picks its loaded embedding model. */
    llm_timeouts to = {.total_ms = timeout_s * 1000};
    const char *texts[1] = {r->input};
    id = llm_client_embed(n->client, NULL, texts, 1, &to, &req_callbacks, r, &e);
  } else {
    r->stream = lm_params_bool(n->node, "stream");
    llm_request_opts o = lm_request_opts(r->model, (int)lm_params_int(n->node, "max_tokens"),
                                         lm_params_double(n->node, "temperature"), timeout_s,
                                         r->stream);
    if (r->kind == REQ_COMPLETION)
      id = llm_client_complete(n->client, &o, r->input, &req_callbacks, r, &e);
    else
      id = lm_start_chat(n, &o, r->input, r->kind == REQ_CHAT, r->image, &req_callbacks, r, &e);
  }
  if (!id) {
    char msg[LLM_ERROR_MESSAGE_MAX + 512];
    lm_describe_failure(n, &e, r->model, msg, sizeof msg);
    publish_error(r, msg);
    finish(r);
  }
}

/* Takes the oldest waiting request off the queue. */
static topic_req *dequeue(lm_topics *t) {
  topic_req *r = t->head;
  t->head = r->next;
  if (!t->head) t->tail = NULL;
  r->next = NULL;
  t->n->topic_waiting--;
  return r;
}

static void pump(lm_topics *t) {
  if (t->pumping) return; /* a request that ends in start() calls back here: the loop goes on */
  t->pumping = true;
  while (t->head && !t->closing && can_start(t, t->head)) start(dequeue(t));
  t->pumping = false;
}

static void enqueue(lm_topics *t, topic_req *r) {
  lm_node *n = t->n;
  size_t queue_max = (size_t)lm_params_int(n->node, "max_queued_requests");
  if (n->topic_waiting >= queue_max && t->head) {
    topic_req *old = dequeue(t);
    char msg[256];
    snprintf(msg, sizeof msg, "request dropped: the queue of %zu waiting requests was full when "
             "request %llu arrived; send more slowly, wait for the answers or raise "
             "max_queued_requests", queue_max,
             (unsigned long long)r->id);
    publish_error(old, msg);
    req_free(old);
  }
  if (t->tail)
    t->tail->next = r;
  else
    t->head = r;
  t->tail = r;
  n->topic_waiting++;
}

static void on_input(void *user, const void *msg, const ros_message_info *info) {
  topic_input *in = user;
  lm_topics *t = in->t;
  lm_node *n = t->n;
  const char *text = ((const std_msgs_msg_dds__String_ *)msg)->data;
  topic_req *r = calloc(1, sizeof *r);
  if (!r) {
    ROS_ERROR(n->node, "%s: out of memory, message not handled", kinds[in->kind].topic);
    return;
  }
  r->t = t;
  r->kind = in->kind;
  r->id = ++t->next_id;
  r->input = strdup(text ? text : "");
  r->model = lm_params_string(n->node, "model_name"); /* for errors until it starts */
  if (!r->input || !r->model) {
    publish_error(r, "out of memory");
    req_free(r);
    return;
  }
  char why[2048];
  if (r->kind == REQ_SET_MODEL && !r->input[0]) {
    publish_error(r, "set_model needs a model name (the message was empty)");
    req_free(r);
    return;
  }
  /* "The current image" is the one at the time of the question. */
  if (r->kind == REQ_CHAT_IMAGE && !lm_images_resolve(n, "latest", &r->image, why, sizeof why)) {
    publish_error(r, why);
    req_free(r);
    return;
  }
  enqueue(t, r);
  pump(t);
}

void lm_topics_image_file(lm_node *n, const char *path, size_t bytes, const char *why) {
  lm_topics *t = n->topics;
  if (!t) return;
  char text[1024];
  if (!why) snprintf(text, sizeof text, "image loaded from %s (%zu bytes)", path, bytes);
  json_t *o = lm_response_object(n, why ? why : text, why ? "error" : "system", "");
  if (o) {
    json_object_set_new(o, "request_id", json_integer((json_int_t)++t->next_id));
    json_object_set_new(o, "input", json_string("image_file_input"));
    json_object_set_new(o, "error", json_boolean(why != NULL));
  }
  lm_response_publish_object(n, o);
}

ros_status lm_topics_create(lm_node *n, ros_error *e) {
  lm_topics *t = calloc(1, sizeof *t);
  if (!t) return ros_error_set(e, ROS_ERR_NO_MEMORY, "topics: out of memory");
  n->topics = t;
  t->n = n;
  ros_qos q = ros_qos_with_depth(ros_qos_default, LM_TOPICS_INPUT_DEPTH);
  for (int k = 0; k < REQ_KINDS; k++) {
    t->inputs[k] = (topic_input){t, (req_kind)k, NULL};
    ros_status st = ros_subscription_create(n->node, kinds[k].topic, T_STR, &q, on_input,
                                            &t->inputs[k], &t->inputs[k].sub, e);
    if (st != ROS_OK) return st;
  }
  return ROS_OK;
}

void lm_topics_destroy(lm_node *n) {
  lm_topics *t = n->topics;
  if (!t) return;
  t->closing = true;
  for (int k = 0; k < REQ_KINDS; k++) ros_subscription_destroy(t->inputs[k].sub);
  while (t->head) {
    topic_req *r = dequeue(t);
    publish_error(r, "the node is shutting down: request not started");
    req_free(r);
  }
  free(t);
  n->topics = NULL;
}
