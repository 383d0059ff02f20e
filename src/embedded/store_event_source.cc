#include "embedded/store_event_source.h"

namespace aips {

Result<std::unique_ptr<StoreEventSource>> StoreEventSource::Open(Store& store, Day first, Day last) {
  auto src = std::make_unique<StoreEventSource>();
  for (const SegmentInfo& si : store.manifest().segments) {
    if (si.day < first || si.day > last || src->days_.count(si.day)) continue;
    AIPS_ASSIGN_OR_RETURN(src->days_[si.day], store.SegmentsOfDay(si.day));
  }
  return src;
}

Status StoreEventSource::BrandDay(uint32_t brand, Day day, std::vector<BrandBlock>* out) const {
  return BrandDay(brand, day, kColAll, out);
}

Status StoreEventSource::BrandDay(uint32_t brand, Day day, uint32_t cols,
                                  std::vector<BrandBlock>* out) const {
  auto it = days_.find(day);
  if (it == days_.end()) return Status::OK();
  for (const Segment* seg : it->second) {
    AIPS_ASSIGN_OR_RETURN(BrandBlock b, seg->Block(brand, cols));
    if (b.n) out->push_back(std::move(b));
  }
  return Status::OK();
}

}  // namespace aips
