/* cmd_explain.c - `rubric explain POLICY DATA --account ID`: why an
 * account scored what it did.
 *
 * Scores the one account like `run` does, then walks the evaluation steps
 * in order and shows each: its value and the names that fed it, the band
 * line that decided the band and the ones that did not, which members of a
 * roll-up were na and left out, and how the others' weights renormalised
 * (a mean) or not (a sum).
 * Every line points at the policy's file:line. */
#include <cjson/cJSON.h>

#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "cli.h"
#include "history.h"
#include "idset.h"
#include "overrides.h"
#include "prev.h"
#include "eval.h"
#include "explain_list.h"
#include "next_band.h"
#include "reader.h"
#include "session.h"
#include "record.h"
#include "utf8.h"
#include "writer.h"
#include "xalloc.h"

typedef struct explainer {
    const program *prog;
    frame *f;
    bool json;
    cJSON *steps;     /* json */
    const overrides *ovr;    /* --overrides, or NULL */
    const char *ovr_path, *id;
} explainer;

static void fmt_value(const rb_value *v, const scheme *sch, char *buf, size_t cap)
{
    value_format(*v, sch, buf, cap);
}

static void fmt_num(rb_num n, char *buf) { num_format(n, buf); }

static const char *where(const rb_loc *loc, char *buf, size_t cap)
{
    unsigned line, col;
    source_line_col(loc->src, loc->begin, &line, &col);
    snprintf(buf, cap, "%s:%u", loc->src->path, line);
    return buf;
}

/* An expression as written.  Its span ends at its last operand, so a
 * closing parenthesis after it is taken in while any is open. */
static void source_text(const rb_loc *loc, char *buf, size_t cap)
{
    const char *text = loc->src->text;
    size_t end = loc->end;
    int open = 0;
    for (size_t i = loc->begin; i < end; i++)
        open += (text[i] == '(') - (text[i] == ')');
    while (open > 0 && end < loc->src->len && (text[end] == ' ' || text[end] == ')'))
        open -= text[end++] == ')';
    size_t n = end - loc->begin;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, text + loc->begin, n);
    buf[n] = '\0';
}

/* "active_users_l28d = 17860, billable_users = 23561": what fed a value,
 * then what it read of the previous period: "prev(ci) = yellow". */
static void fed_by(const explainer *ex, const expr *e, char *buf, size_t cap)
{
    const symbol *seen[64];
    int n = 0, before = 0;
    buf[0] = '\0';
    expr_names(e, seen, &n, 32);
    int current = n;
    expr_prev_names(e, seen + current, &before, 32);
    n += before;
    for (int i = 0; i < n; i++) {
        const rb_value *v = i < current ? eval_symbol_value(ex->prog, ex->f, seen[i])
                                        : &ex->f->slots[ex->prog->prev_slot0 + seen[i]->prev_index];
        char val[96];
        if (!v || v->kind == VK_RECORD)
            continue; /* its fields are shown below */
        fmt_value(v, seen[i]->scheme, val, sizeof val);
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, i < current ? "%s%s = %s" : "%sprev(%s) = %s", used ? ", " : "", seen[i]->name,
                 val);
    }
    /* chosen.users = 85: the field of the element, not "element 2". */
    const expr *fields[32];
    int nf = 0;
    expr_fields(e, fields, &nf, 32);
    for (int i = 0; i < nf; i++) {
        const symbol *rs = fields[i]->u.field.rec->u.name.sym;
        const rb_value *r = rs ? eval_symbol_value(ex->prog, ex->f, rs) : NULL;
        char val[96];
        if (r && r->kind == VK_RECORD)
            fmt_value(&r->u.fields[fields[i]->u.field.index], NULL, val, sizeof val);
        else
            snprintf(val, sizeof val, "na (no element)");
        size_t used = strlen(buf);
        snprintf(buf + used, cap - used, "%s%s.%s = %s", used ? ", " : "", rs ? rs->name : "?", fields[i]->u.field.name,
                 val);
    }
}

static cJSON *json_value(const rb_value *v, const scheme *sch)
{
    char buf[128];
    switch (v->kind) {
    case VK_NA:
        return cJSON_CreateNull();
    case VK_NUM:
    case VK_BANDED:
        return cJSON_CreateNumber(num_to_double(v->u.num));
    case VK_BOOL:
        return cJSON_CreateBool(v->u.b);
    default:
        fmt_value(v, sch, buf, sizeof buf);
        return cJSON_CreateString(buf);
    }
}

/* The clauses that decided applicability, as scoring looked at them (a
 * line after the one that made the result na was never looked at);
 * false when the step is na. */
static bool explain_clauses(explainer *ex, const step *s, cJSON *js)
{
    char text[256], loc[256];
    uint8_t *applies_seen = xcalloc((size_t)s->n_applies + 1, 1);
    uint8_t *na_when_seen = xcalloc((size_t)s->n_na_when + 1, 1);
    bool applies = eval_applies_trace(s, ex->f, applies_seen, na_when_seen);
    cJSON *arr = NULL;
    int ia = 0, in = 0;
    for (const clause *cl = s->sym->decl->clauses; cl; cl = cl->next) {
        bool is_applies = cl->kind == CL_APPLIES_WHEN;
        enode *node = is_applies ? s->applies[ia] : s->na_when[in];
        uint8_t seen = is_applies ? applies_seen[ia++] : na_when_seen[in++];
        bool decides = seen == (is_applies ? COND_NOT_TRUE : COND_TRUE);
        source_text(&cl->loc, text, sizeof text);
        where(&cl->loc, loc, sizeof loc);
        if (seen == COND_UNSEEN) {
            if (ex->json) {
                cJSON *c = cJSON_CreateObject();
                cJSON_AddStringToObject(c, "clause", text);
                cJSON_AddStringToObject(c, "at", loc);
                cJSON_AddItemToObject(c, "condition", cJSON_CreateNull());
                cJSON_AddBoolToObject(c, "makes_na", false);
                cJSON_AddBoolToObject(c, "looked_at", false);
                cJSON_AddItemToArray(arr ? arr : (arr = cJSON_AddArrayToObject(js, "clauses")), c);
            } else {
                printf("    %s: not looked at, an earlier line made the result na   [%s]\n", text, loc);
            }
            continue;
        }
        /* The value shown is the condition's; whether it decided is eval's. */
        rb_value v = eval_node(node, ex->f);
        const char *shown = v.kind == VK_NA ? "na (not true)" : v.kind == VK_BOOL && v.u.b ? "true" : "false";
        char feeds[512];
        fed_by(ex, cl->cond, feeds, sizeof feeds);
        if (ex->json) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "clause", text);
            cJSON_AddStringToObject(c, "at", loc);
            cJSON_AddItemToObject(c, "condition", json_value(&v, NULL));
            cJSON_AddBoolToObject(c, "makes_na", decides);
            cJSON_AddItemToArray(arr ? arr : (arr = cJSON_AddArrayToObject(js, "clauses")), c);
        } else {
            printf("    %s: %s%s   [%s]\n", text, shown, decides ? ", so the result is na" : "", loc);
            if (feeds[0])
                printf("      where %s\n", feeds);
        }
    }
    free(applies_seen);
    free(na_when_seen);
    return applies;
}

static void explain_bands(explainer *ex, const step *s, rb_num value, cJSON *js)
{
    char text[256], loc[256], num[40], lim[128];
    cJSON *arr = ex->json ? cJSON_AddArrayToObject(js, "band_lines") : NULL;
    /* Bands from a graded score test the score, not the value. */
    bool pct = step_in_percent(s) && !s->score_bands;
    if (s->score_bands)
        fmt_num(value, num);
    else
        step_value_format(s, ex->f, value, num, sizeof num);
    for (int t = 0; t < s->ntests; t++) {
        const band_test *bt = &s->tests[t];
        bool holds = true, unknown = false;
        char why[256] = "";
        for (int e = 0; e < bt->nedges && holds; e++) {
            rb_value l = eval_node(bt->limit[e], ex->f);
            if (l.kind == VK_NA) {
                unknown = true;
                holds = false;
                snprintf(why, sizeof why, "the threshold is na");
                break;
            }
            int c = num_cmp(value, l.u.num);
            static const char *const words[] = {[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">="};
            bool ok = op_holds(bt->op[e], c);
            /* The threshold as written (25%, or a parameter's name); the
             * value as step_value_format shows it, on its side of each. */
            source_text(&bt->rule->edges[e].limit->loc, lim, sizeof lim);
            const expr *le = bt->rule->edges[e].limit;
            if (le->kind != EX_NUM) {
                /* A parameter or an expression: show what it came to, in
                 * full (compared with itself, no digit may go). */
                char val[40];
                format_for_people(l.u.num, pct, &l.u.num, 1, val, sizeof val);
                size_t used = strlen(lim);
                snprintf(lim + used, sizeof lim - used, " (%s)", val);
            }
            size_t used = strlen(why);
            snprintf(why + used, sizeof why - used, "%s%s %s %s %s", used ? " and " : "", num,
                     ok ? "is" : "is not", words[bt->op[e]], lim);
            holds = ok;
        }
        if (bt->nedges == 0)
            snprintf(why, sizeof why, "otherwise");
        source_text(&bt->rule->loc, text, sizeof text);
        if (ex->json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "line", text);
            cJSON_AddStringToObject(o, "at", where(&bt->rule->loc, loc, sizeof loc));
            cJSON_AddBoolToObject(o, "matched", holds);
            cJSON_AddStringToObject(o, "because", why);
            cJSON_AddItemToArray(arr, o);
        } else {
            printf("    %-3s %-34s %s   [%s]\n", holds ? "->" : "", text, why, where(&bt->rule->loc, loc, sizeof loc));
        }
        if (holds || unknown)
            return;
    }
    if (!ex->json)
        printf("        no band line catches %s: the %s has no band\n", num, s->kind == STEP_GROUP ? "group" : "measure");
}

/* A graded score: the two points value v lies between, and how far along
 * the line from the one to the other; or the end point it is beyond. */
static bool explain_grade(explainer *ex, const step *s, rb_num v, rb_num *score, cJSON *js)
{
    const decl *d = s->sym->decl;
    int seg;
    bool ok = eval_grade(s, ex->f, v, score, &seg);
    bool pct = expr_written_in_percent(d->grades->at);
    const grade_point *g = d->grades;
    for (int i = 0; i < seg; i++)
        g = g->next;
    char vs[48], sc[40], at0[48], at1[48], s0[40], s1[40], fr[40], loc[256];
    format_for_people(v, pct, NULL, 0, vs, sizeof vs);
    cJSON *o = ex->json ? cJSON_AddObjectToObject(js, "graded") : NULL;
    if (!ok) {
        if (o)
            cJSON_AddNullToObject(o, "score");
        else
            printf("    scores: none, a point of the graded score is na or its points do not rise   [%s]\n",
                   where(&d->grades_loc, loc, sizeof loc));
        return false;
    }
    fmt_num(*score, sc);
    const grade_point *lo = seg < 0 ? d->grades : g, *hi = seg < 0 ? NULL : g->next;
    rb_value t0 = eval_node(s->grade_at[seg < 0 ? 0 : seg], ex->f), k0 = eval_node(s->grade_score[seg < 0 ? 0 : seg], ex->f);
    format_for_people(t0.u.num, pct, NULL, 0, at0, sizeof at0);
    fmt_num(k0.u.num, s0);
    if (o) {
        cJSON_AddNumberToObject(o, "score", num_to_double(*score));
        cJSON *from = cJSON_AddObjectToObject(o, "from");
        cJSON_AddNumberToObject(from, "at", num_to_double(t0.u.num));
        cJSON_AddNumberToObject(from, "score", num_to_double(k0.u.num));
    }
    if (seg < 0 || !hi) {
        if (!o)
            printf("    scores %s: %s is at or %s the %s point, %s at %s   [%s]\n", sc, vs, seg < 0 ? "below" : "above",
                   seg < 0 ? "first" : "last", s0, at0, where(&lo->loc, loc, sizeof loc));
        return true;
    }
    int k = seg + 1;
    rb_value t1 = eval_node(s->grade_at[k], ex->f), k1 = eval_node(s->grade_score[k], ex->f);
    format_for_people(t1.u.num, pct, NULL, 0, at1, sizeof at1);
    fmt_num(k1.u.num, s1);
    rb_num frac = num_div(num_sub(v, t0.u.num), num_sub(t1.u.num, t0.u.num));
    fmt_num(frac, fr);
    if (o) {
        cJSON *to = cJSON_AddObjectToObject(o, "to");
        cJSON_AddNumberToObject(to, "at", num_to_double(t1.u.num));
        cJSON_AddNumberToObject(to, "score", num_to_double(k1.u.num));
        cJSON_AddNumberToObject(o, "fraction", num_to_double(frac));
    } else {
        printf("    scores %s: %s lies %s of the way from %s at %s to %s at %s   [%s]\n", sc, vs, fr, s0, at0, s1, at1,
               where(&d->grades_loc, loc, sizeof loc));
    }
    return true;
}

/* What would move a ratio measure to a better band: next_band_find's
 * answer, as JSON's next_band or a line of text. */
static void explain_next_band(explainer *ex, const step *s, cJSON *js)
{
    next_band nb;
    if (!next_band_find(ex->prog, ex->f, s, &nb))
        return;
    const char *band = s->scheme->bands[nb.band], *input = ex->prog->pol->inputs[nb.input]->name;
    if (ex->json) {
        cJSON *o = cJSON_AddObjectToObject(js, "next_band");
        cJSON_AddStringToObject(o, "band", band);
        cJSON_AddStringToObject(o, "input", input);
        cJSON_AddNumberToObject(o, "value", (double)nb.value);
        return;
    }
    printf("    next band: %s at %s = %lld, the other inputs as they are\n", band, input, (long long)nb.value);
}

/* A member's weight as shown; *is_na when it is na. */
static rb_num member_weight(explainer *ex, const step *s, int j, bool *is_na)
{
    *is_na = false;
    if (!s->weights[j])
        return num_from_int(1);
    rb_value wv = eval_node(s->weights[j], ex->f);
    *is_na = wv.kind == VK_NA;
    return *is_na ? num_from_int(1) : wv.u.num;
}

/* The members of a group as scoring counted them; *agg: the score they
 * give (before any grading), false when none counts. */
static bool explain_group(explainer *ex, const step *s, cJSON *js, rb_num *agg)
{
    const decl *d = s->sym->decl;
    char loc[256], w[40], band[64];
    /* Which members count is scoring's decision, taken from it. */
    bool *counted = xcalloc((size_t)s->nmembers + 1, sizeof *counted);
    eval_members_trace(s, ex->f, counted);
    rb_num total_w = num_from_int(0), total = num_from_int(0);
    bool weight_na, any = false;
    for (int j = 0; j < s->nmembers; j++)
        if (counted[j]) {
            rb_num wj = member_weight(ex, s, j, &weight_na);
            total_w = num_add(total_w, wj);
            total = num_add(total, num_mul(wj, ex->f->slots[s->member_slots[j]].score));
            any = true;
        }
    *agg = s->agg == AGG_MEAN && any ? num_div(total, total_w) : total;
    cJSON *arr = ex->json ? cJSON_AddArrayToObject(js, "members") : NULL;
    /* The rule eval_step() follows: a mean renormalises over the members
     * that count; a sum adds what they give and nothing for the rest. */
    if (!ex->json)
        printf("    %s\n", s->agg == AGG_MEAN ? "weighted mean of its members; na members are left out and the others' weights renormalised:"
                                              : "weighted sum of its members; na members are left out and add nothing (a sum is not renormalised):");
    int j = 0;
    for (const name_ref *m = d->members; m; m = m->next, j++) {
        const rb_value *mv = &ex->f->slots[s->member_slots[j]];
        rb_num wn = member_weight(ex, s, j, &weight_na);
        bool counts = counted[j];
        fmt_value(mv, m->sym->scheme, band, sizeof band);
        fmt_num(wn, w);
        char share[40] = "-", sc[40] = "-";
        if (counts) {
            fmt_num(mv->score, sc);
            if (s->agg == AGG_MEAN && !num_is_zero(total_w))
                fmt_num(num_div(wn, total_w), share);
        }
        if (ex->json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "name", m->name);
            cJSON_AddItemToObject(o, "band", mv->kind == VK_BANDED && mv->band != BAND_NONE
                                                 ? cJSON_CreateString(m->sym->scheme->bands[mv->band])
                                                 : cJSON_CreateNull());
            cJSON_AddItemToObject(o, "score", counts ? cJSON_CreateNumber(num_to_double(mv->score)) : cJSON_CreateNull());
            cJSON_AddNumberToObject(o, "weight", num_to_double(wn));
            cJSON_AddBoolToObject(o, "counted", counts);
            if (counts && s->agg == AGG_MEAN && !num_is_zero(total_w))
                cJSON_AddNumberToObject(o, "share", num_to_double(num_div(wn, total_w)));
            cJSON_AddItemToArray(arr, o);
        } else if (counts) {
            printf("      %-32s %-8s score %-6s weight %-6s share %s\n", m->name, band, sc, w, share);
        } else {
            printf("      %-32s %-8s left out (%s)\n", m->name, band, weight_na ? "its weight is na" : "na");
        }
    }
    if (!ex->json) {
        fmt_num(total_w, w);
        printf("    total weight of the members that count: %s   [%s]\n", w, where(&d->loc, loc, sizeof loc));
    }
    free(counted);
    return any;
}

/* Whether an action fires, and the reason it would give. */
static void explain_action(explainer *ex, const symbol *a, const rb_value *v, cJSON *js)
{
    char reason[1024], priority[32];
    bool fires = v->kind == VK_BOOL && v->u.b;
    action_reason(ex->prog, ex->f, a, reason, sizeof reason);
    num_format(a->decl->priority->u.num, priority);
    if (js) {
        cJSON_AddBoolToObject(js, "fires", fires);
        cJSON_AddStringToObject(js, "priority", priority);
        cJSON_AddStringToObject(js, "reason", reason);
        return;
    }
    /* The step is `condition ?? false`: its condition tells na from false. */
    const step *st = program_step(ex->prog, a);
    rb_value cond = st && st->value->op == N_DEFAULT ? eval_node(st->value->a, ex->f) : *v;
    if (fires)
        printf("    fires, priority %s: %s\n", priority, reason);
    else
        printf("    does not fire: the condition is %s\n", cond.kind == VK_NA ? "na (a value it needs is missing)" : "false");
}

/* What a row of --overrides did to step s of this account: applied (k,
 * its index among the frame's), or expired; said beside what the rules
 * computed.  Returns the computed value of an applied one, else NULL. */
static const rb_value *explain_override(explainer *ex, const step *s, cJSON *js)
{
    if (!ex->ovr)
        return NULL;
    int step_index = (int)(s - ex->prog->steps);
    const rb_value *computed = NULL;
    const override_row *r = NULL;
    for (int k = 0; k < ex->f->novr && !r; k++)
        if (ex->f->ovr[k].step == step_index) {
            r = overrides_row_of(ex->ovr, ex->f, k);
            computed = &ex->f->computed[k];
        }
    int nrows;
    const override_row *rows = overrides_rows(ex->ovr, &nrows);
    for (int i = 0; i < nrows && !r; i++)
        if (rows[i].state == OVR_EXPIRED && rows[i].output_index == s->sym->index && s->sym->is_output &&
            strcmp(rows[i].account, ex->id) == 0)
            r = &rows[i];
    if (!r)
        return NULL;
    char day[16], val[128], at[300];
    date_format(r->expires, day);
    snprintf(at, sizeof at, "%s:%ld", ex->ovr_path, r->line);
    const scheme *sch = s->sym->scheme;
    if (ex->json) {
        cJSON *o = cJSON_AddObjectToObject(js, "override");
        cJSON_AddStringToObject(o, "set", r->cell);
        cJSON_AddBoolToObject(o, "applied", computed != NULL);
        if (computed) {
            cJSON *c = cJSON_AddObjectToObject(o, "computed");
            cJSON_AddItemToObject(c, "value", json_value(computed, sch));
            if (s->sym->type == TY_BANDED) {
                cJSON_AddItemToObject(c, "band", computed->kind == VK_BANDED && computed->band != BAND_NONE
                                                     ? cJSON_CreateString(sch->bands[computed->band])
                                                     : cJSON_CreateNull());
                cJSON_AddItemToObject(c, "score", computed->kind == VK_BANDED && computed->has_score
                                                      ? cJSON_CreateNumber(num_to_double(computed->score))
                                                      : cJSON_CreateNull());
            }
        }
        cJSON_AddStringToObject(o, "reason", r->reason);
        cJSON_AddStringToObject(o, "author", r->author);
        cJSON_AddStringToObject(o, "expires", day);
        cJSON_AddStringToObject(o, "at", at);
        return computed;
    }
    if (!computed) {
        printf("    override %s by %s expired on %s, not applied: %s   [%s]\n", r->cell, r->author, day, r->reason, at);
        return NULL;
    }
    fmt_value(computed, sch, val, sizeof val);
    printf("    overridden: %s by %s until %s: %s   [%s]\n", r->cell, r->author, day, r->reason, at);
    printf("    the rules computed %s", val);
    if (computed->kind == VK_BANDED) {
        char n[40];
        step_value_format(s, ex->f, s->kind == STEP_GROUP ? computed->score : computed->u.num, n, sizeof n);
        printf(s->kind == STEP_GROUP ? " (score %s)" : " (value %s)", n);
    }
    printf(", as follows\n");
    return computed;
}

static void explain_step(explainer *ex, const step *s)
{
    const symbol *sym = s->sym;
    const decl *d = sym->decl;
    const rb_value *v = &ex->f->slots[s->slot];
    char val[128], loc[256], text[512], feeds[1024];
    fmt_value(v, sym->scheme, val, sizeof val);
    static const char *const kinds[] = {"input", "parameter", "let", "metric", "measure", "group", "action"};
    cJSON *js = NULL;
    if (ex->json) {
        js = cJSON_CreateObject();
        cJSON_AddStringToObject(js, "name", sym->name);
        cJSON_AddStringToObject(js, "kind", kinds[sym->kind]);
        cJSON_AddStringToObject(js, "at", where(&d->loc, loc, sizeof loc));
        cJSON_AddItemToObject(js, "value", json_value(v, sym->scheme));
        if (sym->type == TY_BANDED) {
            cJSON_AddItemToObject(js, "band", v->kind == VK_BANDED && v->band != BAND_NONE
                                                  ? cJSON_CreateString(sym->scheme->bands[v->band])
                                                  : cJSON_CreateNull());
            cJSON_AddItemToObject(js, "score", v->kind == VK_BANDED && v->has_score
                                                   ? cJSON_CreateNumber(num_to_double(v->score))
                                                   : cJSON_CreateNull());
            /* As run's JSON says it: band null alone would read as na. */
            if (v->kind == VK_BANDED && v->band == BAND_NONE)
                cJSON_AddTrueToObject(js, "no_band");
        }
        cJSON_AddItemToArray(ex->steps, js);
    } else {
        printf("%s %s = %s", kinds[sym->kind], sym->name, val);
        if (v->kind == VK_BANDED) {
            char n[40];
            step_value_format(s, ex->f, sym->kind == SYM_GROUP ? v->score : v->u.num, n, sizeof n);
            printf(sym->kind == SYM_GROUP ? " (score %s)" : " (value %s", n);
            if (sym->kind != SYM_GROUP) {
                if (v->has_score) {
                    fmt_num(v->score, n);
                    printf(", score %s", n);
                }
                putchar(')');
            }
        }
        printf("   [%s]\n", where(&d->loc, loc, sizeof loc));
    }
    const rb_value *computed = explain_override(ex, s, js);
    if (s->kind == STEP_VALUE || s->kind == STEP_MEASURE) {
        source_text(&d->value->loc, text, sizeof text);
        fed_by(ex, d->value, feeds, sizeof feeds);
        if (ex->json) {
            cJSON_AddStringToObject(js, "expression", text);
            cJSON_AddStringToObject(js, "where", feeds);
        } else {
            printf("    = %s\n", text);
            if (feeds[0])
                printf("      where %s\n", feeds);
        }
    }
    if (s->kind == STEP_VALUE) {
        explain_list_step(ex->prog, ex->f, s, js);
        if (sym->kind == SYM_ACTION)
            explain_action(ex, sym, v, js);
        return;
    }
    if (!explain_clauses(ex, s, js))
        return;
    if (s->kind == STEP_MEASURE) {
        rb_value mv = eval_node(s->value, ex->f);
        if (mv.kind == VK_NA) {
            if (!ex->json)
                printf("    the value is na (a value it needs is missing, or a ratio over zero): no band\n");
            return;
        }
        rb_num score;
        bool graded = s->ngrades && explain_grade(ex, s, mv.u.num, &score, js);
        if (!s->score_bands)
            explain_bands(ex, s, mv.u.num, js);
        else if (graded)
            explain_bands(ex, s, score, js);
        explain_next_band(ex, s, js);
        return;
    }
    rb_num agg, score;
    if (explain_group(ex, s, js, &agg) && s->ngrades && !explain_grade(ex, s, agg, &score, js))
        return;
    /* An overridden group's band lines as the rules' score met them. */
    if (computed)
        v = computed;
    if (v->kind == VK_BANDED)
        explain_bands(ex, s, v->score, js);
}

/* Each population value as this account read it: the figure, how many
 * accounts it came from, the account's cohort. */
static void explain_population(const program *prog, frame *f, cJSON *root)
{
    cJSON *arr = root && prog->npops ? cJSON_AddArrayToObject(root, "population_values") : NULL;
    if (!root && prog->npops)
        printf("population values (over the accounts of the data)\n");
    for (int k = 0; k < prog->npops; k++) {
        pop_view pv;
        population_view(prog, f, k, &pv);
        char text[200], at[300], value[64], cohort[96] = "";
        source_text(&pv.call->call->loc, text, sizeof text);
        where(&pv.call->call->loc, at, sizeof at);
        fmt_value(&pv.value, NULL, value, sizeof value);
        if (pv.call->node->c)
            fmt_value(&pv.cohort, NULL, cohort, sizeof cohort);
        if (arr) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "expression", text);
            cJSON_AddStringToObject(o, "at", at);
            cJSON_AddItemToObject(o, "value", json_value(&pv.value, NULL));
            cJSON_AddNumberToObject(o, "accounts", (double)pv.n);
            cJSON_AddItemToObject(o, "cohort", pv.call->node->c ? json_value(&pv.cohort, NULL) : cJSON_CreateNull());
            cJSON_AddItemToArray(arr, o);
        } else {
            printf("  %s\n    = %s, from %ld account%s%s%s  (%s)\n", text, value, pv.n, pv.n == 1 ? "" : "s",
                   pv.call->node->c ? " of cohort " : "", cohort, at);
        }
    }
    if (!root && prog->npops)
        printf("\n");
}

static int explain_account(const program *prog, frame *f, const char *id, bool json, const prev_source *ps,
                           const overrides *ovr, const char *ovr_path)
{
    const policy *p = prog->pol;
    char buf[128], asof[16];
    date_format(prog->params[0].u.date, asof);
    explainer ex = {prog, f, json, NULL, ovr, ovr_path, id};
    cJSON *root = NULL;
    if (json) {
        root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "account", id);
        cJSON_AddStringToObject(root, "policy", p->sources->path);
        cJSON_AddStringToObject(root, "as_of", asof);
        if (ps)
            cJSON_AddItemToObject(root, "previous_period", prev_found_as_of(ps) ? cJSON_CreateString(prev_found_as_of(ps))
                                                                                 : cJSON_CreateNull());
        cJSON *inputs = cJSON_AddObjectToObject(root, "inputs");
        for (int i = 0; i < p->ninputs; i++)
            cJSON_AddItemToObject(inputs, p->inputs[i]->name,
                                  p->inputs[i]->rec ? explain_list_json(&f->slots[i], p->inputs[i]->rec)
                                                    : json_value(&f->slots[i], NULL));
        cJSON *params = cJSON_AddObjectToObject(root, "parameters");
        for (int i = 0; i < p->nparams; i++)
            cJSON_AddItemToObject(params, p->params[i]->name, json_value(&prog->params[i], NULL));
        explain_population(prog, f, root);
        ex.steps = cJSON_AddArrayToObject(root, "steps");
    } else {
        printf("account %s, scored by %s as of %s\n", id, p->sources->path, asof);
        if (ps && prev_found_as_of(ps))
            printf("previous period: %s, the latest before it that recorded the account\n", prev_found_as_of(ps));
        else if (ps)
            printf("previous period: none (the history has not recorded this account before %s)\n", asof);
        putchar('\n');
        printf("inputs\n");
        for (int i = 0; i < p->ninputs; i++) {
            fmt_value(&f->slots[i], NULL, buf, sizeof buf);
            printf("  %-32s %s\n", p->inputs[i]->name, buf);
            explain_list_table(&f->slots[i], p->inputs[i]->rec);
        }
        printf("parameters\n");
        for (int i = 0; i < p->nparams; i++) {
            const rb_value *pv = &prog->params[i];
            const decl *pd = p->params[i]->decl;
            fmt_value(pv, NULL, buf, sizeof buf);
            /* A parameter written as a percentage (param green_at = 50%)
             * shows as one, in full: compared with itself. */
            if (pv->kind == VK_NUM && pd && pd->value && pd->value->loc.end > pd->value->loc.begin &&
                pd->value->loc.src->text[pd->value->loc.end - 1] == '%')
                format_for_people(pv->u.num, true, &pv->u.num, 1, buf, sizeof buf);
            printf("  %-32s %s\n", p->params[i]->name, buf);
        }
        printf("\n");
        explain_population(prog, f, NULL);
    }
    for (int i = 0; i < prog->nsteps; i++) {
        explain_step(&ex, &prog->steps[i]);
        if (!json)
            putchar('\n');
    }
    if (json) {
        char *text = cJSON_Print(root);
        utf8_fputs_lossy(text, stdout); /* a Latin-1 policy's text stays JSON */
        putchar('\n');
        cJSON_free(text);
        cJSON_Delete(root);
    }
    return EXIT_OK;
}

typedef struct explain_opts {
    const char *account, *overrides;
    bool json;
    data_opts data;
} explain_opts;

static int take(void *ctx, int id, const char *arg)
{
    explain_opts *o = ctx;
    int taken = data_opt("explain", id, arg, &o->data);
    if (taken != CLI_NOT_MINE)
        return taken;
    switch (id) {
    case 'a': o->account = arg; return EXIT_OK;
    case OPT_OVERRIDES: o->overrides = arg; return EXIT_OK;
    case 'f':
        if (strcmp(arg, "json") == 0)
            o->json = true;
        else if (strcmp(arg, "text") != 0)
            return usage_error("explain", "unknown format '%s' (text or json)", arg);
        return EXIT_OK;
    default: return EXIT_USAGE; /* not in the spec */
    }
}

/* The account's previous period, for a policy that reads prev(); false
 * once said why it cannot be had.  *h and *ps hold the values (texts among
 * them) until the caller closes them. */
static bool explain_prev(const policy *pol, const program *prog, const data_opts *o, const char *policy_path,
                         const char *account, frame *f, history **h, prev_source **ps, diag *d)
{
    if (!pol->nprevs)
        return true;
    if (!history_given("explain", policy_path, pol, o))
        return false;
    *h = history_open(o->history, false, d);
    *ps = *h ? prev_open(*h, prog, d) : NULL;
    return *ps && prev_fill(*ps, account, strlen(account), f->slots, d);
}

int cmd_explain(const verb_def *v, int argc, char **argv)
{
    explain_opts o;
    memset(&o, 0, sizeof o);
    int first, status = cli_parse(v, argc, argv, take, &o, &first);
    if (status == EXIT_OK && (argc - first != 2 || !o.account))
        status = usage_error("explain", argc - first != 2 ? "expected POLICY and DATA" : "--account ID is required");
    if (status != EXIT_OK) {
        data_opts_free(&o.data);
        return status == CLI_DONE ? EXIT_OK : status;
    }
    const char *policy_path = argv[first], *data_path = argv[first + 1];
    diag d;
    diag_init(&d, stderr);
    policy *pol = policy_load(policy_path, &d);
    program *prog = pol ? compile_settings(pol, &o.data, true, &d) : NULL;
    overrides *ovr = prog && o.overrides ? overrides_load(o.overrides, prog, &d) : NULL;
    if (!prog || (o.overrides && !ovr)) {
        program_free(prog);
        policy_free(pol);
        data_opts_free(&o.data);
        return EXIT_USAGE;
    }
    const char *id = data_id_field(&o.data, pol);
    char *texts = NULL;
    frame f;
    frame_init(&f, prog);
    /* Population values first: over every account of the data. */
    bool failed;
    population *pop = data_population(prog, data_path, &o.data, &d, &failed);
    f.pop = pop;
    int found = failed ? -2 : record_find(pol, data_path, &o.data.read, o.data.tables, o.data.ntables, id, o.account, f.slots,
                            &texts, &d);
    history *h = NULL;
    prev_source *ps = NULL;
    if (found == 1 && !explain_prev(pol, prog, &o.data, policy_path, o.account, &f, &h, &ps, &d)) {
        status = EXIT_USAGE;
    } else if (found == 1) {
        if (ovr)
            overrides_set(ovr, o.account, strlen(o.account), idset_hash(o.account, strlen(o.account)), &f);
        eval_account(prog, &f);
        status = explain_account(prog, &f, o.account, o.json, ps, ovr, o.overrides);
    } else {
        status = found == -2 ? EXIT_USAGE : EXIT_REJECTED;
    }
    prev_close(ps);
    history_close(h);
    overrides_free(ovr);
    free(texts);
    frame_free(&f);
    population_free(pop);
    program_free(prog);
    policy_free(pol);
    data_opts_free(&o.data);
    return status;
}
