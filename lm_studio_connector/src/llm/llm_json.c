/* llm_json.c: the JSON helpers of llm_json.h over jansson.
 * Parsing is strict JSON first; only a failure pays for the UTF-8 check and repair, so valid
 * chunks cost one json_loadb. Reading is lenient: a field of the wrong type reads as absent,
 * because servers differ (LM Studio, llama.cpp, Ollama) and an unknown shape must not crash. */
#include "llm_json.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "llm_text.h"

json_t *llm_json_parse(const char *s, size_t n, json_error_t *err) {
  json_t *root = json_loadb(s, n, JSON_ALLOW_NUL, err);
  if (root || llm_text_utf8_valid(s, n)) return root;
  size_t fixed_len;
  char *fixed = llm_text_repair_utf8(s, n, 2 * n, &fixed_len);
  if (!fixed) return NULL;
  json_error_t err2;
  root = json_loadb(fixed, fixed_len, JSON_ALLOW_NUL, &err2);
  free(fixed);
  return root; /* on failure *err keeps the reason found in the original text */
}

llm_status llm_json_malformed(llm_error *e, const char *what, const json_error_t *err,
                              const char *s, size_t n) {
  char quote[96];
  llm_text_quote(quote, sizeof quote, s, n, 80);
  char reason[96];
  llm_text_quote(reason, sizeof reason, err->text, strlen(err->text), 80);
  return llm_error_set(e, LLM_ERR_MALFORMED, "%s is not valid JSON (%s): \"%s\"", what, reason,
                       quote);
}

bool llm_json_find_error(const json_t *root, long http_status, llm_error *e) {
  const json_t *err = json_object_get(root, "error");
  if (!err || json_is_null(err) || json_is_false(err)) return false;
  const char *msg = NULL, *code = NULL;
  if (json_is_string(err)) {
    msg = json_string_value(err);
  } else if (json_is_object(err)) {
    msg = llm_json_str(err, "message");
    code = llm_json_str(err, "code");
    /* api/v1 and llama.cpp put the kind in "type" (e.g. model_not_found) when code is absent. */
    if (!code) code = llm_json_str(err, "type");
  }
  if (!msg) msg = llm_json_str(root, "message");
  llm_error_from_server(e, http_status, msg, code);
  return true;
}

void llm_json_read_usage(const json_t *usage, llm_usage *u) {
  if (!json_is_object(usage)) return;
  u->present = true;
  u->prompt_tokens = llm_json_long(usage, "prompt_tokens");
  u->completion_tokens = llm_json_long(usage, "completion_tokens");
  u->total_tokens = llm_json_long(usage, "total_tokens");
  u->reasoning_tokens =
      llm_json_long(json_object_get(usage, "completion_tokens_details"), "reasoning_tokens");
}

const char *llm_json_str(const json_t *obj, const char *key) {
  const json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

long llm_json_long(const json_t *obj, const char *key) {
  const json_t *v = json_object_get(obj, key);
  if (json_is_integer(v)) {
    json_int_t i = json_integer_value(v);
    return i > LONG_MAX ? LONG_MAX : i < LONG_MIN ? LONG_MIN : (long)i;
  }
  if (json_is_real(v)) {
    double d = json_real_value(v);
    /* Converting an out-of-range double to long is undefined: saturate first. */
    if (d != d) return 0;
    if (d >= 9.2e18) return LONG_MAX;
    if (d <= -9.2e18) return LONG_MIN;
    return (long)d;
  }
  return 0;
}

bool llm_json_dup(const json_t *obj, const char *key, char **dst) {
  const char *s = llm_json_str(obj, key);
  if (!s) return true;
  char *copy = strdup(s);
  if (!copy) return false;
  free(*dst);
  *dst = copy;
  return true;
}
