/* scan_jobs.c - run -j: the one pass on several threads.
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
 * the one a single thread gives, in its place. */
#include <pthread.h>
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
    uint64_t unbanded;       /* bit i: s->unbanded[0][i] caught no band */
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
    int nstyles;
    bool stop;
};

const char *scan_jobs_refusal(const scan *s)
{
    if (s->nprogs != 1)
        return "-j reads one policy";
    if (s->progs[0]->npops)
        return "-j with population values is not supported: they are gathered by passes over every account before "
               "scoring (score with one thread)";
    if (s->ntables)
        return "-j with --table is not supported: a table streams in account order (score with one thread)";
    if (s->prev[0] || s->progs[0]->pol->nprevs)
        return "-j with prev() is not supported: the previous period is read in account order (score with one thread)";
    if (reader_format(s->rd) == DATA_JSON)
        return "-j cannot cut a top-level JSON array into chunks: give NDJSON (one object per line), or score with one thread";
    if (s->nunbanded[0] > 64)
        return "-j reads at most 64 banded outputs";
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
    w->sc.nprogs = 1;
    w->sc.progs[0] = s->progs[0];
    record_layout_init(&w->sc.layouts[0], s->progs[0]->pol, s->id_field, s->read);
    record_layout_report(&w->sc.layouts[0], &w->quiet, s->data_path, NULL);
    w->sc.cells = xcalloc((size_t)w->sc.layouts[0].nfields, sizeof *w->sc.cells);
    frame_init(&w->sc.frames[0], s->progs[0]);
    w->rd = reader_for_chunks(s->rd, &w->quiet);
    w->style = xmalloc(((size_t)j->nstyles + 1) * sizeof *w->style);
    w->style_at = xmalloc(((size_t)j->nstyles + 1) * sizeof *w->style_at);
    style_slots(s->progs[0]->pol, &w->sc.layouts[0], w->style, w->style_at);
    w->out = writer_open_kept(like);
    if (j->acts)
        w->acts = actions_open_kept(j->acts);
}

static void worker_free(worker *w)
{
    frame_free(&w->sc.frames[0]);
    record_layout_free(&w->sc.layouts[0]);
    free(w->sc.cells);
    free(w->style);
    free(w->style_at);
    reader_close(w->rd);
    writer_close(w->out);
    if (w->acts)
        actions_close(w->acts, false);
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
    record_pos pos;
    read_status rs = READ_FATAL;
    /* Without memory for its action rows, a worker leaves its chunks to be
     * read in order. */
    while ((w->acts || !w->j->acts) && (rs = reader_next(w->rd, ws->cells, &pos)) == READ_OK && scan_load(ws, &pos)) {
        const cell *id = &ws->cells[0];
        eval_account(s->progs[0], &ws->frames[0]);
        writer_record(w->out, id->s, id->len, ws->frames[0].slots);
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 1024;
            c->e = xrealloc(c->e, c->cap * sizeof *c->e);
        }
        job_entry *e = &c->e[c->n++];
        e->end = writer_kept(w->out);
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
        e->unbanded = 0;
        if (ws->frames[0].unbanded)
            for (int i = 0; i < s->nunbanded[0]; i++) {
                const rb_value *v = &ws->frames[0].slots[s->unbanded[0][i].slot];
                if (v->kind == VK_BANDED && v->band == BAND_NONE)
                    e->unbanded |= (uint64_t)1 << i;
            }
    }
    c->dirty = rs != READ_EOF;
    w->next_record = reader_record(w->rd);
    c->records = w->next_record - first;
    c->lines = reader_line(w->rd) - 1;
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

/* A clean chunk's accounts, written in order: EXIT_OK or SCAN_STOPPED. */
static int merge_chunk(scan *s, const job_chunk *c, writer *w, action_writer *acts, long base_record, long base_line)
{
    size_t from = 0, act_from = 0;
    for (size_t k = 0; k < c->n; k++) {
        const job_entry *e = &c->e[k];
        const char *id = c->ids.s + e->id;
        record_pos pos = {base_record + e->record, base_line + e->line - 1};
        if (!scan_first_time(s, id, e->idlen, e->hash, &pos)) {
            s->rejected++;
            from = e->end;
            act_from = e->act_end;
            if (!s->skip_errors)
                return SCAN_STOPPED;
            continue;
        }
        writer_put(w, c->out.s + from, e->end - from);
        from = e->end;
        if (acts) {
            actions_put(acts, c->acts.s + act_from, e->act_end - act_from, e->fired);
            act_from = e->act_end;
        }
        for (int i = 0; e->unbanded >> i; i++)
            if (e->unbanded >> i & 1)
                scan_tally_unbanded(s, 0, i, id, e->idlen);
        s->scored++;
        if ((s->scored & 0xffff) == 0)
            scan_progress(s, false);
    }
    return EXIT_OK;
}

int scan_all_jobs(scan *s, int jobs_n, size_t chunk_bytes, writer *w, action_writer *acts, scan_visit visit,
                  void *ctx)
{
    jobs j = {.s = s, .nring = 2L * jobs_n, .acts = acts};
    const policy *p = s->progs[0]->pol;
    j.nstyles = style_slots(p, &s->layouts[0], NULL, NULL);
    uint8_t **st = xmalloc(((size_t)j.nstyles + 1) * sizeof *st);
    num_style **at = xmalloc(((size_t)j.nstyles + 1) * sizeof *at);
    style_slots(p, &s->layouts[0], st, at);
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.work, NULL);
    pthread_cond_init(&j.done, NULL);
    j.ring = xcalloc((size_t)j.nring, sizeof *j.ring);
    for (long i = 0; i < j.nring; i++) {
        strbuf_init(&j.ring[i].ids);
        strbuf_init(&j.ring[i].out);
        strbuf_init(&j.ring[i].acts);
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
            status = merge_chunk(s, c, w, acts, base_record, base_line);
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
