/* testing.h: a small test harness. Each TEST(name) in a file is one CTest case, run as
 * `<test-binary> <name>`; with no argument the binary runs all its cases. Checks abort the
 * case with the file, line and the failed expression. Names: <module>_<function>_<condition>. */
#ifndef LMS_TESTING_H
#define LMS_TESTING_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define TEST(name)                                                     \
  static void name(void);                                              \
  __attribute__((constructor)) static void name##_register(void) {     \
    test_register(#name, name);                                        \
  }                                                                    \
  static void name(void)

#define CHECK(cond) \
  do { if (!(cond)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)
#define CHECK_MSG(cond, ...) \
  do { if (!(cond)) test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_EQ_INT(a, b)                                                              \
  do { long long a_ = (long long)(a), b_ = (long long)(b);                              \
       if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_); \
  } while (0)
#define CHECK_EQ_STR(a, b)                                                              \
  do { const char *a_ = (a), *b_ = (b);                                                 \
       if (!a_ || !b_ || strcmp(a_, b_) != 0)                                           \
         test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,            \
                   a_ ? a_ : "(null)", b_ ? b_ : "(null)");                              \
  } while (0)
#define CHECK_CONTAINS(hay, needle)                                                     \
  do { const char *h_ = (hay), *n_ = (needle);                                          \
       if (!h_ || !strstr(h_, n_))                                                      \
         test_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_); \
  } while (0)

/* Reads a whole file (fixtures); aborts the case if it cannot. Caller frees. */
char *test_read_file(const char *path, size_t *len);
/* A path inside the fixtures directory (static buffer, valid until the next call). */
const char *test_fixture(const char *name);

#endif
