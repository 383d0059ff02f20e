#include "model/stage_engine.h"

#include <algorithm>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "model/scope_state.h"
#include "model/snapshot.h"

namespace aips {

RuleMatcher::RuleMatcher(const RuleSet& rules, const Dictionary& channels) : rules_(rules) {
  channel_ids_.resize(kNumStages);
  for (int s = 0; s < kNumStages; ++s) {
    const StageRule& r = rules.stages[s];
    for (int a = 0; a < kNumActions; ++a)
      if (r.action_mask & (1u << a)) action_mask_[a] |= 1u << s;
    if (!r.channels.empty() || r.sentiment_mask != 0) filtered_ |= 1u << s;
    for (const std::string& c : r.channels) {
      auto id = channels.Find(c);
      if (id) channel_ids_[s].push_back(static_cast<uint16_t>(*id));
    }
  }
}

uint32_t RuleMatcher::Filter(uint32_t m, uint16_t channel, uint8_t sentiment) const {
  for (uint32_t f = m & filtered_; f != 0; f &= f - 1) {
    const int s = __builtin_ctz(f);
    const StageRule& r = rules_.stages[s];
    bool ok = true;
    if (!r.channels.empty()) {
      ok = std::find(channel_ids_[s].begin(), channel_ids_[s].end(), channel) != channel_ids_[s].end();
    }
    if (ok && r.sentiment_mask != 0) ok = (r.sentiment_mask >> sentiment) & 1u;
    if (!ok) m &= ~(1u << s);
  }
  return m;
}

namespace {

std::vector<StageSpec> BrandSpecs(const RuleSet& rs) {
  std::vector<StageSpec> specs;
  for (auto& r : rs.stages) specs.push_back({r.window_days, r.min_count});
  return specs;
}

struct Scope {
  ScopeState state;
  ScopeSnapshotBuilder builder;
};

}  // namespace

Result<std::string> ComputeBrand(const EventSource& source, uint32_t brand, const std::vector<uint32_t>& spus,
                                 const RuleMatcher& matcher, SubjectRun run, uint64_t fingerprint) {
  const std::vector<StageSpec> specs = BrandSpecs(matcher.rules());
  std::vector<std::unique_ptr<Scope>> scopes;
  absl::flat_hash_map<uint32_t, Scope*> by_spu;
  auto add_scope = [&](uint32_t id) {
    scopes.push_back(std::make_unique<Scope>(
        Scope{ScopeState(specs, run.first_day), ScopeSnapshotBuilder(id, kNumStages, run.first_day)}));
    return scopes.back().get();
  };
  Scope* brand_scope = add_scope(kBrandScope);
  for (uint32_t s : spus) by_spu[s] = add_scope(s);

  std::vector<BrandBlock> blocks;
  std::vector<StageChange> changes;
  for (Day day = run.first_day; day <= run.through; ++day) {
    blocks.clear();
    AIPS_RETURN_IF_ERROR(source.BrandDay(brand, day, &blocks));
    for (const BrandBlock& b : blocks) {
      Scope* spu_scope = nullptr;
      uint32_t cur_spu = kNoId;
      for (size_t i = 0; i < b.n; ++i) {
        const uint32_t mask = matcher.Mask(b.action[i], b.channel[i], b.sentiment[i]);
        if (mask == 0) continue;
        brand_scope->state.Hit(b.user[i], mask, day);
        if (b.spu[i] == kNoId) continue;
        if (b.spu[i] != cur_spu) {  // rows are grouped by SPU within a block
          cur_spu = b.spu[i];
          auto it = by_spu.find(cur_spu);
          spu_scope = it == by_spu.end() ? (by_spu[cur_spu] = add_scope(cur_spu)) : it->second;
        }
        spu_scope->state.Hit(b.user[i], mask, day);
      }
    }
    for (auto& sc : scopes) {
      changes.clear();
      sc->state.EndDay(day, &changes);
      sc->builder.AddDay(day, changes, sc->state);
    }
  }
  std::vector<std::unique_ptr<ScopeSnapshotBuilder>> builders;
  for (auto& sc : scopes) builders.push_back(std::make_unique<ScopeSnapshotBuilder>(std::move(sc->builder)));
  return SnapshotWriter::Encode(fingerprint, kNumStages, run.first_day, run.through, builders);
}

Result<std::string> ComputeCategory(const EventSource& source, const std::vector<uint32_t>& brands,
                                    const RuleMatcher& matcher, SubjectRun run, uint64_t fingerprint) {
  const StageSpec spec{matcher.rules().crowd_window_days, 1};
  ScopeState state(std::span<const StageSpec>(&spec, 1), run.first_day);
  auto builder = std::make_unique<ScopeSnapshotBuilder>(kBrandScope, 1, run.first_day);
  std::vector<BrandBlock> blocks;
  std::vector<StageChange> changes;
  for (Day day = run.first_day; day <= run.through; ++day) {
    blocks.clear();
    for (uint32_t brand : brands) AIPS_RETURN_IF_ERROR(source.BrandDay(brand, day, &blocks));
    for (const BrandBlock& b : blocks) {
      for (size_t i = 0; i < b.n; ++i) {
        if (matcher.Mask(b.action[i], b.channel[i], b.sentiment[i]) != 0) state.Hit(b.user[i], 1, day);
      }
    }
    changes.clear();
    state.EndDay(day, &changes);
    builder->AddDay(day, changes, state);
  }
  std::vector<std::unique_ptr<ScopeSnapshotBuilder>> builders;
  builders.push_back(std::move(builder));
  return SnapshotWriter::Encode(fingerprint, 1, run.first_day, run.through, builders);
}

}  // namespace aips
