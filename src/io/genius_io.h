/*
 * genius_io.h -- the few pieces shared by the GENIUS XML reader
 * (genius.c) and the GeniusWeb JSON reader (geniusweb.c).  Internal; not
 * installed.  Prefix gx_ (GENIUS XML side, also the shared helpers) and
 * gw_ (GeniusWeb side).
 *
 * Ownership: gx_read_file (parleyx_read_file with the load options)
 * hands back a buffer the caller frees with parleyx_free(alloc, data,
 * size + 1).
 */
#ifndef PARLEY_GENIUS_IO_H
#define PARLEY_GENIUS_IO_H

#include "parleyx.h"

/* Read a whole file through parleyx_read_file, with the allocator and the
 * limit of opt (max_file_bytes; 0: 64 MiB).  The caller frees *data with
 * parleyx_free(opt->alloc, *data, *size + 1). */
static inline parley_status gx_read_file(const char *path, const parley_load_options *opt,
                                         char **data, size_t *size, parley_error *err)
{
    return parleyx_read_file(opt ? opt->alloc : NULL, path, opt ? opt->max_file_bytes : 0, data,
                             size, err);
}

/* Add a negotiator named after the file (basename without .xml/.json),
 * made unique with "-2", "-3"... when another party already has it. */
parley_status gx_add_party_for(parley_scenario *sc, const char *path, size_t *party,
                               parley_error *err);

/* The basename of a path (a pointer into path). */
const char *gx_basename(const char *path);

/* True when the first non-blank byte (after an optional UTF-8 BOM) is '{'. */
bool gx_looks_like_json(const char *data, size_t size);

/* --- GeniusWeb JSON (geniusweb.c) --- */
typedef enum gw_kind { GW_OTHER = 0, GW_DOMAIN, GW_PROFILE } gw_kind;

/* What a JSON text is: a GeniusWeb domain ("issuesValues"), a profile (one
 * top-level key naming a utility space), or something else (also when it is
 * not valid JSON). */
gw_kind gw_classify(const char *data, size_t size);

/* Build a scenario from a GeniusWeb domain file and profile files. */
parley_status gw_read_files(const char *domain, size_t nprofiles, const char *const *profiles,
                            const parley_load_options *opt, parley_scenario **out,
                            parley_error *err);

#endif
