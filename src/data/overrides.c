/* overrides.c - reading an overrides file and handing each account its
 * rows (overrides.h). */
#include "overrides.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compile.h"
#include "idset.h"
#include "names.h"
#include "reader.h"
#include "strbuf.h"
#include "xalloc.h"

enum { COL_ACCOUNT, COL_OUTPUT, COL_VALUE, COL_REASON, COL_AUTHOR, COL_EXPIRES, NCOLS };
static const char *const col_names[NCOLS] = {"account_id", "output", "value", "reason", "author", "expires"};

/* The active rows of one account: ev[first .. first+n) in step order. */
typedef struct ovr_account {
    const char *id;
    uint32_t len;
    uint64_t hash;
    int first, n;
    bool scored;
} ovr_account;

struct overrides {
    arena arena;
    rb_date as_of;
    override_row *rows;
    int nrows;
    eval_override *ev;         /* the active rows' engine entries, by account */
    const override_row **evrow;
    ovr_account *accounts;
    int naccounts;
    uint32_t *table;           /* open addressing: account index + 1, 0 empty */
    uint32_t mask;
};

typedef struct loader {
    overrides *o;
    const program *prog;
    const char *path;
    diag *d;
    rb_date as_of;
    int errors;
    int rows_cap;
} loader;

static void row_error(loader *l, long record, long line, int col, const char *fmt, ...) RB_PRINTF(5, 6);
static void row_error(loader *l, long record, long line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_record(l->d, l->path, record, line, "column '%s': %s", col_names[col], msg);
    l->errors++;
}

/* The value column for output s: a band of its scheme or a number for a
 * measure or group, else a value of its type. */
static void read_value(loader *l, override_row *r, long record, const symbol *s)
{
    rb_value v = value_na();
    if (s->type == TY_BANDED) {
        int b = scheme_band_index(s->scheme, r->cell);
        if (b >= 0) {
            r->ev.band = b;
            return;
        }
        if (value_from_text(TY_NUMBER, r->cell, strlen(r->cell), &v) && v.kind == VK_NUM) {
            r->ev.value = v;
            return;
        }
        const char *best = closest_name(r->cell, s->scheme->bands, s->scheme->nbands);
        strbuf bands;
        strbuf_init(&bands);
        for (int i = 0; i < s->scheme->nbands; i++)
            strbuf_addf(&bands, "%s%s", i ? ", " : "", s->scheme->bands[i]);
        char hint[160] = "";
        if (best)
            snprintf(hint, sizeof hint, " (did you mean '%s'?)", best);
        char what[300];
        snprintf(what, sizeof what, "no band of '%s' (%s) nor a number%s", s->name, strbuf_str(&bands), hint);
        row_error(l, record, r->line, COL_VALUE, "'%s' is %s", r->cell, what);
        strbuf_free(&bands);
        return;
    }
    if (!value_from_text(s->type, r->cell, strlen(r->cell), &v) || v.kind == VK_NA) {
        /* A band name for an output without bands is the likely slip. */
        row_error(l, record, r->line, COL_VALUE, "'%s' is not a %s, the type of output '%s' (it has no bands)",
                  r->cell, type_name(s->type), s->name);
        return;
    }
    /* Text points into the file's copy, which lives as long as the rows. */
    r->ev.value = v;
}

/* One record of the file into a row, each cell checked. */
static void read_row(loader *l, const cell *cells, const record_pos *pos)
{
    overrides *o = l->o;
    if (o->nrows == l->rows_cap) {
        l->rows_cap = l->rows_cap ? 2 * l->rows_cap : 64;
        o->rows = xrealloc(o->rows, (size_t)l->rows_cap * sizeof *o->rows);
    }
    override_row *r = &o->rows[o->nrows++];
    memset(r, 0, sizeof *r);
    r->record = pos->record;
    r->line = pos->line;
    r->output_index = -1;
    r->ev.band = -1;
    const char **text[NCOLS] = {&r->account, &r->output, &r->cell, &r->reason, &r->author, NULL};
    bool empty[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        empty[c] = cells[c].state != CELL_TEXT || cells[c].len == 0;
        if (empty[c]) {
            row_error(l, pos->record, pos->line, c, "empty: every override needs its %s",
                      c == COL_VALUE ? "band or value" : col_names[c]);
        }
        if (text[c])
            *text[c] = arena_strndup(&o->arena, empty[c] ? "" : cells[c].s, empty[c] ? 0 : cells[c].len);
    }
    r->account_len = (uint32_t)strlen(r->account);
    if (!empty[COL_EXPIRES] && !date_parse(cells[COL_EXPIRES].s, cells[COL_EXPIRES].len, &r->expires)) {
        char *shown = arena_strndup(&o->arena, cells[COL_EXPIRES].s, cells[COL_EXPIRES].len);
        row_error(l, pos->record, pos->line, COL_EXPIRES, "'%s' is not a date (YYYY-MM-DD)", shown);
        empty[COL_EXPIRES] = true;
    }
    if (empty[COL_OUTPUT])
        return;
    const policy *p = l->prog->pol;
    const symbol *s = policy_lookup(p, r->output);
    if (!s || !s->is_output) {
        r->state = OVR_UNKNOWN_OUTPUT; /* counted, as an unknown account is */
        return;
    }
    r->output_index = s->index;
    const step *st = program_step(l->prog, s);
    if (!st || (st->kind == STEP_VALUE && st->value && st->value->op == N_CONST)) {
        /* Its users were compiled with the constant itself. */
        row_error(l, pos->record, pos->line, COL_OUTPUT, "'%s' is a constant of the policy: it cannot be overridden",
                  r->output);
        return;
    }
    r->ev.step = (int)(st - l->prog->steps);
    if (!empty[COL_VALUE])
        read_value(l, r, pos->record, s);
    if (!empty[COL_EXPIRES] && l->as_of > r->expires)
        r->state = OVR_EXPIRED;
}

static int by_account_output(const void *a, const void *b)
{
    const override_row *x = *(const override_row *const *)a, *y = *(const override_row *const *)b;
    int c = strcmp(x->account, y->account);
    if (!c)
        c = strcmp(x->output, y->output);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_account_step(const void *a, const void *b)
{
    const override_row *x = *(const override_row *const *)a, *y = *(const override_row *const *)b;
    int c = strcmp(x->account, y->account);
    return c ? c : (x->ev.step > y->ev.step) - (x->ev.step < y->ev.step);
}

/* The same account and output twice: which row holds is anybody's guess,
 * so both are named and the file refused. */
static void find_duplicates(loader *l, const override_row **by, int n)
{
    qsort(by, (size_t)n, sizeof *by, by_account_output);
    for (int i = 1; i < n; i++) {
        const override_row *a = by[i - 1], *b = by[i];
        if (!*b->account || !*b->output || strcmp(a->account, b->account) || strcmp(a->output, b->output))
            continue;
        row_error(l, b->record, b->line, COL_OUTPUT, "account '%s', output '%s' is overridden twice: here and at line %ld",
                  b->account, b->output, a->line);
    }
}

static uint32_t *slot_for(overrides *o, const char *id, size_t len, uint64_t hash)
{
    for (uint32_t i = (uint32_t)hash & o->mask;; i = (i + 1) & o->mask) {
        uint32_t k = o->table[i];
        if (!k)
            return &o->table[i];
        const ovr_account *a = &o->accounts[k - 1];
        if (a->hash == hash && a->len == len && memcmp(a->id, id, len) == 0)
            return &o->table[i];
    }
}

/* The active rows grouped by account, in step order, behind the table. */
static void index_accounts(overrides *o, const override_row **by)
{
    int n = 0;
    for (int i = 0; i < o->nrows; i++)
        if (o->rows[i].state == OVR_ACTIVE)
            by[n++] = &o->rows[i];
    qsort(by, (size_t)n, sizeof *by, by_account_step);
    o->ev = xmalloc(((size_t)n + 1) * sizeof *o->ev);
    o->evrow = xmalloc(((size_t)n + 1) * sizeof *o->evrow);
    o->accounts = xmalloc(((size_t)n + 1) * sizeof *o->accounts);
    uint32_t size = 16;
    while (size < 2 * (uint32_t)n + 2)
        size *= 2;
    o->mask = size - 1;
    o->table = xcalloc(size, sizeof *o->table);
    for (int i = 0; i < n; i++) {
        o->ev[i] = by[i]->ev;
        o->evrow[i] = by[i];
        if (i && strcmp(by[i - 1]->account, by[i]->account) == 0) {
            o->accounts[o->naccounts - 1].n++;
            continue;
        }
        ovr_account *a = &o->accounts[o->naccounts++];
        a->id = by[i]->account;
        a->len = by[i]->account_len;
        a->hash = idset_hash(a->id, a->len);
        a->first = i;
        a->n = 1;
        a->scored = false;
        *slot_for(o, a->id, a->len, a->hash) = (uint32_t)o->naccounts;
    }
}

overrides *overrides_load(const char *path, const program *prog, diag *d)
{
    const symbol *as_of = policy_lookup(prog->pol, "as_of");
    loader l = {xcalloc(1, sizeof(overrides)), prog, path, d, prog->params[as_of->index].u.date, 0, 0};
    arena_init(&l.o->arena);
    l.o->as_of = l.as_of;
    bool required[NCOLS] = {true, true, true, true, true, true};
    read_opts opts = {DATA_CSV, 0, NULL};
    reader *rd = reader_open(path, &opts, col_names, required, NCOLS, d);
    if (!rd) {
        overrides_free(l.o);
        return NULL;
    }
    cell cells[NCOLS];
    record_pos pos;
    read_status rs;
    while ((rs = reader_next(rd, cells, &pos)) != READ_EOF && rs != READ_FATAL) {
        if (rs == READ_OK)
            read_row(&l, cells, &pos);
        else
            l.errors++;
    }
    reader_close(rd);
    if (rs == READ_FATAL)
        l.errors++;
    const override_row **by = xmalloc(((size_t)l.o->nrows + 1) * sizeof *by);
    for (int i = 0; i < l.o->nrows; i++)
        by[i] = &l.o->rows[i];
    find_duplicates(&l, by, l.o->nrows);
    if (l.errors) {
        free(by);
        overrides_free(l.o);
        return NULL;
    }
    index_accounts(l.o, by);
    free(by);
    return l.o;
}

void overrides_free(overrides *o)
{
    if (!o)
        return;
    arena_free(&o->arena);
    free(o->rows);
    free(o->ev);
    free(o->evrow);
    free(o->accounts);
    free(o->table);
    free(o);
}

rb_date overrides_as_of(const overrides *o) { return o->as_of; }

const override_row *overrides_rows(const overrides *o, int *n)
{
    *n = o->nrows;
    return o->rows;
}

void overrides_set(overrides *o, const char *id, size_t len, uint64_t hash, frame *f)
{
    uint32_t k = *slot_for(o, id, len, hash);
    if (!k) {
        f->novr = 0;
        return;
    }
    ovr_account *a = &o->accounts[k - 1];
    a->scored = true;
    f->ovr = &o->ev[a->first];
    f->novr = a->n;
}

const override_row *overrides_row_of(const overrides *o, const frame *f, int k)
{
    return o->evrow[(f->ovr - o->ev) + k];
}

void overrides_count(const overrides *o, override_counts *c)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < o->nrows; i++) {
        c->expired += o->rows[i].state == OVR_EXPIRED;
        c->unknown_output += o->rows[i].state == OVR_UNKNOWN_OUTPUT;
    }
    for (int i = 0; i < o->naccounts; i++)
        *(o->accounts[i].scored ? &c->applied : &c->unknown_account) += o->accounts[i].n;
}
