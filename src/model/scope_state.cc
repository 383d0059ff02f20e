#include "model/scope_state.h"

#include <algorithm>
#include <cstring>

#include "common/hash_tables.h"

namespace aips {

ScopeState::ScopeState(std::span<const StageSpec> specs, Day first_day)
    : specs_(specs.begin(), specs.end()), first_day_(first_day) {
  for (auto& s : specs_) {
    ring_offset_.push_back(stride_);
    stride_ += static_cast<uint32_t>(s.min_count);
  }
}

uint32_t ScopeState::SlotOf(uint32_t user) {
  auto [it, inserted] = slot_of_.try_emplace(user, static_cast<uint32_t>(slot_user_.size()));
  if (inserted) {
    slot_user_.push_back(user);
    stage_.push_back(0);
    filed_expiry_.push_back(kNoDay);
    touched_on_.push_back(kNoDay);
    ring_.resize(ring_.size() + stride_, kNoDay);
  }
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

namespace {
template <typename T>
void PutVec(const std::vector<T>& v, std::string* out) {
  const uint64_t n = v.size();
  out->append(reinterpret_cast<const char*>(&n), 8);
  if (n) out->append(reinterpret_cast<const char*>(v.data()), n * sizeof(T));
}
template <typename T>
bool GetVec(std::string_view* in, std::vector<T>* v) {
  uint64_t n;
  if (in->size() < 8) return false;
  std::memcpy(&n, in->data(), 8);
  in->remove_prefix(8);
  if (n > in->size() / sizeof(T)) return false;
  v->resize(n);
  if (n) std::memcpy(v->data(), in->data(), n * sizeof(T));
  in->remove_prefix(n * sizeof(T));
  return true;
}
}  // namespace

void ScopeState::Serialize(Day through, std::string* out) const {
  // Stages and filed expiries are derived again on load (Evaluate as of `through`). Ring days are stored
  // as u16 offsets from first_day (0 = none) when they fit, else as i32.
  PutVec(slot_user_, out);
  bool narrow = true;
  for (Day d : ring_) narrow &= d == kNoDay || (d >= first_day_ && d - first_day_ + 1 < 0xFFFF);
  out->push_back(narrow ? 1 : 0);
  if (narrow) {
    std::vector<uint16_t> small(ring_.size());
    for (size_t i = 0; i < ring_.size(); ++i)
      small[i] = ring_[i] == kNoDay ? 0 : static_cast<uint16_t>(ring_[i] - first_day_ + 1);
    PutVec(small, out);
  } else {
    PutVec(ring_, out);
  }
  // The calendar from through + 1 on: (day offset, slots) pairs.
  std::vector<int32_t> days;
  std::vector<uint32_t> sizes, slots;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(0, int64_t{through} - first_day_ + 1));
       i < calendar_.size(); ++i) {
    if (calendar_[i].empty()) continue;
    days.push_back(static_cast<int32_t>(i));
    sizes.push_back(static_cast<uint32_t>(calendar_[i].size()));
    slots.insert(slots.end(), calendar_[i].begin(), calendar_[i].end());
  }
  PutVec(days, out);
  PutVec(sizes, out);
  PutVec(slots, out);
}

Result<ScopeState> ScopeState::Deserialize(std::string_view* in, std::span<const StageSpec> specs,
                                           Day first_day, Day through) {
  ScopeState s(specs, first_day);
  std::vector<int32_t> days;
  std::vector<uint32_t> sizes, slots;
  if (!GetVec(in, &s.slot_user_) || in->empty()) return Status::Corruption("engine state: truncated");
  const bool narrow = (*in)[0] == 1;
  in->remove_prefix(1);
  if (narrow) {
    std::vector<uint16_t> small;
    if (!GetVec(in, &small)) return Status::Corruption("engine state: truncated");
    s.ring_.resize(small.size());
    for (size_t i = 0; i < small.size(); ++i) s.ring_[i] = small[i] == 0 ? kNoDay : first_day + small[i] - 1;
  } else if (!GetVec(in, &s.ring_)) {
    return Status::Corruption("engine state: truncated");
  }
  if (!GetVec(in, &days) || !GetVec(in, &sizes) || !GetVec(in, &slots))
    return Status::Corruption("engine state: truncated");
  const size_t n = s.slot_user_.size();
  if (s.ring_.size() != n * s.stride_ || days.size() != sizes.size()) {
    return Status::Corruption("engine state: inconsistent sizes");
  }
  s.stage_.resize(n);
  s.filed_expiry_.resize(n);
  for (uint32_t slot = 0; slot < n; ++slot) {
    Day expiry;
    s.stage_[slot] = s.Evaluate(slot, through, &expiry);
    s.filed_expiry_[slot] = s.stage_[slot] ? expiry : kNoDay;
  }
  s.touched_on_.assign(n, kNoDay);
  s.slot_of_ = WithRoomFor<decltype(s.slot_of_)>(n);  // not reserve(): common/hash_tables.h
  for (uint32_t i = 0; i < n; ++i) s.slot_of_[s.slot_user_[i]] = i;
  size_t at = 0;
  for (size_t k = 0; k < days.size(); ++k) {
    if (days[k] < 0 || sizes[k] > slots.size() - at) return Status::Corruption("engine state: bad calendar");
    const size_t idx = static_cast<size_t>(days[k]);
    if (s.calendar_.size() <= idx) s.calendar_.resize(idx + 1);
    s.calendar_[idx].assign(slots.begin() + static_cast<ptrdiff_t>(at),
                            slots.begin() + static_cast<ptrdiff_t>(at + sizes[k]));
    for (uint32_t slot : s.calendar_[idx])
      if (slot >= n) return Status::Corruption("engine state: bad slot");
    at += sizes[k];
  }
  return s;
}

}  // namespace aips
