/* ros_qos.c: ROS QoS profiles and their Cyclone form, mirroring rmw_cyclonedds'
 * create_readwrite_qos (ROS2_WIRE.md §8.2). Cyclone's own defaults differ from ROS's (readers
 * best-effort, writers with 100 ms blocking), so every policy that matters is set explicitly. */
#include "ros_qos.h"

#include <stdio.h>
#include <string.h>

#define SEC(s) ((int64_t)(s) * 1000000000)

const ros_qos ros_qos_default = {ROS_HISTORY_KEEP_LAST, 10, ROS_RELIABLE, ROS_VOLATILE, 0, 0};
const ros_qos ros_qos_sensor_data = {ROS_HISTORY_KEEP_LAST, 5, ROS_BEST_EFFORT, ROS_VOLATILE, 0, 0};
const ros_qos ros_qos_services = {ROS_HISTORY_KEEP_LAST, 10, ROS_RELIABLE, ROS_VOLATILE, 0, 0};
const ros_qos ros_qos_parameters = {ROS_HISTORY_KEEP_LAST, 1000, ROS_RELIABLE, ROS_VOLATILE, 0, 0};
const ros_qos ros_qos_parameter_events = {ROS_HISTORY_KEEP_LAST, 1000, ROS_RELIABLE, ROS_VOLATILE,
                                          0, 0};
const ros_qos ros_qos_action_status = {ROS_HISTORY_KEEP_LAST, 1, ROS_RELIABLE, ROS_TRANSIENT_LOCAL,
                                       0, 0};
const ros_qos ros_qos_rosout = {ROS_HISTORY_KEEP_LAST, 1000, ROS_RELIABLE, ROS_TRANSIENT_LOCAL, 0,
                                SEC(10)};
const ros_qos ros_qos_system_default = {ROS_HISTORY_KEEP_LAST, 1, ROS_RELIABLE, ROS_VOLATILE, 0, 0};

ros_qos ros_qos_with_depth(ros_qos q, int depth) {
  q.history = ROS_HISTORY_KEEP_LAST;
  q.depth = depth;
  return q;
}

dds_qos_t *ros_qos_to_dds(const ros_qos *q, const char *user_data) {
  dds_qos_t *d = dds_create_qos();
  if (!d) return NULL;
  int depth = q->depth > 0 ? q->depth : 1;
  if (q->history == ROS_HISTORY_KEEP_ALL) dds_qset_history(d, DDS_HISTORY_KEEP_ALL, -1);
  else dds_qset_history(d, DDS_HISTORY_KEEP_LAST, depth);
  if (q->reliability == ROS_RELIABLE) dds_qset_reliability(d, DDS_RELIABILITY_RELIABLE, DDS_INFINITY);
  else dds_qset_reliability(d, DDS_RELIABILITY_BEST_EFFORT, 0);
  if (q->durability == ROS_TRANSIENT_LOCAL) {
    dds_qset_durability(d, DDS_DURABILITY_TRANSIENT_LOCAL);
    /* Cyclone keeps late-joiner data per the durability-service history. */
    dds_qset_durability_service(d, 0,
                                q->history == ROS_HISTORY_KEEP_ALL ? DDS_HISTORY_KEEP_ALL
                                                                   : DDS_HISTORY_KEEP_LAST,
                                q->history == ROS_HISTORY_KEEP_ALL ? -1 : depth,
                                DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED);
  } else {
    dds_qset_durability(d, DDS_DURABILITY_VOLATILE);
  }
  if (q->deadline_ns > 0) dds_qset_deadline(d, q->deadline_ns);
  if (q->lifespan_ns > 0) dds_qset_lifespan(d, q->lifespan_ns);
  dds_qset_liveliness(d, DDS_LIVELINESS_AUTOMATIC, DDS_INFINITY);
  dds_qset_writer_data_lifecycle(d, false);
  dds_data_representation_id_t xcdr1 = DDS_DATA_REPRESENTATION_XCDR1;
  dds_qset_data_representation(d, 1, &xcdr1);
  if (user_data && user_data[0]) dds_qset_userdata(d, user_data, strlen(user_data));
  return d;
}

bool ros_qos_user_data(char *out, size_t size, const char *id_key, const char *id,
                       const char *type_hash) {
  int n = snprintf(out, size, "%s%s%s%s%s%s", id_key ? id_key : "", id_key ? "=" : "",
                   id_key ? id : "", id_key ? ";" : "", type_hash ? "typehash=" : "",
                   type_hash ? type_hash : "");
  if (n < 0 || (size_t)n >= size) return false;
  if (type_hash) {
    if ((size_t)n + 1 >= size) return false;
    out[n] = ';';
    out[n + 1] = '\0';
  }
  return true;
}

static bool is_key_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool ros_qos_user_data_get(const void *blob, size_t len, const char *key, char *out, size_t size) {
  const char *p = blob, *end = p + len;
  if (len > 0 && end[-1] == '\0') end--; /* a trailing NUL is tolerated */
  bool found = false;
  while (p < end) {
    const char *k = p;
    while (p < end && is_key_char((unsigned char)*p)) p++;
    if (p == k || p == end || *p != '=') return false;
    size_t klen = (size_t)(p - k);
    const char *v = ++p;
    while (p < end && *p != ';') p++;
    if (p == end || p == v) return false; /* values are non-empty and end with ';' */
    size_t vlen = (size_t)(p - v);
    if (!found && klen == strlen(key) && memcmp(k, key, klen) == 0) {
      if (vlen >= size) return false;
      memcpy(out, v, vlen);
      out[vlen] = '\0';
      found = true;
    }
    p++;
  }
  return found;
}
