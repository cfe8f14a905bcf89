/*
 * tn_check.c -- what keeps a tournament store honest: damage checks, the
 * writer's lock and opening a store that cannot be written.
 *
 * Checksums (schema 3).  Every session row carries `checksum`, a 64-bit
 * hash written with the row, over its columns id .. timed_out and the
 * columns seat, party, strategy, utility of its seats in seat order.
 * Each value enters the hash as 64-bit words: a type tag, then (integer)
 * the value, (real) its IEEE bits with -0 as 0, (text) its length and its
 * bytes, 8 at a time, little end first, the last word padded with zeros;
 * NULL is the tag alone.  Each word w takes the state h to
 * mix(h ^ w), mix(x) = (x * K) ^ ((x * K) >> 32) with K odd: every step
 * is a bijection of h for a given w and of w for a given h, so one
 * changed word -- hence one changed byte -- always changes the result,
 * and a value that changes, changes type, moves to another row or goes
 * missing changes it except with a chance of about 2^-64.  It guards against damage
 * (bad disks, truncated copies, stray writes), not against someone who
 * means to forge a row: the hash has no key.
 *
 * Checks.  tn_quick_check runs SQLite's `PRAGMA quick_check` (the file's
 * structure: pages, b-trees, records, NOT NULL); tn_verify_* recomputes
 * every session's checksum while its rows are read.  Stores of schema 1
 * and 2 have no checksums: their rows are "unverified" (rank counts them),
 * and a run or a merge that upgrades one to schema 3 computes the missing
 * checksums from the rows as they are after quick_check has passed.
 *
 * The lock.  A run writes a store through one connection for a long time;
 * a second run on the same store would wait on SQLite's busy timeout and
 * lose its work.  So the writer holds an open-file-description write lock
 * (fcntl F_OFD_SETLK; F_SETLK where that does not exist) on "STORE.lock",
 * which records its pid and start time; a second writer is refused at
 * once, naming them.  STORE is the store's path resolved (symbolic links,
 * "." and ".." followed: realpath of the store, or of its folder when it
 * does not exist yet), so that every spelling of one store shares one
 * lock file, beside the real file.  A hard link is another name of the
 * same file: for it the writer also holds an OFD write lock on byte
 * TN_LOCK_BYTE of the store file itself (when it exists), far beyond
 * the bytes SQLite's unix VFS locks (PENDING_BYTE 0x40000000, RESERVED
 * and the 510 SHARED bytes after it; in WAL mode the rest are in -shm).
 * OFD and POSIX locks conflict only where their ranges overlap, so
 * SQLite never meets it; but closing any descriptor of a file drops the
 * process's POSIX locks on it (SQLite's), so the lock is released only
 * after SQLite's connections are closed.  Without OFD locks (F_SETLK,
 * which SQLite's own close would drop) hard links are not covered.  The
 * kernel drops the locks when the process dies, so a killed run never
 * blocks the next; the lock file is removed when the lock is released (a
 * taker re-checks that the file it locked is still the one at the path).
 *
 * Memory: nothing here allocates with the tournament's allocator except
 * tn_lock's path (freed by tn_lock_release); SQLite allocates its own.
 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "tn.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef F_OFD_SETLK
#define F_OFD_SETLK F_SETLK
#define TN_NO_OFD 1
#endif
/* the store file's byte the writer locks: beyond SQLite's lock bytes */
#define TN_LOCK_BYTE ((off_t)0x50000000)

#define TN_SUM_BASIS 0xcbf29ce484222325ULL
#define TN_SUM_K 0x9e3779b97f4a7c15ULL /* odd: multiplying by it is a bijection */

/* ------------------------------------------------------------ checksums */

static void tn_sum_word(uint64_t *h, uint64_t w)
{
    uint64_t x = (*h ^ w) * TN_SUM_K;
    *h = x ^ (x >> 32);
}

/* n bytes as words, little end first, the last one padded with zeros. */
static void tn_sum_bytes(uint64_t *h, const unsigned char *b, size_t n)
{
    for (; n >= 8; b += 8, n -= 8)
        tn_sum_word(h, (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
                           (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 |
                           (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56);
    if (n) {
        uint64_t w = 0;
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)b[i] << (8 * i);
        tn_sum_word(h, w);
    }
}

static void tn_sum_u64(uint64_t *h, char tag, uint64_t v)
{
    tn_sum_word(h, (uint64_t)(unsigned char)tag);
    tn_sum_word(h, v);
}

void tn_sum_init(uint64_t *h)
{
    *h = TN_SUM_BASIS;
}

void tn_sum_int(uint64_t *h, int64_t v)
{
    tn_sum_u64(h, 'i', (uint64_t)v);
}

void tn_sum_real(uint64_t *h, double x)
{
    uint64_t bits = 0;
    if (x != 0) /* -0 and 0 alike: SQLite may store either as integer 0 */
        memcpy(&bits, &x, sizeof bits);
    tn_sum_u64(h, 'r', bits);
}

void tn_sum_text(uint64_t *h, const char *s, size_t n)
{
    tn_sum_u64(h, 't', (uint64_t)n);
    tn_sum_bytes(h, (const unsigned char *)s, n);
}

void tn_sum_null(uint64_t *h)
{
    tn_sum_word(h, (uint64_t)'n');
}

/* The value of column c of q into the hash, by its type. */
static void tn_sum_column(uint64_t *h, sqlite3_stmt *q, int c)
{
    switch (sqlite3_column_type(q, c)) {
    case SQLITE_INTEGER: tn_sum_int(h, sqlite3_column_int64(q, c)); break;
    case SQLITE_FLOAT: tn_sum_real(h, sqlite3_column_double(q, c)); break;
    case SQLITE_NULL: tn_sum_null(h); break;
    default: { /* text, or a blob no store holds: hashed as its bytes */
        const unsigned char *t = sqlite3_column_text(q, c);
        tn_sum_text(h, t ? (const char *)t : "", (size_t)sqlite3_column_bytes(q, c));
        break;
    }
    }
}

int tn_schema_of(sqlite3 *db, const char *schema)
{
    char v[16];
    if (!tn_meta_get(db, schema, "schema", v, sizeof v))
        return 0;
    return atoi(v);
}

int tn_verify_sql(sqlite3 *db, const char *schema, char *sql, size_t n)
{
    char cols[96];
    snprintf(cols, sizeof cols, "SELECT checksum FROM %s.sessions LIMIT 0", schema);
    sqlite3_stmt *q = NULL;
    bool has_sum = sqlite3_prepare_v2(db, cols, -1, &q, NULL) == SQLITE_OK;
    sqlite3_finalize(q);
    return snprintf(sql, n,
                    "SELECT s.id, s.scenario, s.scenario_index, s.focal, s.opponent, s.rotation, "
                    "s.repetition, s.seed, s.parties, s.strategies, s.agreement, s.walked_away, "
                    "s.vetoed, s.outcome_id, s.outcome, s.rounds, s.t, s.utilities, s.welfare, "
                    "s.pareto_distance, s.nash_distance, %s, %s, "
                    "t.seat, t.party, t.strategy, t.utility "
                    "FROM %s.sessions s LEFT JOIN %s.seats t ON t.session = s.id "
                    "ORDER BY s.id, t.seat",
                    tn_has_timed_out(db, schema) ? "s.timed_out" : "0",
                    has_sum ? "s.checksum" : "NULL", schema, schema);
}

void tn_verify_init(tn_verify *v, bool legacy)
{
    memset(v, 0, sizeof *v);
    v->legacy = legacy;
}

/* Close the session in progress: compare its hash with its checksum. */
static void tn_verify_close(tn_verify *v)
{
    if (!v->open)
        return;
    v->open = false;
    v->sessions++;
    bool bad;
    if (!v->has_sum) {
        bad = !v->legacy; /* schema 3: a missing checksum is damage too */
        v->unverified += !bad;
    } else {
        bad = (uint64_t)v->want != v->h;
    }
    if (bad) {
        if (v->nbad < TN_VERIFY_LIST)
            v->bad[v->nbad] = v->cur;
        v->nbad++;
    }
}

void tn_verify_row(tn_verify *v, sqlite3_stmt *q)
{
    sqlite3_int64 id = sqlite3_column_int64(q, TN_COL_ID);
    if (!v->open || id != v->cur) {
        tn_verify_close(v);
        v->open = true;
        v->cur = id;
        tn_sum_init(&v->h);
        for (int c = TN_COL_ID; c < TN_COL_CHECKSUM; c++)
            tn_sum_column(&v->h, q, c);
        v->has_sum = sqlite3_column_type(q, TN_COL_CHECKSUM) == SQLITE_INTEGER;
        v->want = sqlite3_column_int64(q, TN_COL_CHECKSUM);
    }
    if (sqlite3_column_type(q, TN_COL_SEAT) != SQLITE_NULL)
        for (int c = TN_COL_SEAT; c <= TN_COL_UTILITY; c++)
            tn_sum_column(&v->h, q, c);
}

parley_status tn_verify_end(tn_verify *v, const char *path, parley_error *err)
{
    tn_verify_close(v);
    if (!v->nbad)
        return PARLEY_OK;
    char ids[TN_VERIFY_LIST * 24] = "", more[64] = "";
    size_t len = 0;
    const char *s = v->nbad > 1 ? "s" : "";
    for (size_t i = 0; i < v->nbad && i < TN_VERIFY_LIST; i++)
        len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%lld", i ? "," : "",
                                (long long)v->bad[i]);
    if (v->nbad > TN_VERIFY_LIST) {
        snprintf(more, sizeof more, " and %llu more",
                 (unsigned long long)(v->nbad - TN_VERIFY_LIST));
        return parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                            "the store is damaged: %llu of %llu sessions do not match the "
                            "checksum written with them (ids %s%s): their rows changed after "
                            "they were written, so nothing was used.  Restore the store from a "
                            "backup, or run the tournament again into a new store (--store "
                            "NEW.sqlite)",
                            (unsigned long long)v->nbad, (unsigned long long)v->sessions, ids,
                            more);
    }
    return parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                        "the store is damaged: %llu of %llu sessions do%s not match the "
                        "checksum written with them (id%s %s): their rows changed after they "
                        "were written, so nothing was used.  Re-run them: delete them with "
                        "sqlite3 '%s' \"DELETE FROM seats WHERE session IN (%s); DELETE FROM "
                        "sessions WHERE id IN (%s)\" and run the tournament again (it resumes "
                        "them); or restore the store from a backup",
                        (unsigned long long)v->nbad, (unsigned long long)v->sessions,
                        v->nbad > 1 ? "" : "es", s, ids, path, ids, ids);
}

parley_status tn_verify_all(sqlite3 *db, const char *schema, const char *path, parley_error *err)
{
    char sql[1024];
    tn_verify_sql(db, schema, sql, sizeof sql);
    tn_verify v;
    tn_verify_init(&v, tn_schema_of(db, schema) < 3);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return tn_db_fail(db, path, err, "not a tournament store");
    }
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        tn_verify_row(&v, q);
    sqlite3_finalize(q);
    if (rc != SQLITE_DONE)
        return tn_damaged(db, path, err);
    return tn_verify_end(&v, path, err);
}

/* Keep the hash of the session v has finished reading (when it has no
 * checksum) in temp.tn_sums; false on an SQLite error. */
static bool tn_sum_keep(sqlite3_stmt *ins, const tn_verify *v)
{
    if (!v->open || v->has_sum)
        return true;
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, v->cur);
    sqlite3_bind_int64(ins, 2, (sqlite3_int64)v->h);
    return sqlite3_step(ins) == SQLITE_DONE;
}

/* Compute the checksum of every session of schema main that has none
 * (rows of a schema-1 or -2 store being upgraded).  The hashes go to a
 * temporary table while sessions is read, and into sessions after: a
 * table is not changed under a statement reading it. */
parley_status tn_sum_missing(sqlite3 *db, const char *path, parley_error *err)
{
    char sql[1024];
    tn_verify_sql(db, "main", sql, sizeof sql);
    sqlite3_stmt *q = NULL, *ins = NULL;
    bool ok = sqlite3_exec(db,
                           "BEGIN; CREATE TEMP TABLE tn_sums(id INTEGER PRIMARY KEY, "
                           "sum INTEGER NOT NULL)",
                           NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT INTO temp.tn_sums VALUES (?1, ?2)", -1, &ins, NULL) ==
                  SQLITE_OK;
    tn_verify v;
    tn_verify_init(&v, true);
    int rc = SQLITE_DONE;
    /* the hash of a session is complete when the next one starts */
    while (ok && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (v.open && sqlite3_column_int64(q, TN_COL_ID) != v.cur)
            ok = tn_sum_keep(ins, &v);
        tn_verify_row(&v, q);
    }
    ok = ok && rc == SQLITE_DONE && tn_sum_keep(ins, &v);
    sqlite3_finalize(q);
    sqlite3_finalize(ins);
    ok = ok && sqlite3_exec(db,
                            "UPDATE main.sessions SET checksum = (SELECT sum FROM temp.tn_sums t "
                            "WHERE t.id = sessions.id) WHERE id IN (SELECT id FROM temp.tn_sums);"
                            "DROP TABLE temp.tn_sums; COMMIT",
                            NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        parley_status st = tn_db_fail(db, path, err, "cannot add checksums to the store");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    return PARLEY_OK;
}

/* ------------------------------------------------------------ quick_check */

parley_status tn_damaged(sqlite3 *db, const char *path, parley_error *err)
{
    char said[512]; /* SQLite repeats the damaged bytes (names of tables...) */
    return parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                        "the store is damaged: SQLite says: %s.  Its sessions cannot be trusted, "
                        "so nothing was used: restore the store from a backup, or run the "
                        "tournament again into a new store (--store NEW.sqlite)",
                        parleyx_utf8_escape(sqlite3_errmsg(db), said, sizeof said));
}

parley_status tn_quick_check(sqlite3 *db, const char *schema, const char *path, parley_error *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s.quick_check(4)", schema);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return tn_damaged(db, path, err);
    }
    char said[1024] = "";
    size_t len = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(q, 0);
        if (len < sizeof said)
            len += (size_t)snprintf(said + len, sizeof said - len, "%s%.300s", len ? "; " : "",
                                    t ? (const char *)t : "");
    }
    for (char *p = said; *p; p++) /* one line ("*** in database main ***\nPage 4: ...") */
        if (*p == '\n')
            *p = ' ';
    char clean[1024]; /* it repeats the damaged bytes (sqlite_autoindex_me\xf4a_1) */
    parleyx_utf8_escape(said, clean, sizeof clean);
    if (rc != SQLITE_DONE) {
        sqlite3_finalize(q);
        return tn_damaged(db, path, err);
    }
    sqlite3_finalize(q);
    if (strcmp(said, "ok") == 0)
        return PARLEY_OK;
    return parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                        "the store is damaged: SQLite's quick_check says: %s.  Its sessions "
                        "cannot be trusted, so nothing was used: restore the store from a "
                        "backup, or run the tournament again into a new store (--store "
                        "NEW.sqlite)",
                        clean);
}

parley_status tn_check_store(sqlite3 *db, const char *schema, const char *path, parley_error *err)
{
    parley_status st = tn_quick_check(db, schema, path, err);
    return st == PARLEY_OK ? tn_verify_all(db, schema, path, err) : st;
}

/* ------------------------------------------------------------ read-only */

/* The folder of path into dir ("." when it has none). */
static void tn_dir_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == path)
        snprintf(dir, n, "/");
    else
        snprintf(dir, n, "%.*s", (int)(slash - path), path);
}

bool tn_writable(const char *path, int *why)
{
    char dir[TN_PATH_MAX];
    tn_dir_of(path, dir, sizeof dir);
    if (access(dir, W_OK | X_OK) != 0 || (access(path, W_OK) != 0 && errno != ENOENT)) {
        *why = errno;
        return false;
    }
    return true;
}

parley_status tn_readonly_fail(const char *path, int why, const char *doing, parley_error *err)
{
    char dir[TN_PATH_MAX], what[TN_PATH_MAX + 64];
    tn_dir_of(path, dir, sizeof dir);
    if (access(dir, W_OK | X_OK) != 0)
        snprintf(what, sizeof what, "its folder '%s' is read-only", dir);
    else
        snprintf(what, sizeof what, "the store file is read-only");
    return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                        "%s (%s), and %s writes the store and, beside it, its journal (-wal, "
                        "-shm) and lock (.lock); make them writable (chmod u+w), or copy the "
                        "store to a writable folder and name that (--store, or the merge's "
                        "output); nothing was done",
                        what, strerror(why), doing);
}

bool tn_uri(const char *path, const char *query, char *uri, size_t n)
{
    size_t k = (size_t)snprintf(uri, n, path[0] == '/' ? "file://" : "file:");
    for (const char *p = path; *p; p++) {
        if (k + 4 >= n)
            return false;
        if (*p == '%' || *p == '?' || *p == '#')
            k += (size_t)snprintf(uri + k, n - k, "%%%02X", (unsigned char)*p);
        else
            uri[k++] = *p;
    }
    return (size_t)snprintf(uri + k, n - k, "%s", query) < n - k;
}

const char *tn_readonly_query(const char *path)
{
    char wal[TN_PATH_MAX + 8];
    struct stat wst;
    snprintf(wal, sizeof wal, "%s-wal", path);
    bool journal = stat(wal, &wst) == 0 && wst.st_size > 0;
    return journal ? "?mode=ro" : "?mode=ro&immutable=1";
}

parley_status tn_open_readonly(const char *path, sqlite3 **out, parley_error *err)
{
    /* Without a -wal (or only an empty one), the database file is the
     * whole store and, as nothing can write it here, it is opened
     * immutable: SQLite then creates no -shm or -wal beside it.  With
     * one, SQLite's read-only WAL mode reads it (it needs the -shm). */
    char wal[TN_PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", path);
    const char *query = tn_readonly_query(path);
    bool journal = strcmp(query, "?mode=ro") == 0;
    char uri[3 * TN_PATH_MAX];
    *out = NULL;
    if (!tn_uri(path, query, uri, sizeof uri))
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "the store path is too long");
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        parley_status st = tn_db_fail(db, path, err, "cannot open the store read-only");
        sqlite3_close(db);
        return st;
    }
    char v[8];
    if (journal && !tn_meta_get(db, "main", "schema", v, sizeof v)) {
        sqlite3_close(db);
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                            "the store is read-only and has results not yet folded into it "
                            "(%s), which SQLite cannot read without writing beside it; make "
                            "its folder writable, or copy the store with its -wal to a "
                            "writable folder",
                            wal);
    }
    *out = db;
    return PARLEY_OK;
}

/* ------------------------------------------------------------ the lock */

/* What the lock file says about its holder into buf ("" if nothing). */
static void tn_lock_holder(int fd, char *buf, size_t n)
{
    char raw[256];
    ssize_t got = pread(fd, raw, sizeof raw - 1, 0);
    raw[got > 0 ? got : 0] = '\0';
    long pid = 0;
    char started[64] = "";
    if (sscanf(raw, "pid %ld started %63[^\n]", &pid, started) >= 1 && pid > 0)
        snprintf(buf, n, "process %ld%s%s%s", pid, started[0] ? " (started " : "", started,
                 started[0] ? ")" : "");
    else
        snprintf(buf, n, "another process");
}

/* Write who holds the lock: "pid N started YYYY-MM-DD HH:MM:SS UTC". */
static void tn_lock_sign(int fd)
{
    time_t now = time(NULL);
    struct tm tm;
    char when[40] = "";
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    char buf[128];
    int n = snprintf(buf, sizeof buf, "pid %ld started %s\n", (long)getpid(), when);
    if (ftruncate(fd, 0) == 0 && n > 0 && pwrite(fd, buf, (size_t)n, 0) < 0)
        return; /* only a courtesy to whoever is refused */
}

/* The store's path resolved into key (TN_PATH_MAX bytes): realpath of
 * the store; when it does not exist, the target of a dangling symbolic
 * link (which SQLite would create), then realpath of its folder and its
 * name.  The path as given when that fails (its folder is checked
 * before: tn_store_path_check). */
static void tn_lock_key(const char *store, char *key)
{
    char p[PATH_MAX], buf[PATH_MAX], dir[TN_PATH_MAX];
    snprintf(p, sizeof p, "%s", store);
    if (realpath(p, buf)) {
        snprintf(key, TN_PATH_MAX, "%s", buf);
        return;
    }
    struct stat ls;
    for (int hops = 0; hops < 40 && lstat(p, &ls) == 0 && S_ISLNK(ls.st_mode); hops++) {
        ssize_t n = readlink(p, buf, sizeof buf - 1);
        if (n <= 0)
            break;
        buf[n] = '\0';
        tn_dir_of(p, dir, sizeof dir);
        char next[PATH_MAX];
        if ((size_t)snprintf(next, sizeof next, "%s/%s", buf[0] == '/' ? "" : dir, buf) >=
            sizeof next)
            break;
        memcpy(p, buf[0] == '/' ? buf : next, sizeof p);
    }
    const char *slash = strrchr(p, '/');
    tn_dir_of(p, dir, sizeof dir);
    if (!realpath(dir, buf)) {
        snprintf(key, TN_PATH_MAX, "%s", store);
        return;
    }
    const char *name = slash ? slash + 1 : p;
    if ((size_t)snprintf(key, TN_PATH_MAX, "%s/%s", strcmp(buf, "/") ? buf : "", name) >=
        TN_PATH_MAX)
        snprintf(key, TN_PATH_MAX, "%s", store);
}

/* The write lock on TN_LOCK_BYTE of the store file (a writer that names
 * it by a hard link); lk->store_fd stays -1 when OFD locks do not exist.
 * An absent store is created empty (an empty file is an empty SQLite
 * database), so that a hard link made to it meets the lock; release
 * removes it again if it is still empty. */
static parley_status tn_lock_store(const char *store, const char *doing, tn_lock *lk,
                                   parley_error *err)
{
#ifdef TN_NO_OFD
    (void)store, (void)doing, (void)lk, (void)err;
    return PARLEY_OK;
#else
    int fd = open(store, O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = open(store, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        lk->created = fd >= 0;
    }
    if (fd < 0) {
        if (errno == EACCES || errno == EROFS || errno == EPERM)
            return tn_readonly_fail(store, errno, doing, err);
        return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0, "cannot open the store: %s",
                            strerror(errno));
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = TN_LOCK_BYTE;
    fl.l_len = 1;
    lk->store_fd = fd;
    if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        int e = errno;
        if (e != EAGAIN && e != EACCES)
            return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0, "cannot lock the store: %s",
                                strerror(e));
        return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0,
                            "the store is in use by another process, which writes this file "
                            "under another name (a hard link); wait for it to finish, stop "
                            "it, or use another store (--store); nothing was done");
    }
    return PARLEY_OK;
#endif
}

parley_status tn_lock_take(const char *store, const char *doing, const parley_allocator *a,
                           tn_lock *lk, parley_error *err)
{
    lk->fd = lk->store_fd = -1;
    lk->created = false;
    lk->path = NULL;
    lk->store = store;
    char key[TN_PATH_MAX], path[TN_PATH_MAX + 8];
    tn_lock_key(store, key);
    if ((size_t)snprintf(path, sizeof path, "%s.lock", key) >= sizeof path)
        return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0, "the store path is too long");
    for (int attempt = 0; attempt < 8; attempt++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EACCES || errno == EROFS || errno == EPERM)
                return tn_readonly_fail(store, errno, doing, err);
            return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0,
                                "cannot create the store's lock file %s: %s", path,
                                strerror(errno));
        }
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
            int e = errno;
            char who[160];
            tn_lock_holder(fd, who, sizeof who);
            close(fd);
            if (e != EAGAIN && e != EACCES)
                return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0,
                                    "cannot lock the store (%s): %s", path, strerror(e));
            return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0,
                                "the store is in use by %s, which writes it (its lock: %s); "
                                "wait for it to finish, stop it, or use another store "
                                "(--store); nothing was done",
                                who, path);
        }
        /* the holder before us may have removed the file we opened */
        struct stat fs, ps;
        if (fstat(fd, &fs) != 0 || stat(path, &ps) != 0 || fs.st_dev != ps.st_dev ||
            fs.st_ino != ps.st_ino) {
            close(fd);
            continue;
        }
        lk->path = parleyx_strdup(a, path);
        if (!lk->path) {
            close(fd);
            return parleyx_fail(err, PARLEY_ERR_NOMEM, store, 0, 0, "out of memory");
        }
        lk->fd = fd;
        parley_status st = tn_lock_store(store, doing, lk, err);
        if (st != PARLEY_OK) {
            tn_lock_release(lk, a);
            return st;
        }
        tn_lock_sign(fd);
        return PARLEY_OK;
    }
    return parleyx_fail(err, PARLEY_ERR_IO, store, 0, 0,
                        "cannot lock the store: its lock file %s keeps changing", path);
}

void tn_lock_release(tn_lock *lk, const parley_allocator *a)
{
    if (lk->fd >= 0) {
        struct stat fs, ps;
        if (lk->created && fstat(lk->store_fd, &fs) == 0 && stat(lk->store, &ps) == 0 &&
            fs.st_dev == ps.st_dev && fs.st_ino == ps.st_ino && ps.st_size == 0)
            unlink(lk->store); /* made by tn_lock_store, and nothing was written */
        if (lk->store_fd >= 0)
            close(lk->store_fd); /* after SQLite's connections: see above */
        unlink(lk->path); /* while still holding it: see tn_lock_take */
        close(lk->fd);
    }
    parleyx_strfree(a, lk->path);
    lk->fd = lk->store_fd = -1;
    lk->path = NULL;
}

void tn_journal_recover(const char *path)
{
    /* A -shm (or an empty -wal) that this process cannot write, left by
     * a read-only attempt (SQLite gives them the database file's mode),
     * would make the store read-only to every later run.  The -shm is
     * only an index of the -wal that SQLite rebuilds; the caller holds
     * the lock, so no other run uses them. */
    static const char *const ext[] = {"-shm", "-wal"};
    for (size_t i = 0; i < 2; i++) {
        char p[TN_PATH_MAX + 8];
        struct stat st;
        snprintf(p, sizeof p, "%s%s", path, ext[i]);
        if (stat(p, &st) == 0 && access(p, W_OK) != 0 && (i == 0 || st.st_size == 0))
            unlink(p);
    }
}
