// simdjson.cpp - the prototype measured against rubric's own JSON reader
// (docs/performance.md): the 14 fields of use_case_health.rules from every
// NDJSON record through simdjson's ondemand API (iterate_many), as a reader
// would hand cells over; the time of the parse alone on standard error.
// Not built by make; with Debian's libsimdjson-dev:
//   g++ -O2 -std=c++17 -o build/simdjson bench/json/simdjson.cpp -lsimdjson
//   build/simdjson build/bench-1000000.ndjson
#include <simdjson.h>
#include <cstdio>
#include <ctime>
#include <cstring>
#include <string_view>
using namespace simdjson;
static const char *fields[] = {"account_id","tier","deployment","license_start","licenses_sold","billable_users","active_users_l28d","git_ops_users_l28d","ci_pipeline_users_l28d","deployments_l28d","deployment_users_l28d","secure_scanner_users_l28d","container_scanning_users_l28d","secret_detection_users_l28d"};
enum { NF = 14 };
int main(int argc, char **argv) {
    fprintf(stderr, "implementation: %s\n", simdjson::get_active_implementation()->name().c_str());
    padded_string json;
    if (padded_string::load(argv[1]).get(json)) return 1;
    struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
    ondemand::parser parser;
    ondemand::document_stream stream;
    if (parser.iterate_many(json, 1 << 20).get(stream)) return 1;
    long n = 0, bad = 0; unsigned long sum = 0;
    for (auto doc : stream) {
        ondemand::object obj;
        if (doc.get_object().get(obj)) { bad++; continue; }
        std::string_view cells[NF];
        int pos = 0;
        bool fail = false;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) { fail = true; break; }
            int f = -1;
            // per-position prediction, as our reader does
            if (pos < NF && key == fields[pos]) f = pos;
            else for (int i = 0; i < NF; i++) if (key == fields[i]) { f = i; break; }
            pos++;
            if (f < 0) continue;
            ondemand::value v = field.value();
            ondemand::json_type t;
            if (v.type().get(t)) { fail = true; break; }
            if (t == ondemand::json_type::string) { std::string_view s; if (v.get_string().get(s)) { fail = true; break; } cells[f] = s; }
            else cells[f] = v.raw_json_token();
        }
        if (fail) { bad++; continue; }
        n++;
        for (int i = 0; i < NF; i++) sum += cells[i].size();
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "parse %.3f s\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    printf("%ld records, %ld bad, %lu bytes of cells\n", n, bad, sum);
    return 0;
}
