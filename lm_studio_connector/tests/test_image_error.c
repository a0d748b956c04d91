/* test_image_error.c: every status code has a distinct name and a sentence; unknown values and
 * long messages are handled. */
#include "image/image_error.h"
#include "testing.h"

TEST(image_error_every_status_named) {
  for (int i = 0; i < IMAGE_STATUS_COUNT; i++) {
    const char *n = image_status_name((image_status)i);
    CHECK_MSG(strncmp(n, "IMAGE_", 6) == 0 && strcmp(n, "IMAGE_ERR_?") != 0, "status %d has no name", i);
    CHECK_MSG(strcmp(image_strerror((image_status)i), "Unknown error code.") != 0, "status %d has no sentence", i);
    for (int j = 0; j < i; j++) CHECK(strcmp(n, image_status_name((image_status)j)) != 0);
  }
  CHECK_EQ_STR(image_status_name(IMAGE_ERR_CORRUPT), "IMAGE_ERR_CORRUPT");
  CHECK_EQ_STR(image_status_name((image_status)IMAGE_STATUS_COUNT), "IMAGE_ERR_?");
  CHECK_EQ_STR(image_status_name((image_status)-1), "IMAGE_ERR_?");
  CHECK_EQ_STR(image_strerror((image_status)999), "Unknown error code.");
}

TEST(image_error_set_and_clear) {
  image_error e;
  CHECK_EQ_INT(image_error_set(&e, IMAGE_ERR_IO, "x %d", 5), IMAGE_ERR_IO);
  CHECK_EQ_INT(e.code, IMAGE_ERR_IO);
  CHECK_EQ_STR(e.message, "x 5");
  image_error_clear(&e);
  CHECK(e.code == IMAGE_OK && e.message[0] == '\0');
  image_error_clear(NULL);
  CHECK_EQ_INT(image_error_set(NULL, IMAGE_ERR_TOO_LARGE, "ignored"), IMAGE_ERR_TOO_LARGE);
  char big[2000];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  image_error_set(&e, IMAGE_ERR_IO, "%s", big);
  CHECK_EQ_INT(strlen(e.message), IMAGE_ERROR_MESSAGE_MAX - 1);
}
