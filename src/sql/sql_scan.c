/* sql_scan.c - what has no SQL (yet), refused where the policy says it,
 * before anything is compiled: lists, prev(), duration inputs and, with
 * --bind, what a bound parameter cannot be. */
#include <string.h>

#include "builtins.h"
#include "sql_internal.h"

static void scan_expr(sqlc *c, const expr *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_UNARY:
    case EX_BINARY:
        scan_expr(c, e->u.bin.l);
        scan_expr(c, e->u.bin.r);
        return;
    case EX_IF:
        scan_expr(c, e->u.cond.cond);
        scan_expr(c, e->u.cond.then);
        scan_expr(c, e->u.cond.els);
        return;
    case EX_IS:
        scan_expr(c, e->u.is.e);
        return;
    case EX_CALL:
        if (e->u.call.id == BI_PREV) {
            sql_refuse_at(c, e->loc, "prev() (the score history)");
            return;
        }
        if (e->u.call.id >= 0 && builtin_table[e->u.call.id].takes == BA_LIST) {
            sql_refuse_at(c, e->loc, sqlf(c, "the list function %s()", e->u.call.fn));
            return;
        }
        if (c->o->bind && e->u.call.id == BI_ROUND && e->u.call.args && e->u.call.args->next) {
            /* SQL rounds to a number of digits the query is written with. */
            const expr *digits = e->u.call.args->next->e;
            const expr *p = expr_param(digits, true);
            if (p)
                sql_refuse_at(c, digits->loc,
                              sqlf(c, "round() with a number of digits that depends on the bound parameter '%s'", p->u.name.name));
        }
        for (expr_list *a = e->u.call.args; a; a = a->next)
            scan_expr(c, a->e);
        return;
    case EX_WHERE:
        sql_refuse_at(c, e->loc, "a list's `where`");
        return;
    case EX_FIELD:
        sql_refuse_at(c, e->loc, "a record's field");
        return;
    case EX_NAME:
        if (e->u.name.sym && (e->type == TY_LIST || e->type == TY_RECORD))
            sql_refuse_at(c, e->loc, sqlf(c, "the list '%s'", e->u.name.name));
        return;
    default:
        return;
    }
}

void sql_scan_policy(sqlc *c)
{
    for (int i = 0; i < c->pol->ninputs; i++) {
        const symbol *s = c->pol->inputs[i];
        if (s->type == TY_LIST || s->type == TY_RECORD)
            sql_refuse_at(c, s->decl->loc, sqlf(c, "the list input '%s'", s->name));
        else if (s->type == TY_DURATION)
            sql_refuse_at(c, s->decl->loc, sqlf(c, "the duration input '%s'", s->name));
    }
    for (int i = 0; i < c->pol->norder; i++) {
        const symbol *s = c->pol->order[i];
        const decl *dl = s->decl;
        if (!dl || s->kind == SYM_INPUT || s->kind == SYM_PARAM)
            continue;
        if (s->kind == SYM_ACTION && !s->is_output)
            continue;
        scan_expr(c, dl->value);
        for (const clause *cl = dl->clauses; cl; cl = cl->next)
            scan_expr(c, cl->cond);
        for (const band_rule *b = dl->bands; b; b = b->next)
            for (int e = 0; e < b->nedges; e++)
                scan_expr(c, b->edges[e].limit);
        for (const name_ref *m = dl->members; m; m = m->next)
            scan_expr(c, m->weight);
        if (dl->grades)
            sql_refuse_at(c, dl->grades_loc, "a graded score ('scores ... at ...')");
    }
}
