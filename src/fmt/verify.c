/* verify.c - the self-check of `rubric fmt`, run on every result: the
 * formatted text must parse, say the same tokens and comments, build the
 * same syntax tree and format to itself again. */
#include "fmt_internal.h"

#include <stdlib.h>
#include <string.h>

#include "parser.h"

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_text(const char *a, rb_loc la, const char *b, rb_loc lb)
{
    return la.end - la.begin == lb.end - lb.begin && memcmp(a + la.begin, b + lb.begin, la.end - la.begin) == 0;
}

typedef struct pair {
    const char *a, *b; /* the two texts */
} pair;

static bool same_expr(pair t, const expr *x, const expr *y);

static bool same_names(pair t, const name_ref *x, const name_ref *y)
{
    for (; x && y; x = x->next, y = y->next) {
        if (!same_str(x->name, y->name) || !!x->weight != !!y->weight || x->prev != y->prev)
            return false;
        if (x->weight && !same_expr(t, x->weight, y->weight))
            return false;
    }
    return !x && !y;
}

static bool same_expr(pair t, const expr *x, const expr *y)
{
    if (!x || !y)
        return x == y;
    if (x->kind != y->kind || x->op != y->op)
        return false;
    switch (x->kind) {
    case EX_NUM:
    case EX_DATE:
        return same_text(t.a, x->loc, t.b, y->loc);
    case EX_DURATION:
        return x->u.dur.amount == y->u.dur.amount && x->u.dur.unit == y->u.dur.unit;
    case EX_TEXT:
        return x->u.text.len == y->u.text.len && memcmp(x->u.text.s, y->u.text.s, x->u.text.len) == 0;
    case EX_BOOL:
        return x->u.b == y->u.b;
    case EX_NA:
        return true;
    case EX_NAME:
        return same_str(x->u.name.name, y->u.name.name);
    case EX_UNARY:
        return same_expr(t, x->u.bin.l, y->u.bin.l);
    case EX_BINARY:
        return same_expr(t, x->u.bin.l, y->u.bin.l) && same_expr(t, x->u.bin.r, y->u.bin.r);
    case EX_IF:
        return same_expr(t, x->u.cond.cond, y->u.cond.cond) && same_expr(t, x->u.cond.then, y->u.cond.then) &&
               same_expr(t, x->u.cond.els, y->u.cond.els);
    case EX_CALL: {
        if (!same_str(x->u.call.fn, y->u.call.fn) || x->u.call.by != y->u.call.by)
            return false;
        const expr_list *a = x->u.call.args, *b = y->u.call.args;
        for (; a && b; a = a->next, b = b->next)
            if (!same_expr(t, a->e, b->e))
                return false;
        return !a && !b;
    }
    case EX_IS:
        return same_str(x->u.is.band, y->u.is.band) && same_expr(t, x->u.is.e, y->u.is.e);
    case EX_COUNT:
        return same_str(x->u.count.band, y->u.count.band) && same_names(t, x->u.count.members, y->u.count.members);
    case EX_WHERE:
        return same_expr(t, x->u.bin.l, y->u.bin.l) && same_expr(t, x->u.bin.r, y->u.bin.r);
    case EX_FIELD:
        return same_str(x->u.field.name, y->u.field.name) && same_expr(t, x->u.field.rec, y->u.field.rec);
    }
    return false;
}

static bool same_decl(pair t, const decl *x, const decl *y)
{
    if (x->kind != y->kind || !same_str(x->name, y->name) || !same_str(x->version, y->version) ||
        !same_str(x->type_name, y->type_name) || !same_str(x->scheme, y->scheme) || x->agg != y->agg ||
        !same_str(x->fixture_id, y->fixture_id) || !same_str(x->fixture_path, y->fixture_path) ||
        !same_expr(t, x->value, y->value) || !same_names(t, x->members, y->members) ||
        !same_names(t, x->givens, y->givens) || !same_names(t, x->tables, y->tables) ||
        !same_str(x->elem_name, y->elem_name) || !same_str(x->reason, y->reason) ||
        !same_expr(t, x->priority, y->priority))
        return false;
    const decl *fa = x->fields, *fb = y->fields;
    for (; fa && fb; fa = fa->next, fb = fb->next)
        if (!same_decl(t, fa, fb))
            return false;
    if (fa || fb)
        return false;
    const text_list *ca = x->choices, *cb = y->choices;
    for (; ca && cb; ca = ca->next, cb = cb->next)
        if (ca->len != cb->len || memcmp(ca->s, cb->s, ca->len) != 0)
            return false;
    if (ca || cb)
        return false;
    const clause *la = x->clauses, *lb = y->clauses;
    for (; la && lb; la = la->next, lb = lb->next)
        if (la->kind != lb->kind || !same_expr(t, la->cond, lb->cond))
            return false;
    if (la || lb)
        return false;
    const band_rule *ra = x->bands, *rb = y->bands;
    for (; ra && rb; ra = ra->next, rb = rb->next) {
        if (!same_str(ra->band, rb->band) || ra->nedges != rb->nedges || ra->otherwise != rb->otherwise ||
            !same_expr(t, ra->score, rb->score))
            return false;
        for (int i = 0; i < ra->nedges; i++)
            if (ra->edges[i].op != rb->edges[i].op || !same_expr(t, ra->edges[i].limit, rb->edges[i].limit))
                return false;
    }
    return !ra && !rb;
}

/* Tokens equal in what they say: names, values, literals as written;
 * parentheses are left out (fmt drops redundant ones; the trees compare
 * the grouping). */
static bool same_tokens(const toks *a, const toks *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->n && (a->v[i].kind == '(' || a->v[i].kind == ')'))
            i++;
        while (j < b->n && (b->v[j].kind == '(' || b->v[j].kind == ')'))
            j++;
        if (i == a->n || j == b->n)
            return i == a->n && j == b->n;
        const tok *x = &a->v[i++], *y = &b->v[j++];
        if (x->kind != y->kind)
            return false;
        switch (x->kind) {
        case IDENT: case STRING: case NUMBER: case PERCENT: case DATE:
            if (x->len != y->len || memcmp(x->s, y->s, x->len) != 0)
                return false;
            break;
        case DURATION:
            if (x->amount != y->amount || x->unit != y->unit)
                return false;
            break;
        default:
            break;
        }
    }
}

static bool same_comments(const source *sa, const comment *a, const source *sb, const comment *b)
{
    for (; a && b; a = a->next, b = b->next) {
        rb_loc la = a->loc, lb = b->loc;
        while (la.end > la.begin && is_blank(sa->text[la.end - 1]))
            la.end--;
        while (lb.end > lb.begin && is_blank(sb->text[lb.end - 1]))
            lb.end--;
        if (!same_text(sa->text, la, sb->text, lb))
            return false;
    }
    return !a && !b;
}

const char *fmt_verify(const source *src, const char *formatted, size_t len, diag *d)
{
    strbuf name = {0};
    strbuf_addf(&name, "%s (formatted)", src->path);
    source *out = source_from_string(name.s, formatted, len);
    strbuf_free(&name);

    diag quiet = *d;
    quiet.max_errors = -1; /* the input was parsed already; count only */
    parsed a, b;
    fmt_parse(&a, src, &quiet);
    fmt_parse(&b, out, d);
    toks ta = {0}, tb = {0};
    const char *why = NULL;
    if (a.errors)
        why = "the input does not parse";
    else if (b.errors)
        why = "the formatted text does not parse";
    else if (!fmt_lex(src, &a.a, true, &ta) || !fmt_lex(out, &b.a, true, &tb))
        why = "the scanner could not start";
    else if (!same_tokens(&ta, &tb))
        why = "the tokens differ";
    else if (!same_comments(src, a.ctx.comments, out, b.ctx.comments))
        why = "the comments differ";
    if (!why) {
        pair t = {src->text, out->text};
        const decl *x = a.ctx.decls, *y = b.ctx.decls;
        for (; x && y; x = x->next, y = y->next)
            if (!same_decl(t, x, y))
                break;
        if (x || y)
            why = "the syntax trees differ";
    }
    if (!why) {
        size_t again_len = 0;
        char *again = fmt_layout(out, b.ctx.decls, b.ctx.comments, &again_len);
        if (!again || again_len != len || memcmp(again, formatted, len) != 0)
            why = "formatting the result again changes it";
        free(again);
    }
    free(ta.v);
    free(tb.v);
    arena_free(&a.a);
    arena_free(&b.a);
    source_free(out);
    return why;
}
