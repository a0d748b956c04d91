/* test_ros_recorded_node.c: a node with the original lm_studio_node's interface, built from
 * the wire layer, announces exactly the endpoints the real ROS 2 Jazzy node announced in the
 * recordings (fixtures/ros2-wire/endpoints.txt): DDS topic and type names, reliability,
 * history, depth, durability and USER_DATA (type hashes; service ids masked).
 * Deliberate differences are listed below with the reason. */
#include "ros/ros_action_server.h"
#include "ros/ros_node.h"
#include "ros/ros_service.h"
#include "ros/ros_topic.h"
#include "ros_test_util.h"
#include "testing.h"

/* Recorded endpoints we do not reproduce, and why. */
static const char *const deliberate[] = {
    /* The original subscribed to images RELIABLE, so it never heard best-effort cameras; ours
     * is best-effort (sensor data QoS) and hears both. */
    "R|rt/image_input",
    "R|rt/image_input/compressed",
    /* rclpy's optional type description service: not served (ROS2_WIRE.md §7.1). */
    "R|rq/lm_studio_node/get_type_descriptionRequest",
    "W|rr/lm_studio_node/get_type_descriptionReply",
    /* The graph reader: this layer only publishes the graph, it does not read it. */
    "R|ros_discovery_info",
    /* Topics node inputs: not part of lm_studio_node. */
    "R|rt/chat_input", "R|rt/chat_with_image", "R|rt/completion_input", "R|rt/get_embeddings",
    "R|rt/reset_chat", "R|rt/set_model",
};

static bool is_deliberate(char kind, const char *topic) {
  char key[320];
  snprintf(key, sizeof key, "%c|%s", kind, topic);
  for (size_t i = 0; i < sizeof deliberate / sizeof *deliberate; i++)
    if (strcmp(deliberate[i], key) == 0) return true;
  return false;
}

static void ignore_request(void *user, ros_service *s, const void *rq, const ros_request_id *id) {
  (void)user, (void)s, (void)rq, (void)id;
}
static void ignore_msg(void *user, const void *msg, const ros_message_info *info) {
  (void)user, (void)msg, (void)info;
}

TEST(ros_recorded_node_endpoints_match_the_real_node) {
  ros_context *ctx;
  ros_node *node;
  ros_error e;
  CHECK(ros_context_create(NULL, &ctx, &e) == ROS_OK);
  CHECK_MSG(ros_node_create(ctx, "lm_studio_node", NULL, NULL, &node, &e) == ROS_OK, "%s", e.message);
  const char *services[][2] = {{"list_models", "lm_studio_interfaces/srv/ListModels"},
                               {"get_embeddings", "lm_studio_interfaces/srv/GetEmbeddings"},
                               {"set_model", "lm_studio_interfaces/srv/SetModel"},
                               {"reset_chat", "lm_studio_interfaces/srv/ResetChat"}};
  ros_service *svc[4];
  for (int i = 0; i < 4; i++)
    CHECK_MSG(ros_service_create(node, services[i][0], services[i][1], NULL, ignore_request, NULL,
                                 &svc[i], &e) == ROS_OK, "%s", e.message);
  const char *pubs[] = {"lm_text_response", "lm_studio_status", "available_models"};
  ros_publisher *pub[3];
  for (int i = 0; i < 3; i++)
    CHECK(ros_publisher_create(node, pubs[i], "std_msgs/msg/String", NULL, &pub[i], &e) == ROS_OK);
  ros_subscription *file_sub;
  CHECK(ros_subscription_create(node, "image_file_input", "std_msgs/msg/String", NULL, ignore_msg,
                                NULL, &file_sub, &e) == ROS_OK);
  static const ros_action_type chat = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);
  static const ros_action_type text = ROS_ACTION_TYPE(lm_studio_interfaces, TextCompletion);
  ros_action_server *as[2];
  CHECK_MSG(ros_action_server_create(node, "chat_completion", &chat, NULL, NULL, NULL, &as[0], &e) ==
                ROS_OK, "%s", e.message);
  CHECK_MSG(ros_action_server_create(node, "text_completion", &text, NULL, NULL, NULL, &as[1], &e) ==
                ROS_OK, "%s", e.message);

  FILE *f = fopen(test_fixture("ros2-wire/endpoints.txt"), "r");
  CHECK(f);
  char line[1024];
  int compared = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    char kind = line[0];
    char topic[300];
    const char *bar = strchr(line + 2, '|');
    snprintf(topic, sizeof topic, "%.*s", (int)(bar - (line + 2)), line + 2);
    if (is_deliberate(kind, topic)) continue;
    const char *diff = test_endpoint_matches_recording(kind, topic);
    CHECK_MSG(!diff, "%s", diff);
    compared++;
  }
  fclose(f);
  CHECK_MSG(compared >= 40, "only %d endpoints compared", compared);
  test_endpoint img;
  /* ... and the deliberate image difference really is best-effort. */
  ros_subscription *img_sub;
  CHECK(ros_subscription_create(node, "image_input", "sensor_msgs/msg/Image", &ros_qos_sensor_data,
                                ignore_msg, NULL, &img_sub, &e) == ROS_OK);
  CHECK(test_find_endpoint('R', "rt/image_input", 5000, &img));
  CHECK_EQ_STR(img.reliability, "BEST_EFFORT");
  ros_subscription_destroy(img_sub);

  for (int i = 0; i < 2; i++) ros_action_server_destroy(as[i]);
  ros_subscription_destroy(file_sub);
  for (int i = 0; i < 3; i++) ros_publisher_destroy(pub[i]);
  for (int i = 0; i < 4; i++) ros_service_destroy(svc[i]);
  CHECK_EQ_INT(ros_node_destroy(node), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(ctx), ROS_OK);
}
