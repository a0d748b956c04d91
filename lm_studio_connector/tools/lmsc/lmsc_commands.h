/* lmsc_commands.h: one function per lmsc command; each returns the process exit code
 * (lmsc.h) after printing the result or the reason. lmsc_goal.c: chat, complete;
 * lmsc_services.c: models, embed, set-model, reset; lmsc_topics.c: status, send-image. */
#ifndef LMSC_COMMANDS_H
#define LMSC_COMMANDS_H

#include "lmsc_session.h"

int lmsc_cmd_chat(lmsc_session *s);
int lmsc_cmd_complete(lmsc_session *s);
int lmsc_cmd_models(lmsc_session *s);
int lmsc_cmd_embed(lmsc_session *s);
int lmsc_cmd_set_model(lmsc_session *s);
int lmsc_cmd_reset(lmsc_session *s);
int lmsc_cmd_status(lmsc_session *s);
int lmsc_cmd_send_image(lmsc_session *s);

#endif
