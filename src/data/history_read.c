/* history_read.c - reading the score history: the previous period for
 * prev(), one account's periods for `rubric history` (history.h). */
#include <stdlib.h>
#include <string.h>

#include "history_internal.h"
#include "xalloc.h"

/* A period's outputs as recorded: names and kinds, in position order. */
typedef struct period_outputs {
    char **names;
    history_kind *kinds;
    int n;
} period_outputs;

static void outputs_free(period_outputs *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->names[i]);
    free(o->names);
    free(o->kinds);
    memset(o, 0, sizeof *o);
}

static int outputs_load(history *h, long long period_id, period_outputs *o)
{
    sqlite3_stmt *st;
    memset(o, 0, sizeof *o);
    int rc = sqlite3_prepare_v2(h->db, "SELECT name, kind FROM outputs WHERE period_id = ?1 ORDER BY position", -1,
                                &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_int64(st, 1, period_id);
    int cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (o->n == cap) {
            cap = cap ? 2 * cap : 16;
            o->names = xrealloc(o->names, (size_t)cap * sizeof *o->names);
            o->kinds = xrealloc(o->kinds, (size_t)cap * sizeof *o->kinds);
        }
        o->names[o->n] = xstrdup((const char *)sqlite3_column_text(st, 0));
        o->kinds[o->n] = history_kind_parse((const char *)sqlite3_column_text(st, 1));
        o->n++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Adds the columns of output `name` of kind k to a select list. */
static void select_columns(strbuf *b, const char *name, history_kind k)
{
    for (int c = 0; c < history_ncolumns(k); c++) {
        strbuf_adds(b, ", ");
        history_quote_ident(b, name, history_column_suffix[c]);
    }
}

/* One output's values from a row, its columns from col on. */
static int read_value(sqlite3_stmt *st, int col, history_kind k, history_value *v)
{
    memset(v, 0, sizeof *v);
    v->present = true;
    v->kind = k;
    if (sqlite3_column_type(st, col) != SQLITE_NULL) {
        v->cell = (const char *)sqlite3_column_text(st, col);
        v->cell_len = (size_t)sqlite3_column_bytes(st, col);
        if (k == HK_BANDED)
            v->band = v->cell;
    }
    if (history_ncolumns(k) > 1 && sqlite3_column_type(st, col + 1) != SQLITE_NULL) {
        v->has_value = true;
        v->value = sqlite3_column_double(st, col + 1);
    }
    if (history_ncolumns(k) > 2 && sqlite3_column_type(st, col + 2) != SQLITE_NULL) {
        v->has_score = true;
        v->score = sqlite3_column_double(st, col + 2);
    }
    return col + history_ncolumns(k);
}

/* ---- The previous period -----------------------------------------------*/

struct history_prev {
    history *h;
    char as_of[16];
    bool has_period;
    sqlite3_stmt *seek;    /* the period's rows from ?2 on, in account order */
    int n;
    int *col;              /* per wanted output: its first column, or -1 */
    history_kind *kind;
    history_value *vals;
    bool started, at_end;  /* the cursor's state */
    char *last;            /* the id last asked for */
    size_t last_len, last_cap;
};

/* Steps past rows before id by at most this many, then seeks instead. */
enum { PREV_MAX_STEPS = 16 };

const char *history_prev_as_of(const history_prev *p) { return p->has_period ? p->as_of : NULL; }

history_prev *history_prev_open(history *h, const char *policy_name, const char *as_of, const char *const *outputs, int n,
                                diag *d)
{
    /* The recording's writer thread and this reader would share the
     * connection: the rows go in on the caller's thread from here on. */
    if (h->rec)
        history_record_unthread(h->rec);
    h->nprev++;
    history_prev *p = xcalloc(1, sizeof *p);
    p->h = h;
    p->n = n;
    p->col = xcalloc((size_t)n + 1, sizeof *p->col);
    p->kind = xcalloc((size_t)n + 1, sizeof *p->kind);
    p->vals = xcalloc((size_t)n + 1, sizeof *p->vals);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h->db,
                                "SELECT period_id, as_of FROM periods WHERE policy = ?1 AND as_of < ?2 "
                                "ORDER BY as_of DESC LIMIT 1", -1, &st, NULL);
    long long period_id = 0;
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, policy_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, as_of, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            period_id = sqlite3_column_int64(st, 0);
            snprintf(p->as_of, sizeof p->as_of, "%s", (const char *)sqlite3_column_text(st, 1));
            p->has_period = true;
        }
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_finalize(st);
    }
    period_outputs po = {0};
    if (rc == SQLITE_OK && p->has_period)
        rc = outputs_load(h, period_id, &po);
    if (rc == SQLITE_OK && p->has_period) {
        strbuf b;
        strbuf_init(&b);
        strbuf_adds(&b, "SELECT account_id");
        int col = 1;
        for (int i = 0; i < n; i++) {
            p->col[i] = -1;
            for (int k = 0; k < po.n; k++)
                if (strcmp(po.names[k], outputs[i]) == 0) {
                    p->col[i] = col;
                    p->kind[i] = po.kinds[k];
                    select_columns(&b, po.names[k], po.kinds[k]);
                    col += history_ncolumns(po.kinds[k]);
                    break;
                }
        }
        strbuf_addf(&b, " FROM scores_%lld WHERE account_id >= ?1 ORDER BY account_id", period_id);
        rc = sqlite3_prepare_v3(h->db, strbuf_str(&b), -1, SQLITE_PREPARE_PERSISTENT, &p->seek, NULL);
        strbuf_free(&b);
    }
    outputs_free(&po);
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "reading the previous period");
        history_prev_close(p);
        return NULL;
    }
    return p;
}

/* SQLite's BINARY order: bytes, then the shorter first. */
static int id_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static int row_cmp(history_prev *p, const char *id, size_t idlen)
{
    const char *row = (const char *)sqlite3_column_text(p->seek, 0);
    return id_cmp(row, (size_t)sqlite3_column_bytes(p->seek, 0), id, idlen);
}

static int seek(history_prev *p, const char *id, size_t idlen)
{
    sqlite3_reset(p->seek);
    sqlite3_bind_text(p->seek, 1, id, (int)idlen, SQLITE_TRANSIENT);
    p->started = true;
    int rc = sqlite3_step(p->seek);
    p->at_end = rc != SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int history_prev_find(history_prev *p, const char *id, size_t idlen, const history_value **vals, diag *d)
{
    if (!p->has_period)
        return 0;
    int rc = SQLITE_OK;
    if (!p->started || id_cmp(id, idlen, p->last, p->last_len) < 0) {
        rc = seek(p, id, idlen);
    } else {
        int steps = 0;
        while (!p->at_end && row_cmp(p, id, idlen) < 0 && steps++ < PREV_MAX_STEPS) {
            rc = sqlite3_step(p->seek);
            p->at_end = rc != SQLITE_ROW;
            rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
        if (rc == SQLITE_OK && !p->at_end && row_cmp(p, id, idlen) < 0)
            rc = seek(p, id, idlen);
    }
    if (rc != SQLITE_OK) {
        history_fail_sql(p->h, d, rc, "reading the previous period");
        return -1;
    }
    if (idlen + 1 > p->last_cap) {
        p->last_cap = 2 * idlen + 16;
        p->last = xrealloc(p->last, p->last_cap);
    }
    memcpy(p->last, id, idlen);
    p->last_len = idlen;
    if (p->at_end || row_cmp(p, id, idlen) != 0)
        return 0;
    for (int i = 0; i < p->n; i++) {
        if (p->col[i] < 0)
            memset(&p->vals[i], 0, sizeof p->vals[i]);
        else
            read_value(p->seek, p->col[i], p->kind[i], &p->vals[i]);
    }
    *vals = p->vals;
    return 1;
}

void history_prev_close(history_prev *p)
{
    if (!p)
        return;
    p->h->nprev--;
    sqlite3_finalize(p->seek);
    free(p->col);
    free(p->kind);
    free(p->vals);
    free(p->last);
    free(p);
}

/* ---- One account's periods ---------------------------------------------*/

typedef struct period_row {
    long long id;
    char *policy, *as_of, *version, *sha256;
    long accounts, rejected;
} period_row;

static char *column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? xstrdup((const char *)s) : NULL;
}

static history_period period_of(const period_row *pr)
{
    history_period per = {(long)pr->id, pr->policy, pr->as_of, pr->version, pr->sha256, pr->accounts, pr->rejected};
    return per;
}

/* One period's row of the account, handed to fn; *found says whether the
 * period had the account. */
static int one_period(history *h, const period_row *pr, const char *id, size_t idlen, history_period_fn fn, void *ctx,
                      bool *found)
{
    period_outputs po;
    int rc = outputs_load(h, pr->id, &po);
    if (rc != SQLITE_OK)
        return rc;
    strbuf b;
    strbuf_init(&b);
    strbuf_adds(&b, "SELECT account_id");
    for (int i = 0; i < po.n; i++)
        select_columns(&b, po.names[i], po.kinds[i]);
    strbuf_addf(&b, " FROM scores_%lld WHERE account_id = ?1", pr->id);
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(h->db, strbuf_str(&b), -1, &st, NULL);
    strbuf_free(&b);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, (int)idlen, SQLITE_STATIC);
        rc = sqlite3_step(st);
        *found = rc == SQLITE_ROW;
        if (rc == SQLITE_ROW) {
            history_value *vals = xcalloc((size_t)po.n + 1, sizeof *vals);
            for (int i = 0, col = 1; i < po.n; i++)
                col = read_value(st, col, po.kinds[i], &vals[i]);
            history_period per = period_of(pr);
            fn(ctx, &per, (const char *const *)po.names, vals, po.n);
            free(vals);
        }
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
        sqlite3_finalize(st);
    }
    outputs_free(&po);
    return rc;
}

/* The periods, of policy_name only (NULL: every policy), as_of ascending
 * then policy: all of them at once (one a month), so that no statement is
 * open across a callback. */
static int periods_load(history *h, const char *policy_name, period_row **rows, long *n)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h->db,
                                "SELECT period_id, policy, as_of, version, source_sha256, accounts, rejected "
                                "FROM periods WHERE ?1 IS NULL OR policy = ?1 ORDER BY as_of, policy", -1, &st, NULL);
    long cap = 0;
    *rows = NULL;
    *n = 0;
    if (rc != SQLITE_OK)
        return rc;
    if (policy_name)
        sqlite3_bind_text(st, 1, policy_name, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap)
            *rows = xrealloc(*rows, (size_t)(cap = cap ? 2 * cap : 16) * sizeof **rows);
        period_row *r = &(*rows)[(*n)++];
        r->id = sqlite3_column_int64(st, 0);
        r->policy = column_dup(st, 1);
        r->as_of = column_dup(st, 2);
        r->version = column_dup(st, 3);
        r->sha256 = column_dup(st, 4);
        r->accounts = (long)sqlite3_column_int64(st, 5);
        r->rejected = (long)sqlite3_column_int64(st, 6);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void periods_free(period_row *rows, long n)
{
    for (long i = 0; i < n; i++) {
        free(rows[i].policy);
        free(rows[i].as_of);
        free(rows[i].version);
        free(rows[i].sha256);
    }
    free(rows);
}

long history_account(history *h, const char *id, size_t idlen, history_period_fn fn, void *ctx, diag *d)
{
    period_row *rows;
    long n;
    int rc = periods_load(h, NULL, &rows, &n);
    long shown = 0;
    for (long i = 0; i < n && rc == SQLITE_OK; i++) {
        bool found = false;
        rc = one_period(h, &rows[i], id, idlen, fn, ctx, &found);
        shown += found;
    }
    periods_free(rows, n);
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "reading the account's periods");
        return -1;
    }
    return shown;
}

/* ---- Accounts per band, period by period -------------------------------*/

/* A period's wanted banded outputs counted in one pass over its table:
 * one scan costs what one GROUP BY's sort does per output (measured on a
 * million accounts: 0.35 s against 0.5 s an output), and an output holds
 * a handful of distinct cells, found by a short search. */
typedef struct bands_scan {
    history_band_count *cells;
    int n, cap;
} bands_scan;

static void bands_tally(bands_scan *bs, const char *band, size_t len, bool na)
{
    for (int c = 0; c < bs->n; c++) {
        history_band_count *hc = &bs->cells[c];
        if (band ? hc->band && strlen(hc->band) == len && memcmp(hc->band, band, len) == 0 : !hc->band && hc->na == na) {
            hc->count++;
            return;
        }
    }
    if (bs->n == bs->cap)
        bs->cells = xrealloc(bs->cells, (size_t)(bs->cap = bs->cap ? 2 * bs->cap : 8) * sizeof *bs->cells);
    history_band_count *hc = &bs->cells[bs->n++];
    hc->band = band ? xstrndup(band, len) : NULL;
    hc->na = !band && na;
    hc->count = 1;
}

/* Band names in byte order, then no band, then na. */
static int cell_order(const void *a, const void *b)
{
    const history_band_count *x = a, *y = b;
    if (x->band && y->band)
        return strcmp(x->band, y->band);
    if (x->band || y->band)
        return x->band ? -1 : 1;
    return (int)x->na - (int)y->na;
}

/* Counts the outputs of which[0..n) (their names; NULL: not recorded as
 * banded this period) into obs. */
static int period_bands(history *h, long long period_id, const char *const *which, int n, history_output_bands *obs)
{
    strbuf b;
    strbuf_init(&b);
    strbuf_adds(&b, "SELECT 0");
    for (int w = 0; w < n; w++)
        if (which[w]) {
            strbuf_adds(&b, ", ");
            history_quote_ident(&b, which[w], history_column_suffix[0]);
            strbuf_adds(&b, ", ");
            history_quote_ident(&b, which[w], history_column_suffix[1]);
            strbuf_adds(&b, " IS NULL");
        }
    strbuf_addf(&b, " FROM scores_%lld", period_id);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h->db, strbuf_str(&b), -1, &st, NULL);
    strbuf_free(&b);
    if (rc != SQLITE_OK)
        return rc;
    bands_scan *bs = xcalloc((size_t)n + 1, sizeof *bs);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int w = 0, col = 1; w < n; w++) {
            if (!which[w])
                continue;
            const char *band = (const char *)sqlite3_column_text(st, col);
            size_t len = (size_t)sqlite3_column_bytes(st, col);
            bands_tally(&bs[w], band, len, sqlite3_column_int(st, col + 1) != 0);
            col += 2;
        }
    sqlite3_finalize(st);
    for (int w = 0; w < n; w++) {
        if (!which[w])
            continue;
        qsort(bs[w].cells, (size_t)bs[w].n, sizeof *bs[w].cells, cell_order);
        obs[w].present = true;
        obs[w].cells = bs[w].cells;
        obs[w].n = bs[w].n;
    }
    free(bs);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void bands_free(history_output_bands *obs, int n)
{
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < obs[i].n; k++)
            free((char *)(uintptr_t)obs[i].cells[k].band);
        free((void *)(uintptr_t)obs[i].cells);
    }
    memset(obs, 0, (size_t)n * sizeof *obs);
}

long history_band_counts(history *h, const char *policy_name, const char *const *outputs, int n, history_bands_fn fn,
                         void *ctx, diag *d)
{
    period_row *rows;
    long nrows;
    int rc = periods_load(h, policy_name, &rows, &nrows);
    history_output_bands *obs = xcalloc((size_t)n + 1, sizeof *obs);
    const char **which = xcalloc((size_t)n + 1, sizeof *which);
    for (long i = 0; i < nrows && rc == SQLITE_OK; i++) {
        period_outputs po;
        rc = outputs_load(h, rows[i].id, &po);
        for (int w = 0; w < n; w++) {
            which[w] = NULL;
            for (int k = 0; k < po.n && !which[w]; k++)
                if (po.kinds[k] == HK_BANDED && strcmp(po.names[k], outputs[w]) == 0)
                    which[w] = outputs[w];
        }
        bool any = false;
        for (int w = 0; w < n; w++)
            any |= which[w] != NULL;
        if (rc == SQLITE_OK && any)
            rc = period_bands(h, rows[i].id, which, n, obs);
        outputs_free(&po);
        if (rc == SQLITE_OK) {
            history_period per = period_of(&rows[i]);
            fn(ctx, &per, obs, n);
        }
        bands_free(obs, n);
    }
    free(obs);
    free(which);
    periods_free(rows, nrows);
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "reading the periods' bands");
        return -1;
    }
    return nrows;
}

/* ---- Every account's value of one output, period by period ------------*/

long history_output_rows(history *h, const char *policy_name, const char *output, history_rows_fn fn, void *ctx,
                         diag *d)
{
    period_row *rows;
    long nrows;
    int rc = periods_load(h, policy_name, &rows, &nrows);
    for (long i = 0; i < nrows && rc == SQLITE_OK; i++) {
        period_outputs po;
        rc = outputs_load(h, rows[i].id, &po);
        int at = -1;
        for (int k = 0; k < po.n && at < 0 && rc == SQLITE_OK; k++)
            if (strcmp(po.names[k], output) == 0)
                at = k;
        history_period per = period_of(&rows[i]);
        if (rc == SQLITE_OK && at < 0)
            fn(ctx, &per, NULL, 0, NULL);
        if (rc == SQLITE_OK && at >= 0) {
            strbuf b;
            strbuf_init(&b);
            strbuf_adds(&b, "SELECT account_id");
            select_columns(&b, po.names[at], po.kinds[at]);
            strbuf_addf(&b, " FROM scores_%lld", rows[i].id);
            sqlite3_stmt *st;
            rc = sqlite3_prepare_v2(h->db, strbuf_str(&b), -1, &st, NULL);
            strbuf_free(&b);
            if (rc == SQLITE_OK) {
                history_value v = {.present = true, .kind = po.kinds[at]};
                fn(ctx, &per, NULL, 0, &v);
                while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                    read_value(st, 1, po.kinds[at], &v);
                    fn(ctx, &per, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                       &v);
                }
                rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
                sqlite3_finalize(st);
            }
        }
        outputs_free(&po);
    }
    periods_free(rows, nrows);
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "reading an output's periods");
        return -1;
    }
    return nrows;
}
