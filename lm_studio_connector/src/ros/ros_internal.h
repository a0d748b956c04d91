/* ros_internal.h: what the context and the nodes tell each other, private to src/ros.
 * The context owns the graph snapshot (ros_discovery_info); nodes own their endpoint lists. */
#ifndef LMS_ROS_INTERNAL_H
#define LMS_ROS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ros_context.h"

typedef struct ros_gid { uint8_t data[16]; } ros_gid;

/* Node registry and graph (loop thread). Changes are published on the next spin; removal of a
 * node publishes at once, so a process that exits right after is seen leaving. */
void ros_context_add_node(ros_context *ctx, ros_node *n);
void ros_context_remove_node(ros_context *ctx, ros_node *n);
void ros_context_graph_changed(ros_context *ctx);
size_t ros_context_node_count(const ros_context *ctx);

/* The participant's GUID prefix (12 bytes) and the per-process entity counter. */
const uint8_t *ros_context_guid_prefix(const ros_context *ctx);
uint32_t ros_context_next_entity_counter(ros_context *ctx);
dds_entity_t ros_context_publisher(const ros_context *ctx);
dds_entity_t ros_context_subscriber(const ros_context *ctx);
const char *ros_context_enclave(const ros_context *ctx);

/* Takes reader's samples as Cyclone loans, in batches, handing each valid one to fn
 * (valid_data false: a dispose/unregister notice, skipped). After max samples (<= 0: no limit)
 * it stops and triggers w, so the loop's other callbacks get their turn first. Loop thread. */
typedef void (*ros_loan_fn)(void *user, const void *sample, const dds_sample_info_t *info);
void ros_take_loans(dds_entity_t reader, int max, ros_waitable *w, ros_loan_fn fn, void *user);

/* The DDS writer behind a publisher (ros_topic.c), for matching checks within src/ros. */
struct ros_publisher;
dds_entity_t ros_publisher_writer(const struct ros_publisher *p);

/* What the graph lists of a node (valid until the node changes). */
void ros_node_graph_view(const ros_node *n, const char **ns, const char **name,
                         const ros_gid **readers, size_t *n_readers, const ros_gid **writers,
                         size_t *n_writers);

#endif
