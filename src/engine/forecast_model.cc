#include "engine/forecast_model.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "domain/domain.h"
#include "fmt/format.h"

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

}  // namespace

uint64_t SortedQuantile(const std::vector<uint64_t>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  const auto i = static_cast<size_t>(std::clamp(std::ceil(p * n) - 1, 0.0, n - 1));
  return sorted[i];
}

namespace {

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

namespace {

// The model fitted to one stage's cohorts: the life table's hazards, the tail, the prior and the design
// effect (everything a simulated future needs).
struct Fitted {
  bool ok = false;
  LifeTable table;
  int k_obs = 0;
  uint64_t tail_events = 0, tail_risk = 0;
  double tail = 0, prior = 0, deff = 1;
  double dispersion = 1, frailty_sd = 0;  // between-cohort drift (Drift below)
  std::vector<double> cumulative;         // F(1..x)
};

// Between-cohort drift: cohorts do not all buy alike (campaigns, seasons), and today's crowd is one more
// cohort. Over the cohorts observed for h = min(x, 14) days at least (3 or more), Pearson's dispersion
// phi = X^2 / (m - 1) of their shares bought within h against the pooled share p; the relative
// between-cohort variance beyond chance, (phi - 1)(1 - p) / (n p) with n the mean cohort size, becomes the
// variance of a log-normal multiplier of every hazard in a simulated future (0 when phi <= 1).
void Drift(const CohortPurchases& c, int x, Fitted* f) {
  const int h = std::min(x, kForecastDriftDays);
  std::vector<std::pair<double, double>> cohorts;  // (size, bought within h)
  double size = 0, bought = 0;
  for (const auto& o : c.origins) {
    if (o.size == 0 || c.date - o.day < h) continue;
    double b = 0;
    for (auto& [k, n] : o.first_purchase)
      if (k <= h) b += static_cast<double>(n);
    cohorts.emplace_back(static_cast<double>(o.size), b);
    size += static_cast<double>(o.size);
    bought += b;
  }
  if (cohorts.size() < 3 || bought <= 0 || bought >= size) return;
  const double p = bought / size;
  double x2 = 0;
  for (auto& [n, b] : cohorts) x2 += (b - n * p) * (b - n * p) / (n * p * (1 - p));
  f->dispersion = x2 / static_cast<double>(cohorts.size() - 1);
  if (f->dispersion <= 1) return;
  const double mean_size = size / static_cast<double>(cohorts.size());
  f->frailty_sd = std::sqrt((f->dispersion - 1) * (1 - p) / (mean_size * p));
}

Fitted Fit(const CohortPurchases& c, int x) {
  Fitted f;
  f.table = LifeTableOf(c, x);
  const LifeTable& t = f.table;
  if (t.at_risk.empty() || t.at_risk[0] == 0) return f;
  f.ok = true;
  f.k_obs = static_cast<int>(t.at_risk.size());
  for (int k = std::max(1, f.k_obs - kForecastTailDays + 1); k <= f.k_obs; ++k) {
    f.tail_events += t.events[static_cast<size_t>(k - 1)];
    f.tail_risk += t.at_risk[static_cast<size_t>(k - 1)];
  }
  f.tail = f.tail_risk ? static_cast<double>(f.tail_events) / static_cast<double>(f.tail_risk) : 0.0;
  f.deff = c.distinct_users
               ? std::max(1.0, static_cast<double>(t.pairs) / static_cast<double>(c.distinct_users))
               : 1.0;
  // Point estimate: the life table's survival, extended by the tail hazard.
  f.cumulative.resize(static_cast<size_t>(x));
  double survive = 1;
  uint64_t all_events = 0, all_risk = 0;
  for (int k = 1; k <= x; ++k) {
    double h = f.tail;
    if (k <= f.k_obs) {
      const uint64_t r = t.at_risk[static_cast<size_t>(k - 1)];
      h = r ? static_cast<double>(t.events[static_cast<size_t>(k - 1)]) / static_cast<double>(r) : 0.0;
      all_events += t.events[static_cast<size_t>(k - 1)];
      all_risk += r;
    }
    survive *= 1 - h;
    f.cumulative[static_cast<size_t>(k - 1)] = 1 - survive;
  }
  // A weak prior centred on the pooled hazard of the observed days (one observation's weight), so that a
  // day without purchases is not pulled up as a Jeffreys prior would pull it.
  f.prior = std::clamp(static_cast<double>(all_events) / static_cast<double>(all_risk), 1e-6, 1 - 1e-6);
  Drift(c, x, &f);
  return f;
}

// Adds `members`' simulated buyers to by_day[k - 1][draw]: per draw, hazards from their posteriors, then
// the members' purchases day by day.
void Simulate(const Fitted& f, uint64_t members, int x, const std::vector<double>& drift,
              std::mt19937_64& rng, std::vector<std::vector<uint64_t>>* by_day) {
  const LifeTable& t = f.table;
  std::vector<double> h(static_cast<size_t>(x));
  for (int draw = 0; draw < kForecastDraws; ++draw) {
    // This future's cohort: every hazard times a log-normal multiplier of mean 1 (none without drift). The
    // standard normal is the future's, shared by every crowd simulated with it: drift moves them together.
    const double s = f.frailty_sd;
    const double frailty = s > 0 ? std::exp(s * drift[static_cast<size_t>(draw)] - s * s / 2) : 1.0;
    for (int k = 1; k <= std::min(x, f.k_obs); ++k) {
      const auto e = static_cast<double>(t.events[static_cast<size_t>(k - 1)]) / f.deff;
      const auto r = static_cast<double>(t.at_risk[static_cast<size_t>(k - 1)]) / f.deff;
      h[static_cast<size_t>(k - 1)] = BetaDraw(rng, e + f.prior, r - e + 1 - f.prior);
    }
    if (x > f.k_obs) {
      const double ht = BetaDraw(rng, static_cast<double>(f.tail_events) / f.deff + f.prior,
                                 static_cast<double>(f.tail_risk - f.tail_events) / f.deff + 1 - f.prior);
      for (int k = f.k_obs + 1; k <= x; ++k) h[static_cast<size_t>(k - 1)] = ht;
    }
    uint64_t bought = 0;
    for (int k = 1; k <= x; ++k) {
      if (members > bought) {
        std::binomial_distribution<uint64_t> day(members - bought,
                                                 std::min(1.0, h[static_cast<size_t>(k - 1)] * frailty));
        bought += day(rng);
      }
      (*by_day)[static_cast<size_t>(k - 1)][static_cast<size_t>(draw)] += bought;
    }
  }
}

std::mt19937_64 Rng(uint64_t members, int x) {
  return std::mt19937_64(0x61697073u ^ (members * 0x9E3779B97F4A7C15ull) ^ static_cast<uint64_t>(x));
}

// One standard normal per simulated future: its drift.
std::vector<double> DriftDraws(std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> z(kForecastDraws);
  for (double& v : z) v = normal(rng);
  return z;
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
  const Fitted f = Fit(c, x);
  out.pairs = f.table.pairs;
  out.longest_followup = f.table.longest_followup;
  if (!f.ok) {
    out.reason = "no earlier cohort at this stage to learn from: the history before the date holds none";
    return out;
  }
  out.extrapolated_days = x - f.k_obs;
  if (out.extrapolated_days > 0) out.tail_hazard = f.tail;
  out.design_effect = f.deff;
  out.dispersion = f.dispersion;
  out.between_cohort_sd = f.frailty_sd;
  out.probability = f.cumulative.back();
  const auto n = static_cast<double>(c.members);
  out.expected_buyers = *out.probability * n;
  std::mt19937_64 rng = Rng(c.members, x);
  const std::vector<double> drift = DriftDraws(rng);
  std::vector<std::vector<uint64_t>> by_day(static_cast<size_t>(x), std::vector<uint64_t>(kForecastDraws));
  Simulate(f, c.members, x, drift, rng, &by_day);
  for (int k = 1; k <= x; ++k) {
    std::vector<uint64_t>& v = by_day[static_cast<size_t>(k - 1)];
    std::sort(v.begin(), v.end());
    out.curve.push_back({c.date + k, f.cumulative[static_cast<size_t>(k - 1)] * n, SortedQuantile(v, 0.10),
                         SortedQuantile(v, 0.90)});
  }
  const std::vector<uint64_t>& last = by_day.back();
  out.low80 = SortedQuantile(last, 0.10);
  out.high80 = SortedQuantile(last, 0.90);
  out.low95 = SortedQuantile(last, 0.025);
  out.high95 = SortedQuantile(last, 0.975);
  return out;
}

Result<CrowdSumForecast> ForecastSum(const std::vector<CohortPurchases>& crowds, int x) {
  CrowdSumForecast out;
  if (x < 1) return Status::InvalidArgument("a forecast needs at least one day ahead");
  uint64_t members = 0;
  std::vector<Fitted> fits;
  for (const CohortPurchases& c : crowds) {
    fits.push_back(Fit(c, x));
    members += c.members;
    if (c.members == 0) continue;
    if (!fits.back().ok)
      return Status::InvalidArgument(
          fmt::format("no earlier cohort at stage {} to learn from: the history before {} holds none",
                      kStageCodes[static_cast<size_t>(c.stage)], FormatDate(c.date)));
    out.expected += fits.back().cumulative.back() * static_cast<double>(c.members);
  }
  out.members = members;
  std::mt19937_64 rng = Rng(members, x);
  const std::vector<double> drift = DriftDraws(rng);
  std::vector<std::vector<uint64_t>> by_day(static_cast<size_t>(x), std::vector<uint64_t>(kForecastDraws));
  for (size_t i = 0; i < crowds.size(); ++i)
    if (crowds[i].members > 0) Simulate(fits[i], crowds[i].members, x, drift, rng, &by_day);
  out.draws = std::move(by_day.back());
  std::sort(out.draws.begin(), out.draws.end());
  return out;
}

}  // namespace aips
