/* fuzz_histogram.c - libFuzzer harness for the report's histogram: any
 * bytes as thresholds, bands and values (doubles taken bit for bit, so
 * every NaN, infinity, subnormal and -0 turns up) go through
 * histogram_add and histogram_plan, and the plan must keep the promises
 * histogram.h makes.  A broken one aborts.  Built by `make fuzz`. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "histogram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int holds)
{
    if (!holds)
        abort();
}

static void plan_keeps_promises(const histogram *h, const hist_plan *p)
{
    require(isfinite(p->lo) && isfinite(p->hi) && p->hi * 0.5 - p->lo * 0.5 > 0);
    long total = p->less.n + p->more.n;
    for (int i = 0; i < p->nbars; i++) {
        const hist_bar *b = &p->bars[i];
        require(b->lo < b->hi && isfinite(b->lo) && isfinite(b->hi));
        require(i == 0 || p->bars[i - 1].hi == b->lo);
        long sum = 0;
        for (int k = 0; k < b->npieces; k++) {
            const hist_piece *pc = &p->pieces[b->first + k];
            sum += pc->n;
            for (int t = 0; t < h->nthr; t++)
                if (p->thr_shown[t]) {
                    require(b->hi <= h->thr[t] || b->lo >= h->thr[t]);
                    require(b->hi > h->thr[t] || pc->max <= h->thr[t]);
                    require(b->lo < h->thr[t] || pc->min >= h->thr[t]);
                }
        }
        require(sum == b->n);
        total += b->n;
    }
    for (int t = 0; t < h->nthr; t++)
        if (p->thr_shown[t] && h->thr[t] > p->lo && h->thr[t] < p->hi) {
            int cuts = 0;
            for (int i = 0; i < p->nbars; i++)
                cuts |= p->bars[i].hi == h->thr[t];
            require(cuts);
        }
    require(total == h->count + h->infinite);
}

static double double_at(const uint8_t *data)
{
    double v;
    memcpy(&v, data, sizeof v);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    /* byte 0: bands (1..8); byte 1: thresholds (0..7); then the
     * thresholds; then (band byte, value) pairs, each value repeated by
     * the band byte's high bits so that cells fill and coarsen. */
    int nbands = data[0] % 8 + 1, nthr = data[1] % 8;
    size_t at = 2;
    double thr[8];
    int n = 0;
    for (int i = 0; i < nthr && at + 8 <= size; i++, at += 8) {
        double t = double_at(data + at);
        if (isfinite(t))
            thr[n++] = t;
    }
    for (int i = 1; i < n; i++) /* ascending and distinct, as step_thresholds gives */
        for (int k = i; k > 0 && thr[k - 1] > thr[k]; k--) {
            double t = thr[k];
            thr[k] = thr[k - 1];
            thr[k - 1] = t;
        }
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || thr[i] != thr[m - 1])
            thr[m++] = thr[i];
    int regions[9];
    bool above[8];
    for (int i = 0; i <= m; i++)
        regions[i] = i % nbands;
    for (int i = 0; i < m; i++)
        above[i] = (data[1] >> (i % 8)) & 1;
    bool known = data[0] & 0x80;
    histogram h;
    histogram_init(&h, nbands, thr, m, known ? regions : NULL, above);
    for (; at + 9 <= size; at += 9) {
        int band = data[at] % (nbands + 1) - 1; /* -1: no band */
        int times = 1 + (data[at] >> 4) * 97;
        double v = double_at(data + at + 1);
        for (int r = 0; r < times; r++)
            histogram_add(&h, r ? nextafter(v, r % 2 ? INFINITY : -INFINITY) : v, band);
    }
    hist_plan p;
    histogram_plan(&h, 40, &p);
    plan_keeps_promises(&h, &p);
    hist_plan_free(&p);
    histogram_free(&h);
    return 0;
}
