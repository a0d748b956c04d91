/* ros_node.h: a ROS 2 node: its name and namespace (after __node/__ns remapping), its
 * fully qualified and logger names, name resolution (expansion + -r remapping), and the
 * registry of its DDS readers and writers, whose GIDs go into ros_discovery_info so that
 * `ros2 node list/info` see the node and what it offers.
 * A node normally also has /rosout logging (ros_log.h) and the six parameter services with
 * /parameter_events (ros_params.h); ros_node_create sets those up unless told not to.
 * Loop thread only (see ros_context.h), except the read-only accessors. */
#ifndef LMS_ROS_NODE_H
#define LMS_ROS_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "ros_args.h"
#include "ros_context.h"
#include "ros_error.h"
#include "ros_qos.h"
#include "ros_types_gen.h"

typedef struct ros_node_options {
  const ros_args *args;          /* parsed command line (may be NULL); kept by reference: it
                                    must outlive the node */
  bool no_rosout;                /* do not publish logs on /rosout */
  bool no_parameter_services;    /* do not serve the parameter services / parameter_events */
} ros_node_options;

/* Creates a node named name in namespace ns (NULL or "" = "/"), after the command line's
 * __node/__ns rules. opts may be NULL. Publishes the graph snapshot. */
ros_status ros_node_create(ros_context *ctx, const char *name, const char *ns,
                           const ros_node_options *opts, ros_node **out, ros_error *e);
/* Destroys the node: returns ROS_ERR_BUSY if user entities (publishers, services...) are still
 * attached; otherwise deletes its own endpoints and removes it from the graph. Accepts NULL. */
ros_status ros_node_destroy(ros_node *n);

const char *ros_node_name(const ros_node *n);        /* "lm_studio_node" */
const char *ros_node_namespace(const ros_node *n);   /* "/" or "/robot1" */
const char *ros_node_fqn(const ros_node *n);         /* "/robot1/lm_studio_node" */
const char *ros_node_logger_name(const ros_node *n); /* "robot1.lm_studio_node" */
ros_context *ros_node_context(const ros_node *n);
const ros_args *ros_node_args(const ros_node *n);    /* NULL when created without */

/* Expands name for this node (relative, ~, {node}/{ns}) and applies the -r rules for topics
 * (service == false) or services. out must hold ROS_NAME_BUF_SIZE bytes. */
ros_status ros_node_resolve(const ros_node *n, const char *name, bool service, char *out,
                            size_t size, ros_error *e);

/* --- endpoints: the building block of publishers, services, actions, ... --- */

typedef struct ros_endpoint_spec {
  const char *dds_topic;        /* "rt/chatter", "rq/add_two_intsRequest" */
  const ros_type_info *type;    /* row of the generated type table; must have a descriptor */
  ros_qos qos;
  const char *id_key;           /* "serviceid" / "clientid", or NULL */
  const char *id;               /* its value (ros_node_new_entity_id) */
} ros_endpoint_spec;

/* Creates a reader or writer with the spec's topic, type, QoS and USER_DATA (id entry, then
 * typehash except in Humble mode), lists its GID for this node in the graph, and hands out the
 * Cyclone handle. The node deletes it in ros_node_delete_endpoint. */
ros_status ros_node_create_reader(ros_node *n, const ros_endpoint_spec *s, dds_entity_t *out,
                                  ros_error *e);
ros_status ros_node_create_writer(ros_node *n, const ros_endpoint_spec *s, dds_entity_t *out,
                                  ros_error *e);
/* Deletes an endpoint made by the two calls above and drops it from the graph. */
void ros_node_delete_endpoint(ros_node *n, dds_entity_t endpoint);

/* A fresh service/client identity as rmw_cyclonedds prints it: the participant's GUID prefix
 * plus a per-process counter, "  1.10.d9.79....0.0.0.7" style (ROS2_WIRE.md §3.3). */
void ros_node_new_entity_id(ros_node *n, char *out, size_t size);

/* User entities (publishers, services, ...) count themselves in and out, so destroying a node
 * that still has them fails instead of leaving dangling handles. */
void ros_node_entity_added(ros_node *n);
void ros_node_entity_removed(ros_node *n);

/* Per-node state owned by other modules (NULL when not set up). */
struct ros_logger;
struct ros_param_server;
struct ros_logger *ros_node_logger(const ros_node *n);
struct ros_param_server *ros_node_params(const ros_node *n);

#endif
