/* test_image_base64.c: strict base64 (RFC 4648 vectors, round trips, every kind of bad input)
 * and image data URIs (build, parse, lying or vague types, broken content). */
#include "common/limits.h"
#include "image/image_base64.h"
#include "test_image_util.h"
#include "testing.h"

static char *enc(const char *s) {
  char *out = NULL;
  CHECK(image_base64_encode(s, strlen(s), &out, NULL, NULL) == IMAGE_OK);
  return out;
}

static image_status dec(const char *text, char *buf, size_t bufsize) {
  uint8_t *out = NULL;
  size_t n = 0;
  image_status st = image_base64_decode(text, strlen(text), 1 << 20, &out, &n, NULL);
  if (st == IMAGE_OK) {
    CHECK(n < bufsize);
    memcpy(buf, out, n);
    buf[n] = '\0';
    free(out);
  }
  return st;
}

TEST(image_base64_rfc4648_vectors) {
  const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char *b64[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; i++) {
    char *e = enc(plain[i]);
    CHECK_EQ_STR(e, b64[i]);
    free(e);
    char buf[16];
    CHECK(dec(b64[i], buf, sizeof buf) == IMAGE_OK);
    CHECK_EQ_STR(buf, plain[i]);
    CHECK_EQ_INT(image_base64_encoded_len(strlen(plain[i])), strlen(b64[i]));
  }
}

TEST(image_base64_round_trip_all_bytes) {
  uint8_t data[600];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 37 + (i >> 3));
  for (size_t n = 0; n <= sizeof data; n += (n < 20 ? 1 : 29)) {
    char *text = NULL;
    size_t tlen = 0;
    CHECK(image_base64_encode(data, n, &text, &tlen, NULL) == IMAGE_OK);
    CHECK_EQ_INT(tlen, strlen(text));
    uint8_t *back = NULL;
    size_t blen = 99;
    CHECK(image_base64_decode(text, tlen, n, &back, &blen, NULL) == IMAGE_OK);
    CHECK(back != NULL);
    CHECK_EQ_INT(blen, n);
    CHECK(n == 0 || memcmp(back, data, n) == 0);
    free(back);
    free(text);
  }
}

TEST(image_base64_whitespace_allowed) {
  char buf[16];
  CHECK(dec(" Zm9v\r\nYmFy\n", buf, sizeof buf) == IMAGE_OK);
  CHECK_EQ_STR(buf, "foobar");
  CHECK(dec("Zm9vYg\t=\n= ", buf, sizeof buf) == IMAGE_OK);
  CHECK_EQ_STR(buf, "foob");
  CHECK(dec(" \n ", buf, sizeof buf) == IMAGE_OK);
  CHECK_EQ_STR(buf, "");
}

TEST(image_base64_rejects_bad_characters) {
  char buf[16];
  image_error e;
  uint8_t *out = (uint8_t *)"untouched";
  size_t n = 3;
  CHECK_EQ_INT(image_base64_decode("Zm9v!mFy", 8, 100, &out, &n, &e), IMAGE_ERR_BAD_BASE64);
  CHECK_CONTAINS(e.message, "'!' at offset 4");
  CHECK(strcmp((char *)out, "untouched") == 0 && n == 3);
  CHECK_EQ_INT(dec("Zm9v-_Fy", buf, sizeof buf), IMAGE_ERR_BAD_BASE64); /* URL-safe alphabet */
  CHECK_EQ_INT(image_base64_decode("Zm9v\0mFy", 8, 100, &out, &n, &e), IMAGE_ERR_BAD_BASE64);
  CHECK_CONTAINS(e.message, "0x00");
  CHECK_EQ_INT(dec("Zm9v\xc3\xa9mFy", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);
}

TEST(image_base64_rejects_bad_padding) {
  char buf[16];
  CHECK_EQ_INT(dec("Zm9vYg", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);     /* padding missing */
  CHECK_EQ_INT(dec("Zm9vYg=", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);    /* half padding */
  CHECK_EQ_INT(dec("Zm9vYg===", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);  /* too much */
  CHECK_EQ_INT(dec("Zm9v====", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);
  CHECK_EQ_INT(dec("Zg==Zg==", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);   /* data after padding */
  CHECK_EQ_INT(dec("Zm=v", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);       /* '=' in the middle */
  CHECK_EQ_INT(dec("=", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);
  CHECK_EQ_INT(dec("Z===", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);
  CHECK_EQ_INT(dec("Zm9vY", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);      /* 5 characters */
  CHECK_EQ_INT(dec("Zh==", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);       /* unused bits set */
  CHECK_EQ_INT(dec("Zm9=", buf, sizeof buf), IMAGE_ERR_BAD_BASE64);
}

TEST(image_base64_decode_limit) {
  uint8_t *out = NULL;
  size_t n = 0;
  image_error e;
  CHECK_EQ_INT(image_base64_decode("Zm9vYmFy", 8, 5, &out, &n, &e), IMAGE_ERR_TOO_LARGE);
  CHECK_EQ_INT(image_base64_decode("Zm9vYmFy", 8, 6, &out, &n, &e), IMAGE_OK);
  free(out);
  CHECK_EQ_INT(image_base64_decode(NULL, 1, 6, &out, &n, &e), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(image_base64_encode(NULL, 1, (char **)&out, NULL, &e), IMAGE_ERR_INVALID_ARGUMENT);
  char *t = NULL;
  CHECK_EQ_INT(image_base64_encode("x", (size_t)LMS_MAX_IMAGE_ENCODED_BYTES + 1, &t, NULL, &e), IMAGE_ERR_TOO_LARGE);
}

static char *jpeg_uri(const char *type) {
  size_t len;
  uint8_t *jpeg = timg_jpeg(16, 8, 80, &len);
  char *b64 = NULL;
  CHECK(image_base64_encode(jpeg, len, &b64, NULL, NULL) == IMAGE_OK);
  size_t n = strlen(type) + strlen(b64) + 16;
  char *uri = malloc(n);
  snprintf(uri, n, "%s%s", type, b64);
  free(b64);
  free(jpeg);
  return uri;
}

TEST(image_data_uri_build_and_parse) {
  size_t len;
  uint8_t *jpeg = timg_jpeg(16, 8, 80, &len);
  char *uri = NULL;
  size_t ulen = 0;
  CHECK(image_data_uri_build(jpeg, len, NULL, &uri, &ulen, NULL) == IMAGE_OK);
  CHECK(strncmp(uri, "data:image/jpeg;base64,/9j/", 27) == 0);
  CHECK_EQ_INT(ulen, strlen(uri));
  image_encoded img = {0};
  image_error e;
  CHECK_MSG(image_data_uri_parse(uri, ulen, &img, &e) == IMAGE_OK, "%s", e.message);
  CHECK_EQ_STR(img.mime, "image/jpeg");
  CHECK(img.format == IMAGE_FORMAT_JPEG && img.width == 16 && img.height == 8 && !img.reencoded);
  CHECK(img.len == len && memcmp(img.data, jpeg, len) == 0);
  image_encoded_free(&img);
  image_encoded_free(&img);
  free(uri);
  /* A declared type that agrees is fine; one that does not is refused. */
  CHECK(image_data_uri_build(jpeg, len, "IMAGE/JPEG", &uri, NULL, NULL) == IMAGE_OK);
  free(uri);
  CHECK_EQ_INT(image_data_uri_build(jpeg, len, "image/png", &uri, NULL, &e), IMAGE_ERR_MIME_MISMATCH);
  CHECK_EQ_INT(image_data_uri_build("hello", 5, NULL, &uri, NULL, &e), IMAGE_ERR_NOT_AN_IMAGE);
  free(jpeg);
}

TEST(image_data_uri_parse_lying_mime_refused) {
  char *uri = jpeg_uri("data:image/png;base64,");
  image_encoded img = {0};
  image_error e;
  CHECK_EQ_INT(image_data_uri_parse(uri, strlen(uri), &img, &e), IMAGE_ERR_MIME_MISMATCH);
  CHECK_CONTAINS(e.message, "'image/png'");
  CHECK_CONTAINS(e.message, "JPEG");
  CHECK(img.data == NULL);
  free(uri);
  uri = jpeg_uri("data:image/bmp;base64,");
  CHECK_EQ_INT(image_data_uri_parse(uri, strlen(uri), &img, &e), IMAGE_ERR_MIME_MISMATCH);
  free(uri);
}

TEST(image_data_uri_parse_vague_or_alias_types) {
  const char *ok[] = {"data:image/jpg;base64,", "DATA:Image/JPEG;BASE64,", "data:image/x-camera;base64,",
                      "data:image/jpeg;name=cam.jpg;base64,", "data:image/pjpeg;base64,"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    char *uri = jpeg_uri(ok[i]);
    image_encoded img = {0};
    image_error e;
    CHECK_MSG(image_data_uri_parse(uri, strlen(uri), &img, &e) == IMAGE_OK, "%s: %s", ok[i], e.message);
    CHECK_EQ_STR(img.mime, "image/jpeg");
    image_encoded_free(&img);
    free(uri);
  }
}

TEST(image_data_uri_parse_broken_refused) {
  struct {
    const char *uri;
    image_status want;
  } bad[] = {
    {"http://example.com/a.jpg", IMAGE_ERR_BAD_DATA_URI},
    {"data:image/jpeg;base64", IMAGE_ERR_BAD_DATA_URI},             /* no comma */
    {"data:text/plain;base64,aGVsbG8=", IMAGE_ERR_BAD_DATA_URI},   /* not an image type */
    {"data:;base64,aGVsbG8=", IMAGE_ERR_BAD_DATA_URI},
    {"data:image/;base64,aGVsbG8=", IMAGE_ERR_BAD_DATA_URI},
    {"data:image/jpeg,%FF%D8%FF", IMAGE_ERR_BAD_DATA_URI},         /* not base64 */
    {"data:image/jpeg;base64,/9j/4AAQ!!", IMAGE_ERR_BAD_BASE64},
    {"data:image/jpeg;base64,aGVsbG8=", IMAGE_ERR_NOT_AN_IMAGE},   /* "hello" */
    {"data:image/jpeg;base64,", IMAGE_ERR_NOT_AN_IMAGE},
    {"data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==", IMAGE_ERR_CORRUPT}, /* JPEG magic, broken header */
    {"", IMAGE_ERR_BAD_DATA_URI},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    image_encoded img = {0};
    image_error e;
    image_status st = image_data_uri_parse(bad[i].uri, strlen(bad[i].uri), &img, &e);
    CHECK_MSG(st == bad[i].want, "%s: %s (%s)", bad[i].uri, image_status_name(st), e.message);
    CHECK(img.data == NULL);
  }
  image_encoded img = {0};
  CHECK_EQ_INT(image_data_uri_parse(NULL, 5, &img, NULL), IMAGE_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT(image_data_uri_parse("data:", 5, NULL, NULL), IMAGE_ERR_INVALID_ARGUMENT);
}

TEST(image_data_uri_parse_png_webp_gif) {
  size_t len;
  uint8_t *png = timg_png(3, 2, &len);
  char *uri = NULL;
  CHECK(image_data_uri_build(png, len, "image/png", &uri, NULL, NULL) == IMAGE_OK);
  image_encoded img = {0};
  CHECK(image_data_uri_parse(uri, strlen(uri), &img, NULL) == IMAGE_OK);
  CHECK(img.format == IMAGE_FORMAT_PNG && img.width == 3 && img.height == 2);
  image_encoded_free(&img);
  free(uri);
  free(png);
  const char *webp = "data:image/webp;base64,UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";
  CHECK(image_data_uri_parse(webp, strlen(webp), &img, NULL) == IMAGE_OK);
  CHECK_EQ_STR(img.mime, "image/webp");
  image_encoded_free(&img);
  const char *gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  CHECK(image_data_uri_parse(gif, strlen(gif), &img, NULL) == IMAGE_OK);
  CHECK_EQ_STR(img.mime, "image/gif");
  image_encoded_free(&img);
  const char *gif_as_webp = "data:image/webp;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  CHECK_EQ_INT(image_data_uri_parse(gif_as_webp, strlen(gif_as_webp), &img, NULL), IMAGE_ERR_MIME_MISMATCH);
}

TEST(image_data_uri_parse_not_nul_terminated) {
  char *uri = jpeg_uri("data:image/jpeg;base64,");
  size_t n = strlen(uri);
  char *copy = malloc(n); /* exactly n bytes: no NUL after it */
  memcpy(copy, uri, n);
  image_encoded img = {0};
  CHECK(image_data_uri_parse(copy, n, &img, NULL) == IMAGE_OK);
  image_encoded_free(&img);
  CHECK(image_data_uri_parse(copy, n - 1, &img, NULL) != IMAGE_OK); /* cut */
  free(copy);
  free(uri);
}
