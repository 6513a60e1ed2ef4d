/* history_schema.c - the history's tables: made in a new file, checked
 * in one opened, and a file of an older schema brought up to date (see
 * history.h for the schema); and the few SQL helpers every part of the
 * history uses. */
#include <stdio.h>

#include "history_internal.h"

bool history_is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

void history_fail_sql(const history *h, diag *d, int rc, const char *doing)
{
    if (history_is_busy(rc))
        diag_fail(d, "the history '%s' is being written by another run; try again when it has finished", h->path);
    else if ((rc & 0xff) == SQLITE_NOTADB)
        diag_fail(d, "'%s' is not a rubric history (not an SQLite database)", h->path);
    else
        diag_fail(d, "history '%s': %s: %s", h->path, doing, sqlite3_errmsg(h->db));
}

int history_exec(history *h, const char *sql) { return sqlite3_exec(h->db, sql, NULL, NULL, NULL); }

long long history_query_int(history *h, const char *sql, int *rc)
{
    sqlite3_stmt *st;
    long long v = 0;
    *rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
    if (*rc != SQLITE_OK)
        return 0;
    *rc = sqlite3_step(st);
    if (*rc == SQLITE_ROW) {
        v = sqlite3_column_int64(st, 0);
        *rc = SQLITE_OK;
    } else if (*rc == SQLITE_DONE) {
        *rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return v;
}

static const char schema_sql[] =
    "CREATE TABLE periods (\n"
    "  period_id INTEGER PRIMARY KEY,\n"
    "  policy TEXT NOT NULL,\n"
    "  as_of TEXT NOT NULL,\n"
    "  version TEXT,\n"
    "  source_sha256 TEXT NOT NULL,\n"
    "  recorded_at TEXT NOT NULL,\n"
    "  accounts INTEGER NOT NULL,\n"
    "  rejected INTEGER NOT NULL,\n"
    "  scores_table TEXT NOT NULL,\n"
    "  UNIQUE (policy, as_of)\n"
    ");\n"
    "CREATE TABLE outputs (\n"
    "  period_id INTEGER NOT NULL REFERENCES periods,\n"
    "  position INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  PRIMARY KEY (period_id, position)\n"
    ") WITHOUT ROWID;\n"
    "CREATE VIEW scores AS SELECT NULL AS period_id, NULL AS account_id WHERE 0;\n";

/* Version 2: the outputs set by hand (run --overrides), each beside what
 * the rules computed; the scores tables hold the value set. */
static const char overrides_sql[] =
    "CREATE TABLE overrides (\n"
    "  period_id INTEGER NOT NULL REFERENCES periods,\n"
    "  account_id TEXT NOT NULL,\n"
    "  output TEXT NOT NULL,\n"
    "  value TEXT,\n"
    "  computed TEXT,\n"
    "  computed__value REAL,\n"
    "  computed__score REAL,\n"
    "  reason TEXT NOT NULL,\n"
    "  author TEXT NOT NULL,\n"
    "  expires TEXT NOT NULL,\n"
    "  PRIMARY KEY (period_id, account_id, output)\n"
    ") WITHOUT ROWID;\n";

/* Makes the schema in an empty file, under the write lock, so that two
 * runs creating one history at once make it once. */
static bool create_schema(history *h, diag *d)
{
    int rc = history_exec(h, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "creating the history");
        return false;
    }
    long long tables = history_query_int(h, "SELECT count(*) FROM sqlite_master", &rc);
    if (rc == SQLITE_OK && tables == 0) {
        char pragmas[128];
        snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
                 HISTORY_APPLICATION_ID, HISTORY_SCHEMA_VERSION);
        rc = history_exec(h, schema_sql);
        if (rc == SQLITE_OK)
            rc = history_exec(h, overrides_sql);
        if (rc == SQLITE_OK)
            rc = history_exec(h, pragmas);
    }
    if (rc == SQLITE_OK)
        rc = history_exec(h, "COMMIT");
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "creating the history");
        history_exec(h, "ROLLBACK");
        return false;
    }
    return true;
}

/* A version 1 file about to be written gets the overrides table, in one
 * transaction under the write lock (a second run migrating at once finds
 * it done); readers read either version as it is. */
static bool migrate(history *h, diag *d)
{
    int rc = history_exec(h, "BEGIN IMMEDIATE");
    long long version = rc == SQLITE_OK ? history_query_int(h, "PRAGMA user_version", &rc) : 0;
    if (rc == SQLITE_OK && version < 2) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", HISTORY_SCHEMA_VERSION);
        rc = history_exec(h, overrides_sql);
        if (rc == SQLITE_OK)
            rc = history_exec(h, pragma);
    }
    if (rc == SQLITE_OK)
        rc = history_exec(h, "COMMIT");
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "bringing the history to schema version 2");
        history_exec(h, "ROLLBACK");
        return false;
    }
    return true;
}

/* Whether the open file is a history this rubric reads; creates the
 * schema in an empty one when create. */
bool history_check_schema(history *h, bool create, diag *d)
{
    /* The three in one read transaction: another run creating the file at
     * this moment is seen before or after, never half way (its tables and
     * version without its application id). */
    int rc = history_exec(h, "BEGIN");
    long long app = rc == SQLITE_OK ? history_query_int(h, "PRAGMA application_id", &rc) : 0;
    long long version = rc == SQLITE_OK ? history_query_int(h, "PRAGMA user_version", &rc) : 0;
    long long tables = rc == SQLITE_OK ? history_query_int(h, "SELECT count(*) FROM sqlite_master", &rc) : 0;
    int end = history_exec(h, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK");
    if (rc == SQLITE_OK)
        rc = end;
    if (rc != SQLITE_OK) {
        history_fail_sql(h, d, rc, "reading the schema");
        return false;
    }
    if (app == 0 && version == 0 && tables == 0) {
        if (create)
            return create_schema(h, d);
        diag_fail(d, "'%s' is not a rubric history (an empty database); `rubric run --history` makes one", h->path);
        return false;
    }
    if (app != HISTORY_APPLICATION_ID) {
        diag_fail(d, "'%s' is not a rubric history (an SQLite database of something else)", h->path);
        return false;
    }
    if (version > HISTORY_SCHEMA_VERSION) {
        diag_fail(d, "the history '%s' has schema version %lld, newer than this rubric reads (%d); use a newer rubric",
                  h->path, version, HISTORY_SCHEMA_VERSION);
        return false;
    }
    if (version < 1) {
        diag_fail(d, "'%s' is not a rubric history (no schema version)", h->path);
        return false;
    }
    return version == HISTORY_SCHEMA_VERSION || !create || migrate(h, d);
}

