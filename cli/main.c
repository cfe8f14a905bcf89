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
    {"convert", cmd_convert, "write any supported input in parley's native YAML format"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: parley COMMAND [OPTIONS] INPUT...\n"
            "       parley --help | --version\n"
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
            "Run 'parley COMMAND --help' for a command's options.\n"
            "Exit status: 0 success (the command ran, whatever its answer), 1 \"no deal\"\n"
            "with --exit-code or an interrupted tournament, 2 bad input or usage,\n"
            "3 internal error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (cli_is_help(cmd) || strcmp(cmd, "help") == 0) {
        if (strcmp(cmd, "help") == 0 && argc > 2) {
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(commands[i].name, argv[2]) == 0) {
                    static char help_flag[] = "--help";
                    char *sub[] = {argv[2], help_flag, NULL};
                    return commands[i].run(2, sub);
                }
            fprintf(stderr, "parley: no command '%s'\n", argv[2]);
            return CLI_USAGE;
        }
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("parley %s\n", parley_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].run(argc - 1, argv + 1);
    const char *names[sizeof commands / sizeof commands[0]];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        names[i] = commands[i].name;
    const char *near = parleyx_closest(cmd, names, sizeof names / sizeof names[0]);
    if (cmd[0] == '-')
        fprintf(stderr, "parley: unknown option '%s'\n", cmd);
    else if (near)
        fprintf(stderr, "parley: unknown command '%s' (did you mean '%s'?)\n", cmd, near);
    else
        fprintf(stderr, "parley: unknown command '%s'\n", cmd);
    fprintf(stderr, "Try 'parley --help'.\n");
    return CLI_USAGE;
}
