/* llm_think.h (private to src/llm): splits inline <think>...</think> out of answer text.
 * Models whose reasoning LM Studio does not separate write it inline in the content. The
 * splitter routes the inside of each think block to REASONING and the rest to CONTENT, with the
 * tags themselves dropped, whatever way the text is cut into pieces: a piece ending in a possible
 * tag prefix ("<th") is held back until the next piece (or the flush) decides. Whitespace right
 * after a closing tag is dropped from the content, as LM Studio does when it separates reasoning.
 * A "</think>" outside a block stays content (a stream cannot take back text already delivered). */
#ifndef LLM_THINK_H
#define LLM_THINK_H

#include <stdbool.h>
#include <stddef.h>

#include "llm_types.h"

/* Receives text for kind LLM_DELTA_CONTENT or LLM_DELTA_REASONING (n > 0, not NUL-terminated).
 * A status other than LLM_OK stops the splitter, which returns it. */
typedef llm_status (*think_emit_fn)(void *ctx, llm_delta_kind kind, const char *s, size_t n);

typedef struct think_splitter {
  bool in_think;   /* inside <think>...</think> */
  bool trim_ws;    /* just after </think>: leading whitespace of the content is dropped */
  size_t held;     /* bytes of a possible tag held back from the previous piece */
  char hold[8];    /* those bytes: always a proper prefix of the tag being looked for */
} think_splitter;

void think_init(think_splitter *t);
/* Splits one piece of content. */
llm_status think_feed(think_splitter *t, const char *s, size_t n, think_emit_fn emit, void *ctx);
/* The content ended: held-back bytes were text after all. */
llm_status think_flush(think_splitter *t, think_emit_fn emit, void *ctx);

#endif
