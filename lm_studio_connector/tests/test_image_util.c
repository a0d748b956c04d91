/* test_image_util.c: see test_image_util.h. */
#include "test_image_util.h"

#include <string.h>
#include <turbojpeg.h>

#include "image/image_codec.h"
#include "testing.h"

const uint8_t timg_palette[8][3] = {
  {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255},
  {0, 0, 0},   {255, 255, 0}, {0, 255, 255}, {255, 0, 255},
};

uint8_t *timg_grid(uint32_t w, uint32_t h, uint32_t bw, uint32_t bh) {
  uint8_t *p = malloc((size_t)w * h * 3);
  CHECK(p != NULL);
  for (uint32_t y = 0; y < h; y++)
    for (uint32_t x = 0; x < w; x++) memcpy(p + ((size_t)y * w + x) * 3, timg_palette[(x / bw + (y / bh) * 4) % 8], 3);
  return p;
}

static uint8_t clamp(double v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5); }

void timg_rgb_to_yuv(const uint8_t c[3], uint8_t *y, uint8_t *u, uint8_t *v) {
  double r = c[0], g = c[1], b = c[2];
  *y = clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  *u = clamp(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255);
  *v = clamp(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
}

static void put16(uint8_t *d, unsigned v8, int big) {
  unsigned v = v8 * 257;
  d[big ? 0 : 1] = (uint8_t)(v >> 8);
  d[big ? 1 : 0] = (uint8_t)v;
}

uint8_t *timg_make_raw(const char *enc, const uint8_t *rgb, uint32_t w, uint32_t h, uint32_t pad, int big,
                       uint32_t *step, size_t *len) {
  struct { const char *name; unsigned bpp; int order[4]; int depth16; } t[] = {
    {"rgb8", 3, {0, 1, 2, -1}, 0},   {"bgr8", 3, {2, 1, 0, -1}, 0},   {"8UC3", 3, {2, 1, 0, -1}, 0},
    {"rgba8", 4, {0, 1, 2, 3}, 0},   {"bgra8", 4, {2, 1, 0, 3}, 0},   {"8UC4", 4, {2, 1, 0, 3}, 0},
    {"rgb16", 6, {0, 1, 2, -1}, 1},  {"bgr16", 6, {2, 1, 0, -1}, 1},  {"rgba16", 8, {0, 1, 2, 3}, 1},
    {"bgra16", 8, {2, 1, 0, 3}, 1},  {"mono8", 1, {0}, 0},            {"8UC1", 1, {0}, 0},
    {"mono16", 2, {0}, 1},           {"16UC1", 2, {0}, 1},
  };
  bool yuv = strcmp(enc, "yuv422") == 0 || strcmp(enc, "uyvy") == 0 || strcmp(enc, "yuyv") == 0 ||
             strcmp(enc, "yuv422_yuy2") == 0;
  unsigned bpp = yuv ? 2 : 0;
  int idx = -1;
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (strcmp(enc, t[i].name) == 0) idx = (int)i, bpp = t[i].bpp;
  CHECK_MSG(bpp > 0, "timg_make_raw: unknown encoding %s", enc);
  *step = w * bpp + pad;
  *len = (size_t)*step * h;
  uint8_t *d = malloc(*len);
  CHECK(d != NULL);
  memset(d, 0xA5, *len);
  for (uint32_t y = 0; y < h; y++) {
    uint8_t *row = d + (size_t)y * *step;
    const uint8_t *src = rgb + (size_t)y * w * 3;
    if (yuv) {
      bool uyvy = strcmp(enc, "yuv422") == 0 || strcmp(enc, "uyvy") == 0;
      for (uint32_t x = 0; x < w; x += 2) {
        uint8_t y0, u, v, y1, u1, v1;
        timg_rgb_to_yuv(src + x * 3, &y0, &u, &v);
        uint8_t *p = row + x * 2;
        if (x + 1 < w) {
          timg_rgb_to_yuv(src + (x + 1) * 3, &y1, &u1, &v1);
          if (uyvy) p[0] = u, p[1] = y0, p[2] = v, p[3] = y1;
          else p[0] = y0, p[1] = u, p[2] = y1, p[3] = v;
        } else { /* lone last pixel: only Y and U fit in the row */
          if (uyvy) p[0] = u, p[1] = y0;
          else p[0] = y0, p[1] = u;
        }
      }
      continue;
    }
    for (uint32_t x = 0; x < w; x++) {
      const uint8_t *c = src + x * 3;
      uint8_t *p = row + (size_t)x * bpp;
      if (bpp <= 2) { /* mono: the colour's green channel stands for the gray level */
        if (t[idx].depth16) put16(p, c[1], big);
        else p[0] = c[1];
        continue;
      }
      unsigned n = t[idx].depth16 ? bpp / 2 : bpp;
      for (unsigned k = 0; k < n; k++) {
        int o = t[idx].order[k];
        unsigned v8 = o < 0 ? 0 : o == 3 ? 77 : c[o];
        if (t[idx].depth16) put16(p + 2 * k, v8, big);
        else p[k] = (uint8_t)v8;
      }
    }
  }
  return d;
}

uint8_t *timg_decode_jpeg(const uint8_t *jpeg, size_t len, int *w, int *h) {
  tjhandle tj = tjInitDecompress();
  CHECK(tj != NULL);
  int ss, cs;
  CHECK_MSG(tjDecompressHeader3(tj, jpeg, (unsigned long)len, w, h, &ss, &cs) == 0, "header: %s", tjGetErrorStr2(tj));
  uint8_t *rgb = malloc((size_t)*w * *h * 3);
  CHECK(rgb != NULL);
  CHECK_MSG(tjDecompress2(tj, jpeg, (unsigned long)len, rgb, *w, 0, *h, TJPF_RGB, 0) == 0, "decode: %s",
            tjGetErrorStr2(tj));
  tjDestroy(tj);
  return rgb;
}

int timg_diff(const uint8_t *rgb, uint32_t w, uint32_t x, uint32_t y, const uint8_t c[3]) {
  const uint8_t *p = rgb + ((size_t)y * w + x) * 3;
  int m = 0;
  for (int k = 0; k < 3; k++) {
    int d = abs((int)p[k] - (int)c[k]);
    if (d > m) m = d;
  }
  return m;
}

uint8_t *timg_jpeg(uint32_t w, uint32_t h, int quality, size_t *len) {
  uint8_t *rgb = timg_grid(w, h, 8, 8);
  image_view v = {.data = rgb, .width = w, .height = h, .stride = (size_t)w * 3, .layout = IMAGE_LAYOUT_RGB8};
  uint8_t *out = NULL;
  image_error e;
  CHECK_MSG(image_jpeg_encode(&v, quality, false, &out, len, &e) == IMAGE_OK, "%s", e.message);
  free(rgb);
  return out;
}

uint8_t *timg_png(uint32_t w, uint32_t h, size_t *len) {
  uint8_t *rgb = timg_grid(w, h, 8, 8);
  image_view v = {.data = rgb, .width = w, .height = h, .stride = (size_t)w * 3, .layout = IMAGE_LAYOUT_RGB8};
  uint8_t *out = NULL;
  image_error e;
  CHECK_MSG(image_png_encode(&v, &out, len, &e) == IMAGE_OK, "%s", e.message);
  free(rgb);
  return out;
}
