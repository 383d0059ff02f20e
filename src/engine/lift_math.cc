#include "engine/lift_math.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"

namespace aips {

Result<LiftDesign> LiftDesignNamed(std::string_view name) {
  if (name.empty() || name == "auto") return LiftDesign::kAuto;
  if (name == "holdout") return LiftDesign::kHoldout;
  if (name == "matched") return LiftDesign::kMatched;
  return Status::InvalidArgument(
      fmt::format("design '{}' is not one of auto, holdout, matched (docs/measures.md#lift)", name));
}

LiftResult LiftFrame(const std::string& campaign, const CampaignResult& c) {
  LiftResult out;
  out.campaign = campaign;
  out.brand = c.brand;
  out.spu = c.spu;
  out.start = c.start;
  out.end = c.end;
  out.x_days = c.x_days;
  out.window_end = c.window_end;
  out.last_data_day = c.last_data_day;
  out.spend = c.spend;
  out.maturing = c.last_data_day == kNoDay || c.window_end > c.last_data_day;
  out.measured_through = c.last_data_day == kNoDay ? c.window_end : std::min(c.window_end, c.last_data_day);
  return out;
}

void AddNonBuyers(uint64_t group_size, std::map<int64_t, uint64_t>* gmv) {
  uint64_t buyers = 0;
  for (auto& [v, n] : *gmv) buyers += n;
  if (group_size > buyers) (*gmv)[0] += group_size - buyers;
}

Interval Wilson(uint64_t x, uint64_t n, double z) {
  const auto xs = static_cast<double>(x), ns = static_cast<double>(n);
  const double z2 = z * z;
  const double center = (xs + z2 / 2) / (ns + z2);
  const double half = z * std::sqrt(xs * (ns - xs) / ns + z2 / 4) / (ns + z2);
  return {center - half, center + half};
}

ProportionLift LiftOf(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2) {
  ProportionLift out;
  out.treatment = x1;
  out.control = x2;
  out.treatment_size = n1;
  out.control_size = n2;
  if (n1 == 0 || n2 == 0) return out;
  const double p1 = static_cast<double>(x1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(x2) / static_cast<double>(n2);
  out.treatment_rate = p1;
  out.control_rate = p2;
  out.lift = p1 - p2;
  if (p2 > 0) out.relative_lift = (p1 - p2) / p2;
  // Newcombe's method 10: the Wilson limits of each rate, combined.
  const Interval w1 = Wilson(x1, n1), w2 = Wilson(x2, n2);
  out.ci_low = (p1 - p2) - std::sqrt((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2));
  out.ci_high = (p1 - p2) + std::sqrt((w1.high - p1) * (w1.high - p1) + (p2 - w2.low) * (p2 - w2.low));
  const double pooled = static_cast<double>(x1 + x2) / static_cast<double>(n1 + n2);
  if (pooled > 0 && pooled < 1) {
    const double se =
        std::sqrt(pooled * (1 - pooled) * (1 / static_cast<double>(n1) + 1 / static_cast<double>(n2)));
    out.p_value = std::erfc(std::abs(p1 - p2) / se / std::sqrt(2.0));
  }
  out.incremental_users = (p1 - p2) * static_cast<double>(n1);
  return out;
}

std::optional<double> MinimumDetectableEffect(double p, uint64_t n1, uint64_t n2) {
  if (n1 == 0 || n2 == 0) return std::nullopt;
  return (kZ95 + kZ80) * std::sqrt(p * (1 - p) * (1 / static_cast<double>(n1) + 1 / static_cast<double>(n2)));
}

namespace {

struct Moments {
  double n = 0, mean = 0, var = 0;  // var: sample variance (n - 1), 0 below two members
};

Moments MomentsOf(const std::map<int64_t, uint64_t>& values) {
  Moments m;
  __int128 sum = 0;
  uint64_t n = 0;
  for (auto& [v, c] : values) {
    sum += static_cast<__int128>(v) * c;
    n += c;
  }
  m.n = static_cast<double>(n);
  if (n == 0) return m;
  m.mean = static_cast<double>(sum) / m.n;
  double ss = 0;
  for (auto& [v, c] : values)
    ss += static_cast<double>(c) * (static_cast<double>(v) - m.mean) * (static_cast<double>(v) - m.mean);
  m.var = n > 1 ? ss / (m.n - 1) : 0;
  return m;
}

}  // namespace

MeanLift MeanLiftOf(const std::map<int64_t, uint64_t>& treatment,
                    const std::map<int64_t, uint64_t>& control) {
  MeanLift out;
  const Moments t = MomentsOf(treatment), c = MomentsOf(control);
  if (t.n > 0) out.treatment_mean = t.mean;
  if (c.n > 0) out.control_mean = c.mean;
  if (t.n == 0 || c.n == 0) return out;
  out.diff = t.mean - c.mean;
  out.incremental = (t.mean - c.mean) * t.n;
  if (t.n > 1 && c.n > 1) {
    const double se = std::sqrt(t.var / t.n + c.var / c.n);
    out.ci_low = *out.diff - kZ95 * se;
    out.ci_high = *out.diff + kZ95 * se;
  }
  return out;
}

int ActivityBucket(uint64_t active_days) {
  if (active_days <= 1) return static_cast<int>(active_days);
  return active_days <= 3 ? 2 : 3;
}

namespace {

double Rate(uint64_t x, uint64_t n) { return static_cast<double>(x) / static_cast<double>(n); }

std::optional<double> TwoSidedP(double diff, double se) {
  if (!(se > 0)) return std::nullopt;
  return std::erfc(std::abs(diff) / se / std::sqrt(2.0));
}

}  // namespace

MatchedLift MatchedLiftOf(const std::vector<LiftStratum>& strata) {
  MatchedLift out;
  out.strata = strata.size();
  for (const LiftStratum& k : strata) {
    out.reached += k.size[0];
    out.pool += k.size[1];
    if (k.size[0] == 0 || k.size[1] == 0) continue;
    out.matched_reached += k.size[0];
    out.matched_pool += k.size[1];
    ++out.strata_used;
  }
  for (ProportionLift& p : out.stages) {
    p.treatment_size = out.matched_reached;
    p.control_size = out.matched_pool;
  }
  if (out.matched_reached == 0) return out;
  const double n = static_cast<double>(out.matched_reached);
  for (size_t s = 0; s < 4; ++s) {
    ProportionLift& p = out.stages[s];
    double rate_r = 0, rate_u = 0, var = 0;
    for (const LiftStratum& k : strata) {
      if (k.size[0] == 0 || k.size[1] == 0) continue;
      const double w = static_cast<double>(k.size[0]) / n;
      const double pr = Rate(k.converted[0][s], k.size[0]), pu = Rate(k.converted[1][s], k.size[1]);
      p.treatment += k.converted[0][s];
      p.control += k.converted[1][s];
      rate_r += w * pr;
      rate_u += w * pu;
      var +=
          w * w *
          (pr * (1 - pr) / static_cast<double>(k.size[0]) + pu * (1 - pu) / static_cast<double>(k.size[1]));
    }
    const double se = std::sqrt(var);
    p.treatment_rate = rate_r;
    p.control_rate = rate_u;
    p.lift = rate_r - rate_u;
    if (rate_u > 0) p.relative_lift = (rate_r - rate_u) / rate_u;
    p.ci_low = *p.lift - kZ95 * se;
    p.ci_high = *p.lift + kZ95 * se;
    p.p_value = TwoSidedP(*p.lift, se);
    p.incremental_users = *p.lift * static_cast<double>(out.reached);
    if (s == 1) out.mde_ti = (kZ95 + kZ80) * se;
    if (s == 2) out.mde_p = (kZ95 + kZ80) * se;
  }
  double mean_r = 0, mean_u = 0, var = 0;
  for (const LiftStratum& k : strata) {
    if (k.size[0] == 0 || k.size[1] == 0) continue;
    const double w = static_cast<double>(k.size[0]) / n;
    const Moments r = MomentsOf(k.gmv[0]), u = MomentsOf(k.gmv[1]);
    mean_r += w * r.mean;
    mean_u += w * u.mean;
    if (r.n > 0 && u.n > 0) var += w * w * (r.var / r.n + u.var / u.n);
  }
  out.gmv.treatment_mean = mean_r;
  out.gmv.control_mean = mean_u;
  out.gmv.diff = mean_r - mean_u;
  out.gmv.ci_low = *out.gmv.diff - kZ95 * std::sqrt(var);
  out.gmv.ci_high = *out.gmv.diff + kZ95 * std::sqrt(var);
  out.gmv.incremental = *out.gmv.diff * static_cast<double>(out.reached);
  return out;
}

}  // namespace aips
