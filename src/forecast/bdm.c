/*
 * bdm.c -- Bueno de Mesquita's expected-utility model as replicated by
 * Scholz, Calbert and Smith (2011), one dimension at a time (docs/
 * forecast.md has the equations and every option).
 *
 * A round: the median position; risk attitudes from each actor's "danger"
 * (the expected utility others see in challenging it, all risk exponents
 * 1); then, with the new exponents, every actor i weighs every other j's
 * offer from its own point of view: E1 = EU_ij (i challenging j), E2 =
 * EU_ji; conflict (E2 > E1 > 0: i moves to x_j), compromise (E2 > 0 > E1,
 * E2 > |E1|), capitulation (E2 > 0 > E1, E2 < |E1|); i takes one offer,
 * conflict before compromise before capitulation; all move at once.  The
 * points where the replications disagree are options (parley_bdm_params);
 * the defaults follow Scholz's code as the jmckib replication documents
 * it (which reports a perfect match with Scholz's first ten rounds).
 *
 * The scale is the spread of the initial positions on each dimension
 * (max - min, fixed for the run, as in the replications).  Winning
 * probabilities (not part of BDM) are reported like SMP's: a conditional
 * PCE over the distinct positions with pairwise victory probabilities
 * from linear votes, averaged over dimensions.
 *
 * Cost per round O(N^3) (the probability matrix and Scholz's
 * all-votes denominator); the 'positions' risk option multiplies that by
 * N times the number of distinct positions, so it is for small inputs.
 * Memory: one bdm_ctx per dimension, freed before returning.
 */
#include "forecast/fc.h"

#include <math.h>
#include <string.h>

typedef struct bdm_ctx {
    parley_bdm_params p;
    size_t n;
    double range;
    const double *c, *s; /* [n] capability, salience on this dimension */
    double *x;           /* [n] current positions */
    double *r;           /* [n] risk exponents */
    double *P;           /* [n*n] P(i beats j) for the current x, r */
    double mu;
} bdm_ctx;

static double bdm_vote(const bdm_ctx *b, size_t k, double xi, double xj, double rk)
{
    const double xk = b->x[k], w = b->c[k] * b->s[k];
    switch (b->p.vote) {
    case PARLEY_BDM_VOTE_LINEAR:
        return w * ((fabs(xk - xj) - fabs(xk - xi)) / b->range);
    case PARLEY_BDM_VOTE_DOUBLE:
        return 2 * w * ((fabs(xk - xj) - fabs(xk - xi)) / b->range);
    default:
        return w * (pow(fabs(xk - xj) / b->range, rk) - pow(fabs(xk - xi) / b->range, rk));
    }
}

/* P(i beats j) for all pairs, with each voter's current exponent. */
static void bdm_prep(bdm_ctx *b)
{
    size_t n = b->n;
    double denom = 0;
    if (b->p.prob == PARLEY_BDM_PROB_SCHOLZ)
        for (size_t k = 0; k < n; k++)
            for (size_t a = 0; a < n; a++)
                for (size_t c = 0; c < n; c++)
                    denom += fabs(bdm_vote(b, k, b->x[a], b->x[c], b->r[k]));
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (b->x[i] == b->x[j]) {
                b->P[i * n + j] = 0.0;
                continue;
            }
            double num = 0, all = 0;
            for (size_t k = 0; k < n; k++) {
                double v = bdm_vote(b, k, b->x[i], b->x[j], b->r[k]);
                num += v > 0 ? v : 0;
                all += fabs(v);
            }
            double d = b->p.prob == PARLEY_BDM_PROB_SCHOLZ ? denom : all;
            b->P[i * n + j] = d > 0 ? num / d : 0.5;
        }
}

/* The expected utility to i of challenging j, seen by evaluator e. */
static double bdm_eu(const bdm_ctx *b, size_t e, size_t i, size_t j)
{
    const double r = b->p.rowner == PARLEY_BDM_R_EVALUATOR ? b->r[e] : b->r[i];
    const double xi = b->x[i], xj = b->x[j], rg = b->range;
    const double P = b->P[i * b->n + j];
    const double us = 2 - 4 * pow(0.5 - 0.5 * fabs(xi - xj) / rg, r);
    const double uf = 2 - 4 * pow(0.5 + 0.5 * fabs(xi - xj) / rg, r);
    const double usq = 2 - 4 * pow(0.5, r);
    const double sj = b->s[j];
    double eu = sj * (P * us + (1 - P) * uf) + (1 - sj) * us - b->p.q * usq;
    if (b->p.q != 1) {
        const double m = fabs(xi - b->mu) + fabs(xi - xj);
        const double ub = 2 - 4 * pow(0.5 - 0.25 * m / rg, r);
        const double uw = 2 - 4 * pow(0.5 + 0.25 * m / rg, r);
        const double T = fabs(xi - b->mu) < fabs(xi - xj) ? 1 : 0;
        eu = eu - (1 - b->p.q) * (T * ub + (1 - T) * uw);
    }
    return eu;
}

static double bdm_median(bdm_ctx *b, double *tmp)
{
    size_t n = b->n;
    double wsum = 0, wx = 0;
    for (size_t k = 0; k < n; k++) {
        wsum += b->c[k] * b->s[k];
        wx += b->c[k] * b->s[k] * b->x[k];
    }
    if (b->p.median == PARLEY_BDM_MEDIAN_MEAN)
        return wsum > 0 ? wx / wsum : b->x[0];
    /* the distinct positions, ascending */
    size_t u = 0;
    for (size_t k = 0; k < n; k++) {
        size_t at = 0;
        while (at < u && tmp[at] < b->x[k])
            at++;
        if (at < u && tmp[at] == b->x[k])
            continue;
        memmove(tmp + at + 1, tmp + at, (u - at) * sizeof(double));
        tmp[at] = b->x[k];
        u++;
    }
    if (b->p.median == PARLEY_BDM_MEDIAN_WEIGHTED) {
        double acc = 0;
        for (size_t m = 0; m < u; m++) {
            for (size_t k = 0; k < n; k++)
                if (b->x[k] == tmp[m])
                    acc += b->c[k] * b->s[k];
            if (acc >= wsum / 2)
                return tmp[m];
        }
        return tmp[u - 1];
    }
    /* Condorcet: a champion that no later position beats (the Condorcet
     * winner whenever there is one), votes with exponent 1 */
    double med = tmp[0];
    for (size_t m = 1; m < u; m++) {
        double v = 0;
        for (size_t k = 0; k < n; k++)
            v += bdm_vote(b, k, tmp[m], med, 1.0);
        if (v > 0)
            med = tmp[m];
    }
    return med;
}

static double bdm_danger(const bdm_ctx *b, size_t i)
{
    double d = 0;
    for (size_t j = 0; j < b->n; j++)
        if (j != i)
            d += bdm_eu(b, i, j, i);
    return d;
}

static void bdm_risk(bdm_ctx *b, double *D, double *tmp)
{
    size_t n = b->n;
    for (size_t k = 0; k < n; k++)
        b->r[k] = 1.0;
    bdm_prep(b);
    for (size_t i = 0; i < n; i++)
        D[i] = bdm_danger(b, i);
    double *R = tmp;
    if (b->p.risk == PARLEY_BDM_RISK_ACTORS) {
        double mx = D[0], mn = D[0];
        for (size_t i = 1; i < n; i++) {
            mx = D[i] > mx ? D[i] : mx;
            mn = D[i] < mn ? D[i] : mn;
        }
        for (size_t i = 0; i < n; i++)
            R[i] = mx > mn ? (2 * D[i] - mx - mn) / (mx - mn) : 0;
    } else {
        for (size_t i = 0; i < n; i++) {
            double own = D[i], mx = own, mn = own, xi = b->x[i];
            for (size_t k = 0; k < n; k++) {
                bool seen = false;
                for (size_t m = 0; m < k && !seen; m++)
                    seen = b->x[m] == b->x[k];
                if (seen || b->x[k] == xi)
                    continue;
                double keep = b->x[i];
                b->x[i] = b->x[k];
                bdm_prep(b);
                double d = bdm_danger(b, i);
                b->x[i] = keep;
                mx = d > mx ? d : mx;
                mn = d < mn ? d : mn;
            }
            R[i] = mx > mn ? (2 * own - mx - mn) / (mx - mn) : 0;
        }
        bdm_prep(b);
    }
    for (size_t i = 0; i < n; i++)
        b->r[i] = (1 - R[i] / 3.0) / (1 + R[i] / 3.0);
}

/* Each actor's new position after weighing every offer. */
static void bdm_offers(bdm_ctx *b, double *nx)
{
    size_t n = b->n;
    for (size_t i = 0; i < n; i++) {
        const double xi = b->x[i];
        int best_type = 3; /* 0 conflict, 1 compromise, 2 capitulation, 3 none */
        double best_key = 0, best_pos = xi;
        for (size_t j = 0; j < n; j++) {
            if (b->x[j] == xi)
                continue;
            const double e1 = bdm_eu(b, i, i, j), e2 = bdm_eu(b, i, j, i), xj = b->x[j];
            int type;
            double pos, key;
            if (e2 > e1 && e1 > 0) {
                type = 0;
                pos = xj;
            } else if (e2 > 0 && 0 > e1 && e2 > fabs(e1)) {
                type = 1;
                if (b->p.compromise == PARLEY_BDM_COMPROMISE_PROPORTIONAL)
                    pos = xi + (xj - xi) * fabs(e1 / e2);
                else
                    pos = (fabs(e1) * xi + fabs(e2) * xj) / (fabs(e1) + fabs(e2));
            } else if (b->p.capitulation && e2 > 0 && 0 > e1 && e2 < fabs(e1)) {
                type = 2;
                pos = xj;
            } else {
                continue;
            }
            if (type == 1 && b->p.choice == PARLEY_BDM_CHOICE_SCHOLZ)
                key = (fabs(e1) * xi + fabs(e2) * xj) / (fabs(e1) + fabs(e2));
            else
                key = fabs(xi - pos);
            if (type < best_type || (type == best_type && key < best_key)) {
                best_type = type;
                best_key = key;
                best_pos = pos;
            }
        }
        nx[i] = best_pos;
    }
}

/* Winning probabilities of the current positions (conditional PCE over
 * distinct positions, linear votes); adds w * p to acc[n]. */
static void bdm_probs(const bdm_ctx *b, double w, double *acc, double *tmp)
{
    size_t n = b->n, u = 0;
    size_t *idx = (size_t *)(void *)(tmp + 2 * n); /* distinct positions */
    double *pu = tmp;
    for (size_t k = 0; k < n; k++) {
        bool seen = false;
        for (size_t m = 0; m < u && !seen; m++)
            seen = b->x[idx[m]] == b->x[k];
        if (!seen)
            idx[u++] = k;
    }
    double sum = 0;
    for (size_t a = 0; a < u; a++) {
        double p = 1.0;
        for (size_t c = 0; c < u; c++) {
            if (a == c) {
                p *= 0.5;
                continue;
            }
            double cab = 0, cba = 0;
            for (size_t k = 0; k < n; k++) {
                const double xk = b->x[k];
                const double v = b->c[k] * b->s[k] *
                                 (fabs(xk - b->x[idx[c]]) - fabs(xk - b->x[idx[a]]));
                if (v > 0)
                    cab += v;
                else
                    cba -= v;
            }
            p *= cab + cba > 0 ? cab / (cab + cba) : 0.5;
        }
        pu[a] = p;
        sum += p;
    }
    for (size_t k = 0; k < n; k++)
        for (size_t a = 0; a < u; a++)
            if (b->x[idx[a]] == b->x[k]) {
                acc[k] += w * (sum > 0 ? pu[a] / sum : 1.0 / (double)u);
                break;
            }
}

/* The working memory of a run: every dimension's positions, the fixed
 * scales, and one dimension's context arrays (loaded by bdm_load). */
typedef struct bdm_work {
    const parley_forecast_input *in;
    const parley_forecast_options *opt;
    size_t n, nd, nbuf;
    double *buf;   /* [nbuf]: x, r, nx, D [n] each, P [n*n], tmp [3n + 8] */
    double *cs;    /* [2n]: capabilities, then saliences on one dimension */
    double *X;     /* [n*nd] current positions, all dimensions */
    double *range; /* [nd] the spread of the initial positions */
} bdm_work;

static void bdm_work_free(bdm_work *w)
{
    const parley_allocator *al = &w->in->alloc;
    parleyx_free(al, w->range, w->nd * sizeof(double));
    parleyx_free(al, w->buf, w->nbuf * sizeof(double));
    parleyx_free(al, w->cs, 2 * w->n * sizeof(double));
    parleyx_free(al, w->X, w->n * w->nd * sizeof(double));
}

/* The working memory and the initial positions and scales; the result
 * gets room for every round.  false when out of memory (w is freed). */
static bool bdm_work_init(bdm_work *w, parley_forecast_result *r, unsigned max_rounds)
{
    const parley_allocator *al = &w->in->alloc;
    size_t n = w->n, nd = w->nd;
    w->nbuf = 4 * n + n * n + 2 * n + n + 8;
    w->buf = parleyx_calloc(al, w->nbuf, sizeof(double));
    w->cs = parleyx_calloc(al, 2 * n, sizeof(double));
    w->X = parleyx_calloc(al, n * nd, sizeof(double));
    if (!w->buf || !w->cs || !w->X || fc_result_reserve(r, (size_t)max_rounds + 1) != PARLEY_OK)
        goto nomem;
    memcpy(w->X, w->in->pos, n * nd * sizeof(double));
    w->range = parleyx_calloc(al, nd, sizeof(double));
    if (!w->range)
        goto nomem;
    for (size_t d = 0; d < nd; d++) {
        const double *X = w->X;
        double lo = X[d], hi = X[d];
        for (size_t a = 1; a < n; a++) {
            lo = X[a * nd + d] < lo ? X[a * nd + d] : lo;
            hi = X[a * nd + d] > hi ? X[a * nd + d] : hi;
        }
        w->range[d] = hi - lo;
    }
    return true;
nomem:
    bdm_work_free(w);
    return false;
}

/* Load dimension d into ctx: its scale, capabilities, saliences, the
 * current positions, risk exponents 1. */
static void bdm_load(const bdm_work *w, bdm_ctx *ctx, size_t d)
{
    size_t n = w->n, nd = w->nd;
    double *x = w->buf, *rr = w->buf + n, *sal = w->cs + n;
    memset(ctx, 0, sizeof *ctx);
    ctx->p = w->opt->bdm;
    ctx->n = n;
    ctx->range = w->range[d];
    for (size_t a = 0; a < n; a++) {
        w->cs[a] = w->in->capab[a];
        sal[a] = w->in->sal[a * nd + d];
        x[a] = w->X[a * nd + d];
        rr[a] = 1.0;
    }
    ctx->c = w->cs;
    ctx->s = sal;
    ctx->x = x;
    ctx->r = rr;
    ctx->P = w->buf + 4 * n;
}

/* State s of the result: the current positions and their winning
 * probabilities averaged over the dimensions. */
static void bdm_record(const bdm_work *w, parley_forecast_result *r, size_t s)
{
    size_t n = w->n, nd = w->nd;
    double *tmp = w->buf + 4 * n + n * n;
    for (size_t a = 0; a < n; a++) {
        r->prob[s * n + a] = 0;
        for (size_t d = 0; d < nd; d++)
            r->pos[(s * n + a) * nd + d] = w->X[a * nd + d];
    }
    bdm_ctx ctx;
    for (size_t d = 0; d < nd; d++) {
        bdm_load(w, &ctx, d);
        bdm_probs(&ctx, 1.0 / (double)nd, r->prob + s * n, tmp);
    }
}

/* One round on every dimension with a scale; returns the largest move
 * (on the dimension's scale). */
static double bdm_round(bdm_work *w)
{
    size_t n = w->n, nd = w->nd;
    double *x = w->buf, *nx = w->buf + 2 * n, *D = w->buf + 3 * n;
    double *tmp = w->buf + 4 * n + n * n;
    double maxmove = 0;
    bdm_ctx ctx;
    for (size_t d = 0; d < nd; d++) {
        bdm_load(w, &ctx, d);
        if (!(ctx.range > 0))
            continue;
        ctx.mu = bdm_median(&ctx, tmp);
        bdm_risk(&ctx, D, tmp);
        bdm_prep(&ctx);
        bdm_offers(&ctx, nx);
        for (size_t a = 0; a < n; a++) {
            double mv = fabs(nx[a] - x[a]) / ctx.range;
            maxmove = mv > maxmove ? mv : maxmove;
            w->X[a * nd + d] = nx[a];
        }
    }
    return maxmove;
}

parley_status bdm_run(const parley_forecast_input *in, const parley_forecast_options *opt,
                      parley_forecast_result *r, parley_error *err)
{
    unsigned max_rounds = opt->max_rounds ? opt->max_rounds : 10;
    if (!(opt->bdm.q >= 0 && opt->bdm.q <= 1))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "BDM: q must lie in [0, 1]");
    bdm_work w = {in, opt, in->na, in->nd, 0, NULL, NULL, NULL, NULL};
    if (!bdm_work_init(&w, r, max_rounds))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t states = 1;
    bool converged = false;
    bdm_record(&w, r, 0);
    r->change[0] = 0;
    for (unsigned round = 1; round <= max_rounds; round++) {
        double maxmove = bdm_round(&w);
        size_t s = states++;
        bdm_record(&w, r, s);
        r->change[s] = maxmove;
        if (opt->progress)
            opt->progress(opt->progress_ud, "round", (double)round / (double)max_rounds);
        if (maxmove == 0) {
            converged = true;
            break;
        }
    }
    double *tmp = w.buf + 4 * w.n + w.n * w.n;
    bdm_ctx ctx;
    for (size_t d = 0; d < w.nd; d++) {
        bdm_load(&w, &ctx, d);
        r->forecast[d] = ctx.range > 0 ? bdm_median(&ctx, tmp) : ctx.x[0];
    }
    r->states = states;
    r->converged = converged;
    bdm_work_free(&w);
    return PARLEY_OK;
}
