/* lmsc_goal.c: the chat and complete commands: one goal on <ns>/chat_completion or
 * <ns>/text_completion, its streamed feedback printed as it arrives, Ctrl-C turned into a
 * CancelGoal, and the result reconciled with what was printed.
 *
 * Output rule: stdout ends up holding exactly the result text and one newline. Feedback deltas
 * are printed as they come; at the end, when they form a prefix of the result, the rest of the
 * result is printed (feedback lost at the end, or a node that sends the text only in the
 * result). When they do not (feedback lost in the middle, or a node whose partial_response is
 * cumulative), nothing printed can be taken back: a newline and the whole result follow, with a
 * warning on stderr. A failed goal prints its message on stderr, never on stdout. */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/dynbuf.h"
#include "lmsc_commands.h"
#include "lmsc_image.h"
#include "lmsc_output.h"
#include "ros/ros_action_client.h"

#define STREAM_MAX (64u << 20)   /* text kept to compare with the result */
#define CANCEL_WAIT_MS 10000     /* after Ctrl-C, how long the node may take to end the goal */

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
typedef lm_studio_interfaces_action_dds__TextCompletion_Goal_ text_goal;
/* Both actions' feedback and result have one layout (partial_response, status, progress /
 * response, success): the ChatCompletion structs read both. */
typedef lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ goal_feedback;
typedef lm_studio_interfaces_action_dds__ChatCompletion_Result_ goal_result;

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
static const ros_action_type text_type = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);

typedef struct goal_run {
  ros_action_client *client;
  bool stream_out;          /* print feedback deltas on stdout */
  bool responded, accepted, done;
  bool cancel_wanted, cancel_sent;
  ros_goal_id id;
  ros_status st;
  ros_goal_status status;
  char *response;
  bool success;
  dynbuf streamed;
  bool streamed_whole;      /* every delta printed is also in streamed */
} goal_run;

static void send_cancel(goal_run *r) {
  ros_error e;
  r->cancel_sent = true;
  if (ros_action_client_cancel_goal(r->client, &r->id, NULL, NULL, &e) != ROS_OK)
    lmsc_error("cannot send the cancel request: %s", e.message);
}

static void on_response(void *user, const ros_goal_id *id, bool accepted, int64_t stamp_ns) {
  (void)id, (void)stamp_ns;
  goal_run *r = user;
  r->responded = true;
  r->accepted = accepted;
  if (accepted && r->cancel_wanted && !r->cancel_sent) send_cancel(r);
}

static void on_feedback(void *user, const ros_goal_id *id, const void *feedback) {
  (void)id;
  goal_run *r = user;
  const goal_feedback *fb = feedback;
  if (!r->stream_out || !fb->partial_response || !fb->partial_response[0]) return;
  size_t n = strlen(fb->partial_response);
  if (!dynbuf_append(&r->streamed, fb->partial_response, n)) r->streamed_whole = false;
  lmsc_out_text(fb->partial_response, n);
}

static void on_result(void *user, const ros_goal_id *id, ros_status st, ros_goal_status status,
                      const void *result) {
  (void)id;
  goal_run *r = user;
  r->done = true;
  r->st = st;
  r->status = status;
  if (result) {
    const goal_result *res = result;
    r->response = strdup(res->response ? res->response : "");
    r->success = res->success;
  }
}

static const ros_action_goal_callbacks callbacks = {on_response, on_feedback, NULL, on_result};

static bool server_ready(void *user) { return ros_action_client_is_server_ready(user); }

/* Whether everything the stream printed is the start of text. */
static bool streamed_prefix_of(const goal_run *r, const char *text) {
  return r->streamed_whole && r->streamed.len <= strlen(text) &&
         memcmp(r->streamed.data ? r->streamed.data : "", text, r->streamed.len) == 0;
}

/* Makes stdout hold exactly text + "\n", given what the stream printed (see the top). */
static void print_result_text(goal_run *r, const char *text) {
  size_t n = strlen(text);
  bool prefix = streamed_prefix_of(r, text);
  if (!r->stream_out || r->streamed.len == 0) {
    lmsc_out_text(text, n);
  } else if (prefix) {
    lmsc_out_text(text + r->streamed.len, n - r->streamed.len);
  } else {
    lmsc_out_text("\n", 1);
    lmsc_error("the streamed text differs from the result (feedback lost?); the whole result follows");
    lmsc_out_text(text, n);
  }
  lmsc_out_text("\n", 1);
}

static json_t *result_json(const goal_run *r) {
  char hex[33];
  ros_goal_id_to_hex(&r->id, hex);
  return json_pack("{s:s,s:b,s:s,s:s}", "response", r->response ? r->response : "", "success",
                   r->success, "status", ros_goal_status_name(r->status), "goal_id", hex);
}

/* Spins until the goal ends, handling Ctrl-C and the node going away. Returns LMSC_EXIT_OK
 * when it ended, else the exit code to quit with (the message printed). */
static int wait_goal(lmsc_session *s, goal_run *r) {
  int seen = 0;
  int64_t cancel_deadline = 0;
  lmsc_presence presence;
  lmsc_presence_start(&presence);
  while (!r->done) {
    int now_interrupts = lmsc_session_interrupts();
    if (now_interrupts != seen) {
      seen = now_interrupts;
      if (seen >= 2) {
        /* Two quick Ctrl-C may arrive as one wakeup: the node still hears of the cancel. */
        if (r->accepted && !r->cancel_sent) send_cancel(r);
        lmsc_error("interrupted again: quitting without waiting for the node");
        return LMSC_EXIT_INTERRUPTED;
      }
      lmsc_error("cancelling the goal (Ctrl-C again to quit at once)");
      r->cancel_wanted = true;
      if (r->accepted && !r->cancel_sent) send_cancel(r);
      cancel_deadline = clock_mono_ms() + CANCEL_WAIT_MS;
    }
    int64_t now = clock_mono_ms();
    if (cancel_deadline && now > cancel_deadline) {
      lmsc_error("the node did not end the goal within %d s of the cancel request",
                 CANCEL_WAIT_MS / 1000);
      return LMSC_EXIT_INTERRUPTED;
    }
    if (r->responded && !r->accepted) return LMSC_EXIT_OK;
    if (lmsc_presence_lost(&presence, server_ready, r->client)) {
      lmsc_error("the node left (%s is no longer served) before the goal ended",
                 ros_action_client_name(r->client));
      return LMSC_EXIT_FAILED;
    }
    lmsc_session_spin(s, 100);
  }
  return LMSC_EXIT_OK;
}

/* What to print and exit with once the goal ended (or was rejected). */
static int report(const lmsc_options *o, goal_run *r, const char *what) {
  if (r->responded && !r->accepted) {
    /* A ROS 2 goal response carries no reason; lm_studio_node puts it in its status. */
    lmsc_error("the node rejected the %s goal (lm_studio_node rejects goals beyond its "
               "max_concurrent_goals; `lmsc status` shows the reason in last_error)", what);
    if (o->json) lmsc_out_json(json_pack("{s:s,s:b,s:s}", "response", "", "success", 0, "status", "REJECTED"));
    return LMSC_EXIT_FAILED;
  }
  if (r->st != ROS_OK || !r->response) {
    lmsc_error("%s goal failed: %s", what,
               r->st == ROS_ERR_TIMEOUT ? "no reply from the node to the goal request"
                                        : "the goal ended without a result");
    return LMSC_EXIT_FAILED;
  }
  bool ok = r->status == ROS_GOAL_STATUS_SUCCEEDED && r->success;
  bool cancelled = r->status == ROS_GOAL_STATUS_CANCELED && r->cancel_wanted;
  if (o->json) {
    if (!lmsc_out_json(result_json(r))) return LMSC_EXIT_FAILED;
  } else if (ok || (cancelled && (!r->stream_out || streamed_prefix_of(r, r->response)))) {
    print_result_text(r, r->response);
  } else {
    /* Also a cancelled goal whose result lacks the text streamed so far (the original node
     * returns an empty result on cancel): what was printed stays the answer. */
    if (r->stream_out && r->streamed.len) lmsc_out_text("\n", 1);
  }
  if (ok) return LMSC_EXIT_OK;
  if (cancelled) {
    lmsc_error("cancelled: goal %s", ros_goal_status_name(r->status));
    return LMSC_EXIT_INTERRUPTED;
  }
  lmsc_error("%s failed (goal %s): %s", what, ros_goal_status_name(r->status),
             r->response[0] ? r->response : "(no message)");
  return LMSC_EXIT_FAILED;
}

static int run_goal(lmsc_session *s, const ros_action_type *type, const char *action,
                    const void *goal, const char *what) {
  const lmsc_options *o = s->o;
  goal_run r;
  memset(&r, 0, sizeof r);
  dynbuf_init(&r.streamed, STREAM_MAX);
  r.streamed_whole = true;
  r.stream_out = !o->no_stream && !o->json;
  ros_error e;
  ros_action_client_options co = {.request_timeout_ns = 0};
  if (ros_action_client_create(s->node, action, type, &co, &r.client, &e) != ROS_OK) {
    lmsc_error("cannot create the action client for %s: %s", action, e.message);
    return LMSC_EXIT_FAILED;
  }
  lmsc_target t = {LMSC_TARGET_ACTION, action, ros_action_client_name(r.client)};
  int rc = lmsc_session_wait_for_node(s, server_ready, r.client, &t);
  /* Feedback the node writes before its writer matched our reader is lost to us. */
  if (rc == LMSC_EXIT_OK && r.stream_out) rc = lmsc_session_settle(s);
  if (rc == LMSC_EXIT_OK) {
    if (ros_action_client_send_goal(r.client, goal, &callbacks, &r, &r.id, &e) != ROS_OK) {
      lmsc_error("cannot send the goal: %s", e.message);
      rc = LMSC_EXIT_FAILED;
    }
  }
  if (rc == LMSC_EXIT_OK) {
    lmsc_spinner_start(r.stream_out ? "waiting for the first token" : "waiting for the answer");
    rc = wait_goal(s, &r);
    lmsc_spinner_stop();
    if (rc == LMSC_EXIT_OK) rc = report(o, &r, what);
  }
  ros_action_client_destroy(r.client);
  free(r.response);
  dynbuf_free(&r.streamed);
  return rc;
}

int lmsc_cmd_chat(lmsc_session *s) {
  const lmsc_options *o = s->o;
  char *image = NULL;
  if (o->image && lmsc_image_goal_value(o->image, &image) != LMSC_EXIT_OK) return LMSC_EXIT_FAILED;
  chat_goal g = {
      .prompt = o->text,
      .model = (char *)(o->model ? o->model : ""),
      .image_data = image ? image : (char *)(o->node_image ? o->node_image : ""),
      .max_tokens = o->max_tokens,
      .temperature = o->temperature,
      .timeout = o->request_timeout,
      .use_history = !o->no_history,
      .stream = !o->no_stream,
      .progress_feedback = false,
  };
  int rc = run_goal(s, &chat_type, "chat_completion", &g, "chat");
  free(image);
  return rc;
}

int lmsc_cmd_complete(lmsc_session *s) {
  const lmsc_options *o = s->o;
  text_goal g = {
      .prompt = o->text,
      .model = (char *)(o->model ? o->model : ""),
      .max_tokens = o->max_tokens,
      .temperature = o->temperature,
      .timeout = o->request_timeout,
      .stream = !o->no_stream,
      .progress_feedback = false,
  };
  return run_goal(s, &text_type, "text_completion", &g, "completion");
}
