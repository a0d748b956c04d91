/* lmsc_args.c: lmsc's command line and its manual (lmsc_args.h). Table-driven: each option
 * names the commands it applies to, so `lmsc <cmd> --help` and the checks come from one place. */
#include "lmsc_args.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/dynbuf.h"
#include "common/limits.h"

#define BIT(c) (1u << (c))
#define GOALS (BIT(LMSC_CMD_CHAT) | BIT(LMSC_CMD_COMPLETE))
#define ALL 0xffffu
#define MAX_TEXT (16u << 20) /* a prompt read from stdin */

static const char *const command_names[LMSC_CMD_COUNT] = {
    [LMSC_CMD_CHAT] = "chat",         [LMSC_CMD_COMPLETE] = "complete",
    [LMSC_CMD_MODELS] = "models",     [LMSC_CMD_EMBED] = "embed",
    [LMSC_CMD_SET_MODEL] = "set-model", [LMSC_CMD_RESET] = "reset",
    [LMSC_CMD_STATUS] = "status",     [LMSC_CMD_SEND_IMAGE] = "send-image",
};

/* One line of synopsis and a paragraph per command. */
static const char *const command_usage[LMSC_CMD_COUNT] = {
    [LMSC_CMD_CHAT] =
        "lmsc chat [options] PROMPT...\n"
        "  Sends a ChatCompletion goal to <ns>/chat_completion and prints the answer: stdout holds\n"
        "  the result text and a newline. With streaming (the default) text is printed as it\n"
        "  arrives and what the stream missed at its end is printed when the result comes; if\n"
        "  the stream does not match the start of the result (feedback lost in the middle, or a\n"
        "  node whose partial_response is cumulative) a newline and the whole result follow, with\n"
        "  a warning on stderr (--no-stream and --json are always exact). PROMPT \"-\" or none\n"
        "  reads it from stdin. Ctrl-C cancels the goal on the node and prints the text so far\n"
        "  (exit 130); a second Ctrl-C quits without waiting for the node to confirm.\n"
        "    --no-stream          wait for the whole answer (a spinner on a terminal)\n"
        "    --no-history         do not use or extend the node's chat history\n"
        "    --image IMG          attach an image: a local file path (read here, checked, sent as a\n"
        "                         data URI), 'latest' (the node's last image_input), or a\n"
        "                         data:image/...;base64,... URI (passed as is)\n"
        "    --node-image PATH    attach a file the node reads itself (must lie in its\n"
        "                         image_allowed_dirs)\n"
        "    --model NAME         model for this goal (default: the node's model_name)\n"
        "    --max-tokens N       answer length limit (default: the node's max_tokens)\n"
        "    --temperature T      0..2, > 0 (default: the node's temperature)\n"
        "    --request-timeout S  seconds the node gives the LLM (default: the node's timeout)\n",
    [LMSC_CMD_COMPLETE] =
        "lmsc complete [options] PROMPT...\n"
        "  Sends a TextCompletion goal to <ns>/text_completion; output, streaming and Ctrl-C as for\n"
        "  chat. Options: --no-stream, --model, --max-tokens, --temperature, --request-timeout.\n",
    [LMSC_CMD_MODELS] =
        "lmsc models\n"
        "  Calls <ns>/list_models and prints one model id a line.\n",
    [LMSC_CMD_EMBED] =
        "lmsc embed [--model NAME] [--request-timeout S] TEXT...\n"
        "  Calls <ns>/get_embeddings and prints the vector as a JSON array on one line.\n",
    [LMSC_CMD_SET_MODEL] =
        "lmsc set-model NAME\n"
        "  Calls <ns>/set_model and prints the node's answer; an unknown model fails (exit 1).\n",
    [LMSC_CMD_RESET] =
        "lmsc reset\n"
        "  Calls <ns>/reset_chat: the node forgets its chat history.\n",
    [LMSC_CMD_STATUS] =
        "lmsc status\n"
        "  Waits for the next message on <ns>/lm_studio_status and pretty-prints its JSON. Once\n"
        "  the publisher is found, waits up to --timeout for a message, or 12 s without --timeout\n"
        "  (this node publishes every status_period, the original Python node every 10 s).\n",
    [LMSC_CMD_SEND_IMAGE] =
        "lmsc send-image FILE\n"
        "  Publishes a JPEG or PNG file (type from its content) on <ns>/image_input/compressed as\n"
        "  sensor_msgs/CompressedImage; then `lmsc chat --image latest ...` uses it.\n",
};

static const char manual_head[] =
    "lmsc - command-line client of lm_studio_node over ROS 2 (no ROS installation needed)\n"
    "\n"
    "SYNOPSIS\n"
    "  lmsc [global options] COMMAND [options] [ARGS...] [--ros-args ROS_ARGS...]\n"
    "  lmsc --help | lmsc COMMAND --help\n"
    "\n"
    "  lmsc talks to a running lm_studio_node (this project's or the original Python node)\n"
    "  through its actions, services and topics on Cyclone DDS, as `ros2 action send_goal`,\n"
    "  `ros2 service call` and `ros2 topic` would.\n"
    "\n"
    "COMMANDS\n";

static const char manual_tail[] =
    "\n"
    "GLOBAL OPTIONS\n"
    "  --node-ns NS     namespace of the target node (default /; also -r __ns:=NS in --ros-args)\n"
    "  --timeout S      seconds to look for the node before giving up (default 5)\n"
    "  --json           print one JSON object with the result's fields instead of text\n"
    "  -h, --help       this manual, or the command's usage after a command\n"
    "  --ros-args ...   the ROS 2 command line: -r from:=to, -r __ns:=/robot1, --log-level ...\n"
    "\n"
    "OUTPUT\n"
    "  Results go to stdout, messages to stderr. While a request is pending and stderr is a\n"
    "  terminal, a spinner with the elapsed time shows on stderr; nothing extra when piped.\n"
    "  With --json: chat/complete {\"response\",\"success\",\"status\",\"goal_id\"}; models\n"
    "  {\"models\",\"count\",\"success\",\"error_message\"}; embed {\"embeddings\",\"dimensions\",\n"
    "  \"success\",\"error_message\"}; set-model, reset {\"success\",\"message\"}; status: the\n"
    "  status message itself; send-image {\"topic\",\"format\",\"bytes\",\"file\"}.\n"
    "\n"
    "EXIT STATUS\n"
    "  0    success\n"
    "  1    the request failed: success=false, goal rejected or aborted, the node went away\n"
    "  2    usage error (bad option or argument)\n"
    "  3    node not found: nothing answered on the searched names within --timeout\n"
    "  130  interrupted by Ctrl-C (a running goal is cancelled on the node first)\n"
    "\n"
    "ENVIRONMENT\n"
    "  ROS_DOMAIN_ID, ROS_AUTOMATIC_DISCOVERY_RANGE, ROS_STATIC_PEERS, ROS_LOCALHOST_ONLY and\n"
    "  CYCLONEDDS_URI as for any ROS 2 program. Against a node on a ROS 2 installation, that node\n"
    "  must run with RMW_IMPLEMENTATION=rmw_cyclonedds_cpp (services and actions need it) on the\n"
    "  same domain id and discovery settings.\n"
    "\n"
    "EXAMPLES\n"
    "  lmsc chat \"Explain the future of robotics\"\n"
    "  lmsc send-image photo.jpg && lmsc chat --image latest \"What is in the picture?\"\n"
    "  echo \"The robot\" | lmsc complete --max-tokens 20 --no-stream\n"
    "  lmsc --node-ns /robot1 status\n"
    "  lmsc models --json | jq -r '.models[]'\n";

const char *lmsc_command_name(lmsc_command cmd) {
  return cmd > LMSC_CMD_NONE && cmd < LMSC_CMD_COUNT ? command_names[cmd] : "?";
}

void lmsc_usage_print(FILE *f, lmsc_command cmd) {
  if (cmd > LMSC_CMD_NONE && cmd < LMSC_CMD_COUNT) {
    fprintf(f, "usage: %s", command_usage[cmd]);
    fputs("Global options: --node-ns NS, --timeout S, --json, --ros-args ... (see lmsc --help)\n", f);
    return;
  }
  fputs(manual_head, f);
  for (int c = LMSC_CMD_NONE + 1; c < LMSC_CMD_COUNT; c++) {
    fputs("\n", f);
    const char *u = command_usage[c];
    /* Indent every line of the command's usage by two spaces. */
    while (*u) {
      const char *nl = strchr(u, '\n');
      size_t n = nl ? (size_t)(nl - u + 1) : strlen(u);
      fprintf(f, "  %.*s", (int)n, u);
      u += n;
    }
  }
  fputs(manual_tail, f);
}

typedef enum opt_id {
  OPT_HELP, OPT_JSON, OPT_NODE_NS, OPT_TIMEOUT, OPT_NO_STREAM, OPT_NO_HISTORY, OPT_IMAGE,
  OPT_NODE_IMAGE, OPT_MODEL, OPT_MAX_TOKENS, OPT_TEMPERATURE, OPT_REQUEST_TIMEOUT,
} opt_id;

typedef struct opt_spec {
  const char *name;
  const char *short_name;
  opt_id id;
  bool has_value;
  unsigned commands; /* BIT(cmd) of the commands that take it */
} opt_spec;

static const opt_spec options[] = {
    {"--help", "-h", OPT_HELP, false, ALL},
    {"--json", NULL, OPT_JSON, false, ALL},
    {"--node-ns", NULL, OPT_NODE_NS, true, ALL},
    {"--timeout", NULL, OPT_TIMEOUT, true, ALL},
    {"--no-stream", NULL, OPT_NO_STREAM, false, GOALS},
    {"--no-history", NULL, OPT_NO_HISTORY, false, BIT(LMSC_CMD_CHAT)},
    {"--image", NULL, OPT_IMAGE, true, BIT(LMSC_CMD_CHAT)},
    {"--node-image", NULL, OPT_NODE_IMAGE, true, BIT(LMSC_CMD_CHAT)},
    {"--model", NULL, OPT_MODEL, true, GOALS | BIT(LMSC_CMD_EMBED)},
    {"--max-tokens", NULL, OPT_MAX_TOKENS, true, GOALS},
    {"--temperature", NULL, OPT_TEMPERATURE, true, GOALS},
    {"--request-timeout", NULL, OPT_REQUEST_TIMEOUT, true, GOALS | BIT(LMSC_CMD_EMBED)},
};
#define N_OPTIONS (sizeof options / sizeof *options)

static int usage_error(lmsc_command cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(lmsc_command cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("lmsc: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (cmd) fprintf(stderr, "\nTry 'lmsc %s --help'.\n", lmsc_command_name(cmd));
  else fputs("\nTry 'lmsc --help'.\n", stderr);
  return LMSC_EXIT_USAGE;
}

static bool parse_int(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static bool parse_double(const char *s, double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static const opt_spec *find_option(const char *arg, size_t name_len) {
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const opt_spec *s = &options[i];
    if ((strlen(s->name) == name_len && strncmp(arg, s->name, name_len) == 0) ||
        (s->short_name && strlen(s->short_name) == name_len &&
         strncmp(arg, s->short_name, name_len) == 0))
      return s;
  }
  return NULL;
}

/* Applies one option's value; returns false after printing a usage error. */
static bool apply_option(lmsc_options *o, const opt_spec *s, const char *v) {
  long n;
  double d;
  switch (s->id) {
  case OPT_HELP: o->help = true; return true;
  case OPT_JSON: o->json = true; return true;
  case OPT_NO_STREAM: o->no_stream = true; return true;
  case OPT_NO_HISTORY: o->no_history = true; return true;
  case OPT_NODE_NS: o->node_ns = v; return true;
  case OPT_IMAGE: o->image = v; return true;
  case OPT_NODE_IMAGE: o->node_image = v; return true;
  case OPT_MODEL: o->model = v; return true;
  case OPT_TIMEOUT:
    if (!parse_double(v, 0.0, 86400.0, &d)) {
      usage_error(o->cmd, "--timeout: '%s' is not a number of seconds (0..86400)", v);
      return false;
    }
    o->timeout_s = d;
    o->timeout_given = true;
    return true;
  case OPT_MAX_TOKENS:
    if (!parse_int(v, 1, INT32_MAX, &n)) {
      usage_error(o->cmd, "--max-tokens: '%s' is not a positive integer", v);
      return false;
    }
    o->max_tokens = (int)n;
    return true;
  case OPT_TEMPERATURE:
    /* The goal's 0 means "the node's parameter", so a temperature of 0 cannot be asked for. */
    if (!parse_double(v, 0.0, 2.0, &d) || d <= 0.0) {
      usage_error(o->cmd, "--temperature: '%s' must be a number in (0, 2] (0 is the node's default)", v);
      return false;
    }
    o->temperature = (float)d;
    return true;
  case OPT_REQUEST_TIMEOUT:
    if (!parse_int(v, 1, INT32_MAX, &n)) {
      usage_error(o->cmd, "--request-timeout: '%s' is not a positive number of seconds", v);
      return false;
    }
    o->request_timeout = (int)n;
    return true;
  }
  return false;
}

static lmsc_command command_from_name(const char *s) {
  for (int c = LMSC_CMD_NONE + 1; c < LMSC_CMD_COUNT; c++)
    if (strcmp(s, command_names[c]) == 0) return (lmsc_command)c;
  return LMSC_CMD_NONE;
}

static char *read_stdin(void) {
  dynbuf b;
  dynbuf_init(&b, MAX_TEXT);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (!dynbuf_append(&b, chunk, n)) {
      dynbuf_free(&b);
      return NULL;
    }
  /* A prompt piped in by echo ends with a newline that is not part of it. */
  while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r')) b.data[--b.len] = 0;
  return dynbuf_take(&b);
}

/* Joins the positional arguments with spaces into o->text; reads stdin for none or "-". */
static int take_text(lmsc_options *o, const char *const *pos, int npos) {
  bool wants_text = o->cmd == LMSC_CMD_CHAT || o->cmd == LMSC_CMD_COMPLETE || o->cmd == LMSC_CMD_EMBED;
  bool wants_one = o->cmd == LMSC_CMD_SET_MODEL || o->cmd == LMSC_CMD_SEND_IMAGE;
  if (o->help) return LMSC_EXIT_OK;
  if (!wants_text && !wants_one) {
    if (npos > 0) return usage_error(o->cmd, "unexpected argument '%s'", pos[0]);
    return LMSC_EXIT_OK;
  }
  if (wants_one) {
    if (npos != 1)
      return usage_error(o->cmd, "%s", o->cmd == LMSC_CMD_SET_MODEL ? "set-model takes one model name"
                                                                    : "send-image takes one file");
    o->text = strdup(pos[0]);
    return o->text ? LMSC_EXIT_OK : usage_error(o->cmd, "%s", "out of memory");
  }
  if (npos == 0 || (npos == 1 && strcmp(pos[0], "-") == 0)) {
    if (npos == 0 && isatty(STDIN_FILENO))
      return usage_error(o->cmd, "%s", "no text given (pass it as arguments, or '-' to read stdin)");
    o->text = read_stdin();
    if (!o->text) return usage_error(o->cmd, "%s", "cannot read the text from stdin (too long?)");
    if (!o->text[0]) return usage_error(o->cmd, "%s", "the text read from stdin is empty");
    return LMSC_EXIT_OK;
  }
  dynbuf b;
  dynbuf_init(&b, MAX_TEXT);
  for (int i = 0; i < npos; i++)
    if ((i && !dynbuf_append_str(&b, " ")) || !dynbuf_append_str(&b, pos[i])) {
      dynbuf_free(&b);
      return usage_error(o->cmd, "%s", "the text is too long");
    }
  o->text = dynbuf_take(&b);
  return o->text ? LMSC_EXIT_OK : usage_error(o->cmd, "%s", "out of memory");
}

int lmsc_args_parse(int argc, const char *const *argv, lmsc_options *o) {
  memset(o, 0, sizeof *o);
  o->timeout_s = 5.0;
  const char *pos[LMS_MAX_ROS_ARGS];
  int npos = 0;
  unsigned seen = 0; /* BIT(opt_id) of the options given, checked against the command */
  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!options_done && strcmp(a, "--") == 0) {
      options_done = true;
      continue;
    }
    if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
      if (o->cmd == LMSC_CMD_NONE) {
        if (strcmp(a, "help") == 0) {
          o->help = true;
          continue;
        }
        o->cmd = command_from_name(a);
        if (o->cmd == LMSC_CMD_NONE) return usage_error(LMSC_CMD_NONE, "unknown command '%s'", a);
        continue;
      }
      if (npos >= (int)(sizeof pos / sizeof *pos)) return usage_error(o->cmd, "%s", "too many arguments");
      pos[npos++] = a;
      continue;
    }
    const char *eq = strchr(a, '=');
    size_t name_len = eq ? (size_t)(eq - a) : strlen(a);
    const opt_spec *s = find_option(a, name_len);
    if (!s) return usage_error(o->cmd, "unknown option '%s'", a);
    const char *v = NULL;
    if (s->has_value) {
      if (eq) v = eq + 1;
      else if (i + 1 < argc) v = argv[++i];
      else return usage_error(o->cmd, "%s needs a value", s->name);
    } else if (eq) {
      return usage_error(o->cmd, "%s takes no value", s->name);
    }
    if (!apply_option(o, s, v)) return LMSC_EXIT_USAGE;
    seen |= 1u << s->id;
  }
  if (o->cmd == LMSC_CMD_NONE) {
    if (o->help) return LMSC_EXIT_OK;
    return usage_error(LMSC_CMD_NONE, "%s", "no command given");
  }
  for (size_t i = 0; i < N_OPTIONS; i++)
    if ((seen & (1u << options[i].id)) && !(options[i].commands & BIT(o->cmd))) {
      fprintf(stderr, "lmsc: %s does not apply to %s\nTry 'lmsc %s --help'.\n", options[i].name,
              lmsc_command_name(o->cmd), lmsc_command_name(o->cmd));
      return LMSC_EXIT_USAGE;
    }
  if (o->image && o->node_image)
    return usage_error(o->cmd, "%s", "--image and --node-image exclude each other");
  return take_text(o, pos, npos);
}

void lmsc_options_fini(lmsc_options *o) {
  free(o->text);
  o->text = NULL;
}
