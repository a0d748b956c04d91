/* test_ros_service.c: ROS 2 service servers over real DDS (loopback, one domain per case):
 * arguments, endpoint names/types/QoS/USER_DATA as peers see them, the request header echoed
 * on the wire, replies held until the client's reply reader matched (and given up after ~1 s
 * without blocking the loop), replies to clients that left, legacy clients, the bounded reply
 * queue, and malformed requests. (The deep copy behind deferred replies: test_ros_service_copy.c.) */
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "ros_service_fixture.h"
#include "ros_test_util.h"
#include "testing.h"

/* ---- a SetModel server that answers at once (echo) or keeps the ids for later ---- */

#define MAX_KEPT 2048
typedef struct server_state {
  ros_service *svc;
  bool defer;
  int requests;
  ros_request_id ids[MAX_KEPT];
  char names[MAX_KEPT][32];
  ros_status last_reply;
  int limited;               /* replies refused with ROS_ERR_LIMIT */
} server_state;

static void answer(server_state *st, ros_service *s, const ros_request_id *id, const char *name) {
  st->last_reply = reply_setmodel(s, id, "", name);
  if (st->last_reply == ROS_ERR_LIMIT) st->limited++;
}

static void on_setmodel(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  server_state *st = user;
  const setmodel_req *rq = request;
  if (st->requests < MAX_KEPT) {
    st->ids[st->requests] = *id;
    snprintf(st->names[st->requests], sizeof st->names[0], "%s",
             rq->model_name ? rq->model_name : "");
  }
  st->requests++;
  if (!st->defer) answer(st, s, id, rq->model_name);
}

static ros_service *make_server(fixture *f, const char *name, server_state *st) {
  ros_error e;
  ros_service *s = NULL;
  CHECK_MSG(ros_service_create(f->node, name, SETMODEL, NULL, on_setmodel, st, &s, &e) == ROS_OK,
            "%s", e.message);
  st->svc = s;
  return s;
}

/* A client of name that found its server. */
static ros_client *connect_client(fixture *f, const char *name) {
  ros_error e;
  ros_client *c = NULL;
  CHECK_MSG(ros_client_create(f->node, name, SETMODEL, NULL, &c, &e) == ROS_OK, "%s", e.message);
  CHECK(ros_client_wait_for_service(c, 5000000000LL) == ROS_OK);
  return c;
}

/* The raw SetModel request (or reply) type, for endpoints that play a foreign peer. */
static const dds_topic_descriptor_t *setmodel_desc(bool request) {
  return ros_types_find(request ? SETMODEL "_Request" : SETMODEL "_Response")->desc;
}

/* Takes one SetModel reply from a raw reader (spinning the server meanwhile). */
typedef struct raw_take { dds_entity_t rd; setmodel_resp *out; int got; } raw_take;
static bool raw_took(void *arg) {
  raw_take *t = arg;
  dds_sample_info_t info;
  void *p = t->out;
  while (dds_take(t->rd, &p, &info, 1, 1) == 1) {
    if (info.valid_data) {
      t->got++;
      return true;
    }
  }
  return false;
}

static char *userdata_of(dds_entity_t ent) {
  dds_qos_t *q = dds_create_qos();
  CHECK(dds_get_qos(ent, q) == DDS_RETCODE_OK);
  void *blob = NULL;
  size_t sz = 0;
  CHECK(dds_qget_userdata(q, &blob, &sz));
  dds_delete_qos(q);
  CHECK(blob != NULL && sz > 0);
  char *s = malloc(sz + 1);
  memcpy(s, blob, sz);
  s[sz] = '\0';
  dds_free(blob);
  return s;
}

TEST(ros_service_create_bad_arguments) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_args", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = NULL;
  CHECK_EQ_INT(ros_service_create(NULL, "x", SETMODEL, NULL, on_setmodel, &st, &s, &e),
               ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_service_create(f.node, NULL, SETMODEL, NULL, on_setmodel, &st, &s, &e),
               ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_service_create(f.node, "x", NULL, NULL, on_setmodel, &st, &s, &e),
               ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_service_create(f.node, "x", SETMODEL, NULL, NULL, &st, &s, &e),
               ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_service_create(f.node, "x", SETMODEL, NULL, on_setmodel, &st, NULL, &e),
               ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_service_create(f.node, "x", "lm_studio_interfaces/srv/Nope", NULL, on_setmodel,
                                  &st, &s, &e), ROS_ERR_UNKNOWN_TYPE);
  CHECK_CONTAINS(e.message, "Nope");
  /* A message type is not a service type. */
  CHECK_EQ_INT(ros_service_create(f.node, "x", "std_msgs/msg/String", NULL, on_setmodel, &st, &s,
                                  &e), ROS_ERR_UNKNOWN_TYPE);
  CHECK_EQ_INT(ros_service_create(f.node, "bad//name", SETMODEL, NULL, on_setmodel, &st, &s, &e),
               ROS_ERR_BAD_NAME);
  CHECK_EQ_INT(ros_service_create(f.node, "9lives", SETMODEL, NULL, on_setmodel, &st, &s, &e),
               ROS_ERR_BAD_NAME);
  CHECK(s == NULL);
  ros_service_destroy(NULL);
  setmodel_resp r = {0};
  ros_request_id id = {0};
  CHECK_EQ_INT(ros_service_reply(NULL, &id, &r, NULL), ROS_ERR_INVALID_ARGUMENT);
  CHECK(ros_service_name(NULL) == NULL);
  CHECK_EQ_INT(ros_service_pending_replies(NULL), 0);
  /* The node refuses to go while a service is attached. */
  s = make_server(&f, "~/private", &st);
  CHECK_EQ_STR(ros_service_name(s), "/svc_args/private");
  CHECK_EQ_INT(ros_service_reply(s, NULL, &r, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_service_reply(s, &id, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  /* An id nobody sent: its writer is not matched, so the reply has nowhere to go. */
  CHECK_EQ_INT(ros_service_reply(s, &id, &r, &e), ROS_ERR_NOT_FOUND);
  CHECK_EQ_INT(ros_node_destroy(f.node), ROS_ERR_BUSY);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

TEST(ros_service_endpoints_names_types_user_data) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_ud", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = make_server(&f, "set_model", &st);
  dds_entity_t rd = ros_service_request_reader(s), wr = ros_service_reply_writer(s);
  char buf[256];
  CHECK(dds_get_name(dds_get_topic(rd), buf, sizeof buf) > 0);
  CHECK_EQ_STR(buf, "rq/set_modelRequest");
  CHECK(dds_get_type_name(dds_get_topic(rd), buf, sizeof buf) > 0);
  CHECK_EQ_STR(buf, "lm_studio_interfaces::srv::dds_::SetModel_Request_");
  CHECK(dds_get_name(dds_get_topic(wr), buf, sizeof buf) > 0);
  CHECK_EQ_STR(buf, "rr/set_modelReply");
  CHECK(dds_get_type_name(dds_get_topic(wr), buf, sizeof buf) > 0);
  CHECK_EQ_STR(buf, "lm_studio_interfaces::srv::dds_::SetModel_Response_");

  /* Our own view of the two endpoints' USER_DATA. */
  char *ud_rd = userdata_of(rd), *ud_wr = userdata_of(wr);
  char id_rd[128], id_wr[128], h_rd[128], h_wr[128];
  CHECK(ros_qos_user_data_get(ud_rd, strlen(ud_rd), "serviceid", id_rd, sizeof id_rd));
  CHECK(ros_qos_user_data_get(ud_wr, strlen(ud_wr), "serviceid", id_wr, sizeof id_wr));
  CHECK_EQ_STR(id_rd, id_wr);
  CHECK(strncmp(ud_rd, "serviceid=", 10) == 0); /* the id comes before the type hash */
  CHECK(ros_qos_user_data_get(ud_rd, strlen(ud_rd), "typehash", h_rd, sizeof h_rd));
  CHECK(ros_qos_user_data_get(ud_wr, strlen(ud_wr), "typehash", h_wr, sizeof h_wr));
  CHECK_EQ_STR(h_rd, ros_types_find(SETMODEL "_Request")->type_hash);
  CHECK_EQ_STR(h_wr, ros_types_find(SETMODEL "_Response")->type_hash);
  CHECK(strncmp(h_rd, "RIHS01_", 7) == 0);
  free(ud_rd);
  free(ud_wr);

  /* A second service gets another identity. */
  server_state st2 = {0};
  ros_service *s2 = make_server(&f, "other", &st2);
  char *ud2 = userdata_of(ros_service_request_reader(s2));
  char id2[128];
  CHECK(ros_qos_user_data_get(ud2, strlen(ud2), "serviceid", id2, sizeof id2));
  CHECK(strcmp(id2, id_rd) != 0);
  free(ud2);

  /* What another participant learns through discovery (DCPSSubscription/DCPSPublication). */
  static const struct { char kind; const char *topic, *type; } seen[2] = {
      {'R', "rq/set_modelRequest", SETMODEL "_Request"},
      {'W', "rr/set_modelReply", SETMODEL "_Response"}};
  for (int k = 0; k < 2; k++) {
    test_endpoint ep;
    CHECK_MSG(test_find_endpoint(seen[k].kind, seen[k].topic, 5000, &ep), "%s", seen[k].topic);
    const char *ud = ep.raw_user_data;
    char hash[128], sid[128];
    CHECK(ros_qos_user_data_get(ud, strlen(ud), "typehash", hash, sizeof hash));
    CHECK_EQ_STR(hash, ros_types_find(seen[k].type)->type_hash);
    CHECK(ros_qos_user_data_get(ud, strlen(ud), "serviceid", sid, sizeof sid));
    CHECK_EQ_STR(sid, id_rd);
  }
  ros_service_destroy(s2);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

static void check_qos(dds_entity_t ent, int32_t depth) {
  dds_qos_t *q = dds_create_qos();
  CHECK(dds_get_qos(ent, q) == DDS_RETCODE_OK);
  dds_reliability_kind_t rk;
  dds_duration_t blocking;
  CHECK(dds_qget_reliability(q, &rk, &blocking));
  CHECK_EQ_INT(rk, DDS_RELIABILITY_RELIABLE);
  dds_durability_kind_t dk;
  CHECK(dds_qget_durability(q, &dk));
  CHECK_EQ_INT(dk, DDS_DURABILITY_VOLATILE);
  dds_history_kind_t hk;
  int32_t d;
  CHECK(dds_qget_history(q, &hk, &d));
  CHECK_EQ_INT(hk, DDS_HISTORY_KEEP_LAST);
  CHECK_EQ_INT(d, depth);
  dds_delete_qos(q);
}

TEST(ros_service_qos_explicit_on_both_endpoints) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_qos", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = make_server(&f, "q", &st);
  check_qos(ros_service_request_reader(s), 10);
  check_qos(ros_service_reply_writer(s), 10);
  ros_client *c = NULL;
  CHECK(ros_client_create(f.node, "q", SETMODEL, NULL, &c, &e) == ROS_OK);
  check_qos(ros_client_request_writer(c), 10);
  check_qos(ros_client_reply_reader(c), 10);
  ros_client_destroy(c);
  ros_service_destroy(s);
  /* An explicit profile lands on both endpoints unchanged. */
  ros_service *p = NULL;
  CHECK(ros_service_create(f.node, "p", SETMODEL, &ros_qos_parameters, on_setmodel, &st, &p, &e) ==
        ROS_OK);
  check_qos(ros_service_request_reader(p), 1000);
  check_qos(ros_service_reply_writer(p), 1000);
  ros_service_destroy(p);
  CHECK(fixture_fini(&f));
}

typedef struct call_rec {
  int calls;
  ros_status status;
  char message[64];
  int64_t hdr_seq;
  uint64_t hdr_guid;
} call_rec;

static void on_response(void *user, ros_client *c, const void *response, ros_status status) {
  (void)c;
  call_rec *r = user;
  r->calls++;
  r->status = status;
  if (response) {
    const setmodel_resp *p = response;
    snprintf(r->message, sizeof r->message, "%s", p->message ? p->message : "");
    r->hdr_seq = p->hdr_seq;
    r->hdr_guid = p->hdr_guid;
  }
}

TEST(ros_service_header_echoed_on_the_wire) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_hdr", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = make_server(&f, "echo", &st);
  /* Raw observers of both directions, as another process would see the traffic. */
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  dds_entity_t rq = raw_endpoint(pp, "rq/echoRequest", setmodel_desc(true), true, NULL, 10);
  dds_entity_t rr = raw_endpoint(pp, "rr/echoReply", setmodel_desc(false), true, NULL, 10);
  CHECK(rq > 0 && rr > 0);
  ros_client *c = connect_client(&f, "echo");
  int64_t seq1 = 0, seq2 = 0;
  call_rec r1 = {0}, r2 = {0};
  setmodel_req req = {.model_name = "alpha"};
  CHECK(ros_client_call(c, &req, on_response, &r1, 0, &seq1, &e) == ROS_OK);
  CHECK_EQ_INT(req.hdr_seq, seq1);
  CHECK(req.hdr_guid == ros_client_id(c));
  req.model_name = "beta";
  CHECK(ros_client_call(c, &req, on_response, &r2, 0, &seq2, &e) == ROS_OK);
  CHECK(seq1 >= 1 && seq2 == seq1 + 1); /* per-process counter */
  CHECK(wait_count(&f, &r2.calls, 1, 5000));
  CHECK_EQ_INT(r1.calls, 1);
  CHECK_EQ_STR(r1.message, "alpha");
  CHECK_EQ_STR(r2.message, "beta");

  /* The client id is the request writer's instance handle; in one process the server sees
   * that very handle as the sample's publication handle. */
  dds_instance_handle_t ih = 0;
  CHECK(dds_get_instance_handle(ros_client_request_writer(c), &ih) == DDS_RETCODE_OK);
  CHECK(ros_client_id(c) == ih);
  CHECK(st.ids[0].client_id == ih && st.ids[0].seq == seq1);
  CHECK(st.ids[0].publication_handle == ih);

  /* On the wire: requests and replies carry the same 16 header bytes. */
  for (int i = 0; i < 2; i++) {
    setmodel_req wreq;
    memset(&wreq, 0, sizeof wreq);
    void *p = &wreq;
    dds_sample_info_t info;
    CHECK_EQ_INT(dds_take(rq, &p, &info, 1, 1), 1);
    CHECK(wreq.hdr_guid == ih);
    CHECK_EQ_INT(wreq.hdr_seq, seq1 + i);
    CHECK_EQ_STR(wreq.model_name, i ? "beta" : "alpha");
    lm_studio_interfaces_srv_dds__SetModel_Request__free(&wreq, DDS_FREE_CONTENTS);
    setmodel_resp wresp;
    memset(&wresp, 0, sizeof wresp);
    p = &wresp;
    CHECK_EQ_INT(dds_take(rr, &p, &info, 1, 1), 1);
    CHECK(wresp.hdr_guid == ih);
    CHECK_EQ_INT(wresp.hdr_seq, seq1 + i);
    CHECK_EQ_STR(wresp.message, i ? "beta" : "alpha");
    lm_studio_interfaces_srv_dds__SetModel_Response__free(&wresp, DDS_FREE_CONTENTS);
  }
  ros_service_stats ss;
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.requests, 2);
  CHECK_EQ_INT(ss.replies_sent, 2);
  CHECK_EQ_INT(ss.replies_deferred, 0);
  dds_delete(pp);
  ros_client_destroy(c);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

/* A foreign client whose reply reader comes late: the replies wait, then arrive in order. */
TEST(ros_service_reply_waits_for_client_reply_reader) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_late", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = make_server(&f, "late", &st);
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  const char *ud = "clientid= 1.2.3.4.5.6.7.8.9.a.b.c.0.0.0.1;";
  dds_entity_t w = raw_endpoint(pp, "rq/lateRequest", setmodel_desc(true), false, ud, 10);
  CHECK(w > 0);
  CHECK(spin_until_matched(f.ctx, w, false, 5000));
  for (int i = 0; i < 3; i++) {
    char name[8] = {'m', (char)('0' + i), 0};
    setmodel_req rq = {.hdr_guid = 77, .hdr_seq = 100 + i, .model_name = name};
    CHECK(dds_write(w, &rq) == DDS_RETCODE_OK);
  }
  CHECK(wait_count(&f, &st.requests, 3, 5000));
  CHECK_EQ_INT(ros_service_pending_replies(s), 3);
  spin_for(f.ctx, 200); /* still nobody to read them: they keep waiting */
  CHECK_EQ_INT(ros_service_pending_replies(s), 3);
  ros_service_stats ss;
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_deferred, 3);
  CHECK_EQ_INT(ss.replies_sent, 0);

  dds_entity_t rd = raw_endpoint(pp, "rr/lateReply", setmodel_desc(false), true, ud, 10);
  CHECK(rd > 0);
  for (int i = 0; i < 3; i++) {
    setmodel_resp resp;
    memset(&resp, 0, sizeof resp);
    raw_take t = {rd, &resp, 0};
    CHECK_MSG(spin_until(f.ctx, raw_took, &t, 3000), "reply %d did not arrive", i);
    CHECK(resp.hdr_guid == 77);
    CHECK_EQ_INT(resp.hdr_seq, 100 + i); /* in the order they were given */
    char name[8] = {'m', (char)('0' + i), 0};
    CHECK_EQ_STR(resp.message, name);
    lm_studio_interfaces_srv_dds__SetModel_Response__free(&resp, DDS_FREE_CONTENTS);
  }
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_sent, 3);
  CHECK_EQ_INT(ros_service_pending_replies(s), 0);
  /* Now matched: the next reply goes out at once. */
  setmodel_req rq = {.hdr_guid = 77, .hdr_seq = 200, .model_name = "now"};
  CHECK(dds_write(w, &rq) == DDS_RETCODE_OK);
  CHECK(wait_count(&f, &st.requests, 4, 5000));
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_sent, 4);
  CHECK_EQ_INT(ss.replies_deferred, 3);
  dds_delete(pp);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

static bool timed_out_once(void *arg) {
  ros_service_stats ss;
  ros_service_get_stats(arg, &ss);
  return ss.replies_timed_out >= 1;
}

/* A foreign client that never reads replies: the server gives up after about a second and
 * meanwhile keeps serving everybody else. */
TEST(ros_service_reply_gives_up_without_blocking_the_loop) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_giveup", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = make_server(&f, "giveup", &st);
  ros_client *c = connect_client(&f, "giveup");
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  dds_entity_t w = raw_endpoint(pp, "rq/giveupRequest", setmodel_desc(true), false,
                                "clientid=nobody;", 10);
  CHECK(spin_until_matched(f.ctx, w, false, 5000));
  setmodel_req rq = {.hdr_guid = 5, .hdr_seq = 1, .model_name = "lost"};
  CHECK(dds_write(w, &rq) == DDS_RETCODE_OK);
  CHECK(wait_count(&f, &st.requests, 1, 5000));
  int64_t t0 = clock_mono_ms();
  CHECK_EQ_INT(ros_service_pending_replies(s), 1);
  /* Other clients are served while that reply waits. */
  int served = 0;
  while (ros_service_pending_replies(s) == 1 && clock_mono_ms() - t0 < 800) {
    call_rec r = {0};
    setmodel_req q = {.model_name = "ok"};
    CHECK(ros_client_call(c, &q, on_response, &r, 2000000000LL, NULL, &e) == ROS_OK);
    CHECK(wait_count(&f, &r.calls, 1, 2000));
    CHECK_EQ_INT(r.status, ROS_OK);
    CHECK_EQ_STR(r.message, "ok");
    served++;
  }
  CHECK(served >= 5);
  CHECK(spin_until(f.ctx, timed_out_once, s, 3000));
  int64_t waited = clock_mono_ms() - t0;
  CHECK_MSG(waited >= 900 && waited <= 1600, "gave up after %lld ms", (long long)waited);
  CHECK_EQ_INT(ros_service_pending_replies(s), 0);
  ros_service_stats ss;
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_timed_out, 1);
  CHECK_EQ_INT(ss.replies_sent, served);
  dds_delete(pp);
  ros_client_destroy(c);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

/* Deferred replies in any order; a reply to a client that left is dropped. */
TEST(ros_service_deferred_replies_out_of_order) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_defer", &e), "%s", e.message);
  server_state st = {.defer = true};
  ros_service *s = make_server(&f, "defer", &st);
  ros_client *c = connect_client(&f, "defer");
  call_rec r[5];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 5; i++) {
    char name[8] = {'d', (char)('0' + i), 0};
    setmodel_req q = {.model_name = name};
    CHECK(ros_client_call(c, &q, on_response, &r[i], 0, NULL, &e) == ROS_OK);
  }
  CHECK(wait_count(&f, &st.requests, 5, 5000));
  spin_for(f.ctx, 50);
  for (int i = 0; i < 5; i++) CHECK_EQ_INT(r[i].calls, 0);
  /* Answer 4, 2, 0, 3, 1, from copies of the ids (they are plain values). */
  static const int order[5] = {4, 2, 0, 3, 1};
  for (int k = 0; k < 5; k++) {
    ros_request_id id = st.ids[order[k]];
    answer(&st, s, &id, st.names[order[k]]);
    CHECK_EQ_INT(st.last_reply, ROS_OK);
  }
  CHECK(wait_count(&f, &r[1].calls, 1, 5000));
  spin_for(f.ctx, 50);
  for (int i = 0; i < 5; i++) {
    char name[8] = {'d', (char)('0' + i), 0};
    CHECK_EQ_INT(r[i].calls, 1);
    CHECK_EQ_STR(r[i].message, name);
  }
  /* One more request, then the client leaves before the answer. */
  call_rec gone = {0};
  setmodel_req q = {.model_name = "bye"};
  CHECK(ros_client_call(c, &q, on_response, &gone, 0, NULL, &e) == ROS_OK);
  CHECK(wait_count(&f, &st.requests, 6, 5000));
  ros_client_destroy(c);
  CHECK_EQ_INT(gone.calls, 1);
  CHECK_EQ_INT(gone.status, ROS_CLIENT_CANCELED);
  spin_for(f.ctx, 100);
  setmodel_resp resp = {0};
  CHECK_EQ_INT(ros_service_reply(s, &st.ids[5], &resp, &e), ROS_ERR_NOT_FOUND);
  ros_service_stats ss;
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_gone, 1);
  CHECK_EQ_INT(ss.replies_sent, 5);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

/* A client without clientid (an old rmw or a bare DDS app) is answered at once. */
TEST(ros_service_legacy_client_answered_at_once) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_legacy", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = make_server(&f, "legacy", &st);
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  dds_entity_t rd = raw_endpoint(pp, "rr/legacyReply", setmodel_desc(false), true, NULL, 10);
  dds_entity_t w = raw_endpoint(pp, "rq/legacyRequest", setmodel_desc(true), false, NULL, 10);
  CHECK(spin_until_matched(f.ctx, w, false, 5000) && spin_until_matched(f.ctx, rd, true, 5000));
  setmodel_req rq = {.hdr_guid = 9, .hdr_seq = 3, .model_name = "old"};
  CHECK(dds_write(w, &rq) == DDS_RETCODE_OK);
  setmodel_resp resp;
  memset(&resp, 0, sizeof resp);
  raw_take t = {rd, &resp, 0};
  CHECK(spin_until(f.ctx, raw_took, &t, 3000));
  CHECK(resp.hdr_guid == 9 && resp.hdr_seq == 3);
  CHECK_EQ_STR(resp.message, "old");
  lm_studio_interfaces_srv_dds__SetModel_Response__free(&resp, DDS_FREE_CONTENTS);
  ros_service_stats ss;
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_deferred, 0);
  dds_delete(pp);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

/* A client that floods requests and never reads: at most LMS_MAX_PENDING_REPLIES wait. */
TEST(ros_service_reply_queue_bounded) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_bound", &e), "%s", e.message);
  static server_state st; /* ~100 KB: not on the stack */
  memset(&st, 0, sizeof st);
  ros_qos deep = ros_qos_with_depth(ros_qos_services, 2000);
  ros_service *s = NULL;
  CHECK(ros_service_create(f.node, "bound", SETMODEL, &deep, on_setmodel, &st, &s, &e) == ROS_OK);
  st.svc = s;
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  dds_entity_t w = raw_endpoint(pp, "rq/boundRequest", setmodel_desc(true), false,
                                "clientid=flood;", 2000);
  CHECK(spin_until_matched(f.ctx, w, false, 5000));
  const int total = (int)LMS_MAX_PENDING_REPLIES + 10;
  for (int i = 0; i < total; i++) {
    setmodel_req rq = {.hdr_guid = 1, .hdr_seq = i + 1, .model_name = "x"};
    CHECK(dds_write(w, &rq) == DDS_RETCODE_OK);
    if (i % 100 == 99) spin_for(f.ctx, 1);
  }
  CHECK(wait_count(&f, &st.requests, total, 10000));
  CHECK_EQ_INT(ros_service_pending_replies(s), (int)LMS_MAX_PENDING_REPLIES);
  CHECK_EQ_INT(st.limited, 10);
  ros_service_stats ss;
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_failed, 10);
  /* Destroying the service with replies queued frees them (ASan checks). */
  dds_delete(pp);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

/* Requests that claim SetModel_Request's type name but do not decode never reach the
 * callback (a well-formed one sent the same way does), and the server keeps working. */
TEST(ros_service_malformed_requests_ignored) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "svc_bad", &e), "%s", e.message);
  server_state st = {0};
  ros_service *s = make_server(&f, "bad", &st);
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  int matched = write_malformed_requests(pp, "rq/badRequest", 3000);
  CHECK_MSG(matched == 2, "malformed writers matched: %d", matched);
  CHECK(wait_count(&f, &st.requests, 1, 3000));
  spin_for(f.ctx, 200);
  CHECK_EQ_INT(st.requests, 1); /* only the well-formed one */
  CHECK_EQ_STR(st.names[0], "abc");
  CHECK_EQ_INT(st.ids[0].seq, 4);
  ros_client *c = connect_client(&f, "bad");
  setmodel_req q = {.model_name = "fine"};
  setmodel_resp resp;
  CHECK_MSG(ros_client_call_sync(c, &q, &resp, 3000000000LL, &e) == ROS_OK, "%s", e.message);
  CHECK_EQ_STR(resp.message, "fine");
  lm_studio_interfaces_srv_dds__SetModel_Response__free(&resp, DDS_FREE_CONTENTS);
  CHECK_EQ_INT(st.requests, 2);
  dds_delete(pp);
  ros_client_destroy(c);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}
