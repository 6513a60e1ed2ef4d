/* fuzz_json.c - libFuzzer harness for the JSON reader: any bytes as a JSON
 * value, read as the value of a key of a record ([{"v": DOC, "w": 1}] and
 * {"v": DOC} as NDJSON), and as a data file of their own (JSON and NDJSON),
 * with a list input's elements taken from every array the reader hands
 * over.  Besides no crash and no read out of bounds, two oracles:
 *   - the record is read if and only if the strict check accepts DOC
 *     alone (less a text holding \u0000, which a read field refuses);
 *   - a text the reader hands over is what cJSON, a parser of its own,
 *     makes of the same string.
 * Built by `make fuzz`. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_list.h"
#include "reader_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fields[] = {"v", "w", "instance_id", "users"};
static const bool required[] = {false, false, false, false};
enum { NFIELDS = 4 };

static void write_file(const char *path, const char *before, const uint8_t *data, size_t size, const char *after)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fputs(before, f);
    fwrite(data, 1, size, f);
    fputs(after, f);
    fclose(f);
}

/* Reads every record of path: true when there was one, read with no
 * fault, and then the end (DOC may close the record early: "{}}").  Its
 * "v" cell in *v, its text copied to vtext. */
static bool read_file(const char *path, data_format format, cell *v, char *vtext, size_t vcap)
{
    read_opts opts = {.format = format};
    diag quiet;
    diag_init(&quiet, NULL);
    reader *r = reader_open(path, &opts, fields, required, NFIELDS, &quiet);
    if (!r)
        return false;
    cell cells[NFIELDS];
    record_pos pos;
    read_status st, first = READ_EOF;
    long records = 0;
    json_list_buf buf = {0};
    while ((st = reader_next(r, cells, &pos)) != READ_EOF && st != READ_FATAL) {
        if (pos.record != ++records)
            abort(); /* every record numbered, none skipped */
        if (records == 1) {
            first = st;
            *v = cells[0];
            if (st == READ_OK && cells[0].state == CELL_TEXT) {
                if (cells[0].len >= vcap)
                    abort();
                memcpy(vtext, cells[0].s, cells[0].len);
                v->s = vtext;
            }
        }
        for (int f = 0; st == READ_OK && f < NFIELDS; f++)
            if (cells[f].state == CELL_NESTED && cells[f].s[0] == '[') {
                char err[256];
                json_list_cells(cells[f].list, fields, NFIELDS, &buf, err, sizeof err);
            }
    }
    json_list_buf_free(&buf);
    reader_missing_key(r);
    reader_close(r);
    return records == 1 && first == READ_OK && st == READ_EOF;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/rubric-fuzz-json-%d", (int)getpid());
    json_fault fault;
    bool valid = json_check_value((const char *)data, size, NULL, &fault);
    size_t lead = 0;
    while (lead < size && strchr(" \t\r\n", data[lead]) && data[lead])
        lead++;
    bool text = lead < size && data[lead] == '"';
    bool nul_text = text && holds_nul_escape((const char *)data, size);
    char *vtext = malloc(size + 1);
    cell v;

    write_file(path, "[{\"v\": ", data, size, ", \"w\": 1}]");
    bool read = read_file(path, DATA_JSON, &v, vtext, size + 1);
    if (read != (valid && !nul_text))
        abort();
    if (read && text) {
        /* The text as cJSON reads the same string. */
        cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
        if (!doc || !cJSON_IsString(doc) || v.state != CELL_TEXT || strlen(doc->valuestring) != v.len ||
            memcmp(doc->valuestring, v.s, v.len) != 0)
            abort();
        cJSON_Delete(doc);
    }
    if (!memchr(data, '\n', size)) {
        write_file(path, "{\"v\": ", data, size, "}\n");
        read = read_file(path, DATA_NDJSON, &v, vtext, size + 1);
        if (read != (valid && !nul_text))
            abort();
    }
    write_file(path, "", data, size, "");
    read_file(path, DATA_JSON, &v, vtext, size + 1);
    read_file(path, DATA_NDJSON, &v, vtext, size + 1);
    free(vtext);
    unlink(path);
    return 0;
}
