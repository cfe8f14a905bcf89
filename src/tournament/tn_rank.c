/*
 * tn_rank.c -- rankings: for every strategy and measure, the mean over the
 * stored sessions and a 95% confidence interval.
 *
 * Attribution.  Own utility is counted once per seat (a strategy playing
 * both sides of a self-play session contributes two observations).  The
 * session measures (welfare, agreement, distances, rounds) are counted
 * once per session for every distinct strategy at the table.  A measure
 * that is not defined for a session (a distance without an analysis:
 * NULL in the store) is left out of that measure's count.
 *
 * Against whom.  Each seat's own utility is also counted against the
 * other strategy of its session (the opponent for the focal seat, the
 * focal strategy for the others): ranking_pair(a, b).
 *
 * Damage.  The store is checked by SQLite (quick_check) when opened, and
 * every session's checksum while its rows are read (tn_check.c): one
 * that does not match fails the ranking.  Sessions of a store older than
 * checksums (schema 1, 2) are counted as unverified.
 *
 * Timeouts.  A session ended by the wall-time limit (sessions.timed_out)
 * counts as a session without a deal in every measure; the share of a
 * strategy's sessions that timed out is kept beside the measures
 * (ranking_timeout_rate), counted like a session measure.
 *
 * Statistics.  Welford's running mean and variance over the rows in
 * session-id order (deterministic); the interval is the normal
 * approximation mean +- 1.96 * sd / sqrt(n), sd the sample standard
 * deviation (n - 1); 0 when n < 2.
 *
 * Memory: a ranking owns its names and cells, allocated with the allocator
 * given to parley_tournament_rank; ranking_free frees them.
 */
#include "tn.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The accumulators of a strategy: the measures, then the share of its
 * sessions that timed out (not a measure: it ranks nothing). */
#define TN_TIMEOUT PARLEY_MEASURE_COUNT
#define TN_NACC (PARLEY_MEASURE_COUNT + 1)

typedef struct tn_acc {
    uint64_t n;
    double mean, m2;
} tn_acc;

struct parley_tournament_ranking {
    parley_allocator alloc;     /* a copy of the caller's, when given */
    const parley_allocator *ap; /* &alloc, or NULL: libc */
    uint64_t sessions;
    uint64_t expected;          /* the tournament's sessions (meta.sessions) */
    uint64_t timeouts;          /* sessions ended by the wall-time limit */
    uint64_t unverified;        /* sessions without a checksum (schema 1, 2) */
    size_t n;                   /* strategies */
    size_t name_cap, acc_cap;   /* room in name and acc */
    char **name;
    tn_acc (*acc)[TN_NACC];
    tn_acc *pair;   /* n x n after reading: own utility of a against b */
    size_t npair;   /* its side (n) */
};

/* One seat's own utility against the other strategy of its session,
 * kept while reading (names resolved at the end). */
typedef struct tn_obs {
    size_t a, b;
    double u;
} tn_obs;

static const char *const tn_measures[PARLEY_MEASURE_COUNT] = {
    "utility", "welfare", "agreement", "pareto_distance", "nash_distance", "rounds"};

const char *parley_tournament_measure_name(parley_tournament_measure m)
{
    return (unsigned)m < PARLEY_MEASURE_COUNT ? tn_measures[m] : "?";
}

bool parley_tournament_measure_higher_better(parley_tournament_measure m)
{
    return m == PARLEY_MEASURE_UTILITY || m == PARLEY_MEASURE_WELFARE ||
           m == PARLEY_MEASURE_AGREEMENT;
}

static void tn_add(tn_acc *a, double x)
{
    a->n++;
    double d = x - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (x - a->mean);
}

void parley_tournament_ranking_free(parley_tournament_ranking *r)
{
    if (!r)
        return;
    parley_allocator copy = r->alloc; /* r itself is freed with it */
    const parley_allocator *a = r->ap ? &copy : NULL;
    for (size_t i = 0; i < r->n; i++)
        parleyx_strfree(a, r->name[i]);
    parleyx_free(a, r->name, r->name_cap * sizeof *r->name);
    parleyx_free(a, r->acc, r->acc_cap * sizeof *r->acc);
    size_t cells = r->npair * r->npair;
    parleyx_free(a, r->pair, (cells ? cells : 1) * sizeof *r->pair);
    parleyx_free(a, r, sizeof *r);
}

static size_t tn_strategy_index(parley_tournament_ranking *r, const char *name, bool *nomem)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->name[i], name) == 0)
            return i;
    char **nn = parleyx_grow(r->ap, r->name, sizeof *nn, &r->name_cap, r->n + 1, 8);
    if (!nn) {
        *nomem = true;
        return SIZE_MAX;
    }
    r->name = nn;
    tn_acc(*na)[TN_NACC] = parleyx_grow(r->ap, r->acc, sizeof *na, &r->acc_cap,
                                                     r->n + 1, 8);
    if (!na) {
        *nomem = true;
        return SIZE_MAX;
    }
    r->acc = na;
    char *c = parleyx_strdup(r->ap, name);
    if (!c) {
        *nomem = true;
        return SIZE_MAX;
    }
    r->name[r->n] = c;
    memset(r->acc[r->n], 0, sizeof r->acc[r->n]);
    return r->n++;
}

/* Open the store read-write when it and its folder can be written, so
 * that closing the last connection checkpoints and removes the -wal and
 * -shm files; else read-only, creating nothing beside it (a store in a
 * read-only folder ranks too).  Never created.  Then SQLite checks the
 * file (quick_check). */
static parley_status tn_rank_open(const char *path, sqlite3 **out, parley_error *err)
{
    parley_status ps = tn_store_path_check(path, err);
    if (ps != PARLEY_OK)
        return ps;
    sqlite3 *db = NULL;
    int why = 0;
    if (!tn_writable(path, &why)) {
        ps = tn_open_readonly(path, &db, err);
        if (ps != PARLEY_OK)
            return ps;
    } else if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
               SQLITE_OK) {
        parley_status st = tn_db_fail(db, path, err, "cannot open the store");
        sqlite3_close(db);
        return st;
    }
    sqlite3_busy_timeout(db, 10000);
    /* an empty file, an SQLite file of something else, a file that is not
     * SQLite at all, or tables without the settings (a merge that failed
     * in an older parley): none is a store; a damaged one says so */
    char fp[16];
    if (!tn_meta_get(db, "main", "fingerprint", fp, sizeof fp)) {
        int ec = sqlite3_errcode(db);
        if (ec == SQLITE_CORRUPT)
            ps = tn_damaged(db, path, err);
        else if (ec == SQLITE_CANTOPEN || ec == SQLITE_READONLY || ec == SQLITE_IOERR ||
                 ec == SQLITE_PERM || ec == SQLITE_BUSY)
            ps = tn_db_fail(db, path, err, "cannot read the store");
        else
            ps = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                              "not a tournament store (no meta table with a fingerprint); a "
                              "store is the SQLite file `parley tournament` writes");
    } else {
        ps = tn_quick_check(db, "main", path, err);
    }
    if (ps != PARLEY_OK) {
        sqlite3_close(db);
        return ps;
    }
    *out = db;
    return PARLEY_OK;
}

/* What reading the rows keeps: the observations for ranking_pair and
 * the strategies already counted for the current session. */
typedef struct tn_reader {
    tn_obs *obs;
    size_t nobs, capobs;
    sqlite3_int64 cur; /* the current session id */
    size_t seen[PARLEY_TOURNAMENT_MAX_SEATS];
    size_t nseen;
    tn_verify check; /* the checksums, checked in the same pass */
} tn_reader;

/* Count one row (a seat of a session, in session-id order).  false when
 * out of memory. */
static bool tn_rank_row(parley_tournament_ranking *r, tn_reader *rd, sqlite3_stmt *q,
                        const parley_allocator *alloc)
{
    tn_verify_row(&rd->check, q);
    if (sqlite3_column_type(q, TN_COL_SEAT) == SQLITE_NULL)
        return true; /* a session without seats: damage (tn_verify) */
    sqlite3_int64 id = sqlite3_column_int64(q, TN_COL_ID);
    if (id != rd->cur) {
        rd->cur = id;
        rd->nseen = 0;
        r->sessions++;
        r->timeouts += sqlite3_column_int(q, TN_COL_TIMED_OUT) != 0;
    }
    bool nomem = false;
    const unsigned char *name = sqlite3_column_text(q, TN_COL_STRATEGY);
    size_t k = tn_strategy_index(r, name ? (const char *)name : "", &nomem);
    if (nomem)
        return false;
    double u = sqlite3_column_double(q, TN_COL_UTILITY);
    tn_add(&r->acc[k][PARLEY_MEASURE_UTILITY], u);
    /* against whom: the focal seat plays the opponent strategy, the
     * others the focal one */
    const unsigned char *fo = sqlite3_column_text(q, TN_COL_FOCAL),
                        *op = sqlite3_column_text(q, TN_COL_OPPONENT);
    const char *other = fo && strcmp((const char *)fo, r->name[k]) != 0 ? (const char *)fo
                        : op                                            ? (const char *)op
                                                                        : "";
    size_t b = tn_strategy_index(r, other, &nomem);
    if (nomem)
        return false;
    tn_obs *no = parleyx_grow(alloc, rd->obs, sizeof *no, &rd->capobs, rd->nobs + 1, 1024);
    if (!no)
        return false;
    rd->obs = no;
    rd->obs[rd->nobs].a = k;
    rd->obs[rd->nobs].b = b;
    rd->obs[rd->nobs].u = u;
    rd->nobs++;
    bool dup = false;
    for (size_t j = 0; j < rd->nseen; j++)
        dup = dup || rd->seen[j] == k;
    if (dup || rd->nseen >= PARLEY_TOURNAMENT_MAX_SEATS)
        return true;
    rd->seen[rd->nseen++] = k;
    tn_add(&r->acc[k][PARLEY_MEASURE_WELFARE], sqlite3_column_double(q, TN_COL_WELFARE));
    tn_add(&r->acc[k][PARLEY_MEASURE_AGREEMENT],
           sqlite3_column_int(q, TN_COL_AGREEMENT) ? 1.0 : 0.0);
    if (sqlite3_column_type(q, TN_COL_PARETO) != SQLITE_NULL)
        tn_add(&r->acc[k][PARLEY_MEASURE_PARETO], sqlite3_column_double(q, TN_COL_PARETO));
    if (sqlite3_column_type(q, TN_COL_NASH) != SQLITE_NULL)
        tn_add(&r->acc[k][PARLEY_MEASURE_NASH], sqlite3_column_double(q, TN_COL_NASH));
    tn_add(&r->acc[k][PARLEY_MEASURE_ROUNDS], (double)sqlite3_column_int64(q, TN_COL_ROUNDS));
    tn_add(&r->acc[k][TN_TIMEOUT], sqlite3_column_int(q, TN_COL_TIMED_OUT) ? 1.0 : 0.0);
    return true;
}

/* Read every seat of every session into r, checking every session's
 * checksum on the way: a damaged store ranks nothing. */
static parley_status tn_rank_read(parley_tournament_ranking *r, sqlite3 *db, const char *path,
                                  tn_reader *rd, const parley_allocator *alloc, parley_error *err)
{
    sqlite3_stmt *q = NULL;
    /* a schema-1 store has no timed_out column (none timed out), schema 1
     * and 2 no checksums (unverified) */
    char sql[1024];
    tn_verify_sql(db, "main", sql, sizeof sql);
    tn_verify_init(&rd->check, tn_schema_of(db, "main") < 3);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        parley_status st = tn_db_fail(db, path, err, "not a tournament store");
        sqlite3_finalize(q);
        return st;
    }
    parley_status st = PARLEY_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (!tn_rank_row(r, rd, q, alloc)) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
    if (st == PARLEY_OK && rc != SQLITE_DONE)
        st = sqlite3_errcode(db) == SQLITE_CORRUPT
                 ? tn_damaged(db, path, err)
                 : tn_db_fail(db, path, err, "cannot read the store");
    sqlite3_finalize(q);
    if (st == PARLEY_OK)
        st = tn_verify_end(&rd->check, path, err);
    r->unverified = rd->check.unverified;
    return st;
}

parley_status parley_tournament_rank(const char *path, const parley_allocator *alloc,
                                     parley_tournament_ranking **out, parley_error *err)
{
    if (alloc && !alloc->fn)
        alloc = NULL;
    if (!path || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no store or no output");
    *out = NULL;
    sqlite3 *db = NULL;
    parley_status st = tn_rank_open(path, &db, err);
    if (st != PARLEY_OK)
        return st;
    parley_tournament_ranking *r = parleyx_calloc(alloc, 1, sizeof *r);
    if (r && alloc) {
        r->alloc = *alloc;
        r->ap = &r->alloc;
    }
    tn_reader rd;
    memset(&rd, 0, sizeof rd);
    rd.cur = -1;
    if (!r)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
    else
        st = tn_rank_read(r, db, path, &rd, alloc, err);
    char total[32];
    if (st == PARLEY_OK && tn_meta_get(db, "main", "sessions", total, sizeof total))
        r->expected = strtoull(total, NULL, 10);
    if (st == PARLEY_OK) {
        size_t cells = r->n * r->n;
        r->pair = parleyx_calloc(alloc, cells ? cells : 1, sizeof *r->pair);
        if (r->pair)
            r->npair = r->n;
        else
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        for (size_t i = 0; r->pair && i < rd.nobs; i++)
            tn_add(&r->pair[rd.obs[i].a * r->n + rd.obs[i].b], rd.obs[i].u);
    }
    parleyx_free(alloc, rd.obs, rd.capobs * sizeof *rd.obs);
    sqlite3_close(db);
    if (st != PARLEY_OK) {
        parley_tournament_ranking_free(r);
        return st;
    }
    *out = r;
    return PARLEY_OK;
}

uint64_t parley_tournament_ranking_sessions(const parley_tournament_ranking *r)
{
    return r ? r->sessions : 0;
}
uint64_t parley_tournament_ranking_expected(const parley_tournament_ranking *r)
{
    return r ? r->expected : 0;
}
size_t parley_tournament_ranking_strategies(const parley_tournament_ranking *r)
{
    return r ? r->n : 0;
}
const char *parley_tournament_ranking_name(const parley_tournament_ranking *r, size_t s)
{
    return r && s < r->n ? r->name[s] : "";
}

/* Mean and 95% interval of an accumulator (n 0: mean and ci NaN). */
static parley_tournament_stat tn_stat(const tn_acc *a)
{
    parley_tournament_stat x = {0, NAN, NAN};
    x.n = a->n;
    if (a->n) {
        x.mean = a->mean;
        x.ci = a->n >= 2 ? 1.96 * sqrt(a->m2 / (double)(a->n - 1)) / sqrt((double)a->n) : 0.0;
    }
    return x;
}

parley_tournament_stat parley_tournament_ranking_stat(const parley_tournament_ranking *r, size_t s,
                                                      parley_tournament_measure m)
{
    if (!r || s >= r->n || (unsigned)m >= PARLEY_MEASURE_COUNT)
        return (parley_tournament_stat){0, NAN, NAN};
    return tn_stat(&r->acc[s][m]);
}

uint64_t parley_tournament_ranking_timeouts(const parley_tournament_ranking *r)
{
    return r ? r->timeouts : 0;
}

uint64_t parley_tournament_ranking_unverified(const parley_tournament_ranking *r)
{
    return r ? r->unverified : 0;
}

parley_tournament_stat parley_tournament_ranking_timeout_rate(const parley_tournament_ranking *r,
                                                              size_t s)
{
    if (!r || s >= r->n)
        return (parley_tournament_stat){0, NAN, NAN};
    return tn_stat(&r->acc[s][TN_TIMEOUT]);
}

parley_tournament_stat parley_tournament_ranking_pair(const parley_tournament_ranking *r,
                                                      size_t a, size_t b)
{
    if (!r || !r->pair || a >= r->npair || b >= r->npair)
        return (parley_tournament_stat){0, NAN, NAN};
    return tn_stat(&r->pair[a * r->npair + b]);
}

void parley_tournament_ranking_order(const parley_tournament_ranking *r,
                                     parley_tournament_measure m, size_t *order)
{
    if (!r || !order)
        return;
    bool hi = parley_tournament_measure_higher_better(m);
    for (size_t i = 0; i < r->n; i++)
        order[i] = i;
    /* insertion sort: few strategies; stable and deterministic */
    for (size_t i = 1; i < r->n; i++) {
        size_t v = order[i], j = i;
        while (j > 0) {
            size_t u = order[j - 1];
            const tn_acc *a = &r->acc[u][m], *b = &r->acc[v][m];
            bool before; /* does v go before u? */
            if (!a->n != !b->n)
                before = b->n && !a->n; /* undefined last */
            else if (a->n && b->mean != a->mean)
                before = hi ? b->mean > a->mean : b->mean < a->mean;
            else
                before = strcmp(r->name[v], r->name[u]) < 0;
            if (!before)
                break;
            order[j] = u;
            j--;
        }
        order[j] = v;
    }
}
