/* fuzz_ros_args.c: libFuzzer entry for lms_ros_args. An input holding a NUL byte is a command
 * line (NUL-separated argv, at most 64 entries; any --params-file value is replaced by a path
 * that does not exist, so no real file is read); any other input is a params YAML file, then
 * also a -p value. Each piece of text is further passed through the name, matching and
 * environment helpers. Everything created is freed, so leaks are reported. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ros/ros_args.h"
#include "ros/ros_env.h"
#include "ros/ros_names.h"
#include "ros/ros_params_file.h"

#define MAX_ARGS 64

static void fuzz_names(const char *s) {
  char out[ROS_NAME_BUF_SIZE];
  ros_names_error e;
  ros_dds_kind kind;
  (void)ros_names_validate_node_name(s, &e);
  (void)ros_names_validate_namespace(s, &e);
  (void)ros_names_validate_full_name(s, &e);
  (void)ros_names_normalize_namespace(s, out, sizeof out, &e);
  (void)ros_names_expand(s, "node", "/robot1/cam", out, sizeof out, &e);
  (void)ros_names_expand(s, "n", "/", out, 8, &e);
  (void)ros_names_fqn("node", s, out, sizeof out, &e);
  (void)ros_names_logger_name(s, "/a/b", out, sizeof out, &e);
  (void)ros_names_to_dds(s, ROS_DDS_REQUEST, out, sizeof out, &e);
  (void)ros_names_from_dds(s, &kind, out, sizeof out, &e);
  (void)ros_names_action(s, ROS_ACTION_FEEDBACK, out, sizeof out, &e);
  (void)ros_names_is_hidden(s);
  (void)ros_params_node_matches(s, "/robot1/cam/node");
  (void)ros_params_node_matches("/**/node", s);
}

static const char *fuzz_getter(const char *name, void *user) {
  (void)name;
  return (const char *)user;
}

static void fuzz_env(const char *s) {
  uint32_t id;
  char w[128];
  char **peers = NULL;
  size_t n = 0;
  (void)ros_env_parse_domain_id(s, &id, NULL);
  (void)ros_env_parse_discovery_range(s, w, sizeof w);
  if (ros_env_parse_static_peers(s, &peers, &n, w, sizeof w, NULL) == ROS_ENV_OK) {
    for (size_t i = 0; i < n; i++) free(peers[i]);
    free(peers);
  }
  ros_env_config cfg;
  if (ros_env_config_load(&cfg, fuzz_getter, (void *)s, NULL) != ROS_ENV_OK) return;
  for (int humble = 0; humble < 2; humble++) {
    char *xml = NULL;
    if (ros_env_cyclone_config(&cfg, humble, 42, s, &xml, NULL) == ROS_ENV_OK) free(xml);
  }
  ros_env_config_fini(&cfg);
}

static void print_all(const ros_param_overrides *list) {
  char buf[256];
  for (size_t i = 0; i < list->count; i++) (void)ros_param_value_to_string(&list->items[i].value, buf, sizeof buf);
}

static void fuzz_yaml(const char *text, size_t len) {
  ros_param_overrides all, sel;
  ros_param_overrides_init(&all);
  ros_param_overrides_init(&sel);
  ros_params_error e;
  if (ros_params_load_string(text, len, "fuzz.yaml", &all, &e) == ROS_PARAMS_OK) {
    if (ros_params_select(&all, "/robot1/cam/node", true, &sel, &e) == ROS_PARAMS_OK) print_all(&sel);
    (void)ros_params_select(&all, "/node", false, &sel, &e);
    print_all(&all);
  }
  ros_param_overrides_fini(&all);
  ros_param_overrides_fini(&sel);
  ros_param_value v;
  ros_param_value_init(&v);
  if (ros_params_parse_value(text, &v, &e) == ROS_PARAMS_OK) {
    char buf[64];
    ros_param_value w;
    ros_param_value_init(&w);
    (void)ros_param_value_to_string(&v, buf, sizeof buf);
    if (ros_param_value_copy(&w, &v) == ROS_PARAM_OK && !ros_param_value_equal(&w, &v)) abort();
    ros_param_value_fini(&w);
  }
  ros_param_value_fini(&v);
}

static void fuzz_cmdline(const char *text, size_t len) {
  const char *argv[MAX_ARGS];
  int argc = 0;
  for (size_t i = 0; i < len && argc < MAX_ARGS; i += strlen(text + i) + 1) {
    argv[argc] = text + i;
    if (argc > 0 && strcmp(argv[argc - 1], "--params-file") == 0) argv[argc] = "/nonexistent/fuzz_ros_args.yaml";
    argc++;
  }
  ros_args a;
  ros_args_init(&a);
  ros_args_error e;
  if (ros_args_parse(&a, argc, argv, &e) == ROS_ARGS_OK) {
    char name[ROS_NAME_BUF_SIZE], ns[ROS_NAME_BUF_SIZE], out[ROS_NAME_BUF_SIZE], fqn[ROS_NAME_BUF_SIZE];
    if (ros_args_resolve_node(&a, "node", "/robot1", name, sizeof name, ns, sizeof ns, &e) == ROS_ARGS_OK &&
        ros_names_fqn(name, ns, fqn, sizeof fqn, NULL) == ROS_NAMES_OK) {
      for (int i = 0; i < argc; i++) {
        char expanded[ROS_NAME_BUF_SIZE];
        if (ros_names_expand(argv[i], name, ns, expanded, sizeof expanded, NULL) != ROS_NAMES_OK) continue;
        (void)ros_args_apply_remap(&a, name, ns, ROS_NAME_TOPIC, expanded, out, sizeof out, &e);
        (void)ros_args_apply_remap(&a, name, ns, ROS_NAME_SERVICE, expanded, out, sizeof out, &e);
      }
      ros_param_overrides sel;
      ros_param_overrides_init(&sel);
      if (ros_args_params_for_node(&a, fqn, &sel, &e) == ROS_ARGS_OK) print_all(&sel);
      ros_param_overrides_fini(&sel);
    }
    (void)ros_args_log_level_for(&a, "robot1.node.sub");
  }
  ros_args_fini(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (64u << 10)) return 0;
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  if (memchr(data, 0, size)) {
    fuzz_cmdline(text, size);
  } else {
    fuzz_yaml(text, size);
    fuzz_names(text);
    fuzz_env(text);
  }
  free(text);
  return 0;
}
