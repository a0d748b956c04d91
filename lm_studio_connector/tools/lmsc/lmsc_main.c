/* lmsc_main.c: lmsc, the command-line client of lm_studio_node: the ROS command line first
 * (--ros-args blocks), then lmsc's own (lmsc_args.c), then one command on a fresh session. */
#include <stdio.h>

#include "lmsc_args.h"
#include "lmsc_commands.h"
#include "ros/ros_args.h"

static int (*const commands[LMSC_CMD_COUNT])(lmsc_session *) = {
    [LMSC_CMD_CHAT] = lmsc_cmd_chat,         [LMSC_CMD_COMPLETE] = lmsc_cmd_complete,
    [LMSC_CMD_MODELS] = lmsc_cmd_models,     [LMSC_CMD_EMBED] = lmsc_cmd_embed,
    [LMSC_CMD_SET_MODEL] = lmsc_cmd_set_model, [LMSC_CMD_RESET] = lmsc_cmd_reset,
    [LMSC_CMD_STATUS] = lmsc_cmd_status,     [LMSC_CMD_SEND_IMAGE] = lmsc_cmd_send_image,
};

int main(int argc, char **argv) {
  ros_args args;
  ros_args_init(&args);
  ros_args_error ae;
  if (ros_args_parse(&args, argc, (const char *const *)argv, &ae) != ROS_ARGS_OK) {
    fprintf(stderr, "lmsc: --ros-args: %s\n", ae.message);
    return LMSC_EXIT_USAGE;
  }
  lmsc_options o;
  int rc = lmsc_args_parse((int)args.app_arg_count, (const char *const *)args.app_args, &o);
  if (rc == LMSC_EXIT_OK && o.help) {
    lmsc_usage_print(stdout, o.cmd);
  } else if (rc == LMSC_EXIT_OK) {
    lmsc_session s;
    rc = lmsc_session_open(&s, &o, &args);
    if (rc == LMSC_EXIT_OK) {
      rc = commands[o.cmd](&s);
      lmsc_session_close(&s);
    }
  }
  lmsc_options_fini(&o);
  ros_args_fini(&args);
  return rc;
}
