/* report_internal.h - what the report's HTML writers share: escaping, the
 * band colors (html.c), and the sections written in files of their own. */
#ifndef RUBRIC_REPORT_INTERNAL_H
#define RUBRIC_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h" /* RB_PRINTF */
#include "report.h"

typedef struct rgb {
    char hex[8];
} rgb;

/* Text with the five characters HTML treats specially escaped. */
void html_n(FILE *f, const char *s, size_t len);
void html(FILE *f, const char *s);
/* printf, then escaped. */
void htmlf(FILE *f, const char *fmt, ...) RB_PRINTF(2, 3);
/* "#rrggbb" as an rgb; a and b mixed, t of the way from a to b. */
rgb rgb_of(const char *hex);
rgb mix(const char *a, const char *b, double t);
/* The color of band index of a scheme of nbands (red, yellow, green by
 * name; a ramp otherwise). */
rgb band_color(const char *name, int index, int nbands);

/* The section "What the scores said before the outcomes" (backtest_html.c). */
void report_backtest_html(FILE *f, const report *r);

#endif
