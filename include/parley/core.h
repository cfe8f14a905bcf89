/*
 * parley/core.h -- the core of libparley's public API: status codes and
 * errors, the allocator hook, scenarios (building, reading, evaluating)
 * and their formats.  Programs include parley/parley.h, which includes
 * this and every other public header.  Everything here carries the
 * parley_ / PARLEY_ prefix; nothing else is exported from the library.
 *
 * Conventions, true of every function below:
 *  - Functions that can fail return a parley_status (PARLEY_OK is 0) and,
 *    when the caller passes a parley_error, fill it with the file, line,
 *    column and a message that says what was expected and how to fix it.
 *  - Outputs come back through out-parameters.  Each declaration says who
 *    owns the result: "caller frees with X" or "borrowed; valid until the
 *    scenario is freed".
 *  - Every *_free(NULL) is a harmless no-op.
 *  - The library never prints and never exits.
 *  - Every allocation the library makes itself goes through the
 *    parley_allocator given to the object that owns it (NULL: malloc).
 *
 * Threads.  The library keeps no mutable global state of its own, so
 * independent objects may be used on different threads at the same time.
 *  - A finalized scenario is only read by everything that takes it as
 *    const (utilities, outcome accessors, parley_analyze, parley_diagnose,
 *    sessions, reports, writers): any number of threads may share it as
 *    long as they only read it.  Building or changing it (the functions
 *    taking a non-const parley_scenario *, finalize and _free included)
 *    must not overlap with any other use of it.
 *  - Analyses, diagnoses, sessions, session logs, forecast inputs and
 *    results are not thread-safe objects: use each from one thread at a
 *    time.  An analysis or a session borrows its scenario, which must then
 *    outlive it unchanged.  (Tournaments: see parley/tournament.h.)
 *  - The allocator hook is called from whichever thread uses the object,
 *    and from the library's worker threads whenever an options struct asks
 *    for more than one thread (analysis, diagnosis, report, forecast,
 *    tournament): it must then be thread-safe, as malloc is, or pass
 *    threads = 1.  The same holds when objects sharing one hook are used
 *    from several threads.
 *  - parley_version and parley_strerror return static strings and are
 *    thread-safe; a parley_error is a plain record owned by the caller
 *    (give each thread its own).  A session calls its strategies, and an
 *    analysis or a tournament its progress callback, from one thread at a
 *    time.
 *
 * Model in one paragraph.  A scenario has issues (discrete named values,
 * integer ranges with a step, real ranges enumerated on a grid) and
 * parties (negotiators, ratifiers, mediators).  An outcome picks one value
 * index per issue.  A party's utility is linear-additive with GENIUS's
 * exact arithmetic: U = min(1, sum_i w_i * eval_i(v_i)), summed from 0.0
 * in issue order.  Parties have a reservation value, a discount factor,
 * an optional capability, and named red lines written in a small rule
 * language (see docs/rules.md).
 */
#ifndef PARLEY_CORE_H
#define PARLEY_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PARLEY_BUILDING) && defined(__GNUC__)
#define PARLEY_API __attribute__((visibility("default")))
#else
#define PARLEY_API
#endif

#define PARLEY_VERSION_MAJOR 0
#define PARLEY_VERSION_MINOR 1
#define PARLEY_VERSION_PATCH 0
#define PARLEY_VERSION_STRING "0.1.0"

/* The version of the library actually linked.  Static string. */
PARLEY_API const char *parley_version(void);

/* ------------------------------------------------------------------ */
/* Status codes and error details                                       */
/* ------------------------------------------------------------------ */

typedef enum parley_status {
    PARLEY_OK = 0,
    PARLEY_ERR_NOMEM,       /* an allocation failed */
    PARLEY_ERR_IO,          /* a file could not be read or written */
    PARLEY_ERR_SYNTAX,      /* input is not well-formed (YAML, XML, rule) */
    PARLEY_ERR_INVALID,     /* well-formed input that breaks the model */
    PARLEY_ERR_UNSUPPORTED, /* a known kind of input parley cannot use yet */
    PARLEY_ERR_LIMIT,       /* input or work beyond a configured limit */
    PARLEY_ERR_ARG,         /* the caller misused the API */
    PARLEY_ERR_NORESULT,    /* the question has no answer (e.g. no deal) */
    PARLEY_ERR_INTERNAL     /* a bug in parley */
} parley_status;

/* A short static name of a status ("out of memory", ...). */
PARLEY_API const char *parley_strerror(parley_status st);

/* Filled by any function that takes one.  line and column are 1-based;
 * 0 means unknown.  file is empty when the input was not a file. */
typedef struct parley_error {
    parley_status status;
    char file[512];
    unsigned line;
    unsigned column;
    char message[1024];
} parley_error;

/* Reset an error record to "no error". */
PARLEY_API void parley_error_clear(parley_error *err);

/* Format "file:line:column: message" into buf (always NUL-terminated,
 * truncated to n).  Parts that are unknown are left out. */
PARLEY_API void parley_error_format(const parley_error *err, char *buf, size_t n);

/* ------------------------------------------------------------------ */
/* Allocation                                                           */
/* ------------------------------------------------------------------ */

/* One allocator hook, as in Lua: nsize == 0 frees ptr (returns NULL);
 * otherwise (re)allocates ptr from osize to nsize bytes and returns the new
 * block or NULL on failure (ptr then stays valid).  osize is the size the
 * block was allocated with (0 when ptr is NULL). */
typedef void *(*parley_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct parley_allocator {
    parley_alloc_fn fn;
    void *ud;
} parley_allocator;

/* ------------------------------------------------------------------ */
/* Scenarios                                                            */
/* ------------------------------------------------------------------ */

typedef struct parley_scenario parley_scenario;

typedef enum parley_issue_kind {
    PARLEY_ISSUE_DISCRETE = 0,
    PARLEY_ISSUE_INTEGER,
    PARLEY_ISSUE_REAL
} parley_issue_kind;

typedef enum parley_role {
    PARLEY_ROLE_NEGOTIATOR = 0, /* at the table; must accept a deal */
    PARLEY_ROLE_RATIFIER,       /* no seat, a veto at the end */
    PARLEY_ROLE_MEDIATOR        /* proposes; no veto */
} parley_role;

/* Hard limits on what a scenario may hold (hostile input fails cleanly). */
#define PARLEY_MAX_ISSUES 4096
#define PARLEY_MAX_VALUES (1u << 24) /* per issue, after enumeration */
#define PARLEY_MAX_PARTIES 1024
#define PARLEY_MAX_REDLINES 4096     /* per party */
#define PARLEY_MAX_NAME 1024         /* bytes in any name or value label */
#define PARLEY_DEFAULT_REAL_GRID 21  /* GENIUS's 21 points per real issue */

/* Create an empty scenario.  alloc may be NULL (malloc/realloc/free); it is
 * copied.  Caller frees with parley_scenario_free.  Returns NULL when out of
 * memory. */
PARLEY_API parley_scenario *parley_scenario_new(const parley_allocator *alloc);
PARLEY_API void parley_scenario_free(parley_scenario *sc);

/* A deep copy of sc (same allocator), finalized if sc is.  On success
 * *out is owned by the caller (parley_scenario_free). */
PARLEY_API parley_status parley_scenario_clone(const parley_scenario *sc, parley_scenario **out,
                                               parley_error *err);

/* Name and description (copied).  Either may be NULL to clear. */
PARLEY_API parley_status parley_scenario_set_name(parley_scenario *sc, const char *name);
PARLEY_API parley_status parley_scenario_set_description(parley_scenario *sc, const char *text);
/* A note on how the scenario was read (copied), e.g. "pareto.xml: skipped,
 * GENIUS's Pareto table, not a domain or profile": readers leave one for
 * every file of a folder they did not use.  Notes are not part of the
 * model (they change no analysis, and no writer writes them).  At most
 * PARLEY_MAX_PARTIES notes; a longer list is refused (PARLEY_ERR_LIMIT). */
PARLEY_API parley_status parley_scenario_add_note(parley_scenario *sc, const char *text);

/* --- Building: issues.  Names must be unique and non-empty.  On success
 * *index (if not NULL) receives the new issue's index.  Issues must all be
 * added before the first party. --- */

/* values: n distinct, non-empty labels (copied); n >= 1. */
PARLEY_API parley_status parley_scenario_add_discrete(parley_scenario *sc, const char *name,
                                                      size_t n, const char *const *values,
                                                      size_t *index, parley_error *err);
/* lo <= hi, step >= 1; the values are lo, lo+step, ... <= hi. */
PARLEY_API parley_status parley_scenario_add_integer(parley_scenario *sc, const char *name,
                                                     int64_t lo, int64_t hi, int64_t step,
                                                     size_t *index, parley_error *err);
/* lo <= hi finite; grid >= 2 points lo + k*(hi-lo)/(grid-1) (GENIUS: 21). */
PARLEY_API parley_status parley_scenario_add_real(parley_scenario *sc, const char *name,
                                                  double lo, double hi, unsigned grid,
                                                  size_t *index, parley_error *err);
/* Optional free text describing an issue (copied). */
PARLEY_API parley_status parley_issue_set_description(parley_scenario *sc, size_t issue,
                                                      const char *text);

/* --- Building: parties.  A new party has weight 0 and no evaluator on
 * every issue, reservation 0, discount 1, no capability, no red lines. --- */
PARLEY_API parley_status parley_scenario_add_party(parley_scenario *sc, const char *name,
                                                   parley_role role, size_t *index,
                                                   parley_error *err);
PARLEY_API parley_status parley_party_set_description(parley_scenario *sc, size_t party,
                                                      const char *text);
/* reservation: finite, in utility units (GENIUS: any double, analyses
 * compare utilities against it as written). */
PARLEY_API parley_status parley_party_set_reservation(parley_scenario *sc, size_t party, double rv);
/* discount: in (0, 1]. */
PARLEY_API parley_status parley_party_set_discount(parley_scenario *sc, size_t party, double d);
/* capability (power, for forecasting): finite and >= 0. */
PARLEY_API parley_status parley_party_set_capability(parley_scenario *sc, size_t party, double c);
/* weight: finite and >= 0; used as written (never renormalised). */
PARLEY_API parley_status parley_party_set_weight(parley_scenario *sc, size_t party, size_t issue,
                                                 double w);

/* Forecasting data (the spatial models of parley_forecast): a party's
 * position on a numeric issue (finite, on the issue's own scale; need not
 * be a grid value) and the salience of that issue to it (finite, >= 0).
 * Unset by default. */
PARLEY_API parley_status parley_party_set_position(parley_scenario *sc, size_t party, size_t issue,
                                                   double x);
PARLEY_API parley_status parley_party_set_salience(parley_scenario *sc, size_t party, size_t issue,
                                                   double s);

/* Evaluators.  Each replaces any earlier evaluator of (party, issue).  An
 * issue with no evaluator contributes nothing to the party's utility. */

/* Discrete issues: eval of value index k, finite, in [0, 1].  Values not
 * set evaluate to 0. */
PARLEY_API parley_status parley_party_set_value_eval(parley_scenario *sc, size_t party,
                                                     size_t issue, size_t value, double e);
/* Numeric issues: eval(x) = clamp(intercept + slope*(x - origin), 0, 1).
 * GENIUS integer evaluators are (offset, slope, lowerbound); GENIUS real
 * linear ones are (parameter0, parameter1, 0). */
PARLEY_API parley_status parley_party_set_linear(parley_scenario *sc, size_t party, size_t issue,
                                                 double intercept, double slope, double origin);
/* Numeric issues: peaked (GENIUS "triangular"): 0 below low, rising to 1 at
 * peak, falling to 0 at high, 0 above (low <= peak <= high). */
PARLEY_API parley_status parley_party_set_triangular(parley_scenario *sc, size_t party,
                                                     size_t issue, double low, double peak,
                                                     double high);
/* Numeric issues: piecewise-linear through n >= 1 points (x strictly
 * increasing, y in [0, 1]), constant beyond the ends.  Arrays copied. */
PARLEY_API parley_status parley_party_set_piecewise(parley_scenario *sc, size_t party,
                                                    size_t issue, size_t n, const double *x,
                                                    const double *y);
/* Any issue: the same evaluation c in [0, 1] for every value. */
PARLEY_API parley_status parley_party_set_constant(parley_scenario *sc, size_t party,
                                                   size_t issue, double c);

/* Red lines.  Adds a named rule (name unique within the party) written in
 * the rule language; it is compiled at once against the issues and parties
 * present, so add every party first.  On a syntax or naming error, err's
 * column is the 1-based offset in text and line is 0; err->message says
 * what was expected. */
PARLEY_API parley_status parley_party_add_redline(parley_scenario *sc, size_t party,
                                                  const char *name, const char *text,
                                                  parley_error *err);
/* Remove red line r of a party (later ones shift down). */
PARLEY_API parley_status parley_party_remove_redline(parley_scenario *sc, size_t party, size_t r);

/* Interactions (docs/scenario-format.md, "Interactions").  A party's
 * utility of an outcome o is
 *     clamp01( sum_i w_i * eval_i(o_i) + (sum_t [o satisfies when_t] * value_t) / divisor )
 * with clamp01(x) = max(0, min(1, x)), the linear sum folded in issue
 * order and the interaction sum in term order, both from 0.0.  Without
 * terms it is the linear utility, unchanged.  `when` is a rule (the red-line
 * language) over issues only: no utility(); value is finite and may be
 * negative (a term that subtracts; a large negative value makes the
 * outcomes it covers worth 0).  On a syntax or naming error, err's column
 * is the 1-based offset in `when`, line 0.  At most PARLEY_MAX_INTERACTIONS
 * per party. */
#define PARLEY_MAX_INTERACTIONS 100000
PARLEY_API parley_status parley_party_add_interaction(parley_scenario *sc, size_t party,
                                                      const char *when, double value,
                                                      parley_error *err);
/* Remove interaction t of a party (later ones shift down). */
PARLEY_API parley_status parley_party_remove_interaction(parley_scenario *sc, size_t party,
                                                         size_t t);
/* The divisor of the interaction sum: finite, > 0; 1 by default (a GENIUS
 * non-linear profile's maxutility). */
PARLEY_API parley_status parley_party_set_interaction_divisor(parley_scenario *sc, size_t party,
                                                              double divisor);
PARLEY_API size_t parley_interaction_count(const parley_scenario *sc, size_t party);
/* The condition as written (borrowed; NULL when out of range). */
PARLEY_API const char *parley_interaction_when(const parley_scenario *sc, size_t party, size_t t);
PARLEY_API double parley_interaction_value(const parley_scenario *sc, size_t party, size_t t);
PARLEY_API double parley_party_interaction_divisor(const parley_scenario *sc, size_t party);
/* True when some party has interaction terms (its utility is not additive). */
PARLEY_API bool parley_scenario_has_interactions(const parley_scenario *sc);

/* Check the whole scenario and prepare it for evaluation.  Must be called
 * after building and before any evaluation or analysis; building again
 * afterwards un-finalizes it.  Fails (PARLEY_ERR_INVALID) on: no issues, no
 * negotiator, a party whose weights are all zero, a weight without an
 * evaluator... */
PARLEY_API parley_status parley_scenario_finalize(parley_scenario *sc, parley_error *err);
PARLEY_API bool parley_scenario_is_final(const parley_scenario *sc);

/* --- Reading a scenario.  Strings are borrowed; valid until the scenario
 * is freed or changed. --- */
PARLEY_API const char *parley_scenario_name(const parley_scenario *sc);        /* "" if none */
PARLEY_API const char *parley_scenario_description(const parley_scenario *sc); /* "" if none */
PARLEY_API size_t parley_scenario_note_count(const parley_scenario *sc);
PARLEY_API const char *parley_scenario_note(const parley_scenario *sc, size_t i);
PARLEY_API size_t parley_issue_count(const parley_scenario *sc);
PARLEY_API const char *parley_issue_name(const parley_scenario *sc, size_t issue);
PARLEY_API const char *parley_issue_description(const parley_scenario *sc, size_t issue);
PARLEY_API parley_issue_kind parley_issue_kind_of(const parley_scenario *sc, size_t issue);
/* Number of values (after enumeration for integer and real issues). */
PARLEY_API size_t parley_issue_value_count(const parley_scenario *sc, size_t issue);
/* Integer: lo, hi, step.  Real: lo, hi and grid points in *step. */
PARLEY_API void parley_issue_range(const parley_scenario *sc, size_t issue, double *lo, double *hi,
                                   double *step);
/* Numeric value of value index k (discrete: k). */
PARLEY_API double parley_issue_value_number(const parley_scenario *sc, size_t issue, size_t k);
/* Label of value k: the discrete label, or the number written shortest
 * (round-trip exact).  Written into buf (NUL-terminated, truncated); returns
 * buf. */
PARLEY_API const char *parley_issue_value_label(const parley_scenario *sc, size_t issue, size_t k,
                                                char *buf, size_t n);
/* Index of the value with this label (discrete: the exact string; integer:
 * the number; real: the grid point within 1e-9 of a step of the number, as
 * in rules, so "0.3" finds 0.30000000000000004).  PARLEY_ERR_INVALID if
 * none. */
PARLEY_API parley_status parley_issue_find_value(const parley_scenario *sc, size_t issue,
                                                 const char *label, size_t *k);
/* Index of the named issue / party; PARLEY_ERR_INVALID if none. */
PARLEY_API parley_status parley_scenario_find_issue(const parley_scenario *sc, const char *name,
                                                    size_t *issue);
PARLEY_API parley_status parley_scenario_find_party(const parley_scenario *sc, const char *name,
                                                    size_t *party);

PARLEY_API size_t parley_party_count(const parley_scenario *sc);
PARLEY_API const char *parley_party_name(const parley_scenario *sc, size_t party);
PARLEY_API const char *parley_party_description(const parley_scenario *sc, size_t party);
PARLEY_API parley_role parley_party_role(const parley_scenario *sc, size_t party);
PARLEY_API const char *parley_role_name(parley_role role); /* "negotiator", ... */
PARLEY_API double parley_party_reservation(const parley_scenario *sc, size_t party);
PARLEY_API double parley_party_discount(const parley_scenario *sc, size_t party);
/* true and *c set when the party has a capability. */
PARLEY_API bool parley_party_capability(const parley_scenario *sc, size_t party, double *c);
PARLEY_API double parley_party_weight(const parley_scenario *sc, size_t party, size_t issue);
/* true and *x set when the party has a position / salience on the issue. */
PARLEY_API bool parley_party_position(const parley_scenario *sc, size_t party, size_t issue,
                                      double *x);
PARLEY_API bool parley_party_salience(const parley_scenario *sc, size_t party, size_t issue,
                                      double *s);
/* true if the party has preferences (at least one weighted evaluator, or an
 * interaction term with a nonzero value). */
PARLEY_API bool parley_party_has_utility(const parley_scenario *sc, size_t party);

/* How a party evaluates an issue, for writers and reports. */
typedef enum parley_eval_kind {
    PARLEY_EVAL_NONE = 0,
    PARLEY_EVAL_TABLE,      /* discrete: one number per value */
    PARLEY_EVAL_LINEAR,     /* a = intercept, b = slope, c = origin */
    PARLEY_EVAL_TRIANGULAR, /* a = low, b = peak, c = high */
    PARLEY_EVAL_PIECEWISE,  /* points */
    PARLEY_EVAL_CONSTANT    /* a */
} parley_eval_kind;

typedef struct parley_eval_info {
    parley_eval_kind kind;
    double a, b, c;
    size_t n;             /* TABLE: values; PIECEWISE: points */
    const double *table;  /* TABLE: n evaluations (borrowed) */
    const double *x, *y;  /* PIECEWISE: n points (borrowed) */
} parley_eval_info;

PARLEY_API void parley_party_eval_info(const parley_scenario *sc, size_t party, size_t issue,
                                       parley_eval_info *info);

PARLEY_API size_t parley_redline_count(const parley_scenario *sc, size_t party);
PARLEY_API const char *parley_redline_name(const parley_scenario *sc, size_t party, size_t r);
PARLEY_API const char *parley_redline_text(const parley_scenario *sc, size_t party, size_t r);

/* The number of outcomes (the product of the value counts), exactly, as a
 * decimal string with no separators, written into buf (at least 64 bytes
 * advisable; truncated otherwise).  Works far beyond 2^64. */
PARLEY_API parley_status parley_scenario_outcome_count_text(const parley_scenario *sc, char *buf,
                                                            size_t n);
/* The same as an integer: PARLEY_ERR_LIMIT when it does not fit 64 bits. */
PARLEY_API parley_status parley_scenario_outcome_count(const parley_scenario *sc, uint64_t *count);

/* --- Evaluating outcomes (scenario must be final).  An outcome is an
 * array of parley_issue_count() value indices. --- */

/* Utility of party for the outcome, undiscounted.  0 for a party without
 * preferences. */
PARLEY_API double parley_utility(const parley_scenario *sc, size_t party, const uint32_t *outcome);
/* True if the outcome breaks none of the party's red lines.  Rules may use
 * utility(P); utilities are computed as needed. */
PARLEY_API bool parley_redlines_hold(const parley_scenario *sc, size_t party,
                                     const uint32_t *outcome);
/* Index of the first red line of party broken by the outcome, or -1. */
PARLEY_API long parley_redline_broken(const parley_scenario *sc, size_t party,
                                      const uint32_t *outcome);
/* True if red line r of party holds for the outcome (one red line alone,
 * to tell which of them an outcome breaks).  False when r is out of range,
 * or when memory ran out for the utilities a rule with utility(P) needs. */
PARLEY_API bool parley_redline_holds(const parley_scenario *sc, size_t party, size_t r,
                                     const uint32_t *outcome);
/* True if every negotiator and ratifier accepts the outcome: no red line
 * of theirs broken and utility >= reservation value. */
PARLEY_API bool parley_outcome_acceptable(const parley_scenario *sc, const uint32_t *outcome);

/* ------------------------------------------------------------------ */
/* Reading and writing scenarios                                        */
/* ------------------------------------------------------------------ */

/* A party name for a GENIUS or GeniusWeb profile file (--name FILE=NAME). */
typedef struct parley_profile_name {
    const char *file; /* the profile's file name, with or without .xml/.json; no folder */
    const char *name; /* the party's name: non-empty UTF-8, no control characters, at most
                         PARLEY_MAX_NAME bytes */
} parley_profile_name;

typedef struct parley_load_options {
    const parley_allocator *alloc; /* NULL: malloc */
    unsigned real_grid;            /* points per real issue; 0: 21 */
    size_t max_file_bytes;         /* 0: 64 MiB */
    /* GENIUS and GeniusWeb only (a folder, or a domain and its profiles; a
     * native scenario with either is an error).  All borrowed for the call. */
    const char *const *profiles; /* take only these profile files, in this order (file
                                         names as in parley_profile_name); NULL: all, in the
                                         folder's or the given order */
    size_t nprofiles;
    const parley_profile_name *names; /* rename these profiles' parties (default: the file
                                         name without .xml/.json) */
    size_t nnames;
} parley_load_options;

typedef enum parley_format {
    PARLEY_FORMAT_UNKNOWN = 0,
    PARLEY_FORMAT_NATIVE,        /* YAML or JSON, "parley: 1" */
    PARLEY_FORMAT_GENIUS_XML,    /* domain + profiles */
    PARLEY_FORMAT_GENIUS_FOLDER  /* a folder holding them */
} parley_format;

/* Load a scenario from paths: one native file; a GENIUS folder; or a
 * GENIUS domain file followed by profile files.  The format is detected
 * from the content.  On success *out is final and the caller frees it with
 * parley_scenario_free; on failure *out is NULL and err says why. */
PARLEY_API parley_status parley_load(size_t npaths, const char *const *paths,
                                     const parley_load_options *opt, parley_scenario **out,
                                     parley_error *err);

/* Native format.  text need not be NUL-terminated; name is used in
 * messages (may be NULL). */
PARLEY_API parley_status parley_native_read(const char *text, size_t len, const char *name,
                                            const parley_load_options *opt,
                                            parley_scenario **out, parley_error *err);
PARLEY_API parley_status parley_native_read_file(const char *path, const parley_load_options *opt,
                                                 parley_scenario **out, parley_error *err);
/* Write sc in the native YAML format.  *text is NUL-terminated and the
 * caller frees it with parley_text_free. */
PARLEY_API parley_status parley_native_write(const parley_scenario *sc, char **text, size_t *len,
                                             parley_error *err);
/* Free a text returned by any parley_*_write or chart/report function
 * (NULL: no-op). */
PARLEY_API void parley_text_free(char *text);

/* GENIUS XML: a domain file and its profile files (one party each, in
 * order).  Party names come from the profile file names (without .xml),
 * or from opt->names; opt->profiles picks and orders the profiles.  When
 * opt->profiles took fewer than were given, the scenario carries the note
 * "K of N profiles taken: ..." (parley_scenario_note). */
PARLEY_API parley_status parley_genius_read_files(const char *domain, size_t nprofiles,
                                                  const char *const *profiles,
                                                  const parley_load_options *opt,
                                                  parley_scenario **out, parley_error *err);
/* A GENIUS folder: finds the domain and the profiles (file-name order). */
PARLEY_API parley_status parley_genius_read_folder(const char *dir, const parley_load_options *opt,
                                                   parley_scenario **out, parley_error *err);

/* Write sc (final) as a folder GENIUS 10.4 reads: a domain file named after
 * the scenario and one additive profile per negotiator with preferences,
 * named after the party (docs/genius-import.md, "Writing").  What GENIUS
 * cannot hold is left out or changed, one line per item in *notes (may be
 * NULL; caller frees with parley_text_free; "" when nothing was): red
 * lines, ratifiers, mediators, capabilities, descriptions; numeric issues
 * GENIUS cannot express become discrete issues of their values (utilities
 * unchanged).  The folder is written beside dir and renamed to it: dir
 * must not exist or be an empty folder. */
PARLEY_API parley_status parley_genius_write_folder(const parley_scenario *sc, const char *dir,
                                                    char **notes, parley_error *err);
/* The same as GeniusWeb JSON: a domain and one LinearAdditiveUtilitySpace
 * per negotiator with "discreteutils" for every issue (numeric issues
 * become their values, as strings); the reservation value becomes a
 * "reservationBid" (an outcome worth exactly it; a note when none is);
 * discount factors are dropped with a note. */
PARLEY_API parley_status parley_geniusweb_write_folder(const parley_scenario *sc, const char *dir,
                                                       char **notes, parley_error *err);
/* The same in the form the ANL 2022/2023 leagues ran (GeniusWebPython):
 * "DiscreteValueSetUtilities", profiles named profileA.json, profileB.json,
 * ... in party order (a note names each party's file, and says so when
 * there are not exactly two; more than 26 are refused), and each integer
 * issue whose utilities GeniusWeb's NumberValueSetUtilities reproduces
 * exactly (linear, rounded to 8 decimals) written as a number issue
 * ("range") with them; other numeric issues become discrete, with a note
 * (docs/genius-import.md, "Writing"). */
PARLEY_API parley_status parley_geniusweb_anl_write_folder(const parley_scenario *sc,
                                                           const char *dir, char **notes,
                                                           parley_error *err);

/* Write a file atomically: to a temporary name in the same folder, then
 * rename.  On failure nothing is left behind.  A replaced file keeps its
 * permissions; through a symbolic link the file it names is replaced.  A
 * path that is not a file or a folder (/dev/null, a FIFO) is written to
 * directly. */
PARLEY_API parley_status parley_write_file_atomic(const char *path, const void *data, size_t len,
                                                  parley_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PARLEY_CORE_H */
