/*
 * cmd_convert.c -- `parley convert INPUT... -o OUT.yaml`: any supported
 * input (native, GENIUS folder or files) written in parley's native YAML
 * format.  The output appears whole or not at all (write, then rename).
 */
#include "cli.h"


static void help(void)
{
    printf("Usage: parley convert [--grid N] [--max-input MiB] INPUT... [-o OUT.yaml]\n"
           "\n"
           "Write the scenario read from INPUT in parley's native YAML format\n"
           "(docs/scenario-format.md).  INPUT is a native scenario, a GENIUS\n"
           "folder, or a GENIUS domain file followed by its profile files.\n"
           "GENIUS semantics are kept exactly (weights as written, evaluations\n"
           "divided by the issue maximum, utility capped at 1).\n"
           "\n"
           "Options:\n"
           "  -o FILE    write to FILE (atomically); default: standard output\n"
           "  --grid N   points per real issue (default 21)\n"
           "  --max-input MiB\n"
           "             largest input file read, in MiB (default 64)\n"
           "  -h, --help this help\n");
}

int cmd_convert(int argc, char **argv)
{
    const char *out = NULL;
    parley_load_options lo = {0};
    const cli_opt opts[] = {CLI_VALUE("-o", "a file name", &out),
                            CLI_VALUE("--output", "a file name", &out), CLI_LOAD_OPTIONS(&lo),
                            CLI_PARTY_OPTIONS(&lo)};
    const cli_cmdline cl = {.cmd = "convert", .help = help, .opts = opts, .nopts = CLI_COUNT(opts),
                            .no_input = "no input given"};
    parley_scenario *sc;
    int rc;
    if (!cli_parse_load(&cl, argc, argv, &lo, &sc, &rc))
        return rc;
    char *text = NULL;
    size_t len = 0;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_native_write(sc, &text, &len, &err);
    parley_scenario_free(sc);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    rc = cli_write_output(out, text, len);
    parley_text_free(text);
    return rc;
}
