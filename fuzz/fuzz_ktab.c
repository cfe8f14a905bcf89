/*
 * fuzz_ktab.c -- libFuzzer target for the KTAB readers (src/io/ktab.c):
 * every input is read both as KTAB CSV (parley_ktab_read_csv_text: the SMP
 * table or the simple BDM table) and as KTAB SMP XML
 * (parley_ktab_read_xml_text), from memory.
 *
 * Checks beyond the sanitizers': a failure fills the error record and
 * returns no input; a success has at least one actor and one dimension,
 * and every number it hands out is finite.  Small inputs (at most 12
 * actors and 3 dimensions) are also run through both forecasting models
 * for a few rounds, so that fuzzed numbers reach the models.
 *
 * Memory: everything is freed before returning.
 */
#include "parley/parley.h"
#include "parley/forecast.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(parley_status st, parley_forecast_input *in, const parley_error *err)
{
    if (st != PARLEY_OK) {
        if (in || err->status != st || err->message[0] == '\0')
            abort();
        return;
    }
    size_t na = parley_forecast_actor_count(in), nd = parley_forecast_dim_count(in);
    if (na == 0 || nd == 0)
        abort();
    for (size_t d = 0; d < nd; d++) {
        double lo, hi;
        parley_forecast_dim_range(in, d, &lo, &hi);
        if (!isfinite(lo) || !isfinite(hi))
            abort();
    }
    for (size_t a = 0; a < na; a++) {
        if (!isfinite(parley_forecast_actor_capability(in, a)))
            abort();
        for (size_t d = 0; d < nd; d++)
            if (!isfinite(parley_forecast_actor_position(in, a, d)) ||
                !isfinite(parley_forecast_actor_salience(in, a, d)))
                abort();
    }
    if (na <= 12 && nd <= 3) {
        for (int model = 0; model < 2; model++) {
            parley_forecast_options o;
            parley_forecast_options_init(&o);
            o.model = model ? PARLEY_FORECAST_BDM : PARLEY_FORECAST_SMP;
            parley_smp_params p;
            if (parley_forecast_input_smp_params(in, &p))
                o.smp = p;
            o.max_rounds = 4;
            parley_forecast_result *r = NULL;
            parley_error e2;
            if (parley_forecast_run(in, &o, &r, &e2) == PARLEY_OK)
                parley_forecast_result_free(r);
            else if (r)
                abort();
        }
    }
    parley_forecast_input_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    parley_forecast_input *in = NULL;
    parley_error err;
    parley_error_clear(&err);
    parley_status st = parley_ktab_read_csv_text((const char *)data, size, "fuzz.csv", NULL, &in,
                                                 &err);
    check(st, in, &err);
    in = NULL;
    parley_error_clear(&err);
    st = parley_ktab_read_xml_text((const char *)data, size, "fuzz.xml", NULL, &in, &err);
    check(st, in, &err);
    return 0;
}
