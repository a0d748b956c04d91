/* test_ros_params.c: a node's parameters (ros_params.h) over DDS on loopback, against a
 * ROS-style client built from ros_client: the recorded endpoints, declaration with -p and
 * params-file overrides, get/set/describe/list/types with rclcpp's answers, atomic sets,
 * /parameter_events, read-only and callback refusals, and secrets.
 * Each case has its own domain (ros_params.cmake); one process holds the server node
 * "/lm_studio_node" and a client node. */
#include <sched.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/clock.h"
#include "ros_params_fixture.h"
#include "ros_test_util.h"
#include "testing.h"

TEST(ros_params_server_endpoints_match_recording) {
  fx f;
  const char *argv[] = {"prog"};
  fx_init(&f, 1, argv);
  const char *topics[] = {"rt/parameter_events"};
  CHECK_MSG(test_endpoint_matches_recording('W', topics[0]) == NULL, "%s", test_endpoint_matches_recording('W', topics[0]));
  for (int i = 0; i < C_COUNT; i++) {
    char rq[128], rr[128];
    snprintf(rq, sizeof rq, "rq/lm_studio_node/%sRequest", srv_names[i][0]);
    snprintf(rr, sizeof rr, "rr/lm_studio_node/%sReply", srv_names[i][0]);
    const char *d1 = test_endpoint_matches_recording('R', rq);
    CHECK_MSG(d1 == NULL, "%s: %s", rq, d1);
    const char *d2 = test_endpoint_matches_recording('W', rr);
    CHECK_MSG(d2 == NULL, "%s: %s", rr, d2);
  }
  fx_fini(&f);
}

TEST(ros_params_declare_takes_cmdline_and_file_overrides) {
  char path[] = "/tmp/lms_params_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char *yaml = "/**:\n  ros__parameters:\n    camera:\n      fps: 60\n    temperature: 1.5\n"
                     "/lm_studio_node:\n  ros__parameters:\n    model: from-file\n    typo_param: 1\n"
                     "/other_node:\n  ros__parameters:\n    max_tokens: 9\n";
  CHECK(write(fd, yaml, strlen(yaml)) == (ssize_t)strlen(yaml));
  close(fd);
  const char *argv[] = {"prog", "--ros-args", "--params-file", path, "-p", "temperature:=0.25", "-p",
                        "api_key:=sk-from-cli"};
  fx f;
  fx_init(&f, 8, argv);
  unlink(path);
  declare_common(&f);
  double t;
  CHECK_EQ_INT(ros_params_get_double(f.node, "temperature", &t), ROS_OK);
  CHECK(t == 0.25); /* -p came after the file: it wins */
  char s[64];
  CHECK_EQ_INT(ros_params_get_string(f.node, "model", s, sizeof s), ROS_OK);
  CHECK_EQ_STR(s, "from-file");
  CHECK_EQ_INT(ros_params_get_string(f.node, "api_key", s, sizeof s), ROS_OK);
  CHECK_EQ_STR(s, "sk-from-cli");
  int64_t i;
  CHECK_EQ_INT(ros_params_get_int(f.node, "camera.fps", &i), ROS_OK);
  CHECK_EQ_INT(i, 60);
  CHECK_EQ_INT(ros_params_get_int(f.node, "max_tokens", &i), ROS_OK);
  CHECK_EQ_INT(i, 256); /* another node's entry does not apply */
  char **unused;
  size_t n_unused;
  CHECK_EQ_INT(ros_params_unused_overrides(f.node, &unused, &n_unused), ROS_OK);
  CHECK_EQ_INT(n_unused, 1);
  CHECK_EQ_STR(unused[0], "typo_param");
  free(unused[0]);
  free(unused);
  fx_fini(&f);
}

TEST(ros_params_declare_refuses_overrides_that_do_not_fit) {
  const char *argv[] = {"prog", "--ros-args", "-p", "temperature:=hot", "-p", "max_tokens:=0", "-p", "rate:=2",
                        "-p", "api_key:=12345"};
  fx f;
  fx_init(&f, 10, argv);
  ros_error e;
  ros_param_value v = dbl_v(0.7);
  ros_param_descriptor d = {0};
  d.floating_point_range = (ros_param_floating_point_range){true, 0.0, 2.0, 0.0};
  CHECK_EQ_INT(ros_params_declare(f.node, "temperature", &v, &d, &e), ROS_ERR_BAD_ARGS);
  CHECK_CONTAINS(e.message, "parameter 'temperature'");
  CHECK_CONTAINS(e.message, "hot");
  CHECK_CONTAINS(e.message, "temperature:=hot");
  CHECK_CONTAINS(e.message, "is of type {double}, setting it to {string}");
  ros_param_descriptor di = {0};
  di.integer_range = (ros_param_integer_range){true, 1, 4096, 1};
  v = int_v(256);
  CHECK_EQ_INT(ros_params_declare(f.node, "max_tokens", &v, &di, &e), ROS_ERR_BAD_ARGS);
  CHECK_CONTAINS(e.message, "0 is outside the integer range [1, 4096]");
  v = dbl_v(1.0);
  CHECK_EQ_INT(ros_params_declare(f.node, "rate", &v, NULL, &e), ROS_ERR_BAD_ARGS);
  CHECK_CONTAINS(e.message, "write a double as 1.0");
  CHECK(!ros_params_has(f.node, "temperature") && !ros_params_has(f.node, "rate"));
  /* A secret's value never appears in an error. */
  ros_param_descriptor ds = {.secret = true};
  v = str_v("x");
  CHECK_EQ_INT(ros_params_declare(f.node, "api_key", &v, &ds, &e), ROS_ERR_BAD_ARGS);
  CHECK(strstr(e.message, "12345 from") == NULL);
  CHECK_CONTAINS(e.message, "<hidden>");
  ros_param_value_fini(&v);
  fx_fini(&f);
}

TEST(ros_params_declare_refuses_bad_calls) {
  const char *argv[] = {"prog"};
  fx f;
  fx_init(&f, 1, argv);
  ros_error e;
  ros_param_value v = int_v(1);
  CHECK_EQ_INT(ros_params_declare(NULL, "a", &v, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_declare(f.node, "bad name", &v, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_declare(f.node, "a", &v, NULL, &e), ROS_OK);
  CHECK_EQ_INT(ros_params_declare(f.node, "a", &v, NULL, &e), ROS_ERR_STATE);
  CHECK_CONTAINS(e.message, "already been declared");
  CHECK_EQ_INT(ros_params_declare(f.node, "b", NULL, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  ros_param_descriptor typed = {.type = ROS_PARAM_INTEGER};
  CHECK_EQ_INT(ros_params_declare(f.node, "required", NULL, &typed, &e), ROS_ERR_BAD_ARGS);
  CHECK_CONTAINS(e.message, "-p required:=VALUE");
  ros_param_descriptor dyn = {.dynamic_typing = true};
  CHECK_EQ_INT(ros_params_declare(f.node, "anything", NULL, &dyn, &e), ROS_OK);
  ros_param_descriptor secret_int = {.secret = true};
  CHECK_EQ_INT(ros_params_declare(f.node, "pin", &v, &secret_int, &e), ROS_ERR_INVALID_ARGUMENT);
  ros_param_descriptor range = {0};
  range.integer_range = (ros_param_integer_range){true, 5, 10, 0};
  CHECK_EQ_INT(ros_params_declare(f.node, "c", &v, &range, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(e.message, "default does not fit");
  /* Undeclare: static types and read-only refused, dynamic allowed. */
  CHECK_EQ_INT(ros_params_undeclare(f.node, "a", &e), ROS_ERR_STATE);
  CHECK_EQ_INT(ros_params_undeclare(f.node, "anything", &e), ROS_OK);
  CHECK_EQ_INT(ros_params_undeclare(f.node, "anything", &e), ROS_ERR_NOT_FOUND);
  fx_fini(&f);
}

TEST(ros_params_set_from_code_checks_descriptor) {
  const char *argv[] = {"prog"};
  fx f;
  fx_init(&f, 1, argv);
  declare_common(&f);
  ros_error e;
  ros_param_value v = dbl_v(1.25);
  CHECK_EQ_INT(ros_params_set(f.node, "temperature", &v, &e), ROS_OK);
  v = dbl_v(2.5);
  CHECK_EQ_INT(ros_params_set(f.node, "temperature", &v, &e), ROS_ERR_REJECTED);
  CHECK_CONTAINS(e.message, "2.5 is outside the floating-point range [0, 2]");
  v = int_v(1);
  CHECK_EQ_INT(ros_params_set(f.node, "temperature", &v, &e), ROS_ERR_REJECTED);
  CHECK_CONTAINS(e.message, "Wrong parameter type");
  ros_param_value s = str_v("2.0");
  CHECK_EQ_INT(ros_params_set(f.node, "node_version", &s, &e), ROS_ERR_REJECTED);
  CHECK_EQ_STR(e.message, "parameter 'node_version' is read-only");
  CHECK_EQ_INT(ros_params_set(f.node, "nope", &s, &e), ROS_ERR_NOT_FOUND);
  ros_param_value_fini(&s);
  double t;
  CHECK_EQ_INT(ros_params_get_double(f.node, "temperature", &t), ROS_OK);
  CHECK(t == 1.25);
  bool b;
  CHECK_EQ_INT(ros_params_get_bool(f.node, "temperature", &b), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_get_bool(f.node, "nope", &b), ROS_ERR_NOT_FOUND);
  char tiny[3];
  CHECK_EQ_INT(ros_params_get_string(f.node, "model", tiny, sizeof tiny), ROS_ERR_LIMIT);
  /* Dynamic typing: any type, and NOT_SET undeclares. */
  s = str_v("thirty");
  CHECK_EQ_INT(ros_params_set(f.node, "camera.fps", &s, &e), ROS_OK);
  ros_param_value_fini(&s);
  ros_param_value unset;
  ros_param_value_init(&unset);
  CHECK_EQ_INT(ros_params_set(f.node, "camera.fps", &unset, &e), ROS_OK);
  CHECK(!ros_params_has(f.node, "camera.fps"));
  fx_fini(&f);
}

TEST(ros_params_api_refuses_null_arguments) {
  const char *argv[] = {"prog"};
  fx f;
  fx_init(&f, 1, argv);
  ros_param_value v = int_v(1);
  int64_t i;
  CHECK_EQ_INT(ros_params_get(NULL, "a", &v), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_get(f.node, NULL, &v), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_get(f.node, "a", NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_get_int(f.node, "a", NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_get_int(NULL, "a", &i), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_set(NULL, "a", &v, NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_set(f.node, "a", NULL, NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_undeclare(f.node, NULL, NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_params_set_callback(NULL, NULL, NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK(!ros_params_has(NULL, "a") && !ros_params_has(f.node, NULL));
  CHECK_EQ_INT(ros_params_unused_overrides(f.node, NULL, NULL), ROS_ERR_INVALID_ARGUMENT);
  struct ros_param_server *ps;
  CHECK_EQ_INT(ros_param_server_create(NULL, NULL, &ps, NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_param_server_create(f.node, NULL, NULL, NULL), ROS_ERR_INVALID_ARGUMENT);
  ros_param_server_destroy(NULL);
  /* A node made without parameter services still keeps local parameters, as rclcpp does,
   * and serves nothing. */
  ros_node *bare;
  ros_node_options o = {.no_parameter_services = true};
  CHECK(ros_node_create(f.ctx, "bare", NULL, &o, &bare, NULL) == ROS_OK);
  ros_error e;
  CHECK_EQ_INT(ros_params_declare(bare, "a", &v, NULL, &e), ROS_OK);
  CHECK(ros_params_has(bare, "a"));
  test_endpoint ep;
  CHECK(!test_find_endpoint('R', "rq/bare/get_parametersRequest", 300, &ep));
  CHECK_EQ_INT(ros_node_destroy(bare), ROS_OK);
  fx_fini(&f);
}

TEST(ros_params_declare_stops_at_the_limit) {
  const char *argv[] = {"prog"};
  fx f;
  fx_init(&f, 1, argv);
  ros_error e;
  ros_param_value v = int_v(1);
  for (int i = 0; i < ROS_PARAMS_MAX_DECLARED; i++) {
    char name[32];
    snprintf(name, sizeof name, "p%04d", ROS_PARAMS_MAX_DECLARED - i); /* reverse order: sorted inserts */
    CHECK_MSG(ros_params_declare(f.node, name, &v, NULL, &e) == ROS_OK, "%s", e.message);
  }
  CHECK_EQ_INT(ros_params_declare(f.node, "one_more", &v, NULL, &e), ROS_ERR_LIMIT);
  CHECK(ros_params_has(f.node, "p0001") && ros_params_has(f.node, "p1024"));
  fx_fini(&f);
}

typedef struct reader_arg {
  ros_node *node;
  atomic_bool stop;
  atomic_int reads;
  int bad;
} reader_arg;

static void *read_loop(void *p) {
  reader_arg *a = p;
  while (!atomic_load(&a->stop)) {
    int64_t v;
    if (ros_params_get_int(a->node, "counter", &v) != ROS_OK || v < 0) a->bad++;
    atomic_fetch_add(&a->reads, 1);
  }
  return NULL;
}

TEST(ros_params_get_is_safe_from_another_thread) {
  const char *argv[] = {"prog"};
  fx f;
  fx_init(&f, 1, argv);
  ros_param_value v = int_v(0);
  CHECK(ros_params_declare(f.node, "counter", &v, NULL, NULL) == ROS_OK);
  reader_arg a = {.node = f.node};
  atomic_init(&a.stop, false);
  atomic_init(&a.reads, 0);
  pthread_t th;
  CHECK(pthread_create(&th, NULL, read_loop, &a) == 0);
  while (atomic_load(&a.reads) == 0) sched_yield(); /* the reader runs while we write */
  for (int i = 1; i <= 2000; i++) {
    v = int_v(i);
    CHECK(ros_params_set(f.node, "counter", &v, NULL) == ROS_OK);
  }
  atomic_store(&a.stop, true);
  pthread_join(th, NULL);
  CHECK_EQ_INT(a.bad, 0);
  CHECK(atomic_load(&a.reads) > 0);
  fx_fini(&f);
}
