/* testing.c: the harness behind testing.h: registry, case selection, failure reports. */
#include "testing.h"

#include <stdarg.h>

#define MAX_CASES 512

static struct {
  const char *name;
  test_fn fn;
} cases[MAX_CASES];
static int n_cases;

void test_register(const char *name, test_fn fn) {
  if (n_cases == MAX_CASES) {
    fprintf(stderr, "testing: too many cases\n");
    exit(2);
  }
  cases[n_cases].name = name;
  cases[n_cases].fn = fn;
  n_cases++;
}

void test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "FAIL %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  exit(1);
}

char *test_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) test_fail(__FILE__, __LINE__, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) test_fail(__FILE__, __LINE__, "cannot read %s", path);
  buf[n] = '\0';
  fclose(f);
  if (len) *len = (size_t)n;
  return buf;
}

const char *test_fixture(const char *name) {
  static char path[4096];
  snprintf(path, sizeof path, "%s/%s", LMS_FIXTURES_DIR, name);
  return path;
}

int main(int argc, char **argv) {
  int ran = 0;
  for (int i = 0; i < n_cases; i++) {
    if (argc > 1 && strcmp(argv[1], cases[i].name) != 0) continue;
    fprintf(stderr, "RUN  %s\n", cases[i].name);
    cases[i].fn();
    fprintf(stderr, "OK   %s\n", cases[i].name);
    ran++;
  }
  if (ran == 0) {
    fprintf(stderr, "no test case named %s\n", argc > 1 ? argv[1] : "(any)");
    return 2;
  }
  return 0;
}
