/* json_list.h - the elements of a list input held by a JSON key: the raw
 * text of an array of objects, already checked as JSON by the reader,
 * split into one row of cells per element, the record's fields in
 * declaration order (the same cells reader.h gives for an account). */
#ifndef RUBRIC_JSON_LIST_H
#define RUBRIC_JSON_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "reader.h"

/* Where the cells and the unescaped texts of the last call live.  Start
 * from all zero; reused from one call to the next, so that once it is big
 * enough no call allocates. */
typedef struct json_list_buf {
    cell *cells;
    size_t cap;          /* cells allocated */
    char *text;          /* strings that held an escape, unescaped */
    size_t text_cap;
    size_t text_len;
} json_list_buf;

/* Splits the array text[0..len) into elements: buf->cells[i*nfields + f]
 * for element i (0-based) and field f (fields matched by exact key, other
 * keys ignored; a field's key given twice in one element is an error).
 * Returns the number of elements, or -1 with a message in err naming the
 * element by its 1-based position: "[3]: expected a record (an object),
 * found a list", "[2]: key 'x' appears twice".  A field's value that is an
 * object or an array is CELL_NESTED with s "an object" or "a list"; null
 * is CELL_MISSING; a number keeps its text as written; true and false are
 * the texts "true" and "false".  A \u0000 in a field's text is an error,
 * as in an account's.  Cells point into text or into buf, valid until the
 * next call with buf. */
long json_list_cells(const char *text, size_t len, const char *const *fields, int nfields, json_list_buf *buf,
                     char *err, size_t errlen);
void json_list_buf_free(json_list_buf *buf);

/* The JSON string s[0..n) (between its quotes) unescaped into dst, which
 * has room for n bytes: every escape is at least as long as what it stands
 * for.  Returns the length written, or -1 when an escape is not valid;
 * *nul when it held a \u0000. */
long json_unescape(const char *s, size_t n, char *dst, bool *nul);

#endif
