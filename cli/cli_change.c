/*
 * cli_change.c -- the scenario changes shared by `parley whatif` and
 * `parley redlines`, applied through the public builder API in the order
 * given:
 *
 *   --drop PARTY:REDLINE        remove a red line
 *   --drop PARTY:reservation    drop the walk-away value (set it to 0)
 *   --set PARTY.reservation=X   set a reservation value (PARTY:reservation=X
 *                               too, as `redlines` prints it)
 *   --set PARTY.ISSUE.weight=X  set a weight, 0 <= X <= 1 (PARTY:ISSUE.weight=X
 *                               too); the party's other weights are rescaled
 *                               in proportion so that its weights sum to 1
 *                               (parleyx_rescale_weights), each set through
 *                               parley_party_set_weight()
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

#include <stdlib.h>
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

/* The issue named by the len bytes at name (quotes around it allowed). */
static bool issue_named(const parley_scenario *sc, const char *name, size_t len, size_t *i)
{
    char buf[PARLEY_MAX_NAME + 1];
    if (len >= 2 && name[0] == '"' && name[len - 1] == '"') {
        name++;
        len -= 2;
    }
    if (len == 0 || len > PARLEY_MAX_NAME)
        return false;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return parley_scenario_find_issue(sc, buf, i) == PARLEY_OK;
}

/* "PARTY.ISSUE" or "PARTY:ISSUE" (the len bytes at a) into *p and *is:
 * every split at a '.' or ':' is tried, as split_ref does. */
static int weight_ref(const char *cmd, const parley_scenario *sc, const char *a, size_t len,
                      const char *whole, size_t *p, size_t *is)
{
    size_t found = 0, q, i;
    const char *end = a + len, *named = NULL;
    if (a[0] == '"') { /* "PARTY".ISSUE */
        const char *close = memchr(a + 1, '"', len - 1);
        if (!close || close + 1 >= end || (close[1] != '.' && close[1] != ':'))
            return cli_usage(cmd, "--set expects PARTY.ISSUE.weight=X, got '%s' (a quoted party "
                             "name ends with '\".')", whole);
        if (!party_named(sc, a + 1, (size_t)(close - a - 1), p))
            return no_party(cmd, sc, a + 1, (size_t)(close - a - 1));
        named = close + 2;
        found = issue_named(sc, named, (size_t)(end - named), is);
    } else {
        size_t longest = 0; /* the longest party named, for the message when no issue fits */
        for (const char *s = a; s < end; s++) {
            if ((*s != '.' && *s != ':') || !party_named(sc, a, (size_t)(s - a), &q))
                continue;
            if (!found) {
                named = s + 1;
                longest = q;
            }
            if (!issue_named(sc, s + 1, (size_t)(end - s - 1), &i))
                continue;
            if (found++ == 0) {
                *p = q;
                *is = i;
            }
        }
        if (!found && named)
            *p = longest;
    }
    if (found > 1)
        return cli_usage(cmd, "--set '%s' can be read more than one way; quote the party's "
                         "name: '\"PARTY\".ISSUE.weight=X'", whole);
    if (found == 1)
        return CLI_OK;
    if (!named) {
        const char *sep = a;
        while (sep < end && *sep != '.' && *sep != ':')
            sep++;
        if (sep == end)
            return cli_usage(cmd, "--set expects PARTY.ISSUE.weight=X, got '%s'", whole);
        return no_party(cmd, sc, a, (size_t)(sep - a));
    }
    size_t n = parley_issue_count(sc);
    const char **cands = calloc(n ? n : 1, sizeof *cands);
    char buf[PARLEY_MAX_NAME + 1];
    size_t bl = (size_t)(end - named) < PARLEY_MAX_NAME ? (size_t)(end - named) : PARLEY_MAX_NAME;
    memcpy(buf, named, bl);
    buf[bl] = '\0';
    fprintf(stderr, "parley %s: --set '%s': no issue '%s'", cmd, whole, buf);
    if (cands) {
        for (size_t k = 0; k < n; k++)
            cands[k] = parley_issue_name(sc, k);
        suggest(buf, cands, n);
    } else {
        fprintf(stderr, "\n");
    }
    free(cands);
    return CLI_USAGE;
}

/* --set PARTY.ISSUE.weight=X: the weight set to X and the party's other
 * weights rescaled in proportion so that they all sum to 1. */
static int set_weight(const char *cmd, parley_scenario *sc, const char *a, size_t len,
                      const char *val)
{
    size_t p = 0, is = 0;
    int rc = weight_ref(cmd, sc, a, len, a, &p, &is);
    if (rc != CLI_OK)
        return rc;
    double x;
    if (!parleyx_parse_double(val, &x))
        return cli_usage(cmd, "--set: '%s' is not a number", val);
    if (!(x >= 0.0 && x <= 1.0))
        return cli_usage(cmd, "--set '%s': a weight must be from 0 to 1 (the party's weights "
                         "sum to 1)", a);
    const char *pn = parley_party_name(sc, p), *in = parley_issue_name(sc, is);
    size_t n = parley_issue_count(sc);
    bool linear = false;
    for (size_t i = 0; i < n; i++)
        linear |= parley_party_weight(sc, p, i) > 0.0;
    if (!parley_party_has_utility(sc, p) || (!linear && parley_interaction_count(sc, p) == 0))
        return cli_usage(cmd, "--set '%s': party '%s' has no preferences, so no weights to set",
                         a, pn);
    if (!linear)
        return cli_usage(cmd, "--set '%s': party '%s' values outcomes by interaction terms "
                         "only (a non-linear profile): it has no weights to set", a, pn);
    parley_eval_info ei;
    parley_party_eval_info(sc, p, is, &ei);
    if (ei.kind == PARLEY_EVAL_NONE)
        return cli_usage(cmd, "--set '%s': party '%s' does not evaluate issue '%s' (no "
                         "evaluation is given for it), so it has no weight there to set",
                         a, pn, in);
    double *w = calloc(n, sizeof *w);
    bool *can = calloc(n, sizeof *can);
    if (!w || !can) {
        free(w);
        free(can);
        return CLI_INTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        w[i] = parley_party_weight(sc, p, i);
        parley_party_eval_info(sc, p, i, &ei);
        can[i] = ei.kind != PARLEY_EVAL_NONE;
    }
    rc = CLI_OK;
    if (!parleyx_rescale_weights(w, n, is, x, can))
        rc = cli_usage(cmd, "--set '%s': party '%s' evaluates no issue but '%s', so that "
                       "weight must stay 1", a, pn, in);
    for (size_t i = 0; rc == CLI_OK && i < n; i++)
        if (parley_party_set_weight(sc, p, i, w[i]) != PARLEY_OK)
            rc = CLI_INTERNAL;
    free(w);
    free(can);
    return rc;
}

static int set(const char *cmd, parley_scenario *sc, const char *a)
{
    static const char *const keys[] = {"reservation", "weight"};
    const char *eq = strrchr(a, '=');
    if (!eq)
        return cli_usage(cmd, "--set expects PARTY.reservation=X or PARTY.ISSUE.weight=X, "
                         "got '%s'", a);
    /* The key is after the last '.' or ':' before '='; the party before it
     * (for a weight: the party and the issue). */
    const char *key = eq;
    while (key > a && key[-1] != '.' && key[-1] != ':')
        key--;
    if (key == a)
        return cli_usage(cmd, "--set expects PARTY.reservation=X or PARTY.ISSUE.weight=X, "
                         "got '%s'", a);
    char kbuf[64];
    size_t klen = (size_t)(eq - key);
    snprintf(kbuf, sizeof kbuf, "%.*s", (int)(klen < 63 ? klen : 63), key);
    if (strcmp(kbuf, "weight") == 0)
        return set_weight(cmd, sc, a, (size_t)(key - 1 - a), eq + 1);
    if (strcmp(kbuf, "reservation") != 0) {
        fprintf(stderr, "parley %s: --set: unknown setting '%s'", cmd, kbuf);
        suggest(kbuf, keys, 2);
        return CLI_USAGE;
    }
    size_t p;
    if (!party_named(sc, a, (size_t)(key - 1 - a), &p)) {
        if (a[0] == '"' && key - 1 > a + 1 && key[-2] == '"' &&
            party_named(sc, a + 1, (size_t)(key - 3 - a), &p)) {
            /* "PARTY".reservation=X */
        } else {
            return no_party(cmd, sc, a, (size_t)(key - 1 - a));
        }
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
