/* namespace.c - `import "x.rules" as usage`.
 *
 * Done on the declarations before checking, as text: a name the imported
 * files declare becomes "usage.NAME" everywhere it is declared or used,
 * and the importer's usage.NAME (parsed as a record's field) becomes that
 * one name.  After that every later stage (checking, compiling, explain,
 * sql) sees ordinary, distinct names, and prints the qualified ones. */
#include "namespace.h"

#include <string.h>

#include "declare.h"
#include "xalloc.h"

typedef void (*name_fn)(void *ctx, const char **name);

static void expr_refs(expr *e, name_fn fn, void *ctx)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME:
        fn(ctx, &e->u.name.name);
        return;
    case EX_UNARY:
        expr_refs(e->u.bin.l, fn, ctx);
        return;
    case EX_BINARY:
    case EX_WHERE:
        expr_refs(e->u.bin.l, fn, ctx);
        expr_refs(e->u.bin.r, fn, ctx);
        return;
    case EX_IF:
        expr_refs(e->u.cond.cond, fn, ctx);
        expr_refs(e->u.cond.then, fn, ctx);
        expr_refs(e->u.cond.els, fn, ctx);
        return;
    case EX_CALL:
        for (expr_list *a = e->u.call.args; a; a = a->next)
            expr_refs(a->e, fn, ctx);
        return;
    case EX_IS:
        expr_refs(e->u.is.e, fn, ctx);
        return;
    case EX_COUNT:
        for (name_ref *m = e->u.count.members; m; m = m->next)
            fn(ctx, &m->name);
        return;
    case EX_FIELD:
        expr_refs(e->u.field.rec, fn, ctx);
        return;
    default:
        return;
    }
}

typedef struct hole_ctx {
    name_fn fn;
    void *ctx;
    arena *a;
} hole_ctx;

static void reason_hole(void *ctx, const char *name, size_t len, size_t at)
{
    hole_ctx *h = ctx;
    (void)at;
    const char *copy = arena_strndup(h->a, name, len);
    h->fn(h->ctx, &copy);
}

/* Every name a declaration uses, each handed to fn by its address (to be
 * read or renamed). */
static void decl_refs(arena *a, decl *d, name_fn fn, void *ctx)
{
    expr_refs(d->value, fn, ctx);
    expr_refs(d->priority, fn, ctx);
    for (clause *c = d->clauses; c; c = c->next)
        expr_refs(c->cond, fn, ctx);
    for (band_rule *b = d->bands; b; b = b->next) {
        expr_refs(b->score, fn, ctx);
        for (int i = 0; i < b->nedges; i++)
            expr_refs(b->edges[i].limit, fn, ctx);
    }
    for (grade_point *g = d->grades; g; g = g->next) {
        expr_refs(g->score, fn, ctx);
        expr_refs(g->at, fn, ctx);
    }
    for (name_ref *m = d->members; m; m = m->next) {
        fn(ctx, &m->name);
        expr_refs(m->weight, fn, ctx);
    }
    for (name_ref *g = d->givens; g; g = g->next)
        expr_refs(g->weight, fn, ctx);
    if (d->scheme)
        fn(ctx, &d->scheme);
    if (d->elem_name)
        fn(ctx, &d->elem_name);
    if (d->reason && a) {
        hole_ctx h = {fn, ctx, a};
        size_t bad;
        reason_holes(d->reason, reason_hole, &h, &bad);
    }
}

/* ---- usage.scm as one name ------------------------------------------------ */

typedef struct qualify_ctx {
    arena *a;
    diag *d;
    bool report;  /* the declaration is the file's own, not a plain import's */
    const decl *aliases[64];
    int naliases;
} qualify_ctx;

static const decl *alias_named(const qualify_ctx *q, const char *name, size_t len)
{
    for (int i = 0; i < q->naliases; i++)
        if (strlen(q->aliases[i]->alias) == len && strncmp(q->aliases[i]->alias, name, len) == 0)
            return q->aliases[i];
    return NULL;
}

static void qualify_members(qualify_ctx *q, name_ref *m, bool report);

static void qualify_expr(qualify_ctx *q, expr *e)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_UNARY:
        qualify_expr(q, e->u.bin.l);
        return;
    case EX_BINARY:
    case EX_WHERE:
        qualify_expr(q, e->u.bin.l);
        qualify_expr(q, e->u.bin.r);
        return;
    case EX_IF:
        qualify_expr(q, e->u.cond.cond);
        qualify_expr(q, e->u.cond.then);
        qualify_expr(q, e->u.cond.els);
        return;
    case EX_CALL:
        for (expr_list *a = e->u.call.args; a; a = a->next)
            qualify_expr(q, a->e);
        return;
    case EX_IS:
        qualify_expr(q, e->u.is.e);
        return;
    case EX_COUNT:
        qualify_members(q, e->u.count.members, q->report);
        return;
    case EX_FIELD: {
        expr *rec = e->u.field.rec;
        if (rec && rec->kind == EX_NAME && alias_named(q, rec->u.name.name, strlen(rec->u.name.name))) {
            size_t a = strlen(rec->u.name.name), b = strlen(e->u.field.name);
            char *name = arena_alloc(q->a, a + b + 2);
            memcpy(name, rec->u.name.name, a);
            name[a] = '.';
            memcpy(name + a + 1, e->u.field.name, b + 1);
            rb_loc loc = loc_span(rec->loc, e->u.field.name_loc);
            memset(&e->u, 0, sizeof e->u);
            e->kind = EX_NAME;
            e->loc = loc;
            e->depth = 1;
            e->u.name.name = name;
            return;
        }
        qualify_expr(q, rec);
        return;
    }
    default:
        return;
    }
}

static void qualify_members(qualify_ctx *q, name_ref *m, bool report)
{
    for (; m; m = m->next) {
        const char *dot = strchr(m->name, '.');
        if (report && dot && !alias_named(q, m->name, (size_t)(dot - m->name)))
            diag_error(q->d, m->loc, "'%.*s' names no import of this file ('import \"FILE\" as %.*s')",
                       (int)(dot - m->name), m->name, (int)(dot - m->name), m->name);
        qualify_expr(q, m->weight);
    }
}

void ns_qualify(arena *a, decl *list, const source *src, diag *d)
{
    /* A plain import shares its names, its imports' names among them: the
     * aliases of every file not in a namespace of its own are this one's. */
    qualify_ctx q = {.a = a, .d = d};
    for (decl *x = list; x; x = x->next) {
        if (x->kind != D_IMPORT || !x->alias || x->ns)
            continue;
        const decl *twice = alias_named(&q, x->alias, strlen(x->alias));
        if (twice) {
            diag_error(d, x->alias_loc, "'%s' already names an import of this file", x->alias);
            diag_note(d, twice->alias_loc, "'%s' was named here", x->alias);
        } else if (q.naliases < (int)(sizeof q.aliases / sizeof q.aliases[0]))
            q.aliases[q.naliases++] = x;
        else
            diag_error(d, x->alias_loc, "a file may name at most 64 imports");
    }
    for (decl *x = list; x; x = x->next) {
        if (x->ns)
            continue;
        q.report = x->loc.src == src;
        if (q.report && x->kind != D_IMPORT && x->kind != D_POLICY && x->kind != D_TEST && x->name) {
            const decl *clash = alias_named(&q, x->name, strlen(x->name));
            if (clash && x->kind != D_ID) {
                diag_error(d, x->name_loc, "'%s' is the name of an import of this file; call one of them otherwise",
                           x->name);
                diag_note(d, clash->alias_loc, "the import is named here");
            }
        }
        qualify_expr(&q, x->value);
        qualify_expr(&q, x->priority);
        for (clause *c = x->clauses; c; c = c->next)
            qualify_expr(&q, c->cond);
        for (band_rule *b = x->bands; b; b = b->next) {
            qualify_expr(&q, b->score);
            for (int i = 0; i < b->nedges; i++)
                qualify_expr(&q, b->edges[i].limit);
        }
        for (grade_point *g = x->grades; g; g = g->next) {
            qualify_expr(&q, g->score);
            qualify_expr(&q, g->at);
        }
        qualify_members(&q, x->members, q.report);
        for (name_ref *g = x->givens; g; g = g->next)
            qualify_expr(&q, g->weight);
    }
}

/* ---- into a namespace -------------------------------------------------------- */

static bool declares_name(decl_kind k)
{
    return k == D_PARAM || k == D_LET || k == D_METRIC || k == D_MEASURE || k == D_GROUP || k == D_SCHEME ||
           k == D_RECORD;
}

typedef struct names {
    const char **v;
    int n, cap;
} names;

static void names_add(names *s, const char *name)
{
    if (s->n == s->cap)
        s->v = xrealloc(s->v, (size_t)(s->cap = s->cap ? 2 * s->cap : 32) * sizeof *s->v);
    s->v[s->n++] = name;
}

static bool names_has(const names *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return true;
    return false;
}

static const char *join(arena *a, const char *x, const char *y, const char *z)
{
    size_t lx = strlen(x), ly = strlen(y), lz = strlen(z);
    char *out = arena_alloc(a, lx + ly + lz + 1);
    memcpy(out, x, lx);
    memcpy(out + lx, y, ly);
    memcpy(out + lx + ly, z, lz + 1);
    return out;
}

typedef struct rename_ctx {
    arena *a;
    const names *declared;
    const char *prefix;
} rename_ctx;

static void rename_ref(void *ctx, const char **name)
{
    rename_ctx *r = ctx;
    if (names_has(r->declared, *name))
        *name = join(r->a, r->prefix, *name, "");
}

decl *ns_enter(arena *a, decl *list, const char *alias)
{
    names declared = {0};
    for (decl *x = list; x; x = x->next)
        if (declares_name(x->kind))
            names_add(&declared, x->name);
    const char *prefix = join(a, alias, ".", "");
    rename_ctx r = {a, &declared, prefix};
    decl *head = NULL, **tail = &head;
    for (decl *x = list, *next; x; x = next) {
        next = x->next;
        x->next = NULL;
        if (x->kind == D_TEST || x->kind == D_POLICY || x->kind == D_ID || x->kind == D_ACTION)
            continue;
        decl_refs(NULL, x, rename_ref, &r);
        if (declares_name(x->kind))
            x->name = join(a, prefix, x->name, "");
        x->ns = join(a, prefix, x->ns ? x->ns : "", "");
        *tail = x;
        tail = &x->next;
    }
    free(declared.v);
    return head;
}

/* ---- what a composed policy uses --------------------------------------------- */

static bool same_ns(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void need_ref(void *ctx, const char **name)
{
    names_add(ctx, *name);
}

/* What kept declaration x needs: the names it uses, and for a measure or
 * group that names no scheme, the scheme(s) of its own namespace. */
static void need(names *needed, decl *list, decl *x, arena *a)
{
    decl_refs(a, x, need_ref, needed);
    if ((x->kind == D_MEASURE || x->kind == D_GROUP) && !x->scheme)
        for (decl *s = list; s; s = s->next)
            if (s->kind == D_SCHEME && same_ns(s->ns, x->ns))
                names_add(needed, s->name);
}

decl *ns_prune(decl *list, decl **dropped)
{
    *dropped = NULL;
    int n = 0;
    bool any = false;
    for (decl *x = list; x; x = x->next, n++)
        any |= x->ns != NULL;
    if (!any)
        return list;
    /* Reason texts are read into copies; they live only for this pass. */
    arena scratch;
    arena_init(&scratch);
    bool *kept = xcalloc((size_t)n + 1, sizeof *kept);
    names needed = {0};
    int i = 0;
    for (decl *x = list; x; x = x->next, i++)
        if (!x->ns) {
            kept[i] = true;
            need(&needed, list, x, &scratch);
        }
    for (bool grew = true; grew;) {
        grew = false;
        i = 0;
        for (decl *x = list; x; x = x->next, i++) {
            if (kept[i] || !x->name || x->kind == D_IMPORT || !names_has(&needed, x->name))
                continue;
            kept[i] = grew = true;
            need(&needed, list, x, &scratch);
        }
    }
    decl *head = NULL, **tail = &head, **out = dropped;
    i = 0;
    for (decl *x = list, *next; x; x = next, i++) {
        next = x->next;
        x->next = NULL;
        decl ***to = kept[i] ? &tail : &out;
        **to = x;
        *to = &x->next;
    }
    free(kept);
    free(needed.v);
    arena_free(&scratch);
    return head;
}
