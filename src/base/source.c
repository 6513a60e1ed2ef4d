#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

static void build_line_map(source *s)
{
    size_t cap = 64;
    s->line_starts = xmalloc(cap * sizeof *s->line_starts);
    s->nlines = 0;
    s->line_starts[s->nlines++] = 0;
    for (size_t i = 0; i < s->len; i++) {
        if (s->text[i] == '\n') {
            if (s->nlines == cap)
                s->line_starts = xrealloc(s->line_starts, (cap *= 2) * sizeof *s->line_starts);
            s->line_starts[s->nlines++] = i + 1;
        }
    }
}

source *source_from_string(const char *path, const char *text, size_t len)
{
    source *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    s->text = xmalloc(len + 1);
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->len = len;
    build_line_map(s);
    return s;
}

source *source_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, len = 0;
    char *buf = xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved ? saved : EIO;
        return NULL;
    }
    source *s = source_from_string(path, buf, len);
    free(buf);
    return s;
}

void source_free(source *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->text);
    free(s->line_starts);
    free(s);
}


void source_line_col(const source *cs, unsigned offset, unsigned *line, unsigned *col)
{
    const source *s = cs;
    if (offset > s->len)
        offset = (unsigned)s->len;
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    *line = (unsigned)lo + 1;
    *col = offset - (unsigned)s->line_starts[lo] + 1;
}

unsigned source_char_col(const source *s, unsigned offset)
{
    unsigned line, col;
    source_line_col(s, offset, &line, &col);
    size_t start = s->line_starts[line - 1], end = start + col - 1;
    if (start == 0 && end >= 3 && memcmp(s->text, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    unsigned chars = 1;
    /* Each byte that is not a UTF-8 continuation byte starts a character. */
    for (size_t i = start; i < end; i++)
        if (((unsigned char)s->text[i] & 0xC0) != 0x80)
            chars++;
    return chars;
}

const char *source_line(const source *cs, unsigned line, size_t *len)
{
    const source *s = cs;
    if (line == 0 || line > s->nlines) {
        *len = 0;
        return "";
    }
    size_t start = s->line_starts[line - 1];
    size_t end = start;
    while (end < s->len && s->text[end] != '\n' && s->text[end] != '\r')
        end++;
    *len = end - start;
    return s->text + start;
}
