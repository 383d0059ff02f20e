// Materialised days of stored snapshots, kept by a warm engine (issue #20, warm answers).
//
// A snapshot stores each scope's members as keyframes plus daily deltas (docs/formats.md §7), so reading
// one day means decoding a keyframe and applying up to keyframe_every - 1 deltas. A warm engine (the
// server's engine pool, the bench) asks the same days again and again: a DayView holds one (snapshot,
// scope, day) decoded once, as its members in user order with their stage codes. Flows merge two views
// in one pass; crowd expressions take a stage set's members from a view, built once per stage set and
// then kept beside it.
//
// Contract: a view answers exactly what SnapshotReader::StageCodes / Members answer for its day. The cache
// belongs to one engine, which serves one request at a time (not thread-safe). It holds views of one
// store generation: asked with another generation it forgets everything first, so a view never outlives
// the readers it was made from. It is bounded by bytes (least recently used views go first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <tuple>
#include <vector>

#include "aips/status.h"
#include "common/date.h"
#include "domain/domain.h"
#include "engine/results.h"
#include "model/snapshot.h"
#include "roaring/roaring.hh"

namespace aips {

struct DayView {
  // (user << 8) | stage code (1..num_stages), ascending: every member of the scope on the day.
  std::vector<uint64_t> members;
  // Members whose stage is in the mask (bit s-1 = stage s), made on first use.
  std::map<uint32_t, Roaring> sets;
  size_t bytes = 0;
};

class DayViewCache {
 public:
  explicit DayViewCache(size_t max_bytes = size_t{64} << 20) : max_bytes_(max_bytes) {}

  // The view of `scope` on `day` of `snap` (decoded on a miss). `n_users` bounds the user ids (the user
  // dictionary's size). The views returned by the two most recent calls stay valid (a flow holds two).
  Result<DayView*> Get(uint64_t generation, const SnapshotReader& snap, uint32_t scope, Day day,
                       size_t n_users);
  // The members of `view` whose stage bit is set in `mask`; kept in the view.
  const Roaring& Set(DayView* view, uint32_t mask);
  // out->matrix[a][b] += the users with code a in `from` and b in `to` (0: not a member that day).
  void CountFlow(const DayView& from, const DayView& to, FlowResult* out);
  size_t bytes() const { return bytes_; }

 private:
  using Key = std::tuple<const SnapshotReader*, uint32_t, Day>;
  struct Entry {
    Key key;
    DayView view;
  };
  void Trim();
  size_t max_bytes_, bytes_ = 0;
  uint64_t generation_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::map<Key, std::list<Entry>::iterator> index_;
  // Decoding scratch: codes by user (zero between calls), users written, and one bit per user written.
  std::vector<uint8_t> codes_;
  std::vector<uint32_t> touched_;
  std::vector<uint64_t> seen_;
};

}  // namespace aips
