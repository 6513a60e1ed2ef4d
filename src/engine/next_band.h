/* next_band.h - what would move a measure to a better band: the smallest
 * whole number for the numerator of a measure that is a ratio of two
 * inputs (`git_ops_users_l28d / licenses_sold`, or such a ratio clamped by
 * min or max with constants), the other inputs held.
 *
 * Found by scoring the account again with the candidate numerator, by the
 * evaluator and band matcher every verb uses: nothing here decides a band.
 * The band is constant in the numerator n between the points where n / d
 * meets a threshold t, n = t * d (d the denominator; a clamp adds no such
 * point), so the candidates are 0 and the whole numbers at and next to
 * each of those points, tried from the smallest up. */
#ifndef RUBRIC_NEXT_BAND_H
#define RUBRIC_NEXT_BAND_H

#include "eval.h"

/* The largest numerator given: 2^53, the last whole number every JSON
 * reader holds exactly.  A measure that needs more has no next band. */
#define NEXT_BAND_MAX (INT64_C(1) << 53)

typedef struct next_band {
    int band;       /* the band it then gets, an index in the measure's scheme */
    int input;      /* the numerator: an input's index (and slot) */
    int64_t value;  /* the numerator that gets it, >= 0 */
} next_band;

/* The input whose value is the numerator of measure step s, when s is a
 * ratio of two inputs (possibly clamped); -1 otherwise. */
int next_band_numerator(const program *prog, const step *s);

/* After eval_account(prog, f): whether some whole numerator >= 0 puts
 * measure step s in a band that scores more than the one it has, the
 * smallest such in *out.  False when s is not a ratio of two inputs, is
 * na or in no band, is in its scheme's best band, when no numerator does,
 * and when its thresholds or conditions read its own numerator (the
 * candidates would not cover every band change).  f is left as it was. */
bool next_band_find(const program *prog, const frame *f, const step *s, next_band *out);

#endif
