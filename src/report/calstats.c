/* calstats.c - the figures of `rubric calibrate`: a measure's values
 * over the accounts, their exact quantiles and mean, how many accounts
 * each band gets, and the thresholds that would give a target share per
 * band.  Pure: nothing here reads data or prints.
 *
 * Seed 002 sets thresholds from quartiles and medians across customers and
 * across a cohort known to be healthy; these are those figures exactly.
 * Quantiles are R's type 7 (numpy's "linear"), computed on the exact
 * values, so any other tool computing type 7 agrees with them. */
#include "calstats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "writer.h"
#include "xalloc.h"

void calstats_init(calstats *c, int nbands)
{
    memset(c, 0, sizeof *c);
    c->nbands = nbands;
    c->band_counts = xcalloc(nbands ? (size_t)nbands : 1, sizeof *c->band_counts);
}

void calstats_add(calstats *c, const rb_value *in)
{
    c->accounts++;
    rb_value v = *in;
    if (v.kind == VK_NA) {
        c->na++;
        return;
    }
    if (c->nbands) {
        if (v.band == BAND_NONE)
            c->no_band++;
        else
            c->band_counts[v.band]++;
    }
    /* A number past what a double holds (an overflow) keeps the band run
     * gives it, but has no place in a distribution. */
    if (v.u.num.q == 0 && !isfinite(v.u.num.d)) {
        c->overflowed++;
        c->overflowed_low += v.u.num.d < 0;
        c->overflowed_high += v.u.num.d > 0;
        return;
    }
    if (c->nvalues == c->cap)
        c->values = xrealloc(c->values, (size_t)(c->cap = c->cap ? c->cap * 2 : 1024) * sizeof *c->values);
    num_store(&c->values[c->nvalues++], v.u.num);
}

void calstats_free(calstats *c)
{
    free(c->values);
    free(c->band_counts);
    memset(c, 0, sizeof *c);
}

static int by_value(const void *a, const void *b)
{
    rb_num x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    return num_cmp(x, y);
}

/* a + f(b - a); where b - a overflows a double, (1 - f)a + fb. */
static rb_num between(rb_num a, rb_num b, rb_num f)
{
    rb_num v = num_add(a, num_mul(f, num_sub(b, a)));
    if (v.q || isfinite(v.d))
        return v;
    double fd = num_to_double(f);
    return num_inexact((1 - fd) * num_to_double(a) + fd * num_to_double(b));
}

/* Type 7: h = (n-1)p; x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * p is a fraction, so the interpolation stays exact (a share that is not
 * one, from a parameter's double, interpolates in doubles). */
rb_num calstats_quantile(const rb_num *x, long n, rb_num p)
{
    long lo;
    rb_num frac;
    if (p.q) {
        __int128 h = (__int128)(n - 1) * p.p;
        lo = (long)(h / p.q);
        int64_t rem = (int64_t)(h % p.q);
        if (rem == 0 || lo + 1 >= n)
            return x[lo];
        frac = num_from_frac(rem, p.q);
    } else {
        double h = (double)(n - 1) * p.d;
        lo = (long)floor(h);
        if (lo + 1 >= n || h == floor(h))
            return x[lo < n ? lo : n - 1];
        frac = num_inexact(h - floor(h));
    }
    return between(x[lo], x[lo + 1], frac);
}

/* Exact while the sum fits in a fraction; otherwise a compensated sum of
 * doubles, good to more digits than the 12 printed. */
double calstats_mean(const rb_num *x, long n)
{
    rb_num sum = num_from_int(0);
    bool exact = true;
    double s = 0, comp = 0;
    for (long i = 0; i < n; i++) {
        if (exact) {
            sum = num_add(sum, x[i]);
            exact = sum.q != 0;
        }
        double v = num_to_double(x[i]) / (double)n, t = s + v; /* divided first: no overflow */
        comp += fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s;
        s = t;
    }
    if (exact) {
        rb_num mean = num_div(sum, num_from_int(n));
        if (mean.q)
            return num_to_double(mean);
    }
    return s + comp;
}

/* Where a band line sits on the value axis, when its limits are
 * constants: between its two edges, or just below its one upper edge
 * (side -1), or just above its one lower edge (side 1).  `red < 50` sits
 * below `yellow < 100`, however far apart the edges are. */
typedef struct position {
    double at;
    int side;
} position;

static bool line_position(const band_test *t, position *pos)
{
    double lo = -INFINITY, hi = INFINITY;
    for (int e = 0; e < t->nedges; e++) {
        if (!t->fixed[e])
            return false;
        double v = num_to_double(t->fixed_limit[e]);
        if (t->op[e] == OP_LT || t->op[e] == OP_LE)
            hi = fmin(hi, v);
        else if (t->op[e] == OP_GT || t->op[e] == OP_GE)
            lo = fmax(lo, v);
        else
            lo = hi = v;
    }
    if (t->nedges == 0 || (isinf(lo) && isinf(hi)))
        return false;
    *pos = isinf(lo) ? (position){hi, -1} : isinf(hi) ? (position){lo, 1} : (position){lo * 0.5 + hi * 0.5, 0};
    return true;
}

static bool below(position a, position b)
{
    return a.at < b.at || (a.at == b.at && a.side < b.side);
}

/* Whether the scheme's bands, in their declared order, come in order of
 * rising values: the lines of the first and last bands placed on the
 * axis say, whether a line has one edge or two; with only one such line,
 * its edge and whether its band is the worst or the best. */
bool calstats_bands_ascend(const step *st)
{
    int first = -1, last = -1;
    position first_at = {0, 0}, last_at = {0, 0}, at;
    for (int i = 0; st && i < st->ntests; i++) {
        const band_test *t = &st->tests[i];
        if (!line_position(t, &at))
            continue;
        if (first < 0 || t->band < first) {
            first = t->band;
            first_at = at;
        }
        if (last < 0 || t->band > last) {
            last = t->band;
            last_at = at;
        }
    }
    if (first >= 0 && first != last)
        return below(first_at, last_at);
    for (int i = 0; st && i < st->ntests; i++) {
        const band_test *t = &st->tests[i];
        bool worst = t->band == 0, best = t->band == st->scheme->nbands - 1;
        if (t->nedges != 1 || worst == best)
            continue;
        bool upper = t->op[0] == OP_LT || t->op[0] == OP_LE;
        return upper == worst;
    }
    return true;
}

/* Bands a measure can give: those with a line of their own. */
void calstats_bands_in_play(const step *st, int nbands, bool *in_play)
{
    for (int b = 0; b < nbands; b++)
        in_play[b] = false;
    for (int i = 0; st && i < st->ntests; i++)
        in_play[st->tests[i].band] = true;
}

/* How many of the sorted values are below cut (or at most cut). */
static long count_below(const rb_num *x, long n, rb_num cut, bool or_equal)
{
    long lo = 0, hi = n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        int c = num_cmp(x[mid], cut);
        if (c < 0 || (or_equal && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether the text printed for n reads back as n exactly: 1/3 does not. */
static bool prints_exactly(rb_num n, bool percent)
{
    char buf[64];
    rb_num back;
    calstats_exact_text(n, percent, buf, sizeof buf);
    return num_parse(buf, strlen(buf), true, &back) && back.q && num_cmp(back, n) == 0;
}

/* The decimal with the fewest digits after the point in (lo, hi]; false
 * when lo or hi is not a fraction or none has 18 digits or fewer. */
static bool shortest_decimal(rb_num lo, rb_num hi, rb_num *out)
{
    if (!lo.q || !hi.q)
        return false;
    __int128 scale = 1;
    for (int k = 0; k <= 18; k++, scale *= 10) {
        __int128 num = (__int128)lo.p * scale, floor_of = num / lo.q;
        if (num % lo.q != 0 && num < 0)
            floor_of--;
        __int128 c = floor_of + 1;
        if (c > INT64_MAX || c < -INT64_MAX)
            return false;
        if (c * hi.q <= (__int128)hi.p * scale) {
            *out = num_from_wide(c, scale);
            return true;
        }
    }
    return false;
}

/* A cut pasted into a policy is read as a decimal.  Where the quantile is
 * not one (1/3), the same accounts are cut by `<` at the shortest decimal
 * near it: above every value the band takes, below every value it leaves,
 * and within a tenth of the way to either, so that it stays by the data
 * (1/3 with the next value at 0.9 gives `< 0.34`, not `< 0.4`). */
static void printable_cut(const rb_num *x, long n, long upto, bool percent, cal_cut *s)
{
    if (prints_exactly(s->limit, percent))
        return;
    rb_num one = num_from_int(1), tenth = num_from_frac(1, 10), cut = s->limit;
    rb_num lo = upto > 0 ? x[upto - 1] : num_sub(cut, one);
    rb_num hi = upto < n ? x[upto] : num_add(cut, one);
    rb_num from = num_sub(cut, num_mul(num_sub(cut, lo), tenth));
    rb_num to = num_add(cut, num_mul(num_sub(hi, cut), tenth));
    rb_num c;
    if (shortest_decimal(from, to, &c) && num_cmp(c, lo) > 0 && num_cmp(c, hi) <= 0 && prints_exactly(c, percent)) {
        s->limit = c;
        s->op = OP_LT;
    }
}

/* The cut between consecutive bands (in value order) is the quantile at
 * the share of accounts below it.  Where values tie at the cut, `<` or
 * `<=` decides which band they fall in: the one whose count comes nearer
 * the target is taken (`<` on a tie), the next band's line its complement. */
int calstats_suggest(const calstats *c, const step *st, const rb_num *share, const bool *wanted, cal_cut *out)
{
    bool ascend = calstats_bands_ascend(st);
    int order[MAX_BANDS], nb = 0;
    for (int k = 0; k < c->nbands; k++) {
        int b = ascend ? k : c->nbands - 1 - k;
        if (wanted[b])
            order[nb++] = b;
    }
    long n = c->nvalues, from = 0;
    rb_num below = num_from_int(0);
    for (int k = 0; k < nb; k++) {
        out[k].band = order[k];
        if (k == nb - 1) {
            out[k].op = k == 0 ? OP_GE : out[k - 1].op == OP_LT ? OP_GE : OP_GT;
            out[k].limit = k ? out[k - 1].limit : c->values[0];
            out[k].accounts = n - from;
            break;
        }
        below = num_add(below, share[out[k].band]);
        rb_num cut = calstats_quantile(c->values, n, below);
        long lt = count_below(c->values, n, cut, false), le = count_below(c->values, n, cut, true);
        double want = (double)n * num_to_double(below);
        bool take_le = fabs((double)le - want) < fabs((double)lt - want);
        long upto = take_le ? le : lt;
        out[k].op = take_le ? OP_LE : OP_LT;
        out[k].limit = cut;
        printable_cut(c->values, n, upto, step_in_percent(st), &out[k]);
        out[k].accounts = upto > from ? upto - from : 0;
        if (upto > from)
            from = upto;
    }
    /* Pasted, the lines put an overflowed value where run does: -inf under
     * the first, inf under the last. */
    if (nb > 0) {
        out[0].accounts += c->overflowed_low;
        out[nb - 1].accounts += c->overflowed_high;
    }
    return nb;
}

/* A number for JSON: null where it is not finite (it cannot be, but a JSON
 * reader must never see nan). */
void calstats_number_text(rb_num n, char *buf)
{
    if (n.q == 0 && !isfinite(n.d))
        strcpy(buf, "null");
    else
        num_format(n, buf);
}

/* A suggested threshold in full, ready to paste into the policy: as a
 * percentage where the policy writes its thresholds that way. */
void calstats_exact_text(rb_num n, bool percent, char *buf, size_t cap)
{
    char digits[40]; /* num_format writes at most 32 */
    calstats_number_text(percent ? num_mul(n, num_from_int(100)) : n, digits);
    snprintf(buf, cap, "%s%s", digits, percent ? "%" : "");
}

void calstats_sort(calstats *c)
{
    if (c->nvalues)
        qsort(c->values, (size_t)c->nvalues, sizeof *c->values, by_value);
}

void calstats_summary(const calstats *c, rb_num quartiles[5], double *mean)
{
    for (int i = 0; i < 5; i++)
        quartiles[i] = calstats_quantile(c->values, c->nvalues, num_from_frac(i, 4));
    *mean = calstats_mean(c->values, c->nvalues);
}
