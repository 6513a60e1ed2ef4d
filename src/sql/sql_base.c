/* sql_base.c - what every part of the SQL compiler says things with: its
 * strings, identifiers and literals, the dialects' names, and the error
 * for what a dialect cannot express. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sql_internal.h"

const char *sqlf(sqlc *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf b = {0};
    strbuf_vaddf(&b, fmt, ap);
    va_end(ap);
    const char *s = arena_strndup(&c->mem, strbuf_str(&b), b.len);
    strbuf_free(&b);
    return s;
}

static const char *const dialect_names[] = {[SQL_POSTGRES] = "postgres", [SQL_SQLITE] = "sqlite", [SQL_DUCKDB] = "duckdb"};

bool sql_dialect_from_name(const char *name, sql_dialect *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, dialect_names[i]) == 0) {
            *out = (sql_dialect)i;
            return true;
        }
    return false;
}

const char *sql_dialect_name(sql_dialect d) { return dialect_names[d]; }

/* Words one of the three dialects reserves, lower case, sorted. */
static const char *const reserved[] = {
    "abort", "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "binary", "both", "by", "case", "cast", "check", "collate", "column", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "default", "deferrable", "delete", "desc", "describe", "distinct", "do",
    "else", "end", "escape", "except", "exists", "false", "fetch", "filter", "for", "foreign", "freeze", "from",
    "full", "glob", "grant", "group", "groups", "having", "if", "ilike", "in", "index", "initially", "inner",
    "insert", "intersect", "into", "is", "isnull", "join", "lambda", "lateral", "leading", "left", "like",
    "limit", "localtime", "localtimestamp", "map", "match", "natural", "not", "nothing", "notnull", "null",
    "nulls", "of", "offset", "on", "only", "or", "order", "outer", "over", "overlaps", "partition", "pivot",
    "placing", "pragma", "primary", "qualify", "raise", "range", "recursive", "references", "regexp",
    "returning", "right", "row", "rows", "select", "semi", "session_user", "set", "show", "similar", "some",
    "struct", "summarize", "symmetric", "table", "tablesample", "then", "to", "trailing", "true", "union",
    "unique", "unpivot", "update", "user", "using", "values", "variadic", "verbose", "view", "when", "where",
    "window", "with",
};

static int cmp_word(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

const char *sql_ident(sqlc *c, const char *name)
{
    bool plain = name[0] && !(name[0] >= '0' && name[0] <= '9');
    for (const char *s = name; *s && plain; s++)
        plain = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_';
    if (plain && !bsearch(&name, reserved, sizeof reserved / sizeof reserved[0], sizeof reserved[0], cmp_word))
        return name;
    strbuf b = {0};
    strbuf_adds(&b, "\"");
    for (const char *s = name; *s; s++)
        strbuf_adds(&b, *s == '"' ? "\"\"" : (char[]){*s, 0});
    strbuf_adds(&b, "\"");
    const char *r = arena_strndup(&c->mem, strbuf_str(&b), b.len);
    strbuf_free(&b);
    return r;
}

const char *sql_dialect_title(sql_dialect d)
{
    return d == SQL_POSTGRES ? "PostgreSQL" : d == SQL_SQLITE ? "SQLite" : "DuckDB";
}

void sql_refuse(sqlc *c, const char *what)
{
    c->failed = true;
    const decl *dl = c->cur && c->cur->sym ? c->cur->sym->decl : NULL;
    if (dl)
        diag_error(c->d, dl->name_loc, "%s cannot be compiled to SQL for %s", what, sql_dialect_title(c->o->dialect));
    else
        diag_plain_error(c->d, "%s cannot be compiled to SQL for %s", what, sql_dialect_title(c->o->dialect));
}

void sql_refuse_at(sqlc *c, rb_loc loc, const char *what)
{
    c->failed = true;
    diag_error(c->d, loc, "%s cannot be compiled to SQL for %s", what, sql_dialect_title(c->o->dialect));
}

const char *sql_text_const(sqlc *c, const char *s, size_t len)
{
    strbuf b = {0};
    strbuf_adds(&b, "'");
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\'')
            strbuf_adds(&b, "'");
        strbuf_add(&b, s + i, 1);
    }
    strbuf_adds(&b, "'");
    const char *r = arena_strndup(&c->mem, strbuf_str(&b), b.len);
    strbuf_free(&b);
    return r;
}

