/* lmsc.h: what the modules of lmsc (the command-line client of lm_studio_node) share: the
 * commands, the parsed options and the exit codes. lmsc speaks only ROS 2 (the wire layer on
 * Cyclone DDS), never HTTP: it talks to a running node exactly as `ros2 action`/`ros2 service`
 * would, so it works against this project's node and the original Python node alike. */
#ifndef LMSC_H
#define LMSC_H

#include <stdbool.h>

/* Exit codes (documented in `lmsc --help`). */
#define LMSC_EXIT_OK 0
#define LMSC_EXIT_FAILED 1      /* the request failed: success=false, goal aborted/rejected, ... */
#define LMSC_EXIT_USAGE 2       /* bad command line */
#define LMSC_EXIT_NOT_FOUND 3   /* no node answered within --timeout */
#define LMSC_EXIT_INTERRUPTED 130 /* Ctrl-C (the goal or call was cancelled) */

typedef enum lmsc_command {
  LMSC_CMD_NONE = 0,
  LMSC_CMD_CHAT,
  LMSC_CMD_COMPLETE,
  LMSC_CMD_MODELS,
  LMSC_CMD_EMBED,
  LMSC_CMD_SET_MODEL,
  LMSC_CMD_RESET,
  LMSC_CMD_STATUS,
  LMSC_CMD_SEND_IMAGE,
  LMSC_CMD_COUNT
} lmsc_command;

typedef struct lmsc_options {
  lmsc_command cmd;
  bool help;               /* --help: print the command's usage (or the whole manual) */
  bool json;               /* one JSON object on stdout instead of text */
  const char *node_ns;     /* --node-ns: the target node's namespace; NULL: "/" or -r __ns:= */
  double timeout_s;        /* --timeout: how long to look for the node (default 5 s) */
  bool timeout_given;      /* --timeout was on the command line */
  /* chat / complete / embed */
  bool no_stream, no_history;
  const char *image;       /* --image: a local file (sent as a data URI), latest, data:image/... */
  const char *node_image;  /* --node-image: a path the node reads itself (image_allowed_dirs) */
  const char *model;
  int max_tokens;          /* 0: the node's max_tokens parameter */
  float temperature;       /* 0: the node's temperature parameter */
  int request_timeout;     /* --request-timeout: seconds, the goal's/request's timeout field */
  /* The text (prompt, embed text), the model name (set-model) or the file (send-image):
   * positional arguments joined with spaces, or stdin for "-" / none (chat, complete, embed). */
  char *text;
} lmsc_options;

#endif
