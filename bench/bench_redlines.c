/*
 * bench_redlines.c -- the red-line diagnosis at scale: generated scenarios
 * of 10^6 to 10^8 outcomes (issues of 10 values), 4 parties and 40 to 60 red
 * lines, with and without a deal.  Prints, per scenario: outcomes,
 * constraints, conflicts, relaxations, wall time and peak memory.
 *
 *   bench_redlines [--quick | --big]
 *
 * --big runs one 10^8-outcome case alone (minutes: each of its many
 * relaxations is analysed in full).
 *
 * The scenarios are generated from a fixed seed, so runs are comparable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "bench_util.h"

static unsigned st;
static unsigned rnd(unsigned n)
{
    st = st * 1103515245u + 12345u;
    return (st >> 16) % n;
}

/* nissues issues of 10 values; 4 parties; nrules red lines spread over the
 * parties.  conflict: add a direct clash between two parties. */
static parley_scenario *generate(unsigned seed, size_t nissues, size_t nrules, bool conflict,
                                 double rv)
{
    st = seed;
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *vals[] = {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"};
    for (size_t i = 0; i < nissues; i++) {
        char name[32];
        snprintf(name, sizeof name, "i%zu", i);
        parley_scenario_add_discrete(sc, name, 10, vals, NULL, NULL);
    }
    const char *parties[] = {"A", "B", "C", "D"};
    for (size_t p = 0; p < 4; p++) {
        parley_scenario_add_party(sc, parties[p], PARLEY_ROLE_NEGOTIATOR, NULL, NULL);
        for (size_t i = 0; i < nissues; i++) {
            parley_party_set_weight(sc, p, i, 1.0 / (double)nissues);
            for (size_t k = 0; k < 10; k++)
                parley_party_set_value_eval(sc, p, i, k, rnd(101) / 100.0);
        }
        parley_party_set_reservation(sc, p, rv);
    }
    for (size_t r = 0; r < nrules; r++) {
        char text[256], name[32];
        size_t i = rnd((unsigned)nissues), j = rnd((unsigned)nissues);
        switch (rnd(4)) {
        case 0:
            snprintf(text, sizeof text, "i%zu != v%u", i, rnd(10));
            break;
        case 1:
            snprintf(text, sizeof text, "i%zu in {v%u, v%u, v%u, v%u, v%u, v%u}", i, rnd(10),
                     rnd(10), rnd(10), rnd(10), rnd(10), rnd(10));
            break;
        case 2:
            snprintf(text, sizeof text, "i%zu == v%u -> i%zu != v%u", i, rnd(10), j, rnd(10));
            break;
        default:
            snprintf(text, sizeof text, "not (i%zu == v%u and i%zu == v%u)", i, rnd(10), j,
                     rnd(10));
        }
        snprintf(name, sizeof name, "r%zu", r);
        parley_party_add_redline(sc, rnd(4), name, text, NULL);
    }
    if (conflict) {
        parley_party_add_redline(sc, 0, "clash-a", "i0 in {v0, v1}", NULL);
        parley_party_add_redline(sc, 1, "clash-b", "i0 in {v2, v3}", NULL);
        parley_party_add_redline(sc, 2, "clash-c", "i1 == v4 or i0 == v2", NULL);
        parley_party_add_redline(sc, 3, "clash-d", "i1 != v4", NULL);
    }
    parley_error err;
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "generate: %s\n", err.message);
        exit(3);
    }
    return sc;
}

static void run(const char *label, parley_scenario *sc)
{
    char cnt[64];
    parley_scenario_outcome_count_text(sc, cnt, sizeof cnt);
    parley_diagnosis_options opt;
    parley_diagnosis_options_init(&opt);
    parley_diagnosis *d = NULL;
    parley_error err;
    double t0 = bench_now();
    parley_status s = parley_diagnose(sc, &opt, &d, &err);
    double t1 = bench_now();
    if (s != PARLEY_OK) {
        printf("%-28s %14s  failed: %s\n", label, cnt, err.message);
        parley_scenario_free(sc);
        return;
    }
    printf("%-28s %14s %6zu %6s %9zu %11zu %9.3f %9ld\n", label, cnt,
           parley_diagnosis_constraint_count(d), parley_diagnosis_deal_exists(d) ? "yes" : "no",
           parley_diagnosis_conflict_count(d), parley_diagnosis_relaxation_count(d), t1 - t0,
           bench_peak_kib() / 1024);
    fflush(stdout);
    parley_diagnosis_free(d);
    parley_scenario_free(sc);
}

int main(int argc, char **argv)
{
    bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    if (argc > 1 && strcmp(argv[1], "--big") == 0) {
        run("8 issues, 40 rules, clash", generate(6, 8, 40, true, 0.35));
        return 0;
    }
    printf("%-28s %14s %6s %6s %9s %11s %9s %9s\n", "scenario", "outcomes", "limits", "deal",
           "conflicts", "relaxations", "wall s", "peak MiB");
    run("6 issues, 40 rules", generate(1, 6, 40, false, 0.3));
    run("6 issues, 40 rules, clash", generate(2, 6, 40, true, 0.3));
    run("7 issues, 40 rules", generate(3, 7, 40, false, 0.35));
    run("7 issues, 40 rules, clash", generate(4, 7, 40, true, 0.35));
    if (!quick)
        run("7 issues, 60 rules, clash", generate(5, 7, 60, true, 0.4));
    return 0;
}
