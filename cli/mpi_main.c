/*
 * mpi_main.c -- `parley-mpi tournament CONFIG.yaml`: a tournament spread
 * over the ranks of an MPI job (OpenMPI), e.g.
 *
 *     mpirun -n 8 --hostfile hosts parley-mpi tournament CONFIG.yaml
 *
 * This file is the parley-mpi program's main; it is built only when CMake
 * finds MPI, with cmd_tournament.c and the CLI's shared pieces (it is not
 * part of the parley program nor of the library).  Like every CLI file it
 * uses only the public API and the parleyx_ helpers.
 *
 * Every rank loads the configuration and its scenarios (the files must be
 * readable at the same paths on every machine).  Rank 0 alone opens the
 * store, lists the sessions still to run (resume, --shard) and hands them
 * out in chunks of TN_CHUNK ids to the other ranks as they ask; each of
 * those runs its chunk with one parley_tournament_worker and sends back the
 * records, which rank 0 writes in batches.  Dynamic hand-out balances slow
 * and fast sessions.  Records travel as raw bytes: every rank must run the
 * same build of parley on the same kind of machine (one architecture).
 *
 * Results equal a single-process run's, row for row: a record depends
 * only on the configuration and the session id.  With one rank, rank 0
 * runs the tournament itself on threads (parley_tournament_run).
 *
 * After the run, rank 0 prints the rankings through cmd_tournament's
 * `rank` subcommand (text, --json, --csv FILE).  Exit status as
 * `parley tournament`.
 *
 * Errors: a worker that fails prints its error and aborts the job
 * (MPI_Abort); what rank 0 has committed stays in the store and the next
 * run resumes from there.
 *
 * Memory: the tournament, the worker and the chunk buffers are freed
 * before MPI_Finalize.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "parley/tournament.h"

int main(int argc, char **argv);

#define TN_CHUNK 32
enum { TAG_RESULT = 1, TAG_WORK = 2 };

static int usage(int rank, const char *msg)
{
    if (rank == 0)
        fprintf(stderr,
                "parley-mpi: %s\nUsage: mpirun -n R parley-mpi tournament CONFIG.yaml "
                "[--store FILE] [--shard K/N] [--threads N] [--json] [--csv FILE] [--quiet]\n",
                msg);
    return 2;
}

/* Rank 0: hand out ids, store records.  Returns a parley_status. */
static parley_status coordinator(const parley_tournament *t, const char *store, unsigned k,
                                 unsigned n, int size, bool progress, parley_error *err)
{
    parley_tournament_store *s = NULL;
    parley_status st = parley_tournament_store_open(t, store, &s, err);
    uint64_t *ids = NULL;
    size_t nids = 0, next = 0;
    if (st == PARLEY_OK)
        st = parley_tournament_store_todo(s, k, n, &ids, &nids, err);
    parley_tournament_record *buf = malloc(TN_CHUNK * sizeof *buf);
    if (!buf && st == PARLEY_OK)
        st = PARLEY_ERR_NOMEM;
    int active = size - 1;
    size_t done = 0;
    while (active > 0) {
        MPI_Status ms;
        int bytes = 0;
        MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &ms);
        MPI_Get_count(&ms, MPI_BYTE, &bytes);
        int src = ms.MPI_SOURCE;
        MPI_Recv(buf, bytes, MPI_BYTE, src, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        size_t got = (size_t)bytes / sizeof *buf;
        for (size_t i = 0; i < got && st == PARLEY_OK; i++)
            st = parley_tournament_store_put(s, &buf[i], err);
        done += got;
        if (progress && nids) {
            fprintf(stderr, "\r%zu/%zu sessions (%d ranks)   ", done, nids, size);
            fflush(stderr);
        }
        /* after a store error: hand out nothing more, let the workers end */
        uint64_t chunk[TN_CHUNK];
        int c = 0;
        if (st == PARLEY_OK)
            while (c < TN_CHUNK && next < nids)
                chunk[c++] = ids[next++];
        MPI_Send(chunk, c, MPI_UINT64_T, src, TAG_WORK, MPI_COMM_WORLD);
        if (c == 0)
            active--;
    }
    if (progress && nids)
        fprintf(stderr, "\n");
    parley_status cst = parley_tournament_store_close(s, st == PARLEY_OK ? err : NULL);
    if (st == PARLEY_OK)
        st = cst;
    free(buf);
    parley_tournament_ids_free(t, ids, nids);
    return st;
}


/* Other ranks: ask for work (sending the last chunk's records), run it. */
static int worker(const parley_tournament *t, int rank)
{
    parley_tournament_worker *w = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_tournament_record *buf = malloc(TN_CHUNK * sizeof *buf);
    if (!buf || parley_tournament_worker_new(t, &w, &err) != PARLEY_OK) {
        fprintf(stderr, "parley-mpi: rank %d: out of memory\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 3);
        return 3;
    }
    int have = 0;
    for (;;) {
        MPI_Send(buf, have * (int)sizeof *buf, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        uint64_t chunk[TN_CHUNK];
        MPI_Status ms;
        int c = 0;
        MPI_Recv(chunk, TN_CHUNK, MPI_UINT64_T, 0, TAG_WORK, MPI_COMM_WORLD, &ms);
        MPI_Get_count(&ms, MPI_UINT64_T, &c);
        if (c <= 0)
            break;
        for (int i = 0; i < c; i++)
            if (parley_tournament_run_session(w, chunk[i], &buf[i], &err) != PARLEY_OK) {
                char m[1600];
                parley_error_format(&err, m, sizeof m);
                fprintf(stderr, "parley-mpi: rank %d: session %llu: %s\n", rank,
                        (unsigned long long)chunk[i], m);
                MPI_Abort(MPI_COMM_WORLD, 3);
                return 3;
            }
        have = c;
    }
    parley_tournament_worker_free(w);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *config = NULL, *store = NULL;
    unsigned k = 0, n = 0, threads = 0;
    bool quiet = false, json = false;
    char **rank_argv = calloc((size_t)argc + 4, sizeof *rank_argv);
    int rank_argc = 0, rc = 0;
    static char s_tournament[] = "tournament", s_rank[] = "rank";
    if (!rank_argv) {
        MPI_Finalize();
        return 3;
    }
    rank_argv[rank_argc++] = s_tournament;
    rank_argv[rank_argc++] = s_rank;
    rank_argc++; /* the store, below */
    if (argc < 2 || strcmp(argv[1], "tournament") != 0) {
        rc = usage(rank, "the only command is 'tournament'");
        goto out;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = quiet || strcmp(a, "--quiet") == 0;
            json = json || strcmp(a, "--json") == 0;
            rank_argv[rank_argc++] = argv[i];
        } else if (i + 1 < argc && strcmp(a, "--csv") == 0) {
            rank_argv[rank_argc++] = argv[i];
            rank_argv[rank_argc++] = argv[++i];
        } else if (i + 1 < argc && strcmp(a, "--store") == 0) {
            store = argv[++i];
        } else if (i + 1 < argc && strcmp(a, "--threads") == 0) {
            int64_t t;
            if (!parleyx_parse_int64(argv[++i], &t) || t < 1 || t > 1024) {
                rc = usage(rank, "--threads expects a whole number from 1 to 1024");
                goto out;
            }
            threads = (unsigned)t;
        } else if (i + 1 < argc && strcmp(a, "--shard") == 0) {
            if (!cli_shard_parse(argv[++i], &k, &n)) {
                rc = usage(rank, "--shard expects K/N with 1 <= K <= N <= 4294967295");
                goto out;
            }
        } else if (a[0] == '-') {
            rc = usage(rank, "unknown option");
            goto out;
        } else if (!config) {
            config = a;
        } else {
            rc = usage(rank, "one configuration at a time");
            goto out;
        }
    }
    if (!config) {
        rc = usage(rank, "no configuration given");
        goto out;
    }
    parley_tournament *t = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_tournament_load(config, NULL, &t, &err);
    int ok = st == PARLEY_OK, all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all) {
        if (st != PARLEY_OK && rank == 0) {
            char m[1600];
            parley_error_format(&err, m, sizeof m);
            fprintf(stderr, "%s: error: %s\n", "parley-mpi", m);
        }
        parley_tournament_free(t);
        rc = st == PARLEY_ERR_NOMEM || st == PARLEY_ERR_INTERNAL ? 3 : 2;
        goto out;
    }
    if (!store)
        store = parley_tournament_default_store(t);
    if (size == 1) {
        parley_tournament_run_options o;
        memset(&o, 0, sizeof o);
        o.threads = threads;
        o.shard_k = k;
        o.shard_n = n;
        st = parley_tournament_run(t, store, &o, NULL, &err);
    } else if (rank == 0) {
        st = coordinator(t, store, k, n, size, !quiet && isatty(2), &err);
    } else {
        rc = worker(t, rank);
    }
    if (rank == 0) {
        if (st != PARLEY_OK) {
            char m[1600];
            parley_error_format(&err, m, sizeof m);
            fprintf(stderr, "parley-mpi: error: %s\n", m);
            rc = st == PARLEY_ERR_NOMEM || st == PARLEY_ERR_INTERNAL ? 3 : 2;
        } else {
            if (!quiet && !json)
                printf("Tournament on %d rank(s): %llu sessions.\n", size,
                       (unsigned long long)parley_tournament_session_count(t));
            fflush(stdout);
            rank_argv[2] = (char *)(uintptr_t)store;
            rc = cmd_tournament(rank_argc, rank_argv);
        }
    }
    parley_tournament_free(t);
out:
    free(rank_argv);
    MPI_Finalize();
    return rc;
}
