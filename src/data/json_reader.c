/* json_reader.c - accounts from JSON (a top-level array, or an object whose
 * "accounts" key holds the array) and NDJSON (one object per line).
 *
 * Each record's extent is found first (a line, or brackets and strings), so
 * memory stays the size of one record however long the array is.  Then one
 * strict pass over the record (json_check.c) notes where each of its
 * members lies, and the members are matched to the wanted fields: no tree,
 * no copy but of a string that holds an escape.  An NDJSON line already in
 * the buffer is checked at once, the check finding where it ends. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_list.h"
#include "names.h"
#include "reader_internal.h"
#include "xalloc.h"

enum { MODE_SEQUENCE, MODE_ARRAY, MODE_OBJECT_ARRAY, MODE_DONE };

/* A key's id: a wanted field (0 ..), another key remembered (-2 - its
 * index in other_keys) or not (-1), and below them all KEY_START, the
 * start of a record.  key_after[id - KEY_START] is the id of the key that
 * last followed the key id. */
enum { KEY_START = -2 - JSON_OTHER_KEYS };

/* Makes buf[pos + off] readable; false at the end of input, or when
 * reading failed (r->failed: the caller must not take that for the end). */
static bool need(reader *r, size_t off)
{
    while (r->pos + off >= r->len) {
        if (r->eof || r->failed)
            return false;
        long n = inbuf_fill(r);
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
        const char *nl = memchr(r->buf + r->pos + off, '\n', r->len - r->pos - off);
        if (nl) {
            off = (size_t)(nl - (r->buf + r->pos));
            *lines = 1;
            r->buf[r->pos + off] = ' '; /* part of the record's trailing space */
            return off + 1;
        }
        off = r->len - r->pos;
    }
}

/* What is at buf[pos], for a message. */
static void found_at(reader *r, char *out, size_t cap)
{
    if (!need(r, 0))
        snprintf(out, cap, "the end of the file");
    else if ((unsigned char)r->buf[r->pos] > 0x20 && (unsigned char)r->buf[r->pos] < 0x7f)
        snprintf(out, cap, "'%c'", r->buf[r->pos]);
    else
        snprintf(out, cap, "byte 0x%02X", (unsigned char)r->buf[r->pos]);
}

/* The value at buf[pos] in the top-level object, outside the accounts
 * array: checked as strictly as a record, then skipped.  Returns its length
 * (0 after a message in err). */
static size_t top_value(reader *r, const char *what, char *err, size_t errlen)
{
    long lines;
    size_t n = value_extent(r, &lines);
    if (n == 0) {
        if (read_failure(r))
            snprintf(err, errlen, "%s: line %ld: %s", r->path, r->line, read_failure(r));
        else
            snprintf(err, errlen, "%s: line %ld: the file ends inside the top-level object", r->path, r->line);
        return 0;
    }
    json_fault f;
    if (!json_check_value(r->buf + r->pos, n, NULL, &f)) {
        long line = r->line;
        for (size_t i = 0; i < f.at; i++)
            line += r->buf[r->pos + i] == '\n';
        snprintf(err, errlen, "%s: line %ld: not valid JSON in %s of the top-level object: %s; found %s", r->path, line,
                 what, f.why, f.found);
        return 0;
    }
    return n;
}

/* One member of the top-level object, from its key: another member is
 * checked and skipped (0); the accounts array is entered (1).  -1 after a
 * message in err (a second "accounts" when accounts_seen). */
static int top_member(reader *r, bool accounts_seen, char *err, size_t errlen)
{
    char found[32];
    if (r->buf[r->pos] != '"') {
        found_at(r, found, sizeof found);
        snprintf(err, errlen, "%s: line %ld: expected a key of the top-level object in double quotes; found %s", r->path,
                 r->line, found);
        return -1;
    }
    size_t n = top_value(r, "a key", err, errlen);
    if (n == 0)
        return -1;
    /* The key decoded, so "acc\u006Funts" is "accounts" too (no escape
     * makes a text longer, so one longer than 6 times "accounts" is not). */
    char key[6 * 8];
    bool nul;
    long klen = n - 2 <= sizeof key ? json_unescape(r->buf + r->pos + 1, n - 2, key, &nul) : -1;
    bool is_accounts = klen == 8 && !nul && memcmp(key, "accounts", 8) == 0;
    if (is_accounts && accounts_seen) {
        snprintf(err, errlen, "%s: line %ld: the top-level object has two \"accounts\" keys", r->path, r->line);
        return -1;
    }
    r->pos += n;
    if (!skip_space(r) || r->buf[r->pos] != ':') {
        found_at(r, found, sizeof found);
        snprintf(err, errlen, "%s: line %ld: expected ':' after a key of the top-level object; found %s", r->path, r->line,
                 found);
        return -1;
    }
    r->pos++;
    if (!skip_space(r)) {
        snprintf(err, errlen, "%s: line %ld: the file ends inside the top-level object", r->path, r->line);
        return -1;
    }
    if (is_accounts) {
        if (r->buf[r->pos] != '[') {
            snprintf(err, errlen, "%s: line %ld: \"accounts\" must be an array", r->path, r->line);
            return -1;
        }
        r->pos++;
        return 1;
    }
    long line = r->line;
    n = top_value(r, "a value", err, errlen);
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        line += r->buf[r->pos + i] == '\n';
    r->pos += n;
    r->line = line;
    return 0;
}

/* In {"accounts": [...], ...}: moves past the '[' of the accounts array. */
static bool enter_accounts(reader *r, char *err, size_t errlen)
{
    r->pos++; /* '{' */
    for (bool first = true;; first = false) {
        if (!skip_space(r)) {
            snprintf(err, errlen, "%s: line %ld: the file ends inside the top-level object", r->path, r->line);
            return false;
        }
        if (first && r->buf[r->pos] == '}') {
            snprintf(err, errlen, "%s: no \"accounts\" array in the top-level object", r->path);
            return false;
        }
        int got = top_member(r, false, err, errlen);
        if (got != 0)
            return got > 0;
        if (!skip_space(r)) {
            snprintf(err, errlen, "%s: line %ld: the file ends inside the top-level object", r->path, r->line);
            return false;
        }
        if (r->buf[r->pos] == '}') {
            snprintf(err, errlen, "%s: no \"accounts\" array in the top-level object", r->path);
            return false;
        }
        if (r->buf[r->pos] != ',') {
            char found[32];
            found_at(r, found, sizeof found);
            snprintf(err, errlen, "%s: line %ld: expected ',' or '}' in the top-level object; found %s", r->path, r->line,
                     found);
            return false;
        }
        r->pos++;
    }
}

/* After the ']' of the accounts array: the rest of the top-level object,
 * if any, checked like its start, then nothing but spaces to the end. */
static bool finish_document(reader *r, char *err, size_t errlen)
{
    char found[32];
    while (r->json_mode == MODE_OBJECT_ARRAY) {
        if (!skip_space(r)) {
            snprintf(err, errlen, "line %ld: the file ends before the closing '}'", r->line);
            return false;
        }
        if (r->buf[r->pos] == '}') {
            r->pos++;
            break;
        }
        if (r->buf[r->pos] != ',') {
            found_at(r, found, sizeof found);
            snprintf(err, errlen, "line %ld: expected ',' or '}' after the accounts array; found %s", r->line, found);
            return false;
        }
        r->pos++;
        if (!skip_space(r)) {
            snprintf(err, errlen, "line %ld: the file ends before the closing '}'", r->line);
            return false;
        }
        char msg[400];
        if (top_member(r, true, msg, sizeof msg) != 0) {
            /* top_member names the file; the caller does too */
            const char *colon = strstr(msg, ": line ");
            snprintf(err, errlen, "%s", colon ? colon + 2 : msg);
            return false;
        }
    }
    if (skip_space(r)) {
        found_at(r, found, sizeof found);
        snprintf(err, errlen, "line %ld: more after the end of the JSON document; found %s", r->line, found);
        return false;
    }
    if (read_failure(r)) {
        snprintf(err, errlen, "line %ld: %s", r->line, read_failure(r));
        return false;
    }
    return true;
}

bool json_open(reader *r, char *err, size_t errlen)
{
    r->json_mode = MODE_SEQUENCE;
    r->field_len = xmalloc(((size_t)r->nfields + 1) * sizeof *r->field_len);
    r->lists = xmalloc(((size_t)r->nfields + 1) * sizeof *r->lists);
    size_t slots = (size_t)(r->nfields - KEY_START);
    r->key_after = xmalloc(slots * sizeof *r->key_after);
    for (size_t i = 0; i < slots; i++)
        r->key_after[i] = -1;
    for (int f = 0; f < r->nfields; f++)
        r->field_len[f] = (int)strlen(r->fields[f]);
    if (r->fmt == DATA_JSON) {
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
            r->json_mode = MODE_OBJECT_ARRAY;
        } else {
            snprintf(err, errlen, "%s: line %ld: expected an array of accounts, or an object with an \"accounts\" array", r->path, r->line);
            return false;
        }
    }
    return true;
}

void json_open_chunks(reader *r)
{
    data_format fmt = r->fmt;
    char err[8];
    r->fmt = DATA_NDJSON; /* nothing to read before the records */
    json_open(r, err, sizeof err);
    r->fmt = fmt;
    r->chunks = true;
    if (fmt == DATA_JSON)
        r->json_mode = MODE_ARRAY;
}

static bool json_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Where the value at b[i] ends, as value_extent finds it (extent_step),
 * or end when it does not end before b[end]: the main thread cuts the
 * chunks, so strings are crossed with memchr, not a byte at a time. */
static size_t element_end(const char *b, size_t i, size_t end)
{
    int depth = 0;
    for (size_t k = i; k < end;) {
        switch (b[k]) {
        case '"': {
            size_t q = k + 1;
            for (;;) {
                const char *quote = memchr(b + q, '"', end - q);
                if (!quote)
                    return end;
                q = (size_t)(quote - b);
                size_t slashes = 0; /* an odd run of them escapes it */
                while (b[q - 1 - slashes] == '\\')
                    slashes++;
                if (slashes % 2 == 0)
                    break;
                q++;
            }
            k = q + 1;
            if (depth == 0)
                return k < end ? k : end;
            continue;
        }
        case '{':
        case '[':
            depth++;
            break;
        case '}':
        case ']':
            if (depth == 0)
                return k;
            if (--depth == 0)
                return k + 1 < end ? k + 1 : end;
            break;
        case ',':
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            if (depth == 0)
                return k;
            break;
        default:
            break;
        }
        k++;
    }
    return end;
}

size_t json_last_boundary(reader *r, size_t from, size_t end, bool *done)
{
    const char *b = r->buf;
    size_t i = from, cut = from;
    bool first = !r->cut_any;
    for (;;) {
        while (i < end && json_space(b[i]))
            i++;
        if (i < end && !first) {
            if (b[i] != ',') {
                *done = true;
                return cut;
            }
            i++;
            while (i < end && json_space(b[i]))
                i++;
        }
        if (i == end)
            break;
        size_t elem_end = element_end(b, i, end);
        if (elem_end == end)
            break;
        if (elem_end == i) {
            *done = true;
            return cut;
        }
        cut = i = elem_end;
        first = false;
    }
    if (r->eof && end == r->len)
        *done = true;
    return cut;
}

/* A key that is no wanted field, remembered (up to JSON_OTHER_KEYS names)
 * for the did-you-mean of a wanted key no record has: -2 - its index, or
 * -1 when there is no room. */
static bool same_key(const char *name, const char *key, size_t n)
{
    return strncmp(name, key, n) == 0 && name[n] == '\0';
}

static int other_key(reader *r, const char *key, size_t n)
{
    /* Once full, no search: a file with hundreds of other keys pays nothing. */
    if (r->nother_keys == JSON_OTHER_KEYS)
        return -1;
    for (int u = 0; u < r->nother_keys; u++)
        if (same_key(r->other_keys[u], key, n))
            return -2 - u;
    if (n > 100)
        return -1;
    if (!r->other_keys)
        r->other_keys = xmalloc(JSON_OTHER_KEYS * sizeof *r->other_keys);
    r->other_keys[r->nother_keys] = xstrndup(key, n);
    return -2 - r->nother_keys++;
}

/* The id of the key key[0..n), after the key prev (KEY_START: the
 * record's first).  Records mostly list their keys in one order, so the key that
 * followed prev last time is tried first: a record that lacks a key, or
 * has one more, costs a search or two, not one for each key after it. */
static int key_id(reader *r, int prev, const char *key, size_t n)
{
    int *guess = &r->key_after[prev - KEY_START];
    int f = *guess;
    if (f >= 0 && (size_t)r->field_len[f] == n && json_same_bytes(r->fields[f], key, n))
        return f;
    if (f < -1 && same_key(r->other_keys[-2 - f], key, n))
        return f;
    int found = json_wanted_field(r, key, n);
    if (found < 0)
        found = other_key(r, key, n);
    *guess = found;
    return found;
}

/* Whether a number's text is beyond a double (to infinity): what reading
 * it would make of it.  A number without an exponent (exp: as the check
 * found) and shorter than 300 digits never is, so most numbers need no
 * conversion. */
static bool number_too_large(reader *r, const char *s, size_t n, bool exp)
{
    if (n < 300 && !exp)
        return false;
    char *copy = r->unesc + r->unesc_cap - n - 1; /* the end of the buffer: no text there yet */
    memcpy(copy, s, n);
    copy[n] = '\0';
    return !isfinite(strtod(copy, NULL));
}

/* The elements of the array m holds, as the check noted them, for the
 * wanted field f's cell. */
static const struct json_list *list_of(reader *r, int f, const char *start, const json_member *m)
{
    uint32_t a = 0;
    while (r->arrays[a].val != m->val) /* the check noted every wanted key's array */
        a++;
    r->lists[f] = (struct json_list){.text = start, .len = m->val_len, .elems = r->elems + r->arrays[a].elem,
                                     .nelems = r->arrays[a].nelems, .members = r->emembers};
    return &r->lists[f];
}

/* The record's members (as json_check_value noted them in r->members)
 * into the wanted fields' cells. */
static read_status json_members(reader *r, const char *start, size_t n, cell *cells, char *err, size_t errlen)
{
    if (r->nfields > r->nseen) {
        r->seen = xrealloc(r->seen, (size_t)r->nfields * sizeof *r->seen);
        memset(r->seen, 0, (size_t)r->nfields * sizeof *r->seen);
        r->nseen = r->nfields;
    }
    /* Unescaped texts, then (at the end) a number being converted: no text
     * gets longer unescaped, so twice the record is room for all. */
    if (r->unesc_cap < 2 * n + 2) {
        free(r->unesc);
        r->unesc_cap = 2 * n + 2 > 2 * r->unesc_cap ? 2 * n + 2 : 2 * r->unesc_cap;
        r->unesc = xmalloc(r->unesc_cap);
    }
    size_t used = 0;
    int prev = KEY_START;
    for (int position = 0; position < r->nmembers; position++) {
        const json_member *m = &r->members[position];
        /* No wanted field's name holds a NUL, so a key with \u0000 is none of them. */
        if (m->key_nul)
            continue;
        const char *key = start + m->key + 1;
        size_t klen = m->key_len - 2;
        if (m->key_esc) {
            bool nul;
            char *to = r->unesc + used;
            long k = json_unescape(key, klen, to, &nul);
            if (k < 0)
                continue; /* checked above: cannot happen */
            klen = (size_t)k;
            key = to; /* overwritten by the next text: only matched, never kept */
        }
        int f = prev = key_id(r, prev, key, klen);
        if (f < 0)
            continue;
        /* A key given twice would make one of its values win silently. */
        if (r->seen[f] == r->record) {
            snprintf(err, errlen, "key '%.100s' appears twice", r->fields[f]);
            return READ_BAD_RECORD;
        }
        r->seen[f] = r->record;
        cell *c = &cells[f];
        const char *v = start + m->val;
        c->state = CELL_TEXT;
        switch (*v) {
        case 'n':
            c->state = CELL_MISSING;
            break;
        case '"':
            /* A NUL in a value the policy reads is refused: the text would
             * end there for anything that reads it as a C string. */
            if (m->val_nul) {
                snprintf(err, errlen, "key '%.100s': a text value holds a NUL character (\\u0000)", r->fields[f]);
                return READ_BAD_RECORD;
            }
            c->s = v + 1;
            c->len = m->val_len - 2;
            if (m->val_esc) {
                bool nul;
                char *to = r->unesc + used;
                c->len = (uint32_t)json_unescape(v + 1, m->val_len - 2, to, &nul);
                c->s = to;
                used += c->len;
            }
            break;
        case 't':
        case 'f':
            c->s = *v == 't' ? "true" : "false";
            c->len = (uint32_t)strlen(c->s);
            break;
        case '[':
            /* The array as written, and a list input's elements as the
             * check found them (json_list.h). */
            c->s = v;
            c->len = m->val_len;
            c->state = CELL_NESTED;
            c->list = list_of(r, f, start, m);
            break;
        case '{':
            c->s = "an object";
            c->len = (uint32_t)strlen(c->s);
            c->state = CELL_NESTED;
            break;
        default:
            /* The text as written: a double would change 10000000000000001
             * or 0.10000000000000001, and make 1e-400 a silent 0. */
            if (number_too_large(r, v, m->val_len, m->val_exp)) {
                c->s = "a number too large to hold";
                c->len = (uint32_t)strlen(c->s);
                c->state = CELL_NESTED;
            } else {
                c->s = v;
                c->len = m->val_len;
            }
        }
    }
    return READ_OK;
}

read_status json_next(reader *r, cell *cells, record_pos *pos, char *err, size_t errlen)
{
    if (r->json_mode == MODE_DONE)
        return READ_EOF;
    if (!skip_space(r)) {
        if (read_failure(r)) {
            snprintf(err, errlen, "line %ld: %s", r->line, read_failure(r));
            return READ_FATAL;
        }
        if (r->json_mode != MODE_SEQUENCE && !r->chunks) {
            snprintf(err, errlen, "line %ld: the file ends before the closing ']'", r->line);
            return READ_FATAL;
        }
        return READ_EOF;
    }
    if (r->json_mode != MODE_SEQUENCE) {
        char c = r->buf[r->pos];
        if (c == ']') {
            r->pos++;
            bool ok = finish_document(r, err, errlen);
            r->json_mode = MODE_DONE;
            return ok ? READ_EOF : READ_FATAL;
        }
        /* A chunk of an array's elements begins with the ',' after the
         * element before it, save the array's first (reader_cut). */
        if (r->record > r->chunk_first || (r->chunks && c == ',')) {
            if (c != ',') {
                char found[32];
                found_at(r, found, sizeof found);
                snprintf(err, errlen, "line %ld: expected ',' or ']' after a record; found %s", r->line, found);
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
    long lines = 1;
    size_t n;
    /* A line that the buffer holds to its end, and that passes, needs no
     * look for its end of its own; any other goes the general way. */
    bool checked = r->json_mode == MODE_SEQUENCE && json_check_line(r->buf + r->pos, r->len - r->pos, r, &n);
    if (checked)
        r->buf[r->pos + n - 1] = ' '; /* as line_extent leaves it */
    else
        n = r->json_mode == MODE_SEQUENCE ? line_extent(r, &lines) : value_extent(r, &lines);
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
    json_fault fault;
    if (!checked && !json_check_value(start, n, r, &fault)) {
        snprintf(err, errlen, "not valid JSON at byte %zu of the record: %s; found %s", fault.at + 1, fault.why,
                 fault.found);
        return READ_BAD_RECORD;
    }
    size_t lead = 0;
    while (start[lead] == ' ' || start[lead] == '\t' || start[lead] == '\r' || start[lead] == '\n')
        lead++;
    if (start[lead] != '{') {
        snprintf(err, errlen, "a record must be a JSON object");
        return READ_BAD_RECORD;
    }
    r->objects++;
    return json_members(r, start, n, cells, err, errlen);
}

bool json_missing_key(const reader *r, char *err, size_t errlen)
{
    if (r->objects == 0)
        return false;
    for (int f = 0; f < r->nfields; f++) {
        if ((f < r->nseen && r->seen[f] != 0) || (r->optional && r->optional[f]))
            continue;
        const char *best = closest_name(r->fields[f], (const char *const *)r->other_keys, r->nother_keys);
        if (best)
            snprintf(err, errlen, "%s: no record has the key '%s' (did you mean '%s'?)", r->path, r->fields[f], best);
        else
            snprintf(err, errlen, "%s: no record has the key '%s'", r->path, r->fields[f]);
        return true;
    }
    return false;
}

void json_close(reader *r)
{
    free(r->field_len);
    free(r->unesc);
    free(r->lists);
    free(r->arrays);
    free(r->elems);
    free(r->emembers);
}
