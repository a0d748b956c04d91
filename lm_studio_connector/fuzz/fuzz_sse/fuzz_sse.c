/* fuzz_sse.c: libFuzzer target for the LM Studio decoders (sse.h, llm_response.h).
 * Input layout: byte 0 picks how many split sizes follow (0..7); those bytes (+1 each) are the
 * sizes, cycled, of the pieces the rest is fed in, so the fuzzer explores chunk boundaries too.
 * The rest is fed to a CHAT and a COMPLETION stream, then decoded as a whole body for every op.
 * Besides ASan/UBSan it checks the decoders' promises: delta and result text NUL-terminated at
 * its length with no NUL inside, never NULL after finish/decode, tool call fields never NULL. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_response.h"

static void require(int cond) {
  if (!cond) abort();
}

static void on_delta(void *user, const llm_delta *d) {
  size_t *total = user;
  require(d->text != NULL);
  require(strlen(d->text) == d->len);
  if (d->kind == LLM_DELTA_FINISH) require(d->finish_reason != NULL);
  if (d->kind == LLM_DELTA_USAGE) require(d->usage != NULL);
  if (d->tool_id) *total += strlen(d->tool_id);
  if (d->tool_name) *total += strlen(d->tool_name);
  *total += d->len;
}

static void check_result(const llm_result *r) {
  if (r->error.code == LLM_ERR_NO_MEMORY) return;
  require(r->text != NULL && strlen(r->text) == r->text_len);
  require(r->reasoning != NULL && strlen(r->reasoning) == r->reasoning_len);
  require(strlen(r->error.message) < sizeof r->error.message);
  for (size_t i = 0; i < r->n_tool_calls; i++)
    require(r->tool_calls[i].id && r->tool_calls[i].name && r->tool_calls[i].arguments);
  for (size_t i = 0; i < r->n_models; i++) require(r->models[i].id != NULL);
  if (r->n_embeddings) require(r->embeddings != NULL && r->dimensions > 0);
}

static void run_stream(llm_op op, const char *body, size_t n, const uint8_t *sizes, size_t n_sizes) {
  size_t total = 0;
  llm_stream *s = llm_stream_create(op, on_delta, &total);
  if (!s) return;
  size_t off = 0, k = 0;
  while (off < n) {
    size_t len = n_sizes ? (size_t)sizes[k++ % n_sizes] + 1 : n - off;
    if (len > n - off) len = n - off;
    llm_stream_feed(s, body + off, len);
    off += len;
  }
  llm_result r = {0};
  llm_status st = llm_stream_finish(s, &r);
  require(st == r.error.code);
  check_result(&r);
  llm_result_clear(&r);
  llm_stream_destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  size_t n_sizes = data[0] % 8;
  if (size < 1 + n_sizes) return 0;
  const uint8_t *sizes = data + 1;
  const char *body = (const char *)data + 1 + n_sizes;
  size_t n = size - 1 - n_sizes;

  run_stream(LLM_OP_CHAT, body, n, sizes, n_sizes);
  run_stream(LLM_OP_COMPLETION, body, n, sizes, n_sizes);

  static const llm_op ops[] = {LLM_OP_CHAT, LLM_OP_COMPLETION, LLM_OP_EMBEDDINGS, LLM_OP_MODELS};
  long status = n_sizes == 7 ? 400 : 200; /* reach the non-2xx path too */
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    llm_result r = {0};
    require(llm_response_decode(ops[i], status, body, n, &r) == r.error.code);
    check_result(&r);
    llm_result_clear(&r);
  }
  llm_error e;
  llm_error_clear(&e);
  llm_response_find_error(body, n, status, &e);
  return 0;
}
