/* cmd_backtest.c - `rubric backtest POLICY --history H --outcomes FILE
 * --horizon 90d`: what the scores said before the outcomes, per band, as
 * AUC and by score decile (docs/backtest.md).  The gathering is
 * backtest_run.c's, the figures src/report/backtest.c's; here are the
 * options and the printing. */
#include <stdio.h>
#include <string.h>

#include "backtest_run.h"
#include "outfile.h"
#include "scan.h"
#include "writer.h"

typedef enum bt_format { BF_TABLE = BT_TABLE, BF_CSV = BT_CSV, BF_JSON = BT_JSON } bt_format;

typedef struct backtest_opts {
    const char *policy_path, *output_name, *output, *event, *horizon;
    bt_format format;
    bt_source src;
    data_opts data;
} backtest_opts;

static int take(void *ctx, int id, const char *arg)
{
    backtest_opts *o = ctx;
    switch (id) {
    case OPT_HISTORY: o->src.history = arg; return EXIT_OK;
    case OPT_OUTCOMES: o->src.outcomes = arg; return EXIT_OK;
    case OPT_HORIZON: o->horizon = arg; return EXIT_OK;
    case OPT_EVENT: o->event = arg; return EXIT_OK;
    case OPT_RESCORE: o->src.rescore = arg; return EXIT_OK;
    case OPT_OUTPUT_NAME: o->output_name = arg; return EXIT_OK;
    case 'o': o->output = arg; return EXIT_OK;
    case 'f':
        if (strcmp(arg, "table") == 0)
            o->format = BF_TABLE;
        else if (strcmp(arg, "csv") == 0)
            o->format = BF_CSV;
        else if (strcmp(arg, "json") == 0)
            o->format = BF_JSON;
        else
            return usage_error("backtest", "unknown format '%s' (table, csv or json)", arg);
        return EXIT_OK;
    default: {
        int taken = data_opt("backtest", id, arg, &o->data);
        return taken == CLI_NOT_MINE ? EXIT_USAGE : taken;
    }
    }
}

int backtest_source_check(const char *verb, bt_source *src, const char *horizon, const char *event)
{
    if (!src->outcomes)
        return usage_error(verb, "--outcomes FILE is required");
    if (!horizon)
        return usage_error(verb, "--horizon is required (90d, 3m...)");
    if (!bt_horizon_parse(horizon, &src->horizon))
        return usage_error(verb, "--horizon '%s': a number of days or months, as 90d or 3m", horizon);
    if (!src->history && !src->rescore)
        return usage_error(verb, "give the periods: --history FILE (as recorded) or --rescore DIR (exports scored "
                           "again)");
    if (src->history && src->rescore)
        return usage_error(verb, "--history and --rescore both give the periods: choose one");
    src->event = event ? event : "churn";
    if (!outcome_event_valid(src->event, strlen(src->event)))
        return usage_error(verb, "--event '%s': a word (churn, contraction, renewal, expansion...)", src->event);
    return EXIT_OK;
}

/* ---- Printing -----------------------------------------------------------*/

static void json_ratio(FILE *f, const char *key, int64_t p, int64_t q)
{
    char buf[48];
    backtest_ratio_text(p, q, buf);
    fprintf(f, ", \"%s\": %s", key, buf);
}

static void json_score(FILE *f, const char *key, bool has, double v)
{
    char buf[48];
    if (has)
        num_format(num_from_double(v), buf);
    fprintf(f, ", \"%s\": %s", key, has ? buf : "null");
}

/* One output's object; inner: without the output's name, for diff's pair. */
static void print_json(FILE *f, const backtest *bt, const bt_output *o, const bt_source *src, bool inner)
{
    const bt_result *r = &o->res;
    fputs(inner ? "{" : "{\"output\": ", f);
    if (!inner) {
        json_write_string(f, o->sym->name);
        fputs(", ", f);
    }
    fprintf(f, "\"event\": \"%s\", \"horizon\": \"%s\", \"periods\": [", src->event,
            src->horizon.text);
    int left = 0;
    for (int k = 0; k < o->nperiods; k++) {
        const bt_period *per = &o->periods[k];
        fprintf(f, "%s{\"as_of\": \"%s\", \"accounts\": %ld, \"left_out\": ", k ? ", " : "", per->as_of,
                per->accounts);
        if (per->left_out)
            json_write_string(f, per->left_out);
        else
            fputs("null", f);
        fputc('}', f);
        left += per->left_out != NULL;
    }
    fprintf(f, "], \"periods_left_out\": %d, \"accounts\": %ld, \"events\": %ld", left, r->all.accounts,
            r->all.events);
    json_ratio(f, "rate", r->all.events, r->all.accounts);
    fputs(", \"bands\": {", f);
    for (int b = 0; b < r->nbands; b++) {
        fputs(b ? ", " : "", f);
        json_write_string(f, o->sch->bands[b]);
        fprintf(f, ": {\"accounts\": %ld, \"events\": %ld", r->bands[b].accounts, r->bands[b].events);
        json_ratio(f, "rate", r->bands[b].events, r->bands[b].accounts);
        int64_t p, q;
        backtest_lift(r, b, &p, &q);
        json_ratio(f, "lift", p, q);
        fputc('}', f);
    }
    fprintf(f, "}, \"na\": {\"accounts\": %ld, \"events\": %ld}, \"worst_band\": ", r->unbanded.accounts,
            r->unbanded.events);
    json_write_string(f, o->sch->bands[0]);
    json_ratio(f, "precision", r->bands[0].events, r->bands[0].accounts);
    json_ratio(f, "recall", r->bands[0].events, r->all.events);
    json_ratio(f, "auc", r->auc_num, r->auc_den);
    fputs(", \"deciles\": [", f);
    for (int d = 0; d < BT_DECILES; d++) {
        const bt_decile *dc = &r->deciles[d];
        fprintf(f, "%s{\"decile\": %d, \"accounts\": %ld, \"events\": %ld", d ? ", " : "", d + 1, dc->accounts,
                dc->events);
        json_ratio(f, "rate", dc->events, dc->accounts);
        json_score(f, "min_score", dc->accounts > 0, dc->min);
        json_score(f, "max_score", dc->accounts > 0, dc->max);
        fputc('}', f);
    }
    fprintf(f, "], \"outcomes_unscored\": %ld}%s", bt->unscored, inner ? "" : "\n");
}

static void csv_ratio(FILE *f, int64_t p, int64_t q)
{
    char buf[48];
    backtest_ratio_text(p, q, buf);
    fprintf(f, ",%s", q ? buf : "");
}

static void csv_name(FILE *f, const char *s)
{
    csv_cell_fwrite(f, s, strlen(s), true, true);
}

/* The rows of one output, each after prefix (diff's side). */
static void print_csv(FILE *f, const bt_output *o, const char *prefix)
{
    const bt_result *r = &o->res;
    for (int b = 0; b <= r->nbands + 1; b++) {
        const bt_count *c = b < r->nbands ? &r->bands[b] : b == r->nbands ? &r->unbanded : &r->all;
        fputs(prefix, f);
        csv_name(f, o->sym->name);
        fputs(",band,", f);
        csv_name(f, b < r->nbands ? o->sch->bands[b] : b == r->nbands ? "na" : "all");
        fprintf(f, ",%ld,%ld", c->accounts, c->events);
        csv_ratio(f, c->events, c->accounts);
        int64_t p = 0, q = 0;
        if (b < r->nbands)
            backtest_lift(r, b, &p, &q);
        else if (b > r->nbands)
            p = q = 1;
        csv_ratio(f, p, q);
        fputs(",,\n", f);
    }
    for (int d = 0; d < BT_DECILES; d++) {
        const bt_decile *dc = &r->deciles[d];
        fputs(prefix, f);
        csv_name(f, o->sym->name);
        fprintf(f, ",decile,%d,%ld,%ld", d + 1, dc->accounts, dc->events);
        csv_ratio(f, dc->events, dc->accounts);
        fputc(',', f);
        char lo[40] = "", hi[40] = "";
        if (dc->accounts) {
            num_format(num_from_double(dc->min), lo);
            num_format(num_from_double(dc->max), hi);
        }
        fprintf(f, ",%s,%s\n", lo, hi);
    }
    static const char *const what[] = {"precision", "recall", "auc"};
    int64_t p[] = {r->bands[0].events, r->bands[0].events, r->auc_num};
    int64_t q[] = {r->bands[0].accounts, r->all.events, r->auc_den};
    for (int i = 0; i < 3; i++) {
        fputs(prefix, f);
        csv_name(f, o->sym->name);
        fprintf(f, ",%s,", what[i]);
        csv_name(f, i < 2 ? o->sch->bands[0] : "");
        fputs(",,", f);
        csv_ratio(f, p[i], q[i]);
        fputs(",,,\n", f);
    }
}

static void print_table(FILE *f, const bt_output *o, const bt_source *src, rb_date last)
{
    const bt_result *r = &o->res;
    char day[16], a[32], b2[32];
    date_format(last, day);
    int used = 0, left = 0;
    for (int k = 0; k < o->nperiods; k++)
        o->periods[k].left_out ? left++ : used++;
    fprintf(f, "%s: %s within %s, %d period%s", o->sym->name, src->event, src->horizon.text, used,
            used == 1 ? "" : "s");
    for (int k = 0, m = 0; k < o->nperiods; k++)
        if (!o->periods[k].left_out)
            fprintf(f, "%s%s", m++ ? ", " : " (", o->periods[k].as_of);
    fputs(used ? ")" : "", f);
    if (left) {
        fprintf(f, "; left out:");
        for (int k = 0, m = 0; k < o->nperiods; k++)
            if (o->periods[k].left_out)
                fprintf(f, "%s %s", m++ ? "," : "", o->periods[k].as_of);
        fprintf(f, " (outcomes run to %s)", day);
    }
    fputc('\n', f);
    int w = 4;
    for (int b = 0; b < r->nbands; b++)
        if ((int)strlen(o->sch->bands[b]) > w)
            w = (int)strlen(o->sch->bands[b]);
    fprintf(f, "  %-*s  %8s  %6s  %6s  %5s\n", w, "band", "accounts", "events", "rate", "lift");
    for (int b = 0; b <= r->nbands + 1; b++) {
        const bt_count *c = b < r->nbands ? &r->bands[b] : b == r->nbands ? &r->unbanded : &r->all;
        if (b == r->nbands && c->accounts == 0)
            continue;
        backtest_ratio_people(c->events, c->accounts, true, a, sizeof a);
        int64_t p = 0, q = 0;
        if (b < r->nbands)
            backtest_lift(r, b, &p, &q);
        backtest_ratio_people(p, q, false, b2, sizeof b2);
        fprintf(f, "  %-*s  %8ld  %6ld  %6s  %5s\n", w,
                b < r->nbands ? o->sch->bands[b] : b == r->nbands ? "na" : "all", c->accounts, c->events, a,
                b < r->nbands ? b2 : "");
    }
    backtest_ratio_people(r->bands[0].events, r->bands[0].accounts, true, a, sizeof a);
    backtest_ratio_people(r->bands[0].events, r->all.events, true, b2, sizeof b2);
    fprintf(f, "  worst band %s: precision %s, recall %s\n", o->sch->bands[0], a, b2);
    backtest_ratio_people(r->auc_num, r->auc_den, false, a, sizeof a);
    fprintf(f, "  AUC %s (lower score = more risk)\n", a);
    fprintf(f, "  %-6s  %8s  %6s  %6s  %s\n", "decile", "accounts", "events", "rate", "scores");
    for (int d = 0; d < BT_DECILES; d++) {
        const bt_decile *dc = &r->deciles[d];
        if (!dc->accounts)
            continue;
        char lo[40], hi[40];
        backtest_ratio_people(dc->events, dc->accounts, true, a, sizeof a);
        num_format(num_from_double(dc->min), lo);
        num_format(num_from_double(dc->max), hi);
        fprintf(f, "  %-6d  %8ld  %6ld  %6s  %s to %s\n", d + 1, dc->accounts, dc->events, a, lo, hi);
    }
}

void backtest_print(FILE *f, int format, const backtest *bt, const bt_source *src)
{
    if (format == BF_CSV)
        fputs("output,kind,name,accounts,events,rate,lift,min_score,max_score\n", f);
    for (int i = 0; i < bt->nouts; i++) {
        if (format == BF_JSON)
            print_json(f, bt, &bt->outs[i], src, false);
        else if (format == BF_CSV)
            print_csv(f, &bt->outs[i], "");
        else {
            fputs(i ? "\n" : "", f);
            print_table(f, &bt->outs[i], src, bt->last);
        }
    }
}

/* ---- diff --backtest: two side by side ---------------------------------*/

static const bt_output *output_named(const backtest *bt, const char *name)
{
    for (int i = 0; i < bt->nouts; i++)
        if (strcmp(bt->outs[i].sym->name, name) == 0)
            return &bt->outs[i];
    return NULL;
}

static int periods_used(const bt_output *o)
{
    int n = 0;
    for (int k = 0; k < o->nperiods; k++)
        n += o->periods[k].left_out == NULL;
    return n;
}

/* One side's cells of a band row: accounts, events, rate; blank when the
 * side has no such band. */
static void pair_cells(FILE *f, const bt_output *o, const char *band)
{
    const bt_result *r = &o->res;
    const bt_count *c = NULL;
    for (int b = 0; b < r->nbands && !c; b++)
        if (strcmp(o->sch->bands[b], band) == 0)
            c = &r->bands[b];
    if (strcmp(band, "all") == 0)
        c = &r->all;
    if (!c) {
        fprintf(f, "  %8s  %6s  %6s", "", "", "");
        return;
    }
    char a[32];
    backtest_ratio_people(c->events, c->accounts, true, a, sizeof a);
    fprintf(f, "  %8ld  %6ld  %6s", c->accounts, c->events, a);
}

static void pair_table(FILE *f, const bt_output *o, const bt_output *n, const bt_source src[2])
{
    fprintf(f, "%s: %s within %s; OLD %d period%s %s, NEW %d period%s %s\n", n->sym->name,
            src[0].event, src[0].horizon.text, periods_used(o), periods_used(o) == 1 ? "" : "s",
            src[0].rescore ? "scored again" : "as recorded", periods_used(n), periods_used(n) == 1 ? "" : "s",
            src[1].rescore ? "scored again" : "as recorded");
    int w = 4;
    const char *rows[2 * MAX_BANDS + 1];
    int nrows = 0;
    for (int b = 0; b < o->sch->nbands; b++)
        rows[nrows++] = o->sch->bands[b];
    for (int b = 0; b < n->sch->nbands; b++) {
        bool seen = false;
        for (int k = 0; k < nrows && !seen; k++)
            seen = strcmp(rows[k], n->sch->bands[b]) == 0;
        if (!seen)
            rows[nrows++] = n->sch->bands[b];
    }
    rows[nrows++] = "all";
    for (int k = 0; k < nrows; k++)
        if ((int)strlen(rows[k]) > w)
            w = (int)strlen(rows[k]);
    fprintf(f, "  %-*s  %-24s  %s\n", w, "", "OLD", "NEW");
    fprintf(f, "  %-*s  %8s  %6s  %6s  %8s  %6s  %6s\n", w, "band", "accounts", "events", "rate", "accounts", "events",
            "rate");
    for (int k = 0; k < nrows; k++) {
        fprintf(f, "  %-*s", w, rows[k]);
        pair_cells(f, o, rows[k]);
        pair_cells(f, n, rows[k]);
        fputc('\n', f);
    }
    char a[32], b[32], c[32], d[32];
    const bt_result *ro = &o->res, *rn = &n->res;
    backtest_ratio_people(ro->auc_num, ro->auc_den, false, a, sizeof a);
    backtest_ratio_people(rn->auc_num, rn->auc_den, false, b, sizeof b);
    fprintf(f, "  AUC: OLD %s, NEW %s (lower score = more risk)\n", a, b);
    backtest_ratio_people(ro->bands[0].events, ro->bands[0].accounts, true, a, sizeof a);
    backtest_ratio_people(ro->bands[0].events, ro->all.events, true, b, sizeof b);
    backtest_ratio_people(rn->bands[0].events, rn->bands[0].accounts, true, c, sizeof c);
    backtest_ratio_people(rn->bands[0].events, rn->all.events, true, d, sizeof d);
    fprintf(f, "  worst band: OLD %s precision %s, recall %s; NEW %s precision %s, recall %s\n", o->sch->bands[0], a, b,
            n->sch->bands[0], c, d);
}

void backtest_print_pair(FILE *f, int format, const backtest bt[2], const bt_source src[2])
{
    if (format == BF_CSV)
        fputs("side,output,kind,name,accounts,events,rate,lift,min_score,max_score\n", f);
    int shown = 0;
    for (int i = 0; i < bt[1].nouts; i++) {
        const bt_output *n = &bt[1].outs[i], *o = output_named(&bt[0], n->sym->name);
        if (!o)
            continue;
        if (format == BF_JSON) {
            fputs("{\"output\": ", f);
            json_write_string(f, n->sym->name);
            fputs(", \"old\": ", f);
            print_json(f, &bt[0], o, &src[0], true);
            fputs(", \"new\": ", f);
            print_json(f, &bt[1], n, &src[1], true);
            fputs("}\n", f);
        } else if (format == BF_CSV) {
            print_csv(f, o, "old,");
            print_csv(f, n, "new,");
        } else {
            fputs(shown ? "\n" : "", f);
            pair_table(f, o, n, src);
        }
        shown++;
    }
    if (!shown && format == BF_TABLE)
        fputs("OLD and NEW have no measure or group in common\n", f);
}

int cmd_backtest(const verb_def *v, int argc, char **argv)
{
    backtest_opts o;
    memset(&o, 0, sizeof o);
    int first, status = cli_parse(v, argc, argv, take, &o, &first);
    if (status == EXIT_OK)
        status = backtest_source_check("backtest", &o.src, o.horizon, o.event);
    if (status != EXIT_OK) {
        data_opts_free(&o.data);
        return status == CLI_DONE ? EXIT_OK : status;
    }
    o.policy_path = argv[first];
    o.src.data = &o.data;
    const char *inputs[] = {o.policy_path, o.src.outcomes, o.src.history};
    if (refuse_clobber("backtest", "-o", o.output, inputs, o.src.history ? 3 : 2, NULL) != EXIT_OK) {
        data_opts_free(&o.data);
        return EXIT_USAGE;
    }
    diag d;
    diag_init(&d, stderr);
    policy *p = policy_load(o.policy_path, &d);
    backtest bt;
    memset(&bt, 0, sizeof bt);
    status = p ? backtest_run(&bt, "backtest", p, o.output_name, &o.src) : EXIT_USAGE;
    if (status == EXIT_OK) {
        outfile out;
        if (!scan_output_open(&out, o.output, &d)) {
            status = EXIT_USAGE;
        } else {
            backtest_print(out.f, (int)o.format, &bt, &o.src);
            if (!outfile_commit(&out)) {
                outfile_abort(&out);
                fprintf(stderr, "rubric backtest: writing %s failed\n", o.output ? o.output : "standard output");
                status = EXIT_REJECTED;
            }
        }
        if (status == EXIT_OK)
            backtest_say_notes(&bt, "backtest", &o.src);
    }
    backtest_free(&bt);
    policy_free(p);
    data_opts_free(&o.data);
    return status;
}
