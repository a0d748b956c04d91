# Shared by the node's test files: starting the node and a client node in the test process.
add_library(lms_lm_node_fixture STATIC ${CMAKE_CURRENT_SOURCE_DIR}/lm_node_fixture.c)
target_include_directories(lms_lm_node_fixture PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(lms_lm_node_fixture PUBLIC lms_node_core)
# lm_studio_node: the node end to end over DDS on loopback against the LM Studio emulator in the
# same process (test_lm_node.c), and its parameter table (test_lm_node_params.c).
# Label valgrind: scripts/test.sh runs these under valgrind's memcheck too (fault tests, see
# lm_node_faults.cmake); test_lm_node_more.c is left out (its waits are too short for memcheck),
# and test_lm_node_images.c to keep the stage within ~3 minutes on 2 cores (it passed memcheck).
lms_add_test_file(test_lm_node_params.c DDS LIBS lms_node_core TIMEOUT 30)
lms_add_test_file(test_lm_node.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib TIMEOUT 60
                  LABELS valgrind)
target_compile_definitions(test_lm_node PRIVATE LMS_NODE_EXE="$<TARGET_FILE:lm_studio_node>")
add_dependencies(test_lm_node lm_studio_node)
# /diagnostics (diagnostic_msgs/DiagnosticArray) of the node: levels, values, topic type and QoS.
lms_add_test_file(test_lm_node_diag.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib TIMEOUT 60
                  LABELS valgrind)
lms_add_test_file(test_lm_node_images.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib TIMEOUT 90)
lms_add_test_file(test_lm_node_more.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib TIMEOUT 120)
# Raw images in every encoding come from the image tests' timg_make_raw.
target_sources(test_lm_node_more PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/test_image_util.c)
# Limits (prompt, concurrent goals, history bytes) and the API key under hostile use.
lms_add_test_file(test_lm_node_hostile.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib TIMEOUT 120)
target_compile_definitions(test_lm_node_hostile PRIVATE LMS_NODE_EXE="$<TARGET_FILE:lm_studio_node>")
add_dependencies(test_lm_node_hostile lm_studio_node)
# The two executables stopped by a signal that arrives while they are still starting.
lms_add_test_file(test_lm_node_main.c DDS LIBS lms_common lms_emulator_lib TIMEOUT 120)
target_compile_definitions(test_lm_node_main PRIVATE LMS_NODE_EXE="$<TARGET_FILE:lm_studio_node>"
                           LMS_TOPICS_NODE_EXE="$<TARGET_FILE:lm_studio_topics_node>")
add_dependencies(test_lm_node_main lm_studio_node lm_studio_topics_node)
