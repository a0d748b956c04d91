/* test_ros_log.c: logging (ros_log.h). Pure cases: rcutils' console format, colours, custom
 * formats, truncation, level rules. Console cases capture stderr in a file. DDS cases (each
 * with its own domain, see ros_params.cmake) check /rosout: the recorded endpoint, the fields
 * of a Log sample, transient-local delivery to a late reader, and level filtering. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/clock.h"
#include "ros_log.h"
#include "ros_test_util.h"
#include "testing.h"

/* --- pure --- */

static ros_log_record record(ros_log_severity level, const char *msg) {
  ros_log_record r = {level, 1700000000123456789LL, "robot1.talker", msg, "src/x.c", "main", 42};
  return r;
}

TEST(ros_log_format_line_matches_rcutils_default) {
  char out[256];
  ros_log_record r = record(ROS_LOG_INFO, "hello world");
  size_t n = ros_log_format_line(&r, NULL, false, out, sizeof out);
  CHECK_EQ_STR(out, "[INFO] [1700000000.123456789] [robot1.talker]: hello world\n");
  CHECK_EQ_INT(n, strlen(out));
  r.level = ROS_LOG_FATAL;
  r.stamp_ns = 5; /* nine digits of nanoseconds, zero-padded */
  ros_log_format_line(&r, NULL, false, out, sizeof out);
  CHECK_EQ_STR(out, "[FATAL] [0.000000005] [robot1.talker]: hello world\n");
}

TEST(ros_log_format_line_colours_by_level) {
  char out[256];
  ros_log_record r = record(ROS_LOG_WARN, "careful");
  ros_log_format_line(&r, NULL, true, out, sizeof out);
  CHECK_EQ_STR(out, "\033[33m[WARN] [1700000000.123456789] [robot1.talker]: careful\033[0m\n");
  r.level = ROS_LOG_ERROR;
  ros_log_format_line(&r, NULL, true, out, sizeof out);
  CHECK(strncmp(out, "\033[31m[ERROR]", 10) == 0);
  r.level = ROS_LOG_DEBUG;
  ros_log_format_line(&r, NULL, true, out, sizeof out);
  CHECK(strncmp(out, "\033[32m[DEBUG]", 10) == 0);
}

TEST(ros_log_format_line_expands_custom_tokens) {
  char out[512];
  ros_log_record r = record(ROS_LOG_DEBUG, "m");
  ros_log_format_line(&r, "{severity}|{name}|{function_name}|{file_name}:{line_number}|"
                          "{time_as_nanoseconds}|{unknown}|{message}|{",
                      false, out, sizeof out);
  CHECK_EQ_STR(out, "DEBUG|robot1.talker|main|src/x.c:42|1700000000123456789|{unknown}|m|{\n");
  r.file = NULL;
  r.function = NULL;
  ros_log_format_line(&r, "[{file_name}][{function_name}]", false, out, sizeof out);
  CHECK_EQ_STR(out, "[][]\n");
  ros_log_format_line(&r, "{date_time_with_ms}", false, out, sizeof out);
  CHECK_EQ_INT(strlen(out), strlen("2023-11-14 22:13:20.123\n"));
  CHECK_CONTAINS(out, ".123\n");
}

TEST(ros_log_format_line_cuts_with_marker) {
  char out[40];
  ros_log_record r = record(ROS_LOG_INFO, "a message much longer than the forty bytes of out");
  size_t need = ros_log_format_line(&r, NULL, false, out, sizeof out);
  CHECK(need >= sizeof out);
  CHECK_EQ_INT(strlen(out), sizeof out - 1);
  CHECK(strcmp(out + strlen(out) - strlen(ROS_LOG_TRUNCATED_MARK "\n"), ROS_LOG_TRUNCATED_MARK "\n") == 0);
  char big[512];
  CHECK_EQ_INT(ros_log_format_line(&r, NULL, false, big, sizeof big), need);
  CHECK_EQ_INT(strlen(big), need);
  CHECK_EQ_INT(ros_log_format_line(&r, NULL, false, NULL, 0), need);
}

static size_t fmt_message(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t fmt_message(char *out, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = ros_log_format_message(out, size, fmt, ap);
  va_end(ap);
  return n;
}

TEST(ros_log_format_message_truncates_with_marker) {
  char out[32];
  CHECK_EQ_INT(fmt_message(out, sizeof out, "%d-%s", 7, "x"), 3);
  CHECK_EQ_STR(out, "7-x");
  CHECK_EQ_INT(fmt_message(out, sizeof out, "%s", "0123456789012345678901234567890123456789"), 31);
  CHECK_EQ_STR(out, "01234567890123456" ROS_LOG_TRUNCATED_MARK);
  CHECK_EQ_INT(fmt_message(out, 0, "%s", "x"), 0);
}

TEST(ros_log_enabled_treats_unset_as_info) {
  CHECK(!ros_log_enabled(ROS_LOG_UNSET, ROS_LOG_DEBUG));
  CHECK(ros_log_enabled(ROS_LOG_UNSET, ROS_LOG_INFO));
  CHECK(ros_log_enabled(ROS_LOG_DEBUG, ROS_LOG_DEBUG));
  CHECK(!ros_log_enabled(ROS_LOG_ERROR, ROS_LOG_WARN));
  CHECK(ros_log_enabled(ROS_LOG_ERROR, ROS_LOG_FATAL));
  CHECK_EQ_STR(ros_log_severity_label(ROS_LOG_WARN), "WARN");
  CHECK_EQ_STR(ros_log_severity_label(ROS_LOG_UNSET), "UNSET");
  CHECK_EQ_STR(ros_log_severity_label((ros_log_severity)15), "?");
}

/* --- console: stderr captured in a temporary file --- */

static char capture_path[64];
static int saved_stderr = -1;

static void capture_start(void) {
  snprintf(capture_path, sizeof capture_path, "/tmp/lms_log_XXXXXX");
  int fd = mkstemp(capture_path);
  CHECK(fd >= 0);
  fflush(stderr);
  saved_stderr = dup(2);
  CHECK(dup2(fd, 2) == 2);
  close(fd);
}

/* Restores stderr and returns what was written (caller frees). */
static char *capture_end(void) {
  fflush(stderr);
  dup2(saved_stderr, 2);
  close(saved_stderr);
  size_t len;
  char *text = test_read_file(capture_path, &len);
  unlink(capture_path);
  return text;
}

TEST(ros_log_write_named_prints_rcutils_line_to_stderr) {
  setenv("RCUTILS_COLORIZED_OUTPUT", "0", 1);
  ros_log_reload_env();
  capture_start();
  ROS_LOG_NAMED("early", ROS_LOG_WARN, "cannot read %s", "config.yaml");
  ROS_LOG_NAMED(NULL, ROS_LOG_DEBUG, "hidden by the default level");
  ros_log_set_default_level(ROS_LOG_DEBUG);
  ROS_LOG_NAMED(NULL, ROS_LOG_DEBUG, "now %s", "visible");
  ros_log_write(NULL, ROS_LOG_ERROR, NULL, NULL, 0, "no node");
  char *text = capture_end();
  CHECK(strncmp(text, "[WARN] [", 8) == 0);
  CHECK_CONTAINS(text, "] [early]: cannot read config.yaml\n");
  CHECK(strstr(text, "hidden") == NULL);
  CHECK_CONTAINS(text, "] [" ROS_LOG_DEFAULT_LOGGER "]: now visible\n");
  CHECK_CONTAINS(text, "[ERROR] [");
  CHECK_CONTAINS(text, "]: no node\n");
  free(text);
  ros_log_set_default_level(ROS_LOG_INFO);
}

TEST(ros_log_write_honours_rcutils_environment) {
  setenv("RCUTILS_CONSOLE_OUTPUT_FORMAT", "<{severity}> {name} {message} ({function_name})", 1);
  setenv("RCUTILS_COLORIZED_OUTPUT", "1", 1);
  ros_log_reload_env();
  capture_start();
  ROS_LOG_NAMED("env", ROS_LOG_INFO, "x=%d", 1);
  char *text = capture_end();
  CHECK_EQ_STR(text, "\033[0m<INFO> env x=1 (ros_log_write_honours_rcutils_environment)\033[0m\n");
  free(text);
  unsetenv("RCUTILS_CONSOLE_OUTPUT_FORMAT");
  setenv("RCUTILS_COLORIZED_OUTPUT", "0", 1);
  ros_log_reload_env();
}

TEST(ros_log_configure_applies_default_level_and_stdout_flag) {
  setenv("RCUTILS_COLORIZED_OUTPUT", "0", 1);
  ros_args args;
  ros_args_init(&args);
  const char *argv[] = {"prog", "--ros-args", "--log-level", "error", "--disable-stdout-logs"};
  CHECK(ros_args_parse(&args, 5, argv, NULL) == ROS_ARGS_OK);
  ros_log_configure(&args);
  CHECK_EQ_INT(ros_log_default_level(), ROS_LOG_ERROR);
  capture_start();
  ROS_LOG_NAMED(NULL, ROS_LOG_FATAL, "silenced by --disable-stdout-logs");
  char *text = capture_end();
  CHECK_EQ_STR(text, "");
  free(text);
  ros_args_fini(&args);
  ros_args_init(&args); /* back to the defaults for the cases that follow in this process */
  ros_log_configure(&args);
  ros_log_set_default_level(ROS_LOG_INFO);
}

TEST(ros_log_write_survives_huge_messages) {
  setenv("RCUTILS_COLORIZED_OUTPUT", "0", 1);
  size_t len = 4u << 20;
  char *huge = malloc(len + 1);
  CHECK(huge != NULL);
  memset(huge, 'x', len);
  huge[len] = '\0';
  capture_start();
  ROS_LOG_NAMED("big", ROS_LOG_INFO, "%s", huge);
  char *text = capture_end();
  CHECK_CONTAINS(text, ROS_LOG_TRUNCATED_MARK "\n");
  CHECK(strlen(text) < ROS_LOG_MESSAGE_MAX + 200);
  CHECK(strlen(text) > ROS_LOG_MESSAGE_MAX);
  free(text);
  free(huge);
}

#define THREADS 8
#define LINES 300

static void *log_lines(void *arg) {
  int t = (int)(intptr_t)arg;
  for (int i = 0; i < LINES; i++)
    ROS_LOG_NAMED("mt", ROS_LOG_INFO, "thread %d line %d %s", t, i,
                  "padding padding padding padding padding padding padding padding");
  return NULL;
}

TEST(ros_log_write_lines_never_interleave_across_threads) {
  setenv("RCUTILS_COLORIZED_OUTPUT", "0", 1);
  capture_start();
  pthread_t th[THREADS];
  for (int t = 0; t < THREADS; t++) CHECK(pthread_create(&th[t], NULL, log_lines, (void *)(intptr_t)t) == 0);
  for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
  char *text = capture_end();
  int lines = 0;
  for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1, lines++) {
    *nl = '\0';
    CHECK_MSG(strncmp(line, "[INFO] [", 8) == 0, "bad start: %s", line);
    CHECK_MSG(strstr(line, "] [mt]: thread ") != NULL, "bad line: %s", line);
    CHECK_MSG(strcmp(line + strlen(line) - 7, "padding") == 0, "bad end: %s", line);
  }
  CHECK_EQ_INT(lines, THREADS * LINES);
  free(text);
}

/* --- /rosout over DDS --- */

typedef struct log_fx {
  ros_args args;
  ros_context *ctx;
  ros_node *node, *listener;
} log_fx;

static void log_fx_init(log_fx *f, int argc, const char **argv) {
  memset(f, 0, sizeof *f);
  ros_args_init(&f->args);
  ros_args_error ae;
  CHECK_MSG(ros_args_parse(&f->args, argc, argv, &ae) == ROS_ARGS_OK, "%s", ae.message);
  ros_error e;
  CHECK_MSG(ros_context_create(NULL, &f->ctx, &e) == ROS_OK, "%s", e.message);
  ros_node_options o = {.args = &f->args};
  CHECK_MSG(ros_node_create(f->ctx, "lm_studio_node", "/robot1", &o, &f->node, &e) == ROS_OK, "%s", e.message);
  CHECK_MSG(ros_node_logger(f->node) != NULL, "ros_node_create did not set up the logger");
  ros_node_options lo = {.no_rosout = true};
  CHECK(ros_node_create(f->ctx, "listener", NULL, &lo, &f->listener, &e) == ROS_OK);
}

static void log_fx_fini(log_fx *f) {
  CHECK_EQ_INT(ros_node_destroy(f->listener), ROS_OK);
  CHECK_EQ_INT(ros_node_destroy(f->node), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(f->ctx), ROS_OK);
  ros_args_fini(&f->args);
}

static dds_entity_t rosout_reader(log_fx *f) {
  ros_endpoint_spec spec = {"rt/rosout", ros_types_find("rcl_interfaces/msg/Log"), ros_qos_rosout, NULL, NULL};
  dds_entity_t rd;
  ros_error e;
  CHECK_MSG(ros_node_create_reader(f->listener, &spec, &rd, &e) == ROS_OK, "%s", e.message);
  return rd;
}

typedef struct log_seen {
  uint8_t level;
  char name[64], msg[128], file[256], function[128];
  uint32_t line;
  int32_t sec;
} log_seen;

/* Next Log sample from our node (the listener has no /rosout writer) within ms. */
/* The next /rosout message of the node under test; messages of other loggers (other nodes
 * that may share the domain) are skipped. */
static bool next_log(log_fx *f, dds_entity_t rd, int ms, log_seen *out) {
  int64_t end = clock_mono_ms() + ms;
  do {
    void *buf[1] = {NULL};
    dds_sample_info_t si[1];
    int n = dds_take(rd, buf, si, 1, 1);
    if (n > 0) {
      bool ok = si[0].valid_data &&
                strcmp(((const rcl_interfaces_msg_dds__Log_ *)buf[0])->name,
                       ros_node_logger_name(f->node)) == 0;
      if (ok) {
        const rcl_interfaces_msg_dds__Log_ *m = buf[0];
        out->level = m->level;
        out->line = m->line;
        out->sec = m->stamp.sec;
        snprintf(out->name, sizeof out->name, "%s", m->name);
        snprintf(out->msg, sizeof out->msg, "%s", m->msg);
        snprintf(out->file, sizeof out->file, "%s", m->file);
        snprintf(out->function, sizeof out->function, "%s", m->function);
      }
      dds_return_loan(rd, buf, n);
      if (ok) return true;
      continue;
    }
    ros_context_spin(f->ctx, 10);
  } while (clock_mono_ms() < end);
  return false;
}

TEST(ros_log_logger_api_refuses_null_arguments) {
  struct ros_logger *lg = NULL;
  ros_error e;
  CHECK_EQ_INT(ros_logger_create(NULL, NULL, &lg, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK(lg == NULL);
  ros_logger_destroy(NULL);
  CHECK_EQ_INT(ros_logger_level(NULL), ros_log_default_level());
  ros_logger_set_level(NULL, ROS_LOG_DEBUG);
  CHECK_EQ_INT(ros_logger_published(NULL), 0);
  CHECK_EQ_INT(ros_logger_dropped(NULL), 0);
  ros_log_write(NULL, ROS_LOG_INFO, NULL, NULL, 0, NULL); /* no format: nothing, no crash */
  ros_log_configure(NULL);
}

TEST(ros_log_rosout_endpoint_matches_recording) {
  const char *argv[] = {"prog"};
  log_fx f;
  log_fx_init(&f, 1, argv);
  const char *diff = test_endpoint_matches_recording('W', "rt/rosout");
  CHECK_MSG(diff == NULL, "%s", diff);
  log_fx_fini(&f);
}

TEST(ros_log_rosout_reaches_late_reader_with_fields) {
  const char *argv[] = {"prog"};
  log_fx f;
  log_fx_init(&f, 1, argv);
  int line = __LINE__ + 1;
  ROS_WARN(f.node, "tokens left: %d", 12);
  CHECK_EQ_INT(ros_logger_published(ros_node_logger(f.node)), 1);
  /* Created after the write: transient-local durability still delivers it. */
  dds_entity_t rd = rosout_reader(&f);
  log_seen s;
  CHECK(next_log(&f, rd, 3000, &s));
  CHECK_EQ_INT(s.level, 30);
  CHECK_EQ_STR(s.name, "robot1.lm_studio_node");
  CHECK_EQ_STR(s.msg, "tokens left: 12");
  CHECK_CONTAINS(s.file, "test_ros_log.c");
  CHECK_EQ_STR(s.function, "ros_log_rosout_reaches_late_reader_with_fields");
  CHECK_EQ_INT(s.line, line);
  CHECK(s.sec > 1600000000);
  log_fx_fini(&f);
}

TEST(ros_log_level_filters_console_and_rosout) {
  const char *argv[] = {"prog", "--ros-args", "--log-level", "robot1.lm_studio_node:=debug"};
  log_fx f;
  log_fx_init(&f, 4, argv);
  dds_entity_t rd = rosout_reader(&f);
  struct ros_logger *lg = ros_node_logger(f.node);
  CHECK_EQ_INT(ros_logger_level(lg), ROS_LOG_DEBUG);
  capture_start();
  ROS_DEBUG(f.node, "debug shown");
  ros_logger_set_level(lg, ROS_LOG_ERROR);
  ROS_WARN(f.node, "warn hidden");
  ROS_ERROR(f.node, "error shown");
  char *text = capture_end();
  CHECK_CONTAINS(text, "[DEBUG] [");
  CHECK_CONTAINS(text, "] [robot1.lm_studio_node]: debug shown\n");
  CHECK(strstr(text, "warn hidden") == NULL);
  CHECK_CONTAINS(text, "]: error shown\n");
  free(text);
  log_seen s;
  CHECK(next_log(&f, rd, 3000, &s));
  CHECK_EQ_INT(s.level, 10);
  CHECK(next_log(&f, rd, 3000, &s));
  CHECK_EQ_INT(s.level, 40);
  CHECK_EQ_STR(s.msg, "error shown");
  CHECK(!next_log(&f, rd, 300, &s));
  log_fx_fini(&f);
}

TEST(ros_log_disable_rosout_logs_keeps_console_only) {
  const char *argv[] = {"prog", "--ros-args", "--disable-rosout-logs"};
  log_fx f;
  log_fx_init(&f, 3, argv);
  capture_start();
  ROS_INFO(f.node, "console only");
  char *text = capture_end();
  CHECK_CONTAINS(text, "]: console only\n");
  free(text);
  CHECK_EQ_INT(ros_logger_published(ros_node_logger(f.node)), 0);
  test_endpoint ep;
  CHECK(!test_find_endpoint('W', "rt/rosout", 500, &ep));
  log_fx_fini(&f);
}
