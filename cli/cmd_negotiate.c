/*
 * cmd_negotiate.c -- `parley negotiate` (placeholder until its layer lands).
 */
#include "cli.h"

int cmd_negotiate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "parley negotiate: not available in this build yet\n");
    return CLI_INTERNAL;
}
