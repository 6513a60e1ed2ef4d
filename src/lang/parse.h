/* parse.h - turning one policy file's text into declarations.
 *
 * The scanner (grammar/lexer.l) and the parser (grammar/parser.y) are
 * reentrant: all of their state lives in a parse_ctx, so two files can be
 * parsed in one process, as imports and the tests do. */
#ifndef RUBRIC_PARSE_H
#define RUBRIC_PARSE_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "source.h"

typedef struct parse_ctx {
    arena *arena;
    diag *diag;
    const source *src;
    decl *decls, *last_decl;          /* in the order written */
    comment *comments, *last_comment;
    /* scanner state */
    unsigned offset;                  /* byte offset of the next token */
    int paren_depth;                  /* newlines inside ( ) do not end a line */
    bool line_has_tokens;             /* a newline ends a statement only after one */
    bool line_start;                  /* no token yet on this physical line */
    bool eof_newline_sent;
    int syntax_errors;
    bool owner_broken;                /* the last measure/group/scheme header failed */
    bool owner_none;                  /* a statement since the last owner failed */
    unsigned last_token_end;          /* where a missing ')' is reported */
    /* A text that is an expression alone (calibrate --where): the scanner
     * puts "let define_name =" before it, so it parses as a definition and
     * every message about it points into the text as the user typed it. */
    const char *define_name;
    int define_step;
} parse_ctx;

/* Parses ctx->src, appending its declarations and comments to ctx.  Errors
 * go to ctx->diag; returns the number of errors found in this file. */
int parse_file(parse_ctx *ctx);

/* The language's keywords, listed once in the scanner: the i-th, NULL past
 * the last (an editor's completion, and the names a rename refuses). */
const char *lang_keyword(int i);

/* Called by the grammar: append one declaration. */
#endif
