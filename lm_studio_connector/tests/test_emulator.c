/* test_emulator.c: the LM Studio emulator speaks LM Studio's wire shapes and misbehaves on
 * demand. Every case starts its own emulator on an ephemeral 127.0.0.1 port, talks to it with
 * libcurl easy handles (threads for the concurrent case) and checks bodies with jansson. */
#include "lms_emulator.h"

#include "common/clock.h"
#include "common/dynbuf.h"
#include "common/limits.h"
#include "testing.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>

/* ---- HTTP helpers ---- */

typedef struct call {
  const char *method; /* NULL: POST with a body, else GET */
  const char *path;
  const char *body;
  const char *headers[4];
  int abort_after_events; /* > 0: hang up once this many SSE events have arrived */
  CURL *curl;             /* a handle to reuse (keep-alive); NULL: a fresh one */
} call;

typedef struct http_res {
  CURLcode rc;
  long status;
  dynbuf body;
  dynbuf headers;
  char ctype[128];
  int writes;
  int abort_after_events;
  double seconds;
  double first_byte_s;
} http_res;

static size_t on_write(char *p, size_t size, size_t n, void *ud) {
  http_res *r = ud;
  r->writes++;
  if (!dynbuf_append(&r->body, p, size * n)) return 0;
  if (r->abort_after_events > 0) {
    int events = 0;
    for (const char *s = r->body.data; (s = strstr(s, "\n\n")) != NULL; s += 2) events++;
    if (events >= r->abort_after_events) return 0;
  }
  return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
  http_res *r = ud;
  return dynbuf_append(&r->headers, p, size * n) ? size * n : 0;
}

static http_res run(lms_emu *e, call c) {
  http_res r;
  memset(&r, 0, sizeof r);
  dynbuf_init(&r.body, 512u << 20);
  dynbuf_init(&r.headers, 1u << 20);
  r.abort_after_events = c.abort_after_events;
  CURL *h = c.curl ? c.curl : curl_easy_init();
  CHECK(h != NULL);
  char url[512];
  snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)lms_emu_port(e), c.path);
  struct curl_slist *hdrs = NULL;
  if (c.body) hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
  for (int i = 0; i < 4 && c.headers[i]; i++) hdrs = curl_slist_append(hdrs, c.headers[i]);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, c.body);
  if (!c.body) curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, c.method);
  int64_t t0 = clock_mono_ns();
  r.rc = curl_easy_perform(h);
  r.seconds = (double)(clock_mono_ns() - t0) / 1e9;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME, &r.first_byte_s);
  char *ct = NULL;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
  if (ct) snprintf(r.ctype, sizeof r.ctype, "%s", ct);
  if (!dynbuf_append(&r.body, "", 0) || !dynbuf_append(&r.headers, "", 0)) CHECK(false);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all(hdrs);
  if (!c.curl) curl_easy_cleanup(h);
  return r;
}

static void res_free(http_res *r) {
  dynbuf_free(&r->body);
  dynbuf_free(&r->headers);
}

static json_t *parse(const char *s) {
  json_error_t err;
  json_t *j = json_loads(s, JSON_DECODE_ANY, &err);
  CHECK_MSG(j != NULL, "not JSON (%s): %.300s", err.text, s);
  return j;
}

static const char *str_at(json_t *j, const char *path) {
  /* path like "choices.0.message.content": object keys and array indexes */
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *tok = buf, *next; tok && j; tok = next) {
    next = strchr(tok, '.');
    if (next) *next++ = '\0';
    if (json_is_array(j)) j = json_array_get(j, strtoul(tok, NULL, 10));
    else j = json_object_get(j, tok);
  }
  return json_string_value(j);
}

static json_t *at(json_t *j, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *tok = buf, *next; tok && j; tok = next) {
    next = strchr(tok, '.');
    if (next) *next++ = '\0';
    if (json_is_array(j)) j = json_array_get(j, strtoul(tok, NULL, 10));
    else j = json_object_get(j, tok);
  }
  return j;
}

/* A chat request body; extra (a JSON object text or NULL) is merged in. Caller frees. */
static char *chat_body(const char *model, const char *text, bool stream, const char *extra) {
  json_t *o = json_pack("{s:[{s:s,s:s},{s:s,s:s}],s:b}", "messages", "role", "system", "content",
                        "Be brief.", "role", "user", "content", text, "stream", stream);
  if (model) json_object_set_new(o, "model", json_string(model));
  if (extra) {
    json_t *x = parse(extra);
    json_object_update(o, x);
    json_decref(x);
  }
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

static http_res post_chat(lms_emu *e, const char *model, const char *text, bool stream,
                          const char *extra) {
  char *body = chat_body(model, text, stream, extra);
  http_res r = run(e, (call){.path = "/v1/chat/completions", .body = body});
  free(body);
  return r;
}

/* ---- SSE helpers ---- */

#define MAX_EVENTS 4096

typedef struct sse {
  int n;
  char *data[MAX_EVENTS]; /* payloads of the data: lines, in order */
} sse;

static void sse_parse(const char *body, sse *s) {
  memset(s, 0, sizeof *s);
  const char *p = body;
  while (*p) {
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    size_t len = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
    if (len >= 5 && strncmp(p, "data:", 5) == 0 && s->n < MAX_EVENTS) {
      size_t skip = len > 5 && p[5] == ' ' ? 6 : 5;
      s->data[s->n] = strndup(p + skip, len - skip);
      s->n++;
    }
    p += eol ? n + 1 : n;
  }
}

static void sse_free(sse *s) {
  for (int i = 0; i < s->n; i++) free(s->data[i]);
  s->n = 0;
}

/* Concatenates one delta field over every chunk (chat) or choices[0].text (completion). */
static char *sse_join(const sse *s, const char *field) {
  dynbuf b;
  dynbuf_init(&b, 64u << 20);
  CHECK(dynbuf_append(&b, "", 0));
  for (int i = 0; i < s->n; i++) {
    if (strcmp(s->data[i], "[DONE]") == 0) continue;
    json_t *j = json_loads(s->data[i], 0, NULL);
    if (!j) continue;
    json_t *c0 = json_array_get(json_object_get(j, "choices"), 0);
    json_t *v = field ? json_object_get(json_object_get(c0, "delta"), field)
                      : json_object_get(c0, "text");
    if (json_is_string(v)) CHECK(dynbuf_append(&b, json_string_value(v), json_string_length(v)));
    json_decref(j);
  }
  return dynbuf_take(&b);
}

static lms_emu *start(void) {
  lms_emu *e = lms_emu_start(NULL);
  CHECK(e != NULL);
  CHECK(lms_emu_port(e) != 0);
  return e;
}

/* ---- models ---- */

TEST(emulator_models_v1_lists_all_without_created) {
  lms_emu *e = start();
  http_res r = run(e, (call){.path = "/v1/models"});
  CHECK_EQ_INT(r.rc, CURLE_OK);
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.ctype, "application/json; charset=utf-8");
  CHECK_CONTAINS(r.headers.data, "X-Powered-By: Express");
  CHECK(strncmp(r.body.data, "{\"data\":[", 9) == 0); /* key order: data, then object */
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "object"), "list");
  CHECK_EQ_INT(json_array_size(json_object_get(j, "data")), 4);
  CHECK_EQ_STR(str_at(j, "data.0.id"), "qwen2-vl-2b-instruct");
  CHECK_EQ_STR(str_at(j, "data.2.id"), "text-embedding-nomic-embed-text-v1.5");
  CHECK_EQ_STR(str_at(j, "data.0.owned_by"), "organization_owner");
  CHECK(at(j, "data.0.created") == NULL);
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_models_v0_reports_type_and_state) {
  lms_emu *e = start();
  http_res r = run(e, (call){.path = "/api/v0/models"});
  CHECK_EQ_INT(r.status, 200);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "data.0.type"), "vlm");
  CHECK_EQ_STR(str_at(j, "data.0.state"), "loaded");
  CHECK_EQ_INT(json_integer_value(at(j, "data.0.max_context_length")), 32768);
  CHECK_EQ_INT(json_integer_value(at(j, "data.0.loaded_context_length")), 4096);
  CHECK_EQ_STR(str_at(j, "data.0.capabilities.0"), "tool_use");
  CHECK_EQ_STR(str_at(j, "data.0.compatibility_type"), "gguf");
  CHECK_EQ_STR(str_at(j, "data.2.type"), "embeddings");
  CHECK_EQ_STR(str_at(j, "data.3.id"), "qwen3-8b-big");
  CHECK_EQ_STR(str_at(j, "data.3.state"), "not-loaded");
  CHECK(at(j, "data.3.loaded_context_length") == NULL);
  json_decref(j);
  res_free(&r);

  /* one model by id; and a plain OpenAI server has no /api/v0 at all */
  r = run(e, (call){.path = "/api/v0/models/llama-3.2-1b-instruct"});
  j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "type"), "llm");
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);

  lms_emu_config cfg = {.no_api_v0 = true};
  e = lms_emu_start(&cfg);
  CHECK(e != NULL);
  r = run(e, (call){.path = "/api/v0/models"});
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.body.data, "{\"error\":\"Unexpected endpoint or method. (GET /api/v0/models)\"}");
  res_free(&r);
  lms_emu_stop(e);
}

/* ---- chat ---- */

TEST(emulator_chat_nonstream_has_lmstudio_shape) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "hello there", false, NULL);
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.ctype, "application/json; charset=utf-8");
  json_t *j = parse(r.body.data);
  const char *id = str_at(j, "id");
  CHECK(id && strncmp(id, "chatcmpl-", 9) == 0 && strlen(id) == 9 + 21);
  CHECK_EQ_STR(str_at(j, "object"), "chat.completion");
  CHECK(json_integer_value(at(j, "created")) > 1600000000);
  CHECK_EQ_STR(str_at(j, "model"), "llama-3.2-1b-instruct");
  CHECK_EQ_STR(str_at(j, "system_fingerprint"), "llama-3.2-1b-instruct");
  CHECK_EQ_STR(str_at(j, "choices.0.message.role"), "assistant");
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "You said: hello there");
  CHECK_EQ_STR(str_at(j, "choices.0.message.reasoning_content"), "");
  CHECK(json_is_array(at(j, "choices.0.message.tool_calls")));
  CHECK_EQ_INT(json_array_size(at(j, "choices.0.message.tool_calls")), 0);
  CHECK(json_is_null(at(j, "choices.0.logprobs")));
  CHECK_EQ_STR(str_at(j, "choices.0.finish_reason"), "stop");
  CHECK_EQ_INT(json_integer_value(at(j, "usage.completion_tokens")), 4);
  CHECK_EQ_INT(json_integer_value(at(j, "usage.prompt_tokens")), 4);
  CHECK_EQ_INT(json_integer_value(at(j, "usage.total_tokens")), 8);
  CHECK_EQ_INT(json_integer_value(at(j, "usage.completion_tokens_details.reasoning_tokens")), 0);
  CHECK(json_is_object(at(j, "stats")) && json_object_size(at(j, "stats")) == 0);
  json_decref(j);
  res_free(&r);

  /* no model: the first loaded LLM/VLM answers */
  r = post_chat(e, NULL, "hi", false, NULL);
  j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "model"), "qwen2-vl-2b-instruct");
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_chat_v0_adds_stats_model_info_runtime) {
  lms_emu *e = start();
  char *body = chat_body("llama-3.2-1b-instruct", "one two three", false, "{\"max_tokens\":2}");
  http_res r = run(e, (call){.path = "/api/v0/chat/completions", .body = body});
  free(body);
  CHECK_EQ_INT(r.status, 200);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "stats.stop_reason"), "maxPredictedTokensReached");
  CHECK(json_is_number(at(j, "stats.tokens_per_second")));
  CHECK(json_is_number(at(j, "stats.time_to_first_token")));
  CHECK(json_is_number(at(j, "stats.generation_time")));
  CHECK_EQ_STR(str_at(j, "model_info.arch"), "llama");
  CHECK_EQ_STR(str_at(j, "runtime.supported_formats.0"), "gguf");
  CHECK_EQ_STR(str_at(j, "choices.0.finish_reason"), "length");
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "You said:");
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_chat_stream_has_lmstudio_shape) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "hello world", true, NULL);
  CHECK_EQ_INT(r.rc, CURLE_OK);
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.ctype, "text/event-stream");
  CHECK_CONTAINS(r.headers.data, "Cache-Control: no-cache");
  CHECK_CONTAINS(r.headers.data, "Transfer-Encoding: chunked");
  sse s;
  sse_parse(r.body.data, &s);
  /* "You", " said:", " hello", " world", finish, [DONE] */
  CHECK_EQ_INT(s.n, 6);
  CHECK_EQ_STR(s.data[5], "[DONE]");
  const char *id = NULL;
  for (int i = 0; i < 5; i++) {
    json_t *j = parse(s.data[i]);
    CHECK_EQ_STR(str_at(j, "object"), "chat.completion.chunk");
    CHECK_EQ_STR(str_at(j, "model"), "llama-3.2-1b-instruct");
    CHECK_EQ_STR(str_at(j, "system_fingerprint"), "llama-3.2-1b-instruct");
    if (i == 0) id = strdup(str_at(j, "id"));
    CHECK_EQ_STR(str_at(j, "id"), id);
    CHECK(json_is_null(at(j, "choices.0.logprobs")));
    CHECK(at(j, "usage") == NULL);
    const char *role = str_at(j, "choices.0.delta.role");
    if (i == 0) CHECK_EQ_STR(role, "assistant");
    else CHECK(role == NULL);
    if (i < 4) CHECK(json_is_null(at(j, "choices.0.finish_reason")));
    json_decref(j);
  }
  json_t *fin = parse(s.data[4]);
  CHECK_EQ_INT(json_object_size(at(fin, "choices.0.delta")), 0);
  CHECK_EQ_STR(str_at(fin, "choices.0.finish_reason"), "stop");
  json_decref(fin);
  char *text = sse_join(&s, "content");
  CHECK_EQ_STR(text, "You said: hello world");
  free(text);
  free((char *)id);
  sse_free(&s);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_chat_stream_usage_only_with_include_usage) {
  lms_emu *e = start();
  sse s;
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "a", true,
                         "{\"stream_options\":{\"include_usage\":true}}");
  sse_parse(r.body.data, &s);
  /* "You", " said:", " a", finish, usage, [DONE] */
  CHECK_EQ_INT(s.n, 6);
  json_t *u = parse(s.data[4]);
  CHECK(json_is_array(at(u, "choices")) && json_array_size(at(u, "choices")) == 0);
  CHECK_EQ_INT(json_integer_value(at(u, "usage.completion_tokens")), 3);
  CHECK_EQ_INT(json_integer_value(at(u, "usage.total_tokens")),
               json_integer_value(at(u, "usage.prompt_tokens")) + 3);
  json_decref(u);
  json_t *fin = parse(s.data[3]);
  CHECK(at(fin, "usage") == NULL);
  json_decref(fin);
  CHECK_EQ_STR(s.data[5], "[DONE]");
  sse_free(&s);
  res_free(&r);

  r = post_chat(e, "llama-3.2-1b-instruct", "a", true,
                "{\"stream_options\":{\"include_usage\":false}}");
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 5);
  CHECK(strstr(r.body.data, "usage") == NULL);
  sse_free(&s);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_chat_stream_text_equals_nonstream) {
  lms_emu *e = start();
  const char *text = "  Grüße,\n  wörld\t[[interval_ms=1]] with   spaces ✓ ";
  http_res whole = post_chat(e, "llama-3.2-1b-instruct", text, false, NULL);
  http_res stream = post_chat(e, "llama-3.2-1b-instruct", text, true, NULL);
  json_t *j = parse(whole.body.data);
  sse s;
  sse_parse(stream.body.data, &s);
  char *joined = sse_join(&s, "content");
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "You said: Grüße,\n  wörld\twith   spaces ✓");
  CHECK_EQ_STR(joined, str_at(j, "choices.0.message.content"));
  free(joined);
  sse_free(&s);
  json_decref(j);
  res_free(&whole);
  res_free(&stream);
  lms_emu_stop(e);
}

TEST(emulator_chat_think_and_tool_directives) {
  lms_emu *e = start();
  http_res r = post_chat(e, "qwen2-vl-2b-instruct", "[[think=1]] why", true, NULL);
  sse s;
  sse_parse(r.body.data, &s);
  char *reasoning = sse_join(&s, "reasoning_content"), *content = sse_join(&s, "content");
  CHECK_EQ_STR(reasoning, "Thinking about it.");
  CHECK_EQ_STR(content, "You said: why");
  json_t *first = parse(s.data[0]);
  CHECK_EQ_STR(str_at(first, "choices.0.delta.role"), "assistant");
  json_decref(first);
  free(reasoning);
  free(content);
  sse_free(&s);
  res_free(&r);

  r = post_chat(e, "qwen2-vl-2b-instruct", "why [[think=reasoning role=every]]", true, NULL);
  sse_parse(r.body.data, &s);
  reasoning = sse_join(&s, "reasoning");
  CHECK_EQ_STR(reasoning, "Thinking about it.");
  for (int i = 0; i < s.n - 2; i++) { /* every delta but the finish chunk's empty one */
    json_t *j = parse(s.data[i]);
    CHECK_EQ_STR(str_at(j, "choices.0.delta.role"), "assistant");
    json_decref(j);
  }
  free(reasoning);
  sse_free(&s);
  res_free(&r);
  r = post_chat(e, "qwen2-vl-2b-instruct", "why [[think=reasoning]]", false, NULL);
  json_t *whole = parse(r.body.data);
  CHECK_EQ_STR(str_at(whole, "choices.0.message.reasoning"), "Thinking about it.");
  CHECK_EQ_STR(str_at(whole, "choices.0.message.content"), "You said: why");
  json_decref(whole);
  res_free(&r);

  r = post_chat(e, "qwen2-vl-2b-instruct", "why [[think=inline]]", true, NULL);
  sse_parse(r.body.data, &s);
  content = sse_join(&s, "content");
  CHECK_EQ_STR(content, "<think>Thinking about it.</think>\n\nYou said: why");
  json_t *c0 = parse(s.data[0]);
  CHECK_EQ_STR(str_at(c0, "choices.0.delta.content"), "<thi"); /* tags cut across chunks */
  json_decref(c0);
  free(content);
  sse_free(&s);
  res_free(&r);

  r = post_chat(e, "qwen2-vl-2b-instruct", "find dell [[tool=search_products]]", true, NULL);
  sse_parse(r.body.data, &s);
  json_t *head = parse(s.data[0]);
  CHECK_EQ_STR(str_at(head, "choices.0.delta.tool_calls.0.function.name"), "search_products");
  CHECK_EQ_STR(str_at(head, "choices.0.delta.tool_calls.0.function.arguments"), "");
  CHECK_EQ_STR(str_at(head, "choices.0.delta.tool_calls.0.type"), "function");
  const char *tid = str_at(head, "choices.0.delta.tool_calls.0.id");
  CHECK(tid && strlen(tid) == 9 && strspn(tid, "0123456789") == 9);
  json_decref(head);
  dynbuf args;
  dynbuf_init(&args, 1u << 20);
  CHECK(dynbuf_append(&args, "", 0));
  bool finished = false;
  for (int i = 1; i < s.n - 1; i++) {
    json_t *j = parse(s.data[i]);
    const char *frag = str_at(j, "choices.0.delta.tool_calls.0.function.arguments");
    if (frag) {
      CHECK(at(j, "choices.0.delta.tool_calls.0.id") == NULL);
      CHECK(dynbuf_append_str(&args, frag));
    }
    if (str_at(j, "choices.0.finish_reason")) {
      CHECK_EQ_STR(str_at(j, "choices.0.finish_reason"), "tool_calls");
      finished = true;
    }
    json_decref(j);
  }
  CHECK(finished);
  CHECK_EQ_STR(args.data, "{\"q\":\"find dell\"}");
  dynbuf_free(&args);
  sse_free(&s);
  res_free(&r);

  r = post_chat(e, "qwen2-vl-2b-instruct", "find dell [[tool=search_products]]", false, NULL);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "");
  CHECK_EQ_STR(str_at(j, "choices.0.message.tool_calls.0.function.arguments"), "{\"q\":\"find dell\"}");
  CHECK_EQ_STR(str_at(j, "choices.0.finish_reason"), "tool_calls");
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

/* ---- completions and embeddings ---- */

TEST(emulator_completions_echo_prompt) {
  lms_emu *e = start();
  const char *body = "{\"model\":\"llama-3.2-1b-instruct\",\"prompt\":\"Once upon\"}";
  http_res r = run(e, (call){.path = "/v1/completions", .body = body});
  CHECK_EQ_INT(r.status, 200);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "object"), "text_completion");
  CHECK(strncmp(str_at(j, "id"), "cmpl-", 5) == 0);
  CHECK_EQ_STR(str_at(j, "choices.0.text"), "Once upon ...continued");
  CHECK_EQ_STR(str_at(j, "choices.0.finish_reason"), "stop");
  CHECK(json_is_null(at(j, "choices.0.logprobs")));
  json_decref(j);
  res_free(&r);

  body = "{\"model\":\"llama-3.2-1b-instruct\",\"prompt\":\"Once upon\",\"stream\":true}";
  r = run(e, (call){.path = "/api/v0/completions", .body = body});
  sse s;
  sse_parse(r.body.data, &s);
  char *text = sse_join(&s, NULL);
  CHECK_EQ_STR(text, "Once upon ...continued");
  json_t *c = parse(s.data[0]);
  CHECK_EQ_STR(str_at(c, "object"), "text_completion");
  json_decref(c);
  CHECK_EQ_STR(s.data[s.n - 1], "[DONE]");
  free(text);
  sse_free(&s);
  res_free(&r);

  r = run(e, (call){.path = "/v1/completions", .body = "{\"model\":\"llama-3.2-1b-instruct\"}"});
  CHECK_EQ_INT(r.status, 400);
  CHECK_EQ_STR(r.body.data, "{\"error\":\"'prompt' field is required\"}");
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_embeddings_batch_deterministic_unit) {
  lms_emu *e = start();
  const char *body =
      "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":[\"alpha\",\"beta\",\"alpha\"]}";
  http_res r = run(e, (call){.path = "/v1/embeddings", .body = body});
  CHECK_EQ_INT(r.status, 200);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "object"), "list");
  CHECK_EQ_STR(str_at(j, "model"), "text-embedding-nomic-embed-text-v1.5");
  CHECK_EQ_INT(json_integer_value(at(j, "usage.prompt_tokens")), 0);
  CHECK_EQ_INT(json_array_size(at(j, "data")), 3);
  for (int i = 0; i < 3; i++) {
    json_t *d = json_array_get(at(j, "data"), (size_t)i);
    CHECK_EQ_STR(str_at(d, "object"), "embedding");
    CHECK_EQ_INT(json_integer_value(at(d, "index")), i);
    json_t *v = at(d, "embedding");
    CHECK_EQ_INT(json_array_size(v), 768);
    double sum = 0;
    for (size_t k = 0; k < 768; k++) sum += pow(json_number_value(json_array_get(v, k)), 2);
    CHECK_MSG(fabs(sum - 1.0) < 1e-6, "norm^2 %f", sum);
  }
  CHECK(json_equal(at(j, "data.0.embedding"), at(j, "data.2.embedding")));
  CHECK(!json_equal(at(j, "data.0.embedding"), at(j, "data.1.embedding")));
  json_decref(j);
  res_free(&r);

  /* a single string, model omitted, another emulator: the same vector */
  lms_emu_config cfg = {.embedding_dim = 16};
  lms_emu *e2 = lms_emu_start(&cfg);
  r = run(e2, (call){.path = "/api/v0/embeddings", .body = "{\"input\":\"alpha\"}"});
  j = parse(r.body.data);
  CHECK_EQ_INT(json_array_size(at(j, "data.0.embedding")), 16);
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e2);

  r = run(e, (call){.path = "/v1/embeddings",
                    .body = "{\"model\":\"llama-3.2-1b-instruct\",\"input\":\"x\"}"});
  CHECK_EQ_INT(r.status, 400);
  CHECK_EQ_STR(r.body.data,
               "{\"error\":{\"message\":\"Failed to load model \\\"llama-3.2-1b-instruct\\\". Error: "
               "Model is not embedding.\",\"type\":\"invalid_request_error\",\"param\":\"model\","
               "\"code\":\"model_not_found\"}}");
  res_free(&r);
  lms_emu_stop(e);
}

/* ---- errors ---- */

TEST(emulator_route_unknown_answers_200_error) {
  lms_emu *e = start();
  http_res r = run(e, (call){.path = "/x"});
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.body.data, "{\"error\":\"Unexpected endpoint or method. (GET /x)\"}");
  res_free(&r);
  r = run(e, (call){.method = "GET", .path = "/v1/chat/completions"});
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.body.data,
               "{\"error\":\"Unexpected endpoint or method. (GET /v1/chat/completions)\"}");
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_request_errors_invalid_json_and_messages) {
  lms_emu *e = start();
  http_res r = run(e, (call){.path = "/v1/chat/completions", .body = "{not json"});
  CHECK_EQ_INT(r.status, 400);
  json_t *j = parse(r.body.data);
  CHECK(json_is_string(at(j, "error")));
  json_decref(j);
  res_free(&r);
  r = run(e, (call){.path = "/v1/chat/completions", .body = "{\"model\":\"llama-3.2-1b-instruct\"}"});
  CHECK_EQ_INT(r.status, 400);
  CHECK_EQ_STR(r.body.data, "{\"error\":\"'messages' field is required\"}");
  res_free(&r);
  r = post_chat(e, "text-embedding-nomic-embed-text-v1.5", "hi", false, NULL);
  CHECK_EQ_INT(r.status, 400);
  j = parse(r.body.data);
  CHECK(json_is_string(at(j, "error")));
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_model_unknown_400_model_not_found) {
  lms_emu *e = start();
  http_res r = post_chat(e, "o4-mini", "hi", false, NULL);
  CHECK_EQ_INT(r.status, 400);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "error.code"), "model_not_found");
  CHECK_EQ_STR(str_at(j, "error.type"), "invalid_request_error");
  CHECK_EQ_STR(str_at(j, "error.param"), "model");
  CHECK_EQ_STR(str_at(j, "error.message"),
               "Invalid model identifier \"o4-mini\". Please specify a valid downloaded model.");
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_model_not_loaded_jit_loads) {
  lms_emu *e = start();
  /* jit=off: LM Studio's refusal, and the model stays unloaded */
  http_res r = post_chat(e, "qwen3-8b-big", "hi [[jit=off]]", false, NULL);
  CHECK_EQ_INT(r.status, 400);
  json_t *j = parse(r.body.data);
  CHECK(strncmp(str_at(j, "error.message"), "No models loaded.", 17) == 0);
  CHECK_EQ_STR(str_at(j, "error.param"), "model");
  json_decref(j);
  res_free(&r);
  r = post_chat(e, "qwen3-8b-big", "hi", true, NULL);
  CHECK_EQ_INT(r.status, 200);
  CHECK_MSG(r.first_byte_s >= 0.28, "first byte after %.3f s", r.first_byte_s);
  res_free(&r);
  r = run(e, (call){.path = "/api/v0/models/qwen3-8b-big"});
  j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "state"), "loaded");
  CHECK_EQ_INT(json_integer_value(at(j, "loaded_context_length")), 4096);
  json_decref(j);
  res_free(&r);
  r = post_chat(e, "qwen3-8b-big", "hi", false, NULL);
  CHECK_MSG(r.seconds < 0.25, "second request took %.3f s", r.seconds);
  res_free(&r);
  /* delay_first_ms also holds the headers back */
  r = post_chat(e, "qwen3-8b-big", "hi [[delay_first_ms=150]]", true, NULL);
  CHECK_MSG(r.first_byte_s >= 0.14, "first byte after %.3f s", r.first_byte_s);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_auth_missing_or_wrong_401) {
  lms_emu_config cfg = {.api_key = "sk-lm-test:secret"};
  lms_emu *e = lms_emu_start(&cfg);
  CHECK(e != NULL);
  http_res r = run(e, (call){.path = "/v1/models"});
  CHECK_EQ_INT(r.status, 401);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "error.code"), "invalid_api_key");
  CHECK_EQ_STR(str_at(j, "error.type"), "invalid_request");
  CHECK(strncmp(str_at(j, "error.message"), "An LM Studio API token is required", 34) == 0);
  json_decref(j);
  res_free(&r);
  r = run(e, (call){.path = "/v1/models", .headers = {"Authorization: Bearer nope"}});
  CHECK_EQ_INT(r.status, 401);
  j = parse(r.body.data);
  CHECK(strncmp(str_at(j, "error.message"), "Malformed LM Studio API token provided", 38) == 0);
  json_decref(j);
  res_free(&r);
  r = run(e, (call){.path = "/v1/models", .headers = {"Authorization: Bearer sk-lm-test:secret"}});
  CHECK_EQ_INT(r.status, 200);
  res_free(&r);
  CHECK_EQ_INT(lms_emu_request_count(e), 3);
  lms_emu_stop(e);
}

static const char *tiny_png =
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

static char *image_body(const char *model, const char *url) {
  json_t *o = json_pack("{s:s,s:[{s:s,s:[{s:s,s:s},{s:s,s:{s:s}}]}]}", "model", model, "messages",
                        "role", "user", "content", "type", "text", "text", "describe", "type",
                        "image_url", "image_url", "url", url);
  char *s = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  return s;
}

TEST(emulator_image_to_non_vlm_400) {
  lms_emu *e = start();
  char *body = image_body("llama-3.2-1b-instruct", tiny_png);
  http_res r = run(e, (call){.path = "/v1/chat/completions", .body = body});
  CHECK_EQ_INT(r.status, 400);
  CHECK_EQ_STR(r.body.data, "{\"error\":\"Model does not support images. Please use a model that does.\"}");
  free(body);
  res_free(&r);
  body = image_body("qwen2-vl-2b-instruct", tiny_png);
  r = run(e, (call){.path = "/v1/chat/completions", .body = body});
  CHECK_EQ_INT(r.status, 200);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "You said: describe [images: 1]");
  json_decref(j);
  free(body);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_image_large_upload_accepted) {
  lms_emu *e = start();
  size_t n = 3u << 20;
  char *url = malloc(n + 64);
  CHECK(url != NULL);
  size_t p = (size_t)snprintf(url, 64, "data:image/png;base64,");
  memset(url + p, 'A', n);
  url[p + n] = '\0';
  char *body = image_body("qwen2-vl-2b-instruct", url);
  http_res r = run(e, (call){.path = "/v1/chat/completions", .body = body});
  CHECK_EQ_INT(r.status, 200);
  CHECK_CONTAINS(r.body.data, "You said: describe [images: 1]");
  free(body);
  free(url);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_image_bad_url_400) {
  lms_emu *e = start();
  const char *bad[] = {"https://example.com/cat.png", "data:image/png;base64,@@@@",
                       "data:text/plain;base64,aGk=", "data:image/png;base64,abc"};
  for (int i = 0; i < 4; i++) {
    char *body = image_body("qwen2-vl-2b-instruct", bad[i]);
    http_res r = run(e, (call){.path = "/v1/chat/completions", .body = body});
    CHECK_EQ_INT(r.status, 400);
    CHECK_EQ_STR(r.body.data, "{\"error\":\"'url' field must be a base64 encoded image.\"}");
    free(body);
    res_free(&r);
  }
  lms_emu_stop(e);
}

TEST(emulator_status_503_both_body_shapes) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[status=503]] hi", false, NULL);
  CHECK_EQ_INT(r.status, 503);
  CHECK_EQ_STR(r.body.data, "{\"error\":{\"message\":\"Emulated failure 503\",\"type\":\"server_error\","
                            "\"param\":null,\"code\":null}}");
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[status=503 body=string]] hi", true, NULL);
  CHECK_EQ_INT(r.status, 503);
  CHECK_EQ_STR(r.body.data, "{\"error\":\"Emulated failure 503\"}");
  res_free(&r);
  r = run(e, (call){.path = "/v1/models", .headers = {"X-Emulator-Directives: status=502 body=html"}});
  CHECK_EQ_INT(r.status, 502);
  CHECK_EQ_STR(r.ctype, "text/html; charset=utf-8");
  CHECK_EQ_STR(r.body.data, "<html><body>Bad Gateway</body></html>");
  res_free(&r);
  r = run(e, (call){.path = "/v1/models", .headers = {"X-Emulator-Directives: status=500 body=none"}});
  CHECK_EQ_INT(r.status, 500);
  CHECK_EQ_INT(r.body.len, 0);
  res_free(&r);
  /* bad numbers and unknown keys are ignored */
  r = post_chat(e, "llama-3.2-1b-instruct", "[[status=abc tokens=-3 bogus=1 =x]] ok", false, NULL);
  CHECK_EQ_INT(r.status, 200);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "You said: ok");
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

/* ---- stream faults ---- */

TEST(emulator_fault_drop_after_closes_midstream) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=10 fault=drop_after after=3]]", true, NULL);
  CHECK_MSG(r.rc != CURLE_OK, "rc %d", (int)r.rc);
  sse s;
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 3);
  char *text = sse_join(&s, "content");
  CHECK_EQ_STR(text, "w1 w2 w3");
  free(text);
  sse_free(&s);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_fault_error_in_stream_ends_without_done) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=10 fault=error_in_stream after=2]]", true,
                         NULL);
  CHECK_EQ_INT(r.rc, CURLE_OK);
  sse s;
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 3);
  CHECK_EQ_STR(s.data[2], "{\"error\":{\"message\":\"Compute error.\"},\"message\":\"Compute error.\"}");
  sse_free(&s);
  res_free(&r);
  /* malformed: a broken event, then the stream carries on to [DONE] */
  r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=4 fault=malformed after=1]]", true, NULL);
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 7);
  CHECK_EQ_STR(s.data[1], "{\"id\": broken");
  CHECK_EQ_STR(s.data[6], "[DONE]");
  sse_free(&s);
  res_free(&r);
  /* no_done: finish chunk but no [DONE]; truncated: neither */
  r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=2 fault=no_done]]", true, NULL);
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 3);
  CHECK_CONTAINS(s.data[2], "\"finish_reason\":\"stop\"");
  sse_free(&s);
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=2 fault=truncated]]", true, NULL);
  CHECK_EQ_INT(r.rc, CURLE_OK);
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 2);
  sse_free(&s);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_fault_endless_client_abort_and_fast_stop) {
  lms_emu *e = start();
  char *body = chat_body("llama-3.2-1b-instruct", "[[fault=endless]]", true, NULL);
  http_res r = run(e, (call){.path = "/v1/chat/completions", .body = body, .abort_after_events = 5});
  CHECK_EQ_INT(r.rc, CURLE_WRITE_ERROR);
  CHECK_MSG(r.seconds < 2.0, "took %.3f s", r.seconds);
  res_free(&r);
  free(body);
  int64_t t0 = clock_mono_ms();
  lms_emu_stop(e);
  CHECK_MSG(clock_mono_ms() - t0 < 500, "stop took %lld ms", (long long)(clock_mono_ms() - t0));
}

typedef struct bg_call {
  lms_emu *e;
  const char *body;
  http_res res;
} bg_call;

static void *bg_run(void *arg) {
  bg_call *b = arg;
  b->res = run(b->e, (call){.path = "/v1/chat/completions", .body = b->body});
  return NULL;
}

TEST(emulator_stop_ends_endless_and_sleeping_streams) {
  lms_emu *e = start();
  char *endless = chat_body("llama-3.2-1b-instruct", "[[fault=endless]]", true, NULL);
  char *sleepy = chat_body("llama-3.2-1b-instruct", "[[delay_first_ms=60000]]", true, NULL);
  char *stalled = chat_body("llama-3.2-1b-instruct", "[[stall_after=1 stall_ms=60000]]", true, NULL);
  bg_call calls[3] = {{e, endless, {0}}, {e, sleepy, {0}}, {e, stalled, {0}}};
  pthread_t th[3];
  for (int i = 0; i < 3; i++) CHECK(pthread_create(&th[i], NULL, bg_run, &calls[i]) == 0);
  clock_sleep_ms(200);
  int64_t t0 = clock_mono_ms();
  lms_emu_stop(e);
  int64_t took = clock_mono_ms() - t0;
  for (int i = 0; i < 3; i++) {
    pthread_join(th[i], NULL);
    CHECK(calls[i].res.rc != CURLE_OK);
    res_free(&calls[i].res);
  }
  CHECK_MSG(took < 500, "stop took %lld ms", (long long)took);
  free(endless);
  free(sleepy);
  free(stalled);
  lms_emu_stop(NULL);
}

TEST(emulator_fault_close_once_then_answers) {
  lms_emu *e = start();
  char *body = chat_body("llama-3.2-1b-instruct", "[[fault=close_once]] retry me", false, NULL);
  http_res r = run(e, (call){.path = "/v1/chat/completions", .body = body});
  CHECK_EQ_INT(r.rc, CURLE_GOT_NOTHING);
  CHECK_EQ_INT(r.body.len, 0);
  res_free(&r);
  r = run(e, (call){.path = "/v1/chat/completions", .body = body});
  CHECK_EQ_INT(r.rc, CURLE_OK);
  CHECK_EQ_INT(r.status, 200);
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "You said: retry me");
  json_decref(j);
  res_free(&r);
  CHECK_EQ_INT(lms_emu_request_count(e), 2);
  free(body);
  lms_emu_stop(e);
}

TEST(emulator_fault_body_shapes_nonstream) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=non_json]]", false, NULL);
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.ctype, "text/html; charset=utf-8");
  CHECK_EQ_STR(r.body.data, "<html>oops</html>");
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=no_choices]]", false, NULL);
  json_t *j = parse(r.body.data);
  CHECK(at(j, "choices") == NULL);
  CHECK_EQ_STR(str_at(j, "object"), "chat.completion");
  json_decref(j);
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=huge mb=3]]", false, NULL);
  CHECK_EQ_INT(r.rc, CURLE_OK);
  j = parse(r.body.data);
  CHECK_EQ_INT(strlen(str_at(j, "choices.0.message.content")), 3u << 20);
  json_decref(j);
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=drop_after]]", false, NULL);
  CHECK_EQ_INT(r.rc, CURLE_PARTIAL_FILE);
  res_free(&r);
  /* invalid UTF-8 inside the JSON strings, streamed and not */
  r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=bad_utf8]] x", false, NULL);
  CHECK_CONTAINS(r.body.data, "\"content\":\"You said: x \xff\xfe\"");
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=bad_utf8]] x", true, NULL);
  CHECK_CONTAINS(r.body.data, "\"content\":\" \xff\xfe\"");
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_fault_stream_non_json_and_no_choices) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=non_json]]", true, NULL);
  CHECK_EQ_INT(r.status, 200);
  CHECK_EQ_STR(r.ctype, "text/event-stream");
  sse s;
  sse_parse(r.body.data, &s);
  CHECK(s.n >= 1);
  for (int i = 0; i < s.n; i++) CHECK(json_loads(s.data[i], 0, NULL) == NULL);
  sse_free(&s);
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[fault=no_choices]]", true, NULL);
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 2);
  json_t *j = parse(s.data[0]);
  CHECK(at(j, "choices") == NULL);
  json_decref(j);
  CHECK_EQ_STR(s.data[1], "[DONE]");
  sse_free(&s);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_chunk_interval_paces_streams) {
  lms_emu_config cfg = {.chunk_interval_us = 30000};
  lms_emu *e = lms_emu_start(&cfg);
  CHECK(e != NULL);
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=4]]", true, NULL);
  /* 4 content chunks, finish and [DONE]: 5 pauses */
  CHECK_MSG(r.seconds >= 0.14, "took %.3f s", r.seconds);
  res_free(&r);
  lms_emu_set_chunk_interval_us(e, 0);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=4]]", true, NULL);
  CHECK_MSG(r.seconds < 0.1, "took %.3f s", r.seconds);
  res_free(&r);
  lms_emu_stop(e);
}

/* ---- recording, tokens, split, concurrency, keep-alive ---- */

TEST(emulator_requests_recorded_with_headers_and_body) {
  lms_emu *e = start();
  http_res r = run(e, (call){.path = "/v1/chat/completions",
                             .body = "{\"model\":\"llama-3.2-1b-instruct\",\"messages\":[]}",
                             .headers = {"Authorization: Bearer x", "X-Trace: one"}});
  res_free(&r);
  r = run(e, (call){.path = "/v1/embeddings", .body = "not json"});
  res_free(&r);
  r = run(e, (call){.path = "/__emulator/requests"});
  json_t *all = parse(r.body.data);
  CHECK_EQ_INT(json_array_size(all), 2);
  json_decref(all);
  res_free(&r);
  CHECK_EQ_INT(lms_emu_request_count(e), 2);

  char *s = lms_emu_request_json(e, 0);
  json_t *j = parse(s);
  CHECK_EQ_STR(str_at(j, "method"), "POST");
  CHECK_EQ_STR(str_at(j, "path"), "/v1/chat/completions");
  CHECK_EQ_STR(str_at(j, "headers.authorization"), "Bearer x");
  CHECK_EQ_STR(str_at(j, "headers.x-trace"), "one");
  CHECK_EQ_STR(str_at(j, "headers.content-type"), "application/json");
  CHECK_EQ_STR(str_at(j, "body.model"), "llama-3.2-1b-instruct");
  CHECK(json_integer_value(at(j, "connection")) >= 1);
  CHECK(json_is_integer(at(j, "time_ms")));
  json_decref(j);
  free(s);
  s = lms_emu_request_json(e, 1);
  j = parse(s);
  CHECK_EQ_STR(str_at(j, "body"), "not json");
  json_decref(j);
  free(s);
  CHECK(lms_emu_request_json(e, 2) == NULL);

  r = run(e, (call){.method = "DELETE", .path = "/__emulator/requests"});
  CHECK_EQ_INT(r.status, 200);
  res_free(&r);
  CHECK_EQ_INT(lms_emu_request_count(e), 0);
  r = run(e, (call){.path = "/v1/models"});
  res_free(&r);
  CHECK_EQ_INT(lms_emu_request_count(e), 1);
  lms_emu_clear_requests(e);
  CHECK_EQ_INT(lms_emu_request_count(e), 0);
  lms_emu_stop(e);
}

TEST(emulator_tokens_with_max_tokens_finish_length) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=100]]", false, "{\"max_tokens\":7}");
  json_t *j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "w1 w2 w3 w4 w5 w6 w7");
  CHECK_EQ_STR(str_at(j, "choices.0.finish_reason"), "length");
  CHECK_EQ_INT(json_integer_value(at(j, "usage.completion_tokens")), 7);
  json_decref(j);
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=100]]", true, "{\"max_tokens\":7}");
  sse s;
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 9);
  CHECK_CONTAINS(s.data[7], "\"finish_reason\":\"length\"");
  sse_free(&s);
  res_free(&r);
  r = post_chat(e, "llama-3.2-1b-instruct", "[[reply=Hello_big_world]] x", false, NULL);
  j = parse(r.body.data);
  CHECK_EQ_STR(str_at(j, "choices.0.message.content"), "Hello big world");
  json_decref(j);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_tokens_large_stream_is_fast) {
  lms_emu *e = start();
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=200000]]", true, NULL);
  CHECK_EQ_INT(r.rc, CURLE_OK);
  CHECK_MSG(r.seconds < 5.0, "200k chunks took %.2f s", r.seconds);
  const char *tail = r.body.data + r.body.len - 200;
  CHECK_CONTAINS(tail, "data: [DONE]\n\n");
  CHECK_CONTAINS(r.body.data + r.body.len - 600, "\" w200000\"");
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_split_stream_same_content) {
  lms_emu *e = start();
  http_res plain = post_chat(e, "llama-3.2-1b-instruct", "naïve café [[reply=Grüße_aus_Köln_✓]]",
                             true, NULL);
  http_res split = post_chat(e, "llama-3.2-1b-instruct",
                             "naïve café [[reply=Grüße_aus_Köln_✓ split=1 crlf=1 comments=1]]", true, NULL);
  CHECK_EQ_INT(split.rc, CURLE_OK);
  sse a, b;
  sse_parse(plain.body.data, &a);
  sse_parse(split.body.data, &b);
  CHECK_EQ_INT(a.n, b.n);
  CHECK_MSG(split.writes > 3 * b.n, "only %d writes for %d events", split.writes, b.n);
  CHECK_CONTAINS(split.body.data, "\r\n\r\n: keep-alive\r\n\r\n");
  char *ta = sse_join(&a, "content"), *tb = sse_join(&b, "content");
  CHECK_EQ_STR(ta, "Grüße aus Köln ✓");
  CHECK_EQ_STR(tb, ta);
  for (int i = 0; i < b.n - 1; i++) json_decref(parse(b.data[i]));
  free(ta);
  free(tb);
  sse_free(&a);
  sse_free(&b);
  res_free(&plain);
  res_free(&split);
  lms_emu_stop(e);
}

/* Drops the per-request fields (id, created) so two streams of one request compare equal. */
static char *without_ids(const char *event) {
  json_t *j = parse(event);
  json_object_del(j, "id");
  json_object_del(j, "created");
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  return s;
}

TEST(emulator_split_stream_same_events_as_plain) {
  lms_emu *e = start();
  char *body = chat_body("llama-3.2-1b-instruct", "[[tokens=5 think=1]] x", true,
                         "{\"stream_options\":{\"include_usage\":true}}");
  http_res plain = run(e, (call){.path = "/v1/chat/completions", .body = body});
  /* the same body, split=1 from the header: the bytes differ only in id and created */
  http_res split = run(e, (call){.path = "/v1/chat/completions", .body = body,
                                 .headers = {"X-Emulator-Directives: split=1"}});
  free(body);
  CHECK_MSG(split.writes > 100, "only %d writes", split.writes);
  CHECK_EQ_INT(plain.body.len, split.body.len);
  sse a, b;
  sse_parse(plain.body.data, &a);
  sse_parse(split.body.data, &b);
  CHECK_EQ_INT(a.n, 11); /* 3 reasoning, 5 content, finish, usage, [DONE] */
  CHECK_EQ_INT(b.n, a.n);
  for (int i = 0; i < a.n - 1; i++) {
    char *x = without_ids(a.data[i]), *y = without_ids(b.data[i]);
    CHECK_EQ_STR(x, y);
    free(x);
    free(y);
  }
  CHECK_EQ_STR(b.data[b.n - 1], "[DONE]");
  sse_free(&a);
  sse_free(&b);
  res_free(&plain);
  res_free(&split);
  lms_emu_stop(e);
}

TEST(emulator_stall_longer_than_keepalive_survives) {
  lms_emu_config cfg = {.keepalive_timeout_s = 1};
  lms_emu *e = lms_emu_start(&cfg);
  CHECK(e != NULL);
  http_res r = post_chat(e, "llama-3.2-1b-instruct", "[[tokens=3 stall_after=1 stall_ms=1300]]", true,
                         NULL);
  CHECK_EQ_INT(r.rc, CURLE_OK);
  CHECK_MSG(r.seconds >= 1.25, "took %.3f s", r.seconds);
  sse s;
  sse_parse(r.body.data, &s);
  CHECK_EQ_INT(s.n, 5);
  sse_free(&s);
  res_free(&r);
  lms_emu_stop(e);
}

TEST(emulator_concurrent_32_streams) {
  lms_emu *e = start();
  char *body = chat_body("llama-3.2-1b-instruct", "[[tokens=20 interval_ms=10]]", true, NULL);
  bg_call calls[32];
  pthread_t th[32];
  int64_t t0 = clock_mono_ms();
  for (int i = 0; i < 32; i++) {
    calls[i] = (bg_call){e, body, {0}};
    CHECK(pthread_create(&th[i], NULL, bg_run, &calls[i]) == 0);
  }
  for (int i = 0; i < 32; i++) {
    pthread_join(th[i], NULL);
    CHECK_EQ_INT(calls[i].res.rc, CURLE_OK);
    sse s;
    sse_parse(calls[i].res.body.data, &s);
    CHECK_EQ_INT(s.n, 22);
    sse_free(&s);
    res_free(&calls[i].res);
  }
  int64_t took = clock_mono_ms() - t0;
  /* one stream takes ~200 ms; one at a time would take over 6 s */
  CHECK_MSG(took < 4000, "32 streams took %lld ms", (long long)took);
  CHECK_EQ_INT(lms_emu_request_count(e), 32);
  free(body);
  lms_emu_stop(e);
}

TEST(emulator_keepalive_idle_connection_closed) {
  lms_emu_config cfg = {.keepalive_timeout_s = 1};
  lms_emu *e = lms_emu_start(&cfg);
  CHECK(e != NULL);
  CURL *h = curl_easy_init();
  http_res r = run(e, (call){.path = "/v1/models", .curl = h});
  CHECK_CONTAINS(r.headers.data, "Keep-Alive: timeout=1");
  res_free(&r);
  r = run(e, (call){.path = "/v1/models", .curl = h}); /* reused at once */
  res_free(&r);
  clock_sleep_ms(1600);
  r = run(e, (call){.path = "/v1/models", .curl = h}); /* the server closed it meanwhile */
  CHECK_EQ_INT(r.rc, CURLE_OK);
  res_free(&r);
  curl_easy_cleanup(h);
  json_t *conn[3];
  for (size_t i = 0; i < 3; i++) {
    char *s = lms_emu_request_json(e, i);
    json_t *j = parse(s);
    conn[i] = json_incref(at(j, "connection"));
    json_decref(j);
    free(s);
  }
  CHECK_EQ_INT(json_integer_value(conn[0]), json_integer_value(conn[1]));
  CHECK(json_integer_value(conn[2]) != json_integer_value(conn[1]));
  for (int i = 0; i < 3; i++) json_decref(conn[i]);
  lms_emu_stop(e);
}

TEST(emulator_start_rejects_bad_address) {
  lms_emu_config cfg = {.bind_addr = "not-an-address"};
  CHECK(lms_emu_start(&cfg) == NULL);
  lms_emu *e = start();
  lms_emu_config same = {.port = lms_emu_port(e)};
  lms_emu *busy = lms_emu_start(&same);
  CHECK(busy == NULL);
  lms_emu_stop(e);
  lms_emu_stop(NULL);
}
