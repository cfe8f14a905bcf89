/*
 * test_genius_traces.c -- parley's time-dependent family replays real
 * GENIUS 10.4 sessions offer for offer.
 *
 * the files tests/data/genius-traces/NAME.tsv were recorded from GENIUS 10.4 itself
 * (its SessionManager and StackedAlternatingOffersProtocol running
 * agents/TimeDependentAgent with e = 0, 0.2, 1, 2 against each other;
 * tests/data/genius-traces/README.md says exactly how).  Each session is
 * run again here on the same shared GENIUS files with parley's
 * "time-dependent:e=..." strategies, and every event must match: the
 * round, who acted, offer or accept, the outcome (by value labels), and
 * the agreement or its absence.
 *
 * Trace format (tab-separated; '#' lines are comments):
 *   session FOLDER DOMAIN PROFILE_A PROFILE_B E_A E_B ROUNDS
 *   ROUND A|B offer|accept VALUE...      (one value label per issue)
 *   measures T PARETO NASH   (GENIUS's end time and MultilateralAnalysis
 *                             distances, Java's shortest decimal form)
 *   end agreement VALUE... | end none
 * A is the first profile and opens; B answers.  The end time must match
 * exactly and parley_pareto_distance_at / parley_nash_distance_at must
 * give GENIUS's distances (to 1e-12: Java's Math.pow and the C library's
 * pow may differ in the last bit).
 * Shared data missing: the test skips with a plain message.
 */
#include <criterion/criterion.h>

#include "parley/parley.h"
#include "negotiation/ng.h"
#include "helpers/helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GDATA PARLEY_SHARED_DATA "/genius"
#define TRACES PARLEY_SOURCE_DIR "/tests/data/genius-traces"

/* What parley did, as lines in the trace format. */
typedef struct replay {
    const parley_scenario *sc;
    char *text;
    size_t len, cap;
} replay;

static void put(replay *r, const char *s)
{
    size_t n = strlen(s);
    if (r->len + n + 1 > r->cap) {
        r->cap = (r->len + n + 1) * 2;
        r->text = realloc(r->text, r->cap);
        cr_assert_not_null(r->text);
    }
    memcpy(r->text + r->len, s, n + 1);
    r->len += n;
}

static void put_outcome(replay *r, const uint32_t *o)
{
    char buf[512];
    for (size_t i = 0; i < parley_issue_count(r->sc); i++) {
        put(r, "\t");
        put(r, parley_issue_value_label(r->sc, i, o[i], buf, sizeof buf));
    }
}

static void on_event(void *ud, const parley_trace_event *ev)
{
    replay *r = ud;
    char head[64];
    if (ev->kind != PARLEY_TRACE_OFFER && ev->kind != PARLEY_TRACE_ACCEPT)
        return;
    snprintf(head, sizeof head, "%lu\t%s\t%s", ev->round, ev->party == 0 ? "A" : "B",
             ev->kind == PARLEY_TRACE_OFFER ? "offer" : "accept");
    put(r, head);
    put_outcome(r, ev->outcome);
    put(r, "\n");
}

/* What GENIUS measured at the end of a session. */
typedef struct measures {
    double t, pareto, nash;
} measures;

/* parley's measures of a finished session, as `parley negotiate` takes
 * them: the discounted utilities of the deal, or 0 each without one. */
static measures measure(const parley_scenario *sc, const parley_session_result *res)
{
    parley_analysis *an = NULL;
    parley_analysis_options ao;
    parley_analysis_options_init(&ao);
    ao.threads = 1;
    parley_error err;
    cr_assert_eq(parley_analyze(sc, &ao, &an, &err), PARLEY_OK, "%s", err.message);
    double u[2];
    for (size_t j = 0; j < 2; j++)
        u[j] = res->agreement ? res->discounted[parley_analysis_dim_party(an, j)] : 0.0;
    measures m = {res->t, parley_pareto_distance_at(an, sc, res->t, u),
                  parley_nash_distance_at(an, sc, res->t, u)};
    parley_analysis_free(an);
    return m;
}

/* Runs one session line's set-up and returns parley's lines (malloc'd);
 * its measures in *m. */
static char *run_session(const char *line, measures *m)
{
    char folder[256], dom[256], pa[256], pb[256], ea[32], eb[32];
    unsigned long rounds = 0;
    cr_assert_eq(
        sscanf(line, "session\t%255[^\t]\t%255[^\t]\t%255[^\t]\t%255[^\t]\t%31[^\t]\t%31[^\t]\t%lu",
               folder, dom, pa, pb, ea, eb, &rounds),
        7, "bad session line: %s", line);
    char dpath[600], p1[600], p2[600];
    snprintf(dpath, sizeof dpath, "%s/%s/%s", GDATA, folder, dom);
    snprintf(p1, sizeof p1, "%s/%s/%s", GDATA, folder, pa);
    snprintf(p2, sizeof p2, "%s/%s/%s", GDATA, folder, pb);
    const char *profiles[2] = {p1, p2};
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_genius_read_files(dpath, 2, profiles, NULL, &sc, &err), PARLEY_OK, "%s",
                 err.message);
    parley_session_options opt;
    parley_session_options_init(&opt);
    opt.rounds = rounds;
    parley_session *s = NULL;
    cr_assert_eq(parley_session_new(sc, &opt, &s, &err), PARLEY_OK, "%s", err.message);
    char spec[64];
    snprintf(spec, sizeof spec, "time-dependent:e=%s", ea);
    cr_assert_eq(parley_session_set_strategy(s, 0, spec, &err), PARLEY_OK, "%s", err.message);
    snprintf(spec, sizeof spec, "time-dependent:e=%s", eb);
    cr_assert_eq(parley_session_set_strategy(s, 1, spec, &err), PARLEY_OK, "%s", err.message);
    replay r = {sc, NULL, 0, 0};
    put(&r, "");
    parley_session_set_trace(s, on_event, &r);
    parley_session_result res;
    cr_assert_eq(parley_session_run(s, &res, &err), PARLEY_OK, "%s", err.message);
    *m = measure(sc, &res);
    if (res.agreement) {
        put(&r, "end\tagreement");
        put_outcome(&r, res.outcome);
        put(&r, "\n");
    } else {
        put(&r, "end\tnone\n");
    }
    parley_session_free(s);
    parley_scenario_free(sc);
    return r.text;
}

/* Replays every session of one trace file; returns how many. */
static size_t replay_file(const char *path)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    cr_assert_not_null(text, "cannot read %s", path);
    size_t sessions = 0;
    char *p = text;
    while (*p) {
        char *eol = strchr(p, '\n');
        cr_assert_not_null(eol, "%s: the last line has no newline", path);
        if (strncmp(p, "session\t", 8) != 0) {
            cr_assert(*p == '#' || p == eol, "%s: expected a session line at: %.60s", path, p);
            p = eol + 1;
            continue;
        }
        *eol = '\0';
        /* the session's events, then its measures line, then its end line */
        char *want = eol + 1, *ml = strstr(want, "measures\t");
        cr_assert_not_null(ml, "%s: session without a measures line: %s", path, p);
        cr_assert(ml == want || ml[-1] == '\n', "%s: misplaced measures line", path);
        char *endl = strchr(ml, '\n');
        cr_assert(endl && strncmp(endl + 1, "end\t", 4) == 0,
                  "%s: the measures line of %s is not followed by its end line", path, p);
        char *next = strchr(endl + 1, '\n');
        cr_assert_not_null(next);
        next++;
        measures gm, pm;
        cr_assert_eq(sscanf(ml, "measures\t%lf\t%lf\t%lf", &gm.t, &gm.pareto, &gm.nash), 3,
                     "%s: bad measures line of %s", path, p);
        /* want = events + end line, without the measures line */
        size_t elen = (size_t)(ml - want), tlen = (size_t)(next - (endl + 1));
        char *w = malloc(elen + tlen + 1);
        cr_assert_not_null(w);
        memcpy(w, want, elen);
        memcpy(w + elen, endl + 1, tlen);
        w[elen + tlen] = '\0';
        size_t wlen = elen + tlen;
        char *got = run_session(p, &pm);
        cr_assert_eq(pm.t, gm.t, "%s: %s: end time %.17g, GENIUS %.17g", path, p, pm.t, gm.t);
        cr_assert_float_eq(pm.pareto, gm.pareto, 1e-12, "%s: %s: pareto %.17g, GENIUS %.17g", path,
                           p, pm.pareto, gm.pareto);
        cr_assert_float_eq(pm.nash, gm.nash, 1e-12, "%s: %s: nash %.17g, GENIUS %.17g", path, p,
                           pm.nash, gm.nash);
        if (strlen(got) != wlen || memcmp(got, w, wlen) != 0) {
            size_t i = 0;
            while (i < wlen && got[i] == w[i])
                i++;
            size_t from = i;
            while (from > 0 && w[from - 1] != '\n')
                from--;
            cr_assert_fail("%s: %s\nfirst difference:\nGENIUS: %.80s\nparley: %.80s", path, p,
                           w + from, got + from);
        }
        free(w);
        free(got);
        sessions++;
        p = next;
    }
    free(text);
    return sessions;
}

Test(genius_traces, every_session_replays_offer_for_offer)
{
    struct stat st;
    if (stat(GDATA "/REFERENCE.tsv", &st) != 0)
        cr_skip_test("the shared data is missing (" GDATA "); skipping");
    DIR *d = opendir(TRACES);
    cr_assert_not_null(d, "no folder %s", TRACES);
    struct dirent *e;
    size_t files = 0, sessions = 0;
    char *names[64];
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".tsv") == 0) {
            cr_assert_lt(files, 64u);
            names[files++] = strdup(e->d_name);
        }
    }
    closedir(d);
    for (size_t i = 0; i < files; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", TRACES, names[i]);
        sessions += replay_file(path);
        free(names[i]);
    }
    /* at least six domains, 16 pairings, R = 20 and 100 */
    cr_assert_geq(files, 6u);
    cr_assert_geq(sessions, 6u * 16u * 2u);
}

/* nice-tit-for-tat's Bayesian opponent model against GENIUS's own
 * BayesianOpponentModelScalable: bayes_itex.txt holds, after each of six
 * opponent bids on anac2010_ItexvsCypress (model built on the Cypress
 * profile), getNormalizedUtility of every bid in BidIterator order
 * (driver/BayesDriver.java; README.md). */
Test(genius_traces, bayesian_model_matches_genius)
{
    struct stat st;
    if (stat(GDATA "/REFERENCE.tsv", &st) != 0)
        cr_skip_test("the shared data is missing (" GDATA "); skipping");
    const char *dir = GDATA "/anac2010_ItexvsCypress";
    const char *profiles[2] = {GDATA "/anac2010_ItexvsCypress/ItexvsCypress_Cypress.xml",
                               GDATA "/anac2010_ItexvsCypress/ItexvsCypress_Itex.xml"};
    char dom[600];
    snprintf(dom, sizeof dom, "%s/ItexvsCypress_domain.xml", dir);
    parley_scenario *sc = NULL;
    parley_error err;
    cr_assert_eq(parley_genius_read_files(dom, 2, profiles, NULL, &sc, &err), PARLEY_OK, "%s",
                 err.message);
    parley_session *s = NULL;
    cr_assert_eq(parley_session_new(sc, NULL, &s, &err), PARLEY_OK, "%s", err.message);
    size_t m = parley_issue_count(sc), n = (size_t)s->n;
    size_t len = 0;
    char *text = slurp(TRACES "/bayes_itex.txt", &len);
    cr_assert_not_null(text);
    uint64_t offers[16];
    double *norm = malloc(n * sizeof *norm);
    cr_assert_not_null(norm);
    size_t k = 0, checked = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), k++) {
        cr_assert_lt(k, 16u);
        /* after <TAB> v1,v2,... <TAB> n normalised utilities */
        char *f = strchr(line, '\t') + 1, *end = strchr(f, '\t');
        *end = '\0';
        uint32_t v[8];
        char *tok = f;
        for (size_t i = 0; i < m; i++) {
            char *comma = strchr(tok, ',');
            if (comma)
                *comma = '\0';
            size_t idx;
            cr_assert_eq(parley_issue_find_value(sc, i, tok, &idx), PARLEY_OK, "%s", tok);
            v[i] = (uint32_t)idx;
            tok = comma ? comma + 1 : tok;
        }
        uint64_t id = 0;
        for (size_t i = 0; i < m; i++)
            id = id * parley_issue_value_count(sc, i) + v[i];
        offers[k] = id;
        cr_assert(ng_ntft_model_run(&s->agents[0], offers, k + 1, norm));
        /* the values, in BidIterator order: issue 0 fastest */
        uint32_t o[8] = {0};
        char *p = end + 1;
        for (size_t pos = 0; pos < n; pos++) {
            double want = strtod(p, &p);
            uint64_t oid = 0;
            for (size_t i = 0; i < m; i++)
                oid = oid * parley_issue_value_count(sc, i) + o[i];
            cr_assert_float_eq(norm[oid], want, 1e-12,
                               "after %zu bids, bid %zu: %.17g, GENIUS %.17g", k + 1, pos,
                               norm[oid], want);
            checked++;
            for (size_t i = 0; i < m; i++) {
                if (++o[i] < parley_issue_value_count(sc, i))
                    break;
                o[i] = 0;
            }
        }
    }
    cr_assert_eq(k, 6u);
    cr_assert_eq(checked, 6u * n);
    free(norm);
    free(text);
    parley_session_free(s);
    parley_scenario_free(sc);
}

/* The outcome id of a line's value labels (tab-separated, from p). */
static uint64_t labels_id(const parley_scenario *sc, char *p)
{
    uint64_t id = 0;
    for (size_t i = 0; i < parley_issue_count(sc); i++) {
        char *tab = strchr(p, '\t');
        if (tab)
            *tab = '\0';
        size_t k;
        cr_assert_eq(parley_issue_find_value(sc, i, p, &k), PARLEY_OK, "value '%s'", p);
        id = id * parley_issue_value_count(sc, i) + k;
        p = tab ? tab + 1 : p + strlen(p);
    }
    return id;
}

/* nice-tit-for-tat's Nash utility, turn by turn, against GENIUS's
 * NiceTitForTat (its private myNashUtility read after each turn;
 * nice_tit_for_tat_nash.txt, made by driver/TraceDriver.java with A =
 * NiceTitForTat).  The opponent is a time-dependent agent, whose offers do
 * not depend on what it is offered, so GENIUS's random bid choice does not
 * change what the model learns: at round r the model has seen B's offers
 * of rounds 1..r-1, and the gap is 1 - A's utility of B's first offer
 * (0 at round 2). */
Test(genius_traces, nice_tit_for_tat_nash_utility_matches_genius)
{
    struct stat st;
    if (stat(GDATA "/REFERENCE.tsv", &st) != 0)
        cr_skip_test("the shared data is missing (" GDATA "); skipping");
    size_t len = 0;
    char *text = slurp(TRACES "/nice_tit_for_tat_nash.txt", &len);
    cr_assert_not_null(text);
    parley_scenario *sc = NULL;
    parley_session *s = NULL;
    uint64_t boffers[128];
    size_t nb = 0, checked = 0, sessions = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "session\t", 8) == 0) {
            parley_session_free(s);
            parley_scenario_free(sc);
            char folder[256], dom[256], pa[256], pb[256], path[3][700];
            cr_assert_eq(sscanf(line, "session\t%255[^\t]\t%255[^\t]\t%255[^\t]\t%255[^\t]", folder,
                                dom, pa, pb),
                         4);
            snprintf(path[0], sizeof path[0], "%s/%s/%s", GDATA, folder, dom);
            snprintf(path[1], sizeof path[1], "%s/%s/%s", GDATA, folder, pa);
            snprintf(path[2], sizeof path[2], "%s/%s/%s", GDATA, folder, pb);
            const char *profiles[2] = {path[1], path[2]};
            parley_error err;
            cr_assert_eq(parley_genius_read_files(path[0], 2, profiles, NULL, &sc, &err),
                         PARLEY_OK);
            cr_assert_eq(parley_session_new(sc, NULL, &s, &err), PARLEY_OK);
            nb = 0;
            sessions++;
            continue;
        }
        unsigned long round;
        if (sscanf(line, "%lu", &round) == 1 && strstr(line, "\tB\toffer\t")) {
            cr_assert_lt(nb, 128u);
            boffers[nb++] = labels_id(sc, strstr(line, "offer\t") + 6);
            cr_assert_eq(nb, round, "one offer of B per round");
            continue;
        }
        double want;
        if (sscanf(line, "nash\t%lu\t%lf", &round, &want) != 2 || round < 2)
            continue;
        uint32_t v[8];
        uint64_t id = boffers[0];
        for (size_t i = parley_issue_count(sc); i-- > 0;) {
            size_t n = parley_issue_value_count(sc, i);
            v[i] = (uint32_t)(id % n);
            id /= n;
        }
        double gap = round == 2 ? 0.0 : 1 - parley_utility(sc, 0, v);
        double got = ng_ntft_nash_after(&s->agents[0], boffers, round - 1, gap);
        cr_assert_float_eq(got, want, 1e-12, "session %zu round %lu: %.17g, GENIUS %.17g", sessions,
                           round, got, want);
        checked++;
    }
    cr_assert_eq(sessions, 12u);
    cr_assert_gt(checked, 600u);
    parley_session_free(s);
    parley_scenario_free(sc);
    free(text);
}
