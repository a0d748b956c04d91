/* rg_common.h: what every rosidl_gen module shares: the error report, allocation and text output.
 * rosidl_gen is a short-lived build tool, so running out of memory aborts with a message instead
 * of threading a failure through every call; input errors are always reported, never aborted. */
#ifndef RG_COMMON_H
#define RG_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "common/dynbuf.h"

/* Largest text the generator builds in memory (one IDL file, the type table, one hash input). */
#define RG_MAX_OUTPUT (64u << 20)

/* An input error: "file:line: what is wrong". Line 0 means the file as a whole. */
typedef struct rg_error {
  char msg[768];
} rg_error;

/* Formats "path:line: ..." into err (err may be NULL). Always returns false, for `return rg_fail(...)`. */
bool rg_fail(rg_error *err, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Allocation that aborts on failure. rg_strndup copies n bytes and adds a NUL. */
void *rg_calloc(size_t n, size_t size);
void *rg_realloc(void *p, size_t n, size_t size);
char *rg_strdup(const char *s);
char *rg_strndup(const char *s, size_t n);
/* Concatenates up to four strings (NULL ends the list early) into a new string. */
char *rg_concat(const char *a, const char *b, const char *c, const char *d);

/* Appending to an output buffer; aborts when RG_MAX_OUTPUT is passed or memory runs out. */
void rg_puts(dynbuf *b, const char *s);
void rg_printf(dynbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads a whole file (NUL-terminated, caller frees). Returns NULL and fills err on failure. */
char *rg_read_file(const char *path, size_t *len, rg_error *err);
/* Writes len bytes to path, replacing it. Returns false and fills err on failure. */
bool rg_write_file(const char *path, const char *data, size_t len, rg_error *err);

#endif
