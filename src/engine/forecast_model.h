// 预判: the forecast model (docs/measures.md#forecast), applied by every engine to the cohorts it gathered
// (engine/results.h CohortPurchases), so that the embedded and ClickHouse engines answer alike.
//
// The question: of the N users at stage s on day D, how many buy the brand in (D, D + x]? The model learns
// the delay to a cohort member's first purchase from past cohorts of the same stage (origin days before
// D), as a discrete-time Kaplan–Meier life table: a member whose window has not closed by D is censored,
// not counted as lost, and the share who never buy stays in the curve (the cure fraction). When x is
// longer than any follow-up the history holds, the days beyond are extrapolated with the hazard of the
// last 14 observed days. The interval comes from 2,000 simulated futures: each draws every day's hazard
// from its Beta posterior (a prior worth one observation at the pooled hazard of the observed days; counts
// shrunk by the design effect, the observations per distinct user, since one user appears in several
// cohorts), multiplies them by a log-normal factor for the cohorts' drift beyond chance (Drift), and then
// draws the N members' purchases day by day (binomial): parameter uncertainty, drift and chance together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aips/status.h"
#include "engine/results.h"

namespace aips {

inline constexpr int kForecastOriginStep = 7;     // one past cohort a week
inline constexpr int kForecastHistoryDays = 182;  // looked back at most this far
inline constexpr int kForecastTailDays = 14;      // the hazard extrapolated beyond the longest follow-up
inline constexpr int kForecastDraws = 2000;
inline constexpr int kForecastDriftDays = 14;  // the horizon on which cohorts' drift is measured
// A stage on one of the first 30 days of data is built from a partial window (the events before the data
// began are missing), so its crowd is not like later ones: no origin is taken from them.
inline constexpr int kForecastWarmupDays = 30;

// The origins a forecast as of `date` learns from: date - 1, date - 8, ... back to max(first + 30,
// date - 182); and date - x (the share baseline's cohort) when it is not before first + 30. Ascending,
// unique.
std::vector<Day> ForecastOrigins(Day first_data_day, Day date, int x);

// The life table of the cohorts, delays 1 .. min(x, longest follow-up).
struct LifeTable {
  std::vector<uint64_t> at_risk, events;  // [k - 1]: delay k
  uint64_t pairs = 0;                     // (origin, member) observations
  int longest_followup = 0;               // date - the earliest origin with members
};
LifeTable LifeTableOf(const CohortPurchases& c, int x);

struct ForecastPoint {
  Day date = kNoDay;  // D + k
  double expected = 0;
  uint64_t low80 = 0, high80 = 0;
};

struct ForecastResult {
  ScopeRef scope;
  int stage = 3;
  Day date = kNoDay;
  int x = 30;
  uint64_t members = 0;
  std::optional<double> probability, expected_buyers;  // absent when nothing could be learnt (`reason`)
  std::optional<uint64_t> low80, high80, low95, high95;
  std::string reason;
  // The model as fitted.
  int origins = 0;  // origins with members
  Day history_from = kNoDay, history_to = kNoDay;
  uint64_t pairs = 0, distinct_users = 0;
  double design_effect = 1;
  double dispersion = 1, between_cohort_sd = 0;  // the cohorts' drift beyond chance (docs)
  int longest_followup = 0, extrapolated_days = 0;
  std::optional<double> tail_hazard;
  std::vector<ForecastPoint> curve;  // cumulative buyers by D + 1 .. D + x
  // The two baselines of the backtest (expected buyers): the share of day D - x's cohort that bought in
  // (D - x, D], times N; and the cohorts' buyers so far over their sizes, not-yet-converted counted as
  // never converting, times N.
  std::optional<double> baseline_share, baseline_no_censoring;
};

// Fits the model to `c` and forecasts (D, D + x].
ForecastResult FitForecast(const CohortPurchases& c, int x);

// Several crowds forecast together (an open campaign's reached users, one crowd per stage): each crowd's
// model is fitted to its own cohorts, and the futures are simulated jointly, so that the total has one
// distribution. `draws`: the total buyers by D + x of each simulated future, ascending.
struct CrowdSumForecast {
  uint64_t members = 0;
  double expected = 0;
  std::vector<uint64_t> draws;
};
// The p-quantile (nearest rank) of ascending draws (not empty).
uint64_t SortedQuantile(const std::vector<uint64_t>& sorted, double p);
// InvalidArgument when a crowd with members has no history to learn from.
Result<CrowdSumForecast> ForecastSum(const std::vector<CohortPurchases>& crowds, int x);

}  // namespace aips
