/* ros_params_check.h: the pure rules of the parameter server, private to src/ros: name and
 * descriptor validity, a value against a descriptor (type, integer and floating-point ranges,
 * with rclcpp's step and tolerance rules), list_parameters' prefix/depth selection, and the
 * text describe shows for a secret. No state, no allocation; any thread.
 * Every check writes a one-line reason ("parameter 'x': ...") into reason (size bytes, may be
 * NULL/0) when it fails. Secret values never appear in a reason. */
#ifndef LMS_ROS_PARAMS_CHECK_H
#define LMS_ROS_PARAMS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ros_params.h"

/* Words of [A-Za-z0-9_/] joined by single dots, 1..ROS_PARAMS_NAME_MAX bytes. */
bool ros_params_name_ok(const char *name, char *reason, size_t size);

/* A descriptor a declaration may use: type code known, not both ranges, from <= to, finite
 * float bounds and a step >= 0, a range only for a matching type (or dynamic typing), secret
 * only for a statically typed STRING. type is the effective type (descriptor or value). */
bool ros_params_descriptor_ok(const char *name, const ros_param_descriptor *d, ros_param_type type,
                              char *reason, size_t size);

/* rclcpp's integer range rule: from and to always pass; otherwise inside and on the step. */
bool ros_params_int_in_range(const ros_param_integer_range *r, int64_t v);
/* rclcpp's floating-point rule, with its tolerance (100 ulp of |x+y|); NaN and inf never pass. */
bool ros_params_double_in_range(const ros_param_floating_point_range *r, double v);

/* Type rule: without dynamic typing the value must have the declared type (NOT_SET, i.e.
 * undeclaring, is refused); an empty array is accepted for any array type (see
 * ros_params_adapt_empty_array). Reason as rclcpp words it. */
bool ros_params_check_type(const char *name, ros_param_type declared, bool dynamic_typing,
                           const ros_param_value *v, char *reason, size_t size);
/* Range rule for scalars and each element of INTEGER_ARRAY/DOUBLE_ARRAY; the reason quotes the
 * range and, unless secret, the value. */
bool ros_params_check_range(const char *name, const ros_param_descriptor *d,
                            const ros_param_value *v, char *reason, size_t size);
/* Both rules. */
bool ros_params_check_value(const char *name, const ros_param_descriptor *d, ros_param_type declared,
                            const ros_param_value *v, char *reason, size_t size);

/* A YAML "[]" arrives as an empty STRING_ARRAY: retype it as the declared array type. Returns
 * true when v was changed. */
bool ros_params_adapt_empty_array(ros_param_value *v, ros_param_type want);

/* list_parameters selection for one name, exactly as rclcpp: with no prefixes, every name
 * (depth 0) or names with fewer than depth dots; else names equal to a prefix, or starting with
 * "prefix." whose remainder after "prefix." has fewer than depth dots (depth 0: any). */
bool ros_params_list_match(const char *name, const char *const *prefixes, size_t n_prefixes,
                           uint64_t depth);
/* Length of what comes before the last '.' (the entry of result.prefixes); 0 without a dot. */
size_t ros_params_name_prefix_len(const char *name);

/* The additional_constraints describe shows: the declared text, plus a note for a secret.
 * Returns the length written (always NUL-terminated when size > 0). */
size_t ros_params_constraints_text(const ros_param_descriptor *d, char *out, size_t size);

#endif
