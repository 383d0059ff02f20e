#include "store/brand_facts.h"

#include <algorithm>

#include "store/segment.h"

namespace aips {

Status RederiveBrandFacts(const std::string& dir, Manifest* m, const std::vector<uint32_t>& brands,
                          const std::vector<std::string>& categories) {
  for (uint32_t b : brands) {
    BrandInfo& bi = m->brands.at(b);
    bi = BrandInfo{};  // rows, days and SPUs from scratch; snap reset
  }
  for (const SegmentInfo& si : m->segments) {
    AIPS_ASSIGN_OR_RETURN(Segment seg, Segment::Open(SegmentPath(dir, si), si.day));
    for (uint32_t b : brands) {
      AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg.Block(b));
      if (blk.n == 0) continue;
      BrandInfo& bi = m->brands[b];
      bi.rows += blk.n;
      if (bi.first_day == kNoDay || si.day < bi.first_day) bi.first_day = si.day;
      bi.last_day = std::max(bi.last_day, si.day);
      for (size_t i = 0; i < blk.n; ++i) {
        const uint32_t s = blk.spu[i];
        if (s == kNoId || (!bi.spus.empty() && bi.spus.back() == s)) continue;
        auto it = std::lower_bound(bi.spus.begin(), bi.spus.end(), s);
        if (it == bi.spus.end() || *it != s) bi.spus.insert(it, s);
      }
    }
  }
  for (const std::string& c : categories) {
    auto it = m->category_snaps.find(c);
    if (it != m->category_snaps.end()) it->second = SnapState{};
  }
  return Status::OK();
}

}  // namespace aips
