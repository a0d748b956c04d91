/* llm_client.h: an asynchronous client for LM Studio's HTTP API (and other OpenAI-compatible
 * servers), on libcurl's multi interface: one loop drives every transfer at once.
 *
 * Threads: every function here may be called from any thread. Callbacks (on_delta, on_done)
 * run on the loop thread: either the client's own thread (llm_client_start) or whichever thread
 * calls llm_client_poll. A callback may submit or cancel requests.
 * Requests are named by ids (> 0, never reused), so cancelling a finished request is harmless.
 * on_done runs exactly once for every request whose submit succeeded, and never for one whose
 * submit failed. The client never invents a response: failures arrive as errors.
 * Teardown: llm_client_destroy finishes every pending request with LLM_ERR_SHUTDOWN. */
#ifndef LLM_CLIENT_H
#define LLM_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "llm_types.h"

typedef struct llm_client llm_client;

typedef struct llm_config {
  const char *base_url;     /* "http://localhost:1234", with or without trailing "/" or "/v1" */
  const char *api_key;      /* NULL or "" = no Authorization header */
  llm_timeouts timeouts;    /* defaults for requests; 0 fields take the built-in defaults */
  const char *ca_file;      /* NULL = system CA store (https) */
  bool insecure_tls;        /* skip certificate checks (self-signed local servers) */
} llm_config;

/* Built-in defaults: connect 5 s, first byte 10 min (JIT loading), idle 60 s, total none. */
#define LLM_DEFAULT_CONNECT_MS 5000
#define LLM_DEFAULT_FIRST_BYTE_MS 600000
#define LLM_DEFAULT_IDLE_MS 60000

typedef struct llm_callbacks {
  void (*on_delta)(void *user, uint64_t id, const llm_delta *d);  /* streaming only; may be NULL */
  /* Exactly once. *r is valid during the call and freed by the client afterwards; to keep a
   * field, move it out and set it to NULL (or copy the struct and zero *r). */
  void (*on_done)(void *user, uint64_t id, llm_result *r);
} llm_callbacks;

/* Creates a client. Does not contact the server. NULL with e filled on bad config. */
llm_client *llm_client_create(const llm_config *cfg, llm_error *e);
/* Cancels and finishes every pending request (on_done with LLM_ERR_SHUTDOWN, on the calling
 * thread when the loop thread is stopped), stops the loop thread, frees the client.
 * Must not be called from a callback. Accepts NULL. */
void llm_client_destroy(llm_client *c);

/* Runs the loop on a thread of the client's own until destroy. Returns LLM_OK or an error. */
llm_status llm_client_start(llm_client *c);
/* Alternatively, drive the loop from the caller's thread: waits up to timeout_ms for network
 * activity or a wakeup, then runs due work and callbacks. Do not mix with llm_client_start. */
llm_status llm_client_poll(llm_client *c, int timeout_ms);
/* Makes a pending llm_client_poll return early. Any thread, async-signal-unsafe. */
void llm_client_wakeup(llm_client *c);

/* Submits requests. Return the request id (> 0), or 0 with e filled (on_done will not run). */
uint64_t llm_client_chat(llm_client *c, const llm_request_opts *o, const llm_message *msgs,
                         size_t n_msgs, const llm_callbacks *cb, void *user, llm_error *e);
uint64_t llm_client_complete(llm_client *c, const llm_request_opts *o, const char *prompt,
                             const llm_callbacks *cb, void *user, llm_error *e);
uint64_t llm_client_embed(llm_client *c, const char *model, const char *const *texts,
                          size_t n_texts, const llm_timeouts *t, const llm_callbacks *cb,
                          void *user, llm_error *e);
/* Lists models: LM Studio's /api/v0/models (type, loaded state, capabilities) when the server
 * has it, else /v1/models. */
uint64_t llm_client_list_models(llm_client *c, const llm_timeouts *t, const llm_callbacks *cb,
                                void *user, llm_error *e);
/* Health probe: GET /v1/models; result->latency_ms is the round trip, models are filled. */
uint64_t llm_client_probe(llm_client *c, const llm_timeouts *t, const llm_callbacks *cb,
                          void *user, llm_error *e);

/* Aborts a request: the transfer stops and on_done runs with LLM_ERR_CANCELLED (carrying any
 * text received so far). Returns true if the request was still pending. */
bool llm_client_cancel(llm_client *c, uint64_t id);
/* Number of requests submitted and not yet finished. */
unsigned llm_client_pending(llm_client *c);

/* The normalized base URL the client talks to ("http://host:port", no trailing slash or /v1),
 * for messages: any "user:password@" shows as "***@". Valid for the client's lifetime. */
const char *llm_client_base_url(const llm_client *c);

/* Copies url to out (size bytes, always NUL-terminated) with the userinfo of its authority
 * ("user:password@") replaced by "***@", so it can be logged. Returns the length written. */
size_t llm_url_redact(const char *url, char *out, size_t size);

#endif
