/* text_width.h - the display width of UTF-8 text, for aligned columns. */
#ifndef RUBRIC_TEXT_WIDTH_H
#define RUBRIC_TEXT_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* The next character of UTF-8 text: its length, and its code point in *cp
 * (U+FFFD for a byte that starts no valid sequence, taken alone). */
size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp);
/* Columns one code point takes: 0, 1 or 2. */
int char_width(uint32_t cp);
/* Columns the text s[0..n) takes. */
size_t text_width(const char *s, size_t n);

#endif
