/* llm_error.h: the LM Studio client's error codes and the error record that carries them.
 * Codes are written out and never reused; llm_status_name/llm_strerror know every one.
 * An llm_error holds the code, the HTTP status when there was one, and a human message
 * (what happened and, where useful, what to check). Never made up: a failure is reported
 * as a failure, never replaced by canned text. */
#ifndef LLM_ERROR_H
#define LLM_ERROR_H

#include <stdbool.h>

typedef enum llm_status {
  LLM_OK = 0,
  LLM_ERR_INVALID_ARGUMENT = 1,   /* the caller passed something unusable */
  LLM_ERR_NO_MEMORY = 2,
  LLM_ERR_CONNECT_REFUSED = 3,    /* nothing listens: the server is not running */
  LLM_ERR_DNS = 4,                /* host name did not resolve */
  LLM_ERR_TLS = 5,                /* TLS handshake or certificate failure */
  LLM_ERR_NETWORK = 6,            /* other transport failure (reset, broken connection) */
  LLM_ERR_TIMEOUT_CONNECT = 7,
  LLM_ERR_TIMEOUT_FIRST_BYTE = 8, /* connected, but no response began in time */
  LLM_ERR_TIMEOUT_IDLE = 9,       /* a started response stalled between chunks */
  LLM_ERR_TIMEOUT_TOTAL = 10,
  LLM_ERR_HTTP = 11,              /* non-2xx status without a more specific reading */
  LLM_ERR_SERVER = 12,            /* the server reported an error (error object, any status) */
  LLM_ERR_AUTH = 13,              /* API key missing or refused */
  LLM_ERR_MODEL_NOT_FOUND = 14,
  LLM_ERR_NO_MODEL_LOADED = 15,
  LLM_ERR_CONTEXT_OVERFLOW = 16,  /* prompt does not fit the model's context */
  LLM_ERR_MALFORMED = 17,         /* response not understood (bad JSON/SSE, no choices) */
  LLM_ERR_TRUNCATED = 18,         /* stream ended before it said it was done */
  LLM_ERR_TOO_LARGE = 19,         /* a response or request exceeded a limit */
  LLM_ERR_CANCELLED = 20,         /* the caller cancelled the request */
  LLM_ERR_SHUTDOWN = 21,          /* the client was destroyed with the request pending */
  LLM_ERR_BAD_ENDPOINT = 22,      /* server says the route does not exist (base URL wrong?) */
} llm_status;

#define LLM_STATUS_COUNT 23
#define LLM_ERROR_MESSAGE_MAX 512

typedef struct llm_error {
  llm_status code;
  long http_status;                     /* 0 when no HTTP response was received */
  char message[LLM_ERROR_MESSAGE_MAX];  /* human readable, "" when code == LLM_OK */
} llm_error;

/* Short stable identifier, e.g. "LLM_ERR_TIMEOUT_IDLE"; "LLM_ERR_?" for unknown values. */
const char *llm_status_name(llm_status s);
/* One sentence describing the code in general. Never NULL. */
const char *llm_strerror(llm_status s);

/* Resets e to LLM_OK with an empty message. Accepts NULL. */
void llm_error_clear(llm_error *e);
/* Fills e (if not NULL) with code and a printf-style message; returns code. */
llm_status llm_error_set(llm_error *e, llm_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Classifies an error the server reported: http_status (0 if none, e.g. mid-stream) and the
 * server's message (may be NULL) and error code string (e.g. "model_not_found", may be NULL).
 * Fills e with the most specific code and a message that quotes the server. */
void llm_error_from_server(llm_error *e, long http_status, const char *server_message,
                           const char *server_code);

#endif
