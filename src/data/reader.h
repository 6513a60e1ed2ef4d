/* reader.h - account records from CSV, JSON or NDJSON, one at a time.
 *
 * The caller names the fields it wants once, when the file is opened; the
 * reader maps them to CSV columns or JSON keys and hands back, per record,
 * one cell per wanted field.  Memory stays bounded by the largest record,
 * whatever the number of records: a top-level JSON array is read element by
 * element.  Cells point into the reader's buffer and are valid until the
 * next call. */
#ifndef RUBRIC_READER_H
#define RUBRIC_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef enum data_format { DATA_AUTO, DATA_CSV, DATA_JSON, DATA_NDJSON } data_format;

typedef enum cell_state {
    CELL_MISSING,   /* empty CSV cell, absent or null JSON key */
    CELL_TEXT,
    CELL_NESTED,    /* a JSON object, or an array (its text, for a list input) */
} cell_state;

typedef struct cell {
    const char *s;
    uint32_t len;
    uint8_t state;
    /* A JSON array's cell (CELL_NESTED, s the array's text): its
     * elements as the reader found them (json_list.h).  Not set in any
     * other cell. */
    const struct json_list *list;
} cell;

/* A CELL_NESTED as a message names it, for "%.*s": a JSON array's cell
 * holds the array's text (a list input's elements), said as "a list";
 * other nested cells hold what to say ("an object"). */
#define NESTED_SHOWN(c) \
    ((c)->len && (c)->s[0] == '[' ? 6 : (int)(c)->len), ((c)->len && (c)->s[0] == '[' ? "a list" : (c)->s)

typedef struct record_pos {
    long record;    /* 1-based data record number */
    long line;      /* line where the record starts */
} record_pos;

typedef enum read_status {
    READ_OK = 1,
    READ_EOF = 0,
    READ_BAD_RECORD = -1,   /* this record is malformed; the next can be read */
    READ_FATAL = -2,        /* cannot go on (I/O error, broken structure) */
} read_status;

typedef struct reader reader;

/* How to read a data file, as the command line says.  All zero is the
 * default: the format from the file name, commas, the default missing
 * values. */
typedef struct read_opts {
    data_format format;
    char delimiter;          /* the CSV field separator; 0 is ',' */
    const char *na_values;   /* comma-separated missing-value spellings
                                (record.h); NULL is NA_VALUES_DEFAULT */
} read_opts;

/* The missing-value spellings when --na-values is not given.  "-" is not
 * one: a spreadsheet's accounting format shows zero as "-". */
#define NA_VALUES_DEFAULT "NA,N/A,n/a,na,#N/A,NULL,null"

/* A --delimiter argument: ",", ";", "|", a tab, "tab" or "\t".  False when
 * it is none of them. */
bool delimiter_parse(const char *arg, char *out);

/* fields[0..nfields-1]: the names wanted.  required[i]: a CSV header
 * without that column is an error (JSON keys may be absent: na).  NULL,
 * having said why on d, when the file cannot be opened or its header is
 * wrong.  opts may be NULL (the defaults).  d gets the reader's every
 * message (reader_report_to changes that); it must outlive the reader. */
reader *reader_open(const char *path, const read_opts *opts, const char *const *fields,
                    const bool *required, int nfields, diag *d);
/* Where the reader's messages go from now on. */
void reader_report_to(reader *r, diag *d);
/* A malformed record is said on the reader's diag with its number and line
 * (READ_BAD_RECORD), and so is what stops the reading (READ_FATAL).  The
 * cells hold the record only after READ_OK. */
read_status reader_next(reader *r, cell *cells, record_pos *pos);
void reader_close(reader *r);
const char *data_format_name(data_format f);
bool data_format_parse(const char *name, data_format *out);
/* The format a file's name says (.csv, .json, .ndjson, .jsonl), else
 * DATA_AUTO. */
data_format data_format_of_path(const char *path);
/* Once the records are read: true, having said so naming the file, when a
 * wanted field is a key that no JSON record had (the CSV header's missing
 * column, found at the end; a key missing from some records is only na
 * there).  The did-you-mean comes from the keys the records did have. */
bool reader_missing_key(const reader *r);
/* Leaves field out of reader_missing_key: a key the records need not have
 * (a list input whose rows come from --table). */
void reader_key_optional(reader *r, int field);
/* The format being read: DATA_CSV, DATA_JSON or DATA_NDJSON. */
data_format reader_format(const reader *r);
/* Total bytes consumed so far (for progress lines). */
uint64_t reader_bytes(const reader *r);

/* -j: the input cut into chunks of whole records, each read by a
 * reader of its own on another thread.  reader_cut hands over, after the
 * header, about want bytes of whole records (more when one record is
 * longer) in *buf (of *cap bytes, reallocated when too small) followed by
 * zero bytes: their length, 0 at
 * the end of input, -1 when it cannot read on (reader_cut_failure says
 * why; the caller says it once the chunks before are done, naming the line
 * where they end).  A JSON array is cut between its elements, and not at
 * its end: reader_cut returns 0 before the closing ']', or before anything
 * that is not a ',' and another element, and the reader reads the rest
 * itself (reader_resume). */
long reader_cut(reader *r, size_t want, char **buf, size_t *cap);
const char *reader_cut_failure(const reader *r);
/* A reader of chunks with like's format and columns, its messages on d. */
reader *reader_for_chunks(const reader *like, diag *d);
/* From now on r reads data[0..n) (copied), its first line numbered line,
 * its records numbered after record. */
void reader_chunk(reader *r, const char *data, size_t n, long line, long record);
/* After reader_cut's last chunk: r reads on from where it cut, at that
 * line, its records numbered after record. */
void reader_resume(reader *r, long line, long record);
/* The line and the record number the reader is at. */
long reader_line(const reader *r);
long reader_record(const reader *r);
/* What a chunk reader saw of the JSON keys, added to into's for
 * reader_missing_key. */
void reader_merge_keys(reader *into, const reader *from);

#endif
