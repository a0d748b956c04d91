/* test_lm_node_images.c: chat goals with image_data, end to end: images published on
 * image_input (reliable and best-effort publishers), image_input/compressed and
 * image_file_input by a client node sharing the node's context, over real DDS on loopback,
 * against the LM Studio emulator in this process. The image the server received is read back
 * from the emulator's request log and decoded with the image module's decoder. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/clock.h"
#include "image/image_base64.h"
#include "image/image_codec.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"
#include "ros/ros_topic.h"
#include "lm_node_fixture.h"
#include "testing.h"

#define WAIT_NS 5000000000LL
#define CHAT_MODEL "qwen2-vl-2b-instruct" /* a vision model of the emulator */
#define SIDE 32 /* image side: four 16x16 quadrants, so JPEG chroma subsampling keeps colours */

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result;

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);

/* Quadrants: top-left red, top-right green, bottom-left blue, bottom-right white. */
static const uint8_t quad[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};

typedef struct fx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;
  ros_context *ctx;
  ros_node *cli;
  ros_action_client *chat;
  ros_publisher *raw_rel, *raw_be, *comp, *file;
  char dir[64], other[64];  /* an allowed directory and one that is not */
} fx;

/* extra: more "-p name:=value" pairs (NULL-terminated); "@DIR@" in them becomes f->dir. */
static void fx_init_ex(fx *f, const char *const *extra) {
  memset(f, 0, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/lm_img_ok_XXXXXX");
  snprintf(f->other, sizeof f->other, "/tmp/lm_img_no_XXXXXX");
  CHECK(mkdtemp(f->dir));
  CHECK(mkdtemp(f->other));
  lms_emu_config ec = {0};
  f->emu = lms_emu_start(&ec);
  CHECK(f->emu);
  char url_arg[128], dirs_arg[160];
  snprintf(url_arg, sizeof url_arg, "lm_studio_url:=http://127.0.0.1:%u", lms_emu_port(f->emu));
  snprintf(dirs_arg, sizeof dirs_arg, "image_allowed_dirs:=[%s]", f->dir);
  const char *params[] = {url_arg, "model_name:=" CHAT_MODEL, "status_period:=0.2", dirs_arg,
                          NULL};
  lm_test_node_start(NULL, params, extra, "lm_img_client", &f->args, &f->node, &f->cli);
  f->ctx = lm_node_context(f->node);
  ros_error e;
  CHECK(ros_action_client_create(f->cli, "/chat_completion", &chat_type, NULL, &f->chat, &e) ==
        ROS_OK);
  CHECK(ros_publisher_create(f->cli, "/image_input", "sensor_msgs/msg/Image", &ros_qos_default,
                             &f->raw_rel, &e) == ROS_OK);
  CHECK(ros_publisher_create(f->cli, "/image_input", "sensor_msgs/msg/Image",
                             &ros_qos_sensor_data, &f->raw_be, &e) == ROS_OK);
  CHECK(ros_publisher_create(f->cli, "/image_input/compressed", "sensor_msgs/msg/CompressedImage",
                             &ros_qos_sensor_data, &f->comp, &e) == ROS_OK);
  CHECK(ros_publisher_create(f->cli, "/image_file_input", "std_msgs/msg/String", &ros_qos_default,
                             &f->file, &e) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(f->chat, WAIT_NS) == ROS_OK);
  lm_test_wait_publisher_matched(f->node, f->raw_rel);
  lm_test_wait_publisher_matched(f->node, f->raw_be);
  lm_test_wait_publisher_matched(f->node, f->comp);
  lm_test_wait_publisher_matched(f->node, f->file);
}

static void fx_init(fx *f) { fx_init_ex(f, NULL); }

static void rm_dir(const char *dir) {
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

static void fx_fini(fx *f) {
  ros_publisher_destroy(f->raw_rel);
  ros_publisher_destroy(f->raw_be);
  ros_publisher_destroy(f->comp);
  ros_publisher_destroy(f->file);
  ros_action_client_destroy(f->chat);
  lm_test_node_stop(&f->args, f->node, f->cli);
  lms_emu_stop(f->emu);
  rm_dir(f->dir);
  rm_dir(f->other);
}

/* ---- images ---- */

/* The test picture in RGB. */
static void make_rgb(uint8_t *rgb) {
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      memcpy(rgb + (y * SIDE + x) * 3, quad[(y >= SIDE / 2) * 2 + (x >= SIDE / 2)], 3);
}

static void publish_raw(fx *f, ros_publisher *p, const char *enc) {
  uint8_t rgb[SIDE * SIDE * 3];
  make_rgb(rgb);
  if (strcmp(enc, "bgr8") == 0)
    for (int i = 0; i < SIDE * SIDE; i++) {
      uint8_t t = rgb[i * 3];
      rgb[i * 3] = rgb[i * 3 + 2];
      rgb[i * 3 + 2] = t;
    }
  sensor_msgs_msg_dds__Image_ m;
  memset(&m, 0, sizeof m);
  m.header.frame_id = "camera";
  m.height = m.width = SIDE;
  m.encoding = (char *)enc;
  m.step = SIDE * 3;
  m.data._buffer = rgb;
  m.data._length = m.data._maximum = sizeof rgb;
  ros_error e;
  CHECK_MSG(ros_publisher_publish(p, &m, &e) == ROS_OK, "%s", e.message);
  lm_test_spin_for(f->node, 300);
}

static uint8_t *make_png(size_t *len) {
  uint8_t rgb[SIDE * SIDE * 3];
  make_rgb(rgb);
  image_view v = {rgb, SIDE, SIDE, SIDE * 3, IMAGE_LAYOUT_RGB8};
  uint8_t *png = NULL;
  CHECK(image_png_encode(&v, &png, len, NULL) == IMAGE_OK);
  return png;
}

static void write_file(const char *path, const void *data, size_t len) {
  FILE *fp = fopen(path, "wb");
  CHECK(fp);
  CHECK(fwrite(data, 1, len, fp) == len);
  CHECK(fclose(fp) == 0);
}

/* ---- goals ---- */


/* Sends a chat goal and waits for its end; the caller frees r->response. */
static goal_rec run_goal_h(fx *f, const char *prompt, const char *image, bool use_history) {
  goal_rec r;
  goal_rec_init(&r);
  chat_goal g = {(char *)prompt, "", (char *)image, 0, 0.0f, 0, use_history, false, false};
  ros_goal_id id;
  ros_error e;
  CHECK_MSG(ros_action_client_send_goal(f->chat, &g, &goal_rec_callbacks, &r, &id, &e) == ROS_OK, "%s",
            e.message);
  int64_t end = clock_mono_ms() + 10000;
  while (!r.done && clock_mono_ms() < end) lm_node_spin_once(f->node, 10);
  CHECK_MSG(r.done, "goal did not end");
  CHECK_EQ_INT(r.st, ROS_OK);
  CHECK(r.response);
  return r;
}

static goal_rec run_goal(fx *f, const char *prompt, const char *image) {
  return run_goal_h(f, prompt, image, false);
}

static void expect_success(goal_rec *r, const char *prompt) {
  CHECK_MSG(r->status == ROS_GOAL_STATUS_SUCCEEDED, "status %s: %s",
            ros_goal_status_name(r->status), r->response);
  CHECK(r->success);
  char want[256];
  snprintf(want, sizeof want, "You said: %s [images: 1]", prompt);
  CHECK_EQ_STR(r->response, want);
  free(r->response);
}

static void expect_abort(fx *f, goal_rec *r, const char *needle) {
  CHECK_MSG(r->status == ROS_GOAL_STATUS_ABORTED, "status %s: %s",
            ros_goal_status_name(r->status), r->response);
  CHECK(!r->success);
  CHECK_CONTAINS(r->response, needle);
  free(r->response);
}

static size_t chat_requests(fx *f) {
  size_t n = 0;
  for (size_t i = 0; i < lms_emu_request_count(f->emu); i++) {
    char *s = lms_emu_request_json(f->emu, i);
    CHECK(s);
    if (strstr(s, "/chat/completions")) n++;
    free(s);
  }
  return n;
}

/* The last chat request the emulator recorded (health probes may come after it); caller frees. */
static char *last_chat_json(fx *f) {
  for (size_t i = lms_emu_request_count(f->emu); i-- > 0;) {
    char *s = lms_emu_request_json(f->emu, i);
    CHECK(s);
    json_t *j = json_loads(s, 0, NULL);
    CHECK(j);
    const char *path = json_string_value(json_object_get(j, "path"));
    bool chat = path && strcmp(path, "/v1/chat/completions") == 0;
    json_decref(j);
    if (chat) return s;
    free(s);
  }
  CHECK_MSG(false, "no chat request recorded");
  return NULL;
}

/* The image (data URI) in the user turn of the last chat request, decoded into *out; the
 * prompt text must be there too. Returns the parsed data URI (free with image_encoded_free). */
static image_encoded last_image(fx *f, const char *prompt) {
  char *s = last_chat_json(f);
  json_t *j = json_loads(s, 0, NULL);
  CHECK(j);
  json_t *msgs = json_object_get(json_object_get(j, "body"), "messages");
  CHECK(json_is_array(msgs) && json_array_size(msgs) >= 1);
  json_t *user = json_array_get(msgs, json_array_size(msgs) - 1);
  CHECK_EQ_STR(json_string_value(json_object_get(user, "role")), "user");
  json_t *content = json_object_get(user, "content");
  CHECK(json_is_array(content));
  const char *url = NULL, *text = NULL;
  size_t n_images = 0;
  for (size_t i = 0; i < json_array_size(content); i++) {
    json_t *part = json_array_get(content, i);
    const char *type = json_string_value(json_object_get(part, "type"));
    if (type && strcmp(type, "image_url") == 0) {
      url = json_string_value(json_object_get(json_object_get(part, "image_url"), "url"));
      n_images++;
    } else if (type && strcmp(type, "text") == 0) {
      text = json_string_value(json_object_get(part, "text"));
    }
  }
  CHECK_EQ_INT(n_images, 1);
  CHECK(url && text);
  CHECK_EQ_STR(text, prompt);
  image_encoded enc;
  image_error ie;
  CHECK_MSG(image_data_uri_parse(url, strlen(url), &enc, &ie) == IMAGE_OK, "%s", ie.message);
  json_decref(j);
  free(s);
  return enc;
}

static int diff(const uint8_t *p, const uint8_t *c) {
  int d = 0;
  for (int k = 0; k < 3; k++) {
    int x = abs((int)p[k] - (int)c[k]);
    if (x > d) d = x;
  }
  return d;
}

/* The quadrant colours survived (within JPEG error), red is still red (not swapped). */
static void check_colours(const image_encoded *enc, uint32_t side) {
  image_pixels px;
  image_error ie;
  CHECK_MSG(image_decode(enc->data, enc->len, 0, &px, &ie) == IMAGE_OK, "%s", ie.message);
  CHECK_EQ_INT(px.width, side);
  CHECK_EQ_INT(px.height, side);
  CHECK_EQ_INT(px.channels, 3);
  for (int q = 0; q < 4; q++) {
    uint32_t x = (q % 2) * side / 2 + side / 4, y = (q / 2) * side / 2 + side / 4;
    const uint8_t *p = px.data + ((size_t)y * px.width + x) * 3;
    CHECK_MSG(diff(p, quad[q]) <= 40, "quadrant %d is %u,%u,%u, want %u,%u,%u", q, p[0], p[1],
              p[2], quad[q][0], quad[q][1], quad[q][2]);
  }
  image_pixels_free(&px);
}

TEST(lm_node_images_raw_latest_reliable_and_best_effort)
{
  fx f;
  fx_init(&f);
  ros_publisher *pubs[2] = {f.raw_rel, f.raw_be};
  const char *encs[2] = {"rgb8", "bgr8"};
  for (int p = 0; p < 2; p++)
    for (int k = 0; k < 2; k++) {
      lms_emu_clear_requests(f.emu);
      publish_raw(&f, pubs[p], encs[k]);
      goal_rec r = run_goal(&f, "what colours?", "latest");
      expect_success(&r, "what colours?");
      image_encoded enc = last_image(&f, "what colours?");
      CHECK_EQ_STR(enc.mime, "image/jpeg");
      check_colours(&enc, SIDE);
      image_encoded_free(&enc);
    }
  /* Images are not replayed from history: the next turn carries the earlier prompt as text. */
  goal_rec r = run_goal_h(&f, "remember this", "latest", true);
  expect_success(&r, "remember this");
  r = run_goal_h(&f, "and now?", "", true);
  CHECK_MSG(r.status == ROS_GOAL_STATUS_SUCCEEDED, "%s", r.response);
  CHECK_EQ_STR(r.response, "You said: and now?");
  free(r.response);
  char *s = last_chat_json(&f);
  CHECK(strstr(s, "remember this"));
  CHECK(!strstr(s, "image_url"));
  free(s);
  fx_fini(&f);
}

TEST(lm_node_images_downscaled_to_max_image_size)
{
  const char *extra[] = {"max_image_size:=16", "jpeg_quality:=95", NULL};
  fx f;
  fx_init_ex(&f, extra);
  publish_raw(&f, f.raw_be, "rgb8");
  goal_rec r = run_goal(&f, "small", "latest");
  expect_success(&r, "small");
  image_encoded enc = last_image(&f, "small");
  check_colours(&enc, 16);
  image_encoded_free(&enc);
  fx_fini(&f);
}

TEST(lm_node_images_compressed_png_passthrough)
{
  fx f;
  fx_init(&f);
  size_t len;
  uint8_t *png = make_png(&len);
  sensor_msgs_msg_dds__CompressedImage_ m;
  memset(&m, 0, sizeof m);
  m.header.frame_id = "camera";
  m.format = "rgb8; png compressed bgr8";
  m.data._buffer = png;
  m.data._length = m.data._maximum = (uint32_t)len;
  ros_error e;
  CHECK(ros_publisher_publish(f.comp, &m, &e) == ROS_OK);
  lm_test_spin_for(f.node, 300);
  goal_rec r = run_goal(&f, "a png", "latest");
  expect_success(&r, "a png");
  image_encoded enc = last_image(&f, "a png");
  CHECK_EQ_STR(enc.mime, "image/png");
  CHECK_EQ_INT(enc.len, len);
  CHECK(memcmp(enc.data, png, len) == 0);
  image_encoded_free(&enc);
  /* A newer raw frame replaces it as "latest". */
  publish_raw(&f, f.raw_be, "rgb8");
  r = run_goal(&f, "now raw", "latest");
  expect_success(&r, "now raw");
  enc = last_image(&f, "now raw");
  CHECK_EQ_STR(enc.mime, "image/jpeg");
  image_encoded_free(&enc);
  free(png);
  fx_fini(&f);
}

TEST(lm_node_images_file_paths_allowed_dirs_and_fifo)
{
  fx f;
  fx_init(&f);
  size_t len;
  uint8_t *png = make_png(&len);
  char ok[128], no[128], fifo[128];
  snprintf(ok, sizeof ok, "%s/pic.png", f.dir);
  snprintf(no, sizeof no, "%s/pic.png", f.other);
  snprintf(fifo, sizeof fifo, "%s/fifo.png", f.dir);
  write_file(ok, png, len);
  write_file(no, png, len);
  CHECK(mkfifo(fifo, 0600) == 0);
  /* A goal path inside image_allowed_dirs. */
  goal_rec r = run_goal(&f, "from file", ok);
  expect_success(&r, "from file");
  image_encoded enc = last_image(&f, "from file");
  CHECK_EQ_STR(enc.mime, "image/png");
  check_colours(&enc, SIDE);
  image_encoded_free(&enc);
  size_t before = chat_requests(&f);
  /* Outside: refused, naming the parameter; a FIFO does not block; relative: not understood. */
  r = run_goal(&f, "outside", no);
  expect_abort(&f, &r, "image_allowed_dirs");
  int64_t t0 = clock_mono_ms();
  r = run_goal(&f, "fifo", fifo);
  expect_abort(&f, &r, "refused");
  CHECK(clock_mono_ms() - t0 < 3000);
  r = run_goal(&f, "relative", "pic.png");
  expect_abort(&f, &r, "not understood");
  CHECK_EQ_INT(chat_requests(&f), before);
  /* image_file_input: loaded at arrival, then "latest". */
  std_msgs_msg_dds__String_ s = {ok};
  ros_error e;
  CHECK(ros_publisher_publish(f.file, &s, &e) == ROS_OK);
  lm_test_spin_for(f.node, 300);
  r = run_goal(&f, "via topic", "latest");
  expect_success(&r, "via topic");
  enc = last_image(&f, "via topic");
  CHECK_EQ_STR(enc.mime, "image/png");
  image_encoded_free(&enc);
  /* A refused path on the topic leaves no image: "latest" aborts and says why. */
  s.data = no;
  CHECK(ros_publisher_publish(f.file, &s, &e) == ROS_OK);
  lm_test_spin_for(f.node, 300);
  before = chat_requests(&f);
  r = run_goal(&f, "refused topic", "latest");
  expect_abort(&f, &r, "image_allowed_dirs");
  CHECK_EQ_INT(chat_requests(&f), before);
  free(png);
  fx_fini(&f);
}

TEST(lm_node_images_no_dirs_refuses_paths)
{
  const char *extra[] = {"image_allowed_dirs:=[]", NULL};
  fx f;
  fx_init_ex(&f, extra);
  size_t len;
  uint8_t *png = make_png(&len);
  char ok[128];
  snprintf(ok, sizeof ok, "%s/pic.png", f.dir);
  write_file(ok, png, len);
  goal_rec r = run_goal(&f, "nope", ok);
  expect_abort(&f, &r, "image_allowed_dirs is empty");
  CHECK_EQ_INT(chat_requests(&f), 0);
  free(png);
  fx_fini(&f);
}

TEST(lm_node_images_latest_none_and_bad_data_uri_abort)
{
  fx f;
  fx_init(&f);
  goal_rec r = run_goal(&f, "nothing yet", "latest");
  expect_abort(&f, &r, "no image received yet on image_input, image_input/compressed or "
                       "image_file_input");
  r = run_goal(&f, "bad uri", "data:image/png;base64,iVBORw0KGgo=");
  expect_abort(&f, &r, "data URI");
  r = run_goal(&f, "bad base64", "data:image/png;base64,!!!!");
  expect_abort(&f, &r, "data URI");
  r = run_goal(&f, "not an image", "data:text/plain;base64,aGVsbG8=");
  expect_abort(&f, &r, "data URI");
  r = run_goal(&f, "url", "http://example.com/cat.png");
  expect_abort(&f, &r, "not understood");
  CHECK_EQ_INT(chat_requests(&f), 0);
  /* A good data URI works and is sent as it came (a PNG within max_image_size). */
  size_t len;
  uint8_t *png = make_png(&len);
  char *uri = NULL;
  CHECK(image_data_uri_build(png, len, "image/png", &uri, NULL, NULL) == IMAGE_OK);
  r = run_goal(&f, "good uri", uri);
  expect_success(&r, "good uri");
  image_encoded enc = last_image(&f, "good uri");
  CHECK_EQ_INT(enc.len, len);
  CHECK(memcmp(enc.data, png, len) == 0);
  image_encoded_free(&enc);
  free(uri);
  free(png);
  fx_fini(&f);
}

TEST(lm_node_images_max_age)
{
  const char *extra[] = {"image_max_age:=1.0", NULL};
  fx f;
  fx_init_ex(&f, extra);
  publish_raw(&f, f.raw_rel, "rgb8");
  lm_test_spin_for(f.node, 1000);
  goal_rec r = run_goal(&f, "too old", "latest");
  expect_abort(&f, &r, "image_max_age");
  CHECK_EQ_INT(chat_requests(&f), 0);
  publish_raw(&f, f.raw_rel, "rgb8"); /* spins 300 ms: still fresh */
  r = run_goal(&f, "fresh", "latest");
  expect_success(&r, "fresh");
  fx_fini(&f);
}

TEST(lm_node_images_max_image_bytes)
{
  const char *extra[] = {"max_image_bytes:=40", NULL};
  fx f;
  fx_init_ex(&f, extra);
  size_t len;
  uint8_t *png = make_png(&len);
  CHECK(len > 40);
  char ok[128];
  snprintf(ok, sizeof ok, "%s/pic.png", f.dir);
  write_file(ok, png, len);
  goal_rec r = run_goal(&f, "big file", ok);
  expect_abort(&f, &r, "max_image_bytes");
  sensor_msgs_msg_dds__CompressedImage_ m;
  memset(&m, 0, sizeof m);
  m.format = "png";
  m.data._buffer = png;
  m.data._length = m.data._maximum = (uint32_t)len;
  ros_error e;
  CHECK(ros_publisher_publish(f.comp, &m, &e) == ROS_OK);
  lm_test_spin_for(f.node, 300);
  r = run_goal(&f, "big message", "latest");
  expect_abort(&f, &r, "more than max_image_bytes");
  char *uri = NULL;
  CHECK(image_data_uri_build(png, len, "image/png", &uri, NULL, NULL) == IMAGE_OK);
  r = run_goal(&f, "big data uri", uri);
  expect_abort(&f, &r, "more than max_image_bytes (40)");
  free(uri);
  CHECK_EQ_INT(chat_requests(&f), 0);
  free(png);
  fx_fini(&f);
}

/* No recorded request holds needle (as text or base64 of it): nothing of a refused file
 * reached the LLM server. */
static void expect_never_sent(fx *f, const char *needle) {
  char *b64 = NULL;
  size_t b64_len = 0;
  CHECK(image_base64_encode((const uint8_t *)needle, strlen(needle), &b64, &b64_len, NULL) == IMAGE_OK);
  b64[b64_len > 8 ? b64_len - 4 : b64_len] = '\0'; /* the padding depends on what follows */
  for (size_t i = 0; i < lms_emu_request_count(f->emu); i++) {
    char *s = lms_emu_request_json(f->emu, i);
    CHECK(s);
    CHECK_MSG(!strstr(s, needle) && !strstr(s, b64), "request %zu carries a refused file's bytes", i);
    free(s);
  }
  free(b64);
}

TEST(lm_node_images_hostile_files_never_sent)
{
  const char *extra[] = {"max_image_bytes:=100000", NULL};
  fx f;
  fx_init_ex(&f, extra);
  static const char marker[] = "HOSTILE-NOT-AN-IMAGE-0123456789abcdef";
  char p[16][160];
  int n = 0;
  snprintf(p[n], sizeof p[n], "%s/text.jpg", f.dir); /* text named like an image */
  write_file(p[n++], marker, sizeof marker - 1);
  snprintf(p[n], sizeof p[n], "%s/outside.png", f.other); /* a real image, but not allowed */
  size_t len;
  uint8_t *png = make_png(&len);
  write_file(p[n++], png, len);
  snprintf(p[n], sizeof p[n], "%s/../%s/outside.png", f.dir, f.other + 5); /* '..' out */
  n++;
  snprintf(p[n], sizeof p[n], "%s/link.png", f.dir); /* a symlink out */
  CHECK(symlink(p[1], p[n++]) == 0);
  snprintf(p[n], sizeof p[n], "%s/environ.jpg", f.dir); /* into /proc: the node's own secrets */
  CHECK(symlink("/proc/self/environ", p[n++]) == 0);
  snprintf(p[n], sizeof p[n], "%s/zero.jpg", f.dir); /* a device */
  CHECK(symlink("/dev/zero", p[n++]) == 0);
  snprintf(p[n], sizeof p[n], "%s/fifo.jpg", f.dir);
  CHECK(mkfifo(p[n++], 0600) == 0);
  snprintf(p[n], sizeof p[n], "%s/dir.jpg", f.dir);
  CHECK(mkdir(p[n++], 0700) == 0);
  snprintf(p[n], sizeof p[n], "%s/big.png", f.dir); /* over max_image_bytes, PNG magic first */
  {
    size_t big = 200000;
    uint8_t *b = calloc(big, 1);
    CHECK(b);
    memcpy(b, png, 16);
    memcpy(b + 16, marker, sizeof marker - 1);
    write_file(p[n++], b, big);
    free(b);
  }
  snprintf(p[n], sizeof p[n], "%s/cut.png", f.dir); /* a PNG signature, then text */
  {
    uint8_t b[128];
    memcpy(b, png, 8);
    memcpy(b + 8, marker, sizeof marker - 1);
    write_file(p[n++], b, 8 + sizeof marker - 1);
  }
  snprintf(p[n], sizeof p[n], "/proc/self/environ");
  n++;
  /* Every one refused, as a goal path and through image_file_input + "latest", before any
   * request: nothing is sent. */
  for (int i = 0; i < n; i++) {
    goal_rec r = run_goal(&f, "hostile", p[i]);
    CHECK_MSG(r.status == ROS_GOAL_STATUS_ABORTED, "%s: %s", p[i], r.response);
    free(r.response);
    std_msgs_msg_dds__String_ s = {p[i]};
    ros_error e;
    CHECK(ros_publisher_publish(f.file, &s, &e) == ROS_OK);
    lm_test_spin_for(f.node, 200);
    r = run_goal(&f, "hostile latest", "latest");
    CHECK_MSG(r.status == ROS_GOAL_STATUS_ABORTED, "latest after %s: %s", p[i], r.response);
    free(r.response);
  }
  CHECK_EQ_INT(chat_requests(&f), 0);
  /* A good file then goes through, and still nothing of the refused ones was sent. */
  char ok[160];
  snprintf(ok, sizeof ok, "%s/ok.png", f.dir);
  write_file(ok, png, len);
  goal_rec r = run_goal(&f, "good", ok);
  expect_success(&r, "good");
  image_encoded enc = last_image(&f, "good");
  image_info info;
  CHECK(image_probe(enc.data, enc.len, &info, NULL) == IMAGE_OK);
  image_encoded_free(&enc);
  expect_never_sent(&f, marker);
  expect_never_sent(&f, "CYCLONEDDS_URI="); /* from /proc/self/environ */
  free(png);
  fx_fini(&f);
}
