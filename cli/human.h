/*
 * human.h -- a person at the table (`parley negotiate --human PARTY`):
 * the strategy that asks the terminal, and the printing it uses (cli/human.c).
 */
#ifndef PARLEY_CLI_HUMAN_H
#define PARLEY_CLI_HUMAN_H

#include "cli.h"

/* The strategy of the person playing party of sc (borrowed: sc must
 * outlive the session).  It names the person's red lines, so it is bound
 * to one scenario and party: one person per process. */
const parley_strategy *cli_human_strategy(const parley_scenario *sc, size_t party);

/* Print one line of text, wrapped at spaces to the terminal's width (80
 * when standard output is not a terminal), never inside a word;
 * continuation lines are indented by indent columns. */
void cli_human_say(const char *line, size_t indent);

#endif
