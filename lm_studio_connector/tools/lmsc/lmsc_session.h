/* lmsc_session.h: lmsc's presence on ROS 2: the context, one node (lmsc_<pid>, in the target
 * node's namespace, so the node's relative names resolve as the node resolves them), the wait
 * loop that runs the wire layer's callbacks and the spinner, Ctrl-C, and the bounded wait for
 * the target node with the "node not found" message.
 *
 * Ctrl-C is counted by our own SIGINT/SIGTERM handler (not the context's shutdown, which would
 * stop the loop before a cancel could go out): commands see lmsc_session_interrupts() grow and
 * decide (cancel the goal, then wait for its end; a second Ctrl-C quits). */
#ifndef LMSC_SESSION_H
#define LMSC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "lmsc.h"
#include "ros/ros_args.h"
#include "ros/ros_context.h"
#include "ros/ros_node.h"

typedef struct lmsc_session {
  const lmsc_options *o;
  ros_context *ctx;
  ros_node *node;
} lmsc_session;

/* Creates the context and node (args: the parsed --ros-args, must outlive the session).
 * Returns LMSC_EXIT_OK or LMSC_EXIT_FAILED after printing why. */
int lmsc_session_open(lmsc_session *s, const lmsc_options *o, const ros_args *args);
void lmsc_session_close(lmsc_session *s);

/* Runs ready callbacks, waiting up to max_ms for work (or a signal). Ticks the spinner. */
void lmsc_session_spin(lmsc_session *s, int max_ms);
/* How many SIGINT/SIGTERM arrived so far. */
int lmsc_session_interrupts(void);

/* What a command waits for on the target node: the name it used (relative, resolved against
 * the session's namespace and remappings) and the kind of entity that must answer. */
typedef enum lmsc_target_kind {
  LMSC_TARGET_ACTION,       /* an action server */
  LMSC_TARGET_SERVICE,      /* a service server */
  LMSC_TARGET_PUBLISHER,    /* a publisher of a topic we subscribe to */
  LMSC_TARGET_SUBSCRIBER,   /* a subscriber of a topic we publish */
} lmsc_target_kind;

typedef struct lmsc_target {
  lmsc_target_kind kind;
  const char *name;         /* as the command names it: "chat_completion" */
  const char *resolved;     /* after namespace and remapping: "/robot1/chat_completion" */
} lmsc_target;

/* Spins until ready(user) is true, Ctrl-C, or --timeout. Returns LMSC_EXIT_OK,
 * LMSC_EXIT_INTERRUPTED, or LMSC_EXIT_NOT_FOUND after printing "node not found" with the name
 * searched, the domain id, the discovery hints, and the namespaces where something else on the
 * domain does offer that name (a node started under another namespace). */
int lmsc_session_wait_for_node(lmsc_session *s, bool (*ready)(void *user), void *user,
                               const lmsc_target *t);

/* Discovery is two-sided: when our endpoint has matched the node's, the node's may not have
 * matched ours yet, and what it writes to us (feedback), or what we write to a best-effort
 * reader of it (an image), before that is lost (volatile QoS; `ros2 action send_goal` has
 * the same race). Nothing on our side can observe the other side's match, so commands that
 * would lose data that way wait LMSC_SETTLE_MS after discovery; on loopback SEDP settles
 * within milliseconds. Returns LMSC_EXIT_OK, or LMSC_EXIT_INTERRUPTED on Ctrl-C. */
#define LMSC_SETTLE_MS 150
int lmsc_session_settle(lmsc_session *s);

/* Watches, while a command waits for an answer, that the node is still there: ready(user) is
 * looked at every LMSC_PRESENCE_CHECK_MS, and the node is gone after two misses in a row (one
 * look may fall between a reader's match and its peer's). */
#define LMSC_PRESENCE_CHECK_MS 500
typedef struct lmsc_presence {
  int64_t next_check;
  int absent;
} lmsc_presence;
void lmsc_presence_start(lmsc_presence *p);
bool lmsc_presence_lost(lmsc_presence *p, bool (*ready)(void *user), void *user);

#endif
