/* lm_studio_node_main.c: the lm_studio_node executable (actions and services): see
 * lm_node_main. */
#include "lm_node.h"

int main(int argc, char **argv) { return lm_node_main(LM_NODE_ACTIONS, argc, argv); }
