/*
 * test_tournament.c -- tournaments: the enumeration of sessions (every
 * identity exactly once, seeds from an independent splitmix64), each
 * session equal to a fresh negotiation run by hand, the same store whatever
 * the number of threads, resume after an interruption without duplicates,
 * shards + merge equal to a whole run, the rankings against sums computed
 * here from the records, and configuration errors with their positions.
 *
 * Scenarios: examples/buyer-seller.yaml (bilateral) and
 * examples/coalition.yaml (three negotiators, multilateral).  Stores go to
 * a fresh temporary folder.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parley/parley.h"
#include "parley/tournament.h"
#include "helpers/helpers.h"

static char dir[256];

static void mkwork(void)
{
    tmpdir_make(dir, sizeof dir, "tn");
}

static void rmwork(void)
{
    tmpdir_remove(dir);
}

TestSuite(tournament, .init = mkwork, .fini = rmwork);

/* Write a configuration file in the work folder; returns its path. */
static const char *config(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static const char *store(const char *name)
{
    static char path[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

#define BS PARLEY_SOURCE_DIR "/examples/buyer-seller.yaml"
#define CO PARLEY_SOURCE_DIR "/examples/coalition.yaml"

static const char *bilateral =
    "parley-tournament: 1\nseed: 42\nrounds: 60\nrepetitions: 2\n"
    "scenarios: [" BS "]\n"
    "strategies: [boulware, linear, conceder, micro, \"time-dependent:e=0.5\"]\n";

static parley_tournament *load(const char *text)
{
    parley_tournament *t = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_tournament_load(config("t.yaml", text), NULL, &t, &err);
    cr_assert_eq(st, PARLEY_OK, "load: %s", err.message);
    return t;
}

/* Every row of a store as one text (sessions then seats, by id). */
static char *dump(const char *path)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    const char *qs[] = {"SELECT * FROM sessions ORDER BY id",
                        "SELECT * FROM seats ORDER BY session, seat"};
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *q = NULL;
        cr_assert_eq(sqlite3_prepare_v2(db, qs[k], -1, &q, NULL), SQLITE_OK);
        while (sqlite3_step(q) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(q); c++) {
                const unsigned char *v = sqlite3_column_text(q, c);
                size_t l = v ? strlen((const char *)v) : 4;
                while (len + l + 2 > cap)
                    out = realloc(out, cap *= 2);
                memcpy(out + len, v ? (const char *)v : "NULL", l);
                len += l;
                out[len++] = '|';
            }
            out[len++] = '\n';
        }
        sqlite3_finalize(q);
    }
    out[len] = '\0';
    sqlite3_close(db);
    return out;
}

static long long count_rows(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    long long n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

static void run(const parley_tournament *t, const char *path, unsigned threads, unsigned k,
                unsigned n, parley_tournament_run_stats *rs)
{
    parley_tournament_run_options o;
    memset(&o, 0, sizeof o);
    o.threads = threads;
    o.shard_k = k;
    o.shard_n = n;
    o.batch = 7;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_tournament_run(t, path, &o, rs, &err);
    cr_assert_eq(st, PARLEY_OK, "run: %s", err.message);
}

/* splitmix64, written out again here. */
static uint64_t sm(uint64_t x)
{
    uint64_t z = x + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Test(tournament, enumeration_covers_every_identity_once)
{
    parley_tournament *t = load(bilateral);
    size_t S = parley_tournament_strategy_count(t);
    cr_assert_eq(S, 5);
    uint64_t n = parley_tournament_session_count(t);
    cr_assert_eq(n, 5 * 5 * 2 * 2); /* ordered pairs x both roles x repetitions */
    static bool seen[5][5][2][2];
    memset(seen, 0, sizeof seen);
    for (uint64_t id = 0; id < n; id++) {
        parley_tournament_record r;
        cr_assert_eq(parley_tournament_identify(t, id, &r, NULL), PARLEY_OK);
        cr_assert_eq(r.id, id);
        cr_assert_eq(r.seats, 2);
        cr_assert(r.focal < S && r.opponent < S && r.rotation < 2 && r.repetition < 2);
        cr_assert(!seen[r.focal][r.opponent][r.rotation][r.repetition]);
        seen[r.focal][r.opponent][r.rotation][r.repetition] = true;
        cr_assert_eq(r.strategy[r.rotation], r.focal);
        cr_assert_eq(r.strategy[1 - r.rotation], r.opponent);
        uint64_t h = sm(42);
        h = sm(h ^ 0);
        h = sm(h ^ r.focal);
        h = sm(h ^ r.opponent);
        h = sm(h ^ r.rotation);
        h = sm(h ^ r.repetition);
        cr_assert_eq(r.seed, h & 0x7fffffffffffffffULL);
    }
    parley_tournament_record r;
    cr_assert_eq(parley_tournament_identify(t, n, &r, NULL), PARLEY_ERR_ARG);
    parley_tournament_free(t);
}

Test(tournament, multilateral_rotations)
{
    parley_tournament *t = load("parley-tournament: 1\nprotocol: multilateral\nrounds: 30\n"
                                "scenarios: [" BS ", " CO "]\n"
                                "strategies: [boulware, conceder, linear]\n");
    /* buyer-seller: 3*3*2; coalition: 3*3*3 */
    cr_assert_eq(parley_tournament_session_count(t), 18 + 27);
    for (uint64_t id = 18; id < 45; id++) {
        parley_tournament_record r;
        cr_assert_eq(parley_tournament_identify(t, id, &r, NULL), PARLEY_OK);
        cr_assert_eq(r.scenario, 1);
        cr_assert_eq(r.seats, 3);
        for (uint32_t k = 0; k < 3; k++)
            cr_assert_eq(r.strategy[k], k == r.rotation ? r.focal : r.opponent);
    }
    parley_tournament_free(t);
}

Test(tournament, session_equals_a_negotiation_run_by_hand)
{
    parley_tournament *t = load(bilateral);
    parley_tournament_worker *w = NULL;
    cr_assert_eq(parley_tournament_worker_new(t, &w, NULL), PARLEY_OK);
    const parley_scenario *sc = parley_tournament_scenario(t, 0);
    /* run every session twice in a scrambled order on one worker, and
     * compare with a fresh session each time */
    uint64_t n = parley_tournament_session_count(t);
    for (uint64_t k = 0; k < 2 * n; k++) {
        uint64_t id = (k * 37) % n;
        parley_tournament_record r;
        cr_assert_eq(parley_tournament_run_session(w, id, &r, NULL), PARLEY_OK);
        parley_session_options so;
        parley_session_options_init(&so);
        so.seed = r.seed;
        so.rounds = 60;
        parley_session *s = NULL;
        cr_assert_eq(parley_session_new(sc, &so, &s, NULL), PARLEY_OK);
        for (uint32_t j = 0; j < 2; j++)
            cr_assert_eq(parley_session_set_strategy(s, r.party[j],
                                                     parley_tournament_strategy(t, r.strategy[j]),
                                                     NULL),
                         PARLEY_OK);
        parley_session_result res;
        cr_assert_eq(parley_session_run(s, &res, NULL), PARLEY_OK);
        cr_assert_eq(r.agreement, res.agreement);
        cr_assert_eq(r.rounds, res.rounds);
        double welfare = 0.0;
        for (uint32_t j = 0; j < 2; j++) {
            cr_assert_eq(r.utility[j], res.discounted[r.party[j]]);
            welfare += res.discounted[r.party[j]];
        }
        cr_assert_eq(r.welfare, res.welfare);
        if (r.agreement) {
            cr_assert_eq(r.outcome_id, res.outcome_id);
            cr_assert_float_eq(r.welfare, welfare, 1e-12);
        }
        cr_assert(r.pareto_distance >= 0.0 && r.nash_distance >= 0.0);
        parley_session_free(s);
    }
    parley_tournament_worker_free(w);
    parley_tournament_free(t);
}

Test(tournament, same_store_whatever_the_threads)
{
    parley_tournament *t = load(bilateral);
    parley_tournament_run_stats a, b;
    run(t, store("one.sqlite"), 1, 0, 0, &a);
    run(t, store("three.sqlite"), 3, 0, 0, &b);
    cr_assert_eq(a.ran, 100);
    cr_assert_eq(b.ran, 100);
    char *x = dump(store("one.sqlite")), *y = dump(store("three.sqlite"));
    cr_assert_str_eq(x, y);
    cr_assert_eq(count_rows(store("one.sqlite"), "SELECT count(*) FROM sessions"), 100);
    cr_assert_eq(count_rows(store("one.sqlite"), "SELECT count(*) FROM seats"), 200);
    free(x);
    free(y);
    parley_tournament_free(t);
}

static void stop_after(void *ud, uint64_t done, uint64_t total)
{
    (void)total;
    int *stop = ud;
    if (done >= 23)
        *stop = 1;
}

Test(tournament, resume_after_an_interruption_without_duplicates)
{
    parley_tournament *t = load(bilateral);
    parley_tournament_run_stats rs;
    run(t, store("whole.sqlite"), 2, 0, 0, &rs);
    /* interrupted: the stop flag raised after 23 records stops the run
     * early or not at all (what was finished is stored) */
    volatile int stop = 0;
    parley_tournament_run_options o;
    memset(&o, 0, sizeof o);
    o.threads = 2;
    o.batch = 5;
    o.stop = &stop;
    o.progress = stop_after;
    o.progress_ud = (void *)&stop;
    cr_assert_eq(parley_tournament_run(t, store("stopped.sqlite"), &o, &rs, NULL), PARLEY_OK);
    cr_assert(stop == 1 && rs.ran >= 23 && rs.ran <= 100, "ran %llu", (unsigned long long)rs.ran);
    cr_assert_eq(count_rows(store("stopped.sqlite"), "SELECT count(*) FROM sessions"),
                 (long long)rs.ran);
    /* a run interrupted after 37 scattered sessions, by hand through the
     * store API */
    parley_tournament_store *s = NULL;
    cr_assert_eq(parley_tournament_store_open(t, store("part.sqlite"), &s, NULL), PARLEY_OK);
    parley_tournament_worker *w = NULL;
    cr_assert_eq(parley_tournament_worker_new(t, &w, NULL), PARLEY_OK);
    parley_tournament_record r;
    for (uint64_t k = 0; k < 37; k++) {
        cr_assert_eq(parley_tournament_run_session(w, (k * 37) % 100, &r, NULL), PARLEY_OK);
        cr_assert_eq(parley_tournament_store_put(s, &r, NULL), PARLEY_OK);
    }
    cr_assert_eq(parley_tournament_store_close(s, NULL), PARLEY_OK);
    uint64_t first = 37;
    cr_assert_eq(count_rows(store("part.sqlite"), "SELECT count(*) FROM sessions"), 37);
    /* a record stored twice is ignored */
    cr_assert_eq(parley_tournament_store_open(t, store("part.sqlite"), &s, NULL), PARLEY_OK);
    uint64_t *ids = NULL;
    size_t nids = 0;
    cr_assert_eq(parley_tournament_store_todo(s, 1, 1, &ids, &nids, NULL), PARLEY_OK);
    cr_assert_eq(nids, 100 - first);
    for (size_t k = 1; k < nids; k++)
        cr_assert(ids[k - 1] < ids[k]);
    cr_assert_eq(parley_tournament_run_session(w, 0, &r, NULL), PARLEY_OK);
    r.welfare = -7; /* would show if it replaced the stored row */
    cr_assert_eq(parley_tournament_store_put(s, &r, NULL), PARLEY_OK);
    cr_assert_eq(parley_tournament_store_close(s, NULL), PARLEY_OK);
    parley_tournament_ids_free(t, ids, nids);
    parley_tournament_worker_free(w);
    /* resume */
    run(t, store("part.sqlite"), 3, 0, 0, &rs);
    cr_assert_eq(rs.already + rs.ran, 100);
    cr_assert_eq(rs.already, first);
    cr_assert_eq(count_rows(store("part.sqlite"), "SELECT count(*) FROM sessions"), 100);
    cr_assert_eq(count_rows(store("part.sqlite"), "SELECT count(*) FROM sessions WHERE welfare = -7"),
                 0);
    char *x = dump(store("whole.sqlite")), *y = dump(store("part.sqlite"));
    cr_assert_str_eq(x, y);
    free(x);
    free(y);
    /* again: nothing to do */
    run(t, store("part.sqlite"), 1, 0, 0, &rs);
    cr_assert_eq(rs.ran, 0);
    cr_assert_eq(rs.already, 100);
    parley_tournament_free(t);
}

Test(tournament, shards_merge_into_the_whole)
{
    parley_tournament *t = load(bilateral);
    parley_tournament_run_stats rs;
    run(t, store("whole.sqlite"), 2, 0, 0, &rs);
    uint64_t sum = 0;
    const char *names[3] = {"s1.sqlite", "s2.sqlite", "s3.sqlite"};
    const char *paths[3];
    for (unsigned k = 1; k <= 3; k++) {
        paths[k - 1] = store(names[k - 1]);
        run(t, paths[k - 1], 1, k, 3, &rs);
        cr_assert_eq(rs.total, k == 1 ? 34 : 33);
        sum += rs.ran;
        char q[128];
        snprintf(q, sizeof q, "SELECT count(*) FROM sessions WHERE id %% 3 != %u", k - 1);
        cr_assert_eq(count_rows(paths[k - 1], q), 0);
    }
    cr_assert_eq(sum, 100);
    uint64_t n = 0;
    parley_error err;
    parley_error_clear(&err);
    cr_assert_eq(parley_tournament_merge(store("merged.sqlite"), 3, paths, NULL, &n, &err), PARLEY_OK,
                 "%s", err.message);
    cr_assert_eq(n, 100);
    /* merging again adds nothing */
    cr_assert_eq(parley_tournament_merge(store("merged.sqlite"), 2, paths, NULL, &n, NULL), PARLEY_OK);
    cr_assert_eq(n, 100);
    char *x = dump(store("whole.sqlite")), *y = dump(store("merged.sqlite"));
    cr_assert_str_eq(x, y);
    free(x);
    free(y);
    parley_tournament_free(t);
    /* a store of another tournament is refused, by open and by merge */
    t = load("parley-tournament: 1\nseed: 43\nscenarios: [" BS "]\nstrategies: [linear]\n");
    parley_tournament_store *s = NULL;
    parley_error_clear(&err);
    cr_assert_eq(parley_tournament_store_open(t, store("whole.sqlite"), &s, &err),
                 PARLEY_ERR_INVALID);
    cr_assert_not_null(strstr(err.message, "another tournament"));
    run(t, store("other.sqlite"), 1, 0, 0, &rs);
    const char *two[2] = {store("whole.sqlite"), store("other.sqlite")};
    cr_assert_eq(parley_tournament_merge(store("mixed.sqlite"), 2, two, NULL, &n, &err),
                 PARLEY_ERR_INVALID);
    parley_tournament_free(t);
}

/* Copy the file from to to (a store without -wal: closed cleanly). */
static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    cr_assert(a && b);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        cr_assert_eq(fwrite(buf, 1, n, b), n);
    fclose(a);
    cr_assert_eq(fclose(b), 0);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* Issue 20, item 5: a row changed after it was written -- a value, a
 * seat, a missing seat, a missing checksum -- fails its checksum: rank,
 * open (resume) and merge refuse the store, naming the session. */
Test(tournament, a_changed_row_fails_its_checksum)
{
    parley_error err;
    parley_error_clear(&err);
    parley_tournament *t = load(bilateral);
    parley_tournament_run_stats rs;
    run(t, store("clean.sqlite"), 2, 0, 0, &rs);
    parley_tournament_ranking *r = NULL;
    cr_assert_eq(parley_tournament_rank(store("clean.sqlite"), NULL, &r, &err), PARLEY_OK);
    cr_assert_eq(parley_tournament_ranking_unverified(r), 0);
    parley_tournament_ranking_free(r);
    static const struct {
        const char *sql, *names;
    } edits[] = {
        {"UPDATE sessions SET welfare = welfare + 1e-9 WHERE id = 7", "(id 7)"},
        {"UPDATE sessions SET outcome = NULL WHERE id = 8", "(id 8)"},
        {"UPDATE seats SET utility = 0.5 WHERE session = 12 AND seat = 1", "(id 12)"},
        {"DELETE FROM seats WHERE session = 20 AND seat = 0", "(id 20)"},
        {"UPDATE sessions SET checksum = NULL WHERE id = 30", "(id 30)"},
        {"UPDATE sessions SET id = 1000 WHERE id = 99; UPDATE seats SET session = 1000 "
         "WHERE session = 99",
         "(id 1000)"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        const char *p = store("edited.sqlite");
        copy_file(store("clean.sqlite"), p);
        exec_sql(p, edits[i].sql);
        parley_error_clear(&err);
        cr_assert_eq(parley_tournament_rank(p, NULL, &r, &err), PARLEY_ERR_INVALID, "%s",
                     edits[i].sql);
        cr_assert_null(r);
        cr_assert_not_null(strstr(err.message, "1 of 100 sessions does not match"), "%s",
                           err.message);
        cr_assert_not_null(strstr(err.message, edits[i].names), "%s", err.message);
        parley_tournament_store *s = NULL;
        cr_assert_eq(parley_tournament_store_open(t, p, &s, &err), PARLEY_ERR_INVALID);
        cr_assert_null(s);
        const char *in[1] = {p};
        cr_assert_eq(parley_tournament_merge(store("m.sqlite"), 1, in, NULL, NULL, &err),
                     PARLEY_ERR_INVALID);
        cr_assert_neq(access(store("m.sqlite"), F_OK), 0);
    }
    /* a store from before checksums ranks, unverified, the same */
    copy_file(store("clean.sqlite"), store("old.sqlite"));
    exec_sql(store("old.sqlite"), "ALTER TABLE sessions DROP COLUMN checksum; "
                                  "UPDATE meta SET value = '2' WHERE key = 'schema'");
    cr_assert_eq(parley_tournament_rank(store("old.sqlite"), NULL, &r, &err), PARLEY_OK, "%s",
                 err.message);
    cr_assert_eq(parley_tournament_ranking_unverified(r), 100);
    cr_assert_eq(parley_tournament_ranking_sessions(r), 100);
    parley_tournament_ranking_free(r);
    parley_tournament_free(t);
}

/* Issue 20, item 6: one writer per store.  A second open of a store (here
 * in the same process: the lock is per open file description) fails at
 * once naming the holder; rank still reads it; closing releases it. */
Test(tournament, one_writer_per_store)
{
    parley_tournament *t = load(bilateral);
    parley_tournament_store *a = NULL, *b = NULL;
    parley_error err;
    parley_error_clear(&err);
    cr_assert_eq(parley_tournament_store_open(t, store("w.sqlite"), &a, &err), PARLEY_OK);
    cr_assert_eq(parley_tournament_store_open(t, store("w.sqlite"), &b, &err), PARLEY_ERR_IO);
    cr_assert_null(b);
    char want[96];
    snprintf(want, sizeof want, "the store is in use by process %ld (started ", (long)getpid());
    cr_assert_not_null(strstr(err.message, want), "%s", err.message);
    const char *in[1] = {store("w.sqlite")};
    cr_assert_eq(parley_tournament_merge(store("w.sqlite"), 1, in, NULL, NULL, &err),
                 PARLEY_ERR_IO);
    parley_tournament_ranking *r = NULL;
    cr_assert_eq(parley_tournament_rank(store("w.sqlite"), NULL, &r, &err), PARLEY_OK);
    parley_tournament_ranking_free(r);
    cr_assert_eq(access(store("w.sqlite.lock"), F_OK), 0);
    cr_assert_eq(parley_tournament_store_close(a, &err), PARLEY_OK);
    cr_assert_neq(access(store("w.sqlite.lock"), F_OK), 0, "the lock file was left behind");
    cr_assert_eq(parley_tournament_store_open(t, store("w.sqlite"), &b, &err), PARLEY_OK);
    parley_tournament_store_close(b, NULL);
    parley_tournament_free(t);
}

Test(tournament, rankings_match_sums_over_the_records)
{
    parley_tournament *t = load(bilateral);
    parley_tournament_run_stats rs;
    run(t, store("r.sqlite"), 2, 0, 0, &rs);
    parley_tournament_ranking *rk = NULL;
    cr_assert_eq(parley_tournament_rank(store("r.sqlite"), NULL, &rk, NULL), PARLEY_OK);
    cr_assert_eq(parley_tournament_ranking_sessions(rk), 100);
    size_t S = parley_tournament_strategy_count(t);
    cr_assert_eq(parley_tournament_ranking_strategies(rk), S);
    /* independent sums from the records */
    double su[5] = {0}, su2[5] = {0}, sw[5] = {0}, sa[5] = {0}, sr[5] = {0};
    double nu[5] = {0}, ns[5] = {0};
    double pu[5][5] = {{0}}, pn[5][5] = {{0}}; /* own utility of a against b */
    parley_tournament_worker *w = NULL;
    cr_assert_eq(parley_tournament_worker_new(t, &w, NULL), PARLEY_OK);
    for (uint64_t id = 0; id < 100; id++) {
        parley_tournament_record r;
        cr_assert_eq(parley_tournament_run_session(w, id, &r, NULL), PARLEY_OK);
        for (uint32_t k = 0; k < 2; k++) {
            su[r.strategy[k]] += r.utility[k];
            su2[r.strategy[k]] += r.utility[k] * r.utility[k];
            nu[r.strategy[k]] += 1;
            pu[r.strategy[k]][r.strategy[1 - k]] += r.utility[k];
            pn[r.strategy[k]][r.strategy[1 - k]] += 1;
        }
        for (uint32_t k = 0; k < 2; k++) {
            if (k == 1 && r.strategy[1] == r.strategy[0])
                break;
            ns[r.strategy[k]] += 1;
            sw[r.strategy[k]] += r.welfare;
            sa[r.strategy[k]] += r.agreement;
            sr[r.strategy[k]] += (double)r.rounds;
        }
    }
    parley_tournament_worker_free(w);
    for (size_t i = 0; i < S; i++) {
        const char *name = parley_tournament_ranking_name(rk, i);
        size_t s = 0;
        while (strcmp(parley_tournament_strategy(t, s), name) != 0)
            s++;
        parley_tournament_stat u = parley_tournament_ranking_stat(rk, i, PARLEY_MEASURE_UTILITY);
        cr_assert_eq(u.n, 40); /* focal and opponent: 2 x 5 x 2 roles x 2 reps */
        cr_assert_eq((double)u.n, nu[s]);
        double mean = su[s] / nu[s];
        double sd = sqrt((su2[s] - nu[s] * mean * mean) / (nu[s] - 1));
        cr_assert_float_eq(u.mean, mean, 1e-12);
        cr_assert_float_eq(u.ci, 1.96 * sd / sqrt(nu[s]), 1e-9);
        parley_tournament_stat x = parley_tournament_ranking_stat(rk, i, PARLEY_MEASURE_WELFARE);
        cr_assert_eq((double)x.n, ns[s]);
        cr_assert_eq(x.n, 36); /* 40 seats, the 4 self-play sessions counted once */
        cr_assert_float_eq(x.mean, sw[s] / ns[s], 1e-12);
        x = parley_tournament_ranking_stat(rk, i, PARLEY_MEASURE_AGREEMENT);
        cr_assert_float_eq(x.mean, sa[s] / ns[s], 1e-12);
        x = parley_tournament_ranking_stat(rk, i, PARLEY_MEASURE_ROUNDS);
        cr_assert_float_eq(x.mean, sr[s] / ns[s], 1e-12);
    }
    /* against whom */
    size_t idx[5];
    for (size_t i = 0; i < S; i++)
        for (idx[i] = 0; strcmp(parley_tournament_strategy(t, idx[i]),
                                parley_tournament_ranking_name(rk, i)) != 0;)
            idx[i]++;
    for (size_t a = 0; a < S; a++)
        for (size_t b = 0; b < S; b++) {
            parley_tournament_stat x = parley_tournament_ranking_pair(rk, a, b);
            cr_assert_eq(x.n, 8); /* 2 sides x 2 roles x 2 reps; self-play: 4 sessions x 2 */
            cr_assert_eq((double)x.n, pn[idx[a]][idx[b]]);
            cr_assert_float_eq(x.mean, pu[idx[a]][idx[b]] / pn[idx[a]][idx[b]], 1e-12);
        }
    cr_assert_eq(parley_tournament_ranking_pair(rk, 0, S).n, 0);
    /* the order: best first for each measure */
    size_t order[5];
    for (int m = 0; m < PARLEY_MEASURE_COUNT; m++) {
        parley_tournament_measure me = (parley_tournament_measure)m;
        parley_tournament_ranking_order(rk, me, order);
        for (size_t k = 1; k < S; k++) {
            double a = parley_tournament_ranking_stat(rk, order[k - 1], me).mean;
            double b = parley_tournament_ranking_stat(rk, order[k], me).mean;
            cr_assert(parley_tournament_measure_higher_better(me) ? a >= b : a <= b);
        }
    }
    parley_tournament_ranking_free(rk);
    parley_tournament_free(t);
}

/* Configuration errors: status, line:column and words of the message. */
static void bad(const char *text, parley_status want, unsigned line, unsigned col,
                const char *words)
{
    parley_tournament *t = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_tournament_load(config("bad.yaml", text), NULL, &t, &err);
    cr_assert_eq(st, want, "status %d for: %s (%s)", st, text, err.message);
    cr_assert_null(t);
    if (line) {
        cr_assert_eq(err.line, line, "line %u: %s", err.line, err.message);
        cr_assert_eq(err.column, col, "column %u: %s", err.column, err.message);
    }
    cr_assert_not_null(strstr(err.message, words), "message: %s", err.message);
    cr_assert_not_null(strstr(err.file, "bad.yaml"));
}

Test(tournament, configuration_errors)
{
    bad("parley-tournament: 1\nsed: 4\n", PARLEY_ERR_INVALID, 2, 1, "did you mean 'seed'");
    bad("parley-tournament: 1\nscenarios: [" BS "]\nstrategies: [linear]\nrepetition: 2\n",
        PARLEY_ERR_INVALID, 4, 1, "did you mean 'repetitions'");
    bad("seed: 1\nscenarios: [" BS "]\nstrategies: [linear]\n", PARLEY_ERR_INVALID, 1, 1,
        "parley-tournament: 1");
    bad("parley-tournament: 2\n", PARLEY_ERR_UNSUPPORTED, 1, 20, "version");
    bad("parley-tournament: 1\nprotocol: auction\nscenarios: [" BS "]\nstrategies: [linear]\n",
        PARLEY_ERR_INVALID, 2, 11, "alternating, multilateral or mediated");
    bad("parley-tournament: 1\nscenarios: [" BS "]\nstrategies: [linear, bulware]\n",
        PARLEY_ERR_INVALID, 3, 22, "bulware");
    bad("parley-tournament: 1\nscenarios: [" BS "]\nstrategies: [\"time-dependent:q=1\"]\n",
        PARLEY_ERR_INVALID, 3, 14, "time-dependent");
    bad("parley-tournament: 1\nscenarios: [" BS "]\nstrategies: [linear, linear]\n",
        PARLEY_ERR_INVALID, 3, 22, "twice");
    bad("parley-tournament: 1\nrounds: 0\nscenarios: [" BS "]\nstrategies: [linear]\n",
        PARLEY_ERR_INVALID, 2, 9, "rounds");
    bad("parley-tournament: 1\nseed: -1\n", PARLEY_ERR_INVALID, 2, 7, "whole number");
    bad("parley-tournament: 1\nseed: 1\nseed: 2\n", PARLEY_ERR_INVALID, 3, 1, "twice");
    bad("parley-tournament: 1\nseed: {a: 1}\n", PARLEY_ERR_INVALID, 2, 7, "single value");
    bad("parley-tournament: 1\nstrategies: [[linear]]\n", PARLEY_ERR_INVALID, 2, 14, "nested");
    bad("parley-tournament: 1\nstrategies: [linear]\n", PARLEY_ERR_INVALID, 0, 0, "no scenarios");
    bad("parley-tournament: 1\nscenarios: [" BS "]\n", PARLEY_ERR_INVALID, 0, 0, "no strategies");
    bad("parley-tournament: 1\nscenarios: [" CO "]\nstrategies: [linear]\n", PARLEY_ERR_INVALID,
        2, 13, "bilateral");
    bad("parley-tournament: 1\nscenarios: [no-such-file.yaml]\nstrategies: [linear]\n",
        PARLEY_ERR_IO, 2, 13, "no-such-file.yaml");
    bad("parley-tournament: 1\nscenarios: [a\n", PARLEY_ERR_SYNTAX, 0, 0, "YAML syntax");
    bad("- 1\n- 2\n", PARLEY_ERR_INVALID, 1, 1, "mapping");
    /* not UTF-8 (a directive line like this made libfyaml's scanner loop:
     * found by fuzz/fuzz_tournament.c) */
    bad("parley-tournament: 1\n%\xe4\xe5M\n", PARLEY_ERR_SYNTAX, 2, 2, "not UTF-8");
    bad("parley-tournament: 1\nseed: \xff\n", PARLEY_ERR_SYNTAX, 2, 7, "0xFF");
    /* a missing file */
    parley_tournament *t = NULL;
    parley_error err;
    parley_error_clear(&err);
    cr_assert_eq(parley_tournament_load("/nonexistent/t.yaml", NULL, &t, &err), PARLEY_ERR_IO);
}

Test(tournament, default_store_and_relative_paths)
{
    char text[512];
    snprintf(text, sizeof text,
             "parley-tournament: 1\nscenarios: [buyer-seller.yaml]\nstrategies: [linear]\n");
    /* a scenario beside the configuration */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/buyer-seller.yaml'", BS, dir);
    cr_assert_eq(system(cmd), 0);
    parley_tournament *t = load(text);
    char want[600];
    snprintf(want, sizeof want, "%s/t.sqlite", dir);
    cr_assert_str_eq(parley_tournament_default_store(t), want);
    cr_assert_str_eq(parley_tournament_scenario_label(t, 0), "buyer-seller.yaml");
    parley_tournament_free(t);
    t = load("parley-tournament: 1\nscenarios: [buyer-seller.yaml]\nstrategies: [linear]\n"
             "store: out/x.db\n");
    snprintf(want, sizeof want, "%s/out/x.db", dir);
    cr_assert_str_eq(parley_tournament_default_store(t), want);
    parley_tournament_free(t);
}
