/* constants.c - the thresholds, scores and weights a lint can judge: those
 * that do not depend on the account.
 *
 * A threshold, score or weight is "constant" when it folds from number
 * literals, parameter defaults and definitions built only from them; a
 * band line with a threshold that depends on the account is left out of
 * every judgement that would need to know what it catches, so a lint never
 * guesses.  Constants are shown in messages as the analyst wrote them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "eval.h"
#include "lint_internal.h"

static bool foldable_name(const symbol *s)
{
    return s && s->decl && s->type == TY_NUMBER &&
           (s->kind == SYM_PARAM || s->kind == SYM_LET || s->kind == SYM_METRIC);
}


/* A builtin on number arguments that fold, computed as the compiler folds
 * it: by the evaluator's own code, so `red < min(25%, 26%)` is checked as
 * the 25% it scores with. */
static bool fold_call(const expr *e, rb_num *out, int depth)
{
    enum { MOST = 64 };
    int fn = builtin_find(e->u.call.fn);
    if (fn < 0 || builtin_table[fn].takes != BA_NUMBER || e->u.call.nargs > MOST)
        return false;
    rb_value args[MOST];
    int n = 0;
    for (const expr_list *a = e->u.call.args; a; a = a->next) {
        rb_num v;
        if (!lint_fold(a->e, &v, depth + 1))
            return false;
        args[n++] = value_num(v);
    }
    frame none;
    memset(&none, 0, sizeof none);
    rb_value r = eval_builtin(fn, args, n, &none);
    frame_free(&none);
    if (r.kind != VK_NUM)
        return false;
    *out = r.u.num;
    return true;
}

bool lint_fold(const expr *e, rb_num *out, int depth)
{
    rb_num a, b;
    if (!e || depth > 64)
        return false;
    switch (e->kind) {
    case EX_CALL:
        if (!fold_call(e, out, depth))
            return false;
        break;
    case EX_NUM:
        *out = e->u.num;
        break;
    case EX_NAME:
        if (!foldable_name(e->u.name.sym))
            return false;
        return lint_fold(e->u.name.sym->decl->value, out, depth + 1);
    case EX_UNARY:
        if (e->op != OP_NEG || !lint_fold(e->u.bin.l, &a, depth + 1))
            return false;
        *out = num_neg(a);
        break;
    case EX_BINARY:
        if (e->type != TY_NUMBER || !lint_fold(e->u.bin.l, &a, depth + 1) || !lint_fold(e->u.bin.r, &b, depth + 1))
            return false;
        switch (e->op) {
        case OP_ADD: *out = num_add(a, b); break;
        case OP_SUB: *out = num_sub(a, b); break;
        case OP_MUL: *out = num_mul(a, b); break;
        case OP_DIV:
            if (num_is_zero(b))
                return false;
            *out = num_div(a, b);
            break;
        default:
            return false;
        }
        break;
    default:
        return false;
    }
    return out->q != 0 || isfinite(out->d);
}

void lint_num_text(rb_num v, bool pct, char *buf, size_t n)
{
    char tmp[40];
    if (pct)
        v = num_mul(v, num_from_int(100));
    num_format(v, tmp);
    snprintf(buf, n, "%s%s", tmp, pct ? "%" : "");
}

void lint_const_text(const expr *e, rb_num v, char *buf, size_t n)
{
    char val[64];
    if (e && e->kind == EX_NUM && e->loc.src && e->loc.end > e->loc.begin && e->loc.end - e->loc.begin < 40) {
        snprintf(buf, n, "%.*s", (int)(e->loc.end - e->loc.begin), e->loc.src->text + e->loc.begin);
        return;
    }
    lint_num_text(v, e && expr_written_in_percent(e), val, sizeof val);
    if (e && e->kind == EX_NAME)
        snprintf(buf, n, "%s (%s)", e->u.name.name, val);
    else
        snprintf(buf, n, "%s", val);
}
