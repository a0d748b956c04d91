/* ros_param_value.h: a ROS 2 parameter value (rcl_interfaces/ParameterValue, ROS2_WIRE.md §7.1),
 * shared by the command line, the params-file parser and the node's parameter server.
 * A value owns its strings and arrays; init before use, fini when done. Setters and copy
 * replace the old content only on success: a failed call changes nothing. The scalar typing
 * rule is rcl_yaml_param_parser's (YAML 1.1 booleans, strtol base 0, strtod, .inf/.nan).
 * Not thread-safe: one owner at a time; the pure functions are safe from any thread. */
#ifndef LMS_ROS_PARAM_VALUE_H
#define LMS_ROS_PARAM_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/dynbuf.h"

/* Type codes as rcl_interfaces/msg/ParameterType. */
typedef enum ros_param_type {
  ROS_PARAM_NOT_SET = 0,
  ROS_PARAM_BOOL = 1,
  ROS_PARAM_INTEGER = 2,
  ROS_PARAM_DOUBLE = 3,
  ROS_PARAM_STRING = 4,
  ROS_PARAM_BYTE_ARRAY = 5,
  ROS_PARAM_BOOL_ARRAY = 6,
  ROS_PARAM_INTEGER_ARRAY = 7,
  ROS_PARAM_DOUBLE_ARRAY = 8,
  ROS_PARAM_STRING_ARRAY = 9,
} ros_param_type;

typedef enum ros_param_status {
  ROS_PARAM_OK = 0,
  ROS_PARAM_ERR_INVALID_ARGUMENT = 1,  /* NULL value, bad type code, NULL data with a length */
  ROS_PARAM_ERR_NO_MEMORY = 2,
  ROS_PARAM_ERR_TOO_LARGE = 3,         /* over LMS_MAX_PARAM_ARRAY elements or a buffer's max */
  ROS_PARAM_ERR_EMPTY_VALUE = 4,       /* an unquoted empty scalar: rcl's "No value" */
  ROS_PARAM_ERR_NUL_IN_STRING = 5,     /* a string value containing a NUL byte */
  ROS_PARAM_ERR_MIXED_TYPES = 6,       /* appending an element of another type to an array */
} ros_param_status;

#define ROS_PARAM_STATUS_COUNT 7

#define ROS_PARAM_WARN_UNUSED __attribute__((warn_unused_result))

/* Mirrors ParameterValue: only the fields selected by type matter. array_len counts the
 * elements of whichever *_array pointer the type selects. */
typedef struct ros_param_value {
  ros_param_type type;
  bool bool_value;
  int64_t integer_value;
  double double_value;
  char *string_value;        /* STRING: owned, NUL-terminated */
  size_t array_len;
  uint8_t *byte_array;       /* BYTE_ARRAY */
  bool *bool_array;          /* BOOL_ARRAY */
  int64_t *integer_array;    /* INTEGER_ARRAY */
  double *double_array;      /* DOUBLE_ARRAY */
  char **string_array;       /* STRING_ARRAY: each element owned */
  size_t array_cap;          /* private: elements allocated (0 when unknown; append regrows) */
} ros_param_value;

/* Stable identifier ("ROS_PARAM_ERR_MIXED_TYPES"); "ROS_PARAM_ERR_?" for unknown values. */
const char *ros_param_status_name(ros_param_status s);
/* One sentence describing the code. Never NULL. */
const char *ros_param_strerror(ros_param_status s);
/* "bool", "integer", "double", "string", "byte_array", …, "not set"; "unknown" otherwise. */
const char *ros_param_type_name(ros_param_type t);
/* True for the five *_ARRAY types. */
bool ros_param_type_is_array(ros_param_type t);

/* Makes v an empty NOT_SET value. Allocates nothing. */
void ros_param_value_init(ros_param_value *v);
/* Frees what v owns and makes it NOT_SET again. Accepts NULL. */
void ros_param_value_fini(ros_param_value *v);

/* Setters: v must be initialised; its old content is freed on success only.
 * Strings and arrays are copied. Return OK, INVALID_ARGUMENT (v NULL, data NULL with n > 0,
 * s NULL), NO_MEMORY, TOO_LARGE (n > LMS_MAX_PARAM_ARRAY). */
void ros_param_value_set_bool(ros_param_value *v, bool b);
void ros_param_value_set_integer(ros_param_value *v, int64_t i);
void ros_param_value_set_double(ros_param_value *v, double d);
ros_param_status ros_param_value_set_string(ros_param_value *v, const char *s) ROS_PARAM_WARN_UNUSED;
ros_param_status ros_param_value_set_byte_array(ros_param_value *v, const uint8_t *a, size_t n) ROS_PARAM_WARN_UNUSED;
ros_param_status ros_param_value_set_bool_array(ros_param_value *v, const bool *a, size_t n) ROS_PARAM_WARN_UNUSED;
ros_param_status ros_param_value_set_integer_array(ros_param_value *v, const int64_t *a, size_t n) ROS_PARAM_WARN_UNUSED;
ros_param_status ros_param_value_set_double_array(ros_param_value *v, const double *a, size_t n) ROS_PARAM_WARN_UNUSED;
ros_param_status ros_param_value_set_string_array(ros_param_value *v, const char *const *a, size_t n) ROS_PARAM_WARN_UNUSED;

/* Deep copy of src into the initialised dst (dst's old content freed on success).
 * Returns OK, INVALID_ARGUMENT, NO_MEMORY. dst == src is a no-op. */
ros_param_status ros_param_value_copy(ros_param_value *dst, const ros_param_value *src) ROS_PARAM_WARN_UNUSED;
/* Same type and same content. Doubles compare with ==, except that NaN equals NaN.
 * Two NULLs are equal; NULL and a value are not. */
bool ros_param_value_equal(const ros_param_value *a, const ros_param_value *b);
/* True for an array type with no elements. A YAML "[]" has no element type: it is read as an
 * empty STRING_ARRAY, and a parameter server should accept it for any array type. */
bool ros_param_value_is_empty_array(const ros_param_value *v);

/* Types one YAML scalar the way rcl_yaml_param_parser does and stores it in the initialised
 * out: quoted → STRING; plain: Y/y/yes/Yes/YES/true/True/TRUE/on/On/ON → true (likewise false);
 * strtoll base 0 consuming everything → INTEGER; .inf/.nan forms or strtod consuming
 * everything → DOUBLE (out of range numbers stay strings); anything else → STRING.
 * text must be NUL-terminated at len. Returns OK, INVALID_ARGUMENT, EMPTY_VALUE (plain ""),
 * NUL_IN_STRING (a NUL before len), NO_MEMORY. */
ros_param_status ros_param_value_from_scalar(const char *text, size_t len, bool quoted,
                                             ros_param_value *out) ROS_PARAM_WARN_UNUSED;

/* Appends one scalar (BOOL, INTEGER, DOUBLE or STRING) to the initialised array value arr.
 * A NOT_SET arr becomes the matching *_ARRAY type; an empty STRING_ARRAY adopts the element's
 * type. Returns OK, INVALID_ARGUMENT (elem not a scalar, arr not an array), MIXED_TYPES,
 * TOO_LARGE (LMS_MAX_PARAM_ARRAY), NO_MEMORY; arr unchanged on failure. */
ros_param_status ros_param_value_append(ros_param_value *arr, const ros_param_value *elem) ROS_PARAM_WARN_UNUSED;

/* Appends v as YAML flow text to out: true, 42, 3.0, .inf, 'quoted string' where a plain one
 * would read back as another type, [1, 2], []. NOT_SET prints as "(not set)". Returns OK,
 * INVALID_ARGUMENT, TOO_LARGE (out's maximum reached; out is left as it was). */
ros_param_status ros_param_value_append_yaml(const ros_param_value *v, dynbuf *out) ROS_PARAM_WARN_UNUSED;
/* The same into a fixed buffer (always NUL-terminated when size > 0). Returns OK, or TOO_LARGE
 * with the text cut and ending in "..." when it does not fit. */
ros_param_status ros_param_value_to_string(const ros_param_value *v, char *buf, size_t size);

#endif
