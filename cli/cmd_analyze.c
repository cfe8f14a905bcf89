/*
 * cmd_analyze.c -- `parley analyze` (placeholder until the analysis layer
 * lands; owned by the analysis work).
 */
#include "cli.h"

int cmd_analyze(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "parley analyze: not available in this build yet\n");
    return CLI_INTERNAL;
}
