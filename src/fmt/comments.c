/* comments.c - the second and third passes of `rubric fmt`: each comment
 * placed by the tokens around it, then the lines rendered with blank
 * lines, indentation and end-of-line comments in their columns. */
#include "fmt_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ---- placing comments ---------------------------------------------------- */

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
    size_t i = fmt_tok_at(&f->t, offset);
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

void fmt_place_comments(fmt *f)
{
    /* Each line's range of tokens ends where the next line's begins. */
    for (size_t i = 0; i < f->nlines; i++) {
        size_t next = i + 1 < f->nlines ? fmt_tok_at(&f->t, f->lines[i + 1].first) : f->t.n;
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
        size_t next = fmt_tok_at(&f->t, c->loc.begin);
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

/* ---- rendering ----------------------------------------------------------- */

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
    strbuf out = {0};
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
            strbuf_adds(&out, r->v[k].text);
            if (r->v[k].eol) {
                strbuf_addchars(&out, ' ', col - r->v[k].width);
                strbuf_add(&out, f->text + r->v[k].eol->loc.begin, comment_len(f, r->v[k].eol));
            }
            strbuf_add(&out, "\n", 1);
        }
        i = j;
    }
    return strbuf_take(&out, len);
}

char *fmt_render(fmt *f, size_t *len)
{
    render r = {f, NULL, 0, 0};
    render_lines(&r);
    char *text = join(&r, len);
    free(r.v);
    return text;
}
