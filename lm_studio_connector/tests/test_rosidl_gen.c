/* test_rosidl_gen.c: the rosidl_gen command as the build runs it: malformed input fails with
 * "file:line: reason" and a non-zero exit, and keyword field names come out as IDL that idlc
 * 0.10.2 compiles. Runs the real executables (paths from the build). */
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing.h"

/* Runs argv with stdout and stderr captured into *out (caller frees); returns the exit code. */
static int run(char *const argv[], char **out) {
  char path[] = "/tmp/rosidl_gen_out_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  close(fd);
  *out = test_read_file(path, NULL);
  unlink(path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static char *fixture_copy(const char *name) {
  char *p = strdup(test_fixture(name));
  CHECK(p != NULL);
  return p;
}

TEST(rosidl_gen_malformed_msg_exits_nonzero) {
  char dir[] = "/tmp/rosidl_gen_XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char *pkg = fixture_copy("rosidl/bad_syntax");
  char *argv[] = {LMS_ROSIDL_GEN_EXE, "-o", dir, pkg, NULL};
  char *out;
  int rc = run(argv, &out);
  CHECK_EQ_INT(rc, 1);
  CHECK_CONTAINS(out, "rosidl_gen: error: ");
  CHECK_CONTAINS(out, "bad_syntax/msg/Broken.msg:3: sequence bound must be at least 1");
  DIR *d = opendir(dir);
  int entries = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) entries += e->d_name[0] != '.';
  closedir(d);
  CHECK_EQ_INT(entries, 0);  /* nothing half-written */
  free(out);
  free(pkg);
  remove_tree(dir);
}

TEST(rosidl_gen_unknown_type_exits_nonzero) {
  char *pkg = fixture_copy("rosidl/bad_reference");
  char *argv[] = {LMS_ROSIDL_GEN_EXE, "--hash", "bad_reference/msg/Dangling", pkg, NULL};
  char *out;
  CHECK_EQ_INT(run(argv, &out), 1);
  CHECK_CONTAINS(out, "bad_reference/msg/Dangling.msg:2: unknown type bad_reference/msg/NoSuchType");
  free(out);
  free(pkg);
}

TEST(rosidl_gen_usage_errors_exit_2) {
  char *argv1[] = {LMS_ROSIDL_GEN_EXE, NULL};
  char *argv2[] = {LMS_ROSIDL_GEN_EXE, "--frobnicate", "x", "y", NULL};
  char *out;
  CHECK_EQ_INT(run(argv1, &out), 2);
  CHECK_CONTAINS(out, "usage: rosidl_gen");
  free(out);
  CHECK_EQ_INT(run(argv2, &out), 2);
  free(out);
}

TEST(rosidl_gen_keyword_fields_compile_with_idlc) {
  char dir[] = "/tmp/rosidl_gen_XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char *pkg = fixture_copy("rosidl/kw_msgs");
  char *gen[] = {LMS_ROSIDL_GEN_EXE, "-o", dir, pkg, NULL};
  char *out;
  int rc = run(gen, &out);
  CHECK_MSG(rc == 0, "rosidl_gen failed: %s", out);
  free(out);

  char idl[4200];
  snprintf(idl, sizeof idl, "%s/kw_msgs_dds.idl", dir);
  char *text = test_read_file(idl, NULL);
  CHECK_CONTAINS(text, "@final struct Keywords_ {");
  CHECK_CONTAINS(text, "    int32 sequence_;\n");
  CHECK_CONTAINS(text, "    string module_;\n");
  CHECK_CONTAINS(text, "    boolean struct_;\n");
  CHECK_CONTAINS(text, "    int64 int_;\n");
  CHECK_CONTAINS(text, "    sequence<string<8>, 3> interface_;\n");
  CHECK_CONTAINS(text, "    sequence<string<4> > union_;\n");
  CHECK_CONTAINS(text, "    uint8 octet_[4];\n");
  CHECK_CONTAINS(text, "    sequence<kw_msgs::msg::dds_::Nested_> string_;\n");
  CHECK_CONTAINS(text, "    octet value;\n");
  /* Nested_ must be declared before Keywords_ uses it. */
  CHECK(strstr(text, "struct Nested_") < strstr(text, "struct Keywords_"));
  free(text);

  char *idlc[] = {LMS_IDLC_EXE, "-x", "final", "-o", dir, idl, NULL};
  rc = run(idlc, &out);
  CHECK_MSG(rc == 0, "idlc failed: %s", out);
  free(out);
  char hdr[4200];
  snprintf(hdr, sizeof hdr, "%s/kw_msgs_dds.h", dir);
  text = test_read_file(hdr, NULL);
  CHECK_CONTAINS(text, "int32_t sequence_;");
  CHECK_CONTAINS(text, "kw_msgs_msg_dds__Keywords__desc");
  free(text);
  free(pkg);
  remove_tree(dir);
}
