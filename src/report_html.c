/* report_html.c - the report as one HTML page: inline CSS and SVG only.
 *
 * The page must open anywhere, offline, and print: so no script, no web
 * font, no image file, and a Content-Security-Policy that forbids fetching
 * anything at all.  Every chart is a <figure class="chart"> holding one SVG
 * drawn in a fixed coordinate system (viewBox) that CSS scales to the page,
 * and every number a chart shows is also written in it as text. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval.h"
#include "report.h"

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
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:0 20px}\n"
    /* A grid item is as wide as its longest unbreakable word by default, and
     * a policy path in a caption can be one long word. */
    ".grid>*{min-width:0}\n"
    "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;fill:#1f2933}\n"
    "footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
    "@media print{body{max-width:none;padding:0;font-size:12px}"
    "h2{break-after:avoid;page-break-after:avoid}"
    ".grid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Writes text with the five characters HTML treats specially escaped. */
static void html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: putc(*s, f);
        }
    }
}

/* printf, then escaped: for text built from policy names and paths. */
static void htmlf(FILE *f, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    html(f, buf);
}

/* Colors people read as red / yellow / green where the band says so; other
 * names take a step on a red-to-green ramp by their place in the scheme. */
static const char *band_color(const char *name, int index, int nbands)
{
    static const struct { const char *name, *color; } named[] = {
        {"red", "#d64545"}, {"yellow", "#e9b949"}, {"amber", "#e9b949"}, {"orange", "#f0883e"},
        {"green", "#3f9142"}, {"blue", "#4c7bd9"}, {"grey", "#9aa5b1"}, {"gray", "#9aa5b1"},
    };
    static const char *const ramp[] = {"#d64545", "#f0883e", "#e9b949", "#a8c256", "#3f9142"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strcmp(name, named[i].name) == 0)
            return named[i].color;
    if (nbands <= 1)
        return ramp[4];
    return ramp[index * 4 / (nbands - 1)];
}

static const char na_color[] = "#bcccdc", no_band_color[] = "#7b8794";

static void number_label(double v, bool percent, char *buf, size_t cap)
{
    if (percent)
        snprintf(buf, cap, "%.4g%%", v * 100);
    else
        snprintf(buf, cap, "%.4g", v);
}

/* ---- stacked bars: one row per measure or group ---- */

enum { BAR_W = 760, LABEL_W = 210, BAR_X = 220, BAR_LEN = 470, ROW_H = 24, ROW_GAP = 10 };

typedef struct legend_entry {
    const char *name, *color;
} legend_entry;

static int legend_add(legend_entry *l, int n, const char *name, const char *color)
{
    for (int i = 0; i < n; i++)
        if (strcmp(l[i].name, name) == 0)
            return n;
    l[n].name = name;
    l[n].color = color;
    return n + 1;
}

static void segment(FILE *f, double *x, double y, long count, long total, const char *color, const char *what, const char *band)
{
    if (count == 0 || total == 0)
        return;
    double w = (double)BAR_LEN * (double)count / (double)total;
    fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>", *x, y, w, ROW_H, color);
    htmlf(f, "%s: %ld %s (%.1f%%)", what, count, band, 100.0 * (double)count / (double)total);
    fputs("</title></rect>", f);
    if (w >= 8.0 * (double)snprintf(NULL, 0, "%ld", count) + 6)
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\" fill=\"#fff\" style=\"fill:#fff\">%ld</text>",
                *x + w / 2, y + ROW_H / 2.0 + 4, count);
    *x += w;
}

static void stacked_bars(FILE *f, const band_tally *items, int n, const char *title, const char *caption)
{
    legend_entry legend[80];
    int nlegend = 0;
    bool any_no_band = false;
    for (int i = 0; i < n; i++) {
        const scheme *sch = items[i].sym->scheme;
        for (int b = 0; b < sch->nbands && nlegend < 64; b++)
            nlegend = legend_add(legend, nlegend, sch->bands[b], band_color(sch->bands[b], b, sch->nbands));
        any_no_band |= items[i].no_band > 0;
    }
    if (any_no_band)
        nlegend = legend_add(legend, nlegend, "no band", no_band_color);
    nlegend = legend_add(legend, nlegend, "na", na_color);

    int legend_h = 28, h = legend_h + n * (ROW_H + ROW_GAP) + 4;
    fputs("<figure class=\"chart\">\n<svg role=\"img\" viewBox=\"0 0 ", f);
    fprintf(f, "%d %d\" width=\"%d\" height=\"%d\" aria-label=\"", BAR_W, h, BAR_W, h);
    html(f, title);
    fputs("\">\n", f);
    double lx = BAR_X;
    for (int i = 0; i < nlegend; i++) {
        fprintf(f, "<rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx, legend[i].color);
        fprintf(f, "<text x=\"%.1f\" y=\"16.5\" font-size=\"13\">", lx + 16);
        html(f, legend[i].name);
        fputs("</text>", f);
        lx += 16 + 8.0 * (double)strlen(legend[i].name) + 18;
    }
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        const band_tally *t = &items[i];
        const scheme *sch = t->sym->scheme;
        double y = legend_h + i * (ROW_H + ROW_GAP);
        long total = t->na + t->no_band;
        for (int b = 0; b < sch->nbands; b++)
            total += t->counts[b];
        fprintf(f, "<text x=\"%d\" y=\"%.2f\" font-size=\"13\" text-anchor=\"end\">", LABEL_W, y + ROW_H / 2.0 + 4.5);
        html(f, t->sym->name);
        fputs("</text>", f);
        fprintf(f, "<rect x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%d\" fill=\"#f5f7fa\"/>", BAR_X, y, BAR_LEN, ROW_H);
        double x = BAR_X;
        for (int b = 0; b < sch->nbands; b++)
            segment(f, &x, y, t->counts[b], total, band_color(sch->bands[b], b, sch->nbands), t->sym->name, sch->bands[b]);
        segment(f, &x, y, t->no_band, total, no_band_color, t->sym->name, "no band");
        segment(f, &x, y, t->na, total, na_color, t->sym->name, "na");
        fprintf(f, "<text x=\"%d\" y=\"%.2f\" font-size=\"12\" fill=\"#52606d\" style=\"fill:#52606d\">%ld</text>\n",
                BAR_X + BAR_LEN + 8, y + ROW_H / 2.0 + 4, total);
    }
    fputs("</svg>\n<figcaption>", f);
    html(f, caption);
    fputs("</figcaption>\n</figure>\n", f);
}

/* ---- the adoption count chart: accounts per number of green members ---- */

static void count_columns(FILE *f, const count_chart *c)
{
    enum { W = 760, H = 270, TOP = 24, BASE = 220, LEFT = 40 };
    int ncols = c->nmembers + 2; /* 0 .. n, then no data */
    long most = c->na;
    for (int k = 0; k <= c->nmembers; k++)
        if (c->counts[k] > most)
            most = c->counts[k];
    double slot = (double)(W - LEFT - 10) / ncols, bw = slot * 0.62;
    fputs("<figure class=\"chart\">\n<svg role=\"img\" viewBox=\"0 0 ", f);
    fprintf(f, "%d %d\" width=\"%d\" height=\"%d\" aria-label=\"", W, H, W, H);
    htmlf(f, "Accounts by how many of %d are %s", c->nmembers, c->band);
    fputs("\">\n", f);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5b1\"/>\n", LEFT, BASE, W - 10, BASE);
    for (int k = 0; k < ncols; k++) {
        bool nodata = k == ncols - 1;
        long n = nodata ? c->na : c->counts[k];
        double h = most ? (double)(BASE - TOP) * (double)n / (double)most : 0;
        double x = LEFT + k * slot + (slot - bw) / 2;
        /* Darker green the more members are green; no data in grey. */
        static const char *const shades[] = {"#c1e3c2", "#8fcb91", "#5fb063", "#3f9142", "#2b6e2e"};
        const char *fill = nodata ? na_color : shades[c->nmembers ? k * 4 / c->nmembers : 4];
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", x, BASE - h, bw,
                h < 1 && n ? 1.0 : h, fill);
        if (nodata)
            htmlf(f, "%ld account%s with no data (every member na)", n, n == 1 ? "" : "s");
        else
            htmlf(f, "%ld account%s with %d of %d %s", n, n == 1 ? "" : "s", k, c->nmembers, c->band);
        fputs("</title></rect>", f);
        fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"13\" text-anchor=\"middle\">%ld</text>", x + bw / 2, BASE - h - 6, n);
        fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">", x + bw / 2, BASE + 20);
        if (nodata)
            fputs("no data", f);
        else if (k == 0)
            fputs("none", f);
        else
            fprintf(f, "%d", k);
        fputs("</text>\n", f);
    }
    fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#52606d\" style=\"fill:#52606d\">", (W + LEFT) / 2.0, H - 6);
    htmlf(f, "number of %s %s", c->band, c->nmembers == 1 ? "member" : "members");
    fputs("</text>\n</svg>\n<figcaption>", f);
    htmlf(f, "%s: how many accounts have none, 1, 2 \xe2\x80\xa6 %d of ", c->sym->name, c->nmembers);
    for (int k = 0; k < c->nmembers; k++)
        htmlf(f, "%s%s", k ? (k == c->nmembers - 1 ? " and " : ", ") : "", c->members[k]);
    htmlf(f, " %s, and how many have no data (all of them na).", c->band);
    fputs("</figcaption>\n</figure>\n", f);
}

/* ---- histograms of measure values, thresholds drawn on them ---- */

enum { HW = 380, HH = 226, HX0 = 44, HX1 = 370, HY0 = 26, HY1 = 186, TAIL_W = 34, DISPLAY_BARS = 40 };

/* The color of a band as scored (BAND_NONE: no band). */
static const char *band_fill(const band_tally *t, int band)
{
    if (band < 0)
        return no_band_color;
    return band_color(t->sym->scheme->bands[band], band, t->sym->scheme->nbands);
}

/* The color of the band a value at v gets, for regions no value speaks
 * for (the shading, a tail bar); grey where thresholds depend on the
 * account. */
static const char *color_at(const band_tally *t, double v)
{
    int b = eval_fixed_band(t->st, num_from_double(v));
    return b == -2 ? "#7b8794" : band_fill(t, b);
}

typedef struct bar {
    double a, b;
    long n;
    int band;                 /* as scored; HIST_NO_BAND for none */
} bar;

/* What a histogram chart draws: the value range, its bars, and the values
 * left of it (a fixed range's below) and right of it (above, or an
 * adaptive histogram's last 2%) as one bar each. */
typedef struct chart_plan {
    double lo, hi;
    bar bars[2 * HIST_BINS];
    int nbars;
    long less, more;
    double less_at, more_at;  /* the limits the tail bars stand for */
    long most;
} chart_plan;

/* Where v falls between lo and hi, 0 to 1; halved first so that no
 * difference of two finite doubles overflows. */
static double frac_of(double v, double lo, double hi)
{
    double f = (v * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5);
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

static void add_bar(chart_plan *p, double a, double b, long n, int band)
{
    p->bars[p->nbars++] = (bar){a, b, n, band};
    if (n > p->most)
        p->most = n;
}

static bool threshold_at(const double *thr, int nthr, double a, double b)
{
    for (int i = 0; i < nthr; i++)
        if (thr[i] >= a && thr[i] < b)
            return true;
    return false;
}

/* One cell of the chart, [a, b): a bar of its band, or where it holds two
 * (a threshold inside one fine bin), a bar each either side of that
 * threshold, the band of the cell's left edge first: it holds the lower
 * values. */
static void add_cell(chart_plan *p, const step *st, const double *thr, int nthr, double a, double b, const int *band,
                     const long *n)
{
    if (!n[1]) {
        add_bar(p, a, b, n[0], band[0]);
        return;
    }
    int left = eval_fixed_band(st, num_from_double(a));
    int k = left == band[1] ? 1 : 0;
    /* Split at the threshold inside the cell; at its middle if none is. */
    double mid = a * 0.5 + b * 0.5;
    for (int i = 0; i < nthr; i++)
        if (thr[i] > a && thr[i] < b)
            mid = thr[i];
    add_bar(p, a, mid, n[k], band[k]);
    add_bar(p, mid, b, n[1 - k], band[1 - k]);
}

/* Counts n values of band into a cell's (at most two) bands. */
static void cell_count(int *band, long *n, int b, long count)
{
    if (!count)
        return;
    int k = n[0] == 0 || band[0] == b ? 0 : 1;
    if (k == 1 && n[1] && band[1] != b)
        k = 1; /* a third band in one cell: rare, counted with the second */
    if (n[k] == 0)
        band[k] = b;
    n[k] += count;
}

static void plan_chart(const histogram *h, const step *st, const double *thr, int nthr, chart_plan *p)
{
    memset(p, 0, sizeof *p);
    int first = -1, last = -1;
    for (int i = 0; i < h->used; i++)
        if (h->bins[i]) {
            if (first < 0)
                first = i;
            last = i;
        }
    if (h->fixed) {
        p->less = h->below;
        p->more = h->above;
        p->less_at = h->lo;
        p->more_at = h->hi;
    } else if (first >= 0) {
        /* Past the 98th percentile, values are one "more" bar: a long tail
         * would squeeze everything else into a corner. */
        long seen = 0, want = (long)ceil(0.98 * (double)h->count);
        int j = first;
        while (j < last && (seen += h->bins[j]) < want)
            j++;
        for (int i = j + 1; i <= last; i++)
            p->more += h->bins[i];
        last = j;
        p->more_at = histogram_edge(h, j + 1);
    }
    if (first >= 0) {
        p->lo = p->less ? histogram_edge(h, 0) : histogram_edge(h, first);
        p->hi = p->more && h->fixed ? histogram_edge(h, HIST_BINS) : histogram_edge(h, last + 1);
    } else if (nthr) {
        p->lo = p->hi = thr[0];
    }
    if (nthr) {
        p->lo = fmin(p->lo, thr[0]);
        p->hi = fmax(p->hi, thr[nthr - 1]);
    }
    /* Some room around the thresholds and a lone value, so neither sits on
     * the frame. */
    double span = p->hi * 0.5 - p->lo * 0.5;
    double pad = fmax(span * 0.06, fmax(fabs(p->lo), fabs(p->hi)) * 0.02);
    if (!(pad > 0))
        pad = 1;
    if (first < 0 || nthr || last == first) {
        p->lo -= pad;
        p->hi += pad;
    }
    if (!isfinite(p->lo))
        p->lo = -DBL_MAX;
    if (!isfinite(p->hi))
        p->hi = DBL_MAX;
    p->most = p->less > p->more ? p->less : p->more;
    /* Cells about a fortieth of the range wide, a new one starting at each
     * threshold; each bar is colored by the bands its values were scored
     * in, not by where it stands. */
    double max_width = (p->hi * 0.5 - p->lo * 0.5) / (DISPLAY_BARS * 0.5);
    int start = first, band[2] = {HIST_UNSET, HIST_UNSET};
    long n[2] = {0, 0};
    for (int i = first; first >= 0 && i <= last + 1; i++) {
        bool end = i == last + 1;
        if (!end && i > start &&
            (histogram_edge(h, i) - histogram_edge(h, start) >= max_width ||
             threshold_at(thr, nthr, histogram_edge(h, i), histogram_edge(h, i + 1))))
            end = true;
        if (end && i > start) {
            if (n[0] + n[1])
                add_cell(p, st, thr, nthr, histogram_edge(h, start), histogram_edge(h, i), band, n);
            start = i;
            n[0] = n[1] = 0;
        }
        if (i <= last) {
            cell_count(band, n, h->band[i], h->bins[i] - h->other[i]);
            cell_count(band, n, h->other_band[i], h->other[i]);
        }
    }
}

static void tail_bar(FILE *f, const band_tally *t, const chart_plan *p, double x, long n, double at, bool pct, const char *word)
{
    char limit[32];
    number_label(at, pct, limit, sizeof limit);
    double bh = fmax((double)(HY1 - HY0 - 30) * (double)n / (double)p->most, 1);
    fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"%s\" fill-opacity=\"0.7\"><title>", x, HY1 - bh,
            TAIL_W - 10, bh, color_at(t, at));
    htmlf(f, "%ld account%s %s %s", n, n == 1 ? "" : "s", word[0] == 'm' ? "above" : "below", limit);
    fputs("</title></rect>", f);
    fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"middle\">%ld</text>", x + (TAIL_W - 10) / 2.0, HY1 - bh - 3, n);
    fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" fill=\"#52606d\" style=\"fill:#52606d\">%s</text>\n",
            x + (TAIL_W - 10) / 2.0, HY1 + 14, word);
}

static void histogram_chart(FILE *f, const band_tally *t)
{
    const histogram *h = &t->hist;
    bool pct = step_in_percent(t->st);
    double thr[MAX_THRESHOLDS];
    int nthr = step_thresholds(t->st, thr, MAX_THRESHOLDS);
    static chart_plan p; /* large: one per chart, drawn and done */
    plan_chart(h, t->st, thr, nthr, &p);
    int x0 = p.less ? HX0 + TAIL_W : HX0, x1 = p.more ? HX1 - TAIL_W : HX1;
    double most = p.most ? (double)p.most : 1;
#define XPOS(v) (x0 + (double)(x1 - x0) * frac_of((v), p.lo, p.hi))
#define BAR_H(n) ((double)(HY1 - HY0 - 30) * (double)(n) / most)
    fputs("<figure class=\"chart\">\n<svg role=\"img\" viewBox=\"0 0 ", f);
    fprintf(f, "%d %d\" width=\"%d\" height=\"%d\" aria-label=\"", HW, HH, HW, HH);
    htmlf(f, "Histogram of %s", t->sym->name);
    fputs("\">\n", f);
    fprintf(f, "<text x=\"%d\" y=\"15\" font-size=\"14\" font-weight=\"600\">", HX0);
    html(f, t->sym->name);
    fputs("</text>\n", f);
    /* The bands as light regions between thresholds; the midpoint of each
     * region tells its band without caring whether an edge is < or <=. */
    double edges[MAX_THRESHOLDS + 2];
    int nedges = 0;
    edges[nedges++] = p.lo;
    for (int i = 0; i < nthr; i++)
        edges[nedges++] = thr[i];
    edges[nedges++] = p.hi;
    for (int i = 0; i + 1 < nedges; i++) {
        double a = edges[i], b = edges[i + 1];
        fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.13\"/>", XPOS(a), HY0,
                XPOS(b) - XPOS(a), HY1 - HY0, color_at(t, a * 0.5 + b * 0.5));
    }
    fputc('\n', f);
    for (int i = 0; i < p.nbars; i++) {
        const bar *b = &p.bars[i];
        if (!b->n)
            continue;
        double bh = fmax(BAR_H(b->n), 1), xa = XPOS(b->a), w = fmax(XPOS(b->b) - xa - 0.6, 3);
        char from[32], to[32];
        number_label(b->a, pct, from, sizeof from);
        number_label(b->b, pct, to, sizeof to);
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>", xa, HY1 - bh, w, bh,
                band_fill(t, b->band));
        htmlf(f, "%ld account%s from %s to %s, %s", b->n, b->n == 1 ? "" : "s", from, to,
              b->band < 0 ? "no band" : t->sym->scheme->bands[b->band]);
        fputs("</title></rect>", f);
    }
    fputc('\n', f);
    if (p.less)
        tail_bar(f, t, &p, HX0 + 2, p.less, p.less_at, pct, "less");
    if (p.more)
        tail_bar(f, t, &p, HX1 - TAIL_W + 8, p.more, p.more_at, pct, "more");
    /* Threshold labels in two rows, so that close thresholds stay legible. */
    double last_x = -100;
    int row = 0;
    for (int i = 0; i < nthr; i++) {
        char label[32];
        number_label(thr[i], pct, label, sizeof label);
        double x = XPOS(thr[i]);
        row = x - last_x < 30 ? !row : 0;
        last_x = x;
        fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#1f2933\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>",
                x, HY0, x, HY1);
        fprintf(f, "<text x=\"%.2f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n", x, HY0 + 11 + 12 * row, label);
    }
    char a[32], b[32];
    number_label(h->count ? h->min : p.lo, pct, a, sizeof a);
    number_label(h->count ? h->max : p.hi, pct, b, sizeof b);
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa5b1\"/>", HX0, HY1, HX1, HY1);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#52606d\" style=\"fill:#52606d\">min %s</text>", HX0, HY1 + 30, a);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#52606d\" style=\"fill:#52606d\">max %s</text>", HX1, HY1 + 30, b);
    fprintf(f, "<text x=\"%d\" y=\"%.2f\" font-size=\"11\" text-anchor=\"end\" fill=\"#52606d\" style=\"fill:#52606d\">%ld</text>", HX0 - 4, HY1 - BAR_H(most) + 4, p.most);
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#52606d\" style=\"fill:#52606d\">0</text>\n", HX0 - 4, HY1);
    if (!h->count)
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">no account has a value</text>\n", (HX0 + HX1) / 2.0, (HY0 + HY1) / 2);
    fputs("</svg>\n<figcaption>", f);
    const rb_loc *loc = &t->sym->decl->loc;
    unsigned line, col;
    source_line_col(loc->src, loc->begin, &line, &col);
    htmlf(f, "%ld account%s with a value, %ld na. Dashed lines: the thresholds (%s:%u).", h->count, h->count == 1 ? "" : "s", t->na,
          loc->src->path, line);
    fputs("</figcaption>\n</figure>\n", f);
#undef XPOS
#undef BAR_H
}

bool report_write_html(FILE *f, const report *r)
{
    const char *title = r->pol->title ? r->pol->title : r->policy_path;
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
    if (r->pol->version) {
        fputs(" version <b>", f);
        html(f, r->pol->version);
        fputs("</b>", f);
    }
    fputs(" \xc2\xb7 ", f);
    html(f, r->policy_path);
    fputs("</p>\n<p class=\"meta\">", f);
    htmlf(f, "%ld account%s scored from %s", r->scored, r->scored == 1 ? "" : "s", r->data_path);
    if (r->rejected)
        htmlf(f, " (%ld records rejected)", r->rejected);
    htmlf(f, " \xc2\xb7 as of %s \xc2\xb7 rubric %s", r->as_of, RUBRIC_VERSION);
    fputs("</p>\n</header>\n", f);

    if (r->ngroups) {
        fputs("<section>\n<h2>Bands per use case and roll-up</h2>\n<p class=\"note\">Each roll-up of the policy (use cases, categories, the account score): how many accounts are in each band.</p>\n", f);
        stacked_bars(f, r->groups, r->ngroups, "Bands per use case and roll-up",
                     "Accounts per band for each roll-up; the number at the end of a bar is the total.");
        fputs("</section>\n", f);
    }
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
