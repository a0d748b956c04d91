/* ros_params_internal.h: glue between the parameter store (ros_params.c), the six services
 * (ros_params_srv.c) and the message conversions (ros_params_msg.c); not a public API.
 * The store is a name-sorted array guarded by a recursive mutex (the set callback may read
 * parameters while a set holds the lock). Loop thread, except where ros_params.h says any. */
#ifndef LMS_ROS_PARAMS_INTERNAL_H
#define LMS_ROS_PARAMS_INTERNAL_H

#include <pthread.h>

#include "ros_params.h"
#include "ros_types_gen.h"

typedef struct ros_param_entry {
  char *name;
  ros_param_value value;
  ros_param_descriptor d;        /* strings owned by the entry; type: the static type, or the
                                    current one with dynamic typing */
} ros_param_entry;

struct ros_params_services; /* ros_params_srv.c */

struct ros_param_server {
  ros_node *node;
  pthread_mutex_t lock;            /* recursive */
  ros_param_entry *items;          /* sorted by name (strcmp), like rclcpp's std::map */
  size_t count, cap;
  ros_param_overrides overrides;   /* the node's, one per name */
  bool *override_used;             /* parallel to overrides.items */
  ros_params_set_fn cb;
  void *cb_user;
  bool in_callback;
  dds_entity_t events;             /* /parameter_events writer, 0 when off */
  struct ros_params_services *services;
};

/* One requested assignment (name + value); value NOT_SET undeclares. */
typedef struct ros_param_assignment {
  const char *name;
  const ros_param_value *value;
} ros_param_assignment;

/* A store with no node: no services, no events, no overrides (the fuzzer drives the service
 * answers on one). Free with ros_param_server_destroy. NULL when out of memory. */
struct ros_param_server *ros_param_server_new_detached(void);
/* ros_params_declare on a store rather than a node. */
ros_status ros_params_declare_on(struct ros_param_server *ps, const char *name, const ros_param_value *default_value,
                                 const ros_param_descriptor *d, ros_error *e);

/* Index of name, or -1. Lock held. */
long ros_params_find_index(const struct ros_param_server *ps, const char *name);

/* Applies n assignments all-or-nothing, in rclcpp's order: every name declared, none
 * read-only, types and ranges, then the set callback (when use_callback), then the values and
 * one parameter event. Takes the lock. Returns OK, NOT_FOUND (undeclared), REJECTED,
 * STATE (inside the callback), LIMIT, NO_MEMORY; reason (reason_size bytes) says why. */
ros_status ros_params_apply(struct ros_param_server *ps, const ros_param_assignment *a, size_t n,
                            bool use_callback, char *reason, size_t reason_size);

/* --- messages (ros_params_msg.c) --- */

/* Points an idlc sequence at len elements of memory it does not own (never freed by Cyclone). */
#define ROS_PARAMS_BORROW_SEQ(seq, ptr, len)                                                    \
  do {                                                                                       \
    (seq)._maximum = (seq)._length = (uint32_t)(len);                                        \
    (seq)._buffer = (ptr);                                                                   \
    (seq)._release = false;                                                                  \
  } while (0)

/* Points m at v's memory (no copy; valid while v is): for writing samples. A secret shows as
 * the STRING placeholder. */
void ros_params_msg_borrow(const ros_param_value *v, bool secret,
                           rcl_interfaces_msg_dds__ParameterValue_ *m);
/* Copies a received ParameterValue into the initialised out. False (reason filled) for an
 * unknown type code or a value over LMS_MAX_PARAM_ARRAY / out of memory. */
bool ros_params_msg_take(const rcl_interfaces_msg_dds__ParameterValue_ *m, ros_param_value *out,
                         char *reason, size_t reason_size);
/* What a borrowed descriptor points into besides the entry; must live as long as m. */
typedef struct ros_params_desc_storage {
  char constraints[1024];   /* additional_constraints plus the secret note (cut if longer) */
  rcl_interfaces_msg_dds__FloatingPointRange_ fr;
  rcl_interfaces_msg_dds__IntegerRange_ ir;
} ros_params_desc_storage;
/* Fills m from an entry, borrowing its strings. */
void ros_params_msg_descriptor(const ros_param_entry *pe, ros_params_desc_storage *store,
                               rcl_interfaces_msg_dds__ParameterDescriptor_ *m);
/* Publishes one ParameterEvent (stamp now, node = FQN) with the given lists; entries are
 * (name, value, secret) triples. Errors are ignored: events are best effort in rclcpp too.
 * No-op when ps->events is 0 or all lists are empty. */
typedef struct ros_param_event_item {
  const char *name;
  const ros_param_value *value;
  bool secret;
} ros_param_event_item;
void ros_params_publish_event(struct ros_param_server *ps, const ros_param_event_item *new_items,
                              size_t n_new, const ros_param_event_item *changed, size_t n_changed,
                              const ros_param_event_item *deleted, size_t n_deleted);

/* --- services (ros_params_srv.c) --- */

typedef enum ros_params_srv_kind {
  ROS_PARAMS_SRV_GET, ROS_PARAMS_SRV_TYPES, ROS_PARAMS_SRV_SET, ROS_PARAMS_SRV_SET_ATOMIC,
  ROS_PARAMS_SRV_DESCRIBE, ROS_PARAMS_SRV_LIST, ROS_PARAMS_SRV_COUNT
} ros_params_srv_kind;

/* The response of any of the six services. */
typedef union ros_params_response {
  rcl_interfaces_srv_dds__GetParameters_Response_ get;
  rcl_interfaces_srv_dds__GetParameterTypes_Response_ types;
  rcl_interfaces_srv_dds__SetParameters_Response_ set;
  rcl_interfaces_srv_dds__SetParametersAtomically_Response_ set_atomic;
  rcl_interfaces_srv_dds__DescribeParameters_Response_ describe;
  rcl_interfaces_srv_dds__ListParameters_Response_ list;
} ros_params_response;

/* Memory an answer points into besides the store; free after the reply is sent. */
typedef struct ros_params_scratch {
  void *mem[4];
  char **strings; /* n_strings malloc'd strings (list_parameters' prefixes) */
  size_t n_strings;
} ros_params_scratch;

/* Computes the answer to one received request (request is kind's X_Request struct, as the
 * service layer hands it over: any lengths, NULL strings). rs borrows the store's memory:
 * hold ps->lock (recursive) from this call until rs is no longer used, then
 * ros_params_scratch_free(sc). Sets go through ros_params_apply (and the set callback). */
void ros_params_answer(struct ros_param_server *ps, ros_params_srv_kind kind, const void *request,
                       ros_params_response *rs, ros_params_scratch *sc);
void ros_params_scratch_free(ros_params_scratch *sc);

/* Creates the six services under the node's FQN. Returns the service layer's codes. */
ros_status ros_params_services_create(struct ros_param_server *ps, ros_error *e);
void ros_params_services_destroy(struct ros_param_server *ps);

#endif
