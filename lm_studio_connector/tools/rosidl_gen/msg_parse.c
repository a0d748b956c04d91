/* msg_parse.c: the ROS 2 interface file grammar (see msg_parse.h), written from the rosidl_adapter
 * rules: `#` always starts a comment, a line holding `=` after the type is a constant, anything
 * after a field name is its default. Owns the rg_file it fills. Guarantees: every error names
 * the file and the 1-based line; on failure nothing is left allocated in *out. Values are checked
 * (range of integers, float syntax, bool words, array counts) because a bad constant would
 * otherwise only surface as a C compile error in generated code. */
#include "msg_parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  rg_prim prim;
} prims[] = {
    {"bool", RG_BOOL},       {"byte", RG_BYTE},         {"char", RG_CHAR},
    {"int8", RG_INT8},       {"uint8", RG_UINT8},       {"int16", RG_INT16},
    {"uint16", RG_UINT16},   {"int32", RG_INT32},       {"uint32", RG_UINT32},
    {"int64", RG_INT64},     {"uint64", RG_UINT64},     {"float32", RG_FLOAT32},
    {"float64", RG_FLOAT64}, {"string", RG_STRING},     {"wstring", RG_WSTRING},
};

const char *rg_prim_name(rg_prim p) {
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
    if (prims[i].prim == p) return prims[i].name;
  return "";
}

typedef struct parser {
  const char *path;
  const char *pkg;
  int line;
  rg_error *err;
} parser;

#define FAIL(p, ...) rg_fail((p)->err, (p)->path, (p)->line, __VA_ARGS__)

/* ---- names ---- */

static bool is_lower_digit_us(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool rg_valid_package_name(const char *s, size_t n) { return rg_valid_field_name(s, n); }

bool rg_valid_field_name(const char *s, size_t n) {
  if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z') || s[n - 1] == '_') return false;
  for (size_t i = 0; i < n; i++) {
    if (!is_lower_digit_us(s[i])) return false;
    if (s[i] == '_' && i + 1 < n && s[i + 1] == '_') return false;
  }
  return true;
}

bool rg_valid_type_name(const char *s, size_t n) {
  if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i])) return false;
  return true;
}

bool rg_valid_constant_name(const char *s, size_t n) {
  if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z') || s[n - 1] == '_') return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    if (c == '_' && i + 1 < n && s[i + 1] == '_') return false;
  }
  return true;
}

/* ---- numbers ---- */

/* A positive decimal bound such as the N of T[N] or string<=N. */
static bool parse_bound(parser *p, const char *s, size_t n, const char *what, uint32_t *out) {
  uint64_t v = 0;
  if (n == 0) return FAIL(p, "missing %s", what);
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return FAIL(p, "%s '%.*s' is not a decimal number", what, (int)n, s);
    v = v * 10 + (uint64_t)(s[i] - '0');
    if (v > UINT32_MAX) return FAIL(p, "%s '%.*s' is too large", what, (int)n, s);
  }
  if (v == 0) return FAIL(p, "%s must be at least 1", what);
  *out = (uint32_t)v;
  return true;
}

/* Decimal integer with optional sign into magnitude + sign; false on syntax or overflow. */
static bool parse_int(const char *s, bool *neg, uint64_t *mag) {
  *neg = false;
  if (*s == '-' || *s == '+') *neg = *s++ == '-';
  if (!*s) return false;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *mag = v;
  return true;
}

static bool int_range(rg_prim t, uint64_t *max_pos, uint64_t *max_neg) {
  switch (t) {
    case RG_INT8: *max_pos = INT8_MAX, *max_neg = 128u; return true;
    case RG_INT16: *max_pos = INT16_MAX, *max_neg = 32768u; return true;
    case RG_INT32: *max_pos = INT32_MAX, *max_neg = 2147483648u; return true;
    case RG_INT64: *max_pos = INT64_MAX, *max_neg = (uint64_t)INT64_MAX + 1; return true;
    case RG_BYTE: case RG_CHAR: case RG_UINT8: *max_pos = UINT8_MAX, *max_neg = 0; return true;
    case RG_UINT16: *max_pos = UINT16_MAX, *max_neg = 0; return true;
    case RG_UINT32: *max_pos = UINT32_MAX, *max_neg = 0; return true;
    case RG_UINT64: *max_pos = UINT64_MAX, *max_neg = 0; return true;
    default: return false;
  }
}

static bool valid_float(const char *s) {
  if (!*s) return false;
  for (const char *c = s; *c; c++)
    if (!strchr("0123456789+-.eE", *c)) return false;
  char *end;
  errno = 0;
  (void)strtod(s, &end);
  return *end == '\0' && errno != ERANGE;
}

/* Strips matching quotes and resolves \\, \' and \" the way rosidl reads string literals. */
static char *unquote(const char *s) {
  size_t n = strlen(s);
  if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
    char *out = rg_calloc(n, 1), *o = out;
    for (size_t i = 1; i + 1 < n; i++) {
      if (s[i] == '\\' && i + 2 < n && strchr("\\'\"", s[i + 1])) i++;
      *o++ = s[i];
    }
    return out;
  }
  return rg_strdup(s);
}

/* Checks one scalar literal of element type t; *norm (may be NULL) receives the normalised
 * text: "true"/"false" for bools, the unquoted text for strings, else a copy. */
static bool check_scalar(parser *p, rg_prim t, uint32_t sbound, const char *v, const char *what,
                         char **norm) {
  char *n = NULL;
  uint64_t max_pos, max_neg, mag;
  bool neg;
  if (t == RG_BOOL) {
    if (!strcasecmp(v, "true") || !strcmp(v, "1")) n = rg_strdup("true");
    else if (!strcasecmp(v, "false") || !strcmp(v, "0")) n = rg_strdup("false");
    else return FAIL(p, "%s '%s' is not a bool (true, false, 1 or 0)", what, v);
  } else if (int_range(t, &max_pos, &max_neg)) {
    if (!parse_int(v, &neg, &mag) || (neg ? mag > max_neg : mag > max_pos))
      return FAIL(p, "%s '%s' is not a valid %s", what, v, rg_prim_name(t));
    n = rg_strdup(v);
  } else if (t == RG_FLOAT32 || t == RG_FLOAT64) {
    if (!valid_float(v)) return FAIL(p, "%s '%s' is not a valid %s", what, v, rg_prim_name(t));
    n = rg_strdup(v);
  } else {
    n = unquote(v);
    if (sbound && strlen(n) > sbound) {
      free(n);
      return FAIL(p, "%s '%s' is longer than the string bound %u", what, v, (unsigned)sbound);
    }
  }
  if (norm) *norm = n;
  else free(n);
  return true;
}

/* A default for a container: "[a, b, ...]", element count checked against the bound. */
static bool check_array_default(parser *p, const rg_type_ref *t, const char *v) {
  size_t n = strlen(v);
  if (n < 2 || v[0] != '[' || v[n - 1] != ']')
    return FAIL(p, "default '%s' of an array must be written [v1, v2, ...]", v);
  char *inner = rg_strndup(v + 1, n - 2);
  size_t count = 0;
  bool ok = true, is_text = t->prim == RG_STRING || t->prim == RG_WSTRING;
  char *s = inner;
  while (*s == ' ') s++;
  if (*s) {
    /* Element text is only checked for non-string types: quoted strings may hold commas. */
    for (char *tok = s;; ) {
      char *comma = is_text ? NULL : strchr(tok, ',');
      if (comma) *comma = '\0';
      char *b = tok, *e = tok + strlen(tok);
      while (*b == ' ') b++;
      while (e > b && e[-1] == ' ') *--e = '\0';
      if (!is_text && !check_scalar(p, t->prim, 0, b, "array default element", NULL)) {
        ok = false;
        break;
      }
      count++;
      if (!comma) break;
      tok = comma + 1;
    }
  }
  free(inner);
  if (!ok || is_text) return ok;
  if (t->container == RG_ARRAY && count != t->capacity)
    return FAIL(p, "default has %zu elements but the array has %u", count, (unsigned)t->capacity);
  if (t->container == RG_BOUNDED_SEQ && count > t->capacity)
    return FAIL(p, "default has %zu elements but the sequence bound is %u", count,
                (unsigned)t->capacity);
  return true;
}

/* ---- types ---- */

static bool parse_base(parser *p, const char *s, size_t n, rg_type_ref *t) {
  static const char *strs[] = {"string", "wstring"};
  for (int i = 0; i < 2; i++) {
    size_t k = strlen(strs[i]);
    if (n > k && !strncmp(s, strs[i], k) && s[k] == '<') {
      if (n < k + 2 || s[k + 1] != '=')
        return FAIL(p, "bad string bound in '%.*s' (expected %s<=N)", (int)n, s, strs[i]);
      t->prim = i == 0 ? RG_STRING : RG_WSTRING;
      return parse_bound(p, s + k + 2, n - k - 2, "string bound", &t->string_bound);
    }
  }
  for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++)
    if (strlen(prims[i].name) == n && !strncmp(prims[i].name, s, n)) {
      t->prim = prims[i].prim;
      return true;
    }
  if ((n == 4 && !strncmp(s, "time", 4)) || (n == 8 && !strncmp(s, "duration", 8)))
    return FAIL(p, "'%.*s' is a ROS 1 type; use builtin_interfaces/%s", (int)n, s,
                s[0] == 't' ? "Time" : "Duration");
  const char *slash = memchr(s, '/', n);
  const char *pkg = p->pkg, *name = s;
  size_t pkglen = strlen(p->pkg), namelen = n;
  if (slash) {
    pkg = s;
    pkglen = (size_t)(slash - s);
    name = slash + 1;
    namelen = n - pkglen - 1;
    if (!rg_valid_package_name(pkg, pkglen) || memchr(name, '/', namelen))
      return FAIL(p, "bad type '%.*s' (expected pkg/Type)", (int)n, s);
  }
  if (!rg_valid_type_name(name, namelen))
    return FAIL(p, "unknown type '%.*s'", (int)n, s);
  t->prim = RG_NESTED;
  t->nested = rg_calloc(pkglen + namelen + 6, 1);
  memcpy(t->nested, pkg, pkglen);
  memcpy(t->nested + pkglen, "/msg/", 5);
  memcpy(t->nested + pkglen + 5, name, namelen);
  return true;
}

static bool parse_type(parser *p, const char *s, size_t n, rg_type_ref *t) {
  memset(t, 0, sizeof *t);
  const char *lb = memchr(s, '[', n);
  size_t baselen = lb ? (size_t)(lb - s) : n;
  if (lb) {
    const char *in = lb + 1;
    size_t inlen = n - baselen - 1;
    if (inlen == 0 || in[inlen - 1] != ']')
      return FAIL(p, "bad array type '%.*s' (expected T[N], T[] or T[<=N])", (int)n, s);
    inlen--;
    if (inlen == 0) {
      t->container = RG_SEQ;
    } else if (inlen >= 2 && in[0] == '<' && in[1] == '=') {
      t->container = RG_BOUNDED_SEQ;
      if (!parse_bound(p, in + 2, inlen - 2, "sequence bound", &t->capacity)) return false;
    } else {
      t->container = RG_ARRAY;
      if (!parse_bound(p, in, inlen, "array size", &t->capacity)) return false;
    }
  }
  if (!parse_base(p, s, baselen, t)) {
    free(t->nested);
    t->nested = NULL;
    return false;
  }
  return true;
}

/* ---- lines ---- */

static bool push_field(parser *p, rg_section *sec, const char *tok, size_t toklen,
                       const char *rest) {
  rg_field f = {0};
  f.line = p->line;
  size_t nlen = strcspn(rest, " ");
  const char *def = rest + nlen;
  while (*def == ' ') def++;
  if (!rg_valid_field_name(rest, nlen))
    return FAIL(p, "bad field name '%.*s' (lower_snake_case, no '__', no trailing '_')", (int)nlen,
                rest);
  for (size_t i = 0; i < sec->nfields; i++)
    if (strlen(sec->fields[i].name) == nlen && !strncmp(sec->fields[i].name, rest, nlen))
      return FAIL(p, "duplicate field '%.*s'", (int)nlen, rest);
  if (!parse_type(p, tok, toklen, &f.type)) return false;
  if (*def) {
    bool ok;
    if (f.type.prim == RG_NESTED) ok = FAIL(p, "a field of message type cannot have a default");
    else if (f.type.container != RG_SINGLE) ok = check_array_default(p, &f.type, def);
    else ok = check_scalar(p, f.type.prim, f.type.string_bound, def, "default", NULL);
    if (!ok) {
      free(f.type.nested);
      return false;
    }
    f.default_text = rg_strdup(def);
  }
  f.name = rg_strndup(rest, nlen);
  sec->fields = rg_realloc(sec->fields, sec->nfields + 1, sizeof *sec->fields);
  sec->fields[sec->nfields++] = f;
  return true;
}

static bool push_constant(parser *p, rg_section *sec, const char *tok, size_t toklen,
                          const char *rest) {
  const char *eq = strchr(rest, '=');
  size_t nlen = (size_t)(eq - rest);
  while (nlen && rest[nlen - 1] == ' ') nlen--;
  const char *val = eq + 1;
  while (*val == ' ') val++;
  rg_type_ref t;
  if (!parse_type(p, tok, toklen, &t)) return false;
  if (t.prim == RG_NESTED || t.container != RG_SINGLE) {
    free(t.nested);
    return FAIL(p, "constant '%.*s' must have a primitive, non-array type", (int)nlen, rest);
  }
  if (!rg_valid_constant_name(rest, nlen))
    return FAIL(p, "bad constant name '%.*s' (UPPER_SNAKE_CASE)", (int)nlen, rest);
  for (size_t i = 0; i < sec->nconsts; i++)
    if (strlen(sec->consts[i].name) == nlen && !strncmp(sec->consts[i].name, rest, nlen))
      return FAIL(p, "duplicate constant '%.*s'", (int)nlen, rest);
  if (!*val && t.prim != RG_STRING && t.prim != RG_WSTRING)
    return FAIL(p, "constant '%.*s' has no value", (int)nlen, rest);
  rg_constant c = {0};
  if (!check_scalar(p, t.prim, t.string_bound, val, "constant value", &c.value)) return false;
  c.name = rg_strndup(rest, nlen);
  c.prim = t.prim;
  c.string_bound = t.string_bound;
  c.line = p->line;
  sec->consts = rg_realloc(sec->consts, sec->nconsts + 1, sizeof *sec->consts);
  sec->consts[sec->nconsts++] = c;
  return true;
}

/* One logical line, already stripped of comment and surrounding blanks. */
static bool parse_line(parser *p, rg_section *sec, const char *line) {
  size_t toklen = strcspn(line, " ");
  const char *rest = line + toklen;
  while (*rest == ' ') rest++;
  if (!*rest) return FAIL(p, "'%s': expected a type followed by a name", line);
  if (strchr(rest, '=')) return push_constant(p, sec, line, toklen, rest);
  return push_field(p, sec, line, toklen, rest);
}

bool rg_parse(const char *text, size_t len, const char *path, const char *pkg, int nsec,
              rg_file *out, rg_error *err) {
  parser p = {path, pkg, 0, err};
  memset(out, 0, sizeof *out);
  if (nsec < 1 || nsec > RG_MAX_SECTIONS) return rg_fail(err, path, 0, "bad section count");
  out->nsec = 1;
  size_t pos = 0;
  bool ok = true;
  while (ok && pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    p.line++;
    if (memchr(text + pos, '\0', n)) {
      ok = FAIL(&p, "NUL byte in text");
      break;
    }
    char *line = rg_strndup(text + pos, n);
    pos += n + (nl ? 1 : 0);
    for (char *c = line; *c; c++)
      if (*c == '\t' || *c == '\r') *c = ' ';
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *b = line, *e = line + strlen(line);
    while (*b == ' ') b++;
    while (e > b && e[-1] == ' ') *--e = '\0';
    if (!*b) {
      free(line);
      continue;
    }
    if (!strcmp(b, "---")) {
      if (out->nsec == nsec)
        ok = FAIL(&p, "too many '---' separators (a %s has %d section%s)",
                  nsec == 1 ? "message" : nsec == 2 ? "service" : "action", nsec,
                  nsec == 1 ? "" : "s");
      else out->nsec++;
    } else {
      ok = parse_line(&p, &out->sec[out->nsec - 1], b);
    }
    free(line);
  }
  if (ok && out->nsec != nsec)
    ok = FAIL(&p, "expected %d sections separated by '---', found %d", nsec, out->nsec);
  if (!ok) rg_file_free(out);
  return ok;
}

/* ---- ownership ---- */

void rg_field_copy(rg_field *dst, const rg_field *src) {
  *dst = *src;
  dst->name = rg_strdup(src->name);
  dst->type.nested = src->type.nested ? rg_strdup(src->type.nested) : NULL;
  dst->default_text = src->default_text ? rg_strdup(src->default_text) : NULL;
}

void rg_field_free(rg_field *f) {
  free(f->name);
  free(f->type.nested);
  free(f->default_text);
}

void rg_section_free(rg_section *s) {
  for (size_t i = 0; i < s->nfields; i++) rg_field_free(&s->fields[i]);
  for (size_t i = 0; i < s->nconsts; i++) {
    free(s->consts[i].name);
    free(s->consts[i].value);
  }
  free(s->fields);
  free(s->consts);
  memset(s, 0, sizeof *s);
}

void rg_file_free(rg_file *f) {
  if (!f) return;
  for (int i = 0; i < RG_MAX_SECTIONS; i++) rg_section_free(&f->sec[i]);
  f->nsec = 0;
}
