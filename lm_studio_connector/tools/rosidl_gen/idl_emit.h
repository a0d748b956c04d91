/* idl_emit.h: IDL for Cyclone's idlc 0.10.2 from the model, per ROS2_WIRE.md §2.1-§2.4:
 * one file "<pkg>_dds.idl" per package with modules pkg::msg|srv|action::dds_, every struct
 * @final and named Name_, service structs led by `uint64 hdr_guid; int64 hdr_seq;`. */
#ifndef RG_IDL_EMIT_H
#define RG_IDL_EMIT_H

#include "ros_model.h"

/* Members that rmw_cyclonedds puts in front of every request and response (§3.2). */
#define RG_HDR_GUID_MEMBER "hdr_guid"
#define RG_HDR_SEQ_MEMBER "hdr_seq"

/* Checks what IDL cannot express or idlc would reject: wstring members of DDS types, package
 * names that are keywords, header member clashes and packages that depend on each other. */
bool rg_idl_check(const rg_model *m, rg_error *err);
/* Appends the IDL file of package pkg; it #includes the files of the packages it uses.
 * Call only after rg_idl_check succeeded. */
void rg_idl_emit_package(const rg_model *m, const char *pkg, dynbuf *out);
/* True when package pkg has at least one DDS struct (and so gets an IDL file). */
bool rg_idl_package_has_types(const rg_model *m, const char *pkg);

/* The IDL/C member name of ROS field `field`: itself, or with a trailing '_' when it is an IDL
 * or C keyword (the rosidl_dds convention). Returns buf. */
const char *rg_idl_member_name(const char *field, char *buf, size_t n);
/* "pkg/sub/Name" -> "pkg::sub::dds_::Name_" into buf; false if it does not fit or is malformed. */
bool rg_dds_type_name(const char *ros_name, char *buf, size_t n);

#endif
