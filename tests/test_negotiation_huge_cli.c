/*
 * test_negotiation_huge_cli.c -- `parley negotiate` and `parley tournament`
 * on spaces larger than a session enumerates (issue 16 item 5), through
 * the tool: GENIUS's genius_7issues from the shared data (10^7 outcomes;
 * skipped plainly when absent) and a generated 10^30-outcome scenario.
 *
 * Independence.  Every outcome in a trace is read back from the JSON (the
 * labels), and each reported utility is recomputed: for the generated
 * scenario from the test's own tables (min(1, sum of weight x value, in
 * issue order)), for genius_7issues through parley_utility on the labels
 * mapped back to value indices of the scenario loaded apart.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "parley/negotiation.h"
#include "helpers/helpers.h"

#define BIN PARLEY_BINARY_DIR "/parley"
#define SEVEN "/work/shared/data/genius/genius_7issues"

static char tmpdir[256];

static int run(const char *args, char **out)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s </dev/null 2>&1", BIN, args);
    return run_command(cmd, out);
}

static bool valgrind(void)
{
    const char *v = getenv("PARLEY_UNDER_VALGRIND");
    return v && strcmp(v, "1") == 0;
}

/* Every event of the trace file with an outcome: its utilities recomputed
 * by eval(ud, party index, outcome) must equal the reported ones; returns
 * the number of offers; *mono tells whether the offers of party `who`
 * never rose in its own utility. */
typedef double (*eval_fn)(void *ud, size_t p, const uint32_t *o);

static size_t check_trace(const char *path, const parley_scenario *sc, eval_fn eval, void *ud,
                          size_t who, bool *mono)
{
    char *text = slurp(path, NULL);
    cr_assert_not_null(text, "no trace at %s", path);
    size_t m = parley_issue_count(sc), offers = 0;
    uint32_t o[64];
    double last = INFINITY;
    *mono = true;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t je;
        json_t *ev = json_loads(line, 0, &je);
        cr_assert_not_null(ev, "%s: %s", line, je.text);
        json_t *out = json_object_get(ev, "outcome"), *us = json_object_get(ev, "utilities");
        if (json_is_object(out)) {
            for (size_t i = 0; i < m; i++) {
                json_t *lab = json_object_get(out, parley_issue_name(sc, i));
                char num[32];
                const char *ls = json_string_value(lab);
                if (json_is_integer(lab)) { /* integer issues: the number */
                    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(lab));
                    ls = num;
                }
                cr_assert_not_null(ls, "%s", line);
                size_t k;
                cr_assert_eq(parley_issue_find_value(sc, i, ls, &k), PARLEY_OK, "%s", ls);
                o[i] = (uint32_t)k;
            }
            cr_assert_eq(json_array_size(us), parley_party_count(sc));
            for (size_t p = 0; p < parley_party_count(sc); p++)
                cr_assert_eq(json_real_value(json_array_get(us, p)), eval(ud, p, o),
                             "party %zu in %s", p, line);
            const char *kind = json_string_value(json_object_get(ev, "event"));
            const char *party = json_string_value(json_object_get(ev, "party"));
            if (strcmp(kind, "offer") == 0) {
                offers++;
                if (party && strcmp(party, parley_party_name(sc, who)) == 0) {
                    double u = eval(ud, who, o);
                    if (u > last)
                        *mono = false;
                    last = u;
                }
            }
        }
        json_decref(ev);
    }
    free(text);
    return offers;
}

static double eval_lib(void *ud, size_t p, const uint32_t *o)
{
    return parley_utility(ud, p, o);
}

Test(negotiate_huge_cli, genius_7issues)
{
    FILE *f = fopen(SEVEN "/7issues.xml", "r");
    if (!f) {
        cr_skip_test("%s is absent: the shared GENIUS data is needed for this test", SEVEN);
        return;
    }
    fclose(f);
    tmpdir_make(tmpdir, sizeof tmpdir, "neg16");
    parley_scenario *sc = NULL;
    const char *paths[] = {SEVEN};
    parley_error err;
    cr_assert_eq(parley_load(1, paths, NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    uint64_t n;
    cr_assert_eq(parley_scenario_outcome_count(sc, &n), PARLEY_OK);
    cr_assert_gt(n, PARLEY_SESSION_MAX_OUTCOMES);
    static const char *const pairs[][2] = {{"boulware", "conceder"}, {"linear", "hardliner"},
                                           {"time-dependent-at-least", "random"}};
    for (size_t c = 0; c < (valgrind() ? 1 : 3); c++) {
        char *out[2];
        for (int rep = 0; rep < 2; rep++) {
            char args[1024];
            snprintf(args, sizeof args,
                     "negotiate " SEVEN " --agent 7issues_util1=%s --agent 7issues_util2=%s "
                     "--rounds %d --seed 11 --json --trace %s/t%d.jsonl",
                     pairs[c][0], pairs[c][1], valgrind() ? 20 : 200, tmpdir, rep);
            cr_assert_eq(run(args, &out[rep]), 0, "%s", out[rep]);
        }
        cr_assert_str_eq(out[0], out[1], "two runs differ");
        char p0[300], p1[300];
        snprintf(p0, sizeof p0, "%s/t0.jsonl", tmpdir);
        snprintf(p1, sizeof p1, "%s/t1.jsonl", tmpdir);
        char *a = slurp(p0, NULL), *b = slurp(p1, NULL);
        cr_assert_str_eq(a, b, "two traces differ");
        free(a);
        free(b);
        bool mono;
        size_t offers = check_trace(p0, sc, eval_lib, sc, 0, &mono);
        cr_assert_gt(offers, 1);
        if (c < 2) /* the GENIUS family never concedes back up */
            cr_assert(mono, "%s offered a better outcome later", pairs[c][0]);
        free(out[0]);
        free(out[1]);
    }
    parley_scenario_free(sc);
    tmpdir_remove(tmpdir);
}

/* ------------------------------------------------------- 10^30 */

typedef struct huge {
    int m; /* issues: 30 (10^30 outcomes), 10 under valgrind (10^10) */
    double w[2][30], ev[2][30][10];
} huge;

static double eval_huge(void *ud, size_t p, const uint32_t *o)
{
    const huge *h = ud;
    double s = 0.0;
    for (int i = 0; i < h->m; i++)
        s += h->w[p][i] * h->ev[p][i][o[i]];
    return s < 1.0 ? s : 1.0;
}

/* 30 issues of 10 values (10 under valgrind, where the analysis behind
 * the measures would take minutes), parties A and B (reservation 0.2),
 * written to dir/huge.yaml; the tables into *h. */
static const char *write_huge(huge *h)
{
    rng r = {20161};
    h->m = valgrind() ? 10 : 30;
    size_t cap = 1 << 16, len = 0;
    char *t = malloc(cap);
    len += (size_t)snprintf(t + len, cap - len, "parley: 1\nname: huge\nissues:\n");
    for (int i = 0; i < h->m; i++)
        len += (size_t)snprintf(t + len, cap - len,
                                "  i%d:\n    values: [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9]\n",
                                i);
    len += (size_t)snprintf(t + len, cap - len, "parties:\n");
    for (int p = 0; p < 2; p++) {
        len += (size_t)snprintf(t + len, cap - len,
                                "  %s:\n    reservation: 0.2\n    utility:\n", p ? "B" : "A");
        for (int i = 0; i < h->m; i++) {
            h->w[p][i] = (double)(50 + rng_u32(&r) % 100) / (100.0 * h->m);
            len += (size_t)snprintf(t + len, cap - len, "      i%d: {weight: %.17g, values: {", i,
                                    h->w[p][i]);
            for (int k = 0; k < 10; k++) {
                h->ev[p][i][k] = (double)(rng_u32(&r) % 1000) / 1000.0;
                len += (size_t)snprintf(t + len, cap - len, "%sv%d: %.17g", k ? ", " : "", k,
                                        h->ev[p][i][k]);
            }
            len += (size_t)snprintf(t + len, cap - len, "}}\n");
        }
    }
    cr_assert_lt(len, cap - 1);
    const char *path = put_in(tmpdir, "huge.yaml", t);
    free(t);
    return path;
}

Test(negotiate_huge_cli, generated_1e30)
{
    tmpdir_make(tmpdir, sizeof tmpdir, "neg16");
    huge h;
    char path[300];
    snprintf(path, sizeof path, "%s", write_huge(&h));
    parley_scenario *sc = NULL;
    const char *paths[] = {path};
    parley_error err;
    cr_assert_eq(parley_load(1, paths, NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    char *out[2], args[1024];
    for (int rep = 0; rep < 2; rep++) {
        snprintf(args, sizeof args,
                 "negotiate %s --agent A=boulware --agent B=conceder --rounds %d --seed 5 "
                 "--trace %s/t%d.jsonl",
                 path, valgrind() ? 10 : 100, tmpdir, rep);
        cr_assert_eq(run(args, &out[rep]), 0, "%s", out[rep]);
    }
    cr_assert_str_eq(out[0], out[1]);
    cr_assert(strstr(out[0], "Agreement"), "%s", out[0]);
    bool mono;
    char p0[300];
    snprintf(p0, sizeof p0, "%s/t0.jsonl", tmpdir);
    cr_assert_gt(check_trace(p0, sc, eval_huge, &h, 0, &mono), 2);
    cr_assert(mono);
    free(out[0]);
    free(out[1]);
    /* a strategy that walks the whole list is refused, by name */
    snprintf(args, sizeof args, "negotiate %s --agent A=nice-tit-for-tat", path);
    int rc = run(args, &out[0]);
    cr_assert_eq(rc, 2, "%s", out[0]);
    cr_assert(strstr(out[0], "'nice-tit-for-tat' needs the whole sorted list"), "%s", out[0]);
    cr_assert(strstr(out[0], "4000000"), "%s", out[0]);
    free(out[0]);
    /* the mediated protocol */
    snprintf(args, sizeof args, "negotiate %s --protocol mediated --rounds %d --trace %s/m.jsonl",
             path, valgrind() ? 10 : 100, tmpdir);
    cr_assert_eq(run(args, &out[0]), 0, "%s", out[0]);
    snprintf(p0, sizeof p0, "%s/m.jsonl", tmpdir);
    check_trace(p0, sc, eval_huge, &h, 0, &mono);
    free(out[0]);
    parley_scenario_free(sc);
    tmpdir_remove(tmpdir);
}

Test(negotiate_huge_cli, tournament_1e30)
{
    tmpdir_make(tmpdir, sizeof tmpdir, "neg16");
    huge h;
    write_huge(&h);
    put_in(tmpdir, "t.yaml",
           valgrind() ? "parley-tournament: 1\nseed: 3\nrounds: 10\nrepetitions: 1\n"
                        "scenarios: [huge.yaml]\nstrategies: [boulware, random]\n"
                      : "parley-tournament: 1\nseed: 3\nrounds: 40\nrepetitions: 1\n"
                        "scenarios: [huge.yaml]\n"
                        "strategies: [boulware, linear, conceder, hardliner, "
                        "\"time-dependent:e=0.5\", time-dependent-at-least, random]\n");
    char args[600], *out;
    snprintf(args, sizeof args, "tournament %s/t.yaml", tmpdir);
    cr_assert_eq(run(args, &out), 0, "%s", out);
    cr_assert(strstr(out, valgrind() ? "8 sessions" : "98 sessions"), "%s", out);
    cr_assert(strstr(out, "time-dependent-at-least") || valgrind(), "%s", out);
    free(out);
    /* 10^30 > 2^64: deals are stored without outcome (ids are the session's own) */
    char db[400];
    snprintf(db, sizeof db, "sqlite3 %s/t.sqlite 'select count(*) from sessions where agreement = 1 "
             "and outcome is null and outcome_id is null'", tmpdir);
    char *cnt;
    if (run_command(db, &cnt) == 0 && !valgrind())
        cr_assert_gt(atoi(cnt), 0, "%s", cnt);
    free(cnt);
    /* again: the same store is complete, nothing runs */
    cr_assert_eq(run(args, &out), 0, "%s", out);
    cr_assert(strstr(out, "0 run now"), "%s", out);
    free(out);
    put_in(tmpdir, "t2.yaml",
           "parley-tournament: 1\nrounds: 10\nscenarios: [huge.yaml]\n"
           "strategies: [boulware, frequency-nash]\n");
    snprintf(args, sizeof args, "tournament %s/t2.yaml", tmpdir);
    cr_assert_eq(run(args, &out), 2, "%s", out);
    cr_assert(strstr(out, "'frequency-nash' needs the whole sorted list"), "%s", out);
    free(out);
    tmpdir_remove(tmpdir);
}
