/* ros_params_srv.c: the six parameter services of a node (ROS2_WIRE.md §7.1) under its FQN,
 * with rclcpp's answers: get_parameters, get_parameter_types and describe_parameters return an
 * empty list when any name is undeclared; set_parameters gives one result per entry, each set
 * on its own (and offered to the set callback alone); set_parameters_atomically all or nothing;
 * list_parameters by prefixes and depth, in name order, with the deduplicated prefixes.
 * The answers are computed by ros_params_answer, apart from DDS (the fuzzer drives it);
 * the service callbacks only add the reply. Runs on the loop thread; replies borrow the
 * store's memory under its lock, which is enough because ros_service_reply copies whatever it
 * has to keep. Requests larger than MAX_REQUEST entries get the "undeclared" answer instead
 * of a huge allocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ros_names.h"
#include "ros_params_check.h"
#include "ros_params_internal.h"
#include "ros_service.h"

/* Most names or parameters one request may carry (far above any real node's count). */
#define MAX_REQUEST (4 * ROS_PARAMS_MAX_DECLARED)

struct ros_params_services {
  ros_service *svc[ROS_PARAMS_SRV_COUNT];
};

static void scratch_keep(ros_params_scratch *sc, void *p) {
  for (size_t i = 0; i < sizeof sc->mem / sizeof sc->mem[0]; i++)
    if (!sc->mem[i]) {
      sc->mem[i] = p;
      return;
    }
  free(p); /* cannot happen: no answer keeps more blocks than mem holds */
}

void ros_params_scratch_free(ros_params_scratch *sc) {
  for (size_t j = 0; j < sc->n_strings; j++) free(sc->strings[j]);
  for (size_t i = 0; i < sizeof sc->mem / sizeof sc->mem[0]; i++) free(sc->mem[i]);
  memset(sc, 0, sizeof *sc);
}

/* The store indices of every requested name (a scratch block), or NULL when one is undeclared
 * (rclcpp then answers with an empty list), the request is too large or memory runs out.
 * Lock held. */
static const long *find_all(struct ros_param_server *ps, const dds_sequence_string *names,
                            ros_params_scratch *sc) {
  uint32_t n = names->_length;
  long *idx = n <= MAX_REQUEST ? calloc(n ? n : 1, sizeof *idx) : NULL;
  scratch_keep(sc, idx);
  for (uint32_t i = 0; idx && i < n; i++) {
    const char *nm = names->_buffer[i];
    if (!nm || (idx[i] = ros_params_find_index(ps, nm)) < 0) return NULL;
  }
  return idx;
}

static void answer_get(struct ros_param_server *ps, const rcl_interfaces_srv_dds__GetParameters_Request_ *rq,
                       rcl_interfaces_srv_dds__GetParameters_Response_ *rs, ros_params_scratch *sc) {
  uint32_t n = rq->names._length;
  const long *idx = find_all(ps, &rq->names, sc);
  rcl_interfaces_msg_dds__ParameterValue_ *vals = idx ? calloc(n ? n : 1, sizeof *vals) : NULL;
  scratch_keep(sc, vals);
  if (!vals) return;
  for (uint32_t i = 0; i < n; i++) {
    const ros_param_entry *pe = &ps->items[idx[i]];
    ros_params_msg_borrow(&pe->value, pe->d.secret, &vals[i]);
  }
  ROS_PARAMS_BORROW_SEQ(rs->values, n ? vals : NULL, n);
}

static void answer_types(struct ros_param_server *ps, const rcl_interfaces_srv_dds__GetParameterTypes_Request_ *rq,
                         rcl_interfaces_srv_dds__GetParameterTypes_Response_ *rs, ros_params_scratch *sc) {
  uint32_t n = rq->names._length;
  const long *idx = find_all(ps, &rq->names, sc);
  uint8_t *types = idx ? calloc(n ? n : 1, 1) : NULL;
  scratch_keep(sc, types);
  if (!types) return;
  /* A secret is served as its STRING placeholder, which is also its declared type. */
  for (uint32_t i = 0; i < n; i++) types[i] = (uint8_t)ps->items[idx[i]].value.type;
  ROS_PARAMS_BORROW_SEQ(rs->types, n ? types : NULL, n);
}

static void answer_describe(struct ros_param_server *ps,
                            const rcl_interfaces_srv_dds__DescribeParameters_Request_ *rq,
                            rcl_interfaces_srv_dds__DescribeParameters_Response_ *rs, ros_params_scratch *sc) {
  uint32_t n = rq->names._length;
  const long *idx = find_all(ps, &rq->names, sc);
  rcl_interfaces_msg_dds__ParameterDescriptor_ *ds = idx ? calloc(n ? n : 1, sizeof *ds) : NULL;
  ros_params_desc_storage *store = ds ? calloc(n ? n : 1, sizeof *store) : NULL;
  scratch_keep(sc, ds);
  scratch_keep(sc, store);
  if (!store) return;
  for (uint32_t i = 0; i < n; i++) ros_params_msg_descriptor(&ps->items[idx[i]], &store[i], &ds[i]);
  ROS_PARAMS_BORROW_SEQ(rs->descriptors, n ? ds : NULL, n);
}

/* Converts the request's values; a value that cannot be taken fails its entry with a reason.
 * vals[i] stays NOT_SET and ok[i] false for those. */
static void take_values(const dds_sequence_rcl_interfaces_msg_dds__Parameter_ *params,
                        ros_param_value *vals, bool *ok, char (*reasons)[ROS_PARAMS_REASON_MAX]) {
  for (uint32_t i = 0; i < params->_length; i++) {
    const rcl_interfaces_msg_dds__Parameter_ *p = &params->_buffer[i];
    ros_param_value_init(&vals[i]);
    char why[ROS_PARAMS_REASON_MAX / 4];
    ok[i] = p->name != NULL && ros_params_msg_take(&p->value, &vals[i], why, sizeof why);
    if (!ok[i])
      snprintf(reasons[i], sizeof reasons[i], "parameter '%.300s': %s", p->name ? p->name : "",
               p->name ? why : "no name");
  }
}

static void answer_set(struct ros_param_server *ps, const rcl_interfaces_srv_dds__SetParameters_Request_ *rq,
                       rcl_interfaces_srv_dds__SetParameters_Response_ *rs, ros_params_scratch *sc) {
  uint32_t n = rq->parameters._length;
  if (n > MAX_REQUEST) n = 0; /* answered with no results: the client sees a broken reply */
  size_t cnt = n ? n : 1;
  ros_param_value *vals = calloc(cnt, sizeof *vals);
  bool *ok = calloc(cnt, sizeof *ok);
  char(*reasons)[ROS_PARAMS_REASON_MAX] = calloc(cnt, sizeof *reasons);
  rcl_interfaces_msg_dds__SetParametersResult_ *res = calloc(cnt, sizeof *res);
  scratch_keep(sc, reasons);
  scratch_keep(sc, res);
  if (vals && ok && reasons && res) {
    take_values(&rq->parameters, vals, ok, reasons);
    for (uint32_t i = 0; i < n; i++) {
      if (ok[i]) {
        ros_param_assignment a = {rq->parameters._buffer[i].name, &vals[i]};
        ok[i] = ros_params_apply(ps, &a, 1, true, reasons[i], sizeof reasons[i]) == ROS_OK;
      }
      res[i].successful = ok[i];
      res[i].reason = ok[i] ? (char *)"" : reasons[i];
    }
    ROS_PARAMS_BORROW_SEQ(rs->results, n ? res : NULL, n);
    for (uint32_t i = 0; i < n; i++) ros_param_value_fini(&vals[i]);
  }
  free(ok);
  free(vals);
}

static void answer_set_atomic(struct ros_param_server *ps,
                              const rcl_interfaces_srv_dds__SetParametersAtomically_Request_ *rq,
                              rcl_interfaces_srv_dds__SetParametersAtomically_Response_ *rs,
                              ros_params_scratch *sc) {
  uint32_t n = rq->parameters._length;
  size_t cnt = n ? n : 1;
  char *reason = malloc(ROS_PARAMS_REASON_MAX);
  scratch_keep(sc, reason);
  if (!reason) {
    rs->result.reason = (char *)"out of memory";
    return;
  }
  snprintf(reason, ROS_PARAMS_REASON_MAX, "out of memory");
  ros_param_value *vals = n <= MAX_REQUEST ? calloc(cnt, sizeof *vals) : NULL;
  bool *ok = calloc(cnt, sizeof *ok);
  char(*reasons)[ROS_PARAMS_REASON_MAX] = calloc(cnt, sizeof *reasons);
  ros_param_assignment *a = calloc(cnt, sizeof *a);
  if (n > MAX_REQUEST) snprintf(reason, ROS_PARAMS_REASON_MAX, "too many parameters in one request (most %d)", MAX_REQUEST);
  if (vals && ok && reasons && a) {
    take_values(&rq->parameters, vals, ok, reasons);
    bool all = true;
    for (uint32_t i = 0; i < n && all; i++) {
      if (!ok[i]) {
        memcpy(reason, reasons[i], ROS_PARAMS_REASON_MAX);
        all = false;
      }
      a[i] = (ros_param_assignment){rq->parameters._buffer[i].name, &vals[i]};
    }
    rs->result.successful = all && ros_params_apply(ps, a, n, true, reason, ROS_PARAMS_REASON_MAX) == ROS_OK;
    for (uint32_t i = 0; i < n; i++) ros_param_value_fini(&vals[i]);
  }
  rs->result.reason = rs->result.successful ? (char *)"" : reason;
  free(a);
  free(reasons);
  free(ok);
  free(vals);
}

static void answer_list(struct ros_param_server *ps, const rcl_interfaces_srv_dds__ListParameters_Request_ *rq,
                        rcl_interfaces_srv_dds__ListParameters_Response_ *rs, ros_params_scratch *sc) {
  uint32_t np = rq->prefixes._length;
  const char *const *prefixes = (const char *const *)rq->prefixes._buffer;
  for (uint32_t i = 0; i < np; i++)
    if (!prefixes[i]) np = 0; /* malformed: answer as if there were no prefixes */
  size_t cnt = ps->count ? ps->count : 1;
  char **names = calloc(cnt, sizeof *names);
  char **pfx = calloc(cnt, sizeof *pfx);
  scratch_keep(sc, names);
  scratch_keep(sc, pfx);
  sc->strings = pfx;
  size_t nn = 0, npfx = 0;
  if (names && pfx) {
    for (size_t i = 0; i < ps->count; i++) {
      char *nm = ps->items[i].name;
      if (!ros_params_list_match(nm, prefixes, np, rq->depth)) continue;
      names[nn++] = nm;
      size_t pl = ros_params_name_prefix_len(nm);
      if (pl == 0) continue;
      bool seen = false;
      for (size_t j = 0; j < npfx && !seen; j++) seen = strlen(pfx[j]) == pl && memcmp(pfx[j], nm, pl) == 0;
      if (!seen && (pfx[npfx] = strndup(nm, pl)) != NULL) npfx++;
    }
    ROS_PARAMS_BORROW_SEQ(rs->result.names, nn ? names : NULL, nn);
    ROS_PARAMS_BORROW_SEQ(rs->result.prefixes, npfx ? pfx : NULL, npfx);
  }
  sc->n_strings = npfx;
}

void ros_params_answer(struct ros_param_server *ps, ros_params_srv_kind kind, const void *request,
                       ros_params_response *rs, ros_params_scratch *sc) {
  memset(rs, 0, sizeof *rs);
  memset(sc, 0, sizeof *sc);
  pthread_mutex_lock(&ps->lock);
  switch (kind) {
    case ROS_PARAMS_SRV_GET: answer_get(ps, request, &rs->get, sc); break;
    case ROS_PARAMS_SRV_TYPES: answer_types(ps, request, &rs->types, sc); break;
    case ROS_PARAMS_SRV_SET: answer_set(ps, request, &rs->set, sc); break;
    case ROS_PARAMS_SRV_SET_ATOMIC: answer_set_atomic(ps, request, &rs->set_atomic, sc); break;
    case ROS_PARAMS_SRV_DESCRIBE: answer_describe(ps, request, &rs->describe, sc); break;
    case ROS_PARAMS_SRV_LIST: answer_list(ps, request, &rs->list, sc); break;
    default: break;
  }
  pthread_mutex_unlock(&ps->lock);
}

/* Replies borrow the store's memory, so the lock (recursive) is held until the reply is
 * serialised. A failed reply (client gone, queue full) is counted by the service layer. */
static void serve(struct ros_param_server *ps, ros_params_srv_kind kind, ros_service *s, const void *request,
                  const ros_request_id *id) {
  ros_params_response rs;
  ros_params_scratch sc;
  pthread_mutex_lock(&ps->lock);
  ros_params_answer(ps, kind, request, &rs, &sc);
  (void)ros_service_reply(s, id, &rs, NULL);
  pthread_mutex_unlock(&ps->lock);
  ros_params_scratch_free(&sc);
}

#define SERVE(fn, kind) \
  static void fn(void *user, ros_service *s, const void *request, const ros_request_id *id) { \
    serve(user, kind, s, request, id); \
  }
SERVE(on_get, ROS_PARAMS_SRV_GET)
SERVE(on_types, ROS_PARAMS_SRV_TYPES)
SERVE(on_set, ROS_PARAMS_SRV_SET)
SERVE(on_set_atomic, ROS_PARAMS_SRV_SET_ATOMIC)
SERVE(on_describe, ROS_PARAMS_SRV_DESCRIBE)
SERVE(on_list, ROS_PARAMS_SRV_LIST)

static const struct {
  const char *suffix, *type;
  ros_service_fn fn;
} services[ROS_PARAMS_SRV_COUNT] = {
    [ROS_PARAMS_SRV_GET] = {"get_parameters", "rcl_interfaces/srv/GetParameters", on_get},
    [ROS_PARAMS_SRV_TYPES] = {"get_parameter_types", "rcl_interfaces/srv/GetParameterTypes", on_types},
    [ROS_PARAMS_SRV_SET] = {"set_parameters", "rcl_interfaces/srv/SetParameters", on_set},
    [ROS_PARAMS_SRV_SET_ATOMIC] = {"set_parameters_atomically", "rcl_interfaces/srv/SetParametersAtomically", on_set_atomic},
    [ROS_PARAMS_SRV_DESCRIBE] = {"describe_parameters", "rcl_interfaces/srv/DescribeParameters", on_describe},
    [ROS_PARAMS_SRV_LIST] = {"list_parameters", "rcl_interfaces/srv/ListParameters", on_list},
};

ros_status ros_params_services_create(struct ros_param_server *ps, ros_error *e) {
  struct ros_params_services *sv = calloc(1, sizeof *sv);
  if (!sv) return ros_error_set(e, ROS_ERR_NO_MEMORY, "parameter services: out of memory");
  ps->services = sv;
  for (int i = 0; i < ROS_PARAMS_SRV_COUNT; i++) {
    char name[ROS_NAME_BUF_SIZE];
    int k = snprintf(name, sizeof name, "%s/%s", ros_node_fqn(ps->node), services[i].suffix);
    if (k < 0 || (size_t)k >= sizeof name) {
      ros_params_services_destroy(ps);
      return ros_error_set(e, ROS_ERR_BAD_NAME, "parameter services: node name too long");
    }
    ros_status st = ros_service_create(ps->node, name, services[i].type, &ros_qos_parameters,
                                       services[i].fn, ps, &sv->svc[i], e);
    if (st != ROS_OK) {
      ros_params_services_destroy(ps);
      return st;
    }
  }
  return ROS_OK;
}

void ros_params_services_destroy(struct ros_param_server *ps) {
  if (!ps->services) return;
  for (int i = 0; i < ROS_PARAMS_SRV_COUNT; i++) ros_service_destroy(ps->services->svc[i]);
  free(ps->services);
  ps->services = NULL;
}
