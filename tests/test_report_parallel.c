/*
 * test_report_parallel.c -- the parallel-coordinates chart (issue 21,
 * parallel_chart.c), parsed with libxml2 and checked against the analysis
 * it draws: one axis per stakeholder named after it, each fair deal's
 * polyline at the heights its utilities give (recomputed here from
 * parley_analysis_solution and the axes' ends), the reservation markers,
 * a frontier sample made of distinct listed points in frontier order of
 * the right size, the caption's counts, and the same bytes twice, with 1
 * or 2 threads; a different seed draws another sample.  rp_sample's
 * subsets are checked to be uniform by counting.
 */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley/parley.h"
#include "helpers/helpers.h"
#include "report/rp.h"

#define MAXD 16
#define MAXP 256

typedef struct pc_line {
    double x[MAXD], y[MAXD];
    size_t n;
} pc_line;

/* What the chart shows, as read back from its XML. */
typedef struct pc_read {
    size_t naxes;
    double ax[MAXD], top[MAXD], bottom[MAXD];
    char party[MAXD][PARLEY_MAX_NAME + 1];
    size_t nsol;
    char sol[8][32];
    pc_line sline[8];
    size_t nsample;
    pc_line sample[MAXP];
    long drawn, listed;
    size_t nres;
    double res_x[MAXD], res_y[MAXD];
    char note[512];
    bool title, desc;
} pc_read;

static bool has_class(xmlNodePtr n, const char *cls)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"class");
    bool same = v && strcmp((const char *)v, cls) == 0;
    xmlFree(v);
    return same;
}

static double num_attr(xmlNodePtr n, const char *a)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)a);
    cr_assert_not_null(v, "no attribute %s", a);
    double d = strtod((const char *)v, NULL);
    xmlFree(v);
    return d;
}

static void points(xmlNodePtr n, pc_line *l)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"points");
    cr_assert_not_null(v);
    l->n = 0;
    const char *p = (const char *)v;
    int used;
    while (l->n < MAXD && sscanf(p, "%lf,%lf%n", &l->x[l->n], &l->y[l->n], &used) == 2) {
        l->n++;
        p += used;
    }
    xmlFree(v);
}

static void walk(xmlNodePtr n, pc_read *r, bool in_sample)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        bool sample = in_sample;
        if (strcmp(name, "title") == 0 && n->parent &&
            strcmp((const char *)n->parent->name, "svg") == 0)
            r->title = true;
        else if (strcmp(name, "desc") == 0)
            r->desc = true;
        else if (strcmp(name, "g") == 0 && has_class(n, "axis")) {
            cr_assert_lt(r->naxes, MAXD);
            xmlChar *v = xmlGetProp(n, (const xmlChar *)"data-party");
            cr_assert_not_null(v);
            snprintf(r->party[r->naxes], sizeof r->party[0], "%s", (const char *)v);
            xmlFree(v);
            r->naxes++;
        } else if (strcmp(name, "line") == 0 && has_class(n, "axis-line")) {
            size_t j = r->naxes - 1;
            cr_assert_eq(num_attr(n, "x1"), num_attr(n, "x2"), "an axis is vertical");
            r->ax[j] = num_attr(n, "x1");
            r->top[j] = num_attr(n, "y1");
            r->bottom[j] = num_attr(n, "y2");
        } else if (strcmp(name, "polyline") == 0 && has_class(n, "solution")) {
            cr_assert_lt(r->nsol, 8);
            xmlChar *v = xmlGetProp(n, (const xmlChar *)"data-solution");
            snprintf(r->sol[r->nsol], sizeof r->sol[0], "%s", (const char *)v);
            xmlFree(v);
            points(n, &r->sline[r->nsol++]);
        } else if (strcmp(name, "g") == 0 && has_class(n, "frontier-sample")) {
            sample = true;
            r->drawn = (long)num_attr(n, "data-drawn");
            r->listed = (long)num_attr(n, "data-listed");
        } else if (strcmp(name, "polyline") == 0 && in_sample) {
            cr_assert_lt(r->nsample, MAXP);
            points(n, &r->sample[r->nsample++]);
        } else if (strcmp(name, "path") == 0 && has_class(n, "reservation-mark")) {
            xmlChar *d = xmlGetProp(n, (const xmlChar *)"d");
            cr_assert_lt(r->nres, MAXD);
            cr_assert_eq(
                sscanf((const char *)d, "M%lf %lf", &r->res_x[r->nres], &r->res_y[r->nres]), 2);
            r->nres++;
            xmlFree(d);
        } else if (strcmp(name, "text") == 0 && has_class(n, "sample-note")) {
            xmlChar *t = xmlNodeGetContent(n);
            snprintf(r->note, sizeof r->note, "%s", (const char *)t);
            xmlFree(t);
        }
        walk(n->children, r, sample);
    }
}

static void read_chart(const char *svg, size_t len, pc_read *r)
{
    memset(r, 0, sizeof *r);
    xmlDocPtr doc = xmlReadMemory(svg, (int)len, "parallel.svg", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "the SVG is not well-formed XML");
    xmlNodePtr root = xmlDocGetRootElement(doc);
    cr_assert_str_eq((const char *)root->name, "svg");
    cr_assert(has_class(root, "parallel"));
    walk(root->children, r, false);
    xmlFreeDoc(doc);
}

/* "12345" -> "12,345", written here apart from the library's. */
static void group(const char *d, char *out)
{
    size_t n = strlen(d), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = d[i];
    }
    out[k] = '\0';
}

static bool near(double a, double b)
{
    return fabs(a - b) <= 0.11; /* one-decimal output, and the axis ends' rounding */
}

/* Everything the chart must show for an, checked; returns the frontier
 * indices of the sample's lines (in *idx, *n). */
static void check_chart(const parley_scenario *sc, const parley_analysis *an, const char *svg,
                        size_t len, const char *what, size_t *idx, size_t *nidx)
{
    pc_read r;
    read_chart(svg, len, &r);
    size_t d = parley_analysis_dims(an);
    cr_assert(r.title && r.desc, "%s: <title> and <desc>", what);
    cr_assert_eq(r.naxes, d, "%s: %zu axes for %zu stakeholders", what, r.naxes, d);
    for (size_t j = 0; j < d; j++) {
        cr_assert_str_eq(r.party[j], parley_party_name(sc, parley_analysis_dim_party(an, j)),
                         "%s: axis %zu", what, j);
        cr_assert(j == 0 || r.ax[j] > r.ax[j - 1] + 40, "%s: axes apart", what);
        cr_assert(r.bottom[j] > r.top[j] + 100);
    }
    /* the four fair deals: one line each, through (axis j, its utility) */
    size_t want = 0;
    const parley_solution_kind kinds[4] = {PARLEY_SOLUTION_NASH, PARLEY_SOLUTION_KALAI_SMORODINSKY,
                                           PARLEY_SOLUTION_UTILITARIAN,
                                           PARLEY_SOLUTION_EGALITARIAN};
    for (size_t s = 0; s < 4; s++) {
        const double *u;
        if (!parley_analysis_solution(an, kinds[s], &u, NULL))
            continue;
        size_t found = 0;
        for (size_t k = 0; k < r.nsol; k++) {
            if (strcmp(r.sol[k], parley_solution_name(kinds[s])) != 0)
                continue;
            found++;
            cr_assert_eq(r.sline[k].n, d, "%s: %s has %zu points", what, r.sol[k], r.sline[k].n);
            for (size_t j = 0; j < d; j++) {
                double y = r.top[j] + (1.0 - u[j]) * (r.bottom[j] - r.top[j]);
                cr_assert(near(r.sline[k].x[j], r.ax[j]) && near(r.sline[k].y[j], y),
                          "%s: %s at axis %zu: (%.1f, %.1f), want (%.1f, %.1f) for u = %g", what,
                          r.sol[k], j, r.sline[k].x[j], r.sline[k].y[j], r.ax[j], y, u[j]);
            }
        }
        cr_assert_eq(found, 1, "%s: %zu lines for %s", what, found, parley_solution_name(kinds[s]));
        want++;
    }
    cr_assert_eq(r.nsol, want, "%s: %zu solution lines, %zu solutions", what, r.nsol, want);
    /* a reservation marker on every axis, at its value */
    cr_assert_eq(r.nres, d, "%s: %zu reservation markers", what, r.nres);
    for (size_t j = 0; j < d; j++) {
        double rv = parley_party_reservation(sc, parley_analysis_dim_party(an, j));
        double y = r.top[j] + (1.0 - rv) * (r.bottom[j] - r.top[j]);
        cr_assert(near(r.res_y[j], y) && r.res_x[j] <= r.ax[j] && r.res_x[j] > r.ax[j] - 6,
                  "%s: reservation of axis %zu at (%.1f, %.1f), want y %.1f", what, j, r.res_x[j],
                  r.res_y[j], y);
    }
    /* the sample: min(listed, 200) distinct listed points, in frontier order */
    size_t listed = parley_analysis_frontier_size(an, PARLEY_FRONTIER_AGREEMENTS);
    size_t drawn = listed < 200 ? listed : 200;
    cr_assert_eq((size_t)r.listed, listed, "%s", what);
    cr_assert_eq((size_t)r.drawn, drawn, "%s", what);
    cr_assert_eq(r.nsample, drawn, "%s: %zu sample lines, want %zu", what, r.nsample, drawn);
    size_t from = 0;
    for (size_t k = 0; k < r.nsample; k++) {
        cr_assert_eq(r.sample[k].n, d);
        size_t i = from;
        for (; i < listed; i++) {
            const double *u = parley_analysis_frontier_utilities(an, PARLEY_FRONTIER_AGREEMENTS, i);
            bool same = true;
            for (size_t j = 0; j < d && same; j++)
                same = near(r.sample[k].x[j], r.ax[j]) &&
                       near(r.sample[k].y[j], r.top[j] + (1.0 - u[j]) * (r.bottom[j] - r.top[j]));
            if (same)
                break;
        }
        cr_assert_lt(i, listed, "%s: sample line %zu is no listed frontier point after %zu", what,
                     k, from);
        idx[k] = i;
        from = i + 1; /* distinct, ascending */
    }
    *nidx = r.nsample;
    /* the caption */
    char digits[64], plain[32], total[96], a[48], c[48], note[512];
    parley_analysis_count_text(an, PARLEY_COUNT_PARETO_AGREEMENTS, digits, sizeof digits);
    snprintf(plain, sizeof plain, "%zu", drawn);
    group(plain, a);
    snprintf(plain, sizeof plain, "%zu", listed);
    group(plain, c);
    group(digits, total);
    char head[128];
    if (drawn == listed)
        snprintf(head, sizeof head, "All %s frontier points drawn", c);
    else
        snprintf(head, sizeof head, "%s of %s frontier points drawn", a, c);
    if (listed == 0)
        snprintf(note, sizeof note, "No Pareto-optimal deal to draw.");
    else if (strcmp(digits, plain) == 0)
        snprintf(note, sizeof note, "%s.", head);
    else
        snprintf(note, sizeof note,
                 "%s (%s Pareto-optimal deals, counting outcomes with equal utilities).", head,
                 total);
    cr_assert_str_eq(r.note, note, "%s: caption", what);
}

static char *chart(const parley_scenario *sc, const parley_analysis *an, uint64_t seed, size_t *len)
{
    char *svg = NULL;
    parley_error err;
    cr_assert_eq(parley_chart_parallel(sc, an, NULL, seed, &svg, len, &err), PARLEY_OK, "%s",
                 err.message);
    return svg;
}

static parley_analysis *analyse(const parley_scenario *sc, unsigned threads)
{
    parley_analysis_options o;
    parley_analysis_options_init(&o);
    o.threads = threads;
    parley_analysis *an = NULL;
    parley_error err;
    cr_assert_eq(parley_analyze(sc, &o, &an, &err), PARLEY_OK, "%s", err.message);
    return an;
}

/* The chart of sc checked, the same bytes twice and with 1 or 2 threads;
 * with more than 200 listed points another seed draws another sample.
 * Returns the number of listed points. */
static size_t check_scenario(const parley_scenario *sc, const char *what)
{
    parley_analysis *a1 = analyse(sc, 1), *a2 = analyse(sc, 2);
    size_t l1, l2, l3, idx[MAXP], idx2[MAXP], n, n2;
    char *s1 = chart(sc, a1, 7, &l1), *s2 = chart(sc, a2, 7, &l2), *s3 = chart(sc, a1, 7, &l3);
    cr_assert(l1 == l2 && memcmp(s1, s2, l1) == 0, "%s: the chart depends on the threads", what);
    cr_assert(l1 == l3 && memcmp(s1, s3, l1) == 0, "%s: not the same bytes twice", what);
    check_chart(sc, a1, s1, l1, what, idx, &n);
    size_t listed = parley_analysis_frontier_size(a1, PARLEY_FRONTIER_AGREEMENTS);
    if (listed > 200) {
        char *s4 = chart(sc, a1, 8, &l3);
        check_chart(sc, a1, s4, l3, what, idx2, &n2);
        cr_assert(n == n2 && memcmp(idx, idx2, n * sizeof *idx) != 0,
                  "%s: seeds 7 and 8 drew the same sample", what);
        parley_text_free(s4);
    }
    parley_text_free(s1);
    parley_text_free(s2);
    parley_text_free(s3);
    parley_analysis_free(a1);
    parley_analysis_free(a2);
    return listed;
}

static parley_scenario *load(const char *path)
{
    parley_scenario *sc = NULL;
    parley_error err;
    const char *paths[] = {path};
    cr_assert_eq(parley_load(1, paths, NULL, &sc, &err), PARLEY_OK, "%s: %s", path, err.message);
    return sc;
}

/* Abu Dhabi: four stakeholders, no deal (no lines but the axes and the
 * reservation values); the coalition: three, a few deals. */
Test(parallel, examples)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/abu-dhabi-2026.yaml");
    cr_assert_eq(check_scenario(sc, "abu-dhabi"), 0);
    parley_scenario_free(sc);
    sc = load(PARLEY_SOURCE_DIR "/examples/coalition.yaml");
    cr_assert_gt(check_scenario(sc, "coalition"), 0);
    parley_scenario_free(sc);
}

/* Random scenarios of 3 to 6 opposed negotiators, awkward names (quotes,
 * ampersands, non-ASCII) on some, coarse evaluations (ties): at least one
 * with more than 200 listed points (a sample), and one of five parties. */
Test(parallel, random_scenarios, .timeout = 300)
{
    static const double rv[] = {0, 0.1, 0.2, 0.3};
    size_t sampled = 0, five = 0;
    /* under valgrind every third (k = 10 is a sample of five parties) */
    int step = getenv("PARLEY_UNDER_VALGRIND") ? 3 : 1;
    for (int k = step == 1 ? 0 : 1; k < 24; k += step) {
        rng r = {0x9a7a11e1ULL + (uint64_t)k};
        random_spec spec = {0};
        spec.negotiators = 3 + (size_t)k % 4;
        spec.issues_min = 4;
        spec.issues_max = 6;
        spec.values_min = 3;
        spec.values_max = 5;
        spec.weight_tenths_min = 1;
        spec.weight_tenths_max = 9;
        spec.weight_spread = 1.0;
        spec.reservations = rv;
        spec.nreservations = 4;
        spec.wild = k % 3 == 2;
        parley_scenario *sc = random_scenario(&r, &spec, NULL);
        char what[64];
        snprintf(what, sizeof what, "random scenario %d (%zu parties)", k, spec.negotiators);
        size_t listed = check_scenario(sc, what);
        sampled += listed > 200;
        five += spec.negotiators == 5 && listed > 0;
        parley_scenario_free(sc);
    }
    cr_assert_gt(sampled, 0, "no scenario needed a sample");
    cr_assert_gt(five, 0, "no five-party scenario with deals");
}

/* The report: the chart once under the panels for three stakeholders or
 * more, none for two; --svg's parallel.svg is the same chart. */
static int grab(void *ud, const char *name, const char *svg, size_t len)
{
    char **out = ud;
    if (strcmp(name, "parallel.svg") == 0) {
        cr_assert_null(*out, "parallel.svg twice");
        *out = strndup(svg, len);
    }
    return 0;
}

Test(parallel, in_the_report)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/coalition.yaml");
    parley_report_options o;
    memset(&o, 0, sizeof o);
    o.session.seed = 3;
    char *html = NULL, *alone = NULL;
    size_t len = 0;
    cr_assert_eq(parley_report_html(sc, &o, &html, &len, NULL), PARLEY_OK);
    const char *p = strstr(html, "class=\"parallel\"");
    cr_assert_not_null(p);
    cr_assert_null(strstr(p + 1, "class=\"parallel\""), "one parallel chart");
    cr_assert_lt(strstr(html, "class=\"utility-space\""), p, "under the pairwise panels");
    cr_assert(strstr(html, "<h3>All 3 parties at once</h3>"));
    cr_assert_eq(parley_report_charts(sc, &o, grab, &alone, NULL), PARLEY_OK);
    cr_assert_not_null(alone);
    parley_analysis *an = analyse(sc, 2);
    size_t l;
    char *svg = chart(sc, an, 3, &l);
    cr_assert_str_eq(alone, svg, "parallel.svg is the report's chart");
    const char *start = strstr(
        html, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"480\" viewBox=\"0 "
              "0 560 480\" role=\"img\" font-family=\"sans-serif\" class=\"parallel\"");
    cr_assert_not_null(start);
    cr_assert_eq(strncmp(start, svg, l), 0, "the page holds the same chart");
    parley_text_free(svg);
    parley_analysis_free(an);
    free(alone);
    parley_text_free(html);
    parley_scenario_free(sc);
    sc = load(PARLEY_SOURCE_DIR "/examples/buyer-seller.yaml");
    cr_assert_eq(parley_report_html(sc, &o, &html, &len, NULL), PARLEY_OK);
    cr_assert_null(strstr(html, "class=\"parallel\""), "two parties: no parallel chart");
    parley_text_free(html);
    parley_scenario_free(sc);
}

Test(parallel, bad_arguments)
{
    parley_scenario *sc = load(PARLEY_SOURCE_DIR "/examples/buyer-seller.yaml");
    parley_analysis *an = analyse(sc, 1);
    char *svg = (char *)1;
    size_t len;
    cr_assert_eq(parley_chart_parallel(NULL, an, NULL, 0, &svg, &len, NULL), PARLEY_ERR_ARG);
    cr_assert_null(svg);
    cr_assert_eq(parley_chart_parallel(sc, an, NULL, 0, NULL, &len, NULL), PARLEY_ERR_ARG);
    /* two stakeholders are enough for the public function */
    svg = chart(sc, an, 0, &len);
    pc_read r;
    read_chart(svg, len, &r);
    cr_assert_eq(r.naxes, 2);
    parley_text_free(svg);
    parley_analysis_free(an);
    parley_scenario_free(sc);
}

/* rp_sample: k distinct ascending indices below n, and every k-subset
 * equally likely: 2 of 5 (10 subsets) drawn 20,000 times, each subset's
 * count within 5 standard deviations of 2,000; and each index of 50 taken
 * about k/n of the time. */
Test(parallel, sample_is_uniform)
{
    bool vg = getenv("PARLEY_UNDER_VALGRIND") != NULL;
    long draws = vg ? 2000 : 20000;
    long sub[5][5] = {{0}};
    size_t out[10];
    for (long s = 0; s < draws; s++) {
        rp_sample(5, 2, (uint64_t)s, out);
        cr_assert_lt(out[0], out[1]);
        cr_assert_lt(out[1], 5);
        sub[out[0]][out[1]]++;
    }
    double e = (double)draws / 10, sd = sqrt(e * 0.9);
    for (int a = 0; a < 5; a++)
        for (int b = a + 1; b < 5; b++)
            cr_assert(fabs((double)sub[a][b] - e) < 5 * sd, "subset {%d,%d}: %ld of %ld", a, b,
                      sub[a][b], draws);
    long hits[50] = {0};
    for (long s = 0; s < draws; s++) {
        rp_sample(50, 10, 1000003ULL * (uint64_t)s, out);
        for (size_t i = 0; i < 10; i++) {
            cr_assert(i == 0 || out[i] > out[i - 1]);
            cr_assert_lt(out[i], 50);
            hits[out[i]]++;
        }
    }
    e = (double)draws * 10 / 50;
    sd = sqrt(e * 0.8);
    for (int i = 0; i < 50; i++)
        cr_assert(fabs((double)hits[i] - e) < 5 * sd, "index %d: %ld, want about %.0f", i, hits[i],
                  e);
    /* k = n takes everything; the same seed, the same sample */
    rp_sample(10, 10, 42, out);
    for (size_t i = 0; i < 10; i++)
        cr_assert_eq(out[i], i);
    size_t again[10];
    rp_sample(50, 10, 42, out);
    rp_sample(50, 10, 42, again);
    cr_assert_eq(memcmp(out, again, sizeof out), 0);
}
