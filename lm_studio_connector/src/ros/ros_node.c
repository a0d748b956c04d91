/* ros_node.c: nodes, their names and their endpoint registry (see ros_node.h).
 * Every DDS reader and writer a node creates goes through here, so the node can list its GID
 * in ros_discovery_info (ros2 node info looks endpoints up by exact GID) and delete it later.
 * Loop thread only. */
#include "ros_node.h"

#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "ros_internal.h"
#include "ros_log.h"
#include "ros_names.h"
#include "ros_params.h"

typedef struct endpoint {
  dds_entity_t entity, topic;
  bool is_reader;
  ros_gid gid;
} endpoint;

struct ros_node {
  ros_context *ctx;
  char name[ROS_NAME_BUF_SIZE], ns[ROS_NAME_BUF_SIZE];
  char fqn[ROS_NAME_BUF_SIZE], logger_name[ROS_NAME_BUF_SIZE];
  ros_node_options opts;
  endpoint *endpoints;
  size_t n_endpoints, cap_endpoints;
  ros_gid *reader_gids, *writer_gids; /* graph view, rebuilt on every change */
  size_t n_reader_gids, n_writer_gids;
  int user_entities;
  int own_entities;              /* those the node made itself (rosout, parameter services) */
  struct ros_logger *logger;
  struct ros_param_server *params;
};

static void rebuild_graph_view(ros_node *n) {
  size_t r = 0, w = 0;
  for (size_t i = 0; i < n->n_endpoints; i++) {
    if (n->endpoints[i].is_reader) n->reader_gids[r++] = n->endpoints[i].gid;
    else n->writer_gids[w++] = n->endpoints[i].gid;
  }
  n->n_reader_gids = r;
  n->n_writer_gids = w;
  ros_context_graph_changed(n->ctx);
}

void ros_node_graph_view(const ros_node *n, const char **ns, const char **name,
                         const ros_gid **readers, size_t *n_readers, const ros_gid **writers,
                         size_t *n_writers) {
  *ns = n->ns;
  *name = n->name;
  *readers = n->reader_gids;
  *n_readers = n->n_reader_gids;
  *writers = n->writer_gids;
  *n_writers = n->n_writer_gids;
}

ros_status ros_node_create(ros_context *ctx, const char *name, const char *ns,
                           const ros_node_options *opts, ros_node **out, ros_error *e) {
  if (!ctx || !name || !out) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "missing argument");
  ros_node *n = calloc(1, sizeof *n);
  if (!n) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  n->ctx = ctx;
  if (opts) n->opts = *opts;
  ros_args_error ae;
  if (ros_args_resolve_node(n->opts.args, name, ns, n->name, sizeof n->name, n->ns, sizeof n->ns,
                            &ae) != ROS_ARGS_OK) {
    free(n);
    return ros_error_set(e, ROS_ERR_BAD_NAME, "%s", ae.message);
  }
  ros_names_error ne;
  if (ros_names_fqn(n->name, n->ns, n->fqn, sizeof n->fqn, &ne) != ROS_NAMES_OK ||
      ros_names_logger_name(n->name, n->ns, n->logger_name, sizeof n->logger_name, &ne) !=
          ROS_NAMES_OK) {
    free(n);
    return ros_error_set(e, ROS_ERR_BAD_NAME, "%s", ne.message);
  }
  ros_context_add_node(ctx, n);
  ros_status st = ROS_OK;
  /* Without /rosout the node still logs to the console with its --log-level; without the
   * services it still keeps local parameters, as rclcpp does. */
  ros_logger_options lo = {.no_rosout = n->opts.no_rosout};
  st = ros_logger_create(n, &lo, &n->logger, e);
  ros_param_server_options po = {.no_services = n->opts.no_parameter_services};
  if (st == ROS_OK) st = ros_param_server_create(n, &po, &n->params, e);
  n->own_entities = n->user_entities;
  if (st != ROS_OK) {
    ros_node_destroy(n);
    return st;
  }
  *out = n;
  return ROS_OK;
}

static void delete_endpoint_at(ros_node *n, size_t i) {
  dds_delete(n->endpoints[i].entity);
  dds_delete(n->endpoints[i].topic);
  n->endpoints[i] = n->endpoints[--n->n_endpoints];
}

ros_status ros_node_destroy(ros_node *n) {
  if (!n) return ROS_OK;
  if (n->user_entities > n->own_entities) return ROS_ERR_BUSY;
  ros_param_server_destroy(n->params);
  n->params = NULL;
  ros_logger_destroy(n->logger);
  n->logger = NULL;
  while (n->n_endpoints) delete_endpoint_at(n, n->n_endpoints - 1);
  ros_context_remove_node(n->ctx, n);
  free(n->endpoints);
  free(n->reader_gids);
  free(n->writer_gids);
  free(n);
  return ROS_OK;
}

const char *ros_node_name(const ros_node *n) { return n->name; }
const char *ros_node_namespace(const ros_node *n) { return n->ns; }
const char *ros_node_fqn(const ros_node *n) { return n->fqn; }
const char *ros_node_logger_name(const ros_node *n) { return n->logger_name; }
ros_context *ros_node_context(const ros_node *n) { return n->ctx; }
const ros_args *ros_node_args(const ros_node *n) { return n->opts.args; }
struct ros_logger *ros_node_logger(const ros_node *n) { return n->logger; }
struct ros_param_server *ros_node_params(const ros_node *n) { return n->params; }

void ros_node_entity_added(ros_node *n) { n->user_entities++; }
void ros_node_entity_removed(ros_node *n) { n->user_entities--; }

ros_status ros_node_resolve(const ros_node *n, const char *name, bool service, char *out,
                            size_t size, ros_error *e) {
  char expanded[ROS_NAME_BUF_SIZE];
  ros_names_error ne;
  if (!name) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "no name");
  if (ros_names_expand(name, n->name, n->ns, expanded, sizeof expanded, &ne) != ROS_NAMES_OK)
    return ros_error_set(e, ROS_ERR_BAD_NAME, "%s", ne.message);
  ros_args_error ae;
  if (ros_args_apply_remap(n->opts.args, n->name, n->ns, service ? ROS_NAME_SERVICE : ROS_NAME_TOPIC,
                           expanded, out, size, &ae) != ROS_ARGS_OK)
    return ros_error_set(e, ROS_ERR_BAD_NAME, "%s", ae.message);
  return ROS_OK;
}

void ros_node_new_entity_id(ros_node *n, char *out, size_t size) {
  uint8_t id[16];
  memcpy(id, ros_context_guid_prefix(n->ctx), 12);
  uint32_t k = ros_context_next_entity_counter(n->ctx);
  id[12] = (uint8_t)(k >> 24);
  id[13] = (uint8_t)(k >> 16);
  id[14] = (uint8_t)(k >> 8);
  id[15] = (uint8_t)k;
  /* rmw prints the first byte with width 2 padded by a space, the rest unpadded. */
  size_t used = 0;
  for (int i = 0; i < 16 && used < size; i++) {
    int w = snprintf(out + used, size - used, i == 0 ? "%2x" : ".%x", id[i]);
    if (w < 0) break;
    used += (size_t)w;
  }
}

static bool grow_endpoints(ros_node *n) {
  if (n->n_endpoints < n->cap_endpoints) return true;
  size_t cap = n->cap_endpoints ? n->cap_endpoints * 2 : 16;
  endpoint *e = realloc(n->endpoints, cap * sizeof *e);
  if (!e) return false;
  n->endpoints = e;
  ros_gid *r = realloc(n->reader_gids, cap * sizeof *r);
  if (!r) return false;
  n->reader_gids = r;
  ros_gid *w = realloc(n->writer_gids, cap * sizeof *w);
  if (!w) return false;
  n->writer_gids = w;
  n->cap_endpoints = cap;
  return true;
}

static ros_status create_endpoint(ros_node *n, const ros_endpoint_spec *s, bool reader,
                                  dds_entity_t *out, ros_error *e) {
  if (!s || !s->dds_topic || !s->type || !s->type->desc || !out)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "incomplete endpoint spec");
  if (!grow_endpoints(n)) return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  char ud[512];
  const char *hash = ros_context_is_humble(n->ctx) ? NULL : s->type->type_hash;
  if (!ros_qos_user_data(ud, sizeof ud, s->id_key, s->id, hash))
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "USER_DATA too long");
  dds_entity_t pp = ros_context_participant(n->ctx);
  dds_entity_t topic = dds_create_topic(pp, s->type->desc, s->dds_topic, NULL, NULL);
  if (topic < 0) return ros_error_dds(e, topic, s->dds_topic);
  dds_qos_t *q = ros_qos_to_dds(&s->qos, ud);
  if (!q) {
    dds_delete(topic);
    return ros_error_set(e, ROS_ERR_NO_MEMORY, "out of memory");
  }
  dds_entity_t ent = reader ? dds_create_reader(ros_context_subscriber(n->ctx), topic, q, NULL)
                            : dds_create_writer(ros_context_publisher(n->ctx), topic, q, NULL);
  dds_delete_qos(q);
  if (ent < 0) {
    dds_delete(topic);
    return ros_error_dds(e, ent, s->dds_topic);
  }
  endpoint *ep = &n->endpoints[n->n_endpoints++];
  ep->entity = ent;
  ep->topic = topic;
  ep->is_reader = reader;
  dds_guid_t guid;
  dds_get_guid(ent, &guid);
  memcpy(ep->gid.data, guid.v, sizeof ep->gid.data);
  rebuild_graph_view(n);
  *out = ent;
  return ROS_OK;
}

ros_status ros_node_create_reader(ros_node *n, const ros_endpoint_spec *s, dds_entity_t *out,
                                  ros_error *e) {
  return create_endpoint(n, s, true, out, e);
}

ros_status ros_node_create_writer(ros_node *n, const ros_endpoint_spec *s, dds_entity_t *out,
                                  ros_error *e) {
  return create_endpoint(n, s, false, out, e);
}

void ros_node_delete_endpoint(ros_node *n, dds_entity_t endpoint_handle) {
  for (size_t i = 0; i < n->n_endpoints; i++) {
    if (n->endpoints[i].entity == endpoint_handle) {
      delete_endpoint_at(n, i);
      rebuild_graph_view(n);
      return;
    }
  }
}
