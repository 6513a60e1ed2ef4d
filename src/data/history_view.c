/* history_view.c - the names of the history's columns, and the view
 * `scores`: every period's table united, for queries across months
 * (docs/history.md). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "history_internal.h"
#include "strbuf.h"
#include "xalloc.h"

static const char *const kind_names[] = {"banded", "number", "text", "bool", "date", "duration"};

const char *history_kind_name(history_kind k) { return kind_names[k]; }

history_kind history_kind_parse(const char *s)
{
    for (int k = 0; k < 6; k++)
        if (s && strcmp(s, kind_names[k]) == 0)
            return (history_kind)k;
    return HK_TEXT;
}

const char *const history_column_suffix[3] = {"", "__value", "__score"};

void history_quote_ident(strbuf *b, const char *name, const char *suffix)
{
    strbuf_addchars(b, '"', 1);
    for (const char *s = name; *s; s++) {
        if (*s == '"')
            strbuf_addchars(b, '"', 1);
        strbuf_addchars(b, *s, 1);
    }
    strbuf_adds(b, suffix);
    strbuf_addchars(b, '"', 1);
}

/* A column of the view: its name and whether each period has it. */
typedef struct view_col {
    char *name;
} view_col;

static int find_col(view_col *cols, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(cols[i].name, name) == 0)
            return i;
    return -1;
}

/* SQLite refuses a compound SELECT of more than 500 arms: periods are
 * united in chunks of this many, each a subquery. */
enum { VIEW_CHUNK = 400 };

int history_make_view(history *h)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h->db,
                                "SELECT o.period_id, o.name, o.kind FROM outputs o JOIN periods p "
                                "ON p.period_id = o.period_id ORDER BY o.period_id, o.position", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    /* Every period's columns, then the union of them. */
    view_col *cols = NULL;
    int ncols = 0, cap = 0;
    long long *pids = NULL;
    int *first = NULL, *count = NULL; /* per period: its run of columns in pcols */
    int *pcols = NULL;
    long np = 0, pcap = 0, npc = 0, pccap = 0;
    strbuf name;
    strbuf_init(&name);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long pid = sqlite3_column_int64(st, 0);
        if (np == 0 || pids[np - 1] != pid) {
            if (np == pcap) {
                pcap = pcap ? 2 * pcap : 16;
                pids = xrealloc(pids, (size_t)pcap * sizeof *pids);
                first = xrealloc(first, (size_t)pcap * sizeof *first);
                count = xrealloc(count, (size_t)pcap * sizeof *count);
            }
            pids[np] = pid;
            first[np] = (int)npc;
            count[np] = 0;
            np++;
        }
        history_kind k = history_kind_parse((const char *)sqlite3_column_text(st, 2));
        for (int c = 0; c < history_ncolumns(k); c++) {
            strbuf_setlen(&name, 0);
            strbuf_addf(&name, "%s%s", (const char *)sqlite3_column_text(st, 1), history_column_suffix[c]);
            int at = find_col(cols, ncols, strbuf_str(&name));
            if (at < 0) {
                if (ncols == cap)
                    cols = xrealloc(cols, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *cols);
                cols[ncols].name = xstrdup(strbuf_str(&name));
                at = ncols++;
            }
            if (npc == pccap)
                pcols = xrealloc(pcols, (size_t)(pccap = pccap ? 2 * pccap : 64) * sizeof *pcols);
            pcols[npc++] = at;
            count[np - 1]++;
        }
    }
    sqlite3_finalize(st);
    strbuf_free(&name);
    strbuf v;
    strbuf_init(&v);
    strbuf_adds(&v, "DROP VIEW IF EXISTS scores; CREATE VIEW scores AS ");
    if (np == 0)
        strbuf_adds(&v, "SELECT NULL AS period_id, NULL AS account_id WHERE 0");
    char *has = xcalloc((size_t)ncols + 1, 1);
    for (long i = 0; i < np; i++) {
        if (i % VIEW_CHUNK == 0)
            strbuf_adds(&v, i ? ") UNION ALL SELECT * FROM (" : "SELECT * FROM (");
        else
            strbuf_adds(&v, " UNION ALL ");
        memset(has, 0, (size_t)ncols);
        for (int c = 0; c < count[i]; c++)
            has[pcols[first[i] + c]] = 1;
        strbuf_addf(&v, "SELECT %lld AS period_id, account_id", pids[i]);
        for (int c = 0; c < ncols; c++) {
            strbuf_adds(&v, has[c] ? ", " : ", NULL AS ");
            history_quote_ident(&v, cols[c].name, "");
        }
        strbuf_addf(&v, " FROM scores_%lld", pids[i]);
    }
    if (np)
        strbuf_adds(&v, ")");
    rc = rc == SQLITE_DONE ? sqlite3_exec(h->db, strbuf_str(&v), NULL, NULL, NULL) : rc;
    strbuf_free(&v);
    free(has);
    for (int i = 0; i < ncols; i++)
        free(cols[i].name);
    free(cols);
    free(pids);
    free(first);
    free(count);
    free(pcols);
    return rc;
}
