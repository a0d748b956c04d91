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
#include "ros/ros_client.h"
#include "ros/ros_context.h"
#include "ros/ros_node.h"
#include "ros/ros_service.h"

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

int main(int argc, char **argv) {
  int calls = argc > 1 ? atoi(argv[1]) : 2000;
  if (calls < 10) calls = 10;
  double p50 = 0, p99 = 0, base50 = 0, base99 = 0;
  if (bench_ddsperf_latency(DOMAIN_DDSPERF, 3, &base50, &base99) != 0) {
    fprintf(stderr, "bench: ddsperf baseline failed (is cyclonedds-tools installed?)\n");
    return 1;
  }
  if (measure_service(calls, &p50, &p99) != 0) return 1;
  printf("# %d service calls (SetModel) across two processes; baseline = ddsperf ping/pong "
         "round trip, same machine, same run\n", calls);
  bench_row("service round trip p50", p50, base50, "us");
  bench_row("service round trip p99", p99, base99, "us");
  return 0;
}
