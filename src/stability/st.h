/*
 * st.h -- internal header of the stability layer (prefix st_): the graph
 * model's record and the helpers the analysis, the status quo and the
 * coalition code share.  Public API: include/parley/stability.h.
 *
 * Layout.  A state is a uint32_t whose bit i is option i.  The feasible
 * states are a bitset of 2^nopt bits (feas); each DM's payoff is a dense
 * array of 2^nopt doubles (P[d]; infeasible entries are unused).  A DM's
 * options are a mask (dm[d].opts); the masks of all DMs are disjoint and
 * cover every option.  A DM's unilateral moves from s are s ^ d for the
 * non-empty submasks d of dm[d].opts & st_flippable(g, s) that land on a
 * feasible state: no move list is stored, they are enumerated as needed
 * (a DM with k options has at most 2^k - 1 moves).
 */
#ifndef PARLEY_ST_H
#define PARLEY_ST_H

#include "parley/stability.h"
#include "parleyx.h"

typedef struct st_term {
    uint32_t mask, value; /* satisfied by s when (s & mask) == value */
} st_term;

enum { ST_PLAIN = 0, ST_IF, ST_IFF };

typedef struct st_stmt {
    st_term *t[2]; /* side 0 (the statement), side 1 (after IF/IFF) */
    size_t n[2];
    int op;
} st_stmt;

typedef struct st_opt {
    char *name;
    uint8_t dir; /* parley_option_dir */
    uint8_t dm;  /* who controls it */
} st_opt;

typedef struct st_dm {
    char *name;
    uint32_t opts;     /* the options it controls */
    st_stmt *stmt;     /* prioritised statements, most important first */
    size_t nstmt, capstmt;
    double *explicit_; /* 2^nopt payoffs (NaN = unset), or NULL */
} st_dm;

struct parley_graph {
    parley_allocator allocv;
    const parley_allocator *alloc;
    st_dm *dm;
    size_t ndm, capdm;
    st_opt *opt;
    size_t nopt, capopt;
    st_term *inf;
    size_t ninf, capinf;
    uint32_t coal[PARLEY_GRAPH_MAX_DMS];
    size_t ncoal;
    bool final;
    uint32_t both, fwd, back; /* options by direction */
    uint64_t S;               /* 2^nopt */
    uint64_t *feas;           /* S bits */
    uint64_t nfeas;
    double **P; /* ndm arrays of S payoffs (final) */
};

static inline bool st_feasible(const parley_graph *g, uint32_t s)
{
    return (g->feas[s >> 6] >> (s & 63)) & 1u;
}

/* The options that may change at s: reversible ones, irreversible ones
 * not yet taken (forward) or still taken (backward). */
static inline uint32_t st_flippable(const parley_graph *g, uint32_t s)
{
    return g->both | (g->fwd & ~s) | (g->back & s);
}

#endif
