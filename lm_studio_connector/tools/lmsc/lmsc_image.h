/* lmsc_image.h: reading an image file the user named on lmsc's command line (their own file,
 * so no allowed-directory rules: those protect the node from paths that come over the network).
 * The content decides the type, never the file name. */
#ifndef LMSC_IMAGE_H
#define LMSC_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Reads path (a regular file of 1..LMS_MAX_IMAGE_FILE_SIZE bytes that is a JPEG, PNG, WebP or
 * GIF by its magic bytes). On success returns 0, *bytes (malloc'd, free()) of *len bytes and
 * *mime ("image/png", static). Otherwise prints why and returns LMSC_EXIT_FAILED. */
int lmsc_image_read(const char *path, uint8_t **bytes, size_t *len, const char **mime);

/* The value of a chat goal's image_data for --image arg: "latest" and "data:" URIs as they
 * are, anything else a local file turned into a data URI. Returns 0 and *out (malloc'd), or
 * prints why and returns LMSC_EXIT_FAILED. */
int lmsc_image_goal_value(const char *arg, char **out);

#endif
