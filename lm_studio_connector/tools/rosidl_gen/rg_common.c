/* rg_common.c: error formatting, aborting allocation, output buffers and whole-file I/O for
 * rosidl_gen (see rg_common.h). Single-threaded. Guarantees: an error message is always
 * NUL-terminated and truncated rather than overflowed; a written file is complete or the call
 * reports failure. */
#include "rg_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool rg_fail(rg_error *err, const char *path, int line, const char *fmt, ...) {
  if (!err) return false;
  int n = line > 0 ? snprintf(err->msg, sizeof err->msg, "%s:%d: ", path, line)
                   : snprintf(err->msg, sizeof err->msg, "%s: ", path);
  if (n < 0) n = 0;
  if ((size_t)n >= sizeof err->msg) return false;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
  va_end(ap);
  return false;
}

static void out_of_memory(void) {
  fputs("rosidl_gen: out of memory\n", stderr);
  abort();
}

void *rg_calloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

void *rg_realloc(void *p, size_t n, size_t size) {
  if (size && n > (size_t)-1 / size) out_of_memory();
  size_t bytes = n * size;
  void *q = realloc(p, bytes ? bytes : 1);
  if (!q) out_of_memory();
  return q;
}

char *rg_strndup(const char *s, size_t n) {
  char *p = rg_calloc(n + 1, 1);
  memcpy(p, s, n);
  return p;
}

char *rg_strdup(const char *s) { return rg_strndup(s, strlen(s)); }

char *rg_concat(const char *a, const char *b, const char *c, const char *d) {
  const char *parts[4] = {a, b, c, d};
  size_t n = 0;
  for (int i = 0; i < 4 && parts[i]; i++) n += strlen(parts[i]);
  char *out = rg_calloc(n + 1, 1), *o = out;
  for (int i = 0; i < 4 && parts[i]; i++) {
    size_t k = strlen(parts[i]);
    memcpy(o, parts[i], k);
    o += k;
  }
  return out;
}

void rg_puts(dynbuf *b, const char *s) {
  if (!dynbuf_append_str(b, s)) out_of_memory();
}

void rg_printf(dynbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[512];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) out_of_memory();
  if ((size_t)n < sizeof small) {
    if (!dynbuf_append(b, small, (size_t)n)) out_of_memory();
    return;
  }
  char *big = rg_calloc((size_t)n + 1, 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  if (!dynbuf_append(b, big, (size_t)n)) out_of_memory();
  free(big);
}

char *rg_read_file(const char *path, size_t *len, rg_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    rg_fail(err, path, 0, "cannot open: %s", strerror(errno));
    return NULL;
  }
  dynbuf b;
  dynbuf_init(&b, RG_MAX_OUTPUT);
  char chunk[8192];
  size_t n;
  bool ok = true;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (!dynbuf_append(&b, chunk, n)) ok = false;
  if (ferror(f) || !ok) {
    rg_fail(err, path, 0, ok ? "read error" : "file too large");
    fclose(f);
    dynbuf_free(&b);
    return NULL;
  }
  fclose(f);
  if (len) *len = b.len;
  char *text = dynbuf_take(&b);
  if (!text) out_of_memory();
  return text;
}

bool rg_write_file(const char *path, const char *data, size_t len, rg_error *err) {
  FILE *f = fopen(path, "wb");
  if (!f) return rg_fail(err, path, 0, "cannot create: %s", strerror(errno));
  bool ok = fwrite(data, 1, len, f) == len;
  if (fclose(f) != 0) ok = false;
  if (!ok) return rg_fail(err, path, 0, "write failed: %s", strerror(errno));
  return true;
}
