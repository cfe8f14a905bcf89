/*
 * genius_write.c -- a scenario written as a GENIUS 10.4 folder: one domain
 * file (<negotiation_template>) and one additive profile (<utility_space>)
 * per negotiator, as genius_domain.c and genius_profile.c read them (and
 * GENIUS's DomainImpl and AdditiveUtilitySpace load them).  Also the parts
 * both folder writers share (genius_io.h, gx_plan and gx_folder_*):
 * which parties are written, their file names, the notes on what the
 * format cannot hold, and the atomic writing of a folder.
 *
 * What is written as is: discrete issues and their tables; integer issues
 * of step 1 whose every written evaluator is linear with an integral
 * origin (GENIUS's EvaluatorInteger: offset + slope * (x - lowerbound of
 * the profile's issue)) or constant; real issues whose every written
 * evaluator is linear with origin 0 (p0 + p1 x), constant or triangular.
 * Weights, reservation values and discount factors as they are (numbers
 * written shortest, so each reads back to the same double).  A table whose
 * largest evaluation is not 1 gets one more <item> (value
 * GX_SCALE_ITEM, evaluation 1), which GENIUS counts in the maximum it
 * divides by (genius_profile.c): the evaluations read back unchanged.
 *
 * What changes, with a note: any other numeric issue (a step other than 1,
 * a piecewise evaluator, a linear one with another origin...) is written
 * as a discrete issue whose values are its numbers, each party's table
 * holding its evaluation of each (so every utility is the same double); a
 * real issue's grid other than GENIUS's 21 is not kept (read back with
 * --grid); a folder lists profiles in file-name order, so parties whose
 * names are out of order come back reordered (read back with --profiles);
 * a name that is not a safe file name is written under one (read back with
 * --name).  What is dropped, with a note: red lines, ratifiers,
 * mediators and negotiators without preferences, capabilities, positions
 * and saliences, descriptions.
 *
 * A party with interaction terms (include/parley/core.h) is written as a
 * GENIUS nonlinear profile when that is exact: no linear part (every
 * weight 0) and every term's condition a conjunction of ranges over
 * integer issues written as GENIUS integer issues (or `not` of one, an
 * EXCLUDES rectangle, or `true`): one <hyperRectangle utility=value> per
 * term, in order, and maxutility = the divisor, so GENIUS's
 * min(1, F / maxutility) is parley's utility bit for bit (GENIUS does not
 * clamp below 0).  Anything else is refused, naming the party and term:
 * the native format holds it.
 *
 * Memory: the texts and notes are built in px_bufs on the scenario's
 * allocator and freed before returning; *notes is handed to the caller
 * (parley_text_free).
 */
#include "io/genius_io.h"
#include "model/model.h"
#include "model/rule.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------- the plan */

void gx_plan_free(gx_plan *p)
{
    if (!p->sc)
        return;
    const parley_allocator *a = p->sc->alloc;
    size_t n = p->sc->nparties + 1;
    parleyx_buf_free(&p->notes);
    for (size_t j = 0; p->out && j < n; j++)
        parleyx_buf_free(&p->out[j]);
    parleyx_free(a, p->out, n * sizeof *p->out);
    parleyx_free(a, p->party, n * sizeof *p->party);
    parleyx_free(a, p->file, n * sizeof *p->file);
    p->sc = NULL;
}

/* A file name from s, with ext, into out (cap bytes): s itself unless it
 * holds a character file systems refuse or treat apart ('/', '\\', ':',
 * '*', '?', '"', '<', '>', '|', a control character, a leading '.' or
 * blank), each of which becomes '_'.  UTF-8 is kept. */
static void gx_safe_name(const char *s, const char *ext, char *out, size_t cap)
{
    size_t n = 0, e = strlen(ext);
    for (; *s && n + e + 1 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        bool bad = ch < 0x20 || ch == 0x7f || strchr("/\\:*?\"<>|", ch) ||
                   (!n && (ch == '.' || ch == ' '));
        out[n++] = bad ? '_' : (char)ch;
    }
    if (!n)
        out[n++] = '_';
    memcpy(out + n, ext, e + 1);
}

/* A note line on p ("what: why"). */
void gx_note(gx_plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    parleyx_buf_vprintf(&p->notes, fmt, ap);
    va_end(ap);
    parleyx_buf_puts(&p->notes, "\n");
}

/* The parties written and what is dropped from the others. */
static void gx_plan_parties(gx_plan *p)
{
    const parley_scenario *sc = p->sc;
    for (size_t k = 0; k < sc->nparties; k++) {
        const pm_party *pa = &sc->parties[k];
        if (pa->role == PARLEY_ROLE_NEGOTIATOR && pa->has_utility)
            p->party[p->np++] = k;
        else
            gx_note(p, "party '%s' is not written: %s", pa->name,
                    pa->role != PARLEY_ROLE_NEGOTIATOR
                        ? (pa->role == PARLEY_ROLE_RATIFIER
                               ? "the format has negotiators only (no ratifiers)"
                               : "the format has negotiators only (no mediators)")
                        : "it has no preferences");
        for (size_t r = 0; r < pa->nredlines; r++)
            gx_note(p, "red line %s:%s is not written: the format has no red lines", pa->name,
                    pa->redlines[r].name);
        bool pos = false;
        for (size_t i = 0; i < sc->nissues; i++)
            pos = pos || !isnan(pa->position[i]) || !isnan(pa->salience[i]);
        if (pa->has_capability || pos)
            gx_note(p, "party '%s': its capability, positions and saliences are not written",
                    pa->name);
        if (pa->description && pa->description[0])
            gx_note(p, "party '%s': its description is not written", pa->name);
    }
}

/* File names: the domain's from the scenario's name, each party's from
 * its own (or lettered: lettered + "A", "B", ...); unique, with notes when
 * a name changes or the order will. */
static parley_status gx_plan_files(gx_plan *p, const char *ext, const char *lettered,
                                   parley_error *err)
{
    const parley_scenario *sc = p->sc;
    const char *nm = sc->name && sc->name[0] ? sc->name : "domain";
    gx_safe_name(nm, ext, p->file[0].s, sizeof p->file[0].s);
    if (lettered && p->np > 26)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "%zu negotiators with preferences: profiles are lettered %sA to %sZ "
                            "(26 at most)",
                            p->np, lettered, lettered);
    for (size_t j = 0; j < p->np; j++) {
        const char *pn = sc->parties[p->party[j]].name;
        char *f = p->file[j + 1].s;
        if (lettered)
            snprintf(f, sizeof p->file[j + 1].s, "%.8s%c%s", lettered, (char)('A' + j), ext);
        else
            gx_safe_name(pn, ext, f, sizeof p->file[j + 1].s);
        for (size_t q = 0; q <= j; q++)
            if (strcmp(p->file[q].s, f) == 0)
                return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                                    "party '%s' and %s '%s' would both be written to %s; "
                                    "rename one",
                                    pn, q ? "party" : "the scenario",
                                    q ? sc->parties[p->party[q - 1]].name : nm, f);
        if (strncmp(f, pn, strlen(pn)) != 0 || strcmp(f + strlen(pn), ext) != 0)
            gx_note(p, "party '%s' is written to %s (%s); read it back with --name '%s=%s'", pn, f,
                    lettered ? "its file name in this form" : "a safe file name", f, pn);
    }
    if (strncmp(p->file[0].s, nm, strlen(nm)) != 0 || strcmp(p->file[0].s + strlen(nm), ext))
        gx_note(p, "the scenario '%s' is written as the domain %s, and so named when read back", nm,
                p->file[0].s);
    bool sorted = true;
    for (size_t j = 1; j < p->np; j++)
        sorted = sorted && strcmp(p->file[j].s, p->file[j + 1].s) < 0;
    if (!sorted) {
        parleyx_buf_puts(&p->notes, "a folder lists its profiles in file-name order; read it "
                                    "back with --profiles '");
        for (size_t j = 0; j < p->np; j++)
            parleyx_buf_printf(&p->notes, "%s%s", j ? "," : "", p->file[j + 1].s);
        gx_note(p, "' to keep the parties' order");
    }
    return PARLEY_OK;
}

parley_status gx_plan_make(gx_plan *p, const parley_scenario *sc, const char *ext,
                           const char *lettered, parley_error *err)
{
    memset(p, 0, sizeof *p);
    if (!sc || !sc->final)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "the scenario must be finalized before it is written");
    p->sc = sc;
    size_t n = sc->nparties + 1;
    parleyx_buf_init(&p->notes, sc->alloc, 0);
    p->party = parleyx_calloc(sc->alloc, n, sizeof *p->party);
    p->file = parleyx_calloc(sc->alloc, n, sizeof *p->file);
    p->out = parleyx_calloc(sc->alloc, n, sizeof *p->out);
    if (!p->party || !p->file || !p->out || !parleyx_text_begin(&p->notes))
        return parleyx_fail(err, PARLEY_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t j = 0; j < n; j++)
        parleyx_buf_init(&p->out[j], sc->alloc, 0);
    gx_plan_parties(p);
    if (!p->np)
        return parleyx_fail(err, PARLEY_ERR_INVALID, NULL, 0, 0,
                            "no negotiator with preferences to write a profile for");
    if (sc->description && sc->description[0])
        gx_note(p, "the scenario's description is not written");
    for (size_t i = 0; i < sc->nissues; i++)
        if (sc->issues[i].description && sc->issues[i].description[0])
            gx_note(p, "issue '%s': its description is not written", sc->issues[i].name);
    return gx_plan_files(p, ext, lettered, err);
}

/* ------------------------------------------------------ writing a folder */

/* Remove the files named in texts from tmp, then tmp. */
static void gx_folder_clean(const char *tmp, const gx_plan *p)
{
    char path[4096 + sizeof(gx_fname) + 8];
    for (size_t j = 0; j <= p->np; j++) {
        snprintf(path, sizeof path, "%s/%s", tmp, p->file[j].s);
        unlink(path);
    }
    rmdir(tmp);
}

/* Write p's files into a new folder beside dir, then rename it to dir. */
static parley_status gx_folder_write(const char *dir, const gx_plan *p, parley_error *err)
{
    static atomic_uint counter;
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return parleyx_fail(err, PARLEY_ERR_IO, dir, 0, 0,
                                "exists and is not a folder; name a new folder for the output");
        if (rmdir(dir) != 0) /* only an empty folder is replaced */
            return parleyx_fail(err, PARLEY_ERR_IO, dir, 0, 0,
                                "the folder exists and is not empty; name a new or empty folder "
                                "(nothing in it is replaced)");
    }
    char tmp[4096];
    int w = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", dir, (long)getpid(),
                     atomic_fetch_add(&counter, 1u));
    if (w < 0 || (size_t)w + 200 >= sizeof tmp)
        return parleyx_fail(err, PARLEY_ERR_IO, dir, 0, 0, "the output path is too long");
    if (mkdir(tmp, 0777) != 0)
        return parleyx_fail(err, PARLEY_ERR_IO, dir, 0, 0, "cannot create a folder beside it: %s",
                            strerror(errno));
    parley_status st = PARLEY_OK;
    for (size_t j = 0; j <= p->np && !st; j++) {
        char path[4096 + sizeof(gx_fname) + 8];
        snprintf(path, sizeof path, "%s/%s", tmp, p->file[j].s);
        st = parley_write_file_atomic(path, p->out[j].data ? p->out[j].data : "", p->out[j].len,
                                      err);
    }
    if (!st && rename(tmp, dir) != 0)
        st = parleyx_fail(err, PARLEY_ERR_IO, dir, 0, 0, "cannot write the folder: %s",
                          strerror(errno));
    if (st)
        gx_folder_clean(tmp, p);
    return st;
}

parley_status gx_finish(gx_plan *p, const char *dir, char **notes, parley_status st,
                        parley_error *err)
{
    for (size_t j = 0; !st && j <= p->np; j++)
        if (p->out[j].failed)
            st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (!st && p->notes.failed)
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
    if (!st)
        st = gx_folder_write(dir, p, err);
    if (!st && notes && !parleyx_text_finish(&p->notes, notes, NULL))
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0,
                          "out of memory (the folder was written)");
    gx_plan_free(p);
    return st;
}

/* ----------------------------------------------------------- GENIUS XML */

/* The item value GENIUS counts in a table's maximum, beside the domain's
 * values, so that evaluations whose largest is not 1 read back as they
 * are (see the top of the file). */
#define GX_SCALE_ITEM "parley-scale-1"

/* s as an XML attribute value: markup, quotes and blanks other than the
 * space as references (a parser would fold a raw tab or newline). */
static void gx_xml_attr(px_buf *b, const char *s)
{
    static const char special[] = "&<>\"\t\n\r";
    static const char *const ref[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#9;", "&#10;", "&#13;"};
    for (; *s; s++) {
        const char *k = strchr(special, *s);
        if (k)
            parleyx_buf_puts(b, ref[k - special]);
        else
            parleyx_buf_add(b, s, 1);
    }
}

/* name="value" with a number written shortest. */
static void gx_xml_num(px_buf *b, const char *name, double v)
{
    char t[40];
    parleyx_buf_printf(b, " %s=\"%s\"", name, parleyx_fmt_double(v, t, sizeof t));
}

/* Whether issue i is written as GENIUS writes its kind (else as a discrete
 * issue of its values): see the top of the file. */
static bool gx_native(const gx_plan *p, size_t i)
{
    const pm_issue *is = &p->sc->issues[i];
    if (is->kind == PARLEY_ISSUE_DISCRETE)
        return true;
    if (is->kind == PARLEY_ISSUE_INTEGER && is->istep != 1)
        return false;
    if (is->kind == PARLEY_ISSUE_REAL && is->grid != PARLEY_DEFAULT_REAL_GRID)
        return false;
    for (size_t j = 0; j < p->np; j++) {
        const pm_eval *ev = &p->sc->parties[p->party[j]].evals[i];
        bool ok = ev->kind == PARLEY_EVAL_NONE || ev->kind == PARLEY_EVAL_CONSTANT;
        if (is->kind == PARLEY_ISSUE_INTEGER)
            ok = ok ||
                 (ev->kind == PARLEY_EVAL_LINEAR && ev->c == floor(ev->c) && fabs(ev->c) < 9e15);
        else
            ok = ok || (ev->kind == PARLEY_EVAL_LINEAR && ev->c == 0.0) ||
                 ev->kind == PARLEY_EVAL_TRIANGULAR;
        if (!ok)
            return false;
    }
    return true;
}

/* The opening tag of issue i (index i + 1), as the domain and profiles
 * write it; lb is the integer origin (a profile's lowerbound). */
static void gx_issue_open(px_buf *b, const pm_issue *is, size_t i, bool native, double lb)
{
    const char *k = !native || is->kind == PARLEY_ISSUE_DISCRETE ? "discrete"
                    : is->kind == PARLEY_ISSUE_INTEGER           ? "integer"
                                                                 : "real";
    parleyx_buf_printf(b, "    <issue index=\"%zu\" name=\"", i + 1);
    gx_xml_attr(b, is->name);
    parleyx_buf_puts(b, "\"");
    if (native && is->kind == PARLEY_ISSUE_INTEGER)
        parleyx_buf_printf(b, " lowerbound=\"%.0f\" upperbound=\"%" PRId64 "\"", lb, is->ihi);
    parleyx_buf_printf(b, " vtype=\"%s\" type=\"%s\" etype=\"%s\">\n", k, k, k);
    if (native && is->kind == PARLEY_ISSUE_REAL) {
        parleyx_buf_puts(b, "      <range");
        gx_xml_num(b, "lowerbound", is->rlo);
        gx_xml_num(b, "upperbound", is->rhi);
        parleyx_buf_puts(b, "/>\n");
    }
}

static void gx_write_domain(gx_plan *p, const bool *native)
{
    const parley_scenario *sc = p->sc;
    px_buf *b = &p->out[0];
    parleyx_buf_printf(b,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<negotiation_template>\n"
                       "<utility_space number_of_issues=\"%zu\">\n"
                       "  <objective index=\"0\" description=\"\" name=\"root\" "
                       "type=\"objective\" etype=\"objective\">\n",
                       sc->nissues);
    for (size_t i = 0; i < sc->nissues; i++) {
        const pm_issue *is = &sc->issues[i];
        gx_issue_open(b, is, i, native[i], (double)is->ilo);
        for (size_t k = 0; !(native[i] && is->kind != PARLEY_ISSUE_DISCRETE) && k < is->nvalues;
             k++) {
            char lab[PARLEY_MAX_NAME + 1];
            parleyx_buf_printf(b, "      <item index=\"%zu\" value=\"", k + 1);
            gx_xml_attr(b, parley_issue_value_label(sc, i, k, lab, sizeof lab));
            parleyx_buf_puts(b, "\"/>\n");
        }
        parleyx_buf_puts(b, "    </issue>\n");
    }
    parleyx_buf_puts(b, "  </objective>\n</utility_space>\n</negotiation_template>\n");
}

/* Party k's evaluator of issue i, inside its <issue>. */
static void gx_write_eval(px_buf *b, const gx_plan *p, size_t k, size_t i, bool native)
{
    const parley_scenario *sc = p->sc;
    const pm_issue *is = &sc->issues[i];
    const pm_eval *ev = &sc->parties[k].evals[i];
    if (!native || is->kind == PARLEY_ISSUE_DISCRETE) {
        double mx = 0;
        char lab[PARLEY_MAX_NAME + 1];
        for (size_t v = 0; v < is->nvalues; v++) {
            double e = pm_eval_at(ev, is, v);
            mx = e > mx ? e : mx;
            parleyx_buf_printf(b, "      <item index=\"%zu\" value=\"", v + 1);
            gx_xml_attr(b, parley_issue_value_label(sc, i, v, lab, sizeof lab));
            parleyx_buf_puts(b, "\"");
            gx_xml_num(b, "evaluation", e);
            parleyx_buf_puts(b, "/>\n");
        }
        if (mx != 1.0 && mx != 0.0)
            parleyx_buf_printf(
                b, "      <item index=\"%zu\" value=\"" GX_SCALE_ITEM "\" evaluation=\"1\"/>\n",
                is->nvalues + 1);
        return;
    }
    parleyx_buf_puts(b, "      <evaluator ftype=\"");
    if (is->kind == PARLEY_ISSUE_INTEGER) {
        bool lin = ev->kind == PARLEY_EVAL_LINEAR;
        parleyx_buf_puts(b, "linear\"");
        gx_xml_num(b, "slope", lin ? ev->b : 0.0);
        gx_xml_num(b, "offset", ev->a);
    } else if (ev->kind == PARLEY_EVAL_TRIANGULAR) {
        parleyx_buf_puts(b, "triangular\"");
        gx_xml_num(b, "parameter0", ev->a);
        gx_xml_num(b, "parameter1", ev->c);
        gx_xml_num(b, "parameter2", ev->b);
    } else if (ev->kind == PARLEY_EVAL_CONSTANT) {
        parleyx_buf_puts(b, "constant\"");
        gx_xml_num(b, "parameter0", ev->a);
    } else {
        parleyx_buf_puts(b, "linear\"");
        gx_xml_num(b, "parameter0", ev->a);
        gx_xml_num(b, "parameter1", ev->b);
    }
    parleyx_buf_puts(b, "/>\n");
}

static void gx_write_profile(gx_plan *p, size_t j, const bool *native)
{
    const parley_scenario *sc = p->sc;
    size_t k = p->party[j];
    const pm_party *pa = &sc->parties[k];
    px_buf *b = &p->out[j + 1];
    parleyx_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<utility_space>\n"
                        "  <objective index=\"0\" description=\"\" name=\"root\" "
                        "type=\"objective\" etype=\"objective\">\n");
    for (size_t i = 0; i < sc->nissues; i++) {
        const pm_eval *ev = &pa->evals[i];
        if (ev->kind == PARLEY_EVAL_NONE)
            continue; /* no evaluator: no weight either, worth 0 as here */
        bool lin = ev->kind == PARLEY_EVAL_LINEAR;
        gx_issue_open(b, &sc->issues[i], i, native[i], lin ? ev->c : (double)sc->issues[i].ilo);
        gx_write_eval(b, p, k, i, native[i]);
        parleyx_buf_puts(b, "    </issue>\n");
    }
    for (size_t i = 0; i < sc->nissues; i++)
        if (pa->evals[i].kind != PARLEY_EVAL_NONE) {
            parleyx_buf_printf(b, "    <weight index=\"%zu\"", i + 1);
            gx_xml_num(b, "value", pa->weights[i]);
            parleyx_buf_puts(b, "/>\n");
        }
    parleyx_buf_puts(b, "  </objective>\n  <discount_factor");
    gx_xml_num(b, "value", pa->discount);
    parleyx_buf_puts(b, "/>\n  <reservation");
    gx_xml_num(b, "value", pa->reservation);
    parleyx_buf_puts(b, "/>\n</utility_space>\n");
}

/* A rectangle: per issue the range of value indexes [lo, hi] (lo > hi:
 * empty), whether it is an EXCLUDES one. */
typedef struct gx_box {
    size_t *lo, *hi;
    bool *bound;
    bool exclusive;
} gx_box;

/* Intersect the box with what rule r (an AND of issue ranges, or true)
 * accepts; false when r is not of that shape. */
static bool gx_box_of(const gx_plan *p, const bool *native, const rule *r, gx_box *bx)
{
    const parley_scenario *sc = p->sc;
    switch (r->op) {
    case RULE_TRUE:
        return true;
    case RULE_AND:
        return gx_box_of(p, native, r->a, bx) && gx_box_of(p, native, r->b, bx);
    case RULE_ISSUE_IN: {
        const pm_issue *is = &sc->issues[r->issue];
        if (is->kind != PARLEY_ISSUE_INTEGER || !native[r->issue])
            return false;
        size_t a = SIZE_MAX, b = 0, n = 0;
        for (size_t k = 0; k < is->nvalues; k++)
            if (r->bits[k / 64] >> (k % 64) & 1) {
                if (a == SIZE_MAX)
                    a = k;
                b = k;
                n++;
            }
        if (n == 0) {
            a = 1;
            b = 0;
        } else if (n != b - a + 1) {
            return false; /* not one range */
        }
        size_t i = r->issue;
        if (!bx->bound[i]) {
            bx->bound[i] = true;
            bx->lo[i] = a;
            bx->hi[i] = b;
        } else {
            bx->lo[i] = a > bx->lo[i] ? a : bx->lo[i];
            bx->hi[i] = b < bx->hi[i] ? b : bx->hi[i];
        }
        return true;
    }
    default:
        return false;
    }
}

/* Whether party k can be written as a nonlinear profile; else why, into
 * why (the first term that cannot). */
static bool gx_nonlinear_ok(const gx_plan *p, size_t k, const bool *native, char *why, size_t n)
{
    const parley_scenario *sc = p->sc;
    const pm_party *pa = &sc->parties[k];
    for (size_t i = 0; i < sc->nissues; i++)
        if (pa->weights[i] != 0.0) {
            snprintf(why, n,
                     "it has both a linear part (issue '%s' weighs %g) and interaction terms, "
                     "and a GENIUS profile is either additive or nonlinear",
                     sc->issues[i].name, pa->weights[i]);
            return false;
        }
    size_t *lo = parleyx_calloc(sc->alloc, sc->nissues ? sc->nissues : 1, sizeof(size_t));
    size_t *hi = parleyx_calloc(sc->alloc, sc->nissues ? sc->nissues : 1, sizeof(size_t));
    bool *bd = parleyx_calloc(sc->alloc, sc->nissues ? sc->nissues : 1, sizeof(bool));
    bool ok = lo && hi && bd;
    if (!ok)
        snprintf(why, n, "out of memory");
    for (size_t t = 0; ok && t < pa->nterms; t++) {
        gx_box bx = {lo, hi, bd, false};
        memset(bd, 0, sc->nissues * sizeof(bool));
        const rule *r = pa->iterms[t].rule;
        if (r->op == RULE_NOT)
            r = r->a;
        if (r->op != RULE_FALSE && !gx_box_of(p, native, r, &bx)) {
            snprintf(why, n,
                     "its interaction %zu (\"%.120s\") is not a conjunction of ranges over "
                     "integer issues (a GENIUS hyper-rectangle)",
                     t + 1, pa->iterms[t].when);
            ok = false;
        }
        for (size_t i = 0; ok && i < sc->nissues; i++)
            if (bd[i] && bx.lo[i] <= bx.hi[i] &&
                (fabs((double)sc->issues[i].ilo + (double)bx.hi[i]) > 2147483647.0 ||
                 fabs((double)sc->issues[i].ilo + (double)bx.lo[i]) > 2147483647.0)) {
                snprintf(why, n, "a bound of its interaction %zu does not fit a Java int", t + 1);
                ok = false;
            }
    }
    parleyx_free(sc->alloc, lo, (sc->nissues ? sc->nissues : 1) * sizeof(size_t));
    parleyx_free(sc->alloc, hi, (sc->nissues ? sc->nissues : 1) * sizeof(size_t));
    parleyx_free(sc->alloc, bd, (sc->nissues ? sc->nissues : 1) * sizeof(bool));
    return ok;
}

/* Party j's nonlinear profile (checked by gx_nonlinear_ok). */
static parley_status gx_write_nonlinear(gx_plan *p, size_t j, const bool *native)
{
    const parley_scenario *sc = p->sc;
    size_t k = p->party[j];
    const pm_party *pa = &sc->parties[k];
    px_buf *b = &p->out[j + 1];
    size_t ni = sc->nissues ? sc->nissues : 1;
    size_t *lo = parleyx_calloc(sc->alloc, ni, sizeof(size_t));
    size_t *hi = parleyx_calloc(sc->alloc, ni, sizeof(size_t));
    bool *bd = parleyx_calloc(sc->alloc, ni, sizeof(bool));
    if (!lo || !hi || !bd) {
        parleyx_free(sc->alloc, lo, ni * sizeof(size_t));
        parleyx_free(sc->alloc, hi, ni * sizeof(size_t));
        parleyx_free(sc->alloc, bd, ni * sizeof(bool));
        return PARLEY_ERR_NOMEM;
    }
    parleyx_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<utility_space "
                        "type=\"nonlinear\">\n  <objective index=\"0\" description=\"\" "
                        "name=\"root\" type=\"objective\" etype=\"objective\">\n");
    parleyx_buf_puts(b, "    <utility");
    gx_xml_num(b, "maxutility", pa->idiv);
    parleyx_buf_puts(b, ">\n      <ufun type=\"PlainUfun\" weight=\"1\" aggregation=\"sum\">\n");
    for (size_t t = 0; t < pa->nterms; t++) {
        const rule *r = pa->iterms[t].rule;
        bool exc = r->op == RULE_NOT;
        if (exc)
            r = r->a;
        memset(bd, 0, sc->nissues * sizeof(bool));
        gx_box bx = {lo, hi, bd, exc};
        bool never = r->op == RULE_FALSE;
        if (!never)
            (void)gx_box_of(p, native, r, &bx);
        for (size_t i = 0; i < sc->nissues; i++)
            if (bd[i] && lo[i] > hi[i])
                never = true; /* an empty range */
        if (never && !exc)
            continue; /* never holds: GENIUS would add 0 */
        if (pa->iterms[t].value == 0.0)
            continue;
        parleyx_buf_puts(b, "        <hyperRectangle");
        gx_xml_num(b, "utility", pa->iterms[t].value);
        if (never) { /* not (empty): always */
            parleyx_buf_puts(b, "/>\n");
            continue;
        }
        bool any = false;
        for (size_t i = 0; i < sc->nissues; i++)
            any = any || bd[i];
        if (!any) {
            if (exc)
                continue; /* not (true): never */
            parleyx_buf_puts(b, "/>\n");
            continue;
        }
        parleyx_buf_puts(b, ">\n");
        for (size_t i = 0; i < sc->nissues; i++)
            if (bd[i])
                parleyx_buf_printf(b,
                                   "          <%s index=\"%zu\" min=\"%" PRId64
                                   "\" max=\"%" PRId64 "\"/>\n",
                                   exc ? "EXCLUDES" : "INCLUDES", i + 1,
                                   sc->issues[i].ilo + (int64_t)lo[i],
                                   sc->issues[i].ilo + (int64_t)hi[i]);
        parleyx_buf_puts(b, "        </hyperRectangle>\n");
    }
    parleyx_buf_puts(b, "      </ufun>\n    </utility>\n  </objective>\n  <discount_factor");
    gx_xml_num(b, "value", pa->discount);
    parleyx_buf_puts(b, "/>\n  <reservation");
    gx_xml_num(b, "value", pa->reservation);
    parleyx_buf_puts(b, "/>\n</utility_space>\n");
    parleyx_free(sc->alloc, lo, ni * sizeof(size_t));
    parleyx_free(sc->alloc, hi, ni * sizeof(size_t));
    parleyx_free(sc->alloc, bd, ni * sizeof(bool));
    return PARLEY_OK;
}

/* A note for each numeric issue written as a list of values. */
void gx_note_as_discrete(gx_plan *p, size_t i, const char *why)
{
    const pm_issue *is = &p->sc->issues[i];
    gx_note(p, "issue '%s' (%s) is written as a discrete issue of its %zu values: %s", is->name,
            is->kind == PARLEY_ISSUE_INTEGER ? "integer" : "real", is->nvalues, why);
}

parley_status parley_genius_write_folder(const parley_scenario *sc, const char *dir, char **notes,
                                         parley_error *err)
{
    if (notes)
        *notes = NULL;
    if (!sc || !dir)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no scenario or no folder");
    gx_plan p;
    parley_status st = gx_plan_make(&p, sc, ".xml", NULL, err);
    bool *native = NULL;
    if (!st && !(native = parleyx_calloc(sc->alloc, sc->nissues, sizeof *native)))
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
    for (size_t i = 0; !st && i < sc->nissues; i++)
        if (!(native[i] = gx_native(&p, i)))
            gx_note_as_discrete(&p, i,
                                "GENIUS's integer issues have step 1 and linear evaluators; "
                                "its real issues 21 points and linear (from 0), triangular or "
                                "constant ones");
    for (size_t j = 0; !st && j < p.np; j++) {
        char why[400];
        if (sc->parties[p.party[j]].nterms && !gx_nonlinear_ok(&p, p.party[j], native, why,
                                                                sizeof why))
            st = parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, dir, 0, 0,
                              "party '%s' cannot be written as a GENIUS profile: %s; keep the "
                              "native format (parley convert -o FILE.yaml), which holds it",
                              sc->parties[p.party[j]].name, why);
    }
    if (!st) {
        gx_write_domain(&p, native);
        for (size_t j = 0; j < p.np && !st; j++)
            st = sc->parties[p.party[j]].nterms ? gx_write_nonlinear(&p, j, native)
                                                : (gx_write_profile(&p, j, native), PARLEY_OK);
        if (st)
            st = parleyx_fail(err, st, dir, 0, 0, "out of memory");
    }
    parleyx_free(sc->alloc, native, sc->nissues * sizeof *native);
    return gx_finish(&p, dir, notes, st, err);
}
