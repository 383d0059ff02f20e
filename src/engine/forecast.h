// 预判 composed over the engine interface (docs/measures.md#forecast): the dates, defaults and origins of a
// forecast, and the rolling-origin backtest, with the same code for every engine. The engine only gathers
// cohorts (FunnelQueries::PurchasesOfCohorts); the model is engine/forecast_model.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "engine/forecast_model.h"

namespace aips {

struct ForecastArgs {
  ScopeRef scope;
  std::optional<Day> date;  // default: the last day with data
  int stage = 3;            // 1 = A .. 5 = S; default TI
  std::optional<int> x;     // default: the brand's category's decision cycle
};

// A stage code (A, I, TI, P, S; "" = TI, the default crowd) as the number ForecastArgs takes;
// InvalidArgument "<option> <code> is not one of A, I, TI, P, S" otherwise.
Result<int> ForecastStage(std::string_view code, std::string_view option);

// The forecast as of `date` of the users at `stage` on it: only events dated on or before `date` are used.
// InvalidArgument for a date outside the data, a stage outside 1..5 or x outside 1..3650; NotFound for an
// unknown brand or SPU.
Result<ForecastResult> ForecastCrowd(QueryEngine& engine, const ForecastArgs& args);

struct BacktestRow {
  ForecastResult forecast;
  uint64_t actual = 0;  // members of the origin's crowd who bought the brand in (D, D + x]
};

struct BacktestResult {
  ScopeRef scope;
  int stage = 3, x = 30, every = 7;
  std::vector<BacktestRow> rows;  // by origin, ascending
  // WAPE = sum |actual - forecast| / sum actual over the rows (absent when no buyer happened); the
  // baselines' over the rows where they exist (`*_rows`).
  std::optional<double> wape, wape_share, wape_no_censoring;
  size_t share_rows = 0, no_censoring_rows = 0, forecast_rows = 0;
  std::optional<double> coverage80, coverage95;
};

// Rolling origins D = last - x, last - x - every, ... (at least 58 days after the first day with data: 30 of
// warm-up and four weekly cohorts), each forecast as of D and compared with what its crowd bought in (D, D +
// x]. every in 1..365.
Result<BacktestResult> BacktestForecast(QueryEngine& engine, const ScopeRef& scope, int stage,
                                        std::optional<int> x, int every);

// Adds the forecast of a provisional campaign (its T+x window still open; otherwise nothing): the reached
// users by stage on the last day with data, each stage's further buyers in (last day, d1 + x] by the
// brand-scope model of that stage, simulated jointly; final GMV = GMV so far + further buyers x the
// campaign's GMV per buyer so far; final ROI = final GMV / spend. Errors only when the engine fails.
Status AddCampaignForecast(QueryEngine& engine, CampaignResult* campaign);

}  // namespace aips
