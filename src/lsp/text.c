/* text.c - LSP positions (UTF-16 columns) and file: URIs. */
#include "text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "xalloc.h"

/* Bytes of the character that starts with byte c, as far as counting
 * columns needs: a stray continuation or invalid byte counts as one. */
static unsigned char_bytes(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 1;
}

/* The end of line i's text, without its line end ("\n" or "\r\n"). */
static size_t line_end(const source *s, size_t i)
{
    size_t end = i + 1 < s->nlines ? s->line_starts[i + 1] : s->len;
    if (end > s->line_starts[i] && s->text[end - 1] == '\n')
        end--;
    if (end > s->line_starts[i] && s->text[end - 1] == '\r')
        end--;
    return end;
}

/* The 0-based line an offset is on, by the source's own line map. */
static size_t line_of(const source *s, size_t offset)
{
    unsigned line, col;
    source_line_col(s, (unsigned)offset, &line, &col);
    return line - 1;
}

lsp_pos lsp_pos_of(const source *s, unsigned offset)
{
    lsp_pos p = {0, 0};
    if (s->nlines == 0)
        return p;
    size_t off = offset > s->len ? s->len : offset;
    size_t line = line_of(s, off);
    p.line = (unsigned)line;
    const unsigned char *t = (const unsigned char *)s->text;
    for (size_t i = s->line_starts[line]; i < off;) {
        unsigned n = char_bytes(t[i]);
        if (i + n > off)
            break;
        p.character += n == 4 ? 2 : 1; /* past U+FFFF: a surrogate pair */
        i += n;
    }
    return p;
}

unsigned lsp_offset_of(const source *s, lsp_pos p)
{
    if (s->nlines == 0 || p.line >= s->nlines)
        return (unsigned)s->len;
    size_t i = s->line_starts[p.line], end = line_end(s, p.line);
    const unsigned char *t = (const unsigned char *)s->text;
    for (unsigned units = 0; i < end;) {
        unsigned n = char_bytes(t[i]), w = n == 4 ? 2 : 1;
        if (units + w > p.character || i + n > end)
            break;
        units += w;
        i += n;
    }
    return (unsigned)i;
}

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *lsp_uri_to_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    /* file://host/path: only the local host is ours. */
    if (*p != '/') {
        if (strncmp(p, "localhost/", 10) != 0)
            return NULL;
        p += 9;
    }
    strbuf b = {0};
    for (; *p; p++) {
        if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            char c = (char)(hex(p[1]) * 16 + hex(p[2]));
            if (c == '\0')
                break; /* a NUL cannot be in a path */
            strbuf_add(&b, &c, 1);
            p += 2;
        } else
            strbuf_add(&b, p, 1);
    }
    return strbuf_take(&b, NULL);
}

char *lsp_path_to_uri(const char *path)
{
    strbuf b = {0};
    strbuf_adds(&b, "file://");
    strbuf_add_uri_path(&b, path);
    return strbuf_take(&b, NULL);
}

char *lsp_path_key(const char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real))
        return xstrdup(real);
    strbuf whole = {0};
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd))
            strbuf_addf(&whole, "%s/", cwd);
    }
    strbuf_adds(&whole, path);
    /* The segments, with "." dropped and ".." taking the one before. */
    char *text = strbuf_take(&whole, NULL);
    strbuf out = {0};
    char *save = NULL;
    for (char *seg = strtok_r(text, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            const char *s = strbuf_str(&out);
            const char *slash = strrchr(s, '/');
            strbuf_setlen(&out, slash ? (size_t)(slash - s) : 0);
            continue;
        }
        strbuf_addf(&out, "/%s", seg);
    }
    free(text);
    if (out.len == 0)
        strbuf_adds(&out, "/");
    return strbuf_take(&out, NULL);
}
