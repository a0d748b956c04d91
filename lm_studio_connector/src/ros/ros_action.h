/* ros_action.h: what ROS 2 action servers and clients share (ROS2_WIRE.md §4): goal ids, goal
 * infos and stamps, the GoalStatus and CancelGoal codes, and ros_action_type, the descriptor
 * that makes the server and client generic over idlc-generated action types.
 * Pure data and functions (implemented in ros_goal_state.c); any thread. */
#ifndef LMS_ROS_ACTION_H
#define LMS_ROS_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ros_error.h"
#include "ros_names.h"
#include "ros_types_gen.h"

/* Status-returning calls of the action modules: a result that is ignored is a bug (a goal left
 * without an end, a result whose ownership did not pass). */
#define ROS_ACTION_WARN_UNUSED __attribute__((warn_unused_result))

/* unique_identifier_msgs/msg/UUID: 16 bytes, a random v4 chosen by the client. */
typedef struct ros_goal_id {
  uint8_t uuid[16];
} ros_goal_id;

/* action_msgs/msg/GoalInfo, with the stamp (builtin_interfaces/Time) in nanoseconds since the
 * Unix epoch. A zero id and a zero stamp mean "unset" in a cancel request (§4.5). */
typedef struct ros_goal_info {
  ros_goal_id id;
  int64_t stamp_ns;
} ros_goal_info;

/* action_msgs/msg/GoalStatus values (§4.3). */
typedef enum ros_goal_status {
  ROS_GOAL_STATUS_UNKNOWN = 0,
  ROS_GOAL_STATUS_ACCEPTED = 1,
  ROS_GOAL_STATUS_EXECUTING = 2,
  ROS_GOAL_STATUS_CANCELING = 3,
  ROS_GOAL_STATUS_SUCCEEDED = 4,
  ROS_GOAL_STATUS_CANCELED = 5,
  ROS_GOAL_STATUS_ABORTED = 6,
} ros_goal_status;
#define ROS_GOAL_STATUS_COUNT 7

/* action_msgs/srv/CancelGoal_Response return codes (§4.5). */
typedef enum ros_cancel_code {
  ROS_CANCEL_NONE = 0,             /* goals_canceling lists what was accepted (maybe nothing) */
  ROS_CANCEL_REJECTED = 1,         /* goals matched, the server refused to cancel every one */
  ROS_CANCEL_UNKNOWN_GOAL_ID = 2,  /* the one requested id is not known */
  ROS_CANCEL_GOAL_TERMINATED = 3,  /* the one requested goal has already finished */
} ros_cancel_code;
#define ROS_CANCEL_CODE_COUNT 4

/* "SUCCEEDED", as `ros2 action send_goal` prints it; "UNKNOWN" for values out of range. */
const char *ros_goal_status_name(int status);
/* "ERROR_NONE", "ERROR_REJECTED", ...; "ERROR_?" for values out of range. */
const char *ros_cancel_code_name(int code);

bool ros_goal_id_equal(const ros_goal_id *a, const ros_goal_id *b);
bool ros_goal_id_is_zero(const ros_goal_id *id);
/* 32 lowercase hex digits and a NUL, as `ros2 action send_goal` prints "Goal accepted with ID". */
void ros_goal_id_to_hex(const ros_goal_id *id, char out[33]);

/* builtin_interfaces/Time <-> nanoseconds. Negative or out-of-range values saturate. */
int64_t ros_action_time_to_ns(int32_t sec, uint32_t nanosec);
void ros_action_time_from_ns(int64_t ns, int32_t *sec, uint32_t *nanosec);

/* An action type as the generated C structs lay it out. The five wire types carry, after the
 * service header where there is one, the goal id and one of the three sections of the .action
 * file; offset/size locate that section so the server and client can copy it generically. */
typedef struct ros_action_type {
  const char *name;  /* "lm_studio_interfaces/action/ChatCompletion" */
  const dds_topic_descriptor_t *send_goal_request, *send_goal_response;
  const dds_topic_descriptor_t *get_result_request, *get_result_response;
  const dds_topic_descriptor_t *feedback_message;
  const dds_topic_descriptor_t *goal, *result, *feedback; /* the sections themselves */
  size_t goal_offset, goal_size;         /* X_Goal inside X_SendGoal_Request_ */
  size_t result_offset, result_size;     /* X_Result inside X_GetResult_Response_ */
  size_t feedback_offset, feedback_size; /* X_Feedback inside X_FeedbackMessage_ */
} ros_action_type;

/* The parts of the wire structs that every action shares, whatever its Goal/Result/Feedback
 * (ros_action_type_check verifies the sizes against the generated descriptors). */
typedef struct ros_action_uuid_request { /* X_GetResult_Request; head of X_SendGoal_Request */
  uint64_t hdr_guid;
  int64_t hdr_seq;
  unique_identifier_msgs_msg_dds__UUID_ goal_id;
} ros_action_uuid_request;
typedef struct ros_action_send_goal_response { /* X_SendGoal_Response */
  uint64_t hdr_guid;
  int64_t hdr_seq;
  bool accepted;
  builtin_interfaces_msg_dds__Time_ stamp;
} ros_action_send_goal_response;
typedef struct ros_action_result_head { /* head of X_GetResult_Response */
  uint64_t hdr_guid;
  int64_t hdr_seq;
  int8_t status;
} ros_action_result_head;

/* Builds a ros_action_type from the idlc names, e.g.
 *   static const ros_action_type chat = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion); */
#define ROS_ACTION_TYPE_T_(pkg, Name, part) pkg##_action_dds__##Name##_##part##_
#define ROS_ACTION_TYPE_D_(pkg, Name, part) &pkg##_action_dds__##Name##_##part##__desc
#define ROS_ACTION_TYPE(pkg, Name)                                                   \
  {                                                                                  \
    #pkg "/action/" #Name,                                                           \
    ROS_ACTION_TYPE_D_(pkg, Name, SendGoal_Request),                                 \
    ROS_ACTION_TYPE_D_(pkg, Name, SendGoal_Response),                                \
    ROS_ACTION_TYPE_D_(pkg, Name, GetResult_Request),                                \
    ROS_ACTION_TYPE_D_(pkg, Name, GetResult_Response),                               \
    ROS_ACTION_TYPE_D_(pkg, Name, FeedbackMessage),                                  \
    ROS_ACTION_TYPE_D_(pkg, Name, Goal),                                             \
    ROS_ACTION_TYPE_D_(pkg, Name, Result),                                           \
    ROS_ACTION_TYPE_D_(pkg, Name, Feedback),                                         \
    offsetof(ROS_ACTION_TYPE_T_(pkg, Name, SendGoal_Request), goal),                 \
    sizeof(ROS_ACTION_TYPE_T_(pkg, Name, Goal)),                                     \
    offsetof(ROS_ACTION_TYPE_T_(pkg, Name, GetResult_Response), result),             \
    sizeof(ROS_ACTION_TYPE_T_(pkg, Name, Result)),                                   \
    offsetof(ROS_ACTION_TYPE_T_(pkg, Name, FeedbackMessage), feedback),              \
    sizeof(ROS_ACTION_TYPE_T_(pkg, Name, Feedback)),                                 \
  }

/* The resolved name (action_name + "/_action/...", ros_names_action) and the type name of one
 * of the action's five entities: "<t->name>_SendGoal", "action_msgs/srv/CancelGoal",
 * "<t->name>_GetResult", "<t->name>_FeedbackMessage", "action_msgs/msg/GoalStatusArray".
 * Returns ROS_OK, ROS_ERR_BAD_NAME or ROS_ERR_UNKNOWN_TYPE (type name too long). */
ros_status ros_action_entity_names(const char *action_name, const ros_action_type *t,
                                   ros_action_part part, char name[ROS_NAME_BUF_SIZE],
                                   char type[ROS_NAME_BUF_SIZE], ros_error *e);

/* Checks t against the generated type table: every descriptor present and equal to the row
 * of "<name>_SendGoal_Request" etc., offsets inside the structs. Returns false if not. */
bool ros_action_type_check(const ros_action_type *t);

#endif
