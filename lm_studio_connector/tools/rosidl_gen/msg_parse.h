/* msg_parse.h: parser for ROS 2 interface files (.msg, .srv, .action) into sections of fields
 * and constants, following the rosidl_adapter grammar: primitive types, string<=N, T[N], T[],
 * T[<=N], pkg/Type and same-package Type, constants `TYPE NAME=value`, defaults
 * `TYPE name value`, `#` comments, `---` separators.
 * A failed parse fills the error with "file:line: reason" and leaves *out empty. */
#ifndef RG_MSG_PARSE_H
#define RG_MSG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rg_common.h"

/* Element types. RG_NESTED is a message type named by rg_type_ref.nested. */
typedef enum rg_prim {
  RG_NESTED = 0,
  RG_BOOL,
  RG_BYTE,
  RG_CHAR,
  RG_INT8,
  RG_UINT8,
  RG_INT16,
  RG_UINT16,
  RG_INT32,
  RG_UINT32,
  RG_INT64,
  RG_UINT64,
  RG_FLOAT32,
  RG_FLOAT64,
  RG_STRING,
  RG_WSTRING,
} rg_prim;

typedef enum rg_container {
  RG_SINGLE = 0,   /* T */
  RG_ARRAY,        /* T[N] */
  RG_BOUNDED_SEQ,  /* T[<=N] */
  RG_SEQ,          /* T[] */
} rg_container;

typedef struct rg_type_ref {
  rg_prim prim;
  uint32_t string_bound;   /* N of string<=N / wstring<=N, else 0 */
  rg_container container;
  uint32_t capacity;       /* N of T[N] / T[<=N], else 0 */
  char *nested;            /* "pkg/msg/Name" when prim == RG_NESTED, else NULL */
} rg_type_ref;

typedef struct rg_field {
  char *name;
  rg_type_ref type;
  char *default_text;      /* the default as written, or NULL (never affects wire or hash) */
  int line;                /* 0 for fields rosidl adds itself */
} rg_field;

typedef struct rg_constant {
  char *name;
  rg_prim prim;
  uint32_t string_bound;
  char *value;             /* numbers and bools as written; strings unquoted and unescaped */
  int line;
} rg_constant;

typedef struct rg_section {
  rg_field *fields;
  size_t nfields;
  rg_constant *consts;
  size_t nconsts;
} rg_section;

#define RG_MAX_SECTIONS 3

typedef struct rg_file {
  rg_section sec[RG_MAX_SECTIONS];
  int nsec;
} rg_file;

/* Parses text (len bytes, need not be NUL-terminated) of a file with exactly nsec sections
 * (1 .msg, 2 .srv, 3 .action). pkg resolves same-package references (`Type` -> pkg/msg/Type);
 * path is only used in error messages. Returns false and fills err on any error. */
bool rg_parse(const char *text, size_t len, const char *path, const char *pkg, int nsec,
              rg_file *out, rg_error *err);
/* Frees what rg_parse stored; accepts NULL and an empty file. */
void rg_file_free(rg_file *f);

/* Helpers shared with the model. */
void rg_section_free(rg_section *s);
void rg_field_copy(rg_field *dst, const rg_field *src);
void rg_field_free(rg_field *f);
/* The .msg spelling of a primitive ("float64"); "" for RG_NESTED. */
const char *rg_prim_name(rg_prim p);
/* Name rules of rosidl: package and field names lower_snake without "__" or a trailing "_";
 * type names CamelCase; constant names UPPER_SNAKE. */
bool rg_valid_package_name(const char *s, size_t n);
bool rg_valid_field_name(const char *s, size_t n);
bool rg_valid_type_name(const char *s, size_t n);
bool rg_valid_constant_name(const char *s, size_t n);

#endif
