/* unit_tests.c - the stages tested one by one, in process: numbers, dates,
 * names, the parser's diagnostics, evaluation, the readers. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "backtest.h"
#include "builtins.h"
#include "bytes16.h"
#include "calstats.h"
#include "compile.h"
#include "date.h"
#include "db_source.h"
#include "eval.h"
#include "eval_internal.h"
#include "git_source.h"
#include "history.h"
#include "idset.h"
#include "json_list.h"
#include "lint.h"
#include "utf8.h"
#include "report.h"
#include "rpc.h"
#include "text.h"
#include "next_band.h"
#include "num.h"
#include "policy.h"
#include "population.h"
#include "reader.h"
#include "reader_internal.h"
#include "scan.h"
#include "status.h"
#include "sha256.h"
#include "record.h"
#include "strbuf.h"
#include "table.h"
#include "writer.h"

static int passed, failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond)                                                                \
            passed++;                                                            \
        else {                                                                   \
            failed++;                                                            \
            printf("not ok - %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
        }                                                                        \
    } while (0)

static rb_num parse(const char *s)
{
    rb_num n = num_from_int(0);
    if (!num_parse(s, strlen(s), true, &n))
        printf("  (could not parse %s)\n", s);
    return n;
}

static void test_numbers(void)
{
    /* The SPEC's edges: exact where doubles are not. */
    CHECK(num_cmp(num_div(parse("0.35"), parse("7")), parse("5%")) == 0);
    CHECK(num_cmp(num_div(parse("15"), parse("300")), parse("5%")) == 0);
    CHECK(num_cmp(num_div(parse("7"), parse("100")), parse("7%")) == 0);
    CHECK(0.35 / 7 < 0.05); /* why this file exists: doubles put it below */
    CHECK(num_cmp(num_div(parse("25"), parse("100")), parse("25%")) == 0);
    CHECK(num_cmp(num_div(parse("24.999999999999999"), parse("100")), parse("25%")) == -1);
    CHECK(num_cmp(parse("0.1"), parse("10%")) == 0);
    CHECK(num_cmp(num_add(parse("0.1"), parse("0.2")), parse("0.3")) == 0);
    CHECK(num_cmp(parse("-3.5"), parse("-3.50")) == 0);
    CHECK(num_cmp(parse("1e3"), parse("1000")) == 0);
    CHECK(num_cmp(parse("2.5e-1"), parse("25%")) == 0);
    /* Huge numbers fall back to doubles and still order. */
    CHECK(num_cmp(parse("1e300"), parse("1e299")) == 1);
    CHECK(num_cmp(num_div(parse("1e20"), parse("1e30")), parse("0")) == 1);
    CHECK(num_cmp(num_mul(parse("9223372036854775807"), parse("10")), parse("1")) == 1);
    /* Trailing zeros do not use up the digits a fraction can hold. */
    CHECK(num_cmp(num_div(parse("0.35"), parse("7.0000000000000000000")), parse("5%")) == 0);
    CHECK(num_cmp(num_div(parse("0.3500000000000000000"), parse("7")), parse("5%")) == 0);
    CHECK(parse("0.3500000000000000000").q != 0);
    CHECK(num_cmp(parse("100.5"), num_div(parse("201"), parse("2"))) == 0);
    CHECK(num_cmp(parse("1.05"), num_div(parse("21"), parse("20"))) == 0);
    CHECK(num_cmp(parse("0.05"), parse("5%")) == 0);
    CHECK(num_cmp(parse("1500"), num_from_int(1500)) == 0);
    CHECK(num_cmp(parse("150000000000000000"), num_from_int(150000000000000000)) == 0);
    CHECK(num_cmp(parse("1500000000000000000000"), parse("1.5e21")) == 0);
    CHECK(num_cmp(parse("12345678901234567.5"), parse("12345678901234567")) == 1);
    /* INT64_MIN has no negation: sums reaching it take the wide path. */
    rb_num big = num_add(num_from_int(-4611686018427387904LL), num_from_int(-4611686018427387904LL));
    CHECK(big.q == 0 && num_to_double(big) < 0);
    CHECK(num_to_double(num_neg(big)) > 9.2e18);
    rb_num junk;
    CHECK(!num_parse("abc", 3, true, &junk));
    CHECK(!num_parse("", 0, true, &junk));
    CHECK(!num_parse("1.2.3", 5, true, &junk));
    CHECK(!num_parse("1e", 2, true, &junk));
    CHECK(!num_parse("5%", 2, false, &junk));
    CHECK(!num_parse("-", 1, true, &junk));
    CHECK(num_is_zero(parse("0.000")));
    CHECK(num_is_zero(parse("-0")));
    char buf[32];
    num_format(parse("0.35"), buf);
    CHECK(strcmp(buf, "0.35") == 0);
    num_format(num_div(parse("1"), parse("3")), buf);
    CHECK(strcmp(buf, "0.333333333333333") == 0 || strcmp(buf, "0.3333333333333333") == 0);
    /* Past 18 digits, still one decimal point at most. */
    CHECK(!num_parse("1234567890123456789.1.2", 23, true, &junk));
    CHECK(!num_parse("1234567890123456789..", 21, true, &junk));
    CHECK(num_parse("1234567890123456789.12", 22, true, &junk));
    /* Decimals of any length, to the nearest double. */
    char longnum[700] = "0.";
    for (int i = 2; i < 650; i++)
        longnum[i] = (char)('0' + (i * 7) % 10);
    longnum[650] = '\0';
    char first512[513];
    memcpy(first512, longnum, 512);
    first512[512] = '\0';
    CHECK(num_parse(longnum, 512, true, &junk) && junk.q == 0 && num_to_double(junk) == strtod(first512, NULL));
    CHECK(num_parse(longnum, 650, true, &junk) && num_to_double(junk) == strtod(longnum, NULL));
    num_format(parse("94.003642067559754"), buf);
    CHECK(strcmp(buf, "94.00364206755975") == 0);
    CHECK(num_to_double(parse("94.003642067559754")) == 94.003642067559754);
    CHECK(num_to_double(parse("12.345678901234567890123%")) == 0.12345678901234567890123);
    CHECK(num_to_double(parse("0.1234567890123456789e-300")) == 0.1234567890123456789e-300);
    CHECK(num_to_double(parse("9007199254740993")) == 9007199254740992.0);
    CHECK(num_to_double(parse("-0.900719925474099312")) == -0.900719925474099312);
    /* Below the smallest double, or above the largest: not a number held. */
    CHECK(num_read("1e-400", 6, true, &junk) == NUM_TOO_SMALL);
    CHECK(num_read("-2e-324", 7, true, &junk) == NUM_TOO_SMALL);
    CHECK(num_read("1e400", 5, true, &junk) == NUM_TOO_LARGE);
    CHECK(num_read("-1e400", 6, true, &junk) == NUM_TOO_LARGE);
    CHECK(num_read("4.9e-324", 8, true, &junk) == NUM_OK && num_to_double(junk) > 0);
    CHECK(num_read("0e-400", 6, true, &junk) == NUM_OK && num_is_zero(junk));
    CHECK(num_read("0.000e-999999", 13, true, &junk) == NUM_OK && num_is_zero(junk));
    /* Exact fractions stay exact. */
    CHECK(parse("0.35").q == 100 && parse("25%").q != 0 && parse("1e3").q == 1);
    /* A fraction to a double rounds once: checked against strtod. */
    for (int64_t p = 9007199254740993; p < 9007199254740993 + 4000; p += 7)
        for (int k = 1; k <= 18; k += 3) {
            char text[48];
            snprintf(text, sizeof text, "%llde-%d", (long long)p, k);
            int64_t q = 1;
            for (int i = 0; i < k; i++)
                q *= 10;
            CHECK(num_frac_to_double(p, q) == strtod(text, NULL));
            CHECK(num_frac_to_double(-p, q) == -strtod(text, NULL));
        }
    CHECK(num_frac_to_double(1, 3) == 1.0 / 3.0);
    CHECK(num_frac_to_double(INT64_MAX, INT64_MAX - 1) == (double)INT64_MAX / (double)(INT64_MAX - 1));
    num_format(parse("-42"), buf);
    CHECK(strcmp(buf, "-42") == 0);
    num_format(num_div(parse("250"), parse("10")), buf);
    CHECK(strcmp(buf, "25") == 0);
    /* Whole numbers at every width, to the widest, and their NUL. */
    for (int64_t v = 1; v < INT64_MAX / 10; v *= 10)
        for (int64_t w = v - 1; w <= v; w++) {
            char want[32];
            snprintf(want, sizeof want, "%lld", -(long long)w);
            CHECK(num_format(num_from_int(-w), buf) == (int)strlen(want) && strcmp(buf, want) == 0);
            snprintf(want, sizeof want, "%lld", (long long)w);
            CHECK(num_format(num_from_int(w), buf) == (int)strlen(want) && strcmp(buf, want) == 0);
        }
    CHECK(num_format(num_from_int(INT64_MIN), buf) == 20 && strcmp(buf, "-9223372036854775808") == 0);
    CHECK(num_format(num_from_int(INT64_MAX), buf) == 19 && strcmp(buf, "9223372036854775807") == 0);
    /* Whole over whole keeps the exact fraction, whatever the signs. */
    CHECK(num_cmp(num_div(parse("1"), parse("3")), num_from_frac(1, 3)) == 0);
    CHECK(num_cmp(num_div(parse("-1"), parse("3")), num_from_frac(-1, 3)) == 0);
    CHECK(num_cmp(num_div(parse("1"), parse("-3")), num_from_frac(-1, 3)) == 0);
    CHECK(num_div(parse("1"), parse("-3")).q > 0);
    CHECK(num_cmp(num_div(num_from_int(INT64_MIN), num_from_int(2)), num_from_int(INT64_MIN / 2)) == 0);
}

static rb_date ymd(int y, int m, int d) { return date_from_ymd(y, m, d); }

/* A graded score's line: exact at and between the points, the end scores
 * beyond them, nothing from points that do not rise. */
static void test_grade_line(void)
{
    rb_num at[3] = {parse("25%"), parse("50%"), parse("75%")}, sc[3] = {parse("0"), parse("10"), parse("40")};
    rb_num out;
    int seg;
    CHECK(grade_line(parse("0.35"), at, sc, 3, &out, &seg) && num_cmp(out, parse("4")) == 0 && seg == 0);
    CHECK(grade_line(num_div(parse("1"), parse("3")), at, sc, 2, &out, &seg) &&
          num_cmp(num_mul(out, parse("3")), parse("10")) == 0); /* a third of the way: 10/3, exactly */
    CHECK(grade_line(parse("0.25"), at, sc, 3, &out, &seg) && num_is_zero(out) && seg == -1);
    CHECK(grade_line(parse("0.1"), at, sc, 3, &out, &seg) && num_is_zero(out) && seg == -1);
    CHECK(grade_line(parse("0.5"), at, sc, 3, &out, &seg) && num_cmp(out, parse("10")) == 0 && seg == 1);
    CHECK(grade_line(parse("0.625"), at, sc, 3, &out, &seg) && num_cmp(out, parse("25")) == 0 && seg == 1);
    CHECK(grade_line(parse("0.75"), at, sc, 3, &out, &seg) && num_cmp(out, parse("40")) == 0 && seg == 2);
    CHECK(grade_line(parse("3"), at, sc, 3, &out, &seg) && num_cmp(out, parse("40")) == 0 && seg == 2);
    /* 0.35 / 7 is exactly 5%: on a point at 5%, exactly that point's score */
    rb_num at2[2] = {parse("5%"), parse("10%")}, sc2[2] = {parse("1"), parse("2")};
    CHECK(grade_line(num_div(parse("0.35"), parse("7")), at2, sc2, 2, &out, NULL) && num_cmp(out, parse("1")) == 0);
    rb_num flat[2] = {parse("5%"), parse("5%")};
    CHECK(!grade_line(parse("0.05"), flat, sc2, 2, &out, NULL));
}

static void test_dates(void)
{
    rb_date d;
    CHECK(date_parse("2026-11-01", 10, &d) && d == ymd(2026, 11, 1));
    CHECK(!date_parse("2026-02-29", 10, &d));
    CHECK(date_parse("2024-02-29", 10, &d));
    CHECK(!date_parse("2026-13-01", 10, &d));
    CHECK(!date_parse("2026-1-01", 9, &d));
    CHECK(!date_parse("2026/01/01", 10, &d));
    CHECK(date_parse("1900-02-28", 10, &d) && !date_parse("1900-02-29", 10, &d));
    CHECK(date_parse("2000-02-29", 10, &d));
    /* Every digit place is checked: one bad byte anywhere is no date. */
    const char *bad[] = {"x026-11-01", "2x26-11-01", "20x6-11-01", "202x-11-01", "2026-x1-01",
                         "2026-1x-01", "2026-11-x1", "2026-11-0x", "2026-00-10", "2026-11-00",
                         "2026-04-31", "2026-1/-01", "2026-11-0:"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!date_parse(bad[i], 10, &d));
    /* Each byte of a date changed to every other value, against the rule
     * written out byte by byte: digits, dashes at 4 and 7, a real day. */
    for (int at = 0; at < 10; at++)
        for (int b = 0; b < 256; b++) {
            char t[11] = "2024-02-29";
            t[at] = (char)b;
            bool shape = true;
            for (int k = 0; k < 10; k++)
                shape &= k == 4 || k == 7 ? t[k] == '-' : t[k] >= '0' && t[k] <= '9';
            int y = shape ? atoi(t) : 0, m = shape ? atoi(t + 5) : 0, dd = shape ? atoi(t + 8) : 0;
            static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            bool real = shape && m >= 1 && m <= 12 && dd >= 1 && dd <= (m == 2 && !leap ? 28 : mdays[m - 1]);
            CHECK(date_parse(t, 10, &d) == real && (!real || d == ymd(y, m, dd)));
        }
    CHECK(date_parse("0001-01-01", 10, &d) && d == ymd(1, 1, 1));
    CHECK(date_parse("9999-12-31", 10, &d) && d == ymd(9999, 12, 31));
    /* Months clamp to the month end. */
    CHECK(date_add_months(ymd(2024, 3, 31), -1) == ymd(2024, 2, 29));
    CHECK(date_add_months(ymd(2026, 3, 31), -1) == ymd(2026, 2, 28));
    CHECK(date_add_months(ymd(2026, 1, 31), 1) == ymd(2026, 2, 28));
    CHECK(date_add_months(ymd(2026, 5, 31), -1) == ymd(2026, 4, 30));
    CHECK(date_add_months(ymd(2026, 1, 15), -1) == ymd(2025, 12, 15));
    CHECK(date_add_months(ymd(2026, 11, 1), -12) == ymd(2025, 11, 1));
    CHECK(ymd(1970, 1, 1) == 0 && ymd(1969, 12, 31) == -1);
    char buf[16];
    date_format(ymd(2026, 2, 28), buf);
    CHECK(strcmp(buf, "2026-02-28") == 0);
    int y, m, dd;
    date_to_ymd(ymd(1600, 3, 1), &y, &m, &dd);
    CHECK(y == 1600 && m == 3 && dd == 1);
}

static void test_names(void)
{
    const char *names[] = {"licenses_sold", "billable_users", "tier"};
    CHECK(strcmp(closest_name("licences_sold", names, 3), "licenses_sold") == 0);
    CHECK(strcmp(closest_name("tire", names, 3), "tier") == 0);
    CHECK(closest_name("completely_different", names, 3) == NULL);
}

/* Loads a policy from text; diagnostics go to a string. */
static policy *load(const char *text, char *msgs, size_t cap)
{
    FILE *f = fmemopen(msgs, cap, "w");
    diag d;
    diag_init(&d, f);
    d.color = false;
    policy *p = policy_load_string("t.rules", text, &d);
    fclose(f);
    return p;
}

/* A policy from load() compiled as of a date; what goes wrong is said on
 * standard error, beside the CHECK that fails. */
static program *compile_as_of(policy *p, const char *date)
{
    param_setting as_of = {"as_of", date, NULL};
    diag d;
    diag_init(&d, stderr);
    return compile_policy(p, &as_of, 1, &d);
}

static bool has(const char *msgs, const char *needle)
{
    if (strstr(msgs, needle))
        return true;
    printf("  expected \"%s\" in:\n%s\n", needle, msgs);
    return false;
}

/* The run's messages: plain lines, bad records (only the count past the
 * limit), the progress line, and a diag that keeps rather than prints. */
static void test_run_messages(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag d;
    diag_init(&d, f);
    diag_fail(&d, "cannot read '%s': %s", "x.csv", "No such file");
    diag_say(&d, "%d records rejected", 2);
    for (long i = 1; i <= DIAG_MAX_RECORDS + 2; i++)
        diag_record(&d, "a.csv", i, i + 1, "column '%s': bad", "n");
    diag_progress(&d, "rubric: %d accounts", 5);
    diag_progress(&d, NULL);
    fclose(f);
    CHECK(strncmp(buf, "rubric: cannot read 'x.csv': No such file\nrubric: 2 records rejected\n"
                       "rubric: a.csv: record 1 (line 2): column 'n': bad\n", 119) == 0);
    CHECK(has(buf, "rubric: a.csv: record 100 (line 101): column 'n': bad\n"
                   "rubric: a.csv: more bad records; only the count is reported from here\n"
                   "\r\033[Krubric: 5 accounts\r\033[K"));
    CHECK(!strstr(buf, "record 101 "));
    CHECK(d.errors == 1 && d.records == DIAG_MAX_RECORDS + 2);
    free(buf);

    diag quiet;
    diag_init(&quiet, NULL);
    diag_record(&quiet, "a.csv", 3, 4, "too %s", "short");
    CHECK(strcmp(quiet.kept, "a.csv: record 3 (line 4): too short") == 0);
    diag_fail(&quiet, "no account \"%s\"", "A1");
    CHECK(strcmp(quiet.kept, "no account \"A1\"") == 0 && quiet.errors == 1);
    diag_progress(&quiet, "rubric: %d accounts", 5);
}

/* A collecting diag keeps each diagnostic as data and prints nothing: the
 * place and its end, the severity, a lint's name apart from its message,
 * and an error with no place in a policy with no path. */
static void test_diag_collect(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag d;
    diag_init(&d, f);
    diag_list list = {0};
    diag_collect(&d, &list);
    policy *p = policy_load_string("t.rules", "input a: number\nscheme rag\n  red scores 0\n  green scores 100\n"
                                              "measure m = a\n  red < 5\n  green >= 10\n", &d);
    CHECK(p != NULL);
    if (p)
        lint_policy(p, &d);
    policy_free(p);
    diag_plain_error(&d, "cannot read '%s'", "x.rules");
    fclose(f);
    CHECK(len == 0);
    CHECK(list.n == 3);
    if (list.n == 3) {
        const diag_item *w = &list.v[0];
        CHECK(w->severity == DIAG_WARNING && w->code && strcmp(w->code, "band-gap") == 0);
        CHECK(strcmp(w->path, "t.rules") == 0 && w->line == 7 && w->col == 9);
        CHECK(w->end_line == 7 && w->end_col == 14);
        CHECK(!strstr(w->message, "[band-gap]"));
        CHECK(list.v[1].severity == DIAG_NOTE && list.v[1].code == NULL && list.v[1].line == 6);
        CHECK(list.v[2].severity == DIAG_ERROR && list.v[2].path == NULL && list.v[2].line == 0);
        CHECK(strcmp(list.v[2].message, "cannot read 'x.rules'") == 0);
    }
    CHECK(d.warnings == 1 && d.errors == 1);
    diag_list_free(&list);
    free(buf);
}

/* What the loader gives back; the diagnostics themselves are cases of
 * tests/lang/diagnostics.test, evaluation those of tests/lang/evaluation.test. */
static void test_diagnostics(void)
{
    char msgs[8192];
    memset(msgs, 0, sizeof msgs);
    /* A file of schemes alone is one to import: it declares something. */
    policy *p = load("scheme rag\n  red scores 0\n  green scores 100\n", msgs, sizeof msgs);
    CHECK(p && p->noutputs == 0);
    policy_free(p);
    /* CRLF and a BOM read like LF. */
    p = load("\xEF\xBB\xBFinput a: number\r\nmetric b = a * 2\r\n", msgs, sizeof msgs);
    CHECK(p && p->noutputs == 1);
    policy_free(p);
}

/* Reads a CSV or JSON text with fields (account_id, a, b). */
/* Reads the bytes text[0..len) as the file NAME with the data options
 * opts (NULL: the defaults), the fields account_id, a and b: each record
 * "id,a,b;" ("-" for missing), each bad one "[record:message]"; then, when
 * a wanted key is in no record, "[missing:message]".  Returns the records
 * read, -1 when it cannot open. */
static int read_bytes(const char *name, const read_opts *opts, const char *text, size_t text_len, char *out, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/rubric-unit-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "wb");
    fwrite(text, 1, text_len, f);
    fclose(f);
    const char *fields[] = {"account_id", "a", "b"};
    bool req[] = {true, true, true};
    diag quiet;
    diag_init(&quiet, NULL);
    out[0] = '\0';
    reader *r = reader_open(path, opts, fields, req, 3, &quiet);
    if (!r) {
        snprintf(out, cap, "OPEN: %s", quiet.kept);
        unlink(path);
        return -1;
    }
    cell cells[3];
    record_pos pos;
    int n = 0;
    read_status st;
    while ((st = reader_next(r, cells, &pos)) != READ_EOF) {
        size_t len = strlen(out);
        if (st != READ_OK) {
            /* What the reader said, less "PATH: " and "record N (line L): ". */
            const char *said = quiet.kept;
            size_t plen = strlen(path);
            CHECK(strncmp(said, path, plen) == 0 && said[plen] == ':');
            said += plen + 2;
            if (st == READ_BAD_RECORD) {
                char where[64];
                snprintf(where, sizeof where, "record %ld (line %ld): ", pos.record, pos.line);
                CHECK(strncmp(said, where, strlen(where)) == 0);
                said += strlen(where);
            }
            snprintf(out + len, cap - len, "[%ld:%s]", pos.record, said);
            if (st == READ_FATAL)
                break;
            continue;
        }
        n++;
        for (int i = 0; i < 3; i++) {
            len = strlen(out);
            if (cells[i].state == CELL_MISSING)
                snprintf(out + len, cap - len, "%s-", i ? "," : "");
            else
                snprintf(out + len, cap - len, "%s%.*s", i ? "," : "", (int)cells[i].len, cells[i].s);
        }
        len = strlen(out);
        snprintf(out + len, cap - len, ";");
    }
    if (st == READ_EOF && reader_missing_key(r)) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "[missing:%s]", quiet.kept);
    }
    reader_close(r);
    unlink(path);
    return n;
}

static int read_all(const char *name, const char *text, char *out, size_t cap)
{
    return read_bytes(name, NULL, text, strlen(text), out, cap);
}

static void test_readers(void)
{
    char out[1024];
    CHECK(read_all("a.csv", "account_id,a,b\r\nx,1,2\r\ny,,3\r\n", out, sizeof out) == 2);
    CHECK(strcmp(out, "x,1,2;y,-,3;") == 0);
    /* Columns in any order, extra columns ignored, a BOM skipped. */
    CHECK(read_all("b.csv", "\xEF\xBB\xBF" "b,extra,a,account_id\n2,zz,1,x\n", out, sizeof out) == 1);
    CHECK(strcmp(out, "x,1,2;") == 0);
    /* Quotes: embedded comma, newline and doubled quote. */
    CHECK(read_all("c.csv", "account_id,a,b\n\"x, \"\"q\"\"\n2\",1,2\n", out, sizeof out) == 1);
    CHECK(strcmp(out, "x, \"q\"\n2,1,2;") == 0);
    /* A short row is reported and the next is still read. */
    CHECK(read_all("d.csv", "account_id,a,b\nx,1\ny,1,2\n", out, sizeof out) == 1);
    CHECK(strstr(out, "[1:2 fields, but the header has 3]") != NULL);
    CHECK(read_all("e.csv", "account_id,a,b\n\"x,1,2\n", out, sizeof out) == 0);
    CHECK(strstr(out, "not closed") != NULL);
    CHECK(read_all("f.csv", "account_id,a\nx,1\n", out, sizeof out) == -1);
    CHECK(strstr(out, "no column 'b'") != NULL);
    /* Blank lines are not records; no newline at the end is fine. */
    CHECK(read_all("g.csv", "account_id,a,b\n\nx,1,2", out, sizeof out) == 1);
    CHECK(read_all("h.json", "[{\"account_id\": \"x\", \"a\": 0.35, \"b\": null},\n {\"account_id\": \"y\", \"b\": 7}]", out, sizeof out) == 2);
    CHECK(strcmp(out, "x,0.35,-;y,-,7;") == 0);
    CHECK(read_all("i.json", "{\"meta\": {\"n\": [1,2]}, \"accounts\": [{\"account_id\": \"x\", \"a\": 1, \"b\": 2}]}", out, sizeof out) == 1);
    CHECK(strcmp(out, "x,1,2;") == 0);
    CHECK(read_all("j.ndjson", "{\"account_id\": \"x\", \"a\": 1, \"b\": 2}\n{\"account_id\": \"y\", \"a\": tru}\n{\"account_id\": \"z\"}\n", out, sizeof out) == 2);
    CHECK(strstr(out, "[2:not valid JSON") != NULL);
    CHECK(read_all("k.json", "[{\"account_id\": \"x\"}, {\"account_id\":", out, sizeof out) == 1);
    CHECK(strstr(out, "ends inside a record") != NULL);
    /* Keys in any order, missing, other keys (more than are remembered
     * for a did-you-mean): each record's keys are matched, whatever the
     * key that followed the same key in the record before. */
    {
        char text[4096];
        int len = snprintf(text, sizeof text, "%s",
                           "{\"account_id\":\"x\",\"a\":1,\"b\":2}\n{\"b\":3,\"account_id\":\"y\",\"a\":4}\n"
                           "{\"account_id\":\"z\",\"zz\":0,\"b\":5}\n{\"account_id\":\"w\",\"a\":6,\"b\":7}\n"
                           "{\"account_id\":\"v\",\"aa\":1,\"a\":8,\"b\":9}\n{");
        for (int k = 0; k < 70; k++)
            len += snprintf(text + len, sizeof text - (size_t)len, "\"k%d\":%d,", k, k);
        snprintf(text + len, sizeof text - (size_t)len, "%s",
                 "\"a\":12,\"b\":13,\"account_id\":\"s\"}\n{\"account_id\":\"u\",\"a\":10,\"b\":11}\n"
                 "{\"b\":1,\"a\":2,\"b\":3,\"account_id\":\"t\"}\n{\"account_id\":\"r\",\"b\":14,\"a\":15}\n");
        CHECK(read_all("keys.ndjson", text, out, sizeof out) == 8);
        CHECK(strcmp(out, "x,1,2;y,4,3;z,-,5;w,6,7;v,8,9;s,12,13;u,10,11;[8:key 'b' appears twice]r,15,14;") == 0);
    }
    /* An array is handed on as written: a list input's elements. */
    CHECK(read_all("l.json", "[{\"account_id\": \"x\", \"a\": [1, 2], \"b\": null}]", out, sizeof out) == 1);
    CHECK(strcmp(out, "x,[1, 2],-;") == 0);
    /* An escaped backslash then u0000 is six characters of text, no NUL. */
    CHECK(read_all("m.json", "[{\"account_id\": \"x\", \"a\": \"\\\\u0000\", \"b\": 1}]", out, sizeof out) == 1);
    CHECK(strcmp(out, "x,\\u0000,1;") == 0);
    /* A NUL in a value the policy reads is refused, naming the key; one
     * it does not read (nor a key holding a NUL) is no concern of ours. */
    CHECK(read_all("n.json", "[{\"account_id\": \"x\", \"a\": \"1\\u0000x\", \"b\": 1}]", out, sizeof out) == 0);
    CHECK(strstr(out, "[1:key 'a': a text value holds a NUL character") != NULL);
    CHECK(read_all("o.json", "[{\"account_id\": \"x\", \"c\": \"\\u0000\", \"a\\u0000\": 5, \"a\": 1, \"b\": 2}]", out,
                   sizeof out) == 1);
    CHECK(strcmp(out, "x,1,2;") == 0);
    /* Numbers as written, not as cJSON's double would print them. */
    CHECK(read_all("p.ndjson", "{\"account_id\": \"x\", \"a\": 1.0, \"b\": 0.10000000000000001}\n", out, sizeof out) == 1);
    CHECK(strcmp(out, "x,1.0,0.10000000000000001;") == 0);
    /* A form feed is no JSON space: the record is refused, not read without its "a". */
    CHECK(read_all("q.json", "[{\"account_id\":\"x\",\f\"a\":1.5,\"b\":1}]", out, sizeof out) == 0);
    CHECK(strstr(out, "[1:not valid JSON at byte 19 of the record: expected a key in double quotes; found byte 0x0C]") != NULL);
    CHECK(read_all("r.json", "[{\"account_id\":\"x\",\"a\":-01,\"b\":1}]", out, sizeof out) == 0);
    CHECK(strstr(out, "[1:not valid JSON at byte 25 of the record: a number with a leading zero; found '1']") != NULL);
    CHECK(read_all("s.json", "[{\"account_id\":\"x\",\"a\":1,\"b\":1}] [", out, sizeof out) == 1);
    CHECK(strstr(out, "more after the end of the JSON document; found '['") != NULL);
    CHECK(read_all("t.json", "{\"v\": 01, \"accounts\": []}", out, sizeof out) == -1);
    CHECK(strstr(out, "line 1: not valid JSON in a value of the top-level object: a number with a leading zero") != NULL);
    /* A wanted key no record has is reported once the file is read, with
     * the nearest key the records do have; one some records lack is na. */
    CHECK(read_all("u.ndjson", "{\"account_id\": \"x\", \"A\": 1, \"b\": 2}\n{\"account_id\": \"y\", \"A\": 1}\n", out,
                   sizeof out) == 2);
    CHECK(strstr(out, "x,-,2;y,-,-;[missing:") == out);
    CHECK(strstr(out, "no record has the key 'a' (did you mean 'A'?)]") != NULL);
    CHECK(read_all("v.json", "[{\"account_id\": \"x\", \"aa\": null, \"b\": 2}]", out, sizeof out) == 1);
    CHECK(strstr(out, "no record has the key 'a' (did you mean 'aa'?)]") != NULL);
    CHECK(read_all("w.json", "[{\"account_id\": \"x\", \"a\": null, \"b\": 2}, {\"account_id\": \"y\"}]", out, sizeof out) == 2);
    CHECK(strcmp(out, "x,-,2;y,-,-;") == 0);
    /* No record at all: nothing is said to be missing. */
    CHECK(read_all("x.json", "[]", out, sizeof out) == 0);
    CHECK(strcmp(out, "") == 0);
    /* Keys and texts with escapes are read decoded (a surrogate pair as one
     * character), whatever the order of the keys from record to record. */
    CHECK(read_all("y.json",
                   "[{\"acc\\u006Funt_id\": \"x\\u00e9\\ud83d\\ude00\\t\\/\", \"b\": 1, \"a\": 2},\n"
                   " {\"a\": 3, \"account_id\": \"y\", \"b\": \"\\\"4\"}, {\"b\": 5, \"a\": 6, \"account_id\": \"z\"}]",
                   out, sizeof out) == 3);
    CHECK(strcmp(out, "x\xC3\xA9\xF0\x9F\x98\x80\t/,2,1;y,3,\"4;z,6,5;") == 0);
    CHECK(read_all("z.ndjson", "{\"account_id\": \"x\", \"a\": 1, \"\\u0061\": 2, \"b\": 3}\n", out, sizeof out) == 0);
    CHECK(strstr(out, "[1:key 'a' appears twice]") != NULL);
    /* A record longer than any before it, its texts escaped. */
    {
        char doc[9000], *p = doc;
        p += sprintf(p, "{\"account_id\": \"\\u0078\", \"a\": 1, \"b\": 2}\n{\"account_id\": \"");
        for (int i = 0; i < 500; i++)
            p += sprintf(p, "\\u0041");
        sprintf(p, "\", \"a\": \"\\u0031\", \"b\": 1e400}\n");
        CHECK(read_all("big.ndjson", doc, out, sizeof out) == 2);
        CHECK(strncmp(out, "x,1,2;AAAA", 10) == 0 && strstr(out, "A,1,a number too large to hold;") != NULL);
    }
}

/* The CSV reader reads a plain record (one line, no quote, ASCII) in one
 * pass and hands anything else to its general path: both must read every
 * record alike.  A NUL byte anywhere in the buffer sends every record to
 * the general path, so a file read as it is and with a record holding a
 * NUL after it must give the same records and the same messages. */
static void test_csv_plain_path(void)
{
    char out[4096];
    /* Fields across the 16-byte blocks, CRLF, empty cells, a short and a
     * long record, a last line without its newline. */
    CHECK(read_all("p1.csv", "account_id,a,b\nabcdefghijklmnopqrstuvwxyz,0123456789012345,x\r\n,,\r\n"
                             "y,1\nz,1,2,3\nw,\t1 ,\r\nv,1,2",
                   out, sizeof out) == 4);
    CHECK(strcmp(out, "abcdefghijklmnopqrstuvwxyz,0123456789012345,x;-,-,-;[3:2 fields, but the header has 3]"
                      "[4:4 fields, but the header has 3]w,\t1 ,-;v,1,2;") == 0);
    /* A quote, UTF-8 and a byte that is not UTF-8 go the general way. */
    CHECK(read_all("p2.csv", "account_id,a,b\nx,\"1,5\",\xC3\xA9\ny,1\"\",2\nz,\xE9,2\nu,1,2\n", out, sizeof out) == 2);
    CHECK(strstr(out, "x,1,5,\xC3\xA9;[2:field 2: a quote inside an unquoted field") == out);
    CHECK(strstr(out, "[3:column 'a': byte 0xE9 is not UTF-8;") != NULL && strstr(out, "u,1,2;") != NULL);
    /* An empty cell read the general way after a plain record that filled
     * it: missing, not the value before. */
    CHECK(read_all("p4.csv", "account_id,a,b\nx,1,2\ny,\"\",3\nz,,\"4\"\n", out, sizeof out) == 3);
    CHECK(strcmp(out, "x,1,2;y,-,3;z,-,4;") == 0);
    /* Records across refills of the buffer (1 MiB a read). */
    {
        size_t cap = 3 << 20, n = 0;
        char *doc = malloc(cap);
        n += (size_t)sprintf(doc, "a,account_id,b\n");
        int records = 0;
        while (n < (5u << 19)) {
            n += (size_t)sprintf(doc + n, "%d,id-%d,%s\n", records, records, records % 7 ? "22" : "");
            records++;
        }
        int got = read_bytes("p3.csv", NULL, doc, n, out, sizeof out);
        CHECK(got == records);
        free(doc);
    }
    /* Random files of the bytes that matter, both ways. */
    static const char *const bits[] = {",", ",", "\n", "\r\n", "\"", "a", "12", " ", "\t", ";", "\xC3\xA9", "\xE9",
                                       "abcdefghijklmnopq", "\n\n"};
    unsigned seed = 11;
    for (int round = 0; round < 400; round++) {
        char doc[1200], with_nul[1210], plain[4096], general[4096];
        size_t n = (size_t)sprintf(doc, "account_id,a,b\n");
        int pieces = 5 + round % 60;
        for (int k = 0; k < pieces; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *b = bits[(seed >> 16) % (sizeof bits / sizeof bits[0])];
            n += (size_t)sprintf(doc + n, "%s", b);
        }
        doc[n++] = '\n';
        memcpy(with_nul, doc, n);
        memcpy(with_nul + n, "z,\0,1\n", 6);
        int a = read_bytes("q.csv", NULL, doc, n, plain, sizeof plain);
        int g = read_bytes("q.csv", NULL, with_nul, n + 6, general, sizeof general);
        /* A quoted field left open takes in the record after it. */
        if (strstr(plain, "not closed before the end of the file"))
            continue;
        /* The general reading has one more record, the one with the NUL. */
        char *tail = strrchr(general, '[');
        if (tail)
            *tail = '\0';
        CHECK(a == g && strcmp(plain, general) == 0);
    }
}

/* RFC 8259 conformance of the JSON reader, on the kinds of case public
 * conformance suites hold (valid documents that must be read, invalid ones
 * that must be refused), written here as data.  A value is tried as the
 * value of a key the policy does not read, in a JSON array and in NDJSON:
 * whatever the policy reads, the whole record must be valid JSON. */
typedef struct json_case {
    const char *text;
    size_t len;
} json_case;
#define JC(s) {s, sizeof s - 1}

/* 1 when every record of the document was read, 0 when something in it was
 * refused. */
static int json_accepts(const char *name, const char *doc, size_t len)
{
    char out[2048];
    int n = read_bytes(name, NULL, doc, len, out, sizeof out);
    char *missing = strstr(out, "[missing:"); /* a key no record has is another test's */
    if (missing)
        *missing = '\0';
    return n >= 0 && strchr(out, '[') == NULL;
}

static int value_accepted(const json_case *c, bool ndjson)
{
    char doc[512];
    const char *head = "{\"account_id\":\"x\",\"a\":1,\"b\":2,\"v\":";
    size_t n = 0;
    if (!ndjson)
        doc[n++] = '[';
    memcpy(doc + n, head, strlen(head));
    n += strlen(head);
    memcpy(doc + n, c->text, c->len);
    n += c->len;
    memcpy(doc + n, ndjson ? "}\n" : "}]", 2);
    n += 2;
    return json_accepts(ndjson ? "v.ndjson" : "v.json", doc, n);
}

/* The strict check's string scan (16 bytes a step, json_check.c) against
 * the rules read one byte at a time: the same verdict, the same place and
 * reason of a fault, for a string holding each kind of byte that stops the
 * scan (escapes good and bad, control bytes, every length of UTF-8 and
 * its faults) at every place before and after 16-byte boundaries, closed,
 * left open, and closed early with more after it; near the buffer's end
 * and far from it (the check reads a string closed within 32 bytes on a
 * path of its own). */
static size_t oracle_hex4(const char *s, size_t n, size_t *i, const char **why)
{
    size_t v = 0;
    for (int k = 0; k < 4; k++, (*i)++) {
        char ch = *i < n ? s[*i] : 'x';
        int h = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (h < 0) {
            *why = "expected 4 hex digits after \\u";
            return (size_t)-1;
        }
        v = v * 16 + (size_t)h;
    }
    return v;
}

/* The string at s[0] (a quote), read a byte at a time: where it ends (just
 * past its closing quote) with *why NULL, or where its fault is. */
static size_t oracle_string(const char *s, size_t n, const char **why)
{
    size_t i = 1;
    *why = NULL;
    for (;;) {
        if (i >= n) {
            *why = "a string is not closed";
            return i;
        }
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"')
            return i + 1;
        if (ch < 0x20) {
            *why = "a control character inside a string (write it as an escape such as \\n or \\u001f)";
            return i;
        }
        if (ch >= 0x80) {
            int k = utf8_length((const unsigned char *)s + i, (const unsigned char *)s + n);
            if (k == 0) {
                *why = "a string that is not valid UTF-8";
                return i;
            }
            i += (size_t)k;
            continue;
        }
        if (ch != '\\') {
            i++;
            continue;
        }
        if (++i >= n) {
            *why = "a string is not closed";
            return i;
        }
        char e = s[i];
        if (e != 'u') {
            if (e == '\0' || !strchr("\"\\/bfnrt", e)) {
                *why = "an unknown escape (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
                return i;
            }
            i++;
            continue;
        }
        i++;
        size_t u = oracle_hex4(s, n, &i, why);
        if (*why)
            return i;
        if (u >= 0xDC00 && u <= 0xDFFF) {
            *why = "a \\u escape is the second half of a surrogate pair without the first";
            return i - 6;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u') {
                *why = "a \\u escape is the first half of a surrogate pair without the second";
                return i;
            }
            i += 2;
            size_t lo = oracle_hex4(s, n, &i, why);
            if (*why)
                return i;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                *why = "a \\u escape is the first half of a surrogate pair without the second";
                return i - 6;
            }
        }
    }
}

/* doc[0..n) checked, in a buffer of exactly n bytes (a read past it is
 * ASan's to see), against the oracle: a string alone, or a string as the
 * only element of an array. */
static bool string_scan_agrees(const char *doc, size_t n, bool in_array)
{
    char *copy = malloc(n ? n : 1);
    if (!copy)
        abort();
    memcpy(copy, doc, n);
    json_fault f;
    bool ok = json_check_value(copy, n, NULL, &f);
    free(copy);
    /* As an NDJSON line with more after it: json_check_line passes it
     * exactly when the check passes the line to its '\n' (a space), save
     * a line with a '\n' of its own, which it leaves to that check. */
    char *line = malloc(n + 2);
    if (!line)
        abort();
    memcpy(line, doc, n);
    line[n] = '\n';
    line[n + 1] = '{';
    size_t len = 0;
    bool line_ok = json_check_line(line, n + 2, NULL, &len);
    line[n] = ' ';
    json_fault lf;
    bool whole = json_check_value(line, n + 1, NULL, &lf);
    free(line);
    if (line_ok ? !whole || len != n + 1 : whole && !memchr(doc, '\n', n))
        return false;
    size_t from = in_array ? 1 : 0;
    const char *why;
    size_t at = from + oracle_string(doc + from, n - from, &why);
    if (!why && in_array) {
        while (at < n && doc[at] && strchr(" \t\n\r", doc[at]))
            at++;
        if (at < n && doc[at] == ']')
            at++;
        else
            why = "expected ',' or ']'";
    }
    if (!why) {
        while (at < n && doc[at] && strchr(" \t\n\r", doc[at]))
            at++;
        if (at < n)
            why = "more after the end of the value";
    }
    if (!why)
        return ok;
    return !ok && f.at == at && strcmp(f.why, why) == 0;
}

/* Each test of bytes16.h, for every byte value at every place, against
 * its definition. */
static void test_bytes16(void)
{
    int wrong = 0;
    for (int b = 0; b < 256; b++)
        for (int k = 0; k < 16; k++) {
            char block[16];
            memset(block, 'a', sizeof block);
            block[k] = (char)b;
            bytes16 v = bytes16_load(block);
            uint32_t bit = 1u << k, others = 0xFFFFu & ~bit;
            uint32_t ctl = bytes16_mask(bytes16_ctl_or_high(v)), quote = bytes16_mask(bytes16_eq(v, '"'));
            uint32_t high = bytes16_mask(v), either = bytes16_mask(bytes16_or(bytes16_eq(v, '"'), bytes16_eq(v, '\\')));
            wrong += ((ctl & bit) != 0) != (b < 0x20 || b >= 0x80) || (ctl & others);
            wrong += ((quote & bit) != 0) != (b == '"') || (quote & others);
            wrong += ((high & bit) != 0) != (b >= 0x80) || (high & others);
            wrong += ((either & bit) != 0) != (b == '"' || b == '\\') || (either & others);
        }
    CHECK(wrong == 0);
}

/* json_same_bytes against memcmp: every length to 40, the same bytes and
 * a difference at each place, in buffers of exactly that length. */
static void test_json_same_bytes(void)
{
    int wrong = 0;
    for (size_t n = 0; n <= 40; n++)
        for (size_t at = 0; at <= n; at++) {
            char *a = malloc(n ? n : 1), *b = malloc(n ? n : 1);
            if (!a || !b)
                abort();
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] = (char)('a' + i % 26);
            if (at < n)
                b[at] ^= 0x20;
            wrong += json_same_bytes(a, b, n) != (memcmp(a, b, n) == 0);
            free(a);
            free(b);
        }
    CHECK(wrong == 0);
}

static void test_json_string_scan(void)
{
#define P(x) {x, sizeof x - 1}
    static const struct {
        const char *s;
        size_t n;
    } pieces[] = {
        P("\0"), P("a\0b"), P(""), P("\""), P("\\"), P("\\\""), P("\\\\"), P("\\/"), P("\\b"), P("\\f"), P("\\n"),
        P("\\r"), P("\\t"), P("\\x"), P("\\'"), P("\\\0"), P("\\u"), P("\\u12"), P("\\u00e9"), P("\\u0000"),
        P("\\uD83D\\uDE00"), P("\\uD83D"), P("\\uD83Dx"), P("\\uD83D\\u0041"), P("\\uDE00"), P("\\uzzzz"),
        P("\x01"), P("\x1f"), P("\t"), P("\n"), P("\r"), P("\x7f"), P(" "), P("\xc2\x80"), P("\xdf\xbf"),
        P("\xe0\xa0\x80"), P("\xed\x9f\xbf"), P("\xee\x80\x80"), P("\xef\xbf\xbf"), P("\xf0\x90\x80\x80"),
        P("\xf4\x8f\xbf\xbf"), P("\xc0\x80"), P("\xc1\xbf"), P("\xe0\x80\x80"), P("\xed\xa0\x80"),
        P("\xf0\x80\x80\x80"), P("\xf4\x90\x80\x80"), P("\xf5\x80\x80\x80"), P("\x80"), P("\xbf"), P("\xc2"),
        P("\xe2\x82"), P("\xf0\x9f\x98"), P("\xc2\x41"), P("\xfe"), P("\xff"), P("\xe2\x82\xac\xe2\x82\xac"),
    };
#undef P
    static const char fill[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    char doc[192];
    int cases = 0, agree = 0;
    for (size_t p = 0; p < sizeof pieces / sizeof *pieces; p++)
        for (size_t before = 0; before <= 33; before++)
            for (size_t after = 0; after <= 18; after++)
                for (int ending = 0; ending < 3; ending++)
                    for (int in_array = 0; in_array < 2; in_array++)
                        for (size_t pad = 0; pad <= 40; pad += 40) {
                            size_t n = 0;
                            if (in_array)
                                doc[n++] = '[';
                            doc[n++] = '"';
                            memcpy(doc + n, fill, before);
                            n += before;
                            size_t len = pieces[p].n;
                            memcpy(doc + n, pieces[p].s, len);
                            n += len;
                            memcpy(doc + n, fill + 20, after);
                            n += after;
                            /* closed; left open at the end of the buffer; closed, and a piece again after */
                            if (ending != 1)
                                doc[n++] = '"';
                            if (ending == 2) {
                                memcpy(doc + n, pieces[p].s, len);
                                n += len;
                            }
                            if (in_array && ending != 1)
                                doc[n++] = ']';
                            /* spaces after: no string is near the buffer's end */
                            memset(doc + n, ' ', pad);
                            n += pad;
                            cases++;
                            agree += string_scan_agrees(doc, n, in_array);
                        }
    CHECK(agree == cases);
    if (agree != cases)
        printf("  string scan: %d of %d cases disagree with the byte-by-byte rules\n", cases - agree, cases);
}

static void test_json_conformance(void)
{
    static const json_case valid_values[] = {
        JC("[[]   ]"), JC("[\"\"]"), JC("[]"), JC("[false]"), JC("[null, 1, \"1\", {}]"), JC("[1\n]"),
        JC(" [1]"), JC("[1,null,null,null,2]"), JC("[2] "), JC("[123e65]"), JC("[0e+1]"), JC("[0e1]"),
        JC("[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]"),
        JC("[20e1]"), JC("[-0]"), JC("[-123]"), JC("[1E22]"), JC("[1E-2]"), JC("[1E+2]"), JC("[123.456e78]"),
        JC("[1e-2]"), JC("[1e+2]"), JC("[123.456789]"), JC("[100000000000000000000]"), JC("[1.5e-400]"),
        JC("[1e400]"), JC("{\"asd\":\"sdf\", \"dfg\":\"fgh\"}"), JC("{\"a\":\"b\",\"a\":\"c\"}"), JC("{}"),
        JC("{\"\":0}"), JC("{\"foo\\u0000bar\": 42}"), JC("{ \"min\": -1.0e+28, \"max\": 1.0e+28 }"),
        JC("{\"x\":[{\"id\": \"xxx\"}], \"id\": \"xxx\"}"), JC("{\n\"a\": \"b\"\n}"), JC("\"\\u0060\\u012a\\u12AB\""),
        JC("\"\\uD801\\udc37\""), JC("\"\\ud83d\\ude39\\ud83d\\udc8d\""), JC("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""),
        JC("\"\\\\u0000\""), JC("\"a/*b*/c/*d//e\""), JC("\"\\\\a\""), JC("\"\\u0012\""), JC("\"\\uFFFF\""),
        JC("\"\\uDBFF\\uDFFF\""), JC("\"new\\u00A0line\""), JC("\"\\u0000\""), JC("\"\xcf\x80\""),
        JC("\"\xf0\x9b\xbf\xbf\""), JC("\"\xe2\x82\xac\xf0\x9d\x84\x9e\""), JC("\"\\u2028\\u2029\""),
        JC("\"\x7f\""), JC("\"\\uFDD0\\uFFFE\""), JC("\"\xef\xbf\xbf\""), JC("\"\xf4\x8f\xbf\xbf\""),
        JC("false"), JC("true"), JC("null"), JC("42"), JC("-0.1"), JC("\"\""), JC(" \"asd\" "),
        JC("[\t\r\n1\t\r\n]"),
    };
    static const json_case invalid_values[] = {
        /* arrays */
        JC("[1 true]"), JC("[\"\": 1]"), JC("[,1]"), JC("[1,,2]"), JC("[\"x\",,]"), JC("[\"x\"]]"),
        JC("[\"\",]"), JC("[\"x\""), JC("[x"), JC("[3[4]]"), JC("[\xff]"), JC("[1:2]"), JC("[,]"), JC("[-]"),
        JC("[   , \"\"]"), JC("[1,]"), JC("[*]"), JC("[1,"), JC("[{}"), JC("[\xe2\x81\xa0]"), JC("[\f1]"),
        JC("[1\f]"), JC("[\v1]"), JC("[1\x00]"), JC("[\xc2\xa0" "1]"),
        /* numbers */
        JC("++1234"), JC("+1"), JC("+Inf"), JC("-01"), JC("-1.0."), JC("-2."), JC("-NaN"), JC(".-1"),
        JC(".2e-3"), JC("0.1.2"), JC("0.3e+"), JC("0.3e"), JC("0.e1"), JC("0E+"), JC("0E"), JC("1.0e-"),
        JC("1eE2"), JC("2.e+3"), JC("2.e-3"), JC("2.e3"), JC("9.e+"), JC("Inf"), JC("NaN"), JC("\xef\xbc\x91"),
        JC("1+2"), JC("0x1"), JC("0x42"), JC("Infinity"), JC("0e+-1"), JC("-123.123foo"), JC("123\xe5"),
        JC("1e1\xe5"), JC("-Infinity"), JC("-foo"), JC("- 1"), JC("-012"), JC("-.123"), JC("1ea"), JC("1."),
        JC(".123"), JC("1.2a-3"), JC("012"), JC("01"), JC("1 000"), JC("1.8011670033376514H-308"),
        /* objects */
        JC("{[: \"x\"}"), JC("{\"x\", null}"), JC("{\"x\"::\"b\"}"), JC("{\"a\":\"a\" 123}"),
        JC("{key: 'value'}"), JC("{\"a\" b}"), JC("{:\"b\"}"), JC("{\"a\" \"b\"}"), JC("{\"a\":"), JC("{\"a\""),
        JC("{1:1}"), JC("{null:null}"), JC("{\"id\":0,,,,,}"), JC("{'a':0}"), JC("{\"id\":0,}"),
        JC("{\"a\":\"b\"}/**/"), JC("{\"a\":\"b\"}//"), JC("{\"a\":\"b\",,\"c\":\"d\"}"), JC("{a: \"b\"}"),
        JC("{\"a\":\"a"), JC("{ \"foo\" : \"bar\", \"a\" }"), JC("{\"a\":\"b\"}#"), JC("{\"a\":\"b\"}}"),
        JC("{\"a\":\f\"b\"}"),
        /* strings and escapes */
        JC("\"\\uD800\\\""), JC("\"\\uD800\\u\""), JC("\"\\uD800\\u1\""), JC("\"\\uD800\\u1x\""), JC("\"\x00\""),
        JC("\"\\\x00\""), JC("\"\\x00\""), JC("\"\\\\\\\""), JC("\"\\\t\""), JC("\"\\\xf0\x9f\x8c\x80\""),
        JC("\"\\\""), JC("\"\\u00A\""), JC("\"\\uD834\\uDd\""), JC("\"\\u\""), JC("\"\\a\""), JC("\"\\uqqqq\""),
        JC("\"\\UA66D\""), JC("\"new\nline\""), JC("\"\t\""), JC("\"\x1f\""), JC("'single quote'"), JC("abc"),
        JC("\"\\"), JC("\""), JC("tru"), JC("nul"), JC("True"), JC(""), JC(" "),
        /* a lone surrogate (refused, not replaced) */
        JC("\"\\uDADA\""), JC("\"\\uD888\\u1234\""), JC("\"\\uDd1ea\""), JC("\"\\uDFAA\\uD800\""),
        /* invalid UTF-8 (refused) */
        JC("\"\xe5\""), JC("\"\x81\""), JC("\"\xc0\xaf\""), JC("\"\xc1\xbf\""), JC("\"\xe0\x80\xaf\""),
        JC("\"\xed\xa0\x80\""), JC("\"\xf4\x90\x80\x80\""), JC("\"\xf5\x80\x80\x80\""),
        JC("\"\xfc\x80\x80\x80\x80\x80\""), JC("\"\xe0\xff\""), JC("\"\xf0\x9f\x98\""), JC("\"\xff\xfe\""),
    };
    for (size_t i = 0; i < sizeof valid_values / sizeof valid_values[0]; i++)
        /* An NDJSON record is one line: a newline inside one splits it. */
        for (int nd = 0; nd < (memchr(valid_values[i].text, '\n', valid_values[i].len) ? 1 : 2); nd++)
            if (!value_accepted(&valid_values[i], nd)) {
                failed++;
                printf("not ok - valid JSON value refused (%s): %.*s\n", nd ? "ndjson" : "json",
                       (int)valid_values[i].len, valid_values[i].text);
            } else
                passed++;
    for (size_t i = 0; i < sizeof invalid_values / sizeof invalid_values[0]; i++)
        for (int nd = 0; nd < 2; nd++)
            if (value_accepted(&invalid_values[i], nd)) {
                failed++;
                printf("not ok - invalid JSON value accepted (%s): %.*s\n", nd ? "ndjson" : "json",
                       (int)invalid_values[i].len, invalid_values[i].text);
            } else
                passed++;

    /* Whole documents: what may surround the records. */
    static const json_case valid_docs[] = {
        JC("[{\"account_id\":\"x\"}]"), JC(" \r\n\t[ {\"account_id\":\"x\"} , {\"account_id\":\"y\"} ]\r\n\t "),
        JC("[]"), JC("[ ]"), JC("{\"accounts\":[]}"), JC("{\"accounts\":[{\"account_id\":\"x\"}]}"),
        JC("{\"a\":null,\"b\":[1,{\"c\":\"\\u0000\"}],\"accounts\":[],\"z\":-0.5e-3}\n"),
        JC("{\"acc\\u006funts\":[{\"account_id\":\"x\"}]}"), JC("\xef\xbb\xbf[{\"account_id\":\"x\"}]"),
    };
    static const json_case invalid_docs[] = {
        JC("[{\"account_id\":\"x\"}]]"), JC("[{\"account_id\":\"x\"}],"), JC("[{\"account_id\":\"x\"}"),
        JC("[{\"account_id\":\"x\"}] garbage"), JC("[][]"), JC("[]x"), JC("[]\f"), JC("[]\x00"), JC("\f[]"),
        JC("[{\"account_id\":\"x\"},]"), JC("[,{\"account_id\":\"x\"}]"), JC("[{\"account_id\":\"x\"}{}]"),
        JC("{\"accounts\":[]} {}"), JC("{\"accounts\":[]"), JC("{\"accounts\":[],}"), JC("{\"a\":01,\"accounts\":[]}"),
        JC("{\"accounts\":[],\"b\":tru}"), JC("{\"accounts\":[],\"b\":\"\x01\"}"), JC("{\"a\" 1,\"accounts\":[]}"),
        JC("{\"accounts\":[],\"accounts\":[]}"), JC("{\"accounts\":[]}}"), JC("{\"accounts\":{}}"), JC("{}"),
        JC("{\"a\":[1,],\"accounts\":[]}"), JC("[{\"account_id\":\"x\"}]\n/* comment */"),
    };
    for (size_t i = 0; i < sizeof valid_docs / sizeof valid_docs[0]; i++)
        if (!json_accepts("d.json", valid_docs[i].text, valid_docs[i].len)) {
            failed++;
            printf("not ok - valid JSON document refused: %.*s\n", (int)valid_docs[i].len, valid_docs[i].text);
        } else
            passed++;
    for (size_t i = 0; i < sizeof invalid_docs / sizeof invalid_docs[0]; i++)
        if (json_accepts("d.json", invalid_docs[i].text, invalid_docs[i].len)) {
            failed++;
            printf("not ok - invalid JSON document accepted: %.*s\n", (int)invalid_docs[i].len, invalid_docs[i].text);
        } else
            passed++;
    static const json_case invalid_ndjson[] = {
        JC("{\"account_id\":\"x\"} {\"account_id\":\"y\"}\n"), JC("{\"account_id\":\"x\"}\f\n"),
        JC("{\"account_id\":\"x\"}\n\f\n"), JC("{\"account_id\":\"x\"},\n"), JC("[{\"account_id\":\"x\"}]\n"),
    };
    for (size_t i = 0; i < sizeof invalid_ndjson / sizeof invalid_ndjson[0]; i++)
        if (json_accepts("d.ndjson", invalid_ndjson[i].text, invalid_ndjson[i].len)) {
            failed++;
            printf("not ok - invalid NDJSON accepted: %.*s\n", (int)invalid_ndjson[i].len, invalid_ndjson[i].text);
        } else
            passed++;
}

/* --delimiter, --na-values and enumeration matching. */
static void test_data_options(void)
{
    char d = 0;
    CHECK(delimiter_parse(";", &d) && d == ';');
    CHECK(delimiter_parse("tab", &d) && d == '\t');
    CHECK(delimiter_parse("\\t", &d) && d == '\t');
    CHECK(delimiter_parse("\t", &d) && d == '\t');
    CHECK(delimiter_parse("|", &d) && d == '|');
    CHECK(!delimiter_parse("\"", &d) && !delimiter_parse(";;", &d) && !delimiter_parse("", &d));

    /* The separator, quoting and the word-at-a-time search: fields longer
     * than a word, a comma that is data, a separator inside quotes. */
    char out[1024];
    read_opts semi = {.delimiter = ';'};
    CHECK(read_bytes("s.csv", &semi, "account_id;a;b\nabcdefghijklmnop;1,5;\"x;y\"\n", strlen("account_id;a;b\nabcdefghijklmnop;1,5;\"x;y\"\n"), out, sizeof out) == 1);
    CHECK(strcmp(out, "abcdefghijklmnop,1,5,x;y;") == 0);
    read_opts tab = {.delimiter = '\t'};
    CHECK(read_bytes("t.csv", &tab, "account_id\ta\tb\nx\t1\t2\n", strlen("account_id\ta\tb\nx\t1\t2\n"), out, sizeof out) == 1);
    CHECK(strcmp(out, "x,1,2;") == 0);
    CHECK(read_bytes("u.tsv", NULL, "account_id\ta\tb\nx\t1\t2\n", strlen("account_id\ta\tb\nx\t1\t2\n"), out, sizeof out) == 1);
    CHECK(read_bytes("v.csv", NULL, "account_id;a;b\nx;1;2\n", strlen("account_id;a;b\nx;1;2\n"), out, sizeof out) == -1);
    CHECK(strstr(out, "looks separated by ';' (use --delimiter ';')") != NULL);

    na_set na;
    na_set_init(&na, NA_VALUES_DEFAULT);
    CHECK(na_set_has(&na, "N/A", 3) && na_set_has(&na, " #N/A\t", 6) && na_set_has(&na, "null", 4));
    CHECK(!na_set_has(&na, "Null", 4) && !na_set_has(&na, "-", 1) && !na_set_has(&na, "NAN", 3));
    CHECK(!na_set_has(&na, "N/A/", 4) && !na_set_has(&na, "", 0) && !na_set_has(&na, "12", 2));
    na_set_init(&na, " -, 9999 ,,N/A");
    CHECK(na_set_has(&na, "-", 1) && na_set_has(&na, "9999", 4) && na.digits);
    CHECK(!na_set_has(&na, "NA", 2) && !na_set_has(&na, "999", 3) && !na_set_has(&na, "", 0));
    na_set_init(&na, "");
    CHECK(!na_set_has(&na, "NA", 2) && !na_set_has(&na, " ", 1));

    CHECK(choice_same("Self-Managed", 12, "self-managed", 12));
    CHECK(!choice_same("self managed", 12, "self-managed", 12));
    CHECK(!choice_same("\xc3\x89", 2, "\xc3\xa9", 2)); /* É and é: ASCII only */
}

/* The compiler's promises: names become slots, constants fold, a repeated
 * subexpression is one node evaluated once per account. */
static void test_compiler(void)
{
    char msgs[4096] = "";
    policy *p = load("input a: number\ninput b: number\ninput start: date\n"
                     "param window = 1 month\n"
                     "let onboarding = start > as_of - window\n"
                     "let r1 = a / b * 2\n"
                     "let r2 = a / b + 1\n"
                     "metric both = r1 + r2\n"
                     "metric folded = 2 * 3 + 25%\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    program *prog = compile_as_of(p, "2026-03-31");
    CHECK(prog != NULL);
    /* a / b appears twice: one shared node with a memo slot. */
    CHECK(prog->nmemo == 1);
    const step *onboarding = NULL, *folded = NULL;
    for (int i = 0; i < prog->nsteps; i++) {
        if (strcmp(prog->steps[i].sym->name, "onboarding") == 0)
            onboarding = &prog->steps[i];
        if (strcmp(prog->steps[i].sym->name, "folded") == 0)
            folded = &prog->steps[i];
    }
    /* as_of - window is folded to the date 2026-02-28 (month-end clamp). */
    CHECK(onboarding && onboarding->value->op == N_GT && onboarding->value->b->op == N_CONST);
    if (onboarding && onboarding->value->b->op == N_CONST)
        CHECK(onboarding->value->b->k.u.date == date_from_ymd(2026, 2, 28));
    CHECK(folded && folded->value->op == N_CONST);
    if (folded && folded->value->op == N_CONST)
        CHECK(num_cmp(folded->value->k.u.num, parse("6.25")) == 0);
    /* Inputs are slots 0..n-1, in declaration order. */
    CHECK(prog->ninputs == 3);
    CHECK(onboarding && onboarding->value->a->op == N_SLOT && onboarding->value->a->slot == 2);
    /* The shared node is evaluated once per account: its memo is fresh for
     * each account and reused within one. */
    frame f;
    frame_init(&f, prog);
    f.slots[0] = value_num(num_from_int(1));
    f.slots[1] = value_num(num_from_int(4));
    f.slots[2].kind = VK_NA;
    eval_account(prog, &f);
    const symbol *both = policy_lookup(p, "both");
    CHECK(num_cmp(f.slots[prog->output_slot[both->index]].u.num, parse("1.75")) == 0); /* 1/4*2 + (1/4+1) */
    f.slots[0] = value_num(num_from_int(2));
    eval_account(prog, &f);
    CHECK(num_cmp(f.slots[prog->output_slot[both->index]].u.num, parse("2.5")) == 0); /* 2/4*2 + (2/4+1) */
    /* The accounts' numbers wrap: every memo is forgotten, even one that
     * looks fresh for the number that comes next. */
    f.gen = UINT32_MAX;
    f.memo_gen[0] = 1;
    f.memo[0] = value_num(num_from_int(99));
    eval_account(prog, &f);
    CHECK(f.gen == 1 && num_cmp(f.slots[prog->output_slot[both->index]].u.num, parse("2.5")) == 0);
    frame_free(&f);
    program_free(prog);
    policy_free(p);
}

/* The builtin table is the one home of the functions: the checker resolves
 * a call by name once, and the compiler reads the id it recorded. */
static void test_builtins(void)
{
    /* One entry per name, but min and max also over a list. */
    for (int i = 0; i < BI_COUNT; i++)
        CHECK(builtin_find(builtin_table[i].name) == i ||
              (builtin_table[i].takes == BA_LIST && builtin_find_list(builtin_table[i].name) == i));
    CHECK(builtin_find("min") == BI_MIN && builtin_find_list("min") == BI_LIST_MIN);
    CHECK(builtin_find_list("lower") == -1);
    CHECK(builtin_find("nosuch") == -1);
    CHECK(builtin_table[BI_LOWER].gives == TY_TEXT && builtin_table[BI_ROUND].gives == TY_NUMBER);
    CHECK(builtin_table[BI_SCORE].takes == BA_MEASURE && builtin_table[BI_SCORE].gives == TY_NUMBER);
    char msgs[4096] = "";
    policy *p = load("input a: number\ninput b: number\nmetric x = round(a / b, 2)\n", msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    expr *call = policy_lookup(p, "x")->decl->value;
    CHECK(call->kind == EX_CALL && call->u.call.id == BI_ROUND);
    /* The name is no longer consulted after checking. */
    call->u.call.fn = "renamed";
    program *prog = compile_as_of(p, "2026-03-31");
    CHECK(prog != NULL);
    const step *x = prog ? program_step(prog, policy_lookup(p, "x")) : NULL;
    CHECK(x && x->value->op == N_CALL && x->value->fn == BI_ROUND);
    program_free(prog);
    policy_free(p);
}

/* The band trace explain prints is scoring's own decision: for each
 * account, the line it reports is the band the account got. */
static void test_band_trace(void)
{
    char msgs[4096] = "";
    policy *p = load("input a: number\ninput b: number\n"
                     "scheme rag\n  red scores 0 when < 40\n  yellow scores 50 when < 75\n  green scores 100 when >= 75\n"
                     "measure fixed = a\n  red < 25%\n  yellow >= 25% and < 50%\n  green >= 50%\n"
                     "measure moving = a\n  red < b\n  yellow >= b and < b * 2\n  green otherwise\n"
                     "measure gappy = a\n  red < 5%\n  green >= 10%\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    program *prog = compile_as_of(p, "2026-03-31");
    CHECK(prog != NULL);
    if (!prog) {
        policy_free(p);
        return;
    }
    const step *fixed = program_step(prog, policy_lookup(p, "fixed"));
    const step *moving = program_step(prog, policy_lookup(p, "moving"));
    CHECK(fixed->all_fixed && !moving->all_fixed);
    frame f;
    frame_init(&f, prog);
    line_trace lines[3];
    band_trace tr = {lines, 0};
    /* a = 0.3: fixed fails red (0.3 < 25% no), then holds both edges of yellow. */
    f.slots[0] = value_num(parse("0.3"));
    f.slots[1] = value_num(parse("0.2"));
    eval_account(prog, &f);
    CHECK(eval_band_trace(fixed, &f, parse("0.3"), &tr) == 1 && tr.ntried == 2);
    CHECK(lines[0].nedges == 1 && !lines[0].edges[0].holds && num_cmp(lines[0].edges[0].limit, parse("25%")) == 0);
    CHECK(lines[1].nedges == 2 && lines[1].edges[0].holds && lines[1].edges[1].holds);
    CHECK(f.slots[fixed->slot].band == fixed->tests[1].band);
    /* moving, b = 0.2: 0.3 >= 0.2 and 0.3 < 0.4: yellow; the limits as computed. */
    CHECK(eval_band_trace(moving, &f, parse("0.3"), &tr) == 1 && tr.ntried == 2);
    CHECK(num_cmp(lines[1].edges[1].limit, parse("0.4")) == 0 && !lines[1].edges[1].na);
    CHECK(f.slots[moving->slot].band == moving->tests[1].band);
    /* The first edge that fails ends the line: green's otherwise is reached. */
    CHECK(eval_band_trace(moving, &f, parse("0.5"), &tr) == 2 && tr.ntried == 3);
    CHECK(lines[1].nedges == 2 && lines[1].edges[0].holds && !lines[1].edges[1].holds && lines[2].nedges == 0);
    /* An na threshold stops at that line: the band is unknown, as scored. */
    f.slots[1] = value_na();
    eval_account(prog, &f);
    CHECK(eval_band_trace(moving, &f, parse("0.3"), &tr) == -2 && tr.ntried == 1);
    CHECK(lines[0].nedges == 1 && lines[0].edges[0].na);
    CHECK(f.slots[moving->slot].band == BAND_NONE);
    /* No line catches: every line is tried. */
    const step *gappy = program_step(prog, policy_lookup(p, "gappy"));
    CHECK(eval_band_trace(gappy, &f, parse("0.07"), &tr) == -1 && tr.ntried == 2);
    CHECK(!lines[0].edges[0].holds && !lines[1].edges[0].holds);
    frame_free(&f);
    program_free(prog);
    policy_free(p);
}

/* next_band: the smallest whole numerator that scores better, found by
 * scoring again; what it leaves out; the frame it was given untouched. */
static void test_next_band(void)
{
    char msgs[4096] = "";
    policy *p = load("input a: number\ninput b: number\n"
                     "scheme rag\n  red scores 0 when < 40\n  yellow scores 50 when < 75\n  green scores 100 when >= 75\n"
                     "measure r = a / b\n  red < 25%\n  yellow < 50%\n  green >= 50%\n"
                     "measure gappy = a / b\n  red < 5%\n  green >= 10%\n"
                     "measure same = a / a\n  red < 25%\n  green >= 25%\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    program *prog = compile_as_of(p, "2026-03-31");
    CHECK(prog != NULL);
    if (!prog) {
        policy_free(p);
        return;
    }
    const step *r = program_step(prog, policy_lookup(p, "r"));
    const step *gappy = program_step(prog, policy_lookup(p, "gappy"));
    const step *same = program_step(prog, policy_lookup(p, "same"));
    CHECK(next_band_numerator(prog, r) == 0 && next_band_numerator(prog, same) == -1);
    frame f;
    frame_init(&f, prog);
    next_band nb;
    /* 0.34 of 7 is red; 25% of 7 is 1.75, so 2 seats make it yellow. */
    f.slots[0] = value_num(parse("0.34"));
    f.slots[1] = value_num(parse("7"));
    eval_account(prog, &f);
    CHECK(next_band_find(prog, &f, r, &nb) && nb.value == 2 && nb.input == 0 && nb.band == r->tests[1].band);
    CHECK(num_cmp(f.slots[0].u.num, parse("0.34")) == 0 && f.slots[r->slot].band == r->tests[0].band);
    /* Exactly on 50% of 300 is green: yellow's next is 150 itself. */
    f.slots[0] = value_num(parse("75"));
    f.slots[1] = value_num(parse("300"));
    eval_account(prog, &f);
    CHECK(next_band_find(prog, &f, r, &nb) && nb.value == 150 && nb.band == r->tests[2].band);
    /* Green, the best: none.  In the gap of gappy (7%, no band): none. */
    f.slots[0] = value_num(parse("21"));
    f.slots[1] = value_num(parse("300"));
    eval_account(prog, &f);
    CHECK(!next_band_find(prog, &f, gappy, &nb));
    f.slots[0] = value_num(parse("200"));
    eval_account(prog, &f);
    CHECK(!next_band_find(prog, &f, r, &nb));
    /* A negative denominator: no numerator >= 0 gives a ratio above 0. */
    f.slots[0] = value_num(parse("5"));
    f.slots[1] = value_num(parse("-10"));
    eval_account(prog, &f);
    CHECK(!next_band_find(prog, &f, r, &nb));
    /* A zero denominator is na; so is a missing numerator. */
    f.slots[1] = value_num(parse("0"));
    eval_account(prog, &f);
    CHECK(!next_band_find(prog, &f, r, &nb));
    f.slots[0] = value_na();
    f.slots[1] = value_num(parse("10"));
    eval_account(prog, &f);
    CHECK(!next_band_find(prog, &f, r, &nb));
    /* Past 2^53 no numerator is given; just under it one is. */
    f.slots[0] = value_num(parse("1"));
    f.slots[1] = value_num(parse("4e16"));
    eval_account(prog, &f);
    CHECK(!next_band_find(prog, &f, r, &nb));
    f.slots[1] = value_num(parse("4e15"));
    eval_account(prog, &f);
    CHECK(next_band_find(prog, &f, r, &nb) && nb.value == 1000000000000000);
    frame_free(&f);
    program_free(prog);
    policy_free(p);
}

/* The traces `test --coverage` reads are scoring's decisions: the
 * conditions scoring looked at, in its order, and the members a group's
 * score used. */
static void test_applies_members_trace(void)
{
    char msgs[4096] = "";
    policy *p = load("input a: number\ninput on: bool\ninput off: bool\ninput w: number\n"
                     "scheme rag\n  red scores 0 when < 40\n  green scores 100 otherwise\n"
                     "measure m = a\n  na when off\n  applies when on\n  red < 5\n  green otherwise\n"
                     "measure n = a\n  red < 5\n  green otherwise\n"
                     "group g = mean(m, n weight w)\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    program *prog = compile_as_of(p, "2026-03-31");
    CHECK(prog != NULL);
    if (!prog) {
        policy_free(p);
        return;
    }
    const step *m = program_step(prog, policy_lookup(p, "m"));
    const step *g = program_step(prog, policy_lookup(p, "g"));
    CHECK(m->n_applies == 1 && m->n_na_when == 1 && g->nmembers == 2);
    frame f;
    frame_init(&f, prog);
    uint8_t ap[1], nw[1];
    bool counted[2];
    /* applies when on is not true (na): scoring looks no further. */
    f.slots[0] = value_num(parse("7"));
    f.slots[1] = value_na();
    f.slots[2] = value_bool(true);
    f.slots[3] = value_num(parse("2"));
    eval_account(prog, &f);
    CHECK(!eval_applies_trace(m, &f, ap, nw) && ap[0] == COND_NOT_TRUE && nw[0] == COND_UNSEEN);
    CHECK(f.slots[m->slot].kind == VK_NA);
    /* m is na, so g's score is n's alone. */
    CHECK(eval_members_trace(g, &f, counted) && !counted[0] && counted[1]);
    /* on, not off: both looked at, m applies and counts. */
    f.slots[1] = value_bool(true);
    f.slots[2] = value_bool(false);
    eval_account(prog, &f);
    CHECK(eval_applies_trace(m, &f, ap, nw) && ap[0] == COND_TRUE && nw[0] == COND_NOT_TRUE);
    CHECK(eval_members_trace(g, &f, counted) && counted[0] && counted[1]);
    /* A weight that is na leaves its member out. */
    f.slots[3] = value_na();
    eval_account(prog, &f);
    CHECK(eval_members_trace(g, &f, counted) && counted[0] && !counted[1]);
    /* Every member out: the group is na and nothing counted. */
    f.slots[0] = value_na();
    eval_account(prog, &f);
    CHECK(!eval_members_trace(g, &f, counted) && !counted[0] && !counted[1]);
    CHECK(f.slots[g->slot].kind == VK_NA);
    frame_free(&f);
    program_free(prog);
    policy_free(p);
}

/* Whether two values of one slot are the same to the last bit that is read. */
static bool same_value(const rb_value *x, const rb_value *y)
{
    if (x->kind != y->kind)
        return false;
    if (x->kind == VK_BOOL)
        return x->u.b == y->u.b;
    if (x->kind != VK_NUM && x->kind != VK_BANDED)
        return true;
    if (x->u.num.p != y->u.num.p || x->u.num.q != y->u.num.q)
        return false;
    if (x->kind == VK_NUM)
        return true;
    return x->band == y->band && x->has_score == y->has_score &&
           (!x->has_score || (x->score.p == y->score.p && x->score.q == y->score.q));
}

/* The paths of their own the usual measures and groups take (a ratio of
 * inputs, a group of equal weights) give exactly what the general path
 * gives: every account of edge values scored both ways. */
static void test_step_shapes(void)
{
    char msgs[4096] = "";
    policy *p = load("input a: number\ninput b: number\ninput c: number\ninput on: bool\ninput off: bool\n"
                     "scheme rag\n  red scores 0 when < 40\n  yellow scores 50 when < 75\n"
                     "  green scores 100 when >= 75\n"
                     "scheme odd\n  low scores 1 when < 1/3\n  high scores 7/2 when >= 1/3\n"
                     "measure m1 = a / b scheme rag\n  na when off\n  red < 25%\n  yellow < 50%\n  green >= 50%\n"
                     "measure m2 = c / b scheme rag\n  applies when on\n  red <= 5%\n  yellow < 20%\n  green >= 20%\n"
                     "measure m3 = c / a scheme rag\n  red < 0\n  green > 1\n"
                     "measure m4 = a / c scheme odd\n  low < 1/3\n  high >= 1/3\n"
                     "measure m5 = a + b scheme rag\n  red < 0\n  yellow < 1\n  green >= 1\n"
                     /* m1's ratio again, shared (memo'd): still a ratio */
                     "measure m6 = a / b scheme rag\n  applies when on\n  red < 1/3\n  green >= 1/3\n"
                     /* conditions that are slots, several of each kind; and one that is not */
                     /* each condition decides for some inputs */
                     "let both = on and off\n"
                     "measure m7 = b / c scheme rag\n  applies when on\n  applies when off\n  na when both\n"
                     "  red < 1/3\n  green >= 1/3\n"
                     "measure m8 = b / c scheme rag\n  na when off\n  na when a > 1\n  red < 1/3\n  green >= 1/3\n"
                     "group g = mean(m1, m2, m3, m5) scheme rag\n  na when off\n"
                     "group h = sum(m1, m2) scheme rag\n"
                     "group w = mean(m1, m2 weight 2) scheme rag\n"
                     "group o = mean(m1, m4) scheme rag\n"
                     "group gg = mean(g, h) scheme rag\n"
                     "metric greens = count green of (m1, m2, g)\n"
                     "metric reds = count red of (m3, m7, m8, gg)\n"
                     /* comparisons of slots and constants, of each operator */
                     "let c1 = a > 1/3\nlet c2 = a <= b\nlet c3 = 20 = c\nlet c4 = b != c\nlet c5 = a >= c\n"
                     "let c6 = -1 < b\nlet c7 = on = off\nlet c8 = a + b > c\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p) {
        printf("%s", msgs);
        return;
    }
    program *prog = compile_as_of(p, "2026-03-31");
    CHECK(prog != NULL);
    if (!prog) {
        policy_free(p);
        return;
    }
    struct { const char *name; step_shape shape; } want[] = {
        {"m1", SHAPE_RATIO}, {"m2", SHAPE_RATIO}, {"m3", SHAPE_RATIO}, {"m4", SHAPE_RATIO},
        {"m5", SHAPE_GENERAL}, {"m6", SHAPE_RATIO}, {"g", SHAPE_TALLY}, {"h", SHAPE_TALLY},
        {"w", SHAPE_GENERAL}, /* a weight */
        {"o", SHAPE_GENERAL}, /* a member's score 7/2 is not whole */
        {"gg", SHAPE_GENERAL}, /* members that are groups */
        {"greens", SHAPE_COUNT}, {"reds", SHAPE_COUNT},
        {"c1", SHAPE_COMPARE}, {"c2", SHAPE_COMPARE}, {"c3", SHAPE_COMPARE}, {"c4", SHAPE_COMPARE},
        {"c5", SHAPE_COMPARE}, {"c6", SHAPE_COMPARE}, {"c7", SHAPE_COMPARE},
        {"c8", SHAPE_GENERAL}, /* an operand to evaluate */
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const step *st = program_step(prog, policy_lookup(p, want[i].name));
        CHECK(st && st->shape == want[i].shape);
    }
    const step *m6 = program_step(prog, policy_lookup(p, "m6"));
    CHECK(m6 && m6->value->memo >= 0);
    struct { const char *name; bool slots; int nguards; } guards[] = {
        {"m1", true, 1}, {"m2", true, 1}, {"m3", true, 0}, {"m7", true, 3}, {"m8", false, 2}, {"g", true, 1},
    };
    for (size_t i = 0; i < sizeof guards / sizeof *guards; i++) {
        const step *st = program_step(prog, policy_lookup(p, guards[i].name));
        CHECK(st && st->slot_guards == guards[i].slots && st->nguards == guards[i].nguards);
    }
    step_shape *shape = malloc((size_t)prog->nsteps * sizeof *shape);
    bool *guarded = malloc((size_t)prog->nsteps * sizeof *guarded);
    for (int i = 0; i < prog->nsteps; i++) {
        shape[i] = prog->steps[i].shape;
        guarded[i] = prog->steps[i].slot_guards;
    }
    rb_value nums[] = {
        value_na(), value_num(num_from_int(0)), value_num(num_from_int(1)), value_num(num_from_int(-1)),
        value_num(num_from_int(3)), value_num(num_from_int(12)), value_num(num_from_int(20)),
        value_num(num_from_int(INT64_MAX)), value_num(num_from_int(INT64_MIN)), value_num(num_from_int(-INT64_MAX)),
        value_num(num_from_frac(1, 4)), value_num(num_from_frac(-7, 2)), value_num(num_from_frac(INT64_MAX, 3)),
        value_num(num_inexact(0.25)), value_num(num_inexact(1e300)), value_num(num_inexact(-0.0)), value_num(num_inexact(NAN)),
    };
    rb_value bools[] = {value_na(), value_bool(true), value_bool(false)};
    int n = (int)(sizeof nums / sizeof *nums), nb = 3, differ = 0, accounts = 0, banded = 0;
    frame f, g;
    frame_init(&f, prog);
    frame_init(&g, prog);
    for (int ia = 0; ia < n; ia++)
        for (int ib = 0; ib < n; ib++)
            for (int ic = 0; ic < n; ic++)
                for (int k = 0; k < nb * nb; k++) {
                    rb_value in[] = {nums[ia], nums[ib], nums[ic], bools[k % nb], bools[k / nb]};
                    for (int i = 0; i < 5; i++)
                        f.slots[i] = g.slots[i] = in[i];
                    eval_account(prog, &f);
                    for (int i = 0; i < prog->nsteps; i++) {
                        prog->steps[i].shape = SHAPE_GENERAL;
                        prog->steps[i].slot_guards = false;
                    }
                    eval_account(prog, &g);
                    for (int i = 0; i < prog->nsteps; i++) {
                        prog->steps[i].shape = shape[i];
                        prog->steps[i].slot_guards = guarded[i];
                    }
                    accounts++;
                    bool same = f.unbanded == g.unbanded;
                    for (int i = 0; i < prog->nslots; i++) {
                        same &= same_value(&f.slots[i], &g.slots[i]);
                        banded += f.slots[i].kind == VK_BANDED && f.slots[i].has_score;
                    }
                    if (!same && differ++ < 3)
                        printf("  shapes differ: inputs %d %d %d %d\n", ia, ib, ic, k);
                }
    CHECK(differ == 0);
    CHECK(accounts == n * n * n * nb * nb && banded > accounts);
    /* The matcher's 64-bit comparison of small fractions finds what
     * num_cmp finds, at the edges of small and past them. */
    step *m1 = &prog->steps[program_step(prog, policy_lookup(p, "m1")) - prog->steps];
    CHECK(m1->small_edges && num_small(num_from_frac(INT32_MAX, INT32_MAX - 1)) &&
          !num_small(num_from_frac(1, (int64_t)INT32_MAX + 1)) && !num_small(num_from_int(-(int64_t)INT32_MAX - 1)) &&
          !num_small(num_inexact(0.25)));
    int64_t ps[] = {0, 1, -1, 2, 3, 1LL << 28, 1LL << 29, INT32_MAX, -(int64_t)INT32_MAX, (int64_t)INT32_MAX + 1,
                    -(int64_t)INT32_MAX - 1, INT64_MAX, -INT64_MAX};
    int64_t qs[] = {1, 2, 3, 4, 1LL << 30, 1LL << 31, INT32_MAX, (int64_t)INT32_MAX - 1, 4LL * INT32_MAX};
    int edges_differ = 0;
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
            rb_num v = {.p = ps[i], .q = qs[k]}; /* as num_div leaves a ratio: not reduced */
            int small = eval_fixed_band(m1, v);
            m1->small_edges = false;
            edges_differ += small != eval_fixed_band(m1, v);
            m1->small_edges = true;
        }
    CHECK(edges_differ == 0);
    CHECK(eval_fixed_band(m1, (rb_num){.p = 1LL << 28, .q = 1LL << 30}) == 1); /* 25% exactly: yellow */
    free(shape);
    free(guarded);
    frame_free(&f);
    frame_free(&g);
    program_free(prog);
    policy_free(p);
}

/* Paths at a git revision: what an import resolves to. */
static void test_git_paths(void)
{
    static const struct { const char *in, *out; } cases[] = {
        {"rules/p.rules", "rules/p.rules"},
        {"./rules/./p.rules", "rules/p.rules"},
        {"rules/gitlab/../common.rules", "rules/common.rules"},
        {"a//b", "a/b"},
        {"a/b/..", "a"},
        {"a/..", ""},
        {"../p.rules", NULL},
        {"a/../../p.rules", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = git_path_normalize(cases[i].in);
        CHECK(cases[i].out ? got && strcmp(got, cases[i].out) == 0 : got == NULL);
        free(got);
    }
    char *rev, *path;
    CHECK(git_rev_spec("HEAD~1:rules/p.rules", &rev, &path) && strcmp(rev, "HEAD~1") == 0 && strcmp(path, "rules/p.rules") == 0);
    free(rev);
    free(path);
    CHECK(git_rev_spec("main@{2026-01-01 10:00}:p.rules", &rev, &path) && strcmp(rev, "main@{2026-01-01 10:00}") == 0 &&
          strcmp(path, "p.rules") == 0);
    free(rev);
    free(path);
    CHECK(!git_rev_spec("rules/p.rules", &rev, &path));
    CHECK(!git_rev_spec(":p.rules", &rev, &path));
    CHECK(!git_rev_spec("HEAD:", &rev, &path));
}

/* What every chart plan must hold: each value in exactly one bar or tail,
 * a bar's pieces adding up to it, and no bar, nor any value in it, across
 * a threshold drawn. */
static bool plan_holds(const histogram *h, const hist_plan *p)
{
    long total = p->less.n + p->more.n;
    bool ok = p->lo < p->hi;
    for (int i = 0; i < p->nbars; i++) {
        const hist_bar *b = &p->bars[i];
        long sum = 0;
        ok &= b->lo < b->hi && (i == 0 || p->bars[i - 1].hi == b->lo);
        for (int k = 0; k < b->npieces; k++) {
            const hist_piece *pc = &p->pieces[b->first + k];
            sum += pc->n;
            /* A bar's values lie in it: no bucket is wider than a bar. */
            double slack = 1e-9 * fmax(fabs(b->lo), fabs(b->hi));
            ok &= pc->min >= b->lo - slack && pc->max <= b->hi + slack;
            for (int t = 0; t < h->nthr; t++) {
                if (!p->thr_shown[t])
                    continue;
                double at = h->thr[t];
                ok &= b->hi <= at || b->lo >= at;
                ok &= b->hi > at || pc->max <= at;
                ok &= b->lo < at || pc->min >= at;
            }
        }
        ok &= sum == b->n;
        total += b->n;
    }
    /* The tails hold what lies past the axis, nothing inside it. */
    for (int k = 0; k < p->less.npieces; k++)
        ok &= p->pieces[p->less.first + k].min < p->lo;
    for (int k = 0; k < p->more.npieces; k++)
        ok &= p->pieces[p->more.first + k].max > p->hi;
    /* Every threshold drawn inside the axis is where one bar ends. */
    for (int t = 0; t < h->nthr; t++) {
        bool cuts = !p->thr_shown[t] || h->thr[t] <= p->lo || h->thr[t] >= p->hi;
        for (int i = 0; i < p->nbars; i++)
            cuts |= p->bars[i].hi == h->thr[t];
        ok &= cuts;
    }
    return ok && total == h->count + h->infinite;
}

/* The bar holding value v, or -1. */
static int bar_of(const hist_plan *p, double v)
{
    for (int i = 0; i < p->nbars; i++)
        for (int k = 0; k < p->bars[i].npieces; k++) {
            const hist_piece *pc = &p->pieces[p->bars[i].first + k];
            if (pc->min <= v && v <= pc->max)
                return i;
        }
    return -1;
}

/* The report's histogram: values kept in cells, a chart planned after. */
static void test_histogram(void)
{
    histogram h;
    hist_plan p;
    /* An even spread and two far outliers: the outliers are the tails, the
     * rest is drawn, and nothing is lost. */
    histogram_init(&h, 3, NULL, 0, NULL, NULL);
    for (int i = 0; i < 1000; i++)
        histogram_add(&h, i / 1000.0, 0);
    histogram_add(&h, 1e6, 1);
    histogram_add(&h, -5e5, 0);
    CHECK(h.count == 1002 && h.min == -5e5 && h.max == 1e6);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p));
    CHECK(p.less.n == 1 && p.more.n == 1 && p.lo <= 0 && p.hi >= 0.999 && p.hi < 2);
    CHECK(p.nbars >= 20 && p.nbars <= 80);
    hist_plan_free(&p);
    /* Too large for any number: in a tail, counted apart. */
    histogram_add(&h, INFINITY, 2);
    histogram_add(&h, -INFINITY, 2);
    histogram_add(&h, 5e-324, 0);
    CHECK(h.count == 1003 && h.infinite == 2);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.less.n == 2 && p.more.n == 2);
    hist_plan_free(&p);
    histogram_free(&h);

    /* red < 10, yellow <= 20, green otherwise: 10 is yellow, drawn right of
     * 10; 20 is yellow, drawn left of 20. */
    double thr[] = {10, 20};
    int regions[] = {0, 1, 2};
    histogram_init(&h, 3, thr, 2, regions, NULL);
    double values[] = {5, 9.999, 10, 10, 15, 20, 20.0000001, 25};
    int bands[] = {0, 0, 1, 1, 1, 1, 2, 2};
    for (int i = 0; i < 8; i++)
        histogram_add(&h, values[i], bands[i]);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.thr_shown[0] && p.thr_shown[1]);
    CHECK(bar_of(&p, 10) >= 0 && p.bars[bar_of(&p, 10)].lo >= 10);
    CHECK(bar_of(&p, 20) >= 0 && p.bars[bar_of(&p, 20)].hi <= 20);
    CHECK(bar_of(&p, 20.0000001) >= 0 && p.bars[bar_of(&p, 20.0000001)].lo >= 20);
    hist_plan_free(&p);
    histogram_free(&h);

    /* Thresholds off the round numbers of the bars: each still cuts. */
    double off_grid[] = {0.03, 0.08};
    histogram_init(&h, 3, off_grid, 2, regions, NULL);
    double spread[] = {0, 0.01, 0.0289, 0.03, 0.05, 0.0769, 0.1, 0.5, 1, 2.8};
    int spread_bands[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
    for (int i = 0; i < 10; i++)
        histogram_add(&h, spread[i], spread_bands[i]);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.bars[bar_of(&p, 0.0769)].hi <= 0.08);
    hist_plan_free(&p);
    histogram_free(&h);

    /* An outlier pair near a threshold the axis reaches: drawn where they
     * are, not in a tail that says they are elsewhere. */
    double at91[] = {91};
    int regions91[] = {0, 1};
    histogram_init(&h, 2, at91, 1, regions91, NULL);
    for (int i = 0; i < 1000; i++)
        histogram_add(&h, 100, 1);
    for (int i = 0; i < 998; i++)
        histogram_add(&h, 101, 1);
    double odd[] = {97, 104, 95, 95};
    for (int i = 0; i < 4; i++)
        histogram_add(&h, odd[i], 1);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && bar_of(&p, 95) >= 0);
    hist_plan_free(&p);
    histogram_free(&h);

    /* Values 1.000 to 1.099, a bucket wide at three digits: bars as wide
     * as a bucket at least, each value inside its bar. */
    histogram_init(&h, 1, NULL, 0, NULL, NULL);
    for (int i = 0; i < 500; i++)
        histogram_add(&h, 1 + (i % 100) / 1000.0, 0);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.less.n == 0 && p.more.n == 0);
    hist_plan_free(&p);
    histogram_free(&h);

    /* Quartiles an ulp apart inside one cell that reaches much farther:
     * the fences are narrower than the cell, which is still drawn (the
     * window once came out empty, upside down, and the grid wrote past
     * its array). */
    histogram_init(&h, 1, NULL, 0, NULL, NULL);
    double bucket = 7.4786e240, at = 7.47865e240; /* one 5-digit bucket */
    for (int i = 0; i < 1000; i++)
        histogram_add(&h, at, HIST_NO_BAND);      /* the first quartile: at */
    histogram_add(&h, bucket + 9e235, HIST_NO_BAND);
    for (int i = 0; i < 3000; i++)
        histogram_add(&h, nextafter(at, INFINITY), 0); /* the third: an ulp above */
    histogram_add(&h, bucket + 1e234, 0);
    histogram_add(&h, 5e240, 0);                  /* and one far below */
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p));
    hist_plan_free(&p);
    histogram_free(&h);

    /* red <= 10 where another threshold depends on the account: the
     * operator puts 10 left of its line. */
    double ten[] = {10};
    bool below[] = {false};
    histogram_init(&h, 3, ten, 1, NULL, below);
    for (int i = 0; i < 20; i++)
        histogram_add(&h, 10, 0);
    histogram_add(&h, 30, 2);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.bars[bar_of(&p, 10)].hi <= 10);
    hist_plan_free(&p);
    histogram_free(&h);

    /* red <= 10: 10 is red, left of its line. */
    int le_regions[] = {0, 1, 2};
    histogram_init(&h, 3, thr, 2, le_regions, NULL);
    histogram_add(&h, 10, 0);
    histogram_add(&h, 10.01, 1);
    histogram_add(&h, 12, 1);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.bars[bar_of(&p, 10)].hi <= 10 && p.bars[bar_of(&p, 10.01)].lo >= 10);
    hist_plan_free(&p);
    histogram_free(&h);

    /* Thresholds that depend on the account: two bands share a bar, as two
     * pieces, each with its own values. */
    histogram_init(&h, 2, NULL, 0, NULL, NULL);
    histogram_add(&h, 1.0, 0);
    histogram_add(&h, 1.001, 1);
    histogram_add(&h, 3, 1);
    histogram_plan(&h, 2, &p);
    CHECK(plan_holds(&h, &p) && p.bars[0].npieces == 2 && p.pieces[p.bars[0].first].max == 1.0);
    hist_plan_free(&p);
    histogram_free(&h);

    /* One value many times; then no value at all. */
    histogram_init(&h, 1, NULL, 0, NULL, NULL);
    for (int i = 0; i < 50; i++)
        histogram_add(&h, 1.5e-11, 0);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.lo < 1.5e-11 && p.hi > 1.5e-11 && p.most == 50);
    hist_plan_free(&p);
    histogram_free(&h);
    histogram_init(&h, 2, thr, 2, regions, NULL);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p) && p.most == 0 && p.lo <= 10 && p.hi >= 20);
    hist_plan_free(&p);
    histogram_free(&h);

    /* The ends of what a double holds, and values alike to 15 digits (the
     * round-number grid cannot count them): finite bars, every value
     * placed, an axis a double can halve. */
    static const double extremes[][3] = {
        {5e-324, 5e-324, 5e-324}, {-DBL_MAX, DBL_MAX, DBL_MAX}, {-1e308, -1e308, -1e308}, {0, 0, 0},
        {1e-310, 2e-310, 3e-310}, {1, 1.000000000000001, 1}, {0.3, 0.1 + 0.2, 0.3}, {100, 100.00000000000003, 100},
        {0, 5e-324, 0}};
    for (size_t k = 0; k < sizeof extremes / sizeof extremes[0]; k++) {
        histogram_init(&h, 2, NULL, 0, NULL, NULL);
        for (int i = 0; i < 3; i++)
            histogram_add(&h, extremes[k][i], i % 2);
        histogram_plan(&h, 40, &p);
        bool finite = p.nbars > 0 && isfinite(p.lo) && isfinite(p.hi) && p.hi * 0.5 - p.lo * 0.5 > 0;
        for (int i = 0; i < p.nbars; i++)
            finite &= isfinite(p.bars[i].lo) && isfinite(p.bars[i].hi);
        CHECK(plan_holds(&h, &p) && finite);
        hist_plan_free(&p);
        histogram_free(&h);
    }

    /* Values over six hundred orders of magnitude: the cells coarsen, and
     * stay bounded, and every value is still there. */
    histogram_init(&h, 2, NULL, 0, NULL, NULL);
    unsigned seed = 7;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        double v = (1 + (seed >> 8) % 1000 / 100.0) * pow(10, (int)(seed % 601) - 300);
        histogram_add(&h, i % 2 ? v : -v, i % 2);
    }
    CHECK(h.count == 200000 && h.digits < 3 && h.used <= 2 * HIST_MAX_CELLS);
    histogram_plan(&h, 40, &p);
    CHECK(plan_holds(&h, &p));
    hist_plan_free(&p);
    histogram_free(&h);
}

static long add_id(idset *s, const char *id, long record)
{
    return idset_add(s, id, strlen(id), idset_hash(id, strlen(id)), record);
}

/* Ids in order are only compared with the last; the first out of order
 * moves them into the table, where every later id is looked up.  300,000
 * ids fill the first chunk and a huge-page one, and start a third. */
static void test_idset(void)
{
    idset s;
    memset(&s, 0, sizeof s);
    char id[32];
    int repeated = 0;
    for (int i = 0; i < 300000; i++) {
        snprintf(id, sizeof id, "ACC-%07d", i);
        repeated += add_id(&s, id, i + 1) != 0;
    }
    CHECK(repeated == 0);
    CHECK(!s.unordered);
    CHECK(s.listed && s.listed->cap == IDSET_CHUNK && s.listed->next && s.listed->next->next &&
          !s.listed->next->next->next);
    CHECK(add_id(&s, "ACC-0299999", 300001) == 300000); /* the last, again */
    CHECK(!s.unordered);
    CHECK(add_id(&s, "ACC-0000007", 300002) == 8);      /* out of order: a duplicate */
    CHECK(s.unordered);
    CHECK(add_id(&s, "ACC-0050000", 300003) == 50001);
    CHECK(add_id(&s, "ACC-0000000", 300004) == 1);
    CHECK(add_id(&s, "ACC-0065536", 300005) == 65537);   /* the second chunk's first */
    CHECK(add_id(&s, "ACC-0240296", 300006) == 240297);  /* the third's first */
    CHECK(add_id(&s, "ZZZ", 100005) == 0);
    CHECK(add_id(&s, "AAA", 100006) == 0);
    CHECK(add_id(&s, "ZZZ", 100007) == 100005);
    CHECK(add_id(&s, "", 100008) == 0);
    CHECK(add_id(&s, "", 100009) == 100008);
    /* Ids that differ only past 8 bytes, or by length. */
    CHECK(add_id(&s, "same-prefix-1", 1) == 0);
    CHECK(add_id(&s, "same-prefix-2", 2) == 0);
    CHECK(add_id(&s, "same-prefix-1 ", 3) == 0);
    int missing = 0;
    for (int i = 0; i < 300000; i++) {
        snprintf(id, sizeof id, "ACC-%07d", i);
        missing += add_id(&s, id, 400000 + i) != i + 1;
    }
    CHECK(missing == 0);
    idset_free(&s);
    /* Digits are compared as numbers: ids past their padding stay in
     * order, and ids equal as numbers but not as text stay apart. */
    memset(&s, 0, sizeof s);
    CHECK(add_id(&s, "ACC-999", 1) == 0);
    CHECK(add_id(&s, "ACC-1000", 2) == 0);
    CHECK(add_id(&s, "ACC-1000a", 3) == 0);
    CHECK(add_id(&s, "ACC-1001", 4) == 0);
    CHECK(!s.unordered);
    CHECK(add_id(&s, "ACC-01001", 5) == 0); /* 1001 again as a number, another id */
    CHECK(add_id(&s, "ACC-1001", 6) == 4);
    CHECK(add_id(&s, "ACC-999", 7) == 1);
    idset_free(&s);
    /* Ids of one length parting in their last run of digits (the quick
     * way), and pairs that look so but are not: a letter after the digits,
     * or a shorter run that is the larger number's text. */
    CHECK(idset_compare("ACC-010", 7, "ACC-009", 7) == 1);
    CHECK(idset_compare("ACC-009", 7, "ACC-010", 7) == -1);
    CHECK(idset_compare("A-19x", 5, "A-20x", 5) == -1);
    CHECK(idset_compare("A-20x", 5, "A-19x", 5) == 1);
    CHECK(idset_compare("7-0a", 4, "6-99", 4) == 1);
    CHECK(idset_compare("x0100", 5, "x0099", 5) == 1);
    CHECK(idset_compare("x100", 4, "x0099", 5) == 1);
    CHECK(idset_compare("x99", 3, "x0100", 5) == -1);
    /* Out of order from the start. */
    memset(&s, 0, sizeof s);
    CHECK(add_id(&s, "b", 1) == 0);
    CHECK(add_id(&s, "a", 2) == 0);
    CHECK(add_id(&s, "b", 3) == 1);
    CHECK(add_id(&s, "a", 4) == 2);
    idset_free(&s);
}

static bool text_is(rb_value v, const char *want)
{
    return v.kind == VK_TEXT && v.len == strlen(want) && memcmp(v.u.text, want, v.len) == 0;
}

static void test_text_functions(void)
{
    frame f;
    memset(&f, 0, sizeof f); /* no program: eval_builtin needs no slots */
    rb_value a = value_text("\xC2\xA0 Self-Managed\t\r\n", 18);
    CHECK(text_is(eval_builtin(BI_TRIM, &a, 1, &f), "Self-Managed"));
    CHECK(text_is(eval_builtin(BI_LOWER, &a, 1, &f), "\xC2\xA0 self-managed\t\r\n"));
    CHECK(text_is(eval_builtin(BI_UPPER, &a, 1, &f), "\xC2\xA0 SELF-MANAGED\t\r\n"));
    a = value_text("   \t", 4);
    CHECK(text_is(eval_builtin(BI_TRIM, &a, 1, &f), ""));
    /* A lone lead byte of a no-break space is not a space. */
    a = value_text("x\xC2", 2);
    CHECK(text_is(eval_builtin(BI_TRIM, &a, 1, &f), "x\xC2"));
    a = value_text("\xC3\x89t\xC3\xA9", 5); /* ÉtÉ: only t changes */
    CHECK(text_is(eval_builtin(BI_UPPER, &a, 1, &f), "\xC3\x89T\xC3\xA9"));
    /* Text already in the right case is given back, not copied. */
    a = value_text("self-managed", 12);
    CHECK(eval_builtin(BI_LOWER, &a, 1, &f).u.text == a.u.text);
    rb_value na = value_na();
    CHECK(eval_builtin(BI_LOWER, &na, 1, &f).kind == VK_NA);
    CHECK(eval_builtin(BI_TRIM, &na, 1, &f).kind == VK_NA);
    /* Text made earlier stays put while more is made: blocks never move. */
    char big[6000];
    memset(big, 'A', sizeof big);
    a = value_text(big, sizeof big);
    rb_value first = eval_builtin(BI_LOWER, &a, 1, &f);
    rb_value second = eval_builtin(BI_LOWER, &a, 1, &f);
    CHECK(first.kind == VK_TEXT && first.len == sizeof big && first.u.text[0] == 'a' && first.u.text[5999] == 'a');
    CHECK(second.kind == VK_TEXT && second.u.text != first.u.text && memcmp(first.u.text, second.u.text, sizeof big) == 0);
    /* The number functions fold as they evaluate. */
    rb_value nums[2] = {value_num(num_from_frac(26, 100)), value_num(num_from_frac(25, 100))};
    rb_value m = eval_builtin(BI_MIN, nums, 2, &f);
    CHECK(m.kind == VK_NUM && num_cmp(m.u.num, num_from_frac(1, 4)) == 0);
    frame_free(&f);
}

/* lower() or upper() of s byte by byte, as the language says: only A-Z
 * (lower) or a-z (upper) change.  Whether any byte changed. */
static bool case_by_bytes(int fn, const char *s, size_t len, char *out)
{
    char lo = fn == BI_LOWER ? 'A' : 'a';
    bool changed = false;
    for (size_t i = 0; i < len; i++) {
        bool letter = s[i] >= lo && s[i] <= lo + 25;
        out[i] = letter ? (char)(s[i] ^ 0x20) : s[i];
        changed |= letter;
    }
    return changed;
}

/* lower() and upper() read a text eight bytes at a time: they give what
 * the byte-by-byte rule gives for every byte value at every place of texts
 * of every length around the word size, and for long random texts (the
 * bytes of letters, of characters beyond ASCII and of text next to the
 * letters in ASCII most of all); the argument itself, not a copy, exactly
 * when no byte changes. */
static void test_text_case_words(void)
{
    frame f;
    memset(&f, 0, sizeof f);
    static const int fns[] = {BI_LOWER, BI_UPPER};
    char s[400], want[400];
    int wrong = 0;
    for (int k = 0; k < 2; k++) {
        /* Around the byte that varies, text neither function changes
         * there: the other case's letters, digits, and É. */
        const char *fill = fns[k] == BI_LOWER ? "x\xC3\x89-9" : "X\xC3\x89-9";
        for (size_t len = 0; len <= 40; len++)
            for (size_t at = 0; at < (len ? len : 1); at++)
                for (int byte = 0; byte < 256; byte++) {
                    for (size_t i = 0; i < len; i++)
                        s[i] = fill[i % 5];
                    if (len)
                        s[at] = (char)byte;
                    bool changed = case_by_bytes(fns[k], s, len, want);
                    rb_value a = value_text(s, (uint32_t)len), r = eval_builtin(fns[k], &a, 1, &f);
                    if (r.kind != VK_TEXT || r.len != len || memcmp(r.u.text, want, len) != 0 || (r.u.text == s) == changed) {
                        if (!wrong++)
                            printf("  %s of %zu bytes, byte %d at %zu: wrong\n", builtin_table[fns[k]].name, len, byte, at);
                    }
                    frame_reset(&f);
                }
    }
    static const char bytes[] = "AZaz@[`{MmQq \t-0\xC3\x89\xC3\xA9\xC4\xB0\xC4\xB1\xC3\x9F\xC2\xA0\x80\xFF\xE2\x80\x83";
    unsigned seed = 12345;
    for (int t = 0; t < 4000; t++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 8) % sizeof s;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = bytes[(seed >> 8) % (sizeof bytes - 1)];
        }
        int fn = fns[t % 2];
        bool changed = case_by_bytes(fn, s, len, want);
        rb_value a = value_text(s, (uint32_t)len), r = eval_builtin(fn, &a, 1, &f);
        if (r.kind != VK_TEXT || r.len != len || memcmp(r.u.text, want, len) != 0 || (r.u.text == s) == changed) {
            if (!wrong++)
                printf("  %s of random text %d (%zu bytes): wrong\n", builtin_table[fn].name, t, len);
        }
    }
    CHECK(wrong == 0);
    frame_free(&f);
}

/* A comparison whose operands the checker typed carries their kind, and
 * compares them as value_compare does: numbers (a measure's value among
 * them), dates, text; what it cannot know (true and false) asks at run
 * time. */
static void test_typed_comparisons(void)
{
    char msgs[4096] = "";
    policy *p = load("input n: number\ninput t: text\ninput d: date\ninput b: bool\n"
                     "scheme rag\n  red scores 0 when < 40\n  green scores 100 otherwise\n"
                     "measure m = n\n  red < 1\n  green otherwise\n"
                     "let by_num = n < 3\nlet by_measure = m >= n\nlet by_date = d > as_of - 1 month\n"
                     "let text_eq = trim(t) = \"x\"\nlet text_ne = t != \"xy\"\nlet text_order = t < \"m\"\n"
                     "let by_bool = b = true\n"
                     "metric all = by_num and by_measure and by_date and text_eq and text_ne and text_order and by_bool\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p) {
        printf("%s", msgs);
        return;
    }
    program *prog = compile_as_of(p, "2026-03-31");
    CHECK(prog != NULL);
    if (!prog) {
        policy_free(p);
        return;
    }
    static const struct { const char *name; vkind kind; } kinds[] = {
        {"by_num", VK_NUM}, {"by_measure", VK_NUM}, {"by_date", VK_DATE}, {"text_eq", VK_TEXT},
        {"text_ne", VK_TEXT}, {"text_order", VK_TEXT}, {"by_bool", VK_NA}};
    const enode *node[7];
    bool found = true;
    for (int i = 0; i < 7; i++) {
        const step *st = program_step(prog, policy_lookup(p, kinds[i].name));
        node[i] = st ? st->value : NULL;
        CHECK(node[i] && node[i]->op >= N_LT && node[i]->op <= N_NE && node[i]->cmp == kinds[i].kind);
        found = found && node[i];
    }
    if (!found) {
        program_free(prog);
        policy_free(p);
        return;
    }
    frame f;
    frame_init(&f, prog);
    static const struct { int n; const char *t; int d; bool b; bool want[7]; } accounts[] = {
        {2, " x ", 20260301, true, {true, true, true, true, true, true, true}},
        {3, "xy", 20260228, false, {false, true, false, false, false, false, false}},
        {0, "a", 20260227, true, {true, true, false, false, true, true, true}},
        {5, "X", 20260315, true, {false, true, true, false, true, true, true}},
    };
    for (size_t k = 0; k < sizeof accounts / sizeof accounts[0]; k++) {
        frame_start(&f, prog);
        f.slots[0] = value_num(num_from_int(accounts[k].n));
        f.slots[1] = value_text(accounts[k].t, (uint32_t)strlen(accounts[k].t));
        int ymd = accounts[k].d;
        f.slots[2] = value_date(date_from_ymd(ymd / 10000, ymd / 100 % 100, ymd % 100));
        f.slots[3] = value_bool(accounts[k].b);
        eval_account(prog, &f);
        for (int i = 0; i < 7; i++) {
            rb_value v = eval_node(node[i], &f);
            CHECK(v.kind == VK_BOOL && v.u.b == accounts[k].want[i]);
            if (v.kind != VK_BOOL || v.u.b != accounts[k].want[i])
                printf("  account %zu: %s\n", k, kinds[i].name);
        }
    }
    /* na on either side is na, whatever the kind. */
    frame_start(&f, prog);
    for (int i = 0; i < 4; i++)
        f.slots[i] = value_na();
    eval_account(prog, &f);
    for (int i = 0; i < 7; i++)
        CHECK(eval_node(node[i], &f).kind == VK_NA);
    frame_free(&f);
    program_free(prog);
    policy_free(p);
}

typedef struct text_sink {
    char buf[256];
    size_t len;
} text_sink;

static void to_text(void *ctx, const char *s, size_t n)
{
    text_sink *t = ctx;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static const char *csv_of(const char *s, size_t n, bool text, bool escape)
{
    static text_sink t;
    t.len = 0;
    t.buf[0] = '\0';
    csv_cell_write(to_text, &t, s, n, text, escape);
    return t.buf;
}

#define CSV(s, text, escape) csv_of(s, sizeof s - 1, text, escape)

/* CSV quoting as RFC 4180 and the formula guard say, byte by byte: the
 * oracle for the writer's word-at-a-time tests and fast cells. */
static void csv_ref(strbuf *out, const char *s, size_t n, bool text, bool escape)
{
    bool quote = false;
    for (size_t i = 0; i < n; i++)
        quote |= s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || (escape && s[i] == ';');
    bool formula = escape && text && n && memchr("=+-@\t\r", s[0], 6);
    if (quote)
        strbuf_add(out, "\"", 1);
    if (formula)
        strbuf_add(out, "'", 1);
    for (size_t i = 0; i < n; i++) {
        strbuf_add(out, s + i, 1);
        if (quote && s[i] == '"')
            strbuf_add(out, "\"", 1);
    }
    if (quote)
        strbuf_add(out, "\"", 1);
}

static unsigned next_rand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* A cell of n bytes from an alphabet of plain bytes and every byte that
 * asks for something, the latter rarer. */
static void random_cell(unsigned *seed, char *s, size_t n)
{
    static const char plain[] = "Aaz09-_./: \xc3\xa9+#", odd[] = ",\";\n\r=+-@\t";
    for (size_t i = 0; i < n; i++)
        s[i] = next_rand(seed) % 8 ? plain[next_rand(seed) % (sizeof plain - 1)]
                                   : odd[next_rand(seed) % (sizeof odd - 1)];
}

/* The CSV writer against csv_ref: every byte in every place of short
 * cells, then thousands of records past the writer's buffer many times
 * over, ids needing quotes at its ends among them, ids and text longer
 * than the buffer, band names on both
 * sides of 16 bytes, na, no band, whole numbers to the widest, fractions,
 * text; raw and escaped, written and kept (run -j's workers). */
static void test_csv_writer(void)
{
    long wrong = 0;
    strbuf want, got;
    strbuf_init(&want);
    strbuf_init(&got);
    for (size_t n = 1; n <= 20; n++)
        for (size_t at = 0; at < n; at++)
            for (int b = 0; b < 256; b++)
                for (int mode = 0; mode < 4; mode++) {
                    char s[24];
                    memset(s, at % 2 ? '0' : 'a', n);
                    s[at] = (char)b;
                    bool text = mode & 1, escape = mode & 2;
                    strbuf_setlen(&want, 0);
                    csv_ref(&want, s, n, text, escape);
                    text_sink shown = {"", 0};
                    csv_cell_write(to_text, &shown, s, n, text, escape);
                    wrong += shown.len != want.len || memcmp(shown.buf, want.s, want.len) != 0;
                }
    CHECK(wrong == 0);

    char msgs[1024] = "";
    policy *p = load("input used: number\ninput note: text\n"
                     "scheme long\n  b_fourteen_chr scores 0 when < 50\n  b_fifteen_chars scores 50 when < 75\n"
                     "  a_band_name_of_forty_characters_in_all_ scores 100 otherwise\n"
                     "measure usage = used\n  b_fourteen_chr < 1\n  b_fifteen_chars >= 1 and < 2\n"
                     "  a_band_name_of_forty_characters_in_all_ >= 2 and < 3\n"
                     "metric n = used\nmetric remark = note\n",
                     msgs, sizeof msgs);
    program *prog = p ? compile_as_of(p, "2026-11-01") : NULL;
    CHECK(prog != NULL);
    if (!prog) {
        policy_free(p);
        return;
    }
    static const char *const bands[] = {"b_fourteen_chr", "b_fifteen_chars", "a_band_name_of_forty_characters_in_all_"};
    int cols[3] = {policy_lookup(p, "usage")->index, policy_lookup(p, "n")->index, policy_lookup(p, "remark")->index};
    rb_value *slots = calloc((size_t)prog->nslots, sizeof *slots);
    for (int mode = 0; mode < 4; mode++) {
        bool raw = mode & 1, kept = mode & 2;
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        writer *out = writer_open(f, OUT_CSV, prog, "id", cols, 3, false);
        writer_set_raw(out, raw);
        writer *w = kept ? writer_open_kept(out) : out;
        strbuf_setlen(&want, 0);
        if (!kept)
            strbuf_adds(&want, "id,usage,n,remark\n");
        unsigned seed = 11;
        enum { HUGE = 70000 }; /* more than the writer's buffer */
        char *id = malloc(HUGE), *note = malloc(HUGE);
        for (int r = 0; r < 6000; r++) {
            size_t idlen = next_rand(&seed) % 41, notelen = next_rand(&seed) % 60;
            if (r == 2500 || r == 4000)
                idlen = HUGE - r % 3;
            if (r == 3000 || r == 4000)
                notelen = HUGE - r % 7;
            random_cell(&seed, id, idlen);
            random_cell(&seed, note, notelen);
            if (r == 5000) { /* a huge id that needs nothing */
                idlen = HUGE;
                memset(id, 'A', idlen);
            }
            csv_ref(&want, id, idlen, true, !raw);
            unsigned band = next_rand(&seed) % 5, num = next_rand(&seed) % 6;
            rb_value *u = &slots[prog->output_slot[cols[0]]], *nv = &slots[prog->output_slot[cols[1]]],
                     *t = &slots[prog->output_slot[cols[2]]];
            *u = value_na();
            strbuf_adds(&want, ",");
            if (band < 4) {
                u->kind = VK_BANDED;
                u->band = band == 3 ? BAND_NONE : (int8_t)band;
                if (band < 3)
                    strbuf_adds(&want, bands[band]);
            }
            static const int64_t whole[] = {0, -7, 123456789, INT64_MIN, INT64_MAX};
            *nv = num < 5 ? value_num(num_from_int(whole[num])) : value_num(num_from_frac(-1, 3));
            if (r % 7 == 0)
                *nv = value_na();
            strbuf_adds(&want, ",");
            if (nv->kind == VK_NUM && num < 5)
                strbuf_addf(&want, "%lld", (long long)whole[num]);
            else if (nv->kind == VK_NUM)
                strbuf_adds(&want, "-0.3333333333333333");
            *t = value_na();
            strbuf_adds(&want, ",");
            if (r % 5) {
                t->kind = VK_TEXT;
                t->u.text = note;
                t->len = (uint32_t)notelen;
                csv_ref(&want, note, notelen, true, !raw);
            }
            strbuf_adds(&want, "\n");
            writer_record(w, id, idlen, slots);
        }
        free(id);
        free(note);
        if (kept) {
            CHECK(writer_kept(w) == want.len);
            writer_swap(w, &got);
            CHECK(got.len == want.len && memcmp(got.s, want.s, want.len) == 0);
            CHECK(writer_close(w));
        }
        CHECK(writer_close(out));
        fclose(f);
        if (!kept)
            CHECK(len == want.len && memcmp(text, want.s, len) == 0);
        free(text);
    }
    free(slots);
    strbuf_free(&want);
    strbuf_free(&got);
    program_free(prog);
    policy_free(p);
}

static void test_output(void)
{
    /* CSV: RFC 4180 quoting, and the spreadsheet escape for text only. */
    CHECK(strcmp(CSV("ACC-1", true, true), "ACC-1") == 0);
    CHECK(strcmp(CSV("", true, true), "") == 0);
    CHECK(strcmp(CSV("a,b", true, false), "\"a,b\"") == 0);
    CHECK(strcmp(CSV("say \"hi\"", true, false), "\"say \"\"hi\"\"\"") == 0);
    CHECK(strcmp(CSV("=1+2", true, true), "'=1+2") == 0);
    CHECK(strcmp(CSV("=1+2", true, false), "=1+2") == 0);
    CHECK(strcmp(CSV("+1", true, true), "'+1") == 0);
    CHECK(strcmp(CSV("-ACC", true, true), "'-ACC") == 0);
    CHECK(strcmp(CSV("@SUM(A1)", true, true), "'@SUM(A1)") == 0);
    CHECK(strcmp(CSV("\tx", true, true), "'\tx") == 0);
    CHECK(strcmp(CSV("\rx", true, true), "\"'\rx\"") == 0);
    CHECK(strcmp(CSV("=A1,\"B\"", true, true), "\"'=A1,\"\"B\"\"\"") == 0);
    CHECK(strcmp(CSV("-5", false, true), "-5") == 0);     /* a number */
    CHECK(strcmp(CSV("-0.25", false, true), "-0.25") == 0);
    CHECK(strcmp(CSV("-5", true, true), "'-5") == 0);     /* text that reads -5 */
    CHECK(strcmp(CSV("a;=1", true, true), "\"a;=1\"") == 0);
    CHECK(strcmp(CSV("a;=1", true, false), "a;=1") == 0);
    CHECK(strcmp(CSV("a=1", true, true), "a=1") == 0);
    CHECK(strcmp(CSV("\nx", true, true), "\"\nx\"") == 0);  /* quoted, not a formula */
    CHECK(strcmp(CSV("a\rb", true, true), "\"a\rb\"") == 0);
    CHECK(strcmp(CSV("a\tb", true, true), "a\tb") == 0);      /* a tab inside is plain */
    CHECK(strcmp(CSV("x-y@z+", true, true), "x-y@z+") == 0);
    CHECK(strcmp(csv_of("\0=", 2, true, true), "") == 0 && memcmp(csv_of("\0=", 2, true, true), "\0=", 2) == 0);

    /* Display width, whatever the locale. */
    CHECK(text_width("abc", 3) == 3);
    CHECK(text_width("\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe", 12) == 8); /* 株式会社 */
    CHECK(text_width("e\xcc\x81", 3) == 1);             /* e and a combining acute */
    CHECK(text_width("\xef\xbc\xa1", 3) == 2);            /* fullwidth A */
    CHECK(text_width("\xc3\xa9", 2) == 1);                 /* é */
    CHECK(text_width("\xff\xfe", 2) == 2);                 /* invalid bytes: one each */
    CHECK(text_width("\xe6\xa0", 2) == 2);                 /* a cut sequence */
    CHECK(text_width("\xf0\x9f\x98\x80", 4) == 2);        /* an emoji */

    /* Numbers for people: rounded, never onto or across a threshold. */
    char buf[64];
    rb_num half = parse("50%"), v;
#define PEOPLE(x, pct, lims, n, want)                                  \
    do {                                                               \
        format_for_people(x, pct, lims, n, buf, sizeof buf);           \
        CHECK(strcmp(buf, want) == 0);                                 \
        if (strcmp(buf, want) != 0)                                    \
            printf("  got %s, want %s\n", buf, want);                 \
    } while (0)
    PEOPLE(parse("0.758032341581427"), true, &half, 1, "75.8%");
    PEOPLE(parse("0.4996"), true, &half, 1, "49.96%");          /* not 50.0% */
    PEOPLE(parse("0.4996"), true, NULL, 0, "50.0%");            /* no threshold to keep */
    PEOPLE(parse("0.49999999"), true, &half, 1, "49.999999%");
    PEOPLE(parse("0.5"), true, &half, 1, "50%");
    PEOPLE(parse("0.500001"), true, &half, 1, "50.0001%");      /* not onto the edge */
    PEOPLE(parse("0.4304695757209724"), true, NULL, 0, "43.0%"); /* rounded: its zero kept */
    PEOPLE(parse("123.456"), true, NULL, 0, "12346%");          /* no exponent */
    PEOPLE(parse("-0.004"), true, NULL, 0, "-0.4%");
    rb_num lim = parse("2.5");
    PEOPLE(parse("2.50001"), false, &lim, 1, "2.50001");
    PEOPLE(parse("2.5"), false, &lim, 1, "2.5");
    PEOPLE(parse("1234567"), false, NULL, 0, "1234567");
    v = num_from_frac(1, 3);                                     /* no decimal is 1/3 */
    PEOPLE(v, true, &v, 1, "0.3333333333333333");
    PEOPLE(num_inexact(INFINITY), true, &half, 1, "inf");
#undef PEOPLE
}

static void test_strbuf(void)
{
    /* A buffer that never allocated reads as "" and hands over "". */
    strbuf b = {0};
    CHECK(strcmp(strbuf_str(&b), "") == 0);
    size_t len = 99;
    char *s = strbuf_take(&b, &len);
    CHECK(s && strcmp(s, "") == 0 && len == 0);
    free(s);
    strbuf_addf(&b, "%s", "");
    CHECK(b.len == 0 && strcmp(strbuf_str(&b), "") == 0);
    strbuf_setlen(&b, 5);
    CHECK(b.len == 0);

    /* Bytes (a NUL among them), strings, padding and printf, in order. */
    strbuf_init(&b);
    strbuf_add(&b, "a\0b", 3);
    strbuf_adds(&b, "cd");
    strbuf_addchars(&b, '-', 3);
    strbuf_addchars(&b, '!', 0);
    strbuf_addf(&b, "%d:%s", 42, "x");
    CHECK(b.len == 12 && memcmp(b.s, "a\0bcd---42:x", 13) == 0);

    /* Cutting back keeps the text a C string. */
    strbuf_setlen(&b, 5);
    CHECK(b.len == 5 && b.s[5] == '\0' && memcmp(b.s, "a\0bcd", 5) == 0);
    strbuf_setlen(&b, 0);
    CHECK(b.len == 0 && strcmp(b.s, "") == 0);

    /* printf text longer than the room left, and growth over many
     * doublings, lose nothing. */
    strbuf_addf(&b, "[%0300d]", 7);
    CHECK(b.len == 302 && b.s[0] == '[' && b.s[1] == '0' && b.s[300] == '7' && b.s[301] == ']' && b.s[302] == '\0');
    strbuf_setlen(&b, 0);
    for (int i = 0; i < 10000; i++)
        strbuf_addf(&b, "%d,", i % 10);
    CHECK(b.len == 20000 && b.cap > b.len && strncmp(b.s, "0,1,2,", 6) == 0 &&
          strcmp(b.s + 19994, "7,8,9,") == 0);

    /* Room made for a writer that is not the buffer's (a read()). */
    strbuf_setlen(&b, 0);
    strbuf_grow(&b, 4096);
    CHECK(b.cap - b.len >= 4097);
    memcpy(b.s, "chunk", 5);
    strbuf_setlen(&b, 5);
    CHECK(b.len == 5 && strcmp(b.s, "chunk") == 0);

    /* Taking hands over the text and leaves an empty buffer to reuse. */
    s = strbuf_take(&b, &len);
    CHECK(len == 5 && strcmp(s, "chunk") == 0);
    CHECK(b.s == NULL && b.len == 0 && b.cap == 0);
    free(s);
    strbuf_adds(&b, "again");
    s = strbuf_take(&b, NULL);
    CHECK(strcmp(s, "again") == 0);
    free(s);
    strbuf_adds(&b, "freed");
    strbuf_free(&b);
    CHECK(b.s == NULL && b.len == 0 && strcmp(strbuf_str(&b), "") == 0);
}

/* Subnormals print in their shortest round-trip form too. */
static void test_subnormal_text(void)
{
    char buf[32];
    num_format(num_inexact(1e-310), buf);
    CHECK(strcmp(buf, "1e-310") == 0);
    num_format(num_inexact(5e-324), buf);
    CHECK(strcmp(buf, "5e-324") == 0);
    num_format(num_inexact(-2.5e-320), buf);
    CHECK(strcmp(buf, "-2.5e-320") == 0);
    num_format(num_inexact(0.1 + 0.2), buf);
    CHECK(strcmp(buf, "0.30000000000000004") == 0);
}

static void test_utf8(void)
{
    CHECK(utf8_ascii("plain text, long enough", 23));
    CHECK(!utf8_ascii("caf\xc3\xa9", 5));
    CHECK(utf8_invalid("caf\xc3\xa9 au lait", 13) == 13);
    CHECK(utf8_invalid("caf\xe9", 4) == 3);               /* Windows-1252 */
    CHECK(utf8_invalid("\xc0\xaf", 2) == 0);              /* overlong */
    CHECK(utf8_invalid("\xed\xa0\x80", 3) == 0);          /* a surrogate */
    CHECK(utf8_invalid("\xf4\x90\x80\x80", 4) == 0);      /* past U+10FFFF */
    CHECK(utf8_invalid("abcdefgh\xe6\xa0", 10) == 8);     /* cut short */
    CHECK(utf8_invalid("\xf0\x9f\x98\x80", 4) == 4);      /* an emoji */
}

/* The language server's positions: 0-based lines, columns in UTF-16 code
 * units, where rubric counts bytes. */
static void test_lsp_positions(void)
{
    /* "é" is 2 bytes and 1 unit, "😀" 4 bytes and 2 units. */
    const char text[] = "ab\n\xc3\xa9x\xf0\x9f\x98\x80y\r\nlast";
    source *s = source_from_string("t.rules", text, sizeof text - 1);
    lsp_pos p = lsp_pos_of(s, 3 + 2); /* the x after é */
    CHECK(p.line == 1 && p.character == 1);
    p = lsp_pos_of(s, 3 + 7); /* the y after the emoji */
    CHECK(p.line == 1 && p.character == 4);
    p = lsp_pos_of(s, 3 + 4); /* inside the emoji: its start */
    CHECK(p.line == 1 && p.character == 2);
    p = lsp_pos_of(s, 9999);
    CHECK(p.line == 2 && p.character == 4);
    CHECK(lsp_offset_of(s, (lsp_pos){1, 4}) == 3 + 7);
    CHECK(lsp_offset_of(s, (lsp_pos){1, 1}) == 3 + 2);
    CHECK(lsp_offset_of(s, (lsp_pos){1, 3}) == 3 + 3);   /* between the surrogates: the emoji's start */
    CHECK(lsp_offset_of(s, (lsp_pos){1, 99}) == 3 + 8);  /* past the end: before the \r\n */
    CHECK(lsp_offset_of(s, (lsp_pos){7, 0}) == sizeof text - 1);
    source_free(s);

    char *path = lsp_uri_to_path("file:///tmp/a%20b/c%C3%A9.rules");
    CHECK(path && strcmp(path, "/tmp/a b/c\xc3\xa9.rules") == 0);
    char *uri = lsp_path_to_uri(path);
    CHECK(strcmp(uri, "file:///tmp/a%20b/c%C3%A9.rules") == 0);
    free(path);
    free(uri);
    CHECK(lsp_uri_to_path("untitled:Untitled-1") == NULL);
    CHECK(lsp_uri_to_path("file://elsewhere/x") == NULL);
    path = lsp_path_key("/no/such/dir/./a/../b.rules");
    CHECK(strcmp(path, "/no/such/dir/b.rules") == 0);
    free(path);
}

/* LSP's framing: a header with the length, an empty line, the body. */
static void test_lsp_framing(void)
{
    char in[] = "Content-Length: 2\r\nContent-Type: x\r\n\r\n{}"
                      "Content-Lenght: 5\r\n\r\n"          /* a misspelt header: skipped */
                      "garbage{}Content-Length: 3\r\n\r\n[1]"  /* found again after garbage */
                      "Content-Length: 999999999999\r\n\r\n"   /* too large */
                      "content-length:  4\n\nnull"             /* any case, bare line ends */
                      "Content-Length: 10\r\n\r\n{\"cut";      /* the input ends inside it */
    FILE *f = fmemopen(in, sizeof in - 1, "r");
    char *body;
    size_t len;
    CHECK(rpc_read(f, &body, &len) == RPC_OK && len == 2 && strcmp(body, "{}") == 0);
    free(body);
    CHECK(rpc_read(f, &body, &len) == RPC_BAD_HEADER);
    CHECK(rpc_read(f, &body, &len) == RPC_OK && strcmp(body, "[1]") == 0);
    free(body);
    CHECK(rpc_read(f, &body, &len) == RPC_TOO_BIG);
    CHECK(rpc_read(f, &body, &len) == RPC_OK && strcmp(body, "null") == 0);
    free(body);
    CHECK(rpc_read(f, &body, &len) == RPC_EOF);
    CHECK(rpc_read(f, &body, &len) == RPC_EOF);
    fclose(f);

    char *out = NULL;
    size_t outlen = 0;
    f = open_memstream(&out, &outlen);
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "x", "\xc3\xa9");
    CHECK(rpc_write(f, msg));
    cJSON_Delete(msg);
    fclose(f);
    CHECK(strcmp(out, "Content-Length: 10\r\n\r\n{\"x\":\"\xc3\xa9\"}") == 0);
    free(out);
    /* A byte that is not UTF-8 (a Latin-1 policy's) goes out as U+FFFD,
     * counted in the length. */
    f = open_memstream(&out, &outlen);
    msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "x", "caf\xe9");
    CHECK(rpc_write(f, msg));
    cJSON_Delete(msg);
    fclose(f);
    CHECK(strcmp(out, "Content-Length: 14\r\n\r\n{\"x\":\"caf\xef\xbf\xbd\"}") == 0);
    free(out);
}

/* Whether a number is written as a percentage: what explain, report and
 * the lints show as one. */
static void test_written_in_percent(void)
{
    char msgs[4096] = "";
    policy *p = load("input a: number\n"
                     "param green_at = 50%\n"
                     "let alias = green_at\n"
                     "let chain = alias\n"
                     "let twice = 25% * 2\n"
                     "let fn = min(25%, 26%)\n"
                     "let neg = -5%\n"
                     "let pick = if a > 1 then 5 else 10%\n"
                     "let plain = 0.25\n"
                     "let ratio = a / 4\n"
                     "let of_input = a\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    static const struct { const char *name; bool pct; } cases[] = {
        {"green_at", true}, {"alias", true}, {"chain", true}, {"twice", true}, {"fn", true},
        {"neg", true}, {"pick", true}, {"plain", false}, {"ratio", false}, {"of_input", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const symbol *s = policy_lookup(p, cases[i].name);
        CHECK(s && s->decl && expr_written_in_percent(s->decl->value) == cases[i].pct);
    }
    CHECK(!expr_written_in_percent(NULL));
    policy_free(p);
}

/* backtest's figures: a run of equal scores counts half against each
 * other and stays in one decile; unbanded observations count in nothing
 * else; the ratios print as the double nearest the fraction. */
static void test_backtest_figures(void)
{
    /* band 0 (worst) scores 0, band 1 50, band 2 100; one na. */
    bt_obs obs[] = {{100, 2, false}, {0, 0, true}, {50, 1, true}, {50, 1, false}, {0, 0, false},
                    {100, 2, true}, {0, -1, true}, {100, 2, false}};
    bt_result r;
    backtest_compute(obs, 8, 3, &r);
    CHECK(r.all.accounts == 7 && r.all.events == 3);
    CHECK(r.unbanded.accounts == 1 && r.unbanded.events == 1);
    CHECK(r.bands[0].accounts == 2 && r.bands[0].events == 1);
    CHECK(r.bands[1].accounts == 2 && r.bands[1].events == 1);
    CHECK(r.bands[2].accounts == 3 && r.bands[2].events == 1);
    /* Events 0, 50, 100 against quiet 0, 50, 100, 100: pairs won
     * (event lower) 3 + 2 + 0, tied 1 + 1 + 2: (5 + 2) / 12, twice. */
    CHECK(r.auc_den == 24 && r.auc_num == 14);
    /* Scores 0 0 50 50 100 100 100: decile of 0 is 1, of 50 (2 below) 3,
     * of 100 (4 below) floor(40 / 7) + 1 = 6. */
    CHECK(r.deciles[0].accounts == 2 && r.deciles[2].accounts == 2 && r.deciles[5].accounts == 3);
    CHECK(r.deciles[1].accounts == 0 && r.deciles[5].min == 100 && r.deciles[5].events == 1);
    char buf[48];
    backtest_ratio_text(1, 3, buf);
    CHECK(strcmp(buf, "0.3333333333333333") == 0);
    backtest_ratio_text(14, 24, buf);
    CHECK(strcmp(buf, "0.5833333333333334") == 0);
    backtest_ratio_text(1, 0, buf);
    CHECK(strcmp(buf, "null") == 0);
    int64_t p, q;
    backtest_lift(&r, 0, &p, &q);
    CHECK(p == 7 && q == 6);
    backtest_ratio_people(1, 3, true, buf, sizeof buf);
    CHECK(strcmp(buf, "33.3%") == 0);
    backtest_result_free(&r);
    /* No observation at all: no AUC, every decile empty. */
    backtest_compute(obs, 0, 3, &r);
    CHECK(r.auc_den == 0 && r.all.accounts == 0 && r.deciles[0].accounts == 0);
    backtest_result_free(&r);
}

/* calibrate's figures: exact type 7 quantiles, the mean, what each band
 * gets, and the cuts that give a target share. */
static void test_calstats(void)
{
    rb_num x[4] = {num_from_int(1), num_from_int(2), num_from_int(3), num_from_int(4)};
    CHECK(num_cmp(calstats_quantile(x, 4, num_from_frac(1, 4)), parse("1.75")) == 0);
    CHECK(num_cmp(calstats_quantile(x, 4, num_from_frac(1, 2)), parse("2.5")) == 0);
    CHECK(num_cmp(calstats_quantile(x, 4, num_from_int(0)), x[0]) == 0);
    CHECK(num_cmp(calstats_quantile(x, 4, num_from_int(1)), x[3]) == 0);
    CHECK(num_cmp(calstats_quantile(x, 1, num_from_frac(1, 2)), x[0]) == 0);
    /* 0.1, 0.2, 0.3: the exact answers, where doubles give 0.15000000000000002. */
    rb_num t[3] = {parse("0.1"), parse("0.2"), parse("0.3")};
    CHECK(num_cmp(calstats_quantile(t, 3, num_from_frac(1, 4)), parse("0.15")) == 0);
    CHECK(calstats_mean(t, 3) == 0.2);

    /* Gathering: na, bands, an overflow below every cut; sorted after. */
    calstats c;
    calstats_init(&c, 3);
    rb_value v = value_na();
    calstats_add(&c, &v);
    int bands[] = {2, 0, 1, 0};
    const char *nums[] = {"0.9", "0.05", "0.3", "0.1"};
    for (int i = 0; i < 4; i++) {
        v = value_num(parse(nums[i]));
        v.kind = VK_BANDED;
        v.band = bands[i];
        calstats_add(&c, &v);
    }
    v = value_num(num_inexact(-INFINITY));
    v.kind = VK_BANDED;
    v.band = 0;
    calstats_add(&c, &v);
    CHECK(c.accounts == 6 && c.na == 1 && c.nvalues == 4 && c.overflowed == 1 && c.overflowed_low == 1);
    CHECK(c.band_counts[0] == 3 && c.band_counts[1] == 1 && c.band_counts[2] == 1 && c.no_band == 0);
    calstats_sort(&c);
    rb_num q[5];
    double mean;
    calstats_summary(&c, q, &mean);
    CHECK(num_cmp(q[0], parse("0.05")) == 0 && num_cmp(q[4], parse("0.9")) == 0);
    CHECK(num_cmp(q[2], parse("0.2")) == 0 && mean == 0.3375);
    calstats_free(&c);

    /* red < 25%, yellow < 50%, green >= 50% over 0.01 .. 1.00: 30% red and
     * 30% yellow cut at the type 7 quantiles, green takes the rest. */
    char msgs[2048] = "";
    policy *p = load("input a: number\n"
                     "scheme rag\n  red scores 0\n  yellow scores 50\n  green scores 100\n"
                     "measure m = a scheme rag\n  red < 25%\n  yellow < 50%\n  green >= 50%\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p) {
        printf("  %s\n", msgs);
        return;
    }
    program *prog = compile_as_of(p, "2026-11-01");
    const step *st = program_step(prog, policy_lookup(p, "m"));
    CHECK(st && calstats_bands_ascend(st));
    calstats_init(&c, 3);
    for (int i = 1; i <= 100; i++) {
        v = value_num(num_from_frac(i, 100));
        v.kind = VK_BANDED;
        v.band = i < 25 ? 0 : i < 50 ? 1 : 2;
        calstats_add(&c, &v);
    }
    calstats_sort(&c);
    rb_num share[3] = {num_from_frac(3, 10), num_from_frac(3, 10), num_from_frac(4, 10)};
    bool wanted[3] = {true, true, true};
    cal_cut cut[3];
    int n = calstats_suggest(&c, st, share, wanted, cut);
    CHECK(n == 3);
    CHECK(cut[0].band == 0 && cut[0].op == OP_LT && num_cmp(cut[0].limit, parse("0.307")) == 0 && cut[0].accounts == 30);
    CHECK(cut[1].band == 1 && cut[1].op == OP_LT && num_cmp(cut[1].limit, parse("0.604")) == 0 && cut[1].accounts == 30);
    CHECK(cut[2].band == 2 && cut[2].op == OP_GE && num_cmp(cut[2].limit, parse("0.604")) == 0 && cut[2].accounts == 40);
    char buf[64];
    calstats_exact_text(cut[0].limit, true, buf, sizeof buf);
    CHECK(strcmp(buf, "30.7%") == 0);
    calstats_number_text(num_inexact(INFINITY), buf);
    CHECK(strcmp(buf, "null") == 0);
    calstats_free(&c);
    program_free(prog);
    policy_free(p);
}

/* The array text as the key "l" of a JSON record, between two other
 * wanted keys' arrays the reader notes too, read by the reader, which
 * checks it and notes its elements: the open reader,
 * with the key's cell in *c, or NULL with "BAD:" and what the reader said
 * in out when it refuses the record. */
static reader *list_read(const char *text, cell *c, char *out, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/rubric-unit-%d-list.json", (int)getpid());
    FILE *f = fopen(path, "wb");
    fprintf(f, "[{\"x\": [{\"id\": \"x\"}, 1], \"l\": %s, \"y\": [{\"n\": 2}, {}]}]", text);
    fclose(f);
    static const char *const keys[] = {"x", "l", "y"};
    static const bool req[] = {false, false, false};
    diag quiet;
    diag_init(&quiet, NULL);
    reader *r = reader_open(path, NULL, keys, req, 3, &quiet);
    record_pos pos;
    cell cells[3];
    read_status st = r ? reader_next(r, cells, &pos) : READ_FATAL;
    *c = cells[1];
    unlink(path);
    if (st == READ_OK && c->state == CELL_NESTED && c->s[0] == '[')
        return r;
    snprintf(out, cap, "BAD:%.400s", quiet.kept);
    reader_close(r);
    return NULL;
}

/* The cells of a JSON list, each element "a,b,c;" ("-" missing, "<...>"
 * nested), or "ERR:message", or "BAD:..." (list_read). */
static long list_cells(const char *text, json_list_buf *buf, char *out, size_t cap)
{
    static const char *const fields[] = {"id", "n", "d"};
    char err[256];
    out[0] = '\0';
    cell c;
    reader *r = list_read(text, &c, out, cap);
    if (!r)
        return -2;
    long n = json_list_cells(c.list, fields, 3, buf, err, sizeof err);
    if (n < 0)
        snprintf(out, cap, "ERR:%s", err);
    for (long i = 0; i < n; i++)
        for (int f = 0; f < 3; f++) {
            const cell *e = &buf->cells[i * 3 + f];
            size_t used = strlen(out);
            const char *sep = f == 2 ? ";" : ",";
            if (e->state == CELL_MISSING)
                snprintf(out + used, cap - used, "-%s", sep);
            else if (e->state == CELL_NESTED)
                snprintf(out + used, cap - used, "<%.*s>%s", (int)e->len, e->s, sep);
            else
                snprintf(out + used, cap - used, "%.*s%s", (int)e->len, e->s, sep);
        }
    reader_close(r);
    return n;
}

static void test_json_list(void)
{
    json_list_buf buf = {0};
    char out[512];
    /* Fields by key in any order, other keys ignored, null and absent keys
     * missing, numbers and words as written. */
    CHECK(list_cells("[{\"id\": \"i1\", \"x\": [1, {\"y\": \"]\"}], \"n\": 0.10000000000000001, \"d\": \"2026-01-02\"},\n"
                     " {\"d\": null, \"id\": \"i2\"}, {\"n\": -1E-400, \"d\": true, \"id\": false}]",
                     &buf, out, sizeof out) == 3);
    CHECK(strcmp(out, "i1,0.10000000000000001,2026-01-02;i2,-,-;false,-1E-400,true;") == 0);
    CHECK(list_cells("[]", &buf, out, sizeof out) == 0);
    CHECK(list_cells(" [ \n ] ", &buf, out, sizeof out) == 0);
    CHECK(list_cells("[{}]", &buf, out, sizeof out) == 1 && strcmp(out, "-,-,-;") == 0);
    /* Escapes, surrogate pairs to UTF-8; an escaped key is its text. */
    CHECK(list_cells("[{\"\\u0069d\": \"a\\\"b\\\\c\\/d\\n\\t\", \"n\": \"\\u00e9\\u20ac\\ud83d\\ude00\"}]", &buf, out,
                     sizeof out) == 1);
    CHECK(strcmp(out, "a\"b\\c/d\n\t,\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80,-;") == 0);
    CHECK(list_cells("[{\"id\": \"a\"}, {\"id\": \"b\", \"d\": \"x\\u0000y\"}]", &buf, out, sizeof out) == -1);
    CHECK(strcmp(out, "ERR:[2]: key 'd': a text value holds a NUL character (\\u0000)") == 0);
    /* A key holding a NUL is no field; an escaped backslash before u0000 is text. */
    CHECK(list_cells("[{\"i\\u0000d\": \"x\", \"id\": \"\\\\u0000\"}]", &buf, out, sizeof out) == 1);
    CHECK(strcmp(out, "\\u0000,-,-;") == 0);
    /* A field's key twice is an error; another key twice is not ours. */
    CHECK(list_cells("[{\"id\": \"a\"}, {\"id\": \"b\", \"n\": 1, \"id\": \"c\"}]", &buf, out, sizeof out) == -1);
    CHECK(strcmp(out, "ERR:[2]: key 'id' appears twice") == 0);
    CHECK(list_cells("[{\"id\": null, \"id\": \"c\"}]", &buf, out, sizeof out) == -1);
    CHECK(list_cells("[{\"x\": 1, \"x\": 2, \"id\": \"c\"}]", &buf, out, sizeof out) == 1);
    /* Elements that are no record, named by their position. */
    CHECK(list_cells("[{\"id\": \"a\"}, [1]]", &buf, out, sizeof out) == -1);
    CHECK(strcmp(out, "ERR:[2]: expected a record (an object), found a list") == 0);
    CHECK(list_cells("[5]", &buf, out, sizeof out) == -1 && strcmp(out, "ERR:[1]: expected a record (an object), found a number") == 0);
    CHECK(list_cells("[{}, {}, \"x\"]", &buf, out, sizeof out) == -1 &&
          strcmp(out, "ERR:[3]: expected a record (an object), found text") == 0);
    CHECK(list_cells("[null]", &buf, out, sizeof out) == -1 && strstr(out, "found null") != NULL);
    CHECK(list_cells("[true]", &buf, out, sizeof out) == -1 && strstr(out, "found true") != NULL);
    /* Only the elements up to the first that is no record are noted. */
    CHECK(list_cells("[{}, 1, {\"id\": \"a\"}, 2]", &buf, out, sizeof out) == -1 &&
          strcmp(out, "ERR:[2]: expected a record (an object), found a number") == 0);
    /* Arrays inside an element, or inside an object, are not elements. */
    CHECK(list_cells("[{\"id\": [{\"id\": \"x\"}], \"n\": {\"d\": [{\"id\": 1}]}}, {\"d\": \"y\"}]", &buf, out,
                     sizeof out) == 2);
    CHECK(strcmp(out, "<a list>,<an object>,-;-,-,y;") == 0);
    /* A list or an object where a field belongs. */
    CHECK(list_cells("[{\"id\": {\"a\": [1, \"}\"]}, \"n\": [1, {\"b\": 2}], \"d\": []}]", &buf, out, sizeof out) == 1);
    CHECK(strcmp(out, "<an object>,<a list>,<a list>;") == 0);
    /* Text that is not valid JSON never reaches the list: the reader's
     * check refuses the record. */
    static const char *const cut[] = {"[", "[{", "[{\"id\"", "[{\"id\":", "[{\"id\": \"a", "[{\"id\": \"a\"",
                                      "[{\"id\": \"a\\u12\"}]", "[{\"id\": \"\\ud800\"}]", "[{\"id\": [1, 2}", "[{}"};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++)
        CHECK(list_cells(cut[i], &buf, out, sizeof out) == -2);
    /* 100,000 elements in one account; then a smaller list reuses the
     * buffer without allocating. */
    strbuf big = {0};
    strbuf_add(&big, "[", 1);
    for (int i = 0; i < 100000; i++) {
        char el[64];
        int n = snprintf(el, sizeof el, "%s{\"id\": \"e\\u0041%d\", \"n\": %d}", i ? "," : "", i, i);
        strbuf_add(&big, el, (size_t)n);
    }
    strbuf_add(&big, "]", 1);
    static const char *const fields[] = {"id", "n", "d"};
    char err[128];
    cell c;
    reader *r = list_read(big.s, &c, out, sizeof out);
    CHECK(r && json_list_cells(c.list, fields, 3, &buf, err, sizeof err) == 100000);
    CHECK(buf.cells[99999 * 3].len == 7 && memcmp(buf.cells[99999 * 3].s, "eA99999", 7) == 0);
    CHECK(buf.cells[99999 * 3 + 1].len == 5 && memcmp(buf.cells[99999 * 3 + 1].s, "99999", 5) == 0);
    CHECK(buf.cells[99999 * 3 + 2].state == CELL_MISSING);
    reader_close(r);
    strbuf_free(&big);
    cell *cells = buf.cells;
    char *text = buf.text;
    CHECK(list_cells("[{\"id\": \"\\u0041\"}, {\"id\": \"\\u0042\"}]", &buf, out, sizeof out) == 2);
    CHECK(strcmp(out, "A,-,-;B,-,-;") == 0 && buf.cells == cells && buf.text == text);
    json_list_buf_free(&buf);
    CHECK(buf.cells == NULL && buf.cap == 0);
    /* The check notes the elements of a wanted key's array only. */
    char path[256];
    snprintf(path, sizeof path, "/tmp/rubric-unit-%d-lists.ndjson", (int)getpid());
    FILE *f = fopen(path, "wb");
    fputs("{\"other\": [{\"a\": 1}, {\"a\": 2}, {\"b\": [{\"c\": 3}]}], \"l\": [{\"id\": \"x\"}], \"n\": [{}]}\n"
          "{\"o\\u0074her\": [{\"a\": 1}], \"\\u006c\": [{\"id\": \"e\"}, {}]}\n",
          f);
    fclose(f);
    static const char *const keys[] = {"l", "n"};
    static const bool req[] = {false, false};
    diag quiet;
    diag_init(&quiet, NULL);
    reader *one = reader_open(path, NULL, keys, req, 2, &quiet);
    cell two[2];
    record_pos pos;
    CHECK(one && reader_next(one, two, &pos) == READ_OK);
    CHECK(one && one->narrays == 2 && one->nelems == 2 && one->nemembers == 1);
    CHECK(two[0].list && two[0].list->nelems == 1 && two[1].list && two[1].list->nelems == 1);
    /* An escaped key is matched once unescaped: its array is noted in case. */
    CHECK(one && reader_next(one, two, &pos) == READ_OK);
    CHECK(one && one->narrays == 2 && two[0].list && two[0].list->nelems == 2 && two[1].state == CELL_MISSING);
    static const char *const id[] = {"id"};
    CHECK(one && json_list_cells(two[0].list, id, 1, &buf, err, sizeof err) == 2 && buf.cells[0].len == 1 &&
          buf.cells[0].s[0] == 'e' && buf.cells[1].state == CELL_MISSING);
    json_list_buf_free(&buf);
    reader_close(one);
    unlink(path);
}

/* A --table file's rows for the accounts asked, in order (ids separated
 * by spaces): "ID:kind,n@record;...|" per account, then "orphans N" and
 * the warning.  "OPEN: message" when it cannot be opened. */
static void table_run(const char *name, const char *text, const char *asked, char *out, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/rubric-unit-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    static const char *const fields[] = {"kind", "n"};
    diag quiet;
    diag_init(&quiet, NULL);
    out[0] = '\0';
    table_src *t = table_open("instances", path, NULL, "account_id", fields, 2, &quiet);
    if (!t) {
        snprintf(out, cap, "OPEN: %s", quiet.kept + strlen(path));
        unlink(path);
        return;
    }
    CHECK(strcmp(table_list(t), "instances") == 0);
    char ids[256];
    snprintf(ids, sizeof ids, "%s", asked);
    for (char *id = strtok(ids, " "); id; id = strtok(NULL, " ")) {
        const cell *cells;
        const record_pos *pos;
        long n = table_rows(t, id, strlen(id), &cells, &pos);
        size_t used = strlen(out);
        used += (size_t)snprintf(out + used, cap - used, "%s:", id);
        for (long r = 0; r < n; r++)
            for (int k = 0; k < 2; k++) {
                const cell *c = &cells[r * 2 + k];
                if (c->state == CELL_MISSING)
                    used += (size_t)snprintf(out + used, cap - used, "-");
                else
                    used += (size_t)snprintf(out + used, cap - used, "%.*s", (int)c->len, c->s);
                used += (size_t)(k ? snprintf(out + used, cap - used, "@%ld;", pos[r].record)
                                   : snprintf(out + used, cap - used, ","));
            }
        snprintf(out + used, cap - used, "|");
    }
    quiet.kept[0] = '\0';
    long orphans = table_finish(t, "data.csv");
    size_t used = strlen(out);
    const char *said = strstr(quiet.kept, ": ");
    snprintf(out + used, cap - used, "orphans %ld%s", orphans, said && orphans ? said : "");
    table_close(t);
    unlink(path);
}

static void test_table(void)
{
    char out[1024];
    /* In id order (runs of digits as numbers): streamed. */
    const char *sorted = "account_id,n,kind\nA1,1,prod\nA1,2,\nA2,3,stage\nA10,4,prod\n";
    table_run("t1.csv", sorted, "A1 A2 A3 A10", out, sizeof out);
    CHECK(strcmp(out, "A1:prod,1@1;-,2@2;|A2:stage,3@3;|A3:|A10:prod,4@4;|orphans 0") == 0);
    /* In byte order (LC_ALL=C sort), asked in natural order: streamed too. */
    table_run("t1b.csv", "account_id,n,kind\nA1,1,prod\nA10,4,prod\nA2,3,stage\nA3,5,x\n", "A1 A2 A10", out, sizeof out);
    CHECK(strcmp(out, "A1:prod,1@1;|A2:stage,3@3;|A10:prod,4@2;|orphans 1: 1 row names an account not in data.csv ('A3')") == 0);
    /* The accounts out of order: the rows passed are held until asked. */
    table_run("t2.csv", sorted, "A10 A2 A1", out, sizeof out);
    CHECK(strcmp(out, "A10:prod,4@4;|A2:stage,3@3;|A1:prod,1@1;-,2@2;|orphans 0") == 0);
    /* Shuffled: held whole, each id's rows in the table's order. */
    const char *shuffled = "account_id,n,kind\nA10,4,prod\nA1,1,prod\nA2,3,stage\nA1,2,\n";
    table_run("t3.csv", shuffled, "A1 A2 A3 A10", out, sizeof out);
    CHECK(strcmp(out, "A1:prod,1@2;-,2@4;|A2:stage,3@3;|A3:|A10:prod,4@1;|orphans 0") == 0);
    /* An account asked twice gets its rows once, in both ways. */
    table_run("t4.csv", sorted, "A1 A1 A2", out, sizeof out);
    CHECK(strncmp(out, "A1:prod,1@1;-,2@2;|A1:|A2:stage,3@3;|orphans 1", 46) == 0);
    table_run("t5.csv", shuffled, "A2 A2", out, sizeof out);
    CHECK(strncmp(out, "A2:stage,3@3;|A2:|orphans 3", 27) == 0);
    /* Rows no account asked for: counted, the first ids named in the
     * table's order, whether held or left in the stream. */
    const char *orphans = "account_id,kind,n\nA0,x,1\nA1,p,2\nA3,x,3\nA3,x,4\nA4,p,5\nA7,x,6\nA9,x,7\n";
    table_run("t6.csv", orphans, "A1 A4", out, sizeof out);
    CHECK(strcmp(out, "A1:p,2@2;|A4:p,5@5;|orphans 5: 5 rows name accounts not in data.csv (first: 'A0', 'A3', 'A7')") == 0);
    const char *orphans2 = "account_id,kind,n\nA9,x,7\nA1,p,2\nA3,x,3\nA0,x,1\nA4,p,5\nA3,x,4\n";
    table_run("t7.csv", orphans2, "A1 A4 A5", out, sizeof out);
    CHECK(strcmp(out, "A1:p,2@2;|A4:p,5@5;|A5:|orphans 4: 4 rows name accounts not in data.csv (first: 'A9', 'A3', 'A0')") == 0);
    table_run("t8.csv", orphans, "A0 A1 A3 A4 A7", out, sizeof out);
    CHECK(strstr(out, "orphans 1: 1 row names an account not in data.csv ('A9')") != NULL);
    /* Empty, header only, a missing column. */
    table_run("t9.csv", "", "A1", out, sizeof out);
    CHECK(strstr(out, "OPEN: : no header line") != NULL);
    table_run("t10.csv", "account_id,kind,n\n", "A1 A2", out, sizeof out);
    CHECK(strcmp(out, "A1:|A2:|orphans 0") == 0);
    table_run("t11.csv", "account_id,kind,nn\nA1,x,1\n", "A1", out, sizeof out);
    CHECK(strcmp(out, "OPEN: : header: no column 'n' (did you mean 'nn'?)") == 0);
    table_run("t12.csv", "id,kind,n\nA1,x,1\n", "A1", out, sizeof out);
    CHECK(strstr(out, "no column 'account_id'") != NULL);
    /* A byte order mark and CRLF line ends. */
    table_run("t13.csv", "\xEF\xBB\xBF" "account_id,kind,n\r\nA1,x,1\r\nA2,y,\r\n", "A1 A2", out, sizeof out);
    CHECK(strcmp(out, "A1:x,1@1;|A2:y,-@2;|orphans 0") == 0);
    /* Ids that look alike are different accounts, compared exactly. */
    const char *alike = "account_id,kind,n\nA01,a,1\nA1,b,2\nA1 ,c,3\na1,d,4\n";
    table_run("t14.csv", alike, "A1 a1 A01 A1\x20", out, sizeof out);
    CHECK(strcmp(out, "A1:b,2@2;|a1:d,4@4;|A01:a,1@1;|A1:|orphans 1: 1 row names an account not in data.csv ('A1 ')") == 0);
    /* A malformed row, or one without an id, is the whole table's error. */
    table_run("t15.csv", "account_id,kind,n\nA1,x,1\nA2,x\n", "A1", out, sizeof out);
    CHECK(strstr(out, "OPEN: : record 2 (line 3): 2 fields, but the header has 3") != NULL);
    table_run("t16.csv", "account_id,kind,n\n,x,1\n", "A1", out, sizeof out);
    CHECK(strstr(out, "record 1 (line 2): no account id ('account_id' is empty); each row of --table instances") != NULL);
    table_run("t17.csv", "account_id,kind,n\nA2,x,1\nA1,x,\"2\n", "A1", out, sizeof out);
    CHECK(strstr(out, "OPEN: : line 3: a quoted field is not closed") != NULL);

    /* A pipe cannot be read twice: held whole, whatever its order. */
    char fifo[256];
    snprintf(fifo, sizeof fifo, "/tmp/rubric-unit-%d-fifo.csv", (int)getpid());
    unlink(fifo);
    CHECK(mkfifo(fifo, 0600) == 0);
    pid_t child = fork();
    if (child == 0) {
        FILE *w = fopen(fifo, "w");
        fputs(sorted, w);
        fclose(w);
        _exit(0);
    }
    static const char *const fields[] = {"kind", "n"};
    diag quiet;
    diag_init(&quiet, NULL);
    table_src *t = table_open("instances", fifo, NULL, "account_id", fields, 2, &quiet);
    CHECK(t != NULL);
    waitpid(child, NULL, 0);
    if (t) {
        const cell *cells;
        const record_pos *pos;
        CHECK(table_rows(t, "A2", 2, &cells, &pos) == 1 && pos[0].record == 3 && cells[0].len == 5);
        CHECK(table_rows(t, "A1", 2, &cells, &pos) == 2 && pos[1].record == 2 && cells[2].state == CELL_MISSING);
        CHECK(table_finish(t, "data.csv") == 1);
        table_close(t);
    }
    unlink(fifo);
}

/* SHA-256 against FIPS 180-2's examples, one of them fed in pieces. */
static void test_sha256(void)
{
    char hex[65];
    sha256 s;
    sha256_init(&s);
    sha256_hex(&s, hex);
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_hex(&s, hex);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_init(&s);
    for (const char *c = two; *c; c++)
        sha256_update(&s, c, 1);
    sha256_hex(&s, hex);
    CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
}

/* Records two periods of a small policy, then reads the earlier one back
 * through the API prev() uses: ids asked in order, out of order, absent;
 * an output the period did not record; no period before the first. */
static void record_period(history *h, const program *prog, const char *as_of, const char *const *ids, const long *users,
                          int n)
{
    diag d;
    diag_init(&d, stderr);
    history_rec *r = history_record_begin(h, prog, as_of, &d);
    CHECK(r != NULL);
    if (!r)
        return;
    frame f;
    frame_init(&f, prog);
    for (int i = 0; i < n; i++) {
        f.slots[0] = value_num(num_from_int(100));
        f.slots[1] = users[i] < 0 ? value_na() : value_num(num_from_int(users[i]));
        eval_account(prog, &f);
        history_record_put(r, ids[i], strlen(ids[i]), f.slots);
    }
    frame_free(&f);
    CHECK(history_record_commit(r, 0, &d));
}

/* history_band_counts' answers as text: "AS_OF name:band=n,...;" per
 * period, "-" for an output the period did not record as banded. */
static void collect_bands(void *ctx, const history_period *per, const history_output_bands *outs, int n)
{
    char *buf = ctx;
    size_t len = strlen(buf);
    len += (size_t)snprintf(buf + len, 1024 - len, "%s", per->as_of);
    for (int w = 0; w < n; w++) {
        len += (size_t)snprintf(buf + len, 1024 - len, " %d:", w);
        if (!outs[w].present)
            len += (size_t)snprintf(buf + len, 1024 - len, "-");
        for (int c = 0; c < outs[w].n; c++)
            len += (size_t)snprintf(buf + len, 1024 - len, "%s%s=%ld", c ? "," : "",
                                    outs[w].cells[c].na ? "na" : outs[w].cells[c].band ? outs[w].cells[c].band : "none",
                                    outs[w].cells[c].count);
    }
    snprintf(buf + len, 1024 - len, ";");
}

static void test_history(void)
{
    char msgs[4096] = "";
    policy *p = load("input seats: number\ninput users: number\n"
                     "scheme rag\n  red scores 0 when < 40\n  yellow scores 50 when < 75\n  green scores 100 when >= 75\n"
                     "measure use = users / seats\n  red < 25%\n  yellow < 50%\n  green >= 50%\n"
                     "metric n = users\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    diag d;
    diag_init(&d, stderr);
    program *prog = compile_as_of(p, "2026-10-01");
    char path[] = "/tmp/rubric-unit-history-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && prog);
    if (fd < 0 || !prog)
        return;
    close(fd);
    history *h = history_open(path, true, &d);
    CHECK(h != NULL);
    const char *ids[] = {"B", "A", "C10", "C9"};
    long sep[] = {10, 60, -1, 30}, oct[] = {70, 70, 70, 70};
    record_period(h, prog, "2026-09-01", ids, sep, 4);
    record_period(h, prog, "2026-10-01", ids, oct, 4);
    char namebuf[256];
    const char *name = history_policy_name(p, namebuf, sizeof namebuf);
    CHECK(strcmp(name, "t") == 0); /* t.rules has no `policy "..."` line */
    /* Accounts per band, period by period: na its own cell; a number
     * output or one not recorded is not counted; another policy's periods
     * are not this one's. */
    const char *banded[] = {"use", "n", "gone"};
    char got[1024] = "";
    CHECK(history_band_counts(h, name, banded, 3, collect_bands, got, &d) == 2);
    CHECK(strcmp(got, "2026-09-01 0:green=1,red=1,yellow=1,na=1 1:- 2:-;2026-10-01 0:green=4 1:- 2:-;") == 0);
    got[0] = '\0';
    CHECK(history_band_counts(h, "another", banded, 3, collect_bands, got, &d) == 0 && got[0] == '\0');
    const char *want[] = {"n", "gone", "use"};
    history_prev *pv = history_prev_open(h, name, "2026-10-01", want, 3, &d);
    CHECK(pv && history_prev_as_of(pv) && strcmp(history_prev_as_of(pv), "2026-09-01") == 0);
    const history_value *v = NULL;
    /* In byte order first (A, B, C10, C9), then back and out of order. */
    CHECK(pv && history_prev_find(pv, "A", 1, &v, &d) == 1);
    CHECK(v && v[0].present && v[0].cell && strcmp(v[0].cell, "60") == 0 && v[0].has_value && v[0].value == 60);
    CHECK(v && !v[1].present);
    CHECK(v && v[2].present && v[2].band && strcmp(v[2].band, "green") == 0 && v[2].has_score && v[2].score == 100 &&
          v[2].value == 0.6);
    CHECK(pv && history_prev_find(pv, "AA", 2, &v, &d) == 0);
    CHECK(pv && history_prev_find(pv, "B", 1, &v, &d) == 1 && v[2].band && strcmp(v[2].band, "red") == 0);
    CHECK(pv && history_prev_find(pv, "C10", 3, &v, &d) == 1 && !v[0].cell && !v[2].cell && !v[2].has_value);
    CHECK(pv && history_prev_find(pv, "C9", 2, &v, &d) == 1 && v[2].band && strcmp(v[2].band, "yellow") == 0);
    CHECK(pv && history_prev_find(pv, "D", 1, &v, &d) == 0);
    CHECK(pv && history_prev_find(pv, "A", 1, &v, &d) == 1 && strcmp(v[0].cell, "60") == 0);
    CHECK(pv && history_prev_find(pv, "C9", 2, &v, &d) == 1);
    CHECK(pv && history_prev_find(pv, "B", 1, &v, &d) == 1 && strcmp(v[0].cell, "10") == 0);
    history_prev_close(pv);
    /* Before the first period there is none: no error, nothing found. */
    pv = history_prev_open(h, name, "2026-09-01", want, 3, &d);
    CHECK(pv && history_prev_as_of(pv) == NULL && history_prev_find(pv, "A", 1, &v, &d) == 0);
    history_prev_close(pv);
    /* Another policy's periods are not this one's previous period. */
    pv = history_prev_open(h, "another", "2026-12-01", want, 3, &d);
    CHECK(pv && history_prev_as_of(pv) == NULL);
    history_prev_close(pv);
    pv = history_prev_open(h, name, "2027-01-01", want, 3, &d);
    CHECK(pv && history_prev_as_of(pv) && strcmp(history_prev_as_of(pv), "2026-10-01") == 0);
    history_prev_close(pv);
    /* A run that reads the previous period while it records its own, as
     * prev() does: the reader opened after the recording began. */
    history_rec *r = history_record_begin(h, prog, "2026-11-01", &d);
    pv = history_prev_open(h, name, "2026-11-01", want, 3, &d);
    CHECK(r && pv && history_prev_as_of(pv) && strcmp(history_prev_as_of(pv), "2026-10-01") == 0);
    frame f;
    frame_init(&f, prog);
    for (int i = 0; r && pv && i < 3000; i++) {
        char id[16];
        int len = snprintf(id, sizeof id, "%c", "ABCD"[i % 4]);
        if (i >= 4)
            len = snprintf(id, sizeof id, "N%d", i);
        CHECK(history_prev_find(pv, id, (size_t)len, &v, &d) == (i < 2 ? 1 : 0)); /* October had A and B */
        f.slots[0] = value_num(num_from_int(100));
        f.slots[1] = value_num(num_from_int(i));
        eval_account(prog, &f);
        history_record_put(r, id, (size_t)len, f.slots);
    }
    frame_free(&f);
    history_prev_close(pv);
    CHECK(r && history_record_commit(r, 0, &d));
    pv = history_prev_open(h, name, "2026-12-01", want, 3, &d);
    CHECK(pv && history_prev_find(pv, "N2999", 5, &v, &d) == 1 && strcmp(v[0].cell, "2999") == 0);
    CHECK(pv && history_prev_find(pv, "C", 1, &v, &d) == 1 && strcmp(v[0].cell, "2") == 0);
    history_prev_close(pv);
    history_close(h);
    unlink(path);
    program_free(prog);
    policy_free(p);
}

/* A value no band catches is its own cell, apart from na. */
static void test_history_no_band(void)
{
    char msgs[4096] = "";
    policy *p = load("input seats: number\ninput users: number\n"
                     "scheme rag\n  red scores 0 when < 40\n  yellow scores 50 when < 75\n  green scores 100 when >= 75\n"
                     "measure use = users / seats\n  red < 25%\n  green >= 50%\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    diag d;
    diag_init(&d, stderr);
    program *prog = compile_as_of(p, "2026-10-01");
    char path[] = "/tmp/rubric-unit-history-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && prog);
    if (fd < 0 || !prog)
        return;
    close(fd);
    history *h = history_open(path, true, &d);
    CHECK(h != NULL);
    const char *ids[] = {"A", "B", "C", "D", "E"};
    long users[] = {10, 30, -1, 60, 40};
    record_period(h, prog, "2026-09-01", ids, users, 5);
    const char *want[] = {"use"};
    char got[1024] = "";
    CHECK(history_band_counts(h, "t", want, 1, collect_bands, got, &d) == 1);
    CHECK(strcmp(got, "2026-09-01 0:green=1,red=1,none=2,na=1;") == 0);
    history_close(h);
    unlink(path);
    program_free(prog);
    policy_free(p);
}


/* A URI's password never reaches a message. */
static void test_db_names(void)
{
    CHECK(db_kind_of("postgresql://h/db") == DB_POSTGRES);
    CHECK(db_kind_of("postgres://h/db") == DB_POSTGRES);
    CHECK(db_kind_of("sqlite:a.db") == DB_SQLITE);
    CHECK(db_kind_of("accounts.csv") == DB_NONE);
    CHECK(db_kind_of("postgresql:x") == DB_NONE);
    static const char *const cases[][2] = {
        {"postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db"},
        {"postgres://u@h/db", "postgres://u@h/db"},
        {"postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"},
        {"postgresql:///db?host=/tmp&password=secret&user=u", "postgresql:///db?host=/tmp&password=***&user=u"},
        {"postgresql://h/db?password=x", "postgresql://h/db?password=***"},
        {"postgresql://u:pw@/db?host=/s", "postgresql://u:***@/db?host=/s"},
        {"postgresql://h:5432/a@b", "postgresql://h:5432/a@b"},
        {"sqlite:x:y.db", "sqlite:x:y.db"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[256];
        db_shown(cases[i][0], buf, sizeof buf);
        CHECK(strcmp(buf, cases[i][1]) == 0);
        if (strcmp(buf, cases[i][1]) != 0)
            fprintf(stderr, "  db_shown(%s) = %s\n", cases[i][0], buf);
    }
    char tiny[8];
    db_shown("postgresql://u:secret@h/db", tiny, sizeof tiny);
    CHECK(strlen(tiny) == 7);
}

static void write_row(void *ctx, scan *s, const char *id, size_t idlen)
{
    writer_record(ctx, id, idlen, s->frames[0].slots);
}

/* Rows of a query (here SQLite's, written by hand) made the writer's
 * values: bands by name with the measure's value and score after them,
 * numbers, NULL as na, a value without a band counted as in no band; a
 * NULL id, an id twice and a value that is no number refused as records
 * are. */
static void test_db_rows(void)
{
    char msgs[4096] = "";
    policy *p = load("input users: number\n"
                     "scheme rg\n  red scores 0 when < 50\n  green scores 100 when >= 50\n"
                     "measure use = users\n  red < 25\n  green >= 25\n"
                     "metric n = users * 2\nmetric ok = users > 3\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    param_setting as_of = {"as_of", "2026-10-01", NULL};
    diag d;
    diag_init(&d, NULL);
    program *prog = compile_policy(p, &as_of, 1, &d);
    char path[] = "/tmp/rubric-unit-db-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && prog);
    if (fd < 0 || !prog)
        return;
    close(fd);
    char uri[64], make[512];
    snprintf(uri, sizeof uri, "sqlite:%s", path);
    snprintf(make, sizeof make,
             "sqlite3 %s \"CREATE TABLE t(id TEXT, use TEXT, v TEXT, sc TEXT, n NUMERIC, ok TEXT); INSERT INTO t VALUES "
             "('B','green','30','100',60,'true'),('A','red','0.25','0',0.5,'false'),('C',NULL,NULL,NULL,NULL,NULL),"
             "(NULL,'red','1','0',1,'true'),('A','red','1','0',1,'true'),('D',NULL,'20.5',NULL,41,'true'),"
             "('E','red','many','0',1,'true')\"",
             path);
    CHECK(system(make) == 0);
    const int cols[] = {0, 1, 2};
    /* The rows in the id's order, as run asks for them. */
    const char *query = "SELECT id, use, v, sc, n, ok FROM t ORDER BY id COLLATE BINARY";
    CHECK(scan_rows_columns(prog->pol, cols, 3) == 6);
    for (int skip = 0; skip < 2; skip++) {
        db_source *src = db_open(uri, query, 6, &d);
        CHECK(src != NULL);
        if (!src)
            break;
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        writer *w = writer_open(f, skip ? OUT_NDJSON : OUT_CSV, prog, "account_id", cols, 3, false);
        /* Every message of the pass that goes on, not only the last. */
        char *said = NULL;
        size_t said_len = 0;
        FILE *sf = open_memstream(&said, &said_len);
        diag all;
        diag_init(&all, sf);
        scan sc;
        scan_open_rows(&sc, skip ? &all : &d, "table t", prog, "id", skip, false);
        int status = scan_rows(&sc, src, cols, 3, write_row, w);
        CHECK(writer_close(w));
        fclose(f);
        if (skip) {
            CHECK(status == EXIT_REJECTED);
            CHECK(sc.rejected == 3 && sc.scored == 4);
            CHECK(strcmp(text,
                         "{\"account_id\": \"A\", \"use\": {\"value\": 0.25, \"band\": \"red\", \"score\": 0}, \"n\": {\"value\": 0.5}, \"ok\": {\"value\": false}}\n"
                         "{\"account_id\": \"B\", \"use\": {\"value\": 30, \"band\": \"green\", \"score\": 100}, \"n\": {\"value\": 60}, \"ok\": {\"value\": true}}\n"
                         "{\"account_id\": \"C\", \"use\": {\"value\": null, \"band\": null, \"score\": null}, \"n\": {\"value\": null}, \"ok\": {\"value\": null}}\n"
                         "{\"account_id\": \"D\", \"use\": {\"value\": 20.5, \"band\": null, \"score\": null, \"no_band\": true}, \"n\": {\"value\": 41}, \"ok\": {\"value\": true}}\n") == 0);
            fflush(sf);
            CHECK(strstr(said, "table t: row 3: account id 'A' was already given at row 2") != NULL);
            CHECK(strstr(said, "table t: row 7: column 'use__value': 'many' is not a number") != NULL);
            CHECK(sc.nunbanded[0] == 1 && sc.unbanded[0][0].count == 1 && strcmp(sc.unbanded[0][0].first[0], "D") == 0);
        } else {
            /* SQLite puts NULL first: the first row stops the pass. */
            CHECK(status == SCAN_STOPPED);
            CHECK(strstr(d.kept, "table t: row 1: no account id") != NULL);
        }
        free(text);
        scan_close(&sc);
        db_close(src);
        fclose(sf);
        free(said);
    }
    /* The database's own words, naming it. */
    CHECK(db_open(uri, "SELECT x FROM nowhere", 1, &d) == NULL);
    CHECK(strstr(d.kept, ": the query failed: no such table: nowhere (--db-table names the table)") != NULL);
    CHECK(db_open("sqlite:/nonexistent/x.db", query, 4, &d) == NULL);
    CHECK(strstr(d.kept, "sqlite:/nonexistent/x.db: cannot open: unable to open database file") != NULL);
    CHECK(db_open(uri, "SELECT id FROM t", 4, &d) == NULL);
    CHECK(strstr(d.kept, "1 columns where 4 were expected") != NULL);
    unlink(path);
    program_free(prog);
    policy_free(p);
}

/* Overrides are applied where each output is computed: a measure's band
 * set by hand moves the group over it and the count over both; a group's
 * value is banded by its own lines; what the rules computed is kept.  And a
 * history of schema version 1 gets the overrides table when next written. */
static void test_overrides(void)
{
    char msgs[4096] = "";
    policy *p = load("input a: number\ninput b: number\n"
                     "scheme rag\n  red scores 0 when < 40\n  yellow scores 50 when < 75\n  green scores 100 when >= 75\n"
                     "measure m1 = a / 10\n  red < 25%\n  yellow < 50%\n  green >= 50%\n"
                     "measure m2 = b / 10\n  red < 25%\n  yellow < 50%\n  green >= 50%\n"
                     "group g = mean(m1 weight 3, m2 weight 1) scheme rag\n"
                     "metric n = count green of (m1, m2, g)\n",
                     msgs, sizeof msgs);
    program *prog = p ? compile_as_of(p, "2026-11-01") : NULL;
    CHECK(prog != NULL);
    if (!prog) {
        policy_free(p);
        return;
    }
    frame f;
    frame_init(&f, prog);
    f.slots[0] = value_num(num_from_int(8)); /* m1 80%: green */
    f.slots[1] = value_num(num_from_int(1)); /* m2 10%: red */
    const step *m2 = program_step(prog, policy_lookup(p, "m2"));
    const step *g = program_step(prog, policy_lookup(p, "g"));
    const rb_value *gv = &f.slots[g->slot], *nv = eval_symbol_value(prog, &f, policy_lookup(p, "n"));
    eval_account(prog, &f);
    CHECK(gv->band == 2 && num_cmp(gv->score, num_from_int(75)) == 0); /* (300 + 0) / 4 */
    CHECK(num_cmp(nv->u.num, num_from_int(2)) == 0);
    eval_override ovr[2] = {{(int)(m2 - prog->steps), 0, value_na()}, {(int)(g - prog->steps), -1, value_na()}};
    ovr[0].band = 1; /* m2 yellow by hand: score 50 */
    f.ovr = ovr;
    f.novr = 1;
    eval_account(prog, &f);
    CHECK(f.slots[m2->slot].band == 1 && f.computed[0].band == 0);
    CHECK(gv->band == 2 && num_cmp(gv->score, num_from_frac(175, 2)) == 0); /* (300 + 50) / 4 */
    CHECK(num_cmp(nv->u.num, num_from_int(2)) == 0);
    ovr[1].value = value_num(num_from_frac(79, 2)); /* g 39.5: red by its own lines */
    f.novr = 2;
    eval_account(prog, &f);
    CHECK(gv->band == 0 && num_cmp(gv->score, num_from_frac(79, 2)) == 0);
    CHECK(f.computed[1].band == 2 && num_cmp(nv->u.num, num_from_int(1)) == 0);
    f.novr = 0; /* the next account has none */
    eval_account(prog, &f);
    CHECK(f.slots[m2->slot].band == 0 && num_cmp(nv->u.num, num_from_int(2)) == 0);
    frame_free(&f);

    char path[] = "/tmp/rubric-unit-overrides-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        close(fd);
        diag d;
        diag_init(&d, stderr);
        history *h = history_open(path, true, &d);
        CHECK(h != NULL);
        history_close(h);
        sqlite3 *db;
        CHECK(sqlite3_open(path, &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db, "DROP TABLE overrides; PRAGMA user_version = 1;", NULL, NULL, NULL) == SQLITE_OK);
        sqlite3_close(db);
        h = history_open(path, false, &d); /* a reader leaves a version 1 file as it is */
        CHECK(h != NULL);
        history_close(h);
        CHECK(sqlite3_open(path, &db) == SQLITE_OK);
        sqlite3_stmt *st;
        CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'overrides'", -1, &st, NULL) == SQLITE_OK);
        CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        h = history_open(path, true, &d); /* a run brings it to version 2 */
        CHECK(h != NULL);
        history_close(h);
        CHECK(sqlite3_open(path, &db) == SQLITE_OK);
        CHECK(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'overrides'), "
                                     "(SELECT user_version FROM pragma_user_version)", -1, &st, NULL) == SQLITE_OK);
        CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1 && sqlite3_column_int(st, 1) == 2);
        sqlite3_finalize(st);
        sqlite3_close(db);
        unlink(path);
    }
    program_free(prog);
    policy_free(p);
}

/* Population values' figures, fed number by number as a pass feeds them:
 * R's type-7 quantile, exact; ties not below each other; na and empty
 * cohorts; a cohort's median, mean and count; mean() of numbers. */
static void test_population(void)
{
    char msgs[4096] = "";
    policy *p = load("input x: number\ninput t: text\n"
                     "metric q = quantile(x, 90%)\nmetric m = median_of(x) by t\nmetric a = mean_of(x) by t\n"
                     "metric n = count_of(x) by t\nmetric b = count_below(x)\nmetric s = share_below(x) by t\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    program *prog = p ? compile_as_of(p, "2026-11-01") : NULL;
    CHECK(prog && prog->npops == 6 && prog->npasses == 1);
    if (!prog) {
        policy_free(p);
        return;
    }
    population *pop = population_new(prog);
    /* x: 1/10, 2/10, 3/10, 3/10, 9/10, 7/10 with tiers g, g, s, s, s, (none) */
    const int64_t xs[] = {1, 2, 3, 3, 9, 7};
    const char *ts[] = {"g", "g", "s", "s", "s", NULL};
    for (int k = 0; k < prog->npops; k++)
        for (int i = 0; i < 6; i++) {
            rb_value t = {.kind = VK_TEXT};
            t.u.text = ts[i];
            t.len = ts[i] ? 1 : 0;
            if (!prog->pops[k].node->c)
                population_add(pop, k, num_from_frac(xs[i], 10), NULL);
            else if (ts[i])
                population_add(pop, k, num_from_frac(xs[i], 10), &t);
        }
    population_settle(pop, 1);
    rb_value tmp, s_tier = {.kind = VK_TEXT}, none = value_na(), x = {.kind = VK_NUM};
    s_tier.u.text = "s";
    s_tier.len = 1;
    long count;
    /* h = 5 x 0.9 = 4.5 over 0.1 0.2 0.3 0.3 0.7 0.9: 0.7 + 0.5 x 0.2 = 0.8, exactly */
    const rb_value *v = population_lookup(pop, prog->pops[0].node, NULL, NULL, &tmp, &count);
    CHECK(v->kind == VK_NUM && num_cmp(v->u.num, num_from_frac(8, 10)) == 0 && count == 6);
    v = population_lookup(pop, prog->pops[1].node, NULL, &s_tier, &tmp, &count);
    CHECK(v->kind == VK_NUM && num_cmp(v->u.num, num_from_frac(3, 10)) == 0 && count == 3);
    v = population_lookup(pop, prog->pops[2].node, NULL, &s_tier, &tmp, &count);
    CHECK(v->kind == VK_NUM && num_cmp(v->u.num, num_from_frac(1, 2)) == 0);
    v = population_lookup(pop, prog->pops[3].node, NULL, &none, &tmp, &count);
    CHECK(v->kind == VK_NA && count == 0);
    x.u.num = num_from_frac(3, 10);
    v = population_lookup(pop, prog->pops[4].node, &x, NULL, &tmp, &count);
    CHECK(v->kind == VK_NUM && num_cmp(v->u.num, num_from_int(2)) == 0);
    /* 0.3 in tier s (0.3, 0.3, 0.9): the tie is not below it */
    v = population_lookup(pop, prog->pops[5].node, &x, &s_tier, &tmp, &count);
    CHECK(v->kind == VK_NUM && num_cmp(v->u.num, num_from_int(0)) == 0 && count == 3);
    x.u.num = num_from_frac(9, 10);
    v = population_lookup(pop, prog->pops[5].node, &x, &s_tier, &tmp, &count);
    CHECK(v->kind == VK_NUM && num_cmp(v->u.num, num_from_frac(2, 3)) == 0);
    rb_value unknown_tier = {.kind = VK_TEXT};
    unknown_tier.u.text = "zz";
    unknown_tier.len = 2;
    CHECK(population_lookup(pop, prog->pops[5].node, &x, &unknown_tier, &tmp, &count)->kind == VK_NA);
    CHECK(population_lookup(NULL, prog->pops[0].node, NULL, NULL, &tmp, &count)->kind == VK_NA);
    population_free(pop);
    /* An empty population: na. */
    pop = population_new(prog);
    population_settle(pop, 1);
    CHECK(population_lookup(pop, prog->pops[0].node, NULL, NULL, &tmp, &count)->kind == VK_NA);
    population_free(pop);
    program_free(prog);
    policy_free(p);

    /* mean(): exact while it fits; else the double nearest the exact mean. */
    rb_num ms[] = {num_from_frac(1, 3), num_from_frac(2, 3)};
    CHECK(num_cmp(num_mean(ms, 2), num_from_frac(1, 2)) == 0);
    rb_num wide[] = {num_from_frac(1, 999999999989LL), num_from_frac(1, 999999999959LL),
                     num_from_frac(1, 999999999947LL)};
    double want = (1.0 / 999999999989.0 + 1.0 / 999999999959.0 + 1.0 / 999999999947.0) / 3;
    rb_num got = num_mean(wide, 3);
    CHECK(got.q == 0 && fabs(got.d - want) <= want * 1e-15);
}

/* Parameters bound (rubric sql --bind): each one a slot of its own after
 * prev()'s, nothing folded into constants; run's program keeps them
 * folded.  A band's score cannot use one. */
static void test_bound_params(void)
{
    char msgs[2048] = "";
    policy *p = load("input users: number\nparam green_at = 50%\nlet twice = green_at * 2\n"
                     "scheme rg\n  red scores 0 when < 50\n  green scores 100 when >= 50\n"
                     "measure use = users\n  red < green_at\n  green >= green_at\nmetric t = twice\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    const symbol *green_at = policy_lookup(p, "green_at"), *twice = policy_lookup(p, "twice"), *use = policy_lookup(p, "use");
    param_setting as_of = {"as_of", "2026-10-01", NULL};
    diag d;
    diag_init(&d, stderr);
    program *run = compile_policy(p, &as_of, 1, &d), *bound = compile_policy_bound(p, &as_of, 1, &d);
    CHECK(run && bound);
    if (run && bound) {
        CHECK(run->param_slot0 == -1);
        CHECK(program_step(run, twice)->value->op == N_CONST);
        CHECK(program_step(run, use)->tests[0].fixed[0]);
        CHECK(bound->param_slot0 == bound->prev_slot0 + bound->nprevs);
        CHECK(bound->nslots == bound->param_slot0 + p->nparams);
        const enode *v = program_step(bound, twice)->value;
        CHECK(v->op == N_MUL && v->a->op == N_SLOT && v->a->slot == bound->param_slot0 + green_at->index);
        const band_test *t = &program_step(bound, use)->tests[0];
        CHECK(!t->fixed[0] && t->limit[0]->op == N_SLOT);
        /* The value set or defaulted is kept: the placeholder's default. */
        CHECK(bound->params[green_at->index].kind == VK_NUM &&
              num_cmp(bound->params[green_at->index].u.num, num_from_frac(1, 2)) == 0);
    }
    program_free(run);
    program_free(bound);
    policy_free(p);

    p = load("input users: number\nparam bonus = 10\n"
             "scheme rg\n  red scores 0 when < 50\n  green scores 90 + bonus when >= 50\n"
             "measure use = users\n  red < 5\n  green >= 5\n",
             msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    FILE *f = fmemopen(msgs, sizeof msgs, "w");
    diag_init(&d, f);
    d.color = false;
    run = compile_policy(p, &as_of, 1, &d);
    bound = compile_policy_bound(p, &as_of, 1, &d);
    fclose(f);
    CHECK(run != NULL && bound == NULL);
    CHECK(has(msgs, "t.rules:5:21: error: the score of band 'green' in scheme 'rg' uses the parameter 'bonus', which cannot be bound"));
    program_free(run);
    policy_free(p);
}

/* A default computed from another parameter (rubric sql --bind computes
 * it from the values bound): a tree over that parameter's slot; run's
 * program has none. */
static void test_bound_param_defaults(void)
{
    char msgs[2048] = "";
    policy *p = load("input users: number\nparam green_at = 50%\nparam red_below = green_at / 2\n"
                     "metric low = users < red_below\n",
                     msgs, sizeof msgs);
    CHECK(p != NULL);
    if (!p)
        return;
    const symbol *green_at = policy_lookup(p, "green_at"), *red_below = policy_lookup(p, "red_below");
    param_setting as_of = {"as_of", "2026-10-01", NULL};
    diag d;
    diag_init(&d, stderr);
    program *run = compile_policy(p, &as_of, 1, &d), *bound = compile_policy_bound(p, &as_of, 1, &d);
    CHECK(run && bound);
    if (run && bound) {
        CHECK(run->param_defaults == NULL);
        CHECK(bound->param_defaults[green_at->index] == NULL);
        const enode *def = bound->param_defaults[red_below->index];
        CHECK(def && def->op == N_DIV && def->a->op == N_SLOT && def->a->slot == bound->param_slot0 + green_at->index);
        /* The header's value: as run computes it from the settings. */
        CHECK(num_cmp(bound->params[red_below->index].u.num, num_from_frac(1, 4)) == 0);
    }
    program_free(run);
    program_free(bound);
    policy_free(p);
}

int main(void)
{
    test_strbuf();
    test_idset();
    test_utf8();
    test_lsp_positions();
    test_lsp_framing();
    test_subnormal_text();
    test_numbers();
    test_grade_line();
    test_dates();
    test_names();
    test_diagnostics();
    test_run_messages();
    test_diag_collect();
    test_readers();
    test_csv_plain_path();
    test_json_conformance();
    test_bytes16();
    test_json_same_bytes();
    test_json_string_scan();
    test_json_list();
    test_table();
    test_data_options();
    test_compiler();
    test_builtins();
    test_population();
    test_band_trace();
    test_next_band();
    test_applies_members_trace();
    test_step_shapes();
    test_written_in_percent();
    test_git_paths();
    test_histogram();
    test_calstats();
    test_backtest_figures();
    test_text_functions();
    test_text_case_words();
    test_typed_comparisons();
    test_output();
    test_csv_writer();
    test_sha256();
    test_history();
    test_history_no_band();
    test_overrides();
    test_db_names();
    test_db_rows();
    test_bound_params();
    test_bound_param_defaults();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
