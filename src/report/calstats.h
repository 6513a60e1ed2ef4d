/* calstats.h - the figures of `rubric calibrate`, as pure functions: the
 * values of one measure gathered account by account, their exact
 * quantiles (R's type 7) and mean, the count per band, and the cuts that
 * would give each band a target share of the accounts. */
#ifndef RUBRIC_CALSTATS_H
#define RUBRIC_CALSTATS_H

#include <stdbool.h>
#include <stddef.h>

#include "num.h"
#include "program.h"
#include "value.h"

typedef struct calstats {
    rb_num *values;           /* the finite numbers; sorted by calstats_sort */
    long nvalues, cap;
    long accounts, na, no_band;
    long overflowed;          /* banded as run bands them, but no number to place */
    long overflowed_low, overflowed_high;  /* of those, -inf and inf: below and above every cut */
    long *band_counts;        /* per band of the measure's scheme */
    int nbands;               /* 0 when the measure has no scheme */
} calstats;

void calstats_init(calstats *c, int nbands);
/* One account's value of the measure (na, banded or a number). */
void calstats_add(calstats *c, const rb_value *v);
void calstats_sort(calstats *c);
/* After calstats_sort, with nvalues > 0: min, q1, median, q3, max, and
 * the mean. */
void calstats_summary(const calstats *c, rb_num quartiles[5], double *mean);
void calstats_free(calstats *c);

/* The p quantile (0 <= p <= 1) of the sorted x[0..n), n > 0: exact where p
 * is a fraction. */
rb_num calstats_quantile(const rb_num *x, long n, rb_num p);
/* Exact while the sum fits in a fraction; otherwise a compensated sum of
 * doubles. */
double calstats_mean(const rb_num *x, long n);

/* Whether st's bands, in their declared order, come in order of rising
 * values; which bands have a line of their own in st. */
bool calstats_bands_ascend(const step *st);
void calstats_bands_in_play(const step *st, int nbands, bool *in_play);

/* One band line of a suggestion: accounts with value OP limit. */
typedef struct cal_cut {
    int band;
    rb_op op;
    rb_num limit;
    long accounts;
} cal_cut;

/* The band lines that would give each wanted band its share (exact
 * fractions adding up to 1) of the sorted values, in value order, written
 * as decimals that read back exactly.  Returns how many lines. */
int calstats_suggest(const calstats *c, const step *st, const rb_num *share, const bool *wanted, cal_cut *out);

/* A number as JSON wants it: null where it is not finite. */
void calstats_number_text(rb_num n, char *buf);
/* A threshold in full, ready to paste: as a percentage when percent. */
void calstats_exact_text(rb_num n, bool percent, char *buf, size_t cap);

#endif
