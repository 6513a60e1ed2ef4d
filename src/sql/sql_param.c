/* sql_param.c - with --bind, a parameter whose default is computed from
 * other parameters (`param red_below = green_at / 2`): the value bound
 * to it, else that default computed in the query from the values bound
 * to the others, as run computes it from the --param values. */
#include <string.h>

#include "sql_internal.h"
#include "strbuf.h"

static int depth_of(const sqlc *c, const enode *n)
{
    if (!n)
        return 0;
    int lv = 0;
    int j = n->op == N_SLOT ? n->slot - c->prog->param_slot0 : -1;
    if (j >= 0 && j < c->pol->nparams && c->prog->param_defaults[j])
        lv = sql_param_depth(c, j);
    const enode *kids[3] = {n->a, n->b, n->c};
    for (int i = 0; i < 3; i++) {
        int k = depth_of(c, kids[i]);
        lv = k > lv ? k : lv;
    }
    for (int i = 0; i < n->nargs; i++) {
        int k = depth_of(c, n->args[i]);
        lv = k > lv ? k : lv;
    }
    return lv;
}

int sql_param_depth(const sqlc *c, int i)
{
    const enode *def = c->prog->param_defaults ? c->prog->param_defaults[i] : NULL;
    return def ? 1 + depth_of(c, def) : 0;
}

sqlv sql_param_value(sqlc *c, int i, sqlv given)
{
    const symbol *s = c->pol->params[i];
    const expr *value = s->decl->value;
    sqlv none = {NULL, NULL, SK_OTHER};
    if (s->type != TY_NUMBER && s->type != TY_BOOL && s->type != TY_DATE && s->type != TY_TEXT) {
        /* A duration is two columns the default would have to build. */
        sql_refuse_at(c, value->loc,
                      sqlf(c, "the default of the bound parameter '%s', a %s computed from the parameter '%s',", s->name,
                           type_name(s->type), expr_param(value, false)->u.name.name));
        return none;
    }
    sqlv def = sql_expr(c, c->prog->param_defaults[i]);
    if (c->failed)
        return none;
    /* NULL bound (or nothing, in SQLite) is the default, as a --param not
     * given is; a fraction's two columns are chosen together. */
    const char *unbound = sqlf(c, "%s IS NULL", given.n);
    sqlv v = {sqlf(c, "CASE WHEN %s THEN %s ELSE %s END", unbound, def.n, given.n), NULL, given.kind};
    if (def.d || given.d)
        v.d = sqlf(c, "CASE WHEN %s THEN %s ELSE %s END", unbound, def.d ? def.d : "1", given.d ? given.d : "1");
    return v;
}

/* A parameter of an imported policy (`usage.onboarding_period`) is named
 * `usage__onboarding_period`: a dot cannot stand in a parameter's name. */
static const char *placeholder_name(sqlc *c, const char *name)
{
    strbuf b = {0};
    for (const char *p = name; *p; p++)
        if (*p == '.')
            strbuf_adds(&b, "__");
        else
            strbuf_add(&b, p, 1);
    const char *out = sqlf(c, "%s", b.s);
    strbuf_free(&b);
    return out;
}

const char *sql_placeholder(sqlc *c, int i)
{
    switch (c->o->dialect) {
    case SQL_POSTGRES: return sqlf(c, "$%d", i + 1);
    case SQL_SQLITE: return sqlf(c, ":%s", placeholder_name(c, c->pol->params[i]->name));
    default: return sqlf(c, "$%s", placeholder_name(c, c->pol->params[i]->name));
    }
}

const char *sql_param_header(sqlc *c, int i, const char *shown)
{
    const symbol *s = c->pol->params[i];
    if (!sql_param_depth(c, i))
        return sqlf(c, "%s  %s %s, default %s", sql_placeholder(c, i), type_name(s->type), s->name,
                    sql_text_const(c, shown, strlen(shown)));
    /* NULL, not the value: one bound would stay when the others change. */
    const rb_loc *at = &s->decl->value->loc;
    return sqlf(c, "%s  %s %s, default NULL: %.*s (%s with these values)", sql_placeholder(c, i), type_name(s->type), s->name,
                (int)(at->end - at->begin), at->src->text + at->begin, shown);
}
