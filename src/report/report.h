/* report.h - what `rubric report` gathers in its one pass over the data,
 * and the writer that turns it into one self-contained HTML page. */
#ifndef RUBRIC_REPORT_H
#define RUBRIC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "backtest.h"
#include "compile.h"
#include "eval.h"
#include "histogram.h"

/* How the accounts fell into the bands of one measure or group. */
typedef struct band_tally {
    const symbol *sym;
    const step *st;
    int slot;
    const char *label;        /* the row's name in a chart; NULL: the symbol's */
    long *counts;             /* per band of the scheme */
    long no_band, na;
    long other;               /* a recorded band the scheme no longer has */
    histogram hist;           /* measures: their values */
} band_tally;

/* A `count BAND of (...)` metric: how many accounts have each count, as in
 * seed 000's use case adoption count chart. */
typedef struct count_chart {
    const symbol *sym;
    const char *band;
    const char **members;
    int nmembers, slot;
    long *counts;             /* 0 .. nmembers */
    long na;
} count_chart;

/* One roll-up period by period, from the score history (--history): a
 * tally per period, as_of ascending, each labelled with its as_of. */
typedef struct band_trend {
    const band_tally *now;    /* the roll-up in the data reported */
    band_tally *periods;
    char (*labels)[32];
    int nperiods, cap;
    int current;              /* the row of the data reported when its period is not recorded, else -1 */
    int unrecorded;           /* periods that did not record the roll-up */
} band_trend;

/* One output's backtest (--outcomes): its figures and how many periods
 * were used and left out. */
typedef struct backtest_view {
    const symbol *sym;
    const bt_result *res;
    int used, left_out;
} backtest_view;

typedef struct report {
    const policy *pol;
    const program *prog;
    const char *policy_path, *data_path;
    char as_of[16];
    long scored, rejected;
    band_tally *measures, *groups;
    int nmeasures, ngroups;
    count_chart *counts;
    int ncounts;
    const char *history_path; /* --history, or NULL */
    band_trend *trends;       /* per group, when history_path */
    int ntrends;
    /* --outcomes: the section "What the scores said before the outcomes". */
    const char *outcomes_path, *bt_event, *bt_horizon;
    backtest_view *backtests;
    int nbacktests;
    long bt_unscored;         /* outcome rows of accounts no period scored */
} report;

/* False when writing failed. */
bool report_write_html(FILE *f, const report *r);

/* One account scored (report --account): the customer's scorecard. */
typedef struct card_page {
    const program *prog;
    frame *f;                 /* the account, as eval_account left it */
    const char *account;
    const char *policy_path, *data_path, *as_of;
} card_page;

/* The scorecard as one printable page; false when writing failed. */
bool card_write_html(FILE *f, const card_page *c);

#endif
