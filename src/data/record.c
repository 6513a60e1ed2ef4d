/* record.c - checking each value against its input declaration: data that
 * does not fit is an error for that record, never a silent zero. */
#include "record.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "compile.h"
#include "date.h"
#include "json_list.h"
#include "table.h"
#include "xalloc.h"

void na_set_init(na_set *na, const char *list)
{
    memset(na, 0, sizeof *na);
    na->list = list;
    na->minlen = UINT32_MAX;
    for (const char *at = list; *at;) {
        const char *s = at, *end = strchr(at, ',');
        if (!end)
            end = at + strlen(at);
        at = *end ? end + 1 : end;
        while (s < end && (*s == ' ' || *s == '\t'))
            s++;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (s == end)
            continue;
        uint32_t n = (uint32_t)(end - s);
        unsigned char b = (unsigned char)*s;
        na->first[b >> 6] |= 1ULL << (b & 63);
        if (n < na->minlen)
            na->minlen = n;
        if (n > na->maxlen)
            na->maxlen = n;
        if (strspn(s, "0123456789") >= n)
            na->digits = true;
    }
    if (na->minlen <= na->maxlen) {
        /* A cell may hold a spelling inside spaces. */
        na->first[0] |= 1ULL << ' ' | 1ULL << '\t';
    }
}

static inline void trim(const char **s, uint32_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* The quick test that rules out most cells. */
static inline bool na_maybe(const na_set *na, const char *s, uint32_t len)
{
    if (len < na->minlen)
        return false;
    unsigned char b = (unsigned char)s[0];
    return na->first[b >> 6] >> (b & 63) & 1;
}

bool na_set_has(const na_set *na, const char *s, uint32_t len)
{
    if (len == 0 || !na_maybe(na, s, len))
        return false;
    trim(&s, &len);
    if (len < na->minlen || len > na->maxlen)
        return false;
    for (const char *at = na->list; *at;) {
        const char *w = at, *end = strchr(at, ',');
        if (!end)
            end = at + strlen(at);
        at = *end ? end + 1 : end;
        while (w < end && (*w == ' ' || *w == '\t'))
            w++;
        while (end > w && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if ((size_t)(end - w) == len && memcmp(w, s, len) == 0)
            return true;
    }
    return false;
}

static void styles_init(record_layout *l, const policy *p)
{
    l->style = xcalloc((size_t)p->ninputs + 1, sizeof *l->style);
    l->style_at = xcalloc((size_t)p->ninputs + 1, sizeof *l->style_at);
}

static void lists_init(record_layout *l, const policy *p)
{
    l->list_of_input = xmalloc((size_t)(p->ninputs + 1) * sizeof *l->list_of_input);
    l->nlists = 0;
    for (int i = 0; i < p->ninputs; i++)
        l->list_of_input[i] = p->inputs[i]->type == TY_LIST ? l->nlists++ : -1;
    l->lists = xcalloc((size_t)l->nlists + 1, sizeof *l->lists);
    l->stores = xcalloc((size_t)l->nlists + 1, sizeof *l->stores);
    for (int i = 0; i < p->ninputs; i++)
        if (l->list_of_input[i] >= 0) {
            struct list_store *st = &l->stores[l->list_of_input[i]];
            size_t n = (size_t)p->inputs[i]->rec->nfields + 1;
            st->style = xcalloc(n, sizeof *st->style);
            st->style_at = xcalloc(n, sizeof *st->style_at);
        }
}

void record_layout_init(record_layout *l, const policy *p, const char *id_field, const read_opts *opts)
{
    l->fields = xmalloc((size_t)(p->ninputs + 1) * sizeof *l->fields);
    l->required = xmalloc((size_t)(p->ninputs + 1) * sizeof *l->required);
    l->field_of_input = xmalloc((size_t)(p->ninputs + 1) * sizeof *l->field_of_input);
    l->same_as = NULL;
    na_set_init(&l->na, opts && opts->na_values ? opts->na_values : NA_VALUES_DEFAULT);
    styles_init(l, p);
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
        /* A list is a JSON key, or a table file beside a CSV: never a
         * column the header must have. */
        l->required[l->nfields] = p->inputs[i]->type != TY_LIST;
        l->fields[l->nfields++] = name;
    }
    lists_init(l, p);
}

/* Declared alike: a cell converts to the same value under both. */
static bool same_choices(const decl *a, const decl *b)
{
    const text_list *x = a->choices, *y = b->choices;
    for (; x && y; x = x->next, y = y->next)
        if (x->len != y->len || memcmp(x->s, y->s, x->len) != 0)
            return false;
    return !x && !y;
}

static bool same_declaration(const symbol *a, const symbol *b)
{
    if (a->type != b->type || !same_choices(a->decl, b->decl))
        return false;
    if (a->type != TY_LIST)
        return true;
    const record_type *x = a->rec, *y = b->rec;
    if (x->nfields != y->nfields)
        return false;
    for (int f = 0; f < x->nfields; f++)
        if (strcmp(x->fields[f]->name, y->fields[f]->name) != 0 || x->types[f] != y->types[f] ||
            !same_choices(x->fields[f], y->fields[f]))
            return false;
    return true;
}

void record_layout_share(record_layout *base, const policy *base_policy, record_layout *other, const policy *p)
{
    memset(other, 0, sizeof *other);
    other->na = base->na;
    styles_init(other, p);
    other->field_of_input = xmalloc((size_t)(p->ninputs + 1) * sizeof *other->field_of_input);
    other->same_as = xmalloc((size_t)(p->ninputs + 1) * sizeof *other->same_as);
    lists_init(other, p);
    for (int i = 0; i < p->ninputs; i++) {
        const symbol *mine = p->inputs[i], *theirs = policy_lookup(base_policy, mine->name);
        bool alike = theirs && theirs->kind == SYM_INPUT && same_declaration(mine, theirs);
        other->same_as[i] = alike ? theirs->index : -1;
    }
    base->fields = xrealloc(base->fields, (size_t)(base->nfields + p->ninputs) * sizeof *base->fields);
    base->required = xrealloc(base->required, (size_t)(base->nfields + p->ninputs) * sizeof *base->required);
    for (int i = 0; i < p->ninputs; i++) {
        const char *name = p->inputs[i]->name;
        int f = 0;
        while (f < base->nfields && strcmp(base->fields[f], name) != 0)
            f++;
        if (f == base->nfields) {
            base->required[f] = p->inputs[i]->type != TY_LIST;
            base->fields[base->nfields++] = name;
        }
        other->field_of_input[i] = f;
    }
}

void record_layout_free(record_layout *l)
{
    for (int k = 0; k < l->nlists; k++) {
        free(l->stores[k].values);
        json_list_buf_free(&l->stores[k].json);
        free(l->stores[k].style);
        free(l->stores[k].style_at);
    }
    free(l->stores);
    free(l->lists);
    free(l->list_of_input);
    free(l->fields);
    free(l->required);
    free(l->field_of_input);
    free(l->same_as);
    free(l->style);
    free(l->style_at);
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

/* The declared choice a (trimmed) cell names: as written first, the usual
 * case, else without regard to case.  check.c refuses choices that differ
 * only by case, so at most one matches. */
static const text_list *match_choice(const decl *d, const char *s, uint32_t len)
{
    for (const text_list *t = d->choices; t; t = t->next)
        if (t->len == len && memcmp(t->s, s, len) == 0)
            return t;
    for (const text_list *t = d->choices; t; t = t->next)
        if (choice_same(t->s, t->len, s, len))
            return t;
    return NULL;
}

static void choice_error(const decl *d, const char *where, const char *shown, char *err, size_t errlen)
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
        snprintf(err, errlen, "%s: \"%s\" is not one of %s (did you mean \"%s\"?)", where, shown, list, best);
    else
        snprintf(err, errlen, "%s: \"%s\" is not one of %s", where, shown, list);
    free(names);
}

/* Whether a value that fits no type is likely an export's way of saying
 * "no value": punctuation alone ("-", "?", "--"), or a usual spelling in
 * some case (the defaults, none, nan, nil). */
static bool looks_missing(const char *s, uint32_t len)
{
    uint32_t i = 0;
    while (i < len && ((unsigned char)s[i] < 0x80 && ispunct((unsigned char)s[i])))
        i++;
    if (i == len)
        return true;
    static const char *const words[] = {"na", "n/a", "#n/a", "null", "none", "nan", "nil"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (choice_same(s, len, words[w], strlen(words[w])))
            return true;
    return false;
}

/* Percent or plain: only a number's text ends with '%' when it is one. */
static inline uint8_t style_of(const char *text, uint32_t len)
{
    return len && text[len - 1] == '%' ? NUM_PERCENT : NUM_PLAIN;
}

/* Where a cell came from, for the message when it does not fit: an
 * account's column, or a field of one element of a list. */
typedef struct cell_place {
    const char *name;        /* the column, or the list */
    const char *field;       /* the element's field; NULL for a column */
    long elem;               /* 1-based */
    const list_rows *table;  /* the element's row is in a table file */
} cell_place;

static void place_text(const cell_place *at, char *buf, size_t cap)
{
    if (!at->field)
        snprintf(buf, cap, "column '%s'", at->name);
    else if (at->table)
        snprintf(buf, cap, "%s[%ld].%s (%s record %ld, line %ld)", at->name, at->elem, at->field, at->table->path,
                 at->table->pos[at->elem - 1].record, at->table->pos[at->elem - 1].line);
    else
        snprintf(buf, cap, "%s[%ld].%s", at->name, at->elem, at->field);
}

/* The first number of a column sets its style; a later one of the other
 * style is an error, since 45% and 45 side by side are 0.45 and 45, which
 * is seldom what the file meant.  A number field of a list's elements is
 * one column over all of them.  *style, *at: the column's. */
static bool check_style(uint8_t *style, num_style *at, const cell_place *place, uint8_t kind, const char *text,
                        uint32_t len, const record_pos *pos, char *err, size_t errlen)
{
    if (*style == NUM_UNSEEN) {
        *style = kind;
        at->record = pos->record;
        at->line = pos->line;
        quote_value(text, len, at->shown, sizeof at->shown);
        return true;
    }
    char shown[64], where[200];
    quote_value(text, len, shown, sizeof shown);
    place_text(place, where, sizeof where);
    const char *mine = kind == NUM_PERCENT ? "a percentage" : "a plain number";
    const char *theirs = kind == NUM_PERCENT ? "a plain number" : "a percentage";
    const char *what = place->field ? "field" : "column";
    snprintf(err, errlen,
             "%s: \"%s\" is %s, but record %ld (line %ld) has %s (\"%s\") in this %s; "
             "write every value of a %s the same way (45%% or 0.45)",
             where, shown, mine, at->record, at->line, theirs, at->shown, what, what);
    return false;
}

/* One cell as a value of its declaration (type, choices): na for a missing
 * or na-spelled cell, else the value, else false with why in err. */
static bool convert_general(const record_layout *l, rb_type type, const decl *d, const cell *c, const cell_place *at,
                            rb_value *out, char *err, size_t errlen)
{
    char where[200], shown[64];
    if (c->state == CELL_MISSING) {
        out->kind = VK_NA;
        return true;
    }
    if (c->state == CELL_NESTED) {
        place_text(at, where, sizeof where);
        snprintf(err, errlen, "%s: expected %s, found %.*s", where,
                 type == TY_TEXT ? "text" : type == TY_BOOL ? "true or false" : type == TY_DATE ? "a date" : "a number",
                 NESTED_SHOWN(c));
        return false;
    }
    const char *text = c->s;
    uint32_t len = c->len;
    if (d && d->choices) {
        /* A declared choice wins over a missing-value spelling: an
         * enumeration may list "NA" or "-" as a real value. */
        trim(&text, &len);
        const text_list *t = match_choice(d, text, len);
        if (t) {
            *out = value_text(t->s, t->len);
            return true;
        }
        if (len == 0 || na_set_has(&l->na, text, len)) {
            out->kind = VK_NA;
            return true;
        }
        quote_value(text, len, shown, sizeof shown);
        place_text(at, where, sizeof where);
        choice_error(d, where, shown, err, errlen);
        size_t used = strlen(err);
        if (looks_missing(text, len) && used < errlen)
            snprintf(err + used, errlen - used, " (if it means no value, list it in --na-values)");
        return false;
    }
    if (na_maybe(&l->na, text, len) && na_set_has(&l->na, text, len)) {
        out->kind = VK_NA;
        return true;
    }
    if (type != TY_TEXT)
        trim(&text, &len);
    if (len == 0) {
        out->kind = VK_NA;
        return true;
    }
    if (value_from_text(type, text, len, out))
        return true;
    quote_value(c->s, c->len, shown, sizeof shown);
    place_text(at, where, sizeof where);
    rb_num unused;
    num_status range = type == TY_NUMBER ? num_read(text, len, true, &unused) : NUM_BAD;
    if (range == NUM_TOO_LARGE || range == NUM_TOO_SMALL) {
        snprintf(err, errlen, "%s: \"%s\" is a number too %s to hold", where, shown,
                 range == NUM_TOO_LARGE ? "large" : "small");
        return false;
    }
    static const char *const hints[] = {
        [TY_NUMBER] = "a number", [TY_DATE] = "a date (YYYY-MM-DD)",
        [TY_BOOL] = "true or false", [TY_TEXT] = "text"};
    /* A ';'-separated export often has decimal commas too. */
    const char *why = looks_missing(text, len) ? " (if it means no value, list it in --na-values)"
                      : type == TY_NUMBER && memchr(text, ',', len)
                          ? " (numbers are read with '.' as the decimal point and no thousands separator)"
                          : "";
    snprintf(err, errlen, "%s: \"%s\" is not %s%s", where, shown, hints[type], why);
    return false;
}

/* convert_general, the usual cells first: text or a date without choices,
 * no missing-value spelling (na_maybe), that reads as it stands (nothing to
 * trim), whose value is convert_general's; that has every other cell. */
static inline bool convert_cell(const record_layout *l, rb_type type, const decl *d, const cell *c, const cell_place *at,
                                rb_value *out, char *err, size_t errlen)
{
    if (c->state == CELL_TEXT && c->len && !(d && d->choices) && !na_maybe(&l->na, c->s, c->len)) {
        if (type == TY_TEXT) {
            *out = value_text(c->s, c->len);
            return true;
        }
        if (type == TY_DATE && date_parse(c->s, c->len, &out->u.date)) {
            out->kind = VK_DATE;
            return true;
        }
    }
    return convert_general(l, type, d, c, at, out, err, errlen);
}

/* A list input of the account: the JSON array its key holds, or its rows
 * in the table file (l->lists[k], set by the scan).  No key, null, or no
 * rows: an empty list. */
static bool load_list(record_layout *l, const symbol *s, int k, const cell *c, const record_pos *pos, rb_value *out,
                      char *err, size_t errlen)
{
    const record_type *r = s->rec;
    struct list_store *st = &l->stores[k];
    const list_rows *table = l->lists[k].path ? &l->lists[k] : NULL;
    const cell *cells = NULL;
    long n = 0;
    if (c->state == CELL_NESTED && c->len > 0 && c->s[0] == '[') {
        const char *names[256];
        const char **fields = r->nfields <= 256 ? names : xmalloc((size_t)r->nfields * sizeof *fields);
        for (int f = 0; f < r->nfields; f++)
            fields[f] = r->fields[f]->name;
        char why[300];
        n = json_list_cells(c->list, fields, r->nfields, &st->json, why, sizeof why);
        if (fields != names)
            free(fields);
        if (n < 0) {
            snprintf(err, errlen, "%s%s", s->name, why);
            return false;
        }
        cells = st->json.cells;
        table = NULL;
    } else if (c->state == CELL_NESTED) {
        snprintf(err, errlen, "key '%s': expected a list of records (a JSON array of objects), found an object", s->name);
        return false;
    } else if (c->state == CELL_TEXT) {
        /* The loader does not know the format: JSON gives a number, text
         * or bool here, a CSV file a column of the list's name. */
        char shown[64];
        quote_value(c->s, c->len, shown, sizeof shown);
        snprintf(err, errlen, "'%s' holds \"%s\", not a list of records: in JSON its key holds an array of "
                              "objects; from CSV its rows come in a file of their own (--table %s=FILE)",
                 s->name, shown, s->name);
        return false;
    } else if (table) {
        cells = table->cells;
        n = table->nrows;
    }
    size_t need = (size_t)n * (size_t)r->nfields;
    if (need > st->cap) {
        st->cap = need > 2 * st->cap ? need : 2 * st->cap;
        free(st->values);
        st->values = xmalloc(st->cap * sizeof *st->values);
    }
    for (long e = 0; e < n; e++)
        for (int f = 0; f < r->nfields; f++) {
            const cell_place at = {s->name, r->fields[f]->name, e + 1, table};
            size_t i = (size_t)e * (size_t)r->nfields + (size_t)f;
            st->values[i] = value_na();
            if (!convert_cell(l, r->types[f], r->fields[f], &cells[i], &at, &st->values[i], err, errlen))
                return false;
            if (st->values[i].kind != VK_NUM)
                continue;
            const char *text = cells[i].s;
            uint32_t len = cells[i].len;
            trim(&text, &len);
            uint8_t kind = style_of(text, len);
            if (st->style[f] != kind &&
                !check_style(&st->style[f], &st->style_at[f], &at, kind, text, len, pos, err, errlen))
                return false;
        }
    st->list.base = st->values;
    st->list.idx = NULL;
    st->list.n = (uint32_t)n;
    st->list.nfields = (uint32_t)r->nfields;
    out->kind = VK_LIST;
    out->u.list = &st->list;
    return true;
}

static bool load_values(const policy *p, record_layout *l, const cell *cells, const record_pos *pos,
                        rb_value *slots, const rb_value *base_slots, char *err, size_t errlen)
{
    /* In locals: the stores into slots could alias them for the compiler. */
    const uint8_t *style = l->style;
    const bool na_digits = l->na.digits;
    const int *field_of_input = l->field_of_input, *same_as = base_slots ? l->same_as : NULL, n = p->ninputs;
    symbol *const *inputs = p->inputs;
    for (int i = 0; i < n; i++) {
        if (same_as && same_as[i] >= 0) {
            slots[i] = base_slots[same_as[i]];
            continue;
        }
        const symbol *s = inputs[i];
        const cell *c = &cells[field_of_input[i]];
        const rb_type type = s->type;
        /* A column's text, the usual cell, is tested for first. */
        if (c->state != CELL_TEXT || type == TY_LIST) {
            if (type == TY_LIST) {
                if (!load_list(l, s, l->list_of_input[i], c, pos, &slots[i], err, errlen))
                    return false;
            } else if (c->state == CELL_MISSING) {
                slots[i].kind = VK_NA;
            } else {
                snprintf(err, errlen, "column '%s': expected a %s, found %.*s", s->name, type_name(type), NESTED_SHOWN(c));
                return false;
            }
            continue;
        }
        const char *text = c->s;
        uint32_t len = c->len;
        /* Most cells are plain whole numbers: read them here, without the
         * general parser (this loop runs for every cell of every record).
         * A missing-value spelling made of digits (9999) is looked for
         * only when there is one. */
        if (type == TY_NUMBER && len > 0 && len <= 18) {
            int64_t v = 0;
            uint32_t k = 0;
            while (k < len && (unsigned)(text[k] - '0') < 10)
                v = v * 10 + (text[k++] - '0');
            if (k == len && !(na_digits && na_set_has(&l->na, text, len))) {
                slots[i].kind = VK_NUM;
                slots[i].u.num.p = v;
                slots[i].u.num.q = 1;
                if (style[i] != NUM_PLAIN && !check_style(&l->style[i], &l->style_at[i], &(const cell_place){s->name, NULL, 0, NULL},
                                                          NUM_PLAIN, text, len, pos, err, errlen))
                    return false;
                continue;
            }
        }
        const cell_place at = {s->name, NULL, 0, NULL};
        if (!convert_cell(l, type, s->decl, c, &at, &slots[i], err, errlen))
            return false;
        if (slots[i].kind != VK_NUM)
            continue;
        trim(&text, &len);
        if (type == TY_NUMBER) {
            uint8_t kind = style_of(text, len);
            if (style[i] != kind && !check_style(&l->style[i], &l->style_at[i], &at, kind, text, len, pos, err, errlen))
                return false;
        }
    }
    return true;
}

/* record_load_shared, the fault's message built in err from its parts. */
static bool load_cells(const policy *p, record_layout *l, const cell *cells, const record_pos *pos, rb_value *slots,
                       const rb_value *base_slots, char *err, size_t errlen)
{
    if (load_values(p, l, cells, pos, slots, base_slots, err, errlen))
        return true;
    /* A rejected record sets no column's style: the records after it are
     * held to what the records kept say. */
    for (int i = 0; i < p->ninputs; i++) {
        if (l->style[i] != NUM_UNSEEN && l->style_at[i].record == pos->record)
            l->style[i] = NUM_UNSEEN;
        const struct list_store *st = l->list_of_input[i] >= 0 ? &l->stores[l->list_of_input[i]] : NULL;
        for (int f = 0; st && f < p->inputs[i]->rec->nfields; f++)
            if (st->style[f] != NUM_UNSEEN && st->style_at[f].record == pos->record)
                st->style[f] = NUM_UNSEEN;
    }
    return false;
}

/* For explain and test, which load only the account they look for: the
 * records before it still set each number column's style, as they would
 * in a run.  Only columns not yet seen are looked at. */
static void note_styles(const policy *p, record_layout *l, const cell *cells, const record_pos *pos)
{
    for (int i = 0; i < p->ninputs; i++) {
        const symbol *s = p->inputs[i];
        const cell *c = &cells[l->field_of_input[i]];
        if (s->type != TY_NUMBER || l->style[i] != NUM_UNSEEN || c->state != CELL_TEXT)
            continue;
        const char *text = c->s;
        uint32_t len = c->len;
        trim(&text, &len);
        rb_value v;
        if (len == 0 || na_set_has(&l->na, text, len) || !value_from_text(TY_NUMBER, text, len, &v))
            continue;
        const cell_place at = {s->name, NULL, 0, NULL};
        check_style(&l->style[i], &l->style_at[i], &at, style_of(text, len), text, len, pos, NULL, 0);
    }
}

/* Room for a text value's bytes in the block being filled. */
static void keep_text(rb_value *v, char **at)
{
    memcpy(*at, v->u.text, v->len);
    (*at)[v->len] = '\0';
    v->u.text = *at;
    *at += v->len + 1;
}

/* Moves the values out of the reader's buffer and the layout (which the
 * caller frees) into one block: the lists' headers and elements first,
 * aligned as the block is, then every text. */
static char *keep_texts(const policy *p, rb_value *slots)
{
    size_t lists = 0, texts = 1;
    for (int i = 0; i < p->ninputs; i++) {
        if (slots[i].kind == VK_TEXT)
            texts += slots[i].len + 1;
        if (slots[i].kind != VK_LIST)
            continue;
        const rb_list *l = slots[i].u.list;
        lists += sizeof(rb_value) + (size_t)l->n * l->nfields * sizeof(rb_value);
        for (size_t k = 0; k < (size_t)l->n * l->nfields; k++)
            if (l->base[k].kind == VK_TEXT)
                texts += l->base[k].len + 1;
    }
    /* rb_value's size is a multiple of its alignment: a header padded to
     * one rb_value keeps the elements after it aligned. */
    _Static_assert(sizeof(rb_list) <= sizeof(rb_value), "a list header fits in one value's room");
    char *block = xmalloc(lists + texts), *at = block + lists;
    rb_value *room = (rb_value *)(void *)block;
    for (int i = 0; i < p->ninputs; i++) {
        if (slots[i].kind == VK_TEXT)
            keep_text(&slots[i], &at);
        if (slots[i].kind != VK_LIST)
            continue;
        const rb_list *from = slots[i].u.list;
        rb_list *l = (rb_list *)(void *)room++;
        rb_value *values = room;
        size_t n = (size_t)from->n * from->nfields;
        if (n)
            memcpy(values, from->base, n * sizeof *values);
        room += n;
        for (size_t k = 0; k < n; k++)
            if (values[k].kind == VK_TEXT)
                keep_text(&values[k], &at);
        *l = *from;
        l->base = values;
        slots[i].u.list = l;
    }
    return block;
}

/* The account's rows of each list input given a --table, into l->lists;
 * tables[k] keeps them (closed by the caller).  1; -1 when a table cannot
 * be read; -2 when CSV data has a list input without its table. */
static int find_lists(const policy *p, record_layout *l, reader *r, const read_opts *opts, const table_arg *args,
                      int nargs, const char *id_field, const char *account, table_src **tables, diag *d)
{
    bool json = reader_format(r) != DATA_CSV;
    for (int i = 0; i < p->ninputs; i++) {
        const symbol *in = p->inputs[i];
        const table_arg *arg = in->type == TY_LIST ? table_arg_of(in, args, nargs) : NULL;
        if (in->type != TY_LIST || (!arg && json))
            continue;
        if (!arg) {
            table_say_needed(in, d);
            return -2;
        }
        if (json)
            reader_key_optional(r, l->field_of_input[i]);
        int k = l->list_of_input[i];
        tables[k] = table_open_input(in, arg, opts, id_field, d);
        const cell *cells = NULL;
        const record_pos *pos = NULL;
        long n = tables[k] ? table_rows(tables[k], account, strlen(account), &cells, &pos) : -1;
        if (n < 0)
            return -1;
        l->lists[k] = (list_rows){cells, pos, n, arg->path};
    }
    return 1;
}

bool record_load_shared(const policy *p, record_layout *l, const cell *cells, const record_pos *pos, rb_value *slots,
                        const rb_value *base_slots)
{
    char err[480];
    if (load_cells(p, l, cells, pos, slots, base_slots, err, sizeof err))
        return true;
    if (l->label)
        diag_record(l->diag, l->path, pos->record, pos->line, "%s (for %s)", err, l->label);
    else
        diag_record(l->diag, l->path, pos->record, pos->line, "%s", err);
    return false;
}

bool record_load(const policy *p, record_layout *l, const cell *cells, const record_pos *pos, rb_value *slots)
{
    return record_load_shared(p, l, cells, pos, slots, NULL);
}

void record_layout_report(record_layout *l, diag *d, const char *path, const char *label)
{
    l->diag = d;
    l->path = path;
    l->label = label;
}

int record_find(const policy *p, const char *path, const read_opts *opts, const table_arg *args, int nargs,
                const char *id_field, const char *account, rb_value *slots, char **texts, diag *d)
{
    *texts = NULL;
    if (!table_args_check(&p, 1, args, nargs, path, d))
        return -2;
    record_layout layout;
    record_layout_init(&layout, p, id_field, opts);
    record_layout_report(&layout, d, path, NULL);
    /* Other accounts' bad records are no concern of this one: the reader
     * says nothing, and what ends the search is said here. */
    diag quiet;
    diag_init(&quiet, NULL);
    reader *r = reader_open(path, opts, layout.fields, layout.required, layout.nfields, &quiet);
    if (!r) {
        diag_fail(d, "%s", quiet.kept);
        record_layout_free(&layout);
        return -1;
    }
    cell *cells = xcalloc((size_t)layout.nfields, sizeof *cells);
    table_src **tables = xcalloc((size_t)layout.nlists + 1, sizeof *tables);
    record_pos pos;
    read_status st = READ_EOF;
    size_t want = strlen(account);
    int found = find_lists(p, &layout, r, opts, args, nargs, id_field, account, tables, d);
    found = found < 0 ? found : 0;
    while (found == 0 && (st = reader_next(r, cells, &pos)) != READ_EOF) {
        if (st == READ_FATAL) {
            diag_fail(d, "%s", quiet.kept);
            found = -1;
            break;
        }
        if (st != READ_OK)
            continue;
        if (cells[0].state != CELL_TEXT || cells[0].len != want || memcmp(cells[0].s, account, want) != 0) {
            note_styles(p, &layout, cells, &pos);
            continue;
        }
        for (int i = 0; i < p->ninputs; i++) {
            int k = layout.list_of_input[i];
            if (k >= 0 && tables[k] && cells[layout.field_of_input[i]].state != CELL_MISSING) {
                /* As in a run: two sources for one list, neither wins. */
                diag_fail(d, "%.200s: record %ld (line %ld): --table %s: the data is JSON; its '%s' key holds the list",
                          path, pos.record, pos.line, p->inputs[i]->name, p->inputs[i]->name);
                found = -1;
            }
        }
        if (found < 0 || !record_load(p, &layout, cells, &pos, slots)) {
            found = -1;
            break;
        }
        *texts = keep_texts(p, slots);
        found = 1;
        break;
    }
    /* The rest of the file still counts: a second record with this id is
     * the duplicate `run` rejects, so explain does not silently take the
     * first; and a key this account lacks may be one no record has
     * (misspelt in the policy or renamed in the export), which `run`
     * refuses too. */
    if (found == 1) {
        long first = pos.record;
        while ((st = reader_next(r, cells, &pos)) != READ_EOF && st != READ_FATAL) {
            if (st != READ_OK || cells[0].state != CELL_TEXT || cells[0].len != want ||
                memcmp(cells[0].s, account, want) != 0)
                continue;
            diag_fail(d,
                      "%.200s: record %ld (line %ld): account id '%.200s' was already given at record %ld; each account "
                      "must appear once",
                      path, pos.record, pos.line, account, first);
            found = -1;
            break;
        }
        if (found == 1 && reader_missing_key(r)) {
            diag_fail(d, "%.500s", quiet.kept);
            found = -1;
        }
        if (found == -1) {
            free(*texts);
            *texts = NULL;
        }
    }
    if (found == 0)
        diag_fail(d, "%.200s: no account \"%.200s\" (in column '%.100s')", path, account, id_field);
    for (int k = 0; k < layout.nlists; k++)
        table_close(tables[k]);
    free(tables);
    free(cells);
    reader_close(r);
    record_layout_free(&layout);
    return found;
}
