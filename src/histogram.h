/* histogram.h - one measure's values binned in one pass, in constant
 * memory, for the report's charts.
 *
 * Where the measure's thresholds are constants, the bins span a range set
 * from them before any value arrives: the outer thresholds are bin edges
 * exactly (a value on a threshold lands on its own side), two spreads of
 * room lie either side, and values beyond are counted as below or above,
 * so that an outlier cannot blur the region the thresholds cut.  Otherwise
 * the bins have one power-of-two width, doubled (neighbours merged) when a
 * value falls outside them.
 *
 * Each bin also keeps the band its values got when scored, so a chart
 * colors what `run` decided rather than guessing from a bin's position; a
 * bin that holds two bands (a middle threshold inside it) keeps both. */
#ifndef RUBRIC_HISTOGRAM_H
#define RUBRIC_HISTOGRAM_H

#include <stdbool.h>
#include <stdint.h>

enum { HIST_BINS = 1000, HIST_NO_BAND = -1, HIST_UNSET = -2 };

typedef struct histogram {
    bool fixed;
    /* fixed: bins [0, cut_a) span [lo, t_lo), [cut_a, cut_b) span
     * [t_lo, t_hi), [cut_b, HIST_BINS) span [t_hi, hi] */
    double lo, t_lo, t_hi, hi;
    int cut_a, cut_b;
    /* adaptive: bin i spans [(origin + i) * width, (origin + i + 1) * width) */
    double origin, width;
    int used;                       /* bins in use */
    long bins[HIST_BINS];           /* values per bin, every band */
    int8_t band[HIST_BINS];         /* the band of the first value in the bin */
    int8_t other_band[HIST_BINS];   /* and of values with another band */
    long other[HIST_BINS];          /* how many of those */
    long below, above;              /* fixed: values outside [lo, hi] */
    long count;                     /* finite values seen */
    double min, max;
} histogram;

void histogram_init(histogram *h);
/* Fixes the range from the constant thresholds lo_threshold <= hi_threshold
 * (the lowest and highest); false, leaving it adaptive, when they give no
 * usable range. */
bool histogram_fix_range(histogram *h, double lo_threshold, double hi_threshold);
/* A value and the band it was scored in (HIST_NO_BAND for none). */
void histogram_add(histogram *h, double v, int band);
/* Where bin i starts; histogram_edge(h, used) is where the last one ends. */
double histogram_edge(const histogram *h, int i);

#endif
