/* eval.c - evaluating the tree for one account.
 *
 * na propagates: arithmetic and comparisons with na give na, a ratio over
 * zero is na, and `and`/`or` follow three-valued logic (false and na is
 * false).  Nothing here allocates. */
#include "eval.h"

#include <math.h>
#include <string.h>

#include "builtins.h"
#include "xalloc.h"

void frame_init(frame *f, const program *prog)
{
    f->slots = xcalloc((size_t)prog->nslots + 1, sizeof *f->slots);
    f->memo = xcalloc((size_t)prog->nmemo + 1, sizeof *f->memo);
    f->memo_gen = xcalloc((size_t)prog->nmemo + 1, sizeof *f->memo_gen);
    f->gen = 1;
}

void frame_free(frame *f)
{
    free(f->slots);
    free(f->memo);
    free(f->memo_gen);
}

static rb_value as_number(rb_value v)
{
    if (v.kind == VK_BANDED) {
        v.kind = VK_NUM;
        v.band = 0;
        v.has_score = false;
    }
    return v;
}

/* -1, 0, 1, or 2 when the two cannot be ordered. */
static int compare(rb_value a, rb_value b)
{
    switch (a.kind) {
    case VK_NUM:
        return num_cmp(a.u.num, b.u.num);
    case VK_TEXT: {
        uint32_t n = a.len < b.len ? a.len : b.len;
        int c = memcmp(a.u.text, b.u.text, n);
        if (c == 0)
            c = (a.len > b.len) - (a.len < b.len);
        return (c > 0) - (c < 0);
    }
    case VK_DATE:
        return (a.u.date > b.u.date) - (a.u.date < b.u.date);
    case VK_BOOL:
        return (a.u.b > b.u.b) - (a.u.b < b.u.b);
    case VK_DUR:
        return a.u.dur.months == b.u.dur.months && a.u.dur.days == b.u.dur.days ? 0 : 2;
    default:
        return 2;
    }
}

static bool edge_holds(rb_op op, int c)
{
    switch (op) {
    case OP_LT: return c == -1;
    case OP_LE: return c == -1 || c == 0;
    case OP_GT: return c == 1;
    case OP_GE: return c == 1 || c == 0;
    case OP_EQ: return c == 0;
    case OP_NE: return c == -1 || c == 1;
    default: return false;
    }
}

static rb_num num_round(rb_num x, int digits, int mode /* 0 round, -1 floor, 1 ceil */)
{
    if (digits > 15)
        digits = 15;
    if (digits < -15)
        digits = -15;
    if (x.q) {
        /* Exact: scale, round the fraction, scale back. */
        rb_num scale = digits >= 0 ? num_from_frac((int64_t)pow(10, digits), 1)
                                   : num_from_frac(1, (int64_t)pow(10, -digits));
        rb_num s = num_mul(x, scale);
        if (s.q) {
            int64_t fl = s.p / s.q;
            if (s.p % s.q != 0 && s.p < 0)
                fl--; /* floor toward minus infinity */
            int64_t r = fl;
            if (mode > 0 && (__int128)fl * s.q != s.p)
                r = fl + 1;
            if (mode == 0) {
                /* half away from zero, decided exactly: 2*(s - fl) vs 1 */
                __int128 twice = 2 * ((__int128)s.p - (__int128)fl * s.q);
                if (twice > s.q || (twice == s.q && s.p > 0))
                    r = fl + 1;
            }
            return num_div(num_from_int(r), scale);
        }
    }
    double m = pow(10, digits), v = x.d * m;
    v = mode < 0 ? floor(v) : mode > 0 ? ceil(v) : round(v);
    return num_from_double(v / m);
}

static rb_value call_builtin(const enode *n, frame *f)
{
    rb_value args[2];
    switch ((builtin_id)n->fn) {
    case BI_MIN:
    case BI_MAX: {
        rb_value best = value_na();
        for (int i = 0; i < n->nargs; i++) {
            rb_value v = as_number(eval_node(n->args[i], f));
            if (v.kind == VK_NA)
                return value_na();
            int c = best.kind == VK_NA ? 0 : num_cmp(v.u.num, best.u.num);
            if (best.kind == VK_NA || (n->fn == BI_MIN ? c < 0 : c == 1))
                best = v;
        }
        return best;
    }
    case BI_SCORE: {
        rb_value v = eval_node(n->args[0], f);
        if (v.kind != VK_BANDED || !v.has_score)
            return value_na();
        return value_num(v.score);
    }
    case BI_VALUE:
        return as_number(eval_node(n->args[0], f));
    default:
        break;
    }
    for (int i = 0; i < n->nargs && i < 2; i++) {
        args[i] = as_number(eval_node(n->args[i], f));
        if (args[i].kind == VK_NA)
            return value_na();
    }
    rb_num x = args[0].u.num;
    switch ((builtin_id)n->fn) {
    case BI_ABS:
        return value_num(num_cmp(x, num_from_int(0)) < 0 ? num_neg(x) : x);
    case BI_FLOOR:
        return value_num(num_round(x, 0, -1));
    case BI_CEIL:
        return value_num(num_round(x, 0, 1));
    case BI_ROUND: {
        int digits = 0;
        if (n->nargs > 1) {
            double dd = args[1].u.num.d;
            digits = dd != dd ? 0 : dd > 15 ? 15 : dd < -15 ? -15 : (int)dd;
        }
        return value_num(num_round(x, digits, 0));
    }
    default:
        return value_na();
    }
}

static rb_value eval_uncached(const enode *n, frame *f)
{
    rb_value a, b;
    switch ((node_op)n->op) {
    case N_CONST:
        return n->k;
    case N_SLOT:
        return f->slots[n->slot];
    case N_AS_NUMBER:
        return as_number(eval_node(n->a, f));
    case N_NEG:
        a = eval_node(n->a, f);
        if (a.kind == VK_NA)
            return a;
        return value_num(num_neg(a.u.num));
    case N_NOT:
        a = eval_node(n->a, f);
        if (a.kind == VK_NA)
            return a;
        return value_bool(!a.u.b);
    case N_ADD: case N_SUB: case N_MUL: case N_DIV:
        a = eval_node(n->a, f);
        if (a.kind == VK_NA)
            return a;
        b = eval_node(n->b, f);
        if (b.kind == VK_NA)
            return b;
        switch ((node_op)n->op) {
        case N_ADD: return value_num(num_add(a.u.num, b.u.num));
        case N_SUB: return value_num(num_sub(a.u.num, b.u.num));
        case N_MUL: return value_num(num_mul(a.u.num, b.u.num));
        default:
            /* A ratio over zero has no value: na, not infinity. */
            if (num_is_zero(b.u.num))
                return value_na();
            return value_num(num_div(a.u.num, b.u.num));
        }
    case N_DATE_ADD:
    case N_DATE_SUB: {
        a = eval_node(n->a, f);
        b = eval_node(n->b, f);
        if (a.kind == VK_NA || b.kind == VK_NA)
            return value_na();
        if (a.kind == VK_DUR) { /* duration + date */
            rb_value t = a;
            a = b;
            b = t;
        }
        int sign = n->op == N_DATE_ADD ? 1 : -1;
        rb_date d = date_add_months(a.u.date, sign * b.u.dur.months);
        return value_date(d + sign * b.u.dur.days);
    }
    case N_DATE_DIFF:
        a = eval_node(n->a, f);
        b = eval_node(n->b, f);
        if (a.kind == VK_NA || b.kind == VK_NA)
            return value_na();
        return value_num(num_from_int((int64_t)a.u.date - b.u.date));
    case N_LT: case N_LE: case N_GT: case N_GE: case N_EQ: case N_NE: {
        a = as_number(eval_node(n->a, f));
        if (a.kind == VK_NA)
            return a;
        b = as_number(eval_node(n->b, f));
        if (b.kind == VK_NA)
            return b;
        static const rb_op ops[] = {[N_LT] = OP_LT, [N_LE] = OP_LE, [N_GT] = OP_GT,
                                    [N_GE] = OP_GE, [N_EQ] = OP_EQ, [N_NE] = OP_NE};
        int c = compare(a, b);
        if (c == 2 && n->op != N_EQ && n->op != N_NE)
            return value_na();
        return value_bool(edge_holds(ops[n->op], c));
    }
    case N_AND:
        a = eval_node(n->a, f);
        if (a.kind == VK_BOOL && !a.u.b)
            return a;
        b = eval_node(n->b, f);
        if (b.kind == VK_BOOL && !b.u.b)
            return b;
        return a.kind == VK_NA ? a : b;
    case N_OR:
        a = eval_node(n->a, f);
        if (a.kind == VK_BOOL && a.u.b)
            return a;
        b = eval_node(n->b, f);
        if (b.kind == VK_BOOL && b.u.b)
            return b;
        return a.kind == VK_NA ? a : b;
    case N_DEFAULT:
        a = eval_node(n->a, f);
        return a.kind == VK_NA ? eval_node(n->b, f) : a;
    case N_IF:
        a = eval_node(n->a, f);
        if (a.kind == VK_NA)
            return a;
        return eval_node(a.u.b ? n->b : n->c, f);
    case N_CALL:
        return call_builtin(n, f);
    case N_IS_BAND:
        a = eval_node(n->a, f);
        return value_bool(a.kind == VK_BANDED && a.band == n->band);
    case N_IS_NA:
        a = eval_node(n->a, f);
        return value_bool(a.kind == VK_NA);
    case N_COUNT: {
        int64_t count = 0;
        bool any = false;
        for (int i = 0; i < n->nargs; i++) {
            rb_value v = eval_node(n->args[i], f);
            if (v.kind == VK_NA)
                continue;
            any = true;
            count += v.kind == VK_BANDED && v.band == n->band;
        }
        return any ? value_num(num_from_int(count)) : value_na();
    }
    }
    return value_na();
}

rb_value eval_node(const enode *n, frame *f)
{
    if (n->memo < 0)
        return eval_uncached(n, f);
    if (f->memo_gen[n->memo] == f->gen)
        return f->memo[n->memo];
    rb_value v = eval_uncached(n, f);
    f->memo[n->memo] = v;
    f->memo_gen[n->memo] = f->gen;
    return v;
}

/* A condition that is na is not true. */
static bool is_true(const enode *n, frame *f)
{
    rb_value v = eval_node(n, f);
    return v.kind == VK_BOOL && v.u.b;
}

int eval_matching_test(const step *s, frame *f, rb_value v)
{
    for (int t = 0; t < s->ntests; t++) {
        const band_test *bt = &s->tests[t];
        bool holds = true;
        for (int e = 0; e < bt->nedges && holds; e++) {
            rb_value lim = as_number(eval_node(bt->limit[e], f));
            /* An unknown threshold leaves the band unknown, rather than
             * letting the value fall through to the next line. */
            if (lim.kind == VK_NA)
                return -2;
            int c = num_cmp(v.u.num, lim.u.num);
            holds = edge_holds(bt->op[e], c);
        }
        if (holds)
            return t;
    }
    return -1;
}

static rb_value banded(const step *s, frame *f, rb_num value)
{
    rb_value out = value_na();
    out.kind = VK_BANDED;
    out.u.num = value;
    out.band = BAND_NONE;
    rb_value as_num = value_num(value);
    int t = eval_matching_test(s, f, as_num);
    if (t >= 0)
        out.band = (int8_t)s->tests[t].band;
    return out;
}

static bool applicable(const step *s, frame *f)
{
    for (int i = 0; i < s->n_applies; i++)
        if (!is_true(s->applies[i], f))
            return false;
    for (int i = 0; i < s->n_na_when; i++)
        if (is_true(s->na_when[i], f))
            return false;
    return true;
}

void eval_step(const step *s, frame *f)
{
    rb_value *out = &f->slots[s->slot];
    switch (s->kind) {
    case STEP_VALUE:
        *out = eval_node(s->value, f);
        return;
    case STEP_MEASURE: {
        if (!applicable(s, f)) {
            *out = value_na();
            return;
        }
        rb_value v = as_number(eval_node(s->value, f));
        if (v.kind == VK_NA) {
            *out = v;
            return;
        }
        *out = banded(s, f, v.u.num);
        if (out->band != BAND_NONE) {
            out->score = s->band_scores[out->band];
            out->has_score = true;
        }
        return;
    }
    case STEP_GROUP: {
        if (!applicable(s, f)) {
            *out = value_na();
            return;
        }
        rb_num total = num_from_int(0), weights = num_from_int(0);
        bool any = false;
        for (int i = 0; i < s->nmembers; i++) {
            const rb_value *m = &f->slots[s->member_slots[i]];
            if (m->kind != VK_BANDED || !m->has_score)
                continue; /* na members are left out; the rest renormalise */
            rb_num w = num_from_int(1);
            if (s->weights[i]) {
                rb_value wv = as_number(eval_node(s->weights[i], f));
                if (wv.kind == VK_NA)
                    continue;
                w = wv.u.num;
            }
            total = num_add(total, num_mul(w, m->score));
            weights = num_add(weights, w);
            any = true;
        }
        if (!any || (s->agg == AGG_MEAN && num_is_zero(weights))) {
            *out = value_na();
            return;
        }
        rb_num score = s->agg == AGG_MEAN ? num_div(total, weights) : total;
        *out = banded(s, f, score);
        out->score = score;
        out->has_score = true;
        return;
    }
    }
}

void eval_account(const program *prog, frame *f)
{
    f->gen++;
    if (f->gen == 0) { /* wrapped: forget every memo */
        memset(f->memo_gen, 0, (size_t)prog->nmemo * sizeof *f->memo_gen);
        f->gen = 1;
    }
    for (int i = 0; i < prog->nsteps; i++)
        eval_step(&prog->steps[i], f);
}
