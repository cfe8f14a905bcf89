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
#include "negotiation/ng.h"
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

static bool keeps_lines(const parley_scenario *sc, size_t p, uint64_t id)
{
    uint32_t v[8];
    decode(sc, id, v);
    return parley_redlines_hold(sc, p, v);
}

/* The GENIUS time-dependent family and nice-tit-for-tat: offer and accept
 * by GENIUS's rules, which may go below the reservation value (never past
 * a red line). */
static bool genius_family(parley_session *s, size_t party)
{
    for (size_t k = 0; k < parley_session_seats(s); k++)
        if (parley_session_seat_party(s, k) == party) {
            const char *n = parley_session_strategy_name(s, k);
            return !strcmp(n, "boulware") || !strcmp(n, "linear") || !strcmp(n, "conceder") ||
                   !strcmp(n, "hardliner") || !strcmp(n, "time-dependent") ||
                   !strcmp(n, "nice-tit-for-tat");
        }
    return false;
}

/* What a built-in may offer or accept: acceptable to itself, or for the
 * GENIUS family within its red lines. */
static bool may_take(parley_session *s, const parley_scenario *sc, size_t p, uint64_t id)
{
    return genius_family(s, p) ? keeps_lines(sc, p, id) : party_accepts(sc, p, id);
}

static const char *const sao_strategies[] = {"boulware",
                                             "linear",
                                             "conceder",
                                             "hardliner",
                                             "time-dependent:e=0.5,k=0.1",
                                             "time-dependent-at-least:e=0.5",
                                             "tit-for-tat",
                                             "tit-for-tat:kindness=0.02",
                                             "nice-tit-for-tat",
                                             "random",
                                             "random:accept=0.5,end=0.01",
                                             "frequency-nash",
                                             "micro"};
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
            cr_assert(may_take(s, sc, e->party, e->id), "offer below own reservation (party %zu)",
                      e->party);
        } else if (e->kind == PARLEY_TRACE_ACCEPT) {
            cr_assert(have, "an acceptance with no offer on the table");
            cr_assert_eq(e->id, cur);
            cr_assert_eq(e->party, parley_session_seat_party(s, turn % seats));
            cr_assert_neq(e->party, last_offerer);
            turn++;
            accepts++;
            cr_assert(may_take(s, sc, e->party, e->id),
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

/* A bilateral SAO run (seed 3) with its events in *r. */
static parley_session *run_recorded(const parley_scenario *sc, const char *const *specs,
                                    unsigned long R, recorder *r)
{
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, R, 3, specs);
    parley_session_set_trace(s, on_ev, r);
    parley_session_result res;
    cr_assert_eq(parley_session_run(s, &res, NULL), PARLEY_OK);
    return s;
}

/* Every offer of a time-dependent-at-least agent is, by brute force over
 * all outcomes, the worst outcome whose utility is at least GENIUS's
 * target p(t) = Pmin + (Pmax - Pmin)(1 - (k + (1 - k) t^(1/e))). */
Test(negotiation, time_dependent_at_least_follows_the_formula)
{
    parley_scenario *sc = opposed(0.2);
    static const double es[] = {0.2, 1.0, 2.0, 0.5};
    for (size_t ei = 0; ei < 4; ei++) {
        char spec[64];
        snprintf(spec, sizeof spec, "time-dependent-at-least:e=%g,k=0.05", es[ei]);
        const char *specs[2] = {spec, "hardliner"};
        unsigned long R = 40;
        recorder r = {0};
        parley_session *s = run_recorded(sc, specs, R, &r);
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

/* GENIUS's rule, by brute force over all outcomes (reservation value 0.2
 * does not filter): Pmax = the best utility, Pmin = max(worst utility,
 * rv); the offer's utility is the lowest one >= p(t), unless the highest
 * one below p(t) is strictly closer (SortedOutcomeSpace.getBidNearUtility);
 * an offer is accepted exactly when it is worth at least the agent's own
 * bid at that time, undiscounted. */
Test(negotiation, genius_time_dependent_offers_nearest)
{
    parley_scenario *sc = opposed(0.2);
    static const double es[] = {0.2, 1.0, 2.0, 0.5};
    uint64_t n;
    parley_scenario_outcome_count(sc, &n);
    double pmax = 0, lo = 2;
    for (uint64_t id = 0; id < n; id++) {
        pmax = fmax(pmax, util_id(sc, 0, id));
        lo = fmin(lo, util_id(sc, 0, id));
    }
    double pmin = fmax(lo, 0.2);
    for (size_t ei = 0; ei < 4; ei++) {
        char spec[64];
        snprintf(spec, sizeof spec, "time-dependent:e=%g", es[ei]);
        const char *specs[2] = {spec, "conceder"};
        unsigned long R = 40;
        recorder r = {0};
        parley_session *s = run_recorded(sc, specs, R, &r);
        size_t checked = 0;
        for (size_t i = 0; i < r.n; i++) {
            const rec_event *e = &r.ev[i];
            if ((e->kind != PARLEY_TRACE_OFFER && e->kind != PARLEY_TRACE_ACCEPT) || e->party != 0)
                continue;
            double t = (double)e->round / (double)(R + 1);
            double p = pmin + (pmax - pmin) * (1 - pow(t, 1.0 / es[ei]));
            double above = 2, below = -1;
            for (uint64_t id = 0; id < n; id++) {
                double u = util_id(sc, 0, id);
                if (u >= p && u < above)
                    above = u;
                if (u < p && u > below)
                    below = u;
            }
            double want = above > 1.5 || (below >= 0 && p - below < above - p) ? below : above;
            if (e->kind == PARLEY_TRACE_OFFER)
                cr_assert_eq(util_id(sc, 0, e->id), want, "e=%g round %lu", es[ei], e->round);
            else
                cr_assert_geq(util_id(sc, 0, e->id), want, "accepted below its own bid");
            checked++;
        }
        /* and it did not refuse an offer worth its own bid: each offer of
         * the other side it answered with an offer was worth less */
        for (size_t i = 1; i < r.n; i++) {
            const rec_event *e = &r.ev[i], *prev = &r.ev[i - 1];
            if (e->kind != PARLEY_TRACE_OFFER || e->party != 0 ||
                prev->kind != PARLEY_TRACE_OFFER || prev->party == 0)
                continue;
            cr_assert_lt(util_id(sc, 0, prev->id), util_id(sc, 0, e->id),
                         "refused an offer worth its own bid");
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

/* One issue, five values; A's utility of value k is k/4, B's (4-k)/4. */
static parley_scenario *line5(void)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *vals[5] = {"a", "b", "c", "d", "e"};
    parley_scenario_add_discrete(sc, "x", 5, vals, NULL, &err);
    size_t a, b;
    parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &a, &err);
    parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &b, &err);
    parley_party_set_weight(sc, a, 0, 1.0);
    parley_party_set_weight(sc, b, 0, 1.0);
    for (size_t k = 0; k < 5; k++) {
        parley_party_set_value_eval(sc, a, 0, k, (double)k / 4.0);
        parley_party_set_value_eval(sc, b, 0, k, (double)(4 - k) / 4.0);
    }
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK);
    return sc;
}

/* A scripted opponent: in round r it offers value script[r - 1] and
 * never accepts. */
static const uint64_t *script;
static void *scr_create(const parley_agent_ctx *c, const char *p, char *eb, size_t el)
{
    (void)c, (void)p, (void)eb, (void)el;
    return (void *)script;
}
static bool scr_propose(void *st, const parley_agent_ctx *c, uint64_t *o)
{
    *o = ((const uint64_t *)st)[c->round(c) - 1];
    return true;
}
static parley_response scr_respond(void *st, const parley_agent_ctx *c, uint64_t o)
{
    (void)st, (void)c, (void)o;
    return PARLEY_RESPONSE_REJECT;
}
static const parley_strategy scripted = {PARLEY_AGENT_ABI, "scripted", scr_create, scr_propose,
                                         scr_respond,      NULL,       NULL};

/* A session of R rounds (seed) where seat 0 plays spec and seat 1 offers
 * b[round - 1] and rejects everything; its events go to r, its result to
 * res.  The caller frees the session (and r). */
static parley_session *run_scripted(const parley_scenario *sc, const char *spec, const uint64_t *b,
                                    unsigned long R, uint64_t seed, recorder *r,
                                    parley_session_result *res)
{
    script = b;
    const char *specs[2] = {spec, NULL};
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, R, seed, specs);
    parley_error err;
    cr_assert_eq(parley_session_set_custom(s, 1, &scripted, "", &err), PARLEY_OK);
    parley_session_set_trace(s, on_ev, r);
    cr_assert_eq(parley_session_run(s, res, &err), PARLEY_OK, "%s", err.message);
    return s;
}

/* NegMAS 0.15's NaiveTitForTatNegotiator as its code runs, worked out by
 * hand on line5 (A's ranked utilities 1, .75, .5, .25, 0; range 1):
 *  step 0 (round 1): no concession, offers u = 1;
 *  steps 1, 2: the "smallest concession", the gap between the next two
 *    utilities of its list, taken afresh at each call (respond, then
 *    propose): round 2 answers with gaps (1 - .75) then (.5 - .25), so
 *    offers .75; round 3 with gaps (0 - 0) twice, so offers 1 again;
 *  step >= 3: concession = its own normalised utility of the offer on the
 *    table (1 - the zero-sum model's u_opp) + kindness; it offers the
 *    worst outcome at level 1 - concession and accepts an offer at that
 *    level. */
static void tft_case(const char *spec, const uint64_t *b_offers, const double *a_offers, size_t n_a,
                     unsigned long deal_round)
{
    parley_scenario *sc = line5();
    recorder r = {0};
    parley_session_result res;
    parley_session *s = run_scripted(sc, spec, b_offers, 20, 1, &r, &res);
    size_t k = 0;
    for (size_t i = 0; i < r.n; i++)
        if (r.ev[i].kind == PARLEY_TRACE_OFFER && r.ev[i].party == 0) {
            cr_assert_lt(k, n_a, "%s: more offers than expected", spec);
            cr_assert_eq(util_id(sc, 0, r.ev[i].id), a_offers[k], "%s: offer %zu", spec, k + 1);
            k++;
        }
    cr_assert_eq(k, n_a, "%s: %zu offers", spec, k);
    cr_assert_eq(res.agreement, deal_round > 0);
    if (deal_round)
        cr_assert_eq(res.rounds, deal_round);
    rec_free(&r);
    parley_session_free(s);
    parley_scenario_free(sc);
}

Test(negotiation, naive_tit_for_tat_mirrors_the_offer_level)
{
    /* B offers A utilities 0, 0, .25, .25, .5, ... (value indices) */
    static const uint64_t b[20] = {0, 0, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /* kindness 0: round 4 and 5 answer .25 with level .75; round 6
     * accepts .5 (level 1 - .5) */
    static const double plain[5] = {1.0, 0.75, 1.0, 0.75, 0.75};
    tft_case("naive-tit-for-tat", b, plain, 5, 6);
    /* kindness .25: level 1 - .25 - .25 = .5 in rounds 4 and 5 */
    static const double kind[5] = {1.0, 0.75, 1.0, 0.5, 0.5};
    tft_case("tit-for-tat:kindness=0.25", b, kind, 5, 6);
    /* against an opponent that never concedes it keeps to the top */
    static const uint64_t hard[20] = {0};
    static const double top[20] = {1, 0.75, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    tft_case("naive-tit-for-tat", hard, top, 20, 0);
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

/* ------------------------------------------------------- nice tit-for-tat */

/* GENIUS NiceTitForTat.getBonus, hand-computed: max(0.5 - 0.4 d, time
 * bonus), the time bonus min(1, 20 (t - t0)) after t0 = 0.91 (0.85 above
 * 3000 outcomes), clamped to [0, 1]; applied at every counter-bid. */
Test(negotiation, nice_tit_for_tat_bonus)
{
    cr_assert_float_eq(ng_ntft_bonus(1.0, 0.5, 100), 0.1, 1e-15);
    cr_assert_float_eq(ng_ntft_bonus(0.5, 0.5, 100), 0.3, 1e-15);
    cr_assert_float_eq(ng_ntft_bonus(0.0, 0.0, 100), 0.5, 1e-15);
    cr_assert_float_eq(ng_ntft_bonus(1.0, 0.93, 100), 0.4, 1e-12);  /* 20 x .02 */
    cr_assert_float_eq(ng_ntft_bonus(1.0, 0.90, 100), 0.1, 1e-15);  /* before .91 */
    cr_assert_float_eq(ng_ntft_bonus(1.0, 0.88, 5000), 0.6, 1e-12); /* big: from .85 */
    cr_assert_float_eq(ng_ntft_bonus(1.0, 0.99, 5000), 1.0, 1e-15);
}

/* chooseCounterBid's target: the opponent conceded .6 - .2 = .4 of the
 * .7 - .2 = .5 to its Nash point (factor .8), so target = 1 - .8 x .3 =
 * .76; the bonus .1 takes a tenth of the gap to Nash (.06): .754.  A
 * Hardliner (no concession) still gets 1 - .1 x (1 - .7) = .97. */
Test(negotiation, nice_tit_for_tat_target)
{
    cr_assert_float_eq(ng_ntft_target(0.6, 0.2, 0.7, 0.1), 0.754, 1e-12);
    cr_assert_float_eq(ng_ntft_target(0.2, 0.2, 0.7, 0.1), 0.97, 1e-12);
    cr_assert_float_eq(ng_ntft_target(0.9, 0.2, 0.7, 0.5), 0.7, 1e-12); /* factor capped at 1 */
}

/* The late acceptance window (t >= .98): accept the offer on the table
 * only if no strictly better offer of theirs came in (2 now - 1, now],
 * and only with at most 10 of their offers in that window. */
Test(negotiation, nice_tit_for_tat_late_acceptance)
{
    ng_seen h[14];
    /* now .985: window (.97, .985]; the offer on the table is worth .5 */
    h[0] = (ng_seen){0.9, 0.5}; /* better, but long ago */
    h[1] = (ng_seen){0.4, 0.975};
    h[2] = (ng_seen){0.5, 0.985};
    cr_assert(ng_ntft_late_accept(h, sizeof h[0], 3, 0.985, false));
    h[1] = (ng_seen){0.6, 0.975}; /* a better one in the window */
    cr_assert(!ng_ntft_late_accept(h, sizeof h[0], 3, 0.985, false));
    h[1] = (ng_seen){0.5, 0.975}; /* as good is not better */
    cr_assert(ng_ntft_late_accept(h, sizeof h[0], 3, 0.985, false));
    /* 11 offers in the window: more are to come, wait */
    for (size_t i = 0; i < 11; i++)
        h[i] = (ng_seen){0.3, 0.971 + 0.001 * (double)i};
    h[11] = (ng_seen){0.5, 0.985};
    cr_assert(!ng_ntft_late_accept(h, sizeof h[0], 12, 0.985, false));
    cr_assert(ng_ntft_late_accept(h, sizeof h[0], 12, 0.985, true)); /* big: 40 */
}

/* In a session: against an opponent that never concedes (it offers A's
 * worst outcome every time), GENIUS applies the bonus at every
 * counter-bid, so its target is 1 - .1 (1 - N) < 1 with N its Nash
 * utility in [.5, 1) (no discount: bonus .1), and it bids from
 * [.98 target, target + .05]: on a 41-value issue (steps of .025) some of
 * its offers before t = .91 are below 1 and none below .98 x .95. */
Test(negotiation, nice_tit_for_tat_concedes_to_a_hardliner_early)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *vals[41];
    char names[41][8];
    for (size_t k = 0; k < 41; k++) {
        snprintf(names[k], sizeof names[k], "v%zu", k);
        vals[k] = names[k];
    }
    parley_scenario_add_discrete(sc, "x", 41, vals, NULL, &err);
    size_t a, b;
    parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &a, &err);
    parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &b, &err);
    parley_party_set_weight(sc, a, 0, 1.0);
    parley_party_set_weight(sc, b, 0, 1.0);
    for (size_t k = 0; k < 41; k++) {
        parley_party_set_value_eval(sc, a, 0, k, (double)k / 40.0);
        parley_party_set_value_eval(sc, b, 0, k, (double)(40 - k) / 40.0);
    }
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK);
    static const uint64_t zeros[100] = {0};
    recorder r = {0};
    parley_session_result res;
    parley_session *s = run_scripted(sc, "nice-tit-for-tat", zeros, 99, 1, &r, &res);
    size_t below = 0;
    for (size_t i = 0; i < r.n; i++) {
        const rec_event *e = &r.ev[i];
        if (e->kind != PARLEY_TRACE_OFFER || e->party != 0 || e->t > 0.91)
            continue;
        double u = util_id(sc, 0, e->id);
        cr_assert_geq(u, 0.98 * 0.95 - 1e-12, "round %lu: %g", e->round, u);
        below += u < 1.0;
    }
    cr_assert_gt(below, 0, "it never conceded before t = .91");
    rec_free(&r);
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* Two negotiators A, B over issues of nv[i] values, weights wa/wb, A's
 * and B's evaluations ea/eb (issue-major, value k of issue i at
 * off(i) + k), names "v<k>". */
static parley_scenario *ntft_domain(size_t m, const size_t *nv, const double *wa, const double *wb,
                                    const double *ea, const double *eb)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    char names[128][24];
    const char *vals[128];
    for (size_t k = 0; k < 128; k++) {
        snprintf(names[k], sizeof names[k], "v%zu", k);
        vals[k] = names[k];
    }
    for (size_t i = 0; i < m; i++) {
        char iname[24];
        snprintf(iname, sizeof iname, "i%zu", i);
        cr_assert_eq(parley_scenario_add_discrete(sc, iname, nv[i], vals, NULL, &err), PARLEY_OK);
    }
    size_t a, b;
    parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &a, &err);
    parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &b, &err);
    for (size_t i = 0, off = 0; i < m; off += nv[i], i++) {
        parley_party_set_weight(sc, a, i, wa[i]);
        parley_party_set_weight(sc, b, i, wb[i]);
        for (size_t k = 0; k < nv[i]; k++) {
            parley_party_set_value_eval(sc, a, i, k, ea[off + k]);
            parley_party_set_value_eval(sc, b, i, k, eb[off + k]);
        }
    }
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
    return sc;
}

/* getBidsOfUtility by hand on one issue, A's utilities 1, .893, .8, .779,
 * .775, .7695, .5, 0 (ids 0-7): the window [.98 T, T + .05] widens its
 * top by .01 until it holds two bids, or one once the top reaches 1.
 *  T = .8:  [.784, .85] holds only .8; the top reaches .893 at .90: {1, 2}
 *           (.779 < .784 stays out);
 *  T = .78: [.7644, .83] holds four at once: {2, 3, 4, 5};
 *  T = .5:  .5 alone until the top reaches .77, which takes in .7695 but
 *           not .775: {5, 6};
 *  T = .99: [.9702, 1.04] holds only 1, and the top is >= 1: {0};
 *  T = 1.2: clamped to 1 first ([.98, 1.05]): {0}. */
Test(negotiation, nice_tit_for_tat_bid_window_by_hand)
{
    const size_t nv[1] = {8};
    const double w[1] = {1.0}, ea[8] = {1.0, 0.893, 0.8, 0.779, 0.775, 0.7695, 0.5, 0.0},
                 eb[8] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1.0};
    parley_scenario *sc = ntft_domain(1, nv, w, w, ea, eb);
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 10, 1, NULL);
    static const struct {
        double target;
        size_t k;
        uint64_t ids[4];
    } want[] = {
        {0.8, 2, {1, 2}}, {0.78, 4, {2, 3, 4, 5}}, {0.5, 2, {5, 6}}, {0.99, 1, {0}}, {1.2, 1, {0}}};
    uint64_t out[8];
    for (size_t c = 0; c < sizeof want / sizeof want[0]; c++) {
        size_t k = ng_ntft_window(&s->agents[0], want[c].target, out);
        cr_assert_eq(k, want[c].k, "T = %g: %zu bids", want[c].target, k);
        for (size_t i = 0; i < k; i++)
            cr_assert_eq(out[i], want[c].ids[i], "T = %g: bid %zu", want[c].target, i);
    }
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* Above 10 000 outcomes the window keeps the first two bids BidIterator
 * meets (issue 0 fastest).  101 x 101 values, A's utility (x + y)/200:
 * for T = .51 ([.4998, .56]) the first with y = 0 is x = 100 (.5), then
 * with y = 1, x = 99 (.5): ids 100 x 101 + 0 and 99 x 101 + 1. */
Test(negotiation, nice_tit_for_tat_bid_window_big_domain)
{
    const size_t nv[2] = {101, 101};
    const double w[2] = {0.5, 0.5};
    double ea[202], eb[202];
    for (size_t k = 0; k < 101; k++) {
        ea[k] = ea[101 + k] = (double)k / 100.0;
        eb[k] = eb[101 + k] = (double)(100 - k) / 100.0;
    }
    parley_scenario *sc = ntft_domain(2, nv, w, w, ea, eb);
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 10, 1, NULL);
    uint64_t *out = malloc(101 * 101 * sizeof *out);
    cr_assert_not_null(out);
    cr_assert_eq(ng_ntft_window(&s->agents[0], 0.51, out), 2);
    cr_assert_eq(out[0], 100u * 101u);
    cr_assert_eq(out[1], 99u * 101u + 1u);
    free(out);
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* getBestBidForOpponent keeps the n = round(k/10) (Java's Math.round,
 * halves up), clamped to [3, 20] and to k, best of the k bids by the
 * model (the model itself is checked against GENIUS in
 * test_genius_traces).  The expected set is ranked here by brute force
 * from the model's utilities: rank = how many are strictly better plus
 * how many equal ones come earlier in the list. */
Test(negotiation, nice_tit_for_tat_top_n_by_the_model)
{
    const size_t nv[2] = {16, 16};
    const double wa[2] = {0.6, 0.4}, wb[2] = {0.3, 0.7};
    double ea[32], eb[32];
    for (size_t k = 0; k < 16; k++) {
        ea[k] = (double)k / 15.0;
        ea[16 + k] = (double)((k * 7) % 16) / 15.0;
        eb[k] = (double)(15 - k) / 15.0;
        eb[16 + k] = (double)((k * 5 + 3) % 16) / 15.0;
    }
    parley_scenario *sc = ntft_domain(2, nv, wa, wb, ea, eb);
    parley_session *s = make(sc, PARLEY_PROTOCOL_SAO, 10, 1, NULL);
    ng_agent *g = &s->agents[0];
    const uint64_t offers[3] = {3, 3 + 16 * 2, 200};
    double norm[256];
    cr_assert(ng_ntft_model_run(g, offers, 3, norm));
    /* list sizes and the n GENIUS keeps: 2 -> 2, 5 -> 3, 14 -> 3 (1.4),
     * 25 -> 3 (2.5), 45 -> 5 (4.5), 194 -> 19, 204 -> 20, 215 -> 20 (21.5),
     * 256 -> 20 (25.6) */
    static const size_t ks[] = {2, 5, 14, 25, 45, 194, 204, 215, 256};
    static const size_t ns[] = {2, 3, 3, 3, 5, 19, 20, 20, 20};
    uint64_t bids[256], top[256], want[256];
    for (size_t c = 0; c < sizeof ks / sizeof ks[0]; c++) {
        size_t k = ks[c];
        for (size_t i = 0; i < k; i++) /* a scrambled list of distinct ids */
            bids[i] = (i * 37 + c) % 256;
        size_t n = ng_ntft_top(g, offers, 3, bids, k, top);
        cr_assert_eq(n, ns[c], "k = %zu: n = %zu", k, n);
        for (size_t i = 0; i < k; i++) {
            size_t rank = 0;
            for (size_t j = 0; j < k; j++)
                rank += norm[bids[j]] > norm[bids[i]] || (j < i && norm[bids[j]] == norm[bids[i]]);
            if (rank < n)
                want[rank] = bids[i];
        }
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(top[i], want[i], "k = %zu: rank %zu", k, i);
    }
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* Seeded sessions against a scripted opponent that concedes at random:
 * every offer nice-tit-for-tat makes is either one of the top n of its
 * window for the target T it had that turn, or the opponent's best offer
 * so far (of equal utilities the latest, as GENIUS's BidHistory picks);
 * any other offer is worth strictly more than that best (makeAppropriate
 * replaces a bid worth no more), so when the best is worth at least every
 * bid of the top n, it is what it offers.  T is rebuilt from the public
 * pieces: N = its Nash utility after their offers so far (gap 0 at its
 * first counter-bid, then 1 - their first offer's utility), the best and
 * first utilities they offered, the bonus at that turn's time.  A values
 * issue 1 only as "low" (v0, v1) or "high" (v2, v3), so their offers tie. */
Test(negotiation, nice_tit_for_tat_offers_lie_in_the_window)
{
    const size_t nv[2] = {8, 4};
    const double wa[2] = {0.8, 0.2}, wb[2] = {0.6, 0.4};
    const double ea[12] = {0, 1.0 / 7, 2.0 / 7, 3.0 / 7, 4.0 / 7, 5.0 / 7, 6.0 / 7, 1, 0, 0, 1, 1};
    const double eb[12] = {1,       6.0 / 7, 5.0 / 7, 4.0 / 7, 3.0 / 7, 2.0 / 7,
                           1.0 / 7, 0,       1,       0.7,     0.3,     0};
    parley_scenario *sc = ntft_domain(2, nv, wa, wb, ea, eb);
    size_t checked = 0, in_top = 0, best_offers = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        rs.s = seed * 0x9E3779B97F4A7C15ULL;
        uint64_t bscript[100];
        for (size_t r = 0; r < 100; r++) { /* worth at most .1 + .8 r/99 to A */
            uint64_t id;
            do
                id = rndn(32);
            while (util_id(sc, 0, id) > 0.1 + 0.8 * (double)r / 99.0);
            bscript[r] = id;
        }
        recorder r = {0};
        parley_session_result res;
        parley_session *s = run_scripted(sc, "nice-tit-for-tat", bscript, 99, seed, &r, &res);
        ng_agent *g = &s->agents[0];
        uint64_t win[32], top[32];
        for (size_t i = 0; i < r.n; i++) {
            const rec_event *e = &r.ev[i];
            if (e->kind != PARLEY_TRACE_OFFER || e->party != 0 || e->round < 2)
                continue;
            size_t nb = e->round - 1; /* their offers so far */
            double first = util_id(sc, 0, bscript[0]), maxu = -1, bu = -1;
            uint64_t best = 0;
            for (size_t j = 0; j < nb; j++) {
                double u = util_id(sc, 0, bscript[j]);
                maxu = fmax(maxu, u);
                if (u >= bu) {
                    bu = u;
                    best = bscript[j];
                }
            }
            double N = ng_ntft_nash_after(g, bscript, nb, nb == 1 ? 0.0 : 1.0 - first);
            double T = ng_ntft_target(maxu, first, N, ng_ntft_bonus(1.0, e->t, 32));
            size_t k = ng_ntft_window(g, T, win);
            cr_assert_gt(k, 0u);
            size_t n = ng_ntft_top(g, bscript, nb, win, k, top);
            double lo = 2, hi = -1;
            bool in = false;
            for (size_t j = 0; j < n; j++) {
                double u = util_id(sc, 0, top[j]);
                lo = fmin(lo, u);
                hi = fmax(hi, u);
                in = in || top[j] == e->id;
            }
            checked++;
            in_top += in && e->id != best;
            best_offers += e->id == best;
            cr_assert(in || e->id == best,
                      "seed %lu round %lu: %lu is neither in the top %zu of "
                      "the window for T = %g nor their best",
                      (unsigned long)seed, e->round, (unsigned long)e->id, n, T);
            if (bu >= hi)
                cr_assert_eq(e->id, best, "seed %lu round %lu: their best (%g) not re-offered",
                             (unsigned long)seed, e->round, bu);
            if (e->id != best) /* any bid worth no more than their best is replaced */
                cr_assert_gt(util_id(sc, 0, e->id), bu, "seed %lu round %lu: %lu kept",
                             (unsigned long)seed, e->round, (unsigned long)e->id);
            if (e->id == best && !in)
                cr_assert_geq(bu, lo, "seed %lu round %lu", (unsigned long)seed, e->round);
        }
        rec_free(&r);
        parley_session_free(s);
    }
    cr_assert_gt(in_top, 20u, "%zu of %zu offers from the window", in_top, checked);
    cr_assert_gt(best_offers, 0u, "their best was never offered back");
    parley_scenario_free(sc);
}

/* makeAcceptAction: when it is about to accept while more than one
 * offer of theirs fell in (2t - 1, t] and their best offer so far is
 * strictly better than the one on the table, it offers that best back
 * instead (at most four times).  Of equal utilities GENIUS's
 * BidHistory.getBestBidDetails takes the latest (utility >= max).  One
 * issue, A's utilities 0, .1, ..., .6, .62, .62, 1: B offers X (id 7, .62),
 * then X' (id 8, .62), then id 3 (.3) to the end of 199 rounds.  X is
 * their first offer and their best, so A's target stays above .62 (its
 * Nash utility times 1.4 - .6 x .38 > 1), and from t = .98 its late rule
 * accepts .3 (nothing better in the window), so it offers X' back -- the
 * latest of the two, never X.  Time is r/200: at round 196 (t = .98) B's
 * offers at .965, .97, .975 are in (.96, .98], at round 197 those at .975
 * and .98 in (.97, .985]: twice X'; at round 198 only .985 is in
 * (.98, .99], so it accepts .3. */
Test(negotiation, nice_tit_for_tat_offers_back_their_latest_best)
{
    const size_t nv[1] = {10};
    const double w[1] = {1.0};
    const double ea[10] = {0, .1, .2, .3, .4, .5, .6, .62, .62, 1};
    const double eb[10] = {1, .9, .8, .7, .6, .5, .45, .4, .2, 0};
    parley_scenario *sc = ntft_domain(1, nv, w, w, ea, eb);
    uint64_t bscript[200] = {7, 8};
    for (size_t q = 2; q < 200; q++)
        bscript[q] = 3;
    recorder r = {0};
    parley_session_result res;
    parley_session *s = run_scripted(sc, "nice-tit-for-tat", bscript, 199, 1, &r, &res);
    size_t back = 0;
    for (size_t i = 0; i < r.n; i++) {
        const rec_event *e = &r.ev[i];
        if (e->kind != PARLEY_TRACE_OFFER || e->party != 0)
            continue;
        cr_assert_neq(e->id, 7u, "round %lu: the earlier of two equal offers", e->round);
        cr_assert(e->id == 8 || e->t < 0.98, "round %lu: %lu", e->round, (unsigned long)e->id);
        back += e->id == 8;
    }
    cr_assert_eq(back, 2u, "their best offered back %zu times", back);
    cr_assert(res.agreement);
    cr_assert_eq(res.rounds, 198u);
    cr_assert_eq(res.outcome_id, 3u);
    rec_free(&r);
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* ------------------------------------------------------- GENIUS distances */

/* GENIUS MultilateralAnalysis at end time t, by hand.  One issue, three
 * outcomes: A's utilities 1, .5, 0 (discount .5, rv .1), B's 0, .6, 1
 * (no discount, rv 0).  At t = .5 A's utilities scale by sqrt(.5):
 * points (.70711, 0), (.35355, .6), (0, 1), all on the frontier; Nash
 * products with the undiscounted rv: 0, (.35355 - .1) x .6 = .15213, -.1,
 * so the Nash point is the middle one.  Without a deal the point is the
 * origin: distance to the frontier min(.70711, sqrt(.125 + .36), 1) =
 * sqrt(.485), and the Nash point is that same nearest point.  At t = 0
 * (or without discounts) the middle point is (.5, .6): sqrt(.61). */
Test(negotiation, genius_distances_discounted_by_hand)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    const char *vals[3] = {"x", "y", "z"};
    parley_scenario_add_discrete(sc, "i", 3, vals, NULL, &err);
    size_t a, b;
    parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &a, &err);
    parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &b, &err);
    parley_party_set_weight(sc, a, 0, 1.0);
    parley_party_set_weight(sc, b, 0, 1.0);
    const double ea[3] = {1.0, 0.5, 0.0}, eb[3] = {0.0, 0.6, 1.0};
    for (size_t k = 0; k < 3; k++) {
        parley_party_set_value_eval(sc, a, 0, k, ea[k]);
        parley_party_set_value_eval(sc, b, 0, k, eb[k]);
    }
    parley_party_set_discount(sc, a, 0.5);
    parley_party_set_reservation(sc, a, 0.1);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK);
    parley_analysis *an = NULL;
    cr_assert_eq(parley_analyze(sc, NULL, &an, &err), PARLEY_OK, "%s", err.message);
    double s = sqrt(0.5);
    double middle[2] = {0.5 * s, 0.6}, origin[2] = {0.0, 0.0};
    cr_assert_float_eq(parley_pareto_distance_at(an, sc, 0.5, middle), 0.0, 1e-15);
    cr_assert_float_eq(parley_nash_distance_at(an, sc, 0.5, middle), 0.0, 1e-15);
    cr_assert_float_eq(parley_pareto_distance_at(an, sc, 0.5, origin), sqrt(0.485), 1e-15);
    cr_assert_float_eq(parley_nash_distance_at(an, sc, 0.5, origin), sqrt(0.485), 1e-15);
    /* measured against the undiscounted frontier, as before: not 0 */
    cr_assert_float_eq(parley_pareto_distance(an, middle), 0.5 - 0.5 * s, 1e-15);
    /* t = 0: no discounting, the old measures */
    double und[2] = {0.5, 0.6};
    cr_assert_float_eq(parley_nash_distance_at(an, sc, 0.0, origin), sqrt(0.61), 1e-15);
    cr_assert_float_eq(parley_nash_distance(an, origin), sqrt(0.61), 1e-15);
    cr_assert_float_eq(parley_pareto_distance_at(an, sc, 0.0, und), 0.0, 1e-15);
    /* a far corner: A's rv .1 makes (0, 1) worse than the middle even
     * though B gets 1: distance from (0, 1) to the Nash point */
    double corner[2] = {0.0, 1.0};
    cr_assert_float_eq(parley_nash_distance_at(an, sc, 0.5, corner), sqrt(0.125 + 0.16), 1e-15);
    parley_analysis_free(an);
    parley_scenario_free(sc);
}
