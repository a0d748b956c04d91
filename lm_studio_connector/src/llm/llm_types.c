/* llm_types.c: the one owner-side operation on results, freeing them.
 * llm_result_clear frees every string and array an llm_result owns (answer, reasoning, finish
 * reason, model, tool calls, models, embeddings) and leaves the struct zeroed, ready for reuse;
 * so clearing twice, or clearing a zeroed result, is harmless. */
#include "llm_types.h"

#include <stdlib.h>
#include <string.h>

void llm_result_clear(llm_result *r) {
  if (!r) return;
  free(r->text);
  free(r->reasoning);
  free(r->finish_reason);
  free(r->model);
  for (size_t i = 0; i < r->n_tool_calls && r->tool_calls; i++) {
    free(r->tool_calls[i].id);
    free(r->tool_calls[i].name);
    free(r->tool_calls[i].arguments);
  }
  free(r->tool_calls);
  for (size_t i = 0; i < r->n_models && r->models; i++) {
    free(r->models[i].id);
    free(r->models[i].type);
    free(r->models[i].state);
  }
  free(r->models);
  free(r->embeddings);
  memset(r, 0, sizeof *r);
}
