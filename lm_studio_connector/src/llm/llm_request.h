/* llm_request.h: builds the JSON bodies the client sends (OpenAI-compatible shapes).
 * Pure functions; thread-safe. Results are malloc'd strings the caller frees. */
#ifndef LLM_REQUEST_H
#define LLM_REQUEST_H

#include <stddef.h>

#include "llm_types.h"

/* POST /v1/chat/completions. Text-only messages get a string content; messages with images
 * get an array of text and image_url parts. When streaming, asks for usage
 * (stream_options.include_usage). NULL with e filled on bad input, over the size limit or
 * out of memory. *len (may be NULL) receives the body length. */
char *llm_request_chat(const llm_request_opts *o, const llm_message *msgs, size_t n_msgs,
                       size_t *len, llm_error *e);
/* POST /v1/completions with a raw prompt. */
char *llm_request_completion(const llm_request_opts *o, const char *prompt, size_t *len,
                             llm_error *e);
/* POST /v1/embeddings: one text gives "input": "text", several an array. */
char *llm_request_embeddings(const char *model, const char *const *texts, size_t n_texts,
                             size_t *len, llm_error *e);

#endif
