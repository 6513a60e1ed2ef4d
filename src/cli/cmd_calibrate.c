/* cmd_calibrate.c - `rubric calibrate POLICY DATA --measure M`: the
 * distribution of a measure over the accounts, how many land in each band,
 * and the thresholds that would give a target share per band.  The
 * figures are src/report/calstats.c's; here are the options, the measure
 * and cohort, --target's shares, and the printing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calstats.h"
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

typedef struct calibrator {
    const program *prog;
    const symbol *measure, *cohort;
    const scheme *sch;
    const step *st;
    calstats stats;
} calibrator;

static int take(void *ctx, int id, const char *arg)
{
    calibrate_opts *o = ctx;
    int taken = data_opt("calibrate", id, arg, &o->data);
    if (taken != CLI_NOT_MINE)
        return taken;
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
    [SYM_METRIC] = "a metric", [SYM_MEASURE] = "a measure", [SYM_GROUP] = "a group",
    [SYM_ACTION] = "an action"};

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

static void observe(void *ctx, scan *s, const char *id, size_t idlen)
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
    calstats_add(&cal->stats, eval_symbol_value(cal->prog, f, cal->measure));
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
    calstats_bands_in_play(st, sch->nbands, in_play);
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
                        const cal_cut *sug, int nsug)
{
    bool pct = step_in_percent(cal->st);
    const rb_loc *where = &cal->measure->decl->loc;
    unsigned line, col;
    source_line_col(where->src, where->begin, &line, &col);
    fprintf(f, "%s (%s:%u) on %s\n", cal->measure->name, where->src->path, line, o->data_path);
    if (o->where)
        fprintf(f, "cohort: %s\n", o->where);
    fprintf(f, "%ld account%s: %ld with a value, %ld na", cal->stats.accounts, cal->stats.accounts == 1 ? "" : "s", cal->stats.nvalues, cal->stats.na);
    if (cal->stats.overflowed)
        fprintf(f, ", %ld overflowed (in the bands, not in the figures)", cal->stats.overflowed);
    fputs("\n\n", f);
    if (cal->stats.nvalues > 0) {
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
        fprintf(f, "  %-*s  %8ld", w, cal->sch->bands[b], cal->stats.band_counts[b]);
        print_share(f, cal->stats.band_counts[b], cal->stats.nvalues + cal->stats.overflowed);
        fprintf(f, "  %s\n", rule);
    }
    if (cal->stats.no_band)
        fprintf(f, "  %-*s  %8ld\n", w, "no band", cal->stats.no_band);
    fprintf(f, "  %-*s  %8ld\n", w, "na", cal->stats.na);
    if (!nsug)
        return;
    fprintf(f, "\nsuggested for %s:\n", o->target);
    for (int k = 0; k < nsug; k++) {
        char buf[64];
        calstats_exact_text(sug[k].limit, pct, buf, sizeof buf);
        fprintf(f, "  %-*s  %8ld", w, cal->sch->bands[sug[k].band], sug[k].accounts);
        print_share(f, sug[k].accounts, cal->stats.nvalues + cal->stats.overflowed_low + cal->stats.overflowed_high);
        fprintf(f, "  %-2s %s\n", op_text(sug[k].op), buf);
    }
}

static void print_json(FILE *f, const calibrate_opts *o, const calibrator *cal, const rb_num *stats, double mean,
                       const cal_cut *sug, int nsug)
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
    fprintf(f, ",\n  \"accounts\": %ld,\n  \"count\": %ld,\n  \"na\": %ld,\n  \"overflowed\": %ld", cal->stats.accounts, cal->stats.nvalues,
            cal->stats.na, cal->stats.overflowed);
    for (int i = 0; i < 5; i++) {
        if (cal->stats.nvalues)
            calstats_number_text(stats[i], buf);
        fprintf(f, ",\n  \"%s\": %s", names[i], cal->stats.nvalues ? buf : "null");
    }
    if (!cal->stats.nvalues)
        snprintf(buf, sizeof buf, "null");
    else
        snprintf(buf, sizeof buf, "%.12g", mean);
    fprintf(f, ",\n  \"mean\": %s,\n  \"bands\": {", buf);
    for (int b = 0; cal->sch && b < cal->sch->nbands; b++) {
        fputs(b ? ", " : "", f);
        json_write_string(f, cal->sch->bands[b]);
        fprintf(f, ": %ld", cal->stats.band_counts[b]);
    }
    if (cal->stats.no_band)
        fprintf(f, ", \"no band\": %ld", cal->stats.no_band);
    fprintf(f, "%s\"na\": %ld},\n  \"suggested\": ", cal->sch ? ", " : "", cal->stats.na);
    if (!nsug) {
        fputs("null\n}\n", f);
        return;
    }
    fputc('[', f);
    for (int k = 0; k < nsug; k++) {
        calstats_number_text(sug[k].limit, buf);
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
        if (cal->st && cal->st->score_bands) {
            fprintf(stderr, "rubric calibrate: --target: '%s' takes its bands from its graded score, not from "
                            "thresholds on its value: move its 'scores ... at' points instead\n", o->measure);
            return EXIT_USAGE;
        }
        if (!parse_target(o->target, cal->sch, cal->st, share, wanted))
            return EXIT_USAGE;
    }
    calstats_init(&cal->stats, cal->sch ? cal->sch->nbands : 0);
    return EXIT_OK;
}

/* After the pass: the figures, the suggestion, and their printing. */
static void conclude(calibrator *cal, const calibrate_opts *o, FILE *f, const rb_num *share, const bool *wanted)
{
    calstats_sort(&cal->stats);
    rb_num stats[5];
    double mean = 0;
    if (cal->stats.nvalues)
        calstats_summary(&cal->stats, stats, &mean);
    cal_cut sug[MAX_BANDS];
    int nsug = 0;
    if (o->target && cal->stats.nvalues)
        nsug = calstats_suggest(&cal->stats, cal->st, share, wanted, sug);
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
        /* What observe reads: the measure's value and the cohort's. */
        int slots[2], n = 0;
        slots[n++] = eval_symbol_slot(cal.prog, cal.measure);
        if (cal.cohort)
            slots[n++] = eval_symbol_slot(cal.prog, cal.cohort);
        const int *kept[1] = {slots};
        status = session_scan(&s, kept, &n, observe, &cal);
        if (status >= 0)
            conclude(&cal, &o, s.out.f, share, wanted);
        status = session_finish(&s, status, status >= 0);
    }
    session_close(&s);
    calstats_free(&cal.stats);
    data_opts_free(&o.data);
    return status;
}
