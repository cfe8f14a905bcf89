/*
 * cli_change.c -- the scenario changes shared by `parley whatif` and
 * `parley redlines`, applied through the public builder API in the order
 * given:
 *
 *   --drop PARTY:REDLINE        remove a red line
 *   --drop PARTY:reservation    drop the walk-away value (set it to 0)
 *   --set PARTY.reservation=X   set a reservation value (PARTY:reservation=X
 *                               too, as `redlines` prints it)
 *   --add 'PARTY: RULE'         add a red line (named whatif-1, whatif-2, ...)
 *
 * Names work both ways: what `redlines` prints (`Russia:reservation`,
 * `PARTY:RULE`) is accepted here.  A party or red-line name may itself
 * hold the separator (`Team: Blue`, `no:deal`): every split of the
 * argument at a separator is tried, and the one whose left side names a
 * party (and, for --drop, whose right side names one of its red lines)
 * is taken.  When more than one split fits, the change is refused and the
 * party's name must be quoted: '"Team: Blue":no:deal'.  A name may always
 * be quoted with double quotes.  Unknown names get "did you mean".
 */
#include "cli.h"

#include <string.h>

/* ------------------------------------------------------------ names */

/* "did you mean" over cands for word, printed after msg (no newline). */
static void suggest(const char *word, const char *const *cands, size_t n)
{
    const char *near = parleyx_closest(word, cands, n);
    if (near)
        fprintf(stderr, " (did you mean '%s'?)", near);
    fprintf(stderr, "\n");
}

static int no_party(const char *cmd, const parley_scenario *sc, const char *name, size_t len)
{
    const char *cands[PARLEY_MAX_PARTIES];
    size_t n = parley_party_count(sc);
    for (size_t i = 0; i < n; i++)
        cands[i] = parley_party_name(sc, i);
    char buf[PARLEY_MAX_NAME + 1];
    if (len > PARLEY_MAX_NAME)
        len = PARLEY_MAX_NAME;
    memcpy(buf, name, len);
    buf[len] = '\0';
    fprintf(stderr, "parley %s: no party '%s'", cmd, buf);
    suggest(buf, cands, n);
    return CLI_USAGE;
}

/* The party named by the len bytes at name, if any. */
static bool party_named(const parley_scenario *sc, const char *name, size_t len, size_t *p)
{
    char buf[PARLEY_MAX_NAME + 1];
    if (len == 0 || len > PARLEY_MAX_NAME)
        return false;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return parley_scenario_find_party(sc, buf, p) == PARLEY_OK;
}

/* The red line of party p named s (quotes around s allowed), or SIZE_MAX. */
static size_t redline_named(const parley_scenario *sc, size_t p, const char *s)
{
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++;
        len -= 2;
    }
    for (size_t r = 0; r < parley_redline_count(sc, p); r++) {
        const char *name = parley_redline_name(sc, p, r);
        if (strlen(name) == len && memcmp(name, s, len) == 0)
            return r;
    }
    return SIZE_MAX;
}

/* A reference "PARTY<sep>REST" split where the party is: *p and *rest.
 * fits(sc, party, rest) says whether a split is the one meant (NULL: any
 * split whose left side is a party).  Prints the error and returns
 * CLI_USAGE when no split or more than one fits. */
typedef bool (*fits_fn)(const parley_scenario *sc, size_t p, const char *rest);

static int split_ref(const char *cmd, const parley_scenario *sc, const char *opt,
                     const char *form, const char *a, char sep, fits_fn fits, size_t *p,
                     const char **rest)
{
    if (a[0] == '"') { /* a quoted party name: "NAME"<sep>REST */
        const char *end = strchr(a + 1, '"');
        if (!end || end[1] != sep)
            return cli_usage(cmd, "%s expects %s, got '%s' (a quoted party name ends with "
                             "'\"%c')", opt, form, a, sep);
        if (!party_named(sc, a + 1, (size_t)(end - a - 1), p))
            return no_party(cmd, sc, a + 1, (size_t)(end - a - 1));
        *rest = end + 2;
        return CLI_OK;
    }
    size_t found = 0, q;
    const char *first_sep = strchr(a, sep);
    if (!first_sep)
        return cli_usage(cmd, "%s expects %s, got '%s'", opt, form, a);
    for (const char *s = first_sep; s; s = strchr(s + 1, sep)) {
        if (!party_named(sc, a, (size_t)(s - a), &q))
            continue;
        if (fits && !fits(sc, q, s + 1))
            continue;
        if (found++ == 0) {
            *p = q;
            *rest = s + 1;
        }
    }
    if (found == 1)
        return CLI_OK;
    if (found > 1)
        return cli_usage(cmd, "%s '%s' can be read more than one way; quote the party's name: "
                         "'\"PARTY\"%c...'", opt, a, sep);
    /* No split fits: name what is wrong with the longest party named. */
    int rc = CLI_USAGE;
    for (const char *s = first_sep; s; s = strchr(s + 1, sep))
        if (party_named(sc, a, (size_t)(s - a), &q)) {
            *p = q;
            *rest = s + 1;
            rc = CLI_NORESULT; /* the party exists: the caller names the rest */
        }
    return rc == CLI_NORESULT ? rc : no_party(cmd, sc, a, (size_t)(first_sep - a));
}

/* ------------------------------------------------------------ changes */

static bool is_reservation(const char *s)
{
    return strcmp(s, "reservation") == 0 || strcmp(s, "\"reservation\"") == 0;
}

static bool drop_fits(const parley_scenario *sc, size_t p, const char *rest)
{
    return redline_named(sc, p, rest) != SIZE_MAX || is_reservation(rest);
}

static int drop(const char *cmd, parley_scenario *sc, const char *a)
{
    size_t p = 0;
    const char *rest = NULL;
    int rc = split_ref(cmd, sc, "--drop", "PARTY:REDLINE or PARTY:reservation", a, ':',
                       drop_fits, &p, &rest);
    if (rc == CLI_USAGE)
        return rc;
    if (rc == CLI_NORESULT) { /* the party exists, the red line does not */
        size_t n = parley_redline_count(sc, p);
        const char *cands[PARLEY_MAX_REDLINES + 1];
        for (size_t r = 0; r < n && r < PARLEY_MAX_REDLINES; r++)
            cands[r] = parley_redline_name(sc, p, r);
        cands[n < PARLEY_MAX_REDLINES ? n : PARLEY_MAX_REDLINES] = "reservation";
        fprintf(stderr, "parley %s: party '%s' has no red line '%s'", cmd,
                parley_party_name(sc, p), rest);
        suggest(rest, cands, (n < PARLEY_MAX_REDLINES ? n : PARLEY_MAX_REDLINES) + 1);
        return CLI_USAGE;
    }
    size_t r = redline_named(sc, p, rest);
    if (r != SIZE_MAX)
        parley_party_remove_redline(sc, p, r);
    else /* PARTY:reservation: no walk-away value */
        parley_party_set_reservation(sc, p, 0.0);
    return CLI_OK;
}

static int set(const char *cmd, parley_scenario *sc, const char *a)
{
    static const char *const keys[] = {"reservation"};
    const char *eq = strrchr(a, '=');
    if (!eq)
        return cli_usage(cmd, "--set expects PARTY.reservation=X, got '%s'", a);
    /* The key is after the last '.' or ':' before '='; the party before it. */
    const char *key = eq;
    while (key > a && key[-1] != '.' && key[-1] != ':')
        key--;
    if (key == a)
        return cli_usage(cmd, "--set expects PARTY.reservation=X, got '%s'", a);
    size_t p;
    if (!party_named(sc, a, (size_t)(key - 1 - a), &p)) {
        if (a[0] == '"' && key - 1 > a + 1 && key[-2] == '"' &&
            party_named(sc, a + 1, (size_t)(key - 3 - a), &p)) {
            /* "PARTY".reservation=X */
        } else {
            return no_party(cmd, sc, a, (size_t)(key - 1 - a));
        }
    }
    char kbuf[64];
    size_t klen = (size_t)(eq - key);
    snprintf(kbuf, sizeof kbuf, "%.*s", (int)(klen < 63 ? klen : 63), key);
    if (strcmp(kbuf, "reservation") != 0) {
        fprintf(stderr, "parley %s: --set: unknown setting '%s'", cmd, kbuf);
        suggest(kbuf, keys, 1);
        return CLI_USAGE;
    }
    double x;
    if (!parleyx_parse_double(eq + 1, &x))
        return cli_usage(cmd, "--set: '%s' is not a number", eq + 1);
    parley_party_set_reservation(sc, p, x);
    return CLI_OK;
}

static int add(const char *cmd, parley_scenario *sc, const char *a, unsigned *added)
{
    size_t p = 0;
    const char *rule = NULL;
    int rc = split_ref(cmd, sc, "--add", "'PARTY: RULE'", a, ':', NULL, &p, &rule);
    if (rc != CLI_OK)
        return CLI_USAGE;
    char name[32];
    snprintf(name, sizeof name, "whatif-%u", ++*added);
    while (*rule == ' ')
        rule++;
    parley_error err;
    parley_error_clear(&err);
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
        const char *a = c->ch[i].arg;
        int rc = c->ch[i].kind == 'd'   ? drop(cmd, sc, a)
                 : c->ch[i].kind == 's' ? set(cmd, sc, a)
                                        : add(cmd, sc, a, &added);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}
