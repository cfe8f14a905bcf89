/*
 * test_negotiation.c -- negotiation sessions: protocol invariants on many
 * random scenarios, the known behaviour of each strategy, seeded
 * determinism, discounting, the quality measures, and errors.
 *
 * The checks are independent of the engine's internals: every event is
 * recorded through the public trace callback, and each party's utility,
 * reservation value and red lines come from the public scenario API
 * (parley_utility, parley_redlines_hold), never from the session.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "parley/negotiation.h"
#include "helpers/helpers.h"

/* ------------------------------------------------------- random scenarios */

static rng rs; /* the tests' generator (helpers.h), seeded by each test */
static uint32_t rndn(uint32_t n)
{
    return rng_u32(&rs) % n;
}

/* nneg negotiators, optionally a ratifier and a mediator (who has no
 * preferences), 2-4 discrete issues of 2-5 values, weights 0.1 to 0.9,
 * reservation values 0 to 0.4; optionally discounts 0.5 to 0.9 for half the
 * parties and the red line i0 != v1 for P0. */
static parley_scenario *random_scenario_of(size_t nneg, bool ratifier, bool mediator,
                                           bool redlines, bool discount)
{
    static const double rvs[] = {0.0, 0.1, 0.2, 0.3, 0.4};
    random_spec spec = {
        .issues_min = 2,
        .issues_max = 4,
        .values_min = 2,
        .values_max = 5,
        .negotiators = nneg,
        .ratifiers = ratifier,
        .mediators = mediator,
        .bare_one_in = 1,
        .weight_tenths_min = 1,
        .weight_tenths_max = 9,
        .reservations = rvs,
        .nreservations = 5,
        .discount_one_in = discount ? 2 : 0,
        .discount_tenths_min = 5,
        .discount_tenths_max = 9,
        .fixed_redline = redlines ? "i0 != v1" : NULL,
    };
    return random_scenario(&rs, &spec, NULL);
}

/* ------------------------------------------------------- event recorder */

typedef struct rec_event {
    parley_trace_kind kind;
    unsigned long round;
    double t;
    size_t party;
    bool has;
    uint64_t id;
    uint32_t o[8];
    bool accepted;
} rec_event;

typedef struct recorder {
    rec_event *ev;
    size_t n, cap;
    uint64_t hash;
} recorder;

static void on_ev(void *ud, const parley_trace_event *e)
{
    recorder *r = ud;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
        cr_assert_not_null(r->ev);
    }
    rec_event *x = &r->ev[r->n++];
    memset(x, 0, sizeof *x);
    x->kind = e->kind;
    x->round = e->round;
    x->t = e->t;
    x->party = e->party;
    x->has = e->has_outcome;
    x->id = e->outcome_id;
    x->accepted = e->accepted;
    uint64_t h = r->hash ^ ((uint64_t)e->kind * 31 + e->round * 1009 + e->outcome_id * 7919 +
                            (e->party == SIZE_MAX ? 99 : e->party) + (e->accepted ? 17 : 0));
    double t = e->t;
    uint64_t tb;
    memcpy(&tb, &t, sizeof tb);
    r->hash = (h ^ tb) * 0x100000001B3ULL;
}

static void rec_free(recorder *r)
{
    free(r->ev);
    memset(r, 0, sizeof *r);
}

static void decode(const parley_scenario *sc, uint64_t id, uint32_t *v)
{
    for (size_t i = parley_issue_count(sc); i-- > 0;) {
        size_t n = parley_issue_value_count(sc, i);
        v[i] = (uint32_t)(id % n);
        id /= n;
    }
}

static bool party_accepts(const parley_scenario *sc, size_t p, uint64_t id)
{
    uint32_t v[8];
    decode(sc, id, v);
    return parley_utility(sc, p, v) >= parley_party_reservation(sc, p) &&
           parley_redlines_hold(sc, p, v);
}

static const char *const sao_strategies[] = {
    "boulware", "linear", "conceder", "hardliner", "time-dependent:e=0.5,k=0.1",
    "tit-for-tat", "tit-for-tat:kindness=0.02", "nice-tit-for-tat", "random",
    "random:accept=0.5,end=0.01", "frequency-nash", "micro"};
#define NSAO (sizeof sao_strategies / sizeof sao_strategies[0])

static parley_session *make(const parley_scenario *sc, parley_protocol proto, unsigned long R,
                            uint64_t seed, const char *const *specs)
{
    parley_error err;
    parley_session_options o;
    parley_session_options_init(&o);
    o.protocol = proto;
    o.rounds = R;
    o.seed = seed;
    parley_session *s;
    cr_assert_eq(parley_session_new(sc, &o, &s, &err), PARLEY_OK, "%s", err.message);
    for (size_t k = 0; specs && k < parley_session_seats(s); k++)
        if (specs[k])
            cr_assert_eq(parley_session_set_strategy(s, parley_session_seat_party(s, k), specs[k],
                                                     &err),
                         PARLEY_OK, "%s: %s", specs[k], err.message);
    return s;
}

/* ------------------------------------------------------- SAO invariants */

/* Checks one SAO run against the recorded events. */
static void check_sao(const parley_scenario *sc, parley_session *s, const recorder *r,
                      const parley_session_result *res, unsigned long R)
{
    size_t seats = parley_session_seats(s);
    bool have = false;
    uint64_t cur = 0;
    size_t accepts = 0, turn = 0;
    size_t last_offerer = SIZE_MAX;
    bool agreed = false;
    uint64_t agreed_id = 0;
    for (size_t i = 0; i < r->n; i++) {
        const rec_event *e = &r->ev[i];
        cr_assert_leq(e->round, R, "an event after the deadline");
        cr_assert(e->t >= 0 && e->t <= 1);
        if (e->kind == PARLEY_TRACE_OFFER) {
            /* turns go round the table in seat order */
            cr_assert_eq(e->party, parley_session_seat_party(s, turn % seats));
            turn++;
            have = true;
            cur = e->id;
            accepts = 0;
            last_offerer = e->party;
            /* built-ins never offer what they would not accept themselves */
            cr_assert(party_accepts(sc, e->party, e->id), "offer below own reservation");
        } else if (e->kind == PARLEY_TRACE_ACCEPT) {
            cr_assert(have, "an acceptance with no offer on the table");
            cr_assert_eq(e->id, cur);
            cr_assert_eq(e->party, parley_session_seat_party(s, turn % seats));
            cr_assert_neq(e->party, last_offerer);
            turn++;
            accepts++;
            cr_assert(party_accepts(sc, e->party, e->id),
                      "a negotiator accepted below its reservation value or past a red line");
        } else if (e->kind == PARLEY_TRACE_AGREEMENT) {
            cr_assert_eq(accepts, seats - 1, "a deal without every other party's acceptance");
            cr_assert_eq(e->id, cur);
            agreed = true;
            agreed_id = e->id;
        } else if (e->kind == PARLEY_TRACE_END) {
            turn++;
        }
    }
    cr_assert_eq(agreed, res->talks_agreed);
    if (res->agreement)
        cr_assert_eq(res->outcome_id, agreed_id);
    cr_assert_leq(res->rounds, R);
    if (!res->talks_agreed && !res->walked_away)
        cr_assert_eq(res->rounds, R, "no deal and no walk-away: the deadline must be reached");
}

Test(negotiation, sao_invariants_random)
{
    rs.s = 0x1234567;
    for (int it = 0; it < 120; it++) {
        size_t nneg = 2 + rndn(3);
        parley_scenario *sc = random_scenario_of(nneg, rndn(2), false, rndn(3) == 0, rndn(2));
        const char *specs[4];
        for (size_t k = 0; k < nneg; k++)
            specs[k] = sao_strategies[rndn(NSAO)];
        unsigned long R = 1 + rndn(60);
        parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, R, rng_u32(&rs), specs);
        recorder r = {0};
        parley_session_set_trace(s, on_ev, &r);
        parley_session_result res;
        parley_error err;
        cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
        check_sao(sc, s, &r, &res, R);
        /* ratification: a deal stands only if every ratifier accepts it */
        if (res.talks_agreed) {
            uint64_t deal = 0;
            for (size_t i = 0; i < r.n; i++)
                if (r.ev[i].kind == PARLEY_TRACE_AGREEMENT)
                    deal = r.ev[i].id;
            bool all = true;
            for (size_t p = 0; p < parley_party_count(sc); p++)
                if (parley_party_role(sc, p) == PARLEY_ROLE_RATIFIER)
                    all = all && party_accepts(sc, p, deal);
            cr_assert_eq(res.agreement, all);
            cr_assert_eq(res.vetoed, !all);
        } else {
            cr_assert(!res.agreement && !res.vetoed);
        }
        /* utilities: u * d^t, or rv * d^t without a deal */
        for (size_t p = 0; p < parley_party_count(sc); p++) {
            double u = res.agreement ? parley_utility(sc, p, res.outcome)
                                     : parley_party_reservation(sc, p);
            double d = parley_party_discount(sc, p);
            cr_assert_eq(res.utility[p], u);
            cr_assert_float_eq(res.discounted[p], u * pow(d, res.t), 1e-12);
        }
        rec_free(&r);
        parley_session_free(s);
        parley_scenario_free(sc);
    }
}

/* ------------------------------------------------------- determinism */

static uint64_t run_hash(const parley_scenario *sc, parley_protocol proto, const char *const *specs,
                         uint64_t seed, unsigned long R)
{
    parley_session *s = make(sc, proto, R, seed, specs);
    recorder r = {0};
    parley_session_set_trace(s, on_ev, &r);
    parley_session_result res;
    cr_assert_eq(parley_session_run(s, &res, NULL), PARLEY_OK);
    uint64_t h = r.hash ^ (uint64_t)r.n;
    rec_free(&r);
    parley_session_free(s);
    return h;
}

Test(negotiation, seeded_determinism)
{
    rs.s = 99;
    for (int it = 0; it < 20; it++) {
        parley_scenario *sc = random_scenario_of(2 + rndn(2), false, true, false, true);
        const char *specs[3] = {"random", "random:accept=0.05", "micro"};
        uint64_t seed = rng_u32(&rs);
        uint64_t a = run_hash(sc, PARLEY_PROTOCOL_SAO, specs, seed, 50);
        uint64_t b = run_hash(sc, PARLEY_PROTOCOL_SAO, specs, seed, 50);
        cr_assert_eq(a, b, "the same seed must give the same session");
        a = run_hash(sc, PARLEY_PROTOCOL_MEDIATED, NULL, seed, 40);
        b = run_hash(sc, PARLEY_PROTOCOL_MEDIATED, NULL, seed, 40);
        cr_assert_eq(a, b, "the same seed must give the same mediated session");
        parley_scenario_free(sc);
    }
    /* and different seeds give different random sessions (on a space big
     * enough for random offers to differ) */
    rs.s = 7;
    parley_scenario *sc = random_scenario_of(2, false, false, false, false);
    const char *specs[2] = {"random:accept=0", "random:accept=0"};
    cr_assert_neq(run_hash(sc, PARLEY_PROTOCOL_SAO, specs, 1, 30),
                  run_hash(sc, PARLEY_PROTOCOL_SAO, specs, 2, 30));
    /* a session run twice gives the same events */
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 30, 5, specs);
    recorder r1 = {0}, r2 = {0};
    parley_session_result res;
    parley_session_set_trace(s, on_ev, &r1);
    parley_session_run(s, &res, NULL);
    parley_session_set_trace(s, on_ev, &r2);
    parley_session_run(s, &res, NULL);
    cr_assert_eq(r1.hash, r2.hash);
    cr_assert_eq(r1.n, r2.n);
    rec_free(&r1);
    rec_free(&r2);
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* ------------------------------------------------------- strategies */

/* A bilateral scenario: 3 issues x 5 values, opposed preferences, so the
 * time-dependent strategies have something to concede. */
static parley_scenario *opposed(double rv)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *vals[5] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 3; i++) {
        char name[8];
        snprintf(name, sizeof name, "x%d", i);
        parley_scenario_add_discrete(sc, name, 5, vals, NULL, &err);
    }
    size_t a, b;
    parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &a, &err);
    parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &b, &err);
    const double wa[3] = {0.5, 0.3, 0.2}, wb[3] = {0.2, 0.3, 0.5};
    for (size_t i = 0; i < 3; i++) {
        parley_party_set_weight(sc, a, i, wa[i]);
        parley_party_set_weight(sc, b, i, wb[i]);
        for (size_t k = 0; k < 5; k++) {
            parley_party_set_value_eval(sc, a, i, k, (double)k / 4.0);
            parley_party_set_value_eval(sc, b, i, k, (double)(4 - k) / 4.0);
        }
    }
    parley_party_set_reservation(sc, a, rv);
    parley_party_set_reservation(sc, b, rv);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK);
    return sc;
}

static double util_id(const parley_scenario *sc, size_t p, uint64_t id)
{
    uint32_t v[8];
    decode(sc, id, v);
    return parley_utility(sc, p, v);
}

Test(negotiation, hardliner_never_concedes)
{
    parley_scenario *sc = opposed(0.1);
    const char *specs[2] = {"hardliner", "conceder"};
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 80, 1, specs);
    recorder r = {0};
    parley_session_set_trace(s, on_ev, &r);
    parley_session_result res;
    parley_session_run(s, &res, NULL);
    size_t offers = 0;
    for (size_t i = 0; i < r.n; i++)
        if (r.ev[i].kind == PARLEY_TRACE_OFFER && r.ev[i].party == 0) {
            cr_assert_eq(util_id(sc, 0, r.ev[i].id), 1.0, "the hardliner conceded");
            offers++;
        }
    cr_assert_gt(offers, 0);
    /* while the conceder moves towards it: its last offer is better for A
     * than its first */
    double first = -1, last = -1;
    for (size_t i = 0; i < r.n; i++)
        if (r.ev[i].kind == PARLEY_TRACE_OFFER && r.ev[i].party == 1) {
            if (first < 0)
                first = util_id(sc, 0, r.ev[i].id);
            last = util_id(sc, 0, r.ev[i].id);
        }
    cr_assert_gt(last, first);
    cr_assert(!res.agreement); /* A's best is worth 0 to B, below what B asks */
    rec_free(&r);
    parley_session_free(s);
    /* two hardliners with opposed interests never agree */
    const char *hh[2] = {"hardliner", "hardliner"};
    s = make(sc, PARLEY_PROTOCOL_SAO, 50, 1, hh);
    parley_session_run(s, &res, NULL);
    cr_assert(!res.agreement);
    cr_assert_eq(res.rounds, 50);
    parley_session_free(s);
    parley_scenario_free(sc);
}

Test(negotiation, conceders_agree_early_boulwares_late)
{
    parley_scenario *sc = opposed(0.0);
    const char *cc[2] = {"conceder", "conceder"}, *bb[2] = {"boulware", "boulware"},
               *ll[2] = {"linear", "linear"};
    parley_session_result rc, rb, rl;
    parley_session *s1 = make(sc, PARLEY_PROTOCOL_SAO, 100, 1, cc);
    parley_session *s2 = make(sc, PARLEY_PROTOCOL_SAO, 100, 1, bb);
    parley_session *s3 = make(sc, PARLEY_PROTOCOL_SAO, 100, 1, ll);
    parley_session_run(s1, &rc, NULL);
    parley_session_run(s2, &rb, NULL);
    parley_session_run(s3, &rl, NULL);
    cr_assert(rc.agreement && rb.agreement && rl.agreement);
    cr_assert_lt(rc.rounds, rl.rounds, "conceders %lu, linear %lu", rc.rounds, rl.rounds);
    cr_assert_lt(rl.rounds, rb.rounds, "linear %lu, boulware %lu", rl.rounds, rb.rounds);
    cr_assert_leq(rc.rounds, 35, "two conceders should agree early, took %lu", rc.rounds);
    cr_assert_geq(rb.rounds, 70, "two boulwares should agree late, took %lu", rb.rounds);
    parley_session_free(s1);
    parley_session_free(s2);
    parley_session_free(s3);
    parley_scenario_free(sc);
}

/* Every offer of a time-dependent agent is, by brute force over all
 * outcomes, the worst outcome whose utility is at least GENIUS's target
 * p(t) = Pmin + (Pmax - Pmin)(1 - (k + (1 - k) t^(1/e))). */
Test(negotiation, time_dependent_follows_the_formula)
{
    parley_scenario *sc = opposed(0.2);
    static const double es[] = {0.2, 1.0, 2.0, 0.5};
    for (size_t ei = 0; ei < 4; ei++) {
        char spec[64];
        snprintf(spec, sizeof spec, "time-dependent:e=%g,k=0.05", es[ei]);
        const char *specs[2] = {spec, "hardliner"};
        unsigned long R = 40;
        parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, R, 3, specs);
        recorder r = {0};
        parley_session_set_trace(s, on_ev, &r);
        parley_session_result res;
        parley_session_run(s, &res, NULL);
        uint64_t n;
        parley_scenario_outcome_count(sc, &n);
        double pmax = 0, pmin = 2;
        for (uint64_t id = 0; id < n; id++) {
            double u = util_id(sc, 0, id);
            if (u >= 0.2) {
                pmax = fmax(pmax, u);
                pmin = fmin(pmin, u);
            }
        }
        size_t checked = 0;
        for (size_t i = 0; i < r.n; i++) {
            if (r.ev[i].kind != PARLEY_TRACE_OFFER || r.ev[i].party != 0)
                continue;
            double t = (double)r.ev[i].round / (double)(R + 1);
            cr_assert_eq(r.ev[i].t, t);
            double f = 0.05 + 0.95 * pow(t, 1.0 / es[ei]);
            double p = pmin + (pmax - pmin) * (1 - f);
            double want = 2;
            for (uint64_t id = 0; id < n; id++) {
                double u = util_id(sc, 0, id);
                if (u >= p && u >= 0.2 && u < want)
                    want = u;
            }
            cr_assert_eq(util_id(sc, 0, r.ev[i].id), want, "e=%g round %lu", es[ei],
                         r.ev[i].round);
            checked++;
        }
        cr_assert_gt(checked, 0);
        rec_free(&r);
        parley_session_free(s);
    }
    parley_scenario_free(sc);
}

/* MiCRO concedes (offers a new outcome) only when it has received at
 * least as many distinct offers as it has sent, and in order of its own
 * utility. */
Test(negotiation, micro_concedes_only_in_step)
{
    rs.s = 4242;
    for (int it = 0; it < 20; it++) {
        parley_scenario *sc = random_scenario_of(2, false, false, false, false);
        const char *specs[2] = {"micro", sao_strategies[rndn(NSAO)]};
        parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 60, rng_u32(&rs), specs);
        recorder r = {0};
        parley_session_set_trace(s, on_ev, &r);
        parley_session_result res;
        parley_session_run(s, &res, NULL);
        uint64_t sent[512], recv[512];
        size_t ns = 0, nr = 0;
        double last_new = 2;
        for (size_t i = 0; i < r.n; i++) {
            const rec_event *e = &r.ev[i];
            if (e->kind != PARLEY_TRACE_OFFER)
                continue;
            bool seen = false;
            if (e->party == 0) {
                for (size_t k = 0; k < ns; k++)
                    seen = seen || sent[k] == e->id;
                if (!seen) {
                    cr_assert_leq(ns, nr, "MiCRO conceded without a concession in return");
                    double u = util_id(sc, 0, e->id);
                    cr_assert_leq(u, last_new);
                    last_new = u;
                    sent[ns++] = e->id;
                }
            } else {
                for (size_t k = 0; k < nr; k++)
                    seen = seen || recv[k] == e->id;
                if (!seen)
                    recv[nr++] = e->id;
            }
        }
        rec_free(&r);
        parley_session_free(s);
        parley_scenario_free(sc);
    }
}

/* Naive tit-for-tat against a hardliner never moves (the hardliner never
 * concedes); against a conceder it concedes. */
Test(negotiation, tit_for_tat_mirrors)
{
    parley_scenario *sc = opposed(0.0);
    const char *specs[2] = {"tit-for-tat", "hardliner"};
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 50, 1, specs);
    recorder r = {0};
    parley_session_set_trace(s, on_ev, &r);
    parley_session_result res;
    parley_session_run(s, &res, NULL);
    cr_assert(!res.agreement);
    for (size_t i = 0; i < r.n; i++)
        if (r.ev[i].kind == PARLEY_TRACE_OFFER && r.ev[i].party == 0)
            cr_assert_eq(util_id(sc, 0, r.ev[i].id), 1.0);
    rec_free(&r);
    parley_session_free(s);
    const char *sp2[2] = {"tit-for-tat", "conceder"};
    s = make(sc, PARLEY_PROTOCOL_SAO, 50, 1, sp2);
    r = (recorder){0};
    parley_session_set_trace(s, on_ev, &r);
    parley_session_run(s, &res, NULL);
    double lowest = 2;
    for (size_t i = 0; i < r.n; i++)
        if (r.ev[i].kind == PARLEY_TRACE_OFFER && r.ev[i].party == 0)
            lowest = fmin(lowest, util_id(sc, 0, r.ev[i].id));
    cr_assert_lt(lowest, 1.0, "tit-for-tat should answer concessions with concessions");
    rec_free(&r);
    parley_session_free(s);
    parley_scenario_free(sc);
}

Test(negotiation, every_strategy_reaches_deals_against_a_conceder)
{
    parley_scenario *sc = opposed(0.1);
    for (size_t k = 0; k < NSAO; k++) {
        if (strcmp(sao_strategies[k], "hardliner") == 0)
            continue;
        int deals = 0;
        for (uint64_t seed = 0; seed < 5; seed++) {
            const char *specs[2] = {sao_strategies[k], "conceder"};
            parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 200, seed, specs);
            parley_session_result res;
            cr_assert_eq(parley_session_run(s, &res, NULL), PARLEY_OK);
            deals += res.agreement;
            parley_session_free(s);
        }
        cr_assert_gt(deals, 0, "%s never agreed with a conceder", sao_strategies[k]);
    }
    parley_scenario_free(sc);
}

/* ------------------------------------------------------- mediated */

Test(negotiation, mediated_invariants)
{
    rs.s = 777;
    static const char *const methods[] = {"hill-climbing", "annealing", "neighbours"};
    for (int it = 0; it < 60; it++) {
        size_t nneg = 1 + rndn(3);
        parley_scenario *sc = random_scenario_of(nneg, rndn(2), true, rndn(3) == 0, false);
        unsigned long R = 5 + rndn(80);
        parley_session *s = make(sc, PARLEY_PROTOCOL_MEDIATED, R, rng_u32(&rs), NULL);
        parley_error err;
        size_t med = parley_party_count(sc) - 1;
        cr_assert_eq(parley_session_set_strategy(s, med, methods[it % 3], &err), PARLEY_OK, "%s",
                     err.message);
        recorder r = {0};
        parley_session_set_trace(s, on_ev, &r);
        parley_session_result res;
        cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
        bool standing = false;
        uint64_t st = 0, text = 0;
        size_t yes = 0;
        double u_last[4] = {0, 0, 0, 0};
        for (size_t i = 0; i < r.n; i++) {
            const rec_event *e = &r.ev[i];
            cr_assert_leq(e->round, R);
            if (e->kind == PARLEY_TRACE_TEXT) {
                text = e->id;
                yes = 0;
                cr_assert_eq(e->party, med);
            } else if (e->kind == PARLEY_TRACE_VOTE) {
                cr_assert_eq(e->id, text);
                if (e->accepted) {
                    yes++;
                    cr_assert(party_accepts(sc, e->party, text),
                              "a voter accepted below its reservation value");
                    if (it % 3 != 1) /* hill climbers never accept a worse text */
                        cr_assert_geq(util_id(sc, e->party, text), u_last[e->party]);
                }
            } else if (e->kind == PARLEY_TRACE_TEXT_RESULT) {
                cr_assert_eq(e->accepted, yes == nneg, "a text stands only when all accept");
                if (e->accepted) {
                    standing = true;
                    st = text;
                    for (size_t p = 0; p < nneg; p++)
                        u_last[p] = util_id(sc, p, text);
                }
            }
        }
        cr_assert_eq(res.talks_agreed, standing);
        if (res.agreement)
            cr_assert_eq(res.outcome_id, st);
        rec_free(&r);
        parley_session_free(s);
        parley_scenario_free(sc);
    }
}

/* ------------------------------------------------------- ratification */

Test(negotiation, ratifier_vetoes)
{
    parley_error err;
    parley_scenario *sc = opposed(0.0);
    parley_scenario *sc2;
    cr_assert_eq(parley_scenario_clone(sc, &sc2, &err), PARLEY_OK);
    size_t r;
    cr_assert_eq(parley_scenario_add_party(sc2, "R", PARLEY_ROLE_RATIFIER, &r, &err), PARLEY_OK);
    parley_party_set_weight(sc2, r, 0, 1.0);
    for (size_t k = 0; k < 5; k++)
        parley_party_set_value_eval(sc2, r, 0, k, k == 0 ? 1.0 : 0.0);
    parley_party_set_reservation(sc2, r, 2.0); /* out of reach: vetoes anything */
    cr_assert_eq(parley_scenario_finalize(sc2, &err), PARLEY_OK, "%s", err.message);
    const char *specs[2] = {"conceder", "conceder"};
    parley_session *s = make(sc2, PARLEY_PROTOCOL_SAO, 50, 1, specs);
    parley_session_result res;
    parley_session_run(s, &res, NULL);
    cr_assert(res.talks_agreed);
    cr_assert(res.vetoed);
    cr_assert(!res.agreement);
    cr_assert_null(res.outcome);
    cr_assert_eq(res.welfare, 0.0);
    parley_session_free(s);
    /* without ratification the deal stands */
    parley_session_options o;
    parley_session_options_init(&o);
    o.rounds = 50;
    o.seed = 1;
    o.no_ratify = true;
    cr_assert_eq(parley_session_new(sc2, &o, &s, &err), PARLEY_OK);
    parley_session_set_strategy(s, 0, "conceder", &err);
    parley_session_set_strategy(s, 1, "conceder", &err);
    parley_session_run(s, &res, NULL);
    cr_assert(res.agreement);
    cr_assert(!res.vetoed);
    parley_session_free(s);
    parley_scenario_free(sc2);
    parley_scenario_free(sc);
}

/* ------------------------------------------------------- time and discount */

Test(negotiation, time_deadline)
{
    parley_scenario *sc = opposed(0.0);
    parley_session_options o;
    parley_session_options_init(&o);
    o.rounds = 0;
    o.time_limit = 0.05;
    parley_session *s;
    parley_error err;
    cr_assert_eq(parley_session_new(sc, &o, &s, &err), PARLEY_OK, "%s", err.message);
    parley_session_set_strategy(s, 0, "hardliner", &err);
    parley_session_set_strategy(s, 1, "hardliner", &err);
    parley_session_result res;
    cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK);
    cr_assert(!res.agreement);
    cr_assert_eq(res.t, 1.0);
    cr_assert_gt(res.rounds, 10);
    parley_session_free(s);
    /* a boulware meets a conceder before the time is up */
    cr_assert_eq(parley_session_new(sc, &o, &s, &err), PARLEY_OK, "%s", err.message);
    parley_session_set_strategy(s, 0, "boulware", &err);
    parley_session_set_strategy(s, 1, "conceder", &err);
    cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK);
    cr_assert(res.agreement);
    cr_assert_lt(res.t, 1.0);
    parley_session_free(s);
    /* no deadline at all is refused */
    o.time_limit = 0;
    cr_assert_eq(parley_session_new(sc, &o, &s, &err), PARLEY_ERR_ARG);
    cr_assert_null(s);
    parley_scenario_free(sc);
}

/* ------------------------------------------------------- measures */

Test(negotiation, quality_measures_by_brute_force)
{
    rs.s = 31337;
    for (int it = 0; it < 20; it++) {
        parley_scenario *sc = random_scenario_of(2 + rndn(2), false, false, false, false);
        parley_analysis *an;
        cr_assert_eq(parley_analyze(sc, NULL, &an, NULL), PARLEY_OK);
        size_t d = parley_analysis_dims(an);
        uint64_t n;
        parley_scenario_outcome_count(sc, &n);
        /* brute-force frontier over all outcomes */
        double (*u)[4] = calloc((size_t)n, sizeof *u);
        uint32_t v[8];
        for (uint64_t id = 0; id < n; id++) {
            decode(sc, id, v);
            for (size_t j = 0; j < d; j++)
                u[id][j] = parley_utility(sc, parley_analysis_dim_party(an, j), v);
        }
        double pt[4];
        for (size_t j = 0; j < d; j++)
            pt[j] = 0.05 * rndn(20);
        double best = INFINITY;
        for (uint64_t a = 0; a < n; a++) {
            bool dominated = false;
            for (uint64_t b = 0; b < n && !dominated; b++) {
                bool ge = true, gt = false;
                for (size_t j = 0; j < d; j++) {
                    ge = ge && u[b][j] >= u[a][j];
                    gt = gt || u[b][j] > u[a][j];
                }
                dominated = ge && gt;
            }
            if (dominated)
                continue;
            double s = 0;
            for (size_t j = 0; j < d; j++)
                s += (pt[j] - u[a][j]) * (pt[j] - u[a][j]);
            best = fmin(best, sqrt(s));
        }
        cr_assert_float_eq(parley_pareto_distance(an, pt), best, 1e-12);
        const double *nash;
        cr_assert(parley_analysis_solution(an, PARLEY_SOLUTION_GENIUS_NASH, &nash, NULL));
        double s = 0;
        for (size_t j = 0; j < d; j++)
            s += (pt[j] - nash[j]) * (pt[j] - nash[j]);
        cr_assert_float_eq(parley_nash_distance(an, pt), sqrt(s), 1e-12);
        /* a frontier point is at distance 0 */
        cr_assert_eq(parley_pareto_distance(an, parley_analysis_frontier_utilities(
                                                    an, PARLEY_FRONTIER_ALL, 0)),
                     0.0);
        free(u);
        parley_analysis_free(an);
        parley_scenario_free(sc);
    }
}

/* ------------------------------------------------------- privacy and errors */

/* A custom strategy that checks what its view shows. */
static size_t seen_seats;
static void *spy_create(const parley_agent_ctx *c, const char *p, char *eb, size_t el)
{
    (void)eb;
    (void)el;
    seen_seats = c->seats;
    cr_assert_str_eq(p, "x=1");
    return (void *)1;
}
static bool spy_propose(void *st, const parley_agent_ctx *c, uint64_t *o)
{
    (void)st;
    *o = c->ranked(c, 0);
    /* ranked is sorted by own utility, best first, all acceptable */
    for (size_t r = 1; r < c->ranked_count(c); r++) {
        cr_assert_geq(c->utility(c, c->ranked(c, r - 1)), c->utility(c, c->ranked(c, r)));
        cr_assert(c->acceptable(c, c->ranked(c, r)));
    }
    uint32_t v[8];
    c->decode(c, *o, v);
    cr_assert_eq(c->encode(c, v), *o);
    return true;
}
static parley_response spy_respond(void *st, const parley_agent_ctx *c, uint64_t o)
{
    (void)st;
    cr_assert_lt(o, c->outcomes);
    return c->round(c) > 3 ? PARLEY_RESPONSE_END : PARLEY_RESPONSE_REJECT;
}
static const parley_strategy spy = {PARLEY_AGENT_ABI, "spy", spy_create, spy_propose,
                                    spy_respond, NULL, NULL};

Test(negotiation, custom_strategy_and_walk_away)
{
    parley_scenario *sc = opposed(0.3);
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 20, 1, NULL);
    parley_error err;
    cr_assert_eq(parley_session_set_custom(s, 1, &spy, "x=1", &err), PARLEY_OK);
    parley_session_result res;
    cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(seen_seats, 2);
    cr_assert(res.walked_away);
    cr_assert_eq(res.ended_by, 1);
    cr_assert_eq(res.rounds, 4);
    cr_assert(!res.agreement);
    cr_assert_eq(res.utility[0], 0.3);
    parley_session_free(s);
    parley_scenario_free(sc);
}

Test(negotiation, errors)
{
    parley_scenario *sc = opposed(0.3);
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 20, 1, NULL);
    parley_error err;
    cr_assert_eq(parley_session_set_strategy(s, 0, "bouldware", &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "did you mean 'boulware'"), "%s", err.message);
    cr_assert_eq(parley_session_set_strategy(s, 0, "boulware:q=1", &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "unknown parameter 'q'"), "%s", err.message);
    cr_assert_eq(parley_session_set_strategy(s, 0, "linear:e=x", &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_session_set_strategy(s, 0, "hillclimber", &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "mediated"), "%s", err.message);
    parley_strategy bad = spy;
    bad.abi = 99;
    cr_assert_eq(parley_session_set_custom(s, 0, &bad, "", &err), PARLEY_ERR_INVALID);
    parley_session_free(s);
    parley_session_free(NULL);
    parley_scenario_free(sc);
    /* one negotiator cannot alternate offers */
    parley_scenario *one = random_scenario_of(1, false, true, false, false);
    parley_session_options o;
    parley_session_options_init(&o);
    cr_assert_eq(parley_session_new(one, &o, &s, &err), PARLEY_ERR_INVALID);
    o.protocol = PARLEY_PROTOCOL_MEDIATED;
    cr_assert_eq(parley_session_new(one, &o, &s, &err), PARLEY_OK);
    parley_session_free(s);
    parley_scenario_free(one);
}

/* Allocation failures: fail allocation k for k = 1, 2, ... until a whole
 * session (create, set strategies, run) succeeds; each failure must be a
 * clean PARLEY_ERR_NOMEM (ASan/LSan see any leak). */
typedef struct failing {
    long countdown;
    long bad_sizes; /* frees or reallocs given a wrong old size */
    long live;      /* blocks not yet freed */
} failing;
/* Each block carries its size in a 16-byte header, so that the old size
 * the library passes can be checked. */
static void *fail_alloc(void *ud, void *ptr, size_t os, size_t ns)
{
    failing *f = ud;
    char *h = ptr ? (char *)ptr - 16 : NULL;
    if (h) {
        size_t real;
        memcpy(&real, h, sizeof real);
        if (real != os)
            f->bad_sizes++;
    }
    if (ns == 0) {
        if (h)
            f->live--;
        free(h);
        return NULL;
    }
    if (f->countdown >= 0 && f->countdown-- == 0)
        return NULL;
    char *n = realloc(h, ns + 16);
    if (!n)
        return NULL;
    if (!h)
        f->live++;
    memcpy(n, &ns, sizeof ns);
    return n + 16;
}

Test(negotiation, allocation_failures)
{
    parley_scenario *sc = opposed(0.1);
    const char *const strategies[] = {"micro", "frequency-nash", "nice-tit-for-tat", "linear"};
    for (long k = 0;; k++) {
        failing f = {k, 0, 0};
        parley_allocator a = {fail_alloc, &f};
        parley_session_options o;
        parley_session_options_init(&o);
        o.alloc = &a;
        o.rounds = 300;
        parley_session *s;
        parley_error err;
        parley_status st = parley_session_new(sc, &o, &s, &err);
        if (st == PARLEY_OK) {
            st = parley_session_set_strategy(s, 0, strategies[k % 4], &err);
            if (st == PARLEY_OK)
                st = parley_session_set_strategy(s, 1, strategies[(k + 1) % 4], &err);
            parley_session_result res;
            if (st == PARLEY_OK)
                st = parley_session_run(s, &res, &err);
            parley_session_free(s);
        }
        cr_assert_eq(f.bad_sizes, 0, "k=%ld: a block freed with the wrong size", k);
        cr_assert_eq(f.live, 0, "k=%ld: %ld blocks leaked", k, f.live);
        if (st == PARLEY_OK && f.countdown >= 0)
            break;
        cr_assert(st == PARLEY_ERR_NOMEM || st == PARLEY_ERR_INVALID, "k=%ld st=%d", k, st);
        cr_assert_lt(k, 10000);
    }
    parley_scenario_free(sc);
}
