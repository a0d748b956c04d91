/* ros_log.h: ROS 2 logging for a node without rcutils/rcl: a console line in rcutils' default
 * format "[INFO] [<sec>.<nsec9>] [<logger>]: <message>" on stderr, and the same record as an
 * rcl_interfaces/msg/Log sample on /rosout (ROS2_WIRE.md §7.3), both filtered by the node's
 * level (--log-level rules, default INFO).
 * Environment, as rcutils reads it: RCUTILS_CONSOLE_OUTPUT_FORMAT (tokens {severity} {name}
 * {message} {time} {time_as_nanoseconds} {function_name} {file_name} {line_number}),
 * RCUTILS_COLORIZED_OUTPUT (0/1; default: colour when the stream is a terminal),
 * RCUTILS_LOGGING_USE_STDOUT=1 (stdout instead of stderr).
 * Threads: ros_log_write and the macros may be called from any thread (lines never interleave);
 * ros_logger_create/destroy are loop-thread only, and every logging thread must be done with a
 * node before it is destroyed. Messages are cut at ROS_LOG_MESSAGE_MAX bytes, ending in
 * ROS_LOG_TRUNCATED_MARK. Logging never fails loudly: errors are counted, not reported. */
#ifndef LMS_ROS_LOG_H
#define LMS_ROS_LOG_H

#include "common/limits.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ros_args.h"
#include "ros_error.h"
#include "ros_node.h"

/* Longest message kept (bytes, without the NUL); longer ones are cut and marked. */
#define ROS_LOG_MESSAGE_MAX LMS_MAX_LOG_MESSAGE
#define ROS_LOG_TRUNCATED_MARK "...[truncated]"
/* Logger name used when there is no node. */
#define ROS_LOG_DEFAULT_LOGGER "lm_studio_connector"

typedef struct ros_logger_options {
  bool no_rosout;   /* console only: no /rosout writer (node option no_rosout) */
} ros_logger_options;

/* Creates the node's logger: its level is ros_args_log_level_for(args, logger name), INFO when
 * unset; it publishes on /rosout unless opts->no_rosout or --disable-rosout-logs, and writes
 * the console unless --disable-stdout-logs. opts may be NULL. The node stores *out and hands it
 * back through ros_node_logger(). Returns OK, INVALID_ARGUMENT, NO_MEMORY, DDS, UNKNOWN_TYPE.
 * Free with ros_logger_destroy. Loop thread. */
ros_status ros_logger_create(ros_node *n, const ros_logger_options *opts,
                             struct ros_logger **out, ros_error *e);
/* Deletes the /rosout writer and frees the logger. Accepts NULL. Loop thread. */
void ros_logger_destroy(struct ros_logger *lg);

/* The effective level and its change at run time (any thread). */
ros_log_severity ros_logger_level(const struct ros_logger *lg);
void ros_logger_set_level(struct ros_logger *lg, ros_log_severity level);
/* Records written to /rosout and records dropped (write error) since creation. */
uint64_t ros_logger_published(const struct ros_logger *lg);
uint64_t ros_logger_dropped(const struct ros_logger *lg);

/* Logs through n's logger. n may be NULL, or a node whose logger is not set up yet: then the
 * record goes to the console only, under the node's logger name (or ROS_LOG_DEFAULT_LOGGER),
 * filtered by the process default level. file/function may be NULL. Any thread. */
void ros_log_write(ros_node *n, ros_log_severity level, const char *file, const char *function,
                   int line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Console-only record under any logger name (NULL = ROS_LOG_DEFAULT_LOGGER), for errors
 * before a node exists; filtered by the process default level. Any thread. */
void ros_log_write_named(const char *logger, ros_log_severity level, const char *file,
                         const char *function, int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Process default level (INFO unless changed) for node-less records; a bare --log-level sets
 * it when applied with ros_log_configure. Any thread. */
void ros_log_set_default_level(ros_log_severity level);
ros_log_severity ros_log_default_level(void);
/* Reads the RCUTILS_* variables again (they are read once, at the first record): for tests
 * and for programs that set them after logging started. Call before other threads log. */
void ros_log_reload_env(void);
/* Applies the command line's process-wide settings: the default level (ros_args_log_level_for
 * ROS_LOG_DEFAULT_LOGGER) and --disable-stdout-logs. args may be NULL (no-op). */
void ros_log_configure(const ros_args *args);

#define ROS_LOG_AT_(n, lvl, ...) ros_log_write((n), (lvl), __FILE__, __func__, __LINE__, __VA_ARGS__)
#define ROS_DEBUG(n, ...) ROS_LOG_AT_(n, ROS_LOG_DEBUG, __VA_ARGS__)
#define ROS_INFO(n, ...) ROS_LOG_AT_(n, ROS_LOG_INFO, __VA_ARGS__)
#define ROS_WARN(n, ...) ROS_LOG_AT_(n, ROS_LOG_WARN, __VA_ARGS__)
#define ROS_ERROR(n, ...) ROS_LOG_AT_(n, ROS_LOG_ERROR, __VA_ARGS__)
#define ROS_FATAL(n, ...) ROS_LOG_AT_(n, ROS_LOG_FATAL, __VA_ARGS__)
#define ROS_LOG_NAMED(logger, lvl, ...) \
  ros_log_write_named((logger), (lvl), __FILE__, __func__, __LINE__, __VA_ARGS__)

/* --- pure helpers (any thread), exposed for tests --- */

/* "DEBUG", "INFO", "WARN", "ERROR", "FATAL"; "UNSET" for 0 and "?" otherwise. */
const char *ros_log_severity_label(ros_log_severity s);
/* True when a record of this level passes a logger at level (UNSET counts as INFO). */
bool ros_log_enabled(ros_log_severity logger_level, ros_log_severity level);

typedef struct ros_log_record {
  ros_log_severity level;
  int64_t stamp_ns;       /* wall clock, ns since the epoch */
  const char *name;       /* logger name */
  const char *message;
  const char *file;       /* may be NULL */
  const char *function;   /* may be NULL */
  int line;
} ros_log_record;

/* Formats r as one console line (with '\n') after format (NULL = rcutils' default
 * "[{severity}] [{time}] [{name}]: {message}"); color adds rcutils' ANSI colour for the level.
 * {date_time_with_ms} is local time "2024-05-01 12:00:00.123". Unknown {tokens} are copied as
 * they are. Always NUL-terminates when size > 0. Returns the length the whole line needs (as
 * snprintf does); when that is >= size the line is cut and ends in ROS_LOG_TRUNCATED_MARK "\n". */
size_t ros_log_format_line(const ros_log_record *r, const char *format, bool color, char *out,
                           size_t size);
/* vsnprintf into out (size > 0), cutting with ROS_LOG_TRUNCATED_MARK when it does not fit.
 * Returns the length written. */
size_t ros_log_format_message(char *out, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
