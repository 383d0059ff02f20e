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

}  // namespace

Result<int> ForecastStage(std::string_view code, std::string_view option) {
  if (code.empty()) return 3;
  auto s = ParseStage(code);
  if (!s || *s == Stage::kNone)
    return Status::InvalidArgument(fmt::format("{} {} is not one of A, I, TI, P, S", option, code));
  return static_cast<int>(*s);
}

namespace {

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
  // What each origin's crowd bought in (D, D + x]: every origin ends by the last day, so one question
  // as of the last day holds them all.
  CohortPurchases happened;
  if (!origins.empty()) {
    AIPS_ASSIGN_OR_RETURN(happened, e.PurchasesOfCohorts(scope, stage, days.second, origins));
  }
  // WAPE = sum |actual - forecast| / sum actual, over the rows where the forecast exists.
  struct Wape {
    double error = 0, actual = 0;
    size_t rows = 0;
    void Add(double actual_buyers, const std::optional<double>& forecast) {
      if (!forecast) return;
      error += std::abs(actual_buyers - *forecast);
      actual += actual_buyers;
      ++rows;
    }
    std::optional<double> Value() const { return actual > 0 ? std::optional(error / actual) : std::nullopt; }
  } model, share, no_censoring;
  size_t in80 = 0, in95 = 0;
  for (size_t i = 0; i < origins.size(); ++i) {
    BacktestRow row;
    AIPS_ASSIGN_OR_RETURN(
        CohortPurchases c,
        e.PurchasesOfCohorts(scope, stage, origins[i], ForecastOrigins(days.first, origins[i], x)));
    row.forecast = FitForecast(c, x);
    for (auto& [k, n] : happened.origins.at(i).first_purchase)
      if (k <= x) row.actual += n;
    const auto actual = static_cast<double>(row.actual);
    const ForecastResult& f = row.forecast;
    model.Add(actual, f.expected_buyers);
    share.Add(actual, f.baseline_share);
    no_censoring.Add(actual, f.baseline_no_censoring);
    if (f.expected_buyers) {
      in80 += *f.low80 <= row.actual && row.actual <= *f.high80;
      in95 += *f.low95 <= row.actual && row.actual <= *f.high95;
    }
    out.rows.push_back(std::move(row));
  }
  out.wape = model.Value();
  out.wape_share = share.Value();
  out.wape_no_censoring = no_censoring.Value();
  out.forecast_rows = model.rows;
  out.share_rows = share.rows;
  out.no_censoring_rows = no_censoring.rows;
  if (model.rows) {
    out.coverage80 = static_cast<double>(in80) / static_cast<double>(model.rows);
    out.coverage95 = static_cast<double>(in95) / static_cast<double>(model.rows);
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
