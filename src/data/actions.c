/* actions.c - writing the actions that fire (actions.h). */
#include "actions.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "declare.h"
#include "outfile.h"
#include "reader.h"
#include "strbuf.h"
#include "writer.h"
#include "xalloc.h"

typedef enum { ACT_CSV, ACT_JSON, ACT_NDJSON } act_format;

/* A reason made ready once per run: literal pieces ({{ and }} already
 * braces) and the values to quote, each resolved to its symbol, so that
 * writing one allocates nothing and looks up no name. */
typedef struct reason_part {
    char *text;             /* a literal piece; NULL for a value */
    const symbol *sym;      /* the value; NULL when the name is gone */
    bool percent;           /* {name%} */
} reason_part;

typedef struct reason_tpl {
    reason_part *parts;
    int n, cap;
    const char *text;
    size_t done;            /* text taken up to here */
    const policy *pol;
} reason_tpl;

static void add_part(reason_tpl *t, reason_part p)
{
    if (t->n == t->cap)
        t->parts = xrealloc(t->parts, (size_t)(t->cap = t->cap ? 2 * t->cap : 8) * sizeof *t->parts);
    t->parts[t->n++] = p;
}

static void add_literal(reason_tpl *t, const char *s, size_t n)
{
    char *text = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if ((s[i] == '{' || s[i] == '}') && i + 1 < n && s[i + 1] == s[i])
            i++;
        text[k++] = s[i];
    }
    text[k] = '\0';
    add_part(t, (reason_part){text, NULL, false});
}

static void add_hole(void *ctx, const char *name, size_t len, size_t at)
{
    reason_tpl *t = ctx;
    add_literal(t, t->text + t->done, at - 1 - t->done);
    bool percent = t->text[at + len] == '%';
    t->done = at + len + 1 + percent;
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)len, name);
    add_part(t, (reason_part){NULL, policy_lookup(t->pol, word), percent});
}

static void tpl_build(reason_tpl *t, const policy *p, const symbol *a)
{
    memset(t, 0, sizeof *t);
    t->pol = p;
    t->text = a->decl->reason ? a->decl->reason : "";
    size_t bad;
    reason_holes(t->text, add_hole, t, &bad);
    add_literal(t, t->text + t->done, strlen(t->text + t->done));
}

static void tpl_free(reason_tpl *t)
{
    for (int i = 0; i < t->n; i++)
        free(t->parts[i].text);
    free(t->parts);
}

static void put(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n >= cap)
        n = cap - 1 - *len;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

/* A quoted value as explain shows it. */
static void tpl_format(const reason_tpl *t, const program *prog, frame *f, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->n; i++) {
        const reason_part *p = &t->parts[i];
        if (p->text) {
            put(buf, cap, &len, p->text);
            continue;
        }
        char val[128];
        const symbol *s = p->sym;
        const rb_value *v = s ? eval_symbol_value(prog, f, s) : NULL;
        if (!v) {
            snprintf(val, sizeof val, "na");
        } else if (p->percent && (v->kind == VK_NUM || v->kind == VK_BANDED)) {
            format_for_people(s->kind == SYM_GROUP ? v->score : v->u.num, true, NULL, 0, val, sizeof val);
        } else if (v->kind == VK_BANDED) {
            step_value_format(program_step(prog, s), f, s->kind == SYM_GROUP ? v->score : v->u.num, val, sizeof val);
        } else {
            value_format(*v, s->scheme, val, sizeof val);
        }
        put(buf, cap, &len, val);
    }
}

void action_reason(const program *prog, frame *f, const symbol *a, char *buf, size_t cap)
{
    reason_tpl t;
    tpl_build(&t, prog->pol, a);
    tpl_format(&t, prog, f, buf, cap);
    tpl_free(&t);
}

struct action_writer {
    outfile out;
    const char *path;
    const program *prog;
    act_format format;
    bool escape;
    reason_tpl *reasons;    /* per action of the policy */
    char (*priority)[32];   /* per action, as written */
    char as_of[16];
    long fired;
    /* actions_open_kept: rows kept in memory (out unused), each JSON row
     * after its ",\n" (actions_put drops the first file's comma) */
    FILE *kept;
    char *kept_buf;
    size_t kept_size;
};

action_writer *actions_open(const char *path, const program *prog, bool raw, out_format format)
{
    action_writer *w = xcalloc(1, sizeof *w);
    w->escape = !raw;
    w->path = path;
    w->prog = prog;
    data_format named = data_format_of_path(path);
    w->format = named == DATA_JSON                                     ? ACT_JSON
                : named == DATA_NDJSON                                 ? ACT_NDJSON
                : named == DATA_AUTO && format == OUT_JSON             ? ACT_JSON
                : named == DATA_AUTO && format == OUT_NDJSON           ? ACT_NDJSON
                                                                       : ACT_CSV;
    date_format(prog->params[0].u.date, w->as_of);
    if (!outfile_open(&w->out, path)) {
        fprintf(stderr, "rubric: --actions %s: %s\n", path, strerror(errno));
        free(w);
        return NULL;
    }
    const policy *p = prog->pol;
    w->reasons = xcalloc((size_t)p->nactions + 1, sizeof *w->reasons);
    w->priority = xcalloc((size_t)p->nactions + 1, sizeof *w->priority);
    for (int i = 0; i < p->nactions; i++) {
        tpl_build(&w->reasons[i], p, p->actions[i]);
        num_format(p->actions[i]->decl->priority->u.num, w->priority[i]);
    }
    if (w->format == ACT_CSV)
        fputs("account_id,as_of,action,priority,reason\n", w->out.f);
    else if (w->format == ACT_JSON)
        fputs("[", w->out.f);
    return w;
}

static void json_string(FILE *out, const char *s, size_t n)
{
    char *z = xmalloc(n + 1);
    memcpy(z, s, n);
    z[n] = '\0';
    json_write_string(out, z);
    free(z);
}

void actions_record(action_writer *w, const char *id, size_t idlen, frame *f)
{
    const policy *p = w->prog->pol;
    for (int i = 0; i < p->nactions; i++) {
        const symbol *a = p->actions[i];
        const rb_value *v = eval_symbol_value(w->prog, f, a);
        if (!v || v->kind != VK_BOOL || !v->u.b)
            continue;
        char reason[1024];
        const char *priority = w->priority[i];
        tpl_format(&w->reasons[i], w->prog, f, reason, sizeof reason);
        FILE *out = w->kept ? w->kept : w->out.f;
        if (w->format == ACT_CSV) {
            csv_cell_fwrite(out, id, idlen, true, w->escape);
            fprintf(out, ",%s,%s,%s,", w->as_of, a->name, priority);
            csv_cell_fwrite(out, reason, strlen(reason), true, w->escape);
            fputc('\n', out);
        } else {
            if (w->format == ACT_JSON)
                fputs(w->fired || w->kept ? ",\n" : "\n", out);
            fputs("{\"account_id\": ", out);
            json_string(out, id, idlen);
            fprintf(out, ", \"as_of\": \"%s\", \"action\": ", w->as_of);
            json_write_string(out, a->name);
            fprintf(out, ", \"priority\": %s, \"reason\": ", priority);
            json_write_string(out, reason);
            fputs(w->format == ACT_NDJSON ? "}\n" : "}", out);
        }
        w->fired++;
    }
}

long actions_fired(const action_writer *w) { return w->fired; }

action_writer *actions_open_kept(const action_writer *like)
{
    action_writer *w = xcalloc(1, sizeof *w);
    *w = (action_writer){.path = like->path, .prog = like->prog, .format = like->format, .escape = like->escape};
    memcpy(w->as_of, like->as_of, sizeof w->as_of);
    w->kept = open_memstream(&w->kept_buf, &w->kept_size);
    if (!w->kept) {
        free(w);
        return NULL;
    }
    const policy *p = w->prog->pol;
    w->reasons = xcalloc((size_t)p->nactions + 1, sizeof *w->reasons);
    w->priority = xcalloc((size_t)p->nactions + 1, sizeof *w->priority);
    for (int i = 0; i < p->nactions; i++) {
        tpl_build(&w->reasons[i], p, p->actions[i]);
        memcpy(w->priority[i], like->priority[i], sizeof w->priority[i]);
    }
    return w;
}

size_t actions_kept(action_writer *w)
{
    long at = ftell(w->kept);
    return at < 0 ? 0 : (size_t)at;
}

void actions_take(action_writer *w, strbuf *out)
{
    size_t n = actions_kept(w);
    fflush(w->kept);
    strbuf_setlen(out, 0);
    strbuf_add(out, w->kept_buf, n);
    fseek(w->kept, 0, SEEK_SET); /* the next chunk's rows over these */
}

void actions_put(action_writer *w, const char *s, size_t n, long fired)
{
    if (w->format == ACT_JSON && !w->fired && n) {
        s++; /* the file's first row has no comma before it */
        n--;
    }
    fwrite(s, 1, n, w->out.f);
    w->fired += fired;
}

bool actions_close(action_writer *w, bool commit)
{
    bool ok = true;
    if (commit) {
        if (w->format == ACT_JSON)
            fputs(w->fired ? "\n]\n" : "]\n", w->out.f);
        ok = outfile_commit(&w->out);
        if (!ok)
            fprintf(stderr, "rubric: --actions %s: %s\n", w->path, strerror(errno));
    } else if (w->kept) {
        fclose(w->kept);
        free(w->kept_buf);
    } else {
        outfile_abort(&w->out);
    }
    for (int i = 0; i < w->prog->pol->nactions; i++)
        tpl_free(&w->reasons[i]);
    free(w->reasons);
    free(w->priority);
    free(w);
    return ok;
}
