/* image_internal.h: helpers shared by the files of src/image/, not part of its interface. */
#ifndef LMS_IMAGE_INTERNAL_H
#define LMS_IMAGE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "image_codec.h"

/* Size of a buffer for image_quote: enough for an encoding name, MIME type or path excerpt. */
#define IMAGE_QUOTE_MAX 160

/* Copies at most len bytes of s (stopping at a NUL) into buf as printable ASCII ('?' for
 * anything else), cut with "..." when it does not fit; returns buf. s may be NULL. */
const char *image_quote(const char *s, size_t len, char *buf, size_t size);

/* IMAGE_OK when a w x h image of format f is within LMS_MAX_IMAGE_SIDE and
 * LMS_MAX_IMAGE_PIXELS; else IMAGE_ERR_CORRUPT (zero size) or IMAGE_ERR_TOO_LARGE. */
image_status image_check_dims(image_format f, uint64_t w, uint64_t h, image_error *err);

/* How far image_png_read goes. */
typedef enum image_png_depth {
  IMAGE_PNG_HEADER = 0,  /* signature and chunks up to the first IDAT (CRCs checked) */
  IMAGE_PNG_VERIFY = 1,  /* every row and the chunks up to IEND, keeping no pixels */
  IMAGE_PNG_DECODE = 2,  /* into *out (gray or RGB, 8 bits) */
} image_png_depth;

/* Reads a PNG (data starts with the PNG signature) to the given depth; fills *info on success
 * and, for IMAGE_PNG_DECODE, *out (caller frees with image_pixels_free). */
image_status image_png_read(const uint8_t *data, size_t len, image_png_depth depth, image_info *info,
                            image_pixels *out, image_error *err);

#endif
