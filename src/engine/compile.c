/* compile.c - from the checked syntax tree to the evaluation tree.
 *
 * Three things happen here so they never happen per account: names become
 * slot numbers, anything that depends only on literals and parameters is
 * folded to a constant, and identical subexpressions are shared (hash-consed)
 * so each is evaluated once per account. */
#include "compile.h"
#include "population.h"

#include <math.h>
#include <string.h>

#include "builtins.h"
#include "eval.h"
#include "xalloc.h"

typedef struct compiler {
    program *prog;
    const policy *pol;
    diag *d;
    int *slot_of;          /* per symbol order: slot, or -1 for params */
    enode **shared;        /* open-addressing table of interned nodes */
    unsigned shared_cap, shared_n;
    frame scratch;         /* for folding constants */
    bool failed;           /* an error was said (a quantile's level) */
    bool bind;             /* parameters are slots, not constants (compile_policy_bound) */
} compiler;

static enode *new_node(compiler *c, node_op op)
{
    enode *n = arena_alloc(&c->prog->arena, sizeof *n);
    n->op = (uint8_t)op;
    n->memo = -1;
    return n;
}

static enode *constant(compiler *c, rb_value v)
{
    enode *n = new_node(c, N_CONST);
    n->k = v;
    return n;
}

static unsigned node_hash(const enode *n)
{
    uintptr_t h = (uintptr_t)n->op * 31u + n->fn;
    h = h * 31u + (uintptr_t)(n->band + 7) * 131u + (uintptr_t)n->slot;
    h = h * 1000003u ^ (uintptr_t)n->a;
    h = h * 1000003u ^ (uintptr_t)n->b;
    h = h * 1000003u ^ (uintptr_t)n->c;
    for (int i = 0; i < n->nargs; i++) {
        h = h * 1000003u ^ (uintptr_t)n->args[i];
        if (n->member_band)
            h = h * 31u + (uintptr_t)(n->member_band[i] + 7);
    }
    return (unsigned)(h ^ (h >> 17));
}

static bool node_same(const enode *x, const enode *y)
{
    if (x->op != y->op || x->fn != y->fn || x->band != y->band || x->slot != y->slot ||
        x->a != y->a || x->b != y->b || x->c != y->c || x->nargs != y->nargs)
        return false;
    for (int i = 0; i < x->nargs; i++) {
        if (x->args[i] != y->args[i])
            return false;
        /* count green of (a, b) and count red of (a, b) differ only here. */
        if ((x->member_band == NULL) != (y->member_band == NULL) ||
            (x->member_band && x->member_band[i] != y->member_band[i]))
            return false;
    }
    return true;
}

static bool is_const(const enode *n) { return !n || n->op == N_CONST; }

/* Folds a node whose operands are all constants; otherwise returns the one
 * node already built for the same expression, marking it shared. */
static enode *finish(compiler *c, enode *n)
{
    /* What reads the element of a list's condition has a value per element,
     * not per account: it is neither folded nor shared.  A where or a list
     * function binds the element, so it is per account again. */
    if (n->op == N_FIELD && !n->a)
        n->elem = true;
    else if (n->op != N_WHERE && n->op != N_LIST) {
        n->elem = (n->a && n->a->elem) || (n->b && n->b->elem) || (n->c && n->c->elem);
        for (int i = 0; i < n->nargs; i++)
            n->elem = n->elem || n->args[i]->elem;
    }
    if (n->elem)
        return n;
    bool all_const = is_const(n->a) && is_const(n->b) && is_const(n->c);
    for (int i = 0; i < n->nargs; i++)
        all_const = all_const && is_const(n->args[i]);
    if (n->op == N_SLOT || n->op == N_FIELD || n->op == N_WHERE || n->op == N_LIST)
        all_const = false;
    if (all_const) {
        rb_value v = eval_node(n, &c->scratch);
        /* Text lower() made lives in the scratch frame, freed after
         * compiling: the constant keeps its own copy. */
        if (v.kind == VK_TEXT)
            v.u.text = arena_strndup(&c->prog->arena, v.u.text, v.len);
        return constant(c, v);
    }

    if (c->shared_n * 2 >= c->shared_cap) {
        unsigned cap = c->shared_cap ? c->shared_cap * 2 : 256;
        enode **table = xcalloc(cap, sizeof *table);
        for (unsigned i = 0; i < c->shared_cap; i++)
            if (c->shared[i]) {
                unsigned h = node_hash(c->shared[i]) & (cap - 1);
                while (table[h])
                    h = (h + 1) & (cap - 1);
                table[h] = c->shared[i];
            }
        free(c->shared);
        c->shared = table;
        c->shared_cap = cap;
    }
    unsigned h = node_hash(n) & (c->shared_cap - 1);
    while (c->shared[h]) {
        enode *old = c->shared[h];
        if (node_same(old, n)) {
            if (old->memo < 0 && old->op != N_SLOT)
                old->memo = c->prog->nmemo++;
            return old;
        }
        h = (h + 1) & (c->shared_cap - 1);
    }
    c->shared[h] = n;
    c->shared_n++;
    return n;
}

static enode *compile_expr(compiler *c, const expr *e);
static enode *compile_population(compiler *c, const expr *e);

static enode *numeric(compiler *c, const expr *e)
{
    enode *n = compile_expr(c, e);
    if (e->type != TY_BANDED)
        return n;
    enode *w = new_node(c, N_AS_NUMBER);
    w->a = n;
    return finish(c, w);
}

static enode *slot_of_symbol(compiler *c, const symbol *s)
{
    if (s->kind == SYM_PARAM && !c->bind)
        return constant(c, c->prog->params[s->index]);
    enode *n = new_node(c, N_SLOT);
    if (s->kind == SYM_PARAM) {
        n->slot = c->prog->param_slot0 + s->index;
        return finish(c, n);
    }
    n->slot = c->slot_of[s->order];
    /* A definition that folded to a constant is that constant everywhere. */
    const step *st = program_step(c->prog, s);
    if (st && st->kind == STEP_VALUE && st->value && st->value->op == N_CONST)
        return st->value;
    return finish(c, n);
}

/* The kind both operands of a comparison have at run time, when not na, as
 * their checked types prove it (numeric() made a measure a number), so the
 * evaluator compares them without asking; VK_NA when it must ask. */
static vkind compared_kind(rb_type l, rb_type r)
{
    bool num_l = l == TY_NUMBER || l == TY_BANDED, num_r = r == TY_NUMBER || r == TY_BANDED;
    if (num_l && num_r)
        return VK_NUM;
    if (l == r && l == TY_DATE)
        return VK_DATE;
    if (l == r && l == TY_TEXT)
        return VK_TEXT;
    return VK_NA;
}

static enode *compile_binary(compiler *c, const expr *e)
{
    const expr *l = e->u.bin.l, *r = e->u.bin.r;
    node_op op;
    switch (e->op) {
    case OP_ADD:
    case OP_SUB:
        if (l->type == TY_DATE || r->type == TY_DATE || l->type == TY_DURATION) {
            op = l->type == TY_DATE && r->type == TY_DATE ? N_DATE_DIFF
                 : e->op == OP_ADD                        ? N_DATE_ADD
                                                          : N_DATE_SUB;
            break;
        }
        op = e->op == OP_ADD ? N_ADD : N_SUB;
        break;
    case OP_MUL: op = N_MUL; break;
    case OP_DIV: op = N_DIV; break;
    case OP_LT: op = N_LT; break;
    case OP_LE: op = N_LE; break;
    case OP_GT: op = N_GT; break;
    case OP_GE: op = N_GE; break;
    case OP_EQ: op = N_EQ; break;
    case OP_NE: op = N_NE; break;
    case OP_AND: op = N_AND; break;
    case OP_OR: op = N_OR; break;
    default: op = N_DEFAULT; break;
    }
    enode *n = new_node(c, op);
    n->a = numeric(c, l);
    n->b = numeric(c, r);
    if (op >= N_LT && op <= N_NE)
        n->cmp = (uint8_t)compared_kind(l->type, r->type);
    return finish(c, n);
}

static enode *compile_expr(compiler *c, const expr *e)
{
    enode *n;
    switch (e->kind) {
    case EX_NUM:
        return constant(c, value_num(e->u.num));
    case EX_TEXT:
        return constant(c, value_text(e->u.text.s, e->u.text.len));
    case EX_BOOL:
        return constant(c, value_bool(e->u.b));
    case EX_NA:
        return constant(c, value_na());
    case EX_DATE:
        return constant(c, value_date(e->u.date));
    case EX_DURATION: {
        rb_value v = value_na();
        v.kind = VK_DUR;
        int amount = e->u.dur.amount;
        switch (e->u.dur.unit) {
        case DUR_DAYS: v.u.dur.days = amount; break;
        case DUR_WEEKS: v.u.dur.days = amount * 7; break;
        case DUR_MONTHS: v.u.dur.months = amount; break;
        case DUR_YEARS: v.u.dur.months = amount * 12; break;
        }
        return constant(c, v);
    }
    case EX_NAME:
        return slot_of_symbol(c, e->u.name.sym);
    case EX_UNARY:
        n = new_node(c, e->op == OP_NOT ? N_NOT : N_NEG);
        n->a = numeric(c, e->u.bin.l);
        return finish(c, n);
    case EX_BINARY:
        return compile_binary(c, e);
    case EX_IF:
        n = new_node(c, N_IF);
        n->a = compile_expr(c, e->u.cond.cond);
        n->b = numeric(c, e->u.cond.then);
        n->c = numeric(c, e->u.cond.els);
        /* Fold only on a known condition; a constant branch alone is not enough. */
        if (n->a->op == N_CONST && n->a->k.kind == VK_BOOL)
            return n->a->k.u.b ? n->b : n->c;
        return finish(c, n);
    case EX_WHERE:
        n = new_node(c, N_WHERE);
        n->a = compile_expr(c, e->u.bin.l);
        n->b = compile_expr(c, e->u.bin.r);
        return finish(c, n);
    case EX_FIELD:
        n = new_node(c, N_FIELD);
        n->slot = e->u.field.index;
        n->a = e->u.field.rec ? compile_expr(c, e->u.field.rec) : NULL;
        return finish(c, n);
    case EX_CALL: {
        if (e->u.call.id == BI_PREV) {
            n = new_node(c, N_SLOT);
            n->slot = c->prog->prev_slot0 + e->u.call.args->e->u.name.sym->prev_index;
            return finish(c, n);
        }
        if (builtin_table[e->u.call.id].takes == BA_POPULATION)
            return compile_population(c, e);
        if (builtin_table[e->u.call.id].takes == BA_LIST) {
            n = new_node(c, N_LIST);
            n->fn = (uint8_t)e->u.call.id;
            n->a = compile_expr(c, e->u.call.args->e);
            n->b = e->u.call.args->next ? numeric(c, e->u.call.args->next->e) : NULL;
            return finish(c, n);
        }
        n = new_node(c, N_CALL);
        n->fn = (uint8_t)e->u.call.id;
        n->nargs = e->u.call.nargs;
        n->args = arena_alloc(&c->prog->arena, (size_t)n->nargs * sizeof *n->args);
        int i = 0;
        for (expr_list *a = e->u.call.args; a; a = a->next)
            n->args[i++] = builtin_table[n->fn].takes == BA_NUMBER ? numeric(c, a->e) : compile_expr(c, a->e);
        return finish(c, n);
    }
    case EX_IS:
        n = new_node(c, e->u.is.band ? N_IS_BAND : N_IS_NA);
        n->a = compile_expr(c, e->u.is.e);
        if (e->u.is.band) {
            const scheme *s = expr_scheme(e->u.is.e);
            n->band = (int16_t)scheme_band_index(s, e->u.is.band);
        }
        return finish(c, n);
    case EX_COUNT: {
        n = new_node(c, N_COUNT);
        for (name_ref *m = e->u.count.members; m; m = m->next)
            n->nargs++;
        n->args = arena_alloc(&c->prog->arena, (size_t)n->nargs * sizeof *n->args);
        n->member_band = arena_alloc(&c->prog->arena, (size_t)n->nargs * sizeof *n->member_band);
        int i = 0;
        /* Members may use different schemes: the band is looked up in each. */
        for (name_ref *m = e->u.count.members; m; m = m->next, i++) {
            n->args[i] = slot_of_symbol(c, m->sym);
            n->member_band[i] = (int16_t)scheme_band_index(m->sym->scheme, e->u.count.band);
        }
        return finish(c, n);
    }
    }
    return constant(c, value_na());
}

/* quantile(x, p) by cohort: never folded nor shared, each is a value of
 * its own (population.h). */
static enode *compile_population(compiler *c, const expr *e)
{
    program *prog = c->prog;
    enode *n = new_node(c, N_POP);
    n->fn = (uint8_t)e->u.call.id;
    n->slot = prog->npops;
    const expr_list *a = e->u.call.args;
    n->a = numeric(c, a->e);
    rb_num p = num_from_int(0);
    if (n->fn == BI_QUANTILE) {
        const enode *level = numeric(c, a->next->e);
        bool ok = level->op == N_CONST && level->k.kind == VK_NUM;
        if (ok)
            p = level->k.u.num;
        if (!ok || num_cmp(p, num_from_int(0)) < 0 || num_cmp(p, num_from_int(1)) > 0) {
            diag_error(c->d, a->next->e->loc, "quantile()'s level must be a number from 0 to 1 (90%% or 0.9) that "
                       "is the same for every account");
            c->failed = true;
        }
    }
    if (e->u.call.by)
        n->c = compile_expr(c, e->u.call.args->last->e);
    prog->pops = xrealloc(prog->pops, (size_t)(prog->npops + 1) * sizeof *prog->pops);
    prog->pops[prog->npops++] = (pop_call){e, n->fn, 0, p, n};
    return n;
}

static int count_clauses(const clause *cl, clause_kind kind)
{
    int n = 0;
    for (; cl; cl = cl->next)
        n += cl->kind == kind;
    return n;
}

static enode **compile_clauses(compiler *c, const clause *cl, clause_kind kind, int n)
{
    enode **out = arena_alloc(&c->prog->arena, (size_t)(n ? n : 1) * sizeof *out);
    int i = 0;
    for (; cl; cl = cl->next)
        if (cl->kind == kind)
            out[i++] = compile_expr(c, cl->cond);
    return out;
}

/* st->tests' edges in one array, for the matcher's loop (program.h). */
static void fixed_edges(compiler *c, step *st)
{
    int n = 0;
    for (int t = 0; t < st->ntests; t++)
        n += st->tests[t].nedges ? st->tests[t].nedges : 1;
    fixed_edge *e = st->edges = arena_alloc(&c->prog->arena, (size_t)(n ? n : 1) * sizeof *e);
    for (int t = 0; t < st->ntests; t++) {
        const band_test *bt = &st->tests[t];
        if (bt->nedges == 0) {
            *e++ = (fixed_edge){.limit = num_from_int(0), .accepts = 0xF, .last = true, .otherwise = true, .skip = 1,
                                .band = (int8_t)bt->band};
            continue;
        }
        for (int k = 0; k < bt->nedges; k++)
            *e++ = (fixed_edge){.limit = bt->fixed_limit[k], .accepts = bt->accepts[k], .last = k == bt->nedges - 1,
                                .skip = (uint8_t)(bt->nedges - k), .band = (int8_t)bt->band};
    }
}

static void compile_tests(compiler *c, step *st, const scheme *sch, band_rule *rules, bool scheme_ranges)
{
    int n = 0;
    if (scheme_ranges) {
        for (int i = 0; i < sch->nbands; i++)
            n += sch->rules[i]->nedges > 0 || sch->rules[i]->otherwise;
    } else {
        for (band_rule *r = rules; r; r = r->next)
            n++;
    }
    st->tests = arena_alloc(&c->prog->arena, (size_t)(n ? n : 1) * sizeof *st->tests);
    st->ntests = 0;
    st->all_fixed = true;
    for (int i = 0;; i++) {
        const band_rule *r;
        if (scheme_ranges) {
            if (i >= sch->nbands)
                break;
            r = sch->rules[i];
            if (r->nedges == 0 && !r->otherwise)
                continue;
        } else {
            r = rules;
            if (!r)
                break;
            rules = rules->next;
        }
        band_test *t = &st->tests[st->ntests++];
        t->band = scheme_band_index(sch, r->band);
        t->nedges = r->nedges;
        t->rule = r;
        for (int e = 0; e < r->nedges; e++) {
            t->op[e] = r->edges[e].op;
            t->limit[e] = numeric(c, r->edges[e].limit);
            /* Most thresholds are literals or parameters: compare with the
             * number itself instead of evaluating a node per account. */
            t->accepts[e] = op_accepts(t->op[e]);
            if (t->limit[e]->op == N_CONST && t->limit[e]->k.kind == VK_NUM) {
                t->fixed[e] = true;
                t->fixed_limit[e] = t->limit[e]->k.u.num;
            } else {
                st->all_fixed = false;
            }
        }
    }
    if (st->all_fixed)
        fixed_edges(c, st);
    st->band_scores = arena_alloc(&c->prog->arena, (size_t)sch->nbands * sizeof *st->band_scores);
    for (int i = 0; i < sch->nbands; i++) {
        enode *k = numeric(c, sch->rules[i]->score);
        /* check_scores() refused to compile when one is not a number. */
        st->band_scores[i] = k->op == N_CONST && k->k.kind == VK_NUM ? k->k.u.num : num_from_int(0);
    }
}

/* `--param green_at=60` for a parameter whose default is `50%` sets 6000%:
 * every account quietly stops being green.  A plain number above 1 given
 * to a parameter written as a percentage is almost surely that slip. */
static void warn_percent_units(compiler *c, const symbol *s, const char *text, const rb_value *v)
{
    if (!text || !s->decl || !s->decl->value || v->kind != VK_NUM || strchr(text, '%'))
        return;
    const rb_loc *at = &s->decl->value->loc;
    if (at->end <= at->begin || at->src->text[at->end - 1] != '%')
        return;
    if (num_cmp(v->u.num, num_from_int(1)) != 1)
        return;
    char shown[32];
    num_format(num_mul(v->u.num, num_from_int(100)), shown);
    diag_warning(c->d, *at,
                 "--param %s=%s sets %s%%: the default is written as a percentage, so %s%% is probably meant",
                 s->name, text, shown, text);
}

static bool apply_settings(compiler *c, const param_setting *set, int nset)
{
    const policy *p = c->pol;
    bool ok = true;
    program *prog = c->prog;
    bool *given = xcalloc((size_t)p->nparams + 1, sizeof *given);
    for (int i = 0; i < nset; i++) {
        symbol *s = policy_lookup(p, set[i].name);
        if (!s || s->kind != SYM_PARAM) {
            const char *best = closest_symbol(set[i].name, p->params, p->nparams);
            /* Named by its file: diff compiles two policies, and --param
             * is NEW's alone. */
            const char *file = p->sources ? p->sources->path : "the policy";
            if (best)
                diag_plain_error(c->d, "--param %s: %s has no parameter '%s' (did you mean '%s'?)", set[i].name, file, set[i].name,
                                 best);
            else
                diag_plain_error(c->d, "--param %s: %s has no parameter '%s'", set[i].name, file, set[i].name);
            ok = false;
            continue;
        }
        rb_value v;
        if (set[i].given)
            v = *set[i].given;
        else if (!value_from_text(s->type, set[i].value, strlen(set[i].value), &v)) {
            const char *t = set[i].value + strspn(set[i].value, " \t");
            if (s->type == TY_DURATION && t[0] == '-')
                /* A length of time has no sign; the policy says which way. */
                diag_plain_error(c->d, "--param %s: '%s' is negative; a duration is a length of time such as '1 month' "
                                 "or '90 days', and the policy adds or subtracts it", s->name, set[i].value);
            else
                diag_plain_error(c->d, "%s%s: '%s' is not a %s", s->decl ? "--param " : "--as-of", s->decl ? s->name : "", set[i].value, type_name(s->type));
            ok = false;
            continue;
        }
        warn_percent_units(c, s, set[i].value, &v);
        prog->params[s->index] = v;
        given[s->index] = true;
    }
    /* Defaults in dependency order, so one may be built from another. */
    for (int i = 0; i < p->norder; i++) {
        const symbol *s = p->order[i];
        if (s->kind != SYM_PARAM || given[s->index])
            continue;
        if (!s->decl)
            prog->params[s->index] = value_date(date_today_utc());
        else {
            enode *k = compile_expr(c, s->decl->value);
            prog->params[s->index] = k->op == N_CONST ? k->k : value_na();
        }
    }
    free(given);
    return ok;
}

/* A band's score built from parameters can come to na (100 / 0) or to no
 * number at all: refuse to run rather than score that band 0.  With bound
 * parameters a score is still a constant of the program, so it cannot use
 * one. */
static bool check_scores(compiler *c, const policy *p)
{
    bool ok = true;
    for (int s = 0; s < p->nschemes; s++) {
        const scheme *sch = p->schemes[s];
        for (int i = 0; i < sch->nbands; i++) {
            enode *k = numeric(c, sch->rules[i]->score);
            if (k->op == N_CONST && k->k.kind == VK_NUM)
                continue;
            const expr *param = c->bind ? expr_param(sch->rules[i]->score, false) : NULL;
            if (param)
                diag_error(c->d, param->loc,
                           "the score of band '%s' in scheme '%s' uses the parameter '%s', which cannot be bound: "
                           "a band's score is a constant of the query (leave out --bind to write its value into it)",
                           sch->bands[i], sch->name, param->u.name.name);
            else
                diag_error(c->d, sch->rules[i]->score->loc,
                           "the score of band '%s' in scheme '%s' is not a number with these parameters",
                           sch->bands[i], sch->name);
            ok = false;
        }
    }
    return ok;
}

/* A previous period given by its band (`given prev(scm) = "yellow"`): the
 * band, with the scheme's score for it as both score and value. */
static rb_value given_band(compiler *c, const scheme *s, const rb_value *text)
{
    rb_value v = value_na();
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)text->len, text->u.text);
    int band = scheme_band_index(s, name);
    if (band < 0)
        return v;
    v.kind = VK_BANDED;
    v.band = (int8_t)band;
    enode *score = compile_expr(c, s->rules[band]->score);
    if (score->op == N_CONST && score->k.kind == VK_NUM) {
        v.has_score = true;
        v.score = score->k.u.num;
        v.u.num = score->k.u.num;
    }
    return v;
}

static void compile_tests_of(compiler *c, const policy *p)
{
    program *prog = c->prog;
    for (const decl *x = p->decls; x; x = x->next)
        if (x->kind == D_TEST && x->loc.src == p->sources)
            prog->ntests++;
    prog->tests = arena_alloc(&prog->arena, (size_t)(prog->ntests + 1) * sizeof *prog->tests);
    int i = 0;
    for (const decl *x = p->decls; x; x = x->next) {
        if (x->kind != D_TEST || x->loc.src != p->sources)
            continue;
        test_case *t = &prog->tests[i++];
        t->decl = x;
        for (const name_ref *g = x->givens; g; g = g->next)
            t->ngivens++;
        t->given_sym = arena_alloc(&prog->arena, (size_t)(t->ngivens + 1) * sizeof *t->given_sym);
        t->given_value = arena_alloc(&prog->arena, (size_t)(t->ngivens + 1) * sizeof *t->given_value);
        t->given_slot = arena_alloc(&prog->arena, (size_t)(t->ngivens + 1) * sizeof *t->given_slot);
        int j = 0;
        for (const name_ref *g = x->givens; g; g = g->next, j++) {
            t->given_sym[j] = g->sym;
            enode *k = compile_expr(c, g->weight);
            t->given_value[j] = k->op == N_CONST ? k->k : value_na();
            t->given_slot[j] = !g->sym                     ? -1
                               : g->prev                   ? prog->prev_slot0 + g->sym->prev_index
                               : g->sym->kind == SYM_INPUT ? g->sym->index
                                                           : -1;
            if (g->prev && g->sym && g->sym->type == TY_BANDED && t->given_value[j].kind == VK_TEXT)
                t->given_value[j] = given_band(c, g->sym->scheme, &t->given_value[j]);
        }
        for (const clause *cl = x->clauses; cl; cl = cl->next)
            t->nexpects++;
        t->expects = arena_alloc(&prog->arena, (size_t)(t->nexpects + 1) * sizeof *t->expects);
        j = 0;
        for (const clause *cl = x->clauses; cl; cl = cl->next)
            t->expects[j++] = compile_expr(c, cl->cond);
    }
}

static program *compile(const policy *p, const param_setting *settings, int nsettings, bool bind, diag *d)
{
    program *prog = xcalloc(1, sizeof *prog);
    arena_init(&prog->arena);
    prog->pol = p;
    compiler c = {prog, p, d, NULL, NULL, 0, 0, {0}, false, false};
    frame_init(&c.scratch, prog);
    prog->params = arena_alloc(&prog->arena, (size_t)(p->nparams + 1) * sizeof *prog->params);
    /* The values set or defaulted are kept either way: bound, they are
     * what the query's placeholders default to. */
    bool ok = apply_settings(&c, settings, nsettings);
    c.bind = bind;
    c.slot_of = xmalloc((size_t)(p->norder + 1) * sizeof *c.slot_of);
    prog->ninputs = p->ninputs;
    prog->nslots = p->ninputs;
    for (int i = 0; i < p->norder; i++) {
        const symbol *s = p->order[i];
        c.slot_of[i] = s->kind == SYM_INPUT ? s->index : s->kind == SYM_PARAM ? -1 : prog->nslots++;
    }
    /* What prev() reads: filled per account, like inputs, from the
     * history (or a test's givens) before the steps run. */
    prog->prev_slot0 = prog->nslots;
    prog->nprevs = p->nprevs;
    prog->nslots += p->nprevs;
    prog->param_slot0 = bind ? prog->nslots : -1;
    if (bind)
        prog->nslots += p->nparams;
    if (!ok || !check_scores(&c, p)) {
        frame_free(&c.scratch);
        free(c.shared);
        free(c.slot_of);
        program_free(prog);
        return NULL;
    }
    prog->steps = arena_alloc(&prog->arena, (size_t)(p->norder + 1) * sizeof *prog->steps);
    for (int i = 0; i < p->norder; i++) {
        const symbol *s = p->order[i];
        if (s->kind == SYM_INPUT || s->kind == SYM_PARAM)
            continue;
        step *st = &prog->steps[prog->nsteps];
        st->sym = s;
        st->slot = c.slot_of[i];
        const decl *dl = s->decl;
        if (s->kind == SYM_LET || s->kind == SYM_METRIC || s->kind == SYM_ACTION) {
            st->kind = STEP_VALUE;
            st->value = compile_expr(&c, dl->value);
            /* An action fires or does not: a condition that is na does not. */
            if (s->kind == SYM_ACTION) {
                enode *fires = new_node(&c, N_DEFAULT);
                fires->a = st->value;
                fires->b = constant(&c, value_bool(false));
                st->value = finish(&c, fires);
            }
        } else {
            st->kind = s->kind == SYM_MEASURE ? STEP_MEASURE : STEP_GROUP;
            st->scheme = s->scheme;
            st->n_na_when = count_clauses(dl->clauses, CL_NA_WHEN);
            st->n_applies = count_clauses(dl->clauses, CL_APPLIES_WHEN);
            st->na_when = compile_clauses(&c, dl->clauses, CL_NA_WHEN, st->n_na_when);
            st->applies = compile_clauses(&c, dl->clauses, CL_APPLIES_WHEN, st->n_applies);
            for (grade_point *g = dl->grades; g; g = g->next)
                st->ngrades++;
            st->grade_at = arena_alloc(&prog->arena, (size_t)(st->ngrades + 1) * sizeof *st->grade_at);
            st->grade_score = arena_alloc(&prog->arena, (size_t)(st->ngrades + 1) * sizeof *st->grade_score);
            int k = 0;
            for (grade_point *g = dl->grades; g; g = g->next, k++) {
                st->grade_at[k] = numeric(&c, g->at);
                st->grade_score[k] = numeric(&c, g->score);
            }
            if (s->kind == SYM_MEASURE) {
                st->value = numeric(&c, dl->value);
                st->score_bands = dl->grades && !dl->bands;
                compile_tests(&c, st, s->scheme, dl->bands, st->score_bands);
            } else {
                compile_tests(&c, st, s->scheme, NULL, true);
                st->agg = dl->agg;
                for (name_ref *m = dl->members; m; m = m->next)
                    st->nmembers++;
                st->member_slots = arena_alloc(&prog->arena, (size_t)st->nmembers * sizeof *st->member_slots);
                st->weights = arena_alloc(&prog->arena, (size_t)st->nmembers * sizeof *st->weights);
                int j = 0;
                for (name_ref *m = dl->members; m; m = m->next, j++) {
                    st->member_slots[j] = c.slot_of[m->sym->order];
                    st->weights[j] = m->weight ? numeric(&c, m->weight) : NULL;
                }
            }
        }
        prog->nsteps++;
    }
    program_shape(prog);
    compile_tests_of(&c, p);
    population_plan(prog);
    if (bind) {
        /* A default computed from other parameters is computed again from
         * the values bound, as run computes it from those given. */
        prog->param_defaults = arena_alloc(&prog->arena, (size_t)(p->nparams + 1) * sizeof *prog->param_defaults);
        for (int i = 0; i < p->nparams; i++) {
            const decl *dl = p->params[i]->decl;
            prog->param_defaults[i] = dl && expr_param(dl->value, false) ? compile_expr(&c, dl->value) : NULL;
        }
    }
    prog->output_slot = arena_alloc(&prog->arena, (size_t)(p->noutputs + 1) * sizeof *prog->output_slot);
    for (int i = 0; i < p->noutputs; i++)
        prog->output_slot[i] = c.slot_of[p->outputs[i]->order];
    free(c.slot_of);
    free(c.shared);
    frame_free(&c.scratch);
    if (c.failed) {
        program_free(prog);
        return NULL;
    }
    return prog;
}

program *compile_policy(const policy *p, const param_setting *settings, int nsettings, diag *d)
{
    return compile(p, settings, nsettings, false, d);
}

program *compile_policy_bound(const policy *p, const param_setting *settings, int nsettings, diag *d)
{
    return compile(p, settings, nsettings, true, d);
}

bool step_in_percent(const step *st)
{
    /* Bands from the graded score: the value is read against the points. */
    if (st && st->score_bands)
        return expr_written_in_percent(st->sym->decl->grades->at);
    for (int i = 0; st && i < st->ntests; i++) {
        const band_rule *r = st->tests[i].rule;
        for (int e = 0; r && e < r->nedges; e++)
            if (expr_written_in_percent(r->edges[e].limit))
                return true;
    }
    return false;
}

int step_thresholds(const step *st, double *out, int cap)
{
    int n = 0;
    if (st && st->score_bands)
        return 0; /* its thresholds are on its score, not its value */
    for (int i = 0; st && i < st->ntests; i++)
        for (int e = 0; e < st->tests[i].nedges; e++) {
            if (!st->tests[i].fixed[e])
                continue;
            double v = num_to_double(st->tests[i].fixed_limit[e]);
            bool seen = !isfinite(v);
            for (int k = 0; k < n; k++)
                seen |= out[k] == v;
            if (!seen && n < cap)
                out[n++] = v;
        }
    for (int i = 1; i < n; i++) /* a few thresholds: insertion sort */
        for (int k = i; k > 0 && out[k - 1] > out[k]; k--) {
            double t = out[k];
            out[k] = out[k - 1];
            out[k - 1] = t;
        }
    return n;
}
