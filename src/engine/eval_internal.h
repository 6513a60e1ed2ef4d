/* eval_internal.h - what the evaluator's files share: the evaluation of a
 * node (eval.c), which the steps (eval_step.c) call, and in frame.c the
 * memory one account's values live in and the text functions that make
 * text there. */
#ifndef RUBRIC_EVAL_INTERNAL_H
#define RUBRIC_EVAL_INTERNAL_H

#include "builtins.h"
#include "eval.h"

/* len bytes of text, valid until the next account. */
char *frame_text(frame *f, size_t len);
/* size bytes, aligned for any value, valid until the next account. */
void *frame_scratch(frame *f, size_t size);
/* A new account: what the last one made is gone. */
void frame_reset(frame *f);
/* trim(), lower(), upper() (fn, a builtin_id) of a text value. */
const rb_value *eval_text_builtin(int fn, const rb_value *a, frame *f, rb_value *tmp);

/* n is one of those functions, not shared (evaluated only where it is
 * written): one outside it may apply it in the same step, lower(trim(x)). */
static inline bool unshared_text_call(const enode *n)
{
    return n->op == N_CALL && n->memo < 0 && (n->fn == BI_LOWER || n->fn == BI_UPPER || n->fn == BI_TRIM);
}

/* The score on the line through the points (at[i], score[i]), n of them,
 * for value v; *seg: the point at or below v, -1 at or below the first.  False
 * when the points do not rise. */
bool grade_line(rb_num v, const rb_num *at, const rb_num *score, int n, rb_num *out, int *seg);

/* Every memo forgotten: the account numbers wrapped. */
void frame_forget_memos(frame *f, const program *prog);

/* A new account: its memos forgotten, the text it made gone.  Inline: a
 * call per account cost more than the three stores. */
static inline void frame_start(frame *f, const program *prog)
{
    f->unbanded = 0;
    if (f->text)
        frame_reset(f);
    if (++f->gen == 0)
        frame_forget_memos(f, prog);
}

/* Evaluating node n (eval.c).  Evaluation works on pointers: a leaf (constant, slot, memo) is returned
 * where it lives, and only computed values are written, into *tmp, setting
 * just the fields their kind uses.  Copying whole values up the tree cost
 * more than the arithmetic. */
const rb_value *ev_uncached(const enode *n, frame *f, rb_value *tmp);

/* Forced inline where a call costs more than the work. */
#define EVAL_INLINE inline __attribute__((always_inline))

/* Leaves are most operands: fetch them without a call. */
static EVAL_INLINE const rb_value *ev(const enode *n, frame *f, rb_value *tmp)
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

/* a / b: false when there is none.  A ratio over zero has no value: na,
 * not infinity. */
static EVAL_INLINE bool quotient(rb_num a, rb_num b, rb_num *out)
{
    if (num_is_zero(b))
        return false;
    *out = num_div(a, b);
    return true;
}

/* `count BAND of (...)`: member m adds one when it is in the band (its
 * index in m's scheme); *any: some member has a value (else the count is
 * na).  For ev_uncached and for the steps of SHAPE_COUNT. */
static EVAL_INLINE void count_member(const rb_value *m, int band, int64_t *count, bool *any)
{
    if (m->kind == VK_NA)
        return;
    *any = true;
    *count += m->kind == VK_BANDED && m->band == band;
}

/* A computed value written into *tmp, which is returned. */
static inline const rb_value *set_na(rb_value *tmp)
{
    tmp->kind = VK_NA;
    return tmp;
}

static inline const rb_value *set_num(rb_value *tmp, rb_num x)
{
    tmp->kind = VK_NUM;
    num_store(&tmp->u.num, x);
    return tmp;
}

static inline const rb_value *set_bool(rb_value *tmp, bool b)
{
    tmp->kind = VK_BOOL;
    tmp->u.b = b;
    return tmp;
}

/* Comparison n (N_LT .. N_NE) of a and b, neither na; na when an ordering
 * asks of two values that have none.  For ev_uncached and for the steps of
 * SHAPE_COMPARE. */
static EVAL_INLINE const rb_value *compared(const enode *n, const rb_value *a, const rb_value *b, rb_value *tmp)
{
    static const rb_op ops[] = {[N_LT] = OP_LT, [N_LE] = OP_LE, [N_GT] = OP_GT,
                                [N_GE] = OP_GE, [N_EQ] = OP_EQ, [N_NE] = OP_NE};
    int c = value_compare_as(n->cmp, n->op == N_EQ || n->op == N_NE, a, b);
    if (c == 2 && n->op != N_EQ && n->op != N_NE)
        return set_na(tmp);
    return set_bool(tmp, op_holds(ops[n->op], c));
}

#endif
