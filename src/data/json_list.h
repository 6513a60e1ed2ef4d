/* json_list.h - the elements of a list input held by a JSON key, as the
 * reader's strict check found them (json_check.c): one row of cells per
 * element, the record's fields in declaration order (the same cells
 * reader.h gives for an account), with no second pass over the text. */
#ifndef RUBRIC_JSON_LIST_H
#define RUBRIC_JSON_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader.h"

/* Where one member of a JSON object lies, as the strict check found it, so
 * that values are read from their text and NULs found per key without
 * another pass: a member of the record being read, or of an element of an
 * array the record holds. */
typedef struct json_member {
    uint32_t key, key_len; /* offsets in the record; the key with its quotes */
    uint32_t val, val_len;
    bool key_nul, val_nul; /* a \u0000 escape in the key, in the value (a string: an object's or array's is no one's) */
    bool key_esc, val_esc; /* any escape in the key, in the value (a string, as above) */
    bool val_exp;          /* an exponent in the value (a number, as above) */
} json_member;

/* An array that is a wanted key's value in the record: its elements, from
 * elem in the reader's json_elem list.  val: the member's val, to find
 * the array of a member. */
typedef struct json_array_at {
    uint32_t val, elem, nelems;
} json_array_at;

/* One element of an array that is a wanted key's value.  The check
 * notes the elements up to the first that is not an object (the list
 * stops being read there), and each object's members. */
typedef struct json_elem {
    uint32_t member, nmembers; /* its members, from member in the reader's element members */
    char open;                 /* its first byte: '{' for an object */
} json_elem;

/* A record's array, as the check found it: what a JSON array's cell points
 * to (cell.list).  Valid until the reader reads the next record. */
struct json_list {
    const char *text;          /* the record: the members' offsets are from here */
    size_t len;                /* the array's text, which no unescaped text is longer than */
    const json_elem *elems;
    uint32_t nelems;
    const json_member *members; /* the elements' members */
};

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

/* The array's elements: buf->cells[i*nfields + f] for element i (0-based)
 * and field f (fields matched by exact key, other keys ignored; a field's
 * key given twice in one element is an error).  Returns the number of
 * elements, or -1 with a message in err naming the element by its 1-based
 * position: "[3]: expected a record (an object), found a list", "[2]: key
 * 'x' appears twice".  A field's value that is an object or an array is
 * CELL_NESTED with s "an object" or "a list"; null is CELL_MISSING; a
 * number keeps its text as written; true and false are the texts "true"
 * and "false".  A \u0000 in a field's text is an error, as in an
 * account's.  Cells point into the record or into buf, valid until the
 * next call with buf. */
long json_list_cells(const struct json_list *list, const char *const *fields, int nfields, json_list_buf *buf,
                     char *err, size_t errlen);
void json_list_buf_free(json_list_buf *buf);

/* The JSON string s[0..n) (between its quotes) unescaped into dst, which
 * has room for n bytes: every escape is at least as long as what it stands
 * for.  Returns the length written, or -1 when an escape is not valid;
 * *nul when it held a \u0000. */
long json_unescape(const char *s, size_t n, char *dst, bool *nul);

#endif
