/*
 * genius_folder.c -- a GENIUS (or GeniusWeb) folder: its *.xml and *.json
 * files in strcmp order, each classified without a full parse -- XML by
 * the root element's name, found by skipping the prolog textually; JSON by
 * gw_classify -- then exactly one domain and the profiles, in file-name
 * order, handed to parley_genius_read_files.  Files that do not start like
 * XML (GENIUS's pareto.xml) or have another root are skipped; a folder
 * mixing GENIUS XML and GeniusWeb JSON is refused.
 *
 * Memory: the file names are allocated with opt->alloc and freed before
 * returning; each file is read whole (gx_file_read) and freed once
 * classified.
 */
#include "io/genius_io.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static parley_status gx_classify(const char *path, const parley_load_options *opt, gx_fkind *kind,
                                 parley_error *err)
{
    gx_file f;
    *kind = GXF_SKIP;
    parley_status st = gx_file_read(&f, path, opt, err);
    if (st)
        return st;
    char root[64];
    if (gx_looks_like_json(f.data, f.size)) {
        gw_kind k = gw_classify(f.data, f.size);
        *kind = k == GW_DOMAIN ? GXF_WDOMAIN : k == GW_PROFILE ? GXF_WPROFILE : GXF_SKIP;
    } else if (gx_root_name(f.data, f.size, root, sizeof root)) {
        /* not XML at all (pareto.xml) or another root: skipped; a broken
         * domain or profile is reported when it is read */
        if (strcmp(root, "negotiation_template") == 0)
            *kind = GXF_DOMAIN;
        else if (strcmp(root, "utility_space") == 0)
            *kind = GXF_PROFILE;
    }
    gx_file_free(&f);
    return PARLEY_OK;
}

/* The folder's file names. */
typedef struct gx_listing {
    const parley_allocator *a;
    char **names;           /* "dir/file", each from a */
    size_t n, cap;
} gx_listing;

static void gx_listing_free(gx_listing *l)
{
    for (size_t k = 0; k < l->n; k++)
        parleyx_strfree(l->a, l->names[k]);
    parleyx_free(l->a, l->names, l->cap * sizeof(char *));
}

/* The *.xml and *.json files of dir (not hidden), in strcmp order. */
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
        if (!gx_iends(de->d_name, ".xml") && !gx_iends(de->d_name, ".json"))
            continue;
        char **t = parleyx_grow(l->a, l->names, sizeof *t, &l->cap, l->n + 1, 32);
        if (!t) {
            st = PARLEY_ERR_NOMEM;
            break;
        }
        l->names = t;
        size_t len = dlen + 1 + strlen(de->d_name);
        char *full = parleyx_malloc(l->a, len + 1);
        if (!full) {
            st = PARLEY_ERR_NOMEM;
            break;
        }
        snprintf(full, len + 1, "%.*s/%s", (int)dlen, dir, de->d_name);
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

/* Classify every regular file: one domain, the profiles in order, one
 * format. */
static parley_status gx_pick_files(const char *dir, const gx_listing *l,
                                   const parley_load_options *opt, const char **domain,
                                   const char **profiles, size_t *np, parley_error *err)
{
    bool json = false, xml = false;
    for (size_t k = 0; k < l->n; k++) {
        struct stat sb;
        if (stat(l->names[k], &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        gx_fkind kind;
        parley_status st = gx_classify(l->names[k], opt, &kind, err);
        if (st)
            return st;
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
    if ((st = gx_pick_files(dir, &l, opt, &domain, profiles, &np, err)))
        goto done;
    st = parley_genius_read_files(domain, np, profiles, opt, out, err);
done:
    parleyx_free(l.a, (void *)profiles, (l.n ? l.n : 1) * sizeof(char *));
    gx_listing_free(&l);
    return st;
}
