/*
 * cli_change.c -- the scenario changes shared by `parley whatif` and
 * `parley redlines`: --drop PARTY:REDLINE, --set PARTY.reservation=X,
 * --add 'PARTY: RULE' (added red lines are named whatif-1, whatif-2, ...).
 * Applied through the public builder API, in the order given.
 */
#include "cli.h"

#include <string.h>

static int find_party(const char *cmd, const parley_scenario *sc, const char *name, size_t len,
                      size_t *p)
{
    char buf[PARLEY_MAX_NAME + 1];
    if (len > PARLEY_MAX_NAME)
        return CLI_USAGE;
    memcpy(buf, name, len);
    buf[len] = '\0';
    if (parley_scenario_find_party(sc, buf, p) == PARLEY_OK)
        return CLI_OK;
    const char *cands[PARLEY_MAX_PARTIES];
    size_t n = parley_party_count(sc);
    for (size_t i = 0; i < n; i++)
        cands[i] = parley_party_name(sc, i);
    const char *near = parleyx_closest(buf, cands, n);
    if (near)
        fprintf(stderr, "parley %s: no party '%s' (did you mean '%s'?)\n", cmd, buf, near);
    else
        fprintf(stderr, "parley %s: no party '%s'\n", cmd, buf);
    return CLI_USAGE;
}

static int apply(const char *cmd, parley_scenario *sc, const cli_change *c, unsigned *added)
{
    parley_error err;
    parley_error_clear(&err);
    size_t p;
    const char *a = c->arg;
    if (c->kind == 'd') {
        const char *colon = strrchr(a, ':');
        if (!colon)
            return cli_usage(cmd, "--drop expects PARTY:REDLINE, got '%s'", a);
        if (find_party(cmd, sc, a, (size_t)(colon - a), &p))
            return CLI_USAGE;
        for (size_t r = 0; r < parley_redline_count(sc, p); r++)
            if (strcmp(parley_redline_name(sc, p, r), colon + 1) == 0) {
                parley_party_remove_redline(sc, p, r);
                return CLI_OK;
            }
        return cli_usage(cmd, "party '%.*s' has no red line '%s'", (int)(colon - a), a,
                         colon + 1);
    }
    if (c->kind == 's') {
        const char *dot = strstr(a, ".reservation=");
        if (!dot)
            return cli_usage(cmd, "--set expects PARTY.reservation=X, got '%s'", a);
        if (find_party(cmd, sc, a, (size_t)(dot - a), &p))
            return CLI_USAGE;
        double x;
        if (!parleyx_parse_double(dot + strlen(".reservation="), &x))
            return cli_usage(cmd, "--set: '%s' is not a number", dot + strlen(".reservation="));
        parley_party_set_reservation(sc, p, x);
        return CLI_OK;
    }
    const char *colon = strchr(a, ':');
    if (!colon)
        return cli_usage(cmd, "--add expects 'PARTY: RULE', got '%s'", a);
    if (find_party(cmd, sc, a, (size_t)(colon - a), &p))
        return CLI_USAGE;
    char name[32];
    snprintf(name, sizeof name, "whatif-%u", ++*added);
    const char *rule = colon + 1;
    while (*rule == ' ')
        rule++;
    parley_status st = parley_party_add_redline(sc, p, name, rule, &err);
    if (st) {
        fprintf(stderr, "parley %s: --add '%s': column %u: %s\n", cmd, a,
                err.column + (unsigned)(rule - a), err.message);
        return CLI_USAGE;
    }
    return CLI_OK;
}

bool cli_is_change(const char *opt)
{
    return strcmp(opt, "--drop") == 0 || strcmp(opt, "--set") == 0 || strcmp(opt, "--add") == 0;
}

int cli_apply_changes(const char *cmd, parley_scenario *sc, const cli_change *ch, size_t n)
{
    unsigned added = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = apply(cmd, sc, &ch[i], &added);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}
