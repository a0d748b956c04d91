/* ros_types_testlib.h: helpers shared by the ROS type tests: the project's interface model
 * parsed at test time (independently of the build's generated files), hex decoding and the
 * DDS-to-ROS type name mapping. Failures abort the test case. */
#ifndef LMS_ROS_TYPES_TESTLIB_H
#define LMS_ROS_TYPES_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "ros_model.h"

/* Loads every package the build generates from (LMS_ROS_PACKAGE_DIRS) plus the extra package
 * directories given (NULL-terminated list, may be empty), finishes and hashes the model. */
void ros_test_load_model(rg_model *m, const char *const *extra_dirs);
/* Decodes lowercase/uppercase hex; returns a malloc'd buffer and its length in *n. */
uint8_t *ros_test_unhex(const char *hex, size_t hexlen, size_t *n);
/* "pkg::sub::dds_::Name_" -> "pkg/sub/Name" into buf; aborts the case if malformed. */
void ros_test_dds_to_ros_name(const char *dds, char *buf, size_t n);

#endif
