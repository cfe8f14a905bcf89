/*
 * test_stability_scenario.c -- a graph model from a parley scenario (the
 * native `stability:` section, src/stability/moves.c), checked against the
 * scenario itself:
 *  - the Abu Dhabi example: every feasible state decodes to a distinct
 *    outcome of the scenario, and back; the payoffs are the utilities
 *    (lowered by 2 where a party's red lines break or its reservation is
 *    not met), from parley_utility on the outcome;
 *  - Nash stability of every state and DM by brute force over the
 *    outcomes: a party is Nash-unstable where changing only the issues it
 *    moves gives it a better payoff (no graph involved);
 *  - fixed red lines remove exactly the outcomes that break them; the
 *    issues nobody moves stay at their status quo;
 *  - errors in the section: file:line:column and what is wrong.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "parley/parley.h"

static const char *abu(void)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/examples/abu-dhabi-2026.yaml", PARLEY_SOURCE_DIR);
    return path;
}

static double payoff_of(const parley_scenario *sc, size_t p, const uint32_t *o)
{
    double u = parley_utility(sc, p, o);
    if (!parley_redlines_hold(sc, p, o) || u < parley_party_reservation(sc, p))
        u -= 2.0;
    return u;
}

Test(stability_scenario, abu_dhabi_against_outcomes)
{
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read_file(abu(), NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    parley_moves *mv = NULL;
    cr_assert_eq(parley_moves_read_file(abu(), sc, NULL, &mv, &err), PARLEY_OK, "%s", err.message);
    parley_graph *g = NULL;
    cr_assert_eq(parley_graph_from_scenario(mv, &g, &err), PARLEY_OK, "%s", err.message);
    size_t ni = parley_issue_count(sc), np = parley_party_count(sc);
    /* 810 outcomes, and as many vetoed states (the electorate's veto) */
    cr_assert_eq(parley_graph_feasible_count(g), 2 * 810);
    /* DMs: the movers and the electorate (its veto) in party order */
    size_t dmparty[8], nd = 0, elect = SIZE_MAX;
    cr_assert_eq(parley_scenario_find_party(sc, "Ukrainian electorate", &elect), PARLEY_OK);
    for (size_t p = 0; p < np; p++) {
        bool moves = p == elect;
        for (size_t i = 0; i < ni; i++)
            moves = moves || (parley_moves_mover(mv, i) == p && parley_issue_value_count(sc, i) > 1);
        if (moves)
            dmparty[nd++] = p;
    }
    uint32_t sqo[16];
    cr_assert(parley_moves_status_quo(mv, sqo));
    cr_assert_eq(parley_graph_dm_count(g), nd);
    parley_stability *st;
    cr_assert_eq(parley_stability_analyze(g, 2, &st, NULL), PARLEY_OK);
    uint32_t o[16], o2[16], back;
    size_t seen = 0, vetoed = 0;
    for (uint32_t s = 0; s < parley_graph_state_count(g); s++) {
        if (!parley_graph_feasible(g, s))
            continue;
        parley_moves_outcome(mv, s, o);
        if (parley_moves_vetoed_by(mv, s) != SIZE_MAX) {
            /* vetoed: the status quo, for everyone */
            cr_assert_eq(parley_moves_vetoed_by(mv, s), elect);
            cr_assert_eq(memcmp(o, sqo, ni * sizeof *o), 0);
            for (size_t d = 0; d < nd; d++)
                cr_assert_eq(parley_graph_payoff(g, d, s), payoff_of(sc, dmparty[d], sqo));
            vetoed++;
            continue;
        }
        seen++;
        cr_assert(parley_moves_state(mv, o, &back));
        cr_assert_eq(back, s);
        for (size_t d = 0; d < nd; d++) {
            size_t p = dmparty[d];
            cr_assert_str_eq(parley_graph_dm_name(g, d), parley_party_name(sc, p));
            double ps = payoff_of(sc, p, o);
            cr_assert_eq(parley_graph_payoff(g, d, s), ps);
            /* brute force: every outcome that differs only on p's issues */
            bool better = false;
            uint64_t total = 1;
            for (size_t i = 0; i < ni; i++)
                total *= parley_moves_mover(mv, i) == p ? parley_issue_value_count(sc, i) : 1;
            if (p == elect && payoff_of(sc, p, sqo) > ps)
                better = true; /* its veto: back to the status quo */
            for (uint64_t k = 0; k < total && !better; k++) {
                uint64_t r = k;
                for (size_t i = 0; i < ni; i++) {
                    o2[i] = o[i];
                    if (parley_moves_mover(mv, i) == p) {
                        size_t n = parley_issue_value_count(sc, i);
                        o2[i] = (uint32_t)(r % n);
                        r /= n;
                    }
                }
                if (payoff_of(sc, p, o2) > ps)
                    better = true;
            }
            cr_assert_eq(parley_stability_stable(st, d, PARLEY_CONCEPT_NASH, s), !better,
                         "state %u, %s", s, parley_party_name(sc, p));
        }
    }
    cr_assert_eq(seen, 810);
    cr_assert_eq(vetoed, 810);
    /* the status quo of the section */
    cr_assert(parley_moves_status_quo(mv, o));
    cr_assert(parley_moves_state(mv, o, &back));
    cr_assert_eq(back, 32);
    parley_stability_free(st);
    parley_graph_free(g);
    parley_moves_free(mv);
    parley_scenario_free(sc);
}

static void write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *base =
    "parley: 1\n"
    "issues:\n"
    "  a: {values: [x, y, z]}\n"
    "  b: {values: [p, q]}\n"
    "  c: {values: [u, v]}\n"
    "parties:\n"
    "  P:\n"
    "    utility:\n"
    "      a: {weight: 0.5, values: {x: 0, y: 0.5, z: 1}}\n"
    "      b: {weight: 0.5, values: {p: 1, q: 0}}\n"
    "    red-lines:\n"
    "      no-z: a != z\n"
    "  Q:\n"
    "    utility:\n"
    "      b: {weight: 1, values: {p: 0, q: 1}}\n";

Test(stability_scenario, fixed_redlines_and_status_quo)
{
    char dir[512], path[600];
    tmpdir_make(dir, sizeof dir, "stab");
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    char text[2048];
    snprintf(text, sizeof text, "%sstability:\n  moves: {P: [a], Q: [b]}\n"
             "  status-quo: {c: v}\n  fixed: [P:no-z]\n", base);
    write(path, text);
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read_file(path, NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    parley_moves *mv = NULL;
    cr_assert_eq(parley_moves_read_file(path, sc, NULL, &mv, &err), PARLEY_OK, "%s", err.message);
    parley_graph *g = NULL;
    cr_assert_eq(parley_graph_from_scenario(mv, &g, &err), PARLEY_OK, "%s", err.message);
    /* a: 2 bits (x, y; z fixed out; code 3 unused), b: 1 bit: 4 feasible */
    cr_assert_eq(parley_graph_option_count(g), 3);
    cr_assert_eq(parley_graph_feasible_count(g), 4);
    cr_assert(!parley_graph_feasible(g, 2)); /* a = z */
    cr_assert(!parley_graph_feasible(g, 3)); /* code 3 */
    uint32_t o[3];
    parley_moves_outcome(mv, 5, o); /* a = y, b = q */
    cr_assert_eq(o[0], 1);
    cr_assert_eq(o[1], 1);
    cr_assert_eq(o[2], 1); /* c at its status quo v */
    uint32_t s, other[3] = {1, 1, 0};
    cr_assert(!parley_moves_state(mv, other, &s)); /* c off its status quo */
    parley_stability *st;
    cr_assert_eq(parley_stability_analyze(g, 1, &st, NULL), PARLEY_OK);
    /* P wants y over x and p; Q wants q: Nash at a=y, b=q (5) */
    uint32_t ids[4];
    cr_assert_eq(parley_stability_equilibria(st, PARLEY_CONCEPT_NASH, ids, 4), 1);
    cr_assert_eq(ids[0], 5);
    parley_stability_free(st);
    parley_graph_free(g);
    parley_moves_free(mv);
    /* no status quo for c: an error that says so */
    snprintf(text, sizeof text, "%sstability:\n  moves: {P: [a], Q: [b]}\n", base);
    write(path, text);
    cr_assert_eq(parley_moves_read_file(path, sc, NULL, &mv, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_graph_from_scenario(mv, &g, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "issue 'c' is moved by no party"), "%s", err.message);
    parley_moves_free(mv);
    parley_scenario_free(sc);
    tmpdir_remove(dir);
}

Test(stability_scenario, section_errors)
{
    static const struct {
        const char *section;
        unsigned line, col;
        const char *phrase;
    } bad[] = {
        {"stability:\n  moves: {R: [a]}\n", 17, 11, "`R` is not a party"},
        {"stability:\n  moves: {P: [d]}\n", 17, 15, "expected an issue"},
        {"stability:\n  moves: {P: [a], Q: [a]}\n", 17, 23, "already moved by 'P'"},
        {"stability:\n  status-quo: {a: x}\n", 17, 3, "needs `moves:`"},
        {"stability:\n  moves: {P: [a]}\n  status-quo: {a: w}\n", 18, 19, "expected a value"},
        {"stability:\n  moves: {P: [a]}\n  fixed: [P:none]\n", 18, 11, "PARTY:RED-LINE"},
        {"stability:\n  moves: {P: [a]}\n  extra: 1\n", 18, 3, "unknown key"},
    };
    char dir[512], path[600], text[2048];
    tmpdir_make(dir, sizeof dir, "stab");
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        snprintf(text, sizeof text, "%s%s", base, bad[k].section);
        write(path, text);
        /* the scenario's reader checks the section (every command refuses
         * the file), and the section's reader gives the same error */
        parley_scenario *sc = NULL, *base_sc = NULL;
        parley_error err;
        cr_assert_neq(parley_native_read_file(path, NULL, &sc, &err), PARLEY_OK, "case %zu", k);
        cr_assert_null(sc);
        cr_assert_eq(err.line, bad[k].line, "case %zu: line %u: %s", k, err.line, err.message);
        cr_assert_eq(err.column, bad[k].col, "case %zu: column %u: %s", k, err.column,
                     err.message);
        cr_assert(strstr(err.message, bad[k].phrase), "case %zu: %s", k, err.message);
        cr_assert_eq(parley_native_read(base, strlen(base), "base", NULL, &base_sc, &err),
                     PARLEY_OK, "%s", err.message);
        parley_moves *mv = NULL;
        parley_status st = parley_moves_read_file(path, base_sc, NULL, &mv, &err);
        cr_assert_neq(st, PARLEY_OK, "case %zu", k);
        cr_assert_null(mv);
        cr_assert_eq(err.line, bad[k].line, "case %zu: line %u: %s", k, err.line, err.message);
        cr_assert_eq(err.column, bad[k].col, "case %zu: column %u", k, err.column);
        cr_assert(strstr(err.message, bad[k].phrase), "case %zu: %s", k, err.message);
        parley_scenario_free(base_sc);
    }
    tmpdir_remove(dir);
}
