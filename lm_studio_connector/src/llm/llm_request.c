/* llm_request.c: JSON request bodies for the OpenAI-compatible endpoints (see llm_request.h).
 * Input is checked here, before anything reaches the network: roles, UTF-8 text (jansson
 * refuses invalid UTF-8), image references that must be data URIs, and the body size limit. */
#include "llm_request.h"

#include <jansson.h>
#include <string.h>

#include "common/limits.h"

/* jansson has no public UTF-8 check; a string that json_string accepts is valid. */
static bool is_valid_utf8(const char *s) {
  json_t *v = json_string(s);
  json_decref(v);
  return v != NULL;
}

static const char *role_name(llm_role r) {
  switch (r) {
    case LLM_ROLE_SYSTEM: return "system";
    case LLM_ROLE_USER: return "user";
    case LLM_ROLE_ASSISTANT: return "assistant";
  }
  return NULL;
}

/* jansson returns NULL for invalid UTF-8; say which input was at fault. */
static json_t *text_value(const char *text, const char *what, llm_error *e) {
  json_t *v = json_string(text ? text : "");
  if (!v) llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "%s is not valid UTF-8 text", what);
  return v;
}

static bool is_image_data_uri(const char *url) {
  static const char prefix[] = "data:image/";
  return url && strncmp(url, prefix, sizeof prefix - 1) == 0 && strstr(url, ";base64,") != NULL;
}

static json_t *message_content(const llm_message *m, size_t index, llm_error *e) {
  char what[64];
  snprintf(what, sizeof what, "the text of message %zu", index);
  if (m->n_images == 0) return text_value(m->text, what, e);

  json_t *parts = json_array();
  if (m->text && m->text[0]) {
    json_t *t = text_value(m->text, what, e);
    if (!t) goto fail;
    json_array_append_new(parts, json_pack("{s:s, s:o}", "type", "text", "text", t));
  }
  for (size_t i = 0; i < m->n_images; i++) {
    const char *url = m->image_urls ? m->image_urls[i] : NULL;
    if (!is_image_data_uri(url)) {
      llm_error_set(e, LLM_ERR_INVALID_ARGUMENT,
                    "image %zu of message %zu is not a data:image/...;base64, URI", i, index);
      goto fail;
    }
    json_t *u = json_string(url);
    if (!u) {
      llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "image %zu of message %zu is not text", i, index);
      goto fail;
    }
    json_array_append_new(parts, json_pack("{s:s, s:{s:o}}", "type", "image_url", "image_url",
                                           "url", u));
  }
  return parts;
fail:
  json_decref(parts);
  return NULL;
}

static void add_sampling(json_t *root, const llm_request_opts *o) {
  if (o->model && o->model[0]) json_object_set_new(root, "model", json_string(o->model));
  if (o->max_tokens > 0) json_object_set_new(root, "max_tokens", json_integer(o->max_tokens));
  if (o->set_temperature) json_object_set_new(root, "temperature", json_real(o->temperature));
  json_object_set_new(root, "stream", json_boolean(o->stream));
  if (o->stream)
    json_object_set_new(root, "stream_options", json_pack("{s:b}", "include_usage", 1));
}

/* Serializes and checks the size limit; consumes root. */
static char *finish_body(json_t *root, size_t *len, llm_error *e) {
  char *body = json_dumps(root, JSON_COMPACT);
  json_decref(root);
  if (!body) {
    llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory building the request");
    return NULL;
  }
  size_t n = strlen(body);
  if (n > LMS_MAX_REQUEST_BODY) {
    free(body);
    llm_error_set(e, LLM_ERR_TOO_LARGE, "request body of %zu bytes exceeds the limit of %u bytes",
                  n, LMS_MAX_REQUEST_BODY);
    return NULL;
  }
  if (len) *len = n;
  return body;
}

static bool valid_model(const char *model, llm_error *e) {
  if (!model || is_valid_utf8(model)) return true;
  llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "model name is not valid UTF-8");
  return false;
}

char *llm_request_chat(const llm_request_opts *o, const llm_message *msgs, size_t n_msgs,
                       size_t *len, llm_error *e) {
  if (!o || !msgs || n_msgs == 0) {
    llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "a chat needs options and at least one message");
    return NULL;
  }
  if (!valid_model(o->model, e)) return NULL;

  json_t *messages = json_array();
  for (size_t i = 0; i < n_msgs; i++) {
    const char *role = role_name(msgs[i].role);
    if (!role) {
      llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "message %zu has an unknown role", i);
      json_decref(messages);
      return NULL;
    }
    json_t *content = message_content(&msgs[i], i, e);
    if (!content) {
      json_decref(messages);
      return NULL;
    }
    json_array_append_new(messages, json_pack("{s:s, s:o}", "role", role, "content", content));
  }
  json_t *root = json_object();
  add_sampling(root, o);
  json_object_set_new(root, "messages", messages);
  return finish_body(root, len, e);
}

char *llm_request_completion(const llm_request_opts *o, const char *prompt, size_t *len,
                             llm_error *e) {
  if (!o || !prompt) {
    llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "a completion needs options and a prompt");
    return NULL;
  }
  if (!valid_model(o->model, e)) return NULL;
  json_t *p = text_value(prompt, "the prompt", e);
  if (!p) return NULL;
  json_t *root = json_object();
  add_sampling(root, o);
  json_object_set_new(root, "prompt", p);
  return finish_body(root, len, e);
}

char *llm_request_embeddings(const char *model, const char *const *texts, size_t n_texts,
                             size_t *len, llm_error *e) {
  if (!texts || n_texts == 0) {
    llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "embeddings need at least one text");
    return NULL;
  }
  if (!valid_model(model, e)) return NULL;
  json_t *root = json_object();
  if (model && model[0]) json_object_set_new(root, "model", json_string(model));
  json_t *input = NULL;
  if (n_texts == 1) {
    input = text_value(texts[0], "the text to embed", e);
  } else {
    input = json_array();
    for (size_t i = 0; i < n_texts && input; i++) {
      char what[48];
      snprintf(what, sizeof what, "text %zu to embed", i);
      json_t *t = text_value(texts[i], what, e);
      if (!t) {
        json_decref(input);
        input = NULL;
      } else {
        json_array_append_new(input, t);
      }
    }
  }
  if (!input) {
    json_decref(root);
    return NULL;
  }
  json_object_set_new(root, "input", input);
  return finish_body(root, len, e);
}
