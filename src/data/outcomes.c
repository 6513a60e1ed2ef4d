/* outcomes.c - reading the outcomes file of `rubric backtest`
 * (outcomes.h). */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "outcomes.h"
#include "strbuf.h"
#include "xalloc.h"

const char *const outcome_known_events[OUTCOME_NKNOWN] = {"churn", "contraction", "renewal", "expansion"};

bool outcome_event_valid(const char *s, size_t n)
{
    if (n == 0 || n > OUTCOME_EVENT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* One row: its account id as an offset into the ids' text. */
typedef struct outcome_row {
    size_t id_off;
    size_t id_len;
    rb_date date;
    int event;
    long record, line;
} outcome_row;

struct outcomes {
    strbuf ids;
    char **events;       /* the distinct event names of the file, first seen first */
    long *event_rows;    /* rows of each, duplicates once */
    int nevents;
    outcome_row *rows;   /* the chosen event's, by account id then date */
    long n;
    bool *asked;         /* per row: outcomes_hit asked for its account */
    bool has_last;
    rb_date last;
    long duplicates;     /* rows that repeated an earlier row */
    long dup_line, dup_of; /* the first of them, and the line it repeats */
};

/* Sorting needs the ids' text: qsort has no context argument. */
static int row_compare_in(const char *text, const outcome_row *a, const outcome_row *b)
{
    size_t n = a->id_len < b->id_len ? a->id_len : b->id_len;
    int c = memcmp(text + a->id_off, text + b->id_off, n);
    if (c)
        return c;
    if (a->id_len != b->id_len)
        return a->id_len < b->id_len ? -1 : 1;
    if (a->event != b->event)
        return a->event < b->event ? -1 : 1;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

/* A merge sort (stable, with the text passed along). */
static void sort_rows(const char *text, outcome_row *v, outcome_row *tmp, long n)
{
    if (n < 2)
        return;
    long h = n / 2;
    sort_rows(text, v, tmp, h);
    sort_rows(text, v + h, tmp, n - h);
    long i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = row_compare_in(text, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, (size_t)n * sizeof *v);
}

/* The index of the event spelled s[0..n) among the file's, added when new. */
static int event_index(outcomes *o, const char *s, size_t n)
{
    for (int i = 0; i < o->nevents; i++)
        if (strlen(o->events[i]) == n && memcmp(o->events[i], s, n) == 0)
            return i;
    o->events = xrealloc(o->events, (size_t)(o->nevents + 1) * sizeof *o->events);
    o->event_rows = xrealloc(o->event_rows, (size_t)(o->nevents + 1) * sizeof *o->event_rows);
    o->events[o->nevents] = xmalloc(n + 1);
    memcpy(o->events[o->nevents], s, n);
    o->events[o->nevents][n] = '\0';
    o->event_rows[o->nevents] = 0;
    return o->nevents++;
}

static bool row_check(outcomes *o, const char *path, const cell *c, const record_pos *pos, outcome_row *row,
                      diag *d)
{
    if (c[0].state != CELL_TEXT || c[0].len == 0) {
        diag_record(d, path, pos->record, pos->line, "no account id ('account_id' is empty)");
        return false;
    }
    if (c[1].state != CELL_TEXT || c[1].len == 0) {
        diag_record(d, path, pos->record, pos->line, "no event (a word: churn, contraction, renewal, expansion...)");
        return false;
    }
    if (!outcome_event_valid(c[1].s, c[1].len)) {
        diag_record(d, path, pos->record, pos->line,
                    "event '%.*s' is not a word (up to %d letters, digits, '_' or '-')",
                    c[1].len > 64 ? 64 : (int)c[1].len, c[1].s, OUTCOME_EVENT_MAX);
        return false;
    }
    row->event = event_index(o, c[1].s, c[1].len);
    if (c[2].state != CELL_TEXT || !date_parse(c[2].s, c[2].len, &row->date)) {
        if (c[2].state == CELL_TEXT)
            diag_record(d, path, pos->record, pos->line, "date '%.*s' is not a date (YYYY-MM-DD)", (int)c[2].len,
                        c[2].s);
        else
            diag_record(d, path, pos->record, pos->line, "no date");
        return false;
    }
    row->record = pos->record;
    row->line = pos->line;
    return true;
}

outcomes *outcomes_load(const char *path, const read_opts *opts, const char *event, diag *d)
{
    static const char *const fields[] = {"account_id", "event", "date"};
    static const bool required[] = {true, true, true};
    reader *rd = reader_open(path, opts, fields, required, 3, d);
    if (!rd)
        return NULL;
    outcomes *o = xcalloc(1, sizeof *o);
    long cap = 0, all = 0, allcap = 0;
    outcome_row *every = NULL;
    bool ok = true;
    cell c[3];
    record_pos pos;
    read_status st;
    while ((st = reader_next(rd, c, &pos)) != READ_EOF) {
        outcome_row row;
        if (st != READ_OK || !row_check(o, path, c, &pos, &row, d)) {
            ok = false;
            if (st == READ_FATAL)
                break;
            continue;
        }
        row.id_off = o->ids.len;
        row.id_len = c[0].len;
        strbuf_add(&o->ids, c[0].s, c[0].len);
        if (!o->has_last || row.date > o->last)
            o->last = row.date;
        o->has_last = true;
        if (all == allcap)
            every = xrealloc(every, (size_t)(allcap = allcap ? 2 * allcap : 256) * sizeof *every);
        every[all++] = row;
    }
    if (ok && reader_missing_key(rd))
        ok = false;
    reader_close(rd);
    if (ok && all) {
        outcome_row *tmp = xmalloc((size_t)all * sizeof *tmp);
        sort_rows(o->ids.s, every, tmp, all);
        free(tmp);
        /* A row repeating an earlier one is the same event: kept once. */
        long kept = 1;
        for (long i = 1; i < all; i++) {
            outcome_row *a = &every[kept - 1], *b = &every[i];
            if (a->id_len == b->id_len && a->event == b->event && a->date == b->date &&
                memcmp(o->ids.s + a->id_off, o->ids.s + b->id_off, a->id_len) == 0) {
                if (!o->duplicates++ || b->line < o->dup_line) {
                    o->dup_line = b->line;
                    o->dup_of = a->line;
                }
                continue;
            }
            every[kept++] = *b;
        }
        all = kept;
    }
    if (!ok) {
        free(every);
        outcomes_free(o);
        return NULL;
    }
    int chosen = -1;
    for (int i = 0; i < o->nevents; i++)
        if (strcmp(o->events[i], event) == 0)
            chosen = i;
    for (long i = 0; i < all; i++) {
        o->event_rows[every[i].event]++;
        if (every[i].event != chosen)
            continue;
        if (o->n == cap)
            o->rows = xrealloc(o->rows, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *o->rows);
        o->rows[o->n++] = every[i];
    }
    free(every);
    o->asked = xcalloc((size_t)o->n + 1, 1);
    return o;
}

void outcomes_free(outcomes *o)
{
    if (!o)
        return;
    strbuf_free(&o->ids);
    for (int i = 0; i < o->nevents; i++)
        free(o->events[i]);
    free(o->events);
    free(o->event_rows);
    free(o->rows);
    free(o->asked);
    free(o);
}

bool outcomes_last(const outcomes *o, rb_date *last)
{
    *last = o->last;
    return o->has_last;
}

long outcomes_count(const outcomes *o) { return o->n; }

long outcomes_duplicates(const outcomes *o, long *line, long *of)
{
    *line = o->dup_line;
    *of = o->dup_of;
    return o->duplicates;
}

static int id_compare(const outcomes *o, const outcome_row *r, const char *id, size_t idlen)
{
    size_t n = r->id_len < idlen ? r->id_len : idlen;
    int c = memcmp(o->ids.s + r->id_off, id, n);
    return c ? c : (r->id_len > idlen) - (r->id_len < idlen);
}

bool outcomes_hit(outcomes *o, const char *id, size_t idlen, rb_date after, rb_date through)
{
    long lo = 0, hi = o->n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (id_compare(o, &o->rows[mid], id, idlen) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool hit = false;
    for (long i = lo; i < o->n && id_compare(o, &o->rows[i], id, idlen) == 0; i++) {
        o->asked[i] = true;
        hit |= o->rows[i].date > after && o->rows[i].date <= through;
    }
    return hit;
}

long outcomes_unscored(const outcomes *o, const char **first, size_t *first_len)
{
    long n = 0;
    *first = NULL;
    *first_len = 0;
    for (long i = 0; i < o->n; i++)
        if (!o->asked[i]) {
            if (!*first) {
                *first = o->ids.s + o->rows[i].id_off;
                *first_len = o->rows[i].id_len;
            }
            n++;
        }
    return n;
}

int outcomes_events(const outcomes *o, const char *const **names, const long **rows)
{
    *names = (const char *const *)o->events;
    *rows = o->event_rows;
    return o->nevents;
}
