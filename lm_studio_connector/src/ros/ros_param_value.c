/* ros_param_value.c: the parameter value type (see ros_param_value.h): ownership, copy and
 * comparison, rcl's typing of YAML scalars, array building, and YAML-ish printing that reads
 * back to the same type. Every mutator builds the new content aside and swaps it in only when
 * complete, so a failed call changes nothing. Arrays are capped at LMS_MAX_PARAM_ARRAY.
 * No global state; safe from any thread for distinct values. */
#include "ros_param_value.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"

static const struct {
  const char *name;
  const char *sentence;
} status_info[ROS_PARAM_STATUS_COUNT] = {
  [ROS_PARAM_OK] = {"ROS_PARAM_OK", "Success."},
  [ROS_PARAM_ERR_INVALID_ARGUMENT] = {"ROS_PARAM_ERR_INVALID_ARGUMENT", "An argument was NULL or not a valid parameter value."},
  [ROS_PARAM_ERR_NO_MEMORY] = {"ROS_PARAM_ERR_NO_MEMORY", "Out of memory."},
  [ROS_PARAM_ERR_TOO_LARGE] = {"ROS_PARAM_ERR_TOO_LARGE", "The value exceeds a size limit."},
  [ROS_PARAM_ERR_EMPTY_VALUE] = {"ROS_PARAM_ERR_EMPTY_VALUE", "The value is empty (quote it to get an empty string)."},
  [ROS_PARAM_ERR_NUL_IN_STRING] = {"ROS_PARAM_ERR_NUL_IN_STRING", "A string value contains a NUL byte."},
  [ROS_PARAM_ERR_MIXED_TYPES] = {"ROS_PARAM_ERR_MIXED_TYPES", "An array mixes values of different types."},
};

const char *ros_param_status_name(ros_param_status s) {
  if ((unsigned)s >= ROS_PARAM_STATUS_COUNT || !status_info[s].name) return "ROS_PARAM_ERR_?";
  return status_info[s].name;
}

const char *ros_param_strerror(ros_param_status s) {
  if ((unsigned)s >= ROS_PARAM_STATUS_COUNT || !status_info[s].sentence) return "Unknown error code.";
  return status_info[s].sentence;
}

static const char *const type_names[] = {
  "not set", "bool", "integer", "double", "string", "byte_array",
  "bool_array", "integer_array", "double_array", "string_array",
};

const char *ros_param_type_name(ros_param_type t) {
  return (unsigned)t <= ROS_PARAM_STRING_ARRAY ? type_names[t] : "unknown";
}

bool ros_param_type_is_array(ros_param_type t) {
  return t >= ROS_PARAM_BYTE_ARRAY && t <= ROS_PARAM_STRING_ARRAY;
}

void ros_param_value_init(ros_param_value *v) {
  memset(v, 0, sizeof *v);
  v->type = ROS_PARAM_NOT_SET;
}

static void free_strings(char **a, size_t n) {
  if (!a) return;
  for (size_t i = 0; i < n; i++) free(a[i]);
  free(a);
}

void ros_param_value_fini(ros_param_value *v) {
  if (!v) return;
  free(v->string_value);
  free(v->byte_array);
  free(v->bool_array);
  free(v->integer_array);
  free(v->double_array);
  free_strings(v->string_array, v->array_len);
  ros_param_value_init(v);
}

static void replace(ros_param_value *v, ros_param_value *tmp) {
  ros_param_value_fini(v);
  *v = *tmp;
}

void ros_param_value_set_bool(ros_param_value *v, bool b) {
  if (!v) return;
  ros_param_value_fini(v);
  v->type = ROS_PARAM_BOOL;
  v->bool_value = b;
}

void ros_param_value_set_integer(ros_param_value *v, int64_t i) {
  if (!v) return;
  ros_param_value_fini(v);
  v->type = ROS_PARAM_INTEGER;
  v->integer_value = i;
}

void ros_param_value_set_double(ros_param_value *v, double d) {
  if (!v) return;
  ros_param_value_fini(v);
  v->type = ROS_PARAM_DOUBLE;
  v->double_value = d;
}

ros_param_status ros_param_value_set_string(ros_param_value *v, const char *s) {
  if (!v || !s) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  char *copy = strdup(s);
  if (!copy) return ROS_PARAM_ERR_NO_MEMORY;
  ros_param_value tmp;
  ros_param_value_init(&tmp);
  tmp.type = ROS_PARAM_STRING;
  tmp.string_value = copy;
  replace(v, &tmp);
  return ROS_PARAM_OK;
}

/* Copies n elements of size sz into a fresh block (at least one byte, so n == 0 is not NULL). */
static ros_param_status dup_block(const void *a, size_t n, size_t sz, void **out) {
  if (!a && n > 0) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  if (n > LMS_MAX_PARAM_ARRAY) return ROS_PARAM_ERR_TOO_LARGE;
  void *p = malloc(n ? n * sz : 1);
  if (!p) return ROS_PARAM_ERR_NO_MEMORY;
  if (n) memcpy(p, a, n * sz);
  *out = p;
  return ROS_PARAM_OK;
}

static ros_param_status set_block(ros_param_value *v, ros_param_type t, const void *a, size_t n,
                                  size_t sz) {
  if (!v) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  void *p = NULL;
  ros_param_status st = dup_block(a, n, sz, &p);
  if (st != ROS_PARAM_OK) return st;
  ros_param_value tmp;
  ros_param_value_init(&tmp);
  tmp.type = t;
  tmp.array_len = n;
  tmp.array_cap = n;
  if (t == ROS_PARAM_BYTE_ARRAY) tmp.byte_array = p;
  else if (t == ROS_PARAM_BOOL_ARRAY) tmp.bool_array = p;
  else if (t == ROS_PARAM_INTEGER_ARRAY) tmp.integer_array = p;
  else tmp.double_array = p;
  replace(v, &tmp);
  return ROS_PARAM_OK;
}

ros_param_status ros_param_value_set_byte_array(ros_param_value *v, const uint8_t *a, size_t n) {
  return set_block(v, ROS_PARAM_BYTE_ARRAY, a, n, sizeof *a);
}
ros_param_status ros_param_value_set_bool_array(ros_param_value *v, const bool *a, size_t n) {
  return set_block(v, ROS_PARAM_BOOL_ARRAY, a, n, sizeof *a);
}
ros_param_status ros_param_value_set_integer_array(ros_param_value *v, const int64_t *a, size_t n) {
  return set_block(v, ROS_PARAM_INTEGER_ARRAY, a, n, sizeof *a);
}
ros_param_status ros_param_value_set_double_array(ros_param_value *v, const double *a, size_t n) {
  return set_block(v, ROS_PARAM_DOUBLE_ARRAY, a, n, sizeof *a);
}

ros_param_status ros_param_value_set_string_array(ros_param_value *v, const char *const *a, size_t n) {
  if (!v || (!a && n > 0)) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  if (n > LMS_MAX_PARAM_ARRAY) return ROS_PARAM_ERR_TOO_LARGE;
  for (size_t i = 0; i < n; i++)
    if (!a[i]) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  char **copy = calloc(n ? n : 1, sizeof *copy);
  if (!copy) return ROS_PARAM_ERR_NO_MEMORY;
  for (size_t i = 0; i < n; i++) {
    copy[i] = strdup(a[i]);
    if (!copy[i]) {
      free_strings(copy, i);
      return ROS_PARAM_ERR_NO_MEMORY;
    }
  }
  ros_param_value tmp;
  ros_param_value_init(&tmp);
  tmp.type = ROS_PARAM_STRING_ARRAY;
  tmp.array_len = n;
  tmp.array_cap = n;
  tmp.string_array = copy;
  replace(v, &tmp);
  return ROS_PARAM_OK;
}

ros_param_status ros_param_value_copy(ros_param_value *dst, const ros_param_value *src) {
  if (!dst || !src) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  if (dst == src) return ROS_PARAM_OK;
  switch (src->type) {
    case ROS_PARAM_NOT_SET: ros_param_value_fini(dst); return ROS_PARAM_OK;
    case ROS_PARAM_BOOL: ros_param_value_set_bool(dst, src->bool_value); return ROS_PARAM_OK;
    case ROS_PARAM_INTEGER: ros_param_value_set_integer(dst, src->integer_value); return ROS_PARAM_OK;
    case ROS_PARAM_DOUBLE: ros_param_value_set_double(dst, src->double_value); return ROS_PARAM_OK;
    case ROS_PARAM_STRING: return ros_param_value_set_string(dst, src->string_value);
    case ROS_PARAM_BYTE_ARRAY: return ros_param_value_set_byte_array(dst, src->byte_array, src->array_len);
    case ROS_PARAM_BOOL_ARRAY: return ros_param_value_set_bool_array(dst, src->bool_array, src->array_len);
    case ROS_PARAM_INTEGER_ARRAY: return ros_param_value_set_integer_array(dst, src->integer_array, src->array_len);
    case ROS_PARAM_DOUBLE_ARRAY: return ros_param_value_set_double_array(dst, src->double_array, src->array_len);
    case ROS_PARAM_STRING_ARRAY:
      return ros_param_value_set_string_array(dst, (const char *const *)src->string_array, src->array_len);
  }
  return ROS_PARAM_ERR_INVALID_ARGUMENT;
}

static bool double_eq(double a, double b) { return a == b || (isnan(a) && isnan(b)); }
static const char *text_of(const char *s) { return s ? s : ""; }

bool ros_param_value_equal(const ros_param_value *a, const ros_param_value *b) {
  if (!a || !b) return a == b;
  if (a->type != b->type) return false;
  if (ros_param_type_is_array(a->type) && a->array_len != b->array_len) return false;
  size_t n = a->array_len;
  switch (a->type) {
    case ROS_PARAM_NOT_SET: return true;
    case ROS_PARAM_BOOL: return a->bool_value == b->bool_value;
    case ROS_PARAM_INTEGER: return a->integer_value == b->integer_value;
    case ROS_PARAM_DOUBLE: return double_eq(a->double_value, b->double_value);
    case ROS_PARAM_STRING: return strcmp(text_of(a->string_value), text_of(b->string_value)) == 0;
    case ROS_PARAM_BYTE_ARRAY: return n == 0 || memcmp(a->byte_array, b->byte_array, n) == 0;
    case ROS_PARAM_BOOL_ARRAY:
      for (size_t i = 0; i < n; i++)
        if (a->bool_array[i] != b->bool_array[i]) return false;
      return true;
    case ROS_PARAM_INTEGER_ARRAY: return n == 0 || memcmp(a->integer_array, b->integer_array, n * sizeof(int64_t)) == 0;
    case ROS_PARAM_DOUBLE_ARRAY:
      for (size_t i = 0; i < n; i++)
        if (!double_eq(a->double_array[i], b->double_array[i])) return false;
      return true;
    case ROS_PARAM_STRING_ARRAY:
      for (size_t i = 0; i < n; i++)
        if (strcmp(text_of(a->string_array[i]), text_of(b->string_array[i])) != 0) return false;
      return true;
  }
  return false;
}

bool ros_param_value_is_empty_array(const ros_param_value *v) {
  return v && ros_param_type_is_array(v->type) && v->array_len == 0;
}

static bool in_list(const char *s, const char *const *list) {
  for (; *list; list++)
    if (strcmp(s, *list) == 0) return true;
  return false;
}

static const char *const true_words[] = {"Y", "y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL};
static const char *const false_words[] = {"N", "n", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL};
static const char *const special_doubles[] = {
  ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", NULL};

/* rcl's typing of a plain (unquoted), non-empty, NUL-terminated scalar. */
static ros_param_type classify_plain(const char *text, size_t len, bool *b, int64_t *i, double *d) {
  if (in_list(text, true_words)) {
    *b = true;
    return ROS_PARAM_BOOL;
  }
  if (in_list(text, false_words)) {
    *b = false;
    return ROS_PARAM_BOOL;
  }
  char *end = NULL;
  errno = 0;
  long long ll = strtoll(text, &end, 0);
  if (errno == 0 && end != text && end == text + len) {
    *i = (int64_t)ll;
    return ROS_PARAM_INTEGER;
  }
  if (in_list(text, special_doubles)) {
    bool neg = text[0] == '-';
    *d = (text[len - 1] == 'n' || text[len - 1] == 'N') ? NAN : (neg ? -INFINITY : INFINITY);
    return ROS_PARAM_DOUBLE;
  }
  errno = 0;
  double dv = strtod(text, &end);
  if (errno == 0 && end != text && end == text + len) {
    *d = dv;
    return ROS_PARAM_DOUBLE;
  }
  return ROS_PARAM_STRING;
}

ros_param_status ros_param_value_from_scalar(const char *text, size_t len, bool quoted,
                                             ros_param_value *out) {
  if (!text || !out) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  if (memchr(text, '\0', len)) return ROS_PARAM_ERR_NUL_IN_STRING;
  if (quoted) return ros_param_value_set_string(out, text);
  if (len == 0) return ROS_PARAM_ERR_EMPTY_VALUE;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  switch (classify_plain(text, len, &b, &i, &d)) {
    case ROS_PARAM_BOOL: ros_param_value_set_bool(out, b); return ROS_PARAM_OK;
    case ROS_PARAM_INTEGER: ros_param_value_set_integer(out, i); return ROS_PARAM_OK;
    case ROS_PARAM_DOUBLE: ros_param_value_set_double(out, d); return ROS_PARAM_OK;
    default: return ros_param_value_set_string(out, text);
  }
}

/* Makes room for element len in p (elements of sz bytes, *cap allocated). Returns the block
 * to use, or NULL (p untouched) when out of memory. */
static void *grow(void *p, size_t *cap, size_t len, size_t sz) {
  if (p && len < *cap) return p;
  size_t ncap = len < 4 ? 4 : len * 2;
  if (ncap > LMS_MAX_PARAM_ARRAY) ncap = LMS_MAX_PARAM_ARRAY;
  void *np = realloc(p, ncap * sz);
  if (np) *cap = ncap;
  return np;
}

ros_param_status ros_param_value_append(ros_param_value *arr, const ros_param_value *elem) {
  if (!arr || !elem) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  if (elem->type < ROS_PARAM_BOOL || elem->type > ROS_PARAM_STRING) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  ros_param_type want = (ros_param_type)(elem->type + 5); /* BOOL→BOOL_ARRAY … STRING→STRING_ARRAY */
  bool adopt = arr->type == ROS_PARAM_NOT_SET || (arr->type == ROS_PARAM_STRING_ARRAY && arr->array_len == 0);
  if (!adopt && !ros_param_type_is_array(arr->type)) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  if (!adopt && arr->type != want) return ROS_PARAM_ERR_MIXED_TYPES;
  if (adopt && arr->type == ROS_PARAM_STRING_ARRAY) {
    ros_param_value tmp;
    ros_param_value_init(&tmp);
    ros_param_status st = ros_param_value_append(&tmp, elem);
    if (st == ROS_PARAM_OK) replace(arr, &tmp);
    return st;
  }
  size_t n = arr->array_len;
  if (n >= LMS_MAX_PARAM_ARRAY) return ROS_PARAM_ERR_TOO_LARGE;
  bool okay = false;
  void *np;
  switch (want) {
    case ROS_PARAM_BOOL_ARRAY:
      if ((np = grow(arr->bool_array, &arr->array_cap, n, sizeof(bool)))) {
        arr->bool_array = np;
        arr->bool_array[n] = elem->bool_value;
        okay = true;
      }
      break;
    case ROS_PARAM_INTEGER_ARRAY:
      if ((np = grow(arr->integer_array, &arr->array_cap, n, sizeof(int64_t)))) {
        arr->integer_array = np;
        arr->integer_array[n] = elem->integer_value;
        okay = true;
      }
      break;
    case ROS_PARAM_DOUBLE_ARRAY:
      if ((np = grow(arr->double_array, &arr->array_cap, n, sizeof(double)))) {
        arr->double_array = np;
        arr->double_array[n] = elem->double_value;
        okay = true;
      }
      break;
    default: {
      char *s = strdup(elem->string_value ? elem->string_value : "");
      if (s && (np = grow(arr->string_array, &arr->array_cap, n, sizeof(char *)))) {
        arr->string_array = np;
        arr->string_array[n] = s;
        okay = true;
      } else {
        free(s);
      }
      break;
    }
  }
  if (!okay) return ROS_PARAM_ERR_NO_MEMORY;
  arr->type = want;
  arr->array_len = n + 1;
  return ROS_PARAM_OK;
}

/* Shortest %g form that reads back to the same double, always looking like a double. */
static void format_double(double d, char out[40]) {
  if (isnan(d)) {
    snprintf(out, 40, ".nan");
    return;
  }
  if (isinf(d)) {
    snprintf(out, 40, d > 0 ? ".inf" : "-.inf");
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(out, 40, "%.*g", prec, d);
    if (strtod(out, NULL) == d) break;
  }
  if (!strpbrk(out, ".eEn")) strncat(out, ".0", 39 - strlen(out));
}

static bool plain_safe(const char *s) {
  if (!s[0] || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0) return false;
  for (const char *p = s; *p; p++) {
    char c = *p;
    bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '/' || c == '-';
    if (!okc) return false;
  }
  bool b;
  int64_t i;
  double d;
  return classify_plain(s, strlen(s), &b, &i, &d) == ROS_PARAM_STRING;
}

static bool append_string(dynbuf *out, const char *s) {
  if (plain_safe(s)) return dynbuf_append_str(out, s);
  bool control = false;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) control = true;
  if (!dynbuf_append_str(out, control ? "\"" : "'")) return false;
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    bool okc;
    if (!control) okc = c == '\'' ? dynbuf_append_str(out, "''") : dynbuf_append(out, p, 1);
    else if (c == '"' || c == '\\') okc = dynbuf_printf(out, "\\%c", c);
    else if (c == '\n') okc = dynbuf_append_str(out, "\\n");
    else if (c == '\t') okc = dynbuf_append_str(out, "\\t");
    else if (c < 0x20 || c == 0x7f) okc = dynbuf_printf(out, "\\x%02x", c);
    else okc = dynbuf_append(out, p, 1);
    if (!okc) return false;
  }
  return dynbuf_append_str(out, control ? "\"" : "'");
}

/* Appends as much as fits; false at the first append that does not. */
static bool format_value(const ros_param_value *v, dynbuf *out) {
  char num[40];
  switch (v->type) {
    case ROS_PARAM_NOT_SET: return dynbuf_append_str(out, "(not set)");
    case ROS_PARAM_BOOL: return dynbuf_append_str(out, v->bool_value ? "true" : "false");
    case ROS_PARAM_INTEGER: return dynbuf_printf(out, "%" PRId64, v->integer_value);
    case ROS_PARAM_DOUBLE: format_double(v->double_value, num); return dynbuf_append_str(out, num);
    case ROS_PARAM_STRING: return append_string(out, v->string_value ? v->string_value : "");
    default: break;
  }
  if (!dynbuf_append_str(out, "[")) return false;
  for (size_t i = 0; i < v->array_len; i++) {
    if (i && !dynbuf_append_str(out, ", ")) return false;
    bool okay = true;
    switch (v->type) {
      case ROS_PARAM_BYTE_ARRAY: okay = dynbuf_printf(out, "0x%02x", v->byte_array[i]); break;
      case ROS_PARAM_BOOL_ARRAY: okay = dynbuf_append_str(out, v->bool_array[i] ? "true" : "false"); break;
      case ROS_PARAM_INTEGER_ARRAY: okay = dynbuf_printf(out, "%" PRId64, v->integer_array[i]); break;
      case ROS_PARAM_DOUBLE_ARRAY:
        format_double(v->double_array[i], num);
        okay = dynbuf_append_str(out, num);
        break;
      default: okay = append_string(out, v->string_array[i] ? v->string_array[i] : ""); break;
    }
    if (!okay) return false;
  }
  return dynbuf_append_str(out, "]");
}

ros_param_status ros_param_value_append_yaml(const ros_param_value *v, dynbuf *out) {
  if (!v || !out || (unsigned)v->type > ROS_PARAM_STRING_ARRAY) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  size_t saved = out->len;
  if (format_value(v, out)) return ROS_PARAM_OK;
  out->len = saved;
  if (out->data) out->data[saved] = '\0';
  return ROS_PARAM_ERR_TOO_LARGE;
}

ros_param_status ros_param_value_to_string(const ros_param_value *v, char *buf, size_t size) {
  if (!buf || size == 0) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  buf[0] = '\0';
  if (!v || (unsigned)v->type > ROS_PARAM_STRING_ARRAY) return ROS_PARAM_ERR_INVALID_ARGUMENT;
  dynbuf d;
  dynbuf_init(&d, size + 64);
  bool complete = format_value(v, &d);
  size_t n = d.len;
  if (complete && n < size) {
    memcpy(buf, d.data ? d.data : "", n + 1);
    dynbuf_free(&d);
    return ROS_PARAM_OK;
  }
  size_t keep = n < size - 1 ? n : size - 1;
  keep = keep >= 3 ? keep - 3 : 0;
  if (keep) memcpy(buf, d.data, keep);
  size_t dots = size - 1 - keep < 3 ? size - 1 - keep : 3;
  memcpy(buf + keep, "...", dots);
  buf[keep + dots] = '\0';
  dynbuf_free(&d);
  return ROS_PARAM_ERR_TOO_LARGE;
}
