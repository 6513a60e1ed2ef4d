/* histogram.c - binning a measure's values for the report. */
#include "histogram.h"

#include <math.h>
#include <string.h>

void histogram_init(histogram *h)
{
    memset(h, 0, sizeof *h);
    for (int i = 0; i < HIST_BINS; i++)
        h->band[i] = h->other_band[i] = HIST_UNSET;
}

bool histogram_fix_range(histogram *h, double t_lo, double t_hi)
{
    double spread = t_hi - t_lo;
    if (!(spread > 0))
        spread = fmax(fabs(t_lo), 1);
    double lo = t_lo - 2 * spread, hi = t_hi + 2 * spread;
    if (!isfinite(lo) || !isfinite(hi) || !isfinite(hi - lo) || !(hi > lo))
        return false;
    h->fixed = true;
    h->lo = lo;
    h->t_lo = t_lo;
    h->t_hi = t_hi;
    h->hi = hi;
    /* Bins in proportion to the spans: 2 : 1 : 2 with two thresholds. */
    h->cut_a = t_hi > t_lo ? HIST_BINS * 2 / 5 : HIST_BINS / 2;
    h->cut_b = t_hi > t_lo ? HIST_BINS * 3 / 5 : HIST_BINS / 2;
    h->used = HIST_BINS;
    return true;
}

/* Part k of [a, b) cut in n: b itself exactly at k == n. */
static double part(double a, double b, int k, int n)
{
    return k >= n ? b : a + (b - a) * k / n;
}

double histogram_edge(const histogram *h, int i)
{
    if (!h->fixed)
        return (h->origin + i) * h->width;
    if (i <= h->cut_a)
        return part(h->lo, h->t_lo, i, h->cut_a);
    if (i <= h->cut_b)
        return part(h->t_lo, h->t_hi, i - h->cut_a, h->cut_b - h->cut_a);
    return part(h->t_hi, h->hi, i - h->cut_b, HIST_BINS - h->cut_b);
}

static void count_in(histogram *h, int i, long n, int band)
{
    if (h->bins[i] == 0)
        h->band[i] = (int8_t)band;
    h->bins[i] += n;
    if (band != h->band[i]) {
        h->other[i] += n;
        h->other_band[i] = (int8_t)band;
    }
}

/* The bin of v among bins [first, last] spanning [a, b): computed, then
 * clamped, since rounding must not move a value across a threshold. */
static int bin_in(double v, double a, double b, int first, int last)
{
    double at = first + floor((v - a) / (b - a) * (last - first + 1));
    return at < first ? first : at > last ? last : (int)at;
}

static void add_fixed(histogram *h, double v, int band)
{
    int i;
    if (v < h->lo) {
        h->below++;
        return;
    }
    if (v > h->hi) {
        h->above++;
        return;
    }
    if (v < h->t_lo)
        i = bin_in(v, h->lo, h->t_lo, 0, h->cut_a - 1);
    else if (v < h->t_hi)
        i = bin_in(v, h->t_lo, h->t_hi, h->cut_a, h->cut_b - 1);
    else
        i = bin_in(v, h->t_hi, h->hi, h->cut_b, HIST_BINS - 1);
    count_in(h, i, 1, band);
}

/* Twice as wide: bin a goes to floor(a / 2). */
static void widen(histogram *h)
{
    static histogram merged;
    histogram_init(&merged);
    double origin = floor(h->origin / 2);
    for (int i = 0; i < h->used; i++) {
        int to = (int)(floor((h->origin + i) / 2) - origin);
        long first = h->bins[i] - h->other[i];
        if (first)
            count_in(&merged, to, first, h->band[i]);
        if (h->other[i])
            count_in(&merged, to, h->other[i], h->other_band[i]);
    }
    memcpy(h->bins, merged.bins, sizeof h->bins);
    memcpy(h->band, merged.band, sizeof h->band);
    memcpy(h->other, merged.other, sizeof h->other);
    memcpy(h->other_band, merged.other_band, sizeof h->other_band);
    h->used = (int)(floor((h->origin + h->used - 1) / 2) - origin) + 1;
    h->origin = origin;
    h->width *= 2;
}

static void add_adaptive(histogram *h, double v, int band)
{
    /* Values this small are zero to a chart, and a width scaled from one
     * would underflow. */
    if (fabs(v) < 1e-200)
        v = 0;
    if (h->used == 0) {
        /* A first width about a thousandth of the first value. */
        h->width = v == 0 ? ldexp(1, -24) : ldexp(1, ilogb(fabs(v)) - 10);
        h->origin = floor(v / h->width);
        h->used = 1;
        count_in(h, 0, 1, band);
        return;
    }
    double at = floor(v / h->width);
    while (fmax(at, h->origin + h->used - 1) - fmin(at, h->origin) >= HIST_BINS) {
        widen(h);
        at = floor(v / h->width);
    }
    if (at < h->origin) {
        /* Room below: shift the bins up. */
        int shift = (int)(h->origin - at);
        memmove(h->bins + shift, h->bins, (size_t)h->used * sizeof *h->bins);
        memmove(h->other + shift, h->other, (size_t)h->used * sizeof *h->other);
        memmove(h->band + shift, h->band, (size_t)h->used);
        memmove(h->other_band + shift, h->other_band, (size_t)h->used);
        for (int i = 0; i < shift; i++) {
            h->bins[i] = h->other[i] = 0;
            h->band[i] = h->other_band[i] = HIST_UNSET;
        }
        h->origin = at;
        h->used += shift;
    }
    int i = (int)(at - h->origin);
    if (i >= h->used)
        h->used = i + 1;
    count_in(h, i, 1, band);
}

void histogram_add(histogram *h, double v, int band)
{
    if (!isfinite(v))
        return; /* nothing a chart can place; its band is still counted */
    if (h->count++ == 0 || v < h->min)
        h->min = v;
    if (h->count == 1 || v > h->max)
        h->max = v;
    if (h->fixed)
        add_fixed(h, v, band);
    else
        add_adaptive(h, v, band);
}
