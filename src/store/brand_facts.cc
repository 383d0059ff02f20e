#include "store/brand_facts.h"

#include <algorithm>

#include "common/file_util.h"
#include "fmt/format.h"

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

Status WriteDaySegment(const std::string& dir, Day day, uint64_t gen, std::vector<EventRow> rows,
                       bool dry_run, std::vector<SegmentInfo>* added) {
  if (rows.empty()) return Status::OK();
  std::sort(rows.begin(), rows.end(), SegmentOrder);
  const SegmentInfo si{day, gen, rows.size()};
  if (!dry_run) AIPS_RETURN_IF_ERROR(WriteFileAtomic(SegmentPath(dir, si), EncodeSegment(day, rows)));
  added->push_back(si);
  return Status::OK();
}

Result<uint64_t> DeleteSnapshotFiles(const std::string& dir, const std::set<uint32_t>& brands,
                                     bool categories) {
  uint64_t deleted = 0;
  for (const std::string& n : ListDir(dir + "/snap")) {
    unsigned b = 0;
    const bool brand_file = n[0] == 'b' && std::sscanf(n.c_str(), "b%u.", &b) == 1;
    if ((brand_file && brands.count(b)) || (n[0] == 'c' && categories)) {
      AIPS_RETURN_IF_ERROR(RemoveFile(dir + "/snap/" + n));
      ++deleted;
    }
  }
  return deleted;
}

}  // namespace aips
