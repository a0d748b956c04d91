# ros_action tests: the pure goal bookkeeping (state machine, cancel matching, status array),
# then action servers and clients over DDS on loopback (a domain per case).
# ros_peer_action is the second process of the lifecycle cases (scripted server, vanishing client).
lms_add_test_file(test_ros_goal_state.c LIBS lms_ros)

add_executable(ros_peer_action ${CMAKE_CURRENT_SOURCE_DIR}/ros_peer_action.c)
target_include_directories(ros_peer_action PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ros_peer_action PRIVATE lms_ros)

lms_add_test_file(test_ros_action.c DDS LIBS lms_ros lms_ros_test_util TIMEOUT 90)
target_compile_definitions(test_ros_action PRIVATE
  LMS_PEER_ACTION_EXE="$<TARGET_FILE:ros_peer_action>")
add_dependencies(test_ros_action ros_peer_action)
