#include "model/scope_state.h"

#include <algorithm>
#include <cstring>

namespace aips {

ScopeState::ScopeState(std::span<const StageSpec> specs, Day first_day)
    : specs_(specs.begin(), specs.end()), first_day_(first_day) {
  for (auto& s : specs_) {
    ring_offset_.push_back(stride_);
    stride_ += static_cast<uint32_t>(s.min_count);
  }
}

uint32_t ScopeState::SlotOf(uint32_t user) {
  if (user == last_user_) return last_slot_;
  auto [it, inserted] = slot_of_.try_emplace(user, static_cast<uint32_t>(slot_user_.size()));
  if (inserted) {
    slot_user_.push_back(user);
    stage_.push_back(0);
    filed_expiry_.push_back(kNoDay);
    touched_on_.push_back(kNoDay);
    ring_.resize(ring_.size() + stride_, kNoDay);
  }
  last_user_ = user;
  last_slot_ = it->second;
  return it->second;
}

void ScopeState::Hit(uint32_t user, uint32_t mask, Day day) {
  const uint32_t slot = SlotOf(user);
  Day* ring = ring_.data() + size_t{slot} * stride_;
  for (uint32_t m = mask; m != 0; m &= m - 1) {
    const int s = __builtin_ctz(m);
    Day* r = ring + ring_offset_[s];
    const int k = specs_[s].min_count;
    if (k == 1) {
      r[0] = day;
    } else {
      std::memmove(r, r + 1, sizeof(Day) * static_cast<size_t>(k - 1));
      r[k - 1] = day;
    }
  }
  if (touched_on_[slot] != day) {
    touched_on_[slot] = day;
    touched_.push_back(slot);
  }
}

uint8_t ScopeState::Evaluate(uint32_t slot, Day day, Day* expiry) const {
  const Day* ring = ring_.data() + size_t{slot} * stride_;
  for (int s = num_stages() - 1; s >= 0; --s) {
    const Day oldest = ring[ring_offset_[s]];
    if (oldest != kNoDay && oldest >= day - specs_[s].window_days + 1) {
      *expiry = oldest + specs_[s].window_days;
      return static_cast<uint8_t>(s + 1);
    }
  }
  *expiry = kNoDay;
  return 0;
}

void ScopeState::EndDay(Day day, std::vector<StageChange>* changes) {
  auto visit = [&](uint32_t slot) {
    Day expiry;
    const uint8_t now = Evaluate(slot, day, &expiry);
    if (now != stage_[slot]) {
      changes->push_back({slot_user_[slot], stage_[slot], now});
      stage_[slot] = now;
    }
    if (now != 0 && expiry != filed_expiry_[slot]) {
      filed_expiry_[slot] = expiry;
      const size_t idx = static_cast<size_t>(expiry - first_day_);
      if (calendar_.size() <= idx) calendar_.resize(idx + 1);
      calendar_[idx].push_back(slot);
    }
  };
  for (uint32_t slot : touched_) visit(slot);
  touched_.clear();
  const size_t idx = static_cast<size_t>(day - first_day_);
  if (idx < calendar_.size()) {
    std::vector<uint32_t> due;
    due.swap(calendar_[idx]);
    for (uint32_t slot : due) {
      if (filed_expiry_[slot] == day) visit(slot);  // else stale: the user was re-filed later
    }
  }
}

}  // namespace aips
