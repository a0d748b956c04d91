/* dynbuf.h: a growable byte buffer with a hard maximum.
 * The content is always NUL-terminated (the NUL is not counted in len), so text can be
 * handed to C string functions; binary content is fine too. A failed call leaves the
 * buffer as it was. Not thread-safe: one owner at a time. */
#ifndef LMS_DYNBUF_H
#define LMS_DYNBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dynbuf {
  char *data;     /* NULL until the first append */
  size_t len;     /* bytes used, excluding the terminating NUL */
  size_t cap;     /* bytes allocated */
  size_t max;     /* len may never exceed this */
} dynbuf;

#define DYNBUF_WARN_UNUSED __attribute__((warn_unused_result))

/* Prepares an empty buffer that will refuse to grow beyond max bytes. Allocates nothing. */
void dynbuf_init(dynbuf *b, size_t max);
/* Frees the memory; the buffer is empty again and may be reused. Accepts NULL. */
void dynbuf_free(dynbuf *b);
/* Empties the buffer but keeps its memory. */
void dynbuf_reset(dynbuf *b);
/* Appends n bytes. Returns false (buffer unchanged) when out of memory or over max. */
bool dynbuf_append(dynbuf *b, const void *p, size_t n) DYNBUF_WARN_UNUSED;
bool dynbuf_append_str(dynbuf *b, const char *s) DYNBUF_WARN_UNUSED;
bool dynbuf_printf(dynbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))) DYNBUF_WARN_UNUSED;
/* Removes the first n bytes (n <= len), shifting the rest down. */
void dynbuf_consume(dynbuf *b, size_t n);
/* Hands the content out as a malloc'd NUL-terminated string (never NULL unless out of memory:
 * an empty buffer gives ""); the caller frees it. The buffer is left empty. */
char *dynbuf_take(dynbuf *b);

#endif
