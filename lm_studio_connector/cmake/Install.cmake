# Install.cmake: what `cmake --install` (and colcon) puts where. Included before the tests (they
# check the layout); lms_install_all(), called last in the connector's CMakeLists.txt once every
# executable target exists, writes the install rules.
#
# Two layouts, chosen once at configure time:
# - ROS 2 (ament): when this package is the top-level project (colcon builds it on its own in a
#   ROS 2 workspace) and ament_cmake is found. Executables go to lib/lm_studio_connector, where
#   `ros2 run lm_studio_connector <exe>` looks; ament_package() registers the package in the ament
#   index and installs package.xml, so `ros2 launch` finds share/lm_studio_connector/launch.
# - plain (GNUInstallDirs): the repository's top-level build, or no ament_cmake. Executables go to
#   bin/, data to share/lm_studio_connector.
# Either way the nodes read no file of their own at run time: parameters come only from the
# command line (--params-file), so an installed node runs from any directory.
include(GNUInstallDirs)

if(CMAKE_SOURCE_DIR STREQUAL PROJECT_SOURCE_DIR)
  find_package(ament_cmake QUIET)
endif()
option(LMS_AMENT_LAYOUT "Install in the ROS 2 (ament) layout" ${ament_cmake_FOUND})
if(LMS_AMENT_LAYOUT)
  find_package(ament_cmake REQUIRED) # source a ROS 2 setup file first
  set(LMS_INSTALL_EXEC_DIR lib/${PROJECT_NAME})
  set(LMS_INSTALL_SHARE_DIR share/${PROJECT_NAME})
else()
  set(LMS_INSTALL_EXEC_DIR ${CMAKE_INSTALL_BINDIR})
  set(LMS_INSTALL_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/${PROJECT_NAME})
endif()

# The nodes and the tools that come with them (the emulator is a test and demo server, never a
# model). Targets built only in some configurations are installed when they exist. A macro, so
# that ament_package() runs in the connector's own directory scope.
macro(lms_install_all)
  set(lms_install_executables)
  foreach(lms_exe lm_studio_node lm_studio_topics_node lmsc lms_check lms_emulator)
    if(TARGET ${lms_exe})
      list(APPEND lms_install_executables ${lms_exe})
    endif()
  endforeach()
  install(TARGETS ${lms_install_executables} RUNTIME DESTINATION ${LMS_INSTALL_EXEC_DIR})
  install(FILES launch/lm_studio.launch.py launch/lm_studio_topics.launch.py
          DESTINATION ${LMS_INSTALL_SHARE_DIR}/launch)
  install(FILES config/params.yaml DESTINATION ${LMS_INSTALL_SHARE_DIR}/config)
  if(LMS_AMENT_LAYOUT)
    ament_package()
  else()
    # The interface definitions the wire types come from (in a ROS 2 workspace the
    # lm_studio_interfaces package installs them, with the rosidl types).
    get_filename_component(lms_install_interfaces "${LMS_INTERFACES_DIR}" ABSOLUTE)
    install(DIRECTORY ${lms_install_interfaces}/action ${lms_install_interfaces}/srv
            DESTINATION ${LMS_INSTALL_SHARE_DIR}/lm_studio_interfaces)
  endif()
endmacro()
