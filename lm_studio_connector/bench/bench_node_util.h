/* bench_node_util.h: what the node benchmarks share: running lm_studio_node in a child
 * process (the bench binary re-executes itself in "node" mode). */
#ifndef LMS_BENCH_NODE_UTIL_H
#define LMS_BENCH_NODE_UTIL_H

/* Runs lm_studio_node against url with model as model_name until SIGINT/SIGTERM; prog is the
 * name shown in its command line. Returns the process exit status (0 on a clean shutdown). */
int bench_run_node(const char *prog, const char *url, const char *model);

#endif
