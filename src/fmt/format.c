/* format.c - the canonical layout of a policy file (docs/fmt.md).
 *
 * Formatting happens in three passes:
 *   1. lines: every statement, and every line a statement owns, becomes one
 *      output line (a long group is broken into several), printed from the
 *      syntax tree.  Each line remembers the source offset of its first
 *      token, so the lines partition the file's tokens in order.
 *   2. comments: the file is scanned again for its tokens, and each comment
 *      is placed by the tokens around it: after the last token of a line it
 *      ends that line; on a line of its own it goes before the line whose
 *      first token follows it (or, indented right under a block and parted
 *      from what follows by a blank line, stays at the block's end); inside
 *      a line that fmt joins it moves above it.
 *   3. rendering: blank lines, indentation and the column of end-of-line
 *      comments.
 * fmt_verify() then re-parses the result and compares it with the input. */
#include "format.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parser.h"
#include "lexer.h"
#include "xalloc.h"

enum { FMT_WIDTH = 100, OWNED_INDENT = 2, MEMBER_INDENT = 4 };

/* ---- growable text ------------------------------------------------------- */

typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

static void buf_put(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_puts(buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static void buf_spaces(buf *b, size_t n)
{
    while (n--)
        buf_put(b, " ", 1);
}

/* Spacing within a line (a NUL byte is not). */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Columns as a reader counts them: UTF-8 continuation bytes take none. */
static size_t width_of(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* ---- tokens --------------------------------------------------------------- */

typedef struct tok {
    int kind;
    unsigned begin, end;
    const char *s;        /* a name, a string's value, else the text */
    unsigned len;
    int amount, unit;     /* durations */
} tok;

typedef struct toks {
    tok *v;
    size_t n;
} toks;

/* Scans src with the policy scanner.  Newline tokens are kept only when
 * asked (the comparison wants them; placing comments does not). */
static bool lex_tokens(const source *src, arena *a, bool newlines, toks *out)
{
    parse_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = a;
    ctx.src = src;
    ctx.line_start = true;
    yyscan_t scanner;
    out->v = NULL;
    out->n = 0;
    if (rb_yylex_init_extra(&ctx, &scanner) != 0)
        return false;
    YY_BUFFER_STATE b = rb_yy_scan_bytes(src->text, (int)src->len, scanner);
    size_t cap = 0;
    for (;;) {
        YYSTYPE val;
        YYLTYPE loc;
        memset(&val, 0, sizeof val);
        int kind = rb_yylex(&val, &loc, scanner);
        if (kind == END)
            break;
        if (kind == NEWLINE && !newlines)
            continue;
        if (out->n == cap)
            out->v = xrealloc(out->v, (cap = cap ? cap * 2 : 256) * sizeof *out->v);
        tok *t = &out->v[out->n++];
        memset(t, 0, sizeof *t);
        t->kind = kind;
        t->begin = loc.begin;
        t->end = loc.end;
        t->s = src->text + loc.begin;
        t->len = loc.end - loc.begin;
        if (kind == IDENT) {
            t->s = val.name;
            t->len = (unsigned)strlen(val.name);
        } else if (kind == STRING) {
            t->s = val.text.s;
            t->len = val.text.len;
        } else if (kind == DURATION) {
            t->amount = val.dur.amount;
            t->unit = (int)val.dur.unit;
        }
    }
    rb_yy_delete_buffer(b, scanner);
    rb_yylex_destroy(scanner);
    return true;
}

/* The index of the first token that begins at or after offset. */
static size_t tok_at(const toks *t, unsigned offset)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->v[mid].begin < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- the formatter's state ------------------------------------------------ */

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
    toks t;
    const comment **cmts;
    size_t ncmts;
    fline *lines;
    size_t nlines, cap;
    note *eof;               /* comments after the last line */
    int stmt;                /* the statement being printed */
    buf line;                /* the line being built */
    bool ok;
} fmt;

/* ---- expressions ---------------------------------------------------------- */

/* Binding strength, loosest first, as grammar/parser.y's rules nest. */
enum {
    P_IF, P_OR, P_AND, P_NOT, P_CMP, P_DEFAULT, P_SUM, P_PRODUCT, P_NEG, P_PRIMARY,
};

static int prec(const expr *e)
{
    switch (e->kind) {
    case EX_IF:
        return P_IF;
    case EX_IS:
        return P_CMP;
    case EX_UNARY:
        return e->op == OP_NOT ? P_NOT : P_NEG;
    case EX_BINARY:
        switch (e->op) {
        case OP_OR: return P_OR;
        case OP_AND: return P_AND;
        case OP_DEFAULT: return P_DEFAULT;
        case OP_ADD: case OP_SUB: return P_SUM;
        case OP_MUL: case OP_DIV: return P_PRODUCT;
        default: return P_CMP;
        }
    default:
        return P_PRIMARY;
    }
}

/* Text in quotes, escaped as the scanner reads it back: \" \\ \n \t. */
static void put_quoted(buf *b, const char *s, size_t n)
{
    buf_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            buf_put(b, "\\n", 2);
        else if (s[i] == '\t')
            buf_put(b, "\\t", 2);
        else {
            if (s[i] == '"' || s[i] == '\\')
                buf_put(b, "\\", 1);
            buf_put(b, s + i, 1);
        }
    }
    buf_put(b, "\"", 1);
}

static void put_source(fmt *f, buf *b, rb_loc loc)
{
    buf_put(b, f->text + loc.begin, loc.end - loc.begin);
}

/* `1   month` as `1 month`: the spacing inside a duration is layout. */
static void put_duration(fmt *f, buf *b, rb_loc loc)
{
    bool space = false;
    for (unsigned i = loc.begin; i < loc.end; i++) {
        char c = f->text[i];
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space)
            buf_put(b, " ", 1);
        space = false;
        buf_put(b, &c, 1);
    }
}

static void put_names(buf *b, const name_ref *r)
{
    for (; r; r = r->next) {
        buf_puts(b, r->name);
        if (r->next)
            buf_puts(b, ", ");
    }
}

static char *expr_text(fmt *f, const expr *e, int min);

/* Prints e where the grammar accepts only expressions binding at least as
 * tightly as min; anything looser gets parentheses.  Those are all the
 * parentheses printed: the author's redundant ones go. */
static void put_expr(fmt *f, buf *b, const expr *e, int min)
{
    int p = prec(e);
    if (p < min)
        buf_puts(b, "(");
    switch (e->kind) {
    case EX_NUM:
    case EX_DATE:
        put_source(f, b, e->loc);     /* 25% stays 25%, 0.25 stays 0.25 */
        break;
    case EX_DURATION:
        put_duration(f, b, e->loc);
        break;
    case EX_TEXT:
        put_quoted(b, e->u.text.s, e->u.text.len);
        break;
    case EX_BOOL:
        buf_puts(b, e->u.b ? "true" : "false");
        break;
    case EX_NA:
        buf_puts(b, "na");
        break;
    case EX_NAME:
        buf_puts(b, e->u.name.name);
        break;
    case EX_UNARY:
        if (e->op == OP_NOT) {
            buf_puts(b, "not ");
            put_expr(f, b, e->u.bin.l, P_NOT);
        } else {
            char *operand = expr_text(f, e->u.bin.l, P_NEG);
            buf_puts(b, operand[0] == '-' ? "- " : "-");   /* `- -x` */
            buf_puts(b, operand);
        }
        break;
    case EX_BINARY: {
        /* Left operands of a level take that level (left associative),
         * right operands the next; ?? is right associative; comparisons
         * take arithmetic on both sides. */
        int l = p, r = p + 1;
        if (p == P_CMP)
            l = r = P_DEFAULT;
        else if (p == P_DEFAULT)
            l = P_SUM, r = P_DEFAULT;
        put_expr(f, b, e->u.bin.l, l);
        buf_puts(b, " ");
        buf_puts(b, op_text(e->op));
        buf_puts(b, " ");
        put_expr(f, b, e->u.bin.r, r);
        break;
    }
    case EX_IF:
        /* An `if` as the condition or the `then` of another reads better
         * in parentheses, though the grammar needs none there. */
        buf_puts(b, "if ");
        put_expr(f, b, e->u.cond.cond, P_OR);
        buf_puts(b, " then ");
        put_expr(f, b, e->u.cond.then, P_OR);
        buf_puts(b, " else ");
        put_expr(f, b, e->u.cond.els, P_IF);
        break;
    case EX_CALL:
        buf_puts(b, e->u.call.fn);
        buf_puts(b, "(");
        for (const expr_list *a = e->u.call.args; a; a = a->next) {
            put_expr(f, b, a->e, P_IF);
            if (a->next)
                buf_puts(b, ", ");
        }
        buf_puts(b, ")");
        break;
    case EX_IS:
        put_expr(f, b, e->u.is.e, P_DEFAULT);
        buf_puts(b, " is ");
        buf_puts(b, e->u.is.band ? e->u.is.band : "na");
        break;
    case EX_COUNT:
        buf_puts(b, "count ");
        buf_puts(b, e->u.count.band);
        buf_puts(b, " of (");
        put_names(b, e->u.count.members);
        buf_puts(b, ")");
        break;
    }
    if (p < min)
        buf_puts(b, ")");
}

/* An expression as a string in the arena, for columns to be measured. */
static char *expr_text(fmt *f, const expr *e, int min)
{
    buf b = {0};
    put_expr(f, &b, e, min);
    char *s = arena_strndup(&f->a, b.s ? b.s : "", b.len);
    free(b.s);
    return s;
}

/* ---- lines ---------------------------------------------------------------- */

/* Ends the line being built: it starts at source offset first. */
static void end_line(fmt *f, unsigned first, int indent, line_role role)
{
    if (f->nlines == f->cap)
        f->lines = xrealloc(f->lines, (f->cap = f->cap ? f->cap * 2 : 64) * sizeof *f->lines);
    fline *l = &f->lines[f->nlines++];
    memset(l, 0, sizeof *l);
    l->first = first;
    l->indent = indent;
    l->text = arena_strndup(&f->a, f->line.s ? f->line.s : "", f->line.len);
    l->stmt = f->stmt;
    l->role = role;
    f->line.len = 0;
}

static void put_edge(fmt *f, const edge *e, bool pad)
{
    const char *op = op_text(e->op);
    buf_puts(&f->line, op);
    buf_spaces(&f->line, pad && strlen(op) < 2 ? 2 : 1);
    buf_puts(&f->line, expr_text(f, e->limit, P_DEFAULT));
}

static void put_edges(fmt *f, const band_rule *r, bool pad)
{
    put_edge(f, &r->edges[0], pad);
    if (r->nedges == 2) {
        buf_puts(&f->line, " and ");
        put_edge(f, &r->edges[1], false);
    }
}

static void put_padded(buf *b, const char *s, size_t width)
{
    buf_puts(b, s);
    size_t w = width_of(s, strlen(s));
    buf_spaces(b, w < width ? width - w : 0);
}

/* Owned lines of a block, to be printed in the order they were written. */
typedef enum { O_CLAUSE, O_BAND, O_GIVEN, O_FIXTURE } owned_kind;
typedef struct owned_line {
    unsigned first;
    owned_kind kind;
    const void *node;
} owned_line;

static int by_first(const void *a, const void *b)
{
    unsigned x = ((const owned_line *)a)->first, y = ((const owned_line *)b)->first;
    return x < y ? -1 : x > y;
}

/* The `given` keyword before a token: where a given line starts. */
static unsigned given_keyword(fmt *f, unsigned offset)
{
    size_t i = tok_at(&f->t, offset);
    if (i == 0 || i >= f->t.n || f->t.v[i].begin != offset || f->t.v[i - 1].kind != GIVEN) {
        f->ok = false;
        return offset;
    }
    return f->t.v[i - 1].begin;
}

static void clause_line(fmt *f, const clause *c)
{
    static const char *const words[] = {
        [CL_NA_WHEN] = "na when ", [CL_APPLIES_WHEN] = "applies when ", [CL_EXPECT] = "expect "};
    buf_puts(&f->line, words[c->kind]);
    put_expr(f, &f->line, c->cond, P_IF);
    end_line(f, c->loc.begin, OWNED_INDENT, L_OWNED);
}

/* The given lines of a test, split where the author split them: a name
 * after `given` starts a line, a name after a comma continues it. */
static size_t collect_givens(fmt *f, const decl *d, owned_line *v, size_t n)
{
    for (const name_ref *g = d->givens; g; g = g->next) {
        size_t i = tok_at(&f->t, g->loc.begin);
        if (i > 0 && i < f->t.n && f->t.v[i - 1].kind == ',')
            continue;
        v[n++] = (owned_line){given_keyword(f, g->loc.begin), O_GIVEN, g};
    }
    return n;
}

static void given_line(fmt *f, const name_ref *g)
{
    buf_puts(&f->line, "given ");
    for (;;) {
        buf_puts(&f->line, g->name);
        buf_puts(&f->line, " = ");
        put_expr(f, &f->line, g->weight, P_IF);
        g = g->next;
        if (!g)
            break;
        size_t i = tok_at(&f->t, g->loc.begin);
        if (!(i > 0 && i < f->t.n && f->t.v[i - 1].kind == ','))
            break;
        buf_puts(&f->line, ", ");
    }
}

/* measure, scheme and test: the owned lines in written order, with band
 * names (and a scheme's scores) in columns. */
static void owned_lines(fmt *f, const decl *d)
{
    size_t n = 0, cap = 2;
    for (const clause *c = d->clauses; c; c = c->next)
        cap++;
    for (const band_rule *r = d->bands; r; r = r->next)
        cap++;
    for (const name_ref *g = d->givens; g; g = g->next)
        cap++;
    owned_line *v = xmalloc(cap * sizeof *v);
    size_t band_w = 0, score_w = 0;
    for (const clause *c = d->clauses; c; c = c->next)
        v[n++] = (owned_line){c->loc.begin, O_CLAUSE, c};
    for (const band_rule *r = d->bands; r; r = r->next) {
        v[n++] = (owned_line){r->loc.begin, O_BAND, r};
        size_t w = width_of(r->band, strlen(r->band));
        band_w = w > band_w ? w : band_w;
        if (r->score) {
            char *s = expr_text(f, r->score, P_DEFAULT);
            w = width_of(s, strlen(s));
            score_w = w > score_w ? w : score_w;
        }
    }
    if (d->kind == D_TEST) {
        n = collect_givens(f, d, v, n);
        if (d->fixture_path)
            v[n++] = (owned_line){given_keyword(f, d->fixture_loc.begin), O_FIXTURE, d};
    }
    qsort(v, n, sizeof *v, by_first);
    for (size_t i = 0; i < n; i++) {
        switch (v[i].kind) {
        case O_CLAUSE:
            clause_line(f, v[i].node);
            continue;
        case O_GIVEN:
            given_line(f, v[i].node);
            break;
        case O_FIXTURE:
            buf_puts(&f->line, "given ");
            put_quoted(&f->line, d->fixture_id, strlen(d->fixture_id));
            buf_puts(&f->line, " from ");
            put_quoted(&f->line, d->fixture_path, strlen(d->fixture_path));
            break;
        case O_BAND: {
            const band_rule *r = v[i].node;
            put_padded(&f->line, r->band, band_w);
            buf_puts(&f->line, " ");
            if (d->kind == D_SCHEME) {
                /* red    scores 0    when < 40 */
                buf_puts(&f->line, "scores ");
                char *s = expr_text(f, r->score, P_DEFAULT);
                if (r->otherwise || r->nedges > 0) {
                    put_padded(&f->line, s, score_w + 2);
                    if (r->otherwise) {
                        buf_puts(&f->line, "otherwise");
                    } else {
                        buf_puts(&f->line, "when ");
                        put_edges(f, r, false);
                    }
                } else {
                    buf_puts(&f->line, s);
                }
            } else if (r->otherwise) {
                buf_puts(&f->line, "otherwise");
            } else {
                /* red    <  25% */
                put_edges(f, r, true);
            }
            break;
        }
        }
        end_line(f, v[i].first, OWNED_INDENT, L_OWNED);
    }
    free(v);
}

static void put_member(fmt *f, buf *b, const name_ref *m)
{
    buf_puts(b, m->name);
    if (m->weight) {
        buf_puts(b, " weight ");
        put_expr(f, b, m->weight, P_DEFAULT);
    }
}

/* group ci = mean(a, b weight 2) [scheme s], broken one member a line when
 * it would pass FMT_WIDTH columns or when comments sit between members. */
static void group_lines(fmt *f, const decl *d)
{
    buf *b = &f->line;
    buf_puts(b, "group ");
    buf_puts(b, d->name);
    buf_puts(b, " = ");
    buf_puts(b, d->type_name);
    buf_puts(b, "(");
    size_t open_len = b->len;
    for (const name_ref *m = d->members; m; m = m->next) {
        put_member(f, b, m);
        if (m->next)
            buf_puts(b, ", ");
    }
    buf_puts(b, ")");
    if (d->scheme) {
        buf_puts(b, " scheme ");
        buf_puts(b, d->scheme);
    }

    /* The group's own tokens run from its keyword to the `)` (and scheme):
     * a comment between the first and the last of them needs the broken
     * layout to stay where it is. */
    size_t agg = tok_at(&f->t, d->agg_loc.begin), close = agg + 1;
    int depth = 0;
    for (; close < f->t.n; close++) {
        if (f->t.v[close].kind == '(')
            depth++;
        else if (f->t.v[close].kind == ')' && --depth == 0)
            break;
    }
    if (close >= f->t.n) {
        f->ok = false;
        end_line(f, d->loc.begin, 0, L_HEAD);
        return;
    }
    bool inner = false;
    for (size_t i = 0; i < f->ncmts && !inner; i++)
        inner = f->cmts[i]->loc.begin > d->loc.begin && f->cmts[i]->loc.begin < f->t.v[close].begin;
    if (!inner && width_of(b->s, b->len) <= FMT_WIDTH) {
        end_line(f, d->loc.begin, 0, L_HEAD);
    } else {
        b->len = open_len;
        end_line(f, d->loc.begin, 0, L_HEAD);
        for (const name_ref *m = d->members; m; m = m->next) {
            put_member(f, b, m);
            if (m->next)
                buf_puts(b, ",");
            end_line(f, m->loc.begin, MEMBER_INDENT, L_MEMBER);
        }
        buf_puts(b, ")");
        if (d->scheme) {
            buf_puts(b, " scheme ");
            buf_puts(b, d->scheme);
        }
        end_line(f, f->t.v[close].begin, 0, L_CLOSE);
    }
    for (const clause *c = d->clauses; c; c = c->next)
        clause_line(f, c);
}

static void decl_lines(fmt *f, const decl *d)
{
    static const char *const keywords[] = {
        [D_POLICY] = "policy", [D_IMPORT] = "import", [D_ID] = "id", [D_INPUT] = "input",
        [D_PARAM] = "param", [D_LET] = "let", [D_METRIC] = "metric", [D_MEASURE] = "measure",
        [D_GROUP] = "group", [D_SCHEME] = "scheme", [D_TEST] = "test"};
    buf *b = &f->line;
    if (d->kind == D_GROUP) {
        group_lines(f, d);
        return;
    }
    buf_puts(b, keywords[d->kind]);
    buf_puts(b, " ");
    switch (d->kind) {
    case D_POLICY:
        put_quoted(b, d->name, strlen(d->name));
        if (d->version) {
            buf_puts(b, " version ");
            put_quoted(b, d->version, strlen(d->version));
        }
        break;
    case D_IMPORT:
    case D_TEST:
        put_quoted(b, d->name, strlen(d->name));
        break;
    case D_INPUT:
        buf_puts(b, d->name);
        buf_puts(b, ": ");
        if (d->choices) {
            buf_puts(b, "one of ");
            for (const text_list *t = d->choices; t; t = t->next) {
                put_quoted(b, t->s, t->len);
                if (t->next)
                    buf_puts(b, ", ");
            }
        } else {
            buf_puts(b, d->type_name);
        }
        break;
    case D_PARAM:
    case D_LET:
    case D_METRIC:
    case D_MEASURE:
        buf_puts(b, d->name);
        buf_puts(b, " = ");
        put_expr(f, b, d->value, P_IF);
        if (d->kind == D_MEASURE && d->scheme) {
            buf_puts(b, " scheme ");
            buf_puts(b, d->scheme);
        }
        break;
    default:
        buf_puts(b, d->name);
        break;
    }
    end_line(f, d->loc.begin, 0, L_HEAD);
    if (d->kind == D_MEASURE || d->kind == D_SCHEME || d->kind == D_TEST)
        owned_lines(f, d);
}

/* ---- comments ------------------------------------------------------------- */

static bool newline_between(const char *text, unsigned from, unsigned to)
{
    return memchr(text + from, '\n', to > from ? to - from : 0) != NULL;
}

/* Whether [from, to), which holds only spacing, has a line of its own. */
static bool blank_between(const char *text, unsigned from, unsigned to)
{
    bool after_newline = false;
    for (unsigned i = from; i < to; i++) {
        if (text[i] == '\n') {
            if (after_newline)
                return true;
            after_newline = true;
        } else if (!is_blank(text[i])) {
            after_newline = false;
        }
    }
    return false;
}

/* The end of whatever token or comment comes last before offset. */
static unsigned prev_end(const fmt *f, unsigned offset)
{
    unsigned end = 0;
    size_t i = tok_at(&f->t, offset);
    if (i > 0)
        end = f->t.v[i - 1].end;
    size_t lo = 0, hi = f->ncmts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->cmts[mid]->loc.begin < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && f->cmts[lo - 1]->loc.end > end)
        end = f->cmts[lo - 1]->loc.end;
    return end;
}

/* A comment's column in its source line, and whether only spacing (or the
 * byte order mark) comes before it there. */
static size_t source_col(const fmt *f, unsigned offset, bool *indented)
{
    unsigned start = offset;
    while (start > 0 && f->text[start - 1] != '\n')
        start--;
    if (start == 0 && f->src->len >= 3 && memcmp(f->text, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    if (indented)
        *indented = offset > start;
    return width_of(f->text + start, offset - start);
}

/* The line holding token i: the last whose first token is not after it. */
static size_t line_of(const fmt *f, size_t i)
{
    size_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (f->lines[mid].first <= f->t.v[i].begin)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static void add_note(fmt *f, note **list, const comment *c)
{
    note *n = arena_alloc(&f->a, sizeof *n);
    n->c = c;
    while (*list)
        list = &(*list)->next;
    *list = n;
}

static void place_comments(fmt *f)
{
    /* Each line's range of tokens ends where the next line's begins. */
    for (size_t i = 0; i < f->nlines; i++) {
        size_t next = i + 1 < f->nlines ? tok_at(&f->t, f->lines[i + 1].first) : f->t.n;
        f->lines[i].last_tok = next - 1;
        if (i + 1 < f->nlines && f->lines[i + 1].first <= f->lines[i].first)
            f->ok = false;
    }
    for (size_t i = 0; i < f->nlines; i++)
        f->lines[i].block = (i > 0 && f->lines[i - 1].stmt == f->lines[i].stmt) ||
                            (i + 1 < f->nlines && f->lines[i + 1].stmt == f->lines[i].stmt);
    long chain = -1; /* the line whose end-of-line or trailing comment came last */
    for (size_t k = 0; k < f->ncmts; k++) {
        const comment *c = f->cmts[k];
        size_t next = tok_at(&f->t, c->loc.begin);
        bool has_prev = next > 0;
        size_t prev = next - 1;
        if (f->nlines == 0 || (!has_prev && next == f->t.n)) {
            add_note(f, &f->eof, c);
            continue;
        }
        if (has_prev && !newline_between(f->text, f->t.v[prev].end, c->loc.begin)) {
            /* After a token on the same line. */
            size_t l = line_of(f, prev);
            if (f->lines[l].last_tok == prev && !f->lines[l].eol) {
                f->lines[l].eol = c;
                chain = (long)l;
            } else {
                add_note(f, &f->lines[l].hoisted, c);
                chain = -1;
            }
            continue;
        }
        /* On a line of its own: it belongs to the line that follows, unless
         * it is indented right under a block and a blank line (or the end of
         * the file) parts it from what follows: then it ends the block.  A
         * comment directly above a statement stays directly above it (lint
         * directives, `# rubric: allow ...`, apply to the line below). */
        bool indented;
        source_col(f, c->loc.begin, &indented);
        size_t l = next < f->t.n ? line_of(f, next) : f->nlines;
        bool at_head = l == f->nlines || (f->lines[l].first == f->t.v[next].begin && f->lines[l].role == L_HEAD);
        if (at_head && l > 0 && has_prev && indented && f->lines[l - 1].block && f->lines[l - 1].last_tok == prev &&
            !blank_between(f->text, prev_end(f, c->loc.begin), c->loc.begin) &&
            (next == f->t.n || blank_between(f->text, c->loc.end, f->t.v[next].begin)) &&
            (k == 0 || f->cmts[k - 1]->loc.begin < f->t.v[prev].begin || chain == (long)l - 1)) {
            add_note(f, &f->lines[l - 1].trailing, c);
            chain = (long)l - 1;
            continue;
        }
        chain = -1;
        if (l == f->nlines)
            add_note(f, &f->eof, c);
        else if (f->lines[l].first == f->t.v[next].begin)
            add_note(f, &f->lines[l].leading, c);
        else
            add_note(f, &f->lines[l].hoisted, c);
    }
}

/* ---- rendering ------------------------------------------------------------ */

typedef struct out_line {
    char *text;               /* indentation and content, no comment */
    size_t width;
    const comment *eol;
    size_t eol_col;           /* the comment's column in the source */
    size_t eol_gap;           /* the spaces before it in the source */
} out_line;

typedef struct render {
    fmt *f;
    out_line *v;
    size_t n, cap;
} render;

/* code_from and code_to: where the line's code was in the source. */
static void emit(render *r, int indent, const char *text, size_t len, const comment *eol, unsigned code_from,
                 unsigned code_to)
{
    if (r->n == r->cap)
        r->v = xrealloc(r->v, (r->cap = r->cap ? r->cap * 2 : 128) * sizeof *r->v);
    out_line *o = &r->v[r->n++];
    o->text = arena_alloc(&r->f->a, (size_t)indent + len + 1);
    memset(o->text, ' ', (size_t)indent);
    memcpy(o->text + indent, text, len);
    o->text[indent + len] = '\0';
    o->width = (size_t)indent + width_of(text, len);
    o->eol = eol;
    o->eol_col = eol ? source_col(r->f, eol->loc.begin, NULL) : 0;
    bool as_written = code_to - code_from == len && memcmp(r->f->text + code_from, text, len) == 0;
    o->eol_gap = eol && as_written && eol->loc.begin > code_to ? eol->loc.begin - code_to : 1;
}

/* One blank line, never two, never at the top. */
static void emit_blank(render *r)
{
    if (r->n > 0 && r->v[r->n - 1].text[0] != '\0')
        emit(r, 0, "", 0, NULL, 0, 0);
}

/* A comment's text without the spacing at its end. */
static size_t comment_len(const fmt *f, const comment *c)
{
    unsigned end = c->loc.end;
    while (end > c->loc.begin && is_blank(f->text[end - 1]))
        end--;
    return end - c->loc.begin;
}

static void emit_comment(render *r, int indent, const comment *c)
{
    emit(r, indent, r->f->text + c->loc.begin, comment_len(r->f, c), NULL, 0, 0);
}

/* Full-line comments before a statement, with the author's blank lines
 * between them (and one more before, when a block is on either side). */
static bool emit_leading(render *r, const note *n, bool force_blank)
{
    bool first = true;
    for (; n; n = n->next) {
        if (blank_between(r->f->text, prev_end(r->f, n->c->loc.begin), n->c->loc.begin) || (first && force_blank))
            emit_blank(r);
        emit_comment(r, 0, n->c);
        first = false;
    }
    return first;
}

static void render_lines(render *r)
{
    fmt *f = r->f;
    for (size_t i = 0; i < f->nlines; i++) {
        fline *l = &f->lines[i];
        if (l->role == L_HEAD) {
            bool force = i > 0 && (l->block || f->lines[i - 1].block);
            bool none = emit_leading(r, l->leading, force);
            if (blank_between(f->text, prev_end(f, l->first), l->first) || (none && force))
                emit_blank(r);
        } else {
            for (const note *n = l->leading; n; n = n->next)
                emit_comment(r, l->role == L_CLOSE ? MEMBER_INDENT : l->indent, n->c);
        }
        for (const note *n = l->hoisted; n; n = n->next)
            emit_comment(r, l->indent, n->c);
        emit(r, l->indent, l->text, strlen(l->text), l->eol, l->first, f->t.v[l->last_tok].end);
        for (const note *n = l->trailing; n; n = n->next)
            emit_comment(r, OWNED_INDENT, n->c);
    }
    emit_leading(r, f->eof, f->nlines > 0 && f->lines[f->nlines - 1].block);
}

/* An end-of-line comment goes one space after the code, or where the
 * author put it if fmt left the code as written; a run of them the author
 * aligned in one column stays aligned, in that column or further right if
 * the code grew. */
static char *join(render *r, size_t *len)
{
    fmt *f = r->f;
    buf out = {0};
    for (size_t i = 0; i < r->n;) {
        size_t j = i + 1, col = r->v[i].width + r->v[i].eol_gap;
        if (r->v[i].eol) {
            while (j < r->n && r->v[j].eol && r->v[j].eol_col == r->v[i].eol_col)
                j++;
            if (j - i > 1) {
                col = r->v[i].eol_col;
                for (size_t k = i; k < j; k++)
                    col = r->v[k].width + 1 > col ? r->v[k].width + 1 : col;
            }
        }
        for (size_t k = i; k < j; k++) {
            buf_puts(&out, r->v[k].text);
            if (r->v[k].eol) {
                buf_spaces(&out, col - r->v[k].width);
                buf_put(&out, f->text + r->v[k].eol->loc.begin, comment_len(f, r->v[k].eol));
            }
            buf_put(&out, "\n", 1);
        }
        i = j;
    }
    *len = out.len;
    if (!out.s)
        return xstrdup("");
    return out.s;
}

char *fmt_format(const source *src, const decl *decls, const comment *comments, size_t *len)
{
    fmt f;
    memset(&f, 0, sizeof f);
    f.src = src;
    f.text = src->text;
    f.ok = true;
    arena_init(&f.a);
    if (!lex_tokens(src, &f.a, false, &f.t)) {
        arena_free(&f.a);
        return NULL;
    }
    for (const comment *c = comments; c; c = c->next)
        f.ncmts++;
    f.cmts = xmalloc((f.ncmts + 1) * sizeof *f.cmts);
    f.ncmts = 0;
    for (const comment *c = comments; c; c = c->next)
        f.cmts[f.ncmts++] = c;

    for (const decl *d = decls; d; d = d->next, f.stmt++)
        decl_lines(&f, d);
    place_comments(&f);

    char *text = NULL;
    if (f.ok) {
        render r = {&f, NULL, 0, 0};
        render_lines(&r);
        text = join(&r, len);
        free(r.v);
    }
    free(f.line.s);
    free(f.lines);
    free(f.cmts);
    free(f.t.v);
    arena_free(&f.a);
    return text;
}

/* ---- the self-check ------------------------------------------------------- */

typedef struct parsed {
    arena a;
    parse_ctx ctx;
    int errors;
} parsed;

static void parse_into(parsed *p, const source *src, diag *d)
{
    arena_init(&p->a);
    memset(&p->ctx, 0, sizeof p->ctx);
    p->ctx.arena = &p->a;
    p->ctx.diag = d;
    p->ctx.src = src;
    p->errors = parse_file(&p->ctx);
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_text(const char *a, rb_loc la, const char *b, rb_loc lb)
{
    return la.end - la.begin == lb.end - lb.begin && memcmp(a + la.begin, b + lb.begin, la.end - la.begin) == 0;
}

typedef struct pair {
    const char *a, *b; /* the two texts */
} pair;

static bool same_expr(pair t, const expr *x, const expr *y);

static bool same_names(pair t, const name_ref *x, const name_ref *y)
{
    for (; x && y; x = x->next, y = y->next) {
        if (!same_str(x->name, y->name) || !!x->weight != !!y->weight)
            return false;
        if (x->weight && !same_expr(t, x->weight, y->weight))
            return false;
    }
    return !x && !y;
}

static bool same_expr(pair t, const expr *x, const expr *y)
{
    if (!x || !y)
        return x == y;
    if (x->kind != y->kind || x->op != y->op)
        return false;
    switch (x->kind) {
    case EX_NUM:
    case EX_DATE:
        return same_text(t.a, x->loc, t.b, y->loc);
    case EX_DURATION:
        return x->u.dur.amount == y->u.dur.amount && x->u.dur.unit == y->u.dur.unit;
    case EX_TEXT:
        return x->u.text.len == y->u.text.len && memcmp(x->u.text.s, y->u.text.s, x->u.text.len) == 0;
    case EX_BOOL:
        return x->u.b == y->u.b;
    case EX_NA:
        return true;
    case EX_NAME:
        return same_str(x->u.name.name, y->u.name.name);
    case EX_UNARY:
        return same_expr(t, x->u.bin.l, y->u.bin.l);
    case EX_BINARY:
        return same_expr(t, x->u.bin.l, y->u.bin.l) && same_expr(t, x->u.bin.r, y->u.bin.r);
    case EX_IF:
        return same_expr(t, x->u.cond.cond, y->u.cond.cond) && same_expr(t, x->u.cond.then, y->u.cond.then) &&
               same_expr(t, x->u.cond.els, y->u.cond.els);
    case EX_CALL: {
        if (!same_str(x->u.call.fn, y->u.call.fn))
            return false;
        const expr_list *a = x->u.call.args, *b = y->u.call.args;
        for (; a && b; a = a->next, b = b->next)
            if (!same_expr(t, a->e, b->e))
                return false;
        return !a && !b;
    }
    case EX_IS:
        return same_str(x->u.is.band, y->u.is.band) && same_expr(t, x->u.is.e, y->u.is.e);
    case EX_COUNT:
        return same_str(x->u.count.band, y->u.count.band) && same_names(t, x->u.count.members, y->u.count.members);
    }
    return false;
}

static bool same_decl(pair t, const decl *x, const decl *y)
{
    if (x->kind != y->kind || !same_str(x->name, y->name) || !same_str(x->version, y->version) ||
        !same_str(x->type_name, y->type_name) || !same_str(x->scheme, y->scheme) || x->agg != y->agg ||
        !same_str(x->fixture_id, y->fixture_id) || !same_str(x->fixture_path, y->fixture_path) ||
        !same_expr(t, x->value, y->value) || !same_names(t, x->members, y->members) ||
        !same_names(t, x->givens, y->givens))
        return false;
    const text_list *ca = x->choices, *cb = y->choices;
    for (; ca && cb; ca = ca->next, cb = cb->next)
        if (ca->len != cb->len || memcmp(ca->s, cb->s, ca->len) != 0)
            return false;
    if (ca || cb)
        return false;
    const clause *la = x->clauses, *lb = y->clauses;
    for (; la && lb; la = la->next, lb = lb->next)
        if (la->kind != lb->kind || !same_expr(t, la->cond, lb->cond))
            return false;
    if (la || lb)
        return false;
    const band_rule *ra = x->bands, *rb = y->bands;
    for (; ra && rb; ra = ra->next, rb = rb->next) {
        if (!same_str(ra->band, rb->band) || ra->nedges != rb->nedges || ra->otherwise != rb->otherwise ||
            !same_expr(t, ra->score, rb->score))
            return false;
        for (int i = 0; i < ra->nedges; i++)
            if (ra->edges[i].op != rb->edges[i].op || !same_expr(t, ra->edges[i].limit, rb->edges[i].limit))
                return false;
    }
    return !ra && !rb;
}

/* Tokens equal in what they say: names, values, literals as written;
 * parentheses are left out (fmt drops redundant ones; the trees compare
 * the grouping). */
static bool same_tokens(const toks *a, const toks *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->n && (a->v[i].kind == '(' || a->v[i].kind == ')'))
            i++;
        while (j < b->n && (b->v[j].kind == '(' || b->v[j].kind == ')'))
            j++;
        if (i == a->n || j == b->n)
            return i == a->n && j == b->n;
        const tok *x = &a->v[i++], *y = &b->v[j++];
        if (x->kind != y->kind)
            return false;
        switch (x->kind) {
        case IDENT: case STRING: case NUMBER: case PERCENT: case DATE:
            if (x->len != y->len || memcmp(x->s, y->s, x->len) != 0)
                return false;
            break;
        case DURATION:
            if (x->amount != y->amount || x->unit != y->unit)
                return false;
            break;
        default:
            break;
        }
    }
}

static bool same_comments(const source *sa, const comment *a, const source *sb, const comment *b)
{
    for (; a && b; a = a->next, b = b->next) {
        rb_loc la = a->loc, lb = b->loc;
        while (la.end > la.begin && is_blank(sa->text[la.end - 1]))
            la.end--;
        while (lb.end > lb.begin && is_blank(sb->text[lb.end - 1]))
            lb.end--;
        if (!same_text(sa->text, la, sb->text, lb))
            return false;
    }
    return !a && !b;
}

const char *fmt_verify(const source *src, const char *formatted, size_t len, diag *d)
{
    size_t n = strlen(src->path);
    char *name = xmalloc(n + sizeof " (formatted)");
    memcpy(name, src->path, n);
    memcpy(name + n, " (formatted)", sizeof " (formatted)");
    source *out = source_from_string(name, formatted, len);
    free(name);

    diag quiet = *d;
    quiet.max_errors = -1; /* the input was parsed already; count only */
    parsed a, b;
    parse_into(&a, src, &quiet);
    parse_into(&b, out, d);
    toks ta = {0}, tb = {0};
    const char *why = NULL;
    if (a.errors)
        why = "the input does not parse";
    else if (b.errors)
        why = "the formatted text does not parse";
    else if (!lex_tokens(src, &a.a, true, &ta) || !lex_tokens(out, &b.a, true, &tb))
        why = "the scanner could not start";
    else if (!same_tokens(&ta, &tb))
        why = "the tokens differ";
    else if (!same_comments(src, a.ctx.comments, out, b.ctx.comments))
        why = "the comments differ";
    if (!why) {
        pair t = {src->text, out->text};
        const decl *x = a.ctx.decls, *y = b.ctx.decls;
        for (; x && y; x = x->next, y = y->next)
            if (!same_decl(t, x, y))
                break;
        if (x || y)
            why = "the syntax trees differ";
    }
    if (!why) {
        size_t again_len = 0;
        char *again = fmt_format(out, b.ctx.decls, b.ctx.comments, &again_len);
        if (!again || again_len != len || memcmp(again, formatted, len) != 0)
            why = "formatting the result again changes it";
        free(again);
    }
    free(ta.v);
    free(tb.v);
    arena_free(&a.a);
    arena_free(&b.a);
    source_free(out);
    return why;
}

fmt_status fmt_source(const source *src, diag *d, char **out, size_t *len, const char **why)
{
    parsed p;
    *out = NULL;
    *len = 0;
    *why = NULL;
    parse_into(&p, src, d);
    if (p.errors) {
        arena_free(&p.a);
        return FMT_ERRORS;
    }
    char *text = fmt_format(src, p.ctx.decls, p.ctx.comments, len);
    arena_free(&p.a);
    if (!text) {
        *why = "the syntax tree does not fit the source";
        return FMT_INTERNAL;
    }
    *why = fmt_verify(src, text, *len, d);
    if (*why) {
        free(text);
        *len = 0;
        return FMT_INTERNAL;
    }
    *out = text;
    return FMT_OK;
}
