// ScopeState's serialized forms (docs/formats.md §7, "Engine state").
//
// v2 keeps only live slots: a slot whose ring days all lie before their stage's window as of T (or are
// empty) can never make a stage hold again on a day after T. Evaluate reads a stage's oldest ring day
// and asks `oldest >= d - W + 1`; for d > T a day <= T - W fails that test exactly as kNoDay does, and a
// Hit only shifts older entries toward the front, so until k newer hits replace it such an entry stays
// the failing oldest. So every entry before the window is written as "none", and a slot with nothing
// inside any window is not written at all (a later hit gives the user a fresh slot). The expiry calendar
// is not written either: after loading, each member is filed again on its expiry day as of T, which is
// the day the uninterrupted run has it filed on; the order within a day's calendar only permutes the
// day's changes, which are sets.
#include <algorithm>
#include <cstring>

#include "common/hash_tables.h"
#include "model/pack.h"
#include "model/scope_state.h"

namespace aips {

void ScopeState::Serialize(Day through, std::string* out, Format format) const {
  if (format == Format::kV1) {
    SerializeV1(through, out);
  } else {
    SerializeV2(through, out);
  }
}

Result<ScopeState> ScopeState::Deserialize(std::string_view* in, std::span<const StageSpec> specs,
                                           Day first_day, Day through, Format format) {
  ScopeState s(specs, first_day);
  if (format == Format::kV1) {
    AIPS_RETURN_IF_ERROR(DeserializeV1(in, through, &s));
  } else {
    AIPS_RETURN_IF_ERROR(DeserializeV2(in, through, &s));
  }
  return s;
}

void ScopeState::Rebuild(Day through, bool refile) {
  const size_t n = slot_user_.size();
  stage_.resize(n);
  filed_expiry_.resize(n);
  for (uint32_t slot = 0; slot < n; ++slot) {
    Day expiry;
    stage_[slot] = Evaluate(slot, through, &expiry);
    filed_expiry_[slot] = stage_[slot] ? expiry : kNoDay;
  }
  touched_on_.assign(n, kNoDay);
  slot_of_ = WithRoomFor<decltype(slot_of_)>(n);  // not reserve(): common/hash_tables.h
  last_user_ = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; ++i) slot_of_[slot_user_[i]] = i;
  if (!refile) return;
  for (uint32_t slot = 0; slot < n; ++slot) {
    if (stage_[slot] == 0) continue;
    const size_t idx = static_cast<size_t>(filed_expiry_[slot] - first_day_);
    if (calendar_.size() <= idx) calendar_.resize(idx + 1);
    calendar_[idx].push_back(slot);
  }
}

// ---- v2 -------------------------------------------------------------------------------------------

namespace {

// Sorts keys by their high 32 bits (users are distinct, so the order is total): three 11-bit radix passes
// for long lists (a brand scope holds hundreds of thousands of live users), std::sort for short ones.
void SortByHigh32(std::vector<uint64_t>* keys) {
  const size_t n = keys->size();
  if (n < 1024) {
    std::sort(keys->begin(), keys->end());
    return;
  }
  std::vector<uint64_t> tmp(n);
  for (int pass = 0; pass < 3; ++pass) {
    const int shift = 32 + 11 * pass;
    std::vector<size_t> count(2049, 0);
    for (uint64_t k : *keys) ++count[((k >> shift) & 0x7FF) + 1];
    for (size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
    for (uint64_t k : *keys) tmp[count[(k >> shift) & 0x7FF]++] = k;
    keys->swap(tmp);
  }
}

// Stage s's window as of `through` starts on through - W + 1; an entry is live from that day on.
struct StageWindow {
  int64_t lo;  // first live day
  uint32_t w;  // window length (>= 1)
  int width;   // bits of an age 1..w
};

std::vector<StageWindow> Windows(const std::vector<StageSpec>& specs, Day through) {
  std::vector<StageWindow> out;
  for (const StageSpec& sp : specs) {
    const uint32_t w = static_cast<uint32_t>(std::max(1, sp.window_days));
    out.push_back({int64_t{through} - w + 1, w, BitsFor(w)});
  }
  return out;
}
}  // namespace

void ScopeState::SerializeV2(Day through, std::string* out) const {
  const int n_stages = num_stages();
  const std::vector<StageWindow> win = Windows(specs_, through);
  auto live = [&](Day d, int s) { return d != kNoDay && d >= win[s].lo; };
  struct Live {
    uint32_t user, slot, mask;
  };
  std::vector<uint64_t> keys;  // user << 32 | slot of every live slot, then sorted by user
  std::vector<uint32_t> slot_mask(slot_user_.size(), 0);
  for (uint32_t slot = 0; slot < slot_user_.size(); ++slot) {
    const Day* ring = ring_.data() + size_t{slot} * stride_;
    uint32_t mask = 0;
    for (int s = 0; s < n_stages; ++s)  // the newest entry is the last of the stage's ring
      if (live(ring[ring_offset_[s] + static_cast<uint32_t>(specs_[s].min_count) - 1], s)) mask |= 1u << s;
    slot_mask[slot] = mask;
    if (mask != 0) keys.push_back(uint64_t{slot_user_[slot]} << 32 | slot);
  }
  SortByHigh32(&keys);
  std::vector<Live> slots(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto slot = static_cast<uint32_t>(keys[i]);
    slots[i] = {static_cast<uint32_t>(keys[i] >> 32), slot, slot_mask[slot]};
  }
  const uint32_t n = static_cast<uint32_t>(slots.size());
  out->append(reinterpret_cast<const char*>(&n), 4);
  std::vector<uint32_t> users(n);
  for (uint32_t i = 0; i < n; ++i) users[i] = slots[i].user;
  PutIncreasing(users, out);
  BitWriter masks(out);
  for (const Live& l : slots) masks.Put(l.mask, n_stages);
  masks.Finish();
  BitWriter ages(out);
  for (const Live& l : slots) {
    const Day* ring = ring_.data() + size_t{l.slot} * stride_;
    for (uint32_t m = l.mask; m != 0; m &= m - 1) {
      const int s = __builtin_ctz(m);
      const Day* r = ring + ring_offset_[s];
      for (int j = 0; j < specs_[s].min_count; ++j) {
        const uint32_t age = live(r[j], s) ? static_cast<uint32_t>(int64_t{through} - r[j] + 1) : 0;
        ages.Put(age, win[s].width);
      }
    }
  }
  ages.Finish();
}

Status ScopeState::DeserializeV2(std::string_view* in, Day through, ScopeState* s) {
  auto bad = [](const char* what) { return Status::Corruption(std::string("engine state: ") + what); };
  if (through < s->first_day_) return bad("last day before the first");
  const int n_stages = s->num_stages();
  const std::vector<StageWindow> win = Windows(s->specs_, through);
  uint32_t n;
  if (in->size() < 4) return bad("truncated");
  std::memcpy(&n, in->data(), 4);
  in->remove_prefix(4);
  AIPS_RETURN_IF_ERROR(GetIncreasing(in, n, &s->slot_user_));
  std::vector<uint32_t> masks(n);
  BitReader mr(*in);
  for (uint32_t i = 0; i < n; ++i) {
    if (!mr.Get(n_stages, &masks[i])) return bad("truncated");
    if (masks[i] == 0) return bad("slot with no stage");
  }
  in->remove_prefix(mr.bytes_used());
  s->ring_.assign(size_t{n} * s->stride_, kNoDay);  // n <= 8 x the bytes the masks took
  BitReader ar(*in);
  for (uint32_t i = 0; i < n; ++i) {
    Day* ring = s->ring_.data() + size_t{i} * s->stride_;
    for (uint32_t m = masks[i]; m != 0; m &= m - 1) {
      const int st = __builtin_ctz(m);
      Day* r = ring + s->ring_offset_[st];
      const int k = s->specs_[st].min_count;
      for (int j = 0; j < k; ++j) {
        uint32_t age;
        if (!ar.Get(win[st].width, &age)) return bad("truncated");
        if (age > win[st].w) return bad("ring day outside its window");
        if (age == 0) {
          if (j == k - 1 || (j > 0 && r[j - 1] != kNoDay)) return bad("ring out of order");
          continue;
        }
        const int64_t day = int64_t{through} - age + 1;
        if (day < s->first_day_ || (j > 0 && r[j - 1] != kNoDay && day < r[j - 1]))
          return bad("ring out of order");
        r[j] = static_cast<Day>(day);
      }
    }
  }
  in->remove_prefix(ar.bytes_used());
  s->Rebuild(through, /*refile=*/true);
  return Status::OK();
}

// ---- v1 -------------------------------------------------------------------------------------------

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

void ScopeState::SerializeV1(Day through, std::string* out) const {
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

Status ScopeState::DeserializeV1(std::string_view* in, Day through, ScopeState* s) {
  const Day first_day = s->first_day_;
  std::vector<int32_t> days;
  std::vector<uint32_t> sizes, slots;
  if (!GetVec(in, &s->slot_user_) || in->empty()) return Status::Corruption("engine state: truncated");
  const bool narrow = (*in)[0] == 1;
  in->remove_prefix(1);
  if (narrow) {
    std::vector<uint16_t> small;
    if (!GetVec(in, &small)) return Status::Corruption("engine state: truncated");
    s->ring_.resize(small.size());
    for (size_t i = 0; i < small.size(); ++i) s->ring_[i] = small[i] == 0 ? kNoDay : first_day + small[i] - 1;
  } else if (!GetVec(in, &s->ring_)) {
    return Status::Corruption("engine state: truncated");
  }
  if (!GetVec(in, &days) || !GetVec(in, &sizes) || !GetVec(in, &slots))
    return Status::Corruption("engine state: truncated");
  const size_t n = s->slot_user_.size();
  if (s->ring_.size() != n * s->stride_ || days.size() != sizes.size()) {
    return Status::Corruption("engine state: inconsistent sizes");
  }
  for (Day d : s->ring_)  // the engine only ever holds days it has processed
    if (d != kNoDay && (d < first_day || d > through))
      return Status::Corruption("engine state: bad ring day");
  s->Rebuild(through, /*refile=*/false);
  // No expiry lies past through + the longest window: a larger day is damage (and must not size the
  // calendar).
  int64_t max_idx = int64_t{through} - first_day;
  for (const StageSpec& sp : s->specs_)
    max_idx = std::max<int64_t>(max_idx, int64_t{through} - first_day + sp.window_days);
  size_t at = 0;
  for (size_t k = 0; k < days.size(); ++k) {
    if (days[k] < 0 || days[k] > max_idx || sizes[k] > slots.size() - at)
      return Status::Corruption("engine state: bad calendar");
    const size_t idx = static_cast<size_t>(days[k]);
    if (s->calendar_.size() <= idx) s->calendar_.resize(idx + 1);
    s->calendar_[idx].assign(slots.begin() + static_cast<ptrdiff_t>(at),
                             slots.begin() + static_cast<ptrdiff_t>(at + sizes[k]));
    for (uint32_t slot : s->calendar_[idx])
      if (slot >= n) return Status::Corruption("engine state: bad slot");
    at += sizes[k];
  }
  return Status::OK();
}

}  // namespace aips
