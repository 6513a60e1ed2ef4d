/* backtest_html.c - the report's backtest section (--outcomes): per
 * output, the event rate of each band as a bar, the base rate's bar
 * last, every figure also written as text. */
#include <string.h>

#include "report_internal.h"
#include "writer.h"

enum { W = 760, LABEL_X = 120, BAR_X = 130, BAR_LEN = 380, ROW_H = 22, ROW_GAP = 8, TOP = 6 };

static void rate_row(FILE *f, int row, const char *label, long events, long accounts, double max, const char *color,
                     const char *lift)
{
    double y = TOP + row * (ROW_H + ROW_GAP);
    char rate[32];
    backtest_ratio_people(events, accounts, true, rate, sizeof rate);
    fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"13\" text-anchor=\"end\">", LABEL_X, y + ROW_H / 2.0 + 4.5);
    html(f, label);
    fputs("</text>", f);
    fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f5f7fa\"/>", BAR_X, y, BAR_LEN, ROW_H);
    double w = accounts && max > 0 ? BAR_LEN * ((double)events / (double)accounts) / max : 0;
    if (w > 0) {
        fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>", BAR_X, y, w, ROW_H,
                color);
        htmlf(f, "%s: %ld of %ld accounts had the event (%s)", label, events, accounts, rate);
        fputs("</title></rect>", f);
    }
    fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" fill=\"#52606d\" style=\"fill:#52606d\">", BAR_X + BAR_LEN + 8,
            y + ROW_H / 2.0 + 4);
    htmlf(f, "%s \xc2\xb7 %ld of %ld%s%s", rate, events, accounts, lift ? " \xc2\xb7 lift " : "", lift ? lift : "");
    fputs("</text>\n", f);
}

static void output_chart(FILE *f, const report *r, const backtest_view *v)
{
    const bt_result *res = v->res;
    const scheme *sch = v->sym->scheme;
    double max = 0;
    for (int b = 0; b < res->nbands; b++)
        if (res->bands[b].accounts && (double)res->bands[b].events / (double)res->bands[b].accounts > max)
            max = (double)res->bands[b].events / (double)res->bands[b].accounts;
    int h = TOP * 2 + (res->nbands + 1) * (ROW_H + ROW_GAP);
    fprintf(f, "<figure class=\"chart\">\n<svg role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
            "aria-label=\"", W, h, W, h);
    htmlf(f, "%s: %s rate per band", v->sym->name, r->bt_event);
    fputs("\">\n", f);
    for (int b = 0; b < res->nbands; b++) {
        int64_t p, q;
        char lift[32];
        backtest_lift(res, b, &p, &q);
        backtest_ratio_people(p, q, false, lift, sizeof lift);
        rate_row(f, b, sch->bands[b], res->bands[b].events, res->bands[b].accounts, max,
                 band_color(sch->bands[b], b, sch->nbands).hex, lift);
    }
    rate_row(f, res->nbands, "all", res->all.events, res->all.accounts, max, "#52606d", NULL);
    fputs("</svg>\n<figcaption>", f);
    char auc[32], precision[32], recall[32];
    backtest_ratio_people(res->auc_num, res->auc_den, false, auc, sizeof auc);
    backtest_ratio_people(res->bands[0].events, res->bands[0].accounts, true, precision, sizeof precision);
    backtest_ratio_people(res->bands[0].events, res->all.events, true, recall, sizeof recall);
    htmlf(f, "%s: the share of accounts in each band that had %s within %s of a period (%d period%s", v->sym->name,
          r->bt_event, r->bt_horizon, v->used, v->used == 1 ? "" : "s");
    if (v->left_out)
        htmlf(f, "; %d left out, their horizon past the last outcome", v->left_out);
    htmlf(f, "). AUC %s (lower score = more risk); worst band %s: precision %s, recall %s.", auc, sch->bands[0],
          precision, recall);
    if (res->unbanded.accounts)
        htmlf(f, " %ld na account-period%s left out.", res->unbanded.accounts, res->unbanded.accounts == 1 ? "" : "s");
    fputs("</figcaption>\n</figure>\n", f);
}

void report_backtest_html(FILE *f, const report *r)
{
    fputs("<section>\n<h2>What the scores said before the outcomes</h2>\n<p class=\"note\">", f);
    htmlf(f, "Each period of the score history %s joined with the outcomes in %s: an account scored at a period counts "
          "when it had %s within %s after it.", r->history_path, r->outcomes_path, r->bt_event, r->bt_horizon);
    if (r->bt_unscored)
        htmlf(f, " %ld %s row%s of the outcomes for accounts no period scored: in no figure.", r->bt_unscored, r->bt_event,
              r->bt_unscored == 1 ? "" : "s");
    fputs("</p>\n", f);
    for (int i = 0; i < r->nbacktests; i++)
        output_chart(f, r, &r->backtests[i]);
    fputs("</section>\n", f);
}
