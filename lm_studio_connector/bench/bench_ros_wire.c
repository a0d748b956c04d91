/* bench_ros_wire.c: the wire layer next to raw Cyclone DDS, measured in the same run on
 * loopback, each side in two processes:
 *  - service round trip (lm_studio_interfaces/srv/SetModel through ros_client/ros_service)
 *    against ddsperf ping/pong round trips;
 *  - action feedback messages per second (see bench_ros_action part) against ddsperf pub/sub.
 * Needs CYCLONEDDS_URI pointing at a loopback-only config (scripts/bench.sh sets it).
 * Prints "BENCH <figure> | ours | baseline | ratio" lines. Usage: bench_ros_wire [calls] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "common/clock.h"
#include "ros/ros_action_client.h"
#include "ros/ros_action_server.h"
#include "ros/ros_client.h"
#include "ros/ros_context.h"
#include "ros/ros_node.h"
#include "ros/ros_service.h"
#include "ros/ros_topic.h"

#define DOMAIN_OURS 221
#define DOMAIN_DDSPERF 222

static void echo(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  (void)user;
  const lm_studio_interfaces_srv_dds__SetModel_Request_ *rq = request;
  lm_studio_interfaces_srv_dds__SetModel_Response_ rs = {.success = true,
                                                         .message = rq->model_name};
  ros_service_reply(s, id, &rs, NULL);
}

static int serve(void) {
  ros_context_options o = {.domain_id = DOMAIN_OURS};
  ros_context *ctx;
  ros_node *node;
  ros_service *svc;
  if (ros_context_create(&o, &ctx, NULL) != ROS_OK) return 2;
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  if (ros_node_create(ctx, "bench_server", NULL, &no, &node, NULL) != ROS_OK) return 3;
  if (ros_service_create(node, "/bench_echo", "lm_studio_interfaces/srv/SetModel", NULL, echo,
                         NULL, &svc, NULL) != ROS_OK)
    return 4;
  ros_context_install_signal_handlers(ctx, NULL);
  while (!ros_context_shutdown_requested(ctx)) ros_context_spin(ctx, 100);
  ros_service_destroy(svc);
  ros_node_destroy(node);
  ros_context_destroy(ctx);
  return 0;
}

typedef struct call_state {
  volatile int done;
  ros_status status;
} call_state;

static void on_reply(void *user, ros_client *c, const void *response, ros_status status) {
  (void)c, (void)response;
  call_state *cs = user;
  cs->status = status;
  cs->done = 1;
}

static int measure_service(int calls, double *p50, double *p99) {
  pid_t child = fork();
  if (child == 0) _exit(serve());
  ros_context_options o = {.domain_id = DOMAIN_OURS};
  ros_context *ctx;
  ros_node *node;
  ros_client *cli;
  ros_error e;
  if (ros_context_create(&o, &ctx, &e) != ROS_OK ||
      ros_node_create(ctx, "bench_client", NULL, &(ros_node_options){.no_rosout = true,
                      .no_parameter_services = true}, &node, &e) != ROS_OK ||
      ros_client_create(node, "/bench_echo", "lm_studio_interfaces/srv/SetModel", NULL, &cli, &e) !=
          ROS_OK) {
    fprintf(stderr, "bench: %s\n", e.message);
    return 1;
  }
  if (ros_client_wait_for_service(cli, 10 * 1000000000LL) != ROS_OK) {
    fprintf(stderr, "bench: service never became available\n");
    return 1;
  }
  double *rtt = calloc((size_t)calls, sizeof *rtt);
  int warmup = calls / 10;
  for (int i = 0; i < calls + warmup; i++) {
    lm_studio_interfaces_srv_dds__SetModel_Request_ rq = {.model_name = "qwen2-vl-2b-instruct"};
    call_state cs = {0};
    int64_t t0 = clock_mono_ns();
    if (ros_client_call(cli, &rq, on_reply, &cs, 5 * 1000000000LL, NULL, &e) != ROS_OK) {
      fprintf(stderr, "bench: %s\n", e.message);
      return 1;
    }
    while (!cs.done) ros_context_spin(ctx, 100);
    if (cs.status != ROS_OK) {
      fprintf(stderr, "bench: call failed: %s\n", ros_status_name(cs.status));
      return 1;
    }
    if (i >= warmup) rtt[i - warmup] = (double)(clock_mono_ns() - t0) / 1e3;
  }
  *p50 = bench_percentile(rtt, calls, 0.50);
  *p99 = bench_percentile(rtt, calls, 0.99);
  free(rtt);
  ros_client_destroy(cli);
  ros_node_destroy(node);
  ros_context_destroy(ctx);
  kill(child, SIGTERM);
  waitpid(child, NULL, 0);
  return 0;
}

/* ---- action feedback throughput ---- */

static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);

typedef struct feeder {
  ros_action_goal *goal;
} feeder;

static ros_goal_decision on_goal(void *user, ros_action_goal *h, const void *goal) {
  (void)user, (void)h, (void)goal;
  return ROS_GOAL_ACCEPT_AND_EXECUTE;
}

static void on_accepted(void *user, ros_action_goal *h) { ((feeder *)user)->goal = h; }

/* Publishes feedback as fast as the loop allows for `seconds`, then succeeds; reports how
 * many it published on stdout (the parent reads it from a pipe). */
static int feed(int seconds, int out_fd) {
  ros_context_options o = {.domain_id = DOMAIN_OURS};
  ros_context *ctx;
  ros_node *node;
  ros_action_server *srv;
  feeder fd = {0};
  if (ros_context_create(&o, &ctx, NULL) != ROS_OK) return 2;
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  if (ros_node_create(ctx, "bench_feeder", NULL, &no, &node, NULL) != ROS_OK) return 3;
  ros_action_server_callbacks cb = {.on_goal = on_goal, .on_accepted = on_accepted};
  if (ros_action_server_create(node, "/bench_action", &chat_type, &cb, &fd, NULL, &srv, NULL) !=
      ROS_OK)
    return 4;
  ros_context_install_signal_handlers(ctx, NULL);
  while (!fd.goal && !ros_context_shutdown_requested(ctx)) ros_context_spin(ctx, 100);
  lm_studio_interfaces_action_dds__ChatCompletion_Feedback_ fb = {
      .partial_response = " token", .status = "streaming", .progress = 0.5f};
  long sent = 0;
  int64_t end = clock_mono_ns() + (int64_t)seconds * 1000000000;
  while (fd.goal && clock_mono_ns() < end) {
    for (int i = 0; i < 100; i++)
      if (ros_action_goal_publish_feedback(fd.goal, &fb, NULL) == ROS_OK) sent++;
    ros_context_spin_some(ctx);
  }
  lm_studio_interfaces_action_dds__ChatCompletion_Result_ *res = calloc(1, sizeof *res);
  res->response = dds_string_dup("done");
  res->success = true;
  if (!fd.goal || ros_action_goal_succeed(fd.goal, res, NULL) != ROS_OK)
    ros_message_free("lm_studio_interfaces/action/ChatCompletion_Result", res);
  if (write(out_fd, &sent, sizeof sent) != sizeof sent) return 5;
  while (!ros_context_shutdown_requested(ctx)) ros_context_spin(ctx, 100);
  ros_action_server_destroy(srv);
  ros_node_destroy(node);
  ros_context_destroy(ctx);
  return 0;
}

typedef struct counter {
  volatile long feedback;
  int64_t first_ns, last_ns;
  volatile int done;
} counter;

static void count_feedback(void *user, const ros_goal_id *id, const void *feedback) {
  (void)id, (void)feedback;
  counter *c = user;
  int64_t now = clock_mono_ns();
  if (c->feedback++ == 0) c->first_ns = now;
  c->last_ns = now;
}

static void count_result(void *user, const ros_goal_id *id, ros_status st, ros_goal_status status,
                         const void *result) {
  (void)id, (void)st, (void)status, (void)result;
  ((counter *)user)->done = 1;
}

static int measure_feedback(int seconds, double *received_per_s, double *sent_per_s) {
  int pfd[2];
  if (pipe(pfd) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    close(pfd[0]);
    _exit(feed(seconds, pfd[1]));
  }
  close(pfd[1]);
  ros_context_options o = {.domain_id = DOMAIN_OURS};
  ros_context *ctx;
  ros_node *node;
  ros_action_client *cli;
  ros_error e;
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  if (ros_context_create(&o, &ctx, &e) != ROS_OK ||
      ros_node_create(ctx, "bench_listener", NULL, &no, &node, &e) != ROS_OK ||
      ros_action_client_create(node, "/bench_action", &chat_type, NULL, &cli, &e) != ROS_OK) {
    fprintf(stderr, "bench: %s\n", e.message);
    return 1;
  }
  if (ros_action_client_wait_for_server(cli, 10 * 1000000000LL) != ROS_OK) {
    int status = 0;
    pid_t gone = waitpid(child, &status, WNOHANG);
    fprintf(stderr, "bench: action server never became ready%s (child exit %d)\n",
            gone == child ? ", its process ended" : "", gone == child ? WEXITSTATUS(status) : -1);
    return 1;
  }
  counter c = {0};
  ros_action_goal_callbacks cb = {.on_feedback = count_feedback, .on_result = count_result};
  lm_studio_interfaces_action_dds__ChatCompletion_Goal_ goal = {.prompt = "bench", .model = "",
                                                               .image_data = ""};
  if (ros_action_client_send_goal(cli, &goal, &cb, &c, NULL, &e) != ROS_OK) {
    fprintf(stderr, "bench: %s\n", e.message);
    return 1;
  }
  int64_t give_up = clock_mono_ns() + (int64_t)(seconds + 10) * 1000000000;
  while (!c.done && clock_mono_ns() < give_up) ros_context_spin(ctx, 100);
  long sent = 0;
  if (read(pfd[0], &sent, sizeof sent) != sizeof sent) sent = 0;
  close(pfd[0]);
  double span = (double)(c.last_ns - c.first_ns) / 1e9;
  *received_per_s = span > 0 ? (double)c.feedback / span : 0;
  *sent_per_s = (double)sent / seconds;
  ros_action_client_destroy(cli);
  ros_node_destroy(node);
  ros_context_destroy(ctx);
  kill(child, SIGTERM);
  waitpid(child, NULL, 0);
  return c.done ? 0 : 1;
}

int main(int argc, char **argv) {
  int calls = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 2000;
  if (calls < 10) calls = 10;
  double p50 = 0, p99 = 0, base50 = 0, base99 = 0, raw50 = 0, raw99 = 0;
  if (bench_ddsperf_latency(DOMAIN_DDSPERF, 3, "waitset", &base50, &base99) != 0 ||
      bench_ddsperf_latency(DOMAIN_DDSPERF, 3, "listener", &raw50, &raw99) != 0) {
    fprintf(stderr, "bench: ddsperf baseline failed (is cyclonedds-tools installed?)\n");
    return 1;
  }
  if (measure_service(calls, &p50, &p99) != 0) return 1;
  printf("# %d service calls (SetModel) across two processes; baseline = ddsperf ping/pong "
         "round trip in the same run, answered on an application thread (waitset) and, below, "
         "inside Cyclone's receive thread (listener)\n", calls);
  bench_row("service round trip p50", p50, base50, "us");
  bench_row("service round trip p99", p99, base99, "us");
  bench_row("service round trip p50 (vs listener)", p50, raw50, "us");
  bench_row("service round trip p99 (vs listener)", p99, raw99, "us");

  double got = 0, sent = 0, raw = 0;
  if (bench_ddsperf_throughput(DOMAIN_DDSPERF, 3, 64, &raw) != 0) {
    fprintf(stderr, "bench: ddsperf throughput baseline failed\n");
    return 1;
  }
  if (measure_feedback(3, &got, &sent) != 0) return 1;
  printf("# action feedback (ChatCompletion_FeedbackMessage) published as fast as possible for "
         "3 s across two processes; baseline = ddsperf pub/sub of 64-byte samples\n");
  bench_row("action feedback received per second", got, raw, "msg/s");
  bench_row("action feedback published per second", sent, raw, "msg/s");
  return 0;
}
