/* test_lm_node.c: lm_studio_node end to end: the node and a client node share one context in
 * this process (one loop thread: lm_node_spin_once runs both), over real DDS on loopback,
 * against the LM Studio emulator running in this process too. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/dynbuf.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"
#include "ros/ros_client.h"
#include "ros/ros_params.h"
#include "ros/ros_topic.h"
#include "lm_node_fixture.h"
#include "testing.h"

#define WAIT_NS 5000000000LL
#define CHAT_MODEL "llama-3.2-1b-instruct"

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__TextCompletion_Goal_ text_goal;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ chat_feedback;

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
static const ros_action_type text_type = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);

typedef struct fx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;
  ros_context *ctx;
  ros_node *cli;
  ros_action_client *chat, *text;
  ros_subscription *responses;
  int n_responses;
  char last_response[4096];
} fx;

static void on_response_msg(void *user, const void *msg, const ros_message_info *info) {
  fx *f = user;
  const std_msgs_msg_dds__String_ *s = msg;
  f->n_responses++;
  snprintf(f->last_response, sizeof f->last_response, "%s", s->data);
}

/* url NULL: the emulator's; extra: more "-p name:=value" pairs (NULL-terminated). */
static void fx_init_ex(fx *f, const char *url, const char *api_key, const char *const *extra) {
  memset(f, 0, sizeof *f);
  lms_emu_config ec = {.api_key = api_key};
  f->emu = lms_emu_start(&ec);
  CHECK(f->emu);
  char url_arg[128], key_arg[128];
  lm_test_url_param(url_arg, sizeof url_arg, url, lms_emu_port(f->emu));
  snprintf(key_arg, sizeof key_arg, "api_key:=%s", api_key ? api_key : "''");
  const char *params[] = {url_arg, key_arg, "model_name:=" CHAT_MODEL, "status_period:=0.2",
                          NULL};
  lm_test_node_start(NULL, params, extra, "lm_test_client", &f->args, &f->node, &f->cli);
  f->ctx = lm_node_context(f->node);
  ros_error e;
  CHECK(ros_action_client_create(f->cli, "/chat_completion", &chat_type, NULL, &f->chat, &e) ==
        ROS_OK);
  CHECK(ros_action_client_create(f->cli, "/text_completion", &text_type, NULL, &f->text, &e) ==
        ROS_OK);
  CHECK(ros_subscription_create(f->cli, "/lm_text_response", "std_msgs/msg/String", NULL,
                                on_response_msg, f, &f->responses, &e) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(f->chat, WAIT_NS) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(f->text, WAIT_NS) == ROS_OK);
}

static void fx_init(fx *f) { fx_init_ex(f, NULL, NULL, NULL); }

static void fx_fini(fx *f) {
  ros_action_client_destroy(f->chat);
  ros_action_client_destroy(f->text);
  ros_subscription_destroy(f->responses);
  lm_test_node_stop(&f->args, f->node, f->cli);
  lms_emu_stop(f->emu);
}

/* ---- goals ---- */


typedef struct goal_args {
  const char *prompt, *model, *image;
  int max_tokens, timeout;
  float temperature;
  bool use_history, stream, progress;
} goal_args;

static void send_chat(fx *f, goal_rec *r, goal_args a) {
  chat_goal g = {(char *)a.prompt, (char *)(a.model ? a.model : ""),
                 (char *)(a.image ? a.image : ""), a.max_tokens, a.temperature, a.timeout,
                 a.use_history, a.stream, a.progress};
  ros_error e;
  CHECK_MSG(ros_action_client_send_goal(f->chat, &g, &goal_rec_callbacks, r, &r->id, &e) == ROS_OK, "%s",
            e.message);
}

static void send_text(fx *f, goal_rec *r, goal_args a) {
  text_goal g = {(char *)a.prompt, (char *)(a.model ? a.model : ""), a.max_tokens, a.temperature,
                 a.timeout, a.stream, a.progress};
  ros_error e;
  CHECK_MSG(ros_action_client_send_goal(f->text, &g, &goal_rec_callbacks, r, &r->id, &e) == ROS_OK, "%s",
            e.message);
}

static void wait_done(fx *f, goal_rec *r, int ms) {
  CHECK_MSG(lm_test_spin_until(f->node, &r->done, ms), "goal did not end within %d ms", ms);
  CHECK_EQ_INT(r->st, ROS_OK);
  CHECK(r->response);
}

static void check_success(goal_rec *r, const char *want) {
  CHECK_MSG(r->status == ROS_GOAL_STATUS_SUCCEEDED, "status %s: %s",
            ros_goal_status_name(r->status), r->response);
  CHECK(r->success);
  CHECK_EQ_STR(r->response, want);
}

/* Runs one goal in each mode (neither, stream, progress) on the chat or text action. */
static void run_modes(bool chat) {
  fx f;
  fx_init(&f);
  for (int mode = 0; mode < 3; mode++) {
    goal_rec r;
    goal_rec_init(&r);
    goal_args a = {.prompt = mode == 2 ? "slow thought [[delay_first_ms=1300]]" : "hello robot arm",
                   .stream = mode == 1, .progress = mode == 2};
    if (chat)
      send_chat(&f, &r, a);
    else
      send_text(&f, &r, a);
    wait_done(&f, &r, 10000);
    const char *want = chat ? (mode == 2 ? "You said: slow thought" : "You said: hello robot arm")
                            : (mode == 2 ? "slow thought ...continued"
                                         : "hello robot arm ...continued");
    check_success(&r, want);
    if (mode == 0) CHECK_EQ_INT(r.n_feedback, 0);
    if (mode == 1) {
      CHECK(r.n_feedback >= 3);
      CHECK_EQ_STR(r.feedback.data, r.response);
      CHECK_EQ_STR(r.last_status, "streaming");
      CHECK(r.progress_monotonic_capped);
    }
    if (mode == 2) {
      CHECK(r.n_feedback >= 1);
      CHECK_CONTAINS(r.last_status, "elapsed");
      CHECK(r.progress_monotonic_capped);
    }
    goal_rec_fini(&r);
    /* The answer went out on /lm_text_response with the original node's type for the mode. */
    static const char *const types[2][3] = {
        {"completion_action", "completion_action_stream", "completion_action_progress"},
        {"chat_action", "chat_action_stream", "chat_action_progress"}};
    int64_t end = clock_mono_ms() + 2000;
    while (f.n_responses < mode + 1 && clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
    CHECK_EQ_INT(f.n_responses, mode + 1);
    json_t *t = json_loads(f.last_response, 0, NULL);
    CHECK_EQ_STR(json_string_value(json_object_get(t, "type")), types[chat][mode]);
    json_decref(t);
  }
  /* Every exchange went out on /lm_text_response. */
  lm_test_spin_for(f.node, 200);
  CHECK_EQ_INT(f.n_responses, 3);
  json_t *j = json_loads(f.last_response, 0, NULL);
  CHECK(j);
  CHECK_EQ_STR(json_string_value(json_object_get(j, "model")), CHAT_MODEL);
  CHECK(json_is_string(json_object_get(j, "text")));
  CHECK(json_is_number(json_object_get(j, "timestamp")));
  CHECK(json_is_integer(json_object_get(j, "history_length")));
  json_decref(j);
  fx_fini(&f);
}

TEST(lm_node_chat_all_modes_succeed)
{
  run_modes(true);
}

TEST(lm_node_text_all_modes_succeed)
{
  run_modes(false);
}

TEST(lm_node_chat_cancel_during_stream)
{
  fx f;
  fx_init(&f);
  goal_rec r;
  goal_rec_init(&r);
  send_chat(&f, &r,
            (goal_args){.prompt = "go [[tokens=200 interval_ms=20]]", .stream = true,
                        .use_history = true, .max_tokens = 1000});
  int64_t end = clock_mono_ms() + 5000;
  while (r.n_feedback < 3 && clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
  CHECK(r.n_feedback >= 3);
  ros_error e;
  int64_t t0 = clock_mono_ms();
  CHECK(ros_action_client_cancel_goal(f.chat, &r.id, NULL, NULL, &e) == ROS_OK);
  wait_done(&f, &r, 3000);
  CHECK(clock_mono_ms() - t0 < 1500); /* not the 4 s the stream would take */
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_CANCELED);
  CHECK(!r.success);
  CHECK(strlen(r.response) > 0);
  CHECK(strncmp(r.response, "w1 w2", 5) == 0);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);
  CHECK_EQ_INT(lm_node_active_goals(f.node), 0);
  goal_rec_fini(&r);
  fx_fini(&f);
}

TEST(lm_node_chat_server_unreachable_aborts)
{
  fx f;
  fx_init_ex(&f, "http://127.0.0.1:1", NULL, NULL);
  goal_rec r;
  goal_rec_init(&r);
  send_chat(&f, &r, (goal_args){.prompt = "anyone there?"});
  wait_done(&f, &r, 8000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_ABORTED);
  CHECK(!r.success);
  CHECK_CONTAINS(r.response, "LLM_ERR_CONNECT_REFUSED");
  CHECK_CONTAINS(r.response, "http://127.0.0.1:1");
  CHECK_CONTAINS(r.response, "LM Studio is running");
  goal_rec_fini(&r);
  fx_fini(&f);
}

TEST(lm_node_chat_unknown_model_aborts)
{
  fx f;
  fx_init(&f);
  goal_rec r;
  goal_rec_init(&r);
  send_chat(&f, &r, (goal_args){.prompt = "hi", .model = "no-such-model"});
  wait_done(&f, &r, 5000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_ABORTED);
  CHECK(!r.success);
  CHECK_CONTAINS(r.response, "no-such-model");
  CHECK_CONTAINS(r.response, "list_models");
  goal_rec_fini(&r);
  fx_fini(&f);
}

TEST(lm_node_stream_server_dies_aborts)
{
  fx f;
  fx_init(&f);
  goal_rec r;
  goal_rec_init(&r);
  send_text(&f, &r, (goal_args){.prompt = "one two three four five six [[fault=drop_after after=3]]",
                                .stream = true});
  wait_done(&f, &r, 5000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_ABORTED);
  CHECK(!r.success);
  CHECK_CONTAINS(r.response, "LM Studio request failed");
  CHECK(r.n_feedback >= 1);
  goal_rec_fini(&r);
  fx_fini(&f);
}

/* Image references that cannot be resolved abort the goal, and the prompt never goes out
 * without its image (the original sent it anyway and reported success). */
TEST(lm_node_goal_with_unresolvable_image_aborts)
{
  fx f;
  fx_init(&f);
  const char *images[] = {"latest", "/tmp/cat.png", "data:image/png;base64,iVBORw0KGgo="};
  for (int i = 0; i < 3; i++) {
    goal_rec r;
    goal_rec_init(&r);
    send_chat(&f, &r, (goal_args){.prompt = "what is this?", .image = images[i]});
    wait_done(&f, &r, 5000);
    CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_ABORTED);
    CHECK(!r.success);
    const char *want[] = {"no image received yet", "image_allowed_dirs is empty", "data URI"};
    CHECK_CONTAINS(r.response, want[i]);
    goal_rec_fini(&r);
  }
  /* No chat request ever reached the server: the image was not silently dropped. */
  for (size_t i = 0; i < lms_emu_request_count(f.emu); i++) {
    char *s = lms_emu_request_json(f.emu, i);
    CHECK(s && !strstr(s, "/chat/completions"));
    free(s);
  }
  fx_fini(&f);
}

TEST(lm_node_64_concurrent_goals)
{
  fx f;
  fx_init(&f);
  enum { N = 64 };
  goal_rec *r = calloc(N, sizeof *r);
  char prompts[N][48];
  for (int i = 0; i < N; i++) {
    goal_rec_init(&r[i]);
    snprintf(prompts[i], sizeof prompts[i], "goal number %d [[interval_ms=5]]", i);
    goal_args a = {.prompt = prompts[i], .stream = i % 2 == 0};
    if (i % 4 < 2)
      send_chat(&f, &r[i], a);
    else
      send_text(&f, &r[i], a);
  }
  int64_t end = clock_mono_ms() + 20000;
  size_t peak = 0;
  for (;;) {
    int done = 0;
    for (int i = 0; i < N; i++) done += r[i].done;
    if (done == N || clock_mono_ms() > end) break;
    lm_node_spin_once(f.node, 10);
    if (lm_node_active_goals(f.node) > peak) peak = lm_node_active_goals(f.node);
  }
  for (int i = 0; i < N; i++) {
    CHECK_MSG(r[i].done, "goal %d not done", i);
    char want[64];
    snprintf(want, sizeof want, i % 4 < 2 ? "You said: goal number %d" : "goal number %d ...continued", i);
    check_success(&r[i], want);
    if (i % 2 == 0) CHECK_EQ_STR(r[i].feedback.data, want);
    goal_rec_fini(&r[i]);
  }
  CHECK_MSG(peak >= 16, "only %zu goals ran at once", peak);
  free(r);
  fx_fini(&f);
}

/* Number of messages in the i-th recorded request's body. */
static size_t recorded_messages(lms_emu *emu, size_t i, char *first_role, size_t size) {
  char *s = lms_emu_request_json(emu, i);
  CHECK(s);
  json_t *j = json_loads(s, 0, NULL);
  free(s);
  CHECK(j);
  json_t *m = json_object_get(json_object_get(j, "body"), "messages");
  size_t n = json_array_size(m);
  snprintf(first_role, size, "%s", json_string_value(json_object_get(json_array_get(m, 0), "role")));
  json_decref(j);
  return n;
}

TEST(lm_node_history_across_turns_and_trimming)
{
  const char *extra[] = {"max_history_length:=4", "system_prompt:=You are a robot.", NULL};
  fx f;
  fx_init_ex(&f, NULL, NULL, extra);
  lms_emu_clear_requests(f.emu);
  const char *turns[] = {"first", "second", "third"};
  for (int i = 0; i < 3; i++) {
    goal_rec r;
    goal_rec_init(&r);
    send_chat(&f, &r, (goal_args){.prompt = turns[i], .use_history = true});
    wait_done(&f, &r, 5000);
    check_success(&r, i == 0 ? "You said: first" : i == 1 ? "You said: second" : "You said: third");
    goal_rec_fini(&r);
  }
  /* Without use_history: neither sent nor kept. */
  goal_rec r;
  goal_rec_init(&r);
  send_chat(&f, &r, (goal_args){.prompt = "aside"});
  wait_done(&f, &r, 5000);
  goal_rec_fini(&r);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 4);
  /* Find the chat requests among the probes: system + 0, 2, 4 history + user; then system+user. */
  size_t want[] = {2, 4, 6, 2}, k = 0;
  for (size_t i = 0; i < lms_emu_request_count(f.emu) && k < 4; i++) {
    char *s = lms_emu_request_json(f.emu, i);
    bool chat = s && strstr(s, "/chat/completions");
    free(s);
    if (!chat) continue;
    char role[32];
    CHECK_EQ_INT(recorded_messages(f.emu, i, role, sizeof role), want[k]);
    CHECK_EQ_STR(role, "system");
    k++;
  }
  CHECK_EQ_INT(k, 4);
  /* The fourth turn with history: trimmed to the last 2 exchanges (first dropped). */
  goal_rec_init(&r);
  send_chat(&f, &r, (goal_args){.prompt = "fourth", .use_history = true});
  wait_done(&f, &r, 5000);
  goal_rec_fini(&r);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 4);
  fx_fini(&f);
}

static ros_param_value str_value(const char *s) {
  ros_param_value v;
  ros_param_value_init(&v);
  CHECK(ros_param_value_set_string(&v, s) == ROS_PARAM_OK);
  return v;
}

/* The model field of the last recorded generation request. */
static void last_request_field(lms_emu *emu, const char *field, char *out, size_t size) {
  out[0] = 0;
  for (size_t i = lms_emu_request_count(emu); i-- > 0;) {
    char *s = lms_emu_request_json(emu, i);
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    free(s);
    const char *path = json_string_value(json_object_get(j, "path"));
    if (path && strstr(path, "completions")) {
      json_t *v = json_object_get(json_object_get(j, "body"), field);
      if (json_is_string(v)) snprintf(out, size, "%s", json_string_value(v));
      if (json_is_number(v)) snprintf(out, size, "%g", json_number_value(v));
      json_decref(j);
      return;
    }
    json_decref(j);
  }
}

TEST(lm_node_params_runtime_change_applies)
{
  fx f;
  fx_init(&f);
  ros_node *rn = lm_node_ros_node(f.node);
  ros_error e;
  ros_param_value v = str_value("qwen2-vl-2b-instruct");
  CHECK(ros_params_set(rn, "model_name", &v, &e) == ROS_OK);
  ros_param_value_fini(&v);
  ros_param_value d;
  ros_param_value_init(&d);
  ros_param_value_set_double(&d, 0.25);
  CHECK(ros_params_set(rn, "temperature", &d, &e) == ROS_OK);
  ros_param_value_set_double(&d, 3.5);
  CHECK(ros_params_set(rn, "temperature", &d, &e) != ROS_OK); /* out of 0..2 */
  ros_param_value_set_integer(&d, 7);
  CHECK(ros_params_set(rn, "max_tokens", &d, &e) == ROS_OK);
  ros_param_value_fini(&d);
  v = str_value("http://elsewhere:1234");
  CHECK(ros_params_set(rn, "lm_studio_url", &v, &e) != ROS_OK); /* read-only */
  ros_param_value_fini(&v);
  goal_rec r;
  goal_rec_init(&r);
  send_chat(&f, &r, (goal_args){.prompt = "hi"});
  wait_done(&f, &r, 5000);
  check_success(&r, "You said: hi");
  goal_rec_fini(&r);
  char got[128];
  last_request_field(f.emu, "model", got, sizeof got);
  CHECK_EQ_STR(got, "qwen2-vl-2b-instruct");
  last_request_field(f.emu, "temperature", got, sizeof got);
  CHECK_EQ_STR(got, "0.25");
  last_request_field(f.emu, "max_tokens", got, sizeof got);
  CHECK_EQ_STR(got, "7");
  /* Goal fields override the parameters. */
  goal_rec_init(&r);
  send_chat(&f, &r, (goal_args){.prompt = "hi", .model = CHAT_MODEL, .temperature = 1.5f,
                                .max_tokens = 42});
  wait_done(&f, &r, 5000);
  goal_rec_fini(&r);
  last_request_field(f.emu, "model", got, sizeof got);
  CHECK_EQ_STR(got, CHAT_MODEL);
  last_request_field(f.emu, "temperature", got, sizeof got);
  CHECK_EQ_STR(got, "1.5");
  last_request_field(f.emu, "max_tokens", got, sizeof got);
  CHECK_EQ_STR(got, "42");
  fx_fini(&f);
}

/* ---- services ---- */

typedef struct call_rec {
  bool done;
  ros_status st;
  bool success;
  int count;           /* models / dimensions */
  char text[2048];     /* error_message / message, or the models joined by ',' */
} call_rec;

static void on_list_reply(void *user, ros_client *c, const void *response, ros_status st) {
  call_rec *r = user;
  r->done = true;
  r->st = st;
  const lm_studio_interfaces_srv_dds__ListModels_Response_ *p = response;
  if (!p) return;
  r->success = p->success;
  r->count = p->count;
  CHECK_EQ_INT(p->models._length, p->count);
  size_t k = 0;
  for (uint32_t i = 0; i < p->models._length; i++)
    k += (size_t)snprintf(r->text + k, sizeof r->text - k, "%s,", p->models._buffer[i]);
}

static void on_embed_reply(void *user, ros_client *c, const void *response, ros_status st) {
  call_rec *r = user;
  r->done = true;
  r->st = st;
  const lm_studio_interfaces_srv_dds__GetEmbeddings_Response_ *p = response;
  if (!p) return;
  r->success = p->success;
  r->count = p->dimensions;
  CHECK_EQ_INT(p->embeddings._length, p->dimensions);
  snprintf(r->text, sizeof r->text, "%s", p->error_message);
}

static void on_set_reply(void *user, ros_client *c, const void *response, ros_status st) {
  call_rec *r = user;
  r->done = true;
  r->st = st;
  const lm_studio_interfaces_srv_dds__SetModel_Response_ *p = response;
  if (!p) return;
  r->success = p->success;
  snprintf(r->text, sizeof r->text, "%s", p->message);
}

static void call(fx *f, ros_client *c, void *req, ros_response_fn fn, call_rec *r) {
  memset(r, 0, sizeof *r);
  ros_error e;
  CHECK_MSG(ros_client_call(c, req, fn, r, WAIT_NS, NULL, &e) == ROS_OK, "%s", e.message);
  CHECK(lm_test_spin_until(f->node, &r->done, 6000));
  CHECK_EQ_INT(r->st, ROS_OK);
}

static ros_client *client(fx *f, const char *name, const char *type) {
  ros_client *c;
  ros_error e;
  CHECK(ros_client_create(f->cli, name, type, NULL, &c, &e) == ROS_OK);
  CHECK(ros_client_wait_for_service(c, WAIT_NS) == ROS_OK);
  return c;
}

TEST(lm_node_services_answer)
{
  fx f;
  fx_init(&f);
  ros_client *list = client(&f, "/list_models", "lm_studio_interfaces/srv/ListModels");
  ros_client *embed = client(&f, "/get_embeddings", "lm_studio_interfaces/srv/GetEmbeddings");
  ros_client *set = client(&f, "/set_model", "lm_studio_interfaces/srv/SetModel");
  ros_client *reset = client(&f, "/reset_chat", "lm_studio_interfaces/srv/ResetChat");
  call_rec r;

  lm_studio_interfaces_srv_dds__ListModels_Request_ lq = {0};
  call(&f, list, &lq, on_list_reply, &r);
  CHECK(r.success);
  CHECK_EQ_INT(r.count, 4);
  CHECK_CONTAINS(r.text, CHAT_MODEL ",");

  lm_studio_interfaces_srv_dds__GetEmbeddings_Request_ eq = {0, 0, "a robot", "", 0};
  call(&f, embed, &eq, on_embed_reply, &r);
  CHECK_MSG(r.success, "%s", r.text);
  CHECK_EQ_INT(r.count, 768);
  eq.model = CHAT_MODEL; /* not an embedding model */
  call(&f, embed, &eq, on_embed_reply, &r);
  CHECK(!r.success);
  CHECK_CONTAINS(r.text, "LM Studio request failed");

  lm_studio_interfaces_srv_dds__SetModel_Request_ sq = {0, 0, "qwen2-vl-2b-instruct"};
  call(&f, set, &sq, on_set_reply, &r);
  CHECK_MSG(r.success, "%s", r.text);
  char model[128];
  CHECK(ros_params_get_string(lm_node_ros_node(f.node), "model_name", model, sizeof model) == ROS_OK);
  CHECK_EQ_STR(model, "qwen2-vl-2b-instruct");
  sq.model_name = "gpt-17";
  call(&f, set, &sq, on_set_reply, &r);
  CHECK(!r.success);
  CHECK_CONTAINS(r.text, "gpt-17");
  CHECK_CONTAINS(r.text, CHAT_MODEL);
  CHECK(ros_params_get_string(lm_node_ros_node(f.node), "model_name", model, sizeof model) == ROS_OK);
  CHECK_EQ_STR(model, "qwen2-vl-2b-instruct");

  /* reset_chat empties the history. */
  goal_rec g;
  goal_rec_init(&g);
  send_chat(&f, &g, (goal_args){.prompt = "remember me", .use_history = true});
  wait_done(&f, &g, 5000);
  goal_rec_fini(&g);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  lm_studio_interfaces_srv_dds__ResetChat_Request_ rq = {0};
  ros_error e;
  lm_studio_interfaces_srv_dds__ResetChat_Response_ rr = {0};
  memset(&r, 0, sizeof r);
  CHECK(ros_client_call(reset, &rq, on_set_reply, &r, WAIT_NS, NULL, &e) == ROS_OK);
  CHECK(lm_test_spin_until(f.node, &r.done, 5000));
  CHECK(r.success); /* ResetChat_Response has the same layout as SetModel_Response */
  (void)rr;
  CHECK_EQ_INT(lm_node_history_messages(f.node), 0);

  ros_client_destroy(list);
  ros_client_destroy(embed);
  ros_client_destroy(set);
  ros_client_destroy(reset);
  fx_fini(&f);
}

TEST(lm_node_services_server_unreachable)
{
  fx f;
  fx_init_ex(&f, "http://127.0.0.1:1", NULL, NULL);
  ros_client *list = client(&f, "/list_models", "lm_studio_interfaces/srv/ListModels");
  ros_client *set = client(&f, "/set_model", "lm_studio_interfaces/srv/SetModel");
  call_rec r;
  lm_studio_interfaces_srv_dds__ListModels_Request_ lq = {0};
  call(&f, list, &lq, on_list_reply, &r);
  CHECK(!r.success);
  CHECK_EQ_INT(r.count, 0);
  lm_studio_interfaces_srv_dds__SetModel_Request_ sq = {0, 0, "some-model"};
  call(&f, set, &sq, on_set_reply, &r);
  CHECK(r.success);
  CHECK_CONTAINS(r.text, "NOT verified");
  ros_client_destroy(list);
  ros_client_destroy(set);
  fx_fini(&f);
}

/* ---- the API key ---- */

static void on_get_params(void *user, ros_client *c, const void *response, ros_status st) {
  call_rec *r = user;
  r->done = true;
  r->st = st;
  const rcl_interfaces_srv_dds__GetParameters_Response_ *p = response;
  if (!p || p->values._length != 1) return;
  r->success = true;
  snprintf(r->text, sizeof r->text, "%s", p->values._buffer[0].string_value);
}

TEST(lm_node_api_key_never_shown)
{
  /* Capture the console (stdout and stderr) while the node runs. */
  char path[] = "/tmp/lm_node_logXXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  fflush(stdout);
  fflush(stderr);
  int saved_out = dup(1), saved_err = dup(2);
  dup2(fd, 1);
  dup2(fd, 2);
  fx f;
  const char *extra[] = {"model_name:=no-such-model", NULL};
  fx_init_ex(&f, NULL, "SECRET-KEY-4711", extra);
  goal_rec g;
  goal_rec_init(&g);
  send_chat(&f, &g, (goal_args){.prompt = "hi", .model = CHAT_MODEL});
  wait_done(&f, &g, 5000);
  check_success(&g, "You said: hi"); /* the emulator demands the key: it was sent */
  goal_rec_fini(&g);
  goal_rec_init(&g);
  send_chat(&f, &g, (goal_args){.prompt = "hi"}); /* fails: logs an error */
  wait_done(&f, &g, 5000);
  CHECK(!strstr(g.response, "SECRET-KEY-4711"));
  goal_rec_fini(&g);
  ros_client *gp = client(&f, "/lm_studio_node/get_parameters", "rcl_interfaces/srv/GetParameters");
  char *names[] = {"api_key"};
  rcl_interfaces_srv_dds__GetParameters_Request_ q = {0};
  q.names._buffer = names;
  q.names._length = q.names._maximum = 1;
  call_rec r;
  call(&f, gp, &q, on_get_params, &r);
  CHECK(r.success);
  CHECK_EQ_STR(r.text, ROS_PARAM_SECRET_PLACEHOLDER);
  ros_client_destroy(gp);
  fx_fini(&f);
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  close(fd);
  size_t len;
  char *log = test_read_file(path, &len);
  unlink(path);
  CHECK(strstr(log, "lm_studio_node")); /* the node did log */
  CHECK_MSG(!strstr(log, "SECRET-KEY-4711"), "the API key appeared in the logs");
  free(log);
}

/* ---- parameters through the parameter services ---- */

typedef struct set_rec {
  bool done, successful;
  char reason[512];
} set_rec;

static void on_set_params(void *user, ros_client *c, const void *response, ros_status st) {
  set_rec *r = user;
  r->done = true;
  const rcl_interfaces_srv_dds__SetParameters_Response_ *p = response;
  if (!p || p->results._length != 1) return;
  r->successful = p->results._buffer[0].successful;
  snprintf(r->reason, sizeof r->reason, "%s", p->results._buffer[0].reason);
}

static void set_remote(fx *f, ros_client *c, rcl_interfaces_msg_dds__Parameter_ *p, set_rec *r) {
  rcl_interfaces_srv_dds__SetParameters_Request_ q = {0};
  q.parameters._buffer = p;
  q.parameters._length = q.parameters._maximum = 1;
  memset(r, 0, sizeof *r);
  ros_error e;
  CHECK(ros_client_call(c, &q, on_set_params, r, WAIT_NS, NULL, &e) == ROS_OK);
  CHECK(lm_test_spin_until(f->node, &r->done, 5000));
}

TEST(lm_node_params_set_through_services)
{
  fx f;
  fx_init(&f);
  ros_client *sp = client(&f, "/lm_studio_node/set_parameters", "rcl_interfaces/srv/SetParameters");
  set_rec r;
  rcl_interfaces_msg_dds__Parameter_ p = {0};
  p.name = "model_name";
  p.value.type = ROS_PARAM_STRING;
  p.value.string_value = "";
  set_remote(&f, sp, &p, &r);
  CHECK(!r.successful);
  CHECK_CONTAINS(r.reason, "model_name");
  p.name = "temperature";
  p.value.type = ROS_PARAM_DOUBLE;
  p.value.double_value = 2.5;
  set_remote(&f, sp, &p, &r);
  CHECK(!r.successful);
  p.value.double_value = 0.125;
  set_remote(&f, sp, &p, &r);
  CHECK_MSG(r.successful, "%s", r.reason);
  p.name = "system_prompt";
  p.value.type = ROS_PARAM_STRING;
  p.value.string_value = "Be brief.";
  set_remote(&f, sp, &p, &r);
  CHECK(r.successful);
  p.name = "api_key";
  p.value.string_value = "new-key";
  set_remote(&f, sp, &p, &r);
  CHECK(!r.successful); /* read-only */
  goal_rec g;
  goal_rec_init(&g);
  send_chat(&f, &g, (goal_args){.prompt = "hi"});
  wait_done(&f, &g, 5000);
  check_success(&g, "You said: hi");
  goal_rec_fini(&g);
  char got[128];
  last_request_field(f.emu, "temperature", got, sizeof got);
  CHECK_EQ_STR(got, "0.125");
  bool seen = false; /* the last chat request (probes come in between) led with it */
  for (size_t i = lms_emu_request_count(f.emu); i-- > 0 && !seen;) {
    char *s = lms_emu_request_json(f.emu, i);
    if (s && strstr(s, "/chat/completions")) {
      CHECK_CONTAINS(s, "Be brief.");
      seen = true;
    }
    free(s);
  }
  CHECK(seen);
  ros_client_destroy(sp);
  fx_fini(&f);
}

TEST(lm_node_stream_feedback_rate_limited)
{
  const char *extra[] = {"feedback_max_rate:=5.0", NULL};
  fx f;
  fx_init_ex(&f, NULL, NULL, extra);
  goal_rec r;
  goal_rec_init(&r);
  send_text(&f, &r, (goal_args){.prompt = "x [[tokens=40 interval_ms=15]]", .stream = true});
  wait_done(&f, &r, 5000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_SUCCEEDED);
  /* 40 deltas over ~0.6 s at 5/s: a handful, far fewer than one per delta. */
  CHECK_MSG(r.n_feedback >= 2 && r.n_feedback <= 12, "%d feedback messages", r.n_feedback);
  CHECK_EQ_STR(r.feedback.data, r.response);
  goal_rec_fini(&r);
  fx_fini(&f);
}

/* ---- status ---- */

typedef struct status_rec {
  int n;
  char last[2048];
  bool connected_and_loaded, disconnected_with_error;
  int n_models;
  char models[4096];
} status_rec;

static void on_status_msg(void *user, const void *msg, const ros_message_info *info) {
  status_rec *r = user;
  const std_msgs_msg_dds__String_ *s = msg;
  r->n++;
  snprintf(r->last, sizeof r->last, "%s", s->data);
  json_t *j = json_loads(s->data, 0, NULL);
  CHECK_MSG(j, "status is not JSON: %s", s->data);
  bool connected = json_is_true(json_object_get(j, "connected"));
  if (connected && json_is_true(json_object_get(j, "model_loaded"))) r->connected_and_loaded = true;
  const char *err = json_string_value(json_object_get(j, "last_error"));
  if (!connected && json_is_true(json_object_get(j, "probed")) && err && err[0])
    r->disconnected_with_error = true;
  CHECK(json_is_string(json_object_get(j, "url")));
  CHECK(json_is_string(json_object_get(j, "model")));
  CHECK(json_is_integer(json_object_get(j, "active_goals")));
  CHECK(json_is_number(json_object_get(j, "latency_ms")));
  /* The original node's keys, for its listeners. */
  CHECK(json_is_integer(json_object_get(j, "chat_history_length")));
  CHECK(json_is_integer(json_object_get(j, "available_models")));
  CHECK(json_is_boolean(json_object_get(j, "health_status")));
  CHECK_EQ_INT(json_is_true(json_object_get(j, "health_status")), connected);
  json_decref(j);
}

static void on_models_msg(void *user, const void *msg, const ros_message_info *info) {
  status_rec *r = user;
  r->n_models++;
  snprintf(r->models, sizeof r->models, "%s", ((const std_msgs_msg_dds__String_ *)msg)->data);
}

TEST(lm_node_status_reports_health)
{
  fx f;
  fx_init(&f);
  status_rec r = {0};
  ros_subscription *s, *m;
  ros_error e;
  CHECK(ros_subscription_create(f.cli, "/lm_studio_status", "std_msgs/msg/String", NULL,
                                on_status_msg, &r, &s, &e) == ROS_OK);
  CHECK(ros_subscription_create(f.cli, "/available_models", "std_msgs/msg/String",
                                &ros_qos_action_status, on_models_msg, &r, &m, &e) == ROS_OK);
  CHECK_MSG(lm_test_spin_until(f.node, &r.connected_and_loaded, 3000), "last status: %s", r.last);
  lm_test_spin_for(f.node, 500);
  CHECK_EQ_INT(r.n_models, 1); /* latched, and sent again only on a change */
  json_t *models = json_loads(r.models, 0, NULL); /* the original's shape, plus details */
  CHECK(json_is_array(json_object_get(models, "models")));
  CHECK_EQ_INT(json_integer_value(json_object_get(models, "count")),
               json_array_size(json_object_get(models, "models")));
  CHECK_EQ_STR(json_string_value(json_object_get(models, "current_model")), CHAT_MODEL);
  CHECK_CONTAINS(r.models, "\"state\":\"loaded\"");
  json_decref(models);
  ros_subscription_destroy(s);
  ros_subscription_destroy(m);
  fx_fini(&f);
}

TEST(lm_node_status_reports_unreachable)
{
  fx f;
  fx_init_ex(&f, "http://127.0.0.1:1", NULL, NULL);
  status_rec r = {0};
  ros_subscription *s;
  ros_error e;
  CHECK(ros_subscription_create(f.cli, "/lm_studio_status", "std_msgs/msg/String", NULL,
                                on_status_msg, &r, &s, &e) == ROS_OK);
  CHECK_MSG(lm_test_spin_until(f.node, &r.disconnected_with_error, 3000), "last status: %s", r.last);
  CHECK_CONTAINS(r.last, "LLM_ERR_CONNECT_REFUSED");
  ros_subscription_destroy(s);
  fx_fini(&f);
}

/* ---- the executable ---- */

TEST(lm_node_main_exits_zero_on_sigint)
{
  lms_emu *emu = lms_emu_start(NULL);
  CHECK(emu);
  char url[96];
  snprintf(url, sizeof url, "lm_studio_url:=http://127.0.0.1:%u", lms_emu_port(emu));
  const char *argv[] = {"lm_studio_node", "--ros-args", "-p", url, "--log-level", "warn", NULL};
  pid_t pid = lm_test_spawn(LMS_NODE_EXE, argv);
  /* Wait until the node is seen (its status topic) rather than sleeping blindly. */
  ros_context *ctx;
  ros_node *cli;
  ros_error e;
  CHECK(ros_context_create(NULL, &ctx, &e) == ROS_OK);
  CHECK(ros_node_create(ctx, "watcher", NULL, NULL, &cli, &e) == ROS_OK);
  status_rec r = {0};
  ros_subscription *s;
  CHECK(ros_subscription_create(cli, "/lm_studio_status", "std_msgs/msg/String", NULL,
                                on_status_msg, &r, &s, &e) == ROS_OK);
  int64_t end = clock_mono_ms() + 8000;
  while (r.n == 0 && clock_mono_ms() < end) ros_context_spin(ctx, 50);
  CHECK_MSG(r.n > 0, "no status from the node");
  lm_test_interrupt_expect_exit_zero(pid);
  ros_subscription_destroy(s);
  CHECK_EQ_INT(ros_node_destroy(cli), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(ctx), ROS_OK);
  lms_emu_stop(emu);
}

TEST(lm_node_timeout_and_malformed_abort)
{
  fx f;
  fx_init(&f);
  goal_rec r;
  goal_rec_init(&r);
  int64_t t0 = clock_mono_ms();
  send_chat(&f, &r, (goal_args){.prompt = "slow [[delay_first_ms=4000]]", .timeout = 1});
  wait_done(&f, &r, 5000);
  CHECK(clock_mono_ms() - t0 < 3000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_ABORTED);
  CHECK(!r.success);
  CHECK_CONTAINS(r.response, "LLM_ERR_TIMEOUT");
  CHECK_CONTAINS(r.response, "timeout");
  goal_rec_fini(&r);
  goal_rec_init(&r);
  send_text(&f, &r, (goal_args){.prompt = "bad [[fault=malformed]]"});
  wait_done(&f, &r, 5000);
  CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_ABORTED);
  CHECK(!r.success);
  CHECK_CONTAINS(r.response, "LM Studio request failed");
  goal_rec_fini(&r);
  CHECK_EQ_INT(lm_node_active_goals(f.node), 0);
  fx_fini(&f);
}

TEST(lm_node_destroy_with_goals_running)
{
  fx f;
  fx_init(&f);
  goal_rec r[3];
  for (int i = 0; i < 3; i++) {
    goal_rec_init(&r[i]);
    /* Every request must last: interval_ms only paces streamed chunks (an unstreamed answer
     * comes at once) and max_tokens caps the chunks, so the unstreamed goal waits for its
     * first byte instead, and the streams may run their 3000 chunks. */
    bool stream = i != 1;
    send_chat(&f, &r[i], (goal_args){.prompt = stream ? "long [[tokens=3000 interval_ms=20]]"
                                                      : "long [[delay_first_ms=60000]]",
                                     .max_tokens = 3000, .stream = stream, .progress = !stream});
  }
  /* Requests of a minute: under load the goals may take a while to start, never to end. */
  int64_t end = clock_mono_ms() + 20000;
  while (lm_node_active_goals(f.node) < 3 && clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
  CHECK_EQ_INT(lm_node_active_goals(f.node), 3);
  lm_test_spin_for(f.node, 100);
  /* Teardown with three requests in flight: every goal ends, nothing leaks (ASan). */
  ros_action_client_destroy(f.chat);
  f.chat = NULL;
  fx_fini(&f);
  for (int i = 0; i < 3; i++) goal_rec_fini(&r[i]);
}
