/* backtest_run.h - a backtest's observations gathered: the periods of a
 * score history (or the policy run again on monthly exports, --rescore),
 * each account's band and score joined with the outcomes file.  Shared by
 * `rubric backtest`, `rubric diff --backtest` and `rubric report`'s
 * backtest section; the figures are src/report/backtest.c's. */
#ifndef RUBRIC_BACKTEST_RUN_H
#define RUBRIC_BACKTEST_RUN_H

#include "backtest.h"
#include "cli.h"
#include "outcomes.h"

/* --horizon: days, or months (clamped to the month's end). */
typedef struct bt_horizon {
    int days, months;
    char text[32];
} bt_horizon;

/* "90d", "90 days", "3m", "3 months" (1 to 36500 days, 1 to 1200 months). */
bool bt_horizon_parse(const char *s, bt_horizon *h);

/* Where the observations come from, as the command line says. */
typedef struct bt_source {
    const char *history, *rescore, *outcomes;
    bt_horizon horizon;
    const char *event;       /* the outcome counted: churn unless --event */
    const data_opts *data;   /* --param, --id and how exports are read (rescore) */
} bt_source;

typedef struct bt_period {
    char as_of[16];
    long accounts;           /* the output's accounts in the period */
    const char *left_out;    /* NULL: used; else why not */
} bt_period;

typedef struct bt_output {
    const symbol *sym;
    const scheme *sch;
    bt_obs *obs;
    long n, cap;
    bt_period *periods;
    int nperiods, pcap;
    bt_result res;
    /* The period being read. */
    rb_date after, through;
    bool used;
} bt_output;

typedef struct backtest {
    bt_output *outs;
    int nouts;
    outcomes *oc;
    rb_date last;            /* the outcomes file's last date */
    long unscored;           /* outcome rows of accounts no period scored */
    char *first_unscored;
    int left_out;            /* periods left out, of the first output */
} backtest;

/* Gathers and computes every banded output of p (or the one named
 * output) from src.  verb names the messages.  Returns EXIT_OK, or the
 * exit status after saying why on stderr. */
int backtest_run(backtest *bt, const char *verb, const policy *p, const char *output, const bt_source *src);
void backtest_free(backtest *bt);

/* The outcome rows of accounts never scored, said once on stderr (when
 * any). */
void backtest_say_notes(const backtest *bt, const char *verb, const bt_source *src);

/* cmd_backtest.c: checks --outcomes, --horizon, --event and where the
 * periods come from, filling src (EXIT_OK, or EXIT_USAGE once said); and
 * prints bt as table (0), csv (1) or json (2). */
int backtest_source_check(const char *verb, bt_source *src, const char *horizon, const char *event);
enum { BT_TABLE, BT_CSV, BT_JSON };
void backtest_print(FILE *f, int format, const backtest *bt, const bt_source *src);
/* `diff --backtest`: OLD's and NEW's backtests (bt[0], bt[1], from src[0]
 * and src[1]) side by side, for each output both have, in NEW's order. */
void backtest_print_pair(FILE *f, int format, const backtest bt[2], const bt_source src[2]);

#endif
