/* emu_answer.c: the answer the emulator gives, planned as a sequence of pieces (one per streamed
 * chunk) so that the streamed and the non-streamed forms always say exactly the same thing.
 * Owns the echo text and its word boundaries, the reasoning prelude, the tool call, ids, usage,
 * and the rendering of non-streamed chat/completion bodies (written by hand rather than with
 * jansson so that fault=bad_utf8 can put invalid UTF-8 inside a JSON string).
 * Pure data, no I/O: an answer belongs to one connection thread at a time. */
#include "emu_internal.h"

#include "common/clock.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const think_pieces[] = {"Thinking", " about", " it."};
/* The tags are cut across chunks on purpose: clients must join before looking for them. */
static const char *const inline_pieces[] = {"<thi", "nk>Thinking", " about", " it.</th",
                                            "ink>\n\n"};
static const char bad_utf8_piece[] = " \xff\xfe";

#define TOOL_FRAGMENT 3 /* bytes of arguments per chunk (extended to a UTF-8 boundary) */

static void make_id(char *dst, size_t cap, const char *prefix, uint64_t seq, size_t n,
                    const char *alphabet) {
  uint64_t state = seq * 0x2545f4914f6cdd1dull;
  size_t len = strlen(alphabet), p = (size_t)snprintf(dst, cap, "%s", prefix);
  for (size_t i = 0; i < n && p + 1 < cap; i++) {
    /* a numeric id must not start with 0 */
    size_t from = (i == 0 && len == 10) ? 1 : 0;
    dst[p++] = alphabet[from + emu_splitmix(&state) % (len - from)];
  }
  dst[p] = '\0';
}

/* Cuts text into chunks that each end after a word (a chunk = blanks + word). */
static bool split_words(emu_answer *a) {
  size_t len = strlen(a->text);
  a->n_words = (size_t)emu_count_words(a->text, len);
  if (a->n_words == 0) return true;
  a->ends = malloc(a->n_words * sizeof *a->ends);
  if (!a->ends) return false;
  size_t w = 0;
  for (size_t i = 0; i < len; i++)
    if (!emu_is_blank(a->text[i]) && (i + 1 == len || emu_is_blank(a->text[i + 1])))
      a->ends[w++] = i + 1;
  a->ends[a->n_words - 1] = len; /* trailing blanks (reply=x_) stay in the last chunk */
  return true;
}

static bool build_text(emu_answer *a, const emu_answer_spec *sp) {
  const emu_directives *d = sp->dir;
  dynbuf b;
  dynbuf_init(&b, LMS_MAX_REQUEST_BODY);
  bool ok;
  if (d->reply[0]) {
    ok = dynbuf_append_str(&b, d->reply);
  } else if (sp->completion) {
    ok = sp->echo[0] ? dynbuf_printf(&b, "%s ...continued", sp->echo)
                     : dynbuf_append_str(&b, "...continued");
  } else {
    ok = dynbuf_append_str(&b, "You said:");
    if (ok && sp->echo[0]) ok = dynbuf_printf(&b, " %s", sp->echo);
    if (ok && sp->n_images > 0) ok = dynbuf_printf(&b, " [images: %d]", sp->n_images);
  }
  if (!ok) {
    dynbuf_free(&b);
    return false;
  }
  a->text = dynbuf_take(&b);
  return a->text && split_words(a);
}

static bool build_tool(emu_answer *a, const emu_answer_spec *sp, uint64_t seq) {
  dynbuf b;
  dynbuf_init(&b, LMS_MAX_REQUEST_BODY);
  bool ok = dynbuf_append_str(&b, "{\"q\":") && emu_json_str(&b, sp->echo, strlen(sp->echo)) &&
            dynbuf_append_str(&b, "}");
  a->tool_name = strdup(sp->dir->tool);
  if (!ok || !a->tool_name) {
    dynbuf_free(&b);
    return false;
  }
  size_t len = b.len;
  a->tool_args = dynbuf_take(&b);
  a->frag_ends = malloc((len / TOOL_FRAGMENT + 1) * sizeof *a->frag_ends);
  if (!a->tool_args || !a->frag_ends) return false;
  for (size_t at = 0; at < len;) {
    size_t end = at + TOOL_FRAGMENT < len ? at + TOOL_FRAGMENT : len;
    while (end < len && ((unsigned char)a->tool_args[end] & 0xc0) == 0x80) end++;
    a->frag_ends[a->n_frags++] = end;
    at = end;
  }
  make_id(a->tool_id, sizeof a->tool_id, "", seq, 9, "0123456789");
  return true;
}

bool emu_answer_init(emu_answer *a, const emu_answer_spec *sp, uint64_t seq) {
  const emu_directives *d = sp->dir;
  memset(a, 0, sizeof *a);
  a->model = sp->model;
  a->completion = sp->completion;
  a->v0 = sp->v0;
  a->role_every = d->role_every;
  a->created = clock_wall_ns() / 1000000000;
  a->start_ms = sp->start_ms;
  a->prompt_tokens = sp->prompt_tokens;
  a->n_tokens = -1;
  make_id(a->id, sizeof a->id, sp->completion ? "cmpl-" : "chatcmpl-", seq, 21,
          "0123456789abcdefghijklmnopqrstuvwxyz");

  a->think = d->think;
  if (sp->completion && a->think != EMU_THINK_INLINE) a->think = EMU_THINK_NONE;
  if (a->think == EMU_THINK_FIELD || a->think == EMU_THINK_GPTOSS) {
    a->pre = think_pieces;
    a->n_pre = 3;
    a->pre_kind = EMU_PIECE_REASONING;
  } else if (a->think == EMU_THINK_INLINE) {
    a->pre = inline_pieces;
    a->n_pre = 5;
    a->pre_kind = EMU_PIECE_CONTENT;
  }

  if (!sp->completion && d->tool[0]) {
    if (build_tool(a, sp, seq)) return true;
    emu_answer_free(a);
    return false;
  }
  if (d->fault == EMU_FAULT_ENDLESS) {
    a->endless = true;
    a->n_tokens = a->n_content = LLONG_MAX;
    return true;
  }
  long long total;
  if (d->tokens >= 0) {
    total = a->n_tokens = d->tokens;
  } else {
    if (!build_text(a, sp)) {
      emu_answer_free(a);
      return false;
    }
    total = (long long)a->n_words;
  }
  a->n_content = total;
  if (sp->max_tokens > 0 && total > sp->max_tokens) {
    a->n_content = sp->max_tokens;
    a->capped = true;
  }
  a->bad_utf8 = d->fault == EMU_FAULT_BAD_UTF8;
  return true;
}

void emu_answer_free(emu_answer *a) {
  free(a->text);
  free(a->ends);
  free(a->tool_name);
  free(a->tool_args);
  free(a->frag_ends);
  memset(a, 0, sizeof *a);
}

long long emu_answer_pieces(const emu_answer *a) {
  if (a->endless) return LLONG_MAX;
  if (a->tool_name) return a->n_pre + 1 + (long long)a->n_frags;
  return a->n_pre + a->n_content + (a->bad_utf8 ? 1 : 0);
}

emu_piece_kind emu_answer_piece(const emu_answer *a, long long k, char scratch[32], const char **s,
                                size_t *n) {
  *s = "";
  *n = 0;
  if (k < a->n_pre) {
    *s = a->pre[k];
    *n = strlen(*s);
    return a->pre_kind;
  }
  k -= a->n_pre;
  if (a->tool_name) {
    if (k == 0) return EMU_PIECE_TOOL_HEAD;
    size_t f = (size_t)k - 1, start = f ? a->frag_ends[f - 1] : 0;
    *s = a->tool_args + start;
    *n = a->frag_ends[f] - start;
    return EMU_PIECE_TOOL_ARGS;
  }
  if (k >= a->n_content) {
    *s = bad_utf8_piece;
    *n = sizeof bad_utf8_piece - 1;
  } else if (a->n_tokens >= 0) {
    int len = snprintf(scratch, 32, k == 0 ? "w%lld" : " w%lld", k + 1);
    *s = scratch;
    *n = len > 0 ? (size_t)len : 0;
  } else {
    size_t start = k ? a->ends[k - 1] : 0;
    *s = a->text + start;
    *n = a->ends[k] - start;
  }
  return EMU_PIECE_CONTENT;
}

const char *emu_answer_finish_reason(const emu_answer *a) {
  return a->tool_name ? "tool_calls" : a->capped ? "length" : "stop";
}

static const char *stop_reason(const emu_answer *a) {
  return a->tool_name ? "toolCalls" : a->capped ? "maxPredictedTokensReached" : "eosFound";
}

long long emu_answer_reasoning_tokens(const emu_answer *a) {
  return a->pre_kind == EMU_PIECE_REASONING ? a->n_pre : 0;
}

bool emu_answer_usage(const emu_answer *a, dynbuf *b) {
  long long done = emu_answer_pieces(a);
  bool ok = dynbuf_printf(b, "\"prompt_tokens\":%lld,\"completion_tokens\":%lld,\"total_tokens\":%lld",
                          a->prompt_tokens, done, a->prompt_tokens + done);
  if (ok && !a->completion)
    ok = dynbuf_printf(b, ",\"completion_tokens_details\":{\"reasoning_tokens\":%lld}",
                       emu_answer_reasoning_tokens(a));
  return ok;
}

/* /api/v0 extras. The timings are emulated: 1000 tokens/s after the real time to first token. */
static bool render_v0(const emu_answer *a, dynbuf *b) {
  long long tokens = emu_answer_pieces(a);
  double ttft = (double)(clock_mono_ms() - a->start_ms) / 1000.0;
  return dynbuf_printf(b,
                       ",\"stats\":{\"tokens_per_second\":%.1f,\"time_to_first_token\":%.3f,"
                       "\"generation_time\":%.3f,\"stop_reason\":\"%s\"}"
                       ",\"model_info\":{\"arch\":\"%s\",\"quant\":\"Q4_K_M\",\"format\":\"gguf\","
                       "\"context_length\":%d}"
                       ",\"runtime\":{\"name\":\"lms-emulator\",\"version\":\"0.1.0\","
                       "\"supported_formats\":[\"gguf\"]}",
                       tokens > 0 ? 1000.0 : 0.0, ttft, (double)tokens / 1000.0, stop_reason(a),
                       a->model->arch, a->model->loaded_context);
}

/* content: the JSON value of the content, or with content_at an empty string whose inside
 * position is reported. */
static bool render_content(const dynbuf *content, dynbuf *b, size_t *content_at) {
  if (!content_at) return emu_json_str(b, content->data ? content->data : "", content->len);
  bool ok = dynbuf_append_str(b, "\"");
  *content_at = b->len;
  return ok && dynbuf_append_str(b, "\"");
}

static bool render_chat(const emu_answer *a, const dynbuf *content, const dynbuf *reasoning,
                        dynbuf *b, size_t *content_at) {
  const char *model = a->model->id;
  bool ok = dynbuf_printf(b,
                          "{\"id\":\"%s\",\"object\":\"chat.completion\",\"created\":%lld,"
                          "\"model\":\"%s\",\"choices\":[{\"index\":0,\"message\":{"
                          "\"role\":\"assistant\",\"content\":",
                          a->id, a->created, model);
  ok = ok && render_content(content, b, content_at);
  ok = ok && dynbuf_append_str(b, a->think == EMU_THINK_GPTOSS ? ",\"reasoning\":"
                                                                : ",\"reasoning_content\":");
  ok = ok && emu_json_str(b, reasoning->data ? reasoning->data : "", reasoning->len);
  ok = ok && dynbuf_append_str(b, ",\"tool_calls\":[");
  if (ok && a->tool_name) {
    ok = dynbuf_printf(b, "{\"id\":\"%s\",\"type\":\"function\",\"function\":{\"name\":",
                       a->tool_id) &&
         emu_json_str(b, a->tool_name, strlen(a->tool_name)) &&
         dynbuf_append_str(b, ",\"arguments\":") &&
         emu_json_str(b, a->tool_args, strlen(a->tool_args)) && dynbuf_append_str(b, "}}");
  }
  ok = ok && dynbuf_printf(b, "]},\"logprobs\":null,\"finish_reason\":\"%s\"}],\"usage\":{",
                           emu_answer_finish_reason(a));
  ok = ok && emu_answer_usage(a, b) && dynbuf_append_str(b, "}");
  ok = ok && (a->v0 ? render_v0(a, b) : dynbuf_append_str(b, ",\"stats\":{}"));
  return ok && dynbuf_printf(b, ",\"system_fingerprint\":\"%s\"}", model);
}

static bool render_completion(const emu_answer *a, const dynbuf *content, dynbuf *b,
                              size_t *content_at) {
  bool ok = dynbuf_printf(b,
                          "{\"id\":\"%s\",\"object\":\"text_completion\",\"created\":%lld,"
                          "\"model\":\"%s\",\"choices\":[{\"index\":0,\"text\":",
                          a->id, a->created, a->model->id);
  ok = ok && render_content(content, b, content_at);
  ok = ok && dynbuf_printf(b, ",\"logprobs\":null,\"finish_reason\":\"%s\"}],\"usage\":{",
                           emu_answer_finish_reason(a));
  ok = ok && emu_answer_usage(a, b) && dynbuf_append_str(b, "}");
  if (ok && a->v0) ok = render_v0(a, b);
  return ok && dynbuf_append_str(b, "}");
}

bool emu_answer_render(const emu_answer *a, dynbuf *b, size_t *content_at) {
  if (a->endless) return false;
  dynbuf content, reasoning;
  dynbuf_init(&content, LMS_MAX_RESPONSE_BODY);
  dynbuf_init(&reasoning, LMS_MAX_ANSWER_TEXT);
  bool ok = true;
  long long total = emu_answer_pieces(a);
  char scratch[32];
  for (long long k = 0; ok && k < total; k++) {
    const char *s;
    size_t n;
    emu_piece_kind kind = emu_answer_piece(a, k, scratch, &s, &n);
    if (kind == EMU_PIECE_CONTENT) ok = dynbuf_append(&content, s, n);
    else if (kind == EMU_PIECE_REASONING) ok = dynbuf_append(&reasoning, s, n);
  }
  if (ok) {
    ok = a->completion ? render_completion(a, &content, b, content_at)
                       : render_chat(a, &content, &reasoning, b, content_at);
  }
  dynbuf_free(&content);
  dynbuf_free(&reasoning);
  return ok;
}
