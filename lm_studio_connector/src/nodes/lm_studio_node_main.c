/* lm_studio_node_main.c: the lm_studio_node executable: argv -> ros_args, the node, the loop
 * until SIGINT/SIGTERM; exit 0 then, 1 when the command line or the node cannot be set up. */
#include <stdio.h>

#include "lm_node.h"
#include "ros/ros_log.h"

int main(int argc, char **argv) {
  ros_args args;
  ros_args_init(&args);
  ros_args_error ae;
  if (ros_args_parse(&args, argc, (const char *const *)argv, &ae) != ROS_ARGS_OK) {
    fprintf(stderr, "lm_studio_node: %s\n", ae.message);
    return 1;
  }
  ros_log_configure(&args);
  char err[LM_NODE_ERROR_MAX];
  lm_node_options o = {.args = &args};
  lm_node *n = lm_node_create(&o, err, sizeof err);
  if (!n) {
    ROS_LOG_NAMED(LM_NODE_DEFAULT_NAME, ROS_LOG_FATAL, "%s", err);
    ros_args_fini(&args);
    return 1;
  }
  ros_error e;
  if (ros_context_install_signal_handlers(lm_node_context(n), &e) != ROS_OK)
    ROS_WARN(lm_node_ros_node(n), "no signal handlers: %s", e.message);
  lm_node_run(n);
  ROS_INFO(lm_node_ros_node(n), "shutting down");
  lm_node_destroy(n);
  ros_args_fini(&args);
  return 0;
}
