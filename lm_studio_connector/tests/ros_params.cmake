# Parameters and logging of a node (src/ros/ros_params*.c, ros_log.c).
# The pure rules (descriptor checks, ranges, list rules) run without DDS; the server and
# /rosout cases talk over DDS on loopback, each with its own domain id.
lms_add_test_file(test_ros_params_check.c LIBS lms_ros TIMEOUT 30)
lms_add_test_file(test_ros_log.c DDS LIBS lms_ros lms_ros_test_util TIMEOUT 60)
# The server node + client node fixture shared by the two DDS parameter test files.
add_library(lms_ros_params_fixture STATIC ${CMAKE_CURRENT_SOURCE_DIR}/ros_params_fixture.c)
target_include_directories(lms_ros_params_fixture PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(lms_ros_params_fixture PUBLIC lms_ros)
lms_add_test_file(test_ros_params.c DDS LIBS lms_ros_params_fixture lms_ros_test_util TIMEOUT 60)
lms_add_test_file(test_ros_params_srv.c DDS LIBS lms_ros_params_fixture TIMEOUT 60)
