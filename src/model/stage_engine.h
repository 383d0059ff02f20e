// The stage engine: runs the rules of docs/definitions.md#stage-rules day by day over a subject's events and
// produces its snapshot file (model/snapshot.h). A brand subject has the brand scope (all its events) and one
// scope per SPU (that SPU's events); a category subject has one scope, the category crowd of §4.
//
// The engine does not know where events live: it reads them through EventSource, so the same engine
// runs over the embedded store or anything else that can list a brand's rows of a day.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "common/store_format.h"
#include "domain/rules.h"
#include "model/scope_state.h"
#include "store/dictionary.h"
#include "store/segment.h"

namespace aips {

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Appends the blocks holding `brand`'s rows of `day` (possibly several, possibly none).
  virtual Status BrandDay(uint32_t brand, Day day, std::vector<BrandBlock>* out) const = 0;
};

// Decides which stages an event qualifies for under one rule set.
class RuleMatcher {
 public:
  // `channels` resolves the rule's channel names to ids (names no event used match nothing).
  RuleMatcher(const RuleSet& rules, const Dictionary& channels);
  // Bit i set: the event qualifies for stage index i (A = 0 ... S = 4).
  uint32_t Mask(uint8_t action, uint16_t channel, uint8_t sentiment) const {
    uint32_t m = action_mask_[action];
    if (m & filtered_) m = Filter(m, channel, sentiment);
    return m;
  }
  const RuleSet& rules() const { return rules_; }

 private:
  uint32_t Filter(uint32_t m, uint16_t channel, uint8_t sentiment) const;
  RuleSet rules_;
  uint32_t action_mask_[16] = {};
  uint32_t filtered_ = 0;  // stages with a channel or sentiment filter
  std::vector<std::vector<uint16_t>> channel_ids_;
};

struct SubjectRun {
  Day first_day = kNoDay;  // first day with events (kNoDay: no events, nothing to compute)
  Day through = kNoDay;
  // The engine state's format (model/engine_state.h): v2, or v1 under AIPS_STORE_FORMAT=1
  // (common/store_format.h; tests of old files only).
  ScopeState::Format state_format = WriteOldFormats() ? ScopeState::Format::kV1 : ScopeState::Format::kV2;
};

// Continuing a subject whose days [first_day, T] are stored: its snapshot and its engine state after T.
struct ResumeFrom {
  const class SnapshotReader* snapshot = nullptr;
  std::string_view state;
};

// A computed subject: the snapshot file image covering [first_day, through], and the engine state after
// `through` (snap/*.state, docs/formats.md §7) from which a later compute continues with through + 1.
struct SubjectOutput {
  std::string snapshot;
  std::string state;
};

// A brand: scopes = the brand + each of `spus`. With `resume`, only the days after the stored ones are
// computed (the stored days are copied).
Result<SubjectOutput> ComputeBrand(const EventSource& source, uint32_t brand,
                                   const std::vector<uint32_t>& spus, const RuleMatcher& matcher,
                                   SubjectRun run, uint64_t fingerprint, const ResumeFrom* resume = nullptr);

// A category crowd: users with any qualifying event on any of `brands` inside the crowd window.
Result<SubjectOutput> ComputeCategory(const EventSource& source, const std::vector<uint32_t>& brands,
                                      const RuleMatcher& matcher, SubjectRun run, uint64_t fingerprint,
                                      const ResumeFrom* resume = nullptr);

}  // namespace aips
