/* eval.c - evaluating the tree for one account.
 *
 * na propagates: arithmetic and comparisons with na give na, a ratio over
 * zero is na, and `and`/`or` follow three-valued logic (false and na is
 * false).  Nothing here allocates, but for the text lower() and upper()
 * make, kept in the frame (see eval.h). */
#include "eval_internal.h"
#include "population.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builtins.h"
#include "xalloc.h"

/* Evaluation works on pointers: a leaf (constant, slot, memo) is returned
 * where it lives, and only computed values are written, into *tmp, setting
 * just the fields their kind uses.  Copying whole values up the tree cost
 * more than the arithmetic. */
static const rb_value *ev_uncached(const enode *n, frame *f, rb_value *tmp);
static const rb_value *eval_list(const enode *n, frame *f, rb_value *tmp);

/* Leaves are most operands: fetch them without a call. */
static inline const rb_value *ev(const enode *n, frame *f, rb_value *tmp)
{
    if (n->op == N_SLOT)
        return &f->slots[n->slot];
    if (n->op == N_CONST)
        return &n->k;
    if (n->memo < 0)
        return ev_uncached(n, f, tmp);
    rb_value *m = &f->memo[n->memo];
    if (f->memo_gen[n->memo] != f->gen) {
        const rb_value *v = ev_uncached(n, f, m);
        if (v != m)
            *m = *v;
        f->memo_gen[n->memo] = f->gen;
    }
    return m;
}

static const rb_value *call_builtin(const enode *n, frame *f, rb_value *tmp)
{
    rb_value ta, tb;
    const rb_value *a, *b;
    switch ((builtin_id)n->fn) {
    case BI_MIN:
    case BI_MAX: {
        rb_num best = num_from_int(0);
        for (int i = 0; i < n->nargs; i++) {
            a = ev(n->args[i], f, &ta);
            if (a->kind == VK_NA)
                return set_na(tmp);
            int c = i == 0 ? 0 : num_cmp(a->u.num, best);
            if (i == 0 || (n->fn == BI_MIN ? c == -1 : c == 1))
                best = a->u.num;
        }
        return set_num(tmp, best);
    }
    case BI_MEAN: {
        rb_num xs[64];
        int k = 0;
        for (int i = 0; i < n->nargs && k < 64; i++) {
            a = ev(n->args[i], f, &ta);
            if (a->kind != VK_NA)
                xs[k++] = a->u.num;
        }
        return k ? set_num(tmp, num_mean(xs, k)) : set_na(tmp);
    }
    case BI_SCORE:
        a = ev(n->args[0], f, &ta);
        if (a->kind != VK_BANDED || !a->has_score)
            return set_na(tmp);
        return set_num(tmp, a->score);
    case BI_VALUE:
        a = ev(n->args[0], f, &ta);
        return a->kind == VK_NA ? set_na(tmp) : set_num(tmp, a->u.num);
    case BI_LOWER:
    case BI_UPPER:
    case BI_TRIM: { /* lower(trim(x)): an inner text function, not shared, is applied here too */
        const enode *in = n->args[0], *x = unshared_text_call(in) ? in->args[0] : in;
        if ((a = ev(x, f, &ta))->kind == VK_TEXT && x != in)
            a = eval_text_builtin(in->fn, a, f, &tb);
        return a->kind == VK_TEXT ? eval_text_builtin(n->fn, a, f, tmp) : set_na(tmp);
    }
    default:
        break;
    }
    a = ev(n->args[0], f, &ta);
    if (a->kind == VK_NA)
        return set_na(tmp);
    rb_num x = a->u.num;
    switch ((builtin_id)n->fn) {
    case BI_ABS:
        return set_num(tmp, num_cmp(x, num_from_int(0)) == -1 ? num_neg(x) : x);
    case BI_FLOOR:
        return set_num(tmp, num_round(x, 0, -1));
    case BI_CEIL:
        return set_num(tmp, num_round(x, 0, 1));
    case BI_ROUND: {
        int digits = 0;
        if (n->nargs > 1) {
            b = ev(n->args[1], f, &tb);
            if (b->kind == VK_NA)
                return set_na(tmp);
            double dd = num_to_double(b->u.num);
            digits = dd != dd ? 0 : dd > 15 ? 15 : dd < -15 ? -15 : (int)dd;
        }
        return set_num(tmp, num_round(x, digits, 0));
    }
    default:
        return set_na(tmp);
    }
}

/* Both operands of a binary node, the right one only when the left has a
 * value: false when either is na (the result is then na). */
static inline bool operands(const enode *n, frame *f, rb_value *ta, rb_value *tb, const rb_value **a,
                            const rb_value **b)
{
    *a = ev(n->a, f, ta);
    if ((*a)->kind == VK_NA)
        return false;
    *b = ev(n->b, f, tb);
    return (*b)->kind != VK_NA;
}

static const rb_value *ev_uncached(const enode *n, frame *f, rb_value *tmp)
{
    rb_value ta, tb;
    const rb_value *a, *b;
    switch ((node_op)n->op) {
    case N_CONST:
        return &n->k;
    case N_SLOT:
        return &f->slots[n->slot];
    case N_AS_NUMBER:
        a = ev(n->a, f, &ta);
        return a->kind == VK_NA ? set_na(tmp) : set_num(tmp, a->u.num);
    case N_NEG:
        a = ev(n->a, f, &ta);
        return a->kind == VK_NA ? set_na(tmp) : set_num(tmp, num_neg(a->u.num));
    case N_NOT:
        a = ev(n->a, f, &ta);
        return a->kind == VK_NA ? set_na(tmp) : set_bool(tmp, !a->u.b);
    case N_ADD: case N_SUB: case N_MUL: case N_DIV:
        if (!operands(n, f, &ta, &tb, &a, &b))
            return set_na(tmp);
        switch ((node_op)n->op) {
        case N_ADD: return set_num(tmp, num_add(a->u.num, b->u.num));
        case N_SUB: return set_num(tmp, num_sub(a->u.num, b->u.num));
        case N_MUL: return set_num(tmp, num_mul(a->u.num, b->u.num));
        default:
            /* A ratio over zero has no value: na, not infinity. */
            if (num_is_zero(b->u.num))
                return set_na(tmp);
            return set_num(tmp, num_div(a->u.num, b->u.num));
        }
    case N_DATE_ADD:
    case N_DATE_SUB: {
        if (!operands(n, f, &ta, &tb, &a, &b))
            return set_na(tmp);
        if (a->kind == VK_DUR) { /* duration + date */
            const rb_value *t = a;
            a = b;
            b = t;
        }
        int sign = n->op == N_DATE_ADD ? 1 : -1;
        rb_date d = date_add_months(a->u.date, sign * b->u.dur.months);
        tmp->kind = VK_DATE;
        tmp->u.date = d + sign * b->u.dur.days;
        return tmp;
    }
    case N_DATE_DIFF:
        if (!operands(n, f, &ta, &tb, &a, &b))
            return set_na(tmp);
        return set_num(tmp, num_from_int((int64_t)a->u.date - b->u.date));
    case N_LT: case N_LE: case N_GT: case N_GE: case N_EQ: case N_NE: {
        if (!operands(n, f, &ta, &tb, &a, &b))
            return set_na(tmp);
        static const rb_op ops[] = {[N_LT] = OP_LT, [N_LE] = OP_LE, [N_GT] = OP_GT,
                                    [N_GE] = OP_GE, [N_EQ] = OP_EQ, [N_NE] = OP_NE};
        int c = value_compare_as(n->cmp, n->op == N_EQ || n->op == N_NE, a, b);
        if (c == 2 && n->op != N_EQ && n->op != N_NE)
            return set_na(tmp);
        return set_bool(tmp, op_holds(ops[n->op], c));
    }
    case N_AND:
    case N_OR: {
        /* Three-valued: false decides `and`, true decides `or`. */
        bool decisive = n->op == N_OR;
        a = ev(n->a, f, &ta);
        if (a->kind == VK_BOOL && a->u.b == decisive)
            return set_bool(tmp, decisive); /* not a: it may live in this frame */
        b = ev(n->b, f, &tb);
        if (b->kind == VK_BOOL && b->u.b == decisive)
            return set_bool(tmp, decisive);
        if (a->kind == VK_NA || b->kind == VK_NA)
            return set_na(tmp);
        return set_bool(tmp, !decisive);
    }
    case N_DEFAULT:
        a = ev(n->a, f, &ta);
        if (a->kind != VK_NA) {
            *tmp = *a;
            return tmp;
        }
        b = ev(n->b, f, &tb);
        *tmp = *b;
        return tmp;
    case N_IF:
        a = ev(n->a, f, &ta);
        if (a->kind == VK_NA)
            return set_na(tmp);
        b = ev(a->u.b ? n->b : n->c, f, &tb);
        *tmp = *b;
        return tmp;
    case N_CALL:
        return call_builtin(n, f, tmp);
    case N_IS_BAND:
        a = ev(n->a, f, &ta);
        return set_bool(tmp, a->kind == VK_BANDED && a->band == n->band);
    case N_IS_NA:
        a = ev(n->a, f, &ta);
        return set_bool(tmp, a->kind == VK_NA);
    case N_FIELD:
        if (!n->a)
            return &f->elem[n->slot];
        a = ev(n->a, f, &ta);
        if (a->kind != VK_RECORD)
            return set_na(tmp);
        *tmp = a->u.fields[n->slot];
        return tmp;
    case N_WHERE:
    case N_LIST:
        return eval_list(n, f, tmp);
    case N_POP: /* the account's own number only where it is looked up */
        a = n->fn == BI_COUNT_BELOW || n->fn == BI_SHARE_BELOW ? ev(n->a, f, &ta) : NULL;
        b = n->c ? ev(n->c, f, &tb) : NULL;
        return population_lookup(f->pop, n, a, b, tmp, NULL);
    case N_COUNT: {
        int64_t count = 0;
        bool any = false;
        for (int i = 0; i < n->nargs; i++) {
            a = ev(n->args[i], f, &ta);
            if (a->kind == VK_NA)
                continue;
            any = true;
            count += a->kind == VK_BANDED && a->band == n->member_band[i];
        }
        return any ? set_num(tmp, num_from_int(count)) : set_na(tmp);
    }
    }
    return set_na(tmp);
}


/* ---- lists inside an account ----------------------------------------
 * Each operation is one pass over the elements with the element's fields
 * in frame.elem, so scoring stays linear in the data.  A value that is na
 * for an element is left out of what adds up; a condition that is na
 * neither keeps the element nor decides any() and all(). */

/* A list is never na: an input with no elements is an empty list. */
static const rb_list *list_of(const rb_value *v)
{
    static const rb_list empty = {0};
    return v->kind == VK_LIST ? v->u.list : &empty;
}

static const rb_value *where(const enode *n, frame *f, const rb_list *in, rb_value *tmp)
{
    rb_list *out = frame_scratch(f, sizeof *out);
    uint32_t *idx = frame_scratch(f, (size_t)(in->n ? in->n : 1) * sizeof *idx);
    *out = *in;
    out->idx = idx;
    out->n = 0;
    const rb_value *saved = f->elem;
    for (uint32_t i = 0; i < in->n; i++) {
        rb_value t;
        f->elem = list_element(in, i);
        const rb_value *c = ev(n->b, f, &t);
        if (c->kind == VK_BOOL && c->u.b)
            idx[out->n++] = list_position(in, i);
    }
    f->elem = saved;
    tmp->kind = VK_LIST;
    tmp->u.list = out;
    return tmp;
}

/* max_by and min_by: the first element with the greatest (least) value;
 * an element with no value only when none has one. */
static const rb_value *choose(const enode *n, frame *f, const rb_list *in, rb_value *tmp)
{
    int want = n->fn == BI_LIST_MAX_BY ? 1 : -1;
    const rb_value *saved = f->elem;
    rb_value best = value_na();
    long chosen = in->n ? 0 : -1;
    for (uint32_t i = 0; i < in->n; i++) {
        rb_value t;
        f->elem = list_element(in, i);
        const rb_value *v = ev(n->b, f, &t);
        if (v->kind == VK_NA)
            continue;
        if (best.kind == VK_NA || value_compare(v, &best) == want) {
            best = *v;
            chosen = i;
        }
    }
    f->elem = saved;
    if (chosen < 0)
        return set_na(tmp);
    tmp->kind = VK_RECORD;
    tmp->u.fields = list_element(in, (uint32_t)chosen);
    tmp->len = list_position(in, (uint32_t)chosen) + 1;
    return tmp;
}

static const rb_value *eval_list(const enode *n, frame *f, rb_value *tmp)
{
    rb_value tl;
    const rb_list *in = list_of(ev(n->a, f, &tl));
    if (n->op == N_WHERE)
        return where(n, f, in, tmp);
    switch ((builtin_id)n->fn) {
    case BI_LIST_COUNT:
        tmp->kind = VK_NUM;
        tmp->u.num = num_from_int(in->n);
        return tmp;
    case BI_LIST_MAX_BY:
    case BI_LIST_MIN_BY:
        return choose(n, f, in, tmp);
    default:
        break;
    }
    const rb_value *saved = f->elem;
    bool any_na = false, decided = false;
    bool decisive = n->fn == BI_LIST_ANY; /* true decides any(), false all() */
    rb_num total = num_from_int(0);
    rb_value best = value_na();
    int64_t counted = 0;
    for (uint32_t i = 0; i < in->n && !decided; i++) {
        rb_value t;
        f->elem = list_element(in, i);
        const rb_value *v = ev(n->b, f, &t);
        if (v->kind == VK_NA) {
            any_na = true;
            continue;
        }
        switch ((builtin_id)n->fn) {
        case BI_LIST_ANY:
        case BI_LIST_ALL:
            decided = v->u.b == decisive;
            break;
        case BI_LIST_SUM:
        case BI_LIST_MEAN:
            total = num_add(total, v->u.num);
            counted++;
            break;
        default: /* min, max */
            if (best.kind == VK_NA || value_compare(v, &best) == (n->fn == BI_LIST_MAX ? 1 : -1)) {
                best = *v;
                if (best.kind == VK_BANDED)
                    best.kind = VK_NUM;
            }
            break;
        }
    }
    f->elem = saved;
    switch ((builtin_id)n->fn) {
    case BI_LIST_ANY:
    case BI_LIST_ALL:
        if (!decided && any_na)
            return set_na(tmp);
        tmp->kind = VK_BOOL;
        tmp->u.b = decided ? decisive : !decisive;
        return tmp;
    case BI_LIST_SUM:
    case BI_LIST_MEAN:
        if (counted == 0)
            return set_na(tmp);
        tmp->kind = VK_NUM;
        tmp->u.num = n->fn == BI_LIST_SUM ? total : num_div(total, num_from_int(counted));
        return tmp;
    default:
        *tmp = best;
        return tmp;
    }
}

uint32_t eval_each(const enode *n, frame *f, rb_value *out, uint32_t *positions, uint32_t cap)
{
    if ((n->op != N_WHERE && n->op != N_LIST) || !n->b)
        return 0;
    rb_value tl;
    const rb_list *in = list_of(ev(n->a, f, &tl));
    const rb_value *saved = f->elem;
    for (uint32_t i = 0; i < in->n && i < cap; i++) {
        rb_value t;
        f->elem = list_element(in, i);
        out[i] = *ev(n->b, f, &t);
        positions[i] = list_position(in, i) + 1;
    }
    f->elem = saved;
    return in->n;
}

rb_value eval_node(const enode *n, frame *f)
{
    rb_value tmp = value_na();
    return *ev(n, f, &tmp);
}

rb_value eval_builtin(int fn, const rb_value *args, int nargs, frame *f)
{
    enum { MOST = 64 }; /* the most arguments builtins.h allows */
    if (fn < 0 || fn >= BI_COUNT || nargs < 1 || nargs > MOST || builtin_table[fn].takes == BA_LIST)
        return value_na();
    enode k[MOST], *ptr[MOST], call;
    memset(&call, 0, sizeof call);
    for (int i = 0; i < nargs; i++) {
        memset(&k[i], 0, sizeof k[i]);
        k[i].op = N_CONST;
        k[i].memo = -1;
        k[i].k = args[i];
        ptr[i] = &k[i];
    }
    call.op = N_CALL;
    call.fn = (uint8_t)fn;
    call.memo = -1;
    call.args = ptr;
    call.nargs = nargs;
    rb_value tmp = value_na();
    return *call_builtin(&call, f, &tmp);
}

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
#define MATCH_INLINE inline __attribute__((always_inline))

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
 * every line, no evaluation. */
static MATCH_INLINE int matching_fixed(const step *s, rb_num v, band_trace *tr)
{
    if (s->ntests == 0)
        return -1;
    const fixed_edge *e = s->edges;
    int t = 0;
    line_trace *lt = line_start(tr, 0);
    for (;;) {
        bool holds = (e->accepts >> (num_cmp(v, e->limit) + 1)) & 1;
        if (lt && !e->otherwise)
            edge_seen(lt, e->limit, false, holds);
        if (holds) {
            if (e->last)
                return t;
            e++;
            continue;
        }
        e += e->skip;
        if (++t == s->ntests)
            return -1;
        lt = line_start(tr, t);
    }
}

int eval_fixed_band(const step *s, rb_num v)
{
    if (!s->all_fixed)
        return -2;
    int t = matching_fixed(s, v, NULL);
    return t >= 0 ? s->tests[t].band : BAND_NONE;
}

/* The line that catches v: its index, -1 when none does, -2 when a
 * threshold it needed was na. */
static MATCH_INLINE int matching_test(const step *s, frame *f, rb_num v, band_trace *tr)
{
    if (s->all_fixed)
        return matching_fixed(s, v, tr);
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
        if (holds)
            return t;
    }
    return -1;
}

int eval_band_trace(const step *s, frame *f, rb_num v, band_trace *out)
{
    out->ntried = 0;
    return matching_test(s, f, v, out);
}

/* Writes a banded result: the value, the band its tests pick, no score yet. */
static MATCH_INLINE void set_banded(const step *s, frame *f, rb_value *out, rb_num value)
{
    out->kind = VK_BANDED;
    num_store(&out->u.num, value);
    out->has_score = false;
    int t = matching_test(s, f, value, NULL);
    out->band = t >= 0 ? (int8_t)s->tests[t].band : BAND_NONE;
    f->unbanded += t < 0;
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

bool eval_applies_trace(const step *s, frame *f, uint8_t *applies_seen, uint8_t *na_when_seen)
{
    memset(applies_seen, COND_UNSEEN, (size_t)s->n_applies);
    memset(na_when_seen, COND_UNSEEN, (size_t)s->n_na_when);
    return applicable(s, f, applies_seen, na_when_seen);
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
        if (m->kind != VK_BANDED || !m->has_score)
            continue; /* na members are left out; the rest renormalise */
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

bool eval_members_trace(const step *s, frame *f, bool *counted)
{
    rb_num score;
    bool scored = applicable(s, f, NULL, NULL) && group_score(s, f, &score, counted);
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
        out->kind = VK_BANDED;
        num_store(&out->u.num, s->kind == STEP_GROUP ? score : v);
        int t = ok ? matching_test(s, f, score, NULL) : -1;
        out->band = t >= 0 ? (int8_t)s->tests[t].band : BAND_NONE;
        f->unbanded += t < 0;
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
    switch (s->kind) {
    case STEP_VALUE: {
        const rb_value *v = ev(s->value, f, &tmp);
        *out = *v;
        return;
    }
    case STEP_MEASURE: {
        if (!applicable(s, f, NULL, NULL)) {
            out->kind = VK_NA;
            return;
        }
        const enode *e = s->value;
        rb_num value;
        if (e->op == N_DIV && e->memo < 0 && e->a->op == N_SLOT && e->b->op == N_SLOT) {
            /* The usual measure, a ratio of two inputs: no node dispatch. */
            const rb_value *a = &f->slots[e->a->slot], *b = &f->slots[e->b->slot];
            if (a->kind == VK_NA || b->kind == VK_NA || num_is_zero(b->u.num)) {
                out->kind = VK_NA;
                return;
            }
            value = num_div(a->u.num, b->u.num);
        } else {
            const rb_value *v = ev(e, f, &tmp);
            if (v->kind == VK_NA) {
                out->kind = VK_NA;
                return;
            }
            value = v->u.num;
        }
        if (s->ngrades) {
            set_graded(s, f, out, value);
            return;
        }
        set_banded(s, f, out, value);
        if (out->band != BAND_NONE) {
            out->score = s->band_scores[out->band];
            out->has_score = true;
        }
        return;
    }
    case STEP_GROUP: {
        rb_num score;
        if (!applicable(s, f, NULL, NULL) || !group_score(s, f, &score, NULL)) {
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
    } else if (out->band != BAND_NONE) {
        out->score = s->band_scores[out->band];
        out->has_score = true;
    }
}

void eval_account(const program *prog, frame *f)
{
    frame_start(f, prog);
    if (!f->novr) {
        for (int i = 0; i < prog->nsteps; i++)
            eval_step(&prog->steps[i], f);
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
