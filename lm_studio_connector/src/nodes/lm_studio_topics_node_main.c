/* lm_studio_topics_node_main.c: the lm_studio_topics_node executable (the topic front-end, see
 * lm_topics.c): argv -> ros_args, the node, the loop until SIGINT/SIGTERM; exit 0 then, 1 when
 * the command line or the node cannot be set up. */
#include "lm_node.h"

int main(int argc, char **argv) { return lm_node_main(LM_NODE_TOPICS, argc, argv); }
