/* ros_params.h: a node's parameters as rclcpp keeps them (ROS2_WIRE.md §7.1, §7.2): declared
 * with a descriptor (type, ranges, read-only, dynamic typing), initialised from the command
 * line's overrides (-p, --params-file) at declaration, served to `ros2 param` through the six
 * services under the node's FQN, and announced on /parameter_events.
 * Secret parameters (an API key): STRING only; get_parameters and parameter events carry
 * ROS_PARAM_SECRET_PLACEHOLDER instead of the value, describe says so in
 * additional_constraints, and no message of this module prints the value. Setting a secret to
 * the placeholder is accepted and changes nothing, so `ros2 param dump` + `load` keeps it.
 * A failed call changes nothing. Calls on a node without a parameter server (node option
 * no_parameter_services) return INVALID_ARGUMENT, or STATE for declare.
 * Threads: declare/set/undeclare and the services run on the loop thread; get, has and the
 * typed getters may be called from any thread. */
#ifndef LMS_ROS_PARAMS_H
#define LMS_ROS_PARAMS_H

#include "common/limits.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ros_error.h"
#include "ros_node.h"
#include "ros_param_value.h"

/* Most parameters one node may declare (would belong in common/limits.h). */
#define ROS_PARAMS_MAX_DECLARED LMS_MAX_DECLARED_PARAMS
/* Longest parameter name accepted. */
#define ROS_PARAMS_NAME_MAX 255
/* What reads and events show for a secret parameter. */
#define ROS_PARAM_SECRET_PLACEHOLDER "<hidden>"
/* Room for a refusal reason (callback and set results). */
#define ROS_PARAMS_REASON_MAX 512

typedef struct ros_param_integer_range {
  bool set;
  int64_t from, to;   /* inclusive */
  uint64_t step;      /* 0: any value; else from + k*step (to itself is always allowed) */
} ros_param_integer_range;

typedef struct ros_param_floating_point_range {
  bool set;
  double from, to;    /* inclusive */
  double step;        /* 0: any value; else from + k*step within rclcpp's tolerance */
} ros_param_floating_point_range;

/* rcl_interfaces/ParameterDescriptor without the name, plus secret. Strings are copied. */
typedef struct ros_param_descriptor {
  ros_param_type type;               /* NOT_SET: the type of the initial value */
  const char *description;           /* may be NULL */
  const char *additional_constraints;/* may be NULL */
  bool read_only;                    /* no set after declaration (overrides still apply) */
  bool dynamic_typing;               /* sets may change the type; NOT_SET undeclares */
  bool secret;                       /* see the top of this file */
  ros_param_integer_range integer_range;         /* INTEGER and INTEGER_ARRAY elements */
  ros_param_floating_point_range floating_point_range; /* DOUBLE and DOUBLE_ARRAY elements */
} ros_param_descriptor;

/* One change offered to the set callback. Values are the real ones, secrets included: the
 * callback must not log a change whose secret flag is set. */
typedef struct ros_param_change {
  const char *name;
  const ros_param_value *old_value;
  const ros_param_value *new_value;  /* NOT_SET: the parameter is being undeclared */
  bool secret;
} ros_param_change;

/* Called before a set from the network is applied: with all changes of a
 * set_parameters_atomically request, with one change per set_parameters entry. Return false
 * to refuse, with a reason in reason (reason_size bytes, NUL-terminated). Runs on the loop
 * thread; may call ros_params_get, must not declare, set or undeclare. */
typedef bool (*ros_params_set_fn)(void *user, const ros_param_change *changes, size_t n,
                                  char *reason, size_t reason_size);

typedef struct ros_param_server_options {
  bool no_services;   /* keep parameters local: no services, no /parameter_events */
} ros_param_server_options;

/* Creates the node's parameter server: reads the overrides for the node's FQN from its
 * ros_args, creates the /parameter_events writer and the six services. opts may be NULL. The
 * node stores *out and hands it back through ros_node_params(). Returns OK, INVALID_ARGUMENT,
 * NO_MEMORY, BAD_ARGS, DDS, UNKNOWN_TYPE (and the service layer's codes). Loop thread. */
ros_status ros_param_server_create(ros_node *n, const ros_param_server_options *opts,
                                   struct ros_param_server **out, ros_error *e);
/* Stops the services, deletes the events writer and frees every parameter. Accepts NULL. */
void ros_param_server_destroy(struct ros_param_server *ps);

/* Declares name (dotted, [A-Za-z0-9_/] words) with default_value (NULL: NOT_SET, allowed only
 * with dynamic typing or when an override supplies the value) and d (NULL: type of the value,
 * nothing else). An override from the command line replaces the default when it fits d.
 * Publishes a "new" event. Returns OK, INVALID_ARGUMENT (bad name, descriptor or default),
 * STATE (already declared, no parameter server, inside the callback), BAD_ARGS (the override
 * does not fit: the message names the parameter, the value and its origin), LIMIT
 * (ROS_PARAMS_MAX_DECLARED), NO_MEMORY. */
ros_status ros_params_declare(ros_node *n, const char *name, const ros_param_value *default_value,
                              const ros_param_descriptor *d, ros_error *e);
/* Removes a declared parameter (a "deleted" event). Returns OK, NOT_FOUND, STATE (read-only
 * or statically typed: refused, as rclcpp does; also inside the set callback). */
ros_status ros_params_undeclare(ros_node *n, const char *name, ros_error *e);
bool ros_params_has(ros_node *n, const char *name);

/* Copies the value into out (initialised; its old content freed on success). Secrets give the
 * real value here. Returns OK, INVALID_ARGUMENT, NOT_FOUND, NO_MEMORY. Any thread. */
ros_status ros_params_get(ros_node *n, const char *name, ros_param_value *out);
/* Typed reads: NOT_FOUND when undeclared, INVALID_ARGUMENT when the type differs (get_double
 * also accepts an INTEGER), LIMIT when the string does not fit size bytes. Any thread. */
ros_status ros_params_get_bool(ros_node *n, const char *name, bool *out);
ros_status ros_params_get_int(ros_node *n, const char *name, int64_t *out);
ros_status ros_params_get_double(ros_node *n, const char *name, double *out);
ros_status ros_params_get_string(ros_node *n, const char *name, char *out, size_t size);

/* Sets from code: the same checks as a set from the network (read-only, type, range) except
 * the set callback, which is for outside changes. Publishes a "changed" event. Returns OK,
 * INVALID_ARGUMENT, NOT_FOUND, REJECTED (the message is the reason), STATE, NO_MEMORY. */
ros_status ros_params_set(ros_node *n, const char *name, const ros_param_value *value, ros_error *e);
/* Installs (fn NULL: removes) the set callback. Returns OK, INVALID_ARGUMENT, STATE. */
ros_status ros_params_set_callback(ros_node *n, ros_params_set_fn fn, void *user);

/* Hands out in *names (a malloc'd array of *count malloc'd strings, sorted) the overrides
 * given for this node that no declaration used, so the node can warn about typos. Caller
 * frees each string and the array. Returns OK, INVALID_ARGUMENT, NO_MEMORY. */
ros_status ros_params_unused_overrides(ros_node *n, char ***names, size_t *count);

#endif
