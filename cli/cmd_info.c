/*
 * cmd_info.c -- `parley info`: what a scenario holds, at a glance or as
 * JSON: parties and roles, issues and their values, the exact number of
 * outcomes (beyond 2^64 too), and the red lines.  The JSON is written
 * like every command's (cli_json.c: shortest round-trip numbers, keys in
 * a fixed order), laid out one member a line.
 */
#include "cli.h"

#include <string.h>

static void help(void)
{
    printf("Usage: parley info [--json] [--grid N] [--max-input MiB] [--profiles A,B]\n"
           "                   [--name FILE=NAME] INPUT...\n"
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
           "  --profiles A,B,...\n"
           "             GENIUS folder: take only these profiles, in order\n"
           "  --name FILE=NAME\n"
           "             GENIUS: name the party of profile FILE (repeatable)\n"
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
        parleyx_buf_printf(b, "%s value%s: ", cli_count(n, t1, sizeof t1), n == 1 ? "" : "s");
        for (size_t k = 0; k < n && k < 12; k++)
            parleyx_buf_printf(b, "%s%s", k ? ", " : "",
                               parley_issue_value_label(sc, i, k, tmp, sizeof tmp));
        if (n > 12)
            parleyx_buf_printf(b, ", ... (%s more)", cli_count(n - 12, t1, sizeof t1));
        break;
    case PARLEY_ISSUE_INTEGER:
        parleyx_buf_printf(b, "%s to %s", parleyx_fmt_double(lo, t1, sizeof t1),
                           parleyx_fmt_double(hi, t2, sizeof t2));
        if (step != 1)
            parleyx_buf_printf(b, " step %s", parleyx_fmt_double(step, t1, sizeof t1));
        parleyx_buf_printf(b, " (%s values)", cli_count(n, t1, sizeof t1));
        break;
    case PARLEY_ISSUE_REAL:
        parleyx_buf_printf(b, "%s to %s, enumerated on a grid of ",
                           parleyx_fmt_double(lo, t1, sizeof t1),
                           parleyx_fmt_double(hi, t2, sizeof t2));
        parleyx_buf_printf(b, "%s points", cli_count(n, t1, sizeof t1));
        break;
    }
}

enum { COL_ROLE, COL_RESERVATION, COL_DISCOUNT, COL_CAPABILITY, NCOLS };

/* The cells of party p's row after its name ("" when it has none). */
static void party_cells(const parley_scenario *sc, size_t p, char cell[NCOLS][64])
{
    char num[40];
    for (int c = 0; c < NCOLS; c++)
        cell[c][0] = '\0';
    snprintf(cell[COL_ROLE], 64, "%s", parley_role_name(parley_party_role(sc, p)));
    if (parley_party_has_utility(sc, p)) {
        snprintf(cell[COL_RESERVATION], 64, "reservation %s",
                 parleyx_fmt_double(parley_party_reservation(sc, p), num, sizeof num));
        double d = parley_party_discount(sc, p);
        if (d != 1.0)
            snprintf(cell[COL_DISCOUNT], 64, "discount %s", parleyx_fmt_double(d, num, sizeof num));
    } else {
        snprintf(cell[COL_RESERVATION], 64, "no preferences");
    }
    double cap;
    if (parley_party_capability(sc, p, &cap))
        snprintf(cell[COL_CAPABILITY], 64, "capability %s", parleyx_fmt_double(cap, num, sizeof num));
}

/* One row per party, every column as wide as its widest cell (a column
 * no party fills takes no room), no trailing spaces. */
static void text_parties(px_buf *b, const parley_scenario *sc)
{
    size_t np = parley_party_count(sc), w[NCOLS] = {0};
    size_t wname = cli_widest(sc, np, parley_party_name, 4);
    char cell[NCOLS][64];
    for (size_t p = 0; p < np; p++) {
        party_cells(sc, p, cell);
        for (int c = 0; c < NCOLS; c++)
            if (strlen(cell[c]) > w[c])
                w[c] = strlen(cell[c]);
    }
    for (size_t p = 0; p < np; p++) {
        party_cells(sc, p, cell);
        px_buf row;
        parleyx_buf_init(&row, NULL, 0);
        parleyx_buf_puts(&row, "  ");
        cli_pad(&row, parley_party_name(sc, p), wname);
        for (int c = 0; c < NCOLS; c++)
            if (w[c]) {
                parleyx_buf_puts(&row, "  ");
                cli_pad(&row, cell[c], w[c]);
            }
        size_t n = row.len;
        while (n > 0 && row.data && row.data[n - 1] == ' ')
            n--;
        if (row.failed)
            b->failed = true;
        else
            parleyx_buf_add(b, row.data, n);
        parleyx_buf_puts(b, "\n");
        parleyx_buf_free(&row);
    }
}

/* Each party's interaction terms, with the divisor when it is not 1;
 * nothing at all for a scenario without them (linear scenarios print as
 * before). */
static void text_interactions(px_buf *b, const parley_scenario *sc)
{
    size_t np = parley_party_count(sc), nt = 0;
    bool any = false;
    for (size_t p = 0; p < np; p++) {
        nt += parley_interaction_count(sc, p);
        if (parley_interaction_count(sc, p) || parley_party_interaction_divisor(sc, p) != 1.0)
            any = true;
    }
    if (!any)
        return;
    parleyx_buf_printf(b, "\nInteractions (%zu):\n", nt);
    for (size_t p = 0; p < np; p++) {
        size_t n = parley_interaction_count(sc, p);
        double d = parley_party_interaction_divisor(sc, p);
        if (!n && d == 1.0)
            continue;
        char num[40];
        parleyx_buf_printf(b, "  %s", parley_party_name(sc, p));
        if (d != 1.0)
            parleyx_buf_printf(b, " (sum divided by %s)", parleyx_fmt_double(d, num, sizeof num));
        parleyx_buf_puts(b, ":\n");
        size_t wv = 0;
        for (size_t t = 0; t < n; t++) {
            size_t l = strlen(parleyx_fmt_double(parley_interaction_value(sc, p, t), num, sizeof num));
            if (l > wv)
                wv = l;
        }
        for (size_t t = 0; t < n; t++) {
            parleyx_buf_puts(b, "    ");
            cli_pad(b, parleyx_fmt_double(parley_interaction_value(sc, p, t), num, sizeof num), wv);
            parleyx_buf_printf(b, "  when %s\n", parley_interaction_when(sc, p, t));
        }
    }
}

static int text_out(const parley_scenario *sc, const char *input)
{
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    char count[700], grouped[1000];
    const char *name = parley_scenario_name(sc);
    parleyx_buf_printf(&b, "Scenario: %s\n", name[0] ? name : input);
    if (name[0])
        parleyx_buf_printf(&b, "Source:   %s\n", input);

    size_t np = parley_party_count(sc);
    parleyx_buf_printf(&b, "\nParties (%zu):\n", np);
    text_parties(&b, sc);

    size_t ni = parley_issue_count(sc);
    if (parley_scenario_outcome_count_text(sc, count, sizeof count) == PARLEY_OK)
        parleyx_group_digits(count, grouped, sizeof grouped);
    else
        snprintf(grouped, sizeof grouped, "more than 10^600");
    parleyx_buf_printf(&b, "\nIssues (%zu), %s outcome%s:\n", ni, grouped,
                       strcmp(count, "1") == 0 ? "" : "s");
    size_t wi = cli_widest(sc, ni, parley_issue_name, 4);
    for (size_t i = 0; i < ni; i++) {
        parleyx_buf_puts(&b, "  ");
        cli_pad(&b, parley_issue_name(sc, i), wi);
        parleyx_buf_printf(&b, "  %-8s  ", kind_name(parley_issue_kind_of(sc, i)));
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
    text_interactions(&b, sc);
    size_t nu = parley_uncertain_count(sc); /* uncertain numbers, beliefs (docs/robust.md) */
    if (nu) {
        char nm[2 * PARLEY_MAX_NAME + 64];
        parleyx_buf_printf(&b, "\nUncertain numbers and beliefs (%zu); other commands use the "
                               "nominal world:\n", nu);
        for (size_t j = 0; j < nu; j++) {
            parley_input in;
            parley_uncertain_get(sc, j, &in, NULL);
            parleyx_buf_printf(&b, "  %s\n      ", parley_input_name(sc, &in, nm, sizeof nm));
            cli_uncertain_text(&b, sc, j);
            parleyx_buf_puts(&b, "\n");
        }
    }
    size_t nn = parley_scenario_note_count(sc);
    if (nn) /* files of a folder the reader did not use, and why */
        parleyx_buf_printf(&b, "\nNot read (%zu):\n", nn);
    for (size_t k = 0; k < nn; k++)
        parleyx_buf_printf(&b, "  %s\n", parley_scenario_note(sc, k));
    return cli_write_buf("info", "the description", NULL, &b);
}

/* JSON laid out one member or element a line, indented by two spaces a
 * level (as docs/cli.md shows it); numbers as every command writes them. */
static void member(px_buf *b, int depth, bool first, const char *key)
{
    parleyx_buf_printf(b, "%s\n%*s", first ? "" : ",", depth * 2, "");
    cli_json_str(b, key);
    parleyx_buf_puts(b, ": ");
}

static void element(px_buf *b, int depth, bool first)
{
    parleyx_buf_printf(b, "%s\n%*s", first ? "" : ",", depth * 2, "");
}

/* Closes what was opened at depth (with at least one member). */
static void close_at(px_buf *b, int depth, const char *c)
{
    parleyx_buf_printf(b, "\n%*s%s", depth * 2, "", c);
}

/* Closes a list of n elements opened at depth: "[]" when empty. */
static void list_end(px_buf *b, int depth, size_t n)
{
    if (n)
        close_at(b, depth, "]");
    else
        parleyx_buf_puts(b, "]");
}

static void json_party(px_buf *b, const parley_scenario *sc, size_t p)
{
    parleyx_buf_puts(b, "{");
    member(b, 3, true, "name");
    cli_json_str(b, parley_party_name(sc, p));
    member(b, 3, false, "role");
    cli_json_str(b, parley_role_name(parley_party_role(sc, p)));
    member(b, 3, false, "reservation");
    cli_json_num(b, parley_party_reservation(sc, p));
    member(b, 3, false, "discount");
    cli_json_num(b, parley_party_discount(sc, p));
    member(b, 3, false, "has_utility");
    parleyx_buf_puts(b, parley_party_has_utility(sc, p) ? "true" : "false");
    if (parley_party_has_utility(sc, p)) { /* the issues it evaluates, in issue order */
        member(b, 3, false, "weights");
        parleyx_buf_puts(b, "{");
        size_t nw = 0;
        for (size_t i = 0; i < parley_issue_count(sc); i++) {
            parley_eval_info ei;
            parley_party_eval_info(sc, p, i, &ei);
            if (ei.kind == PARLEY_EVAL_NONE)
                continue;
            member(b, 4, nw++ == 0, parley_issue_name(sc, i));
            cli_json_num(b, parley_party_weight(sc, p, i));
        }
        if (nw)
            close_at(b, 3, "}");
        else
            parleyx_buf_puts(b, "}");
    }
    double cap;
    if (parley_party_capability(sc, p, &cap)) {
        member(b, 3, false, "capability");
        cli_json_num(b, cap);
    }
    size_t nt = parley_interaction_count(sc, p);
    double idiv = parley_party_interaction_divisor(sc, p);
    if (nt || idiv != 1.0) { /* only for non-linear utilities: linear output is unchanged */
        member(b, 3, false, "interactions");
        parleyx_buf_puts(b, "[");
        for (size_t t = 0; t < nt; t++) {
            element(b, 4, t == 0);
            parleyx_buf_puts(b, "{");
            member(b, 5, true, "when");
            cli_json_str(b, parley_interaction_when(sc, p, t));
            member(b, 5, false, "value");
            cli_json_num(b, parley_interaction_value(sc, p, t));
            close_at(b, 4, "}");
        }
        list_end(b, 3, nt);
        member(b, 3, false, "interaction_divisor");
        cli_json_num(b, idiv);
    }
    member(b, 3, false, "red_lines");
    size_t nr = parley_redline_count(sc, p);
    parleyx_buf_puts(b, "[");
    for (size_t r = 0; r < nr; r++) {
        element(b, 4, r == 0);
        parleyx_buf_puts(b, "{");
        member(b, 5, true, "name");
        cli_json_str(b, parley_redline_name(sc, p, r));
        member(b, 5, false, "rule");
        cli_json_str(b, parley_redline_text(sc, p, r));
        close_at(b, 4, "}");
    }
    list_end(b, 3, nr);
    close_at(b, 2, "}");
}

static void json_issue(px_buf *b, const parley_scenario *sc, size_t i)
{
    char label[PARLEY_MAX_NAME + 1];
    parley_issue_kind k = parley_issue_kind_of(sc, i);
    size_t n = parley_issue_value_count(sc, i);
    parleyx_buf_puts(b, "{");
    member(b, 3, true, "name");
    cli_json_str(b, parley_issue_name(sc, i));
    member(b, 3, false, "type");
    cli_json_str(b, kind_name(k));
    member(b, 3, false, "values_count");
    parleyx_buf_printf(b, "%zu", n);
    if (k == PARLEY_ISSUE_DISCRETE) {
        member(b, 3, false, "values");
        parleyx_buf_puts(b, "[");
        for (size_t j = 0; j < n; j++) {
            element(b, 4, j == 0);
            cli_json_str(b, parley_issue_value_label(sc, i, j, label, sizeof label));
        }
        list_end(b, 3, n);
    } else {
        double lo, hi, step;
        parley_issue_range(sc, i, &lo, &hi, &step);
        member(b, 3, false, "range");
        parleyx_buf_puts(b, "[");
        element(b, 4, true);
        cli_json_num(b, lo);
        element(b, 4, false);
        cli_json_num(b, hi);
        close_at(b, 3, "]");
        member(b, 3, false, k == PARLEY_ISSUE_INTEGER ? "step" : "grid");
        cli_json_num(b, step);
    }
    close_at(b, 2, "}");
}

/* "key": [...] in the top object, item writing each element. */
static void json_list(px_buf *b, const parley_scenario *sc, const char *key, size_t n,
                      void (*item)(px_buf *, const parley_scenario *, size_t))
{
    member(b, 1, false, key);
    parleyx_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        element(b, 2, i == 0);
        item(b, sc, i);
    }
    list_end(b, 1, n);
}

static void json_note(px_buf *b, const parley_scenario *sc, size_t k)
{
    cli_json_str(b, parley_scenario_note(sc, k));
}

static void json_uncertain(px_buf *b, const parley_scenario *sc, size_t j)
{
    cli_uncertain_json(b, sc, j, 3);
}

static int json_out(const parley_scenario *sc)
{
    char count[700];
    px_buf b;
    parleyx_buf_init(&b, NULL, 0);
    parleyx_buf_puts(&b, "{");
    member(&b, 1, true, "name");
    cli_json_str(&b, parley_scenario_name(sc));
    if (parley_scenario_outcome_count_text(sc, count, sizeof count) == PARLEY_OK) {
        uint64_t n;
        member(&b, 1, false, "outcomes");
        if (parley_scenario_outcome_count(sc, &n) == PARLEY_OK && n <= (1ULL << 53))
            parleyx_buf_printf(&b, "%llu", (unsigned long long)n);
        else
            cli_json_str(&b, count);
        member(&b, 1, false, "outcomes_text");
        cli_json_str(&b, count);
    }
    json_list(&b, sc, "parties", parley_party_count(sc), json_party);
    json_list(&b, sc, "issues", parley_issue_count(sc), json_issue);
    json_list(&b, sc, "notes", parley_scenario_note_count(sc), json_note);
    if (parley_uncertain_count(sc)) /* only then: point scenarios' JSON is unchanged */
        json_list(&b, sc, "uncertain", parley_uncertain_count(sc), json_uncertain);
    close_at(&b, 0, "}\n");
    return cli_write_buf("info", "the description", NULL, &b);
}

int cmd_info(int argc, char **argv)
{
    bool json = false;
    parley_load_options lo = {0};
    const cli_opt opts[] = {CLI_FLAG("--json", &json), CLI_LOAD_OPTIONS(&lo),
                            CLI_PARTY_OPTIONS(&lo)};
    const cli_cmdline cl = {.cmd = "info", .help = help, .opts = opts, .nopts = CLI_COUNT(opts),
                            .no_input = "no input given"};
    parley_scenario *sc;
    int rc;
    cli_nominal_quiet = true; /* info shows the uncertainty itself */
    if (cli_parse_load(&cl, argc, argv, &lo, &sc, &rc))
        rc = json ? json_out(sc) : text_out(sc, argv[1]);
    parley_scenario_free(sc);
    return rc;
}
