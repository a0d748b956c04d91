/* lms_emulator.h: an HTTP server that emulates LM Studio's local server for tests and benchmarks.
 * It is a TEST SERVER, never a model: every answer is deterministic echo text.
 *
 * Owns: one libmicrohttpd daemon (an internal listening thread plus one thread per TCP
 * connection), the emulated model table and the log of recorded requests. All functions may be
 * called from any thread except that lms_emu_stop must not race with other calls on the same
 * emulator. Routes, shapes and errors follow shared/LMSTUDIO_API.md §2–§4:
 *   GET  /v1/models, /api/v0/models, /api/v0/models/<id>
 *   POST /v1/chat/completions, /v1/completions, /v1/embeddings (and the /api/v0/ twins)
 *   GET|DELETE /__emulator/requests   control routes: never recorded, never need the API key
 * Anything else answers HTTP 200 {"error":"Unexpected endpoint or method. (GET /x)"}.
 *
 * Answers. Chat: "You said: <last user text>" (+ " [images: N]"). Completion: "<prompt> ...continued"
 * (just "...continued" for an empty prompt). Streams send one word per chunk (a word with its
 * leading spaces), so the streamed text concatenates exactly to the non-streamed text.
 * max_tokens > 0 caps the content chunks (finish_reason "length").
 *
 * Directives: "[[key=value ...]]" inside the last user message or the prompt (removed from the
 * echo) or the first embeddings input (the failure and delay keys), or the request header "X-Emulator-Directives: key=value ..."; the text wins over the
 * header. Unknown keys and bad numbers are ignored. Keys: tokens, reply, delay_first_ms, jit_ms, jit,
 * interval_ms, stall_after, stall_ms, think (1|inline|reasoning), tool, role (first|every),
 * status, redirect, body (object|string|none|html), fault (drop_after|malformed|error_in_stream|non_json|
 * no_choices|endless|no_done|truncated|close_once|huge|bad_utf8), after, mb, split, crlf, comments.
 * Their meaning is documented in emu_directives.c. */
#ifndef LMS_EMULATOR_H
#define LMS_EMULATOR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lms_emu lms_emu;

typedef struct lms_emu_config {
  const char *bind_addr;   /* IPv4 address; NULL = "127.0.0.1" */
  unsigned short port;     /* 0 = ephemeral, read it back with lms_emu_port */
  const char *api_key;     /* non-NULL: every route needs "Authorization: Bearer <key>", else 401 */
  int chunk_interval_us;   /* default pause between streamed chunks; 0 = as fast as possible */
  int keepalive_timeout_s; /* idle keep-alive connections are closed after this; 0 = 5 (LM Studio) */
  bool no_api_v0;          /* true: /api/v0/... answers like an unknown route (a plain OpenAI server) */
  int embedding_dim;       /* values per embedding vector; 0 = 768 */
  const char *tls_cert_pem;/* with tls_key_pem: serve HTTPS with this certificate (PEM text) */
  const char *tls_key_pem;
} lms_emu_config;

/* Starts listening. cfg may be NULL (all defaults); it is copied. Returns NULL on failure
 * (bad address, port in use), with a message on stderr. Free with lms_emu_stop. */
lms_emu *lms_emu_start(const lms_emu_config *cfg);

/* The TCP port actually bound (the ephemeral one when cfg.port was 0). */
unsigned short lms_emu_port(const lms_emu *e);

/* Stops the server: ends sleeping and endless streams within ~10 ms, closes every connection,
 * joins every thread and frees everything. Accepts NULL. */
void lms_emu_stop(lms_emu *e);

/* Number of recorded requests (at most LMS_MAX_RECORDED_REQUESTS; the oldest are dropped).
 * Every request except the control routes is recorded, in arrival order, faulted ones too. */
size_t lms_emu_request_count(lms_emu *e);

/* The i-th recorded request (0 = oldest kept) as a malloc'd JSON string the caller frees, or NULL
 * when there is none:
 * {"method":"POST","path":"/v1/chat/completions","headers":{"content-type":"application/json",...},
 *  "body":<parsed JSON body | the raw body as a string when not JSON | null when empty>,
 *  "connection":<n-th TCP connection accepted, from 1>,"time_ms":<ms since lms_emu_start>}
 * Header names are lower-cased; repeated headers are joined with ", ". */
char *lms_emu_request_json(lms_emu *e, size_t i);

/* Forgets every recorded request. */
void lms_emu_clear_requests(lms_emu *e);

/* Changes the default pause between streamed chunks for streams that start afterwards
 * (and for running ones at their next chunk). Negative values count as 0. */
void lms_emu_set_chunk_interval_us(lms_emu *e, int us);

#endif
