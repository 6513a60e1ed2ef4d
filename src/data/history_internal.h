/* history_internal.h - what history.c (opening, recording), history_view.c
 * (column names, the view) and history_read.c (prev, one account's
 * periods) share. */
#ifndef RUBRIC_HISTORY_INTERNAL_H
#define RUBRIC_HISTORY_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "history.h"
#include "strbuf.h"

struct history {
    sqlite3 *db;
    char *path;
    /* The connection is opened without SQLite's own mutex: while a period
     * is recorded on the writer thread, nothing else may use it.  So a
     * previous-period reader open on the same history keeps the recording
     * on the caller's thread (history_record_unthread). */
    int nprev;             /* history_prev objects open */
    history_rec *rec;      /* the period being recorded, or NULL */
    /* The file again, for starting its write-back while a period is
     * recorded (history_flush_start), or -1.  Closed only after SQLite's
     * own descriptors: closing any descriptor of a file drops the
     * process's POSIX locks on it, SQLite's included. */
    int flush_fd;
};

/* Ends the writer thread of r, its queued rows inserted: from now on rows
 * go in on the caller's thread. */
void history_record_unthread(history_rec *r);

/* The columns an output of kind k has in scores: its cell, the number
 * behind it (banded and number), a banded output's score. */
static inline int history_ncolumns(history_kind k) { return k == HK_BANDED ? 3 : k == HK_NUMBER ? 2 : 1; }
extern const char *const history_column_suffix[3];

history_kind history_kind_parse(const char *s);
/* "NAME" + suffix quoted as an SQL identifier, added to b. */
void history_quote_ident(strbuf *b, const char *name, const char *suffix);
/* Says on d what went wrong with the last call on h (rc), naming the file;
 * a busy file as another run writing it. */
/* (Re)makes the view `scores`: every period's table united, with the
 * columns of all of them (NULL where a period has not the output). */
int history_make_view(history *h);
/* ---- The writer thread (history_queue.c) ---- */
/* One output of one account, ready to bind: worked out on the scan's
 * thread (numbers printed and converted there), so that the writer thread
 * only binds. */
typedef struct history_cell {
    const char *text;      /* the cell, or NULL for an empty one */
    uint32_t len;
    bool copy;             /* text is only lent: the queue keeps a copy */
    bool has_value, has_score;
    double value, score;
} history_cell;

typedef struct history_queue history_queue;
/* One account's cells on the writer thread, valid until a call with id
 * NULL, made when the batch they are in is about to be reused. */
typedef void (*history_sink)(void *ctx, const char *id, size_t idlen, const history_cell *cells);
/* Starts the thread, for ncells cells an account.  NULL when no thread
 * could be made (then the caller writes in its own thread). */
history_queue *history_queue_start(int ncells, history_sink sink, void *ctx);
/* Copies one account into the queue (the id and lent texts too); no
 * allocation once the batches have grown to fit. */
void history_queue_put(history_queue *q, const char *id, size_t idlen, const history_cell *cells);
/* Hands over what is left (or drops it) and waits for the thread to end;
 * frees q.  After it, everything the sink did is visible. */
void history_queue_finish(history_queue *q, bool drop);

void history_fail_sql(const history *h, diag *d, int rc, const char *doing);
/* Another connection holds the lock (SQLITE_BUSY or SQLITE_LOCKED). */
bool history_is_busy(int rc);
int history_exec(history *h, const char *sql);
/* One integer from a statement, e.g. a pragma; rc through *rc. */
long long history_query_int(history *h, const char *sql, int *rc);
/* Whether the open file is a history this rubric reads (history_schema.c);
 * makes the schema in an empty one, and brings an older schema up to
 * date, when create (the file is to be written). */
bool history_check_schema(history *h, bool create, diag *d);

#endif
