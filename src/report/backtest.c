/* backtest.c - the figures of a backtest (backtest.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtest.h"
#include "num.h"
#include "writer.h"
#include "xalloc.h"

static int by_score(const void *a, const void *b)
{
    double x = ((const bt_obs *)a)->score, y = ((const bt_obs *)b)->score;
    return (x > y) - (x < y);
}

void backtest_compute(bt_obs *obs, long n, int nbands, bt_result *r)
{
    memset(r, 0, sizeof *r);
    r->nbands = nbands;
    r->bands = xcalloc((size_t)nbands + 1, sizeof *r->bands);
    /* The banded observations first, in score order. */
    long m = 0;
    for (long i = 0; i < n; i++) {
        bt_count *c = obs[i].band >= 0 && obs[i].band < nbands ? &r->bands[obs[i].band] : &r->unbanded;
        c->accounts++;
        c->events += obs[i].event;
        if (obs[i].band >= 0 && obs[i].band < nbands) {
            bt_obs t = obs[m];
            obs[m++] = obs[i];
            obs[i] = t;
        }
    }
    qsort(obs, (size_t)m, sizeof *obs, by_score);
    r->all.accounts = m;
    for (long i = 0; i < m; i++)
        r->all.events += obs[i].event;
    /* Mann-Whitney over runs of equal scores: each event of a run wins
     * against the non-events scored higher, ties against those in it. */
    long events = r->all.events, quiet = m - events, quiet_seen = 0;
    for (long i = 0; i < m;) {
        long j = i, ev = 0;
        while (j < m && obs[j].score == obs[i].score)
            ev += obs[j++].event;
        long q = (j - i) - ev;
        r->auc_num += (int64_t)ev * (2 * (int64_t)(quiet - quiet_seen - q) + q);
        quiet_seen += q;
        /* A run lies in the decile of its first place: equal scores are
         * never split between deciles. */
        int d = (int)((int64_t)BT_DECILES * i / m);
        bt_decile *dc = &r->deciles[d];
        if (!dc->accounts)
            dc->min = obs[i].score;
        dc->max = obs[j - 1].score;
        dc->accounts += j - i;
        dc->events += ev;
        i = j;
    }
    r->auc_den = 2 * (int64_t)events * quiet;
}

void backtest_result_free(bt_result *r)
{
    free(r->bands);
    r->bands = NULL;
}

static double nearest(int64_t p, int64_t q) { return num_frac_to_double(p, q); }

void backtest_ratio_text(int64_t p, int64_t q, char *buf)
{
    if (q == 0) {
        strcpy(buf, "null");
        return;
    }
    num_format(num_from_double(nearest(p, q)), buf);
}

void backtest_ratio_people(int64_t p, int64_t q, bool percent, char *buf, int cap)
{
    if (q == 0)
        snprintf(buf, (size_t)cap, "-");
    else
        format_significant(nearest(p, q), percent, 3, buf, (size_t)cap);
}

void backtest_lift(const bt_result *r, int band, int64_t *p, int64_t *q)
{
    const bt_count *c = &r->bands[band];
    *p = (int64_t)c->events * r->all.accounts;
    *q = (int64_t)c->accounts * r->all.events;
}
