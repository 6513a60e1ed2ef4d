/* docs.h - the files a client has open, each with its text as the client
 * holds it (saved or not) and the last analysis of that text: the policy
 * as the loader read it with its imports (an open buffer's text wins over
 * the disk), its diagnostics exactly as `rubric check` finds them, and the
 * index of its names. */
#ifndef RUBRIC_LSP_DOCS_H
#define RUBRIC_LSP_DOCS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "diag.h"
#include "index.h"
#include "policy.h"
#include "source.h"

typedef struct lsp_doc {
    char *uri, *path;
    char *key;            /* lsp_path_key(path): the file, however named */
    int version;
    source *text;
    /* The last analysis of text (lsp_analyze): */
    policy *pol;
    bool valid;           /* no errors: checked, and linted */
    diag_list diags;
    occ_index ix;
    char **deps;          /* the keys of every file it read */
    size_t ndeps;
} lsp_doc;

typedef struct lsp_docs {
    lsp_doc **v;
    size_t n;
} lsp_docs;

lsp_doc *docs_find(const lsp_docs *ds, const char *uri);
/* The open file whose key is that of path, or NULL. */
lsp_doc *docs_find_path(const lsp_docs *ds, const char *path);
/* Opens (or opens again) uri with this text, and analyses it. */
lsp_doc *docs_open(lsp_docs *ds, const char *uri, const char *text, size_t len, int version);
/* Applies contentChanges (whole texts, or ranges replaced, in order) to
 * doc's text; false, changing nothing, when one is malformed. */
bool docs_change(lsp_doc *doc, const cJSON *changes);
void docs_close(lsp_docs *ds, const char *uri);
void docs_free(lsp_docs *ds);

/* Reads doc again with the open files as they are now. */
void docs_analyze(lsp_docs *ds, lsp_doc *doc);
/* Whether doc's last analysis read the file of key (itself included). */
bool docs_depends(const lsp_doc *doc, const char *key);
/* The uri of a file as the client names it: an open file's own uri, else
 * one made from its path.  The caller frees it. */
char *docs_uri(const lsp_docs *ds, const char *path);
/* The params of textDocument/publishDiagnostics for doc: its own errors
 * and lints, and at an import line, the errors of the file it imports. */
cJSON *docs_diagnostics(const lsp_docs *ds, const lsp_doc *doc);

#endif
