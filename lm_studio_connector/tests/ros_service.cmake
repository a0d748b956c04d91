# ros_service tests: service servers and clients over real DDS (loopback, a domain per case).
# ros_peer_service is the second process of the two-process cases (test_ros_client.c).
add_executable(ros_peer_service ${CMAKE_CURRENT_SOURCE_DIR}/ros_peer_service.c)
target_include_directories(ros_peer_service PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ros_peer_service PRIVATE lms_ros)

lms_add_test_file(test_ros_service.c DDS LIBS lms_ros lms_ros_test_util TIMEOUT 60)
lms_add_test_file(test_ros_client.c DDS LIBS lms_ros TIMEOUT 60)
target_compile_definitions(test_ros_client PRIVATE LMS_PEER_EXE="$<TARGET_FILE:ros_peer_service>")
add_dependencies(test_ros_client ros_peer_service)
lms_add_test_file(test_ros_service_copy.c LIBS lms_ros)
