/* history.c - the score history in SQLite (see history.h for the schema,
 * docs/history.md for why it is shaped so). */
#define _GNU_SOURCE /* sync_file_range: the period's pages go to disk while it is written */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history_internal.h"
#include "sha256.h"
#include "strbuf.h"
#include "writer.h"
#include "xalloc.h"

history_kind history_kind_of(rb_type t)
{
    switch (t) {
    case TY_BANDED: return HK_BANDED;
    case TY_NUMBER: return HK_NUMBER;
    case TY_BOOL: return HK_BOOL;
    case TY_DATE: return HK_DATE;
    case TY_DURATION: return HK_DURATION;
    default: return HK_TEXT;
    }
}


history *history_open(const char *path, bool create, diag *d)
{
    struct stat st;
    if (stat(path, &st) != 0 && !(create && errno == ENOENT)) {
        diag_fail(d, "cannot open history '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        diag_fail(d, "'%s' is not a rubric history (not a regular file)", path);
        return NULL;
    }
    history *h = xcalloc(1, sizeof *h);
    h->path = xstrdup(path);
    h->flush_fd = -1;
    /* Read-write even to read: a run killed mid-write leaves a journal that
     * only a writer can roll back.  Read-only media still reads. */
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &h->db, flags, NULL);
    if (rc != SQLITE_OK && !create) {
        sqlite3_close(h->db);
        h->db = NULL;
        rc = sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    }
    if (rc != SQLITE_OK) {
        diag_fail(d, "cannot open history '%s': %s", path, h->db ? sqlite3_errmsg(h->db) : "out of memory");
        history_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h->db, HISTORY_BUSY_MS);
    /* 8 MiB of page cache, which also bounds the sort that builds a
     * period's index: a million accounts in shuffled order peak at 41 MiB
     * (16 MiB: 58 MiB and no faster; the bar is 64). */
    history_exec(h, "PRAGMA cache_size = -8192");
    if (!history_check_schema(h, create, d)) {
        history_close(h);
        return NULL;
    }
    return h;
}

void history_close(history *h)
{
    if (!h)
        return;
    /* A connection left open (a statement not finalized) keeps its locks
     * only while every descriptor of the file stays open. */
    if (sqlite3_close(h->db) == SQLITE_OK && h->flush_fd >= 0)
        close(h->flush_fd);
    free(h->path);
    free(h);
}

const char *history_path(const history *h) { return h->path; }

const char *history_policy_name(const policy *p, char *buf, size_t cap)
{
    if (p->title)
        return p->title;
    const char *path = p->sources ? p->sources->path : "policy";
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base);
    if (n > 6 && strcmp(base + n - 6, ".rules") == 0)
        n -= 6;
    snprintf(buf, cap, "%.*s", (int)n, base);
    return buf;
}

void history_policy_hash(const policy *p, char hex[65])
{
    sha256 s;
    sha256_init(&s);
    for (const source *src = p->sources; src; src = src->next) {
        char len[32];
        int n = snprintf(len, sizeof len, "%zu\n", src->len);
        sha256_update(&s, len, (size_t)n);
        sha256_update(&s, src->text, src->len);
    }
    sha256_hex(&s, hex);
}

/* ---- Recording ---------------------------------------------------------*/

enum { HISTORY_ROWS = 32, TEXT_CAP = 64 };

typedef struct rec_output {
    int slot;
    history_kind kind;
    const scheme *sch;
    int *band_len;        /* per band of sch: its name's length, found once */
    int col;              /* its first parameter in the insert */
    char text[TEXT_CAP];  /* a number, date or duration, printed */
} rec_output;

/* An overridden output of an account, kept until the commit: the writer
 * thread owns the connection until then.  A few per file of overrides. */
typedef struct rec_override {
    char *id, *value, *computed;  /* cells; NULL for an empty one */
    int output;
    bool has_value, has_score;
    double cvalue, cscore;        /* computed's number and score */
    const override_row *row;
} rec_override;

struct history_rec {
    history *h;
    sqlite3_stmt *insert;
    rec_output *outs;
    int *slots;           /* per output: its slot in a frame */
    int nouts;
    long long period_id;
    history_queue *queue; /* the writer thread, or NULL: rows go in here */
    /* On the writer thread rows go in HISTORY_ROWS at a time, through one
     * statement of that many rows: the batch they point into stays put
     * until the queue's flush. */
    sqlite3_stmt *multi;
    int nparams;          /* parameters a row */
    int pending;
    const char *pid[HISTORY_ROWS];
    size_t plen[HISTORY_ROWS];
    const history_cell *pcells[HISTORY_ROWS];
    history_cell *cells;  /* the account being put, worked out */
    long put, count;      /* accounts given; rows inserted */
    long flushed;         /* accounts given at the last start of write-back */
    int failed_rc;        /* the first failure of an insert, or SQLITE_OK */
    char failed_msg[256];
    rec_override *ovr;    /* the outputs set by hand, inserted at the commit */
    int novr, ovr_cap;
};

long history_record_count(const history_rec *r) { return r->put; }

/* Outputs whose columns SQLite could not tell apart (it ignores case in
 * names), or a name the table already uses for something else. */
static bool columns_clash(history *h, const policy *p, diag *d)
{
    static const char *const reserved[] = {"period_id", "account_id"};
    for (int i = 0; i < p->noutputs; i++) {
        const symbol *a = p->outputs[i];
        for (int r = 0; r < 2; r++)
            if (strcasecmp(a->name, reserved[r]) == 0) {
                diag_fail(d, "history '%s': an output named '%s' cannot be recorded (the table has a column of that "
                             "name); rename it", h->path, a->name);
                return true;
            }
        for (int j = 0; j < p->noutputs; j++) {
            const symbol *b = p->outputs[j];
            if (i == j)
                continue;
            int na = history_ncolumns(history_kind_of(a->type));
            for (int c = 0; c < na; c++) {
                char col[512];
                snprintf(col, sizeof col, "%s%s", a->name, history_column_suffix[c]);
                if (strcasecmp(col, b->name) == 0 && (c > 0 || i < j)) {
                    diag_fail(d, "history '%s': outputs '%s' and '%s' would share the column \"%s\" (SQLite's "
                                 "column names ignore case); rename one", h->path, a->name, b->name, col);
                    return true;
                }
            }
        }
    }
    return false;
}

/* Drops what period (policy, as_of) held, if anything: its table goes
 * whole, which costs a fraction of deleting its rows one by one. */
static int delete_period(history *h, const char *pol, const char *as_of)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h->db, "SELECT period_id FROM periods WHERE policy = ?1 AND as_of = ?2", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, pol, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, as_of, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    long long old = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    sqlite3_finalize(st);
    if (rc != SQLITE_OK || !old)
        return rc;
    char sql[256];
    snprintf(sql, sizeof sql,
             "DROP TABLE IF EXISTS scores_%lld; DELETE FROM outputs WHERE period_id = %lld; "
             "DELETE FROM overrides WHERE period_id = %lld; DELETE FROM periods WHERE period_id = %lld;", old, old,
             old, old);
    return history_exec(h, sql);
}

static int insert_period(history_rec *r, const policy *p, const char *as_of)
{
    history *h = r->h;
    char hash[65];
    history_policy_hash(p, hash);
    sqlite3_stmt *st;
    /* The table is named after the period: the id is known once the row
     * is in, so it is set right after. */
    int rc = sqlite3_prepare_v2(h->db,
                                "INSERT INTO periods (policy, as_of, version, source_sha256, recorded_at, accounts, "
                                "rejected, scores_table) VALUES (?1, ?2, ?3, ?4, "
                                "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0, 0, '')",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    char name[256];
    sqlite3_bind_text(st, 1, history_policy_name(p, name, sizeof name), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, as_of, -1, SQLITE_STATIC);
    if (p->version)
        sqlite3_bind_text(st, 3, p->version, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return rc;
    r->period_id = sqlite3_last_insert_rowid(h->db);
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE periods SET scores_table = 'scores_%lld' WHERE period_id = %lld", r->period_id,
             r->period_id);
    rc = history_exec(h, sql);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_prepare_v2(h->db, "INSERT INTO outputs (period_id, position, name, kind) VALUES (?1, ?2, ?3, ?4)", -1,
                            &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    for (int i = 0; i < p->noutputs && rc == SQLITE_OK; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, r->period_id);
        sqlite3_bind_int(st, 2, i);
        sqlite3_bind_text(st, 3, p->outputs[i]->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, history_kind_name(history_kind_of(p->outputs[i]->type)), -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    return rc;
}

/* The period's own table, and the one insert that fills it.  A plain
 * rowid table takes rows in the data's order at the end of the file
 * (no b-tree search per account, whatever the order of the ids); the
 * index on account_id is built once, sorted, at the commit. */
static int create_table(history_rec *r, const program *prog)
{
    const policy *p = prog->pol;
    strbuf create, insert;
    strbuf_init(&create);
    strbuf_init(&insert);
    strbuf_addf(&create, "CREATE TABLE scores_%lld (account_id TEXT NOT NULL", r->period_id);
    strbuf_addf(&insert, "INSERT INTO scores_%lld VALUES (?1", r->period_id);
    int col = 2;
    r->outs = xcalloc((size_t)p->noutputs + 1, sizeof *r->outs);
    r->slots = xcalloc((size_t)p->noutputs + 1, sizeof *r->slots);
    r->nouts = p->noutputs;
    for (int i = 0; i < p->noutputs; i++) {
        rec_output *o = &r->outs[i];
        o->slot = r->slots[i] = prog->output_slot[i];
        o->kind = history_kind_of(p->outputs[i]->type);
        o->sch = p->outputs[i]->scheme;
        if (o->sch) {
            o->band_len = xcalloc((size_t)o->sch->nbands + 1, sizeof *o->band_len);
            for (int b = 0; b < o->sch->nbands; b++)
                o->band_len[b] = (int)strlen(o->sch->bands[b]);
        }
        o->col = col;
        for (int c = 0; c < history_ncolumns(o->kind); c++, col++) {
            strbuf_adds(&create, ", ");
            history_quote_ident(&create, p->outputs[i]->name, history_column_suffix[c]);
            strbuf_adds(&create, c ? " REAL" : "");
            strbuf_addf(&insert, ", ?%d", col);
        }
    }
    strbuf_adds(&create, ")");
    strbuf_adds(&insert, ")");
    r->nparams = col - 1;
    int rc = history_exec(r->h, strbuf_str(&create));
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(r->h->db, strbuf_str(&insert), -1, SQLITE_PREPARE_PERSISTENT, &r->insert, NULL);
    strbuf_setlen(&insert, 0);
    strbuf_addf(&insert, "INSERT INTO scores_%lld VALUES ", r->period_id);
    for (int row = 0; row < HISTORY_ROWS; row++) {
        strbuf_adds(&insert, row ? ", (?" : "(?");
        for (int k = 1; k < r->nparams; k++)
            strbuf_adds(&insert, ", ?");
        strbuf_adds(&insert, ")");
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(r->h->db, strbuf_str(&insert), -1, SQLITE_PREPARE_PERSISTENT, &r->multi, NULL);
    r->cells = xcalloc((size_t)r->nouts + 1, sizeof *r->cells);
    strbuf_free(&create);
    strbuf_free(&insert);
    return rc;
}

static void queued_row(void *ctx, const char *id, size_t idlen, const history_cell *cells);

history_rec *history_record_begin(history *h, const program *prog, const char *as_of, diag *d)
{
    const policy *p = prog->pol;
    if (columns_clash(h, p, d))
        return NULL;
    /* The write lock first: a second run waits here, before reading any
     * data, rather than at its commit. */
    int rc = history_exec(h, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "starting the period");
        return NULL;
    }
    history_rec *r = xcalloc(1, sizeof *r);
    r->h = h;
    if (h->flush_fd < 0)
        h->flush_fd = open(h->path, O_RDONLY | O_CLOEXEC);
    char name[256];
    rc = delete_period(h, history_policy_name(p, name, sizeof name), as_of);
    if (rc == SQLITE_OK)
        rc = insert_period(r, p, as_of);
    if (rc == SQLITE_OK)
        rc = create_table(r, prog);
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "starting the period");
        history_record_abort(r);
        return NULL;
    }
    /* From here until the commit only the writer thread uses the
     * connection, unless a reader of the previous period shares it. */
    if (!h->nprev)
        r->queue = history_queue_start(r->nouts, queued_row, r);
    h->rec = r;
    return r;
}

/* Output o's cell from its value v, on the scan's thread; text
 * (TEXT_CAP bytes) takes a value that has to be printed. */
static void prepare_cell(const rec_output *o, const rb_value *v, char *text, history_cell *c)
{
    c->text = NULL;
    c->len = 0;
    c->copy = c->has_value = c->has_score = false;
    switch ((vkind)v->kind) {
    case VK_NA:
        return;
    case VK_BANDED: {
        /* The cell is the band's name, as the CSV prints it. */
        if (v->band != BAND_NONE && o->sch) {
            c->text = o->sch->bands[v->band];
            c->len = (uint32_t)o->band_len[v->band];
        }
        double x = num_to_double(v->u.num);
        c->has_value = x == x;
        c->value = x;
        c->has_score = v->has_score;
        c->score = v->has_score ? num_to_double(v->score) : 0;
        return;
    }
    case VK_TEXT:
        c->text = v->u.text;
        c->len = v->len;
        c->copy = true;
        return;
    default: {
        int n = value_format(*v, NULL, text, TEXT_CAP);
        c->text = text;
        c->len = (uint32_t)(n < TEXT_CAP ? n : TEXT_CAP - 1);
        c->copy = true;
        double x = v->kind == VK_NUM ? num_to_double(v->u.num) : 0;
        c->has_value = v->kind == VK_NUM && x == x;
        c->value = x;
        return;
    }
    }
}

/* Binds a cell at output o's columns, base parameters on (0 for a
 * one-row statement): the cell, then the number and the score where the
 * output has those columns. */
static void bind_cell(sqlite3_stmt *st, const rec_output *o, const history_cell *c, int base)
{
    int col = base + o->col, n = history_ncolumns(o->kind);
    if (c->text)
        sqlite3_bind_text(st, col, c->text, (int)c->len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, col);
    if (n > 1 && c->has_value)
        sqlite3_bind_double(st, col + 1, c->value);
    else if (n > 1)
        sqlite3_bind_null(st, col + 1);
    if (n > 2 && c->has_score)
        sqlite3_bind_double(st, col + 2, c->score);
    else if (n > 2)
        sqlite3_bind_null(st, col + 2);
}

/* Every FLUSH_ROWS accounts (about 14 MB of a period of the shipped
 * policy) the pages SQLite has written so far start on their way to the
 * disk: the commit's fsync, which the run waits for, then has only the
 * last of them to write (0.06 s instead of 0.36 s for a million
 * accounts).  Earlier write-back changes nothing a crash leaves behind:
 * the kernel may write those pages at any moment anyway, and SQLite
 * writes a page only once the journal that undoes it is safe (or past
 * the file's old end, which a rollback cuts off).  It is called on the
 * scan's thread, which waits for the writer anyway, and touches no SQLite
 * object (a call can take milliseconds). */
enum { FLUSH_ROWS = 65536 };

static void flush_written(history_rec *r, bool now)
{
#ifdef __linux__
    if (r->h->flush_fd >= 0 && (now || r->put - r->flushed >= FLUSH_ROWS)) {
        r->flushed = r->put;
        sync_file_range(r->h->flush_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    }
#else
    (void)r;
    (void)now;
#endif
}

/* One account's row, one statement. */
static void insert_row(history_rec *r, const char *id, size_t idlen, const history_cell *cells)
{
    if (r->failed_rc != SQLITE_OK)
        return;
    sqlite3_stmt *st = r->insert;
    sqlite3_bind_text(st, 1, id, (int)idlen, SQLITE_STATIC);
    for (int i = 0; i < r->nouts; i++)
        bind_cell(st, &r->outs[i], &cells[i], 0);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) {
        r->count++;
        return;
    }
    r->failed_rc = rc;
    snprintf(r->failed_msg, sizeof r->failed_msg, "%s", sqlite3_errmsg(r->h->db));
}

/* On the writer thread: rows are kept (pointers into the queue's batch)
 * until HISTORY_ROWS of them go in with one statement; the queue's flush
 * (id NULL), at the end of each batch, puts the rest in one by one. */
static void queued_row(void *ctx, const char *id, size_t idlen, const history_cell *cells)
{
    history_rec *r = ctx;
    if (!id) {
        for (int k = 0; k < r->pending; k++)
            insert_row(r, r->pid[k], r->plen[k], r->pcells[k]);
        r->pending = 0;
        return;
    }
    r->pid[r->pending] = id;
    r->plen[r->pending] = idlen;
    r->pcells[r->pending] = cells;
    if (++r->pending < HISTORY_ROWS || r->failed_rc != SQLITE_OK)
        return;
    sqlite3_stmt *st = r->multi;
    for (int k = 0; k < HISTORY_ROWS; k++) {
        int base = k * r->nparams;
        sqlite3_bind_text(st, base + 1, r->pid[k], (int)r->plen[k], SQLITE_STATIC);
        for (int i = 0; i < r->nouts; i++)
            bind_cell(st, &r->outs[i], &r->pcells[k][i], base);
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    r->pending = 0;
    if (rc == SQLITE_DONE) {
        r->count += HISTORY_ROWS;
        return;
    }
    r->failed_rc = rc;
    snprintf(r->failed_msg, sizeof r->failed_msg, "%s", sqlite3_errmsg(r->h->db));
}

void history_record_put(history_rec *r, const char *id, size_t idlen, const rb_value *slots)
{
    r->put++;
    flush_written(r, false);
    for (int i = 0; i < r->nouts; i++)
        prepare_cell(&r->outs[i], &slots[r->slots[i]], r->outs[i].text, &r->cells[i]);
    if (r->queue)
        history_queue_put(r->queue, id, idlen, r->cells);
    else
        insert_row(r, id, idlen, r->cells);
}

static char *cell_copy(const history_cell *c) { return c->text ? xstrndup(c->text, c->len) : NULL; }

void history_record_overrides(history_rec *r, const char *id, size_t idlen, const rb_value *slots,
                              const overrides *o, const frame *f)
{
    for (int k = 0; k < f->novr; k++) {
        if (r->novr == r->ovr_cap) {
            r->ovr_cap = r->ovr_cap ? 2 * r->ovr_cap : 16;
            r->ovr = xrealloc(r->ovr, (size_t)r->ovr_cap * sizeof *r->ovr);
        }
        rec_override *x = &r->ovr[r->novr++];
        x->row = overrides_row_of(o, f, k);
        x->output = x->row->output_index;
        const rec_output *out = &r->outs[x->output];
        char text[TEXT_CAP];
        history_cell c;
        prepare_cell(out, &slots[r->slots[x->output]], text, &c);
        x->value = cell_copy(&c);
        prepare_cell(out, &f->computed[k], text, &c);
        x->computed = cell_copy(&c);
        x->has_value = c.has_value;
        x->has_score = c.has_score;
        x->cvalue = c.value;
        x->cscore = c.score;
        x->id = xstrndup(id, idlen);
    }
}

/* The kept overrides into their table, at the commit. */
static int insert_overrides(history_rec *r)
{
    sqlite3_stmt *st;
    int rc = r->novr ? sqlite3_prepare_v2(r->h->db, "INSERT INTO overrides VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                          -1, &st, NULL)
                     : SQLITE_OK;
    for (int i = 0; i < r->novr && rc == SQLITE_OK; i++) {
        const rec_override *x = &r->ovr[i];
        char day[16];
        date_format(x->row->expires, day);
        sqlite3_bind_int64(st, 1, r->period_id);
        sqlite3_bind_text(st, 2, x->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, x->row->output, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, x->value, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, x->computed, -1, SQLITE_STATIC);
        if (x->has_value)
            sqlite3_bind_double(st, 6, x->cvalue);
        else
            sqlite3_bind_null(st, 6);
        if (x->has_score)
            sqlite3_bind_double(st, 7, x->cscore);
        else
            sqlite3_bind_null(st, 7);
        sqlite3_bind_text(st, 8, x->row->reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, x->row->author, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, day, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_reset(st);
    }
    if (r->novr)
        sqlite3_finalize(st);
    return rc;
}

void history_record_unthread(history_rec *r)
{
    history_queue_finish(r->queue, false);
    r->queue = NULL;
}

static void rec_free(history_rec *r)
{
    if (r->h->rec == r)
        r->h->rec = NULL;
    history_queue_finish(r->queue, true);
    sqlite3_finalize(r->multi);
    free(r->cells);
    sqlite3_finalize(r->insert);
    free(r->slots);
    for (int i = 0; r->outs && i < r->nouts; i++)
        free(r->outs[i].band_len);
    free(r->outs);
    for (int i = 0; i < r->novr; i++) {
        free(r->ovr[i].id);
        free(r->ovr[i].value);
        free(r->ovr[i].computed);
    }
    free(r->ovr);
    free(r);
}

bool history_record_commit(history_rec *r, long rejected, diag *d)
{
    history *h = r->h;
    history_queue_finish(r->queue, false);
    r->queue = NULL;
    flush_written(r, true); /* the last rows' pages go while the index is sorted */
    int rc = r->failed_rc;
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_FULL)
            diag_fail(d, "history '%s': the disk is full; nothing was recorded", h->path);
        else
            diag_fail(d, "history '%s': %s; nothing was recorded", h->path, r->failed_msg);
        history_record_abort(r);
        return false;
    }
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(h->db, "UPDATE periods SET accounts = ?1, rejected = ?2 WHERE period_id = ?3", -1, &st,
                            NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, r->count);
        sqlite3_bind_int64(st, 2, rejected);
        sqlite3_bind_int64(st, 3, r->period_id);
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK)
        rc = insert_overrides(r);
    /* Statements end before the commit, which waits for no reader of ours. */
    sqlite3_finalize(r->insert);
    sqlite3_finalize(r->multi);
    r->insert = r->multi = NULL;
    if (rc == SQLITE_OK) {
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE UNIQUE INDEX scores_%lld_account ON scores_%lld (account_id)", r->period_id,
                 r->period_id);
        rc = history_exec(h, sql);
    }
    if (rc == SQLITE_OK)
        rc = history_make_view(h);
    if (rc == SQLITE_OK)
        rc = history_exec(h, "COMMIT");
    if (rc != SQLITE_OK) {
        if (history_is_busy(rc))
            diag_fail(d, "the history '%s' is being read or written by another run; nothing was recorded, try again",
                      h->path);
        else
            diag_fail(d, "history '%s': %s; nothing was recorded", h->path, sqlite3_errmsg(h->db));
        history_record_abort(r);
        return false;
    }
    rec_free(r);
    return true;
}

void history_record_abort(history_rec *r)
{
    if (!r)
        return;
    history_queue_finish(r->queue, true);
    r->queue = NULL;
    sqlite3_finalize(r->insert);
    sqlite3_finalize(r->multi);
    r->insert = r->multi = NULL;
    if (!sqlite3_get_autocommit(r->h->db))
        history_exec(r->h, "ROLLBACK");
    rec_free(r);
}
