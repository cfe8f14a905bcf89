/*
 * cli.h -- what the commands of the `parley` tool share.
 *
 * The tool uses only the public API (include/parley/) and the unstable
 * parleyx_ helpers (src/parleyx/parleyx.h).  Each command lives in cmd_<name>.c,
 * takes argv with argv[0] the command name, prints its own output and
 * returns the process exit status:
 *   0 success, 1 no result (e.g. no deal exists), 2 bad input or usage,
 *   3 internal error (including out of memory).
 */
#ifndef PARLEY_CLI_H
#define PARLEY_CLI_H

#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "parley/parley.h"

#include <signal.h>
#include "parleyx.h" /* parleyx_: unstable helpers shared with the library */

enum { CLI_OK = 0, CLI_NORESULT = 1, CLI_USAGE = 2, CLI_INTERNAL = 3 };

/* More profiles than this in a GENIUS folder, none picked: a note on stderr
 * suggests --profiles (docs/genius-import.md). */
#define CLI_MANY_PROFILES 8
/* The analysis work (parley_analysis_options.max_work) allowed for the
 * quality measures of a session on a space larger than a session
 * enumerates (about a second): past it the distances are left out. */
#define CLI_HUGE_MEASURE_WORK 20000000u

/* Exit status for a library status. */
int cli_exit_for(parley_status st);

/* Print a library error as "file:line:col: error: message" on stderr and
 * return the exit status for it. */
int cli_report(const parley_error *err, parley_status st);

/* Print a usage error ("parley CMD: message; see 'parley CMD --help'") and
 * return CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Load a scenario from the inputs (see parley_load).  On failure prints the
 * error and returns its exit status; *out is then NULL.  A scenario with
 * uncertain numbers gets a one-line note on stderr that the command uses
 * its nominal world, unless cli_nominal_quiet was set (info, convert to
 * yaml and robust, which show the uncertainty itself). */
int cli_load(size_t n, char **paths, const parley_load_options *opt, parley_scenario **out);
extern bool cli_nominal_quiet;

/* Uncertain numbers (cli_uncertain.c): the distribution of input j of sc
 * in words ("between 0.2 and 0.4", "holds 0.7"...) into b; and as a JSON
 * object (depth: its members' indentation level, as cmd_info lays out). */
void cli_uncertain_text(px_buf *b, const parley_scenario *sc, size_t j);
void cli_uncertain_json(px_buf *b, const parley_scenario *sc, size_t j, int depth);

/* Hold SIGINT, SIGTERM, SIGHUP and SIGQUIT until sigprocmask(SIG_SETMASK,
 * old, NULL): around an atomic write, so that an interrupt leaves no
 * temporary file or folder behind. */
void cli_hold_signals(sigset_t *old);

/* Write data to path atomically (write, then rename), or to stdout when
 * path is NULL or "-".  Prints any error; returns an exit status. */
int cli_write_output(const char *path, const char *data, size_t len);

/* Write the text gathered in b as cli_write_output does, then free b (it
 * may be reused after parleyx_buf_init).  When an append to b failed (the
 * text is over its limit, or memory ran out) nothing is written: prints
 * "<cmd>: error: <what> is too large or memory ran out" and returns
 * CLI_INTERNAL.  what names the text ("the report", "the CSV"). */
int cli_write_buf(const char *cmd, const char *what, const char *path, px_buf *b);

/* True if argv[i] is -h or --help. */
bool cli_is_help(const char *arg);

/* Parse a non-negative integer option value; false (after printing a
 * usage error) if it is not one. */
bool cli_parse_count(const char *cmd, const char *opt, const char *val, unsigned long long *out);
/* "K/N" with 1 <= K <= N <= 2^32 - 1, digits only (no sign, no blank, no
 * wrap-around: 1/4294967297 is refused, not read as 1/1).  Prints nothing. */
bool cli_shard_parse(const char *val, unsigned *k, unsigned *n);

/* --max-outcomes N (ud: a uint64_t): a work limit of at least 1. */
int cli_on_max_outcomes(const char *cmd, const char *opt, const char *val, void *ud);

/* --max-seconds S (ud: a double): a wall-clock limit from 0.001 to
 * 10000000 seconds, a decimal number. */
int cli_on_max_seconds(const char *cmd, const char *opt, const char *val, void *ud);

/* A whole number from 1 to max into *out: CLI_OK, or CLI_USAGE after a
 * usage error ("OPT expects 1 to MAX, got VAL"). */
int cli_parse_range(const char *cmd, const char *opt, const char *val, unsigned max,
                    unsigned *out);

/* ------------------------------------------------------------ options
 *
 * Each command describes its options in one table of cli_opt and its
 * command line in a cli_cmdline; cli_parse reads argv in order:
 *   -h, --help          prints the help; the command exits 0
 *   "-" or no leading - an input
 *   an option in the table, with its value when it takes one ("OPT needs
 *                       <needs>" when the value is missing)
 *   any other "-..."    "unknown option 'X'" (with "; did you mean 'Y'?"
 *                       when one is close, from the table's names in order
 *                       and --help)
 * The first error ends the parse.  A value may begin with '-': it is the
 * option's value all the same ("--csv --json" writes the CSV to "--json"). */

/* An option's handler: val is the value (NULL for a flag), ud the entry's
 * pointer.  Returns CLI_OK, or an exit status after printing the error. */
typedef int (*cli_opt_fn)(const char *cmd, const char *opt, const char *val, void *ud);

typedef struct cli_opt {
    const char *name;   /* "--json", "-o" */
    const char *needs;  /* NULL: a flag; else what its value is ("a number") */
    bool *flag;         /* a flag stored here (true), or */
    const char **value; /* a value stored here (the last one given wins), or */
    cli_opt_fn fn;      /* handled here, with */
    void *ud;           /* this pointer */
} cli_opt;

#define CLI_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define CLI_FLAG(name, flag) {(name), NULL, (flag), NULL, NULL, NULL}
#define CLI_VALUE(name, needs, value) {(name), (needs), NULL, (value), NULL, NULL}
#define CLI_CALL(name, needs, fn, ud) {(name), (needs), NULL, NULL, (fn), (ud)}

/* The options of every command that loads a scenario: --grid N (points
 * per real issue, into lo->real_grid) and --max-input MiB (the largest
 * input file, into lo->max_file_bytes); ud is the parley_load_options. */
int cli_load_option(const char *cmd, const char *opt, const char *val, void *ud);
#define CLI_LOAD_OPTIONS(lo)                                                                       \
    CLI_CALL("--grid", "a number", cli_load_option, (lo)),                                         \
        CLI_CALL("--max-input", "a number", cli_load_option, (lo))

/* The options of every command that loads one scenario, for GENIUS and
 * GeniusWeb inputs: --profiles A,B,... (take only these profiles, in this
 * order; into lo->profiles) and --name FILE=NAME (repeatable; into
 * lo->names).  The strings live until the program exits (one command a
 * process); ud is the parley_load_options. */
int cli_party_option(const char *cmd, const char *opt, const char *val, void *ud);
#define CLI_PARTY_OPTIONS(lo)                                                  \
    CLI_CALL("--profiles", "a list of profile files", cli_party_option, (lo)), \
        CLI_CALL("--name", "FILE=NAME", cli_party_option, (lo))
typedef struct cli_cmdline {
    const char *cmd;     /* the command's name, for messages */
    void (*help)(void);  /* prints the help on stdout */
    const cli_opt *opts; /* the table */
    size_t nopts;
    const char *no_input; /* usage error when no input is given; NULL: none needed */
    /* Each input, in order; NULL: the inputs are gathered in order at
     * argv[1], argv[2], ... (argv is permuted, as getopt does). */
    int (*input)(const char *cmd, const char *arg, void *ud);
    void *input_ud;
} cli_cmdline;

/* Parse argv[1..argc-1].  Returns true with *ninputs set when the command
 * goes on; false when it must exit with *rc (CLI_OK after the help,
 * the error's status, CLI_USAGE, after printing it). */
bool cli_parse(const cli_cmdline *cl, int argc, char **argv, size_t *ninputs, int *rc);

/* cli_parse, then cli_load of the inputs (argv[1..]) with lo: true with
 * *sc loaded, or false with *sc NULL and the exit status in *rc. */
bool cli_parse_load(const cli_cmdline *cl, int argc, char **argv, const parley_load_options *lo,
                    parley_scenario **sc, int *rc);

/* JSON and text pieces (cli_json.c): hand-written JSON with shortest
 * round-trip numbers and fixed key order; non-finite numbers are null. */
void cli_json_str(px_buf *b, const char *s);
void cli_json_num(px_buf *b, double x);
void cli_json_count(px_buf *b, const parley_analysis *an, parley_count_kind k);
void cli_json_utils(px_buf *b, const double *u, size_t d);
/* An outcome as {issue: value}: one issue a line indented by ind, or all
 * on one line when ind is NULL. */
void cli_json_outcome(px_buf *b, const parley_scenario *sc, const uint32_t *o, const char *ind);
void cli_json_solution(px_buf *b, const parley_scenario *sc, const parley_analysis *an,
                       parley_solution_kind k, const char *ind);
/* The columns s takes on a terminal (UTF-8: one a character, none for a
 * combining mark, two for a wide East Asian one). */
size_t cli_width(const char *s);
/* s, then spaces up to width columns: a text column (printf's %-*s counts
 * bytes, so it misaligns names such as "Österreich"). */
void cli_pad(px_buf *b, const char *s, size_t width);
/* The width (cli_width) of the widest of name(sc, 0) ... name(sc, n-1),
 * at least min: a column's width. */
size_t cli_widest(const parley_scenario *sc, size_t n,
                  const char *(*name)(const parley_scenario *, size_t), size_t min);
/* One line per issue: "<ind>issue  value". */
void cli_text_outcome(px_buf *b, const parley_scenario *sc, const uint32_t *o, const char *ind);
/* A number for reading: at most 4 decimals, trailing zeros dropped (the
 * text outputs' one style for utilities, reservation values and limits;
 * docs/cli.md, "Numbers"). */
char *cli_fmt(double x, char *buf, size_t n);
/* A count for reading, with thousands separators: 12,345 (buf >= 32). */
char *cli_count(unsigned long long v, char *buf, size_t n);

/* Progress of an analysis on standard error, only when it is a terminal
 * and the analysis has run for two seconds: "parley CMD: phase  12.3%".
 * cli_progress_start hooks it into an options struct's progress callback
 * and its pointer (analysis or diagnosis options); cli_progress_end
 * clears the line. */
typedef struct cli_progress {
    const char *cmd;
    struct timespec t0;
    bool drawn;
} cli_progress;
void cli_progress_start(cli_progress *ps, const char *cmd, parley_progress_fn *fn, void **ud);
void cli_progress_end(cli_progress *ps);

/* Scenario changes (cli_change.c), shared by whatif and redlines. */
typedef struct cli_change {
    char kind;       /* 'd' --drop, 's' --set, 'a' --add */
    const char *arg; /* PARTY:REDLINE, PARTY.reservation=X, 'PARTY: RULE' */
} cli_change;
typedef struct cli_changes {
    cli_change *ch; /* room for one change per argument */
    size_t n;
} cli_changes;
/* The options --drop, --set and --add (a value each); ud is the
 * cli_changes the change is appended to. */
int cli_change_option(const char *cmd, const char *opt, const char *val, void *ud);
#define CLI_CHANGE_OPTIONS(c)                                                                      \
    CLI_CALL("--drop", "a value", cli_change_option, (c)),                                         \
        CLI_CALL("--set", "a value", cli_change_option, (c)),                                      \
        CLI_CALL("--add", "a value", cli_change_option, (c))
/* Apply the changes in order; prints any error and returns its status. */
int cli_apply_changes(const char *cmd, parley_scenario *sc, const cli_changes *c);

/* Commands. */
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_robust(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_redlines(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_negotiate(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_tournament(int argc, char **argv);
int cmd_stability(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
