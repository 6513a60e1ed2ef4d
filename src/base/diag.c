/* diag.c - the one place rubric's messages are printed. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

#define SEV_ERROR DIAG_ERROR
#define SEV_WARNING DIAG_WARNING
#define SEV_NOTE DIAG_NOTE

void diag_collect(diag *d, diag_list *list)
{
    d->collect = list;
}

void diag_list_free(diag_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->v[i].path);
        free(list->v[i].code);
        free(list->v[i].message);
    }
    free(list->v);
    list->v = NULL;
    list->n = list->cap = 0;
}

static void add_item(diag_list *list, enum diag_severity sev, rb_loc loc, const char *code, const char *fmt,
                     va_list ap)
{
    if (list->n == list->cap) {
        list->cap = list->cap ? 2 * list->cap : 16;
        list->v = xrealloc(list->v, list->cap * sizeof *list->v);
    }
    diag_item *it = &list->v[list->n++];
    memset(it, 0, sizeof *it);
    it->severity = sev;
    it->code = code ? xstrdup(code) : NULL;
    va_list copy;
    va_copy(copy, ap);
    int len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    it->message = xmalloc((size_t)(len > 0 ? len : 0) + 1);
    vsnprintf(it->message, (size_t)(len > 0 ? len : 0) + 1, fmt, ap);
    if (loc.src) {
        it->path = xstrdup(loc.src->path);
        source_line_col(loc.src, loc.begin, &it->line, &it->col);
        it->char_col = source_char_col(loc.src, loc.begin);
        if (loc.end > loc.begin) {
            source_line_col(loc.src, loc.end, &it->end_line, &it->end_col);
            it->end_char_col = source_char_col(loc.src, loc.end);
        } else {
            it->end_line = it->line;
            it->end_col = it->col + 1;
            it->end_char_col = it->char_col + 1;
        }
    }
}

static void collect_text(diag_list *list, enum diag_severity sev, const char *fmt, ...) RB_PRINTF(3, 4);

static void collect_text(diag_list *list, enum diag_severity sev, const char *fmt, ...)
{
    rb_loc none = {0};
    va_list ap;
    va_start(ap, fmt);
    add_item(list, sev, none, NULL, fmt, ap);
    va_end(ap);
}

bool diag_want_color(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return false;
    return isatty(fileno(f));
}

void diag_init(diag *d, FILE *out)
{
    d->out = out;
    d->color = out && diag_want_color(out);
    d->errors = d->warnings = 0;
    d->max_errors = 50;
    d->warnings_are_errors = false;
    d->last_plain[0] = '\0';
    d->records = 0;
    d->kept[0] = '\0';
    d->collect = NULL;
}

/* One "rubric: " line, or kept when the diag has no FILE. */
static void vsay(diag *d, const char *fmt, va_list ap)
{
    if (!d->out) {
        vsnprintf(d->kept, sizeof d->kept, fmt, ap);
        return;
    }
    fputs("rubric: ", d->out);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
}

void diag_fail(diag *d, const char *fmt, ...)
{
    d->errors++;
    va_list ap;
    va_start(ap, fmt);
    if (d->collect) {
        rb_loc none = {0};
        add_item(d->collect, DIAG_ERROR, none, NULL, fmt, ap);
    } else
        vsay(d, fmt, ap);
    va_end(ap);
}

void diag_say(diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(d, fmt, ap);
    va_end(ap);
}

static void say(diag *d, const char *fmt, ...) RB_PRINTF(2, 3);

static void say(diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(d, fmt, ap);
    va_end(ap);
}

void diag_record(diag *d, const char *path, long record, long line, const char *fmt, ...)
{
    d->records++;
    if (d->records > DIAG_MAX_RECORDS) {
        if (d->records == DIAG_MAX_RECORDS + 1)
            say(d, "%s: more bad records; only the count is reported from here", path);
        return;
    }
    char msg[sizeof d->kept];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    say(d, "%s: record %ld (line %ld): %s", path, record, line, msg);
}

void diag_progress(diag *d, const char *fmt, ...)
{
    if (!d->out)
        return;
    fputs("\r\033[K", d->out);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(d->out, fmt, ap);
        va_end(ap);
    }
    fflush(d->out);
}

static void emit(diag *d, enum diag_severity sev, rb_loc loc, const char *code, const char *fmt, va_list ap)
{
    static const char *const names[] = {"error", "warning", "note"};
    static const char *const colors[] = {"\033[1;31m", "\033[1;35m", "\033[1;36m"};
    const char *bold = d->color ? "\033[1m" : "", *reset = d->color ? "\033[0m" : "";
    const char *sevcolor = d->color ? colors[sev] : "";

    if (sev == SEV_ERROR && ++d->errors > d->max_errors) {
        if (d->errors == d->max_errors + 1) {
            if (d->collect)
                collect_text(d->collect, DIAG_ERROR, "too many errors; stopping the list here");
            else if (d->out)
                fprintf(d->out, "rubric: too many errors; stopping the list here\n");
        }
        return;
    }
    if (sev == SEV_WARNING)
        d->warnings++;
    if (d->errors > d->max_errors)
        return;

    if (d->collect) {
        add_item(d->collect, sev, loc, code, fmt, ap);
        return;
    }
    if (!d->out) {
        vsnprintf(d->kept, sizeof d->kept, fmt, ap);
        return;
    }
    unsigned line = 0, col = 0;
    if (!loc.src)
        fprintf(d->out, "rubric: ");
    if (loc.src) {
        source_line_col(loc.src, loc.begin, &line, &col);
        fprintf(d->out, "%s%s:%u:%u: %s", bold, loc.src->path, line, col, reset);
    }
    fprintf(d->out, "%s%s:%s ", sevcolor, names[sev], reset);
    vfprintf(d->out, fmt, ap);
    if (code)
        fprintf(d->out, " [%s]", code);
    fputc('\n', d->out);
    if (!loc.src)
        return;

    size_t len;
    const char *text = source_line(loc.src, line, &len);
    /* A very long line (generated, or a whole file on one line) is shown
     * as a window around the caret, not echoed whole with every error. */
    enum { WINDOW = 160, BEFORE = 60 };
    const char *lead = "", *tail = "";
    if (len > WINDOW) {
        size_t start = col > BEFORE ? col - BEFORE : 0;
        if (start > len - WINDOW)
            start = len - WINDOW;
        if (start > 0)
            lead = "...";
        if (start + WINDOW < len)
            tail = "...";
        text += start;
        col -= (unsigned)start;
        len = WINDOW;
    }
    fprintf(d->out, "%5u | %s%.*s%s\n      | %s", line, lead, (int)len, text, tail, lead[0] ? "   " : "");
    /* Tabs in the source are kept so the caret lines up in any tab width. */
    for (unsigned i = 1; i < col && i <= len; i++)
        fputc(text[i - 1] == '\t' ? '\t' : ' ', d->out);
    unsigned width = loc.end > loc.begin ? loc.end - loc.begin : 1;
    if (col - 1 + width > len)
        width = len >= col ? (unsigned)len - col + 1 : 1;
    fprintf(d->out, "%s^", sevcolor);
    for (unsigned i = 1; i < width; i++)
        fputc('~', d->out);
    fprintf(d->out, "%s\n", reset);
}

#define DEFINE_DIAG(fn, sev)                                    \
    void fn(diag *d, rb_loc loc, const char *fmt, ...)          \
    {                                                           \
        va_list ap;                                             \
        va_start(ap, fmt);                                      \
        emit(d, sev, loc, NULL, fmt, ap);                       \
        va_end(ap);                                             \
    }

DEFINE_DIAG(diag_error, SEV_ERROR)
DEFINE_DIAG(diag_warning, SEV_WARNING)
DEFINE_DIAG(diag_note, SEV_NOTE)

void diag_lint(diag *d, rb_loc loc, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(d, SEV_WARNING, loc, code, fmt, ap);
    va_end(ap);
}

static void emit_text(diag *d, enum diag_severity sev, rb_loc loc, const char *fmt, ...) RB_PRINTF(4, 5);

static void emit_text(diag *d, enum diag_severity sev, rb_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(d, sev, loc, NULL, fmt, ap);
    va_end(ap);
}

void diag_plain_error(diag *d, const char *fmt, ...)
{
    char text[sizeof d->last_plain];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (strcmp(text, d->last_plain) == 0) {
        d->errors++; /* the same error again: counted, said once */
        return;
    }
    memcpy(d->last_plain, text, sizeof text);
    rb_loc none = {0};
    emit_text(d, SEV_ERROR, none, "%s", text);
}
