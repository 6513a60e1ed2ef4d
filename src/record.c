/* record.c - checking each value against its input declaration: data that
 * does not fit is an error for that record, never a silent zero. */
#include "record.h"

#include <stdio.h>
#include <string.h>

#include "compile.h"
#include "xalloc.h"

void record_layout_init(record_layout *l, const policy *p, const char *id_field)
{
    l->fields = xmalloc((size_t)(p->ninputs + 1) * sizeof *l->fields);
    l->required = xmalloc((size_t)(p->ninputs + 1) * sizeof *l->required);
    l->field_of_input = xmalloc((size_t)(p->ninputs + 1) * sizeof *l->field_of_input);
    l->fields[0] = id_field;
    l->required[0] = true;
    l->nfields = 1;
    for (int i = 0; i < p->ninputs; i++) {
        const char *name = p->inputs[i]->name;
        if (strcmp(name, id_field) == 0) {
            l->field_of_input[i] = 0;
            continue;
        }
        l->field_of_input[i] = l->nfields;
        l->required[l->nfields] = true;
        l->fields[l->nfields++] = name;
    }
}

void record_layout_free(record_layout *l)
{
    free(l->fields);
    free(l->required);
    free(l->field_of_input);
}

static void trim(const char **s, uint32_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* Shows a bad value safely: printable, and not too long. */
static void quote_value(const char *s, uint32_t len, char *out, size_t cap)
{
    size_t j = 0;
    for (uint32_t i = 0; i < len && j + 5 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (i == 40) {
            memcpy(out + j, "...", 3);
            j += 3;
            break;
        }
        out[j++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    out[j] = '\0';
}

static bool is_choice(const decl *d, const char *s, uint32_t len)
{
    for (const text_list *t = d->choices; t; t = t->next)
        if (t->len == len && memcmp(t->s, s, len) == 0)
            return true;
    return false;
}

static void choice_error(const decl *d, const char *shown, char *err, size_t errlen)
{
    int n = 0;
    size_t used = 0;
    char list[256] = "";
    for (const text_list *t = d->choices; t; t = t->next, n++)
        if (used + t->len + 4 < sizeof list)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"", n ? ", " : "", t->s);
    const char **names = xmalloc((size_t)n * sizeof *names);
    n = 0;
    for (const text_list *t = d->choices; t; t = t->next)
        names[n++] = t->s;
    const char *best = closest_name(shown, names, n);
    if (best)
        snprintf(err, errlen, "column '%s': \"%s\" is not one of %s (did you mean \"%s\"?)", d->name, shown, list, best);
    else
        snprintf(err, errlen, "column '%s': \"%s\" is not one of %s", d->name, shown, list);
    free(names);
}

bool record_load(const policy *p, const record_layout *l, const cell *cells, rb_value *slots, char *err, size_t errlen)
{
    for (int i = 0; i < p->ninputs; i++) {
        const symbol *s = p->inputs[i];
        const cell *c = &cells[l->field_of_input[i]];
        char shown[64];
        if (c->state == CELL_MISSING) {
            slots[i].kind = VK_NA;
            continue;
        }
        if (c->state == CELL_NESTED) {
            snprintf(err, errlen, "column '%s': expected a %s, found %.*s", s->name, type_name(s->type), (int)c->len, c->s);
            return false;
        }
        const char *text = c->s;
        uint32_t len = c->len;
        /* Most cells are plain whole numbers: read them here, without the
         * general parser (this loop runs for every cell of every record). */
        if (s->type == TY_NUMBER && len > 0 && len <= 18) {
            int64_t v = 0;
            uint32_t k = 0;
            while (k < len && (unsigned)(text[k] - '0') < 10)
                v = v * 10 + (text[k++] - '0');
            if (k == len) {
                slots[i].kind = VK_NUM;
                slots[i].u.num.p = v;
                slots[i].u.num.q = 1;
                continue;
            }
        }
        if (s->type != TY_TEXT)
            trim(&text, &len);
        if (len == 0) {
            slots[i].kind = VK_NA;
            continue;
        }
        if (!value_from_text(s->type, text, len, &slots[i])) {
            quote_value(c->s, c->len, shown, sizeof shown);
            static const char *const hints[] = {
                [TY_NUMBER] = "a number", [TY_DATE] = "a date (YYYY-MM-DD)",
                [TY_BOOL] = "true or false", [TY_TEXT] = "text"};
            snprintf(err, errlen, "column '%s': \"%s\" is not %s", s->name, shown, hints[s->type]);
            return false;
        }
        if (s->decl->choices && !is_choice(s->decl, text, len)) {
            quote_value(text, len, shown, sizeof shown);
            choice_error(s->decl, shown, err, errlen);
            return false;
        }
    }
    return true;
}
