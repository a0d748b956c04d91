/* ros_env.c: ROS_DOMAIN_ID, the discovery variables and the Cyclone DDS configuration
 * (ROS2_WIRE.md §9.1-§9.3), following rcl (domain_id.c, discovery_options.c, localhost.c, init.c)
 * and rmw_cyclonedds (check_create_domain) for every value and every byte of the fragment.
 * Results are built aside and handed over only when complete: a failed call changes nothing.
 * The peer list and the config string are bounded by LMS_MAX_STATIC_PEERS/LMS_MAX_DDS_CONFIG.
 * No global state: any thread (the default getter is getenv, racing only with setenv). */
#include "ros_env.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dynbuf.h"
#include "common/limits.h"

static const struct {
  const char *name;
  const char *sentence;
} status_info[ROS_ENV_STATUS_COUNT] = {
  [ROS_ENV_OK] = {"ROS_ENV_OK", "Success."},
  [ROS_ENV_ERR_INVALID_ARGUMENT] = {"ROS_ENV_ERR_INVALID_ARGUMENT", "A required argument was NULL or out of range."},
  [ROS_ENV_ERR_NO_MEMORY] = {"ROS_ENV_ERR_NO_MEMORY", "Out of memory."},
  [ROS_ENV_ERR_DOMAIN_ID] = {"ROS_ENV_ERR_DOMAIN_ID", "ROS_DOMAIN_ID is not an integer from 0 to 232."},
  [ROS_ENV_ERR_TOO_LARGE] = {"ROS_ENV_ERR_TOO_LARGE", "Too many static peers, or the DDS configuration is too long."},
};

const char *ros_env_status_name(ros_env_status s) {
  if ((unsigned)s >= ROS_ENV_STATUS_COUNT || !status_info[s].name) return "ROS_ENV_ERR_?";
  return status_info[s].name;
}

const char *ros_env_strerror(ros_env_status s) {
  if ((unsigned)s >= ROS_ENV_STATUS_COUNT || !status_info[s].sentence) return "Unknown error code.";
  return status_info[s].sentence;
}

const char *ros_discovery_range_name(ros_discovery_range r) {
  switch (r) {
    case ROS_DISCOVERY_NOT_SET: return "NOT_SET";
    case ROS_DISCOVERY_OFF: return "OFF";
    case ROS_DISCOVERY_LOCALHOST: return "LOCALHOST";
    case ROS_DISCOVERY_SUBNET: return "SUBNET";
    case ROS_DISCOVERY_SYSTEM_DEFAULT: return "SYSTEM_DEFAULT";
  }
  return "?";
}

static ros_env_status eerr(ros_env_error *err, ros_env_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ros_env_status eerr(ros_env_error *err, ros_env_status code, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return code;
}

static ros_env_status eok(ros_env_error *err) {
  if (err) {
    err->code = ROS_ENV_OK;
    err->message[0] = '\0';
  }
  return ROS_ENV_OK;
}

/* Appends a sentence to a "; "-separated warning buffer (cut when full). */
static void warn(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(char *buf, size_t size, const char *fmt, ...) {
  if (!buf || size == 0) return;
  size_t len = strnlen(buf, size - 1);
  if (len && len + 2 < size) {
    memcpy(buf + len, "; ", 3);
    len += 2;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + len, size - len, fmt, ap);
  va_end(ap);
}

ros_env_status ros_env_parse_domain_id(const char *value, uint32_t *out, ros_env_error *err) {
  if (!out) return eerr(err, ROS_ENV_ERR_INVALID_ARGUMENT, "output pointer is NULL");
  if (!value || !value[0]) {
    *out = 0;
    return eok(err);
  }
  char *end = NULL;
  errno = 0;
  unsigned long n = (value[0] >= '0' && value[0] <= '9') ? strtoul(value, &end, 0) : 0;
  if (!end || *end != '\0')
    return eerr(err, ROS_ENV_ERR_DOMAIN_ID,
                "ROS_DOMAIN_ID='%.64s' is not an integer (decimal, 0x hex or 0 octal)", value);
  if (errno == ERANGE || n > ROS_DOMAIN_ID_MAX)
    return eerr(err, ROS_ENV_ERR_DOMAIN_ID,
                "ROS_DOMAIN_ID='%.64s' is out of range: the highest domain id Cyclone DDS can map to ports is %d",
                value, ROS_DOMAIN_ID_MAX);
  *out = (uint32_t)n;
  return eok(err);
}

ros_discovery_range ros_env_parse_discovery_range(const char *value, char *warning, size_t warning_size) {
  if (warning && warning_size) warning[0] = '\0';
  if (!value || !value[0]) return ROS_DISCOVERY_SUBNET;
  if (strcmp(value, "OFF") == 0) return ROS_DISCOVERY_OFF;
  if (strcmp(value, "LOCALHOST") == 0) return ROS_DISCOVERY_LOCALHOST;
  if (strcmp(value, "SUBNET") == 0) return ROS_DISCOVERY_SUBNET;
  if (strcmp(value, "SYSTEM_DEFAULT") == 0) return ROS_DISCOVERY_SYSTEM_DEFAULT;
  warn(warning, warning_size,
       "Invalid value '%.64s' specified for 'ROS_AUTOMATIC_DISCOVERY_RANGE', assuming localhost only", value);
  return ROS_DISCOVERY_LOCALHOST;
}

bool ros_env_parse_localhost_only(const char *value) { return value && value[0] == '1'; }

static void free_peers(char **peers, size_t n) {
  if (!peers) return;
  for (size_t i = 0; i < n; i++) free(peers[i]);
  free(peers);
}

ros_env_status ros_env_parse_static_peers(const char *value, char ***peers, size_t *count,
                                          char *warning, size_t warning_size, ros_env_error *err) {
  if (!peers || !count) return eerr(err, ROS_ENV_ERR_INVALID_ARGUMENT, "output pointer is NULL");
  char **list = NULL;
  size_t n = 0;
  for (const char *p = value ? value : ""; *p;) {
    const char *e = strchr(p, ';');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len > ROS_STATIC_PEER_MAX_LEN) {
      warn(warning, warning_size,
           "Static peer '%.40s...' specified to 'ROS_STATIC_PEERS' is too long (maximum of %d); skipping",
           p, ROS_STATIC_PEER_MAX_LEN);
    } else if (len > 0) {
      if (n == LMS_MAX_STATIC_PEERS) {
        free_peers(list, n);
        return eerr(err, ROS_ENV_ERR_TOO_LARGE, "ROS_STATIC_PEERS lists more than %d peers", LMS_MAX_STATIC_PEERS);
      }
      char **nl = realloc(list, (n + 1) * sizeof *nl);
      char *s = nl ? strndup(p, len) : NULL;
      if (nl) list = nl;
      if (!s) {
        free_peers(list, n);
        return eerr(err, ROS_ENV_ERR_NO_MEMORY, "out of memory reading ROS_STATIC_PEERS");
      }
      list[n++] = s;
    }
    p += len;
    if (*p == ';') p++;
  }
  *peers = list;
  *count = n;
  return eok(err);
}

const char *ros_env_process_getter(const char *name, void *user) {
  (void)user;
  return getenv(name);
}

ros_env_status ros_env_config_load(ros_env_config *cfg, ros_env_getter get, void *user, ros_env_error *err) {
  if (!cfg) return eerr(err, ROS_ENV_ERR_INVALID_ARGUMENT, "config pointer is NULL");
  if (!get) get = ros_env_process_getter;
  ros_env_config tmp;
  memset(&tmp, 0, sizeof tmp);
  ros_env_status st = ros_env_parse_domain_id(get("ROS_DOMAIN_ID", user), &tmp.domain_id, err);
  if (st != ROS_ENV_OK) return st;
  tmp.localhost_only = ros_env_parse_localhost_only(get("ROS_LOCALHOST_ONLY", user));
  if (tmp.localhost_only) {
    tmp.range = ROS_DISCOVERY_LOCALHOST;
    warn(tmp.warnings, sizeof tmp.warnings,
         "ROS_LOCALHOST_ONLY is deprecated but still honored if it is enabled; "
         "ROS_AUTOMATIC_DISCOVERY_RANGE and ROS_STATIC_PEERS are ignored");
    *cfg = tmp;
    return eok(err);
  }
  char w[512];
  tmp.range = ros_env_parse_discovery_range(get("ROS_AUTOMATIC_DISCOVERY_RANGE", user), w, sizeof w);
  if (w[0]) warn(tmp.warnings, sizeof tmp.warnings, "%s", w);
  const char *peers = get("ROS_STATIC_PEERS", user);
  if (tmp.range == ROS_DISCOVERY_OFF) {
    if (peers && peers[0])
      warn(tmp.warnings, sizeof tmp.warnings,
           "ROS_AUTOMATIC_DISCOVERY_RANGE is set to OFF, but found static peers in ROS_STATIC_PEERS; "
           "ROS_STATIC_PEERS will be ignored");
    *cfg = tmp;
    return eok(err);
  }
  w[0] = '\0';
  st = ros_env_parse_static_peers(peers, &tmp.static_peers, &tmp.static_peer_count, w, sizeof w, err);
  if (st != ROS_ENV_OK) return st;
  if (w[0]) warn(tmp.warnings, sizeof tmp.warnings, "%s", w);
  if (tmp.range == ROS_DISCOVERY_SYSTEM_DEFAULT && tmp.static_peer_count)
    warn(tmp.warnings, sizeof tmp.warnings,
         "%zu static peers were specified, but discovery is set to use the RMW implementation default, "
         "so these static peers will be ignored", tmp.static_peer_count);
  *cfg = tmp;
  return eok(err);
}

void ros_env_config_fini(ros_env_config *cfg) {
  if (!cfg) return;
  free_peers(cfg->static_peers, cfg->static_peer_count);
  memset(cfg, 0, sizeof *cfg);
}

static bool add_xml_escaped(dynbuf *b, const char *s) {
  for (; *s; s++) {
    bool ok;
    switch (*s) {
      case '&': ok = dynbuf_append_str(b, "&amp;"); break;
      case '<': ok = dynbuf_append_str(b, "&lt;"); break;
      case '>': ok = dynbuf_append_str(b, "&gt;"); break;
      case '"': ok = dynbuf_append_str(b, "&quot;"); break;
      case '\'': ok = dynbuf_append_str(b, "&apos;"); break;
      default: ok = dynbuf_append(b, s, 1); break;
    }
    if (!ok) return false;
  }
  return true;
}

#define OPEN "<CycloneDDS><Domain Id=\"any\">"
#define CLOSE "</Domain></CycloneDDS>"
#define NO_MULTICAST "<General><AllowMulticast>false</AllowMulticast></General>"
#define AUTO_INDEX "<Discovery><ParticipantIndex>auto</ParticipantIndex><MaxAutoParticipantIndex>32</MaxAutoParticipantIndex>"

static bool build_fragment(const ros_env_config *cfg, bool humble, long pid, dynbuf *b) {
  if (humble) {
    if (!cfg->localhost_only) return true;
    return dynbuf_append_str(b, OPEN "<General><Interfaces><NetworkInterface address=\"127.0.0.1\"/>"
                                     "</Interfaces></General>" CLOSE);
  }
  bool localhost = cfg->range == ROS_DISCOVERY_LOCALHOST;
  switch (cfg->range) {
    case ROS_DISCOVERY_SYSTEM_DEFAULT: return true;
    case ROS_DISCOVERY_OFF:
      return dynbuf_printf(b, OPEN NO_MULTICAST "<Discovery><ParticipantIndex>none</ParticipantIndex>"
                              "<Tag>ros_discovery_off_%ld</Tag></Discovery>" CLOSE, pid);
    default: break;
  }
  if (!dynbuf_append_str(b, localhost ? OPEN NO_MULTICAST AUTO_INDEX : OPEN AUTO_INDEX)) return false;
  if (localhost || cfg->static_peer_count) {
    if (!dynbuf_append_str(b, "<Peers>")) return false;
    if (localhost && !dynbuf_append_str(b, "<Peer address=\"localhost\"/>")) return false;
    for (size_t i = 0; i < cfg->static_peer_count; i++)
      if (!dynbuf_append_str(b, "<Peer address=\"") || !add_xml_escaped(b, cfg->static_peers[i]) ||
          !dynbuf_append_str(b, "\"/>"))
        return false;
    if (!dynbuf_append_str(b, "</Peers>")) return false;
  }
  return dynbuf_append_str(b, "</Discovery>" CLOSE);
}

ros_env_status ros_env_cyclone_config(const ros_env_config *cfg, bool humble, long pid,
                                      const char *cyclonedds_uri, char **out, ros_env_error *err) {
  if (!cfg || !out) return eerr(err, ROS_ENV_ERR_INVALID_ARGUMENT, "config or output pointer is NULL");
  if (!humble && (cfg->range < ROS_DISCOVERY_OFF || cfg->range > ROS_DISCOVERY_SYSTEM_DEFAULT))
    return eerr(err, ROS_ENV_ERR_INVALID_ARGUMENT, "automatic discovery range %d is not set or unknown", (int)cfg->range);
  if (cfg->static_peer_count && !cfg->static_peers)
    return eerr(err, ROS_ENV_ERR_INVALID_ARGUMENT, "static_peer_count is %zu but static_peers is NULL", cfg->static_peer_count);
  dynbuf b;
  dynbuf_init(&b, LMS_MAX_DDS_CONFIG);
  bool ok = build_fragment(cfg, humble, pid, &b);
  size_t uri_len = cyclonedds_uri ? strlen(cyclonedds_uri) : 0;
  if (ok && uri_len > LMS_MAX_DDS_CONFIG - 1 - b.len) {
    dynbuf_free(&b);
    return eerr(err, ROS_ENV_ERR_TOO_LARGE,
                "the Cyclone DDS configuration (fragment plus CYCLONEDDS_URI) is longer than %u bytes",
                (unsigned)LMS_MAX_DDS_CONFIG);
  }
  if (ok && uri_len) ok = (b.len == 0 || dynbuf_append_str(&b, ",")) && dynbuf_append_str(&b, cyclonedds_uri);
  if (!ok) {
    dynbuf_free(&b);
    return eerr(err, ROS_ENV_ERR_NO_MEMORY, "out of memory building the Cyclone DDS configuration");
  }
  char *s = dynbuf_take(&b);
  if (!s) return eerr(err, ROS_ENV_ERR_NO_MEMORY, "out of memory building the Cyclone DDS configuration");
  *out = s;
  return eok(err);
}

ros_env_status ros_env_cyclone_fragment(const ros_env_config *cfg, bool humble, long pid, char **out,
                                        ros_env_error *err) {
  return ros_env_cyclone_config(cfg, humble, pid, NULL, out, err);
}
