/*
 * main.c -- the `parley` command-line tool: dispatches to one file per
 * command (cmd_*.c).  The tool uses only libparley's public API.
 */
#include "cli.h"

#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"info", cmd_info, "show a scenario: parties, issues, outcome count, red lines"},
    {"analyze", cmd_analyze, "is there a deal? agreement set, Pareto frontier, fair deals"},
    {"redlines", cmd_redlines, "which red lines block a deal, and how far must each bend"},
    {"whatif", cmd_whatif, "re-run the analysis with red lines or reservation values changed"},
    {"negotiate", cmd_negotiate, "simulate the talks between automated negotiators (and people)"},
    {"tournament", cmd_tournament, "many strategies across many scenarios: rankings, stored results"},
    {"forecast", cmd_forecast, "where will positions converge? (KTAB SMP, BDM expected utility)"},
    {"report", cmd_report, "a self-contained HTML report with charts, or the charts as SVG"},
    {"stability", cmd_stability, "would anyone walk away? equilibria of the graph model (GMCR)"},
    {"convert", cmd_convert, "write any supported input in parley's native YAML format"},
    {"robust", cmd_robust, "uncertain numbers, bluffed red lines: what holds in every world"},
    {"serve", cmd_serve, "the mediator's console: what-if analysis live in a browser"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: parley COMMAND [OPTIONS] INPUT...\n"
            "       parley --help | --version | help [COMMAND]\n"
            "\n"
            "parley analyses negotiations among several parties over several issues:\n"
            "whether a deal every party can accept exists, which deals are efficient\n"
            "and fair, which red lines block agreement, how talks between automated\n"
            "negotiators play out, which strategies do best, and where positions\n"
            "converge.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "INPUT is a native scenario (YAML or JSON, see docs/scenario-format.md),\n"
            "a GENIUS folder, or a GENIUS domain file followed by its profile files.\n"
            "\n"
            "Run 'parley COMMAND --help' or 'parley help COMMAND' for a command's\n"
            "options (the same text as its man page, parley-COMMAND(1)).\n"
            "Exit status: 0 success (the command ran, whatever its answer), 1 \"no deal\"\n"
            "with --exit-code or an interrupted tournament, 2 bad input or usage,\n"
            "3 internal error.\n");
}

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* "unknown command 'X' (did you mean 'Y'?)", or "unknown option" for a
 * word that starts with '-'; returns CLI_USAGE. */
static int unknown(const char *cmd)
{
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    const char *near = parleyx_closest(cmd, names, NCOMMANDS);
    if (cmd[0] == '-')
        fprintf(stderr, "parley: unknown option '%s'\n", cmd);
    else if (near)
        fprintf(stderr, "parley: unknown command '%s' (did you mean '%s'?)\n", cmd, near);
    else
        fprintf(stderr, "parley: unknown command '%s'\n", cmd);
    fprintf(stderr, "Try 'parley --help'.\n");
    return CLI_USAGE;
}

static const command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* `parley help [COMMAND]`: the text of `parley --help` or of `parley
 * COMMAND --help` (which the man pages are written from). */
static int help(int argc, char **argv)
{
    if (argc > 3) {
        fprintf(stderr,
                "parley help: one command at most, got '%s' after '%s'\n"
                "Try 'parley help COMMAND'.\n",
                argv[3], argv[2]);
        return CLI_USAGE;
    }
    if (argc < 3 || cli_is_help(argv[2]) || strcmp(argv[2], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    const command *c = find(argv[2]);
    if (!c)
        return unknown(argv[2]);
    static char help_flag[] = "--help";
    char *sub[] = {argv[2], help_flag, NULL};
    return c->run(2, sub);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0)
        return help(argc, argv);
    if (cli_is_help(cmd)) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("parley %s\n", parley_version());
        return CLI_OK;
    }
    const command *c = find(cmd);
    return c ? c->run(argc - 1, argv + 1) : unknown(cmd);
}
