// Re-derives the manifest's per-brand facts (rows, first and last day, SPUs) from the segments a manifest
// names, for writes that remove events (aips retain, forget, repair) and so cannot update them
// incrementally the way an ingest does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aips/status.h"
#include "store/manifest.h"

namespace aips {

// For each brand in `brands`: rows, first_day, last_day and spus are recomputed from every segment that
// `m` names (read from `dir`, block checksums verified), and its snapshots are marked for recomputation
// (snap reset). Also resets the category snapshots named in `categories`.
Status RederiveBrandFacts(const std::string& dir, Manifest* m, const std::vector<uint32_t>& brands,
                          const std::vector<std::string>& categories);

}  // namespace aips
