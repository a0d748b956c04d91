/* bench_util.c: see bench_util.h. ddsperf's output is parsed from its 1-second report lines. */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

double bench_percentile(double *v, int n, double q) {
  if (n <= 0) return 0;
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  int i = (int)(q * (n - 1) + 0.5);
  return v[i];
}

void bench_row(const char *figure, double ours, double baseline, const char *unit) {
  double ratio = baseline != 0 ? ours / baseline : 0;
  printf("BENCH %-38s | %12.3f %-9s | %12.3f %-9s | %6.2fx\n", figure, ours, unit, baseline, unit,
         ratio);
  fflush(stdout);
  /* scripts/bench.sh collects every program's rows into one table. */
  const char *rows = getenv("LMS_BENCH_ROWS");
  FILE *f = rows && rows[0] ? fopen(rows, "a") : NULL;
  if (!f) return;
  fprintf(f, "%s\t%.17g\t%.17g\t%s\t%.17g\n", figure, ours, baseline, unit, ratio);
  fclose(f);
}

int bench_ddsperf_latency(int domain, int seconds, const char *mode, double *p50_us,
                          double *p99_us) {
  char cmd[320];
  snprintf(cmd, sizeof cmd,
           "ddsperf -i %d -D %d pong %s >/dev/null 2>&1 & sleep 0.5; ddsperf -i %d -D %d ping %s 2>&1; wait",
           domain, seconds + 1, mode, domain, seconds, mode);
  FILE *f = popen(cmd, "r");
  if (!f) return -1;
  char line[512];
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    const char *m = strstr(line, " 50% ");
    const char *n = strstr(line, " 99% ");
    if (m && n && sscanf(m, " 50%% %lfus", p50_us) == 1 && sscanf(n, " 99%% %lfus", p99_us) == 1)
      found = 1; /* keep the last full second */
  }
  pclose(f);
  return found ? 0 : -1;
}

int bench_ddsperf_throughput(int domain, int seconds, int size, double *samples_per_s) {
  char cmd[256];
  snprintf(cmd, sizeof cmd,
           "ddsperf -i %d -D %d sub 2>&1 & sleep 0.5; ddsperf -i %d -D %d pub size %d >/dev/null 2>&1; wait",
           domain, seconds + 1, domain, seconds, size);
  FILE *f = popen(cmd, "r");
  if (!f) return -1;
  char line[512];
  double best = 0;
  while (fgets(line, sizeof line, f)) {
    const char *r = strstr(line, " rate ");
    double k;
    if (r && sscanf(r, " rate %lf kS/s", &k) == 1 && k * 1000 > best) best = k * 1000;
  }
  pclose(f);
  *samples_per_s = best;
  return best > 0 ? 0 : -1;
}
