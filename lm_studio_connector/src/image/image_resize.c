/* image_resize.c: separable area resampling in fixed point (see image_resize.h).
 * Each axis gets a table of taps: for output index o, the first source index, the number of
 * source pixels it overlaps and their weights in 1/4096 (summing to exactly 4096). A source
 * row is filtered horizontally once (a two-row cache covers the row shared by two output
 * rows), then rows are summed vertically. Sums stay within 32 bits: a horizontal value is at
 * most 255 * 4096, times vertical weights summing to 4096 is < 2^32.
 * Pure functions; safe from any thread. */
#include "image_resize.h"

#include <stdlib.h>
#include <string.h>

#include "common/limits.h"

#define WEIGHT_ONE 4096u

typedef struct axis {
  uint32_t *first;   /* per output index: first source index */
  uint32_t *count;   /* per output index: number of taps */
  uint32_t *at;      /* per output index: offset of its first weight in weight[] */
  uint16_t *weight;  /* all taps, in order */
} axis;

static void axis_free(axis *a) {
  free(a->first);
  free(a->count);
  free(a->at);
  free(a->weight);
}

/* Taps mapping src pixels onto dst pixels. In units of 1/(src*dst): source pixel i spans
 * [i*dst, (i+1)*dst), output pixel o spans [o*src, (o+1)*src). */
static bool axis_init(axis *a, uint32_t src, uint32_t dst) {
  a->first = malloc(dst * sizeof *a->first);
  a->count = malloc(dst * sizeof *a->count);
  a->at = malloc(dst * sizeof *a->at);
  a->weight = malloc(((size_t)src + dst) * sizeof *a->weight);
  if (!a->first || !a->count || !a->at || !a->weight) {
    axis_free(a);
    return false;
  }
  uint32_t at = 0;
  for (uint32_t o = 0; o < dst; o++) {
    uint64_t lo = (uint64_t)o * src, hi = lo + src;
    uint32_t first = (uint32_t)(lo / dst), last = (uint32_t)((hi - 1) / dst);
    /* Weights are differences of rounded cumulative overlaps: they sum to exactly 4096 and
     * each is within 1/4096 of its true share, even for extreme ratios. */
    uint64_t cum = 0, prev = 0;
    for (uint32_t i = first; i <= last; i++) {
      uint64_t s0 = (uint64_t)i * dst, s1 = s0 + dst;
      cum += (s1 < hi ? s1 : hi) - (s0 > lo ? s0 : lo);
      uint64_t upto = (cum * WEIGHT_ONE + src / 2) / src;
      a->weight[at + (i - first)] = (uint16_t)(upto - prev);
      prev = upto;
    }
    a->first[o] = first;
    a->count[o] = last - first + 1;
    a->at[o] = at;
    at += last - first + 1;
  }
  return true;
}

/* One source row (n bytes per pixel, channel c at off[c]) filtered into ch sums per pixel. */
static void hpass(const uint8_t *src, const axis *ax, uint32_t dw, unsigned n, const unsigned off[3], unsigned ch,
                  uint32_t *dst) {
  if (ch == 1) {
    for (uint32_t x = 0; x < dw; x++) {
      const uint8_t *s = src + (size_t)ax->first[x] * n;
      const uint16_t *w = ax->weight + ax->at[x];
      uint32_t a = 0;
      for (uint32_t k = 0; k < ax->count[x]; k++, s += n) a += w[k] * (uint32_t)s[0];
      dst[x] = a;
    }
    return;
  }
  const unsigned o0 = off[0], o1 = off[1], o2 = off[2];
  for (uint32_t x = 0; x < dw; x++, dst += 3) {
    const uint8_t *s = src + (size_t)ax->first[x] * n;
    const uint16_t *w = ax->weight + ax->at[x];
    uint32_t a0 = 0, a1 = 0, a2 = 0;
    for (uint32_t k = 0; k < ax->count[x]; k++, s += n) {
      a0 += w[k] * (uint32_t)s[o0];
      a1 += w[k] * (uint32_t)s[o1];
      a2 += w[k] * (uint32_t)s[o2];
    }
    dst[0] = a0;
    dst[1] = a1;
    dst[2] = a2;
  }
}

void image_fit_size(uint32_t w, uint32_t h, uint32_t max_side, uint32_t *out_w, uint32_t *out_h) {
  uint32_t ow = w, oh = h;
  if (max_side > 0 && (w > max_side || h > max_side)) {
    if (w >= h) {
      ow = max_side;
      oh = (uint32_t)(((uint64_t)h * max_side + w / 2) / w);
    } else {
      oh = max_side;
      ow = (uint32_t)(((uint64_t)w * max_side + h / 2) / h);
    }
    if (ow == 0) ow = 1;
    if (oh == 0) oh = 1;
  }
  if (out_w) *out_w = ow;
  if (out_h) *out_h = oh;
}

image_status image_resize(const image_view *in, uint32_t w, uint32_t h, image_pixels *out, image_error *err) {
  if (!in || !in->data || !out) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "image, its data or the output is NULL");
  unsigned n = image_layout_bytes(in->layout);
  if (n == 0 || in->width == 0 || in->height == 0 || in->stride < (size_t)in->width * n)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "invalid %ux%u source image (layout %d, stride %zu)",
                           in->width, in->height, (int)in->layout, in->stride);
  if (w == 0 || h == 0)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "cannot resize to %ux%u", w, h);
  if (w > LMS_MAX_IMAGE_SIDE || h > LMS_MAX_IMAGE_SIDE || (uint64_t)w * h > LMS_MAX_IMAGE_PIXELS ||
      in->width > LMS_MAX_IMAGE_SIDE || in->height > LMS_MAX_IMAGE_SIDE)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "resizing %ux%u to %ux%u exceeds the image size limits", in->width,
                           in->height, w, h);
  unsigned off[3] = {0, 1, 2};
  if (in->layout == IMAGE_LAYOUT_BGR8 || in->layout == IMAGE_LAYOUT_BGRA8) off[0] = 2, off[2] = 0;
  const unsigned ch = n == 1 ? 1 : 3;
  const size_t row = (size_t)w * ch;
  axis ax = {0}, ay = {0};
  uint8_t *px = malloc(row * h);
  uint32_t *acc = malloc(row * sizeof *acc);
  uint32_t *cache = malloc(2 * row * sizeof *cache);
  bool ok = px && acc && cache && axis_init(&ax, in->width, w);
  if (ok && !axis_init(&ay, in->height, h)) {
    axis_free(&ax);
    ok = false;
  }
  if (!ok) {
    free(px);
    free(acc);
    free(cache);
    return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory to resize %ux%u to %ux%u", in->width, in->height, w, h);
  }
  int64_t tag[2] = {-1, -1}; /* source row held by each cache slot */
  for (uint32_t y = 0; y < h; y++) {
    memset(acc, 0, row * sizeof *acc);
    const uint16_t *wy = ay.weight + ay.at[y];
    for (uint32_t k = 0; k < ay.count[y]; k++) {
      uint32_t r = ay.first[y] + k;
      int slot = tag[0] == r ? 0 : tag[1] == r ? 1 : -1;
      if (slot < 0) {
        slot = tag[0] < tag[1] ? 0 : 1; /* rows come in increasing order: evict the older */
        hpass(in->data + (size_t)r * in->stride, &ax, w, n, off, ch, cache + (size_t)slot * row);
        tag[slot] = r;
      }
      const uint32_t *hr = cache + (size_t)slot * row;
      const uint32_t wk = wy[k];
      for (size_t i = 0; i < row; i++) acc[i] += wk * hr[i];
    }
    uint8_t *d = px + (size_t)y * row;
    for (size_t i = 0; i < row; i++) d[i] = (uint8_t)((acc[i] + (1u << 23)) >> 24);
  }
  axis_free(&ax);
  axis_free(&ay);
  free(acc);
  free(cache);
  out->data = px;
  out->width = w;
  out->height = h;
  out->channels = ch;
  return IMAGE_OK;
}
