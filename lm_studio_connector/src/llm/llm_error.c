/* llm_error.c: names and sentences for every llm_status, and the reading of errors the server
 * reports. Classification looks at the server's error code first, then the HTTP status, then
 * the message text LM Studio is known to send (LMSTUDIO_API.md §4), so the caller gets a
 * specific code and a message that quotes the server and, where it helps, says what to check.
 * Messages are always valid single-line UTF-8 (llm_text_quote) and fit LLM_ERROR_MESSAGE_MAX.
 * Pure functions; safe from any thread. */
#include "llm_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "llm_text.h"

static const struct {
  const char *name;
  const char *sentence;
} status_info[LLM_STATUS_COUNT] = {
  [LLM_OK] = {"LLM_OK", "Success."},
  [LLM_ERR_INVALID_ARGUMENT] = {"LLM_ERR_INVALID_ARGUMENT", "An argument passed to the LM Studio client was invalid."},
  [LLM_ERR_NO_MEMORY] = {"LLM_ERR_NO_MEMORY", "The client ran out of memory."},
  [LLM_ERR_CONNECT_REFUSED] = {"LLM_ERR_CONNECT_REFUSED", "The connection was refused: the LM Studio server is not running or listens elsewhere."},
  [LLM_ERR_DNS] = {"LLM_ERR_DNS", "The server's host name could not be resolved."},
  [LLM_ERR_TLS] = {"LLM_ERR_TLS", "The TLS handshake or certificate check failed."},
  [LLM_ERR_NETWORK] = {"LLM_ERR_NETWORK", "The connection to the server failed or was reset."},
  [LLM_ERR_TIMEOUT_CONNECT] = {"LLM_ERR_TIMEOUT_CONNECT", "Connecting to the server took too long."},
  [LLM_ERR_TIMEOUT_FIRST_BYTE] = {"LLM_ERR_TIMEOUT_FIRST_BYTE", "The server accepted the request but did not start answering in time."},
  [LLM_ERR_TIMEOUT_IDLE] = {"LLM_ERR_TIMEOUT_IDLE", "The server stopped sending in the middle of a response."},
  [LLM_ERR_TIMEOUT_TOTAL] = {"LLM_ERR_TIMEOUT_TOTAL", "The request took longer than its total time limit."},
  [LLM_ERR_HTTP] = {"LLM_ERR_HTTP", "The server answered with an HTTP error status."},
  [LLM_ERR_SERVER] = {"LLM_ERR_SERVER", "The server reported an error."},
  [LLM_ERR_AUTH] = {"LLM_ERR_AUTH", "The server requires an API token, or refused the one given."},
  [LLM_ERR_MODEL_NOT_FOUND] = {"LLM_ERR_MODEL_NOT_FOUND", "The requested model is not known to the server or could not be loaded."},
  [LLM_ERR_NO_MODEL_LOADED] = {"LLM_ERR_NO_MODEL_LOADED", "No model is loaded in LM Studio."},
  [LLM_ERR_CONTEXT_OVERFLOW] = {"LLM_ERR_CONTEXT_OVERFLOW", "The prompt does not fit the model's context length."},
  [LLM_ERR_MALFORMED] = {"LLM_ERR_MALFORMED", "The server's response could not be understood."},
  [LLM_ERR_TRUNCATED] = {"LLM_ERR_TRUNCATED", "The response ended before the server said it was complete."},
  [LLM_ERR_TOO_LARGE] = {"LLM_ERR_TOO_LARGE", "A response or request exceeded a size limit."},
  [LLM_ERR_CANCELLED] = {"LLM_ERR_CANCELLED", "The request was cancelled."},
  [LLM_ERR_SHUTDOWN] = {"LLM_ERR_SHUTDOWN", "The client shut down while the request was pending."},
  [LLM_ERR_BAD_ENDPOINT] = {"LLM_ERR_BAD_ENDPOINT", "The server does not know the requested route; the base URL may be wrong."},
};

const char *llm_status_name(llm_status s) {
  if ((unsigned)s >= LLM_STATUS_COUNT || !status_info[s].name) return "LLM_ERR_?";
  return status_info[s].name;
}

const char *llm_strerror(llm_status s) {
  if ((unsigned)s >= LLM_STATUS_COUNT || !status_info[s].sentence) return "Unknown error code.";
  return status_info[s].sentence;
}

void llm_error_clear(llm_error *e) {
  if (!e) return;
  e->code = LLM_OK;
  e->http_status = 0;
  e->message[0] = '\0';
}

llm_status llm_error_set(llm_error *e, llm_status code, const char *fmt, ...) {
  if (!e) return code;
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
  if (n < 0) {
    e->message[0] = '\0';
  } else if ((size_t)n >= sizeof e->message) {
    /* Truncated: never leave half a UTF-8 character at the end. */
    size_t len = llm_text_utf8_cut(e->message, sizeof e->message - 1);
    e->message[len] = '\0';
  }
  return code;
}

static bool starts_with(const char *s, const char *prefix) {
  return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool contains(const char *s, const char *needle) {
  size_t n = strlen(needle);
  for (; *s; s++)
    if (strncasecmp(s, needle, n) == 0) return true;
  return false;
}

static llm_status classify(long http_status, const char *msg, const char *code) {
  if (code) {
    if (strcmp(code, "invalid_api_key") == 0) return LLM_ERR_AUTH;
    if (strcmp(code, "model_not_found") == 0) return LLM_ERR_MODEL_NOT_FOUND;
    if (strcmp(code, "exceed_context_size_error") == 0) return LLM_ERR_CONTEXT_OVERFLOW;
  }
  if (http_status == 401 || http_status == 403) return LLM_ERR_AUTH;
  if (starts_with(msg, "No models loaded")) return LLM_ERR_NO_MODEL_LOADED;
  if (starts_with(msg, "Trying to keep the first") ||
      starts_with(msg, "Context size has been exceeded") || contains(msg, "context length"))
    return LLM_ERR_CONTEXT_OVERFLOW;
  if (starts_with(msg, "Unexpected endpoint or method")) return LLM_ERR_BAD_ENDPOINT;
  if (starts_with(msg, "Invalid model identifier") || contains(msg, "not found"))
    return LLM_ERR_MODEL_NOT_FOUND;
  /* Auth refusals sometimes come without a status (mid-stream, or a 200 from early 0.4.x). */
  if (starts_with(msg, "Malformed LM Studio API token") || contains(msg, "API token is required"))
    return LLM_ERR_AUTH;
  return http_status >= 400 ? LLM_ERR_HTTP : LLM_ERR_SERVER;
}

static const char *hint_for(llm_status code) {
  switch (code) {
  case LLM_ERR_NO_MODEL_LOADED:
    return " (check that a model is loaded: load one in LM Studio or with `lms load <model>`)";
  case LLM_ERR_BAD_ENDPOINT:
    return " (the base URL may be wrong: give the server root, e.g. http://localhost:1234;"
           " or the server requires an API token)";
  case LLM_ERR_AUTH:
    return " (check the API token against LM Studio's \"Require Authentication\" setting)";
  case LLM_ERR_MODEL_NOT_FOUND:
    return " (check the model name against GET /v1/models or `lms ls`)";
  case LLM_ERR_CONTEXT_OVERFLOW:
    return " (shorten the prompt or load the model with a larger context length)";
  default:
    return "";
  }
}

void llm_error_from_server(llm_error *e, long http_status, const char *server_message,
                           const char *server_code) {
  if (!e) return;
  const char *msg = server_message && *server_message ? server_message : "";
  llm_status code = classify(http_status, msg, server_code);
  /* The quote is bounded so that the hint always fits in the message. */
  char quote[300];
  if (*msg) {
    llm_text_quote(quote, sizeof quote, msg, strlen(msg), sizeof quote - 4);
  } else if (server_code) {
    char c[80];
    llm_text_quote(c, sizeof c, server_code, strlen(server_code), sizeof c - 4);
    snprintf(quote, sizeof quote, "(no message, code %s)", c);
  } else {
    snprintf(quote, sizeof quote, "(no message)");
  }
  if (http_status > 0)
    llm_error_set(e, code, "LM Studio answered HTTP %ld: %s%s", http_status, quote, hint_for(code));
  else
    llm_error_set(e, code, "LM Studio reported an error: %s%s", quote, hint_for(code));
  e->http_status = http_status;
}
