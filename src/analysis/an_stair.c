/*
 * an_stair.c -- a two-dimensional frontier under construction, for the
 * search's workers (prefix an_stair_).
 *
 * A worker offers leaves one at a time and asks, at every node, whether
 * the upper corner of a box is dominated.  Kept as one sorted array (the
 * two-dimensional an_arch), every new point moves half the array: the
 * search is quadratic when most leaves are Pareto-optimal (opposed
 * preferences: 4*10^5 leaves took 82 s, 10^6 did not end).  Here the
 * points live in sorted runs of geometric sizes (a log-structured merge):
 * run k holds fewer than AN_STAIR_BASE * AN_STAIR_GROW^k points, sorted by
 * u1 ascending (u2 then strictly descending, a staircase).  A new point
 * goes into run 0 (a short array, where the points it dominates are
 * removed); a full run is merged into the next.  In the other runs a
 * point dominated by a newer one is marked dead where it lies (runs
 * other than run 0 never take insertions, so they stay staircases) and
 * dropped at the next merge or compaction.  So an offer costs
 * O(log^2 n) comparisons plus O(log n) amortised moves, a query
 * O(log^2 n).
 *
 * Invariants: (1) the live points are mutually non-dominated and no two
 * are equal; (2) every dead point is dominated by a live point;
 * (3) no point ever offered dominates a live point.  Hence a dead point
 * may answer a dominance query (what it dominates, a live point
 * dominates), and a leaf equal to a dead point is dominated.  The live
 * points, their counts and their smallest outcomes are exactly those the
 * sorted array (an_search.c's arch_offer) keeps when fed the same leaves:
 * answers do not depend on the structure, and queries answer the same.
 *
 * Work: s->scans counts every comparison of a binary search, every point
 * moved in run 0 and every point copied by a merge or a compaction, so
 * that the search can charge what the set costs as work (an offer costs
 * O(log^2 n) of them, amortised) and a work limit bounds the time.
 *
 * Memory: everything goes through s->alloc; an_stair_free frees it.  A
 * failed offer (no memory, or the limit) leaves the set as it was.
 */
#include "an.h"

#include <string.h>

#define AN_STAIR_BASE 64 /* run 0: points inserted one by one */
#define AN_STAIR_GROW 8  /* each run may hold 8 times the one before */

void an_stair_init(an_stair *s, const parley_allocator *alloc, size_t m, size_t limit)
{
    memset(s, 0, sizeof *s);
    s->alloc = alloc;
    s->m = m;
    s->limit = limit;
    s->top = 1;
}

static void run_free(const an_stair *s, an_stair_run *r)
{
    parleyx_free(s->alloc, r->u, r->cap * 2 * sizeof(double));
    parleyx_free(s->alloc, r->cnt, r->cap * sizeof(an_count));
    parleyx_free(s->alloc, r->rep, r->cap * s->m * sizeof(uint32_t));
    parleyx_free(s->alloc, r->dead, r->cap);
    memset(r, 0, sizeof *r);
}

void an_stair_free(an_stair *s)
{
    for (size_t k = 0; k < AN_STAIR_RUNS; k++)
        if (s->run[k].cap)
            run_free(s, &s->run[k]);
}

/* Arrays for cap points in *r (empty); false when out of memory. */
static bool run_alloc(const an_stair *s, an_stair_run *r, size_t cap)
{
    memset(r, 0, sizeof *r);
    r->u = parleyx_malloc(s->alloc, cap * 2 * sizeof(double));
    r->cnt = parleyx_malloc(s->alloc, cap * sizeof(an_count));
    r->rep = s->m ? parleyx_malloc(s->alloc, cap * s->m * sizeof(uint32_t)) : NULL;
    r->dead = parleyx_calloc(s->alloc, cap, 1);
    r->cap = cap;
    if (!r->u || !r->cnt || (s->m && !r->rep) || !r->dead) {
        run_free(s, r);
        return false;
    }
    return true;
}

static size_t run_room(size_t k)
{
    size_t c = AN_STAIR_BASE;
    for (size_t i = 0; i < k && c < SIZE_MAX / AN_STAIR_GROW; i++)
        c *= AN_STAIR_GROW;
    return c;
}

/* First index of r whose u1 is at least x1 (the comparisons counted in
 * *scans). */
static size_t run_lower(const an_stair_run *r, double x1, uint64_t *scans)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        ++*scans;
        size_t mid = lo + (hi - lo) / 2;
        if (r->u[mid * 2] < x1)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Copy point i of src to the end of dst (room known). */
static void run_append(const an_stair *s, an_stair_run *dst, const an_stair_run *src, size_t i)
{
    size_t j = dst->n++;
    dst->u[j * 2] = src->u[i * 2];
    dst->u[j * 2 + 1] = src->u[i * 2 + 1];
    dst->cnt[j] = src->cnt[i];
    if (s->m)
        memcpy(dst->rep + j * s->m, src->rep + i * s->m, s->m * sizeof(uint32_t));
    dst->dead[j] = 0;
}

/* Merge the live points of runs k and k + 1 into run k + 1 (run k then
 * empty).  The live points of both form one staircase (invariant 1), so
 * the merge by u1 is sorted.  false when out of memory (nothing changed). */
static bool run_merge_up(an_stair *s, size_t k)
{
    an_stair_run *a = &s->run[k], *b = &s->run[k + 1], out;
    size_t live = (a->n - a->ndead) + (b->n - b->ndead);
    if (!run_alloc(s, &out, live ? live : 1))
        return false;
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        if (i < a->n && a->dead[i]) {
            i++;
        } else if (j < b->n && b->dead[j]) {
            j++;
        } else if (j == b->n || (i < a->n && a->u[i * 2] < b->u[j * 2])) {
            run_append(s, &out, a, i++);
        } else {
            run_append(s, &out, b, j++);
        }
    }
    s->scans += a->n + b->n;
    run_free(s, b);
    *b = out;
    a->n = a->ndead = 0;
    return true;
}

/* Drop the dead points of run r in place. */
static void run_compact(an_stair *s, an_stair_run *r)
{
    s->scans += r->n;
    size_t q = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->dead[i])
            continue;
        if (q != i) {
            r->u[q * 2] = r->u[i * 2];
            r->u[q * 2 + 1] = r->u[i * 2 + 1];
            r->cnt[q] = r->cnt[i];
            if (s->m)
                memcpy(r->rep + q * s->m, r->rep + i * s->m, s->m * sizeof(uint32_t));
        }
        r->dead[q++] = 0;
    }
    r->n = q;
    r->ndead = 0;
}

bool an_stair_dominates(an_stair *s, const double *x)
{
    for (size_t k = 0; k < s->top; k++) {
        const an_stair_run *r = &s->run[k];
        size_t i = run_lower(r, x[0], &s->scans);
        if (i == r->n)
            continue;
        double f2 = r->u[i * 2 + 1];
        if (f2 > x[1] || (f2 == x[1] && r->u[i * 2] > x[0]))
            return true;
    }
    return false;
}

/* Lexicographic comparison of outcomes: is a before b? */
static bool outcome_before(const uint32_t *a, const uint32_t *b, size_t m)
{
    for (size_t i = 0; i < m; i++)
        if (a[i] != b[i])
            return a[i] < b[i];
    return false;
}

/* Mark dead the points of run r that x strictly dominates: those with
 * u1 <= x1 and u2 <= x2, a stretch ending at i, the first index whose u1
 * reaches x1 (that point too when its u1 equals x1: its u2 is lower). */
static void run_kill(an_stair *s, an_stair_run *r, size_t i, const double *x)
{
    size_t e = i < r->n && r->u[i * 2] == x[0] ? i + 1 : i;
    size_t b = i;
    while (b > 0 && r->u[(b - 1) * 2 + 1] <= x[1])
        b--;
    s->scans += i - b + 1;
    for (size_t q = b; q < e; q++)
        if (!r->dead[q]) {
            r->dead[q] = 1;
            r->ndead++;
            s->live--;
        }
}

/* Room in run 0 for one more point: full runs are merged upwards.  false
 * when out of memory (the set is unchanged, only maybe merged). */
static bool stair_make_room(an_stair *s)
{
    an_stair_run *r0 = &s->run[0];
    if (!r0->cap && !run_alloc(s, r0, AN_STAIR_BASE))
        return false;
    if (r0->n < AN_STAIR_BASE)
        return true;
    for (size_t k = 0; k + 1 < AN_STAIR_RUNS && s->run[k].n >= run_room(k); k++) {
        if (!run_merge_up(s, k))
            return false;
        if (k + 2 > s->top)
            s->top = k + 2;
    }
    return r0->n < AN_STAIR_BASE;
}

/* Move cnt points of run 0 from index src to index dst. */
static void run0_move(an_stair *s, size_t dst, size_t src, size_t cnt)
{
    an_stair_run *r = &s->run[0];
    if (!cnt || dst == src)
        return;
    s->scans += cnt;
    memmove(r->u + dst * 2, r->u + src * 2, cnt * 2 * sizeof(double));
    memmove(r->cnt + dst, r->cnt + src, cnt * sizeof(an_count));
    if (s->m)
        memmove(r->rep + dst * s->m, r->rep + src * s->m, cnt * s->m * sizeof(uint32_t));
}

/* x into run 0, whose first index with u1 >= x1 is i, with count 1 and
 * outcome o (room made).  Run 0 has no dead points: the points x
 * dominates are removed, not marked (a point inserted among dead ones
 * could break the staircase order a query relies on). */
static void run0_insert(an_stair *s, size_t i, const double *x, const uint32_t *o, an_count c)
{
    an_stair_run *r = &s->run[0];
    size_t e = i < r->n && r->u[i * 2] == x[0] ? i + 1 : i;
    size_t b = i;
    while (b > 0 && r->u[(b - 1) * 2 + 1] <= x[1])
        b--;
    if (e == b) {
        run0_move(s, b + 1, b, r->n - b);
        r->n++;
    } else {
        run0_move(s, b + 1, e, r->n - e);
        r->n -= e - b - 1;
    }
    s->live -= e - b;
    r->u[b * 2] = x[0];
    r->u[b * 2 + 1] = x[1];
    r->cnt[b] = c;
    r->dead[b] = 0;
    if (s->m)
        memcpy(r->rep + b * s->m, o, s->m * sizeof(uint32_t));
    s->live++;
}

bool an_stair_offer(an_stair *s, const double *x, const uint32_t *o)
{
    an_count one = {1, 0, 0};
    return an_stair_offer_n(s, x, o, one);
}

bool an_stair_offer_n(an_stair *s, const double *x, const uint32_t *o, an_count c)
{
    if (!stair_make_room(s))
        return false;
    size_t at[AN_STAIR_RUNS];
    for (size_t k = 0; k < s->top; k++) {
        an_stair_run *r = &s->run[k];
        size_t i = at[k] = run_lower(r, x[0], &s->scans);
        if (i == r->n)
            continue;
        double f1 = r->u[i * 2], f2 = r->u[i * 2 + 1];
        if (f1 == x[0] && f2 == x[1]) { /* equal: it counts o; dead, x is dominated */
            if (!r->dead[i]) {
                an_count_add(&r->cnt[i], c);
                uint32_t *rep = r->rep + i * s->m;
                if (s->m && outcome_before(o, rep, s->m))
                    memcpy(rep, o, s->m * sizeof(uint32_t));
            }
            return true;
        }
        if (f2 > x[1] || (f2 == x[1] && f1 > x[0]))
            return true; /* dominated */
    }
    if (s->live + 1 > s->limit) {
        s->overflow = true;
        return false;
    }
    for (size_t k = 1; k < s->top; k++)
        run_kill(s, &s->run[k], at[k], x);
    run0_insert(s, at[0], x, o, c);
    for (size_t k = 1; k < s->top; k++) {
        an_stair_run *r = &s->run[k];
        if (r->ndead > AN_STAIR_BASE && r->ndead * 2 > r->n)
            run_compact(s, r);
    }
    return true;
}

bool an_stair_flush(an_stair *s, an_arch *a)
{
    for (size_t k = 0; k < s->top; k++) {
        const an_stair_run *r = &s->run[k];
        for (size_t i = 0; i < r->n; i++)
            if (!r->dead[i] && !an_arch_push(a, r->u + i * 2, r->cnt[i],
                                             s->m ? r->rep + i * s->m : NULL))
                return false;
    }
    an_stair_free(s);
    return true;
}
