// Holdout lift statistics against published and hand-computed values: Newcombe's (1998) worked examples
// for method 10, the pooled z-test, the minimum detectable effect, and GMV means; and the edge cases
// (an empty group, no converters, every member converted, a single member).
#include "engine/lift_math.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aips {
namespace {

TEST(LiftMath, WilsonInterval) {
  const Interval w = Wilson(0, 10);  // no successes: the lower limit is 0, the upper is not
  EXPECT_NEAR(w.low, 0.0, 1e-12);
  EXPECT_NEAR(w.high, 0.2775, 1e-4);
  const Interval h = Wilson(5, 10);  // symmetric around 0.5
  EXPECT_NEAR(h.low + h.high, 1.0, 1e-12);
}

TEST(LiftMath, NewcombeMethodTenMatchesThePaper) {
  // Newcombe, Statistics in Medicine 17 (1998), Table II, method 10.
  auto a = LiftOf(56, 70, 48, 80);
  EXPECT_NEAR(*a.ci_low, 0.0524, 5e-5);
  EXPECT_NEAR(*a.ci_high, 0.3339, 5e-5);
  EXPECT_DOUBLE_EQ(*a.lift, 0.8 - 0.6);
  auto b = LiftOf(9, 10, 3, 10);
  EXPECT_NEAR(*b.ci_low, 0.1705, 5e-5);
  EXPECT_NEAR(*b.ci_high, 0.8090, 5e-5);
  auto d = LiftOf(5, 56, 0, 29);  // a control without converters: relative lift has no meaning
  EXPECT_NEAR(*d.ci_low, -0.0381, 5e-5);
  EXPECT_NEAR(*d.ci_high, 0.1926, 5e-5);
  EXPECT_FALSE(d.relative_lift.has_value());
  ASSERT_TRUE(d.p_value.has_value());
}

TEST(LiftMath, PooledZTestAndIncrementalUsers) {
  // 30 of 200 against 20 of 200: pooled 0.125, se = sqrt(0.125 × 0.875 × 0.01), z = 1.5119.
  auto l = LiftOf(30, 200, 20, 200);
  EXPECT_NEAR(*l.p_value, 0.13057, 1e-5);
  EXPECT_NEAR(*l.relative_lift, 0.5, 1e-12);
  EXPECT_NEAR(*l.incremental_users, 10.0, 1e-9);  // 0.05 × 200
  // Ties: equal rates give lift 0, p = 1, and an interval around 0.
  auto t = LiftOf(10, 100, 10, 100);
  EXPECT_DOUBLE_EQ(*t.lift, 0.0);
  EXPECT_NEAR(*t.p_value, 1.0, 1e-12);
  EXPECT_LT(*t.ci_low, 0.0);
  EXPECT_GT(*t.ci_high, 0.0);
}

TEST(LiftMath, NoConvertersOrAllConverted) {
  auto none = LiftOf(0, 50, 0, 80);  // pooled rate 0: no p-value; the interval still stands
  EXPECT_FALSE(none.p_value.has_value());
  EXPECT_DOUBLE_EQ(*none.lift, 0.0);
  EXPECT_NEAR(*none.ci_low, -Wilson(0, 80).high, 1e-12);
  auto all = LiftOf(50, 50, 80, 80);  // pooled rate 1
  EXPECT_FALSE(all.p_value.has_value());
  EXPECT_NEAR(*all.ci_high, 1.0 - Wilson(80, 80).low, 1e-12);
}

TEST(LiftMath, EmptyGroupHasNoRates) {
  auto e = LiftOf(3, 10, 0, 0);
  EXPECT_EQ(e.treatment, 3u);
  EXPECT_FALSE(e.treatment_rate || e.control_rate || e.lift || e.ci_low || e.p_value);
  EXPECT_FALSE(MinimumDetectableEffect(0.1, 10, 0).has_value());
}

TEST(LiftMath, MinimumDetectableEffect) {
  // (1.959964 + 0.8416212) × sqrt(0.1 × 0.9 × (1/1000 + 1/1000)) = 0.0375872
  EXPECT_NEAR(*MinimumDetectableEffect(0.1, 1000, 1000), 0.0375872, 1e-6);
}

TEST(LiftMath, GmvMeansAndInterval) {
  // Treatment: 4 members, GMV 0, 0, 10, 30 (mean 10, variance 200); control: 3 members, 0, 0, 6 (mean 2,
  // variance 12). diff 8 ± 1.959964 × sqrt(200/4 + 12/3).
  const auto m = MeanLiftOf({{0, 2}, {10, 1}, {30, 1}}, {{0, 2}, {6, 1}});
  EXPECT_DOUBLE_EQ(*m.treatment_mean, 10.0);
  EXPECT_DOUBLE_EQ(*m.control_mean, 2.0);
  EXPECT_DOUBLE_EQ(*m.diff, 8.0);
  EXPECT_NEAR(*m.ci_low, 8 - 1.959964 * std::sqrt(54.0), 1e-9);
  EXPECT_NEAR(*m.ci_high, 8 + 1.959964 * std::sqrt(54.0), 1e-9);
  EXPECT_DOUBLE_EQ(*m.incremental, 32.0);
  const auto one = MeanLiftOf({{5, 1}}, {{0, 3}});  // a single treated member: no variance, no interval
  EXPECT_TRUE(one.diff.has_value());
  EXPECT_FALSE(one.ci_low.has_value());
  EXPECT_FALSE(MeanLiftOf({}, {{0, 3}}).diff.has_value());
}

LiftStratum Stratum(uint64_t n_r, uint64_t x_r, uint64_t n_u, uint64_t x_u) {
  LiftStratum k;
  k.size = {n_r, n_u};
  k.converted[0] = {x_r, x_r, x_r, x_r};
  k.converted[1] = {x_u, x_u, x_u, x_u};
  k.gmv[0][0] = n_r;
  k.gmv[1][0] = n_u;
  return k;
}

TEST(LiftMath, MatchedWeightsStrataByTheReached) {
  // Two strata with reached and pool users, one with reached users only (unmatched, left out).
  const std::vector<LiftStratum> strata = {Stratum(2, 1, 2, 0), Stratum(1, 1, 1, 1), Stratum(4, 4, 0, 0)};
  const MatchedLift m = MatchedLiftOf(strata);
  EXPECT_EQ(m.reached, 7u);
  EXPECT_EQ(m.matched_reached, 3u);
  EXPECT_EQ(m.pool, 3u);
  EXPECT_EQ(m.strata_used, 2u);
  const ProportionLift& p = m.stages[0];
  EXPECT_NEAR(*p.treatment_rate, 2.0 / 3, 1e-12);  // 2/3 x 1/2 + 1/3 x 1
  EXPECT_NEAR(*p.control_rate, 1.0 / 3, 1e-12);    // 2/3 x 0 + 1/3 x 1
  EXPECT_NEAR(*p.lift, 1.0 / 3, 1e-12);
  const double se = std::sqrt(4.0 / 9 * (0.25 / 2));  // stratum 2 has no variance on either side
  EXPECT_NEAR(*p.ci_low, 1.0 / 3 - kZ95 * se, 1e-12);
  EXPECT_NEAR(*p.ci_high, 1.0 / 3 + kZ95 * se, 1e-12);
  EXPECT_NEAR(*p.p_value, std::erfc(1.0 / 3 / se / std::sqrt(2.0)), 1e-12);
  EXPECT_NEAR(*p.incremental_users, 7.0 / 3, 1e-12);  // applied to every reached user
  EXPECT_NEAR(*m.gmv.diff, 0.0, 1e-12);
}

TEST(LiftMath, MatchedWithoutAnyStratumOnBothSides) {
  const MatchedLift m = MatchedLiftOf({Stratum(3, 1, 0, 0), Stratum(0, 0, 5, 2)});
  EXPECT_EQ(m.matched_reached, 0u);
  EXPECT_EQ(m.reached, 3u);
  EXPECT_FALSE(m.stages[0].lift.has_value());
  EXPECT_FALSE(m.gmv.diff.has_value());
  EXPECT_FALSE(m.mde_ti.has_value());
}

TEST(LiftMath, MatchedNoVarianceHasNoPValue) {
  // Every stratum converts all or nothing on both sides: the interval is a point and p is absent.
  const MatchedLift m = MatchedLiftOf({Stratum(2, 2, 3, 0)});
  EXPECT_NEAR(*m.stages[1].lift, 1.0, 1e-12);
  EXPECT_NEAR(*m.stages[1].ci_low, 1.0, 1e-12);
  EXPECT_FALSE(m.stages[1].p_value.has_value());
  EXPECT_FALSE(m.stages[1].relative_lift.has_value());  // the pool's rate is 0
}

TEST(LiftMath, ActivityBucketsAndDesignNames) {
  EXPECT_EQ(ActivityBucket(0), 0);
  EXPECT_EQ(ActivityBucket(1), 1);
  EXPECT_EQ(ActivityBucket(2), 2);
  EXPECT_EQ(ActivityBucket(3), 2);
  EXPECT_EQ(ActivityBucket(4), 3);
  EXPECT_EQ(ActivityBucket(30), 3);
  EXPECT_EQ(LiftDesignNamed("").value(), LiftDesign::kAuto);
  EXPECT_EQ(LiftDesignNamed("matched").value(), LiftDesign::kMatched);
  EXPECT_EQ(LiftDesignNamed("holdout").value(), LiftDesign::kHoldout);
  EXPECT_FALSE(LiftDesignNamed("ghost").ok());
}

}  // namespace
}  // namespace aips
