/*
 * bench_robust.c -- how fast is parley_robust_run()?  (issue 17)
 *
 *  1. The uncertain Abu Dhabi example (810 outcomes, 12 uncertain inputs):
 *     100,000 sampled worlds on 1 thread and on 2 threads; wall time and
 *     the process's CPU time (the machine may be shared: CPU time on one
 *     thread is what one core costs), and the speed-up of 2 threads.
 *  2. genius_7issues from the shared data (10^7 outcomes, two parties)
 *     with both reservation values uncertain ({between: [0.45, 0.6]} and
 *     {normal: [0.5, 0.05], between: [0.45, 0.6]}): the exact robust and
 *     possible sets alone, then 1,000 sampled worlds on 2 threads.
 *
 * Usage (from the source tree): bench_robust [--example FILE] [--worlds N]
 *        [--big-worlds N] [--no-big]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "parley/parley.h"
#include "bench_util.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int run(const parley_scenario *sc, uint64_t worlds, unsigned threads, bool exact_only,
               double *wall, double *cpu, parley_robust **out)
{
    parley_robust_options opt;
    parley_robust_options_init(&opt);
    opt.samples = worlds;
    opt.threads = threads;
    opt.seed = 1;
    opt.no_samples = exact_only;
    parley_error err;
    double w0 = bench_now(), c0 = cpu_now();
    parley_status st = parley_robust_run(sc, &opt, out, &err);
    *wall = bench_now() - w0;
    *cpu = cpu_now() - c0;
    if (st != PARLEY_OK) {
        fprintf(stderr, "bench_robust: %s\n", err.message);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *example = "examples/abu-dhabi-2026-uncertain.yaml";
    uint64_t worlds = 100000, big_worlds = 1000;
    bool big = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--example") == 0 && i + 1 < argc)
            example = argv[++i];
        else if (strcmp(argv[i], "--worlds") == 0 && i + 1 < argc)
            worlds = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--big-worlds") == 0 && i + 1 < argc)
            big_worlds = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--no-big") == 0)
            big = false;
        else {
            fprintf(stderr, "usage: bench_robust [--example FILE] [--worlds N] [--big-worlds N] "
                            "[--no-big]\n");
            return 2;
        }
    }
    parley_scenario *sc = NULL;
    parley_error err;
    if (parley_native_read_file(example, NULL, &sc, &err) != PARLEY_OK) {
        fprintf(stderr, "bench_robust: %s: %s (run from the source tree)\n", example, err.message);
        return 1;
    }
    printf("| scenario | outcomes | run | threads | wall s | CPU s | P(deal) |\n");
    printf("|---|---:|---|---:|---:|---:|---:|\n");
    double wall1 = 0, wall2 = 0, cpu1 = 0, cpu2 = 0;
    for (unsigned t = 1; t <= 2; t++) {
        parley_robust *r = NULL;
        double wall, cpu;
        if (run(sc, worlds, t, false, &wall, &cpu, &r))
            return 1;
        printf("| abu-dhabi-2026-uncertain | 810 | %llu worlds | %u | %.3f | %.3f | %.4f |\n",
               (unsigned long long)worlds, t, wall, cpu,
               parley_robust_deal_probability(r, NULL, NULL));
        parley_robust_free(r);
        if (t == 1)
            wall1 = wall, cpu1 = cpu;
        else
            wall2 = wall, cpu2 = cpu;
    }
    printf("\n2 threads against 1: %.2fx faster (wall); CPU %.3f s against %.3f s\n",
           wall1 / wall2, cpu2, cpu1);
    parley_scenario_free(sc);
    if (!big)
        return 0;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/genius/genius_7issues", PARLEY_SHARED_DATA);
    if (parley_genius_read_folder(dir, NULL, &sc, &err) != PARLEY_OK) {
        printf("\n(genius_7issues skipped: %s)\n", err.message);
        return 0;
    }
    parley_uncertain u1 = {PARLEY_DIST_UNIFORM, 0, 0.45, 0.6, 0, 0, 0, NULL, NULL};
    parley_uncertain u2 = {PARLEY_DIST_NORMAL, 0, 0.45, 0.6, 0.5, 0.05, 0, NULL, NULL};
    parley_input in0 = {PARLEY_INPUT_RESERVATION, 0, 0, 0, 0};
    parley_input in1 = {PARLEY_INPUT_RESERVATION, 1, 0, 0, 0};
    if (parley_set_uncertain(sc, &in0, &u1, &err) || parley_set_uncertain(sc, &in1, &u2, &err) ||
        parley_scenario_finalize(sc, &err)) {
        fprintf(stderr, "bench_robust: %s\n", err.message);
        return 1;
    }
    printf("\n| scenario | outcomes | run | threads | wall s | CPU s | robust / possible |\n");
    printf("|---|---:|---|---:|---:|---:|---:|\n");
    parley_robust *r = NULL;
    double wall, cpu;
    if (run(sc, 1, 1, true, &wall, &cpu, &r))
        return 1;
    uint64_t rc = 0, pc = 0;
    parley_robust_exact(r, 0, &rc, NULL);
    parley_robust_exact(r, 1, &pc, NULL);
    printf("| genius_7issues, uncertain reservations | 10,000,000 | exact sets | 1 | %.3f | %.3f "
           "| %llu / %llu |\n",
           wall, cpu, (unsigned long long)rc, (unsigned long long)pc);
    parley_robust_free(r);
    if (run(sc, big_worlds, 2, false, &wall, &cpu, &r))
        return 1;
    printf("| genius_7issues, uncertain reservations | 10,000,000 | %llu worlds | 2 | %.3f | %.3f "
           "| P(deal) %.4f |\n",
           (unsigned long long)big_worlds, wall, cpu,
           parley_robust_deal_probability(r, NULL, NULL));
    parley_robust_free(r);
    printf("\npeak resident memory: %.0f MB\n", (double)bench_peak_kib() / 1024);
    parley_scenario_free(sc);
    return 0;
}
