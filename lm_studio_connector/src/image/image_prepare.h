/* image_prepare.h: turning what a camera or a client sends into what the LLM server accepts
 * (LMSTUDIO_API.md §7: a JPEG or PNG, longest side kept to about 2048 px).
 *  - image_prepare_raw: a sensor_msgs/Image (image_raw.h) -> JPEG, downscaled to max_size.
 *  - image_prepare_compressed: a sensor_msgs/CompressedImage or a loaded file -> the same bytes
 *    when they are a JPEG or PNG that decodes completely and fits max_size; otherwise decoded,
 *    downscaled and re-encoded as JPEG. The real format is found by magic bytes; the message's
 *    format string ("jpeg", "bgr8; png compressed bgr8", ...) is only quoted in errors.
 * Downscaling keeps the aspect ratio and makes the longest side exactly max_size (area filter).
 * Pure functions; safe from any thread. Output: free with image_encoded_free. */
#ifndef LMS_IMAGE_PREPARE_H
#define LMS_IMAGE_PREPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image_error.h"
#include "image_raw.h"
#include "image_types.h"

#define IMAGE_DEFAULT_MAX_SIZE 2048
#define IMAGE_DEFAULT_QUALITY 85

typedef struct image_options {
  uint32_t max_size;  /* longest side sent; 0: never downscale */
  int quality;        /* JPEG quality 1..100 for what is (re-)encoded */
  bool full_chroma;   /* JPEG chroma at full resolution (4:4:4) instead of 4:2:0 */
} image_options;

/* IMAGE_DEFAULT_MAX_SIZE, IMAGE_DEFAULT_QUALITY, 4:2:0. */
image_options image_options_default(void);

/* Encodes raw as a JPEG (opt NULL: defaults). On success *out owns the JPEG (reencoded true).
 * Returns the codes of image_raw_check, IMAGE_ERR_INVALID_ARGUMENT (out NULL, bad quality),
 * IMAGE_ERR_ENCODE, IMAGE_ERR_TOO_LARGE, IMAGE_ERR_NO_MEMORY. */
image_status image_prepare_raw(const image_raw *raw, const image_options *opt, image_encoded *out, image_error *err)
    IMAGE_WARN_UNUSED;

/* Checks and, where needed, shrinks an encoded image (opt NULL: defaults); format may be NULL.
 * A JPEG or PNG within max_size passes through as a copy (reencoded false), except a CMYK JPEG,
 * which is re-encoded as RGB. On success *out owns the bytes. Returns IMAGE_OK,
 * IMAGE_ERR_INVALID_ARGUMENT, IMAGE_ERR_NOT_AN_IMAGE, IMAGE_ERR_UNSUPPORTED_FORMAT (WebP, GIF),
 * IMAGE_ERR_CORRUPT (truncated or damaged), IMAGE_ERR_TOO_LARGE, IMAGE_ERR_ENCODE,
 * IMAGE_ERR_NO_MEMORY. */
image_status image_prepare_compressed(const char *format, const uint8_t *data, size_t len, const image_options *opt,
                                      image_encoded *out, image_error *err) IMAGE_WARN_UNUSED;

#endif
