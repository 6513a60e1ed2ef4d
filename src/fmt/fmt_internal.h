/* fmt_internal.h - what the files of src/fmt/ share, and only they: the
 * source read again (tokens.c), the formatter's state, its three passes
 * (layout.c runs them: the lines, then comments.c's placing and rendering)
 * and the self-check (verify.c).  fmt.h is the module's face to the rest of rubric.
 *
 * Ownership: everything a pass makes for the formatter lives in the
 * formatter's arena or in its growable arrays, all freed by fmt_layout();
 * the texts fmt_layout() and fmt_render() return are the caller's. */
#ifndef RUBRIC_FMT_INTERNAL_H
#define RUBRIC_FMT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "fmt.h"
#include "parse.h"
#include "source.h"
#include "strbuf.h"

enum { FMT_WIDTH = 100, OWNED_INDENT = 2, MEMBER_INDENT = 4 };

/* Spacing within a line (a NUL byte is not). */
static inline bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Columns as a reader counts them: UTF-8 continuation bytes take none. */
static inline size_t width_of(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* ---- the source read again (tokens.c) ------------------------------------ */

typedef struct tok {
    int kind;
    unsigned begin, end;
    const char *s;        /* a name, a string's value, else the text */
    unsigned len;
    int amount, unit;     /* durations */
} tok;

typedef struct toks {
    tok *v;               /* malloc'd: the caller frees v */
    size_t n;
} toks;

/* Scans src with the policy scanner into out, names and strings allocated
 * in a.  Newline tokens are kept only when asked (the comparison wants
 * them; placing comments does not).  False when the scanner cannot start. */
bool fmt_lex(const source *src, arena *a, bool newlines, toks *out);
/* The index of the first token that begins at or after offset. */
size_t fmt_tok_at(const toks *t, unsigned offset);

/* One file parsed on its own (imports are not followed).  The tree lives
 * in a: arena_free(&p->a) releases it. */
typedef struct parsed {
    arena a;
    parse_ctx ctx;
    int errors;
} parsed;

void fmt_parse(parsed *p, const source *src, diag *d);

/* ---- the formatter's state ----------------------------------------------- */

typedef enum line_role {
    L_HEAD,      /* the first line of a statement */
    L_OWNED,     /* a line a measure, group, scheme or test owns */
    L_MEMBER,    /* one member of a broken group */
    L_CLOSE,     /* the `)` that ends a broken group */
} line_role;

/* A comment placed relative to a line. */
typedef struct note {
    const comment *c;
    struct note *next;
} note;

typedef struct fline {
    unsigned first;          /* source offset of the line's first token */
    size_t last_tok;         /* index of the last token in its range */
    int indent;
    char *text;
    int stmt;
    line_role role;
    bool block;              /* its statement takes several lines */
    note *leading;           /* full-line comments before it */
    note *hoisted;           /* comments inside the line, moved above it */
    note *trailing;          /* indented comments right under a block */
    const comment *eol;
} fline;

typedef struct fmt {
    const source *src;
    const char *text;
    arena a;
    toks t;                  /* the source's tokens, without newlines */
    const comment **cmts;    /* the source's comments, in order */
    size_t ncmts;
    fline *lines;
    size_t nlines, cap;
    note *eof;               /* comments after the last line */
    int stmt;                /* the statement being printed */
    strbuf line;             /* the line being built */
    bool ok;                 /* false: the tree does not fit the source */
} fmt;

/* ---- the passes ---------------------------------------------------------- */

/* Pass 2 (comments.c): each comment attached to the line it belongs to. */
void fmt_place_comments(fmt *f);
/* Pass 3 (comments.c): the whole text, malloc'd; its length in *len. */
char *fmt_render(fmt *f, size_t *len);

/* The canonical text of one file (layout.c).  src is the file and decls and
 * comments what parse_file() found in it, with no errors (imports are not
 * followed: a file is formatted on its own).  Returns a malloc'd
 * NUL-terminated text (its length in *len), or NULL when the tree does not
 * fit the source, which would be a bug. */
char *fmt_layout(const source *src, const decl *decls, const comment *comments, size_t *len);

/* The self-check run on every result (verify.c): parses formatted (its
 * errors, which would be a bug, are reported to d), and compares it with
 * src: the same tokens apart from grouping parentheses and layout, the
 * same syntax tree, the same comments in the same order, and formatting it
 * again gives the same text.  NULL when all hold, else what differed. */
const char *fmt_verify(const source *src, const char *formatted, size_t len, diag *d);

#endif
