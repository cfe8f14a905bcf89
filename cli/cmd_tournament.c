/*
 * cmd_tournament.c -- `parley tournament`: run a tournament from a
 * configuration file, merge shard stores, print rankings.
 *
 *   parley tournament [OPTIONS] CONFIG.yaml     run (or resume) and rank
 *   parley tournament merge OUT.sqlite IN.sqlite...
 *   parley tournament rank STORE.sqlite         rank what a store holds
 *
 * The work is in the library (parley/tournament.h); this file parses the
 * options, draws the progress bar (stderr, only on a terminal), catches
 * SIGINT, SIGTERM and SIGHUP (a closed terminal, a logged-out ssh
 * session) to stop cleanly (what is finished is committed) and
 * writes the rankings as text, JSON (--json) or CSV (--csv FILE).
 * docs/tournament.md documents all of it.
 *
 * Exit status: 0 done, 1 interrupted (run again to resume), 2 bad input or
 * usage, 3 internal error.
 */
#include "cli.h"
#include "parley/tournament.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>



static void help(void)
{
    printf("Usage: parley tournament [OPTIONS] CONFIG.yaml\n"
           "       parley tournament merge OUT.sqlite IN.sqlite...\n"
           "       parley tournament rank STORE.sqlite\n"
           "\n"
           "Which strategy does best, on average and against whom?  Every strategy\n"
           "plays every strategy (itself included) on every scenario, in every role,\n"
           "a number of times (docs/tournament.md).  Each session's result goes into\n"
           "an SQLite store; run the same command again after an interruption and it\n"
           "resumes where it stopped.\n"
           "\n"
           "Options:\n"
           "  --threads N     worker threads (default: every processor)\n"
           "  --grid N        points per real issue of the scenarios (default 21; part of\n"
           "                  the store's fingerprint)\n"
           "  --max-input MiB\n"
           "                  largest scenario file read, in MiB (default 64)\n"
           "  --time-limit S  end a session after S seconds of wall time, recorded as a\n"
           "                  timeout (default: the configuration's time-limit, else none;\n"
           "                  0: none).  Timeouts depend on the machine: use rounds for\n"
           "                  reproducible results\n"
           "  --shard K/N     run only the sessions whose id %% N == K-1\n"
           "  --store FILE    the SQLite store (default: the configuration's `store`,\n"
           "                  or CONFIG with .sqlite)\n"
           "  --json          print the rankings as JSON\n"
           "  --csv FILE      also write the rankings as CSV to FILE ('-': stdout)\n"
           "  --svg FILE      also draw the rankings (means and 95%% intervals) as SVG\n"
           "  --quiet         no progress bar, no rankings (only errors)\n"
           "  -h, --help      this help\n"
           "\n"
           "Rankings: for each measure (own utility, social welfare, agreement rate,\n"
           "distance to the Pareto frontier, distance to the Nash deal, rounds used)\n"
           "the mean per strategy with a 95%% confidence interval (1.96 sd / sqrt(n)).\n"
           "\n"
           "Exit status: 0 done, 1 interrupted (run again to resume), 2 bad input or\n"
           "usage, 3 internal error.\n");
}

/* ------------------------------------------------------------ progress */

/* The bar, the rate and the time left.  The rate is smoothed: the first
 * estimate is the average since the start once 3 sessions have finished
 * and a second has passed ("--" until then), then every second or more
 * it moves towards the rate of the last interval with weight
 * 1 - exp(-dt / 20 s), so one slow session or a burst of quick ones
 * does not swing it.  The library calls on_progress after every stored
 * session and while it waits, so the bar moves with long sessions too. */
typedef struct tn_progress {
    double start, last;  /* first call, last drawing */
    double sample_t;     /* the last rate sample */
    uint64_t first;      /* done at the start */
    uint64_t sample_done;
    double rate;         /* sessions per second; 0: not known yet */
} tn_progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_rate(tn_progress *p, double t, uint64_t done)
{
    double dt = t - p->sample_t;
    if (dt < 1.0)
        return;
    if (p->rate > 0) {
        double inst = (double)(done - p->sample_done) / dt;
        p->rate += (1.0 - exp(-dt / 20.0)) * (inst - p->rate);
    } else if (done - p->first >= 3) {
        p->rate = (double)(done - p->first) / (t - p->start);
    }
    p->sample_t = t;
    p->sample_done = done;
}

/* "12/s", "1.5/s", "0.25/s"; the time left as "42s", "3m05s", "2h10m",
 * ">99h", or "--" while the rate is not known. */
static void progress_text(const tn_progress *p, uint64_t left_n, char *rate, char *eta, size_t n)
{
    snprintf(rate, n, "--/s");
    snprintf(eta, n, "--");
    if (!(p->rate > 0))
        return;
    snprintf(rate, n, p->rate >= 10 ? "%.0f/s" : p->rate >= 1 ? "%.1f/s" : "%.2f/s", p->rate);
    double left = (double)left_n / p->rate;
    if (left >= 99.0 * 3600)
        snprintf(eta, n, ">99h");
    else if (left >= 3600)
        snprintf(eta, n, "%dh%02dm", (int)(left / 3600), (int)fmod(left / 60, 60));
    else if (left >= 60)
        snprintf(eta, n, "%dm%02ds", (int)(left / 60), (int)fmod(left, 60));
    else
        snprintf(eta, n, "%ds", (int)ceil(left));
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
    tn_progress *p = ud;
    double t = now_s();
    if (p->start == 0) {
        p->start = p->sample_t = t;
        p->first = p->sample_done = done;
    }
    progress_rate(p, t, done);
    if (done < total && t - p->last < 0.2)
        return;
    p->last = t;
    int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    char rate[32], eta[32];
    progress_text(p, total - done, rate, eta, sizeof rate);
    fprintf(stderr, "\r[%s] %3d%% %llu/%llu  %s  left %s   ", bar,
            total ? (int)(100.0 * (double)done / (double)total) : 100, (unsigned long long)done,
            (unsigned long long)total, rate, eta);
    if (done >= total)
        fprintf(stderr, "\n");
    fflush(stderr);
}

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* ------------------------------------------------------------ rankings */

static const char *const measure_title[PARLEY_MEASURE_COUNT] = {
    "Own utility (discounted)", "Social welfare", "Agreement rate",
    "Distance to the Pareto frontier", "Distance to the Nash deal", "Rounds used"};

static void text_ranking(px_buf *b, const parley_tournament_ranking *r, size_t n, size_t *order)
{
    size_t w = 8;
    for (size_t s = 0; s < n; s++)
        if (strlen(parley_tournament_ranking_name(r, s)) > w)
            w = strlen(parley_tournament_ranking_name(r, s));
    char f[64], g[64];
    for (int m = 0; m < PARLEY_MEASURE_COUNT; m++) {
        parley_tournament_measure me = (parley_tournament_measure)m;
        parley_tournament_ranking_order(r, me, order);
        parleyx_buf_printf(b, "\n%s (%s is better)\n", measure_title[m],
                           parley_tournament_measure_higher_better(me) ? "higher" : "lower");
        parleyx_buf_printf(b, "  %4s  %-*s  %10s  %10s  %8s\n", "rank", (int)w, "strategy", "mean",
                           "+-95%", "n");
        for (size_t k = 0; k < n; k++) {
            parley_tournament_stat st = parley_tournament_ranking_stat(r, order[k], me);
            parleyx_buf_printf(b, "  %4zu  %-*s  %10s  %10s  %8llu\n", k + 1, (int)w,
                               parley_tournament_ranking_name(r, order[k]),
                               st.n ? cli_fmt(st.mean, f, sizeof f) : "-",
                               st.n ? cli_fmt(st.ci, g, sizeof g) : "-",
                               (unsigned long long)st.n);
        }
    }
    if (parley_tournament_ranking_timeouts(r)) {
        parleyx_buf_printf(b, "\nSessions ended by the time limit: %llu (counted as no deal; "
                              "not reproducible)\n  %-*s  %10s  %8s\n",
                           (unsigned long long)parley_tournament_ranking_timeouts(r), (int)w,
                           "strategy", "share", "n");
        for (size_t k = 0; k < n; k++) {
            parley_tournament_stat st = parley_tournament_ranking_timeout_rate(r, k);
            parleyx_buf_printf(b, "  %-*s  %10s  %8llu\n", (int)w,
                               parley_tournament_ranking_name(r, k),
                               st.n ? cli_fmt(st.mean, f, sizeof f) : "-",
                               (unsigned long long)st.n);
        }
    }
    /* against whom: own utility of each row strategy against each column */
    parley_tournament_ranking_order(r, PARLEY_MEASURE_UTILITY, order);
    parleyx_buf_printf(b, "\nOwn utility against each other strategy (row against column; "
                          "columns numbered as the rows)\n  %4s  %-*s", "", (int)w, "");
    for (size_t k = 0; k < n; k++)
        parleyx_buf_printf(b, "  %7zu", k + 1);
    parleyx_buf_puts(b, "\n");
    for (size_t i = 0; i < n; i++) {
        parleyx_buf_printf(b, "  %4zu  %-*s", i + 1, (int)w,
                           parley_tournament_ranking_name(r, order[i]));
        for (size_t k = 0; k < n; k++) {
            parley_tournament_stat st = parley_tournament_ranking_pair(r, order[i], order[k]);
            parleyx_buf_printf(b, "  %7s", st.n ? cli_fmt(st.mean, f, sizeof f) : "-");
        }
        parleyx_buf_puts(b, "\n");
    }
}

static void json_ranking(px_buf *b, const parley_tournament_ranking *r, size_t n, size_t *order)
{
    parleyx_buf_printf(b, "  \"sessions\": %llu,\n  \"expected\": %llu,\n  \"strategies\": [",
                       (unsigned long long)parley_tournament_ranking_sessions(r),
                       (unsigned long long)parley_tournament_ranking_expected(r));
    for (size_t s = 0; s < n; s++) {
        parleyx_buf_puts(b, s ? ", " : "");
        cli_json_str(b, parley_tournament_ranking_name(r, s));
    }
    parleyx_buf_printf(b,
                       "],\n  \"unverified\": %llu,\n  \"timeouts\": %llu,\n"
                       "  \"timeout_rate\": {",
                       (unsigned long long)parley_tournament_ranking_unverified(r),
                       (unsigned long long)parley_tournament_ranking_timeouts(r));
    for (size_t s = 0; s < n; s++) {
        parley_tournament_stat st = parley_tournament_ranking_timeout_rate(r, s);
        parleyx_buf_puts(b, s ? ", " : "");
        cli_json_str(b, parley_tournament_ranking_name(r, s));
        parleyx_buf_puts(b, ": ");
        cli_json_num(b, st.n ? st.mean : NAN);
    }
    parleyx_buf_puts(b, "},\n  \"rankings\": {");
    for (int m = 0; m < PARLEY_MEASURE_COUNT; m++) {
        parley_tournament_measure me = (parley_tournament_measure)m;
        parley_tournament_ranking_order(r, me, order);
        parleyx_buf_printf(b, "%s\n    \"%s\": [", m ? "," : "",
                           parley_tournament_measure_name(me));
        for (size_t k = 0; k < n; k++) {
            parley_tournament_stat st = parley_tournament_ranking_stat(r, order[k], me);
            parleyx_buf_printf(b, "%s\n      {\"rank\": %zu, \"strategy\": ", k ? "," : "",
                               k + 1);
            cli_json_str(b, parley_tournament_ranking_name(r, order[k]));
            parleyx_buf_printf(b, ", \"n\": %llu, \"mean\": ", (unsigned long long)st.n);
            cli_json_num(b, st.n ? st.mean : NAN);
            parleyx_buf_puts(b, ", \"ci95\": ");
            cli_json_num(b, st.n ? st.ci : NAN);
            parleyx_buf_puts(b, "}");
        }
        parleyx_buf_puts(b, n ? "\n    ]" : "]");
    }
    parleyx_buf_puts(b, "\n  },\n  \"against\": {");
    for (size_t a = 0; a < n; a++) {
        parleyx_buf_puts(b, a ? ",\n    " : "\n    ");
        cli_json_str(b, parley_tournament_ranking_name(r, a));
        parleyx_buf_puts(b, ": {");
        bool first = true;
        for (size_t o = 0; o < n; o++) {
            parley_tournament_stat st = parley_tournament_ranking_pair(r, a, o);
            if (!st.n)
                continue;
            parleyx_buf_puts(b, first ? "" : ", ");
            first = false;
            cli_json_str(b, parley_tournament_ranking_name(r, o));
            parleyx_buf_printf(b, ": {\"n\": %llu, \"mean\": ", (unsigned long long)st.n);
            cli_json_num(b, st.mean);
            parleyx_buf_puts(b, ", \"ci95\": ");
            cli_json_num(b, st.ci);
            parleyx_buf_puts(b, "}");
        }
        parleyx_buf_puts(b, "}");
    }
    parleyx_buf_puts(b, n ? "\n  }\n" : "}\n");
}

static void csv_ranking(px_buf *b, const parley_tournament_ranking *r, size_t n, size_t *order)
{
    char f[40], g[40];
    parleyx_buf_puts(b, "measure,rank,strategy,n,mean,ci95\n");
    for (int m = 0; m < PARLEY_MEASURE_COUNT; m++) {
        parley_tournament_measure me = (parley_tournament_measure)m;
        parley_tournament_ranking_order(r, me, order);
        for (size_t k = 0; k < n; k++) {
            parley_tournament_stat st = parley_tournament_ranking_stat(r, order[k], me);
            const char *name = parley_tournament_ranking_name(r, order[k]);
            parleyx_buf_printf(b, "%s,%zu,", parley_tournament_measure_name(me), k + 1);
            if (strpbrk(name, ",\"\n")) {
                parleyx_buf_puts(b, "\"");
                for (const char *p = name; *p; p++)
                    parleyx_buf_printf(b, "%s%c", *p == '"' ? "\"" : "", *p);
                parleyx_buf_puts(b, "\"");
            } else {
                parleyx_buf_puts(b, name);
            }
            parleyx_buf_printf(b, ",%llu,%s,%s\n", (unsigned long long)st.n,
                               st.n ? parleyx_fmt_double(st.mean, f, sizeof f) : "",
                               st.n ? parleyx_fmt_double(st.ci, g, sizeof g) : "");
        }
    }
}

/* Write the rankings with w, given room for an ordering of the
 * strategies (b is marked failed when memory runs out). */
typedef void (*rank_writer)(px_buf *b, const parley_tournament_ranking *r, size_t n,
                            size_t *order);
static void write_ranking(px_buf *b, const parley_tournament_ranking *r, rank_writer w)
{
    size_t n = parley_tournament_ranking_strategies(r);
    size_t *order = calloc(n ? n : 1, sizeof *order);
    if (order)
        w(b, r, n, order);
    else
        b->failed = true;
    free(order);
}

/* Print the rankings of a store; head is text printed first (text mode) or
 * JSON members (json mode, each line ending in ",\n"). */
static int print_ranking(const char *store, bool json, const char *csv, const char *svg,
                         const char *head, bool quiet)
{
    parley_error err;
    parley_error_clear(&err);
    parley_tournament_ranking *r = NULL;
    parley_status st = parley_tournament_rank(store, NULL, &r, &err);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    int rc = CLI_OK;
    if (svg) {
        char *text = NULL;
        size_t len = 0;
        st = parley_chart_tournament(r, NULL, &text, &len, &err);
        rc = st ? cli_report(&err, st) : cli_write_output(svg, text, len);
        parley_text_free(text);
    }
    px_buf b;
    if (rc == CLI_OK && csv) {
        parleyx_buf_init(&b, NULL, (size_t)1 << 30);
        write_ranking(&b, r, csv_ranking);
        rc = cli_write_buf("tournament", "the CSV", csv, &b);
        if (strcmp(csv, "-") == 0)
            quiet = true;
    }
    if (rc == CLI_OK && !quiet) {
        parleyx_buf_init(&b, NULL, (size_t)1 << 30);
        if (json) {
            parleyx_buf_puts(&b, "{\n");
            parleyx_buf_puts(&b, head ? head : "");
            parleyx_buf_puts(&b, "  \"store\": ");
            cli_json_str(&b, store);
            parleyx_buf_puts(&b, ",\n");
            write_ranking(&b, r, json_ranking);
            parleyx_buf_puts(&b, "}\n");
        } else {
            parleyx_buf_puts(&b, head ? head : "");
            unsigned long long n = parley_tournament_ranking_sessions(r),
                               all = parley_tournament_ranking_expected(r);
            if (n < all)
                parleyx_buf_printf(&b, "Store: %s (%llu of %llu sessions: a partial store, the "
                                       "rankings cover only these)\n",
                                   store, n, all);
            else
                parleyx_buf_printf(&b, "Store: %s (%llu sessions)\n", store, n);
            if (parley_tournament_ranking_unverified(r))
                parleyx_buf_printf(&b,
                                   "Unverified: %llu sessions were stored before checksums "
                                   "(an older parley), so damage to them cannot be seen; "
                                   "run the tournament on this store once to add them\n",
                                   (unsigned long long)parley_tournament_ranking_unverified(r));
            write_ranking(&b, r, text_ranking);
        }
        rc = cli_write_buf("tournament", "the ranking", NULL, &b);
    }
    parley_tournament_ranking_free(r);
    return rc;
}

typedef struct tn_args {
    bool json, quiet;
    double time_limit; /* --time-limit: 0 the configuration's, < 0 none */
    const char *csv, *svg, *store;
    unsigned long long threads;
    unsigned shard_k, shard_n;
    parley_load_options lo; /* --grid, --max-input: the scenarios */
} tn_args;

static int on_threads(const char *cmd, const char *opt, const char *v, void *ud)
{
    unsigned long long *threads = ud;
    if (!cli_parse_count(cmd, opt, v, threads))
        return CLI_USAGE;
    if (*threads == 0 || *threads > 1024)
        return cli_usage(cmd, "--threads: expected 1 to 1024, got '%s'", v);
    return CLI_OK;
}

static int on_time_limit(const char *cmd, const char *opt, const char *v, void *ud)
{
    (void)opt;
    double *limit = ud, x;
    if (!parleyx_parse_double(v, &x) || !(x >= 0) || x > 86400)
        return cli_usage(cmd, "--time-limit expects seconds from 0 (none) to 86400, got '%s'",
                         v);
    *limit = x > 0 ? x : -1.0;
    return CLI_OK;
}

static int on_shard(const char *cmd, const char *opt, const char *v, void *ud)
{
    (void)opt;
    tn_args *a = ud;
    unsigned k = 0, n = 0;
    if (!cli_shard_parse(v, &k, &n))
        return cli_usage(cmd,
                         "--shard expects K/N with 1 <= K <= N <= 4294967295 (e.g. 2/8), got '%s'",
                         v);
    a->shard_k = k;
    a->shard_n = n;
    return CLI_OK;
}

/* The rankings after a run, headed by what was run. */
static int print_run(const tn_args *a, const parley_tournament *t, const char *config,
                     const char *store, const parley_tournament_run_stats *rs)
{
    if (a->json) { /* the configuration path, escaped */
        px_buf h;
        parleyx_buf_init(&h, NULL, 1 << 20);
        parleyx_buf_puts(&h, "  \"config\": ");
        cli_json_str(&h, config);
        parleyx_buf_printf(&h,
                           ",\n  \"total\": %llu,\n  \"run\": %llu,\n  \"timed_out_now\": %llu,\n"
                           "  \"resumed\": %llu,\n",
                           (unsigned long long)rs->total, (unsigned long long)rs->ran,
                           (unsigned long long)rs->timeouts, (unsigned long long)rs->already);
        int rc = h.failed ? CLI_INTERNAL
                          : print_ranking(store, true, a->csv, a->svg, h.data, a->quiet);
        parleyx_buf_free(&h);
        return rc;
    }
    char head[1024];
    char shard[64] = "", tmo[96] = "";
    if (rs->timeouts)
        snprintf(tmo, sizeof tmo, " (%llu ended by the time limit)",
                 (unsigned long long)rs->timeouts);
    if (a->shard_n)
        snprintf(shard, sizeof shard, " (shard %u/%u)", a->shard_k, a->shard_n);
    snprintf(head, sizeof head,
             "Tournament%s: %zu scenario(s), %zu strategies, %llu sessions: %llu run "
             "now in %.1f s%s, %llu stored before.\n",
             shard, parley_tournament_scenario_count(t), parley_tournament_strategy_count(t),
             (unsigned long long)rs->total, (unsigned long long)rs->ran, rs->seconds, tmo,
             (unsigned long long)rs->already);
    return print_ranking(store, false, a->csv, a->svg, head, a->quiet);
}

/* ------------------------------------------------------------ commands */

static int cmd_merge(int argc, char **argv, bool json, const char *csv, const char *svg,
                     bool quiet)
{
    if (argc < 3)
        return cli_usage("tournament", "merge needs OUT.sqlite and at least one input store");
    parley_error err;
    parley_error_clear(&err);
    uint64_t n = 0;
    parley_status st = parley_tournament_merge(argv[1], (size_t)(argc - 2),
                                               (const char *const *)(argv + 2), NULL, &n, &err);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    char head[256];
    if (json)
        snprintf(head, sizeof head, "  \"merged\": %d,\n", argc - 2);
    else
        snprintf(head, sizeof head, "Merged %d stores into %s: %llu sessions.\n", argc - 2,
                 argv[1], (unsigned long long)n);
    return print_ranking(argv[1], json, csv, svg, head, quiet);
}

/* Run (or resume) the tournament of config (SIGINT, SIGTERM and SIGHUP
 * stop it cleanly) and print the rankings; returns the exit status. */
static int run_config(const tn_args *a, const char *config)
{
    parley_error err;
    parley_error_clear(&err);
    parley_tournament *t = NULL;
    parley_status st = parley_tournament_load(config, &a->lo, &t, &err);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    const char *store = a->store ? a->store : parley_tournament_default_store(t);
    tn_progress prog;
    memset(&prog, 0, sizeof prog);
    parley_tournament_run_options ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = (unsigned)a->threads;
    ro.shard_k = a->shard_k;
    ro.shard_n = a->shard_n;
    ro.stop = &stop_flag;
    ro.time_limit = a->time_limit;
    if (!a->quiet && isatty(2)) {
        ro.progress = on_progress;
        ro.progress_ud = &prog;
    }
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_flag = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    parley_tournament_run_stats rs;
    memset(&rs, 0, sizeof rs);
    st = parley_tournament_run(t, store, &ro, &rs, &err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    int rc;
    if (st != PARLEY_OK) {
        rc = cli_report(&err, st);
    } else if (stop_flag && rs.already + rs.ran < rs.total) {
        if (ro.progress)
            fprintf(stderr, "\n");
        fprintf(stderr,
                "parley tournament: interrupted: %llu of %llu sessions are stored in %s; run "
                "the same command again to resume\n",
                (unsigned long long)(rs.already + rs.ran), (unsigned long long)rs.total, store);
        rc = CLI_NORESULT;
    } else {
        rc = print_run(a, t, config, store, &rs);
    }
    parley_tournament_free(t);
    return rc;
}

int cmd_tournament(int argc, char **argv)
{
    tn_args a;
    memset(&a, 0, sizeof a);
    const cli_opt opts[] = {
        CLI_FLAG("--json", &a.json),
        CLI_FLAG("--quiet", &a.quiet),
        CLI_LOAD_OPTIONS(&a.lo),
        CLI_CALL("--threads", "a value", on_threads, &a.threads),
        CLI_CALL("--shard", "a value", on_shard, &a),
        CLI_CALL("--time-limit", "a value", on_time_limit, &a.time_limit),
        CLI_VALUE("--store", "a value", &a.store),
        CLI_VALUE("--csv", "a value", &a.csv),
        CLI_VALUE("--svg", "a value", &a.svg),
    };
    const cli_cmdline cl = {.cmd = "tournament", .help = help, .opts = opts,
                            .nopts = CLI_COUNT(opts)};
    size_t n;
    int rc;
    if (!cli_parse(&cl, argc, argv, &n, &rc))
        return rc;
    if (a.json && a.csv && strcmp(a.csv, "-") == 0)
        return cli_usage("tournament", "--json and --csv - would both print on stdout; write "
                                       "the CSV to a file (--csv FILE) or drop --json");
    char **pos = argv + 1;
    int npos = (int)n;
    if (npos >= 1 && strcmp(pos[0], "merge") == 0)
        return cmd_merge(npos, pos, a.json, a.csv, a.svg, a.quiet);
    if (npos >= 1 && strcmp(pos[0], "rank") == 0) {
        if (npos != 2)
            return cli_usage("tournament", "rank needs exactly one store");
        return print_ranking(pos[1], a.json, a.csv, a.svg, NULL, a.quiet);
    }
    if (npos == 0)
        return cli_usage("tournament", "no configuration given (parley tournament CONFIG.yaml)");
    if (npos > 1)
        return cli_usage("tournament", "one configuration at a time; got '%s' and '%s'", pos[0],
                         pos[1]);
    return run_config(&a, pos[0]);
}
