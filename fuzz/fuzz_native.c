/*
 * fuzz_native.c -- libFuzzer target for the native YAML/JSON scenario
 * reader (parley_native_read, from memory).
 *
 * What it checks beyond "no crash, no leak, no UB" (the sanitizers do
 * that): every failure fills the error record (a status and a non-empty
 * message), and every scenario that reads back also writes
 * (parley_native_write) and the text written reads again to a scenario
 * with the same shape -- the writer never emits what the reader refuses.
 * Small scenarios are also analysed (work-limited) so that fuzzed models
 * reach the analysis code.
 *
 * Memory: everything allocated here is freed before returning; a leak is
 * reported by LeakSanitizer as a finding.
 *
 * Known finding, filtered until it is fixed (docs/robustness.md, finding
 * N1): libfyaml 0.7.12 leaks a buffer in fy_token_get_text() for some
 * single-quoted scalars with several `''` escapes (`` leaks
 * 512 bytes; so does `'*j`*j`'`).  Inputs holding `''` anywhere are
 * skipped so that the fuzzer can look past it; tests/test_hostile.c keeps
 * the reproducer.  Set PARLEY_FUZZ_NO_FILTER=1 to fuzz them anyway.
 */
#include "fuzz_util.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_filter_on() && fz_has_quote_pair(data, size))
        return 0;
    parley_load_options opt = {0};
    opt.max_file_bytes = 1u << 20;
    parley_scenario *sc = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_native_read((const char *)data, size, "fuzz.yaml", &opt, &sc, &err);
    if (st != PARLEY_OK) {
        if (sc || err.status != st || err.message[0] == '\0')
            abort(); /* a failure must say why and leave nothing */
        return 0;
    }
    if (!sc || !parley_scenario_is_final(sc))
        abort();
    fz_round_trip(sc);

    uint64_t count = 0;
    if (parley_scenario_outcome_count(sc, &count) == PARLEY_OK && count <= 4096) {
        parley_analysis_options ao;
        parley_analysis_options_init(&ao);
        ao.threads = 1;
        ao.max_work = 100000;
        parley_analysis *an = NULL;
        if (parley_analyze(sc, &ao, &an, &err) == PARLEY_OK)
            parley_analysis_free(an);
    }
    parley_scenario_free(sc);
    return 0;
}
