/* ros_names.h: ROS 2 names without rcl (ROS2_WIRE.md §1, §4.1): validation of node names,
 * namespaces and full topic/service names; fully qualified and logger names; expansion of
 * relative, private (~) and substituted ({node}, {ns}, {namespace}) names; hidden names; the
 * DDS topic names rmw_cyclonedds uses (rt/, rq…Request, rr…Reply) and back; action sub-names.
 * Every function writes into a caller buffer and allocates nothing. A failed call leaves the
 * output buffer untouched and fills the optional error (code, offending index, message that
 * quotes the name). Pure functions: safe from any thread. */
#ifndef LMS_ROS_NAMES_H
#define LMS_ROS_NAMES_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ros_names_status {
  ROS_NAMES_OK = 0,
  ROS_NAMES_ERR_INVALID_ARGUMENT = 1,     /* a required pointer was NULL or a size was 0 */
  ROS_NAMES_ERR_EMPTY = 2,                /* the name is "" */
  ROS_NAMES_ERR_BAD_CHARACTER = 3,        /* a character outside the allowed set */
  ROS_NAMES_ERR_STARTS_WITH_DIGIT = 4,    /* the name, or one of its tokens, starts with 0-9 */
  ROS_NAMES_ERR_TOO_LONG = 5,             /* over ROS_NODE_NAME_MAX/ROS_NAMESPACE_MAX/ROS_TOPIC_NAME_MAX */
  ROS_NAMES_ERR_NOT_ABSOLUTE = 6,         /* a full name or namespace not starting with '/' */
  ROS_NAMES_ERR_DOUBLE_SLASH = 7,         /* "//" inside the name */
  ROS_NAMES_ERR_TRAILING_SLASH = 8,       /* ends with '/' (only the root namespace may) */
  ROS_NAMES_ERR_MISPLACED_TILDE = 9,      /* '~' not first, or not followed by '/' */
  ROS_NAMES_ERR_BAD_SUBSTITUTION = 10,    /* unbalanced, nested or empty {…}, or bad chars inside */
  ROS_NAMES_ERR_UNKNOWN_SUBSTITUTION = 11, /* {x} other than {node}, {ns}, {namespace} */
  ROS_NAMES_ERR_BUFFER_TOO_SMALL = 12,    /* the result does not fit out_size */
  ROS_NAMES_ERR_NOT_ROS_TOPIC = 13,       /* demangling: not rt/…, rq/…Request or rr/…Reply */
} ros_names_status;

#define ROS_NAMES_STATUS_COUNT 14
#define ROS_NAMES_MESSAGE_MAX 384

#define ROS_NODE_NAME_MAX 255   /* characters in a node name */
#define ROS_NAMESPACE_MAX 245   /* characters in a namespace */
#define ROS_TOPIC_NAME_MAX 247  /* characters in an expanded topic or service name (255 - 8) */
/* A buffer this size holds every output of this module: FQN and logger names (≤ 501 chars),
 * expanded names (≤ 247) and DDS names (≤ 256). */
#define ROS_NAME_BUF_SIZE 512
/* Status returns must be checked: a failure leaves the outputs untouched. */
#define ROS_NAMES_WARN_UNUSED __attribute__((warn_unused_result))

typedef struct ros_names_error {
  ros_names_status code;
  size_t index;                          /* offending position in the checked name, else 0 */
  char message[ROS_NAMES_MESSAGE_MAX];   /* "" when code == ROS_NAMES_OK */
} ros_names_error;

/* The DDS side of an expanded ROS name (§1.4). */
typedef enum ros_dds_kind {
  ROS_DDS_TOPIC = 1,     /* "rt" + N */
  ROS_DDS_REQUEST = 2,   /* "rq" + N + "Request" */
  ROS_DDS_REPLY = 3,     /* "rr" + N + "Reply" */
} ros_dds_kind;

/* The five entities of an action (§4.1); the first three are services, the last two topics. */
typedef enum ros_action_part {
  ROS_ACTION_SEND_GOAL = 1,
  ROS_ACTION_CANCEL_GOAL = 2,
  ROS_ACTION_GET_RESULT = 3,
  ROS_ACTION_FEEDBACK = 4,
  ROS_ACTION_STATUS = 5,
} ros_action_part;

/* Stable identifier ("ROS_NAMES_ERR_TOO_LONG"); "ROS_NAMES_ERR_?" for unknown values. */
const char *ros_names_status_name(ros_names_status s);
/* One sentence describing the code. Never NULL. */
const char *ros_names_strerror(ros_names_status s);

/* Node name: [A-Za-z0-9_], not starting with a digit, 1..255 characters.
 * Returns OK, INVALID_ARGUMENT (name NULL), EMPTY, BAD_CHARACTER, STARTS_WITH_DIGIT, TOO_LONG. */
ros_names_status ros_names_validate_node_name(const char *name, ros_names_error *err) ROS_NAMES_WARN_UNUSED;
/* Namespace in absolute form: "/" or "/tok(/tok)*" with node-name tokens, ≤ 245 characters.
 * Returns OK or the first rule broken (NOT_ABSOLUTE, TRAILING_SLASH, DOUBLE_SLASH, …). */
ros_names_status ros_names_validate_namespace(const char *ns, ros_names_error *err) ROS_NAMES_WARN_UNUSED;
/* rcl's normalisation, then validation: NULL or "" becomes "/", "foo" becomes "/foo".
 * Writes the result to out (out_size bytes, NUL included). Returns as validate_namespace,
 * or BUFFER_TOO_SMALL. */
ros_names_status ros_names_normalize_namespace(const char *ns, char *out, size_t out_size,
                                               ros_names_error *err) ROS_NAMES_WARN_UNUSED;
/* Expanded (fully qualified) topic or service name (§1.2): absolute, no trailing '/', only
 * [A-Za-z0-9_/], no "//", no token starting with a digit, ≤ 247 characters. */
ros_names_status ros_names_validate_full_name(const char *name, ros_names_error *err) ROS_NAMES_WARN_UNUSED;

/* Fully qualified node name: ns + "/" + name, or "/" + name in the root namespace. Both are
 * validated (ns in absolute form). Returns OK, a validation code, or BUFFER_TOO_SMALL. */
ros_names_status ros_names_fqn(const char *node_name, const char *ns, char *out, size_t out_size,
                               ros_names_error *err) ROS_NAMES_WARN_UNUSED;
/* Logger name for /rosout: "/robot1/cam" + "driver" gives "robot1.cam.driver"; root gives
 * "driver". Validates like ros_names_fqn. */
ros_names_status ros_names_logger_name(const char *node_name, const char *ns, char *out,
                                       size_t out_size, ros_names_error *err) ROS_NAMES_WARN_UNUSED;

/* Expands a topic/service name against a node as rcl does: "/abs" stays, "rel" gets the
 * namespace, "~" is the FQN and "~/x" is FQN + "/x", then {node}, {ns} and {namespace} are
 * substituted. The input is checked first (characters [A-Za-z0-9_/~{}], tilde and brace
 * placement), node name and namespace must be valid, and the result must pass
 * ros_names_validate_full_name (its message then quotes both input and result). */
ros_names_status ros_names_expand(const char *name, const char *node_name, const char *ns,
                                  char *out, size_t out_size, ros_names_error *err) ROS_NAMES_WARN_UNUSED;

/* True when any token of name starts with '_' ("/_internal", "/fib/_action/status", or a node
 * name such as "_ros2cli_123"). NULL gives false. */
bool ros_names_is_hidden(const char *name);

/* DDS topic name of an expanded name: "rt/chatter", "rq/add_two_intsRequest",
 * "rr/add_two_intsReply". The name is validated first. */
ros_names_status ros_names_to_dds(const char *expanded_name, ros_dds_kind kind, char *out,
                                  size_t out_size, ros_names_error *err) ROS_NAMES_WARN_UNUSED;
/* The reverse: fills *kind and out with the ROS name. Only the rt/, rq/…Request and rr/…Reply
 * shapes are accepted (NOT_ROS_TOPIC otherwise); the ROS part must start with '/' and is not
 * validated further (as rmw_cyclonedds, so names from other tools are still listed). */
ros_names_status ros_names_from_dds(const char *dds_name, ros_dds_kind *kind, char *out,
                                    size_t out_size, ros_names_error *err) ROS_NAMES_WARN_UNUSED;

/* ROS name of an action entity: action + "/_action/send_goal" etc. The action name must be an
 * expanded name; the result is validated (length). */
ros_names_status ros_names_action(const char *action_name, ros_action_part part, char *out,
                                  size_t out_size, ros_names_error *err) ROS_NAMES_WARN_UNUSED;
/* True for SEND_GOAL, CANCEL_GOAL and GET_RESULT (services), false for topics and bad values. */
bool ros_names_action_part_is_service(ros_action_part part);

#endif
