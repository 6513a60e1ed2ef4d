/* json_reader.c - accounts from JSON (a top-level array, or an object whose
 * "accounts" key holds the array) and NDJSON (one object per line).
 *
 * cJSON parses whole documents, so we find each record's extent ourselves
 * (brackets and strings) and hand cJSON one record at a time: memory stays
 * the size of one record however long the array is. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reader_internal.h"
#include "xalloc.h"

enum { MODE_SEQUENCE, MODE_ARRAY, MODE_DONE };

/* Makes buf[pos + off] readable; false at the end of input, or when
 * reading failed (r->failed: the caller must not take that for the end). */
static bool need(reader *r, size_t off)
{
    while (r->pos + off >= r->len) {
        if (r->eof || r->failed)
            return false;
        long n = reader_fill(r);
        if (n < 0)
            r->failed = true;
        if (n <= 0)
            return false;
    }
    return true;
}

/* The message for input that stopped early, or NULL when it really ended. */
static const char *read_failure(const reader *r)
{
    if (!r->failed)
        return NULL;
    return r->cap >= (64 << 20) ? "a record longer than 64 MiB" : "read error";
}

/* Skips spaces from buf[pos], counting lines; false at end of input. */
static bool skip_space(reader *r)
{
    for (;;) {
        if (!need(r, 0))
            return false;
        char c = r->buf[r->pos];
        if (c == '\n')
            r->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            return true;
        r->pos++;
    }
}

/* Where a JSON value ends, found one byte at a time, so the same scan
 * serves the streaming reader (which may have to read more between two
 * bytes) and a record already in memory. */
typedef struct extent_scan {
    int depth;
    bool in_string, escaped;
} extent_scan;

enum { SCAN_MORE, SCAN_ENDS_AFTER, SCAN_ENDS_BEFORE };

static int extent_step(extent_scan *st, char c)
{
    if (st->in_string) {
        if (st->escaped)
            st->escaped = false;
        else if (c == '\\')
            st->escaped = true;
        else if (c == '"') {
            st->in_string = false;
            if (st->depth == 0)
                return SCAN_ENDS_AFTER;
        }
        return SCAN_MORE;
    }
    switch (c) {
    case '"':
        st->in_string = true;
        return SCAN_MORE;
    case '{':
    case '[':
        st->depth++;
        return SCAN_MORE;
    case '}':
    case ']':
        if (st->depth == 0)
            return SCAN_ENDS_BEFORE;
        return --st->depth == 0 ? SCAN_ENDS_AFTER : SCAN_MORE;
    case ',':
    case ' ':
    case '\t':
    case '\r':
    case '\n':
        return st->depth == 0 ? SCAN_ENDS_BEFORE : SCAN_MORE;
    default:
        return SCAN_MORE;
    }
}

/* Length of the JSON value at buf[pos], or 0 when input ends inside it.
 * Counts its newlines into *lines. */
static size_t value_extent(reader *r, long *lines)
{
    extent_scan st = {0, false, false};
    *lines = 0;
    for (size_t off = 0;; off++) {
        if (!need(r, off))
            return (!st.in_string && st.depth == 0 && off > 0) ? off : 0;
        char c = r->buf[r->pos + off];
        int at = extent_step(&st, c);
        if (at == SCAN_ENDS_BEFORE)
            return off;
        if (c == '\n')
            (*lines)++;
        if (at == SCAN_ENDS_AFTER)
            return off + 1;
    }
}

static bool holds_nul_escape(const char *s, size_t n)
{
    for (const char *p = s; (p = memchr(p, '\\', (size_t)(s + n - p))) != NULL; p++)
        if ((size_t)(s + n - p) >= 6 && memcmp(p, "\\u0000", 6) == 0)
            return true;
    return false;
}

/* NDJSON: a record is one line, whatever it holds, so a broken line is one
 * bad record and the next line is read as usual.  Returns the line's length
 * without its newline (which is consumed); 0 at the end of input. */
static size_t line_extent(reader *r, long *lines)
{
    size_t off = 0;
    *lines = 0;
    for (;;) {
        if (!need(r, off))
            return off;
        if (r->buf[r->pos + off] == '\n') {
            *lines = 1;
            r->buf[r->pos + off] = ' '; /* part of the record's trailing space */
            return off + 1;
        }
        off++;
    }
}

/* In {"accounts": [...], ...}: moves past the '[' of the accounts array. */
static bool enter_accounts(reader *r, char *err, size_t errlen)
{
    r->pos++; /* '{' */
    for (;;) {
        if (!skip_space(r) || r->buf[r->pos] != '"') {
            snprintf(err, errlen, "%s: line %ld: expected a key of the top-level object", r->path, r->line);
            return false;
        }
        long lines;
        size_t n = value_extent(r, &lines);
        if (n == 0) {
            snprintf(err, errlen, "%s: line %ld: unterminated key", r->path, r->line);
            return false;
        }
        bool is_accounts = n == 10 && memcmp(r->buf + r->pos, "\"accounts\"", 10) == 0;
        r->pos += n;
        if (!skip_space(r) || r->buf[r->pos] != ':') {
            snprintf(err, errlen, "%s: line %ld: expected ':' after a key", r->path, r->line);
            return false;
        }
        r->pos++;
        if (!skip_space(r)) {
            snprintf(err, errlen, "%s: line %ld: the file ends inside the top-level object", r->path, r->line);
            return false;
        }
        if (is_accounts) {
            if (r->buf[r->pos] != '[') {
                snprintf(err, errlen, "%s: line %ld: \"accounts\" must be an array", r->path, r->line);
                return false;
            }
            r->pos++;
            return true;
        }
        n = value_extent(r, &lines);
        if (n == 0) {
            snprintf(err, errlen, "%s: line %ld: the file ends inside the top-level object", r->path, r->line);
            return false;
        }
        r->pos += n;
        r->line += lines;
        if (!skip_space(r) || r->buf[r->pos] != ',') {
            snprintf(err, errlen, "%s: no \"accounts\" array in the top-level object", r->path);
            return false;
        }
        r->pos++;
    }
}

bool json_open(reader *r, char *err, size_t errlen)
{
    r->json_mode = MODE_SEQUENCE;
    r->scratch_cap = (size_t)r->nfields * 40 + 1;
    r->scratch = xmalloc(r->scratch_cap);
    if (r->fmt == FMT_JSON) {
        if (!skip_space(r)) {
            snprintf(err, errlen, "%s: the file is empty", r->path);
            return false;
        }
        if (r->buf[r->pos] == '[') {
            r->pos++;
            r->json_mode = MODE_ARRAY;
        } else if (r->buf[r->pos] == '{') {
            if (!enter_accounts(r, err, errlen))
                return false;
            r->json_mode = MODE_ARRAY;
        } else {
            snprintf(err, errlen, "%s: line %ld: expected an array of accounts, or an object with an \"accounts\" array", r->path, r->line);
            return false;
        }
    }
    return true;
}

static size_t skip_blank(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i;
}

/* The end of the JSON value at s[i], in a record already in memory. */
static size_t skip_json_value(const char *s, size_t i, size_t n)
{
    extent_scan st = {0, false, false};
    for (; i < n; i++) {
        int at = extent_step(&st, s[i]);
        if (at == SCAN_ENDS_BEFORE)
            return i;
        if (at == SCAN_ENDS_AFTER)
            return i + 1;
    }
    return n;
}

/* The text of the number that is member `position` of the object in
 * s[0..n), as written: cJSON keeps only a double, which would change
 * 10000000000000001 or 0.10000000000000001. */
static bool number_text(const char *s, size_t n, int position, const char **out, uint32_t *len)
{
    size_t i = skip_blank(s, 0, n);
    if (i >= n || s[i] != '{')
        return false;
    i++;
    for (int member = 0;; member++) {
        i = skip_blank(s, i, n);
        if (i >= n || s[i] != '"')
            return false;
        i = skip_json_value(s, i, n); /* the key */
        i = skip_blank(s, i, n);
        if (i >= n || s[i] != ':')
            return false;
        i = skip_blank(s, i + 1, n);
        size_t end = skip_json_value(s, i, n);
        if (member == position) {
            *out = s + i;
            *len = (uint32_t)(end - i);
            return end > i;
        }
        i = skip_blank(s, end, n);
        if (i >= n || s[i] != ',')
            return false;
        i++;
    }
}

/* Numbers keep the decimal the writer meant: integers exactly, others as
 * the shortest text that reads back as the same double (0.35, not
 * 0.34999999999999998). */
static uint32_t format_number(double d, char *out)
{
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
        return (uint32_t)snprintf(out, 40, "%.0f", d);
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(out, 40, "%.*g", prec, d);
        if (prec == 17 || strtod(out, NULL) == d)
            return (uint32_t)n;
    }
    return 0;
}

static int field_of(reader *r, int position, const char *key)
{
    if (position < r->nkey_cache) {
        int f = r->key_cache[position];
        if (f >= 0 && strcmp(r->fields[f], key) == 0)
            return f;
    }
    int found = -1;
    for (int f = 0; f < r->nfields; f++)
        if (strcmp(r->fields[f], key) == 0) {
            found = f;
            break;
        }
    if (position >= r->nkey_cache) {
        int n = position + 16;
        r->key_cache = xrealloc(r->key_cache, (size_t)n * sizeof *r->key_cache);
        for (int i = r->nkey_cache; i < n; i++)
            r->key_cache[i] = -1;
        r->nkey_cache = n;
    }
    r->key_cache[position] = found;
    return found;
}

read_status json_next(reader *r, cell *cells, record_pos *pos, char *err, size_t errlen)
{
    if (r->json_doc) {
        cJSON_Delete(r->json_doc);
        r->json_doc = NULL;
    }
    if (r->json_mode == MODE_DONE)
        return READ_EOF;
    if (!skip_space(r)) {
        if (read_failure(r)) {
            snprintf(err, errlen, "line %ld: %s", r->line, read_failure(r));
            return READ_FATAL;
        }
        if (r->json_mode == MODE_ARRAY) {
            snprintf(err, errlen, "line %ld: the file ends before the closing ']'", r->line);
            return READ_FATAL;
        }
        return READ_EOF;
    }
    if (r->json_mode == MODE_ARRAY) {
        char c = r->buf[r->pos];
        if (c == ']') {
            r->json_mode = MODE_DONE;
            return READ_EOF;
        }
        if (r->record > 0) {
            if (c != ',') {
                snprintf(err, errlen, "line %ld: expected ',' or ']' after a record", r->line);
                return READ_FATAL;
            }
            r->pos++;
            if (!skip_space(r)) {
                snprintf(err, errlen, "line %ld: the file ends before the closing ']'", r->line);
                return READ_FATAL;
            }
        }
    }
    pos->line = r->line;
    pos->record = ++r->record;
    long lines;
    size_t n = r->json_mode == MODE_SEQUENCE ? line_extent(r, &lines) : value_extent(r, &lines);
    if (read_failure(r)) {
        snprintf(err, errlen, "line %ld: %s", r->line, read_failure(r));
        return READ_FATAL;
    }
    if (n == 0) {
        char c = r->pos < r->len ? r->buf[r->pos] : '\0';
        if (c == ']' || c == '}' || c == ',')
            snprintf(err, errlen, "line %ld: expected a record, found '%c'%s", r->line, c,
                     c == ']' ? " (a ',' before the closing ']'?)" : "");
        else
            snprintf(err, errlen, "line %ld: the file ends inside a record", r->line);
        return READ_FATAL;
    }
    const char *start = r->buf + r->pos;
    r->pos += n;
    r->line += lines;
    /* cJSON keeps strings NUL-terminated, so "1\u0000x" would read as "1":
     * a NUL inside a text value is refused instead of silently cut. */
    if (holds_nul_escape(start, n)) {
        snprintf(err, errlen, "a text value holds a NUL character (\\u0000)");
        return READ_BAD_RECORD;
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(start, n, &end, 0);
    /* Spaces (and the CR of a CRLF line) may follow the record; nothing else. */
    while (doc && end < start + n && (*end == ' ' || *end == '\t' || *end == '\r'))
        end++;
    if (!doc || end != start + n) {
        long off = end ? (long)(end - start) : 0;
        if (doc)
            cJSON_Delete(doc);
        snprintf(err, errlen, "not valid JSON (at byte %ld of the record)", off + 1);
        return READ_BAD_RECORD;
    }
    r->json_doc = doc;
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "a record must be a JSON object");
        return READ_BAD_RECORD;
    }
    size_t used = 0;
    int position = 0;
    if (r->nfields > r->nseen) {
        r->seen = xrealloc(r->seen, (size_t)r->nfields * sizeof *r->seen);
        memset(r->seen, 0, (size_t)r->nfields * sizeof *r->seen);
        r->nseen = r->nfields;
    }
    for (cJSON *item = doc->child; item; item = item->next, position++) {
        if (!item->string)
            continue;
        int f = field_of(r, position, item->string);
        if (f < 0)
            continue;
        /* A key given twice would make one of its values win silently. */
        if (r->seen[f] == r->record) {
            snprintf(err, errlen, "key '%.100s' appears twice", item->string);
            return READ_BAD_RECORD;
        }
        r->seen[f] = r->record;
        cell *c = &cells[f];
        if (cJSON_IsNull(item))
            continue;
        c->state = CELL_TEXT;
        if (cJSON_IsString(item)) {
            c->s = item->valuestring;
            c->len = (uint32_t)strlen(item->valuestring);
        } else if (cJSON_IsNumber(item) && !isfinite(item->valuedouble)) {
            c->s = "a number too large to hold";
            c->len = (uint32_t)strlen(c->s);
            c->state = CELL_NESTED;
        } else if (cJSON_IsNumber(item)) {
            double d = item->valuedouble;
            if (d == floor(d) && fabs(d) < 9007199254740992.0) {
                /* A whole number a double holds exactly: its digits. */
                c->s = r->scratch + used;
                c->len = format_number(d, r->scratch + used);
                used += c->len + 1;
            } else if (!number_text(start, n, position, &c->s, &c->len)) {
                c->state = CELL_MISSING; /* cannot happen: cJSON found a number here */
            }
        } else if (cJSON_IsBool(item)) {
            c->s = cJSON_IsTrue(item) ? "true" : "false";
            c->len = (uint32_t)strlen(c->s);
        } else {
            c->s = cJSON_IsArray(item) ? "a list" : "an object";
            c->len = (uint32_t)strlen(c->s);
            c->state = CELL_NESTED;
        }
    }
    return READ_OK;
}

void json_close(reader *r)
{
    if (r->json_doc)
        cJSON_Delete(r->json_doc);
    r->json_doc = NULL;
}
