/* record.c - checking each value against its input declaration: data that
 * does not fit is an error for that record, never a silent zero. */
#include "record.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "compile.h"
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
        l->required[l->nfields] = true;
        l->fields[l->nfields++] = name;
    }
}

/* Declared alike: a cell converts to the same value under both. */
static bool same_declaration(const symbol *a, const symbol *b)
{
    if (a->type != b->type)
        return false;
    const text_list *x = a->decl->choices, *y = b->decl->choices;
    for (; x && y; x = x->next, y = y->next)
        if (x->len != y->len || memcmp(x->s, y->s, x->len) != 0)
            return false;
    return !x && !y;
}

void record_layout_share(record_layout *base, const policy *base_policy, record_layout *other, const policy *p)
{
    memset(other, 0, sizeof *other);
    other->na = base->na;
    styles_init(other, p);
    other->field_of_input = xmalloc((size_t)(p->ninputs + 1) * sizeof *other->field_of_input);
    other->same_as = xmalloc((size_t)(p->ninputs + 1) * sizeof *other->same_as);
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
            base->required[f] = true;
            base->fields[base->nfields++] = name;
        }
        other->field_of_input[i] = f;
    }
}

void record_layout_free(record_layout *l)
{
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

/* The first number of a column sets its style; a later one of the other
 * style is an error, since 45% and 45 side by side are 0.45 and 45, which
 * is seldom what the file meant. */
static bool check_style(record_layout *l, const symbol *s, int i, uint8_t style, const char *text, uint32_t len,
                        const record_pos *pos, char *err, size_t errlen)
{
    num_style *at = &l->style_at[i];
    if (l->style[i] == NUM_UNSEEN) {
        l->style[i] = style;
        at->record = pos->record;
        at->line = pos->line;
        quote_value(text, len, at->shown, sizeof at->shown);
        return true;
    }
    char shown[64];
    quote_value(text, len, shown, sizeof shown);
    const char *mine = style == NUM_PERCENT ? "a percentage" : "a plain number";
    const char *theirs = style == NUM_PERCENT ? "a plain number" : "a percentage";
    snprintf(err, errlen,
             "column '%s': \"%s\" is %s, but record %ld (line %ld) has %s (\"%s\") in this column; "
             "write every value of a column the same way (45%% or 0.45)",
             s->name, shown, mine, at->record, at->line, theirs, at->shown);
    return false;
}

static bool load_values(const policy *p, record_layout *l, const cell *cells, const record_pos *pos,
                        rb_value *slots, const rb_value *base_slots, char *err, size_t errlen);

/* record_load_shared, the fault's message built in err from its parts. */
static bool load_cells(const policy *p, record_layout *l, const cell *cells, const record_pos *pos, rb_value *slots,
                       const rb_value *base_slots, char *err, size_t errlen)
{
    if (load_values(p, l, cells, pos, slots, base_slots, err, errlen))
        return true;
    /* A rejected record sets no column's style: the records after it are
     * held to what the records kept say. */
    for (int i = 0; i < p->ninputs; i++)
        if (l->style[i] != NUM_UNSEEN && l->style_at[i].record == pos->record)
            l->style[i] = NUM_UNSEEN;
    return false;
}

static bool load_values(const policy *p, record_layout *l, const cell *cells, const record_pos *pos,
                        rb_value *slots, const rb_value *base_slots, char *err, size_t errlen)
{
    /* In locals: the stores into slots could alias them for the compiler. */
    const uint8_t *style = l->style;
    const bool na_digits = l->na.digits;
    for (int i = 0; i < p->ninputs; i++) {
        if (base_slots && l->same_as[i] >= 0) {
            slots[i] = base_slots[l->same_as[i]];
            continue;
        }
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
         * general parser (this loop runs for every cell of every record).
         * A missing-value spelling made of digits (9999) is looked for
         * only when there is one. */
        if (s->type == TY_NUMBER && len > 0 && len <= 18) {
            int64_t v = 0;
            uint32_t k = 0;
            while (k < len && (unsigned)(text[k] - '0') < 10)
                v = v * 10 + (text[k++] - '0');
            if (k == len && !(na_digits && na_set_has(&l->na, text, len))) {
                slots[i].kind = VK_NUM;
                slots[i].u.num.p = v;
                slots[i].u.num.q = 1;
                if (style[i] != NUM_PLAIN && !check_style(l, s, i, NUM_PLAIN, text, len, pos, err, errlen))
                    return false;
                continue;
            }
        }
        const decl *d = s->decl;
        if (d->choices) {
            /* A declared choice wins over a missing-value spelling: an
             * enumeration may list "NA" or "-" as a real value. */
            trim(&text, &len);
            const text_list *t = match_choice(d, text, len);
            if (t) {
                slots[i].kind = VK_TEXT;
                slots[i].u.text = t->s;
                slots[i].len = t->len;
                continue;
            }
            if (len == 0 || na_set_has(&l->na, text, len)) {
                slots[i].kind = VK_NA;
                continue;
            }
            quote_value(text, len, shown, sizeof shown);
            choice_error(d, shown, err, errlen);
            size_t used = strlen(err);
            if (looks_missing(text, len) && used < errlen)
                snprintf(err + used, errlen - used, " (if it means no value, list it in --na-values)");
            return false;
        }
        if (na_maybe(&l->na, text, len) && na_set_has(&l->na, text, len)) {
            slots[i].kind = VK_NA;
            continue;
        }
        if (s->type != TY_TEXT)
            trim(&text, &len);
        if (len == 0) {
            slots[i].kind = VK_NA;
            continue;
        }
        if (!value_from_text(s->type, text, len, &slots[i])) {
            quote_value(c->s, c->len, shown, sizeof shown);
            rb_num unused;
            num_status range = s->type == TY_NUMBER ? num_read(text, len, true, &unused) : NUM_BAD;
            if (range == NUM_TOO_LARGE || range == NUM_TOO_SMALL) {
                snprintf(err, errlen, "column '%s': \"%s\" is a number too %s to hold", s->name, shown,
                         range == NUM_TOO_LARGE ? "large" : "small");
                return false;
            }
            static const char *const hints[] = {
                [TY_NUMBER] = "a number", [TY_DATE] = "a date (YYYY-MM-DD)",
                [TY_BOOL] = "true or false", [TY_TEXT] = "text"};
            /* A ';'-separated export often has decimal commas too. */
            const char *why = looks_missing(text, len) ? " (if it means no value, list it in --na-values)"
                              : s->type == TY_NUMBER && memchr(text, ',', len)
                                  ? " (numbers are read with '.' as the decimal point and no thousands separator)"
                                  : "";
            snprintf(err, errlen, "column '%s': \"%s\" is not %s%s", s->name, shown, hints[s->type], why);
            return false;
        }
        if (s->type == TY_NUMBER) {
            uint8_t kind = style_of(text, len);
            if (style[i] != kind && !check_style(l, s, i, kind, text, len, pos, err, errlen))
                return false;
        }
    }
    return true;
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
        check_style(l, s, i, style_of(text, len), text, len, pos, NULL, 0);
    }
}

/* Moves the text values out of the reader's buffer into one block. */
static char *keep_texts(const policy *p, rb_value *slots)
{
    size_t total = 1;
    for (int i = 0; i < p->ninputs; i++)
        if (slots[i].kind == VK_TEXT)
            total += slots[i].len + 1;
    char *block = xmalloc(total), *at = block;
    for (int i = 0; i < p->ninputs; i++)
        if (slots[i].kind == VK_TEXT) {
            memcpy(at, slots[i].u.text, slots[i].len);
            at[slots[i].len] = '\0';
            slots[i].u.text = at;
            at += slots[i].len + 1;
        }
    return block;
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

int record_find(const policy *p, const char *path, const read_opts *opts, const char *id_field,
                const char *account, rb_value *slots, char **texts, diag *d)
{
    record_layout layout;
    record_layout_init(&layout, p, id_field, opts);
    record_layout_report(&layout, d, path, NULL);
    *texts = NULL;
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
    record_pos pos;
    read_status st;
    size_t want = strlen(account);
    int found = 0;
    while ((st = reader_next(r, cells, &pos)) != READ_EOF) {
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
        if (!record_load(p, &layout, cells, &pos, slots)) {
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
    free(cells);
    reader_close(r);
    record_layout_free(&layout);
    return found;
}
