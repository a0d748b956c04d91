# lms_add_test_file(<source> [DDS] [LIBS ...] [TIMEOUT s] [LABELS ...])
# Builds tests/<source> into one executable and registers every TEST(name) case in it as its own
# CTest, named after the case (<module>_<function>_<condition>), run as `<exe> <case>`.
# DDS: the cases talk over DDS. Each case then runs with the loopback-only Cyclone config and a
# ROS_DOMAIN_ID of its own (cycling through 10..109, or 110..209 in a sanitizer build, so a
# plain and a sanitizer run on one machine never meet either). Cases that share a domain id
# hold a CTest resource lock on it, so CTest never runs them at the same time.
set_property(GLOBAL PROPERTY LMS_NEXT_DOMAIN_ID 0)
function(lms_add_test_file source)
  cmake_parse_arguments(T "DDS" "TIMEOUT" "LIBS;LABELS" ${ARGN})
  get_filename_component(exe ${source} NAME_WE)
  add_executable(${exe} ${source} ${CMAKE_CURRENT_SOURCE_DIR}/testing.c)
  target_include_directories(${exe} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_definitions(${exe} PRIVATE
    LMS_FIXTURES_DIR="${CMAKE_CURRENT_SOURCE_DIR}/fixtures"
    LMS_LOOPBACK_XML="${CMAKE_CURRENT_SOURCE_DIR}/fixtures/cyclonedds-loopback.xml")
  target_link_libraries(${exe} PRIVATE ${T_LIBS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  file(READ ${CMAKE_CURRENT_SOURCE_DIR}/${source} text)
  string(REGEX MATCHALL "\nTEST\\(([A-Za-z0-9_]+)\\)" cases "${text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source})
  foreach(c ${cases})
    string(REGEX REPLACE "\nTEST\\(([A-Za-z0-9_]+)\\)" "\\1" name "${c}")
    add_test(NAME ${name} COMMAND ${exe} ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
    if(T_DDS)
      get_property(n GLOBAL PROPERTY LMS_NEXT_DOMAIN_ID)
      if(LMS_SANITIZE)
        math(EXPR domain "110 + ${n} % 100")
      else()
        math(EXPR domain "10 + ${n} % 100")
      endif()
      math(EXPR n "${n} + 1")
      set_property(GLOBAL PROPERTY LMS_NEXT_DOMAIN_ID ${n})
      set_tests_properties(${name} PROPERTIES RESOURCE_LOCK lms_dds_domain_${domain} ENVIRONMENT
        "ROS_DOMAIN_ID=${domain};CYCLONEDDS_URI=file://${CMAKE_CURRENT_SOURCE_DIR}/fixtures/cyclonedds-loopback.xml")
    endif()
  endforeach()
endfunction()
