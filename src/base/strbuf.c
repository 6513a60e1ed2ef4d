/* strbuf.c - the growable string of strbuf.h. */
#include "strbuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

void strbuf_init(strbuf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

void strbuf_grow(strbuf *b, size_t n)
{
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return;
    if (need <= b->len) /* wrapped around: xrealloc reports it as out of memory */
        need = SIZE_MAX;
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need && cap <= SIZE_MAX / 2)
        cap *= 2;
    b->cap = cap < need ? need : cap;
    bool fresh = b->s == NULL;
    b->s = xrealloc(b->s, b->cap);
    if (fresh)
        b->s[0] = '\0';
}

void strbuf_add(strbuf *b, const void *s, size_t n)
{
    strbuf_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void strbuf_adds(strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_addchars(strbuf *b, char c, size_t n)
{
    strbuf_grow(b, n);
    memset(b->s + b->len, c, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void strbuf_vaddf(strbuf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n <= 0) /* nothing, or a conversion the C library refuses: add nothing */
        return;
    strbuf_grow(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void strbuf_addf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(b, fmt, ap);
    va_end(ap);
}

void strbuf_setlen(strbuf *b, size_t len)
{
    if (!b->s)
        return; /* only 0 fits a buffer that never allocated */
    b->len = len < b->cap ? len : b->cap - 1;
    b->s[b->len] = '\0';
}

const char *strbuf_str(const strbuf *b)
{
    return b->s ? b->s : "";
}

char *strbuf_take(strbuf *b, size_t *len)
{
    char *s = b->s ? b->s : xstrdup("");
    if (len)
        *len = b->len;
    strbuf_init(b);
    return s;
}

void strbuf_free(strbuf *b)
{
    free(b->s);
    strbuf_init(b);
}

void strbuf_add_uri_path(strbuf *b, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p))
            strbuf_add(b, p, 1);
        else
            strbuf_addf(b, "%%%02X", *p);
    }
}
