/* test_typehash.c: RIHS01 type hashes. The hashed JSON text of §6.2, the §6.3 test vectors of
 * ROS2_WIRE.md, every hash announced on the wire in the Jazzy recordings (fixture
 * ros2-wire/typehashes.txt) against the generated table, and the generated table against the
 * model parsed now from the sources (so a stale build cannot pass). */
#include "ros_types_gen.h"
#include "ros_types_testlib.h"
#include "testing.h"
#include "typehash.h"

TEST(typehash_time_json_is_exact_hashed_text) {
  rg_model m;
  ros_test_load_model(&m, NULL);
  dynbuf b;
  dynbuf_init(&b, 1 << 20);
  rg_typehash_json(&m, rg_model_find(&m, "builtin_interfaces/msg/Time"), &b);
  CHECK_EQ_STR(b.data,
               "{\"type_description\": {\"type_name\": \"builtin_interfaces/msg/Time\", \"fields\": "
               "[{\"name\": \"sec\", \"type\": {\"type_id\": 6, \"capacity\": 0, \"string_capacity\": "
               "0, \"nested_type_name\": \"\"}}, {\"name\": \"nanosec\", \"type\": {\"type_id\": 7, "
               "\"capacity\": 0, \"string_capacity\": 0, \"nested_type_name\": \"\"}}]}, "
               "\"referenced_type_descriptions\": []}");
  dynbuf_free(&b);
  rg_model_free(&m);
}

TEST(typehash_field_type_ids) {
  static const struct {
    rg_type_ref t;
    int id;
  } cases[] = {
      {{RG_UINT8, 0, RG_ARRAY, 16, NULL}, 51},       /* uint8[16] */
      {{RG_CHAR, 0, RG_ARRAY, 16, NULL}, 51},        /* char[16]: char is uint8 in .idl */
      {{RG_BYTE, 0, RG_SEQ, 0, NULL}, 160},          /* byte[] */
      {{RG_NESTED, 0, RG_SEQ, 0, NULL}, 145},        /* Gid[] */
      {{RG_NESTED, 0, RG_BOUNDED_SEQ, 1, NULL}, 97}, /* Range[<=1] */
      {{RG_STRING, 256, RG_SINGLE, 0, NULL}, 21},    /* string<=256 */
      {{RG_STRING, 5, RG_BOUNDED_SEQ, 2, NULL}, 117},/* string<=5[<=2] */
      {{RG_STRING, 0, RG_SEQ, 0, NULL}, 161},        /* string[] */
      {{RG_BOOL, 0, RG_SINGLE, 0, NULL}, 15},
      {{RG_FLOAT32, 0, RG_SINGLE, 0, NULL}, 10},
      {{RG_FLOAT64, 0, RG_SEQ, 0, NULL}, 155},
      {{RG_WSTRING, 3, RG_SINGLE, 0, NULL}, 22},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK_MSG(rg_typehash_type_id(&cases[i].t) == cases[i].id, "case %zu: %d", i,
              rg_typehash_type_id(&cases[i].t));
}

/* ROS2_WIRE.md §6.3, including example_interfaces types kept as test fixtures. */
TEST(typehash_spec_test_vectors) {
  static const char *const vectors[][2] = {
      {"std_msgs/msg/String", "df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18"},
      {"builtin_interfaces/msg/Time", "b106235e25a4c5ed35098aa0a61a3ee9c9b18d197f398b0e4206cea9acf9c197"},
      {"sensor_msgs/msg/Image", "d31d41a9a4c4bc8eae9be757b0beed306564f7526c88ea6a4588fb9582527d47"},
      {"unique_identifier_msgs/msg/UUID", "1b8e8aca958cbea28fe6ef60bf6c19b683c97a9ef60bb34752067d0f2f7ab437"},
      {"std_msgs/msg/Header", "f49fb3ae2cf070f793645ff749683ac6b06203e41c891e17701b1cb597ce6a01"},
      {"action_msgs/msg/GoalStatusArray", "6c1684b00f177d37438febe6e709fc4e2b0d4248dca4854946f9ed8b30cda83e"},
      {"action_msgs/srv/CancelGoal_Request", "3d3c84653c1f96918086887e1dcb236faec88b81a5b14fd4cf4840065bcdf8af"},
      {"action_msgs/srv/CancelGoal_Response", "35e682cf3f510e83c70a82a4aac888496dedee56773bf9d8e5e0aa81f9e1c960"},
      {"example_interfaces/srv/AddTwoInts_Request", "000c5fd92d6b2e1a05949348f584d6d652adea1e92d691792011ac2273508302"},
      {"example_interfaces/srv/AddTwoInts_Response", "de5c030d4af33cba2749310b249737b631594703f9300495f48bffb2b44dcc2f"},
      {"example_interfaces/action/Fibonacci_SendGoal_Request", "3d088942b413247db536576f0286768c6be8fcd5d0c9a5d544f359fba090a238"},
      {"example_interfaces/action/Fibonacci_SendGoal_Response", "d8c07bb3d5b766fe4b43159c9a5222af5214e2fcc29229b991d826166c512be1"},
      {"example_interfaces/action/Fibonacci_GetResult_Request", "c8a4f5e7d13b81286ee1043e2ecd084281cecf1ff06aaa799464f5f15479f003"},
      {"example_interfaces/action/Fibonacci_GetResult_Response", "6021dc98ab9b4bbe395e48aa4de81ee5f68eb570f88358affcc648146668b24f"},
      {"example_interfaces/action/Fibonacci_FeedbackMessage", "c1de71afd52e49a89c53d8262366884185bc0a02f78ce051c4e46b0a7fe59bb2"},
      {"rcl_interfaces/msg/Log", "e28ce254ca8abc06abf92773b74602cdbf116ed34fbaf294fb9f81da9f318eac"},
      {"rcl_interfaces/msg/ParameterEvent", "043e627780fcad87a22d225bc2a037361dba713fca6a6b9f4b869a5aa0393204"},
      {"rcl_interfaces/srv/GetParameters_Request", "135a9e1c3d7cebef792f6687d7ddf99949b21a0bd9a320d863a9110a3f5cf4d6"},
      {"rcl_interfaces/srv/GetParameters_Response", "9fa773b46e39cc5d02db6224d8fd520bb9caeeffc2b27c96c1e59431baba9f2a"},
      {"rcl_interfaces/srv/SetParameters_Request", "130d46386b7e84ea9ecf60608a4d83cbe5e5cb7c6cc5b712b7a4e3a6c254e932"},
      {"rcl_interfaces/srv/SetParameters_Response", "7a0e8140a0b8d98308fa81a5403a766e610af29a239caf54b7553227906fc266"},
      {"rcl_interfaces/srv/ListParameters_Request", "a1b0b5d6b967a5b8ac5bc8563c3ea678f349e312a6a4967227c5a96bc5ce38df"},
      {"rcl_interfaces/srv/ListParameters_Response", "31b937b82de3612426be79f231e386259f97e8dc843e3f2845288b4bfa296bdd"},
      {"rcl_interfaces/srv/DescribeParameters_Request", "05dd1c2bc87dec2627105c8070d6f9725c781a4f2ab852975bf105462b82b644"},
      {"rcl_interfaces/srv/DescribeParameters_Response", "ad6747319613c6131589e062e095b469a46cc764f7d0f12a001a49e6cd893995"},
      {"rcl_interfaces/srv/GetParameterTypes_Request", "87d7ec5ef545d4daa289d500025d31fb2437bc8b8365ca367161c4dac4be33fd"},
      {"rcl_interfaces/srv/GetParameterTypes_Response", "ac1335dce67c478e669434f6ac2fbff34fcd529580f272d3006785ba8b54e47f"},
      {"rcl_interfaces/srv/SetParametersAtomically_Request", "db0bd950ed5ed867a0e90b225e44dea382d762c0762ff3e0ee842190042a59e5"},
      {"rcl_interfaces/srv/SetParametersAtomically_Response", "31b1a38c5b0b9d893ee24da45f69638f4561c78461d82d52750f429b534502b8"},
      {"rmw_dds_common/msg/ParticipantEntitiesInfo", "91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e"},
  };
  char *example = strdup(test_fixture("rosidl/example_interfaces"));
  const char *extra[] = {example, NULL};
  rg_model m;
  ros_test_load_model(&m, extra);
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    const rg_type *t = rg_model_find(&m, vectors[i][0]);
    CHECK_MSG(t != NULL, "no type %s", vectors[i][0]);
    CHECK_MSG(!strncmp(t->hash, "RIHS01_", 7) && !strcmp(t->hash + 7, vectors[i][1]),
              "%s: %s != %s", vectors[i][0], t->hash, vectors[i][1]);
  }
  rg_model_free(&m);
  free(example);
}

/* Every (DDS type, hash) announced by ROS 2 Jazzy in the recordings equals the table's. */
TEST(typehash_recorded_discovery_hashes_match_table) {
  static const char *const must_cover[] = {
      "lm_studio_interfaces/action/ChatCompletion_SendGoal_Request",
      "lm_studio_interfaces/action/ChatCompletion_SendGoal_Response",
      "lm_studio_interfaces/action/ChatCompletion_GetResult_Request",
      "lm_studio_interfaces/action/ChatCompletion_GetResult_Response",
      "lm_studio_interfaces/action/ChatCompletion_FeedbackMessage",
      "lm_studio_interfaces/srv/ListModels_Request", "lm_studio_interfaces/srv/ListModels_Response",
      "std_msgs/msg/String", "action_msgs/msg/GoalStatusArray",
      "action_msgs/srv/CancelGoal_Request", "action_msgs/srv/CancelGoal_Response",
      "rcl_interfaces/srv/GetParameters_Request", "rcl_interfaces/srv/SetParameters_Response",
      "rcl_interfaces/srv/SetParametersAtomically_Request",
      "rcl_interfaces/srv/ListParameters_Response", "rcl_interfaces/srv/DescribeParameters_Request",
      "rcl_interfaces/srv/GetParameterTypes_Response", "rcl_interfaces/msg/Log",
      "rcl_interfaces/msg/ParameterEvent", "rmw_dds_common/msg/ParticipantEntitiesInfo",
  };
  char *text = test_read_file(test_fixture("ros2-wire/typehashes.txt"), NULL);
  size_t checked = 0, covered = 0;
  for (char *p = text; *p;) {
    char *eol = strchr(p, '\n');
    if (eol) *eol = '\0';
    if (*p && *p != '#') {
      char *sp = strchr(p, ' ');
      CHECK_MSG(sp != NULL, "bad fixture line: %s", p);
      *sp = '\0';
      char ros[256];
      ros_test_dds_to_ros_name(p, ros, sizeof ros);
      const ros_type_info *t = ros_types_find(ros);
      CHECK_MSG(t != NULL, "recorded type %s (%s) is not in the table", p, ros);
      CHECK_MSG(!strcmp(t->type_hash, sp + 1), "%s: table %s, wire %s", ros, t->type_hash, sp + 1);
      CHECK_MSG(t->dds_name && !strcmp(t->dds_name, p), "%s: dds name %s", ros, t->dds_name);
      CHECK(ros_types_find_dds(p) == t);
      for (size_t i = 0; i < sizeof must_cover / sizeof must_cover[0]; i++)
        covered += !strcmp(must_cover[i], ros);
      checked++;
    }
    p = eol ? eol + 1 : p + strlen(p);
  }
  free(text);
  CHECK_EQ_INT(covered, sizeof must_cover / sizeof must_cover[0]);
  CHECK_EQ_INT(checked, 41);
}

/* The generated table was computed by the build; recompute from the sources now. */
TEST(typehash_generated_table_matches_sources) {
  rg_model m;
  ros_test_load_model(&m, NULL);
  CHECK_EQ_INT(ros_types_count, m.ntypes);
  for (size_t i = 0; i < ros_types_count; i++) {
    const ros_type_info *row = &ros_types_table[i];
    CHECK_EQ_STR(row->ros_name, m.types[i]->name);
    CHECK_EQ_STR(row->type_hash, m.types[i]->hash);
    CHECK_EQ_INT(row->kind, m.types[i]->role);
    CHECK_EQ_INT(strlen(row->type_hash), RG_HASH_STRLEN);
    CHECK(ros_types_find(row->ros_name) == row);
  }
  CHECK(ros_types_find("std_msgs/msg/Nope") == NULL);
  CHECK(ros_types_find(NULL) == NULL);
  CHECK(ros_types_find_dds(NULL) == NULL);
  CHECK(ros_types_find_dds("std_msgs::msg::dds_::Nope_") == NULL);
  rg_model_free(&m);
}

/* Service-level, action-level and _Event hashes never appear on the wire; these values come from
 * rosidl-generated sources of two small public packages (see fixtures/rosidl/README.txt). */
TEST(typehash_service_action_and_event_hashes) {
  static const char *const vectors[][2] = {
      {"custom_interfaces/srv/AddTwoInts", "fc05a7ba20817a84adf4571aa8cd42cbe038fc71e7e610062f3d01e956c7da32"},
      {"custom_interfaces/srv/AddTwoInts_Request", "a2c1a898905dc84c2476ed5990bcf1b7ee419fe70fca34b012d35f1f1d1f3bed"},
      {"custom_interfaces/srv/AddTwoInts_Response", "9450d1440f98019e60d9ed727f74d1e8135c0636e37633fa648ad26fa2d05b08"},
      {"custom_interfaces/srv/AddTwoInts_Event", "5c2d996b49751d75a2550836d54597dbbb02ad482c533920da4c3b5128b8ad1d"},
      {"service_msgs/msg/ServiceEventInfo", "41bcbbe07a75c9b52bc96bfd5c24d7f0fc0a08c0cb7921b3373c5732345a6f45"},
      {"rob599_msgs/action/Fibonacci", "00bf40d6e8121f2f6fa89a9f8b78e28efc8c958cfc656f9cd7f51f223224e2a3"},
      {"rob599_msgs/action/Fibonacci_Goal", "834005bd2bbbb0ec2dbe2754ce54e9d8c4788812c743ba04dd1eadb29694b74d"},
      {"rob599_msgs/action/Fibonacci_SendGoal", "3d7412ff91ff9c5abfbf9f7f5dc2171a3f32cf6da2414b2c2c82f034d176fa01"},
      {"rob599_msgs/action/Fibonacci_SendGoal_Event", "a92b9dccb195b51dfb8030965f60d36d1479667be6704c55936d5a5122d40308"},
      {"rob599_msgs/action/Fibonacci_GetResult", "8ebe968757e1b88d729ad53e9aca6d14e4b2f113272786f55541cfb26acc91fc"},
      {"rob599_msgs/action/Fibonacci_GetResult_Event", "0404d58e6597bbe6dbaef508f0affd941624d8c93dcf59b5dce578ea9a6d0e2b"},
      {"rob599_msgs/action/Fibonacci_FeedbackMessage", "a941cc541674f910f08c54c0d6a8a5a63be0ee7697a74928f342b2583dcfa88a"},
  };
  char *srv = strdup(test_fixture("rosidl/custom_interfaces"));
  char *act = strdup(test_fixture("rosidl/rob599_msgs"));
  const char *extra[] = {srv, act, NULL};
  rg_model m;
  ros_test_load_model(&m, extra);
  for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    const rg_type *t = rg_model_find(&m, vectors[i][0]);
    CHECK_MSG(t != NULL, "no type %s", vectors[i][0]);
    CHECK_MSG(!strcmp(t->hash + 7, vectors[i][1]), "%s: %s != %s", vectors[i][0], t->hash,
              vectors[i][1]);
  }
  rg_model_free(&m);
  free(srv);
  free(act);
}
