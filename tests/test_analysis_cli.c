/*
 * test_analysis_cli.c -- `parley analyze` end to end: the JSON schema's
 * keys and their agreement with the library, byte-identical output
 * whatever the thread count, the exit status for "no deal", the CSV.
 * Runs the built tool (PARLEY_BINARY_DIR/parley); skips when it is not
 * built.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parley/parley.h"
#include "helpers/helpers.h"

#define TOOL PARLEY_BINARY_DIR "/parley"
#define EXAMPLES PARLEY_SOURCE_DIR "/examples"

static void need_tool(void)
{
    if (access(TOOL, X_OK) != 0)
        cr_skip_test("the parley tool is not built (%s)", TOOL);
}

Test(analysis_cli, json_schema_matches_library)
{
    need_tool();
    char *out;
    int rc = run_command(TOOL " analyze --json " EXAMPLES "/buyer-seller.yaml", &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    cr_assert_not_null(root, "not JSON: %s", je.text);
    /* the keys the issue names */
    const char *keys[] = {"outcomes", "agreements", "pareto", "pareto_agreements", "solutions",
                          "parties"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        cr_assert_not_null(json_object_get(root, keys[k]), "missing %s", keys[k]);
    json_t *pareto = json_object_get(root, "pareto");
    cr_assert(json_is_integer(json_object_get(pareto, "outcomes")));
    cr_assert(json_is_integer(json_object_get(pareto, "points")));
    cr_assert(json_is_array(json_object_get(pareto, "frontier")));
    json_t *pa = json_object_get(root, "pareto_agreements");
    cr_assert(json_is_integer(json_object_get(pa, "outcomes")));
    cr_assert(json_is_integer(json_object_get(pa, "points")));

    /* against the library */
    parley_scenario *sc;
    parley_error err;
    cr_assert_eq(parley_native_read_file(EXAMPLES "/buyer-seller.yaml", NULL, &sc, &err),
                 PARLEY_OK, "%s", err.message);
    parley_analysis *an;
    cr_assert_eq(parley_analyze(sc, NULL, &an, &err), PARLEY_OK, "%s", err.message);
    uint64_t c;
    parley_analysis_count(an, PARLEY_COUNT_OUTCOMES, &c);
    cr_assert_eq((uint64_t)json_integer_value(json_object_get(root, "outcomes")), c);
    parley_analysis_count(an, PARLEY_COUNT_AGREEMENTS, &c);
    cr_assert_eq((uint64_t)json_integer_value(json_object_get(root, "agreements")), c);
    parley_analysis_count(an, PARLEY_COUNT_PARETO_AGREEMENTS, &c);
    cr_assert_eq((uint64_t)json_integer_value(json_object_get(pa, "outcomes")), c);
    cr_assert_eq((size_t)json_integer_value(json_object_get(pa, "points")),
                 parley_analysis_frontier_size(an, PARLEY_FRONTIER_AGREEMENTS));
    json_t *parties = json_object_get(root, "parties");
    cr_assert_eq(json_array_size(parties), parley_analysis_dims(an));
    for (size_t j = 0; j < parley_analysis_dims(an); j++)
        cr_assert_str_eq(json_string_value(json_array_get(parties, j)),
                         parley_party_name(sc, parley_analysis_dim_party(an, j)));
    const char *sols[] = {"nash", "kalai_smorodinsky", "utilitarian", "egalitarian"};
    json_t *js = json_object_get(root, "solutions");
    for (int k = 0; k < 4; k++) {
        json_t *s = json_object_get(js, sols[k]);
        cr_assert(json_is_object(s), "%s", sols[k]);
        const double *u;
        const uint32_t *o;
        cr_assert(parley_analysis_solution(an, (parley_solution_kind)k, &u, &o));
        json_t *ju = json_object_get(s, "utilities");
        for (size_t j = 0; j < parley_analysis_dims(an); j++)
            cr_assert(json_real_value(json_array_get(ju, j)) == u[j] ||
                          (double)json_integer_value(json_array_get(ju, j)) == u[j],
                      "%s utility %zu: exact round trip", sols[k], j);
        json_t *jo = json_object_get(s, "outcome");
        cr_assert_eq(json_object_size(jo), parley_issue_count(sc));
        for (size_t i = 0; i < parley_issue_count(sc); i++) {
            json_t *v = json_object_get(jo, parley_issue_name(sc, i));
            cr_assert_not_null(v, "%s: issue %s", sols[k], parley_issue_name(sc, i));
            if (parley_issue_kind_of(sc, i) == PARLEY_ISSUE_DISCRETE) {
                char lab[256];
                cr_assert_str_eq(json_string_value(v),
                                 parley_issue_value_label(sc, i, o[i], lab, sizeof lab));
            } else {
                double x = json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
                cr_assert(x == parley_issue_value_number(sc, i, o[i]));
            }
        }
    }
    parley_analysis_free(an);
    parley_scenario_free(sc);
    json_decref(root);
    free(out);
}

Test(analysis_cli, same_bytes_whatever_the_threads)
{
    need_tool();
    const char *inputs[] = {EXAMPLES "/coalition.yaml", EXAMPLES "/abu-dhabi-2026.yaml",
                            EXAMPLES "/buyer-seller.yaml"};
    for (size_t k = 0; k < 3; k++) {
        char cmd[2048], *a, *b;
        snprintf(cmd, sizeof cmd, TOOL " analyze --json --threads 1 %s", inputs[k]);
        int ra = run_command(cmd, &a);
        snprintf(cmd, sizeof cmd, TOOL " analyze --json --threads 5 %s", inputs[k]);
        int rb = run_command(cmd, &b);
        cr_assert_eq(ra, rb);
        cr_assert_str_eq(a, b, "%s", inputs[k]);
        free(a);
        free(b);
    }
}

Test(analysis_cli, no_deal_exit_status_and_diagnosis)
{
    need_tool();
    char *out;
    int rc = run_command(TOOL " analyze " EXAMPLES "/abu-dhabi-2026.yaml", &out);
    cr_assert_eq(rc, 0, "exit status 0: the analysis ran, whatever its answer");
    cr_assert(strstr(out, "No deal is acceptable to all parties") != NULL, "%s", out);
    free(out);
    rc = run_command(TOOL " analyze --exit-code " EXAMPLES "/abu-dhabi-2026.yaml", &out);
    cr_assert_eq(rc, 1, "exit status 1 with --exit-code when no deal exists");
    cr_assert(strstr(out, "No deal is acceptable to all parties") != NULL, "%s", out);
    free(out);
    rc = run_command(TOOL " analyze --json --exit-code " EXAMPLES "/abu-dhabi-2026.yaml", &out);
    cr_assert_eq(rc, 1);
    json_t *root = json_loads(out, 0, NULL);
    cr_assert_not_null(root);
    cr_assert(json_is_false(json_object_get(root, "deal")));
    cr_assert_eq(json_integer_value(json_object_get(root, "agreements")), 0);
    json_t *nd = json_object_get(root, "no_deal");
    cr_assert(json_array_size(nd) >= 2);
    for (size_t k = 0; k < json_array_size(nd); k++) {
        json_t *p = json_array_get(nd, k);
        cr_assert(json_is_string(json_object_get(p, "party")));
        cr_assert(json_is_array(json_object_get(p, "red_lines")));
        cr_assert(json_is_integer(json_object_get(p, "acceptable_alone")));
    }
    cr_assert(json_is_null(json_object_get(json_object_get(root, "solutions"), "nash")));
    json_decref(root);
    free(out);
}

Test(analysis_cli, csv_and_usage)
{
    need_tool();
    char *out;
    int rc = run_command(TOOL " analyze --csv - -o /dev/null " EXAMPLES "/buyer-seller.yaml", &out);
    cr_assert_eq(rc, 0);
    const char *head = "frontier,u_Buyer,u_Seller,multiplicity,price,warranty,delivery\n";
    cr_assert(strncmp(out, head, strlen(head)) == 0, "%s", out);
    cr_assert(strstr(out, "\nagreements,") != NULL);
    free(out);
    rc = run_command(TOOL " analyze --kalai nope " EXAMPLES "/buyer-seller.yaml 2>/dev/null", &out);
    cr_assert_eq(rc, 2);
    free(out);
    rc = run_command(TOOL " analyze 2>/dev/null", &out);
    cr_assert_eq(rc, 2);
    free(out);
}
