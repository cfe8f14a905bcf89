/*
 * cli_uncertain.c -- uncertain numbers and red-line beliefs in words and in
 * JSON, for `parley info` and `parley robust` (docs/robust.md).  Uses the
 * public API only; writes into a px_buf the caller owns.
 */
#include "cli.h"

static void num(px_buf *b, double x)
{
    char t[40];
    parleyx_buf_puts(b, parleyx_fmt_double(x, t, sizeof t));
}

void cli_uncertain_text(px_buf *b, const parley_scenario *sc, size_t j)
{
    parley_input in;
    parley_uncertain u;
    if (!parley_uncertain_get(sc, j, &in, &u))
        return;
    if (in.kind == PARLEY_INPUT_BELIEF) {
        parleyx_buf_puts(b, "holds ");
        num(b, u.value);
        parleyx_buf_puts(b, " (real with this probability, else a bluff)");
        return;
    }
    switch (u.kind) {
    case PARLEY_DIST_POINT:
        parleyx_buf_puts(b, "the number ");
        num(b, u.value);
        break;
    case PARLEY_DIST_UNIFORM:
        parleyx_buf_puts(b, "between ");
        num(b, u.lo);
        parleyx_buf_puts(b, " and ");
        num(b, u.hi);
        break;
    case PARLEY_DIST_NORMAL:
        parleyx_buf_puts(b, "normal, mean ");
        num(b, u.mean);
        parleyx_buf_puts(b, " sd ");
        num(b, u.sd);
        parleyx_buf_puts(b, ", between ");
        num(b, u.lo);
        parleyx_buf_puts(b, " and ");
        num(b, u.hi);
        break;
    case PARLEY_DIST_CHOICE:
        parleyx_buf_puts(b, "one of ");
        for (size_t k = 0; k < u.n; k++) {
            if (k)
                parleyx_buf_puts(b, ", ");
            num(b, u.values[k]);
            if (u.p) {
                parleyx_buf_puts(b, " (p ");
                num(b, u.p[k]);
                parleyx_buf_puts(b, ")");
            }
        }
        if (!u.p)
            parleyx_buf_puts(b, ", equally likely");
        break;
    }
    if (u.kind != PARLEY_DIST_POINT) {
        double lo, hi, nominal;
        parley_uncertain_bounds(&u, &lo, &hi, &nominal);
        parleyx_buf_puts(b, "; nominal ");
        num(b, nominal);
    }
}

static void member(px_buf *b, int depth, bool first, const char *key)
{
    parleyx_buf_printf(b, "%s\n%*s", first ? "" : ",", depth * 2, "");
    cli_json_str(b, key);
    parleyx_buf_puts(b, ": ");
}

static void list(px_buf *b, size_t n, const double *v)
{
    parleyx_buf_puts(b, "[");
    for (size_t k = 0; k < n; k++) {
        if (k)
            parleyx_buf_puts(b, ", ");
        cli_json_num(b, v[k]);
    }
    parleyx_buf_puts(b, "]");
}

void cli_uncertain_json(px_buf *b, const parley_scenario *sc, size_t j, int depth)
{
    parley_input in;
    parley_uncertain u;
    char name[2 * PARLEY_MAX_NAME + 64];
    if (!parley_uncertain_get(sc, j, &in, &u))
        return;
    parleyx_buf_puts(b, "{");
    member(b, depth, true, "input");
    cli_json_str(b, parley_input_name(sc, &in, name, sizeof name));
    member(b, depth, false, "kind");
    if (in.kind == PARLEY_INPUT_BELIEF) {
        cli_json_str(b, "holds");
        member(b, depth, false, "holds");
        cli_json_num(b, u.value);
    } else if (u.kind == PARLEY_DIST_POINT) {
        cli_json_str(b, "number");
        member(b, depth, false, "value");
        cli_json_num(b, u.value);
    } else if (u.kind == PARLEY_DIST_CHOICE) {
        cli_json_str(b, "choice");
        member(b, depth, false, "choice");
        list(b, u.n, u.values);
        if (u.p) {
            member(b, depth, false, "p");
            list(b, u.n, u.p);
        }
    } else {
        cli_json_str(b, u.kind == PARLEY_DIST_NORMAL ? "normal" : "between");
        if (u.kind == PARLEY_DIST_NORMAL) {
            double ms[2] = {u.mean, u.sd};
            member(b, depth, false, "normal");
            list(b, 2, ms);
        }
        double r[2] = {u.lo, u.hi};
        member(b, depth, false, "between");
        list(b, 2, r);
    }
    if (in.kind != PARLEY_INPUT_BELIEF) {
        double lo, hi, mean;
        parley_uncertain_bounds(&u, &lo, &hi, &mean);
        member(b, depth, false, "nominal");
        cli_json_num(b, mean);
    }
    parleyx_buf_printf(b, "\n%*s}", (depth - 1) * 2, "");
}
