/*
 * forecast.h -- forecasting where positions converge: KTAB's Spatial Model
 * of Politics (SMP) and Bueno de Mesquita's expected-utility model (BDM)
 * as replicated by Scholz, Calbert and Smith (2011).  docs/forecast.md has
 * the equations.
 *
 * A forecast input is separate from a negotiation scenario: actors (name,
 * description, capability) by dimensions (name, scale [lo, hi]) with, per
 * actor and dimension, a position on the dimension's scale and a salience
 * in [0, 1].  KTAB's CSV and XML files and the native scenario format can
 * be read into one; a program can also build one with the setters below.
 *
 * Conventions are those of parley.h: statuses and parley_error, "caller
 * frees with X", *_free(NULL) harmless, the library never prints, every
 * allocation goes through the input's allocator.
 */
#ifndef PARLEY_FORECAST_H
#define PARLEY_FORECAST_H

#include "parley/analysis.h" /* parley_progress_fn */
#include "parley/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits on what a forecast input may hold (KTAB's are 250 actors). */
#define PARLEY_FORECAST_MAX_ACTORS 4096
#define PARLEY_FORECAST_MAX_DIMS 256

typedef struct parley_forecast_input parley_forecast_input;

/* An empty input (alloc may be NULL: malloc).  Caller frees with
 * parley_forecast_input_free.  NULL when out of memory. */
PARLEY_API parley_forecast_input *parley_forecast_input_new(const parley_allocator *alloc);
PARLEY_API void parley_forecast_input_free(parley_forecast_input *in);

/* Name and description (copied; NULL clears). */
PARLEY_API parley_status parley_forecast_input_set_name(parley_forecast_input *in, const char *name,
                                                        const char *description);

/* Add a dimension named name (unique, non-empty) with scale [lo, hi],
 * lo < hi, both finite.  All dimensions come before the first actor. */
PARLEY_API parley_status parley_forecast_add_dimension(parley_forecast_input *in, const char *name,
                                                       double lo, double hi, parley_error *err);

/* Add an actor: name unique and non-empty, description may be NULL,
 * capability > 0 and finite, pos[d] within dimension d's scale, sal[d] in
 * [0, 1] with a positive sum of at most 1 (+1e-9).  pos and sal hold one
 * number per dimension (copied). */
PARLEY_API parley_status parley_forecast_add_actor(parley_forecast_input *in, const char *name,
                                                   const char *description, double capability,
                                                   const double *pos, const double *sal,
                                                   parley_error *err);

/* Accommodation ("ideal adjustment"): how far actor i's ideal point moves
 * toward actor j's position each turn, a in [0, 1], each row summing to at
 * most 1.  Unset: the identity (ideal = position).  Actors must exist. */
PARLEY_API parley_status parley_forecast_set_accommodation(parley_forecast_input *in, size_t i,
                                                           size_t j, double a, parley_error *err);

PARLEY_API const char *parley_forecast_input_name(const parley_forecast_input *in);
PARLEY_API size_t parley_forecast_actor_count(const parley_forecast_input *in);
PARLEY_API size_t parley_forecast_dim_count(const parley_forecast_input *in);
PARLEY_API const char *parley_forecast_actor_name(const parley_forecast_input *in, size_t a);
PARLEY_API const char *parley_forecast_dim_name(const parley_forecast_input *in, size_t d);
PARLEY_API void parley_forecast_dim_range(const parley_forecast_input *in, size_t d, double *lo,
                                          double *hi);
PARLEY_API double parley_forecast_actor_capability(const parley_forecast_input *in, size_t a);
PARLEY_API double parley_forecast_actor_position(const parley_forecast_input *in, size_t a, size_t d);
PARLEY_API double parley_forecast_actor_salience(const parley_forecast_input *in, size_t a, size_t d);

/* ---------------------------------------------------------------- SMP */

/* KTAB's model parameters (names as in KTAB's XML).  The defaults are
 * KTAB's deterministic reference configuration (marked *). */
typedef enum { PARLEY_SMP_VP_LINEAR = 0 /* * */, PARLEY_SMP_VP_SQUARE, PARLEY_SMP_VP_QUARTIC,
               PARLEY_SMP_VP_OCTIC, PARLEY_SMP_VP_BINARY } parley_smp_vpmodel;
typedef enum { PARLEY_SMP_PCE_CONDITIONAL = 0 /* * */, PARLEY_SMP_PCE_MARKOV_INCENTIVE,
               PARLEY_SMP_PCE_MARKOV_UNIFORM } parley_smp_pce;
typedef enum { PARLEY_SMP_DETERMINISTIC = 0 /* * */, PARLEY_SMP_STOCHASTIC } parley_smp_transitions;
typedef enum { PARLEY_SMP_VR_BINARY = 0, PARLEY_SMP_VR_PROPBIN, PARLEY_SMP_VR_PROPORTIONAL /* * */,
               PARLEY_SMP_VR_PROPCBC, PARLEY_SMP_VR_CUBIC, PARLEY_SMP_VR_ASYMPROSP } parley_smp_voting;
typedef enum { PARLEY_SMP_RA_FULL = 0, PARLEY_SMP_RA_TWOTHIRDS, PARLEY_SMP_RA_HALF,
               PARLEY_SMP_RA_ONETHIRD /* * */, PARLEY_SMP_RA_NONE } parley_smp_radjust;
typedef enum { PARLEY_SMP_RR_MIN = 0, PARLEY_SMP_RR_MID /* * */, PARLEY_SMP_RR_MAX } parley_smp_rrange;
typedef enum { PARLEY_SMP_TP_NOCOMMIT = 0, PARLEY_SMP_TP_SEMICOMMIT /* * */,
               PARLEY_SMP_TP_FULLCOMMIT } parley_smp_thirdparty;
typedef enum { PARLEY_SMP_IVB_S1P1 = 0, PARLEY_SMP_IVB_S2P2 /* * */, PARLEY_SMP_IVB_S2PMAX } parley_smp_interp;
typedef enum { PARLEY_SMP_BM_INITONLY = 0 /* * */, PARLEY_SMP_BM_INITRCVR,
               PARLEY_SMP_BM_PWCOMP } parley_smp_bargain;

typedef struct parley_smp_params {
    parley_smp_vpmodel victory;
    parley_smp_pce pce;                 /* Conditional, MarkovIncentive, MarkovUniform */
    parley_smp_transitions transitions; /* Stochastic: seeded, see the options' seed */
    parley_smp_voting voting;
    parley_smp_radjust radjust;
    parley_smp_rrange rrange;
    parley_smp_thirdparty thirdparty;
    parley_smp_interp interp;
    parley_smp_bargain bargain;
} parley_smp_params;

/* The parameters a KTAB XML file gave (<ModelParameters>); false (and the
 * defaults in *p) when it gave none. */
PARLEY_API bool parley_forecast_input_smp_params(const parley_forecast_input *in,
                                                 parley_smp_params *p);
/* The seed a KTAB XML file gave (<prngSeed>); false (and *seed = 0) when
 * it gave none. */
PARLEY_API bool parley_forecast_input_seed(const parley_forecast_input *in, uint64_t *seed);

/* ---------------------------------------------------------------- BDM */

/* The ambiguities the replications disagree on (docs/forecast.md, "BDM
 * options"); the defaults (*) follow Scholz's own code as documented by
 * the jmckib replication, with capitulation as the paper describes it. */
typedef enum { PARLEY_BDM_VOTE_LINEAR = 0,  /* c s (|xk-xj| - |xk-xi|) / range */
               PARLEY_BDM_VOTE_DOUBLE,      /* twice that (a C# replication) */
               PARLEY_BDM_VOTE_RISK /* * */ /* c s ((|xk-xj|/range)^rk - (|xk-xi|/range)^rk) */
} parley_bdm_vote;
typedef enum { PARLEY_BDM_MEDIAN_CONDORCET = 0 /* * */, PARLEY_BDM_MEDIAN_MEAN,
               PARLEY_BDM_MEDIAN_WEIGHTED } parley_bdm_median;
typedef enum { PARLEY_BDM_PROB_PAIRWISE = 0, PARLEY_BDM_PROB_SCHOLZ /* * */ } parley_bdm_prob;
typedef enum { PARLEY_BDM_RISK_ACTORS = 0 /* * */, PARLEY_BDM_RISK_POSITIONS } parley_bdm_risk;
typedef enum { PARLEY_BDM_R_EVALUATOR = 0 /* * */, PARLEY_BDM_R_OWN } parley_bdm_rowner;
typedef enum { PARLEY_BDM_COMPROMISE_PROPORTIONAL = 0 /* * */,
               PARLEY_BDM_COMPROMISE_WEIGHTED } parley_bdm_compromise;
typedef enum { PARLEY_BDM_CHOICE_SCHOLZ = 0 /* * */, PARLEY_BDM_CHOICE_LEAST_MOVE } parley_bdm_choice;

typedef struct parley_bdm_params {
    parley_bdm_vote vote;
    parley_bdm_median median;
    parley_bdm_prob prob;
    double q;                       /* probability the status quo holds (*1) */
    parley_bdm_risk risk;
    parley_bdm_rowner rowner;
    parley_bdm_compromise compromise;
    parley_bdm_choice choice;
    bool capitulation;              /* * true; false reproduces jmckib's typo */
} parley_bdm_params;

/* ---------------------------------------------------------------- runs */

typedef enum { PARLEY_FORECAST_SMP = 0, PARLEY_FORECAST_BDM } parley_forecast_model;

typedef struct parley_forecast_options {
    parley_forecast_model model;
    unsigned max_rounds; /* 0: 100 for SMP (KTAB), 10 for BDM (Scholz) */
    unsigned threads;    /* 0 or 1: one thread; results never depend on it */
    parley_smp_params smp;
    parley_bdm_params bdm;
    bool seed_set;       /* false: the input's seed (<prngSeed>, else 0) */
    uint64_t seed;       /* SMP Stochastic transitions: the draws' seed; the
                          * same input and seed give the same run whatever
                          * the thread count */
    parley_progress_fn progress; /* may be NULL: called after each round with
                                  * phase "round" and rounds / max_rounds; its
                                  * return value is ignored */
    void *progress_ud;
} parley_forecast_options;

/* Fill opt with the defaults (SMP with KTAB's reference parameters, BDM
 * with Scholz's, 0 rounds: the model's default, one thread). */
PARLEY_API void parley_forecast_options_init(parley_forecast_options *opt);

typedef struct parley_forecast_result parley_forecast_result;

/* Run the model.  On success *out is owned by the caller
 * (parley_forecast_result_free).  Fails with PARLEY_ERR_UNSUPPORTED for
 * SMP parameters not implemented, PARLEY_ERR_INVALID for inputs the model
 * cannot use (fewer than 2 actors, ...). */
PARLEY_API parley_status parley_forecast_run(const parley_forecast_input *in,
                                             const parley_forecast_options *opt,
                                             parley_forecast_result **out, parley_error *err);
PARLEY_API void parley_forecast_result_free(parley_forecast_result *r);

/* The number of states, the initial one included (rounds + 1). */
PARLEY_API size_t parley_forecast_result_states(const parley_forecast_result *r);
/* True when the model's own stopping rule ended the run (SMP: KTAB's
 * fractional change below 0.02; BDM: no position changed in a round),
 * false when max_rounds did. */
PARLEY_API bool parley_forecast_result_converged(const parley_forecast_result *r);
PARLEY_API size_t parley_forecast_result_actors(const parley_forecast_result *r);
PARLEY_API size_t parley_forecast_result_dims(const parley_forecast_result *r);
/* Actor a's position on dimension d in state s, on the input's scale. */
PARLEY_API double parley_forecast_result_position(const parley_forecast_result *r, size_t s,
                                                  size_t a, size_t d);
/* The probability that actor a's position prevails in state s (actors on
 * the same position share one value; distinct positions sum to 1). */
PARLEY_API double parley_forecast_result_probability(const parley_forecast_result *r, size_t s,
                                                     size_t a);
/* The forecast on dimension d: SMP, the most probable position of the
 * last state; BDM, the median position (per the median option) of the
 * last state. */
PARLEY_API double parley_forecast_result_forecast(const parley_forecast_result *r, size_t d);
/* SMP: the fractional change of step s (1 <= s < states) compared with
 * the first step, as KTAB logs it; BDM: the largest move in round s
 * divided by the scale.  0 for s == 0. */
PARLEY_API double parley_forecast_result_change(const parley_forecast_result *r, size_t s);

/* ------------------------------------------------------------- readers */

/* KTAB's SMP CSV (first line: name, description, #actors, #dims; second:
 * headers; then name, description, capability, (position, salience) per
 * dimension on [0, 100]), or the simple BDM CSV whose header is exactly
 * Actor,Capability,Position,Salience (salience in [0, 1]; the scale is
 * [min, max] of the positions).  Positions and scales are kept as written;
 * saliences become fractions.
 *
 * All four KTAB readers take the load options (NULL: the defaults): the
 * input is allocated with opt->alloc (NULL: malloc) and a file or text is
 * refused (PARLEY_ERR_LIMIT) above opt->max_file_bytes (0: 64 MiB);
 * real_grid is not used.  The _text readers borrow text (len bytes, not
 * necessarily NUL-terminated) and use name only in messages (may be
 * NULL).  On success *out is owned by the caller, who frees it with
 * parley_forecast_input_free; on failure *out is NULL.  Errors carry
 * file:line:column. */
PARLEY_API parley_status parley_ktab_read_csv(const char *path, const parley_load_options *opt,
                                              parley_forecast_input **out, parley_error *err);
PARLEY_API parley_status parley_ktab_read_csv_text(const char *text, size_t len, const char *name,
                                                   const parley_load_options *opt,
                                                   parley_forecast_input **out, parley_error *err);
/* KTAB's SMP XML (<Scenario>, smpSchema.xsd), with <ModelParameters> and
 * <IdealAdjustment>.  No network, no DTD, no entity expansion (a document
 * declaring an entity is refused).  Options and ownership as above. */
PARLEY_API parley_status parley_ktab_read_xml(const char *path, const parley_load_options *opt,
                                              parley_forecast_input **out, parley_error *err);
PARLEY_API parley_status parley_ktab_read_xml_text(const char *text, size_t len, const char *name,
                                                   const parley_load_options *opt,
                                                   parley_forecast_input **out, parley_error *err);

/* A forecast input from a native scenario: one dimension per numeric
 * (integer or real) issue with the range as scale; one actor per
 * party with a capability > 0.  Position: the party's `position:` on the
 * issue when set, else its ideal point (the value of highest evaluation,
 * the first when tied).  Salience: the party's `salience:` when set (read
 * as a percentage when any of the party's exceeds 1), else its weight;
 * saliences summing above 1 are divided by their sum.  Parties with
 * neither positions nor evaluators on the numeric issues are left out.
 * The input uses malloc; caller frees it with parley_forecast_input_free.
 * Fails (PARLEY_ERR_INVALID) when fewer than two actors or no numeric
 * issue remain. */
PARLEY_API parley_status parley_forecast_input_from_scenario(const parley_scenario *sc,
                                                             parley_forecast_input **out,
                                                             parley_error *err);

#ifdef __cplusplus
}
#endif

#endif
