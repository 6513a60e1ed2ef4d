/* handlers.h - the requests on open files: each reads params and gives
 * the result (a JSON null is a result too), or NULL with an error. */
#ifndef RUBRIC_LSP_HANDLERS_H
#define RUBRIC_LSP_HANDLERS_H

#include <cjson/cJSON.h>

#include "docs.h"

/* JSON-RPC's and LSP's error codes. */
enum {
    RPC_PARSE_ERROR = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_METHOD_NOT_FOUND = -32601,
    RPC_INVALID_PARAMS = -32602,
    RPC_INTERNAL_ERROR = -32603,
    LSP_SERVER_NOT_INITIALIZED = -32002,
    LSP_REQUEST_FAILED = -32803,
};

typedef struct lsp_error {
    int code;
    char message[1024];
} lsp_error;

typedef cJSON *(*lsp_feature)(const lsp_docs *ds, const cJSON *params, lsp_error *err);

/* navigate.c */
cJSON *feature_hover(const lsp_docs *ds, const cJSON *params, lsp_error *err);
cJSON *feature_definition(const lsp_docs *ds, const cJSON *params, lsp_error *err);
cJSON *feature_references(const lsp_docs *ds, const cJSON *params, lsp_error *err);
cJSON *feature_prepare_rename(const lsp_docs *ds, const cJSON *params, lsp_error *err);
cJSON *feature_rename(const lsp_docs *ds, const cJSON *params, lsp_error *err);
/* outline.c */
cJSON *feature_completion(const lsp_docs *ds, const cJSON *params, lsp_error *err);
cJSON *feature_symbols(const lsp_docs *ds, const cJSON *params, lsp_error *err);
cJSON *feature_formatting(const lsp_docs *ds, const cJSON *params, lsp_error *err);
cJSON *feature_code_lens(const lsp_docs *ds, const cJSON *params, lsp_error *err);

/* The open file params.textDocument names, or NULL with err set. */
lsp_doc *feature_doc(const lsp_docs *ds, const cJSON *params, lsp_error *err);
/* Sets err; returns NULL for the caller to return. */
cJSON *feature_fail(lsp_error *err, int code, const char *fmt, ...) RB_PRINTF(3, 4);

#endif
