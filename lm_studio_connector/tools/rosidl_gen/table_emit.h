/* table_emit.h: the generated C pair ros_types_gen.h / ros_types_gen.c: one table row per type
 * (ROS name, DDS type name, RIHS01 hash, kind, idlc descriptor), lookup functions, and the
 * constants of the interface files as macros. */
#ifndef RG_TABLE_EMIT_H
#define RG_TABLE_EMIT_H

#include "ros_model.h"

/* Appends ros_types_gen.h. The model must be finished and hashed. */
void rg_table_emit_header(const rg_model *m, dynbuf *out);
/* Appends ros_types_gen.c. */
void rg_table_emit_source(const rg_model *m, dynbuf *out);

#endif
