# RosTypes.cmake: one definition is the truth for every ROS type on the wire.
# Builds the host tool rosidl_gen (tools/rosidl_gen) and provides lms_generate_ros_types(), which
# runs it over ROS 2 interface packages (.msg/.srv/.action) to write one IDL file per package
# plus the type table (ROS name, DDS name, RIHS01 hash, descriptor), then runs Cyclone's idlc on
# the IDL and compiles everything into a static library. Editing any interface file regenerates;
# adding or removing one re-runs CMake (CONFIGURE_DEPENDS).
# The generator runs on the build host; cross-compiling would need a host build of rosidl_gen.

find_package(CycloneDDS REQUIRED)
find_program(LMS_IDLC_EXECUTABLE idlc HINTS /usr/bin DOC "Cyclone DDS IDL compiler (idlc 0.10.x)")
if(NOT LMS_IDLC_EXECUTABLE)
  message(FATAL_ERROR "idlc not found: install cyclonedds-tools or set LMS_IDLC_EXECUTABLE")
endif()

get_filename_component(LMS_ROSIDL_GEN_DIR ${CMAKE_CURRENT_LIST_DIR}/../tools/rosidl_gen ABSOLUTE)
add_library(rosidl_gen_lib STATIC
  ${LMS_ROSIDL_GEN_DIR}/sha256.c
  ${LMS_ROSIDL_GEN_DIR}/rg_common.c
  ${LMS_ROSIDL_GEN_DIR}/msg_parse.c
  ${LMS_ROSIDL_GEN_DIR}/ros_model.c
  ${LMS_ROSIDL_GEN_DIR}/typehash.c
  ${LMS_ROSIDL_GEN_DIR}/idl_emit.c
  ${LMS_ROSIDL_GEN_DIR}/table_emit.c
)
target_include_directories(rosidl_gen_lib PUBLIC ${LMS_ROSIDL_GEN_DIR})
target_link_libraries(rosidl_gen_lib PUBLIC lms_common)
add_executable(rosidl_gen ${LMS_ROSIDL_GEN_DIR}/rosidl_gen.c)
target_link_libraries(rosidl_gen PRIVATE rosidl_gen_lib)

# lms_generate_ros_types(<target> OUTPUT_DIR <dir> PACKAGE_DIRS <pkgdir>...)
# Each package directory is named after its package and holds msg/, srv/ and/or action/.
# Creates static library <target> (generated headers on its include path, links ddsc) and sets
# its properties LMS_ROS_GEN_DIR (where the .idl/.c/.h are) and LMS_ROS_PACKAGE_DIRS.
function(lms_generate_ros_types target)
  cmake_parse_arguments(A "" "OUTPUT_DIR" "PACKAGE_DIRS" ${ARGN})
  set(out ${A_OUTPUT_DIR})
  set(sources)
  set(idl_files)
  set(packages)
  foreach(dir ${A_PACKAGE_DIRS})
    get_filename_component(pkg ${dir} NAME)
    file(GLOB srcs CONFIGURE_DEPENDS ${dir}/msg/*.msg ${dir}/srv/*.srv ${dir}/action/*.action)
    if(srcs)
      list(APPEND sources ${srcs})
      list(APPEND packages ${pkg})
      list(APPEND idl_files ${out}/${pkg}_dds.idl)
    endif()
  endforeach()

  string(REPLACE ";" " " package_names "${packages}")
  add_custom_command(
    OUTPUT ${idl_files} ${out}/ros_types_gen.h ${out}/ros_types_gen.c
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND rosidl_gen -o ${out} ${A_PACKAGE_DIRS}
    DEPENDS rosidl_gen ${sources}
    COMMENT "rosidl_gen: IDL, RIHS01 hashes and type table for ${package_names}"
    VERBATIM)

  set(c_files)
  foreach(pkg ${packages})
    # A package's IDL includes the IDL of the packages it uses, so depend on all of them.
    add_custom_command(
      OUTPUT ${out}/${pkg}_dds.c ${out}/${pkg}_dds.h
      COMMAND ${LMS_IDLC_EXECUTABLE} -x final -o ${out} ${out}/${pkg}_dds.idl
      DEPENDS ${idl_files}
      WORKING_DIRECTORY ${out}
      COMMENT "idlc ${pkg}_dds.idl"
      VERBATIM)
    list(APPEND c_files ${out}/${pkg}_dds.c)
  endforeach()

  add_library(${target} STATIC ${c_files} ${out}/ros_types_gen.c)
  target_include_directories(${target} PUBLIC ${out})
  target_link_libraries(${target} PUBLIC CycloneDDS::ddsc)
  set_target_properties(${target} PROPERTIES
    LMS_ROS_GEN_DIR "${out}"
    LMS_ROS_PACKAGE_DIRS "${A_PACKAGE_DIRS}")
endfunction()
