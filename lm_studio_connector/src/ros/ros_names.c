/* ros_names.c: the name rules of ROS2_WIRE.md §1 written out in C, mirroring rmw's validators
 * (rmw_validate_node_name, _namespace, _full_topic_name) and rcl_expand_topic_name.
 * Owns no state and allocates nothing: each result is built in a local buffer and copied to
 * the caller's only when complete, so a failed call leaves the output untouched. Messages quote
 * the offending name (clipped to 200 characters, non-printable bytes shown as hex).
 * Pure functions; safe from any thread. */
#include "ros_names.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  const char *sentence;
} status_info[ROS_NAMES_STATUS_COUNT] = {
  [ROS_NAMES_OK] = {"ROS_NAMES_OK", "Success."},
  [ROS_NAMES_ERR_INVALID_ARGUMENT] = {"ROS_NAMES_ERR_INVALID_ARGUMENT", "A required argument was NULL or empty."},
  [ROS_NAMES_ERR_EMPTY] = {"ROS_NAMES_ERR_EMPTY", "The name is empty."},
  [ROS_NAMES_ERR_BAD_CHARACTER] = {"ROS_NAMES_ERR_BAD_CHARACTER", "The name contains a character that ROS names do not allow."},
  [ROS_NAMES_ERR_STARTS_WITH_DIGIT] = {"ROS_NAMES_ERR_STARTS_WITH_DIGIT", "The name or one of its tokens starts with a digit."},
  [ROS_NAMES_ERR_TOO_LONG] = {"ROS_NAMES_ERR_TOO_LONG", "The name is longer than ROS allows."},
  [ROS_NAMES_ERR_NOT_ABSOLUTE] = {"ROS_NAMES_ERR_NOT_ABSOLUTE", "The name must start with '/'."},
  [ROS_NAMES_ERR_DOUBLE_SLASH] = {"ROS_NAMES_ERR_DOUBLE_SLASH", "The name contains '//'."},
  [ROS_NAMES_ERR_TRAILING_SLASH] = {"ROS_NAMES_ERR_TRAILING_SLASH", "The name ends with '/'."},
  [ROS_NAMES_ERR_MISPLACED_TILDE] = {"ROS_NAMES_ERR_MISPLACED_TILDE", "'~' may only start a name and must be followed by '/'."},
  [ROS_NAMES_ERR_BAD_SUBSTITUTION] = {"ROS_NAMES_ERR_BAD_SUBSTITUTION", "A {substitution} is unbalanced, nested, empty or contains bad characters."},
  [ROS_NAMES_ERR_UNKNOWN_SUBSTITUTION] = {"ROS_NAMES_ERR_UNKNOWN_SUBSTITUTION", "The name uses a substitution other than {node}, {ns} or {namespace}."},
  [ROS_NAMES_ERR_BUFFER_TOO_SMALL] = {"ROS_NAMES_ERR_BUFFER_TOO_SMALL", "The result does not fit the output buffer."},
  [ROS_NAMES_ERR_NOT_ROS_TOPIC] = {"ROS_NAMES_ERR_NOT_ROS_TOPIC", "The DDS topic name does not follow the ROS mangling (rt/, rq/...Request, rr/...Reply)."},
};

const char *ros_names_status_name(ros_names_status s) {
  if ((unsigned)s >= ROS_NAMES_STATUS_COUNT || !status_info[s].name) return "ROS_NAMES_ERR_?";
  return status_info[s].name;
}

const char *ros_names_strerror(ros_names_status s) {
  if ((unsigned)s >= ROS_NAMES_STATUS_COUNT || !status_info[s].sentence) return "Unknown error code.";
  return status_info[s].sentence;
}

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_token_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

/* snprintf where cutting the text short is intended (messages). */
static void put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, size, fmt, ap);
  va_end(ap);
}

/* Fills err with "<what> '<name>' is invalid: <reason>" and returns code. */
static ros_names_status fail(ros_names_error *err, ros_names_status code, size_t index,
                             const char *what, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static ros_names_status fail(ros_names_error *err, ros_names_status code, size_t index,
                             const char *what, const char *name, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  err->index = index;
  char reason[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  if (!name) {
    put(err->message, sizeof err->message, "%s: %s", what, reason);
    return code;
  }
  char quoted[216];
  size_t o = 0, i = 0;
  for (; name[i] && o < 200; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c >= 0x20 && c < 0x7f) quoted[o++] = (char)c;
    else o += (size_t)snprintf(quoted + o, sizeof quoted - o, "\\x%02x", c);
  }
  if (name[i]) {
    memcpy(quoted + o, "...", 3);
    o += 3;
  }
  quoted[o] = '\0';
  put(err->message, sizeof err->message, "%s '%s' is invalid: %s", what, quoted, reason);
  return code;
}

static ros_names_status ok(ros_names_error *err) {
  if (err) {
    err->code = ROS_NAMES_OK;
    err->index = 0;
    err->message[0] = '\0';
  }
  return ROS_NAMES_OK;
}

/* "'x'" for printable characters, "0x0a" for others. */
static const char *char_desc(char c, char out[8]) {
  unsigned char u = (unsigned char)c;
  if (u > 0x20 && u < 0x7f) snprintf(out, 8, "'%c'", c);
  else snprintf(out, 8, "0x%02x", u);
  return out;
}

static ros_names_status copy_out(const char *s, size_t len, char *out, size_t out_size,
                                 ros_names_error *err) {
  if (len + 1 > out_size)
    return fail(err, ROS_NAMES_ERR_BUFFER_TOO_SMALL, 0, "result", s,
                "%zu bytes needed, the buffer has %zu", len + 1, out_size);
  memcpy(out, s, len);
  out[len] = '\0';
  return ok(err);
}

ros_names_status ros_names_validate_node_name(const char *name, ros_names_error *err) {
  const char *what = "node name";
  if (!name) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, what, NULL, "NULL");
  size_t len = strlen(name);
  char cd[8];
  if (len == 0) return fail(err, ROS_NAMES_ERR_EMPTY, 0, what, name, "it is empty");
  for (size_t i = 0; i < len; i++)
    if (!is_token_char(name[i]))
      return fail(err, ROS_NAMES_ERR_BAD_CHARACTER, i, what, name,
                  "character %s at index %zu is not allowed (only A-Z, a-z, 0-9 and _)",
                  char_desc(name[i], cd), i);
  if (is_digit(name[0]))
    return fail(err, ROS_NAMES_ERR_STARTS_WITH_DIGIT, 0, what, name, "it must not start with a digit");
  if (len > ROS_NODE_NAME_MAX)
    return fail(err, ROS_NAMES_ERR_TOO_LONG, ROS_NODE_NAME_MAX, what, name,
                "%zu characters, the maximum is %d", len, ROS_NODE_NAME_MAX);
  return ok(err);
}

/* The shared rules of namespaces and expanded names, in rmw's order. */
static ros_names_status check_full(const char *what, const char *name, bool is_namespace,
                                   size_t max, ros_names_error *err) {
  if (!name) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, what, NULL, "NULL");
  size_t len = strlen(name);
  char cd[8];
  if (len == 0) return fail(err, ROS_NAMES_ERR_EMPTY, 0, what, name, "it is empty");
  if (name[0] != '/') return fail(err, ROS_NAMES_ERR_NOT_ABSOLUTE, 0, what, name, "it must start with '/'");
  if (is_namespace && len == 1) return ok(err);
  if (name[len - 1] == '/')
    return fail(err, ROS_NAMES_ERR_TRAILING_SLASH, len - 1, what, name, "it must not end with '/'");
  for (size_t i = 0; i < len; i++)
    if (!is_token_char(name[i]) && name[i] != '/')
      return fail(err, ROS_NAMES_ERR_BAD_CHARACTER, i, what, name,
                  "character %s at index %zu is not allowed (only A-Z, a-z, 0-9, _ and /)",
                  char_desc(name[i], cd), i);
  for (size_t i = 0; i + 1 < len; i++) {
    if (name[i] != '/') continue;
    if (name[i + 1] == '/')
      return fail(err, ROS_NAMES_ERR_DOUBLE_SLASH, i + 1, what, name, "it contains '//' at index %zu", i);
    if (is_digit(name[i + 1]))
      return fail(err, ROS_NAMES_ERR_STARTS_WITH_DIGIT, i + 1, what, name,
                  "the token at index %zu starts with a digit", i + 1);
  }
  if (len > max)
    return fail(err, ROS_NAMES_ERR_TOO_LONG, max, what, name, "%zu characters, the maximum is %zu", len, max);
  return ok(err);
}

ros_names_status ros_names_validate_namespace(const char *ns, ros_names_error *err) {
  return check_full("namespace", ns, true, ROS_NAMESPACE_MAX, err);
}

ros_names_status ros_names_validate_full_name(const char *name, ros_names_error *err) {
  return check_full("name", name, false, ROS_TOPIC_NAME_MAX, err);
}

ros_names_status ros_names_normalize_namespace(const char *ns, char *out, size_t out_size,
                                               ros_names_error *err) {
  if (!out || out_size == 0) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "output buffer", NULL, "NULL or empty");
  if (!ns || !ns[0]) return copy_out("/", 1, out, out_size, err);
  char buf[ROS_NAME_BUF_SIZE];
  size_t len = strlen(ns);
  if (ns[0] == '/') {
    ros_names_status st = ros_names_validate_namespace(ns, err);
    return st != ROS_NAMES_OK ? st : copy_out(ns, len, out, out_size, err);
  }
  if (len + 2 > sizeof buf)
    return fail(err, ROS_NAMES_ERR_TOO_LONG, ROS_NAMESPACE_MAX, "namespace", ns,
                "%zu characters, the maximum is %d", len + 1, ROS_NAMESPACE_MAX);
  buf[0] = '/';
  memcpy(buf + 1, ns, len + 1);
  ros_names_status st = ros_names_validate_namespace(buf, err);
  return st != ROS_NAMES_OK ? st : copy_out(buf, len + 1, out, out_size, err);
}

/* A small bounded string builder; overflow is sticky. */
typedef struct sbuild {
  char *p;
  size_t cap, len;
  bool overflow;
} sbuild;

static void sb_add(sbuild *b, const char *s, size_t n) {
  if (b->overflow || n >= b->cap - b->len) {
    b->overflow = true;
    return;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(sbuild *b, const char *s) { sb_add(b, s, strlen(s)); }

static ros_names_status check_node(const char *node_name, const char *ns, ros_names_error *err) {
  ros_names_status st = ros_names_validate_node_name(node_name, err);
  return st != ROS_NAMES_OK ? st : ros_names_validate_namespace(ns, err);
}

ros_names_status ros_names_fqn(const char *node_name, const char *ns, char *out, size_t out_size,
                               ros_names_error *err) {
  if (!out || out_size == 0) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "output buffer", NULL, "NULL or empty");
  ros_names_status st = check_node(node_name, ns, err);
  if (st != ROS_NAMES_OK) return st;
  char buf[ROS_NAME_BUF_SIZE];
  sbuild b = {buf, sizeof buf, 0, false};
  buf[0] = '\0';
  if (strcmp(ns, "/") != 0) sb_str(&b, ns);
  sb_str(&b, "/");
  sb_str(&b, node_name);
  return copy_out(buf, b.len, out, out_size, err);
}

ros_names_status ros_names_logger_name(const char *node_name, const char *ns, char *out,
                                       size_t out_size, ros_names_error *err) {
  if (!out || out_size == 0) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "output buffer", NULL, "NULL or empty");
  ros_names_status st = check_node(node_name, ns, err);
  if (st != ROS_NAMES_OK) return st;
  char buf[ROS_NAME_BUF_SIZE];
  sbuild b = {buf, sizeof buf, 0, false};
  buf[0] = '\0';
  if (strcmp(ns, "/") != 0) {
    sb_str(&b, ns + 1);
    for (size_t i = 0; i < b.len; i++)
      if (buf[i] == '/') buf[i] = '.';
    sb_str(&b, ".");
  }
  sb_str(&b, node_name);
  return copy_out(buf, b.len, out, out_size, err);
}

/* rcl_validate_topic_name's rules for a name before expansion. */
static ros_names_status check_unexpanded(const char *name, ros_names_error *err) {
  const char *what = "name";
  size_t len = strlen(name);
  char cd[8];
  if (len == 0) return fail(err, ROS_NAMES_ERR_EMPTY, 0, what, name, "it is empty");
  if (name[len - 1] == '/')
    return fail(err, ROS_NAMES_ERR_TRAILING_SLASH, len - 1, what, name, "it must not end with '/'");
  bool in_brace = false;
  size_t open = 0;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (in_brace) {
      if (c == '}') {
        if (i == open + 1)
          return fail(err, ROS_NAMES_ERR_BAD_SUBSTITUTION, open, what, name, "empty substitution '{}' at index %zu", open);
        in_brace = false;
      } else if (!is_token_char(c)) {
        return fail(err, ROS_NAMES_ERR_BAD_SUBSTITUTION, i, what, name,
                    "character %s at index %zu is not allowed inside {...}", char_desc(c, cd), i);
      }
      continue;
    }
    if (c == '{') {
      in_brace = true;
      open = i;
    } else if (c == '}') {
      return fail(err, ROS_NAMES_ERR_BAD_SUBSTITUTION, i, what, name, "'}' at index %zu has no matching '{'", i);
    } else if (c == '~') {
      if (i != 0)
        return fail(err, ROS_NAMES_ERR_MISPLACED_TILDE, i, what, name, "'~' at index %zu: it may only be the first character", i);
      if (len > 1 && name[1] != '/')
        return fail(err, ROS_NAMES_ERR_MISPLACED_TILDE, 1, what, name, "'~' must be followed by '/'");
    } else if (!is_token_char(c) && c != '/') {
      return fail(err, ROS_NAMES_ERR_BAD_CHARACTER, i, what, name,
                  "character %s at index %zu is not allowed (only A-Z, a-z, 0-9, _, /, ~ and {})",
                  char_desc(c, cd), i);
    } else if (is_digit(c) && (i == 0 || name[i - 1] == '/')) {
      return fail(err, ROS_NAMES_ERR_STARTS_WITH_DIGIT, i, what, name, "the token at index %zu starts with a digit", i);
    }
  }
  if (in_brace)
    return fail(err, ROS_NAMES_ERR_BAD_SUBSTITUTION, open, what, name, "'{' at index %zu is never closed", open);
  return ok(err);
}

ros_names_status ros_names_expand(const char *name, const char *node_name, const char *ns,
                                  char *out, size_t out_size, ros_names_error *err) {
  if (!name) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "name", NULL, "NULL");
  if (!out || out_size == 0) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "output buffer", NULL, "NULL or empty");
  ros_names_status st = check_unexpanded(name, err);
  if (st == ROS_NAMES_OK) st = check_node(node_name, ns, err);
  if (st != ROS_NAMES_OK) return st;
  bool root = strcmp(ns, "/") == 0;

  /* Private names first, then substitutions (rcl's order). */
  char sub[ROS_NAME_BUF_SIZE];
  sbuild b = {sub, sizeof sub, 0, false};
  sub[0] = '\0';
  const char *p = name;
  if (name[0] == '~') {
    if (!root) sb_str(&b, ns);
    sb_str(&b, "/");
    sb_str(&b, node_name);
    p = name + 1;
  }
  while (*p) {
    if (*p != '{') {
      sb_add(&b, p++, 1);
      continue;
    }
    const char *close = strchr(p, '}');
    size_t n = (size_t)(close - p) + 1;
    if (n == 6 && memcmp(p, "{node}", 6) == 0) sb_str(&b, node_name);
    else if ((n == 4 && memcmp(p, "{ns}", 4) == 0) || (n == 11 && memcmp(p, "{namespace}", 11) == 0))
      sb_str(&b, ns);
    else
      return fail(err, ROS_NAMES_ERR_UNKNOWN_SUBSTITUTION, (size_t)(p - name), "name", name,
                  "unknown substitution '%.*s' (known: {node}, {ns}, {namespace})", (int)n, p);
    p = close + 1;
  }

  char full[ROS_NAME_BUF_SIZE];
  sbuild f = {full, sizeof full, 0, false};
  full[0] = '\0';
  if (sub[0] != '/') {
    if (!root) sb_str(&f, ns);
    sb_str(&f, "/");
  }
  sb_str(&f, sub);
  if (b.overflow || f.overflow)
    return fail(err, ROS_NAMES_ERR_TOO_LONG, 0, "name", name,
                "once expanded it is longer than %d characters", ROS_TOPIC_NAME_MAX);
  char what[260];
  snprintf(what, sizeof what, "name '%.200s' expanded to", name);
  st = check_full(what, full, false, ROS_TOPIC_NAME_MAX, err);
  return st != ROS_NAMES_OK ? st : copy_out(full, f.len, out, out_size, err);
}

bool ros_names_is_hidden(const char *name) {
  if (!name) return false;
  for (const char *p = name; *p; p++)
    if (*p == '_' && (p == name || p[-1] == '/')) return true;
  return false;
}

static const char *const dds_prefix[] = {NULL, "rt", "rq", "rr"};
static const char *const dds_suffix[] = {NULL, "", "Request", "Reply"};

ros_names_status ros_names_to_dds(const char *expanded_name, ros_dds_kind kind, char *out,
                                  size_t out_size, ros_names_error *err) {
  if (!out || out_size == 0) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "output buffer", NULL, "NULL or empty");
  if (kind < ROS_DDS_TOPIC || kind > ROS_DDS_REPLY)
    return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "kind", NULL, "%d is not a ros_dds_kind", (int)kind);
  ros_names_status st = ros_names_validate_full_name(expanded_name, err);
  if (st != ROS_NAMES_OK) return st;
  char buf[ROS_NAME_BUF_SIZE];
  sbuild b = {buf, sizeof buf, 0, false};
  sb_str(&b, dds_prefix[kind]);
  sb_str(&b, expanded_name);
  sb_str(&b, dds_suffix[kind]);
  return copy_out(buf, b.len, out, out_size, err);
}

ros_names_status ros_names_from_dds(const char *dds_name, ros_dds_kind *kind, char *out,
                                    size_t out_size, ros_names_error *err) {
  if (!dds_name) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "DDS topic name", NULL, "NULL");
  if (!kind || !out || out_size == 0)
    return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "output", NULL, "kind or buffer is NULL or empty");
  size_t len = strlen(dds_name);
  for (int k = ROS_DDS_TOPIC; k <= ROS_DDS_REPLY; k++) {
    size_t sl = strlen(dds_suffix[k]);
    if (len < 2 + sl + 2 || memcmp(dds_name, dds_prefix[k], 2) != 0 || dds_name[2] != '/') continue;
    if (memcmp(dds_name + len - sl, dds_suffix[k], sl) != 0) continue;
    ros_names_status st = copy_out(dds_name + 2, len - 2 - sl, out, out_size, err);
    if (st == ROS_NAMES_OK) *kind = (ros_dds_kind)k;
    return st;
  }
  return fail(err, ROS_NAMES_ERR_NOT_ROS_TOPIC, 0, "DDS topic name", dds_name,
              "it is not of the form rt/NAME, rq/NAMERequest or rr/NAMEReply");
}

static const char *const action_suffix[] = {
  NULL, "/_action/send_goal", "/_action/cancel_goal", "/_action/get_result",
  "/_action/feedback", "/_action/status",
};

ros_names_status ros_names_action(const char *action_name, ros_action_part part, char *out,
                                  size_t out_size, ros_names_error *err) {
  if (!out || out_size == 0) return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "output buffer", NULL, "NULL or empty");
  if (part < ROS_ACTION_SEND_GOAL || part > ROS_ACTION_STATUS)
    return fail(err, ROS_NAMES_ERR_INVALID_ARGUMENT, 0, "part", NULL, "%d is not a ros_action_part", (int)part);
  ros_names_status st = ros_names_validate_full_name(action_name, err);
  if (st != ROS_NAMES_OK) return st;
  char buf[ROS_NAME_BUF_SIZE];
  sbuild b = {buf, sizeof buf, 0, false};
  sb_str(&b, action_name);
  sb_str(&b, action_suffix[part]);
  st = check_full("action entity name", buf, false, ROS_TOPIC_NAME_MAX, err);
  return st != ROS_NAMES_OK ? st : copy_out(buf, b.len, out, out_size, err);
}

bool ros_names_action_part_is_service(ros_action_part part) {
  return part == ROS_ACTION_SEND_GOAL || part == ROS_ACTION_CANCEL_GOAL || part == ROS_ACTION_GET_RESULT;
}
