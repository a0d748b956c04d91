/* fuzz_image.c: libFuzzer entry for lms_image. The first byte picks what the rest is:
 *   0  an encoded image (JPEG, PNG, WebP, GIF, or anything): sniff, probe, verify, decode, and
 *      prepare it both as a passthrough and shrunk to 48 px;
 *   1  a data URI: parse it, and base64-decode what follows its comma;
 *   2  a raw sensor_msgs/Image: 7 header bytes (width, height, row padding, encoding, flags,
 *      max size, quality), then the pixel bytes (possibly too few);
 *   3  base64 text: decode it; and encode-then-decode the bytes, which must round-trip;
 *   4  a pixel view to resize: width, height, layout, target width and height, padding, pixels;
 *   5  a raw sensor_msgs/Image exactly as a peer may send it: any 32-bit width, height and
 *      step, an encoding string of up to 31 bytes of the input, big-endian flag, then the data
 *      (any length); converted, viewed directly and prepared as JPEG (shrunk to 32 px);
 *   6  file content checks: the rest is written to a file in a private temporary directory,
 *      loaded with image_file_load (that directory allowed, the size cap from the input, the
 *      file named by a path from the input: '..', '//', links out and odd bytes) and, when it
 *      loads, prepared as the node would before sending it.
 * Decoding is only attempted for images of at most 1 Mpixel by their header, so a tiny input
 * declaring a huge (but allowed) image does not turn into a timeout. Everything is freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image_base64.h"
#include "image/image_codec.h"
#include "image/image_file.h"
#include "image/image_prepare.h"
#include "image/image_raw.h"
#include "image/image_resize.h"

#define DECODE_MAX_PIXELS (1u << 20)

static void fuzz_encoded(const uint8_t *d, size_t n) {
  image_error e;
  (void)image_sniff_mime(d, n);
  image_info info;
  if (image_probe(d, n, &info, &e) != IMAGE_OK) return;
  if ((uint64_t)info.width * info.height > DECODE_MAX_PIXELS) return;
  (void)image_verify(d, n, NULL, &e);
  image_pixels px = {0};
  if (image_decode(d, n, 32, &px, &e) == IMAGE_OK) image_pixels_free(&px);
  image_encoded out = {0};
  image_options opt = {.max_size = 0, .quality = 75};
  if (image_prepare_compressed("jpeg", d, n, &opt, &out, &e) == IMAGE_OK) image_encoded_free(&out);
  opt.max_size = 48;
  if (image_prepare_compressed(NULL, d, n, &opt, &out, &e) == IMAGE_OK) image_encoded_free(&out);
}

static void fuzz_uri(const uint8_t *d, size_t n) {
  image_encoded out = {0};
  image_error e;
  if (image_data_uri_parse((const char *)d, n, &out, &e) == IMAGE_OK) image_encoded_free(&out);
  const uint8_t *comma = memchr(d, ',', n);
  if (comma) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    size_t rest = n - (size_t)(comma + 1 - d);
    if (image_base64_decode((const char *)comma + 1, rest, 1 << 20, &bytes, &len, &e) == IMAGE_OK) free(bytes);
  }
}

static const char *const encodings[] = {
  "rgb8", "bgr8", "rgba8", "bgra8", "mono8", "mono16", "rgb16", "bgr16", "rgba16", "bgra16", "8UC1", "8UC3",
  "8UC4", "16UC1", "yuv422", "uyvy", "yuv422_yuy2", "yuyv", "bayer_rggb8", "", "RGB8",
};

static void fuzz_raw(const uint8_t *d, size_t n) {
  if (n < 7) return;
  uint32_t w = d[0] % 64 + 1, h = d[1] % 64 + 1, pad = d[2] % 8;
  const char *enc = encodings[d[3] % (sizeof encodings / sizeof encodings[0])];
  bool big = d[4] & 1, full = (d[4] >> 1) & 1;
  image_options opt = {.max_size = d[5] % 64, .quality = d[6] % 100 + 1, .full_chroma = full};
  /* Bytes per pixel are not known here for an unknown encoding: let the library check the step. */
  uint32_t bpp = (d[4] >> 2) % 9;
  image_raw raw = {.width = w, .height = h, .step = w * bpp + pad, .encoding = enc, .is_bigendian = big,
                   .data = d + 7, .data_len = n - 7};
  image_error e;
  image_pixels px = {0};
  if (image_raw_to_pixels(&raw, &px, &e) == IMAGE_OK) image_pixels_free(&px);
  image_encoded out = {0};
  if (image_prepare_raw(&raw, &opt, &out, &e) == IMAGE_OK) image_encoded_free(&out);
}

static void fuzz_base64(const uint8_t *d, size_t n) {
  image_error e;
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (image_base64_decode((const char *)d, n, 1 << 20, &bytes, &len, &e) == IMAGE_OK) free(bytes);
  char *text = NULL;
  size_t tlen = 0;
  if (image_base64_encode(d, n, &text, &tlen, &e) != IMAGE_OK) return;
  if (image_base64_decode(text, tlen, n, &bytes, &len, &e) != IMAGE_OK || len != n || (n && memcmp(bytes, d, n) != 0))
    abort(); /* encode then decode must give the input back */
  free(bytes);
  free(text);
}

static void fuzz_resize(const uint8_t *d, size_t n) {
  if (n < 6) return;
  image_layout layout = (image_layout)(d[2] % 5 + 1);
  uint32_t w = d[0] % 48 + 1, h = d[1] % 48 + 1, dw = d[3] % 80 + 1, dh = d[4] % 80 + 1;
  size_t stride = (size_t)w * image_layout_bytes(layout) + d[5] % 4;
  if (n - 6 < stride * h) return;
  image_view v = {.data = d + 6, .width = w, .height = h, .stride = stride, .layout = layout};
  image_pixels px = {0};
  image_error e;
  if (image_resize(&v, dw, dh, &px, &e) == IMAGE_OK) image_pixels_free(&px);
  uint8_t *out = NULL;
  size_t len = 0;
  if (image_jpeg_encode(&v, d[5] % 100 + 1, d[5] & 1, &out, &len, &e) == IMAGE_OK) free(out);
  if (image_png_encode(&v, &out, &len, &e) == IMAGE_OK) free(out);
}

static uint32_t be32(const uint8_t *d) { return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]; }

static void fuzz_raw_any(const uint8_t *d, size_t n) {
  if (n < 14) return;
  char enc[32];
  size_t elen = d[13] % sizeof enc;
  if (n < 14 + elen) return;
  memcpy(enc, d + 14, elen);
  enc[elen] = '\0';
  image_raw raw = {.width = be32(d), .height = be32(d + 4), .step = be32(d + 8), .encoding = enc,
                   .is_bigendian = d[12] & 1, .data = n > 14 + elen ? d + 14 + elen : NULL,
                   .data_len = n - 14 - elen};
  image_error e;
  image_pixels px = {0};
  if (image_raw_to_pixels(&raw, &px, &e) == IMAGE_OK) image_pixels_free(&px);
  image_view v;
  if (image_raw_direct_view(&raw, &v) &&
      v.stride * (v.height - 1) + (size_t)v.width * image_layout_bytes(v.layout) > raw.data_len)
    abort(); /* a direct view never reaches past the data */
  image_encoded out = {0};
  image_options opt = {.max_size = 32, .quality = 50, .full_chroma = d[12] & 2};
  if (image_prepare_raw(&raw, &opt, &out, &e) == IMAGE_OK) image_encoded_free(&out);
}

/* The private directory of mode 6, made once and removed at exit. */
static char file_dir[64];

static void remove_file_dir(void) {
  char p[128];
  snprintf(p, sizeof p, "%s/img.jpg", file_dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/out", file_dir);
  unlink(p);
  rmdir(file_dir);
}

static void fuzz_file(const uint8_t *d, size_t n) {
  if (n < 2) return;
  if (!file_dir[0]) {
    snprintf(file_dir, sizeof file_dir, "/tmp/fuzz_image_XXXXXX");
    if (!mkdtemp(file_dir)) abort();
    char link[128];
    snprintf(link, sizeof link, "%s/out", file_dir);
    if (symlink("/etc/passwd", link) != 0) abort(); /* a link leading outside */
    atexit(remove_file_dir);
  }
  size_t max = (size_t)d[0] * 64; /* 0: the default cap */
  size_t plen = d[1] % 24;
  if (n < 2 + plen) return;
  char path[128];
  int k = snprintf(path, sizeof path, "%s/", file_dir);
  for (size_t i = 0; i < plen; i++) path[k + (int)i] = d[2 + i] ? (char)d[2 + i] : 'x';
  path[k + (int)plen] = '\0';
  if (plen == 0) snprintf(path, sizeof path, "%s/img.jpg", file_dir);
  char file[128];
  snprintf(file, sizeof file, "%s/img.jpg", file_dir);
  FILE *f = fopen(file, "wb");
  if (!f) abort();
  fwrite(d + 2 + plen, 1, n - 2 - plen, f);
  fclose(f);
  const char *dirs[] = {file_dir};
  uint8_t *bytes = NULL;
  size_t len = 0;
  const char *mime = NULL;
  image_error e;
  if (image_file_load(path, dirs, 1, max, &bytes, &len, &mime, &e) != IMAGE_OK) return;
  image_info info;
  /* What loads is an image by magic and header, never anything else. */
  if (!mime || image_probe(bytes, len, &info, &e) != IMAGE_OK) abort();
  if ((uint64_t)info.width * info.height <= DECODE_MAX_PIXELS) {
    image_encoded out = {0};
    image_options opt = {.max_size = 48, .quality = 75};
    if (image_prepare_compressed(NULL, bytes, len, &opt, &out, &e) == IMAGE_OK) image_encoded_free(&out);
  }
  free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const uint8_t *d = data + 1;
  size_t n = size - 1;
  switch (data[0] % 7) {
    case 0: fuzz_encoded(d, n); break;
    case 1: fuzz_uri(d, n); break;
    case 2: fuzz_raw(d, n); break;
    case 3: fuzz_base64(d, n); break;
    case 4: fuzz_resize(d, n); break;
    case 5: fuzz_raw_any(d, n); break;
    case 6: fuzz_file(d, n); break;
  }
  return 0;
}
