/* lm_actions.c: the chat_completion and text_completion action servers. Each accepted goal is
 * one HTTP request of its own (any number at once); its deltas become feedback, its on_done
 * ends the goal. Loop thread only. Guarantees: a goal ends exactly once; a cancel aborts the
 * HTTP request at once and ends the goal CANCELED with the text so far, not added to history;
 * a failure ends it ABORTED with success=false and a message saying what happened and what to
 * check; history gets an exchange only on success, in completion order. A chat goal's
 * image_data is resolved when the goal arrives (lm_images.c) and sent as a data URI in the user
 * message; when it cannot be used the goal is ABORTED saying why, never run without it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/limits.h"
#include "lm_node_internal.h"
#include "lm_params.h"
#include "ros/ros_log.h"

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__TextCompletion_Goal_ text_goal;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ chat_result;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ chat_feedback;
/* The two actions share Result and Feedback layouts field for field. */
_Static_assert(sizeof(chat_result) ==
                   sizeof(lm_studio_interfaces_action_dds__TextCompletion_Result_),
               "result layouts differ");
_Static_assert(sizeof(chat_feedback) ==
                   sizeof(lm_studio_interfaces_action_dds__TextCompletion_Feedback_),
               "feedback layouts differ");

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
static const ros_action_type text_type = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);

struct lm_goal {
  lm_node *n;
  ros_action_goal *h;
  bool chat;
  uint64_t req_id;
  char *prompt, *model;
  bool use_history, stream, progress;
  int max_tokens;
  long timeout_s;
  double temperature;
  char *fail;              /* set in on_goal: end ABORTED with this at on_accepted */
  char *image;             /* data URI of the goal's image_data (chat), NULL for none */
  dynbuf text;             /* content received (stream) */
  size_t fb_sent;          /* bytes of text already sent as feedback */
  long deltas;
  int64_t fb_gap_ns;       /* least time between stream feedbacks (feedback_max_rate), 0: none */
  int64_t start_ns, last_fb_ns;
  ros_timer *progress_timer;
  lm_goal *next;
};

static void goal_unlink_free(lm_goal *g) {
  lm_node *n = g->n;
  for (lm_goal **p = &n->goals; *p; p = &(*p)->next)
    if (*p == g) {
      *p = g->next;
      n->n_goals--;
      n->requests_ended++;
      break;
    }
  ros_timer_destroy(g->progress_timer);
  free(g->prompt);
  free(g->model);
  free(g->fail);
  free(g->image);
  dynbuf_free(&g->text);
  free(g);
}

/* Ends g with status (SUCCEEDED, ABORTED, CANCELED) and frees it. */
static void goal_end(lm_goal *g, ros_goal_status status, const char *text, bool success) {
  chat_result *res = calloc(1, sizeof *res);
  if (res) {
    res->response = strdup(text ? text : "");
    res->success = success;
  }
  ros_error e;
  ros_status st;
  if (status == ROS_GOAL_STATUS_SUCCEEDED)
    st = ros_action_goal_succeed(g->h, res, &e);
  else if (status == ROS_GOAL_STATUS_CANCELED)
    st = ros_action_goal_canceled(g->h, res, &e);
  else
    st = ros_action_goal_abort(g->h, res, &e);
  if (st != ROS_OK) {
    /* e.g. CANCELED from EXECUTING cannot happen; fall back to abort so the goal still ends. */
    ROS_WARN(g->n->node, "cannot end goal as %s: %s", ros_goal_status_name(status), e.message);
    if (ros_action_goal_abort(g->h, res, &e) != ROS_OK) {
      if (res) free(res->response);
      free(res);
    }
  }
  goal_unlink_free(g);
}

static void publish_feedback(lm_goal *g, const char *partial, const char *status, float progress) {
  chat_feedback fb = {(char *)partial, (char *)status, progress};
  ros_error e;
  if (ros_action_goal_publish_feedback(g->h, &fb, &e) != ROS_OK)
    ROS_DEBUG(g->n->node, "feedback not sent: %s", e.message);
}

static void flush_stream_feedback(lm_goal *g) {
  if (g->fb_sent >= g->text.len) return;
  float progress = g->max_tokens > 0 ? (float)g->deltas / (float)g->max_tokens : 0.0f;
  if (progress > 1.0f) progress = 1.0f;
  publish_feedback(g, g->text.data + g->fb_sent, "streaming", progress);
  g->fb_sent = g->text.len;
  g->last_fb_ns = clock_mono_ns();
}

static void on_delta(void *user, uint64_t id, const llm_delta *d) {
  lm_goal *g = user;
  if (d->kind != LLM_DELTA_CONTENT || !d->len) return;
  if (!dynbuf_append(&g->text, d->text, d->len)) return;
  g->deltas++;
  if (g->fb_gap_ns > 0 && clock_mono_ns() - g->last_fb_ns < g->fb_gap_ns) return;
  flush_stream_feedback(g);
}

static void on_progress_tick(void *user) {
  lm_goal *g = user;
  double elapsed = (double)(clock_mono_ns() - g->start_ns) / 1e9;
  char status[96];
  snprintf(status, sizeof status, "processing: %.0f s elapsed", elapsed);
  /* No tokens are seen before the answer: estimate from the time allowed, never reaching 1. */
  float progress = g->timeout_s > 0 ? (float)(elapsed / (double)g->timeout_s) : 0.0f;
  if (progress > 0.95f) progress = 0.95f;
  publish_feedback(g, "", status, progress);
}

static void on_done(void *user, uint64_t id, llm_result *r) {
  lm_goal *g = user;
  lm_node *n = g->n;
  lm_status_note(n, r);
  if (r->error.code == LLM_OK) {
    if (g->chat && g->use_history) lm_keep_exchange(n, g->prompt, r->text);
    if (g->stream) flush_stream_feedback(g); /* rate-limited tail: feedback adds up to the text */
    /* The original's types: chat_action[_stream|_progress], completion_action[_...]. */
    static const char *const types[2][3] = {
        {"completion_action", "completion_action_stream", "completion_action_progress"},
        {"chat_action", "chat_action_stream", "chat_action_progress"}};
    lm_response_publish(n, r->text, types[g->chat][g->stream ? 1 : g->progress ? 2 : 0],
                        r->model ? r->model : g->model);
    goal_end(g, ROS_GOAL_STATUS_SUCCEEDED, r->text, true);
    return;
  }
  if (r->error.code == LLM_ERR_CANCELLED && ros_action_goal_is_cancel_requested(g->h)) {
    const char *sofar = g->text.len ? g->text.data : (r->text ? r->text : "");
    ROS_INFO(n->node, "goal canceled after %zu bytes", strlen(sofar));
    goal_end(g, ROS_GOAL_STATUS_CANCELED, sofar, false);
    return;
  }
  char msg[LLM_ERROR_MESSAGE_MAX + 512];
  lm_describe_failure(n, &r->error, g->model, msg, sizeof msg);
  ROS_ERROR(n->node, "%s goal failed: %s", g->chat ? "chat" : "text", msg);
  goal_end(g, ROS_GOAL_STATUS_ABORTED, msg, false);
}

static const llm_callbacks goal_callbacks = {on_delta, on_done};

/* max_concurrent_goals, checked when a goal arrives. A ROS 2 goal response carries only
 * accepted/stamp, so the reason goes to the log (WARN) and to last_error, which
 * /lm_studio_status and /diagnostics show. */
static bool too_many_goals(lm_node *n, bool chat) {
  size_t max = (size_t)lm_params_int(n->node, "max_concurrent_goals");
  if (n->n_goals < max) return false;
  snprintf(n->last_error, sizeof n->last_error,
           "%s goal rejected: %zu goals are running, as many as max_concurrent_goals (%zu) allows; "
           "wait for one to end or raise max_concurrent_goals", chat ? "chat" : "text", n->n_goals, max);
  n->goals_over_limit++;
  int64_t now = clock_mono_ns();
  if (now - n->over_limit_warned_ns >= 1000000000LL) { /* a flood of goals is not a flood of logs */
    ROS_WARN(n->node, "%s (%llu rejected so)", n->last_error, (unsigned long long)n->goals_over_limit);
    n->goals_over_limit = 0;
    n->over_limit_warned_ns = now;
  }
  return true;
}

static ros_goal_decision on_goal_common(lm_node *n, ros_action_goal *h, bool chat,
                                        const char *prompt, const char *model, int max_tokens,
                                        float temperature, int timeout, bool use_history,
                                        bool stream, bool progress, const char *image) {
  if (too_many_goals(n, chat)) return ROS_GOAL_REJECT;
  lm_goal *g = calloc(1, sizeof *g);
  if (!g) return ROS_GOAL_REJECT;
  g->n = n;
  g->h = h;
  g->chat = chat;
  g->prompt = strdup(prompt ? prompt : "");
  g->model = model && model[0] ? strdup(model) : lm_params_string(n->node, "model_name");
  g->max_tokens = max_tokens > 0 ? max_tokens : (int)lm_params_int(n->node, "max_tokens");
  g->timeout_s = timeout > 0 ? timeout : (long)lm_params_int(n->node, "timeout");
  g->temperature = temperature > 0 ? temperature : lm_params_double(n->node, "temperature");
  g->use_history = use_history;
  g->stream = stream;
  g->progress = progress && !stream;
  double rate = lm_params_double(n->node, "feedback_max_rate"); /* per goal, not per delta */
  g->fb_gap_ns = rate > 0 ? (int64_t)(1e9 / rate) : 0;
  char why[2048];
  if (!lm_prompt_fits(n, g->prompt, chat, why, sizeof why)) g->fail = strdup(why);
  if (image && image[0] && !g->fail) { /* resolved now: "latest" is the image at goal time */
    if (!lm_images_resolve(n, image, &g->image, why, sizeof why)) g->fail = strdup(why);
    if (!g->image && !g->fail) g->fail = strdup("out of memory preparing the image");
  }
  dynbuf_init(&g->text, LMS_MAX_ANSWER_TEXT);
  if (!g->prompt || !g->model || (image && image[0] && !g->image && !g->fail)) {
    free(g->prompt);
    free(g->model);
    free(g->fail);
    free(g->image);
    free(g);
    return ROS_GOAL_REJECT;
  }
  g->next = n->goals;
  n->goals = g;
  n->n_goals++;
  ros_action_goal_set_user(h, g);
  return ROS_GOAL_ACCEPT_AND_EXECUTE;
}

static ros_goal_decision on_chat_goal(void *user, ros_action_goal *h, const void *goal) {
  const chat_goal *c = goal;
  return on_goal_common(user, h, true, c->prompt, c->model, c->max_tokens, c->temperature,
                        c->timeout, c->use_history, c->stream, c->progress_feedback,
                        c->image_data);
}

static ros_goal_decision on_text_goal(void *user, ros_action_goal *h, const void *goal) {
  const text_goal *t = goal;
  return on_goal_common(user, h, false, t->prompt, t->model, t->max_tokens, t->temperature,
                        t->timeout, false, t->stream, t->progress_feedback, NULL);
}

static void on_accepted(void *user, ros_action_goal *h) {
  lm_node *n = user;
  lm_goal *g = ros_action_goal_user(h);
  if (!g) return;
  if (g->fail) {
    ROS_WARN(n->node, "%s goal aborted: %s", g->chat ? "chat" : "text", g->fail);
    goal_end(g, ROS_GOAL_STATUS_ABORTED, g->fail, false);
    return;
  }
  if (ros_action_goal_is_cancel_requested(h)) { /* cancelled before it could start */
    ROS_INFO(n->node, "goal canceled before it started");
    goal_end(g, ROS_GOAL_STATUS_CANCELED, "", false);
    return;
  }
  llm_request_opts o = lm_request_opts(g->model, g->max_tokens, g->temperature, g->timeout_s,
                                       g->stream);
  llm_error e;
  g->start_ns = g->last_fb_ns = clock_mono_ns();
  ROS_DEBUG(n->node, "%s goal: request to %s, model '%s', %zu prompt bytes%s%s",
            g->chat ? "chat" : "text", n->url, g->model, strlen(g->prompt),
            g->stream ? ", streamed" : "", g->image ? ", with an image" : "");
  if (g->chat)
    g->req_id = lm_start_chat(n, &o, g->prompt, g->use_history, g->image, &goal_callbacks, g, &e);
  else
    g->req_id = llm_client_complete(n->client, &o, g->prompt, &goal_callbacks, g, &e);
  if (!g->req_id) {
    char msg[LLM_ERROR_MESSAGE_MAX + 512];
    lm_describe_error(&e, n->url, g->model, msg, sizeof msg);
    goal_end(g, ROS_GOAL_STATUS_ABORTED, msg, false);
    return;
  }
  if (g->progress) g->progress_timer = ros_timer_create(n->ctx, 1000000000LL, on_progress_tick, g);
}

static bool on_cancel(void *user, ros_action_goal *h) {
  lm_goal *g = ros_action_goal_user(h);
  /* The transfer stops and on_done (CANCELLED) runs on a later poll: the goal ends there. A
   * goal not started yet (its client not reachable yet) ends in on_accepted instead. */
  if (g && g->req_id) llm_client_cancel(g->n->client, g->req_id);
  return g != NULL;
}

ros_status lm_actions_create(lm_node *n, ros_error *e) {
  ros_action_server_callbacks chat_cb = {on_chat_goal, on_accepted, on_cancel};
  ros_action_server_callbacks text_cb = {on_text_goal, on_accepted, on_cancel};
  /* A burst of goals as large as a server may hold (1000 at once in the soak benchmark) must
   * not lose requests in the reader's history before the loop takes them. */
  ros_action_server_options o = {
      .service_depth = LMS_MAX_ACTION_GOALS,
      .result_timeout_ns = (int64_t)(lm_params_double(n->node, "action_result_timeout") * 1e9)};
  ros_status st = ros_action_server_create(n->node, "chat_completion", &chat_type, &chat_cb, n,
                                           &o, &n->chat_server, e);
  if (st != ROS_OK) return st;
  return ros_action_server_create(n->node, "text_completion", &text_type, &text_cb, n, &o,
                                  &n->text_server, e);
}

void lm_actions_destroy(lm_node *n) {
  /* Goals still here have no request (the client is gone): the servers abort them. */
  while (n->goals) goal_unlink_free(n->goals);
  ros_action_server_destroy(n->chat_server);
  ros_action_server_destroy(n->text_server);
  n->chat_server = n->text_server = NULL;
}
