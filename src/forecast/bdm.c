#include "forecast/fc.h"
parley_status bdm_run(const parley_forecast_input *in, const parley_forecast_options *opt,
                      parley_forecast_result *r, parley_error *err)
{
    (void)in; (void)opt; (void)r;
    return parleyx_fail(err, PARLEY_ERR_UNSUPPORTED, NULL, 0, 0, "BDM not yet");
}
