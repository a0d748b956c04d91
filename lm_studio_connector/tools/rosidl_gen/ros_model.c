/* ros_model.c: turns parsed interface files into the full list of types rosidl knows about
 * (see ros_model.h). The derived service and action types are built exactly as
 * rosidl_parser/definition.py (Jazzy) builds them: member names, order and nesting, including
 * the service Event message (ServiceEventInfo info, Request[<=1] request, Response[<=1] response)
 * and the placeholder member of empty messages; these decide the RIHS01 hashes. Owns every
 * string it stores. Guarantees after rg_model_finish: every nested reference resolves, no type
 * contains itself, and types are sorted by name. */
#include "ros_model.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define PLACEHOLDER_MEMBER "structure_needs_at_least_one_member"

void rg_model_init(rg_model *m) { memset(m, 0, sizeof *m); }

bool rg_role_is_dds(rg_role r) {
  return r == RG_ROLE_MESSAGE || r == RG_ROLE_REQUEST || r == RG_ROLE_RESPONSE;
}

bool rg_split_name(const char *name, char *pkg, size_t pkgsz, char *sub, size_t subsz, char *base,
                   size_t basesz) {
  const char *a = strchr(name, '/');
  const char *b = a ? strchr(a + 1, '/') : NULL;
  if (!a || !b || strchr(b + 1, '/')) return false;
  struct {
    char *dst;
    size_t sz;
    const char *src;
    size_t n;
  } parts[3] = {{pkg, pkgsz, name, (size_t)(a - name)},
                {sub, subsz, a + 1, (size_t)(b - a - 1)},
                {base, basesz, b + 1, strlen(b + 1)}};
  for (int i = 0; i < 3; i++) {
    if (!parts[i].dst) continue;
    if (parts[i].n >= parts[i].sz) return false;
    memcpy(parts[i].dst, parts[i].src, parts[i].n);
    parts[i].dst[parts[i].n] = '\0';
  }
  return true;
}

const rg_type *rg_model_find(const rg_model *m, const char *name) {
  for (size_t i = 0; i < m->ntypes; i++)
    if (!strcmp(m->types[i]->name, name)) return m->types[i];
  return NULL;
}

/* ---- building types ---- */

static void add_field(rg_section *s, const char *name, rg_prim prim, rg_container c, uint32_t cap,
                      const char *nested) {
  rg_field f = {0};
  f.name = rg_strdup(name);
  f.type.prim = prim;
  f.type.container = c;
  f.type.capacity = cap;
  f.type.nested = nested ? rg_strdup(nested) : NULL;
  s->fields = rg_realloc(s->fields, s->nfields + 1, sizeof *s->fields);
  s->fields[s->nfields++] = f;
}

static void add_nested(rg_section *s, const char *name, const char *type) {
  add_field(s, name, RG_NESTED, RG_SINGLE, 0, type);
}

/* Adds a type; takes over *body (zeroed on return) whatever the outcome. */
static bool add_type(rg_model *m, const char *name, rg_role role, rg_section *body,
                     const char *source, rg_error *err) {
  if (rg_model_find(m, name)) {
    rg_section_free(body);
    return rg_fail(err, source, 0, "type %s is defined twice", name);
  }
  rg_type *t = rg_calloc(1, sizeof *t);
  t->name = rg_strdup(name);
  t->role = role;
  t->body = *body;
  memset(body, 0, sizeof *body);
  t->source = rg_strdup(source);
  /* rosidl gives a struct without members one uint8 so that it exists in every language. */
  if (t->body.nfields == 0) add_field(&t->body, PLACEHOLDER_MEMBER, RG_UINT8, RG_SINGLE, 0, NULL);
  m->types = rg_realloc(m->types, m->ntypes + 1, sizeof *m->types);
  m->types[m->ntypes++] = t;
  return true;
}

/* "pkg/sub/" + base + suffix, newly allocated. */
static char *type_name(const char *pkg, const char *sub, const char *base, const char *suffix) {
  char *prefix = rg_concat(pkg, "/", sub, "/");
  char *name = rg_concat(prefix, base, suffix, NULL);
  free(prefix);
  return name;
}

/* Request, Response, Event and the service itself for service `base` in pkg/sub. */
static bool add_service(rg_model *m, const char *pkg, const char *sub, const char *base,
                        rg_section *req, rg_section *resp, const char *src, rg_error *err) {
  char *n_req = type_name(pkg, sub, base, "_Request");
  char *n_resp = type_name(pkg, sub, base, "_Response");
  char *n_ev = type_name(pkg, sub, base, "_Event");
  char *n_srv = type_name(pkg, sub, base, "");
  rg_section ev = {0}, srv = {0};
  add_nested(&ev, "info", "service_msgs/msg/ServiceEventInfo");
  add_field(&ev, "request", RG_NESTED, RG_BOUNDED_SEQ, 1, n_req);
  add_field(&ev, "response", RG_NESTED, RG_BOUNDED_SEQ, 1, n_resp);
  add_nested(&srv, "request_message", n_req);
  add_nested(&srv, "response_message", n_resp);
  add_nested(&srv, "event_message", n_ev);
  bool ok = add_type(m, n_req, RG_ROLE_REQUEST, req, src, err) &&
            add_type(m, n_resp, RG_ROLE_RESPONSE, resp, src, err) &&
            add_type(m, n_ev, RG_ROLE_EVENT, &ev, src, err) &&
            add_type(m, n_srv, RG_ROLE_SERVICE, &srv, src, err);
  rg_section_free(req);
  rg_section_free(resp);
  rg_section_free(&ev);
  rg_section_free(&srv);
  free(n_req);
  free(n_resp);
  free(n_ev);
  free(n_srv);
  return ok;
}

static bool add_action(rg_model *m, const char *pkg, const char *base, rg_file *f, const char *src,
                       rg_error *err) {
  static const char *uuid = "unique_identifier_msgs/msg/UUID";
  char *n_goal = type_name(pkg, "action", base, "_Goal");
  char *n_res = type_name(pkg, "action", base, "_Result");
  char *n_fb = type_name(pkg, "action", base, "_Feedback");
  char *n_fbm = type_name(pkg, "action", base, "_FeedbackMessage");
  char *n_act = type_name(pkg, "action", base, "");
  char *sg = rg_concat(base, "_SendGoal", NULL, NULL);
  char *gr = rg_concat(base, "_GetResult", NULL, NULL);
  char *n_sg_srv = type_name(pkg, "action", sg, "");
  char *n_gr_srv = type_name(pkg, "action", gr, "");

  rg_section sg_req = {0}, sg_resp = {0}, gr_req = {0}, gr_resp = {0}, fbm = {0}, act = {0};
  add_nested(&sg_req, "goal_id", uuid);
  add_nested(&sg_req, "goal", n_goal);
  add_field(&sg_resp, "accepted", RG_BOOL, RG_SINGLE, 0, NULL);
  add_nested(&sg_resp, "stamp", "builtin_interfaces/msg/Time");
  add_nested(&gr_req, "goal_id", uuid);
  add_field(&gr_resp, "status", RG_INT8, RG_SINGLE, 0, NULL);
  add_nested(&gr_resp, "result", n_res);
  add_nested(&fbm, "goal_id", uuid);
  add_nested(&fbm, "feedback", n_fb);
  add_nested(&act, "goal", n_goal);
  add_nested(&act, "result", n_res);
  add_nested(&act, "feedback", n_fb);
  add_nested(&act, "send_goal_service", n_sg_srv);
  add_nested(&act, "get_result_service", n_gr_srv);
  add_nested(&act, "feedback_message", n_fbm);

  bool ok = add_type(m, n_goal, RG_ROLE_MESSAGE, &f->sec[0], src, err) &&
            add_type(m, n_res, RG_ROLE_MESSAGE, &f->sec[1], src, err) &&
            add_type(m, n_fb, RG_ROLE_MESSAGE, &f->sec[2], src, err) &&
            add_service(m, pkg, "action", sg, &sg_req, &sg_resp, src, err) &&
            add_service(m, pkg, "action", gr, &gr_req, &gr_resp, src, err) &&
            add_type(m, n_fbm, RG_ROLE_MESSAGE, &fbm, src, err) &&
            add_type(m, n_act, RG_ROLE_ACTION, &act, src, err);
  rg_section *secs[] = {&sg_req, &sg_resp, &gr_req, &gr_resp, &fbm, &act};
  for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) rg_section_free(secs[i]);
  char *names[] = {n_goal, n_res, n_fb, n_fbm, n_act, sg, gr, n_sg_srv, n_gr_srv};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) free(names[i]);
  return ok;
}

bool rg_model_add_text(rg_model *m, const char *pkg, const char *path, const char *text,
                       size_t len, rg_error *err) {
  const char *slash = strrchr(path, '/');
  const char *file = slash ? slash + 1 : path;
  const char *dot = strrchr(file, '.');
  static const struct {
    const char *ext, *sub;
    int nsec;
  } kinds[] = {{".msg", "msg", 1}, {".srv", "srv", 2}, {".action", "action", 3}};
  int k = -1;
  for (int i = 0; i < 3 && dot; i++)
    if (!strcmp(dot, kinds[i].ext)) k = i;
  if (k < 0) return rg_fail(err, path, 0, "not a .msg, .srv or .action file");
  size_t baselen = (size_t)(dot - file);
  if (!rg_valid_type_name(file, baselen))
    return rg_fail(err, path, 0, "file name '%.*s' is not a valid type name (CamelCase)",
                   (int)baselen, file);
  if (!rg_valid_package_name(pkg, strlen(pkg)))
    return rg_fail(err, path, 0, "'%s' is not a valid package name", pkg);
  char base[256];
  if (baselen >= sizeof base) return rg_fail(err, path, 0, "type name too long");
  memcpy(base, file, baselen);
  base[baselen] = '\0';

  rg_file f;
  if (!rg_parse(text, len, path, pkg, kinds[k].nsec, &f, err)) return false;
  bool ok;
  if (k == 0) {
    char *name = type_name(pkg, "msg", base, "");
    ok = add_type(m, name, RG_ROLE_MESSAGE, &f.sec[0], path, err);
    free(name);
  } else if (k == 1) {
    ok = add_service(m, pkg, "srv", base, &f.sec[0], &f.sec[1], path, err);
  } else {
    ok = add_action(m, pkg, base, &f, path, err);
  }
  rg_file_free(&f);
  return ok;
}

/* ---- loading directories ---- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of dir's regular entries ending in ext; missing dir gives an empty list. */
static char **list_dir(const char *dir, const char *ext, size_t *count) {
  *count = 0;
  DIR *d = opendir(dir);
  if (!d) return NULL;
  char **names = NULL;
  struct dirent *e;
  size_t extlen = strlen(ext);
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (e->d_name[0] == '.' || n <= extlen || strcmp(e->d_name + n - extlen, ext) != 0) continue;
    names = rg_realloc(names, *count + 1, sizeof *names);
    names[(*count)++] = rg_strdup(e->d_name);
  }
  closedir(d);
  if (*count) qsort(names, *count, sizeof *names, cmp_str);
  return names;
}

bool rg_model_load_dir(rg_model *m, const char *dir, rg_error *err) {
  size_t dl = strlen(dir);
  while (dl > 1 && dir[dl - 1] == '/') dl--;
  const char *b = dir + dl;
  while (b > dir && b[-1] != '/') b--;
  char pkg[256];
  if ((size_t)(dir + dl - b) >= sizeof pkg) return rg_fail(err, dir, 0, "package name too long");
  memcpy(pkg, b, (size_t)(dir + dl - b));
  pkg[dir + dl - b] = '\0';
  if (!rg_valid_package_name(pkg, strlen(pkg)))
    return rg_fail(err, dir, 0, "'%s' is not a valid package name", pkg);
  for (size_t i = 0; i < m->npackages; i++)
    if (!strcmp(m->packages[i], pkg)) return rg_fail(err, dir, 0, "package %s given twice", pkg);
  DIR *probe = opendir(dir);
  if (!probe) return rg_fail(err, dir, 0, "cannot open package directory");
  closedir(probe);
  m->packages = rg_realloc(m->packages, m->npackages + 1, sizeof *m->packages);
  m->packages[m->npackages++] = rg_strdup(pkg);

  static const char *subs[][2] = {{"msg", ".msg"}, {"srv", ".srv"}, {"action", ".action"}};
  bool ok = true;
  char *root = rg_strndup(dir, dl);
  for (int s = 0; s < 3 && ok; s++) {
    char *sub = rg_concat(root, "/", subs[s][0], NULL);
    size_t n;
    char **names = list_dir(sub, subs[s][1], &n);
    for (size_t i = 0; i < n; i++) {
      char *path = rg_concat(sub, "/", names[i], NULL);
      size_t len;
      char *text = ok ? rg_read_file(path, &len, err) : NULL;
      if (ok && !text) ok = false;
      if (ok) ok = rg_model_add_text(m, pkg, path, text, len, err);
      free(text);
      free(path);
      free(names[i]);
    }
    free(names);
    free(sub);
  }
  free(root);
  return ok;
}

/* ---- finishing ---- */

/* Depth-first walk; state 1 = on the current path, 2 = done. */
static bool check_acyclic(const rg_model *m, size_t i, unsigned char *state, rg_error *err) {
  if (state[i] == 2) return true;
  const rg_type *t = m->types[i];
  if (state[i] == 1) return rg_fail(err, t->source, 0, "type %s contains itself", t->name);
  state[i] = 1;
  for (size_t f = 0; f < t->body.nfields; f++) {
    const char *ref = t->body.fields[f].type.nested;
    if (!ref) continue;
    for (size_t j = 0; j < m->ntypes; j++)
      if (!strcmp(m->types[j]->name, ref) && !check_acyclic(m, j, state, err)) return false;
  }
  state[i] = 2;
  return true;
}

static int cmp_type(const void *a, const void *b) {
  return strcmp((*(rg_type *const *)a)->name, (*(rg_type *const *)b)->name);
}

bool rg_model_finish(rg_model *m, rg_error *err) {
  for (size_t i = 0; i < m->ntypes; i++) {
    const rg_type *t = m->types[i];
    for (size_t f = 0; f < t->body.nfields; f++) {
      const rg_field *fl = &t->body.fields[f];
      if (fl->type.nested && !rg_model_find(m, fl->type.nested))
        return rg_fail(err, t->source, fl->line, "unknown type %s (field '%s' of %s)",
                       fl->type.nested, fl->name, t->name);
    }
  }
  unsigned char *state = rg_calloc(m->ntypes ? m->ntypes : 1, 1);
  bool ok = true;
  for (size_t i = 0; i < m->ntypes && ok; i++) ok = check_acyclic(m, i, state, err);
  free(state);
  if (ok && m->ntypes) qsort(m->types, m->ntypes, sizeof *m->types, cmp_type);
  return ok;
}

void rg_model_free(rg_model *m) {
  if (!m) return;
  for (size_t i = 0; i < m->ntypes; i++) {
    rg_section_free(&m->types[i]->body);
    free(m->types[i]->name);
    free(m->types[i]->source);
    free(m->types[i]);
  }
  for (size_t i = 0; i < m->npackages; i++) free(m->packages[i]);
  free(m->types);
  free(m->packages);
  memset(m, 0, sizeof *m);
}
