/* csv_reader.c - RFC 4180 records: quoted fields with "" escapes, embedded
 * commas and newlines, LF or CRLF line ends.  The separator is a comma
 * unless --delimiter says ';', '|' or tab; "comma" below means whichever.
 *
 * A plain record (one line, no quote, ASCII only, as many fields as the
 * header: nearly all of them) is read in one pass, 16 bytes a step
 * (csv_plain).  Any other is read by the general path, which owns every
 * rule and message: two passes over the buffer, first the record's end
 * (which needs the quote state), then its fields, unescaped in place. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytes16.h"
#include "names.h"
#include "reader_internal.h"
#include "utf8.h"
#include "xalloc.h"

enum { MAX_COLUMNS = 4096 };

/* Finds the end of the record at buf[from]: the index of its terminating
 * '\n' (or len at end of input).  Returns -1 when more input is needed and
 * -2 when a quoted field never closes before the end of input. */
static long record_end(reader *r, size_t from, long *newlines, bool *has_quote)
{
    const char *buf = r->buf;
    size_t len = r->len;
    const char *nl = memchr(buf + from, '\n', len - from);
    size_t stop = nl ? (size_t)(nl - buf) : len;
    if (!memchr(buf + from, '"', stop - from)) {
        if (!nl && !r->eof)
            return -1;
        *newlines = nl ? 1 : 0;
        *has_quote = false;
        return (long)stop;
    }
    *has_quote = true;
    /* A quote opens a quoted field only at the start of a field; anywhere
     * else it is a stray quote, which split_fields() reports, and it must
     * not swallow the lines after it. */
    bool quoted = false, field_start = true, just_closed = false;
    long lines = 0;
    for (size_t i = from; i < len; i++) {
        char ch = buf[i];
        if (quoted) {
            if (ch == '"') {
                quoted = false;
                just_closed = true;
            } else if (ch == '\n')
                lines++;
            continue;
        }
        /* "" inside a quoted field closes and at once reopens it. */
        if (ch == '"' && (field_start || just_closed))
            quoted = true;
        else if (ch == '\n') {
            *newlines = lines + 1;
            return (long)i;
        }
        field_start = ch == r->delim;
        just_closed = false;
    }
    if (!r->eof)
        return -1;
    if (quoted)
        return -2;
    *newlines = lines;
    return (long)len;
}

/* The first ',' in buf[i..end), or end.  Fields are a few bytes long: a
 * word at a time beats both a byte loop and a memchr call.  Reading up to
 * 7 bytes past end is safe: the reader keeps READ_SLACK zero bytes after
 * its data, and only matches before end count. */
static inline size_t find_comma(const char *buf, size_t i, size_t end, uint64_t commas)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (i < end) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        uint64_t x = w ^ commas;
        uint64_t hit = (x - ones) & ~x & highs; /* a high bit where a byte was ',' */
        if (hit) {
            size_t at = i + (size_t)(__builtin_ctzll(hit) >> 3);
            return at < end ? at : end;
        }
        i += 8;
    }
    return end;
}

typedef struct field {
    char *s;
    uint32_t len;
} field;

/* Splits buf[from..end) into fields separated by delim.  Returns the
 * number of fields, or -1 with a message for a stray quote. */
static int split_fields(char *buf, size_t from, size_t end, char delim, bool has_quote, field *out, int max, char *err,
                        size_t errlen)
{
    const uint64_t commas = 0x0101010101010101ULL * (unsigned char)delim;
    if (end > from && buf[end - 1] == '\r')
        end--;
    int n = 0;
    size_t i = from;
    for (;;) {
        if (n == max) {
            snprintf(err, errlen, "more than %d fields", max);
            return -1;
        }
        if (has_quote && i < end && buf[i] == '"') {
            char *dst = buf + i, *start = dst;
            i++;
            for (;;) {
                if (i >= end) {
                    snprintf(err, errlen, "field %d: quoted field is not closed", n + 1);
                    return -1;
                }
                if (buf[i] == '"') {
                    if (i + 1 < end && buf[i + 1] == '"') {
                        *dst++ = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                *dst++ = buf[i++];
            }
            out[n].s = start;
            out[n].len = (uint32_t)(dst - start);
            n++;
            if (i == end)
                return n;
            if (buf[i] != delim) {
                unsigned char ch = (unsigned char)buf[i];
                if (ch < 0x20 || ch == 0x7f)
                    snprintf(err, errlen, "field %d: unexpected byte 0x%02x after a closing quote", n, ch);
                else
                    snprintf(err, errlen, "field %d: unexpected '%c' after a closing quote", n, ch);
                return -1;
            }
            i++;
            continue;
        }
        size_t stop = find_comma(buf, i, end, commas);
        const char *comma = stop < end ? buf + stop : NULL;
        if (has_quote && memchr(buf + i, '"', stop - i)) {
            snprintf(err, errlen, "field %d: a quote inside an unquoted field (quote the whole field and double the quote)", n + 1);
            return -1;
        }
        out[n].s = buf + i;
        out[n].len = (uint32_t)(stop - i);
        n++;
        if (!comma)
            return n;
        i = stop + 1;
    }
}

/* Reads the next record's fields.  1: fields in out; 0: end; -1: malformed
 * (message in err, the record skipped); -2: fatal. */
static int next_fields(reader *r, field *out, int max, int *nout, record_pos *pos, char *err, size_t errlen)
{
    for (;;) {
        long newlines = 0;
        long end;
        bool has_quote = true;
        while ((end = record_end(r, r->pos, &newlines, &has_quote)) == -1) {
            if (inbuf_fill(r) < 0) {
                snprintf(err, errlen, "line %ld: %s", r->line, r->cap >= (64 << 20) ? "a record longer than 64 MiB" : "read error");
                return -2;
            }
        }
        pos->line = r->line;
        if (end == -2) {
            snprintf(err, errlen, "line %ld: a quoted field is not closed before the end of the file", r->line);
            r->pos = r->len;
            return -2;
        }
        size_t from = r->pos;
        r->pos = (size_t)end < r->len ? (size_t)end + 1 : r->len;
        r->line += newlines;
        if (from == r->len && r->eof)
            return 0;
        /* Blank lines carry no data; they are not records. */
        if ((size_t)end == from || ((size_t)end == from + 1 && r->buf[from] == '\r'))
            continue;
        int n = split_fields(r->buf, from, (size_t)end, r->delim, has_quote, out, max, err, errlen);
        if (n < 0)
            return -1;
        *nout = n;
        return 1;
    }
}

static void trim(field *f)
{
    while (f->len && (f->s[0] == ' ' || f->s[0] == '\t')) {
        f->s++;
        f->len--;
    }
    while (f->len && (f->s[f->len - 1] == ' ' || f->s[f->len - 1] == '\t'))
        f->len--;
}

/* The first of f[0..n) that holds a NUL byte, or -1; *line: the line it is
 * on, counted from the record's first line.  Text has no NUL bytes: a cell
 * with one is binary or UTF-16 data, not a value to keep. */
static int nul_field(const reader *r, const field *f, int n, long first_line, long *line)
{
    if (!r->nul_seen)
        return -1;
    for (int c = 0; c < n; c++) {
        const char *z = memchr(f[c].s, 0, f[c].len);
        if (!z)
            continue;
        long at = first_line;
        for (int k = 0; k <= c; k++)
            for (const char *p = f[k].s; p < (k == c ? z : f[k].s + f[k].len); p++)
                at += *p == '\n';
        *line = at;
        return c;
    }
    return -1;
}

/* How a separator is named in a message, and given to --delimiter. */
static const char *separator_name(char ch, bool as_option)
{
    switch (ch) {
    case '\t': return as_option ? "tab" : "tabs";
    case ';': return "';'";
    case '|': return "'|'";
    default: return "','";
    }
}

/* A header of one column that holds another separator many times over:
 * the file is most likely separated by it. */
static char other_separator(const field *col, char delim)
{
    char best = 0;
    size_t most = 0;
    for (const char *sep = ",;\t|"; *sep; sep++) {
        if (*sep == delim)
            continue;
        size_t k = 0;
        for (uint32_t i = 0; i < col->len; i++)
            k += col->s[i] == *sep;
        if (k > most) {
            most = k;
            best = *sep;
        }
    }
    return best;
}

/* Keeps the header's names for messages about a column: one block, names
 * NUL-separated. */
static void keep_header(reader *r, const field *cols, int n)
{
    size_t total = 0;
    for (int c = 0; c < n; c++)
        total += cols[c].len + 1;
    char *at = r->header = xmalloc(total);
    for (int c = 0; c < n; c++) {
        memcpy(at, cols[c].s, cols[c].len);
        at[cols[c].len] = '\0';
        at += cols[c].len + 1;
    }
}

static const char *column_name(const reader *r, int c)
{
    const char *name = r->header;
    while (c-- > 0)
        name += strlen(name) + 1;
    return name;
}

/* Whether the first line break of b[0..n) is a carriage return alone, the
 * line end of old Mac files, which read as one long header line. */
static bool lone_cr(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] == '\n')
            return false;
        if (b[i] == '\r')
            return i + 1 < n && b[i + 1] != '\n';
    }
    return false;
}

bool csv_open(reader *r, const bool *required, char *err, size_t errlen)
{
    field *cols = xmalloc(MAX_COLUMNS * sizeof *cols);
    int n = 0;
    record_pos pos;
    char msg[256];
    int rc = next_fields(r, cols, MAX_COLUMNS, &n, &pos, msg, sizeof msg);
    if (rc == 0) {
        snprintf(err, errlen, "%s: no header line (the file is empty)", r->path);
        free(cols);
        return false;
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s: header: %s%s", r->path, msg,
                 lone_cr(r->buf, r->len) ? " (the lines end with a carriage return alone, as in an old Mac file: "
                                           "convert it first, e.g. with tr '\\r' '\\n')" : "");
        free(cols);
        return false;
    }
    long nul_line;
    int nul = nul_field(r, cols, n, pos.line, &nul_line);
    if (nul >= 0) {
        snprintf(err, errlen, "%s: line %ld: header: column %d holds a NUL byte (is this a text file?)",
                 r->path, nul_line, nul + 1);
        free(cols);
        return false;
    }
    r->ncols = n;
    r->col_field = xmalloc((size_t)n * sizeof *r->col_field);
    bool *found = xcalloc((size_t)r->nfields + 1, sizeof *found);
    bool ok = true;
    for (int c = 0; c < n; c++) {
        trim(&cols[c]);
        r->col_field[c] = -1;
        for (int f = 0; f < r->nfields; f++)
            if (strlen(r->fields[f]) == cols[c].len && memcmp(r->fields[f], cols[c].s, cols[c].len) == 0) {
                if (found[f]) {
                    snprintf(err, errlen, "%s: header: column '%s' appears twice", r->path, r->fields[f]);
                    ok = false;
                }
                found[f] = true;
                r->col_field[c] = f;
            }
    }
    keep_header(r, cols, n);
    r->no_column = xmalloc(((size_t)r->nfields + 1) * sizeof *r->no_column);
    for (int f = 0; f < r->nfields; f++)
        if (!found[f])
            r->no_column[r->nno_column++] = f;
    for (int f = 0; ok && f < r->nfields; f++) {
        if (found[f] || !required[f])
            continue;
        char sep = n == 1 ? other_separator(&cols[0], r->delim) : 0;
        if (sep) {
            snprintf(err, errlen, "%s: line %ld: header: no column '%s', and the header looks separated by %s (use --delimiter %s)",
                     r->path, pos.line, r->fields[f], separator_name(sep, false), separator_name(sep, true));
            ok = false;
            break;
        }
        /* Old Mac files end their lines with CR alone: the whole file is
         * then one header line with the records' cells in it. */
        if (lone_cr(r->buf, r->len)) {
            snprintf(err, errlen, "%s: header: no column '%s', and the lines end with a carriage return alone (an old "
                     "Mac file); convert it first, e.g. tr '\\r' '\\n' < %s > converted.csv", r->path, r->fields[f], r->path);
            ok = false;
            break;
        }
        const char **names = xmalloc((size_t)n * sizeof *names);
        for (int c = 0; c < n; c++) {
            cols[c].s[cols[c].len] = '\0'; /* header cells are not needed again */
            names[c] = cols[c].s;
        }
        const char *best = closest_name(r->fields[f], names, n);
        if (best)
            snprintf(err, errlen, "%s: header: no column '%s' (did you mean '%s'?)", r->path, r->fields[f], best);
        else
            snprintf(err, errlen, "%s: header: no column '%s'", r->path, r->fields[f]);
        free(names);
        ok = false;
    }
    free(found);
    free(cols);
    return ok;
}

/* A bit for each of the 16 bytes at p that ends a plain field or stops
 * the plain reading: the separator, a line end, a quote, a byte of 0x80 or
 * more (which may start a UTF-8 sequence to check). */
static inline uint32_t stops16(const char *p, char delim)
{
    bytes16 v = bytes16_load(p);
    return bytes16_mask(bytes16_or(bytes16_or(bytes16_eq(v, delim), bytes16_eq(v, '\n')), bytes16_or(bytes16_eq(v, '"'), v)));
}

/* The record at buf[pos] read in one pass when it is plain, as nearly all
 * are: one line that the buffer holds to its '\n', no quote, ASCII only,
 * as many fields as the header.  Its cells go straight to their fields.
 * False, having changed nothing the general path reads (r->pos, line,
 * record), for anything else: a quote, a byte of 0x80 or more, a blank
 * line, a wrong field count, a line not yet read to its end, the last line
 * without its newline.  The general path then reads the record again and
 * says what is wrong with it, so each rule keeps one home there: this
 * pass only finds that none applies. */
/* The next stop of a plain record from *block on (the stops of the block
 * not yet taken in *stops), or len when there is none before len.  The
 * zeros after len are no stop, so no stop lies past it; buf[len], a zero,
 * is neither a separator nor a line end. */
static inline size_t next_stop(const char *buf, size_t len, char delim, size_t *block, uint32_t *stops)
{
    while (!*stops) {
        *block += 16;
        if (*block >= len)
            return len;
        *stops = stops16(buf + *block, delim);
    }
    size_t at = *block + (size_t)__builtin_ctz(*stops);
    *stops &= *stops - 1;
    return at;
}

static bool csv_plain(reader *r, cell *cells, record_pos *pos)
{
    const char *buf = r->buf, delim = r->delim;
    const size_t from = r->pos, len = r->len;
    if (from >= len || buf[from] == '\n' || buf[from] == '\r')
        return false;
    const int *col_field = r->col_field;
    const int last = r->ncols - 1;
    /* Reading 16 bytes from below len is safe: the reader keeps
     * READ_SLACK zero bytes after its data. */
    _Static_assert(READ_SLACK >= 16, "room to read 16 bytes from the last byte of data");
    size_t block = from, start = from;
    uint32_t stops = stops16(buf + block, delim);
    for (int c = 0; c < last; c++) {
        size_t at = next_stop(buf, len, delim, &block, &stops);
        if (buf[at] != delim)
            return false;
        int f = col_field[c];
        if (f >= 0) {
            size_t n = at - start;
            cells[f].s = buf + start;
            cells[f].len = (uint32_t)n;
            cells[f].state = n ? CELL_TEXT : CELL_MISSING;
        }
        start = at + 1;
    }
    size_t at = next_stop(buf, len, delim, &block, &stops);
    if (buf[at] != '\n')
        return false;
    size_t n = at - start;
    if (n && buf[at - 1] == '\r')
        n--;
    int f = col_field[last];
    if (f >= 0) {
        cells[f].s = buf + start;
        cells[f].len = (uint32_t)n;
        cells[f].state = n ? CELL_TEXT : CELL_MISSING;
    }
    pos->line = r->line++;
    pos->record = ++r->record;
    r->pos = at + 1;
    return true;
}

read_status csv_next(reader *r, cell *cells, record_pos *pos, char *err, size_t errlen)
{
    if (!r->nul_seen && csv_plain(r, cells, pos))
        return READ_OK;
    field stack[256];
    field *fields = r->ncols + 1 <= 256 ? stack : xmalloc((size_t)(r->ncols + 1) * sizeof *fields);
    int n = 0;
    char msg[256];
    int rc = next_fields(r, fields, r->ncols + 1, &n, pos, msg, sizeof msg);
    read_status st;
    long nul_line;
    int nul;
    if (rc == 0)
        st = READ_EOF;
    else if (rc == -2) {
        snprintf(err, errlen, "%s", msg);
        st = READ_FATAL;
    } else {
        pos->record = ++r->record;
        if (rc == -1) {
            snprintf(err, errlen, "%s", msg);
            st = READ_BAD_RECORD;
        } else if ((nul = nul_field(r, fields, n, pos->line, &nul_line)) >= 0) {
            if (nul < r->ncols)
                snprintf(err, errlen, "column '%.100s': the value holds a NUL byte", column_name(r, nul));
            else
                snprintf(err, errlen, "field %d: the value holds a NUL byte", nul + 1);
            if (nul_line != pos->line) {
                size_t used = strlen(err);
                snprintf(err + used, errlen - used, " (on line %ld)", nul_line);
            }
            st = READ_BAD_RECORD;
        } else if (n != r->ncols) {
            snprintf(err, errlen, "%d field%s, but the header has %d", n, n == 1 ? "" : "s", r->ncols);
            st = READ_BAD_RECORD;
        } else {
            st = READ_OK;
            /* Text in another encoding (Windows-1252 from Excel) would go
             * out as bytes no JSON or spreadsheet reads back.  Most records
             * are ASCII: one look at the whole record spares the cells. */
            bool ascii = n == 0 || utf8_ascii(fields[0].s, (size_t)(fields[n - 1].s + fields[n - 1].len - fields[0].s));
            for (int c = 0; c < n; c++) {
                int f = r->col_field[c];
                if (f < 0)
                    continue;
                if (fields[c].len == 0) {
                    cells[f].state = CELL_MISSING;
                    continue;
                }
                size_t bad = ascii ? fields[c].len : utf8_invalid(fields[c].s, fields[c].len);
                if (bad < fields[c].len) {
                    snprintf(err, errlen,
                             "column '%.100s': byte 0x%02X is not UTF-8; data must be UTF-8: convert it first, e.g. "
                             "iconv -f WINDOWS-1252 -t UTF-8 %.200s > converted.csv (with the file's real encoding)",
                             column_name(r, c), (unsigned char)fields[c].s[bad], r->path);
                    st = READ_BAD_RECORD;
                    break;
                }
                cells[f].s = fields[c].s;
                cells[f].len = fields[c].len;
                cells[f].state = CELL_TEXT;
            }
        }
    }
    if (fields != stack)
        free(fields);
    return st;
}
