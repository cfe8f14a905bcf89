/*
 * cmd_forecast.c -- `parley forecast` (placeholder until its layer lands).
 */
#include "cli.h"

int cmd_forecast(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "parley forecast: not available in this build yet\n");
    return CLI_INTERNAL;
}
