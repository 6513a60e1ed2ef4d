/* card_html.c - the customer's scorecard: one account on one printable
 * page, for a conversation with the customer (seed 002: where the customer
 * is on the path, how it compares with similar customers, what to focus
 * on next).
 *
 * Everything shown is what scoring decided for the account (the frame
 * eval_account filled) and what next_band_find found by scoring it again:
 * no band is decided here.  Like the report, the page fetches nothing.
 * Bands are written as words beside their color, so that the page reads
 * the same in grey print and to a screen reader; every table has its
 * headers; rows never break across a page. */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "next_band.h"
#include "population.h"
#include "report.h"
#include "status.h"
#include "writer.h"
#include "xalloc.h"

static const char card_style[] =
    ":root{--ink:#1f2933;--muted:#52606d;--rule:#d9e2ec}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;max-width:900px;padding:24px;font:14px/1.4 system-ui,-apple-system,'Segoe UI',"
    "Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#fff;overflow-wrap:break-word}\n"
    "h1{font-size:24px;margin:0 0 2px}\n"
    "h2{font-size:17px;margin:20px 0 6px;border-bottom:1px solid var(--rule);padding-bottom:3px}\n"
    ".policy,.meta,p.note{margin:2px 0;color:var(--muted)}\n"
    ".policy b{color:var(--ink)}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "caption{text-align:left;color:var(--muted);font-size:12px;padding:0 0 4px}\n"
    "th,td{text-align:left;vertical-align:top;padding:3px 8px 3px 0;border-bottom:1px solid var(--rule)}\n"
    "thead th{font-size:12px;color:var(--muted);font-weight:600}\n"
    "tbody th[scope=rowgroup]{padding-top:10px;font-size:14px}\n"
    "td.num{font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.band{white-space:nowrap;font-weight:600}\n"
    ".chip{display:inline-block;width:.8em;height:.8em;margin-right:.35em;border-radius:2px;"
    "vertical-align:-.05em;border:1px solid rgba(0,0,0,.25)}\n"
    ".thr{font-size:12px;color:var(--muted)}\n"
    ".thr .line{white-space:nowrap}\n"
    "table.peers code{overflow-wrap:anywhere}\n"
    "table.summary{width:auto;min-width:50%}\n"
    "footer{margin-top:20px;color:var(--muted);font-size:11px}\n"
    "tr{break-inside:avoid;page-break-inside:avoid}\n"
    "thead{display:table-header-group}\n"
    /* A phone: each measure's cells one under another, the column
     * headers kept for screen readers only. */
    "@media (max-width:600px){body{padding:10px}"
    "table.measures thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    "table.measures tr{display:block;padding:4px 0;border-bottom:1px solid var(--rule)}"
    "table.measures th,table.measures td{display:inline-block;border:0;padding:0 8px 0 0}"
    "table.measures th[scope],table.measures td.thr,table.measures td.next{display:block}}\n"
    "@page{margin:12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10.5px}h1{font-size:19px}"
    "h2{font-size:13.5px;margin:12px 0 4px;break-after:avoid;page-break-after:avoid}"
    "th,td{padding:2px 6px 2px 0}.thr,caption,thead th{font-size:9.5px}footer{margin-top:10px}"
    "tbody th[scope=rowgroup]{font-size:11.5px;padding-top:6px}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    /* A policy of many measures (one that imports another) still prints
     * on one page. */
    "body.dense{font-size:8.5px;line-height:1.2}body.dense h1{font-size:16px}body.dense h2{font-size:12px;margin:6px 0 2px}"
    "body.dense th,body.dense td{padding:0 5px 0 0}body.dense .thr,body.dense caption,body.dense thead th{font-size:8px}"
    "body.dense tbody th[scope=rowgroup]{font-size:9.5px;padding-top:2px}}\n";

/* A name that may break after each underscore, not inside a word. */
static void name_html(FILE *f, const char *name)
{
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "_");
        html_n(f, p, n + (p[n] == '_'));
        p += n + (p[n] == '_');
        if (*p)
            fputs("<wbr>", f);
    }
}

/* A value for people: a number to 3 significant digits (all of its
 * integer part), anything else as run writes it. */
static void people(const rb_value *v, char *buf, size_t cap)
{
    if (v->kind == VK_NUM)
        format_for_people(v->u.num, false, NULL, 0, buf, cap);
    else
        value_format(*v, NULL, buf, cap);
}

/* The band of a banded value as a word after a chip of its color, in a
 * cell that carries the band for tools (data-band; "" for na). */
static void band_cell(FILE *f, const rb_value *v, const scheme *sch)
{
    if (v->kind != VK_BANDED) {
        fputs("<td class=\"band\" data-band=\"\">na</td>", f);
        return;
    }
    if (v->band == BAND_NONE) {
        fprintf(f, "<td class=\"band\" data-band=\"\"><span class=\"chip\" style=\"background:%s\" aria-hidden=\"true\"></span>"
                   "no band</td>",
                no_band_color);
        return;
    }
    const char *name = sch->bands[v->band];
    fputs("<td class=\"band\" data-band=\"", f);
    html(f, name);
    fprintf(f, "\"><span class=\"chip\" style=\"background:%s\" aria-hidden=\"true\"></span>",
            band_color(name, v->band, sch->nbands).hex);
    html(f, name);
    fputs("</td>", f);
}

/* The band lines as they came out for this account: "red < 25%; yellow <
 * 50%; green >= 50%" (a threshold that is an expression, as its value). */
static void thresholds(FILE *f, const step *s, frame *fr)
{
    static const char *const words[] = {[OP_LT] = "<", [OP_LE] = "\xe2\x89\xa4", [OP_GT] = ">", [OP_GE] = "\xe2\x89\xa5"};
    bool pct = step_in_percent(s);
    for (int t = 0; t < s->ntests; t++) {
        const band_test *bt = &s->tests[t];
        fputs(t ? "; <span class=\"line\">" : "<span class=\"line\">", f);
        html(f, s->scheme->bands[bt->band]);
        if (bt->nedges == 0)
            fputs(" otherwise", f);
        for (int e = 0; e < bt->nedges; e++) {
            rb_value lim = bt->fixed[e] ? value_num(bt->fixed_limit[e]) : eval_node(bt->limit[e], fr);
            char buf[64] = "na";
            if (lim.kind == VK_NUM || lim.kind == VK_BANDED)
                format_for_people(lim.u.num, pct, &lim.u.num, 1, buf, sizeof buf);
            fprintf(f, "%s %s ", e ? " and" : "", words[bt->op[e]]);
            html(f, buf);
        }
        fputs("</span>", f);
    }
}

/* What would move the measure to its next better band, as explain's
 * next_band says it, with the numerator it has now. */
static void next_cell(FILE *f, const card_page *c, const step *s)
{
    next_band nb;
    if (!next_band_find(c->prog, c->f, s, &nb)) {
        const rb_value *v = &c->f->slots[s->slot];
        bool best = v->kind == VK_BANDED && v->band != BAND_NONE;
        for (int b = 0; best && b < s->scheme->nbands; b++)
            best = num_cmp(s->band_scores[b], v->score) != 1;
        fprintf(f, "<td class=\"next\">%s</td>", best ? "best band" : "\xe2\x80\x94");
        return;
    }
    const char *band = s->scheme->bands[nb.band], *input = c->prog->pol->inputs[nb.input]->name;
    char now[64];
    value_format(c->f->slots[nb.input], NULL, now, sizeof now);
    fputs("<td class=\"next\" data-band=\"", f);
    html(f, band);
    fputs("\" data-input=\"", f);
    html(f, input);
    fprintf(f, "\" data-value=\"%lld\"><b>", (long long)nb.value);
    html(f, band);
    fputs("</b> at ", f);
    name_html(f, input);
    htmlf(f, " = %lld (now %s)", (long long)nb.value, now);
    fputs("</td>", f);
}

/* A roll-up's score as people read it (83.3: rounded, never across a
 * threshold of its scheme), and exactly for tools. */
static void score_text(const step *s, frame *f, char *shown, char *exact, size_t cap)
{
    const rb_value *v = &f->slots[s->slot];
    if (v->kind == VK_BANDED && v->has_score) {
        /* Rounded as explain rounds a percentage: never onto or across a
         * range of the scheme (74.96 stays 74.96 beside >= 75). */
        rb_num limits[MAX_THRESHOLDS];
        int n = 0;
        for (int t = 0; t < s->ntests; t++)
            for (int e = 0; e < s->tests[t].nedges && n < MAX_THRESHOLDS; e++)
                if (s->tests[t].fixed[e])
                    limits[n++] = s->tests[t].fixed_limit[e];
        format_for_people(v->score, false, limits, n, shown, cap);
        num_format(v->score, exact);
    } else {
        snprintf(shown, cap, "na");
        snprintf(exact, cap, "na");
    }
}

/* One row: a measure with its value, thresholds, band and next band; a
 * group member that is itself a roll-up with its score. */
static void measure_row(FILE *f, const card_page *c, const step *s)
{
    const rb_value *v = &c->f->slots[s->slot];
    const symbol *sym = s->sym;
    fputs(s->kind == STEP_GROUP ? "<tr data-rollup=\"" : "<tr data-measure=\"", f);
    html(f, sym->name);
    fputs("\"><th scope=\"row\">", f);
    name_html(f, sym->name);
    fputs("</th><td class=\"num\">", f);
    char buf[64] = "na", exact[64];
    if (s->kind == STEP_GROUP)
        score_text(s, c->f, buf, exact, sizeof buf);
    else if (v->kind == VK_BANDED)
        step_value_format(s, c->f, v->u.num, buf, sizeof buf);
    html(f, buf);
    if (s->kind == STEP_GROUP && v->kind == VK_BANDED)
        fputs(" (score)", f);
    fputs("</td><td class=\"thr\">", f);
    if (s->kind == STEP_MEASURE)
        thresholds(f, s, c->f);
    fputs("</td>", f);
    band_cell(f, v, sym->scheme);
    if (s->kind == STEP_MEASURE && v->kind == VK_BANDED)
        next_cell(f, c, s);
    else
        fputs("<td class=\"next\">\xe2\x80\x94</td>", f);
    fputs("</tr>\n", f);
}

static const step *step_of_slot(const program *prog, int slot)
{
    for (int i = 0; i < prog->nsteps; i++)
        if (prog->steps[i].slot == slot)
            return &prog->steps[i];
    return NULL;
}

static void summary(FILE *f, const card_page *c)
{
    const program *prog = c->prog;
    int ngroups = 0;
    for (int i = 0; i < prog->nsteps; i++)
        ngroups += prog->steps[i].kind == STEP_GROUP;
    int nfigures = 0;
    for (int i = 0; i < prog->pol->noutputs; i++)
        nfigures += prog->pol->outputs[i]->type != TY_BANDED && prog->pol->outputs[i]->kind != SYM_ACTION;
    if (!ngroups && !nfigures)
        return;
    fputs("<section aria-labelledby=\"summary\">\n<h2 id=\"summary\">Where the account stands</h2>\n", f);
    if (ngroups) {
        fputs("<table class=\"summary\"><caption>Each use case and roll-up: its band and its score, from the "
              "measures below that have a value.</caption>\n<thead><tr><th scope=\"col\">Use case or roll-up</th>"
              "<th scope=\"col\">Band</th><th scope=\"col\">Score</th></tr></thead>\n<tbody>\n",
              f);
        for (int i = 0; i < prog->nsteps; i++) {
            const step *s = &prog->steps[i];
            if (s->kind != STEP_GROUP)
                continue;
            const rb_value *v = &c->f->slots[s->slot];
            char sc[48], exact[48];
            score_text(s, c->f, sc, exact, sizeof sc);
            fputs("<tr data-group=\"", f);
            html(f, s->sym->name);
            fputs("\"><th scope=\"row\">", f);
            name_html(f, s->sym->name);
            fputs("</th>", f);
            band_cell(f, v, s->sym->scheme);
            fprintf(f, "<td class=\"num\" data-score=\"%s\">%s</td></tr>\n", exact, sc);
        }
        fputs("</tbody></table>\n", f);
    }
    if (nfigures) {
        fputs("<table class=\"summary\"><caption>Other figures of the policy.</caption>\n<thead><tr><th scope=\"col\">"
              "Figure</th><th scope=\"col\">Value</th></tr></thead>\n<tbody>\n",
              f);
        for (int i = 0; i < prog->pol->noutputs; i++) {
            const symbol *o = prog->pol->outputs[i];
            if (o->type == TY_BANDED || o->kind == SYM_ACTION)
                continue;
            char buf[128], shown[128];
            const rb_value *v = &c->f->slots[prog->output_slot[i]];
            value_format(*v, NULL, buf, sizeof buf);
            people(v, shown, sizeof shown);
            fputs("<tr data-figure=\"", f);
            html(f, o->name);
            fputs("\"><th scope=\"row\">", f);
            name_html(f, o->name);
            fputs("</th><td class=\"num\" data-value=\"", f);
            html(f, buf);
            fputs("\">", f);
            html(f, shown);
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    fputs("</section>\n", f);
}

static void measures(FILE *f, const card_page *c)
{
    const program *prog = c->prog;
    bool *shown = xcalloc((size_t)prog->nsteps + 1, sizeof *shown);
    int nmeasures = 0;
    for (int i = 0; i < prog->nsteps; i++)
        nmeasures += prog->steps[i].kind == STEP_MEASURE;
    if (!nmeasures) {
        free(shown);
        return;
    }
    fputs("<section aria-labelledby=\"measures\">\n<h2 id=\"measures\">Measures, and what would move each</h2>\n"
          "<table class=\"measures\"><caption>Each measure's value, the thresholds of its bands, its band, and the "
          "smallest count that would put it in a better band, the other figures as they are.</caption>\n"
          "<thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Value</th><th scope=\"col\">Thresholds</th>"
          "<th scope=\"col\">Band</th><th scope=\"col\">Next band</th></tr></thead>\n",
          f);
    for (int i = 0; i < prog->nsteps; i++) {
        const step *g = &prog->steps[i];
        if (g->kind != STEP_GROUP)
            continue;
        const rb_value *gv = &c->f->slots[g->slot];
        char sc[48], exact[48];
        score_text(g, c->f, sc, exact, sizeof sc);
        fputs("<tbody><tr><th scope=\"rowgroup\" colspan=\"5\">", f);
        name_html(f, g->sym->name);
        fputs(": ", f);
        html(f, gv->kind == VK_BANDED && gv->band != BAND_NONE ? g->sym->scheme->bands[gv->band]
                : gv->kind == VK_BANDED                        ? "no band"
                                                               : "na");
        htmlf(f, ", score %s", sc);
        fputs("</th></tr>\n", f);
        for (int j = 0; j < g->nmembers; j++) {
            const step *m = step_of_slot(prog, g->member_slots[j]);
            if (!m || m->kind == STEP_VALUE)
                continue;
            shown[m - prog->steps] = true;
            measure_row(f, c, m);
        }
        fputs("</tbody>\n", f);
    }
    bool any_other = false;
    for (int i = 0; i < prog->nsteps; i++) {
        if (prog->steps[i].kind != STEP_MEASURE || shown[i])
            continue;
        if (!any_other)
            fputs("<tbody><tr><th scope=\"rowgroup\" colspan=\"5\">Other measures</th></tr>\n", f);
        any_other = true;
        measure_row(f, c, &prog->steps[i]);
    }
    if (any_other)
        fputs("</tbody>\n", f);
    fputs("</table>\n</section>\n", f);
    free(shown);
}

/* Whether n, or anything under it, is population value k. */
static bool uses_pop(const enode *n, int k)
{
    if (!n)
        return false;
    if (n->op == N_POP && n->slot == k)
        return true;
    if (uses_pop(n->a, k) || uses_pop(n->b, k) || uses_pop(n->c, k))
        return true;
    if (n->op == N_CALL || n->op == N_COUNT)
        for (int i = 0; i < n->nargs; i++)
            if (uses_pop(n->args[i], k))
                return true;
    return false;
}

/* Where the customer sits among peers: each population value of the
 * policy (a percentile rank, a cohort's median, a top performers' level)
 * as this account sees it, what it came to, from how many accounts of
 * which cohort, and the definitions that use it.  Nothing for a policy
 * without population values. */
static void peers(FILE *f, const card_page *c)
{
    const program *prog = c->prog;
    if (!prog->npops)
        return;
    fputs("<section aria-labelledby=\"peers\">\n<h2 id=\"peers\">Among peers</h2>\n"
          "<table class=\"peers\"><caption>The figures this policy computes over every account of the data (or "
          "of the account's cohort), as this account sees them.</caption>\n<thead><tr><th scope=\"col\">Figure</th>"
          "<th scope=\"col\">Used by</th><th scope=\"col\">Value</th><th scope=\"col\">Among</th></tr></thead>\n"
          "<tbody>\n",
          f);
    for (int k = 0; k < prog->npops; k++) {
        pop_view v;
        if (!population_view(prog, c->f, k, &v))
            continue;
        const rb_loc *loc = &v.call->call->loc;
        fprintf(f, "<tr data-population=\"%d\"><th scope=\"row\"><code>", k);
        html_n(f, loc->src->text + loc->begin, loc->end - loc->begin);
        fputs("</code></th><td>", f);
        int used = 0;
        for (int i = 0; i < prog->nsteps; i++)
            if (uses_pop(prog->steps[i].value, k)) {
                fputs(used++ ? ", " : "", f);
                name_html(f, prog->steps[i].sym->name);
            }
        char val[64], cohort[128];
        people(&v.value, val, sizeof val);
        fputs("</td><td class=\"num\">", f);
        html(f, val);
        fputs("</td><td>", f);
        htmlf(f, "%ld account%s", v.n, v.n == 1 ? "" : "s");
        if (v.cohort.kind != VK_NA) {
            value_format(v.cohort, NULL, cohort, sizeof cohort);
            htmlf(f, " of its cohort, %s", cohort);
        } else if (v.call->node->c) {
            fputs(" (the account has no cohort)", f);
        } else {
            fputs(" of the data", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
}

bool card_write_html(FILE *f, const card_page *c)
{
    const policy *pol = c->prog->pol;
    const char *title = pol->title && pol->title[strspn(pol->title, " \t")] ? pol->title : c->policy_path;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    htmlf(f, "%s \xe2\x80\x94 scorecard \xe2\x80\x94 %s", c->account, title);
    int rows = 0;
    for (int i = 0; i < c->prog->nsteps; i++)
        rows += c->prog->steps[i].kind != STEP_VALUE;
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body class=\"card%s\">\n<header>\n<h1 data-account=\"",
            card_style, rows > 20 ? " dense" : "");
    html(f, c->account);
    fputs("\">Scorecard: ", f);
    html(f, c->account);
    fputs("</h1>\n<p class=\"policy\">Policy <b>", f);
    html(f, title);
    fputs("</b>", f);
    if (pol->version && pol->version[strspn(pol->version, " \t")]) {
        fputs(" version <b>", f);
        html(f, pol->version);
        fputs("</b>", f);
    }
    fputs(" \xc2\xb7 ", f);
    html(f, c->policy_path);
    fputs("</p>\n<p class=\"meta\">", f);
    htmlf(f, "As of %s \xc2\xb7 data %s \xc2\xb7 rubric %s", c->as_of,
          strcmp(c->data_path, "-") == 0 ? "standard input" : c->data_path, RUBRIC_VERSION);
    fputs("</p>\n</header>\n", f);
    summary(f, c);
    measures(f, c);
    peers(f, c);
    fputs("<footer>Made by <code>rubric report --account</code>. A band is written beside its color; na: no value "
          "(missing data, not applicable, or onboarding). Next band: the smallest whole number for the count named "
          "that would put the measure in a band that scores more, everything else as it is.</footer>\n</body>\n</html>\n",
          f);
    return fflush(f) == 0 && !ferror(f);
}
