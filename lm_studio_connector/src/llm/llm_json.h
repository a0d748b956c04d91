/* llm_json.h (private to src/llm): JSON reading shared by the stream and body decoders:
 * parsing that survives invalid UTF-8, the two error shapes, usage, and typed field access
 * that treats a missing field and a field of the wrong type alike. */
#ifndef LLM_JSON_H
#define LLM_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "llm_types.h"

/* Parses s[0..n) (an object or array). Strings may hold \u0000 (JSON_ALLOW_NUL): the text paths
 * replace NUL with U+FFFD instead of losing the whole document. When jansson refuses the text
 * and it is not valid UTF-8, a copy with each invalid sequence replaced by U+FFFD is parsed
 * instead (if that copy is at most twice the size). NULL with *err filled when unreadable. */
json_t *llm_json_parse(const char *s, size_t n, json_error_t *err);

/* Sets e to LLM_ERR_MALFORMED: "<what> is not valid JSON (<jansson's reason>): <quoted prefix>".
 * Returns LLM_ERR_MALFORMED. */
llm_status llm_json_malformed(llm_error *e, const char *what, const json_error_t *err,
                              const char *s, size_t n);

/* When root is an object with a top-level "error" (string, or object with message/code/type;
 * a top-level "message" is used when the object has none), classifies it into e with
 * llm_error_from_server and returns true. "error": null or false is no error. */
bool llm_json_find_error(const json_t *root, long http_status, llm_error *e);

/* Reads an OpenAI usage object (incl. completion_tokens_details.reasoning_tokens) into u and
 * marks it present. Does nothing when usage is not an object. */
void llm_json_read_usage(const json_t *usage, llm_usage *u);

/* obj[key] when it is a string, else NULL (also when obj is not an object). */
const char *llm_json_str(const json_t *obj, const char *key);
/* obj[key] as a long when it is a number (saturated), else 0. */
long llm_json_long(const json_t *obj, const char *key);
/* strdup of obj[key] when it is a string; *dst stays NULL when absent. False when out of memory. */
bool llm_json_dup(const json_t *obj, const char *key, char **dst);

#endif
