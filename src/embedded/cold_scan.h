// Stages computed straight from the day segments, with no snapshot and no engine state: the "cold" path
// for a rule set that was never precomputed (and what the benchmarks compare with a SQL engine's
// per-user aggregate). One streaming pass over a brand's rows of the days in the window.
//
// A user's stage on day D is the highest stage with at least min_count qualifying events dated in
// [D - W + 1, D] (docs/definitions.md#stage-rules), exactly as the stage engine computes it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "common/date.h"
#include "common/huge_alloc.h"
#include "embedded/store_event_source.h"
#include "model/snapshot.h"
#include "model/stage_engine.h"

namespace aips {

// The columns a cold scan of `scope` reads (v2 blocks decode only these); SPU only for an SPU scope.
inline uint32_t ScanColumns(uint32_t scope) {
  return kColUser | kColKind | (scope != kBrandScope ? static_cast<uint32_t>(kColSpu) : 0u);
}

// Reusable per-user counters (one scan at a time; reuse across scans keeps the pages warm).
class ColdScanner {
 public:
  // `counters_only`: never take the one-bit fast path (tests compare both paths).
  explicit ColdScanner(uint32_t users, bool counters_only = false)
      : users_(users), counters_only_(counters_only) {}

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
  // The common case (every min_count is 1, at most 3 days): one bit per (day, stage) in 2 bytes per user,
  // 5x smaller than counters, so the array stays in the CPU's caches.
  template <typename Fn>
  Status ScanFlags(const StoreEventSource& src, const RuleMatcher& m, uint32_t brand, uint32_t scope,
                   const std::vector<Day>& days, Fn fn);
  uint32_t users_;
  bool counters_only_;
  std::vector<uint16_t, HugeAllocator<uint16_t>> counts_;  // [user][day][stage]
  std::vector<uint16_t, HugeAllocator<uint16_t>> flags_;   // [user]: bit day * 5 + stage
  std::vector<uint32_t> touched_;
};

template <typename Fn>
Status ColdScanner::Scan(const StoreEventSource& src, const RuleMatcher& m, uint32_t brand, uint32_t scope,
                         const std::vector<Day>& days, Fn fn) {
  const RuleSet& rs = m.rules();
  bool all_once = days.size() <= 3 && !counters_only_;
  for (const StageRule& r : rs.stages) all_once &= r.min_count == 1;
  if (all_once) return ScanFlags(src, m, brand, scope, days, fn);
  const size_t nd = days.size(), stride = nd * kNumStages;
  if (counts_.size() < static_cast<size_t>(users_) * stride)
    counts_.assign(static_cast<size_t>(users_) * stride, 0);
  touched_.clear();
  std::array<Day, kNumStages> lo_of{};
  for (int s = 0; s < kNumStages; ++s) lo_of[s] = rs.stages[s].window_days - 1;
  const Day lo = days.front() - rs.MaxWindow() + 1, hi = days.back();
  AIPS_RETURN_IF_ERROR(src.ForEachBlock(brand, lo, hi, ScanColumns(scope), [&](Day day, const BrandBlock& b) {
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

template <typename Fn>
Status ColdScanner::ScanFlags(const StoreEventSource& src, const RuleMatcher& m, uint32_t brand,
                              uint32_t scope, const std::vector<Day>& days, Fn fn) {
  const RuleSet& rs = m.rules();
  const size_t nd = days.size();
  if (flags_.size() < users_) flags_.assign(users_, 0);
  touched_.clear();
  const Day lo = days.front() - rs.MaxWindow() + 1, hi = days.back();
  AIPS_RETURN_IF_ERROR(src.ForEachBlock(brand, lo, hi, ScanColumns(scope), [&](Day day, const BrandBlock& b) {
    // bits[mask of stages] for this day: which (day, stage) flags an event with that stage mask sets.
    std::array<uint16_t, 32> bits{};
    for (uint32_t mask = 1; mask < 32; ++mask) {
      for (int s = 0; s < kNumStages; ++s) {
        if (!(mask & (1u << s))) continue;
        for (size_t i = 0; i < nd; ++i)
          if (day <= days[i] && day > days[i] - rs.stages[s].window_days)
            bits[mask] |= static_cast<uint16_t>(1u << (i * kNumStages + static_cast<size_t>(s)));
      }
    }
    for (size_t k = 0; k < b.n; ++k) {
      if (scope != kBrandScope && b.spu[k] != scope) continue;
      const uint16_t set = bits[m.Mask(b.action[k], b.channel[k], b.sentiment[k]) & 31u];
      if (set == 0) continue;
      uint16_t& f = flags_[b.user[k]];
      if (f == 0) touched_.push_back(b.user[k]);
      f |= set;
    }
  }));
  std::vector<uint8_t> stages(nd);
  for (uint32_t u : touched_) {
    const uint16_t f = flags_[u];
    for (size_t i = 0; i < nd; ++i) {
      const uint32_t day_bits = (f >> (i * kNumStages)) & 31u;
      stages[i] = day_bits ? static_cast<uint8_t>(32 - __builtin_clz(day_bits)) : 0;
    }
    fn(u, stages.data());
    flags_[u] = 0;
  }
  return Status::OK();
}

}  // namespace aips
