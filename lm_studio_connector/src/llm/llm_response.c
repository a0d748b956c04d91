/* llm_response.c: decoding of complete (non-streamed) bodies: llm_response_decode and
 * llm_response_find_error of llm_response.h. Streams are in llm_stream.c.
 * Guarantees: an error the server reports wins over everything else (whatever the HTTP status);
 * a non-2xx status is never read as success; every list and text is bounded (limits.h); text
 * handed out is valid UTF-8 without NUL; out->text and out->reasoning are never NULL afterwards
 * (unless memory ran out). Pure: no I/O, no global state, any thread. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/limits.h"
#include "llm_json.h"
#include "llm_response.h"
#include "llm_text.h"
#include "llm_think.h"

static llm_status no_memory(llm_error *e) {
  return llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory while decoding the answer");
}

static llm_status append_failed(llm_error *e, llm_status st, const char *what) {
  if (st == LLM_ERR_TOO_LARGE)
    return llm_error_set(e, st, "the %s exceeded the limit of %u bytes", what,
                         (unsigned)LMS_MAX_ANSWER_TEXT);
  return no_memory(e);
}

/* Where the answer's text goes; the think splitter writes into it. */
typedef struct text_sink {
  dynbuf text, reasoning;
  llm_error *e;
} text_sink;

static llm_status sink_emit(void *ctx, llm_delta_kind kind, const char *s, size_t n) {
  text_sink *k = ctx;
  bool r = kind == LLM_DELTA_REASONING;
  llm_status st = llm_text_append(r ? &k->reasoning : &k->text, s, n);
  return st == LLM_OK ? st : append_failed(k->e, st, r ? "reasoning" : "answer");
}

static void read_stats(const json_t *st, llm_stats *out) {
  if (!json_is_object(st)) return; /* /v1 sends {} : not present */
  const json_t *tps = json_object_get(st, "tokens_per_second");
  const json_t *ttft = json_object_get(st, "time_to_first_token");
  const json_t *gen = json_object_get(st, "generation_time");
  const char *stop = llm_json_str(st, "stop_reason");
  out->present = json_is_number(tps) || json_is_number(ttft) || json_is_number(gen) || stop;
  out->tokens_per_second = json_number_value(tps);
  out->time_to_first_token_s = json_number_value(ttft);
  out->generation_time_s = json_number_value(gen);
  if (stop) {
    size_t n = strlen(stop);
    if (n >= sizeof out->stop_reason) n = llm_text_utf8_cut(stop, sizeof out->stop_reason - 1);
    memcpy(out->stop_reason, stop, n);
    out->stop_reason[n] = '\0';
  }
}

/* A string field copied through llm_text_append (NUL-safe, bounded); "" when absent. */
static llm_status dup_text(const json_t *v, char **dst, llm_error *e, const char *what) {
  dynbuf b;
  dynbuf_init(&b, LMS_MAX_ANSWER_TEXT);
  llm_status st = LLM_OK;
  if (json_is_string(v)) {
    st = llm_text_append(&b, json_string_value(v), json_string_length(v));
  } else if (json_is_object(v) || json_is_array(v)) {
    /* Some servers send tool arguments as JSON rather than as a string holding JSON. */
    char *dumped = json_dumps(v, JSON_COMPACT);
    st = dumped ? llm_text_append(&b, dumped, strlen(dumped)) : LLM_ERR_NO_MEMORY;
    free(dumped);
  }
  if (st != LLM_OK) {
    dynbuf_free(&b);
    return append_failed(e, st, what);
  }
  *dst = dynbuf_take(&b);
  return *dst ? LLM_OK : no_memory(e);
}

static llm_status decode_tools(const json_t *calls, llm_result *out) {
  llm_error *e = &out->error;
  size_t n = json_array_size(calls); /* absent or [] : no tool calls */
  if (!n) return LLM_OK;
  if (n > LMS_MAX_TOOL_CALLS)
    return llm_error_set(e, LLM_ERR_TOO_LARGE, "the answer has %zu tool calls, more than the limit of %d",
                         n, LMS_MAX_TOOL_CALLS);
  out->tool_calls = calloc(n, sizeof *out->tool_calls);
  if (!out->tool_calls) return no_memory(e);
  out->n_tool_calls = n;
  for (size_t i = 0; i < n; i++) {
    const json_t *tc = json_array_get(calls, i);
    if (!json_is_object(tc))
      return llm_error_set(e, LLM_ERR_MALFORMED, "tool call %zu in the answer is not an object", i);
    const json_t *fn = json_object_get(tc, "function");
    llm_tool_call *t = &out->tool_calls[i];
    llm_status st;
    if ((st = dup_text(json_object_get(tc, "id"), &t->id, e, "tool call id")) != LLM_OK ||
        (st = dup_text(json_object_get(fn, "name"), &t->name, e, "tool name")) != LLM_OK ||
        (st = dup_text(json_object_get(fn, "arguments"), &t->arguments, e, "tool call arguments")) != LLM_OK)
      return st;
  }
  return LLM_OK;
}

static llm_status read_message(const json_t *msg, text_sink *k, llm_result *out) {
  llm_status st;
  /* Prefer reasoning_content: a server sending both (vLLM did) sends the same text twice. */
  const json_t *r = json_object_get(msg, "reasoning_content");
  if (!json_is_string(r) || json_string_length(r) == 0) r = json_object_get(msg, "reasoning");
  if (json_is_string(r) &&
      (st = sink_emit(k, LLM_DELTA_REASONING, json_string_value(r), json_string_length(r))) != LLM_OK)
    return st;
  const json_t *content = json_object_get(msg, "content"); /* string, null or absent */
  if (json_is_string(content)) {
    think_splitter t;
    think_init(&t);
    if ((st = think_feed(&t, json_string_value(content), json_string_length(content), sink_emit, k)) != LLM_OK ||
        (st = think_flush(&t, sink_emit, k)) != LLM_OK)
      return st;
  }
  return decode_tools(json_object_get(msg, "tool_calls"), out);
}

static llm_status decode_answer(llm_op op, const json_t *root, llm_result *out) {
  llm_error *e = &out->error;
  if (!llm_json_dup(root, "model", &out->model)) return no_memory(e);
  llm_json_read_usage(json_object_get(root, "usage"), &out->usage);
  read_stats(json_object_get(root, "stats"), &out->stats);
  const json_t *c = json_array_get(json_object_get(root, "choices"), 0);
  if (!c) return llm_error_set(e, LLM_ERR_MALFORMED, "the server's answer has no choices");
  if (!json_is_object(c))
    return llm_error_set(e, LLM_ERR_MALFORMED, "the server's first choice is not an object");
  if (!llm_json_dup(c, "finish_reason", &out->finish_reason)) return no_memory(e);
  text_sink k = {.e = e};
  dynbuf_init(&k.text, LMS_MAX_ANSWER_TEXT);
  dynbuf_init(&k.reasoning, LMS_MAX_ANSWER_TEXT);
  llm_status st = LLM_OK;
  const json_t *msg = json_object_get(c, "message");
  if (op == LLM_OP_CHAT && json_is_object(msg)) {
    st = read_message(msg, &k, out);
  } else {
    /* COMPLETION; also a chat answer in completion shape. Raw completions get no <think>
     * splitting: without a chat template the text is whatever the prompt continues. */
    const json_t *t = json_object_get(c, "text");
    if (json_is_string(t))
      st = sink_emit(&k, LLM_DELTA_CONTENT, json_string_value(t), json_string_length(t));
    else if (op == LLM_OP_CHAT)
      st = llm_error_set(e, LLM_ERR_MALFORMED, "the server's first choice has no message");
  }
  if (st == LLM_OK) {
    out->text_len = k.text.len;
    out->text = dynbuf_take(&k.text);
    out->reasoning_len = k.reasoning.len;
    out->reasoning = dynbuf_take(&k.reasoning);
  }
  dynbuf_free(&k.text);
  dynbuf_free(&k.reasoning);
  return st;
}

static llm_status decode_embeddings(const json_t *root, llm_result *out) {
  llm_error *e = &out->error;
  if (!llm_json_dup(root, "model", &out->model)) return no_memory(e);
  llm_json_read_usage(json_object_get(root, "usage"), &out->usage);
  const json_t *data = json_object_get(root, "data");
  if (!json_is_array(data))
    return llm_error_set(e, LLM_ERR_MALFORMED, "the server's answer has no \"data\" array");
  size_t n = json_array_size(data);
  if (!n) return LLM_OK;
  size_t dim = json_array_size(json_object_get(json_array_get(data, 0), "embedding"));
  if (!dim)
    return llm_error_set(e, LLM_ERR_MALFORMED,
                         "embedding 0 is not a non-empty array of numbers (base64 is not supported)");
  if (dim > SIZE_MAX / sizeof(double) / n)
    return llm_error_set(e, LLM_ERR_TOO_LARGE, "the embeddings are too large");
  double *v = malloc(n * dim * sizeof *v);
  unsigned char *seen = calloc(n, 1);
  llm_status st = v && seen ? LLM_OK : no_memory(e);
  for (size_t i = 0; i < n && st == LLM_OK; i++) {
    const json_t *item = json_array_get(data, i);
    const json_t *ji = json_object_get(item, "index");
    /* The order of "data" is not promised: "index" says where each vector belongs. */
    long long idx = json_is_integer(ji) ? json_integer_value(ji) : (long long)i;
    const json_t *emb = json_object_get(item, "embedding");
    if (idx < 0 || (unsigned long long)idx >= n || seen[idx]) {
      st = llm_error_set(e, LLM_ERR_MALFORMED, "embedding %zu has index %lld: out of range or repeated",
                         i, idx);
    } else if (json_array_size(emb) != dim) {
      st = llm_error_set(e, LLM_ERR_MALFORMED,
                         "embedding %zu has %zu values but embedding 0 has %zu: dimensions differ", i,
                         json_array_size(emb), dim);
    } else {
      seen[idx] = 1;
      for (size_t j = 0; j < dim && st == LLM_OK; j++) {
        const json_t *x = json_array_get(emb, j);
        if (!json_is_number(x))
          st = llm_error_set(e, LLM_ERR_MALFORMED, "embedding %zu holds something other than numbers", i);
        else
          v[(size_t)idx * dim + j] = json_number_value(x);
      }
    }
  }
  free(seen);
  if (st != LLM_OK) {
    free(v);
    return st;
  }
  out->embeddings = v;
  out->n_embeddings = n;
  out->dimensions = dim;
  return LLM_OK;
}

static bool has_string(const json_t *arr, const char *s) {
  size_t i;
  const json_t *v;
  json_array_foreach(arr, i, v) {
    if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return true;
  }
  return false;
}

static bool dup_str(const char *s, char **dst) {
  if (!s) return true;
  *dst = strdup(s);
  return *dst != NULL;
}

/* One model entry; native = LM Studio's /api/v1 shape ({"key", "loaded_instances", ...}). */
static bool read_model(const json_t *m, bool native, llm_model_info *mi) {
  const char *type = llm_json_str(m, "type");
  /* /api/v1 says "embedding" where /api/v0 says "embeddings": one spelling for callers. */
  if (type && strcmp(type, "embedding") == 0) type = "embeddings";
  const char *state = llm_json_str(m, "state");
  mi->max_context_length = llm_json_long(m, "max_context_length");
  mi->loaded_context_length = llm_json_long(m, "loaded_context_length");
  const json_t *inst = json_object_get(m, "loaded_instances");
  if (native && json_is_array(inst)) {
    state = json_array_size(inst) ? "loaded" : "not-loaded";
    mi->loaded_context_length =
        llm_json_long(json_object_get(json_array_get(inst, 0), "config"), "context_length");
  }
  const json_t *caps = json_object_get(m, "capabilities");
  if (json_is_array(caps)) { /* /api/v0: ["tool_use", "vision"] */
    mi->tool_use = has_string(caps, "tool_use");
    mi->vision = has_string(caps, "vision");
  } else if (json_is_object(caps)) { /* /api/v1: {"vision": true, "trained_for_tool_use": true} */
    mi->tool_use = json_is_true(json_object_get(caps, "trained_for_tool_use")) ||
                   json_is_true(json_object_get(caps, "tool_use"));
    mi->vision = json_is_true(json_object_get(caps, "vision"));
  }
  if (type && strcmp(type, "vlm") == 0) mi->vision = true;
  return dup_str(type, &mi->type) && dup_str(state, &mi->state);
}

static llm_status decode_models(const json_t *root, llm_result *out) {
  llm_error *e = &out->error;
  const json_t *list = json_object_get(root, "data");
  bool native = !json_is_array(list);
  if (native) list = json_object_get(root, "models");
  if (!json_is_array(list))
    return llm_error_set(e, LLM_ERR_MALFORMED, "the server's answer has no model list (\"data\" or \"models\")");
  size_t n = json_array_size(list);
  if (n > LMS_MAX_MODELS)
    return llm_error_set(e, LLM_ERR_TOO_LARGE, "the server listed %zu models, more than the limit of %d",
                         n, LMS_MAX_MODELS);
  if (!n) return LLM_OK;
  out->models = calloc(n, sizeof *out->models);
  if (!out->models) return no_memory(e);
  for (size_t i = 0; i < n; i++) {
    const json_t *m = json_array_get(list, i);
    const char *id = native && llm_json_str(m, "key") ? llm_json_str(m, "key") : llm_json_str(m, "id");
    if (!id) continue; /* an entry that names no model is no model */
    llm_model_info *mi = &out->models[out->n_models++];
    if (!dup_str(id, &mi->id) || !read_model(m, native, mi)) return no_memory(e);
  }
  return LLM_OK;
}

static llm_status http_error(llm_error *e, long http_status, const char *body, size_t len) {
  if (!len) return llm_error_set(e, LLM_ERR_HTTP, "LM Studio answered HTTP %ld with an empty body", http_status);
  char quote[160];
  llm_text_quote(quote, sizeof quote, body, len, 140);
  return llm_error_set(e, LLM_ERR_HTTP, "LM Studio answered HTTP %ld: \"%s\"", http_status, quote);
}

static llm_status decode(llm_op op, long http_status, const char *body, size_t len, llm_result *out) {
  llm_error *e = &out->error;
  if (len > LMS_MAX_RESPONSE_BODY)
    return llm_error_set(e, LLM_ERR_TOO_LARGE, "the server's answer exceeded the limit of %u bytes",
                         (unsigned)LMS_MAX_RESPONSE_BODY);
  bool ok_status = http_status == 0 || (http_status >= 200 && http_status <= 299);
  json_error_t jerr;
  json_t *root = len ? llm_json_parse(body, len, &jerr) : NULL;
  llm_status st;
  if (json_is_object(root) && llm_json_find_error(root, http_status, e)) st = e->code;
  else if (!ok_status) st = http_error(e, http_status, body, len);
  else if (!len) st = llm_error_set(e, LLM_ERR_MALFORMED, "the server's answer is empty");
  else if (!root) st = llm_json_malformed(e, "the server's answer", &jerr, body, len);
  else if (!json_is_object(root)) st = llm_error_set(e, LLM_ERR_MALFORMED, "the server's answer is not a JSON object");
  else if (op == LLM_OP_CHAT || op == LLM_OP_COMPLETION) st = decode_answer(op, root, out);
  else if (op == LLM_OP_EMBEDDINGS) st = decode_embeddings(root, out);
  else if (op == LLM_OP_MODELS || op == LLM_OP_PROBE) st = decode_models(root, out);
  else st = llm_error_set(e, LLM_ERR_INVALID_ARGUMENT, "unknown operation %d", (int)op);
  json_decref(root);
  return st;
}

llm_status llm_response_decode(llm_op op, long http_status, const char *body, size_t len,
                               llm_result *out) {
  if (!out) return LLM_ERR_INVALID_ARGUMENT;
  out->op = op;
  llm_error_clear(&out->error);
  if (!body && len)
    llm_error_set(&out->error, LLM_ERR_INVALID_ARGUMENT, "no body to decode");
  else
    decode(op, http_status, body, len, out);
  out->error.http_status = http_status;
  if (!out->text) {
    out->text_len = 0;
    out->text = strdup("");
  }
  if (!out->reasoning) {
    out->reasoning_len = 0;
    out->reasoning = strdup("");
  }
  if ((!out->text || !out->reasoning) && out->error.code == LLM_OK) no_memory(&out->error);
  return out->error.code;
}

bool llm_response_find_error(const char *body, size_t len, long http_status, llm_error *e) {
  if (!body || !len) return false;
  json_error_t jerr;
  json_t *root = llm_json_parse(body, len, &jerr);
  llm_error scratch;
  bool found = json_is_object(root) && llm_json_find_error(root, http_status, e ? e : &scratch);
  json_decref(root);
  return found;
}
