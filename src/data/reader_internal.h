/* reader_internal.h - what the data readers share: the reader and its
 * input buffer (reader.c, inbuf.c), the CSV reader, the JSON reader and its
 * strict check (json_reader.c, json_check.c). */
#ifndef RUBRIC_READER_INTERNAL_H
#define RUBRIC_READER_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "json_list.h"
#include "reader.h"

struct reader {
    diag *diag;              /* where its messages are said */
    int fd;
    bool close_fd;
    data_format fmt;
    char *buf;
    size_t cap, len, pos;    /* bytes buf[pos..len) not yet consumed */
    bool eof;
    bool failed;             /* a read failed, or a record passed 64 MiB */
    bool nul_seen;           /* a NUL byte was read: records must be checked for one */
    uint64_t consumed;       /* bytes before buf[0] */
    long line;               /* line number at buf[pos] */
    long record;
    const char *path;
    /* wanted fields */
    const char *const *fields;
    int nfields;
    /* CSV */
    char delim;
    int ncols;
    int *col_field;          /* column -> wanted field, or -1 */
    int *no_column;          /* the wanted fields no column gives (a list's table), always missing */
    int nno_column;
    char *header;            /* the header's names, NUL-separated, for messages */
    /* JSON */
    int json_mode;           /* see json_reader.c */
    int *key_after;          /* json: the key that last followed each key (json_reader.c) */
    long *seen;              /* json: the record in which each field was last given */
    int nseen;
    bool *optional;          /* json: fields reader_missing_key passes over; NULL: none */
    long objects;            /* json: records that were objects */
    json_member *members;    /* json: where each member of the record lies */
    uint32_t members_cap;
    int nmembers;
    json_array_at *arrays;   /* json: the wanted keys' arrays of the record */
    uint32_t arrays_cap, narrays;
    json_elem *elems;        /* json: the elements of those arrays */
    uint32_t elems_cap, nelems;
    json_member *emembers;   /* json: the members of those elements */
    uint32_t emembers_cap, nemembers;
    struct json_list *lists; /* json: per wanted field, the array its cell points to */
    int *field_len;          /* json: strlen of each wanted field's name */
    char *unesc;             /* json: the record's escaped strings, unescaped */
    size_t unesc_cap;
    char **other_keys;       /* json: keys that are no wanted field, for a did-you-mean */
    int nother_keys;
    /* -j */
    bool chunks;             /* reads chunks (reader_for_chunks) */
    long chunk_first;        /* the record before the chunk's first */
    bool cut_any;            /* reader_cut has cut a record (a JSON array's next needs its ',') */
    bool cut_done;           /* reader_cut cuts no more: the rest is read in order */
};

enum { JSON_OTHER_KEYS = 64 };

/* Bytes after buf[len] that are always allocated and zero, so a scanner may
 * read a whole word at a time past the end of the data. */
enum { READ_SLACK = 16 };

/* The buffer's first size, and how much each refill asks for. */
enum { READ_CHUNK = 1 << 20 };

/* The format readers build each message in err[0..errlen) from its parts
 * (a field's fault, then its line); reader.c says it on the diag, once. */

/* Reads more input after buf[len], first moving buf[pos..len) to the front
 * (inbuf.c).  Returns the number of new bytes, 0 at end of input, -1 on
 * error. */
long inbuf_fill(reader *r);

bool csv_open(reader *r, const bool *required, char *err, size_t errlen);
read_status csv_next(reader *r, cell *cells, record_pos *pos, char *err, size_t errlen);
bool json_open(reader *r, char *err, size_t errlen);
read_status json_next(reader *r, cell *cells, record_pos *pos, char *err, size_t errlen);
void json_close(reader *r);
/* -j (reader_chunk.c): a chunk reader's JSON state, and where the last
 * element of a JSON array that json_next would read whole ends in
 * buf[from..end): the chunk ends there, before the ',' after it (from
 * when none does).  *done at anything else (the closing ']', a missing
 * ',', the end of the input inside the array): no more is cut. */
void json_open_chunks(reader *r);
size_t json_last_boundary(reader *r, size_t from, size_t end, bool *done);

/* The first fault the strict check found in a value. */
typedef struct json_fault {
    size_t at;          /* its offset in the value */
    const char *why;    /* what is wrong */
    char found[32];     /* what is there: "the end", "'x'", "byte 0x01" */
} json_fault;

/* The RFC 8259 check every JSON value of a data file passes as it is read
 * (json_check.c).  members: the reader whose members array receives the value's members, if it is an object; NULL for a value that
 * is no record. */
bool json_check_value(const char *s, size_t n, reader *members, json_fault *f);
/* NDJSON: the record at s, of the avail bytes read so far, checked as
 * json_check_value checks its line, without a look for the line's end
 * first: true when it passes and its line ends within avail, *n its
 * length with the '\n'.  False for anything else (a fault, the line not
 * read to its end, the last line without a '\n'): the caller then finds
 * the line and checks it with json_check_value, which says what is wrong. */
bool json_check_line(const char *s, size_t avail, reader *members, size_t *n);
/* A \u0000 escape in the JSON string text s[0..n) (not "\\u0000", an
 * escaped backslash and the letters u0000). */
bool holds_nul_escape(const char *s, size_t n);
/* The wanted field the key key[0..n) (unescaped) names, or -1, searched
 * for (json_check.c): the check notes the elements of a wanted key's
 * array only, and the reader matches a key it has not seen at its
 * position before. */
int json_wanted_field(const reader *r, const char *key, size_t n);

/* Whether a[0..n) and b[0..n) are the same bytes, for a key against a
 * field's name: a few words, the last overlapping the one before, read
 * from inside both (a name is mostly shorter than 32 bytes, where a call
 * to memcmp costs more than the compare). */
static inline bool json_same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        uint32_t u2, v2;
        memcpy(&u2, a + n - 4, 4);
        memcpy(&v2, b + n - 4, 4);
        return u == v && u2 == v2;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}
/* After the last record: a wanted field whose key no record had.  False
 * when none is missing, or when no record was an object at all. */
bool json_missing_key(const reader *r, char *err, size_t errlen);

#endif
