/* llm_transfer.c: one HTTP exchange with the LLM server (see llm_transfer.h).
 * curl calls the header and write callbacks here on the loop thread. They never remove the
 * handle themselves: to stop a transfer they record a reason and return an error to curl,
 * and the client reaps it after curl_multi_perform returns. */
#include "llm_transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/clock.h"
#include "common/limits.h"

static void on_stream_delta(void *user, const llm_delta *d) {
  llm_transfer *t = user;
  if (t->cb.on_delta && !atomic_load(&t->cancel_requested)) t->cb.on_delta(t->user, t->id, d);
}

void llm_transfer_set_abort(llm_transfer *t, llm_status why, const char *message) {
  if (t->abort_reason != LLM_OK) return; /* the first reason wins */
  t->abort_reason = why;
  snprintf(t->abort_message, sizeof t->abort_message, "%s", message);
}

static size_t on_header(char *line, size_t size, size_t n, void *user) {
  llm_transfer *t = user;
  size_t len = size * n;
  if (t->first_byte_ns == 0) t->first_byte_ns = clock_mono_ns();
  t->last_byte_ns = clock_mono_ns();
  if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
    /* a new status line: also after a 100 Continue or a redirect */
    const char *sp = memchr(line, ' ', len);
    t->http_status = sp ? strtol(sp + 1, NULL, 10) : 0;
    t->is_sse = false;
  } else if (len > 13 && strncasecmp(line, "content-type:", 13) == 0) {
    char value[128];
    size_t vlen = len - 13 < sizeof value - 1 ? len - 13 : sizeof value - 1;
    memcpy(value, line + 13, vlen);
    value[vlen] = '\0';
    t->is_sse = strstr(value, "text/event-stream") != NULL;
  }
  return len;
}

static bool is_success(long status) { return status >= 200 && status < 300; }

static size_t on_body(char *data, size_t size, size_t n, void *user) {
  llm_transfer *t = user;
  size_t len = size * n;
  int64_t now = clock_mono_ns();
  if (t->first_byte_ns == 0) t->first_byte_ns = now;
  t->last_byte_ns = now;
  t->bytes_in += len;
  if (atomic_load(&t->cancel_requested)) {
    llm_transfer_set_abort(t, LLM_ERR_CANCELLED, "the request was cancelled");
    return 0;
  }
  bool stream = t->is_sse && is_success(t->http_status) &&
                (t->op == LLM_OP_CHAT || t->op == LLM_OP_COMPLETION);
  if (stream) {
    if (!t->stream) {
      t->stream = llm_stream_create(t->op, on_stream_delta, t);
      if (!t->stream) {
        llm_transfer_set_abort(t, LLM_ERR_NO_MEMORY, "out of memory decoding the stream");
        return 0;
      }
    }
    /* A decoding error ends the exchange now: the decoder keeps the text so far. */
    if (llm_stream_feed(t->stream, data, len) != LLM_OK) return 0;
    return len;
  }
  if (!dynbuf_append(&t->in, data, len)) {
    char msg[160];
    snprintf(msg, sizeof msg, "the server's response exceeded the limit of %u bytes",
             LMS_MAX_RESPONSE_BODY);
    llm_transfer_set_abort(t, LLM_ERR_TOO_LARGE, msg);
    return 0;
  }
  return len;
}

static void resolve_limits(llm_timeouts *out, const llm_timeouts *req, const llm_timeouts *def) {
  static const llm_timeouts builtin = {LLM_DEFAULT_CONNECT_MS, LLM_DEFAULT_FIRST_BYTE_MS,
                                       LLM_DEFAULT_IDLE_MS, -1};
  const long *r = req ? &req->connect_ms : NULL;
  const long *d = &def->connect_ms;
  const long *b = &builtin.connect_ms;
  long *o = &out->connect_ms;
  for (int i = 0; i < 4; i++) {
    long v = r ? r[i] : 0;
    if (v == 0) v = d[i];
    if (v == 0) v = b[i];
    o[i] = v;
  }
}

static char *join_url(const char *base, const char *path) {
  size_t n = strlen(base) + strlen(path) + 1;
  char *url = malloc(n);
  if (url) snprintf(url, n, "%s%s", base, path);
  return url;
}

static bool setup_easy(llm_transfer *t, const llm_config *cfg) {
  CURL *h = t->easy;
  curl_easy_setopt(h, CURLOPT_URL, t->url);
  curl_easy_setopt(h, CURLOPT_PRIVATE, t);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* whatever curl can decode */
  /* The API key goes to the configured server only: a redirect is never followed (it ends the
   * request as an HTTP 3xx error), and even if it were, curl would not resend Authorization to
   * another host or port. Only http and https are ever spoken. */
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  if (t->limits.connect_ms > 0) curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, t->limits.connect_ms);
  if (cfg->ca_file && cfg->ca_file[0]) curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_file);
  if (cfg->insecure_tls) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (t->body) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->body_len);
  }
  struct curl_slist *hs = NULL, *next;
#define ADD_HEADER(s) \
  do { if (!(next = curl_slist_append(hs, (s)))) goto fail; hs = next; } while (0)
  if (t->body) {
    ADD_HEADER("Content-Type: application/json");
    ADD_HEADER("Expect:"); /* no 100-continue round trip for large image bodies */
  }
  ADD_HEADER(t->want_stream ? "Accept: text/event-stream" : "Accept: application/json");
  if (cfg->api_key && cfg->api_key[0]) {
    size_t n = strlen(cfg->api_key) + 32;
    char *auth = malloc(n);
    if (!auth) goto fail;
    snprintf(auth, n, "Authorization: Bearer %s", cfg->api_key);
    next = curl_slist_append(hs, auth);
    memset(auth, 0, n); /* do not leave the key lying in freed memory */
    free(auth);
    if (!next) goto fail;
    hs = next;
  }
#undef ADD_HEADER
  t->headers = hs;
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
  return true;
fail:
  curl_slist_free_all(hs);
  return false;
}

llm_transfer *llm_transfer_create(const llm_config *cfg, const char *base_url, const char *path,
                                  llm_op op, char *body, size_t body_len, bool stream,
                                  const llm_timeouts *limits, const llm_callbacks *cb, void *user,
                                  llm_error *e) {
  llm_transfer *t = calloc(1, sizeof *t);
  if (!t) {
    llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory");
    return NULL;
  }
  t->op = op;
  t->want_stream = stream;
  t->cb = *cb;
  t->user = user;
  resolve_limits(&t->limits, limits, &cfg->timeouts);
  dynbuf_init(&t->in, LMS_MAX_RESPONSE_BODY);
  atomic_init(&t->cancel_requested, false);
  t->url = join_url(base_url, path);
  t->easy = curl_easy_init();
  if (!t->url || !t->easy) {
    llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  t->body = body;
  t->body_len = body_len;
  if (!setup_easy(t, cfg)) {
    llm_error_set(e, LLM_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  t->start_ns = clock_mono_ns();
  return t;
fail:
  t->body = NULL; /* still the caller's */
  llm_transfer_destroy(t);
  return NULL;
}

void llm_transfer_destroy(llm_transfer *t) {
  if (!t) return;
  if (t->easy) curl_easy_cleanup(t->easy);
  curl_slist_free_all(t->headers);
  llm_stream_destroy(t->stream);
  dynbuf_free(&t->in);
  free(t->url);
  free(t->body);
  free(t);
}

void llm_transfer_rearm(llm_transfer *t, const char *base_url, const char *path) {
  if (path) {
    char *url = join_url(base_url, path);
    if (url) {
      free(t->url);
      t->url = url;
      curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
    }
  }
  curl_easy_setopt(t->easy, CURLOPT_FRESH_CONNECT, 1L);
  llm_stream_destroy(t->stream);
  t->stream = NULL;
  dynbuf_reset(&t->in);
  t->first_byte_ns = t->last_byte_ns = 0;
  t->bytes_in = 0;
  t->http_status = 0;
  t->is_sse = false;
  t->abort_reason = LLM_OK;
  t->abort_message[0] = '\0';
}

static int64_t ms_to_ns(long ms) { return (int64_t)ms * 1000000; }

int64_t llm_transfer_next_deadline(const llm_transfer *t) {
  int64_t next = INT64_MAX;
  if (t->limits.total_ms > 0) next = t->start_ns + ms_to_ns(t->limits.total_ms);
  if (t->first_byte_ns == 0 && t->limits.first_byte_ms > 0) {
    int64_t d = t->attempt_ns + ms_to_ns(t->limits.first_byte_ms);
    if (d < next) next = d;
  }
  if (t->first_byte_ns != 0 && t->limits.idle_ms > 0) {
    int64_t d = t->last_byte_ns + ms_to_ns(t->limits.idle_ms);
    if (d < next) next = d;
  }
  return next;
}

bool llm_transfer_expired(llm_transfer *t, int64_t now) {
  char msg[LLM_ERROR_MESSAGE_MAX];
  if (t->limits.total_ms > 0 && now >= t->start_ns + ms_to_ns(t->limits.total_ms)) {
    snprintf(msg, sizeof msg, "%s did not complete within %ld ms (total timeout)", t->url,
             t->limits.total_ms);
    llm_transfer_set_abort(t, LLM_ERR_TIMEOUT_TOTAL, msg);
    return true;
  }
  if (t->first_byte_ns == 0 && t->limits.first_byte_ms > 0 &&
      now >= t->attempt_ns + ms_to_ns(t->limits.first_byte_ms)) {
    snprintf(msg, sizeof msg,
             "%s sent no response within %ld ms (first-byte timeout); the model may still be "
             "loading or processing the prompt: raise the timeout",
             t->url, t->limits.first_byte_ms);
    llm_transfer_set_abort(t, LLM_ERR_TIMEOUT_FIRST_BYTE, msg);
    return true;
  }
  if (t->first_byte_ns != 0 && t->limits.idle_ms > 0 &&
      now >= t->last_byte_ns + ms_to_ns(t->limits.idle_ms)) {
    snprintf(msg, sizeof msg, "%s stopped sending for %ld ms in the middle of its response "
             "(idle timeout)", t->url, t->limits.idle_ms);
    llm_transfer_set_abort(t, LLM_ERR_TIMEOUT_IDLE, msg);
    return true;
  }
  return false;
}

bool llm_transfer_should_retry(const llm_transfer *t, CURLcode rc) {
  if (t->attempts > 1 || t->bytes_in > 0 || t->first_byte_ns != 0 || t->abort_reason != LLM_OK)
    return false;
  if (rc != CURLE_GOT_NOTHING && rc != CURLE_SEND_ERROR && rc != CURLE_RECV_ERROR) return false;
  long new_connections = -1;
  curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &new_connections);
  return new_connections == 0; /* it went out on a pooled connection */
}

bool llm_transfer_should_fallback(const llm_transfer *t, const llm_result *r) {
  if (t->op != LLM_OP_MODELS || t->models_fallback) return false;
  switch (r->error.code) {
    case LLM_ERR_BAD_ENDPOINT:
    case LLM_ERR_MALFORMED:
      return true;
    case LLM_ERR_HTTP:
      return r->error.http_status == 404 || r->error.http_status == 405;
    default:
      return false;
  }
}

void llm_transfer_error_from_curl(const llm_transfer *t, CURLcode rc, llm_error *e) {
  const char *why = curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      llm_error_set(e, LLM_ERR_CONNECT_REFUSED,
                    "cannot connect to %s (%s): is LM Studio's server running "
                    "(`lms server start`) and is lm_studio_url right?", t->url, why);
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      llm_error_set(e, LLM_ERR_DNS, "cannot resolve the host of %s (%s): check lm_studio_url",
                    t->url, why);
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      llm_error_set(e, LLM_ERR_TLS, "TLS with %s failed: %s", t->url, why);
      break;
    case CURLE_OPERATION_TIMEDOUT: /* we set only curl's connect timeout */
      llm_error_set(e, LLM_ERR_TIMEOUT_CONNECT,
                    "no connection to %s within %ld ms (connect timeout)", t->url,
                    t->limits.connect_ms);
      break;
    default:
      if (t->bytes_in > 0)
        llm_error_set(e, LLM_ERR_NETWORK,
                      "the connection to %s broke in the middle of the response after %llu bytes "
                      "(%s): the server may have stopped or crashed",
                      t->url, (unsigned long long)t->bytes_in, why);
      else
        llm_error_set(e, LLM_ERR_NETWORK, "the exchange with %s failed: %s", t->url, why);
      break;
  }
}

/* A streamed answer: the decoder has the text so far even when the exchange failed. */
static void stream_result(llm_transfer *t, CURLcode rc, llm_result *r) {
  bool said_done = llm_stream_ended(t->stream);
  llm_stream_finish(t->stream, r);
  if (t->abort_reason != LLM_OK) {
    llm_error_set(&r->error, t->abort_reason, "%s", t->abort_message);
  } else if (rc != CURLE_OK && r->error.code == LLM_OK && !said_done) {
    llm_transfer_error_from_curl(t, rc, &r->error);
  } else if (rc != CURLE_OK && rc != CURLE_WRITE_ERROR && r->error.code == LLM_ERR_TRUNCATED) {
    llm_transfer_error_from_curl(t, rc, &r->error); /* the broken connection is the better explanation */
  }
}

/* A JSON answer to a streaming request (server ignored stream, or an error body). */
static void emit_whole_answer(llm_transfer *t, const llm_result *r) {
  if (!t->want_stream || !t->cb.on_delta || r->error.code != LLM_OK) return;
  if (r->reasoning_len) {
    llm_delta d = {.kind = LLM_DELTA_REASONING, .text = r->reasoning, .len = r->reasoning_len};
    t->cb.on_delta(t->user, t->id, &d);
  }
  if (r->text_len) {
    llm_delta d = {.kind = LLM_DELTA_CONTENT, .text = r->text, .len = r->text_len};
    t->cb.on_delta(t->user, t->id, &d);
  }
}

void llm_transfer_result(llm_transfer *t, CURLcode rc, llm_result *r) {
  int64_t now = clock_mono_ns();
  if (t->stream) {
    stream_result(t, rc, r);
  } else if (t->abort_reason != LLM_OK) {
    r->op = t->op;
    llm_error_set(&r->error, t->abort_reason, "%s", t->abort_message);
    r->error.http_status = t->http_status;
  } else if (rc != CURLE_OK) {
    r->op = t->op;
    llm_transfer_error_from_curl(t, rc, &r->error);
  } else {
    llm_op as = t->op == LLM_OP_PROBE ? LLM_OP_MODELS : t->op; /* a probe reads the model list */
    llm_response_decode(as, t->http_status, t->in.data ? t->in.data : "", t->in.len, r);
    emit_whole_answer(t, r);
  }
  if (r->error.code != LLM_OK && r->error.http_status == 0) r->error.http_status = t->http_status;
  if (r->op == LLM_OP_CHAT || r->op == LLM_OP_COMPLETION) {
    if (!r->text) r->text = calloc(1, 1);
    if (!r->reasoning) r->reasoning = calloc(1, 1);
  }
  r->op = t->op;
  r->latency_ms = (double)(now - t->start_ns) / 1e6;
  r->first_byte_ms = t->first_byte_ns ? (double)(t->first_byte_ns - t->start_ns) / 1e6 : -1.0;
}
