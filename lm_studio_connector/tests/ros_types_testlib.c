/* ros_types_testlib.c: see ros_types_testlib.h. The package list comes from the build as one
 * ':'-separated string (a CMake list would split the compile definition). */
#include "ros_types_testlib.h"

#include "testing.h"
#include "typehash.h"

void ros_test_load_model(rg_model *m, const char *const *extra_dirs) {
  rg_error err = {{0}};
  rg_model_init(m);
  char *dirs = strdup(LMS_ROS_PACKAGE_DIRS);
  CHECK(dirs != NULL);
  for (char *p = dirs, *next; p && *p; p = next) {
    next = strchr(p, ':');
    if (next) *next++ = '\0';
    CHECK_MSG(rg_model_load_dir(m, p, &err), "%s", err.msg);
  }
  free(dirs);
  for (size_t i = 0; extra_dirs && extra_dirs[i]; i++)
    CHECK_MSG(rg_model_load_dir(m, extra_dirs[i], &err), "%s", err.msg);
  CHECK_MSG(rg_model_finish(m, &err), "%s", err.msg);
  rg_typehash_fill(m);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

uint8_t *ros_test_unhex(const char *hex, size_t hexlen, size_t *n) {
  CHECK_MSG(hexlen % 2 == 0, "odd hex length %zu", hexlen);
  uint8_t *out = malloc(hexlen / 2 + 1);
  CHECK(out != NULL);
  for (size_t i = 0; i < hexlen / 2; i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    CHECK_MSG(hi >= 0 && lo >= 0, "bad hex at %zu", 2 * i);
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  *n = hexlen / 2;
  return out;
}

void ros_test_dds_to_ros_name(const char *dds, char *buf, size_t n) {
  const char *a = strstr(dds, "::");
  const char *b = a ? strstr(a + 2, "::dds_::") : NULL;
  size_t len = strlen(dds);
  CHECK_MSG(a && b && len > 0 && dds[len - 1] == '_', "not a ROS DDS type name: %s", dds);
  int w = snprintf(buf, n, "%.*s/%.*s/%.*s", (int)(a - dds), dds, (int)(b - a - 2), a + 2,
                   (int)(dds + len - 1 - (b + 8)), b + 8);
  CHECK(w > 0 && (size_t)w < n);
}
