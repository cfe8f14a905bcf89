/*
 * fuzz_rule.c -- libFuzzer target for the red-line rule language, through
 * the public parley_party_add_redline (which compiles at once).
 *
 * A fixed small scenario (a discrete issue with quoted and numeric-looking
 * labels, an integer range, a real range; two negotiators and a ratifier,
 * one name with a space) receives the fuzzed text as a red line.  A rule
 * that compiles is then evaluated on every outcome (75 of them), the
 * scenario is diagnosed (work-limited, no solutions), and the red line is
 * removed again.  A failure must fill the error with a column inside the
 * text (+1 for "at the end").
 *
 * Memory: the scenario is built once per run and freed before returning.
 */
#include "parley/parley.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static parley_scenario *build(void)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    if (!sc)
        return NULL;
    static const char *const colours[] = {"red", "0", "light blue"};
    size_t p;
    if (parley_scenario_add_discrete(sc, "colour", 3, colours, NULL, NULL) ||
        parley_scenario_add_integer(sc, "price", 10, 50, 10, NULL, NULL) ||
        parley_scenario_add_real(sc, "share", 0.0, 1.0, 5, NULL, NULL))
        goto fail;
    static const char *const names[] = {"Buyer", "Seller Co", "Bank"};
    for (size_t i = 0; i < 3; i++) {
        if (parley_scenario_add_party(sc, names[i],
                                      i == 2 ? PARLEY_ROLE_RATIFIER : PARLEY_ROLE_NEGOTIATOR, &p,
                                      NULL))
            goto fail;
        if (parley_party_set_weight(sc, p, 0, 0.5) || parley_party_set_weight(sc, p, 1, 0.3) ||
            parley_party_set_weight(sc, p, 2, 0.2) ||
            parley_party_set_value_eval(sc, p, 0, i, 1.0) ||
            parley_party_set_value_eval(sc, p, 0, (i + 1) % 3, 0.5) ||
            parley_party_set_linear(sc, p, 1, i == 0 ? 1.0 : 0.0, i == 0 ? -0.025 : 0.025, 10) ||
            parley_party_set_triangular(sc, p, 2, 0.0, 0.25 * (double)(i + 1), 1.0) ||
            parley_party_set_reservation(sc, p, 0.2))
            goto fail;
    }
    return sc;
fail:
    parley_scenario_free(sc);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    parley_scenario *sc = build();
    if (!sc)
        abort();
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_party_add_redline(sc, 0, "fuzzed", text, &err);
    if (st != PARLEY_OK) {
        if (err.status != st || err.message[0] == '\0' || err.column > strlen(text) + 1)
            abort();
    } else if (parley_redline_count(sc, 0) != 1 || strcmp(parley_redline_text(sc, 0, 0), text)) {
        abort();
    } else if (parley_scenario_finalize(sc, &err) == PARLEY_OK) {
        uint32_t o[3];
        for (o[0] = 0; o[0] < 3; o[0]++)
            for (o[1] = 0; o[1] < 5; o[1]++)
                for (o[2] = 0; o[2] < 5; o[2]++) {
                    bool holds = parley_redlines_hold(sc, 0, o);
                    if (holds != (parley_redline_broken(sc, 0, o) < 0))
                        abort();
                    (void)parley_outcome_acceptable(sc, o);
                }
        parley_diagnosis_options dopt;
        parley_diagnosis_options_init(&dopt);
        dopt.threads = 1;
        dopt.max_work = 20000;
        dopt.max_sets = 16;
        dopt.solutions = false;
        parley_diagnosis *d = NULL;
        if (parley_diagnose(sc, &dopt, &d, &err) == PARLEY_OK)
            parley_diagnosis_free(d);
        if (parley_party_remove_redline(sc, 0, 0) != PARLEY_OK || parley_redline_count(sc, 0))
            abort();
    }
    parley_scenario_free(sc);
    free(text);
    return 0;
}
