/* cmd_report.c - `rubric report POLICY DATA -o report.html`: one pass over
 * the data gathering band counts, adoption counts and value histograms,
 * then one self-contained HTML page (src/report_html.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"
#include "eval.h"
#include "report.h"
#include "scan.h"
#include "session.h"
#include "xalloc.h"

typedef struct report_opts {
    const char *policy_path, *data_path, *output;
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
        return usage_error("report", "say where the page goes: -o report.html");
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

static void free_report(report *r)
{
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
    if (status == EXIT_OK) {
        r.pol = s.pols[0];
        r.prog = s.progs[0];
        r.policy_path = o.policy_path;
        r.data_path = o.data_path;
        date_format(r.prog->params[0].u.date, r.as_of);
        setup(&r);
        status = session_start(&s);
    }
    if (status == EXIT_OK) {
        status = session_scan(&s, gather, &r);
        r.scored = s.sc.scored;
        r.rejected = s.sc.rejected;
        status = session_finish(&s, status, status >= 0 && report_write_html(s.out.f, &r));
    }
    session_close(&s);
    free_report(&r);
    data_opts_free(&o.data);
    return status;
}
