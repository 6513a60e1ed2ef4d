/* actions.c - writing the actions that fire (actions.h). */
#include "actions.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "declare.h"
#include "outfile.h"
#include "writer.h"
#include "xalloc.h"

typedef enum { ACT_CSV, ACT_JSON, ACT_NDJSON } act_format;

struct action_writer {
    outfile out;
    const char *path;
    const program *prog;
    act_format format;
    bool escape;
    char as_of[16];
    long fired;
};

static bool ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && strcmp(s + n - m, end) == 0;
}

action_writer *actions_open(const char *path, const program *prog, bool raw, out_format format)
{
    action_writer *w = xcalloc(1, sizeof *w);
    w->escape = !raw;
    w->path = path;
    w->prog = prog;
    w->format = ends_with(path, ".json")                                    ? ACT_JSON
                : ends_with(path, ".ndjson") || ends_with(path, ".jsonl") ? ACT_NDJSON
                : ends_with(path, ".csv")                                 ? ACT_CSV
                : format == OUT_JSON                                      ? ACT_JSON
                : format == OUT_NDJSON                                    ? ACT_NDJSON
                                                                          : ACT_CSV;
    date_format(prog->params[0].u.date, w->as_of);
    if (!outfile_open(&w->out, path)) {
        fprintf(stderr, "rubric: --actions %s: %s\n", path, strerror(errno));
        free(w);
        return NULL;
    }
    if (w->format == ACT_CSV)
        fputs("account_id,as_of,action,priority,reason\n", w->out.f);
    else if (w->format == ACT_JSON)
        fputs("[", w->out.f);
    return w;
}

typedef struct reason_ctx {
    const program *prog;
    frame *f;
    const char *text;
    size_t done;          /* text copied up to here */
    char *buf;
    size_t cap, len;
} reason_ctx;

static void append(reason_ctx *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n && r->len + 1 < r->cap; i++) {
        /* {{ and }} are braces themselves. */
        if ((s[i] == '{' || s[i] == '}') && i + 1 < n && s[i + 1] == s[i])
            i++;
        r->buf[r->len++] = s[i];
    }
    r->buf[r->len] = '\0';
}

/* A quoted value as explain shows it. */
static void quote(void *ctx, const char *name, size_t len, size_t at)
{
    reason_ctx *r = ctx;
    append(r, r->text + r->done, at - 1 - r->done);
    bool percent = r->text[at + len] == '%';
    r->done = at + len + 1 + percent;
    char word[128], val[128];
    snprintf(word, sizeof word, "%.*s", (int)len, name);
    const symbol *s = policy_lookup(r->prog->pol, word);
    const rb_value *v = s ? eval_symbol_value(r->prog, r->f, s) : NULL;
    if (!v) {
        snprintf(val, sizeof val, "na");
    } else if (percent && (v->kind == VK_NUM || v->kind == VK_BANDED)) {
        format_for_people(s->kind == SYM_GROUP ? v->score : v->u.num, true, NULL, 0, val, sizeof val);
    } else if (v->kind == VK_BANDED) {
        const step *st = program_step(r->prog, s);
        step_value_format(st, r->f, s->kind == SYM_GROUP ? v->score : v->u.num, val, sizeof val);
    } else {
        value_format(*v, s->scheme, val, sizeof val);
    }
    append(r, val, strlen(val));
}

void action_reason(const program *prog, frame *f, const symbol *a, char *buf, size_t cap)
{
    const char *text = a->decl->reason ? a->decl->reason : "";
    reason_ctx r = {prog, f, text, 0, buf, cap, 0};
    buf[0] = '\0';
    size_t bad;
    reason_holes(text, quote, &r, &bad);
    append(&r, text + r.done, strlen(text + r.done));
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
        char reason[1024], priority[32];
        action_reason(w->prog, f, a, reason, sizeof reason);
        num_format(a->decl->priority->u.num, priority);
        FILE *out = w->out.f;
        if (w->format == ACT_CSV) {
            csv_cell_fwrite(out, id, idlen, true, w->escape);
            fprintf(out, ",%s,%s,%s,", w->as_of, a->name, priority);
            csv_cell_fwrite(out, reason, strlen(reason), true, w->escape);
            fputc('\n', out);
        } else {
            if (w->format == ACT_JSON)
                fputs(w->fired ? ",\n" : "\n", out);
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

bool actions_close(action_writer *w, bool commit)
{
    bool ok = true;
    if (commit) {
        if (w->format == ACT_JSON)
            fputs(w->fired ? "\n]\n" : "]\n", w->out.f);
        ok = outfile_commit(&w->out);
        if (!ok)
            fprintf(stderr, "rubric: --actions %s: %s\n", w->path, strerror(errno));
    } else {
        outfile_abort(&w->out);
    }
    free(w);
    return ok;
}
