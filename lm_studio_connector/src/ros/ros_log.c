/* ros_log.c: a node's logger (console + /rosout) and the node-less console logger.
 * Any thread may log: the level is an atomic, the console line is built in full first and then
 * written with one fwrite under a process-wide mutex (lines never interleave), and dds_write is
 * thread-safe in Cyclone. Create/destroy run on the loop thread.
 * Logging must never take the process down: messages are bounded (ROS_LOG_MESSAGE_MAX, cut
 * with a marker), a failed allocation falls back to a stack buffer, and a failed /rosout
 * write is only counted (reporting it by logging would recurse). */
#include "ros_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "ros_types_gen.h"

#define STACK_MESSAGE 2048
#define STACK_LINE 4096
#define FORMAT_MAX 1024 /* longest RCUTILS_CONSOLE_OUTPUT_FORMAT honoured */
#define DEFAULT_FORMAT "[{severity}] [{time}] [{name}]: {message}"

struct ros_logger {
  ros_node *node;
  const char *name;            /* the node's logger name (the node outlives its logger) */
  atomic_int level;            /* ros_log_severity; UNSET: the process default */
  dds_entity_t writer;         /* /rosout writer, 0 when disabled */
  bool console;
  atomic_uint_fast64_t published, dropped;
};

/* Process-wide console state. The environment is read once, as rcutils does at init. */
static atomic_int default_level = ROS_LOG_INFO;
static atomic_bool stdout_disabled;
static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static char env_format[FORMAT_MAX + 1];
static int env_color = -1; /* -1 auto, 0 off, 1 on */
static bool env_stdout;

static void read_env(void) {
  env_format[0] = '\0';
  env_color = -1;
  const char *f = getenv("RCUTILS_CONSOLE_OUTPUT_FORMAT");
  if (f && f[0] && strlen(f) <= FORMAT_MAX) memcpy(env_format, f, strlen(f) + 1);
  const char *c = getenv("RCUTILS_COLORIZED_OUTPUT");
  if (c && strcmp(c, "0") == 0) env_color = 0;
  if (c && strcmp(c, "1") == 0) env_color = 1;
  const char *o = getenv("RCUTILS_LOGGING_USE_STDOUT");
  env_stdout = o && strcmp(o, "1") == 0;
}

void ros_log_reload_env(void) {
  pthread_once(&env_once, read_env); /* so a later first record does not read it again */
  pthread_mutex_lock(&console_lock);
  read_env();
  pthread_mutex_unlock(&console_lock);
}

const char *ros_log_severity_label(ros_log_severity s) {
  switch (s) {
    case ROS_LOG_UNSET: return "UNSET";
    case ROS_LOG_DEBUG: return "DEBUG";
    case ROS_LOG_INFO: return "INFO";
    case ROS_LOG_WARN: return "WARN";
    case ROS_LOG_ERROR: return "ERROR";
    case ROS_LOG_FATAL: return "FATAL";
  }
  return "?";
}

bool ros_log_enabled(ros_log_severity logger_level, ros_log_severity level) {
  if (logger_level == ROS_LOG_UNSET) logger_level = ROS_LOG_INFO;
  return level >= logger_level;
}

void ros_log_set_default_level(ros_log_severity level) {
  atomic_store(&default_level, level == ROS_LOG_UNSET ? ROS_LOG_INFO : (int)level);
}

ros_log_severity ros_log_default_level(void) {
  return (ros_log_severity)atomic_load(&default_level);
}

void ros_log_configure(const ros_args *args) {
  if (!args) return;
  ros_log_severity l = ros_args_log_level_for(args, ROS_LOG_DEFAULT_LOGGER);
  if (l != ROS_LOG_UNSET) ros_log_set_default_level(l);
  atomic_store(&stdout_disabled, args->stdout_logs_disabled);
}

/* --- formatting (pure) --- */

size_t ros_log_format_message(char *out, size_t size, const char *fmt, va_list ap) {
  if (!out || size == 0) return 0;
  int n = vsnprintf(out, size, fmt, ap);
  if (n < 0) { /* an encoding error: keep what the format says, not nothing */
    size_t k = strlen(fmt) < size - 1 ? strlen(fmt) : size - 1;
    memcpy(out, fmt, k);
    out[k] = '\0';
    return k;
  }
  if ((size_t)n < size) return (size_t)n;
  size_t mark = sizeof ROS_LOG_TRUNCATED_MARK - 1;
  if (size > mark) memcpy(out + size - 1 - mark, ROS_LOG_TRUNCATED_MARK, mark + 1);
  return size - 1;
}

/* An output cursor that counts everything but stores only what fits. */
typedef struct sink {
  char *out;
  size_t size, len;
} sink;

static void put(sink *s, const char *p, size_t n) {
  if (s->len < s->size) {
    size_t room = s->size - s->len;
    memcpy(s->out + s->len, p, n < room ? n : room);
  }
  s->len += n;
}

static void puts_(sink *s, const char *p) { put(s, p, strlen(p)); }

static void put_token(sink *s, const ros_log_record *r, const char *tok, size_t tlen) {
  char num[64];
#define IS(t) (tlen == sizeof(t) - 1 && memcmp(tok, t, tlen) == 0)
  if (IS("severity")) {
    puts_(s, ros_log_severity_label(r->level));
  } else if (IS("name")) {
    puts_(s, r->name ? r->name : "");
  } else if (IS("message")) {
    puts_(s, r->message ? r->message : "");
  } else if (IS("function_name")) {
    puts_(s, r->function ? r->function : "");
  } else if (IS("file_name")) {
    puts_(s, r->file ? r->file : "");
  } else if (IS("line_number")) {
    snprintf(num, sizeof num, "%d", r->line);
    puts_(s, num);
  } else if (IS("time")) {
    /* rcutils prints seconds and 9 digits of nanoseconds; floor division keeps pre-1970
     * stamps consistent. */
    int64_t sec = r->stamp_ns / 1000000000, ns = r->stamp_ns % 1000000000;
    if (ns < 0) { ns += 1000000000; sec -= 1; }
    snprintf(num, sizeof num, "%lld.%09lld", (long long)sec, (long long)ns);
    puts_(s, num);
  } else if (IS("time_as_nanoseconds")) {
    snprintf(num, sizeof num, "%lld", (long long)r->stamp_ns);
    puts_(s, num);
  } else if (IS("date_time_with_ms")) {
    time_t t = (time_t)(r->stamp_ns / 1000000000);
    struct tm tmv;
    char date[40];
    if (localtime_r(&t, &tmv) && strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tmv) > 0) {
      snprintf(num, sizeof num, "%s.%03lld", date, (long long)((r->stamp_ns / 1000000) % 1000));
      puts_(s, num);
    }
  } else {
    put(s, tok - 1, tlen + 2); /* not a token: copy "{...}" as written */
  }
#undef IS
}

static const char *color_of(ros_log_severity l) {
  switch (l) {
    case ROS_LOG_DEBUG: return "\033[32m";
    case ROS_LOG_WARN: return "\033[33m";
    case ROS_LOG_ERROR:
    case ROS_LOG_FATAL: return "\033[31m";
    default: return "\033[0m";
  }
}

size_t ros_log_format_line(const ros_log_record *r, const char *format, bool color, char *out,
                           size_t size) {
  sink s = {out, size, 0};
  const char *f = format ? format : DEFAULT_FORMAT;
  if (color) puts_(&s, color_of(r->level));
  while (*f) {
    const char *open = strchr(f, '{');
    const char *close = open ? strchr(open + 1, '}') : NULL;
    if (!open || !close) {
      puts_(&s, f);
      break;
    }
    put(&s, f, (size_t)(open - f));
    put_token(&s, r, open + 1, (size_t)(close - open - 1));
    f = close + 1;
  }
  if (color) puts_(&s, "\033[0m");
  put(&s, "\n", 1);
  if (size == 0) return s.len;
  if (s.len < size) {
    out[s.len] = '\0';
    return s.len;
  }
  /* Cut: end with the marker, the colour reset and the newline so the terminal stays sane. */
  const char *tail = color ? ROS_LOG_TRUNCATED_MARK "\033[0m\n" : ROS_LOG_TRUNCATED_MARK "\n";
  size_t tl = strlen(tail);
  if (size > tl) memcpy(out + size - 1 - tl, tail, tl);
  out[size - 1] = '\0';
  return s.len;
}

/* --- output --- */

static void write_console(const ros_log_record *r) {
  pthread_once(&env_once, read_env);
  FILE *stream = env_stdout ? stdout : stderr;
  bool color = env_color == 1 || (env_color == -1 && isatty(fileno(stream)));
  const char *format = env_format[0] ? env_format : NULL;
  char stack[STACK_LINE];
  char *line = stack;
  size_t need = ros_log_format_line(r, format, color, stack, sizeof stack);
  if (need >= sizeof stack) {
    char *big = malloc(need + 1);
    if (big) { /* else: print the cut line rather than nothing */
      line = big;
      need = ros_log_format_line(r, format, color, big, need + 1);
    } else {
      need = sizeof stack - 1;
    }
  }
  pthread_mutex_lock(&console_lock);
  fwrite(line, 1, need, stream);
  fflush(stream);
  pthread_mutex_unlock(&console_lock);
  if (line != stack) free(line);
}

static void publish_rosout(struct ros_logger *lg, const ros_log_record *r) {
  int64_t sec = r->stamp_ns / 1000000000, ns = r->stamp_ns % 1000000000;
  rcl_interfaces_msg_dds__Log_ m;
  memset(&m, 0, sizeof m);
  m.stamp.sec = (int32_t)sec;
  m.stamp.nanosec = (uint32_t)ns;
  m.level = (uint8_t)r->level;
  /* The sample only borrows the strings: dds_write serialises before it returns. */
  m.name = (char *)r->name;
  m.msg = (char *)r->message;
  m.file = (char *)(r->file ? r->file : "");
  m.function = (char *)(r->function ? r->function : "");
  m.line = r->line > 0 ? (uint32_t)r->line : 0;
  if (dds_write(lg->writer, &m) < 0) atomic_fetch_add(&lg->dropped, 1);
  else atomic_fetch_add(&lg->published, 1);
}

static void vlog(struct ros_logger *lg, const char *name, ros_log_severity level, const char *file,
                 const char *function, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
static void vlog(struct ros_logger *lg, const char *name, ros_log_severity level, const char *file,
                 const char *function, int line, const char *fmt, va_list ap) {
  char stack[STACK_MESSAGE];
  char *msg = stack;
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(stack, sizeof stack, fmt, copy);
  va_end(copy);
  if (n >= (int)sizeof stack) {
    size_t size = (size_t)n < ROS_LOG_MESSAGE_MAX ? (size_t)n + 1 : ROS_LOG_MESSAGE_MAX + 1;
    char *big = malloc(size);
    if (big) {
      msg = big;
      ros_log_format_message(big, size, fmt, ap);
    } else {
      ros_log_format_message(stack, sizeof stack, fmt, ap);
    }
  } else if (n < 0) {
    ros_log_format_message(stack, sizeof stack, fmt, ap);
  }
  ros_log_record r = {level, clock_wall_ns(), name, msg, file, function, line};
  bool console = lg ? lg->console : true;
  if (console && !atomic_load(&stdout_disabled)) write_console(&r);
  if (lg && lg->writer) publish_rosout(lg, &r);
  if (msg != stack) free(msg);
}

void ros_log_write(ros_node *n, ros_log_severity level, const char *file, const char *function,
                   int line, const char *fmt, ...) {
  if (!fmt) return;
  struct ros_logger *lg = n ? ros_node_logger(n) : NULL;
  ros_log_severity threshold = lg ? (ros_log_severity)atomic_load(&lg->level) : ROS_LOG_UNSET;
  if (threshold == ROS_LOG_UNSET) threshold = ros_log_default_level();
  if (!ros_log_enabled(threshold, level)) return;
  const char *name = lg ? lg->name : n ? ros_node_logger_name(n) : NULL;
  va_list ap;
  va_start(ap, fmt);
  vlog(lg, name && name[0] ? name : ROS_LOG_DEFAULT_LOGGER, level, file, function, line, fmt, ap);
  va_end(ap);
}

void ros_log_write_named(const char *logger, ros_log_severity level, const char *file,
                         const char *function, int line, const char *fmt, ...) {
  if (!fmt || !ros_log_enabled(ros_log_default_level(), level)) return;
  va_list ap;
  va_start(ap, fmt);
  vlog(NULL, logger && logger[0] ? logger : ROS_LOG_DEFAULT_LOGGER, level, file, function, line,
       fmt, ap);
  va_end(ap);
}

/* --- the node's logger --- */

ros_status ros_logger_create(ros_node *n, const ros_logger_options *opts,
                             struct ros_logger **out, ros_error *e) {
  if (!n || !out) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: node and out are required", __func__);
  const ros_args *args = ros_node_args(n);
  struct ros_logger *lg = calloc(1, sizeof *lg);
  if (!lg)
    return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: logger for %s", __func__, ros_node_fqn(n));
  lg->node = n;
  lg->name = ros_node_logger_name(n);
  atomic_init(&lg->level, (int)ros_args_log_level_for(args, lg->name));
  atomic_init(&lg->published, 0);
  atomic_init(&lg->dropped, 0);
  lg->console = !(args && args->stdout_logs_disabled);
  bool rosout = !(opts && opts->no_rosout) && !(args && args->rosout_logs_disabled);
  if (rosout) {
    const ros_type_info *t = ros_types_find("rcl_interfaces/msg/Log");
    if (!t || !t->desc) {
      free(lg);
      return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "%s: rcl_interfaces/msg/Log is not in the type table", __func__);
    }
    /* /rosout is absolute: no remapping or namespace applies, as in rcl. */
    ros_endpoint_spec spec = {"rt/rosout", t, ros_qos_rosout, NULL, NULL};
    ros_status st = ros_node_create_writer(n, &spec, &lg->writer, e);
    if (st != ROS_OK) {
      free(lg);
      return st;
    }
  }
  *out = lg;
  return ROS_OK;
}

void ros_logger_destroy(struct ros_logger *lg) {
  if (!lg) return;
  if (lg->writer) ros_node_delete_endpoint(lg->node, lg->writer);
  free(lg);
}

ros_log_severity ros_logger_level(const struct ros_logger *lg) {
  if (!lg) return ros_log_default_level();
  ros_log_severity l = (ros_log_severity)atomic_load(&((struct ros_logger *)lg)->level);
  return l == ROS_LOG_UNSET ? ros_log_default_level() : l;
}

void ros_logger_set_level(struct ros_logger *lg, ros_log_severity level) {
  if (lg) atomic_store(&lg->level, (int)level);
}

uint64_t ros_logger_published(const struct ros_logger *lg) {
  return lg ? atomic_load(&((struct ros_logger *)lg)->published) : 0;
}

uint64_t ros_logger_dropped(const struct ros_logger *lg) {
  return lg ? atomic_load(&((struct ros_logger *)lg)->dropped) : 0;
}
