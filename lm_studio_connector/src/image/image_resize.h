/* image_resize.h: fitting an image into a maximum side, and resampling with an area (box)
 * filter: each output pixel is the average of the source area it covers, weighted by how much
 * of each source pixel falls inside it. Good for downscaling by any ratio (no aliasing, no
 * dropped rows); upscaling also works but only repeats pixels (it is never needed here).
 * Pure functions; safe from any thread. */
#ifndef LMS_IMAGE_RESIZE_H
#define LMS_IMAGE_RESIZE_H

#include <stdint.h>

#include "image_error.h"
#include "image_types.h"

/* The size w x h takes when shrunk, keeping its aspect ratio, so that its longest side is
 * max_side (rounded; no side below 1). Unchanged when max_side is 0 or both sides fit. */
void image_fit_size(uint32_t w, uint32_t h, uint32_t max_side, uint32_t *out_w, uint32_t *out_h);

/* Resamples in to w x h into new packed pixels: 1 channel for a GRAY8 view, else RGB (any
 * channel order of the view is handled, alpha dropped). On success *out owns the pixels: free
 * with image_pixels_free. Returns IMAGE_OK, IMAGE_ERR_INVALID_ARGUMENT (NULL, bad view or
 * zero size), IMAGE_ERR_TOO_LARGE (w, h over LMS_MAX_IMAGE_SIDE / LMS_MAX_IMAGE_PIXELS),
 * IMAGE_ERR_NO_MEMORY. */
image_status image_resize(const image_view *in, uint32_t w, uint32_t h, image_pixels *out, image_error *err)
    IMAGE_WARN_UNUSED;

#endif
