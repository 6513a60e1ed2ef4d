/* outline.c - completion, the outline, formatting and the code lens. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "handlers.h"
#include "fmt.h"
#include "parse.h"
#include "proto.h"
#include "strbuf.h"
#include "text.h"
#include "xalloc.h"

/* LSP's CompletionItemKind and SymbolKind numbers. */
enum { CK_FUNCTION = 3, CK_FIELD = 5, CK_VARIABLE = 6, CK_MODULE = 9, CK_PROPERTY = 10, CK_ENUM = 13,
       CK_KEYWORD = 14, CK_ENUM_MEMBER = 20, CK_CONSTANT = 21, CK_STRUCT = 22, CK_EVENT = 23 };
enum { SK_MODULE = 2, SK_NAMESPACE = 3, SK_PACKAGE = 4, SK_METHOD = 6, SK_PROPERTY = 7, SK_FIELD = 8,
       SK_ENUM = 10, SK_FUNCTION = 12, SK_VARIABLE = 13, SK_CONSTANT = 14, SK_NUMBER = 16,
       SK_ENUM_MEMBER = 22, SK_STRUCT = 23, SK_EVENT = 24 };

/* The labels given so far, each once, however many names a policy has:
 * an open-addressed set of the names (which the index owns). */
typedef struct item_set {
    cJSON *arr;
    const char **seen;
    size_t cap;
} item_set;

static bool first_time(item_set *it, const char *label)
{
    size_t h = 14695981039346656037u;
    for (const char *c = label; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211u;
    for (size_t i = h & (it->cap - 1);; i = (i + 1) & (it->cap - 1)) {
        if (!it->seen[i]) {
            it->seen[i] = label;
            return true;
        }
        if (strcmp(it->seen[i], label) == 0)
            return false;
    }
}

static void add_item(item_set *its, const char *label, int kind, const char *detail, const char *sort)
{
    if (!first_time(its, label))
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", label);
    cJSON_AddNumberToObject(o, "kind", kind);
    if (detail)
        cJSON_AddStringToObject(o, "detail", detail);
    if (sort) {
        char key[160];
        snprintf(key, sizeof key, "%s%s", sort, label);
        cJSON_AddStringToObject(o, "sortText", key);
    }
    cJSON_AddItemToArray(its->arr, o);
}

static int name_kind(const decl *d)
{
    switch (d->kind) {
    case D_PARAM: return CK_CONSTANT;
    case D_METRIC: return CK_PROPERTY;
    case D_MEASURE: return CK_FIELD;
    case D_GROUP: return CK_MODULE;
    case D_ACTION: return CK_EVENT;
    default: return CK_VARIABLE;
    }
}

static const char *const decl_words[] = {
    [D_INPUT] = "input", [D_PARAM] = "param", [D_LET] = "let", [D_METRIC] = "metric",
    [D_MEASURE] = "measure", [D_GROUP] = "group", [D_ACTION] = "action",
};

/* The scheme whose bands fit at offset: that of `NAME is` just before
 * it, else that of the measure or group whose lines hold it. */
static const char *scheme_in_play(const lsp_doc *doc, unsigned offset)
{
    const source *s = doc->pol->sources;
    size_t i = offset;
    while (i > 0 && (isalnum((unsigned char)s->text[i - 1]) || s->text[i - 1] == '_'))
        i--;
    while (i > 0 && (s->text[i - 1] == ' ' || s->text[i - 1] == '\t'))
        i--;
    if (i >= 3 && memcmp(s->text + i - 2, "is", 2) == 0 && (s->text[i - 3] == ' ' || s->text[i - 3] == '\t')) {
        const occ *o = index_at(&doc->ix, s, (unsigned)(i - 3));
        for (size_t k = i - 3; !o && k > 0 && (s->text[k] == ' ' || s->text[k] == '\t'); k--)
            o = index_at(&doc->ix, s, (unsigned)k);
        const occ *def = o ? index_def(&doc->ix, o) : NULL;
        const char *sch = def && def->kind == OCC_NAME ? index_scheme_of(doc->pol, doc->valid, def->decl) : NULL;
        if (sch)
            return sch;
    }
    for (const decl *d = doc->pol->decls; d; d = d->next) {
        if (d->loc.src != s || (d->kind != D_MEASURE && d->kind != D_GROUP))
            continue;
        unsigned a, e;
        index_block(d, &a, &e);
        /* The cursor on a line under it, maybe still empty. */
        size_t after = e;
        while (after < s->len && s->text[after] != '\n')
            after++;
        if (a <= offset && offset <= after + 1)
            return index_scheme_of(doc->pol, doc->valid, d);
    }
    return NULL;
}

cJSON *feature_completion(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc = feature_doc(ds, params, err);
    if (!doc)
        return NULL;
    lsp_pos pos = {0, 0};
    json_pos(cJSON_GetObjectItemCaseSensitive(params, "position"), &pos);
    unsigned offset = lsp_offset_of(doc->text, pos);
    const char *sch = scheme_in_play(doc, offset);
    cJSON *list = cJSON_CreateObject();
    cJSON_AddFalseToObject(list, "isIncomplete");
    item_set its = {cJSON_AddArrayToObject(list, "items"), NULL, 64};
    while (its.cap < 2 * (doc->ix.n + BI_COUNT + 64))
        its.cap *= 2;
    its.seen = xcalloc(its.cap, sizeof *its.seen);
    /* Bands first where they fit: those of the scheme in play, else all. */
    for (size_t i = 0; i < doc->ix.n; i++) {
        const occ *o = &doc->ix.v[i];
        if (o->def && o->kind == OCC_BAND && o->owner && (!sch || strcmp(o->owner, sch) == 0)) {
            char detail[200];
            snprintf(detail, sizeof detail, "band of scheme %s", o->owner);
            add_item(&its, o->name, CK_ENUM_MEMBER, detail, sch ? "0" : "2");
        }
    }
    for (size_t i = 0; i < doc->ix.n; i++) {
        const occ *o = &doc->ix.v[i];
        if (!o->def)
            continue;
        if (o->kind == OCC_NAME)
            add_item(&its, o->name, name_kind(o->decl), decl_words[o->decl->kind], "1");
        else if (o->kind == OCC_SCHEME)
            add_item(&its, o->name, CK_ENUM, "scheme", "3");
        else if (o->kind == OCC_RECORD)
            add_item(&its, o->name, CK_STRUCT, "record", "3");
    }
    add_item(&its, "as_of", CK_VARIABLE, "the evaluation date", "1");
    for (int i = 0; i < BI_COUNT; i++)
        add_item(&its, builtin_table[i].name, CK_FUNCTION, "builtin function", "4");
    for (int i = 0; lang_keyword(i); i++)
        add_item(&its, lang_keyword(i), CK_KEYWORD, "keyword", "5");
    free(its.seen);
    return list;
}

static cJSON *outline_symbol(const char *name, int kind, const source *s, unsigned a, unsigned e, rb_loc sel)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name && *name ? name : "?");
    cJSON_AddNumberToObject(o, "kind", kind);
    if (sel.begin < a || sel.end > e)
        sel.begin = sel.end = a;
    cJSON_AddItemToObject(o, "range", json_range(s, a, e));
    cJSON_AddItemToObject(o, "selectionRange", json_range(s, sel.begin, sel.end));
    return o;
}

static int symbol_kind(decl_kind k)
{
    switch (k) {
    case D_POLICY: return SK_NAMESPACE;
    case D_IMPORT: return SK_MODULE;
    case D_PARAM: return SK_CONSTANT;
    case D_METRIC: return SK_PROPERTY;
    case D_MEASURE: return SK_NUMBER;
    case D_GROUP: return SK_PACKAGE;
    case D_SCHEME: return SK_ENUM;
    case D_RECORD: return SK_STRUCT;
    case D_ACTION: return SK_EVENT;
    case D_TEST: return SK_METHOD;
    default: return SK_VARIABLE;
    }
}

/* The outline: every declaration of the file, a group with its members,
 * a scheme with its bands, a record with its fields. */
cJSON *feature_symbols(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc = feature_doc(ds, params, err);
    if (!doc)
        return NULL;
    const source *s = doc->pol->sources;
    cJSON *arr = cJSON_CreateArray();
    for (const decl *d = doc->pol->decls; d; d = d->next) {
        if (d->loc.src != s || d->kind == D_ID)
            continue;
        unsigned a, e;
        index_block(d, &a, &e);
        char label[300];
        if (d->kind == D_IMPORT)
            snprintf(label, sizeof label, "import \"%s\"", d->name ? d->name : "");
        else
            snprintf(label, sizeof label, "%s", d->name ? d->name : "");
        cJSON *sym = outline_symbol(label, symbol_kind(d->kind), s, a, e, d->name_loc.src ? d->name_loc : d->loc);
        cJSON *kids = cJSON_CreateArray();
        for (const name_ref *m = d->kind == D_GROUP ? d->members : NULL; m; m = m->next)
            cJSON_AddItemToArray(kids, outline_symbol(m->name, SK_FIELD, s, m->loc.begin, m->loc.end, m->loc));
        for (const band_rule *b = d->kind == D_SCHEME ? d->bands : NULL; b; b = b->next)
            cJSON_AddItemToArray(kids, outline_symbol(b->band, SK_ENUM_MEMBER, s, b->loc.begin, b->loc.end, b->band_loc));
        for (const decl *f = d->kind == D_RECORD ? d->fields : NULL; f; f = f->next)
            cJSON_AddItemToArray(kids, outline_symbol(f->name, SK_FIELD, s, f->loc.begin, f->loc.end, f->name_loc));
        if (cJSON_GetArraySize(kids))
            cJSON_AddItemToObject(sym, "children", kids);
        else
            cJSON_Delete(kids);
        cJSON_AddItemToArray(arr, sym);
    }
    return arr;
}

/* Exactly `rubric fmt`'s text, as one edit of the whole file; none when
 * it is formatted already, an error when it has errors. */
cJSON *feature_formatting(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc = feature_doc(ds, params, err);
    if (!doc)
        return NULL;
    diag quiet;
    diag_init(&quiet, NULL);
    char *out;
    size_t len;
    const char *why;
    switch (fmt_source(doc->text, &quiet, &out, &len, &why)) {
    case FMT_ERRORS:
        return feature_fail(err, LSP_REQUEST_FAILED, "not formatted: the file has %d error%s (%s)", quiet.errors,
                            quiet.errors == 1 ? "" : "s", quiet.kept);
    case FMT_INTERNAL:
        return feature_fail(err, RPC_INTERNAL_ERROR, "not formatted: internal error: %s (please report this)", why);
    case FMT_OK:
        break;
    }
    cJSON *edits = cJSON_CreateArray();
    if (len != doc->text->len || memcmp(out, doc->text->text, len) != 0) {
        cJSON *edit = cJSON_CreateObject();
        cJSON_AddItemToObject(edit, "range", json_range(doc->text, 0, (unsigned)doc->text->len));
        cJSON_AddStringToObject(edit, "newText", out);
        cJSON_AddItemToArray(edits, edit);
    }
    free(out);
    return edits;
}

/* "Explain an account…" on a policy's first line: the client asks which
 * account, then sends workspace/executeCommand rubric.explain. */
cJSON *feature_code_lens(const lsp_docs *ds, const cJSON *params, lsp_error *err)
{
    lsp_doc *doc = feature_doc(ds, params, err);
    if (!doc)
        return NULL;
    cJSON *arr = cJSON_CreateArray();
    const source *s = doc->pol->sources;
    const decl *first = NULL;
    bool scores = false;
    for (const decl *d = doc->pol->decls; d; d = d->next)
        if (d->loc.src == s) {
            if (!first)
                first = d;
            scores = scores || (d->kind != D_TEST && d->kind != D_IMPORT && d->kind != D_POLICY && d->kind != D_ID);
        }
    if (!first || !scores)
        return arr;
    unsigned a, e;
    index_block(first, &a, &e);
    cJSON *lens = cJSON_CreateObject();
    cJSON_AddItemToObject(lens, "range", json_range(s, a, a));
    cJSON *cmd = cJSON_AddObjectToObject(lens, "command");
    cJSON_AddStringToObject(cmd, "title", "Explain an account\xE2\x80\xA6");
    cJSON_AddStringToObject(cmd, "command", "rubric.explainAccount");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(cmd, "arguments"), cJSON_CreateString(doc->uri));
    cJSON_AddItemToArray(arr, lens);
    return arr;
}
