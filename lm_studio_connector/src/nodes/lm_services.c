/* lm_services.c: list_models, get_embeddings, set_model and reset_chat. A call that needs the
 * server becomes one HTTP request; the reply goes out from its on_done (ros_service_reply
 * supports late replies), so the loop never blocks. set_model checks the name against the
 * server's list: unknown names are refused with the valid ones; when the server cannot be
 * reached the name is accepted, and the message says it was not verified (a robot may start
 * before LM Studio). Loop thread only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lm_node_internal.h"
#include "lm_params.h"
#include "ros/ros_log.h"
#include "ros/ros_params.h"

typedef lm_studio_interfaces_srv_dds__ListModels_Response_ list_resp;
typedef lm_studio_interfaces_srv_dds__GetEmbeddings_Request_ embed_req;
typedef lm_studio_interfaces_srv_dds__GetEmbeddings_Response_ embed_resp;
typedef lm_studio_interfaces_srv_dds__SetModel_Request_ set_req;
typedef lm_studio_interfaces_srv_dds__SetModel_Response_ set_resp;
typedef lm_studio_interfaces_srv_dds__ResetChat_Response_ reset_resp;

typedef enum call_kind { CALL_LIST, CALL_EMBED, CALL_SET_MODEL } call_kind;

struct lm_call {
  lm_node *n;
  call_kind kind;
  ros_service *srv;
  ros_request_id rid;
  char *model;       /* SET_MODEL: the name asked for; EMBED: model used */
  lm_call *next;
};

static void call_free(lm_call *c) {
  for (lm_call **p = &c->n->calls; *p; p = &(*p)->next)
    if (*p == c) {
      *p = c->next;
      c->n->requests_ended++;
      break;
    }
  free(c->model);
  free(c);
}

static void reply(lm_call *c, void *resp) {
  ros_error e;
  if (ros_service_reply(c->srv, &c->rid, resp, &e) != ROS_OK)
    ROS_WARN(c->n->node, "%s: reply not sent: %s", ros_service_name(c->srv), e.message);
}

static void failure_text(lm_call *c, const llm_result *r, char *out, size_t size) {
  lm_describe_failure(c->n, &r->error, c->model, out, size);
}

static void done_list(lm_call *c, llm_result *r) {
  list_resp resp = {0};
  char msg[LLM_ERROR_MESSAGE_MAX + 512] = "";
  char **names = NULL;
  if (r->error.code == LLM_OK) {
    names = calloc(r->n_models ? r->n_models : 1, sizeof *names);
    for (size_t i = 0; names && i < r->n_models; i++) names[i] = r->models[i].id;
    resp.models._buffer = names;
    resp.models._length = resp.models._maximum = names ? (uint32_t)r->n_models : 0;
    resp.count = (int32_t)resp.models._length;
    resp.success = names != NULL;
    if (!names) snprintf(msg, sizeof msg, "out of memory");
  } else {
    failure_text(c, r, msg, sizeof msg);
  }
  resp.error_message = msg;
  reply(c, &resp);
  free(names);
}

static void done_embed(lm_call *c, llm_result *r) {
  embed_resp resp = {0};
  char msg[LLM_ERROR_MESSAGE_MAX + 512] = "";
  if (r->error.code == LLM_OK && r->n_embeddings > 0) {
    resp.embeddings._buffer = r->embeddings;
    resp.embeddings._length = resp.embeddings._maximum = (uint32_t)r->dimensions;
    resp.dimensions = (int32_t)r->dimensions;
    resp.success = true;
  } else if (r->error.code == LLM_OK) {
    snprintf(msg, sizeof msg, "the server returned no embedding");
  } else {
    failure_text(c, r, msg, sizeof msg);
  }
  resp.error_message = msg;
  reply(c, &resp);
}

static bool is_unreachable(llm_status s) {
  return s == LLM_ERR_CONNECT_REFUSED || s == LLM_ERR_DNS || s == LLM_ERR_TIMEOUT_CONNECT ||
         s == LLM_ERR_NETWORK || s == LLM_ERR_TIMEOUT_FIRST_BYTE || s == LLM_ERR_TIMEOUT_TOTAL;
}

static bool set_model_param(lm_node *n, const char *name, char *err, size_t size) {
  ros_param_value v;
  ros_param_value_init(&v);
  ros_error e;
  bool ok = ros_param_value_set_string(&v, name) == ROS_PARAM_OK &&
            ros_params_set(n->node, "model_name", &v, &e) == ROS_OK;
  if (!ok) snprintf(err, size, "%s", e.message);
  ros_param_value_fini(&v);
  return ok;
}

bool lm_set_model_from_list(lm_node *n, const char *name, const llm_result *r, char *msg,
                            size_t size) {
  bool known = false, ok = false;
  if (r->error.code == LLM_OK) {
    for (size_t i = 0; i < r->n_models; i++)
      if (strcmp(r->models[i].id, name) == 0) known = true;
    if (!known) {
      dynbuf b;
      dynbuf_init(&b, size > 128 ? size - 128 : 1);
      for (size_t i = 0; i < r->n_models; i++)
        if (!dynbuf_printf(&b, "%s%s", i ? ", " : "", r->models[i].id)) break;
      snprintf(msg, size, "unknown model '%s'; the server has: %s", name,
               b.len ? b.data : "(no models)");
      dynbuf_free(&b);
    }
  }
  if (r->error.code == LLM_OK && known) {
    char err[ROS_ERROR_MESSAGE_MAX];
    ok = set_model_param(n, name, err, sizeof err);
    if (ok)
      snprintf(msg, size, "model set to '%s'", name);
    else
      snprintf(msg, size, "cannot set model_name: %s", err);
  } else if (r->error.code != LLM_OK && is_unreachable(r->error.code)) {
    char err[ROS_ERROR_MESSAGE_MAX];
    ok = set_model_param(n, name, err, sizeof err);
    if (ok)
      snprintf(msg, size,
               "model set to '%s' but NOT verified: the server at %s could not be reached (%s)",
               name, n->url, r->error.message);
    else
      snprintf(msg, size, "cannot set model_name: %s", err);
  } else if (r->error.code != LLM_OK) {
    lm_describe_failure(n, &r->error, name, msg, size);
  }
  if (ok) ROS_INFO(n->node, "%s", msg);
  return ok;
}

static void done_set_model(lm_call *c, llm_result *r) {
  set_resp resp = {0};
  char msg[LLM_ERROR_MESSAGE_MAX + 1024] = "";
  resp.success = lm_set_model_from_list(c->n, c->model, r, msg, sizeof msg);
  resp.message = msg;
  reply(c, &resp);
}

static void on_call_done(void *user, uint64_t id, llm_result *r) {
  lm_call *c = user;
  lm_status_note(c->n, r);
  switch (c->kind) {
  case CALL_LIST: done_list(c, r); break;
  case CALL_EMBED: done_embed(c, r); break;
  case CALL_SET_MODEL: done_set_model(c, r); break;
  }
  call_free(c);
}

static const llm_callbacks call_callbacks = {NULL, on_call_done};

static lm_call *call_new(lm_node *n, call_kind kind, ros_service *s, const ros_request_id *id,
                         const char *model) {
  lm_call *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->n = n;
  c->kind = kind;
  c->srv = s;
  c->rid = *id;
  c->model = strdup(model ? model : "");
  if (!c->model) {
    free(c);
    return NULL;
  }
  c->next = n->calls;
  n->calls = c;
  return c;
}

static llm_timeouts call_timeouts(lm_node *n, int timeout_s) {
  long t = timeout_s > 0 ? timeout_s : (long)lm_params_int(n->node, "timeout");
  return (llm_timeouts){.total_ms = t * 1000};
}

/* Submit failed: answer now with the reason (on_done will not run). */
static void submit_failed(lm_call *c, const llm_error *e) {
  llm_result r = {.error = *e};
  on_call_done(c, 0, &r);
}

static void on_list(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  lm_node *n = user;
  lm_call *c = call_new(n, CALL_LIST, s, id, NULL);
  if (!c) return;
  llm_timeouts t = call_timeouts(n, 0);
  llm_error e;
  if (!llm_client_list_models(n->client, &t, &call_callbacks, c, &e)) submit_failed(c, &e);
}

static void on_embed(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  lm_node *n = user;
  const embed_req *q = request;
  char msg[256];
  if (!lm_prompt_fits(n, q->text, false, msg, sizeof msg)) { /* refused before any request */
    embed_resp resp = {.success = false, .error_message = msg};
    ros_error e;
    if (ros_service_reply(s, id, &resp, &e) != ROS_OK)
      ROS_WARN(n->node, "get_embeddings: reply not sent: %s", e.message);
    return;
  }
  /* An empty model lets the server pick its loaded embedding model: model_name is a chat model. */
  lm_call *c = call_new(n, CALL_EMBED, s, id, q->model);
  if (!c) return;
  llm_timeouts t = call_timeouts(n, q->timeout);
  llm_error e;
  const char *texts[1] = {q->text ? q->text : ""};
  if (!llm_client_embed(n->client, c->model[0] ? c->model : NULL, texts, 1, &t, &call_callbacks,
                        c, &e))
    submit_failed(c, &e);
}

static void on_set_model(void *user, ros_service *s, const void *request,
                         const ros_request_id *id) {
  lm_node *n = user;
  const set_req *q = request;
  if (!q->model_name || !q->model_name[0]) {
    set_resp resp = {.success = false, .message = "model_name must not be empty"};
    ros_error e;
    if (ros_service_reply(s, id, &resp, &e) != ROS_OK)
      ROS_WARN(n->node, "set_model: reply not sent: %s", e.message);
    return;
  }
  lm_call *c = call_new(n, CALL_SET_MODEL, s, id, q->model_name);
  if (!c) return;
  llm_timeouts t = call_timeouts(n, 0);
  llm_error e;
  if (!llm_client_list_models(n->client, &t, &call_callbacks, c, &e)) submit_failed(c, &e);
}

void lm_reset_chat(lm_node *n, char *msg, size_t size) {
  size_t before = lm_history_messages(&n->history);
  lm_history_clear(&n->history);
  snprintf(msg, size, "chat history cleared (%zu messages)", before);
}

static void on_reset(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  lm_node *n = user;
  char msg[128];
  lm_reset_chat(n, msg, sizeof msg);
  reset_resp resp = {.success = true, .message = msg};
  ros_error e;
  if (ros_service_reply(s, id, &resp, &e) != ROS_OK)
    ROS_WARN(n->node, "reset_chat: reply not sent: %s", e.message);
  ROS_INFO(n->node, "%s", msg);
}

ros_status lm_services_create(lm_node *n, ros_error *e) {
  ros_qos q = ros_qos_services;
  q.depth = 100; /* bursts of callers */
  ros_status st = ros_service_create(n->node, "list_models", "lm_studio_interfaces/srv/ListModels",
                                     &q, on_list, n, &n->srv_list, e);
  if (st == ROS_OK)
    st = ros_service_create(n->node, "get_embeddings", "lm_studio_interfaces/srv/GetEmbeddings",
                            &q, on_embed, n, &n->srv_embed, e);
  if (st == ROS_OK)
    st = ros_service_create(n->node, "set_model", "lm_studio_interfaces/srv/SetModel", &q,
                            on_set_model, n, &n->srv_set_model, e);
  if (st == ROS_OK)
    st = ros_service_create(n->node, "reset_chat", "lm_studio_interfaces/srv/ResetChat", &q,
                            on_reset, n, &n->srv_reset, e);
  return st;
}

void lm_services_destroy(lm_node *n) {
  while (n->calls) call_free(n->calls);
  ros_service_destroy(n->srv_list);
  ros_service_destroy(n->srv_embed);
  ros_service_destroy(n->srv_set_model);
  ros_service_destroy(n->srv_reset);
  n->srv_list = n->srv_embed = n->srv_set_model = n->srv_reset = NULL;
}
