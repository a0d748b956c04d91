/* ros_client.h: ROS 2 service clients on a node, as rmw_cyclonedds makes them
 * (ROS2_WIRE.md §3): a reply reader on "rr<name>Reply" created before a request writer on
 * "rq<name>Request", both with one clientid; requests carry the writer's instance handle and a
 * per-process sequence number, replies are filtered by the first and matched by the second.
 *
 * Calls are asynchronous: the callback runs exactly once per successful ros_client_call, on
 * the loop thread, with the response, or NULL on timeout/cancel. A failed call changes nothing
 * and never runs its callback. Everything here is loop-thread only (ros_context.h).
 * Teardown: destroy clients before their node (the node counts them). */
#ifndef LMS_ROS_CLIENT_H
#define LMS_ROS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include <dds/dds.h>

#include "ros_error.h"
#include "ros_node.h"
#include "ros_qos.h"

typedef struct ros_client ros_client;

/* Status of a call the caller cancelled (or whose client was destroyed). */
#define ROS_CLIENT_CANCELED ROS_ERR_CANCELED

/* response: the decoded <srv>_Response (header included), valid only during the call; NULL
 * when status is ROS_ERR_TIMEOUT or ROS_CLIENT_CANCELED. The callback may call, cancel or
 * check availability, but must not destroy c. */
typedef void (*ros_response_fn)(void *user, ros_client *c, const void *response,
                                ros_status status);

/* Creates a client for service name (resolved for n as a service) of srv_type
 * ("lm_studio_interfaces/srv/SetModel"). qos NULL = ros_qos_services, used on both endpoints.
 * Returns ROS_OK (*out owned by the caller: ros_client_destroy), ROS_ERR_INVALID_ARGUMENT,
 * ROS_ERR_BAD_NAME, ROS_ERR_UNKNOWN_TYPE, ROS_ERR_NO_MEMORY or ROS_ERR_DDS. */
ros_status ros_client_create(ros_node *n, const char *name, const char *srv_type,
                             const ros_qos *qos, ros_client **out, ros_error *e);

/* Runs the callback of every pending call with (NULL, ROS_CLIENT_CANCELED), then deletes the
 * endpoints. Those callbacks must not use c. Accepts NULL. Not from inside c's callbacks. */
void ros_client_destroy(ros_client *c);

/* True when a server is there to answer, exactly as rmw decides it (§3.4): among the request
 * readers this client's writer matched, collect their serviceids; with none, any matched
 * request reader plus any matched reply writer will do (legacy servers); otherwise some reply
 * writer matched by this client's reader must carry one of those serviceids. NULL gives false. */
bool ros_client_is_available(ros_client *c);

/* Sends request (the full <srv>_Request struct; its header is filled here: client_id = this
 * client's request writer handle, seq = next value of the per-process counter starting at 1)
 * and returns at once; fn(user, ...) runs later on the loop thread. timeout_ns > 0 ends the
 * call with ROS_ERR_TIMEOUT after that long (checked every ROS_CLIENT_TICK_NS); <= 0 waits
 * forever. seq_out (may be NULL) receives the sequence number, for ros_client_cancel_call.
 * A request written before the server matched is lost: check ros_client_is_available first.
 * Returns ROS_OK, ROS_ERR_INVALID_ARGUMENT, ROS_ERR_NO_MEMORY or ROS_ERR_DDS. */
ros_status ros_client_call(ros_client *c, void *request, ros_response_fn fn, void *user,
                           int64_t timeout_ns, int64_t *seq_out, ros_error *e);

/* Cancels the pending call seq: its callback runs on the next loop pass with
 * (NULL, ROS_CLIENT_CANCELED), and a late reply is ignored. Returns ROS_OK, or
 * ROS_ERR_NOT_FOUND when seq is not pending (answered, timed out or already cancelled). */
ros_status ros_client_cancel_call(ros_client *c, int64_t seq);

/* Calls still waiting for their reply or their cancel callback (0 for NULL). */
int ros_client_pending_calls(const ros_client *c);

/* --- blocking helpers for tests and tools: they spin the context (running every other
 * callback meanwhile), so never call them from a callback. --- */

/* Spins until ros_client_is_available or timeout_ns passed (<= 0: check once).
 * Returns ROS_OK or ROS_ERR_TIMEOUT; ROS_CLIENT_CANCELED if shutdown was requested. */
ros_status ros_client_wait_for_service(ros_client *c, int64_t timeout_ns);

/* ros_client_call, then spins until the call ends. On ROS_OK response_out (a <srv>_Response
 * struct, may be NULL) is overwritten with a deep copy that the caller frees with
 * dds_sample_free(response_out, desc, DDS_FREE_CONTENTS). timeout_ns as for ros_client_call
 * (<= 0: until answered or shutdown is requested). Returns ROS_OK, ROS_ERR_TIMEOUT,
 * ROS_CLIENT_CANCELED (shutdown), or an error of ros_client_call. */
ros_status ros_client_call_sync(ros_client *c, void *request, void *response_out,
                                int64_t timeout_ns, ros_error *e);

/* Accessors; each gives NULL/0 for a NULL c. */
const char *ros_client_name(const ros_client *c);          /* resolved, "/set_model" */
const ros_type_info *ros_client_response_type(const ros_client *c);
uint64_t ros_client_id(const ros_client *c);               /* header client_id of its requests */
dds_entity_t ros_client_request_writer(const ros_client *c);
dds_entity_t ros_client_reply_reader(const ros_client *c);

#define ROS_CLIENT_TICK_NS 10000000LL /* 10 ms: timeout resolution */

#endif
