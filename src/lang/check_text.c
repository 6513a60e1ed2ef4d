/* check_text.c - text compared with what it can never equal: a value an
 * enumeration does not list, or letters and spaces that lower(), upper()
 * or trim() never give.  Found before any data is read. */
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "check_text.h"
#include "names.h"
#include "policy.h"
#include "xalloc.h"

const decl *enumeration_of(const expr *e, const record_type *elem)
{
    const decl *x = NULL;
    if (e->kind == EX_NAME && e->u.name.sym && e->u.name.sym->decl && e->u.name.sym->decl->kind == D_INPUT)
        x = e->u.name.sym->decl;
    if (e->kind == EX_FIELD && e->u.field.index >= 0) {
        const record_type *r = e->u.field.rec ? e->u.field.rec->rec : elem;
        if (r && e->u.field.index < r->nfields)
            x = r->fields[e->u.field.index];
    }
    return x && x->choices ? x : NULL;
}

void check_choice(diag *d, const decl *in, const expr *b)
{
    if (!in || !in->choices || b->kind != EX_TEXT)
        return;
    int n = 0;
    for (const text_list *t = in->choices; t; t = t->next) {
        if (t->len == b->u.text.len && memcmp(t->s, b->u.text.s, t->len) == 0)
            return;
        n++;
    }
    const char **names = xmalloc((size_t)n * sizeof *names);
    n = 0;
    for (const text_list *t = in->choices; t; t = t->next)
        names[n++] = t->s;
    const char *best = closest_name(b->u.text.s, names, n);
    if (best)
        diag_error(d, b->loc, "\"%s\" is not one of the values of '%s' (did you mean \"%s\"?)", b->u.text.s, in->name, best);
    else
        diag_error(d, b->loc, "\"%s\" is not one of the values of '%s'", b->u.text.s, in->name);
    free(names);
}

static bool end_space(char ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); }

/* Text compared with what lower(), upper() or trim() give must be text
 * they can give: lower(x) = "Self-Managed" is never true, however the data
 * is written.  The outermost of lower and upper decides the case; a trim
 * anywhere in the chain takes the spaces off the ends. */
void check_text_shape(diag *d, const expr *a, const expr *b)
{
    if (a->kind != EX_CALL || b->kind != EX_TEXT)
        return;
    int fcase = -1;
    bool trimmed = false;
    for (const expr *x = a; x->kind == EX_CALL && x->u.call.nargs == 1; x = x->u.call.args->e) {
        int fn = x->u.call.id;
        if (fn == BI_TRIM)
            trimmed = true;
        else if (fn != BI_LOWER && fn != BI_UPPER)
            break;
        else if (fcase < 0)
            fcase = fn;
    }
    const char *t = b->u.text.s;
    size_t from = 0, to = b->u.text.len;
    while (trimmed && from < to && end_space(t[from]))
        from++;
    while (trimmed && to > from && end_space(t[to - 1]))
        to--;
    bool spaced = from > 0 || to < b->u.text.len, wrong_case = false;
    char *fixed = xmalloc(to - from + 1);
    for (size_t i = from; i < to; i++) {
        char ch = t[i];
        if (fcase == BI_LOWER && ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        else if (fcase == BI_UPPER && ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        wrong_case |= ch != t[i];
        fixed[i - from] = ch;
    }
    fixed[to - from] = '\0';
    if (wrong_case)
        diag_error(d, b->loc, "%s() never gives \"%s\", which has %s letters: the two are never equal (did you mean \"%s\"?)",
                   builtin_table[fcase].name, t, fcase == BI_LOWER ? "capital" : "small", fixed);
    else if (spaced)
        diag_error(d, b->loc, "trim() never gives \"%s\", which has spaces at an end: the two are never equal (did you mean \"%s\"?)",
                   t, fixed);
    free(fixed);
}
