/* test_llm_client.c: the LM Studio client against the LM Studio emulator, over loopback HTTP.
 * Every operation, streaming and not, every scripted fault, cancel, timeouts, retry on a stale
 * pooled connection, and concurrent streams that must never mix. */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "llm/llm_client.h"
#include "llm_call.h"
#include "lms_emulator.h"
#include "testing.h"

#define WAIT_MS 15000

typedef struct fixture {
  lms_emu *emu;
  llm_client *client;
  char url[64];
} fixture;

static void setup_with(fixture *f, const lms_emu_config *ecfg, const char *api_key) {
  f->emu = lms_emu_start(ecfg);
  CHECK(f->emu);
  snprintf(f->url, sizeof f->url, "http://127.0.0.1:%u", lms_emu_port(f->emu));
  llm_config cfg = {.base_url = f->url, .api_key = api_key};
  llm_error e;
  f->client = llm_client_create(&cfg, &e);
  CHECK_MSG(f->client, "create: %s", e.message);
  CHECK_EQ_INT(llm_client_start(f->client), LLM_OK);
}

static void setup(fixture *f) {
  lms_emu_config ecfg = {0};
  setup_with(f, &ecfg, NULL);
}

static void teardown(fixture *f) {
  llm_client_destroy(f->client);
  lms_emu_stop(f->emu);
}

/* Runs one chat with a single user message and waits for it. */
static void chat(fixture *f, llm_call *k, const char *prompt, bool stream) {
  llm_call_init(k);
  k->client = f->client;
  llm_message m = {.role = LLM_ROLE_USER, .text = prompt};
  llm_request_opts o = {.stream = stream};
  llm_error e;
  uint64_t id = llm_client_chat(f->client, &o, &m, 1, &llm_call_callbacks, k, &e);
  CHECK_MSG(id > 0, "submit: %s", e.message);
  CHECK_MSG(llm_call_wait(k, WAIT_MS), "no answer to \"%s\"", prompt);
  CHECK_EQ_INT(k->done_count, 1);
}

/* The i-th recorded request's body, parsed. */
static json_t *recorded(fixture *f, size_t i) {
  char *s = lms_emu_request_json(f->emu, i);
  CHECK(s);
  json_t *j = json_loads(s, 0, NULL);
  free(s);
  CHECK(j);
  return j;
}

TEST(client_create_normalizes_base_url) {
  const char *forms[] = {"localhost:1234", "http://localhost:1234/", "http://localhost:1234/v1",
                         "http://localhost:1234/v1/", "http://localhost:1234//v1//"};
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    llm_config cfg = {.base_url = forms[i]};
    llm_client *c = llm_client_create(&cfg, NULL);
    CHECK(c);
    CHECK_EQ_STR(llm_client_base_url(c), "http://localhost:1234");
    llm_client_destroy(c);
  }
  llm_config https = {.base_url = "https://gpu-box:8443/v1"};
  llm_client *c = llm_client_create(&https, NULL);
  CHECK_EQ_STR(llm_client_base_url(c), "https://gpu-box:8443");
  llm_client_destroy(c);
}

TEST(client_create_rejects_bad_urls) {
  const char *bad[] = {"", "ftp://host", "http://", "http:///v1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    llm_config cfg = {.base_url = bad[i]};
    llm_error e;
    CHECK(llm_client_create(&cfg, &e) == NULL);
    CHECK_EQ_INT(e.code, LLM_ERR_INVALID_ARGUMENT);
    CHECK(e.message[0]);
  }
  CHECK(llm_client_create(NULL, NULL) == NULL);
  llm_client_destroy(NULL);
}

TEST(client_list_models_reads_lmstudio_types_and_state) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  CHECK(llm_client_list_models(f.client, NULL, &llm_call_callbacks, &k, NULL) > 0);
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_EQ_INT(k.result.n_models, 4);
  bool saw_vlm = false, saw_unloaded = false, saw_embed = false;
  for (size_t i = 0; i < k.result.n_models; i++) {
    const llm_model_info *m = &k.result.models[i];
    if (!strcmp(m->id, "qwen2-vl-2b-instruct")) {
      saw_vlm = m->vision && m->type && !strcmp(m->type, "vlm") && !strcmp(m->state, "loaded");
      CHECK_EQ_INT(m->loaded_context_length, 4096);
    }
    if (!strcmp(m->id, "qwen3-8b-big")) saw_unloaded = !strcmp(m->state, "not-loaded");
    if (!strcmp(m->id, "text-embedding-nomic-embed-text-v1.5"))
      saw_embed = !strcmp(m->type, "embeddings");
  }
  CHECK(saw_vlm && saw_unloaded && saw_embed);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_list_models_falls_back_to_v1_on_plain_openai_servers) {
  fixture f;
  lms_emu_config ecfg = {.no_api_v0 = true};
  setup_with(&f, &ecfg, NULL);
  llm_call k;
  llm_call_init(&k);
  CHECK(llm_client_list_models(f.client, NULL, &llm_call_callbacks, &k, NULL) > 0);
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_EQ_INT(k.result.n_models, 4);
  CHECK(k.result.models[0].id && k.result.models[0].type == NULL); /* /v1 says no type */
  CHECK_EQ_INT(lms_emu_request_count(f.emu), 2);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_probe_measures_latency) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  CHECK(llm_client_probe(f.client, NULL, &llm_call_callbacks, &k, NULL) > 0);
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_EQ_INT(k.result.error.code, LLM_OK);
  CHECK(k.result.latency_ms > 0 && k.result.latency_ms < WAIT_MS);
  CHECK(k.result.n_models == 4);
  json_t *r = recorded(&f, 0);
  CHECK_EQ_STR(json_string_value(json_object_get(r, "path")), "/v1/models");
  json_decref(r);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_chat_non_stream_returns_answer_usage_and_model) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "hello robot", false);
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_EQ_STR(k.result.text, "You said: hello robot");
  CHECK_EQ_STR(k.result.finish_reason, "stop");
  CHECK(k.result.usage.present && k.result.usage.completion_tokens > 0);
  CHECK(k.result.model && k.result.model[0]);
  CHECK_EQ_INT(k.content_deltas, 0);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_chat_stream_deltas_concatenate_to_the_result) {
  fixture f;
  setup(&f);
  llm_call k, plain;
  chat(&f, &k, "the quick brown fox jumps", true);
  chat(&f, &plain, "the quick brown fox jumps", false);
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK(k.content_deltas >= 5);
  CHECK_EQ_STR(k.content.data, k.result.text);
  CHECK_EQ_STR(k.result.text, plain.result.text);
  CHECK_EQ_INT(k.finish_deltas, 1);
  CHECK_EQ_INT(k.usage_deltas, 1);
  CHECK(k.result.usage.present);
  json_t *r = recorded(&f, 0);
  json_t *body = json_object_get(r, "body");
  CHECK(json_is_true(json_object_get(body, "stream")));
  CHECK(json_is_true(json_object_get(json_object_get(body, "stream_options"), "include_usage")));
  json_decref(r);
  llm_call_free(&k);
  llm_call_free(&plain);
  teardown(&f);
}

TEST(client_chat_stream_keeps_reasoning_apart) {
  fixture f;
  setup(&f);
  const char *forms[] = {"[[think=1]] why", "[[think=inline]] why", "[[think=reasoning]] why"};
  for (size_t i = 0; i < 3; i++) {
    for (int stream = 0; stream < 2; stream++) {
      llm_call k;
      chat(&f, &k, forms[i], stream);
      CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
      CHECK_EQ_STR(k.result.text, "You said: why");
      CHECK_MSG(k.result.reasoning_len > 0, "no reasoning for %s", forms[i]);
      CHECK(!strstr(k.result.text, "think>"));
      if (stream) {
        CHECK_EQ_STR(k.reasoning.data, k.result.reasoning);
        CHECK_EQ_STR(k.content.data, k.result.text);
      }
      llm_call_free(&k);
    }
  }
  teardown(&f);
}

TEST(client_chat_stream_survives_split_crlf_and_comments) {
  fixture f;
  setup(&f);
  llm_call k, plain;
  chat(&f, &k, "[[split=1 crlf=1 comments=1]] héllo wörld ✓ 🤖", true);
  chat(&f, &plain, "héllo wörld ✓ 🤖", false);
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_EQ_STR(k.result.text, plain.result.text);
  CHECK_EQ_STR(k.content.data, plain.result.text);
  llm_call_free(&k);
  llm_call_free(&plain);
  teardown(&f);
}

TEST(client_chat_stream_tool_call_is_accumulated) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "[[tool=get_weather]] weather?", true);
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_EQ_STR(k.result.finish_reason, "tool_calls");
  CHECK_EQ_INT(k.result.n_tool_calls, 1);
  CHECK_EQ_STR(k.result.tool_calls[0].name, "get_weather");
  CHECK(k.result.tool_calls[0].id && k.result.tool_calls[0].id[0]);
  json_t *args = json_loads(k.result.tool_calls[0].arguments, 0, NULL);
  CHECK_MSG(args, "arguments not JSON: %s", k.result.tool_calls[0].arguments);
  json_decref(args);
  CHECK(k.tool_deltas > 1);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_complete_stream_and_not) {
  fixture f;
  setup(&f);
  for (int stream = 0; stream < 2; stream++) {
    llm_call k;
    llm_call_init(&k);
    llm_request_opts o = {.stream = stream, .max_tokens = 50};
    CHECK(llm_client_complete(f.client, &o, "Once upon a time", &llm_call_callbacks, &k, NULL));
    CHECK(llm_call_wait(&k, WAIT_MS));
    CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
    CHECK(k.result.text_len > 0);
    if (stream) CHECK_EQ_STR(k.content.data, k.result.text);
    llm_call_free(&k);
  }
  json_t *r = recorded(&f, 0);
  CHECK_EQ_STR(json_string_value(json_object_get(r, "path")), "/v1/completions");
  CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(r, "body"), "prompt")),
               "Once upon a time");
  json_decref(r);
  teardown(&f);
}

TEST(client_embed_one_and_a_batch) {
  fixture f;
  setup(&f);
  const char *texts[] = {"red robot", "blue robot", "red robot"};
  llm_call one, batch;
  llm_call_init(&one);
  llm_call_init(&batch);
  CHECK(llm_client_embed(f.client, "text-embedding-nomic-embed-text-v1.5", texts, 1, NULL,
                         &llm_call_callbacks, &one, NULL));
  CHECK(llm_client_embed(f.client, NULL, texts, 3, NULL, &llm_call_callbacks, &batch, NULL));
  CHECK(llm_call_wait(&one, WAIT_MS) && llm_call_wait(&batch, WAIT_MS));
  CHECK_MSG(one.result.error.code == LLM_OK, "%s", one.result.error.message);
  CHECK_MSG(batch.result.error.code == LLM_OK, "%s", batch.result.error.message);
  CHECK_EQ_INT(one.result.n_embeddings, 1);
  CHECK_EQ_INT(one.result.dimensions, 768);
  CHECK_EQ_INT(batch.result.n_embeddings, 3);
  size_t d = batch.result.dimensions;
  /* same text, same vector; different text, different vector */
  CHECK(memcmp(batch.result.embeddings, batch.result.embeddings + 2 * d, d * sizeof(double)) == 0);
  CHECK(memcmp(batch.result.embeddings, batch.result.embeddings + d, d * sizeof(double)) != 0);
  CHECK(memcmp(one.result.embeddings, batch.result.embeddings, d * sizeof(double)) == 0);
  llm_call_free(&one);
  llm_call_free(&batch);
  teardown(&f);
}

TEST(client_embed_with_a_chat_model_fails_clearly) {
  fixture f;
  setup(&f);
  const char *texts[] = {"x"};
  llm_call k;
  llm_call_init(&k);
  CHECK(llm_client_embed(f.client, "llama-3.2-1b-instruct", texts, 1, NULL, &llm_call_callbacks,
                         &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_MODEL_NOT_FOUND);
  CHECK_CONTAINS(k.result.error.message, "not embedding");
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_chat_sends_messages_images_parameters_and_key) {
  fixture f;
  lms_emu_config ecfg = {.api_key = "sk-lm-test:secret"};
  setup_with(&f, &ecfg, "sk-lm-test:secret");
  const char *images[] = {"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="};
  llm_message msgs[] = {
      {.role = LLM_ROLE_SYSTEM, .text = "You are a robot."},
      {.role = LLM_ROLE_USER, .text = "first \"quoted\" \\ line\nnext"},
      {.role = LLM_ROLE_ASSISTANT, .text = "ok"},
      {.role = LLM_ROLE_USER, .text = "what is this?", .image_urls = images, .n_images = 1},
  };
  llm_request_opts o = {.model = "qwen2-vl-2b-instruct", .max_tokens = 77, .set_temperature = true,
                        .temperature = 0.25};
  llm_call k;
  llm_call_init(&k);
  CHECK(llm_client_chat(f.client, &o, msgs, 4, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_CONTAINS(k.result.text, "[images: 1]");
  json_t *r = recorded(&f, 0);
  CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(r, "headers"), "authorization")),
               "Bearer sk-lm-test:secret");
  json_t *body = json_object_get(r, "body");
  CHECK_EQ_STR(json_string_value(json_object_get(body, "model")), "qwen2-vl-2b-instruct");
  CHECK_EQ_INT(json_integer_value(json_object_get(body, "max_tokens")), 77);
  CHECK(json_real_value(json_object_get(body, "temperature")) == 0.25);
  CHECK(json_is_false(json_object_get(body, "stream")));
  json_t *m = json_object_get(body, "messages");
  CHECK_EQ_INT(json_array_size(m), 4);
  CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(m, 0), "role")), "system");
  CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(m, 1), "content")),
               "first \"quoted\" \\ line\nnext");
  CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(m, 2), "role")), "assistant");
  json_t *parts = json_object_get(json_array_get(m, 3), "content");
  CHECK_EQ_INT(json_array_size(parts), 2);
  CHECK_EQ_STR(json_string_value(json_object_get(json_array_get(parts, 0), "text")),
               "what is this?");
  json_t *img = json_array_get(parts, 1);
  CHECK_EQ_STR(json_string_value(json_object_get(img, "type")), "image_url");
  CHECK_EQ_STR(json_string_value(json_object_get(json_object_get(img, "image_url"), "url")),
               images[0]);
  json_decref(r);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_missing_or_wrong_key_is_an_auth_error) {
  fixture f;
  lms_emu_config ecfg = {.api_key = "right"};
  setup_with(&f, &ecfg, NULL);
  llm_call k;
  chat(&f, &k, "hi", false);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_AUTH);
  CHECK_EQ_INT(k.result.error.http_status, 401);
  CHECK_CONTAINS(k.result.error.message, "API token");
  CHECK_EQ_STR(k.result.text, "");
  llm_call_free(&k);
  llm_client_destroy(f.client);
  llm_config cfg = {.base_url = f.url, .api_key = "wrong"};
  f.client = llm_client_create(&cfg, NULL);
  llm_client_start(f.client);
  chat(&f, &k, "hi", true);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_AUTH);
  CHECK(!strstr(k.result.error.message, "wrong")); /* the key never appears in messages */
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_unknown_model_is_model_not_found) {
  fixture f;
  setup(&f);
  for (int stream = 0; stream < 2; stream++) {
    llm_call k;
    llm_call_init(&k);
    llm_message m = {.role = LLM_ROLE_USER, .text = "hi"};
    llm_request_opts o = {.model = "no-such-model", .stream = stream};
    CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL));
    CHECK(llm_call_wait(&k, WAIT_MS));
    CHECK_EQ_INT(k.result.error.code, LLM_ERR_MODEL_NOT_FOUND);
    CHECK_EQ_INT(k.result.error.http_status, 400);
    CHECK_CONTAINS(k.result.error.message, "no-such-model");
    CHECK_EQ_INT(k.content_deltas, 0);
    llm_call_free(&k);
  }
  teardown(&f);
}

TEST(client_image_to_a_text_model_is_refused_by_the_server) {
  fixture f;
  setup(&f);
  const char *images[] = {"data:image/png;base64,iVBORw0KGgo="};
  llm_message m = {.role = LLM_ROLE_USER, .text = "see", .image_urls = images, .n_images = 1};
  llm_request_opts o = {.model = "llama-3.2-1b-instruct"};
  llm_call k;
  llm_call_init(&k);
  CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK(k.result.error.code != LLM_OK);
  CHECK_CONTAINS(k.result.error.message, "does not support images");
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_unknown_route_answered_200_is_an_error) {
  fixture f;
  setup(&f);
  /* A base URL with an extra path segment: LM Studio answers 200 {"error": "Unexpected..."} */
  char bad[96];
  snprintf(bad, sizeof bad, "%s/api", f.url);
  llm_config cfg = {.base_url = bad};
  llm_client *c = llm_client_create(&cfg, NULL);
  llm_client_start(c);
  llm_call k;
  llm_call_init(&k);
  llm_message m = {.role = LLM_ROLE_USER, .text = "hi"};
  llm_request_opts o = {0};
  CHECK(llm_client_chat(c, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_BAD_ENDPOINT);
  CHECK_CONTAINS(k.result.error.message, "Unexpected endpoint");
  llm_call_free(&k);
  llm_client_destroy(c);
  teardown(&f);
}

TEST(client_http_errors_carry_status_and_server_message) {
  fixture f;
  setup(&f);
  struct { const char *prompt; long status; const char *says; } cases[] = {
      {"[[status=503]] x", 503, "Emulated failure 503"},
      {"[[status=500 body=string]] x", 500, "Emulated failure 500"},
      {"[[status=502 body=html]] x", 502, "Bad Gateway"},
      {"[[status=404 body=none]] x", 404, "404"},
  };
  for (size_t i = 0; i < 4; i++) {
    for (int stream = 0; stream < 2; stream++) {
      llm_call k;
      chat(&f, &k, cases[i].prompt, stream);
      CHECK_MSG(k.result.error.code != LLM_OK, "%s succeeded", cases[i].prompt);
      CHECK_EQ_INT(k.result.error.http_status, cases[i].status);
      CHECK_CONTAINS(k.result.error.message, cases[i].says);
      CHECK_EQ_STR(k.result.text, "");
      llm_call_free(&k);
    }
  }
  teardown(&f);
}

TEST(client_malformed_answers_are_errors_never_text) {
  fixture f;
  setup(&f);
  const char *prompts[] = {"[[fault=non_json]] x", "[[fault=no_choices]] x"};
  for (size_t i = 0; i < 2; i++) {
    for (int stream = 0; stream < 2; stream++) {
      if (i == 1 && stream) continue; /* no_choices is a non-stream shape */
      llm_call k;
      chat(&f, &k, prompts[i], stream);
      CHECK_MSG(k.result.error.code == LLM_ERR_MALFORMED, "%s (stream %d): %s", prompts[i],
                stream, k.result.error.message);
      llm_call_free(&k);
    }
  }
  llm_call k;
  chat(&f, &k, "[[fault=malformed after=3]] one two three four five", true);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_MALFORMED);
  CHECK_EQ_STR(k.result.text, k.content.data); /* what came before is kept, nothing invented */
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_server_dying_mid_stream_keeps_partial_text) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "[[fault=drop_after after=3]] a b c d e f g h", true);
  CHECK(k.result.error.code == LLM_ERR_NETWORK || k.result.error.code == LLM_ERR_TRUNCATED);
  CHECK(k.result.error.message[0]);
  CHECK_EQ_INT(k.content_deltas, 3);
  CHECK_EQ_STR(k.result.text, k.content.data);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_error_inside_stream_is_reported) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "[[fault=error_in_stream after=2]] a b c d", true);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_SERVER);
  CHECK_CONTAINS(k.result.error.message, "Compute error.");
  CHECK_EQ_INT(k.content_deltas, 2);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_stream_ending_early_is_truncated_but_finish_counts) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "[[fault=truncated]] a b c", true);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_TRUNCATED);
  CHECK_EQ_STR(k.result.text, k.content.data);
  llm_call_free(&k);
  chat(&f, &k, "[[fault=no_done]] a b c", true);
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_EQ_STR(k.result.text, "You said: a b c");
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_oversized_body_is_refused_with_too_large) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "[[fault=huge mb=80]] x", false);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_TOO_LARGE);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_invalid_utf8_from_server_does_not_break_the_answer) {
  fixture f;
  setup(&f);
  for (int stream = 0; stream < 2; stream++) {
    llm_call k;
    chat(&f, &k, "[[fault=bad_utf8]] abc", stream);
    /* Invalid bytes become U+FFFD; the answer survives and is valid UTF-8. */
    CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
    CHECK_CONTAINS(k.result.text, "You said: abc");
    CHECK_CONTAINS(k.result.text, "\xef\xbf\xbd");
    json_t *s = json_string(k.result.text);
    CHECK(s);
    json_decref(s);
    llm_call_free(&k);
  }
  teardown(&f);
}

TEST(client_cancel_stops_an_endless_stream_promptly) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  k.client = f.client;
  llm_message m = {.role = LLM_ROLE_USER, .text = "[[fault=endless interval_ms=5]] go"};
  llm_request_opts o = {.stream = true};
  uint64_t id = llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL);
  CHECK(id);
  CHECK(llm_call_wait_deltas(&k, 5, WAIT_MS));
  int64_t t0 = clock_mono_ns();
  CHECK(llm_client_cancel(f.client, id));
  CHECK(llm_call_wait(&k, WAIT_MS));
  double ms = (double)(k.done_ns - t0) / 1e6;
  fprintf(stderr, "cancel to on_done: %.2f ms\n", ms);
  CHECK_MSG(ms < 1000, "cancel took %.1f ms", ms); /* the bench measures the real figure */
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_CANCELLED);
  CHECK(k.result.text_len > 0);
  CHECK_EQ_STR(k.result.text, k.content.data);
  CHECK(!llm_client_cancel(f.client, id)); /* already finished */
  CHECK(!llm_client_cancel(f.client, 999999));
  CHECK_EQ_INT(llm_client_pending(f.client), 0);
  clock_sleep_ms(50);
  CHECK_EQ_INT(k.done_count, 1);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_cancel_from_inside_a_delta_callback) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  k.client = f.client;
  k.cancel_after_deltas = 3;
  llm_message m = {.role = LLM_ROLE_USER, .text = "[[fault=endless interval_ms=1]] go"};
  llm_request_opts o = {.stream = true};
  CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_CANCELLED);
  CHECK_EQ_INT(k.content_deltas, 3); /* nothing delivered after the cancel */
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_timeout_first_byte) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  llm_message m = {.role = LLM_ROLE_USER, .text = "[[delay_first_ms=3000]] slow"};
  llm_request_opts o = {.stream = true, .timeouts = {.first_byte_ms = 200}};
  CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_TIMEOUT_FIRST_BYTE);
  CHECK_CONTAINS(k.result.error.message, "first-byte timeout");
  CHECK(k.result.latency_ms >= 190 && k.result.latency_ms < 2500);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_timeout_idle_keeps_partial_text) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  llm_message m = {.role = LLM_ROLE_USER, .text = "[[stall_after=2 stall_ms=3000]] a b c d"};
  llm_request_opts o = {.stream = true, .timeouts = {.idle_ms = 200}};
  CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_TIMEOUT_IDLE);
  CHECK_EQ_INT(k.content_deltas, 2);
  CHECK_EQ_STR(k.result.text, k.content.data);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_timeout_total) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  llm_message m = {.role = LLM_ROLE_USER, .text = "[[fault=endless interval_ms=5]] go"};
  llm_request_opts o = {.stream = true, .timeouts = {.total_ms = 300}};
  CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_TIMEOUT_TOTAL);
  CHECK(k.content_deltas > 0);
  llm_call_free(&k);
  teardown(&f);
}

/* A listening socket whose accept queue is full: further connection attempts hang. */
static int saturated_listener(unsigned short *port, int *fillers, int n_fillers) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
  CHECK(listen(s, 0) == 0);
  socklen_t len = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &len);
  *port = ntohs(a.sin_port);
  for (int i = 0; i < n_fillers; i++) {
    fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(fillers[i], (struct sockaddr *)&a, sizeof a);
  }
  clock_sleep_ms(50);
  return s;
}

TEST(client_timeout_connect) {
  unsigned short port;
  int fillers[4];
  int s = saturated_listener(&port, fillers, 4);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
  llm_config cfg = {.base_url = url, .timeouts = {.connect_ms = 300}};
  llm_client *c = llm_client_create(&cfg, NULL);
  llm_client_start(c);
  llm_call k;
  llm_call_init(&k);
  CHECK(llm_client_probe(c, NULL, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait(&k, WAIT_MS));
  CHECK_MSG(k.result.error.code == LLM_ERR_TIMEOUT_CONNECT, "%s: %s",
            llm_status_name(k.result.error.code), k.result.error.message);
  llm_call_free(&k);
  llm_client_destroy(c);
  for (int i = 0; i < 4; i++) close(fillers[i]);
  close(s);
}

TEST(client_connection_refused_says_the_server_is_not_running) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(s, (struct sockaddr *)&a, sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, (struct sockaddr *)&a, &len);
  close(s); /* nothing listens there now */
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/v1", ntohs(a.sin_port));
  llm_config cfg = {.base_url = url};
  llm_client *c = llm_client_create(&cfg, NULL);
  llm_client_start(c);
  for (int stream = 0; stream < 2; stream++) {
    llm_call k;
    llm_call_init(&k);
    llm_message m = {.role = LLM_ROLE_USER, .text = "hi"};
    llm_request_opts o = {.stream = stream};
    CHECK(llm_client_chat(c, &o, &m, 1, &llm_call_callbacks, &k, NULL));
    CHECK(llm_call_wait(&k, WAIT_MS));
    CHECK_EQ_INT(k.result.error.code, LLM_ERR_CONNECT_REFUSED);
    CHECK_CONTAINS(k.result.error.message, "lms server start");
    CHECK_EQ_STR(k.result.text, "");
    llm_call_free(&k);
  }
  llm_client_destroy(c);
}

TEST(client_retries_once_when_a_pooled_connection_was_closed) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "warm up the pool", false);
  CHECK_EQ_INT(k.result.error.code, LLM_OK);
  llm_call_free(&k);
  chat(&f, &k, "[[fault=close_once]] after the pool", false);
  CHECK_MSG(k.result.error.code == LLM_OK, "%s", k.result.error.message);
  CHECK_EQ_STR(k.result.text, "You said: after the pool");
  CHECK_EQ_INT(lms_emu_request_count(f.emu), 3); /* warm-up, closed attempt, retry */
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_does_not_retry_on_a_fresh_connection) {
  fixture f;
  setup(&f);
  llm_call k;
  chat(&f, &k, "[[fault=close_once]] first contact", false);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_NETWORK);
  CHECK_EQ_INT(lms_emu_request_count(f.emu), 1);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_concurrent_streams_never_mix) {
  enum { N = 32 };
  fixture f;
  setup(&f);
  lms_emu_set_chunk_interval_us(f.emu, 2000);
  static llm_call calls[N];
  char prompts[N][64];
  for (int i = 0; i < N; i++) {
    llm_call_init(&calls[i]);
    snprintf(prompts[i], sizeof prompts[i], "stream %d alpha %d beta %d gamma", i, i, i);
    llm_message m = {.role = LLM_ROLE_USER, .text = prompts[i]};
    llm_request_opts o = {.stream = true};
    CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &calls[i], NULL));
  }
  for (int i = 0; i < N; i++) {
    CHECK(llm_call_wait(&calls[i], 30000));
    CHECK_MSG(calls[i].result.error.code == LLM_OK, "%d: %s", i, calls[i].result.error.message);
    char want[96];
    snprintf(want, sizeof want, "You said: %s", prompts[i]);
    CHECK_EQ_STR(calls[i].content.data, want);
    CHECK_EQ_STR(calls[i].result.text, want);
    CHECK_EQ_INT(calls[i].done_count, 1);
    llm_call_free(&calls[i]);
  }
  CHECK_EQ_INT(llm_client_pending(f.client), 0);
  teardown(&f);
}

TEST(client_destroy_finishes_pending_requests_with_shutdown) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  llm_message m = {.role = LLM_ROLE_USER, .text = "[[fault=endless]] go"};
  llm_request_opts o = {.stream = true};
  CHECK(llm_client_chat(f.client, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  CHECK(llm_call_wait_deltas(&k, 1, WAIT_MS));
  llm_client_destroy(f.client);
  CHECK_EQ_INT(k.done_count, 1);
  CHECK_EQ_INT(k.result.error.code, LLM_ERR_SHUTDOWN);
  llm_call_free(&k);
  lms_emu_stop(f.emu);
}

TEST(client_bad_submissions_fail_at_once_without_callback) {
  fixture f;
  setup(&f);
  llm_call k;
  llm_call_init(&k);
  llm_error e;
  llm_request_opts o = {0};
  llm_message m = {.role = LLM_ROLE_USER, .text = "hi"};
  CHECK(llm_client_chat(f.client, &o, &m, 0, &llm_call_callbacks, &k, &e) == 0);
  CHECK_EQ_INT(e.code, LLM_ERR_INVALID_ARGUMENT);
  llm_callbacks no_done = {0};
  CHECK(llm_client_chat(f.client, &o, &m, 1, &no_done, &k, &e) == 0);
  const char *not_uri[] = {"/tmp/picture.png"};
  llm_message img = {.role = LLM_ROLE_USER, .text = "x", .image_urls = not_uri, .n_images = 1};
  CHECK(llm_client_chat(f.client, &o, &img, 1, &llm_call_callbacks, &k, &e) == 0);
  CHECK_CONTAINS(e.message, "data:image");
  llm_message bad_utf8 = {.role = LLM_ROLE_USER, .text = "\xff\xfe"};
  CHECK(llm_client_chat(f.client, &o, &bad_utf8, 1, &llm_call_callbacks, &k, &e) == 0);
  CHECK_CONTAINS(e.message, "UTF-8");
  CHECK(llm_client_embed(f.client, NULL, NULL, 0, NULL, &llm_call_callbacks, &k, &e) == 0);
  CHECK(llm_client_chat(NULL, &o, &m, 1, &llm_call_callbacks, &k, &e) == 0);
  clock_sleep_ms(50);
  CHECK_EQ_INT(k.done_count, 0);
  CHECK_EQ_INT(lms_emu_request_count(f.emu), 0);
  llm_call_free(&k);
  teardown(&f);
}

TEST(client_poll_mode_drives_requests_on_the_callers_thread) {
  lms_emu_config ecfg = {0};
  lms_emu *emu = lms_emu_start(&ecfg);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", lms_emu_port(emu));
  llm_config cfg = {.base_url = url};
  llm_client *c = llm_client_create(&cfg, NULL);
  llm_call k;
  llm_call_init(&k);
  llm_message m = {.role = LLM_ROLE_USER, .text = "polled"};
  llm_request_opts o = {.stream = true};
  CHECK(llm_client_chat(c, &o, &m, 1, &llm_call_callbacks, &k, NULL));
  int64_t give_up = clock_mono_ms() + WAIT_MS;
  while (k.done_count == 0 && clock_mono_ms() < give_up) llm_client_poll(c, 100);
  CHECK_EQ_INT(k.done_count, 1);
  CHECK_EQ_STR(k.result.text, "You said: polled");
  llm_call_free(&k);
  llm_client_destroy(c);
  lms_emu_stop(emu);
}

TEST(client_https_with_the_right_ca_and_a_clear_tls_error_otherwise) {
  char *cert = test_read_file(test_fixture("tls/emulator-cert.pem"), NULL);
  char *key = test_read_file(test_fixture("tls/emulator-key.pem"), NULL);
  lms_emu_config ecfg = {.tls_cert_pem = cert, .tls_key_pem = key};
  lms_emu *emu = lms_emu_start(&ecfg);
  CHECK(emu);
  char url[64];
  snprintf(url, sizeof url, "https://127.0.0.1:%u/v1/", lms_emu_port(emu));
  char right_ca[4096], other_ca[4096]; /* test_fixture's buffer is reused: copies */
  snprintf(right_ca, sizeof right_ca, "%s", test_fixture("tls/emulator-cert.pem"));
  snprintf(other_ca, sizeof other_ca, "%s", test_fixture("tls/other-ca-cert.pem"));
  struct { const char *ca; bool insecure; llm_status want; } cases[] = {
      {right_ca, false, LLM_OK},
      {NULL, true, LLM_OK},
      {"", false, LLM_ERR_TLS},       /* system CAs do not know a self-signed certificate */
      {other_ca, false, LLM_ERR_TLS}, /* nor does a CA that did not sign it */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    llm_config cfg = {.base_url = url, .ca_file = cases[i].ca, .insecure_tls = cases[i].insecure};
    llm_status want = cases[i].want;
    llm_client *c = llm_client_create(&cfg, NULL);
    llm_client_start(c);
    llm_call k;
    llm_call_init(&k);
    llm_message m = {.role = LLM_ROLE_USER, .text = "secure hello"};
    llm_request_opts o = {.stream = true};
    CHECK(llm_client_chat(c, &o, &m, 1, &llm_call_callbacks, &k, NULL));
    CHECK(llm_call_wait(&k, WAIT_MS));
    CHECK_MSG(k.result.error.code == want, "case %zu: %s: %s", i,
              llm_status_name(k.result.error.code), k.result.error.message);
    if (want == LLM_OK) CHECK_EQ_STR(k.result.text, "You said: secure hello");
    llm_call_free(&k);
    llm_client_destroy(c);
  }
  lms_emu_stop(emu);
  free(cert);
  free(key);
}

TEST(llm_url_redact_hides_userinfo) {
  char out[128];
  llm_url_redact("http://user:pa@ss@host:1234/v1?x=@", out, sizeof out);
  CHECK_EQ_STR(out, "http://***@host:1234/v1?x=@");
  llm_url_redact("https://token@10.0.0.1", out, sizeof out);
  CHECK_EQ_STR(out, "https://***@10.0.0.1");
  llm_url_redact("localhost:1234/a@b", out, sizeof out); /* an '@' in the path is not userinfo */
  CHECK_EQ_STR(out, "localhost:1234/a@b");
  llm_url_redact("u:p@localhost", out, sizeof out);
  CHECK_EQ_STR(out, "***@localhost");
  llm_url_redact(NULL, out, sizeof out);
  CHECK_EQ_STR(out, "");
  CHECK_EQ_INT(llm_url_redact("http://a:b@h", out, 8), 7); /* cut, still terminated */
  CHECK_EQ_STR(out, "http://");
  /* The client shows the redacted URL; an invalid one is quoted redacted in the error. */
  llm_config cfg = {.base_url = "http://robot:hunter2@127.0.0.1:9/v1/"};
  llm_error e;
  llm_client *c = llm_client_create(&cfg, &e);
  CHECK(c);
  CHECK_EQ_STR(llm_client_base_url(c), "http://***@127.0.0.1:9");
  llm_client_destroy(c);
  cfg.base_url = "ftp://robot:hunter2@host";
  CHECK(llm_client_create(&cfg, &e) == NULL);
  CHECK(!strstr(e.message, "hunter2"));
  CHECK_CONTAINS(e.message, "ftp://***@host");
}
