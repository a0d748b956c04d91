/* llm_transfer.h: one HTTP exchange with the LLM server, private to the client.
 * A transfer owns its curl easy handle, request body, response buffers and stream decoder;
 * it knows how to set curl up, how to take the response bytes in, when its deadlines pass,
 * and how to turn the outcome into an llm_result. The client (llm_client.c) owns the loop,
 * the queue and the curl multi handle. Used only on the loop thread, except creation. */
#ifndef LLM_TRANSFER_H
#define LLM_TRANSFER_H

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/dynbuf.h"
#include "llm_client.h"
#include "llm_response.h"

typedef struct llm_transfer {
  uint64_t id;
  llm_op op;
  bool want_stream;             /* asked the server for SSE */
  CURL *easy;
  struct curl_slist *headers;
  char *url;
  char *body;                   /* POST body, NULL for GET */
  size_t body_len;
  llm_callbacks cb;
  void *user;
  llm_timeouts limits;          /* resolved: every field > 0 or < 0 (none) */

  int64_t start_ns;             /* first submission */
  int64_t attempt_ns;           /* current attempt added to the multi handle */
  int64_t first_byte_ns;        /* 0 until the first response byte */
  int64_t last_byte_ns;
  uint64_t bytes_in;            /* body bytes of the current attempt */
  long http_status;
  bool is_sse;                  /* the response is text/event-stream */
  int attempts;
  bool models_fallback;         /* MODELS: /api/v0 failed, now asking /v1/models */

  llm_stream *stream;           /* SSE decoder, when is_sse */
  dynbuf in;                    /* non-SSE body */
  llm_status abort_reason;      /* why we stopped it (cancel, timeout, stream error), or LLM_OK */
  char abort_message[LLM_ERROR_MESSAGE_MAX];
  atomic_bool cancel_requested; /* set from any thread by llm_client_cancel */

  struct llm_transfer *next;
} llm_transfer;

/* Creates a transfer for base_url + path; body (may be NULL for GET) is taken over on success.
 * Sets up the easy handle completely. NULL with e filled on failure (body then still the
 * caller's). */
llm_transfer *llm_transfer_create(const llm_config *cfg, const char *base_url, const char *path,
                                  llm_op op, char *body, size_t body_len, bool stream,
                                  const llm_timeouts *limits, const llm_callbacks *cb, void *user,
                                  llm_error *e);
/* Frees everything. The easy handle must already be out of any multi handle. */
void llm_transfer_destroy(llm_transfer *t);

/* Prepares a further attempt (same request) after a failure: fresh connection, new path
 * (NULL = same), cleared response state. */
void llm_transfer_rearm(llm_transfer *t, const char *base_url, const char *path);

/* Checks the deadlines at time now; on expiry records the reason and returns true. */
bool llm_transfer_expired(llm_transfer *t, int64_t now_ns);
/* Earliest deadline still ahead, or INT64_MAX. */
int64_t llm_transfer_next_deadline(const llm_transfer *t);

/* The request failed before any response byte on a connection curl reused: one retry allowed. */
bool llm_transfer_should_retry(const llm_transfer *t, CURLcode rc);
/* MODELS asked /api/v0/models and the server does not have it: ask /v1/models instead. */
bool llm_transfer_should_fallback(const llm_transfer *t, const llm_result *r);

/* Builds the result of a finished attempt (curl's code rc) into r (zeroed beforehand). */
void llm_transfer_result(llm_transfer *t, CURLcode rc, llm_result *r);

/* Maps curl's failure rc for this transfer into e (connect refused, DNS, TLS, connect timeout,
 * broken connection), with a message naming the URL and what to check. */
void llm_transfer_error_from_curl(const llm_transfer *t, CURLcode rc, llm_error *e);

/* Records why the client stops this transfer (cancel, shutdown). */
void llm_transfer_set_abort(llm_transfer *t, llm_status why, const char *message);

#endif
