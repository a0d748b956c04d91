/* image_base64.c: strict base64 and image data URIs (see image_base64.h).
 * Decoding makes one pass to validate and count, then one to decode into a buffer of the exact
 * size, so bad or oversized input costs no allocation. Pure functions; safe from any thread. */
#include "image_base64.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/limits.h"
#include "image_codec.h"
#include "image_internal.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Value + 1 of each alphabet character; 0 for everything else. */
static const uint8_t value1[256] = {
  ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
  ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
  ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
  ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
  ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
  ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
  ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
  ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

static bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

size_t image_base64_encoded_len(size_t len) { return (len / 3 + (len % 3 != 0)) * 4; }

static void encode_into(const uint8_t *s, size_t len, char *d) {
  size_t i = 0;
  for (; i + 3 <= len; i += 3, d += 4) {
    uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
    d[0] = alphabet[v >> 18];
    d[1] = alphabet[(v >> 12) & 63];
    d[2] = alphabet[(v >> 6) & 63];
    d[3] = alphabet[v & 63];
  }
  if (len - i == 1) {
    uint32_t v = (uint32_t)s[i] << 16;
    d[0] = alphabet[v >> 18];
    d[1] = alphabet[(v >> 12) & 63];
    d[2] = d[3] = '=';
    d += 4;
  } else if (len - i == 2) {
    uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
    d[0] = alphabet[v >> 18];
    d[1] = alphabet[(v >> 12) & 63];
    d[2] = alphabet[(v >> 6) & 63];
    d[3] = '=';
    d += 4;
  }
  *d = '\0';
}

image_status image_base64_encode(const void *data, size_t len, char **out, size_t *out_len, image_error *err) {
  if ((!data && len > 0) || !out) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "data or output is NULL");
  if (len > LMS_MAX_IMAGE_ENCODED_BYTES)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "%zu bytes to encode, more than the limit of %u", len,
                           (unsigned)LMS_MAX_IMAGE_ENCODED_BYTES);
  size_t n = image_base64_encoded_len(len);
  char *text = malloc(n + 1);
  if (!text) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for %zu characters of base64", n);
  encode_into(data, len, text);
  *out = text;
  if (out_len) *out_len = n;
  return IMAGE_OK;
}

/* Validates text; on success *n is the decoded length. */
static image_status validate(const unsigned char *t, size_t len, size_t *n, image_error *err) {
  size_t data = 0, pad = 0;
  unsigned last = 0; /* value of the last data character */
  for (size_t i = 0; i < len; i++) {
    unsigned char c = t[i];
    if (is_space(c)) continue;
    if (c == '=') {
      if (++pad > 2) return image_error_set(err, IMAGE_ERR_BAD_BASE64, "more than two '=' at offset %zu", i);
      continue;
    }
    if (!value1[c]) {
      if (c >= 0x20 && c < 0x7f)
        return image_error_set(err, IMAGE_ERR_BAD_BASE64, "invalid base64 character '%c' at offset %zu", c, i);
      return image_error_set(err, IMAGE_ERR_BAD_BASE64, "invalid base64 byte 0x%02x at offset %zu", c, i);
    }
    if (pad) return image_error_set(err, IMAGE_ERR_BAD_BASE64, "data after '=' padding at offset %zu", i);
    data++;
    last = value1[c] - 1u;
  }
  if ((data + pad) % 4 != 0)
    return image_error_set(err, IMAGE_ERR_BAD_BASE64, "%zu base64 characters%s: not a multiple of 4 (missing or extra padding)",
                           data + pad, pad ? " with padding" : "");
  size_t rem = data % 4;
  if (rem == 1 || (pad && rem != 4 - pad))
    return image_error_set(err, IMAGE_ERR_BAD_BASE64, "wrong padding for the last group of %zu characters", rem);
  if ((rem == 2 && (last & 15)) || (rem == 3 && (last & 3)))
    return image_error_set(err, IMAGE_ERR_BAD_BASE64, "the unused bits of the last base64 character are not zero");
  *n = data / 4 * 3 + (rem ? rem - 1 : 0);
  return IMAGE_OK;
}

image_status image_base64_decode(const char *text, size_t len, size_t max_out, uint8_t **out, size_t *out_len,
                                 image_error *err) {
  if ((!text && len > 0) || !out || !out_len)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "text or an output is NULL");
  const unsigned char *t = (const unsigned char *)text;
  size_t n = 0;
  image_status st = validate(t, len, &n, err);
  if (st != IMAGE_OK) return st;
  if (n > max_out)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "base64 decodes to %zu bytes, more than the limit of %zu", n, max_out);
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for %zu decoded bytes", n);
  uint32_t acc = 0;
  unsigned have = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned v = value1[t[i]];
    if (!v) {
      if (t[i] == '=') break;
      continue; /* whitespace: validate() allowed nothing else */
    }
    acc = acc << 6 | (v - 1);
    if (++have == 4) {
      buf[o] = (uint8_t)(acc >> 16);
      buf[o + 1] = (uint8_t)(acc >> 8);
      buf[o + 2] = (uint8_t)acc;
      o += 3;
      have = 0;
      acc = 0;
    }
  }
  if (have == 2) buf[o++] = (uint8_t)(acc >> 4);
  if (have == 3) {
    buf[o++] = (uint8_t)(acc >> 10);
    buf[o++] = (uint8_t)(acc >> 2);
  }
  *out = buf;
  *out_len = o;
  return IMAGE_OK;
}

image_status image_data_uri_build(const void *data, size_t len, const char *mime, char **out, size_t *out_len,
                                  image_error *err) {
  if (!data || !out) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "data or output is NULL");
  if (len > LMS_MAX_IMAGE_ENCODED_BYTES)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "image is %zu bytes, more than the limit of %u", len,
                           (unsigned)LMS_MAX_IMAGE_ENCODED_BYTES);
  image_format f = image_sniff(data, len);
  const char *sniffed = image_format_mime(f);
  if (!sniffed) return image_error_set(err, IMAGE_ERR_NOT_AN_IMAGE, "data for a data URI is not a JPEG, PNG, WebP or GIF image");
  if (mime && strcasecmp(mime, sniffed) != 0) {
    char q[IMAGE_QUOTE_MAX];
    return image_error_set(err, IMAGE_ERR_MIME_MISMATCH, "data URI type '%s' given, but the content is a %s image",
                           image_quote(mime, 64, q, sizeof q), image_format_name(f));
  }
  size_t head = strlen("data:") + strlen(sniffed) + strlen(";base64,");
  size_t n = head + image_base64_encoded_len(len);
  char *uri = malloc(n + 1);
  if (!uri) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a %zu-character data URI", n);
  memcpy(uri, "data:", 5);
  memcpy(uri + 5, sniffed, strlen(sniffed));
  memcpy(uri + 5 + strlen(sniffed), ";base64,", 8);
  encode_into(data, len, uri + head);
  *out = uri;
  if (out_len) *out_len = n;
  return IMAGE_OK;
}

/* The format a declared image subtype names: NONE for a known type we do not sniff (bmp,
 * tiff, ...), and *known false for a subtype we have never heard of. */
static image_format declared_format(const char *sub, size_t n, bool *known) {
  static const struct {
    const char *name;
    image_format f;
  } types[] = {
    {"jpeg", IMAGE_FORMAT_JPEG}, {"jpg", IMAGE_FORMAT_JPEG},  {"pjpeg", IMAGE_FORMAT_JPEG},
    {"png", IMAGE_FORMAT_PNG},   {"apng", IMAGE_FORMAT_PNG},  {"x-png", IMAGE_FORMAT_PNG},
    {"webp", IMAGE_FORMAT_WEBP}, {"gif", IMAGE_FORMAT_GIF},   {"bmp", IMAGE_FORMAT_NONE},
    {"x-ms-bmp", IMAGE_FORMAT_NONE}, {"tiff", IMAGE_FORMAT_NONE}, {"heic", IMAGE_FORMAT_NONE},
    {"heif", IMAGE_FORMAT_NONE}, {"avif", IMAGE_FORMAT_NONE}, {"svg+xml", IMAGE_FORMAT_NONE},
    {"jxl", IMAGE_FORMAT_NONE},  {"x-icon", IMAGE_FORMAT_NONE}, {"vnd.microsoft.icon", IMAGE_FORMAT_NONE},
  };
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    if (strlen(types[i].name) == n && strncasecmp(sub, types[i].name, n) == 0) {
      *known = true;
      return types[i].f;
    }
  }
  *known = false;
  return IMAGE_FORMAT_NONE;
}

image_status image_data_uri_parse(const char *uri, size_t len, image_encoded *out, image_error *err) {
  char q[IMAGE_QUOTE_MAX];
  if ((!uri && len > 0) || !out) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "URI or output is NULL");
  if (len < 5 || strncasecmp(uri, "data:", 5) != 0)
    return image_error_set(err, IMAGE_ERR_BAD_DATA_URI, "'%s' is not a data URI (it must start with data:image/...)",
                           image_quote(uri, len < 40 ? len : 40, q, sizeof q));
  const char *comma = memchr(uri, ',', len);
  if (!comma) return image_error_set(err, IMAGE_ERR_BAD_DATA_URI, "data URI has no ',' before its data");
  const char *type = uri + 5, *end = comma;
  size_t tlen = 0;
  while (type + tlen < end && type[tlen] != ';') tlen++;
  const char *typestr = image_quote(type, tlen, q, sizeof q);
  if (tlen < 7 || strncasecmp(type, "image/", 6) != 0)
    return image_error_set(err, IMAGE_ERR_BAD_DATA_URI, "data URI type '%s' is not an image type (image/jpeg, image/png, ...)",
                           typestr);
  /* The last parameter must be ";base64". */
  if ((size_t)(end - (type + tlen)) < 7 || strncasecmp(end - 7, ";base64", 7) != 0)
    return image_error_set(err, IMAGE_ERR_BAD_DATA_URI, "data URI of type '%s' is not base64 (only ';base64,' data is supported)",
                           typestr);
  uint8_t *bytes = NULL;
  size_t n = 0;
  const char *payload = comma + 1;
  image_status st = image_base64_decode(payload, len - (size_t)(payload - uri), LMS_MAX_IMAGE_ENCODED_BYTES, &bytes, &n, err);
  if (st != IMAGE_OK) return st;
  image_format f = image_sniff(bytes, n);
  bool known = false;
  image_format declared = declared_format(type + 6, tlen - 6, &known);
  if (f == IMAGE_FORMAT_NONE) {
    st = image_error_set(err, IMAGE_ERR_NOT_AN_IMAGE, "data URI of type '%s' holds %zu bytes that are not a JPEG, PNG, WebP or GIF image",
                         typestr, n);
  } else if (known && declared != f) {
    st = image_error_set(err, IMAGE_ERR_MIME_MISMATCH, "data URI says '%s' but the content is a %s image", typestr,
                         image_format_name(f));
  }
  image_info info = {0};
  if (st == IMAGE_OK) st = image_probe(bytes, n, &info, err);
  if (st != IMAGE_OK) {
    free(bytes);
    return st;
  }
  out->data = bytes;
  out->len = n;
  out->format = f;
  out->mime = image_format_mime(f);
  out->width = info.width;
  out->height = info.height;
  out->reencoded = false;
  return IMAGE_OK;
}
