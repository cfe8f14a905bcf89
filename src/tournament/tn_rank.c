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

typedef struct tn_acc {
    uint64_t n;
    double mean, m2;
} tn_acc;

struct parley_tournament_ranking {
    parley_allocator alloc;     /* a copy of the caller's, when given */
    const parley_allocator *ap; /* &alloc, or NULL: libc */
    uint64_t sessions;
    size_t n;                   /* strategies */
    size_t name_cap, acc_cap;   /* room in name and acc */
    char **name;
    tn_acc (*acc)[PARLEY_MEASURE_COUNT];
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
    tn_acc(*na)[PARLEY_MEASURE_COUNT] = parleyx_grow(r->ap, r->acc, sizeof *na, &r->acc_cap,
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

parley_status parley_tournament_rank(const char *path, const parley_allocator *alloc,
                                     parley_tournament_ranking **out, parley_error *err)
{
    if (alloc && !alloc->fn)
        alloc = NULL;
    if (!path || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no store or no output");
    *out = NULL;
    parley_status ps = tn_store_path_check(path, err);
    if (ps != PARLEY_OK)
        return ps;
    sqlite3 *db = NULL;
    /* read-write when allowed, so that closing the last connection
     * checkpoints and removes the -wal and -shm files; never created */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        db = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            parley_status st = tn_db_fail(db, path, err, "cannot open the store");
            sqlite3_close(db);
            return st;
        }
    }
    sqlite3_busy_timeout(db, 10000);
    parley_tournament_ranking *r = parleyx_calloc(alloc, 1, sizeof *r);
    if (r && alloc) {
        r->alloc = *alloc;
        r->ap = &r->alloc;
    }
    sqlite3_stmt *q = NULL;
    parley_status st = PARLEY_OK;
    tn_obs *obs = NULL;
    size_t nobs = 0, capobs = 0;
    if (!r) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        goto done;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT s.id, t.strategy, t.utility, s.welfare, s.agreement, "
                           "s.pareto_distance, s.nash_distance, s.rounds, s.focal, s.opponent "
                           "FROM sessions s JOIN seats t ON t.session = s.id "
                           "ORDER BY s.id, t.seat",
                           -1, &q, NULL) != SQLITE_OK) {
        st = tn_db_fail(db, path, err, "not a tournament store");
        goto done;
    }
    sqlite3_int64 cur = -1;
    size_t seen[PARLEY_TOURNAMENT_MAX_SEATS];
    size_t nseen = 0;
    bool nomem = false;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(q, 0);
        if (id != cur) {
            cur = id;
            nseen = 0;
            r->sessions++;
        }
        const unsigned char *name = sqlite3_column_text(q, 1);
        size_t k = tn_strategy_index(r, name ? (const char *)name : "", &nomem);
        if (nomem) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
            goto done;
        }
        tn_add(&r->acc[k][PARLEY_MEASURE_UTILITY], sqlite3_column_double(q, 2));
        /* against whom: the focal seat plays the opponent strategy, the
         * others the focal one */
        const unsigned char *fo = sqlite3_column_text(q, 8), *op = sqlite3_column_text(q, 9);
        const char *other = fo && strcmp((const char *)fo, r->name[k]) != 0 ? (const char *)fo
                            : op                                            ? (const char *)op
                                                                            : "";
        size_t b = tn_strategy_index(r, other, &nomem);
        if (!nomem) {
            tn_obs *no = parleyx_grow(alloc, obs, sizeof *no, &capobs, nobs + 1, 1024);
            if (no)
                obs = no;
            else
                nomem = true;
        }
        if (nomem) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
            goto done;
        }
        obs[nobs].a = k;
        obs[nobs].b = b;
        obs[nobs].u = sqlite3_column_double(q, 2);
        nobs++;
        bool dup = false;
        for (size_t j = 0; j < nseen; j++)
            dup = dup || seen[j] == k;
        if (dup || nseen >= PARLEY_TOURNAMENT_MAX_SEATS)
            continue;
        seen[nseen++] = k;
        tn_add(&r->acc[k][PARLEY_MEASURE_WELFARE], sqlite3_column_double(q, 3));
        tn_add(&r->acc[k][PARLEY_MEASURE_AGREEMENT], sqlite3_column_int(q, 4) ? 1.0 : 0.0);
        if (sqlite3_column_type(q, 5) != SQLITE_NULL)
            tn_add(&r->acc[k][PARLEY_MEASURE_PARETO], sqlite3_column_double(q, 5));
        if (sqlite3_column_type(q, 6) != SQLITE_NULL)
            tn_add(&r->acc[k][PARLEY_MEASURE_NASH], sqlite3_column_double(q, 6));
        tn_add(&r->acc[k][PARLEY_MEASURE_ROUNDS], (double)sqlite3_column_int64(q, 7));
    }
    if (rc != SQLITE_DONE)
        st = tn_db_fail(db, path, err, "cannot read the store");
    if (st == PARLEY_OK) {
        size_t cells = r->n * r->n;
        r->pair = parleyx_calloc(alloc, cells ? cells : 1, sizeof *r->pair);
        if (r->pair)
            r->npair = r->n;
        else
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
        for (size_t i = 0; r->pair && i < nobs; i++)
            tn_add(&r->pair[obs[i].a * r->n + obs[i].b], obs[i].u);
    }
done:
    parleyx_free(alloc, obs, capobs * sizeof *obs);
    sqlite3_finalize(q);
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
size_t parley_tournament_ranking_strategies(const parley_tournament_ranking *r)
{
    return r ? r->n : 0;
}
const char *parley_tournament_ranking_name(const parley_tournament_ranking *r, size_t s)
{
    return r && s < r->n ? r->name[s] : "";
}

parley_tournament_stat parley_tournament_ranking_stat(const parley_tournament_ranking *r, size_t s,
                                                      parley_tournament_measure m)
{
    parley_tournament_stat x = {0, NAN, NAN};
    if (!r || s >= r->n || (unsigned)m >= PARLEY_MEASURE_COUNT)
        return x;
    const tn_acc *a = &r->acc[s][m];
    x.n = a->n;
    if (a->n) {
        x.mean = a->mean;
        x.ci = a->n >= 2 ? 1.96 * sqrt(a->m2 / (double)(a->n - 1)) / sqrt((double)a->n) : 0.0;
    }
    return x;
}

parley_tournament_stat parley_tournament_ranking_pair(const parley_tournament_ranking *r,
                                                      size_t a, size_t b)
{
    parley_tournament_stat x = {0, NAN, NAN};
    if (!r || !r->pair || a >= r->npair || b >= r->npair)
        return x;
    const tn_acc *c = &r->pair[a * r->npair + b];
    x.n = c->n;
    if (c->n) {
        x.mean = c->mean;
        x.ci = c->n >= 2 ? 1.96 * sqrt(c->m2 / (double)(c->n - 1)) / sqrt((double)c->n) : 0.0;
    }
    return x;
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
