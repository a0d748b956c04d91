/* fuzz_wire.c: libFuzzer entry for the wire layer's handling of received requests, apart from
 * DDS (the service layer hands these functions the deserialised request struct, so any
 * lengths, NULL strings and type codes can arrive). The first byte picks what the rest is:
 *   0  an action server's goal bookkeeping driven by a program of received requests: SendGoal
 *      ids (zero, duplicate, unknown; table of 1..8 goals so it fills), CancelGoal requests
 *      (any id and raw stamp), goal events, expiry, eviction and the status array;
 *   1  parameter service requests (get, get_types, set, set_atomically, describe, list)
 *      answered by ros_params_answer on a store holding one parameter of every type (a secret,
 *      a read-only one, ranges, dynamic typing), with names and values of every type from the
 *      input. Checks: every reason is a NUL-terminated string, results match the request,
 *      and the secret's value never appears in an answer. Everything is freed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ros/ros_goal_state.h"
#include "ros/ros_params_check.h"
#include "ros/ros_params_internal.h"

#define SECRET "fuzz-secret-key-0123456789"
#define MAX_ENTRIES 16
#define MAX_ARRAY 64

typedef struct reader {
  const uint8_t *d;
  size_t n;
} reader;

static uint8_t u8(reader *r) {
  if (!r->n) return 0;
  r->n--;
  return *r->d++;
}

static uint64_t u64(reader *r, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v = v << 8 | u8(r);
  return v;
}

static void require(int cond) {
  if (!cond) abort();
}

/* --- mode 0: goals --- */

static void make_id(uint8_t b, ros_goal_id *id) {
  memset(id, 0, sizeof *id);
  if (b % 16 == 0) return; /* the zero id */
  id->uuid[0] = (uint8_t)(b % 16);
  id->uuid[15] = b;
}

static void fuzz_goals(reader *r) {
  ros_goal_table t = {0};
  size_t max = u8(r) % 8 + 1;
  if (ros_goal_table_init(&t, max, NULL) != ROS_OK) return;
  static int data_tag;
  size_t *match = malloc(max * sizeof *match);
  int64_t now = 0;
  while (r->n && match) {
    uint8_t op = u8(r);
    ros_goal_id id;
    make_id(u8(r), &id);
    now += u8(r) * 1000000LL;
    void *old = NULL;
    switch (op % 6) {
      case 0: /* SendGoal */
        if (ros_goal_table_admit(&t, &id, &old, NULL) == ROS_OK) {
          ros_goal_info info = {id, (int64_t)u64(r, 8)};
          require(ros_goal_table_add(&t, &info, &data_tag, NULL) == ROS_OK);
          require(ros_goal_table_find(&t, &id) != NULL);
        } else {
          require(old == NULL);
        }
        break;
      case 1: { /* the owner moves a goal */
        ros_goal_status st;
        (void)ros_goal_table_apply(&t, &id, (ros_goal_event)(u8(r) % (ROS_GOAL_EVENT_COUNT + 1)), now, &st, NULL);
        break;
      }
      case 2: { /* CancelGoal with a raw stamp, then every match accepted */
        ros_goal_info want = {id, ros_action_time_to_ns((int32_t)u64(r, 4), (uint32_t)u64(r, 4))};
        size_t n = 0;
        ros_cancel_code none = ros_goal_cancel_match(&t, &want, match, &n);
        require(n <= t.count);
        ros_goal_id ids[8];
        for (size_t i = 0; i < n; i++) ids[i] = t.entries[match[i]].info.id;
        size_t accepted = 0;
        for (size_t i = 0; i < n; i++)
          accepted += ros_goal_table_apply(&t, &ids[i], ROS_GOAL_EVENT_CANCEL_GOAL, now, NULL, NULL) == ROS_OK;
        require(accepted == n); /* matched goals are cancelable */
        (void)ros_goal_cancel_code(none, n, accepted);
        break;
      }
      case 3: (void)ros_goal_table_expire(&t, now, (int64_t)u8(r) * 1000000LL, NULL, NULL); break;
      case 4: (void)ros_goal_table_evict_oldest_terminal(&t); break;
      case 5: {
        action_msgs_msg_dds__GoalStatusArray_ a;
        if (ros_goal_table_status_array(&t, &a, NULL) == ROS_OK) {
          require(a.status_list._length == t.count);
          ros_goal_status_array_fini(&a);
        }
        break;
      }
    }
    require(t.count <= t.max && ros_goal_table_active_count(&t) <= t.count);
    for (size_t i = 0; i < t.count; i++) {
      require(!ros_goal_id_is_zero(&t.entries[i].info.id));
      for (size_t j = i + 1; j < t.count; j++)
        require(memcmp(&t.entries[i].info.id, &t.entries[j].info.id, sizeof id) != 0);
    }
  }
  free(match);
  ros_goal_table_fini(&t);
}

/* --- mode 1: parameter services --- */

static void declare(struct ros_param_server *ps, const char *name, const ros_param_value *v,
                    const ros_param_descriptor *d) {
  if (ros_params_declare_on(ps, name, v, d, NULL) != ROS_OK) abort(); /* the fixture itself is valid */
}

static struct ros_param_server *make_store(void) {
  struct ros_param_server *ps = ros_param_server_new_detached();
  if (!ps) return NULL;
  ros_param_value v;
  ros_param_value_init(&v);
  require(ros_param_value_set_string(&v, SECRET) == ROS_PARAM_OK);
  declare(ps, "api_key", &v, &(ros_param_descriptor){.type = ROS_PARAM_STRING, .secret = true});
  require(ros_param_value_set_string(&v, "http://localhost:1234") == ROS_PARAM_OK);
  declare(ps, "url", &v, &(ros_param_descriptor){.type = ROS_PARAM_STRING, .read_only = true});
  ros_param_value_set_bool(&v, true);
  declare(ps, "flag", &v, NULL);
  ros_param_value_set_integer(&v, 10);
  declare(ps, "limits.count", &v,
          &(ros_param_descriptor){.type = ROS_PARAM_INTEGER, .integer_range = {true, 0, 100, 5}});
  ros_param_value_set_double(&v, 0.5);
  declare(ps, "limits.ratio", &v,
          &(ros_param_descriptor){.type = ROS_PARAM_DOUBLE, .floating_point_range = {true, 0.0, 1.0, 0.25}});
  require(ros_param_value_set_byte_array(&v, (const uint8_t *)"ab", 2) == ROS_PARAM_OK);
  declare(ps, "bytes", &v, NULL);
  require(ros_param_value_set_bool_array(&v, (const bool[]){true, false}, 2) == ROS_PARAM_OK);
  declare(ps, "bools", &v, NULL);
  require(ros_param_value_set_integer_array(&v, (const int64_t[]){1, 2}, 2) == ROS_PARAM_OK);
  declare(ps, "a.b.ints", &v, &(ros_param_descriptor){.type = ROS_PARAM_INTEGER_ARRAY, .integer_range = {true, -5, 5, 0}});
  require(ros_param_value_set_double_array(&v, (const double[]){1.5}, 1) == ROS_PARAM_OK);
  declare(ps, "a.doubles", &v, NULL);
  require(ros_param_value_set_string_array(&v, (const char *const[]){"x", "y"}, 2) == ROS_PARAM_OK);
  declare(ps, "a.b.c.strings", &v, NULL);
  ros_param_value_set_integer(&v, 1);
  declare(ps, "dyn", &v, &(ros_param_descriptor){.dynamic_typing = true});
  ros_param_value_fini(&v);
  return ps;
}

/* Refuses any change whose new value is the integer 13, so the callback path runs too. */
static bool on_set(void *user, const ros_param_change *ch, size_t n, char *reason, size_t size) {
  (void)user;
  for (size_t i = 0; i < n; i++)
    if (ch[i].new_value->type == ROS_PARAM_INTEGER && ch[i].new_value->integer_value == 13) {
      snprintf(reason, size, "13 is refused");
      return false;
    }
  return true;
}

static const char *const known_names[] = {"api_key", "url", "flag", "limits.count", "limits.ratio", "bytes",
                                          "bools", "a.b.ints", "a.doubles", "a.b.c.strings", "dyn", "limits",
                                          "a", "a.b", "", "nope"};

/* A name: one of the store's (and near misses), NULL, or up to 32 raw bytes. */
static char *take_name(reader *r, char **owned) {
  uint8_t k = u8(r);
  if (k < 200) return (char *)known_names[k % (sizeof known_names / sizeof known_names[0])];
  if (k == 255) return NULL;
  size_t len = u8(r) % 33;
  char *s = calloc(len + 1, 1);
  for (size_t i = 0; s && i < len; i++) s[i] = (char)u8(r);
  *owned = s;
  return s;
}

typedef struct request_mem {
  char *owned[MAX_ENTRIES * (MAX_ARRAY + 1) + MAX_ENTRIES];
  size_t n_owned;
  void *blocks[MAX_ENTRIES * 5 + 2];
  size_t n_blocks;
} request_mem;

static void *keep(request_mem *m, void *p) {
  if (p && m->n_blocks < sizeof m->blocks / sizeof m->blocks[0]) m->blocks[m->n_blocks++] = p;
  else if (p) {
    free(p);
    p = NULL;
  }
  return p;
}

static char *name_in(reader *r, request_mem *m) {
  char *owned = NULL;
  char *s = take_name(r, &owned);
  if (owned) m->owned[m->n_owned++] = owned;
  return s;
}

#define FILL_SEQ(seq, type, len, expr)                                           \
  do {                                                                           \
    (seq)._length = (seq)._maximum = (uint32_t)(len);                            \
    (seq)._buffer = keep(m, calloc((len) ? (len) : 1, sizeof(type)));            \
    if (!(seq)._buffer) (seq)._length = 0;                                       \
    for (uint32_t k_ = 0; k_ < (seq)._length; k_++) (seq)._buffer[k_] = (expr); \
  } while (0)

/* A ParameterValue with any type code and every field filled, as a peer may send it. */
static void take_value(reader *r, request_mem *m, rcl_interfaces_msg_dds__ParameterValue_ *v) {
  uint8_t t = u8(r);
  v->type = t < 240 ? t % 10 : t;
  v->bool_value = u8(r) & 1;
  v->integer_value = u8(r) & 1 ? 13 : (int64_t)u64(r, 8);
  uint64_t bits = u64(r, 8);
  memcpy(&v->double_value, &bits, sizeof bits);
  v->string_value = u8(r) & 1 ? (char *)SECRET : name_in(r, m);
  uint32_t len = u8(r) % MAX_ARRAY;
  FILL_SEQ(v->byte_array_value, uint8_t, len, u8(r));
  FILL_SEQ(v->bool_array_value, bool, len, u8(r) & 1);
  FILL_SEQ(v->integer_array_value, int64_t, len, (int64_t)(int8_t)u8(r));
  FILL_SEQ(v->double_array_value, double, len, (double)(int8_t)u8(r) / 4.0);
  FILL_SEQ(v->string_array_value, char *, len, name_in(r, m));
}

static bool is_secret_name(const char *s) { return s && strcmp(s, "api_key") == 0; }

/* names: the request's names (get, types, describe) or set entries' names, n of them. */
static void check_answer(ros_params_srv_kind kind, char *const *names, uint32_t n, const ros_params_response *rs) {
  switch (kind) {
    case ROS_PARAMS_SRV_GET:
      require(rs->get.values._length == 0 || rs->get.values._length == n);
      for (uint32_t i = 0; i < rs->get.values._length; i++) {
        const rcl_interfaces_msg_dds__ParameterValue_ *v = &rs->get.values._buffer[i];
        require(v->string_value != NULL);
        if (is_secret_name(names[i])) /* served as its placeholder, whatever a set did */
          require(v->type == ROS_PARAM_STRING && strcmp(v->string_value, ROS_PARAM_SECRET_PLACEHOLDER) == 0);
      }
      break;
    case ROS_PARAMS_SRV_TYPES: require(rs->types.types._length == 0 || rs->types.types._length == n); break;
    case ROS_PARAMS_SRV_SET:
      require(rs->set.results._length == n);
      for (uint32_t i = 0; i < n; i++) {
        const char *why = rs->set.results._buffer[i].reason;
        require(why != NULL && strlen(why) < ROS_PARAMS_REASON_MAX);
        require(!rs->set.results._buffer[i].successful || why[0] == '\0');
        if (is_secret_name(names[i])) require(strstr(why, SECRET) == NULL);
      }
      break;
    case ROS_PARAMS_SRV_SET_ATOMIC:
      require(rs->set_atomic.result.reason != NULL && strlen(rs->set_atomic.result.reason) < ROS_PARAMS_REASON_MAX);
      break;
    case ROS_PARAMS_SRV_DESCRIBE:
      require(rs->describe.descriptors._length == 0 || rs->describe.descriptors._length == n);
      break;
    case ROS_PARAMS_SRV_LIST:
      for (uint32_t i = 0; i < rs->list.result.names._length; i++) require(rs->list.result.names._buffer[i] != NULL);
      break;
    default: break;
  }
}

static void fuzz_params(reader *r) {
  struct ros_param_server *ps = make_store();
  if (!ps) return;
  ps->cb = on_set;
  while (r->n) {
    request_mem *m = calloc(1, sizeof *m);
    if (!m) break;
    ros_params_srv_kind kind = (ros_params_srv_kind)(u8(r) % ROS_PARAMS_SRV_COUNT);
    uint32_t n = u8(r) % MAX_ENTRIES;
    union {
      rcl_interfaces_srv_dds__GetParameters_Request_ names;
      rcl_interfaces_srv_dds__SetParameters_Request_ set;
      rcl_interfaces_srv_dds__ListParameters_Request_ list;
    } rq;
    memset(&rq, 0, sizeof rq);
    char *names[MAX_ENTRIES] = {0};
    /* GetParameters, GetParameterTypes and DescribeParameters requests share one layout. */
    _Static_assert(sizeof(rcl_interfaces_srv_dds__GetParameters_Request_) ==
                       sizeof(rcl_interfaces_srv_dds__DescribeParameters_Request_), "layouts differ");
    _Static_assert(sizeof(rcl_interfaces_srv_dds__SetParameters_Request_) ==
                       sizeof(rcl_interfaces_srv_dds__SetParametersAtomically_Request_), "layouts differ");
    if (kind == ROS_PARAMS_SRV_SET || kind == ROS_PARAMS_SRV_SET_ATOMIC) {
      FILL_SEQ(rq.set.parameters, rcl_interfaces_msg_dds__Parameter_, n, (rcl_interfaces_msg_dds__Parameter_){0});
      for (uint32_t i = 0; i < rq.set.parameters._length; i++) {
        rq.set.parameters._buffer[i].name = name_in(r, m);
        take_value(r, m, &rq.set.parameters._buffer[i].value);
      }
      n = rq.set.parameters._length;
      for (uint32_t i = 0; i < n; i++) names[i] = rq.set.parameters._buffer[i].name;
    } else if (kind == ROS_PARAMS_SRV_LIST) {
      FILL_SEQ(rq.list.prefixes, char *, n, name_in(r, m));
      rq.list.depth = u8(r) % 5;
    } else {
      FILL_SEQ(rq.names.names, char *, n, name_in(r, m));
      n = rq.names.names._length;
      for (uint32_t i = 0; i < n; i++) names[i] = rq.names.names._buffer[i];
    }
    ros_params_response rs;
    ros_params_scratch sc;
    ros_params_answer(ps, kind, &rq, &rs, &sc);
    check_answer(kind, names, n, &rs);
    ros_params_scratch_free(&sc);
    for (size_t i = 0; i < m->n_owned; i++) free(m->owned[i]);
    for (size_t i = 0; i < m->n_blocks; i++) free(m->blocks[i]);
    free(m);
  }
  ros_param_server_destroy(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 8192) return 0;
  reader r = {data + 1, size - 1};
  if (data[0] % 2 == 0) fuzz_goals(&r);
  else fuzz_params(&r);
  return 0;
}
