/*
 * test_robust.c -- uncertain numbers and the robust analysis against
 * brute force (docs/robust.md).
 *
 *  - Exact sets: on 600 random small scenarios (discrete, integer and real
 *    issues; table, linear, peak, points and constant evaluators; some
 *    interaction terms; negotiators, ratifiers and mediators; red lines on
 *    issues and on utility(P) both ways, with beliefs 0, 0.5 or 1 and
 *    uncertain thresholds; uncertain reservation values, weights and
 *    table scores as ranges, normals and choices), every corner world of
 *    the uncertainty box is built as a point scenario (builder calls, red
 *    lines dropped where the corner makes them bluffs) and every outcome
 *    judged with parley_outcome_acceptable: the robust set is the
 *    intersection over corners, the possible set the union.  The engine
 *    must give exactly these counts and first outcomes whenever it does
 *    not refuse, and it may refuse only a few.
 *  - Sampling with choices only: the exact P(deal), P(acceptable) per
 *    outcome and the tornado's P(deal) with each input at its ends, by
 *    enumerating every world with its probability; the sampled estimates
 *    fall inside their 95% Wilson intervals at about the documented rate
 *    (a fixed seed: deterministic).
 *  - In one world, the red lines' conflict and binding shares are those of
 *    parley_diagnose.
 *  - Without uncertainty, the sampled world's solutions are those of
 *    parley_analyze (its frontier and tie rules).
 *  - The same seed gives the same results for 1, 2 and 4 threads.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"

static rng rs;
static unsigned rnd(unsigned n)
{
    return rng_u32(&rs) % n;
}

static bool valgrind(void)
{
    return getenv("PARLEY_UNDER_VALGRIND") != NULL;
}

/* What the last random scenario holds that no corner may decide: a red
 * line compared with != or both ways (robust and possible deals), or one
 * decreasing in a utility that a reservation value pulls up (possible). */
static bool g_nonmono_robust, g_nonmono_possible;

/* A random scenario with uncertainty; NULL when the draw did not build
 * (then the caller draws again). */
static parley_scenario *random_uncertain(bool choices_only, bool with_uncertainty)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    parley_error err;
    size_t ni = 1 + rnd(3);
    size_t kinds[3], nv[3];
    for (size_t i = 0; i < ni; i++) {
        char name[24];
        snprintf(name, sizeof name, "i%zu", i);
        kinds[i] = rnd(4) == 0 ? 1 + rnd(2) : 0; /* 0 discrete, 1 integer, 2 real */
        if (kinds[i] == 0) {
            static const char *const labels[] = {"a", "b", "c"};
            nv[i] = 2 + rnd(2);
            parley_scenario_add_discrete(sc, name, nv[i], labels, NULL, &err);
        } else if (kinds[i] == 1) {
            parley_scenario_add_integer(sc, name, 0, 20, 10, NULL, &err);
            nv[i] = 3;
        } else {
            parley_scenario_add_real(sc, name, 0, 1, 3, NULL, &err);
            nv[i] = 3;
        }
    }
    size_t np = 2 + rnd(3);
    g_nonmono_robust = g_nonmono_possible = false;
    for (size_t p = 0; p < np; p++) {
        char name[24];
        snprintf(name, sizeof name, "P%zu", p);
        parley_role role = p == 0 ? PARLEY_ROLE_NEGOTIATOR
                                  : (parley_role)(rnd(4) == 0 ? 1 + rnd(2) : 0);
        parley_scenario_add_party(sc, name, role, NULL, &err);
        for (size_t i = 0; i < ni; i++) {
            parley_party_set_weight(sc, p, i, 0.1 + 0.1 * rnd(4));
            if (kinds[i] == 0 && rnd(6)) {
                for (size_t k = 0; k < nv[i]; k++)
                    parley_party_set_value_eval(sc, p, i, k, rng_eval(&rs));
            } else {
                switch (rnd(kinds[i] ? 4 : 1)) {
                case 1: parley_party_set_linear(sc, p, i, rnd(2), rnd(2) ? 0.05 : -0.04, 0); break;
                case 2: parley_party_set_triangular(sc, p, i, 0, 10, 20); break;
                case 3: {
                    double x[2] = {0, 20}, y[2] = {rng_eval(&rs), rng_eval(&rs)};
                    parley_party_set_piecewise(sc, p, i, 2, x, y);
                    break;
                }
                default: parley_party_set_constant(sc, p, i, rng_eval(&rs)); break;
                }
            }
        }
        if (rnd(8) == 0)
            parley_party_add_interaction(sc, p, "i0 == a", rnd(2) ? 0.2 : -0.1, &err);
        parley_party_set_reservation(sc, p, 0.1 * rnd(4));
    }
    /* red lines */
    for (size_t p = 0; p < np; p++) {
        size_t nr = rnd(3);
        for (size_t r = 0; r < nr; r++) {
            char name[24], text[160];
            snprintf(name, sizeof name, "r%zu", r);
            size_t q = rnd((unsigned)np);
            double t = 0.1 * (1 + rnd(6));
            unsigned form = rnd(choices_only ? 3 : 7);
            if (form == 5 || form == 6)
                g_nonmono_robust = g_nonmono_possible = true;
            if (form == 2)
                g_nonmono_possible = true;
            switch (form) {
            case 0: snprintf(text, sizeof text, "i0 != a"); break;
            case 1: snprintf(text, sizeof text, "utility(P%zu) >= %g", q, t); break;
            case 2: snprintf(text, sizeof text, "i0 == a -> utility(P%zu) <= %g", q, t + 0.3); break;
            case 3: snprintf(text, sizeof text, "not (utility(P%zu) < %g) or i0 == b", q, t); break;
            case 4: snprintf(text, sizeof text, "utility(P%zu) > %g", q, t); break;
            case 5: snprintf(text, sizeof text, "utility(P%zu) != %g", q, t); break;
            default:
                snprintf(text, sizeof text, "utility(P%zu) >= %g and utility(P%zu) <= 0.9", q, t,
                         q);
                break;
            }
            if (parley_party_add_redline(sc, p, name, text, &err) != PARLEY_OK)
                continue;
            size_t rr = parley_redline_count(sc, p) - 1;
            if (!with_uncertainty)
                continue;
            if (rnd(3) == 0)
                parley_redline_set_holds(sc, p, rr, rnd(2) ? 0.5 : 0.0, &err);
            if (!choices_only && rnd(3) == 0) {
                parley_uncertain u = {PARLEY_DIST_UNIFORM, 0, 0.1 * rnd(4), 0.4 + 0.1 * rnd(5),
                                      0, 0, 0, NULL, NULL};
                parley_input in = {PARLEY_INPUT_THRESHOLD, p, 0, 0, rr};
                parley_set_uncertain(sc, &in, &u, &err); /* refused without one utility leaf */
            }
        }
    }
    /* uncertain numbers: at most 6 */
    size_t nu = with_uncertainty ? 1 + rnd(6) : 0;
    for (size_t j = 0; j < nu; j++) {
        parley_input in = {(parley_input_kind)rnd(3), rnd((unsigned)np), rnd((unsigned)ni), 0, 0};
        in.value = rnd((unsigned)nv[in.issue]);
        double vals[3] = {0.1 * rnd(5), 0.5 + 0.1 * rnd(5), 0.2 * rnd(5)};
        double ps[3] = {0.5, 0.25, 0.25};
        if (in.kind == PARLEY_INPUT_WEIGHT) /* never every weight 0 at a corner */
            for (size_t k = 0; k < 3; k++)
                vals[k] += 0.05;
        parley_uncertain u;
        memset(&u, 0, sizeof u);
        unsigned form = choices_only ? 2 : rnd(3);
        if (form == 0) {
            u.kind = PARLEY_DIST_UNIFORM;
            u.lo = vals[0];
            u.hi = vals[1];
        } else if (form == 1) {
            u.kind = PARLEY_DIST_NORMAL;
            u.lo = vals[0];
            u.hi = vals[1];
            u.mean = (vals[0] + vals[1]) / 2;
            u.sd = 0.1;
        } else {
            u.kind = PARLEY_DIST_CHOICE;
            u.n = 2 + rnd(2);
            u.values = vals;
            u.p = u.n == 3 && rnd(2) ? ps : NULL;
            if (u.p && rnd(2))
                ps[2] = 0, ps[1] = 0.5; /* a choice with p = 0: no world */
        }
        parley_set_uncertain(sc, &in, &u, &err); /* a score of a non-table: refused */
    }
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        parley_scenario_free(sc);
        return NULL;
    }
    return sc;
}

/* ---- corner worlds ---- */

typedef struct corner {
    size_t n;                /* inputs */
    parley_input in[64];
    size_t npts[64];
    double pts[64][8];
    double prob[64][8];      /* choice: the probability of each point */
} corner;

static void corner_points(const parley_scenario *sc, corner *c, bool all_choices)
{
    c->n = parley_uncertain_count(sc);
    for (size_t j = 0; j < c->n; j++) {
        parley_uncertain u;
        parley_uncertain_get(sc, j, &c->in[j], &u);
        size_t m = 0;
        if (c->in[j].kind == PARLEY_INPUT_BELIEF) {
            double h = u.value;
            if (h < 1) {
                c->pts[j][m] = 0;
                c->prob[j][m++] = 1 - h;
            }
            if (h > 0) {
                c->pts[j][m] = 1;
                c->prob[j][m++] = h;
            }
        } else if (u.kind == PARLEY_DIST_POINT) {
            c->pts[j][m] = u.value;
            c->prob[j][m++] = 1;
        } else if (u.kind == PARLEY_DIST_CHOICE) {
            for (size_t k = 0; k < u.n; k++) {
                double p = u.p ? u.p[k] : 1.0 / (double)u.n;
                if (p > 0 || !all_choices) {
                    if (!(p > 0))
                        continue;
                    c->pts[j][m] = u.values[k];
                    c->prob[j][m++] = p;
                }
            }
        } else {
            c->pts[j][m] = u.lo;
            c->prob[j][m++] = 0.5;
            c->pts[j][m] = u.hi;
            c->prob[j][m++] = 0.5;
        }
        c->npts[j] = m;
    }
}

/* The point scenario of one corner (pick[j] the point of input j). */
static parley_scenario *corner_world(const parley_scenario *sc, const corner *c,
                                     const size_t *pick)
{
    parley_scenario *w = NULL;
    parley_error err;
    cr_assert_eq(parley_scenario_clone(sc, &w, &err), PARLEY_OK, "%s", err.message);
    for (size_t j = 0; j < c->n; j++) {
        const parley_input *in = &c->in[j];
        double v = c->pts[j][pick[j]];
        parley_uncertain pt = {PARLEY_DIST_POINT, v, 0, 0, 0, 0, 0, NULL, NULL};
        switch (in->kind) {
        case PARLEY_INPUT_RESERVATION: parley_party_set_reservation(w, in->party, v); break;
        case PARLEY_INPUT_WEIGHT: parley_party_set_weight(w, in->party, in->issue, v); break;
        case PARLEY_INPUT_SCORE:
            parley_party_set_value_eval(w, in->party, in->issue, in->value, v);
            break;
        case PARLEY_INPUT_THRESHOLD:
            cr_assert_eq(parley_set_uncertain(w, in, &pt, &err), PARLEY_OK);
            break;
        case PARLEY_INPUT_BELIEF: break;
        }
    }
    /* drop the bluffs, last index first so the others keep theirs */
    for (size_t p = parley_party_count(w); p-- > 0;)
        for (size_t r = parley_redline_count(w, p); r-- > 0;)
            for (size_t j = 0; j < c->n; j++)
                if (c->in[j].kind == PARLEY_INPUT_BELIEF && c->in[j].party == p &&
                    c->in[j].redline == r && c->pts[j][pick[j]] == 0)
                    parley_party_remove_redline(w, p, r);
    cr_assert_eq(parley_scenario_finalize(w, &err), PARLEY_OK, "%s", err.message);
    return w;
}

static size_t space_size(const parley_scenario *sc)
{
    uint64_t n = 0;
    parley_scenario_outcome_count(sc, &n);
    return (size_t)n;
}

static void decode(const parley_scenario *sc, size_t idx, uint32_t *o)
{
    for (size_t i = parley_issue_count(sc); i-- > 0;) {
        size_t nv = parley_issue_value_count(sc, i);
        o[i] = (uint32_t)(idx % nv);
        idx /= nv;
    }
}

/* Enumerate every corner: acc[idx] = number of corners accepting outcome
 * idx; returns the number of corners. */
static size_t corners_accept_fixed(const parley_scenario *sc, const corner *c, size_t *acc,
                                   double *pacc, double *pdeal, size_t fixed, size_t fixpick);

static size_t corners_accept(const parley_scenario *sc, const corner *c, size_t *acc,
                             double *pacc, double *pdeal)
{
    return corners_accept_fixed(sc, c, acc, pacc, pdeal, SIZE_MAX, 0);
}

/* The same over the worlds with input `fixed` at its point fixpick (its
 * probability left out: a conditional distribution), or all worlds. */
static size_t corners_accept_fixed(const parley_scenario *sc, const corner *c, size_t *acc,
                                   double *pacc, double *pdeal, size_t fixed, size_t fixpick)
{
    size_t pick[64] = {0}, ncorners = 0, n = space_size(sc);
    uint32_t o[8];
    if (pdeal)
        *pdeal = 0;
    if (fixed < c->n)
        pick[fixed] = fixpick;
    for (;;) {
        parley_scenario *w = corner_world(sc, c, pick);
        double pw = 1;
        for (size_t j = 0; j < c->n; j++)
            if (j != fixed)
                pw *= c->prob[j][pick[j]];
        bool deal = false;
        for (size_t k = 0; k < n; k++) {
            decode(sc, k, o);
            if (parley_outcome_acceptable(w, o)) {
                acc[k]++;
                if (pacc)
                    pacc[k] += pw;
                deal = true;
            }
        }
        if (pdeal && deal)
            *pdeal += pw;
        parley_scenario_free(w);
        ncorners++;
        size_t j = 0;
        for (;;) {
            if (j == fixed) {
                j++;
                continue;
            }
            if (j == c->n || ++pick[j] < c->npts[j])
                break;
            pick[j++] = 0;
        }
        if (j == c->n)
            break;
    }
    return ncorners;
}

Test(robust, exact_sets_against_every_corner)
{
    rs.s = 0x5eedf00dull;
    size_t want = valgrind() ? 40 : 600, done = 0, refused[2] = {0, 0}, nonempty[2] = {0, 0};
    size_t tries = 0;
    while (done < want) {
        cr_assert_lt(++tries, 20 * want, "too few scenarios build");
        parley_scenario *sc = random_uncertain(false, true);
        if (!sc)
            continue;
        corner c;
        corner_points(sc, &c, true);
        size_t n = space_size(sc);
        size_t *acc = calloc(n, sizeof *acc);
        size_t ncorners = corners_accept(sc, &c, acc, NULL, NULL);
        parley_robust_options opt;
        parley_robust_options_init(&opt);
        opt.no_samples = true;
        opt.top = 1000;
        parley_robust *r = NULL;
        parley_error err;
        cr_assert_eq(parley_robust_run(sc, &opt, &r, &err), PARLEY_OK, "%s", err.message);
        for (int which = 0; which < 2; which++) {
            uint64_t count;
            const char *why;
            if (!parley_robust_exact(r, which, &count, &why)) {
                cr_assert(why[0] != 0);
                cr_assert(which ? g_nonmono_possible : g_nonmono_robust,
                          "scenario %zu: refused without cause: %s", done, why);
                refused[which]++;
                continue;
            }
            size_t want_count = 0, listed = 0;
            uint32_t o[8];
            for (size_t k = 0; k < n; k++) {
                bool in = which == 0 ? acc[k] == ncorners : acc[k] > 0;
                if (!in)
                    continue;
                want_count++;
                decode(sc, k, o);
                const uint32_t *got = parley_robust_exact_outcome(r, which, listed++);
                cr_assert(got != NULL);
                cr_assert(memcmp(got, o, parley_issue_count(sc) * sizeof *o) == 0,
                          "scenario %zu, set %d: outcome %zu differs", done, which, listed);
            }
            cr_assert_eq(count, want_count, "scenario %zu, %s: %llu, brute force %zu", done,
                         which ? "possible" : "robust", (unsigned long long)count, want_count);
            if (want_count)
                nonempty[which]++;
        }
        parley_robust_free(r);
        free(acc);
        parley_scenario_free(sc);
        done++;
    }
    /* the engine refuses only where no corner decides (checked above), and
     * most scenarios are decided */
    cr_assert_lt(refused[0], want / 2, "refused %zu of %zu", refused[0], want);
    cr_assert_lt(refused[1], want / 2, "refused %zu of %zu", refused[1], want);
    cr_assert_geq(nonempty[0], want / 12, "too few scenarios with robust deals: %zu", nonempty[0]);
    cr_assert_gt(nonempty[1], want / 4, "too few with possible deals: %zu", nonempty[1]);
}

static void wilson(double x, double n, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double p = x / n, den = 1 + z * z / n, c = (p + z * z / (2 * n)) / den;
    double h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den;
    *lo = c - h;
    *hi = c + h;
}

Test(robust, choices_only_sampling_against_exact_probabilities)
{
    rs.s = 0xc401ce5ull;
    size_t want = valgrind() ? 4 : 60, done = 0, checks = 0, inside = 0, tries = 0;
    uint64_t samples = valgrind() ? 400 : 4000;
    while (done < want) {
        cr_assert_lt(++tries, 50 * want);
        parley_scenario *sc = random_uncertain(true, true);
        if (!sc)
            continue;
        if (!parley_scenario_is_uncertain(sc)) {
            parley_scenario_free(sc);
            continue;
        }
        corner c;
        corner_points(sc, &c, true);
        size_t n = space_size(sc);
        size_t *acc = calloc(n, sizeof *acc);
        double *pacc = calloc(n, sizeof *pacc), pdeal;
        corners_accept(sc, &c, acc, pacc, &pdeal);
        parley_robust_options opt;
        parley_robust_options_init(&opt);
        opt.samples = samples;
        opt.seed = 1000 + done;
        opt.top = 1000;
        opt.sensitivity = true;
        parley_robust *r = NULL;
        parley_error err;
        cr_assert_eq(parley_robust_run(sc, &opt, &r, &err), PARLEY_OK, "%s", err.message);
        /* the tornado: P(deal) with each input at its low and high end */
        for (size_t k = 0; k < parley_robust_sensitivity_count(r); k++) {
            parley_input in;
            double sl, sh;
            parley_robust_sensitivity(r, k, &in, &sl, &sh);
            size_t j = 0;
            while (j < c.n && !(c.in[j].kind == in.kind && c.in[j].party == in.party &&
                                c.in[j].issue == in.issue && c.in[j].value == in.value &&
                                c.in[j].redline == in.redline))
                j++;
            cr_assert_lt(j, c.n);
            size_t plo = 0, phi = 0; /* the points at the ends */
            for (size_t q = 0; q < c.npts[j]; q++) {
                if (c.pts[j][q] < c.pts[j][plo])
                    plo = q;
                if (c.pts[j][q] > c.pts[j][phi])
                    phi = q;
            }
            for (int e = 0; e < 2; e++) {
                double exact, l, h;
                size_t *acc2 = calloc(n, sizeof *acc2);
                corners_accept_fixed(sc, &c, acc2, NULL, &exact, j, e ? phi : plo);
                free(acc2);
                wilson((e ? sh : sl) * (double)samples, (double)samples, &l, &h);
                checks++;
                inside += exact >= l - 1e-12 && exact <= h + 1e-12;
            }
        }
        double lo, hi, p = parley_robust_deal_probability(r, &lo, &hi);
        checks++;
        inside += pdeal >= lo - 1e-12 && pdeal <= hi + 1e-12;
        (void)p;
        /* every outcome: listed ones with their frequency, others never drawn */
        size_t listed = parley_robust_outcome_count(r);
        uint32_t o[8];
        for (size_t k = 0; k < n; k++) {
            decode(sc, k, o);
            double f = 0;
            for (size_t q = 0; q < listed; q++) {
                double pq;
                const uint32_t *x = parley_robust_outcome(r, q, &pq, NULL);
                if (memcmp(x, o, parley_issue_count(sc) * sizeof *o) == 0)
                    f = pq;
            }
            if (pacc[k] == 0) {
                cr_assert_eq(f, 0, "an outcome acceptable in no world was drawn acceptable");
                continue;
            }
            double l, h;
            wilson(f * (double)samples, (double)samples, &l, &h);
            checks++;
            inside += pacc[k] >= l - 1e-12 && pacc[k] <= h + 1e-12;
        }
        parley_robust_free(r);
        free(acc);
        free(pacc);
        parley_scenario_free(sc);
        done++;
    }
    /* 95% intervals: at least 90% of the checks inside (they are not
     * independent: outcomes share worlds) */
    cr_assert_geq((double)inside, 0.9 * (double)checks, "%zu of %zu inside", inside, checks);
    cr_assert_gt(checks, want);
}

Test(robust, point_scenario_solutions_are_the_analysis_solutions)
{
    rs.s = 0xa11a15ull;
    size_t want = valgrind() ? 10 : 300, done = 0, withdeal = 0, tries = 0;
    static const parley_solution_kind kinds[4] = {
        PARLEY_SOLUTION_NASH, PARLEY_SOLUTION_KALAI_SMORODINSKY, PARLEY_SOLUTION_UTILITARIAN,
        PARLEY_SOLUTION_EGALITARIAN};
    while (done < want) {
        cr_assert_lt(++tries, 20 * want);
        parley_scenario *sc = random_uncertain(false, false);
        if (!sc)
            continue;
        parley_analysis *an = NULL;
        parley_error err;
        if (parley_analyze(sc, NULL, &an, &err) != PARLEY_OK) {
            parley_scenario_free(sc);
            continue;
        }
        parley_robust_options opt;
        parley_robust_options_init(&opt);
        opt.samples = 1;
        parley_robust *r = NULL;
        cr_assert_eq(parley_robust_run(sc, &opt, &r, &err), PARLEY_OK, "%s", err.message);
        uint64_t agree = 0;
        parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &agree);
        uint64_t rc = 0;
        cr_assert(parley_robust_exact(r, 0, &rc, NULL));
        cr_assert_eq(rc, agree, "a point scenario's robust deals are its agreements");
        for (size_t s = 0; s < 4; s++) {
            const uint32_t *ao = NULL;
            bool has = parley_analysis_solution(an, kinds[s], NULL, &ao);
            double p;
            const uint32_t *ro = parley_robust_solution(r, kinds[s], 0, &p);
            cr_assert_eq(has, ro != NULL);
            if (has)
                cr_assert(memcmp(ao, ro, parley_issue_count(sc) * sizeof *ao) == 0,
                          "scenario %zu: %s differs", done, parley_solution_name(kinds[s]));
        }
        withdeal += agree > 0;
        parley_robust_free(r);
        parley_analysis_free(an);
        parley_scenario_free(sc);
        done++;
    }
    cr_assert_gt(withdeal, want / 4, "%zu of %zu with a deal", withdeal, want);
}

Test(robust, same_results_for_any_thread_count)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/abu-dhabi-2026-uncertain.yaml", PARLEY_SOURCE_DIR);
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read_file(path, NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    double first[3][4];
    for (unsigned t = 0; t < 3; t++) {
        parley_robust_options opt;
        parley_robust_options_init(&opt);
        opt.samples = valgrind() ? 64 : 2000;
        opt.seed = 7;
        opt.threads = t == 0 ? 1 : 2 * t;
        opt.sensitivity = true;
        parley_robust *r = NULL;
        cr_assert_eq(parley_robust_run(sc, &opt, &r, &err), PARLEY_OK, "%s", err.message);
        double lo, hi, pm;
        double mean, p05, p95;
        first[t][0] = parley_robust_deal_probability(r, &lo, &hi);
        parley_robust_outcome(r, 0, &pm, NULL);
        first[t][1] = pm;
        parley_robust_nash_utility(r, 0, &mean, &p05, &p95);
        first[t][2] = mean;
        parley_robust_sensitivity(r, 0, NULL, &lo, &hi);
        first[t][3] = hi - lo;
        parley_robust_free(r);
    }
    for (unsigned t = 1; t < 3; t++)
        cr_assert(memcmp(first[0], first[t], sizeof first[0]) == 0);
    parley_scenario_free(sc);
}

/* The progress callback sees the passes in order and can cancel; a run it
 * lets finish gives the same numbers as one without it. */
typedef struct prog_log {
    unsigned calls, cancel_after;
    double last;
    bool backwards;
} prog_log;

static int on_progress(void *ud, const char *phase, double f)
{
    prog_log *l = ud;
    cr_assert(strcmp(phase, "worlds") == 0 || strcmp(phase, "sensitivity") == 0, "%s", phase);
    if (f < l->last || f < 0.0 || f > 1.0)
        l->backwards = true;
    l->last = f;
    return ++l->calls >= l->cancel_after;
}

Test(robust, progress_and_cancel, .timeout = 120)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/abu-dhabi-2026-uncertain.yaml", PARLEY_SOURCE_DIR);
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read_file(path, NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    parley_robust_options opt;
    parley_robust_options_init(&opt);
    opt.samples = valgrind() ? 2000 : 60000;
    opt.seed = 3;
    opt.threads = 2;
    /* a callback that never cancels: the same numbers as without one, and
     * fractions that never go back */
    parley_robust *r0 = NULL, *r1 = NULL;
    cr_assert_eq(parley_robust_run(sc, &opt, &r0, &err), PARLEY_OK, "%s", err.message);
    prog_log keep = {.cancel_after = UINT32_MAX};
    opt.progress = on_progress;
    opt.progress_ud = &keep;
    cr_assert_eq(parley_robust_run(sc, &opt, &r1, &err), PARLEY_OK, "%s", err.message);
    double lo0, hi0, lo1, hi1;
    cr_assert_eq(parley_robust_deal_probability(r0, &lo0, &hi0),
                 parley_robust_deal_probability(r1, &lo1, &hi1));
    cr_assert(!keep.backwards);
    parley_robust_free(r0);
    parley_robust_free(r1);
    /* cancelled at the first report (0.2 s in; the whole run would take
     * over 10 s): a limit failure, no result */
    prog_log stop = {.cancel_after = 1};
    opt.progress_ud = &stop;
    opt.samples = valgrind() ? 100000 : 1500000;
    parley_robust *r2 = NULL;
    cr_assert_eq(parley_robust_run(sc, &opt, &r2, &err), PARLEY_ERR_LIMIT);
    cr_assert_null(r2);
    cr_assert_eq(stop.calls, 1);
    cr_assert(strstr(err.message, "cancelled"), "%s", err.message);
    /* a deadline already past: a limit failure naming the time limit */
    opt.progress = NULL;
    opt.samples = 2000;
    opt.max_seconds = 1e-9;
    parley_robust *r3 = NULL;
    cr_assert_eq(parley_robust_run(sc, &opt, &r3, &err), PARLEY_ERR_LIMIT);
    cr_assert_null(r3);
    cr_assert(strstr(err.message, "time limit") && strstr(err.message, "--max-seconds"), "%s",
              err.message);
    parley_scenario_free(sc);
}

Test(robust, reader_keeps_the_distributions)
{
    static const char text[] =
        "parley: 1\n"
        "issues:\n  a: {values: [x, y]}\n"
        "parties:\n"
        "  P:\n"
        "    reservation: {normal: [0.3, 0.1], between: [0.1, 0.5]}\n"
        "    utility:\n"
        "      a: {weight: {choice: [0.5, 1], p: [0.25, 0.75]}, values: {x: {between: [0.2, 0.4]}, y: 1}}\n"
        "    red-lines:\n"
        "      r: {rule: \"utility(P) >= 0.2\", holds: 0.25, threshold: {choice: [0.1, 0.3]}}\n";
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read(text, sizeof text - 1, "t", NULL, &sc, &err), PARLEY_OK, "%s",
                 err.message);
    cr_assert(parley_scenario_is_uncertain(sc));
    cr_assert_eq(parley_uncertain_count(sc), 5);
    /* nominal values: the truncated normal's mean (symmetric: 0.3), the
     * likeliest choice, the midpoint, the first of equal choices */
    cr_assert(fabs(parley_party_reservation(sc, 0) - 0.3) < 1e-12);
    cr_assert_eq(parley_party_weight(sc, 0, 0), 1);
    parley_eval_info info;
    parley_party_eval_info(sc, 0, 0, &info);
    cr_assert(fabs(info.table[0] - 0.3) < 1e-15);
    cr_assert_eq(parley_redline_belief(sc, 0, 0), 0.25);
    uint32_t o[1] = {0};
    /* utility 0.3 >= threshold 0.1 (nominal), not >= 0.3+ */
    cr_assert(parley_redline_holds(sc, 0, 0, o));
    parley_input in = {PARLEY_INPUT_WEIGHT, 0, 0, 0, 0};
    parley_uncertain u;
    cr_assert(parley_uncertain_find(sc, &in, &u));
    cr_assert_eq(u.kind, PARLEY_DIST_CHOICE);
    cr_assert_eq(u.n, 2);
    cr_assert_eq(u.p[1], 0.75);
    char name[64];
    cr_assert_str_eq(parley_input_name(sc, &in, name, sizeof name), "P:a.weight");
    /* a clone keeps them, thresholds included */
    parley_scenario *c = NULL;
    cr_assert_eq(parley_scenario_clone(sc, &c, &err), PARLEY_OK);
    cr_assert_eq(parley_uncertain_count(c), 5);
    cr_assert(parley_redline_holds(c, 0, 0, o));
    parley_scenario_free(c);
    parley_scenario_free(sc);
}

/* In one world (a point scenario), each red line's P(in a minimal conflict)
 * and P(binding) are 0 or 1, and must say what parley_diagnose says: in
 * some minimal conflict when there is no deal, binding (dropping it moves
 * the Nash point) when there is one. */
Test(robust, conflicts_and_binding_match_the_diagnosis)
{
    rs.s = 0xd1a6ull;
    size_t want = valgrind() ? 8 : 200, done = 0, tries = 0, conflicts = 0, bindings = 0;
    while (done < want) {
        cr_assert_lt(++tries, 20 * want);
        parley_scenario *sc = random_uncertain(false, false);
        if (!sc)
            continue;
        parley_diagnosis_options dopt;
        parley_diagnosis_options_init(&dopt);
        parley_diagnosis *dg = NULL;
        parley_error err;
        if (parley_diagnose(sc, &dopt, &dg, &err) != PARLEY_OK || !parley_diagnosis_complete(dg)) {
            parley_diagnosis_free(dg);
            parley_scenario_free(sc);
            continue;
        }
        parley_robust_options opt;
        parley_robust_options_init(&opt);
        opt.samples = 1;
        parley_robust *r = NULL;
        cr_assert_eq(parley_robust_run(sc, &opt, &r, &err), PARLEY_OK, "%s", err.message);
        bool deal = parley_diagnosis_deal_exists(dg);
        cr_assert_eq(deal, parley_robust_deal_probability(r, NULL, NULL) == 1.0);
        size_t nr = parley_robust_redline_count(r), nc = parley_diagnosis_constraint_count(dg);
        for (size_t k = 0; k < nr; k++) {
            size_t party, rl;
            double pc, pb;
            parley_robust_redline(r, k, &party, &rl, &pc, &pb);
            size_t c = SIZE_MAX;
            for (size_t q = 0; q < nc; q++)
                if (parley_diagnosis_constraint_kind(dg, q) == PARLEY_CONSTRAINT_REDLINE &&
                    parley_diagnosis_constraint_party(dg, q) == party &&
                    parley_diagnosis_constraint_redline(dg, q) == rl)
                    c = q;
            cr_assert_neq(c, SIZE_MAX);
            if (!deal) {
                bool in = false;
                for (size_t m = 0; m < parley_diagnosis_conflict_count(dg); m++) {
                    const size_t *mem;
                    size_t n = parley_diagnosis_conflict(dg, m, &mem);
                    for (size_t j = 0; j < n; j++)
                        in |= mem[j] == c;
                }
                cr_assert_eq(pc, in ? 1.0 : 0.0, "scenario %zu, red line %zu", done, k);
                conflicts += in;
            } else {
                bool bind = parley_diagnosis_status(dg, c, NULL, 0) == PARLEY_STATUS_BINDING;
                cr_assert_eq(pb, bind ? 1.0 : 0.0, "scenario %zu, red line %zu: %g", done, k, pb);
                bindings += bind;
            }
        }
        parley_robust_free(r);
        parley_diagnosis_free(dg);
        parley_scenario_free(sc);
        done++;
    }
    cr_assert_gt(conflicts, 0);
    cr_assert_gt(bindings, 0);
}
