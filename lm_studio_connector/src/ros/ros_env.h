/* ros_env.h: the ROS 2 environment a node reads before creating its DDS domain
 * (ROS2_WIRE.md §9): ROS_DOMAIN_ID, ROS_AUTOMATIC_DISCOVERY_RANGE, ROS_STATIC_PEERS and the
 * deprecated ROS_LOCALHOST_ONLY, and the Cyclone DDS configuration rmw_cyclonedds builds from
 * them (our XML fragment, then "," and $CYCLONEDDS_URI). Jazzy by default; the Humble variant
 * (§9.3, only ROS_LOCALHOST_ONLY) is a flag. Variables are read through a getter so tests need
 * no real environment. A failed call changes nothing. Pure apart from the default getter
 * (getenv), which is not thread-safe against setenv. */
#ifndef LMS_ROS_ENV_H
#define LMS_ROS_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ros_env_status {
  ROS_ENV_OK = 0,
  ROS_ENV_ERR_INVALID_ARGUMENT = 1,   /* a required pointer was NULL */
  ROS_ENV_ERR_NO_MEMORY = 2,
  ROS_ENV_ERR_DOMAIN_ID = 3,          /* ROS_DOMAIN_ID is not a number or is above 232 */
  ROS_ENV_ERR_TOO_LARGE = 4,          /* over LMS_MAX_STATIC_PEERS or LMS_MAX_DDS_CONFIG */
} ros_env_status;

#define ROS_ENV_STATUS_COUNT 5
#define ROS_ENV_MESSAGE_MAX 384
#define ROS_ENV_WARNINGS_MAX 1024
#define ROS_DOMAIN_ID_MAX 232          /* highest id Cyclone's default port mapping can use */
#define ROS_STATIC_PEER_MAX_LEN 255    /* longer peers are skipped with a warning, as rcl does */
/* Status returns must be checked: a failure leaves the outputs untouched. */
#define ROS_ENV_WARN_UNUSED __attribute__((warn_unused_result))

/* Values as rmw_automatic_discovery_range_t. */
typedef enum ros_discovery_range {
  ROS_DISCOVERY_NOT_SET = 0,
  ROS_DISCOVERY_OFF = 1,
  ROS_DISCOVERY_LOCALHOST = 2,
  ROS_DISCOVERY_SUBNET = 3,
  ROS_DISCOVERY_SYSTEM_DEFAULT = 4,
} ros_discovery_range;

typedef struct ros_env_error {
  ros_env_status code;
  char message[ROS_ENV_MESSAGE_MAX];   /* names the variable and quotes its value */
} ros_env_error;

/* What the environment says. Owns static_peers (free with ros_env_config_fini). */
typedef struct ros_env_config {
  uint32_t domain_id;
  ros_discovery_range range;           /* after ROS_LOCALHOST_ONLY is applied */
  char **static_peers;                 /* dropped when ROS_LOCALHOST_ONLY=1 or the range is OFF */
  size_t static_peer_count;
  bool localhost_only;                 /* ROS_LOCALHOST_ONLY starts with '1' */
  char warnings[ROS_ENV_WARNINGS_MAX]; /* "; "-separated notes for the log, "" when none */
} ros_env_config;

/* Returns the value of an environment variable, or NULL when unset. */
typedef const char *(*ros_env_getter)(const char *name, void *user);
/* The process environment (getenv) as a getter; what a NULL getter means. */
const char *ros_env_process_getter(const char *name, void *user);

/* Stable identifier ("ROS_ENV_ERR_DOMAIN_ID"); "ROS_ENV_ERR_?" for unknown values. */
const char *ros_env_status_name(ros_env_status s);
/* One sentence describing the code. Never NULL. */
const char *ros_env_strerror(ros_env_status s);
/* "OFF", "LOCALHOST", "SUBNET", "SYSTEM_DEFAULT", "NOT_SET"; "?" otherwise. */
const char *ros_discovery_range_name(ros_discovery_range r);

/* ROS_DOMAIN_ID: NULL or "" gives 0; otherwise strtoul base 0 (decimal, 0x hex, 0 octal) must
 * consume the whole value and give 0..232. Returns OK or DOMAIN_ID; *out set on OK only. */
ros_env_status ros_env_parse_domain_id(const char *value, uint32_t *out, ros_env_error *err) ROS_ENV_WARN_UNUSED;
/* ROS_AUTOMATIC_DISCOVERY_RANGE: NULL or "" gives SUBNET; OFF, LOCALHOST, SUBNET,
 * SYSTEM_DEFAULT (exact, as rcl); anything else gives LOCALHOST and a warning sentence in
 * warning (may be NULL; "" when there is nothing to say). */
ros_discovery_range ros_env_parse_discovery_range(const char *value, char *warning, size_t warning_size);
/* ROS_LOCALHOST_ONLY: true when the value starts with '1' (rcl compares one character). */
bool ros_env_parse_localhost_only(const char *value);
/* ROS_STATIC_PEERS: ';'-separated; empty entries are skipped, entries longer than 255 bytes are
 * skipped with a warning. On OK *peers is a malloc'd array of *count malloc'd strings (NULL
 * when 0) that the caller frees (or hands to a config). Returns OK, TOO_LARGE, NO_MEMORY. */
ros_env_status ros_env_parse_static_peers(const char *value, char ***peers, size_t *count,
                                          char *warning, size_t warning_size, ros_env_error *err) ROS_ENV_WARN_UNUSED;

/* Reads all four variables through get (NULL: getenv) into *cfg, which is overwritten (not
 * freed). ROS_LOCALHOST_ONLY=1 forces LOCALHOST and drops the peers; OFF ignores the peers;
 * SYSTEM_DEFAULT keeps them but notes that Cyclone will ignore them. Returns OK, DOMAIN_ID,
 * TOO_LARGE, NO_MEMORY. Free with ros_env_config_fini. */
ros_env_status ros_env_config_load(ros_env_config *cfg, ros_env_getter get, void *user, ros_env_error *err) ROS_ENV_WARN_UNUSED;
/* Frees the peers and zeroes cfg. Accepts NULL. */
void ros_env_config_fini(ros_env_config *cfg);

/* The XML fragment rmw_cyclonedds would build for cfg (§9.2 table; with humble, §9.3), wrapped
 * in <CycloneDDS><Domain Id="any">…</Domain></CycloneDDS>; "" for SYSTEM_DEFAULT (and for
 * Humble without localhost-only). pid goes into the OFF range's <Tag>. Peer addresses are
 * XML-escaped. On OK *out is malloc'd (caller frees). Returns OK, INVALID_ARGUMENT, TOO_LARGE,
 * NO_MEMORY. */
ros_env_status ros_env_cyclone_fragment(const ros_env_config *cfg, bool humble, long pid, char **out,
                                        ros_env_error *err) ROS_ENV_WARN_UNUSED;
/* The string to pass to dds_create_domain: the fragment, then "," and cyclonedds_uri when
 * that is non-empty (either part alone when the other is empty). cyclonedds_uri may be NULL.
 * Returns as ros_env_cyclone_fragment; TOO_LARGE past LMS_MAX_DDS_CONFIG bytes. */
ros_env_status ros_env_cyclone_config(const ros_env_config *cfg, bool humble, long pid,
                                      const char *cyclonedds_uri, char **out, ros_env_error *err) ROS_ENV_WARN_UNUSED;

#endif
