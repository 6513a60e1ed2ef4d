/* eval_internal.h - what the evaluator has in frame.c: the memory one
 * account's values live in, and the text functions that make text there. */
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

/* A new account: its memos forgotten, the text it made gone. */
void frame_start(frame *f, const program *prog);

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

#endif
