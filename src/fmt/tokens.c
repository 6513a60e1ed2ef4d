/* tokens.c - a policy file read again for `rubric fmt`: its tokens, from
 * the policy scanner itself, and its syntax tree. */
#include "fmt_internal.h"

#include <string.h>

#include "parser.h"
#include "lexer.h"
#include "xalloc.h"

/* Scans src with the policy scanner.  Newline tokens are kept only when
 * asked (the comparison wants them; placing comments does not). */
bool fmt_lex(const source *src, arena *a, bool newlines, toks *out)
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
size_t fmt_tok_at(const toks *t, unsigned offset)
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

void fmt_parse(parsed *p, const source *src, diag *d)
{
    arena_init(&p->a);
    memset(&p->ctx, 0, sizeof p->ctx);
    p->ctx.arena = &p->a;
    p->ctx.diag = d;
    p->ctx.src = src;
    p->errors = parse_file(&p->ctx);
}
