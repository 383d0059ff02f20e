#include "maintain/check.h"

#include <dirent.h>

#include "absl/container/flat_hash_set.h"
#include "common/file_util.h"
#include "fmt/format.h"
#include "model/snapshot.h"
#include "store/attributes.h"
#include "store/catalog.h"
#include "store/content.h"
#include "store/crowds.h"
#include "store/experiments.h"
#include "store/first_party.h"
#include "store/id_runs.h"
#include "store/manifest.h"
#include "store/segment.h"

namespace aips {

Result<CheckReport> CheckDataDir(const std::string& dir) {
  CheckReport rep;
  auto file = ReadFile(dir + "/MANIFEST");
  if (!file.ok()) return file.status();
  Status out_of_memory;  // a file that could not be read for want of memory is not damaged
  auto note = [&](const std::string& name, const Status& s) {
    ++rep.files_checked;
    if (s.IsOutOfMemory()) {
      if (out_of_memory.ok()) out_of_memory = s;
    } else if (!s.ok()) {
      rep.damaged.emplace_back(name, s.ToString());
    }
  };
  auto m = Manifest::Decode(file.value());
  note("MANIFEST", m.status());
  if (!m.ok()) return rep;
  const Manifest& man = m.value();
  for (int k = 0; k < kNumDicts; ++k) {
    const std::string path = DictPath(dir, k, man.dicts[k].file_gen);
    auto d = Dictionary::Load(path, man.dicts[k]);
    note(path, d.ok() ? d->VerifyUnique(path) : d.status());
  }
  uint64_t rows = 0;
  for (const SegmentInfo& si : man.segments) {
    const std::string path = SegmentPath(dir, si);
    auto seg = Segment::Open(path, si.day);
    Status s = seg.status();
    if (s.ok()) s = seg->VerifyAll();
    if (s.ok() && seg->rows() != si.rows)
      s = Status::Corruption(fmt::format("holds {} rows, the manifest says {}", seg->rows(), si.rows));
    if (s.ok()) {
      for (uint32_t b : seg->Brands()) {
        if (b >= man.dicts[kDictBrand].count)
          s = Status::Corruption(fmt::format("names brand #{} that the dictionary lacks", b));
      }
    }
    note(path, s);
    rows += si.rows;
  }
  uint64_t brand_rows = 0;
  for (auto& b : man.brands) brand_rows += b.rows;
  if (brand_rows != rows) {
    rep.damaged.emplace_back("MANIFEST", fmt::format("brands count {} rows, segments {}", brand_rows, rows));
  }
  note("ids/", StoredIds::Open(dir, man.id_runs).status());
  note(CatalogPath(dir, man.tables_generation), LoadCatalog(dir, man.tables_generation).status());
  note(FirstPartyPath(dir, man.firstparty_generation),
       LoadFirstParty(dir, man.firstparty_generation).status());
  note(AttributesPath(dir, man.attributes_generation),
       LoadAttributes(dir, man.attributes_generation).status());
  note(dir + "/crowds.bin", LoadCrowds(dir).status());
  if (man.notes_generation)
    note(NotesPath(dir, man.notes_generation), LoadNotes(dir, man.notes_generation).status());
  if (man.experiments_generation)
    note(ExperimentsPath(dir, man.experiments_generation),
         LoadExperiments(dir, man.experiments_generation).status());
  if (man.consult_generation)
    note(ConsultPath(dir, man.consult_generation), LoadConsult(dir, man.consult_generation).status());
  for (uint32_t b = 0; b < man.brands.size(); ++b) {
    if (man.brands[b].snap.through == kNoDay) continue;
    const std::string path = fmt::format("{}/snap/b{}.snap", dir, b);
    auto snap = SnapshotReader::Open(path);
    Status s = snap.status();
    if (s.ok() && (*snap)->through() < man.brands[b].snap.through)
      s = Status::Corruption("covers fewer days than the manifest says");
    note(path, s);
  }
  // Category snapshots: every c*.snap present must be readable (they are recomputed when stale).
  if (DIR* d = opendir((dir + "/snap").c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n[0] == 'c' && n.substr(n.size() - 5) == ".snap") {
        note(dir + "/snap/" + n, SnapshotReader::Open(dir + "/snap/" + n).status());
      }
    }
    closedir(d);
  }
  if (!out_of_memory.ok()) return out_of_memory;
  return rep;
}

}  // namespace aips
