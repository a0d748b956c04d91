/* ros_error.h: the wire layer's error codes and the error record that carries them.
 * Every wire-layer call that can fail returns a ros_status and fills an optional ros_error
 * (code + message naming what failed and why). A failed call changes nothing.
 * Codes are written out and never reused; ros_status_name/ros_strerror know each one. */
#ifndef LMS_ROS_ERROR_H
#define LMS_ROS_ERROR_H

typedef enum ros_status {
  ROS_OK = 0,
  ROS_ERR_INVALID_ARGUMENT = 1,  /* NULL or out-of-range argument */
  ROS_ERR_NO_MEMORY = 2,
  ROS_ERR_DDS = 3,               /* Cyclone DDS refused a call (message has its return code) */
  ROS_ERR_BAD_NAME = 4,          /* invalid node/topic/service name, or remapping failed */
  ROS_ERR_BAD_ARGS = 5,          /* the ROS command line or a params file is wrong */
  ROS_ERR_BAD_ENV = 6,           /* ROS_DOMAIN_ID or a discovery variable is wrong */
  ROS_ERR_UNKNOWN_TYPE = 7,      /* a ROS type the generated table does not have */
  ROS_ERR_BUSY = 8,              /* destroy refused: entities still attached */
  ROS_ERR_TIMEOUT = 9,
  ROS_ERR_NOT_FOUND = 10,        /* unknown goal, parameter, request... */
  ROS_ERR_REJECTED = 11,         /* the other side refused (goal rejected, parameter refused) */
  ROS_ERR_BAD_SAMPLE = 12,       /* malformed or unexpected sample from the wire */
  ROS_ERR_LIMIT = 13,            /* a bound of common/limits.h was reached */
  ROS_ERR_STATE = 14,            /* not allowed in the current state (goal transition, ...) */
  ROS_ERR_SECURITY = 15,         /* DDS security configuration missing or invalid */
  ROS_ERR_CANCELED = 16,         /* the caller (or shutdown) cancelled the operation */
} ros_status;

#define ROS_STATUS_COUNT 17
#define ROS_ERROR_MESSAGE_MAX 512

typedef struct ros_error {
  ros_status code;
  char message[ROS_ERROR_MESSAGE_MAX];
} ros_error;

const char *ros_status_name(ros_status s);   /* "ROS_ERR_DDS"; "ROS_ERR_?" if unknown */
const char *ros_strerror(ros_status s);      /* one sentence; never NULL */
/* Fills e (if not NULL) and returns code. */
ros_status ros_error_set(ros_error *e, ros_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* For a negative Cyclone return code: ROS_ERR_DDS with "what: dds_strretcode(rc)". */
ros_status ros_error_dds(ros_error *e, int rc, const char *what);

#endif
