/*
 * test_negotiation_cli.c -- `parley negotiate` end to end, where a golden
 * case cannot reach: a person at the table (scripted standard input) and a
 * strategy compiled to a shared object from examples/agents/mystrategy.c
 * with the system compiler, exactly as docs/negotiation.md says.
 *
 * Runs the built binary (PARLEY_BINARY_DIR/parley) through the shell, with
 * input and output in a fresh temporary folder.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/helpers.h"

#define BIN PARLEY_BINARY_DIR "/parley"
#define EXAMPLES PARLEY_SOURCE_DIR "/examples"

static char tmpdir[256];

static void mk_tmp(void)
{
    tmpdir_make(tmpdir, sizeof tmpdir, "neg");
}

static void rm_tmp(void)
{
    tmpdir_remove(tmpdir);
}

/* Run the tool with args, input as its standard input; its standard
 * output and error into *out (caller frees), its exit status returned. */
static int run(const char *args, const char *input, char **out)
{
    char in[300], cmd[4096];
    snprintf(in, sizeof in, "%s/in.txt", tmpdir);
    FILE *f = fopen(in, "w");
    cr_assert_not_null(f);
    fputs(input ? input : "", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' %s <'%s' 2>&1", BIN, args, in);
    return run_command(cmd, out);
}

Test(negotiate_cli, human_accepts)
{
    mk_tmp();
    char *out;
    /* The seller is a hardliner: the person (Buyer) is shown its offer
     * and accepts it, confirming it although it breaks their budget. */
    int rc = run("negotiate " EXAMPLES "/buyer-seller.yaml --human Buyer --agent Seller=hardliner "
                 "--rounds 10",
                 "c\n\n\n\na\ny\n", &out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "You are Buyer"), "%s", out);
    cr_assert(strstr(out, "Compose your offer"), "%s", out);
    cr_assert(strstr(out, "On the table, from Seller"), "%s", out);
    cr_assert(strstr(out, "Your utility:"), "%s", out);
    cr_assert(strstr(out, "Agreement in round"), "%s", out);
    /* privacy: the seller's utilities are never shown */
    cr_assert_null(strstr(out, "Seller  "), "%s", out);
    cr_assert_null(strstr(out, "Utilities shown"), "%s", out);
    free(out);
    rm_tmp();
}

Test(negotiate_cli, human_composes_issue_by_issue)
{
    mk_tmp();
    char *out;
    /* The person opens with price 9 (by label), warranty #3 (its place
     * in the list: 12), delivery kept; then walks away at the next turn. */
    int rc = run("negotiate " EXAMPLES "/buyer-seller.yaml --human Buyer --agent Seller=hardliner "
                 "--rounds 10 --trace " "/dev/null",
                 "9\n#3\n\nw\n", &out);
    cr_assert_eq(rc, 0, "%s", out); /* the session ran: 0, deal or not */
    cr_assert(strstr(out, "round 1  Buyer offers: price=9, warranty=12, delivery="), "%s", out);
    cr_assert(strstr(out, "your utility so far"), "%s", out);
    cr_assert(strstr(out, "Buyer walked away in round 2"), "%s", out);
    free(out);
    /* a bad value is asked again; end of input walks away */
    rc = run("negotiate " EXAMPLES "/buyer-seller.yaml --human Buyer --agent Seller=hardliner",
             "nonsense\n", &out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "'nonsense' is not one of the 21 values"), "%s", out);
    cr_assert(strstr(out, "walked away"), "%s", out);
    free(out);
    rm_tmp();
}

Test(negotiate_cli, human_votes_on_mediated_texts)
{
    mk_tmp();
    char *out;
    int rc = run("negotiate " EXAMPLES "/abu-dhabi-2026.yaml --protocol mediated --human Ukraine "
                 "--rounds 3 --exit-code",
                 "y\ny\nn\ny\ny\n", &out); /* texts 1 and 3 break a red line: "y" twice */
    cr_assert_eq(rc, 1, "%s", out); /* no deal is possible in this scenario */
    cr_assert(strstr(out, "The mediator proposes"), "%s", out);
    cr_assert(strstr(out, "[y]es or [n]o?"), "%s", out);
    cr_assert(strstr(out, "Ukraine votes yes"), "%s", out);
    cr_assert(strstr(out, "Ukraine votes no"), "%s", out);
    cr_assert_null(strstr(out, "Russia votes"), "%s", out);
    free(out);
    rm_tmp();
}

/* The text between the first occurrence of from and the next of to (or
 * the end), as a new string. */
static char *between(const char *s, const char *from, const char *to)
{
    const char *a = strstr(s, from);
    cr_assert_not_null(a, "no '%s' in:\n%s", from, s);
    const char *b = to ? strstr(a + strlen(from), to) : NULL;
    size_t n = b ? (size_t)(b - a) : strlen(a);
    char *r = malloc(n + 1);
    cr_assert_not_null(r);
    memcpy(r, a, n);
    r[n] = '\0';
    return r;
}

/* Run the tool as run() does, expecting exit status 0; its printout
 * (caller frees). */
static char *play(const char *args, const char *input)
{
    char *out;
    int rc = run(args, input, &out);
    cr_assert_eq(rc, 0, "%s", out);
    return out;
}

#define assert_has(out, want) cr_assert(strstr(out, want), "no '%s' in:\n%s", want, out)
#define assert_lacks(out, text) cr_assert_null(strstr(out, text), "'%s' in:\n%s", text, out)

#define BUYER "negotiate " EXAMPLES "/buyer-seller.yaml --human Buyer --agent Seller=hardliner " \
              "--rounds 10"
#define UKRAINE "negotiate " EXAMPLES "/abu-dhabi-2026.yaml --human Ukraine --rounds 3"
/* the others with the time-dependent-at-least rule: their offers keep
 * to their reservation values, so Russia opens with referendum=held */
#define UKRAINE_AT_LEAST                                       \
    UKRAINE " --agent Russia=time-dependent-at-least --agent " \
            "'United States=time-dependent-at-least'"
#define BUDGET "budget (price <= 11.4)"

Test(negotiate_cli, human_confirms_accepting_past_a_red_line)
{
    mk_tmp();
    /* Buyer opens with the defaults; the seller's offer (price 12) breaks
     * the buyer's budget and is below its reservation value: "a" asks,
     * naming both; "n" (or an empty line) keeps the talks open. */
    char *out = play(BUYER, "\n\n\na\nn\na\n\nw\n");
    assert_has(out, "Careful: this offer is below your reservation value 0.3 (your utility 0.07) "
                    "and\n  breaks your red line " BUDGET ".");
    assert_has(out, "[a]ccept, [c]ounter-offer or [w]alk away? a\nAccept an offer that is below "
                    "your reservation value 0.3 (your utility 0.07) and\n  breaks your red line "
                    BUDGET "? [y/N] n\n[a]ccept");
    assert_lacks(out, "Agreement");
    assert_has(out, "Buyer walked away in round 2");
    free(out);
    /* end of input at the question: no deal either */
    out = play(BUYER, "\n\n\na\n");
    assert_lacks(out, "Agreement");
    assert_has(out, "(end of input: you walk away)");
    free(out);
    rm_tmp();
}

Test(negotiate_cli, human_confirms_sending_past_a_red_line)
{
    mk_tmp();
    /* price 12 breaks the budget: "Send it all the same?" -- no: the
     * draft is composed again, price 11 this time, and sent. */
    char *out = play(BUYER, "12\n\n\nn\n11\n\n\nw\n");
    assert_has(out, "Your offer: your utility 0.4 (discounted 0.4).\nIt breaks your red line "
                    BUDGET ".\nSend it all the same? [y/N] n\n");
    assert_has(out, "round 1  Buyer offers: price=11, warranty=24, delivery=today");
    assert_lacks(out, "Buyer offers: price=12");
    free(out);
    /* "y" sends it */
    out = play(BUYER, "12\n\n\ny\nw\n");
    assert_has(out, "round 1  Buyer offers: price=12, warranty=24, delivery=today");
    free(out);
    rm_tmp();
}

Test(negotiate_cli, human_sees_red_lines_in_the_choice_list)
{
    mk_tmp();
    /* prices over 11.4 are marked, 11.4 is not */
    char *out = play(BUYER, "w\n");
    assert_has(out, "#18 11.4 [0.49]\n    #19 11.6 [0.46]!  #20 11.8 [0.43]!  #21 12 [0.4]!\n"
                    "    ! breaks your red line " BUDGET "\n");
    free(out);
    /* Ukraine's draft starts from Russia's offer (no guarantees): for
     * donbas every value breaks guarantees-required, so none is marked
     * and the note says the rest of the draft is the cause; for
     * guarantees, "none" is marked. */
    out = play(UKRAINE_AT_LEAST, "c\n\n\n");
    assert_has(out, "#1 frozen-line [0.455]  #2 demilitarised-zone [0.275]\n"
                    "    #3 ceded-to-russia [0.155]*\n"
                    "    whatever the donbas, your draft breaks your red line "
                    "guarantees-required\n      (guarantees != none)\n");
    assert_has(out, "#1 none [0.155]*!  #2 bilateral-assurances [0.275]  #3 article5-like "
                    "[0.455]\n    ! breaks your red line guarantees-required (guarantees != none)\n");
    free(out);
    rm_tmp();
}

Test(negotiate_cli, human_names_values_unambiguously)
{
    mk_tmp();
    /* "3" is a value (warranty has none such), "#3" the third (12); "ne"
     * starts two delivery values, "next-w" one. */
    char *out = play(BUYER, "9\n3\n#3\nne\nnext-w\nw\n");
    assert_has(out, "type a value as shown (a bare number is a value: 24), or # and its place "
                    "in\n    the list (#5 is 24); empty keeps *: 3\n"
                    "  '3' is not one of the 5 values of warranty");
    assert_has(out, "'ne' starts 2 values (next-week, next-month): type more of it");
    assert_has(out, "round 1  Buyer offers: price=9, warranty=12, delivery=next-week");
    free(out);
    /* a number is the value whatever its spelling; #N out of range */
    out = play(BUYER, "9.0\n#6\n#5\ntoday\nw\n");
    assert_has(out, "'#6': the list goes from #1 to #5");
    assert_has(out, "round 1  Buyer offers: price=9, warranty=24, delivery=today");
    free(out);
    rm_tmp();
}

Test(negotiate_cli, human_note_only_when_true)
{
    mk_tmp();
    /* Ukraine, mediated: text 1 is below 0.4 and breaks a red line; text
     * 2 is acceptable (no note); text 3 is worth exactly 0.4, so it only
     * breaks red lines (both named). */
    char *out = play(UKRAINE " --protocol mediated", "n\nn\nn\n");
    char *r1 = between(out, "Round 1 (t", "Round 2 (t");
    char *r2 = between(out, "Round 2 (t", "Round 3 (t");
    char *r3 = between(out, "Round 3 (t", NULL);
    assert_has(r1, "Careful: this text is below your reservation value 0.4 (your utility 0.3825) "
                   "and\n  breaks your red line guarantees-required");
    assert_lacks(r2, "Careful");
    assert_lacks(r2, "below");
    assert_has(r3, "Careful: this text breaks your red lines no-territory-without-referendum "
                   "(donbas\n  != frozen-line -> referendum == held) and guarantees-required "
                   "(guarantees !=\n  none).");
    assert_lacks(r3, "below");
    assert_has(out, "The mediator proposes:\n"); /* no "proposes :" */
    free(r1);
    free(r2);
    free(r3);
    free(out);
    rm_tmp();
}

Test(negotiate_cli, plugin_from_the_example)
{
    mk_tmp();
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -I '%s/include' "
             "'%s/examples/agents/mystrategy.c' -o '%s/mystrategy.so'",
             PARLEY_SOURCE_DIR, PARLEY_SOURCE_DIR, tmpdir);
    if (system(cmd) != 0)
        cr_skip_test("no C compiler (cc) to build the example strategy");
    snprintf(cmd, sizeof cmd,
             "negotiate " EXAMPLES "/buyer-seller.yaml --agent 'Buyer=%s/mystrategy.so:floor=0.5' "
             "--agent Seller=conceder --json",
             tmpdir);
    int rc = run(cmd, "", &out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "\"Buyer\": \"mirror\""), "%s", out);
    cr_assert(strstr(out, "\"agreement\": true"), "%s", out);
    free(out);
    /* its parameter check reaches the user */
    snprintf(cmd, sizeof cmd,
             "negotiate " EXAMPLES "/buyer-seller.yaml --agent 'Buyer=%s/mystrategy.so:flor=1'",
             tmpdir);
    rc = run(cmd, "", &out);
    cr_assert_eq(rc, 2, "%s", out);
    cr_assert(strstr(out, "unknown parameter 'flor=1'"), "%s", out);
    free(out);
    rc = run("negotiate " EXAMPLES "/buyer-seller.yaml --agent Buyer=./no-such.so", "", &out);
    cr_assert_eq(rc, 2, "%s", out);
    cr_assert(strstr(out, "cannot load strategy './no-such.so'"), "%s", out);
    free(out);
    rm_tmp();
}

Test(negotiate_cli, trace_is_byte_identical_for_a_seed)
{
    mk_tmp();
    char cmd[1024], *out, p1[300], p2[300], p3[300];
    snprintf(p1, sizeof p1, "%s/a.jsonl", tmpdir);
    snprintf(p2, sizeof p2, "%s/b.jsonl", tmpdir);
    snprintf(p3, sizeof p3, "%s/c.jsonl", tmpdir);
    const char *base = "negotiate " EXAMPLES "/coalition.yaml --agent 'Liberals=random' "
                       "--agent 'Greens=micro' --rounds 60 --json";
    snprintf(cmd, sizeof cmd, "%s --seed 11 --trace '%s'", base, p1);
    run(cmd, "", &out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s --seed 11 --trace '%s'", base, p2);
    run(cmd, "", &out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s --seed 12 --trace '%s'", base, p3);
    run(cmd, "", &out);
    free(out);
    char *a = slurp(p1, NULL), *b = slurp(p2, NULL), *c = slurp(p3, NULL);
    cr_assert(a && b && c, "cannot open %s", !a ? p1 : !b ? p2 : p3);
    cr_assert_str_eq(a, b);
    cr_assert_str_neq(a, c);
    cr_assert(strncmp(a, "{\"event\": \"start\"", 17) == 0, "%.200s", a);
    cr_assert(strstr(a, "{\"event\": \"result\""), "%.200s", a);
    free(a);
    free(b);
    free(c);
    rm_tmp();
}
