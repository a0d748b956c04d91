/* llm_types.h: what the LM Studio client takes and gives: messages, request options,
 * streamed deltas and results. Plain data; the functions here only free results.
 * Strings in inputs are borrowed for the duration of the call that takes them. */
#ifndef LLM_TYPES_H
#define LLM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm_error.h"

typedef enum llm_role { LLM_ROLE_SYSTEM = 0, LLM_ROLE_USER = 1, LLM_ROLE_ASSISTANT = 2 } llm_role;

typedef struct llm_message {
  llm_role role;
  const char *text;                  /* may be NULL or "" when images carry the turn */
  const char *const *image_urls;     /* data URIs: "data:image/jpeg;base64,..." */
  size_t n_images;
} llm_message;

/* Per-request time limits in milliseconds: 0 = use the client's default, < 0 = no limit. */
typedef struct llm_timeouts {
  long connect_ms;     /* TCP/TLS connection established */
  long first_byte_ms;  /* from request sent to the first response byte (covers JIT load) */
  long idle_ms;        /* longest silence between two chunks of a started response */
  long total_ms;       /* whole request */
} llm_timeouts;

typedef struct llm_request_opts {
  const char *model;        /* NULL or "" = let the server choose (field omitted) */
  int max_tokens;           /* <= 0 = omitted (server default) */
  bool set_temperature;     /* false = omitted */
  double temperature;
  bool stream;              /* true = SSE; deltas reach on_delta as they arrive */
  llm_timeouts timeouts;
} llm_request_opts;

typedef enum llm_op {
  LLM_OP_CHAT = 0,
  LLM_OP_COMPLETION = 1,
  LLM_OP_EMBEDDINGS = 2,
  LLM_OP_MODELS = 3,
  LLM_OP_PROBE = 4,
} llm_op;

typedef struct llm_usage {
  bool present;
  long prompt_tokens, completion_tokens, total_tokens, reasoning_tokens;
} llm_usage;

/* LM Studio's own generation stats (/api/v0 only; empty object on /v1). */
typedef struct llm_stats {
  bool present;
  double tokens_per_second, time_to_first_token_s, generation_time_s;
  char stop_reason[32];
} llm_stats;

typedef enum llm_delta_kind {
  LLM_DELTA_CONTENT = 0,    /* answer text */
  LLM_DELTA_REASONING = 1,  /* thinking text (reasoning_content, reasoning, or inside <think>) */
  LLM_DELTA_TOOL_CALL = 2,  /* a tool call fragment */
  LLM_DELTA_FINISH = 3,     /* finish_reason arrived */
  LLM_DELTA_USAGE = 4,      /* token counts arrived */
} llm_delta_kind;

/* One streamed event. Pointers are valid only during the callback. */
typedef struct llm_delta {
  llm_delta_kind kind;
  const char *text;         /* CONTENT, REASONING, TOOL_CALL (argument fragment): NUL-terminated */
  size_t len;
  int tool_index;           /* TOOL_CALL */
  const char *tool_id;      /* TOOL_CALL: set on the call's first fragment, else NULL */
  const char *tool_name;    /* TOOL_CALL: likewise */
  const char *finish_reason;/* FINISH */
  const llm_usage *usage;   /* USAGE */
} llm_delta;

typedef struct llm_tool_call {
  char *id, *name, *arguments;
} llm_tool_call;

typedef struct llm_model_info {
  char *id;
  char *type;               /* "llm", "vlm", "embeddings" or NULL when the server does not say */
  char *state;              /* "loaded", "not-loaded", "loading" or NULL when unknown */
  long max_context_length;  /* 0 when unknown */
  long loaded_context_length;
  bool vision;              /* type vlm or capability "vision" */
  bool tool_use;
} llm_model_info;

/* The outcome of one request. Owned by whoever holds it; free with llm_result_clear. */
typedef struct llm_result {
  llm_op op;
  llm_error error;               /* error.code == LLM_OK on success */
  char *text;                    /* CHAT/COMPLETION answer (never NULL after a decode: "" if empty) */
  size_t text_len;
  char *reasoning;               /* thinking kept apart from the answer ("" if none) */
  size_t reasoning_len;
  char *finish_reason;           /* "stop", "length", "tool_calls", or NULL */
  char *model;                   /* model the server says answered, or NULL */
  llm_usage usage;
  llm_stats stats;
  llm_tool_call *tool_calls;
  size_t n_tool_calls;
  llm_model_info *models;        /* MODELS */
  size_t n_models;
  double *embeddings;            /* EMBEDDINGS: n_embeddings vectors of dimensions values, row-major */
  size_t n_embeddings, dimensions;
  double latency_ms;             /* time from submit to completion */
  double first_byte_ms;          /* time from submit to the first response byte (-1 if none) */
} llm_result;

/* Frees everything the result owns and zeroes it. Accepts NULL. */
void llm_result_clear(llm_result *r);

#endif
