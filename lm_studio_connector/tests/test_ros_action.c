/* test_ros_action.c: action servers and clients over real DDS on loopback (a domain per case).
 * The server runs in a second process (ros_peer_action, scripted by each goal's prompt) for the
 * lifecycle cases, as `ros2 action send_goal` meets a node; a raw Cyclone participant watches
 * the wire for the §4.4 message order; the recorded SEDP of the real Jazzy node pins the five
 * endpoints; one case runs server and client in this process to check the handle API. */
#include <signal.h>

#include "ros_action_fixture.h"
#include "ros_test_util.h"

/* ---- cases ---- */

TEST(ros_action_lifecycle_feedback_result) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  int64_t before = clock_wall_ns();
  run_goal(&s, &r, "feedback 5 20", "t");
  CHECK(r.responses == 1 && r.accepted);
  CHECK(r.stamp >= before - INT64_C(1000000000) && r.stamp <= clock_wall_ns());
  CHECK_EQ_INT(r.feedbacks, 5);
  CHECK(r.feedback_ok);
  CHECK(r.statuses >= 1 && r.status_seen[0] == ROS_GOAL_STATUS_EXECUTING);
  CHECK_EQ_INT(r.results, 1);
  CHECK(r.result_st == ROS_OK && r.result_status == ROS_GOAL_STATUS_SUCCEEDED);
  CHECK_EQ_STR(r.text, "done:feedback 5 20");
  CHECK_EQ_INT(ros_action_client_goal_count(s.c), 0);
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "accepted=1 rejected=0 refused=0");
  CHECK_CONTAINS(stats, "results_sent=1 results_dropped=0 active=0");
}

/* --- §4.4 order, watched on the wire by a participant of our own --- */

typedef struct wire_event {
  dds_time_t ts;
  char code;
} wire_event;

static size_t take_events(dds_entity_t rd, const ros_goal_id *id, int kind, wire_event *ev,
                          size_t n, size_t cap) {
  void *samples[64] = {0};
  dds_sample_info_t si[64];
  int got = dds_take(rd, samples, si, 64, 64);
  for (int i = 0; i < got && n < cap; i++) {
    if (!si[i].valid_data) continue;
    char code = 0;
    if (kind == 'S') { /* a status sample: the state of our goal in it */
      const action_msgs_msg_dds__GoalStatusArray_ *a = samples[i];
      for (uint32_t k = 0; k < a->status_list._length; k++)
        if (memcmp(a->status_list._buffer[k].goal_info.goal_id.uuid, id->uuid, 16) == 0)
          code = (char)('0' + a->status_list._buffer[k].status);
    } else if (kind == 'F') {
      code = memcmp(samples[i], id->uuid, 16) == 0 ? 'F' : 0;
    } else {
      code = (char)kind;
    }
    if (code) ev[n++] = (wire_event){si[i].source_timestamp, code};
  }
  if (got > 0) dds_return_loan(rd, samples, got);
  return n;
}

TEST(ros_action_wire_order_matches_jazzy) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(s.f.ctx), NULL, NULL);
  CHECK(pp > 0);
  struct { const char *topic; const dds_topic_descriptor_t *d; int kind; } w[] = {
      {"rr" NAME "/_action/send_goalReply", chat_type.send_goal_response, 'R'},
      {"rt" NAME "/_action/status", &action_msgs_msg_dds__GoalStatusArray__desc, 'S'},
      {"rq" NAME "/_action/get_resultRequest", chat_type.get_result_request, 'Q'},
      {"rt" NAME "/_action/feedback", chat_type.feedback_message, 'F'},
      {"rr" NAME "/_action/get_resultReply", chat_type.get_result_response, 'A'}};
  dds_entity_t rd[5];
  for (int i = 0; i < 5; i++) {
    rd[i] = raw_endpoint(pp, w[i].topic, w[i].d, true, NULL, 100);
    CHECK(rd[i] > 0);
    int64_t end = clock_mono_ms() + WAIT_MS;
    while (matched_count(rd[i], true) < 1 && clock_mono_ms() < end) spin_for(s.f.ctx, 5);
    CHECK_MSG(matched_count(rd[i], true) >= 1, "%s never matched", w[i].topic);
  }
  /* Reader-side matching does not mean the server's writers know these readers yet: warm-up
   * goals must reach every observer first, so nothing of the measured goal is lost. What a
   * writer sent before it matched an observer is lost to that observer for good (volatile),
   * so a warm-up goal goes out again until each observer has heard one. */
  rec warm;
  bool heard[5] = {false};
  int64_t until = clock_mono_ms() + WAIT_MS;
  for (int all = 0; !all && clock_mono_ms() < until;) {
    memset(&warm, 0, sizeof warm);
    run_goal(&s, &warm, "feedback 1 10", "o");
    for (int tries = 0; !all && tries < 10; tries++) {
      spin_for(s.f.ctx, 20);
      all = 1;
      for (int i = 0; i < 5; i++) {
        wire_event scratch[64];
        if (!heard[i]) heard[i] = take_events(rd[i], &warm.id, w[i].kind, scratch, 0, 64) > 0;
        all &= heard[i];
      }
    }
  }
  for (int i = 0; i < 5; i++) CHECK_MSG(heard[i], "%s never heard the warm-up goal", w[i].topic);
  spin_for(s.f.ctx, 100);
  for (int i = 0; i < 5; i++) { /* drop what is left of the warm-up */
    wire_event scratch[64];
    take_events(rd[i], &warm.id, w[i].kind, scratch, 0, 64);
  }
  rec r = {0};
  run_goal(&s, &r, "feedback 3 50", "o");
  spin_for(s.f.ctx, 200);
  wire_event ev[64];
  size_t n = 0;
  for (int i = 0; i < 5; i++) n = take_events(rd[i], &r.id, w[i].kind, ev, n, 64);
  for (size_t i = 1; i < n; i++) /* by write time (one wall clock for both processes) */
    for (size_t k = i; k > 0 && ev[k].ts < ev[k - 1].ts; k--) {
      wire_event t = ev[k];
      ev[k] = ev[k - 1];
      ev[k - 1] = t;
    }
  char seq[64] = "", without_q[64] = "";
  size_t ls = 0, lq = 0;
  for (size_t i = 0; i < n && ls < 63; i++) {
    if (ls && seq[ls - 1] == ev[i].code && ev[i].code >= '0' && ev[i].code <= '9') continue;
    seq[ls++] = ev[i].code;
    if (ev[i].code != 'Q') without_q[lq++] = ev[i].code;
  }
  /* What the server controls: reply, EXECUTING, feedback, SUCCEEDED, then the held result. */
  CHECK_MSG(strcmp(without_q, "R2FFF4A") == 0, "wire order %s", seq);
  /* GetResult went out right after acceptance and was held: before any feedback. */
  const char *q = strchr(seq, 'Q');
  CHECK_MSG(q && q > strchr(seq, 'R') && q < strchr(seq, 'F'), "wire order %s", seq);
  CHECK(dds_delete(pp) == 0);
  setup_stop(&s, NULL, 0);
}

TEST(ros_action_goal_rejected) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  send_goal(s.c, &r, "reject", "x");
  CHECK(spin_until(s.f.ctx, rec_responded, &r, WAIT_MS));
  spin_for(s.f.ctx, 100);
  CHECK(!r.accepted && r.stamp == 0 && r.results == 0 && r.feedbacks == 0);
  CHECK_EQ_INT(ros_action_client_goal_count(s.c), 0);
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "accepted=0 rejected=1");
}

static bool rec_status_accepted(void *u) {
  rec *r = u;
  return r->statuses > 0 && r->status_seen[0] == ROS_GOAL_STATUS_ACCEPTED;
}

TEST(ros_action_cancel_before_execution) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  send_goal(s.c, &r, "defer", "d");
  CHECK(spin_until(s.f.ctx, rec_status_accepted, &r, WAIT_MS)); /* accepted, not executing */
  check_cancel_one(&s, &r);
  CHECK(spin_until(s.f.ctx, rec_done, &r, WAIT_MS));
  CHECK(r.result_st == ROS_OK && r.result_status == ROS_GOAL_STATUS_CANCELED);
  CHECK_EQ_STR(r.text, "canceled");
  setup_stop(&s, NULL, 0);
}

static bool rec_saw_canceling(void *u) {
  const rec *r = u;
  for (int i = 0; i < r->statuses && i < 32; i++)
    if (r->status_seen[i] == ROS_GOAL_STATUS_CANCELING) return true;
  return false;
}

TEST(ros_action_cancel_during_execution) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  send_goal(s.c, &r, "feedback 1000 20 hold-cancel", "c");
  /* Feedback and the goal reply travel on different topics: either may come first. The
   * stamp to cancel by is in the reply. */
  CHECK(spin_until(s.f.ctx, rec_has_feedback, &r, WAIT_MS));
  CHECK(spin_until(s.f.ctx, rec_responded, &r, WAIT_MS));
  check_cancel_one(&s, &r);
  /* The status topic keeps only its last sample: the peer holds the goal CANCELING until we
   * have seen that state, or a busy client could find CANCELED already. */
  CHECK(spin_until(s.f.ctx, rec_saw_canceling, &r, WAIT_MS));
  CHECK(write(s.p.in_fd, "r", 1) == 1);
  CHECK(spin_until(s.f.ctx, rec_done, &r, WAIT_MS));
  CHECK_EQ_INT(r.result_status, ROS_GOAL_STATUS_CANCELED);
  CHECK_MSG(r.feedback_ok, "%d feedback messages, not numbered from 0 on", r.feedbacks);
  setup_stop(&s, NULL, 0);
}

TEST(ros_action_cancel_refused_then_succeeds) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  send_goal(s.c, &r, "refuse-cancel", "r");
  CHECK(spin_until(s.f.ctx, rec_responded, &r, WAIT_MS));
  cancel_rec cr;
  ros_goal_info rq = {r.id, 0};
  cancel_and_wait(&s, &rq, &cr);
  CHECK(cr.code == ROS_CANCEL_REJECTED && cr.n == 0);
  CHECK(spin_until(s.f.ctx, rec_done, &r, WAIT_MS));
  CHECK(r.result_status == ROS_GOAL_STATUS_SUCCEEDED);
  setup_stop(&s, NULL, 0);
}

TEST(ros_action_cancel_terminated_and_unknown) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  run_goal(&s, &r, "succeed", "s");
  CHECK(r.result_status == ROS_GOAL_STATUS_SUCCEEDED);
  cancel_rec cr;
  ros_goal_info rq = {r.id, 0};
  cancel_and_wait(&s, &rq, &cr);
  CHECK(cr.code == ROS_CANCEL_GOAL_TERMINATED && cr.n == 0);
  CHECK_EQ_INT(ros_goal_id_random(&rq.id, NULL), ROS_OK);
  cancel_and_wait(&s, &rq, &cr);
  CHECK(cr.code == ROS_CANCEL_UNKNOWN_GOAL_ID && cr.n == 0);
  memset(&rq, 0, sizeof rq); /* cancel all: nothing cancelable left */
  cancel_and_wait(&s, &rq, &cr);
  CHECK(cr.code == ROS_CANCEL_NONE && cr.n == 0);
  setup_stop(&s, NULL, 0);
}

TEST(ros_action_cancel_by_stamp_and_all) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r[3];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 3; i++) {
    send_goal(s.c, &r[i], "hold", "h");
    CHECK(spin_until(s.f.ctx, rec_responded, &r[i], WAIT_MS)); /* distinct, ordered stamps */
  }
  cancel_rec cr;
  ros_goal_info rq = {{{0}}, r[1].stamp}; /* every goal accepted up to the second one */
  cancel_and_wait(&s, &rq, &cr);
  CHECK(cr.code == ROS_CANCEL_NONE && cr.n == 2);
  CHECK(ros_goal_id_equal(&cr.list[0].id, &r[0].id) && ros_goal_id_equal(&cr.list[1].id, &r[1].id));
  memset(&rq, 0, sizeof rq);
  cancel_and_wait(&s, &rq, &cr);
  CHECK(cr.code == ROS_CANCEL_NONE && cr.n == 1 && ros_goal_id_equal(&cr.list[0].id, &r[2].id));
  for (int i = 0; i < 3; i++) {
    CHECK(spin_until(s.f.ctx, rec_done, &r[i], WAIT_MS));
    CHECK_EQ_INT(r[i].result_status, ROS_GOAL_STATUS_CANCELED);
  }
  setup_stop(&s, NULL, 0);
}

static bool all_done(void *u) {
  rec *r = u;
  for (int i = 0; i < 64; i++)
    if (!r[i].results) return false;
  return true;
}

TEST(ros_action_concurrent_64_goals) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  static rec r[64];
  static char tags[64][8];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 64; i++) {
    snprintf(tags[i], sizeof tags[i], "g%d", i);
    send_goal(s.c, &r[i], "feedback 3 10", tags[i]);
  }
  CHECK_EQ_INT(ros_action_client_goal_count(s.c), 64);
  if (!spin_until(s.f.ctx, all_done, r, 3 * WAIT_MS)) {
    int resp = 0, res = 0, fbk = 0;
    for (int i = 0; i < 64; i++) {
      resp += r[i].responses > 0;
      res += r[i].results > 0;
      fbk += r[i].feedbacks;
    }
    char st[512];
    ros_action_client_destroy(s.c);
    int rc = peer_stop(&s.p, s.f.ctx, st, sizeof st);
    CHECK_MSG(0, "not all done: %d responses, %d results, %d feedback; peer %d: %s", resp, res,
              fbk, rc, st);
  }
  for (int i = 0; i < 64; i++) {
    CHECK_MSG(r[i].result_status == ROS_GOAL_STATUS_SUCCEEDED, "goal %d", i);
    CHECK_MSG(r[i].feedbacks == 3 && r[i].feedback_ok, "goal %d: %d feedback", i, r[i].feedbacks);
  }
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "accepted=64 ");
}

TEST(ros_action_duplicate_goal_id_rejected) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  ros_action_client *c2 = NULL;
  ros_error e;
  CHECK_EQ_INT(ros_action_client_create(s.f.node, NAME, &chat_type, NULL, &c2, &e), ROS_OK);
  CHECK_EQ_INT(ros_action_client_wait_for_server(c2, WAIT_MS * INT64_C(1000000)), ROS_OK);
  rec a = {0}, b = {0};
  send_goal(s.c, &a, "hold", "a");
  CHECK(spin_until(s.f.ctx, rec_responded, &a, WAIT_MS) && a.accepted);
  chat_goal g = {.prompt = "succeed", .model = "b", .image_data = ""};
  CHECK_EQ_INT(ros_action_client_send_goal_with_id(s.c, &a.id, &g, &rec_cb, &b, &e), ROS_ERR_STATE);
  CHECK_EQ_INT(ros_action_client_send_goal_with_id(c2, &a.id, &g, &rec_cb, &b, &e), ROS_OK);
  CHECK(spin_until(s.f.ctx, rec_responded, &b, WAIT_MS));
  CHECK(!b.accepted && b.results == 0);
  check_cancel_one(&s, &a); /* the first goal is untouched */
  CHECK(spin_until(s.f.ctx, rec_done, &a, WAIT_MS) && a.result_status == ROS_GOAL_STATUS_CANCELED);
  ros_action_client_destroy(c2);
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "accepted=1 rejected=0 refused=1");
}

TEST(ros_action_client_vanishes_mid_goal) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  peer vanish;
  char line[256];
  peer_start(&vanish, "client", NAME, NULL, NULL, NULL);
  CHECK_MSG(peer_line(&vanish, s.f.ctx, line, sizeof line, WAIT_MS), "peer client: no goal");
  CHECK_MSG(strncmp(line, "accepted ", 9) == 0, "%s", line);
  spin_for(s.f.ctx, 100); /* mid-goal: feedback flowing, GetResult held */
  CHECK(kill(vanish.pid, SIGKILL) == 0);
  CHECK_EQ_INT(peer_stop(&vanish, s.f.ctx, NULL, 0), 128 + SIGKILL);
  rec r = {0};
  run_goal(&s, &r, "feedback 3 10", "after");
  CHECK(r.result_status == ROS_GOAL_STATUS_SUCCEEDED && r.feedbacks == 3);
  spin_for(s.f.ctx, 700); /* the orphaned goal ends; its held result has nobody to go to */
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "accepted=2 ");
  CHECK_CONTAINS(stats, "active=0");
}

/* --- expiry and the transient-local status --- */

TEST(ros_action_result_kept_then_expires) {
  setup s;
  setup_start(&s, "1000", NULL, NULL);
  ros_client *gc = get_result_client(&s);
  rec r = {0};
  run_goal(&s, &r, "succeed", "e");
  char text[64];
  CHECK_EQ_INT(get_result(gc, &r.id, text, sizeof text), ROS_GOAL_STATUS_SUCCEEDED); /* at once */
  CHECK_EQ_STR(text, "done:succeed");
  status_seen seen;
  late_status(&s, &r.id, &seen);
  CHECK_EQ_INT(seen.status, ROS_GOAL_STATUS_SUCCEEDED);
  spin_for(s.f.ctx, 1600);
  CHECK_EQ_INT(get_result(gc, &r.id, text, sizeof text), ROS_GOAL_STATUS_UNKNOWN);
  CHECK_EQ_STR(text, ""); /* the empty result */
  late_status(&s, &r.id, &seen);
  CHECK_EQ_INT(seen.status, -1); /* gone from the status list too */
  ros_client_destroy(gc);
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "expired=1");
}

TEST(ros_action_status_transient_local_late_joiner) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  run_goal(&s, &r, "abort", "a");
  CHECK(r.result_status == ROS_GOAL_STATUS_ABORTED);
  CHECK_EQ_STR(r.text, "aborted");
  status_seen seen;
  late_status(&s, &r.id, &seen);
  CHECK_EQ_INT(seen.status, ROS_GOAL_STATUS_ABORTED);
  ros_goal_id unknown;
  CHECK_EQ_INT(ros_goal_id_random(&unknown, NULL), ROS_OK);
  char text[64];
  ros_client *gc = get_result_client(&s);
  CHECK_EQ_INT(get_result(gc, &unknown, text, sizeof text), ROS_GOAL_STATUS_UNKNOWN);
  CHECK_EQ_STR(text, "");
  ros_client_destroy(gc);
  setup_stop(&s, NULL, 0);
}

TEST(ros_action_server_endpoints_match_jazzy) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "test_action", &e), "%s", e.message);
  peer p;
  char line[256];
  peer_start(&p, "server", "/chat_completion", NULL, NULL, NULL);
  CHECK(peer_line(&p, f.ctx, line, sizeof line, WAIT_MS));
  static const char *const eps[][2] = {
      {"R", "rq/chat_completion/_action/send_goalRequest"},
      {"W", "rr/chat_completion/_action/send_goalReply"},
      {"R", "rq/chat_completion/_action/cancel_goalRequest"},
      {"W", "rr/chat_completion/_action/cancel_goalReply"},
      {"R", "rq/chat_completion/_action/get_resultRequest"},
      {"W", "rr/chat_completion/_action/get_resultReply"},
      {"W", "rt/chat_completion/_action/feedback"},
      {"W", "rt/chat_completion/_action/status"}};
  for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
    test_endpoint ep;
    CHECK_MSG(test_find_endpoint(eps[i][0][0], eps[i][1], WAIT_MS, &ep), "%s missing", eps[i][1]);
    const char *diff = test_endpoint_matches_recording(eps[i][0][0], eps[i][1]);
    CHECK_MSG(diff == NULL, "%s: %s", eps[i][1], diff);
  }
  CHECK_EQ_INT(peer_stop(&p, f.ctx, NULL, 0), 0);
  CHECK(fixture_fini(&f));
}

TEST(ros_action_server_destroy_aborts_active_goals) {
  setup s;
  setup_start(&s, NULL, NULL, NULL);
  rec r = {0};
  send_goal(s.c, &r, "hold", "x");
  CHECK(spin_until(s.f.ctx, rec_responded, &r, WAIT_MS) && r.accepted);
  char line[64] = "";
  for (int i = 0; i < 200 && strcmp(line, "waiting=1") != 0; i++) { /* GetResult is held */
    CHECK(write(s.p.in_fd, "w\n", 2) == 2);
    CHECK(peer_line(&s.p, s.f.ctx, line, sizeof line, WAIT_MS));
    spin_for(s.f.ctx, 10);
  }
  CHECK_EQ_STR(line, "waiting=1");
  close(s.p.in_fd); /* the peer destroys its server */
  s.p.in_fd = open("/dev/null", O_RDONLY);
  CHECK(spin_until(s.f.ctx, rec_done, &r, WAIT_MS));
  CHECK(r.result_st == ROS_OK && r.result_status == ROS_GOAL_STATUS_ABORTED);
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "active=1");
}

TEST(ros_action_server_goal_limit) {
  setup s;
  setup_start(&s, NULL, "2", "64"); /* and deeper service readers */
  rec r[4];
  memset(r, 0, sizeof r);
  for (int i = 0; i < 3; i++) {
    send_goal(s.c, &r[i], "hold", "l");
    CHECK(spin_until(s.f.ctx, rec_responded, &r[i], WAIT_MS));
  }
  CHECK(r[0].accepted && r[1].accepted && !r[2].accepted); /* both places taken by running goals */
  test_endpoint ep;
  CHECK(test_find_endpoint('R', "rq" NAME "/_action/get_resultRequest", WAIT_MS, &ep));
  CHECK_EQ_INT(ep.depth, 64); /* the service_depth option */
  check_cancel_one(&s, &r[0]);
  CHECK(spin_until(s.f.ctx, rec_done, &r[0], WAIT_MS));
  send_goal(s.c, &r[3], "succeed", "l"); /* the finished goal makes room */
  CHECK(spin_until(s.f.ctx, rec_done, &r[3], WAIT_MS) && r[3].accepted);
  check_cancel_one(&s, &r[1]);
  CHECK(spin_until(s.f.ctx, rec_done, &r[1], WAIT_MS));
  char stats[512];
  setup_stop(&s, stats, sizeof stats);
  CHECK_CONTAINS(stats, "refused=1");
  CHECK_CONTAINS(stats, "evicted=1");
}

TEST(ros_action_client_waits_for_server) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "test_action", &e), "%s", e.message);
  ros_action_client *c = NULL;
  CHECK_EQ_INT(ros_action_client_create(f.node, NAME, &chat_type, NULL, &c, &e), ROS_OK);
  CHECK(!ros_action_client_is_server_ready(c));
  CHECK_EQ_INT(ros_action_client_wait_for_server(c, 300 * INT64_C(1000000)), ROS_ERR_TIMEOUT);
  CHECK_EQ_STR(ros_action_client_name(c), NAME);
  ros_action_client *impatient = NULL; /* a goal sent to nobody times out */
  ros_action_client_options o = {200 * INT64_C(1000000)};
  CHECK_EQ_INT(ros_action_client_create(f.node, NAME, &chat_type, &o, &impatient, &e), ROS_OK);
  rec r = {0};
  send_goal(impatient, &r, "succeed", "t");
  CHECK(spin_until(f.ctx, rec_done, &r, WAIT_MS));
  CHECK(r.responses == 0 && r.result_st == ROS_ERR_TIMEOUT && r.result_status == 0);
  CHECK_EQ_INT(ros_action_client_goal_count(impatient), 0);
  ros_action_client_destroy(impatient);
  ros_action_client *orphan = NULL; /* 8 goals in flight, 4 waiting: all end once on destroy */
  CHECK_EQ_INT(ros_action_client_create(f.node, NAME, &chat_type, NULL, &orphan, &e), ROS_OK);
  rec lost[12];
  memset(lost, 0, sizeof lost);
  for (int i = 0; i < 12; i++) send_goal(orphan, &lost[i], "succeed", "o");
  CHECK_EQ_INT(ros_action_client_goal_count(orphan), 12);
  ros_action_client_destroy(orphan);
  for (int i = 0; i < 12; i++)
    CHECK(lost[i].results == 1 && lost[i].result_st == ROS_CLIENT_CANCELED && !lost[i].responses);
  peer p;
  peer_start(&p, "server", NAME, NULL, NULL, NULL);
  CHECK_EQ_INT(ros_action_client_wait_for_server(c, WAIT_MS * INT64_C(1000000)), ROS_OK);
  ros_action_client_destroy(c);
  CHECK_EQ_INT(peer_stop(&p, f.ctx, NULL, 0), 0);
  CHECK(fixture_fini(&f));
}

/* --- the client against a bare server that loses the first GetResult request --- */

TEST(ros_action_client_asks_again_for_a_lost_result) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "test_action", &e), "%s", e.message);
  dds_entity_t pp = dds_create_participant(ros_context_domain_id(f.ctx), NULL, NULL);
  const ros_qos *sq = &ros_qos_services;
  const ros_action_type *t = &chat_type;
  dds_entity_t rq_goal = raw(pp, "rq/lossy/_action/send_goalRequest", t->send_goal_request, 1, sq);
  dds_entity_t rr_goal = raw(pp, "rr/lossy/_action/send_goalReply", t->send_goal_response, 0, sq);
  raw(pp, "rq/lossy/_action/cancel_goalRequest", &action_msgs_srv_dds__CancelGoal_Request__desc,
      1, sq);
  raw(pp, "rr/lossy/_action/cancel_goalReply", &action_msgs_srv_dds__CancelGoal_Response__desc,
      0, sq);
  dds_entity_t rq_res = raw(pp, "rq/lossy/_action/get_resultRequest", t->get_result_request, 1, sq);
  dds_entity_t rr_res = raw(pp, "rr/lossy/_action/get_resultReply", t->get_result_response, 0, sq);
  raw(pp, "rt/lossy/_action/feedback", t->feedback_message, 0, &ros_qos_default);
  dds_entity_t status = raw(pp, "rt/lossy/_action/status",
                            &action_msgs_msg_dds__GoalStatusArray__desc, 0, &ros_qos_action_status);
  ros_action_client *c = NULL;
  CHECK_EQ_INT(ros_action_client_create(f.node, "/lossy", &chat_type, NULL, &c, &e), ROS_OK);
  CHECK_EQ_INT(ros_action_client_wait_for_server(c, WAIT_MS * INT64_C(1000000)), ROS_OK);
  rec r = {0};
  send_goal(c, &r, "x", "l");
  uuid_head q, first, again;
  CHECK(take_request(rq_goal, f.ctx, &q, WAIT_MS));
  lm_studio_interfaces_action_dds__ChatCompletion_SendGoal_Response_ ok = {
      q.hdr_guid, q.hdr_seq, true, {7, 0}};
  CHECK(dds_write(rr_goal, &ok) == 0);
  CHECK(take_request(rq_res, f.ctx, &first, WAIT_MS)); /* and "lose" it */
  action_msgs_msg_dds__GoalStatus_ gs = {{{{0}}, {7, 0}}, ROS_GOAL_STATUS_SUCCEEDED};
  memcpy(gs.goal_info.goal_id.uuid, q.id.uuid, 16);
  action_msgs_msg_dds__GoalStatusArray_ arr = {{1, 1, &gs, false}};
  CHECK(dds_write(status, &arr) == 0);
  int64_t t0 = clock_mono_ms();
  CHECK(take_request(rq_res, f.ctx, &again, WAIT_MS));
  CHECK(clock_mono_ms() - t0 >= 900); /* ROS_ACTION_CLIENT_RESULT_RETRY_NS after the status */
  CHECK(ros_goal_id_equal(&again.id, &q.id) && again.hdr_seq != first.hdr_seq);
  lm_studio_interfaces_action_dds__ChatCompletion_GetResult_Response_ res = {
      again.hdr_guid, again.hdr_seq, ROS_GOAL_STATUS_SUCCEEDED, {"retried", true}};
  CHECK(dds_write(rr_res, &res) == 0);
  CHECK(spin_until(f.ctx, rec_done, &r, WAIT_MS));
  CHECK(r.results == 1 && r.result_status == ROS_GOAL_STATUS_SUCCEEDED);
  CHECK_EQ_STR(r.text, "retried");
  ros_action_client_destroy(c);
  CHECK(dds_delete(pp) == 0);
  CHECK(fixture_fini(&f));
}

/* --- server and client in one process: the handle API --- */

typedef struct local {
  int goals, accepted;
  ros_action_goal *h;
  ros_status inside;
  ros_goal_status status_inside;
} local;

static ros_goal_decision l_goal(void *u, ros_action_goal *h, const void *goal) {
  local *l = u;
  chat_feedback fb = {"early", "", 0};
  l->goals++;
  l->inside = ros_action_goal_publish_feedback(h, &fb, NULL); /* not accepted yet */
  l->status_inside = ros_action_goal_status(h);
  ros_action_goal_set_user(h, l);
  return ROS_GOAL_ACCEPT_AND_EXECUTE;
}

static void l_accepted(void *u, ros_action_goal *h) {
  local *l = u;
  l->accepted++;
  l->h = h;
}
static bool l_has_goal(void *u) { return ((local *)u)->accepted > 0; }
static bool rec_one_feedback(void *u) { return ((rec *)u)->feedbacks >= 1; }

static bool l_got_goal(void *u) { return ((local *)u)->goals > 0; }

typedef struct raw_reply {
  dds_entity_t rd;
  ros_action_send_goal_response rs;
  int got;
} raw_reply;

static bool raw_reply_took(void *u) {
  raw_reply *r = u;
  void *p = &r->rs;
  dds_sample_info_t info;
  if (dds_take(r->rd, &p, &info, 1, 1) == 1 && info.valid_data) r->got++;
  return r->got > 0;
}

static void l_accepted_feedback(void *u, ros_action_goal *h) {
  l_accepted(u, h);
  chat_feedback fb = {"first", "", 0};
  CHECK_EQ_INT(ros_action_goal_publish_feedback(h, &fb, NULL), ROS_OK);
}

typedef struct raw_feedback {
  dds_entity_t rd;
  int got;
  char first[32];
} raw_feedback;

static bool raw_feedback_took(void *u) {
  raw_feedback *r = u;
  void *sample[1] = {NULL};
  dds_sample_info_t info;
  if (dds_take(r->rd, sample, &info, 1, 1) == 1) {
    const lm_studio_interfaces_action_dds__ChatCompletion_FeedbackMessage_ *m = sample[0];
    if (info.valid_data && r->got++ == 0)
      snprintf(r->first, sizeof r->first, "%s", m->feedback.partial_response);
    dds_return_loan(r->rd, sample, 1);
  }
  return r->got > 0;
}

/* A raw client in a participant of its own (another process, as far as the server can tell):
 * a SendGoal request writer with a clientid, and on demand its reply and feedback readers. */
typedef struct raw_client {
  dds_entity_t pp, w;
  const char *ud;
  raw_reply reply;
  raw_feedback fb;
} raw_client;

static void raw_client_start(raw_client *c, fixture *f, const char *ud) {
  memset(c, 0, sizeof *c);
  c->ud = ud;
  c->pp = dds_create_participant(ros_context_domain_id(f->ctx), NULL, NULL);
  c->w = raw_endpoint(c->pp, "rq/late/_action/send_goalRequest", chat_type.send_goal_request,
                      false, ud, 10);
  CHECK(c->pp > 0 && c->w > 0);
  int64_t end = clock_mono_ms() + WAIT_MS;
  while (matched_count(c->w, false) < 1 && clock_mono_ms() < end) spin_for(f->ctx, 5);
}

static void raw_client_reply_reader(raw_client *c) {
  c->reply.rd = raw_endpoint(c->pp, "rr/late/_action/send_goalReply", chat_type.send_goal_response,
                             true, c->ud, 10);
  CHECK(c->reply.rd > 0);
}

static void raw_client_feedback_reader(raw_client *c) {
  c->fb.rd = raw_endpoint(c->pp, "rt/late/_action/feedback", chat_type.feedback_message, true,
                          NULL, 10);
  CHECK(c->fb.rd > 0);
}

static void raw_client_send(raw_client *c, int64_t seq, uint8_t id) {
  lm_studio_interfaces_action_dds__ChatCompletion_SendGoal_Request_ rq;
  memset(&rq, 0, sizeof rq);
  rq.hdr_guid = 9;
  rq.hdr_seq = seq;
  rq.goal_id.uuid[0] = id;
  rq.goal.prompt = "early";
  rq.goal.model = "";
  rq.goal.image_data = "";
  CHECK(dds_write(c->w, &rq) == DDS_RETCODE_OK);
}

static bool l_got_second_goal(void *u) { return ((local *)u)->goals >= 2; }
static bool l_second_started(void *u) { return ((local *)u)->accepted >= 2; }

/* A client in another process that the server has not fully discovered yet: a goal starts
 * (status, on_accepted, so feedback or a result) only once its reply has been written and the
 * feedback writer reaches the client's participant. Before that, the client would hear of a
 * goal it does not know (rclcpp drops such feedback; the stamp to cancel by is not known yet)
 * or miss the first feedback. Goal 1: the reply reader comes late; goal 2 (another client):
 * the feedback reader comes late. */
TEST(ros_action_goal_starts_once_its_client_can_hear_it) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "test_action", &e), "%s", e.message);
  local l = {0};
  ros_action_server_callbacks cb = {l_goal, l_accepted_feedback, NULL};
  ros_action_server_options o = {.start_wait_ns = INT64_C(600) * 1000000000}; /* no deadline */
  ros_action_server *s = NULL;
  CHECK_EQ_INT(ros_action_server_create(f.node, "late", &chat_type, &cb, &l, &o, &s, &e), ROS_OK);

  raw_client c1;
  raw_client_start(&c1, &f, "clientid= 1.2.3.4.5.6.7.8.9.a.b.c.0.0.0.2;");
  raw_client_feedback_reader(&c1);
  int64_t end = clock_mono_ms() + WAIT_MS;
  while (matched_count(c1.fb.rd, true) < 1 && clock_mono_ms() < end) spin_for(f.ctx, 5);
  raw_client_send(&c1, 1, 0x41);
  CHECK(spin_until(f.ctx, l_got_goal, &l, WAIT_MS));
  spin_for(f.ctx, 200); /* nobody reads the reply yet: the goal stays unannounced */
  CHECK_EQ_INT(l.accepted, 0);
  raw_client_reply_reader(&c1);
  CHECK_MSG(spin_until(f.ctx, raw_reply_took, &c1.reply, WAIT_MS), "goal reply 1 did not arrive");
  CHECK(c1.reply.rs.accepted && c1.reply.rs.hdr_seq == 1);
  CHECK(spin_until(f.ctx, l_has_goal, &l, WAIT_MS));
  CHECK_EQ_INT(ros_action_goal_status(l.h), ROS_GOAL_STATUS_EXECUTING);
  CHECK_MSG(spin_until(f.ctx, raw_feedback_took, &c1.fb, WAIT_MS), "feedback 1 was lost");
  CHECK_EQ_STR(c1.fb.first, "first");
  CHECK_EQ_INT(ros_action_goal_succeed(l.h, NULL, &e), ROS_OK);

  raw_client c2;
  raw_client_start(&c2, &f, "clientid= 1.2.3.4.5.6.7.8.9.a.b.c.0.0.0.3;");
  raw_client_reply_reader(&c2);
  raw_client_send(&c2, 2, 0x42);
  CHECK(spin_until(f.ctx, l_got_second_goal, &l, WAIT_MS));
  CHECK_MSG(spin_until(f.ctx, raw_reply_took, &c2.reply, WAIT_MS), "goal reply 2 did not arrive");
  spin_for(f.ctx, 200); /* no feedback reader in the client's participant yet */
  CHECK_EQ_INT(l.accepted, 1);
  raw_client_feedback_reader(&c2);
  CHECK(spin_until(f.ctx, l_second_started, &l, WAIT_MS));
  CHECK_MSG(spin_until(f.ctx, raw_feedback_took, &c2.fb, WAIT_MS), "feedback 2 was lost");
  CHECK_EQ_STR(c2.fb.first, "first");
  CHECK_EQ_INT(ros_action_goal_succeed(l.h, NULL, &e), ROS_OK);
  CHECK(dds_delete(c1.pp) == 0 && dds_delete(c2.pp) == 0);
  ros_action_server_destroy(s);
  CHECK(fixture_fini(&f));
}

TEST(ros_action_in_process_handle_api) {
  fixture f;
  ros_error e;
  CHECK_MSG(fixture_init(&f, "test_action", &e), "%s", e.message);
  local l = {0};
  ros_action_server_callbacks cb = {l_goal, l_accepted, NULL};
  ros_action_server *s = NULL;
  ros_action_type bad = chat_type;
  bad.goal_size = 1;
  ros_node *n = f.node;
  CHECK_EQ_INT(ros_action_server_create(NULL, "x", &chat_type, &cb, &l, NULL, &s, &e),
               ROS_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(ros_action_server_create(n, "x", &bad, &cb, &l, NULL, &s, &e), ROS_ERR_UNKNOWN_TYPE);
  CHECK_EQ_INT(ros_action_server_create(n, "1x", &chat_type, &cb, &l, NULL, &s, &e),
               ROS_ERR_BAD_NAME);
  CHECK(s == NULL);
  ros_action_server *silent = NULL; /* no callbacks: seen on the graph, rejects every goal */
  CHECK_EQ_INT(ros_action_server_create(n, "silent", &chat_type, NULL, NULL, NULL, &silent, &e),
               ROS_OK);
  CHECK_EQ_INT(ros_action_server_create(n, "local", &chat_type, &cb, &l, NULL, &s, &e), ROS_OK);
  CHECK_EQ_STR(ros_action_server_name(s), "/local");
  ros_action_client *c = NULL;
  CHECK_EQ_INT(ros_action_client_create(f.node, "local", &bad, NULL, &c, &e), ROS_ERR_UNKNOWN_TYPE);
  CHECK_EQ_INT(ros_action_client_create(f.node, "local", &chat_type, NULL, &c, &e), ROS_OK);
  CHECK_EQ_INT(ros_action_client_wait_for_server(c, WAIT_MS * INT64_C(1000000)), ROS_OK);
  CHECK_EQ_INT(ros_action_client_send_goal(c, NULL, NULL, NULL, NULL, &e),
               ROS_ERR_INVALID_ARGUMENT);
  ros_action_client *sc = NULL;
  CHECK_EQ_INT(ros_action_client_create(n, "silent", &chat_type, NULL, &sc, &e), ROS_OK);
  CHECK_EQ_INT(ros_action_client_wait_for_server(sc, WAIT_MS * INT64_C(1000000)), ROS_OK);
  rec rs = {0};
  send_goal(sc, &rs, "anything", "s");
  CHECK(spin_until(f.ctx, rec_responded, &rs, WAIT_MS) && !rs.accepted);
  ros_action_client_destroy(sc);
  ros_action_server_destroy(silent);

  rec r = {0};
  send_goal(c, &r, "anything", "in");
  CHECK(spin_until(f.ctx, l_has_goal, &l, WAIT_MS));
  CHECK(spin_until(f.ctx, rec_responded, &r, WAIT_MS));
  CHECK(l.goals == 1 && l.inside == ROS_ERR_STATE && l.status_inside == ROS_GOAL_STATUS_UNKNOWN);
  CHECK(ros_action_goal_user(l.h) == &l);
  CHECK(ros_goal_id_equal(ros_action_goal_id(l.h), &r.id));
  CHECK_EQ_INT(ros_action_goal_stamp_ns(l.h), r.stamp);
  CHECK_EQ_INT(ros_action_goal_status(l.h), ROS_GOAL_STATUS_EXECUTING);
  CHECK(!ros_action_goal_is_cancel_requested(l.h));
  CHECK_EQ_INT(ros_action_goal_execute(l.h, &e), ROS_ERR_STATE);
  CHECK_EQ_INT(ros_action_goal_canceled(l.h, NULL, &e), ROS_ERR_STATE); /* not CANCELING */
  CHECK_CONTAINS(e.message, "CANCELED is not allowed in state EXECUTING");
  CHECK_EQ_INT(ros_action_goal_publish_feedback(l.h, NULL, &e), ROS_ERR_INVALID_ARGUMENT);
  chat_feedback fb = {"in:0", "streaming", 0.5f};
  CHECK_EQ_INT(ros_action_goal_publish_feedback(l.h, &fb, &e), ROS_OK);
  CHECK(spin_until(f.ctx, rec_one_feedback, &r, WAIT_MS) && r.feedback_ok);
  CHECK_EQ_INT(ros_action_server_active_count(s), 1);
  CHECK_EQ_INT(ros_action_goal_succeed(l.h, NULL, &e), ROS_OK); /* NULL: the empty result */
  CHECK(spin_until(f.ctx, rec_done, &r, WAIT_MS));
  CHECK(r.result_status == ROS_GOAL_STATUS_SUCCEEDED);
  CHECK_EQ_STR(r.text, "");
  CHECK(ros_action_server_goal_count(s) == 1 && ros_action_server_active_count(s) == 0);
  ros_action_server_stats st;
  ros_action_server_get_stats(s, &st);
  CHECK(st.goals_accepted == 1 && st.results_sent == 1);
  CHECK(ros_action_goal_id(NULL) == NULL);
  CHECK_EQ_INT(ros_action_goal_status(NULL), ROS_GOAL_STATUS_UNKNOWN);
  rec r2 = {0}; /* a goal still running when its client goes: ended locally, exactly once */
  l.accepted = 0;
  send_goal(c, &r2, "anything", "in");
  CHECK(spin_until(f.ctx, l_has_goal, &l, WAIT_MS));
  CHECK(spin_until(f.ctx, rec_responded, &r2, WAIT_MS));
  ros_action_client_destroy(c);
  CHECK(r2.results == 1 && r2.result_st == ROS_CLIENT_CANCELED);
  CHECK(r2.result_status == ROS_GOAL_STATUS_UNKNOWN && strcmp(r2.text, "(none)") == 0);
  CHECK_EQ_INT(ros_action_server_active_count(s), 1); /* aborted by the destroy below */
  ros_action_server_destroy(s);
  ros_action_client_destroy(NULL);
  ros_action_server_destroy(NULL);
  CHECK(fixture_fini(&f));
}
