/* ros_args.c: the ROS 2 command line (see ros_args.h), parsed from one table of flags as
 * rcl's arguments.c accepts them, and the questions a node then asks of it: its name and
 * namespace, the remapping of a name (rcl remap.c: first match wins, match and replacement
 * expanded against the node), its parameter overrides and logger levels.
 * Parsing builds a private ros_args and hands it over only when every argument was accepted,
 * so a failed parse leaves the caller's struct as it was. Every error names the argument as
 * "<flag> '<value>' (argv[i]): why". Counts are bounded by common/limits.h.
 * No global state: any thread; the query functions only read a parsed ros_args, so several
 * threads may query one at once. */
#include "ros_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "ros_names.h"

static const struct {
  const char *name;
  const char *sentence;
} status_info[ROS_ARGS_STATUS_COUNT] = {
  [ROS_ARGS_OK] = {"ROS_ARGS_OK", "Success."},
  [ROS_ARGS_ERR_INVALID_ARGUMENT] = {"ROS_ARGS_ERR_INVALID_ARGUMENT", "A required argument was NULL or out of range."},
  [ROS_ARGS_ERR_NO_MEMORY] = {"ROS_ARGS_ERR_NO_MEMORY", "Out of memory."},
  [ROS_ARGS_ERR_TOO_LARGE] = {"ROS_ARGS_ERR_TOO_LARGE", "The command line exceeds a count or length limit."},
  [ROS_ARGS_ERR_UNKNOWN_ARGUMENT] = {"ROS_ARGS_ERR_UNKNOWN_ARGUMENT", "An argument inside --ros-args is not a known ROS flag."},
  [ROS_ARGS_ERR_MISSING_VALUE] = {"ROS_ARGS_ERR_MISSING_VALUE", "A ROS flag that needs a value was the last argument."},
  [ROS_ARGS_ERR_BAD_REMAP] = {"ROS_ARGS_ERR_BAD_REMAP", "A remap rule is malformed or names an invalid name."},
  [ROS_ARGS_ERR_BAD_PARAM] = {"ROS_ARGS_ERR_BAD_PARAM", "A parameter rule has a bad name or value."},
  [ROS_ARGS_ERR_PARAMS_FILE] = {"ROS_ARGS_ERR_PARAMS_FILE", "A params file could not be read or parsed."},
  [ROS_ARGS_ERR_BAD_ENCLAVE] = {"ROS_ARGS_ERR_BAD_ENCLAVE", "The enclave is not a valid absolute name."},
  [ROS_ARGS_ERR_BAD_LOG_LEVEL] = {"ROS_ARGS_ERR_BAD_LOG_LEVEL", "A log level is unknown or its logger name is empty."},
  [ROS_ARGS_ERR_BAD_NAME] = {"ROS_ARGS_ERR_BAD_NAME", "A node name, namespace or topic/service name is invalid."},
};

const char *ros_args_status_name(ros_args_status s) {
  if ((unsigned)s >= ROS_ARGS_STATUS_COUNT || !status_info[s].name) return "ROS_ARGS_ERR_?";
  return status_info[s].name;
}

const char *ros_args_strerror(ros_args_status s) {
  if ((unsigned)s >= ROS_ARGS_STATUS_COUNT || !status_info[s].sentence) return "Unknown error code.";
  return status_info[s].sentence;
}

typedef enum flag_id {
  F_PARAM, F_REMAP, F_PARAMS_FILE, F_ENCLAVE, F_LOG_LEVEL, F_LOG_CONFIG_FILE,
  F_ENABLE_ROSOUT, F_DISABLE_ROSOUT, F_ENABLE_STDOUT, F_DISABLE_STDOUT, F_ENABLE_EXT, F_DISABLE_EXT,
  F_COUNT
} flag_id;

static const ros_args_flag_info flag_table[F_COUNT] = {
  [F_PARAM] = {"--param", "-p", "[node:]name:=value", "Overrides a parameter; the value is YAML: true, 3, 3.0, 'text', [1, 2]."},
  [F_REMAP] = {"--remap", "-r", "[node:]from:=to",
               "Remaps a name (rostopic:// or rosservice:// limit it), or sets the node name (__node:=x) or namespace (__ns:=/x)."},
  [F_PARAMS_FILE] = {"--params-file", NULL, "FILE", "Reads parameter overrides from a YAML params file."},
  [F_ENCLAVE] = {"--enclave", "-e", "/ENCLAVE", "Names the security enclave (kept; DDS security is not supported)."},
  [F_LOG_LEVEL] = {"--log-level", NULL, "[logger:=]LEVEL", "Sets the default or one logger's level: debug, info, warn, error, fatal or unset."},
  [F_LOG_CONFIG_FILE] = {"--log-config-file", NULL, "FILE", "Names an external logging configuration (accepted, not used)."},
  [F_ENABLE_ROSOUT] = {"--enable-rosout-logs", NULL, NULL, "Publishes log messages on /rosout (the default)."},
  [F_DISABLE_ROSOUT] = {"--disable-rosout-logs", NULL, NULL, "Does not publish log messages on /rosout."},
  [F_ENABLE_STDOUT] = {"--enable-stdout-logs", NULL, NULL, "Prints log messages on the console (the default)."},
  [F_DISABLE_STDOUT] = {"--disable-stdout-logs", NULL, NULL, "Does not print log messages on the console."},
  [F_ENABLE_EXT] = {"--enable-external-lib-logs", NULL, NULL, "Passes log messages to an external logging library (the default)."},
  [F_DISABLE_EXT] = {"--disable-external-lib-logs", NULL, NULL, "Does not pass log messages to an external logging library."},
};

const ros_args_flag_info *ros_args_flags(size_t *count) {
  if (count) *count = F_COUNT;
  return flag_table;
}

static const char *const severity_names[] = {"unset", "debug", "info", "warn", "error", "fatal"};

const char *ros_log_severity_name(ros_log_severity s) {
  if ((unsigned)s > ROS_LOG_FATAL || (unsigned)s % 10 != 0) return "?";
  return severity_names[(unsigned)s / 10];
}

bool ros_log_severity_from_string(const char *s, ros_log_severity *out) {
  if (!s || !out) return false;
  for (size_t i = 0; i < sizeof severity_names / sizeof *severity_names; i++) {
    const char *n = severity_names[i];
    size_t k = 0;
    while (n[k] && (s[k] == n[k] || s[k] == n[k] - 'a' + 'A')) k++;
    if (!n[k] && !s[k]) {
      *out = (ros_log_severity)(i * 10);
      return true;
    }
  }
  return false;
}

void ros_args_init(ros_args *args) {
  memset(args, 0, sizeof *args);
  ros_param_overrides_init(&args->params);
}

static void free_strings(char **a, size_t n) {
  if (!a) return;
  for (size_t i = 0; i < n; i++) free(a[i]);
  free(a);
}

void ros_args_fini(ros_args *args) {
  if (!args) return;
  free(args->node_name);
  free(args->node_namespace);
  for (size_t i = 0; i < args->remap_count; i++) {
    free(args->remaps[i].node);
    free(args->remaps[i].match);
    free(args->remaps[i].replacement);
  }
  free(args->remaps);
  ros_param_overrides_fini(&args->params);
  free_strings(args->params_files, args->params_file_count);
  free(args->enclave);
  for (size_t i = 0; i < args->logger_level_count; i++) free(args->logger_levels[i].logger);
  free(args->logger_levels);
  free(args->log_config_file);
  free_strings(args->app_args, args->app_arg_count);
  ros_args_init(args);
}

static ros_args_status aerr(ros_args_error *err, ros_args_status code, int index, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ros_args_status aerr(ros_args_error *err, ros_args_status code, int index, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  err->arg_index = index;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return code;
}

static ros_args_status aok(ros_args_error *err) {
  if (err) {
    err->code = ROS_ARGS_OK;
    err->arg_index = -1;
    err->message[0] = '\0';
  }
  return ROS_ARGS_OK;
}

/* The argument being handled, for messages. */
typedef struct cursor {
  ros_args *a;
  ros_args_error *err;
  const char *flag;
  const char *value;
  int index;
} cursor;

/* "<flag> '<value>' (argv[i]): <why>" */
static ros_args_status verr(const cursor *c, ros_args_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ros_args_status verr(const cursor *c, ros_args_status code, const char *fmt, ...) {
  if (!c->err) return code;
  char why[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return aerr(c->err, code, c->index, "%s '%.120s%s' (argv[%d]): %s", c->flag, c->value,
              strlen(c->value) > 120 ? "..." : "", c->index, why);
}

static ros_args_status nomem(const cursor *c) { return verr(c, ROS_ARGS_ERR_NO_MEMORY, "out of memory"); }

static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }
static bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'; }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* One side of a name remap rule, as rcl's lexer accepts it: ["/" | "~/"] token ("/" token)*.
 * Returns NULL when fine, else the reason. */
static const char *check_rule_name(const char *s) {
  if (!s[0]) return "the name is empty";
  if (s[0] == '/') s++;
  else if (s[0] == '~' && s[1] == '/') s += 2;
  for (;;) {
    if (*s == '*') return "wildcards (* and **) are not supported";
    if (*s == '\\') return "back-references (\\1 ... \\9) are not supported";
    if (is_digit(*s)) return "a token starts with a digit";
    if (!is_alpha(*s)) return *s == '/' || !*s ? "it has an empty token ('//' or a trailing '/')"
                                                : "it contains a character other than A-Z, a-z, 0-9, _ and /";
    while (is_alpha(*s) || is_digit(*s)) s++;
    if (!*s) return NULL;
    if (*s == '*') return "wildcards (* and **) are not supported";
    if (*s != '/') return "it contains a character other than A-Z, a-z, 0-9, _ and /";
    s++;
  }
}

static ros_args_status handle_remap(cursor *c) {
  const char *s = c->value;
  const char *colon = strchr(s, ':');
  char *node = NULL;
  ros_names_error ne;
  if (colon && colon[1] != '=' && !starts_with(s, "rostopic://") && !starts_with(s, "rosservice://")) {
    node = strndup(s, (size_t)(colon - s));
    if (!node) return nomem(c);
    if (ros_names_validate_node_name(node, &ne) != ROS_NAMES_OK) {
      free(node);
      return verr(c, ROS_ARGS_ERR_BAD_REMAP, "the node prefix is not a node name: %s", ne.message);
    }
    s = colon + 1;
  }
  ros_remap_rule r = {ROS_REMAP_NAME, node, NULL, NULL};
  const char *sep = strstr(s, ":=");
  ros_args_status st = ROS_ARGS_OK;
  if (!sep) {
    st = verr(c, ROS_ARGS_ERR_BAD_REMAP, "a remap rule has the form [node:]from:=to");
    goto out;
  }
  const char *to = sep + 2;
  size_t from_len = (size_t)(sep - s);
  if ((from_len == 6 && starts_with(s, "__node")) || (from_len == 6 && starts_with(s, "__name"))) {
    if (ros_names_validate_node_name(to, &ne) != ROS_NAMES_OK) {
      st = verr(c, ROS_ARGS_ERR_BAD_REMAP, "%s", ne.message);
      goto out;
    }
    r.kind = ROS_REMAP_NODE_NAME;
    r.replacement = strdup(to);
  } else if (from_len == 4 && starts_with(s, "__ns")) {
    size_t tl = strlen(to);
    if (to[0] != '/') {
      st = verr(c, ROS_ARGS_ERR_BAD_REMAP, "__ns needs an absolute namespace such as /robot1");
      goto out;
    }
    r.replacement = strndup(to, tl > 1 && to[tl - 1] == '/' ? tl - 1 : tl); /* rcl allows one trailing '/' */
    if (r.replacement && ros_names_validate_namespace(r.replacement, &ne) != ROS_NAMES_OK) {
      st = verr(c, ROS_ARGS_ERR_BAD_REMAP, "%s", ne.message);
      goto out;
    }
    r.kind = ROS_REMAP_NAMESPACE;
  } else {
    if (starts_with(s, "rostopic://")) {
      r.kind = ROS_REMAP_TOPIC;
      s += 11;
    } else if (starts_with(s, "rosservice://")) {
      r.kind = ROS_REMAP_SERVICE;
      s += 13;
    }
    r.match = strndup(s, (size_t)(sep - s));
    const char *why = r.match ? check_rule_name(r.match) : NULL;
    if (why) {
      st = verr(c, ROS_ARGS_ERR_BAD_REMAP, "the name to match, '%.100s', is invalid: %s", r.match, why);
      goto out;
    }
    if ((why = check_rule_name(to))) {
      st = verr(c, ROS_ARGS_ERR_BAD_REMAP, "the replacement '%.100s' is invalid: %s", to, why);
      goto out;
    }
    r.replacement = strdup(to);
  }
  if (!r.replacement || (r.kind <= ROS_REMAP_SERVICE && !r.match)) {
    st = nomem(c);
    goto out;
  }
  if (c->a->remap_count >= LMS_MAX_REMAP_RULES) {
    st = verr(c, ROS_ARGS_ERR_TOO_LARGE, "more than %d remap rules", LMS_MAX_REMAP_RULES);
    goto out;
  }
  char **first = r.kind == ROS_REMAP_NODE_NAME ? &c->a->node_name : r.kind == ROS_REMAP_NAMESPACE ? &c->a->node_namespace : NULL;
  char *global = NULL;
  if (first && !*first && !r.node && !(global = strdup(r.replacement))) {
    st = nomem(c);
    goto out;
  }
  ros_remap_rule *nr = realloc(c->a->remaps, (c->a->remap_count + 1) * sizeof *nr);
  if (!nr) {
    free(global);
    st = nomem(c);
    goto out;
  }
  c->a->remaps = nr;
  nr[c->a->remap_count++] = r;
  if (global) *first = global;
  return ROS_ARGS_OK;
out:
  free(r.node);
  free(r.match);
  free(r.replacement);
  return st;
}

/* token ("." token)* with tokens [A-Za-z_][A-Za-z0-9_]*, as rcl's lexer reads parameter names. */
static bool valid_param_name(const char *s, size_t len) {
  size_t i = 0;
  for (;;) {
    if (i >= len || !is_alpha(s[i])) return false;
    while (i < len && (is_alpha(s[i]) || is_digit(s[i]))) i++;
    if (i == len) return true;
    if (s[i++] != '.') return false;
  }
}

static ros_args_status handle_param(cursor *c) {
  const char *sep = strstr(c->value, ":=");
  if (!sep) return verr(c, ROS_ARGS_ERR_BAD_PARAM, "a parameter rule has the form [node:]name:=value");
  const char *name = c->value;
  const char *colon = memchr(c->value, ':', (size_t)(sep - c->value));
  char node[ROS_NAME_BUF_SIZE] = "/**";
  if (colon) {
    size_t nl = (size_t)(colon - c->value);
    if (nl + 2 > sizeof node) return verr(c, ROS_ARGS_ERR_BAD_PARAM, "the node prefix is too long");
    node[0] = '/';
    memcpy(node + 1, c->value, nl);
    node[nl + 1] = '\0';
    ros_names_error ne;
    if (ros_names_validate_node_name(node + 1, &ne) != ROS_NAMES_OK)
      return verr(c, ROS_ARGS_ERR_BAD_PARAM, "the node prefix is not a node name: %s", ne.message);
    name = colon + 1;
  }
  size_t name_len = (size_t)(sep - name);
  if (!valid_param_name(name, name_len))
    return verr(c, ROS_ARGS_ERR_BAD_PARAM,
                "parameter name '%.*s' is invalid: use tokens of A-Z, a-z, 0-9 and _ (not starting with a digit) joined by '.'",
                (int)(name_len > 100 ? 100 : name_len), name);
  char *pname = strndup(name, name_len);
  if (!pname) return nomem(c);
  ros_param_value v;
  ros_param_value_init(&v);
  ros_params_error pe;
  ros_params_status ps = ros_params_parse_value(sep + 2, &v, &pe);
  ros_args_status st = ROS_ARGS_OK;
  if (ps != ROS_PARAMS_OK) {
    st = ps == ROS_PARAMS_ERR_NO_MEMORY ? nomem(c) : verr(c, ROS_ARGS_ERR_BAD_PARAM, "value of '%s': %s", pname, pe.message);
  } else {
    char origin[200];
    snprintf(origin, sizeof origin, "%s %.150s", c->flag, c->value);
    ps = ros_param_overrides_add(&c->a->params, node, pname, &v, origin, &pe);
    if (ps == ROS_PARAMS_ERR_TOO_LARGE) st = verr(c, ROS_ARGS_ERR_TOO_LARGE, "%s", pe.message);
    else if (ps != ROS_PARAMS_OK) st = nomem(c);
  }
  ros_param_value_fini(&v);
  free(pname);
  return st;
}

static ros_args_status push_string(cursor *c, char ***arr, size_t *n, const char *s) {
  char *copy = strdup(s);
  char **na = copy ? realloc(*arr, (*n + 1) * sizeof *na) : NULL;
  if (!na) {
    free(copy);
    return nomem(c);
  }
  *arr = na;
  na[(*n)++] = copy;
  return ROS_ARGS_OK;
}

static ros_args_status handle_params_file(cursor *c) {
  if (c->a->params_file_count >= LMS_MAX_PARAMS_FILES)
    return verr(c, ROS_ARGS_ERR_TOO_LARGE, "more than %d params files", LMS_MAX_PARAMS_FILES);
  size_t before = c->a->params.count;
  ros_params_error pe;
  ros_params_status ps = ros_params_load_file(c->value, &c->a->params, &pe);
  if (ps == ROS_PARAMS_ERR_NO_MEMORY) return nomem(c);
  if (ps != ROS_PARAMS_OK) return verr(c, ROS_ARGS_ERR_PARAMS_FILE, "%s", pe.message);
  ros_args_status st = push_string(c, &c->a->params_files, &c->a->params_file_count, c->value);
  if (st != ROS_ARGS_OK) ros_param_overrides_truncate(&c->a->params, before);
  return st;
}

static ros_args_status replace_string(cursor *c, char **field) {
  char *s = strdup(c->value);
  if (!s) return nomem(c);
  free(*field);
  *field = s;
  return ROS_ARGS_OK;
}

static ros_args_status handle_log_level(cursor *c) {
  const char *sep = strstr(c->value, ":=");
  ros_log_severity level;
  const char *lv = sep ? sep + 2 : c->value;
  if (!ros_log_severity_from_string(lv, &level))
    return verr(c, ROS_ARGS_ERR_BAD_LOG_LEVEL, "'%.40s' is not a log level (debug, info, warn, error, fatal or unset)", lv);
  if (!sep) {
    c->a->has_log_level = true;
    c->a->log_level = level;
    return ROS_ARGS_OK;
  }
  if (sep == c->value) return verr(c, ROS_ARGS_ERR_BAD_LOG_LEVEL, "the logger name before ':=' is empty");
  if (c->a->logger_level_count >= LMS_MAX_LOG_LEVEL_RULES)
    return verr(c, ROS_ARGS_ERR_TOO_LARGE, "more than %d --log-level rules", LMS_MAX_LOG_LEVEL_RULES);
  char *logger = strndup(c->value, (size_t)(sep - c->value));
  ros_log_level_rule *nr = logger ? realloc(c->a->logger_levels, (c->a->logger_level_count + 1) * sizeof *nr) : NULL;
  if (!nr) {
    free(logger);
    return nomem(c);
  }
  c->a->logger_levels = nr;
  nr[c->a->logger_level_count++] = (ros_log_level_rule){logger, level};
  return ROS_ARGS_OK;
}

static ros_args_status handle(cursor *c, flag_id id) {
  ros_names_error ne;
  switch (id) {
    case F_PARAM: return handle_param(c);
    case F_REMAP: return handle_remap(c);
    case F_PARAMS_FILE: return handle_params_file(c);
    case F_ENCLAVE:
      if (ros_names_validate_namespace(c->value, &ne) != ROS_NAMES_OK)
        return verr(c, ROS_ARGS_ERR_BAD_ENCLAVE, "an enclave is an absolute name like a namespace: %s", ne.message);
      return replace_string(c, &c->a->enclave);
    case F_LOG_LEVEL: return handle_log_level(c);
    case F_LOG_CONFIG_FILE: return replace_string(c, &c->a->log_config_file);
    case F_ENABLE_ROSOUT: c->a->rosout_logs_disabled = false; return ROS_ARGS_OK;
    case F_DISABLE_ROSOUT: c->a->rosout_logs_disabled = true; return ROS_ARGS_OK;
    case F_ENABLE_STDOUT: c->a->stdout_logs_disabled = false; return ROS_ARGS_OK;
    case F_DISABLE_STDOUT: c->a->stdout_logs_disabled = true; return ROS_ARGS_OK;
    case F_ENABLE_EXT: c->a->external_lib_logs_disabled = false; return ROS_ARGS_OK;
    case F_DISABLE_EXT: c->a->external_lib_logs_disabled = true; return ROS_ARGS_OK;
    default: return ROS_ARGS_ERR_INVALID_ARGUMENT;
  }
}

static int find_flag(const char *s) {
  for (int i = 0; i < F_COUNT; i++)
    if (strcmp(s, flag_table[i].name) == 0 || (flag_table[i].short_name && strcmp(s, flag_table[i].short_name) == 0))
      return i;
  return -1;
}

ros_args_status ros_args_parse(ros_args *args, int argc, const char *const *argv, ros_args_error *err) {
  if (!args || argc < 0 || (argc > 0 && !argv))
    return aerr(err, ROS_ARGS_ERR_INVALID_ARGUMENT, -1, "args is NULL, argc is negative or argv is NULL");
  if (argc > LMS_MAX_ROS_ARGS)
    return aerr(err, ROS_ARGS_ERR_TOO_LARGE, -1, "%d arguments, more than the %d accepted", argc, LMS_MAX_ROS_ARGS);
  for (int i = 0; i < argc; i++) {
    if (!argv[i]) return aerr(err, ROS_ARGS_ERR_INVALID_ARGUMENT, i, "argv[%d] is NULL", i);
    if (strnlen(argv[i], LMS_MAX_ROS_ARG_LEN + 1) > LMS_MAX_ROS_ARG_LEN)
      return aerr(err, ROS_ARGS_ERR_TOO_LARGE, i, "argv[%d] is longer than %u bytes", i, (unsigned)LMS_MAX_ROS_ARG_LEN);
  }
  ros_args tmp;
  ros_args_init(&tmp);
  cursor c = {&tmp, err, NULL, NULL, 0};
  bool in_ros = false;
  ros_args_status st = ROS_ARGS_OK;
  for (int i = 0; i < argc && st == ROS_ARGS_OK; i++) {
    const char *a = argv[i];
    c.flag = a;
    c.value = "";
    c.index = i;
    if (!in_ros) {
      if (strcmp(a, "--ros-args") == 0) {
        in_ros = true;
        tmp.ros_block_count++;
      } else {
        st = push_string(&c, &tmp.app_args, &tmp.app_arg_count, a);
      }
      continue;
    }
    if (strcmp(a, "--ros-args") == 0) continue;
    if (strcmp(a, "--") == 0) {
      in_ros = false;
      continue;
    }
    int id = find_flag(a);
    if (id < 0) {
      st = aerr(err, ROS_ARGS_ERR_UNKNOWN_ARGUMENT, i,
                "unknown ROS argument '%.120s' (argv[%d]) after --ros-args; known flags: -r/--remap, -p/--param, "
                "--params-file, -e/--enclave, --log-level, --log-config-file, --enable-/--disable-{rosout,stdout,"
                "external-lib}-logs; put application arguments before --ros-args or after --", a, i);
      continue;
    }
    if (flag_table[id].value_hint) {
      if (i + 1 >= argc) {
        st = aerr(err, ROS_ARGS_ERR_MISSING_VALUE, i, "'%s' (argv[%d]) needs a value: %s %s", a, i, a,
                  flag_table[id].value_hint);
        continue;
      }
      c.value = argv[++i];
      c.index = i;
    }
    st = handle(&c, (flag_id)id);
  }
  if (st != ROS_ARGS_OK) {
    ros_args_fini(&tmp);
    return st;
  }
  ros_args_fini(args);
  *args = tmp;
  return aok(err);
}

static ros_args_status copy_name(const char *s, char *out, size_t size, ros_args_error *err) {
  size_t n = strlen(s);
  if (n + 1 > size) return aerr(err, ROS_ARGS_ERR_INVALID_ARGUMENT, -1, "output buffer of %zu bytes is too small for '%.100s'", size, s);
  memcpy(out, s, n + 1);
  return ROS_ARGS_OK;
}

ros_args_status ros_args_resolve_node(const ros_args *args, const char *node_name, const char *node_ns,
                                      char *name_out, size_t name_size, char *ns_out, size_t ns_size,
                                      ros_args_error *err) {
  if (!node_name || !name_out || !ns_out || !name_size || !ns_size)
    return aerr(err, ROS_ARGS_ERR_INVALID_ARGUMENT, -1, "node name or an output buffer is NULL or empty");
  ros_names_error ne;
  char nsbuf[ROS_NAME_BUF_SIZE];
  /* As rcl_node_init: the given name and namespace must be valid before any rule applies. */
  if (ros_names_validate_node_name(node_name, &ne) != ROS_NAMES_OK ||
      ros_names_normalize_namespace(node_ns, nsbuf, sizeof nsbuf, &ne) != ROS_NAMES_OK)
    return aerr(err, ROS_ARGS_ERR_BAD_NAME, -1, "%s", ne.message);
  const char *name = node_name, *ns = nsbuf;
  size_t n = args ? args->remap_count : 0;
  for (size_t i = 0; i < n; i++) {
    const ros_remap_rule *r = &args->remaps[i];
    if (r->kind == ROS_REMAP_NODE_NAME && (!r->node || strcmp(r->node, node_name) == 0)) {
      name = r->replacement;
      break;
    }
  }
  for (size_t i = 0; i < n; i++) {
    const ros_remap_rule *r = &args->remaps[i];
    if (r->kind == ROS_REMAP_NAMESPACE && (!r->node || strcmp(r->node, name) == 0)) {
      ns = r->replacement;
      break;
    }
  }
  /* Rules were checked when parsed; this also covers a hand-built ros_args. */
  if (ros_names_validate_node_name(name, &ne) != ROS_NAMES_OK || ros_names_validate_namespace(ns, &ne) != ROS_NAMES_OK)
    return aerr(err, ROS_ARGS_ERR_BAD_NAME, -1, "%s", ne.message);
  if (strlen(name) >= name_size || strlen(ns) >= ns_size)
    return aerr(err, ROS_ARGS_ERR_INVALID_ARGUMENT, -1, "an output buffer is too small for '%s' in '%s'", name, ns);
  ros_args_status st = copy_name(name, name_out, name_size, err);
  if (st == ROS_ARGS_OK) st = copy_name(ns, ns_out, ns_size, err);
  return st == ROS_ARGS_OK ? aok(err) : st;
}

ros_args_status ros_args_apply_remap(const ros_args *args, const char *node_name, const char *node_ns,
                                     ros_name_kind kind, const char *expanded_name, char *out,
                                     size_t out_size, ros_args_error *err) {
  if (!node_name || !node_ns || !expanded_name || !out || !out_size || (kind != ROS_NAME_TOPIC && kind != ROS_NAME_SERVICE))
    return aerr(err, ROS_ARGS_ERR_INVALID_ARGUMENT, -1, "a NULL argument, an empty buffer or an unknown name kind");
  ros_names_error ne;
  if (ros_names_validate_node_name(node_name, &ne) != ROS_NAMES_OK ||
      ros_names_validate_namespace(node_ns, &ne) != ROS_NAMES_OK ||
      ros_names_validate_full_name(expanded_name, &ne) != ROS_NAMES_OK)
    return aerr(err, ROS_ARGS_ERR_BAD_NAME, -1, "%s", ne.message);
  size_t n = args ? args->remap_count : 0;
  char buf[ROS_NAME_BUF_SIZE];
  for (size_t i = 0; i < n; i++) {
    const ros_remap_rule *r = &args->remaps[i];
    if (r->kind == ROS_REMAP_NODE_NAME || r->kind == ROS_REMAP_NAMESPACE) continue;
    if ((r->kind == ROS_REMAP_TOPIC && kind != ROS_NAME_TOPIC) || (r->kind == ROS_REMAP_SERVICE && kind != ROS_NAME_SERVICE))
      continue;
    if (r->node && strcmp(r->node, node_name) != 0) continue;
    if (ros_names_expand(r->match, node_name, node_ns, buf, sizeof buf, NULL) != ROS_NAMES_OK) continue;
    if (strcmp(buf, expanded_name) != 0) continue;
    if (ros_names_expand(r->replacement, node_name, node_ns, buf, sizeof buf, &ne) != ROS_NAMES_OK)
      return aerr(err, ROS_ARGS_ERR_BAD_NAME, -1, "remap rule %s%s%s:=%s matches '%s' but its replacement is invalid: %s",
                  r->node ? r->node : "", r->node ? ":" : "", r->match, r->replacement, expanded_name, ne.message);
    ros_args_status st = copy_name(buf, out, out_size, err);
    return st == ROS_ARGS_OK ? aok(err) : st;
  }
  ros_args_status st = copy_name(expanded_name, out, out_size, err);
  return st == ROS_ARGS_OK ? aok(err) : st;
}

ros_args_status ros_args_params_for_node(const ros_args *args, const char *fqn, ros_param_overrides *out,
                                         ros_args_error *err) {
  if (!fqn || !out) return aerr(err, ROS_ARGS_ERR_INVALID_ARGUMENT, -1, "fqn or out is NULL");
  if (!args) return aok(err); /* no command line: no overrides */
  ros_params_error pe;
  ros_params_status ps = ros_params_select(&args->params, fqn, true, out, &pe);
  if (ps == ROS_PARAMS_OK) return aok(err);
  return aerr(err, ps == ROS_PARAMS_ERR_TOO_LARGE ? ROS_ARGS_ERR_TOO_LARGE : ROS_ARGS_ERR_NO_MEMORY, -1, "%s", pe.message);
}

ros_log_severity ros_args_log_level_for(const ros_args *args, const char *logger) {
  if (!args) return ROS_LOG_UNSET;
  size_t len = logger ? strlen(logger) : 0;
  while (len > 0) {
    for (size_t i = args->logger_level_count; i-- > 0;) {
      const char *l = args->logger_levels[i].logger;
      if (strlen(l) == len && memcmp(l, logger, len) == 0) return args->logger_levels[i].level;
    }
    while (len > 0 && logger[len - 1] != '.') len--;
    if (len > 0) len--; /* drop the '.' */
  }
  return args->has_log_level ? args->log_level : ROS_LOG_UNSET;
}
