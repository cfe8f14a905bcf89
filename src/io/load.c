/*
 * load.c -- parley_load: one entry point for every input format, and the
 * atomic file writer.
 *
 * Detection reads content, never trusts names: a directory is a GENIUS
 * folder; a file whose first non-blank, non-comment byte is '<' is GENIUS
 * XML (a domain, followed by its profiles); anything else is the native
 * YAML/JSON format.  A native scenario is one file: more paths are an
 * error that says so.
 *
 * parley_write_file_atomic writes to "<path>.tmp.<pid>.<n>" in the same
 * folder, fsyncs, then renames over path: readers see the old file or the
 * new one, never a part.  On any failure the temporary file is removed.
 */
#include "core/px.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Peek at the start of a file: 1 = GENIUS (XML, or a GeniusWeb JSON
 * domain), 0 = not, -1 = unreadable. */
static int looks_like_genius(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
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
    if (i < n && buf[i] == '<')
        return 1;
    /* a GeniusWeb domain: a JSON object with "issuesValues" near the top */
    return i < n && buf[i] == '{' && strstr(buf + i, "\"issuesValues\"") != NULL;
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
    int xml = looks_like_genius(paths[0]);
    if (xml < 0)
        return parleyx_fail(err, PARLEY_ERR_IO, paths[0], 0, 0, "cannot read: %s",
                            strerror(errno));
    if (xml) {
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
    return parley_native_read_file(paths[0], opt, out, err);
}

parley_status parley_write_file_atomic(const char *path, const void *data, size_t len,
                                       parley_error *err)
{
    static unsigned counter;
    if (!path || (!data && len))
        return PARLEY_ERR_ARG;
    char tmp[4096];
    int w = snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", path, (long)getpid(), counter++);
    if (w < 0 || (size_t)w >= sizeof tmp)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "output path is too long");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0)
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s",
                            strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) != 0 && errno != EINVAL) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return parleyx_fail(err, PARLEY_ERR_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    return PARLEY_OK;
}
