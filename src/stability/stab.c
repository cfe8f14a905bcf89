/*
 * stab.c -- the stability analysis of a finalized graph model: for every
 * feasible state and DM, Nash, GMR, SMR, SEQ, SIM and SEQ+SIM stability
 * (docs/stability.md has the definitions and sources), and the witness
 * that explains an instability.
 *
 * The idea.  GMR, SMR and SEQ ask whether a state reachable by the
 * opponents from s1 (by any legal sequence of their unilateral moves, or
 * of their unilateral improvements for SEQ) is no better for the focal DM
 * i than s.  That is a question about the minimum of a value over the set
 * reachable from s1 in a directed graph, which one Tarjan pass gives for
 * every s1 at once: the minimum over a strongly connected component's
 * members and over the components it reaches.  The rule that no DM moves
 * twice in succession does not change which states are reachable: two
 * consecutive moves of the same DM a -> b -> c are one move a -> c (its
 * options change in permitted directions; c is feasible; for improvements
 * c is better than a for the mover), or nothing when c = a; so only s1
 * itself may be added, and s1 is better for i than s, so it never
 * sanctions.  SMR uses the value max(P_i(x), max P_i over i's moves from x)
 * in place of P_i(x).  SIM combines i's improvement with simultaneous
 * unilateral improvements of any of the opponents from s, checked by
 * enumeration with early exit.  The edges are never stored: a DM's moves
 * from x are the submasks of its options flippable at x.
 *
 * Cost: two Tarjan passes per DM, each O(states * opponents' moves), on
 * payoffs turned into dense 32-bit ranks; memory: the ranks, four arrays
 * of 2^n words for the DM at hand, about 21 bytes a state of scratch per
 * worker, plus the result (a bit per state, DM and concept, and a witness
 * per state, DM and concept).  Threads: DM by DM, the two passes run side
 * by side (with two workers or more), then the states are shared out in
 * interleaved chunks of 4096 (whole words of every bitset) over every
 * worker; each piece writes only its own part, so the result does not
 * depend on the number of workers.  All allocation happens on the calling
 * thread, before the workers start.
 */
#include "st.h"

#include <math.h>

struct parley_stability {
    const parley_graph *g;
    const parley_allocator *alloc;
    size_t words;   /* 64-bit words per bitset */
    uint64_t *bits; /* [concept][dm][words]: stable */
    uint64_t *eq;   /* [concept][words]: equilibrium */
    uint32_t *wit;  /* [concept][dm][S]: an unsanctioned improvement, or UINT32_MAX */
};

#define NONE UINT32_MAX

static inline void bit_set(uint64_t *b, uint32_t s)
{
    b[s >> 6] |= (uint64_t)1 << (s & 63);
}
static inline bool bit_get(const uint64_t *b, uint32_t s)
{
    return (b[s >> 6] >> (s & 63)) & 1u;
}

/* ------------------------------------------------ reachable minimum */

typedef struct rm_work {
    uint32_t *idx, *low, *stk, *call;
    uint32_t *itd;  /* per node: the current submask */
    uint8_t *itj;   /* per node: the current opponent */
    uint64_t *done; /* finished (component assigned) */
} rm_work;

/* The next neighbour of x in the opponents' graph of focal, resuming the
 * iterator (j, d); NONE when exhausted. */
static uint32_t rm_next(const parley_graph *g, const uint32_t *const *R, size_t focal,
                        bool improving, uint32_t x, uint8_t *j, uint32_t *d)
{
    uint32_t fl = st_flippable(g, x);
    while (*j < g->ndm) {
        if (*j == focal) {
            (*j)++;
            *d = 0;
            continue;
        }
        uint32_t m = g->dm[*j].opts & fl;
        if (m) {
            for (;;) {
                *d = (*d - m) & m;
                if (!*d)
                    break;
                uint32_t t = x ^ *d;
                if (!st_feasible(g, t))
                    continue;
                if (improving && !(R[*j][t] > R[*j][x]))
                    continue;
                return t;
            }
        }
        (*j)++;
        *d = 0;
    }
    return NONE;
}

/* For every feasible x: out0[x] = min of v0 over the states reachable
 * from x (x included), and out1 likewise for v1 when v1 is not NULL. */
static void reach_min(const parley_graph *g, const uint32_t *const *R, size_t focal,
                      bool improving, rm_work *w, const uint32_t *v0, const uint32_t *v1,
                      uint32_t *out0, uint32_t *out1)
{
    uint64_t S = g->S;
    memset(w->idx, 0, S * sizeof(uint32_t));
    memset(w->done, 0, ((S + 63) / 64) * sizeof(uint64_t));
    uint32_t counter = 0;
    size_t sp = 0, cp = 0;
    for (uint64_t r = 0; r < S; r++) {
        uint32_t root = (uint32_t)r;
        if (!st_feasible(g, root) || w->idx[root])
            continue;
        /* visit root */
        w->idx[root] = w->low[root] = ++counter;
        w->itj[root] = 0;
        w->itd[root] = 0;
        out0[root] = v0[root];
        if (v1)
            out1[root] = v1[root];
        w->stk[sp++] = root;
        w->call[cp++] = root;
        while (cp) {
            uint32_t x = w->call[cp - 1];
            uint32_t t = rm_next(g, R, focal, improving, x, &w->itj[x], &w->itd[x]);
            if (t != NONE) {
                if (!w->idx[t]) {
                    w->idx[t] = w->low[t] = ++counter;
                    w->itj[t] = 0;
                    w->itd[t] = 0;
                    out0[t] = v0[t];
                    if (v1)
                        out1[t] = v1[t];
                    w->stk[sp++] = t;
                    w->call[cp++] = t;
                } else {
                    if (!bit_get(w->done, t)) {
                        if (w->idx[t] < w->low[x])
                            w->low[x] = w->idx[t];
                    }
                    /* a finished component's value is final; an open
                     * one's is folded in when its component closes */
                    if (out0[t] < out0[x])
                        out0[x] = out0[t];
                    if (v1 && out1[t] < out1[x])
                        out1[x] = out1[t];
                }
                continue;
            }
            /* x is exhausted */
            cp--;
            if (w->low[x] == w->idx[x]) {
                uint32_t m0 = UINT32_MAX, m1 = UINT32_MAX;
                size_t k = sp;
                do {
                    uint32_t y = w->stk[--k];
                    if (out0[y] < m0)
                        m0 = out0[y];
                    if (v1 && out1[y] < m1)
                        m1 = out1[y];
                } while (w->stk[k] != x);
                while (sp > k) {
                    uint32_t y = w->stk[--sp];
                    out0[y] = m0;
                    if (v1)
                        out1[y] = m1;
                    bit_set(w->done, y);
                }
            }
            if (cp) {
                uint32_t p = w->call[cp - 1];
                if (w->low[x] < w->low[p])
                    w->low[p] = w->low[x];
                if (out0[x] < out0[p])
                    out0[p] = out0[x];
                if (v1 && out1[x] < out1[p])
                    out1[p] = out1[x];
            }
        }
    }
}

/* ------------------------------------------------------------- SIM */

/* Is there a choice, for each opponent of focal, of staying or taking one
 * of its improvements from s (the deltas in opt[j][0..nopt[j]-1]), such
 * that c = s1 ^ (the chosen deltas) is feasible and no better for focal
 * than s?  Depth-first over the opponents. */
static bool sim_search(const parley_graph *g, const uint32_t *Pf, uint32_t ps, uint32_t c,
                       size_t j, size_t focal, uint32_t *const *opt, const size_t *nopt)
{
    while (j < g->ndm && (j == focal || !nopt[j]))
        j++;
    if (j >= g->ndm)
        return st_feasible(g, c) && Pf[c] <= ps;
    if (sim_search(g, Pf, ps, c, j + 1, focal, opt, nopt))
        return true;
    for (size_t k = 0; k < nopt[j]; k++)
        if (sim_search(g, Pf, ps, c ^ opt[j][k], j + 1, focal, opt, nopt))
            return true;
    return false;
}

/* ------------------------------------------------------------ analyze */

static size_t cidx(const parley_stability *r, parley_concept c, size_t dm)
{
    return ((size_t)c * r->g->ndm + dm);
}

void parley_stability_free(parley_stability *st)
{
    if (!st)
        return;
    const parley_allocator *a = st->alloc;
    size_t nd = st->g->ndm;
    parleyx_free(a, st->bits, PARLEY_CONCEPT_COUNT * nd * st->words * sizeof(uint64_t));
    parleyx_free(a, st->eq, PARLEY_CONCEPT_COUNT * st->words * sizeof(uint64_t));
    parleyx_free(a, st->wit, PARLEY_CONCEPT_COUNT * nd * st->g->S * sizeof(uint32_t));
    parleyx_free(a, st, sizeof *st);
}

/* A worker's scratch (allocated before any worker starts: the allocator
 * is only called from the calling thread). */
typedef struct st_work {
    rm_work w;
    uint32_t *simopt[PARLEY_GRAPH_MAX_DMS];
    size_t simn[PARLEY_GRAPH_MAX_DMS], simcap[PARLEY_GRAPH_MAX_DMS];
    uint32_t *ui; /* the focal DM's improvements from the state at hand */
    size_t capui;
} st_work;

/* One piece of the work on focal DM f: the pass over the opponents' moves
 * (ST_MOVES: q, then m0 and m1), the pass over their improvements
 * (ST_IMPROVE: i0), or the states of chunks part, part + nparts, ...
 * (ST_STATES; a chunk is ST_CHUNK states, a multiple of 64, so that no two
 * pieces write one word of a bitset). */
enum { ST_MOVES, ST_IMPROVE, ST_STATES };
#define ST_CHUNK 4096u

typedef struct st_task {
    const parley_graph *g;
    const uint32_t *const *R; /* the DMs' payoffs as dense ranks */
    parley_stability *r;
    size_t f;
    int kind;
    size_t part, nparts;
    st_work *wk;
    uint32_t *q, *m0, *m1, *i0; /* shared: written by the passes, read by the states */
} st_task;

static void work_free(const parley_allocator *a, st_work *j, uint64_t S, size_t words)
{
    parleyx_free(a, j->w.idx, S * sizeof(uint32_t));
    parleyx_free(a, j->w.low, S * sizeof(uint32_t));
    parleyx_free(a, j->w.stk, S * sizeof(uint32_t));
    parleyx_free(a, j->w.call, S * sizeof(uint32_t));
    parleyx_free(a, j->w.itd, S * sizeof(uint32_t));
    parleyx_free(a, j->w.itj, S);
    parleyx_free(a, j->w.done, words * sizeof(uint64_t));
    for (size_t d = 0; d < PARLEY_GRAPH_MAX_DMS; d++)
        parleyx_free(a, j->simopt[d], j->simcap[d] * sizeof(uint32_t));
    parleyx_free(a, j->ui, j->capui * sizeof(uint32_t));
}

static bool work_alloc(const parley_allocator *a, st_work *j, const parley_graph *g, uint64_t S,
                       size_t words)
{
    j->w.idx = parleyx_malloc(a, S * sizeof(uint32_t));
    j->w.low = parleyx_malloc(a, S * sizeof(uint32_t));
    j->w.stk = parleyx_malloc(a, S * sizeof(uint32_t));
    j->w.call = parleyx_malloc(a, S * sizeof(uint32_t));
    j->w.itd = parleyx_malloc(a, S * sizeof(uint32_t));
    j->w.itj = parleyx_malloc(a, S);
    j->w.done = parleyx_malloc(a, words * sizeof(uint64_t));
    bool ok = j->w.idx && j->w.low && j->w.stk && j->w.call && j->w.itd && j->w.itj &&
              j->w.done;
    for (size_t d = 0; ok && d < g->ndm; d++) {
        size_t cap = (size_t)1 << __builtin_popcount(g->dm[d].opts);
        j->simopt[d] = parleyx_malloc(a, cap * sizeof(uint32_t));
        if (j->simopt[d])
            j->simcap[d] = cap;
        ok = j->simopt[d] != NULL;
        if (ok && cap > j->capui) {
            uint32_t *u = parleyx_realloc(a, j->ui, j->capui * sizeof(uint32_t),
                                          cap * sizeof(uint32_t));
            ok = u != NULL;
            if (ok) {
                j->ui = u;
                j->capui = cap;
            }
        }
    }
    return ok;
}

/* The states of one task: each DM's verdicts and witnesses. */
static void task_states(st_task *t)
{
    const parley_graph *g = t->g;
    parley_stability *r = t->r;
    st_work *j = t->wk;
    const uint32_t *const *R = t->R;
    size_t f = t->f, nd = g->ndm, words = r->words;
    uint64_t S = g->S;
    const uint32_t *P = R[f], *m0 = t->m0, *m1 = t->m1, *i0 = t->i0;
    uint32_t own = g->dm[f].opts;
    uint64_t *bn = r->bits + cidx(r, PARLEY_CONCEPT_NASH, f) * words;
    uint64_t *bg = r->bits + cidx(r, PARLEY_CONCEPT_GMR, f) * words;
    uint64_t *bs = r->bits + cidx(r, PARLEY_CONCEPT_SMR, f) * words;
    uint64_t *bq = r->bits + cidx(r, PARLEY_CONCEPT_SEQ, f) * words;
    uint64_t *bm = r->bits + cidx(r, PARLEY_CONCEPT_SIM, f) * words;
    uint64_t *bb = r->bits + cidx(r, PARLEY_CONCEPT_SEQSIM, f) * words;
    uint32_t *wn = r->wit + cidx(r, PARLEY_CONCEPT_NASH, f) * S;
    uint32_t *wg = r->wit + cidx(r, PARLEY_CONCEPT_GMR, f) * S;
    uint32_t *ws = r->wit + cidx(r, PARLEY_CONCEPT_SMR, f) * S;
    uint32_t *wq = r->wit + cidx(r, PARLEY_CONCEPT_SEQ, f) * S;
    uint32_t *wm = r->wit + cidx(r, PARLEY_CONCEPT_SIM, f) * S;
    uint32_t *wb = r->wit + cidx(r, PARLEY_CONCEPT_SEQSIM, f) * S;
    for (uint64_t lo = (uint64_t)t->part * ST_CHUNK; lo < S; lo += (uint64_t)t->nparts * ST_CHUNK) {
        uint64_t hi = lo + ST_CHUNK < S ? lo + ST_CHUNK : S;
        for (uint64_t s64 = lo; s64 < hi; s64++) {
            uint32_t s = (uint32_t)s64;
            if (!st_feasible(g, s))
                continue;
            uint32_t ps = P[s];
            uint32_t m = own & st_flippable(g, s);
            /* f's improvements from s, in increasing id (insertion sort:
             * at most 2^k - 1 of them) */
            size_t nui = 0;
            for (uint32_t d = m & (0u - m); d; d = (d - m) & m) {
                uint32_t u = s ^ d;
                if (!st_feasible(g, u) || !(P[u] > ps))
                    continue;
                size_t q2 = nui++;
                while (q2 > 0 && j->ui[q2 - 1] > u) {
                    j->ui[q2] = j->ui[q2 - 1];
                    q2--;
                }
                j->ui[q2] = u;
            }
            uint32_t best = NONE, ug = NONE, us = NONE, uq = NONE, um = NONE;
            for (size_t k = 0; k < nui; k++) {
                uint32_t u = j->ui[k];
                if (best == NONE || P[u] > P[best])
                    best = u; /* ties keep the lower id, met first */
                if (ug == NONE && !(m0[u] <= ps))
                    ug = u;
                if (us == NONE && !(m1[u] <= ps))
                    us = u;
                if (uq == NONE && !(i0[u] <= ps))
                    uq = u;
            }
            /* SIM: the first improvement (lowest id) no simultaneous answer
             * sanctions; the opponents' improvements from s are listed once */
            for (size_t k = 0; k < nui && um == NONE; k++) {
                if (k == 0) {
                    for (size_t o = 0; o < nd; o++) {
                        j->simn[o] = 0;
                        if (o == f)
                            continue;
                        uint32_t mo = g->dm[o].opts & st_flippable(g, s);
                        for (uint32_t e = mo & (0u - mo); e; e = (e - mo) & mo) {
                            uint32_t u = s ^ e;
                            if (st_feasible(g, u) && R[o][u] > R[o][s])
                                j->simopt[o][j->simn[o]++] = e;
                        }
                    }
                }
                if (!sim_search(g, P, ps, j->ui[k], 0, f, j->simopt, j->simn))
                    um = j->ui[k];
            }
            if (best == NONE)
                bit_set(bn, s);
            else
                wn[s] = best;
            if (ug == NONE)
                bit_set(bg, s);
            else
                wg[s] = ug;
            if (us == NONE)
                bit_set(bs, s);
            else
                ws[s] = us;
            if (uq == NONE)
                bit_set(bq, s);
            else
                wq[s] = uq;
            if (um == NONE)
                bit_set(bm, s);
            else
                wm[s] = um;
            if (uq == NONE && um == NONE)
                bit_set(bb, s);
            else
                wb[s] = uq < um ? uq : um;
        }
    }
}

static void *task_run(void *arg)
{
    st_task *t = arg;
    const parley_graph *g = t->g;
    const uint32_t *P = t->R[t->f];
    if (t->kind == ST_MOVES) {
        /* q: the most f can get from x in one move of its own, or x */
        uint32_t own = g->dm[t->f].opts;
        for (uint64_t x64 = 0; x64 < g->S; x64++) {
            uint32_t x = (uint32_t)x64;
            if (!st_feasible(g, x))
                continue;
            uint32_t best = P[x];
            uint32_t m = own & st_flippable(g, x);
            for (uint32_t d = m & (0u - m); d; d = (d - m) & m) {
                uint32_t u = x ^ d;
                if (st_feasible(g, u) && P[u] > best)
                    best = P[u];
            }
            t->q[x] = best;
        }
        reach_min(g, t->R, t->f, false, &t->wk->w, P, t->q, t->m0, t->m1);
    } else if (t->kind == ST_IMPROVE) {
        reach_min(g, t->R, t->f, true, &t->wk->w, P, NULL, t->i0, NULL);
    } else {
        task_states(t);
    }
    return NULL;
}

/* Dense ranks of a DM's payoffs over the feasible states (0 = the least
 * preferred; ties share a rank): the analysis compares only order, and
 * 32-bit ranks halve the memory the passes read at random.  rk_ holds
 * (key, state) pairs sorted by the radix sort. */
typedef struct rk_ {
    uint64_t key;
    uint32_t s;
} rk_;

static uint64_t rk_key(const void *e)
{
    return ((const rk_ *)e)->key;
}

/* An unsigned key in the order of the doubles (finite, -0 = +0). */
static uint64_t rk_order(double x)
{
    uint64_t u;
    if (x == 0)
        x = 0; /* -0 and +0 tie */
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
}

static void ranks(const parley_graph *g, size_t d, uint32_t *R, rk_ *v, rk_ *tmp, size_t *cnt)
{
    size_t n = 0;
    for (uint64_t s64 = 0; s64 < g->S; s64++) {
        uint32_t s = (uint32_t)s64;
        R[s] = 0;
        if (st_feasible(g, s))
            v[n++] = (rk_){rk_order(g->P[d][s]), s};
    }
    /* 16-bit digits pay off on large spaces; small ones take 8-bit digits
     * (256 counters to clear a pass, not 65536) */
    rk_ *sorted = g->S > 65536 ? parleyx_radix_sort(v, tmp, n, sizeof *v, rk_key, 16, 4, cnt)
                               : parleyx_radix_sort(v, tmp, n, sizeof *v, rk_key, 8, 8, cnt);
    uint32_t r = 0;
    for (size_t k = 0; k < n; k++) {
        if (k && sorted[k].key != sorted[k - 1].key)
            r++;
        R[sorted[k].s] = r;
    }
}

parley_status parley_stability_analyze(const parley_graph *g, unsigned threads,
                                       parley_stability **out, parley_error *err)
{
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no place for the result");
    *out = NULL;
    if (!g || !g->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the graph model must be finalized first");
    const parley_allocator *a = g->alloc;
    uint64_t S = g->S;
    size_t nd = g->ndm, words = (size_t)((S + 63) / 64);
    unsigned T = threads ? threads : 2;
    if (T > 64)
        T = 64;
    parley_stability *r = parleyx_calloc(a, 1, sizeof *r);
    if (!r)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    r->g = g;
    r->alloc = a;
    r->words = words;
    r->bits = parleyx_calloc(a, PARLEY_CONCEPT_COUNT * nd * words, sizeof(uint64_t));
    r->eq = parleyx_calloc(a, PARLEY_CONCEPT_COUNT * words, sizeof(uint64_t));
    r->wit = parleyx_malloc(a, PARLEY_CONCEPT_COUNT * nd * S * sizeof(uint32_t));
    st_work *works = parleyx_calloc(a, T, sizeof *works);
    st_task *tasks = parleyx_calloc(a, T > 2 ? T : 2, sizeof *tasks);
    uint32_t *q = parleyx_malloc(a, S * sizeof(uint32_t));
    uint32_t *m0 = parleyx_malloc(a, S * sizeof(uint32_t));
    uint32_t *m1 = parleyx_malloc(a, S * sizeof(uint32_t));
    uint32_t *i0 = parleyx_malloc(a, S * sizeof(uint32_t));
    uint32_t **R = parleyx_calloc(a, nd, sizeof *R);
    bool ok = r->bits && r->eq && r->wit && works && tasks && q && m0 && m1 && i0 && R;
    for (size_t d = 0; ok && d < nd; d++)
        ok = (R[d] = parleyx_malloc(a, S * sizeof(uint32_t))) != NULL;
    if (ok) {
        rk_ *v = parleyx_malloc(a, S * sizeof(rk_)), *tmp = parleyx_malloc(a, S * sizeof(rk_));
        size_t *cnt = parleyx_malloc(a, ((size_t)1 << 16) * sizeof(size_t));
        ok = v && tmp && cnt;
        for (size_t d = 0; ok && d < nd; d++)
            ranks(g, d, R[d], v, tmp, cnt);
        parleyx_free(a, v, S * sizeof(rk_));
        parleyx_free(a, tmp, S * sizeof(rk_));
        parleyx_free(a, cnt, ((size_t)1 << 16) * sizeof(size_t));
    }
    for (unsigned k = 0; ok && k < T; k++)
        ok = work_alloc(a, &works[k], g, S, words);
    parley_status st = PARLEY_OK;
    if (!ok) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0,
                          "out of memory for the stability analysis of %llu states",
                          (unsigned long long)S);
        goto done;
    }
    for (size_t i = 0; i < PARLEY_CONCEPT_COUNT * nd * S; i++)
        r->wit[i] = NONE;
    for (size_t f = 0; f < nd; f++) {
        /* the two passes, side by side when there are two workers */
        for (int k = 0; k < 2; k++)
            tasks[k] = (st_task){g, (const uint32_t *const *)R, r, f, k == 0 ? ST_MOVES : ST_IMPROVE,
                                 0, 1, &works[T >= 2 ? (unsigned)k : 0u], q, m0, m1, i0};
        if (T >= 2)
            parleyx_run_jobs(task_run, tasks, sizeof *tasks, 2);
        else {
            parleyx_run_jobs(task_run, &tasks[0], sizeof *tasks, 1);
            parleyx_run_jobs(task_run, &tasks[1], sizeof *tasks, 1);
        }
        /* the states, in interleaved chunks over every worker */
        for (unsigned k = 0; k < T; k++)
            tasks[k] = (st_task){g, (const uint32_t *const *)R, r, f, ST_STATES, k, T, &works[k],
                                 q, m0, m1, i0};
        parleyx_run_jobs(task_run, tasks, sizeof *tasks, T);
    }
    for (int c = 0; c < PARLEY_CONCEPT_COUNT; c++) {
        uint64_t *e = r->eq + (size_t)c * words;
        memcpy(e, g->feas, words * sizeof(uint64_t));
        for (size_t f = 0; f < nd; f++) {
            const uint64_t *b = r->bits + cidx(r, (parley_concept)c, f) * words;
            for (size_t k = 0; k < words; k++)
                e[k] &= b[k];
        }
    }
done:
    for (unsigned k = 0; works && k < T; k++)
        work_free(a, &works[k], S, words);
    parleyx_free(a, works, T * sizeof *works);
    parleyx_free(a, tasks, (T > 2 ? T : 2) * sizeof *tasks);
    parleyx_free(a, q, S * sizeof(uint32_t));
    parleyx_free(a, m0, S * sizeof(uint32_t));
    parleyx_free(a, m1, S * sizeof(uint32_t));
    parleyx_free(a, i0, S * sizeof(uint32_t));
    for (size_t d = 0; R && d < nd; d++)
        parleyx_free(a, R[d], S * sizeof(uint32_t));
    parleyx_free(a, R, nd * sizeof *R);
    if (st) {
        parley_stability_free(r);
        return st;
    }
    *out = r;
    return PARLEY_OK;
}

const parley_graph *parley_stability_graph(const parley_stability *st)
{
    return st ? st->g : NULL;
}

bool parley_stability_stable(const parley_stability *st, size_t dm, parley_concept c,
                             uint32_t state)
{
    if (!st || dm >= st->g->ndm || (unsigned)c >= PARLEY_CONCEPT_COUNT || state >= st->g->S)
        return false;
    return bit_get(st->bits + cidx(st, c, dm) * st->words, state) && st_feasible(st->g, state);
}

bool parley_stability_equilibrium(const parley_stability *st, parley_concept c, uint32_t state)
{
    if (!st || (unsigned)c >= PARLEY_CONCEPT_COUNT || state >= st->g->S)
        return false;
    return bit_get(st->eq + (size_t)c * st->words, state);
}

size_t parley_stability_equilibria(const parley_stability *st, parley_concept c, uint32_t *ids,
                                   size_t cap)
{
    if (!st || (unsigned)c >= PARLEY_CONCEPT_COUNT)
        return 0;
    size_t n = 0;
    const uint64_t *e = st->eq + (size_t)c * st->words;
    for (size_t k = 0; k < st->words; k++) {
        uint64_t v = e[k];
        while (v) {
            uint32_t s = (uint32_t)(k * 64 + (size_t)__builtin_ctzll(v));
            v &= v - 1;
            if (ids && n < cap)
                ids[n] = s;
            n++;
        }
    }
    return n;
}

parley_status parley_stability_explain(const parley_stability *st, parley_concept c,
                                       uint32_t state, size_t *dm, uint32_t *to)
{
    if (!st || (unsigned)c >= PARLEY_CONCEPT_COUNT || state >= st->g->S)
        return PARLEY_ERR_ARG;
    if (!st_feasible(st->g, state) || parley_stability_equilibrium(st, c, state))
        return PARLEY_ERR_NORESULT;
    for (size_t f = 0; f < st->g->ndm; f++) {
        uint32_t w = st->wit[cidx(st, c, f) * st->g->S + state];
        if (w != NONE) {
            if (dm)
                *dm = f;
            if (to)
                *to = w;
            return PARLEY_OK;
        }
    }
    return PARLEY_ERR_INTERNAL;
}
