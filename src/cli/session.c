/* session.c - load, compile, open, one pass, close: the skeleton of run,
 * diff, calibrate and report (see session.h). */
#include "session.h"

#include <string.h>
#include <unistd.h>

#include "xalloc.h"

int session_open(session *s, const char *verb, const char *const *paths, const char *const *labels, int n,
                 policy_loader load, void *load_ctx, const char *data_path, const char *output, const data_opts *o)
{
    memset(s, 0, sizeof *s);
    s->verb = verb;
    s->data = o;
    s->data_path = data_path;
    s->output = output;
    s->n = n;
    diag_init(&s->d, stderr);
    /* Refused before anything is read, and again for the imports once
     * they are known. */
    const char **inputs = xmalloc((size_t)(n + 1 + o->ntables) * sizeof *inputs);
    for (int i = 0; i < n; i++) {
        inputs[i] = paths[i];
        s->labels[i] = labels ? labels[i] : NULL;
    }
    inputs[n] = data_path;
    for (int t = 0; t < o->ntables; t++)
        inputs[n + 1 + t] = o->tables[t].path;
    int refused = refuse_clobber(verb, "-o", output, inputs, n + 1 + o->ntables, NULL);
    free(inputs);
    if (refused != EXIT_OK)
        return EXIT_USAGE;
    for (int i = 0; i < n; i++)
        s->pols[i] = load ? load(load_ctx, paths[i], &s->d) : policy_load(paths[i], &s->d);
    bool clobbers = false;
    for (int i = 0; i < n && !clobbers; i++)
        clobbers = s->pols[i] && refuse_clobber(verb, "-o", output, NULL, 0, s->pols[i]) != EXIT_OK;
    if (clobbers)
        return EXIT_USAGE;
    /* Every policy that loaded is compiled, so that all their errors are
     * told at once. */
    for (int i = 0; i < n; i++)
        s->progs[i] = s->pols[i] ? compile_with(s->pols[i], o, i == n - 1, &s->d) : NULL;
    for (int i = 0; i < n; i++)
        if (!s->progs[i])
            return EXIT_USAGE;
    /* prev() without a history would make every previous value na. */
    for (int i = 0; i < n; i++)
        if (!history_given(verb, paths[i], s->pols[i], o))
            return EXIT_USAGE;
    s->id = data_id_field(o, s->pols[n - 1]);
    for (int i = 0; i < n - 1; i++) {
        const char *other = data_id_field(o, s->pols[i]);
        if (strcmp(other, s->id) != 0) {
            fprintf(stderr, "rubric %s: %s reads account ids from '%s', %s from '%s'; say which with --id\n", verb,
                    s->labels[i], other, s->labels[n - 1], s->id);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

int session_start(session *s)
{
    const program *progs[SCAN_MAX_PROGRAMS];
    for (int i = 0; i < s->n; i++)
        progs[i] = s->progs[i];
    if (!scan_open(&s->sc, &s->d, s->data_path, &s->data->read, s->data->tables, s->data->ntables, s->id, progs,
                   s->n > 1 ? s->labels : NULL, s->n, s->data->skip_errors, data_progress(s->data)))
        return s->sc.usage ? EXIT_USAGE : EXIT_REJECTED;
    /* The history before the output, which a failure here must not leave
     * open. */
    for (int i = 0; i < s->n; i++) {
        if (!s->pols[i]->nprevs || strcmp(s->verb, "run") == 0)
            continue;
        if (!s->hist && !(s->hist = history_open(s->data->history, false, &s->d)))
            return EXIT_USAGE;
        if (!(s->prev[i] = prev_open(s->hist, s->progs[i], &s->d)))
            return EXIT_USAGE;
        s->sc.prev[i] = s->prev[i];
    }
    if (!scan_output_open(&s->out, s->output, &s->d))
        return EXIT_USAGE;
    return EXIT_OK;
}

void session_use_prev(session *s, int k, prev_source *ps) { s->sc.prev[k] = ps; }

int session_scan(session *s, scan_visit visit, void *ctx)
{
    if (scan_has_population((const program *const *)s->progs, s->n) && !scan_population(&s->sc))
        return SCAN_BROKEN;
    return scan_all(&s->sc, visit, ctx);
}

int session_finish(session *s, int status, bool written)
{
    return scan_output_close(&s->sc, &s->out, s->output, status, written);
}

void session_close(session *s)
{
    scan_close(&s->sc);
    for (int i = 0; i < s->n; i++)
        prev_close(s->prev[i]);
    history_close(s->hist);
    for (int i = 0; i < s->n; i++) {
        program_free(s->progs[i]);
        policy_free(s->pols[i]);
    }
}

population *data_population(const program *prog, const char *data_path, const data_opts *o, diag *d, bool *failed)
{
    *failed = false;
    if (!prog->npops)
        return NULL;
    diag quiet;
    diag_init(&quiet, NULL);
    scan sc;
    const program *progs[1] = {prog};
    const char *id = data_id_field(o, prog->pol);
    population *pop = NULL;
    if (scan_open(&sc, &quiet, data_path, &o->read, o->tables, o->ntables, id, progs, NULL, 1, true, false) &&
        scan_population(&sc)) {
        pop = sc.pops[0];
        sc.pops[0] = NULL;
        if (sc.spooled)
            lseek(0, sc.stdin_start, SEEK_SET);
    } else {
        diag_fail(d, "%s", quiet.kept);
        *failed = true;
    }
    scan_close(&sc);
    return pop;
}
