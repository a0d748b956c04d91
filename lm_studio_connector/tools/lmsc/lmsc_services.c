/* lmsc_services.c: the models, embed, set-model and reset commands: one call of the node's
 * <ns>/list_models, get_embeddings, set_model or reset_chat service. The reply is printed from
 * the client's callback (it is only valid there). Ctrl-C abandons the call (exit 130); a node
 * that leaves while we wait fails the command instead of hanging. */
#include <stdlib.h>
#include <string.h>

#include "lmsc_commands.h"
#include "lmsc_output.h"
#include "ros/ros_client.h"

typedef lm_studio_interfaces_srv_dds__ListModels_Request_ models_req;
typedef lm_studio_interfaces_srv_dds__ListModels_Response_ models_resp;
typedef lm_studio_interfaces_srv_dds__GetEmbeddings_Request_ embed_req;
typedef lm_studio_interfaces_srv_dds__GetEmbeddings_Response_ embed_resp;
typedef lm_studio_interfaces_srv_dds__SetModel_Request_ set_model_req;
typedef lm_studio_interfaces_srv_dds__ResetChat_Request_ reset_req;
/* SetModel and ResetChat answer with the same fields (success, message). */
typedef lm_studio_interfaces_srv_dds__ResetChat_Response_ message_resp;

/* Prints a reply and returns the exit code. */
typedef int (*reply_fn)(const lmsc_options *o, const void *response);

typedef struct call_run {
  const lmsc_options *o;
  reply_fn print;
  bool done;
  int rc;
} call_run;

static void on_reply(void *user, ros_client *c, const void *response, ros_status st) {
  (void)c;
  call_run *r = user;
  r->done = true;
  if (st == ROS_OK && response) {
    r->rc = r->print(r->o, response);
  } else if (st == ROS_ERR_TIMEOUT) {
    lmsc_error("no reply from %s in time", ros_client_name(c));
    r->rc = LMSC_EXIT_FAILED;
  } else {
    r->rc = LMSC_EXIT_INTERRUPTED;
  }
}

static bool service_ready(void *user) { return ros_client_is_available(user); }

/* Calls service name (relative to the node's namespace) of type srv with request; reply_fn
 * prints the answer. */
static int call_service(lmsc_session *s, const char *name, const char *srv, void *request,
                        reply_fn print, const char *label) {
  ros_client *c;
  ros_error e;
  if (ros_client_create(s->node, name, srv, NULL, &c, &e) != ROS_OK) {
    lmsc_error("cannot create the client for %s: %s", name, e.message);
    return LMSC_EXIT_FAILED;
  }
  call_run r = {.o = s->o, .print = print};
  lmsc_target t = {LMSC_TARGET_SERVICE, name, ros_client_name(c)};
  int rc = lmsc_session_wait_for_node(s, service_ready, c, &t);
  int64_t seq = 0;
  if (rc == LMSC_EXIT_OK && ros_client_call(c, request, on_reply, &r, 0, &seq, &e) != ROS_OK) {
    lmsc_error("cannot call %s: %s", ros_client_name(c), e.message);
    rc = LMSC_EXIT_FAILED;
  }
  if (rc == LMSC_EXIT_OK) {
    lmsc_spinner_start(label);
    lmsc_presence presence;
    lmsc_presence_start(&presence);
    while (!r.done) {
      if (lmsc_session_interrupts() > 0) {
        lmsc_error("interrupted: the call to %s is abandoned", ros_client_name(c));
        rc = LMSC_EXIT_INTERRUPTED;
        break;
      }
      if (lmsc_presence_lost(&presence, service_ready, c)) {
        lmsc_error("the node left (%s is no longer served) before it answered",
                   ros_client_name(c));
        rc = LMSC_EXIT_FAILED;
        break;
      }
      lmsc_session_spin(s, 100);
    }
    lmsc_spinner_stop();
    if (r.done) rc = r.rc;
  }
  /* A call still pending gets its callback (cancelled) here, while r is still alive. */
  ros_client_destroy(c);
  return rc;
}

static const char *str(const char *s) { return s ? s : ""; }

static int print_models(const lmsc_options *o, const void *response) {
  const models_resp *m = response;
  if (o->json) {
    json_t *arr = json_array();
    for (uint32_t i = 0; arr && i < m->models._length; i++)
      json_array_append_new(arr, json_string(str(m->models._buffer[i])));
    lmsc_out_json(json_pack("{s:o,s:i,s:b,s:s}", "models", arr ? arr : json_array(), "count",
                            (json_int_t)m->count, "success", m->success, "error_message",
                            str(m->error_message)));
  } else if (m->success) {
    for (uint32_t i = 0; i < m->models._length; i++) printf("%s\n", str(m->models._buffer[i]));
    fflush(stdout);
  }
  if (m->success) return LMSC_EXIT_OK;
  lmsc_error("list_models failed: %s", m->error_message && m->error_message[0] ? m->error_message
                                                                               : "(no message)");
  return LMSC_EXIT_FAILED;
}

static int print_embeddings(const lmsc_options *o, const void *response) {
  const embed_resp *m = response;
  if (o->json) {
    json_t *arr = json_array();
    for (uint32_t i = 0; arr && i < m->embeddings._length; i++)
      json_array_append_new(arr, json_real(m->embeddings._buffer[i]));
    lmsc_out_json(json_pack("{s:o,s:i,s:b,s:s}", "embeddings", arr ? arr : json_array(),
                            "dimensions", (json_int_t)m->dimensions, "success", m->success,
                            "error_message", str(m->error_message)));
  } else if (m->success) {
    fputc('[', stdout);
    for (uint32_t i = 0; i < m->embeddings._length; i++)
      printf("%s%.17g", i ? "," : "", m->embeddings._buffer[i]);
    fputs("]\n", stdout);
    fflush(stdout);
  }
  if (m->success) return LMSC_EXIT_OK;
  lmsc_error("get_embeddings failed: %s", m->error_message && m->error_message[0]
                                               ? m->error_message : "(no message)");
  return LMSC_EXIT_FAILED;
}

static int print_message(const lmsc_options *o, const void *response, const char *what) {
  const message_resp *m = response;
  if (o->json)
    lmsc_out_json(json_pack("{s:b,s:s}", "success", m->success, "message", str(m->message)));
  else if (m->success) {
    printf("%s\n", str(m->message));
    fflush(stdout);
  }
  if (m->success) return LMSC_EXIT_OK;
  lmsc_error("%s failed: %s", what, m->message && m->message[0] ? m->message : "(no message)");
  return LMSC_EXIT_FAILED;
}

static int print_set_model(const lmsc_options *o, const void *response) {
  return print_message(o, response, "set_model");
}

static int print_reset(const lmsc_options *o, const void *response) {
  return print_message(o, response, "reset_chat");
}

int lmsc_cmd_models(lmsc_session *s) {
  models_req req = {0};
  return call_service(s, "list_models", "lm_studio_interfaces/srv/ListModels", &req,
                      print_models, "listing models");
}

int lmsc_cmd_embed(lmsc_session *s) {
  const lmsc_options *o = s->o;
  embed_req req = {.text = o->text, .model = (char *)(o->model ? o->model : ""),
                   .timeout = o->request_timeout};
  return call_service(s, "get_embeddings", "lm_studio_interfaces/srv/GetEmbeddings", &req,
                      print_embeddings, "computing embeddings");
}

int lmsc_cmd_set_model(lmsc_session *s) {
  set_model_req req = {.model_name = s->o->text};
  return call_service(s, "set_model", "lm_studio_interfaces/srv/SetModel", &req,
                      print_set_model, "setting the model");
}

int lmsc_cmd_reset(lmsc_session *s) {
  reset_req req = {0};
  return call_service(s, "reset_chat", "lm_studio_interfaces/srv/ResetChat", &req, print_reset,
                      "resetting the chat");
}
