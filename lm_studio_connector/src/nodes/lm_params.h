/* lm_params.h: the node's parameters, from ONE table (lm_params_table): name, type, default,
 * description, range, read-only, secret and whether a run-time change takes effect. Declared
 * with descriptors on the node (overrides from -p / --params-file apply); a set callback
 * refuses values the node cannot use, with a reason. Loop thread (reads: any thread). */
#ifndef LM_PARAMS_H
#define LM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ros/ros_error.h"
#include "ros/ros_node.h"
#include "ros/ros_param_value.h"

typedef struct lm_param_spec {
  const char *name;
  ros_param_type type;       /* BOOL, INTEGER, DOUBLE or STRING */
  bool def_bool;
  int64_t def_int;
  double def_double;
  const char *def_string;
  const char *description;
  bool has_range;            /* INTEGER / DOUBLE: inclusive [min, max] */
  double min, max;
  bool read_only;            /* fixed at start (command line, params file) */
  bool secret;               /* never shown: get_parameters and events carry a placeholder */
  bool runtime;              /* a change at run time takes effect for the next goal / call */
} lm_param_spec;

/* The table; *count receives its length. Never NULL. */
const lm_param_spec *lm_params_table(size_t *count);
/* The row for name, or NULL. */
const lm_param_spec *lm_params_find(const char *name);

/* Declares every row on n (api_key's default comes from $LM_STUDIO_API_KEY when set) and
 * installs the set callback. Returns ROS_OK or the first error (e says which parameter). */
ros_status lm_params_declare_all(ros_node *n, ros_error *e);

/* Checks one proposed value beyond what the descriptor enforces (e.g. empty model_name).
 * Returns true, or false with reason. */
bool lm_params_check(const char *name, const ros_param_value *v, char *reason, size_t size);

/* Typed reads of the current values (any thread). Strings are malloc'd (caller frees), NULL
 * when out of memory. */
int64_t lm_params_int(ros_node *n, const char *name);
double lm_params_double(ros_node *n, const char *name);
bool lm_params_bool(ros_node *n, const char *name);
char *lm_params_string(ros_node *n, const char *name);

#endif
