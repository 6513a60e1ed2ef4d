/* read_only.c - the counterpart of simdjson.cpp through rubric's reader:
 * reader_next over the file, the same 14 fields, nothing scored.  Not built
 * by make; after make:
 *   cc -O2 -std=c11 -Isrc/base -Isrc/data -o build/read_only bench/json/read_only.c \
 *      build/librubric.a -lcjson -lsqlite3 -lm
 *   build/read_only build/bench-1000000.ndjson */
#include <stdio.h>
#include "reader.h"
static const char *fields[] = {"account_id","tier","deployment","license_start","licenses_sold","billable_users","active_users_l28d","git_ops_users_l28d","ci_pipeline_users_l28d","deployments_l28d","deployment_users_l28d","secure_scanner_users_l28d","container_scanning_users_l28d","secret_detection_users_l28d"};
int main(int argc, char **argv) {
    if (argc != 2) return 2;
    diag d; diag_init(&d, stderr);
    bool req[14] = {0};
    reader *r = reader_open(argv[1], NULL, fields, req, 14, &d);
    cell cells[14]; record_pos pos; read_status st;
    long n = 0, bad = 0; unsigned long sum = 0;
    while ((st = reader_next(r, cells, &pos)) != READ_EOF && st != READ_FATAL) {
        if (st != READ_OK) { bad++; continue; }
        n++;
        for (int i = 0; i < 14; i++) sum += cells[i].state == CELL_TEXT ? cells[i].len : 0;
    }
    reader_close(r);
    printf("%ld records, %ld bad, %lu bytes of cells\n", n, bad, sum);
    return 0;
}
