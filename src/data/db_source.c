/* db_source.c - which database DATA names, how messages show it, and the
 * rows handed over by the engine's half (db_postgres.c, db_sqlite.c). */
#include "db_internal.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

db_kind db_kind_of(const char *arg)
{
    if (starts(arg, "postgresql://") || starts(arg, "postgres://"))
        return DB_POSTGRES;
    if (starts(arg, "sqlite:"))
        return DB_SQLITE;
    return DB_NONE;
}

/* Appends s[0..n) to buf, as far as it fits. */
static void append(char *buf, size_t cap, size_t *used, const char *s, size_t n)
{
    if (*used + 1 >= cap)
        return;
    if (n > cap - 1 - *used)
        n = cap - 1 - *used;
    memcpy(buf + *used, s, n);
    *used += n;
    buf[*used] = '\0';
}

void db_shown(const char *arg, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    if (db_kind_of(arg) != DB_POSTGRES) {
        append(buf, cap, &used, arg, strlen(arg));
        return;
    }
    /* scheme://[user[:password]@]host[:port][/db][?key=value&...] */
    const char *auth = strstr(arg, "://") + 3;
    size_t auth_len = strcspn(auth, "/?");
    const char *at = NULL;
    for (const char *p = auth; p < auth + auth_len; p++)
        if (*p == '@')
            at = p;
    append(buf, cap, &used, arg, (size_t)(auth - arg));
    const char *rest = auth;
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon) {
            append(buf, cap, &used, auth, (size_t)(colon - auth));
            append(buf, cap, &used, ":***", 4);
            rest = at;
        }
    }
    /* The parameters: password=... hidden, the others kept. */
    const char *q = strchr(rest, '?');
    if (!q) {
        append(buf, cap, &used, rest, strlen(rest));
        return;
    }
    append(buf, cap, &used, rest, (size_t)(q - rest));
    for (const char *p = q; *p;) {
        size_t n = 1 + strcspn(p + 1, "&");
        if (strncmp(p + 1, "password=", 9) == 0) {
            append(buf, cap, &used, p, 10);
            append(buf, cap, &used, "***", 3);
        } else {
            append(buf, cap, &used, p, n);
        }
        p += n;
    }
}

/* The engine's error, said once. */
static void say(const db_source *s)
{
    diag_fail(s->diag, "%s: %s: %s", s->name, s->what ? s->what : "failed", s->err);
}

db_source *db_open(const char *arg, const char *query, int ncols, diag *d)
{
    db_source *s = xcalloc(1, sizeof *s);
    s->kind = db_kind_of(arg);
    s->diag = d;
    s->ncols = ncols;
    db_shown(arg, s->name, sizeof s->name);
    bool ok = s->kind == DB_POSTGRES ? db_pg_open(s, arg, query)
              : s->kind == DB_SQLITE ? db_sqlite_open(s, arg + strlen("sqlite:"), query)
                                     : false;
    if (!ok) {
        say(s);
        db_close(s);
        return NULL;
    }
    return s;
}

read_status db_next(db_source *s, cell *cells, record_pos *pos)
{
    if (s->failed)
        return READ_FATAL;
    read_status rs = s->kind == DB_POSTGRES ? db_pg_next(s, cells) : db_sqlite_next(s, cells);
    if (rs == READ_FATAL)
        say(s);
    if (rs == READ_OK) {
        pos->record = ++s->rows;
        pos->line = 0;
    }
    return rs;
}

bool db_failed(const db_source *s) { return s && s->failed; }

void db_close(db_source *s)
{
    if (!s)
        return;
    if (s->kind == DB_POSTGRES)
        db_pg_close(s);
    else if (s->kind == DB_SQLITE)
        db_sqlite_close(s);
    free(s);
}
