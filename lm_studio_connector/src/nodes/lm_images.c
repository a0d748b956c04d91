/* lm_images.c: the images a chat goal can carry (image_data).
 * Inputs, under relative names so namespaces and remapping apply; the two image topics are
 * subscribed with ros_qos_sensor_data (best effort: reliable and best-effort cameras are both
 * heard), the path reliably (depth 10, as the original: a path must not be lost):
 *   image_input             sensor_msgs/Image: the message is kept as received (owned, no copy,
 *                           never encoded on arrival); a newer one frees it.
 *   image_input/compressed  sensor_msgs/CompressedImage: likewise.
 *   image_file_input        std_msgs/String: an absolute path, loaded at arrival with
 *                           image_file_load under image_allowed_dirs (max_image_bytes); a refused
 *                           path is logged and leaves no image (the reason is kept for "latest").
 * One slot holds the most recent input of the three (its arrival time on the monotonic
 * clock): "latest" is that one, whichever topic it came from.
 * Goal image_data: "" no image; "latest" the slot (none: ABORT; older than image_max_age:
 * ABORT saying how old); an absolute path: image_file_load now; "data:image/...": parsed and
 * checked. Everything is then prepared (image_prepare_raw / image_prepare_compressed with
 * jpeg_quality and max_image_size: JPEG/PNG within the size pass through, anything else is
 * decoded, downscaled and re-encoded as JPEG) and sent as a data URI. Anything else ABORTs.
 * Loop thread only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/limits.h"
#include "image/image_base64.h"
#include "image/image_file.h"
#include "image/image_prepare.h"
#include "lm_node_internal.h"
#include "lm_params.h"
#include "ros/ros_log.h"
#include "ros/ros_params.h"

#define T_RAW "sensor_msgs/msg/Image"
#define T_COMP "sensor_msgs/msg/CompressedImage"
#define T_STR "std_msgs/msg/String"

typedef enum { SLOT_NONE, SLOT_RAW, SLOT_COMPRESSED, SLOT_FILE } slot_kind;

struct lm_images {
  ros_subscription *sub_raw, *sub_comp, *sub_file;
  slot_kind kind;
  sensor_msgs_msg_dds__Image_ *raw;
  sensor_msgs_msg_dds__CompressedImage_ *comp;
  uint8_t *file_bytes;
  size_t file_len;
  char file_path[512];
  int64_t arrival_ns;
  char last_refusal[IMAGE_ERROR_MESSAGE_MAX + 600]; /* why the last image_file_input was refused */
};

static void slot_clear(lm_images *im) {
  ros_message_free(T_RAW, im->raw);
  ros_message_free(T_COMP, im->comp);
  free(im->file_bytes);
  im->raw = NULL;
  im->comp = NULL;
  im->file_bytes = NULL;
  im->file_len = 0;
  im->file_path[0] = '\0';
  im->kind = SLOT_NONE;
}

/* The allowed directories (image_allowed_dirs) as a value the caller finalises. */
static void allowed_dirs(lm_node *n, ros_param_value *v) {
  ros_param_value_init(v);
  if (ros_params_get(n->node, "image_allowed_dirs", v) != ROS_OK || v->type != ROS_PARAM_STRING_ARRAY) {
    ros_param_value_fini(v);
    ros_param_value_init(v);
  }
}

static size_t max_bytes(lm_node *n) { return (size_t)lm_params_int(n->node, "max_image_bytes"); }

/* Loads path under image_allowed_dirs; on failure fills why (naming the parameter). */
static bool load_file(lm_node *n, const char *path, uint8_t **bytes, size_t *len, char *why,
                      size_t size) {
  ros_param_value dirs;
  allowed_dirs(n, &dirs);
  size_t nd = dirs.type == ROS_PARAM_STRING_ARRAY ? dirs.array_len : 0;
  image_error ie;
  image_status st = image_file_load(path, (const char *const *)dirs.string_array, nd,
                                    max_bytes(n), bytes, len, NULL, &ie);
  if (st != IMAGE_OK) {
    char list[300] = "";
    size_t k = 0;
    for (size_t i = 0; i < nd && k < sizeof list; i++) {
      int w = snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "", dirs.string_array[i]);
      if (w < 0) break;
      k += (size_t)w;
    }
    if (nd == 0)
      snprintf(why, size, "image file '%s' refused: image_allowed_dirs is empty, so file paths "
               "are not loaded (set image_allowed_dirs to the directories images may come from)",
               path);
    else
      snprintf(why, size, "image file '%s' refused (image_allowed_dirs: %s; max_image_bytes %zu): %s",
               path, list, max_bytes(n), ie.message);
  }
  ros_param_value_fini(&dirs);
  return st == IMAGE_OK;
}

static void on_raw(void *user, void *msg, const ros_message_info *info) {
  lm_images *im = ((lm_node *)user)->images;
  slot_clear(im);
  im->raw = msg;
  im->kind = SLOT_RAW;
  im->arrival_ns = clock_mono_ns();
}

static void on_compressed(void *user, void *msg, const ros_message_info *info) {
  lm_images *im = ((lm_node *)user)->images;
  slot_clear(im);
  im->comp = msg;
  im->kind = SLOT_COMPRESSED;
  im->arrival_ns = clock_mono_ns();
}

static void on_file(void *user, const void *msg, const ros_message_info *info) {
  lm_node *n = user;
  lm_images *im = n->images;
  const char *path = ((const std_msgs_msg_dds__String_ *)msg)->data;
  uint8_t *bytes = NULL;
  size_t len = 0;
  char why[sizeof im->last_refusal];
  if (!load_file(n, path ? path : "", &bytes, &len, why, sizeof why)) {
    ROS_WARN(n->node, "image_file_input: %s; no image kept", why);
    slot_clear(im); /* "latest" must not silently mean an older image */
    snprintf(im->last_refusal, sizeof im->last_refusal, "%s", why);
    lm_topics_image_file(n, path ? path : "", 0, why);
    return;
  }
  slot_clear(im);
  im->last_refusal[0] = '\0';
  im->file_bytes = bytes;
  im->file_len = len;
  snprintf(im->file_path, sizeof im->file_path, "%s", path);
  im->kind = SLOT_FILE;
  im->arrival_ns = clock_mono_ns();
  ROS_INFO(n->node, "image_file_input: loaded %s (%zu bytes)", path, len);
  lm_topics_image_file(n, path, len, NULL);
}

ros_status lm_images_create(lm_node *n, ros_error *e) {
  n->images = calloc(1, sizeof *n->images);
  if (!n->images) return ros_error_set(e, ROS_ERR_NO_MEMORY, "images: out of memory");
  lm_images *im = n->images;
  ros_status st = ros_subscription_create_owned(n->node, "image_input", T_RAW,
                                                &ros_qos_sensor_data, on_raw, n, &im->sub_raw, e);
  if (st == ROS_OK)
    st = ros_subscription_create_owned(n->node, "image_input/compressed", T_COMP,
                                       &ros_qos_sensor_data, on_compressed, n, &im->sub_comp, e);
  if (st == ROS_OK)
    /* A path is one small message that must not be lost: reliable, as the original's. */
    st = ros_subscription_create(n->node, "image_file_input", T_STR, &ros_qos_default, on_file,
                                 n, &im->sub_file, e);
  return st;
}

void lm_images_destroy(lm_node *n) {
  lm_images *im = n->images;
  if (!im) return;
  ros_subscription_destroy(im->sub_raw);
  ros_subscription_destroy(im->sub_comp);
  ros_subscription_destroy(im->sub_file);
  slot_clear(im);
  free(im);
  n->images = NULL;
}

static image_options options(lm_node *n) {
  image_options o = image_options_default();
  o.quality = (int)lm_params_int(n->node, "jpeg_quality");
  o.max_size = (uint32_t)lm_params_int(n->node, "max_image_size");
  return o;
}

/* enc -> data URI in *uri (enc freed either way). */
static bool to_uri(image_encoded *enc, const char *what, char **uri, char *why, size_t size) {
  image_error ie;
  image_status st = image_data_uri_build(enc->data, enc->len, enc->mime, uri, NULL, &ie);
  image_encoded_free(enc);
  if (st != IMAGE_OK) snprintf(why, size, "%s: cannot build the data URI: %s", what, ie.message);
  return st == IMAGE_OK;
}

static bool prepare_bytes(lm_node *n, const char *format, const uint8_t *data, size_t len,
                          const char *what, char **uri, char *why, size_t size) {
  image_options o = options(n);
  image_encoded enc;
  image_error ie;
  if (image_prepare_compressed(format, data, len, &o, &enc, &ie) != IMAGE_OK) {
    snprintf(why, size, "%s cannot be used: %s", what, ie.message);
    return false;
  }
  return to_uri(&enc, what, uri, why, size);
}

static bool resolve_latest(lm_node *n, char **uri, char *why, size_t size) {
  lm_images *im = n->images;
  if (im->kind == SLOT_NONE) {
    snprintf(why, size, "no image received yet on image_input, image_input/compressed or "
             "image_file_input%s%s", im->last_refusal[0] ? " (the last image_file_input was "
             "refused: " : "", im->last_refusal[0] ? im->last_refusal : "");
    if (im->last_refusal[0]) {
      size_t k = strlen(why);
      if (k + 1 < size) snprintf(why + k, size - k, ")");
    }
    return false;
  }
  double age = (double)(clock_mono_ns() - im->arrival_ns) / 1e9;
  double max_age = lm_params_double(n->node, "image_max_age");
  if (max_age > 0 && age > max_age) {
    snprintf(why, size, "the latest image is %.1f s old, older than image_max_age (%.1f s): "
             "publish a new one or raise image_max_age", age, max_age);
    return false;
  }
  if (im->kind == SLOT_RAW) {
    const sensor_msgs_msg_dds__Image_ *m = im->raw;
    image_raw raw = {.width = m->width, .height = m->height, .step = m->step,
                     .encoding = m->encoding ? m->encoding : "", .is_bigendian = m->is_bigendian,
                     .data = m->data._buffer, .data_len = m->data._length};
    image_options o = options(n);
    image_encoded enc;
    image_error ie;
    if (image_prepare_raw(&raw, &o, &enc, &ie) != IMAGE_OK) {
      snprintf(why, size, "the latest image_input image cannot be used: %s", ie.message);
      return false;
    }
    return to_uri(&enc, "the latest image_input image", uri, why, size);
  }
  if (im->kind == SLOT_COMPRESSED) {
    const sensor_msgs_msg_dds__CompressedImage_ *m = im->comp;
    if (m->data._length > max_bytes(n)) {
      snprintf(why, size, "the latest image_input/compressed image has %u bytes, more than "
               "max_image_bytes (%zu)", (unsigned)m->data._length, max_bytes(n));
      return false;
    }
    return prepare_bytes(n, m->format, m->data._buffer, m->data._length,
                         "the latest image_input/compressed image", uri, why, size);
  }
  char what[600];
  snprintf(what, sizeof what, "the latest image_file_input image '%s'", im->file_path);
  return prepare_bytes(n, NULL, im->file_bytes, im->file_len, what, uri, why, size);
}

bool lm_images_resolve(lm_node *n, const char *image_data, char **uri, char *why, size_t size) {
  *uri = NULL;
  if (!image_data || !image_data[0]) return true;
  if (!n->images) {
    snprintf(why, size, "images are not available");
    return false;
  }
  if (strcmp(image_data, "latest") == 0) return resolve_latest(n, uri, why, size);
  if (strncmp(image_data, "data:", 5) == 0) {
    image_encoded enc;
    image_error ie;
    if (image_data_uri_parse(image_data, strlen(image_data), &enc, &ie) != IMAGE_OK) {
      snprintf(why, size, "image_data is not a usable data URI: %s", ie.message);
      return false;
    }
    bool ok = enc.len <= max_bytes(n);
    if (!ok)
      snprintf(why, size, "the image_data data URI holds %zu bytes, more than max_image_bytes (%zu)", enc.len,
               max_bytes(n));
    else
      ok = prepare_bytes(n, NULL, enc.data, enc.len, "the image_data data URI", uri, why, size);
    image_encoded_free(&enc);
    return ok;
  }
  if (image_data[0] == '/') {
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (!load_file(n, image_data, &bytes, &len, why, size)) return false;
    char what[600];
    snprintf(what, sizeof what, "image file '%s'", image_data);
    bool ok = prepare_bytes(n, NULL, bytes, len, what, uri, why, size);
    free(bytes);
    return ok;
  }
  snprintf(why, size, "image_data '%.200s' is not understood: give \"latest\" (the last image on "
           "image_input, image_input/compressed or image_file_input), an absolute file path "
           "under image_allowed_dirs, or a data:image/<type>;base64,... URI", image_data);
  return false;
}
