# lm_studio_topics_node: its plain-topic interface end to end over DDS on loopback against the
# LM Studio emulator in the same process (test_lm_topics.c), and its executable.
lms_add_test_file(test_lm_topics.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib lms_ros_test_util TIMEOUT 180)
target_compile_definitions(test_lm_topics PRIVATE LMS_TOPICS_NODE_EXE="$<TARGET_FILE:lm_studio_topics_node>")
add_dependencies(test_lm_topics lm_studio_topics_node)
# Its image inputs: unusable files inside image_allowed_dirs, a reliable image publisher, and a
# streamed chat_with_image (test_lm_topics_images.c).
lms_add_test_file(test_lm_topics_images.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib TIMEOUT 120)
