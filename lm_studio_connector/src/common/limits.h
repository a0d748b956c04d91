/* limits.h: every hard maximum the project enforces, in one table.
 * A growable buffer or queue takes its maximum from here, so a hostile or broken peer
 * can make a request fail with a clear error but never exhaust memory. */
#ifndef LMS_LIMITS_H
#define LMS_LIMITS_H

/* One SSE line (one streamed JSON chunk) from the LLM server. */
#define LMS_MAX_SSE_LINE          (4u << 20)
/* A whole non-streamed HTTP response body (models, embeddings of a batch, completions). */
#define LMS_MAX_RESPONSE_BODY     (64u << 20)
/* Text accumulated for one answer (content, reasoning or tool arguments). */
#define LMS_MAX_ANSWER_TEXT       (16u << 20)
/* A request body we send (a chat with images). */
#define LMS_MAX_REQUEST_BODY      (96u << 20)
/* Tool calls accumulated for one answer. */
#define LMS_MAX_TOOL_CALLS        64
/* Models accepted from one listing. */
#define LMS_MAX_MODELS            4096
/* Requests recorded by the LM Studio emulator before the oldest is dropped. */
#define LMS_MAX_RECORDED_REQUESTS 4096

#define LMS_MAX_ROS_ARGS          4096       /* argv entries accepted by ros_args_parse */
#define LMS_MAX_ROS_ARG_LEN       (64u << 10) /* bytes in one command-line argument */
#define LMS_MAX_REMAP_RULES       1024       /* -r rules on one command line */
#define LMS_MAX_PARAMS_FILES      64         /* --params-file arguments on one command line */
#define LMS_MAX_PARAMS_FILE_SIZE  (4u << 20) /* bytes in one params YAML file */
#define LMS_MAX_PARAMS_DEPTH      32         /* nested YAML mappings/sequences in a params file */
#define LMS_MAX_PARAM_OVERRIDES   16384      /* parameter overrides from -p and params files together */
#define LMS_MAX_PARAM_ARRAY       65536      /* elements in one array parameter value */
#define LMS_MAX_LOG_LEVEL_RULES   256        /* --log-level arguments on one command line */
#define LMS_MAX_STATIC_PEERS      64         /* addresses in ROS_STATIC_PEERS */
#define LMS_MAX_DDS_CONFIG        (1u << 20) /* Cyclone config string: our fragment plus CYCLONEDDS_URI */
#define LMS_MAX_ACTION_GOALS      1024       /* goals one action server holds: active, plus finished ones keeping their result */
#define LMS_MAX_PENDING_REPLIES   1024       /* replies one service holds while clients' reply readers match */
#define LMS_MAX_IMAGE_RAW_BYTES   (256u << 20) /* bytes of one raw sensor_msgs/Image that are read (step * height) */
#define LMS_MAX_IMAGE_ENCODED_BYTES (64u << 20) /* one encoded image (JPEG/PNG/WebP/GIF): compressed message, data URI content, encoder output */
#define LMS_MAX_IMAGE_FILE_SIZE   (64u << 20) /* bytes of one image file loaded from an allowed directory */
#define LMS_MAX_IMAGE_SIDE        16384      /* width or height of any image read, decoded or produced */
#define LMS_MAX_IMAGE_PIXELS      (48u << 20) /* width * height of any image decoded or converted (decompression bombs) */
#define LMS_MAX_IMAGE_ALLOWED_DIRS 64        /* directories in image_allowed_dirs */
#define LMS_MAX_DECLARED_PARAMS   1024       /* parameters one node declares */
#define LMS_MAX_LOG_MESSAGE       (32u << 10) /* bytes of one log message; longer ones are cut */

#define LMS_MAX_PROMPT_BYTES      (16u << 20) /* prompt + system prompt of one goal (max_prompt_bytes at most this) */
#define LMS_MAX_CONCURRENT_GOALS  (2 * LMS_MAX_ACTION_GOALS) /* running chat + text goals (max_concurrent_goals at most this) */
#define LMS_MAX_HISTORY_BYTES     (64u << 20) /* chat history text kept (max_history_bytes at most this) */
#define LMS_MAX_QUEUED_REQUESTS   65536      /* requests one topics node keeps waiting (max_queued_requests at most this) */

#endif
