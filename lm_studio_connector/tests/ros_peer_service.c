/* ros_peer_service.c: the other process of the two-process service tests (test_ros_client.c).
 * It inherits ROS_DOMAIN_ID and CYCLONEDDS_URI from the test, so both meet on loopback only.
 *   ros_peer_service server NAME COUNT  serves SetModel on NAME (message = "peer:" + model_name)
 *                                        and exits 0 once COUNT replies went out
 *   ros_peer_service client NAME COUNT  calls SetModel on NAME COUNT times, 8 in flight, and
 *                                        exits 0 when every call got its own answer once
 *   ros_peer_service malformed NAME      writes undecodable SetModel requests to NAME, exits 0
 * Any other exit code says what failed (see the messages on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ros_service_fixture.h"

#define PEER_DEADLINE_MS 30000
#define IN_FLIGHT 8

static int fail(int code, const char *what) {
  fprintf(stderr, "ros_peer_service: %s\n", what);
  return code;
}

static bool parse_count(const char *s, int *out) {
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (!end || *end || v < 0 || v > 100000) return false;
  *out = (int)v;
  return true;
}

static void on_request(void *user, ros_service *s, const void *request, const ros_request_id *id) {
  (void)user;
  (void)reply_setmodel(s, id, "peer:", ((const setmodel_req *)request)->model_name);
}

static int run_server(fixture *f, const char *name, int count) {
  ros_service *s = NULL;
  ros_error e;
  if (ros_service_create(f->node, name, SETMODEL, NULL, on_request, NULL, &s, &e) != ROS_OK)
    return fail(10, e.message);
  int64_t end = clock_mono_ms() + PEER_DEADLINE_MS;
  ros_service_stats st;
  do {
    (void)ros_context_spin(f->ctx, 10);
    ros_service_get_stats(s, &st);
  } while ((int)st.replies_sent < count && clock_mono_ms() < end);
  /* Reliable delivery of the last replies before the endpoints go. */
  (void)dds_wait_for_acks(ros_service_reply_writer(s), DDS_SECS(2));
  ros_service_destroy(s);
  return (int)st.replies_sent >= count ? 0 : fail(11, "not every request was answered");
}

typedef struct call_slot {
  int index;
  int answers;
  bool ok;
} call_slot;

static int g_done;
static void on_answer(void *user, ros_client *c, const void *response, ros_status status) {
  (void)c;
  call_slot *slot = user;
  char want[64];
  snprintf(want, sizeof want, "peer:m%d", slot->index);
  const setmodel_resp *r = response;
  slot->answers++;
  slot->ok = status == ROS_OK && r && r->message && strcmp(r->message, want) == 0;
  g_done++;
}

static int run_client(fixture *f, const char *name, int count) {
  ros_client *c = NULL;
  ros_error e;
  if (ros_client_create(f->node, name, SETMODEL, NULL, &c, &e) != ROS_OK) return fail(20, e.message);
  if (ros_client_wait_for_service(c, 15000000000LL) != ROS_OK) {
    ros_client_destroy(c);
    return fail(21, "service not available");
  }
  call_slot *slots = calloc((size_t)count + 1, sizeof *slots);
  int sent = 0, rc = 0;
  int64_t end = clock_mono_ms() + PEER_DEADLINE_MS;
  while (g_done < count && clock_mono_ms() < end) {
    while (sent < count && sent - g_done < IN_FLIGHT) {
      char nm[32];
      snprintf(nm, sizeof nm, "m%d", sent);
      setmodel_req q = {.model_name = nm};
      slots[sent].index = sent;
      if (ros_client_call(c, &q, on_answer, &slots[sent], 10000000000LL, NULL, &e) != ROS_OK) {
        rc = fail(22, e.message);
        break;
      }
      sent++;
    }
    if (rc) break;
    (void)ros_context_spin(f->ctx, 10);
  }
  for (int i = 0; i < count && rc == 0; i++)
    if (slots[i].answers != 1 || !slots[i].ok) rc = fail(23, "a call was answered wrongly");
  if (rc == 0 && g_done != count) rc = fail(24, "calls left unanswered");
  free(slots);
  ros_client_destroy(c);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 3) return fail(2, "usage: ros_peer_service server|client|malformed NAME [COUNT]");
  const char *mode = argv[1], *name = argv[2];
  int count = 0;
  if (strcmp(mode, "malformed") != 0 && (argc < 4 || !parse_count(argv[3], &count)))
    return fail(2, "bad COUNT");
  fixture f;
  ros_error e;
  if (!fixture_init(&f, "peer_service", &e)) return fail(3, e.message);
  int rc;
  if (strcmp(mode, "server") == 0) {
    rc = run_server(&f, name, count);
  } else if (strcmp(mode, "client") == 0) {
    rc = run_client(&f, name, count);
  } else if (strcmp(mode, "malformed") == 0) {
    char rq[ROS_NAME_BUF_SIZE];
    snprintf(rq, sizeof rq, "rq%sRequest", name);
    dds_entity_t pp = ros_context_participant(f.ctx);
    rc = write_malformed_requests(pp, rq, 10000) == 2 ? 0 : fail(30, "malformed writers unmatched");
  } else {
    rc = fail(2, "unknown mode");
  }
  if (!fixture_fini(&f)) rc = rc ? rc : fail(4, "teardown failed");
  return rc;
}
