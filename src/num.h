/* num.h - numbers that stay exact where the policy needs them to.
 *
 * A threshold like `< 5%` must put 0.35/7 and 15/300 exactly on the edge,
 * which binary doubles get wrong.  Every number carries its double and,
 * while it is a small rational, the exact fraction p/q (q > 0) as well.
 * Arithmetic keeps the fraction while it fits in 64 bits; comparison uses
 * the fractions when both sides have one, else the doubles.  Values that are
 * not small rationals (1e300, results of overflow) simply lose the fraction:
 * doubles are fine there. */
#ifndef RUBRIC_NUM_H
#define RUBRIC_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rb_num {
    double d;
    int64_t p, q; /* exact value p/q when q > 0; q == 0: only d is known */
} rb_num;

rb_num num_from_int(int64_t v);
rb_num num_from_double(double d);
/* p/q with q != 0, reduced. */
rb_num num_from_frac(int64_t p, int64_t q);

/* Parses a decimal like -12, 0.35, 1e3, 25% (the percent sign only when
 * allow_percent).  Leading/trailing spaces are not accepted.  Returns false
 * when the text is not a number. */
bool num_parse(const char *s, size_t len, bool allow_percent, rb_num *out);

rb_num num_add(rb_num a, rb_num b);
rb_num num_sub(rb_num a, rb_num b);
rb_num num_mul(rb_num a, rb_num b);
/* Caller checks for a zero divisor (a ratio over 0 is na, not infinity). */
rb_num num_div(rb_num a, rb_num b);
rb_num num_neg(rb_num a);
int num_cmp(rb_num a, rb_num b);    /* -1, 0, 1; NaN compares as equal to nothing: returns 2 */
bool num_is_zero(rb_num a);
bool num_is_integer(rb_num a, int64_t *v);

/* Shortest text that reads back as the same double; integers without a
 * decimal point.  Returns the length written (buf of at least 32 bytes). */
int num_format(rb_num a, char *buf);

#endif
