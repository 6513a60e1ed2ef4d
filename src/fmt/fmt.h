/* fmt.h - `rubric fmt`'s printer: one policy file back to text, in the
 * one canonical layout that docs/fmt.md describes, with every comment kept,
 * and checked before it is handed back.
 *
 * No I/O here: a source in, a text out.  Ownership: the caller frees the
 * text fmt_source() returns; nothing else needs freeing. */
#ifndef RUBRIC_FMT_H
#define RUBRIC_FMT_H

#include <stddef.h>

#include "diag.h"
#include "source.h"

typedef enum fmt_status {
    FMT_OK,          /* *out holds the canonical text */
    FMT_ERRORS,      /* the file has errors, reported to d */
    FMT_INTERNAL,    /* the self-check failed: *why says how */
} fmt_status;

/* Parses src (errors go to d), formats it and verifies the result: the
 * formatted text parses to the same tree, with the same tokens and
 * comments, and formats to itself.  On FMT_OK *out is the caller's to
 * free. */
fmt_status fmt_source(const source *src, diag *d, char **out, size_t *len, const char **why);

#endif
