// The insight arithmetic both engines share: nearest-rank percentiles, the consultation score and its
// nulls, topic growth and the significance rule, weeks, and competition ranking.
#include "engine/insight_math.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

TEST(InsightMath, NearestRank) {
  EXPECT_FALSE(NearestRank({}, 0.5).has_value());
  EXPECT_EQ(*NearestRank({7}, 0.9), 7);
  EXPECT_EQ(*NearestRank({1, 3, 5, 9}, 0.5), 3);                     // ceil(2) = 2nd
  EXPECT_EQ(*NearestRank({1, 3, 5, 9}, 0.9), 9);                     // ceil(3.6) = 4th
  EXPECT_EQ(*NearestRank({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 9);  // 0.9 × 10 is exactly 9
}

TEST(InsightMath, ConsultScoreAndNulls) {
  ConsultFigures f;
  FinishConsultFigures(&f);  // no conversations: every rate and the score are null
  EXPECT_FALSE(f.reply_30s_rate || f.lead_rate || f.night_coverage || f.score || f.cost_per_lead);
  ConsultFigures g;
  g.conversations = 10;
  g.replied_within_30s = 4;
  g.replied_within_5min = 6;
  g.leads = 1;
  g.spend = 3000000;  // 3 units
  FinishConsultFigures(&g);
  // No night conversations: night coverage is null and the 5-minute rate stands in for it.
  EXPECT_FALSE(g.night_coverage.has_value());
  EXPECT_DOUBLE_EQ(*g.score, 100 * (0.4 * 0.4 + 0.2 * 0.6 + 0.2 * 0.6 + 0.2 * 0.5));
  EXPECT_DOUBLE_EQ(*g.cost_per_lead, 3.0);
}

TEST(InsightMath, TopicGrowthRisingAndWeeks) {
  TopicsResult out;
  out.from = DaysFromCivil(2024, 10, 2);  // a Wednesday
  out.to = DaysFromCivil(2024, 10, 15);
  out.engagements = 1000;
  out.prev_engagements = 1000;
  TopicRow r;
  r.engagements = 200;
  r.prev_engagements = 100;
  std::map<Day, TopicWeek> weeks;
  weeks[DaysFromCivil(2024, 10, 7)] = TopicWeek{kNoDay, 2, 50};
  FinishTopicRow(out, weeks, &r);
  EXPECT_DOUBLE_EQ(*r.growth, 1.0);
  EXPECT_GT(r.z, kRisingZ);
  EXPECT_TRUE(r.rising);
  ASSERT_EQ(r.weeks.size(), 3u);  // the Mondays 09-30, 10-07, 10-14; the empty ones included
  EXPECT_EQ(r.weeks[0].week, DaysFromCivil(2024, 9, 30));
  EXPECT_EQ(r.weeks[1].engagements, 50u);
  EXPECT_EQ(r.weeks[2].notes, 0u);
  TopicRow none;
  FinishTopicRow(out, {}, &none);
  EXPECT_FALSE(none.growth.has_value());
  EXPECT_FALSE(none.rising);
}

TEST(InsightMath, RankTiesShareARank) {
  std::vector<TopicRow> t(4);
  t[0].topic = "b", t[0].engagements = 5, t[0].notes = 1;
  t[1].topic = "a", t[1].engagements = 5, t[1].notes = 1;
  t[2].topic = "c", t[2].engagements = 9;
  t[3].topic = "d", t[3].engagements = 5, t[3].notes = 2;
  RankTopics(&t);
  EXPECT_EQ(t[0].topic, "c");
  EXPECT_EQ(t[1].topic, "d");
  EXPECT_EQ(t[2].topic, "a");
  EXPECT_EQ(t[3].topic, "b");
  EXPECT_EQ(t[0].rank, 1u);
  EXPECT_EQ(t[1].rank, 2u);
  EXPECT_EQ(t[2].rank, 3u);
  EXPECT_EQ(t[3].rank, 3u);
}

}  // namespace
}  // namespace aips
