// Journeys planned with and without a campaign from the same seed (common random numbers): without an
// effect they differ only in the campaign's id on impressions and clicks; with one, the plan with the
// campaign holds every event of the plan without it.
#include "sim/journey.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

namespace aips::sim {
namespace {

using Key = std::tuple<int, int, int, int64_t, int, int>;  // an event without its campaign

std::vector<Key> Keys(const std::vector<SimEvent>& events) {
  std::vector<Key> keys;
  for (const SimEvent& e : events)
    keys.emplace_back(e.day, static_cast<int>(e.action), e.spu, e.cents, e.channel, e.sentiment);
  std::sort(keys.begin(), keys.end());
  return keys;
}

void PlanBoth(const World& w, int c, uint64_t seed, std::vector<SimEvent>* with,
              std::vector<SimEvent>* without) {
  const Campaign& cp = w.campaigns[static_cast<size_t>(c)];
  const JourneyRef j{cp.brand, cp.start, seed, /*recent=*/2};
  Traits t;
  t.intent = 1.2;
  t.segment = 0;  // the segment targeting prefers most
  with->clear();
  without->clear();
  int engaged = kNoDayYet;
  PlanJourney(w, j, t, {}, with, &engaged);
  const int suppressed[] = {c};
  engaged = kNoDayYet;
  PlanJourney(w, j, t, suppressed, without, &engaged);
}

TEST(JourneyTest, WithoutAnEffectOnlyTheCampaignIdDiffers) {
  SimOptions o;
  o.effects = false;
  const World w = BuildWorld(o, 15);
  std::vector<SimEvent> with, without;
  int shown = 0;
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    PlanBoth(w, 0, seed, &with, &without);
    EXPECT_EQ(Keys(with), Keys(without));
    for (const SimEvent& e : without) EXPECT_NE(e.campaign, 0);
    shown += std::any_of(with.begin(), with.end(), [](const SimEvent& e) { return e.campaign == 0; });
  }
  EXPECT_GT(shown, 300);  // a live campaign pays for most impressions of a targeted, active user
}

TEST(JourneyTest, WithAnEffectTheCampaignOnlyAddsEvents) {
  SimOptions o;
  const World w = BuildWorld(o, 15);
  ASSERT_FALSE(w.campaigns[0].effect.none());  // the leader's first campaign always has one
  std::vector<SimEvent> with, without;
  int more = 0;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    PlanBoth(w, 0, seed, &with, &without);
    const std::vector<Key> a = Keys(with), b = Keys(without);
    EXPECT_TRUE(std::includes(a.begin(), a.end(), b.begin(), b.end())) << "seed " << seed;
    more += a.size() > b.size();
  }
  EXPECT_GT(more, 10);
}

}  // namespace
}  // namespace aips::sim
