#include "engine/forecast_model.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace aips {

std::vector<Day> ForecastOrigins(Day first_data_day, Day date, int x) {
  std::vector<Day> out;
  if (first_data_day == kNoDay || date == kNoDay) return out;
  const Day lo = std::max(first_data_day + kForecastWarmupDays, date - kForecastHistoryDays);
  for (Day d = date - 1; d >= lo; d -= kForecastOriginStep) out.push_back(d);
  if (date - x >= first_data_day + kForecastWarmupDays && date - x < date) out.push_back(date - x);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

LifeTable LifeTableOf(const CohortPurchases& c, int x) {
  LifeTable t;
  for (const auto& o : c.origins)
    if (o.size > 0) t.longest_followup = std::max(t.longest_followup, static_cast<int>(c.date - o.day));
  const int k_max = std::min(x, t.longest_followup);
  t.at_risk.assign(static_cast<size_t>(k_max), 0);
  t.events.assign(static_cast<size_t>(k_max), 0);
  for (const auto& o : c.origins) {
    if (o.size == 0) continue;
    t.pairs += o.size;
    const int followup = static_cast<int>(c.date - o.day);
    uint64_t left = o.size;  // members without a purchase before delay k
    for (int k = 1; k <= std::min(k_max, followup); ++k) {
      t.at_risk[static_cast<size_t>(k - 1)] += left;
      auto it = o.first_purchase.find(k);
      const uint64_t bought = it == o.first_purchase.end() ? 0 : it->second;
      t.events[static_cast<size_t>(k - 1)] += bought;
      left -= std::min(left, bought);
    }
  }
  return t;
}

namespace {

double BetaDraw(std::mt19937_64& rng, double a, double b) {
  std::gamma_distribution<double> ga(a, 1.0), gb(b, 1.0);
  const double u = ga(rng), v = gb(rng);
  return u + v > 0 ? u / (u + v) : 0.0;
}

uint64_t Quantile(const std::vector<uint64_t>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  const auto i = static_cast<size_t>(std::clamp(std::ceil(p * n) - 1, 0.0, n - 1));
  return sorted[i];
}

void Baselines(const CohortPurchases& c, int x, ForecastResult* out) {
  uint64_t size = 0, bought = 0;
  for (const auto& o : c.origins) {
    const int window = std::min(x, static_cast<int>(c.date - o.day));
    uint64_t b = 0;
    for (auto& [k, n] : o.first_purchase)
      if (k <= window) b += n;
    size += o.size;
    bought += b;
    if (o.day == c.date - x && o.size > 0)
      out->baseline_share =
          static_cast<double>(b) / static_cast<double>(o.size) * static_cast<double>(c.members);
  }
  if (size > 0)
    out->baseline_no_censoring =
        static_cast<double>(bought) / static_cast<double>(size) * static_cast<double>(c.members);
}

}  // namespace

ForecastResult FitForecast(const CohortPurchases& c, int x) {
  ForecastResult out;
  out.scope = c.scope;
  out.stage = c.stage;
  out.date = c.date;
  out.x = x;
  out.members = c.members;
  out.distinct_users = c.distinct_users;
  for (const auto& o : c.origins) {
    if (o.size == 0) continue;
    ++out.origins;
    out.history_from = out.history_from == kNoDay ? o.day : std::min(out.history_from, o.day);
    out.history_to = std::max(out.history_to, o.day);
  }
  Baselines(c, x, &out);
  const LifeTable t = LifeTableOf(c, x);
  out.pairs = t.pairs;
  out.longest_followup = t.longest_followup;
  if (t.at_risk.empty() || t.at_risk[0] == 0) {
    out.reason = "no earlier cohort at this stage to learn from: the history before the date holds none";
    return out;
  }
  const int k_obs = static_cast<int>(t.at_risk.size());
  out.extrapolated_days = x - k_obs;
  uint64_t tail_events = 0, tail_risk = 0;
  for (int k = std::max(1, k_obs - kForecastTailDays + 1); k <= k_obs; ++k) {
    tail_events += t.events[static_cast<size_t>(k - 1)];
    tail_risk += t.at_risk[static_cast<size_t>(k - 1)];
  }
  const double tail = tail_risk ? static_cast<double>(tail_events) / static_cast<double>(tail_risk) : 0.0;
  if (out.extrapolated_days > 0) out.tail_hazard = tail;
  out.design_effect =
      c.distinct_users ? std::max(1.0, static_cast<double>(t.pairs) / static_cast<double>(c.distinct_users))
                       : 1.0;
  // Point estimate: the life table's survival, extended by the tail hazard.
  std::vector<double> cumulative(static_cast<size_t>(x));
  double survive = 1;
  for (int k = 1; k <= x; ++k) {
    double h = tail;
    if (k <= k_obs) {
      const uint64_t r = t.at_risk[static_cast<size_t>(k - 1)];
      h = r ? static_cast<double>(t.events[static_cast<size_t>(k - 1)]) / static_cast<double>(r) : 0.0;
    }
    survive *= 1 - h;
    cumulative[static_cast<size_t>(k - 1)] = 1 - survive;
  }
  out.probability = x > 0 ? cumulative.back() : 0.0;
  const auto n = static_cast<double>(c.members);
  out.expected_buyers = *out.probability * n;
  // Simulated futures: hazards from their posteriors, then the members' purchases day by day.
  std::mt19937_64 rng(0x61697073u ^ (c.members * 0x9E3779B97F4A7C15ull) ^ static_cast<uint64_t>(x));
  const double deff = out.design_effect;
  // A weak prior centred on the pooled hazard of the observed days (one observation's weight), so that a
  // day without purchases is not pulled up as a Jeffreys prior would pull it.
  uint64_t all_events = 0, all_risk = 0;
  for (int k = 1; k <= k_obs; ++k) {
    all_events += t.events[static_cast<size_t>(k - 1)];
    all_risk += t.at_risk[static_cast<size_t>(k - 1)];
  }
  const double prior =
      std::clamp(static_cast<double>(all_events) / static_cast<double>(all_risk), 1e-6, 1 - 1e-6);
  std::vector<std::vector<uint64_t>> by_day(static_cast<size_t>(x), std::vector<uint64_t>(kForecastDraws));
  std::vector<double> h(static_cast<size_t>(x));
  for (int draw = 0; draw < kForecastDraws; ++draw) {
    for (int k = 1; k <= std::min(x, k_obs); ++k) {
      const auto e = static_cast<double>(t.events[static_cast<size_t>(k - 1)]) / deff;
      const auto r = static_cast<double>(t.at_risk[static_cast<size_t>(k - 1)]) / deff;
      h[static_cast<size_t>(k - 1)] = BetaDraw(rng, e + prior, r - e + 1 - prior);
    }
    if (x > k_obs) {
      const double ht = BetaDraw(rng, static_cast<double>(tail_events) / deff + prior,
                                 static_cast<double>(tail_risk - tail_events) / deff + 1 - prior);
      for (int k = k_obs + 1; k <= x; ++k) h[static_cast<size_t>(k - 1)] = ht;
    }
    uint64_t bought = 0;
    for (int k = 1; k <= x; ++k) {
      if (c.members > bought) {
        std::binomial_distribution<uint64_t> day(c.members - bought, h[static_cast<size_t>(k - 1)]);
        bought += day(rng);
      }
      by_day[static_cast<size_t>(k - 1)][static_cast<size_t>(draw)] = bought;
    }
  }
  for (int k = 1; k <= x; ++k) {
    std::vector<uint64_t>& v = by_day[static_cast<size_t>(k - 1)];
    std::sort(v.begin(), v.end());
    out.curve.push_back(
        {c.date + k, cumulative[static_cast<size_t>(k - 1)] * n, Quantile(v, 0.10), Quantile(v, 0.90)});
    if (k == x) {
      out.low80 = Quantile(v, 0.10);
      out.high80 = Quantile(v, 0.90);
      out.low95 = Quantile(v, 0.025);
      out.high95 = Quantile(v, 0.975);
    }
  }
  if (x == 0) out.low80 = out.high80 = out.low95 = out.high95 = 0;
  return out;
}

}  // namespace aips
