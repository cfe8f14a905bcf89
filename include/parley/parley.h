/*
 * parley.h -- the public API of libparley, the negotiation analysis engine.
 * This is the only header a program needs; it includes them all:
 *   parley/core.h         status codes, errors, allocator, scenarios, formats
 *   parley/analysis.h     the agreement-space analysis (parley analyze)
 *   parley/redlines.h     the red-line diagnosis (parley redlines)
 *   parley/agent.h        the negotiator interface (strategies, plugins)
 *   parley/negotiation.h  negotiation sessions (parley negotiate)
 *   parley/report.h       charts and the HTML report (parley report)
 *   parley/forecast.h     spatial forecasting: KTAB SMP, BDM (parley forecast)
 *   parley/tournament.h   tournaments and their results store (parley tournament)
 *   parley/robust.h       uncertain numbers, bluffed red lines (parley robust)
 *   parley/stability.h    strategic stability, the graph model (parley stability)
 * Each header includes what it needs, so any one may be included alone.
 */
#ifndef PARLEY_H
#define PARLEY_H

#include "parley/core.h"
#include "parley/analysis.h"
#include "parley/redlines.h"
#include "parley/agent.h"
#include "parley/negotiation.h"
#include "parley/report.h"
#include "parley/forecast.h"
#include "parley/tournament.h"
#include "parley/robust.h"
#include "parley/stability.h"

#endif /* PARLEY_H */
