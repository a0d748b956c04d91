/* test_response.c: the response decoders of llm_response.h: streams (replayed split at every
 * byte, one byte at a time and in random pieces, against recorded-style LM Studio fixtures),
 * inline <think> splitting, limits, invalid UTF-8, and every non-streamed body shape. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "common/limits.h"
#include "llm/llm_response.h"
#include "testing.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Every delta, logged one per line, plus counts per kind. */
typedef struct rec {
  dynbuf log;
  int count[5];
} rec;

static void rec_delta(void *user, const llm_delta *d) {
  rec *r = user;
  CHECK((unsigned)d->kind < 5);
  CHECK(d->text != NULL);
  CHECK(d->text[d->len] == '\0');
  CHECK_EQ_INT(strlen(d->text), d->len); /* no NUL inside delta text */
  r->count[d->kind]++;
  bool ok = true;
  switch (d->kind) {
  case LLM_DELTA_CONTENT:
  case LLM_DELTA_REASONING:
    CHECK(d->len > 0);
    ok = dynbuf_printf(&r->log, "%c[%s]\n", d->kind == LLM_DELTA_CONTENT ? 'C' : 'R', d->text);
    break;
  case LLM_DELTA_TOOL_CALL:
    ok = dynbuf_printf(&r->log, "T%d %s %s [%s]\n", d->tool_index, d->tool_id ? d->tool_id : "-",
                       d->tool_name ? d->tool_name : "-", d->text);
    break;
  case LLM_DELTA_FINISH:
    CHECK(d->finish_reason != NULL);
    ok = dynbuf_printf(&r->log, "F %s\n", d->finish_reason);
    break;
  case LLM_DELTA_USAGE:
    CHECK(d->usage != NULL && d->usage->present);
    ok = dynbuf_printf(&r->log, "U %ld %ld %ld %ld\n", d->usage->prompt_tokens,
                       d->usage->completion_tokens, d->usage->total_tokens,
                       d->usage->reasoning_tokens);
    break;
  }
  CHECK(ok);
}

/* A result in one string, to compare runs. */
static char *summarize(const llm_result *r) {
  dynbuf b;
  dynbuf_init(&b, 1u << 26);
  CHECK(r->text && r->reasoning);
  CHECK_EQ_INT(strlen(r->text), r->text_len);
  CHECK_EQ_INT(strlen(r->reasoning), r->reasoning_len);
  CHECK(dynbuf_printf(&b, "code=%d msg=%s\ntext=[%s]\nreasoning=[%s]\nfinish=%s model=%s\n",
                      r->error.code, r->error.message, r->text, r->reasoning,
                      r->finish_reason ? r->finish_reason : "-", r->model ? r->model : "-"));
  CHECK(dynbuf_printf(&b, "usage=%d %ld %ld %ld %ld\n", r->usage.present, r->usage.prompt_tokens,
                      r->usage.completion_tokens, r->usage.total_tokens, r->usage.reasoning_tokens));
  for (size_t i = 0; i < r->n_tool_calls; i++)
    CHECK(dynbuf_printf(&b, "tool %s %s [%s]\n", r->tool_calls[i].id, r->tool_calls[i].name,
                        r->tool_calls[i].arguments));
  return dynbuf_take(&b);
}

typedef struct run {
  rec r;
  llm_result res;
  llm_status first_error; /* first non-OK status llm_stream_feed returned */
} run;

/* Feeds in[0..n) in pieces of the given sizes (cycled), then finishes. */
static void run_stream(llm_op op, const char *in, size_t n, const size_t *sizes, size_t n_sizes,
                       run *out) {
  memset(out, 0, sizeof *out);
  dynbuf_init(&out->r.log, 1u << 26);
  llm_stream *s = llm_stream_create(op, rec_delta, &out->r);
  CHECK(s != NULL);
  size_t off = 0, k = 0;
  while (off < n) {
    size_t len = sizes[k++ % n_sizes];
    if (len > n - off) len = n - off;
    llm_status st = llm_stream_feed(s, in + off, len);
    if (st != LLM_OK && out->first_error == LLM_OK) out->first_error = st;
    off += len;
  }
  llm_status fin = llm_stream_finish(s, &out->res);
  CHECK_EQ_INT(fin, out->res.error.code);
  llm_stream_destroy(s);
}

static void run_whole(llm_op op, const char *in, size_t n, run *out) {
  size_t whole[1] = {n ? n : 1};
  run_stream(op, in, n, whole, 1, out);
}

static void run_free(run *r) {
  dynbuf_free(&r->r.log);
  llm_result_clear(&r->res);
}

static void run_fixture(llm_op op, const char *name, run *out) {
  size_t n;
  char *in = test_read_file(test_fixture(name), &n);
  run_whole(op, in, n, out);
  free(in);
}

static const char *log_of(const run *r) { return r->r.log.data ? r->r.log.data : ""; }

static bool starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Same deltas and same result as the unsplit feed, for every two-piece split, one byte at a
 * time, and pseudo-random pieces. */
static void check_split_invariance(llm_op op, const char *name) {
  size_t n;
  char *in = test_read_file(test_fixture(name), &n);
  run ref;
  run_whole(op, in, n, &ref);
  char *ref_sum = summarize(&ref.res);
  for (size_t i = 0; i <= n; i++) {
    run r;
    size_t sizes[2] = {i ? i : n, n};
    run_stream(op, in, n, sizes, 2, &r);
    char *sum = summarize(&r.res);
    CHECK_MSG(strcmp(log_of(&r), log_of(&ref)) == 0, "%s: deltas differ when split at %zu:\n%s\nvs\n%s",
              name, i, log_of(&r), log_of(&ref));
    CHECK_MSG(strcmp(sum, ref_sum) == 0, "%s: result differs when split at %zu", name, i);
    CHECK_EQ_INT(r.first_error, ref.first_error);
    free(sum);
    run_free(&r);
  }
  size_t one[1] = {1};
  run r;
  run_stream(op, in, n, one, 1, &r);
  CHECK_EQ_STR(log_of(&r), log_of(&ref));
  char *sum = summarize(&r.res);
  CHECK_EQ_STR(sum, ref_sum);
  free(sum);
  run_free(&r);
  unsigned seed = 12345;
  for (int t = 0; t < 200; t++) {
    size_t sizes[16];
    for (int k = 0; k < 16; k++) {
      seed = seed * 1103515245u + 12345u;
      sizes[k] = 1 + (seed >> 16) % 97;
    }
    run_stream(op, in, n, sizes, 16, &r);
    CHECK_EQ_STR(log_of(&r), log_of(&ref));
    sum = summarize(&r.res);
    CHECK_EQ_STR(sum, ref_sum);
    free(sum);
    run_free(&r);
  }
  free(ref_sum);
  run_free(&ref);
  free(in);
}

/* One SSE event holding a chat chunk whose delta content is text[0..n). */
static void append_content_chunk(dynbuf *b, const char *field, const char *text, size_t n) {
  json_t *j = json_pack("{s:s, s:[{s:i, s:{s:s%}, s:n}]}", "model", "m", "choices", "index", 0,
                        "delta", field, text, n, "finish_reason");
  CHECK(j != NULL);
  char *s = json_dumps(j, JSON_COMPACT);
  CHECK(s != NULL);
  CHECK(dynbuf_printf(b, "data: %s\n\n", s));
  free(s);
  json_decref(j);
}

static llm_status decode_fixture(llm_op op, long status, const char *name, llm_result *res) {
  size_t n;
  char *body = test_read_file(test_fixture(name), &n);
  memset(res, 0, sizeof *res);
  llm_status st = llm_response_decode(op, status, body, n, res);
  CHECK_EQ_INT(st, res->error.code);
  CHECK(res->text != NULL && res->reasoning != NULL);
  free(body);
  return st;
}

static llm_status decode_str(llm_op op, long status, const char *body, llm_result *res) {
  memset(res, 0, sizeof *res);
  llm_status st = llm_response_decode(op, status, body, strlen(body), res);
  CHECK(res->text != NULL && res->reasoning != NULL);
  return st;
}

/* ---- streams: fixtures -------------------------------------------------------------------- */

TEST(response_stream_feed_split_at_every_offset_reasoning_fixture) {
  check_split_invariance(LLM_OP_CHAT, "llm/chat_stream_reasoning.sse");
}

TEST(response_stream_feed_split_at_every_offset_think_fixture) {
  check_split_invariance(LLM_OP_CHAT, "llm/chat_stream_think.sse");
}

TEST(response_stream_feed_split_at_every_offset_tools_fixture) {
  check_split_invariance(LLM_OP_CHAT, "llm/chat_stream_tools.sse");
}

TEST(response_stream_feed_split_at_every_offset_completion_fixture) {
  check_split_invariance(LLM_OP_COMPLETION, "llm/completion_stream.sse");
}

TEST(response_stream_feed_split_at_every_offset_error_fixture) {
  check_split_invariance(LLM_OP_CHAT, "llm/chat_stream_error.sse");
}

TEST(response_stream_feed_split_at_every_offset_crlf_fixture) {
  check_split_invariance(LLM_OP_CHAT, "llm/chat_stream_crlf.sse");
}

TEST(response_stream_feed_split_at_every_offset_truncated_fixture) {
  check_split_invariance(LLM_OP_CHAT, "llm/chat_stream_truncated.sse");
}

TEST(response_stream_finish_reasoning_fixture_values) {
  run r;
  run_fixture(LLM_OP_CHAT, "llm/chat_stream_reasoning.sse", &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.error.message, "");
  CHECK_EQ_INT(r.res.op, LLM_OP_CHAT);
  CHECK_EQ_STR(r.res.text, "Salut ! Ça va très bien, merci. 日本語 も OK 🤖\n\nÀ bientôt.");
  CHECK_EQ_STR(r.res.reasoning,
               "The user greets me in French (\"Salut\"). Reply briefly — café emoji: 🤖.");
  CHECK_EQ_STR(r.res.finish_reason, "stop");
  CHECK_EQ_STR(r.res.model, "qwen/qwen3-8b");
  CHECK(r.res.usage.present);
  CHECK_EQ_INT(r.res.usage.prompt_tokens, 148);
  CHECK_EQ_INT(r.res.usage.completion_tokens, 37);
  CHECK_EQ_INT(r.res.usage.total_tokens, 185);
  CHECK_EQ_INT(r.res.usage.reasoning_tokens, 18);
  CHECK_EQ_INT(r.res.n_tool_calls, 0);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_REASONING], 9);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_CONTENT], 11);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_FINISH], 1);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_USAGE], 1);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_TOOL_CALL], 0);
  CHECK(starts_with(log_of(&r), "R[The user]\nR[ greets]\n"));
  CHECK_CONTAINS(log_of(&r), "C[\n\nÀ bientôt.]\nF stop\nU 148 37 185 18\n");
  run_free(&r);
}

TEST(response_stream_finish_think_fixture_splits_tags_across_chunks) {
  run r;
  run_fixture(LLM_OP_CHAT, "llm/chat_stream_think.sse", &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.reasoning, "\nOkay, the user asks 2+2. a<b holds.\n");
  CHECK_EQ_STR(r.res.text, "2 + 2 = **4**. <br> done");
  CHECK_EQ_STR(r.res.finish_reason, "stop");
  CHECK_EQ_STR(r.res.model, "deepseek-r1-distill-qwen-7b");
  run_free(&r);
}

TEST(response_stream_finish_tools_fixture_accumulates_by_index) {
  run r;
  run_fixture(LLM_OP_CHAT, "llm/chat_stream_tools.sse", &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_INT(r.res.n_tool_calls, 2);
  CHECK_EQ_STR(r.res.tool_calls[0].id, "682997534");
  CHECK_EQ_STR(r.res.tool_calls[0].name, "get_weather");
  CHECK_EQ_STR(r.res.tool_calls[0].arguments, "{\"city\":\"Zürich\",\"unit\":\"celsius\"}");
  CHECK_EQ_STR(r.res.tool_calls[1].id, "365174485");
  CHECK_EQ_STR(r.res.tool_calls[1].name, "get_time");
  CHECK_EQ_STR(r.res.tool_calls[1].arguments, "{\"tz\":\"Europe/Zurich\"}");
  CHECK_EQ_STR(r.res.finish_reason, "tool_calls");
  CHECK_EQ_STR(r.res.text, "");
  CHECK_EQ_INT(r.r.count[LLM_DELTA_TOOL_CALL], 10);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_CONTENT], 0);
  CHECK(starts_with(log_of(&r), "T0 682997534 get_weather []\nT0 - - [{\"]\n"));
  CHECK_CONTAINS(log_of(&r), "T1 365174485 get_time []\nT1 - - [{\"tz\":]\n");
  run_free(&r);
}

TEST(response_stream_finish_completion_fixture_text_not_think_split) {
  run r;
  run_fixture(LLM_OP_COMPLETION, "llm/completion_stream.sse", &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_INT(r.res.op, LLM_OP_COMPLETION);
  CHECK_EQ_STR(r.res.text, " to find your purpose <think> — naïve");
  CHECK_EQ_STR(r.res.reasoning, "");
  CHECK_EQ_STR(r.res.finish_reason, "length");
  CHECK(r.res.usage.present);
  CHECK_EQ_INT(r.res.usage.total_tokens, 11);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_CONTENT], 6); /* the empty final text is not delivered */
  CHECK_CONTAINS(log_of(&r), "F length\nU 5 6 11 0\n");
  run_free(&r);
}

TEST(response_stream_feed_error_fixture_classified_and_ends_stream) {
  size_t n;
  char *in = test_read_file(test_fixture("llm/chat_stream_error.sse"), &n);
  rec rc = {0};
  dynbuf_init(&rc.log, 1u << 20);
  llm_stream *s = llm_stream_create(LLM_OP_CHAT, rec_delta, &rc);
  CHECK_EQ_INT(llm_stream_feed(s, in, n), LLM_ERR_SERVER);
  CHECK(llm_stream_ended(s));
  CHECK_EQ_INT(llm_stream_feed(s, "data: {}\n\n", 10), LLM_ERR_SERVER); /* the same error again */
  llm_result res = {0};
  CHECK_EQ_INT(llm_stream_finish(s, &res), LLM_ERR_SERVER);
  CHECK_EQ_INT(res.error.http_status, 0);
  CHECK_CONTAINS(res.error.message, "Compute error.");
  CHECK_EQ_STR(res.text, "Partial answer"); /* what came before the error is kept */
  CHECK_EQ_STR(rc.log.data, "C[Partial]\nC[ answer]\n");
  llm_result_clear(&res);
  llm_stream_destroy(s);
  dynbuf_free(&rc.log);
  free(in);
}

TEST(response_stream_finish_crlf_fixture_values) {
  run r;
  run_fixture(LLM_OP_CHAT, "llm/chat_stream_crlf.sse", &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.text, "Hello, world!");
  CHECK_EQ_STR(r.res.finish_reason, "stop");
  CHECK_EQ_STR(r.res.model, "lmstudio-community/meta-llama-3.1-8b-instruct");
  CHECK(!r.res.usage.present); /* no include_usage: no usage at all */
  run_free(&r);
}

TEST(response_stream_finish_truncated_fixture) {
  run r;
  run_fixture(LLM_OP_CHAT, "llm/chat_stream_truncated.sse", &r);
  CHECK_EQ_INT(r.first_error, LLM_OK);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_TRUNCATED);
  CHECK_CONTAINS(r.res.error.message, "the server closed the stream before it finished");
  CHECK_EQ_STR(r.res.text, "The answer is forty");
  CHECK(r.res.finish_reason == NULL);
  run_free(&r);
}

/* ---- streams: end conditions -------------------------------------------------------------- */

TEST(response_stream_finish_done_without_finish_reason_ok) {
  run r;
  const char *in = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.text, "hi");
  CHECK(r.res.model == NULL);
  run_free(&r);
}

TEST(response_stream_finish_finish_reason_without_done_ok) {
  run r;
  const char *in = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"length\"}]}\n\n";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.finish_reason, "length");
  CHECK_EQ_STR(log_of(&r), "C[hi]\nF length\n");
  run_free(&r);
}

TEST(response_stream_finish_done_with_reasoning_only_ok) {
  run r;
  const char *in = "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"{\\\"a\\\":1}\",\"content\":\"\"}}]}\n\n"
                   "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.text, "");
  CHECK_EQ_STR(r.res.reasoning, "{\"a\":1}");
  CHECK_EQ_INT(r.r.count[LLM_DELTA_CONTENT], 0); /* empty content is not delivered */
  run_free(&r);
}

TEST(response_stream_finish_empty_body_truncated) {
  run r;
  run_whole(LLM_OP_CHAT, "", 0, &r);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_TRUNCATED);
  CHECK_EQ_STR(r.res.text, "");
  CHECK_EQ_STR(r.res.reasoning, "");
  run_free(&r);
}

TEST(response_stream_finish_json_error_body_instead_of_stream) {
  run r;
  const char *in = "{\"error\":\"Unexpected endpoint or method. (POST /chat/completions)\"}";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_BAD_ENDPOINT);
  CHECK_CONTAINS(r.res.error.message, "Unexpected endpoint or method. (POST /chat/completions)");
  CHECK_CONTAINS(r.res.error.message, "base URL");
  run_free(&r);
  const char *html = "<html><body>Bad Gateway</body></html>\n";
  run_whole(LLM_OP_CHAT, html, strlen(html), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_MALFORMED);
  CHECK_CONTAINS(r.res.error.message, "not an event stream: \"<html><body>Bad Gateway");
  run_free(&r);
}

TEST(response_stream_feed_after_done_ignored) {
  llm_stream *s = llm_stream_create(LLM_OP_CHAT, NULL, NULL);
  const char *in = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n"
                   "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n";
  CHECK_EQ_INT(llm_stream_feed(s, in, strlen(in)), LLM_OK);
  CHECK(llm_stream_ended(s));
  CHECK_EQ_INT(llm_stream_feed(s, "garbage\n\n", 9), LLM_OK);
  llm_result res = {0};
  CHECK_EQ_INT(llm_stream_finish(s, &res), LLM_OK);
  CHECK_EQ_STR(res.text, "a");
  llm_result_clear(&res);
  llm_stream_destroy(s);
}

TEST(response_stream_finish_twice_invalid_argument) {
  llm_stream *s = llm_stream_create(LLM_OP_CHAT, NULL, NULL);
  CHECK_EQ_INT(llm_stream_feed(s, "data: [DONE]\n\n", 14), LLM_OK);
  llm_result res = {0}, again = {0};
  CHECK_EQ_INT(llm_stream_finish(s, &res), LLM_OK);
  CHECK_EQ_INT(llm_stream_finish(s, &again), LLM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(llm_stream_feed(s, "x", 1), LLM_OK);
  llm_result_clear(&res);
  llm_result_clear(&again);
  llm_stream_destroy(s);
}

TEST(response_stream_feed_null_arguments) {
  CHECK_EQ_INT(llm_stream_feed(NULL, "x", 1), LLM_ERR_INVALID_ARGUMENT);
  llm_stream *s = llm_stream_create(LLM_OP_CHAT, NULL, NULL);
  CHECK_EQ_INT(llm_stream_feed(s, NULL, 1), LLM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(llm_stream_feed(s, NULL, 0), LLM_OK);
  CHECK(!llm_stream_ended(s));
  CHECK(!llm_stream_ended(NULL));
  CHECK_EQ_INT(llm_stream_finish(s, NULL), LLM_ERR_INVALID_ARGUMENT);
  llm_result res = {0};
  CHECK_EQ_INT(llm_stream_finish(NULL, &res), LLM_ERR_INVALID_ARGUMENT);
  llm_result_clear(&res);
  llm_stream_destroy(s);
  llm_stream_destroy(NULL);
}

/* ---- streams: errors, limits, text repair ------------------------------------------------- */

TEST(response_stream_feed_invalid_json_malformed_quotes_prefix) {
  run r;
  const char *in = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"oops}\n\n";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.first_error, LLM_ERR_MALFORMED);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_MALFORMED);
  CHECK_CONTAINS(r.res.error.message, "a streamed chunk is not valid JSON");
  CHECK_CONTAINS(r.res.error.message, "{\"choices\":[{\"delta\":{\"content\":\"oops}");
  CHECK_EQ_STR(r.res.text, "a");
  run_free(&r);
}

TEST(response_stream_feed_chunk_not_an_object_malformed) {
  run r;
  const char *in = "data: [1,2]\n\n";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_MALFORMED);
  run_free(&r);
}

TEST(response_stream_feed_error_shapes_classified) {
  static const struct {
    const char *data;
    llm_status code;
    const char *quote;
  } cases[] = {
      {"{\"error\":\"No models loaded. Please load a model.\"}", LLM_ERR_NO_MODEL_LOADED, "No models loaded."},
      {"{\"error\":{\"message\":\"Context size has been exceeded.\"}}", LLM_ERR_CONTEXT_OVERFLOW, "Context size"},
      {"{\"error\":{\"message\":\"x\",\"code\":\"model_not_found\"}}", LLM_ERR_MODEL_NOT_FOUND, ": x"},
      {"{\"error\":{\"type\":\"model_not_found\",\"message\":\"gone\"}}", LLM_ERR_MODEL_NOT_FOUND, "gone"},
      {"{\"error\":{},\"message\":\"Compute error.\"}", LLM_ERR_SERVER, "Compute error."},
      {"{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}", LLM_ERR_SERVER, "Loading model"},
      {"{\"error\":true}", LLM_ERR_SERVER, "(no message)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char in[512];
    snprintf(in, sizeof in, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: %s\n\n", cases[i].data);
    run r;
    run_whole(LLM_OP_CHAT, in, strlen(in), &r);
    CHECK_MSG(r.res.error.code == cases[i].code, "case %zu: %s", i, r.res.error.message);
    CHECK_CONTAINS(r.res.error.message, cases[i].quote);
    CHECK_EQ_INT(r.res.error.http_status, 0);
    run_free(&r);
  }
  /* "error": null is no error (some servers send it on every chunk). */
  run r;
  const char *ok = "data: {\"error\":null,\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n";
  run_whole(LLM_OP_CHAT, ok, strlen(ok), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  run_free(&r);
}

TEST(response_stream_feed_invalid_utf8_replaced_not_lost) {
  /* A Latin-1 byte, a lone continuation byte and a cut 3-byte character inside JSON strings. */
  static const char in[] = "data: {\"choices\":[{\"delta\":{\"content\":\"caf\xE9 \x80ok \xE6\x97\"}}]}\n\n"
                           "data: {\"choices\":[{\"delta\":{\"content\":\" fine\"},\"finish_reason\":\"stop\"}]}\n\n"
                           "data: [DONE]\n\n";
  run r;
  run_whole(LLM_OP_CHAT, in, sizeof in - 1, &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.text, "caf\xEF\xBF\xBD \xEF\xBF\xBDok \xEF\xBF\xBD fine");
  run_free(&r);
}

TEST(response_stream_feed_invalid_utf8_outside_strings_malformed) {
  static const char in[] = "data: {\"choices\":\xFF}\n\n";
  run r;
  run_whole(LLM_OP_CHAT, in, sizeof in - 1, &r);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_MALFORMED);
  run_free(&r);
}

TEST(response_stream_feed_nul_escape_replaced) {
  static const char in[] = "data: {\"choices\":[{\"delta\":{\"content\":\"a\\u0000b\",\"reasoning\":\"\\u0000\"},\"finish_reason\":\"stop\"}]}\n\n";
  run r;
  run_whole(LLM_OP_CHAT, in, sizeof in - 1, &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.text, "a\xEF\xBF\xBD" "b");
  CHECK_EQ_INT(r.res.text_len, 5);
  CHECK_EQ_STR(r.res.reasoning, "\xEF\xBF\xBD");
  run_free(&r);
}

TEST(response_stream_feed_reasoning_field_and_content_null) {
  /* gpt-oss (0.3.23+): delta.reasoning; content null while reasoning. */
  const char *in = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning\":\"think\"}}]}\n\n"
                   "data: {\"choices\":[{\"delta\":{\"content\":\"ok\",\"reasoning\":null}}]}\n\n"
                   "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"A\",\"reasoning\":\"A\"}}]}\n\n"
                   "data: [DONE]\n\n";
  run r;
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(r.res.reasoning, "thinkA"); /* both fields: reasoning_content wins, no double */
  CHECK_EQ_STR(r.res.text, "ok");
  CHECK_EQ_STR(log_of(&r), "R[think]\nC[ok]\nR[A]\n");
  run_free(&r);
}

TEST(response_stream_feed_usage_on_finish_chunk_and_trailing_chunk) {
  const char *in = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n"
                   "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":5,\"total_tokens\":9}}\n\n"
                   "data: [DONE]\n\n";
  run r;
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_STR(log_of(&r), "C[x]\nF stop\nU 1 2 3 0\nU 4 5 9 0\n");
  CHECK_EQ_INT(r.res.usage.total_tokens, 9);
  run_free(&r);
}

TEST(response_stream_feed_tool_call_shapes) {
  /* Whole call in one chunk without index (Ollama), arguments as an object, a late name. */
  const char *in = "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":{\"x\":1}}},"
                   "{\"index\":5,\"function\":{\"arguments\":\"{}\"}}]}}]}\n\n"
                   "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":5,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]}}]}\n\n"
                   "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":5,\"function\":{\"arguments\":\"\"}}]}}]}\n\n"
                   "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n";
  run r;
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_OK);
  CHECK_EQ_STR(log_of(&r), "T0 a f [{\"x\":1}]\nT5 - - [{}]\nT5 b g []\nF tool_calls\n");
  CHECK_EQ_INT(r.res.n_tool_calls, 2);
  CHECK_EQ_STR(r.res.tool_calls[0].arguments, "{\"x\":1}");
  CHECK_EQ_STR(r.res.tool_calls[1].id, "b");
  CHECK_EQ_STR(r.res.tool_calls[1].name, "g");
  run_free(&r);
  /* A call whose id and name never came still has non-NULL fields; and indexes are sorted. */
  in = "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":3,\"function\":{\"arguments\":\"1\"}},"
       "{\"index\":-2,\"function\":{\"arguments\":\"2\"}}]}}]}\n\ndata: [DONE]\n\n";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.n_tool_calls, 2);
  CHECK_EQ_STR(r.res.tool_calls[0].arguments, "2");
  CHECK_EQ_STR(r.res.tool_calls[0].id, "");
  CHECK_EQ_STR(r.res.tool_calls[1].arguments, "1");
  CHECK_EQ_STR(r.res.tool_calls[1].name, "");
  run_free(&r);
  in = "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":99999999999}]}}]}\n\n";
  run_whole(LLM_OP_CHAT, in, strlen(in), &r);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_MALFORMED);
  run_free(&r);
}

TEST(response_stream_feed_too_many_tool_calls_too_large) {
  dynbuf b;
  dynbuf_init(&b, 1u << 20);
  for (int i = 0; i <= LMS_MAX_TOOL_CALLS; i++)
    CHECK(dynbuf_printf(&b, "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":%d,\"id\":\"%d\","
                            "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\n", i, i));
  run r;
  run_whole(LLM_OP_CHAT, b.data, b.len, &r);
  CHECK_EQ_INT(r.first_error, LLM_ERR_TOO_LARGE);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_TOO_LARGE);
  CHECK_EQ_INT(r.res.n_tool_calls, LMS_MAX_TOOL_CALLS);
  CHECK_EQ_INT(r.r.count[LLM_DELTA_TOOL_CALL], LMS_MAX_TOOL_CALLS);
  run_free(&r);
  dynbuf_free(&b);
}

TEST(response_stream_feed_line_too_long_too_large) {
  llm_stream *s = llm_stream_create(LLM_OP_CHAT, NULL, NULL);
  size_t n = LMS_MAX_SSE_LINE + 16;
  char *big = malloc(n);
  CHECK(big != NULL);
  memcpy(big, "data: ", 6);
  memset(big + 6, 'x', n - 6);
  llm_status st = LLM_OK;
  for (size_t off = 0; off < n && st == LLM_OK; off += 65536)
    st = llm_stream_feed(s, big + off, n - off < 65536 ? n - off : 65536);
  CHECK_EQ_INT(st, LLM_ERR_TOO_LARGE);
  CHECK(llm_stream_ended(s));
  CHECK_EQ_INT(llm_stream_feed(s, "data: [DONE]\n\n", 14), LLM_ERR_TOO_LARGE);
  llm_result res = {0};
  CHECK_EQ_INT(llm_stream_finish(s, &res), LLM_ERR_TOO_LARGE);
  CHECK_CONTAINS(res.error.message, "exceeded the limit");
  llm_result_clear(&res);
  llm_stream_destroy(s);
  free(big);
}

TEST(response_stream_feed_huge_text_over_limit_too_large) {
  size_t piece = 1u << 20;
  char *text = malloc(piece);
  CHECK(text != NULL);
  memset(text, 'a', piece);
  dynbuf chunk;
  dynbuf_init(&chunk, 4u << 20);
  append_content_chunk(&chunk, "content", text, piece);
  size_t delivered = 0;
  rec rc = {0};
  dynbuf_init(&rc.log, 1u << 26);
  llm_stream *s = llm_stream_create(LLM_OP_CHAT, rec_delta, &rc);
  llm_status st = LLM_OK;
  int i = 0;
  for (; i < 40 && st == LLM_OK; i++) st = llm_stream_feed(s, chunk.data, chunk.len);
  CHECK_EQ_INT(st, LLM_ERR_TOO_LARGE);
  delivered = (size_t)rc.count[LLM_DELTA_CONTENT] * piece;
  CHECK(delivered <= LMS_MAX_ANSWER_TEXT);
  CHECK_EQ_INT(i, LMS_MAX_ANSWER_TEXT / piece + 1);
  llm_result res = {0};
  CHECK_EQ_INT(llm_stream_finish(s, &res), LLM_ERR_TOO_LARGE);
  CHECK_CONTAINS(res.error.message, "answer exceeded the limit");
  CHECK_EQ_INT(res.text_len, delivered);
  llm_result_clear(&res);
  llm_stream_destroy(s);
  dynbuf_free(&chunk);
  dynbuf_free(&rc.log);
  free(text);
}

/* ---- streams: inline <think> split at every offset ---------------------------------------- */

static const char THINK_TEXT[] =
    "Intro <think>deep <b> thoughts</think>\n Answer <thinking> a</b> <think>more</think> </think> end <thi";

/* Streams THINK_TEXT as three content chunks cut at i and j; returns the run. */
static void run_think_cut(size_t i, size_t j, run *r) {
  size_t n = sizeof THINK_TEXT - 1;
  dynbuf b;
  dynbuf_init(&b, 1u << 20);
  append_content_chunk(&b, "content", THINK_TEXT, i);
  append_content_chunk(&b, "content", THINK_TEXT + i, j - i);
  append_content_chunk(&b, "content", THINK_TEXT + j, n - j);
  CHECK(dynbuf_append_str(&b, "data: [DONE]\n\n"));
  run_whole(LLM_OP_CHAT, b.data, b.len, r);
  dynbuf_free(&b);
}

TEST(response_stream_think_tags_split_at_every_offset) {
  size_t n = sizeof THINK_TEXT - 1;
  for (size_t i = 0; i <= n; i++) {
    for (size_t j = i; j <= n; j++) {
      run r;
      run_think_cut(i, j, &r);
      CHECK_EQ_INT(r.res.error.code, LLM_OK);
      CHECK_MSG(strcmp(r.res.text, "Intro Answer <thinking> a</b> </think> end <thi") == 0,
                "cut %zu,%zu: text [%s]", i, j, r.res.text);
      CHECK_MSG(strcmp(r.res.reasoning, "deep <b> thoughtsmore") == 0, "cut %zu,%zu: reasoning [%s]",
                i, j, r.res.reasoning);
      run_free(&r);
    }
  }
}

TEST(response_stream_think_unclosed_block_stays_reasoning) {
  dynbuf b;
  dynbuf_init(&b, 1u << 20);
  append_content_chunk(&b, "content", "<think>still thinking </th", 26);
  run r;
  run_whole(LLM_OP_CHAT, b.data, b.len, &r);
  CHECK_EQ_INT(r.res.error.code, LLM_ERR_TRUNCATED);
  CHECK_EQ_STR(r.res.reasoning, "still thinking </th");
  CHECK_EQ_STR(r.res.text, "");
  run_free(&r);
  dynbuf_free(&b);
}

/* ---- non-streamed bodies ------------------------------------------------------------------ */

TEST(response_decode_chat_v1_shape) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 200, "llm/chat_v1.json", &res), LLM_OK);
  CHECK_EQ_INT(res.op, LLM_OP_CHAT);
  CHECK_EQ_STR(res.error.message, "");
  CHECK_EQ_STR(res.text, "Hello! Schön, dich zu sehen.");
  CHECK_EQ_INT(res.text_len, strlen("Hello! Schön, dich zu sehen."));
  CHECK_EQ_STR(res.reasoning, "Greet back.");
  CHECK_EQ_STR(res.finish_reason, "stop");
  CHECK_EQ_STR(res.model, "qwen/qwen3.5-9b");
  CHECK(res.usage.present);
  CHECK_EQ_INT(res.usage.prompt_tokens, 148);
  CHECK_EQ_INT(res.usage.completion_tokens, 21);
  CHECK_EQ_INT(res.usage.total_tokens, 169);
  CHECK_EQ_INT(res.usage.reasoning_tokens, 4);
  CHECK(!res.stats.present); /* "stats": {} on /v1 */
  CHECK_EQ_INT(res.n_tool_calls, 0);
  CHECK(res.tool_calls == NULL);
  llm_result_clear(&res);
}

TEST(response_decode_chat_v0_stats) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 200, "llm/chat_v0_stats.json", &res), LLM_OK);
  CHECK_EQ_STR(res.text, "Greetings, I'm a helpful AI.");
  CHECK_EQ_STR(res.reasoning, "");
  CHECK(res.stats.present);
  CHECK(fabs(res.stats.tokens_per_second - 51.43709529007664) < 1e-9);
  CHECK(fabs(res.stats.time_to_first_token_s - 0.111) < 1e-9);
  CHECK(fabs(res.stats.generation_time_s - 0.954) < 1e-9);
  CHECK_EQ_STR(res.stats.stop_reason, "eosFound");
  CHECK_EQ_INT(res.usage.reasoning_tokens, 0);
  llm_result_clear(&res);
}

TEST(response_decode_chat_inline_think_split) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 200, "llm/chat_think.json", &res), LLM_OK);
  CHECK_EQ_STR(res.reasoning, "\nThe user wants a haiku.\n");
  CHECK_EQ_STR(res.text, "Autumn moonlight—\na worm digs silently\ninto the chestnut.");
  llm_result_clear(&res);
}

TEST(response_decode_chat_reasoning_only_ok) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 200, "llm/chat_reasoning_only.json", &res), LLM_OK);
  CHECK_EQ_STR(res.text, "");
  CHECK_EQ_STR(res.reasoning, "{\"answer\": 42}");
  CHECK(res.usage.present);
  CHECK_EQ_INT(res.usage.total_tokens, 0);
  llm_result_clear(&res);
}

TEST(response_decode_chat_tool_calls) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 200, "llm/chat_tools.json", &res), LLM_OK);
  CHECK_EQ_STR(res.text, ""); /* content absent */
  CHECK_EQ_STR(res.finish_reason, "tool_calls");
  CHECK_EQ_INT(res.n_tool_calls, 2);
  CHECK_EQ_STR(res.tool_calls[0].id, "365174485");
  CHECK_EQ_STR(res.tool_calls[0].name, "search_products");
  CHECK_EQ_STR(res.tool_calls[0].arguments, "{\"query\":\"dell\"}");
  CHECK_EQ_STR(res.tool_calls[1].id, "682997534");
  CHECK_EQ_STR(res.tool_calls[1].name, "list_categories");
  CHECK_EQ_STR(res.tool_calls[1].arguments, "");
  llm_result_clear(&res);
}

TEST(response_decode_chat_content_shapes) {
  llm_result res;
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":"
                                            "[{\"id\":\"1\",\"function\":{\"name\":\"f\",\"arguments\":{\"a\":[1]}}}]}}]}", &res), LLM_OK);
  CHECK_EQ_STR(res.text, "");
  CHECK_EQ_STR(res.tool_calls[0].arguments, "{\"a\":[1]}");
  CHECK(res.finish_reason == NULL && res.model == NULL && !res.usage.present);
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "{\"choices\":[{\"message\":{\"content\":\"x\",\"reasoning\":\"r\"}}]}", &res), LLM_OK);
  CHECK_EQ_STR(res.reasoning, "r");
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "{\"choices\":[{\"text\":\"legacy\"}]}", &res), LLM_OK);
  CHECK_EQ_STR(res.text, "legacy");
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "{\"choices\":[{\"index\":0}]}", &res), LLM_ERR_MALFORMED);
  CHECK_CONTAINS(res.error.message, "no message");
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "{\"choices\":[{\"message\":{\"tool_calls\":[7]}}]}", &res), LLM_ERR_MALFORMED);
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "{\"choices\":[3]}", &res), LLM_ERR_MALFORMED);
  llm_result_clear(&res);
}

TEST(response_decode_completion) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_COMPLETION, 200, "llm/completion.json", &res), LLM_OK);
  CHECK_EQ_INT(res.op, LLM_OP_COMPLETION);
  CHECK_EQ_STR(res.text, " to find your purpose");
  CHECK_EQ_STR(res.finish_reason, "length");
  CHECK_EQ_STR(res.model, "granite-3.0-2b-instruct");
  CHECK(res.stats.present);
  CHECK_EQ_STR(res.stats.stop_reason, "maxPredictedTokensReached");
  llm_result_clear(&res);
}

TEST(response_decode_no_choices_malformed) {
  llm_result res;
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "{\"id\":\"x\",\"object\":\"chat.completion\"}", &res), LLM_ERR_MALFORMED);
  CHECK_CONTAINS(res.error.message, "the server's answer has no choices");
  CHECK_EQ_INT(res.error.http_status, 200);
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_COMPLETION, 200, "{\"choices\":[]}", &res), LLM_ERR_MALFORMED);
  CHECK_CONTAINS(res.error.message, "no choices");
  llm_result_clear(&res);
}

TEST(response_decode_not_json_malformed_quotes_prefix) {
  llm_result res;
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "Hello from a proxy\nthat is not JSON", &res), LLM_ERR_MALFORMED);
  CHECK_CONTAINS(res.error.message, "the server's answer is not valid JSON");
  CHECK_CONTAINS(res.error.message, "\"Hello from a proxy that is not JSON\"");
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "", &res), LLM_ERR_MALFORMED);
  CHECK_CONTAINS(res.error.message, "empty");
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, "[1]", &res), LLM_ERR_MALFORMED);
  llm_result_clear(&res);
}

TEST(response_decode_invalid_utf8_repaired) {
  static const char body[] = "{\"choices\":[{\"message\":{\"content\":\"na\xEFve \xF0\x9F\xA4\"}}]}";
  llm_result res = {0};
  CHECK_EQ_INT(llm_response_decode(LLM_OP_CHAT, 200, body, sizeof body - 1, &res), LLM_OK);
  CHECK_EQ_STR(res.text, "na\xEF\xBF\xBDve \xEF\xBF\xBD");
  llm_result_clear(&res);
}

TEST(response_decode_huge_text_too_large) {
  size_t n = LMS_MAX_ANSWER_TEXT + 1;
  char *text = malloc(n);
  CHECK(text != NULL);
  memset(text, 'a', n);
  json_t *j = json_pack("{s:[{s:{s:s%}}]}", "choices", "message", "content", text, n);
  char *body = json_dumps(j, JSON_COMPACT);
  llm_result res;
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 200, body, &res), LLM_ERR_TOO_LARGE);
  CHECK_CONTAINS(res.error.message, "answer exceeded the limit");
  CHECK_EQ_STR(res.text, "");
  llm_result_clear(&res);
  free(body);
  json_decref(j);
  free(text);
}

TEST(response_decode_body_over_limit_too_large) {
  llm_result res = {0};
  /* The length is checked before anything is read. */
  CHECK_EQ_INT(llm_response_decode(LLM_OP_CHAT, 200, "{}", (size_t)LMS_MAX_RESPONSE_BODY + 1, &res),
               LLM_ERR_TOO_LARGE);
  llm_result_clear(&res);
}

TEST(response_decode_embeddings_ordered_by_index) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_EMBEDDINGS, 200, "llm/embeddings_batch.json", &res), LLM_OK);
  CHECK_EQ_INT(res.n_embeddings, 3);
  CHECK_EQ_INT(res.dimensions, 3);
  static const double expect[9] = {-0.0167, 0.0284, 1e-3, 1, 2, 3, 0.5, -0.25, 0.125};
  for (int i = 0; i < 9; i++) CHECK_MSG(res.embeddings[i] == expect[i], "value %d", i);
  CHECK_EQ_STR(res.model, "text-embedding-nomic-embed-text-v1.5@q4_k_m");
  CHECK(res.usage.present);
  llm_result_clear(&res);
}

TEST(response_decode_embeddings_dimension_mismatch_malformed) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_EMBEDDINGS, 200, "llm/embeddings_mismatch.json", &res), LLM_ERR_MALFORMED);
  CHECK_CONTAINS(res.error.message, "embedding 1 has 2 values but embedding 0 has 3");
  CHECK(res.embeddings == NULL);
  CHECK_EQ_INT(res.n_embeddings, 0);
  llm_result_clear(&res);
}

TEST(response_decode_embeddings_bad_shapes_malformed) {
  static const char *bodies[] = {
      "{\"data\":[{\"embedding\":[1],\"index\":0},{\"embedding\":[2],\"index\":0}]}", /* repeated */
      "{\"data\":[{\"embedding\":[1],\"index\":1}]}",                                   /* out of range */
      "{\"data\":[{\"embedding\":[1],\"index\":-1}]}",
      "{\"data\":[{\"embedding\":[]}]}",                                                /* empty */
      "{\"data\":[{\"embedding\":\"AAAA\"}]}",                                          /* base64 */
      "{\"data\":[{\"embedding\":[1,\"x\"]}]}",                                         /* not a number */
      "{\"data\":[7]}",
      "{\"object\":\"list\"}",                                                          /* no data */
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    llm_result res;
    CHECK_MSG(decode_str(LLM_OP_EMBEDDINGS, 200, bodies[i], &res) == LLM_ERR_MALFORMED, "body %zu: %s", i,
              res.error.message);
    CHECK(res.embeddings == NULL);
    llm_result_clear(&res);
  }
  llm_result res;
  CHECK_EQ_INT(decode_str(LLM_OP_EMBEDDINGS, 200, "{\"data\":[]}", &res), LLM_OK);
  CHECK_EQ_INT(res.n_embeddings, 0);
  llm_result_clear(&res);
}

TEST(response_decode_models_v1_list) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_MODELS, 200, "llm/models_v1.json", &res), LLM_OK);
  CHECK_EQ_INT(res.n_models, 2);
  CHECK_EQ_STR(res.models[0].id, "qwen/qwen3-coder-30b");
  CHECK(res.models[0].type == NULL && res.models[0].state == NULL);
  CHECK_EQ_INT(res.models[0].max_context_length, 0);
  CHECK(!res.models[0].vision && !res.models[0].tool_use);
  CHECK_EQ_STR(res.models[1].id, "text-embedding-nomic-embed-text-v1.5");
  llm_result_clear(&res);
}

TEST(response_decode_models_v0_list) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_MODELS, 200, "llm/models_v0.json", &res), LLM_OK);
  CHECK_EQ_INT(res.n_models, 3);
  llm_model_info *m = res.models;
  CHECK_EQ_STR(m[0].id, "qwen2-vl-7b-instruct");
  CHECK_EQ_STR(m[0].type, "vlm");
  CHECK_EQ_STR(m[0].state, "loaded");
  CHECK_EQ_INT(m[0].max_context_length, 32768);
  CHECK_EQ_INT(m[0].loaded_context_length, 32768);
  CHECK(m[0].vision && m[0].tool_use);
  CHECK_EQ_STR(m[1].type, "llm");
  CHECK_EQ_STR(m[1].state, "not-loaded");
  CHECK_EQ_INT(m[1].max_context_length, 131072);
  CHECK_EQ_INT(m[1].loaded_context_length, 0);
  CHECK(!m[1].vision && !m[1].tool_use);
  CHECK_EQ_STR(m[2].type, "embeddings");
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_MODELS, 200, "{\"data\":[{\"id\":\"a\",\"capabilities\":[\"vision\",3]},{\"object\":\"model\"},5]}", &res), LLM_OK);
  CHECK_EQ_INT(res.n_models, 1); /* entries without an id are skipped */
  CHECK(res.models[0].vision && !res.models[0].tool_use);
  llm_result_clear(&res);
}

TEST(response_decode_models_api_v1_list) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_MODELS, 200, "llm/models_api_v1.json", &res), LLM_OK);
  CHECK_EQ_INT(res.n_models, 3);
  llm_model_info *m = res.models;
  CHECK_EQ_STR(m[0].id, "openai/gpt-oss-20b");
  CHECK_EQ_STR(m[0].type, "llm");
  CHECK_EQ_STR(m[0].state, "loaded");
  CHECK_EQ_INT(m[0].loaded_context_length, 8192);
  CHECK_EQ_INT(m[0].max_context_length, 131072);
  CHECK(m[0].tool_use && !m[0].vision);
  CHECK_EQ_STR(m[1].id, "google/gemma-3-12b");
  CHECK_EQ_STR(m[1].state, "not-loaded");
  CHECK_EQ_INT(m[1].loaded_context_length, 0);
  CHECK(m[1].vision && !m[1].tool_use);
  CHECK_EQ_STR(m[2].type, "embeddings"); /* api/v1 "embedding", spelled as api/v0 does */
  llm_result_clear(&res);
}

TEST(response_decode_probe_reads_models) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_PROBE, 200, "llm/models_v1.json", &res), LLM_OK);
  CHECK_EQ_INT(res.op, LLM_OP_PROBE);
  CHECK_EQ_INT(res.n_models, 2);
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_MODELS, 200, "{\"object\":\"list\"}", &res), LLM_ERR_MALFORMED);
  CHECK_CONTAINS(res.error.message, "no model list");
  llm_result_clear(&res);
}

TEST(response_decode_too_many_models_too_large) {
  dynbuf b;
  dynbuf_init(&b, 1u << 20);
  CHECK(dynbuf_append_str(&b, "{\"data\":["));
  for (int i = 0; i <= LMS_MAX_MODELS; i++) CHECK(dynbuf_printf(&b, "%s{\"id\":\"m%d\"}", i ? "," : "", i));
  CHECK(dynbuf_append_str(&b, "]}"));
  llm_result res = {0};
  CHECK_EQ_INT(llm_response_decode(LLM_OP_MODELS, 200, b.data, b.len, &res), LLM_ERR_TOO_LARGE);
  llm_result_clear(&res);
  dynbuf_free(&b);
}

TEST(response_decode_error_bodies_classified) {
  static const struct {
    const char *file;
    long status;
    llm_status code;
    const char *quote;
    const char *hint;
  } cases[] = {
      {"llm/error_unexpected_endpoint.json", 200, LLM_ERR_BAD_ENDPOINT, "LM Studio answered HTTP 200: Unexpected endpoint or method. (POST /chat/completions)", "base URL"},
      {"llm/error_unexpected_endpoint.json", 404, LLM_ERR_BAD_ENDPOINT, "HTTP 404", "base URL"},
      {"llm/error_no_models_loaded.json", 400, LLM_ERR_NO_MODEL_LOADED, "No models loaded. Please load", "lms load"},
      {"llm/error_no_models_loaded_string.json", 404, LLM_ERR_NO_MODEL_LOADED, "No models loaded.", "lms load"},
      {"llm/error_model_not_found.json", 400, LLM_ERR_MODEL_NOT_FOUND, "LM Studio answered HTTP 400: Invalid model identifier \"o4-mini\"", "model name"},
      {"llm/error_auth.json", 401, LLM_ERR_AUTH, "API token is required", "API token"},
      {"llm/error_context.json", 400, LLM_ERR_CONTEXT_OVERFLOW, "Trying to keep the first 5120 tokens", "context length"},
      {"llm/error_compute.json", 400, LLM_ERR_HTTP, "Compute error.", ""},
      {"llm/error_compute.json", 200, LLM_ERR_SERVER, "Compute error.", ""},
      {"llm/error_json_object.json", 400, LLM_ERR_HTTP, "'response_format.type' must be", ""},
  };
  static const llm_op ops[] = {LLM_OP_CHAT, LLM_OP_COMPLETION, LLM_OP_EMBEDDINGS, LLM_OP_MODELS};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (size_t o = 0; o < 4; o++) {
      llm_result res;
      llm_status st = decode_fixture(ops[o], cases[i].status, cases[i].file, &res);
      CHECK_MSG(st == cases[i].code, "%s (%ld): %s", cases[i].file, cases[i].status, res.error.message);
      CHECK_EQ_INT(res.error.http_status, cases[i].status);
      CHECK_CONTAINS(res.error.message, cases[i].quote);
      CHECK_CONTAINS(res.error.message, cases[i].hint);
      CHECK_EQ_STR(res.text, "");
      llm_result_clear(&res);
    }
  }
}

TEST(response_decode_http_error_without_error_object) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 502, "llm/error_html.html", &res), LLM_ERR_HTTP);
  CHECK_CONTAINS(res.error.message, "LM Studio answered HTTP 502: \"<!DOCTYPE html> <html lang=\"en\">");
  CHECK(strlen(res.error.message) < 220);
  CHECK_EQ_INT(res.error.http_status, 502);
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 404, "", &res), LLM_ERR_HTTP);
  CHECK_CONTAINS(res.error.message, "HTTP 404 with an empty body");
  llm_result_clear(&res);
  /* A readable answer with a failure status is still a failure. */
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 500, "llm/chat_v1.json", &res), LLM_ERR_HTTP);
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_str(LLM_OP_CHAT, 500, "{\"detail\":\"boom\"}", &res), LLM_ERR_HTTP);
  CHECK_CONTAINS(res.error.message, "{\"detail\":\"boom\"}");
  llm_result_clear(&res);
}

TEST(response_decode_null_arguments) {
  CHECK_EQ_INT(llm_response_decode(LLM_OP_CHAT, 200, "{}", 2, NULL), LLM_ERR_INVALID_ARGUMENT);
  llm_result res = {0};
  CHECK_EQ_INT(llm_response_decode(LLM_OP_CHAT, 200, NULL, 5, &res), LLM_ERR_INVALID_ARGUMENT);
  CHECK_EQ_STR(res.text, "");
  llm_result_clear(&res);
  CHECK_EQ_INT(llm_response_decode((llm_op)42, 200, "{}", 2, &res), LLM_ERR_INVALID_ARGUMENT);
  llm_result_clear(&res);
}

TEST(response_find_error_shapes) {
  llm_error e;
  llm_error_clear(&e);
  static const char s1[] = "{\"error\":\"No models loaded.\"}";
  CHECK(llm_response_find_error(s1, sizeof s1 - 1, 400, &e));
  CHECK_EQ_INT(e.code, LLM_ERR_NO_MODEL_LOADED);
  CHECK_EQ_INT(e.http_status, 400);
  static const char s2[] = "{\"error\":{\"message\":\"m\",\"code\":\"invalid_api_key\"}}";
  CHECK(llm_response_find_error(s2, sizeof s2 - 1, 200, &e));
  CHECK_EQ_INT(e.code, LLM_ERR_AUTH);
  CHECK(llm_response_find_error(s2, sizeof s2 - 1, 200, NULL));
  static const char *no[] = {"{\"error\":null}", "{\"error\":false}", "{\"choices\":[]}", "not json", "[1]", ""};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    llm_error_clear(&e);
    CHECK_MSG(!llm_response_find_error(no[i], strlen(no[i]), 200, &e), "body %zu", i);
    CHECK_EQ_INT(e.code, LLM_OK);
  }
  CHECK(!llm_response_find_error(NULL, 3, 200, &e));
}

TEST(response_result_clear_frees_every_field_and_zeroes) {
  llm_result res;
  CHECK_EQ_INT(decode_fixture(LLM_OP_CHAT, 200, "llm/chat_tools.json", &res), LLM_OK);
  llm_result_clear(&res);
  static const llm_result zero;
  CHECK(memcmp(&res, &zero, sizeof res) == 0);
  llm_result_clear(&res);
  llm_result_clear(NULL);
  CHECK_EQ_INT(decode_fixture(LLM_OP_MODELS, 200, "llm/models_v0.json", &res), LLM_OK);
  llm_result_clear(&res);
  CHECK_EQ_INT(decode_fixture(LLM_OP_EMBEDDINGS, 200, "llm/embeddings_batch.json", &res), LLM_OK);
  llm_result_clear(&res);
  CHECK(memcmp(&res, &zero, sizeof res) == 0);
}
