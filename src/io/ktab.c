/*
 * ktab.c -- readers for KTAB's SMP input files (KAPSARC/KTAB,
 * examples/smp/libsrc/smpread.cpp) into a parley_forecast_input:
 *
 *  - the CSV: line 1 "name, description, #actors, #dims"; line 2 headers
 *    (Actor, Description, Power|Influence|..., then a position and a
 *    salience header per dimension: the position header names the
 *    dimension); then one line per actor "name, description, capability,
 *    (position, salience) x dims" on [0, 100].  Fields may be quoted
 *    ("" is a quote inside quotes), padded with blanks, and lines may end
 *    with a trailing comma.  Checks as KTAB: positions and saliences in
 *    [0, 100], saliences summing to at most 100, capability in (0, 1e8]
 *    (KTAB allows 0, but a zero voting weight makes its own model throw).
 *    KTAB reads only the first four fields of line 1: later ones (a
 *    spreadsheet's "0,,,,") are ignored here too.
 *  - the simple BDM CSV (Scholz's ExampleActors.csv): header exactly
 *    Actor,Capability,Position,Salience, then "name, c, x, s" with s in
 *    [0, 1]; one dimension named "Position" on [min x, max x].
 *  - the XML (smpSchema.xsd): <Scenario> <name> <desc> [<prngSeed>]
 *    [<ModelParameters>] <Dimensions><dName>... <Actors><Actor> <name>
 *    <description> <capability> <Position><dCoord>... <Salience><dSal>...
 *    [<IdealAdjustment><iaPair><adjustingIdeal> <referencePos> <adjust>].
 *    An empty number element (<dCoord>, <dSal>, <capability>, <adjust>) is
 *    refused at its line, as KTAB's xmlRead refuses it ("no text for the
 *    following xml element"; its own smpExample.xml has one since KTAB
 *    commit 13ed507).  <prngSeed> is a decimal uint64 (leading zeros
 *    allowed), kept as the input's seed for stochastic runs.
 *
 * Positions are kept on the file's scale ([0, 100]); saliences become
 * fractions (x / 100.0, KTAB's own operation, so the model sees KTAB's
 * numbers bit for bit).
 *
 * Errors carry file:line:column (1-based; the column of the field, in
 * bytes) and say what was expected.  Bounds: a file or text of at most
 * opt->max_file_bytes (0: 64 MiB), a field of at most PARLEY_MAX_NAME
 * bytes, the input's actor and dimension limits.  The XML goes through
 * the one XML front end (xml_front.c: no network, no DTD, entities never
 * expanded; a document that declares one is refused while it is parsed).
 *
 * Memory: the text buffer and the per-line field table are freed before
 * returning; the input handed out is allocated with the caller's allocator
 * and owned by the caller.  libxml2's tree is freed before returning.
 */
#include "forecast/fc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/xml_front.h"

#define KT_MAX_FIELDS (3 + 2 * PARLEY_FORECAST_MAX_DIMS + 2)

/* ------------------------------------------------------------------ CSV */

typedef struct kt_field {
    const char *s; /* NUL-terminated, in the scratch buffer */
    unsigned col;
    bool quoted;
} kt_field;

typedef struct kt_csv {
    const char *name;
    const char *p, *end;
    unsigned line;       /* of the line last parsed */
    char *scr;           /* unescaped fields of the current line */
    kt_field f[KT_MAX_FIELDS];
    size_t nf;
} kt_csv;

static bool kt_blank(char ch) { return ch == ' ' || ch == '\t'; }

/* Parse the next non-blank line into fields.  1 a line, 0 end of text,
 * -1 an error (err filled). */
static int kt_line(kt_csv *cs, unsigned *lineno, parley_error *err)
{
    for (;;) {
        if (cs->p >= cs->end)
            return 0;
        cs->line++;
        const char *ls = cs->p, *le = ls;
        while (le < cs->end && *le != '\n')
            le++;
        cs->p = le < cs->end ? le + 1 : le;
        const char *lend = le;
        if (lend > ls && lend[-1] == '\r')
            lend--;
        const char *q = ls;
        while (q < lend && (kt_blank(*q) || *q == ','))
            q++;
        if (q == lend)
            continue; /* blank (or only commas) */
        if (memchr(ls, '\0', (size_t)(lend - ls)))
            return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, cs->line, 1,
                                "a NUL byte inside a line; this is not a text CSV file"),
                   -1;
        char *w = cs->scr;
        cs->nf = 0;
        const char *p = ls;
        for (;;) {
            while (p < lend && kt_blank(*p))
                p++;
            if (cs->nf >= KT_MAX_FIELDS)
                return parleyx_fail(err, PARLEY_ERR_LIMIT, cs->name, cs->line,
                                    (unsigned)(p - ls) + 1, "more than %d fields on a line",
                                    KT_MAX_FIELDS),
                       -1;
            kt_field *f = &cs->f[cs->nf++];
            f->col = (unsigned)(p - ls) + 1;
            f->s = w;
            f->quoted = false;
            if (p < lend && *p == '"') {
                f->quoted = true;
                p++;
                for (;;) {
                    if (p >= lend)
                        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, cs->line, f->col,
                                            "a quoted field is not closed; end it with '\"'"),
                               -1;
                    if (*p == '"') {
                        if (p + 1 < lend && p[1] == '"') {
                            *w++ = '"';
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    *w++ = *p++;
                }
                while (p < lend && kt_blank(*p))
                    p++;
                if (p < lend && *p != ',')
                    return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, cs->line,
                                        (unsigned)(p - ls) + 1,
                                        "expected ',' after the quoted field"),
                           -1;
            } else {
                const char *s0 = p;
                while (p < lend && *p != ',')
                    p++;
                const char *s1 = p;
                while (s1 > s0 && kt_blank(s1[-1]))
                    s1--;
                memcpy(w, s0, (size_t)(s1 - s0));
                w += s1 - s0;
            }
            *w++ = '\0';
            if (strlen(f->s) > PARLEY_MAX_NAME)
                return parleyx_fail(err, PARLEY_ERR_LIMIT, cs->name, cs->line, f->col,
                                    "a field longer than %d bytes", PARLEY_MAX_NAME),
                       -1;
            if (p >= lend)
                break;
            p++; /* the comma */
        }
        while (cs->nf > 0 && !cs->f[cs->nf - 1].quoted && !cs->f[cs->nf - 1].s[0])
            cs->nf--; /* trailing commas */
        *lineno = cs->line;
        return 1;
    }
}

static parley_status kt_num(const kt_csv *cs, const kt_field *f, const char *what, double *out,
                            parley_error *err)
{
    if (!parleyx_parse_double(f->s, out))
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, cs->line, f->col,
                            "expected a number for %s, found '%s', which %s", what, f->s,
                            parleyx_double_problem(f->s));
    return PARLEY_OK;
}

/* Re-locate an error from the builder at a line and column. */
static parley_status kt_at(parley_error *err, parley_status st, const char *file, unsigned line,
                           unsigned col)
{
    if (err) {
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
        err->line = line;
        err->column = col;
    }
    return st;
}

/* The status a failed kt_line left in err. */
static parley_status kt_line_status(const parley_error *err)
{
    return err ? err->status : PARLEY_ERR_SYNTAX;
}

/* Hand in over through *out when st is PARLEY_OK, else free it; st. */
static parley_status kt_hand_over(parley_forecast_input *in, parley_status st,
                                  parley_forecast_input **out)
{
    if (st != PARLEY_OK) {
        parley_forecast_input_free(in);
        return st;
    }
    *out = in;
    return PARLEY_OK;
}

static parley_status kt_simple_csv(kt_csv *cs, const parley_allocator *a,
                                   parley_forecast_input **out, parley_error *err)
{
    size_t n = 0, cap = 0;
    struct row {
        char *name;
        double c, x, s;
        unsigned line;
    } *rows = NULL;
    parley_status st = PARLEY_OK;
    unsigned ln;
    int r;
    while ((r = kt_line(cs, &ln, err)) == 1) {
        if (cs->nf != 4) {
            st = parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln,
                              cs->nf > 4 ? cs->f[4].col : 1,
                              "expected 4 fields (Actor, Capability, Position, Salience), found "
                              "%zu", cs->nf);
            break;
        }
        if (n == PARLEY_FORECAST_MAX_ACTORS) {
            st = parleyx_fail(err, PARLEY_ERR_LIMIT, cs->name, ln, 1, "more than %d actors",
                              PARLEY_FORECAST_MAX_ACTORS);
            break;
        }
        struct row *nr = parleyx_grow(a, rows, sizeof *rows, &cap, n + 1, 16);
        if (!nr) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, cs->name, 0, 0, "out of memory");
            break;
        }
        rows = nr;
        struct row *w = &rows[n];
        w->line = ln;
        if ((st = kt_num(cs, &cs->f[1], "the capability", &w->c, err)) ||
            (st = kt_num(cs, &cs->f[2], "the position", &w->x, err)) ||
            (st = kt_num(cs, &cs->f[3], "the salience", &w->s, err)))
            break;
        if (!(w->c > 0)) {
            st = parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, ln, cs->f[1].col,
                              "the capability must be > 0, found %s", cs->f[1].s);
            break;
        }
        if (w->s < 0 || w->s > 1) {
            st = parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, ln, cs->f[3].col,
                              "the salience must lie in [0, 1] in this format, found %s",
                              cs->f[3].s);
            break;
        }
        w->name = parleyx_strdup(a, cs->f[0].s);
        if (!w->name) {
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, cs->name, 0, 0, "out of memory");
            break;
        }
        n++;
    }
    if (r < 0)
        st = kt_line_status(err);
    if (st == PARLEY_OK && n < 2)
        st = parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, cs->line, 1,
                          "expected at least 2 actor lines after the header, found %zu", n);
    parley_forecast_input *in = NULL;
    if (st == PARLEY_OK) {
        double lo = rows[0].x, hi = rows[0].x;
        for (size_t i = 1; i < n; i++) {
            lo = rows[i].x < lo ? rows[i].x : lo;
            hi = rows[i].x > hi ? rows[i].x : hi;
        }
        if (!(lo < hi))
            hi = lo + 1;
        in = parley_forecast_input_new(a);
        if (!in)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, cs->name, 0, 0, "out of memory");
        else
            st = parley_forecast_add_dimension(in, "Position", lo, hi, err);
        for (size_t i = 0; st == PARLEY_OK && i < n; i++) {
            st = parley_forecast_add_actor(in, rows[i].name, NULL, rows[i].c, &rows[i].x, &rows[i].s,
                                           err);
            if (st != PARLEY_OK)
                kt_at(err, st, cs->name, rows[i].line, 1);
        }
    }
    for (size_t i = 0; i < n; i++)
        parleyx_strfree(a, rows[i].name);
    parleyx_free(a, rows, cap * sizeof *rows);
    return kt_hand_over(in, st, out);
}

static bool kt_is(const char *s, const char *w) { return strcasecmp(s, w) == 0; }

/* Line 1 of the SMP CSV (line ln, already split): name, description,
 * #actors, #dimensions. */
static parley_status kt_csv_counts(const kt_csv *cs, unsigned ln, int64_t *na, int64_t *nd,
                                   parley_error *err)
{
    /* KTAB reads the first four fields of line 1 and ignores the rest (a
     * spreadsheet's export pads it, e.g. "0,,,,"): so does parley */
    if (cs->nf < 4)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln, 1,
                            "expected 4 fields on line 1 (name, description, #actors, "
                            "#dimensions) or the header Actor,Capability,Position,Salience; "
                            "found %zu",
                            cs->nf);
    if (!parleyx_parse_int64(cs->f[2].s, na) || *na < 2 || *na > PARLEY_FORECAST_MAX_ACTORS)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln, cs->f[2].col,
                            "expected the number of actors (2 to %d), found '%s'",
                            PARLEY_FORECAST_MAX_ACTORS, cs->f[2].s);
    if (!parleyx_parse_int64(cs->f[3].s, nd) || *nd < 1 || *nd > PARLEY_FORECAST_MAX_DIMS)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln, cs->f[3].col,
                            "expected the number of dimensions (1 to %d), found '%s'",
                            PARLEY_FORECAST_MAX_DIMS, cs->f[3].s);
    return PARLEY_OK;
}

/* The next line, which must be there: else the error says what was
 * expected, at the line after the last one. */
static parley_status kt_need_line(kt_csv *cs, unsigned *ln, const char *expected,
                                  parley_error *err)
{
    int r = kt_line(cs, ln, err);
    if (r < 0)
        return kt_line_status(err);
    if (r == 0)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, cs->line + 1, 1, "%s", expected);
    return PARLEY_OK;
}

/* Line 2: the headers; each position header names its dimension. */
static parley_status kt_csv_dimensions(kt_csv *cs, parley_forecast_input *in, size_t nd,
                                       parley_error *err)
{
    unsigned ln;
    size_t want = 3 + 2 * nd;
    parley_status st = kt_need_line(cs, &ln,
                                    "expected the header line (Actor, Description, Power, then "
                                    "a position and a salience header per dimension)",
                                    err);
    if (st != PARLEY_OK)
        return st;
    if (cs->nf != want)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln,
                            cs->nf > want ? cs->f[want].col : 1,
                            "expected %zu header fields (Actor, Description, Power, then a "
                            "position and a salience header for each of the %lld dimensions), "
                            "found %zu",
                            want, (long long)nd, cs->nf);
    for (size_t d = 0; d < nd; d++) {
        const kt_field *f = &cs->f[3 + 2 * d];
        if (!f->s[0])
            return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln, f->col,
                                "expected the name of dimension %zu", d + 1);
        st = parley_forecast_add_dimension(in, f->s, 0, 100, err);
        if (st != PARLEY_OK)
            return kt_at(err, st, cs->name, ln, f->col);
    }
    return PARLEY_OK;
}

/* The position and salience of dimension d on actor line ln, checked
 * (positions and saliences in [0, 100], the saliences' running sum *ssum
 * at most 100). */
static parley_status kt_csv_coord(const kt_csv *cs, unsigned ln, size_t d, double *pos,
                                  double *sal, double *ssum, parley_error *err)
{
    const kt_field *fp = &cs->f[3 + 2 * d], *fs = &cs->f[4 + 2 * d];
    double x, s;
    parley_status st;
    if ((st = kt_num(cs, fp, "a position", &x, err)) ||
        (st = kt_num(cs, fs, "a salience", &s, err)))
        return st;
    if (x < 0 || x > 100)
        return parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, ln, fp->col,
                            "a position must lie in [0, 100], found %s", fp->s);
    if (s < 0 || s > 100)
        return parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, ln, fs->col,
                            "a salience must lie in [0, 100], found %s", fs->s);
    *ssum = *ssum + s;
    if (*ssum > 100)
        return parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, ln, fs->col,
                            "the saliences of an actor must sum to at most 100 (reached "
                            "%g)", *ssum);
    pos[d] = x;
    sal[d] = s / 100.0;
    return PARLEY_OK;
}

/* Actor line i of the na declared: name, description, capability, then a
 * position and a salience per dimension (pos, sal: nd scratch values). */
static parley_status kt_csv_actor(kt_csv *cs, parley_forecast_input *in, size_t nd, int64_t i,
                                  int64_t na, double *pos, double *sal, parley_error *err)
{
    unsigned ln;
    size_t want = 3 + 2 * nd;
    char expected[96];
    snprintf(expected, sizeof expected,
             "line 1 declares %lld actors but the file ends after %lld", (long long)na,
             (long long)i);
    parley_status st = kt_need_line(cs, &ln, expected, err);
    if (st != PARLEY_OK)
        return st;
    if (cs->nf != want)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln,
                            cs->nf > want ? cs->f[want].col : 1,
                            "expected %zu fields (name, description, capability, then a "
                            "position and a salience per dimension), found %zu",
                            want, cs->nf);
    double c, ssum = 0;
    if ((st = kt_num(cs, &cs->f[2], "the capability", &c, err)))
        return st;
    if (!(c > 0) || c > 1e8)
        return parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, ln, cs->f[2].col,
                            "the capability must lie in (0, 1e8], found %s", cs->f[2].s);
    for (size_t d = 0; d < nd; d++)
        if ((st = kt_csv_coord(cs, ln, d, pos, sal, &ssum, err)))
            return st;
    if (!(ssum > 0))
        return parleyx_fail(err, PARLEY_ERR_INVALID, cs->name, ln, cs->f[4].col,
                            "actor '%s' has no salience on any dimension; give it some",
                            cs->f[0].s);
    st = parley_forecast_add_actor(in, cs->f[0].s, cs->f[1].s, c, pos, sal, err);
    if (st != PARLEY_OK)
        return kt_at(err, st, cs->name, ln, 1);
    return PARLEY_OK;
}

static parley_status kt_csv_parse(kt_csv *cs, const parley_allocator *a,
                                  parley_forecast_input **out, parley_error *err)
{
    unsigned ln;
    int r = kt_line(cs, &ln, err);
    if (r < 0)
        return kt_line_status(err);
    if (r == 0)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, 1, 1,
                            "the file is empty; expected 'name, description, #actors, "
                            "#dimensions' on line 1");
    if (cs->nf == 4 && kt_is(cs->f[0].s, "Actor") && kt_is(cs->f[1].s, "Capability") &&
        kt_is(cs->f[2].s, "Position") && kt_is(cs->f[3].s, "Salience"))
        return kt_simple_csv(cs, a, out, err);
    int64_t na, nd;
    parley_status st = kt_csv_counts(cs, ln, &na, &nd, err);
    if (st != PARLEY_OK)
        return st;
    parley_forecast_input *in = parley_forecast_input_new(a);
    if (!in)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, cs->name, 0, 0, "out of memory");
    st = parley_forecast_input_set_name(in, cs->f[0].s, cs->f[1].s);
    double *pos = parleyx_calloc(a, (size_t)nd, sizeof(double));
    double *sal = parleyx_calloc(a, (size_t)nd, sizeof(double));
    if (st != PARLEY_OK || !pos || !sal)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, cs->name, 0, 0, "out of memory");
    if (st == PARLEY_OK)
        st = kt_csv_dimensions(cs, in, (size_t)nd, err);
    for (int64_t i = 0; i < na && st == PARLEY_OK; i++)
        st = kt_csv_actor(cs, in, (size_t)nd, i, na, pos, sal, err);
    if (st == PARLEY_OK && (r = kt_line(cs, &ln, err)) != 0)
        st = r < 0 ? kt_line_status(err)
                   : parleyx_fail(err, PARLEY_ERR_SYNTAX, cs->name, ln, 1,
                                  "more actor lines than the %lld declared on line 1",
                                  (long long)na);
    parleyx_free(a, pos, (size_t)nd * sizeof(double));
    parleyx_free(a, sal, (size_t)nd * sizeof(double));
    return kt_hand_over(in, st, out);
}

/* The text is at most the limit of opt (max_file_bytes; 0: 64 MiB) and
 * INT_MAX, parleyx_read_file's rule for files. */
static parley_status kt_check_size(size_t len, const char *name, const parley_load_options *opt,
                                   parley_error *err)
{
    size_t limit = opt && opt->max_file_bytes ? opt->max_file_bytes : PARLEYX_DEFAULT_MAX_FILE;
    if (limit > (size_t)INT_MAX)
        limit = (size_t)INT_MAX;
    if (len > limit)
        return parleyx_fail(err, PARLEY_ERR_LIMIT, name, 0, 0,
                            "the text is larger than the limit of %zu bytes; raise it if the "
                            "text is genuine (max_file_bytes in the load options, or "
                            "--max-input MiB on the command line)",
                            limit);
    return PARLEY_OK;
}

parley_status parley_ktab_read_csv_text(const char *text, size_t len, const char *name,
                                        const parley_load_options *opt,
                                        parley_forecast_input **out, parley_error *err)
{
    if (!out || (!text && len))
        return parleyx_fail(err, PARLEY_ERR_ARG, name, 0, 0, "no text or no output pointer");
    *out = NULL;
    parley_status st = kt_check_size(len, name, opt, err);
    if (st != PARLEY_OK)
        return st;
    /* names and labels go to JSON, SVG and HTML: UTF-8 only, as every reader */
    size_t bad = parleyx_utf8_invalid(text, len, true);
    if (bad != SIZE_MAX) {
        unsigned line, col;
        parleyx_utf8_locate(text, len, bad, &line, &col);
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, name, line, col,
                            "byte 0x%02x is not UTF-8 text (nor is a NUL byte); save the file "
                            "as UTF-8",
                            (unsigned)(unsigned char)text[bad]);
    }
    const parley_allocator *alloc = opt ? opt->alloc : NULL;
    kt_csv *cs = parleyx_calloc(alloc, 1, sizeof *cs);
    char *scr = parleyx_malloc(alloc, len + 2);
    if (!cs || !scr) {
        parleyx_free(alloc, cs, sizeof *cs);
        parleyx_free(alloc, scr, len + 2);
        return parleyx_fail(err, PARLEY_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    cs->name = name ? name : "";
    cs->p = text;
    cs->end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        cs->p += 3; /* UTF-8 byte order mark */
    cs->scr = scr;
    st = kt_csv_parse(cs, alloc, out, err);
    parleyx_free(alloc, scr, len + 2);
    parleyx_free(alloc, cs, sizeof *cs);
    return st;
}

typedef parley_status (*kt_text_reader)(const char *text, size_t len, const char *name,
                                       const parley_load_options *opt,
                                       parley_forecast_input **out, parley_error *err);

/* Read the file at path with read (the CSV or the XML reader). */
static parley_status kt_read_file(const char *path, const parley_load_options *opt,
                                  parley_forecast_input **out, parley_error *err,
                                  kt_text_reader read)
{
    if (!path || !out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no path or no output pointer");
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    const parley_allocator *alloc = opt ? opt->alloc : NULL;
    parley_status st =
        parleyx_read_file(alloc, path, opt ? opt->max_file_bytes : 0, &text, &len, err);
    if (st != PARLEY_OK)
        return st;
    st = read(text, len, path, opt, out, err);
    parleyx_free(alloc, text, len + 1);
    return st;
}

parley_status parley_ktab_read_csv(const char *path, const parley_load_options *opt,
                                   parley_forecast_input **out, parley_error *err)
{
    return kt_read_file(path, opt, out, err, parley_ktab_read_csv_text);
}

/* ------------------------------------------------------------------ XML */

static xmlNode *kx_child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

static xmlNode *kx_next(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->next : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

static unsigned kx_line(xmlNode *n)
{
    long l = n ? xmlGetLineNo(n) : 0;
    return l > 0 ? (unsigned)l : 0;
}

/* The trimmed text of n into buf (n bytes); false if it does not fit. */
static bool kx_text(xmlNode *n, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!n)
        return true;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return true;
    const char *s = (const char *)t, *e = s + strlen(s);
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    bool ok = (size_t)(e - s) < cap;
    if (ok) {
        memcpy(buf, s, (size_t)(e - s));
        buf[e - s] = '\0';
    }
    xmlFree(t);
    return ok;
}

typedef struct kx_ctx {
    const char *file;
    parley_error *err;
    char buf[PARLEY_MAX_NAME + 1];
} kx_ctx;

static parley_status kx_req_text(kx_ctx *x, xmlNode *parent, const char *name, xmlNode **node)
{
    xmlNode *n = kx_child(parent, name);
    *node = n;
    if (!n)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(parent), 0,
                            "<%s> lacks the element <%s>", (const char *)parent->name, name);
    if (!kx_text(n, x->buf, sizeof x->buf))
        return parleyx_fail(x->err, PARLEY_ERR_LIMIT, x->file, kx_line(n), 0,
                            "<%s> is longer than %d bytes", name, PARLEY_MAX_NAME);
    return PARLEY_OK;
}

static parley_status kx_num(kx_ctx *x, xmlNode *n, const char *what, double *out)
{
    if (!kx_text(n, x->buf, sizeof x->buf))
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(n), 0,
                            "expected a number in <%s> (%s), found a long text",
                            (const char *)n->name, what);
    if (!x->buf[0])
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(n), 0,
                            "expected a number in <%s> (%s), found no text; write the value "
                            "(KTAB refuses an empty <%s> too)",
                            (const char *)n->name, what, (const char *)n->name);
    if (!parleyx_parse_double(x->buf, out))
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(n), 0,
                            "expected a number in <%s> (%s), found '%s', which %s",
                            (const char *)n->name, what, x->buf, parleyx_double_problem(x->buf));
    return PARLEY_OK;
}

static parley_status kx_enum(kx_ctx *x, xmlNode *mp, const char *name, const char *const *names,
                             size_t n, int *out)
{
    xmlNode *e = kx_child(mp, name);
    if (!e)
        return PARLEY_OK;
    kx_text(e, x->buf, sizeof x->buf);
    for (size_t i = 0; i < n; i++)
        if (strcmp(x->buf, names[i]) == 0) {
            *out = (int)i;
            return PARLEY_OK;
        }
    const char *close = parleyx_closest(x->buf, names, n);
    return parleyx_fail(x->err, PARLEY_ERR_INVALID, x->file, kx_line(e), 0,
                        "unknown %s '%s'%s%s%s", name, x->buf, close ? "; did you mean '" : "",
                        close ? close : "", close ? "'?" : "");
}

static parley_status kx_params(kx_ctx *x, xmlNode *mp, parley_smp_params *p)
{
    static const char *const vpm[] = {"Linear", "Square", "Quartic", "Octic", "Binary"};
    static const char *const pce[] = {"Conditional", "MarkovIncentive", "MarkovUniform"};
    static const char *const stm[] = {"Deterministic", "Stochastic"};
    static const char *const vr[] = {"Binary", "PropBin", "Proportional", "PropCbc", "Cubic",
                                     "ASymProsp"};
    static const char *const ra[] = {"Full", "TwoThirds", "Half", "OneThird", "No"};
    static const char *const rr[] = {"Min", "Mid", "Max"};
    static const char *const tp[] = {"NoCommit", "SemiCommit", "FullCommit"};
    static const char *const ivb[] = {"S1P1", "S2P2", "S2PMax"};
    static const char *const bm[] = {"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"};
    int v;
    parley_status st;
#define KX_ENUM(tag, arr, field, type)                                                             \
    v = (int)p->field;                                                                             \
    if ((st = kx_enum(x, mp, tag, arr, sizeof arr / sizeof arr[0], &v)) != PARLEY_OK)             \
        return st;                                                                                 \
    p->field = (type)v;
    KX_ENUM("VictoryProbModel", vpm, victory, parley_smp_vpmodel)
    KX_ENUM("PCEModel", pce, pce, parley_smp_pce)
    KX_ENUM("StateTransitions", stm, transitions, parley_smp_transitions)
    KX_ENUM("VotingRule", vr, voting, parley_smp_voting)
    KX_ENUM("BigRAdjust", ra, radjust, parley_smp_radjust)
    KX_ENUM("BigRRange", rr, rrange, parley_smp_rrange)
    KX_ENUM("ThirdPartyCommit", tp, thirdparty, parley_smp_thirdparty)
    KX_ENUM("InterVecBrgn", ivb, interp, parley_smp_interp)
    KX_ENUM("BargnModel", bm, bargain, parley_smp_bargain)
#undef KX_ENUM
    return PARLEY_OK;
}

/* <Dimensions>: one dimension of in per <dName>, on [0, 100]. */
static parley_status kx_dimensions(kx_ctx *x, xmlNode *root, parley_forecast_input *in,
                                   size_t *nd)
{
    xmlNode *dims = kx_child(root, "Dimensions");
    if (!dims)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(root), 0,
                            "<Scenario> lacks <Dimensions> with one <dName> per dimension");
    for (xmlNode *d = kx_child(dims, "dName"); d; d = kx_next(d, "dName")) {
        if (!kx_text(d, x->buf, sizeof x->buf) || !x->buf[0])
            return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(d), 0,
                                "a <dName> is empty or too long; give each dimension a name");
        parley_status st = parley_forecast_add_dimension(in, x->buf, 0, 100, x->err);
        if (st != PARLEY_OK)
            return kt_at(x->err, st, x->file, kx_line(d), 0);
        (*nd)++;
    }
    if (!*nd)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(dims), 0,
                            "<Dimensions> has no <dName>");
    return PARLEY_OK;
}

/* An actor's <Position>: one <dCoord> per dimension, in [0, 100]. */
static parley_status kx_positions(kx_ctx *x, xmlNode *pe, const char *aname, size_t nd,
                                  double *pos)
{
    parley_status st;
    size_t k = 0;
    for (xmlNode *e = kx_child(pe, "dCoord"); e; e = kx_next(e, "dCoord"), k++) {
        if (k >= nd)
            continue;
        if ((st = kx_num(x, e, "a position", &pos[k])) != PARLEY_OK)
            return st;
    }
    if (k != nd)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(pe), 0,
                            "actor '%s': expected %zu <dCoord> (one per dimension)", aname, nd);
    return PARLEY_OK;
}

/* An actor's <Salience>: one <dSal> per dimension, in [0, 100], summing to
 * at most 100; kept as fractions. */
static parley_status kx_saliences(kx_ctx *x, xmlNode *se, const char *aname, size_t nd,
                                  double *sal)
{
    parley_status st;
    size_t k = 0;
    double ssum = 0;
    for (xmlNode *e = kx_child(se, "dSal"); e; e = kx_next(e, "dSal"), k++) {
        if (k >= nd)
            continue;
        double s;
        if ((st = kx_num(x, e, "a salience", &s)) != PARLEY_OK)
            return st;
        if (s < 0 || s > 100)
            return parleyx_fail(x->err, PARLEY_ERR_INVALID, x->file, kx_line(e), 0,
                                "a salience must lie in [0, 100], found %g", s);
        ssum = ssum + s;
        sal[k] = s / 100.0;
    }
    if (k != nd)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(se), 0,
                            "actor '%s': expected %zu <dSal> (one per dimension)", aname, nd);
    if (ssum > 100)
        return parleyx_fail(x->err, PARLEY_ERR_INVALID, x->file, kx_line(se), 0,
                            "actor '%s': the saliences must sum to at most 100", aname);
    return PARLEY_OK;
}

/* One <Actor>: name, description, capability, position and salience per
 * dimension (pos, sal: nd scratch values). */
static parley_status kx_actor(kx_ctx *x, xmlNode *ac, parley_forecast_input *in, size_t nd,
                              double *pos, double *sal)
{
    char aname[PARLEY_MAX_NAME + 1], adesc[PARLEY_MAX_NAME + 1];
    xmlNode *n;
    parley_status st;
    if ((st = kx_req_text(x, ac, "name", &n)) != PARLEY_OK)
        return st;
    snprintf(aname, sizeof aname, "%s", x->buf);
    kx_text(kx_child(ac, "description"), adesc, sizeof adesc);
    double c;
    if ((st = kx_req_text(x, ac, "capability", &n)) != PARLEY_OK ||
        (st = kx_num(x, n, "the capability", &c)) != PARLEY_OK)
        return st;
    if (!(c > 0) || c > 1e8)
        return parleyx_fail(x->err, PARLEY_ERR_INVALID, x->file, kx_line(n), 0,
                            "the capability of '%s' must lie in (0, 1e8]", aname);
    xmlNode *pe = kx_child(ac, "Position"), *se = kx_child(ac, "Salience");
    if (!pe || !se)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(ac), 0,
                            "actor '%s' lacks <%s>", aname, pe ? "Salience" : "Position");
    if ((st = kx_positions(x, pe, aname, nd, pos)) != PARLEY_OK ||
        (st = kx_saliences(x, se, aname, nd, sal)) != PARLEY_OK)
        return st;
    for (size_t d = 0; d < nd; d++)
        if (pos[d] < 0 || pos[d] > 100)
            return parleyx_fail(x->err, PARLEY_ERR_INVALID, x->file, kx_line(pe), 0,
                                "actor '%s': a position must lie in [0, 100], found %g", aname,
                                pos[d]);
    st = parley_forecast_add_actor(in, aname, adesc, c, pos, sal, x->err);
    if (st != PARLEY_OK)
        return kt_at(x->err, st, x->file, kx_line(ac), 0);
    return PARLEY_OK;
}

/* <Actors>: at least two <Actor>. */
static parley_status kx_actors(kx_ctx *x, xmlNode *root, parley_forecast_input *in, size_t nd,
                               double *pos, double *sal)
{
    xmlNode *acts = kx_child(root, "Actors");
    if (!acts)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(root), 0,
                            "<Scenario> lacks <Actors>");
    for (xmlNode *ac = kx_child(acts, "Actor"); ac; ac = kx_next(ac, "Actor")) {
        parley_status st = kx_actor(x, ac, in, nd, pos, sal);
        if (st != PARLEY_OK)
            return st;
    }
    if (in->na < 2)
        return parleyx_fail(x->err, PARLEY_ERR_INVALID, x->file, kx_line(acts), 0,
                            "<Actors> needs at least 2 <Actor>");
    return PARLEY_OK;
}

/* The actor named by the text of <tag> in pair p (its index in *idx). */
static parley_status kx_actor_named(kx_ctx *x, xmlNode *p, const char *tag,
                                    const parley_forecast_input *in, size_t *idx)
{
    xmlNode *n;
    parley_status st = kx_req_text(x, p, tag, &n);
    if (st != PARLEY_OK)
        return st;
    for (size_t k = 0; k < in->na; k++)
        if (strcmp(in->aname[k], x->buf) == 0) {
            *idx = k;
            return PARLEY_OK;
        }
    const char *close = parleyx_closest(x->buf, (const char *const *)in->aname, in->na);
    return parleyx_fail(x->err, PARLEY_ERR_INVALID, x->file, kx_line(n), 0,
                        "<%s> names no actor: '%s'%s%s%s", tag, x->buf,
                        close ? "; did you mean '" : "", close ? close : "", close ? "'?" : "");
}

/* <IdealAdjustment>: the accommodation of each <iaPair>. */
static parley_status kx_accommodations(kx_ctx *x, xmlNode *root, parley_forecast_input *in)
{
    xmlNode *ia = kx_child(root, "IdealAdjustment");
    for (xmlNode *p = kx_child(ia, "iaPair"); p; p = kx_next(p, "iaPair")) {
        size_t idx[2];
        xmlNode *n;
        double v;
        parley_status st;
        if ((st = kx_actor_named(x, p, "adjustingIdeal", in, &idx[0])) != PARLEY_OK ||
            (st = kx_actor_named(x, p, "referencePos", in, &idx[1])) != PARLEY_OK ||
            (st = kx_req_text(x, p, "adjust", &n)) != PARLEY_OK ||
            (st = kx_num(x, n, "the adjustment", &v)) != PARLEY_OK)
            return st;
        st = parley_forecast_set_accommodation(in, idx[0], idx[1], v, x->err);
        if (st != PARLEY_OK)
            return kt_at(x->err, st, x->file, kx_line(n), 0);
    }
    return PARLEY_OK;
}

/* <prngSeed>: a decimal uint64, leading zeros allowed (KTAB's stoull). */
static parley_status kx_seed(kx_ctx *x, xmlNode *n, parley_forecast_input *in)
{
    if (!n)
        return PARLEY_OK;
    kx_text(n, x->buf, sizeof x->buf);
    uint64_t v = 0;
    bool ok = x->buf[0] != '\0';
    for (const char *p = x->buf; ok && *p; p++) {
        unsigned dgt = (unsigned)(*p - '0');
        ok = dgt <= 9 && v <= (UINT64_MAX - dgt) / 10;
        v = ok ? v * 10 + dgt : v;
    }
    if (!ok)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(n), 0,
                            "expected a whole number from 0 to 18446744073709551615 in "
                            "<prngSeed>, found '%s'",
                            x->buf);
    in->seed = v;
    in->has_seed = true;
    return PARLEY_OK;
}

static parley_status kx_build(kx_ctx *x, xmlDoc *doc, const parley_allocator *a,
                              parley_forecast_input **out)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "Scenario") != 0)
        return parleyx_fail(x->err, PARLEY_ERR_SYNTAX, x->file, kx_line(root), 0,
                            "expected the root element <Scenario> (KTAB's smpSchema.xsd)");
    parley_forecast_input *in = parley_forecast_input_new(a);
    if (!in)
        return parleyx_fail(x->err, PARLEY_ERR_NOMEM, x->file, 0, 0, "out of memory");
    parley_status st;
    xmlNode *n;
    char name[PARLEY_MAX_NAME + 1];
    double *pos = NULL, *sal = NULL;
    size_t nd = 0;
    if ((st = kx_req_text(x, root, "name", &n)) != PARLEY_OK)
        goto done;
    snprintf(name, sizeof name, "%s", x->buf);
    kx_text(kx_child(root, "desc"), x->buf, sizeof x->buf);
    if ((st = parley_forecast_input_set_name(in, name, x->buf)) != PARLEY_OK) {
        st = parleyx_fail(x->err, st, x->file, 0, 0, "out of memory");
        goto done;
    }
    if ((st = kx_seed(x, kx_child(root, "prngSeed"), in)) != PARLEY_OK)
        goto done;
    xmlNode *mp = kx_child(root, "ModelParameters");
    if (mp) {
        if ((st = kx_params(x, mp, &in->params)) != PARLEY_OK)
            goto done;
        in->has_params = true;
    }
    if ((st = kx_dimensions(x, root, in, &nd)) != PARLEY_OK)
        goto done;
    pos = parleyx_calloc(a, nd, sizeof(double));
    sal = parleyx_calloc(a, nd, sizeof(double));
    if (!pos || !sal)
        st = parleyx_fail(x->err, PARLEY_ERR_NOMEM, x->file, 0, 0, "out of memory");
    else if ((st = kx_actors(x, root, in, nd, pos, sal)) == PARLEY_OK)
        st = kx_accommodations(x, root, in);
done:
    parleyx_free(a, pos, nd * sizeof(double));
    parleyx_free(a, sal, nd * sizeof(double));
    return kt_hand_over(in, st, out);
}

parley_status parley_ktab_read_xml_text(const char *text, size_t len, const char *name,
                                        const parley_load_options *opt,
                                        parley_forecast_input **out, parley_error *err)
{
    if (!out || !text)
        return parleyx_fail(err, PARLEY_ERR_ARG, name, 0, 0, "no text or no output pointer");
    *out = NULL;
    parley_status st = kt_check_size(len, name, opt, err);
    if (st != PARLEY_OK)
        return st;
    xf_error xe;
    xmlDoc *doc = xf_parse(text, len, NULL, &xe);
    if (!doc && xe.entity)
        return parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, name,
                            xe.entity_line > 0 ? (unsigned)xe.entity_line : 0, 0,
                            "the document declares entities; KTAB files never do, and parley "
                            "does not expand them");
    if (!doc && !xe.have)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, name, 0, 0, "out of memory");
    if (!doc)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, name, xe.line > 0 ? (unsigned)xe.line : 0,
                            xe.col > 0 ? (unsigned)xe.col : 0, "XML: %s", xe.msg);
    kx_ctx x;
    x.file = name ? name : "";
    x.err = err;
    st = kx_build(&x, doc, opt ? opt->alloc : NULL, out);
    xmlFreeDoc(doc);
    return st;
}

parley_status parley_ktab_read_xml(const char *path, const parley_load_options *opt,
                                   parley_forecast_input **out, parley_error *err)
{
    return kt_read_file(path, opt, out, err, parley_ktab_read_xml_text);
}
