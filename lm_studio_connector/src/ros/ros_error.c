/* ros_error.c: names and sentences for ros_status, and the error record helpers. */
#include "ros_error.h"

#include <stdarg.h>
#include <stdio.h>

#include <dds/dds.h>

static const struct {
  const char *name, *sentence;
} table[ROS_STATUS_COUNT] = {
    [ROS_OK] = {"ROS_OK", "success"},
    [ROS_ERR_INVALID_ARGUMENT] = {"ROS_ERR_INVALID_ARGUMENT", "an argument was missing or out of range"},
    [ROS_ERR_NO_MEMORY] = {"ROS_ERR_NO_MEMORY", "out of memory"},
    [ROS_ERR_DDS] = {"ROS_ERR_DDS", "Cyclone DDS refused the operation"},
    [ROS_ERR_BAD_NAME] = {"ROS_ERR_BAD_NAME", "a ROS name is invalid or could not be resolved"},
    [ROS_ERR_BAD_ARGS] = {"ROS_ERR_BAD_ARGS", "the ROS command line or a parameter file is wrong"},
    [ROS_ERR_BAD_ENV] = {"ROS_ERR_BAD_ENV", "a ROS environment variable has an invalid value"},
    [ROS_ERR_UNKNOWN_TYPE] = {"ROS_ERR_UNKNOWN_TYPE", "the ROS type is not known to this build"},
    [ROS_ERR_BUSY] = {"ROS_ERR_BUSY", "entities are still attached"},
    [ROS_ERR_TIMEOUT] = {"ROS_ERR_TIMEOUT", "the operation timed out"},
    [ROS_ERR_NOT_FOUND] = {"ROS_ERR_NOT_FOUND", "no such item"},
    [ROS_ERR_REJECTED] = {"ROS_ERR_REJECTED", "the request was refused"},
    [ROS_ERR_BAD_SAMPLE] = {"ROS_ERR_BAD_SAMPLE", "a sample from the wire was malformed or unexpected"},
    [ROS_ERR_LIMIT] = {"ROS_ERR_LIMIT", "a configured limit was reached"},
    [ROS_ERR_STATE] = {"ROS_ERR_STATE", "not allowed in the current state"},
    [ROS_ERR_SECURITY] = {"ROS_ERR_SECURITY", "DDS security is misconfigured"},
    [ROS_ERR_CANCELED] = {"ROS_ERR_CANCELED", "the operation was cancelled"},
};

const char *ros_status_name(ros_status s) {
  return (unsigned)s < ROS_STATUS_COUNT ? table[s].name : "ROS_ERR_?";
}

const char *ros_strerror(ros_status s) {
  return (unsigned)s < ROS_STATUS_COUNT ? table[s].sentence : "unknown error code";
}

ros_status ros_error_set(ros_error *e, ros_status code, const char *fmt, ...) {
  if (!e) return code;
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
  return code;
}

ros_status ros_error_dds(ros_error *e, int rc, const char *what) {
  return ros_error_set(e, ROS_ERR_DDS, "%s: %s", what, dds_strretcode(rc));
}
