/* ros_topic.c: publishers and subscriptions (see ros_topic.h).
 * A subscription's reader wakes the loop through a ros_waitable; samples are taken on the loop
 * thread as Cyclone loans and handed to the callback one by one. Dispose/unregister
 * notifications (valid_data false) are skipped. */
#include "ros_topic.h"

#include <stdlib.h>
#include <string.h>

#include "ros_internal.h"
#include "ros_names.h"

struct ros_publisher {
  ros_node *node;
  dds_entity_t writer;
  char topic[ROS_NAME_BUF_SIZE];
};

struct ros_subscription {
  ros_node *node;
  dds_entity_t reader;
  ros_waitable *waitable;
  ros_message_fn fn;
  ros_message_owned_fn owned_fn;   /* set instead of fn for owned subscriptions */
  const dds_topic_descriptor_t *desc;
  void *user;
  char topic[ROS_NAME_BUF_SIZE];
};

/* Resolves the name and type shared by both kinds; fills spec and the resolved ROS name. */
static ros_status prepare(ros_node *n, const char *topic, const char *type, const ros_qos *qos,
                          char *resolved, char *dds_name, ros_endpoint_spec *spec, ros_error *e) {
  if (!n || !topic || !type) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "missing argument");
  const ros_type_info *t = ros_types_find(type);
  if (!t || t->kind != ROS_TYPE_MESSAGE || !t->desc)
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "unknown message type \"%s\"", type);
  ros_status st = ros_node_resolve(n, topic, false, resolved, ROS_NAME_BUF_SIZE, e);
  if (st != ROS_OK) return st;
  ros_names_error ne;
  if (ros_names_to_dds(resolved, ROS_DDS_TOPIC, dds_name, ROS_NAME_BUF_SIZE, &ne) != ROS_NAMES_OK)
    return ros_error_set(e, ROS_ERR_BAD_NAME, "%s", ne.message);
  memset(spec, 0, sizeof *spec);
  spec->dds_topic = dds_name;
  spec->type = t;
  spec->qos = qos ? *qos : ros_qos_default;
  return ROS_OK;
}

ros_status ros_publisher_create(ros_node *n, const char *topic, const char *type,
                                const ros_qos *qos, ros_publisher **out, ros_error *e) {
  if (!out) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "no output pointer");
  ros_publisher *p = calloc(1, sizeof *p);
  if (!p) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  char dds_name[ROS_NAME_BUF_SIZE];
  ros_endpoint_spec spec;
  ros_status st = prepare(n, topic, type, qos, p->topic, dds_name, &spec, e);
  if (st == ROS_OK) st = ros_node_create_writer(n, &spec, &p->writer, e);
  if (st != ROS_OK) {
    free(p);
    return st;
  }
  p->node = n;
  ros_node_entity_added(n);
  *out = p;
  return ROS_OK;
}

void ros_publisher_destroy(ros_publisher *p) {
  if (!p) return;
  ros_node_delete_endpoint(p->node, p->writer);
  ros_node_entity_removed(p->node);
  free(p);
}

ros_status ros_publisher_publish(ros_publisher *p, const void *msg, ros_error *e) {
  if (!p || !msg) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "missing argument");
  dds_return_t rc = dds_write(p->writer, msg);
  return rc < 0 ? ros_error_dds(e, rc, p->topic) : ROS_OK;
}

int ros_publisher_subscription_count(ros_publisher *p) {
  dds_publication_matched_status_t st;
  return p && dds_get_publication_matched_status(p->writer, &st) == 0 ? (int)st.current_count : 0;
}

const char *ros_publisher_topic(const ros_publisher *p) { return p ? p->topic : NULL; }

dds_entity_t ros_publisher_writer(const ros_publisher *p) { return p ? p->writer : 0; }

bool ros_publisher_wait_for_acks(ros_publisher *p, int64_t timeout_ns) {
  return p && dds_wait_for_acks(p->writer, timeout_ns) == DDS_RETCODE_OK;
}

static void fill_info(const dds_sample_info_t *si, ros_message_info *mi) {
  mi->source_timestamp_ns = si->source_timestamp;
  mi->publication_handle = si->publication_handle;
}

bool ros_subscription_publisher_gid(ros_subscription *s, const ros_message_info *info,
                                    uint8_t gid[16]) {
  if (!s || !info) return false;
  dds_builtintopic_endpoint_t *pub =
      dds_get_matched_publication_data(s->reader, info->publication_handle);
  if (!pub) return false;
  memcpy(gid, pub->key.v, 16);
  dds_builtintopic_free_endpoint(pub);
  return true;
}

/* Owned mode: Cyclone deserializes into memory we allocate, so the message can be kept. */
static void take_owned(ros_subscription *s) {
  for (;;) {
    void *sample = dds_alloc(s->desc->m_size);
    if (!sample) return;
    memset(sample, 0, s->desc->m_size);
    void *buf[1] = {sample};
    dds_sample_info_t info;
    dds_return_t n = dds_take(s->reader, buf, &info, 1, 1);
    if (n <= 0 || !info.valid_data) {
      dds_sample_free(sample, s->desc, DDS_FREE_ALL);
      if (n <= 0) return;
      continue;
    }
    ros_message_info mi;
    fill_info(&info, &mi);
    s->owned_fn(s->user, sample, &mi);
  }
}

static void on_loan(void *user, const void *sample, const dds_sample_info_t *info) {
  ros_subscription *s = user;
  ros_message_info mi;
  fill_info(info, &mi);
  s->fn(s->user, sample, &mi);
}

static void take_samples(void *arg) {
  ros_subscription *s = arg;
  if (s->owned_fn) take_owned(s);
  else ros_take_loans(s->reader, 0, s->waitable, on_loan, s);
}

static ros_status create_sub(ros_node *n, const char *topic, const char *type, const ros_qos *qos,
                             ros_message_fn fn, ros_message_owned_fn owned_fn, void *user,
                             ros_subscription **out, ros_error *e) {
  if (!out || (!fn && !owned_fn)) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "missing argument");
  ros_subscription *s = calloc(1, sizeof *s);
  if (!s) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  s->node = n;
  s->fn = fn;
  s->owned_fn = owned_fn;
  s->user = user;
  char dds_name[ROS_NAME_BUF_SIZE];
  ros_endpoint_spec spec;
  ros_status st = prepare(n, topic, type, qos, s->topic, dds_name, &spec, e);
  if (st == ROS_OK) s->desc = spec.type->desc;
  if (st == ROS_OK) st = ros_node_create_reader(n, &spec, &s->reader, e);
  if (st != ROS_OK) {
    free(s);
    return st;
  }
  s->waitable = ros_waitable_create(ros_node_context(n), take_samples, s);
  if (!s->waitable) st = ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  else st = ros_waitable_attach_reader(s->waitable, s->reader, e);
  if (st != ROS_OK) {
    ros_waitable_destroy(s->waitable);
    ros_node_delete_endpoint(n, s->reader);
    free(s);
    return st;
  }
  ros_node_entity_added(n);
  *out = s;
  return ROS_OK;
}

ros_status ros_subscription_create(ros_node *n, const char *topic, const char *type,
                                   const ros_qos *qos, ros_message_fn fn, void *user,
                                   ros_subscription **out, ros_error *e) {
  return create_sub(n, topic, type, qos, fn, NULL, user, out, e);
}

ros_status ros_subscription_create_owned(ros_node *n, const char *topic, const char *type,
                                         const ros_qos *qos, ros_message_owned_fn fn, void *user,
                                         ros_subscription **out, ros_error *e) {
  return create_sub(n, topic, type, qos, NULL, fn, user, out, e);
}

void ros_message_free(const char *type, void *msg) {
  const ros_type_info *t = ros_types_find(type);
  if (msg && t && t->desc) dds_sample_free(msg, t->desc, DDS_FREE_ALL);
}

void ros_subscription_destroy(ros_subscription *s) {
  if (!s) return;
  ros_waitable_destroy(s->waitable);
  ros_node_delete_endpoint(s->node, s->reader);
  ros_node_entity_removed(s->node);
  free(s);
}

int ros_subscription_publisher_count(ros_subscription *s) {
  dds_subscription_matched_status_t st;
  return s && dds_get_subscription_matched_status(s->reader, &st) == 0 ? (int)st.current_count : 0;
}

const char *ros_subscription_topic(const ros_subscription *s) { return s ? s->topic : NULL; }
