/* ros_security.h: ROS 2 DDS security (SROS2) as rcl and rmw_cyclonedds set it up, turned into
 * the participant QoS properties of Cyclone DDS's security plugins.
 *
 * Environment (read through a getter, as rcl reads it):
 *   ROS_SECURITY_ENABLE=true          security on (exactly "true"; anything else: off)
 *   ROS_SECURITY_STRATEGY=Enforce     refuse to run without valid security files (exactly
 *                                     "Enforce"; anything else: Permissive, which runs
 *                                     unsecured with a warning when files are missing)
 *   ROS_SECURITY_KEYSTORE=<dir>       the keystore (`ros2 security create_keystore`)
 *   ROS_SECURITY_ENCLAVE_OVERRIDE=/e  used instead of the context's enclave (--enclave, "/"
 *                                     by default) to find the enclave directory
 * The enclave directory is <keystore>/enclaves/<enclave without its leading '/'> ("/" is
 * <keystore>/enclaves itself) and must hold identity_ca.cert.pem, cert.pem, key.pem,
 * permissions_ca.cert.pem, governance.p7s and permissions.p7s; crl.pem is optional.
 * They become the properties dds.sec.auth.{identity_ca,identity_certificate,private_key},
 * dds.sec.access.{permissions_ca,governance,permissions} ("file:" URIs),
 * org.eclipse.cyclonedds.sec.auth.crl, and dds.sec.{auth,access,crypto}.library.{path,init,
 * finalize}. The plugin paths are the files in plugin_dir (Debian keeps them outside the loader
 * path; the build passes the directory CMake's CycloneDDS package names) when they exist there,
 * else the bare names rmw_cyclonedds uses (dds_security_auth...), found by the loader.
 * Pure apart from file-existence checks; no DDS calls. Thread: any. */
#ifndef LMS_ROS_SECURITY_H
#define LMS_ROS_SECURITY_H

#include <stdbool.h>
#include <stddef.h>

#include "ros_env.h"
#include "ros_error.h"

#define ROS_SECURITY_PROPS_MAX 16
#define ROS_SECURITY_PATH_MAX 1024
#define ROS_SECURITY_NOTE_MAX 1536

typedef struct ros_security_prop {
  const char *name;                       /* a static string: "dds.sec.auth.identity_ca" */
  char value[ROS_SECURITY_PATH_MAX + 8];  /* "file:/ks/enclaves/x/identity_ca.cert.pem" */
} ros_security_prop;

typedef struct ros_security_config {
  bool requested;                  /* ROS_SECURITY_ENABLE=true */
  bool enforce;                    /* ROS_SECURITY_STRATEGY=Enforce */
  bool active;                     /* the properties below are to be set */
  char enclave_dir[ROS_SECURITY_PATH_MAX];  /* the secure root; "" when not found */
  ros_security_prop props[ROS_SECURITY_PROPS_MAX];
  size_t prop_count;
  char warning[ROS_SECURITY_NOTE_MAX]; /* requested but not active (Permissive): why; else "" */
} ros_security_config;

/* Reads the environment through get (NULL: getenv) for a context whose enclave is enclave
 * (NULL: "/") and fills *out (overwritten). Security off: OK, nothing active. Files found:
 * OK, active, the properties set. Something missing: with Enforce, ROS_ERR_SECURITY with a
 * message naming the variable, directory or file; with Permissive, OK, not active, and the
 * same sentence in out->warning. plugin_dir may be NULL or "". */
ros_status ros_security_load(const char *enclave, const char *plugin_dir, ros_env_getter get,
                             void *user, ros_security_config *out, ros_error *e);

/* The value of property name in cfg, or NULL. */
const char *ros_security_prop_value(const ros_security_config *cfg, const char *name);

#endif
