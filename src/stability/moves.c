/*
 * moves.c -- a graph model from a parley scenario (parley_moves): who
 * moves which issue, the status quo of the issues nobody moves, the red
 * lines that fix the feasible states; and the encoding of outcomes as
 * states.
 *
 * Encoding.  Moved issues in issue order; an issue of n values takes
 * nbits = ceil(log2 n) consecutive options (none when n = 1), its value
 * index written in binary (bit k is option off + k).  Then one option per
 * party with a veto (a ratifier's), in party order.  State s decodes to
 * the outcome whose moved issues take their codes (codes >= n are
 * infeasible patterns) and whose other issues take their status quo; a
 * state with a veto taken decodes to the status quo itself (the deal is
 * rejected), whatever its other options.
 * Building evaluates every state's utilities and red lines: O(2^bits *
 * parties * issues).  The scenario is borrowed.
 */
#include "st.h"

#include <math.h>
#include <stdio.h>

typedef struct mv_fix {
    size_t party, r;
} mv_fix;

struct parley_moves {
    const parley_scenario *sc;
    parley_allocator allocv;
    const parley_allocator *alloc;
    size_t nissues;
    size_t *mover;   /* per issue, SIZE_MAX none */
    int64_t *sq;     /* per issue, -1 none */
    unsigned *off, *nbits; /* per issue (after building) */
    mv_fix *fix;
    size_t nfix, capfix;
    size_t nparties;
    bool *veto;       /* per party: it has a veto option */
    unsigned vetobit; /* the first veto option (after the issues' bits) */
    uint32_t vetomask;
};

parley_moves *parley_moves_new(const parley_scenario *sc, const parley_allocator *alloc)
{
    parley_allocator a = {NULL, NULL};
    if (alloc)
        a = *alloc;
    if (!sc)
        return NULL;
    parley_moves *m = parleyx_calloc(&a, 1, sizeof *m);
    if (!m)
        return NULL;
    m->allocv = a;
    m->alloc = &m->allocv;
    m->sc = sc;
    m->nissues = parley_issue_count(sc);
    size_t n = m->nissues ? m->nissues : 1;
    m->mover = parleyx_malloc(m->alloc, n * sizeof(size_t));
    m->sq = parleyx_malloc(m->alloc, n * sizeof(int64_t));
    m->off = parleyx_calloc(m->alloc, n, sizeof(unsigned));
    m->nbits = parleyx_calloc(m->alloc, n, sizeof(unsigned));
    m->nparties = parley_party_count(sc);
    m->veto = parleyx_calloc(m->alloc, m->nparties ? m->nparties : 1, sizeof(bool));
    if (!m->mover || !m->sq || !m->off || !m->nbits || !m->veto) {
        parley_moves_free(m);
        return NULL;
    }
    for (size_t i = 0; i < m->nissues; i++) {
        m->mover[i] = SIZE_MAX;
        m->sq[i] = -1;
    }
    return m;
}

void parley_moves_free(parley_moves *m)
{
    if (!m)
        return;
    size_t n = m->nissues ? m->nissues : 1;
    parleyx_free(m->alloc, m->mover, n * sizeof(size_t));
    parleyx_free(m->alloc, m->sq, n * sizeof(int64_t));
    parleyx_free(m->alloc, m->off, n * sizeof(unsigned));
    parleyx_free(m->alloc, m->nbits, n * sizeof(unsigned));
    parleyx_free(m->alloc, m->fix, m->capfix * sizeof(mv_fix));
    parleyx_free(m->alloc, m->veto, (m->nparties ? m->nparties : 1) * sizeof(bool));
    parleyx_free(m->alloc, m, sizeof *m);
}

parley_status parley_moves_set_mover(parley_moves *m, size_t issue, size_t party,
                                     parley_error *err)
{
    if (!m || issue >= m->nissues || party >= parley_party_count(m->sc))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such issue or party");
    if (m->mover[issue] != SIZE_MAX && m->mover[issue] != party)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "issue '%s' is already moved by '%s'; an issue has one mover",
                            parley_issue_name(m->sc, issue),
                            parley_party_name(m->sc, m->mover[issue]));
    m->mover[issue] = party;
    return PARLEY_OK;
}

parley_status parley_moves_set_status_quo(parley_moves *m, size_t issue, size_t value,
                                          parley_error *err)
{
    if (!m || issue >= m->nissues || value >= parley_issue_value_count(m->sc, issue))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such issue or value");
    m->sq[issue] = (int64_t)value;
    return PARLEY_OK;
}

parley_status parley_moves_fix_redline(parley_moves *m, size_t party, size_t r, parley_error *err)
{
    if (!m || party >= parley_party_count(m->sc) || r >= parley_redline_count(m->sc, party))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such red line");
    mv_fix *p = parleyx_grow(m->alloc, m->fix, sizeof *p, &m->capfix, m->nfix + 1, 4);
    if (!p)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    m->fix = p;
    m->fix[m->nfix++] = (mv_fix){party, r};
    return PARLEY_OK;
}

bool parley_moves_issue_status_quo(const parley_moves *m, size_t issue, size_t *value)
{
    if (!m || issue >= m->nissues || m->sq[issue] < 0)
        return false;
    if (value)
        *value = (size_t)m->sq[issue];
    return true;
}

size_t parley_moves_fixed_count(const parley_moves *m)
{
    return m ? m->nfix : 0;
}

void parley_moves_fixed(const parley_moves *m, size_t k, size_t *party, size_t *r)
{
    if (!m || k >= m->nfix)
        return;
    if (party)
        *party = m->fix[k].party;
    if (r)
        *r = m->fix[k].r;
}

const parley_scenario *parley_moves_scenario(const parley_moves *m)
{
    return m ? m->sc : NULL;
}

bool parley_moves_has_veto(const parley_moves *m, size_t party)
{
    return m && party < m->nparties && m->veto[party];
}

parley_status parley_moves_add_veto(parley_moves *m, size_t party, parley_error *err)
{
    if (!m || party >= m->nparties)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no such party");
    m->veto[party] = true;
    return PARLEY_OK;
}

size_t parley_moves_vetoed_by(const parley_moves *m, uint32_t state)
{
    if (!m || !(state & m->vetomask))
        return SIZE_MAX;
    unsigned b = m->vetobit;
    for (size_t p = 0; p < m->nparties; p++) {
        if (!m->veto[p])
            continue;
        if ((state >> b) & 1u)
            return p;
        b++;
    }
    return SIZE_MAX;
}

size_t parley_moves_mover(const parley_moves *m, size_t issue)
{
    return m && issue < m->nissues ? m->mover[issue] : SIZE_MAX;
}

bool parley_moves_status_quo(const parley_moves *m, uint32_t *outcome)
{
    if (!m)
        return false;
    for (size_t i = 0; i < m->nissues; i++) {
        if (m->sq[i] < 0)
            return false;
        outcome[i] = (uint32_t)m->sq[i];
    }
    return true;
}

void parley_moves_outcome(const parley_moves *m, uint32_t state, uint32_t *outcome)
{
    bool vetoed = (state & m->vetomask) != 0; /* a veto: back to the status quo */
    for (size_t i = 0; i < m->nissues; i++) {
        if (vetoed) {
            outcome[i] = m->sq[i] >= 0 ? (uint32_t)m->sq[i] : 0;
            continue;
        }
        if (m->mover[i] != SIZE_MAX && m->nbits[i])
            outcome[i] = (state >> m->off[i]) & ((1u << m->nbits[i]) - 1);
        else
            outcome[i] = m->sq[i] >= 0 ? (uint32_t)m->sq[i] : 0;
    }
}

bool parley_moves_state(const parley_moves *m, const uint32_t *outcome, uint32_t *state)
{
    uint32_t s = 0;
    for (size_t i = 0; i < m->nissues; i++) {
        if (m->mover[i] != SIZE_MAX && m->nbits[i])
            s |= outcome[i] << m->off[i];
        else if ((int64_t)outcome[i] != (m->sq[i] >= 0 ? m->sq[i] : 0))
            return false;
    }
    *state = s;
    return true;
}

parley_status parley_graph_from_scenario(const parley_moves *mc, parley_graph **out,
                                         parley_error *err)
{
    if (!out || !mc)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no moves or no place for the model");
    *out = NULL;
    parley_moves *m = (parley_moves *)mc; /* the encoding is cached in it */
    const parley_scenario *sc = m->sc;
    size_t np = parley_party_count(sc);
    unsigned bits = 0;
    for (size_t i = 0; i < m->nissues; i++) {
        size_t n = parley_issue_value_count(sc, i);
        if (m->mover[i] == SIZE_MAX) {
            if (m->sq[i] < 0)
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "issue '%s' is moved by no party and has no status quo "
                                    "value; give it a mover or a status quo",
                                    parley_issue_name(sc, i));
            m->nbits[i] = 0;
            continue;
        }
        unsigned b = 0;
        while (((size_t)1 << b) < n)
            b++;
        m->off[i] = bits;
        m->nbits[i] = b;
        bits += b;
        if (bits > PARLEY_GRAPH_MAX_OPTIONS)
            return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                                "the moved issues need more than %d options (2^%d states); "
                                "move fewer issues or give some a status quo",
                                PARLEY_GRAPH_MAX_OPTIONS, PARLEY_GRAPH_MAX_OPTIONS);
    }
    if (!bits)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "no party moves an issue of two or more values");
    m->vetobit = bits;
    m->vetomask = 0;
    for (size_t p = 0; p < np; p++) {
        if (!m->veto[p])
            continue;
        for (size_t i = 0; i < m->nissues; i++)
            if (m->sq[i] < 0)
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "'%s' has a veto, which returns every issue to its status "
                                    "quo: give issue '%s' a status quo value",
                                    parley_party_name(sc, p), parley_issue_name(sc, i));
        if (bits >= PARLEY_GRAPH_MAX_OPTIONS)
            return parleyx_fail(err, PARLEY_ERR_LIMIT, NULL, 0, 0,
                                "the moved issues and the vetoes need more than %d options",
                                PARLEY_GRAPH_MAX_OPTIONS);
        m->vetomask |= 1u << bits;
        bits++;
    }
    parley_graph *g = parley_graph_new(m->alloc);
    uint32_t *o = parleyx_malloc(m->alloc, (m->nissues ? m->nissues : 1) * sizeof(uint32_t));
    size_t *dmof = parleyx_malloc(m->alloc, np * sizeof(size_t));
    parley_status st = PARLEY_OK;
    if (!g || !o || !dmof) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t p = 0; p < np; p++) {
        dmof[p] = SIZE_MAX;
        bool moves = m->veto[p];
        for (size_t i = 0; i < m->nissues; i++)
            moves = moves || (m->mover[i] == p && m->nbits[i]);
        if (moves && (st = parley_graph_add_dm(g, parley_party_name(sc, p), &dmof[p], err)))
            goto done;
    }
    for (size_t i = 0; i < m->nissues; i++) {
        for (unsigned k = 0; k < m->nbits[i]; k++) {
            char name[PARLEY_MAX_NAME + 32];
            snprintf(name, sizeof name, "%s.bit%u", parley_issue_name(sc, i), k);
            if ((st = parley_graph_add_option(g, dmof[m->mover[i]], name, PARLEY_DIR_BOTH, NULL,
                                              err)))
                goto done;
        }
        size_t n = parley_issue_value_count(sc, i);
        uint32_t mask = ((1u << m->nbits[i]) - 1) << m->off[i];
        for (size_t code = n; m->nbits[i] && code < ((size_t)1 << m->nbits[i]); code++)
            if ((st = parley_graph_add_infeasible(g, mask, (uint32_t)code << m->off[i], err)))
                goto done;
    }
    for (size_t p = 0; p < np; p++) {
        if (!m->veto[p])
            continue;
        char name[PARLEY_MAX_NAME + 32];
        snprintf(name, sizeof name, "%s.veto", parley_party_name(sc, p));
        if ((st = parley_graph_add_option(g, dmof[p], name, PARLEY_DIR_BOTH, NULL, err)))
            goto done;
    }
    uint64_t S = (uint64_t)1 << bits;
    uint32_t all = (uint32_t)(S - 1);
    for (uint64_t s64 = 0; s64 < S; s64++) {
        uint32_t s = (uint32_t)s64;
        bool valid = true;
        for (size_t i = 0; i < m->nissues && valid && !(s & m->vetomask); i++)
            if (m->nbits[i] && ((s >> m->off[i]) & ((1u << m->nbits[i]) - 1)) >=
                                   parley_issue_value_count(sc, i))
                valid = false;
        if (!valid)
            continue;
        parley_moves_outcome(m, s, o);
        for (size_t k = 0; k < m->nfix; k++)
            if (!parley_redline_holds(sc, m->fix[k].party, m->fix[k].r, o)) {
                if ((st = parley_graph_add_infeasible(g, all, s, err)))
                    goto done;
                valid = false;
                break;
            }
        for (size_t p = 0; p < np; p++) {
            if (dmof[p] == SIZE_MAX)
                continue;
            double u = parley_utility(sc, p, o);
            if (!parley_redlines_hold(sc, p, o) || u < parley_party_reservation(sc, p))
                u -= 2.0;
            if ((st = parley_graph_set_payoff(g, dmof[p], s, u, err)))
                goto done;
        }
    }
    if ((st = parley_graph_finalize(g, err)))
        goto done;
done:
    parleyx_free(m->alloc, o, (m->nissues ? m->nissues : 1) * sizeof(uint32_t));
    parleyx_free(m->alloc, dmof, np * sizeof(size_t));
    if (st) {
        parley_graph_free(g);
        return st;
    }
    *out = g;
    return PARLEY_OK;
}
