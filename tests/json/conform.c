/* conform.c - the JSON reader against the documents of a public JSON
 * conformance suite (JSONTestSuite's test_parsing, fetched by run.sh):
 *
 *   json_conform EXPECTED DIR NAME...
 *
 * A data file's JSON values are records (objects), so a document of the
 * suite, which may be any value, is read three ways, each with the code
 * the reader runs on a data file:
 *   - whole, by the strict check the reader runs on every record and on
 *     every value around the records (json_check_value);
 *   - as the value of the key "v" of the one record of a JSON data file,
 *     [{"v": DOC}], through reader_open and reader_next (the records'
 *     extents, the check, the members taken into cells);
 *   - the same as the one line of an NDJSON file, {"v": DOC}, when the
 *     document holds no newline (a newline ends an NDJSON record).
 * A y_ document must be accepted all three ways, an n_ document refused
 * all three ways.  The suite leaves i_ documents to the parser: the three
 * ways must agree, and the verdict must be the one EXPECTED lists ("NAME
 * accepted" or "NAME refused" per line), so that a change is seen.
 * Prints one "ok -" or "not ok -" line per document and "N passed, N
 * failed"; exit 1 when one failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader_internal.h"
#include "source.h"

/* Whether the reader reads the one record of the file made of before, the
 * document, and after, with no fault. */
static bool reads(const char *tmp, data_format format, const char *before, const char *doc, size_t len,
                  const char *after)
{
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        perror(tmp);
        exit(2);
    }
    fputs(before, f);
    fwrite(doc, 1, len, f);
    fputs(after, f);
    fclose(f);
    static const char *const fields[] = {"v"};
    static const bool required[] = {false};
    read_opts opts = {.format = format};
    diag quiet;
    diag_init(&quiet, NULL);
    reader *r = reader_open(tmp, &opts, fields, required, 1, &quiet);
    if (!r)
        return false;
    cell cells[1];
    record_pos pos;
    read_status first = reader_next(r, cells, &pos);
    read_status then = first == READ_OK ? reader_next(r, cells, &pos) : READ_FATAL;
    reader_close(r);
    return first == READ_OK && then == READ_EOF;
}

/* What EXPECTED says of name: 1 accepted, 0 refused, -1 not listed. */
static int expected(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > n && strncmp(p, name, n) == 0 && p[n] == ' ')
            return strncmp(p + n + 1, "accepted", len - n - 1) == 0 ? 1 : 0;
        p = eol ? eol + 1 : p + len;
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: json_conform EXPECTED DIR NAME...\n");
        return 2;
    }
    /* source_load ends the text with a NUL, which expected() reads to. */
    source *listed = source_load(argv[1]);
    if (!listed) {
        perror(argv[1]);
        return 2;
    }
    const char *list = listed->text;
    char tmp_json[] = "/tmp/rubric-json-conform-XXXXXX";
    int fd = mkstemp(tmp_json);
    if (fd < 0) {
        perror("mkstemp");
        return 2;
    }
    close(fd);
    int passed = 0, failed = 0;
    for (int i = 3; i < argc; i++) {
        const char *name = argv[i];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[2], name);
        source *src = source_load(path);
        if (!src) {
            perror(path);
            return 2;
        }
        const char *doc = src->text;
        size_t len = src->len;
        json_fault fault;
        bool check = json_check_value(doc, len, NULL, &fault);
        bool json = reads(tmp_json, DATA_JSON, "[{\"v\": ", doc, len, "}]");
        bool has_newline = memchr(doc, '\n', len) != NULL;
        bool ndjson = has_newline ? check : reads(tmp_json, DATA_NDJSON, "{\"v\": ", doc, len, "}\n");
        source_free(src);
        const char *why = NULL;
        if (check != json || check != ndjson)
            why = "the ways of reading disagree";
        else if (name[0] == 'y' && !check)
            why = "a valid document refused";
        else if (name[0] == 'n' && check)
            why = "an invalid document accepted";
        else if (name[0] == 'i' && expected(list, name) != (int)check)
            why = expected(list, name) < 0 ? "not listed in EXPECTED" : "not what EXPECTED says";
        if (why) {
            printf("not ok - %s: %s (check %d, json %d, ndjson %d)\n", name, why, check, json, ndjson);
            failed++;
        } else {
            printf("ok - %s %s\n", name, check ? "accepted" : "refused");
            passed++;
        }
    }
    unlink(tmp_json);
    source_free(listed);
    printf("json conformance: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
