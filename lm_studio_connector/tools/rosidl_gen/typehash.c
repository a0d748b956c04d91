/* typehash.c: builds the TypeDescription JSON of a type and hashes it (see typehash.h).
 * The text must match Python's json.dumps(separators=(', ', ': ')) byte for byte, keys in the
 * order type_description, referenced_type_descriptions / type_name, fields / name, type /
 * type_id, capacity, string_capacity, nested_type_name; referenced types are every type reached
 * through nested fields, each once, sorted by name in byte order. Only reads the model. */
#include "typehash.h"

#include <stdlib.h>
#include <string.h>

#include "sha256.h"

int rg_typehash_type_id(const rg_type_ref *t) {
  int base;
  switch (t->prim) {
    case RG_NESTED: base = 1; break;
    case RG_INT8: base = 2; break;
    case RG_CHAR: /* .msg char becomes uint8 when rosidl converts .msg to .idl */
    case RG_UINT8: base = 3; break;
    case RG_INT16: base = 4; break;
    case RG_UINT16: base = 5; break;
    case RG_INT32: base = 6; break;
    case RG_UINT32: base = 7; break;
    case RG_INT64: base = 8; break;
    case RG_UINT64: base = 9; break;
    case RG_FLOAT32: base = 10; break;
    case RG_FLOAT64: base = 11; break;
    case RG_BOOL: base = 15; break;
    case RG_BYTE: base = 16; break;
    case RG_STRING: base = t->string_bound ? 21 : 17; break;
    case RG_WSTRING: base = t->string_bound ? 22 : 18; break;
    default: base = 0; break;
  }
  static const int offset[] = {[RG_SINGLE] = 0, [RG_ARRAY] = 48, [RG_BOUNDED_SEQ] = 96,
                               [RG_SEQ] = 144};
  return base + offset[t->container];
}

/* Names are identifiers and slashes, but escape anyway so the output is always valid JSON. */
static void put_json_string(dynbuf *out, const char *s) {
  rg_puts(out, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') rg_printf(out, "\\%c", c);
    else if (c < 0x20 || c >= 0x7f) rg_printf(out, "\\u%04x", c);
    else rg_printf(out, "%c", c);
  }
  rg_puts(out, "\"");
}

static void put_individual(dynbuf *out, const rg_type *t) {
  rg_puts(out, "{\"type_name\": ");
  put_json_string(out, t->name);
  rg_puts(out, ", \"fields\": [");
  for (size_t i = 0; i < t->body.nfields; i++) {
    const rg_field *f = &t->body.fields[i];
    rg_puts(out, i ? ", {\"name\": " : "{\"name\": ");
    put_json_string(out, f->name);
    rg_printf(out, ", \"type\": {\"type_id\": %d, \"capacity\": %u, \"string_capacity\": %u, "
                   "\"nested_type_name\": ",
              rg_typehash_type_id(&f->type), (unsigned)f->type.capacity,
              (unsigned)f->type.string_bound);
    put_json_string(out, f->type.nested ? f->type.nested : "");
    rg_puts(out, "}}");
  }
  rg_puts(out, "]}");
}

typedef struct name_set {
  const char **names;
  size_t n;
} name_set;

static bool set_has(const name_set *s, const char *name) {
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->names[i], name)) return true;
  return false;
}

static void collect(const rg_model *m, const rg_type *t, name_set *s) {
  for (size_t i = 0; i < t->body.nfields; i++) {
    const char *ref = t->body.fields[i].type.nested;
    if (!ref || set_has(s, ref)) continue;
    const rg_type *r = rg_model_find(m, ref);
    if (!r) continue; /* rg_model_finish already rejected unknown references */
    s->names = rg_realloc(s->names, s->n + 1, sizeof *s->names);
    s->names[s->n++] = r->name;
    collect(m, r, s);
  }
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void rg_typehash_json(const rg_model *m, const rg_type *t, dynbuf *out) {
  name_set refs = {0};
  collect(m, t, &refs);
  if (refs.n) qsort(refs.names, refs.n, sizeof *refs.names, cmp_name);
  rg_puts(out, "{\"type_description\": ");
  put_individual(out, t);
  rg_puts(out, ", \"referenced_type_descriptions\": [");
  for (size_t i = 0; i < refs.n; i++) {
    if (i) rg_puts(out, ", ");
    put_individual(out, rg_model_find(m, refs.names[i]));
  }
  rg_puts(out, "]}");
  free(refs.names);
}

void rg_typehash_compute(const rg_model *m, const rg_type *t, char out[RG_HASH_STRLEN + 1]) {
  dynbuf json;
  dynbuf_init(&json, RG_MAX_OUTPUT);
  rg_typehash_json(m, t, &json);
  uint8_t digest[SHA256_DIGEST_LEN];
  sha256(json.data, json.len, digest);
  dynbuf_free(&json);
  char hex[2 * SHA256_DIGEST_LEN + 1];
  sha256_hex(digest, hex);
  memcpy(out, "RIHS01_", 7);
  memcpy(out + 7, hex, sizeof hex);
}

void rg_typehash_fill(rg_model *m) {
  for (size_t i = 0; i < m->ntypes; i++) rg_typehash_compute(m, m->types[i], m->types[i]->hash);
}
