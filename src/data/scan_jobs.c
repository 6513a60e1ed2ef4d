/* scan_jobs.c - -j: the one pass on several threads.
 *
 * The main thread cuts the input into chunks of whole records
 * (reader_cut) and puts them in a ring of 2N slots; N workers each read a
 * chunk with a reader, a record layout and frames of their own, score its
 * accounts and keep their output bytes (a writer_open_kept), one span per
 * account; the main thread takes the chunks back in input order and
 * writes them.  What depends on the records before a chunk is decided
 * there, in input order: the duplicate ids (an idset the main thread
 * alone holds), the record and line numbers (a worker counts from its
 * chunk's start) and the numbers' styles (percent or plain, set by the
 * first record that has one).  A chunk with anything to say, a bad record
 * or a style other than the one before it, is read again by the main
 * thread the way one thread reads everything, so that every message is
 * the one a single thread gives, in its place.
 *
 * The verbs that write no scores (diff, calibrate, report) have the
 * workers keep the values they read of each account instead (scan_keep),
 * and read them in input order on the main thread. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "scan.h"
#include "status.h"
#include "strbuf.h"
#include "xalloc.h"

enum { CHUNK_FREE, CHUNK_READY, CHUNK_BUSY, CHUNK_DONE };

/* One scored account of a chunk. */
typedef struct job_entry {
    size_t end;              /* its output bytes end here */
    size_t id;               /* its id in the chunk's ids */
    uint32_t idlen;
    uint64_t hash;
    long record, line;       /* counted from the chunk's start, from 1 */
    size_t act_end;          /* its action rows end here */
    long fired;              /* how many */
    uint64_t unbanded[SCAN_MAX_PROGRAMS]; /* bit i: s->unbanded[k][i] caught no band */
} job_entry;

typedef struct job_chunk {
    int state;
    char *data;              /* the input, its storage kept for the next */
    size_t len, data_cap;
    bool dirty;              /* to be read again in order */
    strbuf out;              /* the accounts' output bytes */
    strbuf acts;             /* their action rows (--actions) */
    job_entry *e;
    size_t n, cap;
    strbuf ids;
    long records, lines;     /* how many the chunk holds */
    uint8_t *style;          /* per style (style_slots): the first its records set */
    num_style *style_at;     /* where, counted from the chunk's start */
    rb_value *vals;          /* scan_keep: nkept values per account, in order */
    size_t vals_cap;
    strbuf texts;            /* their texts' bytes; a kept text's pointer is its offset here */
} job_chunk;

typedef struct jobs jobs;

/* The number styles a record layout carries from one record to the next:
 * each input's, and each field's of a list input, numbered in that order.
 * Their count; st and at (when not NULL) get where each one lies. */
static int style_slots(const policy *p, record_layout *l, uint8_t **st, num_style **at)
{
    int n = 0;
    for (int i = 0; i < p->ninputs; i++) {
        if (st) {
            st[n] = &l->style[i];
            at[n] = &l->style_at[i];
        }
        n++;
        int k = l->list_of_input[i];
        for (int f = 0; k >= 0 && f < p->inputs[i]->rec->nfields; f++, n++)
            if (st) {
                st[n] = &l->stores[k].style[f];
                at[n] = &l->stores[k].style_at[f];
            }
    }
    return n;
}

/* style_slots for every program of s, in order. */
static int all_style_slots(const scan *s, record_layout *layouts, uint8_t **st, num_style **at)
{
    int n = 0;
    for (int k = 0; k < s->nprogs; k++)
        n += style_slots(s->progs[k]->pol, &layouts[k], st ? st + n : NULL, at ? at + n : NULL);
    return n;
}

typedef struct worker {
    jobs *j;
    pthread_t thread;
    scan sc;                 /* its own cells, layout and frames */
    diag quiet;              /* what it would say is said again in order */
    uint8_t **style;         /* its layout's styles (style_slots) */
    num_style **style_at;
    reader *rd;
    writer *out;
    action_writer *acts;     /* --actions: its rows kept; NULL otherwise */
    long next_record;        /* its reader's records go on counting */
} worker;

struct jobs {
    scan *s;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    job_chunk *ring;
    long nring, filled, taken;
    action_writer *acts;     /* the run's --actions, or NULL */
    const scan_keep *keep;   /* what the verb reads of each account, or NULL */
    int nkept;               /* values kept per account */
    int nstyles;
    bool stop;
};

const char *scan_jobs_refusal(const scan *s)
{
    for (int k = 0; k < s->nprogs; k++)
        if (s->progs[k]->npops)
            return "-j with population values is not supported: they are gathered by passes over every account "
                   "before scoring (score with one thread)";
    if (s->ntables)
        return "-j with --table is not supported: a table streams in account order (score with one thread)";
    for (int k = 0; k < s->nprogs; k++)
        if (s->prev[k] || s->progs[k]->pol->nprevs)
            return "-j with prev() is not supported: the previous period is read in account order (score with one "
                   "thread)";
    return NULL;
}

static void worker_init(worker *w, jobs *j, writer *like)
{
    const scan *s = j->s;
    memset(w, 0, sizeof *w);
    w->j = j;
    diag_init(&w->quiet, NULL);
    w->sc.diag = &w->quiet;
    w->sc.data_path = s->data_path;
    w->sc.read = s->read;
    w->sc.id_field = s->id_field;
    w->sc.nprogs = s->nprogs;
    /* As scan_open lays them out, so that the fields come in its order. */
    for (int k = 0; k < s->nprogs; k++) {
        w->sc.progs[k] = s->progs[k];
        if (k == 0)
            record_layout_init(&w->sc.layouts[0], s->progs[0]->pol, s->id_field, s->read);
        else
            record_layout_share(&w->sc.layouts[0], s->progs[0]->pol, &w->sc.layouts[k], s->progs[k]->pol);
        record_layout_report(&w->sc.layouts[k], &w->quiet, s->data_path, NULL);
        frame_init(&w->sc.frames[k], s->progs[k]);
    }
    w->sc.cells = xcalloc((size_t)w->sc.layouts[0].nfields, sizeof *w->sc.cells);
    w->rd = reader_for_chunks(s->rd, &w->quiet);
    w->style = xmalloc(((size_t)j->nstyles + 1) * sizeof *w->style);
    w->style_at = xmalloc(((size_t)j->nstyles + 1) * sizeof *w->style_at);
    all_style_slots(s, w->sc.layouts, w->style, w->style_at);
    if (like)
        w->out = writer_open_kept(like);
    if (j->acts)
        w->acts = actions_open_kept(j->acts);
}

static void worker_free(worker *w)
{
    for (int k = 0; k < w->sc.nprogs; k++) {
        frame_free(&w->sc.frames[k]);
        record_layout_free(&w->sc.layouts[k]);
    }
    free(w->sc.cells);
    free(w->style);
    free(w->style_at);
    reader_close(w->rd);
    if (w->out)
        writer_close(w->out);
    if (w->acts)
        actions_close(w->acts, false);
}

/* The values the verb reads of the account just scored, kept after those
 * of the accounts before it in the chunk: false for a value that cannot be
 * kept (a list), whose chunk is then read again in order. */
static bool keep_values(worker *w, job_chunk *c)
{
    const scan_keep *keep = w->j->keep;
    if (w->j->nkept == 0)
        return true;
    size_t at = (c->n - 1) * (size_t)w->j->nkept;
    if (at + (size_t)w->j->nkept > c->vals_cap) {
        c->vals_cap = 2 * (at + (size_t)w->j->nkept);
        c->vals = xrealloc(c->vals, c->vals_cap * sizeof *c->vals);
    }
    for (int k = 0; k < w->sc.nprogs; k++)
        for (int i = 0; i < keep->nslots[k]; i++) {
            rb_value v = w->sc.frames[k].slots[keep->slots[k][i]];
            if (v.kind == VK_LIST || v.kind == VK_RECORD)
                return false;
            if (v.kind == VK_TEXT) {
                /* The reader's buffer moves on: the bytes are copied, and
                 * found again by their offset once the chunk is merged. */
                uintptr_t off = c->texts.len;
                strbuf_add(&c->texts, v.u.text, v.len);
                v.u.text = (const char *)off;
            }
            c->vals[at++] = v;
        }
    return true;
}

/* A chunk's accounts scored, their bytes kept; dirty at the first thing to
 * say. */
static void score_chunk(worker *w, job_chunk *c)
{
    const scan *s = w->j->s;
    scan *ws = &w->sc;
    long first = w->next_record;
    reader_chunk(w->rd, c->data, c->len, 1, first);
    int nst = w->j->nstyles;
    for (int i = 0; i < nst; i++)
        *w->style[i] = NUM_UNSEEN;
    c->dirty = false;
    c->n = 0;
    strbuf_setlen(&c->ids, 0);
    strbuf_setlen(&c->texts, 0);
    bool unkept = false; /* a value keep_values could not keep, or a 65th banded output in no band */
    record_pos pos;
    read_status rs = READ_FATAL;
    /* Without memory for its action rows, a worker leaves its chunks to be
     * read in order. */
    while (!unkept && (w->acts || !w->j->acts) && (rs = reader_next(w->rd, ws->cells, &pos)) == READ_OK &&
           scan_load(ws, &pos)) {
        const cell *id = &ws->cells[0];
        for (int k = 0; k < s->nprogs; k++)
            eval_account(s->progs[k], &ws->frames[k]);
        if (w->out)
            writer_record(w->out, id->s, id->len, ws->frames[0].slots);
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 1024;
            c->e = xrealloc(c->e, c->cap * sizeof *c->e);
        }
        job_entry *e = &c->e[c->n++];
        e->end = w->out ? writer_kept(w->out) : 0;
        if (w->j->keep && !keep_values(w, c))
            unkept = true;
        if (w->acts) {
            long before = actions_fired(w->acts);
            actions_record(w->acts, id->s, id->len, &ws->frames[0]);
            e->fired = actions_fired(w->acts) - before;
            e->act_end = actions_kept(w->acts);
        }
        e->id = c->ids.len;
        e->idlen = id->len;
        strbuf_add(&c->ids, id->s, id->len);
        e->hash = idset_hash(id->s, id->len);
        e->record = pos.record - first;
        e->line = pos.line;
        for (int k = 0; k < s->nprogs; k++) {
            e->unbanded[k] = 0;
            if (ws->frames[k].unbanded)
                for (int i = 0; i < s->nunbanded[k]; i++) {
                    const rb_value *v = &ws->frames[k].slots[s->unbanded[k][i].slot];
                    if (v->kind == VK_BANDED && v->band == BAND_NONE) {
                        /* Past the mask's bits: the chunk is read again. */
                        unkept |= i >= 64;
                        e->unbanded[k] |= i < 64 ? (uint64_t)1 << i : 0;
                    }
                }
        }
    }
    c->dirty = unkept || rs != READ_EOF;
    w->next_record = reader_record(w->rd);
    c->records = w->next_record - first;
    c->lines = reader_line(w->rd) - 1;
    if (w->out)
        writer_swap(w->out, &c->out);
    if (w->acts)
        actions_take(w->acts, &c->acts);
    if (!c->style) {
        c->style = xmalloc((size_t)nst + 1);
        c->style_at = xmalloc(((size_t)nst + 1) * sizeof *c->style_at);
    }
    for (int i = 0; i < nst; i++) {
        c->style[i] = *w->style[i];
        c->style_at[i] = *w->style_at[i];
        c->style_at[i].record -= first;
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    jobs *j = w->j;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (!j->stop && j->taken == j->filled)
            pthread_cond_wait(&j->work, &j->mu);
        if (j->stop)
            break;
        job_chunk *c = &j->ring[j->taken++ % j->nring];
        c->state = CHUNK_BUSY;
        pthread_mutex_unlock(&j->mu);
        score_chunk(w, c);
        pthread_mutex_lock(&j->mu);
        c->state = CHUNK_DONE;
        pthread_cond_signal(&j->done);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* The chunk's styles against those of the records before it (st, at: the
 * main layout's): true when they agree, the ones first set in the chunk
 * then taken as the file's. */
static bool styles_agree(uint8_t **st, num_style **at, int n, const job_chunk *c, long base_record, long base_line)
{
    for (int i = 0; i < n; i++)
        if (c->style[i] != NUM_UNSEEN && *st[i] != NUM_UNSEEN && c->style[i] != *st[i])
            return false;
    for (int i = 0; i < n; i++)
        if (c->style[i] != NUM_UNSEEN && *st[i] == NUM_UNSEEN) {
            *st[i] = c->style[i];
            *at[i] = c->style_at[i];
            at[i]->record += base_record;
            at[i]->line += base_line - 1;
        }
    return true;
}

/* The output of a chunk's accounts first .. end-1, all accepted: in one
 * piece where the format allows (most of a chunk, straight from the
 * worker's bytes), else one account at a time. */
static void put_accounts(writer *w, const job_chunk *c, size_t first, size_t end)
{
    if (!w || first == end)
        return;
    size_t from = first ? c->e[first - 1].end : 0;
    if (writer_put_run(w, c->out.s + from, c->e[end - 1].end - from, (long)(end - first)))
        return;
    for (size_t k = first; k < end; k++) {
        writer_put(w, c->out.s + from, c->e[k].end - from);
        from = c->e[k].end;
    }
}

/* Account n of the chunk's kept values into s's frames, for keep->visit. */
static void load_kept(scan *s, const job_chunk *c, const scan_keep *keep, int nkept, size_t n)
{
    if (nkept == 0)
        return;
    const rb_value *v = c->vals + n * (size_t)nkept;
    for (int k = 0; k < s->nprogs; k++)
        for (int i = 0; i < keep->nslots[k]; i++, v++) {
            rb_value *slot = &s->frames[k].slots[keep->slots[k][i]];
            *slot = *v;
            if (v->kind == VK_TEXT)
                slot->u.text = c->texts.s + (uintptr_t)v->u.text;
        }
}

/* A clean chunk's accounts, written in order: EXIT_OK or SCAN_STOPPED. */
static int merge_chunk(scan *s, const job_chunk *c, writer *w, action_writer *acts, const scan_keep *keep, int nkept,
                       long base_record, long base_line)
{
    size_t act_from = 0, run = 0; /* accounts run.. are accepted, not yet written */
    for (size_t k = 0; k < c->n; k++) {
        const job_entry *e = &c->e[k];
        const char *id = c->ids.s + e->id;
        record_pos pos = {base_record + e->record, base_line + e->line - 1};
        if (!scan_first_time(s, id, e->idlen, e->hash, &pos)) {
            s->rejected++;
            put_accounts(w, c, run, k);
            run = k + 1;
            act_from = e->act_end;
            if (!s->skip_errors)
                return SCAN_STOPPED;
            continue;
        }
        if (acts) {
            actions_put(acts, c->acts.s + act_from, e->act_end - act_from, e->fired);
            act_from = e->act_end;
        }
        for (int p = 0; p < s->nprogs; p++)
            for (int i = 0; i < 64 && e->unbanded[p] >> i; i++)
                if (e->unbanded[p] >> i & 1)
                    scan_tally_unbanded(s, p, i, id, e->idlen);
        if (keep) {
            load_kept(s, c, keep, nkept, k);
            keep->visit(keep->ctx, s, id, e->idlen);
        }
        s->scored++;
        if ((s->scored & 0xffff) == 0)
            scan_progress(s, false);
    }
    put_accounts(w, c, run, c->n);
    return EXIT_OK;
}

int scan_all_jobs(scan *s, int jobs_n, size_t chunk_bytes, writer *w, action_writer *acts, scan_visit visit,
                  void *ctx)
{
    return scan_all_jobs_keep(s, jobs_n, chunk_bytes, w, acts, NULL, visit, ctx);
}

int scan_all_jobs_keep(scan *s, int jobs_n, size_t chunk_bytes, writer *w, action_writer *acts, const scan_keep *keep,
                       scan_visit visit, void *ctx)
{
    jobs j = {.s = s, .nring = 2L * jobs_n, .acts = acts, .keep = keep};
    for (int k = 0; keep && k < s->nprogs; k++)
        j.nkept += keep->nslots[k];
    j.nstyles = all_style_slots(s, s->layouts, NULL, NULL);
    uint8_t **st = xmalloc(((size_t)j.nstyles + 1) * sizeof *st);
    num_style **at = xmalloc(((size_t)j.nstyles + 1) * sizeof *at);
    all_style_slots(s, s->layouts, st, at);
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.work, NULL);
    pthread_cond_init(&j.done, NULL);
    j.ring = xcalloc((size_t)j.nring, sizeof *j.ring);
    for (long i = 0; i < j.nring; i++) {
        strbuf_init(&j.ring[i].ids);
        strbuf_init(&j.ring[i].out);
        strbuf_init(&j.ring[i].acts);
        strbuf_init(&j.ring[i].texts);
    }
    worker *ws = xcalloc((size_t)jobs_n, sizeof *ws);
    for (int i = 0; i < jobs_n; i++)
        worker_init(&ws[i], &j, w);
    int started = 0;
    for (; started < jobs_n; started++)
        if (pthread_create(&ws[started].thread, NULL, worker_main, &ws[started]) != 0)
            break;
    /* Chunks read again in order, by the main thread. */
    reader *again = reader_for_chunks(s->rd, s->diag);
    long merged = 0, base_record = reader_record(s->rd), base_line = reader_line(s->rd);
    bool eof = false, cut_failed = false;
    int status = EXIT_OK;
    if (started == 0) {
        diag_fail(s->diag, "cannot start a thread for -j");
        status = SCAN_BROKEN;
    }
    while (status == EXIT_OK) {
        pthread_mutex_lock(&j.mu);
        while (!eof && j.filled - merged < j.nring) {
            pthread_mutex_unlock(&j.mu);
            job_chunk *c = &j.ring[j.filled % j.nring]; /* free: merged */
            long n = reader_cut(s->rd, chunk_bytes, &c->data, &c->data_cap);
            pthread_mutex_lock(&j.mu);
            if (n <= 0) {
                eof = true;
                cut_failed = n < 0; /* said once the chunks before it are */
                break;
            }
            j.filled++;
            c->len = (size_t)n;
            c->state = CHUNK_READY;
            pthread_cond_signal(&j.work);
        }
        if (merged == j.filled || status != EXIT_OK) {
            pthread_mutex_unlock(&j.mu);
            break;
        }
        job_chunk *c = &j.ring[merged % j.nring];
        while (c->state != CHUNK_DONE)
            pthread_cond_wait(&j.done, &j.mu);
        pthread_mutex_unlock(&j.mu);
        if (!c->dirty && styles_agree(st, at, j.nstyles, c, base_record, base_line)) {
            status = merge_chunk(s, c, w, acts, keep, j.nkept, base_record, base_line);
            base_record += c->records;
            base_line += c->lines;
        } else {
            reader_chunk(again, c->data, c->len, base_line, base_record);
            status = scan_records(s, again, visit, ctx);
            base_record = reader_record(again);
            base_line = reader_line(again);
        }
        pthread_mutex_lock(&j.mu);
        c->state = CHUNK_FREE;
        merged++;
        pthread_mutex_unlock(&j.mu);
    }
    /* A JSON array's closing ']' and what follows it, or whatever the
     * cutter would not cut into elements, is read here in order, as one
     * thread reads it, with its messages. */
    if (status == EXIT_OK && !cut_failed && reader_format(s->rd) == DATA_JSON) {
        reader_resume(s->rd, base_line, base_record);
        status = scan_records(s, s->rd, visit, ctx);
    }
    if (status == EXIT_OK && cut_failed) {
        diag_fail(s->diag, "%s: line %ld: %s", s->data_path, base_line, reader_cut_failure(s->rd));
        status = SCAN_BROKEN;
    }
    /* Stopped, or done: the workers end after the chunk in hand. */
    pthread_mutex_lock(&j.mu);
    j.stop = true;
    pthread_cond_broadcast(&j.work);
    pthread_mutex_unlock(&j.mu);
    for (int i = 0; i < started; i++)
        pthread_join(ws[i].thread, NULL);
    for (int i = 0; i < jobs_n; i++) {
        reader_merge_keys(s->rd, ws[i].rd);
        worker_free(&ws[i]);
    }
    reader_merge_keys(s->rd, again);
    reader_close(again);
    for (long i = 0; i < j.nring; i++) {
        job_chunk *c = &j.ring[i];
        free(c->data);
        strbuf_free(&c->out);
        strbuf_free(&c->acts);
        strbuf_free(&c->texts);
        free(c->vals);
        free(c->e);
        strbuf_free(&c->ids);
        free(c->style);
        free(c->style_at);
    }
    free(j.ring);
    free(ws);
    free(st);
    free(at);
    pthread_cond_destroy(&j.work);
    pthread_cond_destroy(&j.done);
    pthread_mutex_destroy(&j.mu);
    return scan_end(s, status);
}
