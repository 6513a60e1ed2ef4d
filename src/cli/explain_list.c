/* explain_list.c - the lists inside an account, as explain shows them.
 *
 * Values come from the evaluator (eval_each runs the per-element
 * expression scoring ran), so what is shown as kept or chosen is what the
 * score used. */
#include "explain_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "writer.h"
#include "xalloc.h"

/* Elements shown one a line; more are counted, not listed. */
enum { SHOWN = 50 };

/* A field's value as explain prints it: text with spaces at an end in
 * quotes, so " production " is told apart from "production". */
static void element_cell(const rb_value *v, char *buf, size_t cap)
{
    if (v->kind == VK_TEXT && v->len &&
        (v->u.text[0] == ' ' || v->u.text[v->len - 1] == ' ' || v->u.text[0] == '\t' || v->u.text[v->len - 1] == '\t'))
        snprintf(buf, cap, "\"%.*s\"", (int)v->len, v->u.text);
    else
        value_format(*v, NULL, buf, cap);
}

/* A table cell padded to its column, the last one ending the line. */
static void put_cell(const char *text, size_t width, bool last)
{
    if (last) {
        printf("  %s\n", text);
        return;
    }
    printf("  %s%*s", text, (int)(width - text_width(text, strlen(text))), "");
}

void explain_list_table(const rb_value *v, const record_type *r)
{
    if (v->kind != VK_LIST || !r || v->u.list->n == 0)
        return;
    const rb_list *l = v->u.list;
    uint32_t n = l->n < SHOWN ? l->n : SHOWN;
    int nf = r->nfields;
    size_t *width = xcalloc((size_t)nf + 1, sizeof *width);
    char cell[128];
    for (int f = 0; f < nf; f++)
        width[f] = text_width(r->fields[f]->name, strlen(r->fields[f]->name));
    for (uint32_t i = 0; i < n; i++)
        for (int f = 0; f < nf; f++) {
            element_cell(&list_element(l, i)[f], cell, sizeof cell);
            size_t w = text_width(cell, strlen(cell));
            if (w > width[f])
                width[f] = w;
        }
    printf("      %5s", "#");
    for (int f = 0; f < nf; f++)
        put_cell(r->fields[f]->name, width[f], f == nf - 1);
    for (uint32_t i = 0; i < n; i++) {
        printf("      %5u", list_position(l, i) + 1);
        for (int f = 0; f < nf; f++) {
            element_cell(&list_element(l, i)[f], cell, sizeof cell);
            put_cell(cell, width[f], f == nf - 1);
        }
    }
    if (l->n > n)
        printf("      ... and %u more\n", l->n - n);
    free(width);
}

static cJSON *json_field(const rb_value *v)
{
    char buf[128];
    switch (v->kind) {
    case VK_NA:
        return cJSON_CreateNull();
    case VK_NUM:
        return cJSON_CreateNumber(num_to_double(v->u.num));
    case VK_BOOL:
        return cJSON_CreateBool(v->u.b);
    default:
        value_format(*v, NULL, buf, sizeof buf);
        return cJSON_CreateString(buf);
    }
}

static cJSON *json_element(const rb_value *fields, uint32_t position, const record_type *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "element", position);
    for (int f = 0; f < r->nfields; f++)
        cJSON_AddItemToObject(o, r->fields[f]->name, json_field(&fields[f]));
    return o;
}

cJSON *explain_list_json(const rb_value *v, const record_type *r)
{
    if (v->kind == VK_RECORD && r)
        return json_element(v->u.fields, v->len, r);
    if (v->kind != VK_LIST || !r)
        return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    const rb_list *l = v->u.list;
    for (uint32_t i = 0; i < l->n; i++)
        cJSON_AddItemToArray(a, json_element(list_element(l, i), list_position(l, i) + 1, r));
    return a;
}

/* The source text of an expression, for "updated_at = 2026-03-01". */
static void source_of(const expr *e, char *buf, size_t cap)
{
    size_t n = e->loc.end - e->loc.begin;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, e->loc.src->text + e->loc.begin, n);
    buf[n] = '\0';
}

static void record_fields(const rb_value *v, const record_type *r)
{
    printf("      element %u is:", v->len);
    for (int f = 0; f < r->nfields; f++) {
        char cell[128];
        element_cell(&v->u.fields[f], cell, sizeof cell);
        printf("%s %s = %s", f ? "," : "", r->fields[f]->name, cell);
    }
    putchar('\n');
}

void explain_list_step(const program *prog, frame *f, const step *s, cJSON *js)
{
    (void)prog;
    const rb_value *v = &f->slots[s->slot];
    const expr *e = s->sym->decl->value;
    if (s->kind != STEP_VALUE || !e)
        return;
    enode *n = s->value;
    bool where = e->kind == EX_WHERE;
    bool call = e->kind == EX_CALL && e->u.call.id >= 0 && builtin_table[e->u.call.id].takes == BA_LIST &&
                e->u.call.args && e->u.call.args->next;
    if (n && (where || call)) {
        rb_value each[SHOWN];
        uint32_t at[SHOWN];
        uint32_t total = eval_each(n, f, each, at, SHOWN);
        uint32_t shown = total < SHOWN ? total : SHOWN;
        char what[200], cell[128];
        source_of(where ? e->u.bin.r : e->u.call.args->next->e, what, sizeof what);
        bool chooses = call && (e->u.call.id == BI_LIST_MAX_BY || e->u.call.id == BI_LIST_MIN_BY);
        cJSON *arr = js ? cJSON_AddArrayToObject(js, "elements") : NULL;
        if (!js && total == 0)
            printf("      the list is empty\n");
        for (uint32_t i = 0; i < shown; i++) {
            bool kept = where && each[i].kind == VK_BOOL && each[i].u.b;
            bool chosen = chooses && v->kind == VK_RECORD && v->len == at[i];
            if (js) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "element", at[i]);
                cJSON_AddItemToObject(o, "value", json_field(&each[i]));
                if (where)
                    cJSON_AddBoolToObject(o, "kept", kept);
                if (chooses)
                    cJSON_AddBoolToObject(o, "chosen", chosen);
                cJSON_AddItemToArray(arr, o);
                continue;
            }
            if (where) {
                /* The condition is the line above: each element's answer. */
                printf("      element %u: %s\n", at[i], kept ? "kept" : each[i].kind == VK_NA ? "left out (the condition is na)"
                                                                                        : "left out (the condition is false)");
                continue;
            }
            element_cell(&each[i], cell, sizeof cell);
            /* Ties and a list with no value at all are chosen by position. */
            uint32_t same = 0;
            for (uint32_t k = 0; chosen && k < shown; k++)
                same += each[k].kind == each[i].kind && (each[k].kind == VK_NA || value_compare(&each[k], &each[i]) == 0);
            const char *note = !chosen                   ? ""
                               : each[i].kind == VK_NA   ? "   <- chosen: no element has a value, so the first"
                               : same > 1                ? (e->u.call.id == BI_LIST_MAX_BY ? "   <- chosen: the greatest (a tie: the first of them)"
                                                                                           : "   <- chosen: the least (a tie: the first of them)")
                               : e->u.call.id == BI_LIST_MAX_BY ? "   <- chosen: the greatest"
                                                                 : "   <- chosen: the least";
            printf("      element %u: %s = %s%s\n", at[i], what, cell, note);
        }
        if (!js && total > shown)
            printf("      ... and %u more elements\n", total - shown);
        if (!js && chooses && v->kind == VK_NA && total > 0)
            printf("      no element has a value: none chosen\n");
    }
    if (v->kind == VK_RECORD && s->sym->rec) {
        if (js)
            cJSON_AddItemToObject(js, "element", explain_list_json(v, s->sym->rec));
        else
            record_fields(v, s->sym->rec);
    }
}
