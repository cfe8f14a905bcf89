/*
 * test_spatial.c -- the forecasting data of the native format: a party's
 * `position` (numeric issues) and `salience` (any issue) read, written,
 * read back and cloned exactly; bad input refused with its position.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "parley/parley.h"

static const char *DOC = "parley: 1\n"
                         "issues:\n"
                         "  tax: {type: real, range: [0, 100], grid: 11}\n"
                         "  year: {type: integer, range: [2030, 2040]}\n"
                         "  seat: {values: [a, b]}\n"
                         "parties:\n"
                         "  P:\n"
                         "    capability: 40\n"
                         "    position: {tax: 37.5, year: 2033}\n"
                         "    salience: {tax: 0.8, seat: 0.1}\n"
                         "    utility: {tax: {weight: 1, linear: {from: [0, 1], to: [100, 0]}}}\n"
                         "  Q:\n"
                         "    utility: {seat: {weight: 1, values: {a: 1, b: 0}}}\n";

Test(spatial, read_write_clone)
{
    parley_scenario *sc = NULL, *back = NULL, *cl = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read(DOC, strlen(DOC), "doc.yaml", NULL, &sc, &err), PARLEY_OK, "%s",
                 err.message);
    double x;
    cr_assert(parley_party_position(sc, 0, 0, &x) && x == 37.5);
    cr_assert(parley_party_position(sc, 0, 1, &x) && x == 2033);
    cr_assert(!parley_party_position(sc, 0, 2, &x));
    cr_assert(!parley_party_position(sc, 1, 0, &x));
    cr_assert(parley_party_salience(sc, 0, 0, &x) && x == 0.8);
    cr_assert(parley_party_salience(sc, 0, 2, &x) && x == 0.1);
    cr_assert(!parley_party_salience(sc, 0, 1, &x));
    char *text = NULL, *text2 = NULL;
    size_t len, len2;
    cr_assert_eq(parley_native_write(sc, &text, &len, NULL), PARLEY_OK);
    cr_assert(strstr(text, "position: {tax: 37.5, year: 2033}"), "%s", text);
    cr_assert(strstr(text, "salience: {tax: 0.8, seat: 0.1}"), "%s", text);
    cr_assert_eq(parley_native_read(text, len, "back.yaml", NULL, &back, &err), PARLEY_OK, "%s",
                 err.message);
    cr_assert_eq(parley_native_write(back, &text2, &len2, NULL), PARLEY_OK);
    cr_assert(len == len2 && memcmp(text, text2, len) == 0);
    cr_assert_eq(parley_scenario_clone(sc, &cl, NULL), PARLEY_OK);
    cr_assert(parley_party_position(cl, 0, 0, &x) && x == 37.5);
    cr_assert(parley_party_salience(cl, 0, 2, &x) && x == 0.1);
    parley_text_free(text);
    parley_text_free(text2);
    parley_scenario_free(sc);
    parley_scenario_free(back);
    parley_scenario_free(cl);
}

static void bad(const char *doc, unsigned line, unsigned col, const char *phrase)
{
    parley_scenario *sc = NULL;
    parley_error err;
    parley_status st = parley_native_read(doc, strlen(doc), "bad.yaml", NULL, &sc, &err);
    cr_assert_neq(st, PARLEY_OK);
    cr_assert_null(sc);
    cr_assert_eq(err.line, line, "line %u: %s", err.line, err.message);
    cr_assert_eq(err.column, col, "column %u: %s", err.column, err.message);
    cr_assert(strstr(err.message, phrase), "%s", err.message);
}

Test(spatial, bad_input)
{
    bad("parley: 1\nissues:\n  seat: {values: [a, b]}\nparties:\n  P:\n    position: {seat: 1}\n",
        6, 16, "is discrete");
    bad("parley: 1\nissues:\n  tax: {type: real, range: [0, 1]}\nparties:\n  P:\n    position: {tx: 1}\n",
        6, 16, "did you mean `tax`");
    bad("parley: 1\nissues:\n  tax: {type: real, range: [0, 1]}\nparties:\n  P:\n    salience: {tax: -1}\n",
        6, 21, "expected a number >= 0");
    bad("parley: 1\nissues:\n  tax: {type: real, range: [0, 1]}\nparties:\n  P:\n    position: {tax: .nan}\n",
        6, 21, "tax");
    bad("parley: 1\nissues:\n  tax: {type: real, range: [0, 1]}\nparties:\n  P:\n    position: 3\n",
        6, 15, "position");
}
