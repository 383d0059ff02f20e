// The holdout split: deterministic, the share asked for, and stable buckets.
#include "engine/holdout_split.h"

#include <gtest/gtest.h>

#include <string>

namespace aips {
namespace {

TEST(HoldoutSplit, SaltIsPerCampaignAndStable) {
  EXPECT_EQ(HoldoutSalt("c1"), HoldoutSalt("c1"));
  EXPECT_NE(HoldoutSalt("c1"), HoldoutSalt("c2"));
  EXPECT_EQ(HoldoutSalt("c1").size(), 32u);
}

TEST(HoldoutSplit, BucketsAreUniformEnough) {
  const std::string salt = HoldoutSalt("spring-launch");
  const uint32_t cut = HoldoutThreshold(20).value();
  EXPECT_EQ(cut, 2000u);
  int control = 0;
  for (int u = 0; u < 20000; ++u) {
    const uint32_t b = HoldoutBucket(salt, "u" + std::to_string(u));
    ASSERT_LT(b, 10000u);
    control += b < cut;
  }
  EXPECT_NEAR(control / 20000.0, 0.20, 0.01);  // binomial sd 0.0028
  EXPECT_EQ(HoldoutBucket(salt, "u7"), HoldoutBucket(salt, "u7"));
}

TEST(HoldoutSplit, ThresholdChecks) {
  EXPECT_FALSE(HoldoutThreshold(0).ok());
  EXPECT_FALSE(HoldoutThreshold(100).ok());
  EXPECT_FALSE(HoldoutThreshold(-5).ok());
  EXPECT_EQ(HoldoutThreshold(12.345).value(), 1235u);
}

}  // namespace
}  // namespace aips
