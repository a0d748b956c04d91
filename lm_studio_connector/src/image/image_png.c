/* image_png.c: PNG reading (header, verify, decode) and writing with libpng, from and to
 * memory. libpng reports errors by longjmp: each setjmp sits in a small function whose state
 * lives in a struct owned by its caller, so nothing the caller needs is an indeterminate local
 * after the jump, and everything allocated is freed on every path. libpng never prints: its
 * warnings are ignored and its errors become the image_error message.
 * No global state; safe from any thread. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dynbuf.h"
#include "common/limits.h"
#include "image_internal.h"

typedef struct png_reader {
  const uint8_t *data;
  size_t len, pos;
  image_png_depth depth;
  char msg[200];         /* libpng's error message */
  bool no_memory;
  bool too_large;        /* stopped after IHDR: the dimensions are over the limits */
  uint32_t width, height;
  unsigned channels;
  uint8_t *pixels;       /* DECODE: the image; owned here until handed out */
  uint8_t *row;          /* VERIFY: one row of scratch */
} png_reader;

static void on_error(png_structp png, png_const_charp msg) {
  char *dst = png_get_error_ptr(png);
  snprintf(dst, 200, "%s", msg ? msg : "libpng error");
  png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

static void on_read(png_structp png, png_bytep out, size_t n) {
  png_reader *r = png_get_io_ptr(png);
  if (n > r->len - r->pos) png_error(png, "the data ends early (truncated PNG)");
  memcpy(out, r->data + r->pos, n);
  r->pos += n;
}

static void read_all(png_structp png, png_infop info, png_reader *r) {
  png_read_info(png, info);
  png_uint_32 w = 0, h = 0;
  int bit_depth, color_type, interlace;
  png_get_IHDR(png, info, &w, &h, &bit_depth, &color_type, &interlace, NULL, NULL);
  r->width = w;
  r->height = h;
  if (w > LMS_MAX_IMAGE_SIDE || h > LMS_MAX_IMAGE_SIDE || (uint64_t)w * h > LMS_MAX_IMAGE_PIXELS) {
    r->too_large = true;
    return;
  }
  if (r->depth == IMAGE_PNG_HEADER) return;
  png_set_expand(png);      /* palette -> RGB, gray < 8 bits -> 8 bits, tRNS -> alpha */
  png_set_scale_16(png);
  png_set_strip_alpha(png);
  int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  r->channels = png_get_channels(png, info);
  size_t rowbytes = png_get_rowbytes(png, info);
  if ((r->channels != 1 && r->channels != 3) || rowbytes != (size_t)w * r->channels)
    png_error(png, "unexpected pixel layout after conversion");
  uint8_t *buf = malloc(r->depth == IMAGE_PNG_VERIFY ? rowbytes : rowbytes * h);
  if (!buf) {
    r->no_memory = true;
    png_error(png, "out of memory");
  }
  if (r->depth == IMAGE_PNG_VERIFY)
    r->row = buf;
  else
    r->pixels = buf;
  for (int p = 0; p < passes; p++)
    for (png_uint_32 y = 0; y < h; y++)
      png_read_row(png, r->depth == IMAGE_PNG_VERIFY ? buf : buf + (size_t)y * rowbytes, NULL);
  png_read_end(png, NULL);
}

/* The only frame that calls setjmp: returns 0 when read_all ran to its end. */
static int run_read(png_structp png, png_infop info, png_reader *r) {
  if (setjmp(png_jmpbuf(png))) return -1;
  read_all(png, info, r);
  return 0;
}

image_status image_png_read(const uint8_t *data, size_t len, image_png_depth depth, image_info *info,
                            image_pixels *out, image_error *err) {
  png_reader r = {.data = data, .len = len, .depth = depth};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, r.msg, on_error, on_warning);
  png_infop pinfo = png ? png_create_info_struct(png) : NULL;
  if (!pinfo) {
    png_destroy_read_struct(&png, NULL, NULL);
    return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a PNG decoder");
  }
  png_set_read_fn(png, &r, on_read);
  int rc = run_read(png, pinfo, &r);
  png_destroy_read_struct(&png, &pinfo, NULL);
  char q[IMAGE_QUOTE_MAX];
  free(r.row);
  image_status st = IMAGE_OK;
  if (rc != 0) {
    st = r.no_memory ? image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory to decode a %ux%u PNG", r.width, r.height)
                     : image_error_set(err, IMAGE_ERR_CORRUPT, "PNG does not decode: %s",
                                       image_quote(r.msg, sizeof r.msg, q, sizeof q));
  } else if (r.too_large) {
    st = image_check_dims(IMAGE_FORMAT_PNG, r.width, r.height, err);
  }
  if (st != IMAGE_OK) {
    free(r.pixels);
    return st;
  }
  if (info) {
    info->format = IMAGE_FORMAT_PNG;
    info->width = r.width;
    info->height = r.height;
    info->cmyk = false;
  }
  if (depth == IMAGE_PNG_DECODE) {
    out->data = r.pixels;
    out->width = r.width;
    out->height = r.height;
    out->channels = r.channels;
  }
  return IMAGE_OK;
}

typedef struct png_writer {
  dynbuf buf;
  char msg[200];
  bool too_large;
  const image_view *v;
} png_writer;

static void on_write(png_structp png, png_bytep p, size_t n) {
  png_writer *w = png_get_io_ptr(png);
  if (!dynbuf_append(&w->buf, p, n)) {
    w->too_large = w->buf.len + n > w->buf.max;
    png_error(png, w->too_large ? "output over the size limit" : "out of memory");
  }
}

static void on_flush(png_structp png) { (void)png; }

static void write_all(png_structp png, png_infop info, png_writer *w) {
  const image_view *v = w->v;
  bool gray = v->layout == IMAGE_LAYOUT_GRAY8;
  png_set_IHDR(png, info, v->width, v->height, 8, gray ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 6);
  png_write_info(png, info);
  if (v->layout == IMAGE_LAYOUT_BGR8 || v->layout == IMAGE_LAYOUT_BGRA8) png_set_bgr(png);
  if (v->layout == IMAGE_LAYOUT_RGBA8 || v->layout == IMAGE_LAYOUT_BGRA8) png_set_filler(png, 0, PNG_FILLER_AFTER);
  for (uint32_t y = 0; y < v->height; y++) png_write_row(png, v->data + (size_t)y * v->stride);
  png_write_end(png, NULL);
}

static int run_write(png_structp png, png_infop info, png_writer *w) {
  if (setjmp(png_jmpbuf(png))) return -1;
  write_all(png, info, w);
  return 0;
}

image_status image_png_encode(const image_view *v, uint8_t **out, size_t *out_len, image_error *err) {
  if (!v || !v->data || !out || !out_len)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "image, its data or an output is NULL");
  unsigned bpp = image_layout_bytes(v->layout);
  if (bpp == 0 || v->width == 0 || v->height == 0 || v->stride < (size_t)v->width * bpp)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "invalid %ux%u image (layout %d, stride %zu)",
                           v->width, v->height, (int)v->layout, v->stride);
  image_status st = image_check_dims(IMAGE_FORMAT_PNG, v->width, v->height, err);
  if (st != IMAGE_OK) return st;
  png_writer w = {.v = v};
  dynbuf_init(&w.buf, LMS_MAX_IMAGE_ENCODED_BYTES);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, w.msg, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a PNG encoder");
  }
  png_set_write_fn(png, &w, on_write, on_flush);
  int rc = run_write(png, info, &w);
  png_destroy_write_struct(&png, &info);
  if (rc != 0) {
    dynbuf_free(&w.buf);
    if (w.too_large)
      return image_error_set(err, IMAGE_ERR_TOO_LARGE, "PNG of %ux%u would exceed %u bytes", v->width, v->height,
                             (unsigned)LMS_MAX_IMAGE_ENCODED_BYTES);
    return image_error_set(err, IMAGE_ERR_ENCODE, "PNG encoding failed: %s", w.msg);
  }
  size_t n = w.buf.len;
  char *bytes = dynbuf_take(&w.buf);
  if (!bytes) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for the PNG");
  *out = (uint8_t *)bytes;
  *out_len = n;
  return IMAGE_OK;
}
