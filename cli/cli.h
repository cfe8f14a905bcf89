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

#include "parley/parley.h"
#include "parleyx.h" /* parleyx_: unstable helpers shared with the library */

enum { CLI_OK = 0, CLI_NORESULT = 1, CLI_USAGE = 2, CLI_INTERNAL = 3 };

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
 * error and returns its exit status; *out is then NULL. */
int cli_load(size_t n, char **paths, const parley_load_options *opt, parley_scenario **out);

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

/* The options of every command that loads a scenario: --grid N (points
 * per real issue, into lo->real_grid) and --max-input MiB (the largest
 * input file, into lo->max_file_bytes).  cli_load_option reads the option
 * at argv[*i] and its value (advancing *i); it prints a usage error and
 * returns CLI_USAGE when the value is missing or bad. */
bool cli_is_load_option(const char *arg);
int cli_load_option(const char *cmd, int argc, char **argv, int *i, parley_load_options *lo);

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
/* One line per issue: "<ind>issue  value". */
void cli_text_outcome(px_buf *b, const parley_scenario *sc, const uint32_t *o, const char *ind);
/* A number for reading: at most 4 decimals, trailing zeros dropped. */
char *cli_fmt(double x, char *buf, size_t n);

/* Scenario changes (cli_change.c), shared by whatif and redlines. */
typedef struct cli_change {
    char kind;       /* 'd' --drop, 's' --set, 'a' --add */
    const char *arg; /* PARTY:REDLINE, PARTY.reservation=X, 'PARTY: RULE' */
} cli_change;
bool cli_is_change(const char *opt);
/* Apply the changes in order; prints any error and returns its status. */
int cli_apply_changes(const char *cmd, parley_scenario *sc, const cli_change *ch, size_t n);

/* Commands. */
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_redlines(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_negotiate(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_tournament(int argc, char **argv);

#endif
