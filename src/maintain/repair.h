// `aips repair` (issue #8, docs/reliability.md): after `aips check` found damage, rebuilds what can be
// derived and says what cannot.
//
// Derived, so rebuilt: snapshots and engine states (from the events: the damaged subjects' snapshots are
// deleted and marked for recomputation) and garbage left by interrupted writes (removed). Not derived:
// day segments, dictionaries, event-id runs, side tables, first-party data, attributes and saved crowds
// hold what was ingested; for those repair names the file and the way back (aips restore from a backup,
// or re-ingesting the source files). With drop_damaged, a damaged segment is rewritten with its intact
// brand blocks (the damaged blocks' rows are lost and counted) and a damaged id run is dropped (rows of
// that ingest re-sent later would be stored again), so that the store opens and answers again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aips/status.h"

namespace aips {

struct RepairReport {
  std::vector<std::string> rebuilt;                         // what was rebuilt or marked for it
  std::vector<std::pair<std::string, std::string>> lost;    // file, what was given up (drop_damaged)
  std::vector<std::pair<std::string, std::string>> cannot;  // file, problem and the way back
  uint64_t rows_lost = 0;
  bool snapshots_reset = false;  // some snapshots must be recomputed
  bool ok() const { return cannot.empty(); }
};

struct RepairOptions {
  bool drop_damaged = false;       // salvage damaged segments' intact blocks, drop damaged id runs
  bool rebuild_snapshots = false;  // recompute every snapshot even when none is damaged
  bool dry_run = false;
};

// Takes the directory's write lock. Fails only when the directory cannot be repaired at all (no
// readable MANIFEST: the report then says so too).
Result<RepairReport> RepairDataDir(const std::string& dir, const RepairOptions& opt);

}  // namespace aips
