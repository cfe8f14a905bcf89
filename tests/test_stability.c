/*
 * test_stability.c -- the graph model analysis (src/stability/) against a
 * straightforward implementation of each definition written here, which
 * shares no code with the library's:
 *  - unilateral moves from an explicit adjacency matrix built from the
 *    definition (only the mover's options change, each in a permitted
 *    direction, to a feasible state);
 *  - coalition reachability as the definition has it: sequences of moves
 *    by members of the coalition in which no DM moves twice in succession,
 *    searched over (state, last mover) pairs;
 *  - Nash, GMR, SMR, SEQ, SIM (every combination of the opponents'
 *    simultaneous improvements) and SEQ+SIM, state by state, DM by DM;
 *  - the explanation: the DM named is unstable and its move an
 *    improvement no sanction answers;
 *  - status quo analysis: breadth-first distances, each path checked move
 *    by move; coalition stability against the (state, last mover) search;
 * on >= 500 random small models (2-4 DMs, up to 8 options, infeasible
 * patterns, irreversible options, payoffs with many ties).  Also: GMCR+
 * statements (if, iff, or, and, not) against truth tables written by hand,
 * statement and model errors, allocation failure at every allocation.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "parley/stability.h"

#define MAXS 256
#define MAXD 4

typedef struct bmodel {
    int nd, no;
    int owner[8];
    int dir[8]; /* 0 both, 1 forward only, 2 backward only */
    int nfeas;
    bool feas[MAXS];
    double pay[MAXD][MAXS];
    bool R[MAXD][MAXS][MAXS]; /* R[j][s][t]: j moves s -> t */
} bmodel;

static int nstates(const bmodel *m)
{
    return 1 << m->no;
}

static bool legal_move(const bmodel *m, int j, int s, int t)
{
    if (s == t || !m->feas[s] || !m->feas[t])
        return false;
    for (int b = 0; b < m->no; b++) {
        int sb = (s >> b) & 1, tb = (t >> b) & 1;
        if (sb == tb)
            continue;
        if (m->owner[b] != j)
            return false;
        if (m->dir[b] == 1 && !(sb == 0 && tb == 1))
            return false;
        if (m->dir[b] == 2 && !(sb == 1 && tb == 0))
            return false;
    }
    return true;
}

static bool UI(const bmodel *m, int j, int s, int t)
{
    return m->R[j][s][t] && m->pay[j][t] > m->pay[j][s];
}

/* reach[t] = t reachable from s by a non-empty sequence of moves (or
 * improvements) of the DMs in H, no DM twice in succession. */
static void coalition_reach(const bmodel *m, unsigned H, int s, bool improving, bool *reach)
{
    int S = nstates(m);
    static bool seen[MAXS][MAXD];
    memset(seen, 0, sizeof seen);
    memset(reach, 0, (size_t)S * sizeof(bool));
    int qs[MAXS * MAXD], qj[MAXS * MAXD], h = 0, t = 0;
    for (int j = 0; j < m->nd; j++) {
        if (!(H & (1u << j)))
            continue;
        for (int x = 0; x < S; x++)
            if (improving ? UI(m, j, s, x) : m->R[j][s][x])
                if (!seen[x][j]) {
                    seen[x][j] = true;
                    qs[t] = x;
                    qj[t++] = j;
                }
    }
    while (h < t) {
        int x = qs[h], last = qj[h++];
        reach[x] = true;
        for (int k = 0; k < m->nd; k++) {
            if (k == last || !(H & (1u << k)))
                continue;
            for (int y = 0; y < S; y++)
                if ((improving ? UI(m, k, x, y) : m->R[k][x][y]) && !seen[y][k]) {
                    seen[y][k] = true;
                    qs[t] = y;
                    qj[t++] = k;
                }
        }
    }
}

/* The brute verdicts: stable[c][i][s]; sanctioned[c][i][s][s1] for the
 * explanation check. */
typedef struct bres {
    bool stable[PARLEY_CONCEPT_COUNT][MAXD][MAXS];
} bres;

static bool sim_sanctioned(const bmodel *m, int i, int s, int s1)
{
    /* all combinations: each opponent stays or takes one of its UIs from s */
    int S = nstates(m);
    int choice[MAXD][MAXS + 1], nch[MAXD];
    for (int j = 0; j < m->nd; j++) {
        nch[j] = 0;
        choice[j][nch[j]++] = s;
        if (j == i)
            continue;
        for (int t = 0; t < S; t++)
            if (UI(m, j, s, t))
                choice[j][nch[j]++] = t;
    }
    int idx[MAXD] = {0};
    for (;;) {
        /* combined state: i's options from s1, j's from its choice */
        int c = 0;
        for (int b = 0; b < m->no; b++) {
            int o = m->owner[b];
            int src = o == i ? s1 : choice[o][idx[o]];
            c |= src & (1 << b);
        }
        if (m->feas[c] && m->pay[i][c] <= m->pay[i][s])
            return true;
        int j = 0;
        while (j < m->nd) {
            if (j != i && ++idx[j] < nch[j])
                break;
            idx[j] = 0;
            j++;
        }
        if (j == m->nd)
            return false;
    }
}

static bool sanctioned(const bmodel *m, parley_concept c, int i, int s, int s1)
{
    int S = nstates(m);
    unsigned H = ((1u << m->nd) - 1) & ~(1u << i);
    bool reach[MAXS];
    switch (c) {
    case PARLEY_CONCEPT_NASH:
        return false;
    case PARLEY_CONCEPT_GMR:
        coalition_reach(m, H, s1, false, reach);
        for (int s2 = 0; s2 < S; s2++)
            if (reach[s2] && m->pay[i][s2] <= m->pay[i][s])
                return true;
        return false;
    case PARLEY_CONCEPT_SMR:
        coalition_reach(m, H, s1, false, reach);
        for (int s2 = 0; s2 < S; s2++) {
            if (!reach[s2] || !(m->pay[i][s2] <= m->pay[i][s]))
                continue;
            bool escape = false;
            for (int s3 = 0; s3 < S; s3++)
                if (m->R[i][s2][s3] && m->pay[i][s3] > m->pay[i][s])
                    escape = true;
            if (!escape)
                return true;
        }
        return false;
    case PARLEY_CONCEPT_SEQ:
        coalition_reach(m, H, s1, true, reach);
        for (int s2 = 0; s2 < S; s2++)
            if (reach[s2] && m->pay[i][s2] <= m->pay[i][s])
                return true;
        return false;
    case PARLEY_CONCEPT_SIM:
        return sim_sanctioned(m, i, s, s1);
    case PARLEY_CONCEPT_SEQSIM:
        return sanctioned(m, PARLEY_CONCEPT_SEQ, i, s, s1) &&
               sanctioned(m, PARLEY_CONCEPT_SIM, i, s, s1);
    default:
        return false;
    }
}

static void brute(const bmodel *m, bres *r)
{
    int S = nstates(m);
    for (int c = 0; c < PARLEY_CONCEPT_COUNT; c++)
        for (int i = 0; i < m->nd; i++)
            for (int s = 0; s < S; s++) {
                if (!m->feas[s]) {
                    r->stable[c][i][s] = false;
                    continue;
                }
                bool ok = true;
                if (c == PARLEY_CONCEPT_SEQSIM) {
                    ok = r->stable[PARLEY_CONCEPT_SEQ][i][s] && r->stable[PARLEY_CONCEPT_SIM][i][s];
                } else {
                    for (int s1 = 0; s1 < S && ok; s1++)
                        if (UI(m, i, s, s1) && !sanctioned(m, (parley_concept)c, i, s, s1))
                            ok = false;
                }
                r->stable[c][i][s] = ok;
            }
}

/* A random model and the same model built through the API. */
static parley_graph *random_gmodel(rng *g, bmodel *m)
{
    memset(m, 0, sizeof *m);
    m->nd = 2 + (int)(rng_u32(g) % 3);
    m->no = m->nd + (int)(rng_u32(g) % (unsigned)(9 - m->nd));
    if (m->no > 8)
        m->no = 8;
    for (int b = 0; b < m->no; b++) {
        m->owner[b] = b < m->nd ? b : (int)(rng_u32(g) % (unsigned)m->nd);
        unsigned r = rng_u32(g) % 8;
        m->dir[b] = r == 0 ? 1 : r == 1 ? 2 : 0;
    }
    /* shuffle owners so a DM's options are not always first */
    for (int b = m->no - 1; b > 0; b--) {
        int k = (int)(rng_u32(g) % (unsigned)(b + 1));
        int t = m->owner[b];
        m->owner[b] = m->owner[k];
        m->owner[k] = t;
    }
    int S = nstates(m);
    parley_graph *gr = parley_graph_new(NULL);
    cr_assert_not_null(gr);
    char name[32];
    for (int j = 0; j < m->nd; j++) {
        snprintf(name, sizeof name, "DM%d", j);
        cr_assert_eq(parley_graph_add_dm(gr, name, NULL, NULL), PARLEY_OK);
    }
    for (int b = 0; b < m->no; b++) {
        snprintf(name, sizeof name, "o%d", b);
        cr_assert_eq(parley_graph_add_option(gr, (size_t)m->owner[b], name,
                                             (parley_option_dir)m->dir[b], NULL, NULL),
                     PARLEY_OK);
    }
    for (int s = 0; s < S; s++)
        m->feas[s] = true;
    int ninf = (int)(rng_u32(g) % 4);
    for (int k = 0; k < ninf; k++) {
        uint32_t mask = 0, val = 0;
        int nb = 2 + (int)(rng_u32(g) % 2);
        for (int q = 0; q < nb; q++)
            mask |= 1u << (rng_u32(g) % (unsigned)m->no);
        val = rng_u32(g) & mask;
        /* do not remove everything */
        int left = 0;
        for (int s = 0; s < S; s++)
            if (m->feas[s] && ((uint32_t)s & mask) != val)
                left++;
        if (left < 2)
            continue;
        for (int s = 0; s < S; s++)
            if (((uint32_t)s & mask) == val)
                m->feas[s] = false;
        cr_assert_eq(parley_graph_add_infeasible(gr, mask, val, NULL), PARLEY_OK);
    }
    int levels = 2 + (int)(rng_u32(g) % 6); /* few levels: many ties */
    for (int j = 0; j < m->nd; j++)
        for (int s = 0; s < S; s++) {
            m->pay[j][s] = (double)(rng_u32(g) % (unsigned)levels);
            if (m->feas[s] || rng_u32(g) % 2)
                cr_assert_eq(parley_graph_set_payoff(gr, (size_t)j, (uint32_t)s, m->pay[j][s],
                                                     NULL),
                             PARLEY_OK);
        }
    m->nfeas = 0;
    for (int s = 0; s < S; s++)
        m->nfeas += m->feas[s];
    for (int j = 0; j < m->nd; j++)
        for (int s = 0; s < S; s++)
            for (int t = 0; t < S; t++)
                m->R[j][s][t] = legal_move(m, j, s, t);
    parley_error err;
    cr_assert_eq(parley_graph_finalize(gr, &err), PARLEY_OK, "%s", err.message);
    return gr;
}

static void check_model(uint64_t seed)
{
    rng g = {seed * 0x9E3779B97F4A7C15ull + 1};
    static bmodel m;
    parley_graph *gr = random_gmodel(&g, &m);
    int S = nstates(&m);
    cr_assert_eq(parley_graph_feasible_count(gr), (uint64_t)m.nfeas, "seed %llu",
                 (unsigned long long)seed);
    /* moves */
    uint32_t mv[MAXS];
    for (int j = 0; j < m.nd; j++)
        for (int s = 0; s < S; s++) {
            if (!m.feas[s])
                continue;
            for (int imp = 0; imp < 2; imp++) {
                size_t n = parley_graph_moves(gr, (size_t)j, (uint32_t)s, imp, mv, MAXS);
                size_t k = 0;
                for (int t = 0; t < S; t++)
                    if (imp ? UI(&m, j, s, t) : m.R[j][s][t]) {
                        cr_assert_lt(k, n, "seed %llu", (unsigned long long)seed);
                        cr_assert_eq(mv[k], (uint32_t)t, "seed %llu", (unsigned long long)seed);
                        k++;
                    }
                cr_assert_eq(k, n);
                /* a short buffer gets the lowest ids, in order */
                uint32_t two[2];
                size_t n2 = parley_graph_moves(gr, (size_t)j, (uint32_t)s, imp, two, 2);
                cr_assert_eq(n2, n);
                for (size_t q = 0; q < n && q < 2; q++)
                    cr_assert_eq(two[q], mv[q]);
            }
        }
    parley_stability *st = NULL;
    parley_error err;
    /* 1, 2 or 3 workers: the result may not depend on it */
    cr_assert_eq(parley_stability_analyze(gr, (unsigned)(1 + seed % 3), &st, &err), PARLEY_OK, "%s",
                 err.message);
    static bres b;
    brute(&m, &b);
    for (int c = 0; c < PARLEY_CONCEPT_COUNT; c++) {
        for (int s = 0; s < S; s++) {
            bool eq = m.feas[s];
            for (int i = 0; i < m.nd; i++) {
                bool fast = parley_stability_stable(st, (size_t)i, (parley_concept)c, (uint32_t)s);
                cr_assert_eq(fast, b.stable[c][i][s], "seed %llu concept %s DM %d state %d: "
                             "fast %d brute %d", (unsigned long long)seed,
                             parley_concept_name((parley_concept)c), i, s, fast,
                             b.stable[c][i][s]);
                eq = eq && b.stable[c][i][s];
            }
            cr_assert_eq(parley_stability_equilibrium(st, (parley_concept)c, (uint32_t)s), eq);
            size_t dm;
            uint32_t to;
            parley_status es = parley_stability_explain(st, (parley_concept)c, (uint32_t)s, &dm,
                                                        &to);
            if (eq || !m.feas[s]) {
                cr_assert_eq(es, PARLEY_ERR_NORESULT);
                continue;
            }
            cr_assert_eq(es, PARLEY_OK);
            cr_assert(!b.stable[c][dm][s]);
            for (size_t i = 0; i < dm; i++)
                cr_assert(b.stable[c][i][s], "explain names the first unstable DM");
            cr_assert(UI(&m, (int)dm, s, (int)to), "seed %llu: %u is not an improvement",
                      (unsigned long long)seed, to);
            cr_assert(!sanctioned(&m, (parley_concept)c, (int)dm, s, (int)to),
                      "seed %llu: the explained move is sanctioned", (unsigned long long)seed);
        }
        uint32_t ids[MAXS];
        size_t n = parley_stability_equilibria(st, (parley_concept)c, ids, MAXS);
        size_t k = 0;
        for (int s = 0; s < S; s++)
            if (parley_stability_equilibrium(st, (parley_concept)c, (uint32_t)s))
                cr_assert_eq(ids[k++], (uint32_t)s);
        cr_assert_eq(k, n);
    }
    /* status quo: one random feasible state */
    int sq;
    do
        sq = (int)(rng_u32(&g) % (unsigned)S);
    while (!m.feas[sq]);
    parley_reach *r = NULL;
    cr_assert_eq(parley_reach_from(gr, (uint32_t)sq, &r, NULL), PARLEY_OK);
    int dist[MAXS];
    for (int s = 0; s < S; s++)
        dist[s] = -1;
    int q[MAXS], h = 0, t = 0;
    dist[sq] = 0;
    q[t++] = sq;
    while (h < t) {
        int x = q[h++];
        for (int j = 0; j < m.nd; j++)
            for (int y = 0; y < S; y++)
                if (UI(&m, j, x, y) && dist[y] < 0) {
                    dist[y] = dist[x] + 1;
                    q[t++] = y;
                }
    }
    for (int s = 0; s < S; s++) {
        cr_assert_eq(parley_reach_reached(r, (uint32_t)s), dist[s] >= 0);
        if (dist[s] < 0)
            continue;
        uint32_t ps[MAXS];
        size_t pd[MAXS];
        size_t n = parley_reach_path(r, (uint32_t)s, ps, pd, MAXS);
        cr_assert_eq(n, (size_t)dist[s], "seed %llu: path to %d", (unsigned long long)seed, s);
        int x = sq;
        for (size_t k = 0; k < n; k++) {
            cr_assert(UI(&m, (int)pd[k], x, (int)ps[k]));
            x = (int)ps[k];
        }
        cr_assert_eq(x, s);
    }
    parley_reach_free(r);
    /* coalitions: every non-empty subset, at a few states */
    for (int rep = 0; rep < 3; rep++) {
        int s;
        do
            s = (int)(rng_u32(&g) % (unsigned)S);
        while (!m.feas[s]);
        for (unsigned H = 1; H < (1u << m.nd); H++) {
            bool reach[MAXS];
            coalition_reach(&m, H, s, false, reach);
            int best = -1;
            for (int x = 0; x < S && best < 0; x++) {
                if (!reach[x] || x == s)
                    continue;
                bool all = true;
                for (int j = 0; j < m.nd; j++)
                    if ((H & (1u << j)) && !(m.pay[j][x] > m.pay[j][s]))
                        all = false;
                if (all)
                    best = x;
            }
            bool stable;
            uint32_t to;
            cr_assert_eq(parley_stability_coalition(gr, H, (uint32_t)s, &stable, &to, NULL),
                         PARLEY_OK);
            cr_assert_eq(stable, best < 0, "seed %llu coalition %u state %d",
                         (unsigned long long)seed, H, s);
            if (best >= 0)
                cr_assert_eq(to, (uint32_t)best);
        }
    }
    parley_stability_free(st);
    parley_graph_free(gr);
}

Test(stability, brute_force_random_models)
{
    uint64_t n = getenv("PARLEY_UNDER_VALGRIND") ? 40 : 600;
    for (uint64_t s = 1; s <= n; s++)
        check_model(s);
}

/* ------------------------------------------------------------- statements */

static double payoff_of(const char *const *stmts, size_t n, uint32_t s)
{
    parley_graph *g = parley_graph_new(NULL);
    size_t d;
    cr_assert_eq(parley_graph_add_dm(g, "A", &d, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_option(g, d, "x", PARLEY_DIR_BOTH, NULL, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_option(g, d, "y", PARLEY_DIR_BOTH, NULL, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_option(g, d, "z", PARLEY_DIR_BOTH, NULL, NULL), PARLEY_OK);
    parley_error err;
    for (size_t k = 0; k < n; k++)
        cr_assert_eq(parley_graph_add_statement(g, d, stmts[k], &err), PARLEY_OK, "%s: %s",
                     stmts[k], err.message);
    cr_assert_eq(parley_graph_finalize(g, NULL), PARLEY_OK);
    double v = parley_graph_payoff(g, d, s);
    parley_graph_free(g);
    return v;
}

Test(stability, statements_truth_tables)
{
    /* x is option 1 (bit 0), y option 2 (bit 1), z option 3 (bit 2). */
    static const struct {
        const char *text;
        unsigned truth; /* bit s: satisfied at state s (0..7) */
    } cases[] = {
        {"1", 0xAA},          /* x: states 1,3,5,7 */
        {"-1", 0x55},
        {"1 & 2", 0x88},      /* 3, 7 */
        {"1 | 2", 0xEE},      /* all but 0, 4 */
        {"1 | 2 & 3", 0xAA | 0xC0}, /* x, or y and z (6, 7) */
        {"-1 & -2 | 3", 0x11 | 0xF0},
        {"1 IF 2", 0x33 | 0x88}, /* not y, or x and y: 0,1,4,5 and 3,7 */
        {"1 iff 2", 0x99},    /* both or neither: 0,3,4,7 */
        {"3 IF 1 & 2", 0xF7}, /* fails only at x&y&!z = 3 */
        {"1 & -1", 0x00},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (uint32_t s = 0; s < 8; s++)
            cr_assert_eq(payoff_of(&cases[c].text, 1, s), (double)((cases[c].truth >> s) & 1),
                         "'%s' at state %u", cases[c].text, s);
    /* prioritisation: weights 4, 2, 1 */
    const char *three[] = {"3", "-1", "2"};
    for (uint32_t s = 0; s < 8; s++) {
        double want = ((s >> 2) & 1) * 4.0 + (!(s & 1)) * 2.0 + ((s >> 1) & 1) * 1.0;
        cr_assert_eq(payoff_of(three, 3, s), want);
    }
}

Test(stability, statement_errors)
{
    parley_graph *g = parley_graph_new(NULL);
    size_t d;
    cr_assert_eq(parley_graph_add_dm(g, "A", &d, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_option(g, d, "x", PARLEY_DIR_BOTH, NULL, NULL), PARLEY_OK);
    static const struct {
        const char *text;
        unsigned col;
    } bad[] = {{"", 1}, {"2", 1}, {"1 &", 4}, {"1 IF", 5}, {"1 1", 3}, {"x", 1}, {"0", 1}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        parley_error err;
        parley_error_clear(&err);
        cr_assert_eq(parley_graph_add_statement(g, d, bad[k].text, &err), PARLEY_ERR_SYNTAX,
                     "'%s'", bad[k].text);
        cr_assert_eq(err.column, bad[k].col, "'%s': column %u", bad[k].text, err.column);
    }
    parley_graph_free(g);
}

Test(stability, model_errors)
{
    parley_graph *g = parley_graph_new(NULL);
    parley_error err;
    cr_assert_eq(parley_graph_finalize(g, &err), PARLEY_ERR_INVALID);
    size_t a, b;
    cr_assert_eq(parley_graph_add_dm(g, "A", &a, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_dm(g, "A", NULL, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_graph_add_dm(g, "B", &b, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_option(g, a, "x", PARLEY_DIR_BOTH, NULL, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_option(g, b, "y", PARLEY_DIR_BOTH, NULL, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_infeasible(g, 1, 2, &err), PARLEY_ERR_ARG);
    cr_assert_eq(parley_graph_set_payoff(g, a, 0, 1.0, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_statement(g, a, "1", &err), PARLEY_ERR_INVALID);
    cr_assert_eq(parley_graph_set_payoff(g, a, 4, 1.0, &err), PARLEY_ERR_ARG);
    cr_assert_eq(parley_graph_add_option(g, a, "z", PARLEY_DIR_BOTH, NULL, &err), PARLEY_ERR_ARG);
    /* A has a payoff for state 0 only */
    cr_assert_eq(parley_graph_finalize(g, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "no payoff"), "%s", err.message);
    parley_graph_free(g);
    g = parley_graph_new(NULL);
    cr_assert_eq(parley_graph_add_dm(g, "A", &a, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_option(g, a, "x", PARLEY_DIR_BOTH, NULL, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_add_infeasible(g, 0, 0, NULL), PARLEY_OK);
    cr_assert_eq(parley_graph_finalize(g, &err), PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "no feasible state"), "%s", err.message);
    parley_graph_free(g);
    parley_graph_free(NULL);
    parley_stability_free(NULL);
    parley_reach_free(NULL);
}

/* Allocation failure at every allocation of building, finalizing and
 * analysing a model: a clean PARLEY_ERR_NOMEM, nothing left behind. */
static parley_status build_and_analyze(const parley_allocator *al)
{
    parley_graph *g = parley_graph_new(al);
    if (!g)
        return PARLEY_ERR_NOMEM;
    parley_status st;
    size_t a, b;
    parley_stability *r = NULL;
    parley_reach *q = NULL;
    if ((st = parley_graph_add_dm(g, "A", &a, NULL)) || (st = parley_graph_add_dm(g, "B", &b, NULL)) ||
        (st = parley_graph_add_option(g, a, "x", PARLEY_DIR_BOTH, NULL, NULL)) ||
        (st = parley_graph_add_option(g, b, "y", PARLEY_DIR_FORWARD, NULL, NULL)) ||
        (st = parley_graph_add_option(g, b, "z", PARLEY_DIR_BOTH, NULL, NULL)) ||
        (st = parley_graph_add_infeasible(g, 6, 6, NULL)) ||
        (st = parley_graph_add_statement(g, a, "1 IFF 2 | 3", NULL)) ||
        (st = parley_graph_add_statement(g, a, "-1", NULL)) ||
        (st = parley_graph_add_statement(g, b, "-1 & 2", NULL)) ||
        (st = parley_graph_finalize(g, NULL)) || (st = parley_stability_analyze(g, 1, &r, NULL)) ||
        (st = parley_reach_from(g, 0, &q, NULL)))
        goto out;
    bool stable;
    st = parley_stability_coalition(g, 3, 0, &stable, NULL, NULL);
out:
    parley_reach_free(q);
    parley_stability_free(r);
    parley_graph_free(g);
    return st;
}

Test(stability, allocation_failures)
{
    for (long n = 1;; n++) {
        counting c = {.fail_at = n};
        parley_allocator al = {counting_alloc, &c};
        parley_status st = build_and_analyze(&al);
        cr_assert_eq(c.blocks, 0, "allocation %ld: %ld blocks left", n, c.blocks);
        cr_assert_eq(c.bytes, 0, "allocation %ld: %ld bytes left", n, c.bytes);
        if (st == PARLEY_OK)
            break;
        cr_assert_eq(st, PARLEY_ERR_NOMEM, "allocation %ld: %s", n, parley_strerror(st));
        cr_assert_lt(n, 1000);
    }
}
