#include "maintain/rewrite.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "fmt/format.h"
#include "store/attributes.h"
#include "store/brand_facts.h"
#include "store/catalog.h"
#include "store/content.h"
#include "store/dictionary.h"
#include "store/experiments.h"
#include "store/first_party.h"
#include "store/id_runs.h"
#include "store/segment.h"

namespace aips {

namespace {

// The first bytes of a file (empty when it is shorter or absent).
std::string Head(const std::string& path, size_t n) {
  auto f = MappedFile::Open(path);
  if (!f.ok() || f->view().size() < n) return {};
  return std::string(f->view().substr(0, n));
}

// A framed file's version (bytes 8..11), 0 when unreadable.
uint32_t FrameVersion(const std::string& path) {
  const std::string h = Head(path, 12);
  if (h.size() < 12) return 0;
  uint32_t v;
  std::memcpy(&v, h.data() + 8, 4);
  return v;
}

// True when a snapshot (.snap) or engine state (.state) file is in a format older than the current one.
bool OldSnapshotFile(const std::string& path) {
  const std::string h = Head(path, 12);
  if (h.size() < 12) return false;  // absent: nothing to rebuild
  return h.compare(0, 8, "AIPSSNP1") == 0 || h.compare(0, 8, "AIPSSTA1") == 0;
}

Status RewriteDays(const std::string& dir, uint64_t gen, bool dry_run, Manifest* next, RewriteResult* out) {
  std::map<Day, std::vector<size_t>> by_day;
  for (size_t i = 0; i < next->segments.size(); ++i) by_day[next->segments[i].day].push_back(i);
  std::vector<SegmentInfo> kept, added;
  for (auto& [day, indexes] : by_day) {
    const bool current =
        indexes.size() == 1 && Head(SegmentPath(dir, next->segments[indexes[0]]), 8) == "AIPSSEG2";
    if (current) {
      kept.push_back(next->segments[indexes[0]]);
      continue;
    }
    std::vector<EventRow> rows;
    for (size_t i : indexes) {
      AIPS_ASSIGN_OR_RETURN(Segment seg, Segment::Open(SegmentPath(dir, next->segments[i]), day));
      AIPS_RETURN_IF_ERROR(seg.AppendAllRows(&rows));
    }
    ++out->days_rewritten;
    AIPS_RETURN_IF_ERROR(WriteDaySegment(dir, day, gen, std::move(rows), dry_run, &added));
  }
  kept.insert(kept.end(), added.begin(), added.end());
  SortSegments(&kept);
  out->segments_after = dry_run ? by_day.size() : kept.size();
  if (!dry_run) next->segments = std::move(kept);
  return Status::OK();
}

// Sets *rewritten when the runs are (or, dry, would be) merged into one current run.
Status RewriteIdRuns(const std::string& dir, uint64_t gen, bool dry_run, Manifest* next, RewriteResult* out,
                     bool* rewritten) {
  out->id_runs_after = next->id_runs.empty() ? 0 : 1;
  if (next->id_runs.empty()) return Status::OK();
  if (next->id_runs.size() == 1 && FrameVersion(IdRunPath(dir, next->id_runs[0])) >= 2) return Status::OK();
  *rewritten = true;
  AIPS_ASSIGN_OR_RETURN(StoredIds ids, StoredIds::Open(dir, next->id_runs));
  std::map<std::tuple<std::string, int, int>, IdShape> shapes;  // one per (prefix, digits, radix)
  std::vector<uint64_t> hashes;
  for (size_t i = 0; i < ids.runs(); ++i) {
    for (const IdShape& s : ids.Shapes(i)) {
      auto [slot, fresh] = shapes.try_emplace({s.prefix, s.digits, s.radix});
      IdShape& u = slot->second;
      if (fresh) u.prefix = s.prefix, u.digits = s.digits, u.radix = s.radix;
      for (size_t k = 0; k < s.highs.size(); ++k) {
        auto it = std::lower_bound(u.highs.begin(), u.highs.end(), s.highs[k]);
        const size_t at = static_cast<size_t>(it - u.highs.begin());
        if (it == u.highs.end() || *it != s.highs[k]) {
          u.highs.insert(it, s.highs[k]);
          u.sets.insert(u.sets.begin() + static_cast<std::ptrdiff_t>(at), s.sets[k]);
        } else {
          u.sets[at] |= s.sets[k];
        }
      }
    }
    const std::vector<uint64_t> h = ids.Hashes(i);
    hashes.insert(hashes.end(), h.begin(), h.end());
  }
  std::vector<IdShape> merged;
  for (auto& [key, s] : shapes) {
    s.count = 0;
    for (Roaring& r : s.sets) {
      r.runOptimize();
      s.count += r.cardinality();
    }
    merged.push_back(std::move(s));
  }
  if (!dry_run) {
    AIPS_RETURN_IF_ERROR(WriteAt(IdRunPath(dir, gen), 0, EncodeIdRun(std::move(merged), std::move(hashes))));
    next->id_runs = {gen};
  }
  return Status::OK();
}

Status RewriteDictionaries(Store& store, uint64_t gen, bool dry_run, Manifest* next, RewriteResult* out) {
  const std::string& dir = store.dir();
  for (int k = 0; k < kNumDicts; ++k) {
    AIPS_ASSIGN_OR_RETURN(bool needs,
                          DictionaryNeedsRewrite(DictPath(dir, k, next->dicts[k].file_gen), next->dicts[k]));
    if (!needs) continue;
    ++out->dictionaries_rewritten;
    if (dry_run) continue;
    AIPS_ASSIGN_OR_RETURN(Dictionary * d, store.dict(k));
    AIPS_ASSIGN_OR_RETURN(next->dicts[k], d->WriteWhole(DictPath(dir, k, gen), gen));
  }
  return Status::OK();
}

// One framed table: loaded and saved again under `gen` when its file is version 1.
template <typename Load, typename Save>
Status RewriteTable(const std::string& dir, uint64_t gen, bool dry_run, uint64_t* table_gen,
                    const std::string& path, Load load, Save save, RewriteResult* out) {
  if (*table_gen == 0 || FrameVersion(path) >= 2) return Status::OK();
  ++out->tables_rewritten;
  if (dry_run) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(auto table, load(dir, *table_gen));
  AIPS_RETURN_IF_ERROR(save(dir, gen, table));
  *table_gen = gen;
  return Status::OK();
}

Status RewriteTables(const std::string& dir, uint64_t gen, bool dry_run, Manifest* m, RewriteResult* out) {
  AIPS_RETURN_IF_ERROR(RewriteTable(dir, gen, dry_run, &m->tables_generation,
                                    CatalogPath(dir, m->tables_generation), LoadCatalog, SaveCatalog, out));
  AIPS_RETURN_IF_ERROR(RewriteTable(dir, gen, dry_run, &m->firstparty_generation,
                                    FirstPartyPath(dir, m->firstparty_generation), LoadFirstParty,
                                    SaveFirstParty, out));
  AIPS_RETURN_IF_ERROR(RewriteTable(dir, gen, dry_run, &m->attributes_generation,
                                    AttributesPath(dir, m->attributes_generation), LoadAttributes,
                                    SaveAttributes, out));
  AIPS_RETURN_IF_ERROR(RewriteTable(dir, gen, dry_run, &m->notes_generation,
                                    NotesPath(dir, m->notes_generation), LoadNotes, SaveNotes, out));
  AIPS_RETURN_IF_ERROR(RewriteTable(dir, gen, dry_run, &m->consult_generation,
                                    ConsultPath(dir, m->consult_generation), LoadConsult, SaveConsult, out));
  return RewriteTable(dir, gen, dry_run, &m->experiments_generation,
                      ExperimentsPath(dir, m->experiments_generation), LoadExperiments, SaveExperiments, out);
}

}  // namespace

Result<RewriteResult> RewriteStore(Store& store, bool dry_run,
                                   const std::function<void(std::string_view)>& progress) {
  if (!store.writable()) return Status::InvalidArgument("rewrite needs the store open for writing");
  auto say = [&](std::string_view what) {
    if (progress) progress(what);
  };
  const std::string& dir = store.dir();
  const Manifest& m = store.manifest();
  Manifest next = m;
  next.generation = m.generation + 1;
  const uint64_t gen = next.generation;
  RewriteResult out;
  out.segments_before = m.segments.size();
  out.id_runs_before = m.id_runs.size();

  say("day segments");
  AIPS_RETURN_IF_ERROR(RewriteDays(dir, gen, dry_run, &next, &out));
  say("event-id runs");
  bool ids_changed = false;
  AIPS_RETURN_IF_ERROR(RewriteIdRuns(dir, gen, dry_run, &next, &out, &ids_changed));
  say("dictionaries");
  AIPS_RETURN_IF_ERROR(RewriteDictionaries(store, gen, dry_run, &next, &out));
  say("tables");
  AIPS_RETURN_IF_ERROR(RewriteTables(dir, gen, dry_run, &next, &out));

  say("snapshots");
  std::set<uint32_t> brands_reset;
  for (uint32_t b = 0; b < next.brands.size(); ++b) {
    if (next.brands[b].snap.through == kNoDay) continue;
    const std::string base = fmt::format("{}/snap/b{}", dir, b);
    if (OldSnapshotFile(base + ".snap") || OldSnapshotFile(base + ".state")) {
      brands_reset.insert(b);
      next.brands[b].snap = SnapState{};
    }
  }
  bool categories_reset = false;
  for (const std::string& name : ListDir(dir + "/snap")) {
    if (name.empty() || name[0] != 'c') continue;
    categories_reset |= OldSnapshotFile(dir + "/snap/" + name);
  }
  if (categories_reset) {
    out.snapshot_subjects_reset += next.category_snaps.size();
    for (auto& [name, snap] : next.category_snaps) snap = SnapState{};
  }
  out.snapshot_subjects_reset += brands_reset.size();

  out.changed = out.days_rewritten > 0 || ids_changed || out.dictionaries_rewritten > 0 ||
                out.tables_rewritten > 0 || out.snapshot_subjects_reset > 0;
  if (dry_run || !out.changed) return out;
  say("commit");
  AIPS_RETURN_IF_ERROR(store.CommitManifest(std::move(next)));
  AIPS_RETURN_IF_ERROR(store.RemoveGarbage());
  AIPS_ASSIGN_OR_RETURN(out.snapshot_files_deleted, DeleteSnapshotFiles(dir, brands_reset, categories_reset));
  return out;
}

}  // namespace aips
