/* test_dynbuf.c: the bounded buffer refuses to pass its maximum and leaves itself intact. */
#include "common/dynbuf.h"
#include "testing.h"

TEST(dynbuf_append_within_max) {
  dynbuf b;
  dynbuf_init(&b, 8);
  CHECK(dynbuf_append_str(&b, "abc"));
  CHECK(dynbuf_append(&b, "defgh", 5));
  CHECK_EQ_INT(b.len, 8);
  CHECK_EQ_STR(b.data, "abcdefgh");
  dynbuf_free(&b);
}

TEST(dynbuf_append_over_max_leaves_buffer_unchanged) {
  dynbuf b;
  dynbuf_init(&b, 4);
  CHECK(dynbuf_append_str(&b, "abc"));
  CHECK(!dynbuf_append_str(&b, "de"));
  CHECK(!dynbuf_printf(&b, "%d", 12));
  CHECK_EQ_STR(b.data, "abc");
  dynbuf_free(&b);
}

TEST(dynbuf_consume_and_take) {
  dynbuf b;
  dynbuf_init(&b, 100);
  CHECK(dynbuf_printf(&b, "%s-%d", "x", 42));
  dynbuf_consume(&b, 2);
  CHECK_EQ_STR(b.data, "42");
  char *s = dynbuf_take(&b);
  CHECK_EQ_STR(s, "42");
  CHECK(b.data == NULL && b.len == 0);
  free(s);
  char *empty = dynbuf_take(&b);
  CHECK_EQ_STR(empty, "");
  free(empty);
  dynbuf_free(NULL);
}
