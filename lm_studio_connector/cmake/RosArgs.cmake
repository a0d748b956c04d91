# lms_ros_args: ROS 2 names, the ROS command line, parameter values and params files, and the
# ROS environment (domain id, discovery, Cyclone config). Pure C with libyaml; no DDS.
# Sources are listed relative to the connector, like the other libraries, so fuzz targets can
# read them back from the target (fuzz/CMakeLists.txt, lms_fuzz_sources).
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)

add_library(lms_ros_args STATIC
  src/ros/ros_names.c
  src/ros/ros_param_value.c
  src/ros/ros_params_file.c
  src/ros/ros_args.c
  src/ros/ros_env.c
)
target_include_directories(lms_ros_args PUBLIC src)
target_link_libraries(lms_ros_args PUBLIC lms_common PkgConfig::YAML m)
