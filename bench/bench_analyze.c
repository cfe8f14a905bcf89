/*
 * bench_analyze.c -- how fast and how lean is parley_analyze()?
 *
 * For every bilateral scenario of ../shared/data/genius/REFERENCE.tsv
 * (loaded as the REFERENCE test does) and for generated linear-additive
 * scenarios of 10^9, 10^12 and 10^15 outcomes with small frontiers, it
 * runs the full analysis (both frontiers with exact counts, the agreement
 * count, the solutions) in a child process of its own and prints
 * outcomes, wall time, outcomes per second and the child's peak resident
 * memory (getrusage ru_maxrss: the whole process, loading included).
 *
 * Usage: bench_analyze [--threads N] [--repeat R] [--only NAME] [--no-generated]
 * The wall time is the best of R runs (default 3) of parley_analyze()
 * alone, loading excluded.
 *
 * The generated scenarios ("gen_<n>x10") have n issues of 10 values and
 * two negotiators: the first three issues are opposed (one party's
 * evaluation rises with the value, the other's falls), the others are
 * shared interests (both prefer higher values, with different curves and
 * weights); issues are listed shared-first, so the analysis must find the
 * conflict itself.  Reservation values 0.35 and 0.3 make the agreement
 * count a real question (over 80% of the space, its boundary running
 * through the whole space); the last rows use reservation values 0.
 *
 * "gen<k>p_<n>x10" have k negotiators (3 or 4) over n issues of 10 values:
 * on issue i party p's evaluation rises with the value when i + p is even
 * and falls otherwise, with weights that differ by party; reservation
 * values 0.3.  Their Pareto frontiers have thousands of points in 3 or 4
 * dimensions: the rows that measure the search's archive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "parley/parley.h"

#define GENIUS_DIR PARLEY_SHARED_DATA "/genius"

typedef struct result {
    int ok;
    double wall;
    long maxrss_kb;
    char outcomes[64];
    char agreements[64];
    char pareto[64];
    size_t points;
    char msg[256];
} result;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static parley_scenario *generated(unsigned nissues, double rv1, double rv2)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    char name[32];
    snprintf(name, sizeof name, "gen_%ux10", nissues);
    parley_scenario_set_name(sc, name);
    for (unsigned i = 0; i < nissues; i++) {
        snprintf(name, sizeof name, "issue%02u", i + 1);
        parley_scenario_add_integer(sc, name, 0, 9, 1, NULL, &err);
    }
    parley_scenario_add_party(sc, "buyer", PARLEY_ROLE_NEGOTIATOR, NULL, &err);
    parley_scenario_add_party(sc, "seller", PARLEY_ROLE_NEGOTIATOR, NULL, &err);
    unsigned nopp = 3;
    for (unsigned i = 0; i < nissues; i++) {
        bool opposed = i >= nissues - nopp; /* listed last */
        double wa = opposed ? 0.6 / nopp : 0.4 / (nissues - nopp) * (0.5 + (double)(i % 3) / 2.0);
        double wb = opposed ? 0.55 / nopp : 0.45 / (nissues - nopp) * (1.2 - (double)(i % 4) / 5.0);
        parley_party_set_weight(sc, 0, i, wa);
        parley_party_set_weight(sc, 1, i, wb);
        if (opposed) {
            parley_party_set_linear(sc, 0, i, 0.0, 1.0 / 9.0, 0.0);
            parley_party_set_linear(sc, 1, i, 1.0, -1.0 / 9.0, 0.0);
        } else {
            double xa[3] = {0, 6, 9}, ya[3] = {0, 0.8, 1};
            double xb[3] = {0, 3, 9}, yb[3] = {0, 0.2, 1};
            parley_party_set_piecewise(sc, 0, i, 3, xa, ya);
            parley_party_set_piecewise(sc, 1, i, 3, xb, yb);
        }
    }
    parley_party_set_reservation(sc, 0, rv1);
    parley_party_set_reservation(sc, 1, rv2);
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "generated scenario: %s\n", err.message);
        parley_scenario_free(sc);
        return NULL;
    }
    return sc;
}

static parley_scenario *generated_multi(unsigned nparties, unsigned nissues)
{
    parley_error err;
    parley_scenario *sc = parley_scenario_new(NULL);
    char name[32];
    snprintf(name, sizeof name, "gen%up_%ux10", nparties, nissues);
    parley_scenario_set_name(sc, name);
    for (unsigned i = 0; i < nissues; i++) {
        snprintf(name, sizeof name, "issue%02u", i + 1);
        parley_scenario_add_integer(sc, name, 0, 9, 1, NULL, &err);
    }
    for (unsigned p = 0; p < nparties; p++) {
        snprintf(name, sizeof name, "party%u", p + 1);
        parley_scenario_add_party(sc, name, PARLEY_ROLE_NEGOTIATOR, NULL, &err);
        double tot = 0;
        for (unsigned i = 0; i < nissues; i++)
            tot += 1.0 + (double)((i * 7 + p * 3) % 5);
        for (unsigned i = 0; i < nissues; i++) {
            parley_party_set_weight(sc, p, i, (1.0 + (double)((i * 7 + p * 3) % 5)) / tot);
            if ((i + p) % 2 == 0)
                parley_party_set_linear(sc, p, i, 0.0, 1.0 / 9.0, 0.0);
            else
                parley_party_set_linear(sc, p, i, 1.0, -1.0 / 9.0, 0.0);
        }
        parley_party_set_reservation(sc, p, 0.3);
    }
    if (parley_scenario_finalize(sc, &err) != PARLEY_OK) {
        fprintf(stderr, "generated scenario: %s\n", err.message);
        parley_scenario_free(sc);
        return NULL;
    }
    return sc;
}

/* The domain file of a REFERENCE folder (see test_analysis_reference.c). */
static int find_domain(const char *dir, const char *p1, const char *p2, char *out, size_t n)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return 0;
    struct dirent *de;
    char best[512] = "";
    while ((de = readdir(dh)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0 || strcmp(de->d_name, p1) == 0 ||
            strcmp(de->d_name, p2) == 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%.1000s/%.1000s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        char buf[4096];
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = '\0';
        if (strstr(buf, "negotiation_template") && (!best[0] || strcmp(de->d_name, best) < 0))
            snprintf(best, sizeof best, "%.500s", de->d_name);
    }
    closedir(dh);
    if (!best[0])
        return 0;
    snprintf(out, n, "%.500s/%.500s", dir, best);
    return 1;
}

static void run_one(parley_scenario *sc, unsigned threads, int repeat, result *r)
{
    parley_analysis_options opt;
    parley_analysis_options_init(&opt);
    opt.threads = threads;
    r->wall = 1e30;
    for (int k = 0; k < repeat; k++) {
        parley_analysis *an = NULL;
        parley_error err;
        double t0 = now();
        parley_status st = parley_analyze(sc, &opt, &an, &err);
        double t = now() - t0;
        if (st != PARLEY_OK) {
            snprintf(r->msg, sizeof r->msg, "%.250s", err.message);
            return;
        }
        if (t < r->wall)
            r->wall = t;
        parley_analysis_count_text(an, PARLEY_COUNT_OUTCOMES, r->outcomes, sizeof r->outcomes);
        parley_analysis_count_text(an, PARLEY_COUNT_AGREEMENTS, r->agreements,
                                   sizeof r->agreements);
        parley_analysis_count_text(an, PARLEY_COUNT_PARETO_OUTCOMES, r->pareto, sizeof r->pareto);
        r->points = parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL);
        parley_analysis_free(an);
    }
    r->ok = 1;
}

/* Run a case in a child: kind 0 = REFERENCE folder (a = folder, b/c =
 * profiles), kind 1 = generated (n issues), kind 2 = generated with
 * rv1 parties (n issues). */
static void bench_case(int kind, const char *a, const char *b, const char *c, unsigned n,
                       double rv1, double rv2, unsigned threads, int repeat)
{
    int fd[2];
    if (pipe(fd) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        result r;
        memset(&r, 0, sizeof r);
        parley_scenario *sc = NULL;
        if (kind == 0) {
            char dir[1024], dom[1100], f1[2048], f2[2048];
            snprintf(dir, sizeof dir, GENIUS_DIR "/%.900s", a);
            snprintf(f1, sizeof f1, "%.1000s/%.1000s", dir, b);
            snprintf(f2, sizeof f2, "%.1000s/%.1000s", dir, c);
            const char *prof[2] = {f1, f2};
            parley_error err;
            if (!find_domain(dir, b, c, dom, sizeof dom))
                snprintf(r.msg, sizeof r.msg, "no domain file");
            else if (parley_genius_read_files(dom, 2, prof, NULL, &sc, &err) != PARLEY_OK)
                snprintf(r.msg, sizeof r.msg, "%.250s", err.message);
        } else if (kind == 1) {
            sc = generated(n, rv1, rv2);
        } else {
            sc = generated_multi((unsigned)rv1, n);
        }
        if (sc)
            run_one(sc, threads, repeat, &r);
        parley_scenario_free(sc);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        r.maxrss_kb = ru.ru_maxrss;
        if (write(fd[1], &r, sizeof r) != (ssize_t)sizeof r)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    result r;
    memset(&r, 0, sizeof r);
    ssize_t got = read(fd[0], &r, sizeof r);
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    char name[64];
    if (kind == 0)
        snprintf(name, sizeof name, "%.60s", a);
    else if (kind == 1)
        snprintf(name, sizeof name, "gen_%ux10 rv %.2g/%.2g", n, rv1, rv2);
    else
        snprintf(name, sizeof name, "gen%up_%ux10 rv 0.3", (unsigned)rv1, n);
    if (got != (ssize_t)sizeof r || !r.ok) {
        printf("%-26s  failed: %s\n", name, got == (ssize_t)sizeof r ? r.msg : "child died");
        return;
    }
    double outs = strtod(r.outcomes, NULL);
    printf("%-26s %22s %20s %10s %7zu %10.4f %12.3g %9.1f\n", name, r.outcomes, r.agreements,
           r.pareto, r.points, r.wall, outs / r.wall, (double)r.maxrss_kb / 1024.0);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    unsigned threads = 2;
    int repeat = 3, gen = 1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--no-generated") == 0)
            gen = 0;
        else {
            fprintf(stderr, "usage: bench_analyze [--threads N] [--repeat R] [--only NAME] "
                            "[--no-generated]\n");
            return 2;
        }
    }
    if (repeat < 1)
        repeat = 1;
    printf("parley analyze benchmark: %u thread(s), best of %d; peak RSS of a child process per "
           "scenario\n\n",
           threads, repeat);
    printf("%-26s %22s %20s %10s %7s %10s %12s %9s\n", "scenario", "outcomes", "agreements",
           "pareto", "points", "wall s", "outcomes/s", "peak MB");
    FILE *f = fopen(GENIUS_DIR "/REFERENCE.tsv", "r");
    if (!f) {
        printf("(shared data missing: %s; generated scenarios only)\n", GENIUS_DIR);
    } else {
        char line[4096];
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            char *save = NULL;
            char *folder = strtok_r(line, "\t", &save);
            char *prof = strtok_r(NULL, "\t", &save);
            if (!folder || !prof)
                continue;
            char *plus = strchr(prof, '+');
            if (!plus)
                continue;
            *plus = '\0';
            if (only && !strstr(folder, only))
                continue;
            bench_case(0, folder, prof, plus + 1, 0, 0, 0, threads, repeat);
        }
        fclose(f);
    }
    if (gen) {
        static const struct {
            unsigned n;
            double rv1, rv2;
        } gens[] = {{9, 0.35, 0.3},  {12, 0.35, 0.3}, {13, 0.35, 0.3},
                     {14, 0.35, 0.3}, {15, 0.35, 0.3}, {15, 0.0, 0.0}, {18, 0.0, 0.0}};
        for (size_t k = 0; k < sizeof gens / sizeof gens[0]; k++) {
            char name[32];
            snprintf(name, sizeof name, "gen_%ux10", gens[k].n);
            if (only && !strstr(name, only))
                continue;
            bench_case(1, NULL, NULL, NULL, gens[k].n, gens[k].rv1, gens[k].rv2, threads,
                       gens[k].n >= 12 ? 1 : repeat);
        }
        static const struct {
            unsigned parties, n;
        } multi[] = {{3, 7}, {3, 8}, {4, 6}, {4, 7}};
        for (size_t k = 0; k < sizeof multi / sizeof multi[0]; k++) {
            char name[32];
            snprintf(name, sizeof name, "gen%up_%ux10", multi[k].parties, multi[k].n);
            if (only && !strstr(name, only))
                continue;
            bench_case(2, NULL, NULL, NULL, multi[k].n, multi[k].parties, 0, threads, repeat);
        }
    }
    return 0;
}
