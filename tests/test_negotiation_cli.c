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
     * and accepts it. */
    int rc = run("negotiate " EXAMPLES "/buyer-seller.yaml --human Buyer --agent Seller=hardliner "
                 "--rounds 10",
                 "c\n\n\n\na\n", &out);
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
    /* The person opens with price 9 (by label), warranty value 3 (by
     * number: 12), delivery kept; then walks away at the next turn. */
    int rc = run("negotiate " EXAMPLES "/buyer-seller.yaml --human Buyer --agent Seller=hardliner "
                 "--rounds 10 --trace " "/dev/null",
                 "9\n3\n\nw\n", &out);
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
                 "y\nn\ny\n", &out);
    cr_assert_eq(rc, 1, "%s", out); /* no deal is possible in this scenario */
    cr_assert(strstr(out, "The mediator proposes"), "%s", out);
    cr_assert(strstr(out, "[y]es or [n]o?"), "%s", out);
    cr_assert(strstr(out, "Ukraine votes yes"), "%s", out);
    cr_assert(strstr(out, "Ukraine votes no"), "%s", out);
    cr_assert_null(strstr(out, "Russia votes"), "%s", out);
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
