// The embedded store: one data directory (docs/formats.md). Opens the manifest, and loads on first use
// only what a command needs (a dictionary, the side tables, a day's segments).
//
// Readers need no lock: they see the manifest that was current when they opened. Writers (ingest,
// compute, a query that stores snapshots) open with Mode::kWrite, which holds DIR/LOCK until the Store
// is destroyed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aips/status.h"
#include "domain/rules.h"
#include "store/catalog.h"
#include "store/dictionary.h"
#include "store/manifest.h"
#include "store/segment.h"

namespace aips {

class Store {
 public:
  enum class Mode { kRead, kWrite };

  // kRead: NotFound when DIR holds no store. kWrite: creates DIR when missing and takes the lock.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode);

  const std::string& dir() const { return dir_; }
  bool writable() const { return lock_.held(); }
  const Manifest& manifest() const { return manifest_; }
  const Rules& rules() const { return rules_; }

  Result<Dictionary*> dict(int kind);
  Result<const Catalog*> catalog();

  // Brand id of a name: from the brand dictionary; nullopt when no event names it.
  Result<std::optional<uint32_t>> FindBrand(const std::string& name);
  // Category of a brand: the brands table's, else a category of its own named "brand:<name>".
  Result<std::string> CategoryOfBrand(const std::string& brand);
  // Brand names (with events or a brands row) of a category.
  Result<std::vector<std::string>> BrandsOfCategory(const std::string& category);

  // The segments holding a day's events (opened and verified on first use).
  Result<std::vector<const Segment*>> SegmentsOfDay(Day day);

  // Takes the write lock of a store opened for reading and re-reads the manifest under it. Pointers
  // handed out before (dictionaries, side tables, segments) stay valid for the Store's lifetime.
  Status UpgradeToWrite();

  // Gives the lock back after UpgradeToWrite (a query that stored snapshots); the store keeps answering
  // from the manifest it last installed.
  void ReleaseWriteLock() { lock_ = DirLock(); }

  // Replaces the manifest (the commit point of every write). Write mode only.
  Status CommitManifest(Manifest m);
  // Deletes files that the manifest does not reference (left by an interrupted write). Write mode only.
  Status RemoveGarbage();

 private:
  Store() = default;
  // Installs a newer manifest, retiring (not freeing) the caches that it may have made stale.
  void Install(Manifest m);
  std::string dir_;
  DirLock lock_;
  Manifest manifest_;
  Rules rules_;
  std::array<std::unique_ptr<Dictionary>, kNumDicts> dicts_;
  std::unique_ptr<Catalog> catalog_;
  std::map<Day, std::vector<size_t>> day_segments_;  // day -> indexes into manifest_.segments
  std::map<size_t, std::unique_ptr<Segment>> open_segments_;
  // Objects replaced after a newer manifest was installed; kept so that earlier pointers stay valid.
  std::vector<std::unique_ptr<Segment>> retired_segments_;
  std::vector<std::unique_ptr<Dictionary>> retired_dicts_;
  std::vector<std::unique_ptr<Catalog>> retired_catalogs_;
};

}  // namespace aips
