/* ros_args.h: the ROS 2 command line without rcl (ROS2_WIRE.md §1.3, §7.4):
 *   prog [app args] --ros-args [ros args] [--] [app args] [--ros-args ...]
 * with -r/--remap, -p/--param, --params-file, -e/--enclave, --log-level, --log-config-file and
 * --enable/--disable-{rosout,stdout,external-lib}-logs. Parsing fills a ros_args the caller
 * owns (ros_args_fini frees it); params files are read during parsing. Then: the node's name and
 * namespace after __node/__ns rules, the remapping of an expanded topic/service name (first
 * match wins, node-specific rules, rostopic:// and rosservice://), the parameter overrides
 * for one node, and the log level for a logger. A failed call changes nothing; errors name the
 * argument (its text and argv index). Parsing is bounded by LMS_MAX_ROS_ARGS and friends.
 * Thread: any, for distinct ros_args; a parsed ros_args may be read from several threads. */
#ifndef LMS_ROS_ARGS_H
#define LMS_ROS_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "ros_params_file.h"

typedef enum ros_args_status {
  ROS_ARGS_OK = 0,
  ROS_ARGS_ERR_INVALID_ARGUMENT = 1,   /* NULL where a pointer is required, argc < 0 */
  ROS_ARGS_ERR_NO_MEMORY = 2,
  ROS_ARGS_ERR_TOO_LARGE = 3,          /* over a limit of common/limits.h */
  ROS_ARGS_ERR_UNKNOWN_ARGUMENT = 4,   /* an unknown flag inside --ros-args */
  ROS_ARGS_ERR_MISSING_VALUE = 5,      /* a flag that needs a value came last */
  ROS_ARGS_ERR_BAD_REMAP = 6,          /* a -r rule that does not parse or names invalid names */
  ROS_ARGS_ERR_BAD_PARAM = 7,          /* a -p rule with a bad name or value */
  ROS_ARGS_ERR_PARAMS_FILE = 8,        /* a --params-file that cannot be read or parsed */
  ROS_ARGS_ERR_BAD_ENCLAVE = 9,        /* an -e value that is not an absolute namespace-like name */
  ROS_ARGS_ERR_BAD_LOG_LEVEL = 10,     /* an unknown severity or an empty logger name */
  ROS_ARGS_ERR_BAD_NAME = 11,          /* resolve/remap: a node, namespace or name is invalid */
} ros_args_status;

#define ROS_ARGS_STATUS_COUNT 12
#define ROS_ARGS_MESSAGE_MAX 768
/* Status returns must be checked: a failure leaves the outputs untouched. */
#define ROS_ARGS_WARN_UNUSED __attribute__((warn_unused_result))

typedef struct ros_args_error {
  ros_args_status code;
  int arg_index;                         /* argv index of the offending argument, -1 if none */
  char message[ROS_ARGS_MESSAGE_MAX];    /* "-r 'foo' (argv[3]): remap rule has no ':='" */
} ros_args_error;

typedef enum ros_remap_kind {
  ROS_REMAP_NAME = 1,        /* from:=to, topics and services */
  ROS_REMAP_TOPIC = 2,       /* rostopic://from:=to */
  ROS_REMAP_SERVICE = 3,     /* rosservice://from:=to */
  ROS_REMAP_NODE_NAME = 4,   /* __node:=x or __name:=x */
  ROS_REMAP_NAMESPACE = 5,   /* __ns:=/x */
} ros_remap_kind;

typedef struct ros_remap_rule {
  ros_remap_kind kind;
  char *node;          /* "talker" for talker:from:=to; NULL: every node */
  char *match;         /* as written, without the url prefix ("chatter", "~/x", "/a/b"); NULL for node/ns rules */
  char *replacement;   /* as written; the new node name or absolute namespace for node/ns rules */
} ros_remap_rule;

/* Severities as rcutils (and rcl_interfaces/Log for DEBUG..FATAL). */
typedef enum ros_log_severity {
  ROS_LOG_UNSET = 0,
  ROS_LOG_DEBUG = 10,
  ROS_LOG_INFO = 20,
  ROS_LOG_WARN = 30,
  ROS_LOG_ERROR = 40,
  ROS_LOG_FATAL = 50,
} ros_log_severity;

typedef struct ros_log_level_rule {
  char *logger;              /* "talker" for --log-level talker:=debug */
  ros_log_severity level;
} ros_log_level_rule;

/* The parsed command line. Zero it (or ros_args_init) before ros_args_parse; strings are owned;
 * free with ros_args_fini. */
typedef struct ros_args {
  char *node_name;                 /* first __node rule without a node prefix, or NULL */
  char *node_namespace;            /* first __ns rule without a node prefix, or NULL */
  ros_remap_rule *remaps;          /* every -r rule, in command-line order */
  size_t remap_count;
  ros_param_overrides params;      /* -p rules and params-file entries, in command-line order */
  char **params_files;             /* --params-file paths, in order */
  size_t params_file_count;
  char *enclave;                   /* -e value, or NULL */
  bool has_log_level;              /* a bare --log-level LEVEL was given (the last one wins) */
  ros_log_severity log_level;
  ros_log_level_rule *logger_levels; /* --log-level name:=LEVEL, in order */
  size_t logger_level_count;
  char *log_config_file;           /* --log-config-file, kept but not used by this project */
  bool rosout_logs_disabled;       /* last of --enable/--disable-rosout-logs; default false */
  bool stdout_logs_disabled;
  bool external_lib_logs_disabled;
  char **app_args;                 /* every non-ROS argument, argv[0] included, in order */
  size_t app_arg_count;
  size_t ros_block_count;          /* how many --ros-args blocks were seen */
} ros_args;

/* Which kind of name ros_args_apply_remap is given; actions are remapped as topics. */
typedef enum ros_name_kind {
  ROS_NAME_TOPIC = 1,
  ROS_NAME_SERVICE = 2,
} ros_name_kind;

/* One entry per ROS flag this parser knows (the table it parses from). */
typedef struct ros_args_flag_info {
  const char *name;         /* "--remap" */
  const char *short_name;   /* "-r", or NULL */
  const char *value_hint;   /* "[node:]from:=to", or NULL for flags without a value */
  const char *help;         /* one sentence */
} ros_args_flag_info;

/* Stable identifier ("ROS_ARGS_ERR_BAD_REMAP"); "ROS_ARGS_ERR_?" for unknown values. */
const char *ros_args_status_name(ros_args_status s);
/* One sentence describing the code. Never NULL. */
const char *ros_args_strerror(ros_args_status s);
/* The flag table; *count receives its length. Never NULL. */
const ros_args_flag_info *ros_args_flags(size_t *count);
/* "debug", "info", "warn", "error", "fatal", "unset"; "?" otherwise. */
const char *ros_log_severity_name(ros_log_severity s);
/* Case-insensitive severity name (as above) to *out. Returns false (out unchanged) otherwise. */
bool ros_log_severity_from_string(const char *s, ros_log_severity *out);

/* Makes an empty ros_args. Allocates nothing. */
void ros_args_init(ros_args *args);
/* Frees everything args owns; it is empty again. Accepts NULL. */
void ros_args_fini(ros_args *args);

/* Parses argv[0..argc-1] into args (initialised or zeroed). Every argument outside --ros-args
 * blocks is copied to app_args; inside, unknown flags are errors. On success args' old content
 * is freed and replaced; on failure args is left exactly as it was. Returns OK,
 * INVALID_ARGUMENT, NO_MEMORY, TOO_LARGE, UNKNOWN_ARGUMENT, MISSING_VALUE, BAD_REMAP,
 * BAD_PARAM, PARAMS_FILE, BAD_ENCLAVE, BAD_LOG_LEVEL. */
ros_args_status ros_args_parse(ros_args *args, int argc, const char *const *argv, ros_args_error *err) ROS_ARGS_WARN_UNUSED;

/* The node's final name and namespace, as rcl_node_init: the given name and namespace (NULL
 * or "" → "/", "x" → "/x") must be valid; then the first __node rule that applies to node_name
 * (no prefix, or prefix == node_name), then the first __ns rule that applies to the new name.
 * Outputs hold ROS_NAME_BUF_SIZE bytes. args may be NULL (no rules). Returns OK,
 * INVALID_ARGUMENT, BAD_NAME; outputs untouched on failure. */
ros_args_status ros_args_resolve_node(const ros_args *args, const char *node_name, const char *node_ns,
                                      char *name_out, size_t name_size, char *ns_out, size_t ns_size,
                                      ros_args_error *err) ROS_ARGS_WARN_UNUSED;

/* Remaps an expanded name for the node (its final name and namespace): the first rule that
 * matches kind (plain rules match both; rostopic:// only topics, rosservice:// only services),
 * applies to the node, and whose match side expanded against the node equals expanded_name;
 * its replacement expanded against the node is the result. No match: expanded_name itself.
 * args may be NULL. Returns OK, INVALID_ARGUMENT, BAD_NAME (node/ns/name invalid, or the
 * replacement does not expand to a valid name). out holds out_size bytes (ROS_NAME_BUF_SIZE). */
ros_args_status ros_args_apply_remap(const ros_args *args, const char *node_name, const char *node_ns,
                                     ros_name_kind kind, const char *expanded_name, char *out,
                                     size_t out_size, ros_args_error *err) ROS_ARGS_WARN_UNUSED;

/* Appends to out the parameter overrides that apply to the node with this FQN, one per name
 * (the last given wins), in command-line order. args may be NULL (nothing is appended). Returns OK, INVALID_ARGUMENT, NO_MEMORY,
 * TOO_LARGE; out unchanged on failure. */
ros_args_status ros_args_params_for_node(const ros_args *args, const char *fqn, ros_param_overrides *out,
                                         ros_args_error *err) ROS_ARGS_WARN_UNUSED;

/* The level for a logger: the last --log-level rule for it, else for its nearest dotted
 * ancestor ("a.b" for "a.b.c"), else the bare --log-level, else ROS_LOG_UNSET. */
ros_log_severity ros_args_log_level_for(const ros_args *args, const char *logger);

#endif
