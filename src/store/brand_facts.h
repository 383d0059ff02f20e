// What the writes that remove events (aips retain, forget, repair) share, since they cannot update the
// manifest incrementally the way an ingest does: re-deriving the per-brand facts (rows, first and last
// day, SPUs) from the segments, writing rows back as a new day segment, and deleting the snapshot files
// of subjects whose snapshots they reset.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "aips/status.h"
#include "store/manifest.h"
#include "store/segment.h"

namespace aips {

// For each brand in `brands`: rows, first_day, last_day and spus are recomputed from every segment that
// `m` names (read from `dir`, block checksums verified), and its snapshots are marked for recomputation
// (snap reset). Also resets the category snapshots named in `categories`.
Status RederiveBrandFacts(const std::string& dir, Manifest* m, const std::vector<uint32_t>& brands,
                          const std::vector<std::string>& categories);

// Sorts `rows` (one day's, any order) and, unless dry_run, writes them as the segment of `day` and
// generation `gen`; appends its SegmentInfo to *added. Nothing when rows is empty.
Status WriteDaySegment(const std::string& dir, Day day, uint64_t gen, std::vector<EventRow> rows,
                       bool dry_run, std::vector<SegmentInfo>* added);

// Deletes snap/b<brand>.{snap,state} of `brands` and, with `categories`, every category crowd's files
// (after the commit that reset them: until then the manifest named them). Returns the files deleted.
Result<uint64_t> DeleteSnapshotFiles(const std::string& dir, const std::set<uint32_t>& brands,
                                     bool categories);

}  // namespace aips
