/* reader_chunk.c - the data cut into chunks of whole records, for -j,
 * and the readers that read one chunk at a time on other threads. */
#include <stdlib.h>
#include <string.h>

#include "reader_internal.h"
#include "xalloc.h"

/* Where the last record that ends in buf[from..end) ends (after its
 * newline), or from when none does.  A newline ends a record unless a
 * quoted CSV field holds it: the quotes are followed as csv_reader.c's
 * record_end follows them, from a record's start, where no field is open. */
static size_t last_boundary(const reader *r, size_t from, size_t end)
{
    const char *b = r->buf;
    if (r->fmt != DATA_CSV || !memchr(b + from, '"', end - from)) {
        for (size_t i = end; i > from; i--)
            if (b[i - 1] == '\n')
                return i;
        return from;
    }
    bool quoted = false, field_start = true, just_closed = false;
    size_t cut = from;
    for (size_t i = from; i < end; i++) {
        char ch = b[i];
        if (quoted) {
            if (ch == '"') {
                quoted = false;
                just_closed = true;
            }
            continue;
        }
        if (ch == '"' && (field_start || just_closed))
            quoted = true;
        else if (ch == '\n')
            cut = i + 1;
        field_start = ch == r->delim || ch == '\n';
        just_closed = false;
    }
    return cut;
}

long reader_cut(reader *r, size_t want, char **buf, size_t *cap)
{
    for (;;) {
        size_t avail = r->len - r->pos;
        if (r->cut_done)
            return 0;
        if (avail >= want || r->eof) {
            size_t end = avail > want ? r->pos + want : r->len;
            /* The rest of the input ends its last record, newline or not. */
            size_t cut = r->fmt == DATA_JSON              ? json_last_boundary(r, r->pos, end, &r->cut_done)
                         : r->eof && end == r->len ? r->len
                                                   : last_boundary(r, r->pos, end);
            if (cut > r->pos) {
                r->cut_any = true;
                size_t n = cut - r->pos;
                if (n > *cap) {
                    free(*buf);
                    *cap = n;
                    *buf = xmalloc(n + READ_SLACK);
                }
                memcpy(*buf, r->buf + r->pos, n);
                memset(*buf + n, 0, READ_SLACK);
                r->pos = cut;
                return (long)n;
            }
            if (r->cut_done || (r->eof && avail == 0))
                return 0;
            want *= 2; /* a record longer than a chunk */
            continue;
        }
        if (inbuf_fill(r) < 0)
            return -1;
    }
}

reader *reader_for_chunks(const reader *like, diag *d)
{
    reader *r = xcalloc(1, sizeof *r);
    r->diag = d;
    r->fd = -1;
    r->eof = true;
    r->fmt = like->fmt;
    r->path = like->path;
    r->fields = like->fields;
    r->nfields = like->nfields;
    r->delim = like->delim;
    r->ncols = like->ncols;
    if (like->fmt == DATA_CSV) {
        r->col_field = xmalloc((size_t)like->ncols * sizeof *r->col_field);
        memcpy(r->col_field, like->col_field, (size_t)like->ncols * sizeof *r->col_field);
        r->nno_column = like->nno_column;
        r->no_column = xmalloc(((size_t)like->nno_column + 1) * sizeof *r->no_column);
        memcpy(r->no_column, like->no_column, (size_t)like->nno_column * sizeof *r->no_column);
        size_t n = 0;
        for (int c = 0; c < like->ncols; c++)
            n += strlen(like->header + n) + 1;
        r->header = xmalloc(n);
        memcpy(r->header, like->header, n);
    } else {
        json_open_chunks(r);
    }
    return r;
}

void reader_chunk(reader *r, const char *data, size_t n, long line, long record)
{
    /* A copy: the readers write into their buffer (unescaped fields), and
     * the chunk may have to be read again. */
    if (n > r->cap) {
        free(r->buf);
        r->cap = n;
        r->buf = xmalloc(n + READ_SLACK);
    }
    memcpy(r->buf, data, n);
    memset(r->buf + n, 0, READ_SLACK);
    r->len = n;
    r->pos = 0;
    r->line = line;
    r->record = record;
    r->chunk_first = record;
    r->nul_seen = memchr(data, 0, n) != NULL;
}

const char *reader_cut_failure(const reader *r)
{
    return r->cap >= (64 << 20) ? "a record longer than 64 MiB" : "read error";
}

void reader_resume(reader *r, long line, long record)
{
    r->line = line;
    r->record = record;
}

long reader_line(const reader *r) { return r->line; }
long reader_record(const reader *r) { return r->record; }

void reader_merge_keys(reader *into, const reader *from)
{
    into->objects += from->objects;
    if (from->nseen > into->nseen) {
        into->seen = xrealloc(into->seen, (size_t)from->nseen * sizeof *into->seen);
        memset(into->seen + into->nseen, 0, (size_t)(from->nseen - into->nseen) * sizeof *into->seen);
        into->nseen = from->nseen;
    }
    for (int f = 0; f < from->nseen; f++)
        if (from->seen[f] && !into->seen[f])
            into->seen[f] = 1;
    for (int u = 0; u < from->nother_keys && into->nother_keys < JSON_OTHER_KEYS; u++) {
        bool known = false;
        for (int k = 0; k < into->nother_keys && !known; k++)
            known = strcmp(into->other_keys[k], from->other_keys[u]) == 0;
        if (known)
            continue;
        if (!into->other_keys)
            into->other_keys = xmalloc(JSON_OTHER_KEYS * sizeof *into->other_keys);
        into->other_keys[into->nother_keys++] = xstrdup(from->other_keys[u]);
    }
}
