/* idl_emit.c: writes the IDL idlc compiles into descriptors (see idl_emit.h). Guarantees: the
 * descriptor type name is byte-exact "pkg::sub::dds_::Name_"; members keep the ROS order and
 * map per §2.3 (char -> uint8, byte -> octet, T[<=N] -> sequence<T, N>); every struct is
 * declared after the structs it contains, and a package's file includes the files of the
 * packages it uses, so each file compiles alone. Field names do not reach the wire, so
 * keyword clashes are solved by renaming. Reads the model only. */
#include "idl_emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* IDL 4.2 keywords (idlc compares case-insensitively), C keywords and stdbool macros. */
static const char *const keywords[] = {
    "abstract", "alias", "any", "attribute", "auto", "bitfield", "bitmask", "bitset", "bool",
    "boolean", "break", "case", "char", "component", "connector", "const", "consumes", "context",
    "continue", "custom", "default", "do", "double", "else", "emits", "enum", "eventtype",
    "exception", "extern", "factory", "false", "finder", "fixed", "float", "for", "getraises",
    "getter", "goto", "home", "if", "import", "in", "inline", "inout", "int", "int16", "int32",
    "int64", "int8", "interface", "local", "long", "manages", "map", "mirrorport", "module",
    "multiple", "native", "object", "octet", "oneway", "out", "port", "porttype", "primarykey",
    "private", "provides", "public", "publishes", "raises", "readonly", "register", "restrict",
    "return", "sequence", "setraises", "setter", "short", "signed", "sizeof", "static", "string",
    "struct", "supports", "switch", "true", "truncatable", "typedef", "typeid", "typename",
    "typeprefix", "uint16", "uint32", "uint64", "uint8", "union", "unsigned", "uses", "valuebase",
    "valuetype", "void", "volatile", "wchar", "while", "wstring",
};

static bool is_keyword(const char *s) {
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
    if (!strcasecmp(s, keywords[i])) return true;
  return false;
}

const char *rg_idl_member_name(const char *field, char *buf, size_t n) {
  if (is_keyword(field)) snprintf(buf, n, "%s_", field);
  else snprintf(buf, n, "%s", field);
  return buf;
}

bool rg_dds_type_name(const char *ros_name, char *buf, size_t n) {
  char pkg[256], sub[64], base[256];
  if (!rg_split_name(ros_name, pkg, sizeof pkg, sub, sizeof sub, base, sizeof base)) return false;
  int w = snprintf(buf, n, "%s::%s::dds_::%s_", pkg, sub, base);
  return w > 0 && (size_t)w < n;
}

static bool in_package(const rg_type *t, const char *pkg) {
  size_t n = strlen(pkg);
  return !strncmp(t->name, pkg, n) && t->name[n] == '/';
}

static void package_of(const char *name, char *pkg, size_t n) {
  if (!rg_split_name(name, pkg, n, NULL, 0, NULL, 0)) pkg[0] = '\0';
}

bool rg_idl_package_has_types(const rg_model *m, const char *pkg) {
  for (size_t i = 0; i < m->ntypes; i++)
    if (rg_role_is_dds(m->types[i]->role) && in_package(m->types[i], pkg)) return true;
  return false;
}

/* Packages whose DDS types pkg's DDS types use, sorted, without pkg itself. */
static size_t package_deps(const rg_model *m, const char *pkg, const char **deps, size_t max) {
  size_t n = 0;
  for (size_t p = 0; p < m->npackages; p++) {
    const char *other = m->packages[p];
    if (!strcmp(other, pkg)) continue;
    bool used = false;
    for (size_t i = 0; i < m->ntypes && !used; i++) {
      const rg_type *t = m->types[i];
      if (!rg_role_is_dds(t->role) || !in_package(t, pkg)) continue;
      for (size_t f = 0; f < t->body.nfields && !used; f++) {
        char refpkg[256];
        if (!t->body.fields[f].type.nested) continue;
        package_of(t->body.fields[f].type.nested, refpkg, sizeof refpkg);
        used = !strcmp(refpkg, other);
      }
    }
    if (used && n < max) deps[n++] = other;
  }
  for (size_t i = 1; i < n; i++)  /* insertion sort: a handful of names */
    for (size_t j = i; j > 0 && strcmp(deps[j - 1], deps[j]) > 0; j--) {
      const char *tmp = deps[j];
      deps[j] = deps[j - 1];
      deps[j - 1] = tmp;
    }
  return n;
}

#define MAX_PACKAGES 256

static bool package_cycle(const rg_model *m, size_t p, unsigned char *state, rg_error *err) {
  if (state[p] == 2) return true;
  if (state[p] == 1)
    return rg_fail(err, m->packages[p], 0, "packages depend on each other through package %s",
                   m->packages[p]);
  state[p] = 1;
  const char *deps[MAX_PACKAGES];
  size_t n = package_deps(m, m->packages[p], deps, MAX_PACKAGES);
  for (size_t d = 0; d < n; d++)
    for (size_t q = 0; q < m->npackages; q++)
      if (!strcmp(m->packages[q], deps[d]) && !package_cycle(m, q, state, err)) return false;
  state[p] = 2;
  return true;
}

bool rg_idl_check(const rg_model *m, rg_error *err) {
  if (m->npackages > MAX_PACKAGES) return rg_fail(err, "rosidl_gen", 0, "too many packages");
  for (size_t p = 0; p < m->npackages; p++)
    if (is_keyword(m->packages[p]))
      return rg_fail(err, m->packages[p], 0, "package name %s is an IDL keyword", m->packages[p]);
  for (size_t i = 0; i < m->ntypes; i++) {
    const rg_type *t = m->types[i];
    if (!rg_role_is_dds(t->role)) continue;
    for (size_t f = 0; f < t->body.nfields; f++) {
      const rg_field *fl = &t->body.fields[f];
      if (fl->type.prim == RG_WSTRING)
        return rg_fail(err, t->source, fl->line,
                       "field '%s': wstring cannot be expressed for rmw_cyclonedds (§2.2)",
                       fl->name);
      char nm[300];
      rg_idl_member_name(fl->name, nm, sizeof nm);
      if (t->role != RG_ROLE_MESSAGE &&
          (!strcmp(nm, RG_HDR_GUID_MEMBER) || !strcmp(nm, RG_HDR_SEQ_MEMBER)))
        return rg_fail(err, t->source, fl->line, "field '%s' clashes with the request header",
                       fl->name);
    }
  }
  unsigned char state[MAX_PACKAGES] = {0};
  for (size_t p = 0; p < m->npackages; p++)
    if (!package_cycle(m, p, state, err)) return false;
  return true;
}

static void put_elem_type(dynbuf *out, const rg_type_ref *t) {
  static const char *idl[] = {
      [RG_BOOL] = "boolean", [RG_BYTE] = "octet",   [RG_CHAR] = "uint8",   [RG_INT8] = "int8",
      [RG_UINT8] = "uint8",  [RG_INT16] = "int16",  [RG_UINT16] = "uint16", [RG_INT32] = "int32",
      [RG_UINT32] = "uint32", [RG_INT64] = "int64", [RG_UINT64] = "uint64", [RG_FLOAT32] = "float",
      [RG_FLOAT64] = "double", [RG_STRING] = "string", [RG_WSTRING] = "wstring",
  };
  char dds[600];
  if (t->prim == RG_NESTED && rg_dds_type_name(t->nested, dds, sizeof dds)) rg_puts(out, dds);
  else if (t->string_bound) rg_printf(out, "%s<%u>", idl[t->prim], (unsigned)t->string_bound);
  else rg_puts(out, idl[t->prim]);
}

static void put_member(dynbuf *out, const rg_field *f) {
  char name[300];
  rg_idl_member_name(f->name, name, sizeof name);
  rg_puts(out, "    ");
  if (f->type.container == RG_SEQ || f->type.container == RG_BOUNDED_SEQ) {
    rg_puts(out, "sequence<");
    put_elem_type(out, &f->type);
    if (f->type.container == RG_BOUNDED_SEQ) rg_printf(out, ", %u", (unsigned)f->type.capacity);
    /* "> >" rather than ">>", which the IDL grammar reads as a shift operator. */
    else if (f->type.string_bound) rg_puts(out, " ");
    rg_puts(out, ">");
  } else {
    put_elem_type(out, &f->type);
  }
  rg_printf(out, " %s", name);
  if (f->type.container == RG_ARRAY) rg_printf(out, "[%u]", (unsigned)f->type.capacity);
  rg_puts(out, ";\n");
}

static void put_struct(dynbuf *out, const rg_type *t) {
  char pkg[256], sub[64], base[256];
  if (!rg_split_name(t->name, pkg, sizeof pkg, sub, sizeof sub, base, sizeof base)) return;
  rg_printf(out, "module %s { module %s { module dds_ {\n  @final struct %s_ {\n", pkg, sub, base);
  if (t->role == RG_ROLE_REQUEST || t->role == RG_ROLE_RESPONSE)
    rg_puts(out, "    uint64 " RG_HDR_GUID_MEMBER ";\n    int64 " RG_HDR_SEQ_MEMBER ";\n");
  for (size_t f = 0; f < t->body.nfields; f++) put_member(out, &t->body.fields[f]);
  rg_puts(out, "  };\n}; }; };\n\n");
}

/* Emits t after the same-package structs it contains (depth first). */
static void emit_ordered(const rg_model *m, const char *pkg, const rg_type *t, bool *done,
                         dynbuf *out) {
  size_t idx = 0;
  while (m->types[idx] != t) idx++;
  if (done[idx]) return;
  done[idx] = true;
  for (size_t f = 0; f < t->body.nfields; f++) {
    const char *ref = t->body.fields[f].type.nested;
    const rg_type *r = ref ? rg_model_find(m, ref) : NULL;
    if (r && in_package(r, pkg)) emit_ordered(m, pkg, r, done, out);
  }
  put_struct(out, t);
}

void rg_idl_emit_package(const rg_model *m, const char *pkg, dynbuf *out) {
  char guard[300];
  size_t g = 0;
  for (const char *c = pkg; *c && g + 1 < sizeof guard; c++)
    guard[g++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
  guard[g] = '\0';
  rg_printf(out, "// %s_dds.idl: DDS types of ROS 2 package %s for idlc.\n"
                 "// Generated by rosidl_gen from the interface sources; do not edit.\n"
                 "#ifndef %s_DDS_IDL\n#define %s_DDS_IDL\n\n",
            pkg, pkg, guard, guard);
  const char *deps[MAX_PACKAGES];
  size_t n = package_deps(m, pkg, deps, MAX_PACKAGES);
  for (size_t d = 0; d < n; d++) rg_printf(out, "#include \"%s_dds.idl\"\n", deps[d]);
  if (n) rg_puts(out, "\n");
  bool *done = rg_calloc(m->ntypes ? m->ntypes : 1, sizeof *done);
  for (size_t i = 0; i < m->ntypes; i++) {
    const rg_type *t = m->types[i];
    if (rg_role_is_dds(t->role) && in_package(t, pkg)) emit_ordered(m, pkg, t, done, out);
  }
  free(done);
  rg_printf(out, "#endif\n");
}
