/* test_image_util.h: helpers for the image tests: a palette of known colours, raw images in
 * every encoding built from an RGB picture, and an independent TurboJPEG decode. */
#ifndef LMS_TEST_IMAGE_UTIL_H
#define LMS_TEST_IMAGE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Eight colours: red, green, blue, white, black, yellow, cyan, magenta. */
extern const uint8_t timg_palette[8][3];

/* An RGB picture of w x h where pixel (x, y) has colour timg_palette[(x / bw + (y / bh) * 4) % 8]:
 * a 4 x 2 grid of bw x bh blocks. Caller frees. */
uint8_t *timg_grid(uint32_t w, uint32_t h, uint32_t bw, uint32_t bh);

/* BT.601 limited range of an RGB colour. */
void timg_rgb_to_yuv(const uint8_t rgb[3], uint8_t *y, uint8_t *u, uint8_t *v);

/* The bytes of a raw image in encoding enc ("rgb8", "bgr16", "yuv422", ...) made from an RGB
 * picture, with row step = minimal row + pad bytes (padding filled with 0xA5). 16-bit values are
 * v * 257 in the byte order of big. For 4:2:2 each pair takes the chroma of its first pixel.
 * Returns malloc'd data of *len bytes and sets *step. */
uint8_t *timg_make_raw(const char *enc, const uint8_t *rgb, uint32_t w, uint32_t h, uint32_t pad, int big,
                       uint32_t *step, size_t *len);

/* Decodes a JPEG with TurboJPEG directly into RGB. Caller frees. */
uint8_t *timg_decode_jpeg(const uint8_t *jpeg, size_t len, int *w, int *h);

/* Max absolute channel difference between pixel (x, y) of an RGB image of width w and c. */
int timg_diff(const uint8_t *rgb, uint32_t w, uint32_t x, uint32_t y, const uint8_t c[3]);

/* A JPEG / PNG of a w x h grid picture (blocks of 8x8) made with the module's own encoder. */
uint8_t *timg_jpeg(uint32_t w, uint32_t h, int quality, size_t *len);
uint8_t *timg_png(uint32_t w, uint32_t h, size_t *len);

#endif
