/* report.h - what `rubric report` gathers in its one pass over the data,
 * and the writer that turns it into one self-contained HTML page. */
#ifndef RUBRIC_REPORT_H
#define RUBRIC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "compile.h"
#include "histogram.h"

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
