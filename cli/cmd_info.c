/*
 * cmd_info.c -- `parley info`: what a scenario holds, at a glance or as
 * JSON: parties and roles, issues and their values, the exact number of
 * outcomes (beyond 2^64 too), and the red lines.
 */
#include "cli.h"

#include <jansson.h>
#include <string.h>

static void help(void)
{
    printf("Usage: parley info [--json] [--grid N] [--max-input MiB] INPUT...\n"
           "\n"
           "Show a scenario: its parties and their roles, reservation values and\n"
           "discount factors; its issues and their values; the exact number of\n"
           "outcomes; and every red line.\n"
           "\n"
           "INPUT is a native scenario file, a GENIUS folder, or a GENIUS domain\n"
           "file followed by its profile files.\n"
           "\n"
           "Options:\n"
           "  --json     machine-readable output (see docs/cli.md)\n"
           "  --grid N   points per real issue when enumerating (default 21)\n"
           "  --max-input MiB\n"
           "             largest input file read, in MiB (default 64)\n"
           "  -h, --help this help\n");
}

static const char *kind_name(parley_issue_kind k)
{
    switch (k) {
    case PARLEY_ISSUE_DISCRETE: return "discrete";
    case PARLEY_ISSUE_INTEGER: return "integer";
    case PARLEY_ISSUE_REAL: return "real";
    }
    return "?";
}

static void describe_values(const parley_scenario *sc, size_t i, px_buf *b)
{
    char tmp[PARLEY_MAX_NAME + 1], t1[40], t2[40];
    size_t n = parley_issue_value_count(sc, i);
    double lo, hi, step;
    parley_issue_range(sc, i, &lo, &hi, &step);
    switch (parley_issue_kind_of(sc, i)) {
    case PARLEY_ISSUE_DISCRETE:
        parleyx_buf_printf(b, "%zu value%s: ", n, n == 1 ? "" : "s");
        for (size_t k = 0; k < n && k < 12; k++)
            parleyx_buf_printf(b, "%s%s", k ? ", " : "",
                               parley_issue_value_label(sc, i, k, tmp, sizeof tmp));
        if (n > 12)
            parleyx_buf_printf(b, ", ... (%zu more)", n - 12);
        break;
    case PARLEY_ISSUE_INTEGER:
        parleyx_buf_printf(b, "%s to %s", parleyx_fmt_double(lo, t1, sizeof t1),
                           parleyx_fmt_double(hi, t2, sizeof t2));
        if (step != 1)
            parleyx_buf_printf(b, " step %s", parleyx_fmt_double(step, t1, sizeof t1));
        parleyx_buf_printf(b, " (%zu values)", n);
        break;
    case PARLEY_ISSUE_REAL:
        parleyx_buf_printf(b, "%s to %s, enumerated on a grid of %zu points",
                           parleyx_fmt_double(lo, t1, sizeof t1),
                           parleyx_fmt_double(hi, t2, sizeof t2), n);
        break;
    }
}

static int text_out(const parley_scenario *sc, const char *input)
{
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    char count[700], grouped[1000], num[40];
    const char *name = parley_scenario_name(sc);
    parleyx_buf_printf(&b, "Scenario: %s\n", name[0] ? name : input);
    if (name[0])
        parleyx_buf_printf(&b, "Source:   %s\n", input);

    size_t np = parley_party_count(sc);
    parleyx_buf_printf(&b, "\nParties (%zu):\n", np);
    size_t wname = 4;
    for (size_t p = 0; p < np; p++)
        if (strlen(parley_party_name(sc, p)) > wname)
            wname = strlen(parley_party_name(sc, p));
    for (size_t p = 0; p < np; p++) {
        parleyx_buf_printf(&b, "  %-*s  %-10s", (int)wname, parley_party_name(sc, p),
                           parley_role_name(parley_party_role(sc, p)));
        if (parley_party_has_utility(sc, p)) {
            parleyx_buf_printf(&b, "  reservation %s",
                               parleyx_fmt_double(parley_party_reservation(sc, p), num, sizeof num));
            double d = parley_party_discount(sc, p);
            if (d != 1.0)
                parleyx_buf_printf(&b, "  discount %s", parleyx_fmt_double(d, num, sizeof num));
        } else {
            parleyx_buf_puts(&b, "  no preferences");
        }
        double cap;
        if (parley_party_capability(sc, p, &cap))
            parleyx_buf_printf(&b, "  capability %s", parleyx_fmt_double(cap, num, sizeof num));
        parleyx_buf_puts(&b, "\n");
    }

    size_t ni = parley_issue_count(sc);
    if (parley_scenario_outcome_count_text(sc, count, sizeof count) == PARLEY_OK)
        parleyx_group_digits(count, grouped, sizeof grouped);
    else
        snprintf(grouped, sizeof grouped, "more than 10^600");
    parleyx_buf_printf(&b, "\nIssues (%zu), %s outcome%s:\n", ni, grouped,
                       strcmp(count, "1") == 0 ? "" : "s");
    size_t wi = 4;
    for (size_t i = 0; i < ni; i++)
        if (strlen(parley_issue_name(sc, i)) > wi)
            wi = strlen(parley_issue_name(sc, i));
    for (size_t i = 0; i < ni; i++) {
        parleyx_buf_printf(&b, "  %-*s  %-8s  ", (int)wi, parley_issue_name(sc, i),
                           kind_name(parley_issue_kind_of(sc, i)));
        describe_values(sc, i, &b);
        parleyx_buf_puts(&b, "\n");
    }

    size_t nr = 0;
    for (size_t p = 0; p < np; p++)
        nr += parley_redline_count(sc, p);
    parleyx_buf_printf(&b, "\nRed lines (%zu)%s\n", nr, nr ? ":" : "");
    for (size_t p = 0; p < np; p++)
        for (size_t r = 0; r < parley_redline_count(sc, p); r++)
            parleyx_buf_printf(&b, "  %s:%s\n      %s\n", parley_party_name(sc, p),
                               parley_redline_name(sc, p, r), parley_redline_text(sc, p, r));
    return cli_write_buf("info", "the description", NULL, &b);
}

static int json_out(const parley_scenario *sc)
{
    char count[700], label[PARLEY_MAX_NAME + 1];
    json_t *root = json_object();
    json_object_set_new(root, "name", json_string(parley_scenario_name(sc)));
    if (parley_scenario_outcome_count_text(sc, count, sizeof count) == PARLEY_OK) {
        uint64_t n;
        if (parley_scenario_outcome_count(sc, &n) == PARLEY_OK && n <= (1ULL << 53))
            json_object_set_new(root, "outcomes", json_integer((json_int_t)n));
        else
            json_object_set_new(root, "outcomes", json_string(count));
        json_object_set_new(root, "outcomes_text", json_string(count));
    }
    json_t *parties = json_array();
    for (size_t p = 0; p < parley_party_count(sc); p++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(parley_party_name(sc, p)));
        json_object_set_new(o, "role", json_string(parley_role_name(parley_party_role(sc, p))));
        json_object_set_new(o, "reservation", json_real(parley_party_reservation(sc, p)));
        json_object_set_new(o, "discount", json_real(parley_party_discount(sc, p)));
        json_object_set_new(o, "has_utility", json_boolean(parley_party_has_utility(sc, p)));
        double cap;
        if (parley_party_capability(sc, p, &cap))
            json_object_set_new(o, "capability", json_real(cap));
        json_t *rl = json_array();
        for (size_t r = 0; r < parley_redline_count(sc, p); r++) {
            json_t *x = json_object();
            json_object_set_new(x, "name", json_string(parley_redline_name(sc, p, r)));
            json_object_set_new(x, "rule", json_string(parley_redline_text(sc, p, r)));
            json_array_append_new(rl, x);
        }
        json_object_set_new(o, "red_lines", rl);
        json_array_append_new(parties, o);
    }
    json_object_set_new(root, "parties", parties);
    json_t *issues = json_array();
    for (size_t i = 0; i < parley_issue_count(sc); i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(parley_issue_name(sc, i)));
        parley_issue_kind k = parley_issue_kind_of(sc, i);
        json_object_set_new(o, "type", json_string(kind_name(k)));
        json_object_set_new(o, "values_count", json_integer((json_int_t)parley_issue_value_count(sc, i)));
        if (k == PARLEY_ISSUE_DISCRETE) {
            json_t *v = json_array();
            for (size_t j = 0; j < parley_issue_value_count(sc, i); j++)
                json_array_append_new(v, json_string(parley_issue_value_label(sc, i, j, label, sizeof label)));
            json_object_set_new(o, "values", v);
        } else {
            double lo, hi, step;
            parley_issue_range(sc, i, &lo, &hi, &step);
            json_t *r = json_array();
            json_array_append_new(r, json_real(lo));
            json_array_append_new(r, json_real(hi));
            json_object_set_new(o, "range", r);
            json_object_set_new(o, k == PARLEY_ISSUE_INTEGER ? "step" : "grid", json_real(step));
        }
        json_array_append_new(issues, o);
    }
    json_object_set_new(root, "issues", issues);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (!s) {
        fprintf(stderr, "parley info: out of memory\n");
        return CLI_INTERNAL;
    }
    size_t len = strlen(s);
    int rc = cli_write_output(NULL, s, len);
    if (rc == CLI_OK)
        rc = cli_write_output(NULL, "\n", 1);
    free(s);
    return rc;
}

int cmd_info(int argc, char **argv)
{
    bool json = false;
    parley_load_options lo = {0};
    const cli_opt opts[] = {CLI_FLAG("--json", &json), CLI_LOAD_OPTIONS(&lo)};
    const cli_cmdline cl = {.cmd = "info", .help = help, .opts = opts, .nopts = CLI_COUNT(opts),
                            .no_input = "no input given"};
    size_t ninputs;
    int rc;
    if (!cli_parse(&cl, argc, argv, &ninputs, &rc))
        return rc;
    parley_scenario *sc = NULL;
    rc = cli_load(ninputs, argv + 1, &lo, &sc);
    if (rc == CLI_OK)
        rc = json ? json_out(sc) : text_out(sc, argv[1]);
    parley_scenario_free(sc);
    return rc;
}
