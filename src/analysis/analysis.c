/*
 * analysis.c -- parley_analyze(): the agreement-space analysis, its public
 * accessors and the bargaining solutions.
 *
 * Plan of an analysis (docs/analysis.md tells the story at length):
 *  1. The space: stakeholder dimensions, per-issue term tables laid out
 *     value-major (terms[i][k*d + j]), per-issue extreme terms for the bounds,
 *     free issues folded into a multiplier (an.h).
 *  2. The all-outcomes frontier's point set by issue-wise merging of
 *     non-dominated partial sums (an_merge_frontier); if the partial
 *     frontiers grow past the limit, no seed.
 *  3. One branch-and-bound pass over all outcomes, seeded with that point
 *     set, counts every frontier point's outcomes and finds its smallest
 *     outcome (an_search).
 *  4. The agreement frontier.  Red lines that are conjunctions of
 *     utility(P) >= t / > t become thresholds like reservation values.
 *     When every remaining red line is "upward" (and/or of such
 *     comparisons on stakeholders), the agreement set is upward closed in
 *     utility space, so its frontier is the all-outcomes frontier filtered
 *     by the constraints, counts included.  Otherwise a second search with
 *     the constraints, its archive started with the all-outcomes frontier
 *     points whose smallest outcome is acceptable.
 *  5. The agreement count: a counting search that adds whole subtrees
 *     once their bounds show every completion is acceptable; if it has
 *     not settled quickly and the constraints are reservation values only,
 *     meeting in the middle (an_mitm.c) counts exactly in about sqrt(N).
 *  Interaction terms (some party's utility is not additive): no merge in
 *  step 2 and no meeting in the middle in step 5 (both add per-issue
 *  terms); the searches bound each utility term-wise (an.h), and the best
 *  utilities over all outcomes are read off the frontier.  Two parties with
 *  integer rectangle terms: if a first frontier search (a quarter of the
 *  work limit) stops short, an epsilon-constraint walk with a MIP solver
 *  (an_mip.c) finds the frontier's points, which start a second search.
 *  6. The solutions, from the frontier points (tie rules in
 *     parley/analysis.h), and, when there is no deal, each party's
 *     acceptable count alone.
 *  Many parties (options.frontier other than ALL, or AUTO past its small
 *  limits): steps 2-4 and 6 are replaced by the solution-first engine
 *  (the section of that name below): the count, then each solution by a
 *  branch and bound on its own objective, then only the listed points.
 *
 * Ownership: a parley_analysis owns copies of everything it reports (it
 * does not borrow from the scenario) and is freed with
 * parley_analysis_free(), through the scenario's allocator (copied).
 */
#include "analysis/an.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parley_analysis {
    parley_allocator allocv;
    size_t d, m, np;
    size_t *dimp;
    an_count cnt[4];
    an_arch front[2];
    bool has_sol[PARLEY_SOLUTION_COUNT];
    size_t sol_idx[PARLEY_SOLUTION_COUNT];
    double *best_all, *best_agree; /* d each */
    bool diagnosed;
    an_count *alone;               /* np */
    bool *alone_valid, *rv_out;    /* np */
    bool inexact;                  /* a pass stopped early (soft stop) */
    bool mip;                      /* the MIP walk found frontier points */
    an_mip_result mipr;            /* then: complete, or where the rest can be */
    double gap;                    /* then: the proven bound (open_gap) */
    /* the solution-first engine (many parties): the lists hold only some
     * points; pareto_hi bounds each frontier's Pareto outcomes */
    bool partial;
    char mode[64];                 /* what was listed (frontier_mode) */
    an_count pareto_hi[2];
    an_arch solp;                  /* the solutions' points (sol_own) */
    bool sol_own;
    bool has_est;
    double est, est_lo, est_hi;
    size_t est_n;
};

void parley_analysis_options_init(parley_analysis_options *opt)
{
    if (opt)
        memset(opt, 0, sizeof *opt);
}

/* ------------------------------------------------------------ space */

void an_space_free(an_space *sp)
{
    const parley_allocator *a = sp->alloc;
    size_t m = sp->m, d = sp->d;
    if (sp->terms && sp->nv) {
        for (size_t i = 0; i < m; i++)
            parleyx_free(a, sp->terms[i], (size_t)sp->nv[i] * d * sizeof(double));
    }
    parleyx_free(a, sp->terms, (m ? m : 1) * sizeof(double *));
    parleyx_free(a, sp->nv, (m ? m : 1) * sizeof(uint32_t));
    parleyx_free(a, sp->order, (m ? m : 1) * sizeof(size_t));
    parleyx_free(a, sp->dimp, d * sizeof(size_t));
    parleyx_free(a, sp->tmax, (m * d + 1) * sizeof(double));
    parleyx_free(a, sp->tmin, (m * d + 1) * sizeof(double));
    parleyx_free(a, sp->pmax, (m * sp->np + 1) * sizeof(double));
    parleyx_free(a, sp->pmin, (m * sp->np + 1) * sizeof(double));
    an_inter_free(sp);
    memset(sp, 0, sizeof *sp);
}

static bool stakeholder(const pm_party *pa)
{
    return pa->role == PARLEY_ROLE_NEGOTIATOR || pa->role == PARLEY_ROLE_RATIFIER;
}

static bool rule_names_issue(const rule *r, size_t issue)
{
    if (!r)
        return false;
    if (r->op == RULE_ISSUE_IN)
        return r->issue == issue;
    return rule_names_issue(r->a, issue) || rule_names_issue(r->b, issue);
}

/* Made of and/or of utility(P) >= t / > t with P a dimension. */
static bool rule_upward(const rule *r, const long *dim_of)
{
    switch (r->op) {
    case RULE_TRUE:
    case RULE_FALSE:
        return true;
    case RULE_AND:
    case RULE_OR:
        return rule_upward(r->a, dim_of) && rule_upward(r->b, dim_of);
    case RULE_UTIL_CMP:
        return dim_of[r->party] >= 0 && (r->cmp == RULE_GE || r->cmp == RULE_GT);
    default:
        return false;
    }
}

/* A free issue: every party's terms equal over its values, no
 * interaction term of any party names it, and no red line of a negotiator
 * or ratifier names it. */
static bool issue_is_free(const parley_scenario *sc, size_t i)
{
    size_t n = sc->issues[i].nvalues;
    bool isfree = n > 1;
    for (size_t p = 0; p < sc->nparties && isfree; p++) {
        const double *t = sc->parties[p].terms[i];
        for (size_t k = 1; k < n && isfree; k++)
            if (t[k] != t[0])
                isfree = false;
    }
    for (size_t p = 0; p < sc->nparties && isfree; p++) {
        const pm_party *pa = &sc->parties[p];
        for (size_t t = 0; t < pa->nterms && isfree; t++)
            if (rule_names_issue(pa->iterms[t].rule, i))
                isfree = false;
    }
    for (size_t p = 0; p < sc->nparties && isfree; p++) {
        const pm_party *pa = &sc->parties[p];
        if (!stakeholder(pa))
            continue;
        for (size_t r = 0; r < pa->nredlines && isfree; r++)
            if (rule_names_issue(pa->redlines[r].rule, i))
                isfree = false;
    }
    return isfree;
}

/* Issue i's n searched values: the dimensions' terms, value-major, and the
 * extreme terms of the dimensions and of every party.  false: no memory. */
static bool space_issue(an_space *sp, size_t i, size_t n)
{
    const parley_scenario *sc = sp->sc;
    size_t d = sp->d, np = sp->np;
    sp->nv[i] = (uint32_t)n;
    sp->terms[i] = parleyx_malloc(sp->alloc, n * d * sizeof(double));
    if (!sp->terms[i])
        return false;
    for (size_t j = 0; j < d; j++) {
        const double *t = sc->parties[sp->dimp[j]].terms[i];
        for (size_t k = 0; k < n; k++)
            sp->terms[i][k * d + j] = t[k];
        pm_terms_range(t, n, &sp->tmax[i * d + j], &sp->tmin[i * d + j]);
    }
    for (size_t p = 0; p < np; p++)
        pm_terms_range(sc->parties[p].terms[i], n, &sp->pmax[i * np + p], &sp->pmin[i * np + p]);
    return true;
}

/* The branching order: issues of conflict (no value best for every
 * dimension at once) first, then by utility range, widest first; ties by
 * issue index; free issues last.  With interaction terms, the range of an
 * issue also counts, for each dimension, the |value| / divisor of every
 * term that names it (an issue in many terms decides much when it is
 * fixed), and every issue a term names counts as one of conflict.  false:
 * no memory. */
static bool space_order(an_space *sp)
{
    size_t m = sp->m, d = sp->d;
    double *key = parleyx_calloc(sp->alloc, m ? m : 1, sizeof(double));
    if (!key)
        return false;
    for (size_t i = 0; i < m; i++) {
        double range = 0.0;
        for (size_t j = 0; j < d; j++) {
            double r = sp->tmax[i * d + j] - sp->tmin[i * d + j];
            if (sp->nit) {
                const pm_party *pa = &sp->sc->parties[sp->dimp[j]];
                for (size_t q = sp->ibi_start[i]; q < sp->ibi_start[i + 1]; q++)
                    if (sp->itparty[sp->ibi[q]] == sp->dimp[j])
                        r += fabs(sp->it[sp->ibi[q]]->value) / pa->idiv;
            }
            if (r > range)
                range = r;
        }
        bool aligned = false;
        for (size_t k = 0; k < sp->nv[i] && !aligned; k++) {
            bool best = true;
            for (size_t j = 0; j < d && best; j++)
                if (sp->terms[i][k * d + j] != sp->tmax[i * d + j])
                    best = false;
            aligned = best;
        }
        if (sp->nit && sp->ibi_start[i + 1] > sp->ibi_start[i])
            aligned = false;
        key[i] = sp->nv[i] == 1 ? -1.0 : (aligned ? 0.0 : 2.0) + range;
        sp->order[i] = i;
    }
    for (size_t x = 1; x < m; x++) { /* insertion sort: stable, m small */
        size_t v = sp->order[x], y = x;
        while (y > 0 && key[sp->order[y - 1]] < key[v]) {
            sp->order[y] = sp->order[y - 1];
            y--;
        }
        sp->order[y] = v;
    }
    parleyx_free(sp->alloc, key, (m ? m : 1) * sizeof(double));
    return true;
}

parley_status an_space_build(const parley_scenario *sc, an_space *sp, parley_error *err)
{
    const parley_allocator *a = sc->alloc;
    memset(sp, 0, sizeof *sp);
    if (!sc->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the scenario is not final; call parley_scenario_finalize first");
    sp->sc = sc;
    sp->alloc = a;
    size_t m = sc->nissues, np = sc->nparties, d = 0;
    for (size_t p = 0; p < np; p++)
        if (stakeholder(&sc->parties[p]) && sc->parties[p].has_utility)
            d++;
    if (d == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "no negotiator or ratifier has preferences, so there is nothing to "
                            "analyse; give at least one of them weights and evaluations");
    sp->m = m;
    sp->np = np;
    sp->d = d;
    sp->nv = parleyx_calloc(a, m ? m : 1, sizeof(uint32_t));
    sp->order = parleyx_calloc(a, m ? m : 1, sizeof(size_t));
    sp->dimp = parleyx_calloc(a, d, sizeof(size_t));
    sp->terms = parleyx_calloc(a, m ? m : 1, sizeof(double *));
    sp->tmax = parleyx_calloc(a, m * d + 1, sizeof(double));
    sp->tmin = parleyx_calloc(a, m * d + 1, sizeof(double));
    sp->pmax = parleyx_calloc(a, m * np + 1, sizeof(double));
    sp->pmin = parleyx_calloc(a, m * np + 1, sizeof(double));
    if (!sp->nv || !sp->order || !sp->dimp || !sp->terms || !sp->tmax || !sp->tmin ||
        !sp->pmax || !sp->pmin || !an_inter_build(sp))
        goto nomem;
    d = 0;
    for (size_t p = 0; p < np; p++)
        if (stakeholder(&sc->parties[p]) && sc->parties[p].has_utility)
            sp->dimp[d++] = p;
    sp->total.lo = 1;
    sp->freemult.lo = 1;
    for (size_t i = 0; i < m; i++) {
        size_t n = sc->issues[i].nvalues;
        if (!an_count_mul(sp->total, n, &sp->total)) {
            an_space_free(sp);
            return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                                "the scenario has more than 2^192 outcomes; parley analyses "
                                "spaces up to 2^192 (about 6e57) outcomes: merge or drop "
                                "issues");
        }
        if (issue_is_free(sc, i)) {
            an_count_mul(sp->freemult, n, &sp->freemult); /* <= total */
            n = 1;
        }
        if (!space_issue(sp, i, n))
            goto nomem;
    }
    if (!space_order(sp))
        goto nomem;
    return PARLEY_OK;
nomem:
    an_space_free(sp);
    return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

/* ------------------------------------------------------ constraints */

void an_cons_free(const parley_allocator *a, an_cons_store *cs)
{
    parleyx_free(a, cs->c.thdim, cs->capth * sizeof(size_t));
    parleyx_free(a, cs->c.thval, cs->capth * sizeof(double));
    parleyx_free(a, (void *)cs->c.rules, cs->caprules * sizeof(rule *));
    memset(cs, 0, sizeof *cs);
}

/* Constraints of the stakeholders (only = (size_t)-1) or of one party. */
static size_t rule_size(const rule *r)
{
    return r ? 1 + rule_size(r->a) + rule_size(r->b) : 0;
}

/* A conjunction of utility(P) >= t or > t with P a dimension (or true):
 * exactly a set of thresholds, since for doubles u > t holds iff
 * u >= nextafter(t, +inf). */
static bool rule_conj_thresholds(const rule *r, const long *dim_of)
{
    switch (r->op) {
    case RULE_TRUE:
        return true;
    case RULE_AND:
        return rule_conj_thresholds(r->a, dim_of) && rule_conj_thresholds(r->b, dim_of);
    case RULE_UTIL_CMP:
        return dim_of[r->party] >= 0 && (r->cmp == RULE_GE || r->cmp == RULE_GT);
    default:
        return false;
    }
}

static void add_thresholds(const rule *r, const long *dim_of, an_cons *c)
{
    if (r->op == RULE_AND) {
        add_thresholds(r->a, dim_of, c);
        add_thresholds(r->b, dim_of, c);
    } else if (r->op == RULE_UTIL_CMP) {
        c->thdim[c->nth] = (size_t)dim_of[r->party];
        c->thval[c->nth] = r->cmp == RULE_GT ? nextafter(r->threshold, INFINITY) : r->threshold;
        c->nth++;
    }
}

/* An empty store with room for capth thresholds and nrules rules (at
 * least one).  false: no memory (what was allocated is freed by
 * an_cons_free, as after any build). */
static bool cons_alloc(const an_space *sp, size_t capth, size_t nrules, an_cons_store *cs)
{
    const parley_allocator *a = sp->alloc;
    memset(cs, 0, sizeof *cs);
    cs->capth = capth;
    cs->caprules = nrules ? nrules : 1;
    cs->c.thdim = parleyx_calloc(a, cs->capth, sizeof(size_t));
    cs->c.thval = parleyx_calloc(a, cs->capth, sizeof(double));
    cs->c.rules = parleyx_calloc(a, cs->caprules, sizeof(rule *));
    return cs->c.thdim && cs->c.thval && cs->c.rules;
}

bool an_cons_build(const an_space *sp, size_t only, const long *dim_of, an_cons_store *cs,
                       bool *upward)
{
    const parley_scenario *sc = sp->sc;
    size_t nr = 0, nleaves = 0;
    for (size_t p = 0; p < sp->np; p++) {
        nr += sc->parties[p].nredlines;
        for (size_t r = 0; r < sc->parties[p].nredlines; r++)
            nleaves += rule_size(sc->parties[p].redlines[r].rule);
    }
    if (!cons_alloc(sp, sp->d + nleaves, nr, cs))
        return false;
    if (upward)
        *upward = true;
    for (size_t p = 0; p < sp->np; p++) {
        const pm_party *pa = &sc->parties[p];
        if (!stakeholder(pa) || (only != (size_t)-1 && p != only))
            continue;
        if (dim_of[p] >= 0) {
            cs->c.thdim[cs->c.nth] = (size_t)dim_of[p];
            cs->c.thval[cs->c.nth] = pa->reservation;
            cs->c.nth++;
        } else if (!(0.0 >= pa->reservation)) {
            cs->c.infeasible = true;
        }
        for (size_t r = 0; r < pa->nredlines; r++) {
            const rule *ru = pa->redlines[r].rule;
            if (rule_conj_thresholds(ru, dim_of)) { /* as reservation values */
                add_thresholds(ru, dim_of, &cs->c);
                continue;
            }
            cs->c.rules[cs->c.nrules++] = ru;
            if (rule_uses_utility(ru))
                cs->c.rules_util = true;
            if (upward && !rule_upward(ru, dim_of))
                *upward = false;
        }
    }
    return true;
}

/* Does a vector (of a frontier point reached by outcome o) meet upward
 * constraints?  util: np scratch doubles. */
static bool vector_ok(const an_space *sp, const an_cons *c, const double *x, const uint32_t *o,
                      double *util)
{
    if (c->infeasible)
        return false;
    for (size_t q = 0; q < c->nth; q++)
        if (x[c->thdim[q]] < c->thval[q])
            return false;
    if (c->nrules) {
        for (size_t p = 0; p < sp->np; p++)
            util[p] = 0.0;
        for (size_t j = 0; j < sp->d; j++)
            util[sp->dimp[j]] = x[j];
        for (size_t r = 0; r < c->nrules; r++)
            if (!rule_eval(c->rules[r], o, util))
                return false;
    }
    return true;
}

/* ------------------------------------------------- soft stops: gaps */

/* How far the true frontier can be from the reported points f[0..n) of a
 * frontier, given the upper-bound vectors of the subtrees a stopped pass
 * left open: the smallest eps such that every open vector that may hold a
 * point of this frontier (thresholds c, when not NULL, are met by it) is
 * eps-dominated by a reported point (x_j <= f_j + eps for all j).  Every
 * true frontier point is then within eps, dimension by dimension, of a
 * reported one: it is either an outcome the pass looked at (then a
 * reported point or dominated by one) or in an open subtree, below its
 * vector; subtrees cut by dominance were cut by points looked at.  With no
 * reported point, 1 (nothing known) if any open vector qualifies. */
static double open_gap(const an_run *run, const an_arch *f, const an_cons *c,
                       const parley_analysis *an)
{
    size_t d = run->sp->d;
    double g = 0.0;
    if (an && an->mip && an->mipr.complete)
        return 0.0; /* the frontier's points are all known (an_mip.c) */
    for (size_t k = 0; k < run->nopen; k++) {
        double xc[2];
        const double *x = run->open + k * d;
        if (an && an->mip) { /* a point not found is also below the walk's corner */
            for (size_t j = 0; j < 2; j++)
                xc[j] = x[j] < an->mipr.corner[j] ? x[j] : an->mipr.corner[j];
            x = xc;
        }
        bool may = true;
        for (size_t q = 0; c && q < c->nth && may; q++)
            if (x[c->thdim[q]] < c->thval[q])
                may = false;
        if (!may || (c && c->infeasible))
            continue;
        double best = 1.0;
        for (size_t i = 0; i < f->n; i++) {
            double e = 0.0;
            for (size_t j = 0; j < d; j++) {
                double t = x[j] - f->u[i * d + j];
                if (t > e)
                    e = t;
            }
            if (e < best)
                best = e;
        }
        if (best > g)
            g = best;
    }
    return g;
}

static void note_cut(parley_analysis *an, double gap)
{
    an->inexact = true;
    if (gap > an->gap)
        an->gap = gap;
}

/* ------------------------------------------------------- solutions */

static double gks_of(const double *u, size_t d)
{
    double s = 0.0;
    for (size_t i = 0; i < d; i++)
        for (size_t j = i + 1; j < d; j++)
            s += fabs(u[i] - u[j]);
    return s;
}

static void solutions(parley_analysis *an, const double *rv, parley_kalai_mode kalai)
{
    size_t d = an->d;
    const an_arch *A = &an->front[PARLEY_FRONTIER_AGREEMENTS];
    const an_arch *F = &an->front[PARLEY_FRONTIER_ALL];
    for (size_t j = 0; j < d; j++) {
        an->best_agree[j] = NAN;
        for (size_t i = 0; i < A->n; i++) {
            double v = A->u[i * d + j];
            if (isnan(an->best_agree[j]) || v > an->best_agree[j])
                an->best_agree[j] = v;
        }
    }
    if (A->n) {
        size_t in = 0, ik = 0, iu = 0, ie = 0;
        double bn = an_sol_nash(A->u, rv, d), bu = an_sol_sum(A->u, d), be = an_sol_min(A->u, d);
        double bes = bu;
        double bk = kalai == PARLEY_KALAI_GENIUS ? gks_of(A->u, d)
                                                 : an_sol_ks(A->u, rv, an->best_agree, d);
        double bks = bu;
        for (size_t i = 1; i < A->n; i++) {
            const double *u = A->u + i * d;
            double s = an_sol_sum(u, d);
            double v = an_sol_nash(u, rv, d);
            if (v > bn) {
                bn = v;
                in = i;
            }
            if (s > bu) {
                bu = s;
                iu = i;
            }
            v = an_sol_min(u, d);
            if (v > be || (v == be && s > bes)) {
                be = v;
                bes = s;
                ie = i;
            }
            if (kalai == PARLEY_KALAI_GENIUS) {
                v = gks_of(u, d);
                if (v < bk) {
                    bk = v;
                    ik = i;
                }
            } else {
                v = an_sol_ks(u, rv, an->best_agree, d);
                if (v > bk || (v == bk && s > bks)) {
                    bk = v;
                    bks = s;
                    ik = i;
                }
            }
        }
        an->has_sol[PARLEY_SOLUTION_NASH] = true;
        an->sol_idx[PARLEY_SOLUTION_NASH] = in;
        an->has_sol[PARLEY_SOLUTION_KALAI_SMORODINSKY] = true;
        an->sol_idx[PARLEY_SOLUTION_KALAI_SMORODINSKY] = ik;
        an->has_sol[PARLEY_SOLUTION_UTILITARIAN] = true;
        an->sol_idx[PARLEY_SOLUTION_UTILITARIAN] = iu;
        an->has_sol[PARLEY_SOLUTION_EGALITARIAN] = true;
        an->sol_idx[PARLEY_SOLUTION_EGALITARIAN] = ie;
    }
    /* GENIUS's measures over all outcomes, with GENIUS's start values */
    double bn = -1.0, bk = 2.0, bw = 0.0;
    bool hw = false;
    for (size_t i = 0; i < F->n; i++) {
        const double *u = F->u + i * d;
        double v = an_sol_nash(u, rv, d);
        if (v > bn) {
            bn = v;
            an->has_sol[PARLEY_SOLUTION_GENIUS_NASH] = true;
            an->sol_idx[PARLEY_SOLUTION_GENIUS_NASH] = i;
        }
        v = gks_of(u, d);
        if (v < bk) {
            bk = v;
            an->has_sol[PARLEY_SOLUTION_GENIUS_KS] = true;
            an->sol_idx[PARLEY_SOLUTION_GENIUS_KS] = i;
        }
        v = an_sol_sum(u, d);
        if (!hw || v > bw) {
            bw = v;
            hw = true;
            an->has_sol[PARLEY_SOLUTION_GENIUS_MAX_WELFARE] = true;
            an->sol_idx[PARLEY_SOLUTION_GENIUS_MAX_WELFARE] = i;
        }
    }
}

/* --------------------------------------------------------- analyse */

/* The agreement count.  A counting search settles most spaces at once
 * (whole subtrees are acceptable or hopeless); when it has not finished
 * after AN_COUNT_TRY nodes and the constraints are reservation values, at
 * most two of them binding, meeting in the middle counts the rest exactly
 * in about sqrt(outcomes) steps.  Otherwise the search goes on to the
 * work limit. */
#define AN_COUNT_TRY (1u << 20)
#define AN_MITM_MAX_SIDE ((uint64_t)1 << 25)

/* ------------------------------------- counting by inclusion-exclusion
 *
 * Three or more binding reservation values (no red lines, linear): the
 * agreements are the outcomes with u_j >= r_j for every thresholded j, so
 *     |A| = sum over S of (-1)^|S| B(S),   B(S) = #{u_j < r_j, all j in S}
 * (r_j the largest threshold of j).  Sets of one or two are counted by
 * meeting in the middle (B({j}) = N - C(j), B({j,k}) = N - C(j) - C(k) +
 * C(j,k), C the count of u >= r); larger ones -- outcomes where three or
 * more parties are all below their reservation values, rare when interests
 * are opposed -- by a counting search over the negated dimensions: with
 * r_j <= 1, u_j < r_j iff the fold is below r_j iff the fold of the
 * negated terms (which is exactly minus the fold: negation is exact and
 * rounding to nearest is symmetric) is >= nextafter(-r_j, +inf); that
 * fold is <= 0, so the cap at 1 never applies.  r_j > 1: every outcome
 * is below it. */

#define AN_IE_MAX_DIMS 10

static void count_sub(an_count *a, an_count b)
{
    uint64_t lo = a->lo - b.lo, br = a->lo < b.lo;
    uint64_t hi = a->hi - b.hi - br;
    uint64_t br2 = a->hi < b.hi || (a->hi == b.hi && br);
    a->top = a->top - b.top - br2;
    a->lo = lo;
    a->hi = hi;
}

/* C(T): outcomes meeting the thresholds of the dimensions in mask. */
static parley_status ie_c(an_run *run, const size_t *dims, const double *r, unsigned mask,
                          an_count *out, parley_error *err)
{
    size_t th[2];
    double tv[2];
    size_t n = 0;
    for (unsigned b = 0; b < AN_IE_MAX_DIMS; b++)
        if (mask & (1u << b)) {
            th[n] = dims[b];
            tv[n] = r[b];
            n++;
        }
    an_cons c = {.nth = n, .thdim = th, .thval = tv};
    parley_status st = an_mitm_count2(run, &c, AN_MITM_MAX_SIDE, out, err);
    if (st == PARLEY_ERR_UNSUPPORTED || (st == PARLEY_ERR_LIMIT && !(err && err->message[0])))
        st = an_search(run, AN_PASS_COUNT, &c, NULL, out, err);
    return st;
}

/* B(S) for |S| >= 3: the counting search over the negated dimensions. */
static parley_status ie_below(an_run *run, const size_t *dims, const double *r, unsigned mask,
                              an_count *out, parley_error *err)
{
    const an_space *sp = run->sp;
    const parley_allocator *a = sp->alloc;
    size_t m = sp->m, k = 0, dd[AN_IE_MAX_DIMS];
    double tv[AN_IE_MAX_DIMS];
    size_t th[AN_IE_MAX_DIMS];
    for (unsigned b = 0; b < AN_IE_MAX_DIMS; b++)
        if ((mask & (1u << b)) && r[b] <= 1.0) {
            dd[k] = dims[b];
            th[k] = k;
            tv[k] = nextafter(-r[b], INFINITY);
            k++;
        }
    if (k == 0) {
        *out = sp->total;
        return PARLEY_OK;
    }
    an_space ns = *sp;
    ns.d = k;
    ns.terms = parleyx_calloc(a, m ? m : 1, sizeof(double *));
    ns.tmax = parleyx_calloc(a, m * k + 1, sizeof(double));
    ns.tmin = parleyx_calloc(a, m * k + 1, sizeof(double));
    ns.dimp = parleyx_calloc(a, k, sizeof(size_t));
    bool ok = ns.terms && ns.tmax && ns.tmin && ns.dimp;
    for (size_t i = 0; i < m && ok; i++) {
        ns.terms[i] = parleyx_malloc(a, (size_t)sp->nv[i] * k * sizeof(double));
        if (!ns.terms[i]) {
            ok = false;
            break;
        }
        for (uint32_t v = 0; v < sp->nv[i]; v++)
            for (size_t j = 0; j < k; j++)
                ns.terms[i][(size_t)v * k + j] = -sp->terms[i][(size_t)v * sp->d + dd[j]];
        for (size_t j = 0; j < k; j++) {
            ns.tmax[i * k + j] = -sp->tmin[i * sp->d + dd[j]];
            ns.tmin[i * k + j] = -sp->tmax[i * sp->d + dd[j]];
        }
    }
    for (size_t j = 0; j < k && ok; j++)
        ns.dimp[j] = sp->dimp[dd[j]];
    parley_status st = PARLEY_ERR_NOMEM;
    if (ok) {
        an_cons c = {.nth = k, .thdim = th, .thval = tv};
        an_run r2 = *run;
        r2.sp = &ns;
        st = an_search(&r2, AN_PASS_COUNT, &c, NULL, out, err);
        run->work = r2.work;
        run->stopped = r2.stopped;
    } else {
        parleyx_fail(err, st, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; ns.terms && i < m; i++)
        parleyx_free(a, ns.terms[i], (size_t)sp->nv[i] * k * sizeof(double));
    parleyx_free(a, ns.terms, (m ? m : 1) * sizeof(double *));
    parleyx_free(a, ns.tmax, (m * k + 1) * sizeof(double));
    parleyx_free(a, ns.tmin, (m * k + 1) * sizeof(double));
    parleyx_free(a, ns.dimp, k * sizeof(size_t));
    return st;
}

/* The count by inclusion-exclusion; UNSUPPORTED when it does not apply. */
static parley_status count_ie(an_run *run, const an_cons *c, an_count *out, parley_error *err)
{
    const an_space *sp = run->sp;
    if (c->nrules || c->infeasible || sp->nit || sp->m < 2)
        return PARLEY_ERR_UNSUPPORTED;
    size_t dims[AN_IE_MAX_DIMS];
    double r[AN_IE_MAX_DIMS];
    size_t k = 0;
    for (size_t q = 0; q < c->nth; q++) {
        size_t b = 0;
        while (b < k && dims[b] != c->thdim[q])
            b++;
        if (b == k) {
            if (k == AN_IE_MAX_DIMS)
                return PARLEY_ERR_UNSUPPORTED;
            dims[k] = c->thdim[q];
            r[k] = c->thval[q];
            k++;
        } else if (c->thval[q] > r[b]) {
            r[b] = c->thval[q];
        }
    }
    if (k < 3)
        return PARLEY_ERR_UNSUPPORTED;
    /* C of every set of one or two, then the alternating sum */
    an_count C1[AN_IE_MAX_DIMS], C2[AN_IE_MAX_DIMS][AN_IE_MAX_DIMS];
    parley_status st = PARLEY_OK;
    for (size_t x = 0; x < k && st == PARLEY_OK; x++)
        st = ie_c(run, dims, r, 1u << x, &C1[x], err);
    for (size_t x = 0; x < k && st == PARLEY_OK; x++)
        for (size_t y = x + 1; y < k && st == PARLEY_OK; y++)
            st = ie_c(run, dims, r, (1u << x) | (1u << y), &C2[x][y], err);
    an_count plus = sp->total, minus = {0, 0, 0};
    for (unsigned mask = 1; mask < (1u << k) && st == PARLEY_OK; mask++) {
        unsigned bits = (unsigned)__builtin_popcount(mask);
        an_count b = sp->total;
        if (bits == 1) {
            count_sub(&b, C1[__builtin_ctz(mask)]);
        } else if (bits == 2) {
            size_t x = (size_t)__builtin_ctz(mask), y = (size_t)__builtin_ctz(mask & (mask - 1));
            count_sub(&b, C1[x]);
            count_sub(&b, C1[y]);
            an_count_add(&b, C2[x][y]);
        } else {
            st = ie_below(run, dims, r, mask, &b, err);
        }
        an_count_add(bits % 2 ? &minus : &plus, b);
    }
    if (st != PARLEY_OK)
        return st;
    count_sub(&plus, minus);
    *out = plus;
    return PARLEY_OK;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniformly drawn outcome (every issue's value uniform, free issues
 * too) into o, its dimension utilities into x. */
static void draw(const an_space *sp, uint64_t *rng, uint32_t *o, double *x)
{
    const parley_scenario *sc = sp->sc;
    for (size_t i = 0; i < sp->m; i++)
        o[i] = (uint32_t)(splitmix(rng) % sc->issues[i].nvalues);
    for (size_t j = 0; j < sp->d; j++)
        x[j] = pm_utility(sc, sp->dimp[j], o);
}

static parley_status out_of_memory(parley_error *err);

/* Does some outcome meet c (thresholds only)?  A BEST pass of the
 * smallest margin min_j (u_j - r_j) over the thresholded dimensions j,
 * cut below 0, with the separable bound of the LP of that margin over all
 * outcomes (an_lp.c): that LP always has an optimum, unlike the one with
 * the thresholds as constraints, which has none when no outcome meets
 * them; its duals weigh the margins so that, then, the root's bound is
 * already below 0 and the pass ends at once -- where the thresholds one by
 * one cut nothing and counting the outcomes below them (count_ie) visits
 * most of the space.  The pass stops at the first outcome meeting c (a
 * probe no vector equals).  Exact: the bound is proven (an_lp.c), and a
 * margin's sign is u_j >= r_j's.  *ob (with rv[3d]: its rv, best and
 * probe) keeps the bound for count passes (run->count_cut); the caller
 * frees it with an_obj_weights_free, and rv. */
static parley_status agreements_exist(an_run *run, const an_cons *c, an_obj *ob, double *rv,
                                      bool *yes, parley_error *err)
{
    const an_space *sp = run->sp;
    size_t d = sp->d;
    double *best = rv + d, *none = rv + 2 * d;
    for (size_t j = 0; j < d; j++) {
        rv[j] = best[j] = 0.0; /* best <= rv: the dimension is left out */
        none[j] = NAN;
    }
    for (size_t q = 0; q < c->nth; q++) {
        size_t j = c->thdim[q];
        if (best[j] <= rv[j] || c->thval[q] > rv[j])
            rv[j] = c->thval[q];
        best[j] = rv[j] + 1.0;
    }
    *ob = (an_obj){.kind = AN_OBJ_KS, .rv = rv, .best = best, .probe = none, .value_only = true,
                   .has_init = true, .init = 0.0};
    *yes = true;
    if (!an_obj_weights(sp, NULL, ob, NULL))
        return out_of_memory(err);
    an_obj *keep = run->obj;
    run->obj = ob;
    parley_status st = an_search(run, AN_PASS_BEST, c, NULL, NULL, err);
    run->obj = keep;
    *yes = ob->dominated || ob->found;
    return st;
}

/* How many of AN_SHARE_DRAWS outcomes drawn uniformly (a fixed seed)
 * meet c (thresholds only)?  It chooses how count_many counts, never what
 * it finds. */
#define AN_SHARE_DRAWS 1024u
/* The cut counting search's budget (nodes) before inclusion-exclusion. */
#define AN_COUNT_CUT_TRY ((uint64_t)1 << 26)
static size_t share_hits(const an_space *sp, const an_cons *c, uint32_t *o, double *x)
{
    uint64_t rng = 0x5eed5eed5eed5eedull;
    size_t hits = 0;
    for (unsigned k = 0; k < AN_SHARE_DRAWS; k++) {
        draw(sp, &rng, o, x);
        size_t q = 0;
        while (q < c->nth && x[c->thdim[q]] >= c->thval[q])
            q++;
        hits += q == c->nth;
    }
    return hits;
}

/* A counting pass over the outcomes meeting c, cut by cut's bound (NULL:
 * no cut; run->count_cut), within extra more units of work than the run
 * has done (never past the caller's max_work).  *over: it stopped at that
 * budget, not at a limit of the caller's; the error is then cleared, and
 * *out is partial. */
static parley_status count_within(an_run *run, const parley_analysis_options *opt,
                                  const an_cons *c, uint64_t extra, const an_obj *cut,
                                  an_count *out, bool *over, parley_error *err)
{
    parley_analysis_options o2 = *opt;
    uint64_t budget = run->work + extra;
    if (budget < opt->max_work)
        o2.max_work = budget;
    an_run r2 = *run;
    r2.opt = &o2;
    r2.count_cut = cut;
    parley_status st = an_search(&r2, AN_PASS_COUNT, c, NULL, out, err);
    run->work = r2.work;
    *over = st == PARLEY_ERR_LIMIT && o2.max_work != opt->max_work &&
            strcmp(err ? err->message : "work", "work") == 0;
    if (*over && err)
        parley_error_clear(err);
    return *over ? PARLEY_OK : st;
}

/* The agreement count with three or more binding thresholds.  When a
 * quarter or more of the draws are agreements, inclusion-exclusion, fast
 * then.  Otherwise none when agreements_exist says so; else a counting
 * search that cuts the subtrees the margins' bound says hold no
 * agreement, under a work budget; past it, inclusion-exclusion.  (Six
 * parties over 10^8 outcomes, one thread: with 0.1% of the outcomes
 * agreements, 0.6 s against inclusion-exclusion's 23 s; 3.6%, 1.3 against
 * 8.6 s; 20%, 2.4 against 2.7 s; 49%, 3.2 against 0.8 s.) */
static parley_status count_many(an_run *run, const parley_analysis_options *opt,
                                const an_cons *c, an_count *out, parley_error *err)
{
    const an_space *sp = run->sp;
    size_t nr = 3 * sp->d + 1; /* agreements_exist's rv; first, share_hits' x */
    double *rv = parleyx_calloc(sp->alloc, nr, sizeof(double));
    uint32_t *o = parleyx_calloc(sp->alloc, sp->m + 1, sizeof(uint32_t));
    if (!rv || !o) {
        parleyx_free(sp->alloc, rv, nr * sizeof(double));
        parleyx_free(sp->alloc, o, (sp->m + 1) * sizeof(uint32_t));
        return out_of_memory(err);
    }
    size_t hits = share_hits(sp, c, o, rv);
    parleyx_free(sp->alloc, o, (sp->m + 1) * sizeof(uint32_t));
    parley_status st = PARLEY_OK;
    bool done = false;
    an_obj ob = {0};
    if (hits < AN_SHARE_DRAWS / 4) {
        bool yes = true, over = true;
        st = agreements_exist(run, c, &ob, rv, &yes, err);
        if (st == PARLEY_OK && !yes)
            *out = (an_count){0, 0, 0};
        else if (st == PARLEY_OK && ob.wkind == 1)
            st = count_within(run, opt, c, AN_COUNT_CUT_TRY, &ob, out, &over, err);
        done = !yes || !over;
    }
    if (st == PARLEY_OK && !done)
        st = count_ie(run, c, out, err);
    an_obj_weights_free(sp, &ob);
    parleyx_free(sp->alloc, rv, nr * sizeof(double));
    return st;
}

static parley_status count_agreements(an_run *run, const parley_analysis_options *opt,
                                      const an_cons *c, an_count *out, parley_error *err)
{
    const an_space *sp = run->sp;
    if (c->nrules == 0 && !c->infeasible && sp->m >= 2 && !sp->nit) {
        bool over;
        parley_status st = count_within(run, opt, c, AN_COUNT_TRY, NULL, out, &over, err);
        if (!over)
            return st;
        st = an_mitm_count2(run, c, AN_MITM_MAX_SIDE, out, err);
        if (st == PARLEY_ERR_NOMEM)
            return parleyx_fail(err, st, NULL, 0, 0, "out of memory");
        if (st == PARLEY_OK || (st == PARLEY_ERR_LIMIT && err && err->message[0]))
            return st; /* done, or cancelled */
        if (st == PARLEY_ERR_UNSUPPORTED) { /* three or more binding */
            if (err)
                parley_error_clear(err);
            st = count_many(run, opt, c, out, err);
            if (st != PARLEY_ERR_UNSUPPORTED)
                return st;
        }
    }
    return an_search(run, AN_PASS_COUNT, c, NULL, out, err);
}

void parley_analysis_free(parley_analysis *an)
{
    if (!an)
        return;
    const parley_allocator *a = &an->allocv;
    an_arch_free(&an->front[0]);
    an_arch_free(&an->front[1]);
    an_arch_free(&an->solp);
    parleyx_free(a, an->dimp, an->d * sizeof(size_t));
    parleyx_free(a, an->best_all, 2 * an->d * sizeof(double));
    parleyx_free(a, an->alone, an->np * sizeof(an_count));
    parleyx_free(a, an->alone_valid, 2 * an->np * sizeof(bool));
    parleyx_free(a, an, sizeof *an);
}

static parley_status limit_message(parley_status st, const an_space *sp, const an_run *run,
                                   const parley_analysis_options *opt, parley_error *err)
{
    char tot[64], lim[64], buf[64];
    an_count_text(sp->total, buf, sizeof buf);
    parleyx_group_digits(buf, tot, sizeof tot);
    if (st != PARLEY_ERR_LIMIT)
        return st;
    if (strcmp(err->message, "work") == 0) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)opt->max_work);
        parleyx_group_digits(buf, lim, sizeof lim);
        char need[256] = "";
        if (run->stopped_at > 0.001) {
            char n1[64], n2[96];
            double est = (double)opt->max_work / run->stopped_at * 1.2;
            snprintf(n1, sizeof n1, "%.0f", est < 1e19 ? est : 1e19);
            parleyx_group_digits(n1, n2, sizeof n2);
            snprintf(need, sizeof need, "; it had settled about %.1f%% of that phase, so about %s "
                     "should do%s", run->stopped_at * 100.0, n2,
                     strcmp(run->phase, "frontier") == 0
                         ? " (if the frontier fits: the frontier guard may stop it first)"
                         : "");
        }
        return parleyx_fail(err, st, NULL, 0, 0,
                            "the analysis stopped in phase '%s' after looking at %s outcomes one "
                            "by one, the work limit, in a space of %s outcomes.  Most of a "
                            "linear-additive space is settled in blocks; what is left (outcomes "
                            "near the frontier or near a reservation value, red lines over issue "
                            "values, three or more parties with reservation values) is looked "
                            "at one by one, about 50 million a second per core (fewer when each "
                            "adds to a large frontier).  To go on, raise "
                            "the limit with --max-outcomes N (max_work)%s",
                            run->phase, lim, tot, need);
    }
    if (strcmp(err->message, "time") == 0) {
        char need[160] = "";
        if (run->stopped_at > 0.001)
            snprintf(need, sizeof need, "; it had settled about %.1f%% of that phase, so about "
                     "%.0f s should do", run->stopped_at * 100.0,
                     opt->max_seconds / run->stopped_at * 1.2 + 1);
        return parleyx_fail(err, st, NULL, 0, 0,
                            "the analysis stopped in phase '%s' after %.3g s, the time limit, in a "
                            "space of %s outcomes.  To go on, raise the limit with --max-seconds "
                            "S (max_seconds), or leave it out%s",
                            run->phase, opt->max_seconds, tot, need);
    }
    if (strcmp(err->message, "frontier") == 0) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)opt->max_frontier);
        parleyx_group_digits(buf, lim, sizeof lim);
        return parleyx_fail(err, st, NULL, 0, 0,
                            "the Pareto frontier (phase '%s') has more than %s distinct points "
                            "(the frontier limit) in a space of %s outcomes; %s make most "
                            "outcomes Pareto-optimal.  Raise the limit with --max-frontier N "
                            "(max_frontier) if memory allows: about 110 bytes a point with 10 "
                            "issues, up to 4 times the limit while the search runs%s",
                            run->phase, lim, tot,
                            sp->d > 2 ? "many parties with opposed preferences"
                                      : "opposed preferences",
                            sp->d > 2 ? "; or analyse fewer parties" : "");
    }
    return st;
}

static parley_status out_of_memory(parley_error *err)
{
    return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

/* The result's own arrays, each dimension's party and reservation value
 * (dim_of: each party's dimension or -1), and the best utilities over all
 * outcomes.  false: no memory. */
static bool analysis_setup(parley_analysis *an, const an_space *sp,
                           const parley_analysis_options *opt, long *dim_of, double *rv)
{
    const parley_allocator *a = sp->alloc;
    size_t d = sp->d, m = sp->m, np = sp->np;
    an_arch_init(&an->front[0], &an->allocv, d, m, opt->max_frontier);
    an_arch_init(&an->front[1], &an->allocv, d, m, opt->max_frontier);
    an_arch_init(&an->solp, &an->allocv, d, m, PARLEY_SOLUTION_COUNT);
    an->dimp = parleyx_calloc(a, d, sizeof(size_t));
    an->best_all = parleyx_calloc(a, 2 * d, sizeof(double));
    an->alone = parleyx_calloc(a, np, sizeof(an_count));
    an->alone_valid = parleyx_calloc(a, 2 * np, sizeof(bool));
    if (!an->dimp || !an->best_all || !an->alone || !an->alone_valid)
        return false;
    an->best_agree = an->best_all + d;
    an->rv_out = an->alone_valid + np;
    memcpy(an->dimp, sp->dimp, d * sizeof(size_t));
    for (size_t p = 0; p < np; p++)
        dim_of[p] = -1;
    for (size_t j = 0; j < d; j++) {
        dim_of[sp->dimp[j]] = (long)j;
        rv[j] = sp->sc->parties[sp->dimp[j]].reservation;
    }
    for (size_t j = 0; j < d; j++) {
        double v = 0.0;
        for (size_t i = 0; i < m; i++)
            v += sp->tmax[i * d + j];
        an->best_all[j] = v < 1.0 ? v : 1.0;
    }
    an->cnt[PARLEY_COUNT_OUTCOMES] = sp->total;
    return true;
}

/* After a first search stopped short: the MIP walk's points join F's (the
 * points that search found, their counts set back to 0: all are starting
 * points of the next search, which counts afresh). */
static parley_status frontier_mip(parley_analysis *an, an_run *run, an_arch *F, parley_error *err)
{
    const an_space *sp = run->sp;
    an_run_free_open(run);
    run->cut = false;
    for (size_t i = 0; i < F->n; i++)
        F->cnt[i] = (an_count){0, 0, 0};
    an_arch M;
    an_arch_init(&M, F->alloc, sp->d, sp->m, F->limit);
    parley_status ms = an_mip_frontier2(run, &M, &an->mipr);
    an->mip = ms == PARLEY_OK;
    bool ok = ms != PARLEY_ERR_NOMEM;
    an_count z = {0, 0, 0};
    for (size_t i = 0; i < M.n && ok; i++)
        ok = an_arch_push(F, M.u + i * sp->d, z, M.rep + i * sp->m);
    an_arch_free(&M);
    if (!ok || !an_arch_normalize(F))
        return out_of_memory(err);
    return PARLEY_OK;
}

/* Steps 2-3: the all-outcomes frontier.  The merge's candidates (partial
 * sums) may number up to 2^20 even under a small limit: they are
 * transient, and a merge that completes gives the exact frontier points,
 * so the limit's verdict is final.  seed: initialised by the caller. */
static parley_status frontier_all(parley_analysis *an, an_run *run,
                                  const parley_analysis_options *opt, an_arch *seed,
                                  parley_error *err)
{
    const an_space *sp = run->sp;
    size_t d = sp->d;
    size_t cand = opt->max_frontier > ((size_t)1 << 20) ? opt->max_frontier : (size_t)1 << 20;
    if (run->auto_try)
        cand = opt->max_frontier;
    /* the merge adds per-issue terms: with interaction terms the
     * utilities are not such sums, and the search goes unseeded */
    parley_status st = sp->nit ? PARLEY_ERR_LIMIT : an_merge_frontier(run, cand, seed);
    bool first = false; /* the first search settled it (the MIP route) */
    if (st == PARLEY_ERR_NOMEM)
        return out_of_memory(err);
    if (st == PARLEY_ERR_LIMIT && run->stopped)
        return an_stop_fail(run, err);
    if ((st == PARLEY_OK && seed->n > opt->max_frontier) ||
        (st == PARLEY_ERR_LIMIT && seed->overflow))
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "frontier");
    an_arch *F = &an->front[PARLEY_FRONTIER_ALL];
    if (st == PARLEY_OK) {
        for (size_t i = 0; i < seed->n; i++) {
            an_count z = {0, 0, 0};
            if (!an_arch_push(F, seed->u + i * d, z, NULL))
                return out_of_memory(err);
        }
        F->seeded = true;
    } else if (sp->nit) {
        if (!an_inter_incumbents(sp, F))
            return out_of_memory(err);
        if (an_mip_applies(sp)) {
            /* Two parties with integer rectangle terms.  First the search
             * alone, on a quarter of the work limit and half the time
             * left: it settles small spaces at once.  If it stops
             * short, frontier points by a MIP solver (an_mip.c) join its
             * points as incumbents, and the search runs again in full. */
            parley_analysis_options o2 = *opt;
            if (opt->max_work > run->work)
                o2.max_work = run->work + (opt->max_work - run->work) / 4;
            an_run keep = *run;
            run->opt = &o2;
            if (keep.deadline > 0) {
                o2.max_seconds = (keep.deadline - an_now()) / 2.0;
                run->deadline = an_now() + o2.max_seconds;
            }
            st = an_search(run, AN_PASS_FRONTIER, NULL, F, NULL, err);
            if (run->stopped && !keep.stopped && an_past(run->deadline) &&
                !an_past(keep.deadline))
                run->stopped = false; /* (its own deadline: the run goes on) */
            run->opt = keep.opt;
            run->deadline = keep.deadline;
            if (st != PARLEY_OK)
                return st;
            if (run->cut)
                st = frontier_mip(an, run, F, err);
            else
                first = true;
            if (st != PARLEY_OK)
                return st;
        }
    }
    if (!first) {
        st = an_search(run, AN_PASS_FRONTIER, NULL, F, NULL, err);
        if (st != PARLEY_OK)
            return st;
    }
    F->seeded = false;
    for (size_t i = 0; i < F->n; i++)
        an_count_add(&an->cnt[PARLEY_COUNT_PARETO_OUTCOMES], F->cnt[i]);
    if (run->cut) /* stopped early: the open subtrees stay for the next step */
        note_cut(an, open_gap(run, F, NULL, an));
    if (sp->nit) /* the best utilities are the frontier's (the fold of the
                  * best terms is only a bound) */
        for (size_t j = 0; j < d; j++) {
            double b = 0.0;
            for (size_t i = 0; i < F->n; i++)
                if (F->u[i * d + j] > b)
                    b = F->u[i * d + j];
            an->best_all[j] = b;
        }
    return PARLEY_OK;
}

/* Step 4: the agreement frontier under the constraints of every
 * stakeholder (built into *cs, the caller's to free).  util: np scratch
 * doubles. */
static parley_status frontier_agreements(parley_analysis *an, an_run *run, an_cons_store *cs,
                                         const long *dim_of, double *util, parley_error *err)
{
    const an_space *sp = run->sp;
    size_t d = sp->d, m = sp->m;
    bool upward = true;
    if (!an_cons_build(sp, (size_t)-1, dim_of, cs, &upward))
        return out_of_memory(err);
    const an_arch *F = &an->front[PARLEY_FRONTIER_ALL];
    an_arch *A = &an->front[PARLEY_FRONTIER_AGREEMENTS];
    if (upward) {
        for (size_t i = 0; i < F->n; i++)
            if (vector_ok(sp, &cs->c, F->u + i * d, F->rep + i * m, util))
                if (!an_arch_push(A, F->u + i * d, F->cnt[i], F->rep + i * m))
                    return out_of_memory(err);
        /* the agreement set is upward closed: a true agreement-frontier
         * point is on the all-outcomes frontier, so the open subtrees of
         * the frontier's pass bound this one too */
        if (run->cut)
            note_cut(an, open_gap(run, A, &cs->c, an));
    } else {
        /* Start the archive with the all-outcomes frontier points whose
         * smallest outcome is acceptable: they are agreement-frontier
         * points (nothing dominates them at all), so the search prunes
         * with them from the first node; it counts their outcomes. */
        for (size_t i = 0; i < F->n; i++)
            if (parley_outcome_acceptable(sp->sc, F->rep + i * m)) {
                an_count z = {0, 0, 0};
                /* (with interaction terms, the outcome too: a pass stopped
                 * early keeps the point) */
                if (!an_arch_push(A, F->u + i * d, z, sp->nit ? F->rep + i * m : NULL))
                    return out_of_memory(err);
            }
        run->phase = "agreement frontier";
        run->phase_lo = 0.5;
        run->phase_hi = 0.75;
        parley_status st = an_search(run, AN_PASS_FRONTIER, &cs->c, A, NULL, err);
        if (st != PARLEY_OK)
            return st;
        if (run->cut)
            note_cut(an, open_gap(run, A, &cs->c, NULL));
    }
    for (size_t i = 0; i < A->n; i++)
        an_count_add(&an->cnt[PARLEY_COUNT_PARETO_AGREEMENTS], A->cnt[i]);
    return PARLEY_OK;
}

/* Step 6 when there is no deal: each stakeholder's acceptable count alone
 * (none for a party whose count is too costly). */
static parley_status diagnose_alone(parley_analysis *an, an_run *run,
                                    const parley_analysis_options *opt, const long *dim_of,
                                    parley_error *err)
{
    const an_space *sp = run->sp;
    const parley_scenario *sc = sp->sc;
    run->phase = "diagnosis";
    an->diagnosed = true;
    for (size_t p = 0; p < sp->np; p++) {
        const pm_party *pa = &sc->parties[p];
        if (!stakeholder(pa))
            continue;
        an_cons_store one;
        if (!an_cons_build(sp, p, dim_of, &one, NULL)) {
            an_cons_free(sp->alloc, &one);
            return out_of_memory(err);
        }
        parley_status st = count_agreements(run, opt, &one.c, &an->alone[p], err);
        an_cons_free(sp->alloc, &one);
        if (st == PARLEY_OK && run->cut)
            continue; /* stopped early: no diagnosis for p */
        if (st == PARLEY_ERR_LIMIT && err && strcmp(err->message, "work") == 0) {
            parley_error_clear(err); /* too costly: no diagnosis for p */
            continue;
        }
        if (st != PARLEY_OK)
            return st;
        an->alone_valid[p] = true;
        an->rv_out[p] = dim_of[p] >= 0 ? an->best_all[dim_of[p]] < pa->reservation
                                       : 0.0 < pa->reservation;
    }
    return PARLEY_OK;
}

/* ------------------------------------------- the solution-first engine
 *
 * Many parties (docs/analysis.md, "Many parties").  With six opposed
 * stakeholders most outcomes are Pareto-optimal, and listing the frontier
 * is the whole cost.  This engine answers what an analyst reads instead:
 *  1. the agreement count (count_agreements, as the frontier engine);
 *  2. each stakeholder's best acceptable utility (a BEST pass per
 *     dimension, value only) -- the KS normalisation;
 *  3. the four bargaining solutions, each by a BEST pass on its own
 *     objective (an.h), whose tie set's frontier, sorted, starts with the
 *     point the tie rules of parley/analysis.h choose: the same point,
 *     multiplicity and outcome as the frontier engine's;
 *  4. GENIUS's max-welfare point over all outcomes (a BEST pass without
 *     constraints); GENIUS's Nash and min-|u_i - u_j| points need the
 *     all-outcomes frontier and are not given;
 *  5. the lists: near a solution (the frontier of the agreements whose
 *     utilities are all at least the solution's minus the radius -- every
 *     point dominating one of them is among them, so these are exact
 *     frontier points -- kept within the radius), or a seeded sample;
 *  6. the frontiers' sizes: a certified interval and, from uniformly drawn
 *     acceptable outcomes each tested exactly, an estimate.
 * A point x is Pareto-optimal iff a BEST pass maximising the sum over
 * the outcomes with u >= x (and the constraints) ends with x alone: a
 * point dominating x would reach at least x's sum and be in the tie set,
 * and would dominate x there.  That pass also gives x's exact
 * multiplicity and smallest outcome. */

#define AN_EST_SAMPLES 200u

/* base's constraints (NULL: none) and u_j >= floor[j] for every dimension,
 * into *cs (free with an_cons_free).  false: no memory. */
static bool cons_floor(const an_space *sp, const an_cons *base, const double *floor,
                       an_cons_store *cs)
{
    size_t nb = base ? base->nth : 0, nr = base ? base->nrules : 0;
    if (!cons_alloc(sp, nb + sp->d, nr, cs))
        return false;
    if (base) {
        memcpy(cs->c.thdim, base->thdim, nb * sizeof(size_t));
        memcpy(cs->c.thval, base->thval, nb * sizeof(double));
        if (nr)
            memcpy((void *)cs->c.rules, base->rules, nr * sizeof(rule *));
        cs->c.nrules = nr;
        cs->c.rules_util = base->rules_util;
        cs->c.infeasible = base->infeasible;
    }
    cs->c.nth = nb;
    for (size_t j = 0; j < sp->d; j++) {
        cs->c.thdim[cs->c.nth] = j;
        cs->c.thval[cs->c.nth] = floor[j];
        cs->c.nth++;
    }
    return true;
}

/* A BEST pass: ob over the outcomes meeting c; the tie set's frontier into
 * *out (initialised by the caller, emptied first) unless value_only.  With
 * the separable bound of an_lp.c (incumbent: Nash's, or NULL). */
static parley_status best_pass(an_run *run, const an_cons *c, an_obj *ob, an_arch *out,
                               const double *incumbent, parley_error *err)
{
    an_obj *keep = run->obj;
    run->obj = ob;
    if (out)
        an_arch_clear(out);
    if (!an_obj_weights(run->sp, c, ob, incumbent))
        return out_of_memory(err);
    parley_status st = an_search(run, AN_PASS_BEST, c, out, NULL, err);
    an_obj_weights_free(run->sp, ob);
    run->obj = keep;
    if (c && c->infeasible)
        ob->found = false;
    return st;
}

/* Is x (the vector of an outcome meeting c) a frontier point of the
 * outcomes meeting c?  If so, *cnt and rep (m values) get its exact
 * multiplicity and smallest outcome.  tmp: initialised scratch archive. */
static parley_status pareto_probe(an_run *run, const an_cons *c, const double *x, bool *yes,
                                  an_count *cnt, uint32_t *rep, an_arch *tmp, parley_error *err)
{
    const an_space *sp = run->sp;
    an_cons_store cs;
    *yes = false;
    if (!cons_floor(sp, c, x, &cs)) {
        an_cons_free(sp->alloc, &cs);
        return out_of_memory(err);
    }
    /* x itself is reached: only subtrees whose bound of the sum reaches
     * x's can hold an outcome with u >= x */
    an_obj ob = {.kind = AN_OBJ_SUM, .probe = x, .has_init = true, .init = an_sol_sum(x, sp->d)};
    parley_status st = best_pass(run, &cs.c, &ob, tmp, NULL, err);
    an_cons_free(sp->alloc, &cs);
    if (st != PARLEY_OK)
        return st;
    if (!ob.dominated && ob.found && tmp->n == 1 && memcmp(tmp->u, x, sp->d * sizeof(double)) == 0) {
        *yes = true;
        *cnt = tmp->cnt[0];
        memcpy(rep, tmp->rep, sp->m * sizeof(uint32_t));
    }
    return PARLEY_OK;
}

/* Sampling (step 6, and --frontier sample:N): outcomes drawn uniformly,
 * those meeting the constraints (agree: the agreements' rules; else every
 * outcome) tested; the Pareto-optimal ones join *list (when not NULL) up
 * to want points.  Stops after `tests` tests, or `draws` draws.  *tested
 * and *hits: the tests made and how many were on the frontier. */
static parley_status sample_frontier(an_run *run, const an_cons *c, bool agree, uint64_t seed,
                                     size_t want, size_t tests, uint64_t draws, an_arch *list,
                                     size_t *tested, size_t *hits, parley_error *err)
{
    const an_space *sp = run->sp;
    const parley_allocator *a = sp->alloc;
    size_t d = sp->d, m = sp->m;
    uint32_t *o = parleyx_calloc(a, 2 * (m + 1), sizeof(uint32_t));
    double *x = parleyx_calloc(a, d, sizeof(double));
    an_arch tmp;
    an_arch_init(&tmp, a, d, m, run->opt->max_frontier);
    *tested = *hits = 0;
    parley_status st = PARLEY_OK;
    if (!o || !x)
        st = out_of_memory(err);
    uint32_t *rep = o + m + 1;
    uint64_t rng = seed ? seed : 1;
    for (uint64_t k = 0; k < draws && st == PARLEY_OK && *tested < tests; k++) {
        if (list && list->n >= want)
            break;
        draw(sp, &rng, o, x);
        if (agree && !parley_outcome_acceptable(sp->sc, o))
            continue;
        bool yes;
        an_count cnt;
        st = pareto_probe(run, c, x, &yes, &cnt, rep, &tmp, err);
        if (st != PARLEY_OK)
            break;
        (*tested)++;
        if (!yes)
            continue;
        (*hits)++;
        bool seen = false; /* (drawn before: its count is already exact) */
        for (size_t i = 0; list && i < list->n && !seen; i++)
            seen = memcmp(list->u + i * d, x, d * sizeof(double)) == 0;
        if (!list || seen)
            continue;
        if (!an_arch_push(list, x, cnt, rep))
            st = list->overflow ? parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "frontier")
                                : out_of_memory(err);
    }
    if (st == PARLEY_OK && list && !an_arch_normalize(list)) /* sorted */
        st = out_of_memory(err);
    an_arch_free(&tmp);
    parleyx_free(a, o, 2 * (m + 1) * sizeof(uint32_t));
    parleyx_free(a, x, d * sizeof(double));
    return st;
}

/* The frontier points within r of centre (every utility), exact, into
 * *list (initialised, empty). */
static parley_status near_frontier(an_run *run, const an_cons *c, const double *centre,
                                   double r, an_arch *list, parley_error *err)
{
    const an_space *sp = run->sp;
    size_t d = sp->d, m = sp->m;
    double *fl = parleyx_calloc(sp->alloc, d, sizeof(double));
    an_cons_store cs;
    memset(&cs, 0, sizeof cs);
    if (!fl)
        return out_of_memory(err);
    for (size_t j = 0; j < d; j++)
        fl[j] = centre[j] - r;
    parley_status st = cons_floor(sp, c, fl, &cs) ? PARLEY_OK : out_of_memory(err);
    if (st == PARLEY_OK)
        st = an_search(run, AN_PASS_FRONTIER, &cs.c, list, NULL, err);
    an_cons_free(sp->alloc, &cs);
    parleyx_free(sp->alloc, fl, d * sizeof(double));
    if (st != PARLEY_OK)
        return st;
    size_t q = 0; /* keep those within r above too (the list stays sorted) */
    for (size_t i = 0; i < list->n; i++) {
        bool in = true;
        for (size_t j = 0; j < d && in; j++)
            if (list->u[i * d + j] > centre[j] + r)
                in = false;
        if (!in)
            continue;
        if (q != i) {
            memmove(list->u + q * d, list->u + i * d, d * sizeof(double));
            list->cnt[q] = list->cnt[i];
            memmove(list->rep + q * m, list->rep + i * m, m * sizeof(uint32_t));
        }
        q++;
    }
    list->n = q;
    return PARLEY_OK;
}

/* GENIUS's max-welfare point: the largest sum over all outcomes, first in
 * frontier order (with or without a deal). */
static parley_status max_welfare(parley_analysis *an, an_run *run, parley_error *err)
{
    const an_space *sp = run->sp;
    an_arch tmp;
    an_arch_init(&tmp, sp->alloc, sp->d, sp->m, run->opt->max_frontier);
    an_obj ob = {.kind = AN_OBJ_SUM};
    run->phase = "max welfare";
    parley_status st = best_pass(run, NULL, &ob, &tmp, NULL, err);
    if (st == PARLEY_OK && ob.found && tmp.n) {
        an->sol_idx[PARLEY_SOLUTION_GENIUS_MAX_WELFARE] = an->solp.n;
        if (!an_arch_push(&an->solp, tmp.u, tmp.cnt[0], tmp.rep))
            st = out_of_memory(err);
        an->has_sol[PARLEY_SOLUTION_GENIUS_MAX_WELFARE] = st == PARLEY_OK;
    }
    an_arch_free(&tmp);
    return st;
}

/* Steps 2-4: best utilities and solutions (agreements non-empty). */
static parley_status first_solutions(parley_analysis *an, an_run *run, const an_cons *c,
                                     const double *rv, parley_error *err)
{
    const an_space *sp = run->sp;
    size_t d = sp->d, m = sp->m;
    parley_status st = PARLEY_OK;
    run->phase = "best utilities";
    for (size_t j = 0; j < d && st == PARLEY_OK; j++) {
        an_obj ob = {.kind = AN_OBJ_DIM, .dim = j, .value_only = true};
        st = best_pass(run, c, &ob, NULL, NULL, err);
        an->best_agree[j] = ob.found ? ob.v1 : NAN;
    }
    an_arch tmp;
    an_arch_init(&tmp, sp->alloc, d, m, run->opt->max_frontier);
    /* Nash last: the others' points are its incumbents (its bound is
     * tight at the best of them, an_lp.c) */
    static const struct {
        parley_solution_kind kind;
        an_obj_kind obj;
        const char *phase;
    } sols[] = {{PARLEY_SOLUTION_EGALITARIAN, AN_OBJ_MIN, "egalitarian"},
                {PARLEY_SOLUTION_KALAI_SMORODINSKY, AN_OBJ_KS, "Kalai-Smorodinsky"},
                {PARLEY_SOLUTION_UTILITARIAN, AN_OBJ_SUM, "utilitarian"},
                {PARLEY_SOLUTION_NASH, AN_OBJ_NASH, "Nash"}};
    for (size_t k = 0; k < sizeof sols / sizeof sols[0] && st == PARLEY_OK; k++) {
        an_obj ob = {.kind = sols[k].obj, .rv = rv, .best = an->best_agree};
        run->phase = sols[k].phase;
        const double *inc = NULL;
        if (ob.kind == AN_OBJ_NASH)
            for (size_t i = 0; i < an->solp.n; i++) {
                double f1, f2;
                an_obj_eval(&ob, an->solp.u + i * d, d, &f1, &f2);
                if (!ob.has_init || f1 > ob.init) {
                    ob.has_init = true;
                    ob.init = f1;
                    inc = an->solp.u + i * d;
                }
            }
        st = best_pass(run, c, &ob, &tmp, inc, err);
        if (st != PARLEY_OK || !ob.found || tmp.n == 0)
            continue;
        an->sol_idx[sols[k].kind] = an->solp.n;
        if (!an_arch_push(&an->solp, tmp.u, tmp.cnt[0], tmp.rep))
            st = out_of_memory(err);
        an->has_sol[sols[k].kind] = st == PARLEY_OK;
    }
    an_arch_free(&tmp);
    if (st == PARLEY_OK)
        st = max_welfare(an, run, err);
    return st;
}

/* The solution-first engine, steps 1-6, for a mode (NEAR, SAMPLE, NONE)
 * of opt.  cs: the agreements' constraints (built here; the caller's to
 * free). */
static parley_status solution_first(parley_analysis *an, an_run *run,
                                    const parley_analysis_options *opt, an_cons_store *cs,
                                    const long *dim_of, const double *rv, parley_error *err)
{
    const an_space *sp = run->sp;
    size_t d = sp->d;
    an->partial = true;
    an->sol_own = true;
    an->solp.limit = PARLEY_SOLUTION_COUNT;
    if (!an_cons_build(sp, (size_t)-1, dim_of, cs, NULL))
        return out_of_memory(err);
    run->phase = "agreements";
    parley_status st = count_agreements(run, opt, &cs->c, &an->cnt[PARLEY_COUNT_AGREEMENTS], err);
    if (st != PARLEY_OK)
        return st;
    an->pareto_hi[PARLEY_FRONTIER_ALL] = sp->total;
    an->pareto_hi[PARLEY_FRONTIER_AGREEMENTS] = an->cnt[PARLEY_COUNT_AGREEMENTS];
    bool deal = !an_count_is_zero(an->cnt[PARLEY_COUNT_AGREEMENTS]);
    if (deal)
        st = first_solutions(an, run, &cs->c, rv, err);
    else { /* only GENIUS's max-welfare point (over all outcomes) */
        for (size_t j = 0; j < d; j++)
            an->best_agree[j] = NAN;
        st = max_welfare(an, run, err);
    }
    if (st != PARLEY_OK)
        return st;
    uint64_t seed = opt->seed ? opt->seed : 1;
    an_arch *F = &an->front[PARLEY_FRONTIER_ALL], *A = &an->front[PARLEY_FRONTIER_AGREEMENTS];
    run->phase = "frontier list";
    if (opt->frontier == PARLEY_FRONTIER_LIST_NEAR) {
        parley_solution_kind k = (parley_solution_kind)opt->frontier_near;
        double r = opt->frontier_radius > 0 ? opt->frontier_radius : PARLEY_ANALYSIS_DEFAULT_RADIUS;
        snprintf(an->mode, sizeof an->mode, "near:%s:%g", parley_solution_name(k), r);
        if (an->has_sol[k]) {
            const double *centre = an->solp.u + an->sol_idx[k] * d;
            st = near_frontier(run, &cs->c, centre, r, A, err);
            if (st == PARLEY_OK)
                st = near_frontier(run, NULL, centre, r, F, err);
        }
    } else if (opt->frontier == PARLEY_FRONTIER_LIST_SAMPLE) {
        size_t n = opt->frontier_sample ? opt->frontier_sample : 100;
        snprintf(an->mode, sizeof an->mode, "sample:%zu", n);
        size_t tested, hits;
        if (deal) {
            st = sample_frontier(run, &cs->c, true, seed, n, 50 * n, (uint64_t)5000 * n, A,
                                 &tested, &hits, err);
            if (st == PARLEY_OK && tested >= AN_EST_SAMPLES) {
                an->has_est = true;
                an->est_n = tested;
                an->est = (double)hits; /* (share: below) */
            }
        }
        if (st == PARLEY_OK)
            st = sample_frontier(run, NULL, false, seed, n, 50 * n, (uint64_t)50 * n, F,
                                 &tested, &hits, err);
    } else {
        snprintf(an->mode, sizeof an->mode, "none");
    }
    size_t ntest = opt->frontier_estimate ? opt->frontier_estimate : AN_EST_SAMPLES;
    if (st == PARLEY_OK && deal && !an->has_est && ntest != SIZE_MAX) {
        run->phase = "frontier estimate";
        size_t tested, hits;
        st = sample_frontier(run, &cs->c, true, seed, 0, ntest, (uint64_t)ntest * 5000, NULL,
                             &tested, &hits, err);
        if (st == PARLEY_OK && tested) {
            an->has_est = true;
            an->est_n = tested;
            an->est = (double)hits;
        }
    }
    if (st == PARLEY_OK && an->has_est) { /* Wilson 95% of the share, times the agreements */
        double nn = (double)an->est_n, p = an->est / nn, z = 1.959963984540054;
        double den = 1.0 + z * z / nn, mid = (p + z * z / (2.0 * nn)) / den;
        double half = z * sqrt(p * (1.0 - p) / nn + z * z / (4.0 * nn * nn)) / den;
        char t[64];
        an_count_text(an->cnt[PARLEY_COUNT_AGREEMENTS], t, sizeof t);
        double agr = strtod(t, NULL);
        an->est = p * agr;
        an->est_lo = (mid - half > 0 ? mid - half : 0) * agr;
        an->est_hi = (mid + half < 1 ? mid + half : 1) * agr;
        if (an->est_lo > an->est) /* (rounding at a share of 0 or 1) */
            an->est_lo = an->est;
        if (an->est_hi < an->est)
            an->est_hi = an->est;
    }
    if (st != PARLEY_OK)
        return st;
    for (int f = 0; f < 2; f++) {
        an_count *c = &an->cnt[f == 0 ? PARLEY_COUNT_PARETO_OUTCOMES : PARLEY_COUNT_PARETO_AGREEMENTS];
        for (size_t i = 0; i < an->front[f].n; i++)
            an_count_add(c, an->front[f].cnt[i]);
    }
    return PARLEY_OK;
}

/* AUTO: does the frontier engine fit?  Three or more stakeholders, linear
 * utilities: the frontier engine is tried with the frontier capped at
 * PARLEY_ANALYSIS_AUTO_POINTS points; past it, solution-first. */
static bool auto_tries_first(const an_space *sp, const parley_analysis_options *opt)
{
    /* (a smaller frontier limit set by the caller is the caller's: it
     * fails the analysis as before) */
    return opt->frontier == PARLEY_FRONTIER_LIST_AUTO && sp->d >= 3 && !sp->nit &&
           opt->kalai != PARLEY_KALAI_GENIUS && opt->max_frontier > PARLEY_ANALYSIS_AUTO_POINTS;
}

parley_status parley_analysis_frontier_parse(const char *text, parley_analysis_options *opt,
                                             parley_error *err)
{
    if (!text || !opt)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no frontier mode given");
    if (!strcmp(text, "auto") || !strcmp(text, "all") || !strcmp(text, "none")) {
        opt->frontier = text[1] == 'u' ? PARLEY_FRONTIER_LIST_AUTO
                        : text[1] == 'l' ? PARLEY_FRONTIER_LIST_ALL
                                         : PARLEY_FRONTIER_LIST_NONE;
        return PARLEY_OK;
    }
    if (!strncmp(text, "sample:", 7)) {
        char *end;
        unsigned long long n = strtoull(text + 7, &end, 10);
        if (text[7] >= '0' && text[7] <= '9' && !*end && n >= 1 && n <= 1000000) {
            opt->frontier = PARLEY_FRONTIER_LIST_SAMPLE;
            opt->frontier_sample = (size_t)n;
            return PARLEY_OK;
        }
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "'%s': sample:N takes a whole number of points from 1 to 1000000, "
                            "as in sample:200", text);
    }
    if (!strncmp(text, "near:", 5)) {
        static const struct {
            const char *name;
            parley_solution_kind k;
        } names[] = {{"nash", PARLEY_SOLUTION_NASH},
                     {"kalai_smorodinsky", PARLEY_SOLUTION_KALAI_SMORODINSKY},
                     {"ks", PARLEY_SOLUTION_KALAI_SMORODINSKY},
                     {"utilitarian", PARLEY_SOLUTION_UTILITARIAN},
                     {"egalitarian", PARLEY_SOLUTION_EGALITARIAN}};
        const char *p = text + 5, *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == len && !strncmp(p, names[i].name, len)) {
                double r = 0.0;
                if (colon) {
                    char *end;
                    r = strtod(colon + 1, &end);
                    if (colon[1] == '\0' || *end || !(r > 0.0 && r <= 1.0))
                        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                                            "'%s': the radius after near:%s: is a utility "
                                            "distance in (0, 1], as in near:%s:0.1", text,
                                            names[i].name, names[i].name);
                }
                opt->frontier = PARLEY_FRONTIER_LIST_NEAR;
                opt->frontier_near = (int)names[i].k;
                opt->frontier_radius = r;
                return PARLEY_OK;
            }
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "'%s': near: takes a solution: nash, kalai_smorodinsky (ks), "
                            "utilitarian or egalitarian, and optionally a radius, as in "
                            "near:nash or near:nash:0.1", text);
    }
    return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                        "'%s' is not a frontier mode; use auto, all, none, near:SOLUTION[:R] "
                        "(as near:nash) or sample:N (as sample:200)", text);
}

parley_status parley_analyze(const parley_scenario *sc, const parley_analysis_options *optin,
                             parley_analysis **out, parley_error *err)
{
    if (out)
        *out = NULL;
    if (!sc || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "parley_analyze needs a scenario and a place for the result");
    if (!sc->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the scenario is not final; call parley_scenario_finalize first");
    parley_analysis_options opt;
    if (optin)
        opt = *optin;
    else
        parley_analysis_options_init(&opt);
    if (!opt.max_work)
        opt.max_work = PARLEY_ANALYSIS_DEFAULT_MAX_WORK;
    if (!opt.max_frontier)
        opt.max_frontier = PARLEY_ANALYSIS_DEFAULT_MAX_FRONTIER;

    an_space sp;
    parley_status st = an_space_build(sc, &sp, err);
    if (st != PARLEY_OK)
        return st;
    const parley_allocator *a = sc->alloc;
    size_t d = sp.d, m = sp.m, np = sp.np;
    parley_analysis *an = parleyx_calloc(a, 1, sizeof *an);
    long *dim_of = parleyx_calloc(a, np, sizeof(long));
    double *rv = parleyx_calloc(a, d, sizeof(double));
    double *util = parleyx_calloc(a, np, sizeof(double));
    an_cons_store cs;
    memset(&cs, 0, sizeof cs);
    an_arch seed;
    an_arch_init(&seed, a, d, m, an_work_limit(opt.max_frontier));
    an_run run = {.sp = &sp, .opt = &opt, .phase = "frontier", .phase_hi = 0.5,
                  .soft = sp.nit != 0};
    if (opt.max_seconds > 0)
        run.deadline = an_now() + opt.max_seconds;
    if (an) {
        an->allocv = *a;
        an->d = d;
        an->m = m;
        an->np = np;
    }
    if (!an || !dim_of || !rv || !util || !analysis_setup(an, &sp, &opt, dim_of, rv)) {
        st = out_of_memory(err);
        goto fail;
    }
    /* (GENIUS's KS variant is defined on the whole frontier: the frontier
     * engine, whatever the mode asked) */
    bool first = !sp.nit && opt.kalai != PARLEY_KALAI_GENIUS &&
                 (opt.frontier == PARLEY_FRONTIER_LIST_NEAR ||
                             opt.frontier == PARLEY_FRONTIER_LIST_SAMPLE ||
                             opt.frontier == PARLEY_FRONTIER_LIST_NONE);
    if (!first && auto_tries_first(&sp, &opt)) {
        /* AUTO, many parties: the frontier engine under a small frontier
         * limit; past it, solution-first near the Nash deal */
        parley_analysis_options o2 = opt;
        if (o2.max_frontier > PARLEY_ANALYSIS_AUTO_POINTS)
            o2.max_frontier = PARLEY_ANALYSIS_AUTO_POINTS;
        if (o2.max_work > PARLEY_ANALYSIS_AUTO_WORK)
            o2.max_work = PARLEY_ANALYSIS_AUTO_WORK;
        run.opt = &o2;
        run.auto_try = true;
        an->front[0].limit = an->front[1].limit = o2.max_frontier;
        st = frontier_all(an, &run, &o2, &seed, err);
        if (st == PARLEY_OK)
            st = frontier_agreements(an, &run, &cs, dim_of, util, err);
        run.opt = &opt;
        run.auto_try = false;
        an->front[0].limit = an->front[1].limit = opt.max_frontier;
        if (st == PARLEY_ERR_LIMIT && err &&
            (strcmp(err->message, "frontier") == 0 ||
             (strcmp(err->message, "work") == 0 && opt.max_work > PARLEY_ANALYSIS_AUTO_WORK))) {
            parley_error_clear(err);
            an_arch_clear(&an->front[0]);
            an_arch_clear(&an->front[1]);
            an->front[0].overflow = an->front[1].overflow = false;
            an->cnt[PARLEY_COUNT_PARETO_OUTCOMES] = an->cnt[PARLEY_COUNT_PARETO_AGREEMENTS] =
                (an_count){0, 0, 0};
            an_cons_free(a, &cs);
            an_arch_clear(&seed);
            seed.overflow = false;
            opt.frontier = PARLEY_FRONTIER_LIST_NEAR;
            opt.frontier_near = PARLEY_SOLUTION_NASH;
            first = true;
        } else if (st != PARLEY_OK) {
            goto fail;
        } else {
            goto count;
        }
    }
    if (first) {
        st = solution_first(an, &run, &opt, &cs, dim_of, rv, err);
        if (st == PARLEY_OK && an_count_is_zero(an->cnt[PARLEY_COUNT_AGREEMENTS]))
            st = diagnose_alone(an, &run, &opt, dim_of, err);
        if (st == PARLEY_OK) {
            *out = an;
            an = NULL;
        }
        goto fail;
    }
    st = frontier_all(an, &run, &opt, &seed, err);
    if (st == PARLEY_OK)
        st = frontier_agreements(an, &run, &cs, dim_of, util, err);
count:
    snprintf(an->mode, sizeof an->mode, "all");
    if (st == PARLEY_OK) { /* 5: the agreement count */
        run.phase = "agreements";
        run.phase_lo = 0.75;
        run.phase_hi = 1.0;
        st = count_agreements(&run, &opt, &cs.c, &an->cnt[PARLEY_COUNT_AGREEMENTS], err);
        if (st == PARLEY_OK && run.cut) /* a lower bound: the agreements looked at */
            note_cut(an, an->gap);
    }
    if (st == PARLEY_OK) { /* 6: solutions; a first diagnosis when there is no deal */
        solutions(an, rv, opt.kalai);
        if (an_count_is_zero(an->cnt[PARLEY_COUNT_AGREEMENTS]))
            st = diagnose_alone(an, &run, &opt, dim_of, err);
    }
    if (st == PARLEY_OK) {
        *out = an;
        an = NULL;
    }
fail:
    if (st != PARLEY_OK && err)
        st = limit_message(st, &sp, &run, &opt, err);
    an_cons_free(a, &cs);
    an_run_free_open(&run);
    an_arch_free(&seed);
    parleyx_free(a, dim_of, np * sizeof(long));
    parleyx_free(a, rv, d * sizeof(double));
    parleyx_free(a, util, np * sizeof(double));
    parley_analysis_free(an);
    an_space_free(&sp);
    return st;
}

/* -------------------------------------------------------- accessors */

size_t parley_analysis_dims(const parley_analysis *an)
{
    return an ? an->d : 0;
}

size_t parley_analysis_dim_party(const parley_analysis *an, size_t j)
{
    return an && j < an->d ? an->dimp[j] : (size_t)-1;
}

size_t parley_analysis_issue_count(const parley_analysis *an)
{
    return an ? an->m : 0;
}

bool parley_analysis_count(const parley_analysis *an, parley_count_kind kind, uint64_t *out)
{
    if (!an || (unsigned)kind > PARLEY_COUNT_PARETO_AGREEMENTS)
        return false;
    an_count c = an->cnt[kind];
    if (c.hi || c.top)
        return false;
    if (out)
        *out = c.lo;
    return true;
}

const char *parley_analysis_count_text(const parley_analysis *an, parley_count_kind kind,
                                       char *buf, size_t n)
{
    if (!buf || n == 0)
        return buf;
    if (!an || (unsigned)kind > PARLEY_COUNT_PARETO_AGREEMENTS) {
        buf[0] = '\0';
        return buf;
    }
    an_count_text(an->cnt[kind], buf, n);
    return buf;
}

static const an_arch *front_of(const parley_analysis *an, parley_frontier_kind kind)
{
    if (!an || (unsigned)kind > PARLEY_FRONTIER_AGREEMENTS)
        return NULL;
    return &an->front[kind];
}

size_t parley_analysis_frontier_size(const parley_analysis *an, parley_frontier_kind kind)
{
    const an_arch *f = front_of(an, kind);
    return f ? f->n : 0;
}

const double *parley_analysis_frontier_utilities(const parley_analysis *an,
                                                 parley_frontier_kind kind, size_t i)
{
    const an_arch *f = front_of(an, kind);
    return f && i < f->n ? f->u + i * f->d : NULL;
}

const uint32_t *parley_analysis_frontier_outcome(const parley_analysis *an,
                                                 parley_frontier_kind kind, size_t i)
{
    const an_arch *f = front_of(an, kind);
    return f && i < f->n ? f->rep + i * f->m : NULL;
}

bool parley_analysis_frontier_multiplicity(const parley_analysis *an, parley_frontier_kind kind,
                                           size_t i, uint64_t *out)
{
    const an_arch *f = front_of(an, kind);
    if (!f || i >= f->n || f->cnt[i].hi || f->cnt[i].top)
        return false;
    if (out)
        *out = f->cnt[i].lo;
    return true;
}

bool parley_analysis_solution(const parley_analysis *an, parley_solution_kind kind,
                              const double **utilities, const uint32_t **outcome)
{
    if (!an || (unsigned)kind >= PARLEY_SOLUTION_COUNT || !an->has_sol[kind])
        return false;
    const an_arch *f = an->sol_own ? &an->solp
                       : kind >= PARLEY_SOLUTION_GENIUS_NASH ? &an->front[PARLEY_FRONTIER_ALL]
                                                             : &an->front[PARLEY_FRONTIER_AGREEMENTS];
    size_t i = an->sol_idx[kind];
    if (utilities)
        *utilities = f->u + i * f->d;
    if (outcome)
        *outcome = f->rep + i * f->m;
    return true;
}

const char *parley_solution_name(parley_solution_kind kind)
{
    switch (kind) {
    case PARLEY_SOLUTION_NASH: return "nash";
    case PARLEY_SOLUTION_KALAI_SMORODINSKY: return "kalai_smorodinsky";
    case PARLEY_SOLUTION_UTILITARIAN: return "utilitarian";
    case PARLEY_SOLUTION_EGALITARIAN: return "egalitarian";
    case PARLEY_SOLUTION_GENIUS_NASH: return "genius_nash";
    case PARLEY_SOLUTION_GENIUS_KS: return "genius_kalai_smorodinsky";
    case PARLEY_SOLUTION_GENIUS_MAX_WELFARE: return "genius_max_welfare";
    }
    return "?";
}

const char *parley_analysis_frontier_mode(const parley_analysis *an)
{
    return an ? an->mode : "";
}

bool parley_analysis_frontier_complete(const parley_analysis *an)
{
    return an && !an->partial;
}

void parley_analysis_pareto_interval(const parley_analysis *an, parley_frontier_kind kind,
                                     char *lo, char *hi, size_t n)
{
    if (!lo || !hi || n == 0)
        return;
    lo[0] = hi[0] = '\0';
    if (!an || (unsigned)kind > PARLEY_FRONTIER_AGREEMENTS)
        return;
    parley_count_kind ck = kind == PARLEY_FRONTIER_ALL ? PARLEY_COUNT_PARETO_OUTCOMES
                                                       : PARLEY_COUNT_PARETO_AGREEMENTS;
    an_count_text(an->cnt[ck], lo, n);
    an_count_text(an->partial ? an->pareto_hi[kind] : an->cnt[ck], hi, n);
}

bool parley_analysis_pareto_estimate(const parley_analysis *an, double *est, double *lo95,
                                     double *hi95, size_t *samples)
{
    if (!an || !an->has_est)
        return false;
    if (est)
        *est = an->est;
    if (lo95)
        *lo95 = an->est_lo;
    if (hi95)
        *hi95 = an->est_hi;
    if (samples)
        *samples = an->est_n;
    return true;
}

bool parley_analysis_exact(const parley_analysis *an)
{
    return an && !an->inexact;
}

double parley_analysis_gap(const parley_analysis *an)
{
    return an && an->inexact ? an->gap : 0.0;
}

double parley_analysis_best(const parley_analysis *an, size_t j, bool agreements)
{
    if (!an || j >= an->d)
        return NAN;
    return agreements ? an->best_agree[j] : an->best_all[j];
}

bool parley_analysis_party_alone(const parley_analysis *an, size_t party, char *buf, size_t n,
                                 bool *rv_out_of_reach)
{
    if (!an || !an->diagnosed || party >= an->np || !an->alone_valid[party])
        return false;
    if (buf && n)
        an_count_text(an->alone[party], buf, n);
    if (rv_out_of_reach)
        *rv_out_of_reach = an->rv_out[party];
    return true;
}
