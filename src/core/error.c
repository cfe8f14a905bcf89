/*
 * error.c -- the status and version API: parley_version, parley_strerror,
 * parley_error_clear and parley_error_format.
 *
 * These are the only functions every layer and every caller shares, so
 * they live here, below the model.  A parley_error is a plain record the
 * caller owns (no allocation): parleyx_fail in parleyx.c fills it, these
 * read and clear it.  parley_strerror's strings are static; every status
 * has one, and an unknown value gets "unknown status".
 */
#include "parley/parley.h"

#include <stdio.h>
#include <string.h>

const char *parley_version(void)
{
    return PARLEY_VERSION_STRING;
}

const char *parley_strerror(parley_status st)
{
    switch (st) {
    case PARLEY_OK: return "success";
    case PARLEY_ERR_NOMEM: return "out of memory";
    case PARLEY_ERR_IO: return "input/output error";
    case PARLEY_ERR_SYNTAX: return "syntax error";
    case PARLEY_ERR_INVALID: return "invalid input";
    case PARLEY_ERR_UNSUPPORTED: return "not supported yet";
    case PARLEY_ERR_LIMIT: return "limit exceeded";
    case PARLEY_ERR_ARG: return "invalid argument";
    case PARLEY_ERR_NORESULT: return "no result";
    case PARLEY_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

void parley_error_clear(parley_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

void parley_error_format(const parley_error *err, char *buf, size_t n)
{
    if (!n)
        return;
    if (!err) {
        buf[0] = '\0';
        return;
    }
    const char *msg = err->message[0] ? err->message : parley_strerror(err->status);
    if (err->file[0] && err->line && err->column)
        snprintf(buf, n, "%s:%u:%u: %s", err->file, err->line, err->column, msg);
    else if (err->file[0] && err->line)
        snprintf(buf, n, "%s:%u: %s", err->file, err->line, msg);
    else if (err->file[0])
        snprintf(buf, n, "%s: %s", err->file, msg);
    else if (err->column)
        snprintf(buf, n, "column %u: %s", err->column, msg);
    else
        snprintf(buf, n, "%s", msg);
}
