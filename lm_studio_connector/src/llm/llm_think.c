/* llm_think.c: the inline <think> splitter of llm_think.h.
 * Each tag has exactly one '<', at its start, so a held-back partial tag that turns out not to
 * be one is plain text as a whole, and scanning restarts at the next byte: no backtracking.
 * Output depends only on the text, never on how it was cut (the tests replay every cut). */
#include "llm_think.h"

#include <string.h>

static const char OPEN_TAG[] = "<think>";
static const char CLOSE_TAG[] = "</think>";

void think_init(think_splitter *t) { memset(t, 0, sizeof *t); }

static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

static llm_status emit_text(think_splitter *t, const char *s, size_t n, think_emit_fn emit,
                            void *ctx) {
  if (t->in_think) return n ? emit(ctx, LLM_DELTA_REASONING, s, n) : LLM_OK;
  if (t->trim_ws) {
    while (n && is_space(*s)) {
      s++;
      n--;
    }
    if (!n) return LLM_OK;
    t->trim_ws = false;
  }
  return n ? emit(ctx, LLM_DELTA_CONTENT, s, n) : LLM_OK;
}

static void toggle(think_splitter *t) {
  t->in_think = !t->in_think;
  t->trim_ws = !t->in_think;
}

llm_status think_feed(think_splitter *t, const char *s, size_t n, think_emit_fn emit, void *ctx) {
  llm_status st;
  while (n) {
    const char *tag = t->in_think ? CLOSE_TAG : OPEN_TAG;
    size_t tag_len = strlen(tag);
    if (t->held) {
      size_t k = tag_len - t->held;
      if (k > n) k = n;
      if (memcmp(s, tag + t->held, k) == 0) {
        memcpy(t->hold + t->held, s, k);
        t->held += k;
        s += k;
        n -= k;
        if (t->held == tag_len) {
          t->held = 0;
          toggle(t);
        }
        continue; /* n == 0 here unless the tag completed */
      }
      size_t held = t->held;
      t->held = 0;
      if ((st = emit_text(t, t->hold, held, emit, ctx)) != LLM_OK) return st;
      continue;
    }
    /* Find the first '<' that starts the tag (or a prefix of it cut by the piece's end);
     * everything before it is one run of text. */
    const char *e = s + n, *p = s, *lt;
    size_t m = 0;
    while ((lt = memchr(p, '<', (size_t)(e - p))) != NULL) {
      m = (size_t)(e - lt) < tag_len ? (size_t)(e - lt) : tag_len;
      if (memcmp(lt, tag, m) == 0) break;
      p = lt + 1;
    }
    if ((st = emit_text(t, s, (size_t)((lt ? lt : e) - s), emit, ctx)) != LLM_OK) return st;
    if (!lt) break;
    if (m == tag_len) {
      toggle(t);
    } else {
      memcpy(t->hold, lt, m);
      t->held = m;
    }
    s = lt + m;
    n = (size_t)(e - s);
  }
  return LLM_OK;
}

llm_status think_flush(think_splitter *t, think_emit_fn emit, void *ctx) {
  size_t held = t->held;
  t->held = 0;
  return emit_text(t, t->hold, held, emit, ctx);
}
