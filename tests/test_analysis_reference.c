/*
 * test_analysis_reference.c -- parley_analyze() against GENIUS's own
 * numbers: every row of ../shared/data/genius/REFERENCE.tsv (computed by
 * GENIUS 10.4's BidSpace).  Counts must match exactly; the Nash, GENIUS
 * Kalai-Smorodinsky and max-welfare points to 4 decimals; the reservation
 * values as written.  Each folder is loaded with
 * parley_genius_read_files(domain, profiles in the listed order).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "../bench/bench_util.h" /* bench_find_domain, shared with bench_analyze */

#define GENIUS_DIR PARLEY_SHARED_DATA "/genius"

static void pair_text(const double *u, char *buf, size_t n)
{
    snprintf(buf, n, "(%.4f,%.4f)", u[0], u[1]);
}

Test(analysis_reference, genius_reference_tsv, .timeout = 600)
{
    FILE *f = fopen(GENIUS_DIR "/REFERENCE.tsv", "r");
    if (!f)
        cr_skip_test("the shared data is missing (%s)", GENIUS_DIR "/REFERENCE.tsv");
    char line[4096];
    int rows = 0;
    cr_assert_not_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        char *col[9];
        int nc = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, "\t", &save); t && nc < 9; t = strtok_r(NULL, "\t", &save))
            col[nc++] = t;
        cr_assert_eq(nc, 9, "REFERENCE.tsv row with %d columns", nc);
        char dir[1024], p1[512], p2[512], dom[1024];
        snprintf(dir, sizeof dir, GENIUS_DIR "/%s", col[0]);
        char *plus = strchr(col[1], '+');
        cr_assert_not_null(plus);
        *plus = '\0';
        snprintf(p1, sizeof p1, "%s", col[1]);
        snprintf(p2, sizeof p2, "%s", plus + 1);
        cr_assert(bench_find_domain(dir, p1, p2, dom, sizeof dom), "%s: no domain file", col[0]);
        char f1[2048], f2[2048];
        snprintf(f1, sizeof f1, "%s/%s", dir, p1);
        snprintf(f2, sizeof f2, "%s/%s", dir, p2);
        const char *profiles[2] = {f1, f2};
        parley_scenario *sc = NULL;
        parley_error err;
        parley_status st = parley_genius_read_files(dom, 2, profiles, NULL, &sc, &err);
        cr_assert_eq(st, PARLEY_OK, "%s: %s", col[0], err.message);
        parley_analysis *an = NULL;
        st = parley_analyze(sc, NULL, &an, &err);
        cr_assert_eq(st, PARLEY_OK, "%s: %s", col[0], err.message);

        char buf[128], want[128];
        cr_assert_str_eq(parley_analysis_count_text(an, PARLEY_COUNT_OUTCOMES, buf, sizeof buf),
                         col[2], "%s: outcomes", col[0]);
        cr_assert_str_eq(parley_analysis_count_text(an, PARLEY_COUNT_PARETO_OUTCOMES, buf,
                                                    sizeof buf),
                         col[3], "%s: Pareto outcomes", col[0]);
        snprintf(buf, sizeof buf, "%zu", parley_analysis_frontier_size(an, PARLEY_FRONTIER_ALL));
        cr_assert_str_eq(buf, col[4], "%s: Pareto points", col[0]);
        const parley_solution_kind kinds[3] = {PARLEY_SOLUTION_GENIUS_NASH,
                                               PARLEY_SOLUTION_GENIUS_KS,
                                               PARLEY_SOLUTION_GENIUS_MAX_WELFARE};
        for (int k = 0; k < 3; k++) {
            const double *u;
            cr_assert(parley_analysis_solution(an, kinds[k], &u, NULL), "%s: %s", col[0],
                      parley_solution_name(kinds[k]));
            pair_text(u, buf, sizeof buf);
            cr_assert_str_eq(buf, col[5 + k], "%s: %s", col[0], parley_solution_name(kinds[k]));
        }
        snprintf(want, sizeof want, "rv=(%.1f,%.1f)",
                 parley_party_reservation(sc, parley_analysis_dim_party(an, 0)),
                 parley_party_reservation(sc, parley_analysis_dim_party(an, 1)));
        cr_assert_str_eq(want, col[8], "%s: reservation values", col[0]);
        /* every outcome the agreement frontier reports is acceptable */
        for (size_t i = 0; i < parley_analysis_frontier_size(an, PARLEY_FRONTIER_AGREEMENTS); i++)
            cr_assert(parley_outcome_acceptable(
                sc, parley_analysis_frontier_outcome(an, PARLEY_FRONTIER_AGREEMENTS, i)));
        parley_analysis_free(an);
        parley_scenario_free(sc);
        rows++;
    }
    fclose(f);
    cr_assert_eq(rows, 12, "REFERENCE.tsv rows: %d", rows);
}
