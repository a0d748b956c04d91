/* ros_client.c: ROS 2 service clients (ros_client.h). Owns a reply reader and a request writer
 * with one clientid, the list of pending calls, a waitable that takes replies on the loop
 * thread, and a timer that exists only while some call has a timeout.
 * Threads: Cyclone's listener threads only trigger the waitable; everything else, including
 * every user callback, runs on the loop thread, so no locks are needed. The sequence counter
 * is the one piece shared by all clients of the process: an atomic.
 * Guarantees: each successful call ends exactly once (reply, timeout or cancel); a callback is
 * never run from inside ros_client_call or ros_client_cancel_call; replies addressed to other
 * clients, or with an unknown seq, are ignored. */
#include "ros_client.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "ros_internal.h"
#include "ros_service_internal.h"

/* Slice of one blocking spin in the sync helpers, so shutdown and deadlines are noticed. */
#define SPIN_SLICE_MS 10

typedef struct pending_call {
  struct pending_call *next;
  int64_t seq;
  int64_t deadline_ns;   /* INT64_MAX: none */
  ros_response_fn fn;
  void *user;
  bool canceled;         /* its callback runs on the next waitable pass */
} pending_call;

struct ros_client {
  ros_node *node;
  ros_context *ctx;
  ros_service_names names;
  dds_entity_t reader;   /* rr<name>Reply */
  dds_entity_t writer;   /* rq<name>Request */
  uint64_t client_id;    /* the writer's instance handle, as rmw puts it in the header */
  ros_waitable *w;
  ros_timer *tick;       /* exists while a call has a deadline */
  bool destroying;
  pending_call *head, *tail;
  int npending;
};

/* §3.2: one counter for every client of the process, starting at 1. */
static atomic_llong next_seq = 1;

static void append(ros_client *c, pending_call *p) {
  p->next = NULL;
  if (c->tail) c->tail->next = p;
  else c->head = p;
  c->tail = p;
  c->npending++;
}

/* Moves the calls for which pick() is true to a private list, in order. The caller then runs
 * their callbacks: the user may call or cancel meanwhile without disturbing the walk. */
static pending_call *unlink_if(ros_client *c, bool (*pick)(const pending_call *, const void *),
                               const void *arg) {
  pending_call *out = NULL, **out_tail = &out, **pp = &c->head, *last = NULL;
  while (*pp) {
    pending_call *p = *pp;
    if (pick(p, arg)) {
      *pp = p->next;
      p->next = NULL;
      *out_tail = p;
      out_tail = &p->next;
      c->npending--;
    } else {
      last = p;
      pp = &p->next;
    }
  }
  c->tail = last;
  return out;
}

static bool pick_seq(const pending_call *p, const void *arg) {
  return !p->canceled && p->seq == *(const int64_t *)arg;
}
static bool pick_canceled(const pending_call *p, const void *arg) {
  (void)arg;
  return p->canceled;
}
static bool pick_expired(const pending_call *p, const void *arg) {
  return !p->canceled && p->deadline_ns <= *(const int64_t *)arg;
}
static bool pick_all(const pending_call *p, const void *arg) {
  (void)p;
  (void)arg;
  return true;
}

static void finish_all(ros_client *c, pending_call *list, ros_status st) {
  while (list) {
    pending_call *p = list;
    list = p->next;
    p->fn(p->user, c, NULL, st);
    free(p);
  }
}

static bool has_deadline(const ros_client *c) {
  for (const pending_call *p = c->head; p; p = p->next)
    if (!p->canceled && p->deadline_ns != INT64_MAX) return true;
  return false;
}

/* Timeout tick; the timer goes (from inside its own callback) once no call has a deadline. */
static void on_tick(void *user) {
  ros_client *c = user;
  int64_t now = clock_mono_ns();
  finish_all(c, unlink_if(c, pick_expired, &now), ROS_ERR_TIMEOUT);
  if (!has_deadline(c)) {
    ros_timer_destroy(c->tick);
    c->tick = NULL;
  }
}

static void on_reply(void *user, const void *sample, const dds_sample_info_t *info) {
  (void)info;
  ros_client *c = user;
  ros_srv_header h;
  memcpy(&h, sample, sizeof h);
  /* Every client reads every reply of the service: keep only ours (§3.1). */
  if (h.guid != c->client_id) return;
  pending_call *p = unlink_if(c, pick_seq, &h.seq);
  if (!p) return; /* late reply to a call that timed out or was cancelled */
  p->fn(p->user, c, sample, ROS_OK);
  free(p);
}

static void on_ready(void *user) {
  ros_client *c = user;
  finish_all(c, unlink_if(c, pick_canceled, NULL), ROS_CLIENT_CANCELED);
  ros_take_loans(c->reader, ROS_SERVICE_TAKE_PER_RUN, c->w, on_reply, c);
}

ros_status ros_client_create(ros_node *n, const char *name, const char *srv_type,
                             const ros_qos *qos, ros_client **out, ros_error *e) {
  if (!n || !name || !srv_type || !out)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  ros_client *c = calloc(1, sizeof *c);
  if (!c) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  ros_status st = ros_service_names_init(n, name, srv_type, &c->names, e);
  if (st != ROS_OK) {
    free(c);
    return st;
  }
  c->node = n;
  c->ctx = ros_node_context(n);
  char id[ROS_SERVICE_ID_BUF];
  ros_node_new_entity_id(n, id, sizeof id);
  ros_qos q = qos ? *qos : ros_qos_services;
  ros_endpoint_spec rr = {c->names.rr_topic, c->names.response, q, "clientid", id};
  ros_endpoint_spec rq = {c->names.rq_topic, c->names.request, q, "clientid", id};
  c->w = ros_waitable_create(c->ctx, on_ready, c);
  if (!c->w) {
    free(c);
    return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: no waitable", __func__);
  }
  /* Reply reader before request writer (§3.5): once a server can see our requests, our
   * reader is already there to be matched. */
  st = ros_node_create_reader(n, &rr, &c->reader, e);
  if (st == ROS_OK) st = ros_node_create_writer(n, &rq, &c->writer, e);
  if (st == ROS_OK) {
    dds_instance_handle_t ih = 0;
    dds_return_t rc = dds_get_instance_handle(c->writer, &ih);
    if (rc < 0) st = ros_error_dds(e, rc, "ros_client_create: dds_get_instance_handle");
    c->client_id = (uint64_t)ih;
  }
  if (st == ROS_OK) st = ros_waitable_attach_reader(c->w, c->reader, e);
  /* Matches of the request writer wake the loop, so waiting for the service is prompt. */
  if (st == ROS_OK) st = ros_waitable_attach_reader(c->w, c->writer, e);
  if (st != ROS_OK) {
    ros_waitable_destroy(c->w);
    if (c->writer > 0) ros_node_delete_endpoint(n, c->writer);
    if (c->reader > 0) ros_node_delete_endpoint(n, c->reader);
    free(c);
    return st;
  }
  ros_node_entity_added(n);
  *out = c;
  return ROS_OK;
}

void ros_client_destroy(ros_client *c) {
  if (!c) return;
  c->destroying = true; /* ros_client_call refuses from here on */
  finish_all(c, unlink_if(c, pick_all, NULL), ROS_CLIENT_CANCELED);
  ros_waitable_destroy(c->w);
  ros_timer_destroy(c->tick);
  ros_node_delete_endpoint(c->node, c->writer);
  ros_node_delete_endpoint(c->node, c->reader);
  ros_node_entity_removed(c->node);
  free(c);
}

bool ros_client_is_available(ros_client *c) {
  if (!c) return false;
  dds_instance_handle_t *rd = NULL, *wr = NULL;
  int nrd = ros_service_matched_handles(c->writer, false, &rd); /* request readers */
  int nwr = ros_service_matched_handles(c->reader, true, &wr);  /* reply writers */
  bool ok = false;
  char (*ids)[ROS_SERVICE_ID_BUF] =
      nrd > 0 && nwr > 0 ? malloc((size_t)nrd * sizeof *ids) : NULL;
  if (ids) {
    int nids = 0;
    for (int i = 0; i < nrd; i++)
      if (ros_service_matched_id(c->writer, rd[i], false, "serviceid", ids[nids], sizeof ids[nids],
                                 NULL))
        nids++;
    ok = (nids == 0); /* legacy servers put no serviceid anywhere */
    for (int j = 0; j < nwr && !ok; j++) {
      char sid[ROS_SERVICE_ID_BUF];
      if (!ros_service_matched_id(c->reader, wr[j], true, "serviceid", sid, sizeof sid, NULL))
        continue;
      for (int i = 0; i < nids && !ok; i++) ok = (strcmp(ids[i], sid) == 0);
    }
  }
  free(ids);
  free(rd);
  free(wr);
  return ok;
}

ros_status ros_client_call(ros_client *c, void *request, ros_response_fn fn, void *user,
                           int64_t timeout_ns, int64_t *seq_out, ros_error *e) {
  if (!c || !request || !fn)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  if (c->destroying)
    return ros_error_set(e, ROS_ERR_STATE, "%s: the client is being destroyed", __func__);
  pending_call *p = calloc(1, sizeof *p);
  if (!p) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  if (timeout_ns > 0 && !c->tick) {
    c->tick = ros_timer_create(c->ctx, ROS_CLIENT_TICK_NS, on_tick, c);
    if (!c->tick) {
      free(p);
      return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: no timer", __func__);
    }
  }
  int64_t seq = (int64_t)atomic_fetch_add(&next_seq, 1);
  ros_srv_header h = {c->client_id, seq};
  memcpy(request, &h, sizeof h);
  dds_return_t rc = dds_write(c->writer, request);
  if (rc < 0) {
    free(p); /* an idle timer, if just made, is reaped by its first tick */
    return ros_error_dds(e, rc, "ros_client_call: dds_write");
  }
  int64_t now = clock_mono_ns();
  p->seq = seq;
  p->deadline_ns = timeout_ns <= 0 ? INT64_MAX
                   : timeout_ns > INT64_MAX - now ? INT64_MAX - 1 : now + timeout_ns;
  p->fn = fn;
  p->user = user;
  append(c, p);
  if (seq_out) *seq_out = seq;
  return ROS_OK;
}

ros_status ros_client_cancel_call(ros_client *c, int64_t seq) {
  if (!c) return ROS_ERR_INVALID_ARGUMENT;
  for (pending_call *p = c->head; p; p = p->next) {
    if (p->seq == seq && !p->canceled) {
      p->canceled = true;
      ros_waitable_trigger(c->w); /* the callback runs on the next pass, not in here */
      return ROS_OK;
    }
  }
  return ROS_ERR_NOT_FOUND;
}

int ros_client_pending_calls(const ros_client *c) { return c ? c->npending : 0; }

ros_status ros_client_wait_for_service(ros_client *c, int64_t timeout_ns) {
  if (!c) return ROS_ERR_INVALID_ARGUMENT;
  int64_t deadline = clock_mono_ns() + (timeout_ns > 0 ? timeout_ns : 0);
  for (;;) {
    if (ros_client_is_available(c)) return ROS_OK;
    if (ros_context_shutdown_requested(c->ctx)) return ROS_CLIENT_CANCELED;
    int64_t left = deadline - clock_mono_ns();
    if (left <= 0) return ROS_ERR_TIMEOUT;
    int64_t ms = left / 1000000 + 1;
    (void)ros_context_spin(c->ctx, ms < SPIN_SLICE_MS ? (int)ms : SPIN_SLICE_MS);
  }
}

typedef struct sync_call {
  bool done;
  ros_status status;
  void *out;
  const dds_topic_descriptor_t *desc;
} sync_call;

static void on_sync_reply(void *user, ros_client *c, const void *response, ros_status st) {
  (void)c;
  sync_call *sc = user;
  sc->done = true;
  sc->status = st;
  if (st == ROS_OK && sc->out && !ros_sample_copy(sc->desc, sc->out, response))
    sc->status = ROS_ERR_NO_MEMORY;
}

static bool pick_seq_any(const pending_call *p, const void *arg) {
  return p->seq == *(const int64_t *)arg;
}

ros_status ros_client_call_sync(ros_client *c, void *request, void *response_out,
                                int64_t timeout_ns, ros_error *e) {
  if (!c) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  sync_call sc = {false, ROS_OK, response_out, c->names.response->desc};
  int64_t seq = 0;
  ros_status st = ros_client_call(c, request, on_sync_reply, &sc, timeout_ns, &seq, e);
  if (st != ROS_OK) return st;
  while (!sc.done) {
    if (ros_context_shutdown_requested(c->ctx)) {
      /* sc lives on this stack: the call must not outlive it, so drop it unannounced. */
      free(unlink_if(c, pick_seq_any, &seq));
      return ros_error_set(e, ROS_CLIENT_CANCELED, "%s: %s: shutdown requested", __func__,
                           c->names.name);
    }
    (void)ros_context_spin(c->ctx, SPIN_SLICE_MS);
  }
  if (sc.status != ROS_OK)
    return ros_error_set(e, sc.status, "%s: %s: %s", __func__, c->names.name,
                         ros_strerror(sc.status));
  return ROS_OK;
}

const char *ros_client_name(const ros_client *c) { return c ? c->names.name : NULL; }
const ros_type_info *ros_client_response_type(const ros_client *c) {
  return c ? c->names.response : NULL;
}
uint64_t ros_client_id(const ros_client *c) { return c ? c->client_id : 0; }
dds_entity_t ros_client_request_writer(const ros_client *c) { return c ? c->writer : 0; }
dds_entity_t ros_client_reply_reader(const ros_client *c) { return c ? c->reader : 0; }
