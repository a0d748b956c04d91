/* llm_response.h: turns what an OpenAI-compatible server (LM Studio, llama.cpp, Ollama, vLLM)
 * sends back into deltas and an llm_result. Knows the JSON shapes and LM Studio's quirks:
 *  - a top-level "error" (string or object) is a failure whatever the HTTP status;
 *  - reasoning arrives as reasoning_content, reasoning, or inline <think>...</think> in the
 *    content (tags may be split across chunks) and is kept apart from the answer;
 *  - tool calls are accumulated by index; a 200 without "choices" is malformed;
 *  - a stream must end with [DONE] or a finish_reason, else it was truncated.
 * Text handed out (deltas and results) is valid UTF-8 without NUL bytes: a JSON chunk or body
 * that jansson refuses because of invalid UTF-8 is repaired (each invalid sequence becomes
 * U+FFFD) and parsed again rather than lost; a \u0000 in text also becomes U+FFFD.
 * No I/O here: the HTTP client feeds bytes in. Not thread-safe; one decoder per response. */
#ifndef LLM_RESPONSE_H
#define LLM_RESPONSE_H

#include <stddef.h>

#include "llm_types.h"
#include "sse.h"

typedef void (*llm_delta_fn)(void *user, const llm_delta *d);

typedef struct llm_stream llm_stream;

/* Creates a decoder for a streamed CHAT or COMPLETION response (text/event-stream body).
 * on_delta (may be NULL) is called for every delta as it is decoded. NULL when out of memory. */
llm_stream *llm_stream_create(llm_op op, llm_delta_fn on_delta, void *user);
/* Frees the decoder. Accepts NULL. */
void llm_stream_destroy(llm_stream *s);
/* Feeds body bytes split anywhere. Returns LLM_OK, or the error that ended the stream
 * (server error object, malformed chunk, limit exceeded); once an error is returned, further
 * input is ignored and the same error is returned. Also LLM_OK once [DONE] was seen (later
 * bytes are ignored). */
llm_status llm_stream_feed(llm_stream *s, const char *bytes, size_t n);
/* True once the stream said it was done ([DONE]) or failed: nothing more is expected. */
bool llm_stream_ended(const llm_stream *s);
/* Call at end of body. Moves the accumulated answer, reasoning, tool calls, usage, finish reason
 * and model into out (which must be zeroed or cleared) and sets out->error: LLM_OK, the error
 * that ended the stream, or LLM_ERR_TRUNCATED when neither [DONE] nor a finish_reason arrived.
 * A body that held no event at all is read as a JSON error body when it is one (LM Studio
 * answers an unknown route with 200 {"error":...}), else it is LLM_ERR_MALFORMED.
 * Text received before an error is moved too. text and reasoning are never NULL (""), tool
 * calls come ordered by index with id, name and arguments never NULL ("" when not sent).
 * Returns out->error.code. The decoder may then only be destroyed. */
llm_status llm_stream_finish(llm_stream *s, llm_result *out);

/* Decodes a complete non-streamed body for op (CHAT, COMPLETION, EMBEDDINGS, MODELS; PROBE reads
 * as MODELS), with the HTTP status it came with (a non-2xx status is an error even with a
 * readable body; 0 = unknown, read as 2xx). Fills out (zeroed or cleared beforehand), including
 * out->error (whose http_status is http_status); returns out->error.code. For MODELS it
 * reads both /v1/models ({"data":[{"id"...}]}) and LM Studio's /api/v0/models (type, state,
 * context lengths, capabilities) and /api/v1/models ({"models":[{"key"...}]}); entries without
 * an id are skipped and type "embedding" (api/v1) is reported as "embeddings" (api/v0).
 * A CHAT answer's inline <think> is split out as for streams; COMPLETION text is left whole. */
llm_status llm_response_decode(llm_op op, long http_status, const char *body, size_t len,
                               llm_result *out);

/* Reads an error from a body that may hold one ({"error": "..."} or {"error": {"message"...}}),
 * classifying it into e with llm_error_from_server. Returns true when the body held an error. */
bool llm_response_find_error(const char *body, size_t len, long http_status, llm_error *e);

#endif
