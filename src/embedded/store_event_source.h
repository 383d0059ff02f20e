// EventSource over the embedded store's day segments (model/stage_engine.h). The segments of the
// asked day range are opened and verified up front, so that threads afterwards only read.
#pragma once

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "model/stage_engine.h"
#include "store/store.h"

namespace aips {

class StoreEventSource : public EventSource {
 public:
  static Result<std::unique_ptr<StoreEventSource>> Open(Store& store, Day first, Day last);
  Status BrandDay(uint32_t brand, Day day, std::vector<BrandBlock>* out) const override;
  // The same with only the columns `cols` (store/segment.h BlockColumns) decoded from v2 blocks.
  Status BrandDay(uint32_t brand, Day day, uint32_t cols, std::vector<BrandBlock>* out) const;

  // Calls fn(day, block) for every block of `brand` on days [first, last] (within the opened range).
  template <typename Fn>
  Status ForEachBlock(uint32_t brand, Day first, Day last, Fn fn) const {
    return ForEachBlock(brand, first, last, kColAll, std::move(fn));
  }
  // The same, where fn reads only the columns `cols` (BlockColumns); the others may be null.
  template <typename Fn>
  Status ForEachBlock(uint32_t brand, Day first, Day last, uint32_t cols, Fn fn) const {
    std::vector<BrandBlock> blocks;
    for (auto it = days_.lower_bound(first); it != days_.end() && it->first <= last; ++it) {
      blocks.clear();
      AIPS_RETURN_IF_ERROR(BrandDay(brand, it->first, cols, &blocks));
      for (const BrandBlock& b : blocks) fn(it->first, b);
    }
    return Status::OK();
  }

 private:
  std::map<Day, std::vector<const Segment*>> days_;
};

}  // namespace aips
