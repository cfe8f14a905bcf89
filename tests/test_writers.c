/*
 * test_writers.c -- the GENIUS XML and GeniusWeb JSON folder writers
 * (src/io/genius_write.c, geniusweb_write.c), checked against the
 * scenario they were written from, not against their own output:
 *
 *  - every shared GENIUS folder that loads, written and read back (GENIUS,
 *    GeniusWeb and GeniusWeb's ANL form): the
 *    same parties (ANL: profileA, profileB, ... in order), issues and value
 *    labels, the same utility (to the bit)
 *    for every outcome and party, the same reservation values and (GENIUS)
 *    discount factors; for GeniusWeb a reservation value either met or
 *    named in a note;
 *  - the examples/ scenarios: the written parties' utilities unchanged on
 *    every outcome, and a note for each red line and each party left out;
 *  - a scenario GENIUS holds whole (discrete table peaking below 1,
 *    integer step 1 linear, real linear from 0 and triangular): YAML ->
 *    GENIUS -> YAML gives the same YAML;
 *  - the ANL form spells its utilities as GeniusWebPython does (the keys
 *    read from the files), writes a linear integer issue as a number
 *    issue and three parties as profileA/B/C with a note;
 *  - a folder that is not empty is refused and left as it was.
 */
#include <criterion/criterion.h>

#include "parley/parley.h"
#include "helpers/helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GDATA PARLEY_SHARED_DATA "/genius"
#define EXAMPLES PARLEY_SOURCE_DIR "/examples/"

static char tmpdir[256];

static void make_tmp(void)
{
    tmpdir_make(tmpdir, sizeof tmpdir, "writers");
}

static void rm_tmp(void)
{
    tmpdir_remove(tmpdir);
}

TestSuite(writers, .init = make_tmp, .fini = rm_tmp);

typedef parley_status (*writer_fn)(const parley_scenario *, const char *, char **, parley_error *);

static parley_scenario *load1(const char *path)
{
    parley_scenario *sc = NULL;
    parley_error err;
    const char *paths[1] = {path};
    cr_assert_eq(parley_load(1, paths, NULL, &sc, &err), PARLEY_OK, "%s: %s", path, err.message);
    return sc;
}

/* The native scenario yaml (named name), finalized. */
static parley_scenario *read_yaml(const char *yaml, const char *name)
{
    parley_scenario *a = NULL;
    parley_error err;
    cr_assert_eq(parley_native_read(yaml, strlen(yaml), name, NULL, &a, &err), PARLEY_OK, "%s",
                 err.message);
    return a;
}

/* Every outcome of a (in b's issue order, same value counts), in order:
 * the utility of party pa of a equals that of pb of b, bit for bit. */
static void same_utilities(const parley_scenario *a, size_t pa, const parley_scenario *b, size_t pb,
                           const char *what)
{
    size_t ni = parley_issue_count(a);
    uint32_t o[64] = {0};
    cr_assert(ni <= 64);
    for (uint64_t t = 0;; t++) {
        double ua = parley_utility(a, pa, o), ub = parley_utility(b, pb, o);
        cr_assert(ua == ub, "%s: party %s, outcome %llu: %.17g != %.17g", what,
                  parley_party_name(a, pa), (unsigned long long)t, ua, ub);
        size_t i = ni;
        while (i-- > 0) {
            if (++o[i] < parley_issue_value_count(a, i))
                break;
            o[i] = 0;
        }
        if (i == SIZE_MAX)
            return;
    }
}

/* The same on random outcomes, for spaces too large to enumerate. */
static void same_utilities_sampled(const parley_scenario *a, size_t pa, const parley_scenario *b,
                                   size_t pb, const char *what)
{
    size_t ni = parley_issue_count(a);
    uint32_t o[64] = {0};
    cr_assert(ni <= 64);
    rng r = {0x9e3779b97f4a7c15u};
    for (int t = 0; t < 20000; t++) {
        for (size_t i = 0; i < ni; i++)
            o[i] = rng_u32(&r) % (uint32_t)parley_issue_value_count(a, i);
        double ua = parley_utility(a, pa, o), ub = parley_utility(b, pb, o);
        cr_assert(ua == ub, "%s: party %s, sample %d: %.17g != %.17g", what,
                  parley_party_name(a, pa), t, ua, ub);
    }
}

/* b, read back from the folder written from a, holds a's issues (same
 * names, value counts and labels). */
static void same_issues(const parley_scenario *a, const parley_scenario *b, const char *what)
{
    cr_assert_eq(parley_issue_count(a), parley_issue_count(b), "%s", what);
    for (size_t i = 0; i < parley_issue_count(a); i++) {
        cr_assert_str_eq(parley_issue_name(a, i), parley_issue_name(b, i), "%s", what);
        cr_assert_eq(parley_issue_value_count(a, i), parley_issue_value_count(b, i), "%s", what);
        for (size_t k = 0; k < parley_issue_value_count(a, i); k++) {
            char la[256], lb[256];
            cr_assert_str_eq(parley_issue_value_label(a, i, k, la, sizeof la),
                             parley_issue_value_label(b, i, k, lb, sizeof lb), "%s", what);
        }
    }
}

/* Write a with w into dir, read it back; the notes are returned (caller
 * frees with parley_text_free). */
static parley_scenario *write_read(const parley_scenario *a, writer_fn w, const char *dir,
                                   char **notes)
{
    parley_error err;
    cr_assert_eq(w(a, dir, notes, &err), PARLEY_OK, "%s: %s", dir, err.message);
    cr_assert_not_null(*notes);
    return load1(dir);
}

/* The native scenario yaml read as *a (named name), written with w into
 * dir (512 bytes) and read back; the notes in *notes (caller frees). */
static parley_scenario *yaml_write_read(const char *yaml, const char *name, writer_fn w,
                                        parley_scenario **a, char *dir, char **notes)
{
    *a = read_yaml(yaml, name);
    snprintf(dir, 512, "%s/%s", tmpdir, name);
    return write_read(*a, w, dir, notes);
}

/* A shared folder round trip through both writers. */
static void round_trip(const char *name, size_t n)
{
    char src[512], dir[512];
    snprintf(src, sizeof src, GDATA "/%s", name);
    parley_scenario *a = NULL;
    parley_error err;
    const char *paths[1] = {src};
    if (parley_load(1, paths, NULL, &a, &err) != PARLEY_OK)
        return; /* a folder parley does not load is not written */
    uint64_t count = UINT64_MAX;
    if ((parley_scenario_outcome_count(a, &count) != PARLEY_OK ||
         count * parley_party_count(a) > 20000000) &&
        !parley_scenario_has_interactions(a)) {
        parley_scenario_free(a);
        return;
    }
    static const writer_fn writers[3] = {parley_genius_write_folder, parley_geniusweb_write_folder,
                                         parley_geniusweb_anl_write_folder};
    for (int web = 0; web < 3; web++) {
        snprintf(dir, sizeof dir, "%s/%zu-%d-%s", tmpdir, n, web, name);
        char *notes = NULL;
        if (parley_scenario_has_interactions(a)) {
            /* GeniusWeb is additive: refused.  GENIUS takes what is a
             * nonlinear profile exactly (the hyper-rectangle folders),
             * and refuses the rest, saying why. */
            parley_error_clear(&err);
            parley_status st = writers[web](a, dir, &notes, &err);
            if (web) {
                cr_assert_eq(st, PARLEY_ERR_UNSUPPORTED, "%s", dir);
                cr_assert(strstr(err.message, "interaction terms"), "%s: %s", dir, err.message);
                continue;
            }
            if (st != PARLEY_OK) {
                cr_assert_eq(st, PARLEY_ERR_UNSUPPORTED, "%s: %s", dir, err.message);
                cr_assert(strstr(err.message, "cannot be written as a GENIUS profile"), "%s: %s",
                          dir, err.message);
                continue;
            }
            parley_text_free(notes);
            notes = NULL;
            tmpdir_remove(dir);
        }
        parley_scenario *b = write_read(a, writers[web], dir, &notes);
        cr_assert_eq(parley_party_count(a), parley_party_count(b), "%s", dir);
        same_issues(a, b, dir);
        for (size_t p = 0; p < parley_party_count(a); p++) {
            char anl[16];
            snprintf(anl, sizeof anl, "profile%c", (char)('A' + p));
            cr_assert_str_eq(web == 2 ? anl : parley_party_name(a, p), parley_party_name(b, p),
                             "%s", dir);
            if (count * parley_party_count(a) > 20000000)
                same_utilities_sampled(a, p, b, p, dir);
            else
                same_utilities(a, p, b, p, dir);
            double ra = parley_party_reservation(a, p), rb = parley_party_reservation(b, p);
            if (!web) {
                cr_assert(ra == rb, "%s", dir);
                cr_assert(parley_party_discount(a, p) == parley_party_discount(b, p), "%s", dir);
            } else if (ra != rb) {
                cr_assert(rb < ra, "%s: %g vs %g", dir, rb, ra);
                cr_assert(strstr(notes, parley_party_name(a, p)) &&
                              strstr(notes, "no outcome is worth exactly its reservation"),
                          "%s: %s", dir, notes);
            }
        }
        if (!web)
            cr_assert_str_eq(notes, "", "%s: GENIUS holds a GENIUS folder whole", dir);
        parley_text_free(notes);
        parley_scenario_free(b);
    }
    parley_scenario_free(a);
}

Test(writers, every_shared_folder_round_trips, .timeout = 600)
{
    DIR *d = opendir(GDATA);
    if (!d)
        cr_skip_test("the shared data is missing (" GDATA ")");
    char names[64][256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        char p[512];
        struct stat st;
        snprintf(p, sizeof p, GDATA "/%s", e->d_name);
        if (e->d_name[0] != '.' && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    }
    closedir(d);
    cr_assert_geq(n, 20);
    for (size_t k = 0; k < n; k++)
        round_trip(names[k], k);
}

/* The examples: each written party's utilities unchanged on every outcome
 * (parties matched by name), a note for every red line and every party
 * left out. */
Test(writers, examples_keep_utilities_and_say_what_is_dropped)
{
    static const char *const ex[] = {"buyer-seller.yaml", "coalition.yaml", "abu-dhabi-2026.yaml"};
    for (size_t e = 0; e < 3; e++) {
        char src[512], dir[512];
        snprintf(src, sizeof src, EXAMPLES "%s", ex[e]);
        parley_scenario *a = load1(src);
        for (int web = 0; web < 2; web++) {
            snprintf(dir, sizeof dir, "%s/ex%zu-%d", tmpdir, e, web);
            char *notes = NULL;
            parley_scenario *b = write_read(
                a, web ? parley_geniusweb_write_folder : parley_genius_write_folder, dir, &notes);
            same_issues(a, b, dir);
            size_t written = 0;
            for (size_t p = 0; p < parley_party_count(a); p++) {
                for (size_t r = 0; r < parley_redline_count(a, p); r++) {
                    char line[600];
                    snprintf(line, sizeof line, "red line %s:%s is not written",
                             parley_party_name(a, p), parley_redline_name(a, p, r));
                    cr_assert(strstr(notes, line), "%s: no note '%s' in\n%s", dir, line, notes);
                }
                size_t q;
                if (parley_scenario_find_party(b, parley_party_name(a, p), &q) != PARLEY_OK) {
                    char line[600];
                    snprintf(line, sizeof line, "party '%s' is not written",
                             parley_party_name(a, p));
                    cr_assert(strstr(notes, line), "%s: no note '%s' in\n%s", dir, line, notes);
                    continue;
                }
                written++;
                same_utilities(a, p, b, q, dir);
            }
            cr_assert_eq(written, parley_party_count(b));
            parley_text_free(notes);
            parley_scenario_free(b);
        }
        parley_scenario_free(a);
    }
}

/* What GENIUS holds whole comes back as the same YAML, including a table
 * whose largest evaluation is 0.8 (GENIUS divides by the largest: the
 * extra item keeps it). */
Test(writers, yaml_genius_yaml_is_the_same_yaml)
{
    const char *yaml =
        "parley: 1\n"
        "name: deal\n"
        "issues:\n"
        "  colour:\n"
        "    values: [red, green, blue]\n"
        "  count:\n"
        "    type: integer\n"
        "    range: [1, 5]\n"
        "  size:\n"
        "    type: real\n"
        "    range: [0, 2]\n"
        "parties:\n"
        "  alice:\n"
        "    reservation: 0.25\n"
        "    discount: 0.9\n"
        "    utility:\n"
        "      colour: {weight: 0.5, values: {red: 0.8, green: 0.1, blue: 0}}\n"
        "      count: {weight: 0.3, linear: {intercept: 0, slope: 0.25, origin: 1}}\n"
        "      size: {weight: 0.2, linear: {intercept: 1, slope: -0.5}}\n"
        "  bob:\n"
        "    utility:\n"
        "      colour: {weight: 0.6, values: {red: 0, green: 1, blue: 0.5}}\n"
        "      size: {weight: 0.4, peak: {low: 0, top: 1.5, high: 2}}\n";
    parley_scenario *a;
    char dir[512], *notes = NULL;
    parley_scenario *b = yaml_write_read(yaml, "deal", parley_genius_write_folder, &a, dir, &notes);
    cr_assert_str_eq(notes, "", "%s", notes);
    char *ta = NULL, *tb = NULL;
    size_t la, lb;
    parley_error err;
    cr_assert_eq(parley_native_write(a, &ta, &la, &err), PARLEY_OK);
    cr_assert_eq(parley_native_write(b, &tb, &lb, &err), PARLEY_OK);
    cr_assert_str_eq(ta, tb);
    same_utilities(a, 0, b, 0, dir);
    parley_text_free(ta);
    parley_text_free(tb);
    parley_text_free(notes);
    parley_scenario_free(b);
    parley_scenario_free(a);
}

/* The utility kinds (the keys of "issueUtilities"' members) in the
 * profile file dir/f, as "K1 K2 ..." (caller frees). */
static char *utility_keys(const char *dir, const char *f)
{
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))"
             "[\"LinearAdditiveUtilitySpace\"][\"issueUtilities\"]; "
             "print(\" \".join(k for v in u.values() for k in v))' '%s/%s'",
             dir, f);
    cr_assert_eq(run_command(cmd, &out), 0, "%s", cmd);
    return out;
}

/* The ANL form of buyer-seller: the integer warranty (linear, 0 to 1 over
 * 0..24 step 6: utilities 0, 0.25, ... exact in 8 decimals) is a number
 * issue, the real price discrete with a note, the delivery spelled
 * "DiscreteValueSetUtilities"; every outcome's utility read back is the
 * same to the bit, the parties are profileA and profileB. */
Test(writers, anl_form_spells_as_geniuswebpython)
{
    parley_scenario *a = load1(EXAMPLES "buyer-seller.yaml");
    char dir[512], *notes = NULL;
    snprintf(dir, sizeof dir, "%s/anl", tmpdir);
    parley_scenario *b = write_read(a, parley_geniusweb_anl_write_folder, dir, &notes);
    same_issues(a, b, dir);
    cr_assert_str_eq(parley_party_name(b, 0), "profileA");
    cr_assert_str_eq(parley_party_name(b, 1), "profileB");
    same_utilities(a, 0, b, 0, dir);
    same_utilities(a, 1, b, 1, dir);
    cr_assert(strstr(notes, "party 'Buyer' is written to profileA.json"), "%s", notes);
    cr_assert(strstr(notes, "issue 'price' (real) is written as a discrete issue"), "%s", notes);
    cr_assert_null(strstr(notes, "issue 'warranty' (integer)"), "%s", notes);
    char *k = utility_keys(dir, "profileA.json");
    cr_assert_str_eq(k, "DiscreteValueSetUtilities NumberValueSetUtilities "
                        "DiscreteValueSetUtilities\n");
    free(k);
    k = utility_keys(dir, "profileB.json");
    cr_assert_str_eq(k, "DiscreteValueSetUtilities NumberValueSetUtilities "
                        "DiscreteValueSetUtilities\n");
    free(k);
    char path[600];
    snprintf(path, sizeof path, "%s/profileB.json", dir);
    size_t len;
    char *text = slurp(path, &len);
    cr_assert(strstr(text, "\"warranty\": {\"NumberValueSetUtilities\": {\"lowValue\": 0, "
                           "\"lowUtility\": 1, \"highValue\": 24, \"highUtility\": 0}}"),
              "%s", text);
    cr_assert(strstr(text, "\"warranty\": {\"range\": {\"low\": 0, \"high\": 24, \"step\": 6}}"),
              "%s", text);
    free(text);
    parley_text_free(notes);
    parley_scenario_free(b);
    parley_scenario_free(a);
}

/* x and y linear, z peaked, on one integer issue. */
static const char trio_yaml[] =
    "parley: 1\n"
    "name: trio\n"
    "issues:\n"
    "  n:\n"
    "    type: integer\n"
    "    range: [1, 3]\n"
    "parties:\n"
    "  x: {utility: {n: {weight: 1, linear: {from: [1, 0], to: [3, 1]}}}}\n"
    "  y: {utility: {n: {weight: 1, linear: {from: [1, 1], to: [3, 0]}}}}\n"
    "  z: {utility: {n: {weight: 1, peak: {low: 1, top: 2, high: 3}}}}\n";

/* Three negotiators: profileA, profileB and profileC, with a note that ANL
 * negotiates two; the same utilities, party by party. */
Test(writers, anl_form_letters_more_than_two_profiles)
{
    parley_scenario *a;
    char dir[512], *notes = NULL;
    parley_scenario *b = yaml_write_read(trio_yaml, "trio", parley_geniusweb_anl_write_folder, &a,
                                         dir, &notes);
    cr_assert_eq(parley_party_count(b), 3);
    cr_assert_str_eq(parley_party_name(b, 2), "profileC");
    for (size_t p = 0; p < 3; p++)
        same_utilities(a, p, b, p, dir);
    cr_assert(strstr(notes, "3 profiles are written"), "%s", notes);
    /* z's peak is not linear: the issue is discrete for every party */
    cr_assert(strstr(notes, "issue 'n' (integer) is written as a discrete issue of its 3 values: "
                            "a GeniusWeb number issue's utilities are linear"),
              "%s", notes);
    char *k = utility_keys(dir, "profileA.json");
    cr_assert_str_eq(k, "DiscreteValueSetUtilities\n");
    free(k);
    parley_text_free(notes);
    parley_scenario_free(b);
    parley_scenario_free(a);
}

/* A folder with something in it is refused and left as it was; a file in
 * the way too; nothing is left beside them. */
Test(writers, a_folder_in_use_is_refused)
{
    parley_scenario *a = load1(EXAMPLES "coalition.yaml");
    char dir[512], keep[600];
    snprintf(dir, sizeof dir, "%s/used", tmpdir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(keep, sizeof keep, "%s/mine.txt", dir);
    FILE *f = fopen(keep, "w");
    cr_assert(f);
    fputs("mine\n", f);
    fclose(f);
    parley_error err;
    char *notes = NULL;
    cr_assert_eq(parley_genius_write_folder(a, dir, &notes, &err), PARLEY_ERR_IO);
    cr_assert_null(notes);
    cr_assert(strstr(err.message, "not empty"), "%s", err.message);
    struct stat st;
    cr_assert_eq(stat(keep, &st), 0);
    cr_assert_eq(parley_geniusweb_write_folder(a, keep, &notes, &err), PARLEY_ERR_IO);
    cr_assert(strstr(err.message, "not a folder"), "%s", err.message);
    char *out = NULL;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", tmpdir);
    cr_assert_eq(run_command(cmd, &out), 0);
    cr_assert_eq(atoi(out), 1, "only 'used' is there, nothing left beside it");
    free(out);
    parley_scenario_free(a);
}
