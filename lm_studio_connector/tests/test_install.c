/* test_install.c: the install layout. `cmake --install` of this build into a temporary prefix,
 * then the installed programs run from there, from "/" as working directory (so nothing is
 * found by accident in the source or build tree): lms_emulator serves on an ephemeral port,
 * lm_studio_node starts with the installed params file and answers list_models from it over
 * DDS, and exits 0 on SIGINT; lm_studio_topics_node, when this build has it, comes up under its
 * own name (its parameter services appear) and exits 0 on SIGINT too. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "ros/ros_client.h"
#include "ros/ros_context.h"
#include "ros/ros_node.h"
#include "lm_studio_interfaces_dds.h"
#include "ros_test_util.h"
#include "testing.h"

/* Starts argv (argv[0] a path) from "/", with stdout into a pipe whose read end *out_fd
 * receives (out_fd NULL: stdout as the test's). The child dies with the test, so a failed check
 * leaves nothing running. */
static pid_t start(char *const argv[], int *out_fd) {
  int fds[2] = {-1, -1};
  if (out_fd && pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (out_fd) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
    }
    if (chdir("/") != 0) _exit(126);
    execv(argv[0], argv);
    _exit(127);
  }
  if (out_fd) {
    close(fds[1]);
    *out_fd = fds[0];
  }
  return pid;
}

/* Runs argv to its end; returns its exit status, or -1. */
static int run(char *const argv[]) {
  pid_t pid = start(argv, NULL);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

/* Sends SIGINT and returns the exit status (-1: killed after 10 s, or not a normal exit). */
static int interrupt(pid_t pid) {
  kill(pid, SIGINT);
  int status = 0;
  int64_t end = clock_mono_ms() + 10000;
  pid_t w;
  while ((w = waitpid(pid, &status, WNOHANG)) == 0 && clock_mono_ms() < end) clock_sleep_ms(10);
  if (w == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool is_file(const char *prefix, const char *rel, bool executable) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", prefix, rel);
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (!executable || access(path, X_OK) == 0);
}

static void remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    unlink(path);
    return;
  }
  struct dirent *ent;
  while ((ent = readdir(d))) {
    if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
    char child[1024];
    snprintf(child, sizeof child, "%s/%s", path, ent->d_name);
    remove_tree(child);
  }
  closedir(d);
  rmdir(path);
}

typedef struct list_rec {
  bool done, success;
  ros_status st;
  char models[512];
} list_rec;

static void on_list(void *user, ros_client *c, const void *response, ros_status st) {
  list_rec *r = user;
  const lm_studio_interfaces_srv_dds__ListModels_Response_ *p = response;
  r->done = true;
  r->st = st;
  if (!p) return;
  r->success = p->success;
  for (uint32_t i = 0; i < p->models._length; i++) {
    size_t used = strlen(r->models);
    snprintf(r->models + used, sizeof r->models - used, "%s,", p->models._buffer[i]);
  }
}

/* Calls list_models on the node started by the test, through the wire layer. */
static void check_list_models(list_rec *r) {
  ros_context *ctx;
  ros_node *cli;
  ros_client *c;
  ros_error e;
  CHECK(ros_context_create(NULL, &ctx, &e) == ROS_OK);
  CHECK(ros_node_create(ctx, "install_check", NULL, NULL, &cli, &e) == ROS_OK);
  CHECK(ros_client_create(cli, "/list_models", "lm_studio_interfaces/srv/ListModels", NULL, &c, &e) ==
        ROS_OK);
  CHECK_MSG(ros_client_wait_for_service(c, 20000000000LL) == ROS_OK,
            "the installed node's list_models never appeared");
  lm_studio_interfaces_srv_dds__ListModels_Request_ q = {0};
  CHECK(ros_client_call(c, &q, on_list, r, 20000000000LL, NULL, &e) == ROS_OK);
  while (!r->done) ros_context_spin(ctx, 50);
  ros_client_destroy(c);
  CHECK_EQ_INT(ros_node_destroy(cli), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(ctx), ROS_OK);
}

TEST(install_layout_installed_node_runs)
{
  char prefix[] = "/tmp/lms_install_XXXXXX";
  CHECK(mkdtemp(prefix) != NULL);
  char *install[] = {LMS_CMAKE_COMMAND, "--install", LMS_BUILD_DIR, "--prefix", prefix, NULL};
  CHECK_EQ_INT(run(install), 0);

  /* Every installed file where the README says it is. */
  const char *exes = LMS_INSTALLED_EXES; /* "lm_studio_node lms_emulator ..." */
  char exe_dir[64];
  snprintf(exe_dir, sizeof exe_dir, "%s", LMS_INSTALL_EXEC_DIR);
  for (const char *p = exes; *p;) {
    size_t n = strcspn(p, " ");
    if (n == 0) { /* the space left by a target this build does not have */
      p++;
      continue;
    }
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%.*s", exe_dir, (int)n, p);
    CHECK_MSG(is_file(prefix, rel, true), "not installed: %s/%s", prefix, rel);
    p += n + (p[n] == ' ');
  }
  const char *data[] = {"config/params.yaml", "launch/lm_studio.launch.py",
                        "launch/lm_studio_topics.launch.py"};
  for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "%s/%s", LMS_INSTALL_SHARE_DIR, data[i]);
    CHECK_MSG(is_file(prefix, rel, false), "not installed: %s/%s", prefix, rel);
  }

  char emulator[512], node[512], params[512];
  snprintf(emulator, sizeof emulator, "%s/%s/lms_emulator", prefix, exe_dir);
  snprintf(node, sizeof node, "%s/%s/lm_studio_node", prefix, exe_dir);
  snprintf(params, sizeof params, "%s/%s/config/params.yaml", prefix, LMS_INSTALL_SHARE_DIR);

  /* The installed emulator says what it is, then serves on an ephemeral port it prints. */
  int fd;
  char *help[] = {emulator, "--help", NULL};
  pid_t emu = start(help, &fd);
  CHECK(emu > 0);
  char text[1024] = "";
  FILE *f = fdopen(fd, "r");
  CHECK(f != NULL);
  size_t len = fread(text, 1, sizeof text - 1, f);
  text[len] = '\0';
  fclose(f);
  int status = 0;
  CHECK(waitpid(emu, &status, 0) == emu && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK_CONTAINS(text, "Emulates LM Studio");

  char *serve[] = {emulator, "--port", "0", NULL};
  emu = start(serve, &fd);
  CHECK(emu > 0);
  f = fdopen(fd, "r");
  CHECK(f != NULL);
  CHECK_MSG(fgets(text, sizeof text, f) != NULL, "the installed emulator printed nothing");
  const char *at = strstr(text, "http://127.0.0.1:");
  CHECK_MSG(at != NULL, "unexpected emulator output: %s", text);
  unsigned port = (unsigned)strtoul(at + strlen("http://127.0.0.1:"), NULL, 10);
  CHECK(port > 0);

  /* The installed node with the installed params file, as the launch file starts it. */
  char url[96];
  snprintf(url, sizeof url, "lm_studio_url:=http://127.0.0.1:%u", port);
  char *args[] = {node, "--ros-args", "--params-file", params, "-p", url, "--log-level", "warn", NULL};
  pid_t pid = start(args, NULL);
  CHECK(pid > 0);
  list_rec r = {0};
  check_list_models(&r);
  int node_exit = interrupt(pid);
  int topics_exit = 0;
#if LMS_HAVE_TOPICS_NODE
  snprintf(node, sizeof node, "%s/%s/lm_studio_topics_node", prefix, exe_dir);
  pid = start(args, NULL);
  CHECK(pid > 0);
  test_endpoint ep;
  CHECK_MSG(test_find_endpoint('R', "rq/lm_studio_topics_node/get_parametersRequest", 20000, &ep),
            "the installed lm_studio_topics_node never came up");
  topics_exit = interrupt(pid);
#endif
  int emu_exit = interrupt(emu);
  fclose(f);
  remove_tree(prefix);

  CHECK_EQ_INT(r.st, ROS_OK);
  CHECK_MSG(r.success, "list_models failed through the installed node");
  CHECK_CONTAINS(r.models, ",");
  printf("models listed by the installed node: %s\n", r.models);
  CHECK_EQ_INT(node_exit, 0);
  CHECK_EQ_INT(topics_exit, 0);
  CHECK_EQ_INT(emu_exit, 0);
}
