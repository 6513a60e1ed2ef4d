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

bool eval_grade(const step *s, frame *f, rb_num v, rb_num *score, int *seg)
{
    rb_num at[GRADE_MAX_POINTS], sc[GRADE_MAX_POINTS];
    for (int i = 0; i < s->ngrades; i++) {
        rb_value a = eval_node(s->grade_at[i], f), b = eval_node(s->grade_score[i], f);
        if (a.kind == VK_NA || b.kind == VK_NA)
            return false;
        at[i] = a.u.num;
        sc[i] = b.u.num;
    }
    return grade_line(v, at, sc, s->ngrades, score, seg);
}

void eval_set_graded(const step *s, frame *f, rb_value *out, rb_num v)
{
    rb_num score;
    bool ok = eval_grade(s, f, v, &score, NULL);
    bool by_score = s->kind == STEP_GROUP || s->score_bands;
    out->has_score = false;
    if (s->kind == STEP_GROUP && !ok) {
        out->kind = VK_NA;
        return;
    }
    out->kind = VK_BANDED;
    num_store(&out->u.num, s->kind == STEP_GROUP ? score : v);
    int t = by_score && !ok ? -1 : eval_band_line(s, f, by_score ? score : v);
    out->band = t >= 0 ? (int8_t)s->tests[t].band : BAND_NONE;
    f->unbanded += t < 0;
    out->has_score = ok;
    if (ok)
        num_store(&out->score, score);
}
