/*
 * test_native.c -- the native scenario format: reader, writer, round trips
 * and every kind of bad input.
 *
 * Round trips: every examples/ *.yaml files, and randomly built scenarios (built
 * through the public builder, written, read back, compared accessor by
 * accessor with bit-exact doubles; then written again and compared byte
 * for byte).  Utilities of a hand-written scenario are checked against
 * hand computation.  Each bad input checks the status, the 1-based line
 * and column, and a phrase of the message.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "helpers/helpers.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static parley_scenario *read_ok(const char *text)
{
    parley_scenario *sc = NULL;
    parley_error err;
    parley_status st = parley_native_read(text, strlen(text), "test.yaml", NULL, &sc, &err);
    cr_assert_eq(st, PARLEY_OK, "read failed: %s:%u:%u: %s\n--- text ---\n%s", err.file, err.line,
                 err.column, err.message, text);
    cr_assert_not_null(sc);
    cr_assert(parley_scenario_is_final(sc));
    return sc;
}

static void expect_err(const char *text, size_t len, parley_status want, unsigned line,
                       unsigned col, const char *phrase)
{
    parley_scenario *sc = (parley_scenario *)1;
    parley_error err;
    parley_status st = parley_native_read(text, len, "bad.yaml", NULL, &sc, &err);
    cr_assert_null(sc, "out must be NULL on failure");
    cr_assert_eq(st, want, "status %d (%s), want %d; message: %u:%u: %s", st, parley_strerror(st),
                 want, err.line, err.column, err.message);
    cr_assert_eq(err.status, want);
    cr_assert_str_eq(err.file, "bad.yaml");
    cr_assert_eq(err.line, line, "line %u, want %u; message: %s", err.line, line, err.message);
    cr_assert_eq(err.column, col, "column %u, want %u; message: %s", err.column, col,
                 err.message);
    cr_assert(strstr(err.message, phrase) != NULL, "message lacks \"%s\": %s", phrase,
              err.message);
}

#define EXPECT_ERR(text, st, line, col, phrase)                                                \
    expect_err(text, strlen(text), st, line, col, phrase)

static bool same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void assert_same_d(double a, double b, const char *what)
{
    cr_assert(same_double(a, b), "%s differs: %.17g vs %.17g", what, a, b);
}

/* Every accessor of a equals b's, doubles bit for bit. */
static void assert_same(const parley_scenario *a, const parley_scenario *b)
{
    cr_assert_str_eq(parley_scenario_name(a), parley_scenario_name(b));
    cr_assert_str_eq(parley_scenario_description(a), parley_scenario_description(b));
    size_t ni = parley_issue_count(a);
    cr_assert_eq(ni, parley_issue_count(b));
    char la[PARLEY_MAX_NAME + 8], lb[PARLEY_MAX_NAME + 8];
    for (size_t i = 0; i < ni; i++) {
        cr_assert_str_eq(parley_issue_name(a, i), parley_issue_name(b, i));
        const char *da = parley_issue_description(a, i), *db = parley_issue_description(b, i);
        cr_assert_str_eq(da ? da : "", db ? db : "");
        cr_assert_eq(parley_issue_kind_of(a, i), parley_issue_kind_of(b, i));
        size_t nv = parley_issue_value_count(a, i);
        cr_assert_eq(nv, parley_issue_value_count(b, i));
        double l1, h1, s1, l2, h2, s2;
        parley_issue_range(a, i, &l1, &h1, &s1);
        parley_issue_range(b, i, &l2, &h2, &s2);
        assert_same_d(l1, l2, "range lo");
        assert_same_d(h1, h2, "range hi");
        assert_same_d(s1, s2, "range step");
        for (size_t k = 0; k < nv; k++) {
            cr_assert_str_eq(parley_issue_value_label(a, i, k, la, sizeof la),
                             parley_issue_value_label(b, i, k, lb, sizeof lb));
            assert_same_d(parley_issue_value_number(a, i, k), parley_issue_value_number(b, i, k),
                          "value number");
        }
    }
    size_t np = parley_party_count(a);
    cr_assert_eq(np, parley_party_count(b));
    for (size_t p = 0; p < np; p++) {
        cr_assert_str_eq(parley_party_name(a, p), parley_party_name(b, p));
        const char *da = parley_party_description(a, p), *db = parley_party_description(b, p);
        cr_assert_str_eq(da ? da : "", db ? db : "");
        cr_assert_eq(parley_party_role(a, p), parley_party_role(b, p));
        assert_same_d(parley_party_reservation(a, p), parley_party_reservation(b, p),
                      "reservation");
        assert_same_d(parley_party_discount(a, p), parley_party_discount(b, p), "discount");
        double ca = -1, cb = -1;
        bool ha = parley_party_capability(a, p, &ca), hb = parley_party_capability(b, p, &cb);
        cr_assert_eq(ha, hb);
        if (ha)
            assert_same_d(ca, cb, "capability");
        cr_assert_eq(parley_party_has_utility(a, p), parley_party_has_utility(b, p));
        for (size_t i = 0; i < ni; i++) {
            assert_same_d(parley_party_weight(a, p, i), parley_party_weight(b, p, i), "weight");
            parley_eval_info ea, eb;
            memset(&ea, 0, sizeof ea);
            memset(&eb, 0, sizeof eb);
            parley_party_eval_info(a, p, i, &ea);
            parley_party_eval_info(b, p, i, &eb);
            cr_assert_eq(ea.kind, eb.kind, "party %zu issue %zu: eval kind %d vs %d", p, i,
                         ea.kind, eb.kind);
            switch (ea.kind) {
            case PARLEY_EVAL_TABLE:
                cr_assert_eq(ea.n, eb.n);
                for (size_t k = 0; k < ea.n; k++)
                    assert_same_d(ea.table[k], eb.table[k], "table entry");
                break;
            case PARLEY_EVAL_PIECEWISE:
                cr_assert_eq(ea.n, eb.n);
                for (size_t k = 0; k < ea.n; k++) {
                    assert_same_d(ea.x[k], eb.x[k], "point x");
                    assert_same_d(ea.y[k], eb.y[k], "point y");
                }
                break;
            case PARLEY_EVAL_LINEAR:
            case PARLEY_EVAL_TRIANGULAR:
                assert_same_d(ea.a, eb.a, "eval a");
                assert_same_d(ea.b, eb.b, "eval b");
                assert_same_d(ea.c, eb.c, "eval c");
                break;
            case PARLEY_EVAL_CONSTANT:
                assert_same_d(ea.a, eb.a, "constant");
                break;
            default:
                break;
            }
        }
        size_t nt = parley_interaction_count(a, p);
        cr_assert_eq(nt, parley_interaction_count(b, p));
        for (size_t t = 0; t < nt; t++) {
            cr_assert_str_eq(parley_interaction_when(a, p, t), parley_interaction_when(b, p, t));
            assert_same_d(parley_interaction_value(a, p, t), parley_interaction_value(b, p, t),
                          "interaction value");
        }
        assert_same_d(parley_party_interaction_divisor(a, p),
                      parley_party_interaction_divisor(b, p), "interaction divisor");
        size_t nr = parley_redline_count(a, p);
        cr_assert_eq(nr, parley_redline_count(b, p));
        for (size_t r = 0; r < nr; r++) {
            cr_assert_str_eq(parley_redline_name(a, p, r), parley_redline_name(b, p, r));
            cr_assert_str_eq(parley_redline_text(a, p, r), parley_redline_text(b, p, r));
        }
    }
}

static char *write_ok(const parley_scenario *sc, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    parley_error err;
    parley_status st = parley_native_write(sc, &text, &n, &err);
    cr_assert_eq(st, PARLEY_OK, "write failed: %s", err.message);
    cr_assert_not_null(text);
    cr_assert_eq(strlen(text), n);
    if (len)
        *len = n;
    return text;
}

/* write -> read -> compare -> write -> byte-compare.  Consumes nothing. */
static void round_trip(const parley_scenario *sc, const char *label)
{
    size_t n1, n2;
    char *t1 = write_ok(sc, &n1);
    parley_scenario *back = NULL;
    parley_error err;
    parley_status st = parley_native_read(t1, n1, label, NULL, &back, &err);
    cr_assert_eq(st, PARLEY_OK, "%s: reading the written text failed: %u:%u: %s\n%s", label,
                 err.line, err.column, err.message, t1);
    assert_same(sc, back);
    char *t2 = write_ok(back, &n2);
    cr_assert_eq(n1, n2, "%s: second write differs in length\n--- 1 ---\n%s\n--- 2 ---\n%s",
                 label, t1, t2);
    cr_assert(memcmp(t1, t2, n1) == 0, "%s: second write differs\n--- 1 ---\n%s\n--- 2 ---\n%s",
              label, t1, t2);
    parley_text_free(t1);
    parley_text_free(t2);
    parley_scenario_free(back);
}

/* ------------------------------------------------------------------ */
/* Round trips                                                          */
/* ------------------------------------------------------------------ */

Test(native, examples_round_trip)
{
    const char *dirpath = PARLEY_SOURCE_DIR "/examples";
    DIR *d = opendir(dirpath);
    if (!d)
        cr_skip_test("no examples folder at %s yet", dirpath);
    size_t count = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dirpath, de->d_name);
        parley_scenario *sc = NULL;
        parley_error err;
        parley_status st = parley_native_read_file(path, NULL, &sc, &err);
        cr_assert_eq(st, PARLEY_OK, "%s:%u:%u: %s", err.file, err.line, err.column,
                     err.message);
        round_trip(sc, path);
        parley_scenario_free(sc);
        count++;
    }
    closedir(d);
    if (count == 0)
        cr_skip_test("no examples/*.yaml yet");
}

/* The round-trip mix (helpers.h, random_spec.wild): 1 to 6 issues of
 * every kind with awkward names, labels and descriptions, 1 to 4 parties
 * of any role (a mediator without preferences half the time), every
 * evaluation shape with full-precision and extreme numbers, explicit and
 * skipped zero weights, -0.0, discounts, capabilities, and 0 to 2 random
 * red lines a party over quoted names. */
static const random_spec native_spec = {
    .issues_min = 1,
    .issues_max = 6,
    .values_min = 1,
    .values_max = 7,
    .parties_min = 1,
    .parties_max = 4,
    .roles_from = 1,
    .role_die = 3,
    .bare_one_in = 2,
    .zero_weight_one_in = 4,
    .redlines_per_party = 2,
    .wild = true,
};

Test(native, random_round_trip)
{
    rng rs = {0x9e3779b97f4a7c15ull};
    for (int n = 0; n < 300; n++) {
        parley_scenario *sc = random_scenario(&rs, &native_spec, NULL);
        char label[32];
        snprintf(label, sizeof label, "random-%d", n);
        round_trip(sc, label);
        parley_scenario_free(sc);
    }
}

/* The same mix with interaction terms (issue 16): 0 to 4 a party, random
 * issue-only rules over the awkward names, values of full precision and
 * either sign (-0.0 too), a divisor now and then; written, read back and
 * written again to the same bytes, every utility the same double. */
Test(native, random_round_trip_with_interactions)
{
    rng rs = {0x5eed1616u};
    static const double vals[] = {0.3, -0.2, 1e-300, -0.0, 0.1 + 0.2, 1.0 / 3, -7e10, 5};
    static const double divs[] = {1, 2, 0.1, 662, 1e-5};
    int with = 0;
    for (int n = 0; n < 300; n++) {
        random_model md;
        parley_scenario *sc = random_scenario(&rs, &native_spec, &md);
        for (size_t p = 0; p < parley_party_count(sc); p++) {
            size_t k = rng_u32(&rs) % 5;
            for (size_t t = 0; t < k; t++) {
                char rule[2048];
                random_rule(&rs, sc, &md, p, 1, rule, sizeof rule);
                if (strstr(rule, "utility("))
                    continue;
                parley_error err;
                cr_assert_eq(parley_party_add_interaction(sc, p, rule,
                                                          vals[rng_u32(&rs) % 8], &err),
                             PARLEY_OK, "%s: %s", rule, err.message);
            }
            if (rng_u32(&rs) % 3 == 0)
                cr_assert_eq(parley_party_set_interaction_divisor(sc, p, divs[rng_u32(&rs) % 5]),
                             PARLEY_OK);
        }
        parley_error err;
        if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
            parley_scenario_free(sc); /* e.g. a party left with preferences of 0 */
            continue;
        }
        with += parley_scenario_has_interactions(sc);
        char label[40];
        snprintf(label, sizeof label, "random-interactions-%d", n);
        round_trip(sc, label);
        size_t len;
        char *t = write_ok(sc, &len);
        parley_scenario *back = NULL;
        cr_assert_eq(parley_native_read(t, len, label, NULL, &back, &err), PARLEY_OK);
        uint64_t count;
        if (parley_scenario_outcome_count(sc, &count) == PARLEY_OK && count <= 5000) {
            size_t ni = parley_issue_count(sc);
            uint32_t o[16] = {0};
            for (uint64_t q = 0; q < count; q++) {
                for (size_t p = 0; p < parley_party_count(sc); p++)
                    cr_assert(parley_utility(sc, p, o) == parley_utility(back, p, o), "%s", label);
                for (size_t i = 0; i < ni; i++) {
                    if (++o[i] < parley_issue_value_count(sc, i))
                        break;
                    o[i] = 0;
                }
            }
        }
        parley_text_free(t);
        parley_scenario_free(back);
        parley_scenario_free(sc);
    }
    cr_assert_gt(with, 150, "%d scenarios had interactions", with);
}

Test(native, long_lines_use_block_style)
{
    /* Many values: the writer switches to block style; still round-trips. */
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *vals[40];
    char buf[40][32];
    for (int k = 0; k < 40; k++) {
        snprintf(buf[k], sizeof buf[k], "value-number-%d", k);
        vals[k] = buf[k];
    }
    parley_error err;
    cr_assert_eq(parley_scenario_add_discrete(sc, "big", 40, vals, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_real(sc, "r", 0, 1, 21, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, 0, 0, 0.5), PARLEY_OK);
    for (size_t k = 0; k < 40; k++)
        cr_assert_eq(parley_party_set_value_eval(sc, 0, 0, k, (double)k / 39.0), PARLEY_OK);
    double x[30], y[30];
    for (int k = 0; k < 30; k++) {
        x[k] = k / 29.0;
        y[k] = (k % 3) / 2.0;
    }
    cr_assert_eq(parley_party_set_weight(sc, 0, 1, 0.5), PARLEY_OK);
    cr_assert_eq(parley_party_set_piecewise(sc, 0, 1, 30, x, y), PARLEY_OK);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK);
    char *t = write_ok(sc, NULL);
    cr_assert(strstr(t, "\n      - value-number-0\n") != NULL, "%s", t);
    cr_assert(strstr(t, "\n          value-number-39: 1\n") != NULL, "%s", t);
    cr_assert(strstr(t, "\n          - [1, 1]\n") != NULL, "%s", t);
    parley_text_free(t);
    round_trip(sc, "block");
    parley_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Semantics                                                            */
/* ------------------------------------------------------------------ */

static const char hand[] =
    "parley: 1\n"
    "name: Hand check\n"
    "issues:\n"
    "  land: {values: [holds, frozen, ceded]}\n"
    "  arms:\n"
    "    type: integer\n"
    "    range: [0, 100]\n"
    "    step: 10\n"
    "  price:\n"
    "    type: real\n"
    "    range: [0, 1]\n"
    "    grid: 5\n"
    "parties:\n"
    "  A:\n"
    "    reservation: 0.3\n"
    "    utility:\n"
    "      land: {weight: 0.5, values: {holds: 1, frozen: 0.5, ceded: 0}}\n"
    "      arms: {weight: 0.25, linear: {from: [0, 0], to: [100, 1]}}\n"
    "      price: {weight: 0.25, peak: {low: 0, top: 0.5, high: 1}}\n"
    "  B:\n"
    "    role: ratifier\n"
    "    discount: 0.9\n"
    "    capability: 30\n"
    "    utility:\n"
    "      land: {weight: 0.8, constant: 0.5}\n"
    "      arms: {weight: 0.1, linear: {intercept: 1, slope: -0.02, origin: 0}}\n"
    "      price: {weight: 0.6, points: [[0, 0], [0.5, 1], [1, 0.25]]}\n"
    "    red-lines:\n"
    "      keep-land: \"land != ceded\"\n"
    "      fair: 'utility(A) >= 0.5'\n"
    "  M:\n"
    "    role: mediator\n";

Test(native, hand_computed_utilities)
{
    parley_scenario *sc = read_ok(hand);
    cr_assert_str_eq(parley_scenario_name(sc), "Hand check");
    cr_assert_eq(parley_issue_value_count(sc, 1), 11);
    cr_assert_eq(parley_issue_value_count(sc, 2), 5);
    cr_assert_eq(parley_party_role(sc, 1), PARLEY_ROLE_RATIFIER);
    cr_assert_eq(parley_party_role(sc, 2), PARLEY_ROLE_MEDIATOR);
    cr_assert_float_eq(parley_party_discount(sc, 1), 0.9, 0);
    double cap;
    cr_assert(parley_party_capability(sc, 1, &cap));
    cr_assert_float_eq(cap, 30.0, 0);
    cr_assert(!parley_party_capability(sc, 0, &cap));
    cr_assert(!parley_party_has_utility(sc, 2));
    cr_assert_eq(parley_redline_count(sc, 1), 2);
    cr_assert_str_eq(parley_redline_text(sc, 1, 1), "utility(A) >= 0.5");

    /* (frozen, 30, 0.25): A = 0.5*0.5 + 0.25*0.3 + 0.25*0.5 = 0.45.
     * B = 0.8*0.5 + 0.1*(1 - 0.6) + 0.6*0.5 = 0.74. */
    uint32_t o1[3] = {1, 3, 1};
    cr_assert_float_eq(parley_utility(sc, 0, o1), 0.45, 1e-12);
    cr_assert_float_eq(parley_utility(sc, 1, o1), 0.74, 1e-12);
    cr_assert_float_eq(parley_utility(sc, 2, o1), 0.0, 0);
    /* (holds, 100, 0.5): A = 0.5 + 0.25 + 0.25 = 1; B = 0.4 + 0 + 0.6 = 1 (capped). */
    uint32_t o2[3] = {0, 10, 2};
    cr_assert_float_eq(parley_utility(sc, 0, o2), 1.0, 1e-12);
    cr_assert_float_eq(parley_utility(sc, 1, o2), 1.0, 0);
    /* (ceded, 0, 1): A = 0 + 0 + 0 = 0; B = 0.4 + 0.1 + 0.6*0.25 = 0.65. */
    uint32_t o3[3] = {2, 0, 4};
    cr_assert_float_eq(parley_utility(sc, 0, o3), 0.0, 1e-12);
    cr_assert_float_eq(parley_utility(sc, 1, o3), 0.65, 1e-12);
    /* Red lines: o3 cedes land; o1 gives A 0.45 < 0.5. */
    cr_assert_eq(parley_redline_broken(sc, 1, o3), 0);
    cr_assert_eq(parley_redline_broken(sc, 1, o1), 1);
    cr_assert_eq(parley_redline_broken(sc, 1, o2), -1);
    round_trip(sc, "hand");
    parley_scenario_free(sc);
}

Test(native, json_input_equals_yaml)
{
    static const char json[] =
        "{\"parley\": 1, \"name\": \"Hand check\",\n"
        " \"issues\": {\"land\": {\"values\": [\"holds\", \"frozen\", \"ceded\"]},\n"
        "   \"arms\": {\"type\": \"integer\", \"range\": [0, 100], \"step\": 10},\n"
        "   \"price\": {\"type\": \"real\", \"range\": [0, 1], \"grid\": 5}},\n"
        " \"parties\": {\n"
        "  \"A\": {\"reservation\": 0.3, \"utility\": {\n"
        "    \"land\": {\"weight\": 0.5,\n"
        "             \"values\": {\"holds\": 1, \"frozen\": 0.5, \"ceded\": 0}},\n"
        "    \"arms\": {\"weight\": 0.25, \"linear\": {\"from\": [0, 0], \"to\": [100, 1]}},\n"
        "    \"price\": {\"weight\": 0.25, \"peak\": {\"low\": 0, \"top\": 0.5, \"high\": 1}}}},\n"
        "  \"B\": {\"role\": \"ratifier\", \"discount\": 0.9, \"capability\": 30, \"utility\": {\n"
        "    \"land\": {\"weight\": 0.8, \"constant\": 0.5},\n"
        "    \"arms\": {\"weight\": 0.1, \"linear\": {\"intercept\": 1, \"slope\": -0.02, "
        "\"origin\": 0}},\n"
        "    \"price\": {\"weight\": 0.6, \"points\": [[0, 0], [0.5, 1], [1, 0.25]]}},\n"
        "   \"red-lines\": {\"keep-land\": \"land != ceded\", \"fair\": \"utility(A) >= 0.5\"}},\n"
        "  \"M\": {\"role\": \"mediator\"}}}\n";
    parley_scenario *a = read_ok(hand), *b = read_ok(json);
    assert_same(a, b);
    parley_scenario_free(a);
    parley_scenario_free(b);
}

Test(native, writer_output_shape)
{
    parley_scenario *sc = read_ok(hand);
    char *t = write_ok(sc, NULL);
    cr_assert(strncmp(t, "# parley scenario", 17) == 0, "%s", t);
    cr_assert(strstr(t, "\nparley: 1\nname: Hand check\n\nissues:\n  land:\n    values: [holds, "
                        "frozen, ceded]\n") != NULL,
              "%s", t);
    cr_assert(strstr(t, "      land: {weight: 0.5, values: {holds: 1, frozen: 0.5, ceded: 0}}\n"),
              "%s", t);
    cr_assert(strstr(t, "      arms: {weight: 0.25, points: [[0, 0], [100, 1]]}\n"), "%s", t);
    cr_assert(strstr(t, "      arms: {weight: 0.1, linear: {intercept: 1, slope: -0.02, origin: "
                        "0}}\n"),
              "%s", t);
    cr_assert(strstr(t, "      price: {weight: 0.25, peak: {low: 0, top: 0.5, high: 1}}\n"), "%s",
              t);
    cr_assert(strstr(t, "      land: {weight: 0.8, constant: 0.5}\n"), "%s", t);
    cr_assert(strstr(t, "    type: real\n    range: [0, 1]\n    grid: 5\n"), "%s", t);
    cr_assert(strstr(t, "    type: integer\n    range: [0, 100]\n    step: 10\n"), "%s", t);
    cr_assert(strstr(t, "    red-lines:\n      keep-land: \"land != ceded\"\n"), "%s", t);
    cr_assert(strstr(t, "  M:\n    role: mediator\n"), "%s", t);
    cr_assert(strstr(t, "reservation: 0.3\n"), "%s", t);
    cr_assert(strstr(t, "discount: 0.9\n"), "%s", t);
    cr_assert(strstr(t, "discount: 1") == NULL, "%s", t);
    parley_text_free(t);
    parley_scenario_free(sc);
}

Test(native, quoting_of_awkward_names)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    parley_error err;
    const char *vals[] = {"yes", "0", "a: b", "say \"hi\"", "tab\t", "ok"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "Is it? #1", 6, vals, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "true", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, 0, 0, 1), PARLEY_OK);
    cr_assert_eq(parley_party_set_constant(sc, 0, 0, 1), PARLEY_OK);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK);
    char *t = write_ok(sc, NULL);
    cr_assert(strstr(t, "  \"Is it? #1\":\n"), "%s", t);
    cr_assert(strstr(t, "[\"yes\", \"0\", \"a: b\", \"say \\\"hi\\\"\", \"tab\\t\", ok]"), "%s",
              t);
    cr_assert(strstr(t, "  \"true\":\n"), "%s", t);
    parley_text_free(t);
    round_trip(sc, "quoting");
    parley_scenario_free(sc);
}

Test(native, invalid_utf8_is_refused_by_the_writer)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    parley_error err;
    const char *vals[] = {"ok", "bad\xff"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "i", 2, vals, NULL, &err), PARLEY_OK);
    char *t = (char *)1;
    size_t n = 7;
    cr_assert_eq(parley_native_write(sc, &t, &n, &err), PARLEY_ERR_INVALID);
    cr_assert_null(t);
    cr_assert(strstr(err.message, "UTF-8"), "%s", err.message);
    parley_scenario_free(sc);
    parley_text_free(NULL);
}

Test(native, counting_allocator_is_used_and_balanced)
{
    /* The reader and the writer's text go through the scenario's allocator. */
    counting c = {0};
    parley_allocator a = {counting_alloc, &c};
    parley_load_options opt = {.alloc = &a, .real_grid = 0, .max_file_bytes = 0};
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read(hand, strlen(hand), "h", &opt, &sc, &err), PARLEY_OK, "%s",
                 err.message);
    cr_assert(c.bytes > 0);
    long with_scenario = c.bytes;
    char *t = write_ok(sc, NULL);
    cr_assert(c.bytes > with_scenario, "the text comes from the scenario's allocator");
    parley_scenario_free(sc);
    cr_assert(c.bytes > 0, "the text is still allocated");
    parley_text_free(t);
    cr_assert_eq(c.bytes, 0, "leaked %ld bytes", c.bytes);
}

/* b[0]: allocations still allowed; b[1]: live blocks. */
static void *failing_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    long *b = ud;
    (void)osize;
    if (nsize == 0) {
        if (ptr)
            b[1]--;
        free(ptr);
        return NULL;
    }
    if (b[0] <= 0)
        return NULL;
    b[0]--;
    void *p = realloc(ptr, nsize);
    if (p && !ptr)
        b[1]++;
    return p;
}

Test(native, failing_allocations_fail_cleanly)
{
    /* Fail allocation number N for N = 0, 1, ... until the read succeeds;
     * every failure returns NOMEM and leaks nothing. */
    long budget[2];
    parley_allocator a = {failing_alloc, budget};
    parley_load_options opt = {.alloc = &a, .real_grid = 0, .max_file_bytes = 0};
    for (long n = 0;; n++) {
        budget[0] = n;
        budget[1] = 0;
        parley_scenario *sc = NULL;
        parley_error err;
        parley_status st = parley_native_read(hand, strlen(hand), "h", &opt, &sc, &err);
        if (st == PARLEY_OK) {
            parley_scenario_free(sc);
            cr_assert_eq(budget[1], 0);
            break;
        }
        cr_assert_eq(st, PARLEY_ERR_NOMEM, "after %ld allocations: %s", n, err.message);
        cr_assert_null(sc);
        cr_assert_eq(budget[1], 0, "after %ld allocations: %ld blocks leaked", n, budget[1]);
        cr_assert(n < 100000);
    }
}

Test(native, read_file_errors)
{
    parley_scenario *sc = (parley_scenario *)1;
    parley_error err;
    cr_assert_eq(parley_native_read_file("/nonexistent/parley.yaml", NULL, &sc, &err),
                 PARLEY_ERR_IO);
    cr_assert_null(sc);
    cr_assert_str_eq(err.file, "/nonexistent/parley.yaml");
    cr_assert(strstr(err.message, "cannot open"), "%s", err.message);

    parley_load_options opt = {.alloc = NULL, .real_grid = 0, .max_file_bytes = 16};
    cr_assert_eq(parley_native_read(hand, strlen(hand), "h", &opt, &sc, &err), PARLEY_ERR_LIMIT);
    cr_assert(strstr(err.message, "limit"), "%s", err.message);
}

Test(native, real_grid_option_is_the_default_grid)
{
    static const char t[] = "parley: 1\nissues:\n  p: {type: real, range: [0, 1]}\n"
                            "parties:\n  A: {utility: {p: {weight: 1, linear: {intercept: 0, "
                            "slope: 1}}}}\n";
    parley_scenario *sc = read_ok(t);
    cr_assert_eq(parley_issue_value_count(sc, 0), 21);
    parley_scenario_free(sc);
    parley_load_options opt = {.alloc = NULL, .real_grid = 11, .max_file_bytes = 0};
    parley_error err;
    cr_assert_eq(parley_native_read(t, strlen(t), "t", &opt, &sc, &err), PARLEY_OK);
    cr_assert_eq(parley_issue_value_count(sc, 0), 11);
    parley_scenario_free(sc);
}

/* ------------------------------------------------------------------ */
/* Bad input: one test per case, status + line + column + phrase        */
/* ------------------------------------------------------------------ */

#define HEAD                                                                                   \
    "parley: 1\n"                             /* 1 */                                          \
    "issues:\n"                               /* 2 */                                          \
    "  donbas:\n"                             /* 3 */                                          \
    "    values: [holds, frozen, ceded]\n"    /* 4 */                                          \
    "  weapons:\n"                            /* 5 */                                          \
    "    type: integer\n"                     /* 6 */                                          \
    "    range: [0, 100]\n"                   /* 7 */                                          \
    "    step: 10\n"                          /* 8 */                                          \
    "parties:\n"                              /* 9 */                                          \
    "  Ukraine:\n"                            /* 10 */                                         \
    "    utility:\n"                          /* 11 */

#define WEAPONS "      weapons: {weight: 0.4, linear: {from: [0, 0], to: [100, 1]}}\n"

Test(native, base_case_is_valid)
{
    parley_scenario *sc = read_ok(HEAD "      donbas: {weight: 0.6, values: {holds: 1, frozen: "
                                       "0.5, ceded: 0}}\n" WEAPONS);
    parley_scenario_free(sc);
}

Test(native, bad_yaml_syntax)
{
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x, y}\n", PARLEY_ERR_SYNTAX, 3, 20,
               "YAML syntax error");
}

Test(native, bad_unknown_top_level_key)
{
    EXPECT_ERR("parley: 1\nisues:\n  a: {values: [x]}\n", PARLEY_ERR_INVALID, 2, 1,
               "unknown key `isues` in the top level; did you mean `issues`?");
}

Test(native, bad_missing_parley_key)
{
    EXPECT_ERR("issues:\n  a: {values: [x]}\nparties:\n  P: {}\n", PARLEY_ERR_INVALID, 1, 1,
               "missing `parley:`");
}

Test(native, bad_wrong_version)
{
    EXPECT_ERR("parley: 2\nissues:\n  a: {values: [x]}\n", PARLEY_ERR_UNSUPPORTED, 1, 9,
               "unsupported format version 2");
    EXPECT_ERR("parley: one\n", PARLEY_ERR_INVALID, 1, 9, "expected the format version");
}

Test(native, bad_unknown_issue_in_utility)
{
    EXPECT_ERR(HEAD "      donbass: {weight: 0.6, constant: 1}\n", PARLEY_ERR_INVALID, 12, 7,
               "unknown issue `donbass` in the utility of `Ukraine`; did you mean `donbas`?");
}

Test(native, bad_unknown_value_in_table)
{
    EXPECT_ERR(HEAD "      donbas: {weight: 0.6, values: {holds: 1, frozn: 0.5, ceded: 0}}\n",
               PARLEY_ERR_INVALID, 12, 48, "has no value `frozn`; did you mean `frozen`?");
}

Test(native, bad_missing_value_in_table)
{
    EXPECT_ERR(HEAD "      donbas: {weight: 0.6, values: {holds: 1, ceded: 0}}\n",
               PARLEY_ERR_INVALID, 12, 37, "lacks the value `frozen`");
    EXPECT_ERR(HEAD "      donbas: {weight: 0.6, values: {holds: 1, ceded: 0}}\n",
               PARLEY_ERR_INVALID, 12, 37, "`frozen: 0`");
}

Test(native, bad_negative_weight)
{
    EXPECT_ERR(HEAD "      donbas: {weight: -0.2, constant: 1}\n", PARLEY_ERR_INVALID, 12, 24,
               "expected a number >= 0");
}

Test(native, bad_nan_weight)
{
    EXPECT_ERR(HEAD "      donbas: {weight: .nan, constant: 1}\n", PARLEY_ERR_INVALID, 12, 24,
               "expected a finite number for the weight");
}

Test(native, bad_quoted_number)
{
    EXPECT_ERR(HEAD "      donbas: {weight: \"0.5\", constant: 1}\n", PARLEY_ERR_INVALID, 12, 24,
               "without quotes");
}

Test(native, bad_evaluation_out_of_range)
{
    EXPECT_ERR(HEAD "      donbas: {weight: 0.6, values: {holds: 1.5, frozen: 0.5, ceded: 0}}\n",
               PARLEY_ERR_INVALID, 12, 45, "expected an evaluation between 0 and 1");
}

Test(native, bad_duplicate_issue_name)
{
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x]}\n  b: {values: [y]}\n  a: {values: [z]}\n",
               PARLEY_ERR_INVALID, 5, 3,
               "duplicate key `a` in `issues` (first at line 3, column 3)");
}

Test(native, bad_duplicate_value)
{
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x, y, x]}\n", PARLEY_ERR_INVALID, 3, 22,
               "the value `x` appears twice in issue `a` (first at line 3, column 16)");
}

Test(native, bad_empty_issues)
{
    EXPECT_ERR("parley: 1\nissues: {}\nparties:\n  A: {}\n", PARLEY_ERR_INVALID, 2, 1,
               "`issues` is empty");
}

Test(native, bad_range_reversed)
{
    EXPECT_ERR("parley: 1\nissues:\n  n: {type: integer, range: [100, 0]}\n", PARLEY_ERR_INVALID,
               3, 30, "expected low <= high");
    EXPECT_ERR("parley: 1\nissues:\n  n: {type: real, range: [1.5, 0.5]}\n", PARLEY_ERR_INVALID,
               3, 27, "expected low <= high");
}

Test(native, bad_step_zero)
{
    EXPECT_ERR("parley: 1\nissues:\n  n: {type: integer, range: [0, 10], step: 0}\n",
               PARLEY_ERR_INVALID, 3, 44, "the step of issue `n` is 0");
}

Test(native, bad_unknown_role)
{
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x]}\nparties:\n  P:\n    role: mediater\n",
               PARLEY_ERR_INVALID, 6, 11,
               "unknown role `mediater` for `P`; expected negotiator, ratifier or mediator "
               "(did you mean `mediator`?)");
}

Test(native, bad_rule_unknown_issue)
{
    /* The rule scalar's quote is at column 11: "donbas == ceded -> weapon >= 50";
     * `weapon` is at offset 19 of the rule, so column 11 + 1 + 19 = 31. */
    EXPECT_ERR(HEAD WEAPONS "    red-lines:\n      r1: \"donbas == ceded -> weapon >= 50\"\n",
               PARLEY_ERR_INVALID, 14, 31, "unknown issue 'weapon'");
    /* Plain and single-quoted scalars map too. */
    EXPECT_ERR(HEAD WEAPONS "    red-lines:\n      r1: donbas == ceded -> weapon >= 50\n",
               PARLEY_ERR_INVALID, 14, 30, "in red line `r1` of `Ukraine`");
    /* Single-quoted with '' escapes: each '' is one character of the rule. */
    EXPECT_ERR(HEAD WEAPONS "    red-lines:\n      r1: 'donbas == ''ceded'' -> weapon >= 1'\n",
               PARLEY_ERR_INVALID, 14, 35, "unknown issue 'weapon'");
}

Test(native, bad_rule_syntax)
{
    /* "donbas == -> x": the error is at `->`, offset 10: column 11 + 1 + 10. */
    EXPECT_ERR(HEAD WEAPONS "    red-lines:\n      r1: \"donbas == -> x\"\n", PARLEY_ERR_SYNTAX,
               14, 22, "expected");
}

Test(native, bad_binary_junk)
{
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    expect_err(png, sizeof png - 1, PARLEY_ERR_SYNTAX, 3, 1, "not a YAML text file");
    static const char junk[] = "\xff\xfe\xfd\xfc junk";
    expect_err(junk, sizeof junk - 1, PARLEY_ERR_SYNTAX, 1, 1, "byte 0xFF is not valid UTF-8");
}

Test(native, bad_empty_file)
{
    EXPECT_ERR("", PARLEY_ERR_INVALID, 1, 1, "the file is empty");
    EXPECT_ERR("# only a comment\n", PARLEY_ERR_INVALID, 1, 1, "the file is empty");
}

Test(native, bad_top_level_sequence)
{
    EXPECT_ERR("- parley: 1\n- issues: {}\n", PARLEY_ERR_INVALID, 1, 1,
               "a sequence at the top; expected a mapping with `parley: 1`");
    EXPECT_ERR("just words\n", PARLEY_ERR_INVALID, 1, 1, "a scalar at the top");
}

Test(native, bad_alias_bomb)
{
    static const char bomb[] =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    EXPECT_ERR(bomb, PARLEY_ERR_UNSUPPORTED, 2, 8, "aliases");
}

Test(native, bad_second_document)
{
    EXPECT_ERR("parley: 1\n---\nparley: 1\n", PARLEY_ERR_SYNTAX, 2, 1, "a second YAML document");
}

Test(native, bad_nesting_too_deep)
{
    char deep[200];
    size_t o = 0;
    for (int k = 0; k < 40; k++)
        deep[o++] = '[';
    for (int k = 0; k < 40; k++)
        deep[o++] = ']';
    deep[o] = '\0';
    /* libfyaml or parley: either way a clean failure at a position. */
    parley_scenario *sc = NULL;
    parley_error err;
    parley_status st = parley_native_read(deep, o, "deep", NULL, &sc, &err);
    cr_assert(st == PARLEY_ERR_LIMIT || st == PARLEY_ERR_SYNTAX, "%d %s", st, err.message);
    cr_assert_null(sc);
    cr_assert_eq(err.line, 1);
    cr_assert(err.column >= 1);
}

Test(native, bad_shapes)
{
    EXPECT_ERR(HEAD "      donbas: {weight: 0.6}\n", PARLEY_ERR_INVALID, 12, 15,
               "has a weight but no evaluator");
    EXPECT_ERR(HEAD "      donbas: {values: {holds: 1, frozen: 1, ceded: 1}}\n",
               PARLEY_ERR_INVALID, 12, 15, "has no `weight`");
    EXPECT_ERR(HEAD "      donbas: {weight: 1, constant: 1, values: {holds: 1}}\n",
               PARLEY_ERR_INVALID, 12, 27, "expected exactly one evaluator");
    EXPECT_ERR(HEAD "      donbas: {weight: 1, points: [[0, 1]]}\n", PARLEY_ERR_INVALID, 12, 27,
               "`points` is for integer and real issues");
    EXPECT_ERR(HEAD "      weapons: {weight: 1, values: {a: 1}}\n", PARLEY_ERR_INVALID, 12, 28,
               "a `values` table is for discrete issues");
    EXPECT_ERR(HEAD "      weapons: {weight: 1, points: [[0, 1], [0, 0.5]]}\n",
               PARLEY_ERR_INVALID, 12, 45, "x strictly increasing");
    EXPECT_ERR(HEAD "      weapons: {weight: 1, peak: {low: 5, top: 1, high: 9}}\n",
               PARLEY_ERR_INVALID, 12, 34, "low <= top <= high");
    EXPECT_ERR(HEAD "      weapons: {weight: 1, lineer: {}}\n", PARLEY_ERR_INVALID, 12, 28,
               "did you mean `linear`?");
}

Test(native, bad_party_numbers)
{
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x]}\nparties:\n  P: {discount: 0}\n",
               PARLEY_ERR_INVALID, 5, 17, "expected a number in (0, 1]");
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x]}\nparties:\n  P: {capability: -1}\n",
               PARLEY_ERR_INVALID, 5, 19, "expected a number >= 0");
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x]}\nparties:\n  P: {reservation: .inf}\n",
               PARLEY_ERR_INVALID, 5, 20, "finite");
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x]}\nparties:\n  P: {reservation: abc}\n",
               PARLEY_ERR_INVALID, 5, 20, "expected a number for the reservation value of `P`");
}

Test(native, bad_no_negotiator)
{
    EXPECT_ERR("parley: 1\nissues:\n  a: {values: [x]}\nparties:\n  P: {role: mediator}\n",
               PARLEY_ERR_INVALID, 4, 1, "no negotiator");
}

Test(native, bad_unknown_issue_type)
{
    EXPECT_ERR("parley: 1\nissues:\n  a: {type: integr, range: [0, 1]}\n", PARLEY_ERR_INVALID,
               3, 13, "expected discrete, integer or real (did you mean `integer`?)");
}

Test(native, bad_yaml_error_without_position)
{
    /* libfyaml reports some errors (here: a block indentation indicator of
     * 0) without a position; parley then points where the last good token
     * ended (after `b`) and keeps libfyaml's words. */
    EXPECT_ERR("parley: 1\nb: >0\n  text\n", PARLEY_ERR_SYNTAX, 2, 2, "indentation indicator 0");
}

Test(native, rule_may_name_a_later_party)
{
    static const char t[] = "parley: 1\n"
                            "issues:\n  a: {values: [x, y]}\n"
                            "parties:\n"
                            "  First:\n"
                            "    utility: {a: {weight: 1, values: {x: 1, y: 0}}}\n"
                            "    red-lines: {keep-second-happy: \"utility(Second) >= 0.5\"}\n"
                            "  Second:\n"
                            "    utility: {a: {weight: 1, values: {x: 0.25, y: 1}}}\n";
    parley_scenario *sc = read_ok(t);
    uint32_t ox[1] = {0}, oy[1] = {1};
    cr_assert(!parley_redlines_hold(sc, 0, ox)); /* Second gets 0.25 */
    cr_assert(parley_redlines_hold(sc, 0, oy));
    parley_scenario_free(sc);
}

Test(native, writer_refuses_weight_without_evaluator)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    parley_error err;
    const char *vals[] = {"x", "y"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "a", 2, vals, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "P", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, 0, 0, 0.5), PARLEY_OK);
    char *t = NULL;
    cr_assert_eq(parley_native_write(sc, &t, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert_null(t);
    cr_assert(strstr(err.message, "weighs issue `a` but has no evaluator"), "%s", err.message);
    parley_scenario_free(sc);
}

Test(native, writer_failing_allocations_fail_cleanly)
{
    long budget[2] = {1L << 40, 0};
    parley_allocator a = {failing_alloc, budget};
    parley_load_options opt = {.alloc = &a, .real_grid = 0, .max_file_bytes = 0};
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read(hand, strlen(hand), "h", &opt, &sc, &err), PARLEY_OK);
    long live = budget[1];
    for (long n = 0;; n++) {
        budget[0] = n;
        char *t = NULL;
        size_t len = 0;
        parley_status st = parley_native_write(sc, &t, &len, &err);
        if (st == PARLEY_OK) {
            cr_assert_eq(budget[1], live + 1, "the text is one block");
            parley_text_free(t);
            cr_assert_eq(budget[1], live);
            break;
        }
        cr_assert_eq(st, PARLEY_ERR_NOMEM, "%s", err.message);
        cr_assert_null(t);
        cr_assert_eq(budget[1], live, "after %ld allocations: leaked", n);
        cr_assert(n < 10000);
    }
    parley_scenario_free(sc);
    cr_assert_eq(budget[1], 0);
}
