/* bench_node_util.c: see bench_node_util.h. */
#include "bench_node_util.h"

#include <stdio.h>

#include "nodes/lm_node.h"
#include "ros/ros_args.h"

int bench_run_node(const char *prog, const char *url, const char *model) {
  char url_arg[256], model_arg[256];
  snprintf(url_arg, sizeof url_arg, "lm_studio_url:=%s", url);
  snprintf(model_arg, sizeof model_arg, "model_name:=%s", model);
  const char *argv[] = {prog, "--ros-args", "-p", url_arg, "-p", model_arg,
                        "-p", "status_period:=1.0", "--log-level", "warn"};
  ros_args a;
  ros_args_init(&a);
  ros_args_error ae;
  if (ros_args_parse(&a, (int)(sizeof argv / sizeof argv[0]), argv, &ae) != ROS_ARGS_OK) {
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
