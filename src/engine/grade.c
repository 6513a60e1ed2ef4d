/* grade.c - graded scores: a measure's or group's score on the straight
 * line between two points (`scores 0 at 25%, 10 at 50%`), exact at the
 * points.  Used by the evaluator and, for the points it used, by explain. */
#include "eval.h"

bool eval_grade(const step *s, frame *f, rb_num v, rb_num *score, int *seg)
{
    rb_value x = eval_node(s->grade_at[0], f);
    if (x.kind == VK_NA)
        return false;
    rb_num lo = x.u.num;
    int i = 0;
    if (num_cmp(v, lo) > 0)
        for (i = 1; i < s->ngrades; i++) {
            x = eval_node(s->grade_at[i], f);
            if (x.kind == VK_NA || num_cmp(x.u.num, lo) <= 0)
                return false; /* an unknown point, or points that do not rise */
            rb_num hi = x.u.num;
            if (num_cmp(v, hi) < 0)
                break;
            lo = hi;
        }
    if (seg)
        *seg = num_cmp(v, lo) < 0 ? -1 : i - 1;
    /* At or beyond an end: that point's score; else on the line between
     * points i-1 and i, with exact fractions, so a value on a point gets
     * exactly its score. */
    if (i == 0 || i == s->ngrades || num_cmp(v, lo) <= 0) {
        int at = i == 0 ? 0 : i - 1;
        x = eval_node(s->grade_score[at], f);
        if (x.kind == VK_NA)
            return false;
        *score = x.u.num;
        return true;
    }
    x = eval_node(s->grade_score[i - 1], f);
    if (x.kind == VK_NA)
        return false;
    rb_num s0 = x.u.num;
    x = eval_node(s->grade_score[i], f);
    if (x.kind == VK_NA)
        return false;
    rb_num s1 = x.u.num;
    x = eval_node(s->grade_at[i], f);
    rb_num hi = x.u.num;
    *score = num_add(s0, num_mul(num_sub(s1, s0), num_div(num_sub(v, lo), num_sub(hi, lo))));
    return true;
}

