/*
 * bench_tournament.c -- sessions per second of a tournament on the shared
 * ANAC bilateral domains, with 1 and 2 threads, and with 2 MPI ranks when
 * parley-mpi is built (beside this program, or --mpi PATH) and mpirun is
 * on the PATH: `mpirun -n 2 parley-mpi tournament`, timed from outside, so
 * that figure includes starting the job and loading on every rank.
 *
 *   bench_tournament [--sessions N] [--rounds R] [--threads LIST]
 *                    [--strategies a,b,...] [--domains a,b,...] [--mpi PARLEY_MPI]
 *                    [--checks]
 *
 * It writes a configuration into a temporary folder (scenarios by absolute
 * path into PARLEY_SHARED_DATA/genius), with as many repetitions as needed
 * for at least N sessions (default 10000), then runs the whole tournament
 * once per thread count into a fresh store and prints the wall time (store
 * writes included, loading excluded) and sessions per second.  Loading the
 * scenarios (and their analyses) is timed separately.
 *
 * --checks: then, on the store of the last run, the cost of the damage
 * checks (docs/tournament.md, "Damage"): SQLite's quick_check alone,
 * opening the complete store as a resume does (lock, quick_check, every
 * session's checksum), and ranking it (quick_check, checksums checked in
 * the ranking's own pass); best of 3 each.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "parley/parley.h"
#include "parley/tournament.h"
#include "bench_util.h"

static const char *default_domains =
    "anac2010_ItexvsCypress,anac2010_Travel,anac2011_Camera,anac2011_Grocery,anac2011_NiceOrDie,"
    "anac2012_EnergySmallA,anac2012_FiftyFiftyA,anac2012_FlightBookingA,anac2013_Wholesaler";
/* nice-tit-for-tat is left out by default: its turn scans every outcome
 * (its Nash-point estimate), about 4 s a session on anac2010_Travel's
 * 188,160 outcomes; add it with --strategies to measure it. */
static const char *default_strategies =
    "boulware,linear,conceder,time-dependent:e=0.5,micro,frequency-nash,tit-for-tat";

static size_t count_list(const char *s)
{
    size_t n = 1;
    for (; *s; s++)
        n += *s == ',';
    return n;
}

typedef struct bench_args {
    unsigned long sessions, rounds;
    const char *mpi, *threads, *strategies, *domains;
    bool checks;
} bench_args;

/* The command line into *b; false (after the usage line) when it is off. */
static bool parse_args(int argc, char **argv, bench_args *b)
{
    *b = (bench_args){10000, 200, NULL, "1,2", default_strategies, default_domains, false};
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--sessions") == 0)
            b->sessions = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--rounds") == 0)
            b->rounds = strtoul(argv[++i], NULL, 10);
        else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0)
            b->threads = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--strategies") == 0)
            b->strategies = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--mpi") == 0)
            b->mpi = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--domains") == 0)
            b->domains = argv[++i];
        else if (strcmp(argv[i], "--checks") == 0)
            b->checks = true;
        else {
            fprintf(stderr, "usage: bench_tournament [--sessions N] [--rounds R] [--threads 1,2] "
                            "[--strategies a,b] [--domains a,b] [--checks]\n");
            return false;
        }
    }
    return true;
}

/* Write the configuration cfg: every domain and strategy, as many
 * repetitions as reach the sessions asked for (returned in *reps). */
static bool write_config(const bench_args *b, const char *cfg, unsigned long *reps)
{
    size_t nd = count_list(b->domains), ns = count_list(b->strategies);
    unsigned long per = (unsigned long)(ns * ns * 2 * nd);
    *reps = (b->sessions + per - 1) / per;
    FILE *f = fopen(cfg, "w");
    if (!f) {
        perror(cfg);
        return false;
    }
    fprintf(f, "parley-tournament: 1\nseed: 1\nprotocol: alternating\nrounds: %lu\n", b->rounds);
    fprintf(f, "repetitions: %lu\nscenarios:\n", *reps);
    char *dl = strdup(b->domains);
    for (char *p = strtok(dl, ","); p; p = strtok(NULL, ","))
        fprintf(f, "  - %s/genius/%s\n", PARLEY_SHARED_DATA, p);
    free(dl);
    fprintf(f, "strategies:\n");
    char *sl = strdup(b->strategies);
    for (char *p = strtok(sl, ","); p; p = strtok(NULL, ","))
        fprintf(f, "  - \"%s\"\n", p);
    free(sl);
    return fclose(f) == 0;
}

/* One run of the whole tournament per thread count, each into a fresh
 * store in dir; a table row each.  Returns an exit status. */
static int run_threads(parley_tournament *t, const char *threads, const char *dir)
{
    printf("| threads | sessions | wall s | sessions/s |\n|---:|---:|---:|---:|\n");
    char *tl = strdup(threads);
    int rc = 0;
    for (char *p = strtok(tl, ","); p; p = strtok(NULL, ",")) {
        unsigned th = (unsigned)strtoul(p, NULL, 10);
        char st[600];
        snprintf(st, sizeof st, "%s/t%u.sqlite", dir, th);
        parley_tournament_run_options o;
        memset(&o, 0, sizeof o);
        o.threads = th;
        parley_tournament_run_stats rs;
        parley_error err;
        parley_error_clear(&err);
        double a = bench_now();
        if (parley_tournament_run(t, st, &o, &rs, &err) != PARLEY_OK) {
            fprintf(stderr, "bench_tournament: %s\n", err.message);
            rc = 3;
            break;
        }
        double w = bench_now() - a;
        printf("| %u | %llu | %.2f | %.0f |\n", th, (unsigned long long)rs.ran, w,
               (double)rs.ran / w);
        fflush(stdout);
    }
    free(tl);
    return rc;
}

/* Check k on the complete store st: 0 quick_check alone, 1 opening it
 * for a resume, 2 ranking it.  false on failure (err says why). */
static bool one_check(int k, parley_tournament *t, const char *st, parley_error *err)
{
    bool ok;
    if (k == 0) {
        sqlite3 *db = NULL;
        ok = sqlite3_open_v2(st, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
             sqlite3_exec(db, "PRAGMA quick_check", NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_close(db);
    } else if (k == 1) {
        parley_tournament_store *s = NULL;
        ok = parley_tournament_store_open(t, st, &s, err) == PARLEY_OK;
        parley_tournament_store_close(s, NULL);
    } else {
        parley_tournament_ranking *r = NULL;
        ok = parley_tournament_rank(st, NULL, &r, err) == PARLEY_OK;
        parley_tournament_ranking_free(r);
    }
    return ok;
}

/* The best of 3 of each check on the complete store st (see the top),
 * wall and CPU time (the CPU time does not grow when other jobs share the
 * machine); returns an exit status. */
static int run_checks(parley_tournament *t, const char *st)
{
    double wall[3] = {1e9, 1e9, 1e9}, cpu[3] = {1e9, 1e9, 1e9};
    for (int rep = 0; rep < 3; rep++)
        for (int k = 0; k < 3; k++) {
            parley_error err;
            parley_error_clear(&err);
            double a = bench_now();
            clock_t c = clock();
            if (!one_check(k, t, st, &err)) {
                fprintf(stderr, "bench_tournament: check %d: %s\n", k, err.message);
                return 3;
            }
            double w = bench_now() - a, u = (double)(clock() - c) / CLOCKS_PER_SEC;
            wall[k] = w < wall[k] ? w : wall[k];
            cpu[k] = u < cpu[k] ? u : cpu[k];
        }
    printf("\n| %llu sessions, best of 3 | quick_check alone | open for resume | rank |\n"
           "|---|---:|---:|---:|\n| wall s | %.3f | %.3f | %.3f |\n"
           "| CPU s | %.3f | %.3f | %.3f |\n",
           (unsigned long long)parley_tournament_session_count(t), wall[0], wall[1], wall[2],
           cpu[0], cpu[1], cpu[2]);
    return 0;
}

/* 2 MPI ranks, timed from outside: parley-mpi beside this program unless
 * --mpi says where. */
static void run_mpi(const char *mpi, const char *argv0, const char *cfg, const char *dir,
                    unsigned long long total)
{
    char mpath[1024];
    if (!mpi) {
        snprintf(mpath, sizeof mpath, "%s", argv0);
        char *sl = strrchr(mpath, '/');
        if (sl)
            snprintf(sl + 1, sizeof mpath - (size_t)(sl + 1 - mpath), "parley-mpi");
        else
            snprintf(mpath, sizeof mpath, "./parley-mpi");
        mpi = mpath;
    }
    if (access(mpi, X_OK) != 0 || system("command -v mpirun >/dev/null 2>&1") != 0) {
        printf("(2 MPI ranks: skipped, no parley-mpi at %s or no mpirun)\n", mpi);
        return;
    }
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun "
             "--allow-run-as-root --oversubscribe -n 2 '%s' tournament '%s' --store "
             "'%s/mpi.sqlite' --quiet",
             mpi, cfg, dir);
    double a = bench_now();
    int r = system(cmd);
    double w = bench_now() - a;
    if (r == 0)
        printf("| 2 MPI ranks (1 worker + rank 0 writing; job start and loading included) "
               "| %llu | %.2f | %.0f |\n",
               total, w, (double)total / w);
    else
        printf("2 MPI ranks: mpirun failed (status %d)\n", r);
}

int main(int argc, char **argv)
{
    bench_args b;
    if (!parse_args(argc, argv, &b))
        return 2;
    char probe[1024];
    snprintf(probe, sizeof probe, "%s/genius/anac2011_Camera", PARLEY_SHARED_DATA);
    if (access(probe, R_OK) != 0) {
        printf("SKIP: shared data missing (%s)\n", probe);
        return 0;
    }
    char dir[] = "/tmp/parley-bench-tn-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 3;
    }
    char cfg[512];
    snprintf(cfg, sizeof cfg, "%s/bench.yaml", dir);
    unsigned long reps;
    if (!write_config(&b, cfg, &reps))
        return 3;
    double t0 = bench_now();
    parley_tournament *t = NULL;
    parley_error err;
    parley_error_clear(&err);
    if (parley_tournament_load(cfg, NULL, &t, &err) != PARLEY_OK) {
        char m[1600];
        parley_error_format(&err, m, sizeof m);
        fprintf(stderr, "bench_tournament: %s\n", m);
        return 3;
    }
    double tl = bench_now() - t0;
    unsigned long long total = (unsigned long long)parley_tournament_session_count(t);
    printf("tournament: %zu domains x %zu strategies, %lu repetitions, %lu rounds: %llu sessions "
           "(loading %.2f s)\n",
           count_list(b.domains), count_list(b.strategies), reps, b.rounds, total, tl);
    int rc = run_threads(t, b.threads, dir);
    if (rc == 0 && b.checks) {
        const char *last = strrchr(b.threads, ',');
        char st[600];
        snprintf(st, sizeof st, "%s/t%lu.sqlite", dir,
                 strtoul(last ? last + 1 : b.threads, NULL, 10));
        rc = run_checks(t, st);
    } else if (rc == 0) {
        run_mpi(b.mpi, argv[0], cfg, dir, total);
    }
    parley_tournament_free(t);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 3;
    return rc;
}
