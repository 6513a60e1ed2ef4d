/* histogram.c - a measure's values in cells, and the bars a chart draws
 * from them. */
#include "histogram.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- powers of ten, for the decimal buckets ---- */

enum { POW10_LO = -310, POW10_HI = 310 };

static double pow10_table[POW10_HI - POW10_LO + 1];
static bool pow10_ready;

/* Filled by histogram_init, so that the per-value path has no check. */
static void pow10_fill(void)
{
    if (pow10_ready)
        return;
    for (int i = POW10_LO; i <= POW10_HI; i++)
        pow10_table[i - POW10_LO] = pow(10.0, i);
    pow10_ready = true;
}

static double pow10i(int k)
{
    return pow10_table[(k < POW10_LO ? POW10_LO : k > POW10_HI ? POW10_HI : k) - POW10_LO];
}

static const int32_t tens[] = {1, 10, 100, 1000, 10000, 100000};

/* Buckets order as their values do: 0 is zero, +-1 below 1e-300 (zero to
 * any chart), +-INT32_MAX infinite, and otherwise the decimal exponent e
 * and the first `digits` significant digits m as (e + 302) * 10^digits + m;
 * with no digits, (e + 302) alone, which is at least 2. */
enum { EXP_OFFSET = 302, TINY = 1, INFINITE = INT32_MAX };

static int32_t bucket_of(double v, int digits)
{
    if (v == 0)
        return 0;
    double a = fabs(v);
    int32_t code;
    if (isinf(a)) {
        code = INFINITE;
    } else if (a < 1e-300) {
        code = TINY;
    } else {
        int b;
        frexp(a, &b);
        /* log10(2) * (b - 1) <= log10(a): e is at most one too small. */
        int e = (int)floor((b - 1) * 0.30102999566398120);
        while (e < 308 && a >= pow10i(e + 1))
            e++;
        if (digits == 0) {
            code = e + EXP_OFFSET;
        } else {
            double scaled = a * pow10i(digits - 1 - e);
            int32_t m = scaled < tens[digits - 1] ? tens[digits - 1] : scaled >= tens[digits] ? tens[digits] - 1 : (int32_t)scaled;
            code = (e + EXP_OFFSET) * tens[digits] + m;
        }
    }
    return v < 0 ? -code : code;
}

/* The bucket of one digit fewer holding a bucket's values. */
static int32_t coarser(int32_t code, int digits)
{
    int32_t a = code < 0 ? -code : code;
    if (a == INFINITE || a == TINY || a == 0)
        return code;
    int32_t c = a / tens[digits] * tens[digits - 1] + (digits > 1 ? a % tens[digits] / 10 : 0);
    return code < 0 ? -c : c;
}

/* How wide a bucket is among values of magnitude up to m: a chart's bars
 * must be no narrower, or a bucket would make gaps and spikes. */
static double bucket_width(double m, int digits)
{
    if (m > 0 && m < 1e-300)
        return 1e-300; /* the one bucket of values that small */
    if (!(m >= 1e-300) || !isfinite(m))
        return 0;
    int e = (int)floor(log10(m));
    return pow10i(e + 1 - digits);
}

/* ---- the cells ---- */

void histogram_init(histogram *h, int nbands, const double *thr, int nthr, const int *region_band, const bool *equal_above)
{
    pow10_fill();
    memset(h, 0, sizeof *h);
    h->nbands = nbands;
    h->nthr = nthr < HIST_MAX_THRESHOLDS ? nthr : HIST_MAX_THRESHOLDS;
    for (int i = 0; i < h->nthr; i++) {
        h->thr[i] = thr[i];
        h->equal_above[i] = equal_above ? equal_above[i] : true;
    }
    for (int i = 0; i <= h->nthr; i++)
        h->region_band[i] = region_band ? region_band[i] : HIST_UNKNOWN;
    h->digits = HIST_DIGITS;
    h->cap = 64;
    h->cells = xcalloc(h->cap, sizeof *h->cells);
}

void histogram_free(histogram *h)
{
    free(h->cells);
    h->cells = NULL;
}

/* The region between thresholds v is drawn in: a value on a threshold
 * goes to the side whose band it got. */
static int region_of(const histogram *h, double v, int band)
{
    int r = 0;
    while (r < h->nthr && h->thr[r] < v)
        r++;
    if (r < h->nthr && h->thr[r] == v &&
        (h->region_band[r] == HIST_UNKNOWN ? h->equal_above[r] : h->region_band[r] != band))
        r++;
    return r;
}

static bool cell_is(const hist_cell *c, int32_t bucket, int region, int band)
{
    return c->bucket == bucket && c->region == region && c->band == band;
}

static size_t slot_of(const histogram *h, int32_t bucket, int region, int band)
{
    uint64_t k = (uint64_t)(uint32_t)bucket | (uint64_t)(uint16_t)region << 32 | (uint64_t)(uint16_t)band << 48;
    k *= 0x9E3779B97F4A7C15u;
    size_t i = (size_t)(k >> 32) & (h->cap - 1);
    for (;; i = (i + 1) & (h->cap - 1)) {
        const hist_cell *c = &h->cells[i];
        if (!c->n || cell_is(c, bucket, region, band))
            return i;
    }
}

static void merge_into(histogram *h, const hist_cell *from)
{
    hist_cell *c = &h->cells[slot_of(h, from->bucket, from->region, from->band)];
    if (!c->n) {
        *c = *from;
        h->used++;
        return;
    }
    c->n += from->n;
    c->min = fmin(c->min, from->min);
    c->max = fmax(c->max, from->max);
}

/* The cells again in a table of cap slots, with digits significant digits. */
static void rebuild(histogram *h, size_t cap, int digits)
{
    hist_cell *old = h->cells;
    size_t old_cap = h->cap;
    h->cells = xcalloc(cap, sizeof *h->cells);
    h->cap = cap;
    h->used = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].n)
            continue;
        hist_cell c = old[i];
        for (int d = h->digits; d > digits; d--)
            c.bucket = coarser(c.bucket, d);
        merge_into(h, &c);
    }
    h->digits = digits;
    h->last = 0;
    free(old);
}

/* Counts v in its cell, made when new: with a digit fewer everywhere when
 * there are too many cells, in a table twice the size when it fills. */
static void place(histogram *h, double v, int band)
{
    int region = region_of(h, v, band);
    for (;;) {
        int32_t bucket = bucket_of(v, h->digits);
        hist_cell *c = &h->cells[h->last];
        if (!(c->n && cell_is(c, bucket, region, band))) {
            size_t i = slot_of(h, bucket, region, band);
            if (!h->cells[i].n) {
                if (h->used >= HIST_MAX_CELLS && h->digits > 0) {
                    rebuild(h, h->cap, h->digits - 1);
                    continue;
                }
                if ((h->used + 1) * 2 > h->cap) {
                    rebuild(h, h->cap * 2, h->digits);
                    continue;
                }
                h->cells[i] = (hist_cell){.min = v, .max = v, .bucket = bucket, .region = (int16_t)region, .band = (int16_t)band};
                h->used++;
            }
            h->last = i;
            c = &h->cells[i];
        }
        c->n++;
        c->min = fmin(c->min, v);
        c->max = fmax(c->max, v);
        return;
    }
}

void histogram_add(histogram *h, double v, int band)
{
    if (isnan(v)) {
        h->unplaced++;
        return;
    }
    if (isinf(v)) {
        h->infinite++;
    } else {
        if (h->count == 0 || v < h->min)
            h->min = v;
        if (h->count == 0 || v > h->max)
            h->max = v;
        h->count++;
    }
    place(h, v, band);
}

/* ---- the plan of a chart ---- */

static int by_value(const void *pa, const void *pb)
{
    const hist_cell *a = pa, *b = pb;
    if (a->region != b->region)
        return a->region < b->region ? -1 : 1;
    if (a->bucket != b->bucket)
        return a->bucket < b->bucket ? -1 : 1;
    return (a->band > b->band) - (a->band < b->band);
}

/* Halfway between a cell's least and greatest value, halved first so that
 * nothing overflows; a lone value is itself (5e-324 halved is 0). */
static double middle(const hist_cell *c)
{
    return c->min == c->max ? c->min : c->min * 0.5 + c->max * 0.5;
}

/* The least value of the cell holding the k-th value (1-based), or the
 * greatest when want_max. */
static double value_at(const hist_cell *cells, size_t n, long k, bool want_max)
{
    long seen = 0;
    for (size_t i = 0; i < n; i++) {
        seen += cells[i].n;
        if (seen >= k)
            return want_max ? cells[i].max : cells[i].min;
    }
    return want_max ? cells[n - 1].max : cells[n - 1].min;
}

/* 1, 2, 2.5 or 5 times a power of ten, at least x; 0 when there is none. */
static double round_step(double x)
{
    if (!(x > 0) || !isfinite(x))
        return 0;
    double p = pow(10, floor(log10(x)));
    static const double steps[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (steps[i] * p >= x * (1 - 1e-12))
            return steps[i] * p;
    return 10 * p;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Edges of the bars over [lo, hi]: round numbers about (hi - lo) / target
 * apart and no closer than min_step, or an even split where round numbers
 * cannot be counted in a double (values alike to 15 digits, or near
 * DBL_MAX). */
static int grid(double lo, double hi, int target, double min_step, double *edges)
{
    double step = round_step(fmax(hi / target - lo / target, min_step));
    /* A whole number of buckets, so that no bucket spans two bars (2.5
     * buckets would). */
    if (min_step > 0 && step < 10 * min_step)
        step = min_step * ceil(step / min_step - 1e-9);
    double k0 = step > 0 ? floor(lo / step) : 0, k1 = step > 0 ? ceil(hi / step) : 0;
    if (step > 0 && k1 == k0)
        k1 = k0 + 1;
    if (step > 0 && k1 - k0 <= 2.0 * target && fabs(k0) < 0x1p52 && fabs(k1) < 0x1p52 && isfinite(k0 * step) &&
        isfinite(k1 * step)) {
        int n = 0;
        /* k * step as the double nearest the decimal it stands for: 12 *
         * 0.025 is 0.30000000000000004, where a value of 0.3 belongs. */
        char text[32];
        for (double k = k0; k <= k1; k++) {
            snprintf(text, sizeof text, "%.15g", k * step);
            edges[n++] = strtod(text, NULL);
        }
        /* lo / step can underflow to 0: the ends still hold lo and hi. */
        edges[0] = fmin(edges[0], lo);
        edges[n - 1] = fmax(edges[n - 1], hi);
        return n;
    }
    /* Weighted, so that no step overflows between -DBL_MAX and DBL_MAX. */
    for (int i = 0; i <= target; i++) {
        double t = (double)i / target;
        edges[i] = i == target ? hi : lo * (1 - t) + hi * t;
    }
    return target + 1;
}

/* The bar holding v: the last whose lower edge is at most v. */
static int bar_at(const hist_plan *p, double v)
{
    int a = 0, b = p->nbars - 1;
    while (a < b) {
        int m = (a + b + 1) / 2;
        if (p->bars[m].lo <= v)
            a = m;
        else
            b = m - 1;
    }
    return a;
}

typedef struct tally {
    long n;
    double min, max;
} tally;

static void tally_add(tally *t, const hist_cell *c)
{
    if (!t->n) {
        t->min = c->min;
        t->max = c->max;
    }
    t->n += c->n;
    t->min = fmin(t->min, c->min);
    t->max = fmax(t->max, c->max);
}

/* The bar's band tallies as pieces, bands in scheme order, no band last. */
static void add_pieces(hist_plan *p, hist_bar *bar, const tally *t, int nbands)
{
    bar->first = p->npieces;
    for (int k = 1; k <= nbands + 1; k++) {
        int b = k == nbands + 1 ? 0 : k; /* tally 0 is no band */
        if (!t[b].n)
            continue;
        p->pieces[p->npieces++] = (hist_piece){b - 1, t[b].n, t[b].min, t[b].max};
        bar->n += t[b].n;
        bar->npieces++;
    }
    if (bar->n > p->most)
        p->most = bar->n;
}

/* Fences past which values are the tails, so that an outlier cannot
 * squeeze the rest into a corner: Tukey's far-out fences, three
 * interquartile ranges beyond the quartiles; where the middle half is all
 * one value, the same from the 10th and 90th, then the 1st and 99th
 * percentiles; none where even those agree. */
static void fences(const histogram *h, const hist_cell *cells, size_t n, double *lo, double *hi)
{
    static const double from[] = {0.25, 0.10, 0.01};
    long total = h->count + h->infinite;
    *lo = -DBL_MAX;
    *hi = DBL_MAX;
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        double a = value_at(cells, n, (long)ceil(from[i] * (double)total), false);
        double b = value_at(cells, n, (long)ceil((1 - from[i]) * (double)total), true);
        a = fmax(fmin(a, h->max), h->min);
        b = fmax(fmin(b, h->max), h->min);
        double half = b * 0.5 - a * 0.5;
        if (half > 0) {
            *lo = fmax(a - 6 * half, -DBL_MAX);
            *hi = fmin(b + 6 * half, DBL_MAX);
            return;
        }
    }
}

void histogram_plan(const histogram *h, int target, hist_plan *p)
{
    memset(p, 0, sizeof *p);
    size_t n = 0;
    hist_cell *cells = xmalloc((h->used + 1) * sizeof *cells);
    for (size_t i = 0; i < h->cap; i++)
        if (h->cells[i].n)
            cells[n++] = h->cells[i];
    qsort(cells, n, sizeof *cells, by_value);

    /* The values to draw: those inside the fences. */
    double lo = 0, hi = 0;
    if (h->count) {
        double fence_lo, fence_hi;
        fences(h, cells, n, &fence_lo, &fence_hi);
        /* A cell reaching into the fences is drawn whole: the quantiles
         * the fences come from are cells' ends, and a cell can be wider
         * than the fences are apart. */
        lo = h->max;
        hi = h->min;
        for (size_t i = 0; i < n; i++)
            if (cells[i].max >= fence_lo && cells[i].min <= fence_hi && isfinite(cells[i].min) && isfinite(cells[i].max)) {
                lo = fmin(lo, cells[i].min);
                hi = fmax(hi, cells[i].max);
            }
        if (lo > hi) {
            lo = h->min;
            hi = h->max;
        }
    }

    /* Thresholds within a window's width of the values are drawn; farther
     * ones would squeeze the values into a corner. */
    double reach = hi - lo;
    if (!(reach > 0))
        reach = fmax(fabs(lo), fabs(hi));
    if (!(reach > 0) || !isfinite(reach))
        reach = reach > 0 ? DBL_MAX : 1;
    double a_lo = lo, a_hi = hi;
    bool have = h->count > 0;
    for (int i = 0; i < h->nthr; i++) {
        double t = h->thr[i];
        if (!h->count || (t >= lo - reach && t <= hi + reach)) {
            a_lo = have ? fmin(a_lo, t) : t;
            a_hi = have ? fmax(a_hi, t) : t;
            have = true;
        }
    }
    /* A lone value, or a threshold at the end, is given room; an axis with
     * no width a double can halve is made one. */
    bool thr_at_end = false;
    for (int i = 0; i < h->nthr; i++)
        thr_at_end |= h->thr[i] == a_lo || h->thr[i] == a_hi;
    if (a_hi == a_lo || thr_at_end) {
        double pad = a_hi == a_lo ? (a_lo != 0 ? fabs(a_lo) * 0.1 : 1) : (a_hi * 0.5 - a_lo * 0.5) * 0.1;
        a_lo = fmax(a_lo - pad, -DBL_MAX);
        a_hi = fmin(a_hi + pad, DBL_MAX);
    }
    if (!(a_hi * 0.5 - a_lo * 0.5 > 0)) {
        a_lo -= 1;
        a_hi += 1;
    }

    /* Bars: the round-number grid, no finer than a bucket of the values it
     * spans, cut again at each threshold inside it. */
    double widest = bucket_width(fmax(fabs(a_lo), fabs(a_hi)), h->digits);
    double *edges = xmalloc((size_t)(2 * target + 2 + HIST_MAX_THRESHOLDS) * sizeof *edges);
    int nedges = grid(a_lo, a_hi, target, widest, edges);
    p->lo = edges[0];
    p->hi = edges[nedges - 1];
    for (int i = 0; i < h->nthr; i++) {
        p->thr_shown[i] = h->thr[i] >= p->lo && h->thr[i] <= p->hi;
        if (h->thr[i] > p->lo && h->thr[i] < p->hi)
            edges[nedges++] = h->thr[i];
    }
    qsort(edges, (size_t)nedges, sizeof *edges, cmp_double);
    p->bars = xcalloc((size_t)nedges, sizeof *p->bars);
    for (int i = 0; i + 1 < nedges; i++)
        if (edges[i + 1] > edges[i])
            p->bars[p->nbars++] = (hist_bar){.lo = edges[i], .hi = edges[i + 1]};
    free(edges);

    /* Each cell to its bar, within its region's bars, or to a tail when it
     * lies past the axis (an outlier past the fences, which the axis does
     * not reach); pieces per band. */
    int width = h->nbands + 1;
    tally *t = xcalloc((size_t)(p->nbars + 2) * (size_t)width, sizeof *t);
    tally *less = t + (size_t)p->nbars * (size_t)width, *more = less + width;
    for (size_t i = 0; i < n; i++) {
        const hist_cell *c = &cells[i];
        double mid = middle(c);
        tally *row;
        if (mid < p->lo)
            row = less;
        else if (mid > p->hi)
            row = more;
        else {
            int b = bar_at(p, mid);
            int r = c->region;
            if (r > 0 && p->thr_shown[r - 1])
                while (b + 1 < p->nbars && p->bars[b].lo < h->thr[r - 1])
                    b++;
            if (r < h->nthr && p->thr_shown[r])
                while (b > 0 && p->bars[b].hi > h->thr[r])
                    b--;
            row = t + (size_t)b * (size_t)width;
        }
        tally_add(&row[c->band + 1], c);
    }
    p->pieces = xmalloc(((size_t)(p->nbars + 2) * (size_t)width) * sizeof *p->pieces);
    for (int b = 0; b < p->nbars; b++)
        add_pieces(p, &p->bars[b], t + (size_t)b * (size_t)width, h->nbands);
    add_pieces(p, &p->less, less, h->nbands);
    add_pieces(p, &p->more, more, h->nbands);
    free(t);
    free(cells);
}

void hist_plan_free(hist_plan *p)
{
    free(p->bars);
    free(p->pieces);
    memset(p, 0, sizeof *p);
}
