/* unit_tests.c - the stages tested one by one, in process: numbers, dates,
 * names, the parser's diagnostics, evaluation, the readers. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "date.h"
#include "eval.h"
#include "git_source.h"
#include "report.h"
#include "num.h"
#include "policy.h"
#include "reader.h"
#include "record.h"
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
    num_format(parse("-42"), buf);
    CHECK(strcmp(buf, "-42") == 0);
    num_format(num_div(parse("250"), parse("10")), buf);
    CHECK(strcmp(buf, "25") == 0);
}

static rb_date ymd(int y, int m, int d) { return date_from_ymd(y, m, d); }

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

static const char base[] =
    "input a: number\ninput b: number\ninput t: one of \"x\", \"y\"\ninput start: date\n"
    "scheme rag\n  red scores 0 when < 40\n  yellow scores 50 when < 75\n  green scores 100 when >= 75\n";

/* Scores one account of numbers a and b; returns output `out` as text. */
static void score(const char *extra, const char *a, const char *b, const char *out, char *result)
{
    char text[4096], msgs[4096] = "";
    snprintf(text, sizeof text, "%s%s", base, extra);
    policy *p = load(text, msgs, sizeof msgs);
    if (!p) {
        snprintf(result, 64, "ERROR %.50s", msgs);
        return;
    }
    param_setting as_of = {"as_of", "2026-11-01", NULL};
    FILE *null = fopen("/dev/null", "w");
    diag d;
    diag_init(&d, null);
    program *prog = compile_policy(p, &as_of, 1, &d);
    fclose(null);
    frame f;
    frame_init(&f, prog);
    rb_value *s = f.slots;
    s[0].kind = s[1].kind = s[2].kind = s[3].kind = VK_NA;
    if (a)
        value_from_text(TY_NUMBER, a, strlen(a), &s[0]);
    if (b)
        value_from_text(TY_NUMBER, b, strlen(b), &s[1]);
    eval_account(prog, &f);
    const symbol *sym = policy_lookup(p, out);
    rb_value v = f.slots[prog->output_slot[sym->index]];
    value_format(v, sym->scheme, result, 64);
    if (v.kind == VK_BANDED && v.has_score) {
        char sc[32];
        num_format(v.score, sc);
        strcat(result, "/");
        strcat(result, sc);
    }
    frame_free(&f);
    program_free(prog);
    policy_free(p);
}

#define SCORE(extra, a, b, out, want)                                   \
    do {                                                                \
        char got_[128];                                                 \
        score(extra, a, b, out, got_);                                  \
        if (strcmp(got_, want) == 0)                                    \
            passed++;                                                   \
        else {                                                          \
            failed++;                                                   \
            printf("not ok - %s:%d: %s gives '%s', want '%s'\n", __FILE__, __LINE__, out, got_, want); \
        }                                                               \
    } while (0)

static void test_evaluation(void)
{
    const char *m = "measure r = a / b\n  red < 25%\n  yellow >= 25% and < 50%\n  green >= 50%\n";
    SCORE(m, "25", "100", "r", "yellow/50");
    SCORE(m, "24.99", "100", "r", "red/0");
    SCORE(m, "50", "100", "r", "green/100");
    SCORE(m, "1", "0", "r", "na");          /* ratio over zero */
    SCORE(m, NULL, "10", "r", "na");
    SCORE(m, "-5", "-10", "r", "green/100"); /* ordinary arithmetic */
    SCORE(m, "300", "100", "r", "green/100");
    const char *le = "measure r = a / b\n  red <= 5%\n  yellow < 20%\n  green >= 20%\n";
    SCORE(le, "0.35", "7", "r", "red/0");
    SCORE(le, "15", "300", "r", "red/0");
    SCORE(le, "16", "300", "r", "yellow/50");
    /* A gap: 9.5% is caught by no line. */
    const char *gap = "measure r = a / b\n  red < 5%\n  yellow >= 5% and <= 9%\n  green >= 10%\n";
    SCORE(gap, "9.5", "100", "r", "no band");
    /* Roll-ups leave na members out and renormalise the weights. */
    const char *g = "measure m1 = a\n  red < 1\n  green otherwise\nmeasure m2 = b\n  red < 1\n  green otherwise\n"
                    "group g = mean(m1 weight 3, m2 weight 1)\n";
    SCORE(g, "0", "5", "g", "red/25"); /* (3*0 + 1*100) / 4 = 25, below 40 */
    SCORE(g, NULL, "5", "g", "green/100");
    SCORE(g, NULL, NULL, "g", "na");
    const char *sum = "measure m1 = a\n  red < 1\n  green otherwise\nmeasure m2 = b\n  red < 1\n  green otherwise\n"
                      "group g = sum(m1, m2)\n";
    SCORE(sum, "1", "1", "g", "green/200");
    /* na propagation and defaults. */
    SCORE("metric x = a + b\n", "1", NULL, "x", "na");
    SCORE("metric x = (a ?? 0) + b\n", NULL, "2", "x", "2");
    SCORE("metric x = a > 1 and b > 1\n", "0", NULL, "x", "false");
    SCORE("metric x = a > 1 or b > 1\n", "2", NULL, "x", "true");
    SCORE("metric x = a > 1 or b > 1\n", "0", NULL, "x", "na");
    SCORE("metric x = a is na\n", NULL, "1", "x", "true");
    SCORE("metric x = if a > 1 then 10 else 20\n", NULL, "1", "x", "na");
    SCORE("metric x = round(a / b, 2)\n", "2", "3", "x", "0.67");
    SCORE("metric x = round(a)\n", "-2.5", "1", "x", "-3");
    SCORE("metric x = min(a, b, 7)\n", "9", "8", "x", "7");
    SCORE("metric x = as_of - 1 month\n", "1", "1", "x", "2026-10-01");
    SCORE("metric x = 2024-03-31 - 1 month\n", "1", "1", "x", "2024-02-29");
    SCORE("metric x = 2026-03-01 - 2026-02-01\n", "1", "1", "x", "28");
    /* Applicability: `na when` needs a true condition; `applies when` too. */
    const char *na = "measure r = a\n  na when b > 1\n  red < 1\n  green otherwise\n";
    SCORE(na, "5", NULL, "r", "green/100");
    SCORE(na, "5", "2", "r", "na");
    const char *ap = "measure r = a\n  applies when b > 1\n  red < 1\n  green otherwise\n";
    SCORE(ap, "5", NULL, "r", "na");
    SCORE(ap, "5", "2", "r", "green/100");
    /* Thresholds may be expressions; an unknown threshold leaves no band. */
    const char *thr = "measure r = a\n  red < b\n  green otherwise\n";
    SCORE(thr, "5", "6", "r", "red/0");
    SCORE(thr, "5", "4", "r", "green/100");
    SCORE(thr, "5", NULL, "r", "no band");
    const char *cnt = "measure m1 = a\n  red < 1\n  green otherwise\nmeasure m2 = b\n  red < 1\n  green otherwise\n"
                      "metric c = count green of (m1, m2)\n";
    SCORE(cnt, "1", "0", "c", "1");
    SCORE(cnt, NULL, NULL, "c", "na");
    SCORE(cnt, NULL, "1", "c", "1");
    /* Parameters fold into constants. */
    SCORE("param p = 10%\nmeasure r = a\n  red < p * 2\n  green otherwise\n", "0.19", "1", "r", "red/0");
}

static bool has(const char *msgs, const char *needle)
{
    if (strstr(msgs, needle))
        return true;
    printf("  expected \"%s\" in:\n%s\n", needle, msgs);
    return false;
}

static void test_diagnostics(void)
{
    char msgs[8192];
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("input a: number\nlet x = aa + 1\nlet y = x +\n", msgs, sizeof msgs));
    CHECK(has(msgs, "t.rules:3:12: error: unexpected end of line"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("input a: number\nlet x = aa + 1\nlet z = \"t\" * 2\n", msgs, sizeof msgs));
    CHECK(has(msgs, "t.rules:2:9: error: unknown name 'aa' (did you mean 'a'?)"));
    CHECK(has(msgs, "t.rules:3:9: error: cannot use '*' on a text and a number"));
    CHECK(has(msgs, "    2 | let x = aa + 1\n      |         ^~"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("let a = b\nlet b = c\nlet c = a\n", msgs, sizeof msgs));
    CHECK(has(msgs, "definition cycle: a -> b -> c -> a"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("input a: number\ninput a: text\n", msgs, sizeof msgs));
    CHECK(has(msgs, "t.rules:2:7: error: 'a' is already defined"));
    CHECK(has(msgs, "t.rules:1:7: note: 'a' was first defined here"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("input a: numbr\n", msgs, sizeof msgs));
    CHECK(has(msgs, "unknown input type 'numbr' (did you mean 'number'?)"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("input a: number\nmeasure m = a\n  red < 1\n", msgs, sizeof msgs));
    CHECK(has(msgs, "'m' needs a scheme"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("input a: number\nparam p = a\n", msgs, sizeof msgs));
    CHECK(has(msgs, "the default of parameter 'p' must not depend on input 'a'"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("let as_of = 1\n", msgs, sizeof msgs));
    CHECK(has(msgs, "'as_of' is built in"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("let x = 1 @ 2\n", msgs, sizeof msgs));
    CHECK(has(msgs, "t.rules:1:11: error: unexpected invalid character"));
    memset(msgs, 0, sizeof msgs);
    CHECK(!load("let x = 2026-02-30\n", msgs, sizeof msgs));
    CHECK(has(msgs, "unexpected invalid date"));
    memset(msgs, 0, sizeof msgs);
    /* Empty and comment-only policies are valid and have no outputs. */
    policy *p = load("", msgs, sizeof msgs);
    CHECK(p && p->noutputs == 0);
    policy_free(p);
    p = load("# only a comment", msgs, sizeof msgs);
    CHECK(p != NULL);
    policy_free(p);
    /* CRLF and a BOM read like LF. */
    p = load("\xEF\xBB\xBFinput a: number\r\nmetric b = a * 2\r\n", msgs, sizeof msgs);
    CHECK(p && p->noutputs == 1);
    policy_free(p);
}

/* Reads a CSV or JSON text with fields (account_id, a, b). */
static int read_with(const char *name, const read_opts *opts, const char *text, char *out, size_t cap)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/rubric-unit-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    const char *fields[] = {"account_id", "a", "b"};
    bool req[] = {true, true, true};
    char err[256];
    out[0] = '\0';
    reader *r = reader_open(path, opts, fields, req, 3, err, sizeof err);
    if (!r) {
        snprintf(out, cap, "OPEN: %s", err);
        unlink(path);
        return -1;
    }
    cell cells[3];
    record_pos pos;
    int n = 0;
    read_status st;
    while ((st = reader_next(r, cells, &pos, err, sizeof err)) != READ_EOF) {
        size_t len = strlen(out);
        if (st != READ_OK) {
            snprintf(out + len, cap - len, "[%ld:%s]", pos.record, err);
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
    reader_close(r);
    unlink(path);
    return n;
}

static int read_all(const char *name, const char *text, char *out, size_t cap)
{
    return read_with(name, NULL, text, out, cap);
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
    CHECK(read_all("l.json", "[{\"account_id\": \"x\", \"a\": [1, 2]}]", out, sizeof out) == 1);
    CHECK(strcmp(out, "x,a list,-;") == 0);
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
    CHECK(read_with("s.csv", &semi, "account_id;a;b\nabcdefghijklmnop;1,5;\"x;y\"\n", out, sizeof out) == 1);
    CHECK(strcmp(out, "abcdefghijklmnop,1,5,x;y;") == 0);
    read_opts tab = {.delimiter = '\t'};
    CHECK(read_with("t.csv", &tab, "account_id\ta\tb\nx\t1\t2\n", out, sizeof out) == 1);
    CHECK(strcmp(out, "x,1,2;") == 0);
    CHECK(read_with("u.tsv", NULL, "account_id\ta\tb\nx\t1\t2\n", out, sizeof out) == 1);
    CHECK(read_with("v.csv", NULL, "account_id;a;b\nx;1;2\n", out, sizeof out) == -1);
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
    param_setting as_of = {"as_of", "2026-03-31", NULL};
    FILE *null = fopen("/dev/null", "w");
    diag d;
    diag_init(&d, null);
    program *prog = compile_policy(p, &as_of, 1, &d);
    fclose(null);
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
    frame_free(&f);
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

int main(void)
{
    test_numbers();
    test_dates();
    test_names();
    test_evaluation();
    test_diagnostics();
    test_readers();
    test_data_options();
    test_compiler();
    test_git_paths();
    test_histogram();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
