/* table.c - a list input's rows from a CSV table (see table.h).
 *
 * Held rows live in an arena, each as one block: its place in the table,
 * then each field as a length (LEB128, 0 for a missing cell, else the
 * length plus one) and its bytes.  The rows of one id are chained in the
 * table's order from a group, found by the id's hash.  A streaming table
 * holds only the rows the merge has passed without an account asking for
 * them; the rows an account takes from the stream itself are copied into
 * a buffer reused from one account to the next. */
#include "table.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "idset.h"
#include "names.h"
#include "xalloc.h"

typedef struct held_row {
    struct held_row *next;   /* the next row of the same id */
    uint32_t record, line;
    unsigned char bytes[];   /* per field: LEB128 length (+1; 0 missing), then the bytes */
} held_row;

typedef struct group {
    uint64_t hash;
    const char *id;          /* in the arena */
    uint32_t idlen;
    uint32_t nrows;
    bool taken;
    held_row *first, *last;
} group;

enum { SHOWN_IDS = 3, SHOWN_ID_LEN = 60 };

struct table_src {
    const char *list;
    const char *file, *path;    /* as given, and as messages name it */
    diag *d;
    int nfields;                /* the record's */
    int *col;                   /* record field -> reader field */
    const char **rfields;       /* the reader's: the id, then the fields not named like it */
    bool *required;
    int nrfields;
    read_opts opts;
    reader *rd;
    cell *rcells;               /* the reader's cells of the head row */
    record_pos head_pos;
    bool head_valid;            /* streaming: rcells hold the next row not yet placed */
    bool streaming, failed;
    int (*order)(const char *, size_t, const char *, size_t);  /* the stream's */
    /* held rows */
    arena rows;
    group *groups;
    uint32_t ngroups, groups_cap, live;  /* live: groups not taken yet */
    uint32_t *slots;            /* group index + 1, 0 empty */
    uint32_t nslots;
    /* what table_rows hands out */
    cell *out;
    uint32_t *out_off;          /* stream rows: each cell's text offset in out_text */
    record_pos *out_pos;
    size_t out_cap;             /* rows */
    char *out_text;
    size_t out_text_len, out_text_cap;
    long nout;
};

/* The next row of the reader into rcells: 1, 0 at the end, -1 after
 * saying why (a malformed row, a row without an id). */
static int next_row(table_src *t)
{
    read_status st = reader_next(t->rd, t->rcells, &t->head_pos);
    if (st == READ_EOF)
        return 0;
    if (st != READ_OK)
        return -1; /* the reader said why */
    const cell *id = &t->rcells[0];
    if (id->state != CELL_TEXT || id->len == 0) {
        diag_record(t->d, t->path, t->head_pos.record, t->head_pos.line,
                    "no account id ('%s' is empty); each row of --table %s belongs to an account", t->rfields[0],
                    t->list);
        return -1;
    }
    return 1;
}

static group *find(const table_src *t, const char *id, size_t len, uint64_t h)
{
    if (!t->nslots)
        return NULL;
    for (uint32_t i = (uint32_t)h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
        uint32_t g = t->slots[i];
        if (!g)
            return NULL;
        group *gr = &t->groups[g - 1];
        if (gr->hash == h && gr->idlen == len && memcmp(gr->id, id, len) == 0)
            return gr;
    }
}

static void place(table_src *t, uint32_t index)
{
    for (uint32_t i = (uint32_t)t->groups[index].hash & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1))
        if (!t->slots[i]) {
            t->slots[i] = index + 1;
            return;
        }
}

static group *add_group(table_src *t, const char *id, size_t len, uint64_t h)
{
    if (t->ngroups == t->groups_cap) {
        t->groups_cap = t->groups_cap ? t->groups_cap * 2 : 64;
        t->groups = xrealloc(t->groups, t->groups_cap * sizeof *t->groups);
    }
    /* Slots stay at most half full, so that probes stay short. */
    if ((t->ngroups + 1) * 2 > t->nslots) {
        free(t->slots);
        t->nslots = t->nslots ? t->nslots * 2 : 128;
        t->slots = xcalloc(t->nslots, sizeof *t->slots);
        for (uint32_t g = 0; g < t->ngroups; g++)
            place(t, g);
    }
    group *g = &t->groups[t->ngroups];
    *g = (group){.hash = h, .id = arena_strndup(&t->rows, id, len), .idlen = (uint32_t)len};
    place(t, t->ngroups++);
    t->live++;
    return g;
}

static size_t leb_size(size_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *leb_put(unsigned char *p, size_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static const unsigned char *leb_get(const unsigned char *p, size_t *v)
{
    size_t x = 0;
    int shift = 0;
    do {
        x |= (size_t)(*p & 0x7f) << shift;
        shift += 7;
    } while (*p++ & 0x80);
    *v = x;
    return p;
}

static uint32_t pos_number(long v) { return v > (long)UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

/* The head row kept in memory with the other rows of its id. */
static void hold(table_src *t)
{
    const cell *id = &t->rcells[0];
    uint64_t h = idset_hash(id->s, id->len);
    group *g = find(t, id->s, id->len, h);
    if (!g)
        g = add_group(t, id->s, id->len, h);
    else if (g->taken) {
        /* Rows of an id whose account has had its list are no one's: they
         * start a chain of orphans.  (Held rows are read before any
         * account asks, or once the merge has passed their id; neither
         * comes back to an id, so this is a safeguard.) */
        *g = (group){.hash = g->hash, .id = g->id, .idlen = g->idlen};
        t->live++;
    }
    size_t size = sizeof(held_row);
    for (int f = 0; f < t->nfields; f++) {
        const cell *c = &t->rcells[t->col[f]];
        size_t n = c->state == CELL_TEXT ? c->len + 1 : 0;
        size += leb_size(n) + (n ? n - 1 : 0);
    }
    held_row *r = arena_alloc(&t->rows, size);
    r->record = pos_number(t->head_pos.record);
    r->line = pos_number(t->head_pos.line);
    unsigned char *p = r->bytes;
    for (int f = 0; f < t->nfields; f++) {
        const cell *c = &t->rcells[t->col[f]];
        size_t n = c->state == CELL_TEXT ? c->len + 1 : 0;
        p = leb_put(p, n);
        if (n) {
            memcpy(p, c->s, c->len);
            p += c->len;
        }
    }
    if (g->last)
        g->last->next = r;
    else
        g->first = r;
    g->last = r;
    g->nrows++;
}

/* Room in the output for one more row. */
static void out_row(table_src *t)
{
    if ((size_t)t->nout < t->out_cap)
        return;
    t->out_cap = t->out_cap ? t->out_cap * 2 : 16;
    size_t ncells = t->out_cap * (size_t)(t->nfields ? t->nfields : 1);
    t->out = xrealloc(t->out, ncells * sizeof *t->out);
    t->out_off = xrealloc(t->out_off, ncells * sizeof *t->out_off);
    t->out_pos = xrealloc(t->out_pos, t->out_cap * sizeof *t->out_pos);
}

/* A held group's rows into the output: cells point into the arena. */
static void take_group(table_src *t, group *g)
{
    for (const held_row *r = g->first; r; r = r->next) {
        out_row(t);
        cell *c = &t->out[(size_t)t->nout * (size_t)t->nfields];
        const unsigned char *p = r->bytes;
        for (int f = 0; f < t->nfields; f++) {
            size_t n;
            p = leb_get(p, &n);
            c[f].state = n ? CELL_TEXT : CELL_MISSING;
            c[f].s = (const char *)p;
            c[f].len = n ? (uint32_t)(n - 1) : 0;
            p += n ? n - 1 : 0;
        }
        t->out_pos[t->nout].record = r->record;
        t->out_pos[t->nout].line = r->line;
        t->nout++;
    }
    g->taken = true;
    t->live--;
}

/* The head row into the output, its texts copied (the reader's buffer
 * moves on); pointed to once the account's rows are all read. */
static void take_head(table_src *t)
{
    out_row(t);
    size_t at = (size_t)t->nout * (size_t)t->nfields;
    for (int f = 0; f < t->nfields; f++) {
        const cell *c = &t->rcells[t->col[f]];
        cell *o = &t->out[at + f];
        o->state = c->state == CELL_TEXT ? CELL_TEXT : CELL_MISSING;
        o->len = o->state == CELL_TEXT ? c->len : 0;
        t->out_off[at + f] = (uint32_t)t->out_text_len;
        if (t->out_text_len + o->len > t->out_text_cap) {
            t->out_text_cap = (t->out_text_len + o->len) * 2 + 256;
            t->out_text = xrealloc(t->out_text, t->out_text_cap);
        }
        if (o->len)
            memcpy(t->out_text + t->out_text_len, c->s, o->len);
        t->out_text_len += o->len;
    }
    t->out_pos[t->nout] = t->head_pos;
    t->nout++;
}

/* A reader of the table from its start. */
static bool open_reader(table_src *t)
{
    reader_close(t->rd);
    t->rd = reader_open(t->file, &t->opts, t->rfields, t->required, t->nrfields, t->d);
    return t->rd != NULL;
}

/* Byte order, as `LC_ALL=C sort` leaves a file. */
static int bytes_compare(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : alen < blen ? -1 : alen > blen;
}

/* The first pass over a regular file: whether its ids never go back, in
 * the order of idset_compare or else in byte order; sets t->order.  1 in
 * one of them, 0 in neither, -1 when it cannot be read (said). */
static int in_order(table_src *t)
{
    char *last = NULL;
    size_t last_len = 0, last_cap = 0;
    int rc;
    bool natural = true, bytes = true;
    while ((rc = next_row(t)) > 0) {
        const cell *id = &t->rcells[0];
        if (last && natural && idset_compare(id->s, id->len, last, last_len) < 0)
            natural = false;
        if (last && bytes && bytes_compare(id->s, id->len, last, last_len) < 0)
            bytes = false;
        if (!natural && !bytes)
            break;
        if (id->len > last_cap) {
            last_cap = id->len + 64;
            last = xrealloc(last, last_cap);
        }
        memcpy(last, id->s, id->len);
        last_len = id->len;
    }
    free(last);
    t->order = natural ? idset_compare : bytes_compare;
    return rc < 0 ? -1 : natural || bytes;
}

table_src *table_open(const char *list, const char *path, const read_opts *opts, const char *id_field,
                      const char *const *fields, int nfields, diag *d)
{
    table_src *t = xcalloc(1, sizeof *t);
    t->list = list;
    t->file = path;
    t->path = strcmp(path, "-") == 0 ? "standard input" : path;
    t->d = d;
    t->nfields = nfields;
    arena_init(&t->rows);
    if (opts)
        t->opts = *opts;
    t->opts.format = DATA_CSV; /* whatever the data's format */
    /* The id column first; a field named like it is that column. */
    t->rfields = xmalloc((size_t)(nfields + 1) * sizeof *t->rfields);
    t->required = xmalloc((size_t)(nfields + 1) * sizeof *t->required);
    t->col = xmalloc((size_t)(nfields ? nfields : 1) * sizeof *t->col);
    t->rfields[t->nrfields++] = id_field;
    for (int f = 0; f < nfields; f++) {
        int c = 0;
        while (c < t->nrfields && strcmp(t->rfields[c], fields[f]) != 0)
            c++;
        if (c == t->nrfields)
            t->rfields[t->nrfields++] = fields[f];
        t->col[f] = c;
    }
    for (int c = 0; c < t->nrfields; c++)
        t->required[c] = true;
    t->rcells = xcalloc((size_t)t->nrfields, sizeof *t->rcells);
    if (!open_reader(t)) {
        table_close(t);
        return NULL;
    }
    struct stat st;
    bool regular = strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    int order = regular ? in_order(t) : 0;
    if (order < 0 || (regular && !open_reader(t))) {
        table_close(t);
        return NULL;
    }
    int rc;
    if (order == 1) {
        t->streaming = true;
        rc = next_row(t);
        t->head_valid = rc > 0;
    } else {
        /* Any order, or a pipe that cannot be read twice: every row held. */
        while ((rc = next_row(t)) > 0)
            hold(t);
    }
    if (rc < 0) {
        table_close(t);
        return NULL;
    }
    return t;
}

long table_rows(table_src *t, const char *id, size_t idlen, const cell **cells, const record_pos **pos)
{
    t->nout = 0;
    t->out_text_len = 0;
    *cells = t->out;
    *pos = t->out_pos;
    if (t->failed)
        return -1;
    if (t->live) {
        group *g = find(t, id, idlen, idset_hash(id, idlen));
        if (g && !g->taken) {
            take_group(t, g);
            *cells = t->out;
            *pos = t->out_pos;
            return t->nout;
        }
    }
    if (!t->streaming)
        return 0;
    while (t->head_valid) {
        const cell *h = &t->rcells[0];
        int c = t->order(h->s, h->len, id, idlen);
        if (c > 0)
            break;
        if (c < 0)
            hold(t); /* an id the accounts have not asked for yet */
        else
            take_head(t);
        int rc = next_row(t);
        if (rc < 0) {
            t->failed = true;
            t->head_valid = false;
            return -1;
        }
        t->head_valid = rc > 0;
    }
    size_t ncells = (size_t)t->nout * (size_t)t->nfields;
    for (size_t i = 0; i < ncells; i++)
        t->out[i].s = t->out_text ? t->out_text + t->out_off[i] : "";
    *cells = t->out;
    *pos = t->out_pos;
    return t->nout;
}

/* An id as a message shows it: printable, not too long. */
static void shown(const char *id, size_t len, char *out)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j < SHOWN_ID_LEN - 4; i++)
        out[j++] = (unsigned char)id[i] < 0x20 || id[i] == 0x7f ? '?' : id[i];
    if (len > j)
        memcpy(out + j, "...", 3), j += 3;
    out[j] = '\0';
}

long table_finish(table_src *t, const char *data_path)
{
    if (t->failed)
        return -1;
    long count = 0;
    char ids[SHOWN_IDS][SHOWN_ID_LEN];
    uint32_t at[SHOWN_IDS];
    int nids = 0;
    /* Held rows come before the stream's rest in the table: the first ids
     * are the held groups' with the earliest rows, in the table's order. */
    for (uint32_t i = 0; i < t->ngroups; i++) {
        const group *g = &t->groups[i];
        if (g->taken)
            continue;
        count += g->nrows;
        uint32_t rec = g->first->record;
        int k = nids < SHOWN_IDS ? nids++ : SHOWN_IDS;
        if (k == SHOWN_IDS && rec >= at[SHOWN_IDS - 1])
            continue;
        if (k == SHOWN_IDS)
            k = SHOWN_IDS - 1;
        while (k > 0 && at[k - 1] > rec) {
            at[k] = at[k - 1];
            memcpy(ids[k], ids[k - 1], SHOWN_ID_LEN);
            k--;
        }
        at[k] = rec;
        shown(g->id, g->idlen, ids[k]);
    }
    char last[SHOWN_ID_LEN] = "";
    while (t->head_valid) {
        count++;
        char id[SHOWN_ID_LEN];
        shown(t->rcells[0].s, t->rcells[0].len, id);
        if (nids < SHOWN_IDS && strcmp(id, last) != 0)
            memcpy(ids[nids++], id, SHOWN_ID_LEN);
        memcpy(last, id, SHOWN_ID_LEN);
        int rc = next_row(t);
        if (rc < 0) {
            t->failed = true;
            return -1;
        }
        t->head_valid = rc > 0;
    }
    if (!count)
        return 0;
    char list[SHOWN_IDS * (SHOWN_ID_LEN + 4) + 8] = "";
    size_t used = 0;
    for (int i = 0; i < nids; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s'", i ? ", " : "", ids[i]);
    if (count == 1)
        diag_say(t->d, "%s: 1 row names an account not in %s (%s)", t->path, data_path, list);
    else
        diag_say(t->d, "%s: %ld rows name accounts not in %s (first: %s)", t->path, count, data_path, list);
    return count;
}

const char *table_list(const table_src *t) { return t->list; }

bool table_args_check(const policy *const *pols, int npols, const table_arg *tables, int ntables,
                      const char *data_path, diag *d)
{
    for (int t = 0; t < ntables; t++) {
        const char *name = tables[t].name;
        if (strcmp(tables[t].path, "-") == 0 && strcmp(data_path, "-") == 0) {
            diag_fail(d, "--table %s=-: standard input is the data already; give the table as a file", name);
            return false;
        }
        const symbol *in = NULL;
        for (int k = 0; k < npols && !in; k++) {
            const symbol *sym = policy_lookup(pols[k], name);
            if (sym && sym->kind == SYM_INPUT)
                in = sym;
        }
        if (in && in->type == TY_LIST)
            continue;
        if (in) {
            diag_fail(d, "--table %s: input '%s' is not a list (a table gives the elements of a list input)", name, name);
            return false;
        }
        const char *lists[64];
        int n = 0;
        for (int k = 0; k < npols; k++)
            for (int i = 0; i < pols[k]->ninputs && n < 64; i++)
                if (pols[k]->inputs[i]->type == TY_LIST)
                    lists[n++] = pols[k]->inputs[i]->name;
        const char *best = closest_name(name, lists, n);
        if (best)
            diag_fail(d, "--table %s: no list input '%s' (did you mean '%s'?)", name, name, best);
        else if (n)
            diag_fail(d, "--table %s: no list input '%s' (the list inputs: '%s'%s)", name, name, lists[0],
                      n > 1 ? ", ..." : "");
        else
            diag_fail(d, "--table %s: the policy has no list input", name);
        return false;
    }
    return true;
}

const table_arg *table_arg_of(const symbol *in, const table_arg *tables, int ntables)
{
    for (int t = 0; t < ntables; t++)
        if (strcmp(tables[t].name, in->name) == 0)
            return &tables[t];
    return NULL;
}

void table_say_needed(const symbol *in, diag *d)
{
    diag_fail(d, "input '%s' is a list: give its rows with --table %s=FILE", in->name, in->name);
}

table_src *table_open_input(const symbol *in, const table_arg *arg, const read_opts *opts, const char *id_field,
                            diag *d)
{
    const record_type *r = in->rec;
    const char **names = xmalloc((size_t)(r->nfields + 1) * sizeof *names);
    for (int f = 0; f < r->nfields; f++)
        names[f] = r->fields[f]->name;
    table_src *t = table_open(in->name, arg->path, opts, id_field, names, r->nfields, d);
    free(names);
    return t;
}

void table_close(table_src *t)
{
    if (!t)
        return;
    reader_close(t->rd);
    arena_free(&t->rows);
    free(t->groups);
    free(t->slots);
    free(t->rfields);
    free(t->required);
    free(t->col);
    free(t->rcells);
    free(t->out);
    free(t->out_off);
    free(t->out_pos);
    free(t->out_text);
    free(t);
}
