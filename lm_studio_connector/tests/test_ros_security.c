/* test_ros_security.c: SROS2 security (ros_security.h). Each case builds a keystore with the
 * openssl CLI laid out as `ros2 security` lays it out (tests/make_keystore.sh: enclaves
 * /lms/node and /lms/client, sros2's default governance, permissions for rt/ rq/ rr/ topics
 * except rt/lms_sec_denied). Unit cases check the env + enclave -> Cyclone properties mapping
 * through a getter; DDS cases run a secured node (service + publisher) in a child process and
 * show that a secured client reaches it while an unsecured participant cannot. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ros_security.h"
#include "ros_security_fixture.h"
#include "ros_service_fixture.h"
#include "ros_test_util.h"
#include "ros_topic.h"
#include "ros_types_gen.h"
#include "testing.h"

#define PLUGIN_DIR LMS_DDS_SECURITY_PLUGIN_DIR_FOR_TESTS
#define CHATTER "lms_sec_chatter"
#define SERVICE "lms_sec_set_model"
#define STRING_T "std_msgs/msg/String"

/* A fake environment for the unit cases: name=value pairs. */
typedef struct fake_env {
  const char *names[6];
  const char *values[6];
} fake_env;

static const char *fake_get(const char *name, void *user) {
  const fake_env *fe = user;
  for (int i = 0; i < 6 && fe->names[i]; i++)
    if (strcmp(fe->names[i], name) == 0) return fe->values[i];
  return NULL;
}

/* Replaces (or adds) a file of NODE_ENCLAVE's directory; its path goes to path. */
static void write_node_file(const keystore *ks, const char *name, const char *text, char *path,
                            size_t size) {
  snprintf(path, size, "%s/enclaves%s/%s", ks->path, NODE_ENCLAVE, name);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  fputs(text, f);
  CHECK(fclose(f) == 0);
}

/* ---- unit cases: environment + enclave -> properties ---- */

TEST(ros_security_is_off_unless_enable_is_exactly_true) {
  const char *values[] = {NULL, "", "True", "TRUE", "1", "yes", "true "};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    fake_env fe = {{"ROS_SECURITY_ENABLE", "ROS_SECURITY_STRATEGY"}, {values[i], "Enforce"}};
    ros_security_config c;
    ros_error e = {0};
    CHECK_MSG(ros_security_load("/x", NULL, fake_get, &fe, &c, &e) == ROS_OK, "%s", e.message);
    CHECK_MSG(!c.requested && !c.active && c.prop_count == 0 && !c.warning[0], "value '%s'",
              values[i] ? values[i] : "(unset)");
  }
}

TEST(ros_security_maps_the_enclave_files_to_cyclone_properties) {
  keystore ks;
  CHECK(keystore_make(&ks));
  fake_env fe = {{"ROS_SECURITY_ENABLE", "ROS_SECURITY_KEYSTORE", "ROS_SECURITY_STRATEGY"},
                 {"true", ks.path, "Enforce"}};
  ros_security_config c;
  ros_error e = {0};
  CHECK_MSG(ros_security_load(NODE_ENCLAVE, PLUGIN_DIR, fake_get, &fe, &c, &e) == ROS_OK, "%s",
            e.message);
  CHECK(c.requested && c.enforce && c.active && !c.warning[0]);
  char want[600];
  snprintf(want, sizeof want, "%s/enclaves/lms/node", ks.path);
  CHECK_EQ_STR(c.enclave_dir, want);
  static const char *const files[][2] = {
      {"dds.sec.auth.identity_ca", "identity_ca.cert.pem"},
      {"dds.sec.auth.identity_certificate", "cert.pem"},
      {"dds.sec.auth.private_key", "key.pem"},
      {"dds.sec.access.permissions_ca", "permissions_ca.cert.pem"},
      {"dds.sec.access.governance", "governance.p7s"},
      {"dds.sec.access.permissions", "permissions.p7s"},
  };
  for (size_t i = 0; i < 6; i++) {
    snprintf(want, sizeof want, "file:%s/enclaves/lms/node/%s", ks.path, files[i][1]);
    const char *got = ros_security_prop_value(&c, files[i][0]);
    CHECK_MSG(got && strcmp(got, want) == 0, "%s = %s", files[i][0], got ? got : "(unset)");
  }
  CHECK(ros_security_prop_value(&c, "org.eclipse.cyclonedds.sec.auth.crl") == NULL);
  /* The plugins: the files in the build's plugin directory, with the standard entry points. */
  snprintf(want, sizeof want, "%s/libdds_security_auth.so", PLUGIN_DIR);
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.auth.library.path"), want);
  snprintf(want, sizeof want, "%s/libdds_security_ac.so", PLUGIN_DIR);
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.access.library.path"), want);
  snprintf(want, sizeof want, "%s/libdds_security_crypto.so", PLUGIN_DIR);
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.crypto.library.path"), want);
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.auth.library.init"), "init_authentication");
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.auth.library.finalize"),
               "finalize_authentication");
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.crypto.library.init"), "init_crypto");
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.crypto.library.finalize"), "finalize_crypto");
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.access.library.init"), "init_access_control");
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.access.library.finalize"),
               "finalize_access_control");
  CHECK_EQ_INT((int)c.prop_count, 15);

  /* No plugin directory (or one without the plugins): the bare names, for the loader. */
  CHECK(ros_security_load(NODE_ENCLAVE, "/nonexistent", fake_get, &fe, &c, &e) == ROS_OK);
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.auth.library.path"), "dds_security_auth");
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.access.library.path"), "dds_security_ac");
  CHECK(ros_security_load(NODE_ENCLAVE, NULL, fake_get, &fe, &c, &e) == ROS_OK);
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.crypto.library.path"), "dds_security_crypto");

  /* An optional crl.pem becomes Cyclone's CRL property. */
  char crl[500];
  write_node_file(&ks, "crl.pem", "not checked here\n", crl, sizeof crl);
  CHECK(ros_security_load(NODE_ENCLAVE, NULL, fake_get, &fe, &c, &e) == ROS_OK);
  snprintf(want, sizeof want, "file:%s", crl);
  CHECK_EQ_STR(ros_security_prop_value(&c, "org.eclipse.cyclonedds.sec.auth.crl"), want);
  keystore_remove(&ks);
}

TEST(ros_security_enclave_override_wins_and_root_enclave_is_the_enclaves_dir) {
  keystore ks;
  CHECK(keystore_make(&ks));
  fake_env fe = {{"ROS_SECURITY_ENABLE", "ROS_SECURITY_KEYSTORE", "ROS_SECURITY_ENCLAVE_OVERRIDE"},
                 {"true", ks.path, CLIENT_ENCLAVE}};
  ros_security_config c;
  ros_error e = {0};
  CHECK(ros_security_load(NODE_ENCLAVE, NULL, fake_get, &fe, &c, &e) == ROS_OK);
  char want[600];
  snprintf(want, sizeof want, "file:%s/enclaves/lms/client/cert.pem", ks.path);
  CHECK(c.active);
  CHECK_EQ_STR(ros_security_prop_value(&c, "dds.sec.auth.identity_certificate"), want);
  /* No enclave and no override: "/", i.e. <keystore>/enclaves, which has no identity here. */
  fe.values[2] = "";
  CHECK(ros_security_load(NULL, NULL, fake_get, &fe, &c, &e) == ROS_OK);
  CHECK(!c.active && !c.enforce);
  snprintf(want, sizeof want, "%s/enclaves", ks.path);
  CHECK_EQ_STR(c.enclave_dir, want);
  CHECK_CONTAINS(c.warning, "has no readable identity_ca.cert.pem");
  keystore_remove(&ks);
}

/* Under Enforce each missing piece is an error naming it; under Permissive the same sentence
 * is the warning of an unsecured start. */
static void expect_missing(fake_env *fe, const char *enclave, const char *needle) {
  ros_security_config c;
  ros_error e = {0};
  fe->values[2] = "Enforce";
  CHECK_EQ_INT(ros_security_load(enclave, NULL, fake_get, fe, &c, &e), ROS_ERR_SECURITY);
  CHECK_CONTAINS(e.message, "SECURITY ERROR");
  CHECK_CONTAINS(e.message, needle);
  CHECK(!c.active && c.prop_count == 0);
  fe->values[2] = "Permissive";
  CHECK(ros_security_load(enclave, NULL, fake_get, fe, &c, &e) == ROS_OK);
  CHECK(c.requested && !c.enforce && !c.active && c.prop_count == 0);
  CHECK_CONTAINS(c.warning, needle);
  CHECK_CONTAINS(c.warning, "WITHOUT security");
}

TEST(ros_security_missing_pieces_fail_under_enforce_and_warn_under_permissive) {
  keystore ks;
  CHECK(keystore_make(&ks));
  fake_env fe = {{"ROS_SECURITY_ENABLE", "ROS_SECURITY_KEYSTORE", "ROS_SECURITY_STRATEGY",
                  "ROS_SECURITY_ENCLAVE_OVERRIDE"},
                 {"true", NULL, "Enforce", NULL}};
  expect_missing(&fe, NODE_ENCLAVE, "ROS_SECURITY_KEYSTORE is not set");
  fe.values[1] = ks.path;
  expect_missing(&fe, "/lms/nobody", "enclave '/lms/nobody' has no directory");
  expect_missing(&fe, "/lms/nobody", "/enclaves/lms/nobody");
  fe.values[3] = "/../../etc";
  expect_missing(&fe, NODE_ENCLAVE, "(ROS_SECURITY_ENCLAVE_OVERRIDE) is not a valid enclave name");
  fe.values[3] = NULL;
  char key[600];
  snprintf(key, sizeof key, "%s/enclaves/lms/node/key.pem", ks.path);
  CHECK(unlink(key) == 0);
  expect_missing(&fe, NODE_ENCLAVE, "has no readable key.pem");
  char gov[600];
  snprintf(gov, sizeof gov, "%s/enclaves/governance.p7s", ks.path);
  CHECK(unlink(gov) == 0); /* the enclave's symlink now dangles */
  expect_missing(&fe, CLIENT_ENCLAVE, "has no readable governance.p7s");
  keystore_remove(&ks);
}

/* ---- DDS cases ---- */

static void keystore_with_env(keystore *ks, const char *strategy) {
  CHECK(keystore_make(ks));
  secure_env(ks, strategy);
}

static ros_status secured_context(const char *enclave, ros_context **ctx, ros_error *e) {
  ros_context_options o = {.domain_id = -1, .enclave = enclave};
  return ros_context_create(&o, ctx, e);
}

/* A context that must start, secured or not as given. */
static ros_context *context_ok(const char *enclave, bool secure) {
  ros_context *ctx = NULL;
  ros_error e = {0};
  CHECK_MSG(secured_context(enclave, &ctx, &e) == ROS_OK, "%s", e.message);
  CHECK_EQ_INT(ros_context_is_secure(ctx), secure);
  return ctx;
}

TEST(ros_security_context_enforce_without_the_enclave_refuses_to_start) {
  keystore ks;
  ros_context *ctx = NULL;
  ros_error e = {0};
  keystore_with_env(&ks, "Enforce");
  CHECK_EQ_INT(secured_context("/lms/nobody", &ctx, &e), ROS_ERR_SECURITY);
  CHECK(ctx == NULL);
  CHECK_CONTAINS(e.message, "enclave '/lms/nobody' has no directory");
  /* A corrupt certificate passes the file check but Cyclone refuses it: still no start. */
  char cert[600];
  write_node_file(&ks, "cert.pem",
                  "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n",
                  cert, sizeof cert);
  CHECK_EQ_INT(secured_context(NODE_ENCLAVE, &ctx, &e), ROS_ERR_SECURITY);
  CHECK_CONTAINS(e.message, "cannot create the secured DDS participant");
  CHECK(ctx == NULL);
  keystore_remove(&ks);
}

TEST(ros_security_context_permissive_without_the_enclave_runs_unsecured) {
  keystore ks;
  keystore_with_env(&ks, "Permissive");
  CHECK(ros_context_destroy(context_ok("/lms/nobody", false)) == ROS_OK);
  /* With its files, the same strategy runs secured. */
  CHECK(ros_context_destroy(context_ok(NODE_ENCLAVE, true)) == ROS_OK);
  keystore_remove(&ks);
}

TEST(ros_security_context_permissions_deny_a_topic_the_grant_denies) {
  keystore ks;
  keystore_with_env(&ks, "Enforce");
  ros_context *ctx = context_ok(NODE_ENCLAVE, true);
  ros_error e = {0};
  ros_node *node = NULL;
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  CHECK_MSG(ros_node_create(ctx, "sec_node", NULL, &no, &node, &e) == ROS_OK, "%s", e.message);
  ros_publisher *ok = NULL, *denied = NULL;
  CHECK_MSG(ros_publisher_create(node, CHATTER, STRING_T, NULL, &ok, &e) == ROS_OK, "%s", e.message);
  CHECK(ros_publisher_create(node, "lms_sec_denied", STRING_T, NULL, &denied, &e) != ROS_OK);
  CHECK(denied == NULL);
  ros_publisher_destroy(ok);
  CHECK(ros_node_destroy(node) == ROS_OK);
  CHECK(ros_context_destroy(ctx) == ROS_OK);
  keystore_remove(&ks);
}

/* The secured node: answers SetModel with "secured <name>" and publishes "secret" every
 * 100 ms, until SIGTERM. Writes one byte to ready_fd once its entities exist. Exit code 0
 * when all went well. */
static void on_set_model(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  (void)user;
  const setmodel_req *rq = request;
  char msg[128];
  snprintf(msg, sizeof msg, "secured %s", rq->model_name ? rq->model_name : "");
  setmodel_resp r = {.success = true, .message = msg};
  (void)ros_service_reply(s, id, &r, NULL);
}

static void publish_secret(void *user) {
  std_msgs_msg_dds__String_ m = {.data = "secret"};
  (void)ros_publisher_publish(user, &m, NULL);
}

static int run_secured_node(const keystore *ks, int ready_fd) {
  secure_env(ks, "Enforce");
  ros_context *ctx;
  ros_node *node;
  ros_service *srv;
  ros_publisher *pub;
  ros_error e = {0};
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  if (secured_context(NODE_ENCLAVE, &ctx, &e) != ROS_OK || !ros_context_is_secure(ctx)) {
    fprintf(stderr, "secured node: %s\n", e.message);
    return 3;
  }
  if (ros_node_create(ctx, "sec_node", NULL, &no, &node, &e) != ROS_OK ||
      ros_service_create(node, SERVICE, SETMODEL, NULL, on_set_model, NULL, &srv, &e) != ROS_OK ||
      ros_publisher_create(node, CHATTER, STRING_T, NULL, &pub, &e) != ROS_OK) {
    fprintf(stderr, "secured node: %s\n", e.message);
    return 4;
  }
  ros_timer *t = ros_timer_create(ctx, 100 * 1000 * 1000, publish_secret, pub);
  ros_context_install_signal_handlers(ctx, NULL);
  if (write(ready_fd, "r", 1) != 1) return 5;
  while (!ros_context_shutdown_requested(ctx)) ros_context_spin(ctx, 1000);
  ros_timer_destroy(t);
  ros_publisher_destroy(pub);
  ros_service_destroy(srv);
  if (ros_node_destroy(node) != ROS_OK) return 6;
  return ros_context_destroy(ctx) == ROS_OK ? 0 : 7;
}

static pid_t start_secured_node(const keystore *ks) {
  int p[2];
  if (pipe(p) != 0) return -1;
  pid_t child = fork_child();
  if (child == 0) {
    close(p[0]);
    _exit(run_secured_node(ks, p[1]));
  }
  close(p[1]);
  char b;
  ssize_t n;
  do n = read(p[0], &b, 1);
  while (n < 0 && errno == EINTR);
  close(p[0]);
  if (n != 1) { /* the child died before it was ready */
    if (child > 0) waitpid(child, NULL, 0);
    return -1;
  }
  return child;
}

static bool stop_child(pid_t child) {
  int status = 0;
  return kill(child, SIGTERM) == 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

typedef struct heard {
  int count;
  char last[64];
} heard;

static void on_chatter(void *user, const void *msg, const ros_message_info *info) {
  (void)info;
  heard *h = user;
  h->count++;
  snprintf(h->last, sizeof h->last, "%s", ((const std_msgs_msg_dds__String_ *)msg)->data);
}

static bool heard_something(void *user) { return ((heard *)user)->count > 0; }

/* A client in this process (its context made from the current environment, enclave as given):
 * does it get the node's answer and hear its topic within wait_ms? Fills *answer. */
static bool client_reaches_node(const char *enclave, int64_t wait_ms, bool *secure,
                                char *answer, size_t answer_size, heard *h) {
  ros_context *ctx;
  ros_node *node;
  ros_client *cl;
  ros_subscription *sub;
  ros_error e = {0};
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  answer[0] = '\0';
  if (secured_context(enclave, &ctx, &e) != ROS_OK) {
    snprintf(answer, answer_size, "context: %s", e.message);
    return false;
  }
  *secure = ros_context_is_secure(ctx);
  if (ros_node_create(ctx, "sec_client", NULL, &no, &node, &e) != ROS_OK ||
      ros_client_create(node, SERVICE, SETMODEL, NULL, &cl, &e) != ROS_OK ||
      ros_subscription_create(node, CHATTER, STRING_T, NULL, on_chatter, h, &sub, &e) != ROS_OK) {
    snprintf(answer, answer_size, "entities: %s", e.message);
    return false;
  }
  bool reached = false;
  if (ros_client_wait_for_service(cl, wait_ms * 1000000LL) == ROS_OK) {
    setmodel_req rq = {.model_name = "m1"};
    setmodel_resp rs;
    memset(&rs, 0, sizeof rs);
    if (ros_client_call_sync(cl, &rq, &rs, 10LL * 1000000000LL, &e) == ROS_OK) {
      snprintf(answer, answer_size, "%s", rs.message ? rs.message : "");
      reached = rs.success;
      dds_sample_free(&rs, ros_client_response_type(cl)->desc, DDS_FREE_CONTENTS);
    }
  } else {
    /* Not available: a request sent anyway must go unanswered. */
    setmodel_req rq = {.model_name = "m1"};
    if (ros_client_call_sync(cl, &rq, NULL, 1000LL * 1000000LL, &e) == ROS_OK)
      snprintf(answer, answer_size, "answered although unavailable");
  }
  spin_until(ctx, heard_something, h, reached ? wait_ms : 1000);
  ros_subscription_destroy(sub);
  ros_client_destroy(cl);
  (void)ros_node_destroy(node);
  (void)ros_context_destroy(ctx);
  return reached;
}

TEST(ros_security_secured_client_reaches_the_secured_node) {
  keystore ks;
  CHECK(keystore_make(&ks));
  pid_t child = start_secured_node(&ks);
  CHECK_MSG(child > 0, "the secured node did not start");
  secure_env(&ks, "Enforce");
  bool secure = false;
  char answer[600];
  heard h = {0};
  bool reached = client_reaches_node(CLIENT_ENCLAVE, 30000, &secure, answer, sizeof answer, &h);
  CHECK(secure);
  CHECK_MSG(reached, "no answer: '%s'", answer);
  CHECK_EQ_STR(answer, "secured m1");
  CHECK_MSG(h.count > 0, "the secured topic never arrived");
  CHECK_EQ_STR(h.last, "secret");
  CHECK(stop_child(child));
  keystore_remove(&ks);
}

/* Secured client in a child process (the parent stays unsecured): exit 0 when it got the answer
 * and the topic. */
static int run_secured_client(const keystore *ks) {
  secure_env(ks, "Enforce");
  bool secure = false;
  char answer[600];
  heard h = {0};
  bool reached = client_reaches_node(CLIENT_ENCLAVE, 30000, &secure, answer, sizeof answer, &h);
  if (!secure) return 3;
  if (!reached || strcmp(answer, "secured m1") != 0) return 4;
  return h.count > 0 ? 0 : 5;
}

TEST(ros_security_unsecured_participant_cannot_call_or_read_the_secured_node) {
  keystore ks;
  CHECK(keystore_make(&ks));
  pid_t node = start_secured_node(&ks);
  CHECK_MSG(node > 0, "the secured node did not start");
  unsecure_env();
  /* Discovery is encrypted: a plain participant does not even see the endpoints. */
  test_endpoint w;
  CHECK_MSG(!test_find_endpoint('W', "rt/" CHATTER, 3000, &w), "an unsecured participant saw "
            "the secured node's publisher");
  bool secure = true;
  char answer[600];
  heard h = {0};
  bool reached = client_reaches_node(NODE_ENCLAVE, 4000, &secure, answer, sizeof answer, &h);
  CHECK(!secure);
  CHECK_MSG(!reached && answer[0] == '\0', "the unsecured client got '%s'", answer);
  CHECK_MSG(h.count == 0, "the unsecured subscription heard %d messages", h.count);
  /* Meanwhile the node was there for a secured client. */
  pid_t client = fork_child();
  if (client == 0) _exit(run_secured_client(&ks));
  int status = 0;
  CHECK(waitpid(client, &status, 0) == client);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "secured client status %d", status);
  CHECK(stop_child(node));
  keystore_remove(&ks);
}
