// Event-id runs (docs/formats.md §6): each ingest that stored events with an event_id writes the
// 64-bit hashes (XXH3) of those ids, sorted, to ids/<generation>.ids. Together the runs are the set
// of ids already stored, which makes ingest idempotent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aips/status.h"
#include "common/file_util.h"

namespace aips {

Status WriteIdRun(const std::string& dir, uint64_t generation, std::vector<uint64_t> hashes);

// The stored runs, memory-mapped and verified once; membership is a binary search per run, so an
// ingest of a few new rows does not build a hash set of every id ever stored.
class StoredIds {
 public:
  static Result<StoredIds> Open(const std::string& dir, const std::vector<uint64_t>& generations);
  bool Contains(uint64_t hash) const;
  uint64_t size() const { return size_; }
  // The i-th run of `generations`: its sorted hashes.
  std::pair<const uint64_t*, size_t> run(size_t i) const { return runs_[i]; }

 private:
  std::vector<MappedFile> files_;
  std::vector<std::pair<const uint64_t*, size_t>> runs_;
  uint64_t size_ = 0;
};

}  // namespace aips
