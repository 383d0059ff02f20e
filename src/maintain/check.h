// `aips check`: verifies every file a data directory's manifest names — magic, version, checksum and
// the invariants between them — and names each damaged file (docs/formats.md).
#pragma once

#include <string>
#include <vector>

#include "aips/status.h"

namespace aips {

struct CheckReport {
  size_t files_checked = 0;
  std::vector<std::pair<std::string, std::string>> damaged;  // file, problem
  bool ok() const { return damaged.empty(); }
};

// Fails only when the directory cannot be read at all (no MANIFEST), or with OutOfMemory when a file could
// not be read for want of memory (a memory limit: that says nothing about the file, so nothing is reported
// damaged and repair acts on nothing); damage is reported in the report.
Result<CheckReport> CheckDataDir(const std::string& dir);

}  // namespace aips
