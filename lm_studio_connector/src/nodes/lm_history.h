/* lm_history.h: the one conversation the chat action continues (use_history).
 * Holds user/assistant exchanges in completion order, trimmed to a maximum number of messages
 * and of bytes without ever splitting an exchange; an optional system prompt leads every chat
 * and is never trimmed. Only text is kept: images are not replayed on later turns.
 * Thread-safe: goals finishing on the loop thread add exchanges while services may reset it. */
#ifndef LM_HISTORY_H
#define LM_HISTORY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "llm/llm_types.h"

typedef struct lm_exchange {
  char *user;        /* the prompt as sent (text only) */
  char *assistant;   /* the answer */
} lm_exchange;

typedef struct lm_history {
  pthread_mutex_t mu;
  lm_exchange *items;   /* oldest first */
  size_t count, cap;
  size_t max_messages;  /* user + assistant messages kept (0 = none kept) */
  size_t max_bytes;     /* text bytes kept (0 = no byte limit) */
  size_t bytes;
} lm_history;

void lm_history_init(lm_history *h, size_t max_messages, size_t max_bytes);
void lm_history_fini(lm_history *h);
/* Changes the limits (trimming at once). */
void lm_history_set_limits(lm_history *h, size_t max_messages, size_t max_bytes);
/* Adds one finished exchange (copies both texts) and trims oldest exchanges first.
 * An exchange larger than the byte limit on its own is not kept. Returns false when out of
 * memory (history unchanged). */
bool lm_history_add(lm_history *h, const char *user, const char *assistant);
void lm_history_clear(lm_history *h);
/* Number of messages (2 per exchange). */
size_t lm_history_messages(lm_history *h);

/* Builds the message list of a chat: [system prompt] + history + the new user turn (with its
 * images). Strings are copied into *storage (free with lm_history_free_messages); the
 * returned array is what llm_client_chat takes. NULL when out of memory. */
typedef struct lm_chat_messages {
  llm_message *msgs;
  size_t n;
  char **owned;        /* strings the messages point to */
  size_t n_owned;
} lm_chat_messages;
bool lm_history_build_chat(lm_history *h, const char *system_prompt, bool use_history,
                           const char *prompt, const char *const *image_urls, size_t n_images,
                           lm_chat_messages *out);
void lm_history_free_messages(lm_chat_messages *m);

#endif
