/* ros_params_fixture.h: what the parameter tests share: a context with the server node
 * "/lm_studio_node" (created with a parsed command line) and a client node holding the six
 * parameter clients and a /parameter_events reader; value helpers; the node's usual set of
 * parameters. Aborts the case (testing.h) on any setup failure. */
#ifndef LMS_ROS_PARAMS_FIXTURE_H
#define LMS_ROS_PARAMS_FIXTURE_H

#include "ros_client.h"
#include "ros_params.h"

#define WAIT_NS (5 * 1000000000LL)

enum { C_GET, C_TYPES, C_SET, C_ATOMIC, C_DESCRIBE, C_LIST, C_COUNT };
extern const char *const srv_names[C_COUNT][2]; /* service suffix, type */

typedef struct fx {
  ros_args args;
  ros_context *ctx;
  ros_node *node, *cli_node;
  ros_client *cl[C_COUNT];
  dds_entity_t events; /* /parameter_events reader on the client node */
} fx;

void fx_init(fx *f, int argc, const char **argv);
void fx_clients(fx *f);   /* creates the six clients and waits for the services */
void fx_fini(fx *f);      /* checks that everything is destroyed cleanly */
/* Calls client i synchronously; free the response with resp_free. */
void call(fx *f, int i, void *req, void *resp);
void resp_free(fx *f, int i, void *resp);

#define STRSEQ(seq, arr, n) \
  do { (seq)._maximum = (seq)._length = (uint32_t)(n); (seq)._buffer = (char **)(arr); (seq)._release = false; } while (0)

/* The first /parameter_events sample taken within ms (spinning meanwhile). */
typedef struct event_summary {
  char node[128];
  uint32_t n_new, n_changed, n_deleted;
  char first[64];                     /* name of the first listed parameter */
  uint8_t first_type;
  int64_t first_int;
  double first_double;
  char first_string[64];
  int32_t sec;
} event_summary;
bool next_event(fx *f, int ms, event_summary *out);
void wait_events_matched(fx *f);

ros_param_value int_v(int64_t i);
ros_param_value dbl_v(double d);
ros_param_value str_v(const char *s); /* free with ros_param_value_fini */

/* temperature (double 0..2, 0.7), max_tokens (int 1..4096, 256), model ("qwen"),
 * api_key (secret, "sk-very-secret"), node_version (read-only "1.0"), camera.fps (30) and
 * camera.lens.focal (3.5), both dynamically typed. */
void declare_common(fx *f);
/* fx_init with no arguments, declare_common, fx_clients; with events, wait_events_matched
 * first, so the declare events are heard too. */
void fx_start(fx *f, bool events);

#endif
