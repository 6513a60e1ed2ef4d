/* writer.h - scores out: table, CSV, JSON or NDJSON, one record at a time. */
#ifndef RUBRIC_WRITER_H
#define RUBRIC_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "compile.h"
#include "eval.h"
#include "overrides.h"
#include "strbuf.h"

typedef enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON, OUT_NDJSON } out_format;

typedef struct writer writer;

bool out_format_parse(const char *name, out_format *out);

/* columns: indices of the policy outputs to write, in order.  Nothing is
 * written before the first record (or the close), so options may follow. */
writer *writer_open(FILE *f, out_format fmt, const program *prog, const char *id_name,
                    const int *columns, int ncolumns, bool color);
/* CSV exactly as the data has it, for machines: no spreadsheet escaping
 * (see csv_cell_write).  Call before the first record. */
void writer_set_raw(writer *w, bool raw);
void writer_record(writer *w, const char *id, size_t idlen, const rb_value *slots);
/* The same for an account scored with overrides (overrides_set into f):
 * JSON and NDJSON give each overridden output an "override" member with
 * what the rules computed and the row's reason, author and expiry; CSV
 * and the table write the values alone. */
typedef struct override_marks {
    const overrides *o;
    const frame *f;
} override_marks;
void writer_record_marked(writer *w, const char *id, size_t idlen, const rb_value *slots, const override_marks *m);
/* For the workers of run -j: a writer alike (format, columns, raw) whose
 * records' bytes are kept, not written, and without the document's start
 * or the separators between records: writer_kept says how many bytes so
 * far (where a record ends), writer_swap hands them over in out, whose
 * storage the writer keeps on in (no allocation per chunk).  writer_put
 * then writes one record's bytes in the output, in input order. */
writer *writer_open_kept(const writer *like);
size_t writer_kept(const writer *w);
void writer_swap(writer *w, strbuf *out);
void writer_put(writer *w, const char *s, size_t n);
/* Several records' kept bytes at once, where the format puts nothing
 * between records (CSV, NDJSON): true.  False, writing nothing, for JSON
 * and the table, whose records go one at a time through writer_put. */
bool writer_put_run(writer *w, const char *s, size_t n, long records);
/* Finishes the document; false when writing failed (disk full...). */
bool writer_close(writer *w);

/* Where a CSV cell's bytes go: a writer's buffer, a FILE. */
typedef void csv_sink(void *ctx, const char *s, size_t n);

/* One CSV cell, quoted as RFC 4180 needs (a comma, a quote, CR or LF
 * inside; quotes doubled).  text: the cell is text (an id, a text value),
 * not a number we printed.  escape: the CSV is for people, who open it in
 * a spreadsheet; then a text cell that begins with = + - @ tab or CR gets
 * a ' in front (OWASP's CSV injection rule: such a cell is a formula), and
 * a cell with a ; is quoted too, for spreadsheets that split on it.  The
 * one home of CSV quoting for every verb that writes CSV. */
void csv_cell_write(csv_sink *sink, void *ctx, const char *s, size_t n, bool text, bool escape);
/* Whether v prints as a number a spreadsheet reads as one, never to be
 * escaped: a finite number (-inf would read as a formula). */
bool csv_is_number(rb_value v);
/* The same onto a FILE. */
void csv_cell_fwrite(FILE *f, const char *s, size_t n, bool text, bool escape);

/* Display columns of UTF-8 text on a terminal, whatever the locale:
 * combining marks and zero-width characters 0, East Asian wide and
 * fullwidth characters 2, anything else (an invalid byte too) 1. */
size_t text_width(const char *s, size_t n);

/* A JSON string with everything JSON requires escaped, for the verbs that
 * write small JSON documents of their own (diff, calibrate). */
void json_write_string(FILE *f, const char *s);

/* A number for people, to `digits` significant digits, as a percentage
 * (times 100, with %) when percent and that does not overflow: the
 * report's labels and calibrate's table. */
void format_significant(double v, bool percent, int digits, char *buf, size_t cap);

/* A number for people: 3 significant digits (all of a larger integer
 * part), times 100 with % when percent, and as many more digits as it
 * takes for the text, read back, to compare with each of limits[] as v
 * does: 49.96% against < 50% shows 49.96%, not 50%.  A rounded value
 * keeps its zeros (43.0%), an exact one has none (50%).  In shortest
 * round-trip form when no number of digits does. */
void format_for_people(rb_num v, bool percent, const rb_num *limits, int nlimits, char *buf, size_t cap);

/* The value of a measure (or a group's score) as explain and test show
 * it: as a percentage when its thresholds are written as percentages
 * (25%), rounded by format_for_people against the thresholds it is
 * compared with for this account (f: the account, scored); others in
 * shortest round-trip form.  buf of at least 40 bytes. */
void step_value_format(const step *st, frame *f, rb_num v, char *buf, size_t cap);

/* Shared with explain: a value as text ("na" for na). */
int value_format(rb_value v, const scheme *sch, char *buf, size_t cap);

#endif
