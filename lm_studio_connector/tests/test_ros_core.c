/* test_ros_core.c: the wire layer's core over real DDS on loopback: QoS translation, USER_DATA,
 * participant and graph (ros_discovery_info with exact GIDs), node names and remapping,
 * publishers/subscriptions against the recorded endpoints, executor timers and wakeups, and a
 * clean exit on SIGTERM in a separate process. */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "ros/ros_context.h"
#include "ros/ros_internal.h"
#include "ros/ros_names.h"
#include "ros/ros_node.h"
#include "ros/ros_qos.h"
#include "ros/ros_topic.h"
#include "humble_graph.h"
#include "ros_test_util.h"
#include "testing.h"

typedef struct env {
  ros_context *ctx;
  ros_node *node;
} env;

static void env_up(env *v, const char *name, const char *ns, const ros_args *args) {
  ros_error e;
  CHECK_MSG(ros_context_create(NULL, &v->ctx, &e) == ROS_OK, "%s", e.message);
  ros_node_options o = {.args = args, .no_rosout = true, .no_parameter_services = true};
  CHECK_MSG(ros_node_create(v->ctx, name, ns, &o, &v->node, &e) == ROS_OK, "%s", e.message);
}

static void env_down(env *v) {
  CHECK_EQ_INT(ros_node_destroy(v->node), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(v->ctx), ROS_OK);
}

/* Spins until *flag becomes true or timeout_ms passes. */
static bool spin_until(ros_context *c, volatile int *flag, int want, int timeout_ms) {
  int64_t end = clock_mono_ms() + timeout_ms;
  while (*flag < want && clock_mono_ms() < end) ros_context_spin(c, 20);
  return *flag >= want;
}

TEST(ros_qos_profiles_translate_to_cyclone) {
  dds_qos_t *q = ros_qos_to_dds(&ros_qos_rosout, "typehash=X;");
  dds_history_kind_t hk;
  int32_t depth;
  CHECK(dds_qget_history(q, &hk, &depth) && hk == DDS_HISTORY_KEEP_LAST && depth == 1000);
  dds_reliability_kind_t rk;
  dds_duration_t block;
  CHECK(dds_qget_reliability(q, &rk, &block) && rk == DDS_RELIABILITY_RELIABLE &&
        block == DDS_INFINITY);
  dds_durability_kind_t dk;
  CHECK(dds_qget_durability(q, &dk) && dk == DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_duration_t cleanup, lifespan;
  int32_t sdepth, a, b, c;
  dds_history_kind_t shk;
  CHECK(dds_qget_durability_service(q, &cleanup, &shk, &sdepth, &a, &b, &c));
  CHECK(shk == DDS_HISTORY_KEEP_LAST && sdepth == 1000);
  CHECK(dds_qget_lifespan(q, &lifespan) && lifespan == DDS_SECS(10));
  bool autodispose = true;
  CHECK(dds_qget_writer_data_lifecycle(q, &autodispose) && !autodispose);
  uint32_t n = 0;
  dds_data_representation_id_t *reps = NULL;
  CHECK(dds_qget_data_representation(q, &n, &reps) && n == 1 &&
        reps[0] == DDS_DATA_REPRESENTATION_XCDR1);
  dds_free(reps);
  void *ud;
  size_t len;
  CHECK(dds_qget_userdata(q, &ud, &len) && len == 11 && memcmp(ud, "typehash=X;", 11) == 0);
  dds_free(ud);
  dds_delete_qos(q);

  q = ros_qos_to_dds(&ros_qos_sensor_data, NULL);
  CHECK(dds_qget_reliability(q, &rk, &block) && rk == DDS_RELIABILITY_BEST_EFFORT);
  CHECK(dds_qget_history(q, &hk, &depth) && depth == 5);
  CHECK(dds_qget_durability(q, &dk) && dk == DDS_DURABILITY_VOLATILE);
  CHECK(!dds_qget_userdata(q, &ud, &len) || len == 0);
  dds_delete_qos(q);
  ros_qos zero = ros_qos_with_depth(ros_qos_default, 0);
  q = ros_qos_to_dds(&zero, NULL);
  CHECK(dds_qget_history(q, &hk, &depth) && depth == 1); /* depth 0 means 1, as in rmw */
  dds_delete_qos(q);
}

TEST(ros_qos_user_data_builds_and_parses_rmw_grammar) {
  char ud[256], v[128];
  CHECK(ros_qos_user_data(ud, sizeof ud, "serviceid", " 1.10.a.0.0.0.0.0.0.0.0.0.0.0.0.7", "RIHS01_ab"));
  CHECK_EQ_STR(ud, "serviceid= 1.10.a.0.0.0.0.0.0.0.0.0.0.0.0.7;typehash=RIHS01_ab;");
  CHECK(ros_qos_user_data_get(ud, strlen(ud), "typehash", v, sizeof v));
  CHECK_EQ_STR(v, "RIHS01_ab");
  CHECK(ros_qos_user_data_get(ud, strlen(ud) + 1, "serviceid", v, sizeof v)); /* trailing NUL */
  CHECK_EQ_STR(v, " 1.10.a.0.0.0.0.0.0.0.0.0.0.0.0.7");
  CHECK(ros_qos_user_data(ud, sizeof ud, NULL, NULL, "H"));
  CHECK_EQ_STR(ud, "typehash=H;");
  CHECK(!ros_qos_user_data(ud, 8, NULL, NULL, "RIHS01_long"));
  const char *bad[] = {"a_b=1;", "k=;", "k=v", "=v;", "k=v;;"};
  for (size_t i = 0; i < 5; i++)
    CHECK_MSG(!ros_qos_user_data_get(bad[i], strlen(bad[i]), "k", v, sizeof v), "%s", bad[i]);
  CHECK(!ros_qos_user_data_get("a=1;", 4, "b", v, sizeof v));
}

TEST(ros_error_every_code_has_a_name_and_sentence) {
  for (int i = 0; i < ROS_STATUS_COUNT; i++) {
    CHECK(strncmp(ros_status_name((ros_status)i), "ROS_", 4) == 0);
    CHECK(ros_strerror((ros_status)i)[0]);
    for (int j = 0; j < i; j++)
      CHECK(strcmp(ros_status_name((ros_status)i), ros_status_name((ros_status)j)) != 0);
  }
  CHECK_EQ_STR(ros_status_name((ros_status)999), "ROS_ERR_?");
}

TEST(ros_context_participant_announces_enclave) {
  env v;
  env_up(&v, "talker", NULL, NULL);
  dds_entity_t pp = dds_create_participant(test_domain_id(), NULL, NULL);
  dds_entity_t rd = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSPARTICIPANT, NULL, NULL);
  dds_guid_t ours;
  dds_get_guid(ros_context_participant(v.ctx), &ours);
  bool seen = false;
  for (int tries = 0; tries < 300 && !seen; tries++) {
    void *s[16] = {0};
    dds_sample_info_t si[16];
    int n = dds_read(rd, s, si, 16, 16);
    for (int i = 0; i < n; i++) {
      const dds_builtintopic_participant_t *p = s[i];
      if (!si[i].valid_data || memcmp(p->key.v, ours.v, 16) != 0) continue;
      void *ud;
      size_t len;
      CHECK(dds_qget_userdata(p->qos, &ud, &len));
      CHECK(len == 10 && memcmp(ud, "enclave=/;", 10) == 0);
      dds_free(ud);
      seen = true;
    }
    if (n > 0) dds_return_loan(rd, s, n);
    clock_sleep_ms(10);
  }
  CHECK(seen);
  dds_delete(pp);
  env_down(&v);
}

/* Waits for a ros_discovery_info sample from participant `gid` and checks it with fn. */
typedef bool (*graph_check)(const rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *info, void *arg);
static bool await_graph(env *v, graph_check fn, void *arg) {
  dds_entity_t pp = dds_create_participant(test_domain_id(), NULL, NULL);
  const ros_type_info *t = ros_types_find("rmw_dds_common/msg/ParticipantEntitiesInfo");
  dds_entity_t tp = dds_create_topic(pp, t->desc, "ros_discovery_info", NULL, NULL);
  ros_qos q = {ROS_HISTORY_KEEP_ALL, 0, ROS_RELIABLE, ROS_TRANSIENT_LOCAL, 0, 0};
  dds_qos_t *dq = ros_qos_to_dds(&q, NULL);
  dds_entity_t rd = dds_create_reader(pp, tp, dq, NULL);
  dds_delete_qos(dq);
  dds_guid_t ours;
  dds_get_guid(ros_context_participant(v->ctx), &ours);
  bool ok = false;
  for (int tries = 0; tries < 300 && !ok; tries++) {
    ros_context_spin_some(v->ctx);
    void *s[8] = {0};
    dds_sample_info_t si[8];
    int n = dds_take(rd, s, si, 8, 8);
    for (int i = 0; i < n; i++) {
      const rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *info = s[i];
      if (si[i].valid_data && memcmp(info->gid.data, ours.v, 16) == 0 && fn(info, arg)) ok = true;
    }
    if (n > 0) dds_return_loan(rd, s, n);
    clock_sleep_ms(10);
  }
  dds_delete(pp);
  return ok;
}

typedef struct graph_want {
  uint8_t writer[16], reader[16];
} graph_want;

static bool has_gid(const dds_sequence_rmw_dds_common_msg_dds__Gid_ *seq, const uint8_t *gid) {
  for (uint32_t i = 0; i < seq->_length; i++)
    if (memcmp(seq->_buffer[i].data, gid, 16) == 0) return true;
  return false;
}

static bool node_with_endpoints(const rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *info,
                                void *arg) {
  graph_want *w = arg;
  if (info->node_entities_info_seq._length != 1) return false;
  const rmw_dds_common_msg_dds__NodeEntitiesInfo_ *n = &info->node_entities_info_seq._buffer[0];
  return strcmp(n->node_namespace, "/robot1") == 0 && strcmp(n->node_name, "talker") == 0 &&
         has_gid(&n->writer_gid_seq, w->writer) && has_gid(&n->reader_gid_seq, w->reader) &&
         n->writer_gid_seq._length == 1 && n->reader_gid_seq._length == 1;
}

static bool no_nodes(const rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *info, void *arg) {
  (void)arg;
  return info->node_entities_info_seq._length == 0;
}

static void ignore_msg(void *user, const void *msg, const ros_message_info *info) {
  (void)user, (void)msg, (void)info;
}

TEST(ros_context_graph_lists_the_node_with_exact_gids) {
  env v;
  env_up(&v, "talker", "robot1", NULL);
  ros_publisher *pub;
  ros_subscription *sub;
  ros_error e;
  CHECK(ros_publisher_create(v.node, "chatter", "std_msgs/msg/String", NULL, &pub, &e) == ROS_OK);
  CHECK(ros_subscription_create(v.node, "/heard", "std_msgs/msg/String", NULL, ignore_msg, NULL,
                                &sub, &e) == ROS_OK);
  test_endpoint w, r;
  CHECK(test_find_endpoint('W', "rt/robot1/chatter", 5000, &w));
  CHECK(test_find_endpoint('R', "rt/heard", 5000, &r));
  graph_want want;
  memcpy(want.writer, w.guid, 16);
  memcpy(want.reader, r.guid, 16);
  CHECK_MSG(await_graph(&v, node_with_endpoints, &want), "graph snapshot not seen");
  const char *diff = test_endpoint_matches_recording('W', "ros_discovery_info");
  CHECK_MSG(!diff, "%s", diff);
  ros_publisher_destroy(pub);
  ros_subscription_destroy(sub);
  CHECK_EQ_INT(ros_node_destroy(v.node), ROS_OK);
  CHECK_MSG(await_graph(&v, no_nodes, NULL), "node not removed from the graph");
  CHECK_EQ_INT(ros_context_destroy(v.ctx), ROS_OK);
}

TEST(ros_node_destroy_refuses_while_entities_exist) {
  env v;
  env_up(&v, "busy", NULL, NULL);
  ros_publisher *pub;
  CHECK(ros_publisher_create(v.node, "x", "std_msgs/msg/String", NULL, &pub, NULL) == ROS_OK);
  CHECK_EQ_INT(ros_node_destroy(v.node), ROS_ERR_BUSY);
  CHECK_EQ_INT(ros_context_destroy(v.ctx), ROS_ERR_BUSY);
  ros_publisher_destroy(pub);
  env_down(&v);
  CHECK_EQ_INT(ros_context_destroy(NULL), ROS_OK);
  CHECK_EQ_INT(ros_node_destroy(NULL), ROS_OK);
}

TEST(ros_node_names_resolve_and_remap) {
  const char *argv[] = {"prog", "--ros-args", "-r", "__node:=renamed", "-r", "__ns:=/r2",
                        "-r", "chatter:=talk", "-r", "rosservice://srv:=/other_srv"};
  ros_args args;
  ros_args_init(&args);
  CHECK(ros_args_parse(&args, 10, argv, NULL) == ROS_ARGS_OK);
  env v;
  env_up(&v, "orig", "/ns1", &args);
  CHECK_EQ_STR(ros_node_name(v.node), "renamed");
  CHECK_EQ_STR(ros_node_namespace(v.node), "/r2");
  CHECK_EQ_STR(ros_node_fqn(v.node), "/r2/renamed");
  CHECK_EQ_STR(ros_node_logger_name(v.node), "r2.renamed");
  char out[ROS_NAME_BUF_SIZE];
  CHECK(ros_node_resolve(v.node, "chatter", false, out, sizeof out, NULL) == ROS_OK);
  CHECK_EQ_STR(out, "/r2/talk");
  CHECK(ros_node_resolve(v.node, "~/private", false, out, sizeof out, NULL) == ROS_OK);
  CHECK_EQ_STR(out, "/r2/renamed/private");
  CHECK(ros_node_resolve(v.node, "srv", true, out, sizeof out, NULL) == ROS_OK);
  CHECK_EQ_STR(out, "/other_srv");
  CHECK(ros_node_resolve(v.node, "srv", false, out, sizeof out, NULL) == ROS_OK);
  CHECK_EQ_STR(out, "/r2/srv"); /* rosservice:// rules leave topics alone */
  ros_error e;
  CHECK_EQ_INT(ros_node_resolve(v.node, "bad name", false, out, sizeof out, &e), ROS_ERR_BAD_NAME);
  CHECK_CONTAINS(e.message, "bad name");
  char id[64], id2[64];
  ros_node_new_entity_id(v.node, id, sizeof id);
  ros_node_new_entity_id(v.node, id2, sizeof id2);
  CHECK(strcmp(id, id2) != 0);
  int dots = 0;
  for (const char *p = id; *p; p++) dots += *p == '.';
  CHECK_EQ_INT(dots, 15);
  CHECK_EQ_INT(strcspn(id, "."), 2); /* first byte padded to width 2 */
  env_down(&v);
  ros_args_fini(&args);
  ros_node *n;
  CHECK(ros_context_create(NULL, &v.ctx, NULL) == ROS_OK);
  CHECK_EQ_INT(ros_node_create(v.ctx, "9bad", NULL, NULL, &n, &e), ROS_ERR_BAD_NAME);
  CHECK_EQ_INT(ros_context_destroy(v.ctx), ROS_OK);
}

typedef struct inbox {
  volatile int count;
  char last[64];
  ros_message_info info;
} inbox;

static void on_string(void *user, const void *msg, const ros_message_info *info) {
  inbox *b = user;
  const std_msgs_msg_dds__String_ *s = msg;
  snprintf(b->last, sizeof b->last, "%s", s->data);
  CHECK(info->source_timestamp_ns > 0);
  b->info = *info;
  b->count++;
}

TEST(ros_topic_string_round_trip_and_recorded_endpoints) {
  env v;
  env_up(&v, "lm_studio_node", NULL, NULL);
  ros_publisher *pub;
  ros_subscription *sub;
  inbox box = {0};
  CHECK(ros_publisher_create(v.node, "lm_text_response", "std_msgs/msg/String", NULL, &pub, NULL) ==
        ROS_OK);
  CHECK(ros_subscription_create(v.node, "chat_input", "std_msgs/msg/String", NULL, on_string, &box,
                                &sub, NULL) == ROS_OK);
  ros_subscription *sub2;
  CHECK(ros_subscription_create(v.node, "lm_text_response", "std_msgs/msg/String", NULL, on_string,
                                &box, &sub2, NULL) == ROS_OK);
  const char *diff = test_endpoint_matches_recording('W', "rt/lm_text_response");
  CHECK_MSG(!diff, "%s", diff);
  diff = test_endpoint_matches_recording('R', "rt/chat_input");
  CHECK_MSG(!diff, "%s", diff);
  int64_t end = clock_mono_ms() + 5000;
  while (ros_publisher_subscription_count(pub) < 1 && clock_mono_ms() < end) clock_sleep_ms(5);
  std_msgs_msg_dds__String_ m = {.data = "hello robot"};
  CHECK(ros_publisher_publish(pub, &m, NULL) == ROS_OK);
  CHECK(spin_until(v.ctx, &box.count, 1, 5000));
  CHECK_EQ_STR(box.last, "hello robot");
  CHECK_EQ_STR(ros_publisher_topic(pub), "/lm_text_response");
  /* the sender's GUID, on demand, is the publisher's */
  test_endpoint w;
  CHECK(test_find_endpoint('W', "rt/lm_text_response", 5000, &w));
  uint8_t gid[16];
  CHECK(ros_subscription_publisher_gid(sub2, &box.info, gid));
  CHECK(memcmp(gid, w.guid, 16) == 0);
  ros_subscription_destroy(sub2);
  ros_subscription_destroy(sub);
  ros_publisher_destroy(pub);
  env_down(&v);
}

TEST(ros_topic_sensor_data_subscription_hears_reliable_and_best_effort) {
  env v;
  env_up(&v, "cam_listener", NULL, NULL);
  inbox box = {0};
  ros_subscription *sub;
  CHECK(ros_subscription_create(v.node, "image_name", "std_msgs/msg/String", &ros_qos_sensor_data,
                                on_string, &box, &sub, NULL) == ROS_OK);
  ros_publisher *reliable, *best_effort;
  CHECK(ros_publisher_create(v.node, "image_name", "std_msgs/msg/String", NULL, &reliable, NULL) ==
        ROS_OK);
  CHECK(ros_publisher_create(v.node, "image_name", "std_msgs/msg/String", &ros_qos_sensor_data,
                             &best_effort, NULL) == ROS_OK);
  int64_t end = clock_mono_ms() + 5000;
  while ((ros_publisher_subscription_count(reliable) < 1 ||
          ros_publisher_subscription_count(best_effort) < 1) && clock_mono_ms() < end)
    clock_sleep_ms(5);
  CHECK_EQ_INT(ros_subscription_publisher_count(sub), 2);
  std_msgs_msg_dds__String_ a = {.data = "from reliable"}, b = {.data = "from best effort"};
  ros_publisher_publish(reliable, &a, NULL);
  CHECK(spin_until(v.ctx, &box.count, 1, 5000));
  ros_publisher_publish(best_effort, &b, NULL);
  CHECK(spin_until(v.ctx, &box.count, 2, 5000));
  CHECK_EQ_STR(box.last, "from best effort");
  ros_publisher_destroy(reliable);
  ros_publisher_destroy(best_effort);
  ros_subscription_destroy(sub);
  env_down(&v);
}

TEST(ros_topic_bad_types_and_names_fail_clearly) {
  env v;
  env_up(&v, "n", NULL, NULL);
  ros_publisher *p;
  ros_error e;
  CHECK_EQ_INT(ros_publisher_create(v.node, "x", "std_msgs/msg/Nope", NULL, &p, &e),
               ROS_ERR_UNKNOWN_TYPE);
  CHECK_CONTAINS(e.message, "std_msgs/msg/Nope");
  CHECK_EQ_INT(ros_publisher_create(v.node, "x", "lm_studio_interfaces/srv/ListModels_Request",
                                    NULL, &p, &e), ROS_ERR_UNKNOWN_TYPE);
  CHECK_EQ_INT(ros_publisher_create(v.node, "a//b", "std_msgs/msg/String", NULL, &p, &e),
               ROS_ERR_BAD_NAME);
  CHECK_EQ_INT(ros_publisher_create(v.node, NULL, "std_msgs/msg/String", NULL, &p, &e),
               ROS_ERR_INVALID_ARGUMENT);
  env_down(&v);
}

static void count_tick(void *user) { (*(volatile int *)user)++; }

static void *wake_later(void *arg) {
  clock_sleep_ms(100);
  ros_context_wakeup(arg);
  return NULL;
}

TEST(ros_context_timers_and_wakeups) {
  env v;
  env_up(&v, "clock", NULL, NULL);
  volatile int ticks = 0;
  ros_timer *t = ros_timer_create(v.ctx, 20 * 1000000LL, count_tick, (void *)&ticks);
  CHECK(t);
  int64_t t0 = clock_mono_ms();
  CHECK(spin_until(v.ctx, &ticks, 5, 5000));
  CHECK(clock_mono_ms() - t0 >= 80); /* not before their time */
  ros_timer_destroy(t);
  int before = ticks;
  pthread_t th;
  pthread_create(&th, NULL, wake_later, v.ctx);
  t0 = clock_mono_ms();
  ros_context_spin(v.ctx, 5000);
  int64_t waited = clock_mono_ms() - t0;
  pthread_join(th, NULL);
  CHECK_MSG(waited < 2500, "spin waited %lld ms after a wakeup", (long long)waited);
  CHECK_EQ_INT(ticks, before); /* destroyed timers stay quiet */
  CHECK(ros_timer_create(v.ctx, 0, count_tick, NULL) == NULL);
  env_down(&v);
}

/* Child process: node `name` with a String publisher on `topic` that runs until SIGTERM, then
 * exits 0 (another code says which step failed). With `publish` it sends "msg <i>" every 20 ms. */
static int run_child_until_signal(const char *name, const char *topic, bool publish) {
  ros_context *ctx;
  ros_node *node;
  ros_publisher *pub;
  if (ros_context_create(NULL, &ctx, NULL) != ROS_OK) return 3;
  if (ros_node_create(ctx, name, NULL, NULL, &node, NULL) != ROS_OK) return 4;
  if (ros_publisher_create(node, topic, "std_msgs/msg/String", NULL, &pub, NULL) != ROS_OK)
    return 5;
  ros_context_install_signal_handlers(ctx, NULL);
  for (int i = 0; !ros_context_shutdown_requested(ctx); i++) {
    if (publish) {
      char text[32];
      snprintf(text, sizeof text, "msg %d", i);
      std_msgs_msg_dds__String_ m = {.data = text};
      ros_publisher_publish(pub, &m, NULL);
    }
    ros_context_spin(ctx, publish ? 20 : 1000);
  }
  ros_publisher_destroy(pub);
  if (ros_node_destroy(node) != ROS_OK) return 6;
  return ros_context_destroy(ctx) == ROS_OK ? 0 : 7;
}

TEST(ros_context_sigterm_exits_zero_and_peers_see_it_leave) {
  pid_t child = fork();
  if (child == 0) _exit(run_child_until_signal("doomed", "doomed_topic", false));
  test_endpoint w;
  CHECK_MSG(test_find_endpoint('W', "rt/doomed_topic", 10000, &w), "child never appeared");
  CHECK(kill(child, SIGTERM) == 0);
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
  /* Disposed at exit: gone at once, not after the 10 s lease. */
  int64_t t0 = clock_mono_ms();
  while (test_find_endpoint('W', "rt/doomed_topic", 100, &w) && clock_mono_ms() - t0 < 3000) {
  }
  CHECK_MSG(clock_mono_ms() - t0 < 3000, "the endpoint outlived its process");
}

TEST(ros_context_humble_mode_sends_24_byte_gids_and_no_type_hash) {
  ros_context_options o = {.domain_id = -1, .humble = true};
  env v;
  ros_error e;
  CHECK_MSG(ros_context_create(&o, &v.ctx, &e) == ROS_OK, "%s", e.message);
  CHECK(ros_context_is_humble(v.ctx));
  ros_node_options no = {.no_rosout = true, .no_parameter_services = true};
  CHECK(ros_node_create(v.ctx, "old_timer", NULL, &no, &v.node, NULL) == ROS_OK);
  ros_publisher *pub;
  CHECK(ros_publisher_create(v.node, "humble_topic", "std_msgs/msg/String", NULL, &pub, NULL) ==
        ROS_OK);
  test_endpoint w;
  CHECK(test_find_endpoint('W', "rt/humble_topic", 5000, &w));
  CHECK_EQ_STR(w.user_data, ""); /* Humble has no type hashes */
  CHECK(test_find_endpoint('W', "ros_discovery_info", 5000, &w));
  CHECK_EQ_STR(w.type, "rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_");

  /* Read the snapshot with the Humble layout and check the padded GIDs. */
  dds_entity_t pp = dds_create_participant(test_domain_id(), NULL, NULL);
  dds_topic_descriptor_t *d = malloc(sizeof *d);
  memcpy(d, &lms_humble_rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc, sizeof *d);
  const char *wire = "rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_";
  memcpy((char *)d + offsetof(dds_topic_descriptor_t, m_typename), &wire, sizeof wire);
  dds_entity_t tp = dds_create_topic(pp, d, "ros_discovery_info", NULL, NULL);
  ros_qos q = {ROS_HISTORY_KEEP_ALL, 0, ROS_RELIABLE, ROS_TRANSIENT_LOCAL, 0, 0};
  dds_qos_t *dq = ros_qos_to_dds(&q, NULL);
  dds_entity_t rd = dds_create_reader(pp, tp, dq, NULL);
  dds_delete_qos(dq);
  test_endpoint pubep;
  CHECK(test_find_endpoint('W', "rt/humble_topic", 5000, &pubep));
  bool ok = false;
  for (int tries = 0; tries < 300 && !ok; tries++) {
    ros_context_spin_some(v.ctx);
    void *s[8] = {0};
    dds_sample_info_t si[8];
    int n = dds_take(rd, s, si, 8, 8);
    for (int i = 0; i < n; i++) {
      const lms_humble_rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *info = s[i];
      if (!si[i].valid_data || info->node_entities_info_seq._length != 1) continue;
      const lms_humble_rmw_dds_common_msg_dds__NodeEntitiesInfo_ *nd =
          &info->node_entities_info_seq._buffer[0];
      for (uint32_t k = 0; k < nd->writer_gid_seq._length; k++) {
        const uint8_t *g = nd->writer_gid_seq._buffer[k].data;
        static const uint8_t zeros[8];
        if (memcmp(g, pubep.guid, 16) == 0 && memcmp(g + 16, zeros, 8) == 0) ok = true;
      }
    }
    if (n > 0) dds_return_loan(rd, s, n);
    clock_sleep_ms(10);
  }
  CHECK_MSG(ok, "no Humble snapshot with the padded publisher GID");
  dds_delete(pp);
  free(d);
  ros_publisher_destroy(pub);
  env_down(&v);
}

typedef struct keeper {
  volatile int count;
  std_msgs_msg_dds__String_ *kept[4];
} keeper;

static void keep_string(void *user, void *msg, const ros_message_info *info) {
  (void)info;
  keeper *k = user;
  if (k->count < 4) k->kept[k->count] = msg;
  else ros_message_free("std_msgs/msg/String", msg);
  k->count++;
}

TEST(ros_topic_owned_subscription_keeps_messages_without_copies) {
  env v;
  env_up(&v, "keeper", NULL, NULL);
  keeper k = {0};
  ros_subscription *sub;
  ros_publisher *pub;
  CHECK(ros_subscription_create_owned(v.node, "frames", "std_msgs/msg/String", NULL, keep_string,
                                      &k, &sub, NULL) == ROS_OK);
  CHECK(ros_publisher_create(v.node, "frames", "std_msgs/msg/String", NULL, &pub, NULL) == ROS_OK);
  int64_t end = clock_mono_ms() + 5000;
  while (ros_publisher_subscription_count(pub) < 1 && clock_mono_ms() < end) clock_sleep_ms(5);
  const char *texts[] = {"frame 1", "frame 2", "frame 3"};
  for (int i = 0; i < 3; i++) {
    std_msgs_msg_dds__String_ m = {.data = (char *)texts[i]};
    ros_publisher_publish(pub, &m, NULL);
  }
  CHECK(spin_until(v.ctx, &k.count, 3, 5000));
  ros_publisher_destroy(pub);
  ros_subscription_destroy(sub);
  /* The messages outlive the subscription: they are ours. */
  for (int i = 0; i < 3; i++) {
    CHECK_EQ_STR(k.kept[i]->data, texts[i]);
    ros_message_free("std_msgs/msg/String", k.kept[i]);
  }
  ros_message_free("std_msgs/msg/String", NULL);
  env_down(&v);
}

TEST(ros_topic_publish_subscribe_across_processes) {
  pid_t child = fork();
  if (child == 0) _exit(run_child_until_signal("talker", "across", true));
  env v;
  env_up(&v, "listener", NULL, NULL);
  inbox box = {0};
  ros_subscription *sub;
  CHECK(ros_subscription_create(v.node, "/across", "std_msgs/msg/String", NULL, on_string, &box,
                                &sub, NULL) == ROS_OK);
  bool ok = spin_until(v.ctx, &box.count, 5, 15000);
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK_MSG(ok, "heard %d messages from the other process", box.count);
  CHECK(strncmp(box.last, "msg ", 4) == 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ros_subscription_destroy(sub);
  env_down(&v);
}
