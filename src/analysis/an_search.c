/*
 * an_search.c -- the exact engines of the analysis: frontier archives,
 * issue-wise frontier merging, and a parallel branch and bound over the
 * outcome tree.
 *
 * The outcome tree.  Level k of the tree fixes issue order[k] (the
 * space's branching order: issues of conflict and of large utility range
 * first, so that bounds bite early), values ascending.  At each node the
 * bounds of every completion are the fold, in issue order (never in
 * branching order), of the assigned terms and of the unassigned issues'
 * largest (smallest) terms: exact bounds (an.h), whatever the branching
 * order.  A node is cut when
 *  - a threshold u_j >= r_j fails even at the upper bound, or a red line
 *    fails for every completion (rule_eval_partial() == 0);
 *  - (frontier passes) its upper-bound vector is strictly dominated by a
 *    point already in the archive -- then every completion is strictly
 *    dominated too, since a completion's vector is <= the bound;
 *  - (count passes) every completion is acceptable: the subtree's size is
 *    added at once; or (with run->count_cut) the separable bound of that
 *    objective is below its init, which every outcome counted reaches
 *    (an_lp.c): none is there;
 *  - (BEST passes) the objective's bound is below the best found, or the
 *    incumbent given (an_obj.init).
 * No cut can drop an outcome whose vector is on the frontier, and archive
 * points are vectors of real outcomes, so the archive ends up holding
 * exactly the frontier with exact counts; each point keeps the
 * lexicographically smallest outcome met (compared, not assumed from the
 * visiting order).
 *
 * Interaction terms (an.h).  When a party has them, the bounds of its
 * utility at a node are an_finish() of the linear fold's bounds and of the
 * term-wise bounds of its interaction sum; each term's status (sure,
 * violated, open) is kept per worker and re-evaluated only for the terms
 * that name the issue just (un)assigned.  A node whose bounds are equal in
 * every dimension, with every constraint sure, is a subtree of one utility
 * vector: a frontier pass offers it once with the subtree's size (its
 * smallest outcome is the prefix with the other issues at 0), as a count
 * pass adds it.
 *
 * Soft stops (run->soft: interaction terms).  A frontier pass runs its
 * tasks in batches of 1, 2, 4... tasks; each task starts from a template
 * (the pass's starting points and the frontier of the earlier batches'
 * tasks, counts 0) and may look at an even share of the work limit, and,
 * once half of a time limit is gone, of the time left.  A task past its share, or every
 * task at the deadline, stops where it is and records the upper-bound
 * vectors of what it leaves (record_open); the pass then ends over what it
 * looked at and says so (run->cut).  Under a work limit the answer depends
 * neither on the threads nor on the schedule.
 *
 * Seeds.  When an_merge_frontier() has already found the exact frontier
 * point set, the search starts with it (counts 0): pruning is then as
 * strong as it can be from the first node, and leaves only look up their
 * vector.
 *
 * Threads.  The tree is cut at the first depth with at least AN_TASKS
 * prefixes; workers take prefixes in increasing order from a shared
 * counter, each with its own archive (a copy of the seed).  Each worker's
 * archive is the exact frontier of the outcomes it saw, with exact counts,
 * so their union, normalised (equal points merged, counts added, smallest
 * outcome kept, dominated points dropped), is the exact frontier: the
 * result does not depend on the thread count or the schedule.
 *
 * Work limit: workers add their node counts to a shared total every 4096
 * nodes and stop when it passes the limit; the caller's thread (worker 0)
 * also reports progress and honours a cancel from the progress callback.
 */
#include "analysis/an.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AN_TASKS 512u

/* ------------------------------------------------------------ counts */

static void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *lo = (mid << 32) | (p00 & 0xffffffffu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

bool an_count_mul(an_count a, uint64_t b, an_count *r)
{
    uint64_t h0, l0, h1, l1, h2, l2;
    mul64(a.lo, b, &h0, &l0);
    mul64(a.hi, b, &h1, &l1);
    mul64(a.top, b, &h2, &l2);
    if (h2)
        return false;
    uint64_t hi = h0 + l1;
    uint64_t c = hi < h0;
    uint64_t top = h1 + l2;
    if (top < h1)
        return false;
    top += c;
    if (top < c)
        return false;
    r->lo = l0;
    r->hi = hi;
    r->top = top;
    return true;
}

/* *r = a + b; false when the sum passes 2^192. */
static bool count_add_ovf(an_count a, an_count b, an_count *r)
{
    an_count s = a;
    an_count_add(&s, b);
    /* the top limb wrapped iff it is now below an addend's top (with a
     * carry in, at most equal to it) */
    if (s.top < a.top || s.top < b.top || (a.top + b.top < a.top))
        return false;
    *r = s;
    return true;
}

bool an_count_mulc(an_count a, an_count b, an_count *r)
{
    an_count x, t;
    if (!an_count_mul(a, b.lo, &x))
        return false;
    if (b.hi) { /* a * b.hi * 2^64 */
        if (!an_count_mul(a, b.hi, &t) || t.top)
            return false;
        an_count sh = {0, t.lo, t.hi};
        if (!count_add_ovf(x, sh, &x))
            return false;
    }
    if (b.top) { /* a * b.top * 2^128 */
        if (!an_count_mul(a, b.top, &t) || t.top || t.hi)
            return false;
        an_count sh = {0, 0, t.lo};
        if (!count_add_ovf(x, sh, &x))
            return false;
    }
    *r = x;
    return true;
}

void an_count_text(an_count c, char *buf, size_t n)
{
    char tmp[72];
    size_t len = 0;
    uint32_t limb[6] = {(uint32_t)c.lo,  (uint32_t)(c.lo >> 32),  (uint32_t)c.hi,
                        (uint32_t)(c.hi >> 32), (uint32_t)c.top, (uint32_t)(c.top >> 32)};
    do {
        uint64_t rem = 0;
        bool nz = false;
        for (int i = 5; i >= 0; i--) {
            uint64_t cur = (rem << 32) | limb[i];
            limb[i] = (uint32_t)(cur / 10);
            rem = cur % 10;
            if (limb[i])
                nz = true;
        }
        tmp[len++] = (char)('0' + rem);
        if (!nz)
            break;
    } while (len < sizeof tmp);
    if (n == 0)
        return;
    size_t k = 0;
    while (len > 0 && k + 1 < n)
        buf[k++] = tmp[--len];
    buf[k] = '\0';
}

/* ---------------------------------------------------------- archives */

void an_arch_init(an_arch *a, const parley_allocator *alloc, size_t d, size_t m, size_t limit)
{
    memset(a, 0, sizeof *a);
    a->alloc = alloc;
    a->d = d;
    a->m = m;
    a->limit = limit;
}

#define AN_BLOCK 16

/* The block maxima describe the points as they are: any change drops them. */
static void arch_blocks_drop(an_arch *a)
{
    parleyx_free(a->alloc, a->bmax, a->nblocks * a->d * sizeof(double));
    a->bmax = NULL;
    a->nblocks = 0;
}

void an_arch_clear(an_arch *a)
{
    arch_blocks_drop(a);
    a->n = 0;
    a->hint = 0;
    a->unsorted = false;
}

void an_arch_free(an_arch *a)
{
    if (!a)
        return;
    arch_blocks_drop(a);
    parleyx_free(a->alloc, a->u, a->cap_u * a->d * sizeof(double));
    parleyx_free(a->alloc, a->cnt, a->cap_cnt * sizeof(an_count));
    parleyx_free(a->alloc, a->rep, a->cap_rep * a->m * sizeof(uint32_t));
    a->u = NULL;
    a->cnt = NULL;
    a->rep = NULL;
    a->n = a->cap = a->cap_u = a->cap_cnt = a->cap_rep = 0;
}

/* Room for `need` points: the three arrays grow one after another by the
 * one doubling rule (parleyx_grow, 64 points first), each keeping its own
 * capacity, so a failure leaves the points as they were (an array may
 * have grown: a->cap is the room all three have). */
static bool arch_reserve(an_arch *a, size_t need)
{
    if (need <= a->cap)
        return true;
    if (need > a->limit) {
        a->overflow = true;
        return false;
    }
    double *u = parleyx_grow(a->alloc, a->u, a->d * sizeof(double), &a->cap_u, need, 64);
    if (!u)
        return false;
    a->u = u;
    an_count *c = parleyx_grow(a->alloc, a->cnt, sizeof(an_count), &a->cap_cnt, need, 64);
    if (!c)
        return false;
    a->cnt = c;
    size_t cap = a->cap_u < a->cap_cnt ? a->cap_u : a->cap_cnt;
    if (a->m) {
        uint32_t *r =
            parleyx_grow(a->alloc, a->rep, a->m * sizeof(uint32_t), &a->cap_rep, need, 64);
        if (!r)
            return false;
        a->rep = r;
        cap = cap < a->cap_rep ? cap : a->cap_rep;
    }
    a->cap = cap;
    return true;
}

/* Lexicographic comparison of the first n utilities of two vectors:
 * < 0, 0, > 0. */
static inline int lex_cmp(const double *a, const double *b, size_t n)
{
    for (size_t j = 0; j < n; j++)
        if (a[j] != b[j])
            return a[j] < b[j] ? -1 : 1;
    return 0;
}

/* The archive is kept in ascending lexicographic order of the utility
 * vectors (unless a->unsorted: points pushed out of it), as
 * an_arch_normalize leaves it, so a point is found by binary search.
 * First index whose vector (stride utilities apart: a->d, or a constant 2
 * from the two-dimensional paths) has its first `keys` utilities not
 * lexicographically below x's.  keys == 1: the first index whose first
 * utility is at least x[0] -- only such points can dominate x. */
static inline size_t arch_lower_bound(const an_arch *a, const double *x, size_t stride,
                                      size_t keys)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lex_cmp(a->u + mid * stride, x, keys) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool an_arch_push(an_arch *a, const double *u, an_count c, const uint32_t *rep)
{
    if (!arch_reserve(a, a->n + 1))
        return false;
    arch_blocks_drop(a);
    if (a->n && lex_cmp(u, a->u + (a->n - 1) * a->d, a->d) < 0)
        a->unsorted = true;
    memcpy(a->u + a->n * a->d, u, a->d * sizeof(double));
    a->cnt[a->n] = c;
    if (a->m) {
        if (rep)
            memcpy(a->rep + a->n * a->m, rep, a->m * sizeof(uint32_t));
        else
            memset(a->rep + a->n * a->m, 0xff, a->m * sizeof(uint32_t));
    }
    a->n++;
    return true;
}

bool an_arch_copy(an_arch *dst, const an_arch *src)
{
    an_arch_init(dst, src->alloc, src->d, src->m, src->limit);
    dst->seeded = src->seeded;
    dst->unsorted = src->unsorted;
    if (!arch_reserve(dst, src->n ? src->n : 1)) {
        an_arch_free(dst); /* (an array may have grown) */
        return false;
    }
    if (src->n) { /* an empty archive may have no arrays at all */
        memcpy(dst->u, src->u, src->n * src->d * sizeof(double));
        memcpy(dst->cnt, src->cnt, src->n * sizeof(an_count));
        if (src->m)
            memcpy(dst->rep, src->rep, src->n * src->m * sizeof(uint32_t));
    }
    dst->n = src->n;
    return true;
}

/* Lexicographic comparison of outcomes (value indices, issue 0 first). */
static int outcome_cmp(const uint32_t *a, const uint32_t *b, size_t m)
{
    for (size_t i = 0; i < m; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static void arch_take_rep(an_arch *a, size_t i, const uint32_t *o)
{
    uint32_t *r = a->rep + i * a->m;
    if (a->m && outcome_cmp(o, r, a->m) < 0)
        memcpy(r, o, a->m * sizeof(uint32_t));
}

/* Does f strictly dominate x (d dimensions)? */
static bool point_dominates(const double *f, const double *x, size_t d)
{
    bool gt = false;
    for (size_t j = 0; j < d; j++) {
        if (f[j] < x[j])
            return false;
        if (f[j] > x[j])
            gt = true;
    }
    return gt;
}

static void arch_blocks_make(an_arch *a)
{
    size_t d = a->d, nb = (a->n + AN_BLOCK - 1) / AN_BLOCK;
    double *mx = parleyx_malloc(a->alloc, nb * d * sizeof(double));
    if (!mx)
        return;
    for (size_t b = 0; b < nb; b++) {
        double *m = mx + b * d;
        size_t hi = (b + 1) * AN_BLOCK < a->n ? (b + 1) * AN_BLOCK : a->n;
        memcpy(m, a->u + b * AN_BLOCK * d, d * sizeof(double));
        for (size_t i = b * AN_BLOCK + 1; i < hi; i++)
            for (size_t j = 0; j < d; j++)
                if (a->u[i * d + j] > m[j])
                    m[j] = a->u[i * d + j];
    }
    a->bmax = mx;
    a->nblocks = nb;
}

/* Does a point of the archive strictly dominate x?  Beyond two dimensions
 * the archive is scanned, starting with the point that answered last
 * (a->hint): the search asks about neighbouring boxes one after another,
 * and the same point usually dominates them all.  The answer does not
 * depend on the hint. */
static bool arch_dominates(an_arch *a, const double *x)
{
    size_t d = a->d;
    if (d == 2) {
        size_t i = arch_lower_bound(a, x, 2, 1);
        if (i == a->n)
            return false;
        double f2 = a->u[i * 2 + 1];
        if (f2 > x[1])
            return true;
        return f2 == x[1] && a->u[i * 2] > x[0];
    }
    if (a->hint < a->n && point_dominates(a->u + a->hint * d, x, d))
        return true;
    /* only points with u[0] >= x[0] can dominate x */
    size_t start = a->unsorted ? 0 : arch_lower_bound(a, x, d, 1);
    /* a seeded archive never changes: blocks of AN_BLOCK points with their
     * componentwise maximum let a query skip every block that cannot
     * hold a point >= x (made once; without memory, the plain scan) */
    if (a->seeded && !a->bmax && a->n > 4 * AN_BLOCK)
        arch_blocks_make(a);
    if (a->bmax) {
        for (size_t b = start / AN_BLOCK; b < a->nblocks; b++) {
            const double *mx = a->bmax + b * d;
            size_t j = 0;
            while (j < d && mx[j] >= x[j])
                j++;
            if (j < d)
                continue;
            size_t lo = b * AN_BLOCK > start ? b * AN_BLOCK : start;
            size_t hi = (b + 1) * AN_BLOCK < a->n ? (b + 1) * AN_BLOCK : a->n;
            a->scans += hi - lo + 1;
            for (size_t i = lo; i < hi; i++)
                if (point_dominates(a->u + i * d, x, d)) {
                    a->hint = i;
                    return true;
                }
        }
        return false;
    }
    for (size_t i = start; i < a->n; i++)
        if (point_dominates(a->u + i * d, x, d)) {
            a->scans += i - start + 1;
            a->hint = i;
            return true;
        }
    a->scans += a->n - start;
    return false;
}

/* Index of the point equal to x, or (size_t)-1. */
static size_t arch_find(const an_arch *a, const double *x)
{
    size_t d = a->d;
    if (d == 2) {
        size_t i = arch_lower_bound(a, x, 2, 1);
        if (i < a->n && a->u[i * 2] == x[0] && a->u[i * 2 + 1] == x[1])
            return i;
        return (size_t)-1;
    }
    if (d == 1) {
        for (size_t i = 0; i < a->n; i++)
            if (a->u[i] == x[0])
                return i;
        return (size_t)-1;
    }
    if (!a->unsorted) {
        size_t i = arch_lower_bound(a, x, d, d);
        return i < a->n && lex_cmp(a->u + i * d, x, d) == 0 ? i : (size_t)-1;
    }
    for (size_t i = 0; i < a->n; i++) {
        const double *f = a->u + i * d;
        size_t j = 0;
        while (j < d && f[j] == x[j])
            j++;
        if (j == d)
            return i;
    }
    return (size_t)-1;
}

static void arch_move(an_arch *a, size_t dst, size_t src, size_t cnt)
{
    if (!cnt || dst == src)
        return;
    arch_blocks_drop(a);
    memmove(a->u + dst * a->d, a->u + src * a->d, cnt * a->d * sizeof(double));
    memmove(a->cnt + dst, a->cnt + src, cnt * sizeof(an_count));
    if (a->m)
        memmove(a->rep + dst * a->m, a->rep + src * a->m, cnt * a->m * sizeof(uint32_t));
}

static void arch_set(an_arch *a, size_t i, const double *x, const uint32_t *o, an_count c)
{
    arch_blocks_drop(a);
    memcpy(a->u + i * a->d, x, a->d * sizeof(double));
    a->cnt[i] = c;
    if (a->m)
        memcpy(a->rep + i * a->m, o, a->m * sizeof(uint32_t));
}

/* c outcomes with vector x, the smallest of them o (a leaf: c = 1).
 * false on memory/limit. */
static bool arch_offer(an_arch *a, const double *x, const uint32_t *o, an_count c)
{
    size_t i = arch_find(a, x);
    if (i != (size_t)-1) {
        an_count_add(&a->cnt[i], c);
        arch_take_rep(a, i, o);
        return true;
    }
    if (a->seeded || arch_dominates(a, x))
        return true;
    size_t d = a->d;
    if (d == 2) {
        size_t pos = arch_lower_bound(a, x, 2, 1);
        size_t e = pos;
        if (e < a->n && a->u[e * 2] == x[0])
            e++; /* same u1, lower u2: dominated by x */
        size_t s = pos;
        while (s > 0 && a->u[(s - 1) * 2 + 1] <= x[1])
            s--;
        if (e - s == 0) {
            if (!arch_reserve(a, a->n + 1))
                return false;
            arch_move(a, s + 1, s, a->n - s);
            a->n++;
        } else if (e - s > 1) {
            arch_move(a, s + 1, e, a->n - e);
            a->n -= e - s - 1;
        }
        arch_set(a, s, x, o, c);
        return true;
    }
    /* General: drop the points x dominates, append x. */
    a->scans += a->n;
    size_t k = 0;
    for (size_t i2 = 0; i2 < a->n; i2++) {
        const double *f = a->u + i2 * d;
        bool le = true;
        for (size_t j = 0; j < d; j++)
            if (f[j] > x[j]) {
                le = false;
                break;
            }
        if (le)
            continue; /* f <= x and f != x: strictly dominated */
        if (k != i2)
            arch_move(a, k, i2, 1);
        k++;
    }
    a->n = k;
    if (!arch_reserve(a, a->n + 1))
        return false;
    /* in ascending lexicographic order */
    size_t at = a->unsorted ? a->n : arch_lower_bound(a, x, d, d);
    arch_move(a, at + 1, at, a->n - at);
    arch_set(a, at, x, o, c);
    a->n++;
    a->hint = 0;
    return true;
}

typedef struct an_ref {
    const double *u;
    size_t d;
    size_t i;
} an_ref;

/* Descending lexicographic order of the utility vectors. */
static int ref_cmp_desc(const void *pa, const void *pb)
{
    const an_ref *a = pa, *b = pb;
    for (size_t j = 0; j < a->d; j++) {
        if (a->u[j] != b->u[j])
            return a->u[j] > b->u[j] ? -1 : 1;
    }
    return a->i < b->i ? -1 : (a->i > b->i);
}

bool an_arch_normalize(an_arch *a)
{
    return an_arch_normalize_run(a, NULL, 0, 0, NULL);
}

bool an_arch_normalize_run(an_arch *a, an_run *run, double f0, double f1, struct timespec *last)
{
    size_t n = a->n, d = a->d, m = a->m;
    if (n == 0)
        return true;
    an_ref *r = parleyx_malloc(a->alloc, n * sizeof(an_ref));
    if (!r)
        return false;
    for (size_t i = 0; i < n; i++) {
        r[i].u = a->u + i * d;
        r[i].d = d;
        r[i].i = i;
    }
    if (run && an_past(run->deadline)) { /* before the sort, which takes a while */
        run->stopped = true;
        parleyx_free(a->alloc, r, n * sizeof(an_ref));
        return false;
    }
    qsort(r, n, sizeof(an_ref), ref_cmp_desc);
    an_arch out;
    an_arch_init(&out, a->alloc, d, m, a->limit > n ? a->limit : n);
    bool ok = true;
    double best2 = 0;
    uint64_t scans = 0; /* three or more dimensions: charged to run->work */
    for (size_t k = 0; k < n && ok; k++) {
        size_t i = r[k].i;
        const double *x = a->u + i * d;
        if (run && (k & 1023) == 0) { /* the filter may take seconds in many dimensions */
            run->work += scans / AN_SCANS_PER_UNIT;
            scans %= AN_SCANS_PER_UNIT;
            if (run->work > run->opt->max_work ||
                !an_progress_tick(run, f0 + (f1 - f0) * (double)k / (double)n, last)) {
                ok = false;
                break;
            }
        }
        /* equal to the last kept point: merge */
        if (out.n) {
            const double *l = out.u + (out.n - 1) * d;
            size_t j = 0;
            while (j < d && l[j] == x[j])
                j++;
            if (j == d) {
                an_count_add(&out.cnt[out.n - 1], a->cnt[i]);
                if (m)
                    arch_take_rep(&out, out.n - 1, a->rep + i * m);
                continue;
            }
        }
        bool dom;
        if (d == 1)
            dom = out.n > 0;
        else if (d == 2)
            dom = out.n > 0 && x[1] <= best2;
        else {
            dom = false;
            for (size_t q = 0; q < out.n && !dom; q++) {
                const double *f = out.u + q * d;
                scans++;
                bool ge = true;
                for (size_t j = 0; j < d; j++)
                    if (f[j] < x[j]) {
                        ge = false;
                        break;
                    }
                dom = ge; /* f != x (merged above), f >= x */
            }
        }
        if (dom)
            continue;
        ok = an_arch_push(&out, x, a->cnt[i], m ? a->rep + i * m : NULL);
        if (d == 2)
            best2 = x[1];
    }
    parleyx_free(a->alloc, r, n * sizeof(an_ref));
    if (!ok) {
        an_arch_free(&out);
        return false;
    }
    /* ascending order */
    for (size_t i = 0, j = out.n ? out.n - 1 : 0; i < j; i++, j--) {
        for (size_t q = 0; q < d; q++) {
            double t = out.u[i * d + q];
            out.u[i * d + q] = out.u[j * d + q];
            out.u[j * d + q] = t;
        }
        an_count t = out.cnt[i];
        out.cnt[i] = out.cnt[j];
        out.cnt[j] = t;
        for (size_t q = 0; q < m; q++) {
            uint32_t t2 = out.rep[i * m + q];
            out.rep[i * m + q] = out.rep[j * m + q];
            out.rep[j * m + q] = t2;
        }
    }
    out.seeded = a->seeded;
    out.limit = a->limit;
    out.unsorted = false; /* ascending now */
    an_arch_free(a);
    *a = out;
    return true;
}

/* ------------------------------------------------- issue-wise merging */

parley_status an_merge_frontier(an_run *run, size_t limit, an_arch *seed)
{
    const an_space *sp = run->sp;
    size_t d = sp->d;
    struct timespec last = {0, 0};
    an_arch cur;
    an_arch_init(&cur, sp->alloc, d, 0, (size_t)-1);
    double *zero = parleyx_calloc(sp->alloc, d, sizeof(double));
    an_count none = {0, 0, 0};
    if (!zero || !an_arch_push(&cur, zero, none, NULL)) {
        parleyx_free(sp->alloc, zero, d * sizeof(double));
        an_arch_free(&cur);
        return PARLEY_ERR_NOMEM;
    }
    parley_status st = PARLEY_OK;
    for (size_t i = 0; i < sp->m && st == PARLEY_OK; i++) {
        uint32_t nv = sp->nv[i];
        if ((uint64_t)cur.n * nv > limit) {
            st = PARLEY_ERR_LIMIT;
            break;
        }
        /* the O(n * |F|) filter of three or more dimensions: keep it bounded */
        if (d > 2 && (double)cur.n * nv * (double)cur.n > 4e9) {
            st = PARLEY_ERR_LIMIT;
            break;
        }
        /* each candidate (a partial outcome) is work; a deadline or a
         * cancellation stops the merge between issues too */
        run->work += (uint64_t)cur.n * nv;
        if (run->work > run->opt->max_work) {
            st = PARLEY_ERR_LIMIT;
            break;
        }
        if (an_past(run->deadline)) {
            run->stopped = true;
            st = PARLEY_ERR_LIMIT;
            break;
        }
        an_arch next;
        an_arch_init(&next, sp->alloc, d, 0, (size_t)-1);
        if (!arch_reserve(&next, cur.n * nv)) {
            an_arch_free(&next);
            st = PARLEY_ERR_NOMEM;
            break;
        }
        const double *t = sp->terms[i];
        for (size_t q = 0; q < cur.n; q++) {
            const double *s = cur.u + q * d;
            for (uint32_t k = 0; k < nv; k++) {
                double *x = next.u + next.n * d;
                for (size_t j = 0; j < d; j++)
                    x[j] = s[j] + t[(size_t)k * d + j];
                next.cnt[next.n] = none;
                next.n++;
            }
        }
        if (i + 1 == sp->m) /* the cap, before the last filter */
            for (size_t q = 0; q < next.n * d; q++)
                if (!(next.u[q] < 1.0))
                    next.u[q] = 1.0;
        /* progress: the merge is the first half of its phase, issue by issue */
        double f0 = 0.5 * (double)i / (double)sp->m, f1 = 0.5 * (double)(i + 1) / (double)sp->m;
        if (!an_arch_normalize_run(&next, run, f0, f1, &last)) {
            an_arch_free(&next);
            /* stopped (late, cancelled) or out of work: no seed */
            st = run->stopped || run->work > run->opt->max_work ? PARLEY_ERR_LIMIT
                                                                 : PARLEY_ERR_NOMEM;
            break;
        }
        an_arch_free(&cur);
        cur = next;
    }
    if (st == PARLEY_OK && sp->m == 0) /* no issues: the cap of 0 is 0 */
        st = PARLEY_OK;
    if (st == PARLEY_OK) {
        for (size_t q = 0; q < cur.n && st == PARLEY_OK; q++)
            if (!an_arch_push(seed, cur.u + q * d, none, NULL))
                st = seed->overflow ? PARLEY_ERR_LIMIT : PARLEY_ERR_NOMEM;
        seed->seeded = true;
    }
    parleyx_free(sp->alloc, zero, d * sizeof(double));
    an_arch_free(&cur);
    return st;
}

/* ------------------------------------------------------ the search */

typedef struct an_shared {
    const an_space *sp;
    an_pass_kind kind;
    const an_cons *cons;
    an_count *sufprod;      /* [m+1]: outcomes below a node of depth k */
    size_t tdepth;
    uint64_t ntasks;
    pthread_mutex_t mu;
    uint64_t next_task;     /* under mu */
    atomic_uint_fast64_t done_tasks;
    atomic_int stop;        /* 1: stop now */
    atomic_uint_fast64_t work;
    uint64_t max_work;
    atomic_size_t points;   /* the workers' partial frontiers together */
    /* BEST passes: the largest f1 any worker has reached (its bits; every
     * f1 a leaf reaches is >= 0, so the order of the bits is the order of
     * the values); gbest_set once one has */
    atomic_uint_fast64_t gbest;
    atomic_int gbest_set;
    atomic_int dominated;   /* a probe met an outcome dominating it */
    size_t max_points;      /* the memory guard on them (an_work_limit) */
    parley_status st;       /* under mu */
    char msg[512];          /* under mu */
    an_run *run;
    struct timespec last;   /* last progress report (worker 0 only) */
    /* soft stops (run->soft): every task starts from the archive tmpl
     * (the points the pass started with) and may look at task_budget
     * nodes, so what a task finds, and where it is cut, does not depend on
     * the threads or the schedule */
    const an_arch *tmpl;
    uint64_t task_budget;
    uint64_t task_end;      /* tasks of the current batch end here (under mu) */
} an_shared;

typedef struct an_worker {
    an_shared *sh;
    const an_space *sp;
    const an_cons *cons;
    uint32_t *o;
    bool *assigned;
    double *ub, *lb, *vec;  /* d */
    double *pub, *plb;      /* np */
    double *chi, *clo;      /* m*d: per issue, the assigned term or the extremes */
    signed char *tst;       /* sp->nit: each interaction term's status on the
                             * partial outcome (1 sure, 0 violated, -1 open) */
    double *ihi, *ilo;      /* np: bounds of each party's interaction sum */
    double *iacc;           /* sp->voff[m]: an_inter_relaxed_hi's scratch */
    unsigned char *lstate;  /* rectangles' leaves: 0 open, 1 holds, 2 fails */
    uint32_t *lopen, *lfail;/* sp->nit: a rectangle's open and failing leaves */
    size_t *itouched;       /* m: the same */
    bool *idirty;           /* np: a term's status changed since the fold */
    an_arch arch;
    an_stair stair;         /* two dimensions, growing: the archive while
                             * the search runs (use_stair) */
    bool use_stair;
    an_count count;
    uint64_t nodes, flushed, next_poll;
    uint64_t scans_charged; /* arch.scans already counted in nodes */
    size_t points_told;     /* own partial frontier size last added to sh->points */
    bool halt;
    bool is_main;
    size_t nopen, capopen;  /* soft stops: ub vectors of unfinished subtrees */
    double *open;
    bool open_nomem;
    uint64_t task_nodes;    /* soft stops: nodes of the current task */
    bool tcut;              /* the current task passed its budget */
    double task_deadline;   /* soft stops with a time limit: the task's share */
    uint64_t task_id;
    unsigned nthreads;
    bool anycut;            /* some task of this worker did */
    an_arch res;            /* soft stops: the frontier of the tasks done */
    bool found;             /* BEST passes: the worker's best (f1, f2) so far */
    double best1, best2;
    double *wrow;           /* m: the separable bound's term of each issue */
    const an_obj *wob;      /* the objective whose bound wrow follows */
} an_worker;

static void sh_fail(an_shared *sh, parley_status st, const char *msg)
{
    pthread_mutex_lock(&sh->mu);
    if (sh->st == PARLEY_OK) {
        sh->st = st;
        snprintf(sh->msg, sizeof sh->msg, "%s", msg);
    }
    pthread_mutex_unlock(&sh->mu);
    atomic_store(&sh->stop, 1);
}

static void progress(an_worker *w)
{
    an_shared *sh = w->sh;
    an_run *run = sh->run;
    if (!run->opt->progress)
        return;
    struct timespec nowts;
    clock_gettime(CLOCK_MONOTONIC, &nowts);
    double since = (double)(nowts.tv_sec - sh->last.tv_sec) +
                   (double)(nowts.tv_nsec - sh->last.tv_nsec) * 1e-9;
    if (since < 0.2)
        return;
    sh->last = nowts;
    double f = (double)atomic_load(&sh->done_tasks) / (double)sh->ntasks;
    double frac = run->phase_lo + (run->phase_hi - run->phase_lo) * f;
    if (run->opt->progress(run->opt->progress_ud, run->phase, frac))
        sh_fail(sh, PARLEY_ERR_LIMIT, "the analysis was cancelled");
}

void an_run_free_open(an_run *run)
{
    parleyx_free(run->sp->alloc, run->open, run->capopen * run->sp->d * sizeof(double));
    run->open = NULL;
    run->nopen = run->capopen = 0;
}

double an_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool an_past(double deadline)
{
    return deadline > 0 && an_now() >= deadline;
}

parley_status an_stop_fail(const an_run *run, parley_error *err)
{
    if (run->deadline > 0 && an_past(run->deadline))
        return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "time");
    return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0, "the analysis was cancelled");
}

bool an_progress_tick(an_run *run, double f, struct timespec *last)
{
    if (an_past(run->deadline)) {
        run->stopped = true;
        return false;
    }
    if (!run->opt->progress)
        return true;
    struct timespec nowts;
    clock_gettime(CLOCK_MONOTONIC, &nowts);
    double since = (double)(nowts.tv_sec - last->tv_sec) +
                   (double)(nowts.tv_nsec - last->tv_nsec) * 1e-9;
    if (since < 0.2)
        return true;
    *last = nowts;
    double frac = run->phase_lo + (run->phase_hi - run->phase_lo) * f;
    if (run->opt->progress(run->opt->progress_ud, run->phase, frac) == 0)
        return true;
    run->stopped = true;
    return false;
}

/* Comparisons with the archive (three or more dimensions) and the
 * staircase's comparisons and moves (two) as work: one
 * unit per AN_SCANS_PER_UNIT, so that the work limit bounds the time
 * even when every node compares with a large archive. */
static inline void charge_scans(an_worker *w)
{
    uint64_t s = w->arch.scans + w->stair.scans - w->scans_charged;
    if (s >= AN_SCANS_PER_UNIT) {
        w->nodes += s / AN_SCANS_PER_UNIT;
        w->scans_charged += s - s % AN_SCANS_PER_UNIT;
    }
}

static void task_share(an_worker *w);

static void poll_worker(an_worker *w)
{
    an_shared *sh = w->sh;
    uint64_t add = w->nodes - w->flushed;
    w->flushed = w->nodes;
    w->next_poll = w->nodes + 4096;
    uint64_t tot = atomic_fetch_add(&sh->work, add) + add;
    /* the memory guard counts every worker's partial frontier together */
    size_t pts = w->use_stair ? w->stair.live : w->arch.seeded ? 0 : w->arch.n;
    size_t all = atomic_fetch_add(&sh->points, pts - w->points_told) + (pts - w->points_told);
    w->points_told = pts;
    if (tot > sh->max_work && !sh->run->soft) /* soft: the tasks' budgets */
        sh_fail(sh, PARLEY_ERR_LIMIT, "work");
    else if (all > sh->max_points)
        sh_fail(sh, PARLEY_ERR_LIMIT, "frontier");
    else if (an_past(sh->run->deadline))
        sh_fail(sh, PARLEY_ERR_LIMIT, "time");
    else {
        task_share(w);
        if (w->task_deadline > 0 && an_past(w->task_deadline))
            w->tcut = w->anycut = true; /* the task's share of the time is up */
    }
    if (w->is_main)
        progress(w);
    if (atomic_load_explicit(&sh->stop, memory_order_relaxed))
        w->halt = true;
}

/* min(1, fold over the m issues of row[i * stride + j]). */
static inline double capped_fold(const double *row, size_t m, size_t stride, size_t j)
{
    double s = 0.0;
    for (size_t i = 0; i < m; i++)
        s += row[i * stride + j];
    return s < 1.0 ? s : 1.0;
}

/* Two dimensions: both folds in one pass, two independent chains. */
static inline void capped_fold2(const double *row, size_t m, double *out)
{
    double s0 = 0.0, s1 = 0.0;
    for (size_t i = 0; i < m; i++) {
        s0 += row[2 * i];
        s1 += row[2 * i + 1];
    }
    out[0] = s0 < 1.0 ? s0 : 1.0;
    out[1] = s1 < 1.0 ? s1 : 1.0;
}

/* Exact bounds of every completion of the partial outcome (w->o on the
 * assigned issues): the fold in issue order of the assigned terms and,
 * for the others, the extreme terms; capped.  For the dimensions the
 * worker keeps the row of each issue ready (chi/clo: the assigned term,
 * or the extreme ones); for all parties the scenario's terms are read. */
/* Fold again the interaction bounds of the parties whose terms changed
 * status. */
static void inter_refresh(an_worker *w)
{
    const an_space *sp = w->sp;
    for (size_t p = 0; p < sp->np; p++)
        if (w->idirty[p]) {
            an_inter_fold(&sp->sc->parties[p], w->tst + sp->itp[p], &w->ihi[p], &w->ilo[p]);
            if (sp->lf_start[sp->itp[p + 1]] > sp->lf_start[sp->itp[p]]) { /* rectangles */
                double r = an_inter_relaxed_hi(sp, p, w->tst, w->assigned, w->iacc, w->itouched);
                if (r < w->ihi[p])
                    w->ihi[p] = r;
            }
            w->idirty[p] = false;
        }
}

/* The statuses of the interaction terms that name issue q, after q's value
 * changed (an.h). */
/* A rectangle's leaf on its issue's current value (or unassigned): holds
 * (1), fails (2) or open (0) -- rule_eval_partial's answer for the leaf. */
static unsigned char leaf_state(const an_worker *w, size_t k)
{
    const an_space *sp = w->sp;
    size_t i = sp->lf_issue[k];
    if (w->assigned[i]) {
        uint32_t v = w->o[i];
        return (sp->lf_bits[k][v >> 6] >> (v & 63)) & 1u ? 1 : 2;
    }
    int64_t u = (int64_t)sp->lf_bits[k][-1]; /* unassigned: 1 all, 0 none, -1 some */
    return u == 1 ? 1 : u == 0 ? 2 : 0;
}

static void leaf_set(an_worker *w, size_t k, unsigned char ns)
{
    unsigned char os = w->lstate[k];
    if (os == ns)
        return;
    size_t t = w->sp->lf_term[k];
    if (os == 0)
        w->lopen[t]--;
    else if (os == 2)
        w->lfail[t]--;
    if (ns == 0)
        w->lopen[t]++;
    else if (ns == 2)
        w->lfail[t]++;
    w->lstate[k] = ns;
}

static void inter_update(an_worker *w, size_t q)
{
    const an_space *sp = w->sp;
    /* rectangles: their leaves on q, then a status from the counts (what
     * rule_eval_partial answers for a conjunction) */
    for (size_t k = sp->lbi_start[q]; k < sp->lbi_start[q + 1]; k++)
        leaf_set(w, sp->lbi[k], leaf_state(w, sp->lbi[k]));
    for (size_t k = sp->ibi_start[q]; k < sp->ibi_start[q + 1]; k++) {
        size_t t = sp->ibi[k];
        int v;
        if (sp->lf_start[t + 1] > sp->lf_start[t])
            v = w->lfail[t] ? 0 : w->lopen[t] ? -1 : 1;
        else
            v = rule_eval_partial(sp->it[t]->rule, w->o, w->assigned, NULL, NULL);
        w->tst[t] = (signed char)v;
        /* even without a change of status: the relaxed bound charges
         * terms to unassigned issues */
        w->idirty[sp->itparty[t]] = true;
    }
}

/* dim_bounds with interaction terms: the linear folds uncapped, then
 * an_finish with the interaction bounds (an.h). */
static void dim_bounds_nl(an_worker *w, double *ub, double *lb)
{
    const an_space *sp = w->sp;
    size_t m = sp->m, d = sp->d;
    inter_refresh(w);
    for (size_t j = 0; j < d; j++) {
        size_t p = sp->dimp[j];
        const pm_party *pa = &sp->sc->parties[p];
        double hi = 0.0, lo = 0.0;
        for (size_t i = 0; i < m; i++) {
            hi += w->chi[i * d + j];
            lo += w->clo[i * d + j];
        }
        if (pa->nterms) {
            ub[j] = an_finish(hi, w->ihi[p], pa->idiv);
            if (lb)
                lb[j] = an_finish(lo, w->ilo[p], pa->idiv);
        } else {
            ub[j] = hi < 1.0 ? hi : 1.0;
            if (lb)
                lb[j] = lo < 1.0 ? lo : 1.0;
        }
    }
}

static void dim_bounds(an_worker *w, double *ub, double *lb)
{
    const an_space *sp = w->sp;
    size_t m = sp->m, d = sp->d;
    if (sp->nit) {
        dim_bounds_nl(w, ub, lb);
        return;
    }
    if (d == 2) {
        capped_fold2(w->chi, m, ub);
        if (lb)
            capped_fold2(w->clo, m, lb);
        return;
    }
    for (size_t j = 0; j < d; j++) {
        ub[j] = capped_fold(w->chi, m, d, j);
        if (lb)
            lb[j] = capped_fold(w->clo, m, d, j);
    }
}

/* Fix issue q at value v (v == UINT32_MAX: unassign) in the worker's
 * partial outcome and its per-issue term rows. */
static void assign(an_worker *w, size_t q, uint32_t v)
{
    const an_space *sp = w->sp;
    size_t d = sp->d;
    if (v == UINT32_MAX) {
        w->assigned[q] = false;
        w->o[q] = 0;
        memcpy(w->chi + q * d, sp->tmax + q * d, d * sizeof(double));
        memcpy(w->clo + q * d, sp->tmin + q * d, d * sizeof(double));
    } else {
        w->assigned[q] = true;
        w->o[q] = v;
        memcpy(w->chi + q * d, sp->terms[q] + (size_t)v * d, d * sizeof(double));
        memcpy(w->clo + q * d, sp->terms[q] + (size_t)v * d, d * sizeof(double));
    }
    if (sp->nit)
        inter_update(w, q);
    if (w->wrow) {
        const an_obj *ob = w->wob;
        w->wrow[q] = v == UINT32_MAX ? ob->wmax[q] : ob->wv[ob->woff[q] + v];
    }
}

static void party_bounds(an_worker *w, double *ub, double *lb)
{
    const an_space *sp = w->sp;
    size_t m = sp->m, np = sp->np;
    if (sp->nit)
        inter_refresh(w);
    for (size_t p = 0; p < np; p++) {
        double *const *terms = sp->sc->parties[p].terms;
        double hi = 0.0, lo = 0.0;
        for (size_t i = 0; i < m; i++) {
            if (w->assigned[i]) {
                double t = terms[i][w->o[i]];
                hi += t;
                lo += t;
            } else {
                hi += sp->pmax[i * np + p];
                lo += sp->pmin[i * np + p];
            }
        }
        const pm_party *pa = &sp->sc->parties[p];
        if (pa->nterms) {
            ub[p] = an_finish(hi, w->ihi[p], pa->idiv);
            lb[p] = an_finish(lo, w->ilo[p], pa->idiv);
            continue;
        }
        ub[p] = hi < 1.0 ? hi : 1.0;
        lb[p] = lo < 1.0 ? lo : 1.0;
    }
}

static void set_fail_mem(an_worker *w, bool overflow)
{
    if (overflow)
        sh_fail(w->sh, PARLEY_ERR_LIMIT, "frontier");
    else
        sh_fail(w->sh, PARLEY_ERR_NOMEM, "out of memory");
    w->halt = true;
}

/* c outcomes with vector x, the smallest of them w->o (the partial
 * outcome with its unassigned issues at 0), into the worker's frontier. */
static void offer(an_worker *w, const double *x, an_count c)
{
    if (w->use_stair ? !an_stair_offer_n(&w->stair, x, w->o, c)
                     : !arch_offer(&w->arch, x, w->o, c))
        set_fail_mem(w, w->use_stair ? w->stair.overflow : w->arch.overflow);
    charge_scans(w);
}

/* BEST passes: the shared best f1 (false: none yet). */
static bool gbest_get(const an_shared *sh, double *v)
{
    if (!atomic_load_explicit(&sh->gbest_set, memory_order_acquire))
        return false;
    uint64_t bits = atomic_load_explicit(&sh->gbest, memory_order_relaxed);
    memcpy(v, &bits, sizeof *v);
    return true;
}

static void gbest_offer(an_shared *sh, double v)
{
    v += 0.0; /* (no -0.0) */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t cur = atomic_load(&sh->gbest);
    while ((!atomic_load(&sh->gbest_set) || bits > cur) &&
           !atomic_compare_exchange_weak(&sh->gbest, &cur, bits))
        ;
    atomic_store_explicit(&sh->gbest_set, 1, memory_order_release);
}

/* BEST passes: can the subtree whose bound vector is ub still reach the
 * best (f1, f2)?  (Ties are kept: only a bound strictly below is cut.) */
static bool best_hopeless(an_worker *w, const double *ub)
{
    const an_obj *ob = w->sh->run->obj;
    double b1, b2, g;
    an_obj_eval(ob, ub, w->sp->d, &b1, &b2);
    if (ob->wkind) { /* the separable bound (an_lp.c) */
        double W = 0.0;
        for (size_t i = 0; i < w->sp->m; i++)
            W += w->wrow[i];
        W += ob->wcst + ob->wslack;
        double b;
        if (ob->wkind == 2) {
            double dd = (double)w->sp->d, x = W > 0.0 ? W / dd : 0.0;
            b = pow(x, dd) / ob->wdiv * (1.0 + 1e-9);
        } else {
            b = W;
        }
        if (b < b1) {
            b1 = b;
            b2 = INFINITY; /* (f2 is not bounded by it) */
        }
    }
    if (w->found) {
        if (b1 < w->best1 || (b1 == w->best1 && b2 < w->best2))
            return true;
        if (ob->value_only && b1 <= w->best1)
            return true;
    }
    if (gbest_get(w->sh, &g) && (b1 < g || (ob->value_only && b1 <= g)))
        return true;
    return false;
}

/* BEST passes: a complete acceptable outcome w->o with vector w->vec. */
static void best_leaf(an_worker *w)
{
    const an_obj *ob = w->sh->run->obj;
    double f1, f2;
    if (ob->probe && memcmp(ob->probe, w->vec, w->sp->d * sizeof(double)) != 0) {
        atomic_store(&w->sh->dominated, 1);
        atomic_store(&w->sh->stop, 1);
        w->halt = true;
        return;
    }
    an_obj_eval(ob, w->vec, w->sp->d, &f1, &f2);
    if (!w->found || f1 > w->best1 || (f1 == w->best1 && f2 > w->best2)) {
        w->found = true;
        w->best1 = f1;
        w->best2 = f2;
        an_arch_clear(&w->arch);
        gbest_offer(w->sh, f1);
    } else if (f1 < w->best1 || f2 < w->best2) {
        return;
    }
    if (ob->value_only)
        return;
    an_count one = {1, 0, 0};
    offer(w, w->vec, one);
}

/* A complete outcome w->o whose dimension utilities are in w->vec. */
static void leaf(an_worker *w)
{
    const an_space *sp = w->sp;
    const an_cons *c = w->cons;
    if (c) {
        for (size_t q = 0; q < c->nth; q++)
            if (w->vec[c->thdim[q]] < c->thval[q])
                return;
        if (c->nrules) {
            const double *util = NULL;
            if (c->rules_util) {
                for (size_t p = 0; p < sp->np; p++)
                    w->pub[p] = pm_utility(sp->sc, p, w->o);
                util = w->pub;
            }
            for (size_t r = 0; r < c->nrules; r++)
                if (!rule_eval(c->rules[r], w->o, util))
                    return;
        }
    }
    if (w->sh->kind == AN_PASS_COUNT) {
        an_count_inc(&w->count);
        return;
    }
    if (w->sh->kind == AN_PASS_BEST) {
        best_leaf(w);
        return;
    }
    an_count one = {1, 0, 0};
    offer(w, w->vec, one);
}

/* The last unassigned issue q: every value, exactly.  The fold before q
 * is shared; after q it goes on over the fixed terms. */
static void last_issue(an_worker *w, size_t q)
{
    const an_space *sp = w->sp;
    size_t m = sp->m, d = sp->d;
    double *pre = w->lb; /* scratch: d */
    for (size_t j = 0; j < d; j++) {
        double s = 0.0;
        for (size_t i = 0; i < q; i++)
            s += sp->terms[i][(size_t)w->o[i] * d + j];
        pre[j] = s;
    }
    uint32_t nv = sp->nv[q];
    const double *t = sp->terms[q];
    w->assigned[q] = true;
    for (uint32_t v = 0; v < nv && !w->halt; v++) {
        w->o[q] = v;
        for (size_t j = 0; j < d; j++) {
            double s = pre[j] + t[(size_t)v * d + j];
            for (size_t i = q + 1; i < m; i++)
                s += sp->terms[i][(size_t)w->o[i] * d + j];
            w->vec[j] = s < 1.0 ? s : 1.0;
        }
        leaf(w);
    }
    w->nodes += nv;
    w->assigned[q] = false;
    w->o[q] = 0;
}

/* Soft stops: the partial outcome's subtree is left unfinished; keep its
 * upper-bound vector. */
static void record_open(an_worker *w)
{
    if (!w->sh->run->soft || w->open_nomem)
        return;
    size_t d = w->sp->d;
    if (w->nopen == w->capopen) {
        double *g = parleyx_grow(w->sp->alloc, w->open, d * sizeof(double), &w->capopen,
                                 w->nopen + 1, 64);
        if (!g) {
            w->open_nomem = true;
            return;
        }
        w->open = g;
    }
    dim_bounds(w, w->open + w->nopen * d, NULL);
    w->nopen++;
}

/* A node of branching depth k: issues order[0..k) assigned. */
static void node(an_worker *w, size_t k)
{
    if (w->halt || w->tcut) {
        record_open(w);
        return;
    }
    if (++w->task_nodes > w->sh->task_budget) {
        w->tcut = w->anycut = true;
        record_open(w);
        return;
    }
    charge_scans(w);
    if (++w->nodes >= w->next_poll) {
        poll_worker(w);
        if (w->halt) {
            record_open(w);
            return;
        }
    }
    const an_space *sp = w->sp;
    const an_cons *c = w->cons;
    size_t m = sp->m;
    bool count = w->sh->kind == AN_PASS_COUNT;
    if (k == m) {
        dim_bounds(w, w->vec, NULL); /* all assigned: the exact utilities */
        leaf(w);
        return;
    }
    bool nl = sp->nit != 0;
    /* every completion acceptable (count passes; with interaction terms,
     * frontier passes too: a subtree of one vector is offered at once) */
    bool sure = count || nl;
    bool have_ub = false;
    if (c) {
        if (c->nth) {
            if (!have_ub)
                dim_bounds(w, w->ub, count || nl ? w->lb : NULL);
            have_ub = true;
            for (size_t q = 0; q < c->nth; q++)
                if (w->ub[c->thdim[q]] < c->thval[q])
                    return;
            for (size_t q = 0; q < c->nth && sure; q++)
                if (!(w->lb[c->thdim[q]] >= c->thval[q]))
                    sure = false;
        }
        if (c->nrules) {
            const double *lo = NULL, *hi = NULL;
            if (c->rules_util) {
                party_bounds(w, w->pub, w->plb);
                lo = w->plb;
                hi = w->pub;
            }
            for (size_t r = 0; r < c->nrules; r++) {
                int v = rule_eval_partial(c->rules[r], w->o, w->assigned, lo, hi);
                if (v == 0)
                    return;
                if (v < 0)
                    sure = false;
            }
        }
    }
    if (count && sure) {
        an_count_add(&w->count, w->sh->sufprod[k]);
        return;
    }
    if (count && w->wob) { /* run->count_cut: below its init, nothing to count */
        double W = 0.0;
        for (size_t i = 0; i < m; i++)
            W += w->wrow[i];
        if (W + w->wob->wcst + w->wob->wslack < w->wob->init)
            return;
    }
    if (w->sh->kind == AN_PASS_BEST) {
        if (!have_ub)
            dim_bounds(w, w->ub, NULL);
        if (best_hopeless(w, w->ub))
            return;
        if (!w->sh->run->obj->value_only && arch_dominates(&w->arch, w->ub))
            return;
    } else if (!count) {
        if (!have_ub)
            dim_bounds(w, w->ub, nl ? w->lb : NULL);
        if (w->use_stair ? an_stair_dominates(&w->stair, w->ub)
                         : arch_dominates(&w->arch, w->ub))
            return;
        if (nl && sure) { /* one vector for the whole subtree: offer it once */
            size_t j = 0;
            while (j < sp->d && w->lb[j] == w->ub[j])
                j++;
            if (j == sp->d) {
                offer(w, w->ub, w->sh->sufprod[k]);
                return;
            }
        }
    }
    size_t q = sp->order[k];
    if (k + 1 == m && !(c && c->nrules) && !nl) {
        last_issue(w, q);
        return;
    }
    uint32_t nv = sp->nv[q];
    uint32_t v = 0;
    for (; v < nv && !w->halt && !w->tcut; v++) {
        assign(w, q, v);
        node(w, k + 1);
    }
    for (; v < nv && w->sh->run->soft; v++) { /* stopped: the siblings not visited */
        assign(w, q, v);
        record_open(w);
    }
    assign(w, q, UINT32_MAX);
}

/* A task's share of a time limit (soft stops): once half of the time is
 * gone, an even share of the time left among the tasks left, so that a
 * time limit leaves every part of the space looked at.  The first half
 * lets a search that can finish do so, unhindered; the answer depends on
 * the machine, as any time limit's.  Set when the task starts, or at a poll
 * of a task that started in the first half. */
static void task_share(an_worker *w)
{
    uint64_t id = w->task_id;
    if (w->sh->run->soft && w->sh->run->deadline > 0 && w->task_deadline == 0) {
        double now = an_now(), left = w->sh->run->deadline - now;
        uint64_t tasks = w->sh->ntasks - id;
        if (left > 0 && left < 0.5 * w->sh->run->opt->max_seconds)
            w->task_deadline = now + left * (double)w->nthreads / (double)(tasks ? tasks : 1);
    }
}

/* Set up the prefix of task id (in branching order) and search below. */
static void set_prefix(an_worker *w, uint64_t id)
{
    const an_space *sp = w->sp;
    for (size_t k = w->sh->tdepth; k-- > 0;) {
        size_t i = sp->order[k];
        assign(w, i, (uint32_t)(id % sp->nv[i]));
        id /= sp->nv[i];
    }
}

static void run_task(an_worker *w, uint64_t id)
{
    const an_space *sp = w->sp;
    size_t t = w->sh->tdepth;
    bool soft = w->sh->run->soft && w->sh->kind == AN_PASS_FRONTIER;
    w->task_nodes = 0;
    w->tcut = false;
    w->task_deadline = 0;
    w->task_id = id;
    task_share(w);
    if (soft) { /* a fresh archive: the pass's starting points */
        uint64_t scans = w->arch.scans; /* charged as work: keep counting */
        an_arch_free(&w->arch);
        if (!an_arch_copy(&w->arch, w->sh->tmpl)) {
            set_fail_mem(w, false);
            return;
        }
        w->arch.limit = an_work_limit(w->sh->tmpl->limit);
        w->arch.scans = scans;
    }
    set_prefix(w, id);
    node(w, t);
    if (soft) { /* into the worker's result (also when stopped: points of
                 * real outcomes, which may have cut subtrees) */
        size_t d = sp->d, m = sp->m;
        for (size_t i = 0; i < w->arch.n; i++)
            if (!an_arch_push(&w->res, w->arch.u + i * d, w->arch.cnt[i],
                              m ? w->arch.rep + i * m : NULL)) {
                set_fail_mem(w, w->res.overflow);
                break;
            }
        if (!an_arch_normalize(&w->res))
            set_fail_mem(w, false);
    }
    for (size_t k = 0; k < t; k++)
        assign(w, sp->order[k], UINT32_MAX);
}

static void *worker_main(void *arg)
{
    an_worker *w = arg;
    an_shared *sh = w->sh;
    for (;;) {
        if (w->halt || atomic_load(&sh->stop))
            break;
        pthread_mutex_lock(&sh->mu);
        uint64_t id = sh->next_task;
        if (id < sh->task_end)
            sh->next_task++;
        pthread_mutex_unlock(&sh->mu);
        if (id >= sh->task_end)
            break;
        run_task(w, id);
        atomic_fetch_add(&sh->done_tasks, 1);
        if (w->is_main)
            progress(w);
    }
    return NULL;
}

static void worker_free(an_worker *w, const an_space *sp)
{
    const parley_allocator *a = sp->alloc;
    size_t m = sp->m, d = sp->d, np = sp->np;
    parleyx_free(a, w->o, (m + 1) * sizeof(uint32_t));
    parleyx_free(a, w->assigned, (m + 1) * sizeof(bool));
    parleyx_free(a, w->ub, 3 * d * sizeof(double));
    parleyx_free(a, w->pub, 2 * np * sizeof(double));
    parleyx_free(a, w->chi, 2 * (m * d + 1) * sizeof(double));
    parleyx_free(a, w->tst, sp->nit + 1);
    parleyx_free(a, w->ihi, 2 * np * sizeof(double));
    parleyx_free(a, w->idirty, np * sizeof(bool));
    parleyx_free(a, w->open, w->capopen * d * sizeof(double));
    an_arch_free(&w->res);
    if (sp->nit) {
        parleyx_free(a, w->iacc, (sp->voff[m] + 1) * sizeof(double));
        parleyx_free(a, w->itouched, (m + 1) * sizeof(size_t));
        parleyx_free(a, w->lstate, sp->lf_start[sp->nit] + 1);
        parleyx_free(a, w->lopen, 2 * (sp->nit + 1) * sizeof(uint32_t));
    }
    parleyx_free(a, w->wrow, (m + 1) * sizeof(double));
    an_arch_free(&w->arch);
    an_stair_free(&w->stair);
}

static bool worker_init(an_worker *w, an_shared *sh, const an_arch *tmpl)
{
    const an_space *sp = sh->sp;
    const parley_allocator *a = sp->alloc;
    size_t m = sp->m, d = sp->d, np = sp->np;
    memset(w, 0, sizeof *w);
    w->sh = sh;
    w->sp = sp;
    w->cons = sh->cons;
    w->next_poll = 4096;
    w->o = parleyx_calloc(a, m + 1, sizeof(uint32_t));
    w->assigned = parleyx_calloc(a, m + 1, sizeof(bool));
    w->ub = parleyx_calloc(a, 3 * d, sizeof(double));
    w->pub = parleyx_calloc(a, 2 * np, sizeof(double));
    w->chi = parleyx_calloc(a, 2 * (m * d + 1), sizeof(double));
    w->tst = parleyx_calloc(a, sp->nit + 1, 1);
    w->ihi = parleyx_calloc(a, 2 * np, sizeof(double));
    w->idirty = parleyx_calloc(a, np, sizeof(bool));
    if (sp->nit && (!w->o || !w->assigned)) /* (the leaves' states read them) */
        return false;
    if (sp->nit) {
        w->iacc = parleyx_calloc(a, sp->voff[m] + 1, sizeof(double));
        w->itouched = parleyx_calloc(a, m + 1, sizeof(size_t));
        w->lstate = parleyx_calloc(a, sp->lf_start[sp->nit] + 1, 1);
        w->lopen = parleyx_calloc(a, 2 * (sp->nit + 1), sizeof(uint32_t));
        if (!w->iacc || !w->itouched || !w->lstate || !w->lopen)
            return false;
        w->lfail = w->lopen + sp->nit + 1;
        for (size_t k = 0; k < sp->lf_start[sp->nit]; k++) { /* all open to begin with */
            w->lopen[sp->lf_term[k]]++;
            leaf_set(w, k, leaf_state(w, k));
        }
    }
    an_arch_init(&w->arch, a, d, m, 1);
    if (sh->kind == AN_PASS_BEST && sh->run->obj->wkind)
        w->wob = sh->run->obj;
    else if (sh->kind == AN_PASS_COUNT && sh->run->count_cut && sh->run->count_cut->wkind == 1)
        w->wob = sh->run->count_cut;
    if (w->wob) {
        w->wrow = parleyx_calloc(a, m + 1, sizeof(double));
        if (!w->wrow)
            return false;
        memcpy(w->wrow, w->wob->wmax, m * sizeof(double));
    }
    if (!w->o || !w->assigned || !w->ub || !w->pub || !w->chi || !w->tst || !w->ihi ||
        !w->idirty)
        return false;
    w->ilo = w->ihi + np;
    for (size_t t = 0; t < sp->nit; t++) /* nothing assigned yet */
        w->tst[t] = (signed char)rule_eval_partial(sp->it[t]->rule, w->o, w->assigned, NULL, NULL);
    for (size_t p = 0; p < np; p++)
        w->idirty[p] = true;
    w->clo = w->chi + m * d + 1;
    memcpy(w->chi, sp->tmax, m * d * sizeof(double));
    memcpy(w->clo, sp->tmin, m * d * sizeof(double));
    w->lb = w->ub + d;
    w->vec = w->ub + 2 * d;
    w->plb = w->pub + np;
    if (tmpl && tmpl->n && !an_arch_copy(&w->arch, tmpl))
        return false;
    if (tmpl) {
        w->arch.seeded = tmpl->seeded;
        /* A worker's archive is the frontier of the outcomes it has seen,
         * which can be larger than the whole frontier and depends on which
         * tasks it took: capped at the frontier limit, whether the analysis
         * fails would depend on the threads and the schedule.  It may grow
         * to AN_WORK_FACTOR times the limit (a memory guard); the limit
         * itself is checked on the merged frontier. */
        w->arch.limit = an_work_limit(tmpl->limit);
    }
    /* a growing two-dimensional frontier: sorted runs, not one array */
    w->use_stair = d == 2 && sh->kind == AN_PASS_FRONTIER && !w->arch.seeded && !w->arch.n &&
                   !sh->run->soft;
    an_arch_init(&w->res, a, d, m, w->arch.limit);
    an_stair_init(&w->stair, a, m, w->arch.limit);
    return true;
}

/* The shared state of a pass: the subtree sizes by depth and the cut into
 * tasks (the first depth with at least AN_TASKS prefixes).  false: no
 * memory (nothing to free then). */
static bool shared_init(an_shared *sh, an_run *run, an_pass_kind kind, const an_cons *cons)
{
    const an_space *sp = run->sp;
    size_t m = sp->m;
    memset(sh, 0, sizeof *sh);
    sh->sp = sp;
    sh->kind = kind;
    sh->cons = cons;
    sh->run = run;
    sh->max_work = run->opt->max_work;
    atomic_init(&sh->stop, 0);
    atomic_init(&sh->work, run->work);
    atomic_init(&sh->done_tasks, 0);
    atomic_init(&sh->points, 0);
    atomic_init(&sh->gbest, 0);
    atomic_init(&sh->gbest_set, 0);
    atomic_init(&sh->dominated, 0);
    if (kind == AN_PASS_BEST && run->obj->has_init) {
        double v = run->obj->init + 0.0;
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        atomic_store(&sh->gbest, bits);
        atomic_store(&sh->gbest_set, 1);
    }
    sh->max_points = SIZE_MAX;
    sh->sufprod = parleyx_calloc(sp->alloc, m + 1, sizeof(an_count));
    if (!sh->sufprod)
        return false;
    sh->sufprod[m].lo = 1;
    for (size_t k = m; k-- > 0;) /* <= total < 2^192 */
        an_count_mul(sh->sufprod[k + 1], sp->nv[sp->order[k]], &sh->sufprod[k]);
    uint64_t nt = 1;
    size_t t = 0;
    while (t < m && nt < AN_TASKS) {
        nt *= sp->nv[sp->order[t]];
        t++;
    }
    sh->tdepth = t;
    sh->ntasks = nt;
    pthread_mutex_init(&sh->mu, NULL);
    clock_gettime(CLOCK_MONOTONIC, &sh->last);
    return true;
}

static void shared_free(an_shared *sh)
{
    parleyx_free(sh->sp->alloc, sh->sufprod, (sh->sp->m + 1) * sizeof(an_count));
    pthread_mutex_destroy(&sh->mu);
}

/* Seeded archive: its points are the frontier; the workers' counts add up
 * and the smallest outcome of each point is kept. */
static void merge_seeded(an_arch *arch, const an_worker *ws, unsigned nworkers)
{
    size_t m = arch->m;
    for (unsigned k = 0; k < nworkers; k++)
        for (size_t i = 0; i < arch->n; i++) {
            an_count_add(&arch->cnt[i], ws[k].arch.cnt[i]);
            arch_take_rep(arch, i, ws[k].arch.rep + i * m);
        }
}

/* The workers' archives overlap (each is the frontier of what it saw), so
 * together they may hold more points than the limit while their merged
 * frontier does not: the limit is checked after the merge, or the answer
 * would depend on the number of threads.  The memory is bounded by the
 * workers' archives, which exist already. */
static parley_status merge_frontiers(an_arch *arch, const an_worker *ws, unsigned nworkers)
{
    size_t d = arch->d, m = arch->m;
    parley_status st = PARLEY_OK;
    size_t limit = arch->limit, sum = arch->n;
    for (unsigned k = 0; k < nworkers; k++)
        sum += ws[k].arch.n;
    if (sum > arch->limit)
        arch->limit = sum;
    for (unsigned k = 0; k < nworkers && st == PARLEY_OK; k++)
        for (size_t i = 0; i < ws[k].arch.n; i++)
            if (!an_arch_push(arch, ws[k].arch.u + i * d, ws[k].arch.cnt[i],
                              ws[k].arch.rep + i * m)) {
                st = arch->overflow ? PARLEY_ERR_LIMIT : PARLEY_ERR_NOMEM;
                break;
            }
    if (st == PARLEY_OK && !an_arch_normalize(arch))
        st = PARLEY_ERR_NOMEM;
    arch->limit = limit;
    if (st == PARLEY_OK && arch->n > limit) {
        arch->overflow = true;
        st = PARLEY_ERR_LIMIT;
    }
    return st;
}

/* Drop seed points no outcome reached (cannot happen for an exact seed;
 * kept as a guard) and apply the free issues. */
static void frontier_finish(an_arch *arch, an_count freemult, bool cut)
{
    size_t q = 0;
    for (size_t i = 0; i < arch->n; i++) {
        if (an_count_is_zero(arch->cnt[i])) {
            /* a pass stopped early keeps the points it started with that
             * carry a real outcome (they may have pruned subtrees): that
             * one outcome is counted */
            if (!cut || !arch->m || arch->rep[i * arch->m] == UINT32_MAX)
                continue;
            arch->cnt[i].lo = 1; /* (and hi, top: 0) */
        }
        if (q != i)
            arch_move(arch, q, i, 1);
        q++;
    }
    arch->n = q;
    for (size_t i = 0; i < arch->n; i++)
        an_count_mulc(arch->cnt[i], freemult, &arch->cnt[i]);
}

/* The pass's failure as the caller reads it: err->message "work" or
 * "frontier" for the two limits (parley_analyze words them), else what
 * stopped the pass. */
static parley_status search_fail(parley_status st, const an_shared *sh, const an_arch *arch,
                                 parley_error *err)
{
    if (st == PARLEY_ERR_LIMIT) {
        if (strcmp(sh->msg, "work") == 0)
            return parleyx_fail(err, st, NULL, 0, 0, "work");
        if (strcmp(sh->msg, "frontier") == 0 || (arch && arch->overflow))
            return parleyx_fail(err, st, NULL, 0, 0, "frontier");
        return parleyx_fail(err, st, NULL, 0, 0, "%s", sh->msg);
    }
    if (st == PARLEY_ERR_NOMEM)
        return parleyx_fail(err, st, NULL, 0, 0, "out of memory");
    return st;
}

parley_status an_search(an_run *run, an_pass_kind kind, const an_cons *cons, an_arch *arch,
                        an_count *count, parley_error *err)
{
    const an_space *sp = run->sp;
    const parley_allocator *a = sp->alloc;
    if (count)
        count->lo = count->hi = count->top = 0;
    if (cons && cons->infeasible)
        return PARLEY_OK;

    an_shared sh;
    if (!shared_init(&sh, run, kind, cons))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (arch)
        sh.max_points = an_work_limit(arch->limit);
    unsigned nthreads = run->opt->threads ? run->opt->threads : 2;
    if (nthreads > 64)
        nthreads = 64;
    if (nthreads > sh.ntasks)
        nthreads = (unsigned)sh.ntasks;
    unsigned nalloc = nthreads;
    an_worker *ws = parleyx_calloc(a, nalloc, sizeof(an_worker));
    parley_status st = PARLEY_OK;
    an_arch tmpl;
    an_arch_init(&tmpl, a, sp->d, sp->m, arch ? arch->limit : 1);
    if (!ws) {
        st = PARLEY_ERR_NOMEM;
        goto done;
    }
    sh.tmpl = arch ? arch : &tmpl;
    sh.task_budget = UINT64_MAX;
    if (run->soft) {
        uint64_t left = run->opt->max_work > run->work ? run->opt->max_work - run->work : 0;
        sh.task_budget = left / sh.ntasks > 1 ? left / sh.ntasks : 1;
    }
    for (unsigned k = 0; k < nthreads; k++)
        if (!worker_init(&ws[k], &sh, arch ? arch : &tmpl)) {
            nthreads = k + 1;
            st = PARLEY_ERR_NOMEM;
            goto done;
        }
    ws[0].is_main = true;
    for (unsigned k = 0; k < nthreads; k++)
        ws[k].nthreads = nthreads;
    if (run->soft && kind == AN_PASS_FRONTIER) {
        /* Batches of 1, 2, 4... tasks; each batch's tasks start from the
         * frontier of the points the pass started with and of every task
         * of the batches before (a deterministic template: what a task
         * finds, and where its budget cuts it, depends on neither the
         * threads nor the schedule, and the pruning stays strong). */
        an_arch cur;
        if (!an_arch_copy(&cur, sh.tmpl)) {
            st = PARLEY_ERR_NOMEM;
            goto done;
        }
        uint64_t size = 1;
        for (uint64_t start = 0; start < sh.ntasks && sh.st == PARLEY_OK; size *= 2) {
            sh.tmpl = &cur;
            sh.next_task = start;
            sh.task_end = sh.ntasks - start > size ? start + size : sh.ntasks;
            start = sh.task_end;
            parleyx_run_jobs(worker_main, ws, sizeof(an_worker), nthreads);
            if (sh.st != PARLEY_OK || start >= sh.ntasks)
                break;
            an_arch next;
            if (!an_arch_copy(&next, arch ? arch : &tmpl)) {
                sh_fail(&sh, PARLEY_ERR_NOMEM, "out of memory");
                break;
            }
            next.limit = SIZE_MAX;
            for (unsigned k = 0; k < nthreads && sh.st == PARLEY_OK; k++)
                for (size_t i = 0; i < ws[k].res.n; i++)
                    if (!an_arch_push(&next, ws[k].res.u + i * sp->d, ws[k].res.cnt[i],
                                      sp->m ? ws[k].res.rep + i * sp->m : NULL)) {
                        sh_fail(&sh, PARLEY_ERR_NOMEM, "out of memory");
                        break;
                    }
            if (sh.st == PARLEY_OK && !an_arch_normalize(&next))
                sh_fail(&sh, PARLEY_ERR_NOMEM, "out of memory");
            for (size_t i = 0; i < next.n; i++) /* points to prune with: the counts
                                                 * are the workers' */
                next.cnt[i].lo = next.cnt[i].hi = next.cnt[i].top = 0;
            next.limit = cur.limit;
            an_arch_free(&cur);
            cur = next;
        }
        sh.tmpl = arch ? arch : &tmpl;
        an_arch_free(&cur);
    } else {
        sh.task_end = sh.ntasks;
        /* worker 0 on this thread; a worker whose thread cannot start runs here */
        parleyx_run_jobs(worker_main, ws, sizeof(an_worker), nthreads);
    }
    for (unsigned k = 0; k < nthreads && sh.st == PARLEY_OK; k++)
        if (ws[k].use_stair && !an_stair_flush(&ws[k].stair, &ws[k].arch))
            sh_fail(&sh, ws[k].arch.overflow ? PARLEY_ERR_LIMIT : PARLEY_ERR_NOMEM,
                    ws[k].arch.overflow ? "frontier" : "out of memory");
    run->work = atomic_load(&sh.work);
    for (unsigned k = 0; k < nthreads; k++)
        run->work += ws[k].nodes - ws[k].flushed;
    run->cut = false;
    bool anycut = false;
    for (unsigned k = 0; k < nthreads; k++)
        anycut |= ws[k].anycut;
    if (run->soft && kind == AN_PASS_FRONTIER &&
        (sh.st == PARLEY_OK || (sh.st == PARLEY_ERR_LIMIT && strcmp(sh.msg, "time") == 0)))
        for (unsigned k = 0; k < nthreads; k++) { /* the tasks' frontiers */
            an_arch_free(&ws[k].arch);
            ws[k].arch = ws[k].res;
            an_arch_init(&ws[k].res, a, sp->d, sp->m, 1);
        }
    if ((sh.st == PARLEY_OK && anycut) ||
        (sh.st == PARLEY_ERR_LIMIT && run->soft &&
         (strcmp(sh.msg, "work") == 0 || strcmp(sh.msg, "time") == 0))) {
        /* a soft stop: the tasks not taken are open too; then the pass
         * ends as if complete, over what it looked at */
        for (uint64_t id = sh.next_task; id < sh.ntasks; id++) {
            set_prefix(&ws[0], id);
            record_open(&ws[0]);
            for (size_t k = 0; k < sh.tdepth; k++)
                assign(&ws[0], sp->order[k], UINT32_MAX);
        }
        bool nomem = false;
        for (unsigned k = 0; k < nthreads; k++)
            nomem |= ws[k].open_nomem;
        an_run_free_open(run);
        size_t tot = 0;
        for (unsigned k = 0; k < nthreads; k++)
            tot += ws[k].nopen;
        run->open = nomem ? NULL : parleyx_malloc(a, (tot ? tot : 1) * sp->d * sizeof(double));
        if (!run->open) {
            st = PARLEY_ERR_NOMEM;
            goto done;
        }
        run->capopen = tot ? tot : 1;
        for (unsigned k = 0; k < nthreads; k++) {
            if (ws[k].nopen)
                memcpy(run->open + run->nopen * sp->d, ws[k].open,
                       ws[k].nopen * sp->d * sizeof(double));
            run->nopen += ws[k].nopen;
        }
        run->stopped_at = (double)atomic_load(&sh.done_tasks) / (double)sh.ntasks;
        run->cut = true;
        sh.st = PARLEY_OK;
    }
    if (sh.st != PARLEY_OK) {
        st = sh.st;
        run->stopped_at = (double)atomic_load(&sh.done_tasks) / (double)sh.ntasks;
        goto done;
    }

    if (kind == AN_PASS_BEST) {
        /* the largest (f1, f2) of the workers; the tie sets of those that
         * reached it, merged (each is the frontier, with exact counts, of
         * the outcomes reaching it that the worker saw) */
        an_obj *ob = run->obj;
        ob->found = false;
        ob->dominated = atomic_load(&sh.dominated) != 0;
        for (unsigned k = 0; k < nthreads; k++)
            if (ws[k].found && (!ob->found || ws[k].best1 > ob->v1 ||
                                (ws[k].best1 == ob->v1 && ws[k].best2 > ob->v2))) {
                ob->found = true;
                ob->v1 = ws[k].best1;
                ob->v2 = ws[k].best2;
            }
        if (!ob->value_only && ob->found) {
            for (unsigned k = 0; k < nthreads; k++)
                if (!ws[k].found || ws[k].best1 != ob->v1 || ws[k].best2 != ob->v2)
                    an_arch_clear(&ws[k].arch);
            an_arch_clear(arch);
            st = merge_frontiers(arch, ws, nthreads);
            if (st == PARLEY_OK)
                frontier_finish(arch, sp->freemult, false);
        }
    } else if (kind == AN_PASS_COUNT) {
        an_count tot = {0, 0, 0};
        for (unsigned k = 0; k < nthreads; k++)
            an_count_add(&tot, ws[k].count);
        /* times the free issues (exact: at most the whole space) */
        an_count_mulc(tot, sp->freemult, count);
    } else {
        if (arch->seeded)
            merge_seeded(arch, ws, nthreads);
        else
            st = merge_frontiers(arch, ws, nthreads);
        if (st == PARLEY_OK)
            frontier_finish(arch, sp->freemult, run->cut);
    }
done:
    if (ws)
        for (unsigned k = 0; k < nthreads; k++)
            worker_free(&ws[k], sp);
    parleyx_free(a, ws, nalloc * sizeof(an_worker));
    an_arch_free(&tmpl);
    shared_free(&sh);
    return search_fail(st, &sh, arch, err);
}
