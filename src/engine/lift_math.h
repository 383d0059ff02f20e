// The statistics of holdout lift (docs/measures.md, "Lift"), applied by every engine to the counts it
// gathered, so that the embedded and ClickHouse engines answer alike to the last digit.
//
// Conversion lift per stage: two proportions, treatment (x1 of n1) against control (x2 of n2). The
// interval for their difference is Newcombe's hybrid score interval (method 10 of Newcombe 1998, built
// from the two Wilson score intervals); the p-value is the pooled two-proportion z-test, two-sided; the
// minimum detectable effect is the normal approximation at 80 % power and a two-sided 5 % level with the
// control's rate in both groups. GMV lift: the difference of the per-member means with a normal interval
// from the sample variances (Welch's standard error).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "engine/results.h"

namespace aips {

inline constexpr double kZ95 = 1.959964;   // two-sided 95 %
inline constexpr double kZ80 = 0.8416212;  // one-sided 80 % (power)

struct Interval {
  double low = 0, high = 0;
};

// "auto" (or empty), "holdout" or "matched"; InvalidArgument names the accepted values.
Result<LiftDesign> LiftDesignNamed(std::string_view name);

// A lift answer's frame from its campaign (name, brand, scope, flight, x, windows, spend, maturing,
// measured_through = min(d1 + x, last day with data)); the engine fills the groups' counts.
LiftResult LiftFrame(const std::string& campaign, const CampaignResult& c);
// Adds a group's members without any purchase (group_size minus the members in *gmv) under GMV 0.
void AddNonBuyers(uint64_t group_size, std::map<int64_t, uint64_t>* gmv);

// Wilson's score interval for x successes in n trials (n > 0).
Interval Wilson(uint64_t x, uint64_t n, double z = kZ95);

// One stage's conversions in both groups and what follows from them. Rates and everything after them
// are absent when a group is empty; relative_lift also when the control's rate is 0; p_value when the
// pooled rate is 0 or 1.
struct ProportionLift {
  uint64_t treatment = 0, control = 0;            // converted members
  uint64_t treatment_size = 0, control_size = 0;  // group sizes
  std::optional<double> treatment_rate, control_rate, lift, relative_lift, ci_low, ci_high, p_value,
      incremental_users;
};
ProportionLift LiftOf(uint64_t x_treatment, uint64_t n_treatment, uint64_t x_control, uint64_t n_control);

// The smallest difference of rates these group sizes detect at 80 % power (two-sided 5 %), at the
// control's rate p; absent when a group is empty.
std::optional<double> MinimumDetectableEffect(double p, uint64_t n_treatment, uint64_t n_control);

// Per-member values (GMV in micro-units) of each group, as value → members with it (members without any
// purchase count under 0); means in micro-units.
struct MeanLift {
  std::optional<double> treatment_mean, control_mean, diff, ci_low, ci_high, incremental;
};
MeanLift MeanLiftOf(const std::map<int64_t, uint64_t>& treatment, const std::map<int64_t, uint64_t>& control);

// The matched design (docs/measures.md#matched-lift). Users are alike when they share a stratum (see
// LiftStratum); a stratum is used when it has reached users and pool users, and its weight is its share of
// the matched reached users. The effect on the reached (ATT) per stage is sum_k w_k (p_Rk - p_Uk), its
// variance sum_k w_k^2 (p_Rk (1 - p_Rk) / n_Rk + p_Uk (1 - p_Uk) / n_Uk), the interval normal; GMV alike
// with the strata's means and sample variances. The pool's rate is standardised to the reached users'
// mix (sum_k w_k p_Uk). `incremental` figures apply the effect to every reached user.
inline constexpr int kMatchedActivityDays = 30;  // the category activity looked at: [d0 - 30, d0 - 1]
inline constexpr const char* kSegmentTagPrefix = "segment:";
// Active days 0 → 0, 1 → 1, 2-3 → 2, 4+ → 3.
int ActivityBucket(uint64_t active_days);

struct MatchedLift {
  uint64_t reached = 0, matched_reached = 0, pool = 0, matched_pool = 0, strata = 0, strata_used = 0;
  std::array<ProportionLift, 4> stages;  // treatment: matched reached; control: their matched pool
  MeanLift gmv;
  std::optional<double> mde_ti, mde_p;  // (z95 + z80) x the standard error
};
MatchedLift MatchedLiftOf(const std::vector<LiftStratum>& strata);

}  // namespace aips
