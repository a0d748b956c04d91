/* test_image_prepare.c: from camera messages to what the LLM server gets. Every raw encoding
 * ends as a JPEG whose colours are right (decoded back with TurboJPEG), downscaling keeps the
 * aspect ratio, compressed images pass through untouched when they fit and are re-encoded when
 * they do not, and broken ones are refused whatever their format string claims. */
#include "image/image_prepare.h"
#include "image/image_resize.h"
#include "test_image_util.h"
#include "testing.h"

/* A 4x2 grid of 16x16 blocks (64x32) in enc, prepared with opt, decoded back. */
static void check_raw_colours(const char *enc, int big, uint32_t pad, bool full_chroma) {
  const uint32_t w = 64, h = 32, b = 16;
  uint8_t *rgb = timg_grid(w, h, b, b);
  uint32_t step;
  size_t len;
  uint8_t *data = timg_make_raw(enc, rgb, w, h, pad, big, &step, &len);
  image_raw raw = {.width = w, .height = h, .step = step, .encoding = enc, .is_bigendian = big != 0, .data = data,
                   .data_len = len};
  image_options opt = {.max_size = 0, .quality = 92, .full_chroma = full_chroma};
  image_encoded out = {0};
  image_error e;
  CHECK_MSG(image_prepare_raw(&raw, &opt, &out, &e) == IMAGE_OK, "%s: %s", enc, e.message);
  CHECK(out.format == IMAGE_FORMAT_JPEG && out.reencoded && out.width == w && out.height == h);
  CHECK_EQ_STR(out.mime, "image/jpeg");
  int dw, dh;
  uint8_t *back = timg_decode_jpeg(out.data, out.len, &dw, &dh);
  CHECK(dw == (int)w && dh == (int)h);
  bool mono = strstr(enc, "mono") || strcmp(enc, "8UC1") == 0 || strcmp(enc, "16UC1") == 0;
  for (uint32_t i = 0; i < 8; i++) {
    uint8_t want[3];
    const uint8_t *c = timg_palette[i];
    if (mono) want[0] = want[1] = want[2] = c[1];
    else memcpy(want, c, 3);
    int d = timg_diff(back, w, (i % 4) * b + b / 2, (i / 4) * b + b / 2, want);
    CHECK_MSG(d <= 24, "%s colour %u off by %d", enc, i, d);
  }
  /* The red block is red (not blue: the bug of the Python node). */
  if (!mono) {
    const uint8_t *p = back + ((size_t)(b / 2) * w + b / 2) * 3;
    CHECK_MSG(p[0] > 220 && p[2] < 40, "%s: red came out as (%u,%u,%u)", enc, p[0], p[1], p[2]);
  }
  free(back);
  image_encoded_free(&out);
  free(data);
  free(rgb);
}

TEST(image_prepare_raw_rgb8_and_bgr8_red_stays_red) {
  check_raw_colours("rgb8", 0, 0, false);
  check_raw_colours("bgr8", 0, 0, false);
  check_raw_colours("rgb8", 0, 4, true);
  check_raw_colours("bgr8", 0, 1, true);
}

TEST(image_prepare_raw_every_encoding) {
  const char *encs[] = {"rgba8", "bgra8", "mono8", "mono16", "rgb16", "bgr16", "rgba16", "bgra16",
                        "8UC1", "8UC3", "8UC4", "16UC1", "yuv422", "uyvy", "yuv422_yuy2", "yuyv"};
  for (size_t i = 0; i < sizeof encs / sizeof encs[0]; i++) {
    check_raw_colours(encs[i], 0, 0, false);
    check_raw_colours(encs[i], 1, 6, false);
  }
}

TEST(image_prepare_raw_downscales_keeping_aspect) {
  const uint32_t w = 640, h = 360;
  uint8_t *rgb = timg_grid(w, h, w / 4, h / 2);
  const char *encs[] = {"rgb8", "bgra8", "yuyv", "mono16"};
  for (int k = 0; k < 4; k++) {
    uint32_t step;
    size_t len;
    uint8_t *data = timg_make_raw(encs[k], rgb, w, h, 0, 0, &step, &len);
    image_raw raw = {.width = w, .height = h, .step = step, .encoding = encs[k], .data = data, .data_len = len};
    image_options opt = {.max_size = 200, .quality = 90};
    image_encoded out = {0};
    CHECK(image_prepare_raw(&raw, &opt, &out, NULL) == IMAGE_OK);
    CHECK_EQ_INT(out.width, 200);
    CHECK_EQ_INT(out.height, 113); /* 112.5 rounded */
    int dw, dh;
    uint8_t *back = timg_decode_jpeg(out.data, out.len, &dw, &dh);
    CHECK(dw == 200 && dh == 113);
    if (k < 3) CHECK_MSG(timg_diff(back, 200, 25, 28, timg_palette[0]) <= 24, "%s", encs[k]); /* red corner */
    free(back);
    image_encoded_free(&out);
    free(data);
  }
  free(rgb);
}

TEST(image_prepare_raw_defaults_and_errors) {
  uint8_t d[3] = {255, 0, 0};
  image_raw raw = {.width = 1, .height = 1, .step = 3, .encoding = "rgb8", .data = d, .data_len = 3};
  image_encoded out = {0};
  image_error e;
  CHECK(image_prepare_raw(&raw, NULL, &out, &e) == IMAGE_OK); /* NULL options: defaults */
  CHECK(out.width == 1 && out.height == 1);
  image_encoded_free(&out);
  image_options opt = image_options_default();
  CHECK(opt.max_size == IMAGE_DEFAULT_MAX_SIZE && opt.quality == IMAGE_DEFAULT_QUALITY);
  opt.quality = 0;
  CHECK_EQ_INT(image_prepare_raw(&raw, &opt, &out, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(image_prepare_raw(&raw, NULL, NULL, &e), IMAGE_ERR_INVALID_ARGUMENT);
  raw.data_len = 2;
  CHECK_EQ_INT(image_prepare_raw(&raw, NULL, &out, &e), IMAGE_ERR_SHORT_DATA);
  raw.encoding = "jpeg";
  CHECK_EQ_INT(image_prepare_raw(&raw, NULL, &out, &e), IMAGE_ERR_UNSUPPORTED_ENCODING);
  CHECK(out.data == NULL);
}

TEST(image_prepare_compressed_passthrough_when_small) {
  const char *formats[] = {"jpeg", "rgb8; jpeg compressed bgr8", "png", NULL, "nonsense"};
  size_t jlen, plen;
  uint8_t *jpeg = timg_jpeg(64, 48, 80, &jlen);
  uint8_t *png = timg_png(64, 48, &plen);
  for (int i = 0; i < 5; i++) {
    for (int k = 0; k < 2; k++) {
      const uint8_t *in = k ? png : jpeg;
      size_t n = k ? plen : jlen;
      image_encoded out = {0};
      image_error e;
      image_options opt = {.max_size = 64, .quality = 80};
      CHECK_MSG(image_prepare_compressed(formats[i], in, n, &opt, &out, &e) == IMAGE_OK, "%s", e.message);
      CHECK(!out.reencoded && out.len == n && memcmp(out.data, in, n) == 0 && out.data != in);
      CHECK_EQ_STR(out.mime, k ? "image/png" : "image/jpeg");
      CHECK(out.width == 64 && out.height == 48);
      image_encoded_free(&out);
    }
  }
  free(jpeg);
  free(png);
}

TEST(image_prepare_compressed_reencodes_when_too_big) {
  size_t jlen, plen;
  uint8_t *jpeg = timg_jpeg(800, 400, 90, &jlen);
  uint8_t *png = timg_png(300, 500, &plen);
  image_options opt = {.max_size = 256, .quality = 85};
  image_encoded out = {0};
  image_error e;
  CHECK_MSG(image_prepare_compressed("jpeg", jpeg, jlen, &opt, &out, &e) == IMAGE_OK, "%s", e.message);
  CHECK(out.reencoded && out.format == IMAGE_FORMAT_JPEG && out.width == 256 && out.height == 128);
  int w, h;
  uint8_t *back = timg_decode_jpeg(out.data, out.len, &w, &h);
  CHECK(w == 256 && h == 128);
  free(back);
  image_encoded_free(&out);
  /* A PNG that is too big comes back as a JPEG, aspect kept. */
  CHECK(image_prepare_compressed("bgr8; png compressed bgr8", png, plen, &opt, &out, &e) == IMAGE_OK);
  CHECK(out.reencoded && out.format == IMAGE_FORMAT_JPEG && out.width == 154 && out.height == 256);
  CHECK_EQ_STR(out.mime, "image/jpeg");
  back = timg_decode_jpeg(out.data, out.len, &w, &h);
  CHECK(timg_diff(back, (uint32_t)w, 1, 1, timg_palette[0]) <= 40); /* top-left block red */
  free(back);
  image_encoded_free(&out);
  /* 1000-side JPEG to 1000: no change. 1001 wide to 1000 uses a DCT scale + area filter. */
  free(jpeg);
  jpeg = timg_jpeg(1001, 333, 85, &jlen);
  opt.max_size = 1000;
  CHECK(image_prepare_compressed("jpeg", jpeg, jlen, &opt, &out, &e) == IMAGE_OK);
  CHECK(out.width == 1000 && out.height == 333);
  image_encoded_free(&out);
  free(jpeg);
  free(png);
}

TEST(image_prepare_compressed_truncated_refused) {
  size_t jlen, plen;
  uint8_t *jpeg = timg_jpeg(64, 64, 90, &jlen);
  uint8_t *png = timg_png(64, 64, &plen);
  image_options opt = image_options_default();
  image_encoded out = {0};
  image_error e;
  CHECK_EQ_INT(image_prepare_compressed("jpeg", jpeg, jlen * 3 / 4, &opt, &out, &e), IMAGE_ERR_CORRUPT);
  CHECK_CONTAINS(e.message, "compressed image (format 'jpeg')");
  CHECK_CONTAINS(e.message, "Premature end");
  CHECK_EQ_INT(image_prepare_compressed("png", png, plen - 20, &opt, &out, &e), IMAGE_ERR_CORRUPT);
  /* Also on the re-encode path. */
  opt.max_size = 16;
  CHECK_EQ_INT(image_prepare_compressed("jpeg", jpeg, jlen * 3 / 4, &opt, &out, &e), IMAGE_ERR_CORRUPT);
  CHECK_EQ_INT(image_prepare_compressed("png", png, plen / 2, &opt, &out, &e), IMAGE_ERR_CORRUPT);
  CHECK(out.data == NULL);
  free(jpeg);
  free(png);
}

TEST(image_prepare_compressed_format_string_not_trusted) {
  image_encoded out = {0};
  image_error e;
  const char *text = "not an image at all";
  CHECK_EQ_INT(image_prepare_compressed("jpeg", (const uint8_t *)text, strlen(text), NULL, &out, &e),
               IMAGE_ERR_NOT_AN_IMAGE);
  CHECK_CONTAINS(e.message, "format 'jpeg'");
  /* A PNG labelled jpeg is handled as the PNG it is. */
  size_t plen;
  uint8_t *png = timg_png(8, 8, &plen);
  CHECK(image_prepare_compressed("jpeg", png, plen, NULL, &out, &e) == IMAGE_OK);
  CHECK_EQ_STR(out.mime, "image/png");
  image_encoded_free(&out);
  free(png);
  const uint8_t gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
  CHECK_EQ_INT(image_prepare_compressed("gif", gif, sizeof gif - 1, NULL, &out, &e), IMAGE_ERR_UNSUPPORTED_FORMAT);
  CHECK_CONTAINS(e.message, "GIF");
  CHECK_EQ_INT(image_prepare_compressed("jpeg", NULL, 0, NULL, &out, &e), IMAGE_ERR_NOT_AN_IMAGE);
  CHECK_EQ_INT(image_prepare_compressed("jpeg", NULL, 4, NULL, &out, &e), IMAGE_ERR_INVALID_ARGUMENT);
}

TEST(image_prepare_compressed_cmyk_reencoded_as_rgb) {
  size_t len;
  char *cmyk = test_read_file(test_fixture("images/cmyk.jpg"), &len);
  image_encoded out = {0};
  image_error e;
  CHECK_MSG(image_prepare_compressed("jpeg", (uint8_t *)cmyk, len, NULL, &out, &e) == IMAGE_OK, "%s", e.message);
  CHECK(out.reencoded && out.width == 16 && out.height == 16);
  int w, h;
  uint8_t *back = timg_decode_jpeg(out.data, out.len, &w, &h);
  CHECK_MSG(timg_diff(back, 16, 3, 3, timg_palette[0]) <= 40, "(%u,%u,%u)", back[0], back[1], back[2]);
  CHECK(timg_diff(back, 16, 12, 12, timg_palette[6]) <= 40); /* cyan */
  free(back);
  image_encoded_free(&out);
  free(cmyk);
}
