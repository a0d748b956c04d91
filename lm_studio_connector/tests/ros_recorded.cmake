lms_add_test_file(test_ros_recorded_node.c DDS LIBS lms_ros lms_ros_test_util TIMEOUT 60)
