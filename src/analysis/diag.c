/*
 * diag.c -- red-line diagnosis: minimal conflicts, minimal relaxations,
 * bends and slack (parley/redlines.h is the contract; docs/redlines.md the
 * user's account).
 *
 * The constraints.  C = every red line of every negotiator and ratifier,
 * then its reservation value ("PARTY:reservation") when it has preferences
 * or a positive reservation value.  A subset S of C is *feasible* when some
 * outcome satisfies every member.  Conflicts are the minimal infeasible
 * subsets (MUSes); relaxations the minimal correction subsets (MCSes:
 * complements of the maximal feasible subsets).
 *
 * The oracle (dg_search).  Depth-first search over the issues, in an order
 * that puts the issues named by red lines first (so rules are decided
 * high in the tree), with three prunings at every node:
 *   - a reservation value r_p is out of reach when the partial utility
 *     plus the best terms still to come cannot reach it;
 *   - a red line is already broken for every completion
 *     (rule_eval_partial == 0, with utility bounds for utility());
 *   - with an objective (max/min of a utility or of an issue's value), the
 *     branch cannot beat the incumbent.
 * Bounds are sums of per-issue extreme terms in search order, with the
 * term-wise bounds of a party's interaction sum (an.h) when it has
 * interaction terms, widened by
 * 1e-9 so that they stay conservative whatever the rounding; every leaf is
 * then checked exactly (pm_utility, rule_eval), so answers are exact.
 * Only rules that name the issue just assigned, or use utility(), are
 * re-checked at a node.  Found outcomes are cached with the set of all
 * constraints they satisfy (a *witness*): a subset covered by a witness is
 * feasible without search; a subset containing a known conflict is
 * infeasible without search.
 *
 * Enumeration (MARCO, Liffiton et al. 2016).  A small DPLL solver over one
 * boolean per constraint (the *map*) proposes a maximal unexplored subset;
 * if it is feasible it is grown into a maximal feasible subset (its
 * complement is a relaxation; block its subsets), otherwise shrunk by
 * deletion into a conflict (block its supersets).  It stops when the map
 * has no model, or at max_sets.  Cost: about (conflicts + relaxations) x
 * |C| oracle calls, never 2^|C|.
 *
 * Bends and slack.  For a reservation value of p: the highest utility p
 * can get under every other constraint is the value it must fall to (no
 * deal) or can rise to (deals exist).  For a threshold inside a rule (an
 * ordering on utility(P), or an issue comparison that accepts a prefix or
 * suffix of a numeric issue's values): with the leaf set to its most
 * permissive truth value (true where it appears positively, false under an
 * odd number of negations), the extreme of the compared quantity over the
 * remaining constraints is the critical value.  Feasibility is monotone in
 * the threshold, so this value is exact.
 *
 * Memory: all through the scenario's allocator.  The diagnosis owns its
 * lists and the analyses of the relaxed scenarios.  The search works on a
 * private clone of the scenario, whose rule leaves it may switch
 * temporarily (and always restores).
 */
#include "an.h"
#include "model/model.h"
#include "model/rule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DG_EPS 1e-9
#define DG_DEFAULT_WORK 4000000000ULL
#define DG_DEFAULT_SETS 1000u
#define DG_MAX_CONSTRAINTS 4096u
#define DG_MAX_WITNESSES 4096u

typedef struct dg_con {
    parley_constraint_kind kind;
    size_t party;
    size_t redline;
    char *name;
} dg_con;

typedef struct dg_set {
    size_t n;
    size_t *m;
} dg_set;

typedef struct dg_limit {
    parley_limit_info info;  /* as handed out; info.what borrows what */
    char *what;              /* owned */
} dg_limit;

struct parley_diagnosis {
    parley_allocator allocv;
    const parley_allocator *alloc;
    parley_progress_fn progress;      /* the options', for the analyses run here */
    void *progress_ud;
    double deadline;                  /* max_seconds from the start (an_now); 0: none */
    bool deal, complete;
    size_t nc;
    size_t capc;                      /* entries allocated for cons/status/added */
    dg_con *cons;
    size_t nconf, capconf;
    dg_set *conf;
    size_t nrel, caprel;
    dg_set *rel;
    parley_analysis **relan; /* nrel, after enumeration */
    size_t nbend, capbend;
    dg_limit *bends;
    size_t nslack, capslack;
    dg_limit *slacks;
    parley_constraint_status *status; /* nc */
    char (*added)[48];                /* nc */
    char deals[48];                   /* deals exist: how many ("" unknown) */
};

/* ------------------------------------------------------------- the search */

typedef enum { OBJ_NONE, OBJ_UTIL, OBJ_ISSUE } dg_objkind;

typedef struct dg_search {
    const parley_allocator *alloc;
    parley_scenario *sc; /* private clone */
    size_t ni, np, nc, nw;
    const dg_con *cons;
    size_t *order;          /* ni: search order of the issues */
    size_t *pos;            /* ni: position of issue i in order */
    double *tmax, *tmin;    /* np*ni: extreme term of party p on issue i */
    double *sufmax, *sufmin;/* np*(ni+1): sums over order[d..] */
    unsigned char *ref;     /* nc*ni: constraint c names issue i */
    bool *useu;             /* nc: constraint c needs utilities */
    /* per call */
    const uint64_t *active;
    size_t *chk;            /* (ni)*(nc): constraints to check at depth d */
    size_t *nchk;           /* ni */
    size_t *dlo, *dhi;      /* ni: allowed value index range */
    /* scratch */
    uint32_t *o;
    bool *assigned;
    double *partial;        /* np*(ni+1) */
    double *ulo, *uhi, *u;  /* np */
    /* objective */
    dg_objkind obj;
    size_t objp, obji;
    int objsign;            /* +1 maximise, -1 minimise */
    bool found;
    double best;
    uint32_t *bestx;
    /* budget */
    uint64_t work, max_work;
    double deadline;        /* an_now() seconds; 0: none */
    bool over, late;        /* out of work; out of time (over too) */
    /* witnesses: outcomes and the constraints they satisfy */
    size_t nwit;
    uint64_t *witmask;      /* DG_MAX_WITNESSES * nw */
    /* known conflicts, for quick infeasibility */
    const parley_diagnosis *d;
    /* interaction terms: the analysis's term index (only its an_inter
     * part is built), for the relaxed bound an_inter_relaxed_hi */
    bool inter;
    an_space isp;
    signed char *tst;       /* isp.nit: statuses, party-major */
    double *acc;            /* isp.voff[m]: zero between calls */
    size_t *touched;        /* ni */
    size_t maxnv;           /* the largest issue */
    size_t *kord;           /* ni*maxnv: children best bound first */
    double *kkey;           /* ni*maxnv: their bounds */
    double *kb;             /* ni*maxnv*2np: each child's uhi then ulo, by value,
                             * so that the walk does not compute them again */
} dg_search;

static inline bool bit_get(const uint64_t *m, size_t c)
{
    return (m[c >> 6] >> (c & 63)) & 1u;
}
static inline void bit_set(uint64_t *m, size_t c)
{
    m[c >> 6] |= (uint64_t)1 << (c & 63);
}
static inline void bit_clr(uint64_t *m, size_t c)
{
    m[c >> 6] &= ~((uint64_t)1 << (c & 63));
}

static void rule_refs(const rule *r, unsigned char *ref, bool *useu)
{
    while (r) {
        if (r->op == RULE_ISSUE_IN)
            ref[r->issue] = 1;
        if (r->op == RULE_UTIL_CMP)
            *useu = true;
        rule_refs(r->a, ref, useu);
        r = r->b;
    }
}

static const rule *con_rule(const dg_search *s, size_t c)
{
    const dg_con *k = &s->cons[c];
    return s->sc->parties[k->party].redlines[k->redline].rule;
}

/* Utility bounds of every party at depth d (issues order[0..d-1] set). */
static void bounds_at(dg_search *s, size_t d)
{
    for (size_t p = 0; p < s->np; p++) {
        double part = s->partial[p * (s->ni + 1) + d];
        double hi = part + s->sufmax[p * (s->ni + 1) + d];
        double lo = part + s->sufmin[p * (s->ni + 1) + d];
        const pm_party *pa = &s->sc->parties[p];
        if (pa->nterms) { /* term-wise bounds of the interaction sum (an.h) */
            double ihi, ilo;
            signed char *st = s->tst + s->isp.itp[p];
            for (size_t t = 0; t < pa->nterms; t++)
                st[t] = (signed char)rule_eval_partial(pa->iterms[t].rule, s->o, s->assigned,
                                                       NULL, NULL);
            an_inter_fold(pa, st, &ihi, &ilo);
            /* and the rectangles' relaxed bound, when tighter (an.h) */
            double rhi = an_inter_relaxed_hi(&s->isp, p, s->tst, s->assigned, s->acc,
                                             s->touched);
            if (rhi < ihi)
                ihi = rhi;
            s->uhi[p] = an_finish(hi, ihi, pa->idiv) + DG_EPS;
            s->ulo[p] = an_finish(lo, ilo, pa->idiv) - DG_EPS;
        } else {
            s->uhi[p] = (hi < 1.0 ? hi : 1.0) + DG_EPS;
            s->ulo[p] = (lo < 1.0 ? lo : 1.0) - DG_EPS;
        }
        /* Every utility lies in [0, 1] exactly (pm_utility clamps), so the
         * widening never needs to pass those ends: without this cap an
         * incumbent of exactly 1 could never prune a branch. */
        if (s->uhi[p] > 1.0)
            s->uhi[p] = 1.0;
        if (s->ulo[p] < 0.0)
            s->ulo[p] = 0.0;
    }
}

/* Is constraint c satisfied by the complete outcome s->o, utilities s->u? */
static bool con_holds(dg_search *s, size_t c)
{
    const dg_con *k = &s->cons[c];
    if (k->kind == PARLEY_CONSTRAINT_RESERVATION)
        return s->u[k->party] >= s->sc->parties[k->party].reservation;
    return rule_eval(con_rule(s, c), s->o, s->u);
}

static void leaf_utils(dg_search *s)
{
    for (size_t p = 0; p < s->np; p++)
        s->u[p] = pm_utility(s->sc, p, s->o);
}

static void add_witness(dg_search *s)
{
    if (s->nwit >= DG_MAX_WITNESSES)
        return;
    uint64_t *m = &s->witmask[s->nwit * s->nw];
    memset(m, 0, s->nw * sizeof *m);
    for (size_t c = 0; c < s->nc; c++)
        if (con_holds(s, c))
            bit_set(m, c);
    s->nwit++;
}

/* 1 found (feasibility) / 0 exhausted / -1 work limit. */
static int dfs(dg_search *s, size_t d)
{
    if (++s->work > s->max_work) {
        s->over = true;
        return -1;
    }
    if ((s->work & 4095) == 0 && an_past(s->deadline)) {
        s->over = s->late = true;
        return -1;
    }
    size_t ni = s->ni;
    if (d == ni) {
        leaf_utils(s);
        for (size_t c = 0; c < s->nc; c++)
            if (bit_get(s->active, c) && !con_holds(s, c))
                return 0;
        if (s->obj == OBJ_NONE) {
            if (s->witmask)
                add_witness(s);
            return 1;
        }
        double v = s->obj == OBJ_UTIL ? s->u[s->objp]
                                      : pm_issue_value(&s->sc->issues[s->obji], s->o[s->obji]);
        if (!s->found || (s->objsign > 0 ? v > s->best : v < s->best)) {
            s->found = true;
            s->best = v;
            memcpy(s->bestx, s->o, ni * sizeof *s->o);
        }
        return 0;
    }
    size_t i = s->order[d];
    const pm_issue *is = &s->sc->issues[i];
    /* With interaction terms, a utility objective walks the children best
     * bound first, so that a strong incumbent comes early (the bounds are
     * loose there; the answer does not depend on the order). */
    size_t *kord = NULL;
    if (s->obj == OBJ_UTIL && s->kord) {
        kord = s->kord + d * s->maxnv;
        double *key = s->kkey + d * s->maxnv;
        size_t n = 0;
        for (size_t k = s->dlo[i]; k <= s->dhi[i]; k++, n++) {
            s->o[i] = (uint32_t)k;
            s->assigned[i] = true;
            for (size_t p = 0; p < s->np; p++) {
                const double *t = s->sc->parties[p].terms[i];
                s->partial[p * (ni + 1) + d + 1] = s->partial[p * (ni + 1) + d] + t[k];
            }
            bounds_at(s, d + 1);
            double *kb = s->kb + ((d * s->maxnv) + (k - s->dlo[i])) * 2 * s->np;
            memcpy(kb, s->uhi, s->np * sizeof(double));
            memcpy(kb + s->np, s->ulo, s->np * sizeof(double));
            double v = s->objsign > 0 ? s->uhi[s->objp] : -s->ulo[s->objp];
            size_t y = n;
            while (y > 0 && key[y - 1] < v) {
                key[y] = key[y - 1];
                kord[y] = kord[y - 1];
                y--;
            }
            key[y] = v;
            kord[y] = k;
        }
    }
    for (size_t k0 = s->dlo[i]; k0 <= s->dhi[i]; k0++) {
        /* issue objectives: walk the objective issue best value first */
        size_t k = k0;
        if (s->obj == OBJ_ISSUE && i == s->obji && s->objsign > 0)
            k = s->dhi[i] - (k0 - s->dlo[i]);
        if (kord)
            k = kord[k0 - s->dlo[i]];
        s->o[i] = (uint32_t)k;
        s->assigned[i] = true;
        for (size_t p = 0; p < s->np; p++) {
            const double *t = s->sc->parties[p].terms[i];
            s->partial[p * (ni + 1) + d + 1] = s->partial[p * (ni + 1) + d] + t[k];
        }
        bool ok = true;
        bool have_bounds = false;
        if (kord) { /* computed when the children were ordered */
            const double *kb = s->kb + ((d * s->maxnv) + (k - s->dlo[i])) * 2 * s->np;
            memcpy(s->uhi, kb, s->np * sizeof(double));
            memcpy(s->ulo, kb + s->np, s->np * sizeof(double));
            have_bounds = true;
        }
        if (s->obj == OBJ_UTIL && s->found) {
            if (!have_bounds)
                bounds_at(s, d + 1);
            have_bounds = true;
            if (s->objsign > 0 ? s->uhi[s->objp] <= s->best : s->ulo[s->objp] >= s->best)
                ok = false;
        }
        if (s->obj == OBJ_ISSUE && i == s->obji && s->found) {
            double v = pm_issue_value(is, k);
            if (s->objsign > 0 ? v <= s->best : v >= s->best)
                ok = false;
        }
        for (size_t j = 0; ok && j < s->nchk[d]; j++) {
            size_t c = s->chk[d * s->nc + j];
            const dg_con *kc = &s->cons[c];
            if (!have_bounds) {
                bounds_at(s, d + 1);
                have_bounds = true;
            }
            if (kc->kind == PARLEY_CONSTRAINT_RESERVATION) {
                if (s->uhi[kc->party] < s->sc->parties[kc->party].reservation)
                    ok = false;
            } else if (rule_eval_partial(con_rule(s, c), s->o, s->assigned, s->ulo, s->uhi) ==
                       0) {
                ok = false;
            }
        }
        if (ok) {
            int r = dfs(s, d + 1);
            if (r != 0) {
                s->assigned[i] = false;
                return r;
            }
        }
    }
    s->assigned[i] = false;
    return 0;
}

/* Prepare the per-depth check lists for the active set. */
static void prepare(dg_search *s, const uint64_t *active)
{
    s->active = active;
    for (size_t d = 0; d < s->ni; d++) {
        size_t i = s->order[d], n = 0;
        for (size_t c = 0; c < s->nc; c++) {
            if (!bit_get(active, c))
                continue;
            if (s->useu[c] || s->ref[c * s->ni + i])
                s->chk[d * s->nc + n++] = c;
        }
        s->nchk[d] = n;
    }
    for (size_t i = 0; i < s->ni; i++) {
        s->dlo[i] = 0;
        s->dhi[i] = s->sc->issues[i].nvalues - 1;
        s->assigned[i] = false;
    }
    for (size_t p = 0; p < s->np; p++)
        s->partial[p * (s->ni + 1)] = 0.0;
}

static bool covers(const uint64_t *sup, const uint64_t *sub, size_t nw)
{
    for (size_t w = 0; w < nw; w++)
        if (sub[w] & ~sup[w])
            return false;
    return true;
}

/* Feasibility of a subset: 1 yes, 0 no, -1 work limit. */
static int feasible(dg_search *s, const uint64_t *active)
{
    for (size_t w = 0; w < s->nwit; w++)
        if (covers(&s->witmask[w * s->nw], active, s->nw))
            return 1;
    if (s->d) {
        for (size_t k = 0; k < s->d->nconf; k++) {
            const dg_set *cf = &s->d->conf[k];
            bool all = true;
            for (size_t j = 0; j < cf->n && all; j++)
                all = bit_get(active, cf->m[j]);
            if (all)
                return 0;
        }
    }
    prepare(s, active);
    s->obj = OBJ_NONE;
    return dfs(s, 0);
}

/* Feasibility of a (possibly modified) set, without the caches. */
static int feasible_nocache(dg_search *s, const uint64_t *active)
{
    uint64_t *saved = s->witmask;
    s->witmask = NULL;
    prepare(s, active);
    s->obj = OBJ_NONE;
    int r = dfs(s, 0);
    s->witmask = saved;
    return r;
}

/* Optimise an objective under the active set: 1 found (s->best), 0 none,
 * -1 work limit.  Witnesses are not recorded (the set may be modified). */
static int optimise(dg_search *s, const uint64_t *active, dg_objkind kind, size_t which,
                    int sign)
{
    uint64_t *saved = s->witmask;
    s->witmask = NULL;
    prepare(s, active);
    s->obj = kind;
    s->objp = which;
    s->obji = which;
    s->objsign = sign;
    s->found = false;
    s->best = 0.0;
    int r = dfs(s, 0);
    s->witmask = saved;
    s->obj = OBJ_NONE;
    if (r < 0)
        return -1;
    return s->found ? 1 : 0;
}

static void search_free(dg_search *s)
{
    const parley_allocator *a = s->alloc;
    size_t ni = s->ni, np = s->np, nc = s->nc;
    parleyx_free(a, s->order, ni * sizeof(size_t));
    parleyx_free(a, s->pos, ni * sizeof(size_t));
    parleyx_free(a, s->tmax, np * ni * sizeof(double));
    parleyx_free(a, s->tmin, np * ni * sizeof(double));
    parleyx_free(a, s->sufmax, np * (ni + 1) * sizeof(double));
    parleyx_free(a, s->sufmin, np * (ni + 1) * sizeof(double));
    parleyx_free(a, s->ref, nc * ni);
    parleyx_free(a, s->useu, nc * sizeof(bool));
    parleyx_free(a, s->chk, ni * nc * sizeof(size_t));
    parleyx_free(a, s->nchk, ni * sizeof(size_t));
    parleyx_free(a, s->dlo, ni * sizeof(size_t));
    parleyx_free(a, s->dhi, ni * sizeof(size_t));
    parleyx_free(a, s->o, ni * sizeof(uint32_t));
    parleyx_free(a, s->bestx, ni * sizeof(uint32_t));
    parleyx_free(a, s->assigned, ni * sizeof(bool));
    parleyx_free(a, s->partial, np * (ni + 1) * sizeof(double));
    parleyx_free(a, s->ulo, np * sizeof(double));
    parleyx_free(a, s->uhi, np * sizeof(double));
    parleyx_free(a, s->u, np * sizeof(double));
    parleyx_free(a, s->witmask, DG_MAX_WITNESSES * s->nw * sizeof(uint64_t));
    if (s->inter) {
        parleyx_free(a, s->tst, (s->isp.nit ? s->isp.nit : 1) * sizeof(signed char));
        parleyx_free(a, s->acc, (s->isp.voff[ni] ? s->isp.voff[ni] : 1) * sizeof(double));
        parleyx_free(a, s->touched, (ni ? ni : 1) * sizeof(size_t));
        parleyx_free(a, s->kord, (ni ? ni : 1) * s->maxnv * sizeof(size_t));
        parleyx_free(a, s->kkey, (ni ? ni : 1) * s->maxnv * sizeof(double));
        parleyx_free(a, s->kb, (ni ? ni : 1) * s->maxnv * 2 * np * sizeof(double));
        an_inter_free(&s->isp);
    }
    parley_scenario_free(s->sc);
}

static parley_status search_init(dg_search *s, const parley_scenario *orig, const dg_con *cons,
                                 size_t nc, uint64_t max_work, parley_error *err)
{
    memset(s, 0, sizeof *s);
    parley_status st = parley_scenario_clone(orig, &s->sc, err);
    if (st)
        return st;
    const parley_allocator *a = s->sc->alloc;
    s->alloc = a;
    size_t ni = s->sc->nissues, np = s->sc->nparties;
    s->ni = ni;
    s->np = np;
    s->nc = nc;
    s->nw = (nc + 63) / 64 ? (nc + 63) / 64 : 1;
    s->cons = cons;
    s->max_work = max_work;
    s->order = parleyx_calloc(a, ni, sizeof(size_t));
    s->pos = parleyx_calloc(a, ni, sizeof(size_t));
    s->tmax = parleyx_calloc(a, np * ni, sizeof(double));
    s->tmin = parleyx_calloc(a, np * ni, sizeof(double));
    s->sufmax = parleyx_calloc(a, np * (ni + 1), sizeof(double));
    s->sufmin = parleyx_calloc(a, np * (ni + 1), sizeof(double));
    s->ref = parleyx_calloc(a, nc * ni, 1);
    s->useu = parleyx_calloc(a, nc, sizeof(bool));
    s->chk = parleyx_calloc(a, ni * nc, sizeof(size_t));
    s->nchk = parleyx_calloc(a, ni, sizeof(size_t));
    s->dlo = parleyx_calloc(a, ni, sizeof(size_t));
    s->dhi = parleyx_calloc(a, ni, sizeof(size_t));
    s->o = parleyx_calloc(a, ni, sizeof(uint32_t));
    s->bestx = parleyx_calloc(a, ni, sizeof(uint32_t));
    s->assigned = parleyx_calloc(a, ni, sizeof(bool));
    s->partial = parleyx_calloc(a, np * (ni + 1), sizeof(double));
    s->ulo = parleyx_calloc(a, np, sizeof(double));
    s->uhi = parleyx_calloc(a, np, sizeof(double));
    s->u = parleyx_calloc(a, np, sizeof(double));
    s->witmask = parleyx_calloc(a, DG_MAX_WITNESSES * s->nw, sizeof(uint64_t));
    if (!s->order || !s->pos || !s->tmax || !s->tmin || !s->sufmax || !s->sufmin || !s->ref ||
        !s->useu || !s->chk || !s->nchk || !s->dlo || !s->dhi || !s->o || !s->bestx ||
        !s->assigned || !s->partial || !s->ulo || !s->uhi || !s->u || !s->witmask) {
        search_free(s);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (pm_has_interactions(s->sc)) {
        s->isp.sc = s->sc;
        s->isp.alloc = a;
        s->isp.m = ni;
        s->isp.np = np;
        if (!an_inter_build(&s->isp)) {
            search_free(s);
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        s->inter = true;
        s->tst = parleyx_calloc(a, s->isp.nit ? s->isp.nit : 1, sizeof(signed char));
        s->acc = parleyx_calloc(a, s->isp.voff[ni] ? s->isp.voff[ni] : 1, sizeof(double));
        s->touched = parleyx_calloc(a, ni ? ni : 1, sizeof(size_t));
        s->maxnv = 1;
        for (size_t i = 0; i < ni; i++)
            if (s->sc->issues[i].nvalues > s->maxnv)
                s->maxnv = s->sc->issues[i].nvalues;
        s->kord = parleyx_calloc(a, (ni ? ni : 1) * s->maxnv, sizeof(size_t));
        s->kkey = parleyx_calloc(a, (ni ? ni : 1) * s->maxnv, sizeof(double));
        s->kb = parleyx_calloc(a, (ni ? ni : 1) * s->maxnv * 2 * np, sizeof(double));
        if (!s->tst || !s->acc || !s->touched || !s->kord || !s->kkey || !s->kb) {
            search_free(s);
            return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    /* which issues each constraint names */
    size_t *score = parleyx_calloc(a, ni, sizeof(size_t));
    if (!score) {
        search_free(s);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t c = 0; c < nc; c++) {
        if (cons[c].kind == PARLEY_CONSTRAINT_RESERVATION) {
            s->useu[c] = true;
            continue;
        }
        rule_refs(con_rule(s, c), &s->ref[c * ni], &s->useu[c]);
        for (size_t i = 0; i < ni; i++)
            score[i] += s->ref[c * ni + i];
    }
    /* order: most-named issues first (stable), then the rest */
    for (size_t i = 0; i < ni; i++)
        s->order[i] = i;
    for (size_t x = 1; x < ni; x++) {
        size_t v = s->order[x], y = x;
        while (y > 0 && score[s->order[y - 1]] < score[v]) {
            s->order[y] = s->order[y - 1];
            y--;
        }
        s->order[y] = v;
    }
    parleyx_free(a, score, ni * sizeof(size_t));
    for (size_t d = 0; d < ni; d++)
        s->pos[s->order[d]] = d;
    for (size_t p = 0; p < np; p++) {
        for (size_t i = 0; i < ni; i++) {
            pm_terms_range(s->sc->parties[p].terms[i], s->sc->issues[i].nvalues,
                           &s->tmax[p * ni + i], &s->tmin[p * ni + i]);
        }
        s->sufmax[p * (ni + 1) + ni] = 0.0;
        s->sufmin[p * (ni + 1) + ni] = 0.0;
        for (size_t d = ni; d-- > 0;) {
            s->sufmax[p * (ni + 1) + d] =
                s->sufmax[p * (ni + 1) + d + 1] + s->tmax[p * ni + s->order[d]];
            s->sufmin[p * (ni + 1) + d] =
                s->sufmin[p * (ni + 1) + d + 1] + s->tmin[p * ni + s->order[d]];
        }
    }
    return PARLEY_OK;
}

/* ---------------------------------------------------------- the map (SAT) */

typedef struct dg_clause {
    size_t n;
    size_t *lit; /* var*2 + (1 if negated) */
} dg_clause;

typedef struct dg_map {
    const parley_allocator *alloc;
    size_t nv;
    size_t ncl, capcl;
    dg_clause *cl;
    signed char *val; /* -1 unassigned, 0 false, 1 true */
} dg_map;

static parley_status map_add(dg_map *m, const size_t *lits, size_t n)
{
    dg_clause *grown = parleyx_grow(m->alloc, m->cl, sizeof *grown, &m->capcl, m->ncl + 1, 16);
    if (!grown)
        return PARLEY_ERR_NOMEM;
    m->cl = grown;
    size_t *l = parleyx_malloc(m->alloc, (n ? n : 1) * sizeof(size_t));
    if (!l)
        return PARLEY_ERR_NOMEM;
    memcpy(l, lits, n * sizeof(size_t));
    m->cl[m->ncl].n = n;
    m->cl[m->ncl].lit = l;
    m->ncl++;
    return PARLEY_OK;
}

static void map_free(dg_map *m)
{
    for (size_t k = 0; k < m->ncl; k++)
        parleyx_free(m->alloc, m->cl[k].lit, (m->cl[k].n ? m->cl[k].n : 1) * sizeof(size_t));
    parleyx_free(m->alloc, m->cl, m->capcl * sizeof(dg_clause));
    parleyx_free(m->alloc, m->val, m->nv ? m->nv : 1);
}

/* clause status under m->val: 1 satisfied, 0 falsified, -1 open */
static int clause_state(const dg_map *m, const dg_clause *c, size_t *unit, size_t *nopen)
{
    *nopen = 0;
    for (size_t j = 0; j < c->n; j++) {
        size_t v = c->lit[j] >> 1;
        int neg = (int)(c->lit[j] & 1);
        if (m->val[v] < 0) {
            (*nopen)++;
            *unit = c->lit[j];
        } else if ((m->val[v] == 1) != neg) {
            return 1;
        }
    }
    return *nopen ? -1 : 0;
}

/* DPLL.  Every clause is a set of literals of which one must hold, so
 * branching on the open literals of a shortest unsatisfied clause is
 * complete, and variables named by no open clause never branch (they end
 * up true).  trail records what this call set, to undo on failure. */
static bool map_solve(dg_map *m, size_t *trail, size_t nt0)
{
    size_t nt = nt0;
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t k = 0; k < m->ncl; k++) {
            size_t unit = 0, nopen;
            int st = clause_state(m, &m->cl[k], &unit, &nopen);
            if (st == 0)
                goto fail;
            if (st < 0 && nopen == 1) {
                m->val[unit >> 1] = (unit & 1) ? 0 : 1;
                trail[nt++] = unit >> 1;
                changed = true;
            }
        }
    }
    /* a shortest unsatisfied clause */
    size_t best = SIZE_MAX, bestn = SIZE_MAX;
    for (size_t k = 0; k < m->ncl; k++) {
        size_t unit = 0, nopen;
        if (clause_state(m, &m->cl[k], &unit, &nopen) < 0 && nopen < bestn) {
            best = k;
            bestn = nopen;
        }
    }
    if (best == SIZE_MAX) {
        for (size_t v = 0; v < m->nv; v++)
            if (m->val[v] < 0) {
                m->val[v] = 1;
                trail[nt++] = v;
            }
        return true;
    }
    const dg_clause *c = &m->cl[best];
    for (size_t j = 0; j < c->n; j++) {
        size_t v = c->lit[j] >> 1;
        if (m->val[v] >= 0)
            continue;
        m->val[v] = (c->lit[j] & 1) ? 0 : 1;
        trail[nt] = v;
        if (map_solve(m, trail, nt + 1))
            return true;
        m->val[v] = -1;
        /* this literal cannot hold: fix it the other way for the rest */
        m->val[v] = (c->lit[j] & 1) ? 1 : 0;
        trail[nt++] = v;
    }
fail:
    for (size_t t = nt0; t < nt; t++)
        m->val[trail[t]] = -1;
    return false;
}

/* A maximal model of the map into seed (bitset); false if none.  Raising
 * a variable can only break a clause that needs some variable false, so a
 * model no single variable can be raised in is maximal. */
static bool map_seed(dg_map *m, uint64_t *seed, size_t nw, bool *nomem)
{
    *nomem = false;
    size_t *trail = parleyx_malloc(m->alloc, (m->nv ? m->nv : 1) * sizeof(size_t));
    if (!trail) {
        *nomem = true;
        return false;
    }
    memset(m->val, -1, m->nv);
    bool ok = map_solve(m, trail, 0);
    parleyx_free(m->alloc, trail, (m->nv ? m->nv : 1) * sizeof(size_t));
    if (!ok)
        return false;
    for (size_t v = 0; v < m->nv; v++) {
        if (m->val[v] == 1)
            continue;
        bool can = true;
        for (size_t k = 0; k < m->ncl && can; k++) {
            const dg_clause *c = &m->cl[k];
            bool mentions = false, other = false;
            for (size_t j = 0; j < c->n; j++) {
                size_t w = c->lit[j] >> 1;
                bool neg = c->lit[j] & 1;
                if (w == v && neg)
                    mentions = true;
                else if ((m->val[w] == 1) != neg)
                    other = true;
            }
            if (mentions && !other)
                can = false;
        }
        if (can)
            m->val[v] = 1;
    }
    memset(seed, 0, nw * sizeof *seed);
    for (size_t v = 0; v < m->nv; v++)
        if (m->val[v] == 1)
            bit_set(seed, v);
    return true;
}

/* ------------------------------------------------------------ diagnosis */

static parley_status push_set(parley_diagnosis *d, dg_set **arr, size_t *n, size_t *cap,
                              const uint64_t *mask, size_t nc, bool complement)
{
    dg_set *grown = parleyx_grow(d->alloc, *arr, sizeof *grown, cap, *n + 1, 8);
    if (!grown)
        return PARLEY_ERR_NOMEM;
    *arr = grown;
    size_t cnt = 0;
    for (size_t c = 0; c < nc; c++)
        if (bit_get(mask, c) != complement)
            cnt++;
    size_t *m = parleyx_malloc(d->alloc, (cnt ? cnt : 1) * sizeof(size_t));
    if (!m)
        return PARLEY_ERR_NOMEM;
    cnt = 0;
    for (size_t c = 0; c < nc; c++)
        if (bit_get(mask, c) != complement)
            m[cnt++] = c;
    (*arr)[*n].n = cnt;
    (*arr)[*n].m = m;
    (*n)++;
    return PARLEY_OK;
}

static int set_cmp(const dg_set *a, const dg_set *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (size_t j = 0; j < a->n; j++)
        if (a->m[j] != b->m[j])
            return a->m[j] < b->m[j] ? -1 : 1;
    return 0;
}

static void sort_sets(dg_set *s, size_t n, parley_analysis **an)
{
    /* insertion sort: lists are short; stable and deterministic */
    for (size_t x = 1; x < n; x++) {
        dg_set v = s[x];
        parley_analysis *va = an ? an[x] : NULL;
        size_t y = x;
        while (y > 0) {
            int c = set_cmp(&s[y - 1], &v);
            if (an && s[y - 1].n == v.n) {
                uint64_t da = 0, db = 0;
                bool ka = an[y - 1] && parley_analysis_count(an[y - 1], PARLEY_COUNT_AGREEMENTS, &da);
                bool kb = va && parley_analysis_count(va, PARLEY_COUNT_AGREEMENTS, &db);
                if (ka && kb && da != db)
                    c = da < db ? 1 : -1;
            }
            if (c <= 0)
                break;
            s[y] = s[y - 1];
            if (an)
                an[y] = an[y - 1];
            y--;
        }
        s[y] = v;
        if (an)
            an[y] = va;
    }
}

void parley_diagnosis_options_init(parley_diagnosis_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->solutions = true;
}

void parley_diagnosis_free(parley_diagnosis *d)
{
    if (!d)
        return;
    const parley_allocator *a = d->alloc;
    for (size_t c = 0; c < d->nc; c++)
        parleyx_strfree(a, d->cons[c].name);
    parleyx_free(a, d->cons, d->capc * sizeof(dg_con));
    for (size_t k = 0; k < d->nconf; k++)
        parleyx_free(a, d->conf[k].m, (d->conf[k].n ? d->conf[k].n : 1) * sizeof(size_t));
    parleyx_free(a, d->conf, d->capconf * sizeof(dg_set));
    for (size_t k = 0; k < d->nrel; k++) {
        parleyx_free(a, d->rel[k].m, (d->rel[k].n ? d->rel[k].n : 1) * sizeof(size_t));
        if (d->relan)
            parley_analysis_free(d->relan[k]);
    }
    parleyx_free(a, d->relan, d->nrel * sizeof(parley_analysis *));
    parleyx_free(a, d->rel, d->caprel * sizeof(dg_set));
    for (size_t k = 0; k < d->nbend; k++)
        parleyx_strfree(a, d->bends[k].what);
    parleyx_free(a, d->bends, d->capbend * sizeof(dg_limit));
    for (size_t k = 0; k < d->nslack; k++)
        parleyx_strfree(a, d->slacks[k].what);
    parleyx_free(a, d->slacks, d->capslack * sizeof(dg_limit));
    parleyx_free(a, d->status, d->capc * sizeof(parley_constraint_status));
    parleyx_free(a, d->added, d->capc * sizeof(*d->added));
    parley_allocator av = d->allocv;
    parleyx_free(&av, d, sizeof *d);
}

static parley_status build_constraints(parley_diagnosis *d, const parley_scenario *sc,
                                       parley_error *err)
{
    size_t n = 0;
    for (size_t p = 0; p < sc->nparties; p++) {
        const pm_party *pa = &sc->parties[p];
        if (pa->role == PARLEY_ROLE_MEDIATOR)
            continue;
        n += pa->nredlines;
        if (parley_party_has_utility(sc, p) || pa->reservation > 0.0)
            n++;
    }
    if (n > DG_MAX_CONSTRAINTS)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "%zu red lines and reservation values; the diagnosis handles at most "
                            "%u",
                            n, DG_MAX_CONSTRAINTS);
    d->capc = n ? n : 1;
    d->cons = parleyx_calloc(d->alloc, d->capc, sizeof(dg_con));
    d->status = parleyx_calloc(d->alloc, d->capc, sizeof(parley_constraint_status));
    d->added = parleyx_calloc(d->alloc, d->capc, sizeof(*d->added));
    if (!d->cons || !d->status || !d->added)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t p = 0; p < sc->nparties; p++) {
        const pm_party *pa = &sc->parties[p];
        if (pa->role == PARLEY_ROLE_MEDIATOR)
            continue;
        for (size_t r = 0; r <= pa->nredlines; r++) {
            bool res = r == pa->nredlines;
            if (res && !(parley_party_has_utility(sc, p) || pa->reservation > 0.0))
                continue;
            const char *nm = res ? "reservation" : pa->redlines[r].name;
            size_t len = strlen(pa->name) + 1 + strlen(nm);
            char *name = parleyx_malloc(d->alloc, len + 1);
            if (!name)
                return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
            snprintf(name, len + 1, "%s:%s", pa->name, nm);
            dg_con *c = &d->cons[d->nc++];
            c->kind = res ? PARLEY_CONSTRAINT_RESERVATION : PARLEY_CONSTRAINT_REDLINE;
            c->party = p;
            c->redline = r;
            c->name = name;
        }
    }
    return PARLEY_OK;
}

static parley_status work_over(const dg_search *s, parley_error *err)
{
    if (s->late)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "the diagnosis stopped at the time limit, after %llu search steps; "
                            "raise it with --max-seconds S, or leave it out",
                            (unsigned long long)s->work);
    uint64_t max_work = s->max_work;
    return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                        "the diagnosis needed more than %llu search steps; raise the limit with "
                        "--max-work, or simplify the scenario (fewer values on the issues named "
                        "by red lines)",
                        (unsigned long long)max_work);
}

/* MARCO over the constraints. */
static parley_status enumerate(parley_diagnosis *d, dg_search *s, size_t max_sets,
                               parley_error *err)
{
    size_t nc = d->nc, nw = s->nw;
    parley_status st = PARLEY_OK;
    dg_map m = {0};
    m.alloc = d->alloc;
    m.nv = nc;
    m.val = parleyx_malloc(d->alloc, nc ? nc : 1);
    uint64_t *seed = parleyx_calloc(d->alloc, nw, sizeof(uint64_t));
    uint64_t *trial = parleyx_calloc(d->alloc, nw, sizeof(uint64_t));
    size_t *lits = parleyx_calloc(d->alloc, nc ? nc : 1, sizeof(size_t));
    if (!m.val || !seed || !trial || !lits) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    d->complete = true;
    bool nomem = false;
    while (map_seed(&m, seed, nw, &nomem)) {
        if (d->nconf + d->nrel >= max_sets) {
            d->complete = false;
            break;
        }
        int f = feasible(s, seed);
        if (f < 0) {
            st = work_over(s, err);
            goto done;
        }
        if (f) {
            /* grow to a maximal feasible subset */
            for (size_t c = 0; c < nc; c++) {
                if (bit_get(seed, c))
                    continue;
                memcpy(trial, seed, nw * sizeof *trial);
                bit_set(trial, c);
                int g = feasible(s, trial);
                if (g < 0) {
                    st = work_over(s, err);
                    goto done;
                }
                if (g)
                    bit_set(seed, c);
            }
            size_t n = 0;
            for (size_t c = 0; c < nc; c++)
                if (!bit_get(seed, c))
                    lits[n++] = c * 2;
            if (n == 0) {
                d->deal = true; /* every constraint holds together */
                break;
            }
            if ((st = push_set(d, &d->rel, &d->nrel, &d->caprel, seed, nc, true)) ||
                (st = map_add(&m, lits, n))) {
                st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
                goto done;
            }
        } else {
            /* shrink to a minimal infeasible subset */
            for (size_t c = 0; c < nc; c++) {
                if (!bit_get(seed, c))
                    continue;
                bit_clr(seed, c);
                int g = feasible(s, seed);
                if (g < 0) {
                    st = work_over(s, err);
                    goto done;
                }
                if (g)
                    bit_set(seed, c); /* needed for the conflict */
            }
            size_t n = 0;
            for (size_t c = 0; c < nc; c++)
                if (bit_get(seed, c))
                    lits[n++] = c * 2 + 1;
            if ((st = push_set(d, &d->conf, &d->nconf, &d->capconf, seed, nc, false)) ||
                (st = map_add(&m, lits, n))) {
                st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
                goto done;
            }
        }
    }
    if (!st && nomem)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    parleyx_free(d->alloc, lits, (nc ? nc : 1) * sizeof(size_t));
    parleyx_free(d->alloc, trial, nw * sizeof(uint64_t));
    parleyx_free(d->alloc, seed, nw * sizeof(uint64_t));
    map_free(&m);
    return st;
}


/* The options of an analysis the diagnosis runs: its threads, progress,
 * and what is left of its time. */
static void analysis_options(const parley_diagnosis *d, unsigned threads,
                             parley_analysis_options *ao)
{
    parley_analysis_options_init(ao);
    ao->threads = threads;
    ao->progress = d->progress;
    ao->progress_ud = d->progress_ud;
    /* only agreement counts and Nash deals are read: the solution-first
     * engine, no frontier listed, no estimate (many parties: seconds, not
     * minutes) */
    ao->frontier = PARLEY_FRONTIER_LIST_NONE;
    ao->frontier_estimate = SIZE_MAX;
    if (d->deadline > 0) {
        double left = d->deadline - an_now();
        ao->max_seconds = left > 1e-6 ? left : 1e-6;
    }
}


/* parley_analyze, exact or a failure: the diagnosis compares counts and
 * Nash deals, which a non-linear analysis stopped by a limit (not exact)
 * cannot settle. */
static parley_status exact_analysis(const parley_scenario *sc, const parley_analysis_options *ao,
                                    parley_analysis **out, parley_error *err)
{
    parley_status st = parley_analyze(sc, ao, out, err);
    if (st == PARLEY_OK && !parley_analysis_exact(*out)) {
        parley_analysis_free(*out);
        *out = NULL;
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                            "an analysis of the diagnosis stopped at the work or time limit "
                            "before it was exact (interaction terms make this space hard); "
                            "raise the limit with --max-outcomes N or --max-seconds S");
    }
    return st;
}

/* A scenario with a set of constraints dropped (reservation -> 0). */
static parley_status relaxed_scenario(const parley_diagnosis *d, const parley_scenario *sc,
                                      const size_t *members, size_t n, parley_scenario **out,
                                      parley_error *err)
{
    parley_scenario *c = NULL;
    parley_status st = parley_scenario_clone(sc, &c, err);
    if (st)
        return st;
    /* remove red lines from the highest index down so indices hold */
    for (size_t j = n; j-- > 0 && !st;) {
        const dg_con *k = &d->cons[members[j]];
        if (k->kind == PARLEY_CONSTRAINT_RESERVATION)
            st = parley_party_set_reservation(c, k->party, 0.0);
        else
            st = parley_party_remove_redline(c, k->party, k->redline);
    }
    if (!st)
        st = parley_scenario_finalize(c, err);
    if (st) {
        parley_scenario_free(c);
        return st == PARLEY_ERR_NOMEM ? parleyx_fail(err, st, NULL, 0, 0, "out of memory") : st;
    }
    *out = c;
    return PARLEY_OK;
}

static parley_status analyse_relaxed(const parley_diagnosis *d, const parley_scenario *sc,
                                     const size_t *members, size_t n, unsigned threads,
                                     parley_analysis **out, parley_error *err)
{
    parley_scenario *c = NULL;
    *out = NULL;
    parley_status st = relaxed_scenario(d, sc, members, n, &c, err);
    if (st)
        return st;
    parley_analysis_options ao;
    analysis_options(d, threads, &ao);
    st = exact_analysis(c, &ao, out, err);
    parley_scenario_free(c);
    return st;
}

/* The comparison text of a leaf as written: the bytes the rule lexer
 * read for it, from its first token to its last (rule.h's offset and end),
 * whatever follows it (a space, tab, newline, `(`, `and`, `)`). */
static char *leaf_text(const parley_allocator *a, const char *text, const rule *r)
{
    size_t len = strlen(text), b = r->offset, e = r->end;
    if (e > len)
        e = len;
    if (b > e)
        b = e;
    return parleyx_strndup(a, text + b, e - b);
}

static parley_status push_limit(parley_diagnosis *d, bool bend, const dg_limit *l)
{
    dg_limit **arr = bend ? &d->bends : &d->slacks;
    size_t *n = bend ? &d->nbend : &d->nslack;
    size_t *cap = bend ? &d->capbend : &d->capslack;
    dg_limit *grown = parleyx_grow(d->alloc, *arr, sizeof *grown, cap, *n + 1, 8);
    if (!grown)
        return PARLEY_ERR_NOMEM;
    *arr = grown;
    (*arr)[*n] = *l;
    (*arr)[*n].info.what = l->what;
    (*n)++;
    return PARLEY_OK;
}

/* Keep the limit l (its text l->what, NULL when it could not be made,
 * passes to the diagnosis; freed here on failure). */
static parley_status record_limit(parley_diagnosis *d, bool bend, const dg_limit *l,
                                  parley_error *err)
{
    if (l->what && push_limit(d, bend, l) == PARLEY_OK)
        return PARLEY_OK;
    parleyx_strfree(d->alloc, l->what);
    return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

typedef struct leaf_job {
    dg_search *s;
    parley_diagnosis *d;
    const uint64_t *all;
    size_t con;
    const char *text;
    bool bend;
    parley_status st;
    parley_error *err;
} leaf_job;

/* Is leaf r a numeric threshold?  Fill the quantity and comparison. */
static bool leaf_threshold(const dg_search *s, const rule *r, dg_objkind *kind, size_t *which,
                           rule_cmp *cmp, double *from)
{
    if (r->op == RULE_UTIL_CMP) {
        if (r->cmp == RULE_EQ || r->cmp == RULE_NE)
            return false;
        *kind = OBJ_UTIL;
        *which = r->party;
        *cmp = r->cmp;
        *from = r->threshold;
        return true;
    }
    if (r->op != RULE_ISSUE_IN)
        return false;
    const pm_issue *is = &s->sc->issues[r->issue];
    if (is->kind == PARLEY_ISSUE_DISCRETE || is->nvalues < 2)
        return false;
    size_t n = is->nvalues, first = n, last = 0, cnt = 0;
    for (size_t k = 0; k < n; k++)
        if ((r->bits[k >> 6] >> (k & 63)) & 1u) {
            if (first == n)
                first = k;
            last = k;
            cnt++;
        }
    if (cnt == 0 || cnt == n || last - first + 1 != cnt)
        return false; /* always/never, or not an interval */
    *kind = OBJ_ISSUE;
    *which = r->issue;
    if (first == 0) { /* a prefix: x <= v_last */
        *cmp = RULE_LE;
        *from = pm_issue_value(is, last);
        return true;
    }
    if (last == n - 1) { /* a suffix: x >= v_first */
        *cmp = RULE_GE;
        *from = pm_issue_value(is, first);
        return true;
    }
    return false;
}

/* Critical value of one threshold leaf. */
static void leaf_limit(leaf_job *j, rule *r, bool positive)
{
    if (j->st)
        return;
    dg_objkind kind;
    size_t which;
    rule_cmp cmp;
    double from;
    if (!leaf_threshold(j->s, r, &kind, &which, &cmp, &from))
        return;
    bool upper = cmp == RULE_LE || cmp == RULE_LT; /* quantity <= limit */
    bool strictcmp = cmp == RULE_LT || cmp == RULE_GT;
    rule_op saved = r->op;
    if (!j->bend) {
        /* slack: if deals survive with the leaf at its least permissive
         * value, no tightening of this limit alone removes every deal */
        r->op = positive ? RULE_FALSE : RULE_TRUE;
        int f = feasible_nocache(j->s, j->all);
        r->op = saved;
        if (f < 0) {
            j->st = work_over(j->s, j->err);
            return;
        }
        if (f == 1) {
            dg_limit l = {0};
            l.info.constraint = j->con;
            l.info.from = from;
            l.info.possible = false;
            l.info.to = NAN;
            l.info.slack = INFINITY;
            l.what = leaf_text(j->d->alloc, j->text, r);
            j->st = record_limit(j->d, j->bend, &l, j->err);
            return;
        }
    }
    /* the leaf at its most permissive truth value */
    r->op = positive ? RULE_TRUE : RULE_FALSE;
    /* positive upper: min of the quantity; positive lower: max;
     * negative flips (the leaf must be false: quantity beyond the limit) */
    int sign = (upper == positive) ? -1 : +1;
    int got = optimise(j->s, j->all, kind, which, sign);
    r->op = saved;
    if (got < 0) {
        j->st = work_over(j->s, j->err);
        return;
    }
    dg_limit l = {0};
    l.info.constraint = j->con;
    l.info.from = from;
    l.info.possible = got == 1;
    l.info.to = got == 1 ? j->s->best : NAN;
    l.info.slack = got == 1 ? fabs(l.info.to - from) : NAN;
    /* positive: the limit may reach the extreme (strict if the
     * comparison is strict); negative: it must pass it (strict unless the
     * comparison was strict) */
    l.info.strict = positive ? strictcmp : !strictcmp;
    l.what = leaf_text(j->d->alloc, j->text, r);
    j->st = record_limit(j->d, j->bend, &l, j->err);
}

static void walk_leaves(leaf_job *j, rule *r, bool positive)
{
    while (r && !j->st) {
        switch (r->op) {
        case RULE_NOT:
            walk_leaves(j, r->a, !positive);
            return;
        case RULE_IMPLIES:
            walk_leaves(j, r->a, !positive);
            r = r->b;
            continue;
        case RULE_AND:
        case RULE_OR:
            walk_leaves(j, r->a, positive);
            r = r->b;
            continue;
        case RULE_ISSUE_IN:
        case RULE_UTIL_CMP:
            leaf_limit(j, r, positive);
            return;
        default:
            return;
        }
    }
}

/* Bends (bend == true, no deal) or slack (deals exist) of every limit. */
static parley_status limits(parley_diagnosis *d, dg_search *s, bool bend, parley_error *err)
{
    size_t nw = s->nw;
    uint64_t *all = parleyx_calloc(d->alloc, nw, sizeof(uint64_t));
    if (!all)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0; c < d->nc; c++)
        bit_set(all, c);
    parley_status st = PARLEY_OK;
    for (size_t c = 0; c < d->nc && !st; c++) {
        const dg_con *k = &d->cons[c];
        if (k->kind == PARLEY_CONSTRAINT_RESERVATION) {
            bit_clr(all, c);
            int got = optimise(s, all, OBJ_UTIL, k->party, +1);
            bit_set(all, c);
            if (got < 0) {
                st = work_over(s, err);
                break;
            }
            dg_limit l = {0};
            l.info.constraint = c;
            l.info.from = s->sc->parties[k->party].reservation;
            l.info.possible = got == 1;
            l.info.to = got == 1 ? s->best : NAN;
            l.info.slack = got == 1 ? fabs(l.info.to - l.info.from) : NAN;
            l.what = parleyx_strdup(d->alloc, "reservation");
            st = record_limit(d, bend, &l, err);
        } else {
            leaf_job j = {s, d, all, c, s->sc->parties[k->party].redlines[k->redline].text, bend,
                          PARLEY_OK, err};
            walk_leaves(&j, s->sc->parties[k->party].redlines[k->redline].rule, true);
            st = j.st;
        }
    }
    parleyx_free(d->alloc, all, nw * sizeof(uint64_t));
    return st;
}

static bool same_nash(const parley_analysis *a, const parley_analysis *b)
{
    const double *ua = NULL, *ub = NULL;
    bool ha = parley_analysis_solution(a, PARLEY_SOLUTION_NASH, &ua, NULL);
    bool hb = parley_analysis_solution(b, PARLEY_SOLUTION_NASH, &ub, NULL);
    if (ha != hb)
        return false;
    if (!ha)
        return true;
    size_t n = parley_analysis_dims(a);
    if (n != parley_analysis_dims(b))
        return false;
    for (size_t j = 0; j < n; j++)
        if (ua[j] != ub[j])
            return false;
    return true;
}

static bool nash_on_reservation(const parley_analysis *an, const parley_scenario *sc, size_t p)
{
    const double *u = NULL;
    if (!parley_analysis_solution(an, PARLEY_SOLUTION_NASH, &u, NULL))
        return false;
    for (size_t j = 0; j < parley_analysis_dims(an); j++)
        if (parley_analysis_dim_party(an, j) == p)
            return u[j] == sc->parties[p].reservation;
    return false;
}

/* When deals exist: drop each constraint alone and compare. */
static parley_status statuses(parley_diagnosis *d, const parley_scenario *sc, unsigned threads,
                              parley_error *err)
{
    parley_analysis *base = NULL;
    parley_analysis_options ao;
    analysis_options(d, threads, &ao);
    parley_status st = exact_analysis(sc, &ao, &base, err);
    if (st)
        return st;
    char bt[48], dt[48];
    parley_analysis_count_text(base, PARLEY_COUNT_AGREEMENTS, bt, sizeof bt);
    snprintf(d->deals, sizeof d->deals, "%s", bt);
    for (size_t c = 0; c < d->nc && !st; c++) {
        parley_analysis *an = NULL;
        st = analyse_relaxed(d, sc, &c, 1, threads, &an, err);
        if (st)
            break;
        uint64_t nb = 0, nd = 0;
        bool fb = parley_analysis_count(base, PARLEY_COUNT_AGREEMENTS, &nb);
        bool fd = parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &nd);
        parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, dt, sizeof dt);
        if (fb && fd)
            snprintf(d->added[c], sizeof d->added[c], "%llu", (unsigned long long)(nd - nb));
        else
            snprintf(d->added[c], sizeof d->added[c], "%s", strcmp(bt, dt) == 0 ? "0" : "?");
        if (strcmp(bt, dt) == 0)
            d->status[c] = PARLEY_STATUS_IRRELEVANT;
        else if (d->cons[c].kind == PARLEY_CONSTRAINT_RESERVATION)
            /* dropping it also moves the disagreement point, so compare
             * the Nash deal with the limit itself: binding when the deal
             * sits on it */
            d->status[c] = nash_on_reservation(base, sc, d->cons[c].party)
                               ? PARLEY_STATUS_BINDING
                               : PARLEY_STATUS_RESTRICTING;
        else if (!same_nash(base, an))
            d->status[c] = PARLEY_STATUS_BINDING;
        else
            d->status[c] = PARLEY_STATUS_RESTRICTING;
        parley_analysis_free(an);
    }
    parley_analysis_free(base);
    return st;
}

parley_status parley_diagnose(const parley_scenario *sc, const parley_diagnosis_options *opt,
                              parley_diagnosis **out, parley_error *err)
{
    if (!out)
        return PARLEY_ERR_ARG;
    *out = NULL;
    if (!sc || !sc->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the scenario is not final; call parley_scenario_finalize first");
    parley_diagnosis_options o;
    parley_diagnosis_options_init(&o);
    if (opt)
        o = *opt;
    uint64_t max_work = o.max_work ? o.max_work : DG_DEFAULT_WORK;
    size_t max_sets = o.max_sets ? o.max_sets : DG_DEFAULT_SETS;
    unsigned threads = o.threads ? o.threads : 2;

    parley_allocator a = sc->allocv;
    parley_diagnosis *d = parleyx_calloc(&a, 1, sizeof *d);
    if (!d)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    d->allocv = a;
    d->alloc = &d->allocv;
    d->progress = o.progress;
    d->progress_ud = o.progress_ud;
    if (o.max_seconds > 0)
        d->deadline = an_now() + o.max_seconds;
    parley_status st = build_constraints(d, sc, err);
    dg_search s;
    bool have_search = false;
    if (!st) {
        st = search_init(&s, sc, d->cons, d->nc, max_work, err);
        have_search = st == PARLEY_OK;
        s.deadline = d->deadline;
    }
    if (!st) {
        s.d = d;
        st = enumerate(d, &s, max_sets, err);
    }
    if (!st)
        st = limits(d, &s, !d->deal, err);
    if (!st && o.solutions && !d->deal && d->nrel) {
        d->relan = parleyx_calloc(d->alloc, d->nrel, sizeof(parley_analysis *));
        if (!d->relan)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t k = 0; k < d->nrel && !st; k++) {
            parley_error e2;
            parley_error_clear(&e2);
            parley_status s2 = analyse_relaxed(d, sc, d->rel[k].m, d->rel[k].n, threads,
                                               &d->relan[k], &e2);
            if (s2 == PARLEY_ERR_NOMEM)
                st = parleyx_fail(err, s2, NULL, 0, 0, "out of memory");
            else if (s2)
                d->relan[k] = NULL; /* too large to analyse: listed without deals */
        }
    }
    if (!st && o.solutions && d->deal)
        st = statuses(d, sc, threads, err);
    if (have_search)
        search_free(&s);
    if (st) {
        parley_diagnosis_free(d);
        return st;
    }
    sort_sets(d->conf, d->nconf, NULL);
    sort_sets(d->rel, d->nrel, d->relan);
    *out = d;
    return PARLEY_OK;
}

/* -------------------------------------------------------------- accessors */

bool parley_diagnosis_deal_exists(const parley_diagnosis *d)
{
    return d && d->deal;
}

bool parley_diagnosis_deal_count_text(const parley_diagnosis *d, char *buf, size_t n)
{
    if (!d || !d->deals[0] || !n)
        return false;
    snprintf(buf, n, "%s", d->deals);
    return true;
}

bool parley_diagnosis_complete(const parley_diagnosis *d)
{
    return d && d->complete;
}

size_t parley_diagnosis_constraint_count(const parley_diagnosis *d)
{
    return d ? d->nc : 0;
}

const char *parley_diagnosis_constraint_name(const parley_diagnosis *d, size_t c)
{
    return d && c < d->nc ? d->cons[c].name : "";
}

parley_constraint_kind parley_diagnosis_constraint_kind(const parley_diagnosis *d, size_t c)
{
    return d && c < d->nc ? d->cons[c].kind : PARLEY_CONSTRAINT_REDLINE;
}

size_t parley_diagnosis_constraint_party(const parley_diagnosis *d, size_t c)
{
    return d && c < d->nc ? d->cons[c].party : 0;
}

size_t parley_diagnosis_constraint_redline(const parley_diagnosis *d, size_t c)
{
    return d && c < d->nc ? d->cons[c].redline : 0;
}

size_t parley_diagnosis_conflict_count(const parley_diagnosis *d)
{
    return d ? d->nconf : 0;
}

/* Set k of the n sets: its size, and its members (borrowed). */
static size_t set_out(const dg_set *sets, size_t n, size_t k, const size_t **members)
{
    if (k >= n)
        return 0;
    if (members)
        *members = sets[k].m;
    return sets[k].n;
}

size_t parley_diagnosis_conflict(const parley_diagnosis *d, size_t k, const size_t **members)
{
    return d ? set_out(d->conf, d->nconf, k, members) : 0;
}

size_t parley_diagnosis_relaxation_count(const parley_diagnosis *d)
{
    return d ? d->nrel : 0;
}

size_t parley_diagnosis_relaxation(const parley_diagnosis *d, size_t k, const size_t **members)
{
    return d ? set_out(d->rel, d->nrel, k, members) : 0;
}

const parley_analysis *parley_diagnosis_relaxation_analysis(const parley_diagnosis *d, size_t k)
{
    return d && d->relan && k < d->nrel ? d->relan[k] : NULL;
}

static bool limit_out(const dg_limit *l, parley_limit_info *out)
{
    *out = l->info;
    return true;
}

size_t parley_diagnosis_bend_count(const parley_diagnosis *d)
{
    return d ? d->nbend : 0;
}

bool parley_diagnosis_bend(const parley_diagnosis *d, size_t k, parley_limit_info *out)
{
    if (!d || k >= d->nbend || !out)
        return false;
    return limit_out(&d->bends[k], out);
}

size_t parley_diagnosis_slack_count(const parley_diagnosis *d)
{
    return d ? d->nslack : 0;
}

bool parley_diagnosis_slack(const parley_diagnosis *d, size_t k, parley_limit_info *out)
{
    if (!d || k >= d->nslack || !out)
        return false;
    return limit_out(&d->slacks[k], out);
}

parley_constraint_status parley_diagnosis_status(const parley_diagnosis *d, size_t c, char *added,
                                                 size_t n)
{
    if (!d || c >= d->nc)
        return PARLEY_STATUS_UNKNOWN;
    if (added && n)
        snprintf(added, n, "%s", d->added[c]);
    return d->status[c];
}

const char *parley_constraint_status_name(parley_constraint_status s)
{
    switch (s) {
    case PARLEY_STATUS_BINDING: return "binding";
    case PARLEY_STATUS_RESTRICTING: return "restricting";
    case PARLEY_STATUS_IRRELEVANT: return "irrelevant";
    case PARLEY_STATUS_UNKNOWN: break;
    }
    return "unknown";
}
