#include "model/stage_engine.h"

#include <algorithm>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"
#include "model/engine_state.h"
#include "model/scope_state.h"
#include "model/snapshot.h"

#include <cstring>
#include <map>

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

namespace {

// Creates the subject's scopes, fresh or resumed from `resume`; returns the first day left to compute.
Result<Day> PrepareScopes(const std::vector<uint32_t>& ids, const std::vector<StageSpec>& specs, int n_stages,
                          SubjectRun run, const ResumeFrom* resume,
                          std::vector<std::unique_ptr<Scope>>* scopes) {
  Day start = run.first_day;
  std::map<uint32_t, ScopeState> saved;
  if (resume) {
    AIPS_ASSIGN_OR_RETURN(EngineState st, DecodeEngineState(resume->state, specs, run.first_day));
    const Day through = st.through;
    if (through != resume->snapshot->through() || through >= run.through)
      return Status::Corruption("engine state: wrong day");
    saved = std::move(st.scopes);
    start = through + 1;
  }
  for (uint32_t id : ids) {
    auto sc = std::make_unique<Scope>(
        Scope{ScopeState(specs, run.first_day), ScopeSnapshotBuilder(id, n_stages, run.first_day)});
    if (resume) {
      auto it = saved.find(id);
      if (it != saved.end() && resume->snapshot->HasScope(id)) {
        sc->state = std::move(it->second);
        AIPS_RETURN_IF_ERROR(sc->builder.LoadPrefix(*resume->snapshot));
      } else {  // a scope that appeared after the stored days: empty until now
        for (Day d = run.first_day; d < start; ++d) sc->builder.AddEmptyDay(d);
      }
    }
    scopes->push_back(std::move(sc));
  }
  return start;
}

Result<SubjectOutput> Finish(std::vector<std::unique_ptr<Scope>>& scopes, uint64_t fingerprint, int n_stages,
                             SubjectRun run) {
  SubjectOutput out;
  std::vector<std::pair<uint32_t, const ScopeState*>> states;
  for (auto& sc : scopes) states.emplace_back(sc->builder.scope(), &sc->state);
  out.state = EncodeEngineState(run.through, states, run.state_format);
  std::vector<std::unique_ptr<ScopeSnapshotBuilder>> builders;
  for (auto& sc : scopes) builders.push_back(std::make_unique<ScopeSnapshotBuilder>(std::move(sc->builder)));
  out.snapshot = SnapshotWriter::Encode(fingerprint, n_stages, run.first_day, run.through, builders);
  return out;
}

}  // namespace

Result<SubjectOutput> ComputeBrand(const EventSource& source, uint32_t brand,
                                   const std::vector<uint32_t>& spus, const RuleMatcher& matcher,
                                   SubjectRun run, uint64_t fingerprint, const ResumeFrom* resume) {
  const std::vector<StageSpec> specs = BrandSpecs(matcher.rules());
  std::vector<uint32_t> ids{kBrandScope};
  ids.insert(ids.end(), spus.begin(), spus.end());
  std::vector<std::unique_ptr<Scope>> scopes;
  AIPS_ASSIGN_OR_RETURN(Day start, PrepareScopes(ids, specs, kNumStages, run, resume, &scopes));
  Scope* brand_scope = scopes[0].get();
  absl::flat_hash_map<uint32_t, Scope*> by_spu;
  for (size_t i = 1; i < scopes.size(); ++i) by_spu[ids[i]] = scopes[i].get();

  std::vector<BrandBlock> blocks;
  std::vector<StageChange> changes;
  for (Day day = start; day <= run.through; ++day) {
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
          if (it == by_spu.end())
            return Status::Corruption(
                fmt::format("brand #{}: SPU #{} is missing from the manifest", brand, cur_spu));
          spu_scope = it->second;
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
  return Finish(scopes, fingerprint, kNumStages, run);
}

Result<SubjectOutput> ComputeCategory(const EventSource& source, const std::vector<uint32_t>& brands,
                                      const RuleMatcher& matcher, SubjectRun run, uint64_t fingerprint,
                                      const ResumeFrom* resume) {
  const std::vector<StageSpec> specs{{matcher.rules().crowd_window_days, 1}};
  std::vector<std::unique_ptr<Scope>> scopes;
  AIPS_ASSIGN_OR_RETURN(Day start, PrepareScopes({kBrandScope}, specs, 1, run, resume, &scopes));
  ScopeState& state = scopes[0]->state;
  std::vector<BrandBlock> blocks;
  std::vector<StageChange> changes;
  for (Day day = start; day <= run.through; ++day) {
    blocks.clear();
    for (uint32_t brand : brands) AIPS_RETURN_IF_ERROR(source.BrandDay(brand, day, &blocks));
    for (const BrandBlock& b : blocks) {
      for (size_t i = 0; i < b.n; ++i) {
        if (matcher.Mask(b.action[i], b.channel[i], b.sentiment[i]) != 0) state.Hit(b.user[i], 1, day);
      }
    }
    changes.clear();
    state.EndDay(day, &changes);
    scopes[0]->builder.AddDay(day, changes, state);
  }
  return Finish(scopes, fingerprint, 1, run);
}

}  // namespace aips
