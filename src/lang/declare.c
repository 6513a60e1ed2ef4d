/* declare.c - the first step of checking: every declaration of the policy
 * (imports expanded) becomes a symbol, a scheme or a record type, each name
 * once; the records' fields get their types.  Types of expressions come
 * after, in check.c, once every name can be found.  Also the messages both
 * steps give for a name that is not there. */
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "declare.h"
#include "names.h"
#include "xalloc.h"

/* "an input", "a measure": the word with its article. */
const char *a_kind(sym_kind k)
{
    static const char *const words[] = {"an input", "a parameter", "a definition", "a metric", "a measure", "a group"};
    return words[k];
}

const char *kind_word(sym_kind k)
{
    static const char *const words[] = {"input", "parameter", "definition", "metric", "measure", "group"};
    return words[k];
}

/* All names a misspelling could have meant. */
static const char *suggest_symbol(const policy *p, const char *wrong)
{
    int n = 0;
    for (unsigned i = 0; i < p->table_size; i++)
        for (symbol *s = p->table[i]; s; s = s->hash_next)
            n++;
    const char **names = xmalloc((size_t)(n + BI_COUNT) * sizeof *names);
    n = 0;
    for (unsigned i = 0; i < p->table_size; i++)
        for (symbol *s = p->table[i]; s; s = s->hash_next)
            names[n++] = s->name;
    const char *best = closest_name(wrong, names, n);
    free(names);
    return best;
}

void unknown_name(const policy *p, diag *d, rb_loc loc, const char *what, const char *name, const char *const *cands, int n)
{
    const char *best = cands ? closest_name(name, cands, n) : suggest_symbol(p, name);
    if (best)
        diag_error(d, loc, "unknown %s '%s' (did you mean '%s'?)", what, name, best);
    else
        diag_error(d, loc, "unknown %s '%s'", what, name);
}

/* The type a field or a plain input declares: number, text, date, bool. */
rb_type value_type_named(const policy *p, diag *d, const decl *x, const char *what)
{
    static const char *const types[] = {"number", "text", "date", "bool"};
    static const rb_type tys[] = {TY_NUMBER, TY_TEXT, TY_DATE, TY_BOOL};
    for (int i = 0; i < 4; i++)
        if (strcmp(x->type_name, types[i]) == 0)
            return tys[i];
    if (strcmp(x->type_name, "list") == 0 && x->kind == D_FIELD)
        diag_error(d, x->type_loc, "a field holds one value (number, text, date, bool or one of \"...\"), not a list");
    else if (strcmp(x->type_name, "list") == 0)
        diag_error(d, x->type_loc, "a list input says what its elements are: 'list of RECORD'");
    else {
        char word[32];
        snprintf(word, sizeof word, "%s type", what);
        unknown_name(p, d, x->type_loc, word, x->type_name, types, 4);
    }
    return TY_ERROR;
}

/* Data matches choices without regard to case, so two that differ only by
 * it could not be told apart. */
void check_choices(diag *d, const decl *x)
{
    for (text_list *t = x->choices; t; t = t->next)
        for (text_list *o = x->choices; o != t; o = o->next)
            if (o->len == t->len && memcmp(o->s, t->s, t->len) == 0) {
                diag_error(d, t->loc, "\"%s\" is listed twice", t->s);
                break;
            } else if (choice_same(o->s, o->len, t->s, t->len)) {
                diag_error(d, t->loc, "\"%s\" and \"%s\" differ only by case, and data is matched "
                           "to a choice without regard to case", o->s, t->s);
                break;
            }
}

static void check_record(policy *p, diag *d, record_type *r)
{
    int n = 0;
    for (decl *f = r->decl->fields; f; f = f->next)
        n++;
    if (n == 0)
        diag_error(d, r->decl->name_loc, "record '%s' has no fields (lines such as 'instance_id: text')", r->name);
    r->fields = arena_alloc(&p->arena, (size_t)(n ? n : 1) * sizeof *r->fields);
    r->types = arena_alloc(&p->arena, (size_t)(n ? n : 1) * sizeof *r->types);
    for (decl *f = r->decl->fields; f; f = f->next) {
        if (record_field_index(r, f->name) >= 0) {
            diag_error(d, f->name_loc, "field '%s' is listed twice in record '%s'", f->name, r->name);
            continue;
        }
        r->fields[r->nfields] = f;
        if (f->choices) {
            check_choices(d, f);
            r->types[r->nfields++] = TY_TEXT;
        } else {
            r->types[r->nfields++] = value_type_named(p, d, f, "field");
        }
    }
}

static sym_kind kind_of(decl_kind k)
{
    switch (k) {
    case D_INPUT: return SYM_INPUT;
    case D_PARAM: return SYM_PARAM;
    case D_METRIC: return SYM_METRIC;
    case D_MEASURE: return SYM_MEASURE;
    case D_GROUP: return SYM_GROUP;
    default: return SYM_LET;
    }
}

symbol *declare_names(policy *p, diag *d, rb_loc *id_loc)
{
    int ndecls = 1;
    for (decl *x = p->decls; x; x = x->next)
        ndecls++;
    p->order = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->order);
    p->inputs = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->inputs);
    p->params = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->params);
    p->outputs = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->outputs);
    p->schemes = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->schemes);
    p->records = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->records);

    symbol *as_of = policy_intern(p, "as_of");
    as_of->kind = SYM_PARAM;
    as_of->used = true;
    p->params[p->nparams++] = as_of;

    /* An empty file, one of comments only, or a policy line alone would
     * pass every check and score nothing: most likely the wrong file.
     * Imports count by what they bring: a file of imports (and tests) is a
     * policy, and a file of schemes is one to import. */
    bool declares = false;
    for (const decl *x = p->decls; x && !declares; x = x->next)
        declares = x->kind != D_POLICY && x->kind != D_IMPORT && x->kind != D_TEST && x->kind != D_ID;
    if (!declares) {
        rb_loc top = {p->sources, 0, 0};
        diag_error(d, top, "the policy declares nothing: no input, definition, measure, group or scheme");
    }

    for (decl *x = p->decls; x; x = x->next) {
        switch (x->kind) {
        case D_POLICY:
            if (!p->title) {
                p->title = x->name;
                p->version = x->version;
            }
            continue;
        case D_IMPORT:
        case D_TEST:
            continue;
        case D_ID:
            /* The policy's own file decides; an imported file's id applies
             * only when the importing file has none. */
            if (p->id_field && x->loc.src == id_loc->src)
                diag_error(d, x->loc, "the account id is already set to '%s'", p->id_field);
            else if (!p->id_field || (x->loc.src == p->sources && id_loc->src != p->sources)) {
                p->id_field = x->name;
                *id_loc = x->loc;
            }
            continue;
        case D_RECORD: {
            record_type *old = policy_record(p, x->name);
            if (old) {
                diag_error(d, x->name_loc, "record '%s' is already defined", x->name);
                diag_note(d, old->decl->name_loc, "'%s' was defined here", x->name);
                continue;
            }
            record_type *r = arena_alloc(&p->arena, sizeof *r);
            r->name = x->name;
            r->decl = x;
            p->records[p->nrecords++] = r;
            continue;
        }
        case D_FIELD:
            continue;
        case D_SCHEME: {
            if (policy_scheme(p, x->name)) {
                diag_error(d, x->name_loc, "scheme '%s' is already defined", x->name);
                diag_note(d, policy_scheme(p, x->name)->decl->name_loc, "'%s' was defined here", x->name);
                continue;
            }
            scheme *s = arena_alloc(&p->arena, sizeof *s);
            s->name = x->name;
            s->decl = x;
            p->schemes[p->nschemes++] = s;
            continue;
        }
        default:
            break;
        }
        symbol *old = policy_lookup(p, x->name);
        if (old) {
            if (!old->decl)
                diag_error(d, x->name_loc, "'%s' is built in (the evaluation date, set with --as-of)", x->name);
            else {
                diag_error(d, x->name_loc, "'%s' is already defined", x->name);
                diag_note(d, old->decl->name_loc, "'%s' was first defined here", x->name);
            }
            continue;
        }
        if (builtin_find(x->name) >= 0 && x->kind != D_INPUT)
            diag_warning(d, x->name_loc, "'%s' hides the built-in function of the same name", x->name);
        symbol *s = policy_intern(p, x->name);
        s->kind = kind_of(x->kind);
        s->decl = x;
        if (s->kind == SYM_INPUT) {
            s->index = p->ninputs;
            p->inputs[p->ninputs++] = s;
        } else if (s->kind == SYM_PARAM) {
            s->index = p->nparams;
            p->params[p->nparams++] = s;
        }
        if (s->kind == SYM_METRIC || s->kind == SYM_MEASURE || s->kind == SYM_GROUP) {
            s->is_output = true;
            s->index = p->noutputs;
            p->outputs[p->noutputs++] = s;
        }
    }
    for (int i = 0; i < p->nrecords; i++)
        check_record(p, d, p->records[i]);
    return as_of;
}
