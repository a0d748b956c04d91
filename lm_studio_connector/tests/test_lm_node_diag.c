/* test_lm_node_diag.c: lm_studio_node's /diagnostics (diagnostic_msgs/DiagnosticArray): levels
 * against the LM Studio emulator in this process (OK, WARN for a model that is unknown or not
 * loaded, ERROR when unreachable), the values, and the topic's name, type and QoS on the wire.
 * The node and a client node share one context; lm_node_spin_once runs both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dds/dds.h>

#include "common/clock.h"
#include "lms_emulator.h"
#include "nodes/lm_diagnostics.h"
#include "nodes/lm_node.h"
#include "ros/ros_topic.h"
#include "lm_node_fixture.h"
#include "testing.h"

typedef diagnostic_msgs_msg_dds__DiagnosticArray_ diag_array;

typedef struct diag_rec {
  int n;
  int level;
  char name[256], message[512], hardware_id[256], values[4096];
  int64_t stamp_ns;
  int64_t received_ns;
} diag_rec;

typedef struct dfx {
  lms_emu *emu;
  ros_args args;
  lm_node *node;
  ros_context *ctx;
  ros_node *cli;
  ros_subscription *sub;
  diag_rec r;
} dfx;

static void on_diag(void *user, const void *msg, const ros_message_info *info) {
  diag_rec *r = user;
  const diag_array *a = msg;
  CHECK_EQ_INT(a->status._length, 1);
  const diagnostic_msgs_msg_dds__DiagnosticStatus_ *s = &a->status._buffer[0];
  r->n++;
  r->level = s->level;
  snprintf(r->name, sizeof r->name, "%s", s->name);
  snprintf(r->message, sizeof r->message, "%s", s->message);
  snprintf(r->hardware_id, sizeof r->hardware_id, "%s", s->hardware_id);
  size_t k = 0;
  r->values[0] = '\0';
  for (uint32_t i = 0; i < s->values._length && k < sizeof r->values; i++) {
    int w = snprintf(r->values + k, sizeof r->values - k, "%s=%s;", s->values._buffer[i].key,
                     s->values._buffer[i].value);
    if (w < 0) break;
    k += (size_t)w;
  }
  r->stamp_ns = (int64_t)a->header.stamp.sec * 1000000000 + a->header.stamp.nanosec;
  r->received_ns = clock_wall_ns();
}

/* url NULL: the emulator's. model NULL: llama-3.2-1b-instruct (loaded in the emulator). */
static void dfx_init(dfx *f, const char *url, const char *model, const char *ns,
                     const ros_qos *sub_qos) {
  memset(f, 0, sizeof *f);
  f->emu = lms_emu_start(NULL);
  CHECK(f->emu);
  char url_arg[128], model_arg[128];
  lm_test_url_param(url_arg, sizeof url_arg, url, lms_emu_port(f->emu));
  snprintf(model_arg, sizeof model_arg, "model_name:=%s", model ? model : "llama-3.2-1b-instruct");
  const char *params[] = {url_arg, "api_key:=''", model_arg, "status_period:=0.2", NULL};
  lm_test_node_start(ns, params, NULL, "diag_listener", &f->args, &f->node, &f->cli);
  f->ctx = lm_node_context(f->node);
  ros_error e;
  CHECK_MSG(ros_subscription_create(f->cli, "/diagnostics", "diagnostic_msgs/msg/DiagnosticArray",
                                    sub_qos, on_diag, &f->r, &f->sub, &e) == ROS_OK, "%s",
            e.message);
}

static void dfx_fini(dfx *f) {
  ros_subscription_destroy(f->sub);
  lm_test_node_stop(&f->args, f->node, f->cli);
  lms_emu_stop(f->emu);
}

/* Spins until a message with that level arrived (after at least one probe) or ms passed. */
static bool wait_level(dfx *f, int level, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (clock_mono_ms() < end) {
    lm_node_spin_once(f->node, 10);
    if (f->r.n > 0 && f->r.level == level) return true;
  }
  return false;
}

TEST(lm_node_diag_ok_with_emulator)
{
  dfx f;
  dfx_init(&f, NULL, NULL, NULL, NULL);
  CHECK_MSG(wait_level(&f, LM_DIAG_OK, 3000), "level %d: %s (%s)", f.r.level, f.r.message,
            f.r.values);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u", lms_emu_port(f.emu));
  CHECK_EQ_STR(f.r.name, "lm_studio_node: LM Studio connection");
  CHECK_CONTAINS(f.r.hardware_id, url);
  CHECK_CONTAINS(f.r.message, "llama-3.2-1b-instruct");
  CHECK_CONTAINS(f.r.values, "url=http://127.0.0.1:");
  CHECK_CONTAINS(f.r.values, "model=llama-3.2-1b-instruct;");
  CHECK_CONTAINS(f.r.values, "connected=true;");
  CHECK_CONTAINS(f.r.values, "model_loaded=true;");
  CHECK_CONTAINS(f.r.values, "latency_ms=");
  CHECK_CONTAINS(f.r.values, "active_goals=0;");
  CHECK_CONTAINS(f.r.values, "last_error=");
  /* header.stamp = now (wall clock), within a second of reception. */
  int64_t skew = f.r.received_ns - f.r.stamp_ns;
  CHECK_MSG(skew > -1000000000LL && skew < 1000000000LL, "stamp off by %lld ns", (long long)skew);
  /* Published with every status tick (status_period 0.2 s). */
  int before = f.r.n;
  int64_t end = clock_mono_ms() + 700;
  while (clock_mono_ms() < end) lm_node_spin_once(f.node, 10);
  CHECK_MSG(f.r.n - before >= 2, "%d messages in 0.7 s", f.r.n - before);
  dfx_fini(&f);
}

TEST(lm_node_diag_error_when_unreachable)
{
  dfx f;
  dfx_init(&f, "http://127.0.0.1:1", NULL, NULL, NULL);
  CHECK_MSG(wait_level(&f, LM_DIAG_ERROR, 3000), "level %d: %s (%s)", f.r.level, f.r.message,
            f.r.values);
  CHECK_EQ_STR(f.r.hardware_id, "http://127.0.0.1:1");
  CHECK_CONTAINS(f.r.message, "unreachable");
  CHECK_CONTAINS(f.r.values, "connected=false;");
  CHECK_CONTAINS(f.r.values, "LLM_ERR_CONNECT_REFUSED");
  dfx_fini(&f);
}

TEST(lm_node_diag_warn_model_unknown_or_not_loaded)
{
  dfx f;
  dfx_init(&f, NULL, "no-such-model", NULL, NULL);
  CHECK_MSG(wait_level(&f, LM_DIAG_WARN, 3000), "level %d: %s", f.r.level, f.r.message);
  CHECK_CONTAINS(f.r.message, "no-such-model");
  CHECK_CONTAINS(f.r.values, "model_loaded=unknown;");
  CHECK_CONTAINS(f.r.values, "connected=true;");
  dfx_fini(&f);
  dfx_init(&f, NULL, "qwen3-8b-big", NULL, NULL); /* listed by the emulator, not loaded */
  CHECK_MSG(wait_level(&f, LM_DIAG_WARN, 3000), "level %d: %s", f.r.level, f.r.message);
  CHECK_CONTAINS(f.r.message, "not loaded");
  CHECK_CONTAINS(f.r.values, "model_loaded=false;");
  dfx_fini(&f);
}

TEST(lm_node_diag_levels_pure)
{
  char m[256];
  CHECK_EQ_INT(lm_diagnostics_level(false, false, false, false, "x", m, sizeof m), LM_DIAG_STALE);
  CHECK_EQ_INT(lm_diagnostics_level(true, false, true, true, "x", m, sizeof m), LM_DIAG_ERROR);
  CHECK_EQ_INT(lm_diagnostics_level(true, true, false, false, "x", m, sizeof m), LM_DIAG_WARN);
  CHECK_EQ_INT(lm_diagnostics_level(true, true, true, false, "x", m, sizeof m), LM_DIAG_WARN);
  CHECK_EQ_INT(lm_diagnostics_level(true, true, true, true, NULL, m, sizeof m), LM_DIAG_OK);
}

/* The writer as DDS discovery shows it: absolute topic "rt/diagnostics" even for a node in a
 * namespace, the ROS type, reliable + volatile (so both reliable and best-effort readers such as
 * rqt_runtime_monitor and diagnostic_aggregator match it). */
TEST(lm_node_diag_topic_type_and_qos)
{
  dfx f;
  dfx_init(&f, NULL, NULL, "/robot1", &ros_qos_sensor_data); /* a best-effort reader */
  CHECK_MSG(wait_level(&f, LM_DIAG_OK, 3000), "level %d: %s", f.r.level, f.r.message);
  CHECK_EQ_STR(f.r.name, "lm_studio_node: LM Studio connection");
  dds_entity_t rd = dds_create_reader(ros_context_participant(f.ctx),
                                      DDS_BUILTIN_TOPIC_DCPSPUBLICATION, NULL, NULL);
  CHECK(rd > 0);
  bool found = false;
  int64_t end = clock_mono_ms() + 3000;
  while (!found && clock_mono_ms() < end) {
    void *buf[16] = {0};
    dds_sample_info_t si[16];
    int k = dds_take(rd, buf, si, 16, 16); /* many endpoints: take, 16 at a time */
    for (int i = 0; i < k; i++) {
      const dds_builtintopic_endpoint_t *ep = buf[i];
      if (!si[i].valid_data || strcmp(ep->topic_name, "rt/diagnostics") != 0) continue;
      found = true;
      CHECK_EQ_STR(ep->type_name, "diagnostic_msgs::msg::dds_::DiagnosticArray_");
      dds_reliability_kind_t rk;
      dds_duration_t block;
      CHECK(dds_qget_reliability(ep->qos, &rk, &block));
      CHECK_EQ_INT(rk, DDS_RELIABILITY_RELIABLE);
      dds_durability_kind_t dk;
      CHECK(dds_qget_durability(ep->qos, &dk));
      CHECK_EQ_INT(dk, DDS_DURABILITY_VOLATILE);
    }
    if (k > 0) dds_return_loan(rd, buf, k);
    if (!found && k <= 0) lm_node_spin_once(f.node, 10);
  }
  CHECK_MSG(found, "no writer on rt/diagnostics");
  dds_delete(rd);
  dfx_fini(&f);
}
