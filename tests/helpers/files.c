/*
 * files.c -- whole files and temporary folders for the tests (see
 * helpers.h).  Plain C library and POSIX calls only, so that a test of the
 * library's own file code never checks it against itself.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers/helpers.h"

char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap);
    cr_assert_not_null(b);
    while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            b = realloc(b, cap *= 2);
            cr_assert_not_null(b);
        }
    }
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

void tmpdir_make(char *dir, size_t n, const char *tag)
{
    snprintf(dir, n, "/tmp/parley-%s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(dir), "cannot make a folder %s", dir);
}

void tmpdir_remove(const char *dir)
{
    if (!dir[0])
        return;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

const char *put_in(const char *dir, const char *name, const char *text)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    char *slash = strrchr(p, '/');
    if (slash && slash != p && strchr(name, '/')) {
        *slash = '\0';
        mkdir(p, 0700);
        *slash = '/';
    }
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f, "cannot write %s", p);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
    return p;
}
