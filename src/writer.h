/* writer.h - scores out: table, CSV, JSON or NDJSON, one record at a time. */
#ifndef RUBRIC_WRITER_H
#define RUBRIC_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "compile.h"

typedef enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON, OUT_NDJSON } out_format;

typedef struct writer writer;

bool out_format_parse(const char *name, out_format *out);

/* columns: indices of the policy outputs to write, in order. */
writer *writer_open(FILE *f, out_format fmt, const program *prog, const char *id_name,
                    const int *columns, int ncolumns, bool color);
void writer_record(writer *w, const char *id, size_t idlen, const rb_value *slots);
/* Finishes the document; false when writing failed (disk full...). */
bool writer_close(writer *w);

/* A JSON string with everything JSON requires escaped, for the verbs that
 * write small JSON documents of their own (diff, calibrate). */
void json_write_string(FILE *f, const char *s);

/* A number for people, to `digits` significant digits, as a percentage
 * (times 100, with %) when percent and that does not overflow: the
 * report's labels and calibrate's table. */
void format_significant(double v, bool percent, int digits, char *buf, size_t cap);

/* Shared with explain: a value as text ("na" for na). */
int value_format(rb_value v, const scheme *sch, char *buf, size_t cap);

#endif
