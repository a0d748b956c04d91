/* test_ros_env.c: ROS_DOMAIN_ID, ROS_AUTOMATIC_DISCOVERY_RANGE, ROS_STATIC_PEERS and
 * ROS_LOCALHOST_ONLY as rcl reads them, and the Cyclone XML of ROS2_WIRE.md §9.2/§9.3 compared
 * byte for byte, with CYCLONEDDS_URI appended as rmw_cyclonedds does. */
#include "common/limits.h"
#include "ros/ros_env.h"
#include "testing.h"

/* A fake environment: NULL-terminated name/value pairs. */
static const char *fake_get(const char *name, void *user) {
  const char *const *kv = user;
  for (; kv[0]; kv += 2)
    if (strcmp(kv[0], name) == 0) return kv[1];
  return NULL;
}

static ros_env_config load(const char *const *kv) {
  ros_env_config cfg;
  ros_env_error e;
  ros_env_status st = ros_env_config_load(&cfg, fake_get, (void *)kv, &e);
  CHECK_MSG(st == ROS_ENV_OK, "load: %s", e.message);
  return cfg;
}

static char *config(const ros_env_config *cfg, bool humble, const char *uri) {
  char *out = NULL;
  ros_env_error e;
  ros_env_status st = ros_env_cyclone_config(cfg, humble, 4242, uri, &out, &e);
  CHECK_MSG(st == ROS_ENV_OK, "config: %s", e.message);
  return out;
}

#define OPEN "<CycloneDDS><Domain Id=\"any\">"
#define CLOSE "</Domain></CycloneDDS>"

TEST(ros_env_strerror_covers_every_status) {
  for (int s = 0; s < ROS_ENV_STATUS_COUNT; s++) {
    CHECK(strcmp(ros_env_status_name((ros_env_status)s), "ROS_ENV_ERR_?") != 0);
    CHECK(strcmp(ros_env_strerror((ros_env_status)s), "Unknown error code.") != 0);
  }
  CHECK_EQ_STR(ros_env_status_name((ros_env_status)ROS_ENV_STATUS_COUNT), "ROS_ENV_ERR_?");
  CHECK_EQ_STR(ros_discovery_range_name(ROS_DISCOVERY_SYSTEM_DEFAULT), "SYSTEM_DEFAULT");
  CHECK_EQ_STR(ros_discovery_range_name((ros_discovery_range)9), "?");
}

TEST(ros_env_parse_domain_id_valid) {
  static const struct {
    const char *text;
    uint32_t id;
  } cases[] = {{NULL, 0}, {"", 0}, {"0", 0}, {"5", 5}, {"0x10", 16}, {"010", 8}, {"232", 232}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    uint32_t id = 999;
    ros_env_error e;
    CHECK_EQ_INT(ros_env_parse_domain_id(cases[i].text, &id, &e), ROS_ENV_OK);
    CHECK_EQ_INT(id, cases[i].id);
    CHECK_EQ_STR(e.message, "");
  }
}

TEST(ros_env_parse_domain_id_invalid) {
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
    {"233", "ROS_DOMAIN_ID='233' is out of range: the highest domain id Cyclone DDS can map to ports is 232"},
    {"99999999999999999999999", "ROS_DOMAIN_ID='99999999999999999999999' is out of range"},
    {"abc", "ROS_DOMAIN_ID='abc' is not an integer (decimal, 0x hex or 0 octal)"},
    {"5abc", "ROS_DOMAIN_ID='5abc' is not an integer"},
    {"-1", "ROS_DOMAIN_ID='-1' is not an integer"},
    {" 5", "ROS_DOMAIN_ID=' 5' is not an integer"},
    {"0x", "ROS_DOMAIN_ID='0x' is not an integer"},
    {"08", "ROS_DOMAIN_ID='08' is not an integer"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    uint32_t id = 7;
    ros_env_error e;
    CHECK_EQ_INT(ros_env_parse_domain_id(cases[i].text, &id, &e), ROS_ENV_ERR_DOMAIN_ID);
    CHECK_CONTAINS(e.message, cases[i].message);
    CHECK_EQ_INT(id, 7);
  }
  CHECK_EQ_INT(ros_env_parse_domain_id("1", NULL, NULL), ROS_ENV_ERR_INVALID_ARGUMENT);
}

TEST(ros_env_parse_discovery_range_values) {
  char w[256];
  CHECK_EQ_INT(ros_env_parse_discovery_range(NULL, w, sizeof w), ROS_DISCOVERY_SUBNET);
  CHECK_EQ_STR(w, "");
  CHECK_EQ_INT(ros_env_parse_discovery_range("", w, sizeof w), ROS_DISCOVERY_SUBNET);
  CHECK_EQ_INT(ros_env_parse_discovery_range("OFF", w, sizeof w), ROS_DISCOVERY_OFF);
  CHECK_EQ_INT(ros_env_parse_discovery_range("LOCALHOST", w, sizeof w), ROS_DISCOVERY_LOCALHOST);
  CHECK_EQ_INT(ros_env_parse_discovery_range("SUBNET", w, sizeof w), ROS_DISCOVERY_SUBNET);
  CHECK_EQ_INT(ros_env_parse_discovery_range("SYSTEM_DEFAULT", w, sizeof w), ROS_DISCOVERY_SYSTEM_DEFAULT);
  CHECK_EQ_STR(w, "");
  CHECK_EQ_INT(ros_env_parse_discovery_range("subnet", w, sizeof w), ROS_DISCOVERY_LOCALHOST);
  CHECK_EQ_STR(w, "Invalid value 'subnet' specified for 'ROS_AUTOMATIC_DISCOVERY_RANGE', assuming localhost only");
  CHECK_EQ_INT(ros_env_parse_discovery_range("bogus", NULL, 0), ROS_DISCOVERY_LOCALHOST);
}

TEST(ros_env_parse_localhost_only_first_char) {
  CHECK(ros_env_parse_localhost_only("1"));
  CHECK(ros_env_parse_localhost_only("1abc"));
  CHECK(!ros_env_parse_localhost_only("0"));
  CHECK(!ros_env_parse_localhost_only("true"));
  CHECK(!ros_env_parse_localhost_only(""));
  CHECK(!ros_env_parse_localhost_only(NULL));
}

TEST(ros_env_parse_static_peers_split_and_skip) {
  char **peers = NULL;
  size_t n = 0;
  char w[512] = "";
  CHECK_EQ_INT(ros_env_parse_static_peers(";10.0.0.1;;host.lan;192.168.1.2;", &peers, &n, w, sizeof w, NULL), ROS_ENV_OK);
  CHECK_EQ_INT(n, 3);
  CHECK_EQ_STR(peers[0], "10.0.0.1");
  CHECK_EQ_STR(peers[1], "host.lan");
  CHECK_EQ_STR(peers[2], "192.168.1.2");
  CHECK_EQ_STR(w, "");
  for (size_t i = 0; i < n; i++) free(peers[i]);
  free(peers);
  CHECK_EQ_INT(ros_env_parse_static_peers("", &peers, &n, w, sizeof w, NULL), ROS_ENV_OK);
  CHECK_EQ_INT(n, 0);
  CHECK(peers == NULL);
  CHECK_EQ_INT(ros_env_parse_static_peers(NULL, &peers, &n, w, sizeof w, NULL), ROS_ENV_OK);
  CHECK_EQ_INT(n, 0);
}

TEST(ros_env_parse_static_peers_long_and_too_many) {
  char text[2 * ROS_STATIC_PEER_MAX_LEN];
  memset(text, 'h', ROS_STATIC_PEER_MAX_LEN + 1);
  snprintf(text + ROS_STATIC_PEER_MAX_LEN + 1, sizeof text - ROS_STATIC_PEER_MAX_LEN - 1, ";ok");
  char **peers = NULL;
  size_t n = 0;
  char w[512] = "";
  CHECK_EQ_INT(ros_env_parse_static_peers(text, &peers, &n, w, sizeof w, NULL), ROS_ENV_OK);
  CHECK_EQ_INT(n, 1);
  CHECK_EQ_STR(peers[0], "ok");
  CHECK_CONTAINS(w, "Static peer 'hhhh");
  CHECK_CONTAINS(w, "...' specified to 'ROS_STATIC_PEERS' is too long (maximum of 255); skipping");
  free(peers[0]);
  free(peers);
  char many[LMS_MAX_STATIC_PEERS * 4 + 8] = "";
  for (int i = 0; i <= LMS_MAX_STATIC_PEERS; i++) memcpy(many + 2 * i, "p;", 3);
  ros_env_error e;
  peers = NULL;
  n = 9;
  CHECK_EQ_INT(ros_env_parse_static_peers(many, &peers, &n, w, sizeof w, &e), ROS_ENV_ERR_TOO_LARGE);
  CHECK_EQ_STR(e.message, "ROS_STATIC_PEERS lists more than 64 peers");
  CHECK(peers == NULL);
  CHECK_EQ_INT(n, 9);
}

TEST(ros_env_config_load_defaults) {
  const char *env[] = {NULL};
  ros_env_config cfg = load(env);
  CHECK_EQ_INT(cfg.domain_id, 0);
  CHECK_EQ_INT(cfg.range, ROS_DISCOVERY_SUBNET);
  CHECK_EQ_INT(cfg.static_peer_count, 0);
  CHECK(!cfg.localhost_only);
  CHECK_EQ_STR(cfg.warnings, "");
  ros_env_config_fini(&cfg);
  ros_env_config_fini(NULL);
}

TEST(ros_env_config_load_all_set) {
  const char *env[] = {"ROS_DOMAIN_ID", "42", "ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST",
                       "ROS_STATIC_PEERS", "10.0.0.5;robot.local", "ROS_LOCALHOST_ONLY", "0", NULL};
  ros_env_config cfg = load(env);
  CHECK_EQ_INT(cfg.domain_id, 42);
  CHECK_EQ_INT(cfg.range, ROS_DISCOVERY_LOCALHOST);
  CHECK_EQ_INT(cfg.static_peer_count, 2);
  CHECK_EQ_STR(cfg.static_peers[1], "robot.local");
  CHECK_EQ_STR(cfg.warnings, "");
  ros_env_config_fini(&cfg);
}

TEST(ros_env_config_load_localhost_only_wins) {
  const char *env[] = {"ROS_AUTOMATIC_DISCOVERY_RANGE", "SUBNET", "ROS_STATIC_PEERS", "10.0.0.5",
                       "ROS_LOCALHOST_ONLY", "1", NULL};
  ros_env_config cfg = load(env);
  CHECK(cfg.localhost_only);
  CHECK_EQ_INT(cfg.range, ROS_DISCOVERY_LOCALHOST);
  CHECK_EQ_INT(cfg.static_peer_count, 0);
  CHECK_EQ_STR(cfg.warnings, "ROS_LOCALHOST_ONLY is deprecated but still honored if it is enabled; "
                             "ROS_AUTOMATIC_DISCOVERY_RANGE and ROS_STATIC_PEERS are ignored");
  char *xml = config(&cfg, false, NULL);
  CHECK_EQ_STR(xml, OPEN "<General><AllowMulticast>false</AllowMulticast></General><Discovery><ParticipantIndex>auto"
                         "</ParticipantIndex><MaxAutoParticipantIndex>32</MaxAutoParticipantIndex><Peers><Peer address="
                         "\"localhost\"/></Peers></Discovery>" CLOSE);
  free(xml);
  ros_env_config_fini(&cfg);
}

TEST(ros_env_config_load_off_and_system_default_ignore_peers) {
  const char *off[] = {"ROS_AUTOMATIC_DISCOVERY_RANGE", "OFF", "ROS_STATIC_PEERS", "10.0.0.5", NULL};
  ros_env_config cfg = load(off);
  CHECK_EQ_INT(cfg.range, ROS_DISCOVERY_OFF);
  CHECK_EQ_INT(cfg.static_peer_count, 0);
  CHECK_EQ_STR(cfg.warnings, "ROS_AUTOMATIC_DISCOVERY_RANGE is set to OFF, but found static peers in "
                             "ROS_STATIC_PEERS; ROS_STATIC_PEERS will be ignored");
  ros_env_config_fini(&cfg);
  const char *sys[] = {"ROS_AUTOMATIC_DISCOVERY_RANGE", "SYSTEM_DEFAULT", "ROS_STATIC_PEERS", "a;b", NULL};
  cfg = load(sys);
  CHECK_EQ_INT(cfg.static_peer_count, 2);
  CHECK_EQ_STR(cfg.warnings, "2 static peers were specified, but discovery is set to use the RMW implementation "
                             "default, so these static peers will be ignored");
  ros_env_config_fini(&cfg);
  const char *bad[] = {"ROS_AUTOMATIC_DISCOVERY_RANGE", "everywhere", NULL};
  cfg = load(bad);
  CHECK_EQ_INT(cfg.range, ROS_DISCOVERY_LOCALHOST);
  CHECK_CONTAINS(cfg.warnings, "Invalid value 'everywhere' specified for 'ROS_AUTOMATIC_DISCOVERY_RANGE'");
  ros_env_config_fini(&cfg);
}

TEST(ros_env_config_load_error_leaves_config) {
  const char *env[] = {"ROS_DOMAIN_ID", "300", NULL};
  ros_env_config cfg;
  memset(&cfg, 0x5a, sizeof cfg);
  ros_env_error e;
  CHECK_EQ_INT(ros_env_config_load(&cfg, fake_get, (void *)env, &e), ROS_ENV_ERR_DOMAIN_ID);
  CHECK_EQ_INT(cfg.domain_id, 0x5a5a5a5a);
  CHECK_CONTAINS(e.message, "ROS_DOMAIN_ID='300' is out of range");
  CHECK_EQ_INT(ros_env_config_load(NULL, fake_get, (void *)env, &e), ROS_ENV_ERR_INVALID_ARGUMENT);
}

/* The §9.2 table, one row per range, byte for byte. */
TEST(ros_env_cyclone_fragment_matches_spec_table) {
  char *peers[] = {"10.0.0.5", "robot.local"};
  ros_env_config cfg;
  memset(&cfg, 0, sizeof cfg);
  static const struct {
    ros_discovery_range range;
    bool with_peers;
    const char *xml;
  } rows[] = {
    {ROS_DISCOVERY_SYSTEM_DEFAULT, true, ""},
    {ROS_DISCOVERY_SUBNET, false,
     OPEN "<Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>32</MaxAutoParticipantIndex>"
          "</Discovery>" CLOSE},
    {ROS_DISCOVERY_SUBNET, true,
     OPEN "<Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>32</MaxAutoParticipantIndex>"
          "<Peers><Peer address=\"10.0.0.5\"/><Peer address=\"robot.local\"/></Peers></Discovery>" CLOSE},
    {ROS_DISCOVERY_LOCALHOST, false,
     OPEN "<General><AllowMulticast>false</AllowMulticast></General><Discovery><ParticipantIndex>auto</ParticipantIndex>"
          "<MaxAutoParticipantIndex>32</MaxAutoParticipantIndex><Peers><Peer address=\"localhost\"/></Peers>"
          "</Discovery>" CLOSE},
    {ROS_DISCOVERY_LOCALHOST, true,
     OPEN "<General><AllowMulticast>false</AllowMulticast></General><Discovery><ParticipantIndex>auto</ParticipantIndex>"
          "<MaxAutoParticipantIndex>32</MaxAutoParticipantIndex><Peers><Peer address=\"localhost\"/>"
          "<Peer address=\"10.0.0.5\"/><Peer address=\"robot.local\"/></Peers></Discovery>" CLOSE},
    {ROS_DISCOVERY_OFF, false,
     OPEN "<General><AllowMulticast>false</AllowMulticast></General><Discovery><ParticipantIndex>none</ParticipantIndex>"
          "<Tag>ros_discovery_off_4242</Tag></Discovery>" CLOSE},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    cfg.range = rows[i].range;
    cfg.static_peers = rows[i].with_peers ? peers : NULL;
    cfg.static_peer_count = rows[i].with_peers ? 2 : 0;
    char *xml = NULL;
    CHECK_EQ_INT(ros_env_cyclone_fragment(&cfg, false, 4242, &xml, NULL), ROS_ENV_OK);
    CHECK_EQ_STR(xml, rows[i].xml);
    free(xml);
  }
}

TEST(ros_env_cyclone_fragment_humble_variant) {
  ros_env_config cfg;
  memset(&cfg, 0, sizeof cfg);
  char *xml = config(&cfg, true, NULL);
  CHECK_EQ_STR(xml, "");
  free(xml);
  cfg.localhost_only = true;
  xml = config(&cfg, true, NULL);
  CHECK_EQ_STR(xml, OPEN "<General><Interfaces><NetworkInterface address=\"127.0.0.1\"/></Interfaces></General>" CLOSE);
  free(xml);
  xml = config(&cfg, true, "file:///etc/cyclone.xml");
  CHECK_EQ_STR(xml, OPEN "<General><Interfaces><NetworkInterface address=\"127.0.0.1\"/></Interfaces></General>" CLOSE
                         ",file:///etc/cyclone.xml");
  free(xml);
}

TEST(ros_env_cyclone_config_appends_cyclonedds_uri) {
  const char *env[] = {NULL};
  ros_env_config cfg = load(env);
  char *xml = config(&cfg, false, "file:///tmp/a.xml");
  CHECK_EQ_STR(xml, OPEN "<Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>32"
                         "</MaxAutoParticipantIndex></Discovery>" CLOSE ",file:///tmp/a.xml");
  free(xml);
  xml = config(&cfg, false, "");
  CHECK_EQ_STR(xml, OPEN "<Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>32"
                         "</MaxAutoParticipantIndex></Discovery>" CLOSE);
  free(xml);
  cfg.range = ROS_DISCOVERY_SYSTEM_DEFAULT;
  xml = config(&cfg, false, "<CycloneDDS/>");
  CHECK_EQ_STR(xml, "<CycloneDDS/>");
  free(xml);
  xml = config(&cfg, false, NULL);
  CHECK_EQ_STR(xml, "");
  free(xml);
  ros_env_config_fini(&cfg);
}

TEST(ros_env_cyclone_config_escapes_peers) {
  char *peers[] = {"a\"b<c>&'d"};
  ros_env_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.range = ROS_DISCOVERY_SUBNET;
  cfg.static_peers = peers;
  cfg.static_peer_count = 1;
  char *xml = config(&cfg, false, NULL);
  CHECK_CONTAINS(xml, "<Peers><Peer address=\"a&quot;b&lt;c&gt;&amp;&apos;d\"/></Peers>");
  free(xml);
}

TEST(ros_env_cyclone_config_rejects_bad_input) {
  ros_env_config cfg;
  memset(&cfg, 0, sizeof cfg);
  char *xml = (char *)"untouched";
  ros_env_error e;
  CHECK_EQ_INT(ros_env_cyclone_config(&cfg, false, 1, NULL, &xml, &e), ROS_ENV_ERR_INVALID_ARGUMENT);
  CHECK_EQ_STR(e.message, "automatic discovery range 0 is not set or unknown");
  cfg.range = ROS_DISCOVERY_SUBNET;
  cfg.static_peer_count = 1;
  CHECK_EQ_INT(ros_env_cyclone_config(&cfg, false, 1, NULL, &xml, &e), ROS_ENV_ERR_INVALID_ARGUMENT);
  cfg.static_peer_count = 0;
  char *uri = malloc(LMS_MAX_DDS_CONFIG + 1);
  memset(uri, 'u', LMS_MAX_DDS_CONFIG);
  uri[LMS_MAX_DDS_CONFIG] = '\0';
  CHECK_EQ_INT(ros_env_cyclone_config(&cfg, false, 1, uri, &xml, &e), ROS_ENV_ERR_TOO_LARGE);
  CHECK_CONTAINS(e.message, "is longer than 1048576 bytes");
  free(uri);
  CHECK_EQ_STR(xml, "untouched");
  CHECK_EQ_INT(ros_env_cyclone_config(NULL, false, 1, NULL, &xml, &e), ROS_ENV_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_env_cyclone_fragment(&cfg, false, 1, NULL, &e), ROS_ENV_ERR_INVALID_ARGUMENT);
}
