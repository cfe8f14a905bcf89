/*
 * test_rule.c -- the red-line rule language (src/model/rule.c).
 *
 * What is checked, and against what:
 *  - every operator and the precedence table on constants, where the two
 *    possible parses give different truth values;
 *  - the Abu Dhabi conditional commitment on every combination of values,
 *    against its truth table written out by hand;
 *  - numeric comparisons at every boundary of an integer and a real issue,
 *    against the set of value indices written out by hand or computed from
 *    the public value accessor;
 *  - quoting, escapes, labels that look like numbers, utility(P);
 *  - a property test: random rules (random trees printed to text with
 *    minimal parentheses, random spacing and quoting) on random scenarios,
 *    compiled and evaluated on every outcome, against a straightforward
 *    interpreter of the tree written here;
 *  - soundness of rule_eval_partial: whenever it answers 1 (0) on a random
 *    partial outcome with utility bounds, every completion (and every
 *    utility drawn inside the bounds) evaluates true (false) by brute force;
 *    with everything fixed it agrees with rule_eval;
 *  - each error: status, column (1-based byte offset) and a phrase of the
 *    message;
 *  - allocation failure at every allocation of a compile: a clean
 *    PARLEY_ERR_NOMEM and no block left behind;
 *  - the public path: parley_party_add_redline, finalize, redlines_hold.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "model/rule.h"
#include "helpers/helpers.h"

/* ------------------------------------------------------------ fixtures */

enum { I_DONBAS, I_GUAR, I_REF, I_WEAPONS, I_PRICE, I_SECURITY, I_CODE, I_N };
enum { P_UKRAINE, P_RUSSIA, P_US };

static parley_scenario *war(void)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    cr_assert_not_null(sc);
    static const char *const donbas[] = {"ceded", "russia-controls", "contested"};
    static const char *const guar[] = {"none", "nato-lite", "article-5"};
    static const char *const ref[] = {"held", "not-held"};
    static const char *const sec[] = {"article 5", "none", "it's complicated"};
    static const char *const code[] = {"0", "-10", "1.5", "ten"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "donbas", 3, donbas, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_discrete(sc, "guarantees", 3, guar, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_discrete(sc, "referendum", 2, ref, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_integer(sc, "weapons", 0, 100, 10, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_real(sc, "price", 0.0, 1.0, 21, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_discrete(sc, "security guarantees", 3, sec, NULL, &err),
                 PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_scenario_add_discrete(sc, "code", 4, code, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "Ukraine", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "Russia", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "United States", PARLEY_ROLE_MEDIATOR, NULL, &err),
                 PARLEY_OK);
    return sc;
}

static rule *compile_ok(const parley_scenario *sc, const char *text)
{
    parley_error err;
    memset(&err, 0, sizeof err);
    rule *r = NULL;
    parley_status st = rule_compile(sc, text, &r, &err);
    cr_assert_eq(st, PARLEY_OK, "rule_compile(\"%s\") failed: %s (column %u)", text, err.message,
                 err.column);
    cr_assert_not_null(r);
    return r;
}

/* Truth of a rule with no issue or utility in it. */
static bool truth(const parley_scenario *sc, const char *text)
{
    rule *r = compile_ok(sc, text);
    uint32_t o[I_N] = {0};
    bool v = rule_eval(r, o, NULL);
    rule_free(sc, r);
    return v;
}

/* The value indices of `issue` a one-issue rule accepts (others at 0), as
 * a bit mask. */
static uint64_t accepted(const parley_scenario *sc, const char *text, size_t issue)
{
    rule *r = compile_ok(sc, text);
    cr_assert(!rule_uses_utility(r));
    uint32_t o[I_N] = {0};
    uint64_t m = 0;
    size_t nv = parley_issue_value_count(sc, issue);
    cr_assert(nv <= 64);
    for (size_t k = 0; k < nv; k++) {
        o[issue] = (uint32_t)k;
        if (rule_eval(r, o, NULL))
            m |= (uint64_t)1 << k;
        /* a one-issue rule is decided by that issue alone */
        bool assigned[I_N] = {false};
        assigned[issue] = true;
        int pv = rule_eval_partial(r, o, assigned, NULL, NULL);
        cr_assert_eq(pv, rule_eval(r, o, NULL) ? 1 : 0, "%s: partial at value %zu", text, k);
    }
    rule_free(sc, r);
    return m;
}

#define MASK(...) mask_of((const int[]){__VA_ARGS__, -1})
static uint64_t mask_of(const int *ks)
{
    uint64_t m = 0;
    for (; *ks >= 0; ks++)
        m |= (uint64_t)1 << *ks;
    return m;
}
#define NONE_MASK ((uint64_t)0)
#define ALL(n) (((uint64_t)1 << (n)) - 1)

static void expect_err(const parley_scenario *sc, const char *text, parley_status st,
                       unsigned column, const char *phrase)
{
    parley_error err;
    memset(&err, 0x55, sizeof err);
    rule *r = (rule *)(uintptr_t)1;
    parley_status got = rule_compile(sc, text, &r, &err);
    cr_assert_eq(got, st, "\"%s\": status %d, expected %d (%s)", text, (int)got, (int)st,
                 err.message);
    cr_assert_null(r, "\"%s\": *out must be NULL on failure", text);
    cr_assert_eq(err.status, st);
    cr_assert_eq(err.line, 0u);
    cr_assert_str_empty(err.file);
    cr_assert_eq(err.column, column, "\"%s\": column %u, expected %u (%s)", text, err.column,
                 column, err.message);
    cr_assert(strstr(err.message, phrase) != NULL, "\"%s\": message \"%s\" lacks \"%s\"", text,
              err.message, phrase);
}

/* ------------------------------------------------- operators, precedence */

Test(rule, constants_and_connectives)
{
    parley_scenario *sc = war();
    cr_assert(truth(sc, "true"));
    cr_assert(!truth(sc, "false"));
    cr_assert(!truth(sc, "not true"));
    cr_assert(truth(sc, "not not true"));
    static const char *const ops[] = {"and", "or", "->"};
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            char t[64];
            bool want[3] = {a && b, a || b, !a || b};
            for (int o = 0; o < 3; o++) {
                snprintf(t, sizeof t, "%s %s %s", a ? "true" : "false", ops[o],
                         b ? "true" : "false");
                cr_assert_eq(truth(sc, t), want[o], "%s", t);
            }
        }
    parley_scenario_free(sc);
}

Test(rule, precedence)
{
    parley_scenario *sc = war();
    /* a or b and c == a or (b and c) */
    cr_assert(truth(sc, "true or false and false"));
    cr_assert(!truth(sc, "(true or false) and false"));
    /* not a and b == (not a) and b */
    cr_assert(!truth(sc, "not false and false"));
    cr_assert(truth(sc, "not (false and false)"));
    /* a -> b -> c == a -> (b -> c) */
    cr_assert(truth(sc, "false -> true -> false"));
    cr_assert(!truth(sc, "(false -> true) -> false"));
    /* and / or bind tighter than -> */
    cr_assert(truth(sc, "false and true -> false"));
    cr_assert(!truth(sc, "false and (true -> false)"));
    cr_assert(!truth(sc, "true -> false or false"));
    cr_assert(truth(sc, "false or true -> true"));
    /* not binds tighter than or */
    cr_assert(truth(sc, "not true or true"));
    cr_assert(!truth(sc, "not (true or true)"));
    /* spacing does not matter; -> with no spaces */
    cr_assert(truth(sc, "false->true->false"));
    cr_assert(truth(sc, "(((true)))"));
    cr_assert(truth(sc, "\ttrue\n"));
    parley_scenario_free(sc);
}

Test(rule, long_chains)
{
    parley_scenario *sc = war();
    /* 4000 operands: built balanced, so evaluation stays shallow */
    size_t n = 4000;
    char *t = malloc(n * 10 + 16);
    cr_assert_not_null(t);
    for (size_t last = 0; last < 2; last++) {
        for (int kind = 0; kind < 2; kind++) {
            t[0] = '\0';
            size_t len = 0;
            for (size_t i = 0; i < n; i++) {
                bool v = kind == 0 ? (i == n - 1 ? last : true) : (i == n - 1 ? last : false);
                len += (size_t)sprintf(t + len, "%s%s", i ? (kind == 0 ? " and " : " or ") : "",
                                       v ? "true" : "false");
            }
            bool want = last;
            cr_assert_eq(truth(sc, t), want);
        }
    }
    free(t);
    parley_scenario_free(sc);
}

Test(rule, leaf_offsets_and_uses_utility)
{
    parley_scenario *sc = war();
    rule *r = compile_ok(sc, "donbas == ceded and weapons < 30");
    cr_assert_eq(r->op, RULE_AND);
    cr_assert_eq(r->a->op, RULE_ISSUE_IN);
    cr_assert_eq(r->a->issue, (size_t)I_DONBAS);
    cr_assert_eq(r->a->offset, (size_t)0);
    cr_assert_eq(r->b->issue, (size_t)I_WEAPONS);
    cr_assert_eq(r->b->offset, (size_t)20);
    cr_assert(!rule_uses_utility(r));
    rule_free(sc, r);
    r = compile_ok(sc, "donbas == ceded -> (true and not utility(Russia) < 0.5)");
    cr_assert(rule_uses_utility(r));
    rule_free(sc, r);
    rule_free(sc, NULL);
    parley_scenario_free(sc);
}

/* --------------------------------------------------- Abu Dhabi red lines */

Test(rule, conditional_commitment_truth_table)
{
    parley_scenario *sc = war();
    rule *r = compile_ok(sc, "guarantees != none -> donbas == ceded");
    rule *r2 = compile_ok(sc, "donbas == ceded -> referendum == held");
    uint32_t o[I_N] = {0};
    for (uint32_t g = 0; g < 3; g++)
        for (uint32_t d = 0; d < 3; d++)
            for (uint32_t f = 0; f < 2; f++) {
                o[I_GUAR] = g;
                o[I_DONBAS] = d;
                o[I_REF] = f;
                /* guarantees none is index 0, ceded index 0, held index 0 */
                bool want = g == 0 || d == 0;
                bool want2 = d != 0 || f == 0;
                cr_assert_eq(rule_eval(r, o, NULL), want, "g=%u d=%u", g, d);
                cr_assert_eq(rule_eval(r2, o, NULL), want2, "d=%u f=%u", d, f);
            }
    rule_free(sc, r);
    rule_free(sc, r2);
    cr_assert_eq(accepted(sc, "donbas == russia-controls", I_DONBAS), MASK(1));
    cr_assert_eq(accepted(sc, "donbas != russia-controls", I_DONBAS), MASK(0, 2));
    cr_assert_eq(accepted(sc, "donbas in {ceded, contested}", I_DONBAS), MASK(0, 2));
    cr_assert_eq(accepted(sc, "donbas not in {ceded}", I_DONBAS), MASK(1, 2));
    cr_assert_eq(accepted(sc, "not donbas in {ceded}", I_DONBAS), MASK(1, 2));
    cr_assert_eq(accepted(sc, "donbas in {ceded, ceded}", I_DONBAS), MASK(0));
    cr_assert_eq(accepted(sc, "donbas in {ceded,russia-controls,contested}", I_DONBAS), ALL(3));
    cr_assert_eq(accepted(sc, "donbas not in {ceded,russia-controls,contested}", I_DONBAS),
                 NONE_MASK);
    parley_scenario_free(sc);
}

/* ------------------------------------------------------ numeric issues */

Test(rule, integer_boundaries)
{
    parley_scenario *sc = war();
    /* weapons: 0, 10, ..., 100 (indices 0..10) */
    cr_assert_eq(accepted(sc, "weapons < 30", I_WEAPONS), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "weapons <= 30", I_WEAPONS), MASK(0, 1, 2, 3));
    cr_assert_eq(accepted(sc, "weapons > 30", I_WEAPONS), ALL(11) & ~MASK(0, 1, 2, 3));
    cr_assert_eq(accepted(sc, "weapons >= 30", I_WEAPONS), ALL(11) & ~MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "weapons == 30", I_WEAPONS), MASK(3));
    cr_assert_eq(accepted(sc, "weapons != 30", I_WEAPONS), ALL(11) & ~MASK(3));
    cr_assert_eq(accepted(sc, "weapons < 25", I_WEAPONS), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "weapons <= 29.999", I_WEAPONS), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "weapons > 99.5", I_WEAPONS), MASK(10));
    cr_assert_eq(accepted(sc, "weapons >= 100", I_WEAPONS), MASK(10));
    cr_assert_eq(accepted(sc, "weapons > 100", I_WEAPONS), NONE_MASK);
    cr_assert_eq(accepted(sc, "weapons < 0", I_WEAPONS), NONE_MASK);
    cr_assert_eq(accepted(sc, "weapons < -5", I_WEAPONS), NONE_MASK);
    cr_assert_eq(accepted(sc, "weapons <= 1e3", I_WEAPONS), ALL(11));
    cr_assert_eq(accepted(sc, "weapons >= -0", I_WEAPONS), ALL(11));
    cr_assert_eq(accepted(sc, "weapons < +3E1", I_WEAPONS), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "weapons in {0, 10}", I_WEAPONS), MASK(0, 1));
    cr_assert_eq(accepted(sc, "weapons in {30.0, 1e2}", I_WEAPONS), MASK(3, 10));
    cr_assert_eq(accepted(sc, "weapons not in {0, 10}", I_WEAPONS), ALL(11) & ~MASK(0, 1));
    /* the number on the left: flipped */
    cr_assert_eq(accepted(sc, "30 > weapons", I_WEAPONS), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "30 >= weapons", I_WEAPONS), MASK(0, 1, 2, 3));
    cr_assert_eq(accepted(sc, "30 < weapons", I_WEAPONS), ALL(11) & ~MASK(0, 1, 2, 3));
    cr_assert_eq(accepted(sc, "30 <= weapons", I_WEAPONS), ALL(11) & ~MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "30 == weapons", I_WEAPONS), MASK(3));
    cr_assert_eq(accepted(sc, "30 != weapons", I_WEAPONS), ALL(11) & ~MASK(3));
    /* no spaces */
    cr_assert_eq(accepted(sc, "weapons<30", I_WEAPONS), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "weapons>-1", I_WEAPONS), ALL(11));
    parley_scenario_free(sc);
}

Test(rule, wide_integer_bitset_words)
{
    /* 200 values: four 64-bit words; thresholds at word edges */
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    cr_assert_eq(parley_scenario_add_integer(sc, "x", 0, 199, 1, NULL, &err), PARLEY_OK);
    static const int cut[] = {0, 1, 63, 64, 65, 127, 128, 129, 191, 192, 199, 200};
    for (size_t c = 0; c < sizeof cut / sizeof cut[0]; c++) {
        char t[64];
        snprintf(t, sizeof t, "x < %d", cut[c]);
        rule *r = compile_ok(sc, t);
        bool assigned[1] = {false};
        uint32_t o[1] = {0};
        int want_un = cut[c] == 0 ? 0 : cut[c] >= 200 ? 1 : -1;
        cr_assert_eq(rule_eval_partial(r, o, assigned, NULL, NULL), want_un, "%s", t);
        for (uint32_t k = 0; k < 200; k++) {
            o[0] = k;
            cr_assert_eq(rule_eval(r, o, NULL), (int)k < cut[c], "%s at %u", t, k);
        }
        rule_free(sc, r);
    }
    parley_scenario_free(sc);
}

Test(rule, real_boundaries)
{
    parley_scenario *sc = war();
    /* price: 21 grid points on [0, 1]; value k is whatever the library
     * computes, and each is named exactly by its shortest round-trip text */
    size_t n = parley_issue_value_count(sc, I_PRICE);
    cr_assert_eq(n, (size_t)21);
    for (size_t k = 0; k < n; k++) {
        double v = parley_issue_value_number(sc, I_PRICE, k);
        char t[96];
        snprintf(t, sizeof t, "price <= %.17g", v);
        cr_assert_eq(accepted(sc, t, I_PRICE), ALL(k + 1), "%s", t);
        snprintf(t, sizeof t, "price < %.17g", v);
        cr_assert_eq(accepted(sc, t, I_PRICE), ALL(k), "%s", t);
        snprintf(t, sizeof t, "price >= %.17g", v);
        cr_assert_eq(accepted(sc, t, I_PRICE), ALL(21) & ~ALL(k), "%s", t);
        snprintf(t, sizeof t, "price == %.17g", v);
        cr_assert_eq(accepted(sc, t, I_PRICE), (uint64_t)1 << k, "%s", t);
    }
    /* literals written as a person would: 0.15 names grid point 3 even if
     * that point is 0.15000000000000002 in doubles */
    cr_assert_eq(accepted(sc, "price == 0.15", I_PRICE), MASK(3));
    cr_assert_eq(accepted(sc, "price <= 0.15", I_PRICE), MASK(0, 1, 2, 3));
    cr_assert_eq(accepted(sc, "price < 0.15", I_PRICE), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "price > 0.85", I_PRICE), MASK(18, 19, 20));
    cr_assert_eq(accepted(sc, "price in {0, 0.5, 1}", I_PRICE), MASK(0, 10, 20));
    cr_assert_eq(accepted(sc, "price < 0.125", I_PRICE), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "0.125 < price", I_PRICE), ALL(21) & ~MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "price <= .5", I_PRICE), ALL(11));
    parley_scenario_free(sc);
}

/* ---------------------------------------------- quoting, labels, utility */

Test(rule, quoted_names_and_escapes)
{
    parley_scenario *sc = war();
    cr_assert_eq(accepted(sc, "\"security guarantees\" == 'article 5'", I_SECURITY), MASK(0));
    cr_assert_eq(accepted(sc, "'security guarantees' != \"article 5\"", I_SECURITY), MASK(1, 2));
    cr_assert_eq(accepted(sc, "'security guarantees' == 'it\\'s complicated'", I_SECURITY),
                 MASK(2));
    cr_assert_eq(accepted(sc, "\"security guarantees\" == \"it's complicated\"", I_SECURITY),
                 MASK(2));
    cr_assert_eq(accepted(sc, "\"security guarantees\" in {\"none\", none}", I_SECURITY),
                 MASK(1));
    /* a quoted word is never a keyword, and a bare name may be quoted */
    cr_assert_eq(accepted(sc, "'donbas' == 'ceded'", I_DONBAS), MASK(0));
    parley_scenario_free(sc);
}

Test(rule, quoted_escape_backslash_and_keyword_names)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    static const char *const v[] = {"a\\b", "in", "true"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "and", 3, v, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_discrete(sc, "utility", 3, v, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "not", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_OK);
    uint32_t o[2] = {0, 0};
    rule *r = compile_ok(sc, "'and' == 'a\\\\b' and \"utility\" in {in, true}");
    for (uint32_t a = 0; a < 3; a++)
        for (uint32_t b = 0; b < 3; b++) {
            o[0] = a;
            o[1] = b;
            cr_assert_eq(rule_eval(r, o, NULL), a == 0 && b != 0);
        }
    rule_free(sc, r);
    r = compile_ok(sc, "utility('not') > 0.5");
    double u = 0.6;
    cr_assert(rule_eval(r, o, &u));
    rule_free(sc, r);
    parley_scenario_free(sc);
}

Test(rule, labels_that_look_like_numbers)
{
    parley_scenario *sc = war();
    /* code: "0", "-10", "1.5", "ten" */
    cr_assert_eq(accepted(sc, "code == 0", I_CODE), MASK(0));
    cr_assert_eq(accepted(sc, "code == -10", I_CODE), MASK(1));
    cr_assert_eq(accepted(sc, "code != 1.5", I_CODE), MASK(0, 1, 3));
    cr_assert_eq(accepted(sc, "code in {0, -10, '1.5'}", I_CODE), MASK(0, 1, 2));
    cr_assert_eq(accepted(sc, "code == \"0\"", I_CODE), MASK(0));
    cr_assert_eq(accepted(sc, "code == ten", I_CODE), MASK(3));
    cr_assert_eq(accepted(sc, "0 == code", I_CODE), MASK(0));
    cr_assert_eq(accepted(sc, "-10 != code", I_CODE), MASK(0, 2, 3));
    /* text, not numeric value, decides */
    expect_err(sc, "code == 0.0", PARLEY_ERR_INVALID, 9, "unknown value '0.0' of issue 'code'");
    expect_err(sc, "code == -1e1", PARLEY_ERR_INVALID, 9, "unknown value '-1e1'");
    expect_err(sc, "0 < code", PARLEY_ERR_INVALID, 3, "only ==, !=, in apply");
    parley_scenario_free(sc);
}

Test(rule, utility_comparisons)
{
    parley_scenario *sc = war();
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    static const char *const flipped[] = {"==", "!=", ">", ">=", "<", "<="};
    static const double us[] = {0.0, 0.2999999999999999, 0.3, 0.30000000000000004, 1.0};
    uint32_t o[I_N] = {0};
    for (int op = 0; op < 6; op++) {
        char t1[96], t2[96], t3[96];
        snprintf(t1, sizeof t1, "utility(Ukraine) %s 0.3", ops[op]);
        snprintf(t2, sizeof t2, "0.3 %s utility(Ukraine)", flipped[op]);
        snprintf(t3, sizeof t3, "utility(\"United States\")%s0.3", ops[op]);
        rule *r1 = compile_ok(sc, t1), *r2 = compile_ok(sc, t2), *r3 = compile_ok(sc, t3);
        cr_assert(rule_uses_utility(r1));
        cr_assert_eq(r1->op, RULE_UTIL_CMP);
        cr_assert_eq(r1->party, (size_t)P_UKRAINE);
        cr_assert_eq(r3->party, (size_t)P_US);
        for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
            double x = us[i];
            bool want = op == 0 ? x == 0.3 : op == 1 ? x != 0.3 : op == 2 ? x < 0.3
                      : op == 3 ? x <= 0.3 : op == 4 ? x > 0.3 : x >= 0.3;
            double u[3] = {x, 0.5, x};
            cr_assert_eq(rule_eval(r1, o, u), want, "%s at %.17g", t1, x);
            cr_assert_eq(rule_eval(r2, o, u), want, "%s at %.17g", t2, x);
            cr_assert_eq(rule_eval(r3, o, u), want, "%s at %.17g", t3, x);
            double v[3] = {0.5, 0.5, 0.5};
            v[P_UKRAINE] = x;
            /* the other parties' utilities are not read */
            v[P_RUSSIA] = -1.0;
            cr_assert_eq(rule_eval(r1, o, v), want);
        }
        rule_free(sc, r1);
        rule_free(sc, r2);
        rule_free(sc, r3);
    }
    parley_scenario_free(sc);
}

Test(rule, partial_exact_boundaries)
{
    parley_scenario *sc = war();
    uint32_t o[I_N] = {0};
    bool assigned[I_N] = {false};
    struct { const char *t; double lo, hi; int want; } c[] = {
        {"utility(Ukraine) >= 0.3", 0.3, 0.9, 1},  {"utility(Ukraine) >= 0.3", 0.1, 0.3, -1},
        {"utility(Ukraine) >= 0.3", 0.1, 0.29, 0}, {"utility(Ukraine) > 0.3", 0.3, 0.9, -1},
        {"utility(Ukraine) > 0.3", 0.31, 0.9, 1},  {"utility(Ukraine) > 0.3", 0.1, 0.3, 0},
        {"utility(Ukraine) <= 0.3", 0.1, 0.3, 1},  {"utility(Ukraine) <= 0.3", 0.3, 0.5, -1},
        {"utility(Ukraine) <= 0.3", 0.31, 0.5, 0}, {"utility(Ukraine) < 0.3", 0.1, 0.3, -1},
        {"utility(Ukraine) < 0.3", 0.1, 0.29, 1},  {"utility(Ukraine) < 0.3", 0.3, 0.5, 0},
        {"utility(Ukraine) == 0.3", 0.3, 0.3, 1},  {"utility(Ukraine) == 0.3", 0.3, 0.4, -1},
        {"utility(Ukraine) == 0.3", 0.31, 0.4, 0}, {"utility(Ukraine) != 0.3", 0.3, 0.3, 0},
        {"utility(Ukraine) != 0.3", 0.2, 0.3, -1}, {"utility(Ukraine) != 0.3", 0.0, 0.29, 1},
        {"weapons <= 100", 0, 0, 1},               {"weapons < 0", 0, 0, 0},
        {"weapons < 50", 0, 0, -1},                {"weapons < 50 or true", 0, 0, 1},
        {"weapons < 50 and false", 0, 0, 0},       {"weapons < 50 -> true", 0, 0, 1},
        {"false -> weapons < 50", 0, 0, 1},        {"weapons < 50 -> false", 0, 0, -1},
        {"not weapons < 50", 0, 0, -1},            {"not weapons < 0", 0, 0, 1},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        rule *r = compile_ok(sc, c[i].t);
        double lo[3] = {c[i].lo, 0, 0}, hi[3] = {c[i].hi, 1, 1};
        cr_assert_eq(rule_eval_partial(r, o, assigned, lo, hi), c[i].want, "%s on [%g, %g]",
                     c[i].t, c[i].lo, c[i].hi);
        rule_free(sc, r);
    }
    parley_scenario_free(sc);
}

/* ------------------------------------------------------------- errors */

Test(rule, errors)
{
    parley_scenario *sc = war();
    expect_err(sc, "donbass == ceded", PARLEY_ERR_INVALID, 1,
               "unknown issue 'donbass' (did you mean 'donbas'?)");
    expect_err(sc, "true and donbass == ceded", PARLEY_ERR_INVALID, 10, "did you mean 'donbas'?");
    expect_err(sc, "donbas == cede", PARLEY_ERR_INVALID, 11,
               "unknown value 'cede' of issue 'donbas' (did you mean 'ceded'?)");
    expect_err(sc, "donbas in {ceded, contestd}", PARLEY_ERR_INVALID, 19,
               "did you mean 'contested'?");
    expect_err(sc, "utility(Ukrane) > 0.3", PARLEY_ERR_INVALID, 9,
               "unknown party 'Ukrane' (did you mean 'Ukraine'?)");
    expect_err(sc, "donbas < ceded", PARLEY_ERR_INVALID, 8,
               "operator '<' does not apply to discrete issue 'donbas': only ==, !=, in apply");
    expect_err(sc, "donbas >= ceded", PARLEY_ERR_INVALID, 8, "only ==, !=, in apply");
    expect_err(sc, "donbas ceded", PARLEY_ERR_SYNTAX, 8,
               "expected a comparison operator (==, !=, <, <=, >, >=, in) after 'donbas'");
    expect_err(sc, "donbas", PARLEY_ERR_SYNTAX, 7, "expected a comparison operator");
    /* missing operands */
    expect_err(sc, "donbas == ", PARLEY_ERR_SYNTAX, 11, "expected a value of issue 'donbas'");
    expect_err(sc, "donbas == ceded and", PARLEY_ERR_SYNTAX, 20, "expected a condition");
    expect_err(sc, "and donbas == ceded", PARLEY_ERR_SYNTAX, 1, "expected a condition");
    expect_err(sc, "donbas == ceded -> ", PARLEY_ERR_SYNTAX, 20, "expected a condition");
    expect_err(sc, "not", PARLEY_ERR_SYNTAX, 4, "expected a condition");
    expect_err(sc, "weapons < ", PARLEY_ERR_SYNTAX, 11, "expected a number of issue 'weapons'");
    expect_err(sc, "utility(Ukraine) >= ", PARLEY_ERR_SYNTAX, 21, "expected a number");
    expect_err(sc, "utility Ukraine", PARLEY_ERR_SYNTAX, 9, "expected '('");
    expect_err(sc, "utility(Ukraine >= 0.3", PARLEY_ERR_SYNTAX, 17, "expected ')'");
    expect_err(sc, "30 < 40", PARLEY_ERR_SYNTAX, 6, "expected an issue name or utility(party)");
    /* parentheses */
    expect_err(sc, "(donbas == ceded", PARLEY_ERR_SYNTAX, 17,
               "expected ')' after 'ceded' but the rule ends here "
               "(the '(' at column 1 is not closed)");
    expect_err(sc, "((true) or (false)", PARLEY_ERR_SYNTAX, 19, "expected ')'");
    expect_err(sc, "donbas == ceded)", PARLEY_ERR_SYNTAX, 16, "unexpected ')'");
    expect_err(sc, "()", PARLEY_ERR_SYNTAX, 2, "expected a condition");
    /* trailing garbage */
    expect_err(sc, "donbas == ceded referendum == held", PARLEY_ERR_SYNTAX, 17,
               "unexpected 'referendum' after a complete condition");
    expect_err(sc, "true false", PARLEY_ERR_SYNTAX, 6, "unexpected 'false'");
    /* empty */
    expect_err(sc, "", PARLEY_ERR_SYNTAX, 1, "empty rule");
    expect_err(sc, "  \t\n", PARLEY_ERR_SYNTAX, 1, "empty rule");
    /* quotes */
    expect_err(sc, "donbas == 'ceded", PARLEY_ERR_SYNTAX, 11, "unterminated quoted string");
    expect_err(sc, "\"security guarantees == none", PARLEY_ERR_SYNTAX, 1,
               "unterminated quoted string");
    expect_err(sc, "'a\\", PARLEY_ERR_SYNTAX, 1, "unterminated quoted string");
    expect_err(sc, "donbas == 'ce\\ded'", PARLEY_ERR_SYNTAX, 14, "unknown escape");
    /* typing */
    expect_err(sc, "weapons == heavy", PARLEY_ERR_INVALID, 12,
               "issue 'weapons' is integer: compare it with a number");
    expect_err(sc, "price > 'cheap'", PARLEY_ERR_INVALID, 9, "issue 'price' is real");
    expect_err(sc, "weapons == 35", PARLEY_ERR_INVALID, 12,
               "35 is not a value of issue 'weapons' (nearest value: 30)");
    expect_err(sc, "weapons in {0, 5}", PARLEY_ERR_INVALID, 16, "nearest value: 0");
    expect_err(sc, "donbas == referendum", PARLEY_ERR_INVALID, 11,
               "cannot compare issue 'donbas' with issue 'referendum'");
    expect_err(sc, "weapons < price", PARLEY_ERR_INVALID, 11, "cannot compare issue 'weapons'");
    expect_err(sc, "utility(Ukraine) >= high", PARLEY_ERR_INVALID, 21,
               "utility(Ukraine) compares with a number");
    expect_err(sc, "utility(Ukraine) in {0.3}", PARLEY_ERR_INVALID, 18, "'in' does not apply");
    expect_err(sc, "ceded == donbas", PARLEY_ERR_INVALID, 1,
               "'ceded' is a value of issue 'donbas'");
    /* lexical */
    expect_err(sc, "donbas = ceded", PARLEY_ERR_SYNTAX, 8, "write ==");
    expect_err(sc, "!true", PARLEY_ERR_SYNTAX, 1, "'not'");
    expect_err(sc, "true && true", PARLEY_ERR_SYNTAX, 6, "'and'");
    expect_err(sc, "true || true", PARLEY_ERR_SYNTAX, 6, "'or'");
    expect_err(sc, "weapons < 30x", PARLEY_ERR_SYNTAX, 11, "malformed number");
    expect_err(sc, "weapons < 1.2.3", PARLEY_ERR_SYNTAX, 11, "malformed number");
    expect_err(sc, "weapons < 1e", PARLEY_ERR_SYNTAX, 11, "malformed number");
    expect_err(sc, "weapons < 1e999", PARLEY_ERR_INVALID, 11, "too large for a double");
    /* underflow: a non-zero literal that would read as 0 */
    expect_err(sc, "weapons < 1e-400", PARLEY_ERR_INVALID, 11,
               "'1e-400' is too small for a double");
    expect_err(sc, "utility(Russia) > -1e-400", PARLEY_ERR_INVALID, 19,
               "write 0 if you mean zero");
    expect_err(sc, "1e-330 < weapons", PARLEY_ERR_INVALID, 1, "too small");
    /* zero written small, and subnormals, are numbers */
    cr_assert(truth(sc, "weapons >= 0e-400 and weapons > -2.3e-308 and weapons < 4.9e-324"));
    expect_err(sc, "donbas == ceded; true", PARLEY_ERR_SYNTAX, 16, "unexpected character ';'");
    expect_err(sc, "donbas == \xc3\xa9", PARLEY_ERR_INVALID, 11,
               "unknown value '\xc3\xa9' of issue 'donbas'");
    expect_err(sc, "donbas == ceded \xff", PARLEY_ERR_SYNTAX, 17, "not valid UTF-8");
    expect_err(sc, "donbas == \x01", PARLEY_ERR_SYNTAX, 11, "control byte 0x01");
    expect_err(sc, "weapons \xe2\x89\xa4 30", PARLEY_ERR_SYNTAX, 9, "(U+2264); write <=");
    expect_err(sc, "donbas == \xe2\x80\x98" "ceded\xe2\x80\x99", PARLEY_ERR_SYNTAX, 11,
               "quote with ' or \"");
    expect_err(sc, "donbas == \xc2\xab" "ceded\xc2\xbb", PARLEY_ERR_SYNTAX, 11,
               "unexpected character '\xc2\xab' (U+00AB); names with spaces or such");
    /* sets */
    expect_err(sc, "donbas in ceded", PARLEY_ERR_SYNTAX, 11, "expected '{'");
    expect_err(sc, "donbas in {ceded,}", PARLEY_ERR_SYNTAX, 18, "expected a value of issue");
    expect_err(sc, "donbas in {}", PARLEY_ERR_SYNTAX, 12, "expected a value of issue");
    expect_err(sc, "donbas in {ceded contested}", PARLEY_ERR_SYNTAX, 18, "expected ',' or '}'");
    expect_err(sc, "donbas in {ceded", PARLEY_ERR_SYNTAX, 17, "expected ',' or '}'");
    expect_err(sc, "donbas not ceded", PARLEY_ERR_SYNTAX, 12, "expected 'in'");
    expect_err(sc, "donbas == and", PARLEY_ERR_SYNTAX, 11, "expected a value of issue 'donbas'");
    parley_scenario_free(sc);
}

Test(rule, errors_limits)
{
    parley_scenario *sc = war();
    /* nesting: the 200th '(' opens level 201 */
    char t[2048];
    size_t n = 0;
    for (int i = 0; i < 300; i++)
        t[n++] = '(';
    memcpy(t + n, "true", 4);
    n += 4;
    for (int i = 0; i < 300; i++)
        t[n++] = ')';
    t[n] = '\0';
    expect_err(sc, t, PARLEY_ERR_LIMIT, 201, "nested too deeply");
    /* 150 levels are fine */
    n = 0;
    for (int i = 0; i < 150; i++)
        t[n++] = '(';
    memcpy(t + n, "true", 4);
    n += 4;
    for (int i = 0; i < 150; i++)
        t[n++] = ')';
    t[n] = '\0';
    cr_assert(truth(sc, t));
    n = 0;
    for (int i = 0; i < 300; i++)
        n += (size_t)sprintf(t + n, "not ");
    sprintf(t + n, "true");
    expect_err(sc, t, PARLEY_ERR_LIMIT, 200 * 4 + 1 - 4, "nested too deeply");
    n = 0;
    for (int i = 0; i < 300; i++)
        n += (size_t)sprintf(t + n, "true->");
    sprintf(t + n, "true");
    expect_err(sc, t, PARLEY_ERR_LIMIT, 200 * 6 + 1, "nested too deeply");
    /* text length: 64 KiB */
    size_t big = 70000;
    char *s = malloc(big + 1);
    cr_assert_not_null(s);
    memset(s, ' ', big);
    memcpy(s, "true", 4);
    s[big] = '\0';
    expect_err(sc, s, PARLEY_ERR_LIMIT, 65537, "longer than 65536 bytes");
    s[65536] = '\0';
    cr_assert(truth(sc, s));
    /* a quoted name longer than any name may be */
    memset(s, 'a', 3000);
    s[0] = '"';
    s[2999] = '"';
    strcpy(s + 3000, " == x");
    expect_err(sc, s, PARLEY_ERR_LIMIT, 1, "longer than 1024 bytes");
    free(s);
    /* the API's own misuse */
    rule *r;
    parley_error err;
    cr_assert_eq(rule_compile(sc, NULL, &r, &err), PARLEY_ERR_ARG);
    cr_assert_eq(rule_compile(NULL, "true", &r, &err), PARLEY_ERR_ARG);
    cr_assert_eq(rule_compile(sc, "true", NULL, &err), PARLEY_ERR_ARG);
    /* errors without an error record */
    r = (rule *)(uintptr_t)1;
    cr_assert_eq(rule_compile(sc, "donbass == x", &r, NULL), PARLEY_ERR_INVALID);
    cr_assert_null(r);
    parley_scenario_free(sc);
}

Test(rule, unknown_names_without_close_match)
{
    parley_scenario *sc = war();
    expect_err(sc, "zzzzzzzz == 1", PARLEY_ERR_INVALID, 1, "unknown issue 'zzzzzzzz'");
    expect_err(sc, "utility(Zelensky) > 0", PARLEY_ERR_INVALID, 9, "unknown party 'Zelensky'");
    expect_err(sc, "donbas == annexed", PARLEY_ERR_INVALID, 11,
               "unknown value 'annexed' of issue 'donbas' (its values are 'ceded'");
    parley_scenario_free(sc);
}

/* Bare words take letters of any script (issue 14, item 10): `zölle ==
 * hoch` names the issue zölle, not 'z'. */
Test(rule, non_ascii_bare_words)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    static const char *const levels[] = {"niedrig", "hoch", "\xce\xb1\xcf\x81\xce\xb9\xce\xb8"};
    static const char *const yn[] = {"ja", "nein"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "z\xc3\xb6lle", 3, levels, NULL, &err),
                 PARLEY_OK);
    cr_assert_eq(parley_scenario_add_discrete(sc, "\xe5\x85\xb3\xe7\xa8\x8e", 2, yn, NULL, &err),
                 PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "\xc3\x96sterreich", PARLEY_ROLE_NEGOTIATOR, NULL,
                                           &err), PARLEY_OK);
    /* zölle == hoch, with the value index of hoch (1) and of niedrig (0) */
    uint32_t o[2] = {1, 0};
    double u[1] = {0.5};
    const char *holds[] = {
        "z\xc3\xb6lle == hoch",
        "z\xc3\xb6lle==hoch and \xe5\x85\xb3\xe7\xa8\x8e == ja",
        "z\xc3\xb6lle in {hoch, \xce\xb1\xcf\x81\xce\xb9\xce\xb8}",
        "(z\xc3\xb6lle != niedrig)->utility(\xc3\x96sterreich) >= 0.5",
    };
    for (size_t i = 0; i < sizeof holds / sizeof holds[0]; i++) {
        rule *r = compile_ok(sc, holds[i]);
        cr_assert(rule_eval(r, o, u), "%s", holds[i]);
        rule_free(sc, r);
    }
    /* a word ends at the first character that is not a letter */
    expect_err(sc, "z\xc3\xb6lle\xe2\x89\xa0hoch", PARLEY_ERR_SYNTAX, 7, "write !=");
    parley_scenario_free(sc);
    /* without the issue: the whole word is named */
    sc = war();
    expect_err(sc, "z\xc3\xb6lle == hoch", PARLEY_ERR_INVALID, 1, "unknown issue 'z\xc3\xb6lle'");
    expect_err(sc, "donbas == cede\xcc\x81", PARLEY_ERR_INVALID, 11,
               "unknown value 'cede\xcc\x81' of issue 'donbas' (did you mean 'ceded'?)");
    parley_scenario_free(sc);
}

/* ------------------------------------------------- allocation failures */

Test(rule, allocation_failures)
{
    counting ta = {0};
    parley_allocator al = {counting_alloc, &ta};
    parley_error err;
    parley_scenario *sc = parley_scenario_new(&al);
    cr_assert_not_null(sc);
    static const char *const d[] = {"ceded", "russia-controls", "contested"};
    cr_assert_eq(parley_scenario_add_discrete(sc, "donbas", 3, d, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_integer(sc, "weapons", 0, 1000, 1, NULL, &err), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "Ukraine", PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                 PARLEY_OK);
    const char *text = "(donbas == ceded or weapons in {1, 2, 3}) -> not utility(Ukraine) < 0.3 "
                       "and weapons < 500 and donbas != contested and true";
    const char *bad = "donbas == cede";
    int succeeded = 0;
    for (long n = 1; n < 200 && !succeeded; n++) {
        long before = ta.bytes;
        ta.calls = 0;
        ta.fail_at = n;
        rule *r = NULL;
        parley_status st = rule_compile(sc, text, &r, &err);
        if (st == PARLEY_OK) {
            succeeded = 1;
            cr_assert(ta.bytes > before);
            rule_free(sc, r);
        } else {
            cr_assert_eq(st, PARLEY_ERR_NOMEM, "allocation %ld: status %d", n, (int)st);
            cr_assert_null(r);
        }
        cr_assert_eq(ta.bytes, before, "allocation %ld: %ld bytes leaked", n, ta.bytes - before);
        /* an error path with its did-you-mean lookup under failure */
        ta.calls = 0;
        st = rule_compile(sc, bad, &r, &err);
        cr_assert(st == PARLEY_ERR_INVALID || st == PARLEY_ERR_NOMEM);
        cr_assert_eq(ta.bytes, before);
    }
    cr_assert(succeeded);
    ta.fail_at = 0;
    parley_scenario_free(sc);
    cr_assert_eq(ta.bytes, 0);
}

/* ------------------------------------------------------ public API path */

Test(rule, public_api_redlines)
{
    parley_error err;
    parley_scenario *sc = war();
    /* Ukraine cares only about donbas: ceded 0, russia-controls 0.2,
     * contested 1 */
    cr_assert_eq(parley_party_set_weight(sc, P_UKRAINE, I_DONBAS, 1.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, P_UKRAINE, I_DONBAS, 0, 0.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, P_UKRAINE, I_DONBAS, 1, 0.2), PARLEY_OK);
    cr_assert_eq(parley_party_set_value_eval(sc, P_UKRAINE, I_DONBAS, 2, 1.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_weight(sc, P_RUSSIA, I_WEAPONS, 1.0), PARLEY_OK);
    cr_assert_eq(parley_party_set_linear(sc, P_RUSSIA, I_WEAPONS, 1.0, -0.01, 0.0), PARLEY_OK);
    cr_assert_eq(parley_party_add_redline(sc, P_RUSSIA, "conditional",
                                          "guarantees != none -> donbas == ceded", &err),
                 PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_party_add_redline(sc, P_UKRAINE, "floor", "utility(Ukraine) >= 0.3", &err),
                 PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_party_add_redline(sc, P_UKRAINE, "arms", "weapons >= 30", &err),
                 PARLEY_OK, "%s", err.message);
    /* a bad red line: the error points into its text */
    cr_assert_eq(parley_party_add_redline(sc, P_UKRAINE, "typo", "donbas == cede", &err),
                 PARLEY_ERR_INVALID);
    cr_assert_eq(err.column, 11u);
    cr_assert(strstr(err.message, "did you mean 'ceded'?"));
    cr_assert_eq(parley_redline_count(sc, P_UKRAINE), (size_t)2);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
    uint32_t o[I_N] = {0};
    for (uint32_t g = 0; g < 3; g++)
        for (uint32_t dn = 0; dn < 3; dn++)
            for (uint32_t w = 0; w < 11; w++) {
                o[I_GUAR] = g;
                o[I_DONBAS] = dn;
                o[I_WEAPONS] = w;
                cr_assert_eq(parley_redlines_hold(sc, P_RUSSIA, o), g == 0 || dn == 0);
                bool floor = dn == 2; /* utility 1; 0 and 0.2 are below 0.3 */
                bool arms = w >= 3;
                cr_assert_eq(parley_redlines_hold(sc, P_UKRAINE, o), floor && arms);
                long want = !floor ? 0 : !arms ? 1 : -1;
                cr_assert_eq(parley_redline_broken(sc, P_UKRAINE, o), want);
                /* one red line alone: both broken are told apart */
                cr_assert_eq(parley_redline_holds(sc, P_UKRAINE, 0, o), floor);
                cr_assert_eq(parley_redline_holds(sc, P_UKRAINE, 1, o), arms);
                cr_assert(!parley_redline_holds(sc, P_UKRAINE, 2, o)); /* no such red line */
            }
    parley_scenario_free(sc);
}

/* ------------------------------------------- property test: random rules */

static size_t rng_below(rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

typedef struct tscen {
    parley_scenario *sc;
    size_t nissues, nparties;
    parley_issue_kind kind[4];
    size_t nv[4];
    const char *labels[4][6];
    const char *names[4];
} tscen;

/* Names and labels; some need quotes (spaces, keywords, leading digit,
 * quote characters), some are bare; "0", "-10", "1.5", "1e2" lex as
 * numbers and are matched by their text. */
static const char *const issue_pool[] = {"alpha", "beta_2", "gamma.x", "d-e", "two words",
                                         "it's", "utility", "and", "Q\"q", "x"};
static const char *const party_pool[] = {"Ukraine", "Russia", "United States", "P'1", "or"};
static const char *const label_pool[] = {"x", "y-z", "0", "-10", "1.5", "with space",
                                         "q\"uote", "true", "or", "1e2", "held", "a\\b"};

static void tscen_make(tscen *t, rng *r)
{
    parley_error err;
    memset(t, 0, sizeof *t);
    t->sc = parley_scenario_new(NULL);
    cr_assert_not_null(t->sc);
    t->nissues = 1 + rng_below(r, 4);
    size_t order[10];
    for (size_t i = 0; i < 10; i++)
        order[i] = i;
    for (size_t i = 9; i > 0; i--) {
        size_t j = rng_below(r, i + 1), x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    for (size_t i = 0; i < t->nissues; i++) {
        t->names[i] = issue_pool[order[i]];
        int k = (int)rng_below(r, 3);
        parley_status st;
        if (k == 0) {
            size_t lo[12];
            for (size_t j = 0; j < 12; j++)
                lo[j] = j;
            for (size_t j = 11; j > 0; j--) {
                size_t m = rng_below(r, j + 1), x = lo[j];
                lo[j] = lo[m];
                lo[m] = x;
            }
            size_t n = 2 + rng_below(r, 4);
            for (size_t j = 0; j < n; j++)
                t->labels[i][j] = label_pool[lo[j]];
            st = parley_scenario_add_discrete(t->sc, t->names[i], n, t->labels[i], NULL, &err);
            t->kind[i] = PARLEY_ISSUE_DISCRETE;
            t->nv[i] = n;
        } else if (k == 1) {
            int64_t lo = (int64_t)rng_below(r, 41) - 20, step = 1 + (int64_t)rng_below(r, 5);
            size_t n = 2 + rng_below(r, 5);
            st = parley_scenario_add_integer(t->sc, t->names[i], lo, lo + step * (int64_t)(n - 1),
                                             step, NULL, &err);
            t->kind[i] = PARLEY_ISSUE_INTEGER;
            t->nv[i] = n;
        } else {
            static const double los[] = {-1.0, 0.0, 0.1, 2.5};
            static const double ws[] = {1.0, 0.3, 7.0};
            double lo = los[rng_below(r, 4)], hi = lo + ws[rng_below(r, 3)];
            unsigned n = 2 + (unsigned)rng_below(r, 5);
            st = parley_scenario_add_real(t->sc, t->names[i], lo, hi, n, NULL, &err);
            t->kind[i] = PARLEY_ISSUE_REAL;
            t->nv[i] = n;
        }
        cr_assert_eq(st, PARLEY_OK, "%s", err.message);
        cr_assert_eq(parley_issue_value_count(t->sc, i), t->nv[i]);
    }
    t->nparties = 1 + rng_below(r, 3);
    for (size_t p = 0; p < t->nparties; p++)
        cr_assert_eq(parley_scenario_add_party(t->sc,
                                               party_pool[p == 0 ? 0 : 2 * p - 1 + rng_below(r, 2)],
                                               PARLEY_ROLE_NEGOTIATOR, NULL, &err),
                     PARLEY_OK);
}

enum { N_TRUE, N_FALSE, N_NOT, N_AND, N_OR, N_IMP, N_CMP, N_SET, N_UTIL };
enum { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

typedef struct tnode {
    int kind;
    struct tnode *a, *b;
    size_t issue, party;
    int cmp;
    bool numleft; /* printed with the literal first */
    bool negate;  /* N_SET: not in */
    size_t nset;
    size_t set[4]; /* value indices (discrete: label; numeric: grid value) */
    size_t val;    /* N_CMP discrete: value index */
    double num;    /* N_CMP numeric and N_UTIL: the literal */
} tnode;

static const double util_pool[] = {0.0, 0.25, 0.3, 0.5, 0.75, 1.0};

static tnode *tgen(const tscen *t, rng *r, int depth)
{
    tnode *n = calloc(1, sizeof *n);
    cr_assert_not_null(n);
    int k = depth <= 0 ? (int)(6 + rng_below(r, 3)) : (int)rng_below(r, 9);
    if (k == N_TRUE || k == N_FALSE) {
        /* constants rarely: they make rules trivial */
        if (rng_below(r, 3))
            k = N_CMP;
    }
    n->kind = k;
    switch (k) {
    case N_NOT:
        n->a = tgen(t, r, depth - 1);
        break;
    case N_AND:
    case N_OR:
    case N_IMP:
        n->a = tgen(t, r, depth - 1);
        n->b = tgen(t, r, depth - 1);
        break;
    case N_CMP:
        n->issue = rng_below(r, t->nissues);
        n->numleft = rng_below(r, 4) == 0;
        if (t->kind[n->issue] == PARLEY_ISSUE_DISCRETE) {
            n->cmp = (int)rng_below(r, 2);
            n->val = rng_below(r, t->nv[n->issue]);
            /* a label on the left must lex as a number */
            const char *l = t->labels[n->issue][n->val];
            if (strcmp(l, "0") && strcmp(l, "-10") && strcmp(l, "1.5") && strcmp(l, "1e2"))
                n->numleft = false;
        } else {
            n->cmp = (int)rng_below(r, 6);
            size_t kk = rng_below(r, t->nv[n->issue]);
            double v = parley_issue_value_number(t->sc, n->issue, kk);
            if (n->cmp >= C_LT) {
                int how = (int)rng_below(r, 4);
                if (how == 1 && kk + 1 < t->nv[n->issue])
                    v = (v + parley_issue_value_number(t->sc, n->issue, kk + 1)) / 2;
                else if (how == 2)
                    v = kk ? v + 1000.0 : v - 1000.0;
            }
            n->num = v;
        }
        break;
    case N_SET:
        n->issue = rng_below(r, t->nissues);
        n->negate = rng_below(r, 2);
        n->nset = 1 + rng_below(r, 3);
        for (size_t i = 0; i < n->nset; i++)
            n->set[i] = rng_below(r, t->nv[n->issue]);
        break;
    case N_UTIL:
        n->party = rng_below(r, t->nparties);
        n->cmp = (int)rng_below(r, 6);
        n->numleft = rng_below(r, 3) == 0;
        n->num = util_pool[rng_below(r, 6)];
        break;
    default:
        break;
    }
    return n;
}

static void tfree(tnode *n)
{
    if (!n)
        return;
    tfree(n->a);
    tfree(n->b);
    free(n);
}

static bool tcmp(int c, double a, double b)
{
    switch (c) {
    case C_EQ: return a == b;
    case C_NE: return a != b;
    case C_LT: return a < b;
    case C_LE: return a <= b;
    case C_GT: return a > b;
    default: return a >= b;
    }
}

/* The reference interpreter: straight from the tree. */
static bool tinterp(const tscen *t, const tnode *n, const uint32_t *o, const double *u)
{
    switch (n->kind) {
    case N_TRUE: return true;
    case N_FALSE: return false;
    case N_NOT: return !tinterp(t, n->a, o, u);
    case N_AND: return tinterp(t, n->a, o, u) && tinterp(t, n->b, o, u);
    case N_OR: return tinterp(t, n->a, o, u) || tinterp(t, n->b, o, u);
    case N_IMP: return !tinterp(t, n->a, o, u) || tinterp(t, n->b, o, u);
    case N_CMP:
        if (t->kind[n->issue] == PARLEY_ISSUE_DISCRETE)
            return n->cmp == C_EQ ? o[n->issue] == n->val : o[n->issue] != n->val;
        return tcmp(n->cmp, parley_issue_value_number(t->sc, n->issue, o[n->issue]), n->num);
    case N_SET: {
        bool in = false;
        for (size_t i = 0; i < n->nset; i++)
            if (o[n->issue] == n->set[i])
                in = true;
        return in != n->negate;
    }
    case N_UTIL: return tcmp(n->cmp, u[n->party], n->num);
    }
    return false;
}

/* --- printing --- */

typedef struct tbuf {
    char s[16384];
    size_t n;
} tbuf;

static void tput(tbuf *b, const char *s)
{
    size_t l = strlen(s);
    cr_assert(b->n + l < sizeof b->s);
    memcpy(b->s + b->n, s, l + 1);
    b->n += l;
}

static bool t_is_keyword(const char *s)
{
    static const char *const kw[] = {"and", "or", "not", "in", "true", "false", "utility"};
    for (size_t i = 0; i < 7; i++)
        if (!strcmp(s, kw[i]))
            return true;
    return false;
}

static bool t_is_bare(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (const char *p = s; *p; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
                  (*p >= '0' && *p <= '9') || *p == '.' || *p == '\'' || *p == '-';
        if (!ok || (p[0] == '-' && p[1] == '>'))
            return false;
    }
    return true;
}

static bool t_is_number_text(const char *s)
{
    return !strcmp(s, "0") || !strcmp(s, "-10") || !strcmp(s, "1.5") || !strcmp(s, "1e2");
}

/* A name (issue/party) or a label (value: keywords may stay bare there). */
static void tput_name(tbuf *b, rng *r, const char *s, bool label)
{
    bool bare_ok = t_is_bare(s) && (label || !t_is_keyword(s));
    if (label && t_is_number_text(s))
        bare_ok = true;
    if (bare_ok && rng_below(r, 4)) {
        tput(b, s);
        return;
    }
    char q = rng_below(r, 2) ? '"' : '\'';
    char out[256];
    size_t o = 0;
    out[o++] = q;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' || *p == q || ((*p == '"' || *p == '\'') && rng_below(r, 2)))
            out[o++] = '\\';
        out[o++] = *p;
    }
    out[o++] = q;
    out[o] = '\0';
    tput(b, out);
}

static void tput_num(tbuf *b, double x)
{
    char s[64];
    snprintf(s, sizeof s, "%.17g", x);
    tput(b, s);
}

static void tput_sp(tbuf *b, rng *r)
{
    static const char *const sp[] = {" ", "  ", "\t", "\n "};
    tput(b, sp[rng_below(r, 4)]);
}

/* ops, optionally without spaces */
static void tput_op(tbuf *b, rng *r, const char *op)
{
    bool tight = rng_below(r, 3) == 0;
    if (!tight)
        tput_sp(b, r);
    tput(b, op);
    if (!tight)
        tput_sp(b, r);
}

static int tlevel(const tnode *n)
{
    switch (n->kind) {
    case N_IMP: return 1;
    case N_OR: return 2;
    case N_AND: return 3;
    case N_NOT: return 4;
    default: return 5;
    }
}

static void tprint(const tscen *t, const tnode *n, tbuf *b, rng *r);

static void tprint_child(const tscen *t, const tnode *c, bool paren, tbuf *b, rng *r)
{
    paren = paren || rng_below(r, 8) == 0; /* some needless parentheses */
    if (paren)
        tput(b, "(");
    tprint(t, c, b, r);
    if (paren)
        tput(b, ")");
}

static const char *const cmp_text[] = {"==", "!=", "<", "<=", ">", ">="};
static const int cmp_flip[] = {C_EQ, C_NE, C_GT, C_GE, C_LT, C_LE};

static void tprint(const tscen *t, const tnode *n, tbuf *b, rng *r)
{
    int lv = tlevel(n);
    switch (n->kind) {
    case N_TRUE: tput(b, "true"); break;
    case N_FALSE: tput(b, "false"); break;
    case N_NOT:
        tput(b, "not ");
        tprint_child(t, n->a, tlevel(n->a) < 4, b, r);
        break;
    case N_AND:
    case N_OR:
    case N_IMP: {
        /* -> is right-associative: its left operand at the same level
         * needs parentheses; and/or are left-associative: their right
         * operand at the same level does. */
        bool pa = tlevel(n->a) < lv || (n->kind == N_IMP && tlevel(n->a) == lv);
        bool pb = tlevel(n->b) < lv || (n->kind != N_IMP && tlevel(n->b) == lv);
        tprint_child(t, n->a, pa, b, r);
        if (n->kind == N_IMP) {
            tput_op(b, r, "->");
        } else {
            tput_sp(b, r);
            tput(b, n->kind == N_AND ? "and" : "or");
            tput_sp(b, r);
        }
        tprint_child(t, n->b, pb, b, r);
        break;
    }
    case N_CMP: {
        bool disc = t->kind[n->issue] == PARLEY_ISSUE_DISCRETE;
        if (n->numleft) {
            if (disc)
                tput(b, t->labels[n->issue][n->val]);
            else
                tput_num(b, n->num);
            tput_op(b, r, cmp_text[cmp_flip[n->cmp]]);
            tput_name(b, r, t->names[n->issue], false);
        } else {
            tput_name(b, r, t->names[n->issue], false);
            tput_op(b, r, cmp_text[n->cmp]);
            if (disc)
                tput_name(b, r, t->labels[n->issue][n->val], true);
            else
                tput_num(b, n->num);
        }
        break;
    }
    case N_SET:
        tput_name(b, r, t->names[n->issue], false);
        tput(b, n->negate ? " not in " : " in ");
        tput(b, "{");
        for (size_t i = 0; i < n->nset; i++) {
            if (i)
                tput(b, rng_below(r, 2) ? ", " : ",");
            if (t->kind[n->issue] == PARLEY_ISSUE_DISCRETE)
                tput_name(b, r, t->labels[n->issue][n->set[i]], true);
            else
                tput_num(b, parley_issue_value_number(t->sc, n->issue, n->set[i]));
        }
        tput(b, "}");
        break;
    case N_UTIL: {
        const char *pn = parley_party_name(t->sc, n->party);
        if (n->numleft) {
            tput_num(b, n->num);
            tput_op(b, r, cmp_text[cmp_flip[n->cmp]]);
        }
        tput(b, "utility(");
        tput_name(b, r, pn, false);
        tput(b, ")");
        if (!n->numleft) {
            tput_op(b, r, cmp_text[n->cmp]);
            tput_num(b, n->num);
        }
        break;
    }
    }
}

static bool tuses_util(const tnode *n)
{
    return n && (n->kind == N_UTIL || tuses_util(n->a) || tuses_util(n->b));
}

Test(rule, property_random_rules)
{
    rng r = {0x9e3779b97f4a7c15ull};
    long outcomes = 0, definite = 0, partials = 0;
    for (int sci = 0; sci < 150; sci++) {
        tscen t;
        tscen_make(&t, &r);
        size_t total = 1;
        for (size_t i = 0; i < t.nissues; i++)
            total *= t.nv[i];
        for (int ri = 0; ri < 8; ri++) {
            tnode *n = tgen(&t, &r, 1 + (int)rng_below(&r, 4));
            tbuf b;
            b.n = 0;
            b.s[0] = '\0';
            tprint(&t, n, &b, &r);
            rule *ru = compile_ok(t.sc, b.s);
            cr_assert_eq(rule_uses_utility(ru), tuses_util(n), "%s", b.s);
            /* every outcome, with utilities drawn per outcome */
            uint32_t o[4];
            double u[3];
            for (size_t idx = 0; idx < total; idx++) {
                size_t x = idx;
                for (size_t i = 0; i < t.nissues; i++) {
                    o[i] = (uint32_t)(x % t.nv[i]);
                    x /= t.nv[i];
                }
                for (size_t p = 0; p < 3; p++)
                    u[p] = util_pool[rng_below(&r, 6)];
                bool want = tinterp(&t, n, o, u);
                cr_assert_eq(rule_eval(ru, o, u), want, "rule \"%s\" at outcome %zu", b.s, idx);
                bool all[4] = {true, true, true, true};
                cr_assert_eq(rule_eval_partial(ru, o, all, u, u), want ? 1 : 0,
                             "partial, all fixed: \"%s\" at %zu", b.s, idx);
                outcomes++;
            }
            /* partial soundness on random partial outcomes */
            for (int pi = 0; pi < 12; pi++) {
                bool as[4];
                uint32_t po[4];
                for (size_t i = 0; i < t.nissues; i++) {
                    as[i] = rng_below(&r, 2);
                    po[i] = (uint32_t)rng_below(&r, t.nv[i]);
                }
                /* each party's utility: one or two values of the pool */
                double s[3][2], lo[3], hi[3];
                size_t ns[3];
                for (size_t p = 0; p < 3; p++) {
                    ns[p] = 1 + rng_below(&r, 2);
                    for (size_t j = 0; j < ns[p]; j++)
                        s[p][j] = util_pool[rng_below(&r, 6)];
                    lo[p] = ns[p] == 2 && s[p][1] < s[p][0] ? s[p][1] : s[p][0];
                    hi[p] = ns[p] == 2 && s[p][1] > s[p][0] ? s[p][1] : s[p][0];
                }
                int pv = rule_eval_partial(ru, po, as, lo, hi);
                cr_assert(pv == -1 || pv == 0 || pv == 1);
                partials++;
                if (pv < 0)
                    continue;
                definite++;
                for (size_t idx = 0; idx < total; idx++) {
                    size_t x = idx;
                    bool match = true;
                    for (size_t i = 0; i < t.nissues; i++) {
                        o[i] = (uint32_t)(x % t.nv[i]);
                        x /= t.nv[i];
                        if (as[i] && o[i] != po[i])
                            match = false;
                    }
                    if (!match)
                        continue;
                    for (size_t c = 0; c < 8; c++) {
                        for (size_t p = 0; p < 3; p++)
                            u[p] = s[p][(c >> p) & 1 && ns[p] == 2 ? 1 : 0];
                        cr_assert_eq(tinterp(&t, n, o, u), pv == 1,
                                     "partial said %d for \"%s\" but completion %zu disagrees", pv,
                                     b.s, idx);
                    }
                }
            }
            rule_free(t.sc, ru);
            tfree(n);
        }
        parley_scenario_free(t.sc);
    }
    cr_assert(outcomes > 10000, "only %ld outcomes checked", outcomes);
    /* partial evaluation must decide a good share, not answer -1 always */
    cr_assert(definite * 4 > partials, "partial decided only %ld of %ld", definite, partials);
}
