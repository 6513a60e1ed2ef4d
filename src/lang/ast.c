#include "ast.h"

#include "builtins.h"

#include <string.h>

const char *type_name(rb_type t)
{
    static const char *const names[] = {
        "error", "na", "number", "text", "bool", "date", "duration",
        "measure", "list", "record"};
    return names[t];
}

const char *op_text(rb_op op)
{
    static const char *const texts[] = {
#define X(id, text) text,
        RB_OPERATORS(X)
#undef X
    };
    return texts[op];
}

rb_loc loc_span(rb_loc a, rb_loc b)
{
    rb_loc l = a;
    if (b.src == a.src && b.end > l.end)
        l.end = b.end;
    return l;
}

static expr *new_expr(arena *a, ex_kind kind, rb_loc loc)
{
    expr *e = arena_alloc(a, sizeof *e);
    e->kind = kind;
    e->loc = loc;
    e->depth = 1;
    return e;
}

static int deeper(int a, int b) { return a > b ? a : b; }

expr *ast_num(arena *a, rb_loc loc, rb_num v)
{
    expr *e = new_expr(a, EX_NUM, loc);
    e->u.num = v;
    return e;
}

expr *ast_text(arena *a, rb_loc loc, const char *s, unsigned len)
{
    expr *e = new_expr(a, EX_TEXT, loc);
    e->u.text.s = s;
    e->u.text.len = len;
    return e;
}

expr *ast_bool(arena *a, rb_loc loc, bool b)
{
    expr *e = new_expr(a, EX_BOOL, loc);
    e->u.b = b;
    return e;
}

expr *ast_na(arena *a, rb_loc loc) { return new_expr(a, EX_NA, loc); }

expr *ast_date(arena *a, rb_loc loc, rb_date d)
{
    expr *e = new_expr(a, EX_DATE, loc);
    e->u.date = d;
    return e;
}

expr *ast_duration(arena *a, rb_loc loc, int amount, dur_unit unit)
{
    expr *e = new_expr(a, EX_DURATION, loc);
    e->u.dur.amount = amount;
    e->u.dur.unit = unit;
    return e;
}

expr *ast_name(arena *a, rb_loc loc, const char *name)
{
    expr *e = new_expr(a, EX_NAME, loc);
    e->u.name.name = name;
    return e;
}

expr *ast_unary(arena *a, rb_loc loc, rb_op op, expr *operand)
{
    expr *e = new_expr(a, EX_UNARY, loc_span(loc, operand->loc));
    e->op = op;
    e->u.bin.l = operand;
    e->depth = operand->depth + 1;
    return e;
}

expr *ast_binary(arena *a, rb_loc loc, rb_op op, expr *l, expr *r)
{
    (void)loc;
    expr *e = new_expr(a, EX_BINARY, loc_span(l->loc, r->loc));
    e->op = op;
    e->u.bin.l = l;
    e->u.bin.r = r;
    e->depth = deeper(l->depth, r->depth) + 1;
    return e;
}

expr *ast_if(arena *a, rb_loc loc, expr *c, expr *t, expr *els)
{
    expr *e = new_expr(a, EX_IF, loc_span(loc, els->loc));
    e->u.cond.cond = c;
    e->u.cond.then = t;
    e->u.cond.els = els;
    e->depth = deeper(deeper(c->depth, t->depth), els->depth) + 1;
    return e;
}

expr *ast_call(arena *a, rb_loc loc, const char *fn, rb_loc fn_loc, expr_list *args)
{
    expr *e = new_expr(a, EX_CALL, loc);
    e->u.call.fn = fn;
    e->u.call.fn_loc = fn_loc;
    e->u.call.args = args;
    e->u.call.id = -1;
    for (expr_list *l = args; l; l = l->next) {
        e->u.call.nargs++;
        e->depth = deeper(e->depth, l->e->depth + 1);
    }
    return e;
}

expr *ast_call_by(arena *a, rb_loc loc, const char *fn, rb_loc fn_loc, expr_list *args, expr *cohort)
{
    expr *e = ast_call(a, loc, fn, fn_loc, ast_expr_list(a, args, cohort));
    e->u.call.nargs--;
    e->u.call.by = true;
    return e;
}

expr *ast_is(arena *a, rb_loc loc, expr *operand, const char *band, rb_loc band_loc)
{
    expr *e = new_expr(a, EX_IS, loc_span(operand->loc, loc));
    e->u.is.e = operand;
    e->u.is.band = band;
    e->u.is.band_loc = band_loc;
    e->depth = operand->depth + 1;
    return e;
}

expr *ast_count(arena *a, rb_loc loc, const char *band, rb_loc band_loc, name_ref *members)
{
    expr *e = new_expr(a, EX_COUNT, loc);
    e->u.count.band = band;
    e->u.count.band_loc = band_loc;
    e->u.count.members = members;
    return e;
}

expr *ast_where(arena *a, rb_loc loc, expr *list, expr *cond)
{
    (void)loc;
    expr *e = new_expr(a, EX_WHERE, loc_span(list->loc, cond->loc));
    e->u.bin.l = list;
    e->u.bin.r = cond;
    e->depth = deeper(list->depth, cond->depth) + 1;
    return e;
}

expr *ast_field(arena *a, rb_loc loc, expr *rec, const char *name, rb_loc name_loc)
{
    expr *e = new_expr(a, EX_FIELD, rec ? loc_span(rec->loc, name_loc) : loc);
    e->u.field.rec = rec;
    e->u.field.name = name;
    e->u.field.name_loc = name_loc;
    e->u.field.index = -1;
    if (rec)
        e->depth = rec->depth + 1;
    return e;
}

/* Lists keep the written order; the first node remembers the tail, so a
 * generated group of 60,000 members is built in linear time. */
#define APPEND(type, list, node)             \
    do {                                     \
        (node)->last = (node);               \
        if (!(list))                         \
            return (node);                   \
        (list)->last->next = (node);         \
        (list)->last = (node);               \
        return (list);                       \
    } while (0)

expr_list *ast_expr_list(arena *a, expr_list *list, expr *e)
{
    expr_list *node = arena_alloc(a, sizeof *node);
    node->e = e;
    APPEND(expr_list, list, node);
}

name_ref *ast_name_ref(arena *a, name_ref *list, const char *name, rb_loc loc, expr *weight)
{
    name_ref *node = arena_alloc(a, sizeof *node);
    node->name = name;
    node->loc = loc;
    node->weight = weight;
    APPEND(name_ref, list, node);
}

text_list *ast_text_list(arena *a, text_list *list, const char *s, unsigned len, rb_loc loc)
{
    text_list *node = arena_alloc(a, sizeof *node);
    node->s = s;
    node->len = len;
    node->loc = loc;
    APPEND(text_list, list, node);
}

decl *ast_decl(arena *a, decl_kind kind, rb_loc loc, const char *name, rb_loc name_loc)
{
    decl *d = arena_alloc(a, sizeof *d);
    d->kind = kind;
    d->loc = loc;
    d->name = name;
    d->name_loc = name_loc;
    return d;
}

clause *ast_clause(arena *a, clause *list, clause_kind kind, expr *cond, rb_loc loc)
{
    clause *node = arena_alloc(a, sizeof *node);
    node->kind = kind;
    node->cond = cond;
    node->loc = loc;
    APPEND(clause, list, node);
}

band_rule *ast_band_rule(arena *a, band_rule *list, band_rule *rule)
{
    (void)a;
    APPEND(band_rule, list, rule);
}

static void note_name(const struct symbol *s, const struct symbol **seen, int *n, int cap)
{
    if (!s)
        return;
    for (int i = 0; i < *n; i++)
        if (seen[i] == s)
            return;
    if (*n < cap)
        seen[(*n)++] = s;
}

static void names_in(const expr *e, const struct symbol **seen, int *n, int cap, bool prev)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME:
        if (!prev)
            note_name(e->u.name.sym, seen, n, cap);
        return;
    case EX_UNARY:
        names_in(e->u.bin.l, seen, n, cap, prev);
        return;
    case EX_BINARY:
        names_in(e->u.bin.l, seen, n, cap, prev);
        names_in(e->u.bin.r, seen, n, cap, prev);
        return;
    case EX_IF:
        names_in(e->u.cond.cond, seen, n, cap, prev);
        names_in(e->u.cond.then, seen, n, cap, prev);
        names_in(e->u.cond.els, seen, n, cap, prev);
        return;
    case EX_CALL:
        /* prev(x) is read from the history, not from x. */
        if (e->u.call.id == BI_PREV) {
            if (prev)
                note_name(e->u.call.args->e->u.name.sym, seen, n, cap);
            return;
        }
        for (const expr_list *a = e->u.call.args; a; a = a->next)
            names_in(a->e, seen, n, cap, prev);
        return;
    case EX_IS:
        names_in(e->u.is.e, seen, n, cap, prev);
        return;
    case EX_COUNT:
        for (const name_ref *m = e->u.count.members; m && !prev; m = m->next)
            note_name(m->sym, seen, n, cap);
        return;
    case EX_WHERE:
        names_in(e->u.bin.l, seen, n, cap, prev);
        names_in(e->u.bin.r, seen, n, cap, prev);
        return;
    case EX_FIELD:
        if (e->u.field.rec)
            names_in(e->u.field.rec, seen, n, cap, prev);
        return;
    default:
        return;
    }
}

void expr_names(const expr *e, const struct symbol **seen, int *n, int cap)
{
    names_in(e, seen, n, cap, false);
}

void expr_prev_names(const expr *e, const struct symbol **seen, int *n, int cap)
{
    names_in(e, seen, n, cap, true);
}

static void fields_in(const expr *e, const expr **seen, int *n, int cap)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME:
        return;
    case EX_UNARY:
        fields_in(e->u.bin.l, seen, n, cap);
        return;
    case EX_BINARY:
        fields_in(e->u.bin.l, seen, n, cap);
        fields_in(e->u.bin.r, seen, n, cap);
        return;
    case EX_IF:
        fields_in(e->u.cond.cond, seen, n, cap);
        fields_in(e->u.cond.then, seen, n, cap);
        fields_in(e->u.cond.els, seen, n, cap);
        return;
    case EX_CALL:
        /* prev(x) is read from the history, not from x. */
        if (e->u.call.id == BI_PREV)
            return;
        for (const expr_list *a = e->u.call.args; a; a = a->next)
            fields_in(a->e, seen, n, cap);
        return;
    case EX_IS:
        fields_in(e->u.is.e, seen, n, cap);
        return;
    case EX_COUNT:
        return;
    case EX_WHERE:
        fields_in(e->u.bin.l, seen, n, cap);
        fields_in(e->u.bin.r, seen, n, cap);
        return;
    case EX_FIELD:
        if (e->u.field.rec && e->u.field.rec->kind == EX_NAME) {
            for (int i = 0; i < *n; i++)
                if (seen[i]->u.field.rec->u.name.sym == e->u.field.rec->u.name.sym && seen[i]->u.field.index == e->u.field.index)
                    return;
            if (*n < cap)
                seen[(*n)++] = e;
            return;
        }
        if (e->u.field.rec)
            fields_in(e->u.field.rec, seen, n, cap);
        return;
    default:
        return;
    }
}

void expr_fields(const expr *e, const expr **seen, int *n, int cap)
{
    fields_in(e, seen, n, cap);
}
