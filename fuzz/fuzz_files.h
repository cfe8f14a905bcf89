/*
 * fuzz_files.h -- shared by the GENIUS and GeniusWeb fuzz targets: turn
 * one fuzz input into a domain file and its profile files on disk.
 *
 * The GENIUS readers take paths (parley_genius_read_files /
 * parley_genius_read_folder), so each run writes its parts into a private
 * folder made once per process (under /dev/shm when it exists, else
 * $TMPDIR or /tmp) and removed at exit.  The input is split at the line
 * FUZZ_SEP: part 0 is the domain, parts 1..FUZZ_MAX_PROFILES the profiles
 * (fuzz/run.sh builds seeds in this shape from the shared data).  Each run
 * first deletes the previous run's files, so the folder holds exactly this
 * run's parts.
 *
 * Checks common to both targets (fz_check): a failure fills the error
 * record and returns no scenario; a success is final, writes in the
 * native format and reads back with the same shape.
 */
#ifndef PARLEY_FUZZ_FILES_H
#define PARLEY_FUZZ_FILES_H

#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_SEP "\n#PROFILE#\n"
#define FUZZ_MAX_PROFILES 4

static char fz_dir[256];
static char fz_paths[FUZZ_MAX_PROFILES + 1][300];

static void fz_cleanup(void)
{
    for (int i = 0; i <= FUZZ_MAX_PROFILES; i++)
        if (fz_paths[i][0])
            unlink(fz_paths[i]);
    if (fz_dir[0])
        rmdir(fz_dir);
}

static void fz_init(void)
{
    if (fz_dir[0])
        return;
    fz_make_dir(fz_dir, sizeof fz_dir, "fuzz");
    atexit(fz_cleanup);
}

/* Write the parts with extension ext (".xml" or ".json"); returns the
 * number of profiles written (>= 0), or -1 when the input is unusable. */
static int fz_write_parts(const uint8_t *data, size_t size, const char *ext)
{
    fz_init();
    for (int i = 0; i <= FUZZ_MAX_PROFILES; i++) {
        if (fz_paths[i][0])
            unlink(fz_paths[i]);
        fz_paths[i][0] = '\0';
    }
    const char *p = (const char *)data, *end = p + size;
    size_t seplen = strlen(FUZZ_SEP);
    int part = 0;
    while (part <= FUZZ_MAX_PROFILES) {
        const char *next = NULL;
        for (const char *q = p; q + seplen <= end; q++)
            if (memcmp(q, FUZZ_SEP, seplen) == 0) {
                next = q;
                break;
            }
        const char *stop = next ? next : end;
        if (part == 0)
            snprintf(fz_paths[0], sizeof fz_paths[0], "%s/domain%s", fz_dir, ext);
        else
            snprintf(fz_paths[part], sizeof fz_paths[part], "%s/party%d%s", fz_dir, part, ext);
        FILE *f = fopen(fz_paths[part], "wb");
        if (!f)
            abort();
        if (stop > p && fwrite(p, 1, (size_t)(stop - p), f) != (size_t)(stop - p))
            abort();
        if (fclose(f) != 0)
            abort();
        part++;
        if (!next)
            break;
        p = next + seplen;
    }
    return part - 1;
}

static void fz_check(parley_status st, parley_scenario *sc, const parley_error *err)
{
    if (st != PARLEY_OK) {
        if (sc || err->status != st || err->message[0] == '\0')
            abort();
        return;
    }
    if (!sc || !parley_scenario_is_final(sc))
        abort();
    fz_round_trip(sc);
    parley_scenario_free(sc);
}

/* Read the parts as files, then as a folder. */
static void fz_run(const uint8_t *data, size_t size, const char *ext)
{
    if (size > (1u << 20))
        return;
    int np = fz_write_parts(data, size, ext);
    if (np < 0)
        return;
    parley_load_options opt = {0};
    opt.max_file_bytes = 1u << 20;
    const char *prof[FUZZ_MAX_PROFILES];
    for (int i = 0; i < np; i++)
        prof[i] = fz_paths[i + 1];
    parley_scenario *sc = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_genius_read_files(fz_paths[0], (size_t)np, prof, &opt, &sc, &err);
    fz_check(st, sc, &err);
    sc = NULL;
    parley_error_clear(&err);
    st = parley_genius_read_folder(fz_dir, &opt, &sc, &err);
    fz_check(st, sc, &err);
}

#endif
