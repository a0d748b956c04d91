/* lm_node_fixture.h: starting and stopping lm_studio_node inside a test, shared by the node's
 * test files: the command line, the node, and a client node on the node's context. */
#ifndef LMS_TEST_LM_NODE_FIXTURE_H
#define LMS_TEST_LM_NODE_FIXTURE_H

#include "common/dynbuf.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"
#include "ros/ros_args.h"
#include "ros/ros_node.h"

/* Creates the node in namespace ns (NULL = "/") from "--ros-args -p P" for every P of params,
 * then of extra (both NULL-terminated; extra may be NULL), and a client node named client on
 * its context. args receives the parsed command line and must outlive the node. Fails the
 * test case on any error. */
void lm_test_node_start(const char *ns, const char *const *params, const char *const *extra,
                        const char *client, ros_args *args, lm_node **node, ros_node **cli);
/* Destroys the client node (its entities must be gone already), the node and args. */
void lm_test_node_stop(ros_args *args, lm_node *node, ros_node *cli);
/* Spins the node's loop until *flag or ms pass; returns *flag. */
bool lm_test_spin_until(lm_node *node, const bool *flag, int ms);

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
