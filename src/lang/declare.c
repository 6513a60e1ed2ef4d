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
    static const char *const words[] = {"an input", "a parameter", "a definition", "a metric", "a measure", "a group",
                                        "an action"};
    return words[k];
}

const char *kind_word(sym_kind k)
{
    static const char *const words[] = {"input", "parameter", "definition", "metric", "measure", "group", "action"};
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

/* The names of r's fields, for a did-you-mean; the caller frees it. */
static const char **field_names(const record_type *r)
{
    const char **names = xmalloc((size_t)(r->nfields + 1) * sizeof *names);
    for (int i = 0; i < r->nfields; i++)
        names[i] = r->fields[i]->name;
    return names;
}

void unknown_field(diag *d, rb_loc loc, const record_type *r, const char *name)
{
    const char **names = field_names(r);
    const char *best = closest_name(name, names, r->nfields);
    if (best)
        diag_error(d, loc, "record '%s' has no field '%s' (did you mean '%s'?)", r->name, name, best);
    else
        diag_error(d, loc, "record '%s' has no field '%s'", r->name, name);
    free(names);
}

void unknown_bare_name(const policy *p, diag *d, rb_loc loc, const char *name, const record_type *elem)
{
    /* Inside a condition, a misspelt field is likelier than a misspelt
     * account-level name. */
    if (elem) {
        const char **names = field_names(elem);
        const char *best = closest_name(name, names, elem->nfields);
        free(names);
        if (best) {
            diag_error(d, loc, "unknown name '%s' (did you mean '%s', a field of record '%s'?)", name, best, elem->name);
            return;
        }
    }
    /* A field is a name only where the element is known. */
    for (int i = 0; i < p->nrecords; i++)
        if (record_field_index(p->records[i], name) >= 0 && p->records[i] != elem) {
            diag_error(d, loc, "'%s' is a field of record '%s': use it in a condition after 'where', in a list "
                               "function (sum(L, %s)), or on one element (chosen.%s)", name, p->records[i]->name, name, name);
            return;
        }
    unknown_name(p, d, loc, "name", name, NULL, 0);
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
    case D_ACTION: return SYM_ACTION;
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
    p->actions = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->actions);
    p->prevs = arena_alloc(&p->arena, (size_t)ndecls * sizeof *p->prevs);

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
        s->prev_index = -1;
        if (s->kind == SYM_ACTION)
            p->actions[p->nactions++] = s;
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

bool test_population_line(const policy *p, const name_ref *g)
{
    const symbol *s = policy_lookup(p, g->name);
    return strcmp(g->name, "population") == 0 && !(s && s->kind == SYM_INPUT && s->type == TY_LIST);
}

void check_test_tables(const policy *p, diag *d, decl *t)
{
    for (name_ref *g = t->tables; g; g = g->next) {
        symbol *s = policy_lookup(p, g->name);
        g->sym = s;
        if (test_population_line(p, g))
            continue; /* the accounts the population values are computed over */
        for (name_ref *o = t->tables; o != g; o = o->next)
            if (strcmp(o->name, g->name) == 0)
                diag_error(d, g->loc, "the rows of '%s' are given twice in this test", g->name);
        if (!s || s->kind != SYM_INPUT || s->type != TY_LIST)
            diag_error(d, g->loc, "'%s' is not a list input: 'given NAME from \"FILE\"' gives a list's rows", g->name);
        else if (!t->fixture_path)
            diag_error(d, g->loc, "the rows of '%s' need the account they belong to: add a line "
                                     "'given \"ID\" from \"ACCOUNTS.csv\"'", g->name);
        else
            s->used = true;
    }
}

/* The {name} holes of a reason text ({name%}: shown as a percentage),
 * each handed to fn with its place in the text; `{{` and `}}` are braces.  False at a brace that opens no hole
 * or a hole that is not a name, with the offset in *bad. */
bool reason_holes(const char *text, void (*fn)(void *ctx, const char *name, size_t len, size_t at), void *ctx,
                  size_t *bad)
{
    for (size_t i = 0; text[i]; i++) {
        if ((text[i] == '{' && text[i + 1] == '{') || (text[i] == '}' && text[i + 1] == '}')) {
            i++;
            continue;
        }
        if (text[i] == '}') {
            *bad = i;
            return false;
        }
        if (text[i] != '{')
            continue;
        size_t start = i + 1, end = start;
        while ((text[end] >= 'a' && text[end] <= 'z') || (text[end] >= 'A' && text[end] <= 'Z') ||
               (text[end] >= '0' && text[end] <= '9') || text[end] == '_')
            end++;
        size_t close = text[end] == '%' ? end + 1 : end; /* {x%}: as a percentage */
        if (end == start || text[close] != '}') {
            *bad = i;
            return false;
        }
        if (fn)
            fn(ctx, text + start, end - start, start);
        i = close;
    }
    return true;
}

typedef struct hole_check {
    const policy *p;
    diag *d;
    const decl *action;
} hole_check;

static void check_hole(void *ctx, const char *name, size_t len, size_t at)
{
    hole_check *h = ctx;
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)len, name);
    rb_loc loc = h->action->reason_loc;
    loc.begin += (unsigned)at + 1; /* past the opening quote */
    loc.end = loc.begin + (unsigned)len;
    symbol *s = policy_lookup(h->p, word);
    if (!s || !s->decl) {
        if (s) /* as_of */
            return;
        unknown_name(h->p, h->d, loc, "name", word, NULL, 0);
        return;
    }
    if (s->kind == SYM_ACTION || s->type == TY_LIST || s->type == TY_RECORD)
        diag_error(h->d, loc, "a reason quotes one value; '%s' is %s", word,
                   s->kind == SYM_ACTION ? "an action" : s->type == TY_LIST ? "a list" : "a record");
    s->used = true;
}

void check_action(const policy *p, diag *d, const decl *a)
{
    if (!a->priority)
        diag_error(d, a->name_loc, "action '%s' needs a 'priority' line (a whole number, 1 comes first)", a->name);
    else {
        rb_num n = a->priority->u.num;
        if (n.q != 1 || n.p < 0 || n.p > 1000000)
            diag_error(d, a->priority->loc, "a priority is a whole number from 0 to 1000000");
    }
    if (!a->reason) {
        diag_error(d, a->name_loc, "action '%s' needs a 'reason' line: the text a CSM reads, which can quote "
                                   "values as {name}", a->name);
        return;
    }
    hole_check h = {p, d, a};
    size_t bad = 0;
    if (!reason_holes(a->reason, check_hole, &h, &bad)) {
        rb_loc loc = a->reason_loc;
        loc.begin += (unsigned)bad + 1;
        loc.end = loc.begin + 1;
        diag_error(d, loc, "a reason quotes a value as {name}; write {{ and }} for braces themselves");
    }
}

void check_band_name(diag *d, const scheme *s, const char *band, rb_loc loc)
{
    if (!s || scheme_band_index(s, band) >= 0)
        return;
    const char *best = closest_name(band, s->bands, s->nbands);
    if (best)
        diag_error(d, loc, "'%s' is not a band of scheme '%s' (did you mean '%s'?)", band, s->name, best);
    else
        diag_error(d, loc, "'%s' is not a band of scheme '%s'", band, s->name);
}

/* given prev(x) = VALUE: x is an output the policy reads with prev(); a
 * banded one is given by its band's name. */
void check_given_prev(diag *d, name_ref *g, symbol *s, rb_type vt)
{
    if (!s || s->prev_index < 0) {
        diag_error(d, g->loc, "the policy never reads prev(%s): a test gives previous values only of outputs "
                                 "that prev() reads", g->name);
        return;
    }
    g->sym = s;
    if (s->type == TY_BANDED) {
        if (vt == TY_TEXT && g->weight->kind == EX_TEXT)
            check_band_name(d, s->scheme, g->weight->u.text.s, g->weight->loc);
        else if (vt != TY_NA && vt != TY_ERROR)
            diag_error(d, g->weight->loc, "prev(%s) is given by its band, in quotes (\"green\"), or na", g->name);
        return;
    }
    if (vt != TY_NA && vt != TY_ERROR && vt != s->type && !(s->type == TY_NUMBER && vt == TY_BANDED))
        diag_error(d, g->weight->loc, "'%s' is a %s, not a %s", g->name, type_name(s->type), type_name(vt));
}
