/* image_prepare.c: the paths from camera or client images to what the LLM server gets
 * (see image_prepare.h). 8-bit raw images in a layout TurboJPEG reads (rgb, bgr, rgba, bgra,
 * mono) are encoded, or resized, straight from the message bytes with their row step: no
 * full-size copy. Other encodings are converted once. JPEGs that need shrinking are decoded at
 * a reduced DCT scale first when that still leaves at least max_size pixels.
 * Pure functions; safe from any thread. */
#include "image_prepare.h"

#include <stdlib.h>
#include <string.h>

#include "image_codec.h"
#include "image_internal.h"
#include "image_resize.h"

image_options image_options_default(void) {
  image_options o = {.max_size = IMAGE_DEFAULT_MAX_SIZE, .quality = IMAGE_DEFAULT_QUALITY, .full_chroma = false};
  return o;
}

/* Encodes v as JPEG at w x h (resized first when v has another size) into *out. */
static image_status encode_at(const image_view *v, uint32_t w, uint32_t h, const image_options *opt,
                              image_encoded *out, image_error *err) {
  image_pixels small = {0};
  image_view src = *v;
  if (w != v->width || h != v->height) {
    image_status st = image_resize(v, w, h, &small, err);
    if (st != IMAGE_OK) return st;
    src = image_pixels_view(&small);
  }
  uint8_t *jpeg = NULL;
  size_t n = 0;
  image_status st = image_jpeg_encode(&src, opt->quality, opt->full_chroma, &jpeg, &n, err);
  image_pixels_free(&small);
  if (st != IMAGE_OK) return st;
  *out = (image_encoded){.data = jpeg, .len = n, .format = IMAGE_FORMAT_JPEG, .mime = "image/jpeg",
                         .width = w, .height = h, .reencoded = true};
  return IMAGE_OK;
}

/* Resizes v to fit opt->max_size when needed, then encodes as JPEG into *out. */
static image_status fit_and_encode(const image_view *v, const image_options *opt, image_encoded *out, image_error *err) {
  uint32_t w, h;
  image_fit_size(v->width, v->height, opt->max_size, &w, &h);
  return encode_at(v, w, h, opt, out, err);
}

static image_status check_options(const image_options *opt, image_error *err) {
  if (opt->quality < 1 || opt->quality > 100)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "JPEG quality %d is outside 1..100", opt->quality);
  return IMAGE_OK;
}

image_status image_prepare_raw(const image_raw *raw, const image_options *opt, image_encoded *out, image_error *err) {
  image_options def = image_options_default();
  if (!opt) opt = &def;
  if (!out) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "output is NULL");
  image_status st = check_options(opt, err);
  if (st != IMAGE_OK) return st;
  image_view v;
  if (image_raw_direct_view(raw, &v)) return fit_and_encode(&v, opt, out, err);
  image_pixels px = {0};
  st = image_raw_to_pixels(raw, &px, err); /* checks raw, as image_raw_direct_view did */
  if (st != IMAGE_OK) return st;
  v = image_pixels_view(&px);
  st = fit_and_encode(&v, opt, out, err);
  image_pixels_free(&px);
  return st;
}

/* Sets err to "compressed image (format 'x'): <inner message>". */
static image_status with_format(const char *format, const image_error *inner, image_error *err) {
  char q[IMAGE_QUOTE_MAX];
  if (!format) return image_error_set(err, inner->code, "compressed image: %s", inner->message);
  return image_error_set(err, inner->code, "compressed image (format '%s'): %s", image_quote(format, 64, q, sizeof q),
                         inner->message);
}

image_status image_prepare_compressed(const char *format, const uint8_t *data, size_t len, const image_options *opt,
                                      image_encoded *out, image_error *err) {
  image_options def = image_options_default();
  if (!opt) opt = &def;
  if (!out || (!data && len > 0)) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "data or output is NULL");
  image_error inner;
  image_error_clear(&inner);
  image_info info;
  image_status st = check_options(opt, err);
  if (st != IMAGE_OK) return st;
  if ((st = image_probe(data, len, &info, &inner)) != IMAGE_OK) return with_format(format, &inner, err);
  if (info.format != IMAGE_FORMAT_JPEG && info.format != IMAGE_FORMAT_PNG) {
    image_error_set(&inner, IMAGE_ERR_UNSUPPORTED_FORMAT, "the data is a %s image; only JPEG and PNG are supported",
                    image_format_name(info.format));
    return with_format(format, &inner, err);
  }
  uint32_t w, h;
  image_fit_size(info.width, info.height, opt->max_size, &w, &h);
  if (w == info.width && h == info.height && !info.cmyk) {
    if ((st = image_verify(data, len, NULL, &inner)) != IMAGE_OK) return with_format(format, &inner, err);
    uint8_t *copy = malloc(len);
    if (!copy) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a %zu-byte image", len);
    memcpy(copy, data, len);
    *out = (image_encoded){.data = copy, .len = len, .format = info.format, .mime = image_format_mime(info.format),
                           .width = info.width, .height = info.height, .reencoded = false};
    return IMAGE_OK;
  }
  image_pixels px = {0};
  if ((st = image_decode(data, len, w > h ? w : h, &px, &inner)) != IMAGE_OK) return with_format(format, &inner, err);
  image_view v = image_pixels_view(&px);
  /* The original's fitted size: a DCT-scaled decode may differ from it by rounding. */
  st = encode_at(&v, w, h, opt, out, err);
  image_pixels_free(&px);
  return st;
}
