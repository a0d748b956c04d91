/* lm_node_fixture.h: starting and stopping lm_studio_node inside a test, shared by the node's
 * test files: the command line, the node, and a client node on the node's context. */
#ifndef LMS_TEST_LM_NODE_FIXTURE_H
#define LMS_TEST_LM_NODE_FIXTURE_H

#include <sys/types.h>

#include "common/dynbuf.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"
#include "ros/ros_args.h"
#include "ros/ros_node.h"
#include "ros/ros_topic.h"

/* Creates the node in namespace ns (NULL = "/") from "--ros-args -p P" for every P of params,
 * then of extra (both NULL-terminated; extra may be NULL), and a client node named client on
 * its context. args receives the parsed command line and must outlive the node. Fails the
 * test case on any error. */
void lm_test_node_start(const char *ns, const char *const *params, const char *const *extra,
                        const char *client, ros_args *args, lm_node **node, ros_node **cli);
/* The same with the front-end and queue limit of base (its args and ns are set here). */
void lm_test_node_start_opts(const lm_node_options *base, const char *const *params,
                             const char *const *extra, const char *client, ros_args *args,
                             lm_node **node, ros_node **cli);
/* "lm_studio_url:=<url>" into buf, or (url NULL) the emulator's at 127.0.0.1:port. */
void lm_test_url_param(char *buf, size_t size, const char *url, unsigned port);
/* Destroys the client node (its entities must be gone already), the node and args. */
void lm_test_node_stop(ros_args *args, lm_node *node, ros_node *cli);
/* Spins the node's loop until *flag or ms pass; returns *flag. */
bool lm_test_spin_until(lm_node *node, const bool *flag, int ms);
/* Spins the node's loop for ms. */
void lm_test_spin_for(lm_node *node, int ms);
/* Spin the node's loop until the publisher has a matched reader, or the subscription a matched
 * writer (up to 5 s); fail the test case otherwise. */
void lm_test_wait_publisher_matched(lm_node *node, ros_publisher *p);
void lm_test_wait_subscription_matched(lm_node *node, ros_subscription *s);

/* Runs executable exe with argv (argv[0] first, NULL-terminated) in a child process, which is
 * killed should the test process end first (a failed CHECK). */
pid_t lm_test_spawn(const char *exe, const char *const *argv);
/* Sends the child SIGINT and waits up to 10 s for it (SIGKILL after that): a sanitizer build on
 * a loaded machine is slow to stop. Fails the test case unless it exited with status 0. */
void lm_test_interrupt_expect_exit_zero(pid_t pid);

/* What an action client saw of one chat or text goal (both actions' feedback and result share
 * one layout: partial_response, status, progress / response, success). */
typedef struct goal_rec {
  ros_goal_id id;
  bool responded, accepted, done;
  ros_status st;
  ros_goal_status status;
  char *response;                  /* the result's response, malloc'd */
  bool success;
  dynbuf feedback;                 /* partial_response of every feedback, concatenated */
  int n_feedback;
  char last_status[128];
  float last_progress;
  bool progress_monotonic_capped;  /* progress never went down nor above 1 */
} goal_rec;

void goal_rec_init(goal_rec *r);
void goal_rec_fini(goal_rec *r);
/* Callbacks for ros_action_client_send_goal with a goal_rec as user pointer. */
extern const ros_action_goal_callbacks goal_rec_callbacks;

#endif
