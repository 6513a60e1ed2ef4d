/* sql.h - a compiled policy as one SQL query, for a warehouse that keeps
 * the accounts (PostgreSQL, SQLite, DuckDB).
 *
 * The query is compiled from the program (program.h) that `rubric run`
 * evaluates, after --param and --as-of were applied (or, with --bind, with
 * them as slots: compile_policy_bound), so it computes what run computes:
 * every construct either compiles or is refused with a file:line:col error
 * naming it and the dialect.
 *
 * The query reads one table (opts->db_table, default "accounts") whose
 * columns are the policy's inputs, named as the policy names them, plus the
 * id column (the policy's `id`, else account_id), as sql_schema's CREATE
 * TABLE declares them; NULL is na.  It returns one row per account, in no
 * promised order (add ORDER BY yourself), whose columns are:
 *   1. the id, as text, named as the id column;
 *   2. every output (or those opts->select names, in that order), named
 *      after it, in the order `rubric run --format csv` writes them.
 * Each output cell is NULL where run writes an empty cell (na, or a banded
 * value no band line caught), else:
 *   - a measure or group: its band's name (text), as run writes it;
 *   - text, bool (true/false), date (YYYY-MM-DD): the text run writes;
 *   - a number: a decimal text of the value (PostgreSQL: exact, or 40
 *     decimals; SQLite: 17 significant digits; DuckDB: the double's
 *     shortest text; an integer always in full; see docs/sql.md).  Its
 *     text read with num_parse() and printed with num_format() is run's
 *     cell; sql_column_is_number() says which columns need that.
 * With opts->scores, each measure or group's column is followed by its
 * NAME__value and NAME__score, numbers as above, NULL when na or none.
 * The stages are MATERIALIZED CTEs (PostgreSQL 12+, SQLite 3.35+, DuckDB). */
#ifndef RUBRIC_SQL_H
#define RUBRIC_SQL_H

#include <stdbool.h>

#include "diag.h"
#include "program.h"
#include "strbuf.h"

typedef enum sql_dialect { SQL_POSTGRES, SQL_SQLITE, SQL_DUCKDB } sql_dialect;

typedef struct sql_options {
    sql_dialect dialect;
    const char *db_table;         /* NULL: "accounts" */
    const char *const *select;    /* output names, or NULL for every output */
    int nselect;
    /* Parameters and as_of as SQL parameters ($1.. in PostgreSQL, in the
     * header's order; :name in SQLite; $name in DuckDB), bound as text read
     * as --param reads it, instead of the literals of their values.  The
     * program must come from compile_policy_bound(), whose parameters are
     * slots; the header lists each placeholder, its type and default. */
    bool bind;
    /* Each measure or group output followed by NAME__value (its value, as
     * a number's text) and NAME__score (its score, NULL when it has none):
     * what JSON writes beside the band, for `rubric run` over a database.
     * Off, the columns are those of `rubric run --format csv`. */
    bool scores;
} sql_options;

/* "postgres", "sqlite", "duckdb" (the --dialect words) to a dialect;
 * false for any other word. */
bool sql_dialect_from_name(const char *name, sql_dialect *out);
const char *sql_dialect_name(sql_dialect d);

/* Appends the query to out.  Returns 0, or -1 after reporting to d each
 * construct the dialect cannot express (or an unknown --select name);
 * out is then left as it was. */
int sql_compile(const program *prog, const sql_options *opts, strbuf *out, diag *d);

/* Appends the CREATE TABLE for the inputs to out, with the types the query
 * reads them as.  Returns 0, or -1 after reporting to d (a list input). */
int sql_schema(const program *prog, const sql_options *opts, strbuf *out, diag *d);

/* Whether result column col (0 is the id) holds a number, whose text the
 * caller prints through num_parse() and num_format() to write run's cell. */
bool sql_column_is_number(const program *prog, const sql_options *opts, int col);

#endif
