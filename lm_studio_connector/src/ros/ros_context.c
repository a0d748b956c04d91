/* ros_context.c: domain, participant, graph topic and the executor (see ros_context.h).
 * Wakeups travel through a non-blocking pipe: Cyclone's listener threads and signal handlers
 * write one byte (coalesced by wake_pending), the loop polls the read end. The ready list and
 * the timer list are touched by other threads only under `mu`; callbacks run without it. */
#include "ros_context.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/limits.h"
#include "ros_env.h"
#include "ros_internal.h"
#include "ros_log.h"
#include "ros_qos.h"
#include "ros_security.h"
#include "ros_types_gen.h"
#include "humble_graph.h"

#define MAX_ATTACHED 4

struct ros_waitable {
  ros_context *ctx;
  ros_ready_fn fn;
  void *user;
  atomic_bool queued;             /* in the ready list, or about to be */
  struct ros_waitable *next;      /* ready list link, under ctx->mu */
  dds_entity_t attached[MAX_ATTACHED];
  dds_listener_t *listener;
};

struct ros_timer {
  ros_context *ctx;
  int64_t period_ns, next_ns;
  ros_ready_fn fn;
  void *user;
  bool dead;                      /* destroyed; freed at the end of the spin */
  struct ros_timer *next;
};

typedef struct node_link {
  ros_node *node;
  struct node_link *next;
} node_link;

struct ros_context {
  bool has_domain;                /* holds a reference in `domains` */
  dds_entity_t participant, publisher, subscriber, graph_topic, graph_writer;
  uint32_t domain_id;
  bool humble;
  dds_topic_descriptor_t *humble_graph_desc; /* Humble layout under the real type name */
  char enclave[256];
  bool secure;                    /* the participant runs Cyclone's security plugins */
  uint8_t guid_prefix[12];
  atomic_uint entity_counter;

  int wake_pipe[2];
  atomic_bool wake_pending;
  atomic_bool shutdown;
  pthread_mutex_t mu;             /* ready list, hook */
  ros_waitable *ready_head, **ready_tail;
  void (*hook)(void *);
  void *hook_user;

  ros_timer *timers;              /* loop thread only */
  bool spinning_timers;
  node_link *nodes;               /* loop thread only */
  bool graph_dirty;
};

/* Domains this process created, shared by the contexts on them: the last one out deletes the
 * domain, so Cyclone stops its threads and a process may fork cleanly afterwards. */
static struct {
  pthread_mutex_t mu;
  struct { uint32_t id; dds_entity_t handle; int refs; } d[8];
} domains = {.mu = PTHREAD_MUTEX_INITIALIZER};

static ros_status acquire_domain(uint32_t id, const char *xml, ros_error *e) {
  pthread_mutex_lock(&domains.mu);
  ros_status st = ROS_OK;
  int free_slot = -1;
  for (int i = 0; i < 8; i++) {
    if (domains.d[i].refs > 0 && domains.d[i].id == id) {
      domains.d[i].refs++;
      goto out;
    }
    if (domains.d[i].refs == 0 && free_slot < 0) free_slot = i;
  }
  dds_entity_t h = dds_create_domain(id, xml);
  if (h == DDS_RETCODE_PRECONDITION_NOT_MET) goto out; /* made by someone else: not ours */
  if (h < 0) {
    st = ros_error_dds(e, h, "cannot create the DDS domain");
    goto out;
  }
  if (free_slot < 0) goto out; /* nowhere to count it: it simply lives on */
  domains.d[free_slot].id = id;
  domains.d[free_slot].handle = h;
  domains.d[free_slot].refs = 1;
out:
  pthread_mutex_unlock(&domains.mu);
  return st;
}

static void release_domain(uint32_t id) {
  pthread_mutex_lock(&domains.mu);
  for (int i = 0; i < 8; i++) {
    if (domains.d[i].refs > 0 && domains.d[i].id == id) {
      if (--domains.d[i].refs == 0) dds_delete(domains.d[i].handle);
      break;
    }
  }
  pthread_mutex_unlock(&domains.mu);
}

static ros_status make_domain(ros_context *c, const ros_context_options *o, ros_error *e) {
  ros_env_config env;
  ros_env_error ee;
  if (ros_env_config_load(&env, NULL, NULL, &ee) != ROS_ENV_OK)
    return ros_error_set(e, ROS_ERR_BAD_ENV, "%s", ee.message);
  c->domain_id = o && o->domain_id >= 0 ? (uint32_t)o->domain_id : env.domain_id;
  env.domain_id = c->domain_id;
  char *xml = NULL;
  ros_env_status est = ros_env_cyclone_config(&env, c->humble, (long)getpid(),
                                              getenv("CYCLONEDDS_URI"), &xml, &ee);
  ros_env_config_fini(&env);
  if (est != ROS_ENV_OK) return ros_error_set(e, ROS_ERR_BAD_ENV, "%s", ee.message);
  ros_status st = acquire_domain(c->domain_id, xml, e);
  free(xml);
  c->has_domain = st == ROS_OK;
  return st;
}

static ros_status make_graph_writer(ros_context *c, ros_error *e) {
  const ros_type_info *t = ros_types_find("rmw_dds_common/msg/ParticipantEntitiesInfo");
  if (!t || !t->desc) return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "graph type missing");
  const dds_topic_descriptor_t *desc = t->desc;
  if (c->humble) {
    /* The descriptor's members are const: build the renamed copy in allocated memory. */
    c->humble_graph_desc = malloc(sizeof *c->humble_graph_desc);
    if (!c->humble_graph_desc) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
    memcpy(c->humble_graph_desc, &lms_humble_rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc,
           sizeof *c->humble_graph_desc);
    memcpy((char *)c->humble_graph_desc + offsetof(dds_topic_descriptor_t, m_typename),
           &t->dds_name, sizeof t->dds_name);
    desc = c->humble_graph_desc;
  }
  c->graph_topic = dds_create_topic(c->participant, desc, "ros_discovery_info", NULL, NULL);
  if (c->graph_topic < 0) return ros_error_dds(e, c->graph_topic, "ros_discovery_info topic");
  char ud[128];
  ros_qos_user_data(ud, sizeof ud, NULL, NULL, c->humble ? NULL : t->type_hash);
  ros_qos q = {ROS_HISTORY_KEEP_LAST, 1, ROS_RELIABLE, ROS_TRANSIENT_LOCAL, 0, 0};
  dds_qos_t *dq = ros_qos_to_dds(&q, ud);
  c->graph_writer = dds_create_writer(c->publisher, c->graph_topic, dq, NULL);
  dds_delete_qos(dq);
  if (c->graph_writer < 0) return ros_error_dds(e, c->graph_writer, "ros_discovery_info writer");
  return ROS_OK;
}

#ifndef LMS_DDS_SECURITY_PLUGIN_DIR
#define LMS_DDS_SECURITY_PLUGIN_DIR "" /* unknown at build time: the loader finds them */
#endif

/* The participant: USER_DATA enclave=<enclave>; and, when ROS_SECURITY_ENABLE=true finds the
 * enclave's files, the security plugins' properties (ros_security.h). Enforce without them
 * fails here, before anything went on the wire. */
static ros_status make_participant(ros_context *c, ros_error *e) {
  ros_security_config *sec = malloc(sizeof *sec);
  if (!sec) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  ros_status st = ros_security_load(c->enclave, LMS_DDS_SECURITY_PLUGIN_DIR, NULL, NULL, sec, e);
  if (st != ROS_OK) {
    free(sec);
    return st;
  }
  if (sec->warning[0])
    ros_log_write_named(NULL, ROS_LOG_WARN, __FILE__, __func__, __LINE__, "%s", sec->warning);
  char ud[300];
  snprintf(ud, sizeof ud, "enclave=%s;", c->enclave);
  dds_qos_t *pq = dds_create_qos();
  dds_qset_userdata(pq, ud, strlen(ud));
  for (size_t i = 0; sec->active && i < sec->prop_count; i++)
    dds_qset_prop(pq, sec->props[i].name, sec->props[i].value);
  c->participant = dds_create_participant(c->domain_id, pq, NULL);
  dds_delete_qos(pq);
  if (c->participant < 0) {
    st = sec->active ? ros_error_set(e, ROS_ERR_SECURITY,
                                     "cannot create the secured DDS participant for enclave "
                                     "directory '%s' (invalid or mismatched security files?): %s",
                                     sec->enclave_dir, dds_strretcode(c->participant))
                     : ros_error_dds(e, c->participant, "cannot create the DDS participant");
  } else {
    c->secure = sec->active;
  }
  free(sec);
  return st;
}

static bool set_nonblocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

ros_status ros_context_create(const ros_context_options *o, ros_context **out, ros_error *e) {
  if (!out) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "no output pointer");
  ros_context *c = calloc(1, sizeof *c);
  if (!c) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  const char *distro = getenv("LMS_ROS_DISTRO");
  c->humble = (o && o->humble) || (distro && strcmp(distro, "humble") == 0);
  snprintf(c->enclave, sizeof c->enclave, "%s", o && o->enclave ? o->enclave : "/");
  pthread_mutex_init(&c->mu, NULL);
  c->ready_tail = &c->ready_head;
  c->wake_pipe[0] = c->wake_pipe[1] = -1;
  ros_status st = ROS_OK;
  if (pipe(c->wake_pipe) != 0 || !set_nonblocking(c->wake_pipe[0]) ||
      !set_nonblocking(c->wake_pipe[1])) {
    st = ros_error_set(e, ROS_ERR_NO_MEMORY, "cannot create the wakeup pipe: %s", strerror(errno));
    goto fail;
  }
  if ((st = make_domain(c, o, e)) != ROS_OK) goto fail;
  if ((st = make_participant(c, e)) != ROS_OK) goto fail;
  dds_guid_t guid;
  dds_get_guid(c->participant, &guid);
  memcpy(c->guid_prefix, guid.v, sizeof c->guid_prefix);
  c->publisher = dds_create_publisher(c->participant, NULL, NULL);
  c->subscriber = dds_create_subscriber(c->participant, NULL, NULL);
  if (c->publisher < 0 || c->subscriber < 0) {
    st = ros_error_dds(e, c->publisher < 0 ? c->publisher : c->subscriber, "publisher/subscriber");
    goto fail;
  }
  if ((st = make_graph_writer(c, e)) != ROS_OK) goto fail;
  *out = c;
  return ROS_OK;
fail:
  if (c->participant > 0) dds_delete(c->participant);
  if (c->has_domain) release_domain(c->domain_id);
  if (c->wake_pipe[0] >= 0) close(c->wake_pipe[0]);
  if (c->wake_pipe[1] >= 0) close(c->wake_pipe[1]);
  pthread_mutex_destroy(&c->mu);
  free(c->humble_graph_desc);
  free(c);
  return st;
}

static ros_context *signal_ctx; /* the context SIGINT/SIGTERM shut down */

ros_status ros_context_destroy(ros_context *c) {
  if (!c) return ROS_OK;
  if (c->nodes) return ROS_ERR_BUSY;
  if (signal_ctx == c) signal_ctx = NULL;
  dds_delete(c->participant); /* disposes every entity: peers see us leave at once */
  if (c->has_domain) release_domain(c->domain_id);
  while (c->timers) {
    ros_timer *t = c->timers;
    c->timers = t->next;
    free(t);
  }
  close(c->wake_pipe[0]);
  close(c->wake_pipe[1]);
  pthread_mutex_destroy(&c->mu);
  free(c->humble_graph_desc);
  free(c);
  return ROS_OK;
}

dds_entity_t ros_context_participant(const ros_context *c) { return c->participant; }
uint32_t ros_context_domain_id(const ros_context *c) { return c->domain_id; }
bool ros_context_is_humble(const ros_context *c) { return c->humble; }
bool ros_context_is_secure(const ros_context *c) { return c && c->secure; }
const uint8_t *ros_context_guid_prefix(const ros_context *c) { return c->guid_prefix; }
uint32_t ros_context_next_entity_counter(ros_context *c) {
  return atomic_fetch_add(&c->entity_counter, 1) + 1;
}
dds_entity_t ros_context_publisher(const ros_context *c) { return c->publisher; }
dds_entity_t ros_context_subscriber(const ros_context *c) { return c->subscriber; }
const char *ros_context_enclave(const ros_context *c) { return c->enclave; }

/* ---- wakeups ---- */

static void wake(ros_context *c) {
  if (!atomic_exchange(&c->wake_pending, true)) {
    ssize_t n = write(c->wake_pipe[1], "w", 1);
    (void)n; /* a full pipe already means "wake up" */
  }
  pthread_mutex_lock(&c->mu);
  void (*hook)(void *) = c->hook;
  void *hook_user = c->hook_user;
  pthread_mutex_unlock(&c->mu);
  if (hook) hook(hook_user);
}

void ros_context_wakeup(ros_context *c) { wake(c); }

void ros_context_set_wakeup_hook(ros_context *c, void (*hook)(void *), void *user) {
  pthread_mutex_lock(&c->mu);
  c->hook = hook;
  c->hook_user = user;
  pthread_mutex_unlock(&c->mu);
}

void ros_context_request_shutdown(ros_context *c) {
  atomic_store(&c->shutdown, true);
  ssize_t n = write(c->wake_pipe[1], "s", 1); /* async-signal-safe, unlike the hook */
  (void)n;
}

bool ros_context_shutdown_requested(const ros_context *c) {
  return atomic_load(&((ros_context *)c)->shutdown);
}

static void on_signal(int sig) {
  (void)sig;
  if (signal_ctx) ros_context_request_shutdown(signal_ctx);
}

ros_status ros_context_install_signal_handlers(ros_context *c, ros_error *e) {
  signal_ctx = c;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "sigaction: %s", strerror(errno));
  /* A stop signal that arrived while they were blocked (during start-up, or blocked by the
   * parent process) is handled now, in this thread, rather than waiting forever. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
  return ROS_OK;
}

int ros_context_wake_fd(const ros_context *c) { return c->wake_pipe[0]; }

/* ---- waitables ---- */

ros_waitable *ros_waitable_create(ros_context *c, ros_ready_fn fn, void *user) {
  ros_waitable *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->ctx = c;
  w->fn = fn;
  w->user = user;
  atomic_init(&w->queued, false);
  return w;
}

void ros_waitable_trigger(ros_waitable *w) {
  if (atomic_exchange(&w->queued, true)) return; /* already queued: triggers coalesce */
  ros_context *c = w->ctx;
  pthread_mutex_lock(&c->mu);
  w->next = NULL;
  *c->ready_tail = w;
  c->ready_tail = &w->next;
  pthread_mutex_unlock(&c->mu);
  wake(c);
}

static void on_dds_event(dds_entity_t entity, void *arg) {
  (void)entity;
  ros_waitable_trigger(arg);
}
static void on_pub_matched(dds_entity_t entity, const dds_publication_matched_status_t s, void *arg) {
  (void)entity;
  (void)s;
  ros_waitable_trigger(arg);
}
static void on_sub_matched(dds_entity_t entity, const dds_subscription_matched_status_t s, void *arg) {
  (void)entity;
  (void)s;
  ros_waitable_trigger(arg);
}

ros_status ros_waitable_attach_reader(ros_waitable *w, dds_entity_t entity, ros_error *e) {
  int slot = -1;
  for (int i = 0; i < MAX_ATTACHED; i++)
    if (w->attached[i] == 0) {
      slot = i;
      break;
    }
  if (slot < 0) return ros_error_set(e, ROS_ERR_LIMIT, "too many entities on one waitable");
  if (!w->listener) {
    w->listener = dds_create_listener(w);
    if (!w->listener) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
    dds_lset_data_available(w->listener, on_dds_event);
    dds_lset_publication_matched(w->listener, on_pub_matched);
    dds_lset_subscription_matched(w->listener, on_sub_matched);
  }
  dds_return_t rc = dds_set_listener(entity, w->listener);
  if (rc < 0) return ros_error_dds(e, rc, "cannot attach a listener");
  w->attached[slot] = entity;
  ros_waitable_trigger(w); /* data may have arrived before the listener was set */
  return ROS_OK;
}

void ros_waitable_destroy(ros_waitable *w) {
  if (!w) return;
  /* dds_set_listener waits for listener calls in progress, so none runs after this. */
  for (int i = 0; i < MAX_ATTACHED; i++)
    if (w->attached[i]) dds_set_listener(w->attached[i], NULL);
  ros_context *c = w->ctx;
  pthread_mutex_lock(&c->mu);
  for (ros_waitable **p = &c->ready_head; *p; p = &(*p)->next) {
    if (*p == w) {
      *p = w->next;
      if (!*p) c->ready_tail = p;
      break;
    }
  }
  pthread_mutex_unlock(&c->mu);
  if (w->listener) dds_delete_listener(w->listener);
  free(w);
}

void ros_take_loans(dds_entity_t reader, int max, ros_waitable *w, ros_loan_fn fn, void *user) {
  enum { BATCH = 16 };
  int taken = 0;
  for (;;) {
    void *samples[BATCH] = {NULL};
    dds_sample_info_t info[BATCH];
    dds_return_t n = dds_take(reader, samples, info, BATCH, BATCH);
    if (n <= 0) return; /* nothing left, or the reader is gone: nothing to do either way */
    for (int i = 0; i < n; i++)
      if (info[i].valid_data) fn(user, samples[i], &info[i]);
    (void)dds_return_loan(reader, samples, n);
    if (n < BATCH) return;
    taken += n;
    if (max > 0 && taken >= max) {
      ros_waitable_trigger(w); /* more may be waiting: come back after the others had a turn */
      return;
    }
  }
}

/* ---- timers ---- */

ros_timer *ros_timer_create(ros_context *c, int64_t period_ns, ros_ready_fn fn, void *user) {
  if (period_ns <= 0 || !fn) return NULL;
  ros_timer *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->ctx = c;
  t->period_ns = period_ns;
  t->next_ns = clock_mono_ns() + period_ns;
  t->fn = fn;
  t->user = user;
  t->next = c->timers;
  c->timers = t;
  return t;
}

void ros_timer_destroy(ros_timer *t) {
  if (!t) return;
  t->dead = true; /* may be inside its own callback: freed by sweep_timers */
  if (!t->ctx->spinning_timers) {
    for (ros_timer **p = &t->ctx->timers; *p; p = &(*p)->next) {
      if (*p == t) {
        *p = t->next;
        free(t);
        return;
      }
    }
  }
}

static int run_timers(ros_context *c) {
  int ran = 0;
  int64_t now = clock_mono_ns();
  c->spinning_timers = true;
  for (ros_timer *t = c->timers; t; t = t->next) {
    if (t->dead || t->next_ns > now) continue;
    t->next_ns += t->period_ns;
    if (t->next_ns <= now) t->next_ns = now + t->period_ns; /* fell behind: no burst */
    t->fn(t->user);
    ran++;
  }
  c->spinning_timers = false;
  for (ros_timer **p = &c->timers; *p;) {
    ros_timer *t = *p;
    if (t->dead) {
      *p = t->next;
      free(t);
    } else {
      p = &t->next;
    }
  }
  return ran;
}

/* ---- graph ---- */

void ros_context_add_node(ros_context *c, ros_node *n) {
  node_link *l = calloc(1, sizeof *l);
  if (!l) return;
  l->node = n;
  node_link **p = &c->nodes;
  while (*p) p = &(*p)->next;
  *p = l;
  ros_context_graph_changed(c);
}

static void publish_graph(ros_context *c);

void ros_context_remove_node(ros_context *c, ros_node *n) {
  for (node_link **p = &c->nodes; *p; p = &(*p)->next) {
    if ((*p)->node == n) {
      node_link *l = *p;
      *p = l->next;
      free(l);
      break;
    }
  }
  publish_graph(c);
}

size_t ros_context_node_count(const ros_context *c) {
  size_t k = 0;
  for (node_link *l = c->nodes; l; l = l->next) k++;
  return k;
}

void ros_context_graph_changed(ros_context *c) {
  c->graph_dirty = true;
  wake(c);
}

static void fill_gids(dds_sequence_rmw_dds_common_msg_dds__Gid_ *seq, const ros_gid *gids, size_t n) {
  seq->_length = seq->_maximum = (uint32_t)n;
  seq->_buffer = (struct rmw_dds_common_msg_dds__Gid_ *)(uintptr_t)gids; /* same 16-byte layout */
  seq->_release = false;
}

/* Humble: the same snapshot with every GID padded to 24 bytes. */
static void publish_graph_humble(ros_context *c) {
  typedef lms_humble_rmw_dds_common_msg_dds__Gid_ gid24;
  size_t count = ros_context_node_count(c);
  lms_humble_rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ info;
  memset(&info, 0, sizeof info);
  dds_guid_t guid;
  dds_get_guid(c->participant, &guid);
  memcpy(info.gid.data, guid.v, 16);
  lms_humble_rmw_dds_common_msg_dds__NodeEntitiesInfo_ *nodes =
      count ? calloc(count, sizeof *nodes) : NULL;
  gid24 **lists = count ? calloc(2 * count, sizeof *lists) : NULL;
  if (count && (!nodes || !lists)) goto out;
  size_t i = 0;
  for (node_link *l = c->nodes; l; l = l->next, i++) {
    const char *ns, *name;
    const ros_gid *g[2];
    size_t ng[2];
    ros_node_graph_view(l->node, &ns, &name, &g[0], &ng[0], &g[1], &ng[1]);
    snprintf(nodes[i].node_namespace, sizeof nodes[i].node_namespace, "%s", ns);
    snprintf(nodes[i].node_name, sizeof nodes[i].node_name, "%s", name);
    for (int k = 0; k < 2; k++) {
      gid24 *buf = ng[k] ? calloc(ng[k], sizeof *buf) : NULL;
      if (ng[k] && !buf) goto out;
      lists[2 * i + (size_t)k] = buf;
      for (size_t j = 0; j < ng[k]; j++) memcpy(buf[j].data, g[k][j].data, 16);
      dds_sequence_lms_humble_rmw_dds_common_msg_dds__Gid_ *seq =
          k == 0 ? &nodes[i].reader_gid_seq : &nodes[i].writer_gid_seq;
      seq->_length = seq->_maximum = (uint32_t)ng[k];
      seq->_buffer = buf;
    }
  }
  info.node_entities_info_seq._length = info.node_entities_info_seq._maximum = (uint32_t)count;
  info.node_entities_info_seq._buffer = nodes;
  dds_write(c->graph_writer, &info);
out:
  for (size_t k = 0; lists && k < 2 * count; k++) free(lists[k]);
  free(lists);
  free(nodes);
}

static void publish_graph(ros_context *c) {
  c->graph_dirty = false;
  if (c->humble) {
    publish_graph_humble(c);
    return;
  }
  size_t count = ros_context_node_count(c);
  rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ info;
  memset(&info, 0, sizeof info);
  dds_guid_t guid;
  dds_get_guid(c->participant, &guid);
  memcpy(info.gid.data, guid.v, sizeof info.gid.data);
  rmw_dds_common_msg_dds__NodeEntitiesInfo_ *nodes =
      count ? calloc(count, sizeof *nodes) : NULL;
  if (count && !nodes) return;
  size_t i = 0;
  for (node_link *l = c->nodes; l; l = l->next, i++) {
    const char *ns, *name;
    const ros_gid *r, *w;
    size_t nr, nw;
    ros_node_graph_view(l->node, &ns, &name, &r, &nr, &w, &nw);
    snprintf(nodes[i].node_namespace, sizeof nodes[i].node_namespace, "%s", ns);
    snprintf(nodes[i].node_name, sizeof nodes[i].node_name, "%s", name);
    fill_gids(&nodes[i].reader_gid_seq, r, nr);
    fill_gids(&nodes[i].writer_gid_seq, w, nw);
  }
  info.node_entities_info_seq._length = info.node_entities_info_seq._maximum = (uint32_t)count;
  info.node_entities_info_seq._buffer = nodes;
  dds_write(c->graph_writer, &info);
  free(nodes);
}

/* ---- spinning ---- */

static void drain_wake_pipe(ros_context *c) {
  char buf[64];
  atomic_store(&c->wake_pending, false);
  while (read(c->wake_pipe[0], buf, sizeof buf) > 0) {
  }
}

int ros_context_spin_some(ros_context *c) {
  drain_wake_pipe(c);
  if (c->graph_dirty) publish_graph(c);
  int ran = 0;
  /* Only what was ready on entry: a callback that re-triggers itself waits for the next spin. */
  pthread_mutex_lock(&c->mu);
  size_t budget = 0;
  for (ros_waitable *w = c->ready_head; w; w = w->next) budget++;
  pthread_mutex_unlock(&c->mu);
  while (budget--) {
    pthread_mutex_lock(&c->mu);
    ros_waitable *w = c->ready_head;
    if (w) {
      c->ready_head = w->next;
      if (!c->ready_head) c->ready_tail = &c->ready_head;
      atomic_store(&w->queued, false); /* before running: triggers during fn queue it again */
    }
    pthread_mutex_unlock(&c->mu);
    if (!w) break;
    w->fn(w->user);
    ran++;
  }
  ran += run_timers(c);
  if (c->graph_dirty) publish_graph(c);
  return ran;
}

int64_t ros_context_time_to_next(ros_context *c) {
  pthread_mutex_lock(&c->mu);
  bool ready = c->ready_head != NULL;
  pthread_mutex_unlock(&c->mu);
  if (ready || c->graph_dirty) return 0;
  int64_t now = clock_mono_ns(), best = INT64_MAX;
  for (ros_timer *t = c->timers; t; t = t->next) {
    if (t->dead) continue;
    int64_t d = t->next_ns - now;
    if (d < best) best = d < 0 ? 0 : d;
  }
  return best;
}

int ros_context_spin(ros_context *c, int timeout_ms) {
  if (atomic_load(&c->shutdown)) return 0;
  int64_t next = ros_context_time_to_next(c);
  if (next > 0) {
    int64_t wait_ms = next == INT64_MAX ? -1 : (next + 999999) / 1000000;
    if (timeout_ms >= 0 && (wait_ms < 0 || wait_ms > timeout_ms)) wait_ms = timeout_ms;
    struct pollfd p = {.fd = c->wake_pipe[0], .events = POLLIN};
    poll(&p, 1, wait_ms > INT32_MAX ? INT32_MAX : (int)wait_ms);
  }
  return ros_context_spin_some(c);
}
