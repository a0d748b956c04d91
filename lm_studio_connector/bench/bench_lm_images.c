/* bench_lm_images.c: the image figures of lm_studio_node (issue #4), each next to a baseline
 * measured in the same run, on loopback:
 *  1. CPU used by the node (a child process: this program re-executed with --node URL against
 *     the in-process LM Studio emulator) while 1920x1080 rgb8 sensor_msgs/Image frames arrive at
 *     30 Hz on /image_input and no goal asks for them (frames are only kept), as a percentage
 *     of one core (utime+stime of /proc/<pid>/stat over the publishing window), vs a bare
 *     subscriber process (--bare-sub) that only takes the same frames with a plain
 *     ros_subscription (the DDS delivery cost alone);
 *  2. time to encode that frame: image_prepare_raw with the node's defaults (quality 85,
 *     max_image_size 2048), vs a plain TurboJPEG encode (tjCompress2) of the same buffer at the
 *     same quality and subsampling (4:2:0);
 *  3. send_goal to first feedback of a streaming chat goal with image_data "latest" (the last
 *     1080p frame) vs the same goal without an image, through the node.
 * Prints "BENCH <figure> | ours | baseline | ratio" lines.
 * Usage: bench_lm_images [seconds=5] [encodes=30] [goals=20] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <turbojpeg.h>

#include "bench_node_util.h"
#include "bench_util.h"
#include "common/clock.h"
#include "image/image_prepare.h"
#include "lms_emulator.h"
#include "nodes/lm_node.h"
#include "ros/ros_action_client.h"
#include "ros/ros_topic.h"

#define DOMAIN "226" /* this benchmark uses 226 */
#define VLM_MODEL "qwen2-vl-2b-instruct"
#define T_RAW "sensor_msgs/msg/Image"
#define W 1920
#define H 1080
#define RATE_HZ 30

typedef lm_studio_interfaces_action_dds__ChatCompletion_Goal_ chat_goal;
static const ros_action_type chat_type = ROS_ACTION_TYPE(lm_studio_interfaces, ChatCompletion);

/* ---- child modes ---- */

static int child_node(const char *url) { return bench_run_node("bench_lm_images", url, VLM_MODEL, NULL); }

static void bare_take(void *user, const void *msg, const ros_message_info *info) {
  const sensor_msgs_msg_dds__Image_ *im = msg;
  if (im->data._length == (uint32_t)W * H * 3) (*(long *)user)++;
}

/* Takes /image_input frames until SIGINT, then prints how many it got. */
static int child_bare_sub(void) {
  ros_context *ctx;
  ros_node *nd;
  ros_subscription *sub;
  ros_error e;
  long frames = 0;
  if (ros_context_create(NULL, &ctx, &e) != ROS_OK ||
      ros_node_create(ctx, "bench_bare_sub", NULL, NULL, &nd, &e) != ROS_OK ||
      ros_subscription_create(nd, "/image_input", T_RAW, &ros_qos_sensor_data, bare_take, &frames,
                              &sub, &e) != ROS_OK ||
      ros_context_install_signal_handlers(ctx, &e) != ROS_OK) {
    fprintf(stderr, "bare sub: %s\n", e.message);
    return 1;
  }
  while (!ros_context_shutdown_requested(ctx)) ros_context_spin(ctx, 100);
  printf("%ld\n", frames);
  fflush(stdout);
  ros_subscription_destroy(sub);
  ros_node_destroy(nd);
  ros_context_destroy(ctx);
  return 0;
}

/* ---- /proc ---- */

/* utime + stime of pid in clock ticks, or -1. */
static long long cpu_ticks(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')'); /* comm may hold spaces */
  if (!p) return -1;
  unsigned long long ut = 0, st = 0;
  /* after ')': state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
   * utime(14) stime(15) */
  if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
    return -1;
  return (long long)(ut + st);
}

/* ---- the frame ---- */

static uint8_t *make_frame(void) {
  uint8_t *d = malloc((size_t)W * H * 3);
  if (!d) exit(1);
  uint32_t s = 12345;
  for (uint32_t y = 0; y < H; y++)
    for (uint32_t x = 0; x < W; x++) {
      s = s * 1103515245u + 12345u;
      uint8_t noise = (uint8_t)((s >> 16) & 15); /* a smooth scene plus sensor noise */
      uint8_t *px = d + ((size_t)y * W + x) * 3;
      px[0] = (uint8_t)((x * 255 / W) ^ noise);
      px[1] = (uint8_t)((y * 255 / H) + noise);
      px[2] = (uint8_t)(((x + y) / 8) & 0xff);
    }
  return d;
}

/* Publishes frames at RATE_HZ for `seconds` while spinning ctx; returns the frames sent. */
static long publish_window(ros_context *ctx, ros_publisher *pub, sensor_msgs_msg_dds__Image_ *m,
                           double seconds) {
  int64_t t0 = clock_mono_ns(), period = 1000000000 / RATE_HZ;
  long n = (long)(seconds * RATE_HZ);
  for (long i = 0; i < n; i++) {
    int64_t due = t0 + i * period;
    while (clock_mono_ns() < due) {
      int ms = (int)((due - clock_mono_ns()) / 1000000);
      ros_context_spin(ctx, ms > 0 ? ms : 0);
    }
    int64_t now = clock_mono_ns();
    m->header.stamp.sec = (int32_t)(now / 1000000000);
    m->header.stamp.nanosec = (uint32_t)(now % 1000000000);
    ros_error e;
    if (ros_publisher_publish(pub, m, &e) != ROS_OK) {
      fprintf(stderr, "publish: %s\n", e.message);
      exit(1);
    }
  }
  int64_t end = t0 + n * period;
  while (clock_mono_ns() < end) ros_context_spin(ctx, 1);
  return n;
}

static bool wait_matched(ros_context *ctx, ros_publisher *pub, int want, int ms) {
  int64_t end = clock_mono_ms() + ms;
  while (ros_publisher_subscription_count(pub) < want && clock_mono_ms() < end)
    ros_context_spin(ctx, 5);
  return ros_publisher_subscription_count(pub) >= want;
}

/* CPU % of one core used by pid while frames are published for `seconds`. */
static double cpu_during(ros_context *ctx, ros_publisher *pub, sensor_msgs_msg_dds__Image_ *m,
                         pid_t pid, double seconds, long *sent) {
  long long c0 = cpu_ticks(pid);
  int64_t t0 = clock_mono_ns();
  *sent = publish_window(ctx, pub, m, seconds);
  long long c1 = cpu_ticks(pid);
  double wall = (double)(clock_mono_ns() - t0) / 1e9;
  return (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK) / wall * 100.0;
}

static double cpu_idle(ros_context *ctx, pid_t pid, int ms) {
  long long c0 = cpu_ticks(pid);
  int64_t t0 = clock_mono_ns(), end = clock_mono_ms() + ms;
  while (clock_mono_ms() < end) ros_context_spin(ctx, 10);
  long long c1 = cpu_ticks(pid);
  return (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK) / ((double)(clock_mono_ns() - t0) / 1e9) *
         100.0;
}

/* ---- goals ---- */

/* One streaming goal to its result; returns send to first feedback in ms, or -1. */
static double goal_first_feedback(ros_context *ctx, ros_action_client *ac, const char *image) {
  bench_goal r;
  memset(&r, 0, sizeof r);
  chat_goal g = {(char *)"describe the scene", (char *)"", (char *)image, 50, 0.0f, 0, false,
                 true, false};
  ros_error e;
  r.sent_ns = clock_mono_ns();
  if (ros_action_client_send_goal(ac, &g, &bench_goal_callbacks, &r, NULL, &e) != ROS_OK) {
    fprintf(stderr, "send_goal: %s\n", e.message);
    return -1;
  }
  int64_t end = clock_mono_ms() + 20000;
  while (!r.done && clock_mono_ms() < end) ros_context_spin(ctx, 2);
  if (!r.done || r.status != ROS_GOAL_STATUS_SUCCEEDED || r.feedback < 1) {
    fprintf(stderr, "goal (image_data '%s'): done %d, status %d, %ld feedback\n", image,
            (int)r.done, (int)r.status, r.feedback);
    return -1;
  }
  return (double)(r.first_fb_ns - r.sent_ns) / 1e6;
}

/* ---- main ---- */

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "--node") == 0) return child_node(argv[2]);
  if (argc > 1 && strcmp(argv[1], "--bare-sub") == 0) return child_bare_sub();
  double seconds = argc > 1 ? strtod(argv[1], NULL) : 5.0;
  int encodes = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 30;
  int goals = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 20;
  if (seconds <= 0 || encodes < 1 || goals < 1) {
    fprintf(stderr, "usage: bench_lm_images [seconds] [encodes] [goals]\n");
    return 2;
  }
  bench_node_env(DOMAIN);

  uint8_t *frame = make_frame();
  sensor_msgs_msg_dds__Image_ msg;
  memset(&msg, 0, sizeof msg);
  msg.header.frame_id = (char *)"camera";
  msg.height = H;
  msg.width = W;
  msg.encoding = (char *)"rgb8";
  msg.step = 3 * W;
  msg.data._buffer = frame;
  msg.data._length = msg.data._maximum = (uint32_t)W * H * 3;
  msg.data._release = false;

  /* 2. Encoding, in this process before any child runs. */
  image_raw raw = {W, H, 3 * W, "rgb8", false, frame, (size_t)W * H * 3};
  image_options opt = image_options_default();
  double *ours = calloc((size_t)encodes, sizeof *ours), *base = calloc((size_t)encodes, sizeof *base);
  size_t jpeg_ours = 0;
  unsigned long jpeg_base = 0;
  for (int i = 0; i < encodes; i++) {
    image_encoded enc;
    image_error ie;
    int64_t t0 = clock_mono_ns();
    if (image_prepare_raw(&raw, &opt, &enc, &ie) != IMAGE_OK) {
      fprintf(stderr, "image_prepare_raw: %s\n", ie.message);
      return 1;
    }
    ours[i] = (double)(clock_mono_ns() - t0) / 1e6;
    jpeg_ours = enc.len;
    image_encoded_free(&enc);
    t0 = clock_mono_ns();
    tjhandle tj = tjInitCompress();
    unsigned char *jpeg = NULL;
    if (!tj || tjCompress2(tj, frame, W, 3 * W, H, TJPF_RGB, &jpeg, &jpeg_base, TJSAMP_420,
                           opt.quality, 0) != 0) {
      fprintf(stderr, "tjCompress2 failed\n");
      return 1;
    }
    tjFree(jpeg);
    tjDestroy(tj);
    base[i] = (double)(clock_mono_ns() - t0) / 1e6;
  }
  printf("# %d encodes of a %dx%d rgb8 frame (quality %d, max_image_size %u, 4:2:0): "
         "image_prepare_raw -> %zu bytes; baseline tjInitCompress+tjCompress2+tjDestroy -> %lu "
         "bytes\n", encodes, W, H, opt.quality, opt.max_size, jpeg_ours, jpeg_base);
  bench_row("encode 1080p rgb8 frame p50", bench_percentile(ours, encodes, 0.5),
            bench_percentile(base, encodes, 0.5), "ms");
  bench_row("encode 1080p rgb8 frame p99", bench_percentile(ours, encodes, 0.99),
            bench_percentile(base, encodes, 0.99), "ms");
  fflush(stdout);

  /* 1. CPU while frames arrive: the bare subscriber first, then the node. */
  char url[64];
  lms_emu *emu = bench_start_emulator(url, sizeof url);
  if (!emu) return 1;
  ros_context *ctx;
  ros_node *nd;
  ros_publisher *pub;
  ros_action_client *ac;
  ros_error e;
  if (ros_context_create(NULL, &ctx, &e) != ROS_OK ||
      ros_node_create(ctx, "bench_camera", NULL, NULL, &nd, &e) != ROS_OK ||
      ros_publisher_create(nd, "/image_input", T_RAW, &ros_qos_sensor_data, &pub, &e) != ROS_OK ||
      ros_action_client_create(nd, "/chat_completion", &chat_type, NULL, &ac, &e) != ROS_OK) {
    fprintf(stderr, "bench: %s\n", e.message);
    return 1;
  }

  int bare_fd;
  pid_t bare = bench_spawn_self("--bare-sub", NULL, &bare_fd, NULL);
  FILE *bare_out = fdopen(bare_fd, "r");
  if (!wait_matched(ctx, pub, 1, 10000)) {
    fprintf(stderr, "bare subscriber not matched within 10 s\n");
    return 1;
  }
  double bare_idle = cpu_idle(ctx, bare, 1000);
  long bare_sent = 0;
  double bare_cpu = cpu_during(ctx, pub, &msg, bare, seconds, &bare_sent);
  bench_child_end(bare, SIGINT);
  long bare_frames = -1;
  if (!bare_out || fscanf(bare_out, "%ld", &bare_frames) != 1) bare_frames = -1;
  if (bare_out) fclose(bare_out);
  /* its reader gone from discovery before the node's appears */
  int64_t gone = clock_mono_ms() + 5000;
  while (ros_publisher_subscription_count(pub) > 0 && clock_mono_ms() < gone) ros_context_spin(ctx, 10);

  pid_t node = bench_spawn_self("--node", url, NULL, NULL);
  int64_t end = clock_mono_ms() + 10000;
  while (!ros_action_client_is_server_ready(ac) && clock_mono_ms() < end) ros_context_spin(ctx, 5);
  if (!ros_action_client_is_server_ready(ac) || !wait_matched(ctx, pub, 1, 10000)) {
    fprintf(stderr, "node not ready within 10 s\n");
    bench_child_end(node, SIGINT);
    return 1;
  }
  cpu_idle(ctx, node, 1500); /* settle: first status, model probe */
  double node_idle = cpu_idle(ctx, node, 1000);
  long node_sent = 0;
  double node_cpu = cpu_during(ctx, pub, &msg, node, seconds, &node_sent);
  printf("# %ld frames of %dx%d rgb8 (%u bytes) at %d Hz, best effort; idle CPU before: node "
         "%.1f%%, bare %.1f%%; the bare subscriber took %ld of %ld frames\n",
         node_sent, W, H, msg.data._length, RATE_HZ, node_idle, bare_idle, bare_frames, bare_sent);
  if (bare_frames >= 0 && bare_frames < bare_sent)
    printf("# frames were lost on the way (best effort, 6 MB samples): a bigger receive buffer, "
           "e.g. <Internal><SocketReceiveBufferSize min=\"4MB\"/></Internal> in CYCLONEDDS_URI "
           "(within net.core.rmem_max), delivers them all\n");
  bench_row("node CPU, 1080p frames at 30 Hz", node_cpu, bare_cpu, "% core");

  /* 3. First feedback with image_data "latest" vs no image (the last frame published above is
   * the node's latest; image_max_age is 0). Interleaved. */
  double *with = calloc((size_t)goals, sizeof *with), *without = calloc((size_t)goals, sizeof *without);
  int ok = 1;
  for (int i = 0; i < goals && ok; i++) {
    without[i] = goal_first_feedback(ctx, ac, "");
    with[i] = goal_first_feedback(ctx, ac, "latest");
    ok = without[i] >= 0 && with[i] >= 0;
  }
  if (ok) {
    printf("# %d streaming goals each (model %s), interleaved; ours = image_data 'latest' (the "
           "1080p frame, encoded on the goal), baseline = the same goal without an image\n",
           goals, VLM_MODEL);
    bench_row("first feedback, image 'latest' p50", bench_percentile(with, goals, 0.5),
              bench_percentile(without, goals, 0.5), "ms");
    bench_row("first feedback, image 'latest' p99", bench_percentile(with, goals, 0.99),
              bench_percentile(without, goals, 0.99), "ms");
  }

  bench_child_end(node, SIGINT);
  free(with);
  free(without);
  free(ours);
  free(base);
  ros_action_client_destroy(ac);
  ros_publisher_destroy(pub);
  ros_node_destroy(nd);
  ros_context_destroy(ctx);
  lms_emu_stop(emu);
  free(frame);
  return ok ? 0 : 1;
}
