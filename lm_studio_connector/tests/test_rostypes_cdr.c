/* test_rostypes_cdr.c: byte-exact round trips of payloads recorded from ROS 2 Jazzy
 * (fixture ros2-wire/samples.txt) through Cyclone's XCDR1 serializer with the generated
 * descriptors: validate (dds_stream_normalize_data), read, check field values, write again and
 * compare with the recorded body; only trailing padding to 4 bytes may differ, as rmw pads
 * with options 0 while Cyclone counts padding in the encapsulation options. */
#include "dds/ddsi/ddsi_cdrstream.h"
#include "dds/ddsi/q_protocol.h"
#include "ros_types_gen.h"
#include "ros_types_testlib.h"
#include "testing.h"

typedef struct recorded {
  const ros_type_info *type;
  uint8_t *bytes;  /* encapsulation header + body */
  size_t n;
} recorded;

/* Visits the fixture lines "<tag> <dds type> <hex>"; fn gets each (tag, type, hex). */
static void each_sample(void (*fn)(const char *tag, const char *type, const char *hex, void *),
                        void *user) {
  char *text = test_read_file(test_fixture("ros2-wire/samples.txt"), NULL);
  for (char *p = text; *p;) {
    char *eol = strchr(p, '\n');
    if (eol) *eol = '\0';
    if (*p && *p != '#') {
      char *type = strchr(p, ' ');
      char *hex = type ? strchr(type + 1, ' ') : NULL;
      CHECK_MSG(hex != NULL, "bad fixture line: %s", p);
      *type++ = '\0';
      *hex++ = '\0';
      fn(p, type, hex, user);
    }
    p = eol ? eol + 1 : p + strlen(p);
  }
  free(text);
}

typedef struct lookup {
  const char *tag;
  recorded *out;
} lookup;

static void find_tag(const char *tag, const char *type, const char *hex, void *user) {
  lookup *l = user;
  if (strcmp(tag, l->tag) != 0) return;
  l->out->type = ros_types_find_dds(type);
  CHECK_MSG(l->out->type && l->out->type->desc, "%s: no descriptor for %s", tag, type);
  l->out->bytes = ros_test_unhex(hex, strlen(hex), &l->out->n);
}

static recorded load(const char *tag) {
  recorded r = {0};
  lookup l = {tag, &r};
  each_sample(find_tag, &l);
  CHECK_MSG(r.bytes != NULL, "no sample %s", tag);
  return r;
}

/* Validates and deserializes the body; returns a sample to free with release(). */
static void *decode(const recorded *r) {
  const dds_topic_descriptor_t *d = r->type->desc;
  CHECK_MSG(r->n >= 4 && r->bytes[0] == 0x00 && r->bytes[1] == 0x01, "not CDR little endian");
  uint32_t size = (uint32_t)(r->n - 4), used = 0;
  char *body = malloc(size ? size : 1);
  CHECK(body != NULL);
  memcpy(body, r->bytes + 4, size);
  CHECK_MSG(dds_stream_normalize_data(body, &used, size, false, CDR_ENC_VERSION_1, d->m_ops),
            "%s: recorded payload rejected", d->m_typename);
  CHECK_MSG(size - used < 4, "%s: %u bytes left after the sample", d->m_typename, size - used);
  void *sample = calloc(1, d->m_size);
  CHECK(sample != NULL);
  dds_istream_t is;
  dds_istream_init(&is, size, body, CDR_ENC_VERSION_1);
  dds_stream_read(&is, sample, d->m_ops);
  dds_istream_fini(&is);
  free(body);
  return sample;
}

/* Serializes sample and compares with the recorded body. */
static void check_reencode(const recorded *r, const void *sample) {
  dds_ostream_t os;
  dds_ostream_init(&os, 0, CDR_ENC_VERSION_1);
  CHECK(dds_stream_write(&os, sample, r->type->desc->m_ops) != NULL);
  size_t body = r->n - 4;
  CHECK_MSG(os.m_index <= body && body - os.m_index < 4, "%s: %u bytes written, %zu recorded",
            r->type->dds_name, os.m_index, body);
  for (size_t i = 0; i < os.m_index; i++)
    CHECK_MSG(os.m_buffer[i] == r->bytes[4 + i], "%s: byte %zu is %02x, recorded %02x",
              r->type->dds_name, i, os.m_buffer[i], r->bytes[4 + i]);
  for (size_t i = os.m_index; i < body; i++) CHECK_MSG(r->bytes[4 + i] == 0, "non-zero padding");
  dds_ostream_fini(&os);
}

static void release(recorded *r, void *sample) {
  dds_stream_free_sample(sample, r->type->desc->m_ops);
  free(sample);
  free(r->bytes);
}

static void check_uuid(const uint8_t *uuid, const char *hex) {
  size_t n;
  uint8_t *want = ros_test_unhex(hex, strlen(hex), &n);
  CHECK(n == 16 && memcmp(uuid, want, 16) == 0);
  free(want);
}

#define GOAL_ID "2e64c1d9c6be4737afc6e3d5e16baba5"

static void round_trip_one(const char *tag, const char *type, const char *hex, void *user) {
  recorded r = load(tag);
  void *s = decode(&r);
  check_reencode(&r, s);
  release(&r, s);
  ++*(int *)user;
}

TEST(rostypes_cdr_all_recorded_samples_round_trip) {
  int n = 0;
  each_sample(round_trip_one, &n);
  CHECK_EQ_INT(n, 14);
}

TEST(rostypes_cdr_std_msgs_string) {
  recorded r = load("jazzy-topic-chat-input:115");
  std_msgs_msg_dds__String_ *s = decode(&r);
  CHECK_EQ_STR(s->data, "hello");
  check_reencode(&r, s);
  release(&r, s);
  r = load("jazzy-topic-chat-input:119");
  s = decode(&r);
  CHECK_EQ_INT(strlen(s->data), 128);
  CHECK(!strncmp(s->data, "{\"text\": \"Hello from the fake LM Studio!\"", 41));
  check_reencode(&r, s);
  release(&r, s);
}

TEST(rostypes_cdr_list_models) {
  recorded r = load("jazzy-service-list-models:57");
  lm_studio_interfaces_srv_dds__ListModels_Request_ *q = decode(&r);
  CHECK(q->hdr_guid == 0x75cd5ccd7f0c125bull && q->hdr_seq == 1);
  CHECK_EQ_INT(q->structure_needs_at_least_one_member, 0);
  check_reencode(&r, q);
  release(&r, q);
  r = load("jazzy-service-list-models:66");
  lm_studio_interfaces_srv_dds__ListModels_Response_ *a = decode(&r);
  CHECK(a->hdr_guid == 0x75cd5ccd7f0c125bull && a->hdr_seq == 1);
  CHECK_EQ_INT(a->models._length, 2);
  CHECK_EQ_STR(a->models._buffer[0], "fake-model-a");
  CHECK_EQ_STR(a->models._buffer[1], "fake-model-b");
  CHECK(a->count == 2 && a->success);
  CHECK_EQ_STR(a->error_message, "");
  check_reencode(&r, a);
  release(&r, a);
}

TEST(rostypes_cdr_chat_completion_send_goal) {
  recorded r = load("jazzy-action-chat:82");
  lm_studio_interfaces_action_dds__ChatCompletion_SendGoal_Request_ *q = decode(&r);
  CHECK(q->hdr_guid == 0x6585d82b8149ad0cull && q->hdr_seq == 1);
  check_uuid(q->goal_id.uuid, GOAL_ID);
  CHECK_EQ_STR(q->goal.prompt, "hi");
  CHECK_EQ_STR(q->goal.model, "");
  CHECK_EQ_STR(q->goal.image_data, "");
  CHECK(q->goal.max_tokens == 0 && q->goal.temperature == 0.0f && q->goal.timeout == 0);
  CHECK(!q->goal.use_history && q->goal.stream && !q->goal.progress_feedback);
  check_reencode(&r, q);
  release(&r, q);
  r = load("jazzy-action-chat:84");
  lm_studio_interfaces_action_dds__ChatCompletion_SendGoal_Response_ *a = decode(&r);
  CHECK(a->hdr_guid == 0x6585d82b8149ad0cull && a->hdr_seq == 1 && a->accepted);
  CHECK(a->stamp.sec == 0x6b05f077 && a->stamp.nanosec == 0x25bf41f1u);
  check_reencode(&r, a);
  release(&r, a);
}

TEST(rostypes_cdr_chat_completion_get_result) {
  recorded r = load("jazzy-action-chat:88");
  lm_studio_interfaces_action_dds__ChatCompletion_GetResult_Request_ *q = decode(&r);
  CHECK(q->hdr_guid == 0xc0f4315aea6b57cdull && q->hdr_seq == 2);
  check_uuid(q->goal_id.uuid, GOAL_ID);
  check_reencode(&r, q);
  release(&r, q);
  r = load("jazzy-action-chat:110");
  lm_studio_interfaces_action_dds__ChatCompletion_GetResult_Response_ *a = decode(&r);
  CHECK(a->hdr_guid == 0xc0f4315aea6b57cdull && a->hdr_seq == 2);
  CHECK_EQ_INT(a->status, action_msgs__msg__GoalStatus__STATUS_SUCCEEDED);
  CHECK_EQ_STR(a->result.response, "Hello from the fake LM Studio!");
  CHECK(a->result.success);
  check_reencode(&r, a);
  release(&r, a);
}

TEST(rostypes_cdr_chat_completion_feedback) {
  static const struct {
    const char *tag, *partial;
  } cases[] = {{"jazzy-action-chat:93", ""}, {"jazzy-action-chat:97", "Hello"}};
  for (size_t i = 0; i < 2; i++) {
    recorded r = load(cases[i].tag);
    lm_studio_interfaces_action_dds__ChatCompletion_FeedbackMessage_ *f = decode(&r);
    check_uuid(f->goal_id.uuid, GOAL_ID);
    CHECK_EQ_STR(f->feedback.partial_response, cases[i].partial);
    CHECK_EQ_STR(f->feedback.status, "streaming");
    CHECK(f->feedback.progress == 0.0f);
    check_reencode(&r, f);
    release(&r, f);
  }
}

TEST(rostypes_cdr_goal_status_array) {
  static const struct {
    const char *tag;
    int8_t status;
  } cases[] = {{"jazzy-action-chat:86", action_msgs__msg__GoalStatus__STATUS_EXECUTING},
               {"jazzy-action-chat:108", action_msgs__msg__GoalStatus__STATUS_SUCCEEDED}};
  for (size_t i = 0; i < 2; i++) {
    recorded r = load(cases[i].tag);
    action_msgs_msg_dds__GoalStatusArray_ *a = decode(&r);
    CHECK_EQ_INT(a->status_list._length, 1);
    const action_msgs_msg_dds__GoalStatus_ *g = &a->status_list._buffer[0];
    check_uuid(g->goal_info.goal_id.uuid, GOAL_ID);
    CHECK(g->goal_info.stamp.sec == 0x6b05f077 && g->goal_info.stamp.nanosec == 0x25bfd617u);
    CHECK_EQ_INT(g->status, cases[i].status);
    check_reencode(&r, a);
    release(&r, a);
  }
}

static void check_gid(const rmw_dds_common_msg_dds__Gid_ *g, const char *hex) {
  check_uuid(g->data, hex);  /* a Jazzy Gid is 16 bytes too */
}

TEST(rostypes_cdr_participant_entities_info) {
  recorded r = load("jazzy-action-chat:40");
  rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *p = decode(&r);
  check_gid(&p->gid, "0110b6b06a26e7cc18b7382e000001c1");
  CHECK_EQ_INT(p->node_entities_info_seq._length, 1);
  rmw_dds_common_msg_dds__NodeEntitiesInfo_ *n = &p->node_entities_info_seq._buffer[0];
  CHECK_EQ_STR(n->node_namespace, "/");
  CHECK_EQ_STR(n->node_name, "_ros2cli_send_goal_lm_studio_interfaces_action_ChatCompletion");
  CHECK_EQ_INT(n->reader_gid_seq._length, 1);
  check_gid(&n->reader_gid_seq._buffer[0], "0110b6b06a26e7cc18b7382e00000904");
  CHECK_EQ_INT(n->writer_gid_seq._length, 3);
  check_gid(&n->writer_gid_seq._buffer[2], "0110b6b06a26e7cc18b7382e00000803");
  check_reencode(&r, p);
  release(&r, p);

  r = load("jazzy-action-chat:57");
  p = decode(&r);
  n = &p->node_entities_info_seq._buffer[0];
  CHECK_EQ_STR(n->node_name, "lm_studio_node");
  CHECK(n->reader_gid_seq._length == 20 && n->writer_gid_seq._length == 26);
  check_gid(&n->writer_gid_seq._buffer[25], "011020ef0b73a50d7ab4eecd00002f03");
  check_reencode(&r, p);
  release(&r, p);
}

/* ROS2_WIRE.md §2.5: one node "/" + "talker", one reader and one writer GID = 80 bytes. */
TEST(rostypes_cdr_participant_entities_info_spec_layout) {
  rmw_dds_common_msg_dds__Gid_ gids[2];
  memset(gids[0].data, 0xaa, 16);
  memset(gids[1].data, 0xbb, 16);
  rmw_dds_common_msg_dds__NodeEntitiesInfo_ node = {0};
  /* Bounded strings (string<=256) are inline char arrays in the idlc C types. */
  snprintf(node.node_namespace, sizeof node.node_namespace, "/");
  snprintf(node.node_name, sizeof node.node_name, "talker");
  node.reader_gid_seq._length = node.reader_gid_seq._maximum = 1;
  node.reader_gid_seq._buffer = &gids[0];
  node.writer_gid_seq._length = node.writer_gid_seq._maximum = 1;
  node.writer_gid_seq._buffer = &gids[1];
  rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ info = {0};
  memset(info.gid.data, 0x11, 16);
  info.node_entities_info_seq._length = info.node_entities_info_seq._maximum = 1;
  info.node_entities_info_seq._buffer = &node;
  dds_ostream_t os;
  dds_ostream_init(&os, 0, CDR_ENC_VERSION_1);
  CHECK(dds_stream_write(&os, (const char *)&info,
                         rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc.m_ops));
  CHECK_EQ_INT(os.m_index, 80);
  static const uint8_t at16[] = {1, 0, 0, 0, 2, 0, 0, 0, '/', 0, 0, 0, 7, 0, 0, 0,
                                 't', 'a', 'l', 'k', 'e', 'r', 0, 0, 1, 0, 0, 0};
  CHECK(memcmp(os.m_buffer + 16, at16, sizeof at16) == 0);
  CHECK(os.m_buffer[44] == 0xaa && os.m_buffer[59] == 0xaa);
  CHECK(os.m_buffer[60] == 1 && os.m_buffer[64] == 0xbb && os.m_buffer[79] == 0xbb);
  dds_ostream_fini(&os);
}

TEST(rostypes_cdr_rejects_truncated_payload) {
  recorded r = load("jazzy-service-list-models:66");
  const dds_topic_descriptor_t *d = r.type->desc;
  for (uint32_t cut = 0; cut + 4 < r.n - 4; cut++) {
    char *body = malloc(cut ? cut : 1);
    memcpy(body, r.bytes + 4, cut);
    uint32_t used = 0;
    CHECK_MSG(!dds_stream_normalize_data(body, &used, cut, false, CDR_ENC_VERSION_1, d->m_ops),
              "accepted %u of %zu bytes", cut, r.n - 4);
    free(body);
  }
  free(r.bytes);
}
