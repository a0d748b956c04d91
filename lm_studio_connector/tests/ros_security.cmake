# SROS2 security: env + enclave -> Cyclone's security properties, and secured vs unsecured
# participants on real DDS. make_keystore.sh builds each case's keystore with the openssl CLI.
lms_add_test_file(test_ros_security.c DDS LIBS lms_ros lms_ros_test_util TIMEOUT 120)
target_compile_definitions(test_ros_security PRIVATE
  LMS_MAKE_KEYSTORE="${CMAKE_CURRENT_SOURCE_DIR}/make_keystore.sh"
  LMS_DDS_SECURITY_PLUGIN_DIR_FOR_TESTS="${LMS_DDS_SECURITY_PLUGIN_DIR}")
# The real lm_studio_node under security, end to end against the emulator.
lms_add_test_file(test_lm_node_security.c DDS LIBS lms_lm_node_fixture lms_node_core lms_emulator_lib lms_ros_test_util TIMEOUT 120)
target_compile_definitions(test_lm_node_security PRIVATE
  LMS_MAKE_KEYSTORE="${CMAKE_CURRENT_SOURCE_DIR}/make_keystore.sh"
  LMS_NODE_EXE="$<TARGET_FILE:lm_studio_node>")
add_dependencies(test_lm_node_security lm_studio_node)
