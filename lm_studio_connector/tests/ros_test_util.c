/* ros_test_util.c: endpoint discovery and the recorded endpoint table (see ros_test_util.h). */
#include "ros_test_util.h"

#include <dds/dds.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "testing.h"

uint32_t test_domain_id(void) {
  const char *s = getenv("ROS_DOMAIN_ID");
  return s && *s ? (uint32_t)strtoul(s, NULL, 0) : 0;
}

static void mask_ids(const char *in, char *out, size_t size) {
  size_t o = 0;
  for (const char *p = in; *p && o + 1 < size;) {
    if (strncmp(p, "serviceid=", 10) == 0 || strncmp(p, "clientid=", 9) == 0) {
      const char *eq = strchr(p, '=');
      size_t klen = (size_t)(eq - p) + 1;
      if (o + klen + 2 >= size) break;
      memcpy(out + o, p, klen);
      o += klen;
      out[o++] = '*';
      p = strchr(eq, ';');
      if (!p) break;
      continue;
    }
    out[o++] = *p++;
  }
  out[o] = '\0';
}

static void fill(test_endpoint *t, char kind, const dds_builtintopic_endpoint_t *ep) {
  memset(t, 0, sizeof *t);
  t->kind = kind;
  snprintf(t->topic, sizeof t->topic, "%s", ep->topic_name);
  snprintf(t->type, sizeof t->type, "%s", ep->type_name);
  memcpy(t->guid, ep->key.v, sizeof t->guid);
  dds_reliability_kind_t rel = DDS_RELIABILITY_BEST_EFFORT;
  dds_duration_t block;
  dds_qget_reliability(ep->qos, &rel, &block);
  snprintf(t->reliability, sizeof t->reliability, "%s",
           rel == DDS_RELIABILITY_RELIABLE ? "RELIABLE" : "BEST_EFFORT");
  dds_history_kind_t hk = DDS_HISTORY_KEEP_LAST;
  int32_t depth = 1;
  dds_qget_history(ep->qos, &hk, &depth);
  snprintf(t->history, sizeof t->history, "%s", hk == DDS_HISTORY_KEEP_ALL ? "KEEP_ALL" : "KEEP_LAST");
  t->depth = hk == DDS_HISTORY_KEEP_ALL ? -1 : depth;
  dds_durability_kind_t dk = DDS_DURABILITY_VOLATILE;
  dds_qget_durability(ep->qos, &dk);
  snprintf(t->durability, sizeof t->durability, "%s",
           dk == DDS_DURABILITY_TRANSIENT_LOCAL ? "TRANSIENT_LOCAL" : "VOLATILE");
  void *ud = NULL;
  size_t len = 0;
  if (dds_qget_userdata(ep->qos, &ud, &len) && ud) {
    snprintf(t->raw_user_data, sizeof t->raw_user_data, "%.*s", (int)len, (const char *)ud);
    dds_free(ud);
  }
  mask_ids(t->raw_user_data, t->user_data, sizeof t->user_data);
}

bool test_find_endpoint(char kind, const char *dds_topic, int timeout_ms, test_endpoint *out) {
  dds_entity_t pp = dds_create_participant(test_domain_id(), NULL, NULL);
  if (pp < 0) return false;
  dds_entity_t rd = dds_create_reader(
      pp, kind == 'W' ? DDS_BUILTIN_TOPIC_DCPSPUBLICATION : DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION, NULL,
      NULL);
  bool found = false;
  int64_t give_up = clock_mono_ms() + timeout_ms;
  while (!found && clock_mono_ms() < give_up) {
    void *samples[32] = {0};
    dds_sample_info_t infos[32];
    dds_return_t n = dds_read(rd, samples, infos, 32, 32);
    for (int i = 0; i < n && !found; i++) {
      const dds_builtintopic_endpoint_t *ep = samples[i];
      if (infos[i].valid_data && infos[i].instance_state == DDS_ALIVE_INSTANCE_STATE &&
          strcmp(ep->topic_name, dds_topic) == 0) {
        fill(out, kind, ep);
        found = true;
      }
    }
    if (n > 0) dds_return_loan(rd, samples, n);
    if (!found) clock_sleep_ms(10);
  }
  dds_delete(pp);
  return found;
}

bool test_recorded_endpoint(char kind, const char *dds_topic, test_endpoint *out) {
  FILE *f = fopen(test_fixture("ros2-wire/endpoints.txt"), "r");
  if (!f) return false;
  char line[1024];
  bool found = false;
  while (!found && fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    line[strcspn(line, "\n")] = '\0';
    char *fields[8];
    int nf = 0;
    for (char *p = line; nf < 8; nf++) {
      fields[nf] = p;
      char *bar = strchr(p, '|');
      if (!bar) {
        nf++;
        break;
      }
      *bar = '\0';
      p = bar + 1;
    }
    if (nf != 8 || fields[0][0] != kind || strcmp(fields[1], dds_topic) != 0) continue;
    memset(out, 0, sizeof *out);
    out->kind = kind;
    snprintf(out->topic, sizeof out->topic, "%s", fields[1]);
    snprintf(out->type, sizeof out->type, "%s", fields[2]);
    snprintf(out->reliability, sizeof out->reliability, "%s", fields[3]);
    snprintf(out->history, sizeof out->history, "%s", fields[4]);
    out->depth = (int)strtol(fields[5], NULL, 10);
    snprintf(out->durability, sizeof out->durability, "%s", fields[6]);
    snprintf(out->user_data, sizeof out->user_data, "%s", fields[7]);
    found = true;
  }
  fclose(f);
  return found;
}

const char *test_endpoint_diff(const test_endpoint *got, const test_endpoint *want) {
  static char msg[1400];
#define FIELD_DIFF(f)                                                                        \
  if (strcmp(got->f, want->f) != 0) {                                                        \
    snprintf(msg, sizeof msg, "%s %s: " #f " \"%s\" != recorded \"%s\"", want->topic,        \
             got->kind == 'W' ? "writer" : "reader", got->f, want->f);                       \
    return msg;                                                                              \
  }
  FIELD_DIFF(topic)
  FIELD_DIFF(type)
  FIELD_DIFF(reliability)
  FIELD_DIFF(history)
  FIELD_DIFF(durability)
  FIELD_DIFF(user_data)
#undef FIELD_DIFF
  if (got->depth != want->depth) {
    snprintf(msg, sizeof msg, "%s: depth %d != recorded %d", want->topic, got->depth, want->depth);
    return msg;
  }
  return NULL;
}

const char *test_endpoint_matches_recording(char kind, const char *dds_topic) {
  static char msg[300];
  test_endpoint got, want;
  if (!test_recorded_endpoint(kind, dds_topic, &want)) {
    snprintf(msg, sizeof msg, "no recorded %c endpoint on %s", kind, dds_topic);
    return msg;
  }
  if (!test_find_endpoint(kind, dds_topic, 5000, &got)) {
    snprintf(msg, sizeof msg, "no live %c endpoint on %s", kind, dds_topic);
    return msg;
  }
  return test_endpoint_diff(&got, &want);
}
