/* image_types.c: freeing image values, layouts, and format sniffing by magic bytes.
 * Pure functions; safe from any thread. */
#include "image_types.h"

#include <stdlib.h>
#include <string.h>

void image_pixels_free(image_pixels *p) {
  if (!p) return;
  free(p->data);
  memset(p, 0, sizeof *p);
}

image_view image_pixels_view(const image_pixels *p) {
  image_view v = {
    .data = p->data,
    .width = p->width,
    .height = p->height,
    .stride = (size_t)p->width * p->channels,
    .layout = p->channels == 1 ? IMAGE_LAYOUT_GRAY8 : IMAGE_LAYOUT_RGB8,
  };
  return v;
}

void image_encoded_free(image_encoded *e) {
  if (!e) return;
  free(e->data);
  memset(e, 0, sizeof *e);
}

unsigned image_layout_bytes(image_layout l) {
  switch (l) {
    case IMAGE_LAYOUT_GRAY8: return 1;
    case IMAGE_LAYOUT_RGB8:
    case IMAGE_LAYOUT_BGR8: return 3;
    case IMAGE_LAYOUT_RGBA8:
    case IMAGE_LAYOUT_BGRA8: return 4;
  }
  return 0;
}

image_format image_sniff(const void *data, size_t len) {
  const uint8_t *p = data;
  if (!p) return IMAGE_FORMAT_NONE;
  if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return IMAGE_FORMAT_JPEG;
  if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return IMAGE_FORMAT_PNG;
  if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) return IMAGE_FORMAT_WEBP;
  if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) return IMAGE_FORMAT_GIF;
  return IMAGE_FORMAT_NONE;
}

const char *image_format_mime(image_format f) {
  switch (f) {
    case IMAGE_FORMAT_JPEG: return "image/jpeg";
    case IMAGE_FORMAT_PNG: return "image/png";
    case IMAGE_FORMAT_WEBP: return "image/webp";
    case IMAGE_FORMAT_GIF: return "image/gif";
    case IMAGE_FORMAT_NONE: break;
  }
  return NULL;
}

const char *image_format_name(image_format f) {
  switch (f) {
    case IMAGE_FORMAT_JPEG: return "JPEG";
    case IMAGE_FORMAT_PNG: return "PNG";
    case IMAGE_FORMAT_WEBP: return "WebP";
    case IMAGE_FORMAT_GIF: return "GIF";
    case IMAGE_FORMAT_NONE: break;
  }
  return "not an image";
}

const char *image_sniff_mime(const void *data, size_t len) {
  return image_format_mime(image_sniff(data, len));
}
