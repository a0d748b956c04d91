/* ros_service_util.c: what servers and clients share (ros_service_internal.h): turning
 * (node, name, srv_type) into topics and type rows, reading serviceid/clientid from matched
 * endpoints, and deep-copying idlc samples by walking their descriptor's instructions.
 * The copier knows the instructions idlc emits for @final ROS types (primitives, strings,
 * bounded strings, sequences, arrays, nested structs); anything else is refused up front by
 * ros_sample_copy_supported, so a service never fails on it at reply time.
 * No state; loop thread (only because Cyclone handles belong to the loop's entities). */
#include "ros_service_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dds/ddsc/dds_opcodes.h>

/* ROS types are not recursive; this only stops a corrupt descriptor from looping forever. */
#define COPY_MAX_DEPTH 32

ros_status ros_service_names_init(ros_node *n, const char *name, const char *srv_type,
                                  ros_service_names *out, ros_error *e) {
  if (!n || !name || !srv_type || !out)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: NULL argument", __func__);
  ros_service_names r;
  memset(&r, 0, sizeof r);
  ros_status st = ros_node_resolve(n, name, true, r.name, sizeof r.name, e);
  if (st != ROS_OK) return st;
  ros_names_error ne;
  if (ros_names_to_dds(r.name, ROS_DDS_REQUEST, r.rq_topic, sizeof r.rq_topic, &ne) != ROS_NAMES_OK ||
      ros_names_to_dds(r.name, ROS_DDS_REPLY, r.rr_topic, sizeof r.rr_topic, &ne) != ROS_NAMES_OK)
    return ros_error_set(e, ROS_ERR_BAD_NAME, "%s: %s", __func__, ne.message);

  char tn[ROS_NAME_BUF_SIZE];
  int len = snprintf(tn, sizeof tn, "%s_Request", srv_type);
  if (len < 0 || (size_t)len >= sizeof tn)
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "%s: type name too long", __func__);
  r.request = ros_types_find(tn);
  len = snprintf(tn, sizeof tn, "%s_Response", srv_type);
  if (len < 0 || (size_t)len >= sizeof tn)
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "%s: type name too long", __func__);
  r.response = ros_types_find(tn);
  if (!r.request || !r.response || r.request->kind != ROS_TYPE_REQUEST ||
      r.response->kind != ROS_TYPE_RESPONSE || !r.request->desc || !r.response->desc)
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "%s: \"%s\" is not a known service type",
                         __func__, srv_type);
  if (!ros_sample_copy_supported(r.request->desc) || !ros_sample_copy_supported(r.response->desc))
    return ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "%s: \"%s\" has members this layer cannot copy",
                         __func__, srv_type);
  *out = r;
  return ROS_OK;
}

bool ros_service_matched_id(dds_entity_t entity, dds_instance_handle_t handle, bool publication,
                            const char *key, char *out, size_t size, bool *gone) {
  dds_builtintopic_endpoint_t *ep = publication ? dds_get_matched_publication_data(entity, handle)
                                                : dds_get_matched_subscription_data(entity, handle);
  if (gone) *gone = (ep == NULL);
  if (!ep) return false;
  void *blob = NULL;
  size_t sz = 0;
  bool found = false;
  if (ep->qos && dds_qget_userdata(ep->qos, &blob, &sz) && blob && sz > 0)
    found = ros_qos_user_data_get(blob, sz, key, out, size);
  dds_free(blob);
  dds_builtintopic_free_endpoint(ep);
  return found;
}

int ros_service_matched_handles(dds_entity_t entity, bool publications,
                                dds_instance_handle_t **out) {
  *out = NULL;
  size_t cap = 8;
  for (;;) {
    dds_instance_handle_t *h = malloc(cap * sizeof *h);
    if (!h) return DDS_RETCODE_OUT_OF_RESOURCES;
    dds_return_t n = publications ? dds_get_matched_publications(entity, h, cap)
                                  : dds_get_matched_subscriptions(entity, h, cap);
    if (n < 0 || (size_t)n <= cap) {
      if (n <= 0) {
        free(h);
        return n;
      }
      *out = h;
      return n;
    }
    /* More matched than fit: Cyclone returns the full count; grow and ask again. */
    free(h);
    cap = (size_t)n + 8;
  }
}

/* ---- deep copy ---- */

/* Bytes of one element of a primitive kind, 0 for kinds handled otherwise. */
static size_t prim_size(uint32_t kind) {
  switch (kind) {
  case DDS_OP_VAL_1BY: return 1;
  case DDS_OP_VAL_2BY: return 2;
  case DDS_OP_VAL_4BY: return 4;
  case DDS_OP_VAL_8BY: return 8;
  case DDS_OP_VAL_BLN: return sizeof(bool);
  default: return 0;
  }
}

static bool is_complex(uint32_t kind) {
  return kind == DDS_OP_VAL_STU || kind == DDS_OP_VAL_SEQ || kind == DDS_OP_VAL_BSQ ||
         kind == DDS_OP_VAL_ARR;
}

static bool copy_ops(const uint32_t *ops, char *dst, const char *src, int depth);

/* n elements of kind at dst/src (inline storage); elem_ops/esize for complex kinds, bst for
 * bounded strings. src == NULL: validate only. */
static bool copy_elems(uint32_t kind, const uint32_t *elem_ops, size_t esize, size_t bst,
                       char *dst, const char *src, size_t n, int depth) {
  if (prim_size(kind)) {
    if (src && n) memcpy(dst, src, n * prim_size(kind));
    return true;
  }
  switch (kind) {
  case DDS_OP_VAL_STR:
    for (size_t i = 0; src && i < n; i++) {
      const char *s = ((char *const *)(const void *)src)[i];
      if (s && !(((char **)(void *)dst)[i] = dds_string_dup(s))) return false;
    }
    return true;
  case DDS_OP_VAL_BST:
    if (src && n) memcpy(dst, src, n * bst);
    return true;
  default:
    if (!is_complex(kind) || esize == 0) return false;
    if (!src) return copy_ops(elem_ops, NULL, NULL, depth + 1);
    for (size_t i = 0; i < n; i++)
      if (!copy_ops(elem_ops, dst + i * esize, src + i * esize, depth + 1)) return false;
    return true;
  }
}

static size_t elem_size(uint32_t kind, size_t esize, size_t bst) {
  if (prim_size(kind)) return prim_size(kind);
  if (kind == DDS_OP_VAL_STR) return sizeof(char *);
  if (kind == DDS_OP_VAL_BST) return bst;
  return esize;
}

/* A sequence: [offset] ([sbound]) then nothing / [max-size] / [elem-size][next, elem]. */
static bool copy_seq(const uint32_t *op, bool bounded, char *dst, const char *src, int depth,
                     const uint32_t **next) {
  uint32_t kind = DDS_OP_SUBTYPE(op[0]);
  const uint32_t *a = op + (bounded ? 3 : 2); /* first argument after offset (and bound) */
  const uint32_t *elem_ops = NULL;
  size_t esize = 0, bst = 0;
  if (prim_size(kind) || kind == DDS_OP_VAL_STR) {
    *next = a;
  } else if (kind == DDS_OP_VAL_BST) {
    bst = a[0];
    *next = a + 1;
  } else if (is_complex(kind)) {
    esize = a[0];
    elem_ops = op + DDS_OP_ADR_JSR(a[1]);
    uint32_t jmp = DDS_OP_ADR_JMP(a[1]);
    *next = jmp ? op + jmp : a + 2;
  } else {
    return false;
  }
  size_t es = elem_size(kind, esize, bst);
  if (es == 0) return false;
  if (!src) return copy_elems(kind, elem_ops, esize, bst, NULL, NULL, 0, depth);
  const dds_sequence_t *s = (const dds_sequence_t *)(const void *)(src + op[1]);
  dds_sequence_t *d = (dds_sequence_t *)(void *)(dst + op[1]);
  if (s->_length == 0) return true;
  if (!s->_buffer || s->_length > SIZE_MAX / es) return false;
  void *buf = dds_alloc(s->_length * es);
  if (!buf) return false;
  memset(buf, 0, s->_length * es);
  /* Filled before the elements, so a failure part-way frees only what was copied (the
   * rest is zero: NULL strings, empty sequences). */
  d->_buffer = buf;
  d->_maximum = d->_length = s->_length;
  d->_release = true;
  return copy_elems(kind, elem_ops, esize, bst, buf, (const char *)s->_buffer, s->_length, depth);
}

/* An array: [offset][alen] then nothing / [0][max-size] / [next, elem][elem-size]. */
static bool copy_arr(const uint32_t *op, char *dst, const char *src, int depth,
                     const uint32_t **next) {
  uint32_t kind = DDS_OP_SUBTYPE(op[0]);
  size_t n = op[2];
  const uint32_t *elem_ops = NULL;
  size_t esize = 0, bst = 0;
  if (prim_size(kind) || kind == DDS_OP_VAL_STR) {
    *next = op + 3;
  } else if (kind == DDS_OP_VAL_BST) {
    bst = op[4];
    *next = op + 5;
  } else if (is_complex(kind)) {
    elem_ops = op + DDS_OP_ADR_JSR(op[3]);
    esize = op[4];
    uint32_t jmp = DDS_OP_ADR_JMP(op[3]);
    *next = jmp ? op + jmp : op + 5;
  } else {
    return false;
  }
  if (!src) return copy_elems(kind, elem_ops, esize, bst, NULL, NULL, 0, depth);
  return copy_elems(kind, elem_ops, esize, bst, dst + op[1], src + op[1], n, depth);
}

/* Walks one struct's instructions up to its RTS. dst is zeroed by the caller; src == NULL
 * only checks that every instruction is known. */
static bool copy_ops(const uint32_t *ops, char *dst, const char *src, int depth) {
  if (depth > COPY_MAX_DEPTH) return false;
  const uint32_t *op = ops;
  while (DDS_OP(op[0]) != DDS_OP_RTS) {
    if (DDS_OP(op[0]) == DDS_OP_JSR) {
      if (!copy_ops(op + DDS_OP_JUMP(op[0]), dst, src, depth + 1)) return false;
      op++;
      continue;
    }
    if (DDS_OP(op[0]) != DDS_OP_ADR) return false; /* DLC/PLC/PLM: not @final */
    /* Optional and external members are pointers this copier does not follow. */
    if (op[0] & (DDS_OP_FLAG_OPT | DDS_OP_FLAG_EXT)) return false;
    uint32_t kind = DDS_OP_TYPE(op[0]);
    const uint32_t *next = NULL;
    size_t ps = prim_size(kind);
    if (ps) {
      if (src) memcpy(dst + op[1], src + op[1], ps);
      next = op + 2;
    } else if (kind == DDS_OP_VAL_STR) {
      if (src && !copy_elems(kind, NULL, 0, 0, dst + op[1], src + op[1], 1, depth)) return false;
      next = op + 2;
    } else if (kind == DDS_OP_VAL_BST) {
      if (src) memcpy(dst + op[1], src + op[1], op[2]);
      next = op + 3;
    } else if (kind == DDS_OP_VAL_SEQ || kind == DDS_OP_VAL_BSQ) {
      if (!copy_seq(op, kind == DDS_OP_VAL_BSQ, dst, src, depth, &next)) return false;
    } else if (kind == DDS_OP_VAL_ARR) {
      if (!copy_arr(op, dst, src, depth, &next)) return false;
    } else if (kind == DDS_OP_VAL_EXT) {
      /* Nested struct stored inline: its own instructions, offsets relative to it. */
      const uint32_t *sub = op + DDS_OP_ADR_JSR(op[2]);
      if (!copy_ops(sub, src ? dst + op[1] : NULL, src ? src + op[1] : NULL, depth + 1))
        return false;
      uint32_t jmp = DDS_OP_ADR_JMP(op[2]);
      next = jmp ? op + jmp : op + 3;
    } else {
      return false; /* unions, enums, bitmasks: never in ROS types */
    }
    op = next;
  }
  return true;
}

bool ros_sample_copy(const dds_topic_descriptor_t *desc, void *dst, const void *src) {
  if (!desc || !dst || !src) return false;
  memset(dst, 0, desc->m_size);
  if (copy_ops(desc->m_ops, dst, src, 0)) return true;
  dds_sample_free(dst, desc, DDS_FREE_CONTENTS);
  memset(dst, 0, desc->m_size);
  return false;
}

void *ros_sample_dup(const dds_topic_descriptor_t *desc, const void *src) {
  if (!desc || !src) return NULL;
  void *p = dds_alloc(desc->m_size);
  if (!p) return NULL;
  if (!ros_sample_copy(desc, p, src)) {
    dds_free(p);
    return NULL;
  }
  return p;
}

bool ros_sample_copy_supported(const dds_topic_descriptor_t *desc) {
  return desc && desc->m_ops && copy_ops(desc->m_ops, NULL, NULL, 0);
}
