/*
 * test_weights.c -- `--set PARTY.ISSUE.weight=X`: the rescaling
 * (parleyx_rescale_weights) on random weight vectors against its
 * properties (the weight set is X exactly, all sum to 1, the others keep
 * their proportions, an issue that cannot take a weight gets none), and
 * `parley whatif` end to end on random scenarios: the deals it counts
 * after a weight change are those counted one by one, by the library, on
 * the scenario with the rescaled weights written in.  Runs the built tool
 * (PARLEY_BINARY_DIR/parley) for the second part; skips it when absent.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parleyx.h"
#include "helpers/helpers.h"

#define TOOL PARLEY_BINARY_DIR "/parley"

static unsigned rounds(unsigned full, unsigned light)
{
    return getenv("PARLEY_UNDER_VALGRIND") ? light : full;
}

Test(weights, rescale_properties_brute_force)
{
    rng r = {0x5eed0019u};
    unsigned n_cases = rounds(200000, 2000);
    for (unsigned c = 0; c < n_cases; c++) {
        size_t n = 1 + rng_u32(&r) % 12, k = rng_u32(&r) % n;
        double w[12], w0[12];
        bool can[12];
        bool zeros = rng_u32(&r) % 5 == 0; /* the others all zero now and then */
        for (size_t i = 0; i < n; i++) {
            unsigned shape = rng_u32(&r) % 4;
            w[i] = zeros && i != k ? 0.0
                   : shape == 0    ? 0.0
                   : shape == 1    ? (double)(rng_u32(&r) % 11) / 10.0
                                   : rng_unit(&r) * (shape == 3 ? 1e-3 : 3.0);
            can[i] = w[i] > 0.0 || rng_u32(&r) % 2;
            w0[i] = w[i];
        }
        unsigned xs = rng_u32(&r) % 5;
        double x = xs == 0 ? 0.0 : xs == 1 ? 1.0 : xs == 2 && w[k] <= 1.0 ? w[k] : rng_unit(&r);
        double rest = 0.0;
        size_t takers = 0;
        for (size_t i = 0; i < n; i++)
            if (i != k) {
                rest += w0[i];
                takers += can[i];
            }
        bool ok = parleyx_rescale_weights(w, n, k, x, can);
        bool possible = rest > 0.0 || x == 1.0 || takers > 0;
        cr_assert_eq(ok, possible, "case %u: n %zu, x %.17g, rest %.17g", c, n, x, rest);
        if (!ok) {
            cr_assert(memcmp(w, w0, n * sizeof *w) == 0, "case %u: changed on refusal", c);
            continue;
        }
        cr_assert_eq(w[k], x, "case %u: the weight set is %.17g, not %.17g", c, w[k], x);
        long double sum = 0.0L;
        for (size_t i = 0; i < n; i++) {
            cr_assert(w[i] >= 0.0 && isfinite(w[i]), "case %u: weight %zu is %g", c, i, w[i]);
            sum += w[i];
        }
        cr_assert(fabsl(sum - 1.0L) <= 1e-12L, "case %u: the weights sum to %.17Lg", c, sum);
        for (size_t i = 0; i < n; i++) {
            if (i == k)
                continue;
            if (rest > 0.0) { /* one factor for all: w[i] / w0[i] the same */
                for (size_t j = 0; j < n; j++)
                    if (j != k && w0[i] > 0.0 && w0[j] > 0.0)
                        cr_assert(fabs(w[i] * w0[j] - w[j] * w0[i]) <=
                                      1e-12 * (w[i] * w0[j] + 1e-300),
                                  "case %u: proportion of %zu to %zu lost", c, i, j);
                if (w0[i] == 0.0)
                    cr_assert_eq(w[i], 0.0, "case %u: a zero weight grew", c);
            } else if (x < 1.0) { /* shared equally among those that can take it */
                double want = can[i] ? (1.0 - x) / (double)takers : 0.0;
                cr_assert_eq(w[i], want, "case %u: weight %zu is %.17g, not %.17g", c, i, w[i],
                             want);
            } else {
                cr_assert_eq(w[i], 0.0);
            }
        }
    }
    /* the refusals */
    double w[3] = {0.5, 0.5, 0.0};
    cr_assert(!parleyx_rescale_weights(w, 3, 0, 1.5, NULL));
    cr_assert(!parleyx_rescale_weights(w, 3, 0, -0.1, NULL));
    cr_assert(!parleyx_rescale_weights(w, 3, 0, NAN, NULL));
    cr_assert(!parleyx_rescale_weights(w, 3, 3, 0.5, NULL));
    double one[2] = {1.0, 0.0};
    bool none[2] = {true, false};
    cr_assert(!parleyx_rescale_weights(one, 2, 0, 0.4, none));
    cr_assert(parleyx_rescale_weights(one, 2, 0, 1.0, none));
    /* a weight set to its own value leaves weights that sum to 1 up to
     * rounding as written (0.2 + 0.1 + 0.15 + 0.2 is 0.6500000000000001) */
    double ru[5] = {0.35, 0.2, 0.1, 0.15, 0.2};
    cr_assert(parleyx_rescale_weights(ru, 5, 0, 0.35, NULL));
    cr_assert(ru[1] == 0.2 && ru[2] == 0.1 && ru[3] == 0.15 && ru[4] == 0.2);
    /* by hand: 0.61 leaves 0.39 for weights in proportion 4:2:3:4 */
    cr_assert(parleyx_rescale_weights(ru, 5, 0, 0.61, NULL));
    double want[5] = {0.61, 0.12, 0.06, 0.09, 0.12};
    for (size_t i = 0; i < 5; i++)
        cr_assert(fabs(ru[i] - want[i]) < 1e-15, "%zu: %.17g", i, ru[i]);
}

/* The deals of a finalized scenario, counted outcome by outcome. */
static uint64_t count_deals(const parley_scenario *sc)
{
    size_t m = parley_issue_count(sc);
    uint32_t o[RANDOM_MAX_ISSUES] = {0};
    uint64_t deals = 0;
    for (;;) {
        deals += parley_outcome_acceptable(sc, o);
        size_t i = 0;
        while (i < m && ++o[i] == parley_issue_value_count(sc, i))
            o[i++] = 0;
        if (i == m)
            return deals;
    }
}

Test(weights, whatif_counts_the_rescaled_scenario)
{
    if (access(TOOL, X_OK) != 0)
        cr_skip_test("the parley tool is not built (%s)", TOOL);
    char dir[256];
    tmpdir_make(dir, sizeof dir, "weights");
    static const double rvs[] = {0.2, 0.3, 0.4, 0.5};
    random_spec spec = {.issues_min = 2, .issues_max = 4, .values_min = 2, .values_max = 4,
                        .integer_one_in = 3, .int_values_min = 2, .int_values_max = 5,
                        .parties_min = 2, .parties_max = 3, .zero_weight_one_in = 5,
                        .weight_tenths_min = 1, .weight_tenths_max = 10, .weight_spread = 1.0,
                        .reservations = rvs, .nreservations = 4, .redlines_total = 2,
                        .redline_depth = 1};
    rng r = {0x19191919u};
    unsigned cases = rounds(40, 3), tried = 0;
    for (unsigned c = 0; c < cases; c++) {
        parley_scenario *sc = random_scenario(&r, &spec, NULL);
        size_t p = rng_u32(&r) % parley_party_count(sc), m = parley_issue_count(sc);
        size_t is = rng_u32(&r) % m;
        double x = (double)(rng_u32(&r) % 101) / 100.0;
        parley_eval_info ei;
        parley_party_eval_info(sc, p, is, &ei);
        bool has_weights = false;
        for (size_t i = 0; i < m; i++)
            has_weights |= parley_party_weight(sc, p, i) > 0.0;
        char *text = NULL;
        size_t len = 0;
        parley_error err;
        cr_assert_eq(parley_native_write(sc, &text, &len, &err), PARLEY_OK, "%s", err.message);
        const char *path = put_in(dir, "s.yaml", text);
        parley_text_free(text);
        char cmd[1024], *out = NULL;
        snprintf(cmd, sizeof cmd, "%s whatif '%s' --set 'P%zu.i%zu.weight=%.2f' --json 2>&1", TOOL,
                 path, p, is, x);
        int rc = run_command(cmd, &out);
        if (ei.kind == PARLEY_EVAL_NONE || !has_weights) { /* refused: nothing to weigh */
            cr_assert_eq(rc, 2, "case %u: %s\n%s", c, cmd, out);
            free(out);
            parley_scenario_free(sc);
            continue;
        }
        /* the expected scenario: the rescaled weights written in */
        double w[RANDOM_MAX_ISSUES];
        bool can[RANDOM_MAX_ISSUES];
        for (size_t i = 0; i < m; i++) {
            w[i] = parley_party_weight(sc, p, i);
            parley_party_eval_info(sc, p, i, &ei);
            can[i] = ei.kind != PARLEY_EVAL_NONE;
        }
        if (!parleyx_rescale_weights(w, m, is, x, can)) {
            cr_assert_eq(rc, 2, "case %u: %s\n%s", c, cmd, out);
            free(out);
            parley_scenario_free(sc);
            continue;
        }
        cr_assert_eq(rc, 0, "case %u: %s\n%s", c, cmd, out);
        for (size_t i = 0; i < m; i++)
            cr_assert_eq(parley_party_set_weight(sc, p, i, w[i]), PARLEY_OK);
        cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
        uint64_t want = count_deals(sc);
        json_error_t je;
        json_t *j = json_loads(out, 0, &je);
        cr_assert_not_null(j, "case %u: not JSON: %s", c, out);
        json_t *got = json_object_get(json_object_get(j, "whatif"), "agreements");
        cr_assert(json_is_integer(got), "%s", out);
        cr_assert_eq((uint64_t)json_integer_value(got), want,
                     "case %u: %s counts %lld deals, one by one %llu", c, cmd,
                     (long long)json_integer_value(got), (unsigned long long)want);
        json_decref(j);
        free(out);
        parley_scenario_free(sc);
        tried++;
    }
    cr_assert(tried > 0, "no case had a weight to set");
    tmpdir_remove(dir);
}
