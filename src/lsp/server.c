/* server.c - the conversation: framing in and out, the lifecycle
 * (initialize, shutdown, exit), the open files' notifications with the
 * diagnostics they bring, and each request handed to its feature. */
#include "lsp.h"

#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "handlers.h"
#include "proto.h"
#include "rpc.h"
#include "status.h"
#include "strbuf.h"
#include "text.h"
#include "xalloc.h"

typedef enum { S_NEW, S_RUNNING, S_SHUT } server_state;

typedef struct server {
    FILE *out;
    const lsp_hooks *hooks;
    lsp_docs docs;
    server_state state;
    char *root;                 /* the workspace's folder, or NULL */
    char *explain_data, *as_of; /* the settings rubric.explainData and rubric.asOf */
} server;

static void send(server *srv, cJSON *msg)
{
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    rpc_write(srv->out, msg);
    cJSON_Delete(msg);
}

static void notify(server *srv, const char *method, cJSON *params)
{
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "method", method);
    cJSON_AddItemToObject(msg, "params", params);
    send(srv, msg);
}

/* id NULL: an error about a message whose id could not be read. */
static void reply_error(server *srv, const cJSON *id, int code, const char *message)
{
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddItemToObject(msg, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
    cJSON *e = cJSON_AddObjectToObject(msg, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    send(srv, msg);
}

static void reply(server *srv, const cJSON *id, cJSON *result)
{
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddItemToObject(msg, "id", cJSON_Duplicate(id, 1));
    cJSON_AddItemToObject(msg, "result", result);
    send(srv, msg);
}

static void log_message(server *srv, const char *text)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "type", 1);
    cJSON_AddStringToObject(p, "message", text);
    notify(srv, "window/logMessage", p);
}

static void publish(server *srv, const lsp_doc *doc)
{
    notify(srv, "textDocument/publishDiagnostics", docs_diagnostics(&srv->docs, doc));
}

/* After the file of key changed (or opened, closed, saved), the other open
 * files that read it say what they say now; so do those with errors, which
 * may have been missing it. */
static void refresh_others(server *srv, const char *key, const lsp_doc *except)
{
    for (size_t i = 0; i < srv->docs.n; i++) {
        lsp_doc *d = srv->docs.v[i];
        if (d != except && (!key || docs_depends(d, key) || !d->valid)) {
            docs_analyze(&srv->docs, d);
            publish(srv, d);
        }
    }
}

static void set_string(char **slot, const cJSON *v)
{
    if (!v)
        return;
    free(*slot);
    *slot = cJSON_IsString(v) && *v->valuestring ? xstrdup(v->valuestring) : NULL;
}

/* {explainData, asOf}, also as {rubric: {...}} or {settings: {rubric: ...}}. */
static void apply_settings(server *srv, const cJSON *o)
{
    if (!cJSON_IsObject(o))
        return;
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(o, "settings");
    if (inner)
        apply_settings(srv, inner);
    inner = cJSON_GetObjectItemCaseSensitive(o, "rubric");
    if (inner)
        apply_settings(srv, inner);
    set_string(&srv->explain_data, cJSON_GetObjectItemCaseSensitive(o, "explainData"));
    set_string(&srv->as_of, cJSON_GetObjectItemCaseSensitive(o, "asOf"));
}

static cJSON *capabilities(void)
{
    cJSON *res = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(res, "capabilities");
    cJSON_AddStringToObject(c, "positionEncoding", "utf-16");
    cJSON *sync = cJSON_AddObjectToObject(c, "textDocumentSync");
    cJSON_AddTrueToObject(sync, "openClose");
    cJSON_AddNumberToObject(sync, "change", 2); /* incremental */
    cJSON_AddFalseToObject(cJSON_AddObjectToObject(sync, "save"), "includeText");
    cJSON_AddTrueToObject(c, "hoverProvider");
    cJSON_AddTrueToObject(c, "definitionProvider");
    cJSON_AddTrueToObject(c, "referencesProvider");
    cJSON_AddFalseToObject(cJSON_AddObjectToObject(c, "completionProvider"), "resolveProvider");
    cJSON_AddTrueToObject(c, "documentSymbolProvider");
    cJSON_AddTrueToObject(c, "documentFormattingProvider");
    cJSON_AddTrueToObject(cJSON_AddObjectToObject(c, "renameProvider"), "prepareProvider");
    cJSON_AddFalseToObject(cJSON_AddObjectToObject(c, "codeLensProvider"), "resolveProvider");
    cJSON *cmds = cJSON_AddArrayToObject(cJSON_AddObjectToObject(c, "executeCommandProvider"), "commands");
    cJSON_AddItemToArray(cmds, cJSON_CreateString("rubric.explain"));
    cJSON *info = cJSON_AddObjectToObject(res, "serverInfo");
    cJSON_AddStringToObject(info, "name", "rubric");
    cJSON_AddStringToObject(info, "version", RUBRIC_VERSION);
    return res;
}

static cJSON *initialize(server *srv, const cJSON *params)
{
    const char *root = NULL;
    const cJSON *folders = cJSON_GetObjectItemCaseSensitive(params, "workspaceFolders");
    if (cJSON_IsArray(folders) && cJSON_GetArraySize(folders) > 0)
        root = json_str(cJSON_GetArrayItem(folders, 0), "uri");
    if (!root)
        root = json_str(params, "rootUri");
    free(srv->root);
    srv->root = root ? lsp_uri_to_path(root) : NULL;
    if (!srv->root && json_str(params, "rootPath"))
        srv->root = xstrdup(json_str(params, "rootPath"));
    apply_settings(srv, cJSON_GetObjectItemCaseSensitive(params, "initializationOptions"));
    srv->state = S_RUNNING;
    return capabilities();
}

/* workspace/executeCommand rubric.explain [uri, account]: explain's own
 * text, on the data file the settings name. */
static cJSON *execute(server *srv, const cJSON *params, lsp_error *err)
{
    const char *cmd = json_str(params, "command");
    if (!cmd || strcmp(cmd, "rubric.explain") != 0)
        return feature_fail(err, RPC_INVALID_PARAMS, "unknown command '%s': this server runs rubric.explain", cmd ? cmd : "");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "arguments");
    const char *uri = cJSON_GetStringValue(cJSON_GetArrayItem(args, 0));
    const char *account = cJSON_GetStringValue(cJSON_GetArrayItem(args, 1));
    if (!uri || !account || !*account)
        return feature_fail(err, RPC_INVALID_PARAMS, "rubric.explain takes [uri of the policy, account id]");
    if (!srv->explain_data)
        return feature_fail(err, LSP_REQUEST_FAILED,
                            "no data file to explain: set rubric.explainData in the workspace settings "
                            "(the accounts file, relative to the workspace folder)");
    if (!srv->hooks || !srv->hooks->explain)
        return feature_fail(err, LSP_REQUEST_FAILED, "explain is not available in this server");
    char *pol_path = lsp_uri_to_path(uri);
    if (!pol_path)
        return feature_fail(err, RPC_INVALID_PARAMS, "'%s' is not a file: URI", uri);
    strbuf data = {0};
    if (srv->explain_data[0] != '/' && srv->root)
        strbuf_addf(&data, "%s/", srv->root);
    strbuf_adds(&data, srv->explain_data);
    char *out = NULL;
    bool ok = srv->hooks->explain(srv->hooks->ctx, pol_path, strbuf_str(&data), account, srv->as_of, &out);
    free(pol_path);
    strbuf_free(&data);
    cJSON *res = NULL;
    if (ok)
        res = cJSON_CreateString(out ? out : "");
    else
        feature_fail(err, LSP_REQUEST_FAILED, "%s", out && *out ? out : "explain failed");
    free(out);
    return res;
}

static const struct {
    const char *method;
    lsp_feature run;
} features[] = {
    {"textDocument/hover", feature_hover},
    {"textDocument/definition", feature_definition},
    {"textDocument/references", feature_references},
    {"textDocument/prepareRename", feature_prepare_rename},
    {"textDocument/rename", feature_rename},
    {"textDocument/completion", feature_completion},
    {"textDocument/documentSymbol", feature_symbols},
    {"textDocument/formatting", feature_formatting},
    {"textDocument/codeLens", feature_code_lens},
};

/* The answer to one request: its result, or NULL with err set. */
static cJSON *answer(server *srv, const char *method, const cJSON *params, lsp_error *err)
{
    if (strcmp(method, "initialize") == 0) {
        if (srv->state != S_NEW)
            return feature_fail(err, RPC_INVALID_REQUEST, "initialize was sent already");
        return initialize(srv, params);
    }
    if (srv->state == S_NEW)
        return feature_fail(err, LSP_SERVER_NOT_INITIALIZED, "the server is not initialized: send initialize first");
    if (srv->state == S_SHUT)
        return feature_fail(err, RPC_INVALID_REQUEST, "the server is shut down: only exit is left");
    if (strcmp(method, "shutdown") == 0) {
        srv->state = S_SHUT;
        return cJSON_CreateNull();
    }
    if (strcmp(method, "workspace/executeCommand") == 0)
        return execute(srv, params, err);
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++)
        if (strcmp(method, features[i].method) == 0)
            return features[i].run(&srv->docs, params, err);
    return feature_fail(err, RPC_METHOD_NOT_FOUND, "no such method: %s", method);
}

static void request(server *srv, const char *method, const cJSON *id, const cJSON *params)
{
    lsp_error err = {RPC_INTERNAL_ERROR, "internal error"};
    cJSON *res = answer(srv, method, params, &err);
    if (res)
        reply(srv, id, res);
    else
        reply_error(srv, id, err.code, err.message);
}

static void opened(server *srv, const cJSON *params)
{
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
    const char *uri = json_str(td, "uri"), *text = json_str(td, "text");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(td, "version");
    if (!uri || !text) {
        log_message(srv, "textDocument/didOpen without textDocument.uri and .text: ignored");
        return;
    }
    lsp_doc *doc = docs_open(&srv->docs, uri, text, strlen(text), cJSON_IsNumber(version) ? version->valueint : 0);
    publish(srv, doc);
    refresh_others(srv, doc->key, doc);
}

static void changed(server *srv, const cJSON *params)
{
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
    lsp_doc *doc = docs_find(&srv->docs, json_str(td, "uri"));
    if (!doc) {
        log_message(srv, "textDocument/didChange of a file that is not open: ignored");
        return;
    }
    if (!docs_change(doc, cJSON_GetObjectItemCaseSensitive(params, "contentChanges"))) {
        log_message(srv, "textDocument/didChange with malformed contentChanges: ignored");
        return;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(td, "version");
    if (cJSON_IsNumber(version))
        doc->version = version->valueint;
    docs_analyze(&srv->docs, doc);
    publish(srv, doc);
    refresh_others(srv, doc->key, doc);
}

static void closed(server *srv, const cJSON *params)
{
    const char *uri = json_doc_uri(params);
    lsp_doc *doc = docs_find(&srv->docs, uri);
    if (!doc)
        return;
    char *key = xstrdup(doc->key);
    docs_close(&srv->docs, uri);
    /* Its diagnostics go with it; those who import it read the disk now. */
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "uri", uri);
    cJSON_AddArrayToObject(p, "diagnostics");
    notify(srv, "textDocument/publishDiagnostics", p);
    refresh_others(srv, key, NULL);
    free(key);
}

static void notification(server *srv, const char *method, const cJSON *params)
{
    if (srv->state != S_RUNNING)
        return; /* before initialize and after shutdown, only exit counts */
    if (strcmp(method, "textDocument/didOpen") == 0)
        opened(srv, params);
    else if (strcmp(method, "textDocument/didChange") == 0)
        changed(srv, params);
    else if (strcmp(method, "textDocument/didClose") == 0)
        closed(srv, params);
    else if (strcmp(method, "textDocument/didSave") == 0 || strcmp(method, "workspace/didChangeWatchedFiles") == 0)
        refresh_others(srv, NULL, NULL);
    else if (strcmp(method, "workspace/didChangeConfiguration") == 0)
        apply_settings(srv, params);
}

/* One message; returns the exit status once the client said exit, else -1. */
static int handle(server *srv, const cJSON *msg)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    if (id && !cJSON_IsNumber(id) && !cJSON_IsString(id))
        id = NULL;
    const char *method = json_str(msg, "method");
    if (!method) {
        /* A response to a request of ours (we send none) is dropped. */
        if (!cJSON_GetObjectItemCaseSensitive(msg, "result") && !cJSON_GetObjectItemCaseSensitive(msg, "error"))
            reply_error(srv, id, RPC_INVALID_REQUEST, "a message needs a method");
        return -1;
    }
    if (strcmp(method, "exit") == 0)
        return srv->state == S_SHUT ? 0 : 1;
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    if (id)
        request(srv, method, id, params);
    else
        notification(srv, method, params);
    return -1;
}

int lsp_serve(FILE *in, FILE *out, const lsp_hooks *hooks)
{
    server srv = {out, hooks, {0}, S_NEW, NULL, NULL, NULL};
    int status = -1;
    while (status < 0) {
        char *body;
        size_t len;
        rpc_status st = rpc_read(in, &body, &len);
        if (st == RPC_EOF)
            break; /* the client is gone: as an exit */
        if (st != RPC_OK) {
            log_message(&srv, st == RPC_TOO_BIG ? "a message longer than the server reads: skipped"
                                                : "a message header without Content-Length: skipped");
            continue;
        }
        cJSON *msg = cJSON_ParseWithLength(body, len);
        free(body);
        if (!cJSON_IsObject(msg))
            reply_error(&srv, NULL, msg ? RPC_INVALID_REQUEST : RPC_PARSE_ERROR,
                        msg ? "a message must be a JSON object" : "the message is not JSON");
        else
            status = handle(&srv, msg);
        cJSON_Delete(msg);
    }
    if (status < 0)
        status = srv.state == S_SHUT ? 0 : 1;
    docs_free(&srv.docs);
    free(srv.root);
    free(srv.explain_data);
    free(srv.as_of);
    return status;
}
