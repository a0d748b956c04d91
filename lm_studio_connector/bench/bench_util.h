/* bench_util.h: shared by the benchmarks: percentiles, the output row format, and Cyclone's
 * ddsperf run as a baseline in the same run. */
#ifndef LMS_BENCH_UTIL_H
#define LMS_BENCH_UTIL_H

/* Sorts v in place and returns the q-quantile (0..1). */
double bench_percentile(double *v, int n, double q);
/* Prints "BENCH <figure> | ours unit | baseline unit | ratio" (ratio = ours / baseline) and,
 * when $LMS_BENCH_ROWS names a file, appends "figure\tours\tbaseline\tunit\tratio\n" to it
 * (scripts/bench.sh gathers every benchmark's rows into one table). */
void bench_row(const char *figure, double ours, double baseline, const char *unit);
/* Round-trip latency of ddsperf ping/pong (two processes) for `seconds`, in microseconds.
 * mode "listener" answers inside Cyclone's receive thread; "waitset" on an application thread
 * (one thread hop each way, like any loop-based node). */
int bench_ddsperf_latency(int domain, int seconds, const char *mode, double *p50_us,
                          double *p99_us);
/* Samples per second ddsperf sub receives from ddsperf pub (two processes, `size`-byte
 * samples, reliable) for `seconds`. */
int bench_ddsperf_throughput(int domain, int seconds, int size, double *samples_per_s);

#endif
