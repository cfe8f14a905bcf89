/*
 * an_mitm.c -- counting the agreement set of a huge space exactly, by
 * meeting in the middle, when the only constraints are reservation values
 * (no red lines) and at most two of them are not met by every outcome.
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
 * the suffixes radix-sorted by theta_1 (on the bit patterns) and the
 * ranks of theta_2 in a Fenwick tree, swept by the prefixes in ascending
 * s_1.  The prefixes are not stored: those of the first h-1 issues are
 * (radix-sorted), and each value v of issue h-1 turns them into a stream
 * s + t(v) that is still sorted (monotone rounding), so a heap merges the
 * streams.  O(sqrt(N) log N) for N = |prefixes| * |suffixes| outcomes.
 *
 * Terms are non-negative (weights >= 0, evaluations in [0, 1]), so every
 * prefix sum is >= 0 and the search stays among non-negative doubles.
 *
 * Memory: about 56 bytes per stored prefix (of the first h-1 issues) and
 * per suffix -- pairs, radix buffers, ranks, the Fenwick tree; the split
 * makes both about the square root of the space or less.  Everything is
 * freed before returning.
 */
#include "analysis/an.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

typedef struct pair2 {
    double a, b;
} pair2;

/* Sort keys: every value here is -inf or a non-negative double (prefix
 * sums of non-negative terms, thresholds >= 0), whose bit patterns are
 * ordered like the numbers; -inf goes first. */
static uint64_t key_of(double x)
{
    uint64_t b;
    if (x == -INFINITY)
        return 0;
    memcpy(&b, &x, sizeof b);
    return b + 1;
}

/* LSD radix sort by key, 16 bits a pass; tmp holds n entries.  Stable, so
 * the result does not depend on anything but the keys and the input
 * order. */
static void radix_pairs(pair2 *v, pair2 *tmp, size_t n, size_t *cnt)
{
    pair2 *src = v, *dst = tmp;
    for (int pass = 0; pass < 4; pass++) {
        int sh = pass * 16;
        memset(cnt, 0, 65536 * sizeof(size_t));
        for (size_t i = 0; i < n; i++)
            cnt[(key_of(src[i].a) >> sh) & 0xffff]++;
        size_t sum = 0;
        for (size_t k = 0; k < 65536; k++) {
            size_t c = cnt[k];
            cnt[k] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[(key_of(src[i].a) >> sh) & 0xffff]++] = src[i];
        pair2 *t = src;
        src = dst;
        dst = t;
    }
    /* four passes: the sorted data is back in v */
}

static void radix_doubles(double *v, double *tmp, size_t n, size_t *cnt)
{
    double *src = v, *dst = tmp;
    for (int pass = 0; pass < 4; pass++) {
        int sh = pass * 16;
        memset(cnt, 0, 65536 * sizeof(size_t));
        for (size_t i = 0; i < n; i++)
            cnt[(key_of(src[i]) >> sh) & 0xffff]++;
        size_t sum = 0;
        for (size_t k = 0; k < 65536; k++) {
            size_t c = cnt[k];
            cnt[k] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[cnt[(key_of(src[i]) >> sh) & 0xffff]++] = src[i];
        double *t = src;
        src = dst;
        dst = t;
    }
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

/* A min-heap of streams by their current s1 (ties: by stream, so the
 * order is fixed -- the count does not depend on it anyway). */
typedef struct heap_ent {
    double key;
    uint32_t v;   /* stream: value of the last prefix issue */
    size_t i;     /* cursor into the stored prefixes */
} heap_ent;

static bool heap_less(const heap_ent *x, const heap_ent *y)
{
    return x->key < y->key || (x->key == y->key && x->v < y->v);
}

static void heap_up(heap_ent *h, size_t k)
{
    while (k > 0) {
        size_t p = (k - 1) / 2;
        if (!heap_less(&h[k], &h[p]))
            break;
        heap_ent t = h[k];
        h[k] = h[p];
        h[p] = t;
        k = p;
    }
}

static void heap_down(heap_ent *h, size_t n, size_t k)
{
    for (;;) {
        size_t l = 2 * k + 1, r = l + 1, b = k;
        if (l < n && heap_less(&h[l], &h[b]))
            b = l;
        if (r < n && heap_less(&h[r], &h[b]))
            b = r;
        if (b == k)
            return;
        heap_ent t = h[k];
        h[k] = h[b];
        h[b] = t;
        k = b;
    }
}

/* Thresholds of suffixes k0..k1 (odometer order, last issue fastest)
 * into R[k]; a suffix no prefix can complete gets a = +inf. */
typedef struct theta_job {
    const an_space *sp;
    size_t h;
    const double *r, *smax;   /* per slot */
    const size_t *sd;         /* slot -> dimension */
    size_t ns;
    pair2 *R;
    size_t k0, k1;
    an_run *run;            /* progress (first job only) */
    atomic_int *stop;
    uint32_t *o;
    double *tr;
    bool nomem;
} theta_job;

static void *theta_main(void *arg)
{
    theta_job *jb = arg;
    const an_space *sp = jb->sp;
    size_t m = sp->m, d = sp->d, h = jb->h, n = m - h;
    struct timespec last;
    clock_gettime(CLOCK_MONOTONIC, &last);
    /* the odometer at k0 */
    size_t rem = jb->k0;
    for (size_t i = m; i-- > h;) {
        jb->o[i] = (uint32_t)(rem % sp->nv[i]);
        rem /= sp->nv[i];
    }
    for (size_t k = jb->k0; k < jb->k1; k++) {
        if ((k & 0xffff) == 0xffff) {
            if (atomic_load_explicit(jb->stop, memory_order_relaxed))
                return NULL;
            if (jb->run && !an_progress_tick(jb->run, 0.9 * (double)(k - jb->k0) /
                                                          (double)(jb->k1 - jb->k0), &last)) {
                atomic_store(jb->stop, 1);
                return NULL;
            }
        }
        if (k > jb->k0) {
            size_t i = m;
            while (i-- > h) {
                if (++jb->o[i] < sp->nv[i])
                    break;
                jb->o[i] = 0;
            }
        }
        double th[2] = {-INFINITY, -INFINITY};
        bool never = false;
        for (size_t q = 0; q < jb->ns && !never; q++) {
            size_t j = jb->sd[q];
            for (size_t i = h; i < m; i++)
                jb->tr[i - h] = sp->tt[i][(size_t)jb->o[i] * d + j];
            th[q] = theta(jb->tr, n, jb->r[q], jb->smax[q]);
            if (th[q] == INFINITY)
                never = true;
        }
        jb->R[k].a = never ? INFINITY : th[0];
        jb->R[k].b = th[1];
    }
    return NULL;
}

parley_status an_mitm_count2(an_run *run, const an_cons *c, uint64_t max_side, an_count *out,
                             parley_error *err)
{
    const an_space *sp = run->sp;
    const parley_allocator *a = sp->alloc;
    struct timespec last;
    clock_gettime(CLOCK_MONOTONIC, &last);
    size_t m = sp->m, d = sp->d;
    out->lo = out->hi = 0;
    if (c->nrules || m < 2)
        return PARLEY_ERR_UNSUPPORTED;
    if (c->infeasible)
        return PARLEY_OK;
    /* the constrained dimensions: thresholds that the smallest utility
     * does not already meet; at most two (slots sd[0], sd[1]) */
    size_t sd[2] = {0, 0}, ns = 0;
    double r[2] = {-INFINITY, -INFINITY};
    for (size_t q = 0; q < c->nth; q++) {
        size_t j = c->thdim[q];
        double v = c->thval[q], lo = 0.0;
        for (size_t i = 0; i < m; i++)
            lo += sp->tmin[i * d + j];
        if ((lo < 1.0 ? lo : 1.0) >= v)
            continue; /* always met */
        if (v > 1.0)
            return PARLEY_OK; /* u <= 1 < v: nothing */
        size_t k = 0;
        while (k < ns && sd[k] != j)
            k++;
        if (k == ns) {
            if (ns == 2)
                return PARLEY_ERR_UNSUPPORTED;
            sd[ns++] = j;
        }
        if (v > r[k])
            r[k] = v;
    }
    if (ns == 0) {
        *out = sp->total;
        return PARLEY_OK;
    }
    for (size_t i = 0; i < m; i++)
        for (size_t k = 0; k < ns; k++)
            if (sp->tmin[i * d + sd[k]] < 0.0 || !isfinite(sp->tmax[i * d + sd[k]]))
                return PARLEY_ERR_UNSUPPORTED;

    /* Split at h: prefixes are issues [0, h), suffixes [h, m); the
     * prefix side about the square root of the space, the suffix side
     * at most that.  Prefixes are not stored: those of [0, h-1) are
     * (nP of them), and the last prefix issue's nv streams are merged. */
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
    if (h == 0) {
        h = 1;
        nl = sp->nv[0];
    }
    double nr = total / nl;
    double np_ = nl / sp->nv[h - 1];
    if (nr > (double)max_side || np_ > (double)max_side || nl > 6.4e10)
        return PARLEY_ERR_LIMIT;
    size_t nP = (size_t)(np_ + 0.5), nR = (size_t)(nr + 0.5), nR0 = nR;
    uint32_t nvl = sp->nv[h - 1];

    parley_status st = PARLEY_OK;
    pair2 *P = parleyx_malloc(a, nP * sizeof(pair2));
    pair2 *R = parleyx_malloc(a, nR * sizeof(pair2));
    uint32_t *o = parleyx_calloc(a, m, sizeof(uint32_t));
    double *ranks = NULL;
    uint64_t *fen = NULL;
    size_t nu_alloc = 0;
    heap_ent *heap = NULL;
    if (!P || !R || !o) {
        st = PARLEY_ERR_NOMEM;
        goto done;
    }
    /* the largest prefix sum per slot (an exact bound) */
    double smax[2] = {0.0, 0.0};
    for (size_t k = 0; k < ns; k++) {
        double v = 0.0;
        for (size_t i = 0; i < h; i++)
            v += sp->tmax[i * d + sd[k]];
        smax[k] = v;
    }
    /* stored prefixes: issues [0, h-1), odometer order */
    for (size_t k = 0; k < nP; k++) {
        if (k) {
            size_t i = h - 1;
            while (i-- > 0) {
                if (++o[i] < sp->nv[i])
                    break;
                o[i] = 0;
            }
        }
        double s2[2] = {0.0, 0.0};
        for (size_t i = 0; i + 1 < h; i++)
            for (size_t q = 0; q < ns; q++)
                s2[q] += sp->tt[i][(size_t)o[i] * d + sd[q]];
        P[k].a = s2[0];
        P[k].b = ns > 1 ? s2[1] : 0.0;
    }

    /* suffix thresholds, in two halves on two threads */
    theta_job jobs[2];
    size_t nth = run->opt->threads == 1 || nR < 4096 ? 1 : 2;
    atomic_int stop;
    atomic_init(&stop, 0);
    for (size_t t = 0; t < nth; t++) {
        theta_job *jb = &jobs[t];
        jb->sp = sp;
        jb->h = h;
        jb->r = r;
        jb->smax = smax;
        jb->sd = sd;
        jb->ns = ns;
        jb->R = R;
        jb->k0 = nR * t / nth;
        jb->k1 = nR * (t + 1) / nth;
        jb->run = t == 0 ? run : NULL;
        jb->stop = &stop;
        jb->o = parleyx_calloc(a, m, sizeof(uint32_t));
        jb->tr = parleyx_calloc(a, m, sizeof(double));
        jb->nomem = !jb->o || !jb->tr;
    }
    bool started = false;
    pthread_t th;
    if (nth == 2 && !jobs[1].nomem)
        started = pthread_create(&th, NULL, theta_main, &jobs[1]) == 0;
    if (!jobs[0].nomem)
        theta_main(&jobs[0]);
    if (nth == 2 && !jobs[1].nomem) {
        if (started)
            pthread_join(th, NULL);
        else
            theta_main(&jobs[1]);
    }
    bool nomem = false;
    for (size_t t = 0; t < nth; t++) {
        nomem = nomem || jobs[t].nomem;
        parleyx_free(a, jobs[t].o, m * sizeof(uint32_t));
        parleyx_free(a, jobs[t].tr, m * sizeof(double));
    }
    if (nomem) {
        st = PARLEY_ERR_NOMEM;
        goto done;
    }
    if (atomic_load(&stop)) {
        st = parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "the analysis was cancelled");
        goto done;
    }
    size_t kept = 0;
    for (size_t k = 0; k < nR; k++)
        if (R[k].a != INFINITY)
            R[kept++] = R[k];
    nR = kept;
    {
        size_t big = nP > nR ? nP : nR;
        pair2 *tmp = parleyx_malloc(a, (big ? big : 1) * sizeof(pair2));
        size_t *cnt = parleyx_malloc(a, 65536 * sizeof(size_t));
        ranks = parleyx_malloc(a, (nR0 ? nR0 : 1) * sizeof(double));
        if (!tmp || !cnt || !ranks) {
            parleyx_free(a, tmp, (big ? big : 1) * sizeof(pair2));
            parleyx_free(a, cnt, 65536 * sizeof(size_t));
            st = PARLEY_ERR_NOMEM;
            goto done;
        }
        radix_pairs(P, tmp, nP, cnt);
        radix_pairs(R, tmp, nR, cnt);
        for (size_t k = 0; k < nR; k++)
            ranks[k] = R[k].b;
        radix_doubles(ranks, (double *)(void *)tmp, nR, cnt);
        parleyx_free(a, tmp, (big ? big : 1) * sizeof(pair2));
        parleyx_free(a, cnt, 65536 * sizeof(size_t));
    }
    size_t nu = 0;
    for (size_t k = 0; k < nR; k++)
        if (nu == 0 || ranks[nu - 1] != ranks[k])
            ranks[nu++] = ranks[k];
    nu_alloc = nu + 1;
    fen = parleyx_calloc(a, nu_alloc, sizeof(uint64_t));
    heap = parleyx_malloc(a, (size_t)nvl * sizeof(heap_ent));
    if (!fen || !heap) {
        st = PARLEY_ERR_NOMEM;
        goto done;
    }
    /* The prefixes in ascending s1, merged from the nvl streams
     * {P[i] + t(v)} (each ascending, rounded addition being monotone);
     * suffixes with theta1 <= s1 enter the tree, then the prefix counts
     * those with theta2 <= s2. */
    const double *tl = sp->tt[h - 1];
    size_t hn = 0;
    if (nP)
        for (uint32_t v = 0; v < nvl; v++) {
            heap[hn].key = P[0].a + tl[(size_t)v * d + sd[0]];
            heap[hn].v = v;
            heap[hn].i = 0;
            heap_up(heap, hn++);
        }
    an_count tot = {0, 0};
    size_t next = 0;
    uint64_t inside = 0, step = 0;
    while (hn) {
        heap_ent e = heap[0];
        double sa = e.key;
        double sb = ns > 1 ? P[e.i].b + tl[(size_t)e.v * d + sd[1]] : 0.0;
        if (e.i + 1 < nP) {
            heap[0].i = e.i + 1;
            heap[0].key = P[e.i + 1].a + tl[(size_t)e.v * d + sd[0]];
        } else {
            heap[0] = heap[--hn];
        }
        heap_down(heap, hn, 0);
        if ((++step & 0xfffff) == 0 &&
            !an_progress_tick(run, 0.9 + 0.1 * (double)step / nl, &last)) {
            st = parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "the analysis was cancelled");
            goto done;
        }
        while (next < nR && R[next].a <= sa) {
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
        size_t lo = 0, hi = nu; /* suffixes in the tree with theta2 <= s2 */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (ranks[mid] <= sb)
                lo = mid + 1;
            else
                hi = mid;
        }
        uint64_t cnt2 = 0;
        for (size_t x = lo; x > 0; x -= x & (~x + 1))
            cnt2 += fen[x];
        an_count add = {cnt2, 0};
        an_count_add(&tot, add);
    }
    an_count_mulc(tot, sp->freemult, out);
done:
    parleyx_free(a, P, nP * sizeof(pair2));
    parleyx_free(a, R, nR0 * sizeof(pair2));
    parleyx_free(a, ranks, (nR0 ? nR0 : 1) * sizeof(double));
    parleyx_free(a, fen, nu_alloc * sizeof(uint64_t));
    parleyx_free(a, heap, (size_t)nvl * sizeof(heap_ent));
    parleyx_free(a, o, m * sizeof(uint32_t));
    return st;
}
