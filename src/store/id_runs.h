// Event-id runs (docs/formats.md §6): each ingest that stored events with an event_id writes the
// 64-bit hashes (XXH3) of those ids, sorted, to ids/<generation>.ids. Together the runs are the set
// of ids already stored, which makes ingest idempotent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "aips/status.h"

namespace aips {

Status WriteIdRun(const std::string& dir, uint64_t generation, std::vector<uint64_t> hashes);
Status LoadIdRuns(const std::string& dir, const std::vector<uint64_t>& generations,
                  absl::flat_hash_set<uint64_t>* out);

}  // namespace aips
