/* test_image_raw.c: sensor_msgs/Image encodings to gray/RGB: exact colours for every encoding
 * (red stays red), row padding, 16-bit byte orders, 4:2:2 with odd widths, and every way a
 * message can lie about its size, refused before any allocation. */
#include "image/image_raw.h"
#include "test_image_util.h"
#include "testing.h"

/* Converts a 4x2 picture (one palette colour per pixel) in enc and checks every pixel. */
static void check_encoding(const char *enc, uint32_t pad, int big) {
  uint8_t *rgb = timg_grid(4, 2, 1, 1);
  uint32_t step;
  size_t len;
  uint8_t *data = timg_make_raw(enc, rgb, 4, 2, pad, big, &step, &len);
  image_raw raw = {.width = 4, .height = 2, .step = step, .encoding = enc, .is_bigendian = big != 0,
                   .data = data, .data_len = len};
  image_pixels px = {0};
  image_error e;
  CHECK_MSG(image_raw_to_pixels(&raw, &px, &e) == IMAGE_OK, "%s: %s", enc, e.message);
  CHECK_EQ_INT(px.width, 4);
  CHECK_EQ_INT(px.height, 2);
  bool mono = px.channels == 1;
  for (uint32_t i = 0; i < 8; i++) {
    const uint8_t *c = timg_palette[i];
    if (mono) {
      CHECK_MSG(px.data[i] == c[1], "%s pixel %u: %u != %u", enc, i, px.data[i], c[1]);
    } else {
      const uint8_t *p = px.data + i * 3;
      CHECK_MSG(p[0] == c[0] && p[1] == c[1] && p[2] == c[2], "%s pixel %u: (%u,%u,%u) != (%u,%u,%u)", enc, i, p[0],
                p[1], p[2], c[0], c[1], c[2]);
    }
  }
  image_pixels_free(&px);
  image_pixels_free(&px); /* twice is fine */
  free(data);
  free(rgb);
}

TEST(image_raw_rgb8_red_stays_red) {
  check_encoding("rgb8", 0, 0);
  uint8_t red[3] = {255, 0, 0};
  image_raw raw = {.width = 1, .height = 1, .step = 3, .encoding = "rgb8", .data = red, .data_len = 3};
  image_pixels px = {0};
  CHECK(image_raw_to_pixels(&raw, &px, NULL) == IMAGE_OK);
  CHECK(px.channels == 3 && px.data[0] == 255 && px.data[1] == 0 && px.data[2] == 0);
  image_pixels_free(&px);
}

TEST(image_raw_bgr8_swaps_to_rgb) {
  check_encoding("bgr8", 0, 0);
  uint8_t red_bgr[3] = {0, 0, 255};
  image_raw raw = {.width = 1, .height = 1, .step = 3, .encoding = "bgr8", .data = red_bgr, .data_len = 3};
  image_pixels px = {0};
  CHECK(image_raw_to_pixels(&raw, &px, NULL) == IMAGE_OK);
  CHECK(px.data[0] == 255 && px.data[1] == 0 && px.data[2] == 0);
  image_pixels_free(&px);
}

TEST(image_raw_alpha_encodings_drop_alpha) {
  check_encoding("rgba8", 0, 0);
  check_encoding("bgra8", 0, 0);
  check_encoding("8UC4", 0, 0);
}

TEST(image_raw_mono8_and_aliases) {
  check_encoding("mono8", 0, 0);
  check_encoding("8UC1", 0, 0);
  check_encoding("8UC3", 0, 0); /* as bgr8 */
}

TEST(image_raw_16bit_both_endiannesses) {
  const char *encs[] = {"mono16", "16UC1", "rgb16", "bgr16", "rgba16", "bgra16"};
  for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++) {
    check_encoding(encs[i], 0, 0);
    check_encoding(encs[i], 6, 1);
  }
}

TEST(image_raw_mono16_scaling_and_byte_order) {
  const uint16_t v[4] = {0, 65535, 32768, 0x1234};
  const uint8_t want[4] = {0, 255, 128, 18}; /* round(4660 / 257); byte-swapped it would be 52 */
  for (int big = 0; big <= 1; big++) {
    uint8_t d[8];
    for (int i = 0; i < 4; i++) {
      d[2 * i + (big ? 0 : 1)] = (uint8_t)(v[i] >> 8);
      d[2 * i + (big ? 1 : 0)] = (uint8_t)v[i];
    }
    image_raw raw = {.width = 4, .height = 1, .step = 8, .encoding = "mono16", .is_bigendian = big, .data = d,
                     .data_len = 8};
    image_pixels px = {0};
    CHECK(image_raw_to_pixels(&raw, &px, NULL) == IMAGE_OK);
    CHECK_EQ_INT(px.channels, 1);
    for (int i = 0; i < 4; i++) CHECK_MSG(px.data[i] == want[i], "big=%d i=%d: %u", big, i, px.data[i]);
    image_pixels_free(&px);
    /* The other byte order gives other values: is_bigendian is honoured. */
    raw.is_bigendian = !big;
    CHECK(image_raw_to_pixels(&raw, &px, NULL) == IMAGE_OK);
    CHECK(px.data[3] != want[3]);
    image_pixels_free(&px);
  }
}

TEST(image_raw_step_padding_is_skipped) {
  check_encoding("rgb8", 5, 0);
  check_encoding("bgr8", 1, 0);
  check_encoding("mono8", 3, 0);
  check_encoding("rgba8", 7, 0);
}

/* 4:2:2: pairs share chroma, so the picture has one colour per pair; the lone last pixel of an
 * odd row takes its V from the pair before. */
static void check_yuv(const char *enc, uint32_t w) {
  uint32_t h = 2;
  uint8_t *rgb = malloc((size_t)w * h * 3);
  for (uint32_t y = 0; y < h; y++)
    for (uint32_t x = 0; x < w; x++) {
      uint32_t pair = x / 2;
      const uint8_t *c = timg_palette[(pair + y * 3) % 8];
      if ((w & 1) && x == w - 1) {
        if (pair > 0) c = timg_palette[(pair - 1 + y * 3) % 8]; /* same colour as the pair it borrows V from */
        else c = timg_palette[3 + y];                            /* alone: V is neutral, so white or black */
      }
      memcpy(rgb + ((size_t)y * w + x) * 3, c, 3);
    }
  uint32_t step;
  size_t len;
  uint8_t *data = timg_make_raw(enc, rgb, w, h, 2, 0, &step, &len);
  image_raw raw = {.width = w, .height = h, .step = step, .encoding = enc, .data = data, .data_len = len};
  image_pixels px = {0};
  image_error e;
  CHECK_MSG(image_raw_to_pixels(&raw, &px, &e) == IMAGE_OK, "%s: %s", enc, e.message);
  for (uint32_t y = 0; y < h; y++)
    for (uint32_t x = 0; x < w; x++) {
      const uint8_t *c = rgb + ((size_t)y * w + x) * 3;
      int d = timg_diff(px.data, w, x, y, c);
      CHECK_MSG(d <= 3, "%s w=%u (%u,%u): off by %d", enc, w, x, y, d);
    }
  image_pixels_free(&px);
  free(data);
  free(rgb);
}

TEST(image_raw_yuv422_uyvy_odd_width) {
  const char *encs[] = {"yuv422", "uyvy"};
  for (int i = 0; i < 2; i++)
    for (uint32_t w = 1; w <= 9; w++) check_yuv(encs[i], w);
}

TEST(image_raw_yuv422_yuy2_yuyv_odd_width) {
  const char *encs[] = {"yuv422_yuy2", "yuyv"};
  for (int i = 0; i < 2; i++)
    for (uint32_t w = 1; w <= 9; w++) check_yuv(encs[i], w);
}

TEST(image_raw_yuv422_byte_orders_differ) {
  /* One red pair in UYVY order read as YUYV must not come out red. */
  uint8_t y, u, v;
  timg_rgb_to_yuv(timg_palette[0], &y, &u, &v);
  uint8_t d[4] = {u, y, v, y};
  image_raw raw = {.width = 2, .height = 1, .step = 4, .encoding = "uyvy", .data = d, .data_len = 4};
  image_pixels px = {0};
  CHECK(image_raw_to_pixels(&raw, &px, NULL) == IMAGE_OK);
  CHECK(timg_diff(px.data, 2, 0, 0, timg_palette[0]) <= 3);
  image_pixels_free(&px);
  raw.encoding = "yuyv";
  CHECK(image_raw_to_pixels(&raw, &px, NULL) == IMAGE_OK);
  CHECK(timg_diff(px.data, 2, 0, 0, timg_palette[0]) > 50);
  image_pixels_free(&px);
}

TEST(image_raw_encoding_names_ignore_case) {
  CHECK(image_raw_encoding_supported("RGB8"));
  CHECK(image_raw_encoding_supported("8uc3"));
  CHECK(!image_raw_encoding_supported("bayer_rggb8"));
  CHECK(!image_raw_encoding_supported(NULL));
  CHECK_CONTAINS(image_raw_supported_encodings(), "yuv422");
}

TEST(image_raw_unknown_encoding_lists_supported) {
  uint8_t d[12] = {0};
  image_raw raw = {.width = 2, .height = 2, .step = 6, .encoding = "bayer_rggb8", .data = d, .data_len = 12};
  image_error e;
  image_pixels px = {.data = (uint8_t *)d}; /* a failed call leaves it untouched */
  CHECK_EQ_INT(image_raw_to_pixels(&raw, &px, &e), IMAGE_ERR_UNSUPPORTED_ENCODING);
  CHECK_EQ_INT(e.code, IMAGE_ERR_UNSUPPORTED_ENCODING);
  CHECK_CONTAINS(e.message, "'bayer_rggb8'");
  CHECK_CONTAINS(e.message, "rgb8, bgr8");
  CHECK_CONTAINS(e.message, "yuv422_yuy2");
  CHECK(px.data == d);
  raw.encoding = "";
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_UNSUPPORTED_ENCODING);
  raw.encoding = "rgb8\x01\xff";
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_UNSUPPORTED_ENCODING);
  CHECK_CONTAINS(e.message, "'rgb8?\?'"); /* control and non-ASCII bytes are not echoed */
}

TEST(image_raw_short_data_refused) {
  uint8_t d[100] = {0};
  image_raw raw = {.width = 4000, .height = 3000, .step = 12000, .encoding = "rgb8", .data = d, .data_len = 100};
  image_error e;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_SHORT_DATA);
  CHECK_EQ_STR(e.message, "image is 4000x3000 rgb8 but has 100 bytes of data, expected 36000000");
  /* One byte short of step * height, where the last row's padding is missing: still refused. */
  raw = (image_raw){.width = 3, .height = 2, .step = 10, .encoding = "rgb8", .data = d, .data_len = 19};
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_SHORT_DATA);
  raw.data_len = 20;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_OK);
  raw.data = NULL;
  raw.data_len = 0;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_SHORT_DATA);
  raw.data_len = 20;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_INVALID_ARGUMENT);
}

TEST(image_raw_bad_step_refused) {
  uint8_t d[64] = {0};
  image_raw raw = {.width = 4, .height = 2, .step = 11, .encoding = "rgb8", .data = d, .data_len = 64};
  image_error e;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_BAD_GEOMETRY);
  CHECK_CONTAINS(e.message, "step 11");
  CHECK_CONTAINS(e.message, "12 bytes");
  raw.encoding = "yuv422";
  raw.width = 5; /* 4:2:2 takes 2 bytes per pixel: 10 */
  raw.step = 9;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_BAD_GEOMETRY);
  raw.step = 10;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_OK);
  raw.step = 0;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_BAD_GEOMETRY);
}

TEST(image_raw_zero_size_refused) {
  uint8_t d[4] = {0};
  image_raw raw = {.width = 0, .height = 1, .step = 0, .encoding = "mono8", .data = d, .data_len = 4};
  image_error e;
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_BAD_GEOMETRY);
  CHECK_CONTAINS(e.message, "0x1");
  raw = (image_raw){.width = 1, .height = 0, .step = 1, .encoding = "mono8", .data = d, .data_len = 4};
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_BAD_GEOMETRY);
}

TEST(image_raw_one_pixel_any_encoding) {
  const char *encs[] = {"rgb8", "bgr8", "rgba8", "bgra8", "mono8", "mono16", "rgb16", "yuv422", "yuyv", "8UC3"};
  uint8_t d[8] = {200, 200, 200, 200, 200, 200, 200, 200};
  for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++) {
    image_raw raw = {.width = 1, .height = 1, .step = 8, .encoding = encs[i], .data = d, .data_len = 8};
    image_pixels px = {0};
    image_error e;
    CHECK_MSG(image_raw_to_pixels(&raw, &px, &e) == IMAGE_OK, "%s: %s", encs[i], e.message);
    CHECK(px.width == 1 && px.height == 1);
    image_pixels_free(&px);
  }
}

TEST(image_raw_huge_declared_size_refused_without_allocating) {
  uint8_t d[16] = {0};
  image_error e;
  /* Over the side limit. */
  image_raw raw = {.width = 100000, .height = 100000, .step = 300000, .encoding = "rgb8", .data = d, .data_len = 16};
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_TOO_LARGE);
  /* Within the side limit, over the pixel limit. */
  raw = (image_raw){.width = 16384, .height = 16384, .step = 49152, .encoding = "rgb8", .data = d, .data_len = 16};
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_CONTAINS(e.message, "pixels");
  /* A huge step with a small height: over the raw byte limit. */
  raw = (image_raw){.width = 10, .height = 10, .step = 0xFFFFFFFFu, .encoding = "rgb8", .data = d, .data_len = 16};
  CHECK_EQ_INT(image_raw_check(&raw, &e), IMAGE_ERR_TOO_LARGE);
  /* Plausible size, little data: the conversion must fail before it allocates 144 MB. */
  raw = (image_raw){.width = 8000, .height = 6000, .step = 24000, .encoding = "rgb8", .data = d, .data_len = 16};
  image_pixels px = {0};
  CHECK_EQ_INT(image_raw_to_pixels(&raw, &px, &e), IMAGE_ERR_SHORT_DATA);
  CHECK(px.data == NULL);
}

TEST(image_raw_null_arguments) {
  image_pixels px = {0};
  image_error e;
  CHECK_EQ_INT(image_raw_to_pixels(NULL, &px, &e), IMAGE_ERR_INVALID_ARGUMENT);
  uint8_t d[3] = {0};
  image_raw raw = {.width = 1, .height = 1, .step = 3, .encoding = NULL, .data = d, .data_len = 3};
  CHECK_EQ_INT(image_raw_to_pixels(&raw, &px, &e), IMAGE_ERR_INVALID_ARGUMENT);
  raw.encoding = "rgb8";
  CHECK_EQ_INT(image_raw_to_pixels(&raw, NULL, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(image_raw_to_pixels(&raw, &px, NULL), IMAGE_OK); /* err may be NULL */
  image_pixels_free(&px);
  image_pixels_free(NULL);
}

TEST(image_raw_direct_view_for_8bit_layouts) {
  uint8_t d[32] = {0};
  image_raw raw = {.width = 2, .height = 2, .step = 8, .encoding = "bgra8", .data = d, .data_len = 16};
  image_view v;
  CHECK(image_raw_direct_view(&raw, &v));
  CHECK(v.layout == IMAGE_LAYOUT_BGRA8 && v.stride == 8 && v.data == d);
  raw.encoding = "8UC3";
  raw.step = 6;
  CHECK(image_raw_direct_view(&raw, &v) && v.layout == IMAGE_LAYOUT_BGR8);
  raw.encoding = "mono16";
  CHECK(!image_raw_direct_view(&raw, &v));
  raw.encoding = "rgb8";
  raw.step = 5; /* invalid: no view */
  CHECK(!image_raw_direct_view(&raw, &v));
}
