/* json_list.c - a list input's elements from the raw text of a JSON array
 * (see json_list.h).
 *
 * The reader has already checked the text strictly (json_check.c), so this
 * is one walk over its bytes, with no tree: a string without an escape, a
 * number and a word are cells pointing into the text itself; only a string
 * with an escape is written out, unescaped, into the buffer.  The bounds
 * are still checked at every step, so that text that was not checked gives
 * an error, not a read past its end. */
#include "json_list.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

/* The state of a cell no key has set yet in the element being read: told
 * apart from CELL_MISSING, which a null sets, to find a key given twice. */
enum { UNSET = 0xff };

typedef struct walk {
    const char *p, *end;
    json_list_buf *buf;
    size_t len;          /* the whole text's: no unescaped text is longer */
    long at;             /* the element being read, 1-based */
    char *err;
    size_t errlen;
} walk;

static void space(walk *w)
{
    while (w->p < w->end && (*w->p == ' ' || *w->p == '\n' || *w->p == '\t' || *w->p == '\r'))
        w->p++;
}

static bool broken(walk *w)
{
    snprintf(w->err, w->errlen, "[%ld]: not valid JSON", w->at);
    return false;
}

/* Past the string at p (its opening quote); *escaped: whether it holds a
 * backslash. */
static bool skip_string(walk *w, bool *escaped)
{
    const char *p = w->p + 1, *end = w->end;
    bool esc = false;
    while (p < end && *p != '"') {
        if (*p == '\\') {
            esc = true;
            p++;
        }
        p++;
    }
    if (p >= end)
        return false;
    w->p = p + 1;
    *escaped = esc;
    return true;
}

/* Past a number, true, false or null. */
static bool skip_scalar(walk *w)
{
    const char *start = w->p;
    while (w->p < w->end && (((unsigned)(*w->p - '0') < 10u) || strchr("+-.eEtrufalsn", *w->p)))
        w->p++;
    return w->p > start;
}

/* Past any value. */
static bool skip_value(walk *w)
{
    bool esc;
    if (w->p >= w->end)
        return false;
    if (*w->p == '"')
        return skip_string(w, &esc);
    if (*w->p != '{' && *w->p != '[')
        return skip_scalar(w);
    int depth = 0;
    do {
        if (w->p >= w->end)
            return false;
        char c = *w->p;
        if (c == '"') {
            if (!skip_string(w, &esc))
                return false;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            depth--;
        w->p++;
    } while (depth > 0);
    return true;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t put_utf8(char *dst, uint32_t u)
{
    if (u < 0x80) {
        dst[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        dst[0] = (char)(0xC0 | u >> 6);
        dst[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        dst[0] = (char)(0xE0 | u >> 12);
        dst[1] = (char)(0x80 | (u >> 6 & 0x3F));
        dst[2] = (char)(0x80 | (u & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | u >> 18);
    dst[1] = (char)(0x80 | (u >> 12 & 0x3F));
    dst[2] = (char)(0x80 | (u >> 6 & 0x3F));
    dst[3] = (char)(0x80 | (u & 0x3F));
    return 4;
}

long json_unescape(const char *s, size_t n, char *dst, bool *nul)
{
    size_t j = 0;
    *nul = false;
    for (size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            dst[j++] = s[i++];
            continue;
        }
        if (i + 1 >= n)
            return -1;
        char e = s[i + 1];
        i += 2;
        const char *plain = strchr("\"\\/bfnrt", e);
        if (e != 'u') {
            if (!plain || !e)
                return -1;
            dst[j++] = "\"\\/\b\f\n\r\t"[plain - "\"\\/bfnrt"];
            continue;
        }
        int u = i + 4 <= n ? hex4(s + i) : -1;
        if (u < 0)
            return -1;
        i += 4;
        uint32_t code = (uint32_t)u;
        if (u >= 0xD800 && u <= 0xDBFF) {
            int lo = i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u' ? hex4(s + i + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return -1;
            i += 6;
            code = 0x10000 + ((uint32_t)(u - 0xD800) << 10) + (uint32_t)(lo - 0xDC00);
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return -1;
        }
        if (code == 0)
            *nul = true;
        j += put_utf8(dst + j, code);
    }
    return (long)j;
}

/* The field a key (between its quotes, s[0..n)) names, or -1.  Elements
 * mostly list their keys in the record's order: the field after the last
 * one matched is tried first. */
static int field_of(const char *s, size_t n, bool escaped, const char *const *fields, int nfields, int *guess)
{
    char key[256];
    if (escaped) {
        bool nul;
        long k = n <= sizeof key ? json_unescape(s, n, key, &nul) : -1;
        if (k < 0 || nul)
            return -1; /* no field's name is that long, or holds a NUL */
        s = key;
        n = (size_t)k;
    }
    for (int t = 0; t < nfields; t++) {
        int f = *guess + t < nfields ? *guess + t : *guess + t - nfields;
        if (strncmp(fields[f], s, n) == 0 && fields[f][n] == '\0') {
            *guess = f + 1 < nfields ? f + 1 : 0;
            return f;
        }
    }
    return -1;
}

/* A field's value at p into c. */
static bool field_value(walk *w, cell *c, const char *field)
{
    const char *start = w->p;
    switch (*start) {
    case '"': {
        bool esc;
        if (!skip_string(w, &esc))
            return broken(w);
        size_t n = (size_t)(w->p - 1 - (start + 1));
        c->state = CELL_TEXT;
        if (!esc) {
            c->s = start + 1;
            c->len = (uint32_t)n;
            return true;
        }
        json_list_buf *b = w->buf;
        /* No cell points into the buffer before its first escaped string:
         * it may move then, and is made big enough for all of them. */
        if (b->text_cap < w->len) {
            free(b->text);
            b->text = xmalloc(w->len);
            b->text_cap = w->len;
        }
        bool nul;
        long k = json_unescape(start + 1, n, b->text + b->text_len, &nul);
        if (k < 0)
            return broken(w);
        if (nul) {
            snprintf(w->err, w->errlen, "[%ld]: key '%.100s': a text value holds a NUL character (\\u0000)", w->at,
                     field);
            return false;
        }
        c->s = b->text + b->text_len;
        c->len = (uint32_t)k;
        b->text_len += (size_t)k;
        return true;
    }
    case '{':
    case '[':
        c->state = CELL_NESTED;
        c->s = *start == '[' ? "a list" : "an object";
        c->len = (uint32_t)strlen(c->s);
        return skip_value(w) || broken(w);
    case 'n':
        c->state = CELL_MISSING;
        return skip_scalar(w) || broken(w);
    case 't':
    case 'f':
        c->state = CELL_TEXT;
        c->s = *start == 't' ? "true" : "false";
        c->len = (uint32_t)strlen(c->s);
        return skip_scalar(w) || broken(w);
    default:
        /* A number, as written: a double would change 0.10000000000000001. */
        if (!skip_scalar(w))
            return broken(w);
        c->state = CELL_TEXT;
        c->s = start;
        c->len = (uint32_t)(w->p - start);
        return true;
    }
}

/* The object at p: its fields into row[0..nfields). */
static bool element(walk *w, cell *row, const char *const *fields, int nfields)
{
    for (int f = 0; f < nfields; f++)
        row[f].state = UNSET;
    w->p++; /* '{' */
    space(w);
    int guess = 0;
    if (w->p < w->end && *w->p == '}')
        w->p++;
    else
        for (;;) {
            if (w->p >= w->end || *w->p != '"')
                return broken(w);
            const char *key = w->p + 1;
            bool esc;
            if (!skip_string(w, &esc))
                return broken(w);
            int f = field_of(key, (size_t)(w->p - 1 - key), esc, fields, nfields, &guess);
            space(w);
            if (w->p >= w->end || *w->p != ':')
                return broken(w);
            w->p++;
            space(w);
            if (w->p >= w->end)
                return broken(w);
            if (f < 0) {
                if (!skip_value(w))
                    return broken(w);
            } else if (row[f].state != UNSET) {
                /* One of the two values would win silently. */
                snprintf(w->err, w->errlen, "[%ld]: key '%.100s' appears twice", w->at, fields[f]);
                return false;
            } else if (!field_value(w, &row[f], fields[f])) {
                return false;
            }
            space(w);
            if (w->p < w->end && *w->p == ',') {
                w->p++;
                space(w);
                continue;
            }
            if (w->p < w->end && *w->p == '}') {
                w->p++;
                break;
            }
            return broken(w);
        }
    for (int f = 0; f < nfields; f++)
        if (row[f].state == UNSET)
            row[f].state = CELL_MISSING;
    return true;
}

static const char *what_is(char c)
{
    switch (c) {
    case '[': return "a list";
    case '"': return "text";
    case 't': return "true";
    case 'f': return "false";
    case 'n': return "null";
    default: return "a number";
    }
}

long json_list_cells(const char *text, size_t len, const char *const *fields, int nfields, json_list_buf *buf,
                     char *err, size_t errlen)
{
    walk w = {.p = text, .end = text + len, .buf = buf, .len = len, .at = 0, .err = err, .errlen = errlen};
    buf->text_len = 0;
    space(&w);
    if (w.p >= w.end || *w.p != '[') {
        snprintf(err, errlen, "expected a list (a JSON array)");
        return -1;
    }
    w.p++;
    space(&w);
    if (w.p < w.end && *w.p == ']')
        return 0;
    for (;;) {
        w.at++;
        size_t need = (size_t)w.at * (size_t)nfields;
        if (need > buf->cap) {
            size_t cap = buf->cap ? buf->cap * 2 : 64;
            buf->cap = cap > need ? cap : need;
            buf->cells = xrealloc(buf->cells, buf->cap * sizeof *buf->cells);
        }
        if (w.p >= w.end)
            return broken(&w), -1;
        if (*w.p != '{') {
            snprintf(err, errlen, "[%ld]: expected a record (an object), found %s", w.at, what_is(*w.p));
            return -1;
        }
        cell *row = nfields ? buf->cells + (size_t)(w.at - 1) * (size_t)nfields : NULL;
        if (!element(&w, row, fields, nfields))
            return -1;
        space(&w);
        if (w.p < w.end && *w.p == ',') {
            w.p++;
            space(&w);
            continue;
        }
        if (w.p < w.end && *w.p == ']')
            return w.at;
        return broken(&w), -1;
    }
}

void json_list_buf_free(json_list_buf *buf)
{
    free(buf->cells);
    free(buf->text);
    memset(buf, 0, sizeof *buf);
}
