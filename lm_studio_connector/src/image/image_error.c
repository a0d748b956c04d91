/* image_error.c: names and sentences for every image_status, and filling an image_error.
 * Pure functions; safe from any thread. */
#include "image_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "image_internal.h"

static const struct {
  const char *name;
  const char *sentence;
} status_info[IMAGE_STATUS_COUNT] = {
  [IMAGE_OK] = {"IMAGE_OK", "Success."},
  [IMAGE_ERR_INVALID_ARGUMENT] = {"IMAGE_ERR_INVALID_ARGUMENT", "An argument passed to the image functions was invalid."},
  [IMAGE_ERR_NO_MEMORY] = {"IMAGE_ERR_NO_MEMORY", "The image functions ran out of memory."},
  [IMAGE_ERR_TOO_LARGE] = {"IMAGE_ERR_TOO_LARGE", "The image or file exceeds a size limit."},
  [IMAGE_ERR_UNSUPPORTED_ENCODING] = {"IMAGE_ERR_UNSUPPORTED_ENCODING", "The raw image encoding is not supported."},
  [IMAGE_ERR_BAD_GEOMETRY] = {"IMAGE_ERR_BAD_GEOMETRY", "The image width, height or row step is invalid."},
  [IMAGE_ERR_SHORT_DATA] = {"IMAGE_ERR_SHORT_DATA", "The image has fewer data bytes than its size requires."},
  [IMAGE_ERR_NOT_AN_IMAGE] = {"IMAGE_ERR_NOT_AN_IMAGE", "The data is not a JPEG, PNG, WebP or GIF image."},
  [IMAGE_ERR_UNSUPPORTED_FORMAT] = {"IMAGE_ERR_UNSUPPORTED_FORMAT", "The image format is recognised but cannot be processed here."},
  [IMAGE_ERR_CORRUPT] = {"IMAGE_ERR_CORRUPT", "The image is truncated or damaged and does not decode."},
  [IMAGE_ERR_ENCODE] = {"IMAGE_ERR_ENCODE", "Encoding the image failed."},
  [IMAGE_ERR_BAD_BASE64] = {"IMAGE_ERR_BAD_BASE64", "The base64 text has an invalid character or invalid padding."},
  [IMAGE_ERR_BAD_DATA_URI] = {"IMAGE_ERR_BAD_DATA_URI", "The text is not a data:image/<type>;base64,<data> URI."},
  [IMAGE_ERR_MIME_MISMATCH] = {"IMAGE_ERR_MIME_MISMATCH", "The declared image type contradicts the image content."},
  [IMAGE_ERR_PATHS_DISABLED] = {"IMAGE_ERR_PATHS_DISABLED", "Image file paths are disabled: no allowed image directory is configured."},
  [IMAGE_ERR_PATH_NOT_ALLOWED] = {"IMAGE_ERR_PATH_NOT_ALLOWED", "The image path is not inside an allowed image directory."},
  [IMAGE_ERR_NOT_FOUND] = {"IMAGE_ERR_NOT_FOUND", "The image file does not exist."},
  [IMAGE_ERR_NOT_REGULAR_FILE] = {"IMAGE_ERR_NOT_REGULAR_FILE", "The image path names a directory, FIFO, socket or device, not a regular file."},
  [IMAGE_ERR_IO] = {"IMAGE_ERR_IO", "Opening or reading the image file failed."},
};

const char *image_status_name(image_status s) {
  if ((unsigned)s >= IMAGE_STATUS_COUNT || !status_info[s].name) return "IMAGE_ERR_?";
  return status_info[s].name;
}

const char *image_strerror(image_status s) {
  if ((unsigned)s >= IMAGE_STATUS_COUNT || !status_info[s].sentence) return "Unknown error code.";
  return status_info[s].sentence;
}

void image_error_clear(image_error *e) {
  if (!e) return;
  e->code = IMAGE_OK;
  e->message[0] = '\0';
}

image_status image_error_set(image_error *e, image_status code, const char *fmt, ...) {
  if (!e) return code;
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
  if (n < 0) e->message[0] = '\0';
  return code;
}

const char *image_quote(const char *s, size_t len, char *buf, size_t size) {
  /* Printable ASCII only, so a message never carries control characters or broken UTF-8
   * from a peer; long input is cut with "..." at the end. */
  if (size < 8) return "";
  if (!s) {
    snprintf(buf, size, "(null)");
    return buf;
  }
  size_t room = size - 4, o = 0;
  for (size_t i = 0; i < len && s[i]; i++) {
    if (o == room) {
      memcpy(buf + o, "...", 3);
      o += 3;
      break;
    }
    unsigned char c = (unsigned char)s[i];
    buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  buf[o] = '\0';
  return buf;
}
