/* test_rostypes.c: the generated DDS types against the interface sources, parsed now.
 * Per DDS type: the idlc descriptor's name, its marshalling ops (member kinds, signedness,
 * bounds, nesting, order; XCDR1, final, keyless) and the member lines of the generated IDL. The
 * expected IDL text is spelled here from ROS2_WIRE.md §2.3, not taken from the generator. */
#include "dds/ddsi/ddsi_cdrstream.h"
#include "dds/ddsi/q_protocol.h"
#include "idl_emit.h"
#include "ros_types_gen.h"
#include "ros_types_testlib.h"
#include "testing.h"

/* ---- descriptor ops ---- */

static uint32_t expect_elem(const rg_type_ref *t, uint32_t *flags) {
  *flags = 0;
  switch (t->prim) {
    case RG_BOOL: return DDS_OP_VAL_BLN;
    case RG_BYTE: case RG_CHAR: case RG_UINT8: return DDS_OP_VAL_1BY;
    case RG_INT8: *flags = DDS_OP_FLAG_SGN; return DDS_OP_VAL_1BY;
    case RG_INT16: *flags = DDS_OP_FLAG_SGN; return DDS_OP_VAL_2BY;
    case RG_UINT16: return DDS_OP_VAL_2BY;
    case RG_INT32: *flags = DDS_OP_FLAG_SGN; return DDS_OP_VAL_4BY;
    case RG_UINT32: return DDS_OP_VAL_4BY;
    case RG_INT64: *flags = DDS_OP_FLAG_SGN; return DDS_OP_VAL_8BY;
    case RG_UINT64: return DDS_OP_VAL_8BY;
    case RG_FLOAT32: *flags = DDS_OP_FLAG_FP; return DDS_OP_VAL_4BY;
    case RG_FLOAT64: *flags = DDS_OP_FLAG_FP; return DDS_OP_VAL_8BY;
    case RG_STRING: return t->string_bound ? DDS_OP_VAL_BST : DDS_OP_VAL_STR;
    case RG_NESTED: return t->container == RG_SINGLE ? DDS_OP_VAL_EXT : DDS_OP_VAL_STU;
    default: return 0;
  }
}

static void check_struct_ops(const rg_model *m, const rg_type *t, const uint32_t *op);

/* Checks the instruction of one member; returns the next instruction. */
static const uint32_t *check_member_ops(const rg_model *m, const rg_type *t, const rg_field *f,
                                        const uint32_t *op) {
  const char *tn = t->name, *fn = f->name;
  uint32_t insn = op[0], flags;
  uint32_t elem = expect_elem(&f->type, &flags);
  CHECK_MSG(DDS_OP(insn) == DDS_OP_ADR, "%s.%s: not an ADR op", tn, fn);
  CHECK_MSG((DDS_OP_FLAGS(insn) & DDS_OP_FLAG_KEY) == 0, "%s.%s: is a key", tn, fn);
  CHECK_MSG((DDS_OP_FLAGS(insn) & (DDS_OP_FLAG_SGN | DDS_OP_FLAG_FP)) == flags,
            "%s.%s: signedness/float flags %#x", tn, fn, DDS_OP_FLAGS(insn));
  uint32_t type = DDS_OP_TYPE(insn), sub = (insn >> 8) & 0xffu;
  const uint32_t *nested_ops = NULL, *next;
  switch (f->type.container) {
    case RG_SINGLE:
      CHECK_MSG(type == elem, "%s.%s: op type %u, want %u", tn, fn, type, elem);
      if (elem == DDS_OP_VAL_EXT) {
        nested_ops = op + (int16_t)(op[2] & 0xffffu);
        next = op + (op[2] >> 16);
      } else if (elem == DDS_OP_VAL_BST) {
        CHECK_MSG(op[2] == f->type.string_bound + 1, "%s.%s: string bound", tn, fn);
        next = op + 3;
      } else {
        next = op + 2;
      }
      break;
    case RG_SEQ:
    case RG_BOUNDED_SEQ: {
      bool bounded = f->type.container == RG_BOUNDED_SEQ;
      CHECK_MSG(type == (bounded ? DDS_OP_VAL_BSQ : DDS_OP_VAL_SEQ), "%s.%s: not a sequence", tn, fn);
      CHECK_MSG(sub == elem, "%s.%s: element type %u, want %u", tn, fn, sub, elem);
      size_t k = 2;
      if (bounded) CHECK_MSG(op[k++] == f->type.capacity, "%s.%s: sequence bound", tn, fn);
      if (elem == DDS_OP_VAL_STU) {
        nested_ops = op + (int16_t)(op[k + 1] & 0xffffu);
        next = op + (op[k + 1] >> 16);
      } else if (elem == DDS_OP_VAL_BST) {
        CHECK_MSG(op[k] == f->type.string_bound + 1, "%s.%s: string bound", tn, fn);
        next = op + k + 1;
      } else {
        next = op + k;
      }
      break;
    }
    default: /* RG_ARRAY */
      CHECK_MSG(type == DDS_OP_VAL_ARR, "%s.%s: not an array", tn, fn);
      CHECK_MSG(sub == elem, "%s.%s: element type %u, want %u", tn, fn, sub, elem);
      CHECK_MSG(op[2] == f->type.capacity, "%s.%s: array length", tn, fn);
      if (elem == DDS_OP_VAL_STU) {
        nested_ops = op + (int16_t)(op[3] & 0xffffu);
        next = op + (op[3] >> 16);
      } else if (elem == DDS_OP_VAL_BST) {
        CHECK_MSG(op[4] == f->type.string_bound + 1, "%s.%s: string bound", tn, fn);
        next = op + 5;
      } else {
        next = op + 3;
      }
      break;
  }
  if (nested_ops) check_struct_ops(m, rg_model_find(m, f->type.nested), nested_ops);
  return next;
}

static void check_struct_ops(const rg_model *m, const rg_type *t, const uint32_t *op) {
  CHECK(t != NULL);
  if (t->role == RG_ROLE_REQUEST || t->role == RG_ROLE_RESPONSE) {
    /* The rmw_cyclonedds request header: uint64 client id, int64 sequence number. */
    CHECK_MSG(op[0] == (DDS_OP_ADR | DDS_OP_TYPE_8BY), "%s: hdr_guid", t->name);
    CHECK_MSG(op[2] == (DDS_OP_ADR | DDS_OP_TYPE_8BY | DDS_OP_FLAG_SGN), "%s: hdr_seq", t->name);
    op += 4;
  }
  for (size_t i = 0; i < t->body.nfields; i++) op = check_member_ops(m, t, &t->body.fields[i], op);
  CHECK_MSG(op[0] == DDS_OP_RTS, "%s: more members in the descriptor than in the source", t->name);
}

TEST(rostypes_descriptors_match_sources) {
  rg_model m;
  ros_test_load_model(&m, NULL);
  size_t dds_types = 0;
  for (size_t i = 0; i < m.ntypes; i++) {
    const rg_type *t = m.types[i];
    const ros_type_info *row = ros_types_find(t->name);
    CHECK_MSG(row != NULL, "%s missing from the table", t->name);
    if (!rg_role_is_dds(t->role)) {
      CHECK(row->dds_name == NULL && row->desc == NULL);
      continue;
    }
    char dds[512];
    CHECK(rg_dds_type_name(t->name, dds, sizeof dds));
    CHECK_EQ_STR(row->dds_name, dds);
    CHECK(row->desc != NULL);
    CHECK_EQ_STR(row->desc->m_typename, dds);
    CHECK_EQ_INT(row->desc->m_nkeys, 0);
    CHECK(row->desc->m_size > 0);
    CHECK_EQ_INT(dds_stream_minimum_xcdr_version(row->desc->m_ops), CDR_ENC_VERSION_1);
    enum ddsi_sertype_extensibility ext;
    CHECK(dds_stream_extensibility(row->desc->m_ops, &ext) && ext == DDSI_SERTYPE_EXT_FINAL);
    check_struct_ops(&m, t, row->desc->m_ops);
    dds_types++;
  }
  size_t with_desc = 0;
  for (size_t i = 0; i < ros_types_count; i++) with_desc += ros_types_table[i].desc != NULL;
  CHECK_EQ_INT(dds_types, with_desc);
  CHECK(dds_types >= 70);
  rg_model_free(&m);
}

/* ---- generated IDL text ---- */

static void put_idl_elem(const rg_type_ref *t, char *buf, size_t n) {
  static const char *map[] = {
      [RG_BOOL] = "boolean", [RG_BYTE] = "octet",   [RG_CHAR] = "uint8",   [RG_INT8] = "int8",
      [RG_UINT8] = "uint8",  [RG_INT16] = "int16",  [RG_UINT16] = "uint16", [RG_INT32] = "int32",
      [RG_UINT32] = "uint32", [RG_INT64] = "int64", [RG_UINT64] = "uint64", [RG_FLOAT32] = "float",
      [RG_FLOAT64] = "double", [RG_STRING] = "string",
  };
  if (t->prim == RG_NESTED) {
    char pkg[128], sub[32], base[128];
    CHECK(rg_split_name(t->nested, pkg, sizeof pkg, sub, sizeof sub, base, sizeof base));
    snprintf(buf, n, "%s::%s::dds_::%s_", pkg, sub, base);
  } else if (t->string_bound) {
    snprintf(buf, n, "string<%u>", (unsigned)t->string_bound);
  } else {
    snprintf(buf, n, "%s", map[t->prim]);
  }
}

static void expected_member(const rg_field *f, char *buf, size_t n) {
  char elem[300], name[300];
  put_idl_elem(&f->type, elem, sizeof elem);
  rg_idl_member_name(f->name, name, sizeof name);
  CHECK(!strncmp(name, f->name, strlen(f->name)));  /* renaming only appends '_' */
  const char *gap = f->type.string_bound ? " " : "";  /* never ">>" */
  switch (f->type.container) {
    case RG_SINGLE: snprintf(buf, n, "%s %s;", elem, name); break;
    case RG_ARRAY: snprintf(buf, n, "%s %s[%u];", elem, name, (unsigned)f->type.capacity); break;
    case RG_SEQ: snprintf(buf, n, "sequence<%s%s> %s;", elem, gap, name); break;
    default: snprintf(buf, n, "sequence<%s, %u> %s;", elem, (unsigned)f->type.capacity, name);
  }
}

/* Finds "@final struct Name_ {" of t in the IDL text; returns the first member line. */
static const char *find_struct(const char *idl, const rg_type *t) {
  char pkg[128], sub[32], base[128], head[512];
  CHECK(rg_split_name(t->name, pkg, sizeof pkg, sub, sizeof sub, base, sizeof base));
  snprintf(head, sizeof head, "module %s { module %s { module dds_ {\n  @final struct %s_ {\n", pkg,
           sub, base);
  const char *s = strstr(idl, head);
  CHECK_MSG(s != NULL, "struct of %s not found in the IDL", t->name);
  return s + strlen(head);
}

static const char *expect_line(const char *p, const char *want, const char *tname) {
  size_t n = strlen(want);
  CHECK_MSG(!strncmp(p, "    ", 4) && !strncmp(p + 4, want, n) && p[4 + n] == '\n',
            "%s: IDL has \"%.*s\", want \"%s\"", tname, (int)strcspn(p, "\n"), p, want);
  return p + 4 + n + 1;
}

TEST(rostypes_idl_members_match_sources) {
  rg_model m;
  ros_test_load_model(&m, NULL);
  size_t structs = 0;
  for (size_t p = 0; p < m.npackages; p++) {
    if (!rg_idl_package_has_types(&m, m.packages[p])) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_dds.idl", LMS_ROS_GEN_DIR, m.packages[p]);
    char *idl = test_read_file(path, NULL);
    size_t in_file = 0;
    for (const char *s = idl; (s = strstr(s, "@final struct ")) != NULL; s++) in_file++;
    size_t expected = 0;
    for (size_t i = 0; i < m.ntypes; i++) {
      const rg_type *t = m.types[i];
      char pkg[128];
      CHECK(rg_split_name(t->name, pkg, sizeof pkg, NULL, 0, NULL, 0));
      if (!rg_role_is_dds(t->role) || strcmp(pkg, m.packages[p]) != 0) continue;
      const char *line = find_struct(idl, t);
      if (t->role != RG_ROLE_MESSAGE) {
        line = expect_line(line, "uint64 hdr_guid;", t->name);
        line = expect_line(line, "int64 hdr_seq;", t->name);
      }
      for (size_t f = 0; f < t->body.nfields; f++) {
        char want[700];
        expected_member(&t->body.fields[f], want, sizeof want);
        line = expect_line(line, want, t->name);
      }
      CHECK_MSG(!strncmp(line, "  };\n", 5), "%s: extra IDL members", t->name);
      expected++;
    }
    CHECK_MSG(in_file == expected, "%s: %zu structs in IDL, %zu in sources", m.packages[p],
              in_file, expected);
    structs += expected;
    free(idl);
  }
  CHECK(structs >= 70);
  rg_model_free(&m);
}

TEST(rostypes_table_lookups_and_kinds) {
  const ros_type_info *s = ros_types_find("std_msgs/msg/String");
  CHECK(s && s->kind == ROS_TYPE_MESSAGE && s->desc == &std_msgs_msg_dds__String__desc);
  CHECK_EQ_STR(s->dds_name, "std_msgs::msg::dds_::String_");
  CHECK(ros_types_find_dds("std_msgs::msg::dds_::String_") == s);
  const ros_type_info *a = ros_types_find("lm_studio_interfaces/action/ChatCompletion");
  CHECK(a && a->kind == ROS_TYPE_ACTION && a->dds_name == NULL && a->desc == NULL);
  const ros_type_info *r = ros_types_find("lm_studio_interfaces/srv/ListModels_Request");
  CHECK(r && r->kind == ROS_TYPE_REQUEST);
  CHECK(r->desc == &lm_studio_interfaces_srv_dds__ListModels_Request__desc);
  CHECK(ros_types_find("lm_studio_interfaces/srv/ListModels")->kind == ROS_TYPE_SERVICE);
  CHECK(ros_types_find("lm_studio_interfaces/srv/ListModels_Event")->kind == ROS_TYPE_EVENT);
  CHECK(ros_types_find("lm_studio_interfaces/action/ChatCompletion_FeedbackMessage")->desc ==
        &lm_studio_interfaces_action_dds__ChatCompletion_FeedbackMessage__desc);
  for (size_t i = 1; i < ros_types_count; i++)
    CHECK(strcmp(ros_types_table[i - 1].ros_name, ros_types_table[i].ros_name) < 0);
  /* Constants keep their source values. */
  CHECK_EQ_INT(action_msgs__msg__GoalStatus__STATUS_SUCCEEDED, 4);
  CHECK_EQ_INT(action_msgs__srv__CancelGoal_Response__ERROR_GOAL_TERMINATED, 3);
  CHECK_EQ_INT(rcl_interfaces__msg__Log__FATAL, 50);
  CHECK_EQ_INT(rcl_interfaces__msg__ParameterType__PARAMETER_STRING_ARRAY, 9);
  CHECK_EQ_INT(rcl_interfaces__srv__ListParameters_Request__DEPTH_RECURSIVE, 0);
  CHECK_EQ_INT(type_description_interfaces__msg__FieldType__FIELD_TYPE_BOUNDED_STRING, 21);
  CHECK_EQ_INT(diagnostic_msgs__msg__DiagnosticStatus__STALE, 3);
}

/* Cyclone accepts every descriptor (ops and XTypes type information) as a topic type. Traffic
 * stays on loopback (fixtures/cyclonedds-loopback.xml) in a domain no other test uses. */
TEST(rostypes_every_descriptor_creates_a_topic) {
  char uri[4200];
  snprintf(uri, sizeof uri, "file://%s", LMS_LOOPBACK_XML);
  CHECK(setenv("CYCLONEDDS_URI", uri, 1) == 0);
  dds_entity_t pp = dds_create_participant(97, NULL, NULL);
  CHECK_MSG(pp > 0, "participant: %s", dds_strretcode(pp));
  size_t topics = 0;
  for (size_t i = 0; i < ros_types_count; i++) {
    const ros_type_info *t = &ros_types_table[i];
    if (!t->desc) continue;
    char name[64];
    snprintf(name, sizeof name, "rt/rostypes_test_%zu", i);
    dds_entity_t tp = dds_create_topic(pp, t->desc, name, NULL, NULL);
    CHECK_MSG(tp > 0, "%s: %s", t->dds_name, dds_strretcode(tp));
    dds_typeinfo_t *info = NULL;
    CHECK_MSG(dds_get_typeinfo(tp, &info) == DDS_RETCODE_OK, "%s: no type information",
              t->dds_name);
    dds_free_typeinfo(info);
    topics++;
  }
  CHECK(topics >= 70);
  CHECK(dds_delete(pp) == DDS_RETCODE_OK);
}
