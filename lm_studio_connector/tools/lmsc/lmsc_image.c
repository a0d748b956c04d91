/* lmsc_image.c: image files named on the command line (lmsc_image.h). */
#include "lmsc_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/limits.h"
#include "image/image_base64.h"
#include "image/image_types.h"
#include "lmsc.h"
#include "lmsc_output.h"

int lmsc_image_read(const char *path, uint8_t **bytes, size_t *len, const char **mime) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    lmsc_error("cannot open image '%s': %s", path, strerror(errno));
    return LMSC_EXIT_FAILED;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
      (uint64_t)st.st_size > LMS_MAX_IMAGE_FILE_SIZE) {
    lmsc_error("image '%s' is not a regular file of 1..%u bytes", path, LMS_MAX_IMAGE_FILE_SIZE);
    close(fd);
    return LMSC_EXIT_FAILED;
  }
  size_t size = (size_t)st.st_size, got = 0;
  uint8_t *buf = malloc(size);
  while (buf && got < size) {
    ssize_t n = read(fd, buf + got, size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  const char *m = buf && got == size ? image_sniff_mime(buf, size) : NULL;
  if (!m) {
    lmsc_error("'%s' %s", path,
               !buf ? "is too large for memory"
               : got != size ? "could not be read whole (did it change?)"
                             : "is not a JPEG, PNG, WebP or GIF image");
    free(buf);
    return LMSC_EXIT_FAILED;
  }
  *bytes = buf;
  *len = size;
  *mime = m;
  return LMSC_EXIT_OK;
}

int lmsc_image_goal_value(const char *arg, char **out) {
  if (strcmp(arg, "latest") == 0 || strncmp(arg, "data:", 5) == 0) {
    *out = strdup(arg);
    return *out ? LMSC_EXIT_OK : LMSC_EXIT_FAILED;
  }
  uint8_t *bytes;
  size_t len;
  const char *mime;
  int rc = lmsc_image_read(arg, &bytes, &len, &mime);
  if (rc != LMSC_EXIT_OK) return rc;
  image_error ie;
  image_status st = image_data_uri_build(bytes, len, mime, out, NULL, &ie);
  free(bytes);
  if (st != IMAGE_OK) {
    lmsc_error("cannot attach '%s': %s", arg, ie.message);
    return LMSC_EXIT_FAILED;
  }
  return LMSC_EXIT_OK;
}
