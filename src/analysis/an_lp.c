/*
 * an_lp.c -- the separable bounds of the solution-first engine's BEST
 * passes (an.h, analysis.c): weights from the linear-programming
 * relaxation of the pass's objective, by GLPK's simplex.
 *
 * What is proven.  For weights w >= 0 and a constant c (in real
 * arithmetic), every outcome meeting the thresholds u_k >= r_k has
 *     f1(u) <= sum_j w_j U_j + c,
 * U_j the uncapped sum of dimension j's terms (U_j >= u_j = min(1, U_j)):
 *   DIM j   w = e_j + lambda
 *   SUM     w = 1 + lambda
 *   MIN     w = mu + lambda               (mu >= 0, sum mu = 1: min <= mean)
 *   KS      w = mu / s + lambda, c -= sum mu_j r_j / s_j   (s_j = best_j - r_j > 0)
 * and always c -= sum lambda_k r_k: for any lambda >= 0 the added terms
 * lambda_k (U_k - r_k) are >= 0 on such outcomes (weak duality).  Any
 * weights are valid; the LP's optimal duals make the bound tight at the
 * root.  Over a subtree, sum_j w_j U_j is at most the sum over issues of
 * the assigned value's weighted term, or the largest one over the
 * issue's values -- separable, so a search keeps it per issue
 * (an_search.c).  Red lines other than thresholds are left out: a
 * relaxation, still a bound.  Nash (AM-GM): with c_j > 0,
 *     prod (u_j - r_j) <= ((sum_j c_j (U_j - r_j)) / d)^d / prod c_j
 * on outcomes with every u_j >= r_j; c_j = 1 / (x_j - r_j) for an
 * incumbent x makes it tight at x.
 * Rounding: the search's value and the bound are computed in floating
 * point in other orders than the model's fold; a slack of
 * 8 (m + d + 8) eps (S + 1), S the sum of |w_j| times the largest |term|
 * of each issue plus |c|, covers both (recursive summation's error bound,
 * twice over), and the Nash bound is raised by a relative 1e-9.
 *
 * Memory: the tables are allocated through the space's allocator and
 * freed by an_obj_weights_free.  GLPK's own memory is freed before
 * returning (glp_free_env), also when GLPK fails (its error hook).
 */
#include "analysis/an.h"

#include <float.h>
#include <glpk.h>
#include <setjmp.h>
#include <string.h>

typedef struct lp_ctx {
    jmp_buf jump;
} lp_ctx;

static void on_error(void *info)
{
    longjmp(((lp_ctx *)info)->jump, 1);
}

/* Each dimension's threshold (the largest; -inf: none). */
static void thresholds(const an_space *sp, const an_cons *c, double *r)
{
    for (size_t j = 0; j < sp->d; j++)
        r[j] = -INFINITY;
    for (size_t q = 0; c && q < c->nth; q++)
        if (c->thval[q] > r[c->thdim[q]])
            r[c->thdim[q]] = c->thval[q];
}

/* The LP relaxation: fills w (d) and *cst; false when it has no optimum
 * or GLPK fails. */
static bool lp_solve(const an_space *sp, const an_cons *c, const an_obj *ob, const double *r,
                     double *w, double *cst)
{
    size_t m = sp->m, d = sp->d;
    lp_ctx *volatile ctx = parleyx_calloc(sp->alloc, 1, sizeof(lp_ctx));
    if (!ctx)
        return false;
    bool minlike = ob->kind == AN_OBJ_MIN || ob->kind == AN_OBJ_KS;
    volatile bool ok = false;
    glp_term_out(GLP_OFF);
    if (setjmp(ctx->jump)) {
        ok = false;
    } else {
        glp_error_hook(on_error, ctx);
        glp_prob *lp = glp_create_prob();
        glp_set_obj_dir(lp, GLP_MAX);
        size_t ncol = 0;
        for (size_t i = 0; i < m; i++)
            ncol += sp->nv[i];
        int tcol = 0;
        glp_add_cols(lp, (int)ncol + (minlike ? 1 : 0));
        for (size_t k = 1; k <= ncol; k++)
            glp_set_col_bnds(lp, (int)k, GLP_DB, 0.0, 1.0);
        if (minlike) {
            tcol = (int)ncol + 1;
            glp_set_col_bnds(lp, tcol, GLP_FR, 0.0, 0.0);
            glp_set_obj_coef(lp, tcol, 1.0);
        }
        int *ind = glp_alloc((int)ncol + 2, (int)sizeof(int));
        double *val = glp_alloc((int)ncol + 2, (int)sizeof(double));
        size_t base = 1;
        for (size_t i = 0; i < m; i++) { /* one value per issue */
            int row = glp_add_rows(lp, 1);
            for (uint32_t v = 0; v < sp->nv[i]; v++) {
                ind[v + 1] = (int)(base + v);
                val[v + 1] = 1.0;
                double oc = 0.0;
                const double *t = sp->terms[i] + (size_t)v * d;
                if (ob->kind == AN_OBJ_DIM)
                    oc = t[ob->dim];
                else if (ob->kind == AN_OBJ_SUM)
                    for (size_t j = 0; j < d; j++)
                        oc += t[j];
                glp_set_obj_coef(lp, (int)(base + v), oc);
            }
            glp_set_mat_row(lp, row, (int)sp->nv[i], ind, val);
            glp_set_row_bnds(lp, row, GLP_FX, 1.0, 1.0);
            base += sp->nv[i];
        }
        int throw0 = (int)m + 1; /* the rows U_j (>= r_j where thresholded) */
        for (size_t j = 0; j < d; j++) {
            int row = glp_add_rows(lp, 1), n = 0;
            base = 1;
            for (size_t i = 0; i < m; i++) {
                for (uint32_t v = 0; v < sp->nv[i]; v++) {
                    ind[++n] = (int)(base + v);
                    val[n] = sp->terms[i][(size_t)v * d + j];
                }
                base += sp->nv[i];
            }
            glp_set_mat_row(lp, row, n, ind, val);
            if (r[j] > -INFINITY)
                glp_set_row_bnds(lp, row, GLP_LO, r[j], 0.0);
            else
                glp_set_row_bnds(lp, row, GLP_FR, 0.0, 0.0);
        }
        int minrow0 = throw0 + (int)d; /* MIN / KS: U_j - s_j t >= (0 | r_j) */
        bool *inc = parleyx_calloc(sp->alloc, d, sizeof(bool));
        size_t ninc = 0;
        for (size_t j = 0; j < d && minlike && inc; j++) {
            double s = ob->kind == AN_OBJ_KS ? ob->best[j] - ob->rv[j] : 1.0;
            inc[j] = ob->kind == AN_OBJ_MIN || ob->best[j] > ob->rv[j];
            int row = glp_add_rows(lp, 1), n = 0;
            base = 1;
            if (inc[j]) {
                ninc++;
                for (size_t i = 0; i < m; i++) {
                    for (uint32_t v = 0; v < sp->nv[i]; v++) {
                        ind[++n] = (int)(base + v);
                        val[n] = sp->terms[i][(size_t)v * d + j];
                    }
                    base += sp->nv[i];
                }
                ind[++n] = tcol;
                val[n] = -s;
            }
            glp_set_mat_row(lp, row, n, ind, val);
            if (inc[j])
                glp_set_row_bnds(lp, row, GLP_LO,
                                 ob->kind == AN_OBJ_KS ? ob->rv[j] : 0.0, 0.0);
            else
                glp_set_row_bnds(lp, row, GLP_FR, 0.0, 0.0);
        }
        glp_free(ind);
        glp_free(val);
        glp_smcp parm;
        glp_init_smcp(&parm);
        parm.msg_lev = GLP_MSG_OFF;
        parm.presolve = GLP_OFF;
        bool solved = inc && (!minlike || ninc > 0) && glp_simplex(lp, &parm) == 0 &&
                      glp_get_status(lp) == GLP_OPT;
        if (solved) {
            double musum = 0.0;
            for (size_t j = 0; j < d && minlike; j++)
                if (inc[j])
                    musum += fabs(glp_get_row_dual(lp, minrow0 + (int)j));
            *cst = 0.0;
            for (size_t j = 0; j < d; j++) {
                double lam = r[j] > -INFINITY ? fabs(glp_get_row_dual(lp, throw0 + (int)j)) : 0.0;
                double wj = lam;
                if (ob->kind == AN_OBJ_DIM)
                    wj += j == ob->dim ? 1.0 : 0.0;
                else if (ob->kind == AN_OBJ_SUM)
                    wj += 1.0;
                else if (inc[j]) {
                    double mu = musum > 0 ? fabs(glp_get_row_dual(lp, minrow0 + (int)j)) / musum
                                          : 1.0 / (double)ninc;
                    if (ob->kind == AN_OBJ_KS) {
                        double s = ob->best[j] - ob->rv[j];
                        wj += mu / s;
                        *cst -= mu * ob->rv[j] / s;
                    } else {
                        wj += mu;
                    }
                }
                w[j] = wj;
                if (lam > 0)
                    *cst -= lam * r[j];
            }
            ok = true;
        }
        parleyx_free(sp->alloc, inc, d * sizeof(bool));
        glp_delete_prob(lp);
        glp_error_hook(NULL, NULL);
    }
    glp_free_env();
    parleyx_free(sp->alloc, ctx, sizeof(lp_ctx));
    return ok;
}

void an_obj_weights_free(const an_space *sp, an_obj *ob)
{
    if (ob->wv) {
        size_t nvals = ob->woff[sp->m];
        parleyx_free(sp->alloc, ob->wv, (nvals + 1) * sizeof(double));
    }
    parleyx_free(sp->alloc, ob->woff, (sp->m + 1) * sizeof(size_t));
    parleyx_free(sp->alloc, ob->wmax, (sp->m + 1) * sizeof(double));
    ob->wv = ob->wmax = NULL;
    ob->woff = NULL;
    ob->wkind = 0;
}

/* The tables of weights w and constant cst (file comment). */
static bool tables(const an_space *sp, an_obj *ob, const double *w, double cst)
{
    size_t m = sp->m, d = sp->d;
    ob->woff = parleyx_calloc(sp->alloc, m + 1, sizeof(size_t));
    ob->wmax = parleyx_calloc(sp->alloc, m + 1, sizeof(double));
    if (!ob->woff || !ob->wmax)
        return false;
    for (size_t i = 0; i < m; i++)
        ob->woff[i + 1] = ob->woff[i] + sp->nv[i];
    ob->wv = parleyx_calloc(sp->alloc, ob->woff[m] + 1, sizeof(double));
    if (!ob->wv)
        return false;
    double S = fabs(cst);
    for (size_t i = 0; i < m; i++) {
        double mx = -INFINITY, big = 0.0;
        for (uint32_t v = 0; v < sp->nv[i]; v++) {
            const double *t = sp->terms[i] + (size_t)v * d;
            double s = 0.0, a = 0.0;
            for (size_t j = 0; j < d; j++) {
                s += w[j] * t[j];
                a += fabs(w[j]) * fabs(t[j]);
            }
            ob->wv[ob->woff[i] + v] = s;
            if (s > mx)
                mx = s;
            if (a > big)
                big = a;
        }
        ob->wmax[i] = mx;
        S += big;
    }
    ob->wcst = cst;
    ob->wslack = 8.0 * (double)(m + d + 8) * DBL_EPSILON * (S + 1.0);
    return true;
}

/* The Nash bound's weights c (file comment) made tighter at the root: the
 * bound B(c) = (M(c) / d)^d / prod c, M(c) the largest of
 * sum_j c_j (U_j - r_j) over all outcomes (separable: per issue, the best
 * value), is lowered by subgradient steps on log c (at the best c every
 * c_j (U_j - r_j) of the maximising outcome is M / d).  Any c > 0 gives a
 * valid bound; this only picks a good one.  c: d weights, start and
 * result. */
static void nash_descent(const an_space *sp, const double *rv, double *c)
{
    size_t m = sp->m, d = sp->d;
    double U[64], y[64], besty[64], bestlog = INFINITY;
    if (d > 64)
        return;
    for (size_t j = 0; j < d; j++)
        y[j] = log(c[j]);
    for (int it = 0; it < 400; it++) {
        for (size_t j = 0; j < d; j++) {
            c[j] = exp(y[j]);
            U[j] = 0.0;
        }
        for (size_t i = 0; i < m; i++) {
            double bs = -INFINITY;
            uint32_t bv = 0;
            for (uint32_t v = 0; v < sp->nv[i]; v++) {
                const double *t = sp->terms[i] + (size_t)v * d;
                double s = 0.0;
                for (size_t j = 0; j < d; j++)
                    s += c[j] * t[j];
                if (s > bs) {
                    bs = s;
                    bv = v;
                }
            }
            for (size_t j = 0; j < d; j++)
                U[j] += sp->terms[i][(size_t)bv * d + j];
        }
        double M = 0.0, lc = 0.0;
        for (size_t j = 0; j < d; j++) {
            M += c[j] * (U[j] - rv[j]);
            lc += y[j];
        }
        if (!(M > 0.0))
            break;
        double lb = (double)d * log(M / (double)d) - lc;
        if (lb < bestlog) {
            bestlog = lb;
            memcpy(besty, y, d * sizeof(double));
        }
        double eta = 0.5 / sqrt((double)it + 1.0);
        for (size_t j = 0; j < d; j++) {
            double g = (double)d * c[j] * (U[j] - rv[j]) / M - 1.0;
            y[j] -= eta * g;
        }
    }
    if (bestlog < INFINITY)
        for (size_t j = 0; j < d; j++)
            c[j] = exp(besty[j]);
}

bool an_obj_weights(const an_space *sp, const an_cons *c, an_obj *ob, const double *incumbent)
{
    size_t d = sp->d;
    ob->wkind = 0;
    if (sp->nit || d == 0)
        return true; /* (utilities are not sums of per-issue terms) */
    double *w = parleyx_calloc(sp->alloc, 2 * d, sizeof(double));
    if (!w)
        return false;
    double *r = w + d, cst = 0.0;
    bool have = false;
    if (ob->kind == AN_OBJ_NASH) {
        if (incumbent) {
            for (size_t j = 0; j < d; j++) {
                double g = incumbent[j] - ob->rv[j];
                w[j] = 1.0 / (g > 1e-6 ? g : 1e-6);
            }
            nash_descent(sp, ob->rv, w);
            double div = 1.0;
            for (size_t j = 0; j < d; j++) {
                cst -= w[j] * ob->rv[j];
                div *= w[j];
            }
            ob->wdiv = div;
            have = true;
        }
    } else {
        thresholds(sp, c, r);
        have = lp_solve(sp, c, ob, r, w, &cst);
    }
    bool ok = true;
    if (have) {
        ok = tables(sp, ob, w, cst);
        if (ok)
            ob->wkind = ob->kind == AN_OBJ_NASH ? 2 : 1;
        else
            an_obj_weights_free(sp, ob);
    }
    parleyx_free(sp->alloc, w, 2 * d * sizeof(double));
    return ok;
}
