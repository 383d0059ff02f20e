// Printing 预判 (docs/measures.md#forecast, docs/cli.md "forecast"): JSON for programs (a contract: fields
// may be added, never renamed), a table for people. The model is engine/forecast_model.h.
#pragma once

#include <string>

#include "engine/forecast.h"

namespace aips {

inline constexpr const char* kForecastMethod =
    "Kaplan-Meier life table of the delay to the first purchase of the brand, pooled over weekly past "
    "cohorts "
    "at the same stage (members still inside their window are censored, never counted as lost; the share "
    "who never buy stays in the curve); beyond the longest follow-up the hazard of the last 14 observed "
    "days; "
    "intervals from 2000 simulated futures: daily hazards from their Beta posteriors (a one-observation "
    "prior at the pooled hazard, counts shrunk by the design effect), times a log-normal factor for the "
    "cohorts' drift beyond chance (Pearson dispersion of their 14-day shares), and the members' purchases "
    "day by day (binomial)";

std::string ToJson(const ForecastResult& r);
std::string ToTable(const ForecastResult& r);
std::string ToJson(const BacktestResult& r);
std::string ToTable(const BacktestResult& r);

}  // namespace aips
