/* report_html.c - the report as one HTML page: inline CSS and SVG only.
 *
 * The page must open anywhere, offline, and print: so no script, no web
 * font, no image file, and a Content-Security-Policy that forbids fetching
 * anything at all.  Every chart is a <figure class="chart"> holding one SVG
 * drawn in a fixed coordinate system (viewBox) that CSS scales to the page,
 * and every number a chart shows is also written in it as text. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "html.h"
#include "report.h"
#include "report_internal.h"
#include "writer.h"
#include "xalloc.h"

static const char page_style[] =
    ":root{--ink:#1f2933;--muted:#52606d;--rule:#d9e2ec}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;max-width:860px;padding:24px;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#fff;overflow-wrap:anywhere}\n"
    "h1{font-size:26px;margin:0 0 4px}\n"
    "h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid var(--rule);padding-bottom:4px}\n"
    ".policy,.meta{margin:2px 0;color:var(--muted)}\n"
    ".policy b{color:var(--ink)}\n"
    "p.note{color:var(--muted);margin:4px 0 12px}\n"
    "figure.chart{margin:12px 0 20px;break-inside:avoid;page-break-inside:avoid}\n"
    "figure.chart svg{display:block;width:100%;height:auto}\n"
    "figcaption{color:var(--muted);font-size:13px;margin-top:4px}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(360px,100%),1fr));gap:0 20px}\n"
    /* A grid item is as wide as its longest unbreakable word by default, and
     * a policy path in a caption can be one long word. */
    ".grid>*{min-width:0}\n"
    "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;fill:#1f2933}\n"
    "footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
    "@media (max-width:480px){body{padding:12px}}\n"
    "@media print{body{max-width:none;padding:0;font-size:12px}"
    "h2{break-after:avoid;page-break-after:avoid}"
    ".grid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Where v falls between lo and hi, 0 to 1; halved first so that no
 * difference of two finite doubles overflows. */
static double frac_of(double v, double lo, double hi)
{
    double f = (v * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5);
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

/* An axis or threshold label: four digits. */
static void number_label(double v, bool percent, char *buf, size_t cap)
{
    format_significant(v, percent, 4, buf, cap);
}

/* A name cut to at most max characters (UTF-8 aware), with an ellipsis:
 * an SVG text does not wrap, and the full name goes in a tooltip. */
static void svg_name(FILE *f, const char *name, int max)
{
    /* s ends up at the first byte of the (max + 1)-th character. */
    const char *s = name;
    for (int chars = 0; *s && chars < max; chars++)
        do
            s++;
        while (((unsigned char)*s & 0xC0) == 0x80);
    if (!*s) {
        html(f, name);
        return;
    }
    html_n(f, name, (size_t)(s - name));
    fputs("\xe2\x80\xa6<title>", f);
    html(f, name);
    fputs("</title>", f);
}

/* ---- stacked bars: one row per measure or group ---- */

enum { BAR_W = 760, LABEL_W = 210, BAR_X = 220, BAR_LEN = 470, ROW_H = 24, ROW_GAP = 10 };

typedef struct legend_entry {
    const char *name;
    rgb color;
} legend_entry;

static int legend_add(legend_entry *l, int n, const char *name, rgb color)
{
    for (int i = 0; i < n; i++)
        if (strcmp(l[i].name, name) == 0)
            return n;
    l[n].name = name;
    l[n].color = color;
    return n + 1;
}

static void segment(FILE *f, double *x, double y, long count, long total, rgb color, const char *what, const char *band)
{
    if (count == 0 || total == 0)
        return;
    double w = (double)BAR_LEN * (double)count / (double)total;
    fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>", *x, y, w, ROW_H, color.hex);
    htmlf(f, "%s: %ld %s (%.1f%%)", what, count, band, 100.0 * (double)count / (double)total);
    fputs("</title></rect>", f);
    if (w >= 8.0 * (double)snprintf(NULL, 0, "%ld", count) + 6)
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\" fill=\"#fff\" style=\"fill:#fff\">%ld</text>",
                *x + w / 2, y + ROW_H / 2.0 + 4, count);
    *x += w;
}

/* The legend over a set of rows: every band of their schemes, no band if
 * any has it, na; in rows of their own as wide as the chart.  Returns the
 * height it takes. */
static int legend(FILE *f, const band_tally *items, int n, bool draw)
{
    enum { MAX_LEGEND = 80 };
    legend_entry entries[MAX_LEGEND + 3];
    int nentries = 0;
    bool any_no_band = false, any_other = false;
    for (int i = 0; i < n; i++) {
        const scheme *sch = items[i].sym->scheme;
        for (int b = 0; b < sch->nbands && nentries < MAX_LEGEND; b++)
            nentries = legend_add(entries, nentries, sch->bands[b], band_color(sch->bands[b], b, sch->nbands));
        any_no_band |= items[i].no_band > 0;
        any_other |= items[i].other > 0;
    }
    if (any_no_band)
        nentries = legend_add(entries, nentries, "no band", rgb_of(no_band_color));
    if (any_other)
        nentries = legend_add(entries, nentries, "other band", rgb_of(other_color));
    nentries = legend_add(entries, nentries, "na", rgb_of(na_color));
    double lx = BAR_X;
    int row = 0;
    for (int i = 0; i < nentries; i++) {
        size_t chars = strlen(entries[i].name);
        double w = 16 + 7.6 * (double)(chars > 24 ? 25 : chars) + 14;
        if (lx + w > BAR_W && lx > BAR_X) {
            lx = BAR_X;
            row++;
        }
        if (draw) {
            fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx, 6 + 20 * row, entries[i].color.hex);
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\">", lx + 16, 16.5 + 20 * row);
            svg_name(f, entries[i].name, 24);
            fputs("</text>", f);
        }
        lx += w;
    }
    if (draw)
        fputc('\n', f);
    return 28 + 20 * row;
}

/* A figure per 24 rows, so that a printed page can hold each. */
enum { ROWS_PER_FIGURE = 24 };

static void stacked_bars(FILE *f, const band_tally *all, int nall, const char *title, const char *caption)
{
    for (int first = 0; first < nall; first += ROWS_PER_FIGURE) {
        const band_tally *items = all + first;
        int n = nall - first < ROWS_PER_FIGURE ? nall - first : ROWS_PER_FIGURE;
        int legend_h = legend(f, items, n, false), h = legend_h + n * (ROW_H + ROW_GAP) + 4;
        fputs("<figure class=\"chart\">\n<svg role=\"img\" viewBox=\"0 0 ", f);
        fprintf(f, "%d %d\" width=\"%d\" height=\"%d\" aria-label=\"", BAR_W, h, BAR_W, h);
        html(f, title);
        fputs("\">\n", f);
        legend(f, items, n, true);
        for (int i = 0; i < n; i++) {
            const band_tally *t = &items[i];
            const scheme *sch = t->sym->scheme;
            const char *label = t->label ? t->label : t->sym->name;
            double y = legend_h + i * (ROW_H + ROW_GAP);
            long total = t->na + t->no_band + t->other;
            for (int b = 0; b < sch->nbands; b++)
                total += t->counts[b];
            fprintf(f, "<text x=\"%d\" y=\"%.2f\" font-size=\"13\" text-anchor=\"end\">", LABEL_W, y + ROW_H / 2.0 + 4.5);
            svg_name(f, label, 27);
            fputs("</text>", f);
            fprintf(f, "<rect x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%d\" fill=\"#f5f7fa\"/>", BAR_X, y, BAR_LEN, ROW_H);
            double x = BAR_X;
            for (int b = 0; b < sch->nbands; b++)
                segment(f, &x, y, t->counts[b], total, band_color(sch->bands[b], b, sch->nbands), label, sch->bands[b]);
            segment(f, &x, y, t->no_band, total, rgb_of(no_band_color), label, "no band");
            segment(f, &x, y, t->other, total, rgb_of(other_color), label, "other band");
            segment(f, &x, y, t->na, total, rgb_of(na_color), label, "na");
            fprintf(f, "<text x=\"%d\" y=\"%.2f\" font-size=\"12\" fill=\"#52606d\" style=\"fill:#52606d\">%ld</text>\n",
                    BAR_X + BAR_LEN + 8, y + ROW_H / 2.0 + 4, total);
        }
        fputs("</svg>\n<figcaption>", f);
        html(f, caption);
        if (nall > ROWS_PER_FIGURE)
            htmlf(f, " (%d to %d of %d)", first + 1, first + n, nall);
        fputs("</figcaption>\n</figure>\n", f);
    }
}

/* ---- each roll-up period by period, from the score history ---- */

static void trend_chart(FILE *f, const band_trend *t)
{
    const char *name = t->now->sym->name;
    bool other = false;
    for (int i = 0; i < t->nperiods; i++)
        other |= t->periods[i].other > 0;
    char title[300], caption[600];
    snprintf(title, sizeof title, "%s period by period", name);
    int len = snprintf(caption, sizeof caption,
                       "%s: accounts per band in each period recorded for this policy, the earliest first; the "
                       "number at the end of a bar is the period's accounts.", name);
    if (t->current >= 0 && len >= 0 && (size_t)len < sizeof caption)
        len += snprintf(caption + len, sizeof caption - (size_t)len,
                        " The bar marked (this data) is the data of this report, its period not recorded.");
    if (other && len >= 0 && (size_t)len < sizeof caption)
        len += snprintf(caption + len, sizeof caption - (size_t)len,
                        " Other band: a band a period recorded that the policy no longer has.");
    if (t->unrecorded && len >= 0 && (size_t)len < sizeof caption)
        snprintf(caption + len, sizeof caption - (size_t)len, " %d period%s of the policy did not record %s.",
                 t->unrecorded, t->unrecorded == 1 ? "" : "s", name);
    fputs("<h3>", f);
    html(f, name);
    fputs("</h3>\n", f);
    stacked_bars(f, t->periods, t->nperiods, title, caption);
}

/* ---- the adoption count chart: accounts per number of green members ---- */

static void count_columns(FILE *f, const count_chart *c)
{
    enum { W = 760, H = 270, TOP = 24, BASE = 220, LEFT = 40, RIGHT = 10 };
    int ncols = c->nmembers + 2; /* 0 .. n, then no data */
    long most = c->na;
    for (int k = 0; k <= c->nmembers; k++)
        if (c->counts[k] > most)
            most = c->counts[k];
    double slot = (double)(W - LEFT - RIGHT) / ncols, bw = slot * 0.62;
    /* With many members, a label on every few columns only. */
    int every = slot >= 40 ? 1 : (int)ceil(40 / slot);
    rgb full = band_color(c->band, 0, 1);
    fputs("<figure class=\"chart\">\n<svg role=\"img\" viewBox=\"0 0 ", f);
    fprintf(f, "%d %d\" width=\"%d\" height=\"%d\" aria-label=\"", W, H, W, H);
    htmlf(f, "Accounts by how many of %d are %s", c->nmembers, c->band);
    fputs("\">\n", f);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5b1\"/>\n", LEFT, BASE, W - RIGHT, BASE);
    for (int k = 0; k < ncols; k++) {
        bool nodata = k == ncols - 1;
        long n = nodata ? c->na : c->counts[k];
        double h = most ? (double)(BASE - TOP) * (double)n / (double)most : 0;
        double x = LEFT + k * slot + (slot - bw) / 2;
        /* The band's color, paler the fewer members have it; no data grey. */
        rgb fill = nodata ? rgb_of(na_color) : mix("#ffffff", full.hex, 0.3 + 0.7 * (c->nmembers ? (double)k / c->nmembers : 1));
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", x, BASE - h, bw,
                h < 1 && n ? 1.0 : h, fill.hex);
        if (nodata)
            htmlf(f, "%ld account%s with no data (every member na)", n, n == 1 ? "" : "s");
        else
            htmlf(f, "%ld account%s with %d of %d %s", n, n == 1 ? "" : "s", k, c->nmembers, c->band);
        fputs("</title></rect>", f);
        bool labelled = nodata || k % every == 0;
        if (labelled && slot >= 7.5 * (double)snprintf(NULL, 0, "%ld", n))
            fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"13\" text-anchor=\"middle\">%ld</text>", x + bw / 2, BASE - h - 6, n);
        if (labelled) {
            /* "no data" is wider than a narrow column: it ends at the edge. */
            if (nodata && slot < 60)
                fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\">no data", W - 2, BASE + 20);
            else
                fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">", x + bw / 2, BASE + 20);
            if (nodata && slot >= 60)
                fputs("no data", f);
            else if (!nodata && k == 0)
                fputs("none", f);
            else if (!nodata)
                fprintf(f, "%d", k);
            fputs("</text>\n", f);
        }
    }
    fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#52606d\" style=\"fill:#52606d\">", (W + LEFT) / 2.0, H - 6);
    fputs("number of members ", f);
    svg_name(f, c->band, 40);
    fputs("</text>\n</svg>\n<figcaption>", f);
    htmlf(f, "%s: how many accounts have none, 1, 2 \xe2\x80\xa6 %d of ", c->sym->name, c->nmembers);
    for (int k = 0; k < c->nmembers; k++)
        htmlf(f, "%s%s", k ? (k == c->nmembers - 1 ? " and " : ", ") : "", c->members[k]);
    htmlf(f, " %s, and how many have no data (all of them na).", c->band);
    fputs("</figcaption>\n</figure>\n", f);
}

/* ---- histograms of measure values, thresholds drawn on them ---- */

enum { HW = 380, HH = 222, HX0 = 44, HX1 = 370, HY0 = 26, HY1 = 186, TAIL_W = 34, DISPLAY_BARS = 40 };

/* The color of a band as scored (BAND_NONE: no band). */
static rgb band_fill(const band_tally *t, int band)
{
    if (band < 0)
        return rgb_of(no_band_color);
    return band_color(t->sym->scheme->bands[band], band, t->sym->scheme->nbands);
}

/* The color of the band of the region between thresholds v lies in, for
 * the shading, as the histogram was told it (cmd_report.c); grey where
 * thresholds depend on the account. */
static rgb color_at(const band_tally *t, double v)
{
    const histogram *h = &t->hist;
    int r = 0;
    while (r < h->nthr && h->thr[r] < v)
        r++;
    return h->region_band[r] == HIST_UNKNOWN ? rgb_of(no_band_color) : band_fill(t, h->region_band[r]);
}

/* A value for a tooltip: more digits than an axis label. */
static void value_label(double v, bool percent, char *buf, size_t cap)
{
    format_significant(v, percent, 6, buf, cap);
}

/* One bar's pieces stacked from the axis up, one per band, each with its
 * count, band and the values it holds in a tooltip; returns its height. */
static double stack(FILE *f, const band_tally *t, const hist_plan *p, const hist_bar *bar, double x, double w, double unit,
                    bool pct, const char *where)
{
    /* The bar at least a pixel tall; its parts in proportion within it, so
     * that a bar of many bands stays inside the chart. */
    double y = HY1, height = fmax(unit * (double)bar->n, 1);
    for (int k = 0; k < bar->npieces; k++) {
        const hist_piece *pc = &p->pieces[bar->first + k];
        double bh = height * (double)pc->n / (double)bar->n;
        y -= bh;
        char a[40], b[40];
        value_label(pc->min, pct, a, sizeof a);
        value_label(pc->max, pct, b, sizeof b);
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", x, y, w, bh,
                band_fill(t, pc->band).hex);
        htmlf(f, "%ld account%s, %s%s: ", pc->n, pc->n == 1 ? "" : "s", pc->band < 0 ? "no band" : t->sym->scheme->bands[pc->band],
              where);
        if (pc->min == pc->max)
            htmlf(f, "%s %s", pc->n == 1 ? "value" : "all", a);
        else
            htmlf(f, "values from %s to %s", a, b);
        fputs("</title></rect>", f);
    }
    return height;
}

static void tail_bar(FILE *f, const band_tally *t, const hist_plan *p, const hist_bar *bar, double x, double unit, bool pct,
                     bool left)
{
    const char *where = left ? " (left of the chart)" : " (right of the chart)";
    fprintf(f, "<g fill-opacity=\"0.75\">");
    double top = stack(f, t, p, bar, x, TAIL_W - 10, unit, pct, where);
    fputs("</g>", f);
    fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"middle\">%ld</text>", x + (TAIL_W - 10) / 2.0,
            HY1 - top - 3, bar->n);
    fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#52606d\" style=\"fill:#52606d\">%s</text>\n",
            x + (TAIL_W - 10) / 2.0, HY1 + 14, left ? "less" : "more");
}

/* Threshold labels in up to three rows, each in the first row it does
 * not overlap; one that fits nowhere is left to its line's tooltip. */
static void threshold_lines(FILE *f, const histogram *h, const hist_plan *p, int x0, int x1, bool pct)
{
    double row_end[3] = {-1e9, -1e9, -1e9};
    for (int i = 0; i < h->nthr; i++) {
        if (!p->thr_shown[i])
            continue;
        char label[40];
        number_label(h->thr[i], pct, label, sizeof label);
        double x = x0 + (double)(x1 - x0) * frac_of(h->thr[i], p->lo, p->hi);
        double half = 3.3 * (double)strlen(label) + 2;
        fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#1f2933\" stroke-width=\"1.2\" "
                   "stroke-dasharray=\"4 3\"><title>threshold %s</title></line>",
                x, HY0, x, HY1, label);
        for (int row = 0; row < 3; row++)
            if (x - half > row_end[row]) {
                row_end[row] = x + half;
                fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, HY0 + 11 + 12 * row,
                        label);
                break;
            }
        fputc('\n', f);
    }
}

static void histogram_chart(FILE *f, const band_tally *t)
{
    const histogram *h = &t->hist;
    bool pct = step_in_percent(t->st);
    hist_plan p;
    histogram_plan(h, DISPLAY_BARS, &p);
    int x0 = p.less.n ? HX0 + TAIL_W : HX0, x1 = p.more.n ? HX1 - TAIL_W : HX1;
    double unit = (double)(HY1 - HY0 - 36) / (double)(p.most ? p.most : 1);
#define XPOS(v) (x0 + (double)(x1 - x0) * frac_of((v), p.lo, p.hi))
    fputs("<figure class=\"chart\">\n<svg role=\"img\" viewBox=\"0 0 ", f);
    fprintf(f, "%d %d\" width=\"%d\" height=\"%d\" aria-label=\"", HW, HH, HW, HH);
    htmlf(f, "Histogram of %s", t->sym->name);
    fputs("\">\n", f);
    fprintf(f, "<text x=\"%d\" y=\"15\" font-size=\"14\" font-weight=\"600\">", HX0);
    svg_name(f, t->sym->name, 40);
    fputs("</text>\n", f);
    /* The bands as light regions between the thresholds drawn. */
    double edges[HIST_MAX_THRESHOLDS + 2];
    int nedges = 0;
    edges[nedges++] = p.lo;
    for (int i = 0; i < h->nthr; i++)
        if (p.thr_shown[i] && h->thr[i] > p.lo && h->thr[i] < p.hi)
            edges[nedges++] = h->thr[i];
    edges[nedges++] = p.hi;
    for (int i = 0; i + 1 < nedges; i++) {
        double a = edges[i], b = edges[i + 1];
        fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.13\"/>", XPOS(a), HY0,
                XPOS(b) - XPOS(a), HY1 - HY0, color_at(t, a * 0.5 + b * 0.5).hex);
    }
    fputc('\n', f);
    for (int i = 0; i < p.nbars; i++) {
        const hist_bar *b = &p.bars[i];
        if (b->n) {
            double xa = XPOS(b->lo), w = fmax(XPOS(b->hi) - xa - 0.6, 1.5);
            stack(f, t, &p, b, xa, w, unit, pct, "");
        }
    }
    fputc('\n', f);
    if (p.less.n)
        tail_bar(f, t, &p, &p.less, HX0 + 2, unit, pct, true);
    if (p.more.n)
        tail_bar(f, t, &p, &p.more, HX1 - TAIL_W + 8, unit, pct, false);
    threshold_lines(f, h, &p, x0, x1, pct);
    char a[40], b[40];
    number_label(p.lo, pct, a, sizeof a);
    number_label(p.hi, pct, b, sizeof b);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5b1\"/>", HX0, HY1, HX1, HY1);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#52606d\" style=\"fill:#52606d\">%s</text>", x0, HY1 + 28, a);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#52606d\" style=\"fill:#52606d\">%s</text>", x1,
            HY1 + 28, b);
    if (p.most) {
        fprintf(f, "<text x=\"%d\" y=\"%.2f\" font-size=\"11\" text-anchor=\"end\" fill=\"#52606d\" style=\"fill:#52606d\">%ld</text>",
                HX0 - 4, HY1 - unit * (double)p.most + 4, p.most);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#52606d\" style=\"fill:#52606d\">0</text>\n",
                HX0 - 4, HY1);
    } else {
        fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"180\" height=\"22\" fill=\"#fff\"/>", (HX0 + HX1) / 2.0 - 90, HY0 + 40);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">no account has a value</text>\n",
                (HX0 + HX1) / 2.0, HY0 + 56);
    }
    fputs("</svg>\n<figcaption>", f);
    long valued = h->count + h->infinite + h->unplaced;
    htmlf(f, "%ld account%s with a value", valued, valued == 1 ? "" : "s");
    if (h->count) {
        value_label(h->min, pct, a, sizeof a);
        value_label(h->max, pct, b, sizeof b);
        htmlf(f, h->min == h->max ? " (all %s)" : " (from %s to %s)", a, b);
    }
    if (h->infinite)
        htmlf(f, ", %ld of them too large for any number (in the tails)", h->infinite);
    if (h->unplaced)
        htmlf(f, ", %ld of them no number after an overflow (not drawn)", h->unplaced);
    htmlf(f, "; %ld na.", t->na);
    if (p.less.n || p.more.n)
        htmlf(f, " Values far from the rest are counted at the ends.");
    int shown = 0, beyond = 0;
    for (int i = 0; i < h->nthr; i++)
        p.thr_shown[i] ? shown++ : beyond++;
    const rb_loc *loc = &t->sym->decl->loc;
    unsigned line, col;
    source_line_col(loc->src, loc->begin, &line, &col);
    if (shown)
        htmlf(f, " Dashed lines: the thresholds (%s:%u).", loc->src->path, line);
    if (beyond) {
        htmlf(f, " Beyond the chart:");
        for (int i = 0, k = 0; i < h->nthr; i++)
            if (!p.thr_shown[i]) {
                value_label(h->thr[i], pct, a, sizeof a);
                htmlf(f, "%s %s", k++ ? "," : "", a);
            }
        htmlf(f, " (%s:%u).", loc->src->path, line);
    }
    if (!t->st->all_fixed && t->st->kind == STEP_MEASURE)
        htmlf(f, " Thresholds that depend on the account are not drawn; the colors are the bands as scored.");
    fputs("</figcaption>\n</figure>\n", f);
    hist_plan_free(&p);
#undef XPOS
}

bool report_write_html(FILE *f, const report *r)
{
    /* A blank title would leave the page without a heading. */
    const char *title = r->pol->title && r->pol->title[strspn(r->pol->title, " \t")] ? r->pol->title : r->policy_path;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    htmlf(f, "%s \xe2\x80\x94 rubric report", title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", page_style);
    html(f, title);
    fputs("</h1>\n<p class=\"policy\">Policy <b>", f);
    html(f, title);
    fputs("</b>", f);
    if (r->pol->version && r->pol->version[strspn(r->pol->version, " \t")]) {
        fputs(" version <b>", f);
        html(f, r->pol->version);
        fputs("</b>", f);
    }
    fputs(" \xc2\xb7 ", f);
    html(f, r->policy_path);
    fputs("</p>\n<p class=\"meta\">", f);
    htmlf(f, "%ld account%s scored from %s", r->scored, r->scored == 1 ? "" : "s",
          strcmp(r->data_path, "-") == 0 ? "standard input" : r->data_path);
    if (r->rejected)
        htmlf(f, " (%ld record%s rejected)", r->rejected, r->rejected == 1 ? "" : "s");
    htmlf(f, " \xc2\xb7 as of %s \xc2\xb7 rubric %s", r->as_of, RUBRIC_VERSION);
    fputs("</p>\n</header>\n", f);

    if (r->ngroups) {
        fputs("<section>\n<h2>Bands per use case and roll-up</h2>\n<p class=\"note\">Each roll-up of the policy (use cases, categories, the account score): how many accounts are in each band.</p>\n", f);
        stacked_bars(f, r->groups, r->ngroups, "Bands per use case and roll-up",
                     "Accounts per band for each roll-up; the number at the end of a bar is the total.");
        fputs("</section>\n", f);
    }
    if (r->ntrends) {
        fputs("<section>\n<h2>Bands per use case and roll-up, period by period</h2>\n<p class=\"note\">", f);
        htmlf(f, "How many accounts each roll-up had in each band, period by period, from the score history %s.",
              r->history_path);
        fputs("</p>\n", f);
        for (int i = 0; i < r->ntrends; i++)
            trend_chart(f, &r->trends[i]);
        fputs("</section>\n", f);
    }
    if (r->nbacktests)
        report_backtest_html(f, r);
    for (int i = 0; i < r->ncounts; i++) {
        fputs("<section>\n<h2>", f);
        if (i == 0 && strstr(r->counts[i].sym->name, "adoption"))
            fputs("Use case adoption count", f);
        else
            html(f, r->counts[i].sym->name);
        fputs("</h2>\n", f);
        count_columns(f, &r->counts[i]);
        fputs("</section>\n", f);
    }
    if (r->nmeasures) {
        fputs("<section>\n<h2>Bands per measure</h2>\n", f);
        stacked_bars(f, r->measures, r->nmeasures, "Bands per measure",
                     "Accounts per band for each measure; na: no value (missing data, not applicable, or onboarding).");
        fputs("</section>\n<section>\n<h2>Measure values</h2>\n<p class=\"note\">How the values spread, with the thresholds that cut them into bands.</p>\n<div class=\"grid\">\n", f);
        for (int i = 0; i < r->nmeasures; i++)
            histogram_chart(f, &r->measures[i]);
        fputs("</div>\n</section>\n", f);
    }
    if (!r->ngroups && !r->ncounts && !r->nmeasures)
        fputs("<p class=\"note\">This policy has no measure, roll-up or count of bands to chart.</p>\n", f);
    fputs("<footer>Made by <code>rubric report</code>; every chart is drawn from this one file, which fetches nothing.</footer>\n</body>\n</html>\n", f);
    return fflush(f) == 0 && !ferror(f);
}
