/*
 * fuzz_gmcr.c -- libFuzzer target for the gmcr-py save-file reader
 * (src/io/gmcr.c, parley_gmcr_read_text) and the stability analysis
 * behind it (src/stability/).
 *
 * What it checks beyond "no crash, no leak, no UB" (the sanitizers do
 * that): every failure fills the error record (its status and a
 * non-empty message) and leaves no model; every model that reads is
 * finalized, and when it has at most 4096 states it is analysed (one
 * thread), every non-equilibrium state is explained by a DM that is
 * unstable there, the status quo analysis from the first feasible state
 * reaches that state in 0 moves, and coalition stability answers for the
 * grand coalition.
 *
 * Memory: everything allocated here is freed before returning.
 */
#include "parley/parley.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    parley_graph *g = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_gmcr_read_text((const char *)data, size, "fuzz.gmcr", NULL, &g, &err);
    if (st != PARLEY_OK) {
        if (g || err.status != st || err.message[0] == '\0')
            abort(); /* a failure must say why and leave nothing */
        return 0;
    }
    if (!g || parley_graph_feasible_count(g) == 0)
        abort();
    uint64_t S = parley_graph_state_count(g);
    if (S <= 4096) {
        parley_stability *res = NULL;
        if (parley_stability_analyze(g, 1, &res, &err) != PARLEY_OK)
            abort(); /* a finalized small model always analyses */
        uint32_t first = UINT32_MAX;
        for (uint64_t s64 = 0; s64 < S; s64++) {
            uint32_t s = (uint32_t)s64;
            if (!parley_graph_feasible(g, s))
                continue;
            if (first == UINT32_MAX)
                first = s;
            for (int c = 0; c < PARLEY_CONCEPT_COUNT; c++) {
                size_t dm;
                uint32_t to;
                parley_status es = parley_stability_explain(res, (parley_concept)c, s, &dm, &to);
                bool eq = parley_stability_equilibrium(res, (parley_concept)c, s);
                if (eq != (es == PARLEY_ERR_NORESULT))
                    abort();
                if (es == PARLEY_OK && parley_stability_stable(res, dm, (parley_concept)c, s))
                    abort();
            }
        }
        parley_reach *r = NULL;
        if (parley_reach_from(g, first, &r, &err) != PARLEY_OK ||
            parley_reach_path(r, first, NULL, NULL, 0) != 0)
            abort();
        parley_reach_free(r);
        size_t nd = parley_graph_dm_count(g);
        uint32_t all = nd >= 32 ? 0xffffffffu : (1u << nd) - 1;
        bool stable;
        if (parley_stability_coalition(g, all, first, &stable, NULL, &err) != PARLEY_OK)
            abort();
        parley_stability_free(res);
    }
    parley_graph_free(g);
    return 0;
}
