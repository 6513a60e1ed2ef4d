/* eval_step.c - scoring one account: its steps in order, each measure's
 * and group's band by the one band matcher, whether it applies, a group's
 * score from its members', the overrides; and the same code again for the
 * traces explain prints, so that they cannot disagree with the scores. */
#include "eval_internal.h"

#include <stdint.h>
#include <string.h>

/* A condition that is na is not true. */
static inline bool is_true(const enode *n, frame *f)
{
    rb_value tmp;
    const rb_value *v = ev(n, f, &tmp);
    return v->kind == VK_BOOL && v->u.b;
}

/* The band matcher, written once for scoring and for the trace explain
 * prints.  Scoring passes no trace: the functions are forced inline so that
 * a NULL trace removes every trace store and the loops are the ones that
 * run per account. */
#define MATCH_INLINE EVAL_INLINE

/* Starts line T in the trace, if there is one. */
static MATCH_INLINE line_trace *line_start(band_trace *tr, int t)
{
    if (!tr)
        return NULL;
    tr->ntried = t + 1;
    tr->lines[t].nedges = 0;
    return &tr->lines[t];
}

/* Records an edge compared (or a threshold that was na) in the trace, if
 * there is one; gives whether the edge holds. */
static MATCH_INLINE bool edge_seen(line_trace *lt, rb_num limit, bool na, bool holds)
{
    if (lt) {
        edge_trace *et = &lt->edges[lt->nedges++];
        et->limit = limit;
        et->na = na;
        et->holds = holds;
    }
    return holds;
}

/* Constant thresholds (the usual case): one tight loop over the edges of
 * every line, no evaluation.  *band: the catching line's band, BAND_NONE
 * when none catches; small: v and every limit are num_small. */
static MATCH_INLINE int fixed_walk(const step *s, rb_num v, band_trace *tr, int *band, bool small)
{
    *band = BAND_NONE;
    if (s->ntests == 0)
        return -1;
    const fixed_edge *e = s->edges;
    int t = 0;
    line_trace *lt = line_start(tr, 0);
    for (;;) {
        int cmp;
        if (small) {
            int64_t x = v.p * e->limit.q, y = e->limit.p * v.q;
            cmp = (x > y) - (x < y);
        } else {
            cmp = num_cmp(v, e->limit);
        }
        bool holds = (e->accepts >> (cmp + 1)) & 1;
        if (lt && !e->otherwise)
            edge_seen(lt, e->limit, false, holds);
        if (holds) {
            if (e->last) {
                *band = e->band;
                return t;
            }
            e++;
            continue;
        }
        e += e->skip;
        if (++t == s->ntests)
            return -1;
        lt = line_start(tr, t);
    }
}

/* Small fractions on both sides (ratios of counts, percentages): the sign
 * of v.p * limit.q - limit.p * v.q in 64 bits, as num_cmp finds it in
 * 128.  Decided once, not per edge: a loop of its own for each. */
static MATCH_INLINE int matching_fixed(const step *s, rb_num v, band_trace *tr, int *band)
{
    if (s->small_edges && num_small(v))
        return fixed_walk(s, v, tr, band, true);
    return fixed_walk(s, v, tr, band, false);
}

int eval_fixed_band(const step *s, rb_num v)
{
    if (!s->all_fixed)
        return -2;
    int band;
    matching_fixed(s, v, NULL, &band);
    return band;
}

/* The line that catches v: its index, -1 when none does, -2 when a
 * threshold it needed was na; *band: its band, BAND_NONE when none. */
static MATCH_INLINE int matching_test(const step *s, frame *f, rb_num v, band_trace *tr, int *band)
{
    if (s->all_fixed)
        return matching_fixed(s, v, tr, band);
    *band = BAND_NONE;
    for (int t = 0; t < s->ntests; t++) {
        const band_test *bt = &s->tests[t];
        line_trace *lt = line_start(tr, t);
        bool holds = true;
        for (int e = 0; e < bt->nedges && holds; e++) {
            if (bt->fixed[e]) {
                holds = edge_seen(lt, bt->fixed_limit[e], false, op_holds(bt->op[e], num_cmp(v, bt->fixed_limit[e])));
                continue;
            }
            rb_value tmp;
            const rb_value *lim = ev(bt->limit[e], f, &tmp);
            /* An unknown threshold leaves the band unknown, rather than
             * letting the value fall through to the next line. */
            if (lim->kind == VK_NA) {
                edge_seen(lt, v, true, false);
                return -2;
            }
            holds = edge_seen(lt, lim->u.num, false, op_holds(bt->op[e], num_cmp(v, lim->u.num)));
        }
        if (holds) {
            *band = bt->band;
            return t;
        }
    }
    return -1;
}

int eval_band_trace(const step *s, frame *f, rb_num v, band_trace *out)
{
    out->ntried = 0;
    int band;
    return matching_test(s, f, v, out, &band);
}

/* Writes a banded result: the value, its band (BAND_NONE: no line caught
 * it), no score yet. */
static MATCH_INLINE void set_band(frame *f, rb_value *out, rb_num value, int band)
{
    out->kind = VK_BANDED;
    num_store(&out->u.num, value);
    out->has_score = false;
    out->band = (int8_t)band;
    f->unbanded += band == BAND_NONE;
}

/* Writes a banded result: the value, the band its tests pick, no score yet. */
static MATCH_INLINE void set_banded(const step *s, frame *f, rb_value *out, rb_num value)
{
    int band;
    matching_test(s, f, value, NULL, &band);
    set_band(f, out, value, band);
}

/* A measure not graded scores its band's score, if it has a band. */
static MATCH_INLINE void band_score(const step *s, rb_value *out)
{
    if (out->band != BAND_NONE) {
        out->score = s->band_scores[out->band];
        out->has_score = true;
    }
}

/* Whether condition n is true, noting in *seen, if given, what it was. */
static MATCH_INLINE bool cond_seen(const enode *n, frame *f, uint8_t *seen)
{
    bool t = is_true(n, f);
    if (seen)
        *seen = t ? COND_TRUE : COND_NOT_TRUE;
    return t;
}

/* Every `applies when` true and no `na when` true, looked at in that
 * order until one decides; the notes are the trace's, if there is one. */
static MATCH_INLINE bool applicable(const step *s, frame *f, uint8_t *applies_seen, uint8_t *na_when_seen)
{
    for (int i = 0; i < s->n_applies; i++)
        if (!cond_seen(s->applies[i], f, applies_seen ? &applies_seen[i] : NULL))
            return false;
    for (int i = 0; i < s->n_na_when; i++)
        if (cond_seen(s->na_when[i], f, na_when_seen ? &na_when_seen[i] : NULL))
            return false;
    return true;
}

/* applicable() without a trace: conditions that are all slots are read
 * where they are, in one loop; the order does not matter, reading a slot
 * has no effect. */
static MATCH_INLINE bool applies(const step *s, frame *f)
{
    if (!s->slot_guards)
        return applicable(s, f, NULL, NULL);
    for (int i = 0; i < s->nguards; i++) {
        int g = s->guard[i];
        const rb_value *c = &f->slots[g >> 1];
        /* applies when: not true leaves it out; na when: true does. */
        if ((c->kind == VK_BOOL && c->u.b) == (g & 1))
            return false;
    }
    return true;
}

bool eval_applies_trace(const step *s, frame *f, uint8_t *applies_seen, uint8_t *na_when_seen)
{
    memset(applies_seen, COND_UNSEEN, (size_t)s->n_applies);
    memset(na_when_seen, COND_UNSEEN, (size_t)s->n_na_when);
    return applicable(s, f, applies_seen, na_when_seen);
}

/* Whether a group counts member m: na members are left out, and the rest
 * renormalise. */
static inline bool member_scored(const rb_value *m)
{
    return m->kind == VK_BANDED && m->has_score;
}

/* A group's score from its members' (false when it has none: na);
 * counted[i], if given, says whether member i was one of those it used. */
static MATCH_INLINE bool group_score(const step *s, frame *f, rb_num *score, bool *counted)
{
    rb_num total = num_from_int(0), weights = num_from_int(0);
    bool any = false;
    rb_value tmp;
    for (int i = 0; i < s->nmembers; i++) {
        if (counted)
            counted[i] = false;
        const rb_value *m = &f->slots[s->member_slots[i]];
        if (!member_scored(m))
            continue;
        if (!s->weights[i]) {
            /* Equal weights: no product to form. */
            total = num_add(total, m->score);
            weights = num_add(weights, num_from_int(1));
        } else {
            const rb_value *wv = ev(s->weights[i], f, &tmp);
            if (wv->kind == VK_NA)
                continue;
            total = num_add(total, num_mul(wv->u.num, m->score));
            weights = num_add(weights, wv->u.num);
        }
        any = true;
        if (counted)
            counted[i] = true;
    }
    if (!any || (s->agg == AGG_MEAN && num_is_zero(weights)))
        return false;
    *score = s->agg == AGG_MEAN ? num_div(total, weights) : total;
    return true;
}

/* group_score of a SHAPE_TALLY group: its members' scores are whole
 * numbers small enough that their sum is an int64 (program.h), which is
 * what num_add keeps of them. */
static MATCH_INLINE bool tally_score(const step *s, const frame *f, rb_num *score)
{
    int64_t total = 0, n = 0;
    for (int i = 0; i < s->nmembers; i++) {
        const rb_value *m = &f->slots[s->member_slots[i]];
        if (member_scored(m)) {
            total += m->score.p;
            n++;
        }
    }
    if (!n)
        return false;
    *score = s->agg == AGG_MEAN ? num_div(num_from_int(total), num_from_int(n)) : num_from_int(total);
    return true;
}

bool eval_members_trace(const step *s, frame *f, bool *counted)
{
    rb_num score;
    bool scored = applies(s, f) && group_score(s, f, &score, counted);
    if (!scored)
        memset(counted, 0, (size_t)s->nmembers * sizeof *counted);
    return scored;
}

bool eval_grade(const step *s, frame *f, rb_num v, rb_num *score, int *seg)
{
    rb_num at[GRADE_MAX_POINTS], sc[GRADE_MAX_POINTS];
    rb_value ta, ts;
    for (int i = 0; i < s->ngrades; i++) {
        const rb_value *a = ev(s->grade_at[i], f, &ta), *b = ev(s->grade_score[i], f, &ts);
        if (a->kind == VK_NA || b->kind == VK_NA)
            return false;
        at[i] = a->u.num;
        sc[i] = b->u.num;
    }
    return grade_line(v, at, sc, s->ngrades, score, seg);
}

/* A graded measure or group: value v (a group's score before grading), its
 * band from its band lines or from the graded score, and the graded score. */
static void set_graded(const step *s, frame *f, rb_value *out, rb_num v)
{
    rb_num score;
    bool ok = eval_grade(s, f, v, &score, NULL);
    if (s->kind == STEP_GROUP && !ok)
        out->kind = VK_NA;
    else if (s->kind == STEP_GROUP || s->score_bands) {
        int band = BAND_NONE;
        if (ok)
            matching_test(s, f, score, NULL, &band);
        set_band(f, out, s->kind == STEP_GROUP ? score : v, band);
    } else {
        set_banded(s, f, out, v);
    }
    out->has_score = ok;
    if (ok)
        num_store(&out->score, score);
}

/* Inline in both its callers: a call per step costs the pass that scores
 * 2% more instructions. */
static MATCH_INLINE void eval_step(const step *s, frame *f)
{
    rb_value *out = &f->slots[s->slot];
    rb_value tmp;
    rb_num x;
    if (s->shape == SHAPE_RATIO) {
        const rb_value *a = &f->slots[s->operand_slots[0]], *b = &f->slots[s->operand_slots[1]];
        if (!applies(s, f) || a->kind == VK_NA || b->kind == VK_NA || !quotient(a->u.num, b->u.num, &x)) {
            out->kind = VK_NA;
            return;
        }
        int band;
        matching_fixed(s, x, NULL, &band);
        set_band(f, out, x, band);
        band_score(s, out);
        return;
    }
    if (s->shape == SHAPE_TALLY) {
        if (!applies(s, f) || !tally_score(s, f, &x)) {
            out->kind = VK_NA;
            return;
        }
        set_banded(s, f, out, x);
        num_store(&out->score, x);
        out->has_score = true;
        return;
    }
    if (s->shape == SHAPE_COMPARE) {
        const enode *n = s->value;
        const rb_value *a = s->operand_slots[0] >= 0 ? &f->slots[s->operand_slots[0]] : &n->a->k;
        const rb_value *b = s->operand_slots[1] >= 0 ? &f->slots[s->operand_slots[1]] : &n->b->k;
        if (a->kind == VK_NA || b->kind == VK_NA)
            out->kind = VK_NA;
        else
            compared(n, a, b, out);
        return;
    }
    if (s->shape == SHAPE_COUNT) {
        const enode *n = s->value;
        int64_t count = 0;
        bool any = false;
        for (int i = 0; i < n->nargs; i++)
            count_member(&f->slots[s->count_slots[i]], n->member_band[i], &count, &any);
        if (any)
            set_num(out, num_from_int(count));
        else
            set_na(out);
        return;
    }
    switch (s->kind) {
    case STEP_VALUE: {
        const rb_value *v = ev(s->value, f, &tmp);
        *out = *v;
        return;
    }
    case STEP_MEASURE: {
        const rb_value *v;
        if (!applies(s, f) || (v = ev(s->value, f, &tmp))->kind == VK_NA) {
            out->kind = VK_NA;
            return;
        }
        if (s->ngrades) {
            set_graded(s, f, out, v->u.num);
            return;
        }
        set_banded(s, f, out, v->u.num);
        band_score(s, out);
        return;
    }
    case STEP_GROUP: {
        rb_num score;
        if (!applies(s, f) || !group_score(s, f, &score, NULL)) {
            out->kind = VK_NA;
            return;
        }
        if (s->ngrades) {
            set_graded(s, f, out, score);
            return;
        }
        set_banded(s, f, out, score);
        num_store(&out->score, score);
        out->has_score = true;
        return;
    }
    }
}

/* Override o of step s: what the rules computed kept in *computed, the
 * slot set as o says, by the band matcher scoring uses. */
static void apply_override(const step *s, frame *f, const eval_override *o, rb_value *computed)
{
    rb_value *out = &f->slots[s->slot];
    *computed = *out;
    if (s->kind == STEP_VALUE) {
        *out = o->value;
        return;
    }
    if (o->band >= 0) {
        out->kind = VK_BANDED;
        out->band = (int8_t)o->band;
        out->score = s->band_scores[o->band];
        out->has_score = true;
        out->u.num = out->score;
        return;
    }
    set_banded(s, f, out, o->value.u.num);
    if (s->kind == STEP_GROUP) {
        num_store(&out->score, o->value.u.num);
        out->has_score = true;
    } else {
        band_score(s, out);
    }
}

void eval_account(const program *prog, frame *f)
{
    frame_start(f, prog);
    if (!f->novr) {
        /* A pointer walk: with an index, the compiler kept it and prog on
         * the stack, reloaded at every step. */
        for (const step *s = prog->steps, *end = s + prog->nsteps; s < end; s++)
            eval_step(s, f);
        return;
    }
    int k = 0;
    for (int i = 0; i < prog->nsteps; i++) {
        eval_step(&prog->steps[i], f);
        if (k < f->novr && f->ovr[k].step == i) {
            apply_override(&prog->steps[i], f, &f->ovr[k], &f->computed[k]);
            k++;
        }
    }
}

void eval_steps(const program *prog, frame *f, const int *steps, int n)
{
    frame_start(f, prog);
    for (int i = 0; i < n; i++)
        eval_step(&prog->steps[steps[i]], f);
}

const rb_value *eval_symbol_value(const program *prog, const frame *f, const symbol *s)
{
    if (s->kind == SYM_PARAM)
        return &prog->params[s->index];
    int slot = eval_symbol_slot(prog, s);
    return slot >= 0 ? &f->slots[slot] : NULL;
}

int eval_symbol_slot(const program *prog, const symbol *s)
{
    if (s->kind == SYM_PARAM)
        return -1;
    if (s->kind == SYM_INPUT)
        return s->index;
    const step *st = program_step(prog, s);
    return st ? st->slot : -1;
}
