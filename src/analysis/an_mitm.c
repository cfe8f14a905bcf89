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
#include <stdatomic.h>
#include <string.h>

/* The constrained dimensions' values side by side: a stored prefix's two
 * sums, or a suffix's two thresholds (the least prefix sums it accepts). */
typedef struct dim_pair {
    double first, second;
} dim_pair;

/* Sort keys: every value here is -inf or a non-negative double (prefix
 * sums of non-negative terms, thresholds >= 0), whose bit patterns are
 * ordered like the numbers; -inf goes first. */
static inline uint64_t key_of(double x)
{
    uint64_t b;
    if (x == -INFINITY)
        return 0;
    memcpy(&b, &x, sizeof b);
    return b + 1;
}

/* The radix key of an element: key_of its leading double.  The elements
 * sorted (dim_pair, double) are sorted by key_of, 16 bits a pass, four
 * passes, so the sorted data is back in place (parleyx_radix_sort). */
static inline uint64_t lead_key(const void *elem)
{
    double x;
    memcpy(&x, elem, sizeof x);
    return key_of(x);
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

/* The plan of a count: which dimensions bind, and where the issues split
 * into prefixes and suffixes. */
typedef struct mitm_plan {
    size_t ndims;        /* constrained dimensions: 1 or 2 */
    size_t dims[2];      /* their indices in the space */
    double need[2];      /* the threshold each must reach */
    double smax[2];      /* the largest prefix sum on each (an exact bound) */
    size_t split;        /* prefixes are issues [0, split), suffixes the rest */
    double nprefix;      /* prefixes, as a double (for progress) */
    size_t nstored;      /* stored prefixes: issues [0, split-1) */
    size_t nsuffix;      /* suffixes */
    uint32_t nlast;      /* values of issue split-1: the streams merged */
} mitm_plan;

/* Thresholds of suffixes k0..k1 (odometer order, last issue fastest)
 * into suffix[k]; a suffix no prefix can complete gets first = +inf. */
typedef struct theta_job {
    const an_space *sp;
    const mitm_plan *plan;
    dim_pair *suffix;
    size_t k0, k1;
    an_run *run;         /* progress (first job only) */
    atomic_int *stop;
    uint32_t *odometer;  /* m: the suffix's values (issues split..m-1) */
    double *terms;       /* m: the suffix's terms on one dimension */
    bool nomem;
} theta_job;

static void *theta_main(void *arg)
{
    theta_job *jb = arg;
    if (jb->nomem)
        return NULL;
    const an_space *sp = jb->sp;
    const mitm_plan *pl = jb->plan;
    size_t m = sp->m, d = sp->d, h = pl->split, n = m - h;
    uint32_t *o = jb->odometer;
    struct timespec last;
    clock_gettime(CLOCK_MONOTONIC, &last);
    /* the odometer at k0 */
    size_t rem = jb->k0;
    for (size_t i = m; i-- > h;) {
        o[i] = (uint32_t)(rem % sp->nv[i]);
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
                if (++o[i] < sp->nv[i])
                    break;
                o[i] = 0;
            }
        }
        double th[2] = {-INFINITY, -INFINITY};
        bool never = false;
        for (size_t q = 0; q < pl->ndims && !never; q++) {
            size_t j = pl->dims[q];
            for (size_t i = h; i < m; i++)
                jb->terms[i - h] = sp->terms[i][(size_t)o[i] * d + j];
            th[q] = theta(jb->terms, n, pl->need[q], pl->smax[q]);
            if (th[q] == INFINITY)
                never = true;
        }
        jb->suffix[k].first = never ? INFINITY : th[0];
        jb->suffix[k].second = th[1];
    }
    return NULL;
}

/* The dimensions whose thresholds the smallest utility does not already
 * meet: at most two, else UNSUPPORTED.  *nothing when a threshold is
 * above 1 (no outcome reaches it); pl->ndims == 0 when all are met. */
static parley_status mitm_pick_dims(const an_space *sp, const an_cons *c, mitm_plan *pl,
                                    bool *nothing)
{
    size_t m = sp->m, d = sp->d;
    pl->ndims = 0;
    pl->need[0] = pl->need[1] = -INFINITY;
    for (size_t q = 0; q < c->nth; q++) {
        size_t j = c->thdim[q];
        double v = c->thval[q], lo = 0.0;
        for (size_t i = 0; i < m; i++)
            lo += sp->tmin[i * d + j];
        if ((lo < 1.0 ? lo : 1.0) >= v)
            continue; /* always met */
        if (v > 1.0) {
            *nothing = true; /* u <= 1 < v */
            return PARLEY_OK;
        }
        size_t k = 0;
        while (k < pl->ndims && pl->dims[k] != j)
            k++;
        if (k == pl->ndims) {
            if (pl->ndims == 2)
                return PARLEY_ERR_UNSUPPORTED;
            pl->dims[pl->ndims++] = j;
        }
        if (v > pl->need[k])
            pl->need[k] = v;
    }
    return PARLEY_OK;
}

/* Split at h: prefixes are issues [0, h), suffixes [h, m); the prefix
 * side about the square root of the space, the suffix side at most that.
 * Prefixes are not stored: those of [0, h-1) are (nstored of them), and
 * the last prefix issue's nlast streams are merged.  UNSUPPORTED when a
 * term of a constrained dimension is negative or not finite, LIMIT when a
 * side would pass max_side. */
static parley_status mitm_split(const an_space *sp, uint64_t max_side, mitm_plan *pl)
{
    size_t m = sp->m, d = sp->d;
    for (size_t i = 0; i < m; i++)
        for (size_t k = 0; k < pl->ndims; k++)
            if (sp->tmin[i * d + pl->dims[k]] < 0.0 || !isfinite(sp->tmax[i * d + pl->dims[k]]))
                return PARLEY_ERR_UNSUPPORTED;
    double total = 1.0;
    for (size_t i = 0; i < m; i++)
        total *= sp->nv[i];
    double half = sqrt(total);
    size_t h = 0;
    double nprefix = 1.0;
    while (h < m - 1 && nprefix < half) {
        nprefix *= sp->nv[h];
        h++;
    }
    if (h == 0) {
        h = 1;
        nprefix = sp->nv[0];
    }
    double nsuffix = total / nprefix;
    double nstored = nprefix / sp->nv[h - 1];
    if (nsuffix > (double)max_side || nstored > (double)max_side || nprefix > 6.4e10)
        return PARLEY_ERR_LIMIT;
    pl->split = h;
    pl->nprefix = nprefix;
    pl->nstored = (size_t)(nstored + 0.5);
    pl->nsuffix = (size_t)(nsuffix + 0.5);
    pl->nlast = sp->nv[h - 1];
    for (size_t k = 0; k < pl->ndims; k++) {
        double v = 0.0;
        for (size_t i = 0; i < h; i++)
            v += sp->tmax[i * d + pl->dims[k]];
        pl->smax[k] = v;
    }
    return PARLEY_OK;
}

/* The stored prefixes' sums: issues [0, split-1), odometer order
 * (odometer: m zeroed values, used up). */
static void mitm_store_prefixes(const an_space *sp, const mitm_plan *pl, dim_pair *prefix,
                                uint32_t *odometer)
{
    size_t d = sp->d, h = pl->split;
    for (size_t k = 0; k < pl->nstored; k++) {
        if (k) {
            size_t i = h - 1;
            while (i-- > 0) {
                if (++odometer[i] < sp->nv[i])
                    break;
                odometer[i] = 0;
            }
        }
        double sum[2] = {0.0, 0.0};
        for (size_t i = 0; i + 1 < h; i++)
            for (size_t q = 0; q < pl->ndims; q++)
                sum[q] += sp->terms[i][(size_t)odometer[i] * d + pl->dims[q]];
        prefix[k].first = sum[0];
        prefix[k].second = pl->ndims > 1 ? sum[1] : 0.0;
    }
}

/* Every suffix's thresholds, in two halves on two threads (results do not
 * depend on it: each suffix is computed alone).  NOMEM, or LIMIT with err
 * set when cancelled. */
static parley_status mitm_thresholds(an_run *run, const mitm_plan *pl, dim_pair *suffix,
                                     parley_error *err)
{
    const an_space *sp = run->sp;
    const parley_allocator *a = sp->alloc;
    size_t m = sp->m, nsuffix = pl->nsuffix;
    theta_job jobs[2];
    size_t njobs = run->opt->threads == 1 || nsuffix < 4096 ? 1 : 2;
    atomic_int stop;
    atomic_init(&stop, 0);
    for (size_t t = 0; t < njobs; t++) {
        theta_job *jb = &jobs[t];
        jb->sp = sp;
        jb->plan = pl;
        jb->suffix = suffix;
        jb->k0 = nsuffix * t / njobs;
        jb->k1 = nsuffix * (t + 1) / njobs;
        jb->run = t == 0 ? run : NULL;
        jb->stop = &stop;
        jb->odometer = parleyx_calloc(a, m, sizeof(uint32_t));
        jb->terms = parleyx_calloc(a, m, sizeof(double));
        jb->nomem = !jb->odometer || !jb->terms;
    }
    parleyx_run_jobs(theta_main, jobs, sizeof(theta_job), (unsigned)njobs);
    bool nomem = false;
    for (size_t t = 0; t < njobs; t++) {
        nomem = nomem || jobs[t].nomem;
        parleyx_free(a, jobs[t].odometer, m * sizeof(uint32_t));
        parleyx_free(a, jobs[t].terms, m * sizeof(double));
    }
    if (nomem)
        return PARLEY_ERR_NOMEM;
    if (atomic_load(&stop))
        return an_stop_fail(run, err);
    return PARLEY_OK;
}

/* Sort the stored prefixes and the nkept suffixes by their first value,
 * and the suffixes' second thresholds into *ranks (a block of
 * max(1, nsuffix) doubles, the caller's to free even on failure). */
static parley_status mitm_sort(const parley_allocator *a, const mitm_plan *pl, dim_pair *prefix,
                               dim_pair *suffix, size_t nkept, double **ranks)
{
    size_t nstored = pl->nstored, nsuffix = pl->nsuffix;
    size_t big = nstored > nkept ? nstored : nkept;
    dim_pair *tmp = parleyx_malloc(a, (big ? big : 1) * sizeof(dim_pair));
    size_t *cnt = parleyx_malloc(a, 65536 * sizeof(size_t));
    *ranks = parleyx_malloc(a, (nsuffix ? nsuffix : 1) * sizeof(double));
    parley_status st = PARLEY_ERR_NOMEM;
    if (tmp && cnt && *ranks) {
        parleyx_radix_sort(prefix, tmp, nstored, sizeof(dim_pair), lead_key, 16, 4, cnt);
        parleyx_radix_sort(suffix, tmp, nkept, sizeof(dim_pair), lead_key, 16, 4, cnt);
        for (size_t k = 0; k < nkept; k++)
            (*ranks)[k] = suffix[k].second;
        parleyx_radix_sort(*ranks, tmp, nkept, sizeof(double), lead_key, 16, 4, cnt);
        st = PARLEY_OK;
    }
    parleyx_free(a, tmp, (big ? big : 1) * sizeof(dim_pair));
    parleyx_free(a, cnt, 65536 * sizeof(size_t));
    return st;
}

/* How many of the sorted ranks[0..n) are < x: the rank of x. */
static inline size_t rank_lower(const double *ranks, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ranks[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* How many of the sorted ranks[0..n) are <= x. */
static inline size_t rank_upper(const double *ranks, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ranks[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The sweep: the prefixes in ascending first sum, merged from the nlast
 * streams {prefix[i] + t(v)} (each ascending, rounded addition being
 * monotone); suffixes whose first threshold is at most that sum enter a
 * Fenwick tree over the ranks of their second thresholds, then the prefix
 * counts those whose second threshold is at most its second sum.
 * fenwick: nranks + 1 zeroed counters; heap: nlast entries.  LIMIT with
 * err set when cancelled. */
static parley_status mitm_sweep(an_run *run, const mitm_plan *pl, const dim_pair *prefix,
                                const dim_pair *suffix, size_t nkept, const double *ranks,
                                size_t nranks, uint64_t *fenwick, heap_ent *heap,
                                struct timespec *last, an_count *total, parley_error *err)
{
    const an_space *sp = run->sp;
    size_t d = sp->d, nstored = pl->nstored;
    size_t dim1 = pl->dims[0], dim2 = pl->dims[1];
    bool two = pl->ndims > 1;
    const double *last_terms = sp->terms[pl->split - 1];
    size_t heap_len = 0;
    if (nstored)
        for (uint32_t v = 0; v < pl->nlast; v++) {
            heap[heap_len].key = prefix[0].first + last_terms[(size_t)v * d + dim1];
            heap[heap_len].v = v;
            heap[heap_len].i = 0;
            heap_up(heap, heap_len++);
        }
    size_t next = 0;
    uint64_t inside = 0, step = 0;
    while (heap_len) {
        heap_ent top = heap[0];
        double sum1 = top.key;
        double sum2 = two ? prefix[top.i].second + last_terms[(size_t)top.v * d + dim2] : 0.0;
        if (top.i + 1 < nstored) {
            heap[0].i = top.i + 1;
            heap[0].key = prefix[top.i + 1].first + last_terms[(size_t)top.v * d + dim1];
        } else {
            heap[0] = heap[--heap_len];
        }
        heap_down(heap, heap_len, 0);
        if ((++step & 0xfffff) == 0 &&
            !an_progress_tick(run, 0.9 + 0.1 * (double)step / pl->nprefix, last))
            return an_stop_fail(run, err);
        while (next < nkept && suffix[next].first <= sum1) {
            size_t rank = rank_lower(ranks, nranks, suffix[next].second);
            for (size_t x = rank + 1; x <= nranks; x += x & (~x + 1))
                fenwick[x]++;
            inside++;
            next++;
        }
        if (!inside)
            continue;
        uint64_t below = 0; /* suffixes in the tree with second threshold <= sum2 */
        for (size_t x = rank_upper(ranks, nranks, sum2); x > 0; x -= x & (~x + 1))
            below += fenwick[x];
        an_count add = {below, 0, 0};
        an_count_add(total, add);
    }
    return PARLEY_OK;
}

parley_status an_mitm_count2(an_run *run, const an_cons *c, uint64_t max_side, an_count *out,
                             parley_error *err)
{
    const an_space *sp = run->sp;
    const parley_allocator *a = sp->alloc;
    struct timespec last;
    clock_gettime(CLOCK_MONOTONIC, &last);
    size_t m = sp->m;
    out->lo = out->hi = out->top = 0;
    if (c->nrules || m < 2)
        return PARLEY_ERR_UNSUPPORTED;
    if (c->infeasible)
        return PARLEY_OK;
    mitm_plan pl;
    memset(&pl, 0, sizeof pl);
    bool nothing = false;
    parley_status st = mitm_pick_dims(sp, c, &pl, &nothing);
    if (st != PARLEY_OK || nothing)
        return st;
    if (pl.ndims == 0) {
        *out = sp->total;
        return PARLEY_OK;
    }
    st = mitm_split(sp, max_side, &pl);
    if (st != PARLEY_OK)
        return st;

    size_t nstored = pl.nstored, nsuffix = pl.nsuffix;
    dim_pair *prefix = parleyx_malloc(a, nstored * sizeof(dim_pair));
    dim_pair *suffix = parleyx_malloc(a, nsuffix * sizeof(dim_pair));
    uint32_t *odometer = parleyx_calloc(a, m, sizeof(uint32_t));
    double *ranks = NULL;
    uint64_t *fenwick = NULL;
    size_t nfenwick = 0;
    heap_ent *heap = NULL;
    if (!prefix || !suffix || !odometer) {
        st = PARLEY_ERR_NOMEM;
        goto done;
    }
    mitm_store_prefixes(sp, &pl, prefix, odometer);
    st = mitm_thresholds(run, &pl, suffix, err);
    if (st != PARLEY_OK)
        goto done;
    size_t nkept = 0; /* the suffixes some prefix completes */
    for (size_t k = 0; k < nsuffix; k++)
        if (suffix[k].first != INFINITY)
            suffix[nkept++] = suffix[k];
    st = mitm_sort(a, &pl, prefix, suffix, nkept, &ranks);
    if (st != PARLEY_OK)
        goto done;
    size_t nranks = 0; /* distinct second thresholds */
    for (size_t k = 0; k < nkept; k++)
        if (nranks == 0 || ranks[nranks - 1] != ranks[k])
            ranks[nranks++] = ranks[k];
    nfenwick = nranks + 1;
    fenwick = parleyx_calloc(a, nfenwick, sizeof(uint64_t));
    heap = parleyx_malloc(a, (size_t)pl.nlast * sizeof(heap_ent));
    if (!fenwick || !heap) {
        st = PARLEY_ERR_NOMEM;
        goto done;
    }
    an_count total = {0, 0, 0};
    st = mitm_sweep(run, &pl, prefix, suffix, nkept, ranks, nranks, fenwick, heap, &last, &total,
                    err);
    if (st == PARLEY_OK)
        an_count_mulc(total, sp->freemult, out);
done:
    parleyx_free(a, prefix, nstored * sizeof(dim_pair));
    parleyx_free(a, suffix, nsuffix * sizeof(dim_pair));
    parleyx_free(a, ranks, (nsuffix ? nsuffix : 1) * sizeof(double));
    parleyx_free(a, fenwick, nfenwick * sizeof(uint64_t));
    parleyx_free(a, heap, (size_t)pl.nlast * sizeof(heap_ent));
    parleyx_free(a, odometer, m * sizeof(uint32_t));
    return st;
}
