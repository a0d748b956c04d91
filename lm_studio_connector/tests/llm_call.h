/* llm_call.h: test helper that turns the client's callbacks into blocking calls.
 * An llm_call collects the deltas and the result of one request and lets the test wait. */
#ifndef LMS_TEST_LLM_CALL_H
#define LMS_TEST_LLM_CALL_H

#include <pthread.h>

#include "common/dynbuf.h"
#include "llm/llm_client.h"

typedef struct llm_call {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint64_t id;
  int done_count;          /* on_done calls: must end at exactly 1 */
  int content_deltas, reasoning_deltas, tool_deltas, finish_deltas, usage_deltas;
  dynbuf content, reasoning, tool_args;
  llm_result result;       /* moved out of on_done */
  int64_t done_ns;
  int cancel_after_deltas; /* > 0: cancel from inside on_delta after this many content deltas */
  llm_client *client;
} llm_call;

extern const llm_callbacks llm_call_callbacks;

void llm_call_init(llm_call *k);
void llm_call_free(llm_call *k);
/* Waits until on_done ran or timeout_ms passed; returns true when done. */
bool llm_call_wait(llm_call *k, int timeout_ms);
/* Waits until at least n content deltas arrived. */
bool llm_call_wait_deltas(llm_call *k, int n, int timeout_ms);

#endif
