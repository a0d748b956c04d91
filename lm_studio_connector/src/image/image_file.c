/* image_file.c: loading image files named by untrusted paths (see image_file.h).
 * Order of checks: the path as written (lexically normalised) must be inside an allowed
 * directory before the file system is asked anything about it; then its realpath must be too;
 * then the resolved path is opened component by component below the allowed directory with
 * O_NOFOLLOW, and the descriptor (not the path) is checked and read. Blocking I/O; any thread. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH: walk directories that are searchable but not readable */
#endif
#include "image_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/limits.h"
#include "image_codec.h"
#include "image_internal.h"

#ifdef O_PATH
#define DIR_OPEN_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#else
#define DIR_OPEN_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#endif
#define FILE_OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW)

/* Lexically normalises an absolute path: no "//", "." or ".." left (".." at the root stays at
 * the root), no trailing '/'. Returns false when it does not fit in out (PATH_MAX bytes). */
static bool normalize(const char *in, char *out) {
  size_t o = 0;
  const char *p = in;
  while (*p) {
    while (*p == '/') p++;
    const char *c = p;
    while (*p && *p != '/') p++;
    size_t n = (size_t)(p - c);
    if (n == 0 || (n == 1 && c[0] == '.')) continue;
    if (n == 2 && c[0] == '.' && c[1] == '.') {
      while (o > 0 && out[o - 1] != '/') o--;
      if (o > 0) o--; /* drop the '/' too */
      continue;
    }
    if (o + 1 + n >= PATH_MAX) return false;
    out[o++] = '/';
    memcpy(out + o, c, n);
    o += n;
  }
  if (o == 0) out[o++] = '/';
  out[o] = '\0';
  return true;
}

/* True when path equals dir or lies below it (component-wise). Both are normalised. */
static bool inside(const char *dir, const char *path) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return true;
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Kernel and device file systems: their files are not images, some have effects when read
 * (or block, or are endless), and /proc/self/environ holds the process's secrets (the API key
 * from $LM_STUDIO_API_KEY). Refused even when an allowed directory contains them, so that
 * image_allowed_dirs of "/" cannot turn an image reference into a way to read them. */
static const char *const system_dirs[] = {"/proc", "/sys", "/dev"};

static const char *system_dir_of(const char *path) {
  for (size_t i = 0; i < sizeof system_dirs / sizeof system_dirs[0]; i++)
    if (inside(system_dirs[i], path)) return system_dirs[i];
  return NULL;
}

static image_status system_refused(const char *sys, const char *qpath, image_error *err) {
  return image_error_set(err, IMAGE_ERR_PATH_NOT_ALLOWED,
                         "image path '%s' is under %s, which holds kernel or device files, never images: "
                         "refused even when image_allowed_dirs includes it", qpath, sys);
}

/* strerror is not thread-safe; the GNU strerror_r (this file defines _GNU_SOURCE) is. */
static const char *errno_text(int e, char *buf, size_t n) {
#if defined(__GLIBC__)
  return strerror_r(e, buf, n);
#else
  return strerror_r(e, buf, n) == 0 ? buf : "unknown error";
#endif
}
#define ERRNO_TEXT(e) errno_text((e), (char[128]){0}, 128)

static const char *file_kind(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISLNK(m)) return "a symbolic link";
  return "not a regular file";
}

static image_status open_errno(int e, const char *qpath, image_error *err) {
  if (e == ENOENT || e == ENOTDIR)
    return image_error_set(err, IMAGE_ERR_NOT_FOUND, "image file '%s' does not exist", qpath);
  if (e == ELOOP)
    return image_error_set(err, IMAGE_ERR_PATH_NOT_ALLOWED,
                           "image file '%s' changed into a symbolic link while being opened", qpath);
  return image_error_set(err, IMAGE_ERR_IO, "cannot open image file '%s': %s", qpath, ERRNO_TEXT(e));
}

/* Opens rel (relative to the allowed directory dir, no symlinks expected) without following
 * any link; on success *fd_out is the open file and *st its fstat. */
static image_status walk_open(const char *dir, const char *rel, int *fd_out, struct stat *st, const char *qpath,
                              image_error *err) {
  int dfd = open(dir, DIR_OPEN_FLAGS);
  if (dfd < 0) return image_error_set(err, IMAGE_ERR_IO, "cannot open the allowed image directory: %s", ERRNO_TEXT(errno));
  char comp[NAME_MAX + 1];
  const char *p = rel;
  for (;;) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 0 || n > NAME_MAX) {
      close(dfd);
      return image_error_set(err, IMAGE_ERR_PATH_NOT_ALLOWED, "image path '%s' has an invalid component", qpath);
    }
    memcpy(comp, p, n);
    comp[n] = '\0';
    if (slash) {
      int nfd = openat(dfd, comp, DIR_OPEN_FLAGS);
      int e = errno;
      close(dfd);
      if (nfd < 0) return open_errno(e, qpath, err);
      dfd = nfd;
      p = slash + 1;
      continue;
    }
    /* Last component: refuse anything but a regular file before opening it at all (opening a
     * device can have effects), then again on the descriptor, which is what counts. */
    struct stat pre;
    if (fstatat(dfd, comp, &pre, AT_SYMLINK_NOFOLLOW) != 0) {
      int e = errno;
      close(dfd);
      return open_errno(e, qpath, err);
    }
    if (!S_ISREG(pre.st_mode)) {
      close(dfd);
      return image_error_set(err, IMAGE_ERR_NOT_REGULAR_FILE, "image path '%s' is %s, not a regular file", qpath,
                             file_kind(pre.st_mode));
    }
    int fd = openat(dfd, comp, FILE_OPEN_FLAGS);
    int e = errno;
    close(dfd);
    if (fd < 0) return open_errno(e, qpath, err);
    if (fstat(fd, st) != 0) {
      e = errno;
      close(fd);
      return image_error_set(err, IMAGE_ERR_IO, "cannot stat image file '%s': %s", qpath, ERRNO_TEXT(e));
    }
    if (!S_ISREG(st->st_mode)) {
      close(fd);
      return image_error_set(err, IMAGE_ERR_NOT_REGULAR_FILE, "image path '%s' is %s, not a regular file", qpath,
                             file_kind(st->st_mode));
    }
    *fd_out = fd;
    return IMAGE_OK;
  }
}

/* Reads exactly size bytes; refuses a file that is shorter or (when size < max) longer. */
static image_status read_exact(int fd, size_t size, size_t max, uint8_t *buf, const char *qpath, image_error *err) {
  size_t got = 0;
  while (got < size) {
    ssize_t r = read(fd, buf + got, size - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return image_error_set(err, IMAGE_ERR_IO, "cannot read image file '%s': %s", qpath, ERRNO_TEXT(errno));
    if (r == 0)
      return image_error_set(err, IMAGE_ERR_IO, "image file '%s' shrank while being read (%zu of %zu bytes)", qpath,
                             got, size);
    got += (size_t)r;
  }
  if (size < max) {
    uint8_t extra;
    ssize_t r;
    do r = read(fd, &extra, 1);
    while (r < 0 && errno == EINTR);
    if (r > 0) return image_error_set(err, IMAGE_ERR_IO, "image file '%s' grew while being read", qpath);
  }
  return IMAGE_OK;
}

static void free_all(char **p, size_t n) {
  for (size_t i = 0; i < n; i++) free(p[i]);
}

/* Loads and checks a file already known to be inside allowed directory dir. */
static image_status load_below(const char *dir, const char *resolved, size_t max, uint8_t **out_bytes, size_t *out_len,
                               const char **out_mime, const char *qpath, image_error *err) {
  size_t dl = strlen(dir);
  const char *rel = resolved + (dl == 1 ? 1 : dl + (resolved[dl] == '/'));
  if (*rel == '\0')
    return image_error_set(err, IMAGE_ERR_NOT_REGULAR_FILE, "image path '%s' is a directory, not a regular file", qpath);
  int fd = -1;
  struct stat st;
  image_status s = walk_open(dir, rel, &fd, &st, qpath, err);
  if (s != IMAGE_OK) return s;
  if (st.st_size <= 0) {
    close(fd);
    return image_error_set(err, IMAGE_ERR_NOT_AN_IMAGE, "image file '%s' is empty", qpath);
  }
  if ((uint64_t)st.st_size > max) {
    close(fd);
    return image_error_set(err, IMAGE_ERR_TOO_LARGE, "image file '%s' is %lld bytes, more than the limit of %zu", qpath,
                           (long long)st.st_size, max);
  }
  size_t size = (size_t)st.st_size;
  uint8_t *buf = malloc(size);
  if (!buf) {
    close(fd);
    return image_error_set(err, IMAGE_ERR_NO_MEMORY, "no memory for a %zu-byte image file", size);
  }
  s = read_exact(fd, size, max, buf, qpath, err);
  close(fd);
  image_info info = {0};
  image_error perr;
  if (s == IMAGE_OK && (s = image_probe(buf, size, &info, &perr)) != IMAGE_OK)
    image_error_set(err, s, "image file '%s': %s", qpath, perr.message);
  if (s != IMAGE_OK) {
    free(buf);
    return s;
  }
  *out_bytes = buf;
  *out_len = size;
  if (out_mime) *out_mime = image_format_mime(info.format);
  return IMAGE_OK;
}

image_status image_file_load(const char *path, const char *const *allowed_dirs, size_t n_dirs, size_t max_bytes,
                             uint8_t **out_bytes, size_t *out_len, const char **out_mime, image_error *err) {
  if (!path || !out_bytes || !out_len || (n_dirs > 0 && !allowed_dirs))
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "path, allowed directories or an output is NULL");
  if (n_dirs == 0)
    return image_error_set(err, IMAGE_ERR_PATHS_DISABLED, "image file paths are disabled: set image_allowed_dirs");
  if (n_dirs > LMS_MAX_IMAGE_ALLOWED_DIRS)
    return image_error_set(err, IMAGE_ERR_INVALID_ARGUMENT, "%zu allowed image directories, at most %d are supported",
                           n_dirs, LMS_MAX_IMAGE_ALLOWED_DIRS);
  if (max_bytes == 0 || max_bytes > LMS_MAX_IMAGE_FILE_SIZE) max_bytes = LMS_MAX_IMAGE_FILE_SIZE;
  char q[IMAGE_QUOTE_MAX];
  const char *qpath = image_quote(path, strlen(path), q, sizeof q);
  if (path[0] != '/')
    return image_error_set(err, IMAGE_ERR_PATH_NOT_ALLOWED, "image path '%s' is not absolute", qpath);
  char lexical[PATH_MAX];
  if (strlen(path) >= PATH_MAX || !normalize(path, lexical))
    return image_error_set(err, IMAGE_ERR_PATH_NOT_ALLOWED, "image path '%s' is too long", qpath);

  const char *sys = system_dir_of(lexical);
  if (sys) return system_refused(sys, qpath, err);

  char *real[LMS_MAX_IMAGE_ALLOWED_DIRS] = {NULL}; /* each allowed directory's realpath, or NULL */
  bool lex_ok = false;
  for (size_t i = 0; i < n_dirs; i++) {
    const char *a = allowed_dirs[i];
    char lex[PATH_MAX]; /* as configured, normalised */
    if (!a || a[0] != '/' || strlen(a) >= PATH_MAX || !normalize(a, lex)) continue; /* unusable entry */
    real[i] = realpath(a, NULL);
    if (inside(lex, lexical) || (real[i] && inside(real[i], lexical))) lex_ok = true;
  }
  image_status st;
  if (!lex_ok) {
    st = image_error_set(err, IMAGE_ERR_PATH_NOT_ALLOWED,
                         "image path '%s' is outside the allowed image directories (image_allowed_dirs)", qpath);
    free_all(real, n_dirs);
    return st;
  }
  char *resolved = realpath(path, NULL);
  if (!resolved) {
    st = open_errno(errno, qpath, err);
    free_all(real, n_dirs);
    return st;
  }
  if ((sys = system_dir_of(resolved)) != NULL) { /* reached through a symbolic link */
    st = system_refused(sys, qpath, err);
    free(resolved);
    free_all(real, n_dirs);
    return st;
  }
  const char *dir = NULL;
  for (size_t i = 0; i < n_dirs && !dir; i++)
    if (real[i] && inside(real[i], resolved)) dir = real[i];
  if (!dir)
    st = image_error_set(err, IMAGE_ERR_PATH_NOT_ALLOWED,
                         "image path '%s' leads outside the allowed image directories (through a symbolic link or '..')",
                         qpath);
  else
    st = load_below(dir, resolved, max_bytes, out_bytes, out_len, out_mime, qpath, err);
  free(resolved);
  free_all(real, n_dirs);
  return st;
}
