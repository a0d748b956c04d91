/* image_error.h: the image module's status codes and the error record that carries them.
 * Codes are written out and never reused; image_status_name/image_strerror know every one.
 * An image_error holds the code and a human message that says what was wrong with which input,
 * e.g. "image is 4000x3000 rgb8 but has 100 bytes of data, expected 36000000".
 * Every function of src/image/ that can fail returns an image_status and takes an optional
 * image_error (may be NULL). A failed call changes nothing: its outputs are left untouched and
 * nothing is allocated. Pure functions; safe from any thread. */
#ifndef LMS_IMAGE_ERROR_H
#define LMS_IMAGE_ERROR_H

typedef enum image_status {
  IMAGE_OK = 0,
  IMAGE_ERR_INVALID_ARGUMENT = 1,     /* a required pointer was NULL, or a parameter out of range */
  IMAGE_ERR_NO_MEMORY = 2,
  IMAGE_ERR_TOO_LARGE = 3,            /* a size exceeds a limit of common/limits.h or the caller's */
  IMAGE_ERR_UNSUPPORTED_ENCODING = 4, /* a raw image encoding we do not convert */
  IMAGE_ERR_BAD_GEOMETRY = 5,         /* zero width/height, or step smaller than one row */
  IMAGE_ERR_SHORT_DATA = 6,           /* fewer data bytes than step * height */
  IMAGE_ERR_NOT_AN_IMAGE = 7,         /* the bytes are no JPEG, PNG, WebP or GIF */
  IMAGE_ERR_UNSUPPORTED_FORMAT = 8,   /* a known format we cannot decode here (WebP, GIF, 12-bit JPEG) */
  IMAGE_ERR_CORRUPT = 9,              /* the image does not decode: truncated or damaged */
  IMAGE_ERR_ENCODE = 10,              /* the JPEG or PNG encoder failed */
  IMAGE_ERR_BAD_BASE64 = 11,          /* a character outside the alphabet, or bad padding */
  IMAGE_ERR_BAD_DATA_URI = 12,        /* not a data:image/<type>;base64,<data> URI */
  IMAGE_ERR_MIME_MISMATCH = 13,       /* declared type contradicts the content */
  IMAGE_ERR_PATHS_DISABLED = 14,      /* file loading asked for with no allowed directory */
  IMAGE_ERR_PATH_NOT_ALLOWED = 15,    /* relative path, or outside every allowed directory */
  IMAGE_ERR_NOT_FOUND = 16,           /* the file does not exist */
  IMAGE_ERR_NOT_REGULAR_FILE = 17,    /* a directory, FIFO, socket or device */
  IMAGE_ERR_IO = 18,                  /* open/read failed, permission denied, or the file changed */
} image_status;

#define IMAGE_STATUS_COUNT 19
#define IMAGE_ERROR_MESSAGE_MAX 512

typedef struct image_error {
  image_status code;
  char message[IMAGE_ERROR_MESSAGE_MAX]; /* human readable, "" when code == IMAGE_OK */
} image_error;

#define IMAGE_WARN_UNUSED __attribute__((warn_unused_result))

/* Short stable identifier, e.g. "IMAGE_ERR_CORRUPT"; "IMAGE_ERR_?" for unknown values. */
const char *image_status_name(image_status s);
/* One sentence describing the code in general. Never NULL. */
const char *image_strerror(image_status s);

/* Resets e to IMAGE_OK with an empty message. Accepts NULL. */
void image_error_clear(image_error *e);
/* Fills e (if not NULL) with code and a printf-style message (truncated to fit); returns code. */
image_status image_error_set(image_error *e, image_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
