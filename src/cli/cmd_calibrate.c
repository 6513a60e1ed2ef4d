/* cmd_calibrate.c - `rubric calibrate POLICY DATA --measure M`: the
 * distribution of a measure over the accounts, how many land in each band,
 * and the thresholds that would give a target share per band.
 *
 * Seed 002 sets thresholds from quartiles and medians across customers and
 * across a cohort known to be healthy; this verb gives those figures
 * exactly.  Quantiles are R's type 7 (numpy's "linear"), computed on the
 * exact values, so any other tool computing type 7 agrees with them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scan.h"
#include "session.h"
#include "writer.h"
#include "xalloc.h"

typedef struct calibrate_opts {
    const char *policy_path, *data_path, *output, *measure, *where, *target;
    bool json;
    data_opts data;
} calibrate_opts;

/* One band line of a suggestion: accounts with value OP limit. */
typedef struct suggestion {
    int band;
    rb_op op;
    rb_num limit;
    long accounts;
} suggestion;

typedef struct calibrator {
    const program *prog;
    const symbol *measure, *cohort;
    const scheme *sch;
    const step *st;
    rb_num *values;
    long nvalues, cap;
    long accounts, na, no_band;
    long overflowed;          /* banded as run bands them, but no number to place */
    long overflowed_low, overflowed_high;  /* of those, -inf and inf: below and above every cut */
    long *band_counts;
} calibrator;

static int take(void *ctx, int id, const char *arg)
{
    calibrate_opts *o = ctx;
    int taken = data_opt("calibrate", id, arg, &o->data);
    if (taken)
        return taken == 1 ? EXIT_OK : taken;
    switch (id) {
    case 'm': o->measure = arg; return EXIT_OK;
    case 'w': o->where = arg; return EXIT_OK;
    case 't': o->target = arg; return EXIT_OK;
    case 'f':
        if (strcmp(arg, "json") == 0)
            o->json = true;
        else if (strcmp(arg, "table") == 0)
            o->json = false;
        else
            return usage_error("calibrate", "unknown format '%s' (table or json)", arg);
        return EXIT_OK;
    case 'o': o->output = arg; return EXIT_OK;
    default: return EXIT_USAGE; /* not in the spec */
    }
}

static int parse_args(const verb_def *v, int argc, char **argv, calibrate_opts *o)
{
    int first, status = cli_parse(v, argc, argv, take, o, &first);
    if (status != EXIT_OK)
        return status;
    if (argc - first != 2)
        return usage_error("calibrate", "expected POLICY and DATA, got %d argument%s", argc - first, argc - first == 1 ? "" : "s");
    if (!o->measure)
        return usage_error("calibrate", "--measure is required");
    o->policy_path = argv[first];
    o->data_path = argv[first + 1];
    return 0;
}

/* With --where, the condition joins the policy as one more definition: it
 * is checked, typed, compiled and evaluated like any other, and its errors
 * point into the text as typed. */
typedef struct cohort_loader {
    const calibrate_opts *o;
    const char *cohort;       /* the definition's name, once loaded */
} cohort_loader;

static policy *load_with_cohort(void *ctx, const char *path, diag *d)
{
    cohort_loader *cl = ctx;
    const char *where = cl->o->where;
    if (!where)
        return policy_load(path, d);
    if (strpbrk(where, "\r\n")) {
        usage_error("calibrate", "--where is one condition on one line");
        return NULL;
    }
    return policy_load_with_expr(path, "--where", where, "calibrate_cohort", &cl->cohort, d);
}

static const char *const kind_names[] = {
    [SYM_INPUT] = "an input", [SYM_PARAM] = "a parameter", [SYM_LET] = "a definition",
    [SYM_METRIC] = "a metric", [SYM_MEASURE] = "a measure", [SYM_GROUP] = "a group"};

static const symbol *find_measure(const policy *p, const char *name, const char *cohort)
{
    /* `metric alias = usage` is usage under another name: calibrate usage. */
    const symbol *s = policy_lookup(p, name), *named = symbol_named(s);
    if (named && (named->kind == SYM_MEASURE || named->kind == SYM_GROUP))
        s = named;
    if (s && (s->kind == SYM_MEASURE || s->kind == SYM_GROUP ||
              ((s->kind == SYM_METRIC || s->kind == SYM_LET) && s->type == TY_NUMBER)) &&
        !(cohort && strcmp(name, cohort) == 0))
        return s;
    if (s) {
        fprintf(stderr, "rubric calibrate: '%s' is %s%s; calibrate takes a measure, a group or a numeric definition\n",
                name, kind_names[s->kind], s->kind == SYM_INPUT || s->kind == SYM_PARAM ? "" : " without a number");
        return NULL;
    }
    const char *best = closest_symbol(name, p->outputs, p->noutputs);
    if (best)
        fprintf(stderr, "rubric calibrate: no measure '%s' (did you mean '%s'?)\n", name, best);
    else
        fprintf(stderr, "rubric calibrate: no measure '%s'\n", name);
    return NULL;
}

static void observe(void *ctx, const scan *s, const char *id, size_t idlen)
{
    (void)id;
    (void)idlen;
    calibrator *cal = ctx;
    const frame *f = &s->frames[0];
    if (cal->cohort) {
        const rb_value *in = eval_symbol_value(cal->prog, f, cal->cohort);
        if (in->kind != VK_BOOL || !in->u.b)
            return; /* false or na: not in the cohort */
    }
    cal->accounts++;
    rb_value v = *eval_symbol_value(cal->prog, f, cal->measure);
    if (v.kind == VK_NA) {
        cal->na++;
        return;
    }
    if (cal->sch) {
        if (v.band == BAND_NONE)
            cal->no_band++;
        else
            cal->band_counts[v.band]++;
    }
    /* A number past what a double holds (an overflow) keeps the band run
     * gives it, but has no place in a distribution. */
    if (v.u.num.q == 0 && !isfinite(v.u.num.d)) {
        cal->overflowed++;
        cal->overflowed_low += v.u.num.d < 0;
        cal->overflowed_high += v.u.num.d > 0;
        return;
    }
    if (cal->nvalues == cal->cap)
        cal->values = xrealloc(cal->values, (size_t)(cal->cap = cal->cap ? cal->cap * 2 : 1024) * sizeof *cal->values);
    num_store(&cal->values[cal->nvalues++], v.u.num);
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
static rb_num quantile(const rb_num *x, long n, rb_num p)
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
static double mean_of(const rb_num *x, long n)
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
static bool bands_ascend(const step *st)
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
static void bands_in_play(const step *st, int nbands, bool *in_play)
{
    for (int b = 0; b < nbands; b++)
        in_play[b] = false;
    for (int i = 0; st && i < st->ntests; i++)
        in_play[st->tests[i].band] = true;
}

static void trim_span(const char **s, const char **end)
{
    while (*s < *end && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*end > *s && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
        (*end)--;
}

/* "green=30%,yellow=40%" as an exact share per band.  Of the bands the
 * measure has lines for, the one left out takes the rest; a band it has
 * no line for gets nothing unless named. */
static bool parse_target(const char *spec, const scheme *sch, const step *st, rb_num *share, bool *wanted)
{
    bool named[MAX_BANDS] = {false};
    rb_num total = num_from_int(0), zero = num_from_int(0), one = num_from_int(1);
    const char *s = spec;
    while (*s) {
        const char *eq = strchr(s, '='), *comma = strchr(s, ',');
        if (!comma)
            comma = s + strlen(s);
        if (!eq || eq > comma) {
            fprintf(stderr, "rubric calibrate: --target wants BAND=SHARE, as in green=30%%,yellow=40%%: '%.*s'\n", (int)(comma - s), s);
            return false;
        }
        const char *name = s, *name_end = eq, *val = eq + 1, *val_end = comma;
        trim_span(&name, &name_end);
        trim_span(&val, &val_end);
        char band[128];
        snprintf(band, sizeof band, "%.*s", (int)(name_end - name), name);
        int b = scheme_band_index(sch, band);
        if (b < 0) {
            const char *best = closest_name(band, sch->bands, sch->nbands);
            fprintf(stderr, "rubric calibrate: --target: scheme '%s' has no band '%s'%s%s%s\n", sch->name, band,
                    best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
            return false;
        }
        rb_num v;
        bool parsed = num_parse(val, (size_t)(val_end - val), true, &v);
        if (parsed && v.q == 0) {
            fprintf(stderr, "rubric calibrate: --target: the share of %s, '%.*s', has more digits than can be added exactly\n",
                    band, (int)(val_end - val), val);
            return false;
        }
        if (!parsed || num_cmp(v, zero) < 0 || num_cmp(v, one) > 0) {
            fprintf(stderr, "rubric calibrate: --target: the share of %s must be between 0%% and 100%%, not '%.*s'\n",
                    band, (int)(val_end - val), val);
            return false;
        }
        if (named[b]) {
            fprintf(stderr, "rubric calibrate: --target names %s twice\n", band);
            return false;
        }
        named[b] = true;
        share[b] = v;
        total = num_add(total, v);
        s = *comma ? comma + 1 : comma;
    }
    bool in_play[MAX_BANDS];
    bands_in_play(st, sch->nbands, in_play);
    int left = -1, nleft = 0;
    for (int b = 0; b < sch->nbands; b++) {
        wanted[b] = named[b] || in_play[b];
        if (!named[b])
            share[b] = zero;
        if (!named[b] && in_play[b]) {
            left = b;
            nleft++;
        }
    }
    int over = num_cmp(total, one);
    if (nleft > 1 || over > 0 || (nleft == 0 && over != 0)) {
        fprintf(stderr, "rubric calibrate: --target: %s",
                nleft > 1 ? "name every band the measure gives but one (that one takes the rest)"
                : over > 0 ? "the shares add up to more than 100%"
                : "the shares add up to less than 100% and no band is left to take the rest");
        if (nleft > 1) {
            /* Say which: a band named without a line of its own is no help. */
            fputs("; it gives", stderr);
            for (int b = 0, k = 0; b < sch->nbands; b++)
                if (in_play[b])
                    fprintf(stderr, "%s %s", k++ ? "," : "", sch->bands[b]);
        }
        fputc('\n', stderr);
        return false;
    }
    if (left >= 0)
        share[left] = num_sub(one, total);
    return true;
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

static void exact_number(rb_num n, bool percent, char *buf, size_t cap);

/* Whether the text printed for n reads back as n exactly: 1/3 does not. */
static bool prints_exactly(rb_num n, bool percent)
{
    char buf[64];
    rb_num back;
    exact_number(n, percent, buf, sizeof buf);
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
static void printable_cut(const rb_num *x, long n, long upto, bool percent, suggestion *s)
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
static int suggest(const calibrator *cal, const rb_num *share, const bool *wanted, bool ascend, suggestion *out)
{
    int order[MAX_BANDS], nb = 0;
    for (int k = 0; k < cal->sch->nbands; k++) {
        int b = ascend ? k : cal->sch->nbands - 1 - k;
        if (wanted[b])
            order[nb++] = b;
    }
    long n = cal->nvalues, from = 0;
    rb_num below = num_from_int(0);
    for (int k = 0; k < nb; k++) {
        out[k].band = order[k];
        if (k == nb - 1) {
            out[k].op = k == 0 ? OP_GE : out[k - 1].op == OP_LT ? OP_GE : OP_GT;
            out[k].limit = k ? out[k - 1].limit : cal->values[0];
            out[k].accounts = n - from;
            break;
        }
        below = num_add(below, share[out[k].band]);
        rb_num cut = quantile(cal->values, n, below);
        long lt = count_below(cal->values, n, cut, false), le = count_below(cal->values, n, cut, true);
        double want = (double)n * num_to_double(below);
        bool take_le = fabs((double)le - want) < fabs((double)lt - want);
        long upto = take_le ? le : lt;
        out[k].op = take_le ? OP_LE : OP_LT;
        out[k].limit = cut;
        printable_cut(cal->values, n, upto, step_in_percent(cal->st), &out[k]);
        out[k].accounts = upto > from ? upto - from : 0;
        if (upto > from)
            from = upto;
    }
    /* Pasted, the lines put an overflowed value where run does: -inf under
     * the first, inf under the last. */
    if (nb > 0) {
        out[0].accounts += cal->overflowed_low;
        out[nb - 1].accounts += cal->overflowed_high;
    }
    return nb;
}

/* A number for JSON: null where it is not finite (it cannot be, but a JSON
 * reader must never see nan). */
static void number_text(rb_num n, char *buf)
{
    if (n.q == 0 && !isfinite(n.d))
        strcpy(buf, "null");
    else
        num_format(n, buf);
}

/* A suggested threshold in full, ready to paste into the policy: as a
 * percentage where the policy writes its thresholds that way. */
static void exact_number(rb_num n, bool percent, char *buf, size_t cap)
{
    char digits[40]; /* num_format writes at most 32 */
    number_text(percent ? num_mul(n, num_from_int(100)) : n, digits);
    snprintf(buf, cap, "%s%s", digits, percent ? "%" : "");
}

/* For people: six significant digits, as a percentage where the policy
 * writes its thresholds that way. */
static void human_number(rb_num n, bool percent, char *buf, size_t cap)
{
    format_significant(num_to_double(n), percent, 6, buf, cap);
}

/* A band line's source text, `>= 25% and < 50%`, for the table. */
static void rule_text(const band_rule *r, char *buf, size_t cap)
{
    if (!r || r->nedges == 0) {
        snprintf(buf, cap, "%s", r && r->otherwise ? "otherwise" : "");
        return;
    }
    unsigned b = r->edges[0].loc.begin, e = r->edges[r->nedges - 1].loc.end;
    snprintf(buf, cap, "%.*s", (int)(e - b), r->edges[0].loc.src->text + b);
}

static const band_rule *rule_of_band(const step *st, int band)
{
    for (int i = 0; st && i < st->ntests; i++)
        if (st->tests[i].band == band)
            return st->tests[i].rule;
    return NULL;
}

static void print_share(FILE *f, long n, long of)
{
    if (of > 0)
        fprintf(f, "  %5.1f%%", 100.0 * (double)n / (double)of);
    else
        fprintf(f, "  %6s", "");
}

static void print_table(FILE *f, const calibrate_opts *o, const calibrator *cal, const rb_num *stats, double mean,
                        const suggestion *sug, int nsug)
{
    bool pct = step_in_percent(cal->st);
    const rb_loc *where = &cal->measure->decl->loc;
    unsigned line, col;
    source_line_col(where->src, where->begin, &line, &col);
    fprintf(f, "%s (%s:%u) on %s\n", cal->measure->name, where->src->path, line, o->data_path);
    if (o->where)
        fprintf(f, "cohort: %s\n", o->where);
    fprintf(f, "%ld account%s: %ld with a value, %ld na", cal->accounts, cal->accounts == 1 ? "" : "s", cal->nvalues, cal->na);
    if (cal->overflowed)
        fprintf(f, ", %ld overflowed (in the bands, not in the figures)", cal->overflowed);
    fputs("\n\n", f);
    if (cal->nvalues > 0) {
        static const char *const names[] = {"min", "q1", "median", "q3", "max"};
        char buf[64];
        for (int i = 0; i < 5; i++) {
            human_number(stats[i], pct, buf, sizeof buf);
            fprintf(f, "  %-8s %s\n", names[i], buf);
        }
        human_number(num_inexact(mean), pct, buf, sizeof buf);
        fprintf(f, "  %-8s %s\n\n", "mean", buf);
    }
    if (!cal->sch)
        return;
    int w = 7;
    for (int b = 0; b < cal->sch->nbands; b++)
        if ((int)strlen(cal->sch->bands[b]) > w)
            w = (int)strlen(cal->sch->bands[b]);
    fprintf(f, "  %-*s  %8s  %7s  %s\n", w, "band", "accounts", "share", "now");
    for (int b = 0; b < cal->sch->nbands; b++) {
        char rule[256];
        rule_text(rule_of_band(cal->st, b), rule, sizeof rule);
        fprintf(f, "  %-*s  %8ld", w, cal->sch->bands[b], cal->band_counts[b]);
        print_share(f, cal->band_counts[b], cal->nvalues + cal->overflowed);
        fprintf(f, "  %s\n", rule);
    }
    if (cal->no_band)
        fprintf(f, "  %-*s  %8ld\n", w, "no band", cal->no_band);
    fprintf(f, "  %-*s  %8ld\n", w, "na", cal->na);
    if (!nsug)
        return;
    fprintf(f, "\nsuggested for %s:\n", o->target);
    for (int k = 0; k < nsug; k++) {
        char buf[64];
        exact_number(sug[k].limit, pct, buf, sizeof buf);
        fprintf(f, "  %-*s  %8ld", w, cal->sch->bands[sug[k].band], sug[k].accounts);
        print_share(f, sug[k].accounts, cal->nvalues + cal->overflowed_low + cal->overflowed_high);
        fprintf(f, "  %-2s %s\n", op_text(sug[k].op), buf);
    }
}

static void print_json(FILE *f, const calibrate_opts *o, const calibrator *cal, const rb_num *stats, double mean,
                       const suggestion *sug, int nsug)
{
    static const char *const names[] = {"min", "q1", "median", "q3", "max"};
    char buf[64];
    fputs("{\n  \"measure\": ", f);
    json_write_string(f, cal->measure->name);
    fputs(",\n  \"where\": ", f);
    if (o->where)
        json_write_string(f, o->where);
    else
        fputs("null", f);
    fprintf(f, ",\n  \"accounts\": %ld,\n  \"count\": %ld,\n  \"na\": %ld,\n  \"overflowed\": %ld", cal->accounts, cal->nvalues,
            cal->na, cal->overflowed);
    for (int i = 0; i < 5; i++) {
        if (cal->nvalues)
            number_text(stats[i], buf);
        fprintf(f, ",\n  \"%s\": %s", names[i], cal->nvalues ? buf : "null");
    }
    if (!cal->nvalues)
        snprintf(buf, sizeof buf, "null");
    else
        snprintf(buf, sizeof buf, "%.12g", mean);
    fprintf(f, ",\n  \"mean\": %s,\n  \"bands\": {", buf);
    for (int b = 0; cal->sch && b < cal->sch->nbands; b++) {
        fputs(b ? ", " : "", f);
        json_write_string(f, cal->sch->bands[b]);
        fprintf(f, ": %ld", cal->band_counts[b]);
    }
    if (cal->no_band)
        fprintf(f, ", \"no band\": %ld", cal->no_band);
    fprintf(f, "%s\"na\": %ld},\n  \"suggested\": ", cal->sch ? ", " : "", cal->na);
    if (!nsug) {
        fputs("null\n}\n", f);
        return;
    }
    fputc('[', f);
    for (int k = 0; k < nsug; k++) {
        number_text(sug[k].limit, buf);
        fputs(k ? ",\n    {\"band\": " : "\n    {\"band\": ", f);
        json_write_string(f, cal->sch->bands[sug[k].band]);
        fprintf(f, ", \"op\": \"%s\", \"value\": %s, \"accounts\": %ld}", op_text(sug[k].op), buf, sug[k].accounts);
    }
    fputs("\n  ]\n}\n", f);
}

/* What is to be calibrated, checked before any data is read: the
 * measure, the cohort's condition and the --target shares. */
static int setup(calibrator *cal, const calibrate_opts *o, const policy *pol, const program *prog, const char *cohort,
                 rb_num *share, bool *wanted)
{
    if (!(cal->measure = find_measure(pol, o->measure, cohort)))
        return EXIT_USAGE;
    cal->prog = prog;
    cal->sch = cal->measure->scheme;
    cal->st = program_step(prog, cal->measure);
    if (o->where) {
        cal->cohort = policy_lookup(pol, cohort);
        if (cal->cohort->type != TY_BOOL) {
            fprintf(stderr, "rubric calibrate: --where wants a condition (true or false), not a value of type %s\n",
                    type_name(cal->cohort->type));
            return EXIT_USAGE;
        }
    }
    if (o->target) {
        if (!cal->sch) {
            fprintf(stderr, "rubric calibrate: --target needs bands, and '%s' has none\n", o->measure);
            return EXIT_USAGE;
        }
        if (!parse_target(o->target, cal->sch, cal->st, share, wanted))
            return EXIT_USAGE;
    }
    cal->band_counts = xcalloc(cal->sch ? (size_t)cal->sch->nbands : 1, sizeof *cal->band_counts);
    return EXIT_OK;
}

/* After the pass: the figures, the suggestion, and their printing. */
static void conclude(calibrator *cal, const calibrate_opts *o, FILE *f, const rb_num *share, const bool *wanted)
{
    if (cal->nvalues)
        qsort(cal->values, (size_t)cal->nvalues, sizeof *cal->values, by_value);
    rb_num stats[5];
    double mean = 0;
    if (cal->nvalues) {
        for (int i = 0; i < 5; i++)
            stats[i] = quantile(cal->values, cal->nvalues, num_from_frac(i, 4));
        mean = mean_of(cal->values, cal->nvalues);
    }
    suggestion sug[MAX_BANDS];
    int nsug = 0;
    if (o->target && cal->nvalues)
        nsug = suggest(cal, share, wanted, bands_ascend(cal->st), sug);
    else if (o->target)
        fprintf(stderr, "rubric calibrate: no account has a value for %s: nothing to suggest\n", o->measure);
    if (o->json)
        print_json(f, o, cal, stats, mean, sug, nsug);
    else
        print_table(f, o, cal, stats, mean, sug, nsug);
}

int cmd_calibrate(const verb_def *v, int argc, char **argv)
{
    calibrate_opts o;
    memset(&o, 0, sizeof o);
    int status = parse_args(v, argc, argv, &o);
    if (status != 0) {
        data_opts_free(&o.data);
        return status < 0 ? EXIT_OK : status;
    }
    session s;
    const char *paths[] = {o.policy_path};
    calibrator cal;
    memset(&cal, 0, sizeof cal);
    rb_num share[MAX_BANDS];
    bool wanted[MAX_BANDS];
    cohort_loader cl = {&o, NULL};
    status = session_open(&s, "calibrate", paths, NULL, 1, load_with_cohort, &cl, o.data_path, o.output, &o.data);
    if (status == EXIT_OK)
        status = setup(&cal, &o, s.pols[0], s.progs[0], cl.cohort, share, wanted);
    if (status == EXIT_OK)
        status = session_start(&s);
    if (status == EXIT_OK) {
        status = session_scan(&s, observe, &cal);
        if (status >= 0)
            conclude(&cal, &o, s.out.f, share, wanted);
        status = session_finish(&s, status, status >= 0);
    }
    session_close(&s);
    free(cal.values);
    free(cal.band_counts);
    data_opts_free(&o.data);
    return status;
}
