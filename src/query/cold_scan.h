// Stages computed straight from the day segments, with no snapshot and no engine state: the "cold" path
// for a rule set that was never precomputed (and what the benchmarks compare with a SQL engine's
// per-user aggregate). One streaming pass over a brand's rows of the days in the window.
//
// A user's stage on day D is the highest stage with at least min_count qualifying events dated in
// [D - W + 1, D] (AIPS.md §3), exactly as the stage engine computes it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "common/date.h"
#include "common/huge_alloc.h"
#include "model/snapshot.h"
#include "model/stage_engine.h"
#include "query/store_event_source.h"

namespace aips {

// Reusable per-user counters (one scan at a time; reuse across scans keeps the pages warm).
class ColdScanner {
 public:
  explicit ColdScanner(uint32_t users) : users_(users) {}

  // stage[i][u]-style callback: fn(user, stages) with stages[i] = code (0 none .. 5 S) on days[i], for
  // every user with a qualifying event in the window. `scope` = kBrandScope or an SPU id. days ascending.
  template <typename Fn>
  Status Scan(const StoreEventSource& src, const RuleMatcher& m, uint32_t brand, uint32_t scope,
              const std::vector<Day>& days, Fn fn);

  // Stage sizes: out[i][s] = users at stage s (1..5) on days[i].
  Result<std::vector<std::array<uint64_t, 6>>> Sizes(const StoreEventSource& src, const RuleMatcher& m,
                                                     uint32_t brand, uint32_t scope,
                                                     const std::vector<Day>& days);
  // Flow matrix between d0 < d1: [a][b], 0 = none; [0][0] = 0.
  Result<std::array<std::array<uint64_t, 6>, 6>> Flow(const StoreEventSource& src, const RuleMatcher& m,
                                                      uint32_t brand, uint32_t scope, Day d0, Day d1);

 private:
  uint32_t users_;
  std::vector<uint16_t, HugeAllocator<uint16_t>> counts_;  // [user][day][stage]
  std::vector<uint32_t> touched_;
};

template <typename Fn>
Status ColdScanner::Scan(const StoreEventSource& src, const RuleMatcher& m, uint32_t brand, uint32_t scope,
                         const std::vector<Day>& days, Fn fn) {
  const RuleSet& rs = m.rules();
  const size_t nd = days.size(), stride = nd * kNumStages;
  if (counts_.size() < static_cast<size_t>(users_) * stride)
    counts_.assign(static_cast<size_t>(users_) * stride, 0);
  touched_.clear();
  std::array<Day, kNumStages> lo_of{};
  for (int s = 0; s < kNumStages; ++s) lo_of[s] = rs.stages[s].window_days - 1;
  const Day lo = days.front() - rs.MaxWindow() + 1, hi = days.back();
  AIPS_RETURN_IF_ERROR(src.ForEachBlock(brand, lo, hi, [&](Day day, const BrandBlock& b) {
    // Which (day, stage) windows this day falls in, per stage bit.
    std::array<uint32_t, kNumStages> in{};  // bit i: day is inside stage s's window as of days[i]
    for (int s = 0; s < kNumStages; ++s)
      for (size_t i = 0; i < nd; ++i)
        if (day <= days[i] && day >= days[i] - lo_of[s]) in[s] |= 1u << i;
    for (size_t k = 0; k < b.n; ++k) {
      if (scope != kBrandScope && b.spu[k] != scope) continue;
      uint32_t mask = m.Mask(b.action[k], b.channel[k], b.sentiment[k]);
      if (mask == 0) continue;
      const uint32_t u = b.user[k];
      uint16_t* c = &counts_[static_cast<size_t>(u) * stride];
      bool fresh = true;
      for (size_t j = 0; j < stride; ++j) fresh &= c[j] == 0;
      bool any = false;
      for (; mask; mask &= mask - 1) {
        const int s = __builtin_ctz(mask);
        for (uint32_t w = in[s]; w; w &= w - 1) {
          const int i = __builtin_ctz(w);
          uint16_t& v = c[static_cast<size_t>(i) * kNumStages + static_cast<size_t>(s)];
          if (v != 0xFFFF) ++v;
          any = true;
        }
      }
      if (any && fresh) touched_.push_back(u);
    }
  }));
  std::vector<uint8_t> stages(nd);
  for (uint32_t u : touched_) {
    uint16_t* c = &counts_[static_cast<size_t>(u) * stride];
    for (size_t i = 0; i < nd; ++i) {
      stages[i] = 0;
      for (int s = kNumStages - 1; s >= 0; --s) {
        if (c[i * kNumStages + static_cast<size_t>(s)] >= rs.stages[s].min_count) {
          stages[i] = static_cast<uint8_t>(s + 1);
          break;
        }
      }
    }
    fn(u, stages.data());
    std::fill(c, c + stride, 0);
  }
  return Status::OK();
}

}  // namespace aips
