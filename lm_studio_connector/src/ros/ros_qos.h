/* ros_qos.h: ROS 2 QoS profiles and their translation into Cyclone DDS QoS exactly as
 * rmw_cyclonedds does it (ROS2_WIRE.md §8): explicit history/reliability/durability on every
 * endpoint, durability-service for transient-local, no autodispose, XCDR1 only, USER_DATA.
 * Pure data and functions; thread-safe. */
#ifndef LMS_ROS_QOS_H
#define LMS_ROS_QOS_H

#include <stdbool.h>
#include <stdint.h>

#include <dds/dds.h>

typedef enum ros_history { ROS_HISTORY_KEEP_LAST = 0, ROS_HISTORY_KEEP_ALL = 1 } ros_history;
typedef enum ros_reliability { ROS_RELIABLE = 0, ROS_BEST_EFFORT = 1 } ros_reliability;
typedef enum ros_durability { ROS_VOLATILE = 0, ROS_TRANSIENT_LOCAL = 1 } ros_durability;

typedef struct ros_qos {
  ros_history history;
  int depth;                 /* KEEP_LAST depth; 0 means 1, as rmw does */
  ros_reliability reliability;
  ros_durability durability;
  int64_t deadline_ns;       /* 0 = not set */
  int64_t lifespan_ns;       /* 0 = not set */
} ros_qos;

/* The profiles of rmw/qos_profiles.h and rcl_action, as rmw_cyclonedds resolves them. */
extern const ros_qos ros_qos_default;          /* KEEP_LAST 10, RELIABLE, VOLATILE */
extern const ros_qos ros_qos_sensor_data;      /* KEEP_LAST 5, BEST_EFFORT, VOLATILE */
extern const ros_qos ros_qos_services;         /* KEEP_LAST 10, RELIABLE, VOLATILE */
extern const ros_qos ros_qos_parameters;       /* KEEP_LAST 1000, RELIABLE, VOLATILE */
extern const ros_qos ros_qos_parameter_events; /* KEEP_LAST 1000, RELIABLE, VOLATILE */
extern const ros_qos ros_qos_action_status;    /* KEEP_LAST 1, RELIABLE, TRANSIENT_LOCAL */
extern const ros_qos ros_qos_rosout;           /* KEEP_LAST 1000, RELIABLE, TRANSIENT_LOCAL, lifespan 10 s */
extern const ros_qos ros_qos_system_default;   /* KEEP_LAST 1, RELIABLE, VOLATILE */

/* A profile with a different depth (KEEP_LAST). */
ros_qos ros_qos_with_depth(ros_qos q, int depth);

/* Creates the Cyclone QoS for a ROS endpoint with this profile. user_data (may be NULL) is the
 * USER_DATA text without a trailing NUL ("serviceid=...;typehash=RIHS01_...;").
 * Caller frees with dds_delete_qos. NULL when out of memory. */
dds_qos_t *ros_qos_to_dds(const ros_qos *q, const char *user_data);

/* The USER_DATA text rmw puts on an endpoint: optional "<id_key>=<id>;" then
 * "typehash=<hash>;" (hash may be NULL: no entry, as in Humble). Writes into out (size bytes);
 * returns false if it does not fit. */
bool ros_qos_user_data(char *out, size_t size, const char *id_key, const char *id,
                       const char *type_hash);

/* Reads the value of key from a USER_DATA blob (rmw's key=value; grammar: alphanumeric keys,
 * non-empty values). Returns false if the blob does not parse or has no such key. */
bool ros_qos_user_data_get(const void *blob, size_t len, const char *key, char *out, size_t size);

#endif
