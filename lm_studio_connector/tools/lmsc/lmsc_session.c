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
#include "ros/ros_names.h"

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

int lmsc_session_settle(lmsc_session *s) {
  int64_t end = clock_mono_ms() + LMSC_SETTLE_MS;
  int seen = lmsc_session_interrupts();
  while (clock_mono_ms() < end) {
    if (lmsc_session_interrupts() != seen) return LMSC_EXIT_INTERRUPTED;
    lmsc_session_spin(s, 20);
  }
  return LMSC_EXIT_OK;
}

void lmsc_presence_start(lmsc_presence *p) {
  p->next_check = clock_mono_ms() + LMSC_PRESENCE_CHECK_MS;
  p->absent = 0;
}

bool lmsc_presence_lost(lmsc_presence *p, bool (*ready)(void *user), void *user) {
  int64_t now = clock_mono_ms();
  if (now < p->next_check) return false;
  p->next_check = now + LMSC_PRESENCE_CHECK_MS;
  p->absent = ready(user) ? 0 : p->absent + 1;
  return p->absent >= 2;
}

/* How each kind shows on DDS (ROS2_WIRE.md): which builtin topic lists it, and the DDS topic
 * name around "<ns>/<name>". */
typedef struct target_shape {
  const char *kind_text;    /* for the message */
  bool subscriptions;       /* found among remote readers (else writers) */
  const char *prefix, *suffix;
} target_shape;

static const target_shape shapes[] = {
    [LMSC_TARGET_ACTION] = {"action server for", false, "rt", "/_action/status"},
    [LMSC_TARGET_SERVICE] = {"service", false, "rr", "Reply"},
    [LMSC_TARGET_PUBLISHER] = {"publisher of", false, "rt", ""},
    [LMSC_TARGET_SUBSCRIBER] = {"subscriber of", true, "rt", ""},
};

#define MAX_SUGGESTIONS 5
#define TAKE_BATCH 32

/* Appends to out the namespaces in which some endpoint on the domain offers t->name, other
 * than the one searched: "/robot1, /robot2". */
static void find_elsewhere(lmsc_session *s, const lmsc_target *t, char *out, size_t size) {
  const target_shape *sh = &shapes[t->kind];
  char tail[ROS_NAME_BUF_SIZE];
  snprintf(tail, sizeof tail, "/%s%s", t->name, sh->suffix);
  size_t tail_len = strlen(tail), pre_len = strlen(sh->prefix);
  dds_entity_t rd = dds_create_reader(ros_context_participant(s->ctx),
                                      sh->subscriptions ? DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION
                                                        : DDS_BUILTIN_TOPIC_DCPSPUBLICATION,
                                      NULL, NULL);
  if (rd < 0) return;
  char seen[MAX_SUGGESTIONS][ROS_NAME_BUF_SIZE];
  int found = 0;
  void *samples[TAKE_BATCH];
  dds_sample_info_t infos[TAKE_BATCH];
  for (;;) {
    samples[0] = NULL;
    int n = dds_take(rd, samples, infos, TAKE_BATCH, TAKE_BATCH);
    if (n <= 0) break;
    for (int i = 0; i < n; i++) {
      const dds_builtintopic_endpoint_t *ep = samples[i];
      if (!infos[i].valid_data || !ep->topic_name) continue;
      size_t len = strlen(ep->topic_name);
      if (len < pre_len + tail_len || strncmp(ep->topic_name, sh->prefix, pre_len) != 0 ||
          strcmp(ep->topic_name + len - tail_len, tail) != 0)
        continue;
      char ns[ROS_NAME_BUF_SIZE];
      snprintf(ns, sizeof ns, "%.*s", (int)(len - pre_len - tail_len), ep->topic_name + pre_len);
      if (!ns[0]) snprintf(ns, sizeof ns, "/");
      bool known = strcmp(ns, ros_node_namespace(s->node)) == 0;
      /* One mention per namespace: several endpoints make up one action or service. */
      for (int k = 0; k < found && !known; k++) known = strcmp(seen[k], ns) == 0;
      if (known || found == MAX_SUGGESTIONS) continue;
      snprintf(seen[found++], sizeof seen[0], "%s", ns);
      size_t used = strlen(out);
      snprintf(out + used, size - used, "%s%s", used ? ", " : "", ns);
    }
    dds_return_loan(rd, samples, n);
  }
  dds_delete(rd);
}

static void print_not_found(lmsc_session *s, const lmsc_target *t) {
  const char *lo = getenv("ROS_LOCALHOST_ONLY");
  const char *range = getenv("ROS_AUTOMATIC_DISCOVERY_RANGE");
  char elsewhere[1024] = "";
  find_elsewhere(s, t, elsewhere, sizeof elsewhere);
  char hint_ns[1200] = "";
  if (elsewhere[0])
    snprintf(hint_ns, sizeof hint_ns, "\n  Found '%s' in namespace(s) %s: use --node-ns with one of them.",
             t->name, elsewhere);
  lmsc_error("node not found: no %s %s in ROS_DOMAIN_ID %u within %.1f s.%s\n"
             "  Is lm_studio_node running, in namespace %s (--node-ns NS, or -r __ns:=NS)?\n"
             "  A node on a ROS 2 installation must run with RMW_IMPLEMENTATION=rmw_cyclonedds_cpp,\n"
             "  on the same ROS_DOMAIN_ID, with matching ROS_LOCALHOST_ONLY (here %s) and\n"
             "  ROS_AUTOMATIC_DISCOVERY_RANGE (here %s); --timeout S waits longer.",
             shapes[t->kind].kind_text, t->resolved, ros_context_domain_id(s->ctx),
             s->o->timeout_s, hint_ns, ros_node_namespace(s->node), lo ? lo : "unset",
             range ? range : "unset");
}

int lmsc_session_wait_for_node(lmsc_session *s, bool (*ready)(void *user), void *user,
                               const lmsc_target *t) {
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
      print_not_found(s, t);
      return LMSC_EXIT_NOT_FOUND;
    }
    lmsc_session_spin(s, left > INT32_MAX ? INT32_MAX : (int)left);
  }
  lmsc_spinner_stop();
  return LMSC_EXIT_OK;
}
