/* test_lm_topics.c: lm_studio_topics_node end to end: the node and a client node share one
 * context in this process, over real DDS on loopback, against the LM Studio emulator in this
 * process: every input topic, stream on and off, history across turns, images, set_model,
 * reset_chat, embeddings, the error paths, queue overflow, a burst of 100 chat turns, QoS, the
 * node's name next to lm_studio_node, and the executable in a process of its own. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_params.h"
#include "ros/ros_topic.h"
#include "lm_node_fixture.h"
#include "ros_test_util.h"
#include "testing.h"

#define CHAT_MODEL "qwen2-vl-2b-instruct" /* a vision model of the emulator */
#define MAX_ANSWERS 1024

enum { IN_CHAT, IN_COMPLETION, IN_CHAT_IMAGE, IN_EMBED, IN_SET_MODEL, IN_RESET, IN_FILE, N_IN };
static const char *const in_topics[N_IN] = {"/chat_input",     "/completion_input",
                                            "/chat_with_image", "/get_embeddings",
                                            "/set_model",      "/reset_chat",
                                            "/image_file_input"};

typedef struct fx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;
  ros_context *ctx;
  ros_node *cli;
  ros_publisher *in[N_IN], *image;
  ros_subscription *responses;
  json_t *answers[MAX_ANSWERS]; /* every /lm_text_response message, in arrival order */
  int n;
} fx;

static void on_answer(void *user, const void *msg, const ros_message_info *info) {
  fx *f = user;
  const char *s = ((const std_msgs_msg_dds__String_ *)msg)->data;
  json_t *j = json_loads(s, 0, NULL);
  CHECK_MSG(j, "not JSON: %s", s);
  CHECK_MSG(json_is_integer(json_object_get(j, "request_id")), "no request_id: %s", s);
  CHECK_MSG(json_is_boolean(json_object_get(j, "error")), "no error flag: %s", s);
  CHECK_MSG(json_is_string(json_object_get(j, "model")), "no model: %s", s);
  CHECK_MSG(json_is_number(json_object_get(j, "timestamp")), "no timestamp: %s", s);
  CHECK_MSG(json_is_integer(json_object_get(j, "history_length")), "no history_length: %s", s);
  CHECK(f->n < MAX_ANSWERS);
  f->answers[f->n++] = j;
}

/* url NULL: the emulator's; extra: more "-p name:=value" pairs. */
static void fx_init_ex(fx *f, const char *url, const char *const *extra) {
  memset(f, 0, sizeof *f);
  f->emu = lms_emu_start(NULL);
  CHECK(f->emu);
  char url_arg[128], dirs_arg[600];
  lm_test_url_param(url_arg, sizeof url_arg, url, lms_emu_port(f->emu));
  snprintf(dirs_arg, sizeof dirs_arg, "image_allowed_dirs:=[%s]", test_fixture("images"));
  const char *params[] = {url_arg, "model_name:=" CHAT_MODEL, "status_period:=0.2", dirs_arg,
                          NULL};
  lm_node_options o = {.iface = LM_NODE_TOPICS};
  lm_test_node_start_opts(&o, params, extra, "lm_topics_client", &f->args, &f->node, &f->cli);
  f->ctx = lm_node_context(f->node);
  ros_error e;
  /* Answers: a reliable reader deep enough for a whole burst. */
  ros_qos deep = ros_qos_with_depth(ros_qos_default, MAX_ANSWERS);
  CHECK(ros_subscription_create(f->cli, "/lm_text_response", "std_msgs/msg/String", &deep,
                                on_answer, f, &f->responses, &e) == ROS_OK);
  /* Inputs as `ros2 topic pub` sends them: the default QoS (reliable, KEEP_LAST 10). */
  for (int i = 0; i < N_IN; i++) {
    CHECK(ros_publisher_create(f->cli, in_topics[i], "std_msgs/msg/String", &ros_qos_default,
                               &f->in[i], &e) == ROS_OK);
    lm_test_wait_publisher_matched(f->node, f->in[i]);
  }
  /* The image as a camera driver sends it: sensor-data QoS (best effort). */
  CHECK(ros_publisher_create(f->cli, "/image_input", "sensor_msgs/msg/Image", &ros_qos_sensor_data,
                             &f->image, &e) == ROS_OK);
  lm_test_wait_publisher_matched(f->node, f->image);
  /* ... and the node's answers reach us. */
  lm_test_wait_subscription_matched(f->node, f->responses);
}

static void fx_init(fx *f) { fx_init_ex(f, NULL, NULL); }

static void fx_fini(fx *f) {
  for (int i = 0; i < N_IN; i++) ros_publisher_destroy(f->in[i]);
  ros_publisher_destroy(f->image);
  ros_subscription_destroy(f->responses);
  lm_test_node_stop(&f->args, f->node, f->cli);
  lms_emu_stop(f->emu);
  for (int i = 0; i < f->n; i++) json_decref(f->answers[i]);
}

static void send(fx *f, int input, const char *text) {
  std_msgs_msg_dds__String_ m = {(char *)text};
  ros_error e;
  CHECK_MSG(ros_publisher_publish(f->in[input], &m, &e) == ROS_OK, "%s", e.message);
}

static const char *str(const json_t *j, const char *key) {
  const char *s = json_string_value(json_object_get(j, key));
  return s ? s : "";
}

static long long num(const json_t *j, const char *key) {
  return (long long)json_integer_value(json_object_get(j, key));
}

static bool is_final(const json_t *j) { return !strstr(str(j, "type"), "_stream"); }

static int count_final(const fx *f) {
  int k = 0;
  for (int i = 0; i < f->n; i++) k += is_final(f->answers[i]);
  return k;
}

/* Spins until `want` final (non-stream) answers arrived; fails after ms. */
static void wait_final(fx *f, int want, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (count_final(f) < want && clock_mono_ms() < end) lm_node_spin_once(f->node, 10);
  CHECK_MSG(count_final(f) >= want, "%d of %d answers; last: %s", count_final(f), want,
            f->n ? json_dumps(f->answers[f->n - 1], 0) : "(none)");
}

/* The k-th final answer (0 = first). */
static const json_t *final(const fx *f, int k) {
  for (int i = 0; i < f->n; i++)
    if (is_final(f->answers[i]) && k-- == 0) return f->answers[i];
  CHECK_MSG(0, "no final answer %d", k);
  return NULL;
}

/* The JSON of the last chat or completion request the emulator received (caller frees); the
 * status probes in between are skipped. */
/* The latest recorded chat or completion request that contains text (NULL: any). */
static char *request_with(fx *f, const char *text) {
  for (size_t k = lms_emu_request_count(f->emu); k > 0; k--) {
    char *s = lms_emu_request_json(f->emu, k - 1);
    CHECK(s);
    if (strstr(s, "/completions\"") && (!text || strstr(s, text))) return s;
    free(s);
  }
  CHECK_MSG(0, "no chat or completion request%s%s recorded", text ? " with " : "",
            text ? text : "");
  return NULL;
}

static char *last_request(fx *f) { return request_with(f, NULL); }

/* ---- each input ---- */

TEST(lm_topics_chat_input_answers_with_request_id_and_model)
{
  fx f;
  fx_init(&f);
  send(&f, IN_CHAT, "hello there");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "chat");
  CHECK_EQ_STR(str(a, "text"), "You said: hello there");
  CHECK_EQ_STR(str(a, "model"), CHAT_MODEL);
  CHECK_EQ_STR(str(a, "input"), "chat_input");
  CHECK_EQ_INT(num(a, "request_id"), 1);
  CHECK(json_is_false(json_object_get(a, "error")));
  CHECK_EQ_INT(num(a, "history_length"), 2);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  fx_fini(&f);
}

TEST(lm_topics_chat_history_carries_across_turns_and_reset_clears_it)
{
  fx f;
  fx_init(&f);
  send(&f, IN_CHAT, "first turn");
  send(&f, IN_CHAT, "second turn");
  wait_final(&f, 2, 5000);
  CHECK_EQ_STR(str(final(&f, 0), "text"), "You said: first turn");
  CHECK_EQ_STR(str(final(&f, 1), "text"), "You said: second turn");
  CHECK_EQ_INT(num(final(&f, 1), "history_length"), 4);
  char *req = last_request(&f); /* the second turn carried the first exchange */
  CHECK_CONTAINS(req, "first turn");
  CHECK_CONTAINS(req, "You said: first turn");
  free(req);
  send(&f, IN_RESET, "");
  wait_final(&f, 3, 5000);
  const json_t *r = final(&f, 2);
  CHECK_EQ_STR(str(r, "type"), "system");
  CHECK_EQ_STR(str(r, "input"), "reset_chat");
  CHECK_CONTAINS(str(r, "text"), "chat history cleared (4 messages)");
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  send(&f, IN_CHAT, "third turn");
  wait_final(&f, 4, 5000);
  req = last_request(&f);
  CHECK(!strstr(req, "first turn"));
  free(req);
  fx_fini(&f);
}

TEST(lm_topics_completion_input_completes_without_history)
{
  fx f;
  fx_init(&f);
  send(&f, IN_COMPLETION, "The future of robotics is");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "completion");
  CHECK_EQ_STR(str(a, "input"), "completion_input");
  CHECK_EQ_STR(str(a, "text"), "The future of robotics is ...continued");
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  fx_fini(&f);
}

TEST(lm_topics_get_embeddings_publishes_the_vector)
{
  fx f;
  fx_init(&f);
  send(&f, IN_EMBED, "Hello world");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "embeddings");
  CHECK_EQ_STR(str(a, "text"), "Hello world");
  CHECK_EQ_INT(num(a, "dimensions"), 768);
  CHECK_EQ_INT(json_array_size(json_object_get(a, "embedding")), 768);
  CHECK(json_is_number(json_array_get(json_object_get(a, "embedding"), 0)));
  fx_fini(&f);
}

/* ---- streaming ---- */

/* Checks that the stream messages of request id reassemble to its final text. */
static void check_stream_id(const fx *f, long long id, int want_chunks, const char *type) {
  char stype[64];
  snprintf(stype, sizeof stype, "%s_stream", type);
  dynbuf b;
  dynbuf_init(&b, 1u << 20);
  int chunks = 0;
  const json_t *fin = NULL;
  for (int i = 0; i < f->n; i++) {
    const json_t *j = f->answers[i];
    if (num(j, "request_id") != id) continue;
    if (strcmp(str(j, "type"), stype) == 0) {
      CHECK_MSG(!fin, "a stream message after the final one");
      CHECK_EQ_INT(num(j, "seq"), chunks);
      CHECK(dynbuf_append_str(&b, str(j, "text")));
      chunks++;
    } else {
      fin = j;
    }
  }
  CHECK(fin);
  CHECK_EQ_STR(str(fin, "type"), type);
  CHECK_EQ_INT(chunks, want_chunks);
  CHECK_EQ_INT(num(fin, "stream_chunks"), want_chunks);
  CHECK_EQ_STR(b.len ? b.data : "", str(fin, "text"));
  dynbuf_free(&b);
}

/* The same for the request from input (request ids follow the order the node took the
 * messages in; two topics have no order). */
static void check_stream(const fx *f, const char *input, int want_chunks, const char *type) {
  long long id = 0;
  for (int i = 0; i < f->n; i++)
    if (strcmp(str(f->answers[i], "input"), input) == 0) id = num(f->answers[i], "request_id");
  CHECK(id > 0);
  check_stream_id(f, id, want_chunks, type);
}

TEST(lm_topics_stream_publishes_deltas_that_reassemble_to_the_answer)
{
  fx f;
  const char *extra[] = {"stream:=true", NULL};
  fx_init_ex(&f, NULL, extra);
  send(&f, IN_CHAT, "[[tokens=6 interval_ms=20]]");
  send(&f, IN_COMPLETION, "[[tokens=4]]");
  wait_final(&f, 2, 5000);
  check_stream(&f, "chat_input", 6, "chat");
  check_stream(&f, "completion_input", 4, "completion");
  /* The streamed chat turn entered the history whole. */
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  fx_fini(&f);
}

TEST(lm_topics_stream_off_sends_only_the_whole_answer)
{
  fx f;
  fx_init(&f);
  send(&f, IN_CHAT, "[[tokens=6]]");
  wait_final(&f, 1, 5000);
  lm_test_spin_for(f.node, 200);
  CHECK_EQ_INT(f.n, 1);
  CHECK_EQ_STR(str(final(&f, 0), "text"), "w1 w2 w3 w4 w5 w6");
  CHECK(!json_object_get(final(&f, 0), "stream_chunks"));
  fx_fini(&f);
}

TEST(lm_topics_stream_broken_mid_answer_is_an_error_and_not_history)
{
  fx f;
  const char *extra[] = {"stream:=true", NULL};
  fx_init_ex(&f, NULL, extra);
  send(&f, IN_CHAT, "[[tokens=6 fault=drop_after after=2]]");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "error");
  CHECK(json_is_true(json_object_get(a, "error")));
  CHECK_EQ_INT(num(a, "stream_chunks"), 2);
  CHECK_EQ_INT(f.n, 3); /* two deltas, then the error */
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  fx_fini(&f);
}

/* ---- ordering ---- */

TEST(lm_topics_completion_is_not_held_up_by_a_slow_chat_turn)
{
  fx f;
  fx_init(&f);
  send(&f, IN_CHAT, "slow [[delay_first_ms=1500]]");
  lm_test_spin_for(f.node, 100); /* the chat turn is in flight */
  send(&f, IN_COMPLETION, "quick");
  wait_final(&f, 2, 10000);
  CHECK_EQ_STR(str(final(&f, 0), "type"), "completion");
  CHECK_EQ_STR(str(final(&f, 1), "type"), "chat");
  fx_fini(&f);
}

static void wait_queued(fx *f, size_t want) {
  int64_t end = clock_mono_ms() + 5000;
  while (lm_node_queued_requests(f->node) != want && clock_mono_ms() < end)
    lm_node_spin_once(f->node, 10);
  CHECK_EQ_INT(lm_node_queued_requests(f->node), want);
}

TEST(lm_topics_requests_behind_set_model_use_the_new_model)
{
  fx f;
  fx_init(&f);
  /* Four slow completions fill the parallel slots; the fifth, set_model and a chat turn wait. */
  for (int i = 0; i < 5; i++) send(&f, IN_COMPLETION, "slow [[delay_first_ms=700]]");
  wait_queued(&f, 1);
  send(&f, IN_SET_MODEL, "llama-3.2-1b-instruct");
  wait_queued(&f, 2);
  send(&f, IN_CHAT, "which model?");
  wait_queued(&f, 3);
  wait_final(&f, 7, 15000);
  for (int i = 0; i < 7; i++) {
    const json_t *a = final(&f, i);
    if (strcmp(str(a, "input"), "chat_input") != 0) continue;
    CHECK_EQ_STR(str(a, "type"), "chat");
    CHECK_EQ_STR(str(a, "model"), "llama-3.2-1b-instruct");
  }
  /* Not simply the last one recorded: the fifth completion left the queue first, but requests
   * on different connections may reach the emulator in any order. */
  char *req = request_with(&f, "which model?");
  CHECK_CONTAINS(req, "llama-3.2-1b-instruct");
  free(req);
  fx_fini(&f);
}

/* ---- health ---- */

typedef struct health {
  bool queued_seen, current_seen;
} health;

static void on_status(void *user, const void *msg, const ros_message_info *info) {
  json_t *j = json_loads(((const std_msgs_msg_dds__String_ *)msg)->data, 0, NULL);
  if (json_is_integer(json_object_get(j, "queued"))) ((health *)user)->queued_seen = true;
  json_decref(j);
}

static void on_models(void *user, const void *msg, const ros_message_info *info) {
  json_t *j = json_loads(((const std_msgs_msg_dds__String_ *)msg)->data, 0, NULL);
  size_t i;
  json_t *m;
  json_array_foreach(json_object_get(j, "details"), i, m) {
    if (json_is_true(json_object_get(m, "current")) &&
        strcmp(str(m, "id"), CHAT_MODEL) == 0)
      ((health *)user)->current_seen = true;
  }
  json_decref(j);
}

TEST(lm_topics_status_counts_queued_and_models_mark_the_current_one)
{
  fx f;
  fx_init(&f);
  health h = {0};
  ros_subscription *s, *m;
  ros_error e;
  CHECK(ros_subscription_create(f.cli, "/lm_studio_status", "std_msgs/msg/String", NULL, on_status,
                                &h, &s, &e) == ROS_OK);
  CHECK(ros_subscription_create(f.cli, "/available_models", "std_msgs/msg/String",
                                &ros_qos_action_status, on_models, &h, &m, &e) == ROS_OK);
  int64_t end = clock_mono_ms() + 5000;
  while (!(h.queued_seen && h.current_seen) && clock_mono_ms() < end)
    lm_node_spin_once(f.node, 10);
  CHECK(h.queued_seen);
  CHECK(h.current_seen);
  ros_subscription_destroy(s);
  ros_subscription_destroy(m);
  fx_fini(&f);
}

/* ---- images ---- */

static void publish_image(fx *f) {
  uint8_t rgb[16 * 16 * 3];
  memset(rgb, 200, sizeof rgb);
  sensor_msgs_msg_dds__Image_ m;
  memset(&m, 0, sizeof m);
  m.header.frame_id = "camera";
  m.height = m.width = 16;
  m.encoding = "rgb8";
  m.step = 16 * 3;
  m.data._buffer = rgb;
  m.data._length = m.data._maximum = sizeof rgb;
  ros_error e;
  CHECK(ros_publisher_publish(f->image, &m, &e) == ROS_OK);
}

TEST(lm_topics_chat_with_image_needs_an_image_then_sends_it)
{
  fx f;
  fx_init(&f);
  send(&f, IN_CHAT_IMAGE, "what is this?");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "error");
  CHECK(json_is_true(json_object_get(a, "error")));
  CHECK_EQ_STR(str(a, "input"), "chat_with_image");
  CHECK_CONTAINS(str(a, "text"), "no image received yet");
  publish_image(&f);
  lm_test_spin_for(f.node, 300); /* best effort: let the frame land before the question */
  send(&f, IN_CHAT_IMAGE, "what is this?");
  wait_final(&f, 2, 5000);
  a = final(&f, 1);
  CHECK_EQ_STR(str(a, "type"), "chat_with_image");
  CHECK_EQ_STR(str(a, "text"), "You said: what is this? [images: 1]");
  CHECK_EQ_INT(num(a, "request_id"), 2);
  char *req = last_request(&f);
  CHECK_CONTAINS(req, "data:image/jpeg;base64,");
  free(req);
  /* Like the original, a question about the image is not part of the chat history. */
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  fx_fini(&f);
}

TEST(lm_topics_chat_with_image_uses_a_compressed_image)
{
  fx f;
  fx_init(&f);
  ros_publisher *comp;
  ros_error e;
  CHECK(ros_publisher_create(f.cli, "/image_input/compressed", "sensor_msgs/msg/CompressedImage",
                             &ros_qos_sensor_data, &comp, &e) == ROS_OK);
  lm_test_wait_publisher_matched(f.node, comp);
  FILE *fp = fopen(test_fixture("images/gray.jpg"), "rb");
  CHECK(fp);
  static uint8_t jpeg[1 << 16];
  size_t len = fread(jpeg, 1, sizeof jpeg, fp);
  fclose(fp);
  CHECK(len > 0 && len < sizeof jpeg);
  sensor_msgs_msg_dds__CompressedImage_ m;
  memset(&m, 0, sizeof m);
  m.header.frame_id = "camera";
  m.format = "jpeg";
  m.data._buffer = jpeg;
  m.data._length = m.data._maximum = (uint32_t)len;
  CHECK(ros_publisher_publish(comp, &m, &e) == ROS_OK);
  lm_test_spin_for(f.node, 300); /* best effort: let the frame land before the question */
  send(&f, IN_CHAT_IMAGE, "compressed?");
  wait_final(&f, 1, 5000);
  CHECK_EQ_STR(str(final(&f, 0), "text"), "You said: compressed? [images: 1]");
  char *req = last_request(&f);
  CHECK_CONTAINS(req, "data:image/jpeg;base64,");
  free(req);
  ros_publisher_destroy(comp);
  fx_fini(&f);
}

TEST(lm_topics_image_file_input_answers_loaded_or_refused)
{
  fx f;
  fx_init(&f);
  send(&f, IN_FILE, "/nonexistent/dir/none.jpg");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "error");
  CHECK_EQ_STR(str(a, "input"), "image_file_input");
  CHECK_CONTAINS(str(a, "text"), "refused");
  send(&f, IN_FILE, test_fixture("images/gray.jpg"));
  wait_final(&f, 2, 5000);
  a = final(&f, 1);
  CHECK_EQ_STR(str(a, "type"), "system");
  CHECK_CONTAINS(str(a, "text"), "image loaded from");
  send(&f, IN_CHAT_IMAGE, "and this?");
  wait_final(&f, 3, 5000);
  CHECK_EQ_STR(str(final(&f, 2), "text"), "You said: and this? [images: 1]");
  CHECK_EQ_INT(num(final(&f, 2), "request_id"), 3);
  fx_fini(&f);
}

/* ---- models ---- */

TEST(lm_topics_set_model_checks_the_server_list)
{
  fx f;
  fx_init(&f);
  /* Each input waits for the answer before it: messages on two topics have no order. */
  send(&f, IN_SET_MODEL, "no-such-model");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "error");
  CHECK_CONTAINS(str(a, "text"), "unknown model 'no-such-model'");
  send(&f, IN_CHAT, "still the old model");
  wait_final(&f, 2, 5000);
  CHECK_EQ_STR(str(final(&f, 1), "model"), CHAT_MODEL);
  send(&f, IN_SET_MODEL, "llama-3.2-1b-instruct");
  wait_final(&f, 3, 5000);
  a = final(&f, 2);
  CHECK_EQ_STR(str(a, "type"), "system");
  CHECK_EQ_STR(str(a, "model"), "llama-3.2-1b-instruct");
  send(&f, IN_CHAT, "now the new one");
  wait_final(&f, 4, 5000);
  CHECK_EQ_STR(str(final(&f, 3), "model"), "llama-3.2-1b-instruct");
  char *param = NULL;
  ros_param_value v;
  ros_param_value_init(&v);
  CHECK(ros_params_get(lm_node_ros_node(f.node), "model_name", &v) == ROS_OK);
  param = v.string_value;
  CHECK_EQ_STR(param, "llama-3.2-1b-instruct");
  ros_param_value_fini(&v);
  char *req = last_request(&f);
  CHECK_CONTAINS(req, "llama-3.2-1b-instruct");
  free(req);
  fx_fini(&f);
}

/* ---- failures ---- */

TEST(lm_topics_unreachable_server_is_an_error_answer)
{
  fx f;
  fx_init_ex(&f, "http://127.0.0.1:1", NULL);
  send(&f, IN_CHAT, "anyone there?");
  send(&f, IN_COMPLETION, "anyone");
  wait_final(&f, 2, 10000);
  for (int i = 0; i < 2; i++) {
    const json_t *a = final(&f, i);
    CHECK_EQ_STR(str(a, "type"), "error");
    CHECK(json_is_true(json_object_get(a, "error")));
    CHECK_CONTAINS(str(a, "text"), "LLM_ERR_CONNECT_REFUSED");
    CHECK_CONTAINS(str(a, "text"), "lm_studio_url");
  }
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  fx_fini(&f);
}

TEST(lm_topics_failed_chat_turn_leaves_no_trace_in_history)
{
  fx f;
  fx_init(&f);
  send(&f, IN_CHAT, "doomed turn [[status=500]]");
  send(&f, IN_CHAT, "next turn");
  wait_final(&f, 1, 5000);
  CHECK_EQ_STR(str(final(&f, 0), "type"), "error");
  CHECK_EQ_INT(num(final(&f, 0), "request_id"), 1);
  wait_final(&f, 2, 5000);
  CHECK_EQ_STR(str(final(&f, 1), "type"), "chat");
  char *req = last_request(&f);
  CHECK(!strstr(req, "doomed")); /* the failed turn was not sent again */
  free(req);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  fx_fini(&f);
}

TEST(lm_topics_unknown_model_is_an_error_answer)
{
  fx f;
  const char *extra[] = {"model_name:=no-such-model", NULL};
  fx_init_ex(&f, NULL, extra);
  send(&f, IN_CHAT, "hi");
  wait_final(&f, 1, 5000);
  const json_t *a = final(&f, 0);
  CHECK_EQ_STR(str(a, "type"), "error");
  CHECK_EQ_STR(str(a, "model"), "no-such-model");
  CHECK_CONTAINS(str(a, "text"), "LLM_ERR_MODEL_NOT_FOUND");
  fx_fini(&f);
}

TEST(lm_topics_prompt_over_max_prompt_bytes_is_refused_before_the_server)
{
  fx f;
  const char *extra[] = {"max_prompt_bytes:=16", "system_prompt:=Be brief.", NULL};
  fx_init_ex(&f, NULL, extra);
  send(&f, IN_CHAT, "twelve bytes"); /* 12 + 9 of system prompt > 16 */
  send(&f, IN_COMPLETION, "twelve bytes"); /* completions carry no system prompt: fits */
  send(&f, IN_EMBED, "seventeen bytes!!");
  wait_final(&f, 3, 5000);
  const json_t *by_id[4] = {0}; /* answers come as requests end, refusals first */
  for (int i = 0; i < 3; i++) {
    json_int_t id = num(final(&f, i), "request_id");
    if (id >= 1 && id <= 3) by_id[id] = final(&f, i);
  }
  CHECK(by_id[1] && by_id[2] && by_id[3]);
  CHECK_EQ_STR(str(by_id[1], "type"), "error");
  CHECK_CONTAINS(str(by_id[1], "text"), "max_prompt_bytes (16)");
  CHECK_EQ_STR(str(by_id[2], "type"), "completion");
  CHECK_EQ_STR(str(by_id[3], "type"), "error");
  CHECK_CONTAINS(str(by_id[3], "text"), "17 bytes");
  char *req = last_request(&f);
  CHECK(!strstr(req, "seventeen")); /* the refused texts never reached the server */
  free(req);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  fx_fini(&f);
}

TEST(lm_topics_full_queue_answers_the_oldest_waiting_with_an_error)
{
  fx f;
  const char *extra[] = {"max_queued_requests:=2", NULL};
  fx_init_ex(&f, NULL, extra);
  send(&f, IN_CHAT, "slow [[delay_first_ms=500]]");
  for (int i = 2; i <= 5; i++) {
    char text[32];
    snprintf(text, sizeof text, "turn %d", i);
    send(&f, IN_CHAT, text);
  }
  wait_final(&f, 5, 10000);
  /* 1 runs; 2 and 3 wait; 4 pushes out 2, 5 pushes out 3. Nothing is lost silently. */
  bool seen[6] = {false};
  for (int i = 0; i < 5; i++) {
    const json_t *a = final(&f, i);
    long long id = num(a, "request_id");
    CHECK(id >= 1 && id <= 5 && !seen[id]);
    seen[id] = true;
    if (id == 2 || id == 3) {
      CHECK_EQ_STR(str(a, "type"), "error");
      CHECK_CONTAINS(str(a, "text"), "request dropped");
    } else {
      CHECK_EQ_STR(str(a, "type"), "chat");
    }
  }
  CHECK_EQ_INT(lm_node_queued_requests(f.node), 0);
  fx_fini(&f);
}

/* ---- a burst ---- */

TEST(lm_topics_burst_of_100_chat_turns_all_answered_in_order)
{
  fx f;
  const char *extra[] = {"max_history_length:=4", NULL};
  fx_init_ex(&f, NULL, extra);
  for (int i = 1; i <= 100; i++) {
    char text[32];
    snprintf(text, sizeof text, "message %d", i);
    send(&f, IN_CHAT, text);
  }
  wait_final(&f, 100, 60000);
  lm_test_spin_for(f.node, 100);
  CHECK_EQ_INT(f.n, 100);
  for (int i = 0; i < 100; i++) {
    const json_t *a = final(&f, i);
    char want[48];
    snprintf(want, sizeof want, "You said: message %d", i + 1);
    CHECK_EQ_INT(num(a, "request_id"), i + 1);
    CHECK_EQ_STR(str(a, "text"), want);
  }
  fx_fini(&f);
}

TEST(lm_topics_burst_of_resets_all_answered_in_order)
{
  fx f;
  fx_init(&f);
  /* Requests that end as they start, one after the other, without waiting for the server. */
  for (int i = 0; i < 150; i++) send(&f, IN_RESET, "");
  wait_final(&f, 150, 30000);
  for (int i = 0; i < 150; i++) {
    CHECK_EQ_INT(num(final(&f, i), "request_id"), i + 1);
    CHECK_EQ_STR(str(final(&f, i), "type"), "system");
  }
  fx_fini(&f);
}

/* ---- graph, QoS, names ---- */

TEST(lm_topics_inputs_match_the_original_except_depth_and_image_reliability)
{
  fx f;
  fx_init(&f);
  /* As the real lm_studio_topics_node announced them (fixtures/ros2-wire/endpoints.txt), but
   * for the reader depth: ours holds a burst of LM_TOPICS_INPUT_DEPTH messages. */
  const char *text_inputs[] = {"rt/chat_input", "rt/completion_input", "rt/chat_with_image",
                               "rt/get_embeddings", "rt/set_model", "rt/reset_chat"};
  for (size_t i = 0; i < sizeof text_inputs / sizeof *text_inputs; i++) {
    test_endpoint got, want;
    CHECK_MSG(test_find_endpoint('R', text_inputs[i], 5000, &got), "%s", text_inputs[i]);
    CHECK_MSG(test_recorded_endpoint('R', text_inputs[i], &want), "%s", text_inputs[i]);
    CHECK_MSG(got.depth >= 100, "%s depth %d", text_inputs[i], got.depth);
    got.depth = want.depth;
    const char *diff = test_endpoint_diff(&got, &want);
    CHECK_MSG(!diff, "%s: %s", text_inputs[i], diff);
  }
  /* A path, like the original's: reliable, depth 10. */
  test_endpoint got, want;
  CHECK(test_find_endpoint('R', "rt/image_file_input", 5000, &got));
  CHECK(test_recorded_endpoint('R', "rt/image_file_input", &want));
  const char *diff = test_endpoint_diff(&got, &want);
  CHECK_MSG(!diff, "rt/image_file_input: %s", diff);
  /* The original's image reader was reliable and never heard sensor-data cameras. */
  test_endpoint ep;
  CHECK(test_find_endpoint('R', "rt/image_input", 5000, &ep));
  CHECK_EQ_STR(ep.reliability, "BEST_EFFORT");
  CHECK(test_find_endpoint('R', "rt/image_input/compressed", 5000, &ep));
  CHECK_EQ_STR(ep.reliability, "BEST_EFFORT");
  fx_fini(&f);
}

TEST(lm_topics_node_runs_beside_lm_studio_node)
{
  fx f;
  fx_init(&f);
  CHECK_EQ_STR(ros_node_name(lm_node_ros_node(f.node)), "lm_studio_topics_node");
  /* The actions node, default name, in the same domain and process. */
  ros_args a;
  ros_args_init(&a);
  char err[LM_NODE_ERROR_MAX];
  lm_node_options o = {.args = &a, .ctx = f.ctx};
  lm_node *other = lm_node_create(&o, err, sizeof err);
  CHECK_MSG(other, "%s", err);
  CHECK_EQ_STR(ros_node_name(lm_node_ros_node(other)), "lm_studio_node");
  /* Only the topics node answers chat_input. */
  send(&f, IN_CHAT, "just one answer");
  wait_final(&f, 1, 5000);
  lm_test_spin_for(f.node, 300);
  CHECK_EQ_INT(f.n, 1);
  lm_node_destroy(other);
  ros_args_fini(&a);
  fx_fini(&f);
}

/* ---- the executable ---- */

/* The executable in a process of its own, so messages cross the loopback network both ways: a
 * burst of 100 streamed chat turns from a default-QoS publisher, every delta and answer heard. */
TEST(lm_topics_main_answers_a_streamed_burst_and_exits_zero_on_sigint)
{
  lms_emu *emu = lms_emu_start(NULL);
  CHECK(emu);
  char url[96];
  snprintf(url, sizeof url, "lm_studio_url:=http://127.0.0.1:%u", lms_emu_port(emu));
  const char *argv[] = {"lm_studio_topics_node", "--ros-args", "-p", url, "-p",
                        "model_name:=" CHAT_MODEL, "-p", "stream:=true", "-p",
                        "max_history_length:=2", "--log-level", "warn", NULL};
  pid_t pid = lm_test_spawn(LMS_TOPICS_NODE_EXE, argv);
  ros_context *ctx;
  ros_node *cli;
  ros_error e;
  CHECK(ros_context_create(NULL, &ctx, &e) == ROS_OK);
  CHECK(ros_node_create(ctx, "watcher", NULL, NULL, &cli, &e) == ROS_OK);
  fx *f = calloc(1, sizeof *f); /* only the answer log is used */
  CHECK(f);
  ros_subscription *s;
  ros_publisher *p;
  ros_qos deep = ros_qos_with_depth(ros_qos_default, MAX_ANSWERS);
  CHECK(ros_subscription_create(cli, "/lm_text_response", "std_msgs/msg/String", &deep, on_answer,
                                f, &s, &e) == ROS_OK);
  CHECK(ros_publisher_create(cli, "/chat_input", "std_msgs/msg/String", NULL, &p, &e) == ROS_OK);
  int64_t end = clock_mono_ms() + 10000;
  while ((ros_publisher_subscription_count(p) < 1 || ros_subscription_publisher_count(s) < 1) &&
         clock_mono_ms() < end)
    ros_context_spin(ctx, 50);
  CHECK_MSG(ros_publisher_subscription_count(p) >= 1, "the node's chat_input not seen");
  /* Our writer has matched the node's reader, but the node's reader may not know our writer
   * yet: until it does it drops what we send, and only the last depth (10) samples are kept for
   * a resend. One turn answered proves the node hears us; then comes the burst. */
  for (int i = 1; i <= 100; i++) {
    char text[32];
    snprintf(text, sizeof text, "turn %d", i);
    std_msgs_msg_dds__String_ m = {text};
    CHECK(ros_publisher_publish(p, &m, &e) == ROS_OK);
    if (i > 1) continue;
    end = clock_mono_ms() + 10000;
    while (count_final(f) < 1 && clock_mono_ms() < end) ros_context_spin(ctx, 50);
    CHECK_MSG(count_final(f) == 1, "the node did not answer the first turn");
  }
  end = clock_mono_ms() + 60000;
  while (count_final(f) < 100 && clock_mono_ms() < end) ros_context_spin(ctx, 50);
  CHECK_MSG(count_final(f) == 100, "%d answers of 100", count_final(f));
  CHECK_EQ_INT(f->n, 100 * 5); /* "You said: turn N": four deltas and the answer each */
  for (int i = 0; i < 100; i++) {
    char want[48];
    snprintf(want, sizeof want, "You said: turn %d", i + 1);
    CHECK_EQ_STR(str(final(f, i), "text"), want);
    CHECK_EQ_INT(num(final(f, i), "request_id"), i + 1);
  }
  for (int i = 1; i <= 100; i++) check_stream_id(f, i, 4, "chat");
  lm_test_interrupt_expect_exit_zero(pid);
  for (int i = 0; i < f->n; i++) json_decref(f->answers[i]);
  free(f);
  ros_publisher_destroy(p);
  ros_subscription_destroy(s);
  CHECK_EQ_INT(ros_node_destroy(cli), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(ctx), ROS_OK);
  lms_emu_stop(emu);
}
