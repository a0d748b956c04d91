/* test_sse.c: the SSE parser (sse.h): line ends, fields, comments, limits, and the guarantee
 * that any split of the input gives the same events (replayed at every offset). */
#include <string.h>

#include "llm/sse.h"
#include "testing.h"

/* Events are logged as "<event>|<data>\n" ("\x1e" marks the end of each event's data). */
typedef struct log {
  dynbuf text;
  int events;
  int stop_after; /* return 7 from the callback after this many events; 0 = never */
} log_t;

static int on_event(void *user, const sse_event *ev) {
  log_t *l = user;
  CHECK(ev->event != NULL && ev->data != NULL);
  CHECK(ev->data[ev->data_len] == '\0');
  l->events++;
  CHECK(dynbuf_append_str(&l->text, ev->event));
  CHECK(dynbuf_append(&l->text, "|", 1));
  CHECK(dynbuf_append(&l->text, ev->data, ev->data_len));
  CHECK(dynbuf_append(&l->text, "\x1e", 1));
  return l->stop_after && l->events >= l->stop_after ? 7 : 0;
}

static void log_init(log_t *l) {
  memset(l, 0, sizeof *l);
  dynbuf_init(&l->text, 1u << 26);
}

/* Feeds input in pieces of the given sizes (cycled), then finishes. Returns the log text. */
static char *parse_pieces(const char *in, size_t n, const size_t *sizes, size_t n_sizes,
                          size_t max_line, int *events) {
  sse_parser p;
  sse_parser_init(&p, max_line);
  log_t l;
  log_init(&l);
  size_t off = 0, k = 0;
  while (off < n) {
    size_t len = sizes[k++ % n_sizes];
    if (len > n - off) len = n - off;
    CHECK_EQ_INT(sse_parser_feed(&p, in + off, len, on_event, &l), 0);
    off += len;
  }
  CHECK_EQ_INT(sse_parser_finish(&p, on_event, &l), 0);
  sse_parser_free(&p);
  if (events) *events = l.events;
  return dynbuf_take(&l.text);
}

static char *parse_all(const char *in, int *events) {
  size_t n = strlen(in), whole[1] = {n ? n : 1};
  return parse_pieces(in, n, whole, 1, 1024, events);
}

/* Every split into two pieces, and one byte at a time, gives the same log as one feed. */
static void check_every_split(const char *in, size_t n, size_t max_line) {
  size_t whole[1] = {n};
  int events_whole;
  char *expect = parse_pieces(in, n, whole, 1, max_line, &events_whole);
  for (size_t i = 1; i < n; i++) {
    sse_parser p;
    sse_parser_init(&p, max_line);
    log_t l;
    log_init(&l);
    CHECK_EQ_INT(sse_parser_feed(&p, in, i, on_event, &l), 0);
    CHECK_EQ_INT(sse_parser_feed(&p, in + i, n - i, on_event, &l), 0);
    CHECK_EQ_INT(sse_parser_finish(&p, on_event, &l), 0);
    CHECK_MSG(l.events == events_whole && strcmp(l.text.data ? l.text.data : "", expect) == 0,
              "split at %zu differs", i);
    dynbuf_free(&l.text);
    sse_parser_free(&p);
  }
  size_t one[1] = {1};
  char *bytewise = parse_pieces(in, n, one, 1, max_line, NULL);
  CHECK_EQ_STR(bytewise, expect);
  free(bytewise);
  free(expect);
}

TEST(sse_feed_single_event_lf) {
  int n;
  char *got = parse_all("data: {\"a\":1}\n\n", &n);
  CHECK_EQ_INT(n, 1);
  CHECK_EQ_STR(got, "|{\"a\":1}\x1e");
  free(got);
}

TEST(sse_feed_crlf_cr_and_lf_give_same_events) {
  char *lf = parse_all("data: a\ndata: b\n\ndata: c\n\n", NULL);
  char *crlf = parse_all("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", NULL);
  char *cr = parse_all("data: a\rdata: b\r\rdata: c\r\r", NULL);
  char *mixed = parse_all("data: a\r\ndata: b\n\rdata: c\r\n\n", NULL);
  CHECK_EQ_STR(lf, "|a\nb\x1e|c\x1e");
  CHECK_EQ_STR(crlf, lf);
  CHECK_EQ_STR(cr, lf);
  CHECK_EQ_STR(mixed, lf);
  free(lf);
  free(crlf);
  free(cr);
  free(mixed);
}

TEST(sse_feed_cr_then_lf_in_next_feed_is_one_line_end) {
  sse_parser p;
  sse_parser_init(&p, 64);
  log_t l;
  log_init(&l);
  CHECK_EQ_INT(sse_parser_feed(&p, "data: a\r", 8, on_event, &l), 0);
  CHECK_EQ_INT(sse_parser_feed(&p, "\ndata: b\r", 9, on_event, &l), 0);
  CHECK_EQ_INT(l.events, 0); /* a CR LF pair across feeds must not read as a blank line */
  CHECK_EQ_INT(sse_parser_feed(&p, "\n\r", 2, on_event, &l), 0);
  CHECK_EQ_INT(sse_parser_feed(&p, "\n", 1, on_event, &l), 0);
  CHECK_EQ_INT(l.events, 1);
  CHECK_EQ_STR(l.text.data, "|a\nb\x1e");
  dynbuf_free(&l.text);
  sse_parser_free(&p);
}

TEST(sse_feed_comments_ignored) {
  int n;
  char *got = parse_all(": keep-alive\n\n:\ndata: x\n: inside\ndata: y\n\n", &n);
  CHECK_EQ_INT(n, 1);
  CHECK_EQ_STR(got, "|x\ny\x1e");
  free(got);
}

TEST(sse_feed_data_without_space_and_only_one_space_removed) {
  char *got = parse_all("data:x\n\ndata:  two\n\ndata:\n\n", NULL);
  CHECK_EQ_STR(got, "|x\x1e| two\x1e|\x1e");
  free(got);
}

TEST(sse_feed_multiline_data_joined_with_lf) {
  char *got = parse_all("data: {\"a\":\ndata: 1}\ndata:\ndata: end\n\n", NULL);
  CHECK_EQ_STR(got, "|{\"a\":\n1}\n\nend\x1e");
  free(got);
}

TEST(sse_feed_event_field_named_and_reset_after_dispatch) {
  char *got = parse_all("event: message.delta\ndata: 1\n\ndata: 2\n\nevent:x\nevent: y\ndata: 3\n\n", NULL);
  CHECK_EQ_STR(got, "message.delta|1\x1e|2\x1e" "y|3\x1e");
  free(got);
}

TEST(sse_feed_id_retry_and_unknown_fields_ignored) {
  char *got = parse_all("id: 7\nretry: 3000\ndatum: no\nDATA: no\ndata: yes\nfoo\n\n", NULL);
  CHECK_EQ_STR(got, "|yes\x1e");
  free(got);
}

TEST(sse_feed_event_without_data_not_dispatched) {
  int n;
  char *got = parse_all("event: ping\n\nid: 1\n\n\n\ndata: d\n\n", &n);
  CHECK_EQ_INT(n, 1);
  CHECK_EQ_STR(got, "|d\x1e"); /* the name of the undispatched event does not leak */
  free(got);
}

TEST(sse_feed_field_without_colon_has_empty_value) {
  char *got = parse_all("data\ndata\n\n", NULL);
  CHECK_EQ_STR(got, "|\n\x1e");
  free(got);
}

TEST(sse_feed_data_keeps_binary_and_colons) {
  static const char in[] = "data: a:b\0c\n\n";
  size_t whole[1] = {sizeof in - 1};
  char *got = parse_pieces(in, sizeof in - 1, whole, 1, 64, NULL);
  CHECK(memcmp(got, "|a:b\0c\x1e", 7) == 0);
  free(got);
}

TEST(sse_feed_split_at_every_offset_all_fixtures) {
  static const char *fixtures[] = {
      "llm/chat_stream_reasoning.sse", "llm/chat_stream_think.sse", "llm/chat_stream_tools.sse",
      "llm/completion_stream.sse",     "llm/chat_stream_error.sse", "llm/chat_stream_crlf.sse",
      "llm/chat_stream_truncated.sse",
  };
  for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
    size_t n;
    char *in = test_read_file(test_fixture(fixtures[f]), &n);
    check_every_split(in, n, 1u << 20);
    free(in);
  }
}

TEST(sse_feed_split_at_every_offset_line_end_variants) {
  static const char in[] = ": c\r\ndata: a\r\rdata:b\n\r\nevent: e\rdata: x\r\ndata: y\n\n:\r\n"
                           "data: z\r\n\r\ndata: tail\n";
  check_every_split(in, sizeof in - 1, 64);
}

TEST(sse_feed_one_byte_at_a_time_fixture) {
  size_t n;
  char *in = test_read_file(test_fixture("llm/chat_stream_reasoning.sse"), &n);
  size_t whole[1] = {n}, one[1] = {1}, odd[3] = {3, 1, 7};
  int e1, e2;
  char *a = parse_pieces(in, n, whole, 1, 1u << 20, &e1);
  char *b = parse_pieces(in, n, one, 1, 1u << 20, &e2);
  char *c = parse_pieces(in, n, odd, 3, 1u << 20, NULL);
  CHECK_EQ_INT(e1, 23); /* 22 JSON chunks and [DONE] */
  CHECK_EQ_INT(e2, e1);
  CHECK_EQ_STR(b, a);
  CHECK_EQ_STR(c, a);
  free(a);
  free(b);
  free(c);
  free(in);
}

TEST(sse_feed_multibyte_utf8_split_inside_character) {
  static const char in[] = "data: caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\xA4\x96\n\n";
  check_every_split(in, sizeof in - 1, 64);
  char *got = parse_all(in, NULL);
  CHECK_EQ_STR(got, "|caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\xA4\x96\x1e");
  free(got);
}

TEST(sse_feed_line_too_long_fails_then_ignores_input) {
  sse_parser p;
  sse_parser_init(&p, 16);
  log_t l;
  log_init(&l);
  CHECK_EQ_INT(sse_parser_feed(&p, "data: 0123456789\n\n", 18, on_event, &l), 0); /* 16: fits */
  CHECK_EQ_INT(sse_parser_feed(&p, "data: 0123456789A\n\n", 19, on_event, &l), SSE_ERR_LINE_TOO_LONG);
  CHECK(p.failed);
  CHECK_EQ_INT(sse_parser_feed(&p, "data: ok\n\n", 10, on_event, &l), SSE_ERR_LINE_TOO_LONG);
  CHECK_EQ_INT(sse_parser_finish(&p, on_event, &l), SSE_ERR_LINE_TOO_LONG);
  CHECK_EQ_INT(l.events, 1);
  dynbuf_free(&l.text);
  sse_parser_free(&p);
}

TEST(sse_feed_line_too_long_across_feeds) {
  sse_parser p;
  sse_parser_init(&p, 16);
  int rc = 0;
  for (int i = 0; i < 20 && rc == 0; i++) rc = sse_parser_feed(&p, "x", 1, NULL, NULL);
  CHECK_EQ_INT(rc, SSE_ERR_LINE_TOO_LONG);
  sse_parser_free(&p);
  /* A line without its end is bounded too, even when it arrives in one piece. */
  sse_parser_init(&p, 16);
  CHECK_EQ_INT(sse_parser_feed(&p, "data: 0123456789ABCDEF", 22, NULL, NULL), SSE_ERR_LINE_TOO_LONG);
  sse_parser_free(&p);
}

TEST(sse_feed_event_data_too_long_across_lines) {
  sse_parser p;
  sse_parser_init(&p, 16);
  log_t l;
  log_init(&l);
  int rc = 0;
  for (int i = 0; i < 10 && rc == 0; i++) rc = sse_parser_feed(&p, "data: abcd\n", 11, on_event, &l);
  CHECK_EQ_INT(rc, SSE_ERR_LINE_TOO_LONG);
  CHECK_EQ_INT(l.events, 0);
  dynbuf_free(&l.text);
  sse_parser_free(&p);
}

TEST(sse_feed_callback_stop_returns_value_and_drops_rest) {
  sse_parser p;
  sse_parser_init(&p, 64);
  log_t l;
  log_init(&l);
  l.stop_after = 1;
  static const char in[] = "data: 1\n\ndata: 2\n\n";
  CHECK_EQ_INT(sse_parser_feed(&p, in, sizeof in - 1, on_event, &l), 7);
  CHECK_EQ_INT(l.events, 1);
  l.stop_after = 0;
  CHECK_EQ_INT(sse_parser_feed(&p, "data: 3\n\n", 9, on_event, &l), 0);
  CHECK_EQ_STR(l.text.data, "|1\x1e|3\x1e");
  dynbuf_free(&l.text);
  sse_parser_free(&p);
}

TEST(sse_feed_null_callback_and_zero_bytes) {
  sse_parser p;
  sse_parser_init(&p, 64);
  CHECK_EQ_INT(sse_parser_feed(&p, "", 0, NULL, NULL), 0);
  CHECK_EQ_INT(sse_parser_feed(&p, "data: 1\n\n", 9, NULL, NULL), 0);
  CHECK_EQ_INT(sse_parser_finish(&p, NULL, NULL), 0);
  sse_parser_free(&p);
}

TEST(sse_finish_dispatches_event_missing_blank_line) {
  int n;
  char *got = parse_all("data: 1\n\ndata: [DONE]\n", &n);
  CHECK_EQ_INT(n, 2);
  CHECK_EQ_STR(got, "|1\x1e|[DONE]\x1e");
  free(got);
  got = parse_all("data: a\r", &n); /* a CR ends the line too */
  CHECK_EQ_STR(got, "|a\x1e");
  free(got);
}

TEST(sse_finish_drops_unterminated_line) {
  int n;
  char *got = parse_all("data: 1\n\ndata: {\"cut\":", &n);
  CHECK_EQ_INT(n, 1);
  CHECK_EQ_STR(got, "|1\x1e");
  free(got);
  got = parse_all("data: a\ndata: b", &n); /* the event's last line was cut: all of it goes */
  CHECK_EQ_INT(n, 0);
  free(got);
}

TEST(sse_free_accepts_null_and_unused_parser) {
  sse_parser_free(NULL);
  sse_parser p;
  sse_parser_init(&p, 8);
  sse_parser_free(&p);
  sse_parser_free(&p);
}
