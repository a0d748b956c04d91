/* test_lm_node_more.c: more of lm_studio_node end to end (node and client share one context in
 * this process, real DDS on loopback, the LM Studio emulator in this process too): every raw
 * image encoding reaches the server with its colours, cancels at each stage of a goal, each
 * server fault the emulator scripts, and the current model's capabilities on /lm_studio_status. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/dynbuf.h"
#include "image/image_base64.h"
#include "image/image_codec.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"
#include "ros/ros_params.h"
#include "ros/ros_topic.h"
#include "lm_node_fixture.h"
#include "test_image_util.h"
#include "testing.h"

#define WAIT_NS 5000000000LL
#define CHAT_MODEL "qwen2-vl-2b-instruct" /* a vision model of the emulator */
#define SIDE 32                           /* four 16x16 quadrants */

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ chat_feedback;

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);

typedef struct fx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;
  ros_context *ctx;
  ros_node *cli;
  ros_action_client *chat;
  ros_publisher *raw;
} fx;

/* extra: more "-p name:=value" pairs (NULL-terminated). */
static void fx_init_cfg(fx *f, const char *const *extra, bool no_api_v0) {
  memset(f, 0, sizeof *f);
  lms_emu_config ec = {.keepalive_timeout_s = 1, .no_api_v0 = no_api_v0};
  f->emu = lms_emu_start(&ec);
  CHECK(f->emu);
  char url_arg[128];
  snprintf(url_arg, sizeof url_arg, "lm_studio_url:=http://127.0.0.1:%u", lms_emu_port(f->emu));
  const char *params[] = {url_arg, "model_name:=" CHAT_MODEL, NULL};
  lm_test_node_start(NULL, params, extra, "lm_more_client", &f->args, &f->node, &f->cli);
  f->ctx = lm_node_context(f->node);
  ros_error e;
  CHECK(ros_action_client_create(f->cli, "/chat_completion", &chat_type, NULL, &f->chat, &e) ==
        ROS_OK);
  CHECK(ros_publisher_create(f->cli, "/image_input", "sensor_msgs/msg/Image", &ros_qos_default,
                             &f->raw, &e) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(f->chat, WAIT_NS) == ROS_OK);
  lm_test_wait_publisher_matched(f->node, f->raw);
}

static void fx_init_ex(fx *f, const char *const *extra) { fx_init_cfg(f, extra, false); }

static void fx_fini(fx *f) {
  ros_publisher_destroy(f->raw);
  ros_action_client_destroy(f->chat);
  lm_test_node_stop(&f->args, f->node, f->cli);
  lms_emu_stop(f->emu);
}

/* ---- goals ---- */


static void send_goal(fx *f, goal_rec *r, const char *prompt, const char *image, bool stream,
                      bool progress) {
  goal_rec_init(r);
  chat_goal g = {(char *)prompt, "", (char *)image, 0, 0.0f, 0, true, stream, progress};
  ros_error e;
  CHECK_MSG(ros_action_client_send_goal(f->chat, &g, &goal_rec_callbacks, r, &r->id, &e) == ROS_OK, "%s",
            e.message);
}

static void wait_done(fx *f, goal_rec *r, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (!r->done && clock_mono_ms() < end) lm_node_spin_once(f->node, 10);
  CHECK_MSG(r->done, "goal did not end within %d ms", ms);
  CHECK_EQ_INT(r->st, ROS_OK);
  CHECK(r->response);
}


static void expect_success(fx *f, const char *prompt, const char *want) {
  goal_rec r;
  send_goal(f, &r, prompt, "", false, false);
  wait_done(f, &r, 10000);
  CHECK_MSG(r.status == ROS_GOAL_STATUS_SUCCEEDED, "status %s: %s",
            ros_goal_status_name(r.status), r.response);
  CHECK(r.success);
  CHECK_EQ_STR(r.response, want);
  goal_rec_fini(&r);
}

/* ---- 1. every raw encoding ---- */

static const uint8_t quad[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
static const uint8_t grey[4] = {30, 100, 170, 230};

static int quadrant(int x, int y) { return (y >= SIDE / 2) * 2 + (x >= SIDE / 2); }

/* Publishes the test picture (the quadrant colours, or for mono the grey levels) in enc, each
 * row padded with pad bytes of garbage that must not show. */
static void publish_image(fx *f, const char *enc, bool big, uint32_t pad) {
  bool mono = strncmp(enc, "mono", 4) == 0;
  uint8_t rgb[SIDE * SIDE * 3];
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++) {
      uint8_t *p = rgb + (y * SIDE + x) * 3;
      int q = quadrant(x, y);
      if (mono) memset(p, grey[q], 3); /* timg_make_raw takes mono levels from green */
      else memcpy(p, quad[q], 3);
    }
  uint32_t step;
  size_t len;
  uint8_t *data = timg_make_raw(enc, rgb, SIDE, SIDE, pad, big, &step, &len);
  sensor_msgs_msg_dds__Image_ m;
  memset(&m, 0, sizeof m);
  m.header.frame_id = "camera";
  m.height = m.width = SIDE;
  m.encoding = (char *)enc;
  m.is_bigendian = big;
  m.step = step;
  m.data._buffer = data;
  m.data._length = m.data._maximum = (uint32_t)len;
  ros_error e;
  CHECK_MSG(ros_publisher_publish(f->raw, &m, &e) == ROS_OK, "%s", e.message);
  lm_test_spin_for(f->node, 300);
  free(data);
}

/* The image in the user turn of the last chat request the emulator recorded, decoded. */
static void last_image(fx *f, image_pixels *px) {
  char *s = NULL;
  for (size_t i = lms_emu_request_count(f->emu); i-- > 0 && !s;) {
    s = lms_emu_request_json(f->emu, i);
    CHECK(s);
    if (!strstr(s, "\"/v1/chat/completions\"")) {
      free(s);
      s = NULL;
    }
  }
  CHECK_MSG(s, "no chat request recorded");
  json_t *j = json_loads(s, 0, NULL);
  CHECK(j);
  json_t *msgs = json_object_get(json_object_get(j, "body"), "messages");
  json_t *content = json_object_get(json_array_get(msgs, json_array_size(msgs) - 1), "content");
  const char *url = NULL;
  for (size_t i = 0; i < json_array_size(content); i++) {
    json_t *part = json_array_get(content, i);
    json_t *iu = json_object_get(json_object_get(part, "image_url"), "url");
    if (json_is_string(iu)) url = json_string_value(iu);
  }
  CHECK_MSG(url, "no image in the request");
  image_encoded enc;
  image_error ie;
  CHECK_MSG(image_data_uri_parse(url, strlen(url), &enc, &ie) == IMAGE_OK, "%s", ie.message);
  CHECK_EQ_STR(enc.mime, "image/jpeg");
  CHECK_MSG(image_decode(enc.data, enc.len, 0, px, &ie) == IMAGE_OK, "%s", ie.message);
  image_encoded_free(&enc);
  json_decref(j);
  free(s);
}

static void check_quadrants(const image_pixels *px, bool mono, const char *what) {
  CHECK_EQ_INT(px->width, SIDE);
  CHECK_EQ_INT(px->height, SIDE);
  for (int q = 0; q < 4; q++) {
    uint32_t x = (q % 2) * SIDE / 2 + SIDE / 4, y = (q / 2) * SIDE / 2 + SIDE / 4;
    const uint8_t *p = px->data + ((size_t)y * px->width + x) * px->channels;
    for (unsigned k = 0; k < px->channels; k++) {
      int want = mono ? grey[q] : quad[q][k];
      CHECK_MSG(abs((int)p[k] - want) <= 40, "%s: quadrant %d channel %u is %u, want %d", what,
                q, k, p[k], want);
    }
  }
}

TEST(lm_node_more_every_raw_encoding_keeps_colours)
{
  const char *extra[] = {"jpeg_quality:=95", NULL};
  fx f;
  fx_init_ex(&f, extra);
  const struct {
    const char *enc;
    bool big;
    uint32_t pad;
  } cases[] = {{"rgb8", false, 0},        {"bgr8", false, 0},   {"rgba8", false, 0},
               {"bgra8", false, 0},       {"mono8", false, 0},  {"mono16", false, 0},
               {"mono16", true, 0},       {"yuv422", false, 0}, {"yuv422_yuy2", false, 0},
               {"rgb8", false, 7},        {"mono16", true, 5},  {"yuv422", false, 12}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char what[64];
    snprintf(what, sizeof what, "%s big=%d pad=%u", cases[i].enc, cases[i].big, cases[i].pad);
    publish_image(&f, cases[i].enc, cases[i].big, cases[i].pad);
    goal_rec r;
    send_goal(&f, &r, "colours?", "latest", false, false);
    wait_done(&f, &r, 10000);
    CHECK_MSG(r.status == ROS_GOAL_STATUS_SUCCEEDED, "%s: %s", what, r.response);
    CHECK_EQ_STR(r.response, "You said: colours? [images: 1]");
    goal_rec_fini(&r);
    image_pixels px;
    last_image(&f, &px);
    bool mono = strncmp(cases[i].enc, "mono", 4) == 0;
    if (!mono) CHECK_EQ_INT(px.channels, 3);
    check_quadrants(&px, mono, what);
    image_pixels_free(&px);
  }
  fx_fini(&f);
}

/* ---- 2. cancels ---- */

/* Server-side TCP sockets of the emulator still open (ESTABLISHED or CLOSE_WAIT). */
static int emu_open_sockets(fx *f, int *close_wait) {
  FILE *fp = fopen("/proc/net/tcp", "r");
  CHECK(fp);
  char line[512];
  int n = 0;
  *close_wait = 0;
  while (fgets(line, sizeof line, fp)) {
    unsigned lport = 0, st = 0;
    char *colon = strchr(line, ':');
    if (!colon || !(colon = strchr(colon + 1, ':'))) continue;
    if (sscanf(colon + 1, "%x %*s %x", &lport, &st) != 2) continue;
    if (lport != lms_emu_port(f->emu)) continue;
    if (st == 0x01 || st == 0x08) n++;
    if (st == 0x08) (*close_wait)++;
  }
  fclose(fp);
  return n;
}

/* The emulator noticed the client go: its sleeping/endless answer ended and its socket closed
 * (idle keep-alive connections close after 1 s too). */
static void expect_emulator_let_go(fx *f) {
  int64_t end = clock_mono_ms() + 4000;
  int open = 0, cw = 0;
  while ((open = emu_open_sockets(f, &cw)) > 0 && clock_mono_ms() < end) lm_test_spin_for(f->node, 50);
  CHECK_MSG(open == 0, "%d emulator connections still open (%d in CLOSE_WAIT)", open, cw);
}

typedef struct cancel_rec {
  bool done;
  ros_status st;
  int code;
} cancel_rec;

static void on_cancel_reply(void *user, ros_status st, int return_code,
                            const ros_goal_info *canceling, size_t n) {
  cancel_rec *c = user;
  c->done = true;
  c->st = st;
  c->code = return_code;
}

static void cancel_and_wait(fx *f, goal_rec *r, cancel_rec *c) {
  memset(c, 0, sizeof *c);
  ros_error e;
  CHECK(ros_action_client_cancel_goal(f->chat, &r->id, on_cancel_reply, c, &e) == ROS_OK);
  int64_t end = clock_mono_ms() + 5000;
  while (!c->done && clock_mono_ms() < end) lm_node_spin_once(f->node, 10);
  CHECK(c->done);
  CHECK_EQ_INT(c->st, ROS_OK);
}

/* action_result_timeout: a finished goal is known (cancel says "terminated") until its result
 * expires, then forgotten (cancel says "unknown goal"), as rcl_action's result_timeout. */
TEST(lm_node_more_results_expire_after_action_result_timeout)
{
  fx f;
  const char *extra[] = {"action_result_timeout:=1.0", NULL};
  fx_init_ex(&f, extra);
  goal_rec r;
  send_goal(&f, &r, "short answer", "", false, false);
  wait_done(&f, &r, 10000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_SUCCEEDED);
  cancel_rec c;
  cancel_and_wait(&f, &r, &c);
  CHECK_EQ_INT(c.code, ROS_CANCEL_GOAL_TERMINATED);
  int64_t end = clock_mono_ms() + 10000; /* expiry is checked every result_timeout / 4 */
  do {
    lm_test_spin_for(f.node, 250);
    cancel_and_wait(&f, &r, &c);
  } while (c.code != ROS_CANCEL_UNKNOWN_GOAL_ID && clock_mono_ms() < end);
  CHECK_EQ_INT(c.code, ROS_CANCEL_UNKNOWN_GOAL_ID);
  goal_rec_fini(&r);
  fx_fini(&f);
}

static void expect_canceled(fx *f, goal_rec *r, const char *sofar) {
  int cw = 0;
  CHECK(emu_open_sockets(f, &cw) >= 1); /* the goal's connection, seen from the emulator */
  CHECK_EQ_INT(cw, 0);
  cancel_rec c;
  int64_t t0 = clock_mono_ms();
  cancel_and_wait(f, r, &c);
  CHECK_EQ_INT(c.code, ROS_CANCEL_NONE);
  wait_done(f, r, 3000);
  CHECK(clock_mono_ms() - t0 < 1500);
  CHECK_MSG(r->status == ROS_GOAL_STATUS_CANCELED, "status %s: %s",
            ros_goal_status_name(r->status), r->response);
  CHECK(!r->success);
  /* sofar NULL: the text streamed as feedback, read after the end (more may come meanwhile) */
  CHECK_EQ_STR(r->response, sofar ? sofar : r->feedback.data ? r->feedback.data : "");
  CHECK_EQ_INT(lm_node_history_messages(f->node), 0);
  CHECK_EQ_INT(lm_node_active_goals(f->node), 0);
  expect_emulator_let_go(f);
}

static void wait_feedback(fx *f, goal_rec *r, int n) {
  int64_t end = clock_mono_ms() + 5000;
  while (r->n_feedback < n && !r->done && clock_mono_ms() < end) lm_node_spin_once(f->node, 10);
  CHECK_MSG(r->n_feedback >= n && !r->done, "%d feedback messages", r->n_feedback);
}

TEST(lm_node_more_cancel_at_each_stage)
{
  const char *extra[] = {"status_period:=3600.0", NULL}; /* no probes in between */
  fx f;
  fx_init_ex(&f, extra);
  goal_rec r;
  /* Before the first byte: nothing so far. */
  send_goal(&f, &r, "wait [[delay_first_ms=2000]]", "", true, false);
  lm_test_spin_for(f.node, 400);
  CHECK(!r.done);
  expect_canceled(&f, &r, "");
  CHECK_EQ_INT(r.n_feedback, 0);
  goal_rec_fini(&r);
  /* During a stream that would never end: the text streamed so far. */
  send_goal(&f, &r, "go on [[fault=endless interval_ms=20]]", "", true, false);
  wait_feedback(&f, &r, 3);
  lm_test_spin_for(f.node, 60);
  expect_canceled(&f, &r, NULL);
  CHECK(r.feedback.len > 0);
  goal_rec_fini(&r);
  /* During a progress_feedback goal whose answer never comes. */
  send_goal(&f, &r, "think [[fault=endless]]", "", false, true);
  wait_feedback(&f, &r, 1);
  expect_canceled(&f, &r, "");
  goal_rec_fini(&r);
  /* An already finished goal: GOAL_TERMINATED, and its exchange stays in the history. */
  send_goal(&f, &r, "done already", "", false, false);
  wait_done(&f, &r, 5000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_SUCCEEDED);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  cancel_rec c;
  cancel_and_wait(&f, &r, &c);
  CHECK_EQ_INT(c.code, ROS_CANCEL_GOAL_TERMINATED);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  goal_rec_fini(&r);
  expect_success(&f, "still here", "You said: still here");
  fx_fini(&f);
}

/* ---- 3. server faults ---- */

TEST(lm_node_more_server_faults_abort_then_recover)
{
  fx f;
  fx_init_ex(&f, NULL);
  const struct {
    const char *prompt;
    bool stream;
    const char *needle;
  } cases[] = {
      {"x [[status=500]]", false, "HTTP 500"},
      {"x [[status=503 body=string]]", false, "HTTP 503"},
      {"x [[status=502 body=html]]", false, "HTTP 502"},
      {"x [[fault=non_json]]", false, "not valid JSON"},
      {"x [[fault=no_choices]]", false, "no choices"},
      {"one two three four [[fault=error_in_stream after=2]]", true, "Compute error"},
      {"one two three four [[fault=truncated]]", true, "LLM_ERR_TRUNCATED"},
      {"x [[fault=huge mb=80]]", false, "LLM_ERR_TOO_LARGE"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t history = lm_node_history_messages(f.node);
    goal_rec r;
    send_goal(&f, &r, cases[i].prompt, "", cases[i].stream, false);
    wait_done(&f, &r, 20000);
    CHECK_MSG(r.status == ROS_GOAL_STATUS_ABORTED, "%s: status %s: %s", cases[i].prompt,
              ros_goal_status_name(r.status), r.response);
    CHECK(!r.success);
    CHECK_MSG(strstr(r.response, cases[i].needle), "%s: %s", cases[i].prompt, r.response);
    CHECK_CONTAINS(r.response, "LM Studio request failed");
    CHECK_CONTAINS(r.response, CHAT_MODEL);
    goal_rec_fini(&r);
    CHECK_EQ_INT(lm_node_history_messages(f.node), history);
    CHECK_EQ_INT(lm_node_active_goals(f.node), 0);
    expect_success(&f, "next one", "You said: next one");
  }
  fx_fini(&f);
}

/* ---- 4. the model's type and capabilities on /lm_studio_status ---- */

typedef struct status_rec {
  const char *want_model; /* a status about this model with a model_type set (or not) */
  bool want_type, seen;
  char last[2048];
} status_rec;

static void on_status(void *user, const void *msg, const ros_message_info *info) {
  status_rec *r = user;
  const char *s = ((const std_msgs_msg_dds__String_ *)msg)->data;
  json_t *j = json_loads(s, 0, NULL);
  CHECK_MSG(j, "status is not JSON: %s", s);
  const char *model = json_string_value(json_object_get(j, "model"));
  bool typed = json_is_string(json_object_get(j, "model_type"));
  if (!r->seen && model && r->want_model && strcmp(model, r->want_model) == 0 &&
      typed == r->want_type) {
    r->seen = true;
    snprintf(r->last, sizeof r->last, "%s", s);
  }
  if (!r->seen) snprintf(r->last, sizeof r->last, "%s", s);
  json_decref(j);
}

/* Waits for a status about model (typed: with model_type) and returns it parsed. */
static json_t *wait_status(fx *f, status_rec *r, const char *model, bool typed) {
  r->want_model = model;
  r->want_type = typed;
  r->seen = false;
  int64_t end = clock_mono_ms() + 5000;
  while (!r->seen && clock_mono_ms() < end) lm_node_spin_once(f->node, 10);
  CHECK_MSG(r->seen, "no status for %s; last: %s", model, r->last);
  json_t *j = json_loads(r->last, 0, NULL);
  CHECK(j);
  CHECK(json_is_string(json_object_get(j, "url"))); /* the old fields stay */
  CHECK(json_is_integer(json_object_get(j, "active_goals")));
  CHECK(json_is_number(json_object_get(j, "latency_ms")));
  CHECK(json_is_boolean(json_object_get(j, "connected")));
  return j;
}

static void set_model_param(fx *f, const char *model) {
  ros_param_value v;
  ros_param_value_init(&v);
  CHECK(ros_param_value_set_string(&v, model) == ROS_PARAM_OK);
  ros_error e;
  CHECK_MSG(ros_params_set(lm_node_ros_node(f->node), "model_name", &v, &e) == ROS_OK, "%s",
            e.message);
  ros_param_value_fini(&v);
}

TEST(lm_node_more_status_reports_model_type_and_capabilities)
{
  const char *extra[] = {"status_period:=0.2", NULL};
  fx f;
  fx_init_ex(&f, extra);
  status_rec r = {0};
  ros_subscription *s;
  ros_error e;
  CHECK(ros_subscription_create(f.cli, "/lm_studio_status", "std_msgs/msg/String", NULL,
                                on_status, &r, &s, &e) == ROS_OK);
  /* The vision model, loaded. */
  json_t *j = wait_status(&f, &r, CHAT_MODEL, true);
  CHECK(json_is_true(json_object_get(j, "connected")));
  CHECK(json_is_true(json_object_get(j, "model_loaded")));
  CHECK_EQ_STR(json_string_value(json_object_get(j, "model_type")), "vlm");
  CHECK(json_is_true(json_object_get(j, "vision")));
  CHECK(json_is_true(json_object_get(j, "tool_use")));
  CHECK_EQ_STR(json_string_value(json_object_get(j, "model_state")), "loaded");
  CHECK_EQ_INT(json_integer_value(json_object_get(j, "loaded_context_length")), 4096);
  json_decref(j);
  /* A text model: no vision, no tools. */
  set_model_param(&f, "llama-3.2-1b-instruct");
  j = wait_status(&f, &r, "llama-3.2-1b-instruct", true);
  CHECK_EQ_STR(json_string_value(json_object_get(j, "model_type")), "llm");
  CHECK(json_is_false(json_object_get(j, "vision")));
  CHECK(json_is_false(json_object_get(j, "tool_use")));
  json_decref(j);
  /* A model the server does not list: nothing is claimed. */
  set_model_param(&f, "no-such-model");
  j = wait_status(&f, &r, "no-such-model", false);
  const char *keys[] = {"model_type", "vision", "tool_use", "model_state",
                        "loaded_context_length"};
  for (int i = 0; i < 5; i++)
    CHECK_MSG(json_is_null(json_object_get(j, keys[i])), "%s: %s", keys[i], r.last);
  json_decref(j);
  ros_subscription_destroy(s);
  fx_fini(&f);
}

TEST(lm_node_more_status_plain_openai_server_claims_nothing)
{
  const char *extra[] = {"status_period:=0.2", NULL};
  fx f;
  fx_init_cfg(&f, extra, true); /* /api/v0 unknown: the list has ids only */
  status_rec r = {0};
  ros_subscription *s;
  ros_error e;
  CHECK(ros_subscription_create(f.cli, "/lm_studio_status", "std_msgs/msg/String", NULL,
                                on_status, &r, &s, &e) == ROS_OK);
  lm_test_spin_for(f.node, 1000); /* several probes answered */
  json_t *j = wait_status(&f, &r, CHAT_MODEL, false);
  CHECK_MSG(json_is_true(json_object_get(j, "connected")), "%s", r.last);
  const char *keys[] = {"model_type", "vision", "tool_use", "model_state",
                        "loaded_context_length"};
  for (int i = 0; i < 5; i++)
    CHECK_MSG(json_is_null(json_object_get(j, keys[i])), "%s: %s", keys[i], r.last);
  json_decref(j);
  ros_subscription_destroy(s);
  fx_fini(&f);
}
