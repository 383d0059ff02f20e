// The forecast model against hand-computed life tables: censoring (a member whose window is still open
// stays at risk only while observed), the cure fraction (members who never buy keep the curve below 1),
// the extrapolated tail, a history without cohorts, and the origins a forecast takes.
#include "engine/forecast_model.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

CohortPurchases Cohorts() {
  // As of day 100, x = 5: origin 90 (follow-up 10) with 4 members, one buying after 2 days, one after 4;
  // origin 99 (follow-up 1) with 2 members, none bought yet.
  CohortPurchases c;
  c.date = 100;
  c.members = 10;
  c.origins = {{90, 4, {{2, 1}, {4, 1}}}, {99, 2, {}}};
  c.distinct_users = 5;
  return c;
}

TEST(ForecastModel, CensoredMembersStayAtRiskOnlyWhileObserved) {
  const LifeTable t = LifeTableOf(Cohorts(), 5);
  ASSERT_EQ(t.at_risk.size(), 5u);
  EXPECT_EQ(t.at_risk, (std::vector<uint64_t>{6, 4, 3, 3, 2}));  // the day-99 cohort counts on day 1 only
  EXPECT_EQ(t.events, (std::vector<uint64_t>{0, 1, 0, 1, 0}));
  EXPECT_EQ(t.pairs, 6u);
  EXPECT_EQ(t.longest_followup, 10);
}

TEST(ForecastModel, KaplanMeierWithACureFraction) {
  const ForecastResult f = FitForecast(Cohorts(), 5);
  // S(5) = 3/4 x 2/3 = 1/2: half never buy within 5 days.
  EXPECT_NEAR(*f.probability, 0.5, 1e-12);
  EXPECT_NEAR(*f.expected_buyers, 5.0, 1e-12);
  EXPECT_LE(*f.low95, *f.low80);
  EXPECT_LE(*f.low80, *f.high80);
  EXPECT_LE(*f.high80, *f.high95);
  EXPECT_LE(*f.high95, 10u);
  EXPECT_NEAR(f.design_effect, 6.0 / 5, 1e-12);
  ASSERT_EQ(f.curve.size(), 5u);
  EXPECT_NEAR(f.curve[1].expected, 10 * 0.25, 1e-12);  // 1 - 3/4 by day 2
  EXPECT_EQ(f.curve[4].date, 105);
  EXPECT_NEAR(*f.baseline_no_censoring, 2.0 / 6 * 10, 1e-12);  // the open windows counted as lost
}

TEST(ForecastModel, TheTailExtendsBeyondTheLongestFollowUp) {
  const ForecastResult f = FitForecast(Cohorts(), 12);
  EXPECT_EQ(f.longest_followup, 10);
  EXPECT_EQ(f.extrapolated_days, 2);
  // Days 1..10: S(10) = 1/2 (no purchase after day 4); tail = events / at risk over days 1..10 =
  // 2 / (6 + 4 + 3 + 3 + 2 x 6) = 2 / 28.
  ASSERT_TRUE(f.tail_hazard.has_value());
  EXPECT_NEAR(*f.tail_hazard, 2.0 / 28, 1e-12);
  EXPECT_NEAR(*f.probability, 1 - 0.5 * (26.0 / 28) * (26.0 / 28), 1e-12);
}

TEST(ForecastModel, NoHistoryNoForecast) {
  CohortPurchases c;
  c.date = 100;
  c.members = 7;
  const ForecastResult f = FitForecast(c, 5);
  EXPECT_FALSE(f.expected_buyers.has_value());
  EXPECT_FALSE(f.low80.has_value());
  EXPECT_FALSE(f.reason.empty());
  EXPECT_EQ(f.members, 7u);
}

TEST(ForecastModel, OriginsWeeklyAfterTheWarmUp) {
  // Data from day 0, forecast as of day 60, x = 10: 59, 52, 45, 38, 31 (>= 30), and 50 (= 60 - 10).
  EXPECT_EQ(ForecastOrigins(0, 60, 10), (std::vector<Day>{31, 38, 45, 50, 52, 59}));
  EXPECT_TRUE(ForecastOrigins(0, 30, 10).empty());
  EXPECT_TRUE(ForecastOrigins(kNoDay, 30, 10).empty());
}

}  // namespace
}  // namespace aips
