/*
 * test_mip.c -- the MIP route of the non-linear analysis (src/analysis/
 * an_mip.c: epsilon-constraint walks with GLPK) against brute force.
 *
 * Random two-party scenarios of at most 10^5 outcomes (2 to 5 integer and
 * discrete issues), whose utilities are integer-valued interaction terms
 * only -- overlapping conjunctions of ==, !=, in, <=, >=, `not` of one
 * comparison, and `true`; negative values; divisors above and below the
 * largest sum, integer or not -- with reservation values and red lines
 * (over issues and over utility()).  Every outcome is enumerated through
 * the public API (parley_utility, parley_outcome_acceptable):
 *  - an_mip_frontier2 itself gives exactly the frontier's points, each
 *    with an outcome whose utilities, re-evaluated, are the point's;
 *  - parley_analyze (1 and 2 threads, the walk then the search) gives
 *    both frontiers with multiplicities and smallest outcomes, the counts
 *    and the Nash, utilitarian and egalitarian solutions of enumeration,
 *    and says exact;
 *  - with a small work limit (the walk stops after a few solver nodes and
 *    the search soon after), or a time limit of a millisecond or two, the
 *    reported gap holds: every true frontier point is within it of a
 *    reported point, each reported point is real.
 * One scenario in five gives a party a linear part too: the route must
 * refuse it (UNSUPPORTED) and the analysis still equal enumeration.
 * Fewer scenarios under valgrind (PARLEY_UNDER_VALGRIND).
 */
#include <criterion/criterion.h>

#include "parley/parley.h"
#include "helpers/helpers.h"
#include "analysis/an.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rng R;

static uint32_t rn(uint32_t n)
{
    return rng_u32(&R) % n;
}

typedef struct gen {
    size_t m;
    uint32_t nv[5];
    bool integer[5];
    bool linear;           /* some party has a linear part */
    size_t total;
} gen;

/* One comparison on a random issue, in the rule language. */
static void leaf(const gen *g, char *buf, size_t n)
{
    size_t i = rn((uint32_t)g->m);
    uint32_t v = rn(g->nv[i]), w = rn(g->nv[i]);
    char a[16], b[16];
    if (g->integer[i]) {
        snprintf(a, sizeof a, "%u", v);
        snprintf(b, sizeof b, "%u", w);
    } else {
        snprintf(a, sizeof a, "v%u", v);
        snprintf(b, sizeof b, "v%u", w);
    }
    switch (rn(g->integer[i] ? 7 : 4)) {
    case 0:
        snprintf(buf, n, "i%zu == %s", i, a);
        break;
    case 1:
        snprintf(buf, n, "i%zu != %s", i, a);
        break;
    case 2:
        snprintf(buf, n, "i%zu in {%s, %s}", i, a, b);
        break;
    case 3:
        snprintf(buf, n, "not (i%zu == %s)", i, a);
        break;
    case 4:
        snprintf(buf, n, "i%zu >= %s", i, a);
        break;
    case 5:
        snprintf(buf, n, "i%zu <= %s", i, a);
        break;
    default:
        snprintf(buf, n, "i%zu >= %u and i%zu <= %u", i, v < w ? v : w, i, v < w ? w : v);
        break;
    }
}

static parley_scenario *make(gen *g)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    do {
        g->m = 2 + rn(4);
        g->total = 1;
        for (size_t i = 0; i < g->m; i++) {
            g->nv[i] = 2 + rn(9);
            g->integer[i] = rn(2);
            g->total *= g->nv[i];
        }
    } while (g->total > 100000);
    g->linear = rn(5) == 0;
    if (g->linear)
        g->integer[0] = false;
    for (size_t i = 0; i < g->m; i++) {
        char name[24];
        snprintf(name, sizeof name, "i%zu", i);
        if (g->integer[i]) {
            cr_assert_eq(parley_scenario_add_integer(sc, name, 0, (int64_t)g->nv[i] - 1, 1, NULL,
                                                     &err),
                         PARLEY_OK, "%s", err.message);
        } else {
            const char *vals[10] = {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"};
            cr_assert_eq(parley_scenario_add_discrete(sc, name, g->nv[i], vals, NULL, &err),
                         PARLEY_OK, "%s", err.message);
        }
    }
    for (size_t p = 0; p < 2; p++)
        cr_assert_eq(parley_scenario_add_party(sc, p ? "B" : "A", PARLEY_ROLE_NEGOTIATOR, NULL,
                                               &err),
                     PARLEY_OK);
    for (size_t p = 0; p < 2; p++) {
        if (g->linear && p == 1) { /* a linear part on issue 0 (discrete) */
            size_t i = 0;
            parley_party_set_weight(sc, p, i, 0.3);
            for (uint32_t k = 0; k < g->nv[i]; k++)
                parley_party_set_value_eval(sc, p, i, k, (double)(k + 1) / 10.0);
        }
        size_t nt = 1 + rn(8);
        double pos = 0.0;
        for (size_t t = 0; t < nt; t++) {
            char cond[512] = "", a[128];
            if (rn(12) == 0) {
                snprintf(cond, sizeof cond, "true");
            } else {
                size_t k = 1 + rn(3);
                for (size_t q = 0; q < k; q++) {
                    leaf(g, a, sizeof a);
                    size_t len = strlen(cond);
                    snprintf(cond + len, sizeof cond - len, "%s%s", q ? " and " : "", a);
                }
            }
            double v = rn(4) == 0 ? -(double)(1 + rn(30)) : (double)(1 + rn(60));
            if (v > 0)
                pos += v;
            cr_assert_eq(parley_party_add_interaction(sc, p, cond, v, &err), PARLEY_OK, "%s: %s",
                         cond, err.message);
        }
        static const double f[] = {0.5, 0.8, 1.0, 1.0, 1.37, 2.0};
        double dv = pos > 0 ? pos * f[rn(6)] : 1.0;
        if (rn(2))
            dv = floor(dv) > 0 ? floor(dv) : 1.0;
        cr_assert_eq(parley_party_set_interaction_divisor(sc, p, dv), PARLEY_OK);
        static const double rv[] = {0.0, 0.0, 0.1, 0.3, 0.5};
        parley_party_set_reservation(sc, p, rv[rn(5)]);
    }
    if (rn(3) == 0) {
        char a[128];
        leaf(g, a, sizeof a);
        char text[160];
        snprintf(text, sizeof text, "not (%s)", a);
        cr_assert_eq(parley_party_add_redline(sc, rn(2), "issue-line", text, &err), PARLEY_OK,
                     "%s: %s", text, err.message);
    }
    if (rn(4) == 0)
        cr_assert_eq(parley_party_add_redline(sc, 0, "util-line", "utility(B) >= 0.2", &err),
                     PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_scenario_finalize(sc, &err), PARLEY_OK, "%s", err.message);
    return sc;
}

/* ---- brute force ---- */

typedef struct bpt {
    double u[2];
    uint64_t cnt;
    size_t idx;            /* the outcome's rank in lexicographic order */
    uint32_t o[5];         /* the smallest outcome */
} bpt;

typedef struct brute {
    bpt *f[2];             /* frontiers (all, agreements), u1 ascending */
    size_t nf[2];
    uint64_t agreements, pareto[2];
} brute;

static int cmp_desc(const void *x, const void *y)
{
    const bpt *a = x, *b = y;
    if (a->u[0] != b->u[0])
        return a->u[0] > b->u[0] ? -1 : 1;
    if (a->u[1] != b->u[1])
        return a->u[1] > b->u[1] ? -1 : 1;
    return 0;
}

/* pts: every outcome's vector; the frontier with counts and smallest
 * outcomes into out (u1 ascending). */
static size_t frontier_of(bpt *pts, size_t n, bpt *out)
{
    qsort(pts, n, sizeof *pts, cmp_desc);
    size_t nf = 0;
    double best2 = -1.0;
    for (size_t k = 0; k < n;) {
        size_t e = k, small = k;
        uint64_t c = 0;
        while (e < n && cmp_desc(&pts[e], &pts[k]) == 0) { /* one vector */
            c++;
            if (pts[e].idx < pts[small].idx)
                small = e;
            e++;
        }
        if (pts[k].u[1] > best2) { /* the first of a u1 group has its largest u2 */
            out[nf] = pts[small];
            out[nf].cnt = c;
            nf++;
            best2 = pts[k].u[1];
        }
        while (e < n && pts[e].u[0] == pts[k].u[0])
            e++;
        k = e;
    }
    for (size_t a = 0, b = nf ? nf - 1 : 0; a < b; a++, b--) {
        bpt t = out[a];
        out[a] = out[b];
        out[b] = t;
    }
    return nf;
}

static void brute_run(const parley_scenario *sc, const gen *g, brute *B)
{
    memset(B, 0, sizeof *B);
    bpt *all = calloc(g->total, sizeof *all), *acc = calloc(g->total, sizeof *acc);
    B->f[0] = calloc(g->total, sizeof(bpt));
    B->f[1] = calloc(g->total, sizeof(bpt));
    cr_assert(all && acc && B->f[0] && B->f[1]);
    size_t na = 0;
    uint32_t o[5] = {0};
    for (size_t x = 0; x < g->total; x++) {
        size_t r = x;
        for (size_t i = g->m; i-- > 0;) {
            o[i] = (uint32_t)(r % g->nv[i]);
            r /= g->nv[i];
        }
        bpt p = {{parley_utility(sc, 0, o), parley_utility(sc, 1, o)}, 1, x, {0}};
        memcpy(p.o, o, g->m * sizeof(uint32_t));
        all[x] = p;
        if (parley_outcome_acceptable(sc, o))
            acc[na++] = p;
    }
    B->agreements = na;
    B->nf[0] = frontier_of(all, g->total, B->f[0]);
    B->nf[1] = frontier_of(acc, na, B->f[1]);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < B->nf[k]; i++)
            B->pareto[k] += B->f[k][i].cnt;
    free(all);
    free(acc);
}

static void brute_free(brute *B)
{
    free(B->f[0]);
    free(B->f[1]);
}

/* ---- the checks ---- */

static void check_route(const parley_scenario *sc, const gen *g, const brute *B, const char *what)
{
    parley_error err;
    an_space sp;
    cr_assert_eq(an_space_build(sc, &sp, &err), PARLEY_OK, "%s", err.message);
    parley_analysis_options opt;
    parley_analysis_options_init(&opt);
    opt.max_work = PARLEY_ANALYSIS_DEFAULT_MAX_WORK;
    an_run run = {.sp = &sp, .opt = &opt, .phase = "frontier", .soft = true};
    an_arch F;
    an_arch_init(&F, sp.alloc, sp.d, sp.m, 1000000);
    an_mip_result res;
    parley_status st = an_mip_frontier2(&run, &F, &res);
    if (g->linear) {
        cr_assert_eq(st, PARLEY_ERR_UNSUPPORTED, "%s: a linear part must be refused", what);
        cr_assert_eq(F.n, 0);
    } else {
        cr_assert_eq(st, PARLEY_OK, "%s: the route refused (%d)", what, (int)st);
        cr_assert(res.complete, "%s: walk not complete", what);
        cr_assert_eq(F.n, B->nf[0], "%s: %zu points, enumeration %zu", what, F.n, B->nf[0]);
        for (size_t i = 0; i < F.n; i++) {
            for (size_t j = 0; j < 2; j++) {
                cr_assert_eq(F.u[i * 2 + j], B->f[0][i].u[j], "%s: point %zu dim %zu", what, i, j);
                cr_assert_eq(parley_utility(sc, j, F.rep + i * sp.m), F.u[i * 2 + j],
                             "%s: point %zu's outcome, dim %zu", what, i, j);
            }
        }
    }
    an_arch_free(&F);
    /* A walk stopped by its budget (k solver nodes): its points are
     * frontier points, and every other frontier point is below its
     * corner in both utilities. */
    for (uint64_t k = 0; k < 6 && !g->linear; k++) {
        opt.max_work = 2 * k * AN_MIP_NODE_UNITS;
        run.work = 0;
        an_arch_init(&F, sp.alloc, sp.d, sp.m, 1000000);
        st = an_mip_frontier2(&run, &F, &res);
        cr_assert(st == PARLEY_OK || (st == PARLEY_ERR_LIMIT && F.n == 0), "%s: budget %llu: %d",
                  what, (unsigned long long)k, (int)st);
        for (size_t q = 0; q < B->nf[0]; q++) {
            bool found = false;
            for (size_t i = 0; i < F.n && !found; i++)
                found = F.u[i * 2] == B->f[0][q].u[0] && F.u[i * 2 + 1] == B->f[0][q].u[1];
            if (found || st != PARLEY_OK)
                continue;
            cr_assert(!res.complete, "%s: budget %llu: complete without point %zu", what,
                      (unsigned long long)k, q);
            cr_assert(B->f[0][q].u[0] <= res.corner[0] && B->f[0][q].u[1] <= res.corner[1],
                      "%s: budget %llu: point (%g, %g) beyond the corner (%g, %g)", what,
                      (unsigned long long)k, B->f[0][q].u[0], B->f[0][q].u[1], res.corner[0],
                      res.corner[1]);
        }
        for (size_t i = 0; i < F.n; i++) {
            bool on = false;
            for (size_t q = 0; q < B->nf[0] && !on; q++)
                on = F.u[i * 2] == B->f[0][q].u[0] && F.u[i * 2 + 1] == B->f[0][q].u[1];
            cr_assert(on, "%s: budget %llu: point %zu is not on the frontier", what,
                      (unsigned long long)k, i);
        }
        an_arch_free(&F);
    }
    an_run_free_open(&run);
    an_space_free(&sp);
}

static void check_analysis(const parley_scenario *sc, const gen *g, const brute *B,
                           const char *what)
{
    for (unsigned threads = 1; threads <= 2; threads++) {
        parley_analysis_options opt;
        parley_analysis_options_init(&opt);
        opt.threads = threads;
        parley_analysis *an = NULL;
        parley_error err;
        cr_assert_eq(parley_analyze(sc, &opt, &an, &err), PARLEY_OK, "%s: %s", what, err.message);
        cr_assert(parley_analysis_exact(an), "%s: not exact", what);
        uint64_t c = 0;
        cr_assert(parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &c));
        cr_assert_eq(c, B->agreements, "%s: agreements %llu, enumeration %llu", what,
                     (unsigned long long)c, (unsigned long long)B->agreements);
        for (int k = 0; k < 2; k++) {
            parley_frontier_kind fk = k ? PARLEY_FRONTIER_AGREEMENTS : PARLEY_FRONTIER_ALL;
            cr_assert(parley_analysis_count(
                an, k ? PARLEY_COUNT_PARETO_AGREEMENTS : PARLEY_COUNT_PARETO_OUTCOMES, &c));
            cr_assert_eq(c, B->pareto[k], "%s: frontier %d outcomes", what, k);
            size_t n = parley_analysis_frontier_size(an, fk);
            cr_assert_eq(n, B->nf[k], "%s: frontier %d has %zu points, enumeration %zu", what, k,
                         n, B->nf[k]);
            for (size_t i = 0; i < n; i++) {
                const double *u = parley_analysis_frontier_utilities(an, fk, i);
                const uint32_t *o = parley_analysis_frontier_outcome(an, fk, i);
                uint64_t mult = 0;
                cr_assert(parley_analysis_frontier_multiplicity(an, fk, i, &mult));
                cr_assert(u[0] == B->f[k][i].u[0] && u[1] == B->f[k][i].u[1],
                          "%s: frontier %d point %zu", what, k, i);
                cr_assert_eq(mult, B->f[k][i].cnt, "%s: frontier %d point %zu multiplicity", what,
                             k, i);
                cr_assert_eq(memcmp(o, B->f[k][i].o, g->m * sizeof(uint32_t)), 0,
                             "%s: frontier %d point %zu smallest outcome", what, k, i);
            }
        }
        /* solutions, recomputed from the enumerated agreement frontier
         * with the tie rules of parley/analysis.h (first strict best in
         * frontier order; egalitarian ties to the larger sum) */
        const double *su;
        bool has = parley_analysis_solution(an, PARLEY_SOLUTION_NASH, &su, NULL);
        cr_assert_eq(has, B->nf[1] > 0, "%s: a solution iff a deal", what);
        if (has) {
            double rv[2] = {parley_party_reservation(sc, 0), parley_party_reservation(sc, 1)};
            size_t in = 0, iu = 0, ie = 0;
            const bpt *f = B->f[1];
            for (size_t i = 1; i < B->nf[1]; i++) {
                double nn = (f[i].u[0] - rv[0]) * (f[i].u[1] - rv[1]);
                if (nn > (1.0 * (f[in].u[0] - rv[0])) * (f[in].u[1] - rv[1]))
                    in = i;
                if (f[i].u[0] + f[i].u[1] > f[iu].u[0] + f[iu].u[1])
                    iu = i;
                double mi = fmin(f[i].u[0], f[i].u[1]), me = fmin(f[ie].u[0], f[ie].u[1]);
                if (mi > me || (mi == me && f[i].u[0] + f[i].u[1] > f[ie].u[0] + f[ie].u[1]))
                    ie = i;
            }
            cr_assert(su[0] == f[in].u[0] && su[1] == f[in].u[1], "%s: Nash", what);
            parley_analysis_solution(an, PARLEY_SOLUTION_UTILITARIAN, &su, NULL);
            cr_assert(su[0] == f[iu].u[0] && su[1] == f[iu].u[1], "%s: utilitarian", what);
            parley_analysis_solution(an, PARLEY_SOLUTION_EGALITARIAN, &su, NULL);
            cr_assert(su[0] == f[ie].u[0] && su[1] == f[ie].u[1], "%s: egalitarian", what);
        }
        parley_analysis_free(an);
    }
}

/* A small work limit: the walk stops after a few solver nodes, the search
 * soon after; whatever is reported must hold. */
static void check_limited(const parley_scenario *sc, const gen *g, const brute *B,
                          const char *what)
{
    parley_analysis_options opt;
    parley_analysis_options_init(&opt);
    opt.max_work = 2 * AN_MIP_NODE_UNITS * (1 + rn(12)) + rn(3000);
    if (rn(8) == 0) { /* a time limit instead (the answer depends on the machine) */
        opt.max_work = 0;
        opt.max_seconds = 0.0005 * (1 + rn(4));
    }
    parley_analysis *an = NULL;
    parley_error err;
    cr_assert_eq(parley_analyze(sc, &opt, &an, &err), PARLEY_OK, "%s: %s", what, err.message);
    double gap = parley_analysis_exact(an) ? 0.0 : parley_analysis_gap(an);
    for (int k = 0; k < 2; k++) {
        parley_frontier_kind fk = k ? PARLEY_FRONTIER_AGREEMENTS : PARLEY_FRONTIER_ALL;
        size_t n = parley_analysis_frontier_size(an, fk);
        for (size_t i = 0; i < n; i++) { /* real outcomes */
            const double *u = parley_analysis_frontier_utilities(an, fk, i);
            const uint32_t *o = parley_analysis_frontier_outcome(an, fk, i);
            for (size_t j = 0; j < 2; j++)
                cr_assert_eq(parley_utility(sc, j, o), u[j], "%s: limited, point %zu", what, i);
        }
        for (size_t q = 0; q < B->nf[k]; q++) { /* the gap holds */
            bool near = false;
            for (size_t i = 0; i < n && !near; i++) {
                const double *u = parley_analysis_frontier_utilities(an, fk, i);
                near = B->f[k][q].u[0] <= u[0] + gap && B->f[k][q].u[1] <= u[1] + gap;
            }
            cr_assert(near, "%s: limited (work %llu): frontier %d point (%g, %g) farther than "
                      "the gap %g", what, (unsigned long long)opt.max_work, k, B->f[k][q].u[0],
                      B->f[k][q].u[1], gap);
        }
    }
    parley_analysis_free(an);
    (void)g;
}

Test(analysis_mip, brute_force)
{
    uint64_t n = getenv("PARLEY_UNDER_VALGRIND") ? 25 : 400;
    size_t refused = 0, used = 0;
    for (uint64_t s = 1; s <= n; s++) {
        R.s = s * 0x9E3779B97F4A7C15ull + 11;
        gen g;
        parley_scenario *sc = make(&g);
        brute B;
        brute_run(sc, &g, &B);
        char what[64];
        snprintf(what, sizeof what, "seed %llu", (unsigned long long)s);
        check_route(sc, &g, &B, what);
        check_analysis(sc, &g, &B, what);
        check_limited(sc, &g, &B, what);
        if (g.linear)
            refused++;
        else
            used++;
        brute_free(&B);
        parley_scenario_free(sc);
    }
    cr_assert(used > n / 2 && refused > 0, "used %zu, refused %zu", used, refused);
}
