/* test_llm_error.c: llm_error.h: every code has a distinct name and a sentence, the error
 * record's set/clear, and the classification of every error shape LM Studio sends. */
#include <string.h>

#include "llm/llm_error.h"
#include "testing.h"

/* True when s is valid UTF-8 (a small independent check, not the library's). */
static bool valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int extra = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0) return false;
    p++;
    for (int i = 0; i < extra; i++, p++)
      if ((*p & 0xC0) != 0x80) return false;
  }
  return true;
}

TEST(llm_error_status_name_every_code_distinct) {
  for (int i = 0; i < LLM_STATUS_COUNT; i++) {
    const char *a = llm_status_name((llm_status)i);
    CHECK(a != NULL);
    CHECK_MSG(strncmp(a, "LLM_", 4) == 0 && strcmp(a, "LLM_ERR_?") != 0, "code %d: %s", i, a);
    for (int j = 0; j < i; j++) CHECK_MSG(strcmp(a, llm_status_name((llm_status)j)) != 0, "%d and %d", i, j);
  }
  CHECK_EQ_STR(llm_status_name(LLM_OK), "LLM_OK");
  CHECK_EQ_STR(llm_status_name(LLM_ERR_TIMEOUT_IDLE), "LLM_ERR_TIMEOUT_IDLE");
  CHECK_EQ_STR(llm_status_name(LLM_ERR_BAD_ENDPOINT), "LLM_ERR_BAD_ENDPOINT");
}

TEST(llm_error_status_name_unknown_value) {
  CHECK_EQ_STR(llm_status_name((llm_status)LLM_STATUS_COUNT), "LLM_ERR_?");
  CHECK_EQ_STR(llm_status_name((llm_status)-1), "LLM_ERR_?");
}

TEST(llm_error_strerror_every_code_has_sentence) {
  for (int i = 0; i < LLM_STATUS_COUNT; i++) {
    const char *s = llm_strerror((llm_status)i);
    CHECK(s != NULL);
    size_t n = strlen(s);
    CHECK_MSG(n > 5 && s[n - 1] == '.', "code %d: \"%s\"", i, s);
    for (int j = 0; j < i; j++) CHECK_MSG(strcmp(s, llm_strerror((llm_status)j)) != 0, "%d and %d", i, j);
  }
  CHECK(llm_strerror((llm_status)999) != NULL);
  CHECK(llm_strerror((llm_status)-5)[0] != '\0');
}

TEST(llm_error_clear_resets_and_accepts_null) {
  llm_error e;
  memset(&e, 'x', sizeof e);
  llm_error_clear(&e);
  CHECK_EQ_INT(e.code, LLM_OK);
  CHECK_EQ_INT(e.http_status, 0);
  CHECK_EQ_STR(e.message, "");
  llm_error_clear(NULL);
}

TEST(llm_error_set_formats_and_returns_code) {
  llm_error e;
  llm_error_clear(&e);
  CHECK_EQ_INT(llm_error_set(&e, LLM_ERR_TIMEOUT_IDLE, "no data for %d ms", 60000), LLM_ERR_TIMEOUT_IDLE);
  CHECK_EQ_INT(e.code, LLM_ERR_TIMEOUT_IDLE);
  CHECK_EQ_STR(e.message, "no data for 60000 ms");
  CHECK_EQ_INT(llm_error_set(NULL, LLM_ERR_NO_MEMORY, "x"), LLM_ERR_NO_MEMORY);
}

TEST(llm_error_set_truncates_at_character_boundary) {
  char big[2000];
  /* 'a' then 3-byte characters, so the cut at 511 bytes lands inside one. */
  big[0] = 'a';
  size_t n = 1;
  while (n + 3 < sizeof big) {
    memcpy(big + n, "\xE2\x82\xAC", 3);
    n += 3;
  }
  big[n] = '\0';
  llm_error e;
  for (int pad = 0; pad < 3; pad++) {
    llm_error_set(&e, LLM_ERR_SERVER, "%.*s%s", pad, "xx", big);
    size_t len = strlen(e.message);
    CHECK(len < LLM_ERROR_MESSAGE_MAX);
    CHECK(len >= LLM_ERROR_MESSAGE_MAX - 4);
    CHECK_MSG(valid_utf8(e.message), "pad %d", pad);
  }
}

typedef struct srv_case {
  long status;
  const char *message;
  const char *code;
  llm_status expect;
} srv_case;

TEST(llm_error_from_server_classifies_every_shape) {
  static const srv_case cases[] = {
      {400, "Failed to load model \"x\". Error: Model is not embedding.", "model_not_found", LLM_ERR_MODEL_NOT_FOUND},
      {401, "An LM Studio API token is required to make requests", "invalid_api_key", LLM_ERR_AUTH},
      {200, "whatever", "invalid_api_key", LLM_ERR_AUTH},
      {401, "Unauthorized", NULL, LLM_ERR_AUTH},
      {403, "Forbidden", NULL, LLM_ERR_AUTH},
      {0, "Malformed LM Studio API token provided", NULL, LLM_ERR_AUTH},
      {400, "No models loaded. Please load a model in the developer page or use the 'lms load' command.", NULL, LLM_ERR_NO_MODEL_LOADED},
      {404, "No models loaded...", NULL, LLM_ERR_NO_MODEL_LOADED},
      {0, "no models loaded", NULL, LLM_ERR_NO_MODEL_LOADED},
      {400, "Trying to keep the first 5120 tokens when context the overflows.", NULL, LLM_ERR_CONTEXT_OVERFLOW},
      {0, "Context size has been exceeded.", NULL, LLM_ERR_CONTEXT_OVERFLOW},
      {200, "the model is loaded with context length of only 4096 tokens", NULL, LLM_ERR_CONTEXT_OVERFLOW},
      {400, "request too big", "exceed_context_size_error", LLM_ERR_CONTEXT_OVERFLOW},
      {200, "Unexpected endpoint or method. (POST /chat/completions)", NULL, LLM_ERR_BAD_ENDPOINT},
      {404, "Unexpected endpoint or method. (GET /api/v1/models/list)", NULL, LLM_ERR_BAD_ENDPOINT},
      {400, "Invalid model identifier \"o4-mini\". Please specify a valid downloaded model.", NULL, LLM_ERR_MODEL_NOT_FOUND},
      {404, "Model \"x\" not found. Please download it first.", NULL, LLM_ERR_MODEL_NOT_FOUND},
      {400, "'response_format.type' must be 'json_schema' or 'text'", NULL, LLM_ERR_HTTP},
      {500, "The model has crashed without additional information. (Exit code: 1)", NULL, LLM_ERR_HTTP},
      {400, "x", "some_other_code", LLM_ERR_HTTP},
      {0, "Compute error.", NULL, LLM_ERR_SERVER},
      {200, "Compute error.", NULL, LLM_ERR_SERVER},
      {0, NULL, NULL, LLM_ERR_SERVER},
      {503, NULL, NULL, LLM_ERR_HTTP},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    llm_error e;
    llm_error_clear(&e);
    llm_error_from_server(&e, cases[i].status, cases[i].message, cases[i].code);
    CHECK_MSG(e.code == cases[i].expect, "case %zu: got %s: %s", i, llm_status_name(e.code), e.message);
    CHECK_EQ_INT(e.http_status, cases[i].status);
    CHECK(e.message[0] != '\0');
    if (cases[i].message) CHECK_CONTAINS(e.message, cases[i].message);
    CHECK(valid_utf8(e.message));
  }
}

TEST(llm_error_from_server_message_quotes_and_hints) {
  llm_error e;
  llm_error_from_server(&e, 400, "Invalid model identifier \"x\". Please specify a valid downloaded model.", "model_not_found");
  CHECK(strncmp(e.message, "LM Studio answered HTTP 400: Invalid model identifier \"x\"", 57) == 0);
  llm_error_from_server(&e, 400, "No models loaded. Please load a model.", NULL);
  CHECK_CONTAINS(e.message, "LM Studio answered HTTP 400: No models loaded.");
  CHECK_CONTAINS(e.message, "load one in LM Studio or with `lms load");
  llm_error_from_server(&e, 200, "Unexpected endpoint or method. (GET /v1//models)", NULL);
  CHECK_CONTAINS(e.message, "the base URL may be wrong");
  llm_error_from_server(&e, 0, "Context size has been exceeded.", NULL);
  CHECK(strncmp(e.message, "LM Studio reported an error: Context size has been exceeded.", 60) == 0);
  CHECK_CONTAINS(e.message, "larger context length");
  llm_error_from_server(&e, 401, NULL, "invalid_api_key");
  CHECK_CONTAINS(e.message, "(no message, code invalid_api_key)");
  CHECK_CONTAINS(e.message, "API token");
  llm_error_from_server(NULL, 400, "x", NULL); /* accepted */
}

TEST(llm_error_from_server_long_message_keeps_hint_and_utf8) {
  char big[4000];
  size_t n = 0;
  memcpy(big, "No models loaded", 16);
  n = 16;
  while (n + 2 < sizeof big) {
    memcpy(big + n, "\xC3\xA9", 2); /* é: the quote must not cut one in half */
    n += 2;
  }
  big[n] = '\0';
  llm_error e;
  llm_error_from_server(&e, 400, big, NULL);
  CHECK_EQ_INT(e.code, LLM_ERR_NO_MODEL_LOADED);
  CHECK(strlen(e.message) < LLM_ERROR_MESSAGE_MAX);
  CHECK_CONTAINS(e.message, "...");
  CHECK_CONTAINS(e.message, "`lms load <model>`)");
  CHECK(valid_utf8(e.message));
}

TEST(llm_error_from_server_message_made_single_line) {
  llm_error e;
  llm_error_from_server(&e, 400, "line one\nline two\r\n\tend \xFF", NULL);
  CHECK_CONTAINS(e.message, "line one line two   end ?");
  CHECK(strchr(e.message, '\n') == NULL);
  CHECK(valid_utf8(e.message));
}
