/* navigate.c - hover, definition, references and rename: what the name
 * under the cursor is, where it is declared and used, across imports and
 * across the open files (a test file and the policy it imports). */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "handlers.h"
#include "parse.h"
#include "proto.h"
#include "strbuf.h"
#include "text.h"
#include "xalloc.h"

cJSON *feature_fail(lsp_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = code;
    return NULL;
}

lsp_doc *feature_doc(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    const char *uri = json_doc_uri(params);
    if (!uri) {
        feature_fail(err, RPC_INVALID_PARAMS, "params.textDocument.uri is missing");
        return NULL;
    }
    lsp_doc *doc = docs_find(ds, uri);
    if (!doc)
        feature_fail(err, RPC_INVALID_PARAMS, "%s is not open (textDocument/didOpen first)", uri);
    return doc;
}

/* The name at params.position in its file, with the file; NULL (and no
 * error) when the position is on no name. */
static const occ *occ_at(const lsp_docs *ds, const cJSON *params, lsp_doc **docp, lsp_error *err)
{
    lsp_doc *doc = *docp = feature_doc(ds, params, err);
    if (!doc)
        return NULL;
    lsp_pos pos;
    if (!json_pos(cJSON_GetObjectItemCaseSensitive(params, "position"), &pos)) {
        feature_fail(err, RPC_INVALID_PARAMS, "params.position must be {line, character}");
        return NULL;
    }
    return index_at(&doc->ix, doc->pol->sources, lsp_offset_of(doc->pol->sources, pos));
}

static const char *const kind_words[] = {
    [D_INPUT] = "input", [D_PARAM] = "parameter", [D_LET] = "definition", [D_METRIC] = "metric",
    [D_MEASURE] = "measure", [D_GROUP] = "group", [D_SCHEME] = "scheme", [D_RECORD] = "record",
    [D_FIELD] = "field", [D_ACTION] = "action",
};

static const char *kind_word(const decl *d)
{
    return d->kind < sizeof kind_words / sizeof kind_words[0] && kind_words[d->kind] ? kind_words[d->kind] : "name";
}

static void add_code(strbuf *b, const source *s, unsigned begin, unsigned end)
{
    strbuf_adds(b, "```rubric\n");
    strbuf_add(b, s->text + begin, end - begin);
    strbuf_adds(b, "\n```\n");
}

static void add_where(strbuf *b, const decl *d)
{
    lsp_pos p = lsp_pos_of(d->loc.src, d->name_loc.begin);
    const char *path = d->loc.src->path, *slash = strrchr(path, '/');
    strbuf_addf(b, "\n*%s*, declared at `%s:%u`\n", kind_word(d), slash ? slash + 1 : path, p.line + 1);
}

static void add_comment(strbuf *b, const decl *d)
{
    char *c = index_comment_above(d);
    if (*c)
        strbuf_addf(b, "\n%s\n", c);
    free(c);
}

/* A declaration: its lines as written, its kind and place, the comment
 * above it; a measure or group, its scheme too. */
static void hover_decl(strbuf *b, const lsp_doc *doc, const decl *d)
{
    unsigned a, e;
    strbuf_addf(b, "**%s** `%s`\n", kind_word(d), d->name);
    add_comment(b, d);
    index_block(d, &a, &e);
    add_code(b, d->loc.src, a, e);
    add_where(b, d);
    if (d->kind == D_MEASURE || d->kind == D_GROUP) {
        const char *sch = index_scheme_of(doc->pol, doc->valid, d);
        const occ *s = sch ? index_find(&doc->ix, OCC_SCHEME, sch, NULL) : NULL;
        if (s) {
            strbuf_addf(b, "\nscheme `%s`:\n", sch);
            index_block(s->decl, &a, &e);
            add_code(b, s->decl->loc.src, a, e);
        }
    }
}

static void hover_builtin(strbuf *b, const char *name)
{
    static const char *const takes[] = {[BA_NUMBER] = "numbers", [BA_MEASURE] = "a measure or group",
                                        [BA_TEXT] = "text", [BA_LIST] = "a list, then an expression per element",
                                        [BA_OUTPUT] = "an output's name"};
    strbuf_addf(b, "**%s** — a builtin function\n", name);
    for (int i = 0; i < BI_COUNT; i++) {
        const builtin_info *bi = &builtin_table[i];
        if (strcmp(bi->name, name) != 0)
            continue;
        strbuf_addf(b, "\n- `%s(…)`: %d", name, bi->min_args);
        if (bi->max_args != bi->min_args)
            strbuf_addf(b, " to %d", bi->max_args);
        strbuf_addf(b, " argument%s (%s), gives %s", bi->max_args == 1 ? "" : "s", takes[bi->takes],
                    bi->gives == TY_NA ? "the output's type" : type_name(bi->gives));
    }
    strbuf_adds(b, "\n");
}

cJSON *feature_hover(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc;
    err->code = 0;
    const occ *o = occ_at(ds, params, &doc, err);
    if (!o)
        return err->code ? NULL : cJSON_CreateNull();
    strbuf b = {0};
    const occ *def = index_def(&doc->ix, o);
    if (o->kind == OCC_BUILTIN)
        hover_builtin(&b, o->name);
    else if (o->kind == OCC_NAME && !def && strcmp(o->name, "as_of") == 0)
        strbuf_adds(&b, "**as_of** — the evaluation date: `--as-of`, or today (UTC); a test's `given as_of = DATE`\n");
    else if (!def)
        strbuf_addf(&b, "`%s`: declared nowhere in this policy or its imports\n", o->name);
    else if (o->kind == OCC_BAND) {
        const band_rule *r = def->band;
        strbuf_addf(&b, "**%s** — a band of scheme `%s`\n", o->name, def->owner ? def->owner : "?");
        size_t a = r->loc.begin, e = r->loc.end;
        const source *s = def->decl->loc.src;
        while (a > 0 && s->text[a - 1] != '\n')
            a--;
        add_code(&b, s, (unsigned)a, (unsigned)e);
        add_where(&b, def->decl);
    } else if (o->kind == OCC_FIELD) {
        strbuf_addf(&b, "**%s** — a field of record `%s`\n", o->name, def->owner ? def->owner : "?");
        add_comment(&b, def->decl);
        add_code(&b, def->decl->loc.src, def->decl->loc.begin, def->decl->loc.end);
    } else
        hover_decl(&b, doc, def->decl);
    cJSON *res = cJSON_CreateObject();
    cJSON *contents = cJSON_AddObjectToObject(res, "contents");
    cJSON_AddStringToObject(contents, "kind", "markdown");
    cJSON_AddStringToObject(contents, "value", strbuf_str(&b));
    strbuf_free(&b);
    cJSON_AddItemToObject(res, "range", json_range(o->loc.src, o->loc.begin, o->loc.end));
    return res;
}

static cJSON *location(const lsp_docs *ds, rb_loc loc)
{
    char *uri = docs_uri(ds, loc.src->path);
    cJSON *l = json_location(uri, loc);
    free(uri);
    return l;
}

cJSON *feature_definition(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc;
    err->code = 0;
    const occ *o = occ_at(ds, params, &doc, err);
    if (!o)
        return err->code ? NULL : cJSON_CreateNull();
    const occ *def = index_def(&doc->ix, o);
    return def ? location(ds, def->loc) : cJSON_CreateNull();
}

/* Every place that names the same declaration as target (of doc), in
 * every open file's analysis (their imports included), each once. */
typedef struct place {
    char *key;
    rb_loc loc;
    bool def;
} place;

typedef struct places {
    place *v;
    size_t n;
} places;

static void places_free(places *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        free(ps->v[i].key);
    free(ps->v);
}

static void collect(const lsp_docs *ds, const lsp_doc *doc, const occ *target, places *out)
{
    const occ *tdef = index_def(&doc->ix, target);
    char *tkey = lsp_path_key(tdef->loc.src->path);
    for (size_t di = 0; di <= ds->n; di++) {
        /* The file asked about first, then every other open one. */
        const lsp_doc *x = di == 0 ? doc : ds->v[di - 1];
        if (di > 0 && x == doc)
            continue;
        for (size_t i = 0; i < x->ix.n; i++) {
            const occ *o = &x->ix.v[i];
            if (o->kind != target->kind || strcmp(o->name, target->name) != 0)
                continue;
            const occ *d = index_def(&x->ix, o);
            if (!d || d->loc.begin != tdef->loc.begin)
                continue;
            char *dkey = lsp_path_key(d->loc.src->path);
            bool same = strcmp(dkey, tkey) == 0;
            free(dkey);
            if (!same)
                continue;
            char *key = lsp_path_key(o->loc.src->path);
            bool seen = false;
            for (size_t k = 0; k < out->n && !seen; k++)
                seen = out->v[k].loc.begin == o->loc.begin && strcmp(out->v[k].key, key) == 0;
            if (seen) {
                free(key);
                continue;
            }
            out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
            out->v[out->n++] = (place){key, o->loc, o->def};
        }
    }
    free(tkey);
}

cJSON *feature_references(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc;
    err->code = 0;
    const occ *o = occ_at(ds, params, &doc, err);
    if (!o || !index_def(&doc->ix, o))
        return err->code ? NULL : cJSON_CreateNull();
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(params, "context");
    bool with_decl = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ctx, "includeDeclaration"));
    places ps = {0};
    collect(ds, doc, o, &ps);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < ps.n; i++)
        if (with_decl || !ps.v[i].def)
            cJSON_AddItemToArray(arr, location(ds, ps.v[i].loc));
    places_free(&ps);
    return arr;
}

/* What can be renamed: a name declared in a file, not a builtin. */
static const occ *renameable(const lsp_docs *ds, const cJSON *params, lsp_doc **doc, lsp_error *err)
{
    err->code = 0;
    const occ *o = occ_at(ds, params, doc, err);
    if (err->code)
        return NULL;
    if (!o || o->kind == OCC_BUILTIN || !index_def(&(*doc)->ix, o)) {
        feature_fail(err, LSP_REQUEST_FAILED, "nothing to rename here: put the cursor on a name this policy declares");
        return NULL;
    }
    return o;
}

cJSON *feature_prepare_rename(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc;
    const occ *o = renameable(ds, params, &doc, err);
    if (!o)
        return NULL;
    cJSON *res = cJSON_CreateObject();
    cJSON_AddItemToObject(res, "range", json_range(o->loc.src, o->loc.begin, o->loc.end));
    cJSON_AddStringToObject(res, "placeholder", o->name);
    return res;
}

/* Why name cannot be what o is renamed to, or NULL. */
static const char *refuse_name(const lsp_doc *doc, const occ *o, const char *name, char *why, size_t cap)
{
    bool ident = isalpha((unsigned char)name[0]) || name[0] == '_';
    for (const char *c = name; *c && ident; c++)
        ident = isalnum((unsigned char)*c) || *c == '_';
    if (!ident)
        snprintf(why, cap, "'%s' is not a name: a letter or _, then letters, digits or _", name);
    else {
        for (int i = 0; lang_keyword(i); i++)
            if (strcmp(lang_keyword(i), name) == 0) {
                snprintf(why, cap, "'%s' is a keyword of the language", name);
                return why;
            }
        if (o->kind == OCC_NAME && (builtin_find(name) >= 0 || strcmp(name, "as_of") == 0))
            snprintf(why, cap, "'%s' is the name of a builtin", name);
        else if (index_find(&doc->ix, o->kind, name, index_def(&doc->ix, o)->owner))
            snprintf(why, cap, "'%s' is already declared", name);
        else
            return NULL;
    }
    return why;
}

cJSON *feature_rename(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc;
    const occ *o = renameable(ds, params, &doc, err);
    if (!o)
        return NULL;
    const char *name = json_str(params, "newName");
    if (!name)
        return feature_fail(err, RPC_INVALID_PARAMS, "params.newName is missing");
    char why[300];
    if (strcmp(name, o->name) != 0 && refuse_name(doc, o, name, why, sizeof why))
        return feature_fail(err, LSP_REQUEST_FAILED, "cannot rename '%s' to '%s': %s", o->name, name, why);
    places ps = {0};
    collect(ds, doc, o, &ps);
    cJSON *res = cJSON_CreateObject();
    cJSON *changes = cJSON_AddObjectToObject(res, "changes");
    for (size_t i = 0; i < ps.n; i++) {
        char *uri = docs_uri(ds, ps.v[i].loc.src->path);
        cJSON *edits = cJSON_GetObjectItemCaseSensitive(changes, uri);
        if (!edits)
            edits = cJSON_AddArrayToObject(changes, uri);
        free(uri);
        cJSON *edit = cJSON_CreateObject();
        cJSON_AddItemToObject(edit, "range", json_range(ps.v[i].loc.src, ps.v[i].loc.begin, ps.v[i].loc.end));
        cJSON_AddStringToObject(edit, "newText", name);
        cJSON_AddItemToArray(edits, edit);
    }
    places_free(&ps);
    return res;
}
