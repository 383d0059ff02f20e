#include "engine/forecast.h"

#include <algorithm>
#include <cmath>

#include "domain/domain.h"
#include "engine/query_dates.h"
#include "fmt/format.h"

namespace aips {

namespace {

inline constexpr int kBacktestWarmupDays = kForecastWarmupDays + 28;  // four weekly cohorts at least

Result<int> DecisionCycle(QueryEngine& e, const std::string& brand, std::optional<int> x) {
  if (x) {
    if (*x < 1 || *x > 3650) return Status::InvalidArgument("--x must be a number of days in [1, 3650]");
    return *x;
  }
  return e.DecisionCycleOf(brand);
}

Status CheckStage(int stage) {
  if (stage < 1 || stage > 5)
    return Status::InvalidArgument(fmt::format("stage {} is not one of A, I, TI, P, S", stage));
  return Status::OK();
}

}  // namespace

Result<ForecastResult> ForecastCrowd(QueryEngine& e, const ForecastArgs& a) {
  AIPS_RETURN_IF_ERROR(CheckStage(a.stage));
  AIPS_ASSIGN_OR_RETURN(auto days, e.DataDays());
  AIPS_RETURN_IF_ERROR(CheckInData("--date", a.date, days));
  AIPS_ASSIGN_OR_RETURN(Day date, DateOrLast(a.date, days.second));
  AIPS_ASSIGN_OR_RETURN(int x, DecisionCycle(e, a.scope.brand, a.x));
  AIPS_ASSIGN_OR_RETURN(CohortPurchases c,
                        e.PurchasesOfCohorts(a.scope, a.stage, date, ForecastOrigins(days.first, date, x)));
  return FitForecast(c, x);
}

Result<BacktestResult> BacktestForecast(QueryEngine& e, const ScopeRef& scope, int stage,
                                        std::optional<int> x_opt, int every) {
  AIPS_RETURN_IF_ERROR(CheckStage(stage));
  if (every < 1 || every > 365)
    return Status::InvalidArgument("--every must be a number of days in [1, 365]");
  AIPS_ASSIGN_OR_RETURN(auto days, e.DataDays());
  if (days.second == kNoDay) return Status::InvalidArgument("no events yet: nothing to backtest");
  AIPS_ASSIGN_OR_RETURN(int x, DecisionCycle(e, scope.brand, x_opt));
  BacktestResult out;
  out.scope = scope;
  out.stage = stage;
  out.x = x;
  out.every = every;
  std::vector<Day> origins;
  for (Day d = days.second - x; d >= days.first + kBacktestWarmupDays; d -= every) origins.push_back(d);
  std::reverse(origins.begin(), origins.end());
  if (!origins.empty()) {
    out.first_origin = origins.front();
    out.last_origin = origins.back();
  }
  double err = 0, err_share = 0, err_none = 0, sum = 0, sum_share = 0, sum_none = 0;
  size_t in80 = 0, in95 = 0;
  for (Day d : origins) {
    BacktestRow row;
    AIPS_ASSIGN_OR_RETURN(CohortPurchases c,
                          e.PurchasesOfCohorts(scope, stage, d, ForecastOrigins(days.first, d, x)));
    row.forecast = FitForecast(c, x);
    AIPS_ASSIGN_OR_RETURN(CohortPurchases after, e.PurchasesOfCohorts(scope, stage, d + x, {d}));
    for (auto& [k, n] : after.origins.at(0).first_purchase)
      if (k <= x) row.actual += n;
    const auto actual = static_cast<double>(row.actual);
    const ForecastResult& f = row.forecast;
    if (f.expected_buyers) {
      ++out.forecast_rows;
      err += std::abs(actual - *f.expected_buyers);
      sum += actual;
      in80 += *f.low80 <= row.actual && row.actual <= *f.high80;
      in95 += *f.low95 <= row.actual && row.actual <= *f.high95;
    }
    if (f.baseline_share) {
      ++out.share_rows;
      err_share += std::abs(actual - *f.baseline_share);
      sum_share += actual;
    }
    if (f.baseline_no_censoring) {
      ++out.no_censoring_rows;
      err_none += std::abs(actual - *f.baseline_no_censoring);
      sum_none += actual;
    }
    out.rows.push_back(std::move(row));
  }
  if (sum > 0) out.wape = err / sum;
  if (sum_share > 0) out.wape_share = err_share / sum_share;
  if (sum_none > 0) out.wape_no_censoring = err_none / sum_none;
  if (out.forecast_rows) {
    out.coverage80 = static_cast<double>(in80) / static_cast<double>(out.forecast_rows);
    out.coverage95 = static_cast<double>(in95) / static_cast<double>(out.forecast_rows);
  }
  return out;
}

}  // namespace aips

namespace aips {

namespace {

std::string ExprString(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

}  // namespace

Status AddCampaignForecast(QueryEngine& e, CampaignResult* c) {
  if (!c->provisional || c->start == kNoDay || c->last_data_day == kNoDay || c->brand.empty())
    return Status::OK();
  const Day last = c->last_data_day;
  CampaignForecast f;
  f.from = last + 1;
  f.to = c->window_end;
  f.flight_running = c->end > last;
  const int ahead = static_cast<int>(c->window_end - last);
  if (c->reach == 0) {
    f.reason = "the campaign has reached nobody yet: there is no crowd to forecast";
    c->forecast = std::move(f);
    return Status::OK();
  }
  AIPS_ASSIGN_OR_RETURN(auto days, e.DataDays());
  const std::vector<Day> origins = ForecastOrigins(days.first, last, ahead);
  std::vector<CohortPurchases> crowds;
  uint64_t staged = 0;
  // A question the engine cannot answer here (an unknown brand, crowd tables a database lacks) leaves the
  // forecast out with its reason; the campaign's own figures still answer. Failures of the store fail.
  const auto unanswered = [&](const Status& s) {
    if (!s.IsInvalidArgument() && !s.IsNotFound()) return s;
    f.reason = s.message();
    c->forecast = std::move(f);
    return Status::OK();
  };
  for (int s = 1; s <= 5; ++s) {
    const std::string expr = fmt::format("reached(campaign: {}) and stage(brand: {}, date: \"{}\") in [{}]",
                                         ExprString(c->campaign), ExprString(c->brand), FormatDate(last),
                                         kStageCodes[static_cast<size_t>(s)]);
    auto n = e.CrowdCount(CrowdQuery{expr, ""});
    if (!n.ok()) return unanswered(n.status());
    f.reached_by_stage[static_cast<size_t>(s)] = n.value();
    staged += n.value();
    if (n.value() == 0) continue;
    auto cohorts = e.PurchasesOfCohorts(ScopeRef{c->brand, std::nullopt}, s, last, origins);
    if (!cohorts.ok()) return unanswered(cohorts.status());
    cohorts.value().members = n.value();
    crowds.push_back(std::move(cohorts).value());
  }
  f.reached_by_stage[0] = c->reach > staged ? c->reach - staged : 0;
  auto sum = ForecastSum(crowds, ahead);
  if (!sum.ok()) {
    f.reason = sum.status().message();
  } else {
    f.expected_buyers = sum->expected;
    if (!sum->draws.empty()) {
      f.buyers_low80 = SortedQuantile(sum->draws, 0.10);
      f.buyers_high80 = SortedQuantile(sum->draws, 0.90);
    } else {
      f.buyers_low80 = f.buyers_high80 = 0;
    }
    if (c->buyers == 0) {
      f.reason = "no reached user has bought yet: there is no GMV per buyer to value further buyers with";
    } else {
      const double v = static_cast<double>(c->gmv) / static_cast<double>(c->buyers);
      const auto so_far = static_cast<double>(c->gmv);
      f.gmv_per_buyer = v;
      f.expected_gmv = so_far + *f.expected_buyers * v;
      f.gmv_low80 = so_far + static_cast<double>(*f.buyers_low80) * v;
      f.gmv_high80 = so_far + static_cast<double>(*f.buyers_high80) * v;
      if (c->spend > 0) {
        const auto spend = static_cast<double>(c->spend);
        f.roi = *f.expected_gmv / spend;
        f.roi_low80 = *f.gmv_low80 / spend;
        f.roi_high80 = *f.gmv_high80 / spend;
      }
    }
  }
  c->forecast = std::move(f);
  return Status::OK();
}

}  // namespace aips
