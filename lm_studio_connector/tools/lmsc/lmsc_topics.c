/* lmsc_topics.c: the status and send-image commands, on topics: status waits for the next
 * message of <ns>/lm_studio_status (published every status_period) and pretty-prints its JSON;
 * send-image publishes a file on <ns>/image_input/compressed once the node's subscription has
 * matched (a message published before that would reach nobody). */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "lmsc_commands.h"
#include "lmsc_image.h"
#include "lmsc_output.h"
#include "ros/ros_action.h"
#include "ros/ros_topic.h"

#define STATUS_DEFAULT_WAIT_S 12.0 /* for a message once the publisher is found */
#define ACK_WAIT_MS 2000 /* how long a reliable subscriber may take to acknowledge the image */

typedef struct status_run {
  ros_subscription *sub;
  char *text;
} status_run;

static void on_status(void *user, const void *msg, const ros_message_info *info) {
  (void)info;
  status_run *r = user;
  const std_msgs_msg_dds__String_ *m = msg;
  if (!r->text) r->text = strdup(m->data ? m->data : "");
}

static bool status_publisher_seen(void *user) {
  return ros_subscription_publisher_count(((status_run *)user)->sub) > 0;
}

int lmsc_cmd_status(lmsc_session *s) {
  status_run r = {0};
  ros_error e;
  if (ros_subscription_create(s->node, "lm_studio_status", "std_msgs/msg/String", NULL, on_status,
                              &r, &r.sub, &e) != ROS_OK) {
    lmsc_error("cannot subscribe to lm_studio_status: %s", e.message);
    return LMSC_EXIT_FAILED;
  }
  lmsc_target t = {LMSC_TARGET_PUBLISHER, "lm_studio_status", ros_subscription_topic(r.sub)};
  int rc = lmsc_session_wait_for_node(s, status_publisher_seen, &r, &t);
  if (rc == LMSC_EXIT_OK) {
    /* This node publishes every status_period (2 s by default), the original every 10 s:
     * without --timeout, wait long enough for either. */
    double wait_s = s->o->timeout_given ? s->o->timeout_s : STATUS_DEFAULT_WAIT_S;
    int64_t deadline = clock_mono_ms() + (int64_t)(wait_s * 1000.0);
    lmsc_spinner_start("waiting for the next status message");
    while (!r.text && lmsc_session_interrupts() == 0 && clock_mono_ms() < deadline)
      lmsc_session_spin(s, 100);
    lmsc_spinner_stop();
    if (lmsc_session_interrupts() > 0) {
      rc = LMSC_EXIT_INTERRUPTED;
    } else if (!r.text) {
      lmsc_error("%s has a publisher but no message came within %.1f s (is status_period longer?"
                 " try --timeout)", ros_subscription_topic(r.sub), wait_s);
      rc = LMSC_EXIT_FAILED;
    }
  }
  if (rc == LMSC_EXIT_OK) {
    json_t *j = json_loads(r.text, JSON_DECODE_ANY, NULL);
    if (j && s->o->json) {
      lmsc_out_json(j);
    } else if (j) {
      /* 16 digits, as the node sends them: 17 would show binary noise (0.69590300000000005). */
      char *pretty = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(16));
      json_decref(j);
      printf("%s\n", pretty ? pretty : r.text);
      free(pretty);
    } else if (s->o->json) {
      lmsc_out_json(json_pack("{s:s}", "text", r.text)); /* a node whose status is not JSON */
    } else {
      printf("%s\n", r.text);
    }
    fflush(stdout);
  }
  ros_subscription_destroy(r.sub);
  free(r.text);
  return rc;
}

static bool image_subscriber_seen(void *user) {
  return ros_publisher_subscription_count(user) > 0;
}

int lmsc_cmd_send_image(lmsc_session *s) {
  const char *path = s->o->text;
  uint8_t *bytes;
  size_t len;
  const char *mime;
  if (lmsc_image_read(path, &bytes, &len, &mime) != LMSC_EXIT_OK) return LMSC_EXIT_FAILED;
  /* compressed_image_transport's format names; the node (and cv_bridge) accept these. */
  const char *format = strcmp(mime, "image/jpeg") == 0 ? "jpeg"
                       : strcmp(mime, "image/png") == 0 ? "png" : NULL;
  if (!format) {
    lmsc_error("'%s' is %s: image_input/compressed takes JPEG or PNG", path, mime);
    free(bytes);
    return LMSC_EXIT_FAILED;
  }
  ros_publisher *pub;
  ros_error e;
  if (ros_publisher_create(s->node, "image_input/compressed", "sensor_msgs/msg/CompressedImage",
                           NULL, &pub, &e) != ROS_OK) {
    lmsc_error("cannot create the image publisher: %s", e.message);
    free(bytes);
    return LMSC_EXIT_FAILED;
  }
  lmsc_target t = {LMSC_TARGET_SUBSCRIBER, "image_input/compressed", ros_publisher_topic(pub)};
  int rc = lmsc_session_wait_for_node(s, image_subscriber_seen, pub, &t);
  /* The node's subscription is best-effort: nothing would resend an image it dropped. */
  if (rc == LMSC_EXIT_OK) rc = lmsc_session_settle(s);
  if (rc == LMSC_EXIT_OK) {
    int32_t sec;
    uint32_t nsec;
    ros_action_time_from_ns(clock_wall_ns(), &sec, &nsec);
    sensor_msgs_msg_dds__CompressedImage_ msg = {
        .header = {.stamp = {sec, nsec}, .frame_id = ""},
        .format = (char *)format,
        .data = {._length = (uint32_t)len, ._maximum = (uint32_t)len, ._buffer = bytes},
    };
    if (ros_publisher_publish(pub, &msg, &e) != ROS_OK) {
      lmsc_error("cannot publish the image: %s", e.message);
      rc = LMSC_EXIT_FAILED;
    }
  }
  if (rc == LMSC_EXIT_OK) {
    /* Reliable subscribers (rclpy's default) acknowledge; best-effort ones (this project's
     * node) got the data when the write returned. Either way it has left before we exit. */
    ros_publisher_wait_for_acks(pub, (int64_t)ACK_WAIT_MS * 1000000);
    if (s->o->json)
      lmsc_out_json(json_pack("{s:s,s:s,s:I,s:s}", "topic", ros_publisher_topic(pub), "format",
                              format, "bytes", (json_int_t)len, "file", path));
    else
      printf("sent %s (%s, %zu bytes) on %s\n", path, format, len, ros_publisher_topic(pub));
    fflush(stdout);
  }
  ros_publisher_destroy(pub);
  free(bytes);
  return rc;
}
