// A member's outcome in a campaign's window (docs/simulate.md, "truth.json"), judged with the engine's
// own stage code: aips's default rules (domain/rules.h) through model/stage_engine.h's RuleMatcher and
// model/scope_state.h's ScopeState, day by day, exactly as `aips compute` derives stages.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/scope_state.h"
#include "model/stage_engine.h"
#include "sim/journey.h"
#include "store/dictionary.h"

namespace aips::sim {

// Stages a member can convert to, in the order of Outcome::converted's bits.
inline constexpr int kTruthStages = 4;  // I, TI, P, S
inline constexpr std::array<const char*, kTruthStages> kTruthStageNames = {"I", "TI", "P", "S"};

struct Outcome {
  uint8_t converted = 0;  // bit k: converted to stage I + k (k = 0: I, 1: TI, 2: P, 3: S)
  int64_t gmv_cents = 0;  // purchases of the brand dated in [d0, end]
};

class OutcomeJudge {
 public:
  OutcomeJudge();  // aips's default stage rules

  // `events`: one user's events of one brand (all of them, first-party purchases included), ordered by
  // day. Stages are of the scope: SPU `spu` (only events naming it), or the brand when spu < 0. The user
  // converts to stage s when stage_{d0-1} < s and stage_D >= s for some D in [d0, end]; gmv sums the
  // purchases of the brand (any SPU, any channel) dated in [d0, end]. Requires d0 <= end.
  Outcome Judge(std::span<const SimEvent> events, int spu, int d0, int end) const;

 private:
  Dictionary channels_;
  uint16_t channel_ids_[8] = {};  // by SimEvent::channel
  std::vector<StageSpec> specs_;
  RuleMatcher matcher_;
};

// Orders one user's events of a brand by day (stable), as Judge needs them.
void SortByDay(std::vector<SimEvent>* events);

}  // namespace aips::sim
