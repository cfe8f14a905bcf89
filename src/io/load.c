/*
 * load.c -- parley_load: one entry point for every input format, and the
 * atomic file writer.
 *
 * Detection reads content, never trusts names: a directory is a GENIUS
 * folder; a file whose first non-blank byte is '<' is GENIUS XML (a
 * domain, followed by its profiles) unless its root is KTAB's <Scenario>;
 * anything else is the native YAML/JSON format.  Files that are parley
 * inputs but not scenarios (KTAB XML, a CSV, a tournament configuration)
 * get an error naming the command that reads them.  What is not a regular
 * file or folder (a FIFO, a device) is refused before it is opened, so
 * that it cannot block.  A native scenario is one file: more paths are an
 * error that says so.
 *
 * parley_write_file_atomic writes to "<path>.tmp.<pid>.<n>" in the same
 * folder, fsyncs, then renames over path: readers see the old file or the
 * new one, never a part.  On any failure the temporary file is removed.
 * A replaced file keeps its permissions; a symbolic link to a file stays a
 * link (the file it names is replaced); a link to a folder or to nothing is
 * an error, never replaced.  A path that is neither a file nor
 * a folder (/dev/null, a FIFO, a terminal) is written to directly: there
 * is nothing to rename over, and renaming would replace the device.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include "parleyx.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What the start of a file looks like.  Only GENIUS and native files are
 * scenarios; the others are named so that the error can say which
 * command reads them. */
typedef enum ld_kind {
    LD_NATIVE,     /* anything else: the native reader says what is wrong */
    LD_GENIUS,     /* XML (a GENIUS domain), or a GeniusWeb JSON domain */
    LD_KTAB_XML,   /* <Scenario ...>: a KTAB SMP file */
    LD_CSV,        /* a first line of comma-separated fields: KTAB or BDM */
    LD_TOURNAMENT, /* a parley-tournament: configuration */
    LD_UNREADABLE
} ld_kind;

/* The first non-blank line of text starting at i has a comma and no ':'
 * (a native file's first line is a key, a comment, "---" or a '{'). */
static bool csv_first_line(const char *buf, size_t i)
{
    const char *end = strchr(buf + i, '\n');
    size_t n = end ? (size_t)(end - (buf + i)) : strlen(buf + i);
    if (buf[i] == '#' || buf[i] == '{' || buf[i] == '[' || buf[i] == '-')
        return false;
    return memchr(buf + i, ',', n) && !memchr(buf + i, ':', n);
}

static ld_kind sniff(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return LD_UNREADABLE;
    static const size_t cap = 8192;
    char buf[8192 + 1];
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    buf[n] = '\0';
    size_t i = 0;
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
        i = 3; /* UTF-8 byte order mark */
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i < n && buf[i] == '<') {
        /* the root element, after any <?xml ...?> and comments */
        const char *r = buf + i;
        while ((r = strchr(r, '<')) && (r[1] == '?' || r[1] == '!'))
            r++;
        return r && strncmp(r, "<Scenario", 9) == 0 ? LD_KTAB_XML : LD_GENIUS;
    }
    /* a GeniusWeb domain: a JSON object with "issuesValues" near the top */
    if (i < n && buf[i] == '{' && strstr(buf + i, "\"issuesValues\""))
        return LD_GENIUS;
    if (i < n && csv_first_line(buf, i))
        return LD_CSV;
    for (const char *l = buf + i; l; l = strchr(l, '\n')) {
        l += *l == '\n';
        if (strncmp(l, "parley-tournament:", 18) == 0)
            return LD_TOURNAMENT;
    }
    return LD_NATIVE;
}

/* The error for a file that is not a scenario but another parley input. */
static parley_status not_a_scenario(const char *path, ld_kind k, parley_error *err)
{
    const char *what = k == LD_KTAB_XML ? "a KTAB (Spatial Model of Politics) XML file"
                       : k == LD_CSV    ? "a CSV file (KTAB's SMP or a BDM actor table)"
                                        : "a tournament configuration (parley-tournament: 1)";
    const char *use = k == LD_TOURNAMENT ? "run it with `parley tournament FILE`"
                                         : "`parley forecast FILE` reads it";
    return parleyx_fail(err, PARLEY_ERR_INVALID, path, 0, 0,
                        "this is %s, not a negotiation scenario; %s", what, use);
}

parley_status parley_load(size_t npaths, const char *const *paths, const parley_load_options *opt,
                          parley_scenario **out, parley_error *err)
{
    if (!out)
        return PARLEY_ERR_ARG;
    *out = NULL;
    if (npaths == 0 || !paths || !paths[0])
        return parleyx_fail(err, PARLEY_ERR_ARG, NULL, 0, 0,
                            "no input given; name a scenario file, a GENIUS folder, or a GENIUS "
                            "domain file followed by its profiles");
    struct stat stt;
    if (stat(paths[0], &stt) != 0)
        return parleyx_fail(err, PARLEY_ERR_IO, paths[0], 0, 0,
                            "cannot open: %s; check the path", strerror(errno));
    if (S_ISDIR(stt.st_mode)) {
        if (npaths > 1)
            return parleyx_fail(err, PARLEY_ERR_ARG, paths[1], 0, 0,
                                "a GENIUS folder is read alone; give the folder only, or a "
                                "domain file followed by profile files");
        return parley_genius_read_folder(paths[0], opt, out, err);
    }
    if (!S_ISREG(stt.st_mode)) /* a FIFO would block the peek below */
        return parleyx_not_regular(paths[0], err);
    ld_kind kind = sniff(paths[0]);
    if (kind == LD_UNREADABLE)
        return parleyx_fail(err, PARLEY_ERR_IO, paths[0], 0, 0, "cannot read: %s",
                            strerror(errno));
    if (kind == LD_KTAB_XML || kind == LD_CSV || kind == LD_TOURNAMENT)
        return not_a_scenario(paths[0], kind, err);
    if (kind == LD_GENIUS) {
        if (npaths < 2)
            return parleyx_fail(err, PARLEY_ERR_ARG, paths[0], 0, 0,
                                "a GENIUS domain file alone is not a scenario; give it followed "
                                "by one profile file per party, or the folder holding them");
        return parley_genius_read_files(paths[0], npaths - 1, paths + 1, opt, out, err);
    }
    if (npaths > 1)
        return parleyx_fail(err, PARLEY_ERR_ARG, paths[1], 0, 0,
                            "a native scenario is one file, but more inputs follow '%s'; give "
                            "one scenario at a time",
                            paths[0]);
    if (opt && (opt->nprofiles || opt->nnames))
        return parleyx_fail(err, PARLEY_ERR_ARG, paths[0], 0, 0,
                            "picking profiles and naming parties (--profiles, --name) apply to "
                            "GENIUS and GeniusWeb inputs; a native scenario names its parties "
                            "itself: drop them, or rename the parties in the file");
    return parley_native_read_file(paths[0], opt, out, err);
}

/* Write all of data to fd; 0 or an errno. */
static int write_all(int fd, const char *p, size_t left)
{
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += n;
        left -= (size_t)n;
    }
    return 0;
}

parley_status parley_write_file_atomic(const char *path, const void *data, size_t len,
                                       parley_error *err)
{
    static atomic_uint counter; /* threads may write files at once */
    if (!path || (!data && len))
        return PARLEY_ERR_ARG;
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* a device, a FIFO, a terminal (-o /dev/null, -o /dev/stdout):
         * there is no file to replace, so write to it; renaming over it
         * would replace /dev/null itself */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s",
                                strerror(errno));
        int e = write_all(fd, data, len);
        if (close(fd) != 0 && !e)
            e = errno;
        if (e)
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
        return PARLEY_OK;
    }
    /* a symbolic link to a file: replace the file it names, and keep the
     * link; never rename over the link itself */
    char real[4096];
    const char *dest = path;
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        if (!exists)
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                                "cannot write: this is a symbolic link to nothing (its target "
                                "does not exist); remove the link or create its target");
        if (!S_ISREG(st.st_mode))
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                                "cannot write: this is a symbolic link to a folder; name a file");
        char *r = realpath(path, NULL);
        bool fits = r && strlen(r) < sizeof real - 32;
        if (fits)
            memcpy(real, r, strlen(r) + 1);
        int e = errno;
        free(r);
        if (!fits)
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0,
                                "cannot write: the symbolic link cannot be followed (%s)",
                                r ? "its target's path is too long" : strerror(e));
        dest = real;
    }
    char tmp[4096];
    int w = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", dest, (long)getpid(),
                     atomic_fetch_add(&counter, 1u));
    if (w < 0 || (size_t)w >= sizeof tmp)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "output path is too long");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s",
                            strerror(errno));
    int e = write_all(fd, data, len);
    /* a replaced file keeps its permissions */
    if (!e && exists && S_ISREG(st.st_mode) && fchmod(fd, st.st_mode & 07777) != 0)
        e = errno;
    if (!e && fsync(fd) != 0 && errno != EINVAL)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, dest) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    return PARLEY_OK;
}
