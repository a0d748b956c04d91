/* test_lm_node_main.c: the two node executables as processes: a SIGINT or SIGTERM that arrives
 * while the node is still starting (its endpoints already visible to peers, its handlers not yet
 * installed: what a launch system stopping it at once, or an early Ctrl-C, does) ends it
 * cleanly with exit 0, as one arriving later does (the signal is made pending before exec, so
 * it is there during the whole start-up, deterministically); and a node started without its
 * server says so on the console. */
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/dynbuf.h"
#include "lms_emulator.h"
#include "testing.h"

typedef struct run_result {
  int exit_code; /* -1: killed by a signal or still running after the limit */
  dynbuf err;    /* the child's stderr (its console log) */
} run_result;

/* Runs exe against the server url (with model_name model; NULL: its default) with sig (0: none)
 * blocked and pending from the start, and collects its stderr until it exits; once the log
 * holds stop_at (NULL: never), SIGINT. */
static run_result run_node(const char *exe, const char *url, const char *model, int sig,
                           const char *stop_at) {
  run_result r = {.exit_code = -1};
  dynbuf_init(&r.err, 1u << 20);
  char url_arg[256], model_arg[256];
  snprintf(url_arg, sizeof url_arg, "lm_studio_url:=%s", url);
  snprintf(model_arg, sizeof model_arg, "model_name:=%s", model ? model : "local-model");
  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    if (sig) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, sig);
      sigprocmask(SIG_BLOCK, &set, NULL);
      raise(sig); /* pending: the blocked mask and pending signals survive exec */
    }
    execl(exe, exe, "--ros-args", "-p", url_arg, "-p", model_arg, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  int64_t end = clock_mono_ms() + 30000;
  char buf[4096];
  bool ended = false, stopped = false;
  while (!ended) {
    int64_t left = end - clock_mono_ms();
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    if (left <= 0 || poll(&p, 1, (int)left) <= 0) break;
    ssize_t n = read(fds[0], buf, sizeof buf);
    ended = n <= 0; /* the child closed stderr: it is ending */
    if (n > 0) CHECK(dynbuf_append(&r.err, buf, (size_t)n)); /* NUL-terminated */
    if (stop_at && !stopped && n > 0 && strstr(r.err.data, stop_at)) {
      kill(pid, SIGINT);
      stopped = true;
    }
  }
  close(fds[0]);
  if (!ended) kill(pid, SIGKILL);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK_MSG(ended, "%s still ran after 30 s; log:\n%s", exe, r.err.data ? r.err.data : "");
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  CHECK(dynbuf_append_str(&r.err, "")); /* data exists even when nothing was logged */
  return r;
}

static void check_clean_stop(const char *exe, int sig) {
  run_result r = run_node(exe, "http://127.0.0.1:1", NULL, sig, NULL);
  CHECK_MSG(r.exit_code == 0, "%s after signal %d: exit %d; log:\n%s", exe, sig, r.exit_code,
            r.err.data);
  CHECK_CONTAINS(r.err.data, "ready");
  CHECK_CONTAINS(r.err.data, "shutting down");
  dynbuf_free(&r.err);
}

TEST(lm_node_main_signal_during_start_up_stops_cleanly)
{
  check_clean_stop(LMS_NODE_EXE, SIGINT);
  check_clean_stop(LMS_NODE_EXE, SIGTERM);
}

TEST(lm_topics_main_signal_during_start_up_stops_cleanly)
{
  check_clean_stop(LMS_TOPICS_NODE_EXE, SIGINT);
  check_clean_stop(LMS_TOPICS_NODE_EXE, SIGTERM);
}

/* Started without its server, a node says so on the console (not only in its status), with
 * the URL and what to check, as soon as its first probe fails. */
TEST(lm_node_main_unreachable_server_is_said_on_the_console)
{
  const char *exes[] = {LMS_NODE_EXE, LMS_TOPICS_NODE_EXE};
  for (int i = 0; i < 2; i++) {
    run_result r = run_node(exes[i], "http://127.0.0.1:1", NULL, 0, "unreachable");
    CHECK_MSG(r.exit_code == 0, "exit %d; log:\n%s", r.exit_code, r.err.data);
    CHECK_CONTAINS(r.err.data, "[WARN]");
    CHECK_CONTAINS(r.err.data, "LM Studio server http://127.0.0.1:1 unreachable");
    CHECK_CONTAINS(r.err.data, "LLM_ERR_CONNECT_REFUSED");
    CHECK_CONTAINS(r.err.data, "lm_studio_url");
    dynbuf_free(&r.err);
  }
}

/* A model_name the server does not list (here the default, as when a node is started without
 * one) is a WARN naming the listed models as soon as the first probe answers; a listed one is
 * not. */
TEST(lm_node_main_unlisted_model_is_said_on_the_console)
{
  lms_emu *emu = lms_emu_start(NULL);
  CHECK(emu);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", lms_emu_port(emu));
  run_result r = run_node(LMS_NODE_EXE, url, NULL, 0, "not among");
  CHECK_MSG(r.exit_code == 0, "exit %d; log:\n%s", r.exit_code, r.err.data);
  CHECK_CONTAINS(r.err.data, "[WARN]");
  CHECK_CONTAINS(r.err.data, "model_name 'local-model' is not among the server's models");
  CHECK_CONTAINS(r.err.data, "llama-3.2-1b-instruct"); /* what it could be instead */
  dynbuf_free(&r.err);
  /* Both log lines of a probe come from the same callback, before SIGINT is seen. */
  r = run_node(LMS_TOPICS_NODE_EXE, url, "llama-3.2-1b-instruct", 0, "reachable");
  CHECK_MSG(r.exit_code == 0, "exit %d; log:\n%s", r.exit_code, r.err.data);
  CHECK(!strstr(r.err.data, "not among"));
  dynbuf_free(&r.err);
  lms_emu_stop(emu);
}
