/* lmsc_output.h: what lmsc shows: results on stdout, messages on stderr, and the spinner that
 * runs on stderr while a request is pending (only when stderr is a terminal: nothing extra
 * when piped). One spinner per process; everything here is single-threaded. */
#ifndef LMSC_OUTPUT_H
#define LMSC_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Starts (or relabels) the spinner: "<label> 1.2s", the time since the first start, drawn
 * once the wait passed 200 ms. No-op when stderr is not a terminal. */
void lmsc_spinner_start(const char *label);
/* Redraws it when due (every 100 ms). Cheap; call it from the wait loop. */
void lmsc_spinner_tick(void);
/* Erases it. */
void lmsc_spinner_stop(void);

/* "lmsc: <message>\n" on stderr (the spinner is erased first). */
void lmsc_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes n bytes of text to stdout at once (streamed tokens); erases the spinner first. */
void lmsc_out_text(const char *s, size_t n);
/* Prints j compactly on one line on stdout and releases it. Returns false if j is NULL
 * (out of memory) or cannot be written. */
bool lmsc_out_json(json_t *j);

#endif
