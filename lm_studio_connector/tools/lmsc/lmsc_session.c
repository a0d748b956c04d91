/* lmsc_session.c: the context, node, loop, signals and node discovery (lmsc_session.h). */
#include "lmsc_session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "lmsc_output.h"

#define SPIN_SLICE_MS 100 /* the spinner's period: the loop wakes at least this often */

static volatile sig_atomic_t interrupts;
static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  (void)sig;
  int saved = errno;
  interrupts++;
  if (signal_pipe[1] >= 0) {
    ssize_t n = write(signal_pipe[1], "i", 1);
    (void)n;
  }
  errno = saved;
}

int lmsc_session_interrupts(void) { return (int)interrupts; }

static bool install_signals(void) {
  if (pipe(signal_pipe) != 0) return false;
  for (int i = 0; i < 2; i++) {
    fcntl(signal_pipe[i], F_SETFL, fcntl(signal_pipe[i], F_GETFL) | O_NONBLOCK);
    fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC);
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGINT, &sa, NULL) == 0 && sigaction(SIGTERM, &sa, NULL) == 0;
}

int lmsc_session_open(lmsc_session *s, const lmsc_options *o, const ros_args *args) {
  memset(s, 0, sizeof *s);
  s->o = o;
  if (!install_signals()) {
    lmsc_error("cannot install signal handlers: %s", strerror(errno));
    return LMSC_EXIT_FAILED;
  }
  ros_error e;
  ros_context_options co = {.domain_id = -1, .enclave = args->enclave};
  if (ros_context_create(&co, &s->ctx, &e) != ROS_OK) {
    lmsc_error("cannot join the ROS 2 domain: %s", e.message);
    return LMSC_EXIT_FAILED;
  }
  char name[64];
  snprintf(name, sizeof name, "lmsc_%ld", (long)getpid());
  ros_node_options no = {.args = args, .no_rosout = true, .no_parameter_services = true};
  if (ros_node_create(s->ctx, name, o->node_ns, &no, &s->node, &e) != ROS_OK) {
    lmsc_error("cannot create the client node%s%s: %s", o->node_ns ? " in namespace " : "",
               o->node_ns ? o->node_ns : "", e.message);
    ros_context_destroy(s->ctx);
    s->ctx = NULL;
    return LMSC_EXIT_FAILED;
  }
  return LMSC_EXIT_OK;
}

void lmsc_session_close(lmsc_session *s) {
  lmsc_spinner_stop();
  if (s->node && ros_node_destroy(s->node) != ROS_OK)
    lmsc_error("internal: the client node still has entities");
  if (s->ctx) ros_context_destroy(s->ctx);
  s->node = NULL;
  s->ctx = NULL;
}

void lmsc_session_spin(lmsc_session *s, int max_ms) {
  int64_t next_ns = ros_context_time_to_next(s->ctx);
  int wait = max_ms < SPIN_SLICE_MS ? max_ms : SPIN_SLICE_MS;
  if (next_ns < (int64_t)wait * 1000000) wait = (int)((next_ns + 999999) / 1000000);
  struct pollfd p[2] = {{.fd = ros_context_wake_fd(s->ctx), .events = POLLIN},
                        {.fd = signal_pipe[0], .events = POLLIN}};
  if (wait > 0 && poll(p, 2, wait) > 0 && (p[1].revents & POLLIN)) {
    char buf[16];
    while (read(signal_pipe[0], buf, sizeof buf) > 0) {
    }
  }
  ros_context_spin_some(s->ctx);
  lmsc_spinner_tick();
}

int lmsc_session_wait_for_node(lmsc_session *s, bool (*ready)(void *user), void *user,
                               const char *what, const char *names) {
  int64_t deadline = clock_mono_ms() + (int64_t)(s->o->timeout_s * 1000.0);
  int seen = lmsc_session_interrupts();
  lmsc_spinner_start("looking for the node");
  while (!ready(user)) {
    if (lmsc_session_interrupts() != seen) {
      lmsc_spinner_stop();
      return LMSC_EXIT_INTERRUPTED;
    }
    int64_t left = deadline - clock_mono_ms();
    if (left <= 0) {
      lmsc_spinner_stop();
      const char *lo = getenv("ROS_LOCALHOST_ONLY");
      const char *range = getenv("ROS_AUTOMATIC_DISCOVERY_RANGE");
      lmsc_error("node not found: no %s %s in ROS_DOMAIN_ID %u within %.1f s.\n"
                 "  Searched: %s (namespace %s)\n"
                 "  Is lm_studio_node running, in this namespace (--node-ns, -r __ns:=)?\n"
                 "  A node on a ROS 2 installation must run with RMW_IMPLEMENTATION=rmw_cyclonedds_cpp,\n"
                 "  on the same ROS_DOMAIN_ID, with matching ROS_LOCALHOST_ONLY / "
                 "ROS_AUTOMATIC_DISCOVERY_RANGE\n"
                 "  (here: ROS_LOCALHOST_ONLY=%s, ROS_AUTOMATIC_DISCOVERY_RANGE=%s); "
                 "--timeout S waits longer.",
                 what, names, ros_context_domain_id(s->ctx), s->o->timeout_s, names,
                 ros_node_namespace(s->node), lo ? lo : "(unset)", range ? range : "(unset)");
      return LMSC_EXIT_NOT_FOUND;
    }
    lmsc_session_spin(s, left > INT32_MAX ? INT32_MAX : (int)left);
  }
  lmsc_spinner_stop();
  return LMSC_EXIT_OK;
}
