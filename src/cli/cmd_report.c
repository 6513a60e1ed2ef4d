/* cmd_report.c - `rubric report POLICY DATA -o report.html`: one pass over
 * the data gathering band counts, adoption counts and value histograms,
 * then one self-contained HTML page (src/report_html.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backtest_run.h"
#include "cli.h"
#include "date.h"
#include "eval.h"
#include "report.h"
#include "scan.h"
#include "session.h"
#include "xalloc.h"

typedef struct report_opts {
    const char *policy_path, *data_path, *output;
    const char *outcomes, *horizon, *event;   /* the backtest section */
    const char *account;      /* --account: the customer's scorecard */
    data_opts data;
} report_opts;

static int take(void *ctx, int id, const char *arg)
{
    report_opts *o = ctx;
    int taken = data_opt("report", id, arg, &o->data);
    if (taken != CLI_NOT_MINE)
        return taken;
    switch (id) {
    case 'o': o->output = arg; return EXIT_OK;
    case OPT_OUTCOMES: o->outcomes = arg; return EXIT_OK;
    case OPT_HORIZON: o->horizon = arg; return EXIT_OK;
    case OPT_EVENT: o->event = arg; return EXIT_OK;
    case 'a': o->account = arg; return EXIT_OK;
    default: return EXIT_USAGE; /* not in the spec */
    }
}

static int parse_args(const verb_def *v, int argc, char **argv, report_opts *o)
{
    int first, status = cli_parse(v, argc, argv, take, o, &first);
    if (status != EXIT_OK)
        return status;
    o->policy_path = argv[first];
    o->data_path = argv[first + 1];
    if (!o->output && isatty(STDOUT_FILENO))
        return usage_error("report", o->account ? "say where the page goes: -o card.html"
                                                : "say where the page goes: -o report.html");
    if ((o->horizon || o->event) && !o->outcomes)
        return usage_error("report", "--horizon and --event go with --outcomes");
    if (o->outcomes && !o->data.history)
        return usage_error("report", "--outcomes backtests the periods of a score history: give it with --history");
    if (o->account && o->outcomes)
        return usage_error("report", "--account writes one customer's scorecard, which has no backtest: drop --outcomes");
    /* The page is written while the account's values are in the frame the
     * pass scored them in, which only one thread has. */
    if (o->account && o->data.jobs > 1)
        return usage_error("report", "-j %d with --account is not supported: a scorecard reads one account (score "
                                     "with one thread)", o->data.jobs);
    return 0;
}

/* A measure's histogram knows its constant thresholds, and which side of
 * one a value on it is drawn: its band's, where every threshold is a
 * constant and the band of each region between them is known; otherwise
 * the side the threshold's operator puts it (`red < t`: above t). */
static void init_histogram(histogram *h, const step *st, int nbands)
{
    double thr[MAX_THRESHOLDS];
    int n = step_thresholds(st, thr, MAX_THRESHOLDS);
    if (n > HIST_MAX_THRESHOLDS)
        n = HIST_MAX_THRESHOLDS;
    int region_band[HIST_MAX_THRESHOLDS + 1];
    bool known = st->all_fixed, equal_above[HIST_MAX_THRESHOLDS], set[HIST_MAX_THRESHOLDS] = {false};
    for (int r = 0; known && r <= n; r++) {
        double at = n == 0 ? 0
                  : r == 0 ? thr[0] - fmax(fabs(thr[0]), 1)
                  : r == n ? thr[n - 1] + fmax(fabs(thr[n - 1]), 1)
                           : thr[r - 1] * 0.5 + thr[r] * 0.5;
        int b = eval_fixed_band(st, num_from_double(at));
        region_band[r] = b == BAND_NONE ? HIST_NO_BAND : b;
    }
    for (int i = 0; i < n; i++)
        equal_above[i] = true;
    for (int k = 0; k < st->ntests; k++)
        for (int e = 0; e < st->tests[k].nedges; e++) {
            if (!st->tests[k].fixed[e])
                continue;
            double v = num_to_double(st->tests[k].fixed_limit[e]);
            rb_op op = st->tests[k].op[e];
            for (int i = 0; i < n; i++)
                if (thr[i] == v && !set[i]) {
                    set[i] = true;
                    equal_above[i] = op != OP_LE && op != OP_GT;
                }
        }
    histogram_init(h, nbands, thr, n, known ? region_band : NULL, equal_above);
}

/* The `count BAND of (...)` an output is, directly or through names. */
static const expr *counted(const symbol *s)
{
    s = symbol_named(s);
    return s && s->decl && s->decl->value && s->decl->value->kind == EX_COUNT ? s->decl->value : NULL;
}

static void setup(report *r)
{
    const policy *p = r->pol;
    r->measures = xcalloc((size_t)p->noutputs + 1, sizeof *r->measures);
    r->groups = xcalloc((size_t)p->noutputs + 1, sizeof *r->groups);
    r->counts = xcalloc((size_t)p->noutputs + 1, sizeof *r->counts);
    for (int i = 0; i < p->noutputs; i++) {
        const symbol *s = p->outputs[i];
        int slot = r->prog->output_slot[i];
        const expr *count = counted(s);
        if (s->scheme) {
            /* A metric naming a measure is charted as one: only groups roll up. */
            bool rollup = s->kind == SYM_GROUP;
            band_tally *t = rollup ? &r->groups[r->ngroups++] : &r->measures[r->nmeasures++];
            t->sym = s;
            /* A metric naming a measure draws the measure's thresholds. */
            t->st = program_step(r->prog, symbol_named(s));
            t->slot = slot;
            t->counts = xcalloc((size_t)s->scheme->nbands, sizeof *t->counts);
            if (!rollup)
                init_histogram(&t->hist, t->st, s->scheme->nbands);
        } else if (count) {
            count_chart *c = &r->counts[r->ncounts++];
            c->sym = s;
            c->slot = slot;
            c->band = count->u.count.band;
            for (const name_ref *m = count->u.count.members; m; m = m->next)
                c->nmembers++;
            c->members = xcalloc((size_t)c->nmembers + 1, sizeof *c->members);
            int k = 0;
            for (const name_ref *m = count->u.count.members; m; m = m->next)
                c->members[k++] = m->name;
            c->counts = xcalloc((size_t)c->nmembers + 1, sizeof *c->counts);
        }
    }
}

static void tally_band(band_tally *t, rb_value v, bool with_values)
{
    if (v.kind == VK_NA) {
        t->na++;
        return;
    }
    if (v.band == BAND_NONE)
        t->no_band++;
    else
        t->counts[v.band]++;
    if (with_values)
        histogram_add(&t->hist, num_to_double(v.u.num), v.band == BAND_NONE ? HIST_NO_BAND : v.band);
}

static void gather(void *ctx, scan *s, const char *id, size_t idlen)
{
    (void)id;
    (void)idlen;
    report *r = ctx;
    const rb_value *slots = s->frames[0].slots;
    for (int i = 0; i < r->nmeasures; i++)
        tally_band(&r->measures[i], slots[r->measures[i].slot], true);
    for (int i = 0; i < r->ngroups; i++)
        tally_band(&r->groups[i], slots[r->groups[i].slot], false);
    for (int i = 0; i < r->ncounts; i++) {
        count_chart *c = &r->counts[i];
        rb_value v = slots[c->slot];
        int64_t n;
        if (v.kind == VK_NUM && num_is_integer(v.u.num, &n) && n >= 0 && n <= c->nmembers)
            c->counts[n]++;
        else
            c->na++;
    }
}

/* ---- --history: each roll-up period by period ---- */

static band_tally *trend_add(band_trend *t, const char *as_of, bool current)
{
    if (t->nperiods == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->periods = xrealloc(t->periods, (size_t)t->cap * sizeof *t->periods);
        t->labels = xrealloc(t->labels, (size_t)t->cap * sizeof *t->labels);
    }
    band_tally *row = &t->periods[t->nperiods];
    memset(row, 0, sizeof *row);
    row->sym = t->now->sym;
    row->st = t->now->st;
    row->slot = t->now->slot;
    row->counts = xcalloc((size_t)row->sym->scheme->nbands + 1, sizeof *row->counts);
    snprintf(t->labels[t->nperiods], sizeof t->labels[0], current ? "%s (this data)" : "%s", as_of);
    if (current)
        t->current = t->nperiods; /* counted by the pass: fill_current */
    t->nperiods++;
    return row;
}

typedef struct trend_reader {
    report *r;
    bool placed;     /* the data reported has its row, or its period is recorded */
} trend_reader;

/* The data reported stands for its period where that is not recorded:
 * in as_of order, so before the first later period. */
static void place_current(trend_reader *tr, const char *before)
{
    if (tr->placed || (before && strcmp(before, tr->r->as_of) <= 0))
        return;
    for (int w = 0; w < tr->r->ntrends; w++)
        trend_add(&tr->r->trends[w], tr->r->as_of, true);
    tr->placed = true;
}

static void trend_period(void *ctx, const history_period *per, const history_output_bands *outs, int n)
{
    trend_reader *tr = ctx;
    place_current(tr, per->as_of);
    tr->placed |= strcmp(per->as_of, tr->r->as_of) == 0;
    for (int w = 0; w < n; w++) {
        band_trend *t = &tr->r->trends[w];
        if (!outs[w].present) {
            t->unrecorded++;
            continue;
        }
        band_tally *row = trend_add(t, per->as_of, false);
        const scheme *sch = row->sym->scheme;
        for (int c = 0; c < outs[w].n; c++) {
            const history_band_count *hc = &outs[w].cells[c];
            if (hc->na) {
                row->na += hc->count;
                continue;
            }
            if (!hc->band) {
                row->no_band += hc->count;
                continue;
            }
            int b = 0;
            while (b < sch->nbands && strcmp(sch->bands[b], hc->band) != 0)
                b++;
            if (b < sch->nbands)
                row->counts[b] += hc->count;
            else
                row->other += hc->count;
        }
    }
}

/* Reads each roll-up's accounts per band in every recorded period of the
 * policy from the history (the session's when prev() opened it, else
 * opened here to read), a row kept for the data reported where its
 * period is not recorded. */
static int read_trends(report *r, session *s, const char *path)
{
    history *own = NULL, *h = s->hist;
    if (!h && !(h = own = history_open(path, false, &s->d)))
        return EXIT_USAGE;
    r->history_path = path;
    r->ntrends = r->ngroups;
    r->trends = xcalloc((size_t)r->ngroups + 1, sizeof *r->trends);
    const char **names = xcalloc((size_t)r->ngroups + 1, sizeof *names);
    for (int w = 0; w < r->ngroups; w++) {
        r->trends[w].now = &r->groups[w];
        r->trends[w].current = -1;
        names[w] = r->groups[w].sym->name;
    }
    char buf[256];
    trend_reader tr = {r, false};
    long got = history_band_counts(h, history_policy_name(r->pol, buf, sizeof buf), names, r->ngroups, trend_period, &tr,
                                   &s->d);
    if (got >= 0)
        place_current(&tr, NULL);
    /* Labels are set once the rows stop moving. */
    for (int w = 0; w < r->ntrends; w++)
        for (int i = 0; i < r->trends[w].nperiods; i++)
            r->trends[w].periods[i].label = r->trends[w].labels[i];
    free(names);
    history_close(own);
    return got >= 0 ? EXIT_OK : EXIT_USAGE;
}

/* The data reported's row, once the pass has counted it. */
static void fill_current(report *r)
{
    for (int w = 0; w < r->ntrends; w++) {
        band_trend *t = &r->trends[w];
        if (t->current < 0)
            continue;
        band_tally *row = &t->periods[t->current];
        memcpy(row->counts, t->now->counts, (size_t)row->sym->scheme->nbands * sizeof *row->counts);
        row->no_band = t->now->no_band;
        row->na = t->now->na;
    }
}

static void free_report(report *r)
{
    for (int w = 0; w < r->ntrends; w++) {
        for (int i = 0; i < r->trends[w].nperiods; i++)
            free(r->trends[w].periods[i].counts);
        free(r->trends[w].periods);
        free(r->trends[w].labels);
    }
    free(r->trends);
    for (int i = 0; i < r->nmeasures; i++) {
        free(r->measures[i].counts);
        histogram_free(&r->measures[i].hist);
    }
    for (int i = 0; i < r->ngroups; i++)
        free(r->groups[i].counts);
    for (int i = 0; i < r->ncounts; i++) {
        free(r->counts[i].members);
        free(r->counts[i].counts);
    }
    free(r->measures);
    free(r->groups);
    free(r->counts);
}

/* --outcomes: the periods of the history backtested, roll-ups only when
 * the policy has any (as the charts over time), else every measure. */
static int read_backtest(report *r, const report_opts *o, backtest *bt, bt_source *src)
{
    memset(src, 0, sizeof *src);
    src->outcomes = o->outcomes;
    src->history = o->data.history;
    src->data = &o->data;
    int status = backtest_source_check("report", src, o->horizon, o->event);
    if (status == EXIT_OK)
        status = backtest_run(bt, "report", r->pol, NULL, src);
    if (status != EXIT_OK)
        return status;
    r->outcomes_path = o->outcomes;
    r->bt_event = src->event;
    r->bt_horizon = src->horizon.text;
    r->bt_unscored = bt->unscored;
    r->backtests = xcalloc((size_t)bt->nouts + 1, sizeof *r->backtests);
    for (int i = 0; i < bt->nouts; i++) {
        const bt_output *out = &bt->outs[i];
        if (r->ngroups && out->sym->kind != SYM_GROUP)
            continue;
        backtest_view *v = &r->backtests[r->nbacktests++];
        v->sym = out->sym;
        v->res = &out->res;
        for (int k = 0; k < out->nperiods; k++)
            out->periods[k].left_out ? v->left_out++ : v->used++;
    }
    return EXIT_OK;
}

/* ---- --account: one account's scorecard ---- */

typedef struct card_pass {
    card_page page;
    FILE *out;
    int found;                /* the account's records scored */
    bool written;
} card_pass;

/* The account, scored by the same pass as every other: its page is
 * written while its values are in the frame. */
static void card_visit(void *ctx, scan *s, const char *id, size_t idlen)
{
    card_pass *cp = ctx;
    if (idlen != strlen(cp->page.account) || memcmp(id, cp->page.account, idlen) != 0)
        return;
    if (cp->found++ == 0) {
        cp->page.f = &s->frames[0];
        cp->written = card_write_html(cp->out, &cp->page);
    }
}

static int report_card(report_opts *o, session *s)
{
    card_pass cp;
    memset(&cp, 0, sizeof cp);
    char as_of[16];
    date_format(s->progs[0]->params[0].u.date, as_of);
    cp.page.prog = s->progs[0];
    cp.page.account = o->account;
    cp.page.policy_path = o->policy_path;
    cp.page.data_path = o->data_path;
    cp.page.as_of = as_of;
    int status = session_start(s);
    if (status != EXIT_OK)
        return status;
    cp.out = s->out.f;
    status = session_scan(s, NULL, NULL, card_visit, &cp);
    if (status == EXIT_OK && cp.found == 0) {
        /* Nothing to show: no page, and said as a usage error, as a
         * misspelt id on the command line is. */
        outfile_abort(&s->out);
        fprintf(stderr, "rubric report: no account \"%s\" in %s (in column '%s'); no page written\n", o->account,
                strcmp(o->data_path, "-") == 0 ? "standard input" : o->data_path, s->id);
        return EXIT_USAGE;
    }
    return session_finish(s, status, status >= 0 && cp.found > 0 && cp.written);
}

int cmd_report(const verb_def *v, int argc, char **argv)
{
    report_opts o;
    memset(&o, 0, sizeof o);
    int status = parse_args(v, argc, argv, &o);
    if (status != 0) {
        data_opts_free(&o.data);
        return status < 0 ? EXIT_OK : status;
    }
    session s;
    const char *paths[] = {o.policy_path};
    report r;
    memset(&r, 0, sizeof r);
    status = session_open(&s, "report", paths, NULL, 1, NULL, NULL, o.data_path, o.output, &o.data);
    if (status == EXIT_OK && o.account) {
        status = report_card(&o, &s);
        session_close(&s);
        data_opts_free(&o.data);
        return status;
    }
    if (status == EXIT_OK) {
        r.pol = s.pols[0];
        r.prog = s.progs[0];
        r.policy_path = o.policy_path;
        r.data_path = o.data_path;
        date_format(r.prog->params[0].u.date, r.as_of);
        setup(&r);
        status = session_start(&s);
    }
    /* The history is read before the data, so that one that cannot be
     * read stops the report before the pass and writes no page. */
    if (status == EXIT_OK && o.data.history && (status = read_trends(&r, &s, o.data.history)) != EXIT_OK)
        outfile_abort(&s.out);
    backtest bt;
    bt_source src;
    memset(&bt, 0, sizeof bt);
    if (status == EXIT_OK && o.outcomes && (status = read_backtest(&r, &o, &bt, &src)) != EXIT_OK)
        outfile_abort(&s.out);
    if (status == EXIT_OK) {
        /* What gather reads: each chart's slot. */
        int n = 0, *slots = xmalloc(((size_t)r.nmeasures + (size_t)r.ngroups + (size_t)r.ncounts + 1) * sizeof *slots);
        for (int i = 0; i < r.nmeasures; i++)
            slots[n++] = r.measures[i].slot;
        for (int i = 0; i < r.ngroups; i++)
            slots[n++] = r.groups[i].slot;
        for (int i = 0; i < r.ncounts; i++)
            slots[n++] = r.counts[i].slot;
        const int *kept[1] = {slots};
        status = session_scan(&s, kept, &n, gather, &r);
        free(slots);
        r.scored = s.sc.scored;
        r.rejected = s.sc.rejected;
        fill_current(&r);
        status = session_finish(&s, status, status >= 0 && report_write_html(s.out.f, &r));
        if (status == EXIT_OK && o.outcomes)
            backtest_say_notes(&bt, "report", &src);
    }
    session_close(&s);
    backtest_free(&bt);
    free(r.backtests);
    free_report(&r);
    data_opts_free(&o.data);
    return status;
}
