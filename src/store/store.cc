#include "store/store.h"

#include <dirent.h>

#include <set>

#include "fmt/format.h"

namespace aips {

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  std::unique_ptr<Store> s(new Store());
  s->dir_ = dir;
  while (s->dir_.size() > 1 && s->dir_.back() == '/') s->dir_.pop_back();
  if (mode == Mode::kWrite) {
    AIPS_RETURN_IF_ERROR(MakeDirs(s->dir_));
    AIPS_ASSIGN_OR_RETURN(s->lock_, DirLock::Acquire(s->dir_, 30000));
    for (const char* sub : {"seg", "dict", "ids", "snap", "rejects"}) {
      AIPS_RETURN_IF_ERROR(MakeDirs(s->dir_ + "/" + sub));
    }
    auto m = ReadManifest(s->dir_);
    if (m.ok()) {
      s->manifest_ = std::move(m).value();
    } else if (!m.status().IsNotFound()) {
      return m.status();
    }
  } else {
    AIPS_ASSIGN_OR_RETURN(s->manifest_, ReadManifest(s->dir_));
  }
  AIPS_ASSIGN_OR_RETURN(s->rules_, LoadRules(s->dir_));
  for (size_t i = 0; i < s->manifest_.segments.size(); ++i) {
    s->day_segments_[s->manifest_.segments[i].day].push_back(i);
  }
  return s;
}

Result<Dictionary*> Store::dict(int kind) {
  if (!dicts_[kind]) {
    AIPS_ASSIGN_OR_RETURN(Dictionary d, Dictionary::Load(DictPath(dir_, kind, manifest_.dicts[kind].file_gen),
                                                         manifest_.dicts[kind]));
    dicts_[kind] = std::make_unique<Dictionary>(std::move(d));
  }
  return dicts_[kind].get();
}

Result<const Catalog*> Store::catalog() {
  if (!catalog_) {
    AIPS_ASSIGN_OR_RETURN(Catalog c, LoadCatalog(dir_, manifest_.tables_generation));
    catalog_ = std::make_unique<Catalog>(std::move(c));
  }
  return catalog_.get();
}

Result<std::optional<uint32_t>> Store::FindBrand(const std::string& name) {
  AIPS_ASSIGN_OR_RETURN(Dictionary * brands, dict(kDictBrand));
  return brands->Find(name);
}

Result<std::string> Store::CategoryOfBrand(const std::string& brand) {
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, catalog());
  auto c = cat->CategoryOf(brand);
  return c ? *c : "brand:" + brand;
}

Result<std::vector<std::string>> Store::BrandsOfCategory(const std::string& category) {
  AIPS_ASSIGN_OR_RETURN(const Catalog* cat, catalog());
  return aips::BrandsOfCategory(*cat, category);
}

Result<std::vector<const Segment*>> Store::SegmentsOfDay(Day day) {
  std::vector<const Segment*> out;
  auto it = day_segments_.find(day);
  if (it == day_segments_.end()) return out;
  for (size_t idx : it->second) {
    auto& slot = open_segments_[idx];
    if (!slot) {
      AIPS_ASSIGN_OR_RETURN(Segment seg, Segment::Open(SegmentPath(dir_, manifest_.segments[idx]), day));
      if (seg.rows() != manifest_.segments[idx].rows) {
        return Status::Corruption(fmt::format("{}: holds {} rows, the manifest says {}",
                                              SegmentPath(dir_, manifest_.segments[idx]), seg.rows(),
                                              manifest_.segments[idx].rows));
      }
      slot = std::make_unique<Segment>(std::move(seg));
    }
    out.push_back(slot.get());
  }
  return out;
}

void Store::Install(Manifest m) {
  const bool segments_changed = m.segments.size() != manifest_.segments.size();
  const bool tables_changed = m.tables_generation != manifest_.tables_generation;
  for (int k = 0; k < kNumDicts; ++k) {
    if (!dicts_[k]) continue;
    if (m.dicts[k].count < manifest_.dicts[k].count || (m.dicts[k].count > dicts_[k]->size())) {
      retired_dicts_.push_back(std::move(dicts_[k]));  // another writer added names: reload on use
    } else {
      dicts_[k]->SetCommitted(m.dicts[k]);
    }
  }
  manifest_ = std::move(m);
  if (tables_changed && catalog_) retired_catalogs_.push_back(std::move(catalog_));
  if (segments_changed) {
    for (auto& [idx, seg] : open_segments_) retired_segments_.push_back(std::move(seg));
    open_segments_.clear();
    day_segments_.clear();
    for (size_t i = 0; i < manifest_.segments.size(); ++i)
      day_segments_[manifest_.segments[i].day].push_back(i);
  }
}

Status Store::CommitManifest(Manifest m) {
  if (!writable()) return Status::InvalidArgument("store opened read-only");
  m.generation = std::max(m.generation, manifest_.generation);
  AIPS_RETURN_IF_ERROR(WriteManifest(dir_, m));
  Install(std::move(m));
  return Status::OK();
}

Status Store::UpgradeToWrite() {
  if (writable()) return Status::OK();
  AIPS_ASSIGN_OR_RETURN(lock_, DirLock::Acquire(dir_, 30000));
  for (const char* sub : {"seg", "dict", "ids", "snap", "rejects"})
    AIPS_RETURN_IF_ERROR(MakeDirs(dir_ + "/" + sub));
  AIPS_ASSIGN_OR_RETURN(Manifest m, ReadManifest(dir_));
  AIPS_ASSIGN_OR_RETURN(rules_, LoadRules(dir_));
  Install(std::move(m));
  return Status::OK();
}

Status Store::RemoveGarbage() {
  if (!writable()) return Status::InvalidArgument("store opened read-only");
  std::set<std::string> keep;
  for (auto& s : manifest_.segments) keep.insert(SegmentPath(dir_, s));
  for (auto g : manifest_.id_runs) keep.insert(IdRunPath(dir_, g));
  for (const char* sub : {"seg", "ids"}) {
    for (auto& n : ListDir(dir_ + "/" + sub)) {
      std::string p = dir_ + "/" + sub + "/" + n;
      if (!keep.count(p)) AIPS_RETURN_IF_ERROR(RemoveFile(p));
    }
  }
  std::set<std::string> dicts;
  for (int k = 0; k < kNumDicts; ++k) dicts.insert(DictPath(dir_, k, manifest_.dicts[k].file_gen));
  for (auto& n : ListDir(dir_ + "/dict")) {
    const std::string p = dir_ + "/dict/" + n;
    if (!dicts.count(p)) AIPS_RETURN_IF_ERROR(RemoveFile(p));
  }
  // Whole-table files <prefix>-<generation>.bin: only the manifest's generation of each is current.
  const std::pair<const char*, uint64_t> tables[] = {
      {"tables", manifest_.tables_generation},         {"attributes", manifest_.attributes_generation},
      {"firstparty", manifest_.firstparty_generation}, {"notes", manifest_.notes_generation},
      {"consult", manifest_.consult_generation},       {"experiments", manifest_.experiments_generation}};
  for (auto& n : ListDir(dir_)) {
    bool stale = n.size() > 4 && n.substr(n.size() - 4) == ".tmp";
    for (auto& [prefix, gen] : tables)
      stale |= n.rfind(std::string(prefix) + "-", 0) == 0 && n != fmt::format("{}-{}.bin", prefix, gen);
    if (stale) AIPS_RETURN_IF_ERROR(RemoveFile(dir_ + "/" + n));
  }
  return Status::OK();
}

}  // namespace aips
