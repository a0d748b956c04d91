/* test_lm_node_security.c: the real lm_studio_node executable under SROS2 security, end to end:
 * started with ROS_SECURITY_ENABLE=true, Enforce and --ros-args --enclave against the LM Studio
 * emulator, it answers list_models to a secured client but is invisible to an unsecured one;
 * with an enclave the keystore lacks it refuses to start and says why. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "lm_node_fixture.h"
#include "lms_emulator.h"
#include "ros/ros_client.h"
#include "ros/ros_context.h"
#include "ros/ros_node.h"
#include "ros_security_fixture.h"
#include "ros_types_gen.h"
#include "testing.h"

#define LIST_MODELS_T "lm_studio_interfaces/srv/ListModels"
typedef lm_studio_interfaces_srv_dds__ListModels_Request_ list_req;
typedef lm_studio_interfaces_srv_dds__ListModels_Response_ list_resp;

/* Runs lm_studio_node with the keystore's Enforce environment and --enclave enclave; its
 * stderr goes to err_fd when >= 0. */
static pid_t start_node(const keystore *ks, const char *enclave, unsigned short port, int err_fd) {
  char url[96];
  snprintf(url, sizeof url, "lm_studio_url:=http://127.0.0.1:%u", port);
  pid_t pid = fork_child();
  if (pid == 0) {
    secure_env(ks, "Enforce");
    if (err_fd >= 0) dup2(err_fd, STDERR_FILENO);
    execl(LMS_NODE_EXE, "lm_studio_node", "--ros-args", "--enclave", enclave, "-p", url,
          "--log-level", "warn", (char *)NULL);
    _exit(127);
  }
  return pid;
}

/* A client context from this process's environment with enclave: is /list_models available
 * within wait_ms, and what does it answer? count < 0 when there was no answer. */
static bool list_models(const char *enclave, int64_t wait_ms, bool *secure, int *count) {
  ros_context_options o = {.domain_id = -1, .enclave = enclave};
  ros_context *ctx;
  ros_node *node;
  ros_client *cl;
  ros_error e = {0};
  *count = -1;
  if (ros_context_create(&o, &ctx, &e) != ROS_OK) return false;
  *secure = ros_context_is_secure(ctx);
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  if (ros_node_create(ctx, "sec_lister", NULL, &no, &node, &e) != ROS_OK ||
      ros_client_create(node, "/list_models", LIST_MODELS_T, NULL, &cl, &e) != ROS_OK)
    return false;
  bool available = ros_client_wait_for_service(cl, wait_ms * 1000000LL) == ROS_OK;
  if (available) {
    list_req rq = {0};
    list_resp rs;
    memset(&rs, 0, sizeof rs);
    if (ros_client_call_sync(cl, &rq, &rs, 20LL * 1000000000LL, &e) == ROS_OK) {
      *count = rs.success ? rs.count : -1;
      dds_sample_free(&rs, ros_client_response_type(cl)->desc, DDS_FREE_CONTENTS);
    }
  }
  ros_client_destroy(cl);
  (void)ros_node_destroy(node);
  (void)ros_context_destroy(ctx);
  return available;
}

TEST(lm_node_security_secured_client_lists_models_unsecured_cannot) {
  keystore ks;
  CHECK(keystore_make(&ks));
  lms_emu *emu = lms_emu_start(NULL);
  CHECK(emu != NULL);
  pid_t node = start_node(&ks, NODE_ENCLAVE, lms_emu_port(emu), -1);
  CHECK(node > 0);
  /* An unsecured participant, in a child so this process's DDS stays untouched until then. */
  pid_t plain = fork_child();
  if (plain == 0) {
    unsecure_env();
    bool secure = true;
    int count;
    bool available = list_models(NODE_ENCLAVE, 6000, &secure, &count);
    _exit(secure ? 3 : available ? 4 : 0);
  }
  secure_env(&ks, "Enforce");
  bool secure = false;
  int count = -1;
  CHECK_MSG(list_models(CLIENT_ENCLAVE, 30000, &secure, &count), "the secured node never "
            "became available to the secured client");
  CHECK(secure);
  CHECK_EQ_INT(count, 4); /* the emulator's models */
  int status = 0;
  CHECK(waitpid(plain, &status, 0) == plain);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "unsecured client: exit %d (4: it reached the secured node)", WEXITSTATUS(status));
  lm_test_interrupt_expect_exit_zero(node);
  lms_emu_stop(emu);
  keystore_remove(&ks);
}

TEST(lm_node_security_enforce_without_the_enclave_refuses_to_start) {
  keystore ks;
  CHECK(keystore_make(&ks));
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t node = start_node(&ks, "/lms/stranger", 9, p[1]);
  close(p[1]);
  char out[4096];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof out - 1 && ((n = read(p[0], out + len, sizeof out - 1 - len)) > 0 ||
                                  (n < 0 && errno == EINTR)))
    if (n > 0) len += (size_t)n;
  out[len] = '\0';
  close(p[0]);
  int status = 0;
  CHECK(waitpid(node, &status, 0) == node);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d, stderr: %s", status, out);
  CHECK_CONTAINS(out, "SECURITY ERROR");
  CHECK_CONTAINS(out, "enclave '/lms/stranger' has no directory");
  keystore_remove(&ks);
}
