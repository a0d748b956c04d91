/* ros_params_fixture.c: the shared setup of the parameter tests (ros_params_fixture.h). */
#include "ros_params_fixture.h"

#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "testing.h"

const char *const srv_names[C_COUNT][2] = {
    {"get_parameters", "rcl_interfaces/srv/GetParameters"},
    {"get_parameter_types", "rcl_interfaces/srv/GetParameterTypes"},
    {"set_parameters", "rcl_interfaces/srv/SetParameters"},
    {"set_parameters_atomically", "rcl_interfaces/srv/SetParametersAtomically"},
    {"describe_parameters", "rcl_interfaces/srv/DescribeParameters"},
    {"list_parameters", "rcl_interfaces/srv/ListParameters"},
};

void fx_init(fx *f, int argc, const char **argv) {
  memset(f, 0, sizeof *f);
  ros_args_init(&f->args);
  ros_args_error ae;
  CHECK_MSG(ros_args_parse(&f->args, argc, argv, &ae) == ROS_ARGS_OK, "%s", ae.message);
  ros_error e;
  CHECK_MSG(ros_context_create(NULL, &f->ctx, &e) == ROS_OK, "%s", e.message);
  ros_node_options o = {.args = &f->args};
  CHECK_MSG(ros_node_create(f->ctx, "lm_studio_node", NULL, &o, &f->node, &e) == ROS_OK, "%s", e.message);
  CHECK_MSG(ros_node_params(f->node) != NULL, "ros_node_create did not set up the parameter server");
  CHECK_MSG(ros_node_create(f->ctx, "param_client", NULL, NULL, &f->cli_node, &e) == ROS_OK, "%s", e.message);
  ros_endpoint_spec spec = {"rt/parameter_events", ros_types_find("rcl_interfaces/msg/ParameterEvent"),
                            ros_qos_parameter_events, NULL, NULL};
  CHECK_MSG(ros_node_create_reader(f->cli_node, &spec, &f->events, &e) == ROS_OK, "%s", e.message);
}

void fx_clients(fx *f) {
  ros_error e;
  for (int i = 0; i < C_COUNT; i++) {
    char name[128];
    snprintf(name, sizeof name, "/lm_studio_node/%s", srv_names[i][0]);
    CHECK_MSG(ros_client_create(f->cli_node, name, srv_names[i][1], &ros_qos_parameters, &f->cl[i], &e) == ROS_OK,
              "%s", e.message);
  }
  for (int i = 0; i < C_COUNT; i++)
    CHECK_MSG(ros_client_wait_for_service(f->cl[i], WAIT_NS) == ROS_OK, "%s not available", srv_names[i][0]);
}

void fx_fini(fx *f) {
  for (int i = 0; i < C_COUNT; i++) ros_client_destroy(f->cl[i]);
  CHECK_EQ_INT(ros_node_destroy(f->cli_node), ROS_OK);
  CHECK_EQ_INT(ros_node_destroy(f->node), ROS_OK);
  CHECK_EQ_INT(ros_context_destroy(f->ctx), ROS_OK);
  ros_args_fini(&f->args);
}

void call(fx *f, int i, void *req, void *resp) {
  ros_error e;
  CHECK_MSG(ros_client_call_sync(f->cl[i], req, resp, WAIT_NS, &e) == ROS_OK, "%s: %s", srv_names[i][0], e.message);
}

void resp_free(fx *f, int i, void *resp) {
  dds_sample_free(resp, ros_client_response_type(f->cl[i])->desc, DDS_FREE_CONTENTS);
}

bool next_event(fx *f, int ms, event_summary *out) {
  int64_t end = clock_mono_ms() + ms;
  do {
    void *buf[1] = {NULL};
    dds_sample_info_t si[1];
    int n = dds_take(f->events, buf, si, 1, 1);
    if (n > 0 && si[0].valid_data) {
      const rcl_interfaces_msg_dds__ParameterEvent_ *ev = buf[0];
      memset(out, 0, sizeof *out);
      snprintf(out->node, sizeof out->node, "%s", ev->node);
      out->n_new = ev->new_parameters._length;
      out->n_changed = ev->changed_parameters._length;
      out->n_deleted = ev->deleted_parameters._length;
      out->sec = ev->stamp.sec;
      const dds_sequence_rcl_interfaces_msg_dds__Parameter_ *l =
          out->n_new ? &ev->new_parameters : out->n_changed ? &ev->changed_parameters : &ev->deleted_parameters;
      if (l->_length) {
        snprintf(out->first, sizeof out->first, "%s", l->_buffer[0].name);
        out->first_type = l->_buffer[0].value.type;
        out->first_int = l->_buffer[0].value.integer_value;
        out->first_double = l->_buffer[0].value.double_value;
        snprintf(out->first_string, sizeof out->first_string, "%s", l->_buffer[0].value.string_value);
      }
      dds_return_loan(f->events, buf, n);
      return true;
    }
    if (n > 0) dds_return_loan(f->events, buf, n);
    ros_context_spin(f->ctx, 10);
  } while (clock_mono_ms() < end);
  return false;
}

void wait_events_matched(fx *f) {
  dds_subscription_matched_status_t st = {0};
  for (int i = 0; i < 500 && st.current_count == 0; i++) {
    dds_get_subscription_matched_status(f->events, &st);
    if (st.current_count == 0) clock_sleep_ms(10);
  }
  CHECK(st.current_count > 0);
}

ros_param_value int_v(int64_t i) {
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_integer(&v, i);
  return v;
}

ros_param_value dbl_v(double d) {
  ros_param_value v;
  ros_param_value_init(&v);
  ros_param_value_set_double(&v, d);
  return v;
}

ros_param_value str_v(const char *s) {
  ros_param_value v;
  ros_param_value_init(&v);
  CHECK(ros_param_value_set_string(&v, s) == ROS_PARAM_OK);
  return v;
}

void declare_common(fx *f) {
  ros_error e;
  ros_param_descriptor d = {.description = "sampling temperature"};
  d.floating_point_range = (ros_param_floating_point_range){true, 0.0, 2.0, 0.0};
  ros_param_value v = dbl_v(0.7);
  CHECK_MSG(ros_params_declare(f->node, "temperature", &v, &d, &e) == ROS_OK, "%s", e.message);
  ros_param_descriptor di = {0};
  di.integer_range = (ros_param_integer_range){true, 1, 4096, 1};
  v = int_v(256);
  CHECK_MSG(ros_params_declare(f->node, "max_tokens", &v, &di, &e) == ROS_OK, "%s", e.message);
  v = str_v("qwen");
  CHECK_MSG(ros_params_declare(f->node, "model", &v, NULL, &e) == ROS_OK, "%s", e.message);
  ros_param_value_fini(&v);
  ros_param_descriptor ds = {.secret = true, .description = "LM Studio API key"};
  v = str_v("sk-very-secret");
  CHECK_MSG(ros_params_declare(f->node, "api_key", &v, &ds, &e) == ROS_OK, "%s", e.message);
  ros_param_value_fini(&v);
  ros_param_descriptor dr = {.read_only = true};
  v = str_v("1.0");
  CHECK_MSG(ros_params_declare(f->node, "node_version", &v, &dr, &e) == ROS_OK, "%s", e.message);
  ros_param_value_fini(&v);
  ros_param_descriptor dy = {.dynamic_typing = true};
  v = int_v(30);
  CHECK(ros_params_declare(f->node, "camera.fps", &v, &dy, &e) == ROS_OK);
  v = dbl_v(3.5);
  CHECK(ros_params_declare(f->node, "camera.lens.focal", &v, &dy, &e) == ROS_OK);
}

void fx_start(fx *f, bool events) {
  const char *argv[] = {"prog"};
  fx_init(f, 1, argv);
  if (events) wait_events_matched(f);
  declare_common(f);
  fx_clients(f);
}
