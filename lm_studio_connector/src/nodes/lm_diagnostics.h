/* lm_diagnostics.h: the node's health as diagnostic_msgs/DiagnosticArray on /diagnostics
 * (lm_diagnostics.c). Loop thread only. */
#ifndef LM_DIAGNOSTICS_H
#define LM_DIAGNOSTICS_H

#include "lm_node_internal.h"

#define LM_DIAG_OK 0
#define LM_DIAG_WARN 1
#define LM_DIAG_ERROR 2
#define LM_DIAG_STALE 3

/* Creates the /diagnostics publisher (absolute topic, reliable, volatile, depth 10). */
ros_status lm_diagnostics_create(lm_node *n, ros_error *e);
void lm_diagnostics_destroy(lm_node *n);
/* Publishes one DiagnosticStatus "<node name>: LM Studio connection" built from the health
 * lm_status.c keeps (called with every /lm_studio_status message). */
void lm_diagnostics_publish(lm_node *n);
/* The level and message for a health state (pure; for tests). model may be NULL. */
int lm_diagnostics_level(bool probed, bool connected, bool model_known, bool model_loaded,
                         const char *model, char *message, size_t size);

#endif
