/* layout.c - the canonical layout of a policy file (docs/fmt.md).
 *
 * Formatting happens in three passes:
 *   1. lines (here): every statement, and every line a statement owns,
 *      becomes one output line (a long group is broken into several),
 *      printed from the syntax tree.  Each line remembers the source offset
 *      of its first token, so the lines partition the file's tokens in
 *      order.
 *   2. comments (comments.c): the file is scanned again for its tokens,
 *      and each comment is placed by the tokens around it: after the last
 *      token of a line it ends that line; on a line of its own it goes
 *      before the line whose first token follows it (or, indented right
 *      under a block and parted from what follows by a blank line, stays
 *      at the block's end); inside a line that fmt joins it moves above it.
 *   3. rendering (comments.c): blank lines, indentation and the column of
 *      end-of-line comments.
 * This file holds the first pass and runs the three. */
#include "fmt_internal.h"

#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "xalloc.h"

/* ---- expressions --------------------------------------------------------- */

/* Binding strength, loosest first, as grammar/parser.y's rules nest. */
enum {
    P_IF, P_WHERE, P_OR, P_AND, P_NOT, P_CMP, P_DEFAULT, P_SUM, P_PRODUCT, P_NEG, P_PRIMARY,
};

static int prec(const expr *e)
{
    switch (e->kind) {
    case EX_IF:
        return P_IF;
    case EX_WHERE:
        return P_WHERE;
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
static void put_quoted(strbuf *b, const char *s, size_t n)
{
    strbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            strbuf_add(b, "\\n", 2);
        else if (s[i] == '\t')
            strbuf_add(b, "\\t", 2);
        else {
            if (s[i] == '"' || s[i] == '\\')
                strbuf_add(b, "\\", 1);
            strbuf_add(b, s + i, 1);
        }
    }
    strbuf_add(b, "\"", 1);
}

static void put_source(fmt *f, strbuf *b, rb_loc loc)
{
    strbuf_add(b, f->text + loc.begin, loc.end - loc.begin);
}

/* `1   month` as `1 month`: the spacing inside a duration is layout. */
static void put_duration(fmt *f, strbuf *b, rb_loc loc)
{
    bool space = false;
    for (unsigned i = loc.begin; i < loc.end; i++) {
        char c = f->text[i];
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space)
            strbuf_add(b, " ", 1);
        space = false;
        strbuf_add(b, &c, 1);
    }
}

static void put_names(strbuf *b, const name_ref *r)
{
    for (; r; r = r->next) {
        strbuf_adds(b, r->name);
        if (r->next)
            strbuf_adds(b, ", ");
    }
}

static char *expr_text(fmt *f, const expr *e, int min);

/* Prints e where the grammar accepts only expressions binding at least as
 * tightly as min; anything looser gets parentheses.  Those are all the
 * parentheses printed: the author's redundant ones go. */
static void put_expr(fmt *f, strbuf *b, const expr *e, int min)
{
    int p = prec(e);
    if (p < min)
        strbuf_adds(b, "(");
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
        strbuf_adds(b, e->u.b ? "true" : "false");
        break;
    case EX_NA:
        strbuf_adds(b, "na");
        break;
    case EX_NAME:
        strbuf_adds(b, e->u.name.name);
        break;
    case EX_UNARY:
        if (e->op == OP_NOT) {
            strbuf_adds(b, "not ");
            put_expr(f, b, e->u.bin.l, P_NOT);
        } else {
            char *operand = expr_text(f, e->u.bin.l, P_NEG);
            strbuf_adds(b, operand[0] == '-' ? "- " : "-");   /* `- -x` */
            strbuf_adds(b, operand);
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
        strbuf_adds(b, " ");
        strbuf_adds(b, op_text(e->op));
        strbuf_adds(b, " ");
        put_expr(f, b, e->u.bin.r, r);
        break;
    }
    case EX_IF:
        /* An `if` as the condition or the `then` of another reads better
         * in parentheses, though the grammar needs none there. */
        strbuf_adds(b, "if ");
        put_expr(f, b, e->u.cond.cond, P_OR);
        strbuf_adds(b, " then ");
        put_expr(f, b, e->u.cond.then, P_OR);
        strbuf_adds(b, " else ");
        put_expr(f, b, e->u.cond.els, P_IF);
        break;
    case EX_CALL: {
        strbuf_adds(b, e->u.call.fn);
        strbuf_adds(b, "(");
        /* With `by`, the last argument is the cohort, after the ")". */
        const expr_list *cohort = e->u.call.by ? e->u.call.args->last : NULL;
        for (const expr_list *a = e->u.call.args; a && a != cohort; a = a->next) {
            put_expr(f, b, a->e, P_IF);
            if (a->next && a->next != cohort)
                strbuf_adds(b, ", ");
        }
        strbuf_adds(b, ")");
        if (cohort) {
            bool name = cohort->e->kind == EX_NAME;
            strbuf_adds(b, name ? " by " : " by (");
            put_expr(f, b, cohort->e, P_IF);
            if (!name)
                strbuf_adds(b, ")");
        }
        break;
    }
    case EX_IS:
        put_expr(f, b, e->u.is.e, P_DEFAULT);
        strbuf_adds(b, " is ");
        strbuf_adds(b, e->u.is.band ? e->u.is.band : "na");
        break;
    case EX_WHERE:
        put_expr(f, b, e->u.bin.l, P_WHERE);
        strbuf_adds(b, " where ");
        put_expr(f, b, e->u.bin.r, P_OR);
        break;
    case EX_FIELD:
        if (e->u.field.rec) {
            put_expr(f, b, e->u.field.rec, P_PRIMARY);
            strbuf_adds(b, ".");
        }
        strbuf_adds(b, e->u.field.name);
        break;
    case EX_COUNT:
        strbuf_adds(b, "count ");
        strbuf_adds(b, e->u.count.band);
        strbuf_adds(b, " of (");
        put_names(b, e->u.count.members);
        strbuf_adds(b, ")");
        break;
    }
    if (p < min)
        strbuf_adds(b, ")");
}

/* An expression as a string in the arena, for columns to be measured. */
static char *expr_text(fmt *f, const expr *e, int min)
{
    strbuf b = {0};
    put_expr(f, &b, e, min);
    char *s = arena_strndup(&f->a, strbuf_str(&b), b.len);
    strbuf_free(&b);
    return s;
}

/* ---- lines --------------------------------------------------------------- */

/* Ends the line being built: it starts at source offset first. */
static void end_line(fmt *f, unsigned first, int indent, line_role role)
{
    if (f->nlines == f->cap)
        f->lines = xrealloc(f->lines, (f->cap = f->cap ? f->cap * 2 : 64) * sizeof *f->lines);
    fline *l = &f->lines[f->nlines++];
    memset(l, 0, sizeof *l);
    l->first = first;
    l->indent = indent;
    l->text = arena_strndup(&f->a, strbuf_str(&f->line), f->line.len);
    l->stmt = f->stmt;
    l->role = role;
    strbuf_setlen(&f->line, 0);
}

static void put_edge(fmt *f, const edge *e, bool pad)
{
    const char *op = op_text(e->op);
    strbuf_adds(&f->line, op);
    strbuf_addchars(&f->line, ' ', pad && strlen(op) < 2 ? 2 : 1);
    strbuf_adds(&f->line, expr_text(f, e->limit, P_DEFAULT));
}

static void put_edges(fmt *f, const band_rule *r, bool pad)
{
    put_edge(f, &r->edges[0], pad);
    if (r->nedges == 2) {
        strbuf_adds(&f->line, " and ");
        put_edge(f, &r->edges[1], false);
    }
}

static void put_padded(strbuf *b, const char *s, size_t width)
{
    strbuf_adds(b, s);
    size_t w = width_of(s, strlen(s));
    strbuf_addchars(b, ' ', w < width ? width - w : 0);
}

/* Owned lines of a block, to be printed in the order they were written. */
typedef enum { O_CLAUSE, O_BAND, O_GIVEN, O_FIXTURE, O_TABLE } owned_kind;
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
    size_t i = fmt_tok_at(&f->t, offset);
    if (i == 0 || i >= f->t.n || f->t.v[i].begin != offset || f->t.v[i - 1].kind != GIVEN) {
        f->ok = false;
        return offset;
    }
    return f->t.v[i - 1].begin;
}

/* Where the line holding the token at offset starts: the token before it
 * (`reason` before its text). */
static unsigned token_before(fmt *f, unsigned offset)
{
    size_t i = fmt_tok_at(&f->t, offset);
    if (i == 0 || i >= f->t.n || f->t.v[i].begin != offset) {
        f->ok = false;
        return offset;
    }
    return f->t.v[i - 1].begin;
}

static void clause_line(fmt *f, const clause *c)
{
    static const char *const words[] = {
        [CL_NA_WHEN] = "na when ", [CL_APPLIES_WHEN] = "applies when ", [CL_EXPECT] = "expect "};
    strbuf_adds(&f->line, words[c->kind]);
    put_expr(f, &f->line, c->cond, P_IF);
    end_line(f, c->loc.begin, OWNED_INDENT, L_OWNED);
}

/* The given lines of a test, split where the author split them: a name
 * after `given` starts a line, a name after a comma continues it. */
static size_t collect_givens(fmt *f, const decl *d, owned_line *v, size_t n)
{
    for (const name_ref *g = d->givens; g; g = g->next) {
        size_t i = fmt_tok_at(&f->t, g->loc.begin);
        if (i > 0 && i < f->t.n && f->t.v[i - 1].kind == ',')
            continue;
        v[n++] = (owned_line){given_keyword(f, g->loc.begin), O_GIVEN, g};
    }
    return n;
}

static void given_line(fmt *f, const name_ref *g)
{
    strbuf_adds(&f->line, "given ");
    for (;;) {
        if (g->prev)
            strbuf_adds(&f->line, "prev(");
        strbuf_adds(&f->line, g->name);
        strbuf_adds(&f->line, g->prev ? ") = " : " = ");
        put_expr(f, &f->line, g->weight, P_IF);
        g = g->next;
        if (!g)
            break;
        size_t i = fmt_tok_at(&f->t, g->loc.begin);
        if (!(i > 0 && i < f->t.n && f->t.v[i - 1].kind == ','))
            break;
        strbuf_adds(&f->line, ", ");
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
    for (const name_ref *g = d->tables; g; g = g->next)
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
        for (const name_ref *g = d->tables; g; g = g->next)
            v[n++] = (owned_line){given_keyword(f, g->loc.begin), O_TABLE, g};
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
        case O_TABLE: {
            const name_ref *g = v[i].node;
            strbuf_adds(&f->line, "given ");
            strbuf_adds(&f->line, g->name);
            strbuf_adds(&f->line, " from ");
            put_quoted(&f->line, g->weight->u.text.s, g->weight->u.text.len);
            break;
        }
        case O_FIXTURE:
            strbuf_adds(&f->line, "given ");
            put_quoted(&f->line, d->fixture_id, strlen(d->fixture_id));
            strbuf_adds(&f->line, " from ");
            put_quoted(&f->line, d->fixture_path, strlen(d->fixture_path));
            break;
        case O_BAND: {
            const band_rule *r = v[i].node;
            put_padded(&f->line, r->band, band_w);
            strbuf_adds(&f->line, " ");
            if (d->kind == D_SCHEME) {
                /* red    scores 0    when < 40 */
                strbuf_adds(&f->line, "scores ");
                char *s = expr_text(f, r->score, P_DEFAULT);
                if (r->otherwise || r->nedges > 0) {
                    put_padded(&f->line, s, score_w + 2);
                    if (r->otherwise) {
                        strbuf_adds(&f->line, "otherwise");
                    } else {
                        strbuf_adds(&f->line, "when ");
                        put_edges(f, r, false);
                    }
                } else {
                    strbuf_adds(&f->line, s);
                }
            } else if (r->otherwise) {
                strbuf_adds(&f->line, "otherwise");
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

static void put_member(fmt *f, strbuf *b, const name_ref *m)
{
    strbuf_adds(b, m->name);
    if (m->weight) {
        strbuf_adds(b, " weight ");
        put_expr(f, b, m->weight, P_DEFAULT);
    }
}

/* group ci = mean(a, b weight 2) [scheme s], broken one member a line when
 * it would pass FMT_WIDTH columns or when comments sit between members. */
static void group_lines(fmt *f, const decl *d)
{
    strbuf *b = &f->line;
    strbuf_adds(b, "group ");
    strbuf_adds(b, d->name);
    strbuf_adds(b, " = ");
    strbuf_adds(b, d->type_name);
    strbuf_adds(b, "(");
    size_t open_len = b->len;
    for (const name_ref *m = d->members; m; m = m->next) {
        put_member(f, b, m);
        if (m->next)
            strbuf_adds(b, ", ");
    }
    strbuf_adds(b, ")");
    if (d->scheme) {
        strbuf_adds(b, " scheme ");
        strbuf_adds(b, d->scheme);
    }

    /* The group's own tokens run from its keyword to the `)` (and scheme):
     * a comment between the first and the last of them needs the broken
     * layout to stay where it is. */
    size_t agg = fmt_tok_at(&f->t, d->agg_loc.begin), close = agg + 1;
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
        strbuf_setlen(b, open_len);
        end_line(f, d->loc.begin, 0, L_HEAD);
        for (const name_ref *m = d->members; m; m = m->next) {
            put_member(f, b, m);
            if (m->next)
                strbuf_adds(b, ",");
            end_line(f, m->loc.begin, MEMBER_INDENT, L_MEMBER);
        }
        strbuf_adds(b, ")");
        if (d->scheme) {
            strbuf_adds(b, " scheme ");
            strbuf_adds(b, d->scheme);
        }
        end_line(f, f->t.v[close].begin, 0, L_CLOSE);
    }
    for (const clause *c = d->clauses; c; c = c->next)
        clause_line(f, c);
}

/* `name: number`, `name: one of "a", "b"`, `name: list of record`. */
static void put_typed_name(strbuf *b, const decl *d)
{
    strbuf_adds(b, d->name);
    strbuf_adds(b, ": ");
    if (d->choices) {
        strbuf_adds(b, "one of ");
        for (const text_list *t = d->choices; t; t = t->next) {
            put_quoted(b, t->s, t->len);
            if (t->next)
                strbuf_adds(b, ", ");
        }
        return;
    }
    strbuf_adds(b, d->type_name);
    if (d->elem_name) {
        strbuf_adds(b, " of ");
        strbuf_adds(b, d->elem_name);
    }
}

static void decl_lines(fmt *f, const decl *d)
{
    static const char *const keywords[] = {
        [D_POLICY] = "policy", [D_IMPORT] = "import", [D_ID] = "id", [D_INPUT] = "input",
        [D_PARAM] = "param", [D_LET] = "let", [D_METRIC] = "metric", [D_MEASURE] = "measure",
        [D_GROUP] = "group", [D_SCHEME] = "scheme", [D_TEST] = "test", [D_RECORD] = "record",
        [D_ACTION] = "action"};
    strbuf *b = &f->line;
    if (d->kind == D_GROUP) {
        group_lines(f, d);
        return;
    }
    strbuf_adds(b, keywords[d->kind]);
    strbuf_adds(b, " ");
    switch (d->kind) {
    case D_POLICY:
        put_quoted(b, d->name, strlen(d->name));
        if (d->version) {
            strbuf_adds(b, " version ");
            put_quoted(b, d->version, strlen(d->version));
        }
        break;
    case D_IMPORT:
    case D_TEST:
        put_quoted(b, d->name, strlen(d->name));
        break;
    case D_INPUT:
        put_typed_name(b, d);
        break;
    case D_ACTION:
        strbuf_adds(b, d->name);
        strbuf_adds(b, " when ");
        put_expr(f, b, d->value, P_IF);
        break;
    case D_PARAM:
    case D_LET:
    case D_METRIC:
    case D_MEASURE:
        strbuf_adds(b, d->name);
        strbuf_adds(b, " = ");
        put_expr(f, b, d->value, P_IF);
        if (d->kind == D_MEASURE && d->scheme) {
            strbuf_adds(b, " scheme ");
            strbuf_adds(b, d->scheme);
        }
        break;
    default:
        strbuf_adds(b, d->name);
        break;
    }
    end_line(f, d->loc.begin, 0, L_HEAD);
    if (d->kind == D_MEASURE || d->kind == D_SCHEME || d->kind == D_TEST)
        owned_lines(f, d);
    /* An action's priority and reason lines, in the order written (the
     * lines must take the file's tokens in order). */
    if (d->kind == D_ACTION) {
        unsigned reason_at = d->reason ? token_before(f, d->reason_loc.begin) : 0;
        bool reason_first = d->reason && d->priority && reason_at < d->priority_loc.begin;
        for (int k = 0; k < 2; k++) {
            bool want_reason = (k == 0) == reason_first;
            if (want_reason && d->reason) {
                strbuf_adds(b, "reason ");
                put_quoted(b, d->reason, strlen(d->reason));
                end_line(f, reason_at, OWNED_INDENT, L_OWNED);
            } else if (!want_reason && d->priority) {
                strbuf_adds(b, "priority ");
                put_source(f, b, d->priority->loc);
                end_line(f, d->priority_loc.begin, OWNED_INDENT, L_OWNED);
            }
        }
    }
    /* A record's fields, in the order declared: it is their index. */
    for (const decl *field = d->kind == D_RECORD ? d->fields : NULL; field; field = field->next) {
        put_typed_name(b, field);
        end_line(f, field->loc.begin, OWNED_INDENT, L_OWNED);
    }
}

/* ---- the three passes ---------------------------------------------------- */

char *fmt_layout(const source *src, const decl *decls, const comment *comments, size_t *len)
{
    fmt f;
    memset(&f, 0, sizeof f);
    f.src = src;
    f.text = src->text;
    f.ok = true;
    arena_init(&f.a);
    if (!fmt_lex(src, &f.a, false, &f.t)) {
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
    fmt_place_comments(&f);

    char *text = f.ok ? fmt_render(&f, len) : NULL;
    strbuf_free(&f.line);
    free(f.lines);
    free(f.cmts);
    free(f.t.v);
    arena_free(&f.a);
    return text;
}
