/* test_image_file.c: loading image files named by untrusted paths: inside the allowed
 * directories only (as written and resolved), never following an escape by '..' or symlink,
 * never blocking on a FIFO, never reading a device, a directory or more than the limit, and
 * only returning real images. Each case works in its own mkdtemp directory, removed at exit. */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "image/image_file.h"
#include "test_image_util.h"
#include "testing.h"

#define MAX_PATHS 64
static char root[64];
static char made[MAX_PATHS][512]; /* created paths, removed in reverse order at exit */
static int n_made;

static void cleanup(void) {
  for (int i = n_made - 1; i >= 0; i--) remove(made[i]);
  if (root[0]) rmdir(root);
}

static const char *path(const char *rel) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", root, rel);
  return buf[k];
}

static void remember(const char *p) {
  CHECK(n_made < MAX_PATHS);
  snprintf(made[n_made++], sizeof made[0], "%s", p);
}

static void setup(void) {
  snprintf(root, sizeof root, "/tmp/lms_image_test_XXXXXX");
  CHECK(mkdtemp(root) != NULL);
  atexit(cleanup);
}

static void make_dir(const char *rel) {
  CHECK(mkdir(path(rel), 0755) == 0);
  remember(path(rel));
}

static void make_file(const char *rel, const void *data, size_t len) {
  FILE *f = fopen(path(rel), "wb");
  CHECK(f != NULL);
  CHECK(fwrite(data, 1, len, f) == len);
  fclose(f);
  remember(path(rel));
}

static void make_link(const char *target, const char *rel) {
  CHECK(symlink(target, path(rel)) == 0);
  remember(path(rel));
}

/* A JPEG at img/a.jpg; returns its length. */
static size_t standard_tree(void) {
  setup();
  make_dir("img");
  make_dir("imgs");
  make_dir("outside");
  size_t len;
  uint8_t *jpeg = timg_jpeg(16, 8, 80, &len);
  make_file("img/a.jpg", jpeg, len);
  make_file("imgs/a.jpg", jpeg, len);
  make_file("outside/secret.jpg", jpeg, len);
  free(jpeg);
  return len;
}

static image_status load(const char *p, const char *dir, size_t max, image_error *e) {
  const char *dirs[1] = {dir};
  uint8_t *bytes = (uint8_t *)"untouched";
  size_t len = 12345;
  const char *mime = "untouched";
  image_status st = image_file_load(p, dirs, 1, max, &bytes, &len, &mime, e);
  if (st == IMAGE_OK) {
    CHECK(len > 0 && bytes != NULL);
    free(bytes);
  } else {
    /* A failed call changes nothing. */
    CHECK(strcmp((const char *)bytes, "untouched") == 0 && len == 12345 && strcmp(mime, "untouched") == 0);
  }
  return st;
}

TEST(image_file_load_inside_allowed_dir) {
  size_t want = standard_tree();
  const char *dirs[2] = {path("nonexistent"), path("img")};
  uint8_t *bytes = NULL;
  size_t len = 0;
  const char *mime = NULL;
  image_error e;
  CHECK_MSG(image_file_load(path("img/a.jpg"), dirs, 2, 0, &bytes, &len, &mime, &e) == IMAGE_OK, "%s", e.message);
  CHECK_EQ_INT(len, want);
  CHECK_EQ_STR(mime, "image/jpeg");
  CHECK(bytes[0] == 0xFF && bytes[1] == 0xD8);
  free(bytes);
  /* Non-normalised spellings inside the directory are fine; so is an allowed dir with a slash. */
  CHECK_EQ_INT(load(path("img/./../img//a.jpg"), path("img/"), 0, &e), IMAGE_OK);
  /* The exact size limit passes; one byte less does not. */
  CHECK_EQ_INT(load(path("img/a.jpg"), path("img"), want, &e), IMAGE_OK);
  CHECK_EQ_INT(load(path("img/a.jpg"), path("img"), want - 1, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_CONTAINS(e.message, "more than the limit");
}

TEST(image_file_load_disabled_without_dirs) {
  uint8_t *bytes = NULL;
  size_t len = 0;
  image_error e;
  CHECK_EQ_INT(image_file_load("/tmp/a.jpg", NULL, 0, 0, &bytes, &len, NULL, &e), IMAGE_ERR_PATHS_DISABLED);
  CHECK_EQ_STR(e.message, "image file paths are disabled: set image_allowed_dirs");
  CHECK_EQ_INT(image_file_load(NULL, NULL, 0, 0, &bytes, &len, NULL, &e), IMAGE_ERR_INVALID_ARGUMENT);
  const char *dirs[1] = {"/tmp"};
  CHECK_EQ_INT(image_file_load("/tmp/a.jpg", dirs, 1, 0, NULL, &len, NULL, &e), IMAGE_ERR_INVALID_ARGUMENT);
}

TEST(image_file_load_outside_refused) {
  standard_tree();
  image_error e;
  CHECK_EQ_INT(load(path("outside/secret.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  CHECK_CONTAINS(e.message, "outside the allowed image directories");
  CHECK_EQ_INT(load("/etc/passwd", path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  /* Existence outside is not revealed: a missing file there gives the same answer. */
  CHECK_EQ_INT(load(path("outside/missing.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  CHECK_EQ_INT(load(path("img/missing.jpg"), path("img"), 0, &e), IMAGE_ERR_NOT_FOUND);
  /* Relative paths are refused. */
  CHECK_EQ_INT(load("img/a.jpg", path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  CHECK_CONTAINS(e.message, "not absolute");
  CHECK_EQ_INT(load("", path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
}

TEST(image_file_load_prefix_is_not_inside) {
  standard_tree();
  image_error e;
  /* /x/img allows /x/img/..., not /x/imgs/... */
  CHECK_EQ_INT(load(path("imgs/a.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  CHECK_EQ_INT(load(path("imgs/a.jpg"), path("imgs"), 0, &e), IMAGE_OK);
}

TEST(image_file_load_dotdot_escape_refused) {
  standard_tree();
  image_error e;
  CHECK_EQ_INT(load(path("img/../outside/secret.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  CHECK_EQ_INT(load(path("img/../../../../etc/passwd"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  /* '..' through a symlinked directory: lexically inside, really outside. */
  make_link(path("outside"), "img/out");
  CHECK_EQ_INT(load(path("img/out/../outside/secret.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
}

TEST(image_file_load_symlink_escape_refused) {
  standard_tree();
  image_error e;
  make_link(path("outside/secret.jpg"), "img/link.jpg");
  CHECK_EQ_INT(load(path("img/link.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  CHECK_CONTAINS(e.message, "symbolic link");
  make_link("../outside", "img/dir");
  CHECK_EQ_INT(load(path("img/dir/secret.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  make_link("/etc/passwd", "img/passwd.jpg");
  CHECK_EQ_INT(load(path("img/passwd.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
}

TEST(image_file_load_symlink_inside_allowed) {
  standard_tree();
  image_error e;
  make_dir("img/sub");
  make_link("../a.jpg", "img/sub/alias.jpg");
  CHECK_EQ_INT(load(path("img/sub/alias.jpg"), path("img"), 0, &e), IMAGE_OK);
  /* An allowed directory given through a symlink works with either spelling. */
  make_link(path("img"), "imglink");
  CHECK_EQ_INT(load(path("img/a.jpg"), path("imglink"), 0, &e), IMAGE_OK);
  CHECK_EQ_INT(load(path("imglink/a.jpg"), path("imglink"), 0, &e), IMAGE_OK);
  CHECK_EQ_INT(load(path("imglink/a.jpg"), path("img"), 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
}

TEST(image_file_load_fifo_refused_without_blocking) {
  standard_tree();
  CHECK(mkfifo(path("img/pipe.jpg"), 0644) == 0);
  remember(path("img/pipe.jpg"));
  alarm(10); /* a blocking open would be killed here instead of hanging */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  image_error e;
  CHECK_EQ_INT(load(path("img/pipe.jpg"), path("img"), 0, &e), IMAGE_ERR_NOT_REGULAR_FILE);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  alarm(0);
  CHECK_CONTAINS(e.message, "FIFO");
  double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  CHECK_MSG(ms < 1000, "took %.0f ms", ms);
}

TEST(image_file_load_directory_refused) {
  standard_tree();
  make_dir("img/sub.jpg");
  image_error e;
  CHECK_EQ_INT(load(path("img/sub.jpg"), path("img"), 0, &e), IMAGE_ERR_NOT_REGULAR_FILE);
  CHECK_CONTAINS(e.message, "directory");
  CHECK_EQ_INT(load(path("img"), path("img"), 0, &e), IMAGE_ERR_NOT_REGULAR_FILE);
  CHECK_EQ_INT(load(path("img/"), path("img"), 0, &e), IMAGE_ERR_NOT_REGULAR_FILE);
}

TEST(image_file_load_devices_and_proc_refused) {
  image_error e;
  /* Outside the allowed directory. */
  CHECK_EQ_INT(load("/dev/zero", "/tmp", 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  CHECK_EQ_INT(load("/proc/self/status", "/tmp", 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
  /* /proc, /sys and /dev are refused even when allowed, directly or through "/". */
  const char *sys_paths[] = {"/dev/zero", "/dev/null", "/dev/../dev/urandom", "/proc/self/environ",
                             "/proc/self/status", "/sys/kernel/mm/transparent_hugepage/enabled", "//proc/./self/environ"};
  const char *allowed[] = {"/", "/dev", "/proc", "/sys", "/proc/self"};
  for (size_t i = 0; i < sizeof sys_paths / sizeof sys_paths[0]; i++)
    for (size_t j = 0; j < sizeof allowed / sizeof allowed[0]; j++) {
      CHECK_EQ_INT(load(sys_paths[i], allowed[j], 0, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
      if (strncmp(sys_paths[i], allowed[j], strlen(allowed[j])) == 0 && strcmp(allowed[j], "/") != 0)
        CHECK_CONTAINS(e.message, "never images");
    }
  CHECK_CONTAINS(e.message, "refused even when image_allowed_dirs includes it");
}

TEST(image_file_load_symlink_into_proc_refused) {
  /* A link inside an allowed directory leading into /proc or /dev, with "/" allowed too, so
   * only the kernel-file-system rule stops it. */
  standard_tree();
  make_link("/proc/self/environ", "img/env.jpg");
  make_link("/dev/zero", "img/zero.jpg");
  make_link("/proc/self", "img/self");
  image_error e;
  const char *dirs[2] = {path("img"), "/"};
  const char *links[] = {"img/env.jpg", "img/zero.jpg", "img/self/environ"};
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    CHECK_EQ_INT(image_file_load(path(links[i]), dirs, 2, 0, &bytes, &len, NULL, &e), IMAGE_ERR_PATH_NOT_ALLOWED);
    CHECK(bytes == NULL);
    CHECK_CONTAINS(e.message, "under /");
  }
}

TEST(image_file_load_socket_refused) {
  standard_tree();
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", path("img/sock.jpg"));
  CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
  remember(path("img/sock.jpg"));
  image_error e;
  CHECK_EQ_INT(load(path("img/sock.jpg"), path("img"), 0, &e), IMAGE_ERR_NOT_REGULAR_FILE);
  CHECK_CONTAINS(e.message, "a socket");
  close(fd);
}

TEST(image_file_load_oversized_refused) {
  standard_tree();
  size_t n = 3000;
  uint8_t *big = calloc(n, 1);
  make_file("img/big.jpg", big, n);
  free(big);
  image_error e;
  CHECK_EQ_INT(load(path("img/big.jpg"), path("img"), 1000, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_CONTAINS(e.message, "3000 bytes");
}

TEST(image_file_load_content_checked) {
  standard_tree();
  image_error e;
  const char *text = "this is not a picture\n";
  make_file("img/text.jpg", text, strlen(text));
  CHECK_EQ_INT(load(path("img/text.jpg"), path("img"), 0, &e), IMAGE_ERR_NOT_AN_IMAGE);
  CHECK_CONTAINS(e.message, "text.jpg");
  make_file("img/empty.jpg", "", 0);
  CHECK_EQ_INT(load(path("img/empty.jpg"), path("img"), 0, &e), IMAGE_ERR_NOT_AN_IMAGE);
  size_t len;
  uint8_t *jpeg = timg_jpeg(16, 8, 80, &len);
  make_file("img/cut.jpg", jpeg, 30); /* header cut short */
  free(jpeg);
  CHECK_EQ_INT(load(path("img/cut.jpg"), path("img"), 0, &e), IMAGE_ERR_CORRUPT);
  uint8_t *png = timg_png(4, 4, &len);
  make_file("img/really_png.jpg", png, len); /* the name does not matter, the content does */
  free(png);
  const char *dirs[1] = {path("img")};
  uint8_t *bytes = NULL;
  const char *mime = NULL;
  CHECK(image_file_load(path("img/really_png.jpg"), dirs, 1, 0, &bytes, &len, &mime, NULL) == IMAGE_OK);
  CHECK_EQ_STR(mime, "image/png");
  free(bytes);
}

TEST(image_file_load_unreadable_refused) {
  standard_tree();
  CHECK(chmod(path("img/a.jpg"), 0) == 0);
  image_error e;
  if (geteuid() != 0) {
    CHECK_EQ_INT(load(path("img/a.jpg"), path("img"), 0, &e), IMAGE_ERR_IO);
    return;
  }
  /* Root reads anything: the load runs in a child that drops to nobody (the tree made
   * searchable for it first), so the refusal is checked as CI's root too. */
  CHECK(chmod(root, 0755) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    _exit(load(path("img/a.jpg"), path("img"), 0, &e) == IMAGE_ERR_IO ? 0 : 1);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK_EQ_INT(WEXITSTATUS(status), 0);
}
