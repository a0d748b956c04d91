/* lmsc_args.h: lmsc's own command line (what is left once --ros-args blocks are taken out by
 * ros_args_parse): the command, its options and its text, and the usage texts. */
#ifndef LMSC_ARGS_H
#define LMSC_ARGS_H

#include <stdio.h>

#include "lmsc.h"

/* Parses argv[1..argc-1] (argv[0] is the program) into *o (overwritten). Options may come
 * before or after the command; "--" ends them. The text of chat/complete/embed is the
 * positional arguments joined with spaces, or stdin when there are none or just "-".
 * Returns LMSC_EXIT_OK, or LMSC_EXIT_USAGE after printing why on stderr. With --help the
 * text is not required (o->help is set). Free with lmsc_options_fini. */
int lmsc_args_parse(int argc, const char *const *argv, lmsc_options *o);
void lmsc_options_fini(lmsc_options *o);

/* The manual (cmd == LMSC_CMD_NONE) or one command's usage. */
void lmsc_usage_print(FILE *f, lmsc_command cmd);
/* "chat", "set-model", ...; "?" for others. */
const char *lmsc_command_name(lmsc_command cmd);

#endif
