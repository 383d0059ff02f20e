#include "store/retention.h"

#include <set>

#include "store/brand_facts.h"

#include "fmt/format.h"

namespace aips {

Status CheckKeepDays(int keep_days) {
  if (keep_days < 1 || keep_days > 36500) return Status::InvalidArgument("--keep-days must be in [1, 36500]");
  return Status::OK();
}

Result<RetentionResult> ApplyRetention(Store& store, int keep_days, bool dry_run) {
  AIPS_RETURN_IF_ERROR(CheckKeepDays(keep_days));
  const Manifest& m = store.manifest();
  RetentionResult out;
  if (m.LastDay() == kNoDay) return out;
  out.cutoff = RetentionCutoff(m.LastDay(), keep_days);
  Manifest next = m;
  next.generation = m.generation + 1;
  next.segments.clear();
  std::set<Day> dropped_days;
  std::vector<uint64_t> dropped_rows(m.brands.size(), 0);
  for (const SegmentInfo& s : m.segments) {
    if (s.day >= out.cutoff) {
      next.segments.push_back(s);
      continue;
    }
    dropped_days.insert(s.day);
    out.rows_dropped += s.rows;
  }
  out.days_dropped = dropped_days.size();
  if (dropped_days.empty()) return out;
  // Rows per brand in the dropped days, and the first remaining day of each affected brand.
  for (Day d : dropped_days) {
    AIPS_ASSIGN_OR_RETURN(std::vector<const Segment*> segs, store.SegmentsOfDay(d));
    for (const Segment* seg : segs) {
      for (uint32_t b = 0; b < m.brands.size(); ++b) {
        AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg->Block(b));
        dropped_rows[b] += blk.n;
      }
    }
  }
  std::vector<uint32_t> affected;
  for (uint32_t b = 0; b < m.brands.size(); ++b)
    if (dropped_rows[b] != 0) affected.push_back(b);
  out.brands_affected = affected.size();
  std::vector<std::string> categories;  // every category crowd spans the dropped days
  for (auto& [name, snap] : next.category_snaps) categories.push_back(name);
  AIPS_RETURN_IF_ERROR(RederiveBrandFacts(store.dir(), &next, affected, categories));
  if (dry_run) return out;
  AIPS_RETURN_IF_ERROR(store.CommitManifest(std::move(next)));
  AIPS_RETURN_IF_ERROR(store.RemoveGarbage());
  return out;
}

}  // namespace aips
