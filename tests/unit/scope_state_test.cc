// The incremental engine against a brute-force reading of docs/definitions.md#stage-rules, on random
// histories with random windows and count thresholds.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "model/scope_state.h"
#include "model/snapshot.h"

namespace aips {
namespace {

TEST(ScopeState, MatchesBruteForceOnRandomHistories) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    const int n_stages = 1 + static_cast<int>(rng() % 5);
    std::vector<StageSpec> specs;
    for (int s = 0; s < n_stages; ++s)
      specs.push_back({1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 3)});
    const int days = 60, users = 30;
    // hits[user][day] = list of stage indexes hit that day (with repeats)
    std::vector<std::vector<std::vector<int>>> hits(users, std::vector<std::vector<int>>(days));
    for (int k = 0; k < 400; ++k)
      hits[rng() % users][rng() % days].push_back(static_cast<int>(rng() % n_stages));
    ScopeState state(specs, 0);
    ScopeSnapshotBuilder builder(kBrandScope, n_stages, 0);
    std::vector<int> current(users, 0);
    for (int d = 0; d < days; ++d) {
      for (int u = 0; u < users; ++u)
        for (int s : hits[u][d]) state.Hit(static_cast<uint32_t>(u), 1u << s, d);
      std::vector<StageChange> changes;
      state.EndDay(d, &changes);
      builder.AddDay(d, changes, state);
      for (auto& c : changes) {
        ASSERT_EQ(current[c.user], c.from);
        current[c.user] = c.to;
      }
      for (int u = 0; u < users; ++u) {
        int want = 0;
        for (int s = n_stages - 1; s >= 0 && want == 0; --s) {
          int count = 0;
          for (int q = std::max(0, d - specs[s].window_days + 1); q <= d; ++q)
            for (int h : hits[u][q]) count += h == s;
          if (count >= specs[s].min_count) want = s + 1;
        }
        ASSERT_EQ(current[u], want) << "trial " << trial << " user " << u << " day " << d;
      }
    }
  }
}

}  // namespace
}  // namespace aips
