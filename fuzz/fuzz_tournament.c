/*
 * fuzz_tournament.c -- libFuzzer target for the tournament configuration
 * reader (src/tournament/tn_config.c, parley_tournament_load).
 *
 * parley_tournament_load takes a path, so each run writes the input to
 * t.yaml in a private folder made once per process (under /dev/shm when
 * it exists), beside a small two-party scenario s.yaml that configurations
 * may name (fuzz/seeds/tournament/ do).  Loading checks every strategy
 * against every scenario but runs no session, so a run stays cheap; the
 * input is capped at 64 kB so that a long scenario list stays cheap too.
 *
 * Checks: a failure fills the error record (status, message, the file)
 * and returns nothing; a success has at least one scenario and one
 * strategy, a session count, a fingerprint and a default store.
 *
 * Known finding, filtered until it is fixed (docs/robustness.md, T1):
 * libfyaml 0.7.12 loops forever on a directive line holding a byte that
 * is not UTF-8 (`%\xff\n`, three bytes), and tn_config.c hands the file to
 * libfyaml unchecked (the native reader refuses NUL bytes and invalid
 * UTF-8 first).  Inputs that are not NUL-free UTF-8 are skipped so that
 * the fuzzer can look past it.  Likewise finding N1 (libfyaml leaks in
 * fy_token_get_text for some single-quoted scalars with several `''`
 * escapes; tn_config.c calls it too): inputs holding `''` are skipped.  PARLEY_FUZZ_NO_FILTER=1 fuzzes them all anyway.
 *
 * The folder also holds z.xml, which is no scenario: see init().
 *
 * Memory: everything is freed before returning; the folder is removed at
 * exit.
 */
#include "fuzz_util.h"
#include "parley/tournament.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256], cfg[300], scen[300], other[300];

static const char SCENARIO[] =
    "parley: 1\n"
    "issues:\n"
    "  price: {type: integer, range: [0, 4]}\n"
    "  colour: {values: [red, blue]}\n"
    "parties:\n"
    "  A:\n"
    "    reservation: 0.1\n"
    "    utility:\n"
    "      price: {weight: 0.7, linear: {from: [0, 0], to: [4, 1]}}\n"
    "      colour: {weight: 0.3, values: {red: 1, blue: 0}}\n"
    "  B:\n"
    "    reservation: 0.1\n"
    "    utility:\n"
    "      price: {weight: 0.6, linear: {from: [0, 1], to: [4, 0]}}\n"
    "      colour: {weight: 0.4, values: {red: 0, blue: 1}}\n";

static void cleanup(void)
{
    if (cfg[0])
        unlink(cfg);
    if (scen[0])
        unlink(scen);
    if (other[0])
        unlink(other);
    if (dir[0])
        rmdir(dir);
}

static void init(void)
{
    if (dir[0])
        return;
    fz_make_dir(dir, sizeof dir, "fuzz-tn");
    snprintf(cfg, sizeof cfg, "%s/t.yaml", dir);
    snprintf(scen, sizeof scen, "%s/s.yaml", dir);
    FILE *f = fopen(scen, "wb");
    if (!f || fwrite(SCENARIO, 1, sizeof SCENARIO - 1, f) != sizeof SCENARIO - 1 || fclose(f))
        abort();
    /* An XML file that is not a scenario, so that a configuration naming
     * the folder itself ("", ".", "./") does not stop at finding G1
     * (qsort on an empty folder listing) every few seconds. */
    snprintf(other, sizeof other, "%s/z.xml", dir);
    f = fopen(other, "wb");
    if (!f || fputs("<!-- not a scenario -->\n", f) < 0 || fclose(f))
        abort();
    atexit(cleanup);
}

/* NUL-free, well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static bool clean_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, cp = c & 0x07;
        } else {
            return false;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    if (fz_filter_on() && (!clean_utf8(data, size) || fz_has_quote_pair(data, size)))
        return 0;
    init();
    FILE *f = fopen(cfg, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
        abort();
    parley_tournament *t = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_tournament_load(cfg, NULL, &t, &err);
    if (st != PARLEY_OK) {
        if (t || err.status != st || err.message[0] == '\0')
            abort();
        return 0;
    }
    if (!t || parley_tournament_scenario_count(t) == 0 ||
        parley_tournament_strategy_count(t) == 0 || !parley_tournament_fingerprint(t) ||
        !parley_tournament_default_store(t))
        abort();
    (void)parley_tournament_session_count(t);
    parley_tournament_free(t);
    return 0;
}
