/* html.c - what every page rubric writes shares: escaped text, and the
 * colors of bands. */
#include "html.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Writes len bytes of text with the five characters HTML treats specially
 * escaped. */
void html_n(FILE *f, const char *s, size_t len)
{
    for (const char *end = s + len; s < end; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: putc(*s, f);
        }
    }
}

void html(FILE *f, const char *s)
{
    html_n(f, s, strlen(s));
}

/* printf, then escaped: for text built from policy names and paths, of
 * any length. */
void htmlf(FILE *f, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        html(f, small);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    html(f, big);
    free(big);
}

rgb rgb_of(const char *hex)
{
    rgb c;
    snprintf(c.hex, sizeof c.hex, "%s", hex);
    return c;
}

/* a and b ("#rrggbb") mixed, t of the way from a to b. */
rgb mix(const char *a, const char *b, double t)
{
    rgb c;
    unsigned ca = (unsigned)strtoul(a + 1, NULL, 16), cb = (unsigned)strtoul(b + 1, NULL, 16);
    int part[3];
    for (int k = 0; k < 3; k++) {
        double x = (double)(ca >> (16 - 8 * k) & 255), y = (double)(cb >> (16 - 8 * k) & 255);
        part[k] = (int)lround(x + (y - x) * t);
    }
    snprintf(c.hex, sizeof c.hex, "#%02x%02x%02x", part[0] & 255, part[1] & 255, part[2] & 255);
    return c;
}

/* Colors people read as red / yellow / green where the band says so; other
 * names take their place on a red-to-green ramp, its five steps where
 * five do, shades between them where a scheme has more bands. */
rgb band_color(const char *name, int index, int nbands)
{
    static const struct { const char *name, *color; } named[] = {
        {"red", "#d64545"}, {"yellow", "#e9b949"}, {"amber", "#e9b949"}, {"orange", "#f0883e"},
        {"green", "#3f9142"}, {"blue", "#4c7bd9"}, {"grey", "#9aa5b1"}, {"gray", "#9aa5b1"},
    };
    static const char *const ramp[] = {"#d64545", "#f0883e", "#e9b949", "#a8c256", "#3f9142"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(name, named[i].name) == 0)
            return rgb_of(named[i].color);
    if (nbands <= 1)
        return rgb_of(ramp[4]);
    if (nbands <= 5)
        return rgb_of(ramp[index * 4 / (nbands - 1)]);
    double at = 4.0 * index / (nbands - 1);
    int stop = at >= 4 ? 3 : (int)at;
    return mix(ramp[stop], ramp[stop + 1], at - stop);
}

const char na_color[] = "#bcccdc", no_band_color[] = "#7b8794", other_color[] = "#8e6bbf";
