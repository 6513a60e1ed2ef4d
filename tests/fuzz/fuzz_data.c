/* fuzz_data.c - libFuzzer harness for the data readers: any bytes as a
 * CSV, JSON or NDJSON account file (the first byte picks the format) are
 * read record by record and converted to the shipped policy's inputs; every
 * record is a result or a reported error.  Built by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "eval.h"
#include "policy.h"
#include "reader.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static policy *p;
    static program *prog;
    static char path[64];
    if (!p) {
        diag d;
        diag_init(&d, stderr);
        p = policy_load("rules/gitlab/use_case_health.rules", &d);
        if (!p)
            abort(); /* run from the repository root */
        param_setting as_of = {"as_of", "2026-11-01", NULL};
        prog = compile_policy(p, &as_of, 1, &d);
        snprintf(path, sizeof path, "/tmp/rubric-fuzz-data-%d", (int)getpid());
    }
    if (size == 0)
        return 0;
    static const data_format formats[] = {DATA_CSV, DATA_JSON, DATA_NDJSON, DATA_AUTO};
    read_opts opts = {.format = formats[data[0] % 4], .delimiter = ",;|\t"[data[0] / 4 % 4]};
    FILE *f = fopen(path, "wb");
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);

    record_layout layout;
    record_layout_init(&layout, p, "account_id", &opts);
    diag quiet;
    diag_init(&quiet, NULL);
    record_layout_report(&layout, &quiet, path, NULL);
    reader *r = reader_open(path, &opts, layout.fields, layout.required, layout.nfields, &quiet);
    if (r) {
        cell *cells = calloc((size_t)layout.nfields, sizeof *cells);
        frame fr;
        frame_init(&fr, prog);
        record_pos pos;
        read_status st;
        long records = 0;
        while ((st = reader_next(r, cells, &pos)) != READ_EOF && st != READ_FATAL) {
            /* Every record is numbered, scored or reported: never skipped. */
            if (pos.record != ++records)
                abort();
            if (st == READ_OK && record_load(p, &layout, cells, &pos, fr.slots))
                eval_account(prog, &fr);
        }
        frame_free(&fr);
        free(cells);
        reader_close(r);
    }
    record_layout_free(&layout);
    return 0;
}
