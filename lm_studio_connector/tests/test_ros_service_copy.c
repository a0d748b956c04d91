/* test_ros_service_copy.c: the deep copy of idlc samples that deferred replies and
 * ros_client_call_sync rely on (ros_service_internal.h): nested structs, sequences of structs,
 * strings and doubles, bounded strings, fixed arrays, NULL strings, refusal of malformed
 * sources and of instructions no ROS type uses. No DDS traffic; ASan checks ownership. */
#include <stdlib.h>
#include <string.h>

#include <dds/ddsc/dds_opcodes.h>

#include "ros_service_fixture.h"
#include "ros_service_internal.h"
#include "testing.h"

TEST(ros_service_sample_copy_deep) {
  /* Nested structs, sequences of structs, strings, fixed arrays (action_msgs CancelGoal). */
  const ros_type_info *t = ros_types_find("action_msgs/srv/CancelGoal_Response");
  CHECK(t && t->desc && ros_sample_copy_supported(t->desc));
  action_msgs_srv_dds__CancelGoal_Response_ src;
  memset(&src, 0, sizeof src);
  action_msgs_msg_dds__GoalInfo_ goals[3];
  memset(goals, 0, sizeof goals);
  for (int i = 0; i < 3; i++) {
    goals[i].goal_id.uuid[0] = (uint8_t)(i + 1);
    goals[i].goal_id.uuid[15] = 0xee;
    goals[i].stamp.sec = 100 + i;
  }
  src.hdr_guid = 1;
  src.hdr_seq = 2;
  src.return_code = 3;
  src.goals_canceling._buffer = goals;
  src.goals_canceling._length = src.goals_canceling._maximum = 3;
  action_msgs_srv_dds__CancelGoal_Response_ *dup = ros_sample_dup(t->desc, &src);
  CHECK(dup != NULL);
  CHECK(dup->goals_canceling._buffer != goals);
  CHECK(dup->goals_canceling._release);
  CHECK_EQ_INT(dup->goals_canceling._length, 3);
  CHECK(memcmp(dup->goals_canceling._buffer, goals, sizeof goals) == 0);
  CHECK(dup->hdr_seq == 2 && dup->return_code == 3);
  dds_sample_free(dup, t->desc, DDS_FREE_ALL);

  /* Sequences of strings and doubles, strings, NULL strings. */
  const ros_type_info *lm = ros_types_find(LISTMODELS "_Response");
  lm_studio_interfaces_srv_dds__ListModels_Response_ ls;
  memset(&ls, 0, sizeof ls);
  char *names[2] = {"a", "bee"};
  ls.models._buffer = names;
  ls.models._length = 2;
  ls.count = 2;
  ls.error_message = NULL;
  lm_studio_interfaces_srv_dds__ListModels_Response_ lc;
  CHECK(ros_sample_copy(lm->desc, &lc, &ls));
  CHECK(lc.models._buffer[1] != names[1]);
  CHECK_EQ_STR(lc.models._buffer[1], "bee");
  CHECK(lc.error_message == NULL);
  lm_studio_interfaces_srv_dds__ListModels_Response__free(&lc, DDS_FREE_CONTENTS);
  const ros_type_info *ge = ros_types_find(EMBEDDINGS "_Response");
  lm_studio_interfaces_srv_dds__GetEmbeddings_Response_ es;
  memset(&es, 0, sizeof es);
  double v[4] = {0.5, -1, 2, 1e300};
  es.embeddings._buffer = v;
  es.embeddings._length = 4;
  es.error_message = "e";
  lm_studio_interfaces_srv_dds__GetEmbeddings_Response_ ec;
  CHECK(ros_sample_copy(ge->desc, &ec, &es));
  CHECK(ec.embeddings._buffer != v && memcmp(ec.embeddings._buffer, v, sizeof v) == 0);
  CHECK_EQ_STR(ec.error_message, "e");
  lm_studio_interfaces_srv_dds__GetEmbeddings_Response__free(&ec, DDS_FREE_CONTENTS);
  /* A sequence that claims elements but has no buffer is refused, leaving nothing to free. */
  es.embeddings._buffer = NULL;
  CHECK(!ros_sample_copy(ge->desc, &ec, &es));
  CHECK(ec.error_message == NULL && ec.embeddings._buffer == NULL);
  /* Every service and message type of the table can be copied. */
  for (size_t i = 0; i < ros_types_count; i++)
    if (ros_types_table[i].desc)
      CHECK_MSG(ros_sample_copy_supported(ros_types_table[i].desc), "%s",
                ros_types_table[i].ros_name);
}

/* Two levels of sequences of structs holding bounded strings (ros_discovery_info's type). */
TEST(ros_service_sample_copy_nested_sequences) {
  const ros_type_info *t = ros_types_find("rmw_dds_common/msg/ParticipantEntitiesInfo");
  CHECK(t && t->desc);
  rmw_dds_common_msg_dds__Gid_ gids[2];
  memset(gids, 0, sizeof gids);
  gids[0].data[0] = 1;
  gids[1].data[15] = 2;
  rmw_dds_common_msg_dds__NodeEntitiesInfo_ nodes[2];
  memset(nodes, 0, sizeof nodes);
  snprintf(nodes[0].node_namespace, sizeof nodes[0].node_namespace, "/");
  snprintf(nodes[0].node_name, sizeof nodes[0].node_name, "a");
  nodes[0].reader_gid_seq._buffer = gids;
  nodes[0].reader_gid_seq._length = 2;
  snprintf(nodes[1].node_name, sizeof nodes[1].node_name, "b");
  nodes[1].writer_gid_seq._buffer = gids + 1;
  nodes[1].writer_gid_seq._length = 1;
  rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ src;
  memset(&src, 0, sizeof src);
  src.gid.data[3] = 9;
  src.node_entities_info_seq._buffer = nodes;
  src.node_entities_info_seq._length = 2;
  rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *d = ros_sample_dup(t->desc, &src);
  CHECK(d != NULL);
  CHECK(d->gid.data[3] == 9);
  CHECK_EQ_INT(d->node_entities_info_seq._length, 2);
  rmw_dds_common_msg_dds__NodeEntitiesInfo_ *dn = d->node_entities_info_seq._buffer;
  CHECK(dn != nodes);
  CHECK_EQ_STR(dn[0].node_namespace, "/");
  CHECK_EQ_STR(dn[1].node_name, "b");
  CHECK(dn[0].reader_gid_seq._buffer != gids && dn[0].reader_gid_seq._length == 2);
  CHECK(memcmp(dn[0].reader_gid_seq._buffer, gids, sizeof gids) == 0);
  CHECK(dn[1].writer_gid_seq._buffer[0].data[15] == 2);
  CHECK(dn[1].reader_gid_seq._buffer == NULL && dn[1].reader_gid_seq._length == 0);
  dds_sample_free(d, t->desc, DDS_FREE_ALL);
}

typedef struct with_union { int32_t d; int32_t v; } with_union;
TEST(ros_service_sample_copy_refuses_unknown) {
  CHECK(!ros_sample_copy_supported(NULL));
  CHECK(ros_sample_dup(NULL, "x") == NULL);
  const ros_type_info *t = ros_types_find(SETMODEL "_Request");
  CHECK(ros_sample_dup(t->desc, NULL) == NULL);
  setmodel_req a;
  CHECK(!ros_sample_copy(t->desc, &a, NULL));
  CHECK(!ros_sample_copy(t->desc, NULL, &a));
  /* An enum member: never in ROS types, so not known to the copier. */
  static const uint32_t enum_ops[] = {DDS_OP_ADR | DDS_OP_TYPE_ENU, offsetof(with_union, d), 3u,
                                      DDS_OP_RTS};
  dds_topic_descriptor_t desc = {.m_size = sizeof(with_union), .m_align = _Alignof(with_union),
                                 .m_typename = "t", .m_nops = 2, .m_ops = enum_ops, .m_meta = ""};
  CHECK(!ros_sample_copy_supported(&desc));
  /* An optional member is a pointer the copier does not follow. */
  static const uint32_t opt_ops[] = {DDS_OP_ADR | DDS_OP_TYPE_4BY | DDS_OP_FLAG_OPT,
                                     offsetof(with_union, v), DDS_OP_RTS};
  desc.m_ops = opt_ops;
  CHECK(!ros_sample_copy_supported(&desc));
  /* Plain members are fine. */
  static const uint32_t ok_ops[] = {DDS_OP_ADR | DDS_OP_TYPE_4BY, offsetof(with_union, d),
                                    DDS_OP_ADR | DDS_OP_TYPE_4BY, offsetof(with_union, v),
                                    DDS_OP_RTS};
  desc.m_ops = ok_ops;
  CHECK(ros_sample_copy_supported(&desc));
  with_union u = {7, -8}, c;
  CHECK(ros_sample_copy(&desc, &c, &u));
  CHECK(c.d == 7 && c.v == -8);
}
