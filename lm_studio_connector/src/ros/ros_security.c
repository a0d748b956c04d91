/* ros_security.c: environment + enclave -> Cyclone security properties (see ros_security.h).
 * The lookup follows rcl: the override variable wins over the context's enclave, the enclave
 * maps to a directory below <keystore>/enclaves, and a missing piece is an error only under
 * Enforce. The file list and property names follow rmw_cyclonedds. */
#include "ros_security.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ros_names.h"

/* Enclave files and the property each becomes, in the order rmw_cyclonedds sets them. */
static const struct {
  const char *file;
  const char *prop;
} required_files[] = {
    {"identity_ca.cert.pem", "dds.sec.auth.identity_ca"},
    {"cert.pem", "dds.sec.auth.identity_certificate"},
    {"key.pem", "dds.sec.auth.private_key"},
    {"permissions_ca.cert.pem", "dds.sec.access.permissions_ca"},
    {"governance.p7s", "dds.sec.access.governance"},
    {"permissions.p7s", "dds.sec.access.permissions"},
};
#define CRL_FILE "crl.pem"
#define CRL_PROP "org.eclipse.cyclonedds.sec.auth.crl"

/* The three plugins: property prefix, library base name, init and finalize functions. */
static const struct {
  const char *path_prop, *init_prop, *fini_prop, *lib, *init, *fini;
} plugins[] = {
    {"dds.sec.auth.library.path", "dds.sec.auth.library.init", "dds.sec.auth.library.finalize",
     "dds_security_auth", "init_authentication", "finalize_authentication"},
    {"dds.sec.crypto.library.path", "dds.sec.crypto.library.init",
     "dds.sec.crypto.library.finalize", "dds_security_crypto", "init_crypto", "finalize_crypto"},
    {"dds.sec.access.library.path", "dds.sec.access.library.init",
     "dds.sec.access.library.finalize", "dds_security_ac", "init_access_control",
     "finalize_access_control"},
};

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_readable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* A missing piece: an error under Enforce, otherwise the warning of an unsecured start. */
__attribute__((format(printf, 3, 4))) static ros_status missing(ros_security_config *c,
                                                                ros_error *e, const char *fmt,
                                                                ...) {
  char why[ROS_SECURITY_NOTE_MAX - 160]; /* room for the sentence around it */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  c->prop_count = 0;
  if (c->enforce)
    return ros_error_set(e, ROS_ERR_SECURITY,
                         "SECURITY ERROR (ROS_SECURITY_STRATEGY=Enforce): %s", why);
  snprintf(c->warning, sizeof c->warning,
           "security requested (ROS_SECURITY_ENABLE=true) but %s: running WITHOUT security "
           "(ROS_SECURITY_STRATEGY is not Enforce)",
           why);
  return ROS_OK;
}

static bool add_prop(ros_security_config *c, const char *name, const char *prefix,
                     const char *value) {
  if (c->prop_count >= ROS_SECURITY_PROPS_MAX) return false;
  ros_security_prop *p = &c->props[c->prop_count];
  int n = snprintf(p->value, sizeof p->value, "%s%s", prefix, value);
  if (n < 0 || (size_t)n >= sizeof p->value) return false;
  p->name = name;
  c->prop_count++;
  return true;
}

/* The plugin's library: plugin_dir/lib<name>.so when that file exists, else the bare name. */
static bool add_plugin_path(ros_security_config *c, const char *prop, const char *lib,
                            const char *plugin_dir) {
  char path[ROS_SECURITY_PATH_MAX];
  if (plugin_dir && plugin_dir[0]) {
    int n = snprintf(path, sizeof path, "%s/lib%s.so", plugin_dir, lib);
    if (n > 0 && (size_t)n < sizeof path && is_readable_file(path))
      return add_prop(c, prop, "", path);
  }
  return add_prop(c, prop, "", lib);
}

ros_status ros_security_load(const char *enclave, const char *plugin_dir, ros_env_getter get,
                             void *user, ros_security_config *c, ros_error *e) {
  if (!c) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "no security config");
  memset(c, 0, sizeof *c);
  if (!get) get = ros_env_process_getter;
  const char *enable = get("ROS_SECURITY_ENABLE", user);
  c->requested = enable && strcmp(enable, "true") == 0;
  if (!c->requested) return ROS_OK;
  const char *strategy = get("ROS_SECURITY_STRATEGY", user);
  c->enforce = strategy && strcmp(strategy, "Enforce") == 0;

  const char *keystore = get("ROS_SECURITY_KEYSTORE", user);
  if (!keystore || !keystore[0]) return missing(c, e, "ROS_SECURITY_KEYSTORE is not set");
  const char *override = get("ROS_SECURITY_ENCLAVE_OVERRIDE", user);
  const char *name = override && override[0] ? override : enclave ? enclave : "/";
  /* An enclave is a namespace-like absolute name; this also keeps ".." out of the path. */
  ros_names_error ne;
  if (ros_names_validate_namespace(name, &ne) != ROS_NAMES_OK)
    return missing(c, e, "enclave '%s'%s is not a valid enclave name: %s", name,
                   name == override ? " (ROS_SECURITY_ENCLAVE_OVERRIDE)" : "", ne.message);
  int n = snprintf(c->enclave_dir, sizeof c->enclave_dir, "%s/enclaves%s", keystore,
                   strcmp(name, "/") == 0 ? "" : name);
  if (n < 0 || (size_t)n >= sizeof c->enclave_dir) {
    c->enclave_dir[0] = '\0';
    return missing(c, e, "the path of enclave '%s' in keystore '%s' is too long", name, keystore);
  }
  if (!is_dir(c->enclave_dir)) {
    char dir[ROS_SECURITY_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", c->enclave_dir);
    c->enclave_dir[0] = '\0';
    return missing(c, e, "enclave '%s' has no directory '%s' in keystore '%s' "
                   "(ROS_SECURITY_KEYSTORE)", name, dir, keystore);
  }

  char path[ROS_SECURITY_PATH_MAX];
  for (size_t i = 0; i < sizeof required_files / sizeof required_files[0]; i++) {
    n = snprintf(path, sizeof path, "%s/%s", c->enclave_dir, required_files[i].file);
    if (n < 0 || (size_t)n >= sizeof path || !is_readable_file(path))
      return missing(c, e, "the enclave directory '%s' has no readable %s", c->enclave_dir,
                     required_files[i].file);
    if (!add_prop(c, required_files[i].prop, "file:", path))
      return missing(c, e, "the path '%s' is too long", path);
  }
  n = snprintf(path, sizeof path, "%s/%s", c->enclave_dir, CRL_FILE);
  if (n > 0 && (size_t)n < sizeof path && is_readable_file(path) &&
      !add_prop(c, CRL_PROP, "file:", path))
    return missing(c, e, "the path '%s' is too long", path);
  for (size_t i = 0; i < sizeof plugins / sizeof plugins[0]; i++) {
    if (!add_plugin_path(c, plugins[i].path_prop, plugins[i].lib, plugin_dir) ||
        !add_prop(c, plugins[i].init_prop, "", plugins[i].init) ||
        !add_prop(c, plugins[i].fini_prop, "", plugins[i].fini))
      return missing(c, e, "the plugin directory '%s' is too long",
                     plugin_dir ? plugin_dir : "");
  }
  c->active = true;
  return ROS_OK;
}

const char *ros_security_prop_value(const ros_security_config *c, const char *name) {
  if (!c || !name) return NULL;
  for (size_t i = 0; i < c->prop_count; i++)
    if (strcmp(c->props[i].name, name) == 0) return c->props[i].value;
  return NULL;
}
