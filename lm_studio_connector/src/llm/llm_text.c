/* llm_text.c: UTF-8 validation, repair and quoting for text that came from a server.
 * Everything here works on byte ranges (not NUL-terminated input) and never reads past them.
 * The validator follows RFC 3629 exactly, so text it accepts is text jansson accepts, and
 * repair replaces each maximal invalid subpart with one U+FFFD (Unicode's recommended practice,
 * also what browsers do), so a split multi-byte character costs one replacement, not several. */
#include "llm_text.h"

#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 character at s (1..4), or 0 when invalid; then *bad is the length of
 * the maximal invalid subpart to skip (>= 1). n >= 1. */
static size_t utf8_char(const unsigned char *s, size_t n, size_t *bad) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;      /* overlong */
    else if (c == 0xED) hi = 0x9F; /* surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;      /* overlong */
    else if (c == 0xF4) hi = 0x8F; /* past U+10FFFF */
  } else {
    *bad = 1;
    return 0;
  }
  size_t i = 1;
  for (; i < need && i < n; i++) {
    unsigned char b = s[i];
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) break;
  }
  if (i == need) return need;
  *bad = i;
  return 0;
}

bool llm_text_utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, bad;
  while (i < n) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = utf8_char(p + i, n - i, &bad);
    if (!k) return false;
    i += k;
  }
  return true;
}

char *llm_text_repair_utf8(const char *s, size_t n, size_t max_out, size_t *out_len) {
  const unsigned char *p = (const unsigned char *)s;
  /* First pass: the exact size, so a hostile input cannot make us grow without bound. */
  size_t size = 0, i = 0, bad = 0;
  while (i < n) {
    size_t k = p[i] < 0x80 ? 1 : utf8_char(p + i, n - i, &bad);
    if (k) {
      size += k;
      i += k;
    } else {
      size += 3;
      i += bad;
    }
    if (size > max_out) return NULL;
  }
  char *out = malloc(size + 1);
  if (!out) return NULL;
  size_t o = 0;
  i = 0;
  while (i < n) {
    size_t k = p[i] < 0x80 ? 1 : utf8_char(p + i, n - i, &bad);
    if (k) {
      memcpy(out + o, s + i, k);
      o += k;
      i += k;
    } else {
      memcpy(out + o, LLM_TEXT_REPLACEMENT, 3);
      o += 3;
      i += bad;
    }
  }
  out[o] = '\0';
  *out_len = o;
  return out;
}

size_t llm_text_utf8_cut(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  /* Find the start of the last character (at most 3 continuation bytes back). */
  size_t start = len, back = 0;
  while (start > 0 && back < 4) {
    start--;
    back++;
    if ((p[start] & 0xC0) != 0x80) break;
  }
  if (start == len) return len;
  size_t bad;
  size_t k = p[start] < 0x80 ? 1 : utf8_char(p + start, len - start, &bad);
  if (k == len - start) return len;
  /* Incomplete character: drop it. (Invalid bytes are not this function's business: it only
   * guarantees that a cut made by the caller does not leave half a character.) */
  return k == 0 && bad == len - start ? start : len;
}

size_t llm_text_quote(char *dst, size_t cap, const char *src, size_t n, size_t max_bytes) {
  const unsigned char *p = (const unsigned char *)src;
  size_t limit = cap - 4; /* room for "..." and the NUL */
  if (max_bytes < limit) limit = max_bytes;
  size_t o = 0, i = 0, bad;
  while (i < n) {
    size_t k = p[i] < 0x80 ? 1 : utf8_char(p + i, n - i, &bad);
    size_t w = k ? k : 1;
    if (o + w > limit) break;
    if (!k) {
      dst[o++] = '?';
      i += bad;
    } else if (k == 1) {
      dst[o++] = (p[i] < 0x20 || p[i] == 0x7F) ? ' ' : (char)p[i];
      i++;
    } else {
      memcpy(dst + o, src + i, k);
      o += k;
      i += k;
    }
  }
  if (i < n) {
    memcpy(dst + o, "...", 3);
    o += 3;
  }
  dst[o] = '\0';
  return o;
}

llm_status llm_text_append(dynbuf *b, const char *s, size_t n) {
  const char *nul = n ? memchr(s, '\0', n) : NULL;
  if (!nul) {
    if (n > b->max - b->len) return LLM_ERR_TOO_LARGE;
    return dynbuf_append(b, s, n) ? LLM_OK : LLM_ERR_NO_MEMORY;
  }
  /* Rare path: rebuild piecewise, restoring the old length if any piece does not fit. */
  size_t old = b->len;
  const char *end = s + n;
  while (s < end) {
    nul = memchr(s, '\0', (size_t)(end - s));
    size_t run = nul ? (size_t)(nul - s) : (size_t)(end - s);
    size_t need = run + (nul ? 3 : 0);
    if (need > b->max - b->len) {
      b->len = old;
      if (b->data) b->data[old] = '\0';
      return LLM_ERR_TOO_LARGE;
    }
    if (!dynbuf_append(b, s, run) || (nul && !dynbuf_append(b, LLM_TEXT_REPLACEMENT, 3))) {
      b->len = old;
      if (b->data) b->data[old] = '\0';
      return LLM_ERR_NO_MEMORY;
    }
    s += run + (nul ? 1 : 0);
  }
  return LLM_OK;
}
