/* scan_population.c - the passes over the data that gather population
 * values before the pass that scores (scan.h, population.h). */
#include "scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

static void no_visit(void *ctx, scan *s, const char *id, size_t idlen)
{
    (void)ctx;
    (void)s;
    (void)id;
    (void)idlen;
}

bool scan_population(scan *s)
{
    int passes = 0;
    for (int k = 0; k < s->nprogs; k++) {
        if (s->progs[k]->npops)
            s->pops[k] = population_new(s->progs[k]);
        passes = s->progs[k]->npasses > passes ? s->progs[k]->npasses : passes;
    }
    /* Bad records are said once, by the pass that scores. */
    diag quiet;
    diag_init(&quiet, NULL);
    for (int pass = 1; pass <= passes; pass++) {
        if (s->spooled && lseek(0, s->stdin_start, SEEK_SET) != s->stdin_start) {
            diag_fail(s->diag, "standard input cannot be read again: %s", strerror(errno));
            return false;
        }
        scan sub;
        if (!scan_open(&sub, &quiet, s->data_arg, s->read, s->table_args, s->ntable_args, s->id_field, s->progs,
                       s->labels, s->nprogs, true, false)) {
            scan_close(&sub);
            diag_fail(s->diag, "%s cannot be read again for population values: %s", s->data_path, quiet.kept);
            return false;
        }
        sub.pass = pass;
        for (int k = 0; k < s->nprogs; k++) {
            sub.pops[k] = s->pops[k];
            sub.frames[k].pop = s->pops[k];
            sub.prev[k] = s->prev[k];
        }
        /* A pass that cannot read to the end leaves it to the pass that
         * scores to say so. */
        scan_records(&sub, sub.rd, no_visit, NULL);
        for (int k = 0; k < s->nprogs; k++)
            sub.pops[k] = NULL;
        scan_close(&sub);
        for (int k = 0; k < s->nprogs; k++)
            if (s->pops[k])
                population_settle(s->pops[k], pass);
    }
    for (int k = 0; k < s->nprogs; k++)
        s->frames[k].pop = s->pops[k];
    if (s->spooled) {
        /* The scoring pass's reader read ahead of the passes: start it again. */
        reader_close(s->rd);
        if (lseek(0, s->stdin_start, SEEK_SET) != s->stdin_start) {
            s->rd = NULL;
            diag_fail(s->diag, "standard input cannot be read again: %s", strerror(errno));
            return false;
        }
        const record_layout *all = &s->layouts[0];
        s->rd = reader_open("-", s->read, all->fields, all->required, all->nfields, s->diag);
        if (!s->rd)
            return false;
    }
    return true;
}
