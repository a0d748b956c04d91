/* image_codec.h: JPEG (TurboJPEG) and PNG (libpng) encoding, decoding and checking, plus
 * header checks for WebP and GIF, which are recognised but never decoded here.
 * Three depths of checking an encoded image:
 *   image_probe   magic bytes and header (TurboJPEG header / PNG chunks up to IDAT / WebP and
 *                 GIF size fields): cheap, catches non-images, lies and bombs;
 *   image_verify  probe, then a full decode that keeps no pixels (JPEG at 1/8 scale, PNG row by
 *                 row): also catches truncated or damaged data;
 *   image_decode  decode into pixels.
 * JPEG warnings: a truncated JPEG ("Premature end of JPEG file") or damaged entropy data is
 * an error; only the harmless "extraneous bytes before marker" that many MJPEG cameras
 * produce is tolerated. Sizes are bounded by LMS_MAX_IMAGE_SIDE, LMS_MAX_IMAGE_PIXELS and
 * LMS_MAX_IMAGE_ENCODED_BYTES (checked from the header, before any pixel memory is taken).
 * No global state (each call has its own codec handles); safe from any thread. */
#ifndef LMS_IMAGE_CODEC_H
#define LMS_IMAGE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image_error.h"
#include "image_types.h"

typedef struct image_info {
  image_format format;
  uint32_t width, height;
  bool cmyk;              /* a CMYK/YCCK JPEG: decodable, but better re-encoded as RGB */
} image_info;

/* Identifies data by magic and checks its header. On success fills *out (may be NULL).
 * Returns IMAGE_OK, IMAGE_ERR_INVALID_ARGUMENT (data NULL with len > 0), IMAGE_ERR_NOT_AN_IMAGE,
 * IMAGE_ERR_CORRUPT (header does not decode), IMAGE_ERR_TOO_LARGE (len or dimensions). */
image_status image_probe(const uint8_t *data, size_t len, image_info *out, image_error *err)
    IMAGE_WARN_UNUSED;

/* image_probe, then (JPEG and PNG) a full decode that keeps no pixels. Returns the codes of
 * image_probe, IMAGE_ERR_UNSUPPORTED_FORMAT for WebP and GIF (cannot be decoded here),
 * IMAGE_ERR_NO_MEMORY. */
image_status image_verify(const uint8_t *data, size_t len, image_info *out, image_error *err)
    IMAGE_WARN_UNUSED;

/* Decodes a JPEG or PNG into new packed pixels: 1 channel for gray images, else RGB (PNG alpha
 * is dropped, 16-bit samples are scaled, palettes expanded; CMYK JPEGs are converted).
 * min_longest > 0 lets a JPEG decode at a reduced DCT scale (1/8 .. 7/8) as long as its longest
 * side stays >= min_longest; 0 decodes at full size (PNG always does). On success *out owns the
 * pixels: free with image_pixels_free. Returns the codes of image_verify. */
image_status image_decode(const uint8_t *data, size_t len, uint32_t min_longest, image_pixels *out,
                          image_error *err) IMAGE_WARN_UNUSED;

/* Encodes pixels as a baseline JPEG of quality 1..100. Chroma is subsampled 4:2:0, or kept at
 * full resolution (4:4:4) when full_chroma; gray views give a gray JPEG. On success *out is a
 * malloc'd buffer of *out_len bytes the caller frees with free(). Returns IMAGE_OK,
 * IMAGE_ERR_INVALID_ARGUMENT (NULL pointer, bad quality, layout, size or stride),
 * IMAGE_ERR_TOO_LARGE, IMAGE_ERR_ENCODE, IMAGE_ERR_NO_MEMORY. */
image_status image_jpeg_encode(const image_view *v, int quality, bool full_chroma, uint8_t **out,
                               size_t *out_len, image_error *err) IMAGE_WARN_UNUSED;

/* Encodes pixels as an 8-bit PNG (gray or RGB; alpha of RGBA/BGRA views is dropped).
 * Ownership and return codes as image_jpeg_encode. */
image_status image_png_encode(const image_view *v, uint8_t **out, size_t *out_len, image_error *err)
    IMAGE_WARN_UNUSED;

#endif
