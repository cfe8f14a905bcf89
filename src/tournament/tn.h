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
/* Whether schema's sessions table has the column. */
bool tn_has_column(struct sqlite3 *db, const char *schema, const char *column);
parley_status tn_db_fail(struct sqlite3 *db, const char *path, parley_error *err,
                         const char *what);

/* A worker's limits (tn_session.c): stop (may be NULL) non-zero abandons
 * the session in flight (run_session then fails and tn_worker_abandoned is
 * true); time_limit > 0 seconds of wall time ends a session as a timeout
 * (0 or less: none).  A new worker has the configuration's time limit. */
void tn_worker_limits(parley_tournament_worker *w, const atomic_int *stop, double time_limit);
bool tn_worker_abandoned(const parley_tournament_worker *w);

/* Integrity (tn_check.c).  The longest store path handled. */
#define TN_PATH_MAX 4096

/* Checksums of session rows: a hash fed with typed values (tn_sum_*),
 * the same whether they come from a record being written or a row read
 * back. */
void tn_sum_init(uint64_t *h);
void tn_sum_int(uint64_t *h, int64_t v);
void tn_sum_real(uint64_t *h, double x);
void tn_sum_text(uint64_t *h, const char *s, size_t n);
void tn_sum_null(uint64_t *h);

/* The columns of the query tn_verify_sql writes: a session's columns id
 * .. timed_out (0 .. 21, in schema order), its checksum, then one seat. */
enum {
    TN_COL_ID = 0, /* the session's columns, in schema order */
    TN_COL_FOCAL = 3,
    TN_COL_OPPONENT = 4,
    TN_COL_AGREEMENT = 10,
    /* 11 walked_away, 12 vetoed, 13 outcome_id, 14 outcome */
    TN_COL_ROUNDS = 15,
    TN_COL_WELFARE = 18, /* after 16 t, 17 utilities */
    TN_COL_PARETO = 19,
    TN_COL_NASH = 20,
    TN_COL_TIMED_OUT = 21,
    /* then the session's checksum, and one of its seats */
    TN_COL_CHECKSUM = 22,
    TN_COL_SEAT = 23,
    TN_COL_STRATEGY = 25, /* after 24 party */
    TN_COL_UTILITY = 26
};
/* Every session of schema's store with its seats (NULL seat columns for
 * a session without seats), by id then seat, into sql (n bytes). */
int tn_verify_sql(struct sqlite3 *db, const char *schema, char *sql, size_t n);
/* meta.schema of schema's store as a number (0: none). */
int tn_schema_of(struct sqlite3 *db, const char *schema);

#define TN_VERIFY_LIST 10
/* Checking checksums while reading the rows of tn_verify_sql in order. */
typedef struct tn_verify {
    bool legacy;        /* schema < 3: a session without a checksum is unverified */
    bool open, has_sum; /* a session in progress; whether it has a checksum */
    int64_t cur, want;  /* its id and checksum */
    uint64_t h;         /* its hash so far */
    uint64_t sessions, unverified, nbad;
    int64_t bad[TN_VERIFY_LIST]; /* the first damaged ids */
} tn_verify;
void tn_verify_init(tn_verify *v, bool legacy);
struct sqlite3_stmt;
void tn_verify_row(tn_verify *v, struct sqlite3_stmt *q);
/* After the last row: PARLEY_ERR_INVALID naming the damaged sessions. */
parley_status tn_verify_end(tn_verify *v, const char *path, parley_error *err);
/* Read and check every session of schema's store. */
parley_status tn_verify_all(struct sqlite3 *db, const char *schema, const char *path,
                            parley_error *err);
/* Compute the missing checksums of main's sessions (an upgrade). */
parley_status tn_sum_missing(struct sqlite3 *db, const char *path, parley_error *err);
/* PRAGMA quick_check of schema's store: PARLEY_ERR_INVALID saying what
 * SQLite found. */
parley_status tn_quick_check(struct sqlite3 *db, const char *schema, const char *path,
                             parley_error *err);
/* Both: quick_check, then every checksum (a merge's inputs and output). */
parley_status tn_check_store(struct sqlite3 *db, const char *schema, const char *path,
                             parley_error *err);
/* PARLEY_ERR_INVALID: the store is damaged, with SQLite's message. */
parley_status tn_damaged(struct sqlite3 *db, const char *path, parley_error *err);

/* Whether path (if it exists) and its folder can be written; else the
 * errno in *why. */
bool tn_writable(const char *path, int *why);
/* PARLEY_ERR_IO: path or its folder is read-only and `doing` needs them. */
parley_status tn_readonly_fail(const char *path, int why, const char *doing, parley_error *err);
/* The URI of path for sqlite3_open_v2 with SQLITE_OPEN_URI (so that no
 * path is ever read as a URI by mistake): "file:" and the path with '%',
 * '?' and '#' escaped, then query ("" or "?..."); false if too long. */
bool tn_uri(const char *path, const char *query, char *uri, size_t n);
/* The URI query that opens path read-only creating nothing beside it:
 * immutable when there is no -wal with results in it. */
const char *tn_readonly_query(const char *path);
/* Open a store that cannot be written, creating nothing beside it. */
parley_status tn_open_readonly(const char *path, struct sqlite3 **out, parley_error *err);
/* Remove a -shm (or empty -wal) beside path that cannot be written (left
 * by a read-only attempt).  Only under the lock. */
void tn_journal_recover(const char *path);

/* The writer's lock on STORE.lock (STORE resolved: tn_check.c): fd -1
 * when not held; store_fd the store file's own lock (-1: none); path is
 * allocated with a and freed by tn_lock_release, which must come after
 * every SQLite connection to the store is closed. */
typedef struct tn_lock {
    int fd, store_fd;
    bool created;      /* store_fd's file was created empty by the lock */
    const char *store; /* the store's path as given (the caller's) */
    char *path;
} tn_lock;
/* PARLEY_ERR_IO "the store is in use by process N (started ...)" when
 * another holds it, or when the folder is read-only. */
parley_status tn_lock_take(const char *store, const char *doing, const parley_allocator *a,
                           tn_lock *lk, parley_error *err);
void tn_lock_release(tn_lock *lk, const parley_allocator *a);

/* The number of records per transaction (0: unchanged). */
void tn_store_set_batch(parley_tournament_store *s, unsigned batch);

#endif
