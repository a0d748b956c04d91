# Wire-layer core: context, graph, nodes, QoS, topics (real DDS on loopback).
add_library(lms_ros_test_util STATIC ${CMAKE_CURRENT_SOURCE_DIR}/ros_test_util.c)
target_include_directories(lms_ros_test_util PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(lms_ros_test_util PRIVATE
  LMS_FIXTURES_DIR="${CMAKE_CURRENT_SOURCE_DIR}/fixtures")
target_link_libraries(lms_ros_test_util PUBLIC lms_ros)
lms_add_test_file(test_ros_core.c DDS LIBS lms_ros lms_ros_test_util TIMEOUT 60)
