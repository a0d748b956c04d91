/* image_raw.c: sensor_msgs/Image encodings to packed 8-bit gray or RGB (see image_raw.h).
 * Validation comes first and is complete before anything is allocated, so a message declaring
 * a huge size with little data costs nothing. The converters run one tight loop per encoding
 * and row (the switch is per row, never per pixel). Pure functions; safe from any thread. */
#include "image_raw.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/limits.h"
#include "image_internal.h"

typedef enum src_kind {
  SRC_RGB8, SRC_BGR8, SRC_RGBA8, SRC_BGRA8, SRC_MONO8,
  SRC_RGB16, SRC_BGR16, SRC_RGBA16, SRC_BGRA16, SRC_MONO16,
  SRC_UYVY, SRC_YUYV,
} src_kind;

typedef struct enc_info {
  const char *name;
  src_kind kind;
  unsigned bpp;  /* bytes per pixel in the message */
} enc_info;

static const enc_info encodings[] = {
  {"rgb8", SRC_RGB8, 3},         {"bgr8", SRC_BGR8, 3},
  {"rgba8", SRC_RGBA8, 4},       {"bgra8", SRC_BGRA8, 4},
  {"mono8", SRC_MONO8, 1},       {"mono16", SRC_MONO16, 2},
  {"rgb16", SRC_RGB16, 6},       {"bgr16", SRC_BGR16, 6},
  {"rgba16", SRC_RGBA16, 8},     {"bgra16", SRC_BGRA16, 8},
  {"8UC1", SRC_MONO8, 1},        {"8UC3", SRC_BGR8, 3},
  {"8UC4", SRC_BGRA8, 4},        {"16UC1", SRC_MONO16, 2},
  {"yuv422", SRC_UYVY, 2},       {"uyvy", SRC_UYVY, 2},
  {"yuv422_yuy2", SRC_YUYV, 2},  {"yuyv", SRC_YUYV, 2},
};

static const char supported_list[] =
    "rgb8, bgr8, rgba8, bgra8, mono8, mono16, rgb16, bgr16, rgba16, bgra16, 8UC1 (as mono8), "
    "8UC3 (as bgr8), 8UC4 (as bgra8), 16UC1 (as mono16), yuv422 / uyvy, yuv422_yuy2 / yuyv";

static const enc_info *find_encoding(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
    if (strcasecmp(name, encodings[i].name) == 0) return &encodings[i];
  return NULL;
}

bool image_raw_encoding_supported(const char *encoding) { return find_encoding(encoding) != NULL; }

const char *image_raw_supported_encodings(void) { return supported_list; }

static unsigned out_channels(src_kind k) { return (k == SRC_MONO8 || k == SRC_MONO16) ? 1 : 3; }

/* The checks of image_raw_check; on success *info is the encoding. */
static image_status check(const image_raw *raw, const enc_info **info, image_error *err) {
  char q[IMAGE_QUOTE_MAX];
  if (!raw || !raw->encoding)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "raw image or its encoding is NULL");
  if (!raw->data && raw->data_len > 0)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "raw image data is NULL but data_len is %zu",
                           raw->data_len);
  const enc_info *e = find_encoding(raw->encoding);
  const char *enc = image_quote(raw->encoding, 64, q, sizeof q);
  if (!e)
    return image_error_set(err, IMAGE_ERR_UNSUPPORTED_ENCODING,
                           "unsupported image encoding '%s'; supported: %s", enc, supported_list);
  uint32_t w = raw->width, h = raw->height;
  if (w == 0 || h == 0)
    return image_error_set(err, IMAGE_ERR_BAD_GEOMETRY,
                           "image is %ux%u %s: width and height must be at least 1", w, h, enc);
  if (w > LMS_MAX_IMAGE_SIDE || h > LMS_MAX_IMAGE_SIDE)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "image is %ux%u %s: width and height may be at most %u",
                           w, h, enc, (unsigned)LMS_MAX_IMAGE_SIDE);
  uint64_t pixels = (uint64_t)w * h;
  if (pixels > LMS_MAX_IMAGE_PIXELS)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "image is %ux%u %s (%llu pixels): at most %llu pixels are accepted",
                           w, h, enc, (unsigned long long)pixels, (unsigned long long)LMS_MAX_IMAGE_PIXELS);
  uint64_t row = (uint64_t)w * e->bpp;
  if (raw->step < row)
    return image_error_set(err, IMAGE_ERR_BAD_GEOMETRY,
                           "image is %ux%u %s with step %u, but one row needs %llu bytes (%u per pixel)",
                           w, h, enc, raw->step, (unsigned long long)row, e->bpp);
  uint64_t need = (uint64_t)raw->step * h;
  if (need > LMS_MAX_IMAGE_RAW_BYTES)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE,
                           "image is %ux%u %s with step %u: %llu bytes, more than the limit of %llu",
                           w, h, enc, raw->step, (unsigned long long)need,
                           (unsigned long long)LMS_MAX_IMAGE_RAW_BYTES);
  if (raw->data_len < need)
    return image_error_set(err, IMAGE_ERR_SHORT_DATA, "image is %ux%u %s but has %zu bytes of data, expected %llu",
                           w, h, enc, raw->data_len, (unsigned long long)need);
  *info = e;
  return IMAGE_OK;
}

image_status image_raw_check(const image_raw *raw, image_error *err) {
  const enc_info *e;
  return check(raw, &e, err);
}

bool image_raw_direct_view(const image_raw *raw, image_view *out) {
  const enc_info *e;
  if (!out || check(raw, &e, NULL) != IMAGE_OK) return false;
  image_layout l;
  switch (e->kind) {
    case SRC_RGB8: l = IMAGE_LAYOUT_RGB8; break;
    case SRC_BGR8: l = IMAGE_LAYOUT_BGR8; break;
    case SRC_RGBA8: l = IMAGE_LAYOUT_RGBA8; break;
    case SRC_BGRA8: l = IMAGE_LAYOUT_BGRA8; break;
    case SRC_MONO8: l = IMAGE_LAYOUT_GRAY8; break;
    default: return false;
  }
  out->data = raw->data;
  out->width = raw->width;
  out->height = raw->height;
  out->stride = raw->step;
  out->layout = l;
  return true;
}

/* 16-bit sample at s (hi/lo byte offsets 0/1 or 1/0) scaled to 8 bits with rounding:
 * round(v * 255 / 65535) == (v + 128) / 257. */
#define SAMPLE16(s, hi, lo) ((uint8_t)(((((unsigned)(s)[hi] << 8) | (s)[lo]) + 128u) / 257u))

/* 8-bit channels in order (r, g, b) out of n per pixel. */
static void row_8(const uint8_t *s, uint8_t *d, uint32_t w, unsigned n, unsigned r, unsigned g, unsigned b) {
  for (uint32_t x = 0; x < w; x++, s += n, d += 3) {
    d[0] = s[r];
    d[1] = s[g];
    d[2] = s[b];
  }
}

/* 16-bit channels, n per pixel (1 for mono, then only r is used). */
static void row_16(const uint8_t *s, uint8_t *d, uint32_t w, unsigned n, unsigned r, unsigned g, unsigned b,
                   bool big) {
  const unsigned hi = big ? 0 : 1, lo = big ? 1 : 0, px = 2 * n;
  if (n == 1) {
    for (uint32_t x = 0; x < w; x++, s += 2) d[x] = SAMPLE16(s, hi, lo);
    return;
  }
  for (uint32_t x = 0; x < w; x++, s += px, d += 3) {
    d[0] = SAMPLE16(s + 2 * r, hi, lo);
    d[1] = SAMPLE16(s + 2 * g, hi, lo);
    d[2] = SAMPLE16(s + 2 * b, hi, lo);
  }
}

/* BT.601 limited range, 8.8 fixed point. The sums are clamped before the shift, so no
 * negative value is ever shifted. */
#define CLAMP_SHIFT(v) ((uint8_t)((v) < 0 ? 0 : (v) > 0xFFFF ? 255 : (v) >> 8))
#define YUV_PIXEL(d, yy, cr, cg, cb)                 \
  do {                                               \
    int c_ = 298 * ((int)(yy) - 16) + 128;           \
    (d)[0] = CLAMP_SHIFT(c_ + (cr));                 \
    (d)[1] = CLAMP_SHIFT(c_ + (cg));                 \
    (d)[2] = CLAMP_SHIFT(c_ + (cb));                 \
  } while (0)

/* 4:2:2 row: in each 4-byte pair, offsets of Y0, U, Y1, V. */
static void row_yuv(const uint8_t *s, uint8_t *d, uint32_t w, unsigned y0, unsigned u, unsigned y1, unsigned v) {
  uint32_t pairs = w / 2;
  for (uint32_t p = 0; p < pairs; p++, s += 4, d += 6) {
    int du = (int)s[u] - 128, dv = (int)s[v] - 128;
    int cr = 409 * dv, cg = -100 * du - 208 * dv, cb = 516 * du;
    YUV_PIXEL(d, s[y0], cr, cg, cb);
    YUV_PIXEL(d + 3, s[y1], cr, cg, cb);
  }
  if (w & 1) {
    /* Lone last pixel: its Y and U are in the row, its V would be past the row's end. */
    int du = (int)s[u] - 128, dv = pairs ? (int)(s - 4)[v] - 128 : 0;
    YUV_PIXEL(d, s[y0], 409 * dv, -100 * du - 208 * dv, 516 * du);
  }
}

static void convert(const image_raw *raw, const enc_info *e, uint8_t *dst) {
  const uint32_t w = raw->width;
  const size_t out_row = (size_t)w * out_channels(e->kind);
  const bool big = raw->is_bigendian;
  for (uint32_t y = 0; y < raw->height; y++) {
    const uint8_t *s = raw->data + (size_t)y * raw->step;
    uint8_t *d = dst + (size_t)y * out_row;
    switch (e->kind) {
      case SRC_RGB8:
      case SRC_MONO8: memcpy(d, s, out_row); break;
      case SRC_BGR8: row_8(s, d, w, 3, 2, 1, 0); break;
      case SRC_RGBA8: row_8(s, d, w, 4, 0, 1, 2); break;
      case SRC_BGRA8: row_8(s, d, w, 4, 2, 1, 0); break;
      case SRC_MONO16: row_16(s, d, w, 1, 0, 0, 0, big); break;
      case SRC_RGB16: row_16(s, d, w, 3, 0, 1, 2, big); break;
      case SRC_BGR16: row_16(s, d, w, 3, 2, 1, 0, big); break;
      case SRC_RGBA16: row_16(s, d, w, 4, 0, 1, 2, big); break;
      case SRC_BGRA16: row_16(s, d, w, 4, 2, 1, 0, big); break;
      case SRC_UYVY: row_yuv(s, d, w, 1, 0, 3, 2); break;
      case SRC_YUYV: row_yuv(s, d, w, 0, 1, 2, 3); break;
    }
  }
}

image_status image_raw_to_pixels(const image_raw *raw, image_pixels *out, image_error *err) {
  const enc_info *e;
  if (!out) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "output is NULL");
  image_status st = check(raw, &e, err);
  if (st != IMAGE_OK) return st;
  unsigned ch = out_channels(e->kind);
  size_t size = (size_t)raw->width * raw->height * ch;
  uint8_t *px = malloc(size);
  if (!px) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for %zu bytes of pixels", size);
  convert(raw, e, px);
  out->data = px;
  out->width = raw->width;
  out->height = raw->height;
  out->channels = ch;
  return IMAGE_OK;
}
