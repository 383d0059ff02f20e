// `aips ingest`: reads input files (events and side tables, AIPS.md §2), validates every row, keeps
// the good ones and writes each rejected row to the run's reject file, then commits everything in one
// atomic manifest replacement (docs/architecture.md, "How one event becomes a number").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aips/status.h"
#include "ingest/tables.h"
#include "store/store.h"

namespace aips {

struct IngestOptions {
  std::optional<TableKind> kind;  // --kind: skip header-based detection
  bool progress = false;          // draw a progress bar on stderr
};

struct FileCounts {
  std::string source;
  TableKind kind = TableKind::kEvents;
  uint64_t accepted = 0, rejected = 0, duplicates = 0;
};

struct IngestResult {
  uint64_t accepted = 0;  // rows newly stored by this run
  uint64_t rejected = 0;  // rows written to the reject file
  uint64_t duplicates =
      0;  // rows already stored (same event_id / same side-table row) or repeated in the input
  std::string rejects_file;
  std::vector<FileCounts> files;
  std::vector<std::string> first_errors;  // up to 10 "source:line: field: reason" lines, for the terminal
};

// Ingests `files` ("-" = standard input) into the store (opened for writing). Fails only when a file
// cannot be read or the store cannot be written; rejected rows are a normal outcome.
Result<IngestResult> Ingest(Store& store, const std::vector<std::string>& files,
                            const IngestOptions& options);

}  // namespace aips
