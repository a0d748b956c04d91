/* sse.h: an incremental parser for server-sent events (text/event-stream).
 * Accepts the byte stream split anywhere (mid-line, mid-UTF-8 character, mid-CRLF), LF, CR
 * or CRLF line ends, comment lines (": keep-alive"), "data:" with or without a space,
 * multi-line data fields, and event:/id:/retry: fields. Each complete event (blank line) is
 * handed to a callback. A line longer than the parser's maximum is an error.
 * Not thread-safe; one parser per stream. */
#ifndef LLM_SSE_H
#define LLM_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/dynbuf.h"

typedef struct sse_event {
  const char *event;   /* the event: field, "" when absent */
  const char *data;    /* data fields joined with '\n', NUL-terminated */
  size_t data_len;
} sse_event;

/* Returns 0 to go on, non-zero to stop parsing (sse_parser_feed then returns that value). */
typedef int (*sse_event_fn)(void *user, const sse_event *ev);

typedef struct sse_parser {
  dynbuf line;        /* the incomplete current line */
  dynbuf data;        /* data of the event being assembled */
  dynbuf event;       /* event name of the event being assembled */
  bool has_data;
  bool skip_lf;       /* last byte was CR: a following LF belongs to it */
  bool failed;
  int error;          /* the SSE_ERR_* that failed the parser, 0 while not failed */
  size_t max_line;
} sse_parser;

#define SSE_ERR_LINE_TOO_LONG (-1)
#define SSE_ERR_NO_MEMORY (-2)

/* Prepares a parser; max_line bounds one line and one event's data. Allocates nothing yet. */
void sse_parser_init(sse_parser *p, size_t max_line);
/* Frees the parser's buffers. Accepts NULL. */
void sse_parser_free(sse_parser *p);
/* Feeds n bytes; calls on_event (may be NULL) for every event completed. Returns 0, the
 * callback's non-zero value (parsing stopped: the rest of these n bytes is dropped, and a later
 * feed goes on as if they had never been sent), or SSE_ERR_* (the parser is then failed, ignores
 * more input and returns the same SSE_ERR_* again). Events without any data field are not
 * dispatched (as the SSE specification says). */
int sse_parser_feed(sse_parser *p, const char *bytes, size_t n, sse_event_fn on_event, void *user);
/* At end of stream: dispatches a pending event that lacked its final blank line, when the
 * stream ended just after a complete data line. An unterminated last line may have been cut, so
 * it and the event it belongs to are dropped. Returns as sse_parser_feed. */
int sse_parser_finish(sse_parser *p, sse_event_fn on_event, void *user);

#endif
