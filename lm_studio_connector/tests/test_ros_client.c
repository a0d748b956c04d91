/* test_ros_client.c: ROS 2 service clients over real DDS (loopback, one domain per case):
 * arguments, availability as rmw decides it (ours, legacy and mismatched servers; false again
 * after the server goes), timeouts, cancel, destroy with calls pending, many concurrent calls,
 * the blocking helpers, and round trips with a second process (ros_peer_service) both ways. */
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ros_service_fixture.h"
#include "testing.h"

extern char **environ;

typedef struct call_rec {
  int calls;
  ros_status status;
  bool had_response;
  char message[64];
} call_rec;

static void on_response(void *user, ros_client *c, const void *response, ros_status status) {
  (void)c;
  call_rec *r = user;
  r->calls++;
  r->status = status;
  r->had_response = response != NULL;
  if (response) {
    const setmodel_resp *p = response;
    snprintf(r->message, sizeof r->message, "%s", p->message ? p->message : "");
  }
}

/* Echo server; with hold set it keeps the ids and does not answer. */
typedef struct echo {
  bool hold;
  bool client_may_leave;  /* the requester may be gone before the answer: NOT_FOUND is fine */
  int requests;
  ros_request_id ids[16];
} echo;
static void on_echo(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  echo *st = user;
  const setmodel_req *rq = request;
  if (st->requests < 16) st->ids[st->requests] = *id;
  st->requests++;
  if (st->hold) return;
  ros_status rs = reply_setmodel(s, id, "", rq->model_name);
  CHECK(rs == ROS_OK || (st->client_may_leave && rs == ROS_ERR_NOT_FOUND));
}

/* An echo server on name (state st) and a client that found it. */
static void serve_and_connect(fixture *f, const char *name, echo *st, ros_service **s,
                              ros_client **c) {
  ros_error e;
  CHECK_MSG(ros_service_create(f->node, name, SETMODEL, NULL, on_echo, st, s, &e) == ROS_OK, "%s",
            e.message);
  CHECK_MSG(ros_client_create(f->node, name, SETMODEL, NULL, c, &e) == ROS_OK, "%s", e.message);
  CHECK(ros_client_wait_for_service(*c, 5000000000LL) == ROS_OK);
}
static bool unavailable(void *arg) { return !ros_client_is_available(arg); }

TEST(ros_client_create_bad_arguments) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_args", &e), "%s", e.message);
  ros_client *c = NULL;
  CHECK_EQ_INT(ros_client_create(NULL, "x", SETMODEL, NULL, &c, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_client_create(f.node, NULL, SETMODEL, NULL, &c, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_client_create(f.node, "x", NULL, NULL, &c, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_client_create(f.node, "x", SETMODEL, NULL, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_client_create(f.node, "x", "nope/srv/X", NULL, &c, &e), ROS_ERR_UNKNOWN_TYPE);
  CHECK_EQ_INT(ros_client_create(f.node, "x{", SETMODEL, NULL, &c, &e), ROS_ERR_BAD_NAME);
  CHECK(c == NULL);
  ros_client_destroy(NULL);
  CHECK(!ros_client_is_available(NULL));
  CHECK_EQ_INT(ros_client_cancel_call(NULL, 1), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_client_pending_calls(NULL), 0);
  setmodel_req q = {.model_name = "x"};
  CHECK_EQ_INT(ros_client_call(NULL, &q, on_response, NULL, 0, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK(ros_client_create(f.node, "x", SETMODEL, NULL, &c, &e) == ROS_OK);
  CHECK_EQ_STR(ros_client_name(c), "/x");
  CHECK_EQ_INT(ros_client_call(c, NULL, on_response, NULL, 0, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_client_call(c, &q, NULL, NULL, 0, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_client_cancel_call(c, 12345), ROS_ERR_NOT_FOUND);
  CHECK_EQ_INT(ros_node_destroy(f.node), ROS_ERR_BUSY);
  ros_client_destroy(c);
  CHECK(fixture_fini(&f));
}

TEST(ros_client_available_only_while_server_exists) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_avail", &e), "%s", e.message);
  ros_client *c = NULL;
  CHECK(ros_client_create(f.node, "avail", SETMODEL, NULL, &c, &e) == ROS_OK);
  CHECK(!ros_client_is_available(c));
  CHECK_EQ_INT(ros_client_wait_for_service(c, 100000000LL), ROS_ERR_TIMEOUT);
  /* Another service type on another name does not count. */
  echo st = {0};
  ros_service *other = NULL;
  CHECK(ros_service_create(f.node, "avail2", SETMODEL, NULL, on_echo, &st, &other, &e) == ROS_OK);
  spin_for(f.ctx, 100);
  CHECK(!ros_client_is_available(c));
  ros_service *s = NULL;
  CHECK(ros_service_create(f.node, "avail", SETMODEL, NULL, on_echo, &st, &s, &e) == ROS_OK);
  CHECK_EQ_INT(ros_client_wait_for_service(c, 5000000000LL), ROS_OK);
  CHECK(ros_client_is_available(c));
  ros_service_destroy(s);
  CHECK(spin_until(f.ctx, unavailable, c, 5000));
  ros_service_destroy(other);
  ros_client_destroy(c);
  CHECK(fixture_fini(&f));
}

/* §3.4 with foreign servers: no serviceid anywhere (legacy) is available; a request reader and
 * a reply writer with different serviceids are not. */
TEST(ros_client_availability_rules) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_rules", &e), "%s", e.message);
  const dds_topic_descriptor_t *rqd = ros_types_find(SETMODEL "_Request")->desc;
  const dds_topic_descriptor_t *rrd = ros_types_find(SETMODEL "_Response")->desc;
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  ros_client *legacy = NULL, *mixed = NULL, *half = NULL;
  CHECK(ros_client_create(f.node, "legacy", SETMODEL, NULL, &legacy, &e) == ROS_OK);
  CHECK(ros_client_create(f.node, "mixed", SETMODEL, NULL, &mixed, &e) == ROS_OK);
  CHECK(ros_client_create(f.node, "half", SETMODEL, NULL, &half, &e) == ROS_OK);
  CHECK(raw_endpoint(pp, "rq/legacyRequest", rqd, true, NULL, 10) > 0);
  CHECK(raw_endpoint(pp, "rr/legacyReply", rrd, false, NULL, 10) > 0);
  CHECK(raw_endpoint(pp, "rq/mixedRequest", rqd, true, "serviceid=A;", 10) > 0);
  CHECK(raw_endpoint(pp, "rr/mixedReply", rrd, false, "serviceid=B;", 10) > 0);
  CHECK(raw_endpoint(pp, "rq/halfRequest", rqd, true, "serviceid=A;", 10) > 0);
  CHECK_EQ_INT(ros_client_wait_for_service(legacy, 5000000000LL), ROS_OK);
  spin_for(f.ctx, 200);
  CHECK(!ros_client_is_available(mixed));
  CHECK(!ros_client_is_available(half));
  /* The matching reply writer appears: now it is. */
  CHECK(raw_endpoint(pp, "rr/mixedReply", rrd, false, "serviceid=A;", 10) > 0);
  CHECK_EQ_INT(ros_client_wait_for_service(mixed, 5000000000LL), ROS_OK);
  dds_delete(pp);
  ros_client_destroy(legacy);
  ros_client_destroy(mixed);
  ros_client_destroy(half);
  CHECK(fixture_fini(&f));
}

TEST(ros_client_call_times_out_once) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_timeout", &e), "%s", e.message);
  echo st = {.hold = true};
  ros_service *s = NULL;
  ros_client *c = NULL;
  serve_and_connect(&f, "slow", &st, &s, &c);
  call_rec r = {0};
  setmodel_req q = {.model_name = "late"};
  int64_t t0 = clock_mono_ms();
  CHECK(ros_client_call(c, &q, on_response, &r, 150000000LL, NULL, &e) == ROS_OK);
  CHECK_EQ_INT(r.calls, 0); /* never from inside the call */
  CHECK(wait_count(&f, &r.calls, 1, 3000));
  int64_t took = clock_mono_ms() - t0;
  CHECK_MSG(took >= 150 && took < 600, "timed out after %lld ms", (long long)took);
  CHECK_EQ_INT(r.status, ROS_ERR_TIMEOUT);
  CHECK(!r.had_response);
  CHECK_EQ_INT(ros_client_pending_calls(c), 0);
  /* The late answer is ignored: still exactly one callback. */
  setmodel_resp resp;
  memset(&resp, 0, sizeof resp);
  resp.message = "too late";
  CHECK(ros_service_reply(s, &st.ids[0], &resp, &e) == ROS_OK);
  spin_for(f.ctx, 200);
  CHECK_EQ_INT(r.calls, 1);
  /* The sync helper reports the timeout too. */
  CHECK_EQ_INT(ros_client_call_sync(c, &q, NULL, 100000000LL, &e), ROS_ERR_TIMEOUT);
  CHECK_EQ_INT(e.code, ROS_ERR_TIMEOUT);
  ros_client_destroy(c);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

TEST(ros_client_cancel_call_runs_callback_later) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_cancel", &e), "%s", e.message);
  echo st = {.hold = true};
  ros_service *s = NULL;
  ros_client *c = NULL;
  serve_and_connect(&f, "held", &st, &s, &c);
  call_rec a = {0}, b = {0};
  int64_t seq_a = 0, seq_b = 0;
  setmodel_req q = {.model_name = "a"};
  CHECK(ros_client_call(c, &q, on_response, &a, 5000000000LL, &seq_a, &e) == ROS_OK);
  q.model_name = "b";
  CHECK(ros_client_call(c, &q, on_response, &b, 0, &seq_b, &e) == ROS_OK);
  CHECK(wait_count(&f, &st.requests, 2, 3000));
  CHECK_EQ_INT(ros_client_cancel_call(c, seq_a), ROS_OK);
  CHECK_EQ_INT(a.calls, 0);
  CHECK_EQ_INT(ros_client_cancel_call(c, seq_a), ROS_ERR_NOT_FOUND);
  CHECK(wait_count(&f, &a.calls, 1, 1000));
  CHECK_EQ_INT(a.status, ROS_CLIENT_CANCELED);
  CHECK(!a.had_response);
  /* Answers to both: the cancelled one is ignored, the other delivered. */
  for (int i = 0; i < 2; i++) {
    setmodel_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.message = i ? "b" : "a";
    CHECK(ros_service_reply(s, &st.ids[i], &resp, &e) == ROS_OK);
  }
  CHECK(wait_count(&f, &b.calls, 1, 3000));
  spin_for(f.ctx, 100);
  CHECK_EQ_INT(a.calls, 1);
  CHECK_EQ_INT(b.status, ROS_OK);
  CHECK_EQ_STR(b.message, "b");
  CHECK_EQ_INT(ros_client_pending_calls(c), 0);
  /* Destroy with calls pending: each callback runs once, cancelled. */
  call_rec d1 = {0}, d2 = {0};
  CHECK(ros_client_call(c, &q, on_response, &d1, 0, NULL, &e) == ROS_OK);
  CHECK(ros_client_call(c, &q, on_response, &d2, 1000000000LL, NULL, &e) == ROS_OK);
  CHECK_EQ_INT(ros_client_pending_calls(c), 2);
  ros_client_destroy(c);
  CHECK_EQ_INT(d1.calls, 1);
  CHECK_EQ_INT(d2.calls, 1);
  CHECK_EQ_INT(d1.status, ROS_CLIENT_CANCELED);
  spin_for(f.ctx, 50);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

#define MANY 500
TEST(ros_client_many_concurrent_calls) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_many", &e), "%s", e.message);
  echo st = {0};
  ros_service *s = NULL;
  /* Deep enough for the whole burst: DDS keeps only `depth` unread samples per reader. */
  CHECK(ros_service_create(f.node, "many", SETMODEL, &ros_qos_parameters, on_echo, &st, &s, &e) ==
        ROS_OK);
  ros_client *c1 = NULL, *c2 = NULL;
  CHECK(ros_client_create(f.node, "many", SETMODEL, &ros_qos_parameters, &c1, &e) == ROS_OK);
  CHECK(ros_client_create(f.node, "many", SETMODEL, &ros_qos_parameters, &c2, &e) == ROS_OK);
  CHECK(ros_client_wait_for_service(c1, 5000000000LL) == ROS_OK);
  CHECK(ros_client_wait_for_service(c2, 5000000000LL) == ROS_OK);
  static call_rec r[MANY];
  memset(r, 0, sizeof r);
  for (int i = 0; i < MANY; i++) {
    char nm[16];
    snprintf(nm, sizeof nm, "n%d", i);
    setmodel_req q = {.model_name = nm};
    CHECK(ros_client_call(i % 2 ? c2 : c1, &q, on_response, &r[i], 10000000000LL, NULL, &e) ==
          ROS_OK);
  }
  CHECK_EQ_INT(ros_client_pending_calls(c1) + ros_client_pending_calls(c2), MANY);
  int64_t end = clock_mono_ms() + 20000;
  while (ros_client_pending_calls(c1) + ros_client_pending_calls(c2) > 0 && clock_mono_ms() < end)
    (void)ros_context_spin(f.ctx, 10);
  spin_for(f.ctx, 50);
  for (int i = 0; i < MANY; i++) {
    char nm[16];
    snprintf(nm, sizeof nm, "n%d", i);
    CHECK_MSG(r[i].calls == 1, "call %d ran %d times", i, r[i].calls);
    CHECK_EQ_INT(r[i].status, ROS_OK);
    CHECK_EQ_STR(r[i].message, nm); /* every client got its own answer, matched by seq */
  }
  ros_client_destroy(c1);
  ros_client_destroy(c2);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

TEST(ros_client_call_sync_copies_response) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_sync", &e), "%s", e.message);
  echo st = {0};
  ros_service *s = NULL;
  CHECK(ros_service_create(f.node, "sync", SETMODEL, NULL, on_echo, &st, &s, &e) == ROS_OK);
  ros_client *c = NULL;
  CHECK(ros_client_create(f.node, "/sync", SETMODEL, NULL, &c, &e) == ROS_OK);
  CHECK(ros_client_wait_for_service(c, 5000000000LL) == ROS_OK);
  for (int i = 0; i < 3; i++) {
    setmodel_req q = {.model_name = "copy me"};
    setmodel_resp resp;
    CHECK_MSG(ros_client_call_sync(c, &q, &resp, 3000000000LL, &e) == ROS_OK, "%s", e.message);
    CHECK(resp.success);
    CHECK_EQ_STR(resp.message, "copy me");
    CHECK(resp.hdr_guid == ros_client_id(c) && resp.hdr_seq == q.hdr_seq);
    lm_studio_interfaces_srv_dds__SetModel_Response__free(&resp, DDS_FREE_CONTENTS);
  }
  CHECK(ros_client_call_sync(c, &(setmodel_req){.model_name = "x"}, NULL, 3000000000LL, &e) ==
        ROS_OK);
  ros_client_destroy(c);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

/* ---- a second process ---- */

static pid_t spawn_peer(const char *mode, const char *name, const char *count) {
  char *argv[] = {(char *)LMS_PEER_EXE, (char *)mode, (char *)name, (char *)count, NULL};
  pid_t pid = 0;
  CHECK(posix_spawn(&pid, LMS_PEER_EXE, NULL, NULL, argv, environ) == 0);
  return pid;
}

typedef struct peer_wait { pid_t pid; int status; bool exited; } peer_wait;
static bool peer_exited(void *arg) {
  peer_wait *p = arg;
  if (!p->exited && waitpid(p->pid, &p->status, WNOHANG) == p->pid) p->exited = true;
  return p->exited;
}
static int finish_peer(fixture *f, pid_t pid, int64_t ms) {
  peer_wait p = {pid, 0, false};
  if (!spin_until(f->ctx, peer_exited, &p, ms)) {
    kill(pid, SIGKILL);
    (void)waitpid(pid, &p.status, 0);
    return -1;
  }
  return WIFEXITED(p.status) ? WEXITSTATUS(p.status) : -2;
}

TEST(ros_client_round_trip_with_peer_server) {
  /* The peer starts before any DDS entity exists here. */
  pid_t pid = spawn_peer("server", "/peer_echo", "40");
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "cli_peer", &e), "%s", e.message);
  ros_client *c = NULL;
  CHECK(ros_client_create(f.node, "peer_echo", SETMODEL, NULL, &c, &e) == ROS_OK);
  CHECK_EQ_INT(ros_client_wait_for_service(c, 20000000000LL), ROS_OK);
  /* 20 one at a time, then 20 in two overlapping batches of 10. */
  for (int i = 0; i < 20; i++) {
    char nm[16];
    snprintf(nm, sizeof nm, "s%d", i);
    setmodel_req q = {.model_name = nm};
    setmodel_resp resp;
    CHECK_MSG(ros_client_call_sync(c, &q, &resp, 5000000000LL, &e) == ROS_OK, "%s", e.message);
    char want[32];
    snprintf(want, sizeof want, "peer:%s", nm);
    CHECK_EQ_STR(resp.message, want);
    CHECK(resp.hdr_seq == q.hdr_seq && resp.hdr_guid == ros_client_id(c));
    lm_studio_interfaces_srv_dds__SetModel_Response__free(&resp, DDS_FREE_CONTENTS);
  }
  call_rec r[20];
  memset(r, 0, sizeof r);
  for (int batch = 0; batch < 2; batch++) {
    for (int i = batch * 10; i < batch * 10 + 10; i++) {
      char nm[16];
      snprintf(nm, sizeof nm, "c%d", i);
      setmodel_req q = {.model_name = nm};
      CHECK(ros_client_call(c, &q, on_response, &r[i], 5000000000LL, NULL, &e) == ROS_OK);
    }
    CHECK(wait_count(&f, &r[batch * 10 + 9].calls, 1, 5000));
  }
  spin_for(f.ctx, 100);
  for (int i = 0; i < 20; i++) {
    char want[32];
    snprintf(want, sizeof want, "peer:c%d", i);
    CHECK_EQ_INT(r[i].calls, 1);
    CHECK_EQ_STR(r[i].message, want);
  }
  CHECK_EQ_INT(finish_peer(&f, pid, 10000), 0);
  /* The peer's service went with its process. */
  CHECK(spin_until(f.ctx, unavailable, c, 10000));
  ros_client_destroy(c);
  CHECK(fixture_fini(&f));
}

static void on_peer_request(void *user, ros_service *s, const void *request,
                            const ros_request_id *id) {
  int *n = user;
  CHECK(reply_setmodel(s, id, "peer:", ((const setmodel_req *)request)->model_name) == ROS_OK);
  (*n)++;
}

TEST(ros_client_round_trip_with_peer_client) {
  pid_t pid = spawn_peer("client", "/served_here", "60");
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "srv_for_peer", &e), "%s", e.message);
  int served = 0;
  ros_service *s = NULL;
  CHECK(ros_service_create(f.node, "served_here", SETMODEL, NULL, on_peer_request, &served, &s,
                           &e) == ROS_OK);
  CHECK_EQ_INT(finish_peer(&f, pid, 40000), 0);
  CHECK_EQ_INT(served, 60);
  ros_service_stats ss;
  ros_service_get_stats(s, &ss);
  CHECK_EQ_INT(ss.replies_sent, 60);
  CHECK_EQ_INT(ss.replies_timed_out, 0);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}

/* Undecodable requests from another process: nothing reaches the callback, nothing breaks. */
TEST(ros_client_peer_malformed_requests_ignored) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "srv_bad_peer", &e), "%s", e.message);
  echo st = {.client_may_leave = true};
  ros_service *s = NULL;
  CHECK(ros_service_create(f.node, "bad_peer", SETMODEL, NULL, on_echo, &st, &s, &e) == ROS_OK);
  pid_t pid = spawn_peer("malformed", "/bad_peer", "0");
  CHECK_EQ_INT(finish_peer(&f, pid, 20000), 0);
  CHECK(wait_count(&f, &st.requests, 1, 3000));
  spin_for(f.ctx, 200);
  CHECK_EQ_INT(st.requests, 1); /* only the well-formed one */
  CHECK_EQ_INT(st.ids[0].seq, 4);
  ros_client *c = NULL;
  CHECK(ros_client_create(f.node, "bad_peer", SETMODEL, NULL, &c, &e) == ROS_OK);
  CHECK(ros_client_wait_for_service(c, 5000000000LL) == ROS_OK);
  CHECK(ros_client_call_sync(c, &(setmodel_req){.model_name = "ok"}, NULL, 3000000000LL, &e) ==
        ROS_OK);
  CHECK_EQ_INT(st.requests, 2);
  ros_client_destroy(c);
  ros_service_destroy(s);
  CHECK(fixture_fini(&f));
}
