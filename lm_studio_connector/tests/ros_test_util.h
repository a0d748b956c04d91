/* ros_test_util.h: helpers for wire-layer tests.
 * Endpoint discovery as a ROS tool sees it: a separate participant reads the built-in
 * DCPSPublication/DCPSSubscription topics, so tests check the topic name, type name, QoS and
 * USER_DATA that go on the wire, and compare them with what the real ROS 2 node announced
 * (fixtures/ros2-wire/endpoints.txt, extracted from the recorded SEDP traffic). */
#ifndef LMS_ROS_TEST_UTIL_H
#define LMS_ROS_TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct test_endpoint {
  char kind;              /* 'W' writer, 'R' reader */
  char topic[256];        /* DDS topic name: "rt/chatter" */
  char type[256];         /* DDS type name */
  char reliability[16];   /* RELIABLE | BEST_EFFORT */
  char history[16];       /* KEEP_LAST | KEEP_ALL */
  int depth;              /* -1 for KEEP_ALL */
  char durability[24];    /* VOLATILE | TRANSIENT_LOCAL */
  char user_data[512];    /* with serviceid/clientid values replaced by '*' */
  char raw_user_data[512];/* as announced */
  uint8_t guid[16];
} test_endpoint;

/* Waits up to timeout_ms for an endpoint of that kind on dds_topic in this test's domain
 * (ROS_DOMAIN_ID), seen through a participant of its own. Returns true and fills *out. */
bool test_find_endpoint(char kind, const char *dds_topic, int timeout_ms, test_endpoint *out);
/* The recorded endpoint of the real node for (kind, dds_topic); false if none. */
bool test_recorded_endpoint(char kind, const char *dds_topic, test_endpoint *out);
/* Checks every field but guid/raw user data; returns NULL if equal, else a description
 * (static buffer). */
const char *test_endpoint_diff(const test_endpoint *got, const test_endpoint *want);
/* Finds the live endpoint and compares it with the recording: NULL when they agree. */
const char *test_endpoint_matches_recording(char kind, const char *dds_topic);

/* The ROS_DOMAIN_ID of this test (set by CTest; 0 when unset). */
uint32_t test_domain_id(void);

#endif
