/* ros_params.c: a node's parameter store (ros_params.h): declaration with command-line
 * overrides, reads, and all-or-nothing sets in rclcpp's order (declared? read-only? type and
 * range, then the node's callback, then the values and one /parameter_events sample).
 * The store is a name-sorted array (list_parameters answers in name order, as rclcpp's
 * std::map does) behind a recursive mutex: reads may come from any thread, and the set
 * callback, which runs with the lock held so a set stays atomic, may read parameters.
 * A failed call changes nothing: values are staged as copies and swapped in only at the end.
 * Secret values never reach a message, an event or an error text of this module. */
#include "ros_params.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ros_params_check.h"
#include "ros_params_internal.h"

#define REASON_MAX ROS_PARAMS_REASON_MAX

static struct ros_param_server *server_of(ros_node *n) { return n ? ros_node_params(n) : NULL; }

long ros_params_find_index(const struct ros_param_server *ps, const char *name) {
  size_t lo = 0, hi = ps->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(ps->items[mid].name, name);
    if (c == 0) return (long)mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

static size_t insert_pos(const struct ros_param_server *ps, const char *name) {
  size_t lo = 0, hi = ps->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(ps->items[mid].name, name) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static void entry_fini(ros_param_entry *pe) {
  free(pe->name);
  ros_param_value_fini(&pe->value);
  free((char *)pe->d.description);
  free((char *)pe->d.additional_constraints);
}

static void remove_at(struct ros_param_server *ps, size_t i) {
  entry_fini(&ps->items[i]);
  memmove(&ps->items[i], &ps->items[i + 1], (ps->count - i - 1) * sizeof *ps->items);
  ps->count--;
}

/* The text of a value for an error message; secrets are never printed. */
static const char *value_text(const ros_param_value *v, bool secret, char *buf, size_t size) {
  if (secret) return ROS_PARAM_SECRET_PLACEHOLDER;
  ros_param_value_to_string(v, buf, size);
  return buf;
}

/* --- server lifetime --- */

struct ros_param_server *ros_param_server_new_detached(void) {
  struct ros_param_server *ps = calloc(1, sizeof *ps);
  if (!ps) return NULL;
  ros_param_overrides_init(&ps->overrides);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&ps->lock, &attr);
  pthread_mutexattr_destroy(&attr);
  return ps;
}

ros_status ros_param_server_create(ros_node *n, const ros_param_server_options *opts,
                                   struct ros_param_server **out, ros_error *e) {
  if (!n || !out) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: node and out are required", __func__);
  struct ros_param_server *ps = ros_param_server_new_detached();
  if (!ps) return ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
  ps->node = n;
  ros_status st = ROS_OK;
  ros_args_error ae;
  const ros_args *args = ros_node_args(n);
  if (args && ros_args_params_for_node(args, ros_node_fqn(n), &ps->overrides, &ae) != ROS_ARGS_OK) {
    st = ros_error_set(e, ROS_ERR_BAD_ARGS, "parameter overrides for %s: %s", ros_node_fqn(n), ae.message);
    goto fail;
  }
  if (ps->overrides.count > 0 && !(ps->override_used = calloc(ps->overrides.count, sizeof(bool)))) {
    st = ros_error_set(e, ROS_ERR_NO_MEMORY, "%s: out of memory", __func__);
    goto fail;
  }
  if (!(opts && opts->no_services)) {
    const ros_type_info *t = ros_types_find("rcl_interfaces/msg/ParameterEvent");
    if (!t || !t->desc) {
      st = ros_error_set(e, ROS_ERR_UNKNOWN_TYPE, "rcl_interfaces/msg/ParameterEvent is not in the type table");
      goto fail;
    }
    /* /parameter_events is absolute, as rclcpp creates it. */
    ros_endpoint_spec spec = {"rt/parameter_events", t, ros_qos_parameter_events, NULL, NULL};
    if ((st = ros_node_create_writer(n, &spec, &ps->events, e)) != ROS_OK) goto fail;
    if ((st = ros_params_services_create(ps, e)) != ROS_OK) goto fail;
  }
  *out = ps;
  return ROS_OK;
fail:
  ros_param_server_destroy(ps);
  return st;
}

void ros_param_server_destroy(struct ros_param_server *ps) {
  if (!ps) return;
  ros_params_services_destroy(ps);
  if (ps->events) ros_node_delete_endpoint(ps->node, ps->events);
  for (size_t i = 0; i < ps->count; i++) entry_fini(&ps->items[i]);
  free(ps->items);
  free(ps->override_used);
  ros_param_overrides_fini(&ps->overrides);
  pthread_mutex_destroy(&ps->lock);
  free(ps);
}

/* --- declaration --- */

static char *dup_or_null(const char *s, bool *ok) {
  if (!s) return NULL;
  char *d = strdup(s);
  if (!d) *ok = false;
  return d;
}

/* The initial value: the override if there is one (its index in *used), else the default. */
static ros_status initial_value(struct ros_param_server *ps, const char *name,
                                const ros_param_value *def, const ros_param_descriptor *d,
                                ros_param_type type, ros_param_value *out, long *used, ros_error *e) {
  char reason[REASON_MAX], text[128];
  *used = -1;
  for (size_t i = ps->overrides.count; i-- > 0;)
    if (strcmp(ps->overrides.items[i].name, name) == 0) {
      *used = (long)i;
      break;
    }
  const ros_param_value *src = *used >= 0 ? &ps->overrides.items[*used].value : def;
  if (src && ros_param_value_copy(out, src) != ROS_PARAM_OK)
    return ros_error_set(e, ROS_ERR_NO_MEMORY, "parameter '%s': out of memory", name);
  if (!d->dynamic_typing) ros_params_adapt_empty_array(out, type);
  if (out->type == ROS_PARAM_NOT_SET && !d->dynamic_typing)
    return ros_error_set(e, ROS_ERR_BAD_ARGS,
                         "parameter '%s' needs a value: it has no default and none was given "
                         "(-p %s:=VALUE or a params file)", name, name);
  if (ros_params_check_value(name, d, type, out, reason, sizeof reason)) return ROS_OK;
  if (*used < 0)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "parameter '%s': the default does not fit its descriptor: %s",
                         name, reason);
  const ros_param_override *o = &ps->overrides.items[*used];
  const char *hint = type == ROS_PARAM_DOUBLE && out->type == ROS_PARAM_INTEGER ? " (write a double as 1.0, not 1)" : "";
  return ros_error_set(e, ROS_ERR_BAD_ARGS, "parameter '%s': the value %s from %s does not fit: %s%s", name,
                       value_text(out, d->secret, text, sizeof text), o->origin ? o->origin : "the command line",
                       reason, hint);
}

ros_status ros_params_declare(ros_node *n, const char *name, const ros_param_value *default_value,
                              const ros_param_descriptor *d, ros_error *e) {
  struct ros_param_server *ps = server_of(n);
  if (!ps) return ros_error_set(e, n ? ROS_ERR_STATE : ROS_ERR_INVALID_ARGUMENT, "%s: the node has no parameter server", __func__);
  return ros_params_declare_on(ps, name, default_value, d, e);
}

ros_status ros_params_declare_on(struct ros_param_server *ps, const char *name, const ros_param_value *default_value,
                                 const ros_param_descriptor *d, ros_error *e) {
  char reason[REASON_MAX];
  if (!ros_params_name_ok(name, reason, sizeof reason)) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s", reason);
  ros_param_descriptor dd;
  memset(&dd, 0, sizeof dd);
  if (d) dd = *d;
  ros_param_type type = dd.type != ROS_PARAM_NOT_SET ? dd.type : default_value ? default_value->type : ROS_PARAM_NOT_SET;
  if (dd.dynamic_typing) type = ROS_PARAM_NOT_SET;
  if (!ros_params_descriptor_ok(name, &dd, dd.dynamic_typing ? dd.type : type, reason, sizeof reason))
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s", reason);
  if (!dd.dynamic_typing && type == ROS_PARAM_NOT_SET)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT,
                         "parameter '%s': cannot declare a statically typed parameter without a type or a default", name);
  if (default_value && default_value->type != ROS_PARAM_NOT_SET &&
      !ros_params_check_value(name, &dd, type, default_value, reason, sizeof reason))
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "parameter '%s': the default does not fit its descriptor: %s",
                         name, reason);

  pthread_mutex_lock(&ps->lock);
  ros_status st = ROS_OK;
  ros_param_value v;
  ros_param_value_init(&v);
  long used = -1;
  if (ps->in_callback) {
    st = ros_error_set(e, ROS_ERR_STATE, "parameter '%s': cannot declare inside the set callback", name);
  } else if (ros_params_find_index(ps, name) >= 0) {
    st = ros_error_set(e, ROS_ERR_STATE, "parameter '%s' has already been declared", name);
  } else if (ps->count >= ROS_PARAMS_MAX_DECLARED) {
    st = ros_error_set(e, ROS_ERR_LIMIT, "parameter '%s': a node declares at most %d parameters", name,
                       ROS_PARAMS_MAX_DECLARED);
  } else if (ps->count == ps->cap) {
    size_t cap = ps->cap ? ps->cap * 2 : 16;
    ros_param_entry *items = realloc(ps->items, cap * sizeof *items);
    if (!items) st = ros_error_set(e, ROS_ERR_NO_MEMORY, "parameter '%s': out of memory", name);
    else {
      ps->items = items;
      ps->cap = cap;
    }
  }
  if (st == ROS_OK) st = initial_value(ps, name, default_value, &dd, type, &v, &used, e);
  ros_param_entry pe;
  memset(&pe, 0, sizeof pe);
  if (st == ROS_OK) {
    bool ok = true;
    pe.name = dup_or_null(name, &ok);
    pe.d = dd;
    pe.d.type = dd.dynamic_typing ? v.type : type; /* describe shows the current type */
    pe.d.description = dup_or_null(dd.description, &ok);
    pe.d.additional_constraints = dup_or_null(dd.additional_constraints, &ok);
    if (!ok) {
      entry_fini(&pe);
      st = ros_error_set(e, ROS_ERR_NO_MEMORY, "parameter '%s': out of memory", name);
    }
  }
  if (st != ROS_OK) {
    ros_param_value_fini(&v);
    pthread_mutex_unlock(&ps->lock);
    return st;
  }
  pe.value = v; /* ownership moves into the entry */
  size_t at = insert_pos(ps, name);
  memmove(&ps->items[at + 1], &ps->items[at], (ps->count - at) * sizeof *ps->items);
  ps->items[at] = pe;
  ps->count++;
  if (used >= 0) ps->override_used[used] = true;
  ros_param_event_item item = {ps->items[at].name, &ps->items[at].value, pe.d.secret};
  ros_params_publish_event(ps, &item, 1, NULL, 0, NULL, 0);
  pthread_mutex_unlock(&ps->lock);
  return ROS_OK;
}

ros_status ros_params_undeclare(ros_node *n, const char *name, ros_error *e) {
  struct ros_param_server *ps = server_of(n);
  if (!ps || !name) return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: node with parameters and name required", __func__);
  pthread_mutex_lock(&ps->lock);
  ros_status st = ROS_OK;
  long i = ros_params_find_index(ps, name);
  if (ps->in_callback) st = ros_error_set(e, ROS_ERR_STATE, "parameter '%s': cannot undeclare inside the set callback", name);
  else if (i < 0) st = ros_error_set(e, ROS_ERR_NOT_FOUND, "cannot undeclare parameter '%s' which has not yet been declared", name);
  else if (ps->items[i].d.read_only) st = ros_error_set(e, ROS_ERR_STATE, "cannot undeclare parameter '%s' because it is read-only", name);
  else if (!ps->items[i].d.dynamic_typing)
    st = ros_error_set(e, ROS_ERR_STATE, "parameter '%s': cannot undeclare a statically typed parameter", name);
  if (st == ROS_OK) {
    ros_param_entry *pe = &ps->items[i];
    ros_param_event_item item = {pe->name, &pe->value, pe->d.secret};
    ros_params_publish_event(ps, NULL, 0, NULL, 0, &item, 1);
    remove_at(ps, (size_t)i);
  }
  pthread_mutex_unlock(&ps->lock);
  return st;
}

bool ros_params_has(ros_node *n, const char *name) {
  struct ros_param_server *ps = server_of(n);
  if (!ps || !name) return false;
  pthread_mutex_lock(&ps->lock);
  bool found = ros_params_find_index(ps, name) >= 0;
  pthread_mutex_unlock(&ps->lock);
  return found;
}

/* --- reads --- */

ros_status ros_params_get(ros_node *n, const char *name, ros_param_value *out) {
  struct ros_param_server *ps = server_of(n);
  if (!ps || !name || !out) return ROS_ERR_INVALID_ARGUMENT;
  pthread_mutex_lock(&ps->lock);
  long i = ros_params_find_index(ps, name);
  ros_status st = ROS_ERR_NOT_FOUND;
  if (i >= 0) st = ros_param_value_copy(out, &ps->items[i].value) == ROS_PARAM_OK ? ROS_OK : ROS_ERR_NO_MEMORY;
  pthread_mutex_unlock(&ps->lock);
  return st;
}

/* Runs fn on the value under the lock: the typed getters copy only what they return. */
static ros_status with_value(ros_node *n, const char *name,
                             ros_status (*fn)(const ros_param_value *v, void *out, size_t size),
                             void *out, size_t size) {
  struct ros_param_server *ps = server_of(n);
  if (!ps || !name || !out) return ROS_ERR_INVALID_ARGUMENT;
  pthread_mutex_lock(&ps->lock);
  long i = ros_params_find_index(ps, name);
  ros_status st = i < 0 ? ROS_ERR_NOT_FOUND : fn(&ps->items[i].value, out, size);
  pthread_mutex_unlock(&ps->lock);
  return st;
}

static ros_status read_bool(const ros_param_value *v, void *out, size_t size) {
  if (v->type != ROS_PARAM_BOOL) return ROS_ERR_INVALID_ARGUMENT;
  *(bool *)out = v->bool_value;
  return ROS_OK;
}

static ros_status read_int(const ros_param_value *v, void *out, size_t size) {
  if (v->type != ROS_PARAM_INTEGER) return ROS_ERR_INVALID_ARGUMENT;
  *(int64_t *)out = v->integer_value;
  return ROS_OK;
}

static ros_status read_double(const ros_param_value *v, void *out, size_t size) {
  if (v->type == ROS_PARAM_INTEGER) *(double *)out = (double)v->integer_value;
  else if (v->type == ROS_PARAM_DOUBLE) *(double *)out = v->double_value;
  else return ROS_ERR_INVALID_ARGUMENT;
  return ROS_OK;
}

static ros_status read_string(const ros_param_value *v, void *out, size_t size) {
  if (v->type != ROS_PARAM_STRING || size == 0) return ROS_ERR_INVALID_ARGUMENT;
  size_t len = strlen(v->string_value);
  if (len >= size) return ROS_ERR_LIMIT;
  memcpy(out, v->string_value, len + 1);
  return ROS_OK;
}

ros_status ros_params_get_bool(ros_node *n, const char *name, bool *out) {
  return with_value(n, name, read_bool, out, sizeof *out);
}
ros_status ros_params_get_int(ros_node *n, const char *name, int64_t *out) {
  return with_value(n, name, read_int, out, sizeof *out);
}
ros_status ros_params_get_double(ros_node *n, const char *name, double *out) {
  return with_value(n, name, read_double, out, sizeof *out);
}
ros_status ros_params_get_string(ros_node *n, const char *name, char *out, size_t size) {
  return with_value(n, name, read_string, out, size);
}

/* --- sets --- */

static bool is_placeholder(const ros_param_entry *pe, const ros_param_value *v) {
  return pe->d.secret && v->type == ROS_PARAM_STRING &&
         strcmp(v->string_value, ROS_PARAM_SECRET_PLACEHOLDER) == 0;
}

static ros_status refuse(char *reason, size_t size, ros_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ros_status refuse(char *reason, size_t size, ros_status st, const char *fmt, ...) {
  if (reason && size > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, size, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* Staged state of one apply: per assignment its entry, its copied value, and whether it is
 * skipped (a later duplicate wins, or a secret set to its placeholder). */
typedef struct staged {
  long idx;
  bool skip;
  ros_param_value v;
} staged;

static ros_status check_all(struct ros_param_server *ps, const ros_param_assignment *a, size_t n,
                            staged *s, char *reason, size_t size) {
  for (size_t i = 0; i < n; i++) { /* rclcpp: every name declared before anything else */
    if (!a[i].name || !a[i].value) return refuse(reason, size, ROS_ERR_INVALID_ARGUMENT, "%s", "missing name or value");
    if ((s[i].idx = ros_params_find_index(ps, a[i].name)) < 0)
      return refuse(reason, size, ROS_ERR_NOT_FOUND, "parameter '%s' cannot be set because it was not declared", a[i].name);
  }
  for (size_t i = 0; i < n; i++)
    if (ps->items[s[i].idx].d.read_only)
      return refuse(reason, size, ROS_ERR_REJECTED, "parameter '%s' is read-only", a[i].name);
  for (size_t i = 0; i < n; i++) {
    const ros_param_entry *pe = &ps->items[s[i].idx];
    for (size_t j = i + 1; j < n && !s[i].skip; j++) s[i].skip = s[j].idx == s[i].idx;
    if (s[i].skip || is_placeholder(pe, a[i].value)) {
      s[i].skip = true;
      continue;
    }
    if (ros_param_value_copy(&s[i].v, a[i].value) != ROS_PARAM_OK)
      return refuse(reason, size, ROS_ERR_NO_MEMORY, "parameter '%s': out of memory", a[i].name);
    /* d.type: the static type (with dynamic typing only the current one, and unused). */
    if (!pe->d.dynamic_typing) ros_params_adapt_empty_array(&s[i].v, pe->d.type);
    if (!ros_params_check_value(pe->name, &pe->d, pe->d.type, &s[i].v, reason, size))
      return ROS_ERR_REJECTED;
  }
  return ROS_OK;
}

static ros_status run_callback(struct ros_param_server *ps, const ros_param_assignment *a, size_t n,
                               staged *s, char *reason, size_t size) {
  ros_param_change *ch = calloc(n, sizeof *ch);
  if (!ch) return refuse(reason, size, ROS_ERR_NO_MEMORY, "%s", "out of memory");
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i].skip) continue;
    const ros_param_entry *pe = &ps->items[s[i].idx];
    ch[k++] = (ros_param_change){pe->name, &pe->value, &s[i].v, pe->d.secret};
  }
  char why[REASON_MAX] = "";
  ps->in_callback = true;
  bool ok = k == 0 || ps->cb(ps->cb_user, ch, k, why, sizeof why);
  ps->in_callback = false;
  free(ch);
  if (ok) return ROS_OK;
  why[sizeof why - 1] = '\0';
  return refuse(reason, size, ROS_ERR_REJECTED, "%s", why[0] ? why : "refused by the node");
}

ros_status ros_params_apply(struct ros_param_server *ps, const ros_param_assignment *a, size_t n,
                            bool use_callback, char *reason, size_t size) {
  if (reason && size > 0) reason[0] = '\0';
  if (n == 0) /* as rclcpp's set_parameters_atomically; so every calloc below gets n >= 1 */
    return refuse(reason, size, ROS_ERR_REJECTED, "%s", "parameter list cannot be empty");
  if (n > ROS_PARAMS_MAX_DECLARED)
    return refuse(reason, size, ROS_ERR_LIMIT, "too many parameters in one request (most %d)", ROS_PARAMS_MAX_DECLARED);
  staged *s = calloc(n, sizeof *s);
  if (!s) return refuse(reason, size, ROS_ERR_NO_MEMORY, "%s", "out of memory");
  for (size_t i = 0; i < n; i++) ros_param_value_init(&s[i].v);
  ros_param_event_item *changed = calloc(n, sizeof *changed);
  ros_param_event_item *deleted = calloc(n, sizeof *deleted);
  size_t n_changed = 0, n_deleted = 0;
  pthread_mutex_lock(&ps->lock);
  ros_status st = ROS_OK;
  if (!changed || !deleted) st = refuse(reason, size, ROS_ERR_NO_MEMORY, "%s", "out of memory");
  else if (ps->in_callback) st = refuse(reason, size, ROS_ERR_STATE, "%s", "parameters cannot be set inside the set callback");
  if (st == ROS_OK) st = check_all(ps, a, n, s, reason, size);
  if (st == ROS_OK && use_callback && ps->cb) st = run_callback(ps, a, n, s, reason, size);
  if (st == ROS_OK) {
    /* Commit: swap values in; undeclares are listed now and removed after the event, so
     * entry indices stay valid until then. */
    for (size_t i = 0; i < n; i++) {
      if (s[i].skip) continue;
      ros_param_entry *pe = &ps->items[s[i].idx];
      ros_param_value old = pe->value;
      pe->value = s[i].v;
      s[i].v = old; /* freed below */
      if (pe->d.dynamic_typing) pe->d.type = pe->value.type;
      ros_param_event_item it = {pe->name, &pe->value, pe->d.secret};
      if (pe->value.type == ROS_PARAM_NOT_SET) deleted[n_deleted++] = it;
      else changed[n_changed++] = it;
    }
    ros_params_publish_event(ps, NULL, 0, changed, n_changed, deleted, n_deleted);
    for (size_t i = 0; i < n_deleted; i++) remove_at(ps, (size_t)ros_params_find_index(ps, deleted[i].name));
  }
  pthread_mutex_unlock(&ps->lock);
  for (size_t i = 0; i < n; i++) ros_param_value_fini(&s[i].v);
  free(s);
  free(changed);
  free(deleted);
  return st;
}

ros_status ros_params_set(ros_node *n, const char *name, const ros_param_value *value, ros_error *e) {
  struct ros_param_server *ps = server_of(n);
  if (!ps || !name || !value)
    return ros_error_set(e, ROS_ERR_INVALID_ARGUMENT, "%s: node with parameters, name and value required", __func__);
  char reason[REASON_MAX];
  ros_param_assignment a = {name, value};
  ros_status st = ros_params_apply(ps, &a, 1, false, reason, sizeof reason);
  return st == ROS_OK ? ROS_OK : ros_error_set(e, st, "%s", reason);
}

ros_status ros_params_set_callback(ros_node *n, ros_params_set_fn fn, void *user) {
  struct ros_param_server *ps = server_of(n);
  if (!ps) return ROS_ERR_INVALID_ARGUMENT;
  pthread_mutex_lock(&ps->lock);
  ros_status st = ps->in_callback ? ROS_ERR_STATE : ROS_OK;
  if (st == ROS_OK) {
    ps->cb = fn;
    ps->cb_user = user;
  }
  pthread_mutex_unlock(&ps->lock);
  return st;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

ros_status ros_params_unused_overrides(ros_node *n, char ***names, size_t *count) {
  struct ros_param_server *ps = server_of(n);
  if (!ps || !names || !count) return ROS_ERR_INVALID_ARGUMENT;
  pthread_mutex_lock(&ps->lock);
  size_t k = 0;
  char **list = calloc(ps->overrides.count ? ps->overrides.count : 1, sizeof *list);
  ros_status st = list ? ROS_OK : ROS_ERR_NO_MEMORY;
  for (size_t i = 0; st == ROS_OK && i < ps->overrides.count; i++) {
    if (ps->override_used[i]) continue;
    if (!(list[k] = strdup(ps->overrides.items[i].name))) st = ROS_ERR_NO_MEMORY;
    else k++;
  }
  pthread_mutex_unlock(&ps->lock);
  if (st != ROS_OK) {
    for (size_t i = 0; i < k; i++) free(list[i]);
    free(list);
    return st;
  }
  qsort(list, k, sizeof *list, cmp_str);
  *names = list;
  *count = k;
  return ROS_OK;
}
