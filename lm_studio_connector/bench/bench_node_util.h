/* bench_node_util.h: what the node benchmarks share: running lm_studio_node in a child
 * process (the bench binary re-executes itself in "node" mode), spawning those children and
 * reading their /proc figures. */
#ifndef LMS_BENCH_NODE_UTIL_H
#define LMS_BENCH_NODE_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "lms_emulator.h"
#include "ros/ros_action_client.h"

/* Timing of one goal, filled by bench_goal_callbacks (the record is the callbacks' user). */
typedef struct bench_goal {
  int64_t sent_ns, first_fb_ns, done_ns; /* clock_mono_ns; sent_ns is the sender's to set */
  long feedback;
  bool done;
  ros_goal_status status; /* ROS_GOAL_STATUS_UNKNOWN when the result could not be taken */
} bench_goal;
extern const ros_action_goal_callbacks bench_goal_callbacks;

/* The set-up every node benchmark starts with: ROS_DOMAIN_ID = domain, the loopback
 * CYCLONEDDS_URI unless one is set, SIGPIPE ignored. */
void bench_node_env(const char *domain);
/* Starts the LM Studio emulator with its defaults; url gets "http://127.0.0.1:<port>".
 * NULL on failure. */
lms_emu *bench_start_emulator(char *url, size_t url_size);

/* Runs lm_studio_node against url with model as model_name until SIGINT/SIGTERM; prog is the
 * name shown in its command line. Returns the process exit status (0 on a clean shutdown). */
int bench_run_node(const char *prog, const char *url, const char *model,
                   const char *const *extra_params);

/* Starts this program again as "/proc/self/exe mode arg" (arg may be NULL). out NULL: the child
 * shares our stdout; else *out is the read end of its stdout (blocking). in NULL: the child
 * shares our stdin; else *in is the write end of its stdin. Exits on failure. */
pid_t bench_spawn_self(const char *mode, const char *arg, int *out, int *in);
/* Sends sig to pid (none when sig is 0) and waits for it to end. */
void bench_child_end(pid_t pid, int sig);
/* A "<field> N kB" line of /proc/<pid>/status (field like "VmRSS:"), in KiB, or -1. */
long bench_proc_status_kib(pid_t pid, const char *field);
/* Open file descriptors of pid, or -1. */
int bench_proc_fds(pid_t pid);

#endif
