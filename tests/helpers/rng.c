/*
 * rng.c -- the tests' generator: xorshift64 (Marsaglia, shifts 13, 7, 17)
 * and the draws the tests take from it (see helpers.h).
 *
 * The streams are part of the tests: the random scenarios of
 * test_analysis.c and test_negotiation.c, the random rules of test_rule.c
 * and the random SMP inputs of test_forecast.c are generated from these
 * functions with fixed seeds, so changing a draw changes which cases are
 * tested.  Keep every function's arithmetic as it is.
 */
#include "helpers/helpers.h"

uint64_t rng_next(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

uint32_t rng_u32(rng *r)
{
    return (uint32_t)(rng_next(r) >> 11);
}

double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

double rng_eval(rng *r)
{
    static const double g[] = {0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 0.7, 0.75, 0.9, 1.0};
    return g[rng_u32(r) % (sizeof g / sizeof g[0])];
}
