/* test_lm_node_hostile.c: lm_studio_node's limits and its API key under hostile use.
 * Limits (node in this process, real DDS on loopback, the LM Studio emulator in this process):
 * max_prompt_bytes fails a goal (and get_embeddings) naming the parameter before any request;
 * max_concurrent_goals rejects excess goals at acceptance and says why on /lm_studio_status;
 * max_history_bytes trims the history. The API key (the real executable, at debug log level):
 * it reaches the configured server and nothing else: not the console, /rosout,
 * /lm_studio_status, /diagnostics, /parameter_events, parameter reads, failed goals' messages
 * (a 401 too), nor a server a redirect points to; a password in lm_studio_url is not shown in
 * logs, status or errors either. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/dynbuf.h"
#include "common/limits.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "nodes/lm_params.h"
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

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
static const ros_action_type text_type = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);

/* Everything the watcher saw on the node's topics, as text. */
typedef struct seen {
  dynbuf text;
  dynbuf params; /* /parameter_events: lm_studio_url's value is the URL as configured */
  int n_status, n_rosout, n_diag, n_events;
  bool limit_in_status;
} seen;

static void on_string(void *user, const void *msg, const ros_message_info *info) {
  seen *s = user;
  const char *d = ((const std_msgs_msg_dds__String_ *)msg)->data;
  s->n_status++;
  if (d && strstr(d, "max_concurrent_goals")) s->limit_in_status = true;
  CHECK(dynbuf_printf(&s->text, "%s\n", d ? d : ""));
}

static void on_rosout(void *user, const void *msg, const ros_message_info *info) {
  seen *s = user;
  const rcl_interfaces_msg_dds__Log_ *m = msg;
  s->n_rosout++;
  CHECK(dynbuf_printf(&s->text, "%s %s\n", m->name ? m->name : "", m->msg ? m->msg : ""));
}

static void on_diag(void *user, const void *msg, const ros_message_info *info) {
  seen *s = user;
  const diagnostic_msgs_msg_dds__DiagnosticArray_ *a = msg;
  s->n_diag++;
  for (uint32_t i = 0; i < a->status._length; i++) {
    const diagnostic_msgs_msg_dds__DiagnosticStatus_ *st = &a->status._buffer[i];
    CHECK(dynbuf_printf(&s->text, "%s %s\n", st->name ? st->name : "", st->message ? st->message : ""));
    for (uint32_t k = 0; k < st->values._length; k++)
      CHECK(dynbuf_printf(&s->text, "%s=%s\n", st->values._buffer[k].key ? st->values._buffer[k].key : "",
                          st->values._buffer[k].value ? st->values._buffer[k].value : ""));
  }
}

static void add_params(seen *s, const dds_sequence_rcl_interfaces_msg_dds__Parameter_ *q) {
  for (uint32_t i = 0; i < q->_length; i++) {
    const rcl_interfaces_msg_dds__ParameterValue_ *v = &q->_buffer[i].value;
    CHECK(dynbuf_printf(&s->params, "%s=%s\n", q->_buffer[i].name ? q->_buffer[i].name : "",
                        v->string_value ? v->string_value : ""));
  }
}

static void on_event(void *user, const void *msg, const ros_message_info *info) {
  seen *s = user;
  const rcl_interfaces_msg_dds__ParameterEvent_ *ev = msg;
  s->n_events++;
  add_params(s, &ev->new_parameters);
  add_params(s, &ev->changed_parameters);
}

/* A watcher: a client node subscribed to every topic the node writes text on. */
typedef struct watcher {
  ros_node *cli;
  ros_subscription *subs[5];
  ros_action_client *chat, *text;
  seen s;
} watcher;

static void watcher_start(watcher *w, ros_node *cli) {
  memset(w, 0, sizeof *w);
  w->cli = cli;
  dynbuf_init(&w->s.text, 64u << 20);
  dynbuf_init(&w->s.params, 64u << 20);
  ros_error e;
  CHECK(ros_subscription_create(cli, "/lm_studio_status", "std_msgs/msg/String", NULL, on_string, &w->s,
                                &w->subs[0], &e) == ROS_OK);
  CHECK(ros_subscription_create(cli, "/lm_text_response", "std_msgs/msg/String", NULL, on_string, &w->s,
                                &w->subs[1], &e) == ROS_OK);
  CHECK(ros_subscription_create(cli, "/rosout", "rcl_interfaces/msg/Log", NULL, on_rosout, &w->s,
                                &w->subs[2], &e) == ROS_OK);
  CHECK(ros_subscription_create(cli, "/diagnostics", "diagnostic_msgs/msg/DiagnosticArray", NULL, on_diag,
                                &w->s, &w->subs[3], &e) == ROS_OK);
  CHECK(ros_subscription_create(cli, "/parameter_events", "rcl_interfaces/msg/ParameterEvent", NULL, on_event,
                                &w->s, &w->subs[4], &e) == ROS_OK);
  CHECK(ros_action_client_create(cli, "/chat_completion", &chat_type, NULL, &w->chat, &e) == ROS_OK);
  CHECK(ros_action_client_create(cli, "/text_completion", &text_type, NULL, &w->text, &e) == ROS_OK);
}

static void watcher_stop(watcher *w) {
  for (int i = 0; i < 5; i++) ros_subscription_destroy(w->subs[i]);
  ros_action_client_destroy(w->chat);
  ros_action_client_destroy(w->text);
  dynbuf_free(&w->s.text);
  dynbuf_free(&w->s.params);
}

/* Spins whichever loop runs the watcher: the in-process node's, or the watcher's own context. */
typedef struct loop {
  lm_node *node;
  ros_context *ctx;
} loop;

static void spin_once(const loop *l) {
  if (l->node) lm_node_spin_once(l->node, 10);
  else ros_context_spin(l->ctx, 10);
}

static bool spin_until(const loop *l, const bool *flag, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (!*flag && clock_mono_ms() < end) spin_once(l);
  return *flag;
}

static void spin_for(const loop *l, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (clock_mono_ms() < end) spin_once(l);
}

static void send_chat(watcher *w, goal_rec *r, const char *prompt, bool use_history) {
  goal_rec_init(r);
  chat_goal g = {(char *)prompt, "", "", 0, 0.0f, 0, use_history, false, false};
  ros_error e;
  CHECK_MSG(ros_action_client_send_goal(w->chat, &g, &goal_rec_callbacks, r, &r->id, &e) == ROS_OK, "%s",
            e.message);
}

static void send_text(watcher *w, goal_rec *r, const char *prompt) {
  goal_rec_init(r);
  text_goal g = {(char *)prompt, "", 0, 0.0f, 0, false, false};
  ros_error e;
  CHECK_MSG(ros_action_client_send_goal(w->text, &g, &goal_rec_callbacks, r, &r->id, &e) == ROS_OK, "%s",
            e.message);
}

/* Runs one goal to its end; returns its status (r->response holds the text). */
static ros_goal_status run(const loop *l, watcher *w, goal_rec *r, bool chat, const char *prompt) {
  if (chat) send_chat(w, r, prompt, false);
  else send_text(w, r, prompt);
  CHECK_MSG(spin_until(l, &r->done, 15000), "goal '%s' did not end", prompt);
  CHECK(r->response);
  return r->status;
}

static size_t count_requests(lms_emu *emu, const char *needle) {
  size_t n = 0;
  for (size_t i = 0; i < lms_emu_request_count(emu); i++) {
    char *s = lms_emu_request_json(emu, i);
    CHECK(s);
    n += strstr(s, needle) != NULL;
    free(s);
  }
  return n;
}

/* ---- limits (node in this process) ---- */

typedef struct fx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;
  loop l;
  watcher w;
} fx;

static void fx_init(fx *f, const char *const *extra) {
  memset(f, 0, sizeof *f);
  f->emu = lms_emu_start(NULL);
  CHECK(f->emu);
  char url[96];
  snprintf(url, sizeof url, "lm_studio_url:=http://127.0.0.1:%u", lms_emu_port(f->emu));
  const char *params[] = {url, "model_name:=" CHAT_MODEL, "status_period:=0.2", NULL};
  ros_node *cli;
  lm_test_node_start(NULL, params, extra, "lm_hostile_client", &f->args, &f->node, &cli);
  f->l.node = f->node;
  watcher_start(&f->w, cli);
  CHECK(ros_action_client_wait_for_server(f->w.chat, WAIT_NS) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(f->w.text, WAIT_NS) == ROS_OK);
}

static void fx_fini(fx *f) {
  ros_node *cli = f->w.cli;
  watcher_stop(&f->w);
  lm_test_node_stop(&f->args, f->node, cli);
  lms_emu_stop(f->emu);
}

typedef struct embed_rec {
  bool done, success;
  char message[512];
} embed_rec;

static void on_embed_reply(void *user, ros_client *c, const void *response, ros_status st) {
  embed_rec *r = user;
  const lm_studio_interfaces_srv_dds__GetEmbeddings_Response_ *p = response;
  r->done = true;
  if (!p) return;
  r->success = p->success;
  snprintf(r->message, sizeof r->message, "%s", p->error_message ? p->error_message : "");
}

TEST(lm_node_limit_prompt_bytes)
{
  /* 24-byte system prompt + 30-byte prompt = 54 > 50; the text action has no system prompt. */
  const char *extra[] = {"max_prompt_bytes:=50", "system_prompt:=You are a careful robot.", NULL};
  fx f;
  fx_init(&f, extra);
  const char *prompt30 = "abcdefghijklmnopqrstuvwxyz0123";
  goal_rec r;
  CHECK_EQ_INT(run(&f.l, &f.w, &r, true, prompt30), ROS_GOAL_STATUS_ABORTED);
  CHECK(!r.success);
  CHECK_CONTAINS(r.response, "max_prompt_bytes");
  CHECK_CONTAINS(r.response, "54 bytes");
  goal_rec_fini(&r);
  CHECK_EQ_INT(count_requests(f.emu, "/chat/completions"), 0); /* refused before any request */
  CHECK_EQ_INT(run(&f.l, &f.w, &r, false, prompt30), ROS_GOAL_STATUS_SUCCEEDED);
  goal_rec_fini(&r);
  CHECK_EQ_INT(run(&f.l, &f.w, &r, true, "short one"), ROS_GOAL_STATUS_SUCCEEDED);
  goal_rec_fini(&r);
  /* A runtime change applies to the next goal. */
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_integer(&v, 10);
  ros_error e;
  CHECK(ros_params_set(lm_node_ros_node(f.node), "max_prompt_bytes", &v, &e) == ROS_OK);
  CHECK_EQ_INT(run(&f.l, &f.w, &r, false, prompt30), ROS_GOAL_STATUS_ABORTED);
  CHECK_CONTAINS(r.response, "more than max_prompt_bytes (10)");
  goal_rec_fini(&r);
  /* get_embeddings' text too. */
  embed_rec er = {0};
  lm_studio_interfaces_srv_dds__GetEmbeddings_Request_ eq = {.text = (char *)prompt30, .model = (char *)""};
  ros_client *embed;
  CHECK(ros_client_create(f.w.cli, "/get_embeddings", "lm_studio_interfaces/srv/GetEmbeddings", NULL, &embed,
                          &e) == ROS_OK);
  CHECK(ros_client_wait_for_service(embed, WAIT_NS) == ROS_OK);
  CHECK(ros_client_call(embed, &eq, on_embed_reply, &er, WAIT_NS, NULL, &e) == ROS_OK);
  CHECK(spin_until(&f.l, &er.done, 6000));
  CHECK(!er.success);
  CHECK_CONTAINS(er.message, "more than max_prompt_bytes (10)");
  ros_client_destroy(embed);
  CHECK_EQ_INT(count_requests(f.emu, "/embeddings"), 0);
  /* The hard cap: no value above LMS_MAX_PROMPT_BYTES. */
  ros_param_value_set_integer(&v, (int64_t)LMS_MAX_PROMPT_BYTES + 1);
  CHECK(ros_params_set(lm_node_ros_node(f.node), "max_prompt_bytes", &v, &e) != ROS_OK);
  fx_fini(&f);
}

TEST(lm_node_limit_concurrent_goals_rejected_at_acceptance)
{
  const char *extra[] = {"max_concurrent_goals:=2", NULL};
  fx f;
  fx_init(&f, extra);
  goal_rec slow[2], extra_goal;
  send_chat(&f.w, &slow[0], "slow one [[delay_first_ms=1500]]", false);
  send_text(&f.w, &slow[1], "slow two [[delay_first_ms=1500]]");
  CHECK(spin_until(&f.l, &slow[0].responded, 5000) && spin_until(&f.l, &slow[1].responded, 5000));
  CHECK(slow[0].accepted && slow[1].accepted);
  /* Both actions count together: a third goal on either is rejected when it arrives. */
  send_chat(&f.w, &extra_goal, "one too many", false);
  CHECK(spin_until(&f.l, &extra_goal.responded, 5000));
  CHECK(!extra_goal.accepted);
  goal_rec_fini(&extra_goal);
  /* The reason (a goal response cannot carry one) shows in the status. */
  CHECK_MSG(spin_until(&f.l, &f.w.s.limit_in_status, 3000), "status: %s", f.w.s.text.data);
  for (int i = 0; i < 2; i++) {
    CHECK(spin_until(&f.l, &slow[i].done, 10000));
    CHECK_EQ_INT(slow[i].status, ROS_GOAL_STATUS_SUCCEEDED);
    goal_rec_fini(&slow[i]);
  }
  CHECK_EQ_INT(count_requests(f.emu, "one too many"), 0);
  /* Room again: accepted. */
  goal_rec r;
  CHECK_EQ_INT(run(&f.l, &f.w, &r, true, "after"), ROS_GOAL_STATUS_SUCCEEDED);
  goal_rec_fini(&r);
  fx_fini(&f);
}

TEST(lm_node_limit_defaults_allow_1000_goals)
{
  const lm_param_spec *p = lm_params_find("max_concurrent_goals");
  CHECK(p && p->def_int >= 1000);
  /* Each action server holds at least that many goals at once. */
  CHECK(LMS_MAX_ACTION_GOALS >= 1000 && LMS_MAX_CONCURRENT_GOALS >= p->def_int);
  CHECK(lm_params_find("max_prompt_bytes") && lm_params_find("max_history_bytes"));
}

TEST(lm_node_limit_history_bytes)
{
  /* One exchange is "aaaaaaaaaa" + "You said: aaaaaaaaaa" = 30 bytes: 40 keeps only the last. */
  const char *extra[] = {"max_history_bytes:=40", NULL};
  fx f;
  fx_init(&f, extra);
  const char *turns[] = {"aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"};
  for (int i = 0; i < 3; i++) {
    goal_rec r;
    send_chat(&f.w, &r, turns[i], true);
    CHECK(spin_until(&f.l, &r.done, 10000));
    CHECK_EQ_INT(r.status, ROS_GOAL_STATUS_SUCCEEDED);
    goal_rec_fini(&r);
  }
  CHECK_EQ_INT(lm_node_history_messages(f.node), 2);
  /* Raised at run time: the next exchanges are kept (max_history_length 10 still applies). */
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_integer(&v, 1000);
  ros_error e;
  CHECK(ros_params_set(lm_node_ros_node(f.node), "max_history_bytes", &v, &e) == ROS_OK);
  goal_rec r;
  send_chat(&f.w, &r, "dddddddddd", true);
  CHECK(spin_until(&f.l, &r.done, 10000));
  goal_rec_fini(&r);
  CHECK_EQ_INT(lm_node_history_messages(f.node), 4);
  fx_fini(&f);
}

/* ---- the API key (the executable) ---- */

#define KEY "sk-LEAKCHECK-4711-abcdef"
#define PASSWORD "pw-LEAKCHECK-0815"

typedef struct param_rec {
  bool done;
  dynbuf text; /* every string of the answer */
} param_rec;

static void on_get(void *user, ros_client *c, const void *response, ros_status st) {
  param_rec *r = user;
  r->done = true;
  const rcl_interfaces_srv_dds__GetParameters_Response_ *p = response;
  for (uint32_t i = 0; p && i < p->values._length; i++)
    CHECK(dynbuf_printf(&r->text, "%d:%s\n", p->values._buffer[i].type, p->values._buffer[i].string_value));
}

static void on_describe(void *user, ros_client *c, const void *response, ros_status st) {
  param_rec *r = user;
  r->done = true;
  const rcl_interfaces_srv_dds__DescribeParameters_Response_ *p = response;
  for (uint32_t i = 0; p && i < p->descriptors._length; i++) {
    const rcl_interfaces_msg_dds__ParameterDescriptor_ *d = &p->descriptors._buffer[i];
    CHECK(dynbuf_printf(&r->text, "%s|%s|%s\n", d->name, d->description, d->additional_constraints));
  }
}

static void on_list(void *user, ros_client *c, const void *response, ros_status st) {
  param_rec *r = user;
  r->done = true;
  const rcl_interfaces_srv_dds__ListParameters_Response_ *p = response;
  for (uint32_t i = 0; p && i < p->result.names._length; i++)
    CHECK(dynbuf_printf(&r->text, "%s\n", p->result.names._buffer[i]));
}

/* Calls one parameter service of the node; the answer's strings go to out. */
static void param_call(const loop *l, watcher *w, const char *srv, const char *type, void *req,
                       ros_response_fn fn, dynbuf *out) {
  ros_client *c;
  ros_error e;
  CHECK(ros_client_create(w->cli, srv, type, NULL, &c, &e) == ROS_OK);
  CHECK(ros_client_wait_for_service(c, 2 * WAIT_NS) == ROS_OK);
  param_rec r = {0};
  dynbuf_init(&r.text, 1u << 20);
  CHECK_MSG(ros_client_call(c, req, fn, &r, WAIT_NS, NULL, &e) == ROS_OK, "%s", e.message);
  CHECK_MSG(spin_until(l, &r.done, 6000), "%s did not answer", srv);
  CHECK(dynbuf_printf(out, "%s", r.text.len ? r.text.data : ""));
  dynbuf_free(&r.text);
  ros_client_destroy(c);
}

/* Runs lm_studio_node as a process at debug level, its console going to log_path. The key is
 * the api_key parameter, or (env_key) $LM_STUDIO_API_KEY. */
static pid_t spawn_node(const char *url, bool env_key, const char *log_path) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a failed check ends the test: never leave the node behind */
    FILE *log = freopen(log_path, "w", stdout);
    if (!log || dup2(fileno(stdout), 2) < 0) _exit(126);
    char url_arg[256];
    snprintf(url_arg, sizeof url_arg, "lm_studio_url:=%s", url);
    if (env_key) setenv("LM_STUDIO_API_KEY", KEY, 1);
    else unsetenv("LM_STUDIO_API_KEY");
    execl(LMS_NODE_EXE, "lm_studio_node", "--ros-args", "--log-level", "debug", "-p", url_arg, "-p",
          "model_name:=" CHAT_MODEL, "-p", "status_period:=0.2", env_key ? (char *)NULL : "-p",
          "api_key:=" KEY, (char *)NULL);
    _exit(127);
  }
  return pid;
}

static void expect_hidden(const char *where, const char *text) {
  CHECK_MSG(!strstr(text, KEY), "the API key appeared in %s", where);
  CHECK_MSG(!strstr(text, PASSWORD), "the URL's password appeared in %s", where);
}

/* One run of the node: in_url puts a user:password@ into lm_studio_url too. */
static void key_case(bool env_key, bool in_url) {
  lms_emu_config with_key = {.api_key = KEY};
  lms_emu *emu = lms_emu_start(&with_key), *elsewhere = lms_emu_start(NULL);
  CHECK(emu && elsewhere);
  char url[160], log_path[] = "/tmp/lm_hostile_logXXXXXX";
  snprintf(url, sizeof url, "http://%s127.0.0.1:%u", in_url ? "robot:" PASSWORD "@" : "", lms_emu_port(emu));
  int fd = mkstemp(log_path);
  CHECK(fd >= 0);
  close(fd);
  pid_t pid = spawn_node(url, env_key, log_path);

  ros_context *ctx;
  ros_node *cli;
  ros_error e;
  CHECK(ros_context_create(NULL, &ctx, &e) == ROS_OK);
  CHECK(ros_node_create(ctx, "key_watcher", NULL, NULL, &cli, &e) == ROS_OK);
  loop l = {.ctx = ctx};
  watcher w;
  watcher_start(&w, cli);
  CHECK(ros_action_client_wait_for_server(w.chat, 3 * WAIT_NS) == ROS_OK);
  CHECK(ros_action_client_wait_for_server(w.text, WAIT_NS) == ROS_OK);

  /* The key reaches the configured server: it demands it. */
  goal_rec r;
  CHECK_MSG(run(&l, &w, &r, true, "hello") == ROS_GOAL_STATUS_SUCCEEDED, "%s", r.response);
  goal_rec_fini(&r);
  /* Failures say what happened without the key: a 401, a redirect to another server. */
  CHECK_EQ_INT(run(&l, &w, &r, true, "refused [[status=401]]"), ROS_GOAL_STATUS_ABORTED);
  expect_hidden("a 401 goal's message", r.response);
  goal_rec_fini(&r);
  char redirect[96];
  snprintf(redirect, sizeof redirect, "go elsewhere [[redirect=%u]]", lms_emu_port(elsewhere));
  CHECK_EQ_INT(run(&l, &w, &r, false, redirect), ROS_GOAL_STATUS_ABORTED);
  expect_hidden("a redirected goal's message", r.response);
  CHECK_CONTAINS(r.response, "307");
  goal_rec_fini(&r);
  CHECK_EQ_INT(lms_emu_request_count(elsewhere), 0); /* never followed */

  /* Parameter reads: the placeholder, never the value. */
  dynbuf answers;
  dynbuf_init(&answers, 1u << 20);
  char *names[] = {"api_key", "lm_studio_url"};
  rcl_interfaces_srv_dds__GetParameters_Request_ get = {0};
  get.names._buffer = names;
  get.names._length = get.names._maximum = 2;
  param_call(&l, &w, "/lm_studio_node/get_parameters", "rcl_interfaces/srv/GetParameters", &get, on_get,
             &answers);
  CHECK_CONTAINS(answers.data, "4:" ROS_PARAM_SECRET_PLACEHOLDER "\n");
  rcl_interfaces_srv_dds__DescribeParameters_Request_ desc = {0};
  desc.names._buffer = names;
  desc.names._length = desc.names._maximum = 1;
  param_call(&l, &w, "/lm_studio_node/describe_parameters", "rcl_interfaces/srv/DescribeParameters", &desc,
             on_describe, &answers);
  rcl_interfaces_srv_dds__ListParameters_Request_ list = {0};
  param_call(&l, &w, "/lm_studio_node/list_parameters", "rcl_interfaces/srv/ListParameters", &list, on_list,
             &answers);
  CHECK_CONTAINS(answers.data, "api_key\n");
  CHECK(!strstr(answers.data, KEY));
  dynbuf_free(&answers);
  spin_for(&l, 700); /* a few status and diagnostics periods */
  lm_test_interrupt_expect_exit_zero(pid);

  CHECK(w.s.n_status > 0 && w.s.n_rosout > 0 && w.s.n_diag > 0);
  expect_hidden("a topic", w.s.text.data);
  /* Parameter events show lm_studio_url as configured (a password in it too: credentials
   * belong in api_key), never the key. */
  CHECK(!w.s.params.len || !strstr(w.s.params.data, KEY));
  if (in_url) CHECK_CONTAINS(w.s.text.data, "http://***@127.0.0.1"); /* redacted, still recognisable */
  size_t len;
  char *log = test_read_file(log_path, &len);
  unlink(log_path);
  CHECK_CONTAINS(log, "DEBUG"); /* the debug level was on */
  expect_hidden("the node's console", log);
  free(log);
  /* Every request the configured server saw carried the key in its header only. */
  size_t n = lms_emu_request_count(emu);
  CHECK(n >= 3);
  for (size_t i = 0; i < n; i++) {
    char *s = lms_emu_request_json(emu, i);
    CHECK(s);
    CHECK_CONTAINS(s, "\"authorization\":\"Bearer " KEY "\"");
    CHECK(strstr(s, KEY) == strstr(s, "Bearer " KEY) + 7); /* nowhere else: not in the path */
    free(s);
  }
  watcher_stop(&w);
  CHECK_EQ_INT(ros_node_destroy(cli), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(ctx), ROS_OK);
  lms_emu_stop(emu);
  lms_emu_stop(elsewhere);
}

TEST(lm_node_api_key_param_never_leaks)
{
  key_case(false, false);
}

TEST(lm_node_api_key_env_and_url_password_never_leak)
{
  key_case(true, true);
}
