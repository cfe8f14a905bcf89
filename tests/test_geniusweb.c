/*
 * test_geniusweb.c -- GeniusWeb JSON as the ANL 2022/2023 leagues shipped
 * it (issue 15): DiscreteValueSetUtilities and NumberValueSetUtilities
 * profiles (GeniusWebPython's spelling), number issues ({"range": ...}),
 * ANL's folder layout (domainNN.json, profileA.json, profileB.json,
 * specials.json), and the domain reader's errors with line and column.
 *
 * Every file is written here from scratch in ANL's spelling; expected
 * utilities are computed by hand (GeniusWeb's NumberValueSetUtilities:
 * lowU + (highU - lowU) * (x - lowV) / (highV - lowV), rounded half up to
 * 8 decimals) or come from the same scenario spelled "discreteutils".
 */
#include <criterion/criterion.h>

#include "parley/parley.h"
#include "helpers/helpers.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmpdir[256];

static void make_tmpdir(void)
{
    tmpdir_make(tmpdir, sizeof tmpdir, "geniusweb");
}

static void rm_tmpdir(void)
{
    tmpdir_remove(tmpdir);
}

TestSuite(geniusweb, .init = make_tmpdir, .fini = rm_tmpdir);

static const char *put(const char *name, const char *text)
{
    return put_in(tmpdir, name, text);
}

static parley_status load(const char *dom, const char *p1, const char *p2, parley_scenario **sc,
                          parley_error *err)
{
    const char *paths[3] = {dom, p1, p2};
    return parley_load(p2 ? 3 : 2, paths, NULL, sc, err);
}

/* ------------------------------------------------------------ ANL spelling */

static const char *ANL_DOMAIN = /* issueA, issueB, issueC */
    "{\n  \"name\": \"domain07\",\n  \"issuesValues\": {\n"
    "    \"issueA\": {\"values\": [\"valueA\", \"valueB\", \"valueC\"]},\n"
    "    \"issueB\": {\"values\": [\"valueA\", \"valueB\"]},\n"
    "    \"issueC\": {\"values\": [\"valueA\", \"valueB\", \"valueC\", \"valueD\"]}\n  }\n}\n";

/* A profile: kind is "DiscreteValueSetUtilities" or "discreteutils";
 * embed adds ANL's "domain" and "name" members. */
static void anl_profile(char *buf, size_t n, const char *kind, const char *const u[3],
                        const char *w, bool embed)
{
    snprintf(buf, n,
             "{\n  \"LinearAdditiveUtilitySpace\": {\n    \"issueUtilities\": {\n"
             "      \"issueA\": {\"%s\": {\"valueUtilities\": {%s}}},\n"
             "      \"issueB\": {\"%s\": {\"valueUtilities\": {%s}}},\n"
             "      \"issueC\": {\"%s\": {\"valueUtilities\": {%s}}}\n    },\n"
             "    \"issueWeights\": {%s}%s\n  }\n}\n",
             kind, u[0], kind, u[1], kind, u[2], w,
             embed ? ",\n    \"domain\": {\"name\": \"domain07\", \"issuesValues\": {\"issueA\": "
                     "{\"values\": [\"valueA\", \"valueB\", \"valueC\"]}, \"issueB\": {\"values\": "
                     "[\"valueA\", \"valueB\"]}, \"issueC\": {\"values\": [\"valueA\", "
                     "\"valueB\", \"valueC\", \"valueD\"]}}},\n    \"name\": \"profileA\""
                   : "");
}

static const char *const UA[3] = {"\"valueA\": 0.0, \"valueB\": 1.0, \"valueC\": 0.03156",
                                  "\"valueA\": 1.0, \"valueB\": 0.0",
                                  "\"valueA\": 0.47162, \"valueB\": 0.15076, \"valueC\": 1.0, "
                                  "\"valueD\": 0.0"};
static const char *const UB[3] = {"\"valueA\": 1.0, \"valueB\": 0.212, \"valueC\": 0.0",
                                  "\"valueA\": 0.0, \"valueB\": 1.0",
                                  "\"valueA\": 0.0, \"valueB\": 0.79995, \"valueC\": 0.34474, "
                                  "\"valueD\": 1.0"};
static const char *WA = "\"issueA\": 0.06667, \"issueB\": 0.22642, \"issueC\": 0.70691";
static const char *WB = "\"issueA\": 0.5, \"issueB\": 0.25, \"issueC\": 0.25";

Test(geniusweb, anl_spelling_loads_as_discreteutils)
{
    char a[4096], b[4096];
    const char *d = put("anl/domain07.json", ANL_DOMAIN);
    anl_profile(a, sizeof a, "DiscreteValueSetUtilities", UA, WA, true);
    anl_profile(b, sizeof b, "DiscreteValueSetUtilities", UB, WB, true);
    const char *pa = put("anl/profileA.json", a), *pb = put("anl/profileB.json", b);
    parley_scenario *anl, *old;
    parley_error err;
    cr_assert_eq(load(d, pa, pb, &anl, &err), PARLEY_OK, "%s", err.message);
    const char *d2 = put("old/domain07.json", ANL_DOMAIN);
    anl_profile(a, sizeof a, "discreteutils", UA, WA, false);
    anl_profile(b, sizeof b, "discreteutils", UB, WB, false);
    const char *qa = put("old/profileA.json", a), *qb = put("old/profileB.json", b);
    cr_assert_eq(load(d2, qa, qb, &old, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_party_count(anl), 2);
    cr_assert_str_eq(parley_party_name(anl, 0), "profileA");
    /* every outcome, both parties: the same utilities, bit for bit */
    for (uint32_t x = 0; x < 3; x++)
        for (uint32_t y = 0; y < 2; y++)
            for (uint32_t z = 0; z < 4; z++) {
                uint32_t o[3] = {x, y, z};
                for (size_t p = 0; p < 2; p++)
                    cr_assert_eq(parley_utility(anl, p, o), parley_utility(old, p, o));
            }
    /* and against the hand sum: valueB, valueA, valueC for A */
    uint32_t o[3] = {1, 0, 2};
    double s = 0.0;
    s += 0.06667 * 1.0;
    s += 0.22642 * 1.0;
    s += 0.70691 * 1.0;
    cr_assert_eq(parley_utility(anl, 0, o), s > 1.0 ? 1.0 : s);
    parley_scenario_free(anl);
    parley_scenario_free(old);
}

Test(geniusweb, anl_folder_reads_the_profiles_and_skips_specials)
{
    char a[4096], b[4096];
    put("f/domain07.json", ANL_DOMAIN);
    anl_profile(a, sizeof a, "DiscreteValueSetUtilities", UA, WA, true);
    anl_profile(b, sizeof b, "DiscreteValueSetUtilities", UB, WB, true);
    put("f/profileA.json", a);
    put("f/profileB.json", b);
    put("f/specials.json", "{\"size\": 24, \"opposition\": 0.56, \"nash\": {\"bid\": {\"issueA\": "
                           "\"valueB\"}, \"utility\": [0.93, 0.52]}, \"pareto_front\": []}\n");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/f", tmpdir);
    parley_scenario *sc;
    parley_error err;
    cr_assert_eq(parley_genius_read_folder(dir, NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_party_count(sc), 2);
    cr_assert_str_eq(parley_party_name(sc, 0), "profileA");
    cr_assert_str_eq(parley_party_name(sc, 1), "profileB");
    cr_assert_str_eq(parley_scenario_name(sc), "domain07");
    cr_assert_eq(parley_scenario_note_count(sc), 1);
    cr_assert(strstr(parley_scenario_note(sc, 0), "specials.json: skipped"), "%s",
              parley_scenario_note(sc, 0));
    parley_scenario_free(sc);
}

/* ------------------------------------------------------------ number issues */

static const char *NUM_DOMAIN = "{\"name\": \"n\", \"issuesValues\": {\n"
                                "\"salary\": {\"range\": {\"low\": 1000, \"high\": 3000, "
                                "\"step\": 500}},\n"
                                "\"fte\": {\"range\": {\"low\": 0.1, \"high\": 0.3, \"step\": "
                                "0.1}},\n"
                                "\"third\": {\"range\": {\"low\": 0, \"high\": 3, \"step\": 1}},\n"
                                "\"tiny\": {\"range\": {\"low\": 0, \"high\": 2, \"step\": 1}},\n"
                                "\"odd\": {\"range\": {\"low\": 12.2, \"high\": 12.6, \"step\": "
                                "0.3}}}}\n";

static void num_profile(char *buf, size_t n, const char *kind, const char *salary_lu)
{
    snprintf(buf, n,
             "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": {\n"
             "\"salary\": {\"%s\": {\"lowValue\": 1000, \"lowUtility\": %s, \"highValue\": "
             "3000, \"highUtility\": 0.9}},\n"
             "\"fte\": {\"%s\": {\"lowValue\": 0.1, \"lowUtility\": 0, \"highValue\": 0.3, "
             "\"highUtility\": 1}},\n"
             "\"third\": {\"%s\": {\"lowValue\": 0, \"lowUtility\": 0, \"highValue\": 3, "
             "\"highUtility\": 1}},\n"
             "\"tiny\": {\"%s\": {\"lowValue\": 0, \"lowUtility\": 0, \"highValue\": 2, "
             "\"highUtility\": 0.00000001}},\n"
             "\"odd\": {\"%s\": {\"lowValue\": 12.2, \"lowUtility\": 1, \"highValue\": 12.6, "
             "\"highUtility\": 0}}},\n"
             "\"issueWeights\": {\"salary\": 0.5, \"fte\": \"0.2\", \"third\": 0.1, \"tiny\": 0.1, "
             "\"odd\": 0.1},\n"
             "\"reservationBid\": {\"issuevalues\": {\"salary\": 2000, \"fte\": 0.2, \"third\": 1, "
             "\"tiny\": 1, \"odd\": 12.5}}}}\n",
             kind, salary_lu, kind, kind, kind, kind);
}

Test(geniusweb, number_utilities_match_hand_computed)
{
    char p[4096];
    const char *d = put("n/d.json", NUM_DOMAIN);
    num_profile(p, sizeof p, "NumberValueSetUtilities", "\"0.4\"");
    parley_scenario *sc;
    parley_error err;
    cr_assert_eq(load(d, put("n/p.json", p), NULL, &sc, &err), PARLEY_OK, "%s", err.message);
    /* the values, exactly, as labels: 0.2 is not 0.30000000000000004 - 0.1 */
    char buf[64];
    cr_assert_eq(parley_issue_value_count(sc, 0), 5);
    cr_assert_str_eq(parley_issue_value_label(sc, 0, 3, buf, sizeof buf), "2500");
    cr_assert_eq(parley_issue_value_count(sc, 1), 3);
    cr_assert_str_eq(parley_issue_value_label(sc, 1, 1, buf, sizeof buf), "0.2");
    cr_assert_str_eq(parley_issue_value_label(sc, 1, 2, buf, sizeof buf), "0.3");
    cr_assert_eq(parley_issue_value_count(sc, 4), 2); /* 12.2, 12.5 (12.8 > 12.6) */
    cr_assert_str_eq(parley_issue_value_label(sc, 4, 1, buf, sizeof buf), "12.5");
    /* salary: 0.4 + 0.5 * (x - 1000) / 2000: 0.4, 0.525, 0.65, 0.775, 0.9 */
    uint32_t o[5] = {3, 1, 2, 1, 1};
    double s = 0.0;
    s += 0.5 * 0.775;
    s += 0.2 * 0.5;        /* fte 0.2: (0.2 - 0.1) / 0.2 */
    s += 0.1 * 0.66666667; /* third 2: 2/3 rounded half up to 8 decimals */
    s += 0.1 * 0.00000001; /* tiny 1: 0.000000005, half up (half even gives 0) */
    s += 0.1 * 0.25;       /* odd 12.5: 1 - 0.3 / 0.4 */
    cr_assert_eq(parley_utility(sc, 0, o), s);
    uint32_t o1[5] = {0, 0, 1, 0, 0};
    double s1 = 0.0;
    s1 += 0.5 * 0.4;
    s1 += 0.2 * 0.0;
    s1 += 0.1 * 0.33333333; /* 1/3 rounded: 0.33333333 */
    s1 += 0.1 * 0.0;
    s1 += 0.1 * 1.0;
    cr_assert_eq(parley_utility(sc, 0, o1), s1);
    /* the reservationBid (2000, 0.2, 1, 1, 12.5) */
    double r = 0.0;
    r += 0.5 * 0.65;
    r += 0.2 * 0.5;
    r += 0.1 * 0.33333333;
    r += 0.1 * 0.00000001;
    r += 0.1 * 0.25;
    cr_assert_eq(parley_party_reservation(sc, 0), r);
    parley_scenario_free(sc);
    /* "numberutils" is the same thing */
    num_profile(p, sizeof p, "numberutils", "0.4");
    parley_scenario *sc2;
    cr_assert_eq(load(d, put("n/q.json", p), NULL, &sc2, &err), PARLEY_OK, "%s", err.message);
    cr_assert_eq(parley_utility(sc2, 0, o), s);
    uint32_t o3[5] = {4, 2, 3, 2, 0}; /* every top value; odd's low is its best */
    double s3 = 0.0;
    s3 += 0.5 * 0.9;
    s3 += 0.2 * 1.0;
    s3 += 0.1 * 1.0;
    s3 += 0.1 * 0.00000001;
    s3 += 0.1 * 1.0;
    cr_assert_eq(parley_utility(sc2, 0, o3), s3 > 1.0 ? 1.0 : s3);
    parley_scenario_free(sc2);
}

/* One failing load: status, the file, a message containing want, and a
 * line and column when pos. */
static void expect_fail(const char *dom, const char *prof, parley_status want_st,
                        const char *want_file, const char *want, bool pos)
{
    parley_scenario *sc = NULL;
    parley_error err;
    parley_status st = load(dom, prof, NULL, &sc, &err);
    char full[2048];
    parley_error_format(&err, full, sizeof full);
    cr_assert_eq(st, want_st, "status %d for: %s", (int)st, full);
    cr_assert_null(sc);
    cr_assert(strstr(err.file, want_file), "%s", full);
    cr_assert(strstr(err.message, want), "`%s` not in: %s", want, full);
    if (pos) {
        cr_assert_gt(err.line, 0, "no line: %s", full);
        cr_assert_gt(err.column, 0, "no column: %s", full);
    }
}

Test(geniusweb, number_utilities_errors)
{
    char p[4096];
    const char *d = put("e/d.json", NUM_DOMAIN);
    num_profile(p, sizeof p, "NumberValueSetUtilities", "0.4");
    /* GeniusWeb's isFitting: the utilities must span the range */
    char *q = strstr(p, "\"lowValue\": 1000");
    memcpy(q, "\"lowValue\": 1500", 16);
    expect_fail(d, put("e/p1.json", p), PARLEY_ERR_INVALID, "p1.json", "must run from the", false);
    num_profile(p, sizeof p, "NumberValueSetUtilities", "1.5");
    expect_fail(d, put("e/p2.json", p), PARLEY_ERR_INVALID, "p2.json", "must be in [0, 1]", false);
    num_profile(p, sizeof p, "DiscreteValueSetUtilities", "0.4");
    expect_fail(d, put("e/p3.json", p), PARLEY_ERR_INVALID, "p3.json", "is a number (\"range\")",
                false);
    num_profile(p, sizeof p, "NumberValueSetUtilities", "0.4");
    q = strstr(p, "\"salary\": 2000");
    memcpy(q, "\"salary\": 2001", 14);
    expect_fail(d, put("e/p4.json", p), PARLEY_ERR_INVALID, "p4.json", "reservationBid", false);
    num_profile(p, sizeof p, "NumberValueSetUtilities", "0.4");
    /* ranges the domain cannot have: the error names the domain's line */
    static const char *const ranges[][2] = {
        {"\"low\": 1, \"high\": 3, \"step\": 0", "\"step\" must be > 0"},
        {"\"low\": 5, \"high\": 3, \"step\": 1", "it has no values"},
        {"\"low\": 0, \"high\": 2000000, \"step\": 1", "more than 1,000,000 values"},
        {"\"low\": 1, \"high\": 3", "needs \"low\", \"high\" and \"step\""},
        {"\"low\": \"x\", \"high\": 3, \"step\": 1", "decimal number"},
    };
    /* the range under "values" is not GeniusWeb's shape: say where it goes */
    expect_fail(put("e/v.json", "{\"name\": \"n\",\n\"issuesValues\": {\n\"a\": {\"values\": "
                                "{\"range\": {\"low\": 1, \"high\": 3, \"step\": 1}}}}}\n"),
                put("e/p.json", p), PARLEY_ERR_INVALID, "v.json", "beside \"values\"", true);
    for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++) {
        char dom[512];
        snprintf(dom, sizeof dom,
                 "{\"name\": \"n\",\n\"issuesValues\": {\n\"a\": {\"range\": {%s}}}}\n",
                 ranges[k][0]);
        expect_fail(put("e/r.json", dom), put("e/p.json", p), PARLEY_ERR_INVALID, "r.json",
                    ranges[k][1], true);
    }
}

/* ------------------------------------------------------------ domain syntax */

Test(geniusweb, domain_errors_name_line_and_column)
{
    const char *prof = put("s/p.json", "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": "
                                       "{\"a\": {\"discreteutils\": {\"valueUtilities\": "
                                       "{\"x\": 1}}}}, \"issueWeights\": {\"a\": 1}}}");
    static const struct {
        const char *text;
        parley_status st;
        const char *want;
        unsigned line, col;
    } bad[] = {
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\",]}}}", PARLEY_ERR_SYNTAX,
         "not valid JSON", 2, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\", NaN]}}}",
         PARLEY_ERR_SYNTAX, "invalid char in json text near 'NaN'", 2, 40},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\\q\"]}}}",
         PARLEY_ERR_SYNTAX, "occurs before a character which it may not", 2, 35},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\\u0000\"]}}}",
         PARLEY_ERR_SYNTAX, "\\u0000", 2, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"\\udc00\"]}}}",
         PARLEY_ERR_SYNTAX, "invalid Unicode", 2, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\"]}}}}", PARLEY_ERR_SYNTAX,
         "trailing garbage near '}'", 2, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\", 3]}}}",
         PARLEY_ERR_INVALID, "value 2 of issue 'a' is not a string", 2, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\"]}},\n"
         "\"issuesValues\": {}}",
         PARLEY_ERR_INVALID, "has \"issuesValues\" twice", 3, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\"]},\n"
         "\"a\": {\"values\": [\"y\"]}}}",
         PARLEY_ERR_INVALID, "duplicate issue name 'a'", 3, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\xff\"]}}}",
         PARLEY_ERR_SYNTAX, "is not UTF-8", 2, 0},
        {"\xef\xbb\xbf{\"name\": \"d\", \"issuesValues\": {}}", PARLEY_ERR_SYNTAX,
         "byte-order mark", 1, 1},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"values\": [\"x\"", PARLEY_ERR_SYNTAX,
         "not valid JSON", 2, 0},
        {"{\"name\": \"d\",\n\"issuesValues\": {\"a\": {\"vals\": [\"x\"]}}}", PARLEY_ERR_INVALID,
         "neither \"values\" nor \"range\"", 2, 0},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        parley_scenario *sc = NULL;
        parley_error err;
        const char *d = put("s/d.json", bad[k].text);
        parley_status st = load(d, prof, NULL, &sc, &err);
        char full[2048];
        parley_error_format(&err, full, sizeof full);
        cr_assert_eq(st, bad[k].st, "case %zu: status %d: %s", k, (int)st, full);
        cr_assert_null(sc);
        cr_assert(strstr(err.file, "d.json"), "case %zu: %s", k, full);
        cr_assert(strstr(err.message, bad[k].want), "case %zu: `%s` not in %s", k, bad[k].want,
                  full);
        cr_assert_eq(err.line, bad[k].line, "case %zu: %s", k, full);
        if (bad[k].col)
            cr_assert_eq(err.column, bad[k].col, "case %zu: %s", k, full);
        else
            cr_assert_gt(err.column, 0, "case %zu: %s", k, full);
    }
}

/* A folder's extra .json file (file in dir) is skipped when jansson
 * parses text, and a syntax error naming it when jansson does not; whether
 * jansson parses it. */
static bool agrees_with_jansson(const char *dir, const char *file, const char *text,
                                const char *what)
{
    json_error_t je;
    json_t *root = json_loadb(text, strlen(text), 0, &je);
    bool ok = root != NULL;
    json_decref(root);
    put(file, text);
    parley_scenario *sc = NULL;
    parley_error err;
    parley_error_clear(&err); /* formatted below even on success */
    parley_status st = parley_genius_read_folder(dir, NULL, &sc, &err);
    char full[2048];
    parley_error_format(&err, full, sizeof full);
    cr_assert_eq(st, ok ? PARLEY_OK : PARLEY_ERR_SYNTAX, "%s: jansson %s (%s), parley: %s", what,
                 ok ? "accepts" : "refuses", ok ? "" : je.text, st ? full : "accepts");
    if (!ok)
        cr_assert(strstr(err.file, "x.json") && err.line > 0 && err.column > 0, "%s: %s", what,
                  full);
    parley_scenario_free(sc);
    return ok;
}

/* The edges where yajl and jansson differ unless parley adds its checks:
 * nesting at jansson's limit (2048 values deep, scalars counted), \u0000,
 * lone and broken surrogates, numbers that overflow, and what strict
 * yajl refuses (comments, trailing garbage, a second value). */
Test(geniusweb, reader_edges_agree_with_jansson)
{
    static const char *const texts[] = {
        "{\"a\": \"\\ud800\"}",
        "{\"a\": \"\\udc00\"}",
        "{\"a\": \"\\ud800\\u0041\"}",
        "{\"a\": \"\\ud800\\ud800\"}",
        "{\"a\": \"\\ud83d\\ude00\"}",
        "{\"a\": \"x\\u0000\"}",
        "{\"a\": \"\\u0001\"}",
        "{\"a\": \"\\u12\"}",
        "{\"a\": \"\\u12g4\"}",
        "{\"a\": \"\\x\"}",
        "{\"a\": \"\t\"}",
        "{\"a\": \"\x7f\"}",
        "{\"a\": \"\xed\xa0\x80\"}",
        "{\"a\": \"\xc0\xaf\"}",
        "{\"a\": 1e999}",
        "{\"a\": -1e999}",
        "{\"a\": 1e-999}",
        "{\"a\": 1.7976931348623157e308}",
        "{\"a\": 1.8e308}",
        "{\"a\": 9223372036854775807}",
        "{\"a\": 9223372036854775808}",
        "{\"a\": -9223372036854775808}",
        "{\"a\": -9223372036854775809}",
        "{\"a\": NaN}",
        "{\"a\": Infinity}",
        "{\"a\": -Infinity}",
        "{\"a\": 01}",
        "{\"a\": .5}",
        "{\"a\": 1.}",
        "{\"a\": -}",
        "{\"a\": +1}",
        "{\"a\": 1e}",
        "{\"a\": -0.0E-0}",
        "{\"a\": tru}",
        "{\"a\": nul}",
        "{\"a\": [1,]}",
        "{\"a\": [,1]}",
        "{,}",
        "{\"a\" 1}",
        "{\"a\": 1,}",
        "{\"a\": 1 /* c */}",
        "{\"a\": 1} // c",
        "{} {}",
        "{} []",
        "{}x",
        "{}\n\t \r\n",
        "{\"a\": 1, \"a\": 2}",
        "{\"a\": [true, false, null, {}, []]}",
        "{\"a\": {\"b\"}}",
    };
    char dir[512];
    snprintf(dir, sizeof dir, "%s/k", tmpdir);
    put("k/d.json", ANL_DOMAIN);
    char prof[4096];
    anl_profile(prof, sizeof prof, "DiscreteValueSetUtilities", UA, WA, true);
    put("k/profileA.json", prof);
    for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
        agrees_with_jansson(dir, "k/x.json", texts[k], texts[k]);
    /* an object, then k arrays, then an empty array, a scalar or nothing */
    enum { K = 2050 };
    char *text = malloc(2 * K + 64);
    cr_assert(text);
    static const char *const inner[] = {"", "[]", "1", "\"s\"", "{}"};
    for (size_t k = 2045; k <= 2048; k++)
        for (size_t i = 0; i < sizeof inner / sizeof *inner; i++) {
            size_t n = (size_t)sprintf(text, "{\"x\": ");
            memset(text + n, '[', k);
            n += k + (size_t)sprintf(text + n + k, "%s", inner[i]);
            memset(text + n, ']', k);
            sprintf(text + n + k, "}");
            char what[64];
            snprintf(what, sizeof what, "%zu arrays around '%s'", k, inner[i]);
            agrees_with_jansson(dir, "k/x.json", text, what);
        }
    free(text);
}

/* Many values in an order that is not sorted: the label index finds each
 * profile entry (value k of "v<reversed k>" is worth (k % 100) / 100). */
Test(geniusweb, many_values_are_found_by_label)
{
    enum { N = 20000 };
    size_t cap = (size_t)N * 64 + 256;
    char *dom = malloc(cap), *prof = malloc(cap);
    cr_assert(dom && prof);
    size_t a = (size_t)snprintf(dom, cap,
                                "{\"name\": \"m\", \"issuesValues\": {\"x\": {\"values\": [");
    size_t b = (size_t)snprintf(prof, cap,
                                "{\"LinearAdditiveUtilitySpace\": {\"issueUtilities\": "
                                "{\"x\": {\"DiscreteValueSetUtilities\": "
                                "{\"valueUtilities\": {");
    for (int k = 0; k < N; k++) {
        a += (size_t)snprintf(dom + a, cap - a, "%s\"v%d\"", k ? ", " : "",
                              (N - k) * 7919 % 100003);
        b += (size_t)snprintf(prof + b, cap - b, "%s\"v%d\": 0.%02d", k ? ", " : "",
                              (N - k) * 7919 % 100003, k % 100);
    }
    snprintf(dom + a, cap - a, "]}}}");
    snprintf(prof + b, cap - b, "}}}}, \"issueWeights\": {\"x\": 1}}}");
    parley_scenario *sc;
    parley_error err;
    cr_assert_eq(load(put("m/d.json", dom), put("m/p.json", prof), NULL, &sc, &err), PARLEY_OK,
                 "%s", err.message);
    for (uint32_t k = 0; k < N; k += 97)
        cr_assert_eq(parley_utility(sc, 0, &k), (double)(k % 100) / 100.0, "value %u", k);
    parley_scenario_free(sc);
    free(dom);
    free(prof);
}

/* ------------------------------------------------------------ the reader */

/* The yajl-based reader (geniusweb_events.c) accepts exactly what jansson
 * accepts: a folder's .json file that is neither a domain nor a profile is
 * skipped when jansson parses it and is an error naming it (with a line
 * and column) when it does not.  Deliberate differences: none in what is
 * accepted; the messages are yajl's words, not jansson's.  Random byte edits of JSON texts with escapes, numbers and
 * nesting; the first byte stays '{' (what makes a file JSON here). */
Test(geniusweb, reader_agrees_with_jansson)
{
    static const char *const base[] = {
        "{\"size\": 6480, \"opposition\": 0.5612432180974615, \"nash\": {\"bid\": "
        "{\"issueA\": \"valueB\", \"e\\u00e9\\ud83d\\ude00\": [1, -2.5e-3, true, false, null]}, "
        "\"utility\": [0.936910694, 0.5282021763]}, \"x\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}",
        "{\"a\": [[], {}, [{\"b\": 0}], 1E+2, 0.0, -0, \"\\u0041\"], \"c\": {\"d\": {\"e\": "
        "[123456789012345, 1e308]}}}\n",
    };
    static const char alphabet[] = "{}[],:\"\\u0123456789eE+-. \nxntfl\xc3\xa9\xff";
    char dom[256], text[1024];
    snprintf(dom, sizeof dom, "%s", put("j/d.json", ANL_DOMAIN));
    char prof[4096];
    anl_profile(prof, sizeof prof, "DiscreteValueSetUtilities", UA, WA, true);
    put("j/profileA.json", prof);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/j", tmpdir);
    rng r = {0x9e3779b97f4a7c15u};
    int accepted = 0, refused = 0;
    /* under valgrind (CI's memcheck step) fewer rounds: each parses twice */
    int rounds = getenv("PARLEY_UNDER_VALGRIND") ? 400 : 3000;
    for (int round = 0; round < rounds; round++) {
        const char *b = base[round % 2];
        size_t n = strlen(b);
        memcpy(text, b, n + 1);
        for (int e = 1 + (int)(rng_u32(&r) % 3); e > 0; e--) {
            size_t at = 1 + rng_u32(&r) % (n - 1);
            char c = alphabet[rng_u32(&r) % (sizeof alphabet - 1)];
            switch (rng_u32(&r) % 3) {
            case 0: /* replace */ text[at] = c; break;
            case 1: /* insert */
                memmove(text + at + 1, text + at, n - at + 1);
                text[at] = c;
                n++;
                break;
            default: /* delete */ memmove(text + at, text + at + 1, n - at); n--;
            }
        }
        char what[1100];
        snprintf(what, sizeof what, "round %d: %s", round, text);
        if (agrees_with_jansson(dir, "j/x.json", text, what))
            accepted++;
        else
            refused++;
    }
    cr_assert_gt(accepted, rounds / 30);
    cr_assert_gt(refused, rounds / 30);
}
