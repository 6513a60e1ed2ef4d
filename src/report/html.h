/* html.h - what every page rubric writes shares: text escaped for HTML,
 * and the colors bands are drawn in. */
#ifndef RUBRIC_HTML_H
#define RUBRIC_HTML_H

#include <stddef.h>
#include <stdio.h>

/* len bytes of text with the five characters HTML treats specially
 * escaped. */
void html_n(FILE *f, const char *s, size_t len);
void html(FILE *f, const char *s);
/* printf, then escaped: for text built from policy names and paths, of
 * any length. */
void htmlf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct rgb {
    char hex[8];
} rgb;

rgb rgb_of(const char *hex);
/* a and b ("#rrggbb") mixed, t of the way from a to b. */
rgb mix(const char *a, const char *b, double t);
/* Colors people read as red / yellow / green where the band says so; other
 * names take their place on a red-to-green ramp. */
rgb band_color(const char *name, int index, int nbands);

extern const char na_color[], no_band_color[], other_color[];

#endif
