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

/* The party named before sep in a (PARTY:..., PARTY.reservation=...);
 * "OPT expects FORM" when there is no sep. */
static int party_before(const char *cmd, const parley_scenario *sc, const char *opt,
                        const char *form, const char *a, const char *sep, size_t *p)
{
    if (!sep)
        return cli_usage(cmd, "%s expects %s, got '%s'", opt, form, a);
    return find_party(cmd, sc, a, (size_t)(sep - a), p);
}

static int apply(const char *cmd, parley_scenario *sc, const cli_change *c, unsigned *added)
{
    parley_error err;
    parley_error_clear(&err);
    size_t p;
    const char *a = c->arg;
    if (c->kind == 'd') {
        const char *colon = strrchr(a, ':');
        if (party_before(cmd, sc, "--drop", "PARTY:REDLINE", a, colon, &p))
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
        if (party_before(cmd, sc, "--set", "PARTY.reservation=X", a, dot, &p))
            return CLI_USAGE;
        double x;
        if (!parleyx_parse_double(dot + strlen(".reservation="), &x))
            return cli_usage(cmd, "--set: '%s' is not a number", dot + strlen(".reservation="));
        parley_party_set_reservation(sc, p, x);
        return CLI_OK;
    }
    const char *colon = strchr(a, ':');
    if (party_before(cmd, sc, "--add", "'PARTY: RULE'", a, colon, &p))
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

int cli_change_option(const char *cmd, const char *opt, const char *val, void *ud)
{
    (void)cmd;
    cli_changes *c = ud;
    c->ch[c->n].kind = opt[2];
    c->ch[c->n].arg = val;
    c->n++;
    return CLI_OK;
}

int cli_apply_changes(const char *cmd, parley_scenario *sc, const cli_changes *c)
{
    unsigned added = 0;
    for (size_t i = 0; i < c->n; i++) {
        int rc = apply(cmd, sc, &c->ch[i], &added);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}
