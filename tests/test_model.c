/*
 * test_model.c -- the scenario model: building, validation, exact outcome
 * counts, utilities against hand computation and against an independent
 * evaluation of the evaluator formulas, the allocator hook, and the
 * parleyx_ helpers the model relies on.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parleyx.h"
#include "model/model.h"
#include "helpers/helpers.h"

/* ------------------------------------------------------------ helpers */

static parley_scenario *two_issue(void)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    cr_assert_not_null(sc);
    const char *vals[] = {"low", "mid", "high"};
    size_t i0, i1, p0, p1;
    cr_assert_eq(parley_scenario_add_discrete(sc, "color", 3, vals, &i0, NULL), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_integer(sc, "amount", 0, 100, 25, &i1, NULL), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &p0, NULL), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &p1, NULL), PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, p0, i0, 0.6), PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, p0, i1, 0.4), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, p0, i0, 0, 0.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, p0, i0, 1, 0.5), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, p0, i0, 2, 1.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_linear(sc, p0, i1, 0.0, 0.01, 0.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, p1, i0, 0.5), PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, p1, i1, 0.5), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, p1, i0, 0, 1.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, p1, i0, 1, 0.25), PARLEY_OK);
    double xs[] = {0, 50, 100}, ys[] = {1, 0.8, 0};
    cr_assert_eq(parley_party_set_piecewise(sc, p1, i1, 3, xs, ys), PARLEY_OK);
    return sc;
}

/* ------------------------------------------------------------- building */

Test(model, build_and_read_back)
{
    parley_scenario *sc = two_issue();
    parley_error err;
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_issue_count(sc), 2);
    cr_assert_str_eq(parley_issue_name(sc, 1), "amount");
    cr_assert_eq(parley_issue_kind_of(sc, 1), PARLEY_ISSUE_INTEGER);
    cr_assert_eq(parley_issue_value_count(sc, 1), 5);
    char buf[64];
    cr_assert_str_eq(parley_issue_value_label(sc, 1, 3, buf, sizeof buf), "75");
    cr_assert_str_eq(parley_issue_value_label(sc, 0, 2, buf, sizeof buf), "high");
    size_t k;
    cr_assert_eq(parley_issue_find_value(sc, 1, "50", &k), PARLEY_OK);
    cr_assert_eq(k, 2);
    cr_assert_eq(parley_issue_find_value(sc, 1, "55", &k), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_issue_find_value(sc, 0, "mid", &k), PARLEY_OK);
    cr_assert_eq(k, 1);
    cr_assert_eq(parley_party_count(sc), 2);
    cr_assert_str_eq(parley_party_name(sc, 1), "B");
    cr_assert_eq(parley_party_discount(sc, 0), 1.0);
    cr_assert(parley_party_has_utility(sc, 0));
    uint64_t n;
    cr_assert_eq(parley_scenario_outcome_count(sc, &n), PARLEY_OK);
    cr_assert_eq(n, 15);
    parley_scenario_free(sc);
}

Test(model, utilities_match_hand_computation)
{
    parley_scenario *sc = two_issue();
    cr_assert_eq(parley_scenario_finalize(sc, NULL), PARLEY_OK);
    /* A: 0.6*e(color) + 0.4*0.01*amount */
    uint32_t o[2] = {1, 3}; /* mid, 75 */
    cr_assert_eq(parley_utility(sc, 0, o), 0.6 * 0.5 + 0.4 * (0.0 + 0.01 * (75.0 - 0.0)));
    /* B: 0.5*0.25 + 0.5*(0.8 + (0-0.8)*((75-50)/(100-50))) */
    cr_assert_float_eq(parley_utility(sc, 1, o), 0.5 * 0.25 + 0.5 * 0.4, 1e-15);
    /* value "high" was never set for B: evaluates to 0 */
    uint32_t o2[2] = {2, 0};
    cr_assert_eq(parley_utility(sc, 1, o2), 0.5 * 0.0 + 0.5 * 1.0);
    parley_scenario_free(sc);
}

Test(model, utility_capped_at_one_as_genius)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *v[] = {"x", "y"};
    parley_scenario_add_discrete(sc, "a", 2, v, NULL, NULL);
    parley_scenario_add_discrete(sc, "b", 2, v, NULL, NULL);
    parley_scenario_add_party(sc, "P", PARLEY_ROLE_NEGOTIATOR, NULL, NULL);
    parley_party_set_weight(sc, 0, 0, 0.7);
    parley_party_set_weight(sc, 0, 1, 0.7); /* weights sum to 1.4, used as written */
    parley_party_set_value_eval(sc, 0, 0, 1, 1.0);
    parley_party_set_value_eval(sc, 0, 1, 1, 1.0);
    cr_assert_eq(parley_scenario_finalize(sc, NULL), PARLEY_OK);
    uint32_t o[2] = {1, 1}, o2[2] = {1, 0};
    cr_assert_eq(parley_utility(sc, 0, o), 1.0);
    cr_assert_eq(parley_utility(sc, 0, o2), 0.7);
    cr_assert_eq(parley_party_weight(sc, 0, 0), 0.7);
    parley_scenario_free(sc);
}

/* The evaluator formulas against independent straight-line versions. */
static double tri(double x, double lo, double top, double hi)
{
    if (x < lo)
        return 0;
    if (x < top)
        return (x - lo) / (top - lo);
    if (x < hi)
        return 1 - (x - top) / (hi - top);
    return 0;
}

Test(model, real_grid_and_evaluators)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    size_t r;
    cr_assert_eq(parley_scenario_add_real(sc, "price", 10, 30, 21, &r, NULL), PARLEY_OK);
    parley_scenario_add_party(sc, "tri", PARLEY_ROLE_NEGOTIATOR, NULL, NULL);
    parley_scenario_add_party(sc, "lin", PARLEY_ROLE_NEGOTIATOR, NULL, NULL);
    parley_scenario_add_party(sc, "const", PARLEY_ROLE_NEGOTIATOR, NULL, NULL);
    for (size_t p = 0; p < 3; p++)
        parley_party_set_weight(sc, p, r, 1.0);
    cr_assert_eq(parley_party_set_triangular(sc, 0, r, 12, 20, 27), PARLEY_OK);
    cr_assert_eq(parley_party_set_linear(sc, 1, r, -0.5, 0.05, 0), PARLEY_OK);
    cr_assert_eq(parley_party_set_constant(sc, 2, r, 0.25), PARLEY_OK);
    cr_assert_eq(parley_party_set_triangular(sc, 0, r, 20, 12, 27), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_finalize(sc, NULL), PARLEY_OK);
    for (uint32_t k = 0; k < 21; k++) {
        double x = 10 + ((30.0 - 10.0) / 20.0) * k; /* GENIUS grid */
        cr_assert_eq(parley_issue_value_number(sc, r, k), x);
        uint32_t o[1] = {k};
        cr_assert_eq(parley_utility(sc, 0, o), tri(x, 12, 20, 27));
        double l = -0.5 + 0.05 * (x - 0);
        l = l < 0 ? 0 : l > 1 ? 1 : l;
        cr_assert_eq(parley_utility(sc, 1, o), l);
        cr_assert_eq(parley_utility(sc, 2, o), 0.25);
    }
    parley_scenario_free(sc);
}

/* A real value is found by the number a person writes (0.3), not only by
 * the exact double of the grid (0.30000000000000004): the same snapping
 * as rule literals.  Every grid label finds its own index; a number
 * between grid points or outside the range finds none. */
Test(model, find_real_value_by_written_number)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    size_t r, k;
    cr_assert_eq(parley_scenario_add_real(sc, "share", 0, 1, 11, &r, NULL), PARLEY_OK);
    cr_assert_neq(parley_issue_value_number(sc, r, 3), 0.3, "the grid value is not 0.3 exactly");
    cr_assert_eq(parley_issue_find_value(sc, r, "0.3", &k), PARLEY_OK);
    cr_assert_eq(k, 3);
    cr_assert_eq(parley_issue_find_value(sc, r, "0.30000000000000004", &k), PARLEY_OK);
    cr_assert_eq(k, 3);
    cr_assert_eq(parley_issue_find_value(sc, r, "1", &k), PARLEY_OK);
    cr_assert_eq(k, 10);
    cr_assert_eq(parley_issue_find_value(sc, r, "0", &k), PARLEY_OK);
    cr_assert_eq(k, 0);
    cr_assert_eq(parley_issue_find_value(sc, r, "0.35", &k), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_issue_find_value(sc, r, "0.3000001", &k), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_issue_find_value(sc, r, "-0.1", &k), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_issue_find_value(sc, r, "1.1", &k), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_issue_find_value(sc, r, "nan", &k), PARLEY_ERR_INVALID);
    char buf[64];
    for (size_t j = 0; j < 11; j++) {
        parley_issue_value_label(sc, r, j, buf, sizeof buf);
        cr_assert_eq(parley_issue_find_value(sc, r, buf, &k), PARLEY_OK, "%s", buf);
        cr_assert_eq(k, j, "%s", buf);
        snprintf(buf, sizeof buf, "%.1f", 0.1 * (double)j);
        cr_assert_eq(parley_issue_find_value(sc, r, buf, &k), PARLEY_OK, "%s", buf);
        cr_assert_eq(k, j, "%s", buf);
    }
    /* a real issue of one point (lo == hi): found by its number, exactly
     * (found by review: the grid lookup had no step to snap to) */
    size_t one;
    cr_assert_eq(parley_scenario_add_real(sc, "fixed", 5, 5, 3, &one, NULL), PARLEY_OK);
    size_t nv = parley_issue_value_count(sc, one);
    cr_assert_eq(parley_issue_find_value(sc, one, "5", &k), PARLEY_OK);
    cr_assert_lt(k, nv);
    cr_assert_eq(parley_issue_value_number(sc, one, k), 5.0);
    cr_assert_eq(parley_issue_find_value(sc, one, "5.000001", &k), PARLEY_ERR_INVALID);
    parley_scenario_free(sc);
}

/* ----------------------------------------------------------- validation */

Test(model, bad_building_calls_fail_cleanly)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    parley_error err;
    const char *dup[] = {"a", "b", "a"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "x", 3, dup, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "listed twice"));
    cr_assert_eq(parley_scenario_add_discrete(sc, "x", 0, dup, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_discrete(sc, "", 2, dup, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_integer(sc, "n", 5, 1, 1, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "swap"));
    cr_assert_eq(parley_scenario_add_integer(sc, "n", 1, 5, 0, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_integer(sc, "n", 0, INT64_MAX, 1, NULL, &err),
                 PARLEY_ERR_LIMIT);
    cr_assert_eq(parley_scenario_add_real(sc, "r", NAN, 1, 21, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_real(sc, "r", 0, INFINITY, 21, NULL, &err),
                 PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_real(sc, "r", 0, 1, 1, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_integer(sc, "n", 1, 5, 2, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_integer(sc, "n", 1, 5, 2, NULL, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "duplicate issue"));
    cr_assert_eq(parley_issue_value_count(sc, 0), 3); /* 1, 3, 5 */
    /* finalize: no parties */
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_party(sc, "M", PARLEY_ROLE_MEDIATOR, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "no negotiator"));
    cr_assert_eq(parley_scenario_add_party(sc, "M", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_ERR_INVALID);
    cr_assert_eq(parley_scenario_add_party(sc, "N", PARLEY_ROLE_NEGOTIATOR, NULL, &err), PARLEY_OK);
    /* issues after parties are refused */
    cr_assert_eq(parley_scenario_add_integer(sc, "late", 1, 5, 1, NULL, &err), PARLEY_ERR_ARG);
    cr_assert_eq(parley_party_set_weight(sc, 1, 0, -0.1), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_weight(sc, 1, 0, NAN), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_weight(sc, 1, 0, INFINITY), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_discount(sc, 1, 0.0), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_discount(sc, 1, 1.5), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_reservation(sc, 1, NAN), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_capability(sc, 1, -1), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_constant(sc, 1, 0, 1.5), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_party_set_value_eval(sc, 1, 0, 0, 0.5), PARLEY_ERR_ARG); /* not discrete */
    double xs[] = {1, 1}, ys[] = {0, 1};
    cr_assert_eq(parley_party_set_piecewise(sc, 1, 0, 2, xs, ys), PARLEY_ERR_INVALID);
    /* weight without evaluator */
    cr_assert_eq(parley_party_set_weight(sc, 1, 0, 1.0), PARLEY_OK);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "says nothing of its values"));
    cr_assert_eq(parley_party_set_linear(sc, 1, 0, 0, 0.2, 0), PARLEY_OK);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK);
    cr_assert(parley_scenario_is_final(sc));
    /* building again un-finalizes */
    parley_party_set_reservation(sc, 1, 0.2);
    cr_assert(!parley_scenario_is_final(sc));
    parley_scenario_free(sc);
    parley_scenario_free(NULL); /* no-op */
}

/* --------------------------------------------------------- exact counts */

Test(model, outcome_count_beyond_2_64)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    /* 30 issues of 10 values: 10^30 outcomes */
    const char *v[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    for (int i = 0; i < 30; i++) {
        char name[16];
        snprintf(name, sizeof name, "i%d", i);
        cr_assert_eq(parley_scenario_add_discrete(sc, name, 10, v, NULL, NULL), PARLEY_OK);
    }
    char buf[128];
    cr_assert_eq(parley_scenario_outcome_count_text(sc, buf, sizeof buf), PARLEY_OK);
    cr_assert_str_eq(buf, "1000000000000000000000000000000");
    uint64_t n;
    cr_assert_eq(parley_scenario_outcome_count(sc, &n), PARLEY_ERR_LIMIT);
    parley_scenario_free(sc);
}

Test(model, bignum_against_u64_products)
{
    srand(7);
    for (int t = 0; t < 1000; t++) {
        px_big b;
        parleyx_big_set(&b, 1);
        uint64_t ref = 1; /* 5 factors <= 6000 stay below 2^64 */
        int n = rand() % 6;
        for (int i = 0; i < n; i++) {
            uint32_t f = (uint32_t)(rand() % 6000) + 1;
            parleyx_big_mul(&b, f);
            ref *= f;
        }
        char buf[64], want[64];
        cr_assert(parleyx_big_text(&b, buf, sizeof buf));
        /* print the 128-bit reference */
        char tmp[64];
        size_t len = 0;
        uint64_t x = ref;
        do {
            tmp[len++] = (char)('0' + (int)(x % 10));
            x /= 10;
        } while (x);
        for (size_t i = 0; i < len; i++)
            want[i] = tmp[len - 1 - i];
        want[len] = '\0';
        cr_assert_str_eq(buf, want);
    }
}

/* ------------------------------------------------------------ allocator */

static parley_status build_counted(counting *c, parley_scenario **out)
{
    parley_allocator a = {counting_alloc, c};
    parley_scenario *sc = parley_scenario_new(&a);
    *out = sc;
    if (!sc)
        return PARLEY_ERR_NOMEM;
    const char *vals[] = {"low", "mid", "high"};
    parley_status st;
    if ((st = parley_scenario_add_discrete(sc, "color", 3, vals, NULL, NULL)))
        return st;
    if ((st = parley_scenario_add_integer(sc, "amount", 0, 100, 25, NULL, NULL)))
        return st;
    if ((st = parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, NULL, NULL)))
        return st;
    if ((st = parley_party_set_description(sc, 0, "first party")))
        return st;
    if ((st = parley_party_set_weight(sc, 0, 0, 1.0)))
        return st;
    if ((st = parley_party_set_value_eval(sc, 0, 0, 2, 1.0)))
        return st;
    double xs[] = {0, 100}, ys[] = {0, 1};
    if ((st = parley_party_set_piecewise(sc, 0, 1, 2, xs, ys)))
        return st;
    return parley_scenario_finalize(sc, NULL);
}

Test(model, every_allocation_failure_is_clean_and_leak_free)
{
    counting c = {0};
    parley_scenario *sc;
    cr_assert_eq(build_counted(&c, &sc), PARLEY_OK);
    long total = c.calls;
    parley_scenario_free(sc);
    cr_assert_eq(c.blocks, 0, "blocks left: %ld", c.blocks);
    cr_assert_eq(c.bytes, 0, "bytes left: %ld", c.bytes);
    cr_assert_gt(total, 5);
    for (long n = 1; n <= total; n++) {
        counting f = {0};
        f.fail_at = n;
        parley_status st = build_counted(&f, &sc);
        cr_assert_eq(st, PARLEY_ERR_NOMEM, "allocation %ld failing gave status %d", n, st);
        parley_scenario_free(sc);
        cr_assert_eq(f.blocks, 0, "allocation %ld failing leaked %ld blocks", n, f.blocks);
        cr_assert_eq(f.bytes, 0, "allocation %ld failing leaked %ld bytes", n, f.bytes);
    }
}

/* --------------------------------------------------------------- helpers */

Test(px, fmt_double_round_trips)
{
    srand(11);
    char buf[40];
    for (int t = 0; t < 100000; t++) {
        uint64_t bits = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d))
            continue;
        parleyx_fmt_double(d, buf, sizeof buf);
        cr_assert_eq(strtod(buf, NULL), d, "%s", buf);
    }
    cr_assert_str_eq(parleyx_fmt_double(0.1, buf, sizeof buf), "0.1");
    cr_assert_str_eq(parleyx_fmt_double(1.0, buf, sizeof buf), "1");
    cr_assert_str_eq(parleyx_fmt_double(-0.0, buf, sizeof buf), "-0");
}

Test(px, parse_numbers_strictly)
{
    double d;
    int64_t i;
    cr_assert(parleyx_parse_double("0.25", &d) && d == 0.25);
    cr_assert(parleyx_parse_double("-1e-3", &d) && d == -1e-3);
    cr_assert(!parleyx_parse_double("nan", &d));
    cr_assert(!parleyx_parse_double("inf", &d));
    cr_assert(!parleyx_parse_double("1e999", &d));
    cr_assert(!parleyx_parse_double("0x10", &d));
    cr_assert(!parleyx_parse_double("1.5x", &d));
    cr_assert(!parleyx_parse_double("", &d));
    cr_assert(!parleyx_parse_double(".", &d));
    cr_assert(parleyx_parse_int64("-42", &i) && i == -42);
    cr_assert(!parleyx_parse_int64("99999999999999999999", &i));
    cr_assert(!parleyx_parse_int64("4.0", &i));
}

Test(px, group_digits_and_closest)
{
    char buf[64];
    cr_assert_str_eq(parleyx_group_digits("4211", buf, sizeof buf), "4,211");
    cr_assert_str_eq(parleyx_group_digits("100", buf, sizeof buf), "100");
    cr_assert_str_eq(parleyx_group_digits("10000000", buf, sizeof buf), "10,000,000");
    const char *c[] = {"donbas", "guarantees", "weapons"};
    cr_assert_str_eq(parleyx_closest("donbass", c, 3), "donbas");
    cr_assert_str_eq(parleyx_closest("waepons", c, 3), "weapons");
    cr_assert_null(parleyx_closest("zaporizhzhia", c, 3));
    cr_assert_eq(parleyx_edit_distance("kitten", "sitting", 10), 3);
}

/* The bytes SQLite repeats from a damaged store (issue 20, item 3). */
Test(px, utf8_escape_makes_text_valid)
{
    char buf[64];
    /* valid UTF-8 (2, 3, 4 bytes) stays as it is */
    cr_assert_str_eq(
        parleyx_utf8_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82", buf, sizeof buf),
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82");
    /* a stray lead byte, a lone continuation byte, an overlong '/', a
     * surrogate, a cut sequence and control bytes are each written \xNN */
    cr_assert_str_eq(parleyx_utf8_escape("me\xf4\x61_1", buf, sizeof buf), "me\\xf4a_1");
    cr_assert_str_eq(parleyx_utf8_escape("sessi\xefn", buf, sizeof buf), "sessi\\xefn");
    cr_assert_str_eq(parleyx_utf8_escape("a\x80\x62\xc0\xaf", buf, sizeof buf),
                     "a\\x80b\\xc0\\xaf");
    cr_assert_str_eq(parleyx_utf8_escape("\xed\xa0\x80", buf, sizeof buf), "\\xed\\xa0\\x80");
    cr_assert_str_eq(parleyx_utf8_escape("x\xe2\x82", buf, sizeof buf), "x\\xe2\\x82");
    cr_assert_str_eq(parleyx_utf8_escape("a\tb\x1b\x7f", buf, sizeof buf), "a\\x09b\\x1b\\x7f");
    /* full: cut at a character, never inside one, always terminated */
    char small[6];
    cr_assert_str_eq(parleyx_utf8_escape("ab\xe2\x82\xac", small, sizeof small), "ab\xe2\x82\xac");
    cr_assert_str_eq(parleyx_utf8_escape("abc\xe2\x82\xac", small, sizeof small), "abc");
    cr_assert_str_eq(parleyx_utf8_escape("a\xff\xff", small, sizeof small), "a\\xff");
    cr_assert_eq(parleyx_utf8_invalid(buf, strlen(buf), true), SIZE_MAX);
}

Test(px, buffer_limit_holds)
{
    px_buf b;
    parleyx_buf_init(&b, NULL, 10);
    cr_assert(parleyx_buf_puts(&b, "12345"));
    cr_assert(!parleyx_buf_puts(&b, "123456"));
    cr_assert(b.failed);
    cr_assert_eq(b.len, 5);
    cr_assert_str_eq(b.data, "12345");
    parleyx_buf_free(&b);
}

/* ----------------------------------------------------------- atomic file */

Test(io, atomic_write_replaces_whole_or_nothing)
{
    char dir[] = "/tmp/parley-test-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    cr_assert_eq(parley_write_file_atomic(path, "first", 5, NULL), PARLEY_OK);
    cr_assert_eq(parley_write_file_atomic(path, "second!", 7, NULL), PARLEY_OK);
    FILE *f = fopen(path, "rb");
    char buf[32] = {0};
    cr_assert_eq(fread(buf, 1, sizeof buf, f), 7);
    fclose(f);
    cr_assert_str_eq(buf, "second!");
    /* a folder that does not exist: error, nothing written */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/out.txt", dir);
    parley_error err;
    cr_assert_eq(parley_write_file_atomic(bad, "x", 1, &err), PARLEY_ERR_IO);
    cr_assert(strstr(err.file, "missing/out.txt"));
    unlink(path);
    cr_assert_eq(rmdir(dir), 0, "temporary files were left behind");
}

Test(io, load_dispatch_errors)
{
    parley_scenario *sc = (parley_scenario *)1;
    parley_error err;
    const char *none[] = {"/nonexistent/file.yaml"};
    cr_assert_eq(parley_load(1, none, NULL, &sc, &err), PARLEY_ERR_IO);
    cr_assert_null(sc);
    cr_assert_str_eq(err.file, "/nonexistent/file.yaml");
    cr_assert_eq(parley_load(0, none, NULL, &sc, &err), PARLEY_ERR_ARG);
}
