/* image_types.h: the values the image functions pass around, and format sniffing.
 *  - image_view: borrowed pixels (any row stride, several channel orders), read only;
 *  - image_pixels: owned, tightly packed 8-bit gray or RGB pixels (malloc'd);
 *  - image_encoded: an owned encoded image (JPEG, PNG, ...) with its MIME type and size.
 * Sniffing looks at magic bytes only, never at names or declared types.
 * Pure functions; safe from any thread. */
#ifndef LMS_IMAGE_TYPES_H
#define LMS_IMAGE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum image_format {
  IMAGE_FORMAT_NONE = 0, /* not an image we know */
  IMAGE_FORMAT_JPEG = 1,
  IMAGE_FORMAT_PNG = 2,
  IMAGE_FORMAT_WEBP = 3,
  IMAGE_FORMAT_GIF = 4,
} image_format;

typedef enum image_layout {
  IMAGE_LAYOUT_GRAY8 = 1,
  IMAGE_LAYOUT_RGB8 = 2,
  IMAGE_LAYOUT_BGR8 = 3,
  IMAGE_LAYOUT_RGBA8 = 4, /* alpha is ignored when encoding */
  IMAGE_LAYOUT_BGRA8 = 5,
} image_layout;

typedef struct image_view {
  const uint8_t *data;   /* first byte of the top row; borrowed */
  uint32_t width, height;
  size_t stride;         /* bytes from one row to the next, >= width * bytes per pixel */
  image_layout layout;
} image_view;

typedef struct image_pixels {
  uint8_t *data;         /* malloc'd, rows packed (stride = width * channels); free with image_pixels_free */
  uint32_t width, height;
  uint32_t channels;     /* 1: gray, 3: R, G, B */
} image_pixels;

typedef struct image_encoded {
  uint8_t *data;         /* malloc'd; free with image_encoded_free (or free(data)) */
  size_t len;
  image_format format;
  const char *mime;      /* static string: "image/jpeg", "image/png", ... */
  uint32_t width, height;
  bool reencoded;        /* false: the input bytes passed through unchanged */
} image_encoded;

/* Frees p->data and zeroes *p. Accepts NULL and an already freed value. */
void image_pixels_free(image_pixels *p);
/* A view of owned pixels (GRAY8 or RGB8). */
image_view image_pixels_view(const image_pixels *p);
/* Frees e->data and zeroes *e. Accepts NULL and an already freed value. */
void image_encoded_free(image_encoded *e);

/* Bytes per pixel of a layout (1, 3 or 4); 0 for an unknown value. */
unsigned image_layout_bytes(image_layout l);

/* The format of data by its magic bytes: JPEG FF D8 FF, PNG signature, RIFF....WEBP,
 * GIF87a/GIF89a. IMAGE_FORMAT_NONE for anything else (also data NULL or too short). */
image_format image_sniff(const void *data, size_t len);
/* The MIME type of data by its magic bytes ("image/jpeg", "image/png", "image/webp",
 * "image/gif"), or NULL when it is not an image (static strings). */
const char *image_sniff_mime(const void *data, size_t len);
/* "image/jpeg", ...; NULL for IMAGE_FORMAT_NONE or an unknown value. */
const char *image_format_mime(image_format f);
/* "JPEG", "PNG", "WebP", "GIF"; "not an image" for IMAGE_FORMAT_NONE or unknown values. */
const char *image_format_name(image_format f);

#endif
