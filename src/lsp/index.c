/* index.c - the names of a policy, definitions and uses, from its tree. */
#include "index.h"

#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "strbuf.h"
#include "xalloc.h"

typedef struct walker {
    occ_index *ix;
    const policy *p;
    bool valid;
    const char *only_scheme;  /* the policy's one scheme, if it has one */
} walker;

static void add(walker *w, occ_kind kind, bool def, const char *name, const char *owner, rb_loc loc, const decl *d,
                const band_rule *band)
{
    if (!name || !loc.src || loc.end <= loc.begin)
        return; /* a node the parser made up while recovering */
    occ_index *ix = w->ix;
    if (ix->n == ix->cap)
        ix->v = xrealloc(ix->v, (ix->cap = ix->cap ? 2 * ix->cap : 256) * sizeof *ix->v);
    ix->v[ix->n++] = (occ){kind, def, name, owner, loc, d, band};
}

static const decl *decl_named(const policy *p, const char *name)
{
    for (const decl *d = p->decls; d; d = d->next)
        if (d->name && strcmp(d->name, name) == 0 && d->kind != D_IMPORT && d->kind != D_POLICY && d->kind != D_TEST &&
            d->kind != D_SCHEME && d->kind != D_RECORD)
            return d;
    return NULL;
}

/* With one scheme, a measure or group that names none uses it. */
static const char *only_scheme(const policy *p)
{
    const char *only = NULL;
    for (const decl *x = p->decls; x; x = x->next)
        if (x->kind == D_SCHEME) {
            if (only)
                return NULL;
            only = x->name;
        }
    return only;
}

static const char *scheme_of_decl(const policy *p, bool valid, const decl *d, const char *only)
{
    if (valid && d->name) {
        const symbol *s = policy_lookup(p, d->name);
        if (s && s->scheme)
            return s->scheme->name;
    }
    if (d->scheme)
        return d->scheme;
    return d->kind == D_MEASURE || d->kind == D_GROUP ? only : NULL;
}

const char *index_scheme_of(const policy *p, bool valid, const decl *d)
{
    return scheme_of_decl(p, valid, d, only_scheme(p));
}

/* The scheme of what an `is` or a count looks at, as far as it can tell. */
static const char *scheme_of_expr(const walker *w, const expr *e)
{
    if (w->valid) {
        const scheme *s = expr_scheme(e);
        if (s)
            return s->name;
    }
    if (e && e->kind == EX_CALL && e->u.call.args && e->u.call.fn && strcmp(e->u.call.fn, "prev") == 0)
        e = e->u.call.args->e;
    if (!e || e->kind != EX_NAME)
        return NULL;
    const decl *d = decl_named(w->p, e->u.name.name);
    return d ? scheme_of_decl(w->p, w->valid, d, w->only_scheme) : NULL;
}

static const char *record_of(const expr *e)
{
    return e && e->rec ? e->rec->name : NULL;
}

static void walk(walker *w, const expr *e, const char *elem);

/* A test's `given prev(NAME) = VALUE` is placed at `prev`: NAME is found
 * in the text after it. */
static rb_loc prev_name_loc(const name_ref *r)
{
    rb_loc loc = r->loc;
    const char *t = loc.src->text;
    size_t i = loc.end, n = strlen(r->name);
    while (i < loc.src->len && (t[i] == ' ' || t[i] == '\t'))
        i++;
    if (i < loc.src->len && t[i] == '(')
        i++;
    while (i < loc.src->len && (t[i] == ' ' || t[i] == '\t'))
        i++;
    if (i + n > loc.src->len || strncmp(t + i, r->name, n) != 0) {
        loc.end = loc.begin; /* not where it should be: left out */
        return loc;
    }
    loc.begin = (unsigned)i;
    loc.end = (unsigned)(i + n);
    return loc;
}

static void walk_refs(walker *w, const name_ref *r, const char *elem)
{
    for (; r; r = r->next) {
        add(w, OCC_NAME, false, r->name, NULL, r->prev ? prev_name_loc(r) : r->loc, NULL, NULL);
        if (r->weight)
            walk(w, r->weight, elem);
    }
}

/* elem: the record of the element a condition looks at (x where COND). */
static void walk(walker *w, const expr *e, const char *elem)
{
    if (!e)
        return;
    switch (e->kind) {
    case EX_NAME:
        add(w, OCC_NAME, false, e->u.name.name, NULL, e->loc, NULL, NULL);
        break;
    case EX_UNARY:
        walk(w, e->u.bin.l, elem);
        break;
    case EX_BINARY:
        walk(w, e->u.bin.l, elem);
        walk(w, e->u.bin.r, elem);
        break;
    case EX_WHERE:
        walk(w, e->u.bin.l, elem);
        walk(w, e->u.bin.r, record_of(e->u.bin.l));
        break;
    case EX_IF:
        walk(w, e->u.cond.cond, elem);
        walk(w, e->u.cond.then, elem);
        walk(w, e->u.cond.els, elem);
        break;
    case EX_CALL: {
        if (builtin_find(e->u.call.fn) >= 0)
            add(w, OCC_BUILTIN, false, e->u.call.fn, NULL, e->u.call.fn_loc, NULL, NULL);
        const expr_list *a = e->u.call.args;
        /* A function over a list computes its second argument per element. */
        const char *per = a && builtin_find_list(e->u.call.fn) >= 0 ? record_of(a->e) : elem;
        for (int i = 0; a; a = a->next, i++)
            walk(w, a->e, i == 0 ? elem : per ? per : elem);
        break;
    }
    case EX_IS:
        walk(w, e->u.is.e, elem);
        if (e->u.is.band)
            add(w, OCC_BAND, false, e->u.is.band, scheme_of_expr(w, e->u.is.e), e->u.is.band_loc, NULL, NULL);
        break;
    case EX_COUNT: {
        const char *owner = NULL;
        if (e->u.count.members) {
            const decl *d = decl_named(w->p, e->u.count.members->name);
            owner = d ? scheme_of_decl(w->p, w->valid, d, w->only_scheme) : NULL;
        }
        add(w, OCC_BAND, false, e->u.count.band, owner, e->u.count.band_loc, NULL, NULL);
        walk_refs(w, e->u.count.members, elem);
        break;
    }
    case EX_FIELD:
        walk(w, e->u.field.rec, elem);
        add(w, OCC_FIELD, false, e->u.field.name, e->u.field.rec ? record_of(e->u.field.rec) : elem, e->u.field.name_loc,
            NULL, NULL);
        break;
    default:
        break;
    }
}

static void walk_decl(walker *w, const decl *d)
{
    switch (d->kind) {
    case D_INPUT:
    case D_PARAM:
    case D_LET:
    case D_METRIC:
    case D_MEASURE:
    case D_GROUP:
    case D_ACTION: {
        add(w, OCC_NAME, true, d->name, NULL, d->name_loc, d, NULL);
        if (d->elem_name)
            add(w, OCC_RECORD, false, d->elem_name, NULL, d->elem_loc, NULL, NULL);
        walk(w, d->value, NULL);
        for (const clause *c = d->clauses; c; c = c->next)
            walk(w, c->cond, NULL);
        const char *sch = d->kind == D_MEASURE || d->kind == D_GROUP ? scheme_of_decl(w->p, w->valid, d, w->only_scheme) : NULL;
        if (d->scheme)
            add(w, OCC_SCHEME, false, d->scheme, NULL, d->scheme_loc, NULL, NULL);
        for (const band_rule *b = d->bands; b; b = b->next) {
            add(w, OCC_BAND, false, b->band, sch, b->band_loc, NULL, NULL);
            for (int i = 0; i < b->nedges; i++)
                walk(w, b->edges[i].limit, NULL);
        }
        walk_refs(w, d->members, NULL);
        walk(w, d->priority, NULL);
        break;
    }
    case D_SCHEME:
        add(w, OCC_SCHEME, true, d->name, NULL, d->name_loc, d, NULL);
        for (const band_rule *b = d->bands; b; b = b->next) {
            add(w, OCC_BAND, true, b->band, d->name, b->band_loc, d, b);
            walk(w, b->score, NULL);
            for (int i = 0; i < b->nedges; i++)
                walk(w, b->edges[i].limit, NULL);
        }
        break;
    case D_RECORD:
        add(w, OCC_RECORD, true, d->name, NULL, d->name_loc, d, NULL);
        for (const decl *f = d->fields; f; f = f->next)
            add(w, OCC_FIELD, true, f->name, d->name, f->name_loc, f, NULL);
        break;
    case D_TEST:
        walk_refs(w, d->givens, NULL);
        for (const name_ref *t = d->tables; t; t = t->next)
            add(w, OCC_NAME, false, t->name, NULL, t->loc, NULL, NULL);
        for (const clause *c = d->clauses; c; c = c->next)
            walk(w, c->cond, NULL);
        break;
    default:
        break;
    }
}

void index_build(occ_index *ix, const policy *p, bool valid)
{
    walker w = {ix, p, valid, only_scheme(p)};
    for (const decl *d = p->decls; d; d = d->next)
        walk_decl(&w, d);
}

void index_free(occ_index *ix)
{
    free(ix->v);
    *ix = (occ_index){0};
}

const occ *index_at(const occ_index *ix, const source *src, unsigned offset)
{
    const occ *best = NULL;
    for (size_t i = 0; i < ix->n; i++) {
        const occ *o = &ix->v[i];
        if (o->loc.src == src && o->loc.begin <= offset && offset <= o->loc.end &&
            (!best || o->loc.end - o->loc.begin < best->loc.end - best->loc.begin))
            best = o;
    }
    return best;
}

const occ *index_find(const occ_index *ix, occ_kind kind, const char *name, const char *owner)
{
    /* A band or field whose owner the policy's errors hide: by name alone. */
    for (size_t i = 0; i < ix->n; i++) {
        const occ *o = &ix->v[i];
        if (o->def && o->kind == kind && strcmp(o->name, name) == 0 && (!owner || !o->owner || strcmp(owner, o->owner) == 0))
            return o;
    }
    return NULL;
}

const occ *index_def(const occ_index *ix, const occ *o)
{
    if (o->def)
        return o;
    if (o->kind == OCC_BUILTIN)
        return NULL;
    return index_find(ix, o->kind, o->name, o->owner);
}

/* The byte offsets of line i (0-based) of s: its start, and its end before
 * the line break. */
static void line_span(const source *s, size_t i, size_t *a, size_t *b)
{
    *a = s->line_starts[i];
    *b = i + 1 < s->nlines ? s->line_starts[i + 1] - 1 : s->len;
    if (*b > *a && s->text[*b - 1] == '\r')
        (*b)--;
}

/* The 0-based line an offset is on, by the source's own line map. */
static size_t line_index(const source *s, unsigned offset)
{
    unsigned line, col;
    source_line_col(s, (unsigned)offset, &line, &col);
    return line - 1;
}

static bool blank(const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (t[i] != ' ' && t[i] != '\t')
            return false;
    return true;
}

void index_block(const decl *d, unsigned *begin, unsigned *end)
{
    const source *s = d->loc.src;
    size_t line = line_index(s, d->loc.begin), a, b;
    line_span(s, line, &a, &b);
    *begin = (unsigned)a;
    size_t last = b > d->loc.end ? b : d->loc.end;
    line = line_index(s, (unsigned)last);
    for (size_t i = line + 1; i < s->nlines; i++) {
        line_span(s, i, &a, &b);
        if (blank(s->text, a, b) || (s->text[a] != ' ' && s->text[a] != '\t'))
            break;
        last = b;
    }
    *end = (unsigned)last;
}

char *index_comment_above(const decl *d)
{
    const source *s = d->loc.src;
    size_t line = line_index(s, d->loc.begin), first = line;
    while (first > 0) {
        size_t a, b;
        line_span(s, first - 1, &a, &b);
        while (a < b && (s->text[a] == ' ' || s->text[a] == '\t'))
            a++;
        if (a == b || s->text[a] != '#')
            break;
        first--;
    }
    strbuf out = {0};
    for (size_t i = first; i < line; i++) {
        size_t a, b;
        line_span(s, i, &a, &b);
        while (s->text[a] != '#')
            a++;
        a++;
        if (a < b && s->text[a] == ' ')
            a++;
        if (b - a >= 7 && strncmp(s->text + a, "rubric:", 7) == 0)
            continue;
        strbuf_add(&out, s->text + a, b - a);
        strbuf_adds(&out, "\n");
    }
    return strbuf_take(&out, NULL);
}
