/*
 * ng_index.c -- the implicit outcome index of a negotiator, for sessions
 * that do not enumerate the outcome space (more than
 * PARLEY_SESSION_MAX_OUTCOMES outcomes, up to what parley allows, or any
 * space when PARLEY_SESSION_IMPLICIT=1 forces it for tests), and the
 * outcome pool that names outcomes beyond 2^64.
 *
 * What it answers (ng.h lists the calls).  Over the outcomes that keep the
 * negotiator's red lines, with u its utility (pm_utility, the same
 * arithmetic as parley_utility):
 *   - the smallest u >= x, the largest u < x, the largest u, each with an
 *     outcome attaining it; among outcomes of equal utility the smallest
 *     id (or, on request, the largest), ids compared lexicographically,
 *     issue 0 first, which is the order of mixed-radix ids even when they
 *     do not fit in 64 bits.
 * These are the queries behind the enumerated ranked list (ng.h): rank[0]
 * is the best ok outcome, and "the worst ranked outcome with u >= x" is
 * the smallest u >= max(x, rv), ties to the largest id.
 *
 * How.  A depth-first branch and bound over the issues in order.  At a node
 * (issues 0..d-1 fixed) the utility of every completion lies in [lb, ub]:
 * the linear part folds, in issue order from 0.0, the fixed terms and then
 * the smallest (largest) term of each open issue; the interaction part
 * folds, in term order, a term's value when rule_eval_partial says its
 * condition holds for every completion, min(value, 0) (max(value, 0)) when
 * it is open, 0 when it fails for every completion; then the same
 * clamp01(L + I / idiv) and cap at 1 as pm_utility.  Floating-point
 * addition, division by a positive number and the clamps are monotone, so
 * these are exact bounds of the computed utilities, not approximations.  A
 * red line that fails for every completion prunes the node.  Values are
 * tried in the order of their linear term (ascending when minimising,
 * descending when maximising): the first leaf is a good incumbent; a node
 * is pruned when its bound cannot beat the incumbent, or can only tie it
 * with outcomes of worse id (its fixed prefix differs from the incumbent's
 * the wrong way).  So the answer is exact whenever the search ends.  When
 * an incumbent reaches the ideal (the root's bound, or the end of the range
 * asked) its utility is proven optimal: the first pass stops there and a
 * second pass, values in id order, finds the best id among the ties (the
 * first tie it meets), unless any id will do (value-only queries).  The
 * interaction terms' states are carried down the search (tstate): at a
 * node only the terms that mention the issue just fixed are evaluated, and
 * a leaf's utility is the fold of the decided states -- pm_utility's own
 * arithmetic, in the same order.  With interaction terms, a query with a
 * target (the finite end of its range) orders the values by how near the
 * estimated completion comes to it (ix_toward): the term order alone
 * leaves the dive far from the target when terms can add or subtract
 * (answers within 5e-3 of the exact one on 10^30 outcomes, against 1e-6).
 *
 * Work limit.  A search visits at most NG_IX_NODES nodes (the second pass
 * at least a quarter of that).  Past that it returns the best outcome
 * found (still inside the asked range: u >= x stays u >= x), and the index
 * records that the answer is not proven; the search is a pure function of
 * the query, so sessions stay deterministic.  Spaces of up to about
 * NG_IX_NODES / 6 outcomes are always answered exactly (both passes fit),
 * most up to about NG_IX_NODES / 2.
 *
 * Memo.  The last NG_IX_MEMO answers are kept: the same query is answered
 * from it, and a proven answer to "smallest u >= x" (found u*) also answers
 * every x' in [x, u*] (nothing lies in [x, u*) ), likewise for "largest
 * u < x".  A time-dependent negotiator asks for a slowly moving target, so
 * most of its turns cost a lookup.  ng_index_forget empties the memo at the
 * start of each run, so that a run never depends on an earlier one.
 *
 * Memory.  Everything from the session's allocator: the index owns its
 * value orders, scratch vectors and memo, freed by ng_index_free.  The
 * scenario's tables are borrowed.
 */
#include "negotiation/ng.h"
#include "model/rule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NG_IX_NODES 50000u
#define NG_IX_MEMO 16

typedef struct ix_query {
    bool maximise;     /* objective: largest u (else smallest) */
    bool largest_id;   /* ties: the largest id (else the smallest) */
    bool any_id;       /* only the utility matters: any outcome attaining it */
    double lo, hi;     /* the range asked: u in lo..hi */
    bool lo_open, hi_open;
    bool all;             /* every outcome, red lines or not */
    const uint32_t *after; /* only ids above this outcome (NULL: any); not memoised */
} ix_query;

typedef struct ix_memo {
    bool used, found, exact;
    ix_query q;
    double u;
    uint32_t *v; /* m values */
} ix_memo;

struct ng_index {
    const parley_allocator *a;
    const parley_scenario *sc;
    const pm_party *pa;
    size_t party, m, np;
    const uint32_t *values;
    double *tmax, *tmin;   /* per issue: the largest and smallest term */
    uint32_t *asc, *desc;  /* per issue: value orders by term (off[i] + r) */
    uint32_t *ordbuf;      /* per issue: the order toward a target (off[i] + r) */
    double *keybuf;        /* its keys, by value index (off[i] + k) */
    double *restmid;       /* restmid[i]: sum of the term midpoints of issues >= i */
    bool have_target;
    double target;         /* the range's finite end the search heads for */
    size_t *off, tot;
    uint32_t *cur, *inc;   /* the node's prefix, the incumbent */
    uint32_t *tmpv;        /* ng_index_near's second answer */
    uint32_t *after;       /* ng_index_next's reference outcome */
    bool *assigned;
    double *ulo, *uhi;     /* 0 and 1 for every party (rules with utility()) */
    /* interaction terms: tstate[d * nt + t] is rule_eval_partial of term t
     * with issues 0..d-1 fixed (1, 0, -1); only the terms that mention
     * issue d (tby[tbyoff[d] .. tbyoff[d + 1]]) can change from depth d to
     * d + 1 */
    size_t nt;
    int8_t *tstate;
    size_t *tby, *tbyoff, ntby;
    /* the running search */
    ix_query q;
    bool have_inc;
    double inc_u;
    unsigned long nodes, limit;
    bool stopped;
    bool lex;              /* second phase: values in id order */
    bool proven;           /* the incumbent's utility is the ideal: optimal */
    bool have_ideal;
    double ideal;          /* no answer can beat this (root bound, range end) */
    ix_memo memo[NG_IX_MEMO];
    size_t memo_next;
    unsigned long searches, total_nodes; /* for benchmarks */
};

/* ------------------------------------------------------------ bounds */

static double ix_clamp(const pm_party *pa, double lin, double inter)
{
    double s = lin;
    if (pa->nterms) {
        s = lin + inter / pa->idiv;
        s = s > 0.0 ? s : 0.0;
    }
    return s < 1.0 ? s : 1.0;
}

/* The bounds [*lb, *ub] of every completion of the prefix cur[0..d),
 * whose linear fold is lin; false when a red line fails for all of them. */
static bool ix_bounds(ng_index *ix, size_t d, double lin, double *lb, double *ub, double *sure)
{
    *sure = 0.0;
    const pm_party *pa = ix->pa;
    for (size_t r = 0; !ix->q.all && r < pa->nredlines; r++)
        if (rule_eval_partial(pa->redlines[r].rule, ix->cur, ix->assigned, ix->ulo, ix->uhi) == 0)
            return false;
    if (!pa->terms) {
        *lb = *ub = 0.0;
        return true;
    }
    double l = lin, h = lin;
    for (size_t i = d; i < ix->m; i++) {
        l += ix->tmin[i];
        h += ix->tmax[i];
    }
    double il = 0.0, ih = 0.0;
    const int8_t *row = ix->tstate + d * ix->nt;
    for (size_t t = 0; t < pa->nterms; t++) {
        double v = pa->iterms[t].value;
        int r = row[t];
        if (r == 1) {
            il += v;
            ih += v;
            *sure += v;
        } else if (r < 0) {
            il += v < 0.0 ? v : 0.0;
            ih += v > 0.0 ? v : 0.0;
        }
    }
    *lb = ix_clamp(pa, l, il);
    *ub = ix_clamp(pa, h, ih);
    return true;
}

/* -1, 0, 1: the prefix cur[0..d) against the incumbent's. */
static int ix_prefix_cmp(const ng_index *ix, size_t d)
{
    for (size_t i = 0; i < d; i++)
        if (ix->cur[i] != ix->inc[i])
            return ix->cur[i] < ix->inc[i] ? -1 : 1;
    return 0;
}

/* -1, 0, 1: the prefix cur[0..d) against after's. */
static int ix_cmp_after(const ng_index *ix, size_t d)
{
    for (size_t i = 0; i < d; i++)
        if (ix->cur[i] != ix->q.after[i])
            return ix->cur[i] < ix->q.after[i] ? -1 : 1;
    return 0;
}

static bool ix_in_range(const ix_query *q, double u)
{
    if (u < q->lo || (q->lo_open && u == q->lo))
        return false;
    if (u > q->hi || (q->hi_open && u == q->hi))
        return false;
    return true;
}

/* True when a node with bounds [lb, ub] (prefix of length d) cannot hold
 * an answer better than the incumbent. */
static bool ix_prune(const ng_index *ix, size_t d, double lb, double ub)
{
    const ix_query *q = &ix->q;
    if (q->after && ix_cmp_after(ix, d) < 0) /* every completion is below `after` */
        return true;
    if (ub < q->lo || (q->lo_open && ub <= q->lo))
        return true;
    if (lb > q->hi || (q->hi_open && lb >= q->hi))
        return true;
    if (!ix->have_inc)
        return false;
    double edge = q->maximise ? ub : lb;
    if (q->maximise ? edge < ix->inc_u : edge > ix->inc_u)
        return true;
    if (edge == ix->inc_u) { /* can only tie: keep it if its ids may be better */
        if (q->any_id)
            return true;
        int c = ix_prefix_cmp(ix, d);
        return q->largest_id ? c < 0 : c > 0;
    }
    return false;
}

/* A complete outcome, whose linear fold is lin: its utility is the fold of
 * the decided term states, the same arithmetic as pm_utility. */
static void ix_leaf(ng_index *ix, double lin)
{
    const pm_party *pa = ix->pa;
    double u = 0.0;
    if (pa->terms) {
        double in = 0.0;
        const int8_t *row = ix->tstate + ix->m * ix->nt;
        for (size_t t = 0; t < ix->nt; t++)
            if (row[t] == 1)
                in += pa->iterms[t].value;
        u = ix_clamp(pa, lin, in);
    }
    if (!ix_in_range(&ix->q, u))
        return;
    if (!ix->q.all && ix->pa->nredlines && !parley_redlines_hold(ix->sc, ix->party, ix->cur))
        return;
    if (ix->q.after && ix_cmp_after(ix, ix->m) <= 0)
        return;
    if (ix->have_inc) {
        bool better = ix->q.maximise ? u > ix->inc_u : u < ix->inc_u;
        if (!better) {
            if (u != ix->inc_u || ix->q.any_id)
                return;
            int c = ix_prefix_cmp(ix, ix->m);
            if (ix->q.largest_id ? c <= 0 : c >= 0)
                return;
        }
    }
    memcpy(ix->inc, ix->cur, ix->m * sizeof *ix->cur);
    ix->inc_u = u;
    ix->have_inc = true;
    if (ix->have_ideal && u == ix->ideal) {
        /* optimal: only a better id could follow, which the id-ordered
         * phase finds first (or nothing, when any id will do) */
        ix->proven = true;
        if (!ix->lex)
            ix->stopped = true;
    }
}

/* The values of issue d (assigned[d] set) in the order of how near the
 * completion's estimated utility comes to the target: the linear fold so
 * far plus the value's term plus the midpoints of the issues after it,
 * plus the interaction terms sure with the value (the decided ones, and
 * those of issue d it decides to hold), divided as in the utility.  A
 * heuristic only: it orders the search, it never prunes.  Ties by value
 * index. */
static const uint32_t *ix_toward(ng_index *ix, size_t d, double lin, double sure)
{
    const pm_party *pa = ix->pa;
    const double *t = pa->terms[d];
    uint32_t nv = ix->values[d];
    uint32_t *ord = ix->ordbuf + ix->off[d];
    double *key = ix->keybuf + ix->off[d];
    double base = lin + ix->restmid[d + 1];
    const int8_t *up = ix->nt ? ix->tstate + d * ix->nt : NULL;
    for (uint32_t k = 0; k < nv; k++) {
        double in = sure;
        if (up) {
            ix->cur[d] = k;
            for (size_t j = ix->tbyoff[d]; j < ix->tbyoff[d + 1]; j++) {
                size_t x = ix->tby[j];
                if (up[x] < 0 &&
                    rule_eval_partial(pa->iterms[x].rule, ix->cur, ix->assigned, NULL, NULL) == 1)
                    in += pa->iterms[x].value;
            }
        }
        double est = base + t[k] + (pa->nterms ? in / pa->idiv : 0.0);
        key[k] = fabs(est - ix->target);
        uint32_t r = k; /* insertion, stable by value index */
        while (r > 0 && key[ord[r - 1]] > key[k]) {
            ord[r] = ord[r - 1];
            r--;
        }
        ord[r] = k;
    }
    return ord;
}

static void ix_dfs(ng_index *ix, size_t d, double lin)
{
    if (ix->stopped)
        return;
    if (++ix->nodes > ix->limit) {
        ix->stopped = true;
        return;
    }
    if (d == ix->m) {
        ix_leaf(ix, lin);
        return;
    }
    double lb, ub, sure;
    if (!ix_bounds(ix, d, lin, &lb, &ub, &sure))
        return;
    if (d == 0 && !ix->lex) { /* the best any answer can be */
        const ix_query *q = &ix->q;
        ix->ideal = q->maximise ? ub : lb;
        if (q->maximise && !q->hi_open && q->hi < ix->ideal)
            ix->ideal = q->hi;
        if (!q->maximise && !q->lo_open && q->lo > ix->ideal)
            ix->ideal = q->lo;
        ix->have_ideal = true;
    }
    if (ix_prune(ix, d, lb, ub))
        return;
    const uint32_t *ord = (ix->q.maximise ? ix->desc : ix->asc) + ix->off[d];
    const double *t = ix->pa->terms ? ix->pa->terms[d] : NULL;
    uint32_t nv = ix->values[d];
    ix->assigned[d] = true;
    if (!ix->lex && ix->have_target && t && ix->nt) /* (linear: the term order does as well) */
        ord = ix_toward(ix, d, lin, sure);
    for (uint32_t r = 0; r < nv && !ix->stopped; r++) {
        uint32_t k = !ix->lex ? ord[r] : ix->q.largest_id ? nv - 1 - r : r;
        ix->cur[d] = k;
        if (ix->nt) { /* the child's term states */
            const int8_t *up = ix->tstate + d * ix->nt;
            int8_t *row = ix->tstate + (d + 1) * ix->nt;
            memcpy(row, up, ix->nt);
            for (size_t j = ix->tbyoff[d]; j < ix->tbyoff[d + 1]; j++) {
                size_t x = ix->tby[j];
                if (up[x] < 0)
                    row[x] = (int8_t)rule_eval_partial(ix->pa->iterms[x].rule, ix->cur,
                                                       ix->assigned, NULL, NULL);
            }
        }
        ix_dfs(ix, d + 1, t ? lin + t[k] : lin);
    }
    ix->assigned[d] = false;
    ix->cur[d] = 0;
}

/* ------------------------------------------------------------ memo */

static bool same_query(const ix_query *a, const ix_query *b)
{
    return a->maximise == b->maximise && a->largest_id == b->largest_id &&
           a->any_id == b->any_id && a->all == b->all && a->lo == b->lo &&
           a->hi == b->hi && a->lo_open == b->lo_open && a->hi_open == b->hi_open;
}

/* A memo entry that answers q: the same query, or a proven one-sided
 * answer whose empty gap covers q. */
static const ix_memo *memo_find(const ng_index *ix, const ix_query *q)
{
    for (size_t k = 0; k < NG_IX_MEMO; k++) {
        const ix_memo *e = &ix->memo[k];
        if (!e->used)
            continue;
        if (same_query(&e->q, q))
            return e;
        if (!e->exact || e->q.maximise != q->maximise || e->q.largest_id != q->largest_id ||
            e->q.any_id != q->any_id || e->q.all != q->all)
            continue;
        /* smallest u >= x (closed, no upper end): nothing in [x, u*) */
        if (!q->maximise && !e->q.lo_open && !q->lo_open && e->q.hi == INFINITY &&
            q->hi == INFINITY &&
            q->lo >= e->q.lo && (!e->found || q->lo <= e->u))
            return e;
        /* largest u < x (open, no lower end): nothing in (u*, x) */
        if (q->maximise && e->q.hi_open && q->hi_open && e->q.lo == -INFINITY &&
            q->lo == -INFINITY &&
            q->hi <= e->q.hi && (!e->found || q->hi > e->u))
            return e;
    }
    return NULL;
}

static void memo_put(ng_index *ix, bool found, bool exact, double u)
{
    ix_memo *e = &ix->memo[ix->memo_next];
    ix->memo_next = (ix->memo_next + 1) % NG_IX_MEMO;
    e->used = true;
    e->found = found;
    e->exact = exact;
    e->q = ix->q;
    e->u = u;
    if (found)
        memcpy(e->v, ix->inc, ix->m * sizeof *e->v);
}

void ng_index_forget(ng_index *ix)
{
    if (!ix)
        return;
    for (size_t k = 0; k < NG_IX_MEMO; k++)
        ix->memo[k].used = false;
    ix->memo_next = 0;
}

/* One depth-first pass of at most limit nodes (lex: values in id order). */
static void ix_run(ng_index *ix, bool lex, unsigned long limit)
{
    ix->lex = lex;
    ix->nodes = 0;
    ix->limit = limit;
    ix->stopped = false;
    memset(ix->cur, 0, ix->m * sizeof *ix->cur);
    memset(ix->assigned, 0, ix->m * sizeof *ix->assigned);
    ix_dfs(ix, 0, 0.0);
}

/* Run (or recall) q: true with the outcome in out and its utility in *u,
 * false when no outcome keeping the red lines is in range (or none was
 * found within the work limit). */
static bool ix_search(ng_index *ix, const ix_query *q, uint32_t *out, double *u)
{
    const ix_memo *e = q->after ? NULL : memo_find(ix, q);
    if (e) {
        if (e->found) {
            memcpy(out, e->v, ix->m * sizeof *out);
            *u = e->u;
        }
        return e->found;
    }
    ix->q = *q;
    ix->have_inc = false;
    ix->inc_u = 0.0;
    ix->proven = false;
    ix->have_ideal = false;
    ix->have_target = q->maximise ? isfinite(q->hi) : isfinite(q->lo);
    ix->target = q->maximise ? q->hi : q->lo;
    /* phase 1: values by term, until done, proven or out of work */
    ix_run(ix, false, NG_IX_NODES);
    unsigned long used = ix->nodes;
    bool exact = !ix->stopped;
    if (ix->stopped && ix->proven) {
        exact = q->any_id;
        if (!exact) { /* phase 2: the value is known; the best id, in id order */
            unsigned long rest = NG_IX_NODES - used;
            ix_run(ix, true, rest > NG_IX_NODES / 4 ? rest : NG_IX_NODES / 4);
            used += ix->nodes;
            exact = !ix->stopped;
        }
    }
    ix->searches++;
    ix->total_nodes += used;
    if (!q->after)
        memo_put(ix, ix->have_inc, exact, ix->inc_u);
    if (!ix->have_inc)
        return false;
    memcpy(out, ix->inc, ix->m * sizeof *out);
    *u = ix->inc_u;
    return true;
}

bool ng_index_query(ng_index *ix, bool maximise, bool largest_id, double lo, bool lo_open,
                    double hi, bool hi_open, uint32_t *out, double *u)
{
    ix_query q = {maximise, largest_id, false, lo, hi, lo_open, hi_open, false, NULL};
    return ix_search(ix, &q, out, u);
}

bool ng_index_at_least(ng_index *ix, double x, bool largest_id, uint32_t *out, double *u)
{
    ix_query q = {false, largest_id, false, x, INFINITY, false, false, false, NULL};
    return ix_search(ix, &q, out, u);
}

bool ng_index_below(ng_index *ix, double x, uint32_t *out, double *u)
{
    ix_query q = {true, false, false, -INFINITY, x, false, true, false, NULL};
    return ix_search(ix, &q, out, u);
}

bool ng_index_best(ng_index *ix, uint32_t *out, double *u)
{
    ix_query q = {true, false, false, -INFINITY, INFINITY, false, false, false, NULL};
    return ix_search(ix, &q, out, u);
}

bool ng_index_value(ng_index *ix, bool maximise, double lo, double *u)
{
    ix_query q = {maximise, false, true, lo, INFINITY, false, false, false, NULL};
    return ix_search(ix, &q, ix->tmpv, u);
}

bool ng_index_value_all(ng_index *ix, bool maximise, double *u)
{
    ix_query q = {maximise, false, true, -INFINITY, INFINITY, false, false, true, NULL};
    return ix_search(ix, &q, ix->tmpv, u);
}

bool ng_index_next(ng_index *ix, const uint32_t *o, double uo, double rv, uint32_t *out,
                   double *u)
{
    memcpy(ix->after, o, ix->m * sizeof *o); /* o may be out */
    ix_query q = {true, false, false, uo, uo, false, false, false, ix->after};
    if (ix_search(ix, &q, out, u))
        return true;
    ix_query b = {true, false, false, rv, uo, false, true, false, NULL};
    return ix_search(ix, &b, out, u);
}

bool ng_index_near(ng_index *ix, double x, uint32_t *out, double *u)
{
    double ua = 0.0, uc = 0.0;
    bool a = ng_index_at_least(ix, x, false, out, &ua);
    if (a && ua == x) {
        *u = ua;
        return true;
    }
    bool c = ng_index_below(ix, x, ix->tmpv, &uc);
    if (c && (!a || fabs(uc - x) < fabs(ua - x))) { /* strictly closer below */
        memcpy(out, ix->tmpv, ix->m * sizeof *out);
        *u = uc;
        return true;
    }
    *u = ua;
    return a;
}

void ng_index_stats(const ng_index *ix, unsigned long *searches, unsigned long *nodes)
{
    *searches = ix ? ix->searches : 0;
    *nodes = ix ? ix->total_nodes : 0;
}

/* ------------------------------------------------------------ setup */

typedef struct ord_item {
    double t;
    uint32_t k;
} ord_item;

static int ord_cmp(const void *x, const void *y)
{
    const ord_item *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->k < b->k ? -1 : (a->k > b->k);
}

/* Mark in seen[] the issues rule r mentions. */
static void rule_issues(const rule *r, bool *seen)
{
    if (!r)
        return;
    if (r->op == RULE_ISSUE_IN)
        seen[r->issue] = true;
    rule_issues(r->a, seen);
    rule_issues(r->b, seen);
}

/* The term states' rows and the terms by issue; false when out of
 * memory. */
static bool ix_terms_setup(ng_index *ix)
{
    const pm_party *pa = ix->pa;
    ix->nt = pa->nterms;
    if (!ix->nt)
        return true;
    size_t m = ix->m, cnt = 0;
    bool *seen = parleyx_calloc(ix->a, m ? m : 1, sizeof(bool));
    ix->tstate = parleyx_calloc(ix->a, (m + 1) * ix->nt, 1);
    ix->tbyoff = parleyx_calloc(ix->a, m + 1, sizeof(size_t));
    if (!seen || !ix->tstate || !ix->tbyoff) {
        parleyx_free(ix->a, seen, (m ? m : 1) * sizeof(bool));
        return false;
    }
    for (int pass = 0; pass < 2; pass++) { /* count, then fill */
        size_t *fill = pass ? parleyx_calloc(ix->a, m ? m : 1, sizeof(size_t)) : NULL;
        if (pass && !fill) {
            parleyx_free(ix->a, seen, (m ? m : 1) * sizeof(bool));
            return false;
        }
        for (size_t t = 0; t < ix->nt; t++) {
            memset(seen, 0, m * sizeof(bool));
            rule_issues(pa->iterms[t].rule, seen);
            for (size_t i = 0; i < m; i++)
                if (seen[i]) {
                    if (pass)
                        ix->tby[ix->tbyoff[i] + fill[i]++] = t;
                    else
                        ix->tbyoff[i + 1]++;
                }
        }
        if (!pass) {
            for (size_t i = 0; i < m; i++)
                ix->tbyoff[i + 1] += ix->tbyoff[i];
            cnt = ix->tbyoff[m];
            ix->tby = parleyx_calloc(ix->a, cnt ? cnt : 1, sizeof(size_t));
            ix->ntby = cnt; /* (ng_index_free's size) */
            if (!ix->tby) {
                parleyx_free(ix->a, seen, (m ? m : 1) * sizeof(bool));
                return false;
            }
        } else {
            parleyx_free(ix->a, fill, (m ? m : 1) * sizeof(size_t));
        }
    }
    parleyx_free(ix->a, seen, (m ? m : 1) * sizeof(bool));
    for (size_t t = 0; t < ix->nt; t++) /* nothing fixed */
        ix->tstate[t] = (int8_t)rule_eval_partial(pa->iterms[t].rule, ix->cur, ix->assigned,
                                                  NULL, NULL);
    return true;
}

ng_index *ng_index_new(const parley_session *s, size_t party)
{
    const parley_allocator *a = s->a;
    ng_index *ix = parleyx_calloc(a, 1, sizeof *ix);
    if (!ix)
        return NULL;
    ix->a = a;
    ix->sc = s->sc;
    ix->pa = &s->sc->parties[party];
    ix->party = party;
    ix->m = s->nissues;
    ix->np = s->nparties;
    ix->values = s->values;
    size_t m = ix->m ? ix->m : 1, tot = 0, maxv = 1;
    for (size_t i = 0; i < ix->m; i++) {
        tot += s->values[i];
        maxv = s->values[i] > maxv ? s->values[i] : maxv;
    }
    ix->tot = tot;
    ix->tmax = parleyx_calloc(a, m, sizeof(double));
    ix->tmin = parleyx_calloc(a, m, sizeof(double));
    ix->off = parleyx_calloc(a, m, sizeof(size_t));
    ix->asc = parleyx_calloc(a, tot ? tot : 1, sizeof(uint32_t));
    ix->desc = parleyx_calloc(a, tot ? tot : 1, sizeof(uint32_t));
    ix->ordbuf = parleyx_calloc(a, tot ? tot : 1, sizeof(uint32_t));
    ix->keybuf = parleyx_calloc(a, tot ? tot : 1, sizeof(double));
    ix->restmid = parleyx_calloc(a, ix->m + 1, sizeof(double));
    ix->cur = parleyx_calloc(a, m, sizeof(uint32_t));
    ix->inc = parleyx_calloc(a, m, sizeof(uint32_t));
    ix->tmpv = parleyx_calloc(a, m, sizeof(uint32_t));
    ix->after = parleyx_calloc(a, m, sizeof(uint32_t));
    ix->assigned = parleyx_calloc(a, m, sizeof(bool));
    ix->ulo = parleyx_calloc(a, ix->np ? ix->np : 1, sizeof(double));
    ix->uhi = parleyx_calloc(a, ix->np ? ix->np : 1, sizeof(double));
    ord_item *items = parleyx_calloc(a, maxv, sizeof(ord_item));
    bool ok = ix->tmax && ix->tmin && ix->off && ix->asc && ix->desc && ix->ordbuf &&
              ix->keybuf && ix->restmid && ix->cur && ix->inc && ix->tmpv && ix->after &&
              ix->assigned && ix->ulo && ix->uhi && items;
    for (size_t k = 0; ok && k < NG_IX_MEMO; k++) {
        ix->memo[k].v = parleyx_calloc(a, m, sizeof(uint32_t));
        ok = ix->memo[k].v != NULL;
    }
    if (!ok) {
        parleyx_free(a, items, maxv * sizeof(ord_item));
        ng_index_free(ix);
        return NULL;
    }
    for (size_t p = 0; p < ix->np; p++)
        ix->uhi[p] = 1.0;
    size_t o = 0;
    for (size_t i = 0; i < ix->m; i++) {
        uint32_t nv = s->values[i];
        const double *t = ix->pa->terms ? ix->pa->terms[i] : NULL;
        ix->off[i] = o;
        if (t)
            pm_terms_range(t, nv, &ix->tmax[i], &ix->tmin[i]);
        for (uint32_t k = 0; k < nv; k++) {
            items[k].t = t ? t[k] : 0.0;
            items[k].k = k;
        }
        qsort(items, nv, sizeof *items, ord_cmp);
        for (uint32_t r = 0; r < nv; r++)
            ix->asc[o + r] = items[r].k;
        /* descending by term, ties by value index ascending */
        uint32_t r = 0;
        for (uint32_t hi = nv; hi > 0;) {
            uint32_t lo = hi - 1;
            while (lo > 0 && items[lo - 1].t == items[hi - 1].t)
                lo--;
            for (uint32_t j = lo; j < hi; j++)
                ix->desc[o + r++] = items[j].k;
            hi = lo;
        }
        o += nv;
    }
    parleyx_free(a, items, maxv * sizeof(ord_item));
    for (size_t i = ix->m; i-- > 0;)
        ix->restmid[i] = ix->restmid[i + 1] + (ix->tmin[i] + ix->tmax[i]) / 2.0;
    if (!ix_terms_setup(ix)) {
        ng_index_free(ix);
        return NULL;
    }
    return ix;
}

void ng_index_free(ng_index *ix)
{
    if (!ix)
        return;
    const parley_allocator *a = ix->a;
    size_t m = ix->m ? ix->m : 1, tot = ix->tot ? ix->tot : 1;
    parleyx_free(a, ix->tmax, m * sizeof(double));
    parleyx_free(a, ix->tmin, m * sizeof(double));
    parleyx_free(a, ix->off, m * sizeof(size_t));
    parleyx_free(a, ix->asc, tot * sizeof(uint32_t));
    parleyx_free(a, ix->desc, tot * sizeof(uint32_t));
    parleyx_free(a, ix->ordbuf, tot * sizeof(uint32_t));
    parleyx_free(a, ix->keybuf, tot * sizeof(double));
    parleyx_free(a, ix->restmid, (ix->m + 1) * sizeof(double));
    parleyx_free(a, ix->cur, m * sizeof(uint32_t));
    parleyx_free(a, ix->inc, m * sizeof(uint32_t));
    parleyx_free(a, ix->tmpv, m * sizeof(uint32_t));
    parleyx_free(a, ix->after, m * sizeof(uint32_t));
    parleyx_free(a, ix->assigned, m * sizeof(bool));
    parleyx_free(a, ix->ulo, (ix->np ? ix->np : 1) * sizeof(double));
    parleyx_free(a, ix->uhi, (ix->np ? ix->np : 1) * sizeof(double));
    for (size_t k = 0; k < NG_IX_MEMO; k++)
        parleyx_free(a, ix->memo[k].v, m * sizeof(uint32_t));
    parleyx_free(a, ix->tstate, (ix->m + 1) * ix->nt);
    parleyx_free(a, ix->tbyoff, (ix->m + 1) * sizeof(size_t));
    parleyx_free(a, ix->tby, (ix->ntby ? ix->ntby : 1) * sizeof(size_t));
    parleyx_free(a, ix, sizeof *ix);
}

/* ------------------------------------------------------------ the pool */

/* Outcomes of a space too large for 64-bit ids are named by their order of
 * first mention in the session: handle h is the vector pool->vecs[h * m].
 * An open-addressing table (slot = handle + 1, 0 empty, at most half
 * full) finds a vector's handle. */

static uint64_t vec_hash(const uint32_t *v, size_t m)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < m; i++) {
        h ^= v[i];
        h *= 0xFF51AFD7ED558CCDULL;
        h ^= h >> 29;
    }
    return h;
}

uint64_t ng_pool_intern(parley_session *s, const uint32_t *v)
{
    ng_pool *p = &s->pool;
    size_t m = s->nissues ? s->nissues : 1;
    if (p->nslot) {
        for (size_t j = (size_t)(vec_hash(v, s->nissues) & (p->nslot - 1));;
             j = (j + 1) & (p->nslot - 1)) {
            uint64_t h = p->slot[j];
            if (!h)
                break;
            if (memcmp(p->vecs + (h - 1) * m, v, s->nissues * sizeof *v) == 0)
                return h - 1;
        }
    }
    if (2 * (p->n + 1) > p->nslot) { /* grow the table, rehash */
        size_t ns = p->nslot ? 2 * p->nslot : 64;
        uint64_t *sl = parleyx_calloc(s->a, ns, sizeof(uint64_t));
        if (!sl)
            return UINT64_MAX;
        for (size_t h = 0; h < p->n; h++) {
            size_t j = (size_t)(vec_hash(p->vecs + h * m, s->nissues) & (ns - 1));
            while (sl[j])
                j = (j + 1) & (ns - 1);
            sl[j] = h + 1;
        }
        parleyx_free(s->a, p->slot, p->nslot * sizeof(uint64_t));
        p->slot = sl;
        p->nslot = ns;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap;
        uint32_t *nv = parleyx_grow(s->a, p->vecs, m * sizeof(uint32_t), &cap, p->n + 1, 64);
        if (!nv)
            return UINT64_MAX;
        p->vecs = nv;
        p->cap = cap;
    }
    memcpy(p->vecs + p->n * m, v, s->nissues * sizeof *v);
    size_t j = (size_t)(vec_hash(v, s->nissues) & (p->nslot - 1));
    while (p->slot[j])
        j = (j + 1) & (p->nslot - 1);
    p->slot[j] = p->n + 1;
    return p->n++;
}

void ng_pool_reset(parley_session *s)
{
    ng_pool *p = &s->pool;
    p->n = 0;
    if (p->slot)
        memset(p->slot, 0, p->nslot * sizeof *p->slot);
}

void ng_pool_free(parley_session *s)
{
    ng_pool *p = &s->pool;
    size_t m = s->nissues ? s->nissues : 1;
    parleyx_free(s->a, p->vecs, p->cap * m * sizeof(uint32_t));
    parleyx_free(s->a, p->slot, p->nslot * sizeof(uint64_t));
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------ agents */

double ng_u_implicit(const ng_agent *g, uint64_t o)
{
    ng_decode(g->s, o, g->xv);
    return pm_utility(g->s->sc, g->party, g->xv);
}

bool ng_ok_implicit(const ng_agent *g, uint64_t o)
{
    ng_decode(g->s, o, g->xv);
    double u = pm_utility(g->s->sc, g->party, g->xv);
    return u >= g->ctx.reservation &&
           (!g->s->sc->parties[g->party].nredlines ||
            parley_redlines_hold(g->s->sc, g->party, g->xv));
}

/* The outcome in g->xv as a session id (ng_encode); UINT64_MAX, with
 * PARLEY_AGENT_NOMEM in the session's errbuf, when the pool is full. */
static uint64_t xv_id(ng_agent *g)
{
    uint64_t o = ng_encode(g->s, g->xv);
    if (o == UINT64_MAX)
        snprintf(g->s->errbuf, sizeof g->s->errbuf, PARLEY_AGENT_NOMEM);
    return o;
}

bool ng_ranked_best(ng_agent *g, uint64_t *o, double *u)
{
    if (!g->ix) {
        if (!g->nrank)
            return false;
        *o = g->rank[0];
        *u = g->ranku[0];
        return true;
    }
    if (!ng_index_query(g->ix, true, false, g->ctx.reservation, false, INFINITY, false, g->xv, u))
        return false;
    *o = xv_id(g);
    return true;
}

bool ng_ranked_worst(ng_agent *g, double *u)
{
    if (!g->ix) {
        if (!g->nrank)
            return false;
        *u = g->ranku[g->nrank - 1];
        return true;
    }
    return ng_index_value(g->ix, false, g->ctx.reservation, u);
}

bool ng_ranked_at_least(ng_agent *g, double x, uint64_t *o, double *u)
{
    if (!g->ix) {
        if (!g->nrank)
            return false;
        size_t k = ng_at_least(g, x);
        size_t r = k ? k - 1 : 0;
        *o = g->rank[r];
        *u = g->ranku[r];
        return true;
    }
    double lo = x > g->ctx.reservation ? x : g->ctx.reservation;
    if (!ng_index_at_least(g->ix, lo, true, g->xv, u))
        return ng_ranked_best(g, o, u);
    *o = xv_id(g);
    return true;
}

bool ng_domain_range(ng_agent *g, double *lo, double *hi)
{
    return ng_index_value(g->ix, true, -INFINITY, hi) &&
           ng_index_value(g->ix, false, -INFINITY, lo);
}

bool ng_domain_near(ng_agent *g, double x, uint64_t *o, double *u)
{
    if (!ng_index_near(g->ix, x, g->xv, u))
        return false;
    *o = xv_id(g);
    return true;
}
