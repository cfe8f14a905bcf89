/*
 * parley/tournament.h -- tournaments (`parley tournament`): every strategy
 * plays every other (and itself) on every scenario, in every role, a
 * number of times, and the results say which strategy does best, on
 * average and against whom.  docs/tournament.md has the configuration
 * format, the exact enumeration of sessions, the database schema and the
 * measures.
 *
 * The pieces, from the top:
 *  - parley_tournament_load reads a configuration file (YAML, strict),
 *    loads its scenarios and checks its strategies.
 *  - Every session has an id in [0, parley_tournament_session_count) and
 *    an identity (scenario, strategy tuple, role rotation, repetition);
 *    its seed is a hash of the master seed and that identity, so its
 *    result depends on nothing else (not on threads, ranks, shards or
 *    order of execution).
 *  - parley_tournament_run runs what is not yet in the store (an SQLite
 *    file) on a pool of threads and writes the results in batches.  Killed
 *    at any moment, it loses at most the sessions not yet committed; run
 *    again, it resumes without duplicates.
 *  - The building blocks of run (a worker that runs one session, a store
 *    that lists what is done and takes records) are public too, so that
 *    another driver (parley-mpi) can spread sessions over processes.
 *  - parley_tournament_rank reads a store and ranks the strategies by each
 *    measure, with means and 95% confidence intervals.
 *
 * Memory: every object returned is owned by the caller and freed with its
 * own _free function.  Strings returned are borrowed from their object.
 * Everything parley allocates for a tournament (scenarios, analyses,
 * workers, sessions, stores, queues, id lists) goes through the allocator
 * given to parley_tournament_load; rankings and merges take their own.
 * Runs call it from several threads: it must be thread-safe (malloc is).
 * SQLite and libfyaml allocate with their own allocators.
 * Threads: a tournament is read-only once loaded and may be shared by
 * workers; a worker or a store is used by one thread at a time.
 */
#ifndef PARLEY_TOURNAMENT_H
#define PARLEY_TOURNAMENT_H

#include "parley/core.h"
#include "parley/negotiation.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most negotiators a tournament scenario may seat. */
#define PARLEY_TOURNAMENT_MAX_SEATS 16
/* The most strategies and scenarios in one configuration. */
#define PARLEY_TOURNAMENT_MAX_STRATEGIES 256
#define PARLEY_TOURNAMENT_MAX_SCENARIOS 4096

typedef struct parley_tournament parley_tournament;

/* Read the configuration at path (docs/tournament.md), load every scenario
 * (paths relative to the configuration's folder) with opt, and check every
 * strategy against every scenario.  opt may be NULL (malloc, the default
 * real grid and file limit); its allocator is used for everything the
 * tournament, its workers and stores allocate, and a real_grid other than
 * the default is part of the fingerprint.  Errors carry file:line:column;
 * an unknown key says which keys exist and the closest one.  On success
 * *out is owned by the caller (parley_tournament_free). */
PARLEY_API parley_status parley_tournament_load(const char *path, const parley_load_options *opt,
                                                parley_tournament **out, parley_error *err);
PARLEY_API void parley_tournament_free(parley_tournament *t);

/* What the configuration says.  Strings borrowed from t. */
PARLEY_API uint64_t parley_tournament_session_count(const parley_tournament *t);
PARLEY_API size_t parley_tournament_strategy_count(const parley_tournament *t);
PARLEY_API const char *parley_tournament_strategy(const parley_tournament *t, size_t i);
PARLEY_API size_t parley_tournament_scenario_count(const parley_tournament *t);
/* The scenario as written in the configuration (its path). */
PARLEY_API const char *parley_tournament_scenario_label(const parley_tournament *t, size_t i);
PARLEY_API const parley_scenario *parley_tournament_scenario(const parley_tournament *t,
                                                              size_t i);
/* The store named in the configuration, resolved against its folder, or
 * CONFIG without its extension + ".sqlite" beside it. */
PARLEY_API const char *parley_tournament_default_store(const parley_tournament *t);
/* A canonical text of everything that decides the sessions (seed,
 * protocol, rounds, repetitions, scenarios, strategies): two stores can be
 * resumed or merged together only when theirs are equal. */
PARLEY_API const char *parley_tournament_fingerprint(const parley_tournament *t);

/* One session's identity and result.  Per-seat arrays have `seats`
 * entries; seat k is the k-th negotiator of the scenario. */
typedef struct parley_tournament_record {
    uint64_t id;
    uint32_t scenario;        /* index in the configuration */
    uint32_t focal;           /* strategy index of the focal seat */
    uint32_t opponent;        /* strategy index of every other seat */
    uint32_t rotation;        /* the focal seat */
    uint32_t repetition;
    uint64_t seed;
    uint32_t seats;
    uint32_t strategy[PARLEY_TOURNAMENT_MAX_SEATS]; /* strategy index per seat */
    uint32_t party[PARLEY_TOURNAMENT_MAX_SEATS];    /* scenario party per seat */
    bool agreement;
    bool walked_away;
    bool vetoed;
    bool has_outcome;
    bool timed_out;           /* ended by the wall-time limit (no deal) */
    uint64_t outcome_id;      /* the deal (has_outcome) */
    unsigned long rounds;
    double t;
    double utility[PARLEY_TOURNAMENT_MAX_SEATS]; /* discounted, per seat */
    double welfare;
    double pareto_distance;   /* NaN when not defined */
    double nash_distance;
} parley_tournament_record;

/* Fill the identity fields (id, scenario, focal, opponent, rotation,
 * repetition, seed, seats, strategy, party) of session id.
 * PARLEY_ERR_ARG when id is out of range. */
PARLEY_API parley_status parley_tournament_identify(const parley_tournament *t, uint64_t id,
                                                    parley_tournament_record *rec,
                                                    parley_error *err);

/* A worker: the sessions (one per scenario, made as needed) that one
 * thread or process runs sessions with.  Owned by the caller. */
typedef struct parley_tournament_worker parley_tournament_worker;
PARLEY_API parley_status parley_tournament_worker_new(const parley_tournament *t,
                                                      parley_tournament_worker **out,
                                                      parley_error *err);
PARLEY_API void parley_tournament_worker_free(parley_tournament_worker *w);
/* Run session id and fill *rec.  The result depends only on t and id. */
PARLEY_API parley_status parley_tournament_run_session(parley_tournament_worker *w, uint64_t id,
                                                       parley_tournament_record *rec,
                                                       parley_error *err);

/* A store: an SQLite database (WAL journal, synchronous NORMAL).  Opening
 * creates the schema if needed and checks that the store belongs to this
 * tournament (same fingerprint): PARLEY_ERR_INVALID otherwise; and that
 * it is not damaged (SQLite's quick_check, and every session's checksum):
 * PARLEY_ERR_INVALID naming what is wrong.  An open store holds the
 * writer's lock (a file STORE.lock beside it) until it is closed: opening
 * a store another process (or another open store) holds fails at once
 * with PARLEY_ERR_IO "the store is in use by process N"; so does a store
 * or folder that cannot be written ("read-only").  A store of schema 1 or
 * 2 is upgraded to schema 3 (docs/tournament.md). */
typedef struct parley_tournament_store parley_tournament_store;
PARLEY_API parley_status parley_tournament_store_open(const parley_tournament *t, const char *path,
                                                      parley_tournament_store **out,
                                                      parley_error *err);
/* Commit what is pending and close (NULL: no-op).  Returns the status of
 * the last commit. */
PARLEY_API parley_status parley_tournament_store_close(parley_tournament_store *s,
                                                       parley_error *err);
/* The ids still to run in shard k of n (1 <= k <= n; 1/1: all), in
 * increasing order.  *ids is owned by the caller: free it with
 * parley_tournament_ids_free(t, *ids, *count), t the store's tournament. */
PARLEY_API parley_status parley_tournament_store_todo(parley_tournament_store *s, unsigned k,
                                                      unsigned n, uint64_t **ids, size_t *count,
                                                      parley_error *err);
/* Free a list from parley_tournament_store_todo (NULL: no-op). */
PARLEY_API void parley_tournament_ids_free(const parley_tournament *t, uint64_t *ids,
                                           size_t count);
/* Queue a record; every `batch` records (default 256) are committed in one
 * transaction.  A record whose id is stored already is ignored. */
PARLEY_API parley_status parley_tournament_store_put(parley_tournament_store *s,
                                                     const parley_tournament_record *rec,
                                                     parley_error *err);
PARLEY_API parley_status parley_tournament_store_commit(parley_tournament_store *s,
                                                        parley_error *err);

/* Running the whole tournament (or a shard of it). */
typedef void (*parley_tournament_progress_fn)(void *ud, uint64_t done, uint64_t total);

typedef struct parley_tournament_run_options {
    unsigned threads;      /* 0: the number of processors online */
    unsigned shard_k;      /* 1-based shard; 0 or with shard_n 0: all */
    unsigned shard_n;
    unsigned batch;        /* records per transaction; 0: 256 */
    parley_tournament_progress_fn progress; /* may be NULL; called by the writer
                            * after each stored session and every 0.5 s
                            * while none finishes */
    void *progress_ud;
    volatile int *stop;    /* if not NULL and set non-zero: stop at once
                            * (the sessions in flight are abandoned, not
                            * stored), commit what is finished; read only
                            * by the calling thread (workers block signals,
                            * so a handler setting it is safe) */
    double time_limit;     /* wall time of one session in seconds, after
                            * which it ends as a timeout (record.timed_out):
                            * 0 the configuration's `time-limit`, < 0 none */
} parley_tournament_run_options;

typedef struct parley_tournament_run_stats {
    uint64_t total;        /* sessions in the shard */
    uint64_t already;      /* found in the store at the start */
    uint64_t ran;          /* run and stored now */
    uint64_t timeouts;     /* of those, ended by the wall-time limit */
    double seconds;        /* wall time of the runs */
} parley_tournament_run_stats;

/* Run every session of the shard not yet in the store at store_path.
 * opt may be NULL.  stats may be NULL. */
PARLEY_API parley_status parley_tournament_run(const parley_tournament *t, const char *store_path,
                                               const parley_tournament_run_options *opt,
                                               parley_tournament_run_stats *stats,
                                               parley_error *err);

/* Merge stores made by the same tournament (shards) into out (created if
 * absent).  Sessions already in out are kept, never duplicated.  All or
 * nothing: the merge is built in a temporary file beside out and renamed
 * over it at the end, so on failure out is as it was (absent, or the
 * store it was); an existing out that is not a store is never replaced.  alloc
 * may be NULL (malloc); *sessions (may be NULL) gets the count in out. */
PARLEY_API parley_status parley_tournament_merge(const char *out, size_t n,
                                                 const char *const *inputs,
                                                 const parley_allocator *alloc,
                                                 uint64_t *sessions, parley_error *err);

/* Rankings.  Measures, in this order: */
typedef enum parley_tournament_measure {
    PARLEY_MEASURE_UTILITY = 0,   /* own discounted utility, per seat */
    PARLEY_MEASURE_WELFARE,       /* social welfare of the session */
    PARLEY_MEASURE_AGREEMENT,     /* 1 with a deal, 0 without */
    PARLEY_MEASURE_PARETO,        /* distance to the Pareto frontier (lower is better) */
    PARLEY_MEASURE_NASH,          /* distance to the Nash deal (lower is better) */
    PARLEY_MEASURE_ROUNDS,        /* rounds used (lower is better) */
    PARLEY_MEASURE_COUNT
} parley_tournament_measure;

/* "utility", "welfare", "agreement", "pareto_distance", "nash_distance",
 * "rounds". */
PARLEY_API const char *parley_tournament_measure_name(parley_tournament_measure m);
/* True when more is better. */
PARLEY_API bool parley_tournament_measure_higher_better(parley_tournament_measure m);

typedef struct parley_tournament_stat {
    uint64_t n;
    double mean;
    double ci;  /* half-width of the 95% interval: 1.96 sd / sqrt(n); 0 if n < 2 */
} parley_tournament_stat;

typedef struct parley_tournament_ranking parley_tournament_ranking;
/* Read the store at path (PARLEY_ERR_INVALID when it is not a store: an
 * empty file, another database; or when it is damaged: SQLite's
 * quick_check fails, or a session's rows do not match their checksum,
 * the message naming them) and compute, for every strategy and measure, the
 * mean and 95% confidence interval.  alloc may be NULL (malloc).  *out is
 * owned by the caller (parley_tournament_ranking_free). */
PARLEY_API parley_status parley_tournament_rank(const char *store_path,
                                                const parley_allocator *alloc,
                                                parley_tournament_ranking **out,
                                                parley_error *err);
PARLEY_API void parley_tournament_ranking_free(parley_tournament_ranking *r);
/* The sessions ranked (those in the store), and the tournament's whole
 * count as the store records it: fewer ranked than expected means a
 * partial store (a shard, an interrupted run). */
PARLEY_API uint64_t parley_tournament_ranking_sessions(const parley_tournament_ranking *r);
PARLEY_API uint64_t parley_tournament_ranking_expected(const parley_tournament_ranking *r);
PARLEY_API size_t parley_tournament_ranking_strategies(const parley_tournament_ranking *r);
PARLEY_API const char *parley_tournament_ranking_name(const parley_tournament_ranking *r,
                                                      size_t s);
PARLEY_API parley_tournament_stat parley_tournament_ranking_stat(
    const parley_tournament_ranking *r, size_t s, parley_tournament_measure m);
/* Sessions ended by the wall-time limit (record.timed_out; counted as
 * sessions without a deal in every measure), in all and as the share of
 * strategy s's sessions (counted once per session, as welfare is). */
PARLEY_API uint64_t parley_tournament_ranking_timeouts(const parley_tournament_ranking *r);
PARLEY_API parley_tournament_stat parley_tournament_ranking_timeout_rate(
    const parley_tournament_ranking *r, size_t s);
/* Sessions ranked without a checksum to check them against: those of a
 * store written before checksums (schema 1 or 2; docs/tournament.md).
 * Every other session's rows were checked against the checksum written
 * with them (a mismatch fails parley_tournament_rank). */
PARLEY_API uint64_t parley_tournament_ranking_unverified(const parley_tournament_ranking *r);
/* Against whom: strategy a's own utility in the sessions where it met
 * strategy b (the other strategy at the table; a == b: self-play). */
PARLEY_API parley_tournament_stat parley_tournament_ranking_pair(
    const parley_tournament_ranking *r, size_t a, size_t b);
/* The strategies ordered best first by measure m (ties: by name); order
 * has ranking_strategies entries. */
PARLEY_API void parley_tournament_ranking_order(const parley_tournament_ranking *r,
                                                parley_tournament_measure m, size_t *order);

#ifdef __cplusplus
}
#endif

#endif
