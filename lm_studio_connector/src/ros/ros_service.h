/* ros_service.h: ROS 2 service servers on a node, as rmw_cyclonedds makes them
 * (ROS2_WIRE.md §3): a reader on "rq<name>Request" and a writer on "rr<name>Reply" sharing one
 * serviceid, the 16-byte request header echoed into every reply, and each reply held back
 * until the requesting client's reply reader has matched (§3.5), without blocking the loop.
 *
 * Requests and responses are the idlc structs of ros_types_gen.h; both start with
 * `uint64_t hdr_guid; int64_t hdr_seq;`, which this module fills.
 * Threads: everything here is loop-thread only (ros_context.h); the callback runs there.
 * A failed call changes nothing and never runs a callback.
 * Teardown: destroy services before their node (the node counts them). */
#ifndef LMS_ROS_SERVICE_H
#define LMS_ROS_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <dds/dds.h>

#include "ros_error.h"
#include "ros_node.h"
#include "ros_qos.h"

typedef struct ros_service ros_service;

/* Who asked: enough to answer later. A plain value: copy it freely, keep it as long as needed
 * (a reply after the client left is dropped, see ros_service_reply). */
typedef struct ros_request_id {
  uint64_t client_id;                        /* request header: the client's writer handle */
  int64_t seq;                               /* request header: the client's sequence number */
  dds_instance_handle_t publication_handle;  /* the request's writer, as this process sees it */
} ros_request_id;

/* request is the decoded request (header included), valid only during the call. Answer now
 * or later with ros_service_reply(s, id, ...); id may be copied. Must not destroy s. */
typedef void (*ros_service_fn)(void *user, ros_service *s, const void *request,
                               const ros_request_id *id);

/* What happened to the replies and requests so far (for tests, diagnostics). */
typedef struct ros_service_stats {
  uint64_t requests;          /* valid requests handed to the callback */
  uint64_t replies_sent;      /* replies written */
  uint64_t replies_deferred;  /* replies queued to wait for the client's reply reader */
  uint64_t replies_gone;      /* dropped: the requesting client's writer disappeared */
  uint64_t replies_timed_out; /* dropped: the client's reply reader never matched in time */
  uint64_t replies_failed;    /* dropped: Cyclone refused the write, or queue full / no memory */
} ros_service_stats;

/* How long a reply may wait for the client's reply reader, and how often it is retried. */
#define ROS_SERVICE_REPLY_WAIT_NS   1000000000LL /* 1 s (rmw: 100 ms) */
#define ROS_SERVICE_REPLY_RETRY_NS  5000000LL    /* 5 ms, besides every match event */

/* Creates a server for name (resolved for n as a service: relative, ~, -r rules) of srv_type
 * ("lm_studio_interfaces/srv/ListModels"). qos NULL = ros_qos_services; used on both endpoints
 * as rmw does, so the request reader keeps at most `depth` requests between two loop passes
 * (more are lost, as with rmw): give bursty clients a deeper profile.
 * fn (required) receives each request; user is passed through.
 * Returns ROS_OK (*out owned by the caller: ros_service_destroy), ROS_ERR_INVALID_ARGUMENT,
 * ROS_ERR_BAD_NAME, ROS_ERR_UNKNOWN_TYPE, ROS_ERR_NO_MEMORY or ROS_ERR_DDS. */
ros_status ros_service_create(ros_node *n, const char *name, const char *srv_type,
                              const ros_qos *qos, ros_service_fn fn, void *user,
                              ros_service **out, ros_error *e);

/* Deletes the endpoints (peers see the service go) and drops replies still waiting.
 * Accepts NULL. Not from inside this service's callback. */
void ros_service_destroy(ros_service *s);

/* Answers the request id with response (the full <srv>_Response struct): sets its header
 * from id, then writes it once the client's reply reader has matched. The caller keeps
 * response; when the reply must wait, a copy is queued (at most LMS_MAX_PENDING_REPLIES per
 * service) and retried for up to ROS_SERVICE_REPLY_WAIT_NS; replies to one client keep
 * their order. Dropped replies are counted (ros_service_get_stats) and logged. Returns:
 *   ROS_OK                    written, or queued (a later timeout only shows in the stats)
 *   ROS_ERR_NOT_FOUND         the client's request writer is gone: nothing sent
 *   ROS_ERR_LIMIT             the queue of waiting replies is full: nothing sent
 *   ROS_ERR_DDS, ROS_ERR_NO_MEMORY, ROS_ERR_INVALID_ARGUMENT */
ros_status ros_service_reply(ros_service *s, const ros_request_id *id, void *response,
                             ros_error *e);

/* True while the reply to id waits in the queue (ros_service_reply queued it, see above). */
bool ros_service_reply_waiting(const ros_service *s, const ros_request_id *id);

/* Told how each queued reply left the queue: sent true once written, false when dropped
 * (client gone, timed out, write failed). Not called for replies written at once by
 * ros_service_reply, nor for those ros_service_destroy drops, nor when out of memory.
 * Runs on the loop thread once the queue is consistent: it may reply again, not destroy s. */
typedef void (*ros_service_sent_fn)(void *user, const ros_request_id *id, bool sent);
/* One hook per service; fn NULL removes it. */
void ros_service_set_sent_hook(ros_service *s, ros_service_sent_fn fn, void *user);

/* Accessors; each gives NULL/0 for a NULL s. */
const char *ros_service_name(const ros_service *s);         /* resolved, "/list_models" */
dds_entity_t ros_service_request_reader(const ros_service *s); /* for tests and graph tools */
dds_entity_t ros_service_reply_writer(const ros_service *s);
/* Replies currently waiting for their client's reply reader. */
int ros_service_pending_replies(const ros_service *s);
/* Copies the counters into *out (zeros for a NULL s; out NULL: nothing). */
void ros_service_get_stats(const ros_service *s, ros_service_stats *out);

#endif
