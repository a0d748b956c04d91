/* typehash.h: RIHS01 type hashes (REP-2011) as ROS 2 Jazzy computes them, ROS2_WIRE.md §6.2:
 * SHA-256 of the compact JSON TypeDescription of a type and all types it references. */
#ifndef RG_TYPEHASH_H
#define RG_TYPEHASH_H

#include "ros_model.h"

#define RG_HASH_STRLEN 71  /* "RIHS01_" + 64 hex digits */

/* Appends the exact text that is hashed for t (default values already removed) to out.
 * The model must have passed rg_model_finish. */
void rg_typehash_json(const rg_model *m, const rg_type *t, dynbuf *out);
/* Writes "RIHS01_<64 lowercase hex>" for t into out. */
void rg_typehash_compute(const rg_model *m, const rg_type *t, char out[RG_HASH_STRLEN + 1]);
/* Fills the hash of every type in the model. */
void rg_typehash_fill(rg_model *m);
/* The FieldType.type_id rosidl gives a field type (base id plus 48/96/144 for containers). */
int rg_typehash_type_id(const rg_type_ref *t);

#endif
