/* docs.c - the open files, their edits and their analysis. */
#include "docs.h"

#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "proto.h"
#include "strbuf.h"
#include "text.h"
#include "xalloc.h"

lsp_doc *docs_find(const lsp_docs *ds, const char *uri)
{
    for (size_t i = 0; uri && i < ds->n; i++)
        if (strcmp(ds->v[i]->uri, uri) == 0)
            return ds->v[i];
    return NULL;
}

lsp_doc *docs_find_path(const lsp_docs *ds, const char *path)
{
    if (ds->n == 0)
        return NULL;
    char *key = lsp_path_key(path);
    lsp_doc *found = NULL;
    for (size_t i = 0; i < ds->n && !found; i++)
        if (strcmp(ds->v[i]->key, key) == 0)
            found = ds->v[i];
    free(key);
    return found;
}

static void forget_analysis(lsp_doc *doc)
{
    policy_free(doc->pol);
    doc->pol = NULL;
    diag_list_free(&doc->diags);
    index_free(&doc->ix);
    for (size_t i = 0; i < doc->ndeps; i++)
        free(doc->deps[i]);
    free(doc->deps);
    doc->deps = NULL;
    doc->ndeps = 0;
}

static void doc_free(lsp_doc *doc)
{
    forget_analysis(doc);
    source_free(doc->text);
    free(doc->uri);
    free(doc->path);
    free(doc->key);
    free(doc);
}

/* The loader's view of the open files: a buffer's text before the disk. */
static source *read_open(void *ctx, const char *path)
{
    const lsp_doc *doc = docs_find_path(ctx, path);
    return doc ? source_from_string(path, doc->text->text, doc->text->len) : NULL;
}

static bool has_open(void *ctx, const char *path)
{
    return docs_find_path(ctx, path) != NULL;
}

void docs_analyze(lsp_docs *ds, lsp_doc *doc)
{
    forget_analysis(doc);
    diag d;
    diag_init(&d, NULL);
    diag_collect(&d, &doc->diags);
    source_reader r = {read_open, has_open, ds};
    doc->pol = policy_load_edit(doc->path, doc->text->text, doc->text->len, &r, &doc->valid, &d);
    /* As `rubric check` does: lints only for a policy without errors. */
    if (doc->valid)
        lint_policy(doc->pol, &d);
    index_build(&doc->ix, doc->pol, doc->valid);
    for (const source *s = doc->pol->sources; s; s = s->next) {
        doc->deps = xrealloc(doc->deps, (doc->ndeps + 1) * sizeof *doc->deps);
        doc->deps[doc->ndeps++] = lsp_path_key(s->path);
    }
}

bool docs_depends(const lsp_doc *doc, const char *key)
{
    for (size_t i = 0; i < doc->ndeps; i++)
        if (strcmp(doc->deps[i], key) == 0)
            return true;
    return false;
}

lsp_doc *docs_open(lsp_docs *ds, const char *uri, const char *text, size_t len, int version)
{
    /* A buffer never saved (untitled:...) is named by its URI, in the
     * folder the server runs in. */
    char *path = lsp_uri_to_path(uri);
    if (!path)
        path = xstrdup(uri);
    docs_close(ds, uri);
    lsp_doc *doc = xcalloc(1, sizeof *doc);
    doc->uri = xstrdup(uri);
    doc->path = path;
    doc->key = lsp_path_key(path);
    doc->version = version;
    doc->text = source_from_string(path, text, len);
    ds->v = xrealloc(ds->v, (ds->n + 1) * sizeof *ds->v);
    ds->v[ds->n++] = doc;
    docs_analyze(ds, doc);
    return doc;
}

/* One change applied to text: the whole of it, or a range of it. */
static source *apply_change(const source *text, const cJSON *change)
{
    const char *with = json_str(change, "text");
    if (!with)
        return NULL;
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(change, "range");
    if (!range)
        return source_from_string(text->path, with, strlen(with));
    lsp_pos from, to;
    if (!json_pos(cJSON_GetObjectItemCaseSensitive(range, "start"), &from) ||
        !json_pos(cJSON_GetObjectItemCaseSensitive(range, "end"), &to))
        return NULL;
    unsigned a = lsp_offset_of(text, from), b = lsp_offset_of(text, to);
    if (b < a) {
        unsigned t = a;
        a = b;
        b = t;
    }
    strbuf out = {0};
    strbuf_add(&out, text->text, a);
    strbuf_adds(&out, with);
    strbuf_add(&out, text->text + b, text->len - b);
    size_t len;
    char *s = strbuf_take(&out, &len);
    source *next = source_from_string(text->path, s, len);
    free(s);
    return next;
}

bool docs_change(lsp_doc *doc, const cJSON *changes)
{
    if (!cJSON_IsArray(changes))
        return false;
    source *text = source_from_string(doc->text->path, doc->text->text, doc->text->len);
    const cJSON *c;
    cJSON_ArrayForEach(c, changes)
    {
        source *next = apply_change(text, c);
        source_free(text);
        if (!next)
            return false;
        text = next;
    }
    source_free(doc->text);
    doc->text = text;
    return true;
}

void docs_close(lsp_docs *ds, const char *uri)
{
    for (size_t i = 0; i < ds->n; i++)
        if (strcmp(ds->v[i]->uri, uri) == 0) {
            doc_free(ds->v[i]);
            memmove(ds->v + i, ds->v + i + 1, (ds->n - i - 1) * sizeof *ds->v);
            ds->n--;
            return;
        }
}

void docs_free(lsp_docs *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        doc_free(ds->v[i]);
    free(ds->v);
    *ds = (lsp_docs){0};
}

char *docs_uri(const lsp_docs *ds, const char *path)
{
    const lsp_doc *doc = docs_find_path(ds, path);
    if (doc)
        return xstrdup(doc->uri);
    char *key = lsp_path_key(path);
    char *uri = lsp_path_to_uri(key);
    free(key);
    return uri;
}

/* The byte offset of a diagnostic's 1-based line and byte column in s. */
static unsigned offset_at(const source *s, unsigned line, unsigned col)
{
    if (line == 0 || line > s->nlines)
        return line == 0 ? 0 : (unsigned)s->len;
    size_t off = s->line_starts[line - 1] + (col ? col - 1 : 0);
    return (unsigned)(off > s->len ? s->len : off);
}

static cJSON *item_range(const source *s, const diag_item *it)
{
    if (!it->line)
        return json_range(s, 0, 0);
    unsigned a = offset_at(s, it->line, it->col), b = offset_at(s, it->end_line, it->end_col);
    return json_range(s, a, b < a ? a : b);
}

/* The import line of doc that reads the file at path, or its first. */
static const decl *import_of(const lsp_doc *doc, const char *path)
{
    const decl *first = NULL;
    char *key = lsp_path_key(path);
    for (const decl *d = doc->pol->decls; d; d = d->next) {
        if (d->kind != D_IMPORT || d->loc.src != doc->pol->sources)
            continue;
        if (!first)
            first = d;
        char *target = policy_import_path(doc->path, d->name);
        char *tkey = lsp_path_key(target);
        bool same = strcmp(tkey, key) == 0;
        free(target);
        free(tkey);
        if (same) {
            first = d;
            break;
        }
    }
    free(key);
    return first;
}

static const int severities[] = {[DIAG_ERROR] = 1, [DIAG_WARNING] = 2, [DIAG_NOTE] = 3};

cJSON *docs_diagnostics(const lsp_docs *ds, const lsp_doc *doc)
{
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "uri", doc->uri);
    cJSON_AddNumberToObject(params, "version", doc->version);
    cJSON *list = cJSON_AddArrayToObject(params, "diagnostics");
    const source *root = doc->pol->sources;
    cJSON *last = NULL;
    bool skipped = false; /* the last diagnostic was left out: its notes too */
    for (size_t i = 0; i < doc->diags.n; i++) {
        const diag_item *it = &doc->diags.v[i];
        bool mine = !it->path || strcmp(it->path, doc->path) == 0;
        if (it->severity == DIAG_NOTE && skipped)
            continue;
        if (it->severity == DIAG_NOTE && last) {
            /* A note says more about the diagnostic before it, maybe in
             * another file: LSP's related information. */
            if (!it->path)
                continue;
            cJSON *rel = cJSON_GetObjectItem(last, "relatedInformation");
            if (!rel)
                rel = cJSON_AddArrayToObject(last, "relatedInformation");
            cJSON *info = cJSON_CreateObject();
            cJSON *loc = cJSON_AddObjectToObject(info, "location");
            char *uri = docs_uri(ds, it->path);
            cJSON_AddStringToObject(loc, "uri", uri);
            free(uri);
            const lsp_doc *other = mine ? doc : docs_find_path(ds, it->path);
            const source *s = mine ? root : NULL;
            for (const source *x = doc->pol->sources; x && !s; x = x->next)
                if (strcmp(x->path, it->path) == 0)
                    s = x;
            cJSON_AddItemToObject(loc, "range", s ? item_range(s, it) : json_range(other ? other->text : root, 0, 0));
            cJSON_AddStringToObject(info, "message", it->message);
            cJSON_AddItemToArray(rel, info);
            continue;
        }
        last = NULL;
        skipped = false;
        cJSON *dj = cJSON_CreateObject();
        strbuf msg = {0};
        if (mine) {
            cJSON_AddItemToObject(dj, "range", item_range(root, it));
        } else {
            /* An imported file's own warnings are its own; its errors stop
             * this file too, and are shown where it is imported. */
            const decl *imp = it->severity == DIAG_ERROR ? import_of(doc, it->path) : NULL;
            if (!imp) {
                cJSON_Delete(dj);
                skipped = true;
                continue;
            }
            cJSON_AddItemToObject(dj, "range", json_range(root, imp->name_loc.begin, imp->name_loc.end));
            strbuf_addf(&msg, "%s:%u:%u: ", it->path, it->line, it->col);
        }
        strbuf_adds(&msg, it->message);
        cJSON_AddNumberToObject(dj, "severity", severities[it->severity]);
        if (it->code)
            cJSON_AddStringToObject(dj, "code", it->code);
        cJSON_AddStringToObject(dj, "source", "rubric");
        cJSON_AddStringToObject(dj, "message", strbuf_str(&msg));
        strbuf_free(&msg);
        cJSON_AddItemToArray(list, dj);
        last = dj;
    }
    return params;
}
