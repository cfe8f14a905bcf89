/*
 * parley/stability.h -- strategic stability: the Graph Model for Conflict
 * Resolution (Kilgour, Hipel and Fang 1987; Fang, Hipel and Kilgour 1993)
 * in its option form, as GMCR II and GMCR+ (gmcr-py) use it.
 *
 * A graph model has decision makers (DMs); each controls binary options.
 * A state takes or leaves every option; its id is gmcr-py's: option i
 * (0-based, in the order the options were added) adds 2^i when taken.
 * Infeasible patterns (a mask and the values under it) remove states;
 * an option may be irreversible (only taken, or only dropped).  A DM's
 * preference is a payoff per feasible state (higher is better, equal is
 * a tie), either set explicitly (an explicit ranking, or a utility) or
 * derived from prioritised statements as GMCR+ does (statement k of m
 * weighs 2^(m-1-k); a state's payoff is the sum of the weights of the
 * statements it satisfies).
 *
 * The analysis gives, for every feasible state and every DM, stability
 * under Nash (R), GMR, SMR, SEQ, SIM and SEQ+SIM (docs/stability.md gives
 * the definitions and their sources); a state is an equilibrium under a
 * concept when it is stable for every DM.  Besides: coalition stability
 * (coalition improvements), the status quo analysis (which states the
 * conflict can reach from a status quo by unilateral improvements, and
 * by which moves), and for each non-equilibrium state the DM who moves
 * and the improvement it takes.
 *
 * Conventions as in parley/core.h: parley_status results, a parley_error
 * filled on failure, *_free(NULL) harmless, the library never prints.
 * A finalized graph is only read by the analysis: threads may share it.
 */
#ifndef PARLEY_STABILITY_H
#define PARLEY_STABILITY_H

#include "parley/core.h"
#include "parley/parley.h" /* parley_chart_options (report.h needs the others) */

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many options (2^24 states) and DMs. */
#define PARLEY_GRAPH_MAX_OPTIONS 24
#define PARLEY_GRAPH_MAX_DMS 32
/* At most this many prioritised statements per DM (their weights, powers
 * of two, add up exactly in a double). */
#define PARLEY_GRAPH_MAX_STATEMENTS 52

typedef struct parley_graph parley_graph;

typedef enum parley_option_dir {
    PARLEY_DIR_BOTH = 0, /* taken and dropped freely */
    PARLEY_DIR_FORWARD,  /* irreversible: may only be taken (gmcr-py "fwd") */
    PARLEY_DIR_BACKWARD  /* irreversible: may only be dropped (gmcr-py "back") */
} parley_option_dir;

typedef enum parley_concept {
    PARLEY_CONCEPT_NASH = 0,
    PARLEY_CONCEPT_GMR,
    PARLEY_CONCEPT_SMR,
    PARLEY_CONCEPT_SEQ,
    PARLEY_CONCEPT_SIM,
    PARLEY_CONCEPT_SEQSIM,
    PARLEY_CONCEPT_COUNT
} parley_concept;

/* "nash", "gmr", "smr", "seq", "sim", "seqsim" (the JSON keys); static. */
PARLEY_API const char *parley_concept_name(parley_concept c);

/* --- Building.  alloc may be NULL (malloc); it is copied.  Caller frees
 * with parley_graph_free.  NULL when out of memory. --- */
PARLEY_API parley_graph *parley_graph_new(const parley_allocator *alloc);
PARLEY_API void parley_graph_free(parley_graph *g);

/* A DM; name non-empty, unique, copied.  *index (if not NULL) gets its index. */
PARLEY_API parley_status parley_graph_add_dm(parley_graph *g, const char *name, size_t *index,
                                             parley_error *err);
/* An option controlled by dm; name non-empty (copied).  Options are
 * numbered in the order added: option i is bit i of a state id.  Not after
 * the first parley_graph_set_payoff. */
PARLEY_API parley_status parley_graph_add_option(parley_graph *g, size_t dm, const char *name,
                                                 parley_option_dir dir, size_t *index,
                                                 parley_error *err);
/* Every state s with (s & mask) == value is infeasible (value ⊆ mask). */
PARLEY_API parley_status parley_graph_add_infeasible(parley_graph *g, uint32_t mask,
                                                     uint32_t value, parley_error *err);

/* The next prioritised statement of dm (less important than those before),
 * in GMCR+'s syntax over 1-based option numbers: "3", "-1" (not taken),
 * "1 & -2" (and), "1 | 2 & 3" (or binds looser than and), "1 IF 2"
 * (satisfied unless 2 holds and 1 does not), "1 IFF 2" (both or neither);
 * at most one IF or IFF, each side and/or of literals.  Errors give the
 * column in text. */
PARLEY_API parley_status parley_graph_add_statement(parley_graph *g, size_t dm, const char *text,
                                                    parley_error *err);
/* The same as a disjunction of n conjunctions: a state satisfies it when
 * (s & mask[k]) == value[k] for some k (gmcr-py's conditions and compound
 * conditions).  n >= 1. */
PARLEY_API parley_status parley_graph_add_condition(parley_graph *g, size_t dm, size_t n,
                                                    const uint32_t *mask, const uint32_t *value,
                                                    parley_error *err);
/* An explicit payoff of dm at state (higher preferred; equal payoffs are
 * ties; finite).  A DM with explicit payoffs needs one for every feasible
 * state, and no statements. */
PARLEY_API parley_status parley_graph_set_payoff(parley_graph *g, size_t dm, uint32_t state,
                                                 double payoff, parley_error *err);

/* A coalition of interest (a bit per DM, two or more), as gmcr-py's save
 * files list them: reports show its coalition stability.  At most
 * PARLEY_GRAPH_MAX_DMS coalitions; duplicates are kept once. */
PARLEY_API parley_status parley_graph_add_coalition(parley_graph *g, uint32_t members,
                                                    parley_error *err);
PARLEY_API size_t parley_graph_coalition_count(const parley_graph *g);
PARLEY_API uint32_t parley_graph_coalition(const parley_graph *g, size_t k);

/* Check the model and compute the feasible states and the payoffs.  The
 * graph may not be changed afterwards. */
PARLEY_API parley_status parley_graph_finalize(parley_graph *g, parley_error *err);

/* --- Reading (names borrowed; valid until the graph is freed). --- */
PARLEY_API size_t parley_graph_dm_count(const parley_graph *g);
PARLEY_API const char *parley_graph_dm_name(const parley_graph *g, size_t dm);
PARLEY_API size_t parley_graph_option_count(const parley_graph *g);
PARLEY_API const char *parley_graph_option_name(const parley_graph *g, size_t opt);
PARLEY_API size_t parley_graph_option_dm(const parley_graph *g, size_t opt);
PARLEY_API parley_option_dir parley_graph_option_direction(const parley_graph *g, size_t opt);
/* 2^options (feasible or not). */
PARLEY_API uint64_t parley_graph_state_count(const parley_graph *g);
/* After finalize: */
PARLEY_API uint64_t parley_graph_feasible_count(const parley_graph *g);
PARLEY_API bool parley_graph_feasible(const parley_graph *g, uint32_t state);
PARLEY_API double parley_graph_payoff(const parley_graph *g, size_t dm, uint32_t state);
/* dm's unilateral moves from a feasible state: the states it reaches by
 * changing its own options only (in permitted directions), feasible, not
 * state itself.  Returns how many there are; writes the cap lowest ids
 * of them, in increasing id.  improving: only those dm strictly prefers. */
PARLEY_API size_t parley_graph_moves(const parley_graph *g, size_t dm, uint32_t state,
                                     bool improving, uint32_t *out, size_t cap);

/* --- The analysis --- */
typedef struct parley_stability parley_stability;

/* Stability of every feasible state for every DM under all six concepts,
 * on threads workers (0: 2; the DMs are shared out among them; the result
 * does not depend on their number; the allocator is only called from the
 * calling thread).  g must be finalized and outlive the result.  On
 * success *out is owned by the caller (parley_stability_free). */
PARLEY_API parley_status parley_stability_analyze(const parley_graph *g, unsigned threads,
                                                  parley_stability **out, parley_error *err);
PARLEY_API void parley_stability_free(parley_stability *st);

/* Is state (feasible) stable for dm under c? */
PARLEY_API bool parley_stability_stable(const parley_stability *st, size_t dm, parley_concept c,
                                        uint32_t state);
/* Stable for every DM under c? */
PARLEY_API bool parley_stability_equilibrium(const parley_stability *st, parley_concept c,
                                             uint32_t state);
/* The equilibria under c in increasing id: returns their number, writes
 * at most cap of them. */
PARLEY_API size_t parley_stability_equilibria(const parley_stability *st, parley_concept c,
                                              uint32_t *ids, size_t cap);

/* The graph model analysed (borrowed). */
PARLEY_API const parley_graph *parley_stability_graph(const parley_stability *st);

/* Why state is not an equilibrium under c: the first DM (lowest index)
 * for whom it is unstable, and an improvement it takes that the others
 * cannot sanction under c (for Nash: its most preferred improvement, the
 * lowest id among ties; otherwise the lowest id unsanctioned one).
 * PARLEY_ERR_NORESULT when state is an equilibrium (or infeasible). */
PARLEY_API parley_status parley_stability_explain(const parley_stability *st, parley_concept c,
                                                  uint32_t state, size_t *dm, uint32_t *to);

/* Coalition stability.  The coalition (a bit per DM, at least one) moves
 * from state by any legal sequence of its members' unilateral moves; a
 * coalition improvement is a state so reached that every member strictly
 * prefers.  *stable is true when there is none; otherwise *to (if not
 * NULL) is the lowest-id coalition improvement. */
PARLEY_API parley_status parley_stability_coalition(const parley_graph *g, uint32_t members,
                                                    uint32_t state, bool *stable, uint32_t *to,
                                                    parley_error *err);

/* --- Status quo analysis: the states the conflict reaches from a status
 * quo by unilateral improvements (any DM, one move at a time), each by a
 * shortest path (fewest moves; among those the one found first, DMs in
 * index order and targets in increasing id). --- */
typedef struct parley_reach parley_reach;
/* On success *out is owned by the caller (parley_reach_free). */
PARLEY_API parley_status parley_reach_from(const parley_graph *g, uint32_t status_quo,
                                           parley_reach **out, parley_error *err);
PARLEY_API void parley_reach_free(parley_reach *r);
/* Is state reached (the status quo itself is, in 0 moves)? */
PARLEY_API bool parley_reach_reached(const parley_reach *r, uint32_t state);
/* The path to state: returns its number of moves (0 for the status quo,
 * SIZE_MAX when not reached); writes at most cap moves: move k goes to
 * states[k], made by dms[k]. */
PARLEY_API size_t parley_reach_path(const parley_reach *r, uint32_t state, uint32_t *states,
                                    size_t *dms, size_t cap);

/* --- The chart (src/report/stability_chart.c): the state graph around
 * the equilibria under c.  One column per equilibrium (the first 8 by
 * id), the equilibrium at the top; below it the states from which one
 * unilateral improvement leads into it (at most 5 each, lowest ids), an
 * arrow per move coloured by the DM who makes it; with status_quo (not
 * NULL, a feasible state) a left column with the status quo's shortest
 * path of unilateral improvements to the nearest reachable equilibrium.
 * Labels: state ids with the options as Y/N (state_label, when not NULL,
 * replaces the Y/N: it writes at most n bytes of a short label for a
 * state).  Same input, same bytes.  On success *svg is owned by the
 * caller (parley_text_free). --- */
typedef void (*parley_state_label_fn)(void *ud, uint32_t state, char *buf, size_t n);
PARLEY_API parley_status parley_chart_stability(const parley_stability *st, parley_concept c,
                                                const uint32_t *status_quo,
                                                parley_state_label_fn state_label, void *ud,
                                                const parley_chart_options *opt, char **svg,
                                                size_t *len, parley_error *err);

/* --- A graph model from a parley scenario (docs/stability.md) ---
 * Which party moves which issue, the status quo value of the issues no
 * one moves, and the red lines no state may break.  Each moved issue of n
 * values becomes ceil(log2 n) options (bit k of its value index is
 * option offset+k, in issue order), then one veto option per party given
 * one; codes past n - 1 are infeasible, so are the outcomes that break a
 * fixed red line.  The DMs are the parties that move an issue or have a
 * veto, in party order; a DM's payoff is its utility,
 * lowered by 2 (below every acceptable outcome) where the outcome breaks
 * one of its red lines or falls below its reservation value. */
typedef struct parley_moves parley_moves;

/* sc (finalized) is borrowed and must outlive the result.  NULL when out
 * of memory.  Caller frees with parley_moves_free. */
PARLEY_API parley_moves *parley_moves_new(const parley_scenario *sc, const parley_allocator *alloc);
PARLEY_API void parley_moves_free(parley_moves *m);
/* party moves issue (one mover an issue). */
PARLEY_API parley_status parley_moves_set_mover(parley_moves *m, size_t issue, size_t party,
                                                parley_error *err);
/* The status quo value of issue. */
PARLEY_API parley_status parley_moves_set_status_quo(parley_moves *m, size_t issue, size_t value,
                                                     parley_error *err);
/* Red line r of party may not be broken: its outcomes are infeasible. */
PARLEY_API parley_status parley_moves_fix_redline(parley_moves *m, size_t party, size_t r,
                                                  parley_error *err);
/* party (a ratifier, typically) gets a veto: one option of its own which,
 * when taken, returns every issue to its status quo (every issue needs a
 * status quo value). */
PARLEY_API parley_status parley_moves_add_veto(parley_moves *m, size_t party, parley_error *err);
/* The first party whose veto state takes (its outcome is then the status
 * quo), or SIZE_MAX.  Valid once parley_graph_from_scenario succeeded. */
PARLEY_API size_t parley_moves_vetoed_by(const parley_moves *m, uint32_t state);
/* The mover of issue, or SIZE_MAX. */
PARLEY_API size_t parley_moves_mover(const parley_moves *m, size_t issue);
/* The status quo value of issue into *value: false when it has none. */
PARLEY_API bool parley_moves_issue_status_quo(const parley_moves *m, size_t issue, size_t *value);
/* The fixed red lines, in the order they were fixed: red line *r of
 * *party is the k-th. */
PARLEY_API size_t parley_moves_fixed_count(const parley_moves *m);
PARLEY_API void parley_moves_fixed(const parley_moves *m, size_t k, size_t *party, size_t *r);
/* The scenario m was made for (borrowed). */
PARLEY_API const parley_scenario *parley_moves_scenario(const parley_moves *m);
/* Whether party has a veto. */
PARLEY_API bool parley_moves_has_veto(const parley_moves *m, size_t party);
/* The `stability:` section of the native format for m (src/io/native_write.c:
 * what parley_moves_read_file reads back to the same moves), to append to
 * parley_native_write's text of the same scenario.  *text is
 * NUL-terminated; the caller frees it with parley_text_free. */
PARLEY_API parley_status parley_moves_write(const parley_moves *m, char **text, size_t *len,
                                            parley_error *err);
/* The status quo as an outcome (parley_issue_count values): true when
 * every issue has a status quo value. */
PARLEY_API bool parley_moves_status_quo(const parley_moves *m, uint32_t *outcome);
/* Build the graph model (finalized; caller frees with parley_graph_free).
 * Fails when an issue nobody moves has no status quo value, or the
 * options exceed PARLEY_GRAPH_MAX_OPTIONS. */
PARLEY_API parley_status parley_graph_from_scenario(const parley_moves *m, parley_graph **out,
                                                    parley_error *err);
/* A state of that graph as an outcome (the unmoved issues at their status
 * quo), and back (false when the outcome is not a state: an unmoved issue
 * off its status quo).  Valid once parley_graph_from_scenario succeeded. */
PARLEY_API void parley_moves_outcome(const parley_moves *m, uint32_t state, uint32_t *outcome);
PARLEY_API bool parley_moves_state(const parley_moves *m, const uint32_t *outcome,
                                   uint32_t *state);
/* The `stability:` section of a native scenario file (path), for sc read
 * from the same file: PARLEY_ERR_NORESULT when the file has none.  Errors
 * at path:line:column.  On success *out is owned by the caller. */
PARLEY_API parley_status parley_moves_read_file(const char *path, const parley_scenario *sc,
                                                const parley_load_options *opt,
                                                parley_moves **out, parley_error *err);

/* --- gmcr-py save files (.gmcr, JSON; docs/stability.md) --- */

/* Read a gmcr-py save file into a finalized graph model: options (with
 * their permitted directions), decision makers with their options and
 * prioritised preference statements (conditions and compound
 * conditions), or their manual preference rankings when the file says
 * so, infeasible conditions, coalitions.  Options are renumbered DM by DM
 * as gmcr-py does on loading, so state ids and the ranking's ordinal
 * numbers mean what they mean in gmcr-py.  alloc may be NULL.  Errors name
 * path:line:column.  On success *out is owned by the caller
 * (parley_graph_free). */
PARLEY_API parley_status parley_gmcr_read(const char *path, const parley_allocator *alloc,
                                          parley_graph **out, parley_error *err);
/* The same from text (len bytes); name is used in errors (may be NULL). */
PARLEY_API parley_status parley_gmcr_read_text(const char *text, size_t len, const char *name,
                                               const parley_allocator *alloc, parley_graph **out,
                                               parley_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PARLEY_STABILITY_H */
