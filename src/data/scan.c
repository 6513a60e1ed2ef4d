/* scan.c - reading, checking and scoring every account once. */
#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include <time.h>

#include "status.h"
#include "xalloc.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* When several policies read one file and its header lacks a column, which
 * of them needs it: each one's columns are tried alone.  Only for a file
 * that can be read twice, and only when some policies do read it. */
static void blame_header(const scan *s, char *whose, size_t cap)
{
    struct stat st;
    if (stat(s->data_path, &st) != 0 || !S_ISREG(st.st_mode))
        return; /* a pipe or a FIFO cannot be read again */
    int failing[SCAN_MAX_PROGRAMS], nfail = 0;
    for (int k = 0; k < s->nprogs; k++) {
        record_layout one;
        record_layout_init(&one, s->progs[k]->pol, s->id_field, s->read);
        diag quiet;
        diag_init(&quiet, NULL);
        reader *rd = reader_open(s->data_path, s->read, one.fields, one.required, one.nfields, &quiet);
        if (rd)
            reader_close(rd);
        else if (s->labels[k])
            failing[nfail++] = k;
        record_layout_free(&one);
    }
    if (nfail == 0 || nfail == s->nprogs)
        return;
    size_t used = (size_t)snprintf(whose, cap, " (needed by ");
    for (int i = 0; i < nfail && used < cap; i++)
        used += (size_t)snprintf(whose + used, cap - used, "%s%s", i ? " and " : "", s->labels[failing[i]]);
    if (used < cap)
        snprintf(whose + used, cap - used, ")");
}

/* Every list input's source: a --table, or for JSON data the account's key.
 * False having said why (s->usage when the command line is at fault). */
static bool open_tables(scan *s, const table_arg *tables, int ntables)
{
    for (int k = 0; k < s->nprogs; k++) {
        const policy *p = s->progs[k]->pol;
        const record_layout *l = &s->layouts[k];
        for (int i = 0; i < p->ninputs; i++) {
            const symbol *in = p->inputs[i];
            /* A list declared alike in the base policy is copied from it. */
            if (in->type != TY_LIST || (k > 0 && l->same_as[i] >= 0))
                continue;
            const table_arg *arg = table_arg_of(in, tables, ntables);
            if (!arg) {
                if (s->json)
                    continue; /* the account's key holds it */
                table_say_needed(in, s->diag);
                s->usage = true;
                return false;
            }
            int field = l->field_of_input[i];
            if (s->json)
                reader_key_optional(s->rd, field);
            table_src *src = table_open_input(in, arg, s->read, s->id_field, s->diag);
            if (!src)
                return false;
            bool first = true;
            for (int j = 0; j < s->ntables; j++)
                first = first && strcmp(s->tables[j].name, in->name) != 0;
            s->tables = xrealloc(s->tables, (size_t)(s->ntables + 1) * sizeof *s->tables);
            s->tables[s->ntables++] = (scan_table){src, k, l->list_of_input[i], field, in->name, arg->path, first};
        }
    }
    return true;
}

static void start_frames(scan *s, const program *const *progs, bool progress);

bool scan_has_population(const program *const *progs, int nprogs)
{
    for (int k = 0; k < nprogs; k++)
        if (progs[k] && progs[k]->npops)
            return true;
    return false;
}

static bool spool_stdin(scan *s, diag *d)
{
    struct stat st;
    s->spooled = true;
    if (fstat(0, &st) == 0 && S_ISREG(st.st_mode)) {
        s->stdin_start = (long)lseek(0, 0, SEEK_CUR);
        return s->stdin_start >= 0;
    }
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/rubric-stdin-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        diag_fail(d, "population values read the data more than once, so standard input is kept in a temporary "
                  "file, which cannot be made: %s: %s", path, strerror(errno));
        return false;
    }
    /* Gone from the directory at once: the file lives while rubric holds
     * it open, and goes when it exits, however it exits. */
    unlink(path);
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        ssize_t done = 0;
        while (n > 0 && done < n) {
            ssize_t w = write(fd, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                n = -1;
                break;
            }
            done += w;
        }
        if (n < 0) {
            diag_fail(d, "standard input cannot be kept in a temporary file in %s: %s", dir && *dir ? dir : "/tmp",
                      strerror(errno));
            close(fd);
            return false;
        }
    }
    /* Each pass reads standard input from its start. */
    if (dup2(fd, 0) < 0 || lseek(0, 0, SEEK_SET) != 0) {
        diag_fail(d, "standard input cannot be read again: %s", strerror(errno));
        close(fd);
        return false;
    }
    close(fd);
    return true;
}

static void gather(scan *s)
{
    for (int k = 0; k < s->nprogs; k++) {
        const program *prog = s->progs[k];
        if (s->pass > prog->npasses)
            continue;
        eval_steps(prog, &s->frames[k], prog->pass_steps[s->pass - 1], prog->pass_nsteps[s->pass - 1]);
        population_observe(s->pops[k], s->pass, &s->frames[k]);
    }
}


bool scan_open(scan *s, diag *d, const char *data_path, const read_opts *read, const table_arg *tables, int ntables,
               const char *id_field, const program *const *progs, const char *const *labels, int nprogs,
               bool skip_errors, bool progress)
{
    memset(s, 0, sizeof *s);
    s->diag = d;
    /* What messages call it, as the readers do. */
    s->data_path = strcmp(data_path, "-") == 0 ? "standard input" : data_path;
    s->read = read;
    s->skip_errors = skip_errors;
    s->id_field = id_field;
    s->nprogs = nprogs;
    for (int k = 0; k < nprogs; k++) {
        s->progs[k] = progs[k];
        s->labels[k] = labels ? labels[k] : NULL;
        if (k == 0)
            record_layout_init(&s->layouts[0], progs[0]->pol, id_field, read);
        else
            record_layout_share(&s->layouts[0], progs[0]->pol, &s->layouts[k], progs[k]->pol);
        /* The policy is named when there are several: their declarations
         * may differ. */
        record_layout_report(&s->layouts[k], d, s->data_path, nprogs > 1 ? s->labels[k] : NULL);
    }
    const policy *pols[SCAN_MAX_PROGRAMS];
    for (int k = 0; k < nprogs; k++)
        pols[k] = progs[k]->pol;
    if (!table_args_check(pols, nprogs, tables, ntables, data_path, d)) {
        s->usage = true;
        return false;
    }
    s->data_arg = data_path;
    s->table_args = tables;
    s->ntable_args = ntables;
    if (strcmp(data_path, "-") == 0 && scan_has_population(progs, nprogs) && !spool_stdin(s, d))
        return false;
    const record_layout *all = &s->layouts[0];
    /* With several policies, a header's fault is said once it is known
     * which of them it concerns. */
    diag first;
    diag_init(&first, NULL);
    s->rd = reader_open(data_path, read, all->fields, all->required, all->nfields, &first);
    if (!s->rd) {
        char whose[64] = "";
        if (nprogs > 1) {
            blame_header(s, whose, sizeof whose);
        }
        /* `run p.rules p.rules`: the data argument is a policy. */
        size_t n = strlen(data_path);
        bool is_policy = n > 6 && strcmp(data_path + n - 6, ".rules") == 0;
        diag_fail(d, "%s%s%s", first.kept, whose,
                  is_policy ? " (the data is a .rules file: a policy comes first, then the data)" : "");
        return false;
    }
    reader_report_to(s->rd, d);
    s->json = reader_format(s->rd) != DATA_CSV;
    if (!open_tables(s, tables, ntables))
        return false;
    s->cells = xcalloc((size_t)all->nfields, sizeof *s->cells);
    start_frames(s, progs, progress);
    return true;
}

/* Each program's frame and its banded outputs to watch, then the clock. */
static void start_frames(scan *s, const program *const *progs, bool progress)
{
    for (int k = 0; k < s->nprogs; k++) {
        frame_init(&s->frames[k], progs[k]);
        const policy *p = progs[k]->pol;
        s->unbanded[k] = xcalloc((size_t)p->noutputs + 1, sizeof *s->unbanded[k]);
        for (int i = 0; i < p->noutputs; i++)
            if (p->outputs[i]->scheme) {
                unbanded *u = &s->unbanded[k][s->nunbanded[k]++];
                u->output = i;
                u->slot = progs[k]->output_slot[i];
            }
    }
    s->progress = progress;
    s->start = now_seconds();
}

void scan_progress(scan *s, bool final)
{
    if (!s->progress)
        return;
    if (final) {
        if (s->last_progress > 0)
            diag_progress(s->diag, NULL);
        return;
    }
    double t = now_seconds();
    if (t - s->start < 1.0 || t - s->last_progress < 0.25)
        return;
    s->last_progress = t;
    if (s->rd)
        diag_progress(s->diag, "rubric: %ld accounts, %.1f MB", s->scored + s->rejected, reader_bytes(s->rd) / 1e6);
    else
        diag_progress(s->diag, "rubric: %ld accounts", s->scored + s->rejected);
}

/* Each table's rows for the account of the record just read, into its
 * list.  1; 0 when the record is refused (said); -1 when a table cannot be
 * read on (said). */
static int fetch_lists(scan *s, const record_pos *pos)
{
    const cell *id = &s->cells[0];
    for (int t = 0; t < s->ntables; t++) {
        const scan_table *st = &s->tables[t];
        if (s->json && s->cells[st->field].state != CELL_MISSING) {
            /* Two sources for one list: neither may win silently. */
            diag_record(s->diag, s->data_path, pos->record, pos->line,
                        "--table %s: the data is JSON; its '%s' key holds the list", st->name, st->name);
            return 0;
        }
        const cell *cells = NULL;
        const record_pos *rows = NULL;
        long n = 0;
        /* A record without an id is refused once loaded: its list is empty. */
        if (id->state == CELL_TEXT && id->len)
            n = table_rows(st->src, id->s, id->len, &cells, &rows);
        if (n < 0)
            return -1;
        s->layouts[st->prog].lists[st->list] = (list_rows){cells, rows, n, st->path};
    }
    return 1;
}

/* The record's id, cells[0]: text that is not only spaces; false having
 * said why. */
static bool id_given(scan *s, const record_pos *pos)
{
    const cell *id = &s->cells[0];
    if (id->state == CELL_NESTED) {
        diag_record(s->diag, s->data_path, pos->record, pos->line, "no account id ('%s' is %.*s, not text)", s->id_field,
                    NESTED_SHOWN(id));
        return false;
    }
    if (id->state != CELL_TEXT || id->len == 0) {
        diag_record(s->diag, s->data_path, pos->record, pos->line, "no account id ('%s' is empty or missing)", s->id_field);
        return false;
    }
    /* Ids are compared exactly as written, so spaces alone are no id. */
    uint32_t i = 0;
    while (i < id->len && (id->s[i] == ' ' || id->s[i] == '\t'))
        i++;
    if (i == id->len) {
        diag_record(s->diag, s->data_path, pos->record, pos->line, "no account id ('%s' is only spaces)", s->id_field);
        return false;
    }
    return true;
}

/* Every program's inputs from one record; false having said why. */
bool scan_load(scan *s, const record_pos *pos)
{
    for (int k = 0; k < s->nprogs; k++) {
        const rb_value *base = k ? s->frames[0].slots : NULL;
        if (!record_load_shared(s->progs[k]->pol, &s->layouts[k], s->cells, pos, s->frames[k].slots, base))
            return false;
    }
    return id_given(s, pos);
}

/* Printable, and not too long, for a message. */
static void shown_id(const char *id, size_t len, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 4 < cap; i++)
        out[j++] = (unsigned char)id[i] < 0x20 || id[i] == 0x7f ? '?' : id[i];
    if (j + 4 >= cap && len > j)
        memcpy(out + j, "...", 3), j += 3;
    out[j] = '\0';
}

/* An id given twice would be scored and counted twice: the second record
 * is rejected, naming the first. */
bool scan_first_time(scan *s, const char *id, size_t idlen, uint64_t id_hash, const record_pos *pos)
{
    long first = idset_add(&s->ids, id, idlen, id_hash, pos->record);
    if (!first)
        return true;
    char shown[80];
    shown_id(id, idlen, shown, sizeof shown);
    diag_record(s->diag, s->data_path, pos->record, pos->line,
                "account id '%s' was already given at %s %ld; each account must appear once", shown,
                s->rd ? "record" : "row", first);
    return false;
}

void scan_tally_unbanded(scan *s, int k, int i, const char *id, size_t idlen)
{
    unbanded *u = &s->unbanded[k][i];
    if (u->count < UNBANDED_SHOWN)
        u->first[u->count] = xstrndup(id, idlen);
    u->count++;
}

static void tally_unbanded(scan *s)
{
    for (int k = 0; k < s->nprogs; k++) {
        if (!s->frames[k].unbanded)
            continue; /* the usual account: every value found its band */
        const rb_value *slots = s->frames[k].slots;
        for (int i = 0; i < s->nunbanded[k]; i++) {
            unbanded *u = &s->unbanded[k][i];
            if (slots[u->slot].kind == VK_BANDED && slots[u->slot].band == BAND_NONE)
                scan_tally_unbanded(s, k, i, s->cells[0].s, s->cells[0].len);
        }
    }
}

/* A JSON key no record had is a misspelt or renamed input, as a CSV
 * header's missing column is: an error for the file, whatever --on-error
 * says, found once the whole file has been read. */
static int check_keys(scan *s, int status)
{
    /* Said when the pass is concluded, after the rows a terminal shows. */
    diag kept;
    diag_init(&kept, NULL);
    reader_report_to(s->rd, &kept);
    bool missing = status >= 0 && reader_missing_key(s->rd);
    reader_report_to(s->rd, s->diag);
    if (!missing)
        return status;
    snprintf(s->missing_key, sizeof s->missing_key, "%.500s", kept.kept);
    return SCAN_MISSING_KEY;
}

int scan_records(scan *s, reader *rd, scan_visit visit, void *ctx)
{
    record_pos pos;
    for (;;) {
        read_status rs = reader_next(rd, s->cells, &pos);
        if (rs == READ_EOF)
            return EXIT_OK;
        if (rs == READ_FATAL)
            return SCAN_BROKEN;
        uint64_t id_hash = 0;
        if (rs == READ_OK && s->cells[0].state == CELL_TEXT) {
            id_hash = idset_hash(s->cells[0].s, s->cells[0].len);
            idset_prefetch(&s->ids, id_hash);
        }
        int lists = rs == READ_OK && s->ntables ? fetch_lists(s, &pos) : 1;
        if (lists < 0)
            return SCAN_BROKEN;
        /* Each step says why it refuses the record. */
        if (rs != READ_OK || !lists || !scan_load(s, &pos) ||
            !scan_first_time(s, s->cells[0].s, s->cells[0].len, id_hash, &pos)) {
            s->rejected++;
            if (!s->skip_errors)
                return SCAN_STOPPED;
            continue;
        }
        /* The previous period, which a history that cannot be read stops. */
        bool prev_ok = true;
        for (int k = 0; k < s->nprogs && prev_ok; k++)
            prev_ok = !s->prev[k] || prev_fill(s->prev[k], s->cells[0].s, s->cells[0].len, s->frames[k].slots, s->diag);
        if (!prev_ok)
            return SCAN_BROKEN;
        if (s->pass) {
            gather(s);
            s->scored++;
            continue;
        }
        for (int k = 0; k < s->nprogs; k++)
            eval_account(s->progs[k], &s->frames[k]);
        tally_unbanded(s);
        visit(ctx, s, s->cells[0].s, s->cells[0].len);
        s->scored++;
        if ((s->scored & 0xffff) == 0)
            scan_progress(s, false);
    }
}

int scan_end(scan *s, int status)
{
    scan_progress(s, true);
    /* Rows no account asked for are only known once every record is read. */
    for (int t = 0; t < s->ntables && status >= 0; t++)
        if (s->tables[t].orphans && table_finish(s->tables[t].src, s->data_path) < 0)
            status = SCAN_BROKEN;
    status = check_keys(s, status);
    if (status == EXIT_OK && s->rejected)
        status = EXIT_REJECTED;
    /* Nothing scored, whatever the reason: no file of scores at all is
     * better than one that looks like a month without accounts. */
    if (status >= 0 && s->scored == 0)
        status = SCAN_EMPTY;
    return status;
}

int scan_all(scan *s, scan_visit visit, void *ctx) { return scan_end(s, scan_records(s, s->rd, visit, ctx)); }

void scan_open_rows(scan *s, diag *d, const char *name, const program *prog, const char *id_field, bool skip_errors,
                    bool progress)
{
    memset(s, 0, sizeof *s);
    s->diag = d;
    s->data_path = name;
    s->skip_errors = skip_errors;
    s->id_field = id_field;
    s->nprogs = 1;
    s->progs[0] = prog;
    start_frames(s, s->progs, progress);
}

int scan_rows_columns(const policy *p, const int *outputs, int noutputs)
{
    int n = 1;
    for (int c = 0; c < noutputs; c++)
        n += p->outputs[outputs[c]]->type == TY_BANDED ? 3 : 1;
    return n;
}

/* A measure or group's value and score, from the two cells after its band
 * (c[1], c[2]), into v, which output_from_cell made its band or na: a
 * value without a band is one no band line caught.  False, having said
 * so, for a cell that is not a number. */
static bool banded_from_cells(scan *s, const symbol *out, const cell *c, const record_pos *pos, rb_value *v)
{
    if (c[1].state == CELL_MISSING) {
        *v = value_na();
        return true;
    }
    rb_value num = value_na(), score = value_na();
    int bad = 0; /* the cell that is not a number */
    if (!value_from_text(TY_NUMBER, c[1].s, c[1].len, &num))
        bad = 1;
    else if (c[2].state != CELL_MISSING && !value_from_text(TY_NUMBER, c[2].s, c[2].len, &score))
        bad = 2;
    if (bad) {
        char shown[80];
        shown_id(c[bad].s, c[bad].len, shown, sizeof shown);
        diag_record(s->diag, s->data_path, pos->record, pos->line, "column '%s__%s': '%s' is not a number", out->name,
                    bad == 1 ? "value" : "score", shown);
        return false;
    }
    if (v->kind != VK_BANDED) {
        v->kind = VK_BANDED;
        v->band = BAND_NONE;
    }
    v->u.num = num.u.num;
    v->has_score = score.kind == VK_NUM;
    v->score = score.u.num;
    return true;
}

/* One output's cell as the writers' value: na for NULL, a band by its
 * name, anything else read as data is (value_from_text).  False, having
 * said so, for a cell that is none of these. */
static bool output_from_cell(scan *s, const symbol *out, const cell *c, const record_pos *pos, rb_value *v)
{
    *v = value_na();
    if (c->state == CELL_MISSING)
        return true;
    if (out->type == TY_BANDED) {
        /* Cells are NUL-terminated (db_source.h). */
        int band = out->scheme ? scheme_band_index(out->scheme, c->s) : -1;
        if (band >= 0) {
            v->kind = VK_BANDED;
            v->band = (int8_t)band;
            return true;
        }
    } else if (value_from_text(out->type, c->s, c->len, v)) {
        return true;
    }
    char shown[80];
    shown_id(c->s, c->len, shown, sizeof shown);
    if (out->type == TY_BANDED)
        diag_record(s->diag, s->data_path, pos->record, pos->line, "column '%s': '%s' is not a band of scheme '%s'", out->name,
                    shown, out->scheme ? out->scheme->name : "its scheme");
    else
        diag_record(s->diag, s->data_path, pos->record, pos->line, "column '%s': '%s' is not of type %s", out->name, shown,
                    type_name(out->type));
    return false;
}

int scan_rows(scan *s, db_source *src, const int *outputs, int noutputs, scan_visit visit, void *ctx)
{
    const program *prog = s->progs[0];
    const policy *p = prog->pol;
    rb_value *slots = s->frames[0].slots;
    s->cells = xcalloc((size_t)scan_rows_columns(p, outputs, noutputs), sizeof *s->cells);
    record_pos pos;
    int status = EXIT_OK;
    for (;;) {
        read_status rs = db_next(src, s->cells, &pos);
        if (rs == READ_EOF)
            break;
        if (rs != READ_OK) {
            status = SCAN_BROKEN;
            break;
        }
        bool ok = id_given(s, &pos);
        s->frames[0].unbanded = 0;
        for (int c = 0, at = 1; c < noutputs && ok; c++) {
            const symbol *out = p->outputs[outputs[c]];
            rb_value *v = &slots[prog->output_slot[outputs[c]]];
            ok = output_from_cell(s, out, &s->cells[at], &pos, v);
            if (out->type == TY_BANDED) {
                ok = ok && banded_from_cells(s, out, &s->cells[at], &pos, v);
                s->frames[0].unbanded += v->kind == VK_BANDED && v->band == BAND_NONE;
                at += 3;
            } else {
                at++;
            }
        }
        if (!ok || !scan_first_time(s, s->cells[0].s, s->cells[0].len, idset_hash(s->cells[0].s, s->cells[0].len), &pos)) {
            s->rejected++;
            if (!s->skip_errors) {
                status = SCAN_STOPPED;
                break;
            }
            continue;
        }
        tally_unbanded(s);
        visit(ctx, s, s->cells[0].s, s->cells[0].len);
        s->scored++;
        if ((s->scored & 0xffff) == 0)
            scan_progress(s, false);
    }
    scan_progress(s, true);
    if (status == EXIT_OK && s->rejected)
        status = EXIT_REJECTED;
    if (status >= 0 && s->scored == 0)
        status = SCAN_EMPTY;
    return status;
}

/* Values no band caught print like na; here they are counted aloud. */
static void report_unbanded(const scan *s)
{
    for (int k = 0; k < s->nprogs; k++)
        for (int i = 0; i < s->nunbanded[k]; i++) {
            const unbanded *u = &s->unbanded[k][i];
            if (!u->count)
                continue;
            const char *name = s->progs[k]->pol->outputs[u->output]->name;
            char label[32] = "";
            if (s->nprogs > 1 && s->labels[k])
                snprintf(label, sizeof label, "%s: ", s->labels[k]);
            /* The ids are short (shown_id), so the list always fits. */
            char ids[UNBANDED_SHOWN * 84 + 8];
            size_t used = 0;
            for (int j = 0; j < UNBANDED_SHOWN && j < u->count; j++) {
                char shown[80];
                shown_id(u->first[j], strlen(u->first[j]), shown, sizeof shown);
                used += (size_t)snprintf(ids + used, sizeof ids - used, "%s'%s'", j ? ", " : "", shown);
            }
            snprintf(ids + used, sizeof ids - used, "%s", u->count > UNBANDED_SHOWN ? ", ..." : "");
            diag_say(s->diag, "%s%s: %ld account%s in no band, a value none of its band lines catches (%s)", label, name,
                     u->count, u->count == 1 ? "" : "s", ids);
        }
}

/* The closing messages on the scan's diag for a status from scan_all;
 * returns the verb's exit status.  wrote_file: whether the output was held
 * back (a file, or standard output that is not a terminal). */
static int scan_conclude(const scan *s, int status, bool wrote_file)
{
    report_unbanded(s);
    const char *nothing = wrote_file ? "; no output written" : "";
    if (status == SCAN_BROKEN) {
        if (s->rejected)
            diag_say(s->diag, "%ld record%s rejected before that", s->rejected, s->rejected == 1 ? "" : "s");
        diag_fail(s->diag, "the data could not be read to the end%s", nothing);
        return EXIT_REJECTED;
    }
    if (status == SCAN_EMPTY && s->rejected) {
        diag_fail(s->diag, "no account could be scored: %ld record%s rejected%s", s->rejected,
                  s->rejected == 1 ? "" : "s", nothing);
        return EXIT_REJECTED;
    }
    if (status == SCAN_EMPTY) {
        diag_fail(s->diag, "%s holds no accounts%s", s->data_path, nothing);
        return EXIT_REJECTED;
    }
    if (status == SCAN_MISSING_KEY) {
        diag_fail(s->diag, "%s", s->missing_key);
        if (wrote_file)
            diag_say(s->diag, "no output written");
        return EXIT_REJECTED;
    }
    if (status == SCAN_STOPPED) {
        diag_fail(s->diag, "stopped at the first bad record (--on-error skip scores the rest)%s", nothing);
        return EXIT_REJECTED;
    }
    if (s->rejected)
        diag_say(s->diag, "%ld record%s rejected, %ld scored", s->rejected, s->rejected == 1 ? "" : "s", s->scored);
    return status;
}

bool scan_output_open(outfile *out, const char *path, diag *d)
{
    if (outfile_open(out, path))
        return true;
    diag_fail(d, "cannot write '%s': %s", path, strerror(errno));
    return false;
}

int scan_output_close(const scan *s, outfile *out, const char *path, int status, bool written)
{
    /* Output held back (a file, or standard output that is not a terminal)
     * is dropped whole on failure; say so. */
    bool held = out->path || out->held;
    if (status < 0) {
        outfile_abort(out);
    } else if (!written || !outfile_commit(out)) {
        int saved = errno;
        outfile_abort(out);
        diag_fail(s->diag, "writing %s failed: %s", path ? path : "standard output", strerror(saved));
        return EXIT_REJECTED;
    }
    return scan_conclude(s, status, held);
}

void scan_close(scan *s)
{
    for (int k = 0; k < s->nprogs; k++) {
        frame_free(&s->frames[k]);
        record_layout_free(&s->layouts[k]);
        for (int i = 0; i < s->nunbanded[k]; i++)
            for (int j = 0; j < UNBANDED_SHOWN; j++)
                free(s->unbanded[k][i].first[j]);
        free(s->unbanded[k]);
    }
    idset_free(&s->ids);
    for (int t = 0; t < s->ntables; t++)
        table_close(s->tables[t].src);
    free(s->tables);
    free(s->cells);
    reader_close(s->rd);
    for (int k = 0; k < s->nprogs; k++)
        population_free(s->pops[k]);
}
