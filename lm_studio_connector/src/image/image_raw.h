/* image_raw.h: raw camera images as sensor_msgs/Image describes them, turned into 8-bit gray
 * or RGB pixels. Knows nothing of DDS: the caller fills an image_raw from the message.
 *
 * Encodings (names compared ignoring case; aliases as ROS image_encodings defines them):
 *   rgb8 bgr8 rgba8 bgra8 mono8            8 bits per channel (alpha is dropped)
 *   rgb16 bgr16 rgba16 bgra16 mono16       16 bits, byte order per is_bigendian, scaled to 8 bits
 *   8UC1 = mono8, 16UC1 = mono16, 8UC3 = bgr8, 8UC4 = bgra8 (OpenCV's channel order, which is
 *     how cv_bridge lays out 3- and 4-channel images without a colour encoding)
 *   yuv422 = uyvy (U Y0 V Y1), yuv422_yuy2 = yuyv (Y0 U Y1 V): 4:2:2, 2 bytes per pixel, BT.601
 *     limited range (Y 16..235). With an odd width the last pixel has no V sample of its own in
 *     the row; it takes the V of the pair before it (128 when the row is one pixel wide).
 * Mono encodings give 1 channel, all others 3 (R, G, B in that order).
 * Checks: width, height >= 1 and <= LMS_MAX_IMAGE_SIDE, width * height <= LMS_MAX_IMAGE_PIXELS,
 * step >= width * bytes per pixel (row padding is skipped), step * height <=
 * LMS_MAX_IMAGE_RAW_BYTES, data_len >= step * height. Nothing is allocated before all pass.
 * Pure functions; safe from any thread. */
#ifndef LMS_IMAGE_RAW_H
#define LMS_IMAGE_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image_error.h"
#include "image_types.h"

typedef struct image_raw {
  uint32_t width, height;
  uint32_t step;          /* bytes from one row to the next */
  const char *encoding;   /* "rgb8", "bgr8", ... */
  bool is_bigendian;      /* byte order of 16-bit samples; ignored for 8-bit encodings */
  const uint8_t *data;    /* borrowed; may be NULL only when data_len is 0 */
  size_t data_len;
} image_raw;

/* Validates raw as described above. Returns IMAGE_OK, IMAGE_ERR_INVALID_ARGUMENT (raw,
 * encoding NULL, or data NULL with data_len > 0), IMAGE_ERR_UNSUPPORTED_ENCODING (the message
 * lists the supported encodings), IMAGE_ERR_BAD_GEOMETRY, IMAGE_ERR_TOO_LARGE or
 * IMAGE_ERR_SHORT_DATA. */
image_status image_raw_check(const image_raw *raw, image_error *err) IMAGE_WARN_UNUSED;

/* Converts raw into new packed pixels (1 channel for mono encodings, else RGB). On success
 * *out owns malloc'd pixels: free with image_pixels_free. Returns the codes of image_raw_check,
 * or IMAGE_ERR_NO_MEMORY. */
image_status image_raw_to_pixels(const image_raw *raw, image_pixels *out, image_error *err)
    IMAGE_WARN_UNUSED;

/* True when raw passes image_raw_check and its bytes can be encoded as they are (8-bit rgb,
 * bgr, rgba, bgra, mono and their aliases); then *out views raw->data (borrowed, with raw's
 * step). False otherwise, with *out untouched. */
bool image_raw_direct_view(const image_raw *raw, image_view *out);

/* True when encoding is one of the supported names. */
bool image_raw_encoding_supported(const char *encoding);
/* The supported encodings as one human-readable, comma-separated line (static). */
const char *image_raw_supported_encodings(void);

#endif
