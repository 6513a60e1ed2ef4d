/* eval.c - evaluating the tree for one account.
 *
 * na propagates: arithmetic and comparisons with na give na, a ratio over
 * zero is na, and `and`/`or` follow three-valued logic (false and na is
 * false).  Nothing here allocates, but for the text lower() and upper()
 * make, kept in the frame (see eval.h).  The steps, which evaluate
 * nodes, are eval_step.c's. */
#include "eval_internal.h"
#include "population.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "builtins.h"
#include "xalloc.h"

static const rb_value *eval_list(const enode *n, frame *f, rb_value *tmp);

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
 * value: false when either is na (the result is then na).  Forced inline:
 * as a call it cost a comparison more than the comparing. */
static EVAL_INLINE bool operands(const enode *n, frame *f, rb_value *ta, rb_value *tb, const rb_value **a,
                            const rb_value **b)
{
    *a = ev(n->a, f, ta);
    if ((*a)->kind == VK_NA)
        return false;
    *b = ev(n->b, f, tb);
    return (*b)->kind != VK_NA;
}

const rb_value *ev_uncached(const enode *n, frame *f, rb_value *tmp)
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
        default: {
            rb_num q;
            return quotient(a->u.num, b->u.num, &q) ? set_num(tmp, q) : set_na(tmp);
        }
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
        return compared(n, a, b, tmp);
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
        for (int i = 0; i < n->nargs; i++)
            count_member(ev(n->args[i], f, &ta), n->member_band[i], &count, &any);
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
