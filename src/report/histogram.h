/* histogram.h - one measure's values gathered in one pass for the report's
 * chart, in memory that does not grow with the number of accounts.
 *
 * Values are grouped in cells: one per decimal bucket (the first five
 * significant digits, fewer while the cells would pass HIST_MAX_CELLS), per
 * band as scored, and per
 * region between the measure's constant thresholds.  A cell keeps the
 * exact least and greatest value it holds, so whatever a chart says of a
 * bar's values is what the values were; the region keeps a value on the
 * side of its threshold where its band is, so no bar straddles one.
 *
 * The range the chart shows is chosen after the data is in (histogram_plan):
 * it covers the accounts but a few far outliers, which become a "less" and
 * a "more" bar, and reaches out to the thresholds near the data. */
#ifndef RUBRIC_HISTOGRAM_H
#define RUBRIC_HISTOGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Thresholds: as many as a scheme's lines can have (compile.h's
 * MAX_THRESHOLDS).  Digits: the cells start with five significant digits
 * and drop one each time they pass HIST_MAX_CELLS, down to one cell per
 * power of ten. */
enum { HIST_NO_BAND = -1, HIST_UNKNOWN = -2, HIST_MAX_THRESHOLDS = 202, HIST_MAX_CELLS = 1 << 12, HIST_DIGITS = 5 };

typedef struct hist_cell {
    double min, max;
    long n;
    int32_t bucket;
    int16_t region;
    int16_t band;            /* HIST_NO_BAND for none */
} hist_cell;

typedef struct histogram {
    int nbands;
    int nthr;
    double thr[HIST_MAX_THRESHOLDS];           /* constant thresholds, ascending */
    int region_band[HIST_MAX_THRESHOLDS + 1];  /* band below thr[0], between ..., above the last; HIST_UNKNOWN */
    bool equal_above[HIST_MAX_THRESHOLDS];     /* where region bands are unknown: a value on thr[i] goes above it */
    int digits;              /* significant digits of a bucket, HIST_DIGITS down to 0 */
    hist_cell *cells;        /* open addressing; n == 0 is a free slot */
    size_t cap, used;
    size_t last;             /* the cell the previous value went to */
    long count;              /* finite values */
    long infinite;           /* values overflowed to -inf or inf: shown in the tails */
    long unplaced;           /* not a number (inf - inf, say): counted, not drawn */
    double min, max;         /* of the finite values */
} histogram;

/* thr: the measure's constant thresholds, ascending (at most
 * HIST_MAX_THRESHOLDS are kept).  A value on one is drawn on the side of its
 * band: region_band gives the nthr + 1 regions' bands, or is NULL where
 * other thresholds depend on the account, and then equal_above says, from
 * the threshold's operator, which side (`< t`, `>= t`: above). */
void histogram_init(histogram *h, int nbands, const double *thr, int nthr, const int *region_band, const bool *equal_above);
/* A value and the band it was scored in (HIST_NO_BAND for none). */
void histogram_add(histogram *h, double v, int band);
void histogram_free(histogram *h);

/* Accounts of one band in a bar, and their least and greatest values. */
typedef struct hist_piece {
    int band;
    long n;
    double min, max;
} hist_piece;

/* A bar spans [lo, hi) of the axis; its pieces are pieces[first ..
 * first + npieces), in band order. */
typedef struct hist_bar {
    double lo, hi;
    int first, npieces;
    long n;
} hist_bar;

typedef struct hist_plan {
    double lo, hi;               /* the axis */
    hist_bar *bars;
    int nbars;
    hist_bar less, more;         /* values left and right of the axis */
    hist_piece *pieces;
    int npieces;
    long most;                   /* the tallest bar, tails included */
    bool thr_shown[HIST_MAX_THRESHOLDS];  /* inside the axis */
} hist_plan;

/* Bars about (axis width) / target wide at round numbers, cut at each
 * threshold inside the axis.  Every value is in exactly one bar or tail. */
void histogram_plan(const histogram *h, int target, hist_plan *p);
void hist_plan_free(hist_plan *p);

#endif
