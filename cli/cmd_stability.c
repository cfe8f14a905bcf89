/*
 * cmd_stability.c -- `parley stability`: strategic stability of a graph
 * model (the Graph Model for Conflict Resolution): the equilibria under
 * Nash, GMR, SMR, SEQ, SIM and SEQ+SIM, each DM's stable states, the
 * status quo analysis (the equilibria reachable by unilateral
 * improvements, and by which moves), the explanation of each
 * non-equilibrium state, coalition stability, and for a parley scenario
 * the stability of the status quo and of each deal `analyze` finds.
 * Input: a gmcr-py save file (.gmcr) or a native scenario with a
 * `stability:` section (docs/stability.md).  Uses only the public API
 * (parley/stability.h).
 *
 * Exit status: 0 the analysis ran, 2 bad input or usage, 3 internal error.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("Usage: parley stability [OPTIONS] INPUT\n"
           "\n"
           "Strategic stability (the Graph Model for Conflict Resolution): for every\n"
           "feasible state and every decision maker, stability under Nash (R), general\n"
           "metarationality (GMR), symmetric metarationality (SMR), sequential\n"
           "stability (SEQ), simultaneous sanctioning (SIM) and SEQ+SIM; the\n"
           "equilibria of each.  State ids as gmcr-py: option i adds 2^i when taken.\n"
           "\n"
           "INPUT is a gmcr-py save file (.gmcr) or a native scenario with a\n"
           "`stability:` section saying which party moves which issue\n"
           "(docs/stability.md).\n"
           "\n"
           "Options:\n"
           "  --json          machine-readable output (docs/stability.md)\n"
           "  --concept C     the concept for --explain, --status-quo and --coalitions:\n"
           "                  nash (default), gmr, smr, seq, sim or seqsim\n"
           "  --explain       for each state that is no equilibrium, the DM who moves\n"
           "                  and the improvement it takes\n"
           "  --status-quo ID the equilibria reachable from state ID by unilateral\n"
           "                  improvements, with their paths (a scenario's own status\n"
           "                  quo when its `stability:` section gives one: use 'sq')\n"
           "  --coalitions    coalition stability of each equilibrium for every\n"
           "                  group of two or more DMs\n"
           "  --deals         scenario: the stability of the status quo and of each\n"
           "                  deal 'parley analyze' finds\n"
           "  --all           list every feasible state, not only the equilibria\n"
           "  --svg FILE      the state graph around the equilibria of --concept as\n"
           "                  SVG (with --status-quo: its path too)\n"
           "  --max-input MiB\n"
           "                  largest input file read, in MiB (default 64)\n"
           "  -o FILE         write the output to FILE (atomically)\n"
           "  -h, --help      this help\n"
           "\n"
           "Exit status: 0 the analysis ran, 2 bad input or usage, 3 internal error.\n");
}

typedef struct sctx {
    const parley_graph *g;
    const parley_stability *st;
    const parley_scenario *sc; /* NULL for a .gmcr file */
    const parley_moves *mv;
    px_buf *b;
    bool json;
} sctx;

/* Y/N per option, first option first (gmcr-py's notation). */
static void yn(const parley_graph *g, uint32_t s, char *out)
{
    size_t n = parley_graph_option_count(g);
    for (size_t i = 0; i < n; i++)
        out[i] = (s >> i) & 1u ? 'Y' : 'N';
    out[n] = '\0';
}

static void outcome_text(const sctx *c, uint32_t s, bool json)
{
    size_t ni = parley_issue_count(c->sc);
    uint32_t *o = calloc(ni ? ni : 1, sizeof *o);
    if (!o)
        return;
    parley_moves_outcome(c->mv, s, o);
    if (json)
        cli_json_outcome(c->b, c->sc, o, NULL);
    else {
        char lab[PARLEY_MAX_NAME + 1];
        for (size_t i = 0; i < ni; i++)
            parleyx_buf_printf(c->b, "%s%s=%s", i ? ", " : "", parley_issue_name(c->sc, i),
                               parley_issue_value_label(c->sc, i, o[i], lab, sizeof lab));
    }
    free(o);
}

/* "id YNYN" and, for a scenario, its outcome. */
static void state_text(const sctx *c, uint32_t s)
{
    char ynb[PARLEY_GRAPH_MAX_OPTIONS + 1];
    yn(c->g, s, ynb);
    if (c->sc) { /* the outcome says more than the options' bits */
        size_t v = parley_moves_vetoed_by(c->mv, s);
        if (v != SIZE_MAX) {
            parleyx_buf_printf(c->b, "%u (%s vetoes: the status quo)", (unsigned)s,
                               parley_party_name(c->sc, v));
            return;
        }
        parleyx_buf_printf(c->b, "%u (", (unsigned)s);
        outcome_text(c, s, false);
        parleyx_buf_puts(c->b, ")");
    } else
        parleyx_buf_printf(c->b, "%u %s", (unsigned)s, ynb);
}

static void concepts_of(const sctx *c, uint32_t s, bool json)
{
    bool first = true;
    for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++) {
        bool e = parley_stability_equilibrium(c->st, (parley_concept)k, s);
        if (json)
            parleyx_buf_printf(c->b, "%s\"%s\": %s", k ? ", " : "",
                               parley_concept_name((parley_concept)k), e ? "true" : "false");
        else if (e) {
            parleyx_buf_printf(c->b, "%s%s", first ? "" : " ", parley_concept_name((parley_concept)k));
            first = false;
        }
    }
    if (!json && first)
        parleyx_buf_puts(c->b, "none");
}

static uint32_t *all_equilibria(const sctx *c, parley_concept k, size_t *n)
{
    *n = parley_stability_equilibria(c->st, k, NULL, 0);
    uint32_t *ids = malloc((*n ? *n : 1) * sizeof *ids);
    if (ids)
        parley_stability_equilibria(c->st, k, ids, *n);
    return ids;
}

/* ------------------------------------------------------------ sections */

static void path_out(const sctx *c, const parley_reach *r, uint32_t to)
{
    uint32_t ps[256];
    size_t pd[256];
    size_t n = parley_reach_path(r, to, ps, pd, 256);
    for (size_t k = 0; k < n && k < 256; k++) {
        if (c->json) {
            parleyx_buf_printf(c->b, "%s{\"dm\": ", k ? ", " : "");
            cli_json_str(c->b, parley_graph_dm_name(c->g, pd[k]));
            parleyx_buf_printf(c->b, ", \"to\": %u}", (unsigned)ps[k]);
        } else {
            parleyx_buf_printf(c->b, "      %s moves to ", parley_graph_dm_name(c->g, pd[k]));
            state_text(c, ps[k]);
            parleyx_buf_puts(c->b, "\n");
        }
    }
}

static int reach_out(const sctx *c, uint32_t sq, parley_concept k)
{
    parley_reach *r = NULL;
    parley_error err;
    parley_status st = parley_reach_from(c->g, sq, &r, &err);
    if (st)
        return cli_report(&err, st);
    size_t n;
    uint32_t *eq = all_equilibria(c, k, &n);
    if (!eq) {
        parley_reach_free(r);
        return CLI_INTERNAL;
    }
    if (c->json)
        parleyx_buf_puts(c->b, ",\n  \"reachable\": [");
    else {
        parleyx_buf_printf(c->b, "\nFrom the status quo ");
        state_text(c, sq);
        parleyx_buf_printf(c->b, ", by unilateral improvements (%s equilibria):\n",
                           parley_concept_name(k));
    }
    size_t shown = 0;
    for (size_t e = 0; e < n; e++) {
        if (!parley_reach_reached(r, eq[e]))
            continue;
        size_t len = parley_reach_path(r, eq[e], NULL, NULL, 0);
        if (c->json) {
            parleyx_buf_printf(c->b, "%s\n    {\"from\": %u, \"to\": %u, \"path\": [",
                               shown ? "," : "", (unsigned)sq, (unsigned)eq[e]);
            path_out(c, r, eq[e]);
            parleyx_buf_puts(c->b, "]}");
        } else {
            parleyx_buf_puts(c->b, "  ");
            state_text(c, eq[e]);
            parleyx_buf_printf(c->b, ": %zu move%s%s\n", len, len == 1 ? "" : "s",
                               len ? "" : " (the status quo itself)");
            path_out(c, r, eq[e]);
        }
        shown++;
    }
    if (c->json)
        parleyx_buf_puts(c->b, shown ? "\n  ]" : "]");
    else if (!shown)
        parleyx_buf_puts(c->b, "  no equilibrium is reachable\n");
    free(eq);
    parley_reach_free(r);
    return CLI_OK;
}

static void explain_out(const sctx *c, parley_concept k)
{
    uint64_t S = parley_graph_state_count(c->g);
    if (c->json)
        parleyx_buf_puts(c->b, ",\n  \"explain\": [");
    else
        parleyx_buf_printf(c->b, "\nWhy the other states are not %s equilibria:\n",
                           parley_concept_name(k));
    bool first = true;
    for (uint64_t s64 = 0; s64 < S; s64++) {
        uint32_t s = (uint32_t)s64;
        size_t dm;
        uint32_t to;
        if (parley_stability_explain(c->st, k, s, &dm, &to) != PARLEY_OK)
            continue;
        if (c->json) {
            parleyx_buf_printf(c->b, "%s\n    {\"state\": %u, \"dm\": ", first ? "" : ",",
                               (unsigned)s);
            cli_json_str(c->b, parley_graph_dm_name(c->g, dm));
            parleyx_buf_printf(c->b, ", \"to\": %u}", (unsigned)to);
        } else {
            parleyx_buf_puts(c->b, "  ");
            state_text(c, s);
            parleyx_buf_printf(c->b, "\n      %s moves to ", parley_graph_dm_name(c->g, dm));
            state_text(c, to);
            parleyx_buf_printf(c->b, "%s\n", k == PARLEY_CONCEPT_NASH ? ""
                                             : ", and no sanction answers it");
        }
        first = false;
    }
    if (c->json)
        parleyx_buf_puts(c->b, first ? "]" : "\n  ]");
}

static int coalitions_out(const sctx *c, parley_concept k)
{
    size_t nd = parley_graph_dm_count(c->g), n;
    uint32_t *eq = all_equilibria(c, k, &n);
    if (!eq)
        return CLI_INTERNAL;
    if (c->json)
        parleyx_buf_puts(c->b, ",\n  \"coalitions\": [");
    else
        parleyx_buf_printf(c->b, "\nCoalition stability of the %s equilibria:\n",
                           parley_concept_name(k));
    bool first = true;
    int rc = CLI_OK;
    for (size_t e = 0; e < n && rc == CLI_OK; e++) {
        for (uint32_t H = 1; H < (1u << nd) && nd < 16; H++) {
            if (__builtin_popcount(H) < 2)
                continue;
            bool stable;
            uint32_t to;
            parley_error err;
            parley_status st = parley_stability_coalition(c->g, H, eq[e], &stable, &to, &err);
            if (st) {
                rc = cli_report(&err, st);
                break;
            }
            if (c->json) {
                parleyx_buf_printf(c->b, "%s\n    {\"state\": %u, \"coalition\": [",
                                   first ? "" : ",", (unsigned)eq[e]);
                bool f2 = true;
                for (size_t d = 0; d < nd; d++)
                    if (H & (1u << d)) {
                        if (!f2)
                            parleyx_buf_puts(c->b, ", ");
                        cli_json_str(c->b, parley_graph_dm_name(c->g, d));
                        f2 = false;
                    }
                parleyx_buf_printf(c->b, "], \"stable\": %s", stable ? "true" : "false");
                if (!stable)
                    parleyx_buf_printf(c->b, ", \"to\": %u", (unsigned)to);
                parleyx_buf_puts(c->b, "}");
            } else {
                parleyx_buf_printf(c->b, "  state %u, ", (unsigned)eq[e]);
                bool f2 = true;
                for (size_t d = 0; d < nd; d++)
                    if (H & (1u << d)) {
                        parleyx_buf_printf(c->b, "%s%s", f2 ? "" : " + ",
                                           parley_graph_dm_name(c->g, d));
                        f2 = false;
                    }
                if (stable)
                    parleyx_buf_puts(c->b, ": stable\n");
                else
                    parleyx_buf_printf(c->b, ": all gain by moving together to %u\n",
                                       (unsigned)to);
            }
            first = false;
        }
    }
    if (c->json)
        parleyx_buf_puts(c->b, first ? "]" : "\n  ]");
    free(eq);
    return rc;
}

/* One state's stability for each DM (a deal or the status quo). */
static void one_state(const sctx *c, const char *what, uint32_t s)
{
    size_t nd = parley_graph_dm_count(c->g);
    if (c->json) {
        parleyx_buf_printf(c->b, "\n    {\"what\": ");
        cli_json_str(c->b, what);
        parleyx_buf_printf(c->b, ", \"id\": %u, \"outcome\": ", (unsigned)s);
        outcome_text(c, s, true);
        parleyx_buf_puts(c->b, ", \"equilibrium\": {");
        concepts_of(c, s, true);
        parleyx_buf_puts(c->b, "}}");
        return;
    }
    parleyx_buf_printf(c->b, "  %s: ", what);
    state_text(c, s);
    parleyx_buf_puts(c->b, "\n    equilibrium under: ");
    concepts_of(c, s, false);
    parleyx_buf_puts(c->b, "\n");
    size_t dm;
    uint32_t to;
    if (parley_stability_explain(c->st, PARLEY_CONCEPT_NASH, s, &dm, &to) == PARLEY_OK) {
        if (parley_moves_vetoed_by(c->mv, to) != SIZE_MAX &&
            parley_moves_vetoed_by(c->mv, s) == SIZE_MAX) {
            parleyx_buf_printf(c->b, "    %s would veto it\n", parley_graph_dm_name(c->g, dm));
        } else {
            parleyx_buf_printf(c->b, "    %s would move to ", parley_graph_dm_name(c->g, dm));
            uint32_t *o = calloc(parley_issue_count(c->sc) + 1, sizeof *o);
            uint32_t *p = calloc(parley_issue_count(c->sc) + 1, sizeof *p);
            if (o && p) {
                parley_moves_outcome(c->mv, s, o);
                parley_moves_outcome(c->mv, to, p);
                char lab[PARLEY_MAX_NAME + 1];
                bool f = true;
                for (size_t i = 0; i < parley_issue_count(c->sc); i++)
                    if (o[i] != p[i]) {
                        parleyx_buf_printf(c->b, "%s%s=%s", f ? "" : ", ",
                                           parley_issue_name(c->sc, i),
                                           parley_issue_value_label(c->sc, i, p[i], lab,
                                                                    sizeof lab));
                        f = false;
                    }
                if (f)
                    parleyx_buf_printf(c->b, "state %u", (unsigned)to);
            }
            free(o);
            free(p);
            parleyx_buf_puts(c->b, "\n");
        }
    }
    for (size_t d = 0; d < nd; d++) {
        bool any = false;
        for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++)
            any = any || !parley_stability_stable(c->st, d, (parley_concept)k, s);
        if (!any)
            continue;
        parleyx_buf_printf(c->b, "    unstable for %s under:", parley_graph_dm_name(c->g, d));
        for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++)
            if (!parley_stability_stable(c->st, d, (parley_concept)k, s))
                parleyx_buf_printf(c->b, " %s", parley_concept_name((parley_concept)k));
        parleyx_buf_puts(c->b, "\n");
    }
}

static int deals_out(const sctx *c, bool has_sq, uint32_t sq)
{
    if (c->json)
        parleyx_buf_puts(c->b, ",\n  \"deals\": [");
    else
        parleyx_buf_puts(c->b, "\nThe status quo and the deals 'parley analyze' finds:\n");
    bool first = true;
    if (has_sq) {
        one_state(c, "status quo", sq);
        first = false;
    }
    parley_analysis *an = NULL;
    parley_error err;
    parley_status st = parley_analyze(c->sc, NULL, &an, &err);
    if (st)
        return cli_report(&err, st);
    uint32_t seen[PARLEY_SOLUTION_COUNT];
    size_t nseen = 0;
    for (int k = 0; k < PARLEY_SOLUTION_COUNT; k++) {
        const uint32_t *o;
        if (!parley_analysis_solution(an, (parley_solution_kind)k, NULL, &o))
            continue;
        uint32_t s;
        if (!parley_moves_state(c->mv, o, &s)) {
            if (!c->json)
                parleyx_buf_printf(c->b, "  %s: not a state of the model (an issue nobody "
                                   "moves is off its status quo)\n",
                                   parley_solution_name((parley_solution_kind)k));
            continue;
        }
        bool dup = false;
        for (size_t q = 0; q < nseen; q++)
            dup = dup || seen[q] == s;
        if (c->json && !first)
            parleyx_buf_puts(c->b, ",");
        if (dup && !c->json) {
            parleyx_buf_printf(c->b, "  %s: state %u again\n",
                               parley_solution_name((parley_solution_kind)k), (unsigned)s);
            continue;
        }
        seen[nseen++] = s;
        one_state(c, parley_solution_name((parley_solution_kind)k), s);
        first = false;
    }
    if (c->json)
        parleyx_buf_puts(c->b, first ? "]" : "\n  ]");
    parley_analysis_free(an);
    return CLI_OK;
}

/* A chart label for a scenario's state: the moved issues' values, short. */
static void chart_label(void *ud, uint32_t s, char *buf, size_t n)
{
    const sctx *c = ud;
    size_t ni = parley_issue_count(c->sc), k = 0;
    if (parley_moves_vetoed_by(c->mv, s) != SIZE_MAX) {
        snprintf(buf, n, "vetoed: status quo");
        return;
    }
    uint32_t *o = calloc(ni ? ni : 1, sizeof *o);
    if (!o)
        return;
    parley_moves_outcome(c->mv, s, o);
    char lab[PARLEY_MAX_NAME + 1];
    for (size_t i = 0; i < ni && k + 1 < n; i++) {
        if (parley_moves_mover(c->mv, i) == SIZE_MAX)
            continue;
        const char *v = parley_issue_value_label(c->sc, i, o[i], lab, sizeof lab);
        int w = snprintf(buf + k, n - k, "%s%.4s", k ? "/" : "", v);
        if (w < 0 || (size_t)w >= n - k)
            break;
        k += (size_t)w;
    }
    free(o);
}

static int chart_out(const sctx *c, parley_concept k, const uint32_t *sq, const char *path)
{
    char *svg = NULL;
    size_t len = 0;
    parley_error err;
    parley_status st = parley_chart_stability(c->st, k, sq, c->sc ? chart_label : NULL, (void *)c,
                                              NULL, &svg, &len, &err);
    if (st)
        return cli_report(&err, st);
    int rc = cli_write_output(path, svg, len);
    parley_text_free(svg);
    return rc;
}

/* ------------------------------------------------------------- main */

static void summary(const sctx *c, bool all)
{
    const parley_graph *g = c->g;
    size_t nd = parley_graph_dm_count(g), no = parley_graph_option_count(g);
    uint64_t S = parley_graph_state_count(g);
    char n1[32], n2[32];
    parleyx_buf_printf(c->b, "Graph model: %zu decision makers, %zu options, %s feasible states "
                       "of %s\n",
                       nd, no, cli_count(parley_graph_feasible_count(g), n1, sizeof n1),
                       cli_count(S, n2, sizeof n2));
    for (size_t d = 0; d < nd; d++) {
        parleyx_buf_printf(c->b, "  %s:", parley_graph_dm_name(g, d));
        bool f = true;
        for (size_t i = 0; i < no; i++) {
            if (parley_graph_option_dm(g, i) != d)
                continue;
            parley_option_dir dir = parley_graph_option_direction(g, i);
            parleyx_buf_printf(c->b, "%s %zu %s%s", f ? "" : ",", i,
                               parley_graph_option_name(g, i),
                               dir == PARLEY_DIR_FORWARD    ? " (may only be taken)"
                               : dir == PARLEY_DIR_BACKWARD ? " (may only be dropped)"
                                                            : "");
            f = false;
        }
        parleyx_buf_puts(c->b, "\n");
    }
    parleyx_buf_puts(c->b, "\nEquilibria (state id = sum of 2^i over the options i taken):\n");
    for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++) {
        size_t n = parley_stability_equilibria(c->st, (parley_concept)k, NULL, 0);
        parleyx_buf_printf(c->b, "  %-7s %s", parley_concept_name((parley_concept)k),
                           cli_count(n, n1, sizeof n1));
        if (n && n <= 32) {
            uint32_t ids[32];
            parley_stability_equilibria(c->st, (parley_concept)k, ids, 32);
            parleyx_buf_puts(c->b, ":");
            for (size_t e = 0; e < n; e++)
                parleyx_buf_printf(c->b, " %u", (unsigned)ids[e]);
        }
        parleyx_buf_puts(c->b, "\n");
    }
    /* the states: every feasible one with --all, else those that are an
     * equilibrium under some concept, when there are at most 20 */
    size_t neq = 0;
    for (uint64_t s64 = 0; s64 < S && !all; s64++)
        for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++)
            if (parley_stability_equilibrium(c->st, (parley_concept)k, (uint32_t)s64)) {
                neq++;
                break;
            }
    if (!all && neq > 20) {
        parleyx_buf_printf(c->b, "\n%s states are an equilibrium under some concept (--all or "
                           "--json lists them).\n", cli_count(neq, n1, sizeof n1));
        return;
    }
    parleyx_buf_printf(c->b, "\n%s%s:\n", all ? "States" : "Equilibrium states",
                       c->sc ? "" : " (options Y/N, first option first)");
    for (uint64_t s64 = 0; s64 < S; s64++) {
        uint32_t s = (uint32_t)s64;
        if (!parley_graph_feasible(g, s))
            continue;
        bool any = all;
        for (int k = 0; k < PARLEY_CONCEPT_COUNT && !any; k++)
            any = parley_stability_equilibrium(c->st, (parley_concept)k, s);
        if (!any)
            continue;
        parleyx_buf_puts(c->b, "  ");
        state_text(c, s);
        parleyx_buf_puts(c->b, ": ");
        concepts_of(c, s, false);
        parleyx_buf_puts(c->b, "\n");
    }
}

static void json_main(const sctx *c)
{
    const parley_graph *g = c->g;
    size_t nd = parley_graph_dm_count(g), no = parley_graph_option_count(g);
    uint64_t S = parley_graph_state_count(g);
    parleyx_buf_puts(c->b, "{\n  \"options\": [");
    for (size_t i = 0; i < no; i++) {
        parleyx_buf_printf(c->b, "%s\n    {\"name\": ", i ? "," : "");
        cli_json_str(c->b, parley_graph_option_name(g, i));
        parleyx_buf_puts(c->b, ", \"dm\": ");
        cli_json_str(c->b, parley_graph_dm_name(g, parley_graph_option_dm(g, i)));
        parley_option_dir dir = parley_graph_option_direction(g, i);
        parleyx_buf_printf(c->b, ", \"direction\": \"%s\"}",
                           dir == PARLEY_DIR_FORWARD    ? "fwd"
                           : dir == PARLEY_DIR_BACKWARD ? "back"
                                                        : "both");
    }
    parleyx_buf_puts(c->b, "\n  ],\n  \"states\": [");
    bool first = true;
    char ynb[PARLEY_GRAPH_MAX_OPTIONS + 1];
    for (uint64_t s64 = 0; s64 < S; s64++) {
        uint32_t s = (uint32_t)s64;
        if (!parley_graph_feasible(g, s))
            continue;
        yn(g, s, ynb);
        parleyx_buf_printf(c->b, "%s\n    {\"id\": %u, \"options\": \"%s\"", first ? "" : ",",
                           (unsigned)s, ynb);
        if (c->sc) {
            parleyx_buf_puts(c->b, ", \"outcome\": ");
            outcome_text(c, s, true);
        }
        parleyx_buf_puts(c->b, ", \"equilibrium\": {");
        concepts_of(c, s, true);
        parleyx_buf_puts(c->b, "}}");
        first = false;
    }
    parleyx_buf_puts(c->b, "\n  ],\n  \"dms\": [");
    for (size_t d = 0; d < nd; d++) {
        parleyx_buf_printf(c->b, "%s\n    {\"name\": ", d ? "," : "");
        cli_json_str(c->b, parley_graph_dm_name(g, d));
        parleyx_buf_puts(c->b, ", \"stable\": {");
        for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++) {
            parleyx_buf_printf(c->b, "%s\"%s\": [", k ? ", " : "",
                               parley_concept_name((parley_concept)k));
            bool f = true;
            for (uint64_t s64 = 0; s64 < S; s64++)
                if (parley_stability_stable(c->st, d, (parley_concept)k, (uint32_t)s64)) {
                    parleyx_buf_printf(c->b, "%s%u", f ? "" : ", ", (unsigned)s64);
                    f = false;
                }
            parleyx_buf_puts(c->b, "]");
        }
        parleyx_buf_puts(c->b, "}}");
    }
    parleyx_buf_puts(c->b, "\n  ],\n  \"equilibria\": {");
    for (int k = 0; k < PARLEY_CONCEPT_COUNT; k++) {
        size_t n;
        uint32_t *eq = all_equilibria(c, (parley_concept)k, &n);
        parleyx_buf_printf(c->b, "%s\n    \"%s\": [", k ? "," : "",
                           parley_concept_name((parley_concept)k));
        for (size_t e = 0; eq && e < n; e++)
            parleyx_buf_printf(c->b, "%s%u", e ? ", " : "", (unsigned)eq[e]);
        parleyx_buf_puts(c->b, "]");
        free(eq);
    }
    parleyx_buf_puts(c->b, "\n  }");
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

int cmd_stability(int argc, char **argv)
{
    bool json = false, explain = false, coal = false, deals = false, all = false;
    const char *concept = NULL, *sqarg = NULL, *outpath = NULL, *svgpath = NULL;
    parley_load_options lo = {0};
    const cli_opt opts[] = {
        CLI_FLAG("--json", &json),
        CLI_VALUE("--concept", "a concept (nash, gmr, smr, seq, sim, seqsim)", &concept),
        CLI_FLAG("--explain", &explain),
        CLI_VALUE("--status-quo", "a state id or 'sq'", &sqarg),
        CLI_FLAG("--coalitions", &coal),
        CLI_FLAG("--deals", &deals),
        CLI_FLAG("--all", &all),
        CLI_CALL("--max-input", "a number", cli_load_option, &lo),
        CLI_VALUE("--svg", "a file name", &svgpath),
        CLI_VALUE("-o", "a file name", &outpath),
    };
    const cli_cmdline cl = {.cmd = "stability", .help = help, .opts = opts,
                            .nopts = CLI_COUNT(opts), .no_input = "no input given"};
    size_t nin;
    int rc;
    if (!cli_parse(&cl, argc, argv, &nin, &rc))
        return rc;
    if (nin != 1)
        return cli_usage("stability", "expected one input (a .gmcr file or a scenario), got %zu",
                         nin);
    parley_concept k = PARLEY_CONCEPT_NASH;
    if (concept) {
        int f = -1;
        for (int q = 0; q < PARLEY_CONCEPT_COUNT; q++)
            if (strcmp(concept, parley_concept_name((parley_concept)q)) == 0)
                f = q;
        if (f < 0)
            return cli_usage("stability", "unknown concept '%s'; expected nash, gmr, smr, seq, "
                             "sim or seqsim", concept);
        k = (parley_concept)f;
    }
    const char *path = argv[1];
    parley_error err;
    parley_status st;
    parley_graph *g = NULL;
    parley_scenario *sc = NULL;
    parley_moves *mv = NULL;
    parley_stability *res = NULL;
    if (ends_with(path, ".gmcr")) {
        if ((st = parley_gmcr_read(path, NULL, &g, &err)))
            return cli_report(&err, st);
        if (deals) {
            parley_graph_free(g);
            return cli_usage("stability", "--deals needs a parley scenario, not a .gmcr file");
        }
    } else {
        if ((rc = cli_load(1, &argv[1], &lo, &sc)) != CLI_OK)
            return rc;
        st = parley_moves_read_file(path, sc, &lo, &mv, &err);
        if (st == PARLEY_ERR_NORESULT) /* no section: bad input here */
            st = PARLEY_ERR_INVALID;
        if (!st)
            st = parley_graph_from_scenario(mv, &g, &err);
        if (st) {
            parley_moves_free(mv);
            parley_scenario_free(sc);
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", path);
            return cli_report(&err, st);
        }
    }
    rc = CLI_OK;
    uint32_t sq = 0;
    bool has_sq = false;
    if (mv) {
        size_t ni = parley_issue_count(sc);
        uint32_t *o = calloc(ni ? ni : 1, sizeof *o);
        if (o && parley_moves_status_quo(mv, o))
            has_sq = parley_moves_state(mv, o, &sq);
        free(o);
    }
    if (sqarg) {
        char *end;
        if (strcmp(sqarg, "sq") == 0) {
            if (!has_sq)
                rc = cli_usage("stability", "--status-quo sq: the scenario's `stability:` "
                               "section gives no status quo for every issue");
        } else {
            unsigned long v = strtoul(sqarg, &end, 10);
            if (!*sqarg || *end || v >= parley_graph_state_count(g) ||
                !parley_graph_feasible(g, (uint32_t)v))
                rc = cli_usage("stability", "--status-quo expects the id of a feasible state, "
                               "got '%s'", sqarg);
            sq = (uint32_t)v;
            has_sq = true;
        }
    }
    if (rc == CLI_OK && (st = parley_stability_analyze(g, 0, &res, &err)))
        rc = cli_report(&err, st);
    if (rc == CLI_OK) {
        px_buf b;
        parleyx_buf_init(&b, NULL, 0);
        sctx c = {g, res, sc, mv, &b, json};
        if (json)
            json_main(&c);
        else
            summary(&c, all);
        if (sqarg)
            rc = reach_out(&c, sq, k);
        if (rc == CLI_OK && explain)
            explain_out(&c, k);
        if (rc == CLI_OK && coal)
            rc = coalitions_out(&c, k);
        if (rc == CLI_OK && deals) {
            if (!sc)
                rc = cli_usage("stability", "--deals needs a parley scenario");
            else
                rc = deals_out(&c, has_sq, sq);
        }
        if (json)
            parleyx_buf_puts(&b, "\n}\n");
        if (rc == CLI_OK && svgpath)
            rc = chart_out(&c, k, sqarg ? &sq : NULL, svgpath);
        if (rc == CLI_OK)
            rc = cli_write_buf("stability", "the output", outpath, &b);
        else
            parleyx_buf_free(&b);
    }
    parley_stability_free(res);
    parley_graph_free(g);
    parley_moves_free(mv);
    parley_scenario_free(sc);
    return rc;
}
