/* lms_emulator.c: the emulator's lifecycle and its glue to libmicrohttpd.
 * Owns the daemon, the request log, the JIT/close_once state and the per-request context.
 * Threads: MHD's listening thread accepts; each TCP connection then gets its own thread, which
 * runs on_request, the content readers and on_completed for that connection, so a blocking sleep
 * only ever holds up its own connection. Shared state sits behind e->lock; counters and the stop
 * flag are atomics. lms_emu_stop raises the stop flag first, so every sleep (sliced to 10 ms)
 * gives up, then lets MHD join the threads. */
#include "emu_internal.h"

#include "common/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SLEEP_SLICE_NS 10000000ll

/* ---- sleeping and noticing a client that went away ---- */

/* A peek that sees end-of-file means the client closed (or half-closed, which HTTP clients
 * do not do while waiting for an answer). */
static bool client_gone(int fd) {
  if (fd < 0) return false;
  char c;
  ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true; /* orderly shutdown by the client */
  return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

bool emu_sleep_us(lms_emu *e, int fd, int64_t us) {
  int64_t end = clock_mono_ns() + us * 1000;
  for (;;) {
    if (atomic_load(&e->stopping) || client_gone(fd)) return false;
    int64_t left = end - clock_mono_ns();
    if (left <= 0) return true;
    if (left > SLEEP_SLICE_NS) left = SLEEP_SLICE_NS;
    struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)left};
    nanosleep(&ts, NULL);
  }
}

uint64_t emu_next_seq(lms_emu *e) { return atomic_fetch_add(&e->seq, 1) + 1; }

/* ---- shared state ---- */

bool emu_model_is_loaded(lms_emu *e, const emu_model *m) {
  pthread_mutex_lock(&e->lock);
  bool loaded = e->loaded[m - emu_models];
  pthread_mutex_unlock(&e->lock);
  return loaded;
}

void emu_model_set_loaded(lms_emu *e, const emu_model *m) {
  pthread_mutex_lock(&e->lock);
  e->loaded[m - emu_models] = true;
  pthread_mutex_unlock(&e->lock);
}

bool emu_close_once_first(lms_emu *e, uint64_t hash) {
  pthread_mutex_lock(&e->lock);
  bool seen = false;
  for (size_t i = 0; i < e->co_count && !seen; i++) seen = e->close_once[i] == hash;
  if (!seen) {
    e->close_once[e->co_head] = hash;
    e->co_head = (e->co_head + 1) % EMU_MAX_CLOSE_ONCE;
    if (e->co_count < EMU_MAX_CLOSE_ONCE) e->co_count++;
  }
  pthread_mutex_unlock(&e->lock);
  return !seen;
}

/* ---- the request log ---- */

static size_t rec_slot(const lms_emu *e, size_t i) {
  return (e->rec_head + LMS_MAX_RECORDED_REQUESTS - e->rec_count + i) % LMS_MAX_RECORDED_REQUESTS;
}

void emu_record(lms_emu *e, json_t *rec) {
  if (!rec) return;
  pthread_mutex_lock(&e->lock);
  json_decref(e->records[e->rec_head]); /* the oldest, when the ring is full */
  e->records[e->rec_head] = rec;
  e->rec_head = (e->rec_head + 1) % LMS_MAX_RECORDED_REQUESTS;
  if (e->rec_count < LMS_MAX_RECORDED_REQUESTS) e->rec_count++;
  pthread_mutex_unlock(&e->lock);
}

size_t lms_emu_request_count(lms_emu *e) {
  pthread_mutex_lock(&e->lock);
  size_t n = e->rec_count;
  pthread_mutex_unlock(&e->lock);
  return n;
}

char *lms_emu_request_json(lms_emu *e, size_t i) {
  char *s = NULL;
  pthread_mutex_lock(&e->lock);
  if (i < e->rec_count) s = json_dumps(e->records[rec_slot(e, i)], JSON_COMPACT);
  pthread_mutex_unlock(&e->lock);
  return s;
}

char *emu_records_dump_all(lms_emu *e) {
  json_t *all = json_array();
  pthread_mutex_lock(&e->lock);
  for (size_t i = 0; all && i < e->rec_count; i++)
    json_array_append(all, e->records[rec_slot(e, i)]);
  char *s = all ? json_dumps(all, JSON_COMPACT) : NULL;
  json_decref(all); /* under the lock: the records it shares may be dropped right after */
  pthread_mutex_unlock(&e->lock);
  return s;
}

void lms_emu_clear_requests(lms_emu *e) {
  pthread_mutex_lock(&e->lock);
  for (size_t i = 0; i < LMS_MAX_RECORDED_REQUESTS; i++) {
    json_decref(e->records[i]);
    e->records[i] = NULL;
  }
  e->rec_head = e->rec_count = 0;
  pthread_mutex_unlock(&e->lock);
}

void lms_emu_set_chunk_interval_us(lms_emu *e, int us) {
  atomic_store(&e->chunk_interval_us, us < 0 ? 0 : us);
}

unsigned short lms_emu_port(const lms_emu *e) { return e->port; }

/* ---- replies ---- */

enum MHD_Result emu_queue(emu_req *r, unsigned status, struct MHD_Response *resp) {
  if (!resp) return MHD_NO;
  char keepalive[32];
  snprintf(keepalive, sizeof keepalive, "timeout=%d", r->emu->keepalive_s);
  MHD_add_response_header(resp, "X-Powered-By", "Express");
  MHD_add_response_header(resp, "Keep-Alive", keepalive);
  MHD_set_response_options(resp, MHD_RF_SEND_KEEP_ALIVE_HEADER, MHD_RO_END);
  enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
  MHD_destroy_response(resp);
  return ret;
}

enum MHD_Result emu_reply(emu_req *r, unsigned status, const char *ctype, const char *data,
                          size_t len) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
  if (resp && ctype) MHD_add_response_header(resp, "Content-Type", ctype);
  return emu_queue(r, status, resp);
}

enum MHD_Result emu_reply_json(emu_req *r, unsigned status, json_t *body) {
  char *text = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(9)) : NULL;
  json_decref(body);
  if (!text) return MHD_NO;
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
  if (!resp) {
    free(text);
    return MHD_NO;
  }
  MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
  return emu_queue(r, status, resp);
}

/* Messages may quote user input (a URL, a model name): emu_json_text keeps them valid UTF-8. */
enum MHD_Result emu_reply_error_str(emu_req *r, unsigned status, const char *msg) {
  return emu_reply_json(r, status, json_pack("{s:o}", "error", emu_json_text(msg, strlen(msg))));
}

enum MHD_Result emu_reply_error_obj(emu_req *r, unsigned status, const char *msg, const char *type,
                                    const char *param, const char *code) {
  return emu_reply_json(r, status,
                        json_pack("{s:{s:o,s:s,s:o,s:o}}", "error", "message",
                                  emu_json_text(msg, strlen(msg)), "type", type, "param",
                                  param ? json_string(param) : json_null(), "code",
                                  code ? json_string(code) : json_null()));
}

/* ---- MHD callbacks ---- */

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
  lms_emu *e = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED)
    *socket_context = (void *)(uintptr_t)(atomic_fetch_add(&e->conn_counter, 1) + 1);
}

static emu_req *req_new(lms_emu *e, struct MHD_Connection *conn, const char *url,
                        const char *method) {
  emu_req *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->emu = e;
  r->conn = conn;
  r->url = url;
  r->method = method;
  r->start_ms = clock_mono_ms();
  r->fd = -1;
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (ci) r->fd = ci->connect_fd;
  ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  if (ci) r->conn_no = (unsigned)(uintptr_t)ci->socket_context;
  dynbuf_init(&r->body, LMS_MAX_REQUEST_BODY);
  return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  lms_emu *e = cls;
  emu_req *r = *con_cls;
  if (!r) {
    r = req_new(e, conn, url, method);
    if (!r) return MHD_NO;
    *con_cls = r;
    /* No idle timeout while a request is being answered: JIT sleeps and stalls can be longer
     * than the keep-alive timeout. on_completed puts it back. */
    MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
    return MHD_YES;
  }
  if (*upload_size > 0) {
    if (!r->too_large && !dynbuf_append(&r->body, upload, *upload_size)) r->too_large = true;
    *upload_size = 0;
    return MHD_YES;
  }
  if (atomic_load(&e->stopping)) return MHD_NO;
  return emu_dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  lms_emu *e = cls;
  emu_req *r = *con_cls;
  *con_cls = NULL;
  if (r) {
    json_decref(r->json);
    dynbuf_free(&r->body);
    free(r);
  }
  MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)e->keepalive_s);
}

__attribute__((format(printf, 2, 0))) static void on_log(void *cls, const char *fmt, va_list ap) {
  lms_emu *e = cls;
  /* Only start-up problems matter; later MHD reports every client that hangs up. */
  if (atomic_load(&e->started)) return;
  fputs("lms_emulator: ", stderr);
  vfprintf(stderr, fmt, ap);
}

/* ---- lifecycle ---- */

lms_emu *lms_emu_start(const lms_emu_config *cfg) {
  static const lms_emu_config defaults = {0};
  if (!cfg) cfg = &defaults;
  const char *addr = cfg->bind_addr ? cfg->bind_addr : "127.0.0.1";
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(cfg->port);
  if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
    fprintf(stderr, "lms_emulator: bad IPv4 bind address \"%s\"\n", addr);
    return NULL;
  }
  lms_emu *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  if (cfg->api_key && !(e->api_key = strdup(cfg->api_key))) {
    free(e);
    return NULL;
  }
  e->no_api_v0 = cfg->no_api_v0;
  e->keepalive_s = cfg->keepalive_timeout_s > 0 ? cfg->keepalive_timeout_s : 5;
  e->embedding_dim = cfg->embedding_dim > 0 ? cfg->embedding_dim : 768;
  if (e->embedding_dim > 65536) e->embedding_dim = 65536;
  e->start_ms = clock_mono_ms();
  atomic_init(&e->stopping, false);
  atomic_init(&e->started, false);
  atomic_init(&e->chunk_interval_us, cfg->chunk_interval_us > 0 ? cfg->chunk_interval_us : 0);
  atomic_init(&e->conn_counter, 0);
  atomic_init(&e->seq, 0);
  pthread_mutex_init(&e->lock, NULL);
  for (int i = 0; i < EMU_N_MODELS; i++) e->loaded[i] = emu_models[i].loaded_at_start;
  json_object_seed(0); /* once, before connection threads create objects concurrently */

  /* Thread per connection: a content reader may block (pauses, stalls) without holding up
   * other clients. The logger must come first to catch MHD's own start-up complaints.
   * SO_REUSEADDR is MHD's default; no LISTENING_ADDRESS_REUSE, which would add SO_REUSEPORT and
   * let two emulators share a port. */
  bool tls = cfg->tls_cert_pem && cfg->tls_key_pem;
  struct MHD_OptionItem tls_options[] = {
      {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem},
      {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert_pem},
      {MHD_OPTION_END, 0, NULL}};
  struct MHD_OptionItem no_options[] = {{MHD_OPTION_END, 0, NULL}};
  e->daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
          MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0),
      cfg->port, NULL, NULL, on_request, e,
      MHD_OPTION_EXTERNAL_LOGGER, on_log, e,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
      MHD_OPTION_CONNECTION_LIMIT, 1024u,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)e->keepalive_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)256 * 1024,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, e,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, e,
      MHD_OPTION_ARRAY, tls ? tls_options : no_options,
      MHD_OPTION_END);
  if (!e->daemon) {
    fprintf(stderr, "lms_emulator: cannot listen on %s:%u\n", addr, (unsigned)cfg->port);
    pthread_mutex_destroy(&e->lock);
    free(e->api_key);
    free(e);
    return NULL;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(e->daemon, MHD_DAEMON_INFO_BIND_PORT);
  e->port = di ? di->port : cfg->port;
  atomic_store(&e->started, true);
  return e;
}

void lms_emu_stop(lms_emu *e) {
  if (!e) return;
  atomic_store(&e->stopping, true);
  MHD_stop_daemon(e->daemon); /* joins every connection thread */
  lms_emu_clear_requests(e);
  pthread_mutex_destroy(&e->lock);
  free(e->api_key);
  free(e);
}
