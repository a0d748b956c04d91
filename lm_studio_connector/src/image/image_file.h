/* image_file.h: loading an image file whose path came from the network, safely.
 * The path must be absolute and lie, both as written and after resolving symlinks and '..'
 * (realpath), inside one of the allowed directories (also resolved; compared component by
 * component, so /data/img does not allow /data/imgs/x). The file is then opened by walking
 * the resolved path from the allowed directory with openat(O_NOFOLLOW) one component at a
 * time, so a directory or link swapped in after the check is refused, never followed (TOCTOU):
 * every later check is made on the opened descriptor. The last component is opened with
 * O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC, so a FIFO or device never blocks, and must be a
 * regular file of 1..max_bytes bytes by fstat; reading stops at its fstat size (never past
 * max_bytes) and a file that shrinks or grows meanwhile is refused. The content must be a
 * JPEG, PNG, WebP or GIF by magic, with a header that decodes (image_probe).
 * Paths under /proc, /sys and /dev (as written or resolved) are always refused, even when an
 * allowed directory contains them: kernel and device files are never images, and some (e.g.
 * /proc/self/environ) hold secrets.
 * Path checks never touch a file outside the allowed directories, so errors do not reveal
 * what exists there. Blocking file I/O: call it where blocking for one read is acceptable. */
#ifndef LMS_IMAGE_FILE_H
#define LMS_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "image_error.h"

/* Loads the image at path. allowed_dirs holds n_dirs directory paths (at most
 * LMS_MAX_IMAGE_ALLOWED_DIRS; ones that do not exist are skipped); n_dirs == 0 disables
 * loading. max_bytes caps the file size (0 or more than LMS_MAX_IMAGE_FILE_SIZE means
 * LMS_MAX_IMAGE_FILE_SIZE). On success *out_bytes is a malloc'd buffer of *out_len bytes that
 * the caller frees with free(), and *out_mime the sniffed type ("image/jpeg", static; out_mime
 * may be NULL). Returns IMAGE_OK, IMAGE_ERR_INVALID_ARGUMENT, IMAGE_ERR_PATHS_DISABLED,
 * IMAGE_ERR_PATH_NOT_ALLOWED, IMAGE_ERR_NOT_FOUND, IMAGE_ERR_NOT_REGULAR_FILE,
 * IMAGE_ERR_TOO_LARGE, IMAGE_ERR_IO, IMAGE_ERR_NO_MEMORY and the codes of image_probe
 * (IMAGE_ERR_NOT_AN_IMAGE, IMAGE_ERR_CORRUPT). Any thread. */
image_status image_file_load(const char *path, const char *const *allowed_dirs, size_t n_dirs, size_t max_bytes,
                             uint8_t **out_bytes, size_t *out_len, const char **out_mime, image_error *err)
    IMAGE_WARN_UNUSED;

#endif
