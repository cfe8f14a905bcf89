/*
 * test_stability_gmcr.c -- gmcr-py save files (src/io/gmcr.c) and the
 * published equilibria of two models written for parley from the
 * literature (tests/data/prisoners.gmcr, elmira.gmcr):
 *  - the prisoner's dilemma (preference statements): Nash only at mutual
 *    confession (3); mutual silence (0) is also GMR, SMR, SEQ and SIM
 *    stable (Fang, Hipel and Kilgour 1993, ch. 3);
 *  - the Elmira groundwater conflict (3 DMs, 5 options, manual rankings
 *    over 12 feasible states, the 9 states of Fang, Hipel and Kilgour 1993
 *    with "abandon" split by the other two options): Nash and SEQ
 *    equilibria at their states 5, 8 and 9, GMR and SMR at 1, 4, 5, 8, 9;
 *  - the renumbering of the options DM by DM that gmcr-py applies;
 *  - errors: path:line:column and status for each kind of bad content.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "helpers/helpers.h"
#include "parley/stability.h"

static parley_graph *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/%s", PARLEY_SOURCE_DIR, name);
    parley_graph *g = NULL;
    parley_error err;
    cr_assert_eq(parley_gmcr_read(path, NULL, &g, &err), PARLEY_OK, "%s", err.message);
    return g;
}

static void expect(const parley_stability *st, parley_concept c, const uint32_t *want, size_t n)
{
    uint32_t ids[64];
    size_t got = parley_stability_equilibria(st, c, ids, 64);
    cr_assert_eq(got, n, "%s: %zu equilibria, expected %zu", parley_concept_name(c), got, n);
    for (size_t k = 0; k < n; k++)
        cr_assert_eq(ids[k], want[k], "%s: equilibrium %zu is %u, expected %u",
                     parley_concept_name(c), k, ids[k], want[k]);
}

Test(gmcr, prisoners_dilemma)
{
    parley_graph *g = load("prisoners.gmcr");
    cr_assert_eq(parley_graph_dm_count(g), 2);
    cr_assert_eq(parley_graph_feasible_count(g), 4);
    /* A: B silent (weight 2) above A confessing (weight 1) */
    cr_assert_eq(parley_graph_payoff(g, 0, 0), 2.0);
    cr_assert_eq(parley_graph_payoff(g, 0, 1), 3.0);
    cr_assert_eq(parley_graph_payoff(g, 0, 2), 0.0);
    cr_assert_eq(parley_graph_payoff(g, 0, 3), 1.0);
    parley_stability *st;
    cr_assert_eq(parley_stability_analyze(g, 0, &st, NULL), PARLEY_OK);
    const uint32_t nash[] = {3}, both[] = {0, 3};
    expect(st, PARLEY_CONCEPT_NASH, nash, 1);
    for (int c = PARLEY_CONCEPT_GMR; c < PARLEY_CONCEPT_COUNT; c++)
        expect(st, (parley_concept)c, both, 2);
    /* from mutual silence A confesses (state 1): that is why 0 is not Nash */
    size_t dm;
    uint32_t to;
    cr_assert_eq(parley_stability_explain(st, PARLEY_CONCEPT_NASH, 0, &dm, &to), PARLEY_OK);
    cr_assert_eq(dm, 0);
    cr_assert_eq(to, 1);
    /* from mutual silence the improvements lead to mutual confession */
    parley_reach *r;
    cr_assert_eq(parley_reach_from(g, 0, &r, NULL), PARLEY_OK);
    uint32_t ps[4];
    size_t pd[4];
    cr_assert_eq(parley_reach_path(r, 3, ps, pd, 4), 2);
    cr_assert_eq(ps[0], 1);
    cr_assert_eq(pd[0], 0);
    cr_assert_eq(ps[1], 3);
    cr_assert_eq(pd[1], 1);
    /* the two together would both gain by returning to silence */
    bool stable;
    cr_assert_eq(parley_stability_coalition(g, 3, 3, &stable, &to, NULL), PARLEY_OK);
    cr_assert(!stable);
    cr_assert_eq(to, 0);
    parley_reach_free(r);
    parley_stability_free(st);
    parley_graph_free(g);
}

/* Elmira: bits Modify 1, Delay 2, Accept 4, Abandon 8, Insist 16.  The
 * book's states: 1 = 2 (delay), 4 = 5 (modify, accept), 5 = 18 (delay,
 * insist), 8 = 21 (modify, accept, insist), 9 = abandon: 8, 9, 24, 25. */
Test(gmcr, elmira)
{
    parley_graph *g = load("elmira.gmcr");
    cr_assert_eq(parley_graph_dm_count(g), 3);
    cr_assert_str_eq(parley_graph_dm_name(g, 1), "Uniroyal");
    cr_assert_eq(parley_graph_option_count(g), 5);
    cr_assert_eq(parley_graph_feasible_count(g), 12);
    cr_assert_eq(parley_graph_option_direction(g, 0), PARLEY_DIR_FORWARD);
    cr_assert_eq(parley_graph_option_direction(g, 1), PARLEY_DIR_BACKWARD);
    cr_assert_eq(parley_graph_coalition_count(g), 1);
    cr_assert_eq(parley_graph_coalition(g, 0), 6u);
    /* MoE's ranking: state 7 (id 20) first, the abandon states last, tied */
    cr_assert_gt(parley_graph_payoff(g, 0, 20), parley_graph_payoff(g, 0, 4));
    cr_assert_eq(parley_graph_payoff(g, 0, 8), parley_graph_payoff(g, 0, 25));
    parley_stability *st;
    cr_assert_eq(parley_stability_analyze(g, 0, &st, NULL), PARLEY_OK);
    const uint32_t nash[] = {8, 9, 18, 21, 24, 25};
    const uint32_t gmr[] = {2, 5, 8, 9, 18, 21, 24, 25};
    expect(st, PARLEY_CONCEPT_NASH, nash, 6);
    expect(st, PARLEY_CONCEPT_GMR, gmr, 8);
    expect(st, PARLEY_CONCEPT_SMR, gmr, 8);
    expect(st, PARLEY_CONCEPT_SEQ, nash, 6);
    /* state 8 of the book (id 21) is stable for everyone under every concept */
    for (int c = 0; c < PARLEY_CONCEPT_COUNT; c++)
        cr_assert(parley_stability_equilibrium(st, (parley_concept)c, 21));
    /* from the status quo (state 1 of the book, id 2) the local government
     * insists (state 5, id 18); state 8 is not reached by unilateral
     * improvements, only by MoE and Uniroyal together (Li, Hipel, Kilgour
     * and Fang 2004) */
    parley_reach *r;
    cr_assert_eq(parley_reach_from(g, 2, &r, NULL), PARLEY_OK);
    uint32_t ps[16];
    size_t pd[16];
    cr_assert_eq(parley_reach_path(r, 18, ps, pd, 16), 1);
    cr_assert_eq(ps[0], 18);
    cr_assert_eq(pd[0], 2);
    cr_assert(!parley_reach_reached(r, 21));
    cr_assert_eq(parley_reach_path(r, 21, ps, pd, 16), SIZE_MAX);
    bool stable;
    uint32_t to;
    cr_assert_eq(parley_stability_coalition(g, 3, 18, &stable, &to, NULL), PARLEY_OK);
    cr_assert(!stable);
    cr_assert_eq(to, 21);
    cr_assert_eq(parley_stability_coalition(g, 3, 21, &stable, &to, NULL), PARLEY_OK);
    cr_assert(stable);
    parley_reach_free(r);
    parley_stability_free(st);
    parley_graph_free(g);
}

Test(gmcr, options_renumbered_dm_by_dm)
{
    /* the file lists B's option first; gmcr-py numbers A's first */
    const char *text =
        "{\"options\": [{\"name\": \"b\", \"permittedDirection\": \"both\"},"
        " {\"name\": \"a\", \"permittedDirection\": \"fwd\"}],"
        " \"decisionMakers\": [{\"name\": \"A\", \"options\": [1], \"preferences\": [[[1, \"Y\"]]]},"
        " {\"name\": \"B\", \"options\": [0], \"preferences\": [[[0, \"N\"], [1, \"Y\"]]]}],"
        " \"infeasibles\": [[[0, \"Y\"], [1, \"N\"]]]}";
    parley_graph *g = NULL;
    parley_error err;
    cr_assert_eq(parley_gmcr_read_text(text, strlen(text), "t.gmcr", NULL, &g, &err), PARLEY_OK,
                 "%s", err.message);
    cr_assert_str_eq(parley_graph_option_name(g, 0), "a");
    cr_assert_str_eq(parley_graph_option_name(g, 1), "b");
    cr_assert_eq(parley_graph_option_dm(g, 0), 0);
    cr_assert_eq(parley_graph_option_direction(g, 0), PARLEY_DIR_FORWARD);
    /* infeasible: b taken, a not: id 2 */
    cr_assert(!parley_graph_feasible(g, 2));
    cr_assert(parley_graph_feasible(g, 3));
    /* A likes a (bit 0); B likes a without b (id 1) */
    cr_assert_eq(parley_graph_payoff(g, 0, 1), 1.0);
    cr_assert_eq(parley_graph_payoff(g, 1, 1), 1.0);
    cr_assert_eq(parley_graph_payoff(g, 1, 3), 0.0);
    parley_graph_free(g);
}

Test(gmcr, errors)
{
    static const struct {
        const char *text;
        parley_status st;
        unsigned line, col;
        const char *phrase;
    } bad[] = {
        {"{\"options\": [}", PARLEY_ERR_SYNTAX, 1, 14, "unexpected"},
        {"[]", PARLEY_ERR_INVALID, 1, 1, "gmcr-py save file"},
        {"{\"options\": [{\"name\": \"a\", \"permittedDirection\": \"up\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [0]}]}",
         PARLEY_ERR_INVALID, 1, 50, "\"fwd\""},
        {"{\"options\": [{\"name\": \"a\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [3]}]}",
         PARLEY_ERR_INVALID, 2, 47, "option number"},
        {"{\"options\": [{\"name\": \"a\"}, {\"name\": \"b\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [0]}]}",
         PARLEY_ERR_INVALID, 1, 29, "controlled by no decision maker"},
        {"{\"options\": [{\"name\": \"a\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [0],\n"
         "   \"preferences\": [[[0, \"Q\"]]]}]}",
         PARLEY_ERR_INVALID, 3, 21, "\"Y\" or \"N\""},
        {"{\"options\": [{\"name\": \"a\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [0], \"misperceptions\": [[[0, \"Y\"]]]}]}",
         PARLEY_ERR_UNSUPPORTED, 2, 69, "misperceptions"},
        {"{\"useManualPreferenceRanking\": true, \"options\": [{\"name\": \"a\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [0], \"preferenceRanking\": [1]}]}",
         PARLEY_ERR_INVALID, 2, 72, "leaves out the feasible state 2"},
        {"{\"useManualPreferenceRanking\": true, \"options\": [{\"name\": \"a\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [0], \"preferenceRanking\": [1, [2, 1]]}]}",
         PARLEY_ERR_INVALID, 2, 80, "twice"},
        {"{\"options\": [{\"name\": \"a\"}],\n"
         " \"decisionMakers\": [{\"name\": \"A\", \"options\": [0]}],\n"
         " \"infeasibles\": [[[0, \"Y\"]], [[0, \"N\"]]]}",
         PARLEY_ERR_INVALID, 3, 17, "no feasible state"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        parley_graph *g = NULL;
        parley_error err;
        parley_status st = parley_gmcr_read_text(bad[k].text, strlen(bad[k].text), "x.gmcr", NULL,
                                                 &g, &err);
        cr_assert_eq(st, bad[k].st, "case %zu: %s (%s)", k, parley_strerror(st), err.message);
        cr_assert_null(g);
        cr_assert_str_eq(err.file, "x.gmcr");
        cr_assert_eq(err.line, bad[k].line, "case %zu: line %u (%s)", k, err.line, err.message);
        cr_assert_eq(err.column, bad[k].col, "case %zu: column %u (%s)", k, err.column,
                     err.message);
        cr_assert(strstr(err.message, bad[k].phrase), "case %zu: %s", k, err.message);
    }
}

Test(gmcr, allocation_failures)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/elmira.gmcr", PARLEY_SOURCE_DIR);
    for (long n = 1;; n++) {
        counting c = {.fail_at = n};
        parley_allocator al = {counting_alloc, &c};
        parley_graph *g = NULL;
        parley_status st = parley_gmcr_read(path, &al, &g, NULL);
        parley_graph_free(g);
        cr_assert_eq(c.blocks, 0, "allocation %ld: %ld blocks left", n, c.blocks);
        if (st == PARLEY_OK)
            break;
        cr_assert_eq(st, PARLEY_ERR_NOMEM, "allocation %ld: %s", n, parley_strerror(st));
        cr_assert_lt(n, 10000);
    }
}
