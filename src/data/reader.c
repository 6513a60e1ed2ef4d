/* reader.c - opening data, choosing the format, refilling the buffer. */
#include "reader_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"


const char *data_format_name(data_format f)
{
    static const char *const names[] = {"auto", "csv", "json", "ndjson"};
    return names[f];
}

bool data_format_parse(const char *name, data_format *out)
{
    for (int f = DATA_CSV; f <= DATA_NDJSON; f++)
        if (strcmp(name, data_format_name((data_format)f)) == 0) {
            *out = (data_format)f;
            return true;
        }
    if (strcmp(name, "jsonl") == 0) {
        *out = DATA_NDJSON;
        return true;
    }
    return false;
}

bool delimiter_parse(const char *arg, char *out)
{
    if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0) {
        *out = '\t';
        return true;
    }
    if (arg[0] && !arg[1] && strchr(",;|\t", arg[0])) {
        *out = arg[0];
        return true;
    }
    return false;
}

data_format data_format_of_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    data_format f;
    if (dot && data_format_parse(dot + 1, &f))
        return f;
    return DATA_AUTO;
}

/* Text in UTF-16 reads as garbage with a NUL in every other byte: say what
 * it is and how to convert it.  Returns the iconv source encoding, or NULL
 * when the start of the file does not look like UTF-16. */
static const char *utf16_kind(const unsigned char *b, size_t len, const char **why)
{
    /* UTF-32 starts like UTF-16 (FF FE), so it is told apart first. */
    if (len >= 4 && ((b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) ||
                     (b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF))) {
        *why = "it starts with a UTF-32 byte order mark";
        return "UTF-32";
    }
    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        *why = "it starts with a UTF-16 byte order mark";
        return "UTF-16";
    }
    size_t n = len < 64 ? len & ~(size_t)1 : 64;
    if (n < 4)
        return NULL;
    size_t zero[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        zero[i & 1] += b[i] == 0;
    *why = "every other byte is a NUL";
    if (zero[1] == n / 2 && zero[0] == 0)
        return "UTF-16LE";
    if (zero[0] == n / 2 && zero[1] == 0)
        return "UTF-16BE";
    return NULL;
}

static reader *open_format(const char *path, const read_opts *opts, const char *const *fields,
                           const bool *required, int nfields, char *err, size_t errlen)
{
    data_format fmt = opts ? opts->format : DATA_AUTO;
    reader *r = xcalloc(1, sizeof *r);
    r->delim = opts && opts->delimiter ? opts->delimiter : ',';
    size_t plen = strlen(path);
    if (!(opts && opts->delimiter) && plen > 4 && strcmp(path + plen - 4, ".tsv") == 0)
        r->delim = '\t'; /* the name says tab-separated */
    r->path = path;
    r->fields = fields;
    r->nfields = nfields;
    r->line = 1;
    if (strcmp(path, "-") == 0) {
        r->fd = 0;
        r->path = "standard input"; /* what messages name it */
    } else {
        r->fd = open(path, O_RDONLY);
        if (r->fd < 0) {
            snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
            free(r);
            return NULL;
        }
        r->close_fd = true;
        if (fmt == DATA_AUTO)
            fmt = data_format_of_path(path);
    }
    r->cap = READ_CHUNK;
    r->buf = xmalloc(r->cap + READ_SLACK);
    memset(r->buf, 0, READ_SLACK);
    if (inbuf_fill(r) < 0) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        reader_close(r);
        return NULL;
    }
    const char *why, *utf16 = utf16_kind((const unsigned char *)r->buf, r->len, &why);
    if (utf16) {
        /* The suggested copy keeps the extension, so its format is known. */
        const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
        int stem = dot && dot > (slash ? slash : path) ? (int)(dot - path) : (int)strlen(path);
        if (r->close_fd)
            snprintf(err, errlen, "%s: line 1: this looks like %.6s text (%s), but data must be UTF-8; "
                     "convert it first, e.g. iconv -f %s -t UTF-8 %s > %.*s-utf8%s",
                     path, utf16, why, utf16, path, stem, path, path + stem);
        else
            snprintf(err, errlen, "%s: line 1: this looks like %.6s text (%s), but data must be UTF-8; "
                     "convert it first, e.g. through iconv -f %s -t UTF-8",
                     r->path, utf16, why, utf16);
        reader_close(r);
        return NULL;
    }
    /* A UTF-8 byte order mark says nothing about the data: skip it. */
    if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    if (fmt == DATA_AUTO) {
        size_t i = r->pos;
        while (i < r->len && (r->buf[i] == ' ' || r->buf[i] == '\t' || r->buf[i] == '\r' || r->buf[i] == '\n'))
            i++;
        fmt = i < r->len && r->buf[i] == '[' ? DATA_JSON : i < r->len && r->buf[i] == '{' ? DATA_NDJSON : DATA_CSV;
    }
    r->fmt = fmt;
    bool ok = fmt == DATA_CSV ? csv_open(r, required, err, errlen) : json_open(r, err, errlen);
    if (!ok) {
        reader_close(r);
        return NULL;
    }
    return r;
}

reader *reader_open(const char *path, const read_opts *opts, const char *const *fields,
                    const bool *required, int nfields, diag *d)
{
    char err[512];
    reader *r = open_format(path, opts, fields, required, nfields, err, sizeof err);
    if (!r)
        diag_fail(d, "%s", err);
    else
        r->diag = d;
    return r;
}

void reader_report_to(reader *r, diag *d) { r->diag = d; }

read_status reader_next(reader *r, cell *cells, record_pos *pos)
{
    /* A CSV record sets the cell of every column it maps: only the fields
     * no column gives need setting here. */
    if (r->fmt == DATA_CSV)
        for (int i = 0; i < r->nno_column; i++)
            cells[r->no_column[i]].state = CELL_MISSING;
    else
        for (int i = 0; i < r->nfields; i++)
            cells[i].state = CELL_MISSING;
    char msg[512];
    read_status st = r->fmt == DATA_CSV ? csv_next(r, cells, pos, msg, sizeof msg) : json_next(r, cells, pos, msg, sizeof msg);
    if (st == READ_BAD_RECORD)
        diag_record(r->diag, r->path, pos->record, pos->line, "%s", msg);
    else if (st == READ_FATAL)
        diag_fail(r->diag, "%s: %s", r->path, msg);
    return st;
}


uint64_t reader_bytes(const reader *r) { return r->consumed + r->pos; }

void reader_key_optional(reader *r, int field)
{
    if (!r->optional)
        r->optional = xcalloc((size_t)r->nfields + 1, sizeof *r->optional);
    r->optional[field] = true;
}

data_format reader_format(const reader *r) { return r->fmt; }

bool reader_missing_key(const reader *r)
{
    /* A CSV header lacking a column was refused when the file was opened. */
    char msg[512];
    if (r->fmt == DATA_CSV || !json_missing_key(r, msg, sizeof msg))
        return false;
    diag_fail(r->diag, "%s", msg);
    return true;
}

void reader_close(reader *r)
{
    if (!r)
        return;
    if (r->fmt != DATA_CSV)
        json_close(r);
    if (r->close_fd)
        close(r->fd);
    free(r->buf);
    free(r->col_field);
    free(r->no_column);
    free(r->header);
    free(r->key_after);
    free(r->seen);
    free(r->optional);
    free(r->members);
    for (int i = 0; i < r->nother_keys; i++)
        free(r->other_keys[i]);
    free(r->other_keys);
    free(r);
}
