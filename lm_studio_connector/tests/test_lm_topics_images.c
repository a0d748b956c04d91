/* test_lm_topics_images.c: lm_studio_topics_node's image inputs beyond test_lm_topics.c, end to
 * end over DDS on loopback against the LM Studio emulator in this process: a file inside
 * image_allowed_dirs that cannot be used (not an image, missing) is an error answer and leaves
 * no image behind; an image from a reliable publisher (`ros2 topic pub`'s default QoS) is heard
 * by the best-effort reader, and chat_with_image streams with stream:=true. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_topic.h"
#include "lm_node_fixture.h"
#include "testing.h"

#define MAX_ANSWERS 64

typedef struct fx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;
  ros_node *cli;
  ros_publisher *file, *question, *image;
  ros_subscription *responses;
  json_t *answers[MAX_ANSWERS]; /* every /lm_text_response message, in arrival order */
  int n;
} fx;

static void on_answer(void *user, const void *msg, const ros_message_info *info) {
  (void)info;
  fx *f = user;
  json_t *j = json_loads(((const std_msgs_msg_dds__String_ *)msg)->data, 0, NULL);
  CHECK(j && f->n < MAX_ANSWERS);
  f->answers[f->n++] = j;
}

static ros_publisher *publisher(fx *f, const char *topic, const char *type) {
  ros_publisher *p;
  ros_error e;
  /* The default QoS (reliable, KEEP_LAST 10), as `ros2 topic pub` and rclpy publish. */
  CHECK(ros_publisher_create(f->cli, topic, type, &ros_qos_default, &p, &e) == ROS_OK);
  lm_test_wait_publisher_matched(f->node, p);
  return p;
}

static void fx_init(fx *f, const char *const *extra) {
  memset(f, 0, sizeof *f);
  f->emu = lms_emu_start(NULL);
  CHECK(f->emu);
  char url[128], dirs[600];
  snprintf(url, sizeof url, "lm_studio_url:=http://127.0.0.1:%u", lms_emu_port(f->emu));
  snprintf(dirs, sizeof dirs, "image_allowed_dirs:=[%s]", test_fixture("images"));
  const char *params[] = {url, "model_name:=qwen2-vl-2b-instruct", dirs, NULL};
  lm_node_options o = {.iface = LM_NODE_TOPICS};
  lm_test_node_start_opts(&o, params, extra, "lm_topics_images_client", &f->args, &f->node,
                          &f->cli);
  ros_error e;
  ros_qos deep = ros_qos_with_depth(ros_qos_default, MAX_ANSWERS);
  CHECK(ros_subscription_create(f->cli, "/lm_text_response", "std_msgs/msg/String", &deep,
                                on_answer, f, &f->responses, &e) == ROS_OK);
  f->file = publisher(f, "/image_file_input", "std_msgs/msg/String");
  f->question = publisher(f, "/chat_with_image", "std_msgs/msg/String");
  f->image = publisher(f, "/image_input", "sensor_msgs/msg/Image");
  lm_test_wait_subscription_matched(f->node, f->responses);
}

static void fx_fini(fx *f) {
  ros_publisher_destroy(f->file);
  ros_publisher_destroy(f->question);
  ros_publisher_destroy(f->image);
  ros_subscription_destroy(f->responses);
  lm_test_node_stop(&f->args, f->node, f->cli);
  lms_emu_stop(f->emu);
  for (int i = 0; i < f->n; i++) json_decref(f->answers[i]);
}

static void send_text(fx *f, ros_publisher *p, const char *text) {
  std_msgs_msg_dds__String_ m = {(char *)text};
  ros_error e;
  CHECK_MSG(ros_publisher_publish(p, &m, &e) == ROS_OK, "%s", e.message);
}

static const char *str(const json_t *j, const char *key) {
  const char *s = json_string_value(json_object_get(j, key));
  return s ? s : "";
}

/* Spins until n answers arrived; returns the last. */
static const json_t *wait_answers(fx *f, int n) {
  int64_t end = clock_mono_ms() + 10000;
  while (f->n < n && clock_mono_ms() < end) lm_node_spin_once(f->node, 10);
  CHECK_MSG(f->n >= n, "%d of %d answers", f->n, n);
  return f->answers[n - 1];
}

static void check_error_answer(const json_t *a, const char *input, const char *needle) {
  CHECK_EQ_STR(str(a, "type"), "error");
  CHECK(json_is_true(json_object_get(a, "error")));
  CHECK_EQ_STR(str(a, "input"), input);
  CHECK_CONTAINS(str(a, "text"), needle);
}

TEST(lm_topics_images_unusable_file_in_allowed_dir_is_an_error_and_no_image)
{
  fx f;
  fx_init(&f, NULL);
  /* First a good file, so that "no image" below means the bad ones replaced it. */
  send_text(&f, f.file, test_fixture("images/gray.jpg"));
  CHECK_EQ_STR(str(wait_answers(&f, 1), "type"), "system");
  send_text(&f, f.file, test_fixture("images/README.txt"));
  check_error_answer(wait_answers(&f, 2), "image_file_input", "README.txt");
  send_text(&f, f.question, "what is it?");
  const json_t *a = wait_answers(&f, 3);
  check_error_answer(a, "chat_with_image", "no image");
  CHECK_CONTAINS(str(a, "text"), "README.txt"); /* says which file was refused */
  char missing[600];
  snprintf(missing, sizeof missing, "%s", test_fixture("images/no-such-file.jpg"));
  send_text(&f, f.file, missing);
  check_error_answer(wait_answers(&f, 4), "image_file_input", "does not exist");
  /* Nothing of the refused files reached the server. */
  for (size_t k = 0; k < lms_emu_request_count(f.emu); k++) {
    char *s = lms_emu_request_json(f.emu, k);
    CHECK(s && !strstr(s, "/chat/completions"));
    free(s);
  }
  fx_fini(&f);
}

TEST(lm_topics_images_reliable_image_then_streamed_chat_with_image)
{
  fx f;
  const char *extra[] = {"stream:=true", NULL};
  fx_init(&f, extra);
  uint8_t rgb[8 * 8 * 3];
  memset(rgb, 90, sizeof rgb);
  sensor_msgs_msg_dds__Image_ m;
  memset(&m, 0, sizeof m);
  m.header.frame_id = "camera";
  m.height = m.width = 8;
  m.encoding = "rgb8";
  m.step = 8 * 3;
  m.data._buffer = rgb;
  m.data._length = m.data._maximum = sizeof rgb;
  ros_error e;
  CHECK(ros_publisher_publish(f.image, &m, &e) == ROS_OK);
  /* A reliable writer to a best-effort reader: delivered, but not acknowledged, so ask until
   * the node has it (its answer changes from "no image" to a chat_with_image). */
  const json_t *fin = NULL;
  for (int tries = 0; tries < 20 && !fin; tries++) {
    int before = f.n;
    send_text(&f, f.question, "describe [[tokens=5]]");
    int64_t end = clock_mono_ms() + 10000;
    bool final_seen = false;
    while (!final_seen && clock_mono_ms() < end) {
      lm_node_spin_once(f.node, 10);
      for (int i = before; i < f.n && !final_seen; i++)
        final_seen = !strstr(str(f.answers[i], "type"), "_stream");
    }
    CHECK(final_seen);
    const json_t *last = f.answers[f.n - 1];
    if (strcmp(str(last, "type"), "chat_with_image") == 0) fin = last;
  }
  CHECK_MSG(fin, "the image never arrived");
  CHECK_EQ_STR(str(fin, "text"), "w1 w2 w3 w4 w5");
  /* The stream pieces of that request, in order, make the final text. */
  json_int_t id = json_integer_value(json_object_get(fin, "request_id"));
  char joined[256] = "";
  int pieces = 0;
  for (int i = 0; i < f.n; i++) {
    const json_t *a = f.answers[i];
    if (json_integer_value(json_object_get(a, "request_id")) != id ||
        strcmp(str(a, "type"), "chat_with_image_stream") != 0)
      continue;
    CHECK_EQ_INT(json_integer_value(json_object_get(a, "seq")), pieces);
    pieces++;
    size_t used = strlen(joined);
    snprintf(joined + used, sizeof joined - used, "%s", str(a, "text"));
  }
  CHECK_EQ_INT(pieces, 5);
  CHECK_EQ_INT(json_integer_value(json_object_get(fin, "stream_chunks")), 5);
  CHECK_EQ_STR(joined, str(fin, "text"));
  fx_fini(&f);
}
