// Day views against the snapshot reader they are made from, on a random history of 5 stages.
#include "embedded/day_view.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "model/scope_state.h"

namespace aips {
namespace {

std::unique_ptr<SnapshotReader> RandomSnapshot(int users, int days, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<StageSpec> specs{{30, 1}, {30, 1}, {30, 2}, {30, 1}, {365, 1}};
  ScopeState state(specs, 0);
  std::vector<std::unique_ptr<ScopeSnapshotBuilder>> scopes;
  scopes.push_back(std::make_unique<ScopeSnapshotBuilder>(kBrandScope, 5, 0));
  for (int d = 0; d < days; ++d) {
    for (int k = 0; k < users / 4; ++k) {
      const int s = static_cast<int>(rng() % 100) < 70 ? 0 : static_cast<int>(rng() % 5);
      state.Hit(static_cast<uint32_t>(rng() % users), 1u << s, d);
    }
    std::vector<StageChange> changes;
    state.EndDay(d, &changes);
    scopes[0]->AddDay(d, changes, state);
  }
  return SnapshotReader::FromBytes(SnapshotWriter::Encode(1, 5, 0, days - 1, scopes), "test").value();
}

TEST(DayView, EqualsTheReadersMembersAndFlows) {
  const int users = 5000, days = 40;
  auto snap = RandomSnapshot(users, days, 3);
  DayViewCache cache;
  for (Day d : {0, 5, 15, 16, 17, 31, 39}) {
    DayView* v = cache.Get(1, *snap, kBrandScope, d, users).value();
    std::vector<Roaring> members = snap->Members(kBrandScope, d).value();
    uint64_t total = 0;
    for (uint32_t s = 0; s < 5; ++s) {
      EXPECT_EQ(cache.Set(v, 1u << s), members[s]) << "day " << d << " stage " << s + 1;
      total += members[s].cardinality();
    }
    EXPECT_EQ(v->members.size(), total);
    EXPECT_EQ(cache.Set(v, 0b10101), members[0] | members[2] | members[4]);
    EXPECT_GT(total, 0u);
  }
  // Flows: the merge of two views against per-user codes from the reader's members.
  for (auto [d0, d1] : {std::pair<Day, Day>{0, 39}, {10, 11}, {15, 33}, {39, 39}}) {
    std::vector<int> c0(users, 0), c1(users, 0);
    auto m0 = snap->Members(kBrandScope, d0).value();
    auto m1 = snap->Members(kBrandScope, d1).value();
    for (int s = 0; s < 5; ++s) {
      for (uint32_t u : m0[static_cast<size_t>(s)]) c0[u] = s + 1;
      for (uint32_t u : m1[static_cast<size_t>(s)]) c1[u] = s + 1;
    }
    FlowResult want, got;
    for (int u = 0; u < users; ++u)
      if (c0[u] != 0 || c1[u] != 0) ++want.matrix[c0[u]][c1[u]];
    const DayView* v0 = cache.Get(1, *snap, kBrandScope, d0, users).value();
    const DayView* v1 = cache.Get(1, *snap, kBrandScope, d1, users).value();
    cache.CountFlow(*v0, *v1, &got);
    EXPECT_EQ(got.matrix, want.matrix) << d0 << " -> " << d1;
  }
}

TEST(DayView, KeepsWithinItsBoundAndForgetsAnOldGeneration) {
  const int users = 5000, days = 40;
  auto snap = RandomSnapshot(users, days, 9);
  DayViewCache cache(1);  // every view is over the bound: only the two most recent stay
  DayView* a = cache.Get(1, *snap, kBrandScope, 3, users).value();
  DayView* b = cache.Get(1, *snap, kBrandScope, 4, users).value();
  const std::vector<uint64_t> a_members = a->members;
  EXPECT_EQ(cache.Get(1, *snap, kBrandScope, 3, users).value(), a);  // a hit
  cache.Get(1, *snap, kBrandScope, 5, users).value();                // b, the least recent, goes
  EXPECT_EQ(cache.Get(1, *snap, kBrandScope, 3, users).value()->members, a_members);
  (void)b;
  // Another generation: everything is decoded again, and equal.
  DayView* again = cache.Get(2, *snap, kBrandScope, 3, users).value();
  EXPECT_EQ(again->members, a_members);
}

}  // namespace
}  // namespace aips
