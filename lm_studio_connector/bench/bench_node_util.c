/* bench_node_util.c: see bench_node_util.h. */
#include "bench_node_util.h"

#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "nodes/lm_node.h"
#include "ros/ros_args.h"

static void goal_feedback(void *user, const ros_goal_id *id, const void *fb) {
  (void)id, (void)fb;
  bench_goal *r = user;
  if (r->feedback++ == 0) r->first_fb_ns = clock_mono_ns();
}

static void goal_result(void *user, const ros_goal_id *id, ros_status st, ros_goal_status status,
                        const void *result) {
  (void)id, (void)result;
  bench_goal *r = user;
  r->done = true;
  r->done_ns = clock_mono_ns();
  r->status = st == ROS_OK ? status : ROS_GOAL_STATUS_UNKNOWN;
}

const ros_action_goal_callbacks bench_goal_callbacks = {NULL, goal_feedback, NULL, goal_result};

void bench_node_env(const char *domain) {
  setenv("ROS_DOMAIN_ID", domain, 1);
  if (!getenv("CYCLONEDDS_URI")) setenv("CYCLONEDDS_URI", "file://" LMS_LOOPBACK_XML, 1);
  signal(SIGPIPE, SIG_IGN);
}

lms_emu *bench_start_emulator(char *url, size_t url_size) {
  lms_emu *emu = lms_emu_start(NULL);
  if (emu) snprintf(url, url_size, "http://127.0.0.1:%u", lms_emu_port(emu));
  return emu;
}

int bench_run_node(const char *prog, const char *url, const char *model,
                   const char *const *extra_params) {
  char url_arg[256], model_arg[256];
  snprintf(url_arg, sizeof url_arg, "lm_studio_url:=%s", url);
  snprintf(model_arg, sizeof model_arg, "model_name:=%s", model);
  const char *argv[32] = {prog, "--ros-args", "-p", url_arg, "-p", model_arg,
                          "-p", "status_period:=1.0", "--log-level", "warn"};
  int argc = 10;
  for (size_t i = 0; extra_params && extra_params[i] && argc < 30; i++) {
    argv[argc++] = "-p";
    argv[argc++] = extra_params[i];
  }
  ros_args a;
  ros_args_init(&a);
  ros_args_error ae;
  if (ros_args_parse(&a, argc, argv, &ae) != ROS_ARGS_OK) {
    fprintf(stderr, "node args: %s\n", ae.message);
    return 1;
  }
  char err[LM_NODE_ERROR_MAX];
  lm_node_options o = {.args = &a};
  lm_node *n = lm_node_create(&o, err, sizeof err);
  if (!n) {
    fprintf(stderr, "node: %s\n", err);
    ros_args_fini(&a);
    return 1;
  }
  ros_error e;
  int status = 0;
  if (ros_context_install_signal_handlers(lm_node_context(n), &e) != ROS_OK) status = 1;
  else lm_node_run(n);
  lm_node_destroy(n);
  ros_args_fini(&a);
  return status;
}

extern char **environ;

pid_t bench_spawn_self(const char *mode, const char *arg, int *out, int *in) {
  int outp[2] = {-1, -1}, inp[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out) {
    if (pipe(outp)) exit(1);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_addclose(&fa, outp[0]);
  }
  if (in) {
    if (pipe(inp)) exit(1);
    posix_spawn_file_actions_adddup2(&fa, inp[0], 0);
    posix_spawn_file_actions_addclose(&fa, inp[1]);
  }
  char *argv[] = {(char *)"/proc/self/exe", (char *)mode, (char *)arg, NULL};
  pid_t pid;
  if (posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ) != 0) {
    perror("posix_spawn");
    exit(1);
  }
  posix_spawn_file_actions_destroy(&fa);
  if (out) {
    close(outp[1]);
    *out = outp[0];
  }
  if (in) {
    close(inp[0]);
    *in = inp[1];
  }
  return pid;
}

void bench_child_end(pid_t pid, int sig) {
  if (sig) kill(pid, sig);
  int st;
  waitpid(pid, &st, 0);
}

long bench_proc_status_kib(pid_t pid, const char *field) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  long kib = -1;
  size_t n = strlen(field);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0) kib = strtol(line + n, NULL, 10);
  if (f) fclose(f);
  return kib;
}

int bench_proc_fds(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
  DIR *d = opendir(path);
  if (!d) return -1;
  int n = 0;
  for (struct dirent *ent; (ent = readdir(d));) n += ent->d_name[0] != '.';
  closedir(d);
  return n;
}
