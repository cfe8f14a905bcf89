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
 *
 * Ownership: a parley_analysis owns copies of everything it reports (it
 * does not borrow from the scenario) and is freed with
 * parley_analysis_free(), through the scenario's allocator (copied).
 */
#include "analysis/an.h"

#include <math.h>
#include <stdio.h>
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

bool an_cons_build(const an_space *sp, size_t only, const long *dim_of, an_cons_store *cs,
                       bool *upward)
{
    const parley_scenario *sc = sp->sc;
    const parley_allocator *a = sp->alloc;
    memset(cs, 0, sizeof *cs);
    size_t nr = 0, nleaves = 0;
    for (size_t p = 0; p < sp->np; p++) {
        nr += sc->parties[p].nredlines;
        for (size_t r = 0; r < sc->parties[p].nredlines; r++)
            nleaves += rule_size(sc->parties[p].redlines[r].rule);
    }
    cs->capth = sp->d + nleaves;
    cs->caprules = nr ? nr : 1;
    cs->c.thdim = parleyx_calloc(a, cs->capth, sizeof(size_t));
    cs->c.thval = parleyx_calloc(a, cs->capth, sizeof(double));
    cs->c.rules = parleyx_calloc(a, cs->caprules, sizeof(rule *));
    if (!cs->c.thdim || !cs->c.thval || !cs->c.rules)
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

static parley_status count_agreements(an_run *run, const parley_analysis_options *opt,
                                      const an_cons *c, an_count *out, parley_error *err)
{
    const an_space *sp = run->sp;
    if (c->nrules == 0 && !c->infeasible && sp->m >= 2 && !sp->nit) {
        parley_analysis_options o2 = *opt;
        uint64_t budget = run->work + AN_COUNT_TRY;
        if (budget < opt->max_work)
            o2.max_work = budget;
        an_run r2 = *run;
        r2.opt = &o2;
        parley_status st = an_search(&r2, AN_PASS_COUNT, c, NULL, out, err);
        run->work = r2.work;
        if (st != PARLEY_ERR_LIMIT || o2.max_work == opt->max_work ||
            strcmp(err ? err->message : "work", "work") != 0)
            return st;
        if (err)
            parley_error_clear(err);
        st = an_mitm_count2(run, c, AN_MITM_MAX_SIDE, out, err);
        if (st == PARLEY_ERR_NOMEM)
            return parleyx_fail(err, st, NULL, 0, 0, "out of memory");
        if (st == PARLEY_OK || (st == PARLEY_ERR_LIMIT && err && err->message[0]))
            return st; /* done, or cancelled */
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
    st = frontier_all(an, &run, &opt, &seed, err);
    if (st == PARLEY_OK)
        st = frontier_agreements(an, &run, &cs, dim_of, util, err);
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
    const an_arch *f = kind >= PARLEY_SOLUTION_GENIUS_NASH ? &an->front[PARLEY_FRONTIER_ALL]
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
