/* ros_topic.h: ROS 2 publishers and subscriptions on a node (topic "rt/<name>", ROS type
 * names such as "std_msgs/msg/String", ROS QoS profiles). Messages are the idlc-generated C
 * structs of ros_types_gen.h.
 * Threads: publish may be called from any thread; create/destroy and the message callback are
 * loop-thread only. */
#ifndef LMS_ROS_TOPIC_H
#define LMS_ROS_TOPIC_H

#include <stdint.h>

#include "ros_node.h"

typedef struct ros_publisher ros_publisher;
typedef struct ros_subscription ros_subscription;

typedef struct ros_message_info {
  int64_t source_timestamp_ns;               /* when the publisher wrote it */
  dds_instance_handle_t publication_handle;  /* the writer, as this process knows it */
} ros_message_info;

/* msg is the decoded sample, valid only during the call. */
typedef void (*ros_message_fn)(void *user, const void *msg, const ros_message_info *info);

/* topic is resolved against the node (relative names get its namespace; -r rules apply).
 * qos NULL = ros_qos_default. */
ros_status ros_publisher_create(ros_node *n, const char *topic, const char *type,
                                const ros_qos *qos, ros_publisher **out, ros_error *e);
void ros_publisher_destroy(ros_publisher *p);   /* accepts NULL */
ros_status ros_publisher_publish(ros_publisher *p, const void *msg, ros_error *e);
/* Number of subscriptions currently matched. */
int ros_publisher_subscription_count(ros_publisher *p);
const char *ros_publisher_topic(const ros_publisher *p); /* resolved ROS name */
/* Blocks up to timeout_ns until every reliable subscription acknowledged what was published
 * (best-effort ones need nothing), e.g. before a short-lived publisher exits. True when all
 * did. Loop thread; blocks without running callbacks. */
bool ros_publisher_wait_for_acks(ros_publisher *p, int64_t timeout_ns);

ros_status ros_subscription_create(ros_node *n, const char *topic, const char *type,
                                   const ros_qos *qos, ros_message_fn fn, void *user,
                                   ros_subscription **out, ros_error *e);
/* Like ros_subscription_create, but the callback owns each message (kept without a copy, e.g.
 * the latest camera frame) and frees it with ros_message_free(type, msg). */
typedef void (*ros_message_owned_fn)(void *user, void *msg, const ros_message_info *info);
ros_status ros_subscription_create_owned(ros_node *n, const char *topic, const char *type,
                                         const ros_qos *qos, ros_message_owned_fn fn, void *user,
                                         ros_subscription **out, ros_error *e);
/* Frees a message handed out by an owned subscription (type as given there). Accepts NULL. */
void ros_message_free(const char *type, void *msg);
void ros_subscription_destroy(ros_subscription *s); /* accepts NULL */
int ros_subscription_publisher_count(ros_subscription *s);
/* The GUID of the writer that sent a message (info from the callback). Looked up on demand,
 * since it costs a discovery-data copy. Returns false if that writer is gone. */
bool ros_subscription_publisher_gid(ros_subscription *s, const ros_message_info *info,
                                    uint8_t gid[16]);
const char *ros_subscription_topic(const ros_subscription *s);

#endif
