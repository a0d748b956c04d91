/* ros_params_msg.c: between ros_param_value and the idlc structs of rcl_interfaces
 * (ParameterValue, ParameterDescriptor, ParameterEvent). Outgoing samples borrow the store's
 * memory instead of copying it: dds_write and ros_service_reply serialise (or deep-copy)
 * before they return, so a borrowed sample only has to live for that call. Incoming values
 * are copied and bounded (LMS_MAX_PARAM_ARRAY), since they come from any peer.
 * This is where a secret turns into its placeholder on the way out. Loop thread (the store's
 * lock is held by the callers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/limits.h"
#include "ros_params_check.h"
#include "ros_params_internal.h"

static char empty_string[] = "";
static char placeholder[] = ROS_PARAM_SECRET_PLACEHOLDER;


void ros_params_msg_borrow(const ros_param_value *v, bool secret,
                           rcl_interfaces_msg_dds__ParameterValue_ *m) {
  memset(m, 0, sizeof *m);
  m->string_value = empty_string; /* every field is serialised, strings must not be NULL */
  if (secret) {
    m->type = ROS_PARAM_STRING;
    m->string_value = placeholder;
    return;
  }
  m->type = (uint8_t)v->type;
  switch (v->type) {
    case ROS_PARAM_BOOL: m->bool_value = v->bool_value; break;
    case ROS_PARAM_INTEGER: m->integer_value = v->integer_value; break;
    case ROS_PARAM_DOUBLE: m->double_value = v->double_value; break;
    case ROS_PARAM_STRING: m->string_value = v->string_value ? v->string_value : empty_string; break;
    case ROS_PARAM_BYTE_ARRAY: ROS_PARAMS_BORROW_SEQ(m->byte_array_value, v->byte_array, v->array_len); break;
    case ROS_PARAM_BOOL_ARRAY: ROS_PARAMS_BORROW_SEQ(m->bool_array_value, v->bool_array, v->array_len); break;
    case ROS_PARAM_INTEGER_ARRAY: ROS_PARAMS_BORROW_SEQ(m->integer_array_value, v->integer_array, v->array_len); break;
    case ROS_PARAM_DOUBLE_ARRAY: ROS_PARAMS_BORROW_SEQ(m->double_array_value, v->double_array, v->array_len); break;
    case ROS_PARAM_STRING_ARRAY: ROS_PARAMS_BORROW_SEQ(m->string_array_value, v->string_array, v->array_len); break;
    default: break;
  }
}

static bool take_fail(char *reason, size_t size, const char *what, ros_param_status ps) {
  if (reason && size > 0)
    snprintf(reason, size, "%s: %s", what, ps == ROS_PARAM_ERR_TOO_LARGE ? "more elements than allowed"
                                         : ps == ROS_PARAM_ERR_NO_MEMORY ? "out of memory"
                                                                         : "malformed value");
  return false;
}

bool ros_params_msg_take(const rcl_interfaces_msg_dds__ParameterValue_ *m, ros_param_value *out,
                         char *reason, size_t size) {
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_status st = ROS_PARAM_OK;
  switch (m->type) {
    case ROS_PARAM_NOT_SET: break;
    case ROS_PARAM_BOOL: ros_param_value_set_bool(&v, m->bool_value); break;
    case ROS_PARAM_INTEGER: ros_param_value_set_integer(&v, m->integer_value); break;
    case ROS_PARAM_DOUBLE: ros_param_value_set_double(&v, m->double_value); break;
    case ROS_PARAM_STRING:
      st = ros_param_value_set_string(&v, m->string_value ? m->string_value : "");
      break;
    case ROS_PARAM_BYTE_ARRAY:
      st = ros_param_value_set_byte_array(&v, m->byte_array_value._buffer, m->byte_array_value._length);
      break;
    case ROS_PARAM_BOOL_ARRAY:
      st = ros_param_value_set_bool_array(&v, m->bool_array_value._buffer, m->bool_array_value._length);
      break;
    case ROS_PARAM_INTEGER_ARRAY:
      st = ros_param_value_set_integer_array(&v, m->integer_array_value._buffer, m->integer_array_value._length);
      break;
    case ROS_PARAM_DOUBLE_ARRAY:
      st = ros_param_value_set_double_array(&v, m->double_array_value._buffer, m->double_array_value._length);
      break;
    case ROS_PARAM_STRING_ARRAY: {
      const dds_sequence_string *sq = &m->string_array_value;
      for (uint32_t i = 0; i < sq->_length; i++)
        if (!sq->_buffer[i]) return take_fail(reason, size, "string array", ROS_PARAM_ERR_INVALID_ARGUMENT);
      st = ros_param_value_set_string_array(&v, (const char *const *)sq->_buffer, sq->_length);
      break;
    }
    default:
      if (reason && size > 0) snprintf(reason, size, "unknown parameter type code %u", (unsigned)m->type);
      return false;
  }
  if (st != ROS_PARAM_OK) return take_fail(reason, size, ros_param_type_name((ros_param_type)m->type), st);
  ros_param_value_fini(out);
  *out = v;
  return true;
}

void ros_params_msg_descriptor(const ros_param_entry *pe, ros_params_desc_storage *store,
                               rcl_interfaces_msg_dds__ParameterDescriptor_ *m) {
  memset(m, 0, sizeof *m);
  m->name = pe->name;
  m->type = (uint8_t)pe->d.type;
  m->description = (char *)(pe->d.description ? pe->d.description : "");
  if (pe->d.secret) {
    ros_params_constraints_text(&pe->d, store->constraints, sizeof store->constraints);
    m->additional_constraints = store->constraints;
  } else {
    m->additional_constraints = (char *)(pe->d.additional_constraints ? pe->d.additional_constraints : "");
  }
  m->read_only = pe->d.read_only;
  m->dynamic_typing = pe->d.dynamic_typing;
  if (pe->d.floating_point_range.set) {
    store->fr.from_value = pe->d.floating_point_range.from;
    store->fr.to_value = pe->d.floating_point_range.to;
    store->fr.step = pe->d.floating_point_range.step;
    ROS_PARAMS_BORROW_SEQ(m->floating_point_range, &store->fr, 1);
  }
  if (pe->d.integer_range.set) {
    store->ir.from_value = pe->d.integer_range.from;
    store->ir.to_value = pe->d.integer_range.to;
    store->ir.step = pe->d.integer_range.step;
    ROS_PARAMS_BORROW_SEQ(m->integer_range, &store->ir, 1);
  }
}

static void fill_list(dds_sequence_rcl_interfaces_msg_dds__Parameter_ *seq,
                      rcl_interfaces_msg_dds__Parameter_ *slots, const ros_param_event_item *items,
                      size_t n) {
  for (size_t i = 0; i < n; i++) {
    slots[i].name = (char *)items[i].name;
    ros_params_msg_borrow(items[i].value, items[i].secret, &slots[i].value);
  }
  ROS_PARAMS_BORROW_SEQ(*seq, n ? slots : NULL, n);
}

void ros_params_publish_event(struct ros_param_server *ps, const ros_param_event_item *new_items,
                              size_t n_new, const ros_param_event_item *changed, size_t n_changed,
                              const ros_param_event_item *deleted, size_t n_deleted) {
  size_t total = n_new + n_changed + n_deleted;
  if (!ps->events || total == 0) return;
  rcl_interfaces_msg_dds__Parameter_ *slots = calloc(total, sizeof *slots);
  if (!slots) return; /* events are best effort: the store has changed either way */
  rcl_interfaces_msg_dds__ParameterEvent_ ev;
  memset(&ev, 0, sizeof ev);
  int64_t now = clock_wall_ns();
  ev.stamp.sec = (int32_t)(now / 1000000000);
  ev.stamp.nanosec = (uint32_t)(now % 1000000000);
  ev.node = (char *)ros_node_fqn(ps->node);
  fill_list(&ev.new_parameters, slots, new_items, n_new);
  fill_list(&ev.changed_parameters, slots + n_new, changed, n_changed);
  fill_list(&ev.deleted_parameters, slots + n_new + n_changed, deleted, n_deleted);
  (void)dds_write(ps->events, &ev);
  free(slots);
}
