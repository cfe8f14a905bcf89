/*
 * bench_negotiate.c -- how fast are negotiation sessions?
 *
 * A generated bilateral scenario of 10^4 outcomes (4 integer issues of 10
 * values; two issues opposed, two shared, random-looking weights from a
 * fixed seed) and time-dependent negotiators.  Three figures:
 *
 *  1. offer rounds per second: one session of R rounds (default 10^6)
 *     between a Boulware (e = 0.2, conceding down to utility 0.9 only) and
 *     a Hardliner (who never concedes): no deal, so every round is played;
 *     a round is one turn of each negotiator (a response to the offer on
 *     the table -- a binary search over its sorted outcomes and a pow() --
 *     and a counter-offer);
 *  2. sessions per second, session reused: parley_session_run on one
 *     session (conceder vs boulware, 100 rounds), new seed each run;
 *  3. sessions per second, from scratch: parley_session_new (enumerate
 *     and sort 10^4 outcomes per negotiator) + set strategies + run +
 *     free.
 *
 * Single thread.  Usage: bench_negotiate [--rounds R] [--sessions S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "parley/negotiation.h"
#include "bench_util.h"

static parley_scenario *generated(void)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    size_t a, b;
    char name[16];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "i%d", i);
        parley_scenario_add_integer(sc, name, 0, 9, 1, NULL, &err);
    }
    parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &a, &err);
    parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &b, &err);
    static const double wa[4] = {0.4, 0.3, 0.2, 0.1}, wb[4] = {0.15, 0.25, 0.35, 0.25};
    for (size_t i = 0; i < 4; i++) {
        parley_party_set_weight(sc, a, i, wa[i]);
        parley_party_set_weight(sc, b, i, wb[i]);
        if (i < 2) { /* opposed */
            parley_party_set_linear(sc, a, i, 0.0, 1.0 / 9.0, 0.0);
            parley_party_set_linear(sc, b, i, 1.0, -1.0 / 9.0, 0.0);
        } else {     /* shared, different curves */
            double x[3] = {0, 5, 9}, ya[3] = {0, 0.8, 1}, yb[3] = {0, 0.3, 1};
            parley_party_set_piecewise(sc, a, i, 3, x, ya);
            parley_party_set_piecewise(sc, b, i, 3, x, yb);
        }
    }
    parley_party_set_reservation(sc, a, 0.2);
    parley_party_set_reservation(sc, b, 0.2);
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "bench_negotiate: %s\n", err.message);
        exit(1);
    }
    return sc;
}

static parley_session *session(const parley_scenario *sc, unsigned long rounds, const char *sa,
                               const char *sb)
{
    parley_error err;
    parley_session_options o;
    parley_session_options_init(&o);
    o.rounds = rounds;
    parley_session *s;
    if (parley_session_new(sc, &o, &s, &err) != PARLEY_OK ||
        parley_session_set_strategy(s, 0, sa, &err) != PARLEY_OK ||
        parley_session_set_strategy(s, 1, sb, &err) != PARLEY_OK) {
        fprintf(stderr, "bench_negotiate: %s\n", err.message);
        exit(1);
    }
    return s;
}

int main(int argc, char **argv)
{
    unsigned long rounds = 1000000, sessions = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--rounds") == 0)
            rounds = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--sessions") == 0)
            sessions = strtoul(argv[i + 1], NULL, 10);
    }
    parley_scenario *sc = generated();
    uint64_t n;
    parley_scenario_outcome_count(sc, &n);
    printf("scenario: %llu outcomes, 2 negotiators\n", (unsigned long long)n);

    parley_error err;
    parley_session_result res;
    /* 1. rounds per second */
    parley_session *s = session(sc, rounds, "boulware:min=0.9", "hardliner");
    double best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = bench_now();
        if (parley_session_run(s, &res, &err) != PARLEY_OK) {
            fprintf(stderr, "bench_negotiate: %s\n", err.message);
            return 1;
        }
        double el = bench_now() - t0;
        if (el < best)
            best = el;
    }
    printf("boulware (min 0.9) vs hardliner: %lu rounds (agreement: %s) in %.3f s: %.3g rounds/s, "
           "%.3g offers/s\n",
           res.rounds, res.agreement ? "yes" : "no", best, (double)res.rounds / best,
           (double)res.offers / best);
    parley_session_free(s);

    /* 2. sessions per second, reused */
    s = session(sc, 100, "conceder", "boulware");
    unsigned long deals = 0, rsum = 0;
    double t0 = bench_now();
    for (unsigned long k = 0; k < sessions * 10; k++) {
        parley_session_reseed(s, k);
        parley_session_run(s, &res, &err);
        deals += res.agreement;
        rsum += res.rounds;
    }
    double el = bench_now() - t0;
    printf("conceder vs boulware, 100 rounds, session reused: %lu sessions in %.3f s: %.3g "
           "sessions/s (deals %lu, mean rounds %.1f)\n",
           sessions * 10, el, (double)(sessions * 10) / el, deals,
           (double)rsum / (double)(sessions * 10));
    parley_session_free(s);

    /* 3. sessions per second, from scratch */
    t0 = bench_now();
    for (unsigned long k = 0; k < sessions; k++) {
        s = session(sc, 100, "conceder", "boulware");
        parley_session_reseed(s, k);
        parley_session_run(s, &res, &err);
        parley_session_free(s);
    }
    el = bench_now() - t0;
    printf("conceder vs boulware, 100 rounds, new session each (enumerate + sort 10^4 "
           "outcomes x 2): %lu sessions in %.3f s: %.3g sessions/s\n",
           sessions, el, (double)sessions / el);
    parley_scenario_free(sc);
    return 0;
}
