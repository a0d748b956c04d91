/* main.c: the standalone LM Studio emulator (a test server, not a model).
 * Parses the command line, starts the emulator and waits for SIGINT/SIGTERM on the main thread
 * with sigwait: the signals are blocked before the emulator's threads start, so they inherit the
 * mask and only the main thread ever takes them. Exit 0 after a clean stop, 1 if the server
 * cannot start, 2 on bad arguments. */
#include "lms_emulator.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out) {
  fputs("usage: lms_emulator [--port N] [--bind ADDR] [--api-key KEY] [--interval-ms N] "
        "[--no-api-v0]\n"
        "  Emulates LM Studio's HTTP API for tests and benchmarks (deterministic echo answers).\n"
        "  --port N         TCP port (default 1234; 0 = any free port)\n"
        "  --bind ADDR      IPv4 address to listen on (default 127.0.0.1)\n"
        "  --api-key KEY    require \"Authorization: Bearer KEY\" on every route\n"
        "  --interval-ms N  pause between streamed chunks (default 0)\n"
        "  --no-api-v0      answer /api/v0/* like an unknown route\n"
        "  --help           this text\n",
        out);
}

static bool parse_int(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static int bad_args(const char *what, const char *value) {
  fprintf(stderr, "lms_emulator: %s%s%s\n", what, value ? ": " : "", value ? value : "");
  usage(stderr);
  return 2;
}

int main(int argc, char **argv) {
  lms_emu_config cfg = {.port = 1234};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--no-api-v0") == 0) {
      cfg.no_api_v0 = true;
      continue;
    }
    bool known = strcmp(a, "--port") == 0 || strcmp(a, "--interval-ms") == 0 ||
                 strcmp(a, "--bind") == 0 || strcmp(a, "--api-key") == 0;
    if (!known) return bad_args("unknown option", a);
    if (!v) return bad_args("missing value after", a);
    if (strcmp(a, "--port") == 0) {
      if (!parse_int(v, 0, 65535, &n)) return bad_args("bad port", v);
      cfg.port = (unsigned short)n;
    } else if (strcmp(a, "--interval-ms") == 0) {
      if (!parse_int(v, 0, INT_MAX / 1000, &n)) return bad_args("bad interval", v);
      cfg.chunk_interval_us = (int)n * 1000;
    } else if (strcmp(a, "--bind") == 0) {
      cfg.bind_addr = v;
    } else {
      cfg.api_key = v;
    }
    i++;
  }

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
  signal(SIGPIPE, SIG_IGN);

  lms_emu *e = lms_emu_start(&cfg);
  if (!e) return 1;
  printf("lms_emulator: LM Studio emulator (test server, not a model) listening on http://%s:%u\n",
         cfg.bind_addr ? cfg.bind_addr : "127.0.0.1", (unsigned)lms_emu_port(e));
  fflush(stdout);

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  lms_emu_stop(e);
  return 0;
}
