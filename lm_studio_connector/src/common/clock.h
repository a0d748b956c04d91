/* clock.h: monotonic and wall time in the units the project uses. Thread-safe. */
#ifndef LMS_CLOCK_H
#define LMS_CLOCK_H

#include <stdint.h>

/* Monotonic nanoseconds since an arbitrary origin: for timeouts and latency. */
int64_t clock_mono_ns(void);
/* Monotonic milliseconds. */
static inline int64_t clock_mono_ms(void) { return clock_mono_ns() / 1000000; }
/* Wall-clock nanoseconds since the Unix epoch: for timestamps that leave the process. */
int64_t clock_wall_ns(void);
/* Sleeps for ms milliseconds (resumes after signals). */
void clock_sleep_ms(int64_t ms);

#endif
