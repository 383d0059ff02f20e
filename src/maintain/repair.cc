#include "maintain/repair.h"

#include <algorithm>
#include <set>

#include "fmt/format.h"
#include "maintain/check.h"
#include "store/brand_facts.h"
#include "store/id_runs.h"
#include "store/store.h"

namespace aips {

namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Rewrites a damaged segment with its readable brand blocks (generation `gen`); returns rows lost.
Result<uint64_t> SalvageSegment(const std::string& dir, const SegmentInfo& si, uint64_t gen, bool dry_run,
                                std::vector<uint32_t>* brands, std::vector<SegmentInfo>* out) {
  auto seg = Segment::Open(SegmentPath(dir, si), si.day);
  if (seg.status().IsOutOfMemory()) return seg.status();  // not damage: nothing is dropped
  if (!seg.ok()) return si.rows;  // header or index unreadable: nothing can be told apart
  std::vector<EventRow> rows;
  for (uint32_t b : seg->Brands()) {
    brands->push_back(b);
    if (auto blk = seg->Block(b); blk.ok()) AppendRows(blk.value(), b, &rows);
  }
  const uint64_t lost = si.rows >= rows.size() ? si.rows - rows.size() : 0;
  AIPS_RETURN_IF_ERROR(WriteDaySegment(dir, si.day, gen, std::move(rows), dry_run, out));
  return lost;
}

}  // namespace

// Long on purpose: one pass over the check report, file kind by file kind, in the order docs/operations.md
// lists what repair does with each.
Result<RepairReport> RepairDataDir(const std::string& dir, const RepairOptions& opt) {
  RepairReport rep;
  auto opened = Store::Open(dir, Store::Mode::kRead);
  if (!opened.ok()) {
    rep.cannot.emplace_back(dir + "/MANIFEST", opened.status().ToString() +
                                                   " — the manifest cannot be derived; restore the directory "
                                                   "from a backup (aips restore)");
    return rep;
  }
  Store& store = *opened.value();
  AIPS_RETURN_IF_ERROR(store.UpgradeToWrite());
  AIPS_ASSIGN_OR_RETURN(CheckReport check, CheckDataDir(dir));
  const Manifest& m = store.manifest();
  Manifest next = m;
  next.generation = m.generation + 1;
  const std::string snap_dir = dir + "/snap/";
  bool reset_all_snaps = opt.rebuild_snapshots;  // every brand and category
  bool reset_categories = opt.rebuild_snapshots;
  std::set<uint32_t> reset_brands;
  std::vector<uint32_t> segment_brands;
  std::set<std::string> damaged_segments;
  bool changed = false;

  for (auto& [file, problem] : check.damaged) {
    if (StartsWith(file, snap_dir)) {
      const std::string name = file.substr(snap_dir.size());
      unsigned b = 0;
      if (name[0] == 'b' && std::sscanf(name.c_str(), "b%u.snap", &b) == 1 && b < m.brands.size()) {
        reset_brands.insert(b);
      } else {
        reset_categories = true;  // a category crowd: all of them are recomputed
      }
      rep.rebuilt.push_back(fmt::format("{} ({}): deleted, recomputed from the events", file, problem));
    } else if (StartsWith(file, dir + "/seg/")) {
      damaged_segments.insert(file);
    } else if (file == "ids/") {
      // Which runs: open each one alone.
      std::vector<uint64_t> keep;
      for (uint64_t g : m.id_runs) {
        Status s = StoredIds::Open(dir, {g}).status();
        if (s.IsOutOfMemory()) return s;  // not damage: nothing is dropped
        if (s.ok()) {
          keep.push_back(g);
        } else if (opt.drop_damaged) {
          rep.lost.emplace_back(
              IdRunPath(dir, g),
              fmt::format("{}: dropped; rows of ingest #{} sent again would be stored again", s.ToString(),
                          g));
        } else {
          rep.cannot.emplace_back(IdRunPath(dir, g),
                                  s.ToString() +
                                      " — holds which event ids were stored (not derivable); restore "
                                      "from a backup, or repair --drop-damaged to drop it");
        }
      }
      if (opt.drop_damaged && keep.size() != m.id_runs.size()) {
        next.id_runs = keep;
        changed = true;
      }
    } else if (file == "MANIFEST") {
      rep.cannot.emplace_back(file, problem +
                                        " — the manifest's counts disagree with its segments; restore "
                                        "from a backup");
    } else {
      rep.cannot.emplace_back(file, problem +
                                        " — ingested data, not derivable; restore from a backup (aips "
                                        "restore) or re-ingest its source files into a new directory");
    }
  }

  if (!damaged_segments.empty()) {
    std::vector<SegmentInfo> kept, added;
    for (const SegmentInfo& si : m.segments) {
      const std::string path = SegmentPath(dir, si);
      if (!damaged_segments.count(path)) {
        kept.push_back(si);
        continue;
      }
      if (!opt.drop_damaged) {
        rep.cannot.emplace_back(path,
                                "damaged day segment (ingested events, not derivable); restore from a "
                                "backup, or repair --drop-damaged to keep its intact brand blocks");
        kept.push_back(si);
        continue;
      }
      AIPS_ASSIGN_OR_RETURN(uint64_t lost,
                            SalvageSegment(dir, si, next.generation, opt.dry_run, &segment_brands, &added));
      rep.rows_lost += lost;
      rep.lost.emplace_back(path, fmt::format("{} of {} events of {} lost; the intact brand blocks were kept",
                                              lost, si.rows, FormatDate(si.day)));
      changed = true;
    }
    if (opt.drop_damaged) {
      kept.insert(kept.end(), added.begin(), added.end());
      SortSegments(&kept);
      next.segments = std::move(kept);
      if (segment_brands.empty()) {  // unreadable index: which brands it held is unknown
        for (uint32_t b = 0; b < m.brands.size(); ++b) segment_brands.push_back(b);
      }
      std::sort(segment_brands.begin(), segment_brands.end());
      segment_brands.erase(std::unique(segment_brands.begin(), segment_brands.end()), segment_brands.end());
      reset_all_snaps = reset_categories = true;
    }
  }

  if (reset_all_snaps) {
    for (uint32_t b = 0; b < m.brands.size(); ++b) reset_brands.insert(b);
    if (opt.rebuild_snapshots) rep.rebuilt.push_back("every snapshot: deleted, recomputed from the events");
  }
  for (uint32_t b : reset_brands) {
    if (next.brands[b].snap.through != kNoDay) rep.snapshots_reset = true;
    next.brands[b].snap = SnapState{};
  }
  if (reset_categories) {
    for (auto& [c, s] : next.category_snaps) {
      if (s.through != kNoDay) rep.snapshots_reset = true;
      s = SnapState{};
    }
  }
  changed |= !reset_brands.empty() || reset_categories;
  if (!segment_brands.empty() && !opt.dry_run) {
    std::vector<std::string> cats;
    for (auto& [c, s] : next.category_snaps) cats.push_back(c);
    AIPS_RETURN_IF_ERROR(RederiveBrandFacts(dir, &next, segment_brands, cats));
  }
  if (opt.dry_run) return rep;
  if (changed) AIPS_RETURN_IF_ERROR(store.CommitManifest(std::move(next)));
  AIPS_RETURN_IF_ERROR(store.RemoveGarbage());
  AIPS_RETURN_IF_ERROR(DeleteSnapshotFiles(dir, reset_brands, reset_categories).status());
  return rep;
}

}  // namespace aips
