/* ros_model.h: the set of ROS interface types built from package directories, including every
 * type rosidl derives from a .srv (Request, Response, Event, the service itself) and a .action
 * (Goal, Result, Feedback, SendGoal_*, GetResult_*, FeedbackMessage, the action itself).
 * Type names are rosidl's slash names: "pkg/msg/Name", "pkg/srv/S_Request", "pkg/action/A_Goal".
 * After a failed call the model may hold part of the input: report the error and free it.
 * Not thread-safe. */
#ifndef RG_ROS_MODEL_H
#define RG_ROS_MODEL_H

#include "msg_parse.h"

typedef enum rg_role {
  RG_ROLE_MESSAGE = 0,  /* .msg, action Goal/Result/Feedback/FeedbackMessage: a DDS struct */
  RG_ROLE_REQUEST,      /* service request: DDS struct led by the 16-byte request header */
  RG_ROLE_RESPONSE,     /* service response: likewise */
  RG_ROLE_EVENT,        /* service event message: hashed only, no DDS struct */
  RG_ROLE_SERVICE,      /* the service as a whole: hashed only */
  RG_ROLE_ACTION,       /* the action as a whole: hashed only */
} rg_role;

typedef struct rg_type {
  char *name;            /* "pkg/sub/Name" */
  rg_role role;
  rg_section body;       /* fields (never empty: rosidl's placeholder is added) and constants */
  char *source;          /* the file the type comes from */
  char hash[72];         /* "RIHS01_<64 hex>", filled by rg_typehash_fill (typehash.h) */
} rg_type;

typedef struct rg_model {
  rg_type **types;       /* sorted by name after rg_model_finish */
  size_t ntypes;
  char **packages;       /* package names in load order */
  size_t npackages;
} rg_model;

/* Starts an empty model. */
void rg_model_init(rg_model *m);
/* Loads the package in dir (its name is the directory's last component) from dir/msg/ *.msg,
 * dir/srv/ *.srv and dir/action/ *.action. Returns false on a parse error, a duplicate package
 * or type, or an unreadable directory. */
bool rg_model_load_dir(rg_model *m, const char *dir, rg_error *err);
/* Adds one interface file from memory: path names it (and decides .msg/.srv/.action), pkg is
 * its package. For tests and tools. */
bool rg_model_add_text(rg_model *m, const char *pkg, const char *path, const char *text,
                       size_t len, rg_error *err);
/* Checks that every referenced type exists and none is recursive, then sorts the types by
 * name. Call once after loading, before hashing or emitting. */
bool rg_model_finish(rg_model *m, rg_error *err);
/* Finds a type by slash name; NULL if absent. */
const rg_type *rg_model_find(const rg_model *m, const char *name);
/* Frees everything; accepts NULL. */
void rg_model_free(rg_model *m);

/* Splits "pkg/sub/Name": copies each part into the given buffers (any may be NULL).
 * Returns false when the name does not have three parts or a part does not fit. */
bool rg_split_name(const char *name, char *pkg, size_t pkgsz, char *sub, size_t subsz, char *base,
                   size_t basesz);
/* True for roles that are DDS structs (message, request, response). */
bool rg_role_is_dds(rg_role r);

#endif
