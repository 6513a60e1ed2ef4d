/* backtest_run.c - a backtest's observations from a score history or
 * from monthly exports scored again (backtest_run.h). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backtest_run.h"
#include "history.h"
#include "names.h"
#include "scan.h"
#include "strbuf.h"
#include "xalloc.h"

bool bt_horizon_parse(const char *s, bt_horizon *h)
{
    memset(h, 0, sizeof *h);
    char *end;
    if (!isdigit((unsigned char)*s))
        return false;
    long n = strtol(s, &end, 10);
    while (*end == ' ')
        end++;
    bool days = strcmp(end, "d") == 0 || strcmp(end, "day") == 0 || strcmp(end, "days") == 0;
    bool months = strcmp(end, "m") == 0 || strcmp(end, "month") == 0 || strcmp(end, "months") == 0;
    if ((!days && !months) || n < 1 || n > (days ? 36500 : 1200))
        return false;
    if (days)
        h->days = (int)n;
    else
        h->months = (int)n;
    snprintf(h->text, sizeof h->text, "%ld%s", n, days ? "d" : "m");
    return true;
}

static rb_date horizon_end(const bt_horizon *h, rb_date from)
{
    return h->months ? date_add_months(from, h->months) : from + h->days;
}

/* A period starts for every output: used, or left out and why. */
static void period_start(backtest *bt, bt_output *o, const char *as_of, const bt_source *src, bool recorded)
{
    if (o->nperiods == o->pcap)
        o->periods = xrealloc(o->periods, (size_t)(o->pcap = o->pcap ? 2 * o->pcap : 8) * sizeof *o->periods);
    bt_period *per = &o->periods[o->nperiods++];
    memset(per, 0, sizeof *per);
    snprintf(per->as_of, sizeof per->as_of, "%s", as_of);
    date_parse(as_of, strlen(as_of), &o->after);
    o->through = horizon_end(&src->horizon, o->after);
    per->left_out = !recorded ? "the output was not recorded"
                    : o->through > bt->last ? "its horizon runs past the last outcome" : NULL;
    o->used = per->left_out == NULL;
}

/* One account of the period being read. */
static void observe(backtest *bt, bt_output *o, const char *id, size_t idlen, int band, bool has_score, double score)
{
    bool event = outcomes_hit(bt->oc, id, idlen, o->after, o->through);
    o->periods[o->nperiods - 1].accounts++;
    if (!o->used)
        return;
    if (o->n == o->cap)
        o->obs = xrealloc(o->obs, (size_t)(o->cap = o->cap ? 2 * o->cap : 1024) * sizeof *o->obs);
    o->obs[o->n++] = (bt_obs){has_score ? score : 0, has_score ? band : -1, event};
}

/* ---- From the history --------------------------------------------------*/

typedef struct hist_ctx {
    backtest *bt;
    bt_output *o;
    const bt_source *src;
    char *bad_copy, *bad_as_of;   /* the first band the scheme has not, and its period */
} hist_ctx;

static void hist_row(void *ctx, const history_period *per, const char *id, size_t idlen, const history_value *v)
{
    hist_ctx *h = ctx;
    if (!id) {
        period_start(h->bt, h->o, per->as_of, h->src, v && v->kind == HK_BANDED);
        return;
    }
    if (v->kind != HK_BANDED)
        return;
    int band = -1;
    if (v->band) {
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)v->cell_len, v->cell);
        band = scheme_band_index(h->o->sch, name);
        if (band < 0 && !h->bad_copy) {
            h->bad_copy = xstrdup(name);
            h->bad_as_of = xstrdup(per->as_of);
        }
    }
    observe(h->bt, h->o, id, idlen, band, band >= 0 && v->has_score, v->score);
}

static int from_history(backtest *bt, const char *verb, const policy *p, const bt_source *src)
{
    diag d;
    diag_init(&d, stderr);
    history *h = history_open(src->history, false, &d);
    if (!h)
        return EXIT_USAGE;
    char buf[512];
    const char *name = history_policy_name(p, buf, sizeof buf);
    int status = EXIT_OK;
    long periods = 0;
    for (int i = 0; i < bt->nouts && status == EXIT_OK; i++) {
        hist_ctx c = {bt, &bt->outs[i], src, NULL, NULL};
        periods = history_output_rows(h, name, bt->outs[i].sym->name, hist_row, &c, &d);
        if (periods < 0)
            status = EXIT_USAGE;
        else if (c.bad_copy) {
            fprintf(stderr, "rubric %s: the period %s recorded %s as '%s', a band the policy's %s has not (did its "
                    "bands change? backtest it with --rescore)\n", verb, c.bad_as_of, bt->outs[i].sym->name, c.bad_copy,
                    bt->outs[i].sym->name);
            status = EXIT_USAGE;
        }
        free(c.bad_copy);
        free(c.bad_as_of);
    }
    if (status == EXIT_OK && periods == 0) {
        fprintf(stderr, "rubric %s: the history '%s' has no period of the policy '%s'\n", verb, src->history, name);
        status = EXIT_USAGE;
    }
    history_close(h);
    return status;
}

/* ---- From monthly exports scored again ---------------------------------*/

/* An export's name: YYYY-MM-DD.csv, .json, .ndjson or .jsonl; *as_of gets
 * the date. */
static bool export_name(const char *name, char as_of[16])
{
    rb_date day;
    const char *dot = strchr(name, '.');
    if (!dot || dot - name != 10 || !date_parse(name, 10, &day))
        return false;
    if (strcmp(dot, ".csv") && strcmp(dot, ".json") && strcmp(dot, ".ndjson") && strcmp(dot, ".jsonl"))
        return false;
    memcpy(as_of, name, 10);
    as_of[10] = '\0';
    return true;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct rescore_ctx {
    backtest *bt;
    const program *prog;
} rescore_ctx;

static void rescore_visit(void *ctx, scan *s, const char *id, size_t idlen)
{
    rescore_ctx *r = ctx;
    const rb_value *slots = s->frames[0].slots;
    for (int i = 0; i < r->bt->nouts; i++) {
        bt_output *o = &r->bt->outs[i];
        rb_value v = slots[r->prog->output_slot[o->sym->index]];
        bool banded = v.kind == VK_BANDED && v.band >= 0 && v.has_score;
        observe(r->bt, o, id, idlen, banded ? v.band : -1, banded, banded ? num_to_double(v.score) : 0);
    }
}

static int rescore_one(backtest *bt, const char *verb, const policy *p, const bt_source *src, const char *path,
                       const char *as_of)
{
    diag d;
    diag_init(&d, stderr);
    data_opts o = *src->data;
    o.as_of = as_of;
    program *prog = compile_settings(p, &o, true, &d);
    if (!prog)
        return EXIT_USAGE;
    for (int i = 0; i < bt->nouts; i++)
        period_start(bt, &bt->outs[i], as_of, src, true);
    scan sc;
    memset(&sc, 0, sizeof sc);
    const program *progs[1] = {prog};
    int status = EXIT_OK;
    if (!scan_open(&sc, &d, path, &o.read, o.tables, o.ntables, data_id_field(&o, p), progs, NULL, 1, false, false))
        status = sc.usage ? EXIT_USAGE : EXIT_REJECTED;
    rescore_ctx rc = {bt, prog};
    if (status == EXIT_OK) {
        /* Population values are over the period's own accounts. */
        int st = prog->npops && !scan_population(&sc) ? SCAN_BROKEN : scan_all(&sc, rescore_visit, &rc);
        if (st != EXIT_OK) {
            fprintf(stderr, "rubric %s: --rescore: '%s' could not be scored whole; nothing is reported\n", verb, path);
            status = EXIT_REJECTED;
        }
    }
    scan_close(&sc);
    program_free(prog);
    return status;
}

static int from_exports(backtest *bt, const char *verb, const policy *p, const bt_source *src)
{
    if (p->nprevs) {
        fprintf(stderr, "rubric %s: --rescore: the policy reads prev(); scoring exports again gives it no previous "
                "period: backtest it from the history instead\n", verb);
        return EXIT_USAGE;
    }
    DIR *dir = opendir(src->rescore);
    if (!dir) {
        fprintf(stderr, "rubric %s: --rescore: cannot read the folder '%s'\n", verb, src->rescore);
        return EXIT_USAGE;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int status = EXIT_OK;
    struct dirent *e;
    while ((e = readdir(dir))) {
        char as_of[16];
        if (e->d_name[0] == '.')
            continue;
        if (!export_name(e->d_name, as_of)) {
            fprintf(stderr, "rubric %s: --rescore: '%s/%s' is not named as a period's export (YYYY-MM-DD.csv, "
                    ".json, .ndjson or .jsonl)\n", verb, src->rescore, e->d_name);
            status = EXIT_USAGE;
            continue;
        }
        if (n == cap)
            names = xrealloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 1; i < n && status == EXIT_OK; i++)
        if (strncmp(names[i - 1], names[i], 10) == 0) {
            fprintf(stderr, "rubric %s: --rescore: two exports of %.10s in '%s': %s and %s\n", verb, names[i],
                    src->rescore, names[i - 1], names[i]);
            status = EXIT_USAGE;
        }
    if (status == EXIT_OK && n == 0) {
        fprintf(stderr, "rubric %s: --rescore: '%s' holds no export (YYYY-MM-DD.csv ...)\n", verb, src->rescore);
        status = EXIT_USAGE;
    }
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        char as_of[16], *path = xmalloc(strlen(src->rescore) + strlen(names[i]) + 2);
        sprintf(path, "%s/%s", src->rescore, names[i]);
        export_name(names[i], as_of);
        status = rescore_one(bt, verb, p, src, path, as_of);
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return status;
}

/* ---- Both ---------------------------------------------------------------*/

static bool pick_outputs(backtest *bt, const char *verb, const policy *p, const char *output)
{
    bt->outs = xcalloc((size_t)p->noutputs + 1, sizeof *bt->outs);
    for (int i = 0; i < p->noutputs; i++) {
        const symbol *s = p->outputs[i];
        if (output ? strcmp(s->name, output) == 0 : s->scheme != NULL)
            bt->outs[bt->nouts++].sym = s;
    }
    if (output && bt->nouts == 1 && !bt->outs[0].sym->scheme) {
        fprintf(stderr, "rubric %s: --output %s has no bands; a backtest takes a measure or a group\n", verb, output);
        return false;
    }
    if (output && bt->nouts == 0) {
        const char *near = closest_symbol(output, p->outputs, p->noutputs);
        fprintf(stderr, "rubric %s: no output '%s'%s%s%s\n", verb, output, near ? " (did you mean '" : "",
                near ? near : "", near ? "'?)" : "");
        return false;
    }
    if (bt->nouts == 0) {
        fprintf(stderr, "rubric %s: the policy has no measure or group to backtest\n", verb);
        return false;
    }
    for (int i = 0; i < bt->nouts; i++)
        bt->outs[i].sch = bt->outs[i].sym->scheme;
    return true;
}

int backtest_run(backtest *bt, const char *verb, const policy *p, const char *output, const bt_source *src)
{
    memset(bt, 0, sizeof *bt);
    if (!pick_outputs(bt, verb, p, output))
        return EXIT_USAGE;
    diag d;
    diag_init(&d, stderr);
    read_opts ro = {0};
    if (!(bt->oc = outcomes_load(src->outcomes, &ro, src->event, &d)))
        return EXIT_USAGE;
    if (!outcomes_last(bt->oc, &bt->last)) {
        fprintf(stderr, "rubric %s: '%s' holds no outcome: every period would be left out\n", verb, src->outcomes);
        return EXIT_USAGE;
    }
    int status = src->rescore ? from_exports(bt, verb, p, src) : from_history(bt, verb, p, src);
    if (status != EXIT_OK)
        return status;
    for (int i = 0; i < bt->nouts; i++) {
        bt_output *o = &bt->outs[i];
        backtest_compute(o->obs, o->n, o->sch->nbands, &o->res);
    }
    for (int k = 0; k < bt->outs[0].nperiods; k++)
        bt->left_out += bt->outs[0].periods[k].left_out != NULL;
    const char *first;
    size_t len;
    bt->unscored = outcomes_unscored(bt->oc, &first, &len);
    if (first) {
        bt->first_unscored = xmalloc(len + 1);
        memcpy(bt->first_unscored, first, len);
        bt->first_unscored[len] = '\0';
    }
    return EXIT_OK;
}

void backtest_say_notes(const backtest *bt, const char *verb, const bt_source *src)
{
    /* An event no row has is most often a spelling the file does not use
     * (Churn, churned): every rate would be 0, so the file's are listed. */
    const char *const *names;
    const long *rows;
    int nevents = outcomes_events(bt->oc, &names, &rows);
    if (outcomes_count(bt->oc) == 0 && nevents) {
        strbuf have = {0};
        for (int i = 0; i < nevents; i++)
            strbuf_addf(&have, "%s%s (%ld)", i ? ", " : "", names[i], rows[i]);
        const char *near = closest_name(src->event, names, nevents);
        fprintf(stderr, "rubric %s: no row of '%s' has the event '%s' (its events: %s)%s%s%s\n", verb, src->outcomes,
                src->event, have.s, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        strbuf_free(&have);
    }
    for (int i = 0; i < nevents; i++)
        if (strcmp(names[i], src->event) != 0 && strcasecmp(names[i], src->event) == 0)
            fprintf(stderr, "rubric %s: %ld row%s of '%s' ha%s the event '%s', not counted as '%s' (events are matched "
                    "exactly)\n", verb, rows[i], rows[i] == 1 ? "" : "s", src->outcomes, rows[i] == 1 ? "s" : "ve",
                    names[i], src->event);
    long line, of, dups = outcomes_duplicates(bt->oc, &line, &of);
    if (dups)
        fprintf(stderr, "rubric %s: %s: %ld row%s repeat%s an earlier row's account, event and date (the first: line "
                "%ld, as line %ld): each event counted once\n", verb, src->outcomes, dups, dups == 1 ? "" : "s",
                dups == 1 ? "s" : "", line, of);
    if (bt->unscored)
        fprintf(stderr, "rubric %s: %ld %s row%s of '%s' for accounts no period scored (the first: '%s'): in no "
                "figure\n", verb, bt->unscored, src->event, bt->unscored == 1 ? "" : "s", src->outcomes,
                bt->first_unscored);
}

void backtest_free(backtest *bt)
{
    for (int i = 0; i < bt->nouts; i++) {
        free(bt->outs[i].obs);
        free(bt->outs[i].periods);
        backtest_result_free(&bt->outs[i].res);
    }
    free(bt->outs);
    outcomes_free(bt->oc);
    free(bt->first_unscored);
    memset(bt, 0, sizeof *bt);
}
