/* policy.c - the symbol table of a loaded policy: names to symbols and
 * schemes, and what a policy owns (policy_free).  Loading is load.c. */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "xalloc.h"

static unsigned hash_name(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

symbol *policy_lookup(const policy *p, const char *name)
{
    if (!p->table)
        return NULL;
    for (symbol *s = p->table[hash_name(name) & (p->table_size - 1)]; s; s = s->hash_next)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

symbol *policy_intern(policy *p, const char *name)
{
    if (!p->table) {
        p->table_size = 256;
        p->table = arena_alloc(&p->arena, p->table_size * sizeof *p->table);
    }
    symbol *s = arena_alloc(&p->arena, sizeof *s);
    s->name = name;
    unsigned h = hash_name(name) & (p->table_size - 1);
    s->hash_next = p->table[h];
    p->table[h] = s;
    return s;
}

scheme *policy_scheme(const policy *p, const char *name)
{
    for (int i = 0; i < p->nschemes; i++)
        if (strcmp(p->schemes[i]->name, name) == 0)
            return p->schemes[i];
    return NULL;
}

scheme *expr_scheme(const expr *e)
{
    if (e->kind == EX_CALL && e->u.call.id == BI_PREV)
        e = e->u.call.args->e;
    return e->kind == EX_NAME && e->u.name.sym ? e->u.name.sym->scheme : NULL;
}

record_type *policy_record(const policy *p, const char *name)
{
    for (int i = 0; i < p->nrecords; i++)
        if (strcmp(p->records[i]->name, name) == 0)
            return p->records[i];
    return NULL;
}

int record_field_index(const record_type *r, const char *name)
{
    for (int i = 0; i < r->nfields; i++)
        if (strcmp(r->fields[i]->name, name) == 0)
            return i;
    return -1;
}

scheme *policy_only_scheme(const policy *p, const char *ns, int *n)
{
    scheme *only = NULL;
    *n = 0;
    for (int i = 0; i < p->nschemes; i++) {
        const char *their = p->schemes[i]->decl->ns;
        if ((!their && !ns) || (their && ns && strcmp(their, ns) == 0)) {
            only = p->schemes[i];
            ++*n;
        }
    }
    return only;
}

int scheme_band_index(const scheme *s, const char *band)
{
    for (int i = 0; i < s->nbands; i++)
        if (strcmp(s->bands[i], band) == 0)
            return i;
    return -1;
}

const char *closest_symbol(const char *wrong, symbol *const *syms, int n)
{
    const char **names = xmalloc((size_t)(n + 1) * sizeof *names);
    for (int i = 0; i < n; i++)
        names[i] = syms[i]->name;
    const char *best = closest_name(wrong, names, n);
    free(names);
    return best;
}

void policy_free(policy *p)
{
    if (!p)
        return;
    source *s = p->sources;
    while (s) {
        source *next = s->next;
        source_free(s);
        s = next;
    }
    arena_free(&p->arena);
    free(p);
}

const symbol *symbol_named(const symbol *s)
{
    /* Cycles are refused by check; the bound only keeps a bug finite. */
    for (int hops = 0; s && hops < 64; hops++) {
        if ((s->kind != SYM_METRIC && s->kind != SYM_LET) || !s->decl || !s->decl->value || s->decl->value->kind != EX_NAME ||
            !s->decl->value->u.name.sym)
            return s;
        s = s->decl->value->u.name.sym;
    }
    return s;
}

static bool in_percent(const expr *e, int depth)
{
    /* Cycles are refused by check; the bound only keeps a bug finite. */
    if (!e || depth > 64)
        return false;
    switch (e->kind) {
    case EX_NUM:
        return e->loc.src && e->loc.end > e->loc.begin && e->loc.src->text[e->loc.end - 1] == '%';
    case EX_NAME: {
        const symbol *s = e->u.name.sym;
        return s && s->decl && s->decl->value && s->type == TY_NUMBER &&
               (s->kind == SYM_PARAM || s->kind == SYM_LET || s->kind == SYM_METRIC) &&
               in_percent(s->decl->value, depth + 1);
    }
    case EX_UNARY:
        return in_percent(e->u.bin.l, depth + 1);
    case EX_BINARY:
        return in_percent(e->u.bin.l, depth + 1) || in_percent(e->u.bin.r, depth + 1);
    case EX_IF:
        return in_percent(e->u.cond.then, depth + 1) || in_percent(e->u.cond.els, depth + 1);
    case EX_CALL:
        for (const expr_list *a = e->u.call.args; a; a = a->next)
            if (in_percent(a->e, depth + 1))
                return true;
        return false;
    default:
        return false;
    }
}

bool expr_written_in_percent(const expr *e)
{
    return in_percent(e, 0);
}

const expr *expr_param(const expr *e, bool through)
{
    if (!e)
        return NULL;
    const expr *hit = NULL;
    switch (e->kind) {
    case EX_NAME: {
        const symbol *s = e->u.name.sym;
        if (s && s->kind == SYM_PARAM)
            return e;
        return through && s && (s->kind == SYM_LET || s->kind == SYM_METRIC) && s->decl ? expr_param(s->decl->value, true)
                                                                                         : NULL;
    }
    case EX_UNARY:
    case EX_BINARY:
        return (hit = expr_param(e->u.bin.l, through)) ? hit : expr_param(e->u.bin.r, through);
    case EX_IF:
        if ((hit = expr_param(e->u.cond.cond, through)) || (hit = expr_param(e->u.cond.then, through)))
            return hit;
        return expr_param(e->u.cond.els, through);
    case EX_IS:
        return expr_param(e->u.is.e, through);
    case EX_CALL:
        for (expr_list *a = e->u.call.args; a && !hit; a = a->next)
            hit = expr_param(a->e, through);
        return hit;
    default:
        return NULL;
    }
}
