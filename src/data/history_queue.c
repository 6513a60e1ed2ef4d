/* history_queue.c - hands scored accounts to a second thread that writes
 * them to the history, so that SQLite's work on one batch overlaps the
 * scoring of the next (docs/performance.md has the figures).
 *
 * Two batches: the scan fills one while the writer empties the other.
 * An account's cells are copied (lent text into the batch's own buffer:
 * the reader's buffer is reused by the next record), so the writer never
 * reads what the scan is changing. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "history_internal.h"
#include "xalloc.h"

enum { QUEUE_BATCH = 1024 };

typedef struct batch {
    int n;                  /* accounts */
    history_cell *cells;    /* QUEUE_BATCH * ncells; a copied text is an offset into text until sent */
    size_t *id_off, *id_len;
    char *text;
    size_t text_len, text_cap;
    bool full;              /* handed to the writer, not yet emptied */
} batch;

struct history_queue {
    int ncells;
    history_sink sink;
    void *ctx;
    batch b[2];
    int fill;               /* the batch the scan fills */
    bool done, drop;        /* no more batches; skip what is left */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
};

static size_t keep_text(batch *b, const char *s, size_t n)
{
    if (b->text_len + n > b->text_cap) {
        b->text_cap = 2 * (b->text_len + n) + 4096;
        b->text = xrealloc(b->text, b->text_cap);
    }
    memcpy(b->text + b->text_len, s, n);
    b->text_len += n;
    return b->text_len - n;
}

static void empty(history_queue *q, batch *b)
{
    for (int i = 0; i < b->n; i++) {
        history_cell *c = &b->cells[(size_t)i * (size_t)q->ncells];
        for (int k = 0; k < q->ncells; k++)
            if (c[k].copy)
                c[k].text = b->text + (uintptr_t)c[k].text;
        q->sink(q->ctx, b->text + b->id_off[i], b->id_len[i], c);
    }
    q->sink(q->ctx, NULL, 0, NULL); /* the batch is about to be reused */
}

static void *writer(void *arg)
{
    history_queue *q = arg;
    int next = 0;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->b[next].full && !q->done)
            pthread_cond_wait(&q->cv, &q->mu);
        if (!q->b[next].full)
            break; /* done, and nothing left */
        bool drop = q->drop;
        pthread_mutex_unlock(&q->mu);
        if (!drop)
            empty(q, &q->b[next]);
        pthread_mutex_lock(&q->mu);
        q->b[next].full = false;
        pthread_cond_broadcast(&q->cv);
        next ^= 1;
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

history_queue *history_queue_start(int ncells, history_sink sink, void *ctx)
{
    history_queue *q = xcalloc(1, sizeof *q);
    q->ncells = ncells;
    q->sink = sink;
    q->ctx = ctx;
    for (int i = 0; i < 2; i++) {
        q->b[i].cells = xcalloc((size_t)QUEUE_BATCH * (size_t)(ncells + 1), sizeof *q->b[i].cells);
        q->b[i].id_off = xcalloc(QUEUE_BATCH, sizeof *q->b[i].id_off);
        q->b[i].id_len = xcalloc(QUEUE_BATCH, sizeof *q->b[i].id_len);
    }
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    if (pthread_create(&q->thread, NULL, writer, q) != 0) {
        /* No second thread: the caller writes in its own. */
        pthread_mutex_destroy(&q->mu);
        pthread_cond_destroy(&q->cv);
        for (int i = 0; i < 2; i++) {
            free(q->b[i].cells);
            free(q->b[i].id_off);
            free(q->b[i].id_len);
        }
        free(q);
        return NULL;
    }
    return q;
}

/* Hands the batch being filled to the writer and waits for the other. */
static void send(history_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->b[q->fill].full = true;
    pthread_cond_broadcast(&q->cv);
    q->fill ^= 1;
    while (q->b[q->fill].full)
        pthread_cond_wait(&q->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    batch *b = &q->b[q->fill];
    b->n = 0;
    b->text_len = 0;
}

void history_queue_put(history_queue *q, const char *id, size_t idlen, const history_cell *cells)
{
    batch *b = &q->b[q->fill];
    history_cell *c = &b->cells[(size_t)b->n * (size_t)q->ncells];
    b->id_len[b->n] = idlen;
    b->id_off[b->n] = keep_text(b, id, idlen);
    for (int k = 0; k < q->ncells; k++) {
        c[k] = cells[k];
        if (c[k].copy)
            c[k].text = (const char *)(uintptr_t)keep_text(b, c[k].text, c[k].len);
    }
    if (++b->n == QUEUE_BATCH)
        send(q);
}

void history_queue_finish(history_queue *q, bool drop)
{
    if (!q)
        return;
    if (q->b[q->fill].n && !drop)
        send(q);
    pthread_mutex_lock(&q->mu);
    q->done = true;
    q->drop = drop;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    for (int i = 0; i < 2; i++) {
        free(q->b[i].cells);
        free(q->b[i].id_off);
        free(q->b[i].id_len);
        free(q->b[i].text);
    }
    free(q);
}
