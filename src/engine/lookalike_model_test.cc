// The lookalike model both engines share: request checks, log-lift weights, exact fixed-point scores,
// the features shown, and where tiers end in a ranking with ties.
#include "engine/lookalike_model.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aips {
namespace {

TEST(LookalikeModel, ChecksTheRequest) {
  EXPECT_TRUE(CheckLookalikeRequest(90, {10, 20}).ok());
  EXPECT_FALSE(CheckLookalikeRequest(0, {10}).ok());
  EXPECT_FALSE(CheckLookalikeRequest(3651, {10}).ok());
  EXPECT_FALSE(CheckLookalikeRequest(30, {}).ok());
  EXPECT_EQ(CheckLookalikeRequest(30, {20, 10}).message(),
            "tier sizes must grow (core, high-potential, broad)");
}

TEST(LookalikeModel, WeightsAreSmoothedLogLift) {
  LookalikeCounts c;
  c.names = {"brand:a", "action:view", "brand:never"};
  c.pop = 99;
  c.seed = 9;
  c.pop_n = {10, 99, 0};
  c.seed_n = {9, 9, 0};
  const auto w = LookalikeWeights(c);
  EXPECT_DOUBLE_EQ(w[0], std::log(9.5 / 10) - std::log(10.5 / 100));
  EXPECT_DOUBLE_EQ(w[1], std::log(9.5 / 10) - std::log(99.5 / 100));
  EXPECT_GT(w[0], 2.0);             // 90% of the seed, 10% of the population
  EXPECT_LT(std::abs(w[1]), 0.06);  // everyone has it: tells nothing
  // A feature nobody has is never shown, though its smoothed weight is high.
  const auto top = TopFeatures(c, w);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].first, "brand:a");
  EXPECT_EQ(top[1].first, "action:view");
}

TEST(LookalikeModel, TopFeaturesBreakTiesByNameAndShowTen) {
  LookalikeCounts c;
  for (int i = 0; i < 12; ++i) c.names.push_back("brand:" + std::string(1, static_cast<char>('l' - i)));
  c.pop_n.assign(12, 5);
  c.seed_n.assign(12, 1);
  c.pop = 50;
  c.seed = 5;
  const auto top = TopFeatures(c, LookalikeWeights(c));
  ASSERT_EQ(top.size(), 10u);
  EXPECT_EQ(top[0].first, "brand:a");
  EXPECT_EQ(top[9].first, "brand:j");
}

TEST(LookalikeModel, FixedPointScoresAddExactlyInAnyOrder) {
  const double a = 0.1, b = 0.2, c = -0.3000000000000001;
  EXPECT_EQ(FixedWeight(a) + FixedWeight(b) + FixedWeight(c),
            FixedWeight(c) + FixedWeight(b) + FixedWeight(a));
  EXPECT_NEAR(FixedScore(FixedWeight(a) + FixedWeight(b)), 0.3, 1e-9);
  EXPECT_EQ(FixedWeight(-1.5), -6442450944);  // -1.5 × 2^32
}

TEST(LookalikeModel, TiersCutInsideRunsOfEqualScores) {
  // Scores (fixed point) → candidates: 3 at 30, 4 at 20, 2 at 10.
  const std::map<int64_t, uint64_t> scores = {{30, 3}, {20, 4}, {10, 2}};
  const auto cuts = CutTiers(scores, {2, 3, 5, 100});
  ASSERT_EQ(cuts.size(), 4u);
  EXPECT_EQ(cuts[0].size, 2u);  // two of the three at 30
  EXPECT_EQ(cuts[0].score, 30);
  EXPECT_EQ(cuts[0].at_score, 2u);
  EXPECT_EQ(cuts[1].size, 3u);  // the whole run at 30
  EXPECT_EQ(cuts[1].at_score, 3u);
  EXPECT_EQ(cuts[2].score, 20);  // 3 at 30, then 2 of the 4 at 20
  EXPECT_EQ(cuts[2].at_score, 2u);
  EXPECT_EQ(cuts[3].size, 9u);  // more than the candidates: all of them, down to the lowest score
  EXPECT_EQ(cuts[3].score, 10);
  EXPECT_EQ(cuts[3].at_score, 2u);
  EXPECT_EQ(CutTiers({}, {5})[0].size, 0u);
}

TEST(LookalikeModel, TierNames) {
  EXPECT_EQ(TierName(0, 3), "core");
  EXPECT_EQ(TierName(2, 3), "broad");
  EXPECT_EQ(TierName(0, 4), "tier1");
  EXPECT_EQ(TierName(3, 4), "tier4");
}

}  // namespace
}  // namespace aips
