/*
 * parley/redlines.h -- red-line diagnosis (`parley redlines`): which red
 * lines block a deal, and how far each must bend; when deals exist, how
 * much slack each red line and reservation value has.
 * Included by parley/parley.h; docs/redlines.md explains it in full.
 *
 * The constraints.  Every red line of a negotiator or ratifier is one
 * constraint, named "PARTY:RED_LINE_NAME"; every negotiator or ratifier
 * with preferences (or with a positive reservation value) contributes its
 * reservation value as one more, named "PARTY:reservation".  Mediators have
 * no veto: their red lines are not constraints.  A deal exists when some
 * outcome satisfies every constraint.
 *
 * Dropping a reservation value means the party accepts any deal; for the
 * bargaining solutions of a relaxed scenario its reservation value (the
 * disagreement point) is then 0, the lowest utility there is.
 *
 * What is computed.
 *  - Minimal conflicts: the minimal unsatisfiable subsets of the
 *    constraints (no outcome satisfies all of one; dropping any member
 *    opens one).
 *  - Minimal relaxations: the minimal correction subsets (dropping all of
 *    one opens a deal; dropping any proper subset does not).  Each comes
 *    with the full analysis of the relaxed scenario (deals opened, Nash and
 *    the other bargaining solutions).  Every minimal relaxation hits every
 *    minimal conflict, and conversely.
 *  - Bends: for each numeric limit -- a reservation value, or a threshold
 *    inside a rule (`weapons <= 30`, `utility(Russia) >= 0.4`) -- the
 *    exact value it must reach, all else unchanged, for a deal to exist
 *    (or that no value of it alone suffices).
 *  - Slack, when deals exist: how far each numeric limit can tighten
 *    before the last deal vanishes, and for every constraint whether it is
 *    binding (dropping it moves the Nash deal), restricting (it removes
 *    deals but the Nash deal stays) or irrelevant (it removes no deal).
 *
 * Algorithms: MARCO enumeration of conflicts and relaxations, with an
 * exact branch-and-bound feasibility oracle over the outcome space (per
 * issue utility bounds, three-valued rule evaluation, witness caching);
 * never the 2^k subsets.  Deterministic: the same scenario always gives
 * the same lists in the same order.
 */
#ifndef PARLEY_REDLINES_H
#define PARLEY_REDLINES_H

#include "parley/analysis.h" /* parley_progress_fn */
#include "parley/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum parley_constraint_kind {
    PARLEY_CONSTRAINT_REDLINE = 0,
    PARLEY_CONSTRAINT_RESERVATION
} parley_constraint_kind;

typedef struct parley_diagnosis_options {
    unsigned threads;        /* for the analyses of relaxed scenarios; 0: 2 */
    uint64_t max_work;       /* search nodes in all; 0: 4e9 */
    size_t max_sets;         /* conflicts + relaxations listed at most; 0: 1000 */
    bool solutions;          /* analyse each relaxation / drop (default true via _init) */
    double max_seconds;      /* wall-clock limit for the whole diagnosis, its analyses
                              * included (PARLEY_ERR_LIMIT past it); 0: none */
    parley_progress_fn progress; /* may be NULL: the analyses the diagnosis runs report
                                  * through it (parley_analysis_options' progress) */
    void *progress_ud;
} parley_diagnosis_options;

PARLEY_API void parley_diagnosis_options_init(parley_diagnosis_options *opt);

typedef struct parley_diagnosis parley_diagnosis;

/* Diagnose a final scenario.  On success *out is owned by the caller (free
 * with parley_diagnosis_free); it does not borrow from sc.  Fails with
 * PARLEY_ERR_LIMIT when the work limit is reached (err says how to raise
 * it), PARLEY_ERR_ARG when sc is not final, PARLEY_ERR_NOMEM. */
PARLEY_API parley_status parley_diagnose(const parley_scenario *sc,
                                         const parley_diagnosis_options *opt,
                                         parley_diagnosis **out, parley_error *err);
PARLEY_API void parley_diagnosis_free(parley_diagnosis *d);

PARLEY_API bool parley_diagnosis_deal_exists(const parley_diagnosis *d);
/* When deals exist and solutions were computed: their number, in decimal
 * into buf; false otherwise. */
PARLEY_API bool parley_diagnosis_deal_count_text(const parley_diagnosis *d, char *buf, size_t n);
/* False when max_sets cut the lists short. */
PARLEY_API bool parley_diagnosis_complete(const parley_diagnosis *d);

/* The constraints, in scenario order (party by party: red lines, then the
 * reservation value).  Names are borrowed until the diagnosis is freed. */
PARLEY_API size_t parley_diagnosis_constraint_count(const parley_diagnosis *d);
PARLEY_API const char *parley_diagnosis_constraint_name(const parley_diagnosis *d, size_t c);
PARLEY_API parley_constraint_kind parley_diagnosis_constraint_kind(const parley_diagnosis *d,
                                                                   size_t c);
PARLEY_API size_t parley_diagnosis_constraint_party(const parley_diagnosis *d, size_t c);
/* For a red line: its index among the party's red lines. */
PARLEY_API size_t parley_diagnosis_constraint_redline(const parley_diagnosis *d, size_t c);

/* Minimal conflicts, smallest first.  Returns the size of conflict k and
 * sets *members to its constraint indices (ascending; borrowed). */
PARLEY_API size_t parley_diagnosis_conflict_count(const parley_diagnosis *d);
PARLEY_API size_t parley_diagnosis_conflict(const parley_diagnosis *d, size_t k,
                                            const size_t **members);

/* Minimal relaxations, smallest first, then most deals opened. */
PARLEY_API size_t parley_diagnosis_relaxation_count(const parley_diagnosis *d);
PARLEY_API size_t parley_diagnosis_relaxation(const parley_diagnosis *d, size_t k,
                                              const size_t **members);
/* The analysis of the scenario with relaxation k applied (borrowed), or
 * NULL when solutions were not asked for or the analysis failed. */
PARLEY_API const parley_analysis *parley_diagnosis_relaxation_analysis(const parley_diagnosis *d,
                                                                       size_t k);

typedef struct parley_limit_info {
    size_t constraint;  /* which constraint the limit belongs to */
    const char *what;   /* "reservation" or the comparison as written, e.g.
                           "weapons <= 30" (borrowed) */
    double from;        /* the limit as it stands */
    bool possible;      /* a value of this limit alone decides (see to) */
    double to;          /* bends: the value that opens the first deal;
                           slack: the value at which the last deal goes */
    double slack;       /* slack: |to - from|; bends: |to - from| too */
    bool strict;        /* the comparison is strict: the limit must pass
                           `to`, not reach it */
} parley_limit_info;

/* Bends (no deal exists): one per numeric limit. */
PARLEY_API size_t parley_diagnosis_bend_count(const parley_diagnosis *d);
PARLEY_API bool parley_diagnosis_bend(const parley_diagnosis *d, size_t k, parley_limit_info *out);

/* Slack (deals exist): one per numeric limit. */
PARLEY_API size_t parley_diagnosis_slack_count(const parley_diagnosis *d);
PARLEY_API bool parley_diagnosis_slack(const parley_diagnosis *d, size_t k, parley_limit_info *out);

typedef enum parley_constraint_status {
    PARLEY_STATUS_UNKNOWN = 0,  /* not computed (no deal, or solutions off) */
    PARLEY_STATUS_BINDING,      /* dropping it moves the Nash deal */
    PARLEY_STATUS_RESTRICTING,  /* it removes deals; the Nash deal stays */
    PARLEY_STATUS_IRRELEVANT    /* it removes no deal */
} parley_constraint_status;

/* When deals exist: the status of constraint c and the number of deals
 * dropping it would add (as text, exact). */
PARLEY_API parley_constraint_status parley_diagnosis_status(const parley_diagnosis *d, size_t c,
                                                            char *added, size_t n);
PARLEY_API const char *parley_constraint_status_name(parley_constraint_status s);

#ifdef __cplusplus
}
#endif

#endif
