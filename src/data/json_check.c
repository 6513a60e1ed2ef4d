/* json_check.c - the strict RFC 8259 check every JSON value of a data file
 * passes as the reader reads it (json_reader.c): each record, and each
 * value of the document around the records. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytes16.h"
#include "reader_internal.h"
#include "utf8.h"
#include "xalloc.h"

/* The strict check every record (and every other value of the file)
 * passes: RFC 8259 refuses 01, 1., "\x", control characters, form feeds as
 * spaces, which lenient parsers take and read silently wrong.  One pass
 * over the bytes, by recursive descent, with the place and the reason of
 * the first fault.  While at it, it notes where each member of the record's
 * own object lies, whether its key and its value hold escapes or a NUL, so
 * that the reader takes the record's values from there without another
 * pass (json_reader.c); and, for an array that is a wanted key's value
 * in the record, where each of its elements lies and each element
 * object's members, so that a list input's elements are read without
 * another pass either (json_list.c). */
enum { JSON_MAX_DEPTH = 512 }; /* the recursion's bound: the stack stays small */

typedef struct json_check {
    const char *s, *p, *end;
    const char *why;    /* the first fault, at p */
    bool nul;           /* the last string held a \u0000 escape */
    bool esc;           /* the last string held an escape */
    bool exp;           /* the last number had an exponent */
    reader *r;          /* members of the top-level object go to r->members */
    bool elem;          /* the object about to be read is an element noted in r->elems */
    bool line;          /* a '\n' is no space: it ends the value (json_check_line) */
} json_check;

static bool jc_fail(json_check *c, const char *why)
{
    if (!c->why)
        c->why = why;
    return false;
}

/* Spaces from p on.  Records are mostly written without any: one test
 * decides that a byte above ' ' is no space. */
static void jc_space_run(json_check *c)
{
    while (c->p < c->end && (*c->p == ' ' || (*c->p == '\n' && !c->line) || *c->p == '\t' || *c->p == '\r'))
        c->p++;
}

static inline void jc_space(json_check *c)
{
    if (c->p < c->end && (unsigned char)*c->p > ' ')
        return;
    jc_space_run(c);
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* The code unit of the \uXXXX at p, or -1 (p stays at the fault). */
static long jc_hex4(json_check *c)
{
    long v = 0;
    for (int i = 0; i < 4; i++, c->p++) {
        int h = c->p < c->end ? hex_value(*c->p) : -1;
        if (h < 0)
            return jc_fail(c, "expected 4 hex digits after \\u"), -1;
        v = v * 16 + h;
    }
    return v;
}

/* A bit for each of the 16 bytes at p that a string's scan stops at: a
 * quote, a backslash, a control character, a byte of 0x80 or more (which
 * starts a UTF-8 sequence to check). */
static inline uint32_t string_stops16(const char *p)
{
    bytes16 v = bytes16_load(p);
    return bytes16_mask(bytes16_or(bytes16_or(bytes16_eq(v, '"'), bytes16_eq(v, '\\')), bytes16_ctl_or_high(v)));
}

/* Whether the string's scan stops at ch, as string_stops16 says. */
static inline bool string_stop(char ch)
{
    return ch == '"' || ch == '\\' || (unsigned char)ch < 0x20 || (unsigned char)ch >= 0x80;
}

static bool jc_string_general(json_check *c)
{
    c->p++; /* '"' */
    c->nul = false;
    c->esc = false;
    for (;;) {
        /* Plain ASCII is most of every string: 16 bytes a step while 16
         * are left, then one at a time. */
        const char *p = c->p, *end = c->end;
        uint32_t stops = 0;
        while (end - p >= 16 && !(stops = string_stops16(p)))
            p += 16;
        if (stops)
            p += __builtin_ctz(stops);
        else
            while (p < end && !string_stop(*p))
                p++;
        c->p = p;
        if (p >= end)
            return jc_fail(c, "a string is not closed");
        unsigned char ch = (unsigned char)*p;
        if (ch == '"') {
            c->p++;
            return true;
        }
        if (ch < 0x20)
            return jc_fail(c, "a control character inside a string (write it as an escape such as \\n or \\u001f)");
        if (ch >= 0x80) {
            int n = utf8_length((const unsigned char *)p, (const unsigned char *)end);
            if (n == 0)
                return jc_fail(c, "a string that is not valid UTF-8");
            c->p += n;
            continue;
        }
        c->p++; /* '\\' */
        c->esc = true;
        if (c->p >= c->end)
            return jc_fail(c, "a string is not closed");
        char e = *c->p;
        if (e != 'u') {
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return jc_fail(c, "an unknown escape (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            c->p++;
            continue;
        }
        c->p++;
        long u = jc_hex4(c);
        if (u < 0)
            return false;
        if (u == 0)
            c->nul = true;
        if (u >= 0xDC00 && u <= 0xDFFF) {
            c->p -= 6;
            return jc_fail(c, "a \\u escape is the second half of a surrogate pair without the first");
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
                return jc_fail(c, "a \\u escape is the first half of a surrogate pair without the second");
            c->p += 2;
            long lo = jc_hex4(c);
            if (lo < 0)
                return false;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                c->p -= 6;
                return jc_fail(c, "a \\u escape is the first half of a surrogate pair without the second");
            }
        }
    }
}

/* A string at p: most are plain ASCII that closes within 32 bytes, taken
 * here in one or two steps without a call; any other is read by
 * jc_string_general from its start. */
static inline bool jc_string(json_check *c)
{
    const char *p = c->p + 1;
    if (c->end - p >= 32) {
        uint32_t stops = string_stops16(p);
        if (!stops) {
            p += 16;
            stops = string_stops16(p);
        }
        if (stops) {
            p += __builtin_ctz(stops);
            if (*p == '"') {
                c->p = p + 1;
                c->nul = false;
                c->esc = false;
                return true;
            }
        }
    }
    return jc_string_general(c);
}

/* 1*DIGIT from *p on; false, *p at the fault, when there is none. */
static inline bool jc_digits(const char **p, const char *end)
{
    const char *q = *p;
    while (q < end && (unsigned)(unsigned char)*q - '0' < 10)
        q++;
    bool any = q != *p;
    *p = q;
    return any;
}

/* number = [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
 * c->exp: whether it has an exponent (only such a number can be beyond a
 * double, which the reader then finds out).  Inline: a call and c->p kept
 * in memory across it cost a quarter of a short number's check. */
static inline __attribute__((always_inline)) bool jc_number(json_check *c)
{
    const char *p = c->p, *end = c->end;
    const char *why = NULL;
    c->exp = false;
    if (*p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
        if (p < end && (unsigned)(unsigned char)*p - '0' < 10)
            why = "a number with a leading zero";
    } else if (!jc_digits(&p, end))
        why = "expected a digit after '-'";
    if (!why && p < end && *p == '.') {
        p++;
        if (!jc_digits(&p, end))
            why = "expected a digit after the decimal point";
    }
    if (!why && p < end && (*p == 'e' || *p == 'E')) {
        c->exp = true;
        p++;
        if (p < end && (*p == '-' || *p == '+'))
            p++;
        if (!jc_digits(&p, end))
            why = "expected a digit in the exponent";
    }
    c->p = p;
    return why ? jc_fail(c, why) : true;
}

static bool jc_value(json_check *c, int depth, const json_member *member);

/* Room for the n-th of the members in *at (of *cap, grown as needed). */
static inline json_member *member_slot(json_member **at, uint32_t *cap, uint32_t n)
{
    if (n >= *cap) {
        *cap = n * 2 + 16;
        *at = xrealloc(*at, (size_t)*cap * sizeof **at);
    }
    return &(*at)[n];
}

/* Where the value just read, from val, lies, into m, with what the check
 * found in it: the flags were cleared before it, so a string's are its
 * own, a number's too; those of an object or an array (what its strings
 * and numbers left) are read by no one. */
static inline void note_value(const json_check *c, json_member *m, const char *val)
{
    m->val = (uint32_t)(val - c->s);
    m->val_len = (uint32_t)(c->p - val);
    m->val_nul = c->nul;
    m->val_esc = c->esc;
    m->val_exp = c->exp;
}

static bool jc_object(json_check *c, int depth)
{
    reader *r = c->r;
    bool record = depth == 1 && r; /* the record's own members */
    bool elem = c->elem;           /* an element of one of the record's arrays */
    c->elem = false;               /* not the objects inside it */
    c->p++; /* '{' */
    jc_space(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        return true;
    }
    for (uint32_t n = 0;; n++) {
        if (c->p >= c->end || *c->p != '"') {
            jc_space(c); /* after a ',', where a key mostly follows at once */
            if (c->p >= c->end || *c->p != '"')
                return jc_fail(c, "expected a key in double quotes");
        }
        const char *key = c->p;
        if (!jc_string(c))
            return false;
        /* A noted member goes straight to its place: nothing the value
         * holds is noted in the same list, which stays where it is. */
        json_member *m = NULL;
        if (record)
            m = member_slot(&r->members, &r->members_cap, n);
        else if (elem)
            m = member_slot(&r->emembers, &r->emembers_cap, r->nemembers);
        if (m) { /* note_value sets the rest */
            m->key = (uint32_t)(key - c->s);
            m->key_len = (uint32_t)(c->p - key);
            m->key_nul = c->nul;
            m->key_esc = c->esc;
        }
        if (c->p < c->end && *c->p == ':')
            c->p++;
        else {
            jc_space(c);
            if (c->p >= c->end || *c->p != ':')
                return jc_fail(c, "expected ':' after a key");
            c->p++;
        }
        jc_space(c);
        const char *val = c->p;
        c->nul = false;
        c->esc = false;
        c->exp = false;
        /* A string or a number, most values, without jc_value's turn. */
        bool ok;
        if (val < c->end && *val == '"')
            ok = jc_string(c);
        else if (val < c->end && (*val == '-' || (unsigned)(unsigned char)*val - '0' < 10))
            ok = jc_number(c);
        else
            ok = jc_value(c, depth, record ? m : NULL);
        if (!ok)
            return false;
        if (record) {
            note_value(c, m, val);
            r->nmembers = (int)n + 1;
        } else if (elem) {
            note_value(c, m, val);
            r->nemembers++;
            r->elems[r->nelems - 1].nmembers++;
        }
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        jc_space(c);
        if (c->p < c->end && *c->p == '}') {
            c->p++;
            return true;
        }
        if (c->p >= c->end || *c->p != ',')
            return jc_fail(c, "expected ',' or '}'");
        c->p++;
        jc_space(c);
    }
}

/* The record's member whose value is the array at the offset at, just
 * read (its elements from first), for the reader to find (json_reader.c). */
static void note_array(json_check *c, uint32_t at, uint32_t first)
{
    reader *r = c->r;
    if (r->narrays >= r->arrays_cap) {
        r->arrays_cap = r->narrays * 2 + 4;
        r->arrays = xrealloc(r->arrays, (size_t)r->arrays_cap * sizeof *r->arrays);
    }
    r->arrays[r->narrays++] = (json_array_at){.val = at, .elem = first, .nelems = r->nelems - first};
}

int json_wanted_field(const reader *r, const char *key, size_t n)
{
    for (int f = 0; f < r->nfields; f++)
        if ((size_t)r->field_len[f] == n && json_same_bytes(r->fields[f], key, n))
            return f;
    return -1;
}

/* Whether the elements of the record's member's array are noted: a
 * wanted key's only (an escaped key is matched once unescaped, by the
 * reader: noted in case). */
static bool wanted(const json_check *c, const json_member *member)
{
    return member->key_esc || json_wanted_field(c->r, c->s + member->key + 1, member->key_len - 2) >= 0;
}

/* member: the record's member whose value the array is, or NULL. */
static bool jc_array(json_check *c, int depth, const json_member *member)
{
    /* A wanted member of the record: its elements are noted, up to the
     * first that is not an object (a list input's elements are read to
     * there). */
    bool listed = member && wanted(c, member), noting = listed;
    reader *r = c->r;
    uint32_t first = listed ? r->nelems : 0, at = (uint32_t)(c->p - c->s);
    c->p++; /* '[' */
    jc_space(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        if (listed)
            note_array(c, at, first);
        return true;
    }
    for (;;) {
        if (noting && c->p < c->end) {
            if (r->nelems >= r->elems_cap) {
                r->elems_cap = r->nelems * 2 + 16;
                r->elems = xrealloc(r->elems, (size_t)r->elems_cap * sizeof *r->elems);
            }
            r->elems[r->nelems++] = (json_elem){.member = r->nemembers, .nmembers = 0, .open = *c->p};
            c->elem = *c->p == '{';
            noting = c->elem;
        }
        if (!jc_value(c, depth, NULL))
            return false;
        jc_space(c);
        if (c->p < c->end && *c->p == ']') {
            c->p++;
            if (listed)
                note_array(c, at, first);
            return true;
        }
        if (c->p >= c->end || *c->p != ',')
            return jc_fail(c, "expected ',' or ']'");
        c->p++;
        jc_space(c);
    }
}

static bool jc_word(json_check *c, const char *w, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
        return jc_fail(c, "expected a value (a string, a number, true, false, null, an object or an array)");
    c->p += n;
    return true;
}

/* member: the record's member whose value this is, or NULL. */
static bool jc_value(json_check *c, int depth, const json_member *member)
{
    if (c->p >= c->end)
        return jc_fail(c, "expected a value (a string, a number, true, false, null, an object or an array)");
    switch (*c->p) {
    case '{':
    case '[':
        if (depth >= JSON_MAX_DEPTH)
            return jc_fail(c, "nested more than 512 levels deep");
        return *c->p == '{' ? jc_object(c, depth + 1) : jc_array(c, depth + 1, member);
    case '"':
        return jc_string(c);
    case 't':
        return jc_word(c, "true", 4);
    case 'f':
        return jc_word(c, "false", 5);
    case 'n':
        return jc_word(c, "null", 4);
    default:
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
            return jc_number(c);
        return jc_fail(c, "expected a value (a string, a number, true, false, null, an object or an array)");
    }
}

/* Checks that s[0..n) is one JSON value between optional spaces; false
 * with the place and the reason of the first fault in *f.  members: the
 * reader whose members array receives the value's members, if it is an
 * object, and whose elems and emembers receive its arrays' elements. */
static void jc_start(reader *members)
{
    if (members) {
        members->nmembers = 0;
        members->narrays = 0;
        members->nelems = 0;
        members->nemembers = 0;
    }
}

bool json_check_value(const char *s, size_t n, reader *members, json_fault *f)
{
    json_check c = {.s = s, .p = s, .end = s + n, .why = NULL, .nul = false, .esc = false, .r = members};
    jc_start(members);
    jc_space(&c);
    if (jc_value(&c, 0, NULL)) {
        jc_space(&c);
        if (c.p == c.end)
            return true;
        c.why = members ? "more after the end of the record" : "more after the end of the value";
    }
    f->at = (size_t)(c.p - s);
    f->why = c.why;
    if (c.p >= c.end)
        snprintf(f->found, sizeof f->found, "the end");
    else if ((unsigned char)*c.p > 0x20 && (unsigned char)*c.p < 0x7f)
        snprintf(f->found, sizeof f->found, "'%c'", *c.p);
    else
        snprintf(f->found, sizeof f->found, "byte 0x%02X", (unsigned char)*c.p);
    return false;
}

/* The check stops at the first '\n' whatever it is in: a string refuses
 * it, a number or a word ends before it, a space ends there.  So a value
 * that passes and is followed by spaces and a '\n' is the line's, and
 * json_check_value over the line to its '\n' (a space) would pass it with
 * the same members: the line's end is found by the check itself. */
bool json_check_line(const char *s, size_t avail, reader *members, size_t *n)
{
    json_check c = {.s = s, .p = s, .end = s + avail, .why = NULL, .nul = false, .esc = false, .r = members,
                    .line = true};
    jc_start(members);
    jc_space(&c);
    if (!jc_value(&c, 0, NULL))
        return false;
    jc_space(&c);
    if (c.p == c.end || *c.p != '\n')
        return false;
    *n = (size_t)(c.p - s) + 1;
    return true;
}

bool holds_nul_escape(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '\\') {
            if (s[i + 1] == 'u' && i + 6 <= n && memcmp(s + i + 2, "0000", 4) == 0)
                return true;
            i++; /* the escaped character is not the start of another escape */
        }
    return false;
}
