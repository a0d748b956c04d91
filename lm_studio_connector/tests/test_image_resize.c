/* test_image_resize.c: fitting keeps the aspect ratio and the longest side; the area filter
 * averages exactly, handles any ratio and channel order, and refuses bad sizes. */
#include "image/image_resize.h"
#include "test_image_util.h"
#include "testing.h"

TEST(image_resize_fit_keeps_aspect_and_longest_side) {
  uint32_t w, h;
  image_fit_size(4000, 3000, 2048, &w, &h);
  CHECK(w == 2048 && h == 1536);
  image_fit_size(3000, 4000, 1024, &w, &h);
  CHECK(w == 768 && h == 1024);
  image_fit_size(1920, 1080, 1000, &w, &h);
  CHECK(w == 1000 && h == 563); /* 562.5 rounds up */
  image_fit_size(640, 480, 2048, &w, &h); /* fits: unchanged, never upscaled */
  CHECK(w == 640 && h == 480);
  image_fit_size(640, 480, 0, &w, &h); /* 0: no limit */
  CHECK(w == 640 && h == 480);
  image_fit_size(10000, 1, 100, &w, &h); /* never below 1 */
  CHECK(w == 100 && h == 1);
  image_fit_size(1, 10000, 100, &w, &h);
  CHECK(w == 1 && h == 100);
  image_fit_size(500, 500, 500, &w, &h);
  CHECK(w == 500 && h == 500);
  image_fit_size(501, 500, 500, &w, &h);
  CHECK(w == 500 && h == 499);
}

TEST(image_resize_area_average_exact) {
  /* 4x2 gray to 2x1: each output is the mean of a 2x2 block. */
  uint8_t g[8] = {0, 100, 200, 255, 40, 60, 0, 1};
  image_view v = {.data = g, .width = 4, .height = 2, .stride = 4, .layout = IMAGE_LAYOUT_GRAY8};
  image_pixels px = {0};
  CHECK(image_resize(&v, 2, 1, &px, NULL) == IMAGE_OK);
  CHECK(px.channels == 1 && px.width == 2 && px.height == 1);
  CHECK_EQ_INT(px.data[0], 50);  /* (0+100+40+60)/4 */
  CHECK_EQ_INT(px.data[1], 114); /* (200+255+0+1)/4 = 114 */
  image_pixels_free(&px);
  /* 3 to 2: the middle pixel is split half and half. */
  uint8_t r[3] = {0, 90, 180};
  v = (image_view){.data = r, .width = 3, .height = 1, .stride = 3, .layout = IMAGE_LAYOUT_GRAY8};
  CHECK(image_resize(&v, 2, 1, &px, NULL) == IMAGE_OK);
  CHECK_EQ_INT(px.data[0], 30);  /* (0 * 1 + 90 * 0.5) / 1.5 */
  CHECK_EQ_INT(px.data[1], 150); /* (90 * 0.5 + 180) / 1.5 */
  image_pixels_free(&px);
}

TEST(image_resize_same_size_is_identity) {
  uint8_t *rgb = timg_grid(13, 7, 1, 1);
  image_view v = {.data = rgb, .width = 13, .height = 7, .stride = 39, .layout = IMAGE_LAYOUT_RGB8};
  image_pixels px = {0};
  CHECK(image_resize(&v, 13, 7, &px, NULL) == IMAGE_OK);
  CHECK(memcmp(px.data, rgb, 13 * 7 * 3) == 0);
  image_pixels_free(&px);
  free(rgb);
}

TEST(image_resize_uniform_blocks_keep_colours) {
  /* 4x2 grid of 30x30 blocks shrunk 3x: each block becomes 10x10 of the same colour. */
  uint8_t *rgb = timg_grid(120, 60, 30, 30);
  image_view v = {.data = rgb, .width = 120, .height = 60, .stride = 360, .layout = IMAGE_LAYOUT_RGB8};
  image_pixels px = {0};
  CHECK(image_resize(&v, 40, 20, &px, NULL) == IMAGE_OK);
  for (uint32_t i = 0; i < 8; i++)
    for (uint32_t dy = 0; dy < 10; dy++)
      for (uint32_t dx = 0; dx < 10; dx++)
        CHECK(timg_diff(px.data, 40, (i % 4) * 10 + dx, (i / 4) * 10 + dy, timg_palette[i]) == 0);
  image_pixels_free(&px);
  free(rgb);
}

TEST(image_resize_bgra_view_gives_rgb) {
  uint8_t bgra[4 * 4 * 4];
  for (int i = 0; i < 16; i++) {
    bgra[i * 4 + 0] = 0;   /* B */
    bgra[i * 4 + 1] = 0;   /* G */
    bgra[i * 4 + 2] = 255; /* R */
    bgra[i * 4 + 3] = 7;
  }
  image_view v = {.data = bgra, .width = 4, .height = 4, .stride = 16, .layout = IMAGE_LAYOUT_BGRA8};
  image_pixels px = {0};
  CHECK(image_resize(&v, 3, 3, &px, NULL) == IMAGE_OK);
  CHECK(px.channels == 3);
  for (int i = 0; i < 9; i++) CHECK(px.data[i * 3] == 255 && px.data[i * 3 + 1] == 0 && px.data[i * 3 + 2] == 0);
  image_pixels_free(&px);
}

TEST(image_resize_odd_ratios_and_extremes) {
  /* Any ratio, strided input; constant images stay constant. */
  const uint32_t sizes[][4] = {{97, 61, 13, 7}, {1000, 3, 17, 1}, {5, 5, 1, 1}, {2, 300, 1, 299}, {7, 7, 11, 3}};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    uint32_t sw = sizes[k][0], sh = sizes[k][1], dw = sizes[k][2], dh = sizes[k][3];
    size_t stride = sw * 3 + 5;
    uint8_t *buf = malloc(stride * sh);
    for (size_t i = 0; i < stride * sh; i++) buf[i] = (i % stride) < sw * 3 ? (uint8_t)(200 - (i % stride % 3) * 50) : 0xEE;
    image_view v = {.data = buf, .width = sw, .height = sh, .stride = stride, .layout = IMAGE_LAYOUT_RGB8};
    image_pixels px = {0};
    CHECK(image_resize(&v, dw, dh, &px, NULL) == IMAGE_OK);
    for (size_t i = 0; i < (size_t)dw * dh; i++)
      CHECK_MSG(px.data[i * 3] == 200 && px.data[i * 3 + 1] == 150 && px.data[i * 3 + 2] == 100, "case %zu px %zu", k, i);
    image_pixels_free(&px);
    free(buf);
  }
}

TEST(image_resize_bad_arguments) {
  uint8_t d[12] = {0};
  image_view v = {.data = d, .width = 2, .height = 2, .stride = 6, .layout = IMAGE_LAYOUT_RGB8};
  image_pixels px = {0};
  image_error e;
  CHECK_EQ_INT(image_resize(&v, 0, 1, &px, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(image_resize(&v, 20000, 1, &px, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_EQ_INT(image_resize(&v, 10000, 10000, &px, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_EQ_INT(image_resize(NULL, 1, 1, &px, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(image_resize(&v, 1, 1, NULL, &e), IMAGE_ERR_INVALID_ARGUMENT);
  v.stride = 5;
  CHECK_EQ_INT(image_resize(&v, 1, 1, &px, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK(px.data == NULL);
}

TEST(image_resize_extreme_ratio_still_averages) {
  /* 0, 255, 0, 255, ... over 16000 pixels shrunk to 2: both halves average to about 127.5. */
  const uint32_t n = 16000;
  uint8_t *g = malloc(n);
  for (uint32_t i = 0; i < n; i++) g[i] = (i & 1) ? 255 : 0;
  image_view v = {.data = g, .width = n, .height = 1, .stride = n, .layout = IMAGE_LAYOUT_GRAY8};
  image_pixels px = {0};
  CHECK(image_resize(&v, 2, 1, &px, NULL) == IMAGE_OK);
  CHECK_MSG(abs((int)px.data[0] - 128) <= 2 && abs((int)px.data[1] - 128) <= 2, "%u %u", px.data[0], px.data[1]);
  image_pixels_free(&px);
  /* Same in the vertical direction. */
  v = (image_view){.data = g, .width = 1, .height = n, .stride = 1, .layout = IMAGE_LAYOUT_GRAY8};
  CHECK(image_resize(&v, 1, 3, &px, NULL) == IMAGE_OK);
  for (int i = 0; i < 3; i++) CHECK_MSG(abs((int)px.data[i] - 128) <= 2, "%d: %u", i, px.data[i]);
  image_pixels_free(&px);
  free(g);
}
