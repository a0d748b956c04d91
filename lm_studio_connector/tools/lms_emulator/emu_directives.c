/* emu_directives.c: the test directives that steer the emulator, plus small text and JSON-string
 * helpers. Pure functions, no I/O, no shared state: called on connection threads.
 *
 * Directives ("key=value" pairs, in "[[...]]" blocks of the last user message or prompt, or in
 * the X-Emulator-Directives header). Unknown keys and values that do not parse are ignored.
 *   tokens=N           answer "w1", " w2", ... " wN" (N chunks) instead of the echo
 *   reply=a_b_c        answer "a b c"
 *   delay_first_ms=N   sleep before the response headers (slow prefill)
 *   jit_ms=N           JIT load time of a not-loaded model (default 300)
 *   jit=off            no JIT loading: a not-loaded model gets LM Studio's 400 "No models loaded"
 *   interval_ms=N      pause between streamed chunks (default: the emulator's chunk interval)
 *   stall_after=K stall_ms=M   pause M ms once, after K chunks
 *   think=1|inline|reasoning   3 reasoning chunks in reasoning_content / inline <think> / reasoning
 *   tool=NAME          answer with one call of tool NAME, arguments {"q":"<echo text>"}
 *   role=every         "role":"assistant" in every delta, not only the first
 *   status=NNN [body=object|string|none|html]   fail with HTTP NNN (body alone: 500, html: 502)
 *   redirect=PORT      answer 307 Temporary Redirect to the same path on 127.0.0.1:PORT (a
 *                      client must not follow it, and never with its Authorization header)
 *   fault=drop_after|malformed|error_in_stream [after=K]   misbehave after K chunks (default 0)
 *   fault=non_json|no_choices|endless|no_done|truncated|close_once|bad_utf8
 *   fault=huge [mb=N]  non-streamed body with N MiB of content (default 1, at most 1024)
 *   split=1 crlf=1 comments=1   tiny writes / CRLF line ends / ": keep-alive" comment events */
#include "emu_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LL_BIG 1000000000000ll /* an upper bound for counts that still fits comfortably */

void emu_directives_init(emu_directives *d) {
  memset(d, 0, sizeof *d);
  d->tokens = d->delay_first_ms = d->jit_ms = d->interval_ms = -1;
  d->stall_after = d->stall_ms = d->after = d->mb = -1;
}

/* Parses a whole decimal number in [lo, hi]; false (out untouched) otherwise. */
static bool parse_num(const char *s, size_t n, long long lo, long long hi, long long *out) {
  char tmp[24];
  if (n == 0 || n >= sizeof tmp) return false;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  char *end;
  errno = 0;
  long long v = strtoll(tmp, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static bool is(const char *s, size_t n, const char *word) {
  return strlen(word) == n && memcmp(s, word, n) == 0;
}

static void set_text(char *dst, size_t cap, const char *v, size_t n, bool underscores) {
  if (n == 0 || n >= cap) return; /* too long: ignored like any bad value */
  for (size_t i = 0; i < n; i++) dst[i] = (underscores && v[i] == '_') ? ' ' : v[i];
  dst[n] = '\0';
}

static emu_fault fault_named(const char *v, size_t n) {
  static const struct {
    const char *name;
    emu_fault fault;
  } faults[] = {
      {"drop_after", EMU_FAULT_DROP_AFTER}, {"malformed", EMU_FAULT_MALFORMED},
      {"error_in_stream", EMU_FAULT_ERROR_IN_STREAM}, {"non_json", EMU_FAULT_NON_JSON},
      {"no_choices", EMU_FAULT_NO_CHOICES}, {"endless", EMU_FAULT_ENDLESS},
      {"no_done", EMU_FAULT_NO_DONE}, {"truncated", EMU_FAULT_TRUNCATED},
      {"close_once", EMU_FAULT_CLOSE_ONCE}, {"huge", EMU_FAULT_HUGE},
      {"bad_utf8", EMU_FAULT_BAD_UTF8},
  };
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
    if (is(v, n, faults[i].name)) return faults[i].fault;
  return EMU_FAULT_NONE;
}

static void apply_pair(emu_directives *d, const char *k, size_t kn, const char *v, size_t vn) {
  long long num;
  bool flag = is(v, vn, "1") || is(v, vn, "true") || is(v, vn, "on");
  if (is(k, kn, "tokens")) parse_num(v, vn, 0, LL_BIG, &d->tokens);
  else if (is(k, kn, "delay_first_ms")) parse_num(v, vn, 0, 3600000, &d->delay_first_ms);
  else if (is(k, kn, "jit_ms")) parse_num(v, vn, 0, 3600000, &d->jit_ms);
  else if (is(k, kn, "interval_ms")) parse_num(v, vn, 0, 600000, &d->interval_ms);
  else if (is(k, kn, "stall_after")) parse_num(v, vn, 0, LL_BIG, &d->stall_after);
  else if (is(k, kn, "stall_ms")) parse_num(v, vn, 0, 3600000, &d->stall_ms);
  else if (is(k, kn, "after")) parse_num(v, vn, 0, LL_BIG, &d->after);
  else if (is(k, kn, "mb")) parse_num(v, vn, 1, 1024, &d->mb);
  else if (is(k, kn, "redirect")) {
    if (parse_num(v, vn, 1, 65535, &num)) d->redirect_port = (int)num;
  } else if (is(k, kn, "status")) {
    if (parse_num(v, vn, 200, 599, &num)) d->status = (int)num;
  } else if (is(k, kn, "body")) {
    bool known = true;
    if (is(v, vn, "object")) d->body = EMU_BODY_OBJECT;
    else if (is(v, vn, "string")) d->body = EMU_BODY_STRING;
    else if (is(v, vn, "none")) d->body = EMU_BODY_NONE;
    else if (is(v, vn, "html")) d->body = EMU_BODY_HTML;
    else known = false;
    if (known) d->body_set = true;
  } else if (is(k, kn, "think")) {
    if (flag) d->think = EMU_THINK_FIELD;
    else if (is(v, vn, "inline")) d->think = EMU_THINK_INLINE;
    else if (is(v, vn, "reasoning")) d->think = EMU_THINK_GPTOSS;
    else if (is(v, vn, "0")) d->think = EMU_THINK_NONE;
  } else if (is(k, kn, "fault")) {
    emu_fault f = fault_named(v, vn);
    if (f != EMU_FAULT_NONE || is(v, vn, "none")) d->fault = f;
  } else if (is(k, kn, "role")) {
    if (is(v, vn, "every")) d->role_every = true;
    else if (is(v, vn, "first")) d->role_every = false;
  } else if (is(k, kn, "reply")) set_text(d->reply, sizeof d->reply, v, vn, true);
  else if (is(k, kn, "tool")) set_text(d->tool, sizeof d->tool, v, vn, false);
  else if (is(k, kn, "jit")) {
    if (is(v, vn, "off")) d->jit_off = true;
    else if (is(v, vn, "on")) d->jit_off = false;
  } else if (is(k, kn, "split")) d->split = flag;
  else if (is(k, kn, "crlf")) d->crlf = flag;
  else if (is(k, kn, "comments")) d->comments = flag;
}

bool emu_is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void emu_directives_parse(emu_directives *d, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    while (i < n && emu_is_blank(s[i])) i++;
    size_t start = i;
    while (i < n && !emu_is_blank(s[i])) i++;
    const char *eq = memchr(s + start, '=', i - start);
    if (eq && eq > s + start) {
      size_t kn = (size_t)(eq - (s + start));
      apply_pair(d, s + start, kn, eq + 1, i - start - kn - 1);
    }
  }
}

size_t emu_directives_extract(emu_directives *d, char *text, size_t len) {
  size_t r = 0, w = 0;
  while (r < len) {
    if (r + 1 < len && text[r] == '[' && text[r + 1] == '[') {
      const char *close = NULL;
      for (size_t j = r + 2; j + 1 < len; j++)
        if (text[j] == ']' && text[j + 1] == ']') {
          close = text + j;
          break;
        }
      if (close) {
        emu_directives_parse(d, text + r + 2, (size_t)(close - (text + r + 2)));
        r = (size_t)(close - text) + 2;
        while (r < len && emu_is_blank(text[r])) r++; /* "a [[x=1]] b" echoes as "a b" */
        continue;
      }
    }
    text[w++] = text[r++];
  }
  text[w] = '\0';
  return w;
}

size_t emu_trim(char *text, size_t len) {
  size_t a = 0;
  while (a < len && emu_is_blank(text[a])) a++;
  while (len > a && emu_is_blank(text[len - 1])) len--;
  memmove(text, text + a, len - a);
  text[len - a] = '\0';
  return len - a;
}

long long emu_count_words(const char *s, size_t n) {
  long long words = 0;
  bool in_word = false;
  for (size_t i = 0; i < n; i++) {
    bool blank = emu_is_blank(s[i]);
    if (!blank && !in_word) words++;
    in_word = !blank;
  }
  return words;
}

uint64_t emu_hash(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t emu_splitmix(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

bool emu_json_str(dynbuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  bool ok = dynbuf_append(b, "\"", 1);
  size_t run = 0; /* bytes copied as they are, appended in one go */
  for (size_t i = 0; ok && i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    ok = dynbuf_append(b, s + run, i - run);
    char esc[7] = {'\\', (char)c, 0};
    size_t en = 2;
    if (c == '\n') esc[1] = 'n';
    else if (c == '\r') esc[1] = 'r';
    else if (c == '\t') esc[1] = 't';
    else if (c < 0x20) {
      memcpy(esc, "\\u00", 4);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      en = 6;
    }
    ok = ok && dynbuf_append(b, esc, en);
    run = i + 1;
  }
  return ok && dynbuf_append(b, s + run, n - run) && dynbuf_append(b, "\"", 1);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  if (s[0] < 0x80) return 1;
  size_t len = 0;
  if (s[0] >= 0xc2 && s[0] <= 0xdf) len = 2;
  else if (s[0] >= 0xe0 && s[0] <= 0xef) len = 3;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4) len = 4;
  if (len == 0 || len > n) return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  if (len == 3 && s[0] == 0xe0 && s[1] < 0xa0) return 0;                /* overlong */
  if (len == 3 && s[0] == 0xed && s[1] >= 0xa0) return 0;               /* surrogate */
  if (len == 4 && s[0] == 0xf0 && s[1] < 0x90) return 0;                /* overlong */
  if (len == 4 && s[0] == 0xf4 && s[1] >= 0x90) return 0;               /* > U+10FFFF */
  return len;
}

json_t *emu_json_text(const char *s, size_t n) {
  json_t *j = json_stringn(s, n);
  if (j) return j;
  /* Not UTF-8 (or holds a NUL): record a readable copy rather than nothing. */
  dynbuf b;
  dynbuf_init(&b, n * 3 + 1);
  bool ok = true;
  for (size_t i = 0; ok && i < n;) {
    size_t len = s[i] == '\0' ? 0 : utf8_seq((const unsigned char *)s + i, n - i);
    if (len) ok = dynbuf_append(&b, s + i, len);
    else ok = dynbuf_append(&b, "\xef\xbf\xbd", 3);
    i += len ? len : 1;
  }
  j = ok ? json_stringn(b.data ? b.data : "", b.len) : NULL;
  dynbuf_free(&b);
  return j;
}
