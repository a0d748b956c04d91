/* image_base64.h: base64 (RFC 4648, standard alphabet, with padding) and data URIs for images.
 * Decoding is strict: any character outside the alphabet, a length that is not a multiple of
 * four, '=' anywhere but at the end, or non-zero unused bits is an error; ASCII whitespace
 * (space, tab, CR, LF, FF, VT) is skipped anywhere. The input is validated completely before
 * anything is allocated. Texts are given with their length and need not be NUL-terminated.
 * Pure functions; safe from any thread. */
#ifndef LMS_IMAGE_BASE64_H
#define LMS_IMAGE_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "image_error.h"
#include "image_types.h"

/* Length of the base64 text for len bytes (without a NUL): 4 * ceil(len / 3). */
size_t image_base64_encoded_len(size_t len);

/* Encodes len bytes (len <= LMS_MAX_IMAGE_ENCODED_BYTES). On success *out is a malloc'd
 * NUL-terminated text of *out_len characters (out_len may be NULL); the caller frees it with
 * free(). Returns IMAGE_OK, IMAGE_ERR_INVALID_ARGUMENT, IMAGE_ERR_TOO_LARGE, IMAGE_ERR_NO_MEMORY. */
image_status image_base64_encode(const void *data, size_t len, char **out, size_t *out_len, image_error *err)
    IMAGE_WARN_UNUSED;

/* Decodes len characters of text into at most max_out bytes. On success *out is a malloc'd
 * buffer of *out_len bytes (never NULL, even when empty); the caller frees it with free().
 * Returns IMAGE_OK, IMAGE_ERR_INVALID_ARGUMENT, IMAGE_ERR_BAD_BASE64 (the message gives the
 * offset), IMAGE_ERR_TOO_LARGE (more than max_out bytes), IMAGE_ERR_NO_MEMORY. */
image_status image_base64_decode(const char *text, size_t len, size_t max_out, uint8_t **out, size_t *out_len,
                                 image_error *err) IMAGE_WARN_UNUSED;

/* Builds "data:<mime>;base64,<data>" for an encoded image. mime may be NULL: the type is then
 * sniffed from the bytes; when given it must agree with them. On success *out is a malloc'd
 * NUL-terminated text of *out_len characters (out_len may be NULL); free with free().
 * Returns IMAGE_OK, IMAGE_ERR_INVALID_ARGUMENT, IMAGE_ERR_NOT_AN_IMAGE, IMAGE_ERR_MIME_MISMATCH,
 * IMAGE_ERR_TOO_LARGE (len over LMS_MAX_IMAGE_ENCODED_BYTES), IMAGE_ERR_NO_MEMORY. */
image_status image_data_uri_build(const void *data, size_t len, const char *mime, char **out, size_t *out_len,
                                  image_error *err) IMAGE_WARN_UNUSED;

/* Parses "data:image/<type>[;param=value]*;base64,<base64>" (scheme, type and "base64"
 * compared ignoring case), decodes it (at most LMS_MAX_IMAGE_ENCODED_BYTES) and checks by
 * magic and header that the content is a JPEG, PNG, WebP or GIF image agreeing with the
 * declared type. image/jpg and image/pjpeg count as image/jpeg, image/apng and image/x-png as
 * image/png; an unknown image subtype (image/x-foo) contradicts nothing, a known different one
 * (image/bmp for a PNG) does. On success *out holds the bytes (free with image_encoded_free),
 * the sniffed MIME type, format and size, reencoded false. Returns IMAGE_OK,
 * IMAGE_ERR_INVALID_ARGUMENT, IMAGE_ERR_BAD_DATA_URI, IMAGE_ERR_BAD_BASE64, IMAGE_ERR_TOO_LARGE,
 * IMAGE_ERR_NOT_AN_IMAGE, IMAGE_ERR_MIME_MISMATCH, IMAGE_ERR_CORRUPT (header does not decode),
 * IMAGE_ERR_UNSUPPORTED_FORMAT, IMAGE_ERR_NO_MEMORY. */
image_status image_data_uri_parse(const char *uri, size_t len, image_encoded *out, image_error *err)
    IMAGE_WARN_UNUSED;

#endif
