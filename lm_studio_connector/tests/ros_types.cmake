# ROS types: SHA-256, the interface parser and rosidl_gen, RIHS01 hashes, the generated IDL,
# descriptors and table, and CDR round trips of recorded Jazzy payloads.
get_target_property(lms_ros_gen_dir lms_ros_types LMS_ROS_GEN_DIR)
get_target_property(lms_ros_package_dirs lms_ros_types LMS_ROS_PACKAGE_DIRS)
# A CMake list would split the compile definition: pass the directories ':'-separated.
string(REPLACE ";" ":" lms_ros_package_path "${lms_ros_package_dirs}")

# Helpers shared by the tests that load the interface model at test time.
add_library(ros_types_testlib STATIC ${CMAKE_CURRENT_SOURCE_DIR}/ros_types_testlib.c)
target_include_directories(ros_types_testlib PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(ros_types_testlib PUBLIC rosidl_gen_lib)
target_compile_definitions(ros_types_testlib PRIVATE
  LMS_ROS_PACKAGE_DIRS="${lms_ros_package_path}")

lms_add_test_file(test_sha256.c LIBS rosidl_gen_lib)
lms_add_test_file(test_rosidl_parse.c LIBS rosidl_gen_lib)
lms_add_test_file(test_rosidl_gen.c LIBS rosidl_gen_lib)
target_compile_definitions(test_rosidl_gen PRIVATE
  LMS_ROSIDL_GEN_EXE="$<TARGET_FILE:rosidl_gen>"
  LMS_IDLC_EXE="${LMS_IDLC_EXECUTABLE}")
add_dependencies(test_rosidl_gen rosidl_gen)
lms_add_test_file(test_typehash.c LIBS ros_types_testlib lms_ros_types)
lms_add_test_file(test_rostypes.c LIBS ros_types_testlib lms_ros_types)
target_compile_definitions(test_rostypes PRIVATE LMS_ROS_GEN_DIR="${lms_ros_gen_dir}")
lms_add_test_file(test_rostypes_cdr.c LIBS ros_types_testlib lms_ros_types)
# Cyclone's serializer header (dds/ddsi/ddsi_cdrstream.h) reaches GNU inline `asm` in
# ddsrt/atomics, which strict -std=c11 rejects: compile those two tests as gnu11.
set_target_properties(test_rostypes test_rostypes_cdr PROPERTIES C_EXTENSIONS ON)
