/* ros_security_fixture.h: SROS2 keystores for tests. keystore_make runs tests/make_keystore.sh
 * (the openssl CLI; enclaves NODE_ENCLAVE and CLIENT_ENCLAVE, governance for this test's
 * ROS_DOMAIN_ID) in a fresh temporary directory; secure_env/unsecure_env set or clear the
 * ROS_SECURITY_* variables of this process (before any context is created); fork_child forks
 * a child that dies with the test. Needs
 * LMS_MAKE_KEYSTORE (the script's path) from tests/ros_security.cmake. */
#ifndef LMS_ROS_SECURITY_FIXTURE_H
#define LMS_ROS_SECURITY_FIXTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ros_test_util.h"

#define NODE_ENCLAVE "/lms/node"
#define CLIENT_ENCLAVE "/lms/client"

typedef struct keystore {
  char root[256];   /* the temporary directory */
  char path[300];   /* root/keystore */
} keystore;

static inline bool keystore_make(keystore *ks) {
  snprintf(ks->root, sizeof ks->root, "/tmp/lms_sec_XXXXXX");
  if (!mkdtemp(ks->root)) return false;
  snprintf(ks->path, sizeof ks->path, "%s/keystore", ks->root);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "sh '%s' '%s' %u %s %s", LMS_MAKE_KEYSTORE, ks->path,
           (unsigned)test_domain_id(), NODE_ENCLAVE, CLIENT_ENCLAVE);
  return system(cmd) == 0;
}

static inline void keystore_remove(keystore *ks) {
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", ks->root);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", ks->root);
}

static inline void secure_env(const keystore *ks, const char *strategy) {
  setenv("ROS_SECURITY_ENABLE", "true", 1);
  setenv("ROS_SECURITY_KEYSTORE", ks->path, 1);
  setenv("ROS_SECURITY_STRATEGY", strategy, 1);
  unsetenv("ROS_SECURITY_ENCLAVE_OVERRIDE");
}

static inline void unsecure_env(void) {
  unsetenv("ROS_SECURITY_ENABLE");
  unsetenv("ROS_SECURITY_KEYSTORE");
  unsetenv("ROS_SECURITY_STRATEGY");
  unsetenv("ROS_SECURITY_ENCLAVE_OVERRIDE");
}

/* fork(), but a failed CHECK (which ends the parent at once) also ends the child. */
static inline pid_t fork_child(void) {
  pid_t parent = getpid();
  pid_t child = fork();
  if (child == 0 && (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)) _exit(2);
  return child;
}

#endif
