/* lmsc_output.c: stdout/stderr and the spinner (lmsc_output.h). */
#include "lmsc_output.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "common/clock.h"

#define SPIN_PERIOD_MS 100
#define SPIN_DELAY_MS 200 /* quick answers never flash a spinner */
#define LABEL_MAX 96

static struct {
  int tty;                /* -1: not known yet */
  bool on;
  bool drawn;
  int64_t start_ms, last_ms;
  unsigned frame;
  char label[LABEL_MAX];
} spin = {.tty = -1};

static bool stderr_is_tty(void) {
  if (spin.tty < 0) spin.tty = isatty(STDERR_FILENO) ? 1 : 0;
  return spin.tty == 1;
}

static void erase(void) {
  if (!spin.drawn) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
  spin.drawn = false;
}

static void draw(int64_t now) {
  static const char frames[] = "|/-\\";
  double s = (double)(now - spin.start_ms) / 1000.0;
  fprintf(stderr, "\r\033[K%c %s %.1fs", frames[spin.frame++ % 4], spin.label, s);
  fflush(stderr);
  spin.drawn = true;
  spin.last_ms = now;
}

void lmsc_spinner_start(const char *label) {
  if (!stderr_is_tty()) return;
  /* The elapsed time counts from the first phase (finding the node) on. */
  if (!spin.start_ms) spin.start_ms = clock_mono_ms();
  spin.on = true;
  snprintf(spin.label, sizeof spin.label, "%s", label);
  lmsc_spinner_tick();
}

void lmsc_spinner_tick(void) {
  if (!spin.on) return;
  int64_t now = clock_mono_ms();
  if (now - spin.start_ms >= SPIN_DELAY_MS && now - spin.last_ms >= SPIN_PERIOD_MS) draw(now);
}

void lmsc_spinner_stop(void) {
  erase();
  spin.on = false;
}

void lmsc_error(const char *fmt, ...) {
  erase();
  va_list ap;
  va_start(ap, fmt);
  fputs("lmsc: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  fflush(stderr);
}

void lmsc_out_text(const char *s, size_t n) {
  erase();
  spin.on = false;
  fwrite(s, 1, n, stdout);
  fflush(stdout);
}

bool lmsc_out_json(json_t *j) {
  if (!j) return false;
  erase();
  int rc = json_dumpf(j, stdout, JSON_COMPACT);
  json_decref(j);
  fputc('\n', stdout);
  return rc == 0 && fflush(stdout) == 0;
}
