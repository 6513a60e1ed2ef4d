/* check.c - resolve every name, type every expression, find cycles; all
 * before any data is read.  Produces the evaluation order (dependencies
 * first) that the compiler follows. */
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "check.h"
#include "check_text.h"
#include "declare.h"
#include "types.h"
#include "value.h"
#include "policy.h"
#include "names.h"
#include "xalloc.h"

typedef struct checker {
    policy *p;
    diag *d;
    symbol **path;       /* the definitions being typed, outermost first */
    int depth, cap;
    symbol *param_ctx;   /* typing a parameter default: only constants */
    bool given_ctx;      /* typing a test's given value: only constants */
    int list_stamp;      /* duplicate detection in member lists */
    int nesting;         /* check_expr calls under way */
    bool nesting_reported;
    scheme *scheme_ctx;  /* typing a scheme score */
    const record_type *elem; /* typing a condition on each element of a list */
} checker;

static rb_type check_expr(checker *c, expr *e);
static rb_type check_expr_at(checker *c, expr *e);
static void visit(checker *c, symbol *s);

static bool numeric(rb_type t) { return type_numeric(t); }
static bool unknown(rb_type t) { return t == TY_NA || t == TY_ERROR; }

static void report_cycle(checker *c, symbol *s, rb_loc loc)
{
    int start = c->depth - 1;
    while (start > 0 && c->path[start] != s)
        start--;
    size_t cap = 64;
    for (int i = start; i < c->depth; i++)
        cap += strlen(c->path[i]->name) + 4;
    char *msg = xmalloc(cap);
    msg[0] = '\0';
    for (int i = start; i < c->depth; i++) {
        strcat(msg, c->path[i]->name);
        strcat(msg, " -> ");
    }
    strcat(msg, s->name);
    diag_error(c->d, loc, "definition cycle: %s", msg);
    free(msg);
}

static scheme *scheme_of_expr(checker *c, expr *e)
{
    (void)c;
    return expr_scheme(e);
}


/* A text literal compared with an input declared `one of ...` must be one
 * of its choices: a typo there would silently never match. */
static rb_type expect(checker *c, expr *e, rb_type want, const char *role)
{
    rb_type t = check_expr(c, e);
    bool ok = want == TY_NUMBER ? numeric(t) : (t == want || unknown(t));
    if (!ok)
        diag_error(c->d, e->loc, "%s must be a %s, not a %s", role, type_name(want), type_name(t));
    return ok ? t : TY_ERROR;
}

static rb_type check_binary(checker *c, expr *e)
{
    rb_type l = check_expr(c, e->u.bin.l), r = check_expr(c, e->u.bin.r);
    if (l == TY_ERROR || r == TY_ERROR)
        return TY_ERROR;
    rb_op op = e->op;
    if (op >= OP_LT && op <= OP_NE) {
        check_choice(c->d, enumeration_of(e->u.bin.l, c->elem), e->u.bin.r);
        check_choice(c->d, enumeration_of(e->u.bin.r, c->elem), e->u.bin.l);
        if (op == OP_EQ || op == OP_NE) {
            check_text_shape(c->d, e->u.bin.l, e->u.bin.r);
            check_text_shape(c->d, e->u.bin.r, e->u.bin.l);
        }
    }
    /* One chosen element or another: `max_by(a, x) ?? max_by(b, x)`. */
    if (op == OP_DEFAULT && l == TY_RECORD && (r == TY_NA || (r == TY_RECORD && e->u.bin.l->rec == e->u.bin.r->rec))) {
        e->rec = e->u.bin.l->rec;
        return TY_RECORD;
    }
    char why[256];
    rb_type t = binary_type(op, l, r, why, sizeof why);
    if (t == TY_ERROR)
        diag_error(c->d, e->loc, "%s", why);
    return t;
}

static rb_type check_list_call(checker *c, expr *e, rb_type list_type);

/* prev(x): x's value at the account's previous recorded period.  It reads
 * history, not x's definition, so x may itself use prev(x) (a running
 * count); only its type is needed. */
static rb_type check_prev(checker *c, expr *e)
{
    expr *arg = e->u.call.nargs == 1 ? e->u.call.args->e : NULL;
    if (!arg || arg->kind != EX_NAME) {
        diag_error(c->d, arg ? arg->loc : e->loc, "prev() takes the name of an output (a measure, group or metric)");
        return TY_ERROR;
    }
    symbol *s = policy_lookup(c->p, arg->u.name.name);
    if (!s) {
        unknown_name(c->p, c->d, arg->loc, "output", arg->u.name.name, NULL, 0);
        return TY_ERROR;
    }
    if (!s->is_output) {
        diag_error(c->d, arg->loc, "prev() reads what an earlier run recorded, its outputs; '%s' is %s", s->name,
                   a_kind(s->kind));
        return TY_ERROR;
    }
    if (s->state == 0)
        visit(c, s);
    arg->u.name.sym = s;
    /* A metric reading its own last value (a running count) is being
     * typed: its previous value takes the type of what it is combined
     * with, as na does. */
    arg->type = s->kind != SYM_METRIC ? TY_BANDED : s->state == 1 ? TY_NA : s->type;
    s->used = true;
    if (s->prev_index < 0) {
        s->prev_index = c->p->nprevs;
        c->p->prevs[c->p->nprevs++] = s;
    }
    return arg->type;
}

static rb_type check_call(checker *c, expr *e)
{
    int id = builtin_find(e->u.call.fn);
    bool population = id >= 0 && builtin_table[id].takes == BA_POPULATION;
    if (population || e->u.call.by) {
        rb_type types[BUILTIN_POP_ARGS];
        int i = 0;
        for (expr_list *a = e->u.call.args; a; a = a->next, i++) {
            rb_type t = check_expr(c, a->e);
            if (i < BUILTIN_POP_ARGS)
                types[i] = t;
        }
        e->u.call.id = population ? id : -1;
        const char *where = c->elem ? "for each element of a list" : c->param_ctx ? "in a parameter's default"
                            : c->given_ctx ? "in a test's given value" : c->scheme_ctx ? "in a scheme's score" : NULL;
        return builtin_check_population(c->d, e, where, types);
    }
    /* min and max over a list, count(list): decided by the first argument. */
    int list_id = builtin_find_list(e->u.call.fn);
    if (list_id >= 0 && e->u.call.args) {
        rb_type first = check_expr(c, e->u.call.args->e);
        if (first == TY_LIST || id == list_id) {
            e->u.call.id = list_id;
            return check_list_call(c, e, first);
        }
        if (first == TY_ERROR) {
            for (expr_list *a = e->u.call.args->next; a; a = a->next)
                check_expr(c, a->e);
            return TY_ERROR;
        }
    }
    e->u.call.id = id;
    if (id == BI_PREV)
        return check_prev(c, e);
    if (id < 0) {
        const char *names[BI_COUNT];
        for (int i = 0; i < BI_COUNT; i++)
            names[i] = builtin_table[i].name;
        unknown_name(c->p, c->d, e->u.call.fn_loc, "function", e->u.call.fn, names, BI_COUNT);
        for (expr_list *a = e->u.call.args; a; a = a->next)
            check_expr(c, a->e);
        return TY_ERROR;
    }
    const builtin_info *bi = &builtin_table[id];
    int n = e->u.call.nargs;
    if (bi->takes == BA_LIST) { /* given no list at all: any argument goes to check_list_call */
        diag_error(c->d, e->loc, "%s() takes %s, not 0 arguments", bi->name,
                   bi->min_args == 1 ? "one list" : "a list and what to compute for each element");
        return TY_ERROR;
    }
    if (n < bi->min_args || n > bi->max_args) {
        if (bi->min_args == bi->max_args)
            diag_error(c->d, e->loc, "%s() takes %d argument%s, not %d", bi->name, bi->min_args, bi->min_args == 1 ? "" : "s", n);
        else
            diag_error(c->d, e->loc, "%s() takes %d to %d arguments, not %d", bi->name, bi->min_args, bi->max_args, n);
    }
    for (expr_list *a = e->u.call.args; a; a = a->next) {
        /* The first argument was typed above when the name has a list form. */
        rb_type t = list_id >= 0 && a == e->u.call.args ? a->e->type : check_expr(c, a->e);
        switch (bi->takes) {
        case BA_LIST:
        case BA_OUTPUT:
        case BA_POPULATION:
            break;
        case BA_MEASURE:
            if (t != TY_BANDED && !unknown(t))
                diag_error(c->d, a->e->loc, "%s() takes a measure or group, not a %s", bi->name, type_name(t));
            break;
        case BA_TEXT:
            if (t != TY_TEXT && !unknown(t))
                diag_error(c->d, a->e->loc, "%s() takes text, not a %s", bi->name, type_name(t));
            break;
        case BA_NUMBER:
            if (!numeric(t))
                diag_error(c->d, a->e->loc, "%s() takes numbers, not a %s", bi->name, type_name(t));
            break;
        }
    }
    return bi->gives;
}

/* count(L), sum(L, E), any(L, C), max_by(L, E)...: E typed once, for the
 * element of L it will be computed for. */
static rb_type check_list_call(checker *c, expr *e, rb_type list_type)
{
    const builtin_info *bi = &builtin_table[e->u.call.id];
    expr *list = e->u.call.args->e;
    int n = e->u.call.nargs;
    if (n != bi->min_args) {
        if (bi->min_args == 1)
            diag_error(c->d, e->loc, "%s() takes one list, not %d arguments", bi->name, n);
        else
            diag_error(c->d, e->loc, "%s() takes a list and what to compute for each element, not %d argument%s",
                       bi->name, n, n == 1 ? "" : "s");
    }
    if (list_type != TY_LIST && !unknown(list_type)) {
        diag_error(c->d, list->loc, "%s() takes a list as its first argument, not a %s", bi->name, type_name(list_type));
        list_type = TY_ERROR;
    }
    if (n < 2 || !e->u.call.args->next) {
        if (e->u.call.id != BI_LIST_COUNT)
            return TY_ERROR;
        return list_type == TY_ERROR ? TY_ERROR : TY_NUMBER;
    }
    expr *each = e->u.call.args->next->e;
    for (expr_list *a = e->u.call.args->next->next; a; a = a->next)
        check_expr(c, a->e);
    if (c->elem) {
        diag_error(c->d, e->loc, "%s() cannot be used inside a condition on a list's elements: "
                                 "define it with 'let' outside the condition, and use that name", bi->name);
        return TY_ERROR;
    }
    rb_type t = TY_ERROR;
    if (list->rec && list_type == TY_LIST) {
        c->elem = list->rec;
        t = check_expr(c, each);
        c->elem = NULL;
    } else {
        return TY_ERROR;
    }
    if (t == TY_ERROR)
        return TY_ERROR;
    switch ((builtin_id)e->u.call.id) {
    case BI_LIST_ANY:
    case BI_LIST_ALL:
        if (t != TY_BOOL && t != TY_NA) {
            diag_error(c->d, each->loc, "%s() takes a condition for each element (true or false), not a %s", bi->name, type_name(t));
            return TY_ERROR;
        }
        return TY_BOOL;
    case BI_LIST_MIN:
    case BI_LIST_MAX:
        if (t == TY_DATE)
            return TY_DATE;
        /* fall through */
    case BI_LIST_SUM:
    case BI_LIST_MEAN:
        if (!numeric(t)) {
            diag_error(c->d, each->loc, "%s() %s, not a %s", bi->name, e->u.call.id == BI_LIST_MIN ||
                       e->u.call.id == BI_LIST_MAX ? "compares numbers or dates" : "adds up numbers", type_name(t));
            return TY_ERROR;
        }
        return TY_NUMBER;
    case BI_LIST_MAX_BY:
    case BI_LIST_MIN_BY:
        if (!numeric(t) && t != TY_DATE && t != TY_TEXT) {
            diag_error(c->d, each->loc, "%s() ranks elements by a number, a date or text, not a %s", bi->name, type_name(t));
            return TY_ERROR;
        }
        e->rec = list->rec;
        return TY_RECORD;
    default:
        return TY_ERROR;
    }
}

/* A bare name inside a condition on a list's elements: the element's
 * field, unless the account has a definition of that name too, which
 * would make the condition say something else than it seems to. */
static bool resolve_field(checker *c, expr *e)
{
    int index = record_field_index(c->elem, e->u.name.name);
    if (index < 0)
        return false;
    const char *name = e->u.name.name;
    symbol *other = policy_lookup(c->p, name);
    if (other && other->decl)
        diag_error(c->d, e->loc, "'%s' is both a field of record '%s' and %s of the policy: rename one of them",
                   name, c->elem->name, a_kind(other->kind));
    else if (other)
        diag_error(c->d, e->loc, "'%s' is both a field of record '%s' and the built-in evaluation date: "
                   "rename the field", name, c->elem->name);
    rb_loc loc = e->loc;
    e->kind = EX_FIELD;
    e->u.field.rec = NULL;
    e->u.field.name = name;
    e->u.field.name_loc = loc;
    e->u.field.index = index;
    return true;
}

static rb_type check_field(checker *c, expr *e)
{
    if (!e->u.field.rec)
        return c->elem->types[e->u.field.index];
    rb_type t = check_expr(c, e->u.field.rec);
    if (unknown(t))
        return t;
    const record_type *r = e->u.field.rec->rec;
    if (t != TY_RECORD || !r) {
        if (t == TY_LIST)
            diag_error(c->d, e->u.field.name_loc, "'.%s' needs one element, and this is a list: choose one with "
                                                  "max_by() or min_by(), or add them up with sum()", e->u.field.name);
        else
            diag_error(c->d, e->u.field.name_loc, "'.%s' needs a record, not a %s", e->u.field.name, type_name(t));
        return TY_ERROR;
    }
    e->u.field.index = record_field_index(r, e->u.field.name);
    if (e->u.field.index < 0) {
        unknown_field(c->d, e->u.field.name_loc, r, e->u.field.name);
        return TY_ERROR;
    }
    return r->types[e->u.field.index];
}

static rb_type check_where(checker *c, expr *e)
{
    expr *list = e->u.bin.l;
    rb_type t = check_expr(c, list);
    if (c->elem) {
        diag_error(c->d, e->loc, "'where' cannot be used inside a condition on a list's elements: define the "
                                 "inner list with 'let' outside the condition, and use that name");
        return TY_ERROR;
    }
    if (t != TY_LIST) {
        if (!unknown(t))
            diag_error(c->d, list->loc, "'where' picks elements of a list, not of a %s", type_name(t));
        check_expr(c, e->u.bin.r);
        return TY_ERROR;
    }
    c->elem = list->rec;
    rb_type k = check_expr(c, e->u.bin.r);
    c->elem = NULL;
    if (k != TY_BOOL && !unknown(k)) {
        diag_error(c->d, e->u.bin.r->loc, "the condition after 'where' must be true or false, not a %s", type_name(k));
        return TY_ERROR;
    }
    e->rec = list->rec;
    return TY_LIST;
}

static symbol *resolve(checker *c, const char *name, rb_loc loc)
{
    symbol *s = policy_lookup(c->p, name);
    if (!s) {
        unknown_bare_name(c->p, c->d, loc, name, c->elem);
        return NULL;
    }
    if (s->state == 1) {
        report_cycle(c, s, loc);
        return NULL;
    }
    visit(c, s);
    s->used = true;
    if (c->param_ctx && s->kind != SYM_PARAM) {
        diag_error(c->d, loc, "the default of parameter '%s' must not depend on %s '%s'", c->param_ctx->name, kind_word(s->kind), name);
        return NULL;
    }
    if (c->given_ctx && s->kind != SYM_PARAM) {
        diag_error(c->d, loc, "a 'given' value must be a constant, not %s '%s'", kind_word(s->kind), name);
        return NULL;
    }
    if (c->scheme_ctx && s->kind != SYM_PARAM) {
        diag_error(c->d, loc, "scores of scheme '%s' must be numbers or parameters, not %s '%s'", c->scheme_ctx->name, kind_word(s->kind), name);
        return NULL;
    }
    return s;
}

static rb_type check_members(checker *c, name_ref *members, const char *role)
{
    /* Duplicates are found by stamping each member's symbol, so a list of
     * thousands of members stays linear. */
    for (name_ref *m = members; m; m = m->next)
        m->sym = resolve(c, m->name, m->loc);
    int stamp = ++c->list_stamp;
    for (name_ref *m = members; m; m = m->next) {
        if (m->sym && m->sym->list_stamp == stamp)
            diag_error(c->d, m->loc, "'%s' is listed twice in this %s", m->name, role);
        if (m->sym)
            m->sym->list_stamp = stamp;
        if (m->sym && m->sym->type != TY_BANDED && m->sym->type != TY_ERROR) {
            diag_error(c->d, m->loc, "'%s' is %s; a %s takes measures and groups", m->name, a_kind(m->sym->kind), role);
            m->sym = NULL;
        }
        if (m->weight)
            expect(c, m->weight, TY_NUMBER, "a weight");
    }
    return TY_NUMBER;
}

/* Typing recurses through expressions and, at each name, into the
 * definition it names: a chain of definitions each nested near the limit
 * multiplies the two.  This bounds the whole descent, whatever its shape. */
enum { MAX_CHECK_NESTING = 3000 };

static rb_type check_expr(checker *c, expr *e)
{
    if (c->nesting >= MAX_CHECK_NESTING) {
        if (!c->nesting_reported)
            diag_error(c->d, e->loc, "definitions and expressions here nest more than %d levels deep in all", MAX_CHECK_NESTING);
        c->nesting_reported = true;
        e->type = TY_ERROR;
        return TY_ERROR;
    }
    c->nesting++;
    rb_type t = check_expr_at(c, e);
    c->nesting--;
    return t;
}

static rb_type check_expr_at(checker *c, expr *e)
{
    rb_type t = TY_ERROR;
    switch (e->kind) {
    case EX_NUM: t = TY_NUMBER; break;
    case EX_TEXT: t = TY_TEXT; break;
    case EX_BOOL: t = TY_BOOL; break;
    case EX_NA: t = TY_NA; break;
    case EX_DATE: t = TY_DATE; break;
    case EX_DURATION: t = TY_DURATION; break;
    case EX_NAME: {
        if (c->elem && resolve_field(c, e)) {
            t = check_field(c, e);
            break;
        }
        symbol *s = resolve(c, e->u.name.name, e->loc);
        e->u.name.sym = s;
        t = s ? s->type : TY_ERROR;
        if (s)
            e->rec = s->rec;
        break;
    }
    case EX_WHERE: t = check_where(c, e); break;
    case EX_FIELD: t = check_field(c, e); break;
    case EX_UNARY:
        if (e->op == OP_NOT)
            t = expect(c, e->u.bin.l, TY_BOOL, "the operand of 'not'") == TY_ERROR ? TY_ERROR : TY_BOOL;
        else {
            rb_type o = check_expr(c, e->u.bin.l);
            t = TY_NUMBER;
            if (o == TY_DURATION) {
                diag_error(c->d, e->loc, "a duration cannot be negative: write the length ('1 month') and subtract it "
                                         "where it is used (as_of - 1 month)");
                t = TY_ERROR;
            } else if (!numeric(o)) {
                diag_error(c->d, e->u.bin.l->loc, "the operand of '-' must be a number, not a %s", type_name(o));
                t = TY_ERROR;
            }
        }
        break;
    case EX_BINARY: t = check_binary(c, e); break;
    case EX_IF: {
        expect(c, e->u.cond.cond, TY_BOOL, "the condition of 'if'");
        rb_type a = check_expr(c, e->u.cond.then), b = check_expr(c, e->u.cond.els);
        if (a == TY_BANDED)
            a = TY_NUMBER;
        if (b == TY_BANDED)
            b = TY_NUMBER;
        if (a == TY_ERROR || b == TY_ERROR)
            t = TY_ERROR;
        else if ((a == TY_LIST || a == TY_RECORD) && a == b && e->u.cond.then->rec != e->u.cond.els->rec) {
            diag_error(c->d, e->loc, "the two branches of 'if' give elements of different records");
            t = TY_ERROR;
        } else if (a == b || b == TY_NA)
            t = a;
        else if (a == TY_NA)
            t = b;
        else {
            diag_error(c->d, e->loc, "the two branches of 'if' give a %s and a %s", type_name(a), type_name(b));
            t = TY_ERROR;
        }
        break;
    }
    case EX_CALL: t = check_call(c, e); break;
    case EX_IS: {
        rb_type o = check_expr(c, e->u.is.e);
        t = TY_BOOL;
        if (!e->u.is.band && o == TY_LIST)
            diag_error(c->d, e->loc, "a list is never na: with no elements it is empty (write count(...) = 0)");
        if (!e->u.is.band)
            break;
        if (o != TY_BANDED && !unknown(o)) {
            diag_error(c->d, e->u.is.e->loc, "'is %s' needs a measure or group, not a %s", e->u.is.band, type_name(o));
            break;
        }
        check_band_name(c->d, scheme_of_expr(c, e->u.is.e), e->u.is.band, e->u.is.band_loc);
        break;
    }
    case EX_COUNT:
        check_members(c, e->u.count.members, "count");
        for (name_ref *m = e->u.count.members; m; m = m->next)
            if (m->sym)
                check_band_name(c->d, m->sym->scheme, e->u.count.band, e->u.count.band_loc);
        t = TY_NUMBER;
        break;
    }
    if (e->kind == EX_IF && (t == TY_LIST || t == TY_RECORD))
        e->rec = e->u.cond.then->rec ? e->u.cond.then->rec : e->u.cond.els->rec;
    e->type = t;
    return t;
}

static scheme *pick_scheme(checker *c, decl *d)
{
    if (d->scheme) {
        scheme *s = policy_scheme(c->p, d->scheme);
        if (!s) {
            const char **names = xmalloc((size_t)(c->p->nschemes + 1) * sizeof *names);
            for (int i = 0; i < c->p->nschemes; i++)
                names[i] = c->p->schemes[i]->name;
            unknown_name(c->p, c->d, d->scheme_loc, "scheme", d->scheme, names, c->p->nschemes);
            free(names);
        }
        return s;
    }
    if (c->p->nschemes == 1)
        return c->p->schemes[0];
    if (c->p->nschemes == 0)
        diag_error(c->d, d->name_loc, "'%s' needs a scheme to give its bands scores; declare one with 'scheme NAME'", d->name);
    else
        diag_error(c->d, d->name_loc, "'%s' must say which scheme it uses ('scheme NAME' at the end of the line): this policy has %d", d->name, c->p->nschemes);
    return NULL;
}

static void check_clauses(checker *c, clause *cl)
{
    for (; cl; cl = cl->next)
        expect(c, cl->cond, TY_BOOL, cl->kind == CL_NA_WHEN ? "the condition of 'na when'" : "the condition of 'applies when'");
}

static void check_measure(checker *c, symbol *s)
{
    decl *d = s->decl;
    s->scheme = pick_scheme(c, d);
    expect(c, d->value, TY_NUMBER, "a measure's value");
    check_clauses(c, d->clauses);
    if (!d->bands)
        diag_error(c->d, d->name_loc, "measure '%s' has no band lines (such as 'red < 25%%')", d->name);
    for (band_rule *r = d->bands; r; r = r->next) {
        check_band_name(c->d, s->scheme, r->band, r->band_loc);
        for (int i = 0; i < r->nedges; i++)
            expect(c, r->edges[i].limit, TY_NUMBER, "a threshold");
    }
}

static void check_group(checker *c, symbol *s)
{
    decl *d = s->decl;
    if (strcmp(d->type_name, "mean") != 0 && strcmp(d->type_name, "sum") != 0) {
        const char *names[] = {"mean", "sum"};
        unknown_name(c->p, c->d, d->agg_loc, "roll-up", d->type_name, names, 2);
    }
    s->scheme = pick_scheme(c, d);
    check_members(c, d->members, "group");
    check_clauses(c, d->clauses);
}

enum { MAX_DEFINITION_DEPTH = 1000 };

static void visit(checker *c, symbol *s)
{
    if (s->state != 0)
        return;
    /* Each level of definitions built on definitions is a level of this
     * recursion: a generated chain of thousands would exhaust the stack. */
    if (c->depth >= MAX_DEFINITION_DEPTH) {
        if (s->decl)
            diag_error(c->d, s->decl->name_loc, "'%s' is built on a chain of more than %d definitions", s->name, MAX_DEFINITION_DEPTH);
        s->state = 2;
        s->type = TY_ERROR;
        s->order = c->p->norder;
        c->p->order[c->p->norder++] = s;
        return;
    }
    s->state = 1;
    if (c->depth == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->path = xrealloc(c->path, (size_t)c->cap * sizeof *c->path);
    }
    c->path[c->depth++] = s;
    symbol *saved_param = c->param_ctx;
    scheme *saved_scheme = c->scheme_ctx;
    const record_type *saved_elem = c->elem;
    c->scheme_ctx = NULL;
    c->param_ctx = NULL;
    c->elem = NULL;
    decl *d = s->decl;
    switch (s->kind) {
    case SYM_INPUT:
        if (d->choices) {
            s->type = TY_TEXT;
            check_choices(c->d, d);
            break;
        }
        if (d->elem_name) {
            s->type = TY_ERROR;
            record_type *r = policy_record(c->p, d->elem_name);
            if (!r) {
                const char **names = xmalloc((size_t)(c->p->nrecords + 1) * sizeof *names);
                for (int i = 0; i < c->p->nrecords; i++)
                    names[i] = c->p->records[i]->name;
                unknown_name(c->p, c->d, d->elem_loc, "record", d->elem_name, names, c->p->nrecords);
                free(names);
                break;
            }
            r->used = true;
            s->type = TY_LIST;
            s->rec = r;
            break;
        }
        s->type = value_type_named(c->p, c->d, d, "input");
        break;
    case SYM_PARAM:
        if (!d) {
            s->type = TY_DATE; /* the built-in as_of */
            break;
        }
        c->param_ctx = s;
        s->type = check_expr(c, d->value);
        if (s->type == TY_NA) {
            diag_error(c->d, d->value->loc, "parameter '%s' needs a default value that shows its type, not na", s->name);
            s->type = TY_ERROR;
        }
        break;
    case SYM_LET:
    case SYM_METRIC:
        s->type = check_expr(c, d->value);
        s->rec = d->value->rec;
        if (s->kind == SYM_METRIC && (s->type == TY_LIST || s->type == TY_RECORD)) {
            diag_error(c->d, d->value->loc, "metric '%s' is a %s, and an output is one value per account: "
                       "use 'let' for it, and output %s", s->name, type_name(s->type),
                       s->type == TY_LIST ? "count() or sum() of it" : "one of its fields (name.field)");
            s->type = TY_ERROR;
        }
        /* Only a bare name is banded: the definition is another name for
         * that measure or group, with its scheme. */
        if (s->type == TY_BANDED)
            s->scheme = expr_scheme(d->value);
        break;
    case SYM_MEASURE:
        s->type = TY_BANDED;
        check_measure(c, s);
        break;
    case SYM_ACTION:
        s->type = expect(c, d->value, TY_BOOL, "an action's condition") == TY_ERROR ? TY_ERROR : TY_BOOL;
        check_action(c->p, c->d, d);
        break;
    case SYM_GROUP:
        s->type = TY_BANDED;
        check_group(c, s);
        break;
    }
    c->param_ctx = saved_param;
    c->scheme_ctx = saved_scheme;
    c->elem = saved_elem;
    c->depth--;
    s->state = 2;
    s->order = c->p->norder;
    c->p->order[c->p->norder++] = s;
}

static void check_scheme(checker *c, scheme *s)
{
    int n = 0;
    for (band_rule *r = s->decl->bands; r; r = r->next)
        n++;
    if (n == 0)
        diag_error(c->d, s->decl->name_loc, "scheme '%s' has no bands (lines such as 'green scores 100 when >= 75')", s->name);
    /* A value carries its band in a signed byte. */
    if (n > MAX_BANDS)
        diag_error(c->d, s->decl->name_loc, "scheme '%s' has %d bands; a scheme has at most %d", s->name, n, MAX_BANDS);
    s->bands = arena_alloc(&c->p->arena, (size_t)(n ? n : 1) * sizeof *s->bands);
    s->rules = arena_alloc(&c->p->arena, (size_t)(n ? n : 1) * sizeof *s->rules);
    for (band_rule *r = s->decl->bands; r; r = r->next) {
        if (scheme_band_index(s, r->band) >= 0) {
            diag_error(c->d, r->band_loc, "band '%s' is listed twice in scheme '%s'", r->band, s->name);
            continue;
        }
        s->bands[s->nbands] = r->band;
        s->rules[s->nbands++] = r;
        c->scheme_ctx = s;
        expect(c, r->score, TY_NUMBER, "a band's score");
        for (int i = 0; i < r->nedges; i++)
            expect(c, r->edges[i].limit, TY_NUMBER, "a score threshold");
        c->scheme_ctx = NULL;
    }
}

/* A test: given names are inputs or parameters, given values constants of
 * their type, expectations conditions. */

static void check_test(checker *c, decl *t)
{
    for (decl *o = c->p->decls; o != t; o = o->next)
        if (o->kind == D_TEST && o->loc.src == t->loc.src && strcmp(o->name, t->name) == 0) {
            diag_error(c->d, t->name_loc, "there is already a test named \"%s\" in this file", t->name);
            diag_note(c->d, o->name_loc, "the other test is here");
        }
    for (name_ref *g = t->givens; g; g = g->next) {
        for (name_ref *o = t->givens; o != g; o = o->next)
            if (strcmp(o->name, g->name) == 0 && o->prev == g->prev)
                diag_error(c->d, g->loc, "'%s%s' is given twice in this test", g->prev ? "prev of " : "", g->name);
        symbol *s = policy_lookup(c->p, g->name);
        c->given_ctx = true;
        rb_type vt = check_expr(c, g->weight);
        c->given_ctx = false;
        if (g->prev) {
            check_given_prev(c->d, g, s, vt);
            continue;
        }
        if (!s || (s->kind != SYM_INPUT && s->kind != SYM_PARAM)) {
            int n = 0;
            const char **names = xmalloc((size_t)(c->p->ninputs + c->p->nparams + 1) * sizeof *names);
            for (int i = 0; i < c->p->ninputs; i++)
                names[n++] = c->p->inputs[i]->name;
            for (int i = 0; i < c->p->nparams; i++)
                names[n++] = c->p->params[i]->name;
            if (s)
                diag_error(c->d, g->loc, "'%s' is %s: a test gives inputs and parameters only", g->name, a_kind(s->kind));
            else
                unknown_name(c->p, c->d, g->loc, "input or parameter", g->name, names, n);
            free(names);
            continue;
        }
        g->sym = s;
        s->used = true;
        bool fits = unknown(vt) || vt == s->type || (s->type == TY_NUMBER && vt == TY_BANDED);
        if (!fits)
            diag_error(c->d, g->weight->loc, "'%s' is a %s, not a %s", g->name, type_name(s->type), type_name(vt));
        else
            check_choice(c->d, s->decl, g->weight);
    }
    check_test_tables(c->p, c->d, t);
    int expects = 0;
    for (clause *cl = t->clauses; cl; cl = cl->next) {
        expect(c, cl->cond, TY_BOOL, "an expectation");
        expects++;
    }
    if (!expects)
        diag_error(c->d, t->name_loc, "test \"%s\" expects nothing: add lines such as 'expect scm is green'", t->name);
}

bool check_policy(policy *p, diag *d)
{
    int before = d->errors;
    checker c = {p, d, NULL, 0, 0, NULL, false, 0, 0, false, NULL, NULL};
    rb_loc id_loc = {0};
    symbol *as_of = declare_names(p, d, &id_loc);
    for (int i = 0; i < p->nschemes; i++)
        check_scheme(&c, p->schemes[i]);
    visit(&c, as_of);
    for (decl *x = p->decls; x; x = x->next) {
        if (x->kind == D_POLICY || x->kind == D_IMPORT || x->kind == D_ID || x->kind == D_SCHEME || x->kind == D_TEST ||
            x->kind == D_RECORD || x->kind == D_FIELD)
            continue;
        symbol *s = policy_lookup(p, x->name);
        if (s && s->decl == x)
            visit(&c, s);
    }
    for (decl *x = p->decls; x; x = x->next)
        if (x->kind == D_TEST)
            check_test(&c, x);
    free(c.path);
    if (p->id_field) {
        symbol *s = policy_lookup(p, p->id_field);
        if (s && s->kind != SYM_INPUT)
            diag_error(d, id_loc, "the account id '%s' names %s, not a column", p->id_field, a_kind(s->kind));
    }
    return d->errors == before;
}
