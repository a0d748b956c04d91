/* emu_internal.h: what the emulator's .c files share; private to tools/lms_emulator.
 * lms_emulator.c: lifecycle, MHD callbacks, replies, recording, sleeps.
 * emu_directives.c: directive parsing, text and JSON-string helpers.
 * emu_routes.c: routing, auth, models, embeddings, chat/completion requests.
 * emu_answer.c: the planned answer (pieces) and the non-streamed bodies.
 * emu_stream.c: content-reader responses (SSE streams, sliced/huge/aborted bodies). */
#ifndef LMS_EMU_INTERNAL_H
#define LMS_EMU_INTERNAL_H

#include "lms_emulator.h"

#include "common/dynbuf.h"
#include "common/limits.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* ---- models ---- */

typedef enum { EMU_MODEL_LLM, EMU_MODEL_VLM, EMU_MODEL_EMBEDDINGS } emu_model_type;

typedef struct emu_model {
  const char *id;
  const char *publisher;
  const char *arch;
  emu_model_type type;
  bool loaded_at_start;
  int max_context;
  int loaded_context; /* context length once loaded (JIT or at start) */
  bool tool_use;
} emu_model;

#define EMU_N_MODELS 4
extern const emu_model emu_models[EMU_N_MODELS];

/* ---- the emulator ---- */

#define EMU_MAX_CLOSE_ONCE 1024 /* bodies remembered by fault=close_once (oldest forgotten) */
#define EMU_DEFAULT_JIT_MS 300

struct lms_emu {
  struct MHD_Daemon *daemon;
  char *api_key; /* NULL: no auth */
  bool no_api_v0;
  int keepalive_s;
  int embedding_dim;
  unsigned short port;
  int64_t start_ms;
  atomic_bool stopping;
  atomic_bool started; /* MHD is up: its log is muted from then on */
  atomic_int chunk_interval_us;
  atomic_uint conn_counter;
  atomic_ullong seq; /* feeds response ids */

  pthread_mutex_t lock; /* guards everything below */
  bool loaded[EMU_N_MODELS];
  json_t *records[LMS_MAX_RECORDED_REQUESTS]; /* ring of recorded requests */
  size_t rec_head, rec_count;
  uint64_t close_once[EMU_MAX_CLOSE_ONCE]; /* ring of body hashes already closed once */
  size_t co_head, co_count;
};

/* One HTTP request, MHD's per-request context; lives on its connection's thread. */
typedef struct emu_req {
  lms_emu *emu;
  struct MHD_Connection *conn;
  int fd; /* the client socket, peeked to notice a client that hung up */
  unsigned conn_no;
  int64_t start_ms;
  const char *method, *url;
  dynbuf body;
  bool too_large;
  json_t *json; /* parsed body, NULL if empty or not JSON (then json_err says why) */
  json_error_t json_err;
} emu_req;

bool emu_model_is_loaded(lms_emu *e, const emu_model *m);
void emu_model_set_loaded(lms_emu *e, const emu_model *m);
/* True the first time this hash is seen (and remembers it). */
bool emu_close_once_first(lms_emu *e, uint64_t hash);
void emu_record(lms_emu *e, json_t *rec); /* takes rec */
char *emu_records_dump_all(lms_emu *e);

/* Sleeps in slices of at most 10 ms. False as soon as the emulator stops or the client on fd
 * (-1: none) has hung up: the caller then abandons the request. */
bool emu_sleep_us(lms_emu *e, int fd, int64_t us);
uint64_t emu_next_seq(lms_emu *e);

/* ---- replies (each queues the response; the result is what the MHD handler returns) ---- */

enum MHD_Result emu_queue(emu_req *r, unsigned status, struct MHD_Response *resp); /* takes resp */
enum MHD_Result emu_reply(emu_req *r, unsigned status, const char *ctype, const char *data,
                          size_t len);
enum MHD_Result emu_reply_json(emu_req *r, unsigned status, json_t *body); /* takes body */
enum MHD_Result emu_reply_error_str(emu_req *r, unsigned status, const char *msg);
/* {"error":{"message","type","param","code"}}; NULL param/code become JSON null. */
enum MHD_Result emu_reply_error_obj(emu_req *r, unsigned status, const char *msg, const char *type,
                                    const char *param, const char *code);
enum MHD_Result emu_dispatch(emu_req *r);

/* ---- directives ---- */

typedef enum { EMU_THINK_NONE, EMU_THINK_FIELD, EMU_THINK_INLINE, EMU_THINK_GPTOSS } emu_think;
typedef enum { EMU_BODY_OBJECT, EMU_BODY_STRING, EMU_BODY_NONE, EMU_BODY_HTML } emu_body_shape;
typedef enum {
  EMU_FAULT_NONE,
  EMU_FAULT_DROP_AFTER,
  EMU_FAULT_MALFORMED,
  EMU_FAULT_ERROR_IN_STREAM,
  EMU_FAULT_NON_JSON,
  EMU_FAULT_NO_CHOICES,
  EMU_FAULT_ENDLESS,
  EMU_FAULT_NO_DONE,
  EMU_FAULT_TRUNCATED,
  EMU_FAULT_CLOSE_ONCE,
  EMU_FAULT_HUGE,
  EMU_FAULT_BAD_UTF8,
} emu_fault;

#define EMU_MAX_REPLY 1024
#define EMU_MAX_TOOL_NAME 128

typedef struct emu_directives {
  long long tokens; /* -1 = unset, as for every number below */
  long long delay_first_ms, jit_ms, interval_ms, stall_after, stall_ms, after, mb;
  int status; /* 0 = unset */
  int redirect_port; /* 0 = unset: else answer 307 to the same path on 127.0.0.1:port */
  bool body_set;
  emu_body_shape body;
  emu_think think;
  emu_fault fault;
  bool split, crlf, comments, role_every;
  bool jit_off; /* jit=off: a model not loaded is refused, not loaded on demand */
  char reply[EMU_MAX_REPLY];      /* "" = unset; underscores already turned into spaces */
  char tool[EMU_MAX_TOOL_NAME];   /* "" = unset */
} emu_directives;

void emu_directives_init(emu_directives *d);
/* Applies "key=value key2=value2" (n bytes, not NUL-terminated). */
void emu_directives_parse(emu_directives *d, const char *s, size_t n);
/* Applies and removes every "[[...]]" block (and the blanks after it) from text; returns the
 * new length. text is NUL-terminated afterwards. */
size_t emu_directives_extract(emu_directives *d, char *text, size_t len);

/* ---- small text helpers ---- */

bool emu_is_blank(char c);
/* Trims blanks at both ends in place; returns the new length (text NUL-terminated). */
size_t emu_trim(char *text, size_t len);
long long emu_count_words(const char *s, size_t n);
uint64_t emu_hash(uint64_t h, const void *p, size_t n); /* FNV-1a; start with EMU_HASH_INIT */
#define EMU_HASH_INIT 1469598103934665603ull
uint64_t emu_splitmix(uint64_t *state);
/* Appends s as a quoted JSON string. Bytes >= 0x80 are copied as they are (so fault=bad_utf8
 * can send invalid UTF-8 on purpose). */
bool emu_json_str(dynbuf *b, const char *s, size_t n) DYNBUF_WARN_UNUSED;
/* A JSON string of s; invalid UTF-8 bytes become U+FFFD. Never NULL unless out of memory. */
json_t *emu_json_text(const char *s, size_t n);

/* ---- the answer ---- */

typedef enum {
  EMU_PIECE_CONTENT,
  EMU_PIECE_REASONING,
  EMU_PIECE_TOOL_HEAD, /* the first tool-call chunk: id, type and name, empty arguments */
  EMU_PIECE_TOOL_ARGS, /* a fragment of the tool call's arguments */
} emu_piece_kind;

typedef struct emu_answer_spec {
  const emu_model *model;
  bool completion; /* legacy /completions: "text" instead of a message */
  bool v0;         /* /api/v0 route: non-streamed answers carry stats, model_info, runtime */
  const char *echo; /* last user text or prompt, directives removed, trimmed */
  int n_images;
  long long max_tokens; /* <= 0: no cap */
  long long prompt_tokens;
  const emu_directives *dir;
  int64_t start_ms;
} emu_answer_spec;

/* The planned answer: a sequence of pieces (prelude, tool call, content), one per chunk. */
typedef struct emu_answer {
  const emu_model *model;
  bool completion, v0, endless, capped, bad_utf8, role_every;
  emu_think think;
  char id[48];
  long long created;
  int64_t start_ms;
  const char *const *pre; /* reasoning or inline-think pieces before the answer */
  int n_pre;
  emu_piece_kind pre_kind;
  char *text; /* text mode: content, split after each word */
  size_t *ends;
  size_t n_words;
  long long n_tokens;  /* >= 0: tokens mode, content is "w1", " w2", ...; -1: text mode */
  long long n_content; /* content pieces after the max_tokens cap */
  char *tool_name, *tool_args; /* tool call: NULL when none */
  size_t *frag_ends;
  size_t n_frags;
  char tool_id[16];
  long long prompt_tokens;
} emu_answer;

bool emu_answer_init(emu_answer *a, const emu_answer_spec *spec, uint64_t seq);
void emu_answer_free(emu_answer *a);
long long emu_answer_pieces(const emu_answer *a);
/* Piece k: its kind and its text (s/n, possibly in scratch); TOOL_HEAD has no text. */
emu_piece_kind emu_answer_piece(const emu_answer *a, long long k, char scratch[32], const char **s,
                                size_t *n);
const char *emu_answer_finish_reason(const emu_answer *a);
long long emu_answer_reasoning_tokens(const emu_answer *a);
/* The usage object's members, without braces. */
bool emu_answer_usage(const emu_answer *a, dynbuf *b) DYNBUF_WARN_UNUSED;
/* The whole non-streamed body. With content_at non-NULL the content is left empty and
 * *content_at is where it belongs (fault=huge pours its text there). */
bool emu_answer_render(const emu_answer *a, dynbuf *b, size_t *content_at) DYNBUF_WARN_UNUSED;

/* ---- content-reader responses (emu_stream.c) ---- */

/* An SSE stream of the answer; takes a (moved in, then owned by the response). */
struct MHD_Response *emu_stream_sse(emu_req *r, emu_answer *a, const emu_directives *d,
                                    bool include_usage);
/* A fixed body sent through a content reader, announced as declared bytes (Content-Length):
 * in tiny writes (split), with filler_bytes of filler text inserted at offset filler_at
 * (fault=huge), and closed abruptly once the bytes run out before declared (drop_after).
 * Frees body's memory in every case. */
struct MHD_Response *emu_stream_body(emu_req *r, dynbuf *body, bool split, uint64_t declared,
                                     size_t filler_at, uint64_t filler_bytes);

#endif
