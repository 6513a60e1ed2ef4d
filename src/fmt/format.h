/* format.h - `rubric fmt`'s printer: one policy file back to text, in the
 * one canonical layout that docs/fmt.md describes, with every comment kept.
 *
 * No I/O here: a source in, a text out.  Ownership: the caller frees the
 * text fmt_format() and fmt_source() return; nothing else needs freeing. */
#ifndef RUBRIC_FORMAT_H
#define RUBRIC_FORMAT_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"
#include "source.h"

/* The canonical text of one file.  src is the file and decls and comments
 * what parse_file() found in it, with no errors (imports are not followed:
 * a file is formatted on its own).  Returns a malloc'd NUL-terminated text
 * (its length in *len), or NULL when the tree does not fit the source,
 * which would be a bug. */
char *fmt_format(const source *src, const decl *decls, const comment *comments, size_t *len);

/* The self-check run on every result: parses formatted (its errors, which
 * would be a bug, are reported to d), and compares it with src: the same
 * tokens apart from grouping parentheses and layout, the same syntax tree,
 * the same comments in the same order, and formatting it again gives the
 * same text.  NULL when all hold, else what differed. */
const char *fmt_verify(const source *src, const char *formatted, size_t len, diag *d);

typedef enum fmt_status {
    FMT_OK,          /* *out holds the canonical text */
    FMT_ERRORS,      /* the file has errors, reported to d */
    FMT_INTERNAL,    /* the self-check failed: *why says how */
} fmt_status;

/* Parses src (errors go to d), formats it and verifies the result.  On
 * FMT_OK *out is the caller's to free. */
fmt_status fmt_source(const source *src, diag *d, char **out, size_t *len, const char **why);

#endif
