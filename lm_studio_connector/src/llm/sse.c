/* sse.c: the incremental text/event-stream parser of sse.h.
 * Guarantees: any split of the input gives the same events; memory stays within max_line per
 * buffer (line, data, event name) whatever the peer sends; after an error nothing more is parsed.
 * Speed matters (a benchmark feeds millions of chunks per second): line ends are found with
 * memchr, complete lines are parsed in place from the caller's bytes, and only a line split
 * across feeds is copied into p->line. */
#include "sse.h"

#include <string.h>

void sse_parser_init(sse_parser *p, size_t max_line) {
  dynbuf_init(&p->line, max_line);
  dynbuf_init(&p->data, max_line);
  dynbuf_init(&p->event, max_line);
  p->has_data = false;
  p->skip_lf = false;
  p->failed = false;
  p->error = 0;
  p->max_line = max_line;
}

void sse_parser_free(sse_parser *p) {
  if (!p) return;
  dynbuf_free(&p->line);
  dynbuf_free(&p->data);
  dynbuf_free(&p->event);
}

static int fail(sse_parser *p, int err) {
  p->failed = true;
  p->error = err;
  return err;
}

/* Appends to one of the parser's buffers; a refusal is either the limit or the allocator. */
static int append(sse_parser *p, dynbuf *b, const char *s, size_t n) {
  if (n > b->max - b->len) return fail(p, SSE_ERR_LINE_TOO_LONG);
  if (!dynbuf_append(b, s, n)) return fail(p, SSE_ERR_NO_MEMORY);
  return 0;
}

static int dispatch(sse_parser *p, sse_event_fn on_event, void *user) {
  int rc = 0;
  if (p->has_data && on_event) {
    sse_event ev = {p->event.data ? p->event.data : "", p->data.data ? p->data.data : "",
                    p->data.len};
    rc = on_event(user, &ev);
  }
  p->has_data = false;
  dynbuf_reset(&p->data);
  dynbuf_reset(&p->event);
  return rc;
}

static int process_line(sse_parser *p, const char *s, size_t n, sse_event_fn on_event,
                        void *user) {
  if (n == 0) return dispatch(p, on_event, user);
  if (s[0] == ':') return 0; /* comment, e.g. a keep-alive */
  const char *colon = memchr(s, ':', n);
  size_t name_len = colon ? (size_t)(colon - s) : n;
  const char *val = colon ? colon + 1 : s + n;
  size_t vlen = (size_t)(s + n - val);
  if (vlen && *val == ' ') {
    val++;
    vlen--;
  }
  int rc = 0;
  if (name_len == 4 && memcmp(s, "data", 4) == 0) {
    if (p->has_data) rc = append(p, &p->data, "\n", 1);
    if (!rc) rc = append(p, &p->data, val, vlen);
    p->has_data = true;
  } else if (name_len == 5 && memcmp(s, "event", 5) == 0) {
    dynbuf_reset(&p->event);
    rc = append(p, &p->event, val, vlen);
  }
  /* id:, retry: and unknown fields carry nothing this client uses. */
  return rc;
}

int sse_parser_feed(sse_parser *p, const char *bytes, size_t n, sse_event_fn on_event,
                    void *user) {
  if (p->failed) return p->error;
  const char *s = bytes, *end = bytes + n;
  if (n && p->skip_lf) {
    p->skip_lf = false;
    if (*s == '\n') s++;
  }
  /* Next LF and CR at or after s, each searched again only once s has passed it. */
  const char *lf = memchr(s, '\n', (size_t)(end - s));
  const char *cr = memchr(s, '\r', (size_t)(end - s));
  while (s < end) {
    if (lf && lf < s) lf = memchr(s, '\n', (size_t)(end - s));
    if (cr && cr < s) cr = memchr(s, '\r', (size_t)(end - s));
    const char *eol = lf && (!cr || lf < cr) ? lf : cr;
    if (!eol) return append(p, &p->line, s, (size_t)(end - s));
    size_t seg = (size_t)(eol - s);
    int rc;
    if (p->line.len) {
      rc = append(p, &p->line, s, seg);
      if (!rc) rc = process_line(p, p->line.data, p->line.len, on_event, user);
      dynbuf_reset(&p->line);
    } else {
      rc = seg > p->max_line ? fail(p, SSE_ERR_LINE_TOO_LONG)
                             : process_line(p, s, seg, on_event, user);
    }
    s = eol + 1;
    if (*eol == '\r') {
      if (s == end) p->skip_lf = true;
      else if (*s == '\n') s++;
    }
    if (rc) return rc;
  }
  return 0;
}

int sse_parser_finish(sse_parser *p, sse_event_fn on_event, void *user) {
  if (p->failed) return p->error;
  p->skip_lf = false;
  if (p->line.len) {
    dynbuf_reset(&p->line);
    p->has_data = false;
    dynbuf_reset(&p->data);
    dynbuf_reset(&p->event);
    return 0;
  }
  return dispatch(p, on_event, user);
}
