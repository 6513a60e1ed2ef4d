/* queue.c - the warnings of a lint run, collected before any is shown.
 *
 * Warnings are collected, sorted into source order and only then printed,
 * each with its lint's name in brackets: that name is what a
 * `# rubric: allow NAME` comment silences, on the warning's line or alone
 * on the line above it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"
#include "strbuf.h"
#include "xalloc.h"

static const char *const lint_names[] = {
    L_GAP, L_OVERLAP, L_UNREACHABLE, L_ORDER, L_WEIGHTS, L_UNUSED, L_FEW, L_NEVER,
};

enum { MAX_NOTES = 3 };

typedef struct lnote {
    rb_loc loc;
    char *msg;
} lnote;

struct lwarn {
    rb_loc loc;
    const char *tag;
    char *msg;
    lnote notes[MAX_NOTES];
    int nnotes;
    int file;      /* position of loc.src among the policy's files */
    int seq;       /* order of reporting, to keep the sort stable */
};

static bool wanted(const linter *L, const char *tag)
{
    for (int i = 0; i < L->nonly; i++)
        if (strcmp(L->only[i], tag) == 0)
            return true;
    return L->only == NULL;
}

/* A message of its own, for the queue to keep. */
static char *vformat(const char *fmt, va_list ap) RB_PRINTF(1, 0);
static char *vformat(const char *fmt, va_list ap)
{
    strbuf b = {0};
    strbuf_vaddf(&b, fmt, ap);
    return strbuf_take(&b, NULL);
}

static int file_index(const policy *p, const source *src)
{
    int i = 0;
    for (const source *s = p->sources; s; s = s->next, i++)
        if (s == src)
            return i;
    return i;
}

int lint_warn(linter *L, rb_loc loc, const char *tag, const char *fmt, ...)
{
    if (L->n == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 16;
        L->w = xrealloc(L->w, (size_t)L->cap * sizeof *L->w);
    }
    lwarn *w = &L->w[L->n];
    memset(w, 0, sizeof *w);
    w->loc = loc;
    w->tag = tag;
    w->file = file_index(L->p, loc.src);
    w->seq = L->n;
    va_list ap;
    va_start(ap, fmt);
    w->msg = vformat(fmt, ap);
    va_end(ap);
    return L->n++;
}

void lint_note(linter *L, int which, rb_loc loc, const char *fmt, ...)
{
    lwarn *w = &L->w[which];
    if (w->nnotes == MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    w->notes[w->nnotes].loc = loc;
    w->notes[w->nnotes].msg = vformat(fmt, ap);
    w->nnotes++;
    va_end(ap);
}

static int by_place(const void *a, const void *b)
{
    const lwarn *x = a, *y = b;
    if (x->file != y->file)
        return x->file < y->file ? -1 : 1;
    if (x->loc.begin != y->loc.begin)
        return x->loc.begin < y->loc.begin ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

unsigned lint_line(rb_loc loc)
{
    unsigned line = 0, col = 0;
    if (loc.src)
        source_line_col(loc.src, loc.begin, &line, &col);
    return line;
}

static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether a comment's text reads `# rubric: allow NAME[, NAME...]` with tag
 * among the names.  Words after the last lint name are free text. */
static bool comment_allows(const char *s, size_t len, const char *tag)
{
    size_t i = 0;
    while (i < len && (s[i] == '#' || s[i] == ' ' || s[i] == '\t'))
        i++;
    static const char lead[] = "rubric:";
    if (len - i < sizeof lead - 1 || memcmp(s + i, lead, sizeof lead - 1) != 0)
        return false;
    i += sizeof lead - 1;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (len - i < 5 || memcmp(s + i, "allow", 5) != 0)
        return false;
    i += 5;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
            i++;
        size_t start = i;
        while (i < len && is_word_char(s[i]))
            i++;
        size_t n = i - start;
        if (n == 0)
            return false;
        bool known = false;
        for (size_t k = 0; k < sizeof lint_names / sizeof lint_names[0]; k++)
            if (strlen(lint_names[k]) == n && memcmp(lint_names[k], s + start, n) == 0)
                known = true;
        if (!known)
            return false;
        if (strlen(tag) == n && memcmp(tag, s + start, n) == 0)
            return true;
    }
}

/* A comment on the warning's line, or alone on the line above it. */
static bool allowed(const policy *p, rb_loc loc, const char *tag)
{
    if (!loc.src)
        return false;
    unsigned line = lint_line(loc);
    for (const comment *c = p->comments; c; c = c->next) {
        if (c->loc.src != loc.src || c->loc.end <= c->loc.begin)
            continue;
        unsigned cl = 0, col = 0;
        source_line_col(c->loc.src, c->loc.begin, &cl, &col);
        if (cl != line && cl + 1 != line)
            continue;
        if (cl + 1 == line) {
            size_t len;
            const char *text = source_line(c->loc.src, cl, &len);
            bool alone = true;
            for (unsigned k = 0; k + 1 < col && k < len; k++)
                if (text[k] != ' ' && text[k] != '\t')
                    alone = false;
            if (!alone)
                continue;
        }
        if (comment_allows(c->loc.src->text + c->loc.begin, c->loc.end - c->loc.begin, tag))
            return true;
    }
    return false;
}

int lint_flush(linter *L, diag *d)
{
    int shown = 0;
    if (L->n > 1)
        qsort(L->w, (size_t)L->n, sizeof *L->w, by_place);
    for (int i = 0; i < L->n; i++) {
        lwarn *w = &L->w[i];
        if (wanted(L, w->tag) && !allowed(L->p, w->loc, w->tag)) {
            diag_lint(d, w->loc, w->tag, "%s", w->msg);
            for (int k = 0; k < w->nnotes; k++)
                diag_note(d, w->notes[k].loc, "%s", w->notes[k].msg);
            shown++;
        }
        free(w->msg);
        for (int k = 0; k < w->nnotes; k++)
            free(w->notes[k].msg);
    }
    free(L->w);
    L->w = NULL;
    L->n = L->cap = 0;
    return shown;
}
