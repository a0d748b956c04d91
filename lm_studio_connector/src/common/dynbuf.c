/* dynbuf.c: bounded growable buffer (see dynbuf.h). */
#include "dynbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dynbuf_init(dynbuf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void dynbuf_free(dynbuf *b) {
  if (!b) return;
  free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void dynbuf_reset(dynbuf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

static bool ensure_room(dynbuf *b, size_t extra) {
  if (extra > b->max - b->len) return false;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
  char *p = realloc(b->data, cap);
  if (!p) return false;
  b->data = p;
  b->cap = cap;
  return true;
}

bool dynbuf_append(dynbuf *b, const void *p, size_t n) {
  if (!ensure_room(b, n)) return false;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return true;
}

bool dynbuf_append_str(dynbuf *b, const char *s) { return dynbuf_append(b, s, strlen(s)); }

bool dynbuf_printf(dynbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || !ensure_room(b, (size_t)n)) return false;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return true;
}

void dynbuf_consume(dynbuf *b, size_t n) {
  if (n >= b->len) {
    dynbuf_reset(b);
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
  b->data[b->len] = '\0';
}

char *dynbuf_take(dynbuf *b) {
  char *s = b->data;
  if (!s) s = calloc(1, 1);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  return s;
}
