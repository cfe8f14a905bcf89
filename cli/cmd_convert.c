/*
 * cmd_convert.c -- `parley convert INPUT... -o OUT.yaml`: any supported
 * input (native, GENIUS folder or files) written in parley's native YAML
 * format.  The output appears whole or not at all (write, then rename).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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
    parley_load_options opt = {0};
    char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t ninputs = 0;
    if (!inputs)
        return CLI_INTERNAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help();
            free(inputs);
            return CLI_OK;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc) {
                free(inputs);
                return cli_usage("convert", "%s needs a file name", a);
            }
            out = argv[++i];
        } else if (cli_is_load_option(a)) {
            if (cli_load_option("convert", argc, argv, &i, &opt) != CLI_OK) {
                free(inputs);
                return CLI_USAGE;
            }
        } else if (a[0] == '-' && a[1]) {
            free(inputs);
            return cli_usage("convert", "unknown option '%s'", a);
        } else {
            inputs[ninputs++] = argv[i];
        }
    }
    if (!ninputs) {
        free(inputs);
        return cli_usage("convert", "no input given");
    }
    parley_scenario *sc = NULL;
    int rc = cli_load(ninputs, inputs, &opt, &sc);
    free(inputs);
    if (rc != CLI_OK)
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
