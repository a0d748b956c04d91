/* ros_context.h: one process's presence on a ROS 2 domain: the Cyclone domain configured as
 * rmw_cyclonedds configures it (ROS_DOMAIN_ID, discovery range, CYCLONEDDS_URI appended), the
 * one DDS participant (USER_DATA enclave=/;, and DDS security when ROS_SECURITY_ENABLE=true:
 * ros_security.h), the graph topic ros_discovery_info with a full
 * snapshot of this process's nodes, and the executor: the loop that runs every callback.
 *
 * Threads. Cyclone delivers data on its own threads; the context's listeners only mark the
 * endpoint ready and wake the loop. Every callback of the wire layer (subscriptions, services,
 * actions, parameters, timers) runs on the thread that calls ros_context_spin_some or
 * ros_context_spin: the loop thread. Creating and destroying entities is loop-thread only too.
 * ros_context_wakeup and ros_context_request_shutdown may be called from any thread, the
 * latter also from a signal handler.
 *
 * Teardown: destroy the nodes first; ros_context_destroy returns ROS_ERR_BUSY while a node is
 * attached. Destroying the participant disposes every entity, so peers see the process leave
 * at once. */
#ifndef LMS_ROS_CONTEXT_H
#define LMS_ROS_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include <dds/dds.h>

#include "ros_error.h"

typedef struct ros_context ros_context;
typedef struct ros_node ros_node;

typedef struct ros_context_options {
  int domain_id;           /* < 0: from ROS_DOMAIN_ID (default 0) */
  bool humble;             /* Humble wire conventions: 24-byte GIDs, no type hashes */
  const char *enclave;     /* NULL = "/" (also from --enclave) */
} ros_context_options;

/* Creates the domain and participant. opts may be NULL (defaults). The distro comes from
 * opts->humble or the environment variable LMS_ROS_DISTRO=humble. */
ros_status ros_context_create(const ros_context_options *opts, ros_context **out, ros_error *e);
/* Returns ROS_ERR_BUSY (and does nothing) while nodes exist. Accepts NULL. */
ros_status ros_context_destroy(ros_context *ctx);

dds_entity_t ros_context_participant(const ros_context *ctx);
uint32_t ros_context_domain_id(const ros_context *ctx);
bool ros_context_is_humble(const ros_context *ctx);
/* True when the participant runs DDS security (SROS2, see ros_security.h): ROS_SECURITY_ENABLE
 * =true found the enclave's files. With ROS_SECURITY_STRATEGY=Enforce, ros_context_create fails
 * (ROS_ERR_SECURITY) instead of running unsecured; Permissive logs a warning and runs without. */
bool ros_context_is_secure(const ros_context *ctx);

/* --- executor --- */

/* Something to run on the loop thread when it becomes ready. */
typedef struct ros_waitable ros_waitable;
typedef void (*ros_ready_fn)(void *user);

/* Registers fn to run on the loop thread each time ros_waitable_trigger is called (triggers
 * coalesce). Loop thread. */
ros_waitable *ros_waitable_create(ros_context *ctx, ros_ready_fn fn, void *user);
/* Unregisters; fn will not run again once this returns. Loop thread, also from inside w's own
 * callback. Accepts NULL. */
void ros_waitable_destroy(ros_waitable *w);
/* Marks w ready and wakes the loop. Any thread (not signal-safe). */
void ros_waitable_trigger(ros_waitable *w);
/* Hooks a Cyclone reader or writer: a DATA_AVAILABLE (reader) or PUBLICATION_MATCHED /
 * SUBSCRIPTION_MATCHED status change triggers w. Returns ROS_OK or ROS_ERR_DDS. */
ros_status ros_waitable_attach_reader(ros_waitable *w, dds_entity_t reader, ros_error *e);

typedef struct ros_timer ros_timer;
/* Calls fn every period_ns on the loop thread (first call one period from now). */
ros_timer *ros_timer_create(ros_context *ctx, int64_t period_ns, ros_ready_fn fn, void *user);
void ros_timer_destroy(ros_timer *t); /* accepts NULL; loop thread, also inside its own callback */

/* Another wakeup hook, called (from any thread) whenever the loop should run: lets a caller that
 * blocks elsewhere (e.g. in curl_multi_poll) come back and call ros_context_spin_some. */
void ros_context_set_wakeup_hook(ros_context *ctx, void (*hook)(void *user), void *user);
/* Runs every ready callback and due timer once, without blocking. Returns how many ran. */
int ros_context_spin_some(ros_context *ctx);
/* Nanoseconds until the next timer is due (0 if work is ready now), or INT64_MAX. */
int64_t ros_context_time_to_next(ros_context *ctx);
/* Blocks up to timeout_ms (< 0: forever) for work, then runs it (spin_some). Returns the
 * number of callbacks run; 0 on timeout, wakeup or shutdown. */
int ros_context_spin(ros_context *ctx, int timeout_ms);
/* A file descriptor that becomes readable whenever the loop should run: a caller that blocks in
 * its own poll() can include it. The next spin_some drains it. */
int ros_context_wake_fd(const ros_context *ctx);
/* Makes a blocked ros_context_spin return. Any thread. */
void ros_context_wakeup(ros_context *ctx);

/* Shutdown request (SIGINT/SIGTERM): sets a flag and wakes the loop. Async-signal-safe. */
void ros_context_request_shutdown(ros_context *ctx);
bool ros_context_shutdown_requested(const ros_context *ctx);
/* Installs SIGINT and SIGTERM handlers that call ros_context_request_shutdown(ctx), then
 * unblocks both in the calling thread, so one already pending is handled at once. */
ros_status ros_context_install_signal_handlers(ros_context *ctx, ros_error *e);

#endif
