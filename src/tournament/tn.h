/*
 * tn.h -- internals of tournaments (prefix tn_).
 *
 * A parley_tournament is built once by parley_tournament_load (tn_config.c)
 * and is read-only afterwards, so every worker thread may share it.  It
 * owns its scenarios, one analysis per scenario (for the distances to the
 * Pareto frontier and to the Nash deal), the strategy specs and the
 * session enumeration tables:
 *
 *   sessions of scenario i = S * S * seats_i * R   (S strategies, R repetitions)
 *   base[i] = sum of the counts of scenarios before i; base[nscen] = total
 *   local id = ((focal * S + opponent) * seats_i + rotation) * R + repetition
 *
 * Seat `rotation` gets the focal strategy, every other seat the opponent.
 * The seed of a session is tn_seed(master, identity), masked to 63 bits so
 * that it fits an SQLite integer and `parley negotiate --seed` reproduces
 * the session.
 *
 * Memory: everything the library allocates for a tournament -- the
 * tournament itself, its scenarios and analyses, workers, sessions, stores,
 * run queues, id lists -- goes through the allocator given to
 * parley_tournament_load (t->ap; NULL: libc), and is freed by the matching
 * _free function.  SQLite and libfyaml allocate with their own allocators.
 */
#ifndef PARLEY_TN_H
#define PARLEY_TN_H

#include "parley/tournament.h"
#include "parley/analysis.h"
#include "parleyx.h"

#include <stdatomic.h>

struct parley_tournament {
    parley_allocator alloc;       /* a copy of the caller's, when given */
    const parley_allocator *ap;   /* &alloc, or NULL: libc */
    char *path;          /* the configuration file */
    char *store;         /* default store path */
    char *fingerprint;
    uint64_t seed;
    parley_protocol protocol;
    unsigned long rounds;
    double time_limit;            /* wall time of a session, s; 0: none */
    uint32_t reps;
    size_t nscen;
    char **label;                 /* scenario as written */
    parley_scenario **sc;
    parley_analysis **an;         /* NULL when the analysis failed */
    uint32_t *seats;              /* negotiators per scenario */
    uint32_t (*seat_party)[PARLEY_TOURNAMENT_MAX_SEATS];
    size_t **dims;                /* analysis dimensions (parties) per scenario */
    size_t *nd;
    uint64_t *base;               /* nscen + 1 */
    size_t nstrat;
    char **strat;
};

uint64_t tn_seed(uint64_t master, uint32_t scenario, uint32_t focal, uint32_t opponent,
                 uint32_t rotation, uint32_t repetition);

/* Store schema, shared by the store and merge (tn_store.c). */
struct sqlite3;
/* PARLEY_ERR_IO unless path is a regular file or absent. */
parley_status tn_store_path_check(const char *path, parley_error *err);
parley_status tn_db_open(const char *path, struct sqlite3 **db, parley_error *err);
parley_status tn_db_schema(struct sqlite3 *db, const char *path, const char *fingerprint,
                           uint64_t total, const parley_allocator *a, parley_error *err);
/* The value of key in schema's meta table into buf (n bytes); false when
 * there is no such table or key (e.g. not a store). */
bool tn_meta_get(struct sqlite3 *db, const char *schema, const char *key, char *buf, size_t n);
/* Whether schema's sessions table has the timed_out column (schema 2). */
bool tn_has_timed_out(struct sqlite3 *db, const char *schema);
parley_status tn_db_fail(struct sqlite3 *db, const char *path, parley_error *err,
                         const char *what);

/* A worker's limits (tn_session.c): stop (may be NULL) non-zero abandons
 * the session in flight (run_session then fails and tn_worker_abandoned is
 * true); time_limit > 0 seconds of wall time ends a session as a timeout
 * (0 or less: none).  A new worker has the configuration's time limit. */
void tn_worker_limits(parley_tournament_worker *w, const atomic_int *stop, double time_limit);
bool tn_worker_abandoned(const parley_tournament_worker *w);

/* The number of records per transaction (0: unchanged). */
void tn_store_set_batch(parley_tournament_store *s, unsigned batch);

#endif
