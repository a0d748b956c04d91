/* ros_service_internal.h: glue shared by ros_service.c and ros_client.c (not a public API):
 * name and type lookup for a service, the serviceid/clientid of a matched endpoint, and a
 * deep copy of idlc samples (deferred replies and ros_client_call_sync must outlive the
 * caller's or Cyclone's buffers). Pure functions over Cyclone handles; loop thread. */
#ifndef LMS_ROS_SERVICE_INTERNAL_H
#define LMS_ROS_SERVICE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dds/dds.h>

#include "ros_error.h"
#include "ros_names.h"
#include "ros_node.h"

/* The 16 bytes every request and reply starts with (§3.1): the client's id and the call's seq. */
typedef struct ros_srv_header {
  uint64_t guid;
  int64_t seq;
} ros_srv_header;

/* Room for a "serviceid"/"clientid" value: rmw prints 16 bytes as up to 47 characters. */
#define ROS_SERVICE_ID_BUF 128
/* Samples taken per waitable run; more re-trigger it so other callbacks get their turn. */
#define ROS_SERVICE_TAKE_PER_RUN 64

/* Everything both sides derive from (node, name, srv_type). */
typedef struct ros_service_names {
  char name[ROS_NAME_BUF_SIZE];      /* resolved ROS name, "/list_models" */
  char rq_topic[ROS_NAME_BUF_SIZE];  /* "rq/list_modelsRequest" */
  char rr_topic[ROS_NAME_BUF_SIZE];  /* "rr/list_modelsReply" */
  const ros_type_info *request;      /* "<srv_type>_Request" row, with a descriptor */
  const ros_type_info *response;     /* "<srv_type>_Response" row, with a descriptor */
} ros_service_names;

/* Resolves name as a service name for n, finds the Request/Response rows of srv_type and
 * checks that their samples can be copied. Returns ROS_OK, ROS_ERR_INVALID_ARGUMENT,
 * ROS_ERR_BAD_NAME or ROS_ERR_UNKNOWN_TYPE; out is filled only on success. */
ros_status ros_service_names_init(ros_node *n, const char *name, const char *srv_type,
                                  ros_service_names *out, ros_error *e);

/* The USER_DATA value of key ("clientid"/"serviceid") of a matched endpoint. False when the
 * endpoint is unknown (handle not matched any more: *gone set), has no USER_DATA, does not parse
 * or lacks the key. publication == true looks among the matched writers of entity. */
bool ros_service_matched_id(dds_entity_t entity, dds_instance_handle_t handle, bool publication,
                            const char *key, char *out, size_t size, bool *gone);

/* Handles of everything entity has matched (writers for a reader, readers for a writer), in a
 * malloc'd array (*out, free()). Returns the count (>= 0) or a negative Cyclone code. */
int ros_service_matched_handles(dds_entity_t entity, bool publications,
                                dds_instance_handle_t **out);

/* Deep copy of an idlc sample: dst (desc->m_size bytes) gets fresh dds_alloc'd strings and
 * sequences, freed later with dds_sample_free(dst, desc, DDS_FREE_CONTENTS or DDS_FREE_ALL).
 * dst is overwritten. On failure (out of memory, malformed source) dst holds nothing to free
 * and false is returned. */
bool ros_sample_copy(const dds_topic_descriptor_t *desc, void *dst, const void *src);
/* A malloc'd (dds_alloc) copy, or NULL. Free with dds_sample_free(p, desc, DDS_FREE_ALL). */
void *ros_sample_dup(const dds_topic_descriptor_t *desc, const void *src);
/* True when ros_sample_copy knows every instruction of desc (all @final ROS types: no unions,
 * optionals or external members). */
bool ros_sample_copy_supported(const dds_topic_descriptor_t *desc);

#endif
