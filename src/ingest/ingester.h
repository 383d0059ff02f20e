// `aips ingest`: reads input files (events and side tables, docs/input.md), validates every row, keeps
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

// Why a row of a user erased by `aips forget` is refused (every engine's loader says the same).
inline constexpr const char* kForgottenUserReason =
    "this user was erased by 'aips forget'; their rows are refused";

struct IngestOptions {
  std::optional<TableKind> kind;  // --kind: skip header-based detection
  bool progress = false;          // draw a progress bar on stderr
  size_t batch_rows = 0;          // ClickHouse: events per insert batch (0: 250,000)
  // Bytes of event rows held in memory before they are sorted and spilled to a run on disk (merged at the
  // commit). 0: an eighth of physical memory, at most 4 GiB, at most a quarter of a memory limit.
  uint64_t buffer_bytes = 0;
  size_t piece_bytes = 0;  // standard input and pipes are read in pieces of this size (0: 64 MiB)
};

struct FileCounts {
  std::string source;
  TableKind kind = TableKind::kEvents;
  uint64_t accepted = 0, rejected = 0, duplicates = 0;
  uint64_t matched = 0;  // orders: matched to a platform user on arrival
};

struct IngestResult {
  uint64_t accepted = 0;  // rows newly stored by this run
  uint64_t rejected = 0;  // rows written to the reject file
  uint64_t duplicates =
      0;  // rows already stored (same event_id / same side-table row) or repeated in the input
  std::string rejects_file;
  std::vector<FileCounts> files;
  uint64_t spilled_runs = 0;  // times the row buffer filled and its rows were spilled, sorted, to disk
  // First-party orders (docs/first-party.md): new in this run, matched on arrival, matched later (kept orders
  // that this run's identity rows matched), and the totals of the data directory after the run.
  uint64_t orders = 0, orders_matched = 0, orders_rematched = 0;
  uint64_t orders_total = 0, orders_matched_total = 0, orders_unmatched_total = 0;
  std::vector<std::string> first_errors;  // up to 10 "source:line: field: reason" lines, for the terminal
};

// Ingests `files` ("-" = standard input) into the store (opened for writing). Fails only when a file
// cannot be read or the store cannot be written; rejected rows are a normal outcome.
Result<IngestResult> Ingest(Store& store, const std::vector<std::string>& files,
                            const IngestOptions& options);

// The same for inputs already in memory (an HTTP request body); `name` stands for the file in counts and
// reject records.
struct InputBuffer {
  std::string name;
  std::string_view data;
};
Result<IngestResult> IngestBuffers(Store& store, const std::vector<InputBuffer>& inputs,
                                   const IngestOptions& options);

}  // namespace aips
