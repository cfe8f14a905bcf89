/*
 * genius_folder.c -- a GENIUS (or GeniusWeb) folder: its *.xml and *.json
 * files in strcmp order, each classified without a full parse -- XML by
 * the root element's name, found by skipping the prolog textually; JSON by
 * gw_classify -- then exactly one domain and the profiles, in file-name
 * order, handed to parley_genius_read_files.  The rule for what else a
 * folder may hold (docs/genius-import.md): regular files not named *.xml
 * or *.json are not looked at; an entry so named that is not a regular
 * file (a FIFO, a device, a folder, a link to nothing) is an error naming
 * it, found by stat alone (a FIFO is never opened); any other entry that
 * is not a regular file (a subfolder, a socket named README) is noted; a
 * table of numbers (GENIUS's pareto.xml), valid XML with another root, and
 * valid JSON of another shape (ANL's specials.json) are skipped, each with a note on the scenario saying why
 * (parley_scenario_note; `parley info` lists them); anything else -- an
 * empty, binary, UTF-16, BOM-prefixed JSON, broken JSON, HTML or non-XML
 * file -- is an error naming the file, never dropped (a dropped profile
 * would load the scenario with a party fewer).  A folder mixing GENIUS XML
 * and GeniusWeb JSON is refused.
 *
 * Also parley_genius_read_files, for folders and explicit files alike:
 * the load options' profile picks (only those files, in the order given)
 * and party names (FILE=NAME), checked before anything is read (a known
 * file, taken and named once, a valid name, no two parties with one name),
 * applied around gx_read_files (genius.c), with the note "K of N profiles
 * taken: ..." when some were picked.  Renaming writes the party's name in
 * the model (model.h): the scenario is final, and a GENIUS party has no
 * red lines that could name it.
 *
 * Memory: the file names are allocated with opt->alloc and freed before
 * returning; each file is read whole (gx_file_read) and freed once
 * classified.
 */
#include "io/genius_io.h"
#include "model/model.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef enum gx_fkind { GXF_SKIP = 0, GXF_DOMAIN, GXF_PROFILE, GXF_WDOMAIN, GXF_WPROFILE } gx_fkind;

static int gx_strcmp_p(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The root element's name, found by skipping the prolog textually (blanks,
 * comments, processing instructions, a DOCTYPE).  false when the text does
 * not start like XML. */
static bool gx_root_name(const char *s, size_t n, char *name, size_t cap)
{
    size_t i = gx_skip_bom(s, n);
    for (;;) {
        while (i < n && gx_blank((unsigned char)s[i]))
            i++;
        if (i >= n || s[i] != '<')
            return false;
        const char *end = NULL;
        if (i + 4 <= n && memcmp(s + i, "<!--", 4) == 0) {
            for (size_t k = i + 4; k + 3 <= n && !end; k++)
                if (memcmp(s + k, "-->", 3) == 0)
                    end = s + k + 3;
        } else if (i + 2 <= n && s[i + 1] == '?') {
            for (size_t k = i + 2; k + 2 <= n && !end; k++)
                if (s[k] == '?' && s[k + 1] == '>')
                    end = s + k + 2;
        } else if (i + 2 <= n && s[i + 1] == '!') {
            int depth = 0;
            for (size_t k = i + 2; k < n && !end; k++) {
                if (s[k] == '[')
                    depth++;
                else if (s[k] == ']')
                    depth--;
                else if (s[k] == '>' && depth <= 0)
                    end = s + k + 1;
            }
        } else {
            size_t k = i + 1, m = 0;
            while (k < n && !gx_blank((unsigned char)s[k]) && s[k] != '>' && s[k] != '/' &&
                   m + 1 < cap)
                name[m++] = s[k++];
            name[m] = '\0';
            return m > 0;
        }
        if (!end)
            return false;
        i = (size_t)(end - s);
    }
}

/* "a GENIUS domain or profile was expected here" errors: the file is in
 * the folder, has the name of one, and cannot be one. */
#define GX_EXPECTED "; a GENIUS domain or profile was expected here: fix the file, or move it " \
                    "out of the folder"

/* Only digits, signs, points, commas, exponents and blanks: GENIUS's
 * pareto.xml (the precomputed Pareto frontier, one point a line). */
static bool gx_number_table(const char *s, size_t n)
{
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '0' && c <= '9')
            digit = true;
        else if (!strchr(".,-+eE", c) && !gx_blank(c))
            return false;
    }
    return digit;
}

static parley_status gx_classify_json(const char *path, const gx_file *f, gx_fkind *kind,
                                      const char **why, parley_error *err)
{
    if (gx_skip_bom(f->data, f->size))
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 1, 1,
                            "the file starts with a byte-order mark; GeniusWeb files are plain "
                            "UTF-8 JSON: remove the first three bytes");
    unsigned line, col;
    char msg[256];
    gw_kind k = gw_classify(f->data, f->size, &line, &col, msg, sizeof msg);
    if (k == GW_BROKEN)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, line, col,
                            "not valid JSON: %s" GX_EXPECTED, msg);
    *kind = k == GW_DOMAIN ? GXF_WDOMAIN : k == GW_PROFILE ? GXF_WPROFILE : GXF_SKIP;
    if (*kind == GXF_SKIP)
        *why = "JSON that is neither a GeniusWeb domain nor a profile (as ANL's specials.json)";
    return PARLEY_OK;
}

static parley_status gx_classify_xml(const char *path, const gx_file *f, gx_fkind *kind,
                                     const char **why, parley_error *err)
{
    char root[64];
    if (!gx_root_name(f->data, f->size, root, sizeof root)) {
        if (gx_number_table(f->data, f->size)) {
            *why = "a table of numbers (GENIUS's pareto.xml, the precomputed Pareto frontier)";
            return PARLEY_OK;
        }
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 1, 1,
                            "does not start like XML (no '<' before the first text)" GX_EXPECTED);
    }
    if (strcmp(root, "negotiation_template") == 0)
        *kind = GXF_DOMAIN;
    else if (strcmp(root, "utility_space") == 0)
        *kind = GXF_PROFILE;
    else if (strcasecmp(root, "html") == 0 || strcasecmp(root, "!DOCTYPE") == 0)
        return parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 1, 1,
                            "an HTML page, not a GENIUS file (was a web page saved in place of "
                            "the file?)" GX_EXPECTED);
    else
        *why = "XML whose root is neither <negotiation_template> nor <utility_space>";
    return PARLEY_OK;
}

/* What a file of the folder is: a domain, a profile, or a file skipped
 * for a documented reason (*why).  A file that looks meant to be a domain
 * or profile and cannot be one (empty, binary, UTF-16, broken JSON, an
 * HTML page, text that is not XML) is an error naming it: dropping it
 * would quietly load the scenario with a party fewer. */
static parley_status gx_classify(const char *path, const parley_load_options *opt, gx_fkind *kind,
                                 const char **why, parley_error *err)
{
    gx_file f;
    *kind = GXF_SKIP;
    *why = NULL;
    parley_status st = gx_file_read(&f, path, opt, err);
    if (st)
        return st;
    const unsigned char *u = (const unsigned char *)f.data;
    if (f.size == 0)
        st = parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 0, 0, "the file is empty" GX_EXPECTED);
    else if (f.size >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        st = parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 1, 1,
                          "the file is UTF-16; GENIUS files are UTF-8: convert it (iconv -f "
                          "UTF-16 -t UTF-8)");
    else if (memchr(f.data, '\0', f.size))
        st = parleyx_fail(err, PARLEY_ERR_SYNTAX, path, 0, 0,
                          "the file holds binary data (a NUL byte at offset %zu)" GX_EXPECTED,
                          (size_t)((const char *)memchr(f.data, '\0', f.size) - f.data));
    else if (gx_looks_like_json(f.data, f.size))
        st = gx_classify_json(path, &f, kind, why, err);
    else
        st = gx_classify_xml(path, &f, kind, why, err);
    gx_file_free(&f);
    return st;
}

/* The folder's file names. */
typedef struct gx_listing {
    const parley_allocator *a;
    char **names;           /* "dir/file", each from a */
    const char **why;       /* [n]: why names[k] was skipped (static), or NULL */
    size_t n, cap;
} gx_listing;

static void gx_listing_free(gx_listing *l)
{
    for (size_t k = 0; k < l->n; k++)
        parleyx_strfree(l->a, l->names[k]);
    parleyx_free(l->a, l->names, l->cap * sizeof(char *));
    parleyx_free(l->a, (void *)l->why, (l->n ? l->n : 1) * sizeof(char *));
}

/* A profile's name: *.xml or *.json, compared case-insensitively. */
static bool gx_profile_name(const char *name)
{
    return gx_iends(name, ".xml") || gx_iends(name, ".json");
}

/* What a folder entry is when it is not a regular file (links followed):
 * the phrase for an error ("a FIFO, not a regular file"), *note set to
 * the phrase for a note; NULL for a regular file or a link to one.  Only
 * stat and lstat: the entry is never opened (opening a FIFO blocks). */
static const char *gx_oddity(const char *path, const char **note)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        int e = errno;
        struct stat lb;
        bool link = lstat(path, &lb) == 0 && S_ISLNK(lb.st_mode);
        *note = !link        ? "an entry that cannot be examined (stat fails)"
                : e == ELOOP ? "a link that loops"
                             : "a link to nothing";
        return *note;
    }
    const char *is = S_ISREG(sb.st_mode)    ? NULL
                     : S_ISDIR(sb.st_mode)  ? "a folder, not a regular file"
                     : S_ISFIFO(sb.st_mode) ? "a FIFO, not a regular file"
                     : S_ISSOCK(sb.st_mode) ? "a socket, not a regular file"
                     : S_ISCHR(sb.st_mode)  ? "a character device, not a regular file"
                     : S_ISBLK(sb.st_mode)  ? "a block device, not a regular file"
                                            : "a special file, not a regular file";
    *note = S_ISDIR(sb.st_mode) ? "a folder (subfolders are not read)" : is;
    return is;
}

/* The entries of dir (not hidden) that have a profile's name or are not
 * regular files, in strcmp order. */
static parley_status gx_list_folder(const char *dir, gx_listing *l, parley_error *err)
{
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--; /* "folder/" names files "folder/x.xml" */
    DIR *dh = opendir(dir);
    if (!dh)
        return parleyx_fail(err, PARLEY_ERR_IO, dir, 0, 0, "cannot open the folder: %s",
                            strerror(errno));
    parley_status st = PARLEY_OK;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        size_t len = dlen + 1 + strlen(de->d_name);
        char *full = parleyx_malloc(l->a, len + 1);
        if (!full) {
            st = PARLEY_ERR_NOMEM;
            break;
        }
        snprintf(full, len + 1, "%.*s/%s", (int)dlen, dir, de->d_name);
        const char *note;
        if (!gx_profile_name(de->d_name) && !gx_oddity(full, &note)) {
            parleyx_strfree(l->a, full); /* a README: not looked at */
            continue;
        }
        char **t = parleyx_grow(l->a, l->names, sizeof *t, &l->cap, l->n + 1, 32);
        if (!t) {
            parleyx_strfree(l->a, full);
            st = PARLEY_ERR_NOMEM;
            break;
        }
        l->names = t;
        l->names[l->n++] = full;
    }
    closedir(dh);
    if (st)
        return parleyx_fail(err, st, dir, 0, 0, "out of memory listing the folder");
    /* file-name order (strcmp on the names; same folder prefix) */
    if (l->n > 1)
        qsort(l->names, l->n, sizeof(char *), gx_strcmp_p);
    return PARLEY_OK;
}

/* Classify every entry listed: one domain, the profiles in order, one
 * format; an entry with a profile's name that is not a regular file is an
 * error, any other is noted. */
static parley_status gx_pick_files(const char *dir, gx_listing *l,
                                   const parley_load_options *opt, const char **domain,
                                   const char **profiles, size_t *np, parley_error *err)
{
    bool json = false, xml = false;
    for (size_t k = 0; k < l->n; k++) {
        const char *why, *odd = gx_oddity(l->names[k], &why);
        if (odd && gx_profile_name(gx_basename(l->names[k])))
            return parleyx_fail(err, PARLEY_ERR_IO, l->names[k], 0, 0, "is %s" GX_EXPECTED, odd);
        if (odd) {
            l->why[k] = why; /* a subfolder, a FIFO named README: noted */
            continue;
        }
        gx_fkind kind;
        parley_status st = gx_classify(l->names[k], opt, &kind, &why, err);
        if (st)
            return st;
        if (kind == GXF_PROFILE && gx_profile_unloadable(l->names[k], opt, &why))
            kind = GXF_SKIP;
        l->why[k] = why;
        if (kind == GXF_DOMAIN || kind == GXF_WDOMAIN) {
            if (*domain)
                return parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                                    "the folder holds two domains, %s and %s; keep one domain "
                                    "per folder, or give the files explicitly",
                                    gx_basename(*domain), gx_basename(l->names[k]));
            *domain = l->names[k];
        } else if (kind == GXF_PROFILE || kind == GXF_WPROFILE)
            profiles[(*np)++] = l->names[k];
        if (kind == GXF_DOMAIN || kind == GXF_PROFILE)
            xml = true;
        if (kind == GXF_WDOMAIN || kind == GXF_WPROFILE)
            json = true;
    }
    if (!*domain)
        return parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                            "no GENIUS domain in the folder: no .xml file has the root "
                            "<negotiation_template> (nor a GeniusWeb .json domain)");
    if (*np == 0)
        return parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                            "no profile in the folder: no .xml file has the root <utility_space> "
                            "(nor a GeniusWeb .json profile)");
    if (json && xml)
        return parleyx_fail(err, PARLEY_ERR_INVALID, dir, 0, 0,
                            "the folder mixes GENIUS XML and GeniusWeb JSON files; keep one "
                            "format per folder");
    return PARLEY_OK;
}

/* A note on the scenario for each file the folder held and did not use. */
static parley_status gx_note_skipped(const gx_listing *l, parley_scenario *sc)
{
    for (size_t k = 0; k < l->n; k++) {
        if (!l->why[k])
            continue;
        char note[PARLEY_MAX_NAME + 256];
        snprintf(note, sizeof note, "%s: skipped, %s", gx_basename(l->names[k]), l->why[k]);
        parley_status st = parley_scenario_add_note(sc, note);
        if (st == PARLEY_ERR_LIMIT)
            return PARLEY_OK; /* the first notes are enough */
        if (st)
            return st;
    }
    return PARLEY_OK;
}

/* ------------------------------------------- picking and naming profiles */

/* file names profile path p: its base name, or the base name without
 * .xml/.json (the party's default name). */
static bool gx_file_names(const char *file, const char *p)
{
    const char *b = gx_basename(p);
    if (strcmp(file, b) == 0)
        return true;
    size_t n = strlen(b), m = strlen(file);
    size_t ext = gx_iends(b, ".xml") ? 4 : gx_iends(b, ".json") ? 5 : 0;
    return ext && m == n - ext && strncmp(file, b, m) == 0;
}

/* The index of the profile file names among paths[0..n), or SIZE_MAX. */
static size_t gx_find_profile(const char *file, size_t n, const char *const *paths)
{
    for (size_t k = 0; k < n; k++)
        if (gx_file_names(file, paths[k]))
            return k;
    return SIZE_MAX;
}

/* "unknown profile" with the closest base name among paths. */
static parley_status gx_unknown_profile(const parley_allocator *a, const char *where,
                                        const char *what, const char *file, size_t n,
                                        const char *const *paths, parley_error *err)
{
    const char **bases = parleyx_calloc(a, n ? n : 1, sizeof *bases);
    if (!bases)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, where, 0, 0, "out of memory");
    for (size_t k = 0; k < n; k++)
        bases[k] = gx_basename(paths[k]);
    const char *near = parleyx_closest(file, bases, n);
    parley_status st = parleyx_fail(err, PARLEY_ERR_INVALID, where, 0, 0,
                                    "%s: no profile '%s' here%s%s%s (the profiles: "
                                    "%s%s%s)",
                                    what, file, near ? "; did you mean '" : "", near ? near : "",
                                    near ? "'?" : "", n ? bases[0] : "", n > 1 ? ", " : "",
                                    n > 1 ? bases[1] : "");
    if (n > 2) {
        size_t len = strlen(err ? err->message : "");
        if (err && len + 8 < sizeof err->message)
            snprintf(err->message + len - 1, sizeof err->message - len + 1, ", ... %zu in all)", n);
    }
    parleyx_free(a, (void *)bases, (n ? n : 1) * sizeof *bases);
    return st;
}

/* A party name given by the caller: non-empty, at most PARLEY_MAX_NAME
 * bytes, UTF-8, no control characters. */
static parley_status gx_check_party_name(const char *where, const parley_profile_name *pn,
                                         parley_error *err)
{
    const char *nm = pn->name ? pn->name : "";
    size_t n = strlen(nm);
    const char *why = !n                                              ? "is empty"
                      : n > PARLEY_MAX_NAME                           ? "is too long"
                      : parleyx_utf8_invalid(nm, n, true) != SIZE_MAX ? "is not UTF-8 text"
                                                                      : NULL;
    for (size_t i = 0; !why && i < n; i++)
        if ((unsigned char)nm[i] < 0x20 || nm[i] == 0x7f)
            why = "holds a control character";
    if (why)
        return parleyx_fail(err, PARLEY_ERR_INVALID, where, 0, 0,
                            "the party name for '%s' %s; give a name of 1 to %d bytes of "
                            "printable UTF-8",
                            pn->file, why, PARLEY_MAX_NAME);
    return PARLEY_OK;
}

/* opt->profiles into picked (room for n; *npicked set), or all of paths
 * when none are asked for; then opt->names checked against the picked
 * profiles (a known file, taken, named once; a valid name, given once). */
static parley_status gx_pick(const parley_load_options *opt, const char *where, size_t n,
                             const char *const *paths, const char **picked, size_t *npicked,
                             parley_error *err)
{
    const parley_allocator *a = opt->alloc;
    size_t np = 0;
    for (size_t r = 0; r < opt->nprofiles; r++) {
        const char *f = opt->profiles[r] ? opt->profiles[r] : "";
        size_t k = gx_find_profile(f, n, paths);
        if (k == SIZE_MAX)
            return gx_unknown_profile(a, where, "a profile to take (--profiles)", f, n, paths, err);
        for (size_t q = 0; q < np; q++)
            if (picked[q] == paths[k])
                return parleyx_fail(err, PARLEY_ERR_INVALID, where, 0, 0,
                                    "profile '%s' is asked for twice; name each profile once",
                                    gx_basename(paths[k]));
        picked[np++] = paths[k];
    }
    if (!opt->nprofiles)
        for (; np < n; np++)
            picked[np] = paths[np];
    for (size_t r = 0; r < opt->nnames; r++) {
        const parley_profile_name *pn = &opt->names[r];
        const char *f = pn->file ? pn->file : "";
        if (gx_find_profile(f, n, paths) == SIZE_MAX)
            return gx_unknown_profile(a, where, "a party name (--name)", f, n, paths, err);
        size_t k = gx_find_profile(f, np, picked);
        if (k == SIZE_MAX)
            return parleyx_fail(err, PARLEY_ERR_INVALID, where, 0, 0,
                                "profile '%s' is given a name but is not among the profiles "
                                "taken; take it too, or drop its name",
                                f);
        parley_status st = gx_check_party_name(where, pn, err);
        if (st)
            return st;
        for (size_t q = 0; q < r; q++) {
            if (gx_find_profile(opt->names[q].file ? opt->names[q].file : "", 1, &picked[k]) == 0)
                return parleyx_fail(err, PARLEY_ERR_INVALID, where, 0, 0,
                                    "profile '%s' is named twice; give each profile one name",
                                    gx_basename(picked[k]));
            if (strcmp(opt->names[q].name, pn->name) == 0)
                return parleyx_fail(err, PARLEY_ERR_INVALID, where, 0, 0,
                                    "two profiles are named '%s'; party names must be unique",
                                    pn->name);
        }
    }
    *npicked = np;
    return PARLEY_OK;
}

/* The name party k of sc ends with: opt's name for picked[k], or its own. */
static const char *gx_final_name(const parley_load_options *opt, const char *const *picked,
                                 const parley_scenario *sc, size_t k)
{
    for (size_t r = 0; r < opt->nnames; r++)
        if (gx_file_names(opt->names[r].file, picked[k]))
            return opt->names[r].name;
    return sc->parties[k].name;
}

/* Give the parties of sc (party k read from picked[k]) the names of
 * opt->names; no two parties may end with one name. */
static parley_status gx_rename(const parley_load_options *opt, const char *where,
                               const char *const *picked, parley_scenario *sc, parley_error *err)
{
    size_t np = sc->nparties;
    for (size_t k = 0; k < np; k++)
        for (size_t q = k + 1; q < np; q++)
            if (strcmp(gx_final_name(opt, picked, sc, k), gx_final_name(opt, picked, sc, q)) == 0)
                return parleyx_fail(err, PARLEY_ERR_INVALID, where, 0, 0,
                                    "the parties of %s and %s would both be named '%s'; party "
                                    "names must be unique: choose another name",
                                    gx_basename(picked[k]), gx_basename(picked[q]),
                                    gx_final_name(opt, picked, sc, k));
    for (size_t r = 0; r < opt->nnames; r++) {
        size_t k = gx_find_profile(opt->names[r].file, np, picked);
        char *nm = parleyx_strdup(sc->alloc, opt->names[r].name);
        if (!nm)
            return parleyx_fail(err, PARLEY_ERR_NOMEM, where, 0, 0, "out of memory");
        parleyx_strfree(sc->alloc, sc->parties[k].name);
        sc->parties[k].name = nm;
    }
    return PARLEY_OK;
}

/* "K of N profiles taken: a.xml, b.xml" on sc. */
static parley_status gx_note_taken(size_t n, const char *const *picked, size_t np,
                                   parley_scenario *sc)
{
    char note[PARLEY_MAX_NAME + 64];
    int w = snprintf(note, sizeof note, "%zu of %zu profiles taken:", np, n);
    for (size_t k = 0; k < np && w > 0 && (size_t)w < sizeof note; k++)
        w += snprintf(note + w, sizeof note - (size_t)w, "%s %s", k ? "," : "",
                      gx_basename(picked[k]));
    parley_status st = parley_scenario_add_note(sc, note);
    return st == PARLEY_ERR_LIMIT ? PARLEY_OK : st;
}

/* parley_genius_read_files, with errors about the picks and names
 * located at where (the folder, or the domain file). */
static parley_status gx_read_picked(const char *where, const char *domain, size_t nprofiles,
                                    const char *const *profiles, const parley_load_options *opt,
                                    parley_scenario **out, parley_error *err)
{
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "out must not be NULL");
    *out = NULL;
    if (!domain || (nprofiles && !profiles))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "give a GENIUS domain file and its profile files");
    for (size_t k = 0; k < nprofiles; k++)
        if (!profiles[k])
            return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "profile path %zu is NULL", k);
    if (!opt || (!opt->nprofiles && !opt->nnames))
        return gx_read_files(domain, nprofiles, profiles, opt, out, err);
    if ((opt->nprofiles && !opt->profiles) || (opt->nnames && !opt->names))
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "nprofiles or nnames is set but its array is NULL");
    const char **picked = parleyx_calloc(opt->alloc, nprofiles ? nprofiles : 1, sizeof *picked);
    if (!picked)
        return parleyx_fail(err, PARLEY_ERR_NOMEM, domain, 0, 0, "out of memory");
    size_t np = 0;
    parley_status st = gx_pick(opt, where, nprofiles, profiles, picked, &np, err);
    if (!st)
        st = gx_read_files(domain, np, picked, opt, out, err);
    if (!st)
        st = gx_rename(opt, where, picked, *out, err);
    if (!st && opt->nprofiles && (st = gx_note_taken(nprofiles, picked, np, *out)) != PARLEY_OK)
        st = parleyx_fail(err, st, domain, 0, 0, "out of memory");
    if (st && *out) {
        parley_scenario_free(*out);
        *out = NULL;
    }
    parleyx_free(opt->alloc, (void *)picked, (nprofiles ? nprofiles : 1) * sizeof *picked);
    return st;
}

parley_status parley_genius_read_files(const char *domain, size_t nprofiles,
                                       const char *const *profiles, const parley_load_options *opt,
                                       parley_scenario **out, parley_error *err)
{
    return gx_read_picked(domain, domain, nprofiles, profiles, opt, out, err);
}

parley_status parley_genius_read_folder(const char *dir, const parley_load_options *opt,
                                        parley_scenario **out, parley_error *err)
{
    if (!out)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "out must not be NULL");
    *out = NULL;
    if (!dir)
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0, "no folder given");
    gx_listing l = {.a = opt ? opt->alloc : NULL};
    const char **profiles = NULL;
    const char *domain = NULL;
    size_t np = 0;
    parley_status st = gx_list_folder(dir, &l, err);
    if (st)
        goto done;
    profiles = parleyx_calloc(l.a, l.n ? l.n : 1, sizeof(char *));
    if (!profiles) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    l.why = parleyx_calloc(l.a, l.n ? l.n : 1, sizeof(char *));
    if (!l.why) {
        st = parleyx_fail(err, PARLEY_ERR_NOMEM, dir, 0, 0, "out of memory");
        goto done;
    }
    if ((st = gx_pick_files(dir, &l, opt, &domain, profiles, &np, err)))
        goto done;
    st = gx_read_picked(dir, domain, np, profiles, opt, out, err);
    if (st == PARLEY_OK && (st = gx_note_skipped(&l, *out)) != PARLEY_OK) {
        parley_scenario_free(*out);
        *out = NULL;
        st = parleyx_fail(err, st, dir, 0, 0, "out of memory");
    }
done:
    parleyx_free(l.a, (void *)profiles, (l.n ? l.n : 1) * sizeof(char *));
    gx_listing_free(&l);
    return st;
}
