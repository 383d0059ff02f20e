#include "store/retention.h"

#include <set>

#include "store/attributes.h"
#include "store/brand_facts.h"
#include "store/dictionary.h"
#include "store/experiments.h"

#include "fmt/format.h"

namespace aips {

namespace {

// The users with something kept: an event in `segments`, an attributes row or an experiment assignment.
Result<Roaring> UsersWithData(Store& store, const Manifest& m, const std::vector<SegmentInfo>& segments) {
  Roaring alive;
  std::set<Day> days;
  for (const SegmentInfo& s : segments) days.insert(s.day);
  for (Day d : days) {
    AIPS_ASSIGN_OR_RETURN(std::vector<const Segment*> segs, store.SegmentsOfDay(d));
    for (const Segment* seg : segs) {
      for (uint32_t b = 0; b < m.brands.size(); ++b) {
        AIPS_ASSIGN_OR_RETURN(BrandBlock blk, seg->Block(b));
        alive.addMany(blk.n, blk.user);
      }
    }
  }
  AIPS_ASSIGN_OR_RETURN(UserAttributes attrs, LoadAttributes(store.dir(), m.attributes_generation));
  for (auto& [tag, users] : attrs.tags) alive |= users;
  AIPS_ASSIGN_OR_RETURN(Experiments ex, LoadExperiments(store.dir(), m.experiments_generation));
  for (auto& [campaign, groups] : ex.campaigns) alive |= groups.treatment | groups.control;
  return alive;
}

// Erases the numbered users without data (not tombstones already) from the user dictionary, into `next`
// (its generation names the new dictionary file); saved crowds stop counting them as their ids are
// tombstones (EmbeddedEngine::LiveMembers), so nothing is written before the commit. Returns how many.
Result<uint64_t> DropUsersWithoutData(Store& store, const Roaring& alive, bool dry_run, Manifest* next) {
  AIPS_ASSIGN_OR_RETURN(Dictionary * users, store.dict(kDictUser));
  Roaring gone;
  gone.addRange(0, store.manifest().dicts[kDictUser].count);
  gone -= alive;
  for (uint32_t id : users->tombstoned()) gone.remove(id);
  if (gone.isEmpty() || dry_run) return gone.cardinality();
  for (uint32_t id : gone) users->Tombstone(id);
  AIPS_ASSIGN_OR_RETURN(
      next->dicts[kDictUser],
      users->WriteWhole(DictPath(store.dir(), kDictUser, next->generation), next->generation));
  return gone.cardinality();
}

}  // namespace

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
  if (!dropped_days.empty()) {
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
  }
  // Even with nothing to cut, users left with nothing by an interrupted earlier retain are dropped.
  AIPS_ASSIGN_OR_RETURN(Roaring alive, UsersWithData(store, m, next.segments));
  AIPS_ASSIGN_OR_RETURN(out.users_dropped, DropUsersWithoutData(store, alive, dry_run, &next));
  if (dry_run || (dropped_days.empty() && out.users_dropped == 0)) return out;
  AIPS_RETURN_IF_ERROR(store.CommitManifest(std::move(next)));
  AIPS_RETURN_IF_ERROR(store.RemoveGarbage());
  return out;
}

}  // namespace aips
