/* emu_routes.c: what the emulator answers to each request, once its body has arrived.
 * Owns the model table, routing, auth, the request record, the models and embeddings routes and
 * the validation of chat/completion requests (errors in LM Studio's shapes, LMSTUDIO_API.md §4).
 * Runs on the request's connection thread; it may sleep there (JIT load, delay_first_ms), always
 * through emu_sleep_us so that a stop or a vanished client cuts the sleep short. */
#include "emu_internal.h"

#include "common/clock.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const emu_model emu_models[EMU_N_MODELS] = {
    {"qwen2-vl-2b-instruct", "qwen", "qwen2_vl", EMU_MODEL_VLM, true, 32768, 4096, true},
    {"llama-3.2-1b-instruct", "meta-llama", "llama", EMU_MODEL_LLM, true, 131072, 4096, false},
    {"text-embedding-nomic-embed-text-v1.5", "nomic-ai", "nomic-bert", EMU_MODEL_EMBEDDINGS, true,
     2048, 2048, false},
    {"qwen3-8b-big", "qwen", "qwen3", EMU_MODEL_LLM, false, 40960, 4096, false},
};

static const char *const type_names[] = {"llm", "vlm", "embeddings"};
/* LM Studio's answer when the model is not loaded and JIT loading is off or failed. */
static const char no_models_loaded[] =
    "No models loaded. Please load a model in the developer page or use the 'lms load' command.";

/* A formatted message (user text inside is bounded only by the request size). */
static enum MHD_Result error_fmt(emu_req *r, unsigned status, bool object, const char *code,
                                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static enum MHD_Result error_fmt(emu_req *r, unsigned status, bool object, const char *code,
                                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (msg) {
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  const char *text = msg ? msg : "Invalid request";
  enum MHD_Result ret = object ? emu_reply_error_obj(r, status, text, "invalid_request_error",
                                                     "model", code)
                               : emu_reply_error_str(r, status, text);
  free(msg);
  return ret;
}

/* ---- the request record ---- */

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value) {
  json_t *headers = cls;
  size_t kn = strlen(key), vn = value ? strlen(value) : 0;
  char *name = malloc(kn + 1);
  if (!name) return MHD_YES;
  for (size_t i = 0; i < kn; i++) name[i] = (char)tolower((unsigned char)key[i]);
  name[kn] = '\0';
  dynbuf v;
  dynbuf_init(&v, LMS_MAX_REQUEST_BODY);
  const char *old = json_string_value(json_object_get(headers, name));
  bool ok = !old || (dynbuf_append_str(&v, old) && dynbuf_append_str(&v, ", "));
  ok = ok && dynbuf_append(&v, value ? value : "", vn);
  if (ok) json_object_set_new(headers, name, emu_json_text(v.data ? v.data : "", v.len));
  dynbuf_free(&v);
  free(name);
  return MHD_YES;
}

static void record(emu_req *r) {
  json_t *headers = json_object();
  if (headers) MHD_get_connection_values(r->conn, MHD_HEADER_KIND, add_header, headers);
  json_t *body = r->body.len == 0 ? json_null()
                 : r->json        ? json_incref(r->json)
                                  : emu_json_text(r->body.data, r->body.len);
  json_t *rec = json_object();
  if (rec) {
    json_object_set_new(rec, "method", emu_json_text(r->method, strlen(r->method)));
    json_object_set_new(rec, "path", emu_json_text(r->url, strlen(r->url)));
    json_object_set_new(rec, "headers", headers ? headers : json_object());
    json_object_set_new(rec, "body", body ? body : json_null());
    json_object_set_new(rec, "connection", json_integer(r->conn_no));
    json_object_set_new(rec, "time_ms", json_integer(r->start_ms - r->emu->start_ms));
  } else {
    json_decref(headers);
    json_decref(body);
  }
  emu_record(r->emu, rec);
}

/* ---- auth and the directives every route honours ---- */

static bool authorized(emu_req *r, enum MHD_Result *ret) {
  const char *key = r->emu->api_key;
  if (!key) return true;
  const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
  if (h && strncasecmp(h, "Bearer ", 7) == 0) {
    const char *token = h + 7;
    while (*token == ' ') token++;
    if (strcmp(token, key) == 0) return true;
  }
  const char *msg =
      h ? "Malformed LM Studio API token provided. Please check your token and try again."
        : "An LM Studio API token is required to make requests to this server, but none was "
          "provided using the Authorization header (Authorization: Bearer <token>).";
  *ret = emu_reply_json(r, 401,
                        json_pack("{s:{s:s,s:s,s:s}}", "error", "message", msg, "type",
                                  "invalid_request", "code", "invalid_api_key"));
  return false;
}

static enum MHD_Result reply_failure(emu_req *r, const emu_directives *d) {
  static const char html[] = "<html><body>Bad Gateway</body></html>";
  unsigned status = d->status ? (unsigned)d->status : d->body == EMU_BODY_HTML ? 502u : 500u;
  char msg[64];
  snprintf(msg, sizeof msg, "Emulated failure %u", status);
  switch (d->body) {
  case EMU_BODY_STRING: return emu_reply_error_str(r, status, msg);
  case EMU_BODY_NONE: return emu_reply(r, status, NULL, "", 0);
  case EMU_BODY_HTML: return emu_reply(r, status, "text/html; charset=utf-8", html, sizeof html - 1);
  case EMU_BODY_OBJECT: break;
  }
  return emu_reply_json(r, status,
                        json_pack("{s:{s:s,s:s,s:n,s:n}}", "error", "message", msg, "type",
                                  "server_error", "param", "code"));
}

/* In order: close_once, the JIT load of jit (NULL: none), delay_first_ms, status/body.
 * True when the request is finished (answered, or to be closed): *ret is then MHD's result. */
static bool apply_common(emu_req *r, const emu_directives *d, const emu_model *jit,
                         enum MHD_Result *ret) {
  lms_emu *e = r->emu;
  *ret = MHD_NO;
  if (d->fault == EMU_FAULT_CLOSE_ONCE) {
    uint64_t h = emu_hash(EMU_HASH_INIT, r->method, strlen(r->method) + 1);
    h = emu_hash(h, r->url, strlen(r->url) + 1);
    h = emu_hash(h, r->body.data ? r->body.data : "", r->body.len);
    if (emu_close_once_first(e, h)) return true; /* MHD_NO: close without a response byte */
  }
  if (jit && !emu_model_is_loaded(e, jit)) {
    if (d->jit_off) {
      *ret = emu_reply_error_obj(r, 400, no_models_loaded, "invalid_request_error", "model",
                                 NULL);
      return true;
    }
    long long ms = d->jit_ms >= 0 ? d->jit_ms : EMU_DEFAULT_JIT_MS;
    if (!emu_sleep_us(e, r->fd, ms * 1000)) return true;
    emu_model_set_loaded(e, jit);
  }
  if (d->delay_first_ms > 0 && !emu_sleep_us(e, r->fd, d->delay_first_ms * 1000)) return true;
  if (d->redirect_port) {
    char where[600];
    snprintf(where, sizeof where, "http://127.0.0.1:%d%.500s", d->redirect_port, r->url);
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (resp) MHD_add_response_header(resp, "Location", where);
    *ret = emu_queue(r, 307, resp);
    return true;
  }
  if (d->status || d->body_set) {
    *ret = reply_failure(r, d);
    return true;
  }
  return false;
}

/* ---- models ---- */

static const emu_model *find_model(const char *id) {
  for (int i = 0; i < EMU_N_MODELS; i++)
    if (strcmp(emu_models[i].id, id) == 0) return &emu_models[i];
  return NULL;
}

static json_t *model_v0(lms_emu *e, const emu_model *m) {
  bool loaded = emu_model_is_loaded(e, m);
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "id", m->id, "object", "model",
                        "type", type_names[m->type], "publisher", m->publisher, "arch", m->arch,
                        "compatibility_type", "gguf", "quantization", "Q4_K_M", "state",
                        loaded ? "loaded" : "not-loaded", "max_context_length", m->max_context);
  if (!o) return NULL;
  if (loaded) json_object_set_new(o, "loaded_context_length", json_integer(m->loaded_context));
  json_object_set_new(o, "capabilities", m->tool_use ? json_pack("[s]", "tool_use") : json_array());
  return o;
}

static enum MHD_Result handle_models(emu_req *r, bool v0) {
  json_t *data = json_array();
  for (int i = 0; data && i < EMU_N_MODELS; i++) {
    const emu_model *m = &emu_models[i];
    json_array_append_new(data, v0 ? model_v0(r->emu, m)
                                   : json_pack("{s:s,s:s,s:s}", "id", m->id, "object", "model",
                                               "owned_by", "organization_owner"));
  }
  if (!data) return MHD_NO;
  if (v0) return emu_reply_json(r, 200, json_pack("{s:s,s:o}", "object", "list", "data", data));
  return emu_reply_json(r, 200, json_pack("{s:o,s:s}", "data", data, "object", "list"));
}

static enum MHD_Result handle_model_one(emu_req *r, const char *id) {
  const emu_model *m = find_model(id);
  if (!m) return error_fmt(r, 404, false, NULL, "Model \"%s\" not found.", id);
  return emu_reply_json(r, 200, model_v0(r->emu, m));
}

/* The model a generation or embeddings request names (absent: the first loaded model of the
 * right kind), or NULL once the error has been answered. */
static const emu_model *resolve_model(emu_req *r, bool embeddings, enum MHD_Result *ret) {
  json_t *jm = json_object_get(r->json, "model");
  if (!jm || json_is_null(jm)) {
    for (int i = 0; i < EMU_N_MODELS; i++) {
      const emu_model *m = &emu_models[i];
      if ((m->type == EMU_MODEL_EMBEDDINGS) == embeddings && emu_model_is_loaded(r->emu, m)) return m;
    }
    *ret = emu_reply_error_obj(r, 400, no_models_loaded, "invalid_request_error", "model",
                               NULL);
    return NULL;
  }
  const char *id = json_is_string(jm) ? json_string_value(jm) : "";
  const emu_model *m = find_model(id);
  if (!m) {
    *ret = error_fmt(r, 400, true, "model_not_found",
                     "Invalid model identifier \"%s\". Please specify a valid downloaded model.", id);
    return NULL;
  }
  if (embeddings && m->type != EMU_MODEL_EMBEDDINGS) {
    *ret = error_fmt(r, 400, true, "model_not_found",
                     "Failed to load model \"%s\". Error: Model is not embedding.", id);
    return NULL;
  }
  if (!embeddings && m->type == EMU_MODEL_EMBEDDINGS) {
    *ret = error_fmt(r, 400, false, NULL,
                     "Model \"%s\" is an embedding model and cannot generate text.", id);
    return NULL;
  }
  return m;
}

static enum MHD_Result reply_bad_json(emu_req *r) {
  if (r->body.len == 0) return emu_reply_error_str(r, 400, "Request body is empty; expected JSON.");
  return error_fmt(r, 400, false, NULL, "Invalid JSON in request body: %s (at position %d)",
                   r->json_err.text, r->json_err.position);
}

/* ---- embeddings ---- */

/* A unit vector seeded by the text: the same text always gives the same vector. */
static json_t *embedding(const char *s, size_t n, int dim) {
  double *v = malloc((size_t)dim * sizeof *v);
  json_t *arr = json_array();
  if (!v || !arr) {
    free(v);
    json_decref(arr);
    return NULL;
  }
  uint64_t state = emu_hash(EMU_HASH_INIT, s, n);
  double norm = 0;
  for (int i = 0; i < dim; i++) {
    v[i] = (double)(emu_splitmix(&state) >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    norm += v[i] * v[i];
  }
  norm = norm > 0 ? sqrt(norm) : 1;
  for (int i = 0; i < dim; i++) json_array_append_new(arr, json_real(v[i] / norm));
  free(v);
  return arr;
}

static enum MHD_Result handle_embeddings(emu_req *r, const emu_directives *d) {
  if (!r->json) return reply_bad_json(r);
  json_t *input = json_object_get(r->json, "input");
  bool ok = json_is_string(input) || (json_is_array(input) && json_array_size(input) > 0);
  size_t i;
  json_t *item;
  if (json_is_array(input))
    json_array_foreach(input, i, item) ok = ok && json_is_string(item);
  if (!ok)
    return emu_reply_error_str(r, 400, "'input' field is required (a string or an array of strings)");
  /* Directives in the (first) input text too, as in a prompt; the text wins over the header.
   * The vectors are still computed from the texts as sent. */
  emu_directives td = *d;
  json_t *first = json_is_array(input) ? json_array_get(input, 0) : input;
  char *scratch = strndup(json_string_value(first), json_string_length(first));
  if (!scratch) return MHD_NO;
  emu_directives_extract(&td, scratch, strlen(scratch));
  free(scratch);
  enum MHD_Result ret;
  const emu_model *m = resolve_model(r, true, &ret);
  if (!m || apply_common(r, &td, m, &ret)) return ret;

  json_t *data = json_array();
  size_t n = json_is_array(input) ? json_array_size(input) : 1;
  for (i = 0; data && i < n; i++) {
    json_t *s = json_is_array(input) ? json_array_get(input, i) : input;
    json_t *vec = embedding(json_string_value(s), json_string_length(s), r->emu->embedding_dim);
    json_array_append_new(data, json_pack("{s:s,s:o,s:i}", "object", "embedding", "embedding",
                                          vec ? vec : json_array(), "index", (int)i));
  }
  if (!data) return MHD_NO;
  return emu_reply_json(r, 200,
                        json_pack("{s:s,s:o,s:s,s:{s:i,s:i}}", "object", "list", "data", data,
                                  "model", m->id, "usage", "prompt_tokens", 0, "total_tokens", 0));
}

/* ---- chat and completions ---- */

static bool is_b64(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

/* LM Studio takes only "data:image/<fmt>;base64,<base64>" URLs. */
static bool valid_image(json_t *part) {
  json_t *iu = json_object_get(part, "image_url");
  const char *url = json_is_string(iu) ? json_string_value(iu)
                                       : json_string_value(json_object_get(iu, "url"));
  if (!url || strncmp(url, "data:image/", 11) != 0) return false;
  const char *comma = strchr(url, ',');
  if (!comma || (size_t)(comma - url) < 18 || strncmp(comma - 7, ";base64", 7) != 0) return false;
  const char *b64 = comma + 1;
  size_t n = strlen(b64), pad = 0;
  if (n == 0 || n % 4 != 0) return false;
  for (size_t i = 0; i < n; i++) {
    if (b64[i] == '=') pad++;
    else if (pad > 0 || !is_b64(b64[i])) return false;
  }
  return pad <= 2;
}

typedef struct msg_scan {
  long long words;    /* prompt_tokens: a rough word count of every message */
  bool has_image;     /* some message holds an image part */
  bool bad_image;     /* ... that is not a base64 data URI */
  json_t *last_user;  /* the content of the last user message */
} msg_scan;

static void scan_messages(json_t *messages, msg_scan *s) {
  size_t i, j;
  json_t *msg, *part;
  memset(s, 0, sizeof *s);
  json_array_foreach(messages, i, msg) {
    json_t *content = json_object_get(msg, "content");
    const char *role = json_string_value(json_object_get(msg, "role"));
    if (role && strcmp(role, "user") == 0) s->last_user = content;
    if (json_is_string(content))
      s->words += emu_count_words(json_string_value(content), json_string_length(content));
    if (!json_is_array(content)) continue;
    json_array_foreach(content, j, part) {
      const char *type = json_string_value(json_object_get(part, "type"));
      json_t *text = json_object_get(part, "text");
      if (type && strcmp(type, "text") == 0 && json_is_string(text))
        s->words += emu_count_words(json_string_value(text), json_string_length(text));
      if (type && strcmp(type, "image_url") == 0) {
        s->has_image = true;
        if (!valid_image(part)) s->bad_image = true;
      }
    }
  }
}

/* The text of a message content (a string, or its text parts joined by a space). */
static bool content_text(json_t *content, dynbuf *out, int *n_images) {
  *n_images = 0;
  if (json_is_string(content))
    return dynbuf_append(out, json_string_value(content), json_string_length(content));
  size_t i;
  json_t *part;
  bool ok = true;
  if (json_is_array(content)) {
    json_array_foreach(content, i, part) {
      const char *type = json_string_value(json_object_get(part, "type"));
      json_t *text = json_object_get(part, "text");
      if (type && strcmp(type, "image_url") == 0) (*n_images)++;
      if (!type || strcmp(type, "text") != 0 || !json_is_string(text)) continue;
      if (out->len > 0) ok = ok && dynbuf_append(out, " ", 1);
      ok = ok && dynbuf_append(out, json_string_value(text), json_string_length(text));
    }
  }
  return ok;
}

static void set_json_headers(struct MHD_Response *resp) {
  if (resp) MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
}

/* The non-streamed answer, with the body-level faults. Takes a. */
static enum MHD_Result reply_whole(emu_req *r, emu_answer *a, const emu_directives *d) {
  dynbuf body;
  dynbuf_init(&body, LMS_MAX_RESPONSE_BODY);
  size_t content_at = 0;
  bool huge = d->fault == EMU_FAULT_HUGE;
  bool ok = emu_answer_render(a, &body, huge ? &content_at : NULL);
  emu_answer_free(a);
  if (!ok) {
    dynbuf_free(&body);
    return emu_reply_error_str(r, 500, "Emulated answer too large for a non-streamed response");
  }
  const char *replace = NULL;
  if (d->fault == EMU_FAULT_MALFORMED) replace = "{\"id\": broken";
  if (d->fault == EMU_FAULT_ERROR_IN_STREAM)
    replace = "{\"error\":{\"message\":\"Compute error.\"},\"message\":\"Compute error.\"}";
  if (replace) {
    dynbuf_reset(&body);
    ok = dynbuf_append_str(&body, replace);
  }
  uint64_t declared = body.len, filler = 0;
  if (huge) {
    filler = (uint64_t)(d->mb > 0 ? d->mb : 1) << 20;
    declared += filler;
  } else if (d->fault == EMU_FAULT_DROP_AFTER || d->fault == EMU_FAULT_TRUNCATED) {
    /* drop_after: promise the whole length, then close halfway; truncated: a clean short body. */
    body.len /= 2;
    body.data[body.len] = '\0';
    if (d->fault == EMU_FAULT_TRUNCATED) declared = body.len;
  }
  if (!ok) {
    dynbuf_free(&body);
    return MHD_NO;
  }
  struct MHD_Response *resp;
  if (!d->split && declared == body.len) {
    size_t len = body.len;
    char *data = dynbuf_take(&body);
    resp = data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!resp) free(data);
  } else {
    resp = emu_stream_body(r, &body, d->split, declared, huge ? content_at : body.len, filler);
  }
  dynbuf_free(&body);
  set_json_headers(resp);
  return emu_queue(r, 200, resp);
}

static enum MHD_Result handle_generate(emu_req *r, emu_directives *d, bool completion, bool v0) {
  if (!r->json) return reply_bad_json(r);
  dynbuf echo;
  dynbuf_init(&echo, LMS_MAX_REQUEST_BODY);
  msg_scan scan;
  memset(&scan, 0, sizeof scan);
  int n_images = 0;
  bool ok;
  if (completion) {
    json_t *prompt = json_object_get(r->json, "prompt");
    if (!json_is_string(prompt)) {
      dynbuf_free(&echo);
      return emu_reply_error_str(r, 400, "'prompt' field is required");
    }
    ok = content_text(prompt, &echo, &n_images);
    scan.words = emu_count_words(json_string_value(prompt), json_string_length(prompt));
  } else {
    json_t *messages = json_object_get(r->json, "messages");
    if (!json_is_array(messages)) {
      dynbuf_free(&echo);
      return emu_reply_error_str(r, 400, "'messages' field is required");
    }
    scan_messages(messages, &scan);
    ok = content_text(scan.last_user, &echo, &n_images);
  }
  if (!ok || !dynbuf_append(&echo, "", 0)) {
    dynbuf_free(&echo);
    return emu_reply_error_str(r, 413, "Request text too large.");
  }
  /* The empty append above makes sure echo.data exists (NUL-terminated) even for "". */
  if (echo.data) {
    echo.len = emu_directives_extract(d, echo.data, echo.len);
    echo.len = emu_trim(echo.data, echo.len);
  }

  enum MHD_Result ret;
  const emu_model *m = resolve_model(r, false, &ret);
  if (!m) goto done;
  if (scan.has_image && m->type != EMU_MODEL_VLM) {
    ret = emu_reply_error_str(r, 400, "Model does not support images. Please use a model that does.");
    goto done;
  }
  if (scan.bad_image) {
    ret = emu_reply_error_str(r, 400, "'url' field must be a base64 encoded image.");
    goto done;
  }
  if (apply_common(r, d, m, &ret)) goto done;

  json_t *mt = json_object_get(r->json, "max_tokens");
  if (!json_is_integer(mt)) mt = json_object_get(r->json, "max_completion_tokens");
  bool stream = json_is_true(json_object_get(r->json, "stream"));
  emu_answer_spec spec = {
      .model = m,
      .completion = completion,
      .v0 = v0,
      .echo = echo.data ? echo.data : "",
      .n_images = n_images,
      .max_tokens = json_is_integer(mt) ? json_integer_value(mt) : 0,
      .prompt_tokens = scan.words,
      .dir = d,
      .start_ms = r->start_ms,
  };
  emu_answer a;
  if (!emu_answer_init(&a, &spec, emu_next_seq(r->emu))) {
    ret = MHD_NO;
    goto done;
  }
  if (stream) {
    bool usage = json_is_true(json_object_get(json_object_get(r->json, "stream_options"),
                                              "include_usage"));
    ret = emu_queue(r, 200, emu_stream_sse(r, &a, d, usage));
  } else if (d->fault == EMU_FAULT_ENDLESS) {
    emu_answer_free(&a);
    while (emu_sleep_us(r->emu, r->fd, 1000000)) {
    }
    ret = MHD_NO; /* the client gave up or the emulator stops */
  } else if (d->fault == EMU_FAULT_NON_JSON) {
    emu_answer_free(&a);
    ret = emu_reply(r, 200, "text/html; charset=utf-8", "<html>oops</html>", 17);
  } else if (d->fault == EMU_FAULT_NO_CHOICES) {
    ret = emu_reply_json(r, 200,
                         json_pack("{s:s,s:s,s:s}", "id", a.id, "object",
                                   completion ? "text_completion" : "chat.completion", "model",
                                   m->id));
    emu_answer_free(&a);
  } else {
    ret = reply_whole(r, &a, d);
  }
done:
  dynbuf_free(&echo);
  return ret;
}

/* ---- routing ---- */

static enum MHD_Result handle_unknown(emu_req *r) {
  return error_fmt(r, 200, false, NULL, "Unexpected endpoint or method. (%s %s)", r->method,
                   r->url);
}

static enum MHD_Result handle_control(emu_req *r) {
  if (strcmp(r->url, "/__emulator/requests") == 0) {
    if (strcmp(r->method, "GET") == 0) {
      char *all = emu_records_dump_all(r->emu);
      if (!all) return MHD_NO;
      struct MHD_Response *resp =
          MHD_create_response_from_buffer(strlen(all), all, MHD_RESPMEM_MUST_FREE);
      if (!resp) free(all);
      set_json_headers(resp);
      return emu_queue(r, 200, resp);
    }
    if (strcmp(r->method, "DELETE") == 0) {
      lms_emu_clear_requests(r->emu);
      return emu_reply_json(r, 200, json_pack("{s:b}", "cleared", 1));
    }
  }
  return handle_unknown(r);
}

enum MHD_Result emu_dispatch(emu_req *r) {
  lms_emu *e = r->emu;
  const char *url = r->url;
  if (strncmp(url, "/__emulator/", 12) == 0) return handle_control(r);
  if (r->body.len > 0 && !r->too_large)
    r->json = json_loadb(r->body.data, r->body.len, JSON_DECODE_ANY, &r->json_err);
  record(r);
  enum MHD_Result ret;
  if (!authorized(r, &ret)) return ret;
  if (r->too_large) return emu_reply_error_str(r, 413, "Request body too large.");

  emu_directives d;
  emu_directives_init(&d);
  const char *hdr = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Emulator-Directives");
  if (hdr) emu_directives_parse(&d, hdr, strlen(hdr));

  bool get = strcmp(r->method, "GET") == 0, post = strcmp(r->method, "POST") == 0;
  bool v0 = strncmp(url, "/api/v0/", 8) == 0 && !e->no_api_v0;
  const char *rest = v0 ? url + 7 : strncmp(url, "/v1/", 4) == 0 ? url + 3 : NULL;
  if (rest && post) {
    if (strcmp(rest, "/chat/completions") == 0) return handle_generate(r, &d, false, v0);
    if (strcmp(rest, "/completions") == 0) return handle_generate(r, &d, true, v0);
    if (strcmp(rest, "/embeddings") == 0) return handle_embeddings(r, &d);
  }
  if (apply_common(r, &d, NULL, &ret)) return ret;
  if (rest && get && strcmp(rest, "/models") == 0) return handle_models(r, v0);
  if (rest && get && v0 && strncmp(rest, "/models/", 8) == 0 && rest[8])
    return handle_model_one(r, rest + 8);
  return handle_unknown(r);
}
