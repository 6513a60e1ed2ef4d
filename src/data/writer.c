/* writer.c - the output formats.
 *
 * CSV: the id column, then one column per output; a banded output prints its
 * band, numbers print in shortest round-trip form, na is an empty cell;
 * text that a spreadsheet would run as a formula is escaped unless raw.
 * JSON and NDJSON: per output, its value, band and score.  Table: aligned
 * columns for people, widths fixed from the first rows so it still streams. */
#include "writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text_width.h"
#include "xalloc.h"

/* TABLE_WIDTH: the widest a table cell is shown, in display columns. */
enum { OUT_BUF = 1 << 16, TABLE_SAMPLE = 1000, TABLE_WIDTH = 40 };

/* csv: how an output column is written, found once at writer_open.  A
 * banded column's cells, na and no band included, are ready to copy:
 * entry i (0 for na and no band, b + 1 for band b) is the comma and the
 * band's name, zero padded to 16 bytes with its length in the last byte,
 * so a cell is one 16-byte copy and a length.  A name too long for that
 * (15 bytes or more) has 0 there and is copied from bands. */
typedef struct csv_col {
    size_t at;                /* the output's offset in bytes among the slots */
    int kind;                 /* VK_BANDED for a banded column, else -1 */
    char (*cells)[16];
    char (*band)[16];         /* cells + 1: band b's cell is band[b], na's band[-1] */
    size_t *len;              /* entry i's length */
    const char *const *bands; /* the scheme's names */
} csv_col;

struct writer {
    FILE *f;
    out_format fmt;
    const program *prog;
    const char *id_name;
    const int *columns;
    int ncolumns;
    bool color;
    bool raw;                /* csv: no spreadsheet escaping */
    bool started;            /* the header (csv) or the opening bracket (json) is out */
    long records;
    char *buf;
    size_t len;
    bool failed;
    /* csv: each column's plan; the buffer has OUT_BUF bytes and, past
     * them, room for every column's cell in its fast form and the
     * newline, so a record checks for room once, before its columns. */
    csv_col *col;
    /* table */
    int *width;
    char **pending;          /* rows kept to size the columns */
    int npending;
    strbuf *keep;            /* writer_open_kept: what is written, kept */
};

bool out_format_parse(const char *name, out_format *out)
{
    static const char *const names[] = {"table", "csv", "json", "ndjson"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (out_format)i;
            return true;
        }
    return false;
}

static void flush(writer *w)
{
    if (w->keep)
        strbuf_add(w->keep, w->buf, w->len);
    else if (w->len && fwrite(w->buf, 1, w->len, w->f) != w->len)
        w->failed = true;
    w->len = 0;
}

static inline uint64_t load8(const void *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static inline uint32_t load4(const void *p)
{
    uint32_t x;
    memcpy(&x, p, 4);
    return x;
}

/* n bytes of s, no byte past them read (s may end where its allocation
 * does): a short cell as two overlapping words, not a loop whose length
 * varies. */
static inline void copy_exact(char *dst, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a = load8(s), b = load8(s + n - 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a = load4(s), b = load4(s + n - 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            dst[i] = s[i];
    } else {
        memcpy(dst, s, n);
    }
}

static inline void put(writer *w, const char *s, size_t n)
{
    if (w->len + n > OUT_BUF) {
        flush(w);
        if (n > OUT_BUF && w->keep) {
            strbuf_add(w->keep, s, n);
            return;
        }
        if (n > OUT_BUF) {
            if (fwrite(s, 1, n, w->f) != n)
                w->failed = true;
            return;
        }
    }
    /* Cells are short (band names, small numbers): copy them inline. */
    char *dst = w->buf + w->len;
    if (n <= 16)
        for (size_t i = 0; i < n; i++)
            dst[i] = s[i];
    else
        memcpy(dst, s, n);
    w->len += n;
}

static void puts_(writer *w, const char *s) { put(w, s, strlen(s)); }

static const scheme *scheme_of_column(const writer *w, int col)
{
    return w->prog->pol->outputs[w->columns[col]]->scheme;
}

static rb_value column_value(const writer *w, const rb_value *slots, int col)
{
    return slots[w->prog->output_slot[w->columns[col]]];
}

static void writer_sink(void *ctx, const char *s, size_t n) { put(ctx, s, n); }

static void file_sink(void *ctx, const char *s, size_t n) { fwrite(s, 1, n, ctx); }

/* What a byte asks of a CSV cell: bit 0 quoting, bit 1 quoting when
 * escaping (';', which spreadsheets of some locales split at), bit 2 the
 * formula guard when it comes first.  One table lookup a byte instead of
 * five comparisons: the id of every record goes through here. */
static const uint8_t csv_byte[256] = {
    [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1 | 4, [';'] = 2,
    ['='] = 4, ['+'] = 4, ['-'] = 4, ['@'] = 4, ['\t'] = 4};

/* Where in the 8 bytes of x one may ask for quoting (the high bit of its
 * byte; 0 for none): every byte that does is below '-' or is ';' (see
 * csv_byte), and most text, ids above all, has none of those.  A word at
 * a time; csv_byte decides where this says maybe. */
static inline uint64_t csv_maybe(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t semi = x ^ (ones * ';');
    return (((x - ones * '-') & ~x) | ((semi - ones) & ~semi)) & highs;
}

/* What the cell s asks for (csv_cell_write): bit 0 quoting, bit 1 the
 * formula guard. */
static inline unsigned csv_needs(const char *s, size_t n, bool text, bool escape)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned need = escape && text && n && (csv_byte[u[0]] & 4) ? 2 : 0;
    unsigned mask = escape ? 3 : 1;
    size_t i = 0;
    if (n >= 8) {
        /* Whole words, then the last 8 bytes, overlapping. */
        while (i + 16 <= n && !csv_maybe(load8(u + i)))
            i += 8;
        if (!(csv_maybe(load8(u + i)) | csv_maybe(load8(u + n - 8))))
            return need;
    }
    for (; i < n; i++)
        if (csv_byte[u[i]] & mask)
            return need | 1;
    return need;
}

static inline void csv_cell_core(csv_sink *sink, void *ctx, const char *s, size_t n, bool text, bool escape)
{
    unsigned need = csv_needs(s, n, text, escape);
    bool quote = need & 1, formula = need & 2;
    if (!need) {
        sink(ctx, s, n);
        return;
    }
    if (quote)
        sink(ctx, "\"", 1);
    if (formula)
        sink(ctx, "'", 1);
    size_t start = 0;
    for (size_t i = 0; quote && i < n; i++)
        if (s[i] == '"') {
            sink(ctx, s + start, i + 1 - start);
            sink(ctx, "\"", 1);
            start = i + 1;
        }
    sink(ctx, s + start, n - start);
    if (quote)
        sink(ctx, "\"", 1);
}

void csv_cell_write(csv_sink *sink, void *ctx, const char *s, size_t n, bool text, bool escape)
{
    csv_cell_core(sink, ctx, s, n, text, escape);
}

bool csv_is_number(rb_value v)
{
    if (v.kind != VK_NUM)
        return false;
    double d = num_to_double(v.u.num);
    return d - d == 0; /* not NaN or infinite */
}

void csv_cell_fwrite(FILE *f, const char *s, size_t n, bool text, bool escape)
{
    csv_cell_write(file_sink, f, s, n, text, escape);
}

static void csv_cell(writer *w, const char *s, size_t n, bool text)
{
    csv_cell_core(writer_sink, w, s, n, text, !w->raw);
}

/* The escape for one byte of a JSON string, or NULL when it needs none. */
static const char *json_escape(unsigned char ch, char esc[8])
{
    if (ch >= 0x20 && ch != '"' && ch != '\\')
        return NULL;
    if (ch == '"' || ch == '\\')
        snprintf(esc, 8, "\\%c", ch);
    else if (ch == '\n')
        snprintf(esc, 8, "\\n");
    else if (ch == '\r')
        snprintf(esc, 8, "\\r");
    else if (ch == '\t')
        snprintf(esc, 8, "\\t");
    else
        snprintf(esc, 8, "\\u%04x", ch);
    return esc;
}

static void json_string(writer *w, const char *s, size_t n)
{
    put(w, "\"", 1);
    size_t start = 0;
    char esc[8];
    for (size_t i = 0; i < n; i++) {
        if (!json_escape((unsigned char)s[i], esc))
            continue;
        put(w, s + start, i - start);
        puts_(w, esc);
        start = i + 1;
    }
    put(w, s + start, n - start);
    put(w, "\"", 1);
}

void json_write_string(FILE *f, const char *s)
{
    char esc[8];
    putc('"', f);
    for (; *s; s++) {
        if (json_escape((unsigned char)*s, esc))
            fputs(esc, f);
        else
            putc(*s, f);
    }
    putc('"', f);
}

/* The value part of an output in JSON: numbers bare, text quoted. */
static void json_scalar(writer *w, rb_value v)
{
    char tmp[64];
    switch ((vkind)v.kind) {
    case VK_NA:
        puts_(w, "null");
        return;
    case VK_NUM:
    case VK_BANDED: {
        double d = num_to_double(v.u.num);
        if (d != d || d - d != 0) { /* NaN or infinite: not JSON numbers */
            puts_(w, "null");
            return;
        }
        put(w, tmp, (size_t)num_format(v.u.num, tmp));
        return;
    }
    case VK_BOOL:
        puts_(w, v.u.b ? "true" : "false");
        return;
    case VK_TEXT:
        json_string(w, v.u.text, v.len);
        return;
    default: {
        int n = value_format(v, NULL, tmp, sizeof tmp);
        json_string(w, tmp, (size_t)n);
        return;
    }
    }
}

/* An output's members: "value": ..., then a banded one's band, score
 * and, for a value no band line caught, no_band. */
static void json_output(writer *w, const symbol *s, rb_value v)
{
    puts_(w, "\"value\": ");
    json_scalar(w, v);
    if (s->type != TY_BANDED)
        return;
    puts_(w, ", \"band\": ");
    if (v.kind == VK_BANDED && v.band != BAND_NONE)
        json_string(w, s->scheme->bands[v.band], strlen(s->scheme->bands[v.band]));
    else
        puts_(w, "null");
    puts_(w, ", \"score\": ");
    if (v.kind == VK_BANDED && v.has_score)
        json_scalar(w, value_num(v.score));
    else
        puts_(w, "null");
    /* A value no band line caught: band null like na's, but the
     * value is there, and may itself be null (an overflow). */
    if (v.kind == VK_BANDED && v.band == BAND_NONE)
        puts_(w, ", \"no_band\": true");
}

/* An overridden output's "override" member: what the rules computed and
 * the row that set it (docs/overrides.md). */
static void json_override(writer *w, const symbol *s, const rb_value *computed, const override_row *r)
{
    char day[16];
    puts_(w, ", \"override\": {\"computed\": {");
    json_output(w, s, *computed);
    puts_(w, "}, \"reason\": ");
    json_string(w, r->reason, strlen(r->reason));
    puts_(w, ", \"author\": ");
    json_string(w, r->author, strlen(r->author));
    puts_(w, ", \"expires\": ");
    json_string(w, day, (size_t)date_format(r->expires, day));
    puts_(w, "}");
}

static void json_record(writer *w, const char *id, size_t idlen, const rb_value *slots, const override_marks *m)
{
    puts_(w, "{");
    json_string(w, w->id_name, strlen(w->id_name));
    puts_(w, ": ");
    json_string(w, id, idlen);
    for (int c = 0; c < w->ncolumns; c++) {
        const symbol *s = w->prog->pol->outputs[w->columns[c]];
        rb_value v = column_value(w, slots, c);
        puts_(w, ", ");
        json_string(w, s->name, strlen(s->name));
        puts_(w, ": {");
        json_output(w, s, v);
        for (int k = 0; m && k < m->f->novr; k++) {
            const override_row *r = overrides_row_of(m->o, m->f, k);
            if (r->output_index == w->columns[c])
                json_override(w, s, &m->f->computed[k], r);
        }
        puts_(w, "}");
    }
    puts_(w, "}");
}

/* A cell in no fast form (text, a fraction, a date...), after its comma;
 * through put, so it may be of any length.  Out of csv_record's loop, whose
 * registers it would take. */
__attribute__((noinline)) static void csv_other(writer *w, const rb_value *pv)
{
    char tmp[64];
    rb_value v = *pv;
    put(w, ",", 1);
    if (v.kind == VK_BANDED && v.band == BAND_NONE)
        return;
    if (v.kind == VK_TEXT) {
        csv_cell(w, v.u.text, v.len, true);
        return;
    }
    /* A number we printed is never a formula, -5 included; a date or a
     * duration is text, though ours never begin with a formula byte. */
    int n = value_format(v, NULL, tmp, sizeof tmp);
    csv_cell(w, tmp, (size_t)n, !csv_is_number(v));
}

/* Not inlined in writer_record_marked: its loop keeps what it needs in
 * registers. */
__attribute__((noinline)) static void csv_record(writer *w, const char *id, size_t idlen, const rb_value *slots)
{
    if (w->len + idlen > OUT_BUF)
        flush(w);
    if (idlen <= OUT_BUF && !csv_needs(id, idlen, true, !w->raw)) {
        copy_exact(w->buf + w->len, id, idlen);
        w->len += idlen;
    } else {
        csv_cell(w, id, idlen, true);
    }
    /* len <= OUT_BUF here and after any put: the cells in their fast
     * forms fit in the buffer's tail. */
    char *dst = w->buf + w->len;
    for (const csv_col *col = w->col, *end = col + w->ncolumns; col < end; col++) {
        const rb_value *v = (const rb_value *)((const char *)slots + col->at);
        const char *cell;
        if (__builtin_expect(v->kind == col->kind, 1)) {
            cell = col->band[v->band]; /* BAND_NONE: na's */
        } else if (v->kind == VK_NA) {
            cell = col->band[-1];
        } else if (v->kind == VK_NUM && v->u.num.q == 1) {
            /* A whole number (a count): digits and a sign, never quoted,
             * never a formula. */
            *dst++ = ',';
            dst += num_format(v->u.num, dst);
            continue;
        } else {
            w->len = (size_t)(dst - w->buf);
            csv_other(w, v);
            dst = w->buf + w->len;
            continue;
        }
        size_t n = (unsigned char)cell[15];
        memcpy(dst, cell, 16);
        if (__builtin_expect(n == 0, 0)) { /* a long name */
            size_t i = (size_t)(cell - col->cells[0]) / 16;
            n = col->len[i];
            memcpy(dst + 1, col->bands[i - 1], n - 1);
        }
        dst += n;
    }
    *dst++ = '\n';
    w->len = (size_t)(dst - w->buf);
}

/* A cell as the table shows it, added to row: control characters (a
 * newline, an escape sequence) as '?', and text wider than TABLE_WIDTH
 * columns cut to fit with an ellipsis; CSV and JSON keep everything. */
static void table_fit(char **row, size_t *len, size_t *cap, const char *s, size_t n)
{
    bool cut = text_width(s, n) > TABLE_WIDTH;
    size_t room = cut ? TABLE_WIDTH - 1 : TABLE_WIDTH, used = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_next((const unsigned char *)s + i, n - i, &cp);
        size_t cw = (size_t)char_width(cp);
        if (used + cw > room)
            break;
        used += cw;
        if (*len + 8 > *cap)
            *row = xrealloc(*row, *cap *= 2);
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            (*row)[(*len)++] = '?';
        else
            for (size_t j = 0; j < k; j++)
                (*row)[(*len)++] = s[i + j];
        i += k;
    }
    if (*len + 8 > *cap)
        *row = xrealloc(*row, *cap *= 2);
    if (cut) {
        memcpy(*row + *len, "\u2026", 3);
        *len += 3;
    }
    (*row)[(*len)++] = '\0';
}

/* Table rows are built as NUL-separated cells so they can wait for sizing. */
static char *table_row(writer *w, const char *id, size_t idlen, const rb_value *slots)
{
    size_t cap = 64 + (size_t)w->ncolumns * 24, len = 0;
    char *row = xmalloc(cap);
    table_fit(&row, &len, &cap, id, idlen);
    for (int c = 0; c < w->ncolumns; c++) {
        rb_value v = column_value(w, slots, c);
        char tmp[128];
        if (v.kind == VK_TEXT) {
            table_fit(&row, &len, &cap, v.u.text, v.len);
            continue;
        }
        int n = value_format(v, scheme_of_column(w, c), tmp, sizeof tmp);
        table_fit(&row, &len, &cap, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
    }
    return row;
}

/* The column names as a row of cells, fitted like the others. */
static char *table_header(const writer *w)
{
    size_t cap = 64, len = 0;
    char *row = xmalloc(cap);
    table_fit(&row, &len, &cap, w->id_name, strlen(w->id_name));
    for (int c = 0; c < w->ncolumns; c++) {
        const char *name = w->prog->pol->outputs[w->columns[c]]->name;
        table_fit(&row, &len, &cap, name, strlen(name));
    }
    return row;
}

static const char *band_color(const char *band)
{
    if (strcmp(band, "red") == 0)
        return "\033[31m";
    if (strcmp(band, "yellow") == 0)
        return "\033[33m";
    if (strcmp(band, "green") == 0)
        return "\033[32m";
    return NULL;
}

static void table_cell(writer *w, const char *s, int width, bool last)
{
    size_t n = strlen(s);
    int shown = (int)text_width(s, n);
    const char *color = w->color ? band_color(s) : NULL;
    if (color)
        puts_(w, color);
    put(w, s, n);
    if (color)
        puts_(w, "\033[0m");
    if (last)
        return;
    for (int i = shown; i < width + 2; i++)
        put(w, " ", 1);
}

static void table_emit(writer *w, const char *row)
{
    for (int c = 0; c <= w->ncolumns; c++) {
        table_cell(w, row, w->width[c], c == w->ncolumns);
        row += strlen(row) + 1;
    }
    put(w, "\n", 1);
}

static void table_flush_pending(writer *w)
{
    if (!w->pending)
        return;
    char *header = table_header(w);
    for (int i = -1; i < w->npending; i++) {
        const char *cell = i < 0 ? header : w->pending[i];
        for (int c = 0; c <= w->ncolumns; c++) {
            size_t n = strlen(cell);
            int width = (int)text_width(cell, n);
            if (width > w->width[c])
                w->width[c] = width;
            cell += n + 1;
        }
    }
    /* The header, aligned by the widths now known. */
    table_emit(w, header);
    free(header);
    for (int i = 0; i < w->npending; i++) {
        table_emit(w, w->pending[i]);
        free(w->pending[i]);
    }
    free(w->pending);
    w->pending = NULL;
}

/* Each column's csv_col; returns the room the buffer needs past OUT_BUF
 * for a record's cells in their fast forms and its newline. */
static size_t csv_plan(writer *w)
{
    size_t tail = 1;
    w->col = xcalloc((size_t)w->ncolumns + 1, sizeof *w->col);
    for (int c = 0; c < w->ncolumns; c++) {
        csv_col *col = &w->col[c];
        const scheme *sch = scheme_of_column(w, c);
        int nb = sch ? sch->nbands : 0;
        col->at = (size_t)w->prog->output_slot[w->columns[c]] * sizeof(rb_value);
        col->kind = nb ? VK_BANDED : -1;
        col->bands = sch ? sch->bands : NULL;
        col->cells = xcalloc((size_t)nb + 1, sizeof *col->cells);
        col->band = col->cells + 1;
        col->len = xmalloc(((size_t)nb + 1) * sizeof *col->len);
        /* A whole number: a comma, 20 characters and the NUL. */
        size_t bound = 32;
        for (int i = 0; i <= nb; i++) {
            size_t n = i ? strlen(sch->bands[i - 1]) + 1 : 1;
            col->len[i] = n;
            col->cells[i][0] = ',';
            if (n < 16) {
                if (i)
                    memcpy(col->cells[i] + 1, sch->bands[i - 1], n - 1);
                col->cells[i][15] = (char)n;
            }
            if (n > bound)
                bound = n;
        }
        tail += bound;
    }
    return tail;
}

writer *writer_open(FILE *f, out_format fmt, const program *prog, const char *id_name,
                    const int *columns, int ncolumns, bool color)
{
    writer *w = xcalloc(1, sizeof *w);
    w->f = f;
    w->fmt = fmt;
    w->prog = prog;
    w->id_name = id_name;
    w->columns = columns;
    w->ncolumns = ncolumns;
    w->color = color;
    w->buf = xmalloc(OUT_BUF + csv_plan(w));
    if (fmt == OUT_TABLE) {
        w->width = xcalloc((size_t)ncolumns + 1, sizeof *w->width);
        w->pending = xmalloc(TABLE_SAMPLE * sizeof *w->pending);
    }
    return w;
}

void writer_set_raw(writer *w, bool raw) { w->raw = raw; }

/* The CSV header or the JSON bracket, once, before the first record. */
static void start(writer *w)
{
    w->started = true;
    if (w->keep)
        return; /* a chunk of records: the output's writer starts the document */
    if (w->fmt == OUT_CSV) {
        /* Output names are identifiers; the id's name is the user's text. */
        csv_cell(w, w->id_name, strlen(w->id_name), true);
        for (int c = 0; c < w->ncolumns; c++) {
            const char *name = w->prog->pol->outputs[w->columns[c]]->name;
            put(w, ",", 1);
            csv_cell(w, name, strlen(name), true);
        }
        put(w, "\n", 1);
    } else if (w->fmt == OUT_JSON) {
        puts_(w, "[");
    }
}

/* A table row waits among the first rows that size the columns, or goes
 * out at once. */
static void table_add(writer *w, char *row)
{
    if (w->pending) {
        w->pending[w->npending++] = row;
        if (w->npending == TABLE_SAMPLE)
            table_flush_pending(w);
    } else {
        table_emit(w, row);
        free(row);
    }
}

void writer_record(writer *w, const char *id, size_t idlen, const rb_value *slots)
{
    /* CSV, the usual case, without the other formats' frame. */
    if (w->fmt == OUT_CSV && w->started) {
        csv_record(w, id, idlen, slots);
        w->records++;
        return;
    }
    writer_record_marked(w, id, idlen, slots, NULL);
}

void writer_record_marked(writer *w, const char *id, size_t idlen, const rb_value *slots, const override_marks *m)
{
    if (!w->started)
        start(w);
    switch (w->fmt) {
    case OUT_CSV:
        csv_record(w, id, idlen, slots);
        break;
    case OUT_JSON:
        if (!w->keep) /* writer_put adds the separator */
            puts_(w, w->records ? ",\n" : "\n");
        json_record(w, id, idlen, slots, m);
        break;
    case OUT_NDJSON:
        json_record(w, id, idlen, slots, m);
        put(w, "\n", 1);
        break;
    case OUT_TABLE: {
        char *row = table_row(w, id, idlen, slots);
        if (w->keep) { /* its NUL-separated cells, as they are */
            size_t n = 0;
            for (int c = 0; c <= w->ncolumns; c++)
                n += strlen(row + n) + 1;
            put(w, row, n);
            free(row);
        } else {
            table_add(w, row);
        }
        break;
    }
    }
    w->records++;
}

writer *writer_open_kept(const writer *like)
{
    writer *w = writer_open(NULL, like->fmt, like->prog, like->id_name, like->columns, like->ncolumns, false);
    w->raw = like->raw;
    w->keep = xcalloc(1, sizeof *w->keep);
    return w;
}

size_t writer_kept(const writer *w) { return w->keep->len + w->len; }

void writer_swap(writer *w, strbuf *out)
{
    flush(w);
    strbuf kept = *w->keep;
    *w->keep = *out;
    w->keep->len = 0;
    *out = kept;
}

void writer_put(writer *w, const char *s, size_t n)
{
    if (!w->started)
        start(w);
    if (w->fmt == OUT_TABLE) {
        char *row = xmalloc(n);
        memcpy(row, s, n);
        table_add(w, row);
    } else {
        if (w->fmt == OUT_JSON)
            puts_(w, w->records ? ",\n" : "\n");
        put(w, s, n);
    }
    w->records++;
}

bool writer_put_run(writer *w, const char *s, size_t n, long records)
{
    if (w->fmt != OUT_CSV && w->fmt != OUT_NDJSON)
        return false;
    if (!w->started)
        start(w);
    put(w, s, n); /* past the buffer's size: written straight from s */
    w->records += records;
    return true;
}

bool writer_close(writer *w)
{
    if (!w->started)
        start(w);
    if (w->fmt == OUT_JSON)
        puts_(w, w->records ? "\n]\n" : "]\n");
    if (w->fmt == OUT_TABLE)
        table_flush_pending(w);
    flush(w);
    if (!w->keep && (fflush(w->f) != 0 || ferror(w->f)))
        w->failed = true;
    bool ok = !w->failed;
    for (int c = 0; c < w->ncolumns; c++) {
        free(w->col[c].len);
        free(w->col[c].cells);
    }
    free(w->col);
    free(w->buf);
    free(w->width);
    if (w->keep)
        strbuf_free(w->keep);
    free(w->keep);
    free(w);
    return ok;
}
