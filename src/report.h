/* report.h - what `rubric report` gathers in its one pass over the data,
 * and the writer that turns it into one self-contained HTML page. */
#ifndef RUBRIC_REPORT_H
#define RUBRIC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "compile.h"

enum { HIST_BINS = 1000 };

/* A histogram built in one pass, in constant memory.  Where a measure's
 * thresholds are constants, the bins span a range set from them before any
 * value arrives (the two outer thresholds sit on bin edges, with room either
 * side), and values beyond it are counted as below or above: an outlier
 * cannot blur the region the thresholds cut.  Otherwise the bins have one
 * power-of-two width, doubled (neighbours merged) whenever a value falls
 * outside them. */
typedef struct histogram {
    bool fixed;
    double width;
    double origin;            /* bins[0] starts at origin * width (a fixed range: at base) */
    double base;
    int used;                 /* bins in use */
    long bins[HIST_BINS];
    long below, above;        /* fixed range: values outside it */
    long count;               /* finite values seen */
    double min, max;
} histogram;

enum { MAX_THRESHOLDS = 64 };

/* A measure's constant thresholds, sorted, distinct and finite. */
int step_thresholds(const step *st, double *out, int cap);

/* Fixes the range to [lo, hi) for a histogram with no value yet. */
void histogram_fix_range(histogram *h, double lo, double hi);
void histogram_add(histogram *h, double v);
/* Where bin i starts. */
double histogram_edge(const histogram *h, int i);

/* How the accounts fell into the bands of one measure or group. */
typedef struct band_tally {
    const symbol *sym;
    const step *st;
    int slot;
    long *counts;             /* per band of the scheme */
    long no_band, na;
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
} report;

/* False when writing failed. */
bool report_write_html(FILE *f, const report *r);

#endif
