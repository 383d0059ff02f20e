#include "sim/outcome.h"

#include <algorithm>

#include "domain/rules.h"

namespace aips::sim {

namespace {

Dictionary ChannelDictionary() {
  Dictionary d;
  for (size_t c = 0; c < kChannelNames.size(); ++c) d.GetOrAdd(c == 0 ? "onsite" : kChannelNames[c]);
  return d;
}

}  // namespace

OutcomeJudge::OutcomeJudge() : channels_(ChannelDictionary()), matcher_(DefaultRules().defaults, channels_) {
  for (size_t c = 0; c < kChannelNames.size(); ++c)
    channel_ids_[c] = static_cast<uint16_t>(*channels_.Find(c == 0 ? "onsite" : kChannelNames[c]));
  for (const StageRule& r : matcher_.rules().stages) specs_.push_back({r.window_days, r.min_count});
}

Outcome OutcomeJudge::Judge(std::span<const SimEvent> events, int spu, int d0, int end) const {
  Outcome out;
  const Day first = events.empty() ? d0 - 1 : std::min(d0 - 1, events.front().day);
  ScopeState state(specs_, first);
  std::vector<StageChange> changes;
  uint8_t stage = 0, before = 0, best = 0;
  size_t i = 0;
  for (Day d = first; d <= end; ++d) {
    for (; i < events.size() && events[i].day == d; ++i) {
      const SimEvent& e = events[i];
      if (e.action == Action::kPurchase && d >= d0) out.gmv_cents += e.cents;
      if (spu >= 0 && e.spu != spu) continue;
      const uint32_t mask =
          matcher_.Mask(static_cast<uint8_t>(e.action), channel_ids_[e.channel], e.sentiment);
      if (mask != 0) state.Hit(0, mask, d);
    }
    changes.clear();
    state.EndDay(d, &changes);
    for (const StageChange& c : changes) stage = c.to;
    if (d == d0 - 1) before = stage;
    if (d >= d0) best = std::max(best, stage);
  }
  for (int k = 0; k < kTruthStages; ++k) {
    const int s = k + 2;  // ScopeState's codes: 0 none, 1 A, 2 I, 3 TI, 4 P, 5 S
    if (before < s && best >= s) out.converted |= static_cast<uint8_t>(1u << k);
  }
  return out;
}

void SortByDay(std::vector<SimEvent>* events) {
  std::stable_sort(events->begin(), events->end(),
                   [](const SimEvent& a, const SimEvent& b) { return a.day < b.day; });
}

}  // namespace aips::sim
