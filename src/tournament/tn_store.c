/*
 * tn_store.c -- the SQLite store of tournament results, and merging
 * stores.  docs/tournament.md documents the schema:
 *
 *   meta(key PRIMARY KEY, value)      schema version, fingerprint, sessions
 *   sessions(id INTEGER PRIMARY KEY, ...)   one row per session
 *   seats(session, seat, ...)         one row per seat (for rankings)
 *
 * Durability.  The journal is WAL with synchronous=NORMAL: a committed
 * transaction survives the process being killed (SIGKILL), and a
 * transaction not yet committed is rolled back on the next open.  Records
 * are committed in batches (one transaction per `batch` records); a row
 * and its seats are written in the same transaction.  Every insert is
 * INSERT OR IGNORE on the primary key, so running again (resume) or
 * merging never duplicates a session.
 *
 * A store belongs to one tournament: meta.fingerprint must equal the
 * tournament's (parley_tournament_fingerprint), else opening fails.
 *
 * Damage and concurrency (tn_check.c).  Every session row carries a
 * checksum of itself and its seats, computed here from the values bound
 * (tn_bind_*).  Opening a store to write it takes the writer's lock
 * (STORE.lock: a second run is refused at once), refuses a store it
 * cannot write before SQLite creates anything beside it, and checks the
 * store (quick_check, every checksum) before it is used; a merge checks
 * each input and the store it adds to, and holds the output's lock.
 *
 * Memory: a store owns its connection and statements; close frees them.
 * One thread uses a store at a time.
 */
#include "tn.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TN_SCHEMA_VERSION "3"

struct parley_tournament_store {
    const parley_tournament *t;
    char *path;
    sqlite3 *db;
    sqlite3_stmt *ins_session, *ins_seat;
    unsigned batch, pending;
    bool in_tx;
    px_buf tmp;
    tn_lock lock; /* held from open to close: one writer per store */
};

parley_status tn_db_fail(sqlite3 *db, const char *path, parley_error *err, const char *what)
{
    /* a damaged file (a truncated copy...) gets the advice rank gives,
     * whatever was being done when SQLite noticed */
    if (db && sqlite3_errcode(db) == SQLITE_CORRUPT)
        return tn_damaged(db, path, err);
    char said[512];
    parleyx_utf8_escape(db ? sqlite3_errmsg(db) : "cannot open the database", said, sizeof said);
    return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "%s: %s", what, said);
}

static const char tn_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions("
    " id INTEGER PRIMARY KEY,"
    " scenario TEXT NOT NULL, scenario_index INTEGER NOT NULL,"
    " focal TEXT NOT NULL, opponent TEXT NOT NULL,"
    " rotation INTEGER NOT NULL, repetition INTEGER NOT NULL, seed INTEGER NOT NULL,"
    " parties TEXT NOT NULL, strategies TEXT NOT NULL,"
    " agreement INTEGER NOT NULL, walked_away INTEGER NOT NULL, vetoed INTEGER NOT NULL,"
    " outcome_id INTEGER, outcome TEXT,"
    " rounds INTEGER NOT NULL, t REAL NOT NULL,"
    " utilities TEXT NOT NULL, welfare REAL NOT NULL,"
    " pareto_distance REAL, nash_distance REAL,"
    " timed_out INTEGER NOT NULL DEFAULT 0, checksum INTEGER);"
    "CREATE TABLE IF NOT EXISTS seats("
    " session INTEGER NOT NULL, seat INTEGER NOT NULL,"
    " party TEXT NOT NULL, strategy TEXT NOT NULL, utility REAL NOT NULL,"
    " PRIMARY KEY(session, seat)) WITHOUT ROWID;";

parley_status tn_store_path_check(const char *path, parley_error *err)
{
    /* SQLite would take /dev/null or a FIFO, and leave a journal beside
     * it (in /dev, as root); "" is a temporary database that vanishes */
    if (!path[0])
        return parleyx_fail(err, PARLEY_ERR_IO, NULL, 0, 0,
                            "the store path is empty; name an SQLite database file");
    struct stat fst;
    if (stat(path, &fst) == 0) {
        if (!S_ISREG(fst.st_mode))
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                                "this is not a regular file; a store is an SQLite database file: "
                                "give a file name (it is created if absent)");
        return PARLEY_OK;
    }
    /* absent: its folder must exist (SQLite would only say "unable to
     * open database file") */
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (slash && n < sizeof dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
        if (n == 0)
            return PARLEY_OK; /* in / */
        if (stat(dir, &fst) != 0 || !S_ISDIR(fst.st_mode))
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                                "the folder '%s' does not exist; create it, or name a store in a "
                                "folder that does",
                                dir);
    }
    return PARLEY_OK;
}

parley_status tn_db_open(const char *path, sqlite3 **db, parley_error *err)
{
    *db = NULL;
    parley_status rs = tn_store_path_check(path, err);
    if (rs != PARLEY_OK)
        return rs;
    char uri[3 * TN_PATH_MAX];
    if (!tn_uri(path, "", uri, sizeof uri))
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "the store path is too long");
    int rc = sqlite3_open_v2(
        uri, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
        NULL);
    if (rc != SQLITE_OK) {
        parley_status st = tn_db_fail(*db, path, err, "cannot open the store");
        sqlite3_close(*db);
        *db = NULL;
        return st;
    }
    sqlite3_busy_timeout(*db, 10000);
    if (sqlite3_exec(*db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        parley_status st = tn_db_fail(*db, path, err, "cannot set up the store (is it an SQLite "
                                                      "database?)");
        sqlite3_close(*db);
        *db = NULL;
        return st;
    }
    return PARLEY_OK;
}

bool tn_meta_get(sqlite3 *db, const char *schema, const char *key, char *buf, size_t n)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT value FROM %s.meta WHERE key = ?1", schema);
    sqlite3_stmt *q = NULL;
    bool ok = false;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) {
            const unsigned char *v = sqlite3_column_text(q, 0);
            snprintf(buf, n, "%s", v ? (const char *)v : "");
            ok = true;
        }
    }
    sqlite3_finalize(q);
    return ok;
}

static int tn_meta_set(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
                                -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
        rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(q);
    return rc;
}

bool tn_has_column(sqlite3 *db, const char *schema, const char *column)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s.sessions LIMIT 0", column, schema);
    sqlite3_stmt *q = NULL;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK;
    sqlite3_finalize(q);
    return ok;
}

bool tn_has_timed_out(sqlite3 *db, const char *schema)
{
    return tn_has_column(db, schema, "timed_out");
}

/* An older store gets the columns it lacks: schema 1 timed_out (0 for
 * every session it holds), schema 1 and 2 checksum, computed for every
 * session it holds (tn_check.c); then it is schema 3.  A fresh store
 * (no schema yet) has every column already. */
static parley_status tn_db_migrate(sqlite3 *db, const char *path, parley_error *err)
{
    int ver = tn_schema_of(db, "main");
    bool ok = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    if (ok && !tn_has_timed_out(db, "main"))
        ok = sqlite3_exec(db,
                          "ALTER TABLE sessions ADD COLUMN timed_out INTEGER NOT NULL DEFAULT 0",
                          NULL, NULL, NULL) == SQLITE_OK;
    if (ok && !tn_has_column(db, "main", "checksum"))
        ok = sqlite3_exec(db, "ALTER TABLE sessions ADD COLUMN checksum INTEGER", NULL, NULL,
                          NULL) == SQLITE_OK;
    if (!ok || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        parley_status st = tn_db_fail(db, path, err, "cannot update the store's tables");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    if (ver == 0 || ver >= 3)
        return PARLEY_OK;
    parley_status st = tn_sum_missing(db, path, err);
    if (st == PARLEY_OK && tn_meta_set(db, "schema", TN_SCHEMA_VERSION) != SQLITE_OK)
        st = tn_db_fail(db, path, err, "cannot update the store's tables");
    return st;
}

/* Create the schema when absent; check (or set) the fingerprint; check
 * the checksums of the sessions stored (before an upgrade computes the
 * missing ones: tn_db_migrate). */
parley_status tn_db_schema(sqlite3 *db, const char *path, const char *fingerprint, uint64_t total,
                           const parley_allocator *a, parley_error *err)
{
    if (sqlite3_exec(db, tn_schema_sql, NULL, NULL, NULL) != SQLITE_OK)
        return tn_db_fail(db, path, err, "cannot create the tables of the store");
    char *buf = parleyx_malloc(a, 1 << 20);
    if (!buf)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
    parley_status st = PARLEY_OK;
    if (tn_meta_get(db, "main", "fingerprint", buf, 1 << 20)) {
        char said[301]; /* the settings' first 300 bytes, cut at a character */
        if (strcmp(buf, fingerprint) != 0)
            st = parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                              "this store holds another tournament's results (its settings: "
                              "%s); use another store, or the configuration it was made with",
                              parleyx_utf8_escape(buf, said, sizeof said));
        else
            st = tn_verify_all(db, "main", path, err);
        if (st == PARLEY_OK)
            st = tn_db_migrate(db, path, err);
    } else {
        char n[32];
        snprintf(n, sizeof n, "%llu", (unsigned long long)total);
        st = tn_db_migrate(db, path, err); /* tables of a failed old merge */
        if (st == PARLEY_OK && (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
                                tn_meta_set(db, "schema", TN_SCHEMA_VERSION) != SQLITE_OK ||
                                tn_meta_set(db, "fingerprint", fingerprint) != SQLITE_OK ||
                                tn_meta_set(db, "sessions", n) != SQLITE_OK ||
                                sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)) {
            st = tn_db_fail(db, path, err, "cannot write the store's settings");
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        }
    }
    parleyx_free(a, buf, 1 << 20);
    return st;
}

parley_status parley_tournament_store_open(const parley_tournament *t, const char *path,
                                           parley_tournament_store **out, parley_error *err)
{
    if (!t || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no tournament or no output");
    *out = NULL;
    if (!path)
        path = t->store;
    parley_tournament_store *s = parleyx_calloc(t->ap, 1, sizeof *s);
    if (!s || !(s->path = parleyx_strdup(t->ap, path))) {
        parleyx_free(t->ap, s, sizeof *s);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    s->t = t;
    s->batch = 256;
    s->lock.fd = -1;
    parleyx_buf_init(&s->tmp, t->ap, (size_t)1 << 26);
    /* one writer at a time (the lock), on a store it may write, after
     * SQLite's check of the file (quick_check) and of every session's
     * checksum (tn_db_schema) */
    parley_status st = tn_store_path_check(path, err);
    if (st == PARLEY_OK)
        st = tn_lock_take(s->path, "a run", t->ap, &s->lock, err);
    int why = 0;
    if (st == PARLEY_OK && !tn_writable(path, &why))
        st = tn_readonly_fail(path, why, "a run", err);
    if (st == PARLEY_OK) {
        tn_journal_recover(path);
        st = tn_db_open(path, &s->db, err);
    }
    if (st == PARLEY_OK)
        st = tn_quick_check(s->db, "main", path, err);
    if (st == PARLEY_OK)
        st = tn_db_schema(s->db, path, t->fingerprint, t->base[t->nscen], t->ap, err);
    if (st == PARLEY_OK &&
        (sqlite3_prepare_v2(s->db,
                            "INSERT OR IGNORE INTO sessions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                            "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
                            "?22, ?23)",
                            -1, &s->ins_session, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO seats VALUES (?1, ?2, ?3, ?4, ?5)", -1,
                            &s->ins_seat, NULL) != SQLITE_OK))
        st = tn_db_fail(s->db, path, err, "cannot prepare the store");
    if (st != PARLEY_OK) {
        parley_tournament_store_close(s, NULL);
        return st;
    }
    *out = s;
    return PARLEY_OK;
}

parley_status parley_tournament_store_commit(parley_tournament_store *s, parley_error *err)
{
    if (!s || !s->in_tx)
        return PARLEY_OK;
    s->in_tx = false;
    s->pending = 0;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        parley_status st = tn_db_fail(s->db, s->path, err, "cannot commit results to the store");
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    return PARLEY_OK;
}

parley_status parley_tournament_store_close(parley_tournament_store *s, parley_error *err)
{
    if (!s)
        return PARLEY_OK;
    parley_status st = s->db ? parley_tournament_store_commit(s, err) : PARLEY_OK;
    sqlite3_finalize(s->ins_session);
    sqlite3_finalize(s->ins_seat);
    sqlite3_close(s->db);
    tn_lock_release(&s->lock, s->t->ap);
    parleyx_buf_free(&s->tmp);
    parleyx_strfree(s->t->ap, s->path);
    parleyx_free(s->t->ap, s, sizeof *s);
    return st;
}

parley_status parley_tournament_store_todo(parley_tournament_store *s, unsigned k, unsigned n,
                                           uint64_t **ids, size_t *count, parley_error *err)
{
    if (!s || !ids || !count)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no store or no output");
    if (n == 0 || k == 0) {
        k = 1;
        n = 1;
    }
    if (k > n)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "shard %u of %u does not exist", k,
                            n);
    *ids = NULL;
    *count = 0;
    const parley_allocator *a = s->t->ap;
    uint64_t total = s->t->base[s->t->nscen];
    size_t words = (size_t)(total / 64 + 1);
    uint64_t *done = parleyx_calloc(a, words, sizeof *done);
    if (!done)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, s->path, 0, 0, "out of memory");
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM sessions", -1, &q, NULL) != SQLITE_OK) {
        parleyx_free(a, done, words * sizeof *done);
        return tn_db_fail(s->db, s->path, err, "cannot read the store");
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(q, 0);
        if (id >= 0 && (uint64_t)id < total)
            done[(uint64_t)id / 64] |= 1ULL << ((uint64_t)id % 64);
    }
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE) {
        parleyx_free(a, done, words * sizeof *done);
        return tn_db_fail(s->db, s->path, err, "cannot read the store");
    }
    size_t c = 0;
    for (uint64_t id = k - 1; id < total; id += n)
        c += !(done[id / 64] >> (id % 64) & 1);
    uint64_t *v = parleyx_malloc(a, (c ? c : 1) * sizeof *v);
    if (!v) {
        parleyx_free(a, done, words * sizeof *done);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, s->path, 0, 0, "out of memory");
    }
    c = 0;
    for (uint64_t id = k - 1; id < total; id += n)
        if (!(done[id / 64] >> (id % 64) & 1))
            v[c++] = id;
    parleyx_free(a, done, words * sizeof *done);
    *ids = v;
    *count = c;
    return PARLEY_OK;
}

void parley_tournament_ids_free(const parley_tournament *t, uint64_t *ids, size_t count)
{
    if (ids)
        parleyx_free(t ? t->ap : NULL, ids, (count ? count : 1) * sizeof *ids);
}

static void tn_json_str(px_buf *b, const char *s)
{
    parleyx_buf_puts(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            parleyx_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            parleyx_buf_printf(b, "\\u%04x", *p);
        else
            parleyx_buf_add(b, (const char *)p, 1);
    }
    parleyx_buf_puts(b, "\"");
}

/* Bind a value to parameter i of q and add it to the row's checksum h
 * (tn_check.c), as SQLite will store it. */
static void tn_bind_int(sqlite3_stmt *q, int i, int64_t v, uint64_t *h)
{
    sqlite3_bind_int64(q, i, (sqlite3_int64)v);
    tn_sum_int(h, v);
}

static void tn_bind_text(sqlite3_stmt *q, int i, const char *v, uint64_t *h)
{
    sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    tn_sum_text(h, v, strlen(v));
}

static void tn_bind_null(sqlite3_stmt *q, int i, uint64_t *h)
{
    sqlite3_bind_null(q, i);
    tn_sum_null(h);
}

/* NULL when not finite (SQLite would store a NaN as NULL, and no store
 * has infinities). */
static void tn_bind_real(sqlite3_stmt *q, int i, double x, uint64_t *h)
{
    if (isfinite(x)) {
        sqlite3_bind_double(q, i, x);
        tn_sum_real(h, x);
    } else {
        tn_bind_null(q, i, h);
    }
}

/* The record's texts in s->tmp, each NUL-terminated: off[0] its parties,
 * off[1] its strategies, off[2] its utilities (JSON arrays), off[3] its
 * outcome (a JSON object, or "" when there is none or it has more than
 * 64 issues).  false when out of memory. */
static bool tn_record_texts(parley_tournament_store *s, const parley_tournament_record *r,
                            size_t off[4])
{
    const parley_tournament *t = s->t;
    const parley_scenario *sc = t->sc[r->scenario];
    px_buf *b = &s->tmp;
    b->len = 0;
    b->failed = false;
    char num[40];
    for (int part = 0; part < 3; part++) {
        off[part] = b->len;
        parleyx_buf_puts(b, "[");
        for (uint32_t k = 0; k < r->seats; k++) {
            if (k)
                parleyx_buf_puts(b, ", ");
            if (part == 0)
                tn_json_str(b, parley_party_name(sc, r->party[k]));
            else if (part == 1)
                tn_json_str(b, t->strat[r->strategy[k]]);
            else
                parleyx_buf_puts(b, parleyx_fmt_double(r->utility[k], num, sizeof num));
        }
        parleyx_buf_puts(b, "]");
        parleyx_buf_add(b, "", 1); /* keep the NUL as a separator */
    }
    off[3] = b->len;
    size_t ni = parley_issue_count(sc);
    if (r->has_outcome && ni <= 64) {
        uint64_t rest = r->outcome_id;
        uint32_t vals[64];
        for (size_t i = ni; i-- > 0;) {
            uint64_t nv = parley_issue_value_count(sc, i);
            vals[i] = (uint32_t)(rest % nv);
            rest /= nv;
        }
        char lab[PARLEY_MAX_NAME + 1];
        parleyx_buf_puts(b, "{");
        for (size_t i = 0; i < ni; i++) {
            if (i)
                parleyx_buf_puts(b, ", ");
            tn_json_str(b, parley_issue_name(sc, i));
            parleyx_buf_puts(b, ": ");
            tn_json_str(b, parley_issue_value_label(sc, i, vals[i], lab, sizeof lab));
        }
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_add(b, "", 1);
    return !b->failed;
}

/* Bind the record to the session insert; text from s->tmp at off. */
static void tn_bind_session(parley_tournament_store *s, const parley_tournament_record *r,
                            const size_t off[4])
{
    const parley_tournament *t = s->t;
    sqlite3_stmt *q = s->ins_session;
    const char *b = s->tmp.data;
    uint64_t h;
    tn_sum_init(&h);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    tn_bind_int(q, 1, (int64_t)r->id, &h);
    tn_bind_text(q, 2, t->label[r->scenario], &h);
    tn_bind_int(q, 3, r->scenario, &h);
    tn_bind_text(q, 4, t->strat[r->focal], &h);
    tn_bind_text(q, 5, t->strat[r->opponent], &h);
    tn_bind_int(q, 6, r->rotation, &h);
    tn_bind_int(q, 7, r->repetition, &h);
    tn_bind_int(q, 8, (int64_t)r->seed, &h);
    tn_bind_text(q, 9, b + off[0], &h);
    tn_bind_text(q, 10, b + off[1], &h);
    tn_bind_int(q, 11, r->agreement, &h);
    tn_bind_int(q, 12, r->walked_away, &h);
    tn_bind_int(q, 13, r->vetoed, &h);
    if (r->has_outcome)
        tn_bind_int(q, 14, (int64_t)r->outcome_id, &h);
    else
        tn_bind_null(q, 14, &h);
    if (r->has_outcome && b[off[3]])
        tn_bind_text(q, 15, b + off[3], &h);
    else
        tn_bind_null(q, 15, &h);
    tn_bind_int(q, 16, (int64_t)r->rounds, &h);
    tn_bind_real(q, 17, r->t, &h);
    tn_bind_text(q, 18, b + off[2], &h);
    tn_bind_real(q, 19, r->welfare, &h);
    tn_bind_real(q, 20, r->pareto_distance, &h);
    tn_bind_real(q, 21, r->nash_distance, &h);
    tn_bind_int(q, 22, r->timed_out, &h);
    /* then its seats, as tn_put_seats writes them */
    const parley_scenario *sc = t->sc[r->scenario];
    for (uint32_t k = 0; k < r->seats; k++) {
        const char *party = parley_party_name(sc, r->party[k]);
        const char *strat = t->strat[r->strategy[k]];
        tn_sum_int(&h, k);
        tn_sum_text(&h, party, strlen(party));
        tn_sum_text(&h, strat, strlen(strat));
        if (isfinite(r->utility[k]))
            tn_sum_real(&h, r->utility[k]);
        else
            tn_sum_null(&h);
    }
    sqlite3_bind_int64(q, 23, (sqlite3_int64)h);
}

/* One row per seat of a session just inserted. */
static parley_status tn_put_seats(parley_tournament_store *s, const parley_tournament_record *r,
                                  parley_error *err)
{
    const parley_tournament *t = s->t;
    const parley_scenario *sc = t->sc[r->scenario];
    for (uint32_t k = 0; k < r->seats; k++) {
        sqlite3_stmt *p = s->ins_seat;
        sqlite3_reset(p);
        sqlite3_bind_int64(p, 1, (sqlite3_int64)r->id);
        sqlite3_bind_int64(p, 2, k);
        sqlite3_bind_text(p, 3, parley_party_name(sc, r->party[k]), -1, SQLITE_STATIC);
        sqlite3_bind_text(p, 4, t->strat[r->strategy[k]], -1, SQLITE_STATIC);
        sqlite3_bind_double(p, 5, r->utility[k]);
        if (sqlite3_step(p) != SQLITE_DONE)
            return tn_db_fail(s->db, s->path, err, "cannot store a session");
    }
    return PARLEY_OK;
}

parley_status parley_tournament_store_put(parley_tournament_store *s,
                                          const parley_tournament_record *r, parley_error *err)
{
    if (!s || !r)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no store or no record");
    const parley_tournament *t = s->t;
    if (r->scenario >= t->nscen || r->seats > PARLEY_TOURNAMENT_MAX_SEATS)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "a record of another tournament");
    if (!s->in_tx) {
        if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            return tn_db_fail(s->db, s->path, err, "cannot write to the store");
        s->in_tx = true;
    }
    size_t off[4];
    if (!tn_record_texts(s, r, off))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, s->path, 0, 0, "out of memory");
    tn_bind_session(s, r, off);
    if (sqlite3_step(s->ins_session) != SQLITE_DONE)
        return tn_db_fail(s->db, s->path, err, "cannot store a session");
    if (sqlite3_changes(s->db) > 0) { /* not already stored */
        parley_status st = tn_put_seats(s, r, err);
        if (st != PARLEY_OK)
            return st;
    }
    if (++s->pending >= s->batch)
        return parley_tournament_store_commit(s, err);
    return PARLEY_OK;
}

void tn_store_set_batch(parley_tournament_store *s, unsigned batch)
{
    if (s && batch)
        s->batch = batch;
}

/* ------------------------------------------------------------ merge
 *
 * A merge never leaves a half-made output: it builds the result in a
 * temporary file beside out ("<out>.merge.<pid>.<n>": a copy of out when
 * out is a store to extend, made with VACUUM INTO, else empty), merges
 * every input into it and renames it over out only when everything
 * succeeded.  On any failure the temporary file (and its -wal and -shm)
 * is removed and out is untouched: absent if it was absent, as it was if
 * it existed.  An existing out that is not a store is never replaced. */

#define TN_FP_MAX ((size_t)1 << 20)

/* A fresh, empty temporary file beside path, with the given mode (0: the
 * default, 0666 less the umask). */
static parley_status tn_merge_tmp(const char *path, mode_t mode, char *tmp, size_t n,
                                  parley_error *err)
{
    static atomic_uint counter; /* threads may merge at once */
    int w = snprintf(tmp, n, "%s.merge.%ld.%u", path, (long)getpid(),
                     atomic_fetch_add(&counter, 1u));
    if (w < 0 || (size_t)w >= n)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "the output path is too long");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                            "cannot create a temporary file beside it: %s (nothing was merged)",
                            strerror(errno));
    int e = mode && fchmod(fd, mode & 07777) != 0 ? errno : 0;
    close(fd);
    if (e) {
        unlink(tmp);
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot set the permissions: %s",
                            strerror(e));
    }
    return PARLEY_OK;
}

/* Remove the temporary file and what SQLite may have left beside it. */
static void tn_merge_unlink(const char *tmp)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    char p[TN_PATH_MAX + 16];
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        snprintf(p, sizeof p, "%s%s", tmp, ext[i]);
        unlink(p);
    }
}

/* Copy the existing store out into the empty file tmp; its fingerprint
 * into fp.  Fails, leaving out alone, when out is not a store or another
 * process has it open (its -wal stays after our connection closes). */
static parley_status tn_merge_copy(const char *out, const char *tmp, char *fp,
                                   parley_error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(out, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        parley_status st = tn_db_fail(db, out, err, "cannot open the store");
        sqlite3_close(db);
        return st;
    }
    sqlite3_busy_timeout(db, 10000);
    parley_status st = PARLEY_OK;
    sqlite3_stmt *q = NULL;
    if (!tn_meta_get(db, "main", "fingerprint", fp, TN_FP_MAX))
        st = sqlite3_errcode(db) == SQLITE_CORRUPT
                 ? tn_damaged(db, out, err) /* a store, damaged (cut short...) */
                 : parleyx_fail(err, PARLEY_ERR_INVALID, out, 0, 0,
                                "this file exists and is not a tournament store, so merging "
                                "into it would replace it; name a new file, or a store of the "
                                "same tournament to add to (nothing was merged)");
    else
        st = tn_check_store(db, "main", out, err);
    if (st == PARLEY_OK && (sqlite3_prepare_v2(db, "VACUUM INTO ?1", -1, &q, NULL) != SQLITE_OK ||
                            sqlite3_bind_text(q, 1, tmp, -1, SQLITE_STATIC) != SQLITE_OK ||
                            sqlite3_step(q) != SQLITE_DONE))
        st = tn_db_fail(db, out, err, "cannot copy the store (nothing was merged)");
    sqlite3_finalize(q);
    sqlite3_close(db);
    char wal[TN_PATH_MAX + 8];
    struct stat wst;
    snprintf(wal, sizeof wal, "%s-wal", out);
    if (st == PARLEY_OK && stat(wal, &wst) == 0)
        st = parleyx_fail(err, PARLEY_ERR_IO, out, 0, 0,
                          "another process has this store open (a tournament still "
                          "running?); merge when it has finished (nothing was merged)");
    return st;
}

/* Copy the rows of the attached store src into main in one transaction
 * (the settings too when main has none yet: !have). */
static bool tn_merge_rows(sqlite3 *db, const char *fp2, bool have)
{
    char total[32] = "0";
    if (!tn_meta_get(db, "src", "sessions", total, sizeof total))
        snprintf(total, sizeof total, "0");
    bool ok = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    if (ok && !have)
        ok = tn_meta_set(db, "schema", TN_SCHEMA_VERSION) == SQLITE_OK &&
             tn_meta_set(db, "fingerprint", fp2) == SQLITE_OK &&
             tn_meta_set(db, "sessions", total) == SQLITE_OK;
    /* a schema-1 input has no timed_out column (none timed out),
     * schema 1 and 2 no checksums (computed after: tn_merge_into) */
    ok = ok &&
         sqlite3_exec(db,
                      tn_has_column(db, "src", "checksum")
                          ? "INSERT OR IGNORE INTO main.sessions SELECT * FROM src.sessions "
                            "ORDER BY id;"
                      : tn_has_timed_out(db, "src")
                          ? "INSERT OR IGNORE INTO main.sessions SELECT *, NULL FROM "
                            "src.sessions ORDER BY id;"
                          : "INSERT OR IGNORE INTO main.sessions SELECT *, 0, NULL FROM "
                            "src.sessions ORDER BY id;",
                      NULL, NULL, NULL) == SQLITE_OK &&
         sqlite3_exec(db,
                      "INSERT OR IGNORE INTO main.seats SELECT * FROM src.seats "
                      "ORDER BY session, seat;",
                      NULL, NULL, NULL) == SQLITE_OK &&
         sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    return ok; /* false: the caller takes the message, then rolls back */
}

/* Merge the store at input into db, after checking it (quick_check and
 * checksums: a damaged input is refused).  fp holds the fingerprint of
 * what db holds (*have), taken from `from`; the first input sets it. */
static parley_status tn_merge_one(sqlite3 *db, const char *input, char *fp, char *fp2,
                                  bool *have, const char **from, parley_error *err)
{
    /* an input that cannot be written is read creating nothing beside it */
    char uri[3 * TN_PATH_MAX];
    int why;
    if (!tn_uri(input, tn_writable(input, &why) ? "" : tn_readonly_query(input), uri, sizeof uri))
        return parleyx_fail(err, PARLEY_ERR_IO, input, 0, 0, "the store path is too long");
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return tn_db_fail(db, input, err, "cannot attach a store (nothing was merged)");
    }
    sqlite3_bind_text(q, 1, uri, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return tn_db_fail(db, input, err, "cannot open the store (nothing was merged)");
    parley_status st;
    if (!tn_meta_get(db, "src", "fingerprint", fp2, TN_FP_MAX))
        st = parleyx_fail(err, PARLEY_ERR_INVALID, input, 0, 0,
                          "not a tournament store (no meta table with a fingerprint); "
                          "nothing was merged");
    else
        st = tn_check_store(db, "src", input, err);
    if (st == PARLEY_OK && *have && strcmp(fp, fp2) != 0)
        st = parleyx_fail(err, PARLEY_ERR_INVALID, input, 0, 0,
                          "this store holds another tournament's results than %s; merge "
                          "only shards of one tournament (same configuration); nothing was "
                          "merged",
                          *from);
    if (st == PARLEY_OK && !tn_merge_rows(db, fp2, *have)) {
        st = tn_db_fail(db, input, err, "cannot merge the store (nothing was merged)");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (st == PARLEY_OK && !*have) {
        memcpy(fp, fp2, strlen(fp2) + 1);
        *have = true;
        *from = input;
    }
    sqlite3_exec(db, "DETACH DATABASE src", NULL, NULL, NULL);
    return st;
}

/* Every input must be an existing regular file: ATTACH would create a
 * misspelt one. */
static parley_status tn_merge_inputs(size_t n, const char *const *inputs, parley_error *err)
{
    if (n == 0)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no store to merge");
    for (size_t i = 0; i < n; i++) {
        struct stat ist;
        if (!inputs[i] || stat(inputs[i], &ist) != 0)
            return parleyx_fail(err, PARLEY_ERR_IO, inputs[i], 0, 0,
                                "no such store; check the path (nothing was merged)");
        if (!S_ISREG(ist.st_mode))
            return parleyx_fail(err, PARLEY_ERR_IO, inputs[i], 0, 0,
                                "this is not a regular file, so not a store (nothing was merged)");
    }
    return PARLEY_OK;
}

/* sqlite3_exec's callback: there is a row (stop). */
static int tn_any_row(void *ud, int n, char **v, char **names)
{
    (void)ud;
    (void)n;
    (void)v;
    (void)names;
    return 1;
}

/* Merge into the temporary file tmp (a copy of out, or empty); the
 * session count into *sessions. */
static parley_status tn_merge_into(const char *tmp, const char *out, bool extend, size_t n,
                                   const char *const *inputs, char *fp, char *fp2,
                                   uint64_t *sessions, parley_error *err)
{
    sqlite3 *db = NULL;
    parley_status st = tn_db_open(tmp, &db, err);
    if (st == PARLEY_OK && sqlite3_exec(db, tn_schema_sql, NULL, NULL, NULL) != SQLITE_OK)
        st = tn_db_fail(db, out, err, "cannot create the tables of the store");
    if (st == PARLEY_OK)
        st = tn_db_migrate(db, out, err);
    bool have = extend;
    const char *from = out;
    for (size_t i = 0; i < n && st == PARLEY_OK; i++)
        st = tn_merge_one(db, inputs[i], fp, fp2, &have, &from, err);
    /* the sessions of schema-1 and -2 inputs have no checksums yet */
    if (st == PARLEY_OK && sqlite3_exec(db, "SELECT 1 FROM sessions WHERE checksum IS NULL LIMIT 1",
                                        tn_any_row, NULL, NULL) == SQLITE_ABORT)
        st = tn_sum_missing(db, out, err);
    sqlite3_stmt *q = NULL;
    if (st == PARLEY_OK &&
        (sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions", -1, &q, NULL) != SQLITE_OK ||
         sqlite3_step(q) != SQLITE_ROW))
        st = tn_db_fail(db, out, err, "cannot count the sessions merged");
    else if (st == PARLEY_OK)
        *sessions = (uint64_t)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    /* closing the last connection checkpoints the WAL into tmp and
     * removes it, so that tmp alone is the whole store */
    if (db && sqlite3_close(db) != SQLITE_OK && st == PARLEY_OK)
        st = parleyx_fail(err, PARLEY_ERR_IO, out, 0, 0, "cannot finish the store");
    return st;
}

parley_status parley_tournament_merge(const char *out, size_t n, const char *const *inputs,
                                      const parley_allocator *a, uint64_t *sessions,
                                      parley_error *err)
{
    if (!out || (n && !inputs))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no output or no inputs");
    parley_status st = tn_merge_inputs(n, inputs, err);
    if (st == PARLEY_OK)
        st = tn_store_path_check(out, err);
    if (st != PARLEY_OK)
        return st;
    if (a && !a->fn)
        a = NULL;
    /* no run writes out while it is merged, nor another merge */
    tn_lock lock;
    st = tn_lock_take(out, "a merge", a, &lock, err);
    if (st != PARLEY_OK)
        return st;
    struct stat ost;
    bool exists = stat(out, &ost) == 0;
    bool extend = exists && ost.st_size > 0; /* an empty file has nothing to keep */
    char *fp = parleyx_malloc(a, TN_FP_MAX), *fp2 = parleyx_malloc(a, TN_FP_MAX);
    char tmp[TN_PATH_MAX];
    uint64_t count = 0;
    if (!fp || !fp2)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, out, 0, 0, "out of memory");
    else
        st = tn_merge_tmp(out, exists ? ost.st_mode : 0, tmp, sizeof tmp, err);
    bool made = st == PARLEY_OK;
    if (st == PARLEY_OK && extend)
        st = tn_merge_copy(out, tmp, fp, err);
    if (st == PARLEY_OK)
        st = tn_merge_into(tmp, out, extend, n, inputs, fp, fp2, &count, err);
    if (st == PARLEY_OK && rename(tmp, out) != 0)
        st = parleyx_fail(err, PARLEY_ERR_IO, out, 0, 0, "cannot write the store: %s",
                          strerror(errno));
    if (st != PARLEY_OK && made)
        tn_merge_unlink(tmp);
    if (st == PARLEY_OK && sessions)
        *sessions = count;
    parleyx_free(a, fp, TN_FP_MAX);
    parleyx_free(a, fp2, TN_FP_MAX);
    tn_lock_release(&lock, a);
    return st;
}
