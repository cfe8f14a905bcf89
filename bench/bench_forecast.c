/*
 * bench_forecast.c -- how fast and how lean is parley_forecast_run()?
 *
 * For KTAB's scaling inputs (../shared/data/ktab: dummyData_3Dim 7 x 3,
 * dummyData-a040/a080/a160: 40, 80, 160 actors x 1 dimension) it runs the
 * SMP in KTAB's deterministic configuration in a child process of its own
 * and prints actors, dimensions, states, the wall time of the run (best of
 * R, reading excluded) and the child's peak resident memory (getrusage
 * ru_maxrss: the whole process).  KTAB on the same machine: 3Dim 0.08 s,
 * a040 21 s, a080 more than 300 s (see ../shared/research/smp-bdm.md).
 *
 * Usage: bench_forecast [--threads N] [--repeat R]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parley/forecast.h"
#include "bench_util.h"

typedef struct row {
    int ok;
    size_t actors, dims, states;
    int converged;
    double wall;
    long maxrss_kb;
    char msg[200];
} row;

static void run_one(const char *path, unsigned threads, int repeat, row *out)
{
    memset(out, 0, sizeof *out);
    parley_forecast_input *in = NULL;
    parley_error err;
    if (parley_ktab_read_csv(path, NULL, &in, &err) != PARLEY_OK) {
        snprintf(out->msg, sizeof out->msg, "%.150s", err.message);
        return;
    }
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    o.threads = threads;
    out->wall = 1e300;
    for (int k = 0; k < repeat; k++) {
        parley_forecast_result *r = NULL;
        double t0 = bench_now();
        parley_status st = parley_forecast_run(in, &o, &r, &err);
        double t = bench_now() - t0;
        if (st != PARLEY_OK) {
            snprintf(out->msg, sizeof out->msg, "%.150s", err.message);
            parley_forecast_input_free(in);
            return;
        }
        if (t < out->wall)
            out->wall = t;
        out->states = parley_forecast_result_states(r);
        out->converged = parley_forecast_result_converged(r);
        parley_forecast_result_free(r);
    }
    out->actors = parley_forecast_actor_count(in);
    out->dims = parley_forecast_dim_count(in);
    out->ok = 1;
    parley_forecast_input_free(in);
    out->maxrss_kb = bench_peak_kib();
}

typedef struct job {
    const char *path;
    unsigned threads;
    int repeat;
} job;

/* The child's part (bench_in_child). */
static void job_child(void *arg, void *rec)
{
    const job *j = arg;
    run_one(j->path, j->threads, j->repeat, rec);
}

int main(int argc, char **argv)
{
    unsigned threads = 1;
    int repeat = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_forecast [--threads N] [--repeat R]\n");
            return 2;
        }
    }
    if (repeat < 1)
        repeat = 1;
    static const char *const files[] = {"dummyData_3Dim.csv", "dummyData-a040.csv",
                                        "dummyData-a080.csv", "dummyData-a160.csv"};
    printf("SMP (KTAB deterministic configuration), %u thread%s, best of %d\n", threads,
           threads == 1 ? "" : "s", repeat);
    printf("%-22s %7s %5s %7s %10s %10s %12s\n", "input", "actors", "dims", "states",
           "converged", "wall (s)", "peak RSS (KB)");
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/ktab/%s", PARLEY_SHARED_DATA, files[f]);
        if (access(path, R_OK) != 0) {
            printf("%-22s (shared data missing: %s)\n", files[f], path);
            continue;
        }
        job j = {path, threads, repeat};
        row r;
        int got = bench_in_child(job_child, &j, &r, sizeof r);
        if (got < 0)
            return 3;
        if (!got || !r.ok) {
            printf("%-22s failed: %s\n", files[f], r.msg);
            continue;
        }
        printf("%-22s %7zu %5zu %7zu %10s %10.3f %12ld\n", files[f], r.actors, r.dims, r.states,
               r.converged ? "yes" : "no", r.wall, r.maxrss_kb);
    }
    return 0;
}
