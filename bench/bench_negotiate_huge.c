/*
 * bench_negotiate_huge.c -- what a turn costs in a session that does not
 * enumerate its outcome space (issue 16 item 5).
 *
 * Spaces: GENIUS's genius_7issues from the shared data (10^7 outcomes,
 * linear; skipped when absent), and two generated bilateral spaces of 30
 * issues of 10 values (10^30 outcomes): linear, and non-linear with 24
 * interaction terms per party (two-issue equalities, values from -0.2 to
 * 0.4), from a fixed seed.  For each, pairs of time-dependent strategies
 * over a 100-round deadline (boulware vs conceder: a deal late in the
 * session; linear vs hardliner: no deal, every round played), and
 * time-dependent-at-least vs random.  Figures: the time to create the
 * session (the index: value orders, nothing enumerated), and the run time
 * divided by the turns taken (each seat's turn in a round: a response and
 * a counter-offer, each answered through the index and its memo).
 *
 * Single thread.  Usage: bench_negotiate_huge [--rounds R]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "parley/negotiation.h"
#include "bench_util.h"

#define SEVEN "/work/shared/data/genius/genius_7issues"

static unsigned long long xs = 88172645463325252ULL;
static unsigned long long next(void)
{
    xs ^= xs << 13;
    xs ^= xs >> 7;
    xs ^= xs << 17;
    return xs;
}
static double unit(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

static parley_scenario *generated(bool nonlinear)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *labels[10] = {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"};
    char name[16];
    for (int i = 0; i < 30; i++) {
        snprintf(name, sizeof name, "i%d", i);
        parley_scenario_add_discrete(sc, name, 10, labels, NULL, &err);
    }
    for (size_t p = 0; p < 2; p++) {
        parley_scenario_add_party(sc, p ? "B" : "A", PARLEY_ROLE_NEGOTIATOR, NULL, &err);
        parley_party_set_reservation(sc, p, 0.2);
        for (size_t i = 0; i < 30; i++) {
            parley_party_set_weight(sc, p, i, (0.5 + unit()) / 30.0);
            for (size_t k = 0; k < 10; k++)
                parley_party_set_value_eval(sc, p, i, k, unit());
        }
        for (int t = 0; nonlinear && t < 24; t++) {
            char when[64];
            snprintf(when, sizeof when, "i%d == v%d and i%d == v%d", (int)(next() % 30),
                     (int)(next() % 10), (int)(next() % 30), (int)(next() % 10));
            parley_party_add_interaction(sc, p, when, unit() * 0.6 - 0.2, &err);
        }
    }
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "bench_negotiate_huge: %s\n", err.message);
        exit(1);
    }
    return sc;
}

static void measure(const char *label, const parley_scenario *sc, unsigned long rounds)
{
    static const char *const pairs[][2] = {{"boulware", "conceder"},
                                           {"linear", "hardliner"},
                                           {"time-dependent-at-least", "random"}};
    for (size_t c = 0; c < 3; c++) {
        parley_session_options o;
        parley_session_options_init(&o);
        o.rounds = rounds;
        o.seed = 1;
        parley_error err;
        parley_session *s = NULL;
        double t0 = bench_now();
        if (parley_session_new(sc, &o, &s, &err) != PARLEY_OK ||
            parley_session_set_strategy(s, parley_session_seat_party(s, 0), pairs[c][0], &err) !=
                PARLEY_OK ||
            parley_session_set_strategy(s, parley_session_seat_party(s, 1), pairs[c][1], &err) !=
                PARLEY_OK) {
            fprintf(stderr, "bench_negotiate_huge: %s\n", err.message);
            exit(1);
        }
        double t1 = bench_now();
        parley_session_result r;
        if (parley_session_run(s, &r, &err) != PARLEY_OK) {
            fprintf(stderr, "bench_negotiate_huge: %s\n", err.message);
            exit(1);
        }
        double t2 = bench_now();
        /* a second run of the same session: the same queries, a fresh memo */
        parley_session_run(s, &r, &err);
        double t3 = bench_now();
        double turns = (double)r.rounds * 2.0;
        printf("%-24s %-36s %8.2f %6lu %5s %10.1f %10.1f\n", label,
               c == 0 ? "boulware vs conceder" : c == 1 ? "linear vs hardliner"
                                                        : "time-dependent-at-least vs random",
               (t1 - t0) * 1e3, r.rounds, r.agreement ? "yes" : "no", (t2 - t1) / turns * 1e6,
               (t3 - t2) / turns * 1e6);
        parley_session_free(s);
    }
}

int main(int argc, char **argv)
{
    unsigned long rounds = 100;
    for (int i = 1; i + 1 < argc; i += 2)
        if (strcmp(argv[i], "--rounds") == 0)
            rounds = strtoul(argv[i + 1], NULL, 10);
    printf("%-24s %-36s %8s %6s %5s %10s %10s\n", "space", "strategies", "new (ms)", "rounds",
           "deal", "us/turn", "us/turn 2");
    parley_scenario *sc = NULL;
    const char *paths[] = {SEVEN};
    parley_error err;
    if (parley_load(1, paths, NULL, &sc, &err) == PARLEY_OK) {
        measure("genius_7issues (1e7)", sc, rounds);
        parley_scenario_free(sc);
    } else {
        printf("%-24s (absent: %s)\n", "genius_7issues", SEVEN);
    }
    sc = generated(false);
    measure("generated 1e30 linear", sc, rounds);
    parley_scenario_free(sc);
    sc = generated(true);
    measure("generated 1e30 non-linear", sc, rounds);
    parley_scenario_free(sc);
    printf("peak memory: %ld KiB\n", bench_peak_kib());
    return 0;
}
