/*
 * cmd_convert.c -- `parley convert INPUT...
 * [--to yaml|genius|geniusweb|geniusweb-anl] [-o OUT]`: any supported input (native, GENIUS or GeniusWeb folder or
 * files) written in parley's native YAML (a file, or standard output), or
 * as a GENIUS XML or GeniusWeb JSON folder (-o DIR required;
 * geniusweb-anl: GeniusWeb as the ANL leagues' GeniusWebPython reads it).  The output
 * appears whole or not at all: a file is written then renamed; a folder is
 * written beside DIR then renamed to it (DIR must not exist or be empty).
 * What the chosen format cannot hold is listed on stderr, one
 * "warning:" line each, never dropped silently (docs/genius-import.md).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* A regular file that is not XML: a native (YAML or JSON) scenario, or a
 * GeniusWeb JSON file (which has no `stability:` key). */
static bool native_file(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           !(n >= 4 && strcasecmp(path + n - 4, ".xml") == 0);
}

static void help(void)
{
    printf("Usage: parley convert [OPTIONS] INPUT... [--to yaml|genius|geniusweb|geniusweb-anl]\n"
           "       [-o OUT]\n"
           "\n"
           "Write the scenario read from INPUT in parley's native YAML format\n"
           "(docs/scenario-format.md), or as a GENIUS XML or GeniusWeb JSON folder.\n"
           "INPUT is a native scenario, a GENIUS folder, or a GENIUS domain file\n"
           "followed by its profile files.  GENIUS semantics are kept exactly\n"
           "(weights as written, evaluations divided by the issue maximum, utility\n"
           "capped at 1).  What GENIUS or GeniusWeb cannot hold (red lines,\n"
           "ratifiers, mediators, capabilities, descriptions; GeniusWeb: discount\n"
           "factors) is left out, each listed on stderr as a warning.\n"
           "\n"
           "Options:\n"
           "  --to FORMAT\n"
           "             yaml (default), genius (a domain and one profile per\n"
           "             negotiator, as GENIUS 10.4 reads them) or geniusweb\n"
           "             (LinearAdditiveUtilitySpace profiles, GeniusWeb Java's\n"
           "             spelling) or geniusweb-anl (as the ANL 2022/2023 leagues\n"
           "             read it: DiscreteValueSetUtilities, profileA.json and\n"
           "             profileB.json, linear integer issues as number issues);\n"
           "             the last three write a folder and need -o DIR\n"
           "  -o OUT     write to OUT (atomically): a file, or for the folder\n"
           "             formats a new or empty folder; default: standard output\n"
           "  --grid N   points per real issue (default 21)\n"
           "  --max-input MiB\n"
           "             largest input file read, in MiB (default 64)\n"
           "  --profiles A,B,...\n"
           "             GENIUS folder: take only these profiles, in order\n"
           "  --name FILE=NAME\n"
           "             GENIUS: name the party of profile FILE (repeatable)\n"
           "  -h, --help this help\n");
}

/* Print each line of notes as a warning. */
static void print_notes(const char *notes)
{
    for (const char *s = notes; s && *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        fprintf(stderr, "parley convert: warning: %.*s\n", (int)n, s);
        s += n + (e != NULL);
    }
}

/* Write sc as a folder with the writer of format to. */
static int write_folder(const parley_scenario *sc, const char *to, const char *dir)
{
    char *notes = NULL;
    parley_error err;
    parley_error_clear(&err);
    sigset_t old; /* an interrupt leaves no temporary folder */
    cli_hold_signals(&old);
    parley_status st = strcmp(to, "genius") == 0 ? parley_genius_write_folder(sc, dir, &notes, &err)
                       : strcmp(to, "geniusweb") == 0
                           ? parley_geniusweb_write_folder(sc, dir, &notes, &err)
                           : parley_geniusweb_anl_write_folder(sc, dir, &notes, &err);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (st != PARLEY_OK)
        return cli_report(&err, st);
    print_notes(notes);
    parley_text_free(notes);
    return CLI_OK;
}

int cmd_convert(int argc, char **argv)
{
    const char *out = NULL, *to = "yaml";
    parley_load_options lo = {0};
    const cli_opt opts[] = {
        CLI_VALUE("-o", "a file name", &out), CLI_VALUE("--output", "a file name", &out),
        CLI_VALUE("--to", "a format (yaml, genius, geniusweb, geniusweb-anl)", &to),
        CLI_LOAD_OPTIONS(&lo), CLI_PARTY_OPTIONS(&lo)};
    const cli_cmdline cl = {.cmd = "convert", .help = help, .opts = opts, .nopts = CLI_COUNT(opts),
                            .no_input = "no input given"};
    size_t n;
    int rc;
    if (!cli_parse(&cl, argc, argv, &n, &rc))
        return rc;
    bool folder = strcmp(to, "genius") == 0 || strcmp(to, "geniusweb") == 0 ||
                  strcmp(to, "geniusweb-anl") == 0;
    if (!folder && strcmp(to, "yaml") != 0) {
        static const char *const formats[] = {"yaml", "genius", "geniusweb", "geniusweb-anl"};
        const char *near = parleyx_closest(to, formats, 4);
        return cli_usage("convert",
                         "--to expects yaml, genius, geniusweb or geniusweb-anl, got '%s'%s%s%s",
                         to, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    if (folder && (!out || strcmp(out, "-") == 0))
        return cli_usage("convert", "--to %s writes a folder: name it with -o DIR", to);
    parley_scenario *sc;
    cli_nominal_quiet = !folder; /* yaml keeps the uncertainty: nothing to note */
    if ((rc = cli_load(n, argv + 1, &lo, &sc)) != CLI_OK)
        return rc;
    if (folder) {
        rc = write_folder(sc, to, out);
        parley_scenario_free(sc);
        return rc;
    }
    char *text = NULL;
    size_t len = 0;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_native_write(sc, &text, &len, &err);
    /* a native file's `stability:` section (who moves which issue, issue
     * 18) is not part of the scenario: carry it over */
    char *stab = NULL;
    size_t slen = 0;
    if (st == PARLEY_OK && n == 1 && native_file(argv[1])) {
        parley_moves *mv = NULL;
        st = parley_moves_read_file(argv[1], sc, &lo, &mv, &err);
        if (st == PARLEY_ERR_NORESULT)
            st = PARLEY_OK;
        else if (st == PARLEY_OK)
            st = parley_moves_write(mv, &stab, &slen, &err);
        parley_moves_free(mv);
    }
    parley_scenario_free(sc);
    if (st != PARLEY_OK) {
        parley_text_free(text);
        return cli_report(&err, st);
    }
    if (stab) {
        char *all = malloc(len + slen + 1);
        if (!all) {
            parley_text_free(text);
            parley_text_free(stab);
            fprintf(stderr, "parley convert: error: out of memory\n");
            return CLI_INTERNAL;
        }
        memcpy(all, text, len);
        memcpy(all + len, stab, slen + 1);
        rc = cli_write_output(out, all, len + slen);
        free(all);
        parley_text_free(stab);
    } else {
        rc = cli_write_output(out, text, len);
    }
    parley_text_free(text);
    return rc;
}
