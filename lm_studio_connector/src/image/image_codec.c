/* image_codec.c: JPEG through TurboJPEG, the probe/verify/decode entry points for every format,
 * and the header checks of WebP and GIF (see image_codec.h). PNG work is in image_png.c.
 * Each call creates and destroys its own TurboJPEG handle, so calls never share state.
 * Dimensions are checked from the header before any pixel buffer is allocated. */
#include "image_codec.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "common/limits.h"
#include "image_internal.h"

image_status image_check_dims(image_format f, uint64_t w, uint64_t h, image_error *err) {
  if (w == 0 || h == 0)
    return image_error_set(err, IMAGE_ERR_CORRUPT, "%s header gives a size of %llux%llu", image_format_name(f),
                           (unsigned long long)w, (unsigned long long)h);
  if (w > LMS_MAX_IMAGE_SIDE || h > LMS_MAX_IMAGE_SIDE || w * h > LMS_MAX_IMAGE_PIXELS)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE,
                           "%s is %llux%llu: at most %u pixels a side and %u pixels in all are accepted",
                           image_format_name(f), (unsigned long long)w, (unsigned long long)h,
                           (unsigned)LMS_MAX_IMAGE_SIDE, (unsigned)LMS_MAX_IMAGE_PIXELS);
  return IMAGE_OK;
}

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le24(const uint8_t *p) { return le16(p) | (uint32_t)p[2] << 16; }
static uint32_t le32(const uint8_t *p) { return le24(p) | (uint32_t)p[3] << 24; }

/* ---- JPEG ---- */

/* A TurboJPEG failure as an image_status: warnings other than extraneous bytes are errors. */
static image_status jpeg_failure(tjhandle tj, const char *what, image_error *err) {
  const char *msg = tjGetErrorStr2(tj);
  if (!msg) msg = "unknown error";
  /* libjpeg says "Unsupported ..." for valid files it cannot read (12-bit, lossless). */
  image_status code = strstr(msg, "Unsupported") ? IMAGE_ERR_UNSUPPORTED_FORMAT : IMAGE_ERR_CORRUPT;
  return image_error_set(err, code, "JPEG %s: %s", what, msg);
}

static bool jpeg_tolerable_warning(tjhandle tj) {
  const char *msg = tjGetErrorStr2(tj);
  return tjGetErrorCode(tj) == TJERR_WARNING && msg && strstr(msg, "extraneous bytes before marker");
}

static image_status jpeg_header(tjhandle tj, const uint8_t *data, size_t len, image_info *info, int *cs,
                                image_error *err) {
  int w = 0, h = 0, subsamp = 0;
  if (tjDecompressHeader3(tj, data, (unsigned long)len, &w, &h, &subsamp, cs) != 0)
    return jpeg_failure(tj, "header does not decode", err);
  image_status st = image_check_dims(IMAGE_FORMAT_JPEG, (uint64_t)w, (uint64_t)h, err);
  if (st != IMAGE_OK) return st;
  info->format = IMAGE_FORMAT_JPEG;
  info->width = (uint32_t)w;
  info->height = (uint32_t)h;
  info->cmyk = *cs == TJCS_CMYK || *cs == TJCS_YCCK;
  return IMAGE_OK;
}

/* The smallest DCT scaling factor whose result keeps the longest side >= min_longest. */
static tjscalingfactor jpeg_scale(uint32_t w, uint32_t h, uint32_t min_longest) {
  tjscalingfactor best = {1, 1};
  int n = 0;
  tjscalingfactor *f = tjGetScalingFactors(&n);
  if (!f || min_longest == 0) return best;
  int longest = (int)(w > h ? w : h);
  for (int i = 0; i < n; i++) {
    if (f[i].num > f[i].denom) continue; /* never upscale */
    int s = TJSCALED(longest, f[i]);
    if (s >= (int)min_longest && s < TJSCALED(longest, best)) best = f[i];
  }
  return best;
}

/* Adobe-style (inverted) CMYK to RGB, in place from 4 to 3 bytes per pixel. */
static void cmyk_to_rgb(uint8_t *px, size_t n) {
  const uint8_t *s = px;
  uint8_t *d = px;
  for (size_t i = 0; i < n; i++, s += 4, d += 3) {
    unsigned k = s[3];
    uint8_t r = (uint8_t)((s[0] * k + 127) / 255), g = (uint8_t)((s[1] * k + 127) / 255),
            b = (uint8_t)((s[2] * k + 127) / 255);
    d[0] = r;
    d[1] = g;
    d[2] = b;
  }
}

/* Decodes the JPEG, at the smallest DCT scale that keeps min_longest (keep == NULL: at 1/8
 * into scratch that is thrown away, which still reads every entropy-coded byte). */
static image_status jpeg_decode(const uint8_t *data, size_t len, uint32_t min_longest, image_info *info,
                                image_pixels *keep, image_error *err) {
  tjhandle tj = tjInitDecompress();
  if (!tj) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a JPEG decoder");
  int cs = 0;
  image_status st = jpeg_header(tj, data, len, info, &cs, err);
  if (st != IMAGE_OK) {
    tjDestroy(tj);
    return st;
  }
  tjscalingfactor sf = jpeg_scale(info->width, info->height, keep ? min_longest : 1);
  int w = TJSCALED((int)info->width, sf), h = TJSCALED((int)info->height, sf);
  int pf = info->cmyk ? TJPF_CMYK : cs == TJCS_GRAY || !keep ? TJPF_GRAY : TJPF_RGB;
  size_t bpp = (size_t)tjPixelSize[pf];
  uint8_t *px = malloc((size_t)w * h * bpp);
  if (!px) {
    tjDestroy(tj);
    return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory to decode a %dx%d JPEG", w, h);
  }
  int flags = TJFLAG_LIMITSCANS | (keep ? 0 : TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE);
  if (tjDecompress2(tj, data, (unsigned long)len, px, w, 0, h, pf, flags) != 0 && !jpeg_tolerable_warning(tj)) {
    st = jpeg_failure(tj, "does not decode", err);
    free(px);
    tjDestroy(tj);
    return st;
  }
  tjDestroy(tj);
  if (!keep) {
    free(px);
    return IMAGE_OK;
  }
  if (info->cmyk) cmyk_to_rgb(px, (size_t)w * h); /* leaves the tail of the buffer unused */
  keep->data = px;
  keep->width = (uint32_t)w;
  keep->height = (uint32_t)h;
  keep->channels = pf == TJPF_GRAY ? 1 : 3;
  return IMAGE_OK;
}

/* ---- WebP and GIF: header fields only ---- */

static image_status webp_header(const uint8_t *p, size_t len, image_info *info, image_error *err) {
  if (len < 30) return image_error_set(err, IMAGE_ERR_CORRUPT, "WebP is truncated: %zu bytes, header needs 30", len);
  uint64_t riff = (uint64_t)le32(p + 4) + 8;
  if (riff > len)
    return image_error_set(err, IMAGE_ERR_CORRUPT, "WebP is truncated: RIFF header says %llu bytes, have %zu",
                           (unsigned long long)riff, len);
  uint32_t w, h;
  if (memcmp(p + 12, "VP8 ", 4) == 0) {
    if (p[23] != 0x9d || p[24] != 0x01 || p[25] != 0x2a)
      return image_error_set(err, IMAGE_ERR_CORRUPT, "WebP VP8 frame has no start code");
    w = le16(p + 26) & 0x3fff;
    h = le16(p + 28) & 0x3fff;
  } else if (memcmp(p + 12, "VP8L", 4) == 0) {
    if (p[20] != 0x2f) return image_error_set(err, IMAGE_ERR_CORRUPT, "WebP VP8L stream has no signature");
    uint32_t bits = le32(p + 21);
    w = (bits & 0x3fff) + 1;
    h = ((bits >> 14) & 0x3fff) + 1;
  } else if (memcmp(p + 12, "VP8X", 4) == 0) {
    w = le24(p + 24) + 1;
    h = le24(p + 27) + 1;
  } else {
    return image_error_set(err, IMAGE_ERR_CORRUPT, "WebP has no VP8, VP8L or VP8X chunk first");
  }
  image_status st = image_check_dims(IMAGE_FORMAT_WEBP, w, h, err);
  if (st != IMAGE_OK) return st;
  *info = (image_info){.format = IMAGE_FORMAT_WEBP, .width = w, .height = h};
  return IMAGE_OK;
}

static image_status gif_header(const uint8_t *p, size_t len, image_info *info, image_error *err) {
  if (len < 13) return image_error_set(err, IMAGE_ERR_CORRUPT, "GIF is truncated: %zu bytes, header needs 13", len);
  uint32_t w = le16(p + 6), h = le16(p + 8);
  image_status st = image_check_dims(IMAGE_FORMAT_GIF, w, h, err);
  if (st != IMAGE_OK) return st;
  *info = (image_info){.format = IMAGE_FORMAT_GIF, .width = w, .height = h};
  return IMAGE_OK;
}

/* ---- entry points ---- */

static image_status check_input(const uint8_t *data, size_t len, image_format *f, image_error *err) {
  if (!data && len > 0) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "image data is NULL");
  if (len > LMS_MAX_IMAGE_ENCODED_BYTES)
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "encoded image is %zu bytes, more than the limit of %u", len,
                           (unsigned)LMS_MAX_IMAGE_ENCODED_BYTES);
  *f = image_sniff(data, len);
  if (*f == IMAGE_FORMAT_NONE) {
    if (len == 0) return image_error_set(err, IMAGE_ERR_NOT_AN_IMAGE, "image data is empty");
    const uint8_t *p = data;
    return image_error_set(err, IMAGE_ERR_NOT_AN_IMAGE,
                           "data is not a JPEG, PNG, WebP or GIF image (%zu bytes starting %02x %02x %02x %02x)",
                           len, p[0], len > 1 ? p[1] : 0, len > 2 ? p[2] : 0, len > 3 ? p[3] : 0);
  }
  return IMAGE_OK;
}

image_status image_probe(const uint8_t *data, size_t len, image_info *out, image_error *err) {
  image_format f;
  image_status st = check_input(data, len, &f, err);
  if (st != IMAGE_OK) return st;
  image_info info = {0};
  switch (f) {
    case IMAGE_FORMAT_JPEG: {
      tjhandle tj = tjInitDecompress();
      if (!tj) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a JPEG decoder");
      int cs = 0;
      st = jpeg_header(tj, data, len, &info, &cs, err);
      tjDestroy(tj);
      break;
    }
    case IMAGE_FORMAT_PNG: st = image_png_read(data, len, IMAGE_PNG_HEADER, &info, NULL, err); break;
    case IMAGE_FORMAT_WEBP: st = webp_header(data, len, &info, err); break;
    case IMAGE_FORMAT_GIF: st = gif_header(data, len, &info, err); break;
    case IMAGE_FORMAT_NONE: break;
  }
  if (st == IMAGE_OK && out) *out = info;
  return st;
}

static image_status unsupported(image_format f, image_error *err) {
  return image_error_set(err, IMAGE_ERR_UNSUPPORTED_FORMAT,
                         "%s images cannot be decoded here; send JPEG or PNG", image_format_name(f));
}

image_status image_verify(const uint8_t *data, size_t len, image_info *out, image_error *err) {
  image_info info = {0};
  image_status st = image_probe(data, len, &info, err);
  if (st != IMAGE_OK) return st;
  if (info.format == IMAGE_FORMAT_JPEG)
    st = jpeg_decode(data, len, 0, &info, NULL, err);
  else if (info.format == IMAGE_FORMAT_PNG)
    st = image_png_read(data, len, IMAGE_PNG_VERIFY, &info, NULL, err);
  else
    st = unsupported(info.format, err);
  if (st == IMAGE_OK && out) *out = info;
  return st;
}

image_status image_decode(const uint8_t *data, size_t len, uint32_t min_longest, image_pixels *out,
                          image_error *err) {
  if (!out) return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "output is NULL");
  image_format f;
  image_status st = check_input(data, len, &f, err);
  if (st != IMAGE_OK) return st;
  image_info info = {0};
  if (f == IMAGE_FORMAT_JPEG) return jpeg_decode(data, len, min_longest, &info, out, err);
  if (f == IMAGE_FORMAT_PNG) return image_png_read(data, len, IMAGE_PNG_DECODE, &info, out, err);
  st = image_probe(data, len, NULL, err);
  return st != IMAGE_OK ? st : unsupported(f, err);
}

image_status image_jpeg_encode(const image_view *v, int quality, bool full_chroma, uint8_t **out,
                               size_t *out_len, image_error *err) {
  if (!v || !v->data || !out || !out_len)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "image, its data or an output is NULL");
  if (quality < 1 || quality > 100)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "JPEG quality %d is outside 1..100", quality);
  int pf;
  switch (v->layout) {
    case IMAGE_LAYOUT_GRAY8: pf = TJPF_GRAY; break;
    case IMAGE_LAYOUT_RGB8: pf = TJPF_RGB; break;
    case IMAGE_LAYOUT_BGR8: pf = TJPF_BGR; break;
    case IMAGE_LAYOUT_RGBA8: pf = TJPF_RGBX; break;
    case IMAGE_LAYOUT_BGRA8: pf = TJPF_BGRX; break;
    default: return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "unknown pixel layout %d", (int)v->layout);
  }
  if (v->width == 0 || v->height == 0 || v->stride < (size_t)v->width * (size_t)tjPixelSize[pf] ||
      v->stride > INT_MAX)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "invalid %ux%u image with stride %zu", v->width,
                           v->height, v->stride);
  image_status st = image_check_dims(IMAGE_FORMAT_JPEG, v->width, v->height, err);
  if (st != IMAGE_OK) return st;
  int samp = pf == TJPF_GRAY ? TJSAMP_GRAY : full_chroma ? TJSAMP_444 : TJSAMP_420;
  tjhandle tj = tjInitCompress();
  if (!tj) return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a JPEG encoder");
  /* TurboJPEG grows its own buffer (tjAlloc); the result is copied into a malloc'd one so the
   * caller frees it with free() like every other output of this module. */
  unsigned char *jpeg = NULL;
  unsigned long size = 0;
  if (tjCompress2(tj, v->data, (int)v->width, (int)v->stride, (int)v->height, pf, &jpeg, &size, samp, quality,
                  0) != 0) {
    const char *msg = tjGetErrorStr2(tj);
    st = image_error_set(err, IMAGE_ERR_ENCODE, "JPEG encoding of %ux%u failed: %s", v->width, v->height,
                         msg ? msg : "unknown error");
  } else if (size > LMS_MAX_IMAGE_ENCODED_BYTES) {
    st = image_error_set(err, IMAGE_ERR_TOO_LARGE, "JPEG of %ux%u is %lu bytes, more than the limit of %u", v->width,
                         v->height, size, (unsigned)LMS_MAX_IMAGE_ENCODED_BYTES);
  } else {
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) {
      st = image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a %lu-byte JPEG", size);
    } else {
      memcpy(copy, jpeg, size);
      *out = copy;
      *out_len = size;
    }
  }
  tjFree(jpeg);
  tjDestroy(tj);
  return st;
}
