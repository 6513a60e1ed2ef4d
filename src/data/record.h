/* record.h - one account's cells turned into the typed inputs of a policy. */
#ifndef RUBRIC_RECORD_H
#define RUBRIC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "json_list.h"
#include "policy.h"
#include "reader.h"
#include "table.h"
#include "value.h"

/* The missing-value spellings of a run (--na-values), ready to match.  A
 * cell is compared with them only when its length and first byte could
 * start one, which most cells (numbers, dates) cannot: the test costs a
 * compare and a bit lookup. */
typedef struct na_set {
    const char *list;        /* comma-separated, as given; not owned */
    uint64_t first[4];       /* bitmap of the spellings' first bytes, plus space and tab */
    uint32_t minlen, maxlen; /* of the spellings; minlen > maxlen when there are none */
    bool digits;             /* one of them is all digits, as a number's cell may be */
} na_set;

void na_set_init(na_set *na, const char *list);
/* Whether the cell, spaces and tabs around it ignored, is a missing-value
 * spelling. */
bool na_set_has(const na_set *na, const char *s, uint32_t len);

/* A number column's style, percent (45%) or plain (0.45, 45), as first
 * seen in the file being read. */
typedef struct num_style {
    long record, line;
    char shown[24];          /* the value that set it */
} num_style;

/* A list input's elements from a table file (--table NAME=FILE), one row
 * of cells per element, the record's fields in declaration order: what the
 * scan gives record_load for the account being loaded.  JSON data needs
 * none: the account's key holds the list. */
typedef struct list_rows {
    const cell *cells;        /* nrows * the record's nfields */
    const record_pos *pos;    /* per row: its record and line in path */
    long nrows;
    const char *path;         /* the table file; NULL: no table given */
} list_rows;

struct list_store;

/* The fields a reader must provide for a policy: the account id first, then
 * each input (an input named like the id shares its column).  field_of_input
 * maps input index -> field index.  A layout serves one reading of one
 * file: it remembers each number input's style (a column may not mix 45%
 * and 45), so each file read gets a fresh one. */
/* A list input's elements as loaded for the current account: reused from
 * one account to the next, so that loading allocates only while the
 * largest list so far grows.  Its fields' number styles are the file's, as
 * a number column's (run -j compares and carries them between chunks). */
struct list_store {
    rb_value *values;
    size_t cap;
    rb_list list;
    json_list_buf json;
    uint8_t *style;          /* per field: as an account's number column */
    num_style *style_at;
};

typedef struct record_layout {
    const char **fields;
    bool *required;
    int nfields;
    int *field_of_input;
    int *same_as;     /* shared layouts: the base policy's input declared alike, or -1 */
    na_set na;
    uint8_t *style;   /* per input: NUM_UNSEEN, NUM_PLAIN or NUM_PERCENT */
    num_style *style_at;
    diag *diag;       /* where a record's fault is said (record_layout_report) */
    list_rows *lists;         /* per list input, in input order; set before record_load */
    int nlists;
    int *list_of_input;       /* input index -> index in lists, or -1 */
    struct list_store *stores; /* per list input: the elements loaded */
    const char *path, *label;
} record_layout;

enum { NUM_UNSEEN, NUM_PLAIN, NUM_PERCENT };

/* opts: the run's data options (--na-values); NULL for the defaults. */
void record_layout_init(record_layout *l, const policy *p, const char *id_field, const read_opts *opts);
/* A second policy read from the same records: other maps its inputs to
 * base's fields, adding to base the fields only it needs.  other owns no
 * field list; base must outlive it. */
void record_layout_share(record_layout *base, const policy *base_policy, record_layout *other, const policy *p);
void record_layout_free(record_layout *l);
/* Where record_load says a record's fault: "PATH: record N (line L):
 * MESSAGE" on d, and " (for LABEL)" after it when label is not NULL (one of
 * several policies reading the same records).  Required before loading. */
void record_layout_report(record_layout *l, diag *d, const char *path, const char *label);

/* Fills slots[0..ninputs) from the cells of the record at pos.  False,
 * having said so naming the column, when a value does not fit its
 * declaration, or when a number breaks its column's style (see num_style).  A cell that
 * is a missing-value spelling is na, except in an enumeration that
 * declares that spelling as a choice.  An enumeration's value is stored as
 * declared, whatever its case and surrounding spaces in the data. */
bool record_load(const policy *p, record_layout *l, const cell *cells, const record_pos *pos, rb_value *slots);
/* The same for a policy whose layout is shared with a base policy already
 * loaded into base_slots: an input declared alike in both is copied, not
 * converted twice. */
bool record_load_shared(const policy *p, record_layout *l, const cell *cells, const record_pos *pos, rb_value *slots,
                        const rb_value *base_slots);

/* Finds the account `account` in a data file and fills slots[0..ninputs)
 * with its inputs, a list input's elements from the account's rows of its
 * --table in tables[0..ntables) (table.h) when it has one.  Text values
 * and lists are copied into one block, *texts, that the caller frees (the
 * reader's buffer and the tables are gone when this returns).  Returns 1
 * when found, 0 when the file has no such account, -1 on an error, -2 when
 * the command line is at fault (a --table that names no list input; a list
 * input of CSV data without its --table); for 0, -1 and -2 one message on
 * d names the file, and the record when it is malformed.  Other accounts'
 * malformed records are passed over unsaid. */
int record_find(const policy *p, const char *path, const read_opts *opts, const table_arg *tables, int ntables,
                const char *id_field, const char *account, rb_value *slots, char **texts, diag *d);

#endif
