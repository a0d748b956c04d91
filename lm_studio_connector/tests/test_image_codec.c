/* test_image_codec.c: JPEG and PNG encoding and decoding, sniffing, probing and verifying:
 * colours survive a round trip, truncated or damaged files are refused, WebP and GIF headers
 * are read, and declared sizes are checked before pixels are allocated. */
#include <string.h>
#include <turbojpeg.h>

#include "image/image_base64.h"
#include "image/image_codec.h"
#include "test_image_util.h"
#include "testing.h"

/* A 1x1 lossless WebP and a 1x1 GIF. */
static const char webp_b64[] = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";
static const char gif_b64[] = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

static uint8_t *from_b64(const char *b64, size_t *len) {
  uint8_t *out = NULL;
  CHECK(image_base64_decode(b64, strlen(b64), 1 << 20, &out, len, NULL) == IMAGE_OK);
  return out;
}

TEST(image_codec_jpeg_tiny_full_chroma_keeps_colours) {
  uint8_t *rgb = timg_grid(4, 2, 1, 1);
  image_view v = {.data = rgb, .width = 4, .height = 2, .stride = 12, .layout = IMAGE_LAYOUT_RGB8};
  uint8_t *jpeg = NULL;
  size_t len = 0;
  image_error e;
  CHECK_MSG(image_jpeg_encode(&v, 100, true, &jpeg, &len, &e) == IMAGE_OK, "%s", e.message);
  CHECK(image_sniff(jpeg, len) == IMAGE_FORMAT_JPEG);
  int w, h;
  uint8_t *back = timg_decode_jpeg(jpeg, len, &w, &h);
  CHECK(w == 4 && h == 2);
  for (uint32_t i = 0; i < 8; i++) {
    int d = timg_diff(back, 4, i % 4, i / 4, timg_palette[i]);
    CHECK_MSG(d <= 16, "pixel %u off by %d", i, d);
  }
  /* Red stays red. */
  CHECK(back[0] > 230 && back[1] < 25 && back[2] < 25);
  free(back);
  free(jpeg);
  free(rgb);
}

TEST(image_codec_jpeg_layouts_give_same_colours) {
  /* The same 32x16 picture handed over as RGB, BGR, RGBA, BGRA: all decode to the same colours. */
  const uint32_t w = 32, h = 16;
  uint8_t *rgb = timg_grid(w, h, 8, 8);
  image_layout layouts[] = {IMAGE_LAYOUT_RGB8, IMAGE_LAYOUT_BGR8, IMAGE_LAYOUT_RGBA8, IMAGE_LAYOUT_BGRA8};
  for (int k = 0; k < 4; k++) {
    unsigned n = image_layout_bytes(layouts[k]);
    bool bgr = layouts[k] == IMAGE_LAYOUT_BGR8 || layouts[k] == IMAGE_LAYOUT_BGRA8;
    size_t stride = w * n + 3;
    uint8_t *buf = calloc(stride * h, 1);
    for (uint32_t y = 0; y < h; y++)
      for (uint32_t x = 0; x < w; x++) {
        const uint8_t *c = rgb + ((size_t)y * w + x) * 3;
        uint8_t *p = buf + y * stride + x * n;
        p[0] = bgr ? c[2] : c[0];
        p[1] = c[1];
        p[2] = bgr ? c[0] : c[2];
        if (n == 4) p[3] = 9;
      }
    image_view v = {.data = buf, .width = w, .height = h, .stride = stride, .layout = layouts[k]};
    uint8_t *jpeg = NULL;
    size_t len = 0;
    CHECK(image_jpeg_encode(&v, 95, false, &jpeg, &len, NULL) == IMAGE_OK);
    int dw, dh;
    uint8_t *back = timg_decode_jpeg(jpeg, len, &dw, &dh);
    for (uint32_t i = 0; i < 8; i++) {
      int d = timg_diff(back, w, (i % 4) * 8 + 4, (i / 4) * 8 + 4, timg_palette[i]);
      CHECK_MSG(d <= 40, "layout %d colour %u off by %d", (int)layouts[k], i, d);
    }
    free(back);
    free(jpeg);
    free(buf);
  }
  free(rgb);
}

TEST(image_codec_jpeg_gray_view_gives_gray_jpeg) {
  uint8_t g[64];
  for (int i = 0; i < 64; i++) g[i] = (uint8_t)(i * 4);
  image_view v = {.data = g, .width = 8, .height = 8, .stride = 8, .layout = IMAGE_LAYOUT_GRAY8};
  uint8_t *jpeg = NULL;
  size_t len;
  CHECK(image_jpeg_encode(&v, 90, false, &jpeg, &len, NULL) == IMAGE_OK);
  image_pixels px = {0};
  CHECK(image_decode(jpeg, len, 0, &px, NULL) == IMAGE_OK);
  CHECK(px.channels == 1 && px.width == 8 && px.height == 8);
  CHECK(abs((int)px.data[63] - 252) <= 8);
  image_pixels_free(&px);
  free(jpeg);
}

TEST(image_codec_jpeg_encode_bad_arguments) {
  uint8_t d[12] = {0};
  image_view v = {.data = d, .width = 2, .height = 2, .stride = 6, .layout = IMAGE_LAYOUT_RGB8};
  uint8_t *out = (uint8_t *)"untouched";
  size_t len = 7;
  image_error e;
  CHECK_EQ_INT(image_jpeg_encode(&v, 0, false, &out, &len, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(image_jpeg_encode(&v, 101, false, &out, &len, &e), IMAGE_ERR_INVALID_ARGUMENT);
  v.stride = 5;
  CHECK_EQ_INT(image_jpeg_encode(&v, 80, false, &out, &len, &e), IMAGE_ERR_INVALID_ARGUMENT);
  v.stride = 6;
  v.layout = (image_layout)42;
  CHECK_EQ_INT(image_jpeg_encode(&v, 80, false, &out, &len, &e), IMAGE_ERR_INVALID_ARGUMENT);
  v.layout = IMAGE_LAYOUT_RGB8;
  v.width = 0;
  CHECK_EQ_INT(image_jpeg_encode(&v, 80, false, &out, &len, &e), IMAGE_ERR_INVALID_ARGUMENT);
  v.width = 20000;
  v.stride = 60000;
  CHECK_EQ_INT(image_jpeg_encode(&v, 80, false, &out, &len, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_EQ_INT(image_jpeg_encode(NULL, 80, false, &out, &len, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK(strcmp((const char *)out, "untouched") == 0 && len == 7);
}

TEST(image_codec_png_round_trip_exact) {
  size_t len;
  uint8_t *png = timg_png(32, 16, &len);
  CHECK(image_sniff(png, len) == IMAGE_FORMAT_PNG);
  CHECK_EQ_STR(image_sniff_mime(png, len), "image/png");
  image_pixels px = {0};
  image_error e;
  CHECK_MSG(image_decode(png, len, 0, &px, &e) == IMAGE_OK, "%s", e.message);
  uint8_t *rgb = timg_grid(32, 16, 8, 8);
  CHECK(px.channels == 3 && px.width == 32 && px.height == 16);
  CHECK(memcmp(px.data, rgb, 32 * 16 * 3) == 0);
  image_pixels_free(&px);
  free(rgb);
  free(png);
}

TEST(image_codec_png_encodes_bgra_and_gray) {
  uint8_t bgra[8] = {0, 0, 255, 1, 255, 0, 0, 2}; /* red, blue */
  image_view v = {.data = bgra, .width = 2, .height = 1, .stride = 8, .layout = IMAGE_LAYOUT_BGRA8};
  uint8_t *png = NULL;
  size_t len;
  CHECK(image_png_encode(&v, &png, &len, NULL) == IMAGE_OK);
  image_pixels px = {0};
  CHECK(image_decode(png, len, 0, &px, NULL) == IMAGE_OK);
  CHECK(px.channels == 3);
  CHECK(px.data[0] == 255 && px.data[1] == 0 && px.data[2] == 0);
  CHECK(px.data[3] == 0 && px.data[4] == 0 && px.data[5] == 255);
  image_pixels_free(&px);
  free(png);
  uint8_t g[3] = {1, 2, 3};
  v = (image_view){.data = g, .width = 3, .height = 1, .stride = 3, .layout = IMAGE_LAYOUT_GRAY8};
  CHECK(image_png_encode(&v, &png, &len, NULL) == IMAGE_OK);
  CHECK(image_decode(png, len, 0, &px, NULL) == IMAGE_OK);
  CHECK(px.channels == 1 && px.data[0] == 1 && px.data[2] == 3);
  image_pixels_free(&px);
  free(png);
}

TEST(image_codec_probe_reads_sizes) {
  size_t len;
  uint8_t *jpeg = timg_jpeg(40, 24, 80, &len);
  image_info info;
  CHECK(image_probe(jpeg, len, &info, NULL) == IMAGE_OK);
  CHECK(info.format == IMAGE_FORMAT_JPEG && info.width == 40 && info.height == 24 && !info.cmyk);
  free(jpeg);
  uint8_t *png = timg_png(7, 3, &len);
  CHECK(image_probe(png, len, &info, NULL) == IMAGE_OK);
  CHECK(info.format == IMAGE_FORMAT_PNG && info.width == 7 && info.height == 3);
  free(png);
}

TEST(image_codec_webp_and_gif_headers) {
  size_t len;
  uint8_t *webp = from_b64(webp_b64, &len);
  CHECK_EQ_STR(image_sniff_mime(webp, len), "image/webp");
  image_info info;
  image_error e;
  CHECK_MSG(image_probe(webp, len, &info, &e) == IMAGE_OK, "%s", e.message);
  CHECK(info.format == IMAGE_FORMAT_WEBP && info.width == 1 && info.height == 1);
  CHECK_EQ_INT(image_verify(webp, len, &info, &e), IMAGE_ERR_UNSUPPORTED_FORMAT);
  CHECK_CONTAINS(e.message, "WebP");
  CHECK_EQ_INT(image_probe(webp, len - 4, &info, &e), IMAGE_ERR_CORRUPT); /* RIFF size says more */
  free(webp);
  uint8_t *gif = from_b64(gif_b64, &len);
  CHECK_EQ_STR(image_sniff_mime(gif, len), "image/gif");
  CHECK(image_probe(gif, len, &info, NULL) == IMAGE_OK);
  CHECK(info.format == IMAGE_FORMAT_GIF && info.width == 1 && info.height == 1);
  image_pixels px = {0};
  CHECK_EQ_INT(image_decode(gif, len, 0, &px, &e), IMAGE_ERR_UNSUPPORTED_FORMAT);
  CHECK_EQ_INT(image_probe(gif, 10, &info, &e), IMAGE_ERR_CORRUPT);
  free(gif);
}

TEST(image_codec_sniff_not_an_image) {
  CHECK(image_sniff_mime("hello world", 11) == NULL);
  CHECK(image_sniff(NULL, 10) == IMAGE_FORMAT_NONE);
  CHECK(image_sniff("\xff\xd8", 2) == IMAGE_FORMAT_NONE);
  CHECK(image_sniff("\xff\xd8\xff", 3) == IMAGE_FORMAT_JPEG);
  CHECK(image_sniff("RIFF\0\0\0\0WAVE", 12) == IMAGE_FORMAT_NONE);
  CHECK(image_sniff("GIF87a", 6) == IMAGE_FORMAT_GIF);
  CHECK_EQ_STR(image_format_name(IMAGE_FORMAT_NONE), "not an image");
  CHECK(image_format_mime((image_format)99) == NULL);
  image_error e;
  CHECK_EQ_INT(image_probe((const uint8_t *)"hello world", 11, NULL, &e), IMAGE_ERR_NOT_AN_IMAGE);
  CHECK_CONTAINS(e.message, "68 65 6c 6c");
  CHECK_EQ_INT(image_probe((const uint8_t *)"", 0, NULL, &e), IMAGE_ERR_NOT_AN_IMAGE);
  CHECK_EQ_INT(image_probe(NULL, 3, NULL, &e), IMAGE_ERR_INVALID_ARGUMENT);
}

TEST(image_codec_truncated_jpeg_refused) {
  size_t len;
  uint8_t *jpeg = timg_jpeg(64, 64, 90, &len);
  image_error e;
  CHECK(image_verify(jpeg, len, NULL, &e) == IMAGE_OK);
  /* Cut in the entropy-coded data: the header still reads, a full decode does not. */
  CHECK_EQ_INT(image_probe(jpeg, len * 2 / 3, NULL, &e), IMAGE_OK);
  CHECK_EQ_INT(image_verify(jpeg, len * 2 / 3, NULL, &e), IMAGE_ERR_CORRUPT);
  CHECK_CONTAINS(e.message, "Premature end");
  image_pixels px = {0};
  CHECK_EQ_INT(image_decode(jpeg, len * 2 / 3, 0, &px, &e), IMAGE_ERR_CORRUPT);
  CHECK(px.data == NULL);
  /* Cut in the header: even the probe fails. */
  CHECK_EQ_INT(image_probe(jpeg, 40, NULL, &e), IMAGE_ERR_CORRUPT);
  /* Every prefix is refused by verify (and none crashes). */
  for (size_t n = 0; n < len - 2; n += 7) CHECK_MSG(image_verify(jpeg, n, NULL, NULL) != IMAGE_OK, "prefix %zu", n);
  free(jpeg);
}

TEST(image_codec_corrupt_jpeg_refused) {
  size_t len;
  uint8_t *jpeg = timg_jpeg(64, 64, 90, &len);
  image_error e;
  /* Replace the middle of the scan with garbage containing a bogus marker. */
  for (size_t i = len / 2; i < len / 2 + 16; i++) jpeg[i] = 0xFF;
  jpeg[len / 2 + 16] = 0xC8;
  CHECK(image_verify(jpeg, len, NULL, &e) != IMAGE_OK);
  free(jpeg);
}

TEST(image_codec_truncated_png_refused) {
  size_t len;
  uint8_t *png = timg_png(64, 64, &len);
  image_error e;
  CHECK(image_verify(png, len, NULL, &e) == IMAGE_OK);
  CHECK_EQ_INT(image_verify(png, len - 12, NULL, &e), IMAGE_ERR_CORRUPT); /* IEND missing */
  CHECK_EQ_INT(image_verify(png, len / 2, NULL, &e), IMAGE_ERR_CORRUPT);
  CHECK_CONTAINS(e.message, "PNG");
  CHECK_EQ_INT(image_probe(png, 20, NULL, &e), IMAGE_ERR_CORRUPT); /* IHDR cut */
  for (size_t n = 0; n < len; n += 5) CHECK_MSG(image_verify(png, n, NULL, NULL) != IMAGE_OK, "prefix %zu", n);
  /* A flipped bit in IDAT fails its CRC. */
  png[len / 2] ^= 0x10;
  CHECK_EQ_INT(image_verify(png, len, NULL, &e), IMAGE_ERR_CORRUPT);
  free(png);
}

/* A PNG whose IHDR declares w x h (valid CRC), followed by nothing. */
static size_t png_header(uint8_t *b, uint32_t w, uint32_t h);

TEST(image_codec_png_bomb_refused_from_header) {
  uint8_t b[64];
  size_t n = png_header(b, 16384, 16384);
  image_error e;
  CHECK_EQ_INT(image_probe(b, n, NULL, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_CONTAINS(e.message, "16384x16384");
  image_pixels px = {0};
  CHECK_EQ_INT(image_decode(b, n, 0, &px, &e), IMAGE_ERR_TOO_LARGE);
  n = png_header(b, 100000, 1);
  CHECK_EQ_INT(image_probe(b, n, NULL, &e), IMAGE_ERR_TOO_LARGE);
}

TEST(image_codec_jpeg_bomb_refused_from_header) {
  /* A real JPEG whose SOF0 size is rewritten to 16000x16000. */
  size_t len;
  uint8_t *jpeg = timg_jpeg(16, 16, 80, &len);
  size_t sof = 0;
  for (size_t i = 2; i + 9 < len; i++)
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) sof = i;
  CHECK(sof > 0);
  jpeg[sof + 5] = 16000 >> 8;
  jpeg[sof + 6] = 16000 & 0xFF;
  jpeg[sof + 7] = 16000 >> 8;
  jpeg[sof + 8] = 16000 & 0xFF;
  image_error e;
  CHECK_EQ_INT(image_probe(jpeg, len, NULL, &e), IMAGE_ERR_TOO_LARGE);
  image_pixels px = {0};
  CHECK_EQ_INT(image_decode(jpeg, len, 0, &px, &e), IMAGE_ERR_TOO_LARGE);
  free(jpeg);
}

TEST(image_codec_jpeg_decode_at_reduced_scale) {
  size_t len;
  uint8_t *jpeg = timg_jpeg(800, 400, 85, &len);
  image_pixels px = {0};
  CHECK(image_decode(jpeg, len, 200, &px, NULL) == IMAGE_OK); /* 1/4 gives exactly 200 */
  CHECK_EQ_INT(px.width, 200);
  CHECK_EQ_INT(px.height, 100);
  image_pixels_free(&px);
  CHECK(image_decode(jpeg, len, 300, &px, NULL) == IMAGE_OK); /* 3/8 gives 300 */
  CHECK_EQ_INT(px.width, 300);
  image_pixels_free(&px);
  CHECK(image_decode(jpeg, len, 0, &px, NULL) == IMAGE_OK);
  CHECK_EQ_INT(px.width, 800);
  image_pixels_free(&px);
  free(jpeg);
}

TEST(image_codec_fixture_pngs_decode) {
  /* Layouts our encoder never writes: interlaced 16-bit RGBA, palette with transparency, 2-bit gray. */
  const char *names[] = {"images/interlaced_rgba16.png", "images/palette_trns.png", "images/gray2.png"};
  const uint32_t channels[] = {3, 3, 1};
  for (int i = 0; i < 3; i++) {
    size_t len;
    char *data = test_read_file(test_fixture(names[i]), &len);
    image_pixels px = {0};
    image_error e;
    CHECK_MSG(image_decode((uint8_t *)data, len, 0, &px, &e) == IMAGE_OK, "%s: %s", names[i], e.message);
    CHECK_MSG(px.channels == channels[i], "%s: %u channels", names[i], px.channels);
    CHECK(image_verify((uint8_t *)data, len, NULL, &e) == IMAGE_OK);
    /* The top-left pixel of each fixture is red (gray2: white). */
    if (px.channels == 3) CHECK_MSG(px.data[0] > 240 && px.data[1] < 15 && px.data[2] < 15, "%s", names[i]);
    else CHECK(px.data[0] == 255);
    image_pixels_free(&px);
    free(data);
  }
}

TEST(image_codec_fixture_jpegs_decode) {
  /* Progressive, gray, and CMYK (converted to RGB). The top-left block of each is red (gray: white). */
  const char *names[] = {"images/progressive.jpg", "images/gray.jpg", "images/cmyk.jpg"};
  for (int i = 0; i < 3; i++) {
    size_t len;
    char *data = test_read_file(test_fixture(names[i]), &len);
    image_info info;
    image_error e;
    CHECK_MSG(image_verify((uint8_t *)data, len, &info, &e) == IMAGE_OK, "%s: %s", names[i], e.message);
    CHECK(info.cmyk == (i == 2));
    image_pixels px = {0};
    CHECK_MSG(image_decode((uint8_t *)data, len, 0, &px, &e) == IMAGE_OK, "%s: %s", names[i], e.message);
    if (i == 1) CHECK(px.channels == 1 && px.data[0] > 240);
    else CHECK_MSG(px.data[0] > 220 && px.data[1] < 40 && px.data[2] < 40, "%s: %u %u %u", names[i], px.data[0], px.data[1], px.data[2]);
    image_pixels_free(&px);
    free(data);
  }
}

static uint32_t crc32_of(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return c ^ 0xFFFFFFFFu;
}

static void be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static size_t png_header(uint8_t *b, uint32_t w, uint32_t h) {
  memcpy(b, "\x89PNG\r\n\x1a\n", 8);
  be32(b + 8, 13);
  memcpy(b + 12, "IHDR", 4);
  be32(b + 16, w);
  be32(b + 20, h);
  b[24] = 8;  /* depth */
  b[25] = 2;  /* RGB */
  b[26] = b[27] = b[28] = 0;
  be32(b + 29, crc32_of(b + 12, 17));
  /* An empty IDAT so the header reader reaches image data. */
  be32(b + 33, 0);
  memcpy(b + 37, "IDAT", 4);
  be32(b + 41, crc32_of(b + 37, 4));
  return 45;
}
