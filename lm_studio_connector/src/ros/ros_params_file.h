/* ros_params_file.h: ROS 2 parameter overrides: the params YAML layout (ROS2_WIRE.md §7.5)
 * read with libyaml, the YAML value of `-p name:=value`, and the selection of the overrides
 * that apply to one node (the wildcards ** and *, as rclcpp matches them).
 * An override list keeps entries in the order they were read, so applying them in order makes
 * later ones win. Loading appends to a list and is all-or-nothing: on failure the list is as
 * it was. Errors carry "file:line:column: what". Bounded by LMS_MAX_PARAMS_FILE_SIZE,
 * LMS_MAX_PARAMS_DEPTH, LMS_MAX_PARAM_OVERRIDES and LMS_MAX_PARAM_ARRAY (common/limits.h).
 * No global state; distinct lists may be used from different threads. */
#ifndef LMS_ROS_PARAMS_FILE_H
#define LMS_ROS_PARAMS_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "ros_param_value.h"

typedef enum ros_params_status {
  ROS_PARAMS_OK = 0,
  ROS_PARAMS_ERR_INVALID_ARGUMENT = 1,  /* a required pointer was NULL */
  ROS_PARAMS_ERR_NO_MEMORY = 2,
  ROS_PARAMS_ERR_FILE = 3,              /* the file cannot be opened or read */
  ROS_PARAMS_ERR_TOO_LARGE = 4,         /* file size, nesting, override count or array length */
  ROS_PARAMS_ERR_SYNTAX = 5,            /* not YAML (libyaml's reason and position) */
  ROS_PARAMS_ERR_STRUCTURE = 6,         /* YAML, but not the node → ros__parameters layout */
  ROS_PARAMS_ERR_NODE_NAME = 7,         /* a node key that is neither a valid name nor a wildcard */
  ROS_PARAMS_ERR_VALUE = 8,             /* empty value, mixed or nested list, NUL in a string */
  ROS_PARAMS_ERR_PARAM_NAME = 9,        /* a parameter name that is empty or malformed */
} ros_params_status;

#define ROS_PARAMS_STATUS_COUNT 10
#define ROS_PARAMS_MESSAGE_MAX 512
/* Status returns must be checked: a failure leaves the outputs untouched. */
#define ROS_PARAMS_WARN_UNUSED __attribute__((warn_unused_result))

typedef struct ros_params_error {
  ros_params_status code;
  unsigned long line;                     /* 1-based position of the problem, 0 when none */
  unsigned long column;
  char message[ROS_PARAMS_MESSAGE_MAX];   /* "params.yaml:7:5: list 'names' mixes ..." */
} ros_params_error;

typedef struct ros_param_override {
  char *node;             // node pattern, always absolute: "/**", "/*", "/ns/*", "/**/driver", "/ns/driver"
  char *name;             /* dotted parameter name, "camera.fps" */
  ros_param_value value;
  char *origin;           /* where it came from: "params.yaml:12:7" or "-p rate:=5" */
} ros_param_override;

typedef struct ros_param_overrides {
  ros_param_override *items;
  size_t count;
  size_t cap;             /* private */
} ros_param_overrides;

/* Stable identifier ("ROS_PARAMS_ERR_SYNTAX"); "ROS_PARAMS_ERR_?" for unknown values. */
const char *ros_params_status_name(ros_params_status s);
/* One sentence describing the code. Never NULL. */
const char *ros_params_strerror(ros_params_status s);

/* An empty list; allocates nothing. */
void ros_param_overrides_init(ros_param_overrides *list);
/* Frees every entry and the array; the list is empty again. Accepts NULL. */
void ros_param_overrides_fini(ros_param_overrides *list);
/* Frees the entries from index count on; the list keeps its first count entries. Accepts NULL. */
void ros_param_overrides_truncate(ros_param_overrides *list, size_t count);
/* Appends copies of node (a pattern, made absolute and checked as in a params file), name,
 * value and origin (may be NULL). Returns OK, INVALID_ARGUMENT, NODE_NAME, PARAM_NAME (empty),
 * TOO_LARGE (LMS_MAX_PARAM_OVERRIDES), NO_MEMORY. */
ros_params_status ros_param_overrides_add(ros_param_overrides *list, const char *node, const char *name,
                                          const ros_param_value *value, const char *origin,
                                          ros_params_error *err) ROS_PARAMS_WARN_UNUSED;

/* Reads the params file at path and appends its overrides in file order. Returns OK,
 * INVALID_ARGUMENT, FILE, TOO_LARGE, SYNTAX, STRUCTURE, NODE_NAME, VALUE, PARAM_NAME, NO_MEMORY. */
ros_params_status ros_params_load_file(const char *path, ros_param_overrides *out, ros_params_error *err) ROS_PARAMS_WARN_UNUSED;
/* The same from memory (len bytes, need not be NUL-terminated); origin names the text in
 * messages ("<string>" when NULL). */
ros_params_status ros_params_load_string(const char *text, size_t len, const char *origin,
                                         ros_param_overrides *out, ros_params_error *err) ROS_PARAMS_WARN_UNUSED;

/* Parses the value of `-p name:=value` as YAML into the initialised out: one scalar typed by
 * ros_param_value_from_scalar, or a sequence of scalars of one type (an empty STRING_ARRAY
 * for []). Returns OK, INVALID_ARGUMENT, SYNTAX, VALUE (empty, mapping, nested or mixed list),
 * TOO_LARGE, NO_MEMORY; out unchanged on failure. */
ros_params_status ros_params_parse_value(const char *text, ros_param_value *out, ros_params_error *err) ROS_PARAMS_WARN_UNUSED;

/* True when the node pattern matches the node's fully qualified name: tokens compare equal,
 * "*" matches exactly one token and "**" any number (zero included), as rclcpp's regex
 * rewrite does. A pattern without a leading '/' is taken as if it had one. */
bool ros_params_node_matches(const char *pattern, const char *fqn);

/* Appends to out copies of the entries of all that apply to fqn, in their order. With
 * collapse, only the last entry of each parameter name is kept (still in list order), which
 * is the value the node ends up with. Returns OK, INVALID_ARGUMENT, TOO_LARGE, NO_MEMORY;
 * out unchanged on failure. */
ros_params_status ros_params_select(const ros_param_overrides *all, const char *fqn, bool collapse,
                                    ros_param_overrides *out, ros_params_error *err) ROS_PARAMS_WARN_UNUSED;

/* The last entry named name in list (after selection: the effective value), or NULL. */
const ros_param_override *ros_params_find(const ros_param_overrides *list, const char *name);

#endif
