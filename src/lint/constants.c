/* constants.c - the thresholds, scores and weights a lint can judge: those
 * that do not depend on the account.
 *
 * A threshold, score or weight is "constant" when it folds, as the
 * compiler folds it, from literals, parameter defaults and definitions
 * built only from them; a band line with a threshold that depends on the
 * account is left out of every judgement that would need to know what it
 * catches, so a lint never guesses.  Each operation is computed by the
 * evaluator, so `check` judges the value `run` scores with.  Constants are
 * shown in messages as the analyst wrote them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "eval.h"
#include "lint_internal.h"

/* The evaluator's own code applied to one node whose operands are the
 * constants ops[0..nops), as the compiler folds a node whose operands all
 * folded: lint keeps no arithmetic of its own. */
static rb_value eval_on(node_op op, const rb_value *ops, int nops, frame *f)
{
    enode k[3], n;
    memset(&n, 0, sizeof n);
    n.op = (uint8_t)op;
    n.memo = -1;
    for (int i = 0; i < nops; i++) {
        memset(&k[i], 0, sizeof k[i]);
        k[i].op = N_CONST;
        k[i].memo = -1;
        k[i].k = ops[i];
    }
    n.a = nops > 0 ? &k[0] : NULL;
    n.b = nops > 1 ? &k[1] : NULL;
    n.c = nops > 2 ? &k[2] : NULL;
    return eval_node(&n, f);
}

static bool fold(const expr *e, frame *f, int depth, rb_value *out);

/* A builtin on arguments that fold, so `red < min(25%, 26%)` is checked as
 * the 25% it scores with. */
static bool fold_call(const expr *e, frame *f, int depth, rb_value *out)
{
    enum { MOST = 64 };
    int fn = builtin_find(e->u.call.fn);
    /* A population value depends on every account, even of a constant. */
    if (fn < 0 || e->u.call.nargs > MOST || builtin_table[fn].takes == BA_POPULATION)
        return false;
    rb_value args[MOST];
    int n = 0;
    for (const expr_list *a = e->u.call.args; a; a = a->next)
        if (!fold(a->e, f, depth + 1, &args[n++]))
            return false;
    *out = eval_builtin(fn, args, n, f);
    return true;
}

/* The node the compiler evaluates for a binary operator; dates and
 * durations are left to the account (N_CONST: none). */
static node_op binary_node(const expr *e)
{
    static const node_op nodes[] = {
        [OP_ADD] = N_ADD, [OP_SUB] = N_SUB, [OP_MUL] = N_MUL, [OP_DIV] = N_DIV,
        [OP_LT] = N_LT, [OP_LE] = N_LE, [OP_GT] = N_GT, [OP_GE] = N_GE,
        [OP_EQ] = N_EQ, [OP_NE] = N_NE, [OP_AND] = N_AND, [OP_OR] = N_OR,
        [OP_DEFAULT] = N_DEFAULT, [OP_NEG] = N_CONST, [OP_NOT] = N_CONST,
    };
    rb_type l = e->u.bin.l->type, r = e->u.bin.r->type;
    if (l == TY_DATE || l == TY_DURATION || r == TY_DATE || r == TY_DURATION)
        return N_CONST;
    return nodes[e->op];
}

/* The value of an expression that does not depend on the account: what the
 * compiler folds it to with the parameters' defaults.  Text a function
 * makes lives in f. */
static bool fold(const expr *e, frame *f, int depth, rb_value *out)
{
    rb_value ops[3];
    if (!e || depth > 64)
        return false;
    switch (e->kind) {
    case EX_NUM:
        *out = value_num(e->u.num);
        return true;
    case EX_BOOL:
        *out = value_bool(e->u.b);
        return true;
    case EX_TEXT:
        *out = value_text(e->u.text.s, e->u.text.len);
        return true;
    case EX_NA:
        *out = value_na();
        return true;
    case EX_NAME: {
        /* A parameter's default (as_of, which has none, is the run's own),
         * or a definition built only from constants. */
        const symbol *s = e->u.name.sym;
        if (!s || !s->decl || !s->decl->value ||
            (s->kind != SYM_PARAM && s->kind != SYM_LET && s->kind != SYM_METRIC))
            return false;
        return fold(s->decl->value, f, depth + 1, out);
    }
    case EX_UNARY:
        if (!fold(e->u.bin.l, f, depth + 1, &ops[0]))
            return false;
        *out = eval_on(e->op == OP_NOT ? N_NOT : N_NEG, ops, 1, f);
        return true;
    case EX_BINARY: {
        node_op op = binary_node(e);
        if (op == N_CONST || !fold(e->u.bin.l, f, depth + 1, &ops[0]) || !fold(e->u.bin.r, f, depth + 1, &ops[1]))
            return false;
        *out = eval_on(op, ops, 2, f);
        return true;
    }
    case EX_IF:
        /* As the compiler does: a known condition picks its branch, whether
         * or not the other one is constant. */
        if (!fold(e->u.cond.cond, f, depth + 1, &ops[0]))
            return false;
        if (ops[0].kind == VK_BOOL)
            return fold(ops[0].u.b ? e->u.cond.then : e->u.cond.els, f, depth + 1, out);
        if (!fold(e->u.cond.then, f, depth + 1, &ops[1]) || !fold(e->u.cond.els, f, depth + 1, &ops[2]))
            return false;
        *out = eval_on(N_IF, ops, 3, f);
        return true;
    case EX_CALL:
        return fold_call(e, f, depth, out);
    case EX_IS:
        if (e->u.is.band || !fold(e->u.is.e, f, depth + 1, &ops[0]))
            return false;
        *out = eval_on(N_IS_NA, ops, 1, f);
        return true;
    default:
        return false;
    }
}

bool lint_fold(const expr *e, rb_num *out)
{
    frame scratch;
    memset(&scratch, 0, sizeof scratch);
    rb_value v;
    bool ok = fold(e, &scratch, 0, &v) && v.kind == VK_NUM && (v.u.num.q != 0 || isfinite(v.u.num.d));
    frame_free(&scratch);
    if (ok)
        *out = v.u.num;
    return ok;
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
