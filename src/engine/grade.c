/* grade.c - graded scores: a measure's or group's score on the straight
 * line between two points (`scores 0 at 25%, 10 at 50%`), exact at the
 * points.  The evaluator hands over the points' values (eval_grade). */
#include "eval_internal.h"

bool grade_line(rb_num v, const rb_num *at, const rb_num *score, int n, rb_num *out, int *seg)
{
    for (int i = 1; i < n; i++)
        if (num_cmp(at[i], at[i - 1]) <= 0)
            return false; /* points that do not rise draw no line */
    int i = 0;
    while (i < n && num_cmp(v, at[i]) >= 0)
        i++;
    /* at[i-1] <= v < at[i]: at or beyond an end, that point's score; on a
     * point, exactly its score; else on the line, with exact fractions. */
    if (seg) /* on the first point reads as at or below it */
        *seg = i == 1 && num_cmp(v, at[0]) == 0 ? -1 : i - 1;
    if (i == 0 || i == n || num_cmp(v, at[i - 1]) == 0) {
        *out = score[i == 0 ? 0 : i - 1];
        return true;
    }
    rb_num along = num_div(num_sub(v, at[i - 1]), num_sub(at[i], at[i - 1]));
    *out = num_add(score[i - 1], num_mul(num_sub(score[i], score[i - 1]), along));
    return true;
}
