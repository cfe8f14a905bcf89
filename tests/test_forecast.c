/*
 * test_forecast.c -- the forecasting models against independent values:
 *
 *  - KTAB's own output (the .ktab-final.txt files in ../shared/data/ktab, parsed
 *    here): the number of states, every actor's position in every state
 *    as KTAB prints it (%.1f on [0, 100]) and every probability (%.4f);
 *  - a straightforward re-implementation of KTAB's SMP turn written in
 *    this file the way KTAB's C++ reads (full aUtil[h] matrices, every
 *    challenge estimated through them, explicit coalition and victory
 *    matrices), compared bit for bit with the library on random inputs,
 *    and the library with 1 and 3 threads;
 *  - the BDM model against the jmckib replication's published means and
 *    round-1 moves on bdm-eu-emissions.csv, and hand-checkable invariants;
 *  - readers: KTAB's XML equals its CSV; bad inputs fail with
 *    file:line:column.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/fc.h"
#include "parley/forecast.h"
#include "helpers/helpers.h"

#define KTAB_DIR PARLEY_SHARED_DATA "/ktab"

static bool have(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

#define NEED(path)                                                                                 \
    do {                                                                                           \
        if (!have(path))                                                                           \
            cr_skip_test("shared data missing: %s (needs ../shared/data beside the repository)",  \
                         path);                                                                    \
    } while (0)

/* ------------------------------------------------- KTAB's final summary */

typedef struct ref_line {
    char actor[64], dim[64];
    bool prob;
    size_t n;
    double v[128];
} ref_line;

static size_t parse_ref(const char *path, size_t *states, ref_line *out, size_t max)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    char line[8192];
    size_t n = 0;
    *states = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned st;
        if (sscanf(line, "There were %u states", &st) == 1)
            *states = st;
        char *comma = strchr(line, ',');
        char *colon = comma ? strchr(comma, ':') : NULL;
        if (!comma || !colon || strstr(line, "time"))
            continue;
        cr_assert(n < max);
        ref_line *r = &out[n];
        memset(r, 0, sizeof *r);
        snprintf(r->actor, sizeof r->actor, "%.*s", (int)(comma - line), line);
        char *d = comma + 1;
        while (*d == ' ')
            d++;
        char *e = colon;
        while (e > d && e[-1] == ' ')
            e--;
        snprintf(r->dim, sizeof r->dim, "%.*s", (int)(e - d), d);
        r->prob = strcmp(r->dim, "prob") == 0;
        char *p = colon + 1, *end;
        for (;;) {
            double v = strtod(p, &end);
            if (end == p)
                break;
            cr_assert(r->n < 128);
            r->v[r->n++] = v;
            p = end;
        }
        if (r->n)
            n++;
    }
    fclose(f);
    return n;
}

static void check_ktab_input(parley_forecast_input *in, const char *ref, size_t want_states);

static void check_ktab(const char *csv, const char *ref, size_t want_states)
{
    NEED(csv);
    NEED(ref);
    parley_forecast_input *in = NULL;
    parley_error err;
    cr_assert_eq(parley_ktab_read_csv(csv, NULL, &in, &err), PARLEY_OK, "%s", err.message);
    check_ktab_input(in, ref, want_states);
}

/* Run in (consumed) and compare every position and probability with
 * KTAB's final summary ref. */
static void check_ktab_input(parley_forecast_input *in, const char *ref, size_t want_states)
{
    parley_error err;
    parley_forecast_result *r = NULL;
    cr_assert_eq(parley_forecast_run(in, NULL, &r, &err), PARLEY_OK, "%s", err.message);
    static ref_line lines[1024];
    size_t states, n = parse_ref(ref, &states, lines, 1024);
    cr_assert_eq(states, want_states);
    cr_assert_eq(parley_forecast_result_states(r), states);
    cr_assert(parley_forecast_result_converged(r));
    size_t na = parley_forecast_actor_count(in), nd = parley_forecast_dim_count(in);
    cr_assert_eq(n, na * (nd + 1), "reference lines %zu", n);
    size_t checked = 0;
    for (size_t k = 0; k < n; k++) {
        const ref_line *l = &lines[k];
        size_t a = na, d = nd;
        for (size_t i = 0; i < na; i++)
            if (strcmp(parley_forecast_actor_name(in, i), l->actor) == 0)
                a = i;
        cr_assert(a < na, "actor %s", l->actor);
        if (!l->prob) {
            for (size_t j = 0; j < nd; j++)
                if (strcmp(parley_forecast_dim_name(in, j), l->dim) == 0)
                    d = j;
            cr_assert(d < nd, "dimension '%s'", l->dim);
        }
        cr_assert_eq(l->n, states);
        for (size_t s = 0; s < states; s++) {
            char ours[32], theirs[32];
            if (l->prob) {
                snprintf(ours, sizeof ours, "%.4f", parley_forecast_result_probability(r, s, a));
                snprintf(theirs, sizeof theirs, "%.4f", l->v[s]);
            } else {
                snprintf(ours, sizeof ours, "%.1f", parley_forecast_result_position(r, s, a, d));
                snprintf(theirs, sizeof theirs, "%.1f", l->v[s]);
            }
            cr_expect_str_eq(ours, theirs, "%s %s state %zu", l->actor, l->dim, s);
            checked++;
        }
    }
    cr_assert_eq(checked, states * na * (nd + 1));
    parley_forecast_result_free(r);
    parley_forecast_input_free(in);
}

Test(forecast_ktab, dummy_3dim_matches_ktab)
{
    check_ktab(KTAB_DIR "/dummyData_3Dim.csv", KTAB_DIR "/dummyData_3Dim.ktab-final.txt", 11);
}

Test(forecast_ktab, a040_matches_ktab)
{
    check_ktab(KTAB_DIR "/dummyData-a040.csv", KTAB_DIR "/dummyData-a040.ktab-final.txt", 21);
}

Test(forecast_ktab, xml_equals_csv)
{
    NEED(KTAB_DIR "/dummyData_3Dim.csv");
    NEED(KTAB_DIR "/dummyData_3Dim.xml");
    parley_forecast_input *a = NULL, *b = NULL;
    parley_error err;
    cr_assert_eq(parley_ktab_read_csv(KTAB_DIR "/dummyData_3Dim.csv", NULL, &a, &err), PARLEY_OK);
    cr_assert_eq(parley_ktab_read_xml(KTAB_DIR "/dummyData_3Dim.xml", NULL, &b, &err), PARLEY_OK,
                 "%s", err.message);
    cr_assert_eq(parley_forecast_actor_count(b), 7);
    cr_assert_eq(parley_forecast_dim_count(b), 3);
    cr_assert(!parley_forecast_input_smp_params(b, NULL));
    cr_assert_str_eq(parley_forecast_input_name(b), "DummyData_3Dim");
    parley_forecast_result *ra = NULL, *rb = NULL;
    cr_assert_eq(parley_forecast_run(a, NULL, &ra, &err), PARLEY_OK);
    cr_assert_eq(parley_forecast_run(b, NULL, &rb, &err), PARLEY_OK);
    cr_assert_eq(parley_forecast_result_states(ra), parley_forecast_result_states(rb));
    for (size_t s = 0; s < parley_forecast_result_states(ra); s++)
        for (size_t i = 0; i < 7; i++) {
            cr_assert_eq(parley_forecast_result_probability(ra, s, i),
                         parley_forecast_result_probability(rb, s, i));
            for (size_t d = 0; d < 3; d++)
                cr_assert_eq(parley_forecast_result_position(ra, s, i, d),
                             parley_forecast_result_position(rb, s, i, d));
        }
    parley_forecast_result_free(ra);
    parley_forecast_result_free(rb);
    parley_forecast_input_free(a);
    parley_forecast_input_free(b);
}

/* A spreadsheet's export pads line 1 ("...,7,3,0,,,,"); KTAB reads the
 * first four fields and ignores the rest, so the padded file must give
 * KTAB's own run. */
Test(forecast_ktab, padded_line_one_matches_ktab)
{
    const char *csv = KTAB_DIR "/dummyData_3Dim.csv";
    NEED(csv);
    NEED(KTAB_DIR "/dummyData_3Dim.ktab-final.txt");
    FILE *f = fopen(csv, "rb");
    cr_assert(f);
    static char text[1 << 16], padded[(1 << 16) + 64];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    char *nl = strchr(text, '\n');
    cr_assert(nl && nl > text);
    size_t l1 = (size_t)(nl - text);
    while (l1 > 0 && (text[l1 - 1] == ',' || text[l1 - 1] == '\r'))
        l1--; /* line 1 without its trailing comma */
    int n = snprintf(padded, sizeof padded, "%.*s,0,,,,%s", (int)l1, text, nl);
    cr_assert(n > 0 && (size_t)n < sizeof padded);
    parley_forecast_input *in = NULL;
    parley_error err;
    cr_assert_eq(parley_ktab_read_csv_text(padded, (size_t)n, "padded.csv", NULL, &in, &err),
                 PARLEY_OK, "%s", err.message);
    check_ktab_input(in, KTAB_DIR "/dummyData_3Dim.ktab-final.txt", 11);
}

/* KTAB's smpExample.xml as shipped: Alice's first <dCoord> is empty and
 * KTAB's xmlRead throws "no text for the following xml element: dCoord";
 * parley refuses it at its line, naming the element. */
Test(forecast_ktab, smp_example_refused_as_ktab_refuses_it)
{
    NEED(KTAB_DIR "/smpExample.xml");
    parley_forecast_input *in = NULL;
    parley_error err;
    cr_assert_eq(parley_ktab_read_xml(KTAB_DIR "/smpExample.xml", NULL, &in, &err),
                 PARLEY_ERR_SYNTAX);
    cr_assert_null(in);
    cr_assert_eq(err.line, 32);
    cr_assert(strstr(err.message, "<dCoord> (a position), found no text"), "%s", err.message);
}

/* The shared smpExample.xml with Alice's first <dCoord> filled in (52.8,
 * its value before KTAB commit 13ed507), as text in memory (the caller
 * frees it); its length in *n. */
static char *repaired_example(size_t *n)
{
    size_t len = 0;
    char *t = slurp(KTAB_DIR "/smpExample.xml", &len);
    cr_assert_not_null(t);
    const char *hole = "<dCoord></dCoord>", *at = strstr(t, hole);
    cr_assert_not_null(at);
    char *fixed = malloc(len + 16);
    cr_assert_not_null(fixed);
    int k = snprintf(fixed, len + 16, "%.*s<dCoord>52.8</dCoord>%s", (int)(at - t), t,
                     at + strlen(hole));
    free(t);
    *n = (size_t)k;
    return fixed;
}

/* The repaired smpExample read; *in owned by the caller. */
static void read_repaired_example(parley_forecast_input **in)
{
    size_t n;
    char *fixed = repaired_example(&n);
    parley_error err;
    cr_assert_eq(parley_ktab_read_xml_text(fixed, n, "rep.xml", NULL, in, &err), PARLEY_OK, "%s",
                 err.message);
    free(fixed);
}

/* Run in with its own parameters, the seed and threads given; *r owned by
 * the caller. */
static void run_seeded(const parley_forecast_input *in, uint64_t seed, unsigned threads,
                       parley_forecast_result **r)
{
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    cr_assert(parley_forecast_input_smp_params(in, &o.smp));
    o.seed_set = true;
    o.seed = seed;
    o.threads = threads;
    parley_error err;
    cr_assert_eq(parley_forecast_run(in, &o, r, &err), PARLEY_OK, "%s", err.message);
}

static bool same_run(const parley_forecast_result *a, const parley_forecast_result *b)
{
    size_t ns = parley_forecast_result_states(a), na = parley_forecast_result_actors(a);
    size_t nd = parley_forecast_result_dims(a);
    if (ns != parley_forecast_result_states(b))
        return false;
    for (size_t s = 0; s < ns; s++)
        for (size_t i = 0; i < na; i++) {
            if (memcmp(&(double){parley_forecast_result_probability(a, s, i)},
                       &(double){parley_forecast_result_probability(b, s, i)}, sizeof(double)))
                return false;
            for (size_t d = 0; d < nd; d++)
                if (parley_forecast_result_position(a, s, i, d) !=
                    parley_forecast_result_position(b, s, i, d))
                    return false;
        }
    return true;
}

/* Repaired, the file runs as KTAB runs it (MarkovIncentive, Stochastic,
 * PropCbc): the same seed gives the same run on 1 and 2 threads; the
 * distinct positions' probabilities of every state are >= 0 and sum to 1;
 * other seeds give other runs. */
Test(forecast_ktab, smp_example_repaired_runs_seeded)
{
    NEED(KTAB_DIR "/smpExample.xml");
    parley_forecast_input *in = NULL;
    read_repaired_example(&in);
    cr_assert_eq(parley_forecast_actor_position(in, 0, 0), 52.8);
    parley_smp_params p;
    cr_assert(parley_forecast_input_smp_params(in, &p));
    cr_assert_eq(p.pce, PARLEY_SMP_PCE_MARKOV_INCENTIVE);
    cr_assert_eq(p.transitions, PARLEY_SMP_STOCHASTIC);
    uint64_t seed = 0;
    cr_assert(parley_forecast_input_seed(in, &seed));
    cr_assert_eq(seed, UINT64_C(3507583219545544127));
    parley_forecast_result *r1 = NULL, *r2 = NULL;
    run_seeded(in, seed, 1, &r1);
    run_seeded(in, seed, 2, &r2);
    cr_assert(same_run(r1, r2));
    size_t na = 5;
    for (size_t s = 0; s < parley_forecast_result_states(r1); s++) {
        double sum = 0;
        for (size_t i = 0; i < na; i++) {
            bool first = true;
            for (size_t j = 0; j < i; j++) {
                double dd = 0;
                for (size_t d = 0; d < 3; d++) {
                    double t = parley_forecast_result_position(r1, s, i, d) -
                               parley_forecast_result_position(r1, s, j, d);
                    dd += t * t;
                }
                first = first && sqrt(dd) / 100.0 >= 1e-3;
            }
            double pi = parley_forecast_result_probability(r1, s, i);
            cr_assert_geq(pi, 0.0);
            sum += first ? pi : 0.0;
        }
        cr_assert_float_eq(sum, 1.0, 1e-9, "state %zu", s);
    }
    size_t differ = 0;
    for (uint64_t k = 1; k <= 4; k++) {
        parley_forecast_result *rk = NULL;
        run_seeded(in, seed + k, 1, &rk);
        differ += !same_run(r1, rk);
        parley_forecast_result_free(rk);
    }
    cr_assert_gt(differ, 0, "four other seeds all gave the same run");
    parley_forecast_result_free(r1);
    parley_forecast_result_free(r2);
    parley_forecast_input_free(in);
}

/* An empty <dCoord> or <dSal> is refused at its line, as KTAB refuses it;
 * text that is no number too. */
Test(forecast_ktab, empty_coordinate_is_refused)
{
    const char *head = "<Scenario><name>s</name><desc>d</desc><Dimensions><dName>x</dName>"
                       "</Dimensions><Actors>"
                       "<Actor><name>A</name><description/><capability>2</capability>"
                       "<Position><dCoord>",
               *mid = "</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>\n"
                      "<Actor><name>B</name><description/><capability>1</capability>"
                      "<Position><dCoord>80</dCoord></Position><Salience><dSal>",
               *tail = "</dSal></Salience></Actor></Actors></Scenario>";
    /* c: A's position; s: B's salience */
#define KT_SMALL(buf, c, s) snprintf(buf, sizeof buf, "%s%s%s%s%s", head, c, mid, s, tail)
    char a[1024];
    parley_forecast_input *ia = NULL;
    parley_error err;
    KT_SMALL(a, "0", "30");
    cr_assert_eq(parley_ktab_read_xml_text(a, strlen(a), "a.xml", NULL, &ia, &err), PARLEY_OK);
    parley_forecast_input_free(ia);
    ia = NULL;
    KT_SMALL(a, "", "30");
    cr_assert_eq(parley_ktab_read_xml_text(a, strlen(a), "a.xml", NULL, &ia, &err),
                 PARLEY_ERR_SYNTAX);
    cr_assert(strstr(err.message, "<dCoord> (a position), found no text"), "%s", err.message);
    cr_assert_eq(err.line, 1);
    KT_SMALL(a, "10", "");
    cr_assert_eq(parley_ktab_read_xml_text(a, strlen(a), "a.xml", NULL, &ia, &err),
                 PARLEY_ERR_SYNTAX);
    cr_assert(strstr(err.message, "<dSal> (a salience), found no text"), "%s", err.message);
    cr_assert_eq(err.line, 2);
    KT_SMALL(a, "4O", "1");
#undef KT_SMALL
    cr_assert_eq(parley_ktab_read_xml_text(a, strlen(a), "a.xml", NULL, &ia, &err),
                 PARLEY_ERR_SYNTAX);
    cr_assert(strstr(err.message, "'4O'"), "%s", err.message);
    cr_assert_eq(err.line, 1);
}

/* ------------------------------------------------ KTAB's PCE models */

/* Coalitions of a 2-option case, C for 0 against 1, D for 1 against 0,
 * KTAB's 1e-8 diagonal. */
static void pce2(parley_smp_pce m, double C, double D, double *p)
{
    double cl[4] = {1e-8, C, D, 1e-8}, work[FC_PCE_WORK(2)];
    fc_pce(m, PARLEY_SMP_VP_LINEAR, 2, cl, work, p);
}

/* Two options by hand: with a = C/(C+D), Conditional and MarkovUniform give
 * p0 = a (uniform: p0 = (p0 + a)/2 at the fixed point); MarkovIncentive
 * balances the flows between the two, p0 (1-a) ch10 = p1 a ch01, with
 * ch01 = Ca/(Ca + e), ch10 = D(1-a)/(D(1-a) + e), e = 0.5e-8 + 1e-10. */
Test(forecast_pce, two_options_by_hand)
{
    const double C = 3.0, D = 1.0, a = 0.75, e = 0.5e-8 + 1e-10;
    double p[2];
    pce2(PARLEY_SMP_PCE_CONDITIONAL, C, D, p);
    cr_assert_float_eq(p[0], a, 1e-12);
    pce2(PARLEY_SMP_PCE_MARKOV_UNIFORM, C, D, p); /* stops with |a - p0| < 2e-6 */
    cr_assert_float_eq(p[0], a, 1e-5);
    cr_assert_float_eq(p[0] + p[1], 1.0, 1e-12);
    pce2(PARLEY_SMP_PCE_MARKOV_INCENTIVE, C, D, p);
    const double ch01 = C * a / (C * a + e), ch10 = D * (1 - a) / (D * (1 - a) + e);
    const double r = a * ch01 / ((1 - a) * ch10); /* p0 / p1 */
    cr_assert_float_eq(p[0], r / (1 + r), 1e-7);
    cr_assert_float_eq(p[0] + p[1], 1.0, 1e-12);
    /* tiny support on one side: the incentive model and the uniform one part */
    pce2(PARLEY_SMP_PCE_MARKOV_INCENTIVE, 1.0, 1e-8, p);
    cr_assert_gt(p[0], 0.999);
}

/* The stationary distribution of q = M p, solved directly: (M - I) p = 0
 * with the last row replaced by sum p = 1, Gaussian elimination. */
static void stationary3(double M[3][3], double *p)
{
    double A[3][4];
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            A[i][j] = M[i][j] - (i == j);
        A[i][3] = 0;
    }
    for (int j = 0; j < 3; j++)
        A[2][j] = 1;
    A[2][3] = 1;
    for (int c = 0; c < 3; c++) {
        int piv = c;
        for (int i = c + 1; i < 3; i++)
            if (fabs(A[i][c]) > fabs(A[piv][c]))
                piv = i;
        for (int j = 0; j < 4; j++) {
            double t = A[c][j];
            A[c][j] = A[piv][j];
            A[piv][j] = t;
        }
        for (int i = 0; i < 3; i++)
            if (i != c) {
                double f = A[i][c] / A[c][c];
                for (int j = 0; j < 4; j++)
                    A[i][j] -= f * A[c][j];
            }
    }
    for (int i = 0; i < 3; i++)
        p[i] = A[i][3] / A[i][i];
}

/* Three options: KTAB's chains written out as matrices (uniform: i
 * challenged by each option with probability 1/3; incentive: by option k
 * with probability proportional to C_kj P_kj) and solved exactly. */
Test(forecast_pce, three_options_against_exact_stationary)
{
    const double cl[9] = {1e-8, 2.0, 0.5, 1.0, 1e-8, 3.0, 1.5, 0.25, 1e-8};
    double P[3][3], ch[3][3], M[3][3], want[3], p[3], work[FC_PCE_WORK(3)];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            P[i][j] = i == j ? 0.5 : cl[i * 3 + j] / (cl[i * 3 + j] + cl[j * 3 + i]);
    /* uniform: q_i = (1/3) sum_j P_ij (p_i + p_j) */
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            M[i][k] = P[i][k] / 3.0;
            if (k == i)
                for (int j = 0; j < 3; j++)
                    M[i][k] += P[i][j] / 3.0;
        }
    stationary3(M, want);
    fc_pce(PARLEY_SMP_PCE_MARKOV_UNIFORM, PARLEY_SMP_VP_LINEAR, 3, cl, work, p);
    for (int i = 0; i < 3; i++)
        cr_assert_float_eq(p[i], want[i], 1e-5, "uniform %d: %g vs %g", i, p[i], want[i]);
    /* incentive */
    for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int k = 0; k < 3; k++)
            s += ch[k][j] = cl[k * 3 + j] * P[k][j] + (k == j ? 1e-10 : 0);
        for (int k = 0; k < 3; k++)
            ch[k][j] /= s;
    }
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            M[i][k] = P[i][k] * ch[i][k];
            if (k == i)
                for (int j = 0; j < 3; j++)
                    M[i][k] += P[i][j] * ch[j][i];
        }
    stationary3(M, want);
    fc_pce(PARLEY_SMP_PCE_MARKOV_INCENTIVE, PARLEY_SMP_VP_LINEAR, 3, cl, work, p);
    double sum = 0;
    for (int i = 0; i < 3; i++) {
        cr_assert_float_eq(p[i], want[i], 1e-7, "incentive %d: %g vs %g", i, p[i], want[i]);
        cr_assert_geq(p[i], 0.0);
        sum += p[i];
    }
    cr_assert_float_eq(sum, 1.0, 1e-12);
}

/* ------------------------------------ a straightforward SMP (reference) */

/* Everything below follows KTAB's C++ in its own shapes: aUtil[h](i, j)
 * as full matrices, probEduChlg through them, bargains as a list, queue
 * order status quo then initiators.  Reference configuration only. */

typedef struct rsmp {
    size_t na, nd;
    double cap[16], sal[16][4], x[16][4], ideal[16][4];
    double vd[16][16], R[16], au[16][16][16];
} rsmp;

static double r_bs(double sd, double r)
{
    return sd <= 1 ? (1 - sd) * (1 + sd * r) : (1 - sd) * (1 + r);
}

static double r_sum(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s = s + v[i];
    return s;
}

static double r_bvdiff(const double *a, const double *b, const double *s, size_t nd)
{
    double ds2 = 0, ss2 = 0;
    for (size_t d = 0; d < nd; d++) {
        double ds = (a[d] - b[d]) * s[d];
        ds2 = ds2 + ds * ds;
        ss2 = ss2 + s[d] * s[d];
    }
    return sqrt(ds2 / ss2);
}

/* Model::scalarPCE, Proportional voting, Linear victory, Conditional. */
static void r_pce(size_t na, size_t no, const double *w, double u[16][40], double *p)
{
    static double c[40][40], pv[40][40];
    for (size_t i = 0; i < no; i++) {
        for (size_t j = 0; j < i; j++) {
            double cij = 1e-8, cji = 1e-8;
            for (size_t k = 0; k < na; k++) {
                double v = w[k] * (u[k][i] - u[k][j]);
                if (v > 0)
                    cij = cij + v;
                if (v < 0)
                    cji = cji - v;
            }
            c[i][j] = cij;
            c[j][i] = cji;
        }
    }
    for (size_t i = 0; i < no; i++) {
        for (size_t j = 0; j < i; j++) {
            pv[i][j] = c[i][j] / (c[i][j] + c[j][i]);
            pv[j][i] = c[j][i] / (c[i][j] + c[j][i]);
        }
        pv[i][i] = 0.5;
    }
    for (size_t i = 0; i < no; i++) {
        double pi = 1.0;
        for (size_t j = 0; j < no; j++)
            pi = pi * pv[i][j];
        p[i] = pi;
    }
    double s = r_sum(p, no);
    for (size_t i = 0; i < no; i++)
        p[i] = p[i] / s;
}

static bool r_equiv(const rsmp *m, size_t i, size_t j)
{
    double s = 0;
    for (size_t d = 0; d < m->nd; d++)
        s = s + (m->x[i][d] - m->x[j][d]) * (m->x[i][d] - m->x[j][d]);
    return sqrt(s) < 1e-3;
}

/* setAllAUtil + pDist(-1): risk attitudes, aUtil, probabilities. */
static void r_setup(rsmp *m, double *prob)
{
    size_t na = m->na;
    static double u[16][40];
    double p[40];
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++) {
            m->vd[i][j] = r_bvdiff(m->ideal[i], m->x[j], m->sal[i], m->nd);
            u[i][j] = r_bs(m->vd[i][j], 0.0);
        }
    r_pce(na, na, m->cap, u, p);
    double pmin = 1, pmax = 0;
    for (size_t i = 0; i < na; i++) {
        pmin = fmin(pmin, p[i]);
        pmax = fmax(pmax, p[i]);
    }
    for (size_t i = 0; i < na; i++)
        m->R[i] = (3 * p[i] - (pmax + 2 * pmin)) / (2 * (pmax - pmin));
    for (size_t h = 0; h < na; h++)
        for (size_t i = 0; i < na; i++) {
            double rhi = ((2.0 * m->R[h]) + m->R[i]) / 3.0;
            for (size_t j = 0; j < na; j++)
                m->au[h][i][j] = r_bs(m->vd[i][j], rhi);
        }
    size_t uq[16], nu = 0;
    for (size_t i = 0; i < na; i++) {
        bool f = false;
        for (size_t j = 0; j < nu && !f; j++)
            f = r_equiv(m, i, uq[j]);
        if (!f)
            uq[nu++] = i;
    }
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nu; j++)
            u[i][j] = m->au[i][i][uq[j]];
    r_pce(na, nu, m->cap, u, p);
    for (size_t i = 0; i < na; i++) {
        size_t k = 0;
        for (size_t j = 0; j < nu; j++)
            if (r_equiv(m, i, uq[j]))
                k = j;
        prob[i] = p[k];
    }
}

static void r_prob_edu(const rsmp *m, size_t h, size_t k, size_t i, size_t j, double *ph,
                       double *du)
{
    const double(*a)[16] = m->au[h];
    double si = r_sum(m->sal[i], m->nd), sj = r_sum(m->sal[j], m->nd);
    double euSQ = a[k][i] + a[k][j], uhkij = a[k][i] + a[k][i], uhkji = a[k][j] + a[k][j];
    double ci = (si * m->cap[i]) * (a[i][i] - a[i][j]);
    double cj = (sj * m->cap[j]) * (a[j][i] - a[j][j]);
    double chij = 1e-10, chji = 1e-10;
    if (ci > 0) chij = chij + ci;
    if (ci < 0) chji = chji - ci;
    if (cj > 0) chij = chij + cj;
    if (cj < 0) chji = chji - cj;
    double cI = chij, cJ = chji;
    for (size_t n = 0; n < m->na; n++) {
        if (n == i || n == j)
            continue;
        double wn = r_sum(m->sal[n], m->nd) * m->cap[n];
        double uni = a[n][i], unj = a[n][j], unn = a[n][n];
        double v0 = wn * (uni - unj);
        double cni = v0 > 0 ? cI + v0 : cI, cnj = v0 < 0 ? cJ - v0 : cJ;
        double pin = cni / (cni + cnj), pjn = 1.0 - pin;
        double uikj = pin * (uni + uni + unn) + pjn * (unj + unj + unj);
        double uijk = pin * (uni + uni + uni) + pjn * (unj + unj + unn);
        double vn = wn * (uikj - uijk);
        if (vn > 0) chij = chij + vn;
        if (vn < 0) chji = chji - vn;
    }
    double phij = chij / (chij + chji), phji = chji / (chij + chji);
    double euChlg = (1 - sj) * uhkij + sj * (phij * uhkij + phji * uhkji);
    *ph = phij;
    *du = euChlg - euSQ;
}

static double r_round4(double x) { return (double)(int)(0.5 + x * 10000.0) / 10000.0; }

typedef struct r_bargain {
    size_t init, rcvr;
    double pi[4], pr[4];
} r_bargain;

/* One run: positions pos[s][a][d] on [0, 100] and probabilities. */
static size_t r_run(rsmp *m, double pos[][16][4], double prob[][16], size_t max_states)
{
    size_t na = m->na, nd = m->nd, s = 0;
    memcpy(m->ideal, m->x, sizeof m->x);
    r_setup(m, prob[0]);
    for (size_t a = 0; a < na; a++)
        for (size_t d = 0; d < nd; d++)
            pos[0][a][d] = m->x[a][d] * 100.0;
    double d01 = 0;
    for (unsigned iter = 1;; iter++) {
        r_bargain bg[16];
        size_t nb = 0;
        for (size_t i = 0; i < na; i++) {
            long bj = -1;
            double bp = 0, be = -1;
            for (size_t j = 0; j < na; j++) {
                if (j == i)
                    continue;
                double ph, du;
                r_prob_edu(m, i, i, i, j, &ph, &du);
                if (1e-5 < du && be < du) {
                    bj = (long)j;
                    bp = ph;
                    be = du;
                }
            }
            if (bj < 0)
                continue;
            size_t j = (size_t)bj;
            r_bargain *b = &bg[nb++];
            b->init = i;
            b->rcvr = j;
            for (size_t d = 0; d < nd; d++) {
                double wik = pow(m->sal[i][d], 2) * pow(bp, 2);
                double wjk = pow(m->sal[j][d], 2) * pow(1 - bp, 2);
                double ti = m->x[i][d], tj = m->x[j][d];
                b->pi[d] = r_round4(((wik + 1e-6) * ti + wjk * tj) / (wik + 1e-6 + wjk));
                b->pr[d] = r_round4((wik * ti + (1e-6 + wjk) * tj) / (wik + 1e-6 + wjk));
            }
        }
        double nx[16][4];
        for (size_t k = 0; k < na; k++) {
            long q[40];
            size_t nq = 0;
            q[nq++] = -1;
            for (size_t b = 0; b < nb; b++)
                if (bg[b].init == k || bg[b].rcvr == k)
                    q[nq++] = (long)b;
            static double u[16][40];
            for (size_t n = 0; n < na; n++)
                for (size_t mm = 0; mm < nq; mm++) {
                    double ua = 0.0;
                    if (q[mm] < 0) {
                        for (size_t o = 0; o < na; o++)
                            ua = ua + m->au[n][n][o];
                    } else {
                        const r_bargain *b = &bg[q[mm]];
                        ua = ua + r_bs(r_bvdiff(m->ideal[n], b->pi, m->sal[n], nd), m->R[n]);
                        ua = ua + r_bs(r_bvdiff(m->ideal[n], b->pr, m->sal[n], nd), m->R[n]);
                        for (size_t o = 0; o < na; o++)
                            if (o != b->init && o != b->rcvr)
                                ua = ua + m->au[n][n][o];
                    }
                    u[n][mm] = ua / na;
                }
            double p[40];
            r_pce(na, nq, m->cap, u, p);
            size_t best = 0;
            for (size_t mm = 1; mm < nq; mm++)
                if (fabs(p[mm]) > fabs(p[best]))
                    best = mm;
            for (size_t d = 0; d < nd; d++) {
                if (q[best] < 0)
                    nx[k][d] = m->x[k][d];
                else
                    nx[k][d] = bg[q[best]].init == k ? bg[q[best]].pi[d] : bg[q[best]].pr[d];
            }
        }
        double dist = 0;
        for (size_t a = 0; a < na; a++) {
            double q2 = 0;
            for (size_t d = 0; d < nd; d++)
                q2 = q2 + (m->x[a][d] - nx[a][d]) * (m->x[a][d] - nx[a][d]);
            dist = dist + sqrt(q2);
        }
        memcpy(m->x, nx, sizeof nx);
        memcpy(m->ideal, nx, sizeof nx);
        s = iter;
        cr_assert(s < max_states);
        r_setup(m, prob[s]);
        for (size_t a = 0; a < na; a++)
            for (size_t d = 0; d < nd; d++)
                pos[s][a][d] = m->x[a][d] * 100.0;
        if (iter == 1)
            d01 = dist + 1e-4;
        if ((iter >= 2 && dist / d01 < 0.02) || iter >= 100)
            break;
    }
    return s + 1;
}

static rng rgen = {88172645463325252ull}; /* the tests' generator (helpers.h) */
static double rnd(void)
{
    return rng_unit(&rgen);
}

Test(forecast_smp, fast_equals_straightforward_on_random_inputs, .timeout = 120)
{
    static double rpos[101][16][4], rprob[101][16];
    for (int trial = 0; trial < 40; trial++) {
        rsmp m;
        memset(&m, 0, sizeof m);
        m.na = 3 + (size_t)(rnd() * 8);  /* 3..10 */
        m.nd = 1 + (size_t)(rnd() * 3);  /* 1..3 */
        parley_forecast_input *in = parley_forecast_input_new(NULL);
        parley_error err;
        char nm[32];
        for (size_t d = 0; d < m.nd; d++) {
            snprintf(nm, sizeof nm, "D%zu", d);
            cr_assert_eq(parley_forecast_add_dimension(in, nm, 0, 100, &err), PARLEY_OK);
        }
        for (size_t a = 0; a < m.na; a++) {
            double pos[4], sal[4], tot = 0;
            double c = floor(10 + rnd() * 190000) / 1000;
            for (size_t d = 0; d < m.nd; d++) {
                pos[d] = floor(rnd() * 10000) / 100; /* 2 decimals, as KTAB files */
                sal[d] = floor(5 + rnd() * 9500 / (double)m.nd) / 100;
                tot += sal[d];
            }
            cr_assert(tot <= 100);
            for (size_t d = 0; d < m.nd; d++) {
                m.x[a][d] = pos[d] / 100.0;
                m.sal[a][d] = sal[d] / 100.0;
                sal[d] = sal[d] / 100.0;
            }
            m.cap[a] = c;
            snprintf(nm, sizeof nm, "A%zu", a);
            cr_assert_eq(parley_forecast_add_actor(in, nm, NULL, c, pos, sal, &err), PARLEY_OK,
                         "%s", err.message);
        }
        size_t rs = r_run(&m, rpos, rprob, 101);
        for (unsigned threads = 1; threads <= 3; threads += 2) {
            parley_forecast_options o;
            parley_forecast_options_init(&o);
            o.threads = threads;
            parley_forecast_result *r = NULL;
            cr_assert_eq(parley_forecast_run(in, &o, &r, &err), PARLEY_OK, "%s", err.message);
            cr_assert_eq(parley_forecast_result_states(r), rs, "trial %d: %zu vs %zu states", trial,
                         parley_forecast_result_states(r), rs);
            for (size_t s = 0; s < rs; s++)
                for (size_t a = 0; a < m.na; a++) {
                    cr_assert_eq(parley_forecast_result_probability(r, s, a), rprob[s][a],
                                 "trial %d state %zu actor %zu", trial, s, a);
                    for (size_t d = 0; d < m.nd; d++)
                        cr_assert_eq(parley_forecast_result_position(r, s, a, d), rpos[s][a][d],
                                     "trial %d state %zu actor %zu dim %zu", trial, s, a, d);
                }
            parley_forecast_result_free(r);
        }
        parley_forecast_input_free(in);
    }
}

Test(forecast_smp, probabilities_of_distinct_positions_sum_to_one)
{
    NEED(KTAB_DIR "/dummyData-a040.csv");
    parley_forecast_input *in = NULL;
    parley_error err;
    cr_assert_eq(parley_ktab_read_csv(KTAB_DIR "/dummyData-a040.csv", NULL, &in, &err), PARLEY_OK);
    parley_forecast_result *r = NULL;
    cr_assert_eq(parley_forecast_run(in, NULL, &r, &err), PARLEY_OK);
    size_t na = parley_forecast_actor_count(in);
    /* the distinct options as KTAB forms them: first appearances, two
     * positions within 0.1 (1e-3 on its [0, 1] scale) being one */
    size_t checked = 0;
    for (size_t s = 0; s < parley_forecast_result_states(r); s++) {
        double sum = 0;
        size_t uq[64], nu = 0;
        bool edge = false; /* a gap of 0.1 exactly: rounding decides, skip */
        for (size_t a = 0; a < na; a++) {
            bool found = false;
            for (size_t k = 0; k < nu && !found; k++) {
                double g = fabs(parley_forecast_result_position(r, s, a, 0) -
                                parley_forecast_result_position(r, s, uq[k], 0));
                found = g < 0.1;
                edge = edge || fabs(g - 0.1) < 1e-6;
            }
            if (!found) {
                uq[nu++] = a;
                sum += parley_forecast_result_probability(r, s, a);
            }
        }
        if (edge)
            continue;
        cr_assert_float_eq(sum, 1.0, 1e-9, "state %zu", s);
        checked++;
    }
    cr_assert_geq(checked, 5);
    parley_forecast_result_free(r);
    parley_forecast_input_free(in);
}

/* ------------------------------------------------------------------ BDM */

static parley_forecast_result *run_bdm(parley_forecast_input **inp, const parley_bdm_params *p,
                                       unsigned rounds)
{
    parley_error err;
    cr_assert_eq(parley_ktab_read_csv(KTAB_DIR "/bdm-eu-emissions.csv", NULL, inp, &err),
                 PARLEY_OK, "%s", err.message);
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    o.model = PARLEY_FORECAST_BDM;
    if (p)
        o.bdm = *p;
    o.max_rounds = rounds;
    parley_forecast_result *r = NULL;
    cr_assert_eq(parley_forecast_run(*inp, &o, &r, &err), PARLEY_OK, "%s", err.message);
    return r;
}

static double cs_mean(const parley_forecast_input *in, const parley_forecast_result *r, size_t s)
{
    double num = 0, den = 0;
    for (size_t a = 0; a < parley_forecast_actor_count(in); a++) {
        double w = parley_forecast_actor_capability(in, a) * parley_forecast_actor_salience(in, a, 0);
        num += w * parley_forecast_result_position(r, s, a, 0);
        den += w;
    }
    return num / den;
}

static size_t actor(const parley_forecast_input *in, const char *name)
{
    for (size_t a = 0; a < parley_forecast_actor_count(in); a++)
        if (strcmp(parley_forecast_actor_name(in, a), name) == 0)
            return a;
    cr_assert_fail("no actor %s", name);
    return 0;
}

Test(forecast_bdm, reproduces_jmckib_means_and_first_round)
{
    NEED(KTAB_DIR "/bdm-eu-emissions.csv");
    /* jmckib's bdm_scholz_model.py (Q = 1, Scholz's probability), means
     * after rounds 1-10 as it prints them */
    static const double means[] = {7.390, 7.461, 7.553, 7.590, 7.358, 7.349,
                                   7.415, 7.510, 7.572, 7.325, 7.242};
    for (int cap = 0; cap < 2; cap++) {
        parley_forecast_options o;
        parley_forecast_options_init(&o);
        o.bdm.capitulation = cap != 0; /* jmckib's typo disables it; here it never fires */
        parley_forecast_input *in = NULL;
        parley_forecast_result *r = run_bdm(&in, &o.bdm, 10);
        cr_assert_eq(parley_forecast_result_states(r), 11);
        cr_assert(!parley_forecast_result_converged(r));
        for (size_t s = 0; s <= 10; s++)
            cr_expect_float_eq(cs_mean(in, r, s), means[s], 5.1e-4, "round %zu: %.4f", s,
                               cs_mean(in, r, s));
        cr_expect_float_eq(parley_forecast_result_position(r, 1, actor(in, "Belgium"), 0), 8.4159,
                           5e-5);
        cr_expect_eq(parley_forecast_result_position(r, 1, actor(in, "Luxembourg"), 0), 7.0);
        cr_expect_eq(parley_forecast_result_position(r, 1, actor(in, "Ireland"), 0), 4.0);
        /* the big players never move */
        for (size_t s = 0; s <= 10; s++) {
            cr_expect_eq(parley_forecast_result_position(r, s, actor(in, "France"), 0), 10.0);
            cr_expect_eq(parley_forecast_result_position(r, s, actor(in, "Germany"), 0), 4.0);
        }
        /* the weighted median of the input is 7 */
        cr_expect_eq(parley_forecast_result_forecast(r, 0), 7.0);
        parley_forecast_result_free(r);
        parley_forecast_input_free(in);
    }
}

Test(forecast_bdm, pairwise_probability_converges_on_seven)
{
    NEED(KTAB_DIR "/bdm-eu-emissions.csv");
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    o.bdm.prob = PARLEY_BDM_PROB_PAIRWISE;
    parley_forecast_input *in = NULL;
    parley_forecast_result *r = run_bdm(&in, &o.bdm, 10);
    cr_assert(parley_forecast_result_converged(r));
    size_t last = parley_forecast_result_states(r) - 1;
    cr_assert_leq(last, 4, "%zu rounds", last);
    for (size_t a = 0; a < parley_forecast_actor_count(in); a++)
        cr_expect_float_eq(parley_forecast_result_position(r, last, a, 0), 7.0, 1e-12, "%s",
                           parley_forecast_actor_name(in, a));
    for (size_t a = 0; a < parley_forecast_actor_count(in); a++)
        cr_expect_float_eq(parley_forecast_result_probability(r, last, a), 1.0, 1e-12);
    parley_forecast_result_free(r);
    parley_forecast_input_free(in);
}

Test(forecast_bdm, medians_and_invariants)
{
    NEED(KTAB_DIR "/bdm-eu-emissions.csv");
    parley_forecast_options o;
    parley_forecast_options_init(&o);
    /* after round 1 (positions 4, 8.4159, 7, 4, 10, 10, 10, 4, 4, 7):
     * the c s-weighted mean is 7.461; the weighted median by c s is
     * 8.4159 (cumulative weights .247 at 4, .309 at 7, .341 >= .677 / 2
     * at 8.4159) */
    o.bdm.median = PARLEY_BDM_MEDIAN_MEAN;
    parley_forecast_input *in0 = NULL;
    parley_forecast_result *r0 = run_bdm(&in0, &o.bdm, 1);
    cr_expect_float_eq(parley_forecast_result_forecast(r0, 0), cs_mean(in0, r0, 1), 1e-12);
    cr_expect_float_eq(parley_forecast_result_forecast(r0, 0), 7.461, 5e-4);
    parley_forecast_result_free(r0);
    parley_forecast_input_free(in0);
    o.bdm.median = PARLEY_BDM_MEDIAN_WEIGHTED;
    r0 = run_bdm(&in0, &o.bdm, 1);
    cr_expect_float_eq(parley_forecast_result_forecast(r0, 0), 8.4159, 5e-5);
    parley_forecast_result_free(r0);
    parley_forecast_input_free(in0);
    /* probabilities of distinct positions sum to 1 in every round */
    o.bdm.median = PARLEY_BDM_MEDIAN_CONDORCET;
    parley_forecast_input *in = NULL;
    parley_forecast_result *r = run_bdm(&in, &o.bdm, 10);
    size_t na = parley_forecast_actor_count(in);
    for (size_t s = 0; s < parley_forecast_result_states(r); s++) {
        double sum = 0;
        for (size_t a = 0; a < na; a++) {
            bool first = true;
            for (size_t b = 0; b < a; b++)
                if (parley_forecast_result_position(r, s, a, 0) ==
                    parley_forecast_result_position(r, s, b, 0))
                    first = false;
            if (first)
                sum += parley_forecast_result_probability(r, s, a);
        }
        cr_assert_float_eq(sum, 1.0, 1e-12, "round %zu", s);
    }
    /* at the start, the three positions 4, 7, 10: 7 is the Condorcet
     * winner (it beats 4 and 10 on c s-weighted distance votes) and so
     * the most probable */
    size_t be = actor(in, "Belgium"), fr = actor(in, "France"), ne = actor(in, "Netherlands");
    cr_assert_gt(parley_forecast_result_probability(r, 0, be),
                 parley_forecast_result_probability(r, 0, fr));
    cr_assert_gt(parley_forecast_result_probability(r, 0, be),
                 parley_forecast_result_probability(r, 0, ne));
    parley_forecast_result_free(r);
    parley_forecast_input_free(in);
}

/* --------------------------------------------------------------- readers */

static parley_status read_csv(const char *text, parley_error *err)
{
    parley_forecast_input *in = NULL;
    parley_status st = parley_ktab_read_csv_text(text, strlen(text), "t.csv", NULL, &in, err);
    parley_forecast_input_free(in);
    return st;
}

Test(forecast_readers, csv_errors_have_line_and_column)
{
    parley_error err;
    const char *head = "S, d, 3, 1,\nActor, Desc, Power, P1, S1\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%sA, x, 1, 50, 50\nB, x, 1, 120, 50\nC, x, 1, 5, 5\n", head);
    cr_assert_eq(read_csv(buf, &err), PARLEY_ERR_INVALID);
    cr_assert_str_eq(err.file, "t.csv");
    cr_assert_eq(err.line, 4);
    cr_assert_eq(err.column, 10, "column %u", err.column);
    cr_assert(strstr(err.message, "[0, 100]"), "%s", err.message);

    snprintf(buf, sizeof buf, "%sA, x, 1, 50, 50\nB, x, one, 12, 50\nC, x, 1, 5, 5\n", head);
    cr_assert_eq(read_csv(buf, &err), PARLEY_ERR_SYNTAX);
    cr_assert_eq(err.line, 4);
    cr_assert_eq(err.column, 7);

    snprintf(buf, sizeof buf, "%sA, x, 1, 50, 50\nB, x, 1, 12\nC, x, 1, 5, 5\n", head);
    cr_assert_eq(read_csv(buf, &err), PARLEY_ERR_SYNTAX);
    cr_assert_eq(err.line, 4);
    cr_assert(strstr(err.message, "expected 5 fields"), "%s", err.message);

    snprintf(buf, sizeof buf, "%sA, x, 1, 50, 50\nB, x, 1, 12, 5\n", head);
    cr_assert_eq(read_csv(buf, &err), PARLEY_ERR_SYNTAX);
    cr_assert(strstr(err.message, "declares 3 actors"), "%s", err.message);

    snprintf(buf, sizeof buf, "%sA, x, 1, 50, 50\nB, x, 1, 12, 5\nC, x, 1, 5, 5\nD, x, 1, 5, 5\n",
             head);
    cr_assert_eq(read_csv(buf, &err), PARLEY_ERR_SYNTAX);
    cr_assert_eq(err.line, 6);

    snprintf(buf, sizeof buf, "%sA, x, 1, 50, 50\nA, x, 1, 12, 5\nC, x, 1, 5, 5\n", head);
    cr_assert_eq(read_csv(buf, &err), PARLEY_ERR_INVALID);
    cr_assert_eq(err.line, 4);
    cr_assert(strstr(err.message, "twice"), "%s", err.message);

    snprintf(buf, sizeof buf, "%s\"A, x, 1, 50, 50\n", head);
    cr_assert_eq(read_csv(buf, &err), PARLEY_ERR_SYNTAX);
    cr_assert_eq(err.line, 3);
    cr_assert_eq(err.column, 1);

    cr_assert_eq(read_csv("S, d, x, 1\n", &err), PARLEY_ERR_SYNTAX);
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 7);
    cr_assert_eq(read_csv("", &err), PARLEY_ERR_SYNTAX);
}

Test(forecast_readers, csv_quotes_padding_and_trailing_commas)
{
    const char *t = "\"Name, with comma\" , \"a \"\"quoted\"\" desc\",3,2,\r\n"
                    "Actor,Desc,Power,Left,LSal,Right,RSal,\r\n"
                    "  \"A\" , x , 10 , 10.5 , 20 , 30 , 40 ,\r\n"
                    "B,x,20,90,50,70,50\r\n"
                    "\r\n"
                    "C,,30,50,10,50,10,\r\n";
    parley_forecast_input *in = NULL;
    parley_error err;
    cr_assert_eq(parley_ktab_read_csv_text(t, strlen(t), "q.csv", NULL, &in, &err), PARLEY_OK,
                 "%s", err.message);
    cr_assert_str_eq(parley_forecast_input_name(in), "Name, with comma");
    cr_assert_eq(parley_forecast_actor_count(in), 3);
    cr_assert_str_eq(parley_forecast_dim_name(in, 1), "Right");
    cr_assert_eq(parley_forecast_actor_position(in, 0, 0), 10.5);
    cr_assert_eq(parley_forecast_actor_salience(in, 0, 1), 40 / 100.0);
    cr_assert_eq(parley_forecast_actor_capability(in, 2), 30);
    parley_forecast_input_free(in);
}

Test(forecast_readers, xml_errors)
{
    parley_forecast_input *in = NULL;
    parley_error err;
    const char *bad = "<Scenario><name>x</name><Dimensions><dName>D</dName></Dimensions>\n"
                      "<Actors><Actor><name>A</name><capability>1</capability>\n"
                      "<Position><dCoord>10</dCoord></Position><Salience><dSal>x</dSal></Salience>"
                      "</Actor></Actors></Scenario>";
    cr_assert_eq(parley_ktab_read_xml_text(bad, strlen(bad), "b.xml", NULL, &in, &err),
                 PARLEY_ERR_SYNTAX);
    cr_assert_eq(err.line, 3);
    cr_assert(strstr(err.message, "dSal"), "%s", err.message);
    const char *ent = "<!DOCTYPE Scenario [<!ENTITY a \"aaaa\">]><Scenario><name>&a;</name>"
                      "</Scenario>";
    cr_assert_neq(parley_ktab_read_xml_text(ent, strlen(ent), "e.xml", NULL, &in, &err),
                  PARLEY_OK);
    const char *nwf = "<Scenario><name>x</name>\n<Dimensions>\n</Scenario>";
    cr_assert_eq(parley_ktab_read_xml_text(nwf, strlen(nwf), "n.xml", NULL, &in, &err),
                 PARLEY_ERR_SYNTAX);
    cr_assert_eq(err.line, 3);
    const char *prm = "<Scenario><name>x</name><ModelParameters><VotingRule>Proportionl"
                      "</VotingRule></ModelParameters></Scenario>";
    cr_assert_eq(parley_ktab_read_xml_text(prm, strlen(prm), "p.xml", NULL, &in, &err),
                 PARLEY_ERR_INVALID);
    cr_assert(strstr(err.message, "did you mean 'Proportional'"), "%s", err.message);
}

Test(forecast_readers, xml_parameters_and_accommodation)
{
    const char *t =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Scenario><name>x</name>"
        "<ModelParameters><PCEModel>MarkovIncentive</PCEModel><VotingRule>PropCbc</VotingRule>"
        "</ModelParameters><Dimensions><dName>D</dName></Dimensions><Actors>"
        "<Actor><name>A</name><capability>1</capability><Position><dCoord>10</dCoord></Position>"
        "<Salience><dSal>50</dSal></Salience></Actor>"
        "<Actor><name>B</name><capability>2</capability><Position><dCoord>90</dCoord></Position>"
        "<Salience><dSal>50</dSal></Salience></Actor></Actors>"
        "<IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>B"
        "</referencePos><adjust>0.25</adjust></iaPair></IdealAdjustment></Scenario>";
    parley_forecast_input *in = NULL;
    parley_error err;
    cr_assert_eq(parley_ktab_read_xml_text(t, strlen(t), "x.xml", NULL, &in, &err), PARLEY_OK,
                 "%s", err.message);
    parley_smp_params p;
    cr_assert(parley_forecast_input_smp_params(in, &p));
    cr_assert_eq(p.pce, PARLEY_SMP_PCE_MARKOV_INCENTIVE);
    cr_assert_eq(p.voting, PARLEY_SMP_VR_PROPCBC);
    cr_assert_eq(p.interp, PARLEY_SMP_IVB_S2P2);
    parley_forecast_options fo;
    parley_forecast_options_init(&fo);
    fo.smp = p; /* MarkovIncentive runs; the two actors' probabilities sum to 1 */
    parley_forecast_result *r = NULL;
    cr_assert_eq(parley_forecast_run(in, &fo, &r, &err), PARLEY_OK, "%s", err.message);
    cr_assert_float_eq(parley_forecast_result_probability(r, 0, 0) +
                           parley_forecast_result_probability(r, 0, 1),
                       1.0, 1e-9);
    parley_forecast_result_free(r);
    parley_forecast_input_free(in);
}

Test(forecast_readers, native_scenario_bridge)
{
    parley_scenario *sc = parley_scenario_new(NULL);
    size_t i0, i1, p0, p1, p2;
    cr_assert_eq(parley_scenario_add_real(sc, "tax", 0, 50, 11, &i0, NULL), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_integer(sc, "years", 1, 9, 1, &i1, NULL), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "A", PARLEY_ROLE_NEGOTIATOR, &p0, NULL), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "B", PARLEY_ROLE_NEGOTIATOR, &p1, NULL), PARLEY_OK);
    cr_assert_eq(parley_scenario_add_party(sc, "C", PARLEY_ROLE_NEGOTIATOR, &p2, NULL), PARLEY_OK);
    parley_party_set_capability(sc, p0, 3);
    parley_party_set_capability(sc, p1, 1);
    /* A: explicit positions and saliences */
    parley_party_set_position(sc, p0, i0, 12.5);
    parley_party_set_position(sc, p0, i1, 2);
    parley_party_set_salience(sc, p0, i0, 0.6);
    parley_party_set_salience(sc, p0, i1, 0.3);
    /* B: ideal points from its evaluators, salience from weights */
    parley_party_set_weight(sc, p1, i0, 0.25);
    parley_party_set_weight(sc, p1, i1, 0.75);
    parley_party_set_linear(sc, p1, i0, 0, 0.02, 0); /* increasing: ideal 50 */
    parley_party_set_linear(sc, p1, i1, 1, -1, 1); /* decreasing: ideal 1 */
    /* C has no capability: left out */
    parley_party_set_weight(sc, p2, i0, 1);
    parley_party_set_linear(sc, p2, i0, 0, 1, 0);
    parley_error err;
    parley_forecast_input *in = NULL;
    cr_assert_eq(parley_forecast_input_from_scenario(sc, &in, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_forecast_actor_count(in), 2);
    cr_assert_eq(parley_forecast_dim_count(in), 2);
    double lo, hi;
    parley_forecast_dim_range(in, 0, &lo, &hi);
    cr_assert(lo == 0 && hi == 50);
    cr_assert_eq(parley_forecast_actor_position(in, 0, 0), 12.5);
    cr_assert_eq(parley_forecast_actor_salience(in, 0, 1), 0.3);
    cr_assert_eq(parley_forecast_actor_position(in, 1, 0), 50);
    cr_assert_eq(parley_forecast_actor_position(in, 1, 1), 1);
    cr_assert_eq(parley_forecast_actor_salience(in, 1, 1), 0.75);
    parley_forecast_input_free(in);
    parley_scenario_free(sc);
}

/* --------------------------------------------------- allocation failures */

/* An allocator that fails call number fa_fail_at (1-based; 0 never) and
 * checks the hook's contract: every free names a live block with the size
 * it was allocated with. */
#define FA_MAX 20000
static struct {
    void *p;
    size_t n;
} fa_live[FA_MAX];
static size_t fa_nlive, fa_calls, fa_fail_at, fa_bad;

static void *fa_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    if (ptr) {
        size_t k = 0;
        while (k < fa_nlive && fa_live[k].p != ptr)
            k++;
        if (k == fa_nlive || fa_live[k].n != osize)
            fa_bad++;
        if (nsize == 0) {
            if (k < fa_nlive)
                fa_live[k] = fa_live[--fa_nlive];
            free(ptr);
            return NULL;
        }
        if (++fa_calls == fa_fail_at)
            return NULL;
        void *q = realloc(ptr, nsize);
        if (q && k < fa_nlive) {
            fa_live[k].p = q;
            fa_live[k].n = nsize;
        }
        return q;
    }
    if (nsize == 0)
        return NULL;
    if (++fa_calls == fa_fail_at)
        return NULL;
    void *q = malloc(nsize);
    if (q && fa_nlive < FA_MAX) {
        fa_live[fa_nlive].p = q;
        fa_live[fa_nlive].n = nsize;
        fa_nlive++;
    }
    return q;
}

/* A fingerprint of a run: the sum of every position and probability,
 * weighted by index (any change shows). */
static double fingerprint(const parley_forecast_result *r)
{
    double h = 0;
    size_t na = parley_forecast_result_actors(r), nd = parley_forecast_result_dims(r);
    for (size_t s = 0; s < parley_forecast_result_states(r); s++)
        for (size_t a = 0; a < na; a++) {
            h += (double)(s * 31 + a + 1) * parley_forecast_result_probability(r, s, a);
            for (size_t d = 0; d < nd; d++)
                h += (double)(s * 7 + a * 3 + d + 1) * parley_forecast_result_position(r, s, a, d);
        }
    return h;
}

/* Fail each allocation of reading text and running it in turn (an XML's
 * own <ModelParameters> and <prngSeed> apply): the same result or a clean
 * out-of-memory, nothing leaked.  Frees text. */
static void sweep_text(char *text, size_t len, const char *path, bool xml,
                       parley_forecast_model model, unsigned threads)
{
    parley_allocator al = {fa_fn, NULL};
    parley_load_options lo = {.alloc = &al};
    double want = 0;
    size_t total = 0;
    for (size_t at = 0;; at++) {
        fa_calls = 0;
        fa_fail_at = at;
        fa_bad = 0;
        parley_forecast_input *in = NULL;
        parley_forecast_result *r = NULL;
        parley_error err;
        parley_status st = xml ? parley_ktab_read_xml_text(text, len, path, &lo, &in, &err)
                               : parley_ktab_read_csv_text(text, len, path, &lo, &in, &err);
        if (st == PARLEY_OK) {
            parley_forecast_options o;
            parley_forecast_options_init(&o);
            o.model = model;
            o.threads = threads;
            if (xml)
                parley_forecast_input_smp_params(in, &o.smp);
            st = parley_forecast_run(in, &o, &r, &err);
        }
        if (at == 0) {
            cr_assert_eq(st, PARLEY_OK, "%s", err.message);
            want = fingerprint(r);
            total = fa_calls;
        } else if (st == PARLEY_OK) {
            cr_assert_eq(fingerprint(r), want, "failing call %zu changed the result", at);
        } else {
            cr_assert_eq(st, PARLEY_ERR_NOMEM, "failing call %zu: status %d", at, (int)st);
            cr_assert_null(r);
            cr_assert(err.message[0]);
        }
        parley_forecast_result_free(r);
        parley_forecast_input_free(in);
        cr_assert_eq(fa_bad, 0, "failing call %zu: frees with a wrong size or pointer", at);
        cr_assert_eq(fa_nlive, 0, "failing call %zu: %zu blocks leaked", at, fa_nlive);
        if (at > total)
            break;
    }
    free(text);
}

static void sweep(const char *path, bool xml, parley_forecast_model model, unsigned threads)
{
    size_t len;
    char *text = slurp(path, &len);
    cr_assert(text);
    sweep_text(text, len, path, xml, model, threads);
}

Test(forecast_faults, every_allocation_failure_is_clean, .timeout = 120)
{
    NEED(KTAB_DIR "/dummyData_3Dim.csv");
    NEED(KTAB_DIR "/dummyData_3Dim.xml");
    NEED(KTAB_DIR "/bdm-eu-emissions.csv");
    sweep(KTAB_DIR "/dummyData_3Dim.csv", false, PARLEY_FORECAST_SMP, 1);
    sweep(KTAB_DIR "/dummyData_3Dim.csv", false, PARLEY_FORECAST_SMP, 2);
    sweep(KTAB_DIR "/dummyData_3Dim.xml", true, PARLEY_FORECAST_SMP, 1);
    sweep(KTAB_DIR "/bdm-eu-emissions.csv", false, PARLEY_FORECAST_BDM, 1);
}

/* The repaired smpExample: MarkovIncentive PCE, Stochastic transitions. */
Test(forecast_faults, markov_stochastic_allocation_failures_are_clean, .timeout = 120)
{
    NEED(KTAB_DIR "/smpExample.xml");
    size_t len;
    char *text = repaired_example(&len);
    sweep_text(text, len, "rep.xml", true, PARLEY_FORECAST_SMP, 1);
}
