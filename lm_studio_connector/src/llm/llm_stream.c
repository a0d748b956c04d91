/* llm_stream.c: the streamed-response decoder (llm_stream_* in llm_response.h).
 * Bytes go through the SSE parser; each event's JSON chunk becomes deltas, delivered in the
 * order the server sent them, and is accumulated for llm_stream_finish. Guarantees: the deltas
 * do not depend on how the body was split; every accumulation is bounded (LMS_MAX_ANSWER_TEXT
 * per text, LMS_MAX_TOOL_CALLS, LMS_MAX_SSE_LINE per line); the first error ends the stream and
 * is kept; delta text is valid UTF-8 without NUL, pointing into the accumulated text.
 * Not thread-safe: the HTTP client's loop thread feeds one decoder per response. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../common/limits.h"
#include "llm_json.h"
#include "llm_response.h"
#include "llm_text.h"
#include "llm_think.h"

/* Bytes kept from the start of a body until its first event, to explain a body that is not an
 * event stream at all (LM Studio answers an unknown route with 200 and a JSON error). */
#define HEAD_MAX 4096

typedef struct tool_slot {
  long long index; /* the server's index, the key fragments are accumulated by */
  char *id, *name;
  dynbuf args;
} tool_slot;

struct llm_stream {
  llm_op op;
  llm_delta_fn on_delta;
  void *user;
  sse_parser sse;
  dynbuf head;
  bool saw_event;
  dynbuf text, reasoning;
  think_splitter think;
  tool_slot tools[LMS_MAX_TOOL_CALLS];
  size_t n_tools;
  char *finish_reason, *model;
  llm_usage usage;
  bool done;     /* [DONE] arrived */
  bool failed;   /* error holds why */
  bool finished; /* llm_stream_finish ran: only destroy is allowed */
  llm_error error;
};

llm_stream *llm_stream_create(llm_op op, llm_delta_fn on_delta, void *user) {
  llm_stream *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->op = op;
  s->on_delta = on_delta;
  s->user = user;
  sse_parser_init(&s->sse, LMS_MAX_SSE_LINE);
  dynbuf_init(&s->head, HEAD_MAX);
  dynbuf_init(&s->text, LMS_MAX_ANSWER_TEXT);
  dynbuf_init(&s->reasoning, LMS_MAX_ANSWER_TEXT);
  think_init(&s->think);
  return s;
}

void llm_stream_destroy(llm_stream *s) {
  if (!s) return;
  sse_parser_free(&s->sse);
  dynbuf_free(&s->head);
  dynbuf_free(&s->text);
  dynbuf_free(&s->reasoning);
  for (size_t i = 0; i < s->n_tools; i++) {
    free(s->tools[i].id);
    free(s->tools[i].name);
    dynbuf_free(&s->tools[i].args);
  }
  free(s->finish_reason);
  free(s->model);
  free(s);
}

static void deliver(llm_stream *s, const llm_delta *d) {
  if (s->on_delta) s->on_delta(s->user, d);
}

static llm_status no_memory(llm_stream *s) {
  return llm_error_set(&s->error, LLM_ERR_NO_MEMORY, "out of memory while decoding the stream");
}

static llm_status append_failed(llm_stream *s, llm_status st, const char *what) {
  if (st == LLM_ERR_TOO_LARGE)
    return llm_error_set(&s->error, st, "the %s exceeded the limit of %u bytes", what,
                         (unsigned)LMS_MAX_ANSWER_TEXT);
  return no_memory(s);
}

/* Accumulates answer or reasoning text and delivers it (think_emit_fn). */
static llm_status emit_text(void *ctx, llm_delta_kind kind, const char *text, size_t n) {
  llm_stream *s = ctx;
  bool reasoning = kind == LLM_DELTA_REASONING;
  dynbuf *b = reasoning ? &s->reasoning : &s->text;
  size_t old = b->len;
  llm_status st = llm_text_append(b, text, n);
  if (st != LLM_OK) return append_failed(s, st, reasoning ? "reasoning" : "answer");
  llm_delta d = {.kind = kind, .text = b->data + old, .len = b->len - old};
  deliver(s, &d);
  return LLM_OK;
}

static tool_slot *tool_slot_for(llm_stream *s, long long index, bool *is_new) {
  for (size_t i = 0; i < s->n_tools; i++)
    if (s->tools[i].index == index) {
      *is_new = false;
      return &s->tools[i];
    }
  if (s->n_tools == LMS_MAX_TOOL_CALLS) return NULL;
  tool_slot *t = &s->tools[s->n_tools++];
  t->index = index;
  dynbuf_init(&t->args, LMS_MAX_ANSWER_TEXT);
  *is_new = true;
  return t;
}

/* Sets *field from a fragment when it is not known yet; returns the new value or NULL. */
static const char *learn(char **field, const char *value, bool *oom) {
  if (*field || !value || !*value) return NULL;
  *field = strdup(value);
  if (!*field) *oom = true;
  return *field;
}

static llm_status tool_fragment(llm_stream *s, const json_t *tc, size_t pos) {
  if (!json_is_object(tc)) return LLM_OK;
  const json_t *ji = json_object_get(tc, "index");
  long long index = json_is_integer(ji) ? json_integer_value(ji) : (long long)pos;
  if (index < INT_MIN || index > INT_MAX)
    return llm_error_set(&s->error, LLM_ERR_MALFORMED, "a tool call index is out of range: %lld",
                         index);
  bool is_new;
  tool_slot *t = tool_slot_for(s, index, &is_new);
  if (!t)
    return llm_error_set(&s->error, LLM_ERR_TOO_LARGE, "the answer has more than %d tool calls",
                         LMS_MAX_TOOL_CALLS);
  const json_t *fn = json_object_get(tc, "function");
  bool oom = false;
  const char *new_id = learn(&t->id, llm_json_str(tc, "id"), &oom);
  const char *new_name = learn(&t->name, llm_json_str(fn, "name"), &oom);
  if (oom) return no_memory(s);
  const json_t *jargs = json_object_get(fn, "arguments");
  size_t old = t->args.len;
  llm_status st = LLM_OK;
  if (json_is_string(jargs)) {
    st = llm_text_append(&t->args, json_string_value(jargs), json_string_length(jargs));
  } else if (json_is_object(jargs) || json_is_array(jargs)) {
    /* Some servers send the arguments as JSON rather than as a string holding JSON. */
    char *dumped = json_dumps(jargs, JSON_COMPACT);
    st = dumped ? llm_text_append(&t->args, dumped, strlen(dumped)) : LLM_ERR_NO_MEMORY;
    free(dumped);
  }
  if (st != LLM_OK) return append_failed(s, st, "tool call arguments");
  if (!is_new && !new_id && !new_name && t->args.len == old) return LLM_OK;
  llm_delta d = {.kind = LLM_DELTA_TOOL_CALL,
                 .text = t->args.data ? t->args.data + old : "",
                 .len = t->args.len - old,
                 .tool_index = (int)index,
                 .tool_id = new_id,
                 .tool_name = new_name};
  deliver(s, &d);
  return LLM_OK;
}

static llm_status chat_choice(llm_stream *s, const json_t *c) {
  const json_t *d = json_object_get(c, "delta");
  if (!json_is_object(d)) d = json_object_get(c, "message"); /* whole-message chunks */
  if (!json_is_object(d)) return LLM_OK;
  llm_status st;
  /* Prefer reasoning_content: a server sending both (vLLM did) sends the same text twice. */
  const json_t *r = json_object_get(d, "reasoning_content");
  if (!json_is_string(r) || json_string_length(r) == 0) r = json_object_get(d, "reasoning");
  if (json_is_string(r) && json_string_length(r) &&
      (st = emit_text(s, LLM_DELTA_REASONING, json_string_value(r), json_string_length(r))) != LLM_OK)
    return st;
  const json_t *content = json_object_get(d, "content");
  if (json_is_string(content) &&
      (st = think_feed(&s->think, json_string_value(content), json_string_length(content),
                       emit_text, s)) != LLM_OK)
    return st;
  const json_t *calls = json_object_get(d, "tool_calls");
  size_t i;
  const json_t *tc;
  json_array_foreach(calls, i, tc) {
    if ((st = tool_fragment(s, tc, i)) != LLM_OK) return st;
  }
  return LLM_OK;
}

static llm_status handle_chunk(llm_stream *s, const json_t *root) {
  if (!json_is_object(root))
    return llm_error_set(&s->error, LLM_ERR_MALFORMED, "a streamed chunk is not a JSON object");
  if (llm_json_find_error(root, 0, &s->error)) return s->error.code;
  if (!s->model && !llm_json_dup(root, "model", &s->model)) return no_memory(s);
  llm_status st;
  const json_t *c = json_array_get(json_object_get(root, "choices"), 0);
  if (json_is_object(c)) {
    if (s->op == LLM_OP_COMPLETION) {
      const json_t *t = json_object_get(c, "text");
      if (json_is_string(t) && json_string_length(t) &&
          (st = emit_text(s, LLM_DELTA_CONTENT, json_string_value(t), json_string_length(t))) != LLM_OK)
        return st;
    } else if ((st = chat_choice(s, c)) != LLM_OK) {
      return st;
    }
    const char *fr = llm_json_str(c, "finish_reason");
    if (fr && *fr) {
      /* The answer is complete: a held-back "<thi" was text after all. */
      if ((st = think_flush(&s->think, emit_text, s)) != LLM_OK) return st;
      if (!llm_json_dup(c, "finish_reason", &s->finish_reason)) return no_memory(s);
      llm_delta d = {.kind = LLM_DELTA_FINISH, .text = "", .finish_reason = s->finish_reason};
      deliver(s, &d);
    }
  }
  const json_t *usage = json_object_get(root, "usage");
  if (json_is_object(usage)) {
    llm_json_read_usage(usage, &s->usage);
    llm_delta d = {.kind = LLM_DELTA_USAGE, .text = "", .usage = &s->usage};
    deliver(s, &d);
  }
  return LLM_OK;
}

static bool is_blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') return false;
  return true;
}

static int on_event(void *user, const sse_event *ev) {
  llm_stream *s = user;
  if (!s->saw_event) {
    s->saw_event = true;
    dynbuf_free(&s->head);
  }
  if (is_blank(ev->data, ev->data_len)) return 0; /* an empty data: line carries nothing */
  if (ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0) {
    if (think_flush(&s->think, emit_text, s) != LLM_OK) s->failed = true;
    else s->done = true;
    return 1;
  }
  json_error_t jerr;
  json_t *root = llm_json_parse(ev->data, ev->data_len, &jerr);
  llm_status st;
  if (!root) {
    st = llm_json_malformed(&s->error, "a streamed chunk", &jerr, ev->data, ev->data_len);
  } else {
    st = handle_chunk(s, root);
    json_decref(root);
  }
  if (st == LLM_OK) return 0;
  s->failed = true;
  return 1;
}

static void sse_failed(llm_stream *s, int rc) {
  s->failed = true;
  if (rc == SSE_ERR_LINE_TOO_LONG)
    llm_error_set(&s->error, LLM_ERR_TOO_LARGE,
                  "a streamed line or event exceeded the limit of %u bytes",
                  (unsigned)LMS_MAX_SSE_LINE);
  else
    no_memory(s);
}

llm_status llm_stream_feed(llm_stream *s, const char *bytes, size_t n) {
  if (!s || (!bytes && n)) return LLM_ERR_INVALID_ARGUMENT;
  if (s->failed) return s->error.code;
  if (s->done || s->finished || !n) return LLM_OK;
  if (!s->saw_event && s->head.len < s->head.max) {
    size_t room = s->head.max - s->head.len;
    /* Best effort: the head only serves to explain a failure, so running out is no error. */
    if (!dynbuf_append(&s->head, bytes, n < room ? n : room)) s->head.max = s->head.len;
  }
  int rc = sse_parser_feed(&s->sse, bytes, n, on_event, s);
  if (rc < 0 && !s->failed) sse_failed(s, rc);
  return s->failed ? s->error.code : LLM_OK;
}

bool llm_stream_ended(const llm_stream *s) { return s && (s->done || s->failed); }

static int by_index(const void *a, const void *b) {
  long long x = ((const tool_slot *)a)->index, y = ((const tool_slot *)b)->index;
  return (x > y) - (x < y);
}

static char *take_or_empty(char **p) {
  char *v = *p ? *p : strdup("");
  *p = NULL;
  return v;
}

/* Moves the tool calls out, ordered by index; id, name and arguments are never NULL. */
static bool move_tools(llm_stream *s, llm_result *out) {
  if (!s->n_tools) return true;
  qsort(s->tools, s->n_tools, sizeof s->tools[0], by_index);
  out->tool_calls = calloc(s->n_tools, sizeof *out->tool_calls);
  if (!out->tool_calls) return false;
  out->n_tool_calls = s->n_tools;
  bool ok = true;
  for (size_t i = 0; i < s->n_tools; i++) {
    llm_tool_call *tc = &out->tool_calls[i];
    tc->id = take_or_empty(&s->tools[i].id);
    tc->name = take_or_empty(&s->tools[i].name);
    tc->arguments = dynbuf_take(&s->tools[i].args);
    ok = ok && tc->id && tc->name && tc->arguments;
  }
  return ok;
}

/* The body was over: explains what there was instead of a finished stream. */
static void explain_unfinished(llm_stream *s, llm_error *e) {
  if (!s->saw_event && s->head.len) {
    /* Not an event stream at all: most likely a JSON error body (e.g. an unknown route). */
    if (llm_response_find_error(s->head.data, s->head.len, 0, e)) return;
    char quote[128];
    llm_text_quote(quote, sizeof quote, s->head.data, s->head.len, 100);
    llm_error_set(e, LLM_ERR_MALFORMED, "the server's answer is not an event stream: \"%s\"",
                  quote);
    return;
  }
  llm_error_set(e, LLM_ERR_TRUNCATED, "the server closed the stream before it finished"
                " (no [DONE] and no finish_reason)");
}

llm_status llm_stream_finish(llm_stream *s, llm_result *out) {
  if (!out) return LLM_ERR_INVALID_ARGUMENT;
  if (!s || s->finished)
    return llm_error_set(&out->error, LLM_ERR_INVALID_ARGUMENT,
                         s ? "llm_stream_finish was already called" : "no stream to finish");
  s->finished = true;
  if (!s->failed && !s->done) {
    int rc = sse_parser_finish(&s->sse, on_event, s);
    if (rc < 0 && !s->failed) sse_failed(s, rc);
  }
  if (!s->failed && think_flush(&s->think, emit_text, s) != LLM_OK) s->failed = true;
  out->op = s->op;
  llm_error_clear(&out->error);
  if (s->failed) out->error = s->error;
  else if (!s->done && !s->finish_reason) explain_unfinished(s, &out->error);
  /* Text received before an error is handed over too: it is what the server sent. */
  out->text_len = s->text.len;
  out->text = dynbuf_take(&s->text);
  out->reasoning_len = s->reasoning.len;
  out->reasoning = dynbuf_take(&s->reasoning);
  out->finish_reason = s->finish_reason;
  s->finish_reason = NULL;
  out->model = s->model;
  s->model = NULL;
  out->usage = s->usage;
  bool ok = move_tools(s, out) && out->text && out->reasoning;
  if (!ok && out->error.code == LLM_OK)
    llm_error_set(&out->error, LLM_ERR_NO_MEMORY, "out of memory while handing over the answer");
  return out->error.code;
}
