/*
 * an_mitm.c -- counting the agreement set of a huge space exactly, by
 * meeting in the middle, when the only constraints are reservation values
 * on at most two stakeholder dimensions (no red lines).
 *
 * The obstacle: GENIUS's utility is a left-to-right fold,
 * u = min(1, ((s_L + t_h) + t_{h+1}) + ...), where s_L is the fold of the
 * first h issues.  The suffix is not a number that could be added to
 * s_L -- rounding depends on s_L -- so the textbook "sort both halves and
 * count pairs" would be wrong in the last bit, and the counts must be
 * exact.
 *
 * The way round: for a fixed suffix x_R, the fold f(s) = (s + t_h) + ...
 * is monotone in the starting value s (each rounded addition is), so
 * {s : min(1, f(s)) >= r} is an up-set of doubles and has a least element
 * theta(x_R).  theta is found exactly by a search over the bit patterns of
 * non-negative doubles (ordered like the numbers): a first guess r - sum,
 * then galloping and bisection on the true predicate, so a handful of
 * folds per suffix.  Then "x = (x_L, x_R) is acceptable" is exactly
 * s_L1 >= theta_1(x_R) and s_L2 >= theta_2(x_R): a two-dimensional
 * dominance count between the prefix sums and the suffix thresholds,
 * done with one sort per side and a Fenwick tree over the ranks of
 * theta_2: O((|L| + |R|) log) for |L| * |R| outcomes.
 *
 * Terms are non-negative (weights >= 0, evaluations in [0, 1]), so every
 * prefix sum is >= 0 and the search stays among non-negative doubles.
 *
 * Memory: 16 bytes per prefix and per suffix, plus the rank tables; the
 * split point makes the two sides about the square root of the space.
 * Everything is freed before returning.
 */
#include "analysis/an.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair2 {
    double a, b;
} pair2;

static int pair_cmp(const void *x, const void *y)
{
    const pair2 *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return 0;
}

static int dbl_cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : (a > b);
}

static uint64_t bits_of(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static double of_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* min(1, fold of the suffix terms t[0..n) onto s) >= r */
static bool accepts(double s, const double *t, size_t n, double r)
{
    for (size_t i = 0; i < n; i++)
        s += t[i];
    return (s < 1.0 ? s : 1.0) >= r;
}

/* Least s >= 0 (as a double) with accepts(s); +inf if even smax fails. */
static double theta(const double *t, size_t n, double r, double smax)
{
    if (accepts(0.0, t, n, r))
        return 0.0;
    if (!accepts(smax, t, n, r))
        return INFINITY;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += t[i];
    double e = r - sum;
    if (!(e > 0.0))
        e = 0.0;
    if (e > smax)
        e = smax;
    uint64_t lo, hi; /* accepts(lo) false, accepts(hi) true */
    uint64_t be = bits_of(e), bmax = bits_of(smax);
    if (accepts(e, t, n, r)) {
        hi = be;
        uint64_t step = 1;
        for (;;) {
            uint64_t c = hi > step ? hi - step : 0;
            if (c == 0) {
                lo = 0; /* accepts(0) is false */
                break;
            }
            if (!accepts(of_bits(c), t, n, r)) {
                lo = c;
                break;
            }
            hi = c;
            step *= 2;
        }
    } else {
        lo = be;
        uint64_t step = 1;
        for (;;) {
            uint64_t c = bmax - lo > step ? lo + step : bmax;
            if (accepts(of_bits(c), t, n, r)) {
                hi = c;
                break;
            }
            lo = c;
            step *= 2;
        }
    }
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (accepts(of_bits(mid), t, n, r))
            hi = mid;
        else
            lo = mid;
    }
    return of_bits(hi);
}

parley_status an_mitm_count2(const an_space *sp, const an_cons *c, uint64_t max_side,
                             an_count *out)
{
    const parley_allocator *a = sp->alloc;
    size_t m = sp->m, d = sp->d;
    out->lo = out->hi = 0;
    if (d > 2 || c->nrules || m < 2)
        return PARLEY_ERR_UNSUPPORTED;
    if (c->infeasible)
        return PARLEY_OK;
    double r[2] = {-INFINITY, -INFINITY};
    for (size_t q = 0; q < c->nth; q++)
        if (c->thval[q] > r[c->thdim[q]])
            r[c->thdim[q]] = c->thval[q];
    for (size_t j = 0; j < d; j++)
        if (r[j] > 1.0)
            return PARLEY_OK; /* u <= 1 < r */
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < d; j++)
            if (sp->tmin[i * d + j] < 0.0 || !isfinite(sp->tmax[i * d + j]))
                return PARLEY_ERR_UNSUPPORTED;

    /* split: the prefix side about the square root of the space */
    double total = 1.0;
    for (size_t i = 0; i < m; i++)
        total *= sp->nv[i];
    double half = sqrt(total);
    size_t h = 0;
    double nl = 1.0;
    while (h < m - 1 && nl < half) {
        nl *= sp->nv[h];
        h++;
    }
    if (h == 0)
        h = 1, nl = sp->nv[0];
    double nr = total / nl;
    if (nl > (double)max_side || nr > (double)max_side)
        return PARLEY_ERR_LIMIT;
    size_t nL = (size_t)nl, nR = (size_t)(nr + 0.5);

    parley_status st = PARLEY_OK;
    pair2 *L = parleyx_malloc(a, nL * sizeof(pair2));
    pair2 *R = parleyx_malloc(a, nR * sizeof(pair2));
    double *ranks = parleyx_malloc(a, nR * sizeof(double));
    uint64_t *fen = parleyx_calloc(a, nR + 1, sizeof(uint64_t));
    uint32_t *o = parleyx_calloc(a, m, sizeof(uint32_t));
    double *tr = parleyx_calloc(a, 2 * m, sizeof(double));
    if (!L || !R || !ranks || !fen || !o || !tr) {
        st = PARLEY_ERR_NOMEM;
        goto done;
    }
    /* the largest prefix sum per dimension (an exact bound) */
    double smax[2] = {0.0, 0.0};
    for (size_t j = 0; j < d; j++) {
        double v = 0.0;
        for (size_t i = 0; i < h; i++)
            v += sp->tmax[i * d + j];
        smax[j] = v;
    }
    /* prefixes, by odometer (last prefix issue fastest) */
    for (size_t k = 0; k < nL; k++) {
        if (k) {
            size_t i = h;
            while (i-- > 0) {
                if (++o[i] < sp->nv[i])
                    break;
                o[i] = 0;
            }
        }
        double s[2] = {0.0, 0.0};
        for (size_t i = 0; i < h; i++)
            for (size_t j = 0; j < d; j++)
                s[j] += sp->tt[i][(size_t)o[i] * d + j];
        L[k].a = s[0];
        L[k].b = d > 1 ? s[1] : 0.0;
    }
    /* suffix thresholds */
    memset(o, 0, m * sizeof(uint32_t));
    size_t n = m - h, kept = 0;
    for (size_t k = 0; k < nR; k++) {
        if (k) {
            size_t i = m;
            while (i-- > h) {
                if (++o[i] < sp->nv[i])
                    break;
                o[i] = 0;
            }
        }
        double th[2] = {-INFINITY, -INFINITY};
        bool never = false;
        for (size_t j = 0; j < d && !never; j++) {
            if (r[j] == -INFINITY)
                continue;
            for (size_t i = h; i < m; i++)
                tr[i - h] = sp->tt[i][(size_t)o[i] * d + j];
            th[j] = theta(tr, n, r[j], smax[j]);
            if (th[j] == INFINITY)
                never = true;
        }
        if (never)
            continue;
        R[kept].a = th[0];
        R[kept].b = th[1];
        kept++;
    }
    nR = kept;
    qsort(L, nL, sizeof(pair2), pair_cmp);
    qsort(R, nR, sizeof(pair2), pair_cmp);
    for (size_t k = 0; k < nR; k++)
        ranks[k] = R[k].b;
    qsort(ranks, nR, sizeof(double), dbl_cmp);
    size_t nu = 0;
    for (size_t k = 0; k < nR; k++)
        if (nu == 0 || ranks[nu - 1] != ranks[k])
            ranks[nu++] = ranks[k];
    /* sweep the prefixes by s1; suffixes with theta1 <= s1 enter the tree */
    an_count tot = {0, 0};
    size_t next = 0;
    uint64_t inside = 0;
    for (size_t k = 0; k < nL; k++) {
        while (next < nR && R[next].a <= L[k].a) {
            size_t lo = 0, hi = nu; /* rank of R[next].b */
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (ranks[mid] < R[next].b)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t x = lo + 1; x <= nu; x += x & (~x + 1))
                fen[x]++;
            inside++;
            next++;
        }
        if (!inside)
            continue;
        /* suffixes in the tree with theta2 <= s2 */
        size_t lo = 0, hi = nu;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ranks[mid] <= L[k].b)
                lo = mid + 1;
            else
                hi = mid;
        }
        uint64_t cnt = 0;
        for (size_t x = lo; x > 0; x -= x & (~x + 1))
            cnt += fen[x];
        an_count add = {cnt, 0};
        an_count_add(&tot, add);
    }
    an_count_mulc(tot, sp->freemult, out);
done:
    parleyx_free(a, L, nL * sizeof(pair2));
    parleyx_free(a, R, (size_t)(nr + 0.5) * sizeof(pair2));
    parleyx_free(a, ranks, (size_t)(nr + 0.5) * sizeof(double));
    parleyx_free(a, fen, ((size_t)(nr + 0.5) + 1) * sizeof(uint64_t));
    parleyx_free(a, o, m * sizeof(uint32_t));
    parleyx_free(a, tr, 2 * m * sizeof(double));
    return st;
}
