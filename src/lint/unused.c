/* unused.c - inputs, parameters and definitions nothing uses.
 *
 * What keeps a definition alive is an output, the account id, a scheme, or
 * a live definition that refers to it; a test's use does not count, and the
 * message says when a test or an unused definition is the only user. */
#include <stdlib.h>
#include <string.h>

#include "declare.h"
#include "lint_internal.h"
#include "xalloc.h"

/* Marks the symbols a declaration refers to, by evaluation order.  With a
 * stack, each newly marked one is pushed (to follow its own references);
 * with user, the first declaring symbol to refer to each is remembered. */
typedef struct marker {
    const policy *p;
    bool *seen;
    int *stack, top;
    int *user, from;
} marker;

static void mark(marker *mk, const symbol *s)
{
    const policy *p = mk->p;
    if (!s || s->order < 0 || s->order >= p->norder || p->order[s->order] != s)
        return;
    if (mk->user && mk->user[s->order] < 0)
        mk->user[s->order] = mk->from;
    if (mk->seen[s->order])
        return;
    mk->seen[s->order] = true;
    if (mk->stack)
        mk->stack[mk->top++] = s->order;
}

static void mark_expr(marker *mk, const expr *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME:
        mark(mk, e->u.name.sym);
        break;
    case EX_UNARY:
        mark_expr(mk, e->u.bin.l);
        break;
    case EX_BINARY:
        mark_expr(mk, e->u.bin.l);
        mark_expr(mk, e->u.bin.r);
        break;
    case EX_IF:
        mark_expr(mk, e->u.cond.cond);
        mark_expr(mk, e->u.cond.then);
        mark_expr(mk, e->u.cond.els);
        break;
    case EX_CALL:
        for (const expr_list *a = e->u.call.args; a; a = a->next)
            mark_expr(mk, a->e);
        break;
    case EX_IS:
        mark_expr(mk, e->u.is.e);
        break;
    case EX_COUNT:
        for (const name_ref *m = e->u.count.members; m; m = m->next)
            mark(mk, m->sym);
        break;
    case EX_WHERE:
        mark_expr(mk, e->u.bin.l);
        mark_expr(mk, e->u.bin.r);
        break;
    case EX_FIELD:
        if (e->u.field.rec)
            mark_expr(mk, e->u.field.rec);
        break;
    default:
        break;
    }
}

static void mark_refs(marker *mk, const name_ref *refs)
{
    for (; refs; refs = refs->next) {
        mark(mk, refs->sym);
        mark_expr(mk, refs->weight);
    }
}

/* A name an action's reason quotes ({name}) is used by that action. */
static void mark_hole(void *ctx, const char *name, size_t len, size_t at)
{
    marker *mk = ctx;
    char word[128];
    (void)at;
    if (len >= sizeof word)
        return;
    memcpy(word, name, len);
    word[len] = '\0';
    mark(mk, policy_lookup(mk->p, word));
}

static void mark_decl(marker *mk, const decl *d)
{
    if (d->kind == D_ACTION && d->reason) {
        size_t bad;
        reason_holes(d->reason, mark_hole, mk, &bad);
    }
    mark_expr(mk, d->value);
    for (const clause *c = d->clauses; c; c = c->next)
        mark_expr(mk, c->cond);
    for (const band_rule *r = d->bands; r; r = r->next) {
        mark_expr(mk, r->score);
        for (int i = 0; i < r->nedges; i++)
            mark_expr(mk, r->edges[i].limit);
    }
    mark_refs(mk, d->members);
}

static bool definition_kind(decl_kind k)
{
    return k == D_INPUT || k == D_PARAM || k == D_LET || k == D_METRIC || k == D_MEASURE || k == D_GROUP;
}

/* What keeps a definition alive: the outputs, the account id, schemes, and
 * whatever a live definition refers to.  Tests do not count. */
static void find_live(const policy *p, bool *live, const bool *by_defs, const bool *by_tests)
{
    marker mk = {p, live, xmalloc((size_t)p->norder * sizeof(int)), 0, NULL, 0};
    for (int i = 0; i < p->norder; i++) {
        const symbol *s = p->order[i];
        bool root = s->is_output || !s->decl ||
                    (s->kind == SYM_INPUT && p->id_field && strcmp(p->id_field, s->name) == 0) ||
                    /* used, but by something this file does not know to look in */
                    (s->used && !by_defs[i] && !by_tests[i]);
        if (root)
            mark(&mk, s);
    }
    for (const decl *d = p->decls; d; d = d->next)
        if (d->kind != D_TEST && !definition_kind(d->kind))
            mark_decl(&mk, d);
    while (mk.top > 0) {
        const symbol *s = p->order[mk.stack[--mk.top]];
        if (s->decl)
            mark_decl(&mk, s->decl);
    }
    free(mk.stack);
}

void lint_unused(linter *L)
{
    const policy *p = L->p;
    if (p->norder <= 0)
        return;
    size_t n = (size_t)p->norder;
    bool *by_defs = xcalloc(n, sizeof *by_defs);
    bool *by_tests = xcalloc(n, sizeof *by_tests);
    bool *live = xcalloc(n, sizeof *live);
    bool *scratch = xcalloc(n, sizeof *scratch);
    int *user = xmalloc(n * sizeof *user);
    marker defs = {p, by_defs, NULL, 0, NULL, 0}, tests = {p, by_tests, NULL, 0, NULL, 0};
    for (const decl *d = p->decls; d; d = d->next) {
        if (d->kind == D_TEST) {
            mark_decl(&tests, d);
            mark_refs(&tests, d->givens);
        } else {
            mark_decl(&defs, d);
        }
    }
    find_live(p, live, by_defs, by_tests);
    /* For each unused name, the first unused definition that refers to it. */
    for (size_t i = 0; i < n; i++)
        user[i] = -1;
    marker users = {p, scratch, NULL, 0, user, 0};
    for (int k = 0; k < p->norder; k++)
        if (!live[k] && p->order[k]->decl) {
            users.from = k;
            mark_decl(&users, p->order[k]->decl);
        }
    for (int i = 0; i < p->norder; i++) {
        const symbol *s = p->order[i];
        if (live[i] || !s->decl)
            continue;
        if (s->kind != SYM_INPUT && s->kind != SYM_PARAM && s->kind != SYM_LET)
            continue;
        rb_loc at = s->decl->name_loc;
        const char *what = s->kind == SYM_INPUT ? "input " : s->kind == SYM_PARAM ? "parameter " : "";
        if (by_defs[i] && user[i] >= 0)
            lint_warn(L, at, L_UNUSED, "%s'%s' is used only by '%s', which is never used itself", what, s->name,
                 p->order[user[i]]->name);
        else if (by_tests[i])
            lint_warn(L, at, L_UNUSED, "%s'%s' is used only by tests: no definition refers to it", what, s->name);
        else if (s->kind == SYM_INPUT && s->type == TY_LIST)
            lint_warn(L, at, L_UNUSED, "input '%s' is never used; its elements are still read and checked", s->name);
        else if (s->kind == SYM_INPUT)
            lint_warn(L, at, L_UNUSED, "input '%s' is never used; CSV data must still have this column", s->name);
        else if (s->kind == SYM_PARAM)
            lint_warn(L, at, L_UNUSED, "parameter '%s' is never used, so --param %s=... changes nothing", s->name, s->name);
        else
            lint_warn(L, at, L_UNUSED, "'%s' is never used: no output or definition refers to it", s->name);
    }
    for (int i = 0; i < p->nrecords; i++)
        if (!p->records[i]->used)
            lint_warn(L, p->records[i]->decl->name_loc, L_UNUSED, "record '%s' is never used: no input is a list of it",
                      p->records[i]->name);
    free(by_defs);
    free(by_tests);
    free(live);
    free(scratch);
    free(user);
}
