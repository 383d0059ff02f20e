#include "embedded/day_view.h"

#include <algorithm>
#include <bit>

#include "fmt/format.h"

namespace aips {

Result<DayView*> DayViewCache::Get(uint64_t generation, const SnapshotReader& snap, uint32_t scope, Day day,
                                   size_t n_users) {
  if (generation != generation_) {
    lru_.clear();
    index_.clear();
    bytes_ = 0;
    generation_ = generation;
  }
  const Key key{&snap, scope, day};
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return &lru_.front().view;
  }
  if (codes_.size() < n_users) {
    codes_.assign(n_users, 0);
    seen_.assign((n_users + 63) / 64, 0);
  }
  touched_.clear();
  AIPS_RETURN_IF_ERROR(snap.StageCodes(scope, day, codes_.data(), codes_.size(), &touched_));
  // The users written, in user order: one bit each, then the set bits word by word (no sort; 2 M users
  // are 31 k words).
  size_t lo = seen_.size(), hi = 0;
  for (uint32_t u : touched_) {
    seen_[u >> 6] |= uint64_t{1} << (u & 63);
    lo = std::min<size_t>(lo, u >> 6), hi = std::max<size_t>(hi, u >> 6);
  }
  DayView view;
  view.members.reserve(touched_.size());
  Status bad;
  for (size_t wi = lo; wi <= hi && wi < seen_.size(); ++wi) {
    for (uint64_t bits = seen_[wi]; bits != 0; bits &= bits - 1) {
      const uint64_t user = (uint64_t{wi} << 6) + static_cast<uint64_t>(std::countr_zero(bits));
      const uint8_t code = codes_[user];
      codes_[user] = 0;
      if (code == 0) continue;
      if ((code > snap.num_stages() || code > kNumStages) && bad.ok()) {
        bad = Status::Corruption(fmt::format("snapshot scope {} day {}: stage code {}", scope, day, code));
      }
      view.members.push_back(user << 8 | code);
    }
    seen_[wi] = 0;
  }
  AIPS_RETURN_IF_ERROR(bad);
  view.bytes = view.members.capacity() * sizeof(uint64_t);
  lru_.push_front(Entry{key, std::move(view)});
  index_[key] = lru_.begin();
  bytes_ += lru_.front().view.bytes;
  Trim();
  return &lru_.front().view;
}

const Roaring& DayViewCache::Set(DayView* view, uint32_t mask) {
  if (auto it = view->sets.find(mask); it != view->sets.end()) return it->second;
  std::vector<uint32_t> users;
  users.reserve(view->members.size());
  for (uint64_t m : view->members) {
    if ((mask >> ((m & 0xff) - 1)) & 1) users.push_back(static_cast<uint32_t>(m >> 8));
  }
  Roaring set;
  set.addMany(users.size(), users.data());
  set.runOptimize();
  set.shrinkToFit();
  const size_t b = set.getSizeInBytes();
  view->bytes += b;
  bytes_ += b;
  Roaring& kept = view->sets.emplace(mask, std::move(set)).first->second;
  return kept;
}

void DayViewCache::Trim() {
  // Keep the two most recent views (a flow holds two), whatever their size.
  while (bytes_ > max_bytes_ && lru_.size() > 2) {
    bytes_ -= lru_.back().view.bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

void DayViewCache::CountFlow(const DayView& from, const DayView& to, FlowResult* out) {
  // The first day's codes scattered into the per-user scratch (zero between calls), one pass over the
  // second day's members reading them (independent steps, no merge), then the first day's members that
  // left counted from its per-code totals, and the scratch zeroed again.
  const size_t need = std::max(from.members.empty() ? 0 : (from.members.back() >> 8) + 1,
                               to.members.empty() ? 0 : (to.members.back() >> 8) + 1);
  if (codes_.size() < need) {
    codes_.assign(need, 0);
    seen_.assign((need + 63) / 64, 0);
  }
  uint64_t from_total[16] = {};
  for (uint64_t m : from.members) {
    codes_[m >> 8] = static_cast<uint8_t>(m);
    ++from_total[m & 0xf];
  }
  uint64_t hist[4][256] = {};
  size_t step = 0;
  for (uint64_t m : to.members) ++hist[step++ & 3][static_cast<size_t>(codes_[m >> 8]) << 4 | (m & 0xf)];
  for (uint64_t m : from.members) codes_[m >> 8] = 0;
  auto& f = out->matrix;
  for (size_t i = 0; i < f.size(); ++i) {
    uint64_t stayed = 0;  // of the first day's members with code i, those still members on the second
    for (size_t j = 0; j < f.size(); ++j) {
      const size_t cell = i << 4 | j;
      const uint64_t n = hist[0][cell] + hist[1][cell] + hist[2][cell] + hist[3][cell];
      if (i != 0 && j != 0) stayed += n;
      f[i][j] += n;
    }
    if (i != 0) f[i][0] += from_total[i] - stayed;
  }
}

}  // namespace aips
