/*
 * an_mip.c -- the all-outcomes frontier of a two-party non-linear scenario
 * by epsilon-constraint walks with a mixed-integer solver (GLPK).
 *
 * Where it applies (an_mip_frontier2 says UNSUPPORTED otherwise, and the
 * caller searches as before): two stakeholder dimensions; each party's
 * utility is interaction terms only (every linear term 0.0, so
 * u = clamp01(0.0 + I / idiv)); every term value an integer, their
 * absolute sum at most 2^50 (so every fold I is an exact integer, whatever
 * the order), idiv at most 2^50; every condition a conjunction of issue
 * comparisons (`in`, ==, !=, <, <=, >, >=; `not` of one comparison; true,
 * false) -- GENIUS's hyper-rectangles and the generated ANAC-like domains.
 *
 * The model.  Values of an issue that every comparison on it (of both
 * parties' terms) accepts alike form a class (the utilities cannot tell
 * them apart).  One binary x[i][c] per class (one class an issue), one
 * binary y per term, and per party an integer t <= I, t <= cap (cap: the
 * smallest integer K with 0.0 + K / idiv >= 1.0 in double, so u = 1
 * exactly when I >= cap).  A positive term is linked upward, y <= sum of
 * x over the classes its comparisons on issue i accept, for each issue it
 * names (the comparisons on one issue intersected); a negative one
 * downward, y >= sum over its k issues of those sums - (k - 1).  So y
 * never exceeds (positive) nor falls below (negative) the term's truth:
 * any solution's t's are at most the sums of its outcome, and the outcome
 * itself, with the true y's, is a solution.  Maximising t_A subject to
 * t_B >= b therefore gives max { G_A(o) : G_B(o) >= b } exactly, with
 * G(I) = max(0, min(I, cap)).  The utility is u = f(G) = clamp01(0.0 +
 * G / idiv), strictly increasing on the integers 0..cap (idiv <= 2^50:
 * consecutive quotients are more than two units in the last place
 * apart), so the frontier of the G's is, point for point, the frontier of
 * the utilities.
 *
 * The walk (integers), from both ends in turn: from the top of B,
 * b = max G_B, a = max G_A s.t. G_B >= b, then the next point after
 * (a, b): b' = max G_B s.t. G_A >= a + 1, a' = max G_A s.t. G_B >= b';
 * from the top of A symmetrically; until the two sides meet.  Each point
 * comes with the outcome of its last solve (the smallest value of each
 * chosen class), whose sums are re-evaluated with the model's fold and
 * must meet what the solver claimed, or the route is abandoned (UNSUPPORTED).
 * A walk stopped early (its budget of solver nodes, the deadline) still
 * knows its points, and that any other frontier point lies strictly
 * between the two sides' last points (mip_walk).
 *
 * What is proven: optimality of each solve is GLPK's branch and cut on
 * integer data (objective and constraints integral, so a solve's answer
 * is decided by a margin of 1 that no floating-point error of its LP
 * bounds comes near); every point is a real outcome re-evaluated by
 * parley.  The caller then runs its own branch and bound started with
 * these points, which counts outcomes and, when it ends, proves the
 * frontier again on its own (docs/analysis.md, section 6).
 *
 * Memory: GLPK allocates on its own heap (not the scenario's allocator);
 * everything is freed before returning, also when GLPK reports an error
 * (its error hook jumps back here and the environment is freed).
 */
#include "analysis/an.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <string.h>

#define MIP_MAXINT 1125899906842624.0 /* 2^50 */

typedef struct mip_term {
    size_t dim;            /* 0 or 1 */
    double value;          /* an integer, nonzero */
    size_t nlf;            /* issues it names */
    size_t lf0;            /* its leaves: lissue[lf0..lf0+nlf), lbits likewise */
} mip_term;

typedef struct mip {
    const an_space *sp;
    const parley_allocator *al;
    size_t nw;             /* words of a value bitset (widest issue) */
    size_t nt, capt;
    mip_term *t;
    size_t nl, capl;
    size_t *lissue;
    uint64_t *lbits;       /* nl * nw */
    double cst[2];         /* constant terms (condition `true`) */
    double lo[2], cap[2];  /* bounds of t_j */
    /* Value classes: values of issue i that every leaf on i accepts alike
     * (the utilities never tell them apart) form one class; x is per class */
    uint32_t **cls;        /* m: each value's class */
    uint32_t *ncls;        /* m */
    uint32_t **cmin;       /* m: each class's smallest value */
    size_t *xcol;          /* m + 1: first column of issue i's x */
    int tcol[2];
    glp_prob *lp;
    an_run *run;
    bool stop;             /* the run's deadline passed, it was cancelled, or
                            * the budget is spent */
    uint64_t nodes, max_nodes; /* GLPK's subproblems so far; the budget */
    double tstop;          /* with a deadline: half the time left (0: none) */
    jmp_buf jump;          /* where GLPK's error hook returns */
} mip;

static bool int_ok(double v)
{
    return isfinite(v) && v == floor(v) && fabs(v) <= MIP_MAXINT;
}

/* Leaves of r into the term's per-issue sets (ANDed in; bits starts all
 * ones for every issue of `acc`, named[i] marks the issues met); false
 * when r is not a conjunction of comparisons. */
static bool collect(const rule *r, const an_space *sp, uint64_t *acc, size_t nw, bool *named,
                    bool neg)
{
    switch (r->op) {
    case RULE_AND:
        return !neg && collect(r->a, sp, acc, nw, named, false) &&
               collect(r->b, sp, acc, nw, named, false);
    case RULE_NOT:
        return !neg && r->a->op == RULE_ISSUE_IN && collect(r->a, sp, acc, nw, named, true);
    case RULE_ISSUE_IN: {
        size_t i = r->issue, nv = sp->sc->issues[i].nvalues;
        named[i] = true;
        for (size_t w = 0; w < nw; w++) {
            uint64_t b = w < (nv + 63) / 64 ? r->bits[w] : 0;
            if (neg)
                b = ~b;
            acc[i * nw + w] &= b;
        }
        return true;
    }
    default:
        return false;
    }
}

static void mip_free(mip *P)
{
    const parley_allocator *a = P->al;
    size_t m = P->sp->m;
    parleyx_free(a, P->t, P->capt * sizeof(mip_term));
    parleyx_free(a, P->lissue, P->capl * sizeof(size_t));
    parleyx_free(a, P->lbits, P->capl * P->nw * sizeof(uint64_t));
    parleyx_free(a, P->xcol, (m + 1) * sizeof(size_t));
    for (size_t i = 0; i < m; i++) {
        size_t nv = P->sp->nv[i];
        if (P->cls)
            parleyx_free(a, P->cls[i], nv * sizeof(uint32_t));
        if (P->cmin)
            parleyx_free(a, P->cmin[i], nv * sizeof(uint32_t));
    }
    size_t mm = m ? m : 1;
    parleyx_free(a, P->cls, mm * sizeof(uint32_t *));
    parleyx_free(a, P->cmin, mm * sizeof(uint32_t *));
    parleyx_free(a, P->ncls, mm * sizeof(uint32_t));
    P->cls = P->cmin = NULL;
    P->ncls = NULL;
    P->t = NULL;
    P->lissue = NULL;
    P->lbits = NULL;
    P->xcol = NULL;
}

/* Is r a conjunction of issue comparisons (`not` of one comparison,
 * true and false allowed at the top)? */
static bool shape_ok(const rule *r, bool top)
{
    switch (r->op) {
    case RULE_TRUE:
    case RULE_FALSE:
        return top;
    case RULE_AND:
        return shape_ok(r->a, false) && shape_ok(r->b, false);
    case RULE_NOT:
        return r->a->op == RULE_ISSUE_IN;
    case RULE_ISSUE_IN:
        return true;
    default:
        return false;
    }
}

bool an_mip_applies(const an_space *sp)
{
    const parley_scenario *sc = sp->sc;
    if (sp->d != 2 || !sp->nit)
        return false;
    for (size_t j = 0; j < 2; j++) {
        const pm_party *pa = &sc->parties[sp->dimp[j]];
        if (!pa->nterms || !pa->terms || !(pa->idiv > 0.0) || pa->idiv > MIP_MAXINT)
            return false;
        for (size_t i = 0; i < sp->m; i++)
            for (size_t k = 0; k < sc->issues[i].nvalues; k++)
                if (pa->terms[i][k] != 0.0)
                    return false;
        double sa = 0.0;
        for (size_t k = 0; k < pa->nterms; k++) {
            if (!int_ok(pa->iterms[k].value) || !shape_ok(pa->iterms[k].rule, true))
                return false;
            sa += fabs(pa->iterms[k].value);
        }
        if (sa > MIP_MAXINT)
            return false;
    }
    return true;
}

/* The terms of both parties into P.  UNSUPPORTED when a party does not
 * qualify (file comment), NOMEM. */
static parley_status mip_terms(mip *P)
{
    const an_space *sp = P->sp;
    const parley_scenario *sc = sp->sc;
    const parley_allocator *a = P->al;
    size_t m = sp->m, nw = 1;
    for (size_t i = 0; i < m; i++)
        if ((sc->issues[i].nvalues + 63) / 64 > nw)
            nw = (sc->issues[i].nvalues + 63) / 64;
    P->nw = nw;
    if (!an_mip_applies(sp))
        return PARLEY_ERR_UNSUPPORTED;
    size_t cap = 0;
    for (size_t j = 0; j < 2; j++)
        cap += sc->parties[sp->dimp[j]].nterms;
    P->capt = cap;
    P->capl = cap * m;
    P->t = parleyx_calloc(a, cap, sizeof(mip_term));
    P->lissue = parleyx_calloc(a, P->capl ? P->capl : 1, sizeof(size_t));
    P->lbits = parleyx_calloc(a, (P->capl ? P->capl : 1) * nw, sizeof(uint64_t));
    P->xcol = parleyx_calloc(a, m + 1, sizeof(size_t));
    uint64_t *acc = parleyx_calloc(a, m * nw + 1, sizeof(uint64_t));
    bool *named = parleyx_calloc(a, m + 1, sizeof(bool));
    parley_status st = PARLEY_OK;
    if (!P->t || !P->lissue || !P->lbits || !P->xcol || !acc || !named)
        st = PARLEY_ERR_NOMEM;
    if (P->capl == 0) /* (calloc'd 1 for a zero count) */
        P->capl = 1;
    for (size_t j = 0; j < 2 && st == PARLEY_OK; j++) {
        const pm_party *pa = &sc->parties[sp->dimp[j]];
        double neg = 0.0;
        P->cst[j] = 0.0;
        for (size_t k = 0; k < pa->nterms && st == PARLEY_OK; k++) {
            const rule *r = pa->iterms[k].rule;
            double v = pa->iterms[k].value;
            if (v == 0.0 || r->op == RULE_FALSE)
                continue;
            if (r->op == RULE_TRUE) {
                P->cst[j] += v;
                continue;
            }
            memset(acc, 0xff, m * nw * sizeof(uint64_t));
            memset(named, 0, m * sizeof(bool));
            if (!collect(r, sp, acc, nw, named, false)) {
                st = PARLEY_ERR_UNSUPPORTED;
                break;
            }
            mip_term *T = &P->t[P->nt++];
            T->dim = j;
            T->value = v;
            T->lf0 = P->nl;
            for (size_t i = 0; i < m; i++) {
                if (!named[i])
                    continue;
                if (sp->nv[i] != sc->issues[i].nvalues) { /* a free issue: never named */
                    st = PARLEY_ERR_UNSUPPORTED;
                    break;
                }
                P->lissue[P->nl] = i;
                memcpy(P->lbits + P->nl * nw, acc + i * nw, nw * sizeof(uint64_t));
                P->nl++;
                T->nlf++;
            }
            if (v < 0.0)
                neg += v;
        }
        /* the least t_j may need (integers below 2^50: exact) */
        P->lo[j] = neg + P->cst[j] < 0.0 ? neg + P->cst[j] : 0.0;
        double K = ceil(pa->idiv);
        while (K > 1.0 && 0.0 + (K - 1.0) / pa->idiv >= 1.0)
            K -= 1.0;
        while (!(0.0 + K / pa->idiv >= 1.0))
            K += 1.0;
        P->cap[j] = K;
    }
    parleyx_free(a, acc, (m * nw + 1) * sizeof(uint64_t));
    parleyx_free(a, named, (m + 1) * sizeof(bool));
    return st;
}

static bool acc_bit(const uint64_t *b, size_t v)
{
    return (b[v / 64] >> (v % 64)) & 1;
}

/* The value classes of every issue (P's terms read).  false: no memory. */
static bool mip_classes(mip *P)
{
    const an_space *sp = P->sp;
    const parley_allocator *a = P->al;
    size_t m = sp->m, nw = P->nw;
    P->cls = parleyx_calloc(a, m ? m : 1, sizeof(uint32_t *));
    P->cmin = parleyx_calloc(a, m ? m : 1, sizeof(uint32_t *));
    P->ncls = parleyx_calloc(a, m ? m : 1, sizeof(uint32_t));
    if (!P->cls || !P->cmin || !P->ncls)
        return false;
    size_t *mine = parleyx_calloc(a, P->nl + 1, sizeof(size_t)); /* issue i's leaves */
    if (!mine)
        return false;
    for (size_t i = 0; i < m; i++) {
        size_t nv = sp->nv[i], nmine = 0;
        for (size_t l = 0; l < P->nl; l++)
            if (P->lissue[l] == i)
                mine[nmine++] = l;
        P->cls[i] = parleyx_calloc(a, nv, sizeof(uint32_t));
        P->cmin[i] = parleyx_calloc(a, nv, sizeof(uint32_t));
        if (!P->cls[i] || !P->cmin[i]) {
            parleyx_free(a, mine, (P->nl + 1) * sizeof(size_t));
            return false;
        }
        uint32_t nc = 0;
        for (size_t v = 0; v < nv; v++) {
            uint32_t c = 0;
            for (; c < nc; c++) {
                size_t w = P->cmin[i][c];
                bool same = true;
                for (size_t z = 0; z < nmine && same; z++) {
                    const uint64_t *b = P->lbits + mine[z] * nw;
                    same = acc_bit(b, v) == acc_bit(b, w);
                }
                if (same)
                    break;
            }
            if (c == nc)
                P->cmin[i][nc++] = (uint32_t)v;
            P->cls[i][v] = c;
        }
        P->ncls[i] = nc;
    }
    parleyx_free(a, mine, (P->nl + 1) * sizeof(size_t));
    return true;
}

/* ---- GLPK ---- */

static void on_glpk_error(void *info)
{
    mip *P = info;
    longjmp(P->jump, 1);
}

static void on_tick(glp_tree *T, void *info)
{
    mip *P = info;
    if (glp_ios_reason(T) == GLP_ISELECT && ++P->nodes > P->max_nodes) {
        P->stop = true;
        glp_ios_terminate(T);
    }
    if (an_past(P->run->deadline) || P->run->stopped || (P->tstop > 0 && an_past(P->tstop))) {
        P->stop = true;
        glp_ios_terminate(T);
    }
}

/* The problem's rows and columns (P->lp created). */
static void mip_build(mip *P)
{
    const an_space *sp = P->sp;
    size_t m = sp->m, nw = P->nw;
    glp_prob *lp = P->lp;
    size_t nx = 0;
    for (size_t i = 0; i < m; i++) {
        P->xcol[i] = nx + 1;
        nx += P->ncls[i];
    }
    P->xcol[m] = nx + 1;
    int ncol = (int)(nx + P->nt + 2);
    glp_add_cols(lp, ncol);
    for (int c = 1; c <= ncol - 2; c++)
        glp_set_col_kind(lp, c, GLP_BV);
    for (int j = 0; j < 2; j++) {
        int c = ncol - 1 + j;
        P->tcol[j] = c;
        glp_set_col_kind(lp, c, GLP_IV);
        glp_set_col_bnds(lp, c, GLP_DB, P->lo[j], P->cap[j]);
    }
    /* GLPK's heap: on failure glp_alloc calls the error hook */
    int *ind = glp_alloc((int)(nx + P->nt + 3), (int)sizeof(int));
    double *val = glp_alloc((int)(nx + P->nt + 3), (int)sizeof(double));
    /* one class an issue */
    for (size_t i = 0; i < m; i++) {
        int row = glp_add_rows(lp, 1), n = 0;
        for (size_t c = 0; c < P->ncls[i]; c++) {
            ind[++n] = (int)(P->xcol[i] + c);
            val[n] = 1.0;
        }
        glp_set_mat_row(lp, row, n, ind, val);
        glp_set_row_bnds(lp, row, GLP_FX, 1.0, 1.0);
    }
    /* the terms' links */
    for (size_t q = 0; q < P->nt; q++) {
        const mip_term *T = &P->t[q];
        int ycol = (int)(nx + q + 1);
        int n = 0;
        ind[++n] = ycol;
        val[n] = 1.0;
        for (size_t l = T->lf0; l < T->lf0 + T->nlf; l++) {
            size_t i = P->lissue[l];
            const uint64_t *b = P->lbits + l * nw;
            bool all = true;
            for (size_t c = 0; c < P->ncls[i]; c++) {
                if (acc_bit(b, P->cmin[i][c])) {
                    ind[++n] = (int)(P->xcol[i] + c);
                    val[n] = -1.0;
                } else {
                    all = false;
                }
            }
            if (T->value > 0.0) { /* y <= [issue i accepted], one row an issue */
                if (!all) {
                    int row = glp_add_rows(lp, 1);
                    glp_set_mat_row(lp, row, n, ind, val);
                    glp_set_row_bnds(lp, row, GLP_UP, 0.0, 0.0);
                }
                n = 1;
            }
        }
        if (T->value < 0.0) { /* y >= sum of [issue accepted] - (k - 1) */
            int row = glp_add_rows(lp, 1);
            glp_set_mat_row(lp, row, n, ind, val);
            glp_set_row_bnds(lp, row, GLP_LO, 1.0 - (double)T->nlf, 0.0);
        }
    }
    /* t_j <= cst_j + sum of the y's values */
    for (size_t j = 0; j < 2; j++) {
        int n = 0;
        for (size_t q = 0; q < P->nt; q++)
            if (P->t[q].dim == j) {
                ind[++n] = (int)(nx + q + 1);
                val[n] = P->t[q].value;
            }
        ind[++n] = P->tcol[j];
        val[n] = -1.0;
        int row = glp_add_rows(lp, 1);
        glp_set_mat_row(lp, row, n, ind, val);
        glp_set_row_bnds(lp, row, GLP_LO, -P->cst[j], 0.0);
    }
    glp_free(ind);
    glp_free(val);
}

/* The exact integer sum G_j of outcome o (the model's fold, exact here). */
static double exact_g(const mip *P, size_t j, const uint32_t *o)
{
    const pm_party *pa = &P->sp->sc->parties[P->sp->dimp[j]];
    double I = pm_interact_sum(pa, o);
    return I <= 0.0 ? 0.0 : (I >= P->cap[j] ? P->cap[j] : I);
}

/* Maximise t_obj (obj < 0: no objective) with G_A >= lb[0], G_B >= lb[1]
 * (lb <= 0: no bound).  1: solved, *g the optimum of G_obj, cl the chosen
 * class of each issue, o the outcome of their smallest values, which
 * attains it and the bounds (checked exactly); 0: infeasible; -1: the
 * solver failed or its answer does not check (the route is abandoned);
 * -2: stopped. */
static int mip_solve(mip *P, int obj, const double *lb, uint32_t *cl, uint32_t *o, double *g)
{
    glp_prob *lp = P->lp;
    const an_space *sp = P->sp;
    if (++P->nodes > P->max_nodes) { /* a solve costs a node at least */
        P->stop = true;
        return -2;
    }
    for (int j = 0; j < 2; j++) {
        double lo = P->lo[j];
        if (lb[j] > 0.0)
            lo = lb[j];
        if (lo > P->cap[j])
            return 0;
        glp_set_col_bnds(lp, P->tcol[j], lo == P->cap[j] ? GLP_FX : GLP_DB, lo, P->cap[j]);
        glp_set_obj_coef(lp, P->tcol[j], j == obj ? 1.0 : 0.0);
    }
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    parm.mip_gap = 0.0;
    /* hybrid pseudo-cost branching: 3.6 times faster than GLPK's default
     * on the generated 20-issue domains' solves */
    parm.br_tech = GLP_BR_PCH;
    parm.gmi_cuts = GLP_ON;
    parm.mir_cuts = GLP_ON;
    parm.cov_cuts = GLP_ON;
    parm.clq_cuts = GLP_ON;
    parm.cb_func = on_tick;
    parm.cb_info = P;
    int rc = glp_intopt(lp, &parm);
    if (P->stop)
        return -2;
    if (rc == GLP_ENOPFS || rc == GLP_ENODFS)
        return 0;
    if (rc != 0)
        return -1;
    int ms = glp_mip_status(lp);
    if (ms == GLP_NOFEAS)
        return 0;
    if (ms != GLP_OPT)
        return -1;
    for (size_t i = 0; i < sp->m; i++) {
        uint32_t pick = UINT32_MAX;
        for (size_t c = 0; c < P->ncls[i]; c++)
            if (glp_mip_col_val(lp, (int)(P->xcol[i] + c)) > 0.5) {
                if (pick != UINT32_MAX)
                    return -1;
                pick = (uint32_t)c;
            }
        if (pick == UINT32_MAX)
            return -1;
        cl[i] = pick;
        o[i] = P->cmin[i][pick];
    }
    double G[2] = {exact_g(P, 0, o), exact_g(P, 1, o)};
    for (int j = 0; j < 2; j++)
        if (lb[j] > 0.0 && G[j] < lb[j])
            return -1; /* the solver's outcome does not meet the bound */
    if (obj >= 0) {
        double z = glp_mip_obj_val(lp);
        double zc = z > 0.0 ? z : 0.0, zz = floor(zc + 0.5);
        if (fabs(zz - zc) > 1e-3 || G[obj] < zz)
            return -1;
        *g = G[obj]; /* >= the claimed optimum, so equal to the true one */
    }
    return 1;
}

/* A frontier point of the walk: its integer sums and an outcome. */
static bool keep_point(mip *P, an_arch *out, const uint32_t *o)
{
    double u[2];
    for (size_t j = 0; j < 2; j++)
        u[j] = pm_utility(P->sp->sc, P->sp->dimp[j], o);
    an_count z = {0, 0, 0};
    return an_arch_push(out, u, z, o);
}

/* The walk (file comment), from both ends of the frontier in turn: from
 * the top of B (points L, G_A ascending) and from the top of A (points R,
 * G_A descending), until they meet.  Every point found goes into out.
 * res->complete when they met; otherwise every frontier point not found
 * has a_L < G_A < a_R and b_R < G_B < b_L (the last points of each side),
 * and res->corner is f(a_R - 1), f(b_L - 1).  OK (also when the budget
 * stopped it: then not complete), LIMIT (the run was stopped),
 * UNSUPPORTED (the solver failed or an answer did not check), NOMEM. */
static parley_status mip_walk(mip *P, an_arch *out, uint32_t *o, an_mip_result *res)
{
    size_t m = P->sp->m;
    P->lp = glp_create_prob();
    glp_set_obj_dir(P->lp, GLP_MAX);
    mip_build(P);
    uint32_t *cl = glp_alloc((int)m + 1, (int)sizeof(uint32_t));
    double aL = 0.0, bL = 0.0, aR = P->cap[0] + 1.0, bR = -1.0, g0 = 0.0, g1 = 0.0;
    double lb[2] = {0.0, 0.0};
    int r = mip_solve(P, 1, lb, cl, o, &g1);      /* max B */
    if (r == 1) {
        lb[1] = g1;
        r = mip_solve(P, 0, lb, cl, o, &g0);      /* max A given it */
    }
    parley_status st = PARLEY_OK;
    if (r == 1) {
        aL = g0;
        bL = g1;
        if (!keep_point(P, out, o))
            st = PARLEY_ERR_NOMEM;
        lb[0] = lb[1] = 0.0;
        r = mip_solve(P, 0, lb, cl, o, &g0);      /* max A */
    }
    if (r == 1 && st == PARLEY_OK) {
        lb[0] = g0;
        r = mip_solve(P, 1, lb, cl, o, &g1);      /* max B given it */
    }
    bool met = false;
    if (r == 1 && st == PARLEY_OK) {
        aR = g0;
        bR = g1;
        met = aR == aL; /* (then bR == bL too: one point) */
        if (!met && !keep_point(P, out, o))
            st = PARLEY_ERR_NOMEM;
    }
    for (int side = 0; r == 1 && st == PARLEY_OK && !met; side ^= 1) {
        /* side 0: the next point after L's last; side 1: before R's */
        int first = side == 0 ? 1 : 0, second = 1 - first;
        lb[0] = side == 0 ? aL + 1.0 : 0.0;
        lb[1] = side == 0 ? 0.0 : bR + 1.0;
        double g = 0.0, h = 0.0;
        r = mip_solve(P, first, lb, cl, o, &g);
        if (r != 1)
            break; /* (0 cannot be: R's / L's last point qualifies) */
        if (side == 0 ? g <= bR : g <= aL) { /* the other side's last point */
            met = true;
            break;
        }
        lb[0] = lb[1] = 0.0;
        lb[first] = g;
        r = mip_solve(P, second, lb, cl, o, &h);
        if (r != 1)
            break;
        if (side == 0) {
            aL = h;
            bL = g;
        } else {
            aR = g;
            bR = h;
        }
        if (!keep_point(P, out, o))
            st = PARLEY_ERR_NOMEM;
    }
    glp_free(cl);
    res->complete = met && st == PARLEY_OK;
    if (st != PARLEY_OK)
        return st;
    if (r == -2 && out->n) { /* stopped: what is known stands */
        const parley_scenario *sc = P->sp->sc;
        res->corner[0] = an_finish(0.0, aR - 1.0, sc->parties[P->sp->dimp[0]].idiv);
        res->corner[1] = an_finish(0.0, bL - 1.0, sc->parties[P->sp->dimp[1]].idiv);
        return PARLEY_OK;
    }
    if (r == -2)
        return PARLEY_ERR_LIMIT;
    if (r != 1 && !met)
        return PARLEY_ERR_UNSUPPORTED;
    return PARLEY_OK;
}

parley_status an_mip_frontier2(an_run *run, an_arch *out, an_mip_result *res)
{
    res->complete = false;
    res->corner[0] = res->corner[1] = 1.0;
    const an_space *sp = run->sp;
    if (sp->d != 2 || !sp->nit || out->n)
        return PARLEY_ERR_UNSUPPORTED;
    const parley_allocator *al = sp->alloc;
    /* on the heap, its pointer set once: GLPK's error hook longjmps here */
    mip *const P = parleyx_calloc(al, 1, sizeof(mip));
    uint32_t *const o = parleyx_calloc(al, sp->m + 1, sizeof(uint32_t));
    if (!P || !o) {
        parleyx_free(al, P, sizeof(mip));
        parleyx_free(al, o, (sp->m + 1) * sizeof(uint32_t));
        return PARLEY_ERR_NOMEM;
    }
    P->sp = sp;
    P->al = al;
    P->run = run;
    uint64_t half = run->opt->max_work / 2;
    P->max_nodes = half > run->work ? (half - run->work) / AN_MIP_NODE_UNITS : 0;
    if (run->deadline > 0) /* the search gets the other half */
        P->tstop = an_now() + (run->deadline - an_now()) / 2.0;
    volatile parley_status st = mip_terms(P);
    if (st == PARLEY_OK && !mip_classes(P))
        st = PARLEY_ERR_NOMEM;
    if (st == PARLEY_OK) {
        glp_term_out(GLP_OFF);
        if (setjmp(P->jump)) {
            st = PARLEY_ERR_UNSUPPORTED; /* GLPK failed (out of memory, or a bug) */
        } else {
            glp_error_hook(on_glpk_error, P);
            st = mip_walk(P, out, o, res);
            glp_delete_prob(P->lp);
            glp_error_hook(NULL, NULL);
        }
        glp_free_env(); /* everything GLPK holds (also after an error) */
    }
    run->work += P->nodes * AN_MIP_NODE_UNITS;
    if (st == PARLEY_OK && !an_arch_normalize(out))
        st = PARLEY_ERR_NOMEM;
    if (st != PARLEY_OK) {
        res->complete = false;
        size_t lim = out->limit;
        const parley_allocator *oa = out->alloc; /* (the archive's own: it may outlive sp) */
        an_arch_free(out);
        an_arch_init(out, oa, sp->d, sp->m, lim);
    }
    parleyx_free(al, o, (sp->m + 1) * sizeof(uint32_t));
    mip_free(P);
    parleyx_free(al, P, sizeof(mip));
    return st;
}
