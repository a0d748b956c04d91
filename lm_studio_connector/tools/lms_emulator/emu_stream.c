/* emu_stream.c: responses whose bytes are produced by a content reader, one event at a time:
 * SSE streams of an answer (with pauses, stalls and stream faults) and fixed bodies that are
 * sent in tiny pieces, padded with megabytes of filler, or cut short by an abrupt close.
 * Threads: MHD calls the reader on the connection's own thread, so it may block; every pause
 * goes through emu_sleep_us (10 ms slices), so a stop or a client that hung up ends the stream at
 * once. Nothing is built ahead: memory stays at one event whatever the stream's length.
 * MHD frees the pump through pump_free when the connection ends or moves on, whichever way. */
#include "emu_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SPLIT_PAUSE_NS 200000 /* between tiny writes, so they reach the client as separate reads */
#define ENDLESS_INTERVAL_US 10000
#define FILLER_BLOCK (64u * 1024u)
#define READ_BLOCK (64u * 1024u)

typedef enum { PH_PIECES, PH_FINISH, PH_USAGE, PH_DONE, PH_END, PH_ABORT } phase;

typedef struct pump {
  lms_emu *emu;
  int fd;
  bool sse;
  phase ph;
  dynbuf out; /* the event (or body part) being sent */
  size_t out_off;
  bool split;
  uint64_t rng;
  /* SSE */
  emu_answer ans;
  emu_directives dir;
  bool include_usage;
  dynbuf head; /* {"id":..,"object":..,"created":..,"model":..,"system_fingerprint":..,"choices":[ */
  long long next_piece, total;
  bool first, fault_fired, stalled;
  int special_step;
  /* fixed body */
  dynbuf tail;
  bool tail_sent;
  uint64_t filler_left, filler_done, sent, declared;
} pump;

static const char *eol(const pump *p) { return p->dir.crlf ? "\r\n" : "\n"; }

static bool ev_open(pump *p) {
  bool ok = true;
  if (p->dir.comments && !p->first) ok = dynbuf_printf(&p->out, ": keep-alive%s%s", eol(p), eol(p));
  return ok && dynbuf_append_str(&p->out, "data: ");
}

static bool ev_close(pump *p) { return dynbuf_printf(&p->out, "%s%s", eol(p), eol(p)); }

static bool put_piece(pump *p, long long k) {
  const emu_answer *a = &p->ans;
  dynbuf *b = &p->out;
  char scratch[32];
  const char *s;
  size_t n;
  emu_piece_kind kind = emu_answer_piece(a, k, scratch, &s, &n);
  bool ok = dynbuf_append(b, p->head.data, p->head.len);
  if (a->completion) {
    ok = ok && dynbuf_append_str(b, "{\"index\":0,\"text\":") && emu_json_str(b, s, n);
    return ok && dynbuf_append_str(b, ",\"logprobs\":null,\"finish_reason\":null}]}");
  }
  ok = ok && dynbuf_append_str(b, "{\"index\":0,\"delta\":{");
  if (k == 0 || a->role_every) ok = ok && dynbuf_append_str(b, "\"role\":\"assistant\",");
  switch (kind) {
  case EMU_PIECE_CONTENT: ok = ok && dynbuf_append_str(b, "\"content\":") && emu_json_str(b, s, n); break;
  case EMU_PIECE_REASONING:
    ok = ok && dynbuf_append_str(b, a->think == EMU_THINK_GPTOSS ? "\"reasoning\":"
                                                                 : "\"reasoning_content\":");
    ok = ok && emu_json_str(b, s, n);
    break;
  case EMU_PIECE_TOOL_HEAD:
    ok = ok && dynbuf_printf(b, "\"tool_calls\":[{\"index\":0,\"id\":\"%s\",\"type\":\"function\","
                                "\"function\":{\"name\":", a->tool_id);
    ok = ok && emu_json_str(b, a->tool_name, strlen(a->tool_name)) &&
         dynbuf_append_str(b, ",\"arguments\":\"\"}}]");
    break;
  case EMU_PIECE_TOOL_ARGS:
    ok = ok && dynbuf_append_str(b, "\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":") &&
         emu_json_str(b, s, n) && dynbuf_append_str(b, "}}]");
    break;
  }
  return ok && dynbuf_append_str(b, "},\"logprobs\":null,\"finish_reason\":null}]}");
}

static bool put_finish(pump *p) {
  bool ok = dynbuf_append(&p->out, p->head.data, p->head.len);
  return ok && dynbuf_printf(&p->out,
                             p->ans.completion
                                 ? "{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"%s\"}]}"
                                 : "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"%s\"}]}",
                             emu_answer_finish_reason(&p->ans));
}

static bool put_usage(pump *p) {
  return dynbuf_append(&p->out, p->head.data, p->head.len) &&
         dynbuf_append_str(&p->out, "],\"usage\":{") && emu_answer_usage(&p->ans, &p->out) &&
         dynbuf_append_str(&p->out, "}}");
}

/* The streams of fault=non_json and fault=no_choices: a few odd events, then the end. */
static int special_event(pump *p) {
  static const char *const non_json[] = {"<html>oops</html>", "this is not json"};
  bool ok = true;
  int step = p->special_step++;
  if (p->dir.fault == EMU_FAULT_NON_JSON) {
    if (step >= 2) return 0;
    ok = ev_open(p) && dynbuf_append_str(&p->out, non_json[step]) && ev_close(p);
  } else {
    if (step >= 2) return 0;
    ok = ev_open(p);
    if (step == 0)
      ok = ok && dynbuf_printf(&p->out, "{\"id\":\"%s\",\"object\":\"%s\",\"created\":%lld,\"model\":\"%s\"}",
                               p->ans.id, p->ans.completion ? "text_completion" : "chat.completion.chunk",
                               p->ans.created, p->ans.model->id);
    else
      ok = ok && dynbuf_append_str(&p->out, "[DONE]");
    ok = ok && ev_close(p);
  }
  return ok ? 1 : -1;
}

static bool stall_due(const pump *p) {
  return !p->stalled && p->ph == PH_PIECES && p->dir.stall_after >= 0 && p->dir.stall_ms > 0 &&
         p->next_piece >= p->dir.stall_after;
}

/* The pause owed before the next event, in microseconds. */
static int64_t pause_us(const pump *p) {
  if (!p->sse || p->ph == PH_END || p->ph == PH_ABORT) return 0;
  int64_t us = 0;
  if (!p->first) {
    if (p->dir.interval_ms >= 0) us = p->dir.interval_ms * 1000;
    else if (p->ans.endless) us = ENDLESS_INTERVAL_US;
    else us = atomic_load(&p->emu->chunk_interval_us);
  }
  if (stall_due(p)) us += p->dir.stall_ms * 1000;
  return us;
}

static bool mid_fault(emu_fault f) {
  return f == EMU_FAULT_DROP_AFTER || f == EMU_FAULT_MALFORMED || f == EMU_FAULT_ERROR_IN_STREAM;
}

/* Puts the next SSE event in p->out: 1 = an event, 0 = the stream ends, -1 = abort it. */
static int sse_next(pump *p) {
  if (p->ph == PH_END) return 0;
  if (p->ph == PH_ABORT || atomic_load(&p->emu->stopping)) {
    p->ph = PH_ABORT;
    return -1;
  }
  int64_t us = pause_us(p);
  if (us > 0 && !emu_sleep_us(p->emu, p->fd, us)) {
    p->ph = PH_ABORT;
    return -1;
  }
  if (stall_due(p)) p->stalled = true;
  if (p->dir.fault == EMU_FAULT_NON_JSON || p->dir.fault == EMU_FAULT_NO_CHOICES) {
    int r = special_event(p);
    p->first = false;
    if (r <= 0) p->ph = r == 0 ? PH_END : PH_ABORT;
    return r;
  }
  bool ok = true;
  if (p->ph == PH_PIECES) {
    long long after = p->dir.after > 0 ? p->dir.after : 0;
    if (!p->fault_fired && mid_fault(p->dir.fault) && (p->next_piece >= after || p->next_piece >= p->total)) {
      p->fault_fired = true;
      if (p->dir.fault == EMU_FAULT_DROP_AFTER) {
        p->ph = PH_ABORT;
        return -1;
      }
      ok = ev_open(p);
      if (p->dir.fault == EMU_FAULT_MALFORMED) {
        ok = ok && dynbuf_append_str(&p->out, "{\"id\": broken");
      } else {
        ok = ok && dynbuf_append_str(&p->out, "{\"error\":{\"message\":\"Compute error.\"},"
                                              "\"message\":\"Compute error.\"}");
        p->ph = PH_END; /* no finish chunk, no [DONE] */
      }
      p->first = false;
      if (ok && ev_close(p)) return 1;
      p->ph = PH_ABORT;
      return -1;
    }
    if (p->next_piece < p->total) {
      ok = ev_open(p) && put_piece(p, p->next_piece++) && ev_close(p);
    } else if (p->dir.fault == EMU_FAULT_TRUNCATED) {
      p->ph = PH_END;
      return 0;
    } else {
      p->ph = PH_FINISH;
    }
  }
  if (p->ph == PH_FINISH) {
    ok = ev_open(p) && put_finish(p) && ev_close(p);
    p->ph = p->include_usage ? PH_USAGE : PH_DONE;
  } else if (p->ph == PH_USAGE) {
    ok = ev_open(p) && put_usage(p) && ev_close(p);
    p->ph = PH_DONE;
  } else if (p->ph == PH_DONE) {
    p->ph = PH_END;
    if (p->dir.fault == EMU_FAULT_NO_DONE) return 0;
    ok = ev_open(p) && dynbuf_append_str(&p->out, "[DONE]") && ev_close(p);
  }
  p->first = false;
  if (!ok) p->ph = PH_ABORT;
  return ok ? 1 : -1;
}

/* Next part of a fixed body: the head is already in p->out, then filler, then the tail. */
static int body_next(pump *p) {
  if (p->ph == PH_ABORT || atomic_load(&p->emu->stopping)) {
    p->ph = PH_ABORT;
    return -1;
  }
  if (p->filler_left > 0) {
    static const char words[] = "emulated huge answer ";
    size_t n = p->filler_left < FILLER_BLOCK ? (size_t)p->filler_left : FILLER_BLOCK;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
      char c = words[(p->filler_done + i) % (sizeof words - 1)];
      ok = dynbuf_append(&p->out, &c, 1);
    }
    if (!ok) return -1;
    p->filler_left -= n;
    p->filler_done += n;
    return 1;
  }
  if (!p->tail_sent && p->tail.len > 0) {
    p->tail_sent = true;
    return dynbuf_append(&p->out, p->tail.data, p->tail.len) ? 1 : -1;
  }
  /* Out of bytes: fine if that is all we promised, else the close is the fault (drop_after). */
  p->ph = p->sent < p->declared ? PH_ABORT : PH_END;
  return p->ph == PH_END ? 0 : -1;
}

static ssize_t pump_read(void *cls, uint64_t pos, char *buf, size_t max) {
  pump *p = cls;
  size_t copied = 0;
  if (p->split && pos > 0) {
    struct timespec ts = {.tv_sec = 0, .tv_nsec = SPLIT_PAUSE_NS};
    nanosleep(&ts, NULL);
  }
  while (copied < max) {
    if (p->out_off == p->out.len) {
      /* Batch further events into this write only when none of them is owed a pause. */
      if (copied > 0 && (p->split || pause_us(p) > 0)) break;
      dynbuf_reset(&p->out);
      p->out_off = 0;
      int r = p->sse ? sse_next(p) : body_next(p);
      if (r <= 0) {
        if (copied > 0) break; /* send what we have; the next call ends the same way */
        return r == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
      }
      continue;
    }
    size_t n = p->out.len - p->out_off;
    if (n > max - copied) n = max - copied;
    if (p->split) {
      size_t piece = 1 + (size_t)(emu_splitmix(&p->rng) % 7);
      if (n > piece) n = piece;
    }
    memcpy(buf + copied, p->out.data + p->out_off, n);
    p->out_off += n;
    copied += n;
    if (p->split) break;
  }
  p->sent += copied;
  return (ssize_t)copied;
}

static void pump_free(void *cls) {
  pump *p = cls;
  emu_answer_free(&p->ans);
  dynbuf_free(&p->out);
  dynbuf_free(&p->head);
  dynbuf_free(&p->tail);
  free(p);
}

static pump *pump_new(emu_req *r, bool sse, bool split) {
  pump *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->emu = r->emu;
  p->fd = r->fd;
  p->sse = sse;
  p->split = split;
  p->rng = 0x5eed;
  p->first = true;
  p->ph = PH_PIECES;
  dynbuf_init(&p->out, LMS_MAX_RESPONSE_BODY);
  dynbuf_init(&p->head, LMS_MAX_SSE_LINE);
  dynbuf_init(&p->tail, LMS_MAX_RESPONSE_BODY);
  emu_directives_init(&p->dir);
  return p;
}

struct MHD_Response *emu_stream_sse(emu_req *r, emu_answer *a, const emu_directives *d,
                                    bool include_usage) {
  pump *p = pump_new(r, true, d->split);
  if (!p) {
    emu_answer_free(a);
    return NULL;
  }
  p->ans = *a;
  memset(a, 0, sizeof *a); /* moved: pump_free frees it from now on */
  p->dir = *d;
  p->include_usage = include_usage;
  p->total = emu_answer_pieces(&p->ans);
  const char *model = p->ans.model->id;
  bool ok = dynbuf_printf(&p->head,
                          "{\"id\":\"%s\",\"object\":\"%s\",\"created\":%lld,\"model\":\"%s\","
                          "\"system_fingerprint\":\"%s\",\"choices\":[",
                          p->ans.id, p->ans.completion ? "text_completion" : "chat.completion.chunk",
                          p->ans.created, model, model);
  struct MHD_Response *resp =
      ok ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, READ_BLOCK, pump_read, p, pump_free)
         : NULL;
  if (!resp) {
    pump_free(p);
    return NULL;
  }
  MHD_add_response_header(resp, "Content-Type", "text/event-stream");
  MHD_add_response_header(resp, "Cache-Control", "no-cache");
  return resp;
}

struct MHD_Response *emu_stream_body(emu_req *r, dynbuf *body, bool split, uint64_t declared,
                                     size_t filler_at, uint64_t filler_bytes) {
  pump *p = pump_new(r, false, split);
  bool ok = p && filler_at <= body->len;
  ok = ok && dynbuf_append(&p->tail, body->data + filler_at, body->len - filler_at);
  ok = ok && dynbuf_append(&p->out, body->data, filler_at);
  dynbuf_free(body);
  if (!ok) {
    if (p) pump_free(p);
    return NULL;
  }
  p->filler_left = filler_bytes;
  p->declared = declared;
  struct MHD_Response *resp =
      MHD_create_response_from_callback(declared, READ_BLOCK, pump_read, p, pump_free);
  if (!resp) pump_free(p);
  return resp;
}
