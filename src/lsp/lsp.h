/* lsp.h - `rubric lsp`: a Language Server (LSP 3.17, JSON-RPC 2.0 over a
 * pair of streams) built on the library's own parser, checker, linter and
 * formatter, so that an editor and `rubric check` never disagree.
 * docs/editors.md says what it does for a client. */
#ifndef RUBRIC_LSP_H
#define RUBRIC_LSP_H

#include <stdbool.h>
#include <stdio.h>

/* What the server asks of the command line it runs in. */
typedef struct lsp_hooks {
    /* `rubric explain POLICY DATA --account ID [--as-of DATE]`: true with
     * *out its text, or false with *out saying why; *out is the caller's
     * to free either way. */
    bool (*explain)(void *ctx, const char *policy, const char *data, const char *account, const char *as_of,
                    char **out);
    void *ctx;
} lsp_hooks;

/* Serves one client: messages from in, answers and notifications to out,
 * until the client's exit or the end of in.  Returns the exit status LSP
 * asks for: 0 after shutdown then exit, 1 when either is missing. */
int lsp_serve(FILE *in, FILE *out, const lsp_hooks *hooks);

#endif
