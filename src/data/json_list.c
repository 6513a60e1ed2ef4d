/* json_list.c - a list input's elements from a JSON array, as the
 * reader's strict check found them (see json_list.h).
 *
 * The check (json_check.c) has already noted where each element lies and
 * where each element object's members lie, so this reads no byte of the
 * text but the keys it matches and the values it keeps: a string without
 * an escape, a number and a word are cells pointing into the text itself;
 * only a string with an escape is written out, unescaped, into the
 * buffer. */
#include "json_list.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "xalloc.h"

/* The state of a cell no key has set yet in the element being read: told
 * apart from CELL_MISSING, which a null sets, to find a key given twice. */
enum { UNSET = 0xff };

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

/* Where an element of the list is being read, for its messages. */
typedef struct elem_at {
    long at;             /* 1-based */
    char *err;
    size_t errlen;
} elem_at;

/* A field's value, the member m, into c. */
static bool field_value(const struct json_list *l, const json_member *m, cell *c, const char *field, json_list_buf *b,
                        const elem_at *e)
{
    const char *start = l->text + m->val;
    switch (*start) {
    case '"': {
        size_t n = m->val_len - 2;
        c->state = CELL_TEXT;
        if (!m->val_esc) {
            c->s = start + 1;
            c->len = (uint32_t)n;
            return true;
        }
        /* No cell points into the buffer before its first escaped string:
         * it may move then, and is made big enough for all of them. */
        if (b->text_cap < l->len) {
            free(b->text);
            b->text = xmalloc(l->len);
            b->text_cap = l->len;
        }
        bool nul;
        long k = json_unescape(start + 1, n, b->text + b->text_len, &nul);
        if (nul) {
            snprintf(e->err, e->errlen, "[%ld]: key '%.100s': a text value holds a NUL character (\\u0000)", e->at,
                     field);
            return false;
        }
        if (k < 0)
            k = 0; /* the check took every escape: cannot happen */
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
        return true;
    case 'n':
        c->state = CELL_MISSING;
        return true;
    case 't':
    case 'f':
        c->state = CELL_TEXT;
        c->s = *start == 't' ? "true" : "false";
        c->len = (uint32_t)strlen(c->s);
        return true;
    default:
        /* A number, as written: a double would change 0.10000000000000001. */
        c->state = CELL_TEXT;
        c->s = start;
        c->len = m->val_len;
        return true;
    }
}

/* The element object el: its fields into row[0..nfields). */
static bool element(const struct json_list *l, const json_elem *el, cell *row, const char *const *fields, int nfields,
                    json_list_buf *b, const elem_at *e)
{
    for (int f = 0; f < nfields; f++)
        row[f].state = UNSET;
    int guess = 0;
    for (uint32_t i = 0; i < el->nmembers; i++) {
        const json_member *m = &l->members[el->member + i];
        int f = m->key_nul ? -1
                           : field_of(l->text + m->key + 1, m->key_len - 2, m->key_esc, fields, nfields, &guess);
        if (f < 0)
            continue;
        if (row[f].state != UNSET) {
            /* One of the two values would win silently. */
            snprintf(e->err, e->errlen, "[%ld]: key '%.100s' appears twice", e->at, fields[f]);
            return false;
        }
        if (!field_value(l, m, &row[f], fields[f], b, e))
            return false;
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

long json_list_cells(const struct json_list *l, const char *const *fields, int nfields, json_list_buf *buf, char *err,
                     size_t errlen)
{
    buf->text_len = 0;
    size_t need = (size_t)l->nelems * (size_t)nfields;
    if (need > buf->cap) {
        size_t cap = buf->cap ? buf->cap * 2 : 64;
        buf->cap = cap > need ? cap : need;
        free(buf->cells);
        buf->cells = xmalloc(buf->cap * sizeof *buf->cells);
    }
    for (uint32_t i = 0; i < l->nelems; i++) {
        const json_elem *el = &l->elems[i];
        elem_at e = {(long)i + 1, err, errlen};
        if (el->open != '{') {
            snprintf(err, errlen, "[%ld]: expected a record (an object), found %s", e.at, what_is(el->open));
            return -1;
        }
        cell *row = nfields ? buf->cells + (size_t)i * (size_t)nfields : NULL;
        if (!element(l, el, row, fields, nfields, buf, &e))
            return -1;
    }
    return (long)l->nelems;
}

void json_list_buf_free(json_list_buf *buf)
{
    free(buf->cells);
    free(buf->text);
    memset(buf, 0, sizeof *buf);
}
