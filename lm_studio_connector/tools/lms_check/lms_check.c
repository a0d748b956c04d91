/* lms_check: asks an LM Studio (or OpenAI-compatible) server what it has and, optionally,
 * streams one chat answer to the terminal. A diagnostic for "can the robot reach the LLM?",
 * built only on the LM Studio client library (no DDS).
 *   lms_check [--url URL] [--api-key KEY] [--model M] [--timeout S] [PROMPT]
 * URL defaults to $LM_STUDIO_URL or http://localhost:1234; KEY to $LM_STUDIO_API_KEY.
 * Exit status: 0 reachable (and the chat succeeded), 1 failure, 2 bad arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_client.h"

typedef struct outcome {
  bool done;
  llm_result result;
} outcome;

static void print_delta(void *user, uint64_t id, const llm_delta *d) {
  if (d->kind == LLM_DELTA_CONTENT) {
    fwrite(d->text, 1, d->len, stdout);
    fflush(stdout);
  }
}

static void keep_result(void *user, uint64_t id, llm_result *r) {
  outcome *o = user;
  o->result = *r;
  memset(r, 0, sizeof *r);
  o->done = true;
}

static const llm_callbacks callbacks = {print_delta, keep_result};

static void wait_for(llm_client *c, outcome *o) {
  while (!o->done) llm_client_poll(c, 100);
}

static int usage(void) {
  fprintf(stderr, "usage: lms_check [--url URL] [--api-key KEY] [--model M] [--timeout S] [PROMPT]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *url = getenv("LM_STUDIO_URL");
  const char *key = getenv("LM_STUDIO_API_KEY");
  const char *model = NULL, *prompt = NULL;
  long timeout_s = 30;
  for (int i = 1; i < argc; i++) {
    bool has_value = i + 1 < argc;
    if (!strcmp(argv[i], "--url") && has_value) url = argv[++i];
    else if (!strcmp(argv[i], "--api-key") && has_value) key = argv[++i];
    else if (!strcmp(argv[i], "--model") && has_value) model = argv[++i];
    else if (!strcmp(argv[i], "--timeout") && has_value) timeout_s = strtol(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return usage() - 2;
    else if (argv[i][0] == '-') return usage();
    else prompt = argv[i];
  }
  if (timeout_s <= 0) return usage();
  llm_config cfg = {.base_url = url ? url : "http://localhost:1234", .api_key = key,
                    .timeouts = {.first_byte_ms = timeout_s * 1000, .idle_ms = timeout_s * 1000}};
  llm_error e;
  llm_client *c = llm_client_create(&cfg, &e);
  if (!c) {
    fprintf(stderr, "lms_check: %s\n", e.message);
    return 2;
  }
  outcome models = {0};
  if (!llm_client_list_models(c, NULL, &callbacks, &models, &e)) {
    fprintf(stderr, "lms_check: %s\n", e.message);
    llm_client_destroy(c);
    return 1;
  }
  wait_for(c, &models);
  int status = 0;
  if (models.result.error.code != LLM_OK) {
    fprintf(stderr, "lms_check: %s: %s\n", llm_client_base_url(c), models.result.error.message);
    status = 1;
  } else {
    printf("%s answers in %.1f ms; %zu model(s):\n", llm_client_base_url(c),
           models.result.latency_ms, models.result.n_models);
    for (size_t i = 0; i < models.result.n_models; i++) {
      const llm_model_info *m = &models.result.models[i];
      printf("  %-48s %-10s %s%s\n", m->id, m->type ? m->type : "", m->state ? m->state : "",
             m->vision ? " vision" : "");
    }
  }
  if (status == 0 && prompt) {
    outcome answer = {0};
    llm_message msg = {.role = LLM_ROLE_USER, .text = prompt};
    llm_request_opts o = {.model = model, .stream = true};
    if (!llm_client_chat(c, &o, &msg, 1, &callbacks, &answer, &e)) {
      fprintf(stderr, "lms_check: %s\n", e.message);
      status = 1;
    } else {
      wait_for(c, &answer);
      putchar('\n');
      if (answer.result.error.code != LLM_OK) {
        fprintf(stderr, "lms_check: chat failed: %s\n", answer.result.error.message);
        status = 1;
      }
      llm_result_clear(&answer.result);
    }
  }
  llm_result_clear(&models.result);
  llm_client_destroy(c);
  return status;
}
