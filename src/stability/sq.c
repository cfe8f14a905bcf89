/*
 * sq.c -- status quo analysis and coalition stability of a finalized
 * graph model.
 *
 * parley_reach_from: breadth-first search from the status quo over every
 * DM's unilateral improvements (DMs in index order, targets in submask
 * order, then the queue order), keeping for each state reached the state
 * and DM it was first reached from, so each path is a shortest one.
 * Memory: 2^n parents (uint32) and movers (uint8) and a queue.
 *
 * parley_stability_coalition: breadth-first search over the coalition
 * members' unilateral moves from one state; a coalition improvement is a
 * reached state every member strictly prefers.  Sequences in which a
 * member moves twice in a row reach nothing more (stab.c explains why),
 * so the search ignores the rule that forbids them.
 */
#include "st.h"

struct parley_reach {
    const parley_graph *g;
    uint32_t sq;
    uint32_t *parent; /* NONE: not reached */
    uint8_t *mover;
};

#define NONE UINT32_MAX

parley_status parley_reach_from(const parley_graph *g, uint32_t status_quo, parley_reach **out,
                                parley_error *err)
{
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no place for the result");
    *out = NULL;
    if (!g || !g->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the graph model must be finalized first");
    if (status_quo >= g->S || !st_feasible(g, status_quo))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "the status quo %lu is not a feasible state", (unsigned long)status_quo);
    const parley_allocator *a = g->alloc;
    parley_reach *r = parleyx_calloc(a, 1, sizeof *r);
    uint32_t *queue = parleyx_malloc(a, g->S * sizeof(uint32_t));
    if (r) {
        r->parent = parleyx_malloc(a, g->S * sizeof(uint32_t));
        r->mover = parleyx_malloc(a, g->S);
    }
    if (!r || !queue || !r->parent || !r->mover) {
        parleyx_free(a, queue, g->S * sizeof(uint32_t));
        if (r)
            r->g = g;
        parley_reach_free(r);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    r->g = g;
    r->sq = status_quo;
    memset(r->parent, 0xff, g->S * sizeof(uint32_t));
    r->parent[status_quo] = status_quo;
    size_t head = 0, tail = 0;
    queue[tail++] = status_quo;
    while (head < tail) {
        uint32_t x = queue[head++];
        uint32_t fl = st_flippable(g, x);
        for (size_t j = 0; j < g->ndm; j++) {
            uint32_t m = g->dm[j].opts & fl;
            for (uint32_t d = m & (0u - m); d; d = (d - m) & m) {
                uint32_t t = x ^ d;
                if (!st_feasible(g, t) || r->parent[t] != NONE || !(g->P[j][t] > g->P[j][x]))
                    continue;
                r->parent[t] = x;
                r->mover[t] = (uint8_t)j;
                queue[tail++] = t;
            }
        }
    }
    parleyx_free(a, queue, g->S * sizeof(uint32_t));
    *out = r;
    return PARLEY_OK;
}

void parley_reach_free(parley_reach *r)
{
    if (!r)
        return;
    const parley_allocator *a = r->g ? r->g->alloc : NULL;
    uint64_t S = r->g ? r->g->S : 0;
    parleyx_free(a, r->parent, S * sizeof(uint32_t));
    parleyx_free(a, r->mover, S);
    parleyx_free(a, r, sizeof *r);
}

bool parley_reach_reached(const parley_reach *r, uint32_t state)
{
    return r && state < r->g->S && r->parent[state] != NONE;
}

size_t parley_reach_path(const parley_reach *r, uint32_t state, uint32_t *states, size_t *dms,
                         size_t cap)
{
    if (!parley_reach_reached(r, state))
        return SIZE_MAX;
    size_t n = 0;
    for (uint32_t x = state; x != r->sq; x = r->parent[x])
        n++;
    size_t k = n;
    for (uint32_t x = state; x != r->sq; x = r->parent[x]) {
        k--;
        if (k < cap) {
            if (states)
                states[k] = x;
            if (dms)
                dms[k] = r->mover[x];
        }
    }
    return n;
}

parley_status parley_stability_coalition(const parley_graph *g, uint32_t members, uint32_t state,
                                         bool *stable, uint32_t *to, parley_error *err)
{
    if (!g || !g->final || !stable)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the graph model must be finalized first");
    uint32_t all = g->ndm >= 32 ? 0xffffffffu : (1u << g->ndm) - 1;
    if (!members || (members & ~all))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "a coalition needs one or more of the decision makers");
    if (state >= g->S || !st_feasible(g, state))
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0, "state %lu is not feasible",
                            (unsigned long)state);
    const parley_allocator *a = g->alloc;
    size_t words = (size_t)((g->S + 63) / 64);
    uint64_t *seen = parleyx_calloc(a, words, sizeof(uint64_t));
    uint32_t *queue = parleyx_malloc(a, g->S * sizeof(uint32_t));
    if (!seen || !queue) {
        parleyx_free(a, seen, words * sizeof(uint64_t));
        parleyx_free(a, queue, g->S * sizeof(uint32_t));
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    uint32_t best = NONE;
    size_t head = 0, tail = 0;
    queue[tail++] = state;
    seen[state >> 6] |= (uint64_t)1 << (state & 63);
    while (head < tail) {
        uint32_t x = queue[head++];
        uint32_t fl = st_flippable(g, x);
        for (size_t j = 0; j < g->ndm; j++) {
            if (!(members & (1u << j)))
                continue;
            uint32_t m = g->dm[j].opts & fl;
            for (uint32_t d = m & (0u - m); d; d = (d - m) & m) {
                uint32_t t = x ^ d;
                if (!st_feasible(g, t) || ((seen[t >> 6] >> (t & 63)) & 1u))
                    continue;
                seen[t >> 6] |= (uint64_t)1 << (t & 63);
                queue[tail++] = t;
                bool better = true;
                for (size_t k = 0; k < g->ndm && better; k++)
                    if ((members & (1u << k)) && !(g->P[k][t] > g->P[k][state]))
                        better = false;
                if (better && t < best)
                    best = t;
            }
        }
    }
    parleyx_free(a, seen, words * sizeof(uint64_t));
    parleyx_free(a, queue, g->S * sizeof(uint32_t));
    *stable = best == NONE;
    if (to)
        *to = best;
    return PARLEY_OK;
}
