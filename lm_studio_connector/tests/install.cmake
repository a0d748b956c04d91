# Packaging: config/params.yaml against the node's parameter table, the launch files' Python
# syntax, and the install layout (cmake --install of this build into a temporary prefix, then
# the installed programs run from there; needs the whole build, as `ctest` after a build has).
lms_add_test_file(test_params_file.c LIBS lms_node_core TIMEOUT 30)
target_compile_definitions(test_params_file PRIVATE
  LMS_PARAMS_YAML="${lm_studio_connector_SOURCE_DIR}/config/params.yaml")

lms_add_test_file(test_install.c DDS LIBS lms_ros lms_ros_test_util TIMEOUT 180)
set(lms_expected_exes lm_studio_node lms_emulator lms_check)
foreach(exe lm_studio_topics_node lmsc)
  list(APPEND lms_expected_exes $<$<TARGET_EXISTS:${exe}>:${exe}>)
endforeach()
list(JOIN lms_expected_exes " " lms_expected_exes)
target_compile_definitions(test_install PRIVATE
  "LMS_INSTALLED_EXES=\"${lms_expected_exes}\""
  LMS_INSTALL_EXEC_DIR="${LMS_INSTALL_EXEC_DIR}"
  LMS_INSTALL_SHARE_DIR="${LMS_INSTALL_SHARE_DIR}"
  LMS_BUILD_DIR="${CMAKE_BINARY_DIR}"
  LMS_CMAKE_COMMAND="${CMAKE_COMMAND}"
  LMS_HAVE_TOPICS_NODE=$<TARGET_EXISTS:lm_studio_topics_node>)
add_dependencies(test_install lm_studio_node lms_emulator lms_check)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  # Byte-compiles into the build tree (PYTHONPYCACHEPREFIX), never beside the sources.
  add_test(NAME install_launch_files_compile
    COMMAND ${CMAKE_COMMAND} -E env PYTHONPYCACHEPREFIX=${CMAKE_CURRENT_BINARY_DIR}/pycache
            ${Python3_EXECUTABLE} -m py_compile
            ${lm_studio_connector_SOURCE_DIR}/launch/lm_studio.launch.py
            ${lm_studio_connector_SOURCE_DIR}/launch/lm_studio_topics.launch.py)
  set_tests_properties(install_launch_files_compile PROPERTIES TIMEOUT 30)
endif()

# The launch files' own logic without ROS (launch, launch_ros and ament_index_python replaced by
# recorders), then the node run with the command line launch_ros builds from them. Domain 5: no
# other test's range (10..209), so the nodes it starts meet no test.
if(Python3_Interpreter_FOUND)
  add_test(NAME install_launch_files_start_the_nodes_with_their_arguments
    COMMAND ${CMAKE_COMMAND} -E env PYTHONDONTWRITEBYTECODE=1
            ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/test_launch_files.py
            ${lm_studio_connector_SOURCE_DIR}/launch ${lm_studio_connector_SOURCE_DIR}
            $<TARGET_FILE:lm_studio_node> $<TARGET_FILE:lm_studio_topics_node>)
  set_tests_properties(install_launch_files_start_the_nodes_with_their_arguments PROPERTIES
    TIMEOUT 120 RESOURCE_LOCK lms_dds_domain_5 ENVIRONMENT
    "ROS_DOMAIN_ID=5;CYCLONEDDS_URI=file://${CMAKE_CURRENT_SOURCE_DIR}/fixtures/cyclonedds-loopback.xml")
endif()
