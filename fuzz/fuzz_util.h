/*
 * fuzz_util.h -- what several fuzz targets check or need, written once:
 * the known-finding filter switch and the N1 filter (`''` in the input),
 * a private scratch folder, and the native round trip every scenario that
 * reads must pass.
 *
 * Header-only (static inline): each target is one .c file built with
 * include/ and src/parleyx only.  Every check aborts on a violation, which
 * libFuzzer reports as a finding.  Memory: nothing here keeps anything;
 * the round trip frees what it makes and leaves the scenario to the
 * caller.
 */
#ifndef PARLEY_FUZZ_UTIL_H
#define PARLEY_FUZZ_UTIL_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#endif

#include "parley/parley.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Whether the filters for known, not yet fixed findings are on (they are
 * unless PARLEY_FUZZ_NO_FILTER is set; docs/robustness.md lists them). */
static inline bool fz_filter_on(void)
{
    static int filter = -1;
    if (filter < 0)
        filter = getenv("PARLEY_FUZZ_NO_FILTER") == NULL;
    return filter != 0;
}

/* Finding N1: libfyaml 0.7.12 leaks in fy_token_get_text() for some
 * single-quoted scalars with several `''` escapes.  True when the input
 * holds `''` anywhere. */
static inline bool fz_has_quote_pair(const uint8_t *data, size_t size)
{
    size_t run = 0;
    for (size_t i = 0; i < size; i++) {
        run = data[i] == '\'' ? run + 1 : 0;
        if (run >= 2)
            return true;
    }
    return false;
}

/* Make a private folder <base>/parley-<tag>-XXXXXX, base = /dev/shm when
 * writable, else $TMPDIR, else /tmp; its path into dir (n bytes).  Aborts
 * when it cannot be made.  The caller removes it (atexit). */
static inline void fz_make_dir(char *dir, size_t n, const char *tag)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    if (!base)
        base = "/tmp";
    snprintf(dir, n, "%s/parley-%s-XXXXXX", base, tag);
    if (!mkdtemp(dir))
        abort();
}

/* A scenario that was read must write in the native format (or fail for
 * want of memory or over a limit), and the text written must read back to
 * a scenario of the same shape: the writer never emits what the reader
 * refuses.  sc stays the caller's. */
static inline void fz_round_trip(const parley_scenario *sc)
{
    char *text = NULL;
    size_t len = 0;
    parley_error err;
    parley_status st = parley_native_write(sc, &text, &len, &err);
    if (st == PARLEY_OK) {
        parley_scenario *back = NULL;
        if (parley_native_read(text, len, "written.yaml", NULL, &back, &err) != PARLEY_OK)
            abort(); /* the writer wrote what the reader refuses */
        if (parley_issue_count(back) != parley_issue_count(sc) ||
            parley_party_count(back) != parley_party_count(sc))
            abort();
        parley_scenario_free(back);
        parley_text_free(text);
    } else if (st != PARLEY_ERR_NOMEM && st != PARLEY_ERR_LIMIT) {
        abort();
    }
}

#endif
