/* rosidl_gen.c: command line of the build-time generator. Loads ROS 2 interface packages and
 * writes, into one output directory, <pkg>_dds.idl per package (for idlc) and the type table
 * ros_types_gen.h/.c; or prints the hash or hashed JSON of one type for debugging.
 * Exit status: 0 success, 1 an input error (printed as "file:line: reason"), 2 bad usage.
 * Every output is produced from the same parsed model, so IDL, hashes and table cannot
 * disagree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idl_emit.h"
#include "ros_model.h"
#include "table_emit.h"
#include "typehash.h"

static int usage(void) {
  fputs("usage: rosidl_gen -o OUTDIR PKGDIR...     write <pkg>_dds.idl and ros_types_gen.h/.c\n"
        "       rosidl_gen --hash TYPE PKGDIR...   print the RIHS01 hash of TYPE (pkg/msg/Name)\n"
        "       rosidl_gen --json TYPE PKGDIR...   print the JSON text that is hashed\n"
        "Each PKGDIR is a package directory (its name is the package name) holding msg/, srv/\n"
        "and/or action/ subdirectories.\n",
        stderr);
  return 2;
}

static int fail(const rg_error *err) {
  fprintf(stderr, "rosidl_gen: error: %s\n", err->msg);
  return 1;
}

static bool write_buf(const char *dir, const char *name, dynbuf *b, rg_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  bool ok = rg_write_file(path, b->data ? b->data : "", b->len, err);
  dynbuf_reset(b);
  return ok;
}

static bool write_outputs(const rg_model *m, const char *outdir, rg_error *err) {
  if (!rg_idl_check(m, err)) return false;
  dynbuf b;
  dynbuf_init(&b, RG_MAX_OUTPUT);
  bool ok = true;
  for (size_t p = 0; p < m->npackages && ok; p++) {
    const char *pkg = m->packages[p];
    if (!rg_idl_package_has_types(m, pkg)) continue;
    char name[300];
    snprintf(name, sizeof name, "%s_dds.idl", pkg);
    rg_idl_emit_package(m, pkg, &b);
    ok = write_buf(outdir, name, &b, err);
  }
  if (ok) {
    rg_table_emit_header(m, &b);
    ok = write_buf(outdir, "ros_types_gen.h", &b, err);
  }
  if (ok) {
    rg_table_emit_source(m, &b);
    ok = write_buf(outdir, "ros_types_gen.c", &b, err);
  }
  dynbuf_free(&b);
  return ok;
}

static int print_type(const rg_model *m, const char *name, bool json) {
  const rg_type *t = rg_model_find(m, name);
  if (!t) {
    fprintf(stderr, "rosidl_gen: error: no type %s\n", name);
    return 1;
  }
  if (!json) {
    printf("%s\n", t->hash);
    return 0;
  }
  dynbuf b;
  dynbuf_init(&b, RG_MAX_OUTPUT);
  rg_typehash_json(m, t, &b);
  printf("%s\n", b.data);
  dynbuf_free(&b);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) return usage();
  const char *mode = argv[1], *arg = argv[2];
  if (strcmp(mode, "-o") != 0 && strcmp(mode, "--hash") != 0 && strcmp(mode, "--json") != 0)
    return usage();
  rg_model m;
  rg_error err;
  rg_model_init(&m);
  int rc = 0;
  for (int i = 3; i < argc && rc == 0; i++)
    if (!rg_model_load_dir(&m, argv[i], &err)) rc = fail(&err);
  if (rc == 0 && !rg_model_finish(&m, &err)) rc = fail(&err);
  if (rc == 0) {
    rg_typehash_fill(&m);
    if (!strcmp(mode, "-o")) rc = write_outputs(&m, arg, &err) ? 0 : fail(&err);
    else rc = print_type(&m, arg, !strcmp(mode, "--json"));
  }
  rg_model_free(&m);
  return rc;
}
