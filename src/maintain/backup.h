// `aips backup` and `aips restore` (docs/operations.md): a consistent, verified copy of a live data
// directory, and back.
//
// Backup takes the directory's write lock for the copy, so no ingest, compute or API ingest commits
// while it runs (they wait, up to their own 30 s lock timeout; readers go on undisturbed). It copies every
// file but LOCK, fsyncs the copy and its directories, and runs `aips check` on the copy: a backup that is
// not verified clean is reported as an error. Restore copies a verified backup into a new (missing or
// empty) data directory the same way.
#pragma once

#include <cstdint>
#include <string>

#include "aips/status.h"

namespace aips {

struct CopyStats {
  uint64_t files = 0, bytes = 0;
  size_t files_checked = 0;  // by the verification
};

// InvalidArgument when `dest` exists and is not empty; NotFound when `data` holds no store.
Result<CopyStats> BackupDataDir(const std::string& data, const std::string& dest,
                                int lock_timeout_ms = 30000);
Result<CopyStats> RestoreDataDir(const std::string& backup, const std::string& data);

}  // namespace aips
