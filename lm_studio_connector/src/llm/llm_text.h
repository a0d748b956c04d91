/* llm_text.h (private to src/llm): UTF-8 helpers shared by the error and response decoders.
 * Server text reaches logs and ROS strings, which must be valid UTF-8 without NUL bytes;
 * these helpers repair, quote and cut text so that it stays so. Only llm_text_repair_utf8 and
 * llm_text_append allocate. */
#ifndef LLM_TEXT_H
#define LLM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/dynbuf.h"
#include "llm_error.h"

/* The replacement character U+FFFD in UTF-8. */
#define LLM_TEXT_REPLACEMENT "\xEF\xBF\xBD"

/* True when s[0..n) is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool llm_text_utf8_valid(const char *s, size_t n);

/* Returns a malloc'd copy of s[0..n) where every invalid UTF-8 sequence (each maximal invalid
 * subpart, as Unicode recommends) is replaced with U+FFFD; *out_len gets its length. NULL when
 * out of memory or when the copy would exceed max_out bytes. The caller frees. */
char *llm_text_repair_utf8(const char *s, size_t n, size_t max_out, size_t *out_len);

/* Length <= len of s cut back so that it does not end inside a UTF-8 character. */
size_t llm_text_utf8_cut(const char *s, size_t len);

/* Writes into dst (cap >= 4 bytes) at most max_bytes of src[0..n) as one printable line of valid
 * UTF-8: control characters become spaces, invalid bytes '?', a cut never splits a character and
 * is marked with "...". dst is always NUL-terminated. Returns strlen(dst). */
size_t llm_text_quote(char *dst, size_t cap, const char *src, size_t n, size_t max_bytes);

/* Appends s[0..n) to b, each NUL byte replaced with U+FFFD (text is handed on as C strings, where
 * a NUL would silently cut it). Returns LLM_OK, LLM_ERR_TOO_LARGE (over b's maximum) or
 * LLM_ERR_NO_MEMORY; b is unchanged on failure. */
llm_status llm_text_append(dynbuf *b, const char *s, size_t n);

#endif
