/* ros_service.c: ROS 2 service servers (ros_service.h). Owns a request reader and a reply
 * writer with one serviceid, a waitable that takes requests on the loop thread, and the queue
 * of replies waiting for their client's reply reader (ROS2_WIRE.md §3.5).
 * Threads: Cyclone's listener threads only trigger the waitable; taking requests, calling the
 * user, writing and retrying replies all happen on the loop thread, so no locks are needed.
 * Guarantees: every reply echoes the request header; a reply is written only once the client's
 * reply reader (same clientid) matched, or at once for legacy clients without a clientid; it
 * is dropped (and counted) when the client's request writer is gone or after
 * ROS_SERVICE_REPLY_WAIT_NS; replies to one client leave in the order they were given; the sent
 * hook hears how each queued reply left, after the queue pass. */
#include "ros_service.h"

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/limits.h"
#include "ros_internal.h"
#include "ros_log.h"
#include "ros_service_internal.h"

typedef struct pending_reply {
  struct pending_reply *next;
  ros_request_id id; /* its publication_handle: ordering key and liveness check */
  int64_t deadline_ns;
  void *response;               /* our own deep copy */
} pending_reply;

/* Request writers whose client's reply reader is known to have matched. Valid while no match
 * on either endpoint changed, so the common case costs two status reads instead of a
 * discovery-data lookup per matched reader on every reply. */
#define READY_CACHE_SIZE 16
typedef struct ready_cache {
  dds_instance_handle_t writers[READY_CACHE_SIZE];
  int n, next;
  uint32_t reader_total, writer_total, reader_current, writer_current;
} ready_cache;

struct ros_service {
  ros_node *node;
  ros_context *ctx;
  ros_service_names names;
  ros_service_fn fn;
  void *user;
  dds_entity_t reader;          /* rq<name>Request */
  dds_entity_t writer;          /* rr<name>Reply */
  ros_waitable *w;
  ros_timer *retry;             /* exists while replies wait */
  pending_reply *head, *tail;
  int npending;
  ros_service_sent_fn on_sent;
  void *on_sent_user;
  ros_service_stats stats;
  ready_cache ready;
};

typedef enum client_state { CLIENT_GONE, CLIENT_READY, CLIENT_WAIT } client_state;

/* True when the cache still describes the current matches (resetting it otherwise). */
static bool ready_cache_fresh(ros_service *s) {
  dds_subscription_matched_status_t rm;
  dds_publication_matched_status_t wm;
  if (dds_get_subscription_matched_status(s->reader, &rm) < 0 ||
      dds_get_publication_matched_status(s->writer, &wm) < 0)
    return false;
  ready_cache *c = &s->ready;
  if (rm.total_count == c->reader_total && rm.current_count == c->reader_current &&
      wm.total_count == c->writer_total && wm.current_count == c->writer_current)
    return true;
  c->n = c->next = 0;
  c->reader_total = rm.total_count;
  c->reader_current = rm.current_count;
  c->writer_total = wm.total_count;
  c->writer_current = wm.current_count;
  return false;
}

static bool ready_cache_has(const ready_cache *c, dds_instance_handle_t wr) {
  for (int i = 0; i < c->n; i++)
    if (c->writers[i] == wr) return true;
  return false;
}

static void ready_cache_add(ready_cache *c, dds_instance_handle_t wr) {
  c->writers[c->next] = wr;
  c->next = (c->next + 1) % READY_CACHE_SIZE;
  if (c->n < READY_CACHE_SIZE) c->n++;
}

static client_state client_state_uncached(ros_service *s, dds_instance_handle_t wr);

/* §3.5: may a reply to the request writer wr be written now? */
static client_state client_state_of(ros_service *s, dds_instance_handle_t wr) {
  if (ready_cache_fresh(s) && ready_cache_has(&s->ready, wr)) return CLIENT_READY;
  client_state st = client_state_uncached(s, wr);
  if (st == CLIENT_READY) ready_cache_add(&s->ready, wr);
  return st;
}

static client_state client_state_uncached(ros_service *s, dds_instance_handle_t wr) {
  char cid[ROS_SERVICE_ID_BUF];
  bool gone = false;
  if (!ros_service_matched_id(s->reader, wr, true, "clientid", cid, sizeof cid, &gone))
    return gone ? CLIENT_GONE : CLIENT_READY; /* no clientid: a legacy client, reply now */
  dds_instance_handle_t *h = NULL;
  int n = ros_service_matched_handles(s->writer, false, &h);
  client_state st = CLIENT_WAIT;
  for (int i = 0; i < n && st == CLIENT_WAIT; i++) {
    char rid[ROS_SERVICE_ID_BUF];
    if (ros_service_matched_id(s->writer, h[i], false, "clientid", rid, sizeof rid, NULL) &&
        strcmp(rid, cid) == 0)
      st = CLIENT_READY;
  }
  free(h);
  return st;
}

/* Dropped replies are logged at the 1st, 2nd, 4th, 8th... occurrence: a misbehaving peer
 * cannot flood the log, yet the first one and the growing count are always seen. */
static bool log_now(uint64_t count) { return (count & (count - 1)) == 0; }

static void count_failure(ros_service *s, const char *why) {
  s->stats.replies_failed++;
  if (log_now(s->stats.replies_failed))
    ROS_WARN(s->node, "service %s: reply dropped: %s (%llu so far)", s->names.name, why,
             (unsigned long long)s->stats.replies_failed);
}

static ros_status write_reply(ros_service *s, const void *response, ros_error *e) {
  dds_return_t rc = dds_write(s->writer, response);
  if (rc < 0) {
    count_failure(s, dds_strretcode(rc));
    return ros_error_dds(e, rc, "ros_service_reply: dds_write");
  }
  s->stats.replies_sent++;
  return ROS_OK;
}

static void free_pending(ros_service *s, pending_reply *p) {
  dds_sample_free(p->response, s->names.response->desc, DDS_FREE_ALL);
  free(p);
}

/* Writes, drops or keeps each waiting reply. One verdict per client per pass, so a reply
 * never overtakes an earlier one to the same client. The sent hook runs once the list is
 * consistent again, so it may queue new replies. */
static void flush(ros_service *s) {
  typedef struct verdict { dds_instance_handle_t wr; client_state st; } verdict;
  typedef struct outcome { ros_request_id id; bool sent; } outcome;
  verdict *seen = malloc((size_t)s->npending * sizeof *seen);
  outcome *left = s->on_sent ? malloc((size_t)s->npending * sizeof *left) : NULL;
  int nseen = 0, nleft = 0;
  int64_t now = clock_mono_ns();
  pending_reply **pp = &s->head, *last = NULL;
  while (*pp) {
    pending_reply *p = *pp;
    client_state st = CLIENT_WAIT;
    int k = 0;
    dds_instance_handle_t wr = p->id.publication_handle;
    while (k < nseen && seen[k].wr != wr) k++;
    if (k < nseen) {
      st = seen[k].st;
    } else {
      st = client_state_of(s, wr);
      if (seen) seen[nseen++] = (verdict){wr, st};
    }
    bool drop = true, sent = false;
    if (st == CLIENT_READY) {
      sent = write_reply(s, p->response, NULL) == ROS_OK; /* a failure is counted there */
    } else if (st == CLIENT_GONE) {
      s->stats.replies_gone++; /* the client left: nobody to tell */
    } else if (now >= p->deadline_ns) {
      if (log_now(++s->stats.replies_timed_out))
        ROS_WARN(s->node, "service %s: reply dropped: the client's reply reader did not match "
                 "within %lld ms (%llu so far)", s->names.name,
                 (long long)(ROS_SERVICE_REPLY_WAIT_NS / 1000000),
                 (unsigned long long)s->stats.replies_timed_out);
    } else {
      drop = false;
    }
    if (drop) {
      if (left) left[nleft++] = (outcome){p->id, sent};
      *pp = p->next;
      free_pending(s, p);
      s->npending--;
    } else {
      last = p;
      pp = &p->next;
    }
  }
  s->tail = last;
  free(seen);
  for (int i = 0; i < nleft; i++) s->on_sent(s->on_sent_user, &left[i].id, left[i].sent);
  free(left);
}

/* Retry timer: runs while replies wait, and goes (from inside its own callback) once none do. */
static void on_retry(void *user) {
  ros_service *s = user;
  if (s->head) flush(s);
  if (!s->head) {
    ros_timer_destroy(s->retry);
    s->retry = NULL;
  }
}

static void on_request(void *user, const void *sample, const dds_sample_info_t *info) {
  ros_service *s = user;
  ros_srv_header h;
  memcpy(&h, sample, sizeof h);
  ros_request_id id = {h.guid, h.seq, info->publication_handle};
  s->stats.requests++;
  s->fn(s->user, s, sample, &id);
}

/* Waitable: new requests, or a reply writer match (a waiting reply may go now). */
static void on_ready(void *user) {
  ros_service *s = user;
  if (s->head) flush(s);
  ros_take_loans(s->reader, ROS_SERVICE_TAKE_PER_RUN, s->w, on_request, s);
}

ros_status ros_service_create(ros_node *n, const char *name, const char *srv_type,
                              const ros_qos *qos, ros_service_fn fn, void *user,
                              ros_service **out, ros_error *e) {
  if (!n || !name || !srv_type || !fn || !out)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  ros_service *s = calloc(1, sizeof *s);
  if (!s) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  ros_status st = ros_service_names_init(n, name, srv_type, &s->names, e);
  if (st != ROS_OK) {
    free(s);
    return st;
  }
  s->node = n;
  s->ctx = ros_node_context(n);
  s->fn = fn;
  s->user = user;
  char id[ROS_SERVICE_ID_BUF];
  ros_node_new_entity_id(n, id, sizeof id);
  ros_qos q = qos ? *qos : ros_qos_services;
  /* One identity on both endpoints: that is how clients pair them (§3.4). */
  ros_endpoint_spec rr = {s->names.rr_topic, s->names.response, q, "serviceid", id};
  ros_endpoint_spec rq = {s->names.rq_topic, s->names.request, q, "serviceid", id};
  s->w = ros_waitable_create(s->ctx, on_ready, s);
  if (!s->w) {
    free(s);
    return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: no waitable", __func__);
  }
  /* The reply writer first: by the time a request can arrive, its answer can leave. */
  st = ros_node_create_writer(n, &rr, &s->writer, e);
  if (st == ROS_OK) st = ros_node_create_reader(n, &rq, &s->reader, e);
  if (st == ROS_OK) st = ros_waitable_attach_reader(s->w, s->reader, e);
  if (st == ROS_OK) st = ros_waitable_attach_reader(s->w, s->writer, e);
  if (st != ROS_OK) {
    ros_waitable_destroy(s->w);
    if (s->reader > 0) ros_node_delete_endpoint(n, s->reader);
    if (s->writer > 0) ros_node_delete_endpoint(n, s->writer);
    free(s);
    return st;
  }
  ros_node_entity_added(n);
  *out = s;
  return ROS_OK;
}

void ros_service_destroy(ros_service *s) {
  if (!s) return;
  /* The waitable first: after it no callback of ours can run, then the endpoints go. */
  ros_waitable_destroy(s->w);
  ros_timer_destroy(s->retry);
  ros_node_delete_endpoint(s->node, s->reader);
  ros_node_delete_endpoint(s->node, s->writer);
  while (s->head) {
    pending_reply *p = s->head;
    s->head = p->next;
    free_pending(s, p);
  }
  ros_node_entity_removed(s->node);
  free(s);
}

static bool has_pending_for(const ros_service *s, dds_instance_handle_t wr) {
  for (const pending_reply *p = s->head; p; p = p->next)
    if (p->id.publication_handle == wr) return true;
  return false;
}

bool ros_service_reply_waiting(const ros_service *s, const ros_request_id *id) {
  for (const pending_reply *p = s && id ? s->head : NULL; p; p = p->next)
    if (p->id.publication_handle == id->publication_handle && p->id.client_id == id->client_id &&
        p->id.seq == id->seq)
      return true;
  return false;
}

void ros_service_set_sent_hook(ros_service *s, ros_service_sent_fn fn, void *user) {
  if (!s) return;
  s->on_sent = fn;
  s->on_sent_user = user;
}

ros_status ros_service_reply(ros_service *s, const ros_request_id *id, void *response,
                             ros_error *e) {
  if (!s || !id || !response)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  ros_srv_header h = {id->client_id, id->seq};
  memcpy(response, &h, sizeof h);
  /* With an earlier reply to this client still waiting, this one queues behind it. */
  if (!has_pending_for(s, id->publication_handle)) {
    switch (client_state_of(s, id->publication_handle)) {
    case CLIENT_GONE:
      s->stats.replies_gone++;
      return ros_error_set(e, ROS_ERR_NOT_FOUND, "%s: %s: the requesting client is gone",
                           __func__, s->names.name);
    case CLIENT_READY:
      return write_reply(s, response, e);
    case CLIENT_WAIT:
      break;
    }
  }
  if (s->npending >= (int)LMS_MAX_PENDING_REPLIES) {
    count_failure(s, "too many replies wait for their clients");
    return ros_error_set(e, ROS_ERR_LIMIT, "%s: %s: %d replies already wait for their clients",
                         __func__, s->names.name, s->npending);
  }
  pending_reply *p = calloc(1, sizeof *p);
  if (p) p->response = ros_sample_dup(s->names.response->desc, response);
  if (p && p->response && !s->retry)
    s->retry = ros_timer_create(s->ctx, ROS_SERVICE_REPLY_RETRY_NS, on_retry, s);
  if (!p || !p->response || !s->retry) {
    if (p && p->response) dds_sample_free(p->response, s->names.response->desc, DDS_FREE_ALL);
    free(p);
    count_failure(s, "out of memory");
    return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: cannot queue the reply", __func__);
  }
  p->id = *id;
  p->deadline_ns = clock_mono_ns() + ROS_SERVICE_REPLY_WAIT_NS;
  if (s->tail) s->tail->next = p;
  else s->head = p;
  s->tail = p;
  s->npending++;
  s->stats.replies_deferred++;
  return ROS_OK;
}

const char *ros_service_name(const ros_service *s) { return s ? s->names.name : NULL; }
dds_entity_t ros_service_request_reader(const ros_service *s) { return s ? s->reader : 0; }
dds_entity_t ros_service_reply_writer(const ros_service *s) { return s ? s->writer : 0; }
int ros_service_pending_replies(const ros_service *s) { return s ? s->npending : 0; }

void ros_service_get_stats(const ros_service *s, ros_service_stats *out) {
  if (!out) return;
  if (s) *out = s->stats;
  else memset(out, 0, sizeof *out);
}
