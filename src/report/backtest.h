/* backtest.h - what scores said before the outcomes: the figures of
 * `rubric backtest` and of report's backtest section (docs/backtest.md
 * defines each one).
 *
 * An observation is one account scored in one period: its band (index in
 * the output's scheme, bands declared worst first; -1 when the output was
 * na or its value fell in no band), its score, and whether the event
 * followed within the horizon.  Every figure is a ratio of counts, kept as
 * the counts: the caller prints the double nearest each fraction
 * (backtest_ratio). */
#ifndef RUBRIC_BACKTEST_H
#define RUBRIC_BACKTEST_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bt_obs {
    double score;
    int band;
    bool event;
} bt_obs;

typedef struct bt_count {
    long accounts, events;
} bt_count;

enum { BT_DECILES = 10 };

typedef struct bt_decile {
    long accounts, events;
    double min, max;     /* the scores it holds (when accounts > 0) */
} bt_decile;

typedef struct bt_result {
    int nbands;
    bt_count *bands;        /* per band of the scheme */
    bt_count unbanded;      /* na, or a value in no band: left out of the rest */
    bt_count all;           /* the observations with a band */
    /* AUC = auc_num / auc_den: pairs of an event's and a non-event's
     * observation, the event's score lower counted 2, equal 1, over twice
     * the pairs (auc_den 0: no events or no non-events). */
    int64_t auc_num, auc_den;
    bt_decile deciles[BT_DECILES];
} bt_result;

/* The figures of obs[0..n) (sorted in place) for a scheme of nbands bands. */
void backtest_compute(bt_obs *obs, long n, int nbands, bt_result *r);
void backtest_result_free(bt_result *r);

/* The double nearest p/q (q > 0), as the rest of rubric prints numbers:
 * the shortest text that reads back as it; "null" when q is 0.  buf of
 * at least 40 bytes. */
void backtest_ratio_text(int64_t p, int64_t q, char *buf);
/* The same rounded for people: 3 significant digits, times 100 with %
 * when percent; "-" when q is 0. */
void backtest_ratio_people(int64_t p, int64_t q, bool percent, char *buf, int cap);
/* A band's lift over the base rate as a fraction: (k / n) / (K / N). */
void backtest_lift(const bt_result *r, int band, int64_t *p, int64_t *q);

#endif
