/*
 * smp.c -- KTAB's Spatial Model of Politics (examples/smp in KAPSARC/KTAB),
 * re-implemented from its equations (docs/forecast.md; the research notes
 * in ../shared/research/smp-bdm.md): per state, risk attitudes from a
 * risk-neutral probability-of-coalitions estimate (PCE); each actor's best
 * challenge (expected gain with third parties joining the little i:j
 * contest); bargains interpolated between the two positions; each actor
 * moving to the most probable bargain in its queue (Deterministic) or to
 * one drawn by the bargains' probabilities (Stochastic); all actors moving
 * at once; ideals following positions through the accommodation matrix;
 * KTAB's stopping rule.
 *
 * Exactness.  Every formula is evaluated with the same operations in the
 * same order as KTAB (IEEE double, no contraction, no reassociation), so
 * that deterministic runs reproduce KTAB's printed output; ties break as in
 * KTAB (first maximum).  Where KTAB's order is not fixed (its bargain
 * queues are filled by threads) this file fixes one: the status quo, then
 * the bargains in the order of their initiators.  PCE: Conditional,
 * MarkovIncentive or MarkovUniform (kmodel.cpp), at all three places KTAB
 * uses the model's PCE (risk attitudes, position probabilities, bargain
 * choice).  Stochastic draws come from parley's splitmix64 seeded with the
 * options' seed (else the input's <prngSeed>), one draw per actor per turn
 * in actor order before the threads start, so a seeded run is
 * reproducible whatever the thread count (KTAB's threads share one PRNG,
 * so its stochastic runs are not; compare with KTAB only in distribution).
 *
 * Cost.  KTAB spends O(N^4) per turn on estimates it only logs; the model
 * itself needs O(N^3 + N^2 D) per turn: each of the N^2 challenge
 * estimates costs O(N) (third parties), each of the <= 2N queue entries is
 * valued by N actors in O(N), each PCE over k options costs O(k^2 N).  The
 * heavy loops run over actors on fc_parallel; every index writes only its
 * own slots, so results are byte-identical whatever the thread count.
 *
 * Memory: one smp_ctx per run, freed before returning; the positions and
 * probabilities go into the caller's parley_forecast_result.
 */
#include "forecast/fc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SMP_MIN_CLTN 1e-10   /* probEduChlg's floor for coalition strength */
#define SMP_MIN_C 1e-8       /* Model::coalitions' floor */
#define SMP_POS_TOL 1e-3     /* same option (Euclidean, [0, 1] scale) */
#define SMP_MIN_SIG_EDU 1e-5 /* smallest challenge gain that counts */
/* scratch of a PCE over n options: the coalitions, then fc_pce's work */
#define SMP_PCE_SCR(n) ((n) * (n) + FC_PCE_WORK(n))

typedef struct smp_bargain {
    size_t init, rcvr;
    double *pi, *pr; /* [nd] each, [0, 1] scale */
    double *u;       /* [na]: each actor's average utility of the outcome */
} smp_bargain;

typedef struct smp_ctx {
    const parley_forecast_input *in;
    parley_smp_params prm;
    unsigned threads;
    size_t na, nd;
    double *cap;   /* [na] capability */
    double *sal;   /* [na*nd] salience (fraction) */
    double *ssum;  /* [na] sum of saliences (KTAB's sum(vSal)) */
    double *ssq;   /* [na] sum of squared saliences */
    double *wsc;   /* [na] ssum * cap */
    double *acc;   /* [na*na] accommodation */
    bool ident;
    /* the current state */
    double *x, *ideal; /* [na*nd] */
    double *vd;        /* [na*na] vDiff(i, j): i's ideal vs j's position */
    double *vdT;       /* [na*na] transposed */
    double *R;         /* [na] risk attitudes */
    double *own;       /* [na*na] u^n(n, m) = u(vd(n, m), est(R_n, R_n)) */
    double *rnu;       /* [na*na] risk-neutral utilities */
    double *prob;      /* [na] */
    /* challenges */
    long *best;        /* [na] target of i's challenge, -1 none */
    double *bestp;     /* [na] i's estimate that i beats its target */
    double *pji;       /* [na] the target's estimate (InitRcvr, PWComp) */
    /* bargains */
    smp_bargain *bg;   /* [2*na] */
    size_t nbg;
    size_t **queue;    /* [na] lists of bargain indices + 1 (0 = status quo) */
    size_t *qlen;      /* [na] */
    double *sq;        /* [na] status-quo utility averages */
    double *nx;        /* [na*nd] next positions */
    double *nideal;    /* [na*nd] */
    double *draw;      /* [na] Stochastic: actor k's uniform draw this turn */
    uint64_t rng;      /* Stochastic: the splitmix64 state */
    size_t *uq;        /* [na] unique positions */
    /* scratch for the state setup (main thread) */
    double **scr;
    /* scratch per thread: tcap[t] doubles each */
    double *tscr[FC_MAX_THREADS];
    size_t tcap;
} smp_ctx;

/* ------------------------------------------------------------ formulas */

static double bs_util(double sd, double r)
{
    if (sd <= 1)
        return (1 - sd) * (1 + sd * r);
    return (1 - sd) * (1 + r);
}

static double est_nra(double rh, double ri, parley_smp_radjust ra)
{
    switch (ra) {
    case PARLEY_SMP_RA_FULL: return ri;
    case PARLEY_SMP_RA_TWOTHIRDS: return (rh + (2.0 * ri)) / 3.0;
    case PARLEY_SMP_RA_HALF: return (rh + ri) / 2;
    case PARLEY_SMP_RA_ONETHIRD: return ((2.0 * rh) + ri) / 3.0;
    default: return rh;
    }
}

static double vote_rule(parley_smp_voting vr, double w, double du)
{
    double rbin = du / 1e-8;
    rbin = rbin > 1 ? 1 : rbin;
    rbin = rbin < -1 ? -1 : rbin;
    switch (vr) {
    case PARLEY_SMP_VR_BINARY: return w * rbin;
    case PARLEY_SMP_VR_PROPBIN: return w * ((1 - 0.2) * du + 0.2 * rbin);
    case PARLEY_SMP_VR_PROPORTIONAL: return w * du;
    case PARLEY_SMP_VR_PROPCBC: return w * ((1 - 0.5) * du + 0.5 * (du * du * du));
    case PARLEY_SMP_VR_CUBIC: return w * (du * du * du);
    case PARLEY_SMP_VR_ASYMPROSP:
        if (du < 0)
            return w * du;
        if (du > 0)
            return (2.0 * w * du) / 3.0;
        return 0;
    }
    return w * du;
}

/* Model::vote: the weight times the utility difference under the rule
 * (Proportional, the reference rule, inline: the hot path). */
static inline double vote(parley_smp_voting vr, double w, double uij, double uik)
{
    const double du = uij - uik;
    if (vr == PARLEY_SMP_VR_PROPORTIONAL)
        return w * du;
    return vote_rule(vr, w, du);
}

static void vprob(parley_smp_vpmodel m, double s1, double s2, double *p1, double *p2)
{
    double x1 = s1, x2 = s2;
    switch (m) {
    case PARLEY_SMP_VP_LINEAR: break;
    case PARLEY_SMP_VP_SQUARE: x1 = s1 * s1; x2 = s2 * s2; break;
    case PARLEY_SMP_VP_QUARTIC:
        x1 = (s1 * s1) * (s1 * s1);
        x2 = (s2 * s2) * (s2 * s2);
        break;
    case PARLEY_SMP_VP_OCTIC: {
        double q1 = (s1 * s1) * (s1 * s1), q2 = (s2 * s2) * (s2 * s2);
        x1 = q1 * q1;
        x2 = q2 * q2;
        break;
    }
    case PARLEY_SMP_VP_BINARY: {
        const double th = 1.10;
        if (s1 >= th * s2) {
            x1 = 1.0;
            x2 = 1e-6;
        } else if (s2 >= th * s1) {
            x1 = 1e-6;
            x2 = 1.0;
        } else {
            double r12 = s1 / (s1 + s2);
            double p12 = (r12 * (th + 1.0) - 1.0) / (th - 1.0);
            x1 = p12;
            x2 = 1 - p12;
        }
        break;
    }
    }
    *p1 = x1 / (x1 + x2);
    *p2 = x2 / (x1 + x2);
}

static double round4(double x)
{
    const double s = 10000.0;
    const int y = (int)(0.5 + (x * s));
    return (double)y / s;
}

/* KTAB's bvDiff of (ideal - p) with saliences s, given sum of s^2. */
static double bv_diff(const double *ideal, const double *p, const double *s, size_t nd, double ssq)
{
    double ds2 = 0;
    for (size_t d = 0; d < nd; d++) {
        const double ds = (ideal[d] - p[d]) * s[d];
        ds2 = ds2 + (ds * ds);
    }
    return sqrt(ds2 / ssq);
}

/* KTAB's Markov PCE models (Model::markovIncentivePCE, markovUniformPCE):
 * the stationary distribution of a chain over the options, found by KTAB's
 * damped iteration from the uniform distribution, p <- (p + q) / 2, until
 * no entry moves by more than tol (1e-8 Incentive, 1e-6 Uniform).  KTAB
 * asserts fewer than 1000 iterations; parley stops at FC_PCE_MAX_ITER. */
#define FC_PCE_MAX_ITER 100000

/* The damped iteration of both Markov models from the uniform p: Uniform
 * (ch NULL) q_i = sum_j pv_ij (p_i + p_j) / n; Incentive q_i = sum_j pv_ij
 * (p_i ch_ji + p_j ch_ij); then p <- (p + q) / 2 until no q_i is farther
 * than tol from p_i. */
static void pce_markov(size_t n, double tol, const double *pv, const double *ch, double *q,
                       double *p)
{
    for (size_t i = 0; i < n; i++)
        p[i] = 1.0 / (double)n;
    double change = 1.0;
    for (unsigned it = 0; tol < change && it < FC_PCE_MAX_ITER; it++) {
        change = 0.0;
        for (size_t i = 0; i < n; i++) {
            double qi = 0.0;
            for (size_t j = 0; j < n; j++)
                qi = ch ? qi + pv[i * n + j] * (p[i] * ch[j * n + i] + p[j] * ch[i * n + j])
                        : qi + pv[i * n + j] * (p[i] + p[j]);
            q[i] = ch ? qi : qi / (double)n;
            const double d = fabs(q[i] - p[i]);
            change = d > change ? d : change;
        }
        for (size_t i = 0; i < n; i++)
            p[i] = (p[i] + q[i]) / 2.0;
    }
}

/* Markov Incentive's challenge probabilities: option i challenges the
 * favourite j with ch_ij = inc_ij / sum_k inc_kj, inc_ij = cl_ij pv_ij
 * (+1e-10 on the diagonal). */
static void pce_challenges(size_t n, const double *cl, const double *pv, double *ch)
{
    for (size_t j = 0; j < n; j++) {
        double sum = 0.0;
        for (size_t k = 0; k < n; k++) {
            double inc = cl[k * n + j] * pv[k * n + j];
            ch[k * n + j] = k == j ? inc + 1e-10 : inc;
            sum = sum + ch[k * n + j];
        }
        for (size_t i = 0; i < n; i++)
            ch[i * n + j] = ch[i * n + j] / sum;
    }
}

void fc_pce(parley_smp_pce model, parley_smp_vpmodel vpm, size_t n, const double *cl, double *work,
            double *p)
{
    double *pv = work, *ch = work + n * n, *q = work + 2 * n * n;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            vprob(vpm, cl[i * n + j], cl[j * n + i], &pv[i * n + j], &pv[j * n + i]);
        pv[i * n + i] = 0.5;
    }
    if (model == PARLEY_SMP_PCE_MARKOV_INCENTIVE) {
        pce_challenges(n, cl, pv, ch);
        pce_markov(n, 1e-8, pv, ch, q, p);
        return;
    }
    if (model == PARLEY_SMP_PCE_MARKOV_UNIFORM) {
        pce_markov(n, 1e-6, pv, NULL, q, p);
        return;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double pi = 1.0;
        for (size_t j = 0; j < n; j++)
            pi = pi * pv[i * n + j];
        p[i] = pi;
    }
    for (size_t i = 0; i < n; i++)
        sum = sum + p[i];
    for (size_t i = 0; i < n; i++)
        p[i] = p[i] / sum;
}

/* The end of every PCE over n options: from the coalition strengths
 * cl[n*n] (cl[i*n + j]: for i against j) to p[n] with the model's PCE;
 * work holds FC_PCE_WORK(n) doubles. */
static void pce_finish(const smp_ctx *c, size_t n, const double *cl, double *work, double *p)
{
    fc_pce(c->prm.pce, c->prm.victory, n, cl, work, p);
}

/* Scalar PCE (Model::scalarPCE with Conditional PCE): na voters with
 * weights w, nopt options, u[n*ustride + m] voter n's utility of option m.
 * scr holds SMP_PCE_SCR(nopt) doubles.  p[nopt] receives the probabilities. */
static void scalar_pce(const smp_ctx *c, size_t na, size_t nopt, const double *w, const double *u,
                       size_t ustride, double *scr, double *p)
{
    double *cl = scr, *pv = scr + nopt * nopt;
    for (size_t i = 0; i < nopt; i++) {
        for (size_t j = 0; j < i; j++) {
            double cij = SMP_MIN_C, cji = SMP_MIN_C;
            for (size_t k = 0; k < na; k++) {
                const double v = vote(c->prm.voting, w[k], u[k * ustride + i], u[k * ustride + j]);
                if (v > 0)
                    cij = cij + v;
                if (v < 0)
                    cji = cji - v;
            }
            cl[i * nopt + j] = cij;
            cl[j * nopt + i] = cji;
        }
        cl[i * nopt + i] = SMP_MIN_C;
    }
    pce_finish(c, nopt, cl, pv, p);
}

/* The risk-neutral PCE over all actors' positions, parallel over rows of
 * the coalition matrix (the same arithmetic as scalar_pce). */
typedef struct smp_rowjob {
    const smp_ctx *c;
    size_t n;
    const double *u;
    double *cl;
} smp_rowjob;

static void coal_rows(void *p, size_t lo, size_t hi, unsigned tid)
{
    (void)tid;
    smp_rowjob *j = p;
    const smp_ctx *c = j->c;
    size_t n = j->n;
    for (size_t i = lo; i < hi; i++) {
        for (size_t k2 = 0; k2 < i; k2++) {
            double cij = SMP_MIN_C, cji = SMP_MIN_C;
            for (size_t k = 0; k < n; k++) {
                const double v = vote(c->prm.voting, c->cap[k], j->u[k * n + i], j->u[k * n + k2]);
                if (v > 0)
                    cij = cij + v;
                if (v < 0)
                    cji = cji - v;
            }
            j->cl[i * n + k2] = cij;
            j->cl[k2 * n + i] = cji;
        }
        j->cl[i * n + i] = SMP_MIN_C;
    }
}

/* PCE with actors as both voters (weights cap) and options (columns of u,
 * n x n); p[n] out; scr SMP_PCE_SCR(n). */
static void actor_pce(const smp_ctx *c, const double *u, double *scr, double *p)
{
    size_t n = c->na;
    smp_rowjob job = {c, n, u, scr};
    fc_parallel(c->threads, n, coal_rows, &job);
    pce_finish(c, n, scr, scr + n * n, p);
}

/* --------------------------------------------------------- state setup */

static void vd_rows(void *p, size_t lo, size_t hi, unsigned tid)
{
    (void)tid;
    smp_ctx *c = p;
    size_t na = c->na, nd = c->nd;
    for (size_t i = lo; i < hi; i++)
        for (size_t j = 0; j < na; j++) {
            double v = bv_diff(c->ideal + i * nd, c->x + j * nd, c->sal + i * nd, nd, c->ssq[i]);
            c->vd[i * na + j] = v;
            c->vdT[j * na + i] = v;
        }
}

static bool equiv(const smp_ctx *c, const double *x, size_t i, size_t j)
{
    double s = 0;
    for (size_t d = 0; d < c->nd; d++) {
        const double t = x[i * c->nd + d] - x[j * c->nd + d];
        s = s + (t * t);
    }
    return sqrt(s) < SMP_POS_TOL;
}

/* Risk attitudes (setAllAUtil), the actors' own utilities and the
 * probability of each actor's position (pDist(-1) and posProb). */
static void setup_state(smp_ctx *c, double *prob_out)
{
    size_t na = c->na;
    fc_parallel(c->threads, na, vd_rows, c);
    for (size_t i = 0; i < na * na; i++)
        c->rnu[i] = bs_util(c->vd[i], 0.0);
    double *p = c->prob;
    actor_pce(c, c->rnu, c->scr[0], p);
    double pmin = 1.0, pmax = 0.0;
    for (size_t i = 0; i < na; i++) {
        pmin = p[i] < pmin ? p[i] : pmin;
        pmax = p[i] > pmax ? p[i] : pmax;
    }
    for (size_t i = 0; i < na; i++) {
        if (!(pmax - pmin > 0)) {
            c->R[i] = 0; /* KTAB divides by zero here */
            continue;
        }
        switch (c->prm.rrange) {
        case PARLEY_SMP_RR_MIN: c->R[i] = (p[i] - pmin) / (pmax - pmin); break;
        case PARLEY_SMP_RR_MID:
            c->R[i] = (3 * p[i] - (pmax + 2 * pmin)) / (2 * (pmax - pmin));
            break;
        default: c->R[i] = (2 * p[i] - (pmax + pmin)) / (pmax - pmin); break;
        }
    }
    for (size_t n = 0; n < na; n++) {
        double r = est_nra(c->R[n], c->R[n], c->prm.radjust);
        for (size_t m = 0; m < na; m++)
            c->own[n * na + m] = bs_util(c->vd[n * na + m], r);
    }
    /* unique positions, first appearance (KBase::ueIndices) */
    size_t *uq = c->uq;
    size_t nu = 0;
    for (size_t i = 0; i < na; i++) {
        bool found = false;
        for (size_t j = 0; !found && j < nu; j++)
            if (equiv(c, c->x, i, uq[j]))
                found = true;
        if (!found)
            uq[nu++] = i;
    }
    double *u = c->scr[1];
    for (size_t n = 0; n < na; n++)
        for (size_t m = 0; m < nu; m++)
            u[n * nu + m] = c->own[n * na + uq[m]];
    double *pu = c->scr[1] + na * nu;
    scalar_pce(c, na, nu, c->cap, u, nu, c->scr[2], pu);
    for (size_t i = 0; i < na; i++) {
        size_t k = 0;
        for (size_t j = 0; j < nu; j++)
            if (equiv(c, c->x, i, uq[j]))
                k = j; /* the last match, as State::posProb */
        prob_out[i] = pu[k];
    }
}

/* ----------------------------------------------------------- challenges */

/* h's estimate that i beats j and of k's expected gain when i challenges
 * j (SMPState::probEduChlg).  rh[n] = est(R_h, R_n). */
static void prob_edu(const smp_ctx *c, const double *rh, const double *ui, const double *un,
                     size_t k, size_t i, size_t j, double *phij_out, double *du_out)
{
    size_t na = c->na;
    const double *vdj = c->vdT + j * na;
#define AU(a, b) bs_util(c->vd[(a) * na + (b)], rh[a])
    const double uii = AU(i, i), uij = AU(i, j), uji = AU(j, i), ujj = AU(j, j);
    const double euSQ = AU(k, i) + AU(k, j);
    const double uhkij = AU(k, i) + AU(k, i);
    const double uhkji = AU(k, j) + AU(k, j);
#undef AU
    const double sj = c->ssum[j];
    const parley_smp_voting vr = c->prm.voting;
    double ci = vote(vr, c->ssum[i] * c->cap[i], uii, uij);
    double cj = vote(vr, sj * c->cap[j], uji, ujj);
    double chij = SMP_MIN_CLTN, chji = SMP_MIN_CLTN;
    if (ci > 0.0)
        chij = chij + ci;
    if (ci < 0.0)
        chji = chji - ci;
    if (cj > 0.0)
        chij = chij + cj;
    if (cj < 0.0)
        chji = chji - cj;
    const double cI = chij, cJ = chji;
    for (size_t n = 0; n < na; n++) {
        if (n == i || n == j)
            continue;
        const double wn = c->wsc[n];
        const double uni = ui[n];
        const double unj = bs_util(vdj[n], rh[n]);
        const double unn = un[n];
        const double v0 = vote(vr, wn, uni, unj);
        /* branch-free forms of (v0 > 0 ? cI + v0 : cI) and (v0 < 0 ?
         * cJ - v0 : cJ): adding or subtracting +0.0 leaves a positive
         * number unchanged, so the bits are KTAB's */
        const double cni = cI + (v0 > 0 ? v0 : 0.0);
        const double cnj = cJ - (v0 < 0 ? v0 : 0.0);
        const double pin = cni / (cni + cnj);
        const double pjn = 1.0 - pin;
        double a1, a2, a3, a4; /* ik>j, j>ik, i>jk, jk>i */
        switch (c->prm.thirdparty) {
        case PARLEY_SMP_TP_FULLCOMMIT:
            a1 = uni + uni + uni; a2 = unj + unj + unj;
            a3 = uni + uni + uni; a4 = unj + unj + unj;
            break;
        case PARLEY_SMP_TP_NOCOMMIT:
            a1 = uni + uni + unn; a2 = unj + unj + unn;
            a3 = uni + uni + unn; a4 = unj + unj + unn;
            break;
        default:
            a1 = uni + uni + unn; a2 = unj + unj + unj;
            a3 = uni + uni + uni; a4 = unj + unj + unn;
            break;
        }
        const double u_ik_j = (pin * a1) + (pjn * a2);
        const double u_i_jk = (pin * a3) + (pjn * a4);
        const double vn = vote(vr, wn, u_ik_j, u_i_jk);
        chij = chij + (vn > 0 ? vn : 0.0);
        chji = chji - (vn < 0 ? vn : 0.0);
    }
    const double phij = chij / (chij + chji);
    const double phji = chji / (chij + chji);
    const double euVict = uhkij;
    const double euCntst = phij * uhkij + phji * uhkji;
    const double euChlg = (1 - sj) * euVict + sj * euCntst;
    *phij_out = phij;
    *du_out = euChlg - euSQ;
}

static void challenge_rows(void *p, size_t lo, size_t hi, unsigned tid)
{
    smp_ctx *c = p;
    size_t na = c->na;
    double *rh = c->tscr[tid], *ui = rh + na, *un = ui + na;
    double *rj = un + na, *uj = rj + na, *ujn = uj + na;
    for (size_t i = lo; i < hi; i++) {
        for (size_t n = 0; n < na; n++) {
            rh[n] = est_nra(c->R[i], c->R[n], c->prm.radjust);
            ui[n] = bs_util(c->vd[n * na + i], rh[n]);
            un[n] = bs_util(c->vd[n * na + n], rh[n]);
        }
        long bj = -1;
        double bp = 0, beu = -1.00;
        for (size_t j = 0; j < na; j++) {
            if (j == i)
                continue;
            double pij, edu;
            prob_edu(c, rh, ui, un, i, i, j, &pij, &edu);
            if ((SMP_MIN_SIG_EDU < edu) && (beu < edu)) {
                bj = (long)j;
                bp = pij;
                beu = edu;
            }
        }
        c->best[i] = bj;
        c->bestp[i] = bp;
        c->pji[i] = 0;
        if (bj >= 0 && c->prm.bargain != PARLEY_SMP_BM_INITONLY) {
            size_t j = (size_t)bj;
            for (size_t n = 0; n < na; n++) {
                rj[n] = est_nra(c->R[j], c->R[n], c->prm.radjust);
                uj[n] = bs_util(c->vd[n * na + i], rj[n]);
                ujn[n] = bs_util(c->vd[n * na + n], rj[n]);
            }
            double pj, edu;
            prob_edu(c, rj, uj, ujn, i, i, j, &pj, &edu); /* j's view: h = j, k = i */
            /* KTAB passes get<1> of this estimate -- the gain, not the
             * probability -- as "j's estimate that i defeats j" */
            c->pji[i] = edu;
        }
    }
}

/* ------------------------------------------------------------- bargains */

static void interp(const smp_ctx *c, size_t i, size_t j, double prbI, double prbJ, double *bi,
                   double *bj)
{
    size_t nd = c->nd;
    for (size_t d = 0; d < nd; d++) {
        const double tik = c->x[i * nd + d], sik = c->sal[i * nd + d];
        const double tjk = c->x[j * nd + d], sjk = c->sal[j * nd + d];
        const double minW = 1e-6;
        if (c->prm.interp == PARLEY_SMP_IVB_S2PMAX) {
            double di = (prbJ > prbI) ? (prbJ - prbI) : 0;
            double dj = (prbI > prbJ) ? (prbI - prbJ) : 0;
            double sik2 = sik * sik, sjk2 = sjk * sjk;
            double dik = (di * sjk2) / ((di * sjk2) + minW + ((1 - di) * sik2));
            double djk = (dj * sik2) / ((dj * sik2) + minW + ((1 - dj) * sjk2));
            bi[d] = tik + dik * (tjk - tik);
            bj[d] = tjk + djk * (tik - tjk);
            continue;
        }
        double wik, wjk;
        if (c->prm.interp == PARLEY_SMP_IVB_S1P1) {
            wik = sik * prbI;
            wjk = sjk * prbJ;
        } else {
            wik = (sik * sik) * (prbI * prbI);
            wjk = (sjk * sjk) * (prbJ * prbJ);
        }
        bi[d] = round4(((wik + minW) * tik + wjk * tjk) / (wik + minW + wjk));
        bj[d] = round4((wik * tik + (minW + wjk) * tjk) / (wik + minW + wjk));
    }
}

static void bargain_utils(void *p, size_t lo, size_t hi, unsigned tid)
{
    (void)tid;
    smp_ctx *c = p;
    size_t na = c->na, nd = c->nd;
    for (size_t b = lo; b < hi; b++) {
        smp_bargain *g = &c->bg[b];
        for (size_t n = 0; n < na; n++) {
            const double *idl = c->ideal + n * nd, *s = c->sal + n * nd;
            double u = 0.0;
            u = u + bs_util(bv_diff(idl, g->pi, s, nd, c->ssq[n]), c->R[n]);
            u = u + bs_util(bv_diff(idl, g->pr, s, nd, c->ssq[n]), c->R[n]);
            for (size_t m = 0; m < na; m++)
                if (m != g->init && m != g->rcvr)
                    u = u + c->own[n * na + m];
            g->u[n] = u / (double)na;
        }
    }
}

/* Deterministic: the first most probable bargain (ndxMaxProb). */
static size_t most_probable(const double *pp, size_t nb)
{
    size_t mmax = 0;
    double ma = -1.0;
    for (size_t m = 0; m < nb; m++)
        if (ma < fabs(pp[m])) {
            ma = fabs(pp[m]);
            mmax = m;
        }
    return mmax;
}

/* Stochastic (PRNG::probSel): the first bargain whose cumulative
 * probability reaches the draw u in [0, 1); the last on round-off. */
static size_t pick(const double *pp, size_t nb, double u)
{
    double sum = 0.0;
    for (size_t m = 0; m < nb; m++) {
        sum = sum + pp[m];
        if (u <= sum)
            return m;
    }
    return nb - 1;
}

static void choose_rows(void *p, size_t lo, size_t hi, unsigned tid)
{
    smp_ctx *c = p;
    size_t na = c->na, nd = c->nd;
    double *scr = c->tscr[tid];
    for (size_t k = lo; k < hi; k++) {
        size_t nb = c->qlen[k];
        double *u = scr, *pc = scr + na * nb, *pp = pc + SMP_PCE_SCR(nb);
        for (size_t n = 0; n < na; n++)
            for (size_t m = 0; m < nb; m++) {
                size_t q = c->queue[k][m];
                u[n * nb + m] = q == 0 ? c->sq[n] : c->bg[q - 1].u[n];
            }
        scalar_pce(c, na, nb, c->cap, u, nb, pc, pp);
        size_t mmax = c->prm.transitions == PARLEY_SMP_STOCHASTIC ? pick(pp, nb, c->draw[k])
                                                                  : most_probable(pp, nb);
        size_t q = c->queue[k][mmax];
        const double *np = c->x + k * nd;
        if (q != 0) {
            const smp_bargain *g = &c->bg[q - 1];
            np = g->init == k ? g->pi : g->pr;
        }
        memcpy(c->nx + k * nd, np, nd * sizeof(double));
    }
}

/* ------------------------------------------------------------- the run */

static double state_dist(const smp_ctx *c, const double *a, const double *b)
{
    double sum = 0;
    for (size_t i = 0; i < c->na; i++) {
        double s = 0;
        for (size_t d = 0; d < c->nd; d++) {
            const double t = a[i * c->nd + d] - b[i * c->nd + d];
            s = s + (t * t);
        }
        sum = sum + sqrt(s);
    }
    return sum;
}

static void record(const smp_ctx *c, parley_forecast_result *r, size_t s)
{
    size_t na = c->na, nd = c->nd;
    const parley_forecast_input *in = c->in;
    for (size_t a = 0; a < na; a++)
        for (size_t d = 0; d < nd; d++)
            r->pos[(s * na + a) * nd + d] = in->lo[d] + c->x[a * nd + d] * (in->hi[d] - in->lo[d]);
}

/* Make each thread's scratch hold at least n doubles. */
static bool tscratch(smp_ctx *c, size_t n)
{
    if (n <= c->tcap)
        return true;
    const parley_allocator *a = &c->in->alloc;
    for (unsigned t = 0; t < c->threads; t++) {
        parleyx_free(a, c->tscr[t], c->tcap * sizeof(double));
        c->tscr[t] = NULL;
    }
    for (unsigned t = 0; t < c->threads; t++) {
        c->tscr[t] = parleyx_malloc(a, n * sizeof(double));
        if (!c->tscr[t]) {
            for (unsigned u = 0; u < t; u++) {
                parleyx_free(a, c->tscr[u], n * sizeof(double));
                c->tscr[u] = NULL;
            }
            c->tcap = 0;
            return false;
        }
    }
    c->tcap = n;
    return true;
}

/* Every array of the context; SMP_ALLOC gives n >= 1 elements, so an
 * array is freed with SMP_FREE and the same n.  false when one is
 * missing (what was allocated is freed by smp_ctx_free). */
#define SMP_ALLOC(p, n)                                                                            \
    do {                                                                                           \
        (p) = parleyx_calloc(&c->in->alloc, (n) > 0 ? (n) : 1, sizeof *(p));                       \
        if (!(p))                                                                                  \
            return false;                                                                          \
    } while (0)
#define SMP_FREE(p, n) parleyx_free(&c->in->alloc, (p), ((n) > 0 ? (n) : 1) * sizeof *(p))

static bool smp_ctx_alloc(smp_ctx *c)
{
    size_t na = c->na, nd = c->nd;
    SMP_ALLOC(c->cap, na);
    SMP_ALLOC(c->sal, na * nd);
    SMP_ALLOC(c->ssum, na);
    SMP_ALLOC(c->ssq, na);
    SMP_ALLOC(c->wsc, na);
    SMP_ALLOC(c->acc, na * na);
    SMP_ALLOC(c->x, na * nd);
    SMP_ALLOC(c->ideal, na * nd);
    SMP_ALLOC(c->vd, na * na);
    SMP_ALLOC(c->vdT, na * na);
    SMP_ALLOC(c->R, na);
    SMP_ALLOC(c->own, na * na);
    SMP_ALLOC(c->rnu, na * na);
    SMP_ALLOC(c->prob, na);
    SMP_ALLOC(c->best, na);
    SMP_ALLOC(c->bestp, na);
    SMP_ALLOC(c->pji, na);
    SMP_ALLOC(c->bg, 2 * na);
    SMP_ALLOC(c->queue, na);
    SMP_ALLOC(c->qlen, na);
    SMP_ALLOC(c->sq, na);
    SMP_ALLOC(c->nx, na * nd);
    SMP_ALLOC(c->nideal, na * nd);
    SMP_ALLOC(c->draw, na);
    for (size_t k = 0; k < na; k++)
        SMP_ALLOC(c->queue[k], 2 * na + 1);
    for (size_t b = 0; b < 2 * na; b++) {
        SMP_ALLOC(c->bg[b].pi, nd);
        SMP_ALLOC(c->bg[b].pr, nd);
        SMP_ALLOC(c->bg[b].u, na);
    }
    SMP_ALLOC(c->uq, na);
    SMP_ALLOC(c->scr, 3);
    SMP_ALLOC(c->scr[0], SMP_PCE_SCR(na));
    SMP_ALLOC(c->scr[1], na * na + na);
    SMP_ALLOC(c->scr[2], SMP_PCE_SCR(na));
    return true;
}

/* Free what smp_ctx_alloc and tscratch allocated (any prefix of it). */
static void smp_ctx_free(smp_ctx *c)
{
    size_t na = c->na, nd = c->nd;
    if (c->queue)
        for (size_t k = 0; k < na; k++)
            if (c->queue[k])
                SMP_FREE(c->queue[k], 2 * na + 1);
    if (c->bg)
        for (size_t b = 0; b < 2 * na; b++) {
            if (c->bg[b].pi)
                SMP_FREE(c->bg[b].pi, nd);
            if (c->bg[b].pr)
                SMP_FREE(c->bg[b].pr, nd);
            if (c->bg[b].u)
                SMP_FREE(c->bg[b].u, na);
        }
    if (c->scr) {
        if (c->scr[0])
            SMP_FREE(c->scr[0], SMP_PCE_SCR(na));
        if (c->scr[1])
            SMP_FREE(c->scr[1], na * na + na);
        if (c->scr[2])
            SMP_FREE(c->scr[2], SMP_PCE_SCR(na));
        SMP_FREE(c->scr, 3);
    }
    double **ptrs[] = {&c->cap, &c->ssum, &c->ssq, &c->wsc, &c->R, &c->prob, &c->bestp, &c->pji,
                       &c->sq, &c->draw};
    for (size_t k = 0; k < sizeof ptrs / sizeof ptrs[0]; k++)
        if (*ptrs[k])
            SMP_FREE(*ptrs[k], na);
    double **ptrs2[] = {&c->sal, &c->x, &c->ideal, &c->nx, &c->nideal};
    for (size_t k = 0; k < sizeof ptrs2 / sizeof ptrs2[0]; k++)
        if (*ptrs2[k])
            SMP_FREE(*ptrs2[k], na * nd);
    double **ptrs3[] = {&c->acc, &c->vd, &c->vdT, &c->own, &c->rnu};
    for (size_t k = 0; k < sizeof ptrs3 / sizeof ptrs3[0]; k++)
        if (*ptrs3[k])
            SMP_FREE(*ptrs3[k], na * na);
    if (c->best)
        SMP_FREE(c->best, na);
    if (c->uq)
        SMP_FREE(c->uq, na);
    for (unsigned t = 0; t < c->threads && c->tcap; t++)
        parleyx_free(&c->in->alloc, c->tscr[t], c->tcap * sizeof(double));
    if (c->bg)
        SMP_FREE(c->bg, 2 * na);
    if (c->queue)
        SMP_FREE(c->queue, na);
    if (c->qlen)
        SMP_FREE(c->qlen, na);
}

/* The input on the [0, 1] scale: capabilities, saliences and their sums,
 * the accommodation matrix (ident when it is the identity), positions,
 * and ideals equal to the positions. */
static void smp_ctx_load(smp_ctx *c)
{
    const parley_forecast_input *in = c->in;
    size_t na = c->na, nd = c->nd;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++)
            c->acc[i * na + j] = i == j ? 1.0 : 0.0;
    for (size_t k = 0; k < in->nacc; k++)
        c->acc[in->accom[k].i * na + in->accom[k].j] = in->accom[k].a;
    c->ident = true;
    for (size_t i = 0; i < na; i++) {
        c->cap[i] = in->capab[i];
        double s = 0.0, q = 0.0;
        for (size_t d = 0; d < nd; d++) {
            double v = in->sal[i * nd + d];
            c->sal[i * nd + d] = v;
            s = s + v;
            q = q + (v * v);
            c->x[i * nd + d] = (in->pos[i * nd + d] - in->lo[d]) / (in->hi[d] - in->lo[d]);
        }
        c->ssum[i] = s;
        c->ssq[i] = q;
        c->wsc[i] = s * c->cap[i];
        for (size_t j = 0; j < na; j++)
            if (c->acc[i * na + j] != (i == j ? 1.0 : 0.0))
                c->ident = false;
    }
    memcpy(c->ideal, c->x, na * nd * sizeof(double));
}

/* The bargains of this turn from the challenges (one per challenger, two
 * when the receiver's view counts too, merged into one under PWCOMP),
 * each actor's queue (the status quo, then the bargains it is party to,
 * in the order of their initiators) and the status-quo utilities. */
static void make_bargains(smp_ctx *c)
{
    size_t na = c->na, nd = c->nd;
    c->nbg = 0;
    for (size_t k = 0; k < na; k++) {
        c->queue[k][0] = 0;
        c->qlen[k] = 1;
    }
    for (size_t i = 0; i < na; i++) {
        if (c->best[i] < 0)
            continue;
        size_t j = (size_t)c->best[i];
        double pij = c->bestp[i];
        smp_bargain *g1 = &c->bg[c->nbg++];
        g1->init = i;
        g1->rcvr = j;
        interp(c, i, j, pij, 1 - pij, g1->pi, g1->pr);
        if (c->prm.bargain == PARLEY_SMP_BM_INITONLY)
            continue;
        smp_bargain *g2 = &c->bg[c->nbg++];
        g2->init = i;
        g2->rcvr = j;
        double pj = c->pji[i];
        interp(c, i, j, pj, 1 - pj, g2->pi, g2->pr);
        if (c->prm.bargain == PARLEY_SMP_BM_PWCOMP) {
            /* KTAB weighs i's view by c_i S_i and j's by c_i S_j
             * (its scj is the initiator's capability) */
            double wi = c->cap[i] * c->ssum[i], wj = c->cap[i] * c->ssum[j];
            for (size_t d = 0; d < nd; d++) {
                g1->pi[d] = (wi * g1->pi[d] + wj * g2->pi[d]) / (wi + wj);
                g1->pr[d] = (wi * g1->pr[d] + wj * g2->pr[d]) / (wi + wj);
            }
            c->nbg--;
        }
    }
    for (size_t b = 0; b < c->nbg; b++) {
        smp_bargain *g = &c->bg[b];
        c->queue[g->init][c->qlen[g->init]++] = b + 1;
        c->queue[g->rcvr][c->qlen[g->rcvr]++] = b + 1;
    }
    for (size_t n = 0; n < na; n++) {
        double u = 0.0;
        for (size_t m = 0; m < na; m++)
            u = u + c->own[n * na + m];
        c->sq[n] = u / (double)na;
    }
}

/* New ideals: sum_j A_ij x_j + (1 - sum_j A_ij) ideal_i, into nideal. */
static void new_ideals(smp_ctx *c)
{
    size_t na = c->na, nd = c->nd;
    for (size_t i = 0; i < na; i++) {
        double si = 0.0;
        double *ni = c->nideal + i * nd;
        for (size_t d = 0; d < nd; d++)
            ni[d] = 0.0;
        for (size_t j = 0; j < na; j++) {
            const double aij = c->acc[i * na + j];
            si = si + aij;
            for (size_t d = 0; d < nd; d++)
                ni[d] = ni[d] + (aij * c->nx[j * nd + d]);
        }
        si = (1.0 < si) ? 1.0 : si;
        const double lag = 1.0 - si;
        for (size_t d = 0; d < nd; d++)
            ni[d] = ni[d] + (lag * c->ideal[i * nd + d]);
    }
}

/* One turn: challenges, bargains, each actor's choice, new ideals; the
 * next state becomes the current one.  *dxy receives the distance moved.
 * false when out of memory. */
static bool smp_turn(smp_ctx *c, double *dxy)
{
    size_t na = c->na, nd = c->nd;
    if (!tscratch(c, 6 * na))
        return false;
    fc_parallel(c->threads, na, challenge_rows, c);
    make_bargains(c);
    fc_parallel(c->threads, c->nbg, bargain_utils, c);
    size_t maxq = 0;
    for (size_t k = 0; k < na; k++)
        maxq = c->qlen[k] > maxq ? c->qlen[k] : maxq;
    if (!tscratch(c, na * maxq + SMP_PCE_SCR(maxq) + maxq))
        return false;
    /* the draws in actor order, before the threads: the run depends on the
     * seed only, never on the thread count */
    if (c->prm.transitions == PARLEY_SMP_STOCHASTIC)
        for (size_t k = 0; k < na; k++)
            c->draw[k] = (double)(parleyx_splitmix64(&c->rng) >> 11) * 0x1p-53;
    fc_parallel(c->threads, na, choose_rows, c);
    new_ideals(c);
    *dxy = state_dist(c, c->x, c->nx);
    memcpy(c->x, c->nx, na * nd * sizeof(double));
    memcpy(c->ideal, c->nideal, na * nd * sizeof(double));
    return true;
}

/* Turns until KTAB's stopping rule (the move relative to the first one
 * under 2%, from the second turn on) or max_rounds; records each state in
 * r.  false when out of memory. */
static bool smp_turns(smp_ctx *c, const parley_forecast_options *opt, unsigned max_rounds,
                      parley_forecast_result *r)
{
    size_t na = c->na;
    if (fc_result_reserve(r, 2) != PARLEY_OK)
        return false;
    setup_state(c, r->prob);
    record(c, r, 0);
    r->change[0] = 0;
    r->states = 1;
    double d01 = 0;
    for (unsigned iter = 1;; iter++) {
        double dxy;
        if (!smp_turn(c, &dxy) || fc_result_reserve(r, iter + 1) != PARLEY_OK)
            return false;
        setup_state(c, r->prob + (size_t)iter * na);
        record(c, r, iter);
        r->states = iter + 1;
        if (opt->progress)
            opt->progress(opt->progress_ud, "round", (double)iter / (double)max_rounds);
        if (iter == 1)
            d01 = dxy + 1e-4;
        const double ratio = dxy / d01;
        r->change[iter] = ratio;
        bool quiet = ratio < 0.02;
        if (iter >= 2 && quiet) {
            r->converged = true;
            return true;
        }
        if (iter >= max_rounds)
            return true;
    }
}

/* The forecast: the most probable position of the last state. */
static void smp_forecast(parley_forecast_result *r)
{
    size_t na = r->na, nd = r->nd;
    size_t s = r->states - 1, ba = 0;
    for (size_t a = 1; a < na; a++)
        if (r->prob[s * na + a] > r->prob[s * na + ba])
            ba = a;
    for (size_t d = 0; d < nd; d++)
        r->forecast[d] = r->pos[(s * na + ba) * nd + d];
}

parley_status smp_run(const parley_forecast_input *in, const parley_forecast_options *opt,
                      parley_forecast_result *r, parley_error *err)
{
    parley_status st = PARLEY_OK;
    smp_ctx cx;
    memset(&cx, 0, sizeof cx);
    smp_ctx *c = &cx;
    c->in = in;
    c->prm = opt->smp;
    c->rng = opt->seed_set ? opt->seed : in->has_seed ? in->seed : 0;
    c->threads = opt->threads ? opt->threads : 1;
    if (c->threads > FC_MAX_THREADS)
        c->threads = FC_MAX_THREADS;
    c->na = in->na;
    c->nd = in->nd;
    unsigned max_rounds = opt->max_rounds ? opt->max_rounds : 100;
    bool ok = smp_ctx_alloc(c);
    if (ok) {
        smp_ctx_load(c);
        ok = smp_turns(c, opt, max_rounds, r);
    }
    if (ok)
        smp_forecast(r);
    else
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    smp_ctx_free(c);
    return st;
}
