/* clock.c: thin wrappers over clock_gettime/nanosleep. */
#include "clock.h"

#include <errno.h>
#include <time.h>

static int64_t read_clock(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_mono_ns(void) { return read_clock(CLOCK_MONOTONIC); }
int64_t clock_wall_ns(void) { return read_clock(CLOCK_REALTIME); }

void clock_sleep_ms(int64_t ms) {
  if (ms <= 0) return;
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}
