/*
 * cmd_negotiate.c -- `parley negotiate`: simulate the talks round by
 * round between automated negotiators (built-in strategies, strategies
 * loaded from shared objects) and, optionally, one person at the terminal.
 *
 * Uses only the public API (parley/negotiation.h, parley/agent.h) and the
 * parleyx_ helpers.  Output: the offers as they are made and the result
 * (text), or the summary as JSON (--json; keys in a fixed order, numbers
 * shortest round-trip, so the same seed gives the same bytes); --trace
 * FILE writes every event as JSON lines.  docs/negotiation.md has the
 * schemas.
 *
 * Privacy at the terminal.  With --human PARTY the printout shows only
 * that party's utilities (it is what the person at the table knows); the
 * trace file and the JSON summary, written for analysts, show everyone's.
 * The person's side of the table (prompts, choice lists, the guard rails
 * around their reservation value and red lines) is cli/human.c.
 *
 * Exit status: 0 the session ran, deal or not; with --exit-code, 1 when no
 * deal was struck; 2 bad input or usage, 3 internal error.
 */
#include "cli.h"
#include "human.h"
#include "parley/negotiation.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("Usage: parley negotiate [OPTIONS] INPUT...\n"
           "\n"
           "Simulate the talks: who offers what, round by round, and whether a deal\n"
           "is struck before the deadline.  Every negotiator sees only its own\n"
           "preferences and the offers made.\n"
           "\n"
           "Options:\n"
           "  --protocol P           alternating (two negotiators), multilateral\n"
           "                         (stacked alternating offers, any number; 'sao'),\n"
           "                         or mediated (single text); default: alternating\n"
           "                         with two negotiators, multilateral otherwise\n"
           "  --agent PARTY=STRATEGY[:k=v,...]\n"
           "                         the strategy of a negotiator (default linear):\n"
           "                         boulware, linear, conceder, hardliner,\n"
           "                         time-dependent (e=, k=, min=, max=) as GENIUS's\n"
           "                         TimeDependentAgent; time-dependent-at-least (the\n"
           "                         same, never below the target or rv); tit-for-tat\n"
           "                         (kindness=, punish=) as NegMAS's; nice-tit-for-tat\n"
           "                         as GENIUS's; random (accept=, end=),\n"
           "                         frequency-nash (e=), micro;\n"
           "                         voters hillclimber, annealer (mediated);\n"
           "                         or a shared object: PARTY=./mystrategy.so[:params]\n"
           "                         For the mediator: hill-climbing (default),\n"
           "                         annealing or neighbours\n"
           "  --human PARTY          a person plays PARTY at this terminal\n"
           "  --rounds N             round deadline (default 100; 0: none, needs --time)\n"
           "  --time SECONDS         time deadline (runs are then not reproducible)\n"
           "  --seed S               random seed (default 0): same seed, same session\n"
           "  --no-ratify            skip the ratifiers' vote on the deal\n"
           "  --trace FILE           write every event as JSON lines to FILE\n"
           "  --json                 print the summary as JSON (docs/negotiation.md)\n"
           "  --quiet                print the result only, not the offers\n"
           "  --exit-code            exit with status 1 when no deal is struck\n"
           "  --grid N               points per real issue (default 21)\n"
           "  --max-input MiB        largest input file read, in MiB (default 64)\n"
           "  --profiles A,B,...     GENIUS folder: take only these profiles, in order\n"
           "  --name FILE=NAME       GENIUS: name the party of profile FILE (repeatable)\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 the session ran (deal or not; with --exit-code, 1 when no\n"
           "deal is struck), 2 bad input or usage, 3 internal error.\n");
}

/* ------------------------------------------------------------ state */

typedef struct agent_opt {
    const char *party;
    const char *spec;
} agent_opt;

typedef struct neg_ctx {
    const parley_scenario *sc;
    size_t *dims; /* stakeholders: negotiators and ratifiers with preferences */
    size_t nd;
    bool print;   /* offers on stdout */
    size_t human; /* party index or SIZE_MAX */
    px_buf trace;
    bool tracing;
} neg_ctx;

static const char *pname(const parley_scenario *sc, size_t p)
{
    return p < parley_party_count(sc) ? parley_party_name(sc, p) : "mediator";
}

static void outcome_inline(px_buf *b, const parley_scenario *sc, const uint32_t *o)
{
    char t[PARLEY_MAX_NAME + 1];
    for (size_t i = 0; i < parley_issue_count(sc); i++)
        parleyx_buf_printf(b, "%s%s=%s", i ? ", " : "", parley_issue_name(sc, i),
                           parley_issue_value_label(sc, i, o[i], t, sizeof t));
}

static void trace_utils(neg_ctx *nc, px_buf *b, const double *u)
{
    parleyx_buf_puts(b, "[");
    for (size_t j = 0; j < nc->nd; j++) {
        if (j)
            parleyx_buf_puts(b, ", ");
        cli_json_num(b, u[nc->dims[j]]);
    }
    parleyx_buf_puts(b, "]");
}

static const char *kind_name(parley_trace_kind k)
{
    static const char *const names[] = {"offer", "accept",   "end",       "text",    "vote",
                                        "text_result", "agreement", "ratify", "deadline"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* Print text and a newline: for the person at the table, wrapped to the
 * terminal's width (cli/human.c). */
static void say_line(const neg_ctx *nc, const char *text)
{
    if (nc->human != SIZE_MAX)
        cli_human_say(text, 4);
    else
        printf("%s\n", text);
}

static void on_event(void *ud, const parley_trace_event *ev)
{
    neg_ctx *nc = ud;
    const parley_scenario *sc = nc->sc;
    if (nc->tracing) {
        px_buf *b = &nc->trace;
        parleyx_buf_printf(b, "{\"event\": \"%s\", \"round\": %lu, \"t\": ", kind_name(ev->kind),
                           ev->round);
        cli_json_num(b, ev->t);
        if (ev->party != SIZE_MAX) {
            parleyx_buf_puts(b, ", \"party\": ");
            cli_json_str(b, pname(sc, ev->party));
        }
        if (ev->kind == PARLEY_TRACE_VOTE || ev->kind == PARLEY_TRACE_TEXT_RESULT ||
            ev->kind == PARLEY_TRACE_RATIFY)
            parleyx_buf_printf(b, ", \"accepted\": %s", ev->accepted ? "true" : "false");
        if (ev->has_outcome && ev->kind != PARLEY_TRACE_VOTE) {
            parleyx_buf_puts(b, ", \"outcome\": ");
            cli_json_outcome(b, sc, ev->outcome, NULL);
            parleyx_buf_puts(b, ", \"utilities\": ");
            trace_utils(nc, b, ev->utilities);
        }
        parleyx_buf_puts(b, "}\n");
    }
    if (!nc->print)
        return;
    px_buf line;
    parleyx_buf_init(&line, NULL, 1u << 20);
    char f[64];
    const char *who = pname(sc, ev->party);
    switch (ev->kind) {
    case PARLEY_TRACE_OFFER:
    case PARLEY_TRACE_TEXT:
        parleyx_buf_printf(&line, "round %lu  %s %s: ", ev->round, who,
                           ev->kind == PARLEY_TRACE_OFFER ? "offers" : "proposes");
        outcome_inline(&line, sc, ev->outcome);
        if (nc->human != SIZE_MAX) {
            parleyx_buf_printf(&line, "  [your utility %s]",
                               cli_fmt(ev->utilities[nc->human], f, sizeof f));
        } else {
            parleyx_buf_puts(&line, "  [");
            for (size_t j = 0; j < nc->nd; j++)
                parleyx_buf_printf(&line, "%s%s", j ? " " : "",
                                   cli_fmt(ev->utilities[nc->dims[j]], f, sizeof f));
            parleyx_buf_puts(&line, "]");
        }
        break;
    case PARLEY_TRACE_ACCEPT:
        parleyx_buf_printf(&line, "round %lu  %s accepts", ev->round, who);
        break;
    case PARLEY_TRACE_END:
        parleyx_buf_printf(&line, "round %lu  %s walks away", ev->round, who);
        break;
    case PARLEY_TRACE_VOTE:
        if (nc->human == SIZE_MAX || nc->human == ev->party)
            parleyx_buf_printf(&line, "           %s votes %s", who, ev->accepted ? "yes" : "no");
        break;
    case PARLEY_TRACE_TEXT_RESULT:
        parleyx_buf_printf(&line, "           %s", ev->accepted ? "accepted by all: the text stands"
                                                              : "rejected");
        break;
    case PARLEY_TRACE_AGREEMENT:
        parleyx_buf_printf(&line, "round %lu  the negotiators agree", ev->round);
        break;
    case PARLEY_TRACE_RATIFY:
        parleyx_buf_printf(&line, "ratification: %s %s", who,
                           ev->accepted ? "ratifies" : "vetoes the deal");
        break;
    case PARLEY_TRACE_DEADLINE:
        parleyx_buf_printf(&line, "round %lu  deadline reached", ev->round);
        break;
    }
    if (line.len)
        say_line(nc, line.data);
    parleyx_buf_free(&line);
}

/* ------------------------------------------------------------ the command */

static int find_party(const parley_scenario *sc, const char *name, size_t *p)
{
    if (parley_scenario_find_party(sc, name, p) == PARLEY_OK)
        return CLI_OK;
    size_t np = parley_party_count(sc);
    const char **names = calloc(np ? np : 1, sizeof *names);
    if (!names)
        return CLI_INTERNAL;
    for (size_t i = 0; i < np; i++)
        names[i] = parley_party_name(sc, i);
    const char *near = parleyx_closest(name, names, np);
    fprintf(stderr, "parley negotiate: error: no party named '%s'%s%s%s; the parties are:", name,
            near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    for (size_t i = 0; i < np; i++)
        fprintf(stderr, "%s '%s'", i ? "," : "", names[i]);
    fprintf(stderr, "\n");
    free(names);
    return CLI_USAGE;
}

static bool is_plugin(const char *spec)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    return memchr(spec, '/', len) != NULL || (len > 3 && memcmp(spec + len - 3, ".so", 3) == 0);
}

/* Load a strategy from a shared object; the handle is kept in *handle. */
static int load_plugin(const char *spec, void **handle, const parley_strategy **st,
                       const char **params)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    char path[4096];
    if (len >= sizeof path)
        return cli_usage("negotiate", "the strategy path is too long");
    memcpy(path, spec, len);
    path[len] = '\0';
    *params = colon ? colon + 1 : "";
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        fprintf(stderr, "parley negotiate: error: cannot load strategy '%s': %s\n", path,
                e ? e : "unknown error");
        if (!strchr(path, '/')) /* dlopen's search rule surprises: say it */
            fprintf(stderr,
                    "parley negotiate: a name without '/' is looked for in the system's library "
                    "folders (LD_LIBRARY_PATH, /usr/lib, ...), not here; for a file in this "
                    "folder write './%s'\n",
                    path);
        return CLI_USAGE;
    }
    void *sym = dlsym(h, PARLEY_AGENT_ENTRY);
    if (!sym) {
        fprintf(stderr,
                "parley negotiate: error: '%s' does not export %s(); see docs/negotiation.md "
                "for the interface\n",
                path, PARLEY_AGENT_ENTRY);
        dlclose(h);
        return CLI_USAGE;
    }
    parley_agent_entry_fn fn;
    memcpy(&fn, &sym, sizeof fn);
    *st = fn();
    if (!*st) {
        fprintf(stderr, "parley negotiate: error: %s() in '%s' returned no strategy\n",
                PARLEY_AGENT_ENTRY, path);
        dlclose(h);
        return CLI_USAGE;
    }
    *handle = h;
    return CLI_OK;
}

/* The summary: pretty JSON (--json) or one trace line. */
static void write_summary(px_buf *j, bool json, const parley_scenario *sc,
                          const parley_session_options *sop, const parley_session *sess,
                          const parley_session_result *rp, const neg_ctx *ncp, double pd,
                          double nd)
{
    parley_session_options so = *sop;
    parley_session_result res = *rp;
    neg_ctx nc = *ncp;
    size_t nseats = parley_session_seats(sess);
    if (!json)
        parleyx_buf_puts(j, "{\"event\": \"result\", ");
    else
        parleyx_buf_puts(j, "{\n  \"parley_negotiation\": 1,\n  ");
    const char *sep = json ? ",\n  " : ", ";
    parleyx_buf_puts(j, "\"scenario\": ");
    cli_json_str(j, parley_scenario_name(sc));
    parleyx_buf_printf(j, "%s\"protocol\": \"%s\"%s\"seed\": %llu%s\"deadline_rounds\": %lu",
                       sep, so.protocol == PARLEY_PROTOCOL_MEDIATED ? "mediated" : "sao", sep,
                       (unsigned long long)so.seed, sep, so.rounds);
    parleyx_buf_printf(j, "%s\"parties\": [", sep);
    for (size_t k = 0; k < nc.nd; k++) {
        if (k)
            parleyx_buf_puts(j, ", ");
        cli_json_str(j, parley_party_name(sc, nc.dims[k]));
    }
    parleyx_buf_printf(j, "]%s\"strategies\": {", sep);
    for (size_t k = 0; k < nseats; k++) {
        if (k)
            parleyx_buf_puts(j, ", ");
        cli_json_str(j, parley_party_name(sc, parley_session_seat_party(sess, k)));
        parleyx_buf_puts(j, ": ");
        cli_json_str(j, parley_session_strategy_name(sess, k));
    }
    parleyx_buf_printf(j, "}%s\"agreement\": %s%s\"talks_agreed\": %s%s\"vetoed\": %s", sep,
                       res.agreement ? "true" : "false", sep,
                       res.talks_agreed ? "true" : "false", sep, res.vetoed ? "true" : "false");
    parleyx_buf_printf(j, "%s\"vetoed_by\": ", sep);
    if (res.vetoed)
        cli_json_str(j, parley_party_name(sc, res.vetoed_by));
    else
        parleyx_buf_puts(j, "null");
    parleyx_buf_printf(j, "%s\"walked_away\": ", sep);
    if (res.walked_away)
        cli_json_str(j, parley_party_name(sc, res.ended_by));
    else
        parleyx_buf_puts(j, "null");
    parleyx_buf_printf(j, "%s\"outcome\": ", sep);
    if (res.agreement)
        cli_json_outcome(j, sc, res.outcome, NULL);
    else
        parleyx_buf_puts(j, "null");
    parleyx_buf_printf(j, "%s\"utilities\": [", sep);
    for (size_t k = 0; k < nc.nd; k++) {
        if (k)
            parleyx_buf_puts(j, ", ");
        cli_json_num(j, res.discounted[nc.dims[k]]);
    }
    parleyx_buf_printf(j, "]%s\"undiscounted\": [", sep);
    for (size_t k = 0; k < nc.nd; k++) {
        if (k)
            parleyx_buf_puts(j, ", ");
        cli_json_num(j, res.utility[nc.dims[k]]);
    }
    parleyx_buf_printf(j, "]%s\"rounds\": %lu%s\"t\": ", sep, res.rounds, sep);
    cli_json_num(j, res.t);
    parleyx_buf_printf(j, "%s\"offers\": %lu%s\"welfare\": ", sep, res.offers, sep);
    cli_json_num(j, res.welfare);
    parleyx_buf_printf(j, "%s\"pareto_distance\": ", sep);
    cli_json_num(j, pd);
    parleyx_buf_printf(j, "%s\"nash_distance\": ", sep);
    cli_json_num(j, nd);
    parleyx_buf_puts(j, json ? "\n}\n" : "}\n");
}

static const char *protocol_text(parley_protocol p, size_t seats)
{
    if (p == PARLEY_PROTOCOL_MEDIATED)
        return "mediated single text";
    return seats == 2 ? "alternating offers" : "stacked alternating offers (multilateral)";
}

/* ------------------------------------------------------------ arguments */

typedef struct neg_args {
    parley_load_options lo;
    parley_session_options so;
    const char *trace_path, *human, *protocol;
    bool json, quiet;
    bool exit_code; /* --exit-code: 1 when no deal */
    agent_opt *agents; /* room for one an argument */
    size_t nagents;
} neg_args;

static int on_agent(const char *cmd, const char *opt, const char *v, void *ud)
{
    (void)opt;
    neg_args *a = ud;
    const char *eq = strchr(v, '=');
    if (!eq || eq == v || !eq[1])
        return cli_usage(cmd, "--agent expects PARTY=STRATEGY, got '%s'", v);
    a->agents[a->nagents].party = v;
    a->agents[a->nagents].spec = eq + 1;
    a->nagents++;
    return CLI_OK;
}

static int on_time(const char *cmd, const char *opt, const char *v, void *ud)
{
    (void)opt;
    double t;
    if (!parleyx_parse_double(v, &t) || t < 0)
        return cli_usage(cmd, "--time expects seconds (a number >= 0), got '%s'", v);
    ((parley_session_options *)ud)->time_limit = t;
    return CLI_OK;
}

/* --seed, --rounds (at most 10^9) */
static int on_count(const char *cmd, const char *opt, const char *v, void *ud)
{
    parley_session_options *so = ud;
    unsigned long long x;
    if (!cli_parse_count(cmd, opt, v, &x))
        return CLI_USAGE;
    if (strcmp(opt, "--seed") == 0) {
        so->seed = x;
    } else {
        if (x > 1000000000ULL)
            return cli_usage(cmd, "--rounds: at most 1000000000");
        so->rounds = (unsigned long)x;
    }
    return CLI_OK;
}

/* The command line into *a (the inputs gathered at argv[1..]); as
 * cli_parse. */
static bool parse_args(neg_args *a, int argc, char **argv, size_t *ninputs, int *rc)
{
    const cli_opt opts[] = {
        CLI_FLAG("--json", &a->json),
        CLI_FLAG("--exit-code", &a->exit_code),
        CLI_FLAG("--quiet", &a->quiet),
        CLI_FLAG("--no-ratify", &a->so.no_ratify),
        CLI_VALUE("--protocol", "a value", &a->protocol),
        CLI_CALL("--agent", "a value", on_agent, a),
        CLI_VALUE("--human", "a value", &a->human),
        CLI_VALUE("--trace", "a value", &a->trace_path),
        CLI_CALL("--rounds", "a value", on_count, &a->so),
        CLI_CALL("--seed", "a value", on_count, &a->so),
        CLI_CALL("--time", "a value", on_time, &a->so),
        CLI_LOAD_OPTIONS(&a->lo),
        CLI_PARTY_OPTIONS(&a->lo),
    };
    const cli_cmdline cl = {.cmd = "negotiate", .help = help, .opts = opts,
                            .nopts = CLI_COUNT(opts), .no_input = "no input given"};
    if (!cli_parse(&cl, argc, argv, ninputs, rc))
        return false;
    if (a->so.rounds == 0 && !(a->so.time_limit > 0)) {
        *rc = cli_usage("negotiate", "--rounds 0 needs a time deadline (--time SECONDS)");
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ the command */

/* --protocol into a->so.protocol; alternating offers needs two seats. */
static int choose_protocol(neg_args *a, const parley_scenario *sc)
{
    const char *protocol = a->protocol;
    size_t np = parley_party_count(sc), seats = 0;
    for (size_t p = 0; p < np; p++)
        seats += parley_party_role(sc, p) == PARLEY_ROLE_NEGOTIATOR;
    if (!protocol || strcmp(protocol, "multilateral") == 0 || strcmp(protocol, "sao") == 0) {
        a->so.protocol = PARLEY_PROTOCOL_SAO;
    } else if (strcmp(protocol, "alternating") == 0) {
        a->so.protocol = PARLEY_PROTOCOL_SAO;
        if (seats != 2) {
            fprintf(stderr,
                    "parley negotiate: error: alternating offers is bilateral, the scenario has "
                    "%zu negotiators; use --protocol multilateral or mediated\n",
                    seats);
            return CLI_USAGE;
        }
    } else if (strcmp(protocol, "mediated") == 0) {
        a->so.protocol = PARLEY_PROTOCOL_MEDIATED;
    } else {
        return cli_usage("negotiate",
                         "unknown protocol '%s'; choose alternating, multilateral or mediated",
                         protocol);
    }
    return CLI_OK;
}

/* Seat the --agent strategies (shared objects' handles appended to
 * handles[*nhandles]; the caller closes them after the session) and the
 * --human player (its party into *human). */
static int bind_agents(const neg_args *a, const parley_scenario *sc, parley_session *sess,
                       void **handles, size_t *nhandles, size_t *human)
{
    parley_error err;
    parley_error_clear(&err);
    parley_status st;
    int rc;
    for (size_t k = 0; k < a->nagents; k++) {
        const agent_opt *ag = &a->agents[k];
        const char *eq = strchr(ag->party, '=');
        char name[PARLEY_MAX_NAME + 1];
        size_t len = (size_t)(eq - ag->party);
        if (len > PARLEY_MAX_NAME)
            len = PARLEY_MAX_NAME;
        memcpy(name, ag->party, len);
        name[len] = '\0';
        size_t p;
        rc = find_party(sc, name, &p);
        if (rc != CLI_OK)
            return rc;
        if (is_plugin(ag->spec)) {
            const parley_strategy *ps = NULL;
            const char *params = "";
            rc = load_plugin(ag->spec, &handles[*nhandles], &ps, &params);
            if (rc != CLI_OK)
                return rc;
            ++*nhandles;
            st = parley_session_set_custom(sess, p, ps, params, &err);
        } else {
            st = parley_session_set_strategy(sess, p, ag->spec, &err);
        }
        if (st != PARLEY_OK) {
            fprintf(stderr, "parley negotiate: error: --agent %s: %s\n", ag->party, err.message);
            return CLI_USAGE;
        }
    }
    if (a->human) {
        rc = find_party(sc, a->human, human);
        if (rc != CLI_OK)
            return rc;
        st = parley_session_set_custom(sess, *human, cli_human_strategy(sc, *human), "", &err);
        if (st != PARLEY_OK) {
            fprintf(stderr, "parley negotiate: error: --human %s: %s\n", a->human, err.message);
            return CLI_USAGE;
        }
    }
    return CLI_OK;
}

/* The trace's first line. */
static void trace_start(neg_ctx *nc, const parley_session_options *so)
{
    px_buf *b = &nc->trace;
    parleyx_buf_puts(b, "{\"event\": \"start\", \"scenario\": ");
    cli_json_str(b, parley_scenario_name(nc->sc));
    parleyx_buf_printf(b, ", \"protocol\": \"%s\", \"seed\": %llu, \"rounds\": %lu",
                       so->protocol == PARLEY_PROTOCOL_MEDIATED ? "mediated" : "sao",
                       (unsigned long long)so->seed, so->rounds);
    parleyx_buf_puts(b, ", \"parties\": [");
    for (size_t j = 0; j < nc->nd; j++) {
        if (j)
            parleyx_buf_puts(b, ", ");
        cli_json_str(b, parley_party_name(nc->sc, nc->dims[j]));
    }
    parleyx_buf_puts(b, "]}\n");
}

/* The printout's head, before the offers. */
static void print_header(const neg_ctx *nc, const parley_session_options *so, size_t nseats)
{
    const parley_scenario *sc = nc->sc;
    px_buf b;
    parleyx_buf_init(&b, NULL, (size_t)1 << 20);
    parleyx_buf_printf(&b, "Scenario: %s\nProtocol: %s, %zu negotiators, deadline ",
                       parley_scenario_name(sc), protocol_text(so->protocol, nseats), nseats);
    if (so->rounds)
        parleyx_buf_printf(&b, "%lu rounds", so->rounds);
    if (so->time_limit > 0)
        parleyx_buf_printf(&b, "%s%g s", so->rounds ? " or " : "", so->time_limit);
    parleyx_buf_printf(&b, ", seed %llu\n", (unsigned long long)so->seed);
    if (nc->human == SIZE_MAX) {
        parleyx_buf_puts(&b, "Utilities shown: [");
        for (size_t j = 0; j < nc->nd; j++)
            parleyx_buf_printf(&b, "%s%s", j ? ", " : "", parley_party_name(sc, nc->dims[j]));
        parleyx_buf_puts(&b, "]\n");
    } else {
        parleyx_buf_printf(&b, "You are %s: you see your own utility only.\n",
                           parley_party_name(sc, nc->human));
    }
    say_line(nc, b.data ? b.data : "");
    parleyx_buf_free(&b);
}

/* The quality measures of the result, by GENIUS's rule (every outcome
 * discounted at the end time): distance to the Pareto frontier and to the
 * Nash deal (NaN when there is nothing to measure). */
static int measure(const neg_ctx *nc, const parley_session_result *res, double *pd, double *nd)
{
    parley_analysis_options ao;
    parley_analysis_options_init(&ao);
    ao.threads = 1;
    uint64_t n;
    if (parley_scenario_outcome_count(nc->sc, &n) != PARLEY_OK || n > PARLEY_SESSION_MAX_OUTCOMES)
        ao.max_work = CLI_HUGE_MEASURE_WORK; /* measures only when the frontier comes quickly */
    double *vec = calloc(nc->nd ? nc->nd : 1, sizeof(double));
    if (!vec)
        return CLI_INTERNAL;
    for (size_t j = 0; j < nc->nd; j++)
        vec[j] = res->agreement ? res->discounted[nc->dims[j]] : 0.0;
    parley_analysis *an = NULL;
    *pd = *nd = NAN;
    if (nc->nd && parley_analyze(nc->sc, &ao, &an, NULL) == PARLEY_OK) {
        *pd = parley_pareto_distance_at(an, nc->sc, res->t, vec);
        *nd = parley_nash_distance_at(an, nc->sc, res->t, vec);
    }
    free(vec);
    parley_analysis_free(an);
    return CLI_OK;
}

/* The result as text, after the offers. */
static void text_result(px_buf *b, const neg_ctx *nc, const parley_session_result *res, double pd,
                        double nd)
{
    const parley_scenario *sc = nc->sc;
    char f[64];
    parleyx_buf_puts(b, "\n");
    if (res->agreement) {
        parleyx_buf_printf(b, "Agreement in round %lu (t = %s):\n", res->rounds,
                           cli_fmt(res->t, f, sizeof f));
        cli_text_outcome(b, sc, res->outcome, "  ");
    } else if (res->vetoed) {
        parleyx_buf_printf(b, "No agreement: the negotiators agreed in round %lu on\n",
                           res->rounds);
        cli_text_outcome(b, sc, res->talks_outcome, "  ");
        parleyx_buf_printf(b, "but %s vetoed it.\n", parley_party_name(sc, res->vetoed_by));
    } else if (res->walked_away) {
        parleyx_buf_printf(b, "No agreement: %s walked away in round %lu.\n",
                           parley_party_name(sc, res->ended_by), res->rounds);
    } else {
        parleyx_buf_printf(b, "No agreement before the deadline (%lu rounds).\n", res->rounds);
    }
    if (nc->human != SIZE_MAX) {
        parleyx_buf_printf(b, "Your utility: %s\n",
                           cli_fmt(res->discounted[nc->human], f, sizeof f));
        return;
    }
    parleyx_buf_puts(b, "Utilities (discounted):\n");
    for (size_t k = 0; k < nc->nd; k++)
        parleyx_buf_printf(b, "  %-24s %s\n", parley_party_name(sc, nc->dims[k]),
                           cli_fmt(res->discounted[nc->dims[k]], f, sizeof f));
    parleyx_buf_printf(b, "Welfare: %s\n", cli_fmt(res->welfare, f, sizeof f));
    parleyx_buf_printf(b, "Distance to the Pareto frontier: %s\n", cli_fmt(pd, f, sizeof f));
    parleyx_buf_printf(b, "Distance to the Nash deal: %s\n", cli_fmt(nd, f, sizeof f));
}

/* Run the session (its printout and trace set up) and write the result;
 * returns the exit status. */
static int run(const neg_args *a, neg_ctx *nc, parley_session *sess)
{
    const parley_scenario *sc = nc->sc;
    size_t nseats = parley_session_seats(sess);
    if (nc->tracing)
        trace_start(nc, &a->so);
    if (nc->print)
        print_header(nc, &a->so, nseats);
    parley_error err;
    parley_error_clear(&err);
    parley_session_result res;
    parley_status st = parley_session_run(sess, &res, &err);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    double pd, nd;
    if (measure(nc, &res, &pd, &nd) != CLI_OK)
        return CLI_INTERNAL;
    px_buf b;
    parleyx_buf_init(&b, NULL, (size_t)1 << 30);
    if (a->json)
        write_summary(&b, true, sc, &a->so, sess, &res, nc, pd, nd);
    if (nc->tracing)
        write_summary(&nc->trace, false, sc, &a->so, sess, &res, nc, pd, nd);
    if (!a->json)
        text_result(&b, nc, &res, pd, nd);
    int rc = CLI_OK;
    if (b.failed || nc->trace.failed) {
        fprintf(stderr, "parley negotiate: error: out of memory writing the output\n");
        rc = CLI_INTERNAL;
    }
    if (rc == CLI_OK && a->trace_path)
        rc = cli_write_output(a->trace_path, nc->trace.data ? nc->trace.data : "",
                              nc->trace.len);
    if (rc == CLI_OK)
        rc = cli_write_output(NULL, b.data ? b.data : "", b.len);
    parleyx_buf_free(&b);
    if (rc == CLI_OK && a->exit_code && !res.agreement)
        rc = CLI_NORESULT;
    return rc;
}

int cmd_negotiate(int argc, char **argv)
{
    neg_args a;
    memset(&a, 0, sizeof a);
    parley_session_options_init(&a.so);
    a.agents = calloc((size_t)argc + 1, sizeof *a.agents);
    void **handles = calloc((size_t)argc + 1, sizeof *handles);
    size_t ninputs = 0, nhandles = 0;
    int rc = CLI_OK;
    parley_scenario *sc = NULL;
    parley_session *sess = NULL;
    neg_ctx nc;
    memset(&nc, 0, sizeof nc);
    nc.human = SIZE_MAX;
    parleyx_buf_init(&nc.trace, NULL, (size_t)1 << 32);
    if (!a.agents || !handles) {
        rc = CLI_INTERNAL;
        goto done;
    }
    if (!parse_args(&a, argc, argv, &ninputs, &rc))
        goto done;
    rc = cli_load(ninputs, argv + 1, &a.lo, &sc);
    if (rc == CLI_OK)
        rc = choose_protocol(&a, sc);
    if (rc != CLI_OK)
        goto done;
    nc.sc = sc;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_session_new(sc, &a.so, &sess, &err);
    if (st != PARLEY_OK) {
        rc = cli_report(&err, st);
        goto done;
    }
    rc = bind_agents(&a, sc, sess, handles, &nhandles, &nc.human);
    if (rc != CLI_OK)
        goto done;
    size_t np = parley_party_count(sc);
    nc.dims = calloc(np ? np : 1, sizeof(size_t));
    if (!nc.dims) {
        rc = CLI_INTERNAL;
        goto done;
    }
    for (size_t p = 0; p < np; p++)
        if (parley_party_role(sc, p) != PARLEY_ROLE_MEDIATOR && parley_party_has_utility(sc, p))
            nc.dims[nc.nd++] = p;
    nc.print = !a.json && !a.quiet;
    nc.tracing = a.trace_path != NULL;
    if (nc.print || nc.tracing)
        parley_session_set_trace(sess, on_event, &nc);
    rc = run(&a, &nc, sess);
done:
    parleyx_buf_free(&nc.trace);
    free(nc.dims);
    parley_session_free(sess);
    parley_scenario_free(sc);
    for (size_t k = 0; k < nhandles; k++)
        dlclose(handles[k]);
    free(handles);
    free(a.agents);
    return rc;
}
