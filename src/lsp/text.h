/* text.h - where things are, as a language client says it: a position is
 * a 0-based line and a column counted in UTF-16 code units (LSP 3.17's
 * default), while rubric counts bytes; and files are named by file: URIs. */
#ifndef RUBRIC_LSP_TEXT_H
#define RUBRIC_LSP_TEXT_H

#include <stddef.h>

#include "source.h"

typedef struct lsp_pos {
    unsigned line, character;
} lsp_pos;

/* The position of byte offset in s (an offset inside a character counts
 * from that character's start; past the end, the end). */
lsp_pos lsp_pos_of(const source *s, unsigned offset);
/* The byte offset of a position in s: a line past the last is the end of
 * the text, a character past the line's end is the line's end, and one in
 * the middle of a surrogate pair is the character's start. */
unsigned lsp_offset_of(const source *s, lsp_pos p);

/* The file a file: URI names, percent-decoded; NULL for any other URI.
 * The caller frees it. */
char *lsp_uri_to_path(const char *uri);
/* The file: URI of an absolute path, percent-encoded as RFC 3986 wants. */
char *lsp_path_to_uri(const char *path);
/* What tells two names of one file apart from two files: its real path
 * when it exists, else the path made absolute with . and .. taken out. */
char *lsp_path_key(const char *path);

#endif
