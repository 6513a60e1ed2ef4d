/* cmd_calibrate.c - `rubric calibrate POLICY DATA --measure M`: the
 * distribution of a measure over the accounts, how many land in each band,
 * and the thresholds that would give a target share per band.
 *
 * Seed 002 sets thresholds from quartiles and medians across customers and
 * across a cohort known to be healthy; this verb gives those figures
 * exactly.  Quantiles are R's type 7 (numpy's "linear"), computed on the
 * exact values, so any other tool computing type 7 agrees with them. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "outfile.h"
#include "scan.h"
#include "writer.h"
#include "xalloc.h"

static const char calibrate_help[] =
    "Usage: rubric calibrate POLICY DATA --measure M [options]\n"
    "\n"
    "Shows the distribution of M (a measure, group or numeric definition) over\n"
    "the accounts in DATA: count, na, min, quartiles, median, max and mean,\n"
    "and how many accounts each band gets with the policy's thresholds.\n"
    "\n"
    "Options:\n"
    "  -m, --measure M          what to calibrate (required)\n"
    "  -w, --where EXPR         only accounts where EXPR, written in the policy's\n"
    "                           language, is true: --where 'licenses_sold >= 100'\n"
    "  -t, --target B=P%,...    the thresholds that would give each band B that\n"
    "                           share of the accounts with a value; one band may\n"
    "                           be left out and takes the rest\n"
    "  -f, --format FORMAT      table (default) or json\n"
    "  -o, --output FILE        write to FILE, atomically\n"
    "      --param NAME=VALUE   override a parameter's default (repeatable)\n"
    DATA_OPTS_HELP
    "  -h, --help               this help\n"
    "\n"
    "Quantiles interpolate linearly between order statistics (R's type 7,\n"
    "numpy's default).  Exit status: 0 done, 1 records rejected, 2 usage or\n"
    "policy errors.\n";

enum { OPT_WHERE = OPT_VERB_OWN };

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
    long *band_counts;
} calibrator;

static int parse_args(int argc, char **argv, calibrate_opts *o)
{
    static const struct option longopts[] = {
        {"measure", required_argument, NULL, 'm'},
        {"where", required_argument, NULL, 'w'},
        {"target", required_argument, NULL, 't'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        DATA_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:w:t:f:o:qh", longopts, NULL)) != -1) {
        int taken = data_opt("calibrate", c, optarg, &o->data);
        if (taken == EXIT_USAGE)
            return EXIT_USAGE;
        if (taken)
            continue;
        switch (c) {
        case 'm': o->measure = optarg; break;
        case 'w': o->where = optarg; break;
        case 't': o->target = optarg; break;
        case 'f':
            if (strcmp(optarg, "json") == 0)
                o->json = true;
            else if (strcmp(optarg, "table") == 0)
                o->json = false;
            else
                return usage_error("calibrate", "unknown format '%s' (table or json)", optarg);
            break;
        case 'o': o->output = optarg; break;
        case 'h':
            fputs(calibrate_help, stdout);
            return -1;
        default:
            if (optopt && optopt < 256)
                return usage_error("calibrate", "unknown option '-%c' or missing value", optopt);
            return usage_error("calibrate", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return usage_error("calibrate", "expected POLICY and DATA, got %d argument%s", argc - optind, argc - optind == 1 ? "" : "s");
    if (!o->measure)
        return usage_error("calibrate", "--measure is required");
    o->policy_path = argv[optind];
    o->data_path = argv[optind + 1];
    return 0;
}

/* With --where, the condition joins the policy as one more definition: it
 * is checked, typed, compiled and evaluated like any other, and its errors
 * point into the text as typed. */
static policy *load_with_cohort(const calibrate_opts *o, const char **cohort, diag *d)
{
    if (!o->where)
        return policy_load(o->policy_path, d);
    if (strpbrk(o->where, "\r\n")) {
        usage_error("calibrate", "--where is one condition on one line");
        return NULL;
    }
    return policy_load_with_expr(o->policy_path, "--where", o->where, "calibrate_cohort", cohort, d);
}

static const char *const kind_names[] = {
    [SYM_INPUT] = "an input", [SYM_PARAM] = "a parameter", [SYM_LET] = "a definition",
    [SYM_METRIC] = "a metric", [SYM_MEASURE] = "a measure", [SYM_GROUP] = "a group"};

static const symbol *find_measure(const policy *p, const char *name, const char *cohort)
{
    const symbol *s = policy_lookup(p, name);
    if (s && (s->kind == SYM_MEASURE || s->kind == SYM_GROUP ||
              ((s->kind == SYM_METRIC || s->kind == SYM_LET) && s->type == TY_NUMBER)) &&
        !(cohort && strcmp(name, cohort) == 0))
        return s;
    if (s) {
        fprintf(stderr, "rubric calibrate: '%s' is %s%s; calibrate takes a measure, a group or a numeric definition\n",
                name, kind_names[s->kind], s->kind == SYM_INPUT || s->kind == SYM_PARAM ? "" : " without a number");
        return NULL;
    }
    const char **names = xmalloc((size_t)(p->noutputs + 1) * sizeof *names);
    for (int i = 0; i < p->noutputs; i++)
        names[i] = p->outputs[i]->name;
    const char *best = closest_name(name, names, p->noutputs);
    if (best)
        fprintf(stderr, "rubric calibrate: no measure '%s' (did you mean '%s'?)\n", name, best);
    else
        fprintf(stderr, "rubric calibrate: no measure '%s'\n", name);
    free(names);
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

/* Type 7: h = (n-1)p; x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * p is the fraction pn/pd, so the interpolation stays exact. */
static rb_num quantile(const rb_num *x, long n, int64_t pn, int64_t pd)
{
    __int128 h = (__int128)(n - 1) * pn;
    long lo = (long)(h / pd);
    int64_t rem = (int64_t)(h % pd);
    if (rem == 0 || lo + 1 >= n)
        return x[lo];
    rb_num frac = num_from_frac(rem, pd);
    return num_add(x[lo], num_mul(frac, num_sub(x[lo + 1], x[lo])));
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
        double v = num_to_double(x[i]), t = s + v;
        comp += fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s;
        s = t;
    }
    if (exact) {
        rb_num mean = num_div(sum, num_from_int(n));
        if (mean.q)
            return num_to_double(mean);
    }
    return (s + comp) / (double)n;
}

/* Whether higher values mean better bands: read off the first band line
 * with one edge (`red < 25%` or `green >= 50%`). */
static bool bands_ascend(const step *st)
{
    for (int i = 0; st && i < st->ntests; i++) {
        const band_test *t = &st->tests[i];
        bool worst = t->band == 0, best = t->band == st->scheme->nbands - 1;
        if (t->nedges != 1 || worst == best)
            continue;
        bool below = t->op[0] == OP_LT || t->op[0] == OP_LE;
        return below == worst;
    }
    return true;
}

/* "green=30%,yellow=40%" as a share per band; the one band left out takes
 * the rest.  shares are fractions over 10^6 (a share is at most 100% with
 * four decimals of a percent). */
enum { SHARE_UNIT = 1000000 };

static bool parse_target(const char *spec, const scheme *sch, int64_t *share)
{
    bool named[64] = {false};
    int64_t total = 0;
    const char *s = spec;
    while (*s) {
        const char *eq = strchr(s, '='), *comma = strchr(s, ',');
        if (!comma)
            comma = s + strlen(s);
        if (!eq || eq > comma) {
            fprintf(stderr, "rubric calibrate: --target wants BAND=SHARE, as in green=30%%,yellow=40%%: '%.*s'\n", (int)(comma - s), s);
            return false;
        }
        char band[128];
        snprintf(band, sizeof band, "%.*s", (int)(eq - s), s);
        int b = scheme_band_index(sch, band);
        if (b < 0) {
            const char *best = closest_name(band, sch->bands, sch->nbands);
            fprintf(stderr, "rubric calibrate: --target: scheme '%s' has no band '%s'%s%s%s\n", sch->name, band,
                    best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
            return false;
        }
        rb_num v;
        if (!num_parse(eq + 1, (size_t)(comma - eq - 1), true, &v) || num_cmp(v, num_from_int(0)) < 0 ||
            num_cmp(v, num_from_int(1)) > 0) {
            fprintf(stderr, "rubric calibrate: --target: the share of %s must be between 0%% and 100%%, not '%.*s'\n",
                    band, (int)(comma - eq - 1), eq + 1);
            return false;
        }
        if (named[b]) {
            fprintf(stderr, "rubric calibrate: --target names %s twice\n", band);
            return false;
        }
        named[b] = true;
        share[b] = (int64_t)llround(num_to_double(v) * SHARE_UNIT);
        total += share[b];
        s = *comma ? comma + 1 : comma;
    }
    int left = -1, nleft = 0;
    for (int b = 0; b < sch->nbands; b++)
        if (!named[b]) {
            left = b;
            nleft++;
        }
    if (nleft > 1 || total > SHARE_UNIT || (nleft == 0 && total != SHARE_UNIT)) {
        fprintf(stderr, "rubric calibrate: --target: %s\n",
                nleft > 1 ? "name every band but one (that one takes the rest)"
                : total > SHARE_UNIT ? "the shares add up to more than 100%"
                : "the shares add up to less than 100% and no band is left to take the rest");
        return false;
    }
    if (left >= 0)
        share[left] = SHARE_UNIT - total;
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

/* The cut between consecutive bands (in value order) is the quantile at
 * the share of accounts below it.  Where values tie at the cut, `<` or
 * `<=` decides which band they fall in: the one whose count comes nearer
 * the target is taken (`<` on a tie), the next band's line its complement. */
static int suggest(const calibrator *cal, const int64_t *share, bool ascend, suggestion *out)
{
    int nb = cal->sch->nbands;
    long n = cal->nvalues, from = 0;
    int64_t below = 0;
    for (int k = 0; k < nb; k++) {
        out[k].band = ascend ? k : nb - 1 - k;
        if (k == nb - 1) {
            out[k].op = k == 0 ? OP_GE : out[k - 1].op == OP_LT ? OP_GE : OP_GT;
            out[k].limit = k ? out[k - 1].limit : cal->values[0];
            out[k].accounts = n - from;
            break;
        }
        below += share[out[k].band];
        rb_num cut = quantile(cal->values, n, below, SHARE_UNIT);
        long lt = count_below(cal->values, n, cut, false), le = count_below(cal->values, n, cut, true);
        double want = (double)n * (double)below / SHARE_UNIT;
        bool take_le = fabs((double)le - want) < fabs((double)lt - want);
        long upto = take_le ? le : lt;
        out[k].op = take_le ? OP_LE : OP_LT;
        out[k].limit = cut;
        out[k].accounts = upto > from ? upto - from : 0;
        if (upto > from)
            from = upto;
    }
    return nb;
}

static void number_text(rb_num n, char *buf) { num_format(n, buf); }

/* For people: six significant digits, as a percentage where the policy
 * writes its thresholds that way. */
static void human_number(rb_num n, bool percent, char *buf, size_t cap)
{
    double d = num_to_double(n);
    if (percent)
        snprintf(buf, cap, "%.6g%%", d * 100);
    else
        snprintf(buf, cap, "%.6g", d);
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
    fprintf(f, "%ld account%s: %ld with a value, %ld na\n\n", cal->accounts, cal->accounts == 1 ? "" : "s", cal->nvalues, cal->na);
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
        print_share(f, cal->band_counts[b], cal->nvalues);
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
        human_number(sug[k].limit, pct, buf, sizeof buf);
        fprintf(f, "  %-*s  %8ld", w, cal->sch->bands[sug[k].band], sug[k].accounts);
        print_share(f, sug[k].accounts, cal->nvalues);
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
    fprintf(f, ",\n  \"accounts\": %ld,\n  \"count\": %ld,\n  \"na\": %ld", cal->accounts, cal->nvalues, cal->na);
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

int cmd_calibrate(int argc, char **argv)
{
    calibrate_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        data_opts_free(&o.data);
        return rc < 0 ? EXIT_OK : rc;
    }
    diag d;
    diag_init(&d, stderr);
    calibrator cal;
    memset(&cal, 0, sizeof cal);
    scan sc;
    memset(&sc, 0, sizeof sc);
    outfile out = {0};
    int status = EXIT_USAGE;
    int64_t share[64] = {0};
    const char *cohort = NULL;
    policy *pol = load_with_cohort(&o, &cohort, &d);
    program *prog = pol ? compile_with(pol, &o.data, true, &d) : NULL;
    if (!prog || !(cal.measure = find_measure(pol, o.measure, cohort)))
        goto done;
    cal.prog = prog;
    cal.sch = cal.measure->scheme;
    cal.st = program_step(prog, cal.measure);
    if (o.where) {
        cal.cohort = policy_lookup(pol, cohort);
        if (cal.cohort->type != TY_BOOL) {
            fprintf(stderr, "rubric calibrate: --where wants a condition (true or false), not %s\n", type_name(cal.cohort->type));
            goto done;
        }
    }
    if (o.target) {
        if (!cal.sch) {
            fprintf(stderr, "rubric calibrate: --target needs bands, and '%s' has none\n", o.measure);
            goto done;
        }
        if (cal.sch->nbands > 64 || !parse_target(o.target, cal.sch, share))
            goto done;
    }
    cal.band_counts = xcalloc(cal.sch ? (size_t)cal.sch->nbands : 1, sizeof *cal.band_counts);

    const program *progs[] = {prog};
    status = EXIT_REJECTED;
    if (!scan_open(&sc, o.data_path, o.data.input_format, data_id_field(&o.data, pol), progs, NULL, 1,
                   o.data.skip_errors, data_progress(&o.data)))
        goto done;
    status = scan_all(&sc, observe, &cal);
    if (status < 0) {
        status = scan_conclude(&sc, status, o.output != NULL);
        goto done;
    }
    if (cal.nvalues)
        qsort(cal.values, (size_t)cal.nvalues, sizeof *cal.values, by_value);
    rb_num stats[5];
    double mean = 0;
    if (cal.nvalues) {
        static const int64_t quarter[5][2] = {{0, 4}, {1, 4}, {2, 4}, {3, 4}, {4, 4}};
        for (int i = 0; i < 5; i++)
            stats[i] = quantile(cal.values, cal.nvalues, quarter[i][0], quarter[i][1]);
        mean = mean_of(cal.values, cal.nvalues);
    }
    suggestion sug[64];
    int nsug = 0;
    if (o.target && cal.nvalues)
        nsug = suggest(&cal, share, bands_ascend(cal.st), sug);
    else if (o.target)
        fprintf(stderr, "rubric calibrate: no account has a value for %s: nothing to suggest\n", o.measure);

    if (!outfile_open(&out, o.output)) {
        fprintf(stderr, "rubric: cannot write '%s': %s\n", o.output, strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    if (o.json)
        print_json(out.f, &o, &cal, stats, mean, sug, nsug);
    else
        print_table(out.f, &o, &cal, stats, mean, sug, nsug);
    if (fflush(out.f) != 0 || ferror(out.f) || !outfile_commit(&out)) {
        if (out.path)
            outfile_abort(&out);
        fprintf(stderr, "rubric: writing %s failed: %s\n", o.output ? o.output : "standard output", strerror(errno));
        status = EXIT_REJECTED;
        goto done;
    }
    status = scan_conclude(&sc, status, o.output != NULL);
done:
    scan_close(&sc);
    free(cal.values);
    free(cal.band_counts);
    program_free(prog);
    policy_free(pol);
    data_opts_free(&o.data);
    return status;
}
