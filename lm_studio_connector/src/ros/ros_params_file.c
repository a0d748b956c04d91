/* ros_params_file.c: params YAML (ROS2_WIRE.md §7.5) read event by event with libyaml, in the
 * layout rcl_yaml_param_parser accepts: node keys (nested maps joined with '/'), then
 * ros__parameters, then parameters (nested maps joined with '.'). Values are typed by
 * ros_param_value_from_scalar; lists must hold scalars of one type. Every failure names the
 * place as origin:line:column and rolls the output list back to its length on entry.
 * Recursion is bounded by LMS_MAX_PARAMS_DEPTH; the list by LMS_MAX_PARAM_OVERRIDES.
 * No global state: any thread, one list per thread at a time. */
#include "ros_params_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/limits.h"
#include "ros_names.h"

static const struct {
  const char *name;
  const char *sentence;
} status_info[ROS_PARAMS_STATUS_COUNT] = {
  [ROS_PARAMS_OK] = {"ROS_PARAMS_OK", "Success."},
  [ROS_PARAMS_ERR_INVALID_ARGUMENT] = {"ROS_PARAMS_ERR_INVALID_ARGUMENT", "A required argument was NULL."},
  [ROS_PARAMS_ERR_NO_MEMORY] = {"ROS_PARAMS_ERR_NO_MEMORY", "Out of memory."},
  [ROS_PARAMS_ERR_FILE] = {"ROS_PARAMS_ERR_FILE", "The params file could not be opened or read."},
  [ROS_PARAMS_ERR_TOO_LARGE] = {"ROS_PARAMS_ERR_TOO_LARGE", "The params file exceeds a size, nesting or count limit."},
  [ROS_PARAMS_ERR_SYNTAX] = {"ROS_PARAMS_ERR_SYNTAX", "The text is not valid YAML."},
  [ROS_PARAMS_ERR_STRUCTURE] = {"ROS_PARAMS_ERR_STRUCTURE", "The YAML does not have the node / ros__parameters layout."},
  [ROS_PARAMS_ERR_NODE_NAME] = {"ROS_PARAMS_ERR_NODE_NAME", "A node key is neither a valid node name nor a wildcard."},
  [ROS_PARAMS_ERR_VALUE] = {"ROS_PARAMS_ERR_VALUE", "A parameter value is empty, a mixed or nested list, or not a scalar."},
  [ROS_PARAMS_ERR_PARAM_NAME] = {"ROS_PARAMS_ERR_PARAM_NAME", "A parameter name is empty or malformed."},
};

const char *ros_params_status_name(ros_params_status s) {
  if ((unsigned)s >= ROS_PARAMS_STATUS_COUNT || !status_info[s].name) return "ROS_PARAMS_ERR_?";
  return status_info[s].name;
}

const char *ros_params_strerror(ros_params_status s) {
  if ((unsigned)s >= ROS_PARAMS_STATUS_COUNT || !status_info[s].sentence) return "Unknown error code.";
  return status_info[s].sentence;
}

/* Fills err with "origin:line:col: text" (origin and position left out when absent). */
static ros_params_status perr(ros_params_error *err, ros_params_status code, const char *origin,
                              unsigned long line, unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static ros_params_status perr(ros_params_error *err, ros_params_status code, const char *origin,
                              unsigned long line, unsigned long col, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  err->line = line;
  err->column = col;
  char text[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (origin && line) snprintf(err->message, sizeof err->message, "%s:%lu:%lu: %s", origin, line, col, text);
  else if (origin) snprintf(err->message, sizeof err->message, "%s: %s", origin, text);
  else snprintf(err->message, sizeof err->message, "%s", text);
  return code;
}

static void clear(ros_params_error *err) {
  if (!err) return;
  err->code = ROS_PARAMS_OK;
  err->line = err->column = 0;
  err->message[0] = '\0';
}

static char *join(const char *a, const char *sep, const char *b) {
  size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
  char *s = malloc(la + ls + lb + 1);
  if (!s) return NULL;
  memcpy(s, a, la);
  memcpy(s + la, sep, ls);
  memcpy(s + la + ls, b, lb + 1);
  return s;
}

void ros_param_overrides_init(ros_param_overrides *list) {
  list->items = NULL;
  list->count = 0;
  list->cap = 0;
}

static void override_fini(ros_param_override *o) {
  free(o->node);
  free(o->name);
  free(o->origin);
  ros_param_value_fini(&o->value);
}

void ros_param_overrides_truncate(ros_param_overrides *list, size_t count) {
  if (!list) return;
  while (list->count > count) override_fini(&list->items[--list->count]);
}

void ros_param_overrides_fini(ros_param_overrides *list) {
  if (!list) return;
  ros_param_overrides_truncate(list, 0);
  free(list->items);
  ros_param_overrides_init(list);
}

/* rcl's check of a node key: "/" + "**" alone, or [namespace]/name where the namespace may be
 * "/" + "**" and the name may be "*". Writes the absolute form to out. */
static ros_params_status check_node_pattern(const char *raw, char *out, size_t out_size, char *why, size_t why_size) {
  size_t len = strlen(raw);
  if (len == 0 || len + 2 > out_size) {
    snprintf(why, why_size, "it is %s", len ? "too long" : "empty");
    return ROS_PARAMS_ERR_NODE_NAME;
  }
  snprintf(out, out_size, "%s%s", raw[0] == '/' ? "" : "/", raw);
  if (strcmp(out, "/**") == 0) return ROS_PARAMS_OK;
  char *slash = strrchr(out, '/');
  const char *name = slash + 1;
  char ns[ROS_NAME_BUF_SIZE];
  size_t nslen = (size_t)(slash - out);
  if (nslen >= sizeof ns) nslen = sizeof ns - 1;
  memcpy(ns, out, nslen);
  ns[nslen] = '\0';
  if (nslen == 0) snprintf(ns, sizeof ns, "/");
  ros_names_error ne;
  if (strcmp(ns, "/**") != 0 && ros_names_validate_namespace(ns, &ne) != ROS_NAMES_OK) {
    snprintf(why, why_size, "%s", ne.message);
    return ROS_PARAMS_ERR_NODE_NAME;
  }
  if (strcmp(name, "*") != 0 && ros_names_validate_node_name(name, &ne) != ROS_NAMES_OK) {
    snprintf(why, why_size, "%s", ne.message);
    return ROS_PARAMS_ERR_NODE_NAME;
  }
  return ROS_PARAMS_OK;
}

/* Appends an entry taking ownership of value's content (value is left NOT_SET). */
static ros_params_status add_take(ros_param_overrides *list, const char *node, const char *name,
                                  ros_param_value *value, const char *origin) {
  if (list->count >= LMS_MAX_PARAM_OVERRIDES) return ROS_PARAMS_ERR_TOO_LARGE;
  if (list->count == list->cap) {
    size_t ncap = list->cap ? list->cap * 2 : 16;
    if (ncap > LMS_MAX_PARAM_OVERRIDES) ncap = LMS_MAX_PARAM_OVERRIDES;
    ros_param_override *p = realloc(list->items, ncap * sizeof *p);
    if (!p) return ROS_PARAMS_ERR_NO_MEMORY;
    list->items = p;
    list->cap = ncap;
  }
  ros_param_override o = {strdup(node), strdup(name), *value, origin ? strdup(origin) : NULL};
  if (!o.node || !o.name || (origin && !o.origin)) {
    free(o.node);
    free(o.name);
    free(o.origin);
    return ROS_PARAMS_ERR_NO_MEMORY;
  }
  ros_param_value_init(value);
  list->items[list->count++] = o;
  return ROS_PARAMS_OK;
}

ros_params_status ros_param_overrides_add(ros_param_overrides *list, const char *node, const char *name,
                                          const ros_param_value *value, const char *origin,
                                          ros_params_error *err) {
  if (!list || !node || !name || !value)
    return perr(err, ROS_PARAMS_ERR_INVALID_ARGUMENT, NULL, 0, 0, "list, node, name and value must not be NULL");
  char pattern[ROS_NAME_BUF_SIZE], why[ROS_NAMES_MESSAGE_MAX];
  if (check_node_pattern(node, pattern, sizeof pattern, why, sizeof why) != ROS_PARAMS_OK)
    return perr(err, ROS_PARAMS_ERR_NODE_NAME, origin, 0, 0, "node '%.200s' is not a node name or pattern: %s", node, why);
  if (!name[0]) return perr(err, ROS_PARAMS_ERR_PARAM_NAME, origin, 0, 0, "the parameter name is empty");
  ros_param_value copy;
  ros_param_value_init(&copy);
  if (ros_param_value_copy(&copy, value) != ROS_PARAM_OK)
    return perr(err, ROS_PARAMS_ERR_NO_MEMORY, origin, 0, 0, "out of memory copying parameter '%.200s'", name);
  ros_params_status st = add_take(list, pattern, name, &copy, origin);
  ros_param_value_fini(&copy);
  if (st == ROS_PARAMS_ERR_TOO_LARGE)
    return perr(err, st, origin, 0, 0, "more than %u parameter overrides", (unsigned)LMS_MAX_PARAM_OVERRIDES);
  if (st != ROS_PARAMS_OK) return perr(err, st, origin, 0, 0, "out of memory adding parameter '%.200s'", name);
  clear(err);
  return ROS_PARAMS_OK;
}

/* ---- libyaml event reader ---- */

typedef struct loader {
  yaml_parser_t parser;
  yaml_event_t ev;
  bool have_ev;
  const char *origin;          /* NULL for a -p value: messages then carry no position */
  ros_param_overrides *out;
  ros_params_error *err;
} loader;

static unsigned long ev_line(const loader *ld) { return ld->origin ? (unsigned long)ld->ev.start_mark.line + 1 : 0; }
static unsigned long ev_col(const loader *ld) { return (unsigned long)ld->ev.start_mark.column + 1; }

#define LFAIL(ld, code, ...) perr((ld)->err, (code), (ld)->origin, ev_line(ld), ev_col(ld), __VA_ARGS__)

static ros_params_status next(loader *ld) {
  if (ld->have_ev) yaml_event_delete(&ld->ev);
  ld->have_ev = false;
  if (yaml_parser_parse(&ld->parser, &ld->ev)) {
    ld->have_ev = true;
    return ROS_PARAMS_OK;
  }
  yaml_parser_t *p = &ld->parser;
  if (p->error == YAML_MEMORY_ERROR) return perr(ld->err, ROS_PARAMS_ERR_NO_MEMORY, ld->origin, 0, 0, "out of memory parsing YAML");
  const char *problem = p->problem ? p->problem : "unknown problem";
  if (p->error == YAML_READER_ERROR)
    return perr(ld->err, ROS_PARAMS_ERR_SYNTAX, ld->origin, 0, 0, "YAML error at byte %lu: %s",
                (unsigned long)p->problem_offset, problem);
  unsigned long line = ld->origin ? (unsigned long)p->problem_mark.line + 1 : 0;
  return perr(ld->err, ROS_PARAMS_ERR_SYNTAX, ld->origin, line, (unsigned long)p->problem_mark.column + 1,
              "YAML syntax error: %s%s%s", problem, p->context ? " " : "", p->context ? p->context : "");
}

static const char *scalar(const loader *ld) { return (const char *)ld->ev.data.scalar.value; }
static bool quoted(const loader *ld) {
  yaml_scalar_style_t s = ld->ev.data.scalar.style;
  return s == YAML_SINGLE_QUOTED_SCALAR_STYLE || s == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
}

/* Reads the items of a sequence (its start event is current) into the initialised out. */
static ros_params_status read_list(loader *ld, const char *name, int depth, ros_param_value *out) {
  if (depth > LMS_MAX_PARAMS_DEPTH) return LFAIL(ld, ROS_PARAMS_ERR_TOO_LARGE, "nesting deeper than %d levels", LMS_MAX_PARAMS_DEPTH);
  ros_param_value arr, elem;
  ros_param_value_init(&arr);
  ros_param_value_init(&elem);
  ros_params_status st;
  for (size_t item = 1;; item++) {
    if ((st = next(ld)) != ROS_PARAMS_OK) break;
    yaml_event_type_t t = ld->ev.type;
    if (t == YAML_SEQUENCE_END_EVENT) {
      if (arr.type == ROS_PARAM_NOT_SET && ros_param_value_set_string_array(&arr, NULL, 0) != ROS_PARAM_OK) {
        st = LFAIL(ld, ROS_PARAMS_ERR_NO_MEMORY, "out of memory");
        break;
      }
      ros_param_value_fini(&elem);
      ros_param_value_fini(out);
      *out = arr;
      return ROS_PARAMS_OK;
    }
    if (t != YAML_SCALAR_EVENT) {
      st = LFAIL(ld, ROS_PARAMS_ERR_VALUE, "list '%.200s' item %zu is a %s; only lists of scalars are supported",
                 name, item, t == YAML_SEQUENCE_START_EVENT ? "list" : t == YAML_MAPPING_START_EVENT ? "mapping" : "alias");
      break;
    }
    ros_param_status ps = ros_param_value_from_scalar(scalar(ld), ld->ev.data.scalar.length, quoted(ld), &elem);
    if (ps == ROS_PARAM_OK) ps = ros_param_value_append(&arr, &elem);
    if (ps == ROS_PARAM_ERR_MIXED_TYPES) {
      st = LFAIL(ld, ROS_PARAMS_ERR_VALUE, "list '%.200s' mixes types: item %zu is %s but the items before are %s",
                 name, item, ros_param_type_name(elem.type), ros_param_type_name((ros_param_type)(arr.type - 5)));
      break;
    }
    if (ps != ROS_PARAM_OK) {
      st = LFAIL(ld, ps == ROS_PARAM_ERR_NO_MEMORY ? ROS_PARAMS_ERR_NO_MEMORY
                     : ps == ROS_PARAM_ERR_TOO_LARGE ? ROS_PARAMS_ERR_TOO_LARGE : ROS_PARAMS_ERR_VALUE,
                 "list '%.200s' item %zu: %s", name, item, ros_param_strerror(ps));
      break;
    }
  }
  ros_param_value_fini(&arr);
  ros_param_value_fini(&elem);
  return st;
}

/* Reads one value (its first event is current) into the initialised out. */
static ros_params_status read_value(loader *ld, const char *name, int depth, ros_param_value *out) {
  switch (ld->ev.type) {
    case YAML_SCALAR_EVENT: {
      ros_param_status ps = ros_param_value_from_scalar(scalar(ld), ld->ev.data.scalar.length, quoted(ld), out);
      if (ps == ROS_PARAM_ERR_EMPTY_VALUE)
        return LFAIL(ld, ROS_PARAMS_ERR_VALUE, "parameter '%.200s' has no value (write '' for an empty string)", name);
      if (ps == ROS_PARAM_ERR_NUL_IN_STRING)
        return LFAIL(ld, ROS_PARAMS_ERR_VALUE, "parameter '%.200s' is a string with a NUL byte", name);
      if (ps != ROS_PARAM_OK) return LFAIL(ld, ROS_PARAMS_ERR_NO_MEMORY, "out of memory");
      return ROS_PARAMS_OK;
    }
    case YAML_SEQUENCE_START_EVENT: return read_list(ld, name, depth + 1, out);
    case YAML_ALIAS_EVENT: return LFAIL(ld, ROS_PARAMS_ERR_VALUE, "parameter '%.200s' uses an alias; aliases are not supported", name);
    default: return LFAIL(ld, ROS_PARAMS_ERR_VALUE, "parameter '%.200s' is not a scalar or a list", name);
  }
}

/* The mapping under ros__parameters (its start event is current); prefix "" at the top. */
static ros_params_status read_params(loader *ld, const char *node, const char *prefix, int depth) {
  if (depth > LMS_MAX_PARAMS_DEPTH) return LFAIL(ld, ROS_PARAMS_ERR_TOO_LARGE, "nesting deeper than %d levels", LMS_MAX_PARAMS_DEPTH);
  ros_params_status st;
  for (;;) {
    if ((st = next(ld)) != ROS_PARAMS_OK) return st;
    if (ld->ev.type == YAML_MAPPING_END_EVENT) return ROS_PARAMS_OK;
    if (ld->ev.type != YAML_SCALAR_EVENT)
      return LFAIL(ld, ROS_PARAMS_ERR_STRUCTURE, "parameter names must be plain scalars (node '%.200s')", node);
    if (ld->ev.data.scalar.length == 0 || memchr(scalar(ld), '\0', ld->ev.data.scalar.length))
      return LFAIL(ld, ROS_PARAMS_ERR_PARAM_NAME, "empty or NUL-containing parameter name under '%.200s'", prefix[0] ? prefix : node);
    char *name = prefix[0] ? join(prefix, ".", scalar(ld)) : strdup(scalar(ld));
    if (!name) return LFAIL(ld, ROS_PARAMS_ERR_NO_MEMORY, "out of memory");
    if ((st = next(ld)) == ROS_PARAMS_OK) {
      if (ld->ev.type == YAML_MAPPING_START_EVENT) {
        st = read_params(ld, node, name, depth + 1);
      } else {
        char origin[300];
        snprintf(origin, sizeof origin, "%.240s:%lu:%lu", ld->origin, ev_line(ld), ev_col(ld));
        ros_param_value v;
        ros_param_value_init(&v);
        st = read_value(ld, name, depth, &v);
        if (st == ROS_PARAMS_OK) {
          st = add_take(ld->out, node, name, &v, origin);
          if (st == ROS_PARAMS_ERR_TOO_LARGE)
            LFAIL(ld, st, "more than %u parameter overrides", (unsigned)LMS_MAX_PARAM_OVERRIDES);
          else if (st != ROS_PARAMS_OK)
            LFAIL(ld, st, "out of memory");
        }
        ros_param_value_fini(&v);
      }
    }
    free(name);
    if (st != ROS_PARAMS_OK) return st;
  }
}

/* A mapping of node keys (its start event is current); prefix is the joined keys so far. */
static ros_params_status read_nodes(loader *ld, const char *prefix, int depth) {
  if (depth > LMS_MAX_PARAMS_DEPTH) return LFAIL(ld, ROS_PARAMS_ERR_TOO_LARGE, "nesting deeper than %d levels", LMS_MAX_PARAMS_DEPTH);
  ros_params_status st;
  for (;;) {
    if ((st = next(ld)) != ROS_PARAMS_OK) return st;
    if (ld->ev.type == YAML_MAPPING_END_EVENT) return ROS_PARAMS_OK;
    if (ld->ev.type != YAML_SCALAR_EVENT || ld->ev.data.scalar.length == 0 ||
        memchr(scalar(ld), '\0', ld->ev.data.scalar.length))
      return LFAIL(ld, ROS_PARAMS_ERR_STRUCTURE, "expected a node name or ros__parameters as a key");
    if (strcmp(scalar(ld), "ros__parameters") == 0) {
      if (!prefix[0]) return LFAIL(ld, ROS_PARAMS_ERR_STRUCTURE, "ros__parameters has no node name above it");
      char pattern[ROS_NAME_BUF_SIZE], why[ROS_NAMES_MESSAGE_MAX];
      if (check_node_pattern(prefix, pattern, sizeof pattern, why, sizeof why) != ROS_PARAMS_OK)
        return LFAIL(ld, ROS_PARAMS_ERR_NODE_NAME, "node key '%.200s' is not a node name or pattern: %s", prefix, why);
      if ((st = next(ld)) != ROS_PARAMS_OK) return st;
      if (ld->ev.type != YAML_MAPPING_START_EVENT)
        return LFAIL(ld, ROS_PARAMS_ERR_STRUCTURE, "ros__parameters of '%.200s' must be a mapping of parameter names to values", pattern);
      if ((st = read_params(ld, pattern, "", depth + 1)) != ROS_PARAMS_OK) return st;
      continue;
    }
    char *key = prefix[0] ? join(prefix, "/", scalar(ld)) : strdup(scalar(ld));
    if (!key) return LFAIL(ld, ROS_PARAMS_ERR_NO_MEMORY, "out of memory");
    if ((st = next(ld)) == ROS_PARAMS_OK) {
      if (ld->ev.type == YAML_MAPPING_START_EVENT)
        st = read_nodes(ld, key, depth + 1);
      else
        st = LFAIL(ld, ROS_PARAMS_ERR_STRUCTURE, "'%.200s' must map to ros__parameters or to further node names", key);
    }
    free(key);
    if (st != ROS_PARAMS_OK) return st;
  }
}

static ros_params_status read_stream(loader *ld) {
  ros_params_status st = next(ld);
  if (st != ROS_PARAMS_OK) return st;
  for (;;) {
    if ((st = next(ld)) != ROS_PARAMS_OK) return st;
    if (ld->ev.type == YAML_STREAM_END_EVENT) return ROS_PARAMS_OK;
    if ((st = next(ld)) != ROS_PARAMS_OK) return st; /* the document's root */
    if (ld->ev.type == YAML_MAPPING_START_EVENT) {
      if ((st = read_nodes(ld, "", 1)) != ROS_PARAMS_OK) return st;
    } else if (!(ld->ev.type == YAML_SCALAR_EVENT && ld->ev.data.scalar.length == 0 && !quoted(ld))) {
      return LFAIL(ld, ROS_PARAMS_ERR_STRUCTURE, "the top level must be a mapping of node names to their parameters");
    }
    if ((st = next(ld)) != ROS_PARAMS_OK) return st; /* document end */
  }
}

static void loader_fini(loader *ld) {
  if (ld->have_ev) yaml_event_delete(&ld->ev);
  yaml_parser_delete(&ld->parser);
}

ros_params_status ros_params_load_string(const char *text, size_t len, const char *origin,
                                         ros_param_overrides *out, ros_params_error *err) {
  if ((!text && len) || !out) return perr(err, ROS_PARAMS_ERR_INVALID_ARGUMENT, origin, 0, 0, "text or output list is NULL");
  if (!origin) origin = "<string>";
  if (len > LMS_MAX_PARAMS_FILE_SIZE)
    return perr(err, ROS_PARAMS_ERR_TOO_LARGE, origin, 0, 0, "%zu bytes, more than the %u allowed", len, (unsigned)LMS_MAX_PARAMS_FILE_SIZE);
  loader ld;
  memset(&ld, 0, sizeof ld);
  if (!yaml_parser_initialize(&ld.parser)) return perr(err, ROS_PARAMS_ERR_NO_MEMORY, origin, 0, 0, "out of memory");
  yaml_parser_set_input_string(&ld.parser, (const unsigned char *)(text ? text : ""), len);
  ld.origin = origin;
  ld.out = out;
  ld.err = err;
  size_t start = out->count;
  ros_params_status st = read_stream(&ld);
  loader_fini(&ld);
  if (st != ROS_PARAMS_OK) ros_param_overrides_truncate(out, start);
  else clear(err);
  return st;
}

ros_params_status ros_params_load_file(const char *path, ros_param_overrides *out, ros_params_error *err) {
  if (!path || !out) return perr(err, ROS_PARAMS_ERR_INVALID_ARGUMENT, NULL, 0, 0, "path or output list is NULL");
  FILE *f = fopen(path, "rb");
  if (!f) return perr(err, ROS_PARAMS_ERR_FILE, path, 0, 0, "cannot open params file: %s", strerror(errno));
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  ros_params_status st = ROS_PARAMS_OK;
  while (buf) {
    if (len == cap) {
      size_t ncap = cap * 2 > (size_t)LMS_MAX_PARAMS_FILE_SIZE + 1 ? (size_t)LMS_MAX_PARAMS_FILE_SIZE + 1 : cap * 2;
      if (ncap == cap) {
        st = perr(err, ROS_PARAMS_ERR_TOO_LARGE, path, 0, 0, "params file is larger than %u bytes", (unsigned)LMS_MAX_PARAMS_FILE_SIZE);
        break;
      }
      char *nb = realloc(buf, ncap);
      if (!nb) break;
      buf = nb;
      cap = ncap;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) {
      if (ferror(f)) st = perr(err, ROS_PARAMS_ERR_FILE, path, 0, 0, "cannot read params file: %s", strerror(errno));
      break;
    }
  }
  fclose(f);
  if (!buf) return perr(err, ROS_PARAMS_ERR_NO_MEMORY, path, 0, 0, "out of memory reading the params file");
  if (st == ROS_PARAMS_OK && len > LMS_MAX_PARAMS_FILE_SIZE)
    st = perr(err, ROS_PARAMS_ERR_TOO_LARGE, path, 0, 0, "params file is larger than %u bytes", (unsigned)LMS_MAX_PARAMS_FILE_SIZE);
  if (st == ROS_PARAMS_OK) st = ros_params_load_string(buf, len, path, out, err);
  free(buf);
  return st;
}

ros_params_status ros_params_parse_value(const char *text, ros_param_value *out, ros_params_error *err) {
  if (!text || !out) return perr(err, ROS_PARAMS_ERR_INVALID_ARGUMENT, NULL, 0, 0, "text or output value is NULL");
  size_t len = strlen(text);
  if (len > LMS_MAX_ROS_ARG_LEN) return perr(err, ROS_PARAMS_ERR_TOO_LARGE, NULL, 0, 0, "value longer than %u bytes", (unsigned)LMS_MAX_ROS_ARG_LEN);
  loader ld;
  memset(&ld, 0, sizeof ld);
  if (!yaml_parser_initialize(&ld.parser)) return perr(err, ROS_PARAMS_ERR_NO_MEMORY, NULL, 0, 0, "out of memory");
  yaml_parser_set_input_string(&ld.parser, (const unsigned char *)text, len);
  ld.err = err;
  ros_param_value v;
  ros_param_value_init(&v);
  ros_params_status st = next(&ld); /* stream start */
  if (st == ROS_PARAMS_OK) st = next(&ld);
  if (st == ROS_PARAMS_OK && ld.ev.type == YAML_STREAM_END_EVENT)
    st = perr(err, ROS_PARAMS_ERR_VALUE, NULL, 0, 0, "the value is empty (write '' for an empty string)");
  if (st == ROS_PARAMS_OK) st = next(&ld); /* the document's root */
  if (st == ROS_PARAMS_OK && ld.ev.type == YAML_MAPPING_START_EVENT)
    st = perr(err, ROS_PARAMS_ERR_VALUE, NULL, 0, 0, "a mapping is not a parameter value (use a scalar or a list)");
  if (st == ROS_PARAMS_OK) st = read_value(&ld, "value", 0, &v);
  if (st == ROS_PARAMS_OK) st = next(&ld); /* document end */
  if (st == ROS_PARAMS_OK && (st = next(&ld)) == ROS_PARAMS_OK && ld.ev.type != YAML_STREAM_END_EVENT)
    st = perr(err, ROS_PARAMS_ERR_VALUE, NULL, 0, 0, "more than one YAML document in the value");
  loader_fini(&ld);
  if (st == ROS_PARAMS_OK) {
    ros_param_value_fini(out);
    *out = v;
    clear(err);
  } else {
    ros_param_value_fini(&v);
  }
  return st;
}

/* ---- selection ---- */

#define MAX_TOKENS 256

static size_t tokenize(const char *s, const char *tok[], size_t len[]) {
  size_t n = 0;
  while (*s == '/') s++;
  while (*s) {
    if (n == MAX_TOKENS) return MAX_TOKENS + 1;
    const char *e = strchr(s, '/');
    size_t l = e ? (size_t)(e - s) : strlen(s);
    tok[n] = s;
    len[n++] = l;
    s += l;
    while (*s == '/') s++;
  }
  return n;
}

bool ros_params_node_matches(const char *pattern, const char *fqn) {
  if (!pattern || !fqn) return false;
  const char *pt[MAX_TOKENS], *ft[MAX_TOKENS];
  size_t pl[MAX_TOKENS], fl[MAX_TOKENS];
  size_t np = tokenize(pattern, pt, pl), nf = tokenize(fqn, ft, fl);
  if (np > MAX_TOKENS || nf > MAX_TOKENS) return false;
  /* row[j]: the first i pattern tokens match the first j name tokens. */
  bool row[MAX_TOKENS + 1], prev[MAX_TOKENS + 1];
  prev[0] = true;
  for (size_t j = 1; j <= nf; j++) prev[j] = false;
  for (size_t i = 1; i <= np; i++) {
    bool multi = pl[i - 1] == 2 && memcmp(pt[i - 1], "**", 2) == 0;
    bool one = pl[i - 1] == 1 && pt[i - 1][0] == '*';
    row[0] = multi && prev[0];
    for (size_t j = 1; j <= nf; j++) {
      if (multi) row[j] = prev[j] || row[j - 1];
      else row[j] = prev[j - 1] && (one || (pl[i - 1] == fl[j - 1] && memcmp(pt[i - 1], ft[j - 1], fl[j - 1]) == 0));
    }
    memcpy(prev, row, (nf + 1) * sizeof *row);
  }
  return prev[nf];
}

typedef struct keyed {
  const char *name;
  size_t index;
} keyed;

static int keyed_cmp(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->index > y->index) - (x->index < y->index);
}

ros_params_status ros_params_select(const ros_param_overrides *all, const char *fqn, bool collapse,
                                    ros_param_overrides *out, ros_params_error *err) {
  if (!all || !fqn || !out) return perr(err, ROS_PARAMS_ERR_INVALID_ARGUMENT, NULL, 0, 0, "list, fqn or output is NULL");
  bool *keep = calloc(all->count ? all->count : 1, sizeof *keep);
  keyed *k = malloc((all->count ? all->count : 1) * sizeof *k);
  if (!keep || !k) {
    free(keep);
    free(k);
    return perr(err, ROS_PARAMS_ERR_NO_MEMORY, NULL, 0, 0, "out of memory selecting parameters for '%.200s'", fqn);
  }
  size_t nk = 0;
  for (size_t i = 0; i < all->count; i++)
    if (ros_params_node_matches(all->items[i].node, fqn)) {
      keep[i] = true;
      k[nk++] = (keyed){all->items[i].name, i};
    }
  if (collapse && nk > 1) {
    qsort(k, nk, sizeof *k, keyed_cmp);
    for (size_t i = 0; i + 1 < nk; i++)
      if (strcmp(k[i].name, k[i + 1].name) == 0) keep[k[i].index] = false;
  }
  free(k);
  size_t start = out->count;
  ros_params_status st = ROS_PARAMS_OK;
  for (size_t i = 0; i < all->count && st == ROS_PARAMS_OK; i++) {
    if (!keep[i]) continue;
    const ros_param_override *o = &all->items[i];
    ros_param_value v;
    ros_param_value_init(&v);
    if (ros_param_value_copy(&v, &o->value) != ROS_PARAM_OK) st = ROS_PARAMS_ERR_NO_MEMORY;
    else st = add_take(out, o->node, o->name, &v, o->origin);
    ros_param_value_fini(&v);
  }
  free(keep);
  if (st != ROS_PARAMS_OK) {
    ros_param_overrides_truncate(out, start);
    return perr(err, st, NULL, 0, 0, "%s selecting parameters for '%.200s'",
                st == ROS_PARAMS_ERR_TOO_LARGE ? "too many overrides" : "out of memory", fqn);
  }
  clear(err);
  return ROS_PARAMS_OK;
}

const ros_param_override *ros_params_find(const ros_param_overrides *list, const char *name) {
  if (!list || !name) return NULL;
  for (size_t i = list->count; i-- > 0;)
    if (strcmp(list->items[i].name, name) == 0) return &list->items[i];
  return NULL;
}
