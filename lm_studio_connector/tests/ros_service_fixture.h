/* ros_service_fixture.h: helpers shared by test_ros_service.c, test_ros_client.c and the peer
 * program ros_peer_service.c: a context with one node, spinning until a condition holds, the
 * SetModel echo answer, raw Cyclone endpoints that play a foreign client or server, and
 * hand-made request types that share SetModel_Request's DDS type name but not its layout
 * (malformed requests on the wire). */
#ifndef LMS_ROS_SERVICE_FIXTURE_H
#define LMS_ROS_SERVICE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <dds/dds.h>

#include "common/clock.h"
#include "ros_client.h"
#include "ros_context.h"
#include "ros_names.h"
#include "ros_node.h"
#include "ros_service.h"

#define SETMODEL "lm_studio_interfaces/srv/SetModel"
#define LISTMODELS "lm_studio_interfaces/srv/ListModels"
#define EMBEDDINGS "lm_studio_interfaces/srv/GetEmbeddings"
typedef lm_studio_interfaces_srv_dds__SetModel_Request_ setmodel_req;
typedef lm_studio_interfaces_srv_dds__SetModel_Response_ setmodel_resp;

typedef struct fixture {
  ros_context *ctx;
  ros_node *node;
} fixture;

/* Returns false (with e filled) instead of aborting, so the peer program can use it too. */
static inline bool fixture_init(fixture *f, const char *node_name, ros_error *e) {
  memset(f, 0, sizeof *f);
  if (ros_context_create(NULL, &f->ctx, e) != ROS_OK) return false;
  ros_node_options o = {.args = NULL, .no_rosout = true, .no_parameter_services = true};
  if (ros_node_create(f->ctx, node_name, NULL, &o, &f->node, e) != ROS_OK) {
    (void)ros_context_destroy(f->ctx);
    return false;
  }
  return true;
}

static inline bool fixture_fini(fixture *f) {
  return ros_node_destroy(f->node) == ROS_OK && ros_context_destroy(f->ctx) == ROS_OK;
}

/* Spins ctx until cond(arg) holds or ms milliseconds passed; returns cond's last value. */
static inline bool spin_until(ros_context *ctx, bool (*cond)(void *), void *arg, int64_t ms) {
  int64_t end = clock_mono_ms() + ms;
  while (!cond(arg)) {
    if (clock_mono_ms() >= end) return cond(arg);
    (void)ros_context_spin(ctx, 5);
  }
  return true;
}

static inline void spin_for(ros_context *ctx, int64_t ms) {
  int64_t end = clock_mono_ms() + ms;
  while (clock_mono_ms() < end) (void)ros_context_spin(ctx, 5);
}

/* Spins f's context until *v >= want or ms passed. */
typedef struct count_cond { const int *v; int want; } count_cond;
static inline bool count_reached(void *arg) {
  count_cond *c = arg;
  return *c->v >= c->want;
}
static inline bool wait_count(fixture *f, const int *v, int want, int64_t ms) {
  count_cond c = {v, want};
  return spin_until(f->ctx, count_reached, &c, ms);
}

/* Answers a SetModel request: success, message = prefix + model_name. */
static inline ros_status reply_setmodel(ros_service *s, const ros_request_id *id,
                                        const char *prefix, const char *model_name) {
  char msg[96];
  snprintf(msg, sizeof msg, "%s%s", prefix, model_name ? model_name : "");
  setmodel_resp r;
  memset(&r, 0, sizeof r);
  r.success = true;
  r.message = msg;
  return ros_service_reply(s, id, &r, NULL);
}

/* A reader or writer on a second participant pp, as a foreign ROS process would make it:
 * reliable, volatile, keep-last depth, XCDR1, with USER_DATA user_data (NULL: none). */
static inline dds_entity_t raw_endpoint(dds_entity_t pp, const char *topic_name,
                                        const dds_topic_descriptor_t *desc, bool reader,
                                        const char *user_data, int depth) {
  dds_entity_t topic = dds_create_topic(pp, desc, topic_name, NULL, NULL);
  if (topic < 0) return topic;
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_INFINITY);
  dds_qset_durability(q, DDS_DURABILITY_VOLATILE);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, depth);
  dds_data_representation_id_t xcdr1 = DDS_DATA_REPRESENTATION_XCDR1;
  dds_qset_data_representation(q, 1, &xcdr1);
  if (user_data) dds_qset_userdata(q, user_data, strlen(user_data));
  dds_entity_t ent = reader ? dds_create_reader(pp, topic, q, NULL)
                            : dds_create_writer(pp, topic, q, NULL);
  dds_delete_qos(q);
  return ent;
}

/* Current match count of a raw reader (its writers) or writer (its readers). */
static inline int32_t matched_count(dds_entity_t ent, bool reader) {
  if (reader) {
    dds_subscription_matched_status_t s;
    return dds_get_subscription_matched_status(ent, &s) < 0 ? -1 : (int32_t)s.current_count;
  }
  dds_publication_matched_status_t s;
  return dds_get_publication_matched_status(ent, &s) < 0 ? -1 : (int32_t)s.current_count;
}

/* Spins ctx until the raw endpoint ent matched a peer or ms passed; true once matched. */
typedef struct match_cond { dds_entity_t ent; bool reader; } match_cond;
static inline bool matched_once(void *arg) {
  match_cond *m = arg;
  return matched_count(m->ent, m->reader) >= 1;
}
static inline bool spin_until_matched(ros_context *ctx, dds_entity_t ent, bool reader, int64_t ms) {
  match_cond m = {ent, reader};
  return spin_until(ctx, matched_once, &m, ms);
}

/* ---- requests that claim to be SetModel_Request_ but are not ---- */

#define SETMODEL_REQ_DDS_NAME "lm_studio_interfaces::srv::dds_::SetModel_Request_"

/* Only 8 bytes: the header's seq and the string are missing. */
typedef struct bad_short { uint64_t a; } bad_short;
static const uint32_t bad_short_ops[] = {DDS_OP_ADR | DDS_OP_TYPE_8BY, offsetof(bad_short, a),
                                         DDS_OP_RTS};
static const dds_topic_descriptor_t bad_short_desc = {
    .m_size = sizeof(bad_short), .m_align = _Alignof(bad_short), .m_flagset = 0, .m_nkeys = 0,
    .m_typename = SETMODEL_REQ_DDS_NAME, .m_keys = NULL, .m_nops = 2, .m_ops = bad_short_ops,
    .m_meta = ""};

/* Header, then a string length with too few (or unterminated) bytes after it. */
typedef struct bad_string { uint64_t guid; int64_t seq; uint32_t len; uint8_t bytes[4]; } bad_string;
static const uint32_t bad_string_ops[] = {
    DDS_OP_ADR | DDS_OP_TYPE_8BY, offsetof(bad_string, guid),
    DDS_OP_ADR | DDS_OP_TYPE_8BY | DDS_OP_FLAG_SGN, offsetof(bad_string, seq),
    DDS_OP_ADR | DDS_OP_TYPE_4BY, offsetof(bad_string, len),
    DDS_OP_ADR | DDS_OP_TYPE_ARR | DDS_OP_SUBTYPE_1BY, offsetof(bad_string, bytes), 4,
    DDS_OP_RTS};
static const dds_topic_descriptor_t bad_string_desc = {
    .m_size = sizeof(bad_string), .m_align = _Alignof(bad_string), .m_flagset = 0, .m_nkeys = 0,
    .m_typename = SETMODEL_REQ_DDS_NAME, .m_keys = NULL, .m_nops = 5, .m_ops = bad_string_ops,
    .m_meta = ""};

/* Writes the malformed samples on topic rq (from participant pp): a short one, a string
 * claiming 1000 bytes, an unterminated string, and a string claiming 2^32-1 bytes; then one
 * that happens to be a valid request (model_name "abc", seq 4), which proves the path delivers.
 * Returns how many writers matched the server's reader (2 unless the test proved nothing). */
static inline int write_malformed_requests(dds_entity_t pp, const char *rq, int64_t wait_ms) {
  dds_entity_t w1 = raw_endpoint(pp, rq, &bad_short_desc, false, NULL, 10);
  dds_entity_t w2 = raw_endpoint(pp, rq, &bad_string_desc, false, NULL, 10);
  if (w1 < 0 || w2 < 0) return -1;
  int64_t end = clock_mono_ms() + wait_ms;
  while ((matched_count(w1, false) < 1 || matched_count(w2, false) < 1) && clock_mono_ms() < end)
    clock_sleep_ms(5);
  int matched = (matched_count(w1, false) >= 1) + (matched_count(w2, false) >= 1);
  bad_short s = {42};
  (void)dds_write(w1, &s);
  bad_string b1 = {1, 1, 1000, {'a', 'b', 'c', 0}};
  (void)dds_write(w2, &b1);
  bad_string b2 = {1, 2, 4, {'a', 'b', 'c', 'd'}};
  (void)dds_write(w2, &b2);
  bad_string b3 = {1, 3, UINT32_MAX, {0, 0, 0, 0}};
  (void)dds_write(w2, &b3);
  bad_string good = {1, 4, 4, {'a', 'b', 'c', 0}};
  (void)dds_write(w2, &good);
  (void)dds_wait_for_acks(w1, DDS_SECS(1));
  (void)dds_wait_for_acks(w2, DDS_SECS(1));
  return matched;
}

#endif
