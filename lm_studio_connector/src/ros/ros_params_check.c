/* ros_params_check.c: the pure rules of the parameter server (see ros_params_check.h).
 * They mirror rclcpp's node_parameters.cpp so that `ros2 param set` behaves as against a C++
 * node: the same type rule, the same range arithmetic (integer steps counted from `from`,
 * `to` always allowed, a floating-point tolerance of 100 ulp), the same list_parameters
 * prefix/depth selection. Reasons differ from
 * rclcpp's where rclcpp says less: a range refusal quotes the range. No state; any thread. */
#include "ros_params_check.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool fail(char *reason, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail(char *reason, size_t size, const char *fmt, ...) {
  if (reason && size > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, size, fmt, ap);
    va_end(ap);
  }
  return false;
}

/* '/' is allowed inside words because rclcpp's own parameters use it
 * ("qos_overrides./parameter_events.publisher.depth"). */
static bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '/';
}

bool ros_params_name_ok(const char *name, char *reason, size_t size) {
  if (!name || !name[0]) return fail(reason, size, "parameter name must not be empty");
  size_t len = strlen(name);
  if (len > ROS_PARAMS_NAME_MAX)
    return fail(reason, size, "parameter name '%.40s...' is longer than %d bytes", name,
                ROS_PARAMS_NAME_MAX);
  char prev = '.';
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (c == '.' && prev == '.')
      return fail(reason, size, "parameter name '%s' has an empty word (dots at %zu)", name, i);
    if (c != '.' && !is_word_char(c))
      return fail(reason, size, "parameter name '%s' has a character other than [A-Za-z0-9_/.] at %zu",
                  name, i);
    prev = c;
  }
  if (prev == '.') return fail(reason, size, "parameter name '%s' ends with a dot", name);
  return true;
}

bool ros_params_descriptor_ok(const char *name, const ros_param_descriptor *d, ros_param_type type,
                              char *reason, size_t size) {
  if ((unsigned)d->type > ROS_PARAM_STRING_ARRAY)
    return fail(reason, size, "parameter '%s': unknown type code %d", name, (int)d->type);
  const ros_param_integer_range *ir = &d->integer_range;
  const ros_param_floating_point_range *fr = &d->floating_point_range;
  if (ir->set && fr->set)
    return fail(reason, size, "parameter '%s': a descriptor has an integer or a floating-point range, not both", name);
  if (ir->set) {
    if (ir->from > ir->to)
      return fail(reason, size, "parameter '%s': integer range from %lld is above to %lld", name,
                  (long long)ir->from, (long long)ir->to);
    if (!d->dynamic_typing && type != ROS_PARAM_INTEGER && type != ROS_PARAM_INTEGER_ARRAY)
      return fail(reason, size, "parameter '%s': an integer range needs type integer or integer_array, not %s",
                  name, ros_param_type_name(type));
  }
  if (fr->set) {
    if (!isfinite(fr->from) || !isfinite(fr->to) || !isfinite(fr->step) || fr->step < 0 ||
        fr->from > fr->to)
      return fail(reason, size, "parameter '%s': floating-point range [%g, %g] step %g is not a finite range with step >= 0",
                  name, fr->from, fr->to, fr->step);
    if (!d->dynamic_typing && type != ROS_PARAM_DOUBLE && type != ROS_PARAM_DOUBLE_ARRAY)
      return fail(reason, size, "parameter '%s': a floating-point range needs type double or double_array, not %s",
                  name, ros_param_type_name(type));
  }
  if (d->secret && (d->dynamic_typing || type != ROS_PARAM_STRING))
    return fail(reason, size, "parameter '%s': a secret parameter must be a statically typed string", name);
  return true;
}

bool ros_params_int_in_range(const ros_param_integer_range *r, int64_t v) {
  if (!r->set || v == r->from || v == r->to) return true;
  if (v < r->from || v > r->to) return false;
  if (r->step == 0) return true;
  /* v > from here, so the difference fits in uint64 even across the whole int64 span. */
  return ((uint64_t)v - (uint64_t)r->from) % r->step == 0;
}

static bool doubles_equal(double x, double y) {
  return fabs(x - y) <= DBL_EPSILON * fabs(x + y) * 100.0;
}

bool ros_params_double_in_range(const ros_param_floating_point_range *r, double v) {
  if (!r->set) return true;
  /* rclcpp lets NaN through every comparison and finds inf "equal" to any bound (inf <= inf
   * in its tolerance test); a range bounds finite numbers. */
  if (!isfinite(v)) return false;
  if (doubles_equal(v, r->from) || doubles_equal(v, r->to)) return true;
  if (v < r->from || v > r->to) return false;
  if (r->step == 0.0) return true;
  double k = round((v - r->from) / r->step);
  return doubles_equal(v, r->from + k * r->step);
}

bool ros_params_check_type(const char *name, ros_param_type declared, bool dynamic_typing,
                           const ros_param_value *v, char *reason, size_t size) {
  if ((unsigned)v->type > ROS_PARAM_STRING_ARRAY)
    return fail(reason, size, "parameter '%s': unknown type code %d", name, (int)v->type);
  if (dynamic_typing) return true;
  if (v->type == ROS_PARAM_NOT_SET)
    return fail(reason, size, "parameter '%s': cannot undeclare a statically typed parameter", name);
  if (v->type == declared) return true;
  if (ros_param_type_is_array(declared) && ros_param_value_is_empty_array(v)) return true;
  return fail(reason, size,
              "Wrong parameter type, parameter {%s} is of type {%s}, setting it to {%s} is not allowed.",
              name, ros_param_type_name(declared), ros_param_type_name(v->type));
}

static bool int_range_fail(const char *name, const ros_param_integer_range *r, int64_t v, bool secret,
                           char *reason, size_t size) {
  char val[32] = "value";
  if (!secret) snprintf(val, sizeof val, "%lld", (long long)v);
  if (v < r->from || v > r->to)
    return fail(reason, size, "parameter '%s': %s is outside the integer range [%lld, %lld]", name,
                val, (long long)r->from, (long long)r->to);
  return fail(reason, size, "parameter '%s': %s is not on the integer range [%lld, %lld] with step %llu",
              name, val, (long long)r->from, (long long)r->to, (unsigned long long)r->step);
}

static bool double_range_fail(const char *name, const ros_param_floating_point_range *r, double v,
                              bool secret, char *reason, size_t size) {
  char val[40] = "value";
  if (!secret) snprintf(val, sizeof val, "%.17g", v);
  if (isnan(v) || v < r->from || v > r->to)
    return fail(reason, size, "parameter '%s': %s is outside the floating-point range [%.17g, %.17g]",
                name, val, r->from, r->to);
  return fail(reason, size,
              "parameter '%s': %s is not on the floating-point range [%.17g, %.17g] with step %.17g",
              name, val, r->from, r->to, r->step);
}

bool ros_params_check_range(const char *name, const ros_param_descriptor *d,
                            const ros_param_value *v, char *reason, size_t size) {
  const ros_param_integer_range *ir = &d->integer_range;
  const ros_param_floating_point_range *fr = &d->floating_point_range;
  if (ir->set && v->type == ROS_PARAM_INTEGER && !ros_params_int_in_range(ir, v->integer_value))
    return int_range_fail(name, ir, v->integer_value, d->secret, reason, size);
  if (ir->set && v->type == ROS_PARAM_INTEGER_ARRAY)
    for (size_t i = 0; i < v->array_len; i++)
      if (!ros_params_int_in_range(ir, v->integer_array[i]))
        return int_range_fail(name, ir, v->integer_array[i], d->secret, reason, size);
  if (fr->set && v->type == ROS_PARAM_DOUBLE && !ros_params_double_in_range(fr, v->double_value))
    return double_range_fail(name, fr, v->double_value, d->secret, reason, size);
  if (fr->set && v->type == ROS_PARAM_DOUBLE_ARRAY)
    for (size_t i = 0; i < v->array_len; i++)
      if (!ros_params_double_in_range(fr, v->double_array[i]))
        return double_range_fail(name, fr, v->double_array[i], d->secret, reason, size);
  return true;
}

bool ros_params_check_value(const char *name, const ros_param_descriptor *d, ros_param_type declared,
                            const ros_param_value *v, char *reason, size_t size) {
  return ros_params_check_type(name, declared, d->dynamic_typing, v, reason, size) &&
         ros_params_check_range(name, d, v, reason, size);
}

bool ros_params_adapt_empty_array(ros_param_value *v, ros_param_type want) {
  if (!ros_param_type_is_array(want) || v->type == want || !ros_param_value_is_empty_array(v))
    return false;
  /* Empty: no element memory to convert; drop whatever array pointer there is. */
  ros_param_value_fini(v);
  v->type = want;
  return true;
}

static size_t count_dots(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '.';
  return n;
}

bool ros_params_list_match(const char *name, const char *const *prefixes, size_t n_prefixes,
                           uint64_t depth) {
  if (n_prefixes == 0) return depth == 0 || count_dots(name) < depth;
  for (size_t i = 0; i < n_prefixes; i++) {
    const char *p = prefixes[i];
    size_t pl = strlen(p);
    if (strcmp(name, p) == 0) return true;
    if (strncmp(name, p, pl) == 0 && name[pl] == '.') {
      /* the remainder after "prefix." (rclcpp: name.substr(prefix.length() + 1)) */
      if (depth == 0 || count_dots(name + pl + 1) < depth) return true;
    }
  }
  return false;
}

size_t ros_params_name_prefix_len(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot ? (size_t)(dot - name) : 0;
}

size_t ros_params_constraints_text(const ros_param_descriptor *d, char *out, size_t size) {
  if (!out || size == 0) return 0;
  const char *base = d->additional_constraints ? d->additional_constraints : "";
  const char *note = d->secret ? "secret: reads and parameter events show '" ROS_PARAM_SECRET_PLACEHOLDER
                                 "' instead of the value" : "";
  int n = snprintf(out, size, "%s%s%s", base, base[0] && note[0] ? "; " : "", note);
  if (n < 0) {
    out[0] = '\0';
    return 0;
  }
  return (size_t)n < size ? (size_t)n : size - 1;
}
